/* hostfd.ts — the `hostfd` import module of core.wasm: thin, synchronous libc calls via koffi.
 *
 * Owns:
 *  - `HostMemory`: the core's WebAssembly.Memory and (bound later) the guest's, with each one's
 *    native base address and byte length, re-read only when `memory.buffer` changed (growth).
 *  - `createHostImports()`: one JS function per WFS_IMPORT of core-c/src/host/imports.h (same
 *    import names, same argument order). Each is ONE libc call plus the documented translation
 *    (core-memory offset → native address, wasm32 iovecs → native iovecs, errno → -errno).
 *  - Two native scratch areas owned by this module for the life of the process (iovec array,
 *    one timespec); every call is synchronous and JS is single-threaded per isolate, so one
 *    scratch per module instance (worker threads get their own) is never shared by two calls.
 *  - `openRoot()` (the only path-based open of the project, for the embedder at mount time),
 *    `closeHostFd()` and `openHostFds()` (fd-leak checks in tests).
 *
 * Must never:
 *  - cache anything (metadata, names, FDs): every call goes to the host (HostMemory's address
 *    memo remembers `base + offset` arithmetic only, see HostMemory.ptr);
 *  - apply policy (no flag added or removed, no name checked: the core validated names and
 *    added O_NOFOLLOW|O_CLOEXEC; this layer passes what it is given);
 *  - see a guest fd (all fds here are host fds chosen by the core) or a path (except openRoot);
 *  - allocate on the hot paths (openat, close, statx, preadv, pwritev, getdents64): pointer
 *    arguments are plain numbers (base + offset) declared `intptr_t`, never Buffers.
 *
 * Errors: every import returns the libc result (>= 0) or -errno (Linux numbering), also for
 * failures found here: -EFAULT when a memory is not bound or a fixed-size struct / iovec buffer
 * lies outside its memory, -EINVAL for an unknown `mem` selector or more than 1024 iovecs.
 */

import koffi from 'koffi';
import { readdirSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

// ---- Linux numbering used here (x86_64 / aarch64 generic) ------------------------------------

const EFAULT = 14;
const EINVAL = 22;
const ENOSYS = 38;
const O_RDONLY = 0;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;
const CLOCK_REALTIME = 0;
const F_GETFD = 1;
const F_DUPFD_CLOEXEC = 1030;
const MADV_POPULATE_WRITE = 23;
const FIONREAD = 0x541b; // asm-generic ioctls (x86-64, arm64)

/** Linux IOV_MAX and the core's WFS_IOV_MAX: most iovecs one preadv/pwritev call may carry. */
export const HOST_IOV_MAX = 1024;
const IOVEC_SIZE = 16; // native struct iovec on 64-bit: { void *iov_base; size_t iov_len; }
const WASM_IOVEC_SIZE = 8; // wfs_iovec_t: { u32 buf; u32 len; }
const STATX_SIZE = 256;
const STATFS_SIZE = 120;
const TIMESPEC2_SIZE = 32;
const POLLFD_SIZE = 8;
const TWO32 = 4294967296;
const MEMO_SLOTS = 256; // HostMemory.ptr() address memo (a power of two)

// ---- libc ------------------------------------------------------------------------------------

const libc = koffi.load('libc.so.6');

type I = number; // int / unsigned / intptr_t arguments and results
type L = number | bigint; // int64_t / off_t arguments (see i64())

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** An i64 from wasm (a BigInt) as koffi's cheapest int64_t argument: a number when exact (koffi
 * converts a BigInt argument several times slower: ~3 µs against ~0.8 µs per pread here), the
 * BigInt itself beyond 2^53. */
function i64(v: bigint): number | bigint {
  return v <= SAFE && v >= -SAFE ? Number(v) : v;
}

/* Pointer parameters are `intptr_t` (native addresses as plain numbers: no Buffer, no BigInt).
 * 32-bit unsigned C parameters (mode_t, unsigned flags) are declared with their C type; koffi
 * takes the low 32 bits of the (possibly negative, as wasm i32 arrive in JS) number. size_t
 * parameters get `>>> 0` first so that a u32 above 2^31 is not sign-extended. */
/* openat is variadic in C (`int openat(int, const char *, int, ...)`). On the targets we run on
 * (x86_64 SysV, aarch64 Linux) a variadic int goes in the same register as a fixed one and glibc
 * reads it with va_arg only for O_CREAT/O_TMPFILE, so a fixed 4-argument declaration is the
 * same call without koffi's slower per-call variadic typing (openat is a hot path). */
