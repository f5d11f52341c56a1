/* sys.ts — the libc calls of the lisafs side (gofer handlers and channels), through koffi.
 *
 * Owns:
 *  - koffi declarations of the syscalls the gofer and the channels make, in the style of
 *    ts/host/hostfd.ts (pointer parameters are `intptr_t` native addresses, results are the libc
 *    result or -errno);
 *  - `NativeBuf`: native memory from koffi.alloc with a Uint8Array/DataView over it, used for
 *    every buffer handed to the kernel (names, statx, I/O, msghdr/cmsghdr, sockaddr_un), so no
 *    JS-heap buffer (which V8 may move) is ever given to libc;
 *  - helpers for Unix sockets: socketpair, framed send, recvmsg with SCM_RIGHTS, sendmsg with
 *    SCM_RIGHTS, and a non-reaping child status probe (waitid WNOWAIT).
 *
 * Must never: apply policy (names are validated by the caller), cache host state, or throw for
 * a failed syscall (every function returns -errno; only programming errors throw).
 * One module instance per thread: the scratch buffers below are per isolate and every call is
 * synchronous, so no two calls share a scratch at the same time.
 */

import koffi from 'koffi';

export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EMFILE = 24;
export const ERANGE = 34;
export const ELOOP = 40;
export const EPROTOTYPE = 91;
export const EOPNOTSUPP = 95;
export const ENOBUFS = 105;
export const EREMOTEIO = 121;

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const MSG_CTRUNC = 0x8;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_CMSG_CLOEXEC = 0x40000000;
export const F_DUPFD_CLOEXEC = 1030;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const SEEK_SET = 0;
export const SHUT_RDWR = 2;

type I = number;
type L = bigint;

const libc = koffi.load('libc.so.6');
const errno = koffi.errno as () => number;

/* Variadic C functions (openat, fcntl) are declared with fixed arguments: on x86_64 and aarch64
 * Linux a variadic int travels like a fixed one (see ts/host/hostfd.ts). */
