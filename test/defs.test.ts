/* defs.test.ts — twin-definition checks: every `#define WASI_*` of core-c/include/wasi_abi.h has a
 * constant of the same name and value in ts/wasi/defs.ts, and every WFS_* constant of
 * ts/core/abi.ts equals its #define in wfs.h / host/imports.h. The headers are parsed, not
 * compiled: values are integer expressions of literals, parentheses, +, -, <<, |.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as defs from '../ts/wasi/defs.js';
import * as abi from '../ts/core/abi.js';

/** The repository root: this file runs from build/test/ (bundled) or test/ (source). */
function root(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '..', '.']) {
    const r = join(here, up);
    try {
      readFileSync(join(r, 'core-c/include/wasi_abi.h'));
      return r;
    } catch {
      // try the next candidate
    }
  }
  return process.cwd();
}

/** Evaluates a C integer constant expression (decimal, octal, hex literals with u/l suffixes; ( ), + - << |). */
function evalC(expr: string): bigint {
  const toks = expr.match(/0x[0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|<<|[()+\-|]/g) ?? [];
  const rest = expr.replace(/0x[0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|<<|[()+\-|]|\s+/g, '');
  if (rest !== '') throw new Error(`cannot evaluate '${expr}'`);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const primary = (): bigint => {
    const t = toks[i++];
    if (t === '(') {
      const v = or();
      if (toks[i++] !== ')') throw new Error(`unbalanced '${expr}'`);
      return v;
    }
    if (t === '-') return -primary();
    if (t === undefined) throw new Error(`truncated '${expr}'`);
    const lit = t.replace(/[uUlL]+$/, '');
    return /^0[0-7]+$/.test(lit) ? BigInt(`0o${lit.slice(1)}`) : BigInt(lit); // C octal
  };
  const add = (): bigint => {
    let v = primary();
    while (peek() === '+' || peek() === '-') v = toks[i++] === '+' ? v + primary() : v - primary();
    return v;
  };
  const shift = (): bigint => {
    let v = add();
    while (peek() === '<<') { i++; v <<= add(); }
    return v;
  };
  const or = (): bigint => {
    let v = shift();
    while (peek() === '|') { i++; v |= shift(); }
    return v;
  };
  const v = or();
  if (i !== toks.length) throw new Error(`trailing tokens in '${expr}'`);
  return v;
}

/** name -> value of every numeric `#define PREFIX...` in a header. */
function defines(file: string, prefix: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const src = readFileSync(join(root(), file), 'utf8');
  const re = new RegExp(`^#define\\s+(${prefix}\\w*)\\s+(.+?)\\s*(?:/\\*.*\\*/)?\\s*$`, 'gm');
  for (const m of src.matchAll(re)) {
    const [, name, value] = m;
    if (name === undefined || value === undefined || value.includes('__') || /[A-Za-z_]{2,}/.test(value.replace(/0x[0-9a-fA-F]+|[uUlL]+/g, ''))) continue;
    out.set(name, evalC(value));
  }
  return out;
}

test('the C expression evaluator', () => {
  assert.is(evalC('((1ull << 30) - 1)'), (1n << 30n) - 1n);
  assert.is(evalC('0x10'), 16n);
  assert.is(evalC('0100'), 64n);
  assert.is(evalC('0'), 0n);
  assert.is(evalC('(1u | 2u)'), 3n);
  assert.throws(() => evalC('FOO + 1'));
});

test('every #define WASI_* in wasi_abi.h has a TS twin with the same value', () => {
  const h = defines('core-c/include/wasi_abi.h', 'WASI_');
  h.delete('WASI_ABI_H');
  assert.ok(h.size > 150, `parsed only ${h.size} defines`);
  const ts = defs as unknown as Record<string, unknown>;
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [name, value] of h) {
    const v = ts[name];
    if (v === undefined) missing.push(name);
    else if (typeof v !== 'number' && typeof v !== 'bigint') wrong.push(`${name} is not numeric`);
    else if (BigInt(v) !== value) wrong.push(`${name}: header ${value}, TS ${String(v)}`);
  }
  assert.equal(missing, [], `missing in defs.ts: ${missing.join(', ')}`);
  assert.equal(wrong, [], wrong.join('; '));
});

test('rights are bigint, everything else in the header twin is a number', () => {
  assert.is(typeof defs.WASI_RIGHT_FD_READ, 'bigint');
  assert.is(typeof defs.WASI_RIGHTS_ALL, 'bigint');
  assert.type(defs.WASI_EFAULT, 'number');
  assert.is(defs.WASI_EFAULT, 21);
  assert.is(defs.errnoName(44), 'ENOENT');
  assert.is(defs.errnoName(1061), 'ENODATA');
  assert.is(defs.WASI_ERRNO_NAMES.length, defs.WASI_ENOTCAPABLE + 1);
});

test('every WFS_* constant of ts/core/abi.ts equals its #define in the core headers', () => {
  const h = new Map([
    ...defines('core-c/include/wfs.h', 'WFS_'),
    ...defines('core-c/src/host/imports.h', 'WFS_'),
  ]);
  const ts = abi as unknown as Record<string, unknown>;
  const names = Object.keys(ts).filter((n) => n.startsWith('WFS_'));
  assert.ok(names.length >= 10);
  for (const name of names) {
    const hv = h.get(name);
    assert.ok(hv !== undefined, `${name} has no #define in wfs.h or host/imports.h`);
    assert.is(BigInt(ts[name] as number), hv, name);
  }
});

test.run();
