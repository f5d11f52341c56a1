/// <reference lib="dom" />
/* loader.ts — finds, compiles (once per process) and instantiates dist/core.wasm, and wraps an
 * instance in `Core`: typed exports plus views of the wfs_io block.
 *
 * Owns: the core's import object (hostfd from ts/host, or from ts/lisafs/hostfd-lisafs.ts in
 * lisafs mode; lisafs.fallback from ts/lisafs/fallback.ts; the few wasi_snapshot_preview1
 * functions the core's own wasi-libc needs), the directfs-mode fallback gofer connections (one
 * per mount, started on its first fallback, closed by closeGofers), the io-block addresses (read
 * once from wfs_layout), and the typed-array views over core memory (re-made only when
 * memory.buffer changes, i.e. after growth).
 * Must not: interpret guest memory, keep policy, or touch a host FD (ts/host does that; the one
 * exception is closing the root FD a fallback gofer donates, which directfs does not need).
 */

import { readFileSync, existsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomFillSync } from 'node:crypto';
import v8 from 'node:v8';
import { HostMemory, createHostImports, closeHostFd } from '../host/hostfd.js';
import { createLisafsHostImports } from '../lisafs/hostfd-lisafs.js';
import { createFallback, type FallbackMount } from '../lisafs/fallback.js';
import { LisafsClient, LisafsError as LisafsClientError } from '../lisafs/client.js';
import {
  LAYOUT_R, LAYOUT_OUT, LAYOUT_PATH1, LAYOUT_PATH2, LAYOUT_IOVS, LAYOUT_DATA,
  LAYOUT_PATH_MAX, LAYOUT_IOV_MAX, LAYOUT_DATA_MAX, LAYOUT_ABI_VERSION, WFS_ABI_VERSION, LAYOUT_EPOCH, LAYOUT_FAST, LAYOUT_FAST_FDS, LAYOUT_FD_EPOCH,
} from './abi.js';

/** Every export of core.wasm the TS side calls (wfs.h). u32/i32 are numbers, i64 are bigints. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  wfs_io(): number;
  wfs_layout(i: number): number;
  wfs_init(flags: number, maxFds: number, maxDentries: number, hostFdBudget: number): number;
  wfs_preopen(hostFd: number, nameLen: number, readonly: number): number;
  wfs_stdio(guestFd: number, hostFd: number, readable: number, writable: number): number;
  wfs_shutdown(): void;
  wfs_stat_counter(i: number): number;
  wfs_fd_advise(fd: number, off: bigint, len: bigint, advice: number): number;
  wfs_fd_allocate(fd: number, off: bigint, len: bigint): number;
  wfs_fd_close(fd: number): number;
  wfs_fd_datasync(fd: number): number;
  wfs_fd_fdstat_get(fd: number): number;
  wfs_fd_fdstat_set_flags(fd: number, flags: number): number;
  wfs_fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number;
  wfs_fd_filestat_get(fd: number): number;
  wfs_fd_filestat_set_size(fd: number, size: bigint): number;
  wfs_fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstflags: number): number;
  wfs_fd_pread(fd: number, mem: number, iovcnt: number, off: bigint): number;
  wfs_fd_prestat_get(fd: number): number;
  wfs_fd_prestat_dir_name(fd: number): number;
  wfs_fd_pwrite(fd: number, mem: number, iovcnt: number, off: bigint): number;
  wfs_fd_read(fd: number, mem: number, iovcnt: number): number;
  wfs_fd_readdir(fd: number, cookie: bigint, cap: number): number;
  wfs_fd_renumber(from: number, to: number): number;
  wfs_fd_seek(fd: number, off: bigint, whence: number): number;
  wfs_fd_sync(fd: number): number;
  wfs_fd_tell(fd: number): number;
  wfs_fd_write(fd: number, mem: number, iovcnt: number): number;
  wfs_path_create_directory(fd: number, len1: number): number;
  wfs_path_filestat_get(fd: number, lookupflags: number, len1: number): number;
  wfs_path_filestat_set_times(fd: number, lookupflags: number, len1: number, atim: bigint, mtim: bigint, fstflags: number): number;
  wfs_path_link(oldfd: number, oldflags: number, len1: number, newfd: number, len2: number): number;
  wfs_path_open(fd: number, dirflags: number, len1: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number): number;
  wfs_path_readlink(fd: number, len1: number, bufLen: number): number;
  wfs_path_remove_directory(fd: number, len1: number): number;
  wfs_path_rename(fd: number, len1: number, newfd: number, len2: number): number;
  wfs_path_symlink(len1: number, fd: number, len2: number): number;
  wfs_path_unlink_file(fd: number, len1: number): number;
  wfs_poll(n: number, timeoutNs: bigint): number;
}

/** Names in CoreExports that must be functions (checked at load, so a stale core fails early). */
const REQUIRED_EXPORTS: readonly string[] = [
  'wfs_io', 'wfs_layout', 'wfs_init', 'wfs_preopen', 'wfs_stdio', 'wfs_shutdown', 'wfs_stat_counter',
  'wfs_fd_advise', 'wfs_fd_allocate', 'wfs_fd_close', 'wfs_fd_datasync', 'wfs_fd_fdstat_get',
  'wfs_fd_fdstat_set_flags', 'wfs_fd_fdstat_set_rights', 'wfs_fd_filestat_get', 'wfs_fd_filestat_set_size',
  'wfs_fd_filestat_set_times', 'wfs_fd_pread', 'wfs_fd_prestat_get', 'wfs_fd_prestat_dir_name', 'wfs_fd_pwrite',
  'wfs_fd_read', 'wfs_fd_readdir', 'wfs_fd_renumber', 'wfs_fd_seek', 'wfs_fd_sync', 'wfs_fd_tell', 'wfs_fd_write',
  'wfs_path_create_directory', 'wfs_path_filestat_get', 'wfs_path_filestat_set_times', 'wfs_path_link',
  'wfs_path_open', 'wfs_path_readlink', 'wfs_path_remove_directory', 'wfs_path_rename', 'wfs_path_symlink',
  'wfs_path_unlink_file', 'wfs_poll',
];