const c_openat = libc.func('int openat(int dirfd, intptr_t name, int flags, uint32_t mode)') as (a: I, b: I, c: I, d: I) => I;
const c_close = libc.func('int close(int fd)') as (fd: I) => I;
const c_fcntl = libc.func('int fcntl(int fd, int cmd, int arg)') as (a: I, b: I, c: I) => I;
const c_statx = libc.func('int statx(int dirfd, intptr_t name, int flags, uint32_t mask, intptr_t out)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_fstatfs = libc.func('int fstatfs(int fd, intptr_t out)') as (a: I, b: I) => I;
const c_fchmod = libc.func('int fchmod(int fd, uint32_t mode)') as (a: I, b: I) => I;
const c_fchmodat = libc.func('int fchmodat(int dirfd, intptr_t name, uint32_t mode, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_fchownat = libc.func('int fchownat(int dirfd, intptr_t name, uint32_t uid, uint32_t gid, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_ftruncate = libc.func('int ftruncate(int fd, int64_t len)') as (a: I, b: L) => I;
const c_utimensat = libc.func('int utimensat(int dirfd, intptr_t name, intptr_t times, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_mkdirat = libc.func('int mkdirat(int dirfd, intptr_t name, uint32_t mode)') as (a: I, b: I, c: I) => I;
const c_mknodat = libc.func('int mknodat(int dirfd, intptr_t name, uint32_t mode, uint64_t dev)') as (a: I, b: I, c: I, d: L) => I;
const c_symlinkat = libc.func('int symlinkat(intptr_t target, int dirfd, intptr_t name)') as (a: I, b: I, c: I) => I;
const c_linkat = libc.func('int linkat(int olddirfd, intptr_t oldname, int newdirfd, intptr_t newname, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_unlinkat = libc.func('int unlinkat(int dirfd, intptr_t name, int flags)') as (a: I, b: I, c: I) => I;
const c_renameat2 = libc.func('int renameat2(int olddirfd, intptr_t oldname, int newdirfd, intptr_t newname, uint32_t flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_readlinkat = libc.func('intptr_t readlinkat(int dirfd, intptr_t name, intptr_t buf, size_t len)') as (a: I, b: I, c: I, d: I) => I;
const c_getdents64 = libc.func('intptr_t getdents64(int fd, intptr_t buf, size_t len)') as (a: I, b: I, c: I) => I;
const c_lseek = libc.func('int64_t lseek(int fd, int64_t off, int whence)') as (a: I, b: L, c: I) => number | bigint;
const c_pread = libc.func('intptr_t pread(int fd, intptr_t buf, size_t n, int64_t off)') as (a: I, b: I, c: I, d: L) => I;
const c_pwrite = libc.func('intptr_t pwrite(int fd, intptr_t buf, size_t n, int64_t off)') as (a: I, b: I, c: I, d: L) => I;
const c_fsync = libc.func('int fsync(int fd)') as (a: I) => I;
const c_fallocate = libc.func('int fallocate(int fd, int mode, int64_t off, int64_t len)') as (a: I, b: I, c: L, d: L) => I;
const c_fgetxattr = libc.func('intptr_t fgetxattr(int fd, intptr_t name, intptr_t buf, size_t size)') as (a: I, b: I, c: I, d: I) => I;
const c_fsetxattr = libc.func('int fsetxattr(int fd, intptr_t name, intptr_t value, size_t size, int flags)') as (a: I, b: I, c: I, d: I, e: I) => I;
const c_flistxattr = libc.func('intptr_t flistxattr(int fd, intptr_t buf, size_t size)') as (a: I, b: I, c: I) => I;
const c_fremovexattr = libc.func('int fremovexattr(int fd, intptr_t name)') as (a: I, b: I) => I;
const c_getxattr = libc.func('intptr_t getxattr(const char *path, intptr_t name, intptr_t buf, size_t size)') as (a: string, b: I, c: I, d: I) => I;
const c_setxattr = libc.func('int setxattr(const char *path, intptr_t name, intptr_t value, size_t size, int flags)') as (a: string, b: I, c: I, d: I, e: I) => I;
const c_listxattr = libc.func('intptr_t listxattr(const char *path, intptr_t buf, size_t size)') as (a: string, b: I, c: I) => I;
const c_removexattr = libc.func('int removexattr(const char *path, intptr_t name)') as (a: string, b: I) => I;
const c_socket = libc.func('int socket(int domain, int type, int protocol)') as (a: I, b: I, c: I) => I;
const c_socketpair = libc.func('int socketpair(int domain, int type, int protocol, intptr_t sv)') as (a: I, b: I, c: I, d: I) => I;
const c_bind = libc.func('int bind(int fd, intptr_t addr, uint32_t len)') as (a: I, b: I, c: I) => I;
const c_connect = libc.func('int connect(int fd, intptr_t addr, uint32_t len)') as (a: I, b: I, c: I) => I;
const c_listen = libc.func('int listen(int fd, int backlog)') as (a: I, b: I) => I;
const c_accept4 = libc.func('int accept4(int fd, intptr_t addr, intptr_t len, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_send = libc.func('intptr_t send(int fd, intptr_t buf, size_t n, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_recv = libc.func('intptr_t recv(int fd, intptr_t buf, size_t n, int flags)') as (a: I, b: I, c: I, d: I) => I;
const c_sendmsg = libc.func('intptr_t sendmsg(int fd, intptr_t msg, int flags)') as (a: I, b: I, c: I) => I;
const c_recvmsg = libc.func('intptr_t recvmsg(int fd, intptr_t msg, int flags)') as (a: I, b: I, c: I) => I;
const c_shutdown = libc.func('int shutdown(int fd, int how)') as (a: I, b: I) => I;
const c_geteuid = libc.func('uint32_t geteuid()') as () => I;
const c_getegid = libc.func('uint32_t getegid()') as () => I;
const c_gettid = libc.func('int gettid()') as () => I;
const c_sched_yield = libc.func('int sched_yield()') as () => I;
const c_poll = libc.func('int poll(intptr_t fds, uint64_t n, int timeout)') as (a: I, b: I, c: I) => I;
const c_waitid = libc.func('int waitid(int idtype, uint32_t id, intptr_t info, int options)') as (a: I, b: I, c: I, d: I) => I;

// ---- native buffers --------------------------------------------------------------------------

/** Native memory (koffi.alloc: never moved by the GC) with views over it. Module scratch lives
 * as long as the isolate; per-connection buffers are released with free(), after which the
 * owner must not touch them (owners check their own closed state first). */
export class NativeBuf {
  readonly addr: number;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  private ptr: unknown;
  constructor(readonly size: number) {
    const p = koffi.alloc('uint8_t', size) as unknown;
    this.ptr = p;
    this.addr = Number(p as bigint);
    const ab = koffi.view(p, size);
    this.u8 = new Uint8Array(ab);
    this.dv = new DataView(ab);
  }
  /** Releases the memory (idempotent). */
  free(): void {
    if (this.ptr === null) return;
    koffi.free(this.ptr);
    this.ptr = null;
  }
  /** Writes `bytes` + NUL at the start and returns the address (a C string; the caller has
   * checked that `bytes` has no NUL and fits). */
  cstr(bytes: Uint8Array): number {
    this.u8.set(bytes, 0);
    this.u8[bytes.length] = 0;
    return this.addr;
  }
}

const nameA = new NativeBuf(65537);
const nameB = new NativeBuf(65537);
const statxBuf = new NativeBuf(256);
const statfsBuf = new NativeBuf(120);
const timesBuf = new NativeBuf(32);
const addrBuf = new NativeBuf(112);
const pairBuf = new NativeBuf(8);
const infoBuf = new NativeBuf(128);

const enc = new TextEncoder();
/** Bytes of an ASCII/UTF-8 string. */
export function bytesOf(s: string): Uint8Array {
  return enc.encode(s);
}

function ret(r: number): number {
  return r < 0 ? -errno() : r;
}

// ---- file syscalls (names are byte strings without NUL, at most 65535 bytes) ------------------

export function openat(dirfd: number, name: Uint8Array, flags: number, mode = 0): number {
  return ret(c_openat(dirfd, nameA.cstr(name), flags, mode));
}
export function close(fd: number): number {
  return ret(c_close(fd));
}
/** A new CLOEXEC duplicate of `fd`. */
export function dupCloexec(fd: number): number {
  return ret(c_fcntl(fd, F_DUPFD_CLOEXEC, 0));
}
export function fcntl(fd: number, cmd: number, arg: number): number {
  return ret(c_fcntl(fd, cmd, arg));
}
/** statx(dirfd, name, flags): 0 and the first 144 bytes in `statxBytes()`, or -errno. */
export function statx(dirfd: number, name: Uint8Array, flags: number): number {
  return ret(c_statx(dirfd, nameA.cstr(name), flags, STATX_BASIC_STATS | STATX_BTIME, statxBuf.addr));
}
/** The result of the last successful statx (a view; copy or decode before the next call). */
export function statxBytes(): Uint8Array {
  return statxBuf.u8.subarray(0, 144);
}
/** (ino, dev major, dev minor) of the file `fd` refers to, or null when fstat fails. */
export function fdIdentity(fd: number): { ino: bigint; devMajor: number; devMinor: number } | null {
  if (c_statx(fd, nameA.cstr(new Uint8Array(0)), 0x1000 /* AT_EMPTY_PATH */, STATX_BASIC_STATS, statxBuf.addr) < 0) return null;
  const dv = statxBuf.dv;
  return { ino: dv.getBigUint64(32, true), devMajor: dv.getUint32(136, true), devMinor: dv.getUint32(140, true) };
}

export function fstatfs(fd: number): number {
  return ret(c_fstatfs(fd, statfsBuf.addr));
}
export function statfsView(): DataView {
  return statfsBuf.dv;
}
export function fchmod(fd: number, mode: number): number {
  return ret(c_fchmod(fd, mode));
}
export function fchmodat(dirfd: number, name: Uint8Array, mode: number): number {
  return ret(c_fchmodat(dirfd, nameA.cstr(name), mode, 0));
}
export function fchownat(dirfd: number, name: Uint8Array, uid: number, gid: number, flags: number): number {
  return ret(c_fchownat(dirfd, nameA.cstr(name), uid, gid, flags));
}
export function ftruncate(fd: number, len: bigint): number {
  return ret(c_ftruncate(fd, len));
}
/** utimensat(dirfd, name, [atime, mtime], flags); sec/nsec as given (UTIME_NOW/OMIT pass). */
export function utimensat(dirfd: number, name: Uint8Array, at: { sec: bigint; nsec: bigint }, mt: { sec: bigint; nsec: bigint }, flags: number): number {
  const dv = timesBuf.dv;
  dv.setBigInt64(0, at.sec, true);
  dv.setBigInt64(8, at.nsec, true);
  dv.setBigInt64(16, mt.sec, true);
  dv.setBigInt64(24, mt.nsec, true);
  return ret(c_utimensat(dirfd, nameA.cstr(name), timesBuf.addr, flags));
}
export function mkdirat(dirfd: number, name: Uint8Array, mode: number): number {
  return ret(c_mkdirat(dirfd, nameA.cstr(name), mode));
}
export function mknodat(dirfd: number, name: Uint8Array, mode: number, dev: bigint): number {
  return ret(c_mknodat(dirfd, nameA.cstr(name), mode, dev));
}
export function symlinkat(target: Uint8Array, dirfd: number, name: Uint8Array): number {
  return ret(c_symlinkat(nameB.cstr(target), dirfd, nameA.cstr(name)));
}
export function linkat(olddirfd: number, oldname: Uint8Array, newdirfd: number, newname: Uint8Array, flags: number): number {
  return ret(c_linkat(olddirfd, nameB.cstr(oldname), newdirfd, nameA.cstr(newname), flags));
}
export function unlinkat(dirfd: number, name: Uint8Array, flags: number): number {
  return ret(c_unlinkat(dirfd, nameA.cstr(name), flags));
}
export function renameat2(olddirfd: number, oldname: Uint8Array, newdirfd: number, newname: Uint8Array, flags: number): number {
  return ret(c_renameat2(olddirfd, nameB.cstr(oldname), newdirfd, nameA.cstr(newname), flags));
}
export function readlinkat(dirfd: number, name: Uint8Array, buf: NativeBuf, len: number): number {
  return ret(c_readlinkat(dirfd, nameA.cstr(name), buf.addr, Math.min(len, buf.size)));
}
export function getdents64(fd: number, buf: NativeBuf, len: number): number {
  return ret(c_getdents64(fd, buf.addr, Math.min(len, buf.size)));
}
export function lseek(fd: number, off: bigint, whence: number): number {
  const r = c_lseek(fd, off, whence);
  const n = typeof r === 'bigint' ? Number(r) : r;
  return n < 0 ? -errno() : n;
}
export function pread(fd: number, buf: NativeBuf, n: number, off: bigint): number {
  return ret(c_pread(fd, buf.addr, Math.min(n, buf.size), off));
}
/** pwrite of `data` (copied into `buf` first). */
export function pwrite(fd: number, buf: NativeBuf, data: Uint8Array, off: bigint): number {
  if (data.length > buf.size) return -EINVAL;
  buf.u8.set(data, 0);
  return ret(c_pwrite(fd, buf.addr, data.length, off));
}
export function fsync(fd: number): number {
  return ret(c_fsync(fd));
}
export function fallocate(fd: number, mode: number, off: bigint, len: bigint): number {
  return ret(c_fallocate(fd, mode, off, len));
}

/* xattrs: the f* call on the FD, or (for O_PATH FDs, where f*xattr is EBADF) the path call on
 * `procPath` ("/proc/self/fd/N", resolved by the kernel to the very file the FD refers to). */
export function getxattr(fd: number, procPath: string, name: Uint8Array, buf: NativeBuf, size: number): number {
  const n = Math.min(size, buf.size);
  const r = ret(c_fgetxattr(fd, nameA.cstr(name), buf.addr, n));
  return r === -EBADF ? ret(c_getxattr(procPath, nameA.addr, buf.addr, n)) : r;
}
export function setxattr(fd: number, procPath: string, name: Uint8Array, value: Uint8Array, buf: NativeBuf, flags: number): number {
  if (value.length > buf.size) return -EINVAL;
  buf.u8.set(value, 0);
  const r = ret(c_fsetxattr(fd, nameA.cstr(name), buf.addr, value.length, flags));
  return r === -EBADF ? ret(c_setxattr(procPath, nameA.addr, buf.addr, value.length, flags)) : r;
}
export function listxattr(fd: number, procPath: string, buf: NativeBuf, size: number): number {
  const n = Math.min(size, buf.size);
  const r = ret(c_flistxattr(fd, buf.addr, n));
  return r === -EBADF ? ret(c_listxattr(procPath, buf.addr, n)) : r;
}
export function removexattr(fd: number, procPath: string, name: Uint8Array): number {
  const r = ret(c_fremovexattr(fd, nameA.cstr(name)));
  return r === -EBADF ? ret(c_removexattr(procPath, nameA.addr)) : r;
}

// ---- sockets ---------------------------------------------------------------------------------

/** Fills the sockaddr_un scratch with `path`; returns its length, or -EINVAL when the path
 * (with its NUL) does not fit in sun_path's 108 bytes. */
function sockaddr(path: Uint8Array): number {
  if (path.length >= 108) return -EINVAL;
  addrBuf.u8.fill(0);
  addrBuf.dv.setUint16(0, AF_UNIX, true);
  addrBuf.u8.set(path, 2);
  return 2 + path.length + 1;
}
export function socket(type: number): number {
  return ret(c_socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
}
export function bindUnix(fd: number, path: Uint8Array): number {
  const n = sockaddr(path);
  return n < 0 ? n : ret(c_bind(fd, addrBuf.addr, n));
}
export function connectUnix(fd: number, path: Uint8Array): number {
  const n = sockaddr(path);
  return n < 0 ? n : ret(c_connect(fd, addrBuf.addr, n));
}
export function listen(fd: number, backlog: number): number {
  return ret(c_listen(fd, backlog));
}
export function accept(fd: number): number {
  return ret(c_accept4(fd, 0, 0, SOCK_CLOEXEC));
}
export function shutdown(fd: number): number {
  return ret(c_shutdown(fd, SHUT_RDWR));
}
/** A connected AF_UNIX pair of `type` (CLOEXEC on both ends): [a, b], or a negative errno. */
export function socketpair(type: number): [number, number] | number {
  const r = c_socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, pairBuf.addr);
  if (r < 0) return -errno();
  return [pairBuf.dv.getInt32(0, true), pairBuf.dv.getInt32(4, true)];
}

export function geteuid(): number {
  return c_geteuid();
}
export function getegid(): number {
  return c_getegid();
}
/** sched_yield(2): lets another runnable thread have this CPU (a spinning channel end calls it
 * so that V8's background compiler and GC threads are not starved on a small host). */
export function schedYield(): void {
  c_sched_yield();
}

let pollBuf: NativeBuf | null = null;
const POLLIN = 1;

/** Polls `fd` for input without sleeping, yielding the CPU between polls, for up to `us`
 * microseconds. Returns true once it is readable (or in error: the read that follows reports
 * it), false when the time ran out (the caller then blocks in its read). A channel end waiting
 * for a reply that is microseconds away answers sooner this way than by sleeping in recvmsg
 * and being woken (the process channel's counterpart of the worker channel's spin). */
export function spinReadable(fd: number, us: number): boolean {
  const b = (pollBuf ??= new NativeBuf(8));
  const until = performance.now() + us / 1000;
  do {
    b.dv.setInt32(0, fd, true);
    b.dv.setInt32(4, POLLIN, true); // events = POLLIN, revents = 0
    if (c_poll(b.addr, 1, 0) !== 0) return true;
    c_sched_yield();
  } while (performance.now() < until);
  return false;
}

export function gettid(): number {
  return c_gettid();
}

/** Sends all of buf[0, n) (send with MSG_NOSIGNAL, looping on short writes and EINTR).
 * Returns 0 or -errno (EPIPE when the peer is gone). */
export function sendAll(fd: number, buf: NativeBuf, n: number): number {
  return sendFrom(fd, buf.addr, n);
}

function sendFrom(fd: number, addr: number, n: number): number {
  let off = 0;
  while (off < n) {
    const r = c_send(fd, addr + off, n - off, MSG_NOSIGNAL);
    if (r < 0) {
      const e = errno();
      if (e === EINTR) continue;
      return -e;
    }
    off += r;
  }
  return 0;
}

/** One recv of at most `max` bytes into buf at `at` (retrying EINTR). Returns the count, 0 on
 * EOF, or -errno. */
export function recvSome(fd: number, buf: NativeBuf, at: number, max: number): number {
  for (;;) {
    const r = c_recv(fd, buf.addr + at, max, 0);
    if (r >= 0) return r;
    const e = errno();
    if (e !== EINTR) return -e;
  }
}

/** Receives exactly n bytes into buf at `at`. Returns n, 0 on EOF before the first byte,
 * -EIO on EOF in the middle, or -errno. */
export function recvAll(fd: number, buf: NativeBuf, at: number, n: number): number {
  let off = 0;
  while (off < n) {
    const r = c_recv(fd, buf.addr + at + off, n - off, 0);
    if (r < 0) {
      const e = errno();
      if (e === EINTR) continue;
      return -e;
    }
    if (r === 0) return off === 0 ? 0 : -EIO;
    off += r;
  }
  return n;
}

const MSGHDR = 56;
const CMSG_HDR = 16;
const MAX_SCM_FDS = 8;
const CTL_SPACE = CMSG_HDR + MAX_SCM_FDS * 4;

/** Scratch for one sendmsg/recvmsg: msghdr, one iovec, control buffer. */
export class MsgScratch {
  private readonly hdr = new NativeBuf(MSGHDR + 16 + CTL_SPACE);
  private get iov(): number {
    return this.hdr.addr + MSGHDR;
  }
  private get ctl(): number {
    return this.hdr.addr + MSGHDR + 16;
  }
  private setup(data: number, len: number, ctlLen: number): void {
    const dv = this.hdr.dv;
    this.hdr.u8.fill(0, 0, MSGHDR + 16);
    dv.setBigUint64(16, BigInt(this.iov), true); // msg_iov
    dv.setBigUint64(24, 1n, true); // msg_iovlen
    dv.setBigUint64(32, ctlLen > 0 ? BigInt(this.ctl) : 0n, true); // msg_control
    dv.setBigUint64(40, BigInt(ctlLen), true); // msg_controllen
    dv.setBigUint64(MSGHDR, BigInt(data), true); // iov_base
    dv.setBigUint64(MSGHDR + 8, BigInt(len), true); // iov_len
  }

  /** sendmsg of buf[0, n) with `fds` as SCM_RIGHTS on the first chunk, then the rest with
   * send. Returns 0 or -errno. */
  sendWithFds(fd: number, buf: NativeBuf, n: number, fds: readonly number[]): number {
    if (fds.length === 0) return sendAll(fd, buf, n);
    if (fds.length > MAX_SCM_FDS) return -EINVAL;
    const space = CMSG_HDR + ((fds.length * 4 + 7) & ~7);
    this.setup(buf.addr, n, space);
    const dv = this.hdr.dv;
    const c = MSGHDR + 16;
    this.hdr.u8.fill(0, c, c + space);
    dv.setBigUint64(c, BigInt(CMSG_HDR + fds.length * 4), true);
    dv.setInt32(c + 8, SOL_SOCKET, true);
    dv.setInt32(c + 12, SCM_RIGHTS, true);
    fds.forEach((f, i) => dv.setInt32(c + CMSG_HDR + i * 4, f, true));
    let r: number;
    for (;;) {
      r = c_sendmsg(fd, this.hdr.addr, MSG_NOSIGNAL);
      if (r < 0 && errno() === EINTR) continue;
      break;
    }
    if (r < 0) return -errno();
    return r < n ? sendFrom(fd, buf.addr + r, n - r) : 0;
  }

  /** One recvmsg of up to `n` bytes into buf at `at`, accepting up to MAX_SCM_FDS donated FDs
   * (received CLOEXEC). Returns {n: bytes (0 = EOF) or -errno, fds}. */
  recvWithFds(fd: number, buf: NativeBuf, at: number, n: number): { n: number; fds: number[]; truncated: boolean } {
    this.setup(buf.addr + at, n, CTL_SPACE);
    let r: number;
    for (;;) {
      r = c_recvmsg(fd, this.hdr.addr, MSG_CMSG_CLOEXEC);
      if (r < 0 && errno() === EINTR) continue;
      break;
    }
    if (r < 0) return { n: -errno(), fds: [], truncated: false };
    const dv = this.hdr.dv;
    const fds: number[] = [];
    const ctlLen = Number(dv.getBigUint64(40, true));
    const flags = dv.getInt32(48, true);
    let c = 0;
    const base = MSGHDR + 16;
    while (c + CMSG_HDR <= ctlLen) {
      const len = Number(dv.getBigUint64(base + c, true));
      if (len < CMSG_HDR || c + len > ctlLen) break;
      if (dv.getInt32(base + c + 8, true) === SOL_SOCKET && dv.getInt32(base + c + 12, true) === SCM_RIGHTS) {
        for (let p = CMSG_HDR; p + 4 <= len; p += 4) fds.push(dv.getInt32(base + c + p, true));
      }
      c += (len + 7) & ~7;
    }
    return { n: r, fds, truncated: (flags & MSG_CTRUNC) !== 0 };
  }
}

/** Exit status of child `pid` if it has exited, without reaping it (waitid WEXITED|WNOHANG|
 * WNOWAIT, so Node's own reaping still works): {code} for an exit, {signal} for a kill, or
 * null while it runs (or when it is not our child). */
export function peekChildExit(pid: number): { code: number | null; signal: number | null } | null {
  infoBuf.u8.fill(0);
  const P_PID = 1;
  const WEXITED = 4;
  const WNOHANG = 1;
  const WNOWAIT = 0x01000000;
  const r = c_waitid(P_PID, pid, infoBuf.addr, WEXITED | WNOHANG | WNOWAIT);
  if (r < 0) return null;
  const dv = infoBuf.dv;
  const pidOut = dv.getInt32(16, true);
  if (pidOut === 0) return null;
  const code = dv.getInt32(8, true); // si_code
  const status = dv.getInt32(24, true); // si_status
  if (code === 1) return { code: status, signal: null }; // CLD_EXITED
  return { code: null, signal: status };
}
