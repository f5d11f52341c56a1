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
import { resolve as resolvePath } from 'node:path';
import { openRoot, closeHostFd, defaultHostFdBudget } from '../host/hostfd.js';
import { LisafsClient } from '../lisafs/client.js';
import { withEnvDefaults } from '../fs.js';
import { loadCore, type Core, type CoreExports } from '../core/loader.js';
import { WFS_INIT_SHARED, COUNTER_NAMES } from '../core/abi.js';
import { GuestMemory } from './memory.js';
import { Preview1, StringTable, WasiExit, buildPreview1, type Preview1Imports } from './preview1.js';
import { errnoName, WASI_ENAMETOOLONG } from './defs.js';
import { CorruptionError, ImageError, decodeImage, encodeImage, type ImageHeader, type MountRecord } from '../checkpoint/image.js';
import { GuestStopper, coreStreamSlots, type GuestResume, type PreparedModule, type StopPolicy } from '../checkpoint/guest.js';

import { confineForWasi, type ConfineOption, type ConfineResult } from '../confine.js';

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
  /** Checkpointing (ts/checkpoint/guest.ts): the guest must be instantiated from
   * `checkpoint.prepared.module` (made by prepareCheckpointable(), which applies binaryen's asyncify).
   * At the first WASI call after `afterMs` ms of start() (or the `afterCalls`-th call, or after
   * requestCheckpoint()) the guest stops, start() returns CHECKPOINTED, and the image is in
   * `checkpointImage` (and passed to onCheckpoint). */
  checkpoint?: WASICheckpointOptions;
  /** Landlock confinement of this process (ts/confine.ts; irreversible, off by default): true keeps
   * full access beneath the preopens plus what Node and this package read; with gofer 'process'
   * the guest's process keeps no path at all. An object adds paths ({ readWrite, readOnly }). */
  confine?: ConfineOption;
}

export interface WASICheckpointOptions extends StopPolicy {
  prepared: PreparedModule;
  onCheckpoint?: (image: Uint8Array) => void;
}

/** start()'s / resume()'s result when the guest was stopped by a checkpoint (EX_TEMPFAIL: the run
 * is suspended, not finished). */
export const CHECKPOINTED = 75;

/** Options of WASI.restore(). */
export interface WASIRestoreOptions {
  /** Validation of the host files against the image (each on by default). */
  validate?: { size?: boolean; mtime?: boolean; identity?: boolean };
  /** Host fds backing the guest's stdio streams in this process (defaults 0, 1, 2). */
  stdin?: number;
  stdout?: number;
  stderr?: number;
  returnOnExit?: boolean;
  /** Override the image's mode (directfs/lisafs) and the gofer placement. */
  mode?: 'directfs' | 'lisafs';
  gofer?: 'worker' | 'process';
  limits?: WASILimits;
  /** Checkpoint the resumed guest again (the module is the image's own). */
  checkpoint?: Omit<WASICheckpointOptions, 'prepared'>;
}

/** The core's checkpoint exports (wfs.h). */
interface CkptExports {
  wfs_checkpoint(): number;
  wfs_restore_buffer(len: number): number;
  wfs_restore(rootsAddr: number, nRoots: number, check: number): number;
}

/** What the constructor restores instead of mounting afresh (WASI.restore() builds it). */
interface RestoreInput {
  core: Uint8Array;
  check: number;
  streams: Map<number, number>;
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
  /** What confine() did (options.confine), or null when the process is not confined. */
  confinement: ConfineResult | null = null;
  private closed = false;
  /** lisafs mode: one gofer connection per preopen (disconnected by close()). */
  private readonly clients: LisafsClient[] = [];
  /** Checkpointing: the stopper wrapping wasiImport, and what the image's header records. */
  private readonly stopper: GuestStopper | null = null;
  private readonly ckpt: WASICheckpointOptions | null = null;
  private readonly record: { args: string[]; env: Record<string, string>; mounts: MountRecord[]; interop: 'exclusive' | 'shared';
    mode: 'directfs' | 'lisafs'; limits: WASILimits };
  /** Restore: the guest state to rewind into, the module and the header of the image. */
  private resumeState: { guest: GuestResume; module: WebAssembly.Module; prepared: PreparedModule } | null = null;
  /** The image made by the last checkpoint (null until the guest is stopped). */
  checkpointImage: Uint8Array | null = null;
  /** The WASI call the guest was stopped in (after a checkpoint). */
  stoppedIn: string | null = null;