/** Linux EOPNOTSUPP, returned (negated) by every `lisafs` import until the gofer exists. */
const L_EOPNOTSUPP = 95;
export const LISAFS_UNAVAILABLE = 'needs the gofer (lisafs), which is not available yet';

const trace = process.env['WASI_DIRECTFS_TRACE'] === '1';

// ---- locating and compiling ------------------------------------------------------------------

/** Candidate locations of core.wasm, most specific first. WASI_DIRECTFS_CORE, when set, is the
 * only candidate (an explicit choice never falls back silently). Otherwise: next to the bundle
 * (dist/cli.js, dist/index.js), then ../../dist (bundled tests in build/test/, or ts/core/ run
 * unbundled), ../dist, and dist/ under the working directory. */
export function coreCandidates(): string[] {
  const out: string[] = [];
  const env = process.env['WASI_DIRECTFS_CORE'];
  if (env) return [env];
  for (const rel of ['./core.wasm', '../../dist/core.wasm', '../dist/core.wasm']) {
    try {
      out.push(fileURLToPath(new URL(rel, import.meta.url)));
    } catch {
      // import.meta.url is not a file: URL (e.g. a data: bundle); skip relative candidates.
    }
  }
  out.push(`${process.cwd()}/dist/core.wasm`);
  return out;
}

/** The path of core.wasm that will be loaded; throws naming every place looked at. */
export function findCore(): string {
  const tried = coreCandidates();
  for (const p of tried) if (existsSync(p)) return p;
  throw new Error(`wasi-directfs: core.wasm not found (run ./build.sh); looked at: ${tried.join(', ')}`);
}

let cachedModule: WebAssembly.Module | null = null;
let cachedPath = '';

/**
 * Compiles `bytes` with V8's optimizing wasm compiler (TurboFan) for every function, up front.
 *
 * Why: by default V8 compiles wasm lazily with its baseline compiler (Liftoff) and tiers hot
 * functions up in the background later. The core runs on every guest call, so a fresh process
 * would spend its first tens of thousands of calls in baseline code (measured: a 2,500-path
 * stat-storm 50 -> 33 ms, read-files 90 -> 64 ms). Compiling core.wasm eagerly costs ~40 ms once
 * per process (in parallel on V8's compile threads), outside any guest call.
 * How: V8 flags are process-wide, so they are switched for this one synchronous compile and put
 * back, with --wasm-dynamic-tiering, which --no-liftoff turns off by implication (left off, every
 * module compiled later was tiered up eagerly in the background). A process started with its
 * own choice for any of them is left alone.
 */
