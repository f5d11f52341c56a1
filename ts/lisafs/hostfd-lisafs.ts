/* hostfd-lisafs.ts — the `hostfd` import module served by the gofer: lisafs mode (gVisor with
 * directfs off). Every filesystem call the core makes becomes lisafs RPCs; the core itself is
 * unchanged (the backend switch is this one function that builds the import object).
 *
 * Owns: the translation of each hostfd import (imports.h) into lisafs messages, and a table of
 * "virtual FDs" — numbers from VFD_BASE up that the core holds as if they were host FDs; each
 * names a lisafs control FD (and an open FD when the file was opened for I/O, plus directory
 * read state). FDs below VFD_BASE are real host FDs (stdio streams) and go to ts/host.
 * Must not: open host paths, keep policy (the core validated names and flags; the gofer checks
 * again), or cache metadata.
 *
 * Data moves through the host FD the gofer donates with OpenAt when there is one (as gVisor's
 * client); PRead/PWrite serve the rest.
 *
 * Deviations (docs/lisafs.md): O_APPEND writes without a donated FD are size-then-write (not
 * atomic against other writers); fadvise is accepted and ignored; a directory position other
 * than 0 is reached by reading from the start and skipping to the saved d_off.
 */

import { readFileSync } from 'node:fs';
import type { HostImports, HostMemory } from '../host/hostfd.js';
import type { LisafsClient, StatxValue } from './client.js';
import { LisafsError } from './client.js';
import { encodeInto, Statx, DirentBatch, InodeReply } from './messages.js';
import { guardArity } from '../guard.js';
import type { FallbackMount } from './fallback.js';

export const VFD_BASE = 1 << 20;

/** This process's umask: directfs creates files through the kernel, which applies it; the gofer
 * creates them with the mode it is sent (as gVisor's, whose sentry applies the umask first), so
 * lisafs mode applies it here to create the same modes. */
