#!/usr/bin/env -S node --v8-pool-size=0
/// <reference lib="dom" />
/* cli.ts — the `wasi-directfs` command (bundled to dist/cli.js).
 *
 * The executable runs node with --v8-pool-size=0: Node sizes V8's background pool to the CPUs
 * (one thread on 2 CPUs) instead of its default four. A guest's calls run on the main thread (and,
 * in lisafs-worker mode, the gofer's thread), and four compiler threads optimising the JS glue and
 * tiering up the guest kept preempting them on a 2-CPU host: main-thread run-queue waits of
 * 22-120 ms in a 50-200 ms run; read-files 52 -> 45 ms, walk 64 -> 55, create-delete 112 -> 96,
 * lisafs stat-storm ~200 -> ~140 (5-run medians). `node dist/cli.js` runs without it.
 *
 * Owns: argument parsing with wasmtime's conventions (`--dir HOST[::GUEST]`, `--env K=V`, options
 * end at the module path), exit codes (the guest's code; 134 for a trap; 2 for usage errors, a
 * missing or invalid module, or a missing --dir directory; 1 for an internal failure), and the
 * `demo` subcommand, and checkpoint/restore of a running guest (`run --checkpoint`, `restore`:
 * exit 75 after a checkpoint, 65 for a refused image, 67 when the host changed since).
 * Must not: implement WASI or filesystem behaviour (ts/wasi and the core do).
 */

import { writeSync, statSync, readFileSync, mkdtempSync, readdirSync, lstatSync, readlinkSync, rmSync, existsSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI, CHECKPOINTED, type WASIOptions } from './wasi/index.js';
import { landlockAbi } from './confine.js';
import { prepareCheckpointable, prepareCheckpointableCached, NotCheckpointableError } from './checkpoint/guest.js';
import { CorruptionError, ImageError } from './checkpoint/image.js';