function compileOptimized(bytes: Uint8Array): WebAssembly.Module {
  const own = process.execArgv.some((a) => /^--(no-)?(liftoff|wasm-lazy-compilation|wasm-dynamic-tiering)\b/.test(a.replace(/_/g, '-')));
  if (own) return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } finally {
    v8.setFlagsFromString('--liftoff');
    v8.setFlagsFromString('--wasm-lazy-compilation');
    v8.setFlagsFromString('--wasm-dynamic-tiering'); // --no-liftoff turned it off by implication
  }
}

/** Compiles core.wasm once per process (synchronously, so WASI's constructor can stay sync). */
export function coreModule(): WebAssembly.Module {
  if (cachedModule) return cachedModule;
  const path = findCore();
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`wasi-directfs: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    cachedModule = compileOptimized(bytes);
  } catch (e) {
    throw new Error(`wasi-directfs: ${path} is not a valid wasm module: ${(e as Error).message}`);
  }
  cachedPath = path;
  return cachedModule;
}

/** Where the cached core module came from ('' before the first load). */
export function corePath(): string {
  return cachedPath;
}

// ---- the core's own wasi_snapshot_preview1 (wasi-libc inside the core) ------------------------

/** Builds exactly the wasi_snapshot_preview1 functions the core imports. The core is a reactor
 * whose libc may want a clock, randomness, stderr for debug prints and proc_exit on abort; any
 * other name traps with a message naming it. `getMem` returns the core memory once it exists. */
export function coreWasiImports(names: readonly string[], getMem: () => WebAssembly.Memory | null): Record<string, Function> {
  const dv = (): DataView => {
    const m = getMem();
    if (!m) throw new Error('wasi-directfs: core called WASI before its memory was available');
    return new DataView(m.buffer);
  };
  const impl: Record<string, Function> = {
    proc_exit(code: number): never {
      throw new WebAssembly.RuntimeError(`wasi-directfs: core.wasm called proc_exit(${code}) (abort inside the core)`);
    },
    fd_write(fd: number, iovs: number, n: number, nwrittenPtr: number): number {
      const v = dv();
      const u8 = new Uint8Array(v.buffer);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const buf = v.getUint32(iovs + 8 * i, true);
        const len = v.getUint32(iovs + 8 * i + 4, true);
        if (len > 0) writeSync(2, u8, buf, len);
        total += len;
      }
      v.setUint32(nwrittenPtr, total, true);
      return fd === 1 || fd === 2 ? 0 : 8;
    },
    fd_fdstat_get(fd: number, ptr: number): number {
      if (fd !== 1 && fd !== 2) return 8; // EBADF
      const v = dv();
      for (let i = 0; i < 24; i++) v.setUint8(ptr + i, 0);
      v.setUint8(ptr, 2); // character device
      return 0;
    },
    fd_close(): number { return 8; },
    fd_seek(): number { return 70; }, // ESPIPE
    fd_prestat_get(): number { return 8; }, // no preopens inside the core
    fd_prestat_dir_name(): number { return 8; },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      const v = dv();
      v.setUint32(countPtr, 0, true);
      v.setUint32(sizePtr, 0, true);
      return 0;
    },
    environ_get(): number { return 0; },
    args_sizes_get(countPtr: number, sizePtr: number): number {
      const v = dv();
      v.setUint32(countPtr, 0, true);
      v.setUint32(sizePtr, 0, true);
      return 0;
    },
    args_get(): number { return 0; },
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      const ns = id === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      dv().setBigUint64(ptr, ns, true);
      return 0;
    },
    clock_res_get(_id: number, ptr: number): number {
      dv().setBigUint64(ptr, 1000n, true);
      return 0;
    },
    random_get(buf: number, len: number): number {
      const m = getMem();
      if (!m) return 21;
      randomFillSync(new Uint8Array(m.buffer), buf, len);
      return 0;
    },
    sched_yield(): number { return 0; },
  };
  const out: Record<string, Function> = {};
  for (const name of names) {
    const f = impl[name];
    out[name] = f ?? (() => {
      throw new WebAssembly.RuntimeError(
        `wasi-directfs: core.wasm called wasi_snapshot_preview1.${name}, which the core's loader does not provide`);
    });
  }
  return out;
}

/** `lisafs` imports without an implementation here (any but `fallback`, which loadCore serves
 * through ts/lisafs/fallback.ts): each answers -EOPNOTSUPP (Linux 95, which the core maps to
 * ENOTSUP) and reports its name to `noted`. */
