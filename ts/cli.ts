#!/usr/bin/env node
/// <reference lib="dom" />
/* cli.ts — the `wasi-directfs` command (bundled to dist/cli.js).
 *
 * Owns: argument parsing with wasmtime's conventions (`--dir HOST[::GUEST]`, `--env K=V`, options
 * end at the module path), exit codes (the guest's code; 134 for a trap; 2 for usage errors, a
 * missing or invalid module, or a missing --dir directory; 1 for an internal failure), and the
 * `demo` subcommand. Must not: implement WASI or filesystem behaviour (ts/wasi and the core do).
 */

import { writeSync, statSync, readFileSync, mkdtempSync, readdirSync, lstatSync, readlinkSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI, type WASIOptions } from './wasi/index.js';

const USAGE = `wasi-directfs — run WebAssembly WASI (preview1) guests over host directories, directfs-style

Usage:
  wasi-directfs run [OPTIONS] MODULE.wasm [ARGS...]
  wasi-directfs MODULE.wasm [ARGS...]          (run without options, as wasmtime allows)
  wasi-directfs demo [--keep]
  wasi-directfs help | --help | -h

Subcommands:
  run     Run MODULE.wasm (a WASI preview1 command). Options come before the module path;
          everything after it is passed to the guest (its argv[0] is MODULE as given).
          The exit code is the guest's; a trap exits 134 with one line on stderr.
  demo    Run build/guests/demo.wasm over a fresh temporary directory mounted at /work, then
          print the host-side listing of that directory and the core's counters.
          --keep leaves the temporary directory in place (it is removed by default).
  help    Print this text.

Options of run:
  --dir HOST[::GUEST]           Preopen host directory HOST at guest path GUEST (default: HOST
                                itself). May be repeated; preopens get guest fds 3, 4, ... in order.
  --readonly-dir HOST[::GUEST]  Like --dir, but the guest gets no write right below it.
  --env NAME=VALUE              Set an environment variable for the guest (repeatable).
  --env NAME                    Pass the host's value of NAME (skipped when unset).
  --mode directfs|lisafs        directfs (default): the core opens host files itself relative to
                                the preopened directory. lisafs: every operation through the gofer,
                                a file server that alone opens host files (gVisor with directfs off).
  --interop exclusive|shared    exclusive (default): the guest is the only writer, so cached
                                metadata is authoritative. shared: the host may change files while
                                the guest runs; every lookup revalidates against the host.
  --gofer worker|process        Where the lisafs gofer runs (only with --mode lisafs).
  --max-fds N                   Guest fd table size (default: the core's).
  --max-dentries N              Cached dentries before LRU eviction (default: the core's).
  --host-fd-budget N            Host FDs kept open by cached dentries (default: the core's).
  --                            End of options: the next argument is the module.
  -h, --help                    Print this text.

Environment:
  WASI_DIRECTFS_TRACE=1         Trace every WASI call of the guest on stderr.
  WASI_DIRECTFS_CORE=PATH       Use this core.wasm instead of the one next to the CLI.

Exit codes: the guest's exit code; 134 trap; 2 usage error, missing/invalid module or directory;
1 internal error.
`;

/** A usage error: printed with the prefix, exits 2. */
class UsageError extends Error {}

function say(line: string): void {
  writeSync(2, `wasi-directfs: ${line}\n`);
}

interface RunArgs {
  preopens: [string, string][];
  readonly: string[];
  env: Record<string, string>;
  mode: 'directfs' | 'lisafs';
  modeGiven: boolean;
  interop: 'exclusive' | 'shared';
  gofer: 'worker' | 'process' | null;
  limits: { maxFds?: number; maxDentries?: number; hostFdBudget?: number };
  module: string;
  guestArgs: string[];
}

/** Splits HOST[::GUEST]; GUEST defaults to HOST (wasmtime's convention). */
function dirSpec(flag: string, v: string): [string, string] {
  const i = v.indexOf('::');
  const host = i < 0 ? v : v.slice(0, i);
  const guest = i < 0 ? v : v.slice(i + 2);
  if (host === '' || guest === '') throw new UsageError(`${flag} needs HOST[::GUEST], got '${v}'`);
  return [host, guest];
}

function count(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`${flag} needs a non-negative integer, got '${v}'`);
  return Number(v);
}