function processUmask(): number {
  const m = /^Umask:\s*([0-7]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? parseInt(m[1]!, 8) : 0o022;
}

const EOPNOTSUPP = 95, EPERM = 1, EBADF = 9, ENOENT = 2, ELOOP = 40, ENOTDIR = 20, EINVAL = 22, ESPIPE = 29, EIO = 5, EFAULT = 14, ERANGE = 34, ENOSYS = 38, ENOTTY = 25;
/** sizeof(l_dirent_stat_t) of core-c/src/host/imports.h: the header before the name. */
const DIRENT_STAT_HEAD = 16 + 256;
const NO_DIRENTS = DirentBatch.empty;
/* core-c's l_walk_rec_t: fd i32, err i32, struct statx (256 bytes). */
const WALK_REC = 8 + 256;
/** A walked inode kept for the call that follows (see `walked`): its control FD and stx_mode. */
interface Walked {
  controlFD: number;
  mode: number;
}
const O_ACCMODE = 3, O_CREAT = 0o100, O_TRUNC = 0o1000, O_DIRECTORY = 0o200000, O_PATH = 0o10000000;
const AT_EMPTY_PATH = 0x1000, AT_REMOVEDIR = 0x200;
const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFREG = 0o100000;
const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
// lisafs SetStat mask bits (Linux STATX_*)
const M_MODE = 0x2, M_UID = 0x8, M_GID = 0x10, M_ATIME = 0x20, M_MTIME = 0x40, M_SIZE = 0x200;

interface VNode {
  c: LisafsClient;      // the gofer connection this file belongs to (one per mount)
  control: number;      // lisafs control FD
  open: number;         // lisafs open FD, 0 when none
  isDir: boolean;
  isLink: boolean;
  hostFd: number;       // host FD the gofer donated with the open (regular files, FIFOs, char devices), -1 if none
  dirSeek: bigint | null; // directory: position to resume at before the next getdents (null: continue)
  pending: DirentBatch;  // directory: entries fetched (from index `next` on: not yet returned)
  next: number;
  withStat: boolean;     // directory: `pending` came from Getdents64Stat
  lastOff: bigint;       // directory: d_off of the last entry returned (0n: none yet)
  eof: boolean;          // directory: the listing has nothing after `pending`
  listed: boolean;       // directory: its entries were read (a walk: its subdirectories come listed when opened)
  prefetched: number;    // directory: `changes` when `pending` came with the Walk that opened it (-1: it did not)
  /** `removals` when this node was made: a file open across an UnlinkAt/RenameAt may have
   * lost its last name, so its close is sent at once (see close). */
  since: number;
}

/** Counters of this backend (RPC count for route assertions). */
export interface LisafsStats {
  rpcs: number;
}

/**
 * Builds the hostfd import object over gofer connections. `real` serves FDs below VFD_BASE
 * (stdio). `mount(client)` sends Mount and returns the virtual FD of that mount's root, to hand
 * to wfs_preopen. Errors are -errno as ts/host returns them.
 */
export function createLisafsHostImports(mem: HostMemory, real: HostImports, note: (message: string) => void = () => {}): {
  imports: HostImports; mount: (client: LisafsClient) => number; stats: LisafsStats; mounts: FallbackMount[];
} {
  const umask = processUmask();
  const nodes = new Map<number, VNode>();
  let nextVfd = VFD_BASE;
  const stats: LisafsStats = { rpcs: 0 };
  const closeQueues = new Map<LisafsClient, number[]>();

  const coreU8 = (): Uint8Array => {
    mem.syncCore();
    return mem.coreBytes;
  };
  const cstr = (off: number): Uint8Array => {
    const u8 = coreU8();
    const at = off >>> 0;
    let end = at;
    while (end < u8.length && u8[end] !== 0) end++;
    return u8.slice(at, end);
  };
  const node = (fd: number): VNode | undefined => nodes.get(fd);
  /** UnlinkAt and RenameAt RPCs sent so far (either may remove a file's last name). */
  let removals = 0;
  /** Calls so far that may have changed some directory's entries or their stats (see CHANGES
   * below, openat with O_CREAT or O_TRUNC, pwritev): a listing read ahead before one of them
   * is not used (fillDents). */
  let changes = 0;
  /** A node on control FD `control` of a file of `type` (S_IFMT bits), with open FD `open` (0:
   * none) and donated host FD `hostFd` (-1: none). */
  const vnode = (c: LisafsClient, control: number, type: number, open = 0, hostFd = -1): VNode => ({
    c, control, open, hostFd, isDir: type === S_IFDIR, isLink: type === S_IFLNK,
    dirSeek: 0n, pending: NO_DIRENTS, next: 0, withStat: false, lastOff: 0n, eof: false, listed: false, prefetched: -1, since: 0,
  });
  /** Enters n (from vnode(), owned by the table from now on) under a new virtual FD. */
  const add = (n: VNode): number => {
    const fd = nextVfd++;
    n.since = removals;
    nodes.set(fd, n);
    return fd;
  };
  /** Before an RPC that may remove a name: closed files' queued FDs go first, so that a file
   * closed before its unlink holds no gofer FD when the unlink happens (its blocks are freed
   * then, as on the host), and the count moves on. */
  const beforeRemoval = (c: LisafsClient): void => {
    releaseAt(c, true, []);
    removals++;
  };
  /** One RPC. When the gofer is out of FDs (EMFILE/ENFILE), the FDs this side has queued for
   * closing (and a stashed walk) are sent back first and the RPC is tried once more: the core
   * sheds its FDs and retries on EMFILE, and the FDs it sheds land in the queue. */
  const rpc = <T>(f: () => T): T => {
    stats.rpcs++;
    try {
      return f();
    } catch (e) {
      if (!(e instanceof LisafsError && (e.errno === 24 || e.errno === 23)) || !flushAll()) throw e;
      stats.rpcs++;
      return f();
    }
  };
  /** Sends every queued close (after releasing the walk stash). True if anything was sent. */
  const flushAll = (): boolean => {
    dropWalked();
    let sent = false;
    for (const [c, q] of closeQueues) {
      if (q.length) {
        sent = true;
        rpc(() => c.close(q.splice(0)));
      }
    }
    return sent;
  };
  /** Closes lisafs FDs in batches of up to 100 (as gVisor's client does); `now` sends the batch
   * at once. */
  const release = (c: LisafsClient, ...fds: number[]): void => releaseAt(c, false, fds);
  const releaseAt = (c: LisafsClient, now: boolean, fds: number[]): void => {
    let q = closeQueues.get(c);
    if (!q) closeQueues.set(c, (q = []));
    for (const f of fds) if (f) q.push(f);
    if (q.length >= 100 || (now && q.length > 0)) rpc(() => c.close(q!.splice(0)));
  };
  /** -errno for a failed RPC (LisafsError carries the Linux errno). An EIO's message (e.g. "the
   * file server exited (status 137), killed by SIGKILL") is noted for the embedder. */
  const fail = (e: unknown): number => {
    if (e instanceof LisafsError) {
      if (e.errno === EIO) note(e.message);
      return -e.errno;
    }
    note(`lisafs: ${(e as Error)?.message ?? String(e)}`);
    return -EIO;
  };
  /** Each mount's connection and root control FD, by mount id (the order of mount() calls, which
   * is the order of the core's wfs_preopen calls): the lisafs fallback import uses them. */
  const mounts: FallbackMount[] = [];
  /** f with its exceptions turned into -errno (fail), at f's arity (guard.ts). */
  const guard = <F extends (...a: never[]) => number>(f: F): F => guardArity(f, fail);

  /** A struct of `size` bytes at core offset `out`, zeroed: its offset, or -EFAULT. */
  const zeroed = (out: number, size: number): number => {
    mem.syncCore();
    const o = out >>> 0;
    if (o + size > mem.coreSize) return -EFAULT;
    mem.coreBytes.fill(0, o, o + size);
    return o;
  };

  /** Writes a lisafs Statx as Linux struct statx: the codec's Statx layout is the first 144
   * bytes of the kernel's struct (the rest is zeroed). */
  const putStatx = (out: number, s: StatxValue): number => {
    const o = zeroed(out, 256);
    if (o < 0) return o;
    encodeInto(Statx, s, new Uint8Array(mem.coreMemory!.buffer), o);
    return 0;
  };
  /** The same from a Statx as its 144 wire bytes (the kernel's own): copied as they are. */
  const putStatxBytes = (out: number, b: Uint8Array): number => {
    const o = zeroed(out, 256);
    if (o < 0) return o;
    new Uint8Array(mem.coreMemory!.buffer).set(b, o);
    return 0;
  };

  /** The iovecs of a data call as (memory bytes, offset, length) triples. */
  const iovecs = (memSel: number, iovs: number, n: number): { u8: Uint8Array; at: number; len: number }[] | number => {
    mem.syncCore();
    const m = memSel === 0 ? mem.coreMemory : mem.guestMemory;
    if (!m) return -EFAULT;
    const u8 = new Uint8Array(m.buffer);
    const out = [];
    for (let i = 0; i < n; i++) {
      const at = mem.coreView.getUint32((iovs >>> 0) + 8 * i, true);
      const len = mem.coreView.getUint32((iovs >>> 0) + 8 * i + 4, true);
      if (at + len > u8.length) return -EFAULT;
      out.push({ u8, at, len });
    }
    return out;
  };

  /* The walk stash: the core looks a name up (statx) and, when it opens the file, opens it right
   * after (openat of the same directory and name). statx is served by a Walk, which returns the
   * child's control FD with its stat; the FD is kept for exactly one import call, so that such
   * an openat needs only OpenAt (2 RPCs per uncached open instead of 3). The walk import keeps
   * its last name's the same way (a symlink the core reads next: ReadLinkAt, no second Walk;
   * readlinkat takes it as openat does). Any other import call
   * that could touch a name releases it first (reads, writes, seeks, polls and clocks do not),
   * so a stashed FD never outlives the lookup it came from past a change of names. */
  let walked: { dir: VNode; name: Uint8Array; ino: Walked } | null = null;
  const dropWalked = (): void => {
    if (walked) release(walked.dir.c, walked.ino.controlFD);
    walked = null;
  };
  /** The stashed inode if it is `name` in `dir` (ownership passes to the caller), else null
   * (and the stash is released). */
  const takeWalked = (dir: VNode, name: Uint8Array): Walked | null => {
    const w = walked;
    walked = null;
    if (w && w.dir === dir && w.name.length === name.length && w.name.every((b, i) => b === name[i])) return w.ino;
    if (w) release(w.dir.c, w.ino.controlFD);
    return null;
  };
  /** The last inode of a Walk of one name, or null (released) when the name is missing. */
  const lastWalked = (c: LisafsClient, w: InodeReply): Walked | null => {
    if (w.status === 1 || w.length === 0) {
      for (let i = 0; i < w.length; i++) release(c, w.controlFD(i));
      return null;
    }
    const i = w.length - 1;
    return { controlFD: w.controlFD(i), mode: w.mode(i) };
  };

  /** The lstat of `name` in `dir` into core `out` for a name the gofer makes no control FD for
   * (a block device: Walk and WalkOpen fail with EPERM, but it may be stated): one WalkStat. */
  const statNoControl = (dir: VNode, name: Uint8Array, out: number): number => {
    const st = rpc(() => dir.c.walkStat(dir.control, [name]));
    const s = st[st.length - 1];
    return s ? putStatx(out, s) : -ENOENT;
  };

  /** A lisafs node for an existing name (the stashed Walk, else a Walk from dir), following the
   * core's open flags. A directory opened read-only in one whose entries were read (a walk, the
   * core's readdirplus case) comes with its first listing batch in the Walk itself
   * (WalkGetdents64Stat, when offered): its first getdents64_stat from the start returns it (a
   * plain getdents64 or an lseek restarts the listing as usual). */
  const openExisting = (dir: VNode, name: Uint8Array, flags: number): number => {
    const c = dir.c;
    let ino = takeWalked(dir, name);
    let batch: DirentBatch | null = null;
    if (!ino && dir.listed && (flags & O_DIRECTORY) && (flags & (O_ACCMODE | O_TRUNC | O_PATH)) === 0 && c.offers('WalkGetdents64Stat')) {
      const r = rpc(() => c.walkGetdents64Stat(dir.control, name, 65536));
      ino = { controlFD: r.controlFD, mode: r.mode };
      if (r.listed) batch = r.batch;
    }
    ino ??= lastWalked(c, rpc(() => c.walkReply(dir.control, [name])));
    if (!ino) return -ENOENT;
    const type = ino.mode & S_IFMT;
    const n = vnode(c, ino.controlFD, type);
    if (flags & O_PATH) return add(n);
    if (n.isLink) { // O_NOFOLLOW on a symlink
      release(c, n.control);
      return -ELOOP;
    }
    if ((flags & O_DIRECTORY) && !n.isDir) {
      release(c, n.control);
      return -ENOTDIR;
    }
    // A directory the core opens to walk through needs only its control FD: the open FD for
    // reading entries comes when it is first read (one gofer FD and one RPC fewer per level).
    if (n.isDir && (flags & O_ACCMODE) === 0 && !(flags & O_TRUNC)) {
      if (batch) { // the listing starts at this batch, not with a fetch from the start
        n.pending = batch;
        n.withStat = true;
        n.eof = batch.end;
        n.dirSeek = null;
        n.listed = true;
        n.prefetched = changes;
      }
      return add(n);
    }
    try {
      const o = rpc(() => c.openAt(n.control, flags & (O_ACCMODE | O_TRUNC)));
      n.open = o.fd;
      // Data moves through the donated host FD, as gVisor's client does with its readFD/writeFD:
      // one copy between the file and guest memory, no PRead/PWrite RPC. Metadata stays RPCs.
      if (o.hostFd !== undefined) n.hostFd = o.hostFd;
    } catch (e) {
      release(c, n.control);
      throw e;
    }
    return add(n);
  };

  /** A directory's open FD, opened on first use (see openExisting). */
  const dirOpen = (n: VNode): void => {
    if (!n.open && n.isDir) n.open = rpc(() => n.c.openAt(n.control, 0)).fd;
  };
  /** getdents64 (withStat false: struct linux_dirent64 records from Getdents64) and
   * getdents64_stat (l_dirent_stat_t records from the extension Getdents64Stat: -ENOSYS when
   * the gofer does not offer it) into buf. lisafs has no directory seek, only a rewind, so a
   * position set by lseek (or a switch between the two kinds) restarts the listing and skips to
   * the entry after that d_off. Returns the bytes written, 0 at the end, -EINVAL for a buffer too
   * small for one entry, -EFAULT, -errno of the RPC. */
  const fillDents = (n: VNode, buf: number, len: number, withStat: boolean): number => {
    if (withStat && !n.c.offers('Getdents64Stat')) return -ENOSYS;
    // The first fill after a read-ahead: if anything changed since, restart from the beginning
    // (as after an lseek to 0; the restart below drops the batch).
    if (n.prefetched >= 0) {
      if (n.prefetched !== changes) n.dirSeek = 0n;
      n.prefetched = -1;
    }
    if (!withStat) {
      dirOpen(n);
      if (!n.open) return -EBADF;
    }
    // One batch from the gofer; n.eof once a Getdents64Stat reply says nothing follows it (a
    // Getdents64 reply cannot: its end is the empty reply after the last batch). Getdents64Stat
    // reads through the control FD while the node has no open FD (one OpenAt fewer per directory
    // a walk lists); a control FD the gofer could only search (O_PATH) is EBADF: then open it.
    const fetch = (count: number): DirentBatch => {
      n.listed = true;
      if (!withStat) return rpc(() => n.c.getdents64Batch(n.open, count));
      let r: DirentBatch;
      try {
        r = rpc(() => n.c.getdents64StatBatch(n.open || n.control, count));
      } catch (e) {
        if (n.open || !(e instanceof LisafsError && e.errno === EBADF)) throw e;
        dirOpen(n);
        r = rpc(() => n.c.getdents64StatBatch(n.open, count));
      }
      if (r.end) n.eof = true;
      return r;
    };
    if (n.withStat !== withStat && n.dirSeek === null) n.dirSeek = n.lastOff;
    n.withStat = withStat;
    if (n.dirSeek !== null) { // restart from the beginning, then skip to the saved position
      const target = n.dirSeek;
      n.pending = NO_DIRENTS;
      n.next = 0;
      n.eof = false;
      n.lastOff = target;
      let first = true;
      if (target !== 0n) {
        let found = false;
        while (!found) {
          const batch = fetch(first ? -65536 : 65536);
          first = false;
          if (batch.length === 0) {
            n.eof = true;
            break;
          }
          for (let i = 0; i < batch.length && !found; i++) {
            if (batch.off(i) !== target) continue;
            n.pending = batch;
            n.next = i + 1;
            found = true;
          }
          if (!found && n.eof) break; // the listing ended without that position
        }
      } else {
        n.pending = fetch(-65536);
        if (n.pending.length === 0) n.eof = true;
      }
      n.dirSeek = null;
    }
    mem.syncCore();
    const v = mem.coreView;
    const u8 = coreU8();
    const at0 = buf >>> 0;
    let used = 0;
    let lastB: DirentBatch | null = null; // the batch and index of the last entry written
    let lastI = 0;
    for (;;) {
      let b = n.pending;
      if (n.next >= b.length) {
        if (n.eof) break;
        n.pending = b = fetch(65536);
        n.next = 0;
        if (b.length === 0) {
          n.eof = true;
          break;
        }
      }
      const i = n.next;
      const nameLen = b.nameLength(i);
      const head = b.withStat ? DIRENT_STAT_HEAD : 19;
      const reclen = (head + nameLen + 1 + 7) & ~7;
      if (used + reclen > len) {
        if (used === 0) return -EINVAL; // buffer too small for one entry (getdents64)
        break;
      }
      const o = at0 + used;
      if (o + reclen > mem.coreSize) return -EFAULT;
      u8.fill(0, o, o + reclen);
      if (b.withStat) { // l_dirent_stat_t (core-c/src/host/imports.h)
        b.putOff(i, v, o);
        v.setUint16(o + 8, reclen, true);
        v.setUint8(o + 10, b.type(i));
        v.setUint16(o + 12, nameLen, true);
        b.putStat(i, v, o + 16); // the kernel's statx bytes, as the gofer read them
        b.putName(i, u8, o + DIRENT_STAT_HEAD);
      } else { // struct linux_dirent64
        b.putIno(i, v, o);
        b.putOff(i, v, o + 8);
        v.setUint16(o + 16, reclen, true);
        v.setUint8(o + 18, b.type(i));
        b.putName(i, u8, o + 19);
      }
      used += reclen;
      lastB = b;
      lastI = i;
      n.next++;
    }
    if (lastB) n.lastOff = lastB.off(lastI);
    return used;
  };

  const setStat = (c: LisafsClient, control: number, mask: number, attrs: Parameters<LisafsClient['setStat']>[2]): number => {
    const r = rpc(() => c.setStat(control, mask, attrs));
    return r.failureMask ? -r.failureErrno : 0;
  };

  /** The control FD and mode of `name` in dirfd: the stashed Walk's, else a Walk's. */
  const walkOne = (dirfd: number, name: number): { dir: VNode; child: number; mode: number } | number => {
    const dir = node(dirfd);
    if (!dir) {
      dropWalked();
      return -EBADF;
    }
    const nm = cstr(name);
    const ino = takeWalked(dir, nm) ?? lastWalked(dir.c, rpc(() => dir.c.walkReply(dir.control, [nm])));
    return ino ? { dir, child: ino.controlFD, mode: ino.mode } : -ENOENT;
  };

  const imports: HostImports = {
    openat: guard((dirfd: number, name: number, flags: number, mode: number): number => {
      const dir = node(dirfd);
      if (!dir || (flags & O_CREAT)) dropWalked();
      if (!dir) return dirfd < VFD_BASE ? real.openat(dirfd, name, flags, mode) : -EBADF;
      const nm = cstr(name);
      if (flags & (O_CREAT | O_TRUNC)) changes++;
      if (flags & O_CREAT) {
        const r = rpc(() => dir.c.openCreateAtReply(dir.control, nm, flags & (O_ACCMODE | O_TRUNC), mode & 0o7777 & ~umask));
        return add(vnode(dir.c, r.reply.controlFD(0), S_IFREG, r.reply.openFD, r.hostFd ?? -1));
      }
      return openExisting(dir, nm, flags);
    }),
    close: guard((fd: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.close(fd) : -EBADF;
      nodes.delete(fd);
      if (n.hostFd >= 0) real.close(n.hostFd);
      // Batched (as gVisor's client, up to 100 FDs per Close), except for a file that was open
      // across an UnlinkAt/RenameAt: it may have lost its last name, and a gofer FD on it would
      // keep its blocks allocated (gVisor flushes at once for a deleted regular file too). Files
      // closed before an unlink are flushed before it is sent (beforeRemoval).
      releaseAt(n.c, n.since !== removals, [n.open, n.control]);
      return 0;
    }),
    statx: guard((dirfd: number, name: number, flags: number, mask: number, out: number): number => {
      dropWalked();
      const dir = node(dirfd);
      if (!dir) return dirfd < VFD_BASE ? real.statx(dirfd, name, flags, mask, out) : -EBADF;
      const nm = cstr(name);
      if (nm.length === 0 && (flags & AT_EMPTY_PATH)) return putStatx(out, rpc(() => dir.c.fstat(dir.control)));
      let w: InodeReply;
      try {
        w = rpc(() => dir.c.walkReply(dir.control, [nm]));
      } catch (e) {
        if (!(e instanceof LisafsError && e.errno === EPERM)) throw e;
        return statNoControl(dir, nm, out);
      }
      const ino = lastWalked(dir.c, w);
      if (!ino) return -ENOENT;
      walked = { dir, name: nm, ino }; // for an openat that follows at once (see takeWalked)
      return putStatxBytes(out, w.stat(w.length - 1));
    }),
    // A lookup that opens (core-c's host_openat_stat): one WalkOpen. Not opened (not a regular
    // file, or its open failed): -EOPNOTSUPP with the stat, the walked child kept for the openat
    // that follows (as statx keeps it). A block device has no control FD: statx's WalkStat.
    openat_stat: guard((dirfd: number, name: number, flags: number, out: number): number => {
      const dir = node(dirfd);
      if (!dir || !dir.c.offers('WalkOpen')) return -ENOSYS;
      dropWalked();
      const nm = cstr(name);
      let r: { reply: InodeReply; hostFd?: number };
      try {
        r = rpc(() => dir.c.walkOpenReply(dir.control, nm, flags & O_ACCMODE));
      } catch (e) {
        if (!(e instanceof LisafsError && e.errno === EPERM)) throw e;
        const st = statNoControl(dir, nm, out);
        return st < 0 ? st : -EOPNOTSUPP;
      }
      const w = r.reply;
      const control = w.controlFD(0);
      const put = putStatxBytes(out, w.stat(0));
      if (put < 0) {
        if (r.hostFd !== undefined) real.close(r.hostFd);
        release(dir.c, w.openFD, control);
        return put;
      }
      if (w.openFD === 0) { // not opened (nothing donated then)
        walked = { dir, name: nm, ino: { controlFD: control, mode: w.mode(0) } };
        return -EOPNOTSUPP;
      }
      return add(vnode(dir.c, control, S_IFREG, w.openFD, r.hostFd ?? -1));
    }),
    getdents64: guard((fd: number, buf: number, len: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.getdents64(fd, buf, len) : -EBADF;
      if (!n.isDir) return -ENOTDIR;
      return fillDents(n, buf, len, false);
    }),
    // A run of names the core has not cached (core-c's host_walk, for dentry_prefetch): one Walk
    // RPC. A directory's record gets a node on its control FD (as openat of it would give);
    // other types' control FDs are released (queued) and their records say fd -1; the first
    // missing name's record says -ENOENT. Errors (ENOTDIR, EPERM for a block device, ...) are
    // the Walk's: the core then looks the names up one by one.
    walk: guard((dirfd: number, names: number, count: number, out: number): number => {
      const dir = node(dirfd);
      if (!dir) return dirfd < VFD_BASE ? real.walk(dirfd, names, count, out) : -EBADF;
      dropWalked();
      if (count < 1 || count > 64) return -EINVAL;
      const list: Uint8Array[] = [];
      let at = names >>> 0;
      for (let i = 0; i < count; i++) {
        const nm = cstr(at);
        list.push(nm);
        at += nm.length + 1;
      }
      const w = rpc(() => dir.c.walkReply(dir.control, list));
      const recs = w.length + (w.status === 1 ? 1 : 0);
      const o = zeroed(out, recs * WALK_REC);
      if (o < 0) {
        for (let i = 0; i < w.length; i++) release(dir.c, w.controlFD(i));
        return o;
      }
      const v = mem.coreView;
      const u8 = coreU8();
      let parent = dir;
      for (let i = 0; i < w.length; i++) {
        const control = w.controlFD(i);
        const mode = w.mode(i);
        let fd = -1;
        if ((mode & S_IFMT) === S_IFDIR) {
          fd = add(vnode(dir.c, control, S_IFDIR));
          parent = node(fd)!;
        } else if (i === w.length - 1) {
          walked = { dir: parent, name: list[i]!, ino: { controlFD: control, mode } }; // for the readlinkat or openat that follows
        } else {
          release(dir.c, control);
        }
        v.setInt32(o + i * WALK_REC, fd, true);
        u8.set(w.stat(i), o + i * WALK_REC + 8); // the kernel's statx bytes
      }
      if (w.status === 1) {
        v.setInt32(o + w.length * WALK_REC, -1, true);
        v.setInt32(o + w.length * WALK_REC + 4, -ENOENT, true);
      }
      return recs;
    }),
    getdents64_stat: guard((fd: number, buf: number, len: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.getdents64_stat(fd, buf, len) : -EBADF;
      if (!n.isDir) return -ENOTDIR;
      return fillDents(n, buf, len, true);
    }),
    lseek: (fd: number, off: bigint, whence: number): bigint => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.lseek(fd, off, whence) : BigInt(-EBADF);
      if (!n.isDir) return BigInt(-ESPIPE);
      if (whence !== 0 || off < 0n) return BigInt(-EINVAL);
      n.dirSeek = off;
      return off;
    },
    mkdirat: guard((dirfd: number, name: number, mode: number): number => {
      const dir = node(dirfd);
      if (!dir) return -EBADF;
      release(dir.c, rpc(() => dir.c.mkdirAt(dir.control, cstr(name), mode & 0o7777 & ~umask)).controlFD);
      return 0;
    }),
    mknodat: guard((dirfd: number, name: number, mode: number, dev: number): number => {
      const dir = node(dirfd);
      if (!dir) return -EBADF;
      const major = ((dev >>> 8) & 0xfff), minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
      release(dir.c, rpc(() => dir.c.mknodAt(dir.control, cstr(name), (mode & ~0o7777) | (mode & 0o7777 & ~umask), major, minor)).controlFD);
      return 0;
    }),
    symlinkat: guard((target: number, dirfd: number, name: number): number => {
      const dir = node(dirfd);
      if (!dir) return -EBADF;
      release(dir.c, rpc(() => dir.c.symlinkAt(dir.control, cstr(name), cstr(target))).controlFD);
      return 0;
    }),
    linkat: guard((olddirfd: number, oldname: number, newdirfd: number, newname: number, flags: number): number => {
      if (flags !== 0) return -EINVAL;
      const src = walkOne(olddirfd, oldname);
      if (typeof src === 'number') return src;
      const ndir = node(newdirfd);
      try {
        if (!ndir) return -EBADF;
        if (ndir.c !== src.dir.c) return -18; // EXDEV: two mounts
        release(ndir.c, rpc(() => ndir.c.linkAt(ndir.control, cstr(newname), src.child)).controlFD);
        return 0;
      } finally {
        release(src.dir.c, src.child);
      }
    }),
    unlinkat: guard((dirfd: number, name: number, flags: number): number => {
      const dir = node(dirfd);
      if (!dir) return -EBADF;
      beforeRemoval(dir.c);
      rpc(() => dir.c.unlinkAt(dir.control, cstr(name), flags & AT_REMOVEDIR));
      return 0;
    }),
    renameat2: guard((olddirfd: number, oldname: number, newdirfd: number, newname: number, flags: number): number => {
      const a = node(olddirfd), b = node(newdirfd);
      if (!a || !b) return -EBADF;
      if (a.c !== b.c) return -18; // EXDEV: two mounts
      beforeRemoval(a.c);
      rpc(() => a.c.renameAt(a.control, cstr(oldname), b.control, cstr(newname), flags));
      return 0;
    }),
    readlinkat: guard((dirfd: number, name: number, buf: number, len: number): number => {
      const nm = cstr(name);
      let target: Uint8Array;
      if (nm.length === 0) {
        dropWalked();
        const n = node(dirfd);
        if (!n) return -EBADF;
        target = rpc(() => n.c.readLinkAt(n.control));
      } else { // the symlink a walk just stopped at (the stash), else a Walk to it
        const w = walkOne(dirfd, name);
        if (typeof w === 'number') return w;
        try {
          if ((w.mode & S_IFMT) !== S_IFLNK) return -EINVAL;
          target = rpc(() => w.dir.c.readLinkAt(w.child));
        } finally {
          release(w.dir.c, w.child);
        }
      }
      const n = Math.min(len, target.length);
      mem.syncCore();
      if ((buf >>> 0) + n > mem.coreSize) return -EFAULT;
      coreU8().set(target.subarray(0, n), buf >>> 0);
      return n;
    }),
    fchmod: guard((fd: number, mode: number): number => {
      const n = node(fd);
      return n ? setStat(n.c, n.control, M_MODE, { mode: mode & 0o7777 }) : -EBADF;
    }),
    fchmodat: guard((dirfd: number, name: number, mode: number): number => {
      const w = walkOne(dirfd, name);
      if (typeof w === 'number') return w;
      try {
        return setStat(w.dir.c, w.child, M_MODE, { mode: mode & 0o7777 });
      } finally {
        release(w.dir.c, w.child);
      }
    }),
    fchownat: guard((fd: number, name: number, uid: number, gid: number, flags: number): number => {
      const n = node(fd);
      if (!n || !(flags & AT_EMPTY_PATH) || cstr(name).length) return n ? -EINVAL : -EBADF;
      const mask = (uid !== -1 ? M_UID : 0) | (gid !== -1 ? M_GID : 0);
      return mask ? setStat(n.c, n.control, mask, { uid: uid >>> 0, gid: gid >>> 0 }) : 0;
    }),
    utimensat: guard((dirfd: number, nameOrNull: number, times: number): number => {
      mem.syncCore();
      const v = mem.coreView;
      const t = (i: number) => ({ sec: v.getBigInt64((times >>> 0) + 16 * i, true), nsec: v.getBigInt64((times >>> 0) + 16 * i + 8, true) });
      const at = times ? t(0) : { sec: 0n, nsec: BigInt(UTIME_NOW) };
      const mt = times ? t(1) : { sec: 0n, nsec: BigInt(UTIME_NOW) };
      const mask = (at.nsec === BigInt(UTIME_OMIT) ? 0 : M_ATIME) | (mt.nsec === BigInt(UTIME_OMIT) ? 0 : M_MTIME);
      if (!mask) return 0;
      if (nameOrNull === 0) {
        const n = node(dirfd);
        return n ? setStat(n.c, n.control, mask, { atime: at, mtime: mt }) : -EBADF;
      }
      const w = walkOne(dirfd, nameOrNull);
      if (typeof w === 'number') return w;
      try {
        return setStat(w.dir.c, w.child, mask, { atime: at, mtime: mt });
      } finally {
        release(w.dir.c, w.child);
      }
    }),
    ftruncate: guard((fd: number, len: bigint): number => {
      const n = node(fd);
      return n ? setStat(n.c, n.control, M_SIZE, { size: len }) : -EBADF;
    }),
    fallocate: guard((fd: number, mode: number, off: bigint, len: bigint): number => {
      const n = node(fd);
      if (!n || !n.open) return -EBADF;
      rpc(() => n.c.fallocate(n.open, mode, off, len));
      return 0;
    }),
    fadvise: (fd: number): number => (node(fd) ? 0 : fd < VFD_BASE ? 0 : -EBADF),
    fgetxattr: guard((fd: number, name: number, buf: number, size: number): number => {
      const n = node(fd);
      if (!n) return -EBADF;
      const val = rpc(() => n.c.fgetxattr(n.control, cstr(name), size === 0 ? 0xffff : size));
      if (size === 0) return val.length;
      if (val.length > size) return -ERANGE;
      coreU8().set(val, buf >>> 0);
      return val.length;
    }),
    fsetxattr: guard((fd: number, name: number, value: number, size: number, flags: number): number => {
      const n = node(fd);
      if (!n) return -EBADF;
      const val = coreU8().slice(value >>> 0, (value >>> 0) + size);
      rpc(() => n.c.fsetxattr(n.control, cstr(name), val, flags));
      return 0;
    }),
    flistxattr: guard((fd: number, buf: number, size: number): number => {
      const n = node(fd);
      if (!n) return -EBADF;
      const names = rpc(() => n.c.flistxattr(n.control, size === 0 ? 0xffff : size));
      const total = names.reduce((s, x) => s + x.length + 1, 0);
      if (size === 0) return total;
      if (total > size) return -ERANGE;
      const u8 = coreU8();
      let o = buf >>> 0;
      for (const x of names) {
        u8.set(x, o);
        u8[o + x.length] = 0;
        o += x.length + 1;
      }
      return total;
    }),
    fremovexattr: guard((fd: number, name: number): number => {
      const n = node(fd);
      if (!n) return -EBADF;
      rpc(() => n.c.fremovexattr(n.control, cstr(name)));
      return 0;
    }),
    fstatfs: guard((fd: number, out: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.fstatfs(fd, out) : -EBADF;
      releaseAt(n.c, true, []); // free space as the host counts it: nothing held for closed files
      const s = rpc(() => n.c.fstatfs(n.control));
      const o = zeroed(out, 120);
      if (o < 0) return o;
      const v = mem.coreView;
      v.setBigUint64(o, s.type, true);
      v.setBigInt64(o + 8, s.blockSize, true);
      v.setBigUint64(o + 16, s.blocks, true);
      v.setBigUint64(o + 24, s.blocksFree, true);
      v.setBigUint64(o + 32, s.blocksAvailable, true);
      v.setBigUint64(o + 40, s.files, true);
      v.setBigUint64(o + 48, s.filesFree, true);
      v.setBigUint64(o + 64, s.nameLength, true);
      v.setBigInt64(o + 72, s.blockSize, true);
      return 0;
    }),
    fsync: guard((fd: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.fsync(fd) : -EBADF;
      dirOpen(n);
      if (n.open) rpc(() => n.c.fsync([n.open]));
      return 0;
    }),
    fdatasync: guard((fd: number): number => {
      const n = node(fd);
      if (!n) return fd < VFD_BASE ? real.fdatasync(fd) : -EBADF;
      dirOpen(n);
      if (n.open) rpc(() => n.c.fsync([n.open]));
      return 0;
    }),
    preadv: guard((fd: number, memSel: number, iovs: number, n: number, off: bigint): number => {
      const v = node(fd);
      if (!v) return fd < VFD_BASE ? real.preadv(fd, memSel, iovs, n, off) : -EBADF;
      if (v.hostFd >= 0) return real.preadv(v.hostFd, memSel, iovs, n, off); // donated: file or stream
      if (!v.open) return -EBADF;
      if (v.isDir) return -21;
      const list = iovecs(memSel, iovs, n);
      if (typeof list === 'number') return list;
      const total = list.reduce((s, x) => s + x.len, 0);
      const data = rpc(() => v.c.pread(v.open, off < 0n ? 0n : off, total));
      let done = 0;
      for (const x of list) {
        if (done >= data.length) break;
        const k = Math.min(x.len, data.length - done);
        x.u8.set(data.subarray(done, done + k), x.at);
        done += k;
      }
      return done;
    }),
    pwritev: guard((fd: number, memSel: number, iovs: number, n: number, off: bigint, flags: number): number => {
      const v = node(fd);
      changes++;
      if (!v) return fd < VFD_BASE ? real.pwritev(fd, memSel, iovs, n, off, flags) : -EBADF;
      if (v.hostFd >= 0) return real.pwritev(v.hostFd, memSel, iovs, n, off, flags); // donated: file or stream
      if (!v.open) return -EBADF;
      const list = iovecs(memSel, iovs, n);
      if (typeof list === 'number') return list;
      const total = list.reduce((s, x) => s + x.len, 0);
      const data = new Uint8Array(total);
      let o = 0;
      for (const x of list) {
        data.set(x.u8.subarray(x.at, x.at + x.len), o);
        o += x.len;
      }
      const at = flags & 0x10 ? rpc(() => v.c.fstat(v.control)).size : off < 0n ? 0n : off; // RWF_APPEND
      return rpc(() => v.c.pwrite(v.open, at, data));
    }),
    poll: (fds: number, n: number, timeout: number): number => {
      // Virtual FDs (files through the gofer) are always ready; real streams are polled (the
      // virtual entries are hidden from poll(2) as fd -1 meanwhile).
      mem.syncCore();
      const v = mem.coreView;
      const base = fds >>> 0;
      const hidden: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const fd = v.getInt32(base + 8 * i, true);
        if (fd >= VFD_BASE) {
          hidden.push([i, fd]);
          v.setInt32(base + 8 * i, -1, true);
        }
      }
      let r = hidden.length === n ? 0 : real.poll(fds, n, hidden.length ? 0 : timeout);
      mem.syncCore();
      for (const [i, fd] of hidden) {
        mem.coreView.setInt32(base + 8 * i, fd, true);
        mem.coreView.setInt16(base + 8 * i + 6, mem.coreView.getInt16(base + 8 * i + 4, true), true);
      }
      if (r >= 0) r += hidden.length;
      return r;
    },
    fionread: (fd: number): number => {
      const v = node(fd);
      if (!v) return fd < VFD_BASE ? real.fionread(fd) : -EBADF;
      return v.hostFd >= 0 ? real.fionread(v.hostFd) : -ENOTTY; // a file through the gofer is no stream
    },
    now_ns: (): bigint => real.now_ns(),
  };

  // Every import but statx, openat, openat_stat and readlinkat (which manage it) releases the walk
  // stash first, except the data, seek, poll and clock calls: they change no name and are the hot
  // path, where this wrapper would cost a call and an argument array each time.
  const keepsStash = new Set<string>(['statx', 'openat', 'openat_stat', 'readlinkat', 'preadv', 'pwritev', 'lseek', 'poll', 'fionread', 'now_ns']);
  // The calls that change names or metadata count as changes (openat and pwritev count their own).
  const CHANGES = new Set<string>(['mkdirat', 'mknodat', 'symlinkat', 'linkat', 'unlinkat', 'renameat2', 'fchmod',
    'fchmodat', 'fchownat', 'utimensat', 'ftruncate', 'fallocate', 'fsetxattr', 'fremovexattr']);
  for (const k of Object.keys(imports) as (keyof HostImports)[]) {
    if (keepsStash.has(k)) continue;
    const f = imports[k] as (...a: unknown[]) => unknown;
    const change = CHANGES.has(k) ? 1 : 0;
    (imports as unknown as Record<string, unknown>)[k] = (...a: unknown[]): unknown => {
      if (walked) dropWalked();
      changes += change;
      return f(...a);
    };
  }

  /** Mount on a connected client: the root's virtual FD (its control FD plus an open FD to
   * read it as a directory). A donated host FD for the root is closed: lisafs mode reaches the
   * host only through the gofer. */
  const mount = (c: LisafsClient): number => {
    const m = rpc(() => c.mount());
    if (m.rootHostFd !== undefined) real.close(m.rootHostFd);
    const n = vnode(c, m.root.controlFD, S_IFDIR);
    n.open = rpc(() => c.openAt(n.control, 0)).fd;
    mounts.push({ c, root: n.control });
    return add(n);
  };
  return { imports, mount, stats, mounts };
}