export function lisafsImports(names: readonly string[], noted: (what: string) => void,
  getMem: () => WebAssembly.Memory | null = () => null): Record<string, Function> {
  const out: Record<string, Function> = {};
  for (const name of names) {
    out[name] = (...args: unknown[]): number => {
      const what = describeLisafs(name, args, getMem());
      noted(what);
      if (trace) writeSync(2, `wasi-directfs trace: core called ${what}: ${LISAFS_UNAVAILABLE}\n`);
      return -L_EOPNOTSUPP;
    };
  }
  return out;
}

const LISAFS_OPS = ['', 'getxattr', 'setxattr', 'listxattr', 'removexattr', 'setstat'];

/** "lisafs.fallback(setxattr, "a/b")" for fallback(op, mount, path, path_len, ...) (imports.h);
 * the path is decoded for this message only. Other names are shown bare. */
function describeLisafs(name: string, args: unknown[], mem: WebAssembly.Memory | null): string {
  if (name !== 'fallback' || typeof args[0] !== 'number') return `lisafs.${name}`;
  const op = LISAFS_OPS[args[0]] ?? `op ${args[0]}`;
  const ptr = Number(args[2]) >>> 0;
  const len = Number(args[3]) >>> 0;
  let path = '?';
  if (mem && ptr + len <= mem.buffer.byteLength) {
    path = new TextDecoder().decode(new Uint8Array(mem.buffer, ptr, Math.min(len, 4096)));
  }
  return `lisafs.fallback(${op}, ${JSON.stringify(path)})`;
}

// ---- Core ------------------------------------------------------------------------------------

/** One instance of the core: its exports, its memory, the io-block addresses and views.
 * Views (`u8`, `dv`) are refreshed by `sync()` only when memory.buffer changed. */
export class Core {
  readonly x: CoreExports;
  readonly memory: WebAssembly.Memory;
  readonly host: HostMemory;
  /** Absolute addresses in core memory of the io-block fields. */
  readonly io: number;
  readonly rAddr: number;
  readonly outAddr: number;
  readonly path1Addr: number;
  readonly path2Addr: number;
  readonly iovsAddr: number;
  readonly dataAddr: number;
  /** Capacities reported by the core. */
  readonly pathMax: number;
  readonly iovMax: number;
  readonly dataMax: number;
  /** The fast table (wfs_io_t.fast in wfs.h): the io.epoch and io.fd_epoch addresses, the first
   * entry's address, and how many guest fds it covers. */
  readonly epochAddr: number;
  readonly fdEpochAddr: number;
  readonly fastAddr: number;
  readonly fastFds: number;
  /** Calls the core made to a `lisafs` import (fallbacks). */
  lisafsCalls = 0;
  /** lisafs mode: mounts gofer connections and counts RPCs (null in directfs mode). */
  gofer: ReturnType<typeof createLisafsHostImports> | null = null;
  /** Set when a gofer call failed with EIO (e.g. the file server exited, with its status) or the
   * core needed an import nobody provides: says why. The embedder clears it. */
  lisafsMessage = '';
  /** Host directory of each mount, by mount id (the order of wfs_preopen calls): where a
   * directfs-mode fallback gofer is started. Set by whoever makes the preopens (ts/fs.ts,
   * ts/wasi). */
  mountPaths: string[] = [];
  /** The channel of directfs-mode fallback gofers. */
  goferChannel: 'worker' | 'process' = 'worker';
  /** directfs mode: the fallback gofer connection of each mount that needed one (started on its
   * first fallback; closed by closeGofers()). */
  readonly fallbackMounts = new Map<number, FallbackMount>();

  u8: Uint8Array;
  i32: Int32Array;
  dv: DataView;
  private buf: ArrayBuffer;

