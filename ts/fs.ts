/* fs.ts — the Filesystem API: a host directory mounted through the directfs core, for embedders
 * who want the filesystem without a WASI guest.
 *
 * Owns: `mount()`, the `Filesystem` class (the seed's operations on paths relative to the mount
 * root and on numeric handles), the WASI errno -> JS `FsError` conversion of the public API.
 * Must not: resolve paths itself (the core's walk does), touch host FDs (only openRoot at mount),
 * or cache anything (the core's dentry cache is the cache).
 * Paths are strings (UTF-8) or Uint8Array bytes, relative to the mount root; a leading '/'
 * means the mount root. Errors are FsError with `code` ('ENOENT', ...), `path` and `syscall`.
 */

import { loadCore, type Core, type CoreExports } from './core/loader.js';
import { openRoot, defaultHostFdBudget } from './host/hostfd.js';
import { LisafsClient } from './lisafs/client.js';
import { WFS_INIT_SHARED, WFS_MEM_CORE, WFS_X_EMPTY_PATH, WFS_X_FOLLOW } from './core/abi.js';
import { CorruptionError, ImageError, decodeImage, encodeImage, type ImageHeader } from './checkpoint/image.js';

/** The wfs_x_* exports of wfs.h (Filesystem API extensions). */
interface XExports {
  wfs_x_open(fd: number, flags: number, len1: number, oflags: number, mode: number): number;
  wfs_x_stat(fd: number, flags: number, len1: number): number;
  wfs_x_chmod(fd: number, flags: number, len1: number, mode: number): number;
  wfs_x_chown(fd: number, flags: number, len1: number, uid: number, gid: number): number;
  wfs_x_utimens(fd: number, flags: number, len1: number, atime: bigint, mtime: bigint, which: number): number;
  wfs_x_truncate(fd: number, flags: number, len1: number, size: bigint): number;
  wfs_x_mkdir(fd: number, len1: number, mode: number): number;
  wfs_x_mknod(fd: number, len1: number, mode: number, dev: number): number;
  wfs_x_rename(fd: number, len1: number, newfd: number, len2: number, flags: number): number;
  wfs_x_statfs(fd: number, flags: number, len1: number): number;
  wfs_x_getxattr(fd: number, flags: number, len1: number, len2: number, size: number): number;
  wfs_x_setxattr(fd: number, flags: number, len1: number, len2: number, vlen: number, xflags: number): number;
  wfs_x_listxattr(fd: number, flags: number, len1: number, size: number): number;
  wfs_x_removexattr(fd: number, flags: number, len1: number, len2: number): number;
  wfs_x_allocate(fd: number, mode: number, off: bigint, len: bigint): number;
  wfs_x_set_owner(uid: number, gid: number): number;
  wfs_checkpoint(): number;
  wfs_restore_buffer(len: number): number;
  wfs_restore(rootsAddr: number, nRoots: number, check: number): number;
  wfs_x_setstat(fd: number, flags: number, len1: number, mask: number, mode: number, uid: number, gid: number,
    size: bigint, atime: bigint, mtime: bigint): number;
}

/** Attributes for setStat(); each one present is applied (times in ns since the epoch or 'now'). */
export interface SetStatAttrs {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number | bigint;
  atimeNs?: bigint | 'now';
  mtimeNs?: bigint | 'now';
}

/** Result of setStat(): which attributes failed (STATX_* bits) and the last failure. */
export interface SetStatResult {
  failureMask: number;
  error: FsError | null;
}

export const STATX_MODE = 0x2, STATX_UID = 0x8, STATX_GID = 0x10, STATX_ATIME = 0x20, STATX_MTIME = 0x40,
  STATX_SIZE = 0x200;