export function parseRun(argv: readonly string[]): RunArgs | 'help' {
  const r: RunArgs = {
    preopens: [], readonly: [], env: {}, mode: 'directfs', modeGiven: false, interop: 'exclusive', gofer: null, limits: {},
    module: '', guestArgs: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return 'help';
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq < 0 ? a : a.slice(0, eq);
    const takes = ['--dir', '--readonly-dir', '--env', '--mode', '--interop', '--gofer', '--max-fds', '--max-dentries',
      '--host-fd-budget'];
    if (!takes.includes(flag)) throw new UsageError(`unknown option '${a}' (see wasi-directfs --help)`);
    let v: string;
    if (eq >= 0) v = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      v = argv[++i]!;
    }
    switch (flag) {
      case '--dir':
      case '--readonly-dir': {
        const [host, guest] = dirSpec(flag, v);
        if (r.preopens.some(([g]) => g === guest)) throw new UsageError(`guest path '${guest}' is preopened twice`);
        r.preopens.push([guest, host]);
        if (flag === '--readonly-dir') r.readonly.push(guest);
        break;
      }
      case '--env': {
        const k = v.indexOf('=');
        const name = k < 0 ? v : v.slice(0, k);
        if (name === '') throw new UsageError(`--env needs NAME=VALUE or NAME, got '${v}'`);
        if (k >= 0) r.env[name] = v.slice(k + 1);
        else {
          const hv = process.env[name];
          if (hv !== undefined) r.env[name] = hv;
        }
        break;
      }
      case '--mode':
        if (v !== 'directfs' && v !== 'lisafs') throw new UsageError(`--mode must be directfs or lisafs, got '${v}'`);
        r.mode = v;
        r.modeGiven = true;
        break;
      case '--interop':
        if (v !== 'exclusive' && v !== 'shared') throw new UsageError(`--interop must be exclusive or shared, got '${v}'`);
        r.interop = v;
        break;
      case '--gofer':
        if (v !== 'worker' && v !== 'process') throw new UsageError(`--gofer must be worker or process, got '${v}'`);
        r.gofer = v;
        break;
      case '--max-fds': r.limits.maxFds = count(flag, v); break;
      case '--max-dentries': r.limits.maxDentries = count(flag, v); break;
      case '--host-fd-budget': r.limits.hostFdBudget = count(flag, v); break;
    }
  }
  if (r.gofer !== null && r.mode !== 'lisafs' && process.env['WASI_DIRECTFS_MODE'] !== 'lisafs') {
    throw new UsageError('--gofer is only meaningful with --mode lisafs');
  }
  const module = argv[i];
  if (module === undefined) throw new UsageError('run needs a MODULE.wasm (see wasi-directfs --help)');
  r.module = module;
  r.guestArgs = argv.slice(i);
  return r;
}

/** Reads and compiles the module; a missing or invalid file is a UsageError (exit 2). */
function compileModule(path: string): WebAssembly.Module {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? `module '${path}' not found` : `cannot read module '${path}': ${(e as Error).message}`);
  }
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new UsageError(`'${path}' is not a valid WebAssembly module: ${(e as Error).message}`);
  }
}

function checkDirs(preopens: readonly [string, string][]): void {
  for (const [, host] of preopens) {
    let st;
    try {
      st = statSync(host);
    } catch {
      throw new UsageError(`directory '${host}' does not exist`);
    }
    if (!st.isDirectory()) throw new UsageError(`'${host}' is not a directory`);
  }
}

interface Ran {
  code: number;
  wasi: WASI;
}

/** Instantiates and starts `module` under `opts`; the WASI object is returned open (the caller
 * closes it). A trap is reported and becomes exit code 134. */
function execute(module: WebAssembly.Module, name: string, opts: WASIOptions): Ran {
  let wasi: WASI;
  try {
    wasi = new WASI(opts);
  } catch (e) {
    const msg = (e as Error).message;
    if (/cannot open preopen directory/.test(msg)) throw new UsageError(msg.replace(/^wasi-directfs: /, ''));
    throw e;
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
  } catch (e) {
    wasi.close();
    throw new UsageError(`cannot instantiate '${name}': ${(e as Error).message}`);
  }
  const exports = instance.exports;
  if (typeof exports['_start'] !== 'function' || !(exports['memory'] instanceof WebAssembly.Memory)) {
    wasi.close();
    throw new UsageError(`'${name}' is not a WASI command (it must export _start and memory)`);
  }
  try {
    return { code: wasi.start(instance), wasi };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    say(`trap in ${name}: ${msg.split('\n')[0]}`);
    return { code: 134, wasi };
  }
}