  constructor(x: CoreExports, host: HostMemory) {
    this.x = x;
    this.host = host;
    this.memory = x.memory;
    this.buf = this.memory.buffer as ArrayBuffer;
    this.u8 = new Uint8Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.dv = new DataView(this.buf);
    const io = x.wfs_io() >>> 0;
    this.io = io;
    const version = x.wfs_layout(LAYOUT_ABI_VERSION) >>> 0;
    if (version !== WFS_ABI_VERSION) {
      throw new Error(`wasi-directfs: core.wasm ABI version ${version}, this build of ts/ expects ${WFS_ABI_VERSION} (rebuild with ./build.sh)`);
    }
    this.rAddr = io + (x.wfs_layout(LAYOUT_R) >>> 0);
    this.outAddr = io + (x.wfs_layout(LAYOUT_OUT) >>> 0);
    this.path1Addr = io + (x.wfs_layout(LAYOUT_PATH1) >>> 0);
    this.path2Addr = io + (x.wfs_layout(LAYOUT_PATH2) >>> 0);
    this.iovsAddr = io + (x.wfs_layout(LAYOUT_IOVS) >>> 0);
    this.dataAddr = io + (x.wfs_layout(LAYOUT_DATA) >>> 0);
    this.pathMax = x.wfs_layout(LAYOUT_PATH_MAX) >>> 0;
    this.iovMax = x.wfs_layout(LAYOUT_IOV_MAX) >>> 0;
    this.dataMax = x.wfs_layout(LAYOUT_DATA_MAX) >>> 0;
    this.epochAddr = io + (x.wfs_layout(LAYOUT_EPOCH) >>> 0);
    this.fdEpochAddr = io + (x.wfs_layout(LAYOUT_FD_EPOCH) >>> 0);
    this.fastAddr = io + (x.wfs_layout(LAYOUT_FAST) >>> 0);
    this.fastFds = x.wfs_layout(LAYOUT_FAST_FDS) >>> 0;
    if (this.rAddr % 8 !== 0) throw new Error('wasi-directfs: core io.r is not 8-byte aligned');
    // The façade copies paths and records a word at a time (copyWords in ts/wasi/memory.ts).
    if ((this.outAddr | this.path1Addr | this.path2Addr) % 4 !== 0) throw new Error('wasi-directfs: core io.out/path1/path2 are not 4-byte aligned');
  }

  /** Re-makes the views if core memory grew; call before using `u8`/`dv` after a core call.
   * The core's memory is never shared, so a detached (empty) view is the growth signal. */
  sync(): void {
    // Growth detaches the old (non-shared) buffer, emptying the views: only then is the costly
    // memory.buffer getter needed.
    if (this.u8.length !== 0) return;
    if (this.memory.buffer !== this.buf) {
      this.buf = this.memory.buffer as ArrayBuffer;
      this.u8 = new Uint8Array(this.buf);
      this.i32 = new Int32Array(this.buf);
      this.dv = new DataView(this.buf);
    }
  }

  /** io.r[i], low 32 bits (sizes, fds, byte counts). */
  r32(i: number): number {
    this.sync();
    return this.dv.getUint32(this.rAddr + 8 * i, true);
  }

  /** io.r[i] as a number (exact below 2^53). */
  r(i: number): number {
    this.sync();
    const a = this.rAddr + 8 * i;
    return this.dv.getUint32(a, true) + this.dv.getUint32(a + 4, true) * 4294967296;
  }

  /** io.r[i] as an unsigned 64-bit bigint. */
  rBig(i: number): bigint {
    this.sync();
    return this.dv.getBigUint64(this.rAddr + 8 * i, true);
  }

  /** Copies a path into io.path1 (NUL-terminated for the core's convenience); returns its length.
   * Throws RangeError above pathMax (callers map that to ENAMETOOLONG before calling). */
  setPath1(bytes: Uint8Array): number {
    return this.setPath(this.path1Addr, bytes);
  }

  setPath2(bytes: Uint8Array): number {
    return this.setPath(this.path2Addr, bytes);
  }

  private setPath(addr: number, bytes: Uint8Array): number {
    if (bytes.length > this.pathMax) throw new RangeError(`path of ${bytes.length} bytes exceeds ${this.pathMax}`);
    this.sync();
    this.u8.set(bytes, addr);
    this.u8[addr + bytes.length] = 0;
    return bytes.length;
  }

  /** A copy of `len` bytes of io.out. */
  out(len: number): Uint8Array {
    this.sync();
    return this.u8.slice(this.outAddr, this.outAddr + len);
  }

  /** A view (not a copy) of io.data[0, len): valid until the next core call. */
  data(len: number): Uint8Array {
    this.sync();
    return this.u8.subarray(this.dataAddr, this.dataAddr + len);
  }