/** WASI errno -> the Linux-style code the public API reports (one table; unknown -> EIO). */
const ERRNO_CODES: Readonly<Record<number, string>> = {
  1: 'E2BIG', 2: 'EACCES', 6: 'EAGAIN', 8: 'EBADF', 10: 'EBUSY', 20: 'EEXIST', 21: 'EFAULT', 22: 'EFBIG',
  25: 'EILSEQ', 27: 'EINTR', 28: 'EINVAL', 29: 'EIO', 31: 'EISDIR', 32: 'ELOOP', 33: 'EMFILE', 34: 'EMLINK',
  37: 'ENAMETOOLONG', 41: 'ENFILE', 43: 'ENODEV', 44: 'ENOENT', 48: 'ENOMEM', 51: 'ENOSPC', 52: 'ENOSYS',
  54: 'ENOTDIR', 55: 'ENOTEMPTY', 57: 'ENOTSOCK', 58: 'EOPNOTSUPP', 59: 'ENOTTY', 60: 'ENXIO', 61: 'EOVERFLOW',
  63: 'EPERM', 64: 'EPIPE', 68: 'ERANGE', 69: 'EROFS', 70: 'ESPIPE', 72: 'ESTALE', 73: 'ETIMEDOUT',
  74: 'ETXTBSY', 75: 'EXDEV', 76: 'ENOTCAPABLE', 19: 'EDQUOT', 1061: 'ENODATA',
};

export function errnoCode(errno: number): string {
  return ERRNO_CODES[errno] ?? 'EIO';
}

/** An error of the Filesystem API: `code` ('ENOENT', ...), the WASI `errno`, the `path` and the
 * operation (`syscall`). */
export class FsError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly path: string;
  readonly syscall: string;
  constructor(errno: number, syscall: string, path: string, detail?: string) {
    const code = errnoCode(errno);
    super(`${code}: ${syscall} '${path}'${detail ? `: ${detail}` : ''}`);
    this.name = 'FsError';
    this.code = code;
    this.errno = errno;
    this.path = path;
    this.syscall = syscall;
  }
}

export interface Stats {
  dev: number;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: bigint;
  blksize: number;
  blocks: bigint;
  /** Nanoseconds since the epoch. */
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface StatFs {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  namelen: bigint;
}

export interface DirEntry {
  name: string;
  /** The exact bytes of the name (names need not be UTF-8). */
  nameBytes: Uint8Array;
  ino: bigint;
  /** WASI filetype: 3 directory, 4 regular file, 7 symlink, ... */
  type: number;
}

export interface MountOptions {
  /** Mount read-only: every write right is dropped (writes fail with ENOTCAPABLE). */
  readonly?: boolean;
  /** 'exclusive' (default): the cache is authoritative. 'shared': revalidate on every walk. */
  interop?: 'exclusive' | 'shared';
  limits?: { maxFds?: number; maxDentries?: number; hostFdBudget?: number };
  /** 'directfs' (default): the core opens host files itself, relative to the mount root's FD.
   * 'lisafs': every operation goes to a gofer (file server) that owns the host files. */
  mode?: 'directfs' | 'lisafs';
  /** Where the gofer runs: a 'worker' thread (default) or a child 'process'. lisafs mode: the
   * file server of every operation; directfs mode: the fallback gofer, started on the first
   * operation directfs cannot do itself (xattrs on symlinks and sockets, ...). */
  gofer?: 'worker' | 'process';
}

/** Counters of the core (wfs_stat_counter), for tests and the benchmark. */
export interface Counters {
  syscalls: number;
  hits: number;
  misses: number;
  dentries: number;
  dentryFds: number;
  evictions: number;
  rpcs: number;
  hostFds: number;
}

// Linux open flags accepted by open()
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000,
  O_APPEND = 0o2000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000;
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
const FLAG_STRINGS: Readonly<Record<string, number>> = {
  r: O_RDONLY, 'r+': O_RDWR, w: O_WRONLY | O_CREAT | O_TRUNC, 'w+': O_RDWR | O_CREAT | O_TRUNC,
  wx: O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 'wx+': O_RDWR | O_CREAT | O_TRUNC | O_EXCL,
  a: O_WRONLY | O_CREAT | O_APPEND, 'a+': O_RDWR | O_CREAT | O_APPEND, ax: O_WRONLY | O_CREAT | O_APPEND | O_EXCL,
};

type PathLike = string | Uint8Array;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** (atime, mtime, fstflags) for wfs_x_utimens: null keeps a time, 'now' sets the current time. */
function times(a: bigint | null | 'now', m: bigint | null | 'now'): [bigint, bigint, number] {
  const which = (a === 'now' ? 2 : a === null ? 0 : 1) | (m === 'now' ? 8 : m === null ? 0 : 4);
  return [typeof a === 'bigint' ? a : 0n, typeof m === 'bigint' ? m : 0n, which];
}

/** A path as text for error messages (bytes decoded, not joined as numbers). */
function show(p: PathLike): string {
  return typeof p === 'string' ? p : dec.decode(p);
}

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;

/** The mode and gofer default to WASI_DIRECTFS_MODE / WASI_DIRECTFS_GOFER when the options do not
 * say (so a whole test suite or application can be switched to lisafs without code changes). */
export function withEnvDefaults<T extends { mode?: 'directfs' | 'lisafs'; gofer?: 'worker' | 'process' }>(o: T): T {
  const mode = o.mode ?? process.env['WASI_DIRECTFS_MODE'];
  const gofer = o.gofer ?? process.env['WASI_DIRECTFS_GOFER'];
  const out = { ...o };
  if (mode === 'lisafs' || mode === 'directfs') out.mode = mode;
  if (out.mode === 'lisafs' && (gofer === 'worker' || gofer === 'process')) out.gofer = gofer;
  return out;
}

/** A mounted host directory. Not thread-safe: one Filesystem per thread. */
export class Filesystem {
  private readonly core: Core;
  private readonly x: CoreExports & XExports;
  private readonly root: number;
  private closed = false;
  readonly hostDir: string;