const USAGE = `wasi-directfs — run WebAssembly WASI (preview1) guests over host directories, directfs-style

Usage:
  wasi-directfs run [OPTIONS] MODULE.wasm [ARGS...]
  wasi-directfs [OPTIONS] MODULE.wasm [ARGS...] (run, as wasmtime allows)
  wasi-directfs restore [RESTORE-OPTIONS] IMAGE
  wasi-directfs demo [--keep]
  wasi-directfs bench [--quick] [--only W,...] [--runtimes R,...] [--runs N] [--help]
  wasi-directfs help | --help | -h
  wasi-directfs --version | -V                  (prints "wasi-directfs VERSION")

Subcommands:
  bench   The benchmark harness: real workloads run side by side on native syscalls, wasi-directfs
          (directfs exclusive/shared, lisafs worker/process), node:wasi and the JavaScript peers;
          a table, bench-results/*.json and an HTML report. --quick finishes in about a minute
          (npm start runs it). 'wasi-directfs bench --help' lists its options.
  run     Run MODULE.wasm (a WASI preview1 command). Options come before the module path;
          everything after it is passed to the guest (its argv[0] is MODULE as given).
          The exit code is the guest's; a trap exits 134 with one line on stderr.
  restore Resume a guest checkpointed by run --checkpoint, in this (new) process, from any
          working directory: the image holds the instrumented module, the guest's memory and
          stack, its args and env, and the filesystem state (mounts by host path, open files with
          offsets, inode numbers, contents of files deleted while open). Every open file is
          re-opened by name and checked against the host first. The guest continues from the
          WASI call it was stopped in; stdio are this process's. Exit code: the guest's.
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
  --no-confine                  Do not confine the process with Landlock. By default, before the
                                guest starts, the process keeps access only beneath the preopened
                                directories (plus read access to what Node and wasi-directfs need);
                                with --gofer process it keeps no path at all. A kernel without
                                Landlock is reported once on stderr and the run continues.
  --checkpoint FILE             Make the run checkpointable (binaryen's asyncify is applied to
                                the module at load time; without this option the module runs
                                untouched), stop the guest at its first WASI call after the
                                deadline below, write its image to FILE and exit 75.
                                A module that cannot be checkpointed (no exported memory or
                                _start, shared memory/threads, memory64, exception handling,
                                imported mutable globals) is refused before it runs (exit 2).
                                If the guest ends before the deadline, no image is written and
                                the exit code is the guest's.
  --checkpoint-after-ms N       The deadline: N ms after the guest starts.
  --checkpoint-after-calls N    Or: stop at the guest's N-th WASI call (deterministic).
  --                            End of options: the next argument is the module.
  -h, --help                    Print this text.

Options of restore:
  --no-validate-size            Accept regular files whose size changed since the checkpoint.
  --no-validate-mtime           Accept regular files whose mtime changed.
  --no-validate-identity        Accept files replaced by another file of the same type (another
                                inode); the guest keeps seeing the saved inode numbers.
                                (File types are always checked, and a missing file always fails.)
  --mode directfs|lisafs        Override the mode saved in the image; --gofer worker|process.
  --checkpoint FILE, --checkpoint-after-ms N, --checkpoint-after-calls N
                                Checkpoint the resumed guest again.

Environment:
  WASI_DIRECTFS_TRACE=1         Trace every WASI call of the guest on stderr.
  WASI_DIRECTFS_CORE=PATH       Use this core.wasm instead of the one next to the CLI.
  WASI_DIRECTFS_ASYNCIFY_CACHE=DIR
                                With --checkpoint: keep modules instrumented by asyncify in DIR
                                (keyed by module SHA-256 and binaryen version), so later runs of
                                the same module skip binaryen (about 1 s of CPU).

Exit codes: the guest's exit code; 134 trap; 2 usage error, missing/invalid module or directory,
or a module that cannot be checkpointed; 1 internal error; 75 the guest was checkpointed (image
written, "checkpoint written" on stderr); restore: 65 the image is refused (truncated, corrupted,
wrong version, not a guest image), 67 the host changed since the checkpoint (stderr names the
path, the field, the saved and the current value).
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
  confine: boolean;
  module: string;
  guestArgs: string[];
  checkpoint: CheckpointArgs;
}

interface CheckpointArgs {
  file: string | null;
  afterMs?: number;
  afterCalls?: number;
}

const CHECKPOINT_FLAGS = ['--checkpoint', '--checkpoint-after-ms', '--checkpoint-after-calls'];

/** Takes a --checkpoint* option (true if it was one). */
function checkpointFlag(c: CheckpointArgs, flag: string, v: string): boolean {
  if (flag === '--checkpoint') {
    if (v === '') throw new UsageError('--checkpoint needs a FILE');
    c.file = v;
  } else if (flag === '--checkpoint-after-ms') c.afterMs = count(flag, v);
  else if (flag === '--checkpoint-after-calls') {
    c.afterCalls = count(flag, v);
    if (c.afterCalls === 0) throw new UsageError('--checkpoint-after-calls counts from 1');
  } else return false;
  return true;
}

function checkCheckpointArgs(c: CheckpointArgs): void {
  if (c.file === null && (c.afterMs !== undefined || c.afterCalls !== undefined)) {
    throw new UsageError('--checkpoint-after-ms/--checkpoint-after-calls need --checkpoint FILE');
  }
  if (c.file !== null && c.afterMs === undefined && c.afterCalls === undefined) {
    throw new UsageError('--checkpoint needs --checkpoint-after-ms N or --checkpoint-after-calls N');
  }
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
    module: '', guestArgs: [], checkpoint: { file: null }, confine: true,
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--no-confine') { r.confine = false; continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq < 0 ? a : a.slice(0, eq);
    const takes = ['--dir', '--readonly-dir', '--env', '--mode', '--interop', '--gofer', '--max-fds', '--max-dentries',
      '--host-fd-budget', ...CHECKPOINT_FLAGS];
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
      default: checkpointFlag(r.checkpoint, flag, v);
    }
  }
  checkCheckpointArgs(r.checkpoint);
  if (r.gofer !== null && r.mode !== 'lisafs' && process.env['WASI_DIRECTFS_MODE'] !== 'lisafs') {
    throw new UsageError('--gofer is only meaningful with --mode lisafs');
  }
  const module = argv[i];
  if (module === undefined) throw new UsageError('run needs a MODULE.wasm (see wasi-directfs --help)');
  r.module = module;
  r.guestArgs = argv.slice(i);
  return r;
}

/** Reads the module's bytes; a missing file is a UsageError (exit 2). */
function readModule(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? `module '${path}' not found` : `cannot read module '${path}': ${(e as Error).message}`);
  }
}

/** Reads and compiles the module; a missing or invalid file is a UsageError (exit 2). */
function compileModule(path: string): WebAssembly.Module {
  const bytes = readModule(path);
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

async function run(argv: readonly string[]): Promise<number> {
  const r = parseRun(argv);
  if (r === 'help') {
    writeSync(1, USAGE);
    return 0;
  }
  const ck = r.checkpoint;
  let module: WebAssembly.Module;
  let checkpoint: WASIOptions['checkpoint'];
  if (ck.file !== null) { // only now is the module instrumented (asyncify); plain runs load it as is
    const bytes = readModule(r.module);
    if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) throw new UsageError(`'${r.module}' is not a valid WebAssembly module`);
    let prepared;
    try {
      const cache = process.env['WASI_DIRECTFS_ASYNCIFY_CACHE'];
      prepared = cache ? await prepareCheckpointableCached(bytes, cache, `'${r.module}'`) : await prepareCheckpointable(bytes, `'${r.module}'`);
    } catch (e) {
      if (e instanceof NotCheckpointableError) throw new UsageError(e.message);
      throw e;
    }
    module = prepared.module;
    checkpoint = {
      prepared,
      ...(ck.afterMs !== undefined ? { afterMs: ck.afterMs } : {}),
      ...(ck.afterCalls !== undefined ? { afterCalls: ck.afterCalls } : {}),
    };
  } else {
    module = compileModule(r.module);
  }
  checkDirs(r.preopens);
  if (r.confine && landlockAbi() === 0) say('note: this kernel has no Landlock: the guest runs without confinement (--no-confine silences this)');
  const started = performance.now();
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
    ...(checkpoint ? { checkpoint } : {}),
    ...(r.confine ? { confine: ck.file !== null ? { readWrite: [dirname(resolvePath(ck.file))] } : true } : {}),
  });
  const code = finishRun(ran, ck, started);
  ran.wasi.close();
  return code;
}

/** After a run: writes the image of a checkpointed guest (exit 75) or reports that it ended
 * before the deadline; otherwise the guest's exit code. */
function finishRun(ran: Ran, ck: CheckpointArgs, started: number): number {
  const image = ran.wasi.checkpointImage;
  if (ck.file !== null && image !== null && ran.code === CHECKPOINTED) {
    const tmp = `${ck.file}.tmp-${process.pid}`;
    writeFileSync(tmp, image);
    renameSync(tmp, ck.file);
    say(`checkpoint written to ${ck.file} (${image.length} bytes): the guest was stopped in ${ran.wasi.stoppedIn ?? '?'} `
      + `after ${Math.round(performance.now() - started)} ms; resume it with: wasi-directfs restore ${ck.file}`);
    return CHECKPOINTED;
  }
  if (ck.file !== null && ran.code !== 134) say(`note: the guest ended (exit ${ran.code}) before the checkpoint deadline; no image was written`);
  if (ran.code !== 0 && ran.code !== 134 && ran.wasi.lisafsMessage) say(`note: ${ran.wasi.lisafsMessage}`);
  return ran.code;
}

const EXIT_IMAGE_REFUSED = 65;
const EXIT_HOST_CHANGED = 67;

async function restore(argv: readonly string[]): Promise<number> {
  const validate = { size: true, mtime: true, identity: true };
  const ck: CheckpointArgs = { file: null };
  let mode: 'directfs' | 'lisafs' | undefined;
  let gofer: 'worker' | 'process' | undefined;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      writeSync(1, USAGE);
      return 0;
    }
    if (a === '--no-validate-size') validate.size = false;
    else if (a === '--no-validate-mtime') validate.mtime = false;
    else if (a === '--no-validate-identity') validate.identity = false;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const flag = eq < 0 ? a : a.slice(0, eq);
      if (!['--mode', '--gofer', ...CHECKPOINT_FLAGS].includes(flag)) throw new UsageError(`restore: unknown option '${a}' (see wasi-directfs --help)`);
      let v: string;
      if (eq >= 0) v = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
        v = argv[++i]!;
      }
      if (flag === '--mode') {
        if (v !== 'directfs' && v !== 'lisafs') throw new UsageError(`--mode must be directfs or lisafs, got '${v}'`);
        mode = v;
      } else if (flag === '--gofer') {
        if (v !== 'worker' && v !== 'process') throw new UsageError(`--gofer must be worker or process, got '${v}'`);
        gofer = v;
      } else checkpointFlag(ck, flag, v);
    } else if (file === undefined) file = a;
    else throw new UsageError(`restore takes one IMAGE file, got also '${a}'`);
  }
  checkCheckpointArgs(ck);
  if (file === undefined) throw new UsageError('restore needs an IMAGE file (see wasi-directfs --help)');
  let image: Buffer;
  try {
    image = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read image '${file}': ${(e as Error).message}`);
  }
  let wasi: WASI;
  const started = performance.now();
  try {
    wasi = WASI.restore(image, {
      validate, returnOnExit: true,
      ...(mode ? { mode } : {}), ...(gofer ? { gofer } : {}),
      ...(ck.file !== null ? { checkpoint: { ...(ck.afterMs !== undefined ? { afterMs: ck.afterMs } : {}), ...(ck.afterCalls !== undefined ? { afterCalls: ck.afterCalls } : {}) } } : {}),
    });
  } catch (e) {
    if (e instanceof ImageError) {
      say(`${e.message} (${file})`);
      return EXIT_IMAGE_REFUSED;
    }
    if (e instanceof CorruptionError) {
      const hint = ['size', 'mtime', 'identity'].includes(e.field) ? ` (accept it with --no-validate-${e.field})` : '';
      say(`${e.message}${hint}`);
      say(`restore refused: path=${e.path} field=${e.field} saved=${e.saved} current=${e.current}`);
      return EXIT_HOST_CHANGED;
    }
    throw e;
  }
  let code: number;
  try {
    code = wasi.resume();
  } catch (e) {
    if (e instanceof ImageError) {
      say(`${e.message} (${file})`);
      wasi.close();
      return EXIT_IMAGE_REFUSED;
    }
    const msg = e instanceof Error ? e.message : String(e);
    say(`trap in the restored guest: ${msg.split('\n')[0]}`);
    code = 134;
  }
  const out = finishRun({ code, wasi }, ck, started);
  wasi.close();
  return out;
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

/** The version in the package.json beside dist/ (the bundle lives in dist/cli.js). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through: a copy of the bundle without its package.json
  }
  return 'unknown';
}

export async function main(argv: readonly string[]): Promise<number> {
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
    if (cmd === '--version' || cmd === '-V') {
      writeSync(1, `wasi-directfs ${packageVersion()}\n`);
      return 0;
    }
    if (cmd === 'run') return await run(rest);
    if (cmd === 'restore') return await restore(rest);
    if (cmd === 'demo') return demo(rest);
    if (cmd === 'bench') return await (await import('./bench/main.js')).runBench(rest);
    // `wasi-directfs [OPTIONS] x.wasm ...` is `run`, as wasmtime allows (test runners call it so).
    if (cmd.endsWith('.wasm') || cmd.startsWith('-')) return await run(argv);
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

process.exitCode = await main(process.argv.slice(2));
