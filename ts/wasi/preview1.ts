/// <reference lib="dom" />
/* preview1.ts — the `wasi_snapshot_preview1` import object a guest links against.
 *
 * Owns: the guest side of every WASI call: pointer/length checks (EFAULT), copying path bytes and
 * iovecs from guest memory into the core's io block, calling the one core export of the same
 * name, and writing results back into guest memory. Also the calls that are not filesystem:
 * args, environ, clocks, random, proc_exit, poll_oneoff's clock part, sockets (ENOTSOCK).
 * One exception to "the core does it": fd_read/fd_pread/fd_write/fd_pwrite of one iovec on an fd
 * whose fast entry the core published (wfs_io_t.fast in wfs.h: nothing has run in the core since
 * it served such a call on that regular file; for a stdio stream's writes, no fd has changed) is
 * one pread/pwrite/write(2) on the FD it named, in directfs mode.
 * Must not: touch any other host FD or a dentry (the core does), decode paths (they are bytes),
 * allocate on the data path (fd_read/fd_write/fd_pread/fd_pwrite/path_open/path_filestat_get),
 * or let a JS exception reach the guest (each import returns EIO instead; proc_exit's signal
 * excepted).
 */

import { randomFillSync } from 'node:crypto';
import { writeSync } from 'node:fs';
import type { Core, CoreExports } from '../core/loader.js';
import {
  WFS_MEM_GUEST, POLL_KIND_READ, POLL_KIND_WRITE, FAST_ENTRY_SIZE, FAST_READ_FD, FAST_WRITE_FD, FAST_EPOCH,
  FAST_OFFSET, FAST_OPS, WFS_FAST_READ, WFS_FAST_PREAD, WFS_FAST_WRITE, WFS_FAST_PWRITE, WFS_FAST_STREAM,
} from '../core/abi.js';
import { guestTransfer } from '../host/hostfd.js';
import { copyWords, HOST_LE, type GuestMemory } from './memory.js';
import { guardArity } from '../guard.js';
import {
  WASI_EFAULT, WASI_EINVAL, WASI_EIO, WASI_ENAMETOOLONG, WASI_ENOSYS, WASI_ENOTSOCK,
  WASI_ENOTSUP, WASI_CLOCKID_REALTIME, WASI_CLOCKID_MONOTONIC, WASI_CLOCKID_PROCESS_CPUTIME_ID,
  WASI_CLOCKID_THREAD_CPUTIME_ID, WASI_EVENTTYPE_CLOCK, WASI_EVENTTYPE_FD_READ, WASI_EVENTTYPE_FD_WRITE,
  WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME, WASI_FDSTAT_SIZE, WASI_FILESTAT_SIZE, WASI_PRESTAT_SIZE,
  WASI_IOVEC_SIZE, WASI_SUBSCRIPTION_SIZE, WASI_EVENT_SIZE, errnoName,
} from './defs.js';

/** Thrown by proc_exit; WASI.start() catches it and returns `code`. */
export class WasiExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`wasi proc_exit(${code})`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

const TRACE = process.env['WASI_DIRECTFS_TRACE'] === '1';

/** Realtime = this base + process.hrtime.bigint(): ns resolution, anchored once per process. */
const REALTIME_BASE = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
/** Offsets up to here are exact as numbers (the fast path passes them to koffi so). */
const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);
/** One shared word for sleeping with Atomics.wait (nobody ever notifies it). */
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** wfs_poll records: 16 bytes each: request {u32 fd, u32 kind}, answered in place with
 * {u16 errno, u16 flags, u32 0, u64 nbytes}; flags bit 15 marks a ready record, the low bits are
 * WASI eventrwflags (hangup). */
const POLL_RECORD = 16;
const POLL_READY = 0x8000;

function cpuNs(): bigint {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}

/** Encodes strings as NUL-terminated UTF-8, packed, for args_get / environ_get. */
export class StringTable {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  constructor(items: readonly (string | Uint8Array)[]) {
    const enc = new TextEncoder();
    const parts = items.map((s) => (typeof s === 'string' ? enc.encode(s) : s));
    for (const p of parts) {
      if (p.includes(0)) throw new TypeError('wasi-directfs: an argument or environment entry contains a NUL byte');
    }
    this.count = parts.length;
    this.offsets = new Uint32Array(parts.length);
    let total = 0;
    for (const p of parts) total += p.length + 1;
    this.bytes = new Uint8Array(total);
    let off = 0;
    parts.forEach((p, i) => {
      this.offsets[i] = off;
      this.bytes.set(p, off);
      off += p.length + 1;
    });
  }
}