  private readonly options: MountOptions;
  private client: LisafsClient | null = null;

  /** Use mount() or Filesystem.restore(). With `image`, restores it instead of mounting afresh. */
  constructor(hostDir: string, options: MountOptions = {}, image?: { core: Uint8Array; check: number }) {
    this.hostDir = hostDir;
    this.options = withEnvDefaults(options);
    options = this.options;
    this.core = loadCore({ lisafs: options.mode === 'lisafs' });
    this.core.mountPaths = [hostDir]; // mount id 0: the fallback gofer's directory (directfs)
    if (options.gofer) this.core.goferChannel = options.gofer;
    this.x = this.core.x as CoreExports & XExports;
    const l = options.limits ?? {};
    const e = this.x.wfs_init(options.interop === 'shared' ? WFS_INIT_SHARED : 0, l.maxFds ?? 0, l.maxDentries ?? 0, l.hostFdBudget ?? defaultHostFdBudget(options.mode ?? 'directfs'));
    if (e) throw new FsError(e, 'mount', hostDir, 'core initialisation failed');
    try {
      if (image) {
        this.restoreCore(image.core, image.check);
        this.root = 0;
        return;
      }
      const hostFd = this.openRootFd(); // throws with code and path
      const name = this.core.setPath1(enc.encode('/'));
      const pe = this.x.wfs_preopen(hostFd, name, options.readonly ? 1 : 0); // owns hostFd from here
      if (pe) throw new FsError(pe, 'mount', hostDir);
      this.root = this.core.r32(0);
    } catch (err) {
      this.x.wfs_shutdown(); // a failed mount or restore keeps no host FD
      this.core.closeGofers();
      this.client?.disconnect();
      throw err;
    }
  }

  /** Restores a core image: the mount root is opened again by path (the only path-based open),
   * then every saved file is re-opened by name from its parent and validated. */
  /** The mount root as the core sees it: a host FD (directfs; the only path-based open), or the
   * virtual FD of a gofer's Mount reply (lisafs: this process never opens the host path). */
  private openRootFd(): number {
    const gofer = this.core.gofer;
    try {
      if (!gofer) return openRoot(this.hostDir);
      this.client = LisafsClient.connect({ channel: this.options.gofer ?? 'worker', root: this.hostDir });
      return gofer.mount(this.client);
    } catch (e) {
      // The host's or the gofer's errno (ENOENT, ENOTDIR, EACCES, ...), as a WASI code.
      const code = (e as { code?: string }).code;
      const errno = Object.entries(ERRNO_CODES).find(([, c]) => c === code)?.[0];
      throw new FsError(errno ? Number(errno) : 29, 'mount', this.hostDir, (e as Error).message);
    }
  }

  private restoreCore(img: Uint8Array, check: number): void {
    const hostFd = this.openRootFd();
    this.check(this.x.wfs_restore_buffer(img.length), 'restore', this.hostDir);
    const at = this.core.r32(0);
    this.core.sync();
    this.core.u8.set(img, at);
    this.core.dv.setInt32(this.core.path2Addr, hostFd, true);
    const e = this.x.wfs_restore(this.core.path2Addr, 1, check);
    if (e === 1000) {
      this.core.sync();
      const parts = dec.decode(this.core.data(this.core.r32(0))).split('\0');
      throw new CorruptionError(parts[0] ?? '?', parts[1] ?? '?', parts[2] ?? '?', parts[3] ?? '?');
    }
    if (e === 28) throw new ImageError('the core part of the image is malformed');
    this.check(e, 'restore', this.hostDir);
  }

