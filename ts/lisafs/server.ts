/* server.ts — the gofer: a lisafs file server over one host directory.
 *
 * Owns:
 *  - `GoferServer`: the mount root (the one path-based open of a mount, O_RDONLY|O_DIRECTORY|
 *    O_CLOEXEC through ts/host/hostfd.ts openRoot) and a directory FD on /proc/self/fd (as
 *    runsc's gofer keeps one) used to re-open files with new flags and to name an FD's file for
 *    the calls that need a path (bind, connect, linkat, xattrs on O_PATH FDs);
 *  - `GoferConnection`: one client's FD table (FDIDs from 1, never reused) of control FDs, open
 *    FDs and bound-socket FDs, each owning one host FD; `handle(mid, payload)` decodes the request
 *    with the message table, runs its handler (real syscalls through ./sys.ts, relative to the
 *    parent's host FD, O_NOFOLLOW|O_CLOEXEC on every open by name) and encodes the reply (the
 *    hot replies, FStat, Walk, WalkOpen, OpenCreateAt and the two Getdents64, are written by
 *    their handlers straight from the kernel's bytes: `Encoded`; the gofer tests decode them
 *    with the message table).
 *
 * Must never:
 *  - name a host file by path other than the mount root, /proc/self/fd, and "/proc/self/fd/N"
 *    for an FD it holds (the magic link reaches that very file and is not followed further, so
 *    a symlink FD acts on the link itself; tested). Names from the client are single components:
 *    non-empty, no '/', not '.' or '..', no NUL — EINVAL otherwise;
 *  - throw out of `handle`: a malformed request is EIO, an unknown MID EOPNOTSUPP, a bad FDID
 *    EBADF, a host failure its errno, an unexpected exception EREMOTEIO (gVisor's handler panic);
 *  - keep a host FD after the RPC that made it failed (every handler cleans up on error).
 *
 * Donated FDs: a Reply's `fds` are host FDs made for the client (dups, or an accepted/connected
 * socket); the channel hands them over (SCM_RIGHTS, then closes its copies; or by number in the
 * worker channel, where the client then owns them).
 */

import { openRoot } from '../host/hostfd.js';
import {
  MESSAGES, NAME_BY_MID, MAX_MESSAGE_SIZE, NO_ID, SETSTAT_ALLOWED, SETSTAT_MODE, SETSTAT_UID, SETSTAT_GID,
  SETSTAT_SIZE, SETSTAT_ATIME, SETSTAT_MTIME, WALK_SUCCESS, WALK_COMPONENT_DOES_NOT_EXIST, WALK_COMPONENT_SYMLINK,
  Statx, decode, Encoder, LisafsEncodeError,
} from './messages.js';
import type { Desc, MessageName, RequestName, Req, Resp, Value } from './messages.js';
import * as sys from './sys.js';
import {
  EPERM, ENOENT, EIO, ENXIO, EBADF, ENOTDIR, EISDIR, EINVAL, EMFILE, ERANGE, EPROTOTYPE, EOPNOTSUPP, ENOBUFS,
  EREMOTEIO, O_RDONLY, O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_PATH,
  AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK,
  S_IFDIR, S_IFCHR, S_IFIFO, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SEEK_SET, F_SETFL,
} from './sys.js';

type StatxV = Value<typeof Statx>;

/** A host failure carried to the Error reply. */
export class Errno extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

/** r, or throws Errno(-r) for a negative result. */
function ok(r: number): number {
  if (r < 0) throw new Errno(-r);
  return r;
}

/** Most entries one connection's FD table may hold (EMFILE beyond). */
export const MAX_FDS_PER_CONNECTION = 65536;

/** One reply: its MID (the request's, or 0 for Error), payload, and host FDs to donate. */
export interface Reply {
  mid: number;
  /** Valid until the connection handles its next request (the channel sends it at once). */
  payload: Uint8Array;
  fds: number[];
}

const EMPTY = new Uint8Array(0);
const DOT = 0x2e;
/** linux_dirent64 d_type values. */
const DT_UNKNOWN = 0;
const DT_DIR = 4;
const SLASH = 0x2f;

/** Checks a single path component (reference §1.4): EINVAL unless non-empty, without '/' or
 * NUL, and not '.' or '..'. */
export function checkName(b: Uint8Array): void {
  if (b.length === 0) throw new Errno(EINVAL);
  if (b.length === 1 && b[0] === DOT) throw new Errno(EINVAL);
  if (b.length === 2 && b[0] === DOT && b[1] === DOT) throw new Errno(EINVAL);
  for (let i = 0; i < b.length; i++) if (b[i] === SLASH || b[i] === 0) throw new Errno(EINVAL);
}

function noNul(b: Uint8Array): void {
  if (b.indexOf(0) >= 0) throw new Errno(EINVAL);
}

const ascii = (s: string): Uint8Array => sys.bytesOf(s);
/** A Getdents64Stat reply with no entries and end 0 (WalkGetdents64Stat's "not listed"). */
const UNLISTED = new Uint8Array(3);
const EMPTY_NAME = EMPTY;

/** Called with (fd, true) once the gofer holds a host FD beyond one request (the mount root,
 * /proc/self/fd, FD-table entries) and with (fd, false) just before it closes one. The worker
 * channel records them in shared memory: the gofer thread shares the client's FD table, and if
 * it is killed (worker.terminate()) the client closes what it held. */
export type FdTracker = (fd: number, held: boolean) => void;
let tracker: FdTracker | null = null;
/** Installs the tracker of this thread's gofer (null: none). */
export function setFdTracker(t: FdTracker | null): void {
  tracker = t;
}

/** The server side of one mount: root FD and /proc/self/fd FD, shared by its connections. */
export class GoferServer {
  private closed = false;
  private constructor(
    /** The mount root (O_RDONLY|O_DIRECTORY|O_CLOEXEC); owned, closed by close(). */
    readonly rootFd: number,
    /** /proc/self/fd as a directory FD; owned, closed by close(). */
    readonly procFd: number,
  ) {}