const c_openat = libc.func('int openat(int dirfd, intptr_t name, int flags, uint32_t mode)') as (a: I, b: I, c: I, d: I) => I;
const c_open = libc.func('int open(const char *path, int flags, ...)') as (p: string, f: I) => I;
const c_close = libc.func('int close(int fd)') as (fd: I) => I;
const c_statx = libc.func('int statx(int dirfd, intptr_t name, int flags, uint32_t mask, intptr_t out)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_getdents64 = libc.func('intptr_t getdents64(int fd, intptr_t buf, size_t len)') as (a: I, b: I, c: I) => I;
const c_lseek = libc.func('int64_t lseek(int fd, int64_t off, int whence)') as (a: I, b: L, c: I) => number | bigint;
const c_mkdirat = libc.func('int mkdirat(int dirfd, intptr_t name, uint32_t mode)') as (a: I, b: I, c: I) => I;
const c_mknodat = libc.func('int mknodat(int dirfd, intptr_t name, uint32_t mode, uint64_t dev)') as (a: I, b: I, c: I, d: I) => I;
const c_symlinkat = libc.func('int symlinkat(intptr_t target, int dirfd, intptr_t name)') as (a: I, b: I, c: I) => I;
const c_linkat = libc.func('int linkat(int olddirfd, intptr_t oldname, int newdirfd, intptr_t newname, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_unlinkat = libc.func('int unlinkat(int dirfd, intptr_t name, int flags)') as (a: I, b: I, c: I) => I;
const c_renameat2 = libc.func('int renameat2(int olddirfd, intptr_t oldname, int newdirfd, intptr_t newname, uint32_t flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_readlinkat = libc.func('intptr_t readlinkat(int dirfd, intptr_t name, intptr_t buf, size_t len)') as (a: I, b: I, c: I, d: I) => I;
const c_fchmod = libc.func('int fchmod(int fd, uint32_t mode)') as (a: I, b: I) => I;
const c_fchmodat = libc.func('int fchmodat(int dirfd, intptr_t name, uint32_t mode, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_fchownat = libc.func('int fchownat(int dirfd, intptr_t name, uint32_t uid, uint32_t gid, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_utimensat = libc.func('int utimensat(int dirfd, intptr_t name, intptr_t times, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_futimens = libc.func('int futimens(int fd, intptr_t times)') as (a: I, b: I) => I;
const c_ftruncate = libc.func('int ftruncate(int fd, int64_t len)') as (a: I, b: L) => I;
const c_fallocate = libc.func('int fallocate(int fd, int mode, int64_t off, int64_t len)') as (a: I, b: I, c: L, d: L) => I;
const c_posix_fadvise = libc.func('int posix_fadvise(int fd, int64_t off, int64_t len, int advice)') as (a: I, b: L, c: L, d: I) => I;
const c_fgetxattr = libc.func('intptr_t fgetxattr(int fd, intptr_t name, intptr_t buf, size_t size)') as (a: I, b: I, c: I, d: I) => I;
const c_fsetxattr = libc.func('int fsetxattr(int fd, intptr_t name, intptr_t value, size_t size, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_flistxattr = libc.func('intptr_t flistxattr(int fd, intptr_t buf, size_t size)') as (a: I, b: I, c: I) => I;
const c_fremovexattr = libc.func('int fremovexattr(int fd, intptr_t name)') as (a: I, b: I) => I;
const c_fstatfs = libc.func('int fstatfs(int fd, intptr_t out)') as (a: I, b: I) => I;
const c_fsync = libc.func('int fsync(int fd)') as (a: I) => I;
const c_fdatasync = libc.func('int fdatasync(int fd)') as (a: I) => I;
const c_preadv = libc.func('intptr_t preadv(int fd, intptr_t iov, int iovcnt, int64_t off)') as (a: I, b: I, c: I, d: L) => I;
const c_readv = libc.func('intptr_t readv(int fd, intptr_t iov, int iovcnt)') as (a: I, b: I, c: I) => I;
const c_pread = libc.func('intptr_t pread(int fd, intptr_t buf, size_t len, int64_t off)') as (a: I, b: I, c: I, d: L) => I;
const c_read = libc.func('intptr_t read(int fd, intptr_t buf, size_t len)') as (a: I, b: I, c: I) => I;
const c_pwrite = libc.func('intptr_t pwrite(int fd, intptr_t buf, size_t len, int64_t off)') as (a: I, b: I, c: I, d: L) => I;
const c_write = libc.func('intptr_t write(int fd, intptr_t buf, size_t len)') as (a: I, b: I, c: I) => I;
const c_pwritev2 = libc.func('intptr_t pwritev2(int fd, intptr_t iov, int iovcnt, int64_t off, int flags)') as (a: I, b: I, c: I, d: L, e: I) => I;
const c_writev = libc.func('intptr_t writev(int fd, intptr_t iov, int iovcnt)') as (a: I, b: I, c: I) => I;
const c_poll = libc.func('int poll(intptr_t fds, uint64_t n, int timeout)') as (a: I, b: I, c: I) => I;
const c_ioctl = libc.func('int ioctl(int fd, unsigned long req, intptr_t arg)') as (a: I, b: I, c: I) => I;
const c_clock_gettime = libc.func('int clock_gettime(int clock, intptr_t ts)') as (a: I, b: I) => I;
const c_fcntl = libc.func('int fcntl(int fd, int cmd, ...)') as (a: I, b: I) => I;
const c_fcntl3 = libc.func('int fcntl(int fd, int cmd, int arg)') as (a: I, b: I, c: I) => I;
const c_madvise = libc.func('int madvise(intptr_t addr, size_t len, int advice)') as (a: I, b: I, c: I) => I;

const errno = koffi.errno as () => number;

/** Asks the kernel to map [addr, addr+len) of core memory writable now (MADV_POPULATE_WRITE,
 * Linux 5.14+; advice only: an older kernel's EINVAL is ignored). Why: core memory is fresh
 * zero pages, and the core reads many before it writes them (its tables in .bss, calloc'd hash
 * buckets): such a page is first mapped to the shared zero page, then its first write takes a
 * second fault that must flush the TLB of every CPU running this process's other threads (an
 * IPI: stat-storm's first round spent 18% of its main-thread time in page faults, most of them
 * these). One populate per growth (64 KiB at a time) replaces 16 faults per wasm page. The
 * core's memory only: it holds the core's own data (its initial 1.1 MiB, then what its allocator
 * asked for), all of which the core uses; the guest's memory is the guest's to touch (a guest
 * may declare far more than it uses). */
function prefault(addr: number, len: number): void {
  c_madvise(addr, len, MADV_POPULATE_WRITE);
}

/** Native address of the first byte of an ArrayBuffer or SharedArrayBuffer (koffi.address does
 * not take a SharedArrayBuffer itself, but does take a view over one). */
function baseOf(buf: ArrayBufferLike): number {
  return Number(koffi.address(new Uint8Array(buf)));
}

/* Module-owned native scratch (never freed: it lives as long as the module). */
const iovPtr = koffi.alloc('uint8_t', HOST_IOV_MAX * IOVEC_SIZE) as unknown as bigint;
const iovAddr = Number(iovPtr);
const iovU32 = new Uint32Array(koffi.view(iovPtr, HOST_IOV_MAX * IOVEC_SIZE));
const tsPtr = koffi.alloc('uint8_t', 16) as unknown as bigint;
const tsAddr = Number(tsPtr);
const tsI64 = new BigInt64Array(koffi.view(tsPtr, 16));
const tsI32 = new Int32Array(tsI64.buffer, 0, 1); // fionread's int (the same scratch: one call at a time)

// ---- memories --------------------------------------------------------------------------------

/**
 * The core's memory and (optionally) the guest's, with their native base addresses.
 * Offsets from the core become `base + offset`. Bases and sizes are re-read only when a
 * memory's `buffer` object changed (after growth, or on first use after binding); an unbound
 * memory has base 0 and size 0, and every import touching it returns -EFAULT. Core pages new to
 * it (at binding, after growth) are mapped writable at once (prefault).
 * Owns no FD; holds the memories only by reference.
 */
export class HostMemory {
  private core: WebAssembly.Memory | null = null;
  private coreBuf: ArrayBufferLike | null = null;
  private guest: WebAssembly.Memory | null = null;
  private guestBuf: ArrayBufferLike | null = null;
  /** Address memo of ptr(): the core offset each slot holds (-1: none), and its address
   * (a generic array, so each entry stays one boxed number that is reused, not re-boxed). */
  private readonly memoOff = new Float64Array(MEMO_SLOTS).fill(-1);
  private readonly memoAddr: unknown[] = new Array<unknown>(MEMO_SLOTS).fill(null);
  /** Native address of core memory byte 0 (0 while unbound); valid after syncCore(). */
  coreBase = 0;
  /** Byte length of core memory (0 while unbound); valid after syncCore(). */
  coreSize = 0;
  /** Little-endian view over core memory, for the wasm32 iovecs; valid after syncCore(). */
  coreView: DataView = new DataView(new ArrayBuffer(0));
  /** Byte view over core memory; valid after syncCore(). */
  coreBytes: Uint8Array = new Uint8Array(0);
  /** Native address of guest memory byte 0 (0 while unbound); valid after syncGuest(). */
  guestBase = 0;
  /** Byte length of guest memory (0 while unbound); valid after syncGuest(). */
  guestSize = 0;

  constructor(core?: WebAssembly.Memory, guest?: WebAssembly.Memory) {
    if (core) this.bindCore(core);
    if (guest) this.bindGuest(guest);
  }

  /** Binds (or re-binds) the core's memory; core.wasm exports it, so this comes after
   * instantiation and before the core's first import call. */
  bindCore(memory: WebAssembly.Memory): void {
    this.core = memory;
    this.coreBuf = null;
    this.coreProbe = new Uint8Array(0);
    this.syncCore();
  }

  /** Binds (or re-binds) the guest's memory, the target of iovecs with mem = WFS_MEM_GUEST. */
  bindGuest(memory: WebAssembly.Memory): void {
    this.guest = memory;
    this.guestBuf = null;
    this.guestProbe = new Uint8Array(0);
    this.syncGuest();
  }

  get coreMemory(): WebAssembly.Memory | null {
    return this.core;
  }

  get guestMemory(): WebAssembly.Memory | null {
    return this.guest;
  }

  /* One-byte views over the current buffers: growing a non-shared memory detaches its old
   * buffer, which empties the view, so a non-empty probe means nothing changed and the costly
   * `memory.buffer` getter is skipped (measured ~30 ns per call, twice per guest read). A shared
   * memory never detaches: its buffer is compared every time. */
  private coreProbe = new Uint8Array(0);
  private guestProbe = new Uint8Array(0);

  /** Re-reads the core base/size/view if core memory grew. Returns coreBase (0 = unbound). */
  syncCore(): number {
    if (this.coreProbe.length !== 0) return this.coreBase;
    const m = this.core;
    if (m === null) return 0;
    const b = m.buffer;
    if (!(b instanceof SharedArrayBuffer) && b.byteLength > 0) this.coreProbe = new Uint8Array(b, 0, 1);
    if (b !== this.coreBuf) {
      this.coreBuf = b;
      const base = baseOf(b);
      const from = base === this.coreBase ? this.coreSize : 0;
      if (base !== this.coreBase) this.memoOff.fill(-1);
      this.coreBase = base;
      this.coreSize = b.byteLength;
      if (this.coreSize > from) prefault(base + from, this.coreSize - from);
      this.coreView = new DataView(b);
      this.coreBytes = new Uint8Array(b);
    }
    return this.coreBase;
  }

  /** Native address of core offset `off` (a u32; wasm i32 arrive signed). Not range-checked:
   * for NUL-terminated names, which the kernel reads (an overrun runs into the memory's
   * guard region and fails with EFAULT). Call after syncCore() returned non-zero.
   *
   * Why a memo: a native address is above 2^31, so a freshly computed `base + off` is a heap
   * number, boxed anew each time it is passed to koffi (~16 bytes of garbage per pointer per
   * call). The core passes the same few offsets again and again (its io block, its name and
   * stat buffers), so a small direct-mapped table of already-boxed addresses, keyed by offset,
   * makes the hot paths allocation-free. It memoises arithmetic only, never host state, and is
   * cleared when the base moves. */
  ptr(off: number): number {
    const at = off >>> 0;
    const slot = ((at >>> 3) ^ (at >>> 11)) & (MEMO_SLOTS - 1);
    if (this.memoOff[slot] === at) return this.memoAddr[slot] as number;
    const a = this.coreBase + at;
    this.memoOff[slot] = at;
    this.memoAddr[slot] = a;
    return a;
  }

  /** ptr(off) if [off, off+len) lies inside core memory, else -EFAULT. For buffers and structs
   * the host writes or reads by size. Call after syncCore() returned non-zero. */
  range(off: number, len: number): number {
    return (off >>> 0) + len <= this.coreSize ? this.ptr(off) : -EFAULT;
  }

  /** Re-reads the guest base/size if guest memory grew. Returns guestBase (0 = unbound). */
  syncGuest(): number {
    if (this.guestProbe.length !== 0) return this.guestBase;
    const m = this.guest;
    if (m === null) return 0;
    const b = m.buffer;
    if (!(b instanceof SharedArrayBuffer) && b.byteLength > 0) this.guestProbe = new Uint8Array(b, 0, 1);
    if (b !== this.guestBuf) {
      this.guestBuf = b;
      this.guestBase = baseOf(b);
      this.guestSize = b.byteLength;
    }
    return this.guestBase;
  }
}

// ---- the import object -----------------------------------------------------------------------

/** The memory chosen by `which` (0 core, 1 guest) for iovec buffers: its native base and byte
 * size in selBase/selSize, and 0; or -EINVAL (bad selector), -EFAULT (guest memory unbound).
 * Precondition: mem.syncCore() returned non-zero. */
let selBase = 0;
let selSize = 0;
function selectMemory(mem: HostMemory, which: number): number {
  if (which === 0) {
    selBase = mem.coreBase;
    selSize = mem.coreSize;
    return 0;
  }
  if (which !== 1) return -EINVAL;
  selBase = mem.syncGuest();
  selSize = mem.guestSize;
  return selBase === 0 ? -EFAULT : 0;
}

/** Fills the module's native iovec scratch from `n` wasm32 iovecs at core offset `iovs`, whose
 * buffers are in the memory chosen by `which` (0 core, 1 guest). Returns 0, or -EINVAL (bad
 * selector, n > 1024), -EFAULT (memory unbound, iovec array or a buffer outside its memory).
 * Precondition: mem.syncCore() returned non-zero. */
function fillIovecs(mem: HostMemory, which: number, iovs: number, n: number): number {
  const sel = selectMemory(mem, which);
  if (sel < 0) return sel;
  const base = selBase;
  const size = selSize;
  if (n > HOST_IOV_MAX) return -EINVAL;
  const at = iovs >>> 0;
  if (at + n * WASM_IOVEC_SIZE > mem.coreSize) return -EFAULT;
  const dv = mem.coreView;
  const out = iovU32;
  for (let i = 0; i < n; i++) {
    const p = at + i * WASM_IOVEC_SIZE;
    const buf = dv.getUint32(p, true);
    const len = dv.getUint32(p + 4, true);
    if (buf + len > size) return -EFAULT;
    const addr = base + buf;
    const q = i * 4;
    out[q] = addr >>> 0;
    out[q + 1] = (addr / TWO32) >>> 0;
    out[q + 2] = len;
    out[q + 3] = 0;
  }
  return 0;
}

/** For a transfer of exactly one iovec (most reads and writes): the native address of its
 * buffer, with its length in `oneLen`, checked as fillIovecs checks; or -EINVAL / -EFAULT.
 * The caller then uses pread/pwrite/read/write, which skip the kernel's iovec import and this
 * module's native iovec array (as libuv does for one buffer). Precondition: as fillIovecs. */
let oneLen = 0;
function oneIovec(mem: HostMemory, which: number, iovs: number): number {
  const sel = selectMemory(mem, which);
  if (sel < 0) return sel;
  const at = iovs >>> 0;
  if (at + WASM_IOVEC_SIZE > mem.coreSize) return -EFAULT;
  const dv = mem.coreView;
  const buf = dv.getUint32(at, true);
  const len = dv.getUint32(at + 4, true);
  if (buf + len > selSize) return -EFAULT;
  oneLen = len;
  return selBase + buf;
}

/** One read or write of `len` bytes at native address `a`: read/write(2) when `off` < 0 (a
 * stream, or the FD's own position), else pread/pwrite(2) at `off`. Returns the count or -errno.
 * Shared by the one-iovec imports and the façade's fast path (guestTransfer). */
function transferOne(write: boolean, fd: number, a: number, len: number, off: number | bigint): number {
  const at = typeof off === 'bigint' ? i64(off) : off;
  const r = at < 0
    ? (write ? c_write(fd, a, len) : c_read(fd, a, len))
    : (write ? c_pwrite(fd, a, len, at) : c_pread(fd, a, len, at));
  return r < 0 ? -errno() : r;
}

/** Signatures of the imports (wasm value types, params → result), the twin of imports.h. */
export const HOSTFD_SIGNATURES: Readonly<Record<string, readonly [string, string]>> = {
  openat: ['i32 i32 i32 i32', 'i32'],
  close: ['i32', 'i32'],
  statx: ['i32 i32 i32 i32 i32', 'i32'],
  getdents64: ['i32 i32 i32', 'i32'],
  getdents64_stat: ['i32 i32 i32', 'i32'],
  openat_stat: ['i32 i32 i32 i32', 'i32'],
  walk: ['i32 i32 i32 i32', 'i32'],
  lseek: ['i32 i64 i32', 'i64'],
  mkdirat: ['i32 i32 i32', 'i32'],
  mknodat: ['i32 i32 i32 i32', 'i32'],
  symlinkat: ['i32 i32 i32', 'i32'],
  linkat: ['i32 i32 i32 i32 i32', 'i32'],
  unlinkat: ['i32 i32 i32', 'i32'],
  renameat2: ['i32 i32 i32 i32 i32', 'i32'],
  readlinkat: ['i32 i32 i32 i32', 'i32'],
  fchmod: ['i32 i32', 'i32'],
  fchmodat: ['i32 i32 i32 i32', 'i32'],
  fchownat: ['i32 i32 i32 i32 i32', 'i32'],
  utimensat: ['i32 i32 i32 i32', 'i32'],
  ftruncate: ['i32 i64', 'i32'],
  fallocate: ['i32 i32 i64 i64', 'i32'],
  fadvise: ['i32 i64 i64 i32', 'i32'],
  fgetxattr: ['i32 i32 i32 i32', 'i32'],
  fsetxattr: ['i32 i32 i32 i32 i32', 'i32'],
  flistxattr: ['i32 i32 i32', 'i32'],
  fremovexattr: ['i32 i32', 'i32'],
  fstatfs: ['i32 i32', 'i32'],
  fsync: ['i32', 'i32'],
  fdatasync: ['i32', 'i32'],
  preadv: ['i32 i32 i32 i32 i64', 'i32'],
  pwritev: ['i32 i32 i32 i32 i64 i32', 'i32'],
  poll: ['i32 i32 i32', 'i32'],
  fionread: ['i32', 'i32'],
  now_ns: ['', 'i64'],
};

/** The functions of the `hostfd` import module, typed as the core calls them (wasm i32 →
 * number, i64 → bigint). */
export interface HostImports {
  openat(dirfd: number, name: number, flags: number, mode: number): number;
  close(fd: number): number;
  statx(dirfd: number, name: number, flags: number, mask: number, out: number): number;
  getdents64(fd: number, buf: number, len: number): number;
  /** Entries with their lstat (imports.h): not a libc call, so -ENOSYS here (the lisafs backend serves it). */
  getdents64_stat(fd: number, buf: number, len: number): number;
  openat_stat(dirfd: number, name: number, flags: number, out: number): number;
  walk(dirfd: number, names: number, n: number, out: number): number;
  lseek(fd: number, off: bigint, whence: number): bigint;
  mkdirat(dirfd: number, name: number, mode: number): number;
  mknodat(dirfd: number, name: number, mode: number, dev: number): number;
  symlinkat(target: number, dirfd: number, name: number): number;
  linkat(olddirfd: number, oldname: number, newdirfd: number, newname: number, flags: number): number;
  unlinkat(dirfd: number, name: number, flags: number): number;
  renameat2(olddirfd: number, oldname: number, newdirfd: number, newname: number, flags: number): number;
  readlinkat(dirfd: number, name: number, buf: number, len: number): number;
  fchmod(fd: number, mode: number): number;
  fchmodat(dirfd: number, name: number, mode: number, flags: number): number;
  fchownat(dirfd: number, name: number, uid: number, gid: number, flags: number): number;
  utimensat(dirfd: number, nameOrNull: number, times: number, flags: number): number;
  ftruncate(fd: number, len: bigint): number;
  fallocate(fd: number, mode: number, off: bigint, len: bigint): number;
  fadvise(fd: number, off: bigint, len: bigint, advice: number): number;
  fgetxattr(fd: number, name: number, buf: number, size: number): number;
  fsetxattr(fd: number, name: number, value: number, size: number, flags: number): number;
  flistxattr(fd: number, buf: number, size: number): number;
  fremovexattr(fd: number, name: number): number;
  fstatfs(fd: number, out: number): number;
  fsync(fd: number): number;
  fdatasync(fd: number): number;
  preadv(fd: number, mem: number, iovs: number, iovcnt: number, off: bigint): number;
  pwritev(fd: number, mem: number, iovs: number, iovcnt: number, off: bigint, flags: number): number;
  poll(fds: number, n: number, timeoutMs: number): number;
  fionread(fd: number): number;
  now_ns(): bigint;
}

/**
 * The `hostfd` import object for one core instance. Every function: one libc call, result or
 * -errno; pointer arguments are offsets in core memory (see HostMemory). All are synchronous;
 * a blocking host call (poll, a read on a pipe) blocks the calling thread.
 * Errors besides the host's: -EFAULT while core memory is unbound (and the cases in fillIovecs
 * and the fixed-size struct checks below).
 */
export function createHostImports(mem: HostMemory): WebAssembly.ModuleImports & HostImports {
  const imports: HostImports = {
    openat(dirfd, name, flags, mode) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_openat(dirfd, mem.ptr(name), flags, mode);
      return r < 0 ? -errno() : r;
    },

    close(fd) {
      const r = c_close(fd);
      return r < 0 ? -errno() : r;
    },

    statx(dirfd, name, flags, mask, out) {
      if (mem.syncCore() === 0) return -EFAULT;
      const dst = mem.range(out, STATX_SIZE);
      if (dst < 0) return dst;
      const r = c_statx(dirfd, mem.ptr(name), flags, mask, dst);
      return r < 0 ? -errno() : r;
    },

    getdents64(fd, buf, len) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = len >>> 0;
      const dst = mem.range(buf, n);
      if (dst < 0) return dst;
      const r = c_getdents64(fd, dst, n);
      return r < 0 ? -errno() : r;
    },

    getdents64_stat(_fd, _buf, _len) {
      return -ENOSYS; // a directfs host lists without stats (a statx per entry would save nothing)
    },

    openat_stat(_dirfd, _name, _flags, _out) {
      return -ENOSYS; // directfs stats first (statx) so that a device is never opened, then opens
    },

    walk(_dirfd, _names, _n, _out) {
      return -ENOSYS; // directfs would make the same statx or openat per name (core-c's host_walk)
    },

    lseek(fd, off, whence) {
      const r = c_lseek(fd, i64(off), whence);
      return typeof r === 'bigint' ? r : r < 0 ? BigInt(-errno()) : BigInt(r);
    },

    mkdirat(dirfd, name, mode) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_mkdirat(dirfd, mem.ptr(name), mode);
      return r < 0 ? -errno() : r;
    },

    mknodat(dirfd, name, mode, dev) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_mknodat(dirfd, mem.ptr(name), mode, dev >>> 0);
      return r < 0 ? -errno() : r;
    },

    symlinkat(target, dirfd, name) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_symlinkat(mem.ptr(target), dirfd, mem.ptr(name));
      return r < 0 ? -errno() : r;
    },

    linkat(olddirfd, oldname, newdirfd, newname, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_linkat(olddirfd, mem.ptr(oldname), newdirfd, mem.ptr(newname), flags);
      return r < 0 ? -errno() : r;
    },

    unlinkat(dirfd, name, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_unlinkat(dirfd, mem.ptr(name), flags);
      return r < 0 ? -errno() : r;
    },

    renameat2(olddirfd, oldname, newdirfd, newname, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_renameat2(olddirfd, mem.ptr(oldname), newdirfd, mem.ptr(newname), flags);
      return r < 0 ? -errno() : r;
    },

    readlinkat(dirfd, name, buf, len) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = len >>> 0;
      const dst = mem.range(buf, n);
      if (dst < 0) return dst;
      const r = c_readlinkat(dirfd, mem.ptr(name), dst, n);
      return r < 0 ? -errno() : r;
    },

    fchmod(fd, mode) {
      const r = c_fchmod(fd, mode);
      return r < 0 ? -errno() : r;
    },

    fchmodat(dirfd, name, mode, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_fchmodat(dirfd, mem.ptr(name), mode, flags);
      return r < 0 ? -errno() : r;
    },

    fchownat(dirfd, name, uid, gid, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_fchownat(dirfd, mem.ptr(name), uid, gid, flags);
      return r < 0 ? -errno() : r;
    },

    /** times 0 → NULL (both set to now). name 0 → NULL, i.e. the kernel's utimensat(fd, NULL,
     * times, 0) on dirfd itself; glibc's utimensat() refuses a NULL name (EINVAL), so that case
     * is futimens(dirfd, times), which is exactly that system call. As the kernel does, flags
     * other than 0 with a NULL name are -EINVAL. */
    utimensat(dirfd, nameOrNull, times, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      let ts = 0;
      if (times !== 0) {
        ts = mem.range(times, TIMESPEC2_SIZE);
        if (ts < 0) return ts;
      }
      let r: number;
      if (nameOrNull === 0) {
        if (flags !== 0) return -EINVAL;
        r = c_futimens(dirfd, ts);
      } else {
        r = c_utimensat(dirfd, mem.ptr(nameOrNull), ts, flags);
      }
      return r < 0 ? -errno() : r;
    },

    ftruncate(fd, len) {
      const r = c_ftruncate(fd, i64(len));
      return r < 0 ? -errno() : r;
    },

    fallocate(fd, mode, off, len) {
      const r = c_fallocate(fd, mode, i64(off), i64(len));
      return r < 0 ? -errno() : r;
    },

    /** posix_fadvise returns the error number itself (errno is not set). */
    fadvise(fd, off, len, advice) {
      const r = c_posix_fadvise(fd, i64(off), i64(len), advice);
      return r === 0 ? 0 : -r;
    },

    fgetxattr(fd, name, buf, size) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = size >>> 0;
      const dst = mem.range(buf, n);
      if (dst < 0) return dst;
      const r = c_fgetxattr(fd, mem.ptr(name), dst, n);
      return r < 0 ? -errno() : r;
    },

    fsetxattr(fd, name, value, size, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = size >>> 0;
      const src = mem.range(value, n);
      if (src < 0) return src;
      const r = c_fsetxattr(fd, mem.ptr(name), src, n, flags);
      return r < 0 ? -errno() : r;
    },

    flistxattr(fd, buf, size) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = size >>> 0;
      const dst = mem.range(buf, n);
      if (dst < 0) return dst;
      const r = c_flistxattr(fd, dst, n);
      return r < 0 ? -errno() : r;
    },

    fremovexattr(fd, name) {
      if (mem.syncCore() === 0) return -EFAULT;
      const r = c_fremovexattr(fd, mem.ptr(name));
      return r < 0 ? -errno() : r;
    },

    fstatfs(fd, out) {
      if (mem.syncCore() === 0) return -EFAULT;
      const dst = mem.range(out, STATFS_SIZE);
      if (dst < 0) return dst;
      const r = c_fstatfs(fd, dst);
      return r < 0 ? -errno() : r;
    },

    fsync(fd) {
      const r = c_fsync(fd);
      return r < 0 ? -errno() : r;
    },

    fdatasync(fd) {
      const r = c_fdatasync(fd);
      return r < 0 ? -errno() : r;
    },

    /** preadv(fd, iov, n, off), or readv(fd, iov, n) when off < 0; pread/read for one iovec. */
    preadv(fd, which, iovs, iovcnt, off) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = iovcnt >>> 0;
      if (n === 1) {
        const a = oneIovec(mem, which, iovs);
        if (a < 0) return a;
        return transferOne(false, fd, a, oneLen, off);
      }
      const e = fillIovecs(mem, which, iovs, n);
      if (e < 0) return e;
      const r = off < 0n ? c_readv(fd, iovAddr, n) : c_preadv(fd, iovAddr, n, i64(off));
      return r < 0 ? -errno() : r;
    },

    /** pwritev2(fd, iov, n, off, flags), or writev(fd, iov, n) when off < 0 and flags == 0;
     * pwrite/write for one iovec without flags. */
    pwritev(fd, which, iovs, iovcnt, off, flags) {
      if (mem.syncCore() === 0) return -EFAULT;
      const n = iovcnt >>> 0;
      if (n === 1 && flags === 0) {
        const a = oneIovec(mem, which, iovs);
        if (a < 0) return a;
        return transferOne(true, fd, a, oneLen, off);
      }
      const e = fillIovecs(mem, which, iovs, n);
      if (e < 0) return e;
      const r = flags === 0 && off < 0n ? c_writev(fd, iovAddr, n) : c_pwritev2(fd, iovAddr, n, i64(off), flags);
      return r < 0 ? -errno() : r;
    },

    poll(fds, n, timeoutMs) {
      if (mem.syncCore() === 0) return -EFAULT;
      const count = n >>> 0;
      const p = mem.range(fds, count * POLLFD_SIZE);
      if (p < 0) return p;
      const r = c_poll(p, count, timeoutMs);
      return r < 0 ? -errno() : r;
    },

    fionread(fd) {
      const r = c_ioctl(fd, FIONREAD, tsAddr);
      return r < 0 ? -errno() : (tsI32[0] as number);
    },

    now_ns() {
      const r = c_clock_gettime(CLOCK_REALTIME, tsAddr);
      if (r < 0) return BigInt(-errno());
      return (tsI64[0] as bigint) * 1000000000n + (tsI64[1] as bigint);
    },
  };
  return imports as unknown as WebAssembly.ModuleImports & HostImports;
}