  /** A versioned, checksummed image of the mount's state (open handles with their offsets and
   * rights, the dentries they need, inode numbers, contents of files deleted while open). It
   * names the host directory, never a host FD. */
  checkpoint(): Uint8Array {
    this.live();
    this.check(this.x.wfs_checkpoint(), 'checkpoint', this.hostDir);
    const at = this.core.r32(0);
    const len = this.core.r32(1);
    this.core.sync();
    const core = this.core.u8.slice(at, at + len);
    const header: ImageHeader = {
      kind: 'filesystem', mounts: [{ host: this.hostDir, guest: '/', readonly: !!this.options.readonly }],
      interop: this.options.interop ?? 'exclusive', createdAt: new Date().toISOString(),
    };
    return encodeImage(header, { core });
  }

  /** Restores an image made by checkpoint(): mounts its host directory again, re-opens every
   * handle and checks the host still matches (file types always; regular files' size and mtime
   * and every file's identity unless switched off). Throws ImageError for a bad image (before
   * opening anything) and CorruptionError naming the path, field, saved and current value. */
  static restore(image: Uint8Array, opts: { validate?: { size?: boolean; mtime?: boolean; identity?: boolean }; limits?: MountOptions['limits']; mode?: MountOptions['mode']; gofer?: MountOptions['gofer'] } = {}): Filesystem {
    const { header, sections } = decodeImage(image);
    const core = sections.get('core');
    if (!core) throw new ImageError('no core section');
    const m = header.mounts[0];
    if (!m || header.mounts.length !== 1) throw new ImageError(`a Filesystem image has one mount, this one has ${header.mounts.length}`);
    const v = opts.validate ?? {};
    const check = (v.size === false ? 0 : 1) | (v.mtime === false ? 0 : 2) | (v.identity === false ? 0 : 4);
    const options: MountOptions = { readonly: m.readonly, interop: header.interop === 'shared' ? 'shared' : 'exclusive' };
    if (opts.mode) options.mode = opts.mode;
    if (opts.gofer) options.gofer = opts.gofer;
    if (opts.limits) options.limits = opts.limits;
    return new Filesystem(m.host, options, { core, check });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private live(): void {
    if (this.closed) throw new FsError(8, 'use', this.hostDir, 'the filesystem is unmounted');
  }

  /** A handle from open(): a guest fd of the core other than the mount root's own. */
  private handle(h: number, syscall: string): number {
    this.live();
    if (!Number.isSafeInteger(h) || h < 0 || h > 0x7fffffff || h === this.root) throw new FsError(8, syscall, `handle ${h}`, 'not a handle returned by open()');
    return h;
  }

  /** Copies a path into path1 (or path2); returns its length. "" and "/" mean the root ("."). */
  private path(p: PathLike, second = false): number {
    this.live();
    let bytes = typeof p === 'string' ? enc.encode(p) : p;
    let i = 0;
    while (i < bytes.length && bytes[i] === 0x2f) i++;
    bytes = i === bytes.length ? enc.encode('.') : bytes.subarray(i);
    if (bytes.length > this.core.pathMax) throw new FsError(37, 'path', show(p));
    return second ? this.core.setPath2(bytes) : this.core.setPath1(bytes);
  }

  private check(e: number, syscall: string, p: PathLike | number): void {
    if (e === 0) {
      this.core.lisafsMessage = '';
      return;
    }
    const where = typeof p === 'number' ? `handle ${p}` : typeof p === 'string' ? p : dec.decode(p);
    // ENOTSUP or EIO from the gofer: why (e.g. "the file server exited (status 137), ...").
    const detail = (e === 58 || e === 29) && this.core.lisafsMessage ? this.core.lisafsMessage : undefined;
    this.core.lisafsMessage = ''; /* a note belongs to the call that made it */
    throw new FsError(e, syscall, where, detail);
  }

  private stats(): Stats {
    const o = this.core.out(112);
    const v = new DataView(o.buffer, o.byteOffset, o.byteLength);
    const u = (i: number) => v.getBigUint64(i, true);
    const mode = Number(u(16));
    return {
      dev: Number(u(0)), ino: u(8), mode, nlink: Number(u(24)), uid: Number(u(32)), gid: Number(u(40)),
      rdev: Number(u(48)), size: u(56), blksize: Number(u(64)), blocks: u(72), atimeNs: v.getBigInt64(80, true),
      mtimeNs: v.getBigInt64(88, true), ctimeNs: v.getBigInt64(96, true), birthtimeNs: v.getBigInt64(104, true),
      isFile: () => (mode & S_IFMT) === S_IFREG,
      isDirectory: () => (mode & S_IFMT) === S_IFDIR,
      isSymbolicLink: () => (mode & S_IFMT) === S_IFLNK,
    };
  }

  // ---- metadata ----------------------------------------------------------------------------------

  /** stat (follows a final symlink unless follow is false). Errors: ENOENT, ENOTDIR, ELOOP, ENOTCAPABLE. */
  stat(p: PathLike, opts: { follow?: boolean } = {}): Stats {
    const n = this.path(p);
    this.check(this.x.wfs_x_stat(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n), 'stat', p);
    return this.stats();
  }

  lstat(p: PathLike): Stats {
    const n = this.path(p);
    this.check(this.x.wfs_x_stat(this.root, 0, n), 'lstat', p);
    return this.stats();
  }

  fstat(h: number): Stats {
    this.handle(h, 'fstat');
    this.check(this.x.wfs_x_stat(h, WFS_X_EMPTY_PATH, 0), 'fstat', h);
    return this.stats();
  }

  /** Errors: EOPNOTSUPP (symlinks), ENOENT, EPERM. */
  chmod(p: PathLike, mode: number, opts: { follow?: boolean } = {}): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_chmod(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, mode), 'chmod', p);
  }