function run(argv: readonly string[]): number {
  const r = parseRun(argv);
  if (r === 'help') {
    writeSync(1, USAGE);
    return 0;
  }
  const module = compileModule(r.module);
  checkDirs(r.preopens);
  const ran = execute(module, r.module, {
    version: 'preview1',
    args: r.guestArgs,
    env: r.env,
    preopens: Object.fromEntries(r.preopens),
    readonlyPreopens: r.readonly,
    interop: r.interop,
    limits: r.limits,
    returnOnExit: true,
    ...(r.modeGiven ? { mode: r.mode } : {}),
    ...(r.gofer !== null ? { gofer: r.gofer } : {}),
  });
  if (ran.code !== 0 && ran.code !== 134 && ran.wasi.lisafsMessage) say(`note: ${ran.wasi.lisafsMessage}`);
  ran.wasi.close();
  return ran.code;
}

// ---- demo ------------------------------------------------------------------------------------

function demoModulePath(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(fileURLToPath(new URL('../build/guests/demo.wasm', import.meta.url)));
  } catch {
    // not a file: URL
  }
  candidates.push(join(process.cwd(), 'build/guests/demo.wasm'));
  for (const c of candidates) if (existsSync(c)) return c;
  return null;
}

/** Lines "type  size  path[ -> target]" for everything under `root`, depth first, sorted. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out.push(`  link  ${String(st.size).padStart(8)}  ${rel} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`  dir   ${''.padStart(8)}  ${rel}/`);
        walk(p);
      } else if (st.isFile()) out.push(`  file  ${String(st.size).padStart(8)}  ${rel}`);
      else out.push(`  other ${''.padStart(8)}  ${rel}`);
    }
  };
  walk(root);
  return out;
}

function demo(argv: readonly string[]): number {
  let keep = false;
  for (const a of argv) {
    if (a === '--keep') keep = true;
    else if (a === '-h' || a === '--help') {
      writeSync(1, USAGE);
      return 0;
    } else throw new UsageError(`demo: unknown argument '${a}'`);
  }
  const path = demoModulePath();
  if (path === null) {
    throw new UsageError('demo: build/guests/demo.wasm is missing; build it with ./build.sh (from test/guests/demo.c), '
      + 'or run your own module with: wasi-directfs run --dir DIR::/work MODULE.wasm');
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasi-directfs-demo-'));
  const print = (s: string): void => { writeSync(1, `${s}\n`); };
  try {
    print(`wasi-directfs demo: running ${path}`);
    print(`  host directory ${dir} is mounted at /work (directfs mode, exclusive interop)`);
    print('--- guest output ---');
    const module = compileModule(path);
    const ran = execute(module, path, {
      version: 'preview1', args: ['demo.wasm', '/work'], env: {}, preopens: { '/work': dir }, returnOnExit: true,
    });
    print(`--- guest exited with code ${ran.code} ---`);
    print(`host-side listing of ${dir}:`);
    const lines = listing(dir);
    print(lines.length ? lines.join('\n') : '  (empty: the guest removed everything it created)');
    print('core counters:');
    for (const c of ran.wasi.counters()) print(`  ${c.name.padEnd(26)} ${c.value}`);
    if (ran.wasi.lisafsMessage) print(`note: ${ran.wasi.lisafsMessage}`);
    ran.wasi.close();
    return ran.code;
  } finally {
    if (keep) writeSync(1, `kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main ------------------------------------------------------------------------------------

export function main(argv: readonly string[]): number {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined) {
      writeSync(2, USAGE);
      return 2;
    }
    if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
      writeSync(1, USAGE);
      return 0;
    }
    if (cmd === 'run') return run(rest);
    if (cmd === 'demo') return demo(rest);
    if (cmd.endsWith('.wasm')) return run(argv); // `wasi-directfs x.wasm` as wasmtime allows
    throw new UsageError(`unknown subcommand '${cmd}' (see wasi-directfs --help)`);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      return 2;
    }
    if (e instanceof Error && e.message.startsWith('wasi-directfs: ')) say(e.message.slice('wasi-directfs: '.length));
    else say(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