// ---- embedder helpers (not imports of the core) ----------------------------------------------

/** An Error from a failed host call: `code` ('ENOENT'), `errno` (positive Linux number), and the
 * `path` and `syscall` it concerned. */
export interface HostError extends Error {
  code: string;
  errno: number;
  path: string;
  syscall: string;
}

/** [code, message] for a positive Linux errno, e.g. [ 'ENOENT', 'no such file or directory' ]. */
export function errnoName(e: number): [string, string] {
  const entry = getSystemErrorMap().get(-e);
  return entry ? [entry[0], entry[1]] : [`E${e}`, `unknown error ${e}`];
}

/**
 * pread(2) (or pwrite(2) when `write`) of `len` bytes at `off` between host FD `fd` and guest
 * memory at `buf`: the façade's fast path for fd_read/fd_pread/fd_write/fd_pwrite (wfs_io_t.fast
 * in wfs.h). Returns the byte count or -errno (-EFAULT when guest memory is unbound or
 * [buf, buf+len) lies outside it).
 * Preconditions: `fd` is a handle of a current fast entry (so the core holds it open, or it is a
 * borrowed stdio FD); `off` is a non-negative safe integer, or -1 for write(2)/read(2) on a
 * stream.
 */
export function guestTransfer(mem: HostMemory, write: boolean, fd: number, buf: number, len: number, off: number): number {
  const base = mem.syncGuest();
  if (base === 0 || buf + len > mem.guestSize) return -EFAULT;
  return transferOne(write, fd, base + buf, len, off);
}