  /** Opens `rootPath` (symlinks in it are followed: it is the embedder's choice, not client
   * input) and /proc/self/fd. Throws a HostError (ENOENT, ENOTDIR, EACCES, ...). */
  static open(rootPath: string): GoferServer {
    const root = openRoot(rootPath);
    const proc = sys.openat(-100, ascii('/proc/self/fd'), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) {
      sys.close(root);
      throw new Error(`lisafs gofer: cannot open /proc/self/fd (errno ${-proc})`);
    }
    tracker?.(root, true);
    tracker?.(proc, true);
    return new GoferServer(root, proc);
  }

  connect(): GoferConnection {
    return new GoferConnection(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    tracker?.(this.rootFd, false);
    sys.close(this.rootFd);
    tracker?.(this.procFd, false);
    sys.close(this.procFd);
  }
}

interface ControlEntry {
  kind: 'control';
  host: number;
  type: number;
}
interface OpenEntry {
  kind: 'open';
  host: number;
  type: number;
  flags: number;
}
interface BoundEntry {
  kind: 'bound';
  host: number;
}
type Entry = ControlEntry | OpenEntry | BoundEntry;

/** A handler's result: the response as a value (encoded by `handle`) and the FDs it donates. */
type Out<N extends RequestName> = { resp: Resp<N>; fds?: number[] };
/** Or the response's bytes, already in its wire layout (the hot replies: FStat, Walk, WalkOpen,
 * OpenCreateAt, Getdents64, Getdents64Stat, written from the kernel's bytes without a decode and
 * re-encode). */
type Encoded = { encoded: Uint8Array; fds?: number[] };
type Handlers = { [N in RequestName]?: (req: Req<N>) => Out<N> | Encoded };

const SUPPORTED: readonly MessageName[] = (Object.keys(MESSAGES) as MessageName[]).filter((n) => n !== 'Error' && n !== 'Channel');

/** The kernel's statx (its first 144 bytes, the wire's Statx) as a value. Throws Errno(EIO)
 * for bytes that do not decode (never: the layout is fixed). */
function decodeStatx(bytes: Uint8Array): StatxV {
  const d = decode(Statx, bytes);
  if (!d.ok) throw new Errno(EIO);
  return d.value;
}

/** One client connection: its FD table and the handlers. Not thread-safe (one request at a
 * time, as every channel delivers them). */
export class GoferConnection {
  private readonly table = new Map<number, Entry>();
  private nextId = 1;
  private readonly io = new sys.NativeBuf(MAX_MESSAGE_SIZE);
  private readonly euid = sys.geteuid();
  private readonly egid = sys.getegid();

  /** Replies are encoded here (see Reply.payload). */
  private readonly encoder = new Encoder();
  /** Hand-encoded replies (Encoded) are written here; valid until the next request. */
  private rbuf = new Uint8Array(4096);
  private rview = new DataView(this.rbuf.buffer);
  /** The listed directory's own statx bytes (its "." and ".." in a Getdents64Stat reply). */
  private readonly dotStat = new Uint8Array(144);

  constructor(private readonly server: GoferServer) {}

  /** Host FDs in the table more than once (a read-only WalkOpen's open FD is its control FD):
   * the number of extra entries per FD, so the FD is closed with its last entry. */
  private readonly sharedHosts = new Map<number, number>();

  /** Host FDs this connection holds now (for leak checks). */
  get openEntries(): number {
    return this.table.size;
  }

  /** Handles one request. Never throws; see the file header for the errors. */
  handle(mid: number, payload: Uint8Array): Reply {
    try {
      if (payload.length > MAX_MESSAGE_SIZE) return errorReply(EIO);
      const name = NAME_BY_MID.get(mid);
      if (name === undefined || name === 'Error') return errorReply(EOPNOTSUPP);
      const h = (this.handlers as Record<string, ((req: unknown) => { resp: unknown; fds?: number[] }) | undefined>)[name];
      if (h === undefined) return errorReply(EOPNOTSUPP);
      const def = MESSAGES[name];
      const req = decode(def.req as Desc, payload);
      if (!req.ok) return errorReply(EIO);
      const out = h.call(this, req.value) as Out<RequestName> | Encoded;
      if ('encoded' in out) {
        const efds = out.fds ?? [];
        if (out.encoded.length <= MAX_MESSAGE_SIZE) return { mid, payload: out.encoded, fds: efds };
        for (const f of efds) sys.close(f);
        return errorReply(EIO);
      }
      const fds = out.fds ?? [];
      let bytes: Uint8Array;
      try {
        bytes = this.encoder.encode(def.resp as Desc, out.resp as never);
      } catch (e) {
        for (const f of fds) sys.close(f);
        throw e;
      }
      if (bytes.length > MAX_MESSAGE_SIZE) {
        for (const f of fds) sys.close(f);
        return errorReply(EIO);
      }
      return { mid, payload: bytes, fds };
    } catch (e) {
      if (e instanceof Errno) return errorReply(e.errno);
      if (e instanceof LisafsEncodeError) return errorReply(EIO);
      return errorReply(EREMOTEIO);
    }
  }

  /** Closes every host FD of the connection and frees its I/O buffer (it ended; `handle` must
   * not be called again). */
  closeAll(): void {
    for (const e of this.table.values()) this.release(e.host);
    this.table.clear();
    this.io.free();
  }

  // ---- FD table ------------------------------------------------------------------------------

