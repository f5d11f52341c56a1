// test/helpers/wasm-imports.ts — the hostfd contract as the C side states it, for host tests.
//
// Owns: a parser of core-c/src/host/imports.h (every WFS_IMPORT: name and wasm signature) and a
// tiny wasm binary writer that builds a module importing those functions from "hostfd" and
// exporting one trampoline per import (same name, same signature), so tests can call ts/host
// through a real wasm boundary (i64 as BigInt, i32 wrapping) exactly as core.wasm does.
// Must not: depend on ts/host (it is the other side of the twin check) or on dist/core.wasm.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the nearest ancestor of this file (or of the bundle in build/test/, or of
 * the working directory) that holds core-c/src/host/imports.h. */
export function repoRoot(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'core-c', 'src', 'host', 'imports.h'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find core-c/src/host/imports.h above ' + starts.join(' or '));
}

/** One import as imports.h declares it: wasm params and result ('' for none). */
export interface ImportSig {
  name: string;
  params: string[];
  result: string;
}

function wasmType(cType: string): string {
  const t = cType.trim();
  if (t.includes('*') || t.includes('[')) return 'i32'; // wasm32 pointer
  const base = t.replace(/\b(const|volatile)\b/g, '').trim().split(/\s+/)[0] ?? '';
  if (base === 'int64_t' || base === 'uint64_t') return 'i64';
  if (base === 'int32_t' || base === 'uint32_t' || base === 'int' || base === 'unsigned') return 'i32';
  throw new Error(`imports.h: unexpected C type "${cType}"`);
}

/** Every WFS_IMPORT(name) declaration of imports.h, in file order. */
export function parseImportsH(text: string): ImportSig[] {
  const out: ImportSig[] = [];
  const re = /WFS_IMPORT\((\w+)\)\s+([\w ]+?)\s+host_\w+\(([^)]*)\)\s*;/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [, name, ret, args] = m as unknown as [string, string, string, string];
    const params = args.trim() === 'void' || args.trim() === '' ? [] : args.split(',').map(wasmType);
    out.push({ name, params, result: ret.trim() === 'void' ? '' : wasmType(ret) });
  }
  return out;
}

export function readImportsH(): ImportSig[] {
  return parseImportsH(readFileSync(join(repoRoot(), 'core-c', 'src', 'host', 'imports.h'), 'utf8'));
}

// ---- wasm writer -----------------------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function str(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e };

function valtype(t: string): number {
  const v = VALTYPE[t];
  if (v === undefined) throw new Error(`unknown wasm type ${t}`);
  return v;
}

/** A module importing each `sigs[i]` from `module` and exporting a trampoline of the same name
 * and signature that passes its arguments through and returns the import's result. */
export function trampolineModule(module: string, sigs: ImportSig[]): Uint8Array<ArrayBuffer> {
  const types = sigs.map((s) => [0x60, ...vec(s.params.map((p) => [valtype(p)])), ...vec(s.result ? [[valtype(s.result)]] : [])]);
  const imports = sigs.map((s, i) => [...str(module), ...str(s.name), 0x00, ...uleb(i)]);
  const funcs = sigs.map((_, i) => uleb(i));
  const exports = sigs.map((s, i) => [...str(s.name), 0x00, ...uleb(sigs.length + i)]);
  const bodies = sigs.map((s, i) => {
    const code = [0x00]; // no locals
    s.params.forEach((_, p) => code.push(0x20, ...uleb(p))); // local.get p
    code.push(0x10, ...uleb(i), 0x0b); // call import i; end
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

// ---- wasm reader -----------------------------------------------------------------------------

const VALNAME: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/** The function imports of a wasm binary with their signatures (multi-value results joined by
 * spaces), read from its type and import sections. */
export function functionImports(bytes: Uint8Array): Array<ImportSig & { module: string }> {
  let p = 8;
  const u = (): number => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++] as number;
      r += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return r;
    }
  };
  const name = (): string => {
    const n = u();
    const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8');
    p += n;
    return s;
  };
  const val = (): string => VALNAME[bytes[p++] as number] ?? '?';
  const limits = (): void => {
    const flags = u();
    u();
    if (flags & 1) u();
  };
  const types: Array<{ params: string[]; results: string[] }> = [];
  const out: Array<ImportSig & { module: string }> = [];
  while (p < bytes.length) {
    const id = bytes[p++] as number;
    const size = u();
    const end = p + size;
    if (id === 1) {
      for (let n = u(); n > 0; n--) {
        if (bytes[p++] !== 0x60) throw new Error('unsupported type form');
        const params: string[] = [];
        for (let k = u(); k > 0; k--) params.push(val());
        const results: string[] = [];
        for (let k = u(); k > 0; k--) results.push(val());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = bytes[p++];
        if (kind === 0) {
          const t = types[u()];
          if (!t) throw new Error(`import ${module}.${field}: bad type index`);
          out.push({ module, name: field, params: t.params, result: t.results.join(' ') });
        } else if (kind === 1) {
          p++; // reftype
          limits();
        } else if (kind === 2) {
          limits();
        } else if (kind === 3) {
          p += 2; // valtype, mutability
        } else if (kind === 4) {
          p++; // tag attribute
          u();
        } else {
          throw new Error(`unknown import kind ${kind}`);
        }
      }
    }
    p = end;
  }
  return out;
}