/** Whether openRoot() already grew the FD table (see reserveFdTable). */
let fdTableReserved = false;

/**
 * Opens a host directory to become a mount root: open(path, O_RDONLY|O_DIRECTORY|O_CLOEXEC).
 * The ONLY path-based host open of the project (the embedder calls it at mount time; the core
 * then only ever uses openat on FDs it holds). Symlinks in `path` are followed: it is the
 * embedder's choice of directory, not guest input. The first successful call of the process
 * also grows the process's FD table up front (reserveFdTable).
 * Returns the new FD; the caller owns it (hand it to wfs_preopen, or closeHostFd it).
 * Throws a HostError (code ENOENT, ENOTDIR, EACCES, ELOOP, EMFILE, ..., or EINVAL for a path
 * that is empty or contains a NUL byte).
 */
export function openRoot(path: string): number {
  let e: number;
  if (path.length === 0 || path.includes('\0')) {
    e = EINVAL;
  } else {
    const fd = c_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      if (!fdTableReserved) reserveFdTable(fd);
      fdTableReserved = true;
      return fd;
    }
    e = errno();
  }
  const [code, text] = errnoName(e);
  const why = e === EINVAL ? 'empty path or NUL byte in path' : text;
  const err = new Error(`wasi-directfs: cannot open mount root ${JSON.stringify(path)}: ${code} (${why})`) as HostError;
  err.code = code;
  err.errno = e;
  err.path = path;
  err.syscall = 'open';
  throw err;
}