  /** Adds an entry owning e.host, or (`shared`) one more entry on a host FD the table holds. */
  private add(e: Entry, shared = false): number {
    if (this.table.size >= MAX_FDS_PER_CONNECTION) throw new Errno(EMFILE);
    const id = this.nextId++;
    this.table.set(id, e);
    if (shared) this.sharedHosts.set(e.host, (this.sharedHosts.get(e.host) ?? 0) + 1);
    else tracker?.(e.host, true);
    return id;
  }
  /** One entry on host `fd` is gone: the FD is closed with the last. */
  private release(fd: number): void {
    const n = this.sharedHosts.get(fd);
    if (n !== undefined) {
      if (n > 1) this.sharedHosts.set(fd, n - 1);
      else this.sharedHosts.delete(fd);
      return;
    }
    tracker?.(fd, false);
    sys.close(fd);
  }
  private control(id: number): ControlEntry {
    const e = this.table.get(id);
    if (e === undefined || e.kind !== 'control') throw new Errno(EBADF);
    return e;
  }
  private dir(id: number): ControlEntry {
    const e = this.control(id);
    if (e.type !== S_IFDIR) throw new Errno(ENOTDIR);
    return e;
  }
  private open(id: number): OpenEntry {
    const e = this.table.get(id);
    if (e === undefined || e.kind !== 'open') throw new Errno(EBADF);
    return e;
  }
  private anyFd(id: number): ControlEntry | OpenEntry {
    const e = this.table.get(id);
    if (e === undefined || e.kind === 'bound') throw new Errno(EBADF);
    return e;
  }
  private bound(id: number): BoundEntry {
    const e = this.table.get(id);
    if (e === undefined || e.kind !== 'bound') throw new Errno(EBADF);
    return e;
  }

  // ---- host helpers ----------------------------------------------------------------------------