  constructor(options: WASIOptions = {}, restoring?: RestoreInput) {
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
    // Absolute host paths: a checkpoint image is restored from any working directory.
    const mounts: MountRecord[] = Object.entries(preopens).map(([guest, host]) => ({ host: resolvePath(String(host)), guest, readonly: readonly.has(guest) }));
    this.record = { args: [...args], env: Object.fromEntries(envList.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
      mounts, interop, mode, limits: { ...limits } };
    if (options.checkpoint !== undefined) {
      const c = options.checkpoint;
      if (c === null || typeof c !== 'object' || !c.prepared || !(c.prepared.module instanceof WebAssembly.Module)) {
        throw new TypeError('wasi-directfs: options.checkpoint.prepared must come from prepareCheckpointable()');
      }
      this.ckpt = c;
      this.stopper = new GuestStopper(c);
    } else if (restoring) {
      this.stopper = new GuestStopper({});
    }

    const separateGofer = mode === 'lisafs' && gofer === 'process';
    this.confinement = confineForWasi(options.confine, 'before', separateGofer, mounts.map((m) => m.host));
    const core = loadCore({ lisafs: mode === 'lisafs' });
    this.core = core;
    core.goferChannel = gofer; // directfs: where a fallback gofer runs
    try {
      const x = core.x;
      let err = x.wfs_init(interop === 'shared' ? WFS_INIT_SHARED : 0, limitOption('maxFds', limits.maxFds),
        limitOption('maxDentries', limits.maxDentries),
        limits.hostFdBudget === undefined ? defaultHostFdBudget(mode) : limitOption('hostFdBudget', limits.hostFdBudget));
      if (err !== 0) throw new WasiError(err, 'wasi-directfs: wfs_init');
      if (restoring) {
        this.restoreCore(restoring, mounts, gofer, [stdin, stdout, stderr]);
        this.stopper!.book.streams.clear();
        for (const [g, i] of restoring.streams) this.stopper!.book.streams.set(g, i);
      }
      err = restoring ? 0 : x.wfs_stdio(0, stdin, 1, 0);
      if (err === 0 && !restoring) err = x.wfs_stdio(1, stdout, 0, 1);
      if (err === 0 && !restoring) err = x.wfs_stdio(2, stderr, 0, 1);
      if (err !== 0) throw new WasiError(err, 'wasi-directfs: wfs_stdio');
      const enc = new TextEncoder();
      for (const [guest, host] of restoring ? [] : Object.entries(preopens)) {
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
        core.mountPaths.push(host); // mount id = preopen order (the fallback gofer's directory)
        err = x.wfs_preopen(hostFd, name.length, readonly.has(guest) ? 1 : 0);
        if (err !== 0) throw new WasiError(err, `wasi-directfs: preopen ${host} at ${guest}`);
      }
    } catch (e) {
      this.close();
      throw e;
    }
    this.confinement ??= confineForWasi(options.confine, 'after', separateGofer, []);
    const p = new Preview1(core, this.mem, argTable, envTable);
    this.wasiImport = this.stopper ? this.stopper.wrap(buildPreview1(p)) : buildPreview1(p);
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
   * returnOnExit false, proc_exit ends the process. A trap propagates as an exception.
   * With options.checkpoint: returns CHECKPOINTED when the guest was stopped (the image is in
   * checkpointImage). After WASI.restore(): resumes the guest where it stopped (use resume()). */
  start(instance: WebAssembly.Instance): number {
    const exports = this.bind(instance, 'start');
    const stopper = this.stopper;
    if (stopper) {
      const prepared = this.resumeState?.prepared ?? this.ckpt?.prepared;
      if (!prepared) throw new Error('wasi-directfs: a restored WASI instance runs through resume()');
      stopper.bind(instance, prepared.globals);
      if (this.resumeState) {
        stopper.startRewind(this.resumeState.guest);
        this.resumeState = null;
      }
    }
    try {
      (exports['_start'] as () => void)();
      if (stopper?.stopped) return this.finishCheckpoint();
      if (stopper?.rewindUnfinished) throw new ImageError('the guest returned without reaching the call it was stopped in: the stack data does not belong to this module');
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) {
        if (!this.returnOnExit) process.exit(e.code);
        return e.code;
      }
      if (stopper?.unwinding && e instanceof WebAssembly.RuntimeError) {
        throw new Error(`wasi-directfs: checkpoint failed while unwinding the guest's stack (${e.message}): the stack data `
          + 'did not fit in checkpoint.stackBufferPages pages; raise it');
      }
      throw e;
    }
  }

  /** Stops the guest at its next WASI call (options.checkpoint must be set; callable from an
   * import the guest calls, or before start()). */
  requestCheckpoint(): void {
    if (!this.ckpt || !this.stopper) throw new Error('wasi-directfs: requestCheckpoint() needs options.checkpoint (a prepared module)');
    this.stopper.request();
  }

  /** After the stop: the filesystem's image (wfs_checkpoint) and the guest's, in one container. */
  private finishCheckpoint(): number {
    const stopper = this.stopper!;
    const prepared = this.ckpt!.prepared;
    const st = stopper.collect();
    const x = this.core.x as CoreExports & CkptExports;
    const e = x.wfs_checkpoint();
    if (e !== 0) throw new WasiError(e, 'wasi-directfs: checkpoint of the filesystem');
    const at = this.core.r32(0);
    const len = this.core.r32(1);
    this.core.sync();
    const core = this.core.u8.slice(at, at + len);
    const r = this.record;
    const header: ImageHeader = {
      kind: 'guest', mounts: r.mounts, interop: r.interop, createdAt: new Date().toISOString(),
      args: r.args, env: r.env, mode: r.mode, limits: r.limits, stoppedIn: st.stoppedIn, memoryBytes: st.memoryBytes,
      globals: st.globals, moduleSha256: prepared.originalSha256, streams: [...stopper.book.streams],
      stdinBytes: stopper.book.stdinBytes,
    };
    const image = encodeImage(header, { core, memory: st.memory, stack: st.stack, module: prepared.bytes });
    this.checkpointImage = image;
    this.stoppedIn = st.stoppedIn;
    this.ckpt!.onCheckpoint?.(image);
    return CHECKPOINTED;
  }

  /** Restore (constructor): opens the mount roots by mount id (= preopen order), restores the
   * core image on them (validating every file), and re-attaches the stdio streams to this
   * process's stdio with the rights and flags they had. Throws CorruptionError on a host
   * mismatch, ImageError on a malformed core image. */
  private restoreCore(r: RestoreInput, mounts: readonly MountRecord[], gofer: 'worker' | 'process', stdio: readonly number[]): void {
    const core = this.core;
    const x = core.x as CoreExports & CkptExports;
    if (mounts.length > 32 || mounts.length * 4 > core.pathMax) throw new ImageError(`${mounts.length} mounts (at most 32)`);
    const fds: number[] = [];
    for (const m of mounts) {
      try {
        if (core.gofer) {
          const client = LisafsClient.connect({ channel: gofer, root: m.host });
          this.clients.push(client);
          fds.push(core.gofer.mount(client));
        } else {
          fds.push(openRoot(m.host));
        }
        core.mountPaths.push(m.host); // mount id = order of the restored mounts
      } catch (e) {
        if (!core.gofer) for (const fd of fds) closeHostFd(fd);
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT') throw new CorruptionError(m.host, 'exists', 'yes', 'no');
        if (code === 'ENOTDIR') throw new CorruptionError(m.host, 'type', 'directory', 'not a directory');
        throw new Error(`wasi-directfs: restore: cannot open mount root ${m.host}: ${(e as Error).message}`);
      }
    }
    let e = x.wfs_restore_buffer(r.core.length);
    if (e !== 0) {
      if (!core.gofer) for (const fd of fds) closeHostFd(fd);
      throw new WasiError(e, 'wasi-directfs: restore buffer');
    }
    const at = core.r32(0);
    core.sync();
    core.u8.set(r.core, at);
    fds.forEach((fd, i) => core.dv.setInt32(core.path2Addr + 4 * i, fd, true));
    e = x.wfs_restore(core.path2Addr, fds.length, r.check); // owns the root FDs from here, even on failure
    if (e === 1000) {
      core.sync();
      const parts = new TextDecoder().decode(core.data(core.r32(0))).split('\0');
      throw new CorruptionError(parts[0] ?? '?', parts[1] ?? '?', parts[2] ?? '?', parts[3] ?? '?');
    }
    if (e === 28) throw new ImageError('the core part of the image is malformed');
    if (e !== 0) throw new WasiError(e, 'wasi-directfs: restore');
    for (const s of coreStreamSlots(r.core)) {
      const idx = r.streams.get(s.fd);
      if (idx === undefined || idx < 0 || idx > 2) continue; // not one of ours: stays detached (EBADF)
      e = x.wfs_stdio(s.fd, stdio[idx]!, idx === 0 ? 1 : 0, idx === 0 ? 0 : 1);
      if (e !== 0) throw new WasiError(e, 'wasi-directfs: restore stdio');
      x.wfs_fd_fdstat_set_rights(s.fd, s.rights, 0n); // narrows to what the guest had kept
      if (s.fdflags !== 0) x.wfs_fd_fdstat_set_flags(s.fd, s.fdflags);
    }
  }

  /** Reads a guest checkpoint image (made with options.checkpoint) and restores its filesystem
   * state in this process: mounts its host directories again, re-opens and validates every open
   * file (CorruptionError naming path, field, saved and current value), re-attaches stdio. A
   * truncated, corrupted or wrong-version image is refused (ImageError) before anything is
   * opened. Then resume() runs the guest on from the WASI call it was stopped in. */
  static restore(image: Uint8Array, opts: WASIRestoreOptions = {}): WASI {
    const { header, sections } = decodeImage(image);
    if (header.kind !== 'guest') throw new ImageError(`this is a ${String(header.kind)} image, not a running guest's (use Filesystem.restore)`);
    const section = (n: string): Uint8Array => {
      const v = sections.get(n);
      if (!v) throw new ImageError(`no ${n} section`);
      return v;
    };
    const core = section('core');
    const memory = section('memory');
    const stack = section('stack');
    const moduleBytes = section('module');
    const h = header as ImageHeader & Record<string, unknown>;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((a) => typeof a === 'string');
    if (!strings(h['args'])) throw new ImageError('malformed header: args');
    const env = h['env'];
    if (env === null || typeof env !== 'object' || !Object.values(env).every((v) => typeof v === 'string')) throw new ImageError('malformed header: env');
    const memoryBytes = h['memoryBytes'];
    if (typeof memoryBytes !== 'number' || !Number.isInteger(memoryBytes) || memoryBytes % 65536 !== 0 || memory.length > memoryBytes) throw new ImageError('malformed header: memoryBytes');
    const globals = h['globals'];
    if (!Array.isArray(globals) || !globals.every((g) => typeof g?.name === 'string' && ['i32', 'i64', 'f32', 'f64'].includes(g?.type) && typeof g?.value === 'string')) {
      throw new ImageError('malformed header: globals');
    }
    const streams = h['streams'];
    if (!Array.isArray(streams) || !streams.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => Number.isInteger(n)))) throw new ImageError('malformed header: streams');
    const mode = opts.mode ?? (h['mode'] === 'lisafs' ? 'lisafs' : 'directfs');
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(moduleBytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new ImageError(`the module section does not compile: ${(e as Error).message}`);
    }
    const g = globals as { name: string; type: 'i32' | 'i64' | 'f32' | 'f64'; value: string }[];
    const prepared: PreparedModule = { module, bytes: moduleBytes, originalSha256: String(h['moduleSha256'] ?? ''), globals: g.map(({ name, type }) => ({ name, type })) };
    const v = opts.validate ?? {};
    const check = (v.size === false ? 0 : 1) | (v.mtime === false ? 0 : 2) | (v.identity === false ? 0 : 4);
    const savedLimits = (h['limits'] && typeof h['limits'] === 'object' ? h['limits'] : {}) as WASILimits;
    const wasi = new WASI({
      version: 'preview1', args: h['args'], env: env as Record<string, string>,
      preopens: Object.fromEntries(header.mounts.map((m) => [m.guest, m.host])),
      readonlyPreopens: header.mounts.filter((m) => m.readonly).map((m) => m.guest),
      interop: header.interop === 'shared' ? 'shared' : 'exclusive', mode, limits: opts.limits ?? savedLimits,
      returnOnExit: opts.returnOnExit ?? true,
      ...(opts.gofer !== undefined ? { gofer: opts.gofer } : {}),
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      ...(opts.stdout !== undefined ? { stdout: opts.stdout } : {}),
      ...(opts.stderr !== undefined ? { stderr: opts.stderr } : {}),
      ...(opts.checkpoint ? { checkpoint: { ...opts.checkpoint, prepared } } : {}),
    }, { core, check, streams: new Map(streams as [number, number][]) });
    wasi.resumeState = { guest: { memory, memoryBytes, stack, globals: g }, module, prepared };
    return wasi;
  }

  /** The header of a guest image (after checking it), for tools that report on it. */
  static imageInfo(image: Uint8Array): ImageHeader {
    return decodeImage(image).header;
  }

  /** After WASI.restore(): instantiates the image's module (with `imports` merged in), puts its
   * memory and stack back and runs it on from the interrupted WASI call. Returns its exit code
   * (or CHECKPOINTED if it was checkpointed again). */
  resume(imports: WebAssembly.Imports = {}): number {
    if (!this.resumeState) throw new Error('wasi-directfs: resume() needs a WASI made by WASI.restore(), not yet started');
    const instance = new WebAssembly.Instance(this.resumeState.module, { ...imports, ...(this.getImportObject() as unknown as WebAssembly.Imports) });
    return this.start(instance);
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
    this.core.closeGofers();
    for (const c of this.clients.splice(0)) c.disconnect();
  }

  /** The gofer connections: lisafs mode's, one per preopen in order (directfs: none). For
   * diagnostics and tests (per-message counts, the transport). */
  get lisafsClients(): readonly LisafsClient[] {
    return this.clients;
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