/** The state behind one guest's import object. Methods are the WASI functions (same names and
 * argument order as the witx); `imports()` wraps them. */
export class Preview1 {
  private readonly core: Core;
  private readonly x: CoreExports;
  private readonly mem: GuestMemory;
  private readonly args: StringTable;
  private readonly env: StringTable;
  /** poll_oneoff: subscription index of each fd record handed to wfs_poll. */
  private readonly pollIndex: Uint32Array;
  private readonly pollMax: number;
  /** The data calls may use the core's fast table (directfs mode: its handles are host FDs; in
   * lisafs mode they are the gofer client's virtual FDs). */
  private readonly fast: boolean;

  constructor(core: Core, mem: GuestMemory, args: StringTable, env: StringTable) {
    this.core = core;
    this.x = core.x;
    this.mem = mem;
    this.args = args;
    this.env = env;
    this.pollMax = Math.floor(core.dataMax / POLL_RECORD);
    this.fast = core.gofer === null;
    this.pollIndex = new Uint32Array(this.pollMax);
  }

  // ---- helpers (no allocation) ---------------------------------------------------------------

  /** Copies guest [ptr, ptr+len) into core memory at `dst`, NUL-terminated. Returns an errno. */
  private path(ptr: number, len: number, dst: number): number {
    const mem = this.mem;
    if (!mem.ok(ptr, len)) return WASI_EFAULT;
    if (len > this.core.pathMax) return WASI_ENAMETOOLONG;
    const core = this.core;
    core.sync();
    const c = core.u8;
    // The core's path buffers are 4-aligned with 8 bytes of slack (wfs.h): room for the word
    // copy's tail and the NUL.
    if (len <= 128 && HOST_LE) copyWords(core.i32, dst, mem.i32, ptr, len);
    else c.set(mem.u8.subarray(ptr, ptr + len), dst);
    c[dst + len] = 0;
    return 0;
  }

