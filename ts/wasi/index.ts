/// <reference lib="dom" />
/* index.ts — `WASI`, a drop-in for node:wasi's class, and `runWasi`, the one-call runner.
 *
 * Owns: option validation, the life cycle of one core instance per WASI object (wfs_init, stdio,
 * preopens in the order given, wfs_shutdown on close()), binding the guest memory (to ts/wasi and
 * to the host layer, so fd_read/fd_write move bytes host FD <-> guest memory directly), and the
 * exit protocol (proc_exit -> exit code; a trap propagates as an exception).
 * Must not: implement filesystem semantics (the core does) or touch host FDs except handing the
 * preopen directories opened by ts/host to the core.
 *
 * Using it with other imports: getImportObject() returns { wasi_snapshot_preview1: {...} }, so
 * merge it into yours:
 *   const wasi = new WASI({ version: 'preview1', preopens: { '/work': '/tmp/w' } });
 *   const instance = await WebAssembly.instantiate(module, { ...myImports, ...wasi.getImportObject() });
 *   const code = wasi.start(instance);
 *   wasi.close();
 */

import { readFile } from 'node:fs/promises';
import { openRoot } from '../host/hostfd.js';
import { LisafsClient } from '../lisafs/client.js';
import { withEnvDefaults } from '../fs.js';
import { loadCore, type Core } from '../core/loader.js';
import { WFS_INIT_SHARED, COUNTER_NAMES } from '../core/abi.js';
import { GuestMemory } from './memory.js';
import { Preview1, StringTable, WasiExit, buildPreview1, type Preview1Imports } from './preview1.js';
import { errnoName, WASI_ENAMETOOLONG } from './defs.js';

export { WasiExit } from './preview1.js';

export interface WASILimits {
  /** Guest fd table size (EMFILE beyond). 0 or absent: the core's default. */
  maxFds?: number;
  /** Cached dentries before LRU eviction. */
  maxDentries?: number;
  /** Host FDs held by cached dentries before the least recently used are shed. */
  hostFdBudget?: number;
}

export interface WASIOptions {
  /** Only 'preview1' (node:wasi also knows 'unstable', which this implementation does not). */
  version?: 'preview1';
  args?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Guest path -> host directory, preopened in this order as fds 3, 4, ... */
  preopens?: Readonly<Record<string, string>>;
  /** true (default): start() returns the exit code; false: proc_exit ends the Node process. */
  returnOnExit?: boolean;
  /** Host fd numbers backing guest fds 0, 1, 2 (defaults 0, 1, 2). Borrowed, never closed. */
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /** 'directfs' (default): the core opens host files itself. 'lisafs': every operation through a gofer. */
  mode?: 'directfs' | 'lisafs';
  /** Where the lisafs gofer runs ('worker' thread or child 'process'); only with mode 'lisafs'. */
  gofer?: 'worker' | 'process';
  /** 'exclusive' (default): the guest is the only writer, cached metadata is authoritative.
   * 'shared': the host may change the tree; every walk revalidates. */
  interop?: 'exclusive' | 'shared';
  /** Guest paths (keys of `preopens`) mounted without any write right. */
  readonlyPreopens?: readonly string[];
  limits?: WASILimits;
}

/** A WASI errno as a JS Error (`code` = 'ENOENT' ...), for the public API. */
export class WasiError extends Error {
  readonly code: string;
  readonly errno: number;
  constructor(errno: number, what: string) {
    super(`${what}: ${errnoName(errno)}`);
    this.name = 'WasiError';
    this.errno = errno;
    this.code = errnoName(errno);
  }
}

function fdOption(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new TypeError(`wasi-directfs: options.${name} must be a host file descriptor number, got ${String(v)}`);
  }
  return v;
}