  fchmod(h: number, mode: number): void {
    this.handle(h, 'fchmod');
    this.check(this.x.wfs_x_chmod(h, WFS_X_EMPTY_PATH, 0, mode), 'fchmod', h);
  }

  /** -1 keeps an id. Never follows a final symlink unless follow is true. */
  chown(p: PathLike, uid: number, gid: number, opts: { follow?: boolean } = {}): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_chown(this.root, opts.follow ? WFS_X_FOLLOW : 0, n, uid, gid), 'chown', p);
  }

  /** Times in ns since the epoch; null keeps one, 'now' sets it to the current time. */
  utimes(p: PathLike, atimeNs: bigint | null | 'now', mtimeNs: bigint | null | 'now', opts: { follow?: boolean } = {}): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_utimens(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, ...times(atimeNs, mtimeNs)), 'utimes', p);
  }

  futimes(h: number, atimeNs: bigint | null | 'now', mtimeNs: bigint | null | 'now'): void {
    this.handle(h, 'futimes');
    this.check(this.x.wfs_x_utimens(h, WFS_X_EMPTY_PATH, 0, ...times(atimeNs, mtimeNs)), 'futimes', h);
  }

  /** The seed's setStat: applies mode, size, times, then uid/gid; a failing step does not stop
   * the others. Throws only when nothing could be attempted (resolution errors, EPERM for a
   * read-only mount, EISDIR/EINVAL for a size on a non-file). */
  setStat(p: PathLike, attrs: SetStatAttrs, opts: { follow?: boolean } = {}): SetStatResult {
    const n = this.path(p);
    let mask = 0;
    if (attrs.mode !== undefined) mask |= STATX_MODE;
    if (attrs.uid !== undefined) mask |= STATX_UID;
    if (attrs.gid !== undefined) mask |= STATX_GID;
    if (attrs.size !== undefined) mask |= STATX_SIZE;
    if (attrs.atimeNs !== undefined) mask |= STATX_ATIME;
    if (attrs.mtimeNs !== undefined) mask |= STATX_MTIME;
    const t = (x: bigint | 'now' | undefined) => (x === undefined ? 0n : x === 'now' ? -2n : x);
    this.check(this.x.wfs_x_setstat(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, mask, attrs.mode ?? 0,
      attrs.uid ?? -1, attrs.gid ?? -1, BigInt(attrs.size ?? 0), t(attrs.atimeNs), t(attrs.mtimeNs)), 'setStat', p);
    const failureMask = this.core.r32(0);
    const errno = this.core.r32(1);
    return { failureMask, error: failureMask ? new FsError(errno, 'setStat', typeof p === 'string' ? p : dec.decode(p)) : null };
  }

  /** Owner (uid, gid; -1 keeps the process's) given to every file, directory and symlink created
   * from now on — the seed's creation credentials. A creation whose chown fails is undone. */
  setOwner(uid: number, gid: number): void {
    this.live();
    this.check(this.x.wfs_x_set_owner(uid, gid), 'setOwner', this.hostDir);
  }

  truncate(p: PathLike, size: number | bigint): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_truncate(this.root, WFS_X_FOLLOW, n, BigInt(size)), 'truncate', p);
  }

  ftruncate(h: number, size: number | bigint): void {
    this.handle(h, 'ftruncate');
    this.check(this.x.wfs_fd_filestat_set_size(h, BigInt(size)), 'ftruncate', h);
  }

  statfs(p: PathLike = '/'): StatFs {
    const n = this.path(p);
    this.check(this.x.wfs_x_statfs(this.root, WFS_X_FOLLOW, n), 'statfs', p);
    const o = this.core.out(64);
    const v = new DataView(o.buffer, o.byteOffset, o.byteLength);
    const u = (i: number) => v.getBigUint64(i * 8, true);
    return { type: u(0), bsize: u(1), blocks: u(2), bfree: u(3), bavail: u(4), files: u(5), ffree: u(6), namelen: u(7) };
  }

  // ---- directories and names -------------------------------------------------------------------

  mkdir(p: PathLike, mode = 0o777): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_mkdir(this.root, n, mode), 'mkdir', p);
  }

  rmdir(p: PathLike): void {
    const n = this.path(p);
    this.check(this.x.wfs_path_remove_directory(this.root, n), 'rmdir', p);
  }

  unlink(p: PathLike): void {
    const n = this.path(p);
    this.check(this.x.wfs_path_unlink_file(this.root, n), 'unlink', p);
  }

  /** flags: RENAME_NOREPLACE, RENAME_EXCHANGE (renameat2). */
  rename(from: PathLike, to: PathLike, flags = 0): void {
    const n1 = this.path(from);
    const n2 = this.path(to, true);
    this.check(this.x.wfs_x_rename(this.root, n1, this.root, n2, flags), 'rename', from);
  }

  /** Hard link; never follows a final symlink of `existing`. */
  link(existing: PathLike, newPath: PathLike): void {
    const n1 = this.path(existing);
    const n2 = this.path(newPath, true);
    this.check(this.x.wfs_path_link(this.root, 0, n1, this.root, n2), 'link', newPath);
  }

  /** Creates `p` as a symlink to `target` (relative targets only: absolute ones are ENOTCAPABLE). */
  symlink(target: PathLike, p: PathLike): void {
    this.live();
    const t = typeof target === 'string' ? enc.encode(target) : target;
    if (t.length > this.core.pathMax) throw new FsError(37, 'symlink', show(p));
    const n1 = this.core.setPath1(t);
    const n2 = this.path(p, true);
    this.check(this.x.wfs_path_symlink(n1, this.root, n2), 'symlink', p);
  }

  readlink(p: PathLike): string {
    return dec.decode(this.readlinkBytes(p));
  }

  readlinkBytes(p: PathLike): Uint8Array {
    const n = this.path(p);
    this.check(this.x.wfs_path_readlink(this.root, n, this.core.dataMax), 'readlink', p);
    return this.core.data(this.core.r32(0)).slice();
  }

  /** Only regular files (the seed's mknod: other types are EPERM). */
  mknod(p: PathLike, mode: number, dev = 0): void {
    const n = this.path(p);
    this.check(this.x.wfs_x_mknod(this.root, n, mode, dev), 'mknod', p);
  }

  /** Entries of a directory, "." and ".." first, in the host's order. */
  readdir(p: PathLike = '/'): DirEntry[] {
    const h = this.open(p, O_RDONLY | O_DIRECTORY);
    try {
      const out: DirEntry[] = [];
      let cookie = 0n;
      for (;;) {
        const cap = this.core.dataMax;
        this.check(this.x.wfs_fd_readdir(h, cookie, cap), 'readdir', p);
        const used = Math.min(this.core.r32(0), cap + 4096);
        const next = this.core.rBig(1);
        const eof = this.core.r32(2) !== 0;
        const buf = this.core.data(used).slice();
        const v = new DataView(buf.buffer);
        for (let off = 0; off + 24 <= used;) {
          const len = v.getUint32(off + 16, true);
          if (off + 24 + len > used) break;
          const nameBytes = buf.slice(off + 24, off + 24 + len);
          out.push({ name: dec.decode(nameBytes), nameBytes, ino: v.getBigUint64(off + 8, true), type: buf[off + 20]! });
          off += 24 + len;
        }
        if (eof) break;
        cookie = next;
      }
      return out;
    } finally {
      this.close(h);
    }
  }

  // ---- xattrs ------------------------------------------------------------------------------------

  private xname(name: string): number {
    const b = enc.encode(name);
    if (b.length > 255) throw new FsError(68, 'xattr', name);
    return this.core.setPath2(b);
  }

  /** Errors: ENODATA (absent), ERANGE, ENOTSUP (the filesystem has none); on symlinks and sockets
   * (no usable host FD) the gofer answers: EPERM for user.* on a symlink, as Linux. */
  getxattr(p: PathLike, name: string, opts: { follow?: boolean } = {}): Uint8Array {
    const n = this.path(p);
    const n2 = this.xname(name);
    this.check(this.x.wfs_x_getxattr(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, n2, this.core.dataMax), 'getxattr', p);
    return this.core.data(this.core.r32(0)).slice();
  }

  /** flags: 1 XATTR_CREATE, 2 XATTR_REPLACE. */
  setxattr(p: PathLike, name: string, value: Uint8Array | string, flags = 0, opts: { follow?: boolean } = {}): void {
    const n = this.path(p);
    const n2 = this.xname(name);
    const v = typeof value === 'string' ? enc.encode(value) : value;
    if (v.length > this.core.dataMax) throw new FsError(1, 'setxattr', show(p));
    this.core.sync();
    this.core.u8.set(v, this.core.dataAddr);
    this.check(this.x.wfs_x_setxattr(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, n2, v.length, flags), 'setxattr', p);
  }

  listxattr(p: PathLike, opts: { follow?: boolean } = {}): string[] {
    const n = this.path(p);
    this.check(this.x.wfs_x_listxattr(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, this.core.dataMax), 'listxattr', p);
    const s = dec.decode(this.core.data(this.core.r32(0)));
    return s.split('\0').filter((x) => x.length > 0);
  }

  removexattr(p: PathLike, name: string, opts: { follow?: boolean } = {}): void {
    const n = this.path(p);
    const n2 = this.xname(name);
    this.check(this.x.wfs_x_removexattr(this.root, opts.follow === false ? 0 : WFS_X_FOLLOW, n, n2), 'removexattr', p);
  }

  // ---- handles -----------------------------------------------------------------------------------

  /** Opens a handle. flags: Linux O_* bits or 'r', 'r+', 'w', 'w+', 'wx', 'a', 'a+'. Follows a
   * final symlink unless O_NOFOLLOW (then ELOOP). Errors: ENOENT, EEXIST, EISDIR, ENOTDIR, ELOOP,
   * EACCES, EMFILE, ENOTCAPABLE. */
  open(p: PathLike, flags: number | string = O_RDONLY, mode = 0o666): number {
    const f = typeof flags === 'string' ? FLAG_STRINGS[flags] : flags;
    if (f === undefined) throw new FsError(28, 'open', show(p), `unknown flags '${String(flags)}'`);
    const n = this.path(p);
    this.check(this.x.wfs_x_open(this.root, 0, n, f, mode), 'open', p);
    return this.core.r32(0);
  }

  close(h: number): void {
    this.handle(h, 'close');
    this.check(this.x.wfs_fd_close(h), 'close', h);
  }

  /** Reads into buf (at the handle's position, or at `position`); returns bytes read (0 at EOF). */
  read(h: number, buf: Uint8Array, position?: number | bigint): number {
    this.handle(h, 'read');
    let done = 0;
    while (done < buf.length) {
      const len = Math.min(buf.length - done, this.core.dataMax);
      this.setIov(len);
      const e = position === undefined
        ? this.x.wfs_fd_read(h, WFS_MEM_CORE, 1)
        : this.x.wfs_fd_pread(h, WFS_MEM_CORE, 1, BigInt(position) + BigInt(done));
      this.check(e, 'read', h);
      const n = this.core.r32(0);
      buf.set(this.core.data(n), done);
      done += n;
      if (n < len) break;
    }
    return done;
  }

  /** Writes buf (at the handle's position, the end with O_APPEND, or `position`). */
  write(h: number, buf: Uint8Array | string, position?: number | bigint): number {
    this.handle(h, 'write');
    const b = typeof buf === 'string' ? enc.encode(buf) : buf;
    let done = 0;
    do {
      const len = Math.min(b.length - done, this.core.dataMax);
      this.core.sync();
      this.core.u8.set(b.subarray(done, done + len), this.core.dataAddr);
      this.setIov(len);
      const e = position === undefined
        ? this.x.wfs_fd_write(h, WFS_MEM_CORE, 1)
        : this.x.wfs_fd_pwrite(h, WFS_MEM_CORE, 1, BigInt(position) + BigInt(done));
      this.check(e, 'write', h);
      const n = this.core.r32(0);
      done += n;
      if (n < len) break;
    } while (done < b.length);
    return done;
  }

  private setIov(len: number): void {
    this.core.sync();
    this.core.dv.setUint32(this.core.iovsAddr, this.core.dataAddr, true);
    this.core.dv.setUint32(this.core.iovsAddr + 4, len, true);
  }

  /** whence: 0 SET, 1 CUR, 2 END. Returns the new position. */
  seek(h: number, offset: number | bigint, whence = 0): bigint {
    this.handle(h, 'seek');
    this.check(this.x.wfs_fd_seek(h, BigInt(offset), whence), 'seek', h);
    return this.core.rBig(0);
  }

  fsync(h: number): void {
    this.handle(h, 'fsync');
    this.check(this.x.wfs_fd_sync(h), 'fsync', h);
  }

  fdatasync(h: number): void {
    this.handle(h, 'fdatasync');
    this.check(this.x.wfs_fd_datasync(h), 'fdatasync', h);
  }

  /** fallocate(mode, offset, length); mode 0 grows the file like posix_fallocate. */
  fallocate(h: number, offset: number | bigint, length: number | bigint, mode = 0): void {
    this.handle(h, 'fallocate');
    this.check(this.x.wfs_x_allocate(h, mode, BigInt(offset), BigInt(length)), 'fallocate', h);
  }

  readFile(p: PathLike): Uint8Array {
    const h = this.open(p, O_RDONLY);
    try {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const b = new Uint8Array(65536);
        const n = this.read(h, b);
        if (n === 0) break;
        chunks.push(b.subarray(0, n));
        total += n;
      }
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    } finally {
      this.close(h);
    }
  }

  writeFile(p: PathLike, data: Uint8Array | string, mode = 0o666): void {
    const h = this.open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    try {
      this.write(h, data);
    } finally {
      this.close(h);
    }
  }

  // ---- life cycle --------------------------------------------------------------------------------

  counters(): Counters {
    const c = this.core.counters();
    return {
      syscalls: c[0]!, hits: c[1]!, misses: c[2]!, dentries: c[3]!, dentryFds: c[4]!, evictions: c[5]!, rpcs: c[6]!,
      hostFds: c[7]!,
    };
  }

  /** Releases every host FD the mount holds. Further calls throw EBADF. */
  unmount(): void {
    if (this.closed) return;
    this.closed = true;
    this.x.wfs_shutdown();
    this.core.closeGofers();
    this.client?.disconnect();
  }

  /** This mount's gofer connection: lisafs mode's file server, or directfs mode's fallback gofer
   * once a fallback started it (null before, and in directfs mode without one). For diagnostics
   * and tests: its `rpcCounts` per message, its transport (the process gofer's pid). */
  get lisafs(): LisafsClient | null {
    return this.client ?? this.core.fallbackMounts.get(0)?.c ?? null;
  }

  /** lisafs mode: RPCs sent to the gofer so far (0 in directfs mode). */
  get rpcs(): number {
    return this.core.gofer?.stats.rpcs ?? 0;
  }
}

/** Mounts `hostDir` (opened once, O_DIRECTORY; every later access is relative to that FD). */
export function mount(hostDir: string, options: MountOptions = {}): Filesystem {
  return new Filesystem(hostDir, options);
}