  /** fd_read / fd_pread / fd_write / fd_pwrite (`op`: their WFS_FAST_* bit; `off` for the
   * positional two): one iovec through the fast table when it can (fastIo), else the iovecs
   * copied into the core's io block and the core's export; the byte count to `countPtr`. */
  private transfer(fd: number, iovs: number, n: number, countPtr: number, op: number, off: bigint | null): number {
    iovs >>>= 0;
    n >>>= 0;
    countPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(countPtr, 4)) return WASI_EFAULT;
    if (n === 1) {
      const r = this.fastIo(fd >>> 0, iovs, op, off);
      if (r >= 0) {
        mem.setU32(countPtr, r);
        return 0;
      }
      if (r === -WASI_EFAULT) return WASI_EFAULT;
    }
    const e = this.iovecs(iovs, n);
    if (e !== 0) return e;
    const x = this.x;
    const err = op === WFS_FAST_READ ? x.wfs_fd_read(fd, WFS_MEM_GUEST, n)
      : op === WFS_FAST_WRITE ? x.wfs_fd_write(fd, WFS_MEM_GUEST, n)
      : op === WFS_FAST_PREAD ? x.wfs_fd_pread(fd, WFS_MEM_GUEST, n, off!)
      : x.wfs_fd_pwrite(fd, WFS_MEM_GUEST, n, off!);
    if (err !== 0) return err;
    mem.setU32(countPtr, this.core.r32(0));
    return 0;
  }

  /** A data call on one iovec without calling the core, when fd's fast entry is current and
   * allows `op` (see wfs_io_t.fast in wfs.h; a stream entry serves fd_write, current against
   * io.fd_epoch). `off`: the offset of fd_pread/fd_pwrite, or null for fd_read/fd_write, which
   * use and advance a file entry's position. Returns the byte count;
   * -WASI_EFAULT for an iovec outside guest memory; -1 when the core must serve the call (no
   * current entry for `op`, an empty buffer, an offset beyond 2^53, or a host error, which the
   * core's own transfer then reports). Precondition: mem.sync() done. */
  private fastIo(fd: number, iovs: number, op: number, off: bigint | null): number {
    const core = this.core;
    if (!this.fast || fd >= core.fastFds) return -1;
    core.sync();
    const c = core.dv;
    const ent = core.fastAddr + fd * FAST_ENTRY_SIZE;
    const ops = c.getUint32(ent + FAST_OPS, true);
    const stream = ops === WFS_FAST_STREAM && op === WFS_FAST_WRITE;
    const epoch = stream ? core.fdEpochAddr : core.epochAddr;
    if (((ops & op) === 0 && !stream) ||
        c.getUint32(ent + FAST_EPOCH, true) !== c.getUint32(epoch, true) ||
        c.getUint32(ent + FAST_EPOCH + 4, true) !== c.getUint32(epoch + 4, true)) return -1;
    const mem = this.mem;
    if (!mem.ok(iovs, WASI_IOVEC_SIZE)) return -WASI_EFAULT;
    const buf = mem.u32(iovs);
    const len = mem.u32(iovs + 4);
    if (buf + len > mem.size) return -WASI_EFAULT;
    if (len === 0) return -1;
    let at: number;
    if (stream) {
      at = -1;
    } else if (off === null) {
      const hi = c.getUint32(ent + FAST_OFFSET + 4, true);
      if (hi >= 0x200000) return -1; // 2^53 and beyond: the core's BigInt path
      at = hi * 4294967296 + c.getUint32(ent + FAST_OFFSET, true);
    } else {
      if (off < 0n || off > MAX_SAFE_OFFSET) return -1;
      at = Number(off);
    }
    const write = op === WFS_FAST_WRITE || op === WFS_FAST_PWRITE;
    const r = guestTransfer(core.host, write, c.getInt32(ent + (write ? FAST_WRITE_FD : FAST_READ_FD), true), buf, len, at);
    if (r < 0) return -1;
    if (off === null && !stream) {
      const next = at + r;
      c.setUint32(ent + FAST_OFFSET, next >>> 0, true);
      c.setUint32(ent + FAST_OFFSET + 4, Math.floor(next / 4294967296), true);
    }
    return r;
  }

  /** Copies `n` guest iovecs at `iovs` into io.iovs, checking each buffer. Returns an errno. */
  private iovecs(iovs: number, n: number): number {
    const mem = this.mem;
    const core = this.core;
    if (n > core.iovMax) return WASI_EINVAL;
    if (!mem.okArray(iovs, n, WASI_IOVEC_SIZE)) return WASI_EFAULT;
    core.sync();
    const g = mem.dv;
    const c = core.dv;
    const size = mem.size;
    let a = core.iovsAddr;
    for (let i = 0; i < n; i++) {
      const p = iovs + i * WASI_IOVEC_SIZE;
      const buf = g.getUint32(p, true);
      const len = g.getUint32(p + 4, true);
      if (buf + len > size) return WASI_EFAULT;
      c.setUint32(a, buf, true);
      c.setUint32(a + 4, len, true);
      a += 8;
    }
    return 0;
  }

  /** Copies `len` bytes (a multiple of 4) of io.out to guest `ptr` (bounds checked by the
   * caller): word by word when `ptr` is 4-aligned, as the guest's records are (see copyWords). */
  private outTo(ptr: number, len: number): void {
    const core = this.core;
    core.sync();
    const src = core.outAddr;
    if ((ptr & 3) === 0 && HOST_LE) copyWords(this.mem.i32, ptr, core.i32, src, len);
    else this.mem.u8.set(core.u8.subarray(src, src + len), ptr);
  }

  /** Copies io.r[i] (8 bytes) to guest `ptr`. */
  private r64To(ptr: number, i: number): void {
    const core = this.core;
    core.sync();
    const a = core.rAddr + 8 * i;
    const g = this.mem.dv;
    g.setUint32(ptr, core.dv.getUint32(a, true), true);
    g.setUint32(ptr + 4, core.dv.getUint32(a + 4, true), true);
  }

  /** Copies io.data[0, len) to guest `ptr` (bounds checked by the caller). */
  private dataTo(ptr: number, len: number): void {
    const core = this.core;
    core.sync();
    const src = core.dataAddr;
    if (len <= 64) {
      const c = core.u8;
      const g = this.mem.u8;
      for (let i = 0; i < len; i++) g[ptr + i] = c[src + i]!;
    } else {
      this.mem.u8.set(core.u8.subarray(src, src + len), ptr);
    }
  }

  // ---- args, environ ---------------------------------------------------------------------------

  private tableGet(t: StringTable, listPtr: number, bufPtr: number): number {
    listPtr >>>= 0;
    bufPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.okArray(listPtr, t.count, 4) || !mem.ok(bufPtr, t.bytes.length)) return WASI_EFAULT;
    for (let i = 0; i < t.count; i++) mem.setU32(listPtr + 4 * i, bufPtr + t.offsets[i]!);
    mem.u8.set(t.bytes, bufPtr);
    return 0;
  }

  private tableSizes(t: StringTable, countPtr: number, sizePtr: number): number {
    countPtr >>>= 0;
    sizePtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(countPtr, 4) || !mem.ok(sizePtr, 4)) return WASI_EFAULT;
    mem.setU32(countPtr, t.count);
    mem.setU32(sizePtr, t.bytes.length);
    return 0;
  }

  args_get(argv: number, buf: number): number {
    return this.tableGet(this.args, argv, buf);
  }

  args_sizes_get(countPtr: number, sizePtr: number): number {
    return this.tableSizes(this.args, countPtr, sizePtr);
  }

  environ_get(environ: number, buf: number): number {
    return this.tableGet(this.env, environ, buf);
  }

  environ_sizes_get(countPtr: number, sizePtr: number): number {
    return this.tableSizes(this.env, countPtr, sizePtr);
  }

  // ---- clocks, random, process -----------------------------------------------------------------

  clock_res_get(id: number, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, 8)) return WASI_EFAULT;
    let res: number;
    switch (id) {
      case WASI_CLOCKID_REALTIME: res = 1; break;
      case WASI_CLOCKID_MONOTONIC: res = 1; break;
      case WASI_CLOCKID_PROCESS_CPUTIME_ID:
      case WASI_CLOCKID_THREAD_CPUTIME_ID: res = 1000; break;
      default: return WASI_EINVAL;
    }
    mem.setU64Parts(ptr, res, 0);
    return 0;
  }

  clock_time_get(id: number, _precision: bigint, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, 8)) return WASI_EFAULT;
    let t: bigint;
    switch (id) {
      case WASI_CLOCKID_REALTIME: t = REALTIME_BASE + process.hrtime.bigint(); break;
      case WASI_CLOCKID_MONOTONIC: t = process.hrtime.bigint(); break;
      case WASI_CLOCKID_PROCESS_CPUTIME_ID:
      case WASI_CLOCKID_THREAD_CPUTIME_ID: t = cpuNs(); break;
      default: return WASI_EINVAL;
    }
    mem.setU64(ptr, t);
    return 0;
  }

  random_get(buf: number, len: number): number {
    buf >>>= 0;
    len >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(buf, len)) return WASI_EFAULT;
    // randomFillSync takes at most 2^31-1 bytes per call.
    for (let off = 0; off < len; off += 0x40000000) {
      randomFillSync(mem.u8, buf + off, Math.min(0x40000000, len - off));
    }
    return 0;
  }

  proc_exit(code: number): never {
    throw new WasiExit(code >>> 0);
  }

  proc_raise(_sig: number): number {
    return WASI_ENOSYS;
  }

  sched_yield(): number {
    return 0;
  }

  // ---- poll_oneoff -----------------------------------------------------------------------------

  /** Writes one event at out slot `k`: userdata copied from subscription `sub`. */
  private event(out: number, k: number, sub: number, error: number, type: number, nbytes: bigint, flags: number): void {
    const g = this.mem.dv;
    const e = out + k * WASI_EVENT_SIZE;
    for (let i = 0; i < WASI_EVENT_SIZE; i += 4) g.setUint32(e + i, 0, true);
    g.setUint32(e, g.getUint32(sub, true), true);
    g.setUint32(e + 4, g.getUint32(sub + 4, true), true);
    g.setUint16(e + 8, error, true);
    g.setUint8(e + 10, type);
    g.setBigUint64(e + 16, nbytes, true);
    g.setUint16(e + 24, flags, true);
  }

  /** Monotonic deadline (ns, process.hrtime scale, >= 0) of the clock subscription at `s`, or -1n
   * for an invalid clock id. `now` is the monotonic time the call started. A CPU-time clock is
   * approximated by elapsed time (nothing can wake a sleeper when CPU time passes). */
  private deadline(s: number, now: bigint): bigint {
    const g = this.mem.dv;
    const id = g.getUint32(s + 16, true);
    const timeout = g.getBigUint64(s + 24, true);
    const abs = (g.getUint16(s + 40, true) & WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
    let d: bigint;
    switch (id) {
      case WASI_CLOCKID_REALTIME: d = abs ? timeout - REALTIME_BASE : now + timeout; break;
      case WASI_CLOCKID_MONOTONIC: d = abs ? timeout : now + timeout; break;
      case WASI_CLOCKID_PROCESS_CPUTIME_ID:
      case WASI_CLOCKID_THREAD_CPUTIME_ID: d = abs ? now + (timeout - cpuNs()) : now + timeout; break;
      default: return -1n;
    }
    return d < 0n ? 0n : d;
  }

  poll_oneoff(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
    inPtr >>>= 0;
    outPtr >>>= 0;
    nsubs >>>= 0;
    neventsPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.okArray(inPtr, nsubs, WASI_SUBSCRIPTION_SIZE) || !mem.okArray(outPtr, nsubs, WASI_EVENT_SIZE) ||
        !mem.ok(neventsPtr, 4)) return WASI_EFAULT;
    if (nsubs === 0) return WASI_EINVAL;
    const now = process.hrtime.bigint();
    const g = mem.dv;
    const core = this.core;
    let nevents = 0;
    let nfd = 0;
    let earliest = -1n;
    core.sync();
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * WASI_SUBSCRIPTION_SIZE;
      const tag = g.getUint8(s + 8);
      if (tag === WASI_EVENTTYPE_CLOCK) {
        const d = this.deadline(s, now);
        if (d < 0n) this.event(outPtr, nevents++, s, WASI_EINVAL, tag, 0n, 0);
        else if (earliest < 0n || d < earliest) earliest = d;
      } else if (tag === WASI_EVENTTYPE_FD_READ || tag === WASI_EVENTTYPE_FD_WRITE) {
        if (nfd >= this.pollMax) return WASI_ENOTSUP;
        const rec = core.dataAddr + nfd * POLL_RECORD;
        core.dv.setUint32(rec, g.getUint32(s + 16, true), true);
        core.dv.setUint32(rec + 4, tag === WASI_EVENTTYPE_FD_READ ? POLL_KIND_READ : POLL_KIND_WRITE, true);
        this.pollIndex[nfd++] = i;
      } else {
        this.event(outPtr, nevents++, s, WASI_EINVAL, tag, 0n, 0);
      }
    }
    if (nfd > 0) {
      let timeout = -1n;
      if (nevents > 0) timeout = 0n;
      else if (earliest >= 0n) timeout = earliest > now ? earliest - now : 0n;
      const err = this.x.wfs_poll(nfd, timeout);
      if (err !== 0) return err;
      core.sync();
      const cd = core.dv;
      for (let k = 0; k < nfd; k++) {
        const rec = core.dataAddr + k * POLL_RECORD;
        const flags = cd.getUint16(rec + 2, true);
        if ((flags & POLL_READY) === 0) continue;
        const s = inPtr + this.pollIndex[k]! * WASI_SUBSCRIPTION_SIZE;
        this.event(outPtr, nevents++, s, cd.getUint16(rec, true), g.getUint8(s + 8),
          cd.getBigUint64(rec + 8, true), flags & ~POLL_READY);
      }
    }
    if (earliest >= 0n) {
      if (nevents === 0) {
        // Nothing else is ready: sleep until the earliest clock (wfs_poll may have waited already).
        for (let t = process.hrtime.bigint(); t < earliest; t = process.hrtime.bigint()) {
          Atomics.wait(SLEEP_CELL, 0, 0, Number(earliest - t) / 1e6);
        }
      }
      const t = process.hrtime.bigint();
      for (let i = 0; i < nsubs; i++) {
        const s = inPtr + i * WASI_SUBSCRIPTION_SIZE;
        if (g.getUint8(s + 8) !== WASI_EVENTTYPE_CLOCK) continue;
        const d = this.deadline(s, now);
        if (d >= 0n && d <= t) this.event(outPtr, nevents++, s, 0, WASI_EVENTTYPE_CLOCK, 0n, 0);
      }
    }
    mem.setU32(neventsPtr, nevents);
    return 0;
  }

  // ---- sockets: the core has none; answer EBADF for a bad fd, else ENOTSOCK -------------------

  private notSock(fd: number): number {
    const err = this.x.wfs_fd_fdstat_get(fd);
    return err !== 0 ? err : WASI_ENOTSOCK;
  }

  sock_accept(fd: number, _flags: number, fdPtr: number): number {
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(fdPtr >>> 0, 4)) return WASI_EFAULT;
    return this.notSock(fd);
  }

  sock_recv(fd: number, riData: number, riLen: number, _riFlags: number, roLenPtr: number, roFlagsPtr: number): number {
    const mem = this.mem;
    mem.sync();
    if (!mem.okArray(riData >>> 0, riLen, WASI_IOVEC_SIZE) || !mem.ok(roLenPtr >>> 0, 4) || !mem.ok(roFlagsPtr >>> 0, 2)) {
      return WASI_EFAULT;
    }
    return this.notSock(fd);
  }

  sock_send(fd: number, siData: number, siLen: number, _siFlags: number, soLenPtr: number): number {
    const mem = this.mem;
    mem.sync();
    if (!mem.okArray(siData >>> 0, siLen, WASI_IOVEC_SIZE) || !mem.ok(soLenPtr >>> 0, 4)) return WASI_EFAULT;
    return this.notSock(fd);
  }

  sock_shutdown(fd: number, _how: number): number {
    return this.notSock(fd);
  }

  // ---- fd_* --------------------------------------------------------------------------------

  fd_advise(fd: number, off: bigint, len: bigint, advice: number): number {
    return this.x.wfs_fd_advise(fd, off, len, advice);
  }

  fd_allocate(fd: number, off: bigint, len: bigint): number {
    return this.x.wfs_fd_allocate(fd, off, len);
  }

  fd_close(fd: number): number {
    return this.x.wfs_fd_close(fd);
  }

  fd_datasync(fd: number): number {
    return this.x.wfs_fd_datasync(fd);
  }

  fd_fdstat_get(fd: number, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, WASI_FDSTAT_SIZE)) return WASI_EFAULT;
    const err = this.x.wfs_fd_fdstat_get(fd);
    if (err !== 0) return err;
    this.outTo(ptr, WASI_FDSTAT_SIZE);
    return 0;
  }

  fd_fdstat_set_flags(fd: number, flags: number): number {
    return this.x.wfs_fd_fdstat_set_flags(fd, flags);
  }

  fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
    return this.x.wfs_fd_fdstat_set_rights(fd, base, inheriting);
  }

  fd_filestat_get(fd: number, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, WASI_FILESTAT_SIZE)) return WASI_EFAULT;
    const err = this.x.wfs_fd_filestat_get(fd);
    if (err !== 0) return err;
    this.outTo(ptr, WASI_FILESTAT_SIZE);
    return 0;
  }

  fd_filestat_set_size(fd: number, size: bigint): number {
    return this.x.wfs_fd_filestat_set_size(fd, size);
  }

  fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstflags: number): number {
    return this.x.wfs_fd_filestat_set_times(fd, atim, mtim, fstflags);
  }

  fd_pread(fd: number, iovs: number, n: number, off: bigint, nreadPtr: number): number {
    return this.transfer(fd, iovs, n, nreadPtr, WFS_FAST_PREAD, off);
  }


  fd_prestat_get(fd: number, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, WASI_PRESTAT_SIZE)) return WASI_EFAULT;
    const err = this.x.wfs_fd_prestat_get(fd);
    if (err !== 0) return err;
    mem.setU32(ptr, 0); // tag 0 = dir, and the padding
    mem.setU32(ptr + 4, this.core.r32(0));
    return 0;
  }

  /** Copies the preopen's name; a buffer shorter than the name gets ENAMETOOLONG and nothing
   * (as wasmtime does). */
  fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
    ptr >>>= 0;
    len >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, len)) return WASI_EFAULT;
    const err = this.x.wfs_fd_prestat_dir_name(fd);
    if (err !== 0) return err;
    const n = this.core.r32(0);
    if (n > len) return WASI_ENAMETOOLONG;
    this.dataTo(ptr, n);
    return 0;
  }

  fd_pwrite(fd: number, iovs: number, n: number, off: bigint, nwrittenPtr: number): number {
    return this.transfer(fd, iovs, n, nwrittenPtr, WFS_FAST_PWRITE, off);
  }


  fd_read(fd: number, iovs: number, n: number, nreadPtr: number): number {
    return this.transfer(fd, iovs, n, nreadPtr, WFS_FAST_READ, null);
  }


  /** Fills the guest buffer with dirents from `cookie` on, in rounds of at most io.data's
   * capacity (wfs.h protocol): copies min(used, remaining) each round and stops when the buffer
   * is full (a truncated last entry tells the guest to call again) or at end of directory. */
  fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
    buf >>>= 0;
    bufLen >>>= 0;
    bufusedPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(buf, bufLen) || !mem.ok(bufusedPtr, 4)) return WASI_EFAULT;
    const core = this.core;
    let used = 0;
    while (used < bufLen) {
      const remaining = bufLen - used;
      const cap = remaining < core.dataMax ? remaining : core.dataMax;
      const err = this.x.wfs_fd_readdir(fd, cookie, cap);
      if (err !== 0) {
        if (used === 0) return err;
        break; // report what was read; the error recurs on the next call
      }
      const n = core.r32(0);
      const take = n < remaining ? n : remaining;
      this.dataTo(buf + used, take);
      used += take;
      if (n === 0 || n >= remaining || core.r32(2) !== 0) break;
      cookie = core.rBig(1);
    }
    mem.setU32(bufusedPtr, used);
    return 0;
  }

  fd_renumber(from: number, to: number): number {
    return this.x.wfs_fd_renumber(from, to);
  }

  fd_seek(fd: number, off: bigint, whence: number, newOffPtr: number): number {
    newOffPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(newOffPtr, 8)) return WASI_EFAULT;
    const err = this.x.wfs_fd_seek(fd, off, whence);
    if (err !== 0) return err;
    this.r64To(newOffPtr, 0);
    return 0;
  }

  fd_sync(fd: number): number {
    return this.x.wfs_fd_sync(fd);
  }

  fd_tell(fd: number, ptr: number): number {
    ptr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, 8)) return WASI_EFAULT;
    const err = this.x.wfs_fd_tell(fd);
    if (err !== 0) return err;
    this.r64To(ptr, 0);
    return 0;
  }

  fd_write(fd: number, iovs: number, n: number, nwrittenPtr: number): number {
    return this.transfer(fd, iovs, n, nwrittenPtr, WFS_FAST_WRITE, null);
  }


  // ---- path_* ------------------------------------------------------------------------------

  path_create_directory(fd: number, path: number, len: number): number {
    this.mem.sync();
    const e = this.path(path >>> 0, len >>> 0, this.core.path1Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_create_directory(fd, len >>> 0);
  }

  path_filestat_get(fd: number, flags: number, path: number, len: number, ptr: number): number {
    ptr >>>= 0;
    len >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(ptr, WASI_FILESTAT_SIZE)) return WASI_EFAULT;
    const e = this.path(path >>> 0, len, this.core.path1Addr);
    if (e !== 0) return e;
    const err = this.x.wfs_path_filestat_get(fd, flags, len);
    if (err !== 0) return err;
    this.outTo(ptr, WASI_FILESTAT_SIZE);
    return 0;
  }

  path_filestat_set_times(fd: number, flags: number, path: number, len: number, atim: bigint, mtim: bigint, fstflags: number): number {
    len >>>= 0;
    this.mem.sync();
    const e = this.path(path >>> 0, len, this.core.path1Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_filestat_set_times(fd, flags, len, atim, mtim, fstflags);
  }

  path_link(oldFd: number, oldFlags: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number): number {
    oldLen >>>= 0;
    newLen >>>= 0;
    this.mem.sync();
    let e = this.path(oldPath >>> 0, oldLen, this.core.path1Addr);
    if (e !== 0) return e;
    e = this.path(newPath >>> 0, newLen, this.core.path2Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_link(oldFd, oldFlags, oldLen, newFd, newLen);
  }

  path_open(fd: number, dirflags: number, path: number, len: number, oflags: number, base: bigint, inheriting: bigint,
    fdflags: number, fdPtr: number): number {
    fdPtr >>>= 0;
    len >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(fdPtr, 4)) return WASI_EFAULT;
    const e = this.path(path >>> 0, len, this.core.path1Addr);
    if (e !== 0) return e;
    const err = this.x.wfs_path_open(fd, dirflags, len, oflags, base, inheriting, fdflags);
    if (err !== 0) return err;
    mem.setU32(fdPtr, this.core.r32(0));
    return 0;
  }

  path_readlink(fd: number, path: number, len: number, buf: number, bufLen: number, bufusedPtr: number): number {
    len >>>= 0;
    buf >>>= 0;
    bufLen >>>= 0;
    bufusedPtr >>>= 0;
    const mem = this.mem;
    mem.sync();
    if (!mem.ok(buf, bufLen) || !mem.ok(bufusedPtr, 4)) return WASI_EFAULT;
    const e = this.path(path >>> 0, len, this.core.path1Addr);
    if (e !== 0) return e;
    const cap = bufLen < this.core.dataMax ? bufLen : this.core.dataMax;
    const err = this.x.wfs_path_readlink(fd, len, cap);
    if (err !== 0) return err;
    let n = this.core.r32(0);
    if (n > cap) n = cap;
    this.dataTo(buf, n);
    mem.setU32(bufusedPtr, n);
    return 0;
  }

  path_remove_directory(fd: number, path: number, len: number): number {
    this.mem.sync();
    const e = this.path(path >>> 0, len >>> 0, this.core.path1Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_remove_directory(fd, len >>> 0);
  }

  path_rename(fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number): number {
    oldLen >>>= 0;
    newLen >>>= 0;
    this.mem.sync();
    let e = this.path(oldPath >>> 0, oldLen, this.core.path1Addr);
    if (e !== 0) return e;
    e = this.path(newPath >>> 0, newLen, this.core.path2Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_rename(fd, oldLen, newFd, newLen);
  }

  path_symlink(oldPath: number, oldLen: number, fd: number, newPath: number, newLen: number): number {
    oldLen >>>= 0;
    newLen >>>= 0;
    this.mem.sync();
    let e = this.path(oldPath >>> 0, oldLen, this.core.path1Addr);
    if (e !== 0) return e;
    e = this.path(newPath >>> 0, newLen, this.core.path2Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_symlink(oldLen, fd, newLen);
  }

  path_unlink_file(fd: number, path: number, len: number): number {
    this.mem.sync();
    const e = this.path(path >>> 0, len >>> 0, this.core.path1Addr);
    if (e !== 0) return e;
    return this.x.wfs_path_unlink_file(fd, len >>> 0);
  }
}

/** Every wasi_snapshot_preview1 function, in witx order. */
export const PREVIEW1_NAMES = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
] as const;

export type Preview1Name = (typeof PREVIEW1_NAMES)[number];
export type Preview1Imports = Record<Preview1Name, (...args: (number | bigint)[]) => number>;

/** What an import does with a JS exception: WasiExit passes through (it ends the guest), anything
 * else becomes EIO so the guest never sees a JS exception. */
function failed(name: string, e: unknown): number {
  if (e instanceof WasiExit) throw e;
  if (TRACE) {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    writeSync(2, `wasi-directfs trace: ${name} threw, returning EIO: ${msg}\n`);
  }
  return WASI_EIO;
}

type Fn = (...a: unknown[]) => number;

/** The tracing variant (WASI_DIRECTFS_TRACE=1): one stderr line per call with its result. */
function traced(name: string, f: Fn): Fn {
  return (...args: unknown[]) => {
    let r: number;
    try {
      r = f(...args);
    } catch (e) {
      if (e instanceof WasiExit) {
        writeSync(2, `wasi-directfs trace: ${name}(${args.join(', ')}) -> exit ${e.code}\n`);
      }
      r = failed(name, e);
    }
    writeSync(2, `wasi-directfs trace: ${name}(${args.join(', ')}) -> ${r === 0 ? 'ok' : errnoName(r)}\n`);
    return r;
  };
}

/** Builds the import object for one guest. Each function is bound once, here. */
export function buildPreview1(p: Preview1): Preview1Imports {
  const out = {} as Record<string, Fn>;
  const target = p as unknown as Record<string, Fn>;
  for (const name of PREVIEW1_NAMES) {
    const method = target[name];
    if (typeof method !== 'function') throw new Error(`wasi-directfs: preview1 lacks ${name}`);
    const bound = method.bind(p) as Fn; // keeps method.length, which guardArity dispatches on
    out[name] = TRACE ? traced(name, bound) : guardArity(bound, (e) => failed(name, e));
  }
  return out as unknown as Preview1Imports;
}