/** Closes a host FD the caller owns (e.g. an openRoot result never handed to the core).
 * Returns 0 or -errno (-EBADF when it was not open). */
export function closeHostFd(fd: number): number {
  const r = c_close(fd);
  return r < 0 ? -errno() : r;
}

/** The host FDs open in this process now, ascending (from /proc/self/fd, without the FD used
 * to read that directory). For leak checks in tests. */
export function openHostFds(): number[] {
  const fds: number[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    // The directory stream's own FD is listed but already closed: keep only FDs still open.
    if (Number.isInteger(fd) && c_fcntl(fd, F_GETFD) >= 0) fds.push(fd);
  }
  return fds.sort((a, b) => a - b);
}

// ---- resource limits -------------------------------------------------------------------------

koffi.struct('wfs_rlimit', { cur: 'uint64_t', max: 'uint64_t' });
const c_getrlimit = libc.func('int getrlimit(int resource, _Out_ wfs_rlimit *rlim)') as (r: number, out: { cur?: number | bigint; max?: number | bigint }) => number;
const RLIMIT_NOFILE = 7;

/** The default budget of host FDs held by cached dentries: half of this process's soft
 * RLIMIT_NOFILE (the other half stays for open guest files, Node and the gofer), between 64 and
 * 16384. A small budget makes a walk over many directories shed and re-open FDs. */