  /** The gofer connection that serves mount `mount`'s fallbacks, started on first use in
   * directfs mode (Mount, then the root's control FD is kept); lisafs mode uses the mount's own.
   * Throws LisafsError (e.g. ENOENT: no such mount, or the gofer cannot open the directory). */
  fallbackMount(mount: number): FallbackMount {
    if (this.gofer) {
      const m = this.gofer.mounts[mount];
      if (!m) throw new LisafsClientError(2, `lisafs: no mount ${mount}`);
      return m;
    }
    const have = this.fallbackMounts.get(mount);
    if (have) return have;
    const path = this.mountPaths[mount];
    if (path === undefined) throw new LisafsClientError(2, `lisafs: the host directory of mount ${mount} is not known`);
    const c = LisafsClient.connect({ channel: this.goferChannel, root: path });
    try {
      const m = c.mount();
      if (m.rootHostFd !== undefined) closeHostFd(m.rootHostFd); // directfs has its own root FD
      const fm: FallbackMount = { c, root: m.root.controlFD };
      this.fallbackMounts.set(mount, fm);
      return fm;
    } catch (e) {
      c.disconnect();
      throw e;
    }
  }

  /** Disconnects the directfs-mode fallback gofers (unmount / close). Idempotent. */
  closeGofers(): void {
    for (const m of this.fallbackMounts.values()) m.c.disconnect();
    this.fallbackMounts.clear();
  }

  /** The counters of wfs_stat_counter(0..7). */
  counters(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 8; i++) out.push(this.x.wfs_stat_counter(i) >>> 0);
    return out;
  }
}

/** Instantiates a fresh core (one per WASI instance: each has its own fd table) and runs its
 * `_initialize`. Throws with a clear message when core.wasm is missing, stale or wants an import
 * nobody provides. */
export function loadCore(opts: { lisafs?: boolean } = {}): Core {
  const module = coreModule();
  const host = new HostMemory();
  let gofer: ReturnType<typeof createLisafsHostImports> | null = null;
  let memory: WebAssembly.Memory | null = null;
  let core: Core | null = null;
  const imports: Record<string, Record<string, unknown>> = {};
  const byModule = new Map<string, string[]>();
  for (const imp of WebAssembly.Module.imports(module)) {
    const list = byModule.get(imp.module) ?? [];
    list.push(imp.name);
    byModule.set(imp.module, list);
  }
  for (const [mod, names] of byModule) {
    if (mod === 'hostfd') {
      /* The one backend switch: host syscalls (directfs) or lisafs RPCs to the gofer. */
      const real = createHostImports(host);
      if (opts.lisafs) gofer = createLisafsHostImports(host, real, (m) => { if (core) core.lisafsMessage = m; });
      const provided = (gofer ? gofer.imports : real) as unknown as Record<string, unknown>;
      const missing = names.filter((n) => typeof provided[n] !== 'function');
      if (missing.length) {
        throw new Error(`wasi-directfs: core.wasm imports hostfd.${missing.join(', hostfd.')}, which ts/host does not provide`);
      }
      imports[mod] = provided;
    } else if (mod === 'lisafs') {
      /* fallback: the seed's controlFDLisa RPCs (ts/lisafs/fallback.ts) over the mount's gofer
       * connection; any other name would be a core newer than this loader. */
      imports[mod] = lisafsImports(names.filter((n) => n !== 'fallback'), (what) => {
        if (core) core.lisafsMessage = `${what} ${LISAFS_UNAVAILABLE}`;
      }, () => memory);
      if (names.includes('fallback')) {
        const fallback = createFallback(() => memory, (m) => {
          if (!core) throw new LisafsClientError(5, 'lisafs: the core is not ready');
          return core.fallbackMount(m);
        }, (m) => { if (core) core.lisafsMessage = m; });
        imports[mod]['fallback'] = (...a: number[]): number => {
          if (core) core.lisafsCalls++;
          return fallback(...a);
        };
      }
    } else if (mod === 'wasi_snapshot_preview1') {
      imports[mod] = coreWasiImports(names, () => memory);
    } else {
      throw new Error(`wasi-directfs: core.wasm imports from unknown module "${mod}" (${names.join(', ')})`);
    }
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  } catch (e) {
    throw new Error(`wasi-directfs: cannot instantiate ${cachedPath}: ${(e as Error).message}`);
  }
  const x = instance.exports as unknown as CoreExports;
  if (!(x.memory instanceof WebAssembly.Memory)) throw new Error('wasi-directfs: core.wasm exports no memory');
  const missing = REQUIRED_EXPORTS.filter((n) => typeof (x as unknown as Record<string, unknown>)[n] !== 'function');
  if (missing.length) throw new Error(`wasi-directfs: core.wasm lacks exports ${missing.join(', ')} (rebuild with ./build.sh)`);
  memory = x.memory;
  host.bindCore(memory);
  if (typeof x._initialize === 'function') x._initialize();
  core = new Core(x, host);
  core.gofer = gofer;
  return core;
}