function limitOption(name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new TypeError(`wasi-directfs: options.limits.${name} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

/** Releases the host FDs of a WASI object that was dropped without close(). */
const unclosed = new FinalizationRegistry<Core>((core) => {
  try {
    core.x.wfs_shutdown();
  } catch {
    // the core trapped earlier; its FDs go when the process ends
  }
});

export class WASI {
  /** The wasi_snapshot_preview1 functions (node:wasi's property of the same name). */
  readonly wasiImport: Preview1Imports;
  private readonly core: Core;
  private readonly mem = new GuestMemory();
  private readonly returnOnExit: boolean;
  private started = false;
  private closed = false;
  /** lisafs mode: one gofer connection per preopen (disconnected by close()). */
  private readonly clients: LisafsClient[] = [];

  constructor(options: WASIOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('wasi-directfs: options must be an object');
    const version = options.version ?? 'preview1';
    if (version !== 'preview1') {
      throw new TypeError(`wasi-directfs: options.version must be 'preview1' (got ${String(version)})`);
    }
    options = withEnvDefaults(options);
    const mode = options.mode ?? 'directfs';
    if (mode !== 'directfs' && mode !== 'lisafs') throw new TypeError(`wasi-directfs: options.mode must be 'directfs' or 'lisafs', got ${String(mode)}`);
    if (options.gofer !== undefined && mode !== 'lisafs') {
      throw new TypeError('wasi-directfs: options.gofer is only meaningful with mode \'lisafs\'');
    }
    const gofer = options.gofer ?? 'worker';
    if (gofer !== 'worker' && gofer !== 'process') throw new TypeError(`wasi-directfs: options.gofer must be 'worker' or 'process', got ${String(gofer)}`);
    const interop = options.interop ?? 'exclusive';
    if (interop !== 'exclusive' && interop !== 'shared') {
      throw new TypeError(`wasi-directfs: options.interop must be 'exclusive' or 'shared', got ${String(interop)}`);
    }
    const args = options.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw new TypeError('wasi-directfs: options.args must be an array of strings');
    }
    const envList: string[] = [];
    const env = options.env ?? {};
    if (env === null || typeof env !== 'object') throw new TypeError('wasi-directfs: options.env must be an object');
    for (const [k, v] of Object.entries(env)) if (v !== undefined) envList.push(`${k}=${v}`);
    const preopens = options.preopens ?? {};
    if (preopens === null || typeof preopens !== 'object') throw new TypeError('wasi-directfs: options.preopens must be an object');
    const readonly = new Set(options.readonlyPreopens ?? []);
    for (const g of readonly) {
      if (!Object.prototype.hasOwnProperty.call(preopens, g)) {
        throw new TypeError(`wasi-directfs: readonlyPreopens names ${g}, which is not a key of options.preopens`);
      }
    }
    this.returnOnExit = options.returnOnExit ?? true;
    const stdin = fdOption('stdin', options.stdin, 0);
    const stdout = fdOption('stdout', options.stdout, 1);
    const stderr = fdOption('stderr', options.stderr, 2);
    const limits = options.limits ?? {};
    const argTable = new StringTable(args); // throws on a NUL byte, before any host FD is opened
    const envTable = new StringTable(envList);

    const core = loadCore({ lisafs: mode === 'lisafs' });
    this.core = core;
    try {
      const x = core.x;
      let err = x.wfs_init(interop === 'shared' ? WFS_INIT_SHARED : 0, limitOption('maxFds', limits.maxFds),
        limitOption('maxDentries', limits.maxDentries), limitOption('hostFdBudget', limits.hostFdBudget));
      if (err !== 0) throw new WasiError(err, 'wasi-directfs: wfs_init');
      err = x.wfs_stdio(0, stdin, 1, 0);
      if (err === 0) err = x.wfs_stdio(1, stdout, 0, 1);
      if (err === 0) err = x.wfs_stdio(2, stderr, 0, 1);
      if (err !== 0) throw new WasiError(err, 'wasi-directfs: wfs_stdio');
      const enc = new TextEncoder();
      for (const [guest, host] of Object.entries(preopens)) {
        if (typeof host !== 'string') throw new TypeError(`wasi-directfs: options.preopens['${guest}'] must be a string`);
        const name = enc.encode(guest);
        if (name.length > core.pathMax) throw new WasiError(WASI_ENAMETOOLONG, `wasi-directfs: preopen name ${guest}`);
        let hostFd: number;
        try {
          if (core.gofer) { // lisafs: the gofer opens the host directory; we get its root's virtual FD
            const client = LisafsClient.connect({ channel: gofer, root: host });
            this.clients.push(client);
            hostFd = core.gofer.mount(client);
          } else {
            hostFd = openRoot(host);
          }
        } catch (e) {
          const err2 = new Error(`wasi-directfs: cannot open preopen directory ${host}: ${(e as Error).message}`);
          (err2 as Error & { code?: unknown }).code = (e as { code?: unknown }).code;
          throw err2;
        }
        core.setPath1(name);
        err = x.wfs_preopen(hostFd, name.length, readonly.has(guest) ? 1 : 0);
        if (err !== 0) throw new WasiError(err, `wasi-directfs: preopen ${host} at ${guest}`);
      }
    } catch (e) {
      this.close();
      throw e;
    }
    const p = new Preview1(core, this.mem, argTable, envTable);
    this.wasiImport = buildPreview1(p);
    unclosed.register(this, core, this);
  }

  /** node:wasi's import object: { wasi_snapshot_preview1: wasiImport }. */
  getImportObject(): { wasi_snapshot_preview1: Preview1Imports } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  private bind(instance: WebAssembly.Instance, what: 'start' | 'initialize'): Record<string, unknown> {
    if (this.closed) throw new Error('wasi-directfs: this WASI instance is closed');
    if (this.started) throw new Error('WASI instance has already started');
    if (instance === null || typeof instance !== 'object' || !('exports' in instance)) {
      throw new TypeError('wasi-directfs: expected a WebAssembly.Instance');
    }
    const exports = instance.exports as Record<string, unknown>;
    const memory = exports['memory'];
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError('wasi-directfs: instance.exports.memory must be a WebAssembly.Memory');
    }
    if (what === 'start') {
      if (typeof exports['_start'] !== 'function') throw new TypeError('wasi-directfs: instance.exports._start is not a function');
      if ('_initialize' in exports) throw new TypeError('wasi-directfs: instance.exports._initialize must not be present with _start');
    } else {
      if ('_start' in exports) throw new TypeError('wasi-directfs: instance.exports._start must not be present for initialize()');
      const init = exports['_initialize'];
      if (init !== undefined && typeof init !== 'function') {
        throw new TypeError('wasi-directfs: instance.exports._initialize is not a function');
      }
    }
    this.started = true;
    this.mem.bind(memory);
    this.core.host.bindGuest(memory);
    return exports;
  }

  /** Runs a command's _start. Returns its exit code (0 when _start returns); with
   * returnOnExit false, proc_exit ends the process. A trap propagates as an exception. */
  start(instance: WebAssembly.Instance): number {
    const exports = this.bind(instance, 'start');
    try {
      (exports['_start'] as () => void)();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) {
        if (!this.returnOnExit) process.exit(e.code);
        return e.code;
      }
      throw e;
    }
  }

  /** Binds a reactor's memory and runs its _initialize (if exported). */
  initialize(instance: WebAssembly.Instance): void {
    const exports = this.bind(instance, 'initialize');
    const init = exports['_initialize'];
    if (typeof init === 'function') {
      try {
        (init as () => void)();
      } catch (e) {
        if (e instanceof WasiExit && !this.returnOnExit) process.exit(e.code);
        throw e;
      }
    }
  }

  /** The core's counters (wfs_stat_counter 0..7) with their names. */
  counters(): { name: string; value: number }[] {
    return this.core.counters().map((value, i) => ({ name: COUNTER_NAMES[i] ?? `counter ${i}`, value }));
  }

  /** Set when the core needed the lisafs gofer (which does not exist yet): what it was. */
  get lisafsMessage(): string {
    return this.core.lisafsMessage;
  }

  /** Closes every guest fd and every host FD the core holds. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    unclosed.unregister(this);
    this.core.x.wfs_shutdown();
    for (const c of this.clients.splice(0)) c.disconnect();
  }

  /** lisafs mode: RPCs sent to the gofers so far (0 in directfs mode). */
  get rpcs(): number {
    return this.core.gofer?.stats.rpcs ?? 0;
  }
}

/* `using wasi = new WASI(...)` (explicit resource management) calls close(). Symbol.dispose exists
 * in Node 20 but not in the ES2022 typings, hence the lookup. */
const disposeSymbol = (Symbol as unknown as { dispose?: symbol }).dispose;
if (disposeSymbol) {
  Object.defineProperty(WASI.prototype, disposeSymbol, {
    value(this: WASI): void {
      this.close();
    },
  });
}

export interface RunWasiOptions {
  /** A path to a .wasm file, its bytes, or a compiled module. */
  module: string | Uint8Array | ArrayBuffer | WebAssembly.Module;
  args?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  preopens?: Readonly<Record<string, string>>;
  readonlyPreopens?: readonly string[];
  stdin?: number;
  stdout?: number;
  stderr?: number;
  interop?: 'exclusive' | 'shared';
  limits?: WASILimits;
}

/** Compiles (if needed), instantiates and runs a WASI command; returns its exit code. Every host
 * FD is released before it returns or throws. A trap rejects with the RuntimeError. */
export async function runWasi(opts: RunWasiOptions): Promise<number> {
  let module: WebAssembly.Module;
  if (opts.module instanceof WebAssembly.Module) module = opts.module;
  else if (typeof opts.module === 'string') module = await WebAssembly.compile((await readFile(opts.module)) as Uint8Array<ArrayBuffer>);
  else module = await WebAssembly.compile(opts.module as Uint8Array<ArrayBuffer> | ArrayBuffer);
  const wasi = new WASI({
    version: 'preview1',
    args: opts.args ?? [],
    env: opts.env ?? {},
    preopens: opts.preopens ?? {},
    readonlyPreopens: opts.readonlyPreopens ?? [],
    ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    ...(opts.stdout !== undefined ? { stdout: opts.stdout } : {}),
    ...(opts.stderr !== undefined ? { stderr: opts.stderr } : {}),
    interop: opts.interop ?? 'exclusive',
    ...(opts.limits ? { limits: opts.limits } : {}),
    returnOnExit: true,
  });
  try {
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    return wasi.start(instance);
  } finally {
    wasi.close();
  }
}