  private stat(fd: number): StatxV {
    return decodeStatx(this.statBytes(fd));
  }
  /** The kernel's statx bytes of host `fd` (the wire's Statx layout; valid until the next statx). */
  private statBytes(fd: number): Uint8Array {
    ok(sys.statx(fd, EMPTY_NAME, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
    return sys.statxBytes();
  }
  /** Getdents64, and with `withStat` its extension Getdents64Stat: the entries from the
   * directory's position (after a rewind when count < 0) while their encoded size fits |count|
   * bytes (and 0xffff entries); when the budget cuts a listing the position is moved back to the
   * last entry returned. withStat reads the host directory until the budget is full or it ends
   * (`end`: a read returned nothing, so there is nothing after these, which its reply says);
   * a plain Getdents64 reads once, as runsc, since its reply cannot say so.
   * Devices: only a directory (or an entry of unknown type) can be a mount point with one of its
   * own, so only those are stat'ed for it; other entries get the directory's (runsc stats every
   * entry; a 50,000-entry directory paid 50,000 statx for devices nobody uses). withStat: every
   * entry but "." and ".." carries the lstat of its name; one whose lstat fails (it vanished)
   * is left out, as runsc leaves such entries out. Errors: EBADF/ENOTDIR (not an open directory;
   * withStat: nor a directory's readable control FD),
   * EINVAL (a budget too small for one entry), host errors.
   * Returns the reply's bytes in the wire layout of Getdents64's response ({dirents}) or, with
   * `withStat`, Getdents64Stat's ({end, dirents}), written straight from the kernel's records
   * (no object per entry: the codec's encoding of the same entries cost ~2 us per entry in a
   * walk); valid until the next request. */
  private getdents(dirFD: number, count: number, withStat: boolean): Uint8Array {
    // Getdents64Stat (ours) also reads a directory through its control FD, whose host FD Walk
    // opened readable when it could (tryOpen); one opened O_PATH fails with EBADF.
    const o = withStat ? this.anyFd(dirFD) : this.open(dirFD);
    if (o.type !== S_IFDIR) throw new Errno(ENOTDIR);
    if (count < 0) ok(sys.lseek(o.host, 0n, SEEK_SET));
    const budget = Math.min(Math.abs(count), MAX_MESSAGE_SIZE);
    const head = withStat ? 3 : 2; // [end u8] + the entry count (u16)
    this.room(budget + head);
    const w = this.rbuf;
    const wv = this.rview;
    let at = head;
    let nOut = 0;
    let end = false;
    const reply = (): Uint8Array => {
      if (withStat) w[0] = end ? 1 : 0;
      wv.setUint16(head - 2, nOut, true);
      return w.subarray(0, at);
    };
    if (budget <= 2) return reply();
    // The directory's stat: "." and ".." carry it (withStat); plain entries its device.
    const dotStat = this.dotStat;
    dotStat.set(this.statBytes(o.host), 0);
    const buf = this.io;
    const dv = buf.dv;
    const u8 = buf.u8;
    let used = 2;
    let lastOffAt = -1; // where in w the last entry's off is
    let full = false;
    let cut = false; // the budget cut the listing: move the position back to the last entry
    // An encoded entry is 27 (plus stat: 155) bytes and its name; a linux_dirent64 24 and the
    // name rounded up: read about as many as can be sent.
    const want = withStat ? Math.max(512, Math.floor(budget / 5)) : budget;
    for (let again = true; again; again = withStat && !full) {
      const n = ok(sys.getdents64(o.host, buf, want));
      if (n === 0) {
        end = true;
        break;
      }
      let p = 0;
      while (p + 19 <= n) {
        const reclen = dv.getUint16(p + 16, true);
        if (reclen < 20 || p + reclen > n) {
          full = true; // a record the kernel would not write: stop here
          break;
        }
        const name = p + 19;
        let nameEnd = name;
        while (nameEnd < p + reclen && u8[nameEnd] !== 0) nameEnd++;
        const len = nameEnd - name;
        const size = (withStat ? 155 : 27) + len;
        if (used + size > budget || nOut === 0xffff) {
          if (nOut === 0) throw new Errno(EINVAL);
          full = cut = true;
          break;
        }
        const type = u8[p + 18]!;
        const isDots = u8[name] === DOT && (len === 1 || (len === 2 && u8[name + 1] === DOT));
        const rec = p;
        p += reclen;
        // Fields are copied a word or a byte at a time, not with set(subarray()): a view per
        // field was five allocations per entry, most of the gofer's time for a large directory
        // while its code is not optimised yet (big-dir: 50,000 entries).
        if (withStat) { // DirentStat: off u64, type u8, name (u16 length + bytes), stat (144 bytes)
          if (!isDots && sys.statx(o.host, u8.subarray(name, nameEnd), AT_SYMLINK_NOFOLLOW) !== 0) continue; // vanished
          wv.setUint32(at, dv.getUint32(rec + 8, true), true);
          wv.setUint32(at + 4, dv.getUint32(rec + 12, true), true);
          w[at + 8] = type;
          wv.setUint16(at + 9, len, true);
          for (let k = 0; k < len; k++) w[at + 11 + k] = u8[name + k]!;
          w.set(isDots ? dotStat : sys.statxBytes(), at + 11 + len);
          lastOffAt = at;
        } else { // Dirent64: ino u64, devMinor u32, devMajor u32, off u64, type u8, name
          // stx_dev_major, stx_dev_minor: statx bytes 136..143, the wire's devMinor, devMajor
          // swapped; the entry's own for a directory or unknown type, else the directory's.
          const dev = !isDots && (type === DT_DIR || type === DT_UNKNOWN) && sys.statx(o.host, u8.subarray(name, nameEnd), AT_SYMLINK_NOFOLLOW) === 0
            ? sys.statxBytes() : dotStat;
          wv.setUint32(at, dv.getUint32(rec, true), true);
          wv.setUint32(at + 4, dv.getUint32(rec + 4, true), true);
          for (let k = 0; k < 4; k++) {
            w[at + 8 + k] = dev[140 + k]!;
            w[at + 12 + k] = dev[136 + k]!;
          }
          wv.setUint32(at + 16, dv.getUint32(rec + 8, true), true);
          wv.setUint32(at + 20, dv.getUint32(rec + 12, true), true);
          w[at + 24] = type;
          wv.setUint16(at + 25, len, true);
          for (let k = 0; k < len; k++) w[at + 27 + k] = u8[name + k]!;
          lastOffAt = at + 16;
        }
        at += size;
        used += size;
        nOut++;
      }
    }
    if (cut) ok(sys.lseek(o.host, wv.getBigInt64(lastOffAt, true), SEEK_SET));
    return reply();
  }

  /** The seed's tryOpen: O_RDONLY|O_NONBLOCK, then O_PATH unless the name is missing.
   * Returns the FD or -errno. */
  private tryOpen(dirfd: number, name: Uint8Array): number {
    const fd = sys.openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || fd === -ENOENT) return fd;
    return sys.openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  /** The host FD's "name" in the /proc/self/fd directory. */
  private procName(fd: number): Uint8Array {
    return ascii(String(fd));
  }
  private procPath(fd: number): string {
    return `/proc/self/fd/${fd}`;
  }
  /** Re-opens the file behind `fd` with `flags` (as runsc does, through /proc/self/fd). */
  private reopen(fd: number, flags: number): number {
    return sys.openat(this.server.procFd, this.procName(fd), (flags & ~O_NOFOLLOW) | O_CLOEXEC);
  }
  /** After a create: owner as asked (NoUID/NoGID keep), permission bits exactly as asked (the
   * process umask may have trimmed them). Returns the final stat, whose kernel bytes stay in
   * sys.statxBytes() until the next statx (OpenCreateAt sends them as they are). */
  private finishCreate(fd: number, uid: number, gid: number, perms: number | null): StatxV {
    if (uid !== NO_ID || gid !== NO_ID) ok(sys.fchownat(fd, EMPTY_NAME, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
    let st = this.stat(fd);
    if (perms !== null && (st.mode & 0o7777) !== perms) {
      ok(sys.fchmodat(this.server.procFd, this.procName(fd), perms));
      st = this.stat(fd);
    }
    return st;
  }
  /** Makes rbuf hold at least n bytes (its contents are not kept). */
  private room(n: number): void {
    if (this.rbuf.length >= n) return;
    this.rbuf = new Uint8Array(Math.max(n, 2 * this.rbuf.length));
    this.rview = new DataView(this.rbuf.buffer);
  }
  /** Writes FDID `id` (the wire's u64) at rbuf[at]. */
  private putId(at: number, id: number): void {
    this.rview.setUint32(at, id >>> 0, true);
    this.rview.setUint32(at + 4, Math.floor(id / 4294967296), true);
  }
  /** A control FD on host `fd` (from tryOpen, owned from here on: closed on failure), written as
   * an Inode as Walk returns it at rbuf[at .. at+152]: its FDID, then the kernel's 144 statx
   * bytes (the wire's Statx is their layout). Returns the FDID and the file's mode.
   * Precondition: room(at + 152). Errors: EPERM (block device), host errors. */
  private inodeAt(fd: number, at: number): { id: number; mode: number } {
    try {
      const st = this.statBytes(fd);
      const mode = st[28]! | (st[29]! << 8); // stx_mode
      this.rbuf.set(st, at + 8);
      const id = this.newControl(fd, mode);
      this.putId(at, id);
      return { id, mode };
    } catch (e) {
      sys.close(fd);
      throw e;
    }
  }
  private newControl(fd: number, mode: number): number {
    if ((mode & S_IFMT) === S_IFBLK) throw new Errno(EPERM);
    return this.add({ kind: 'control', host: fd, type: mode & S_IFMT });
  }

  /** For `name`, just created in `dir` by the caller: opens it (`openIt`, which may also return
   * an FD the caller already has), finishes it (owner, mode) and makes a control FD. Any failure
   * closes that FD and unlinks the new entry (the caller must not call this when its create
   * failed, or it would remove an entry it did not make). */
  private created(
    dir: ControlEntry,
    name: Uint8Array,
    isDir: boolean,
    openIt: () => number,
    uid: number,
    gid: number,
    perms: number | null,
  ): { controlFD: number; stat: StatxV; host: number } {
    let fd = -1;
    try {
      fd = ok(openIt());
      const st = this.finishCreate(fd, uid, gid, perms);
      const id = this.newControl(fd, st.mode);
      return { controlFD: id, stat: st, host: fd };
    } catch (e) {
      if (fd >= 0) sys.close(fd);
      sys.unlinkat(dir.host, name, isDir ? AT_REMOVEDIR : 0);
      throw e;
    }
  }

  // ---- handlers (one per message; `this` is the connection) ------------------------------------

  private readonly handlers: Handlers = {
    Mount: () => {
      const fd = ok(sys.dupCloexec(this.server.rootFd));
      let donated = -1;
      try {
        const st = this.stat(fd);
        const id = this.newControl(fd, st.mode);
        donated = sys.dupCloexec(this.server.rootFd);
        return {
          resp: {
            root: { controlFD: id, stat: st },
            maxMessageSize: MAX_MESSAGE_SIZE,
            supported: SUPPORTED.map((n) => MESSAGES[n].mid),
          },
          fds: donated >= 0 ? [donated] : [],
        };
      } catch (e) {
        if (!this.hasHost(fd)) sys.close(fd);
        throw e;
      }
    },

    // The kernel's statx bytes are the wire's Statx: sent as they are (Encoded).
    FStat: (req) => {
      return { encoded: this.statBytes(this.anyFd(req.fd).host) };
    },

    SetStat: (req) => {
      const c = this.control(req.fd);
      if ((req.mask & ~SETSTAT_ALLOWED) !== 0) throw new Errno(EPERM);
      let failureMask = 0;
      let failureErrno = 0;
      const fail = (bit: number, r: number): void => {
        if (r < 0) {
          failureMask |= bit;
          if (failureErrno === 0) failureErrno = -r;
        }
      };
      if (req.mask & SETSTAT_MODE) {
        fail(SETSTAT_MODE, c.type === S_IFLNK ? -EOPNOTSUPP : sys.fchmodat(this.server.procFd, this.procName(c.host), req.mode & 0o7777));
      }
      if (req.mask & (SETSTAT_UID | SETSTAT_GID)) {
        const uid = req.mask & SETSTAT_UID ? req.uid : NO_ID;
        const gid = req.mask & SETSTAT_GID ? req.gid : NO_ID;
        fail(req.mask & (SETSTAT_UID | SETSTAT_GID), sys.fchownat(c.host, EMPTY_NAME, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
      }
      if (req.mask & SETSTAT_SIZE) {
        let r: number;
        if (c.type === S_IFDIR) r = -EISDIR;
        else if (c.type !== S_IFREG) r = -EINVAL;
        else {
          const w = this.reopen(c.host, 1 /* O_WRONLY */ | O_NONBLOCK);
          r = w < 0 ? w : sys.ftruncate(w, BigInt.asIntN(64, req.size));
          if (w >= 0) sys.close(w);
        }
        fail(SETSTAT_SIZE, r);
      }
      if (req.mask & (SETSTAT_ATIME | SETSTAT_MTIME)) {
        const OMIT = { sec: 0n, nsec: BigInt((1 << 30) - 2) };
        const at = req.mask & SETSTAT_ATIME ? req.atime : OMIT;
        const mt = req.mask & SETSTAT_MTIME ? req.mtime : OMIT;
        fail(req.mask & (SETSTAT_ATIME | SETSTAT_MTIME), sys.utimensat(this.server.procFd, this.procName(c.host), at, mt, 0));
      }
      return { resp: { failureMask, failureErrno } };
    },

    Walk: (req) => {
      for (const n of req.path) checkName(n);
      const start = this.dir(req.dirFD);
      // Written by hand (Encoded): {status u8, inodes: u16 count + Inode (152 bytes) each}.
      this.room(Math.min(3 + 152 * req.path.length, MAX_MESSAGE_SIZE + 152));
      const made: number[] = [];
      let status = WALK_SUCCESS;
      let at = 3;
      try {
        let cur = start.host;
        let curType = S_IFDIR;
        for (const name of req.path) {
          if (curType !== S_IFDIR) throw new Errno(ENOTDIR);
          const fd = this.tryOpen(cur, name);
          if (fd === -ENOENT) {
            status = WALK_COMPONENT_DOES_NOT_EXIST;
            break;
          }
          if (at + 152 > MAX_MESSAGE_SIZE) throw new Errno(EIO); // a reply above the maximum
          const ino = this.inodeAt(ok(fd), at);
          made.push(ino.id);
          at += 152;
          curType = ino.mode & S_IFMT;
          if (curType === S_IFLNK) {
            status = WALK_COMPONENT_SYMLINK;
            break;
          }
          cur = fd;
        }
      } catch (e) {
        this.drop(made);
        throw e;
      }
      this.rbuf[0] = status;
      this.rview.setUint16(1, made.length, true);
      return { encoded: this.rbuf.subarray(0, at) };
    },

    WalkStat: (req) => {
      const start = this.dir(req.dirFD);
      const path = req.path;
      const stats: StatxV[] = [];
      let i = 0;
      if (path.length > 0 && (path[0] as Uint8Array).length === 0) {
        stats.push(this.stat(start.host));
        i = 1;
      }
      for (let j = i; j < path.length; j++) checkName(path[j] as Uint8Array);
      const opened: number[] = [];
      try {
        let cur = start.host;
        let curType = S_IFDIR;
        for (; i < path.length; i++) {
          if (curType !== S_IFDIR) throw new Errno(ENOTDIR);
          const fd = sys.openat(cur, path[i] as Uint8Array, O_PATH | O_NOFOLLOW | O_CLOEXEC);
          if (fd === -ENOENT) break;
          ok(fd);
          opened.push(fd);
          const st = this.stat(fd);
          stats.push(st);
          curType = st.mode & S_IFMT;
          if (curType === S_IFLNK) break;
          cur = fd;
        }
      } finally {
        for (const f of opened) sys.close(f);
      }
      return { resp: { stats } };
    },

    OpenAt: (req) => {
      const c = this.control(req.fd);
      const flags = req.flags & (O_ACCMODE | O_TRUNC);
      return this.openFrom(c, flags);
    },

    OpenCreateAt: (req) => {
      const d = this.dir(req.common.dirFD);
      checkName(req.name);
      const flags = req.flags & (O_ACCMODE | O_TRUNC);
      if ((flags & O_ACCMODE) === O_ACCMODE) throw new Errno(EINVAL);
      const perms = req.common.mode & 0o7777;
      // Created with the access asked for, as open(2) with O_CREAT (the creator's open is not
      // checked against the new file's mode); the open entry shares that FD with the control
      // entry (closed with the last of the two; nothing uses a regular file's control FD's
      // offset or flags). runsc creates read-only and reopens through /proc/self/fd: ~4 us more
      // per file.
      const fd = ok(sys.openat(d.host, req.name, O_CREAT | O_EXCL | (flags & O_ACCMODE) | O_NOFOLLOW | O_CLOEXEC, perms));
      const child = this.created(d, req.name, false, () => fd, req.common.uid, req.common.gid, perms);
      // Written by hand (Encoded), as WalkOpen's reply: {child: Inode (152 bytes), newFD u64}.
      this.room(160);
      this.rbuf.set(sys.statxBytes(), 8); // the stat `created` returned (see finishCreate)
      this.putId(0, child.controlFD);
      try {
        const o = this.openEntry(S_IFREG, flags, fd, true);
        this.putId(152, o.resp.openFD);
        return { encoded: this.rbuf.subarray(0, 160), fds: o.fds ?? [] };
      } catch (e) {
        this.drop([child.controlFD]);
        sys.unlinkat(d.host, req.name, 0);
        throw e;
      }
    },

    Close: (req) => {
      this.drop(req.fds);
      return { resp: {} };
    },

    FSync: (req) => {
      let first = 0;
      for (const id of req.fds) {
        const r = sys.fsync(this.open(id).host);
        if (r < 0 && first === 0) first = -r;
      }
      if (first !== 0) throw new Errno(first);
      return { resp: {} };
    },

    PWrite: (req) => {
      const o = this.open(req.fd);
      const n = ok(sys.pwrite(o.host, this.io, req.data, BigInt.asIntN(64, req.offset)));
      return { resp: { count: BigInt(n) } };
    },

    PRead: (req) => {
      const o = this.open(req.fd);
      if (8 + req.count > MAX_MESSAGE_SIZE) throw new Errno(ENOBUFS);
      const n = ok(sys.pread(o.host, this.io, req.count, BigInt.asIntN(64, req.offset)));
      return { resp: { data: this.io.u8.slice(0, n) } };
    },

    MkdirAt: (req) => {
      const d = this.dir(req.common.dirFD);
      checkName(req.name);
      const perms = req.common.mode & 0o7777;
      ok(sys.mkdirat(d.host, req.name, perms));
      const c = this.created(d, req.name, true, () => this.tryOpen(d.host, req.name), req.common.uid, req.common.gid, perms);
      return { resp: { child: { controlFD: c.controlFD, stat: c.stat } } };
    },

    MknodAt: (req) => {
      const d = this.dir(req.common.dirFD);
      checkName(req.name);
      const type = req.common.mode & S_IFMT || S_IFREG;
      if (type === S_IFCHR || type === S_IFBLK) throw new Errno(EPERM);
      if (type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK) throw new Errno(EINVAL);
      const perms = req.common.mode & 0o7777;
      const dev = makedev(req.major, req.minor);
      ok(sys.mknodat(d.host, req.name, type | perms, dev));
      const c = this.created(d, req.name, false, () => this.tryOpen(d.host, req.name), req.common.uid, req.common.gid, perms);
      return { resp: { child: { controlFD: c.controlFD, stat: c.stat } } };
    },

    SymlinkAt: (req) => {
      const d = this.dir(req.dirFD);
      checkName(req.name);
      if (req.target.length === 0) throw new Errno(ENOENT);
      noNul(req.target);
      ok(sys.symlinkat(req.target, d.host, req.name));
      const c = this.created(d, req.name, false, () => sys.openat(d.host, req.name, O_PATH | O_NOFOLLOW | O_CLOEXEC), req.uid, req.gid, null);
      return { resp: { symlink: { controlFD: c.controlFD, stat: c.stat } } };
    },

    LinkAt: (req) => {
      const d = this.dir(req.dirFD);
      checkName(req.name);
      const t = this.control(req.target);
      if (t.type === S_IFDIR) throw new Errno(EPERM);
      ok(sys.linkat(this.server.procFd, this.procName(t.host), d.host, req.name, AT_SYMLINK_FOLLOW));
      const c = this.created(d, req.name, false, () => this.tryOpen(d.host, req.name), NO_ID, NO_ID, null);
      return { resp: { link: { controlFD: c.controlFD, stat: c.stat } } };
    },

    FStatFS: (req) => {
      ok(sys.fstatfs(this.anyFd(req.fd).host));
      const v = sys.statfsView();
      return {
        resp: {
          type: v.getBigUint64(0, true),
          blockSize: v.getBigInt64(8, true),
          blocks: v.getBigUint64(16, true),
          blocksFree: v.getBigUint64(24, true),
          blocksAvailable: v.getBigUint64(32, true),
          files: v.getBigUint64(40, true),
          filesFree: v.getBigUint64(48, true),
          nameLength: v.getBigUint64(64, true),
        },
      };
    },

    FAllocate: (req) => {
      const o = this.open(req.fd);
      if (req.mode > 0x7fffffffn) throw new Errno(EINVAL);
      ok(sys.fallocate(o.host, Number(req.mode), BigInt.asIntN(64, req.offset), BigInt.asIntN(64, req.length)));
      return { resp: {} };
    },

    ReadLinkAt: (req) => {
      const c = this.control(req.fd);
      if (c.type !== S_IFLNK) throw new Errno(EINVAL);
      const n = ok(sys.readlinkat(c.host, EMPTY_NAME, this.io, 65536));
      if (n > 0xffff) throw new Errno(ERANGE);
      return { resp: { target: this.io.u8.slice(0, n) } };
    },

    Flush: (req) => {
      this.anyFd(req.fd);
      return { resp: {} };
    },

    Connect: (req) => ({ resp: {}, fds: [this.connectTo(this.control(req.fd), req.sockType)] }),

    ConnectWithCreds: (req) => {
      const c = this.control(req.fd);
      if ((req.uid !== NO_ID && req.uid !== this.euid) || (req.gid !== NO_ID && req.gid !== this.egid)) throw new Errno(EPERM);
      return { resp: {}, fds: [this.connectTo(c, req.sockType)] };
    },

    UnlinkAt: (req) => {
      const d = this.dir(req.dirFD);
      checkName(req.name);
      if ((req.flags & ~AT_REMOVEDIR) !== 0) throw new Errno(EINVAL);
      ok(sys.unlinkat(d.host, req.name, req.flags));
      return { resp: {} };
    },

    RenameAt: (req) => this.rename(req.oldDir, req.oldName, req.newDir, req.newName, 0),
    RenameAt2: (req) => this.rename(req.oldDir, req.oldName, req.newDir, req.newName, req.flags),

    Getdents64: (req) => ({ encoded: this.getdents(req.dirFD, req.count, false) }),
    // Walk of one name and, for a regular file, OpenAt of the child: one RPC for a lookup that
    // opens. A child that is not a regular file, or whose open fails with an errno (EACCES, ...),
    // comes back with openFD 0: the client then opens it with OpenAt, which reports the error.
    WalkOpen: (req) => {
      checkName(req.name);
      const d = this.dir(req.dirFD);
      // Written by hand (Encoded): {child: Inode (152 bytes), openFD u64}.
      this.room(160);
      const child = this.inodeAt(ok(this.tryOpen(d.host, req.name)), 0);
      const reply = (openFD: number, fds?: number[]): Encoded => {
        this.putId(152, openFD);
        return { encoded: this.rbuf.subarray(0, 160), ...(fds ? { fds } : {}) };
      };
      if ((child.mode & S_IFMT) !== S_IFREG) return reply(0);
      const flags = req.flags & (O_ACCMODE | O_TRUNC);
      try {
        // A read-only open is the FD tryOpen opened readable, once F_SETFL has cleared the
        // O_NONBLOCK it was opened with (an O_PATH FD refuses F_SETFL with EBADF and takes the
        // reopen): the control and the open entry share it (closed with the last of the two)
        // instead of a reopen through /proc/self/fd (~6 us in a read-files profile) or a dup.
        // Nothing uses a regular file's control FD's offset or flags.
        const c = this.control(child.id);
        const o = flags === O_RDONLY && sys.fcntl(c.host, F_SETFL, 0) === 0
          ? this.openEntry(S_IFREG, flags, c.host, true)
          : this.openFrom(c, flags);
        return reply(o.resp.openFD, o.fds);
      } catch (e) {
        if (e instanceof Errno) return reply(0);
        this.drop([child.id]);
        throw e;
      }
    },

    Getdents64Stat: (req) => ({ encoded: this.getdents(req.dirFD, req.count, true) }),

    // Walk of one name and, for a directory, its first listing batch (a walk stepping into a
    // directory it lists next): {child: Inode (152 bytes), then a Getdents64Stat reply}. A child
    // that is not a directory, or that cannot be read (its control FD is O_PATH: EBADF), comes
    // back unlisted (no entries, end 0); the client then lists it with Getdents64Stat.
    WalkGetdents64Stat: (req) => {
      checkName(req.name);
      const d = this.dir(req.dirFD);
      this.room(152);
      const child = this.inodeAt(ok(this.tryOpen(d.host, req.name)), 0);
      const inode = this.rbuf.slice(0, 152); // getdents() writes its reply at rbuf[0]
      let listing: Uint8Array = UNLISTED;
      if ((child.mode & S_IFMT) === S_IFDIR) {
        try {
          listing = this.getdents(child.id, Math.abs(req.count), true); // a fresh FD: at its start
        } catch (e) {
          if (!(e instanceof Errno)) {
            this.drop([child.id]);
            throw e;
          }
        }
      }
      const out = new Uint8Array(152 + listing.length);
      out.set(inode, 0);
      out.set(listing, 152);
      return { encoded: out };
    },

    FGetXattr: (req) => {
      const f = this.anyFd(req.fd);
      checkXattrName(req.name);
      const size = Math.min(req.bufSize, 0xffff);
      if (size === 0) {
        const n = ok(sys.getxattr(f.host, this.procPath(f.host), req.name, this.io, 0));
        if (n > 0) throw new Errno(ERANGE);
        return { resp: { value: EMPTY } };
      }
      const n = ok(sys.getxattr(f.host, this.procPath(f.host), req.name, this.io, size));
      return { resp: { value: this.io.u8.slice(0, n) } };
    },

    FSetXattr: (req) => {
      const f = this.anyFd(req.fd);
      checkXattrName(req.name);
      if ((req.flags & ~3) !== 0) throw new Errno(EINVAL);
      ok(sys.setxattr(f.host, this.procPath(f.host), req.name, req.value, this.io, req.flags));
      return { resp: {} };
    },

    FListXattr: (req) => {
      const f = this.anyFd(req.fd);
      const size = req.size === 0n || req.size > 0xffffn ? 0xffff : Number(req.size);
      const n = ok(sys.listxattr(f.host, this.procPath(f.host), this.io, size));
      const names: Uint8Array[] = [];
      let s = 0;
      for (let i = 0; i < n; i++) {
        if (this.io.u8[i] === 0) {
          if (i > s) names.push(this.io.u8.slice(s, i));
          s = i + 1;
        }
      }
      return { resp: { names } };
    },

    FRemoveXattr: (req) => {
      const f = this.anyFd(req.fd);
      checkXattrName(req.name);
      ok(sys.removexattr(f.host, this.procPath(f.host), req.name));
      return { resp: {} };
    },

    BindAt: (req) => {
      const d = this.dir(req.common.dirFD);
      checkName(req.name);
      const t = req.sockType;
      if (t !== SOCK_STREAM && t !== SOCK_DGRAM && t !== SOCK_SEQPACKET) throw new Errno(ENXIO);
      const perms = req.common.mode & 0o7777;
      const s = ok(sys.socket(t));
      let bound = false;
      let donated = -1;
      try {
        ok(sys.fchmod(s, perms));
        ok(sys.bindUnix(s, concat(ascii(`${this.procPath(d.host)}/`), req.name))); // EINVAL at >= 108 bytes
        bound = true;
        const c = this.created(d, req.name, false, () => sys.openat(d.host, req.name, O_PATH | O_NOFOLLOW | O_CLOEXEC), req.common.uid, req.common.gid, null);
        bound = false; // created() unlinks on its own failures from here on
        try {
          donated = ok(sys.dupCloexec(s));
          const b = this.add({ kind: 'bound', host: s });
          return { resp: { child: { controlFD: c.controlFD, stat: c.stat }, boundSocketFD: b }, fds: [donated] };
        } catch (e) {
          if (donated >= 0) sys.close(donated);
          this.drop([c.controlFD]);
          sys.unlinkat(d.host, req.name, 0);
          throw e;
        }
      } catch (e) {
        if (!this.hasHost(s)) sys.close(s);
        if (bound) sys.unlinkat(d.host, req.name, 0);
        throw e;
      }
    },

    Listen: (req) => {
      const b = this.bound(req.fd);
      ok(sys.listen(b.host, req.backlog));
      return { resp: {} };
    },

    Accept: (req) => {
      const b = this.bound(req.fd);
      const fd = ok(sys.accept(b.host));
      return { resp: { peerAddr: EMPTY }, fds: [fd] };
    },
  };

  private hasHost(fd: number): boolean {
    for (const e of this.table.values()) if (e.host === fd) return true;
    return false;
  }

  /** Removes `ids` from the table and closes their host FDs; unknown ids are ignored. */
  private drop(ids: readonly number[]): void {
    for (const id of ids) {
      const e = this.table.get(id);
      if (e === undefined) continue;
      this.table.delete(id);
      this.release(e.host);
    }
  }

  private openFrom(c: ControlEntry, flags: number): Out<'OpenAt'> {
    const acc = flags & O_ACCMODE;
    if (acc === O_ACCMODE) throw new Errno(EINVAL);
    if (c.type === S_IFLNK) throw new Errno(EINVAL);
    if (c.type === S_IFSOCK) throw new Errno(ENXIO);
    let extra = 0;
    if (c.type === S_IFDIR) {
      if (acc !== O_RDONLY || (flags & O_TRUNC) !== 0) throw new Errno(EISDIR);
      extra = O_DIRECTORY;
    } else if (c.type !== S_IFREG) {
      extra = O_NONBLOCK;
    }
    return this.openEntry(c.type, flags, ok(this.reopen(c.host, flags | extra)));
  }

  /** Registers host `fd` as an open FD of a file of `type` opened with `flags`: owned from here
   * on (closed on failure), or (`shared`) one that another entry holds too (see sharedHosts).
   * Donates a dup of it for the types the client reads and writes itself (regular files, FIFOs,
   * character devices); EMFILE if that dup fails. */
  private openEntry(type: number, flags: number, fd: number, shared = false): Out<'OpenAt'> {
    let donated = -1;
    try {
      // Out of FDs (EMFILE) is an error, not an open without a donated FD: the client flushes
      // the FDs it has queued for closing and sends the request again.
      if (type === S_IFREG || type === S_IFIFO || type === S_IFCHR) donated = ok(sys.dupCloexec(fd));
      const id = this.add({ kind: 'open', host: fd, type, flags }, shared);
      return { resp: { openFD: id }, fds: donated >= 0 ? [donated] : [] };
    } catch (e) {
      if (!shared) sys.close(fd);
      if (donated >= 0) sys.close(donated);
      throw e;
    }
  }

  private rename(oldDir: number, oldName: Uint8Array, newDir: number, newName: Uint8Array, flags: number): { resp: Record<string, never> } {
    const a = this.dir(oldDir);
    const b = this.dir(newDir);
    checkName(oldName);
    checkName(newName);
    if ((flags & ~7) !== 0) throw new Errno(EINVAL);
    ok(sys.renameat2(a.host, oldName, b.host, newName, flags));
    return { resp: {} };
  }

  /** A new socket connected to the socket file of control FD `c`; sockType 0 tries stream,
   * seqpacket, then datagram. Returns the connected host FD (donated). */
  private connectTo(c: ControlEntry, sockType: number): number {
    if (c.type !== S_IFSOCK) throw new Errno(ENXIO);
    const types = sockType === 0 ? [SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM] : [sockType];
    for (const t of types) if (t !== SOCK_STREAM && t !== SOCK_DGRAM && t !== SOCK_SEQPACKET) throw new Errno(EINVAL);
    const path = ascii(this.procPath(c.host));
    let last = EPROTOTYPE;
    for (const t of types) {
      const s = ok(sys.socket(t));
      const r = sys.connectUnix(s, path);
      if (r === 0) return s;
      sys.close(s);
      last = -r;
      if (last !== EPROTOTYPE) break;
    }
    throw new Errno(last);
  }
}

/** An Error reply carrying `errno`. */
export function errorReply(errno: number): Reply {
  const p = new Uint8Array(4);
  new DataView(p.buffer).setUint32(0, errno, true);
  return { mid: MESSAGES.Error.mid, payload: p, fds: [] };
}

function checkXattrName(b: Uint8Array): void {
  if (b.length === 0 || b.length > 255) throw new Errno(b.length === 0 ? EINVAL : ERANGE);
  noNul(b);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** glibc's makedev(major, minor). */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