export function defaultHostFdBudget(mode: 'directfs' | 'lisafs' = 'directfs'): number {
  const lim: { cur?: number | bigint; max?: number | bigint } = {};
  if (c_getrlimit(RLIMIT_NOFILE, lim) !== 0) return 768;
  const cur = Number(lim.cur ?? 1024);
  const b = Math.max(16, Math.min(16384, Math.floor(cur / 2)));
  return mode === 'lisafs' ? Math.max(16, b >> 1) : b;
}

/**
 * Grows this process's kernel FD table once, so that it covers FD numbers up to the soft
 * RLIMIT_NOFILE (at most 32768: twice the largest default dentry FD budget). Called by
 * openRoot() on the first mount of the process (every FD the core, a worker gofer or a process
 * gofer holds is opened after a mount root).
 *
 * Why: the kernel grows a process's FD table in powers of two, and in a multi-threaded process
 * (Node always is) every growth waits for an RCU grace period (expand_fdtable ->
 * synchronize_rcu), measured here at 5-25 ms each. A dentry cache that holds thousands of host
 * FDs would otherwise stall at FD 256, 512, 1024, ... in the middle of the guest's work (60 ms of
 * a 140 ms read-files run). The table never shrinks, so growing it up front pays one grace
 * period instead of up to nine. Costs 8 bytes of kernel memory per slot; leaves nothing open
 * (one F_DUPFD_CLOEXEC of `anyFd` at the top slot, closed at once). Failure changes nothing.
 * Precondition: `anyFd` is an open FD of this process.
 */
function reserveFdTable(anyFd: number): void {
  const lim: { cur?: number | bigint; max?: number | bigint } = {};
  const cur = c_getrlimit(RLIMIT_NOFILE, lim) === 0 ? Number(lim.cur ?? 1024) : 1024;
  const top = Math.min(cur, 32768) - 1;
  if (top < 64) return; // the initial table already covers 64 FDs
  const fd = c_fcntl3(anyFd, F_DUPFD_CLOEXEC, top);
  if (fd >= 0) c_close(fd);
}
