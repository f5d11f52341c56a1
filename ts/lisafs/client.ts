/* client.ts — the synchronous lisafs client: one method per message, over either channel.
 *
 * Owns:
 *  - `LisafsClient`: encodes requests with the message table, sends them through a Transport
 *    (ts/lisafs/channel.ts), checks every reply (MID, layout, donated FD count) and returns typed
 *    values; Error replies become LisafsError with the Linux errno;
 *  - the MIDs the server said it supports (from Mount): others fail locally with EOPNOTSUPP, and
 *    an unsupported Flush is a no-op (as gVisor's client does);
 *  - PRead/PWrite chunking at the negotiated maximum message size.
 *
 * Ownership: host FDs in results (`rootHostFd`, `hostFd`) are the caller's to close. Lisafs FDIDs
 * are released with `close([...])`.
 * Errors (LisafsError): the server's errno; EINVAL for a reply with the wrong MID or a request
 * value that cannot be encoded; EIO for a malformed reply, and EIO "the file server exited
 * (status N)" once the gofer is gone (every later call fails the same way).
 */

import {
  MESSAGES, MAX_MESSAGE_SIZE, NO_ID, decode, encode, Encoder, LisafsEncodeError, LisafsDecodeError, DirentBatch, InodeReply, Statx, Inode,
  StatFS, Dirent64, DirentStat,
} from './messages.js';
import type { Desc, MessageName, RequestName, Req, Resp, Value } from './messages.js';
export type { MessageName } from './messages.js';
import { LisafsError, WorkerTransport, ProcessTransport } from './channel.js';
import type { Transport, RawReply } from './channel.js';
import * as sys from './sys.js';

export { LisafsError } from './channel.js';
export type { Transport, RawReply } from './channel.js';

export type StatxValue = Value<typeof Statx>;
export type InodeValue = Value<typeof Inode>;
export type StatFSValue = Value<typeof StatFS>;
export type Dirent64Value = Value<typeof Dirent64>;
export type DirentStatValue = Value<typeof DirentStat>;
export type Name = string | Uint8Array;

/** The donated FDs a reply may carry (`max`, the message's count) that are open FDs; others
 * are closed. The caller owns the result. */
function keepFds(fds: readonly number[], max: number): number[] {
  const out: number[] = [];
  for (const f of fds) {
    if (out.length < max && f >= 0 && sys.fcntl(f, F_GETFD, 0) >= 0) out.push(f);
    else if (f >= 0) sys.close(f);
  }
  return out;
}

export interface ConnectOptions {
  /** 'worker' (a worker_thread, shared memory) or 'process' (a child process, socketpair). */
  channel: 'worker' | 'process';
  /** The host directory the gofer serves (it opens it itself). */
  root: string;
  /** Path of dist/gofer-main.js (found automatically when omitted). */
  goferScript?: string;
}

const EIO = 5;
const EINVAL = 22;
const EOPNOTSUPP = 95;
const F_GETFD = 1;
const enc = new TextEncoder();

function bytes(n: Name): Uint8Array {
  return typeof n === 'string' ? enc.encode(n) : n;
}

/** Times for setStat: {sec, nsec} (nsec may be UTIME_NOW / UTIME_OMIT). */
export interface Timespec {
  sec: bigint;
  nsec: bigint;
}

export class LisafsClient {
  private supported: Set<number> | null = null;
  /** RPCs sent, by message name (for tests that prove which path served a call). */
  readonly rpcCounts: Partial<Record<MessageName, number>> = {};
  private maxMessageSize = 1 << 20; // until Mount says otherwise (reference §5.3)
  /** Requests are encoded here (a view, handed to the transport, which copies it out). */
  private readonly encoder = new Encoder();

  constructor(readonly transport: Transport) {}

  /** Starts a gofer on `opts.root` over the chosen channel. Throws LisafsError. */
  static connect(opts: ConnectOptions): LisafsClient {
    const t = opts.channel === 'worker' ? new WorkerTransport(opts.root, opts.goferScript) : new ProcessTransport(opts.root, opts.goferScript);
    return new LisafsClient(t);
  }

  /** Ends the connection; the gofer closes everything it holds and exits. */
  disconnect(): void {
    this.transport.close();
  }

  /** Sends raw bytes as message `mid` and returns the raw reply (tests of hostile input). */
  raw(mid: number, payload: Uint8Array): RawReply {
    return this.transport.call(mid, payload);
  }

  /** One RPC: encode, call, check, decode. Donated FDs beyond the table's count are closed. */
  private rpc<N extends RequestName>(name: N, req: Req<N>): { resp: Resp<N>; fds: number[] } {
    const def = MESSAGES[name];
    const r = this.send(name, req);
    const d = decode(def.resp as Desc, r.payload);
    if (!d.ok) {
      for (const f of r.fds) sys.close(f);
      throw new LisafsError(EIO, `lisafs: malformed ${name} reply: ${d.error.message}`);
    }
    return { resp: d.value as Resp<N>, fds: keepFds(r.fds, def.respFds) };
  }

  /** An RPC up to its reply's bytes: encode, call, check that the reply is `name`'s (an Error
   * reply throws its errno; FDs donated with a failed reply are closed). The payload is the
   * transport's, valid until the next call; the caller decodes it and owns the FDs. */
  private send<N extends RequestName>(name: N, req: Req<N>): RawReply {
    const def = MESSAGES[name];
    if (this.supported !== null && !this.supported.has(def.mid)) throw new LisafsError(EOPNOTSUPP, `lisafs: ${name} is not supported by the file server`);
    let payload: Uint8Array;
    try {
      payload = this.encoder.encode(def.req as Desc, req as never);
    } catch (e) {
      if (e instanceof LisafsEncodeError) throw new LisafsError(EINVAL, e.message);
      throw e;
    }
    this.rpcCounts[name] = (this.rpcCounts[name] ?? 0) + 1;
    const r = this.transport.call(def.mid, payload);
    const closeAll = (): void => {
      for (const f of r.fds) sys.close(f);
    };
    if (r.mid === MESSAGES.Error.mid) {
      closeAll();
      const d = decode(MESSAGES.Error.resp, r.payload);
      if (!d.ok) throw new LisafsError(EIO, `lisafs: malformed error reply to ${name}`);
      throw new LisafsError(d.value.errno, `lisafs: ${name}: ${new LisafsError(d.value.errno).code}`);
    }
    if (r.mid !== def.mid) {
      closeAll();
      throw new LisafsError(EINVAL, `lisafs: reply MID ${r.mid} to ${name} (MID ${def.mid})`);
    }
    return r;
  }

  /** A Getdents64 / Getdents64Stat reply as a DirentBatch on a copy of its bytes (the listing's
   * hot path: no object per entry). EIO for a malformed reply. */
  private dirents(name: 'Getdents64' | 'Getdents64Stat', dirFD: number, count: number): DirentBatch {
    const r = this.send(name, { dirFD, count });
    for (const f of r.fds) sys.close(f); // these replies donate none
    const b = DirentBatch.parse(r.payload.slice(), name === 'Getdents64Stat');
    if (b instanceof LisafsDecodeError) throw new LisafsError(EIO, `lisafs: malformed ${name} reply: ${b.message}`);
    return b;
  }

  // ---- the messages ----------------------------------------------------------------------------

  /** Mount: the root's control FD and stat, and (when donated) a host FD on the mount root,
   * checked to be that very directory (same inode and device as the reply's stat; EIO and the
   * FD closed otherwise). */
  mount(): { root: InodeValue; rootHostFd?: number; maxMessageSize: number; supported: number[] } {
    const { resp, fds } = this.rpc('Mount', {});
    this.supported = new Set(resp.supported);
    this.maxMessageSize = Math.min(resp.maxMessageSize, MAX_MESSAGE_SIZE);
    const out: { root: InodeValue; rootHostFd?: number; maxMessageSize: number; supported: number[] } = {
      root: resp.root,
      maxMessageSize: resp.maxMessageSize,
      supported: resp.supported,
    };
    const donated = fds[0];
    if (donated !== undefined) {
      // The donated FD must be the root the reply describes (DESIGN invariant 7).
      const id = sys.fdIdentity(donated);
      const st = resp.root.stat;
      if (id === null || id.ino !== st.ino || id.devMajor !== st.devMajor || id.devMinor !== st.devMinor) {
        sys.close(donated);
        throw new LisafsError(EIO, 'lisafs: the FD donated with Mount is not the mount root');
      }
      out.rootHostFd = donated;
    }
    return out;
  }

  /** Channel: asks for a flipcall channel (not served by this gofer: EOPNOTSUPP, docs/lisafs.md). */
  channel(): { dataOffset: bigint; dataLength: bigint; fds: number[] } {
    const { resp, fds } = this.rpc('Channel', {});
    return { ...resp, fds };
  }

  fstat(fd: number): StatxValue {
    return this.rpc('FStat', { fd }).resp;
  }

  /** SetStat on a control FD; fields not in `mask` are ignored. Returns the failure mask and the
   * first failure's errno (0, 0 when all succeeded). */
  setStat(
    fd: number,
    mask: number,
    attrs: { mode?: number; uid?: number; gid?: number; size?: bigint; atime?: Timespec; mtime?: Timespec },
  ): { failureMask: number; failureErrno: number } {
    const zero = { sec: 0n, nsec: 0n };
    return this.rpc('SetStat', {
      fd,
      mask,
      mode: attrs.mode ?? 0,
      uid: attrs.uid ?? NO_ID,
      gid: attrs.gid ?? NO_ID,
      size: attrs.size ?? 0n,
      atime: attrs.atime ?? zero,
      mtime: attrs.mtime ?? zero,
    }).resp;
  }

  /** Walk from directory control FD `dirFD`; status 0 success, 1 a name is missing, 2 stopped at
   * a symlink (its inode is the last one). Every returned inode has a new control FD. */
  walk(dirFD: number, names: readonly Name[]): { status: number; inodes: InodeValue[] } {
    const r = this.walkReply(dirFD, names);
    return { status: r.status, inodes: Array.from({ length: r.length }, (_, i) => r.inode(i)) };
  }

  /** walk's reply read in place (InodeReply: each Statx as its 144 bytes), for a lookup's hot
   * path. EIO for a malformed reply. */
  walkReply(dirFD: number, names: readonly Name[]): InodeReply {
    return this.inodes('Walk', { dirFD, path: names.map(bytes) }).reply;
  }

  /** WalkStat: stats along `names` (a leading '' also stats `dirFD`); no FDs are made. */
  walkStat(dirFD: number, names: readonly Name[]): StatxValue[] {
    return this.rpc('WalkStat', { dirFD, path: names.map(bytes) }).resp.stats;
  }

  /** OpenAt: an open FD on control FD `fd` (only O_ACCMODE and O_TRUNC count), and the donated
   * host FD for regular files, FIFOs and character devices. */
  openAt(fd: number, flags: number): { fd: number; hostFd?: number } {
    const { resp, fds } = this.rpc('OpenAt', { fd, flags, });
    return fds[0] !== undefined ? { fd: resp.openFD, hostFd: fds[0] } : { fd: resp.openFD };
  }

  openCreateAt(dirFD: number, name: Name, flags: number, mode: number, uid = NO_ID, gid = NO_ID): { child: InodeValue; fd: number; hostFd?: number } {
    const r = this.openCreateAtReply(dirFD, name, flags, mode, uid, gid);
    const out: { child: InodeValue; fd: number; hostFd?: number } = { child: r.reply.inode(0), fd: r.reply.openFD };
    if (r.hostFd !== undefined) out.hostFd = r.hostFd;
    return out;
  }

  /** Close: releases FDIDs (at most 65535 per call; more are sent in batches). */
  close(fds: readonly number[]): void {
    for (let i = 0; i < fds.length; i += 0xffff) this.rpc('Close', { fds: fds.slice(i, i + 0xffff) });
  }

  fsync(fds: readonly number[]): void {
    this.rpc('FSync', { fds: [...fds] });
  }

  /** PWrite of all of `data` at `offset`, in chunks of maxMessageSize − 20. Returns the bytes
   * written (a short chunk ends the loop). */
  pwrite(fd: number, offset: bigint | number, data: Uint8Array): number {
    const chunk = this.maxMessageSize - 20;
    let done = 0;
    let off = BigInt(offset);
    do {
      const piece = data.subarray(done, done + chunk);
      const n = Number(this.rpc('PWrite', { offset: off, fd, data: piece }).resp.count);
      done += n;
      off += BigInt(n);
      if (n < piece.length) break;
    } while (done < data.length);
    return done;
  }

  /** PRead of up to `count` bytes at `offset`, in chunks of maxMessageSize − 8; fewer at EOF. */
  pread(fd: number, offset: bigint | number, count: number): Uint8Array {
    const chunk = this.maxMessageSize - 8;
    const parts: Uint8Array[] = [];
    let total = 0;
    let off = BigInt(offset);
    while (total < count) {
      const want = Math.min(chunk, count - total);
      const got = this.rpc('PRead', { offset: off, fd, count: want }).resp.data;
      parts.push(got);
      total += got.length;
      off += BigInt(got.length);
      if (got.length < want) break;
    }
    if (parts.length === 1) return parts[0] as Uint8Array;
    const out = new Uint8Array(total);
    let p = 0;
    for (const part of parts) {
      out.set(part, p);
      p += part.length;
    }
    return out;
  }

  mkdirAt(dirFD: number, name: Name, mode: number, uid = NO_ID, gid = NO_ID): InodeValue {
    return this.rpc('MkdirAt', { common: { dirFD, uid, gid, mode }, name: bytes(name) }).resp.child;
  }

  mknodAt(dirFD: number, name: Name, mode: number, major = 0, minor = 0, uid = NO_ID, gid = NO_ID): InodeValue {
    return this.rpc('MknodAt', { common: { dirFD, uid, gid, mode }, minor, major, name: bytes(name) }).resp.child;
  }

  symlinkAt(dirFD: number, name: Name, target: Name, uid = NO_ID, gid = NO_ID): InodeValue {
    return this.rpc('SymlinkAt', { dirFD, uid, gid, name: bytes(name), target: bytes(target) }).resp.symlink;
  }

  /** LinkAt: a hard link `name` in `dirFD` to the file of control FD `target`. */
  linkAt(dirFD: number, name: Name, target: number): InodeValue {
    return this.rpc('LinkAt', { dirFD, target, name: bytes(name) }).resp.link;
  }

  fstatfs(fd: number): StatFSValue {
    return this.rpc('FStatFS', { fd }).resp;
  }

  fallocate(fd: number, mode: number, offset: bigint | number, length: bigint | number): void {
    this.rpc('FAllocate', { fd, mode: BigInt(mode), offset: BigInt(offset), length: BigInt(length) });
  }

  readLinkAt(fd: number): Uint8Array {
    return this.rpc('ReadLinkAt', { fd }).resp.target;
  }

  flush(fd: number): void {
    if (this.supported !== null && !this.supported.has(MESSAGES.Flush.mid)) return;
    this.rpc('Flush', { fd });
  }

  /** Connect to the socket file of control FD `fd`; returns the connected host socket. */
  connect(fd: number, sockType = 0): number {
    return this.needFd(this.rpc('Connect', { fd, sockType }).fds, 'Connect');
  }

  connectWithCreds(fd: number, sockType: number, uid: number, gid: number): number {
    return this.needFd(this.rpc('ConnectWithCreds', { fd, sockType, uid, gid }).fds, 'ConnectWithCreds');
  }

  unlinkAt(dirFD: number, name: Name, flags = 0): void {
    this.rpc('UnlinkAt', { dirFD, flags, name: bytes(name) });
  }

  /** RenameAt, or RenameAt2 when `flags` (RENAME_NOREPLACE, RENAME_EXCHANGE, ...) is not 0. */
  renameAt(oldDir: number, oldName: Name, newDir: number, newName: Name, flags = 0): void {
    const base = { oldDir, newDir, oldName: bytes(oldName), newName: bytes(newName) };
    if (flags === 0) this.rpc('RenameAt', base);
    else this.rpc('RenameAt2', { ...base, flags });
  }

  /** Getdents64 on an open directory FD; `count` < 0 rewinds first, |count| is the byte budget. */
  getdents64(dirFD: number, count: number): Dirent64Value[] {
    return this.rpc('Getdents64', { dirFD, count }).resp.dirents;
  }
  /** getdents64's reply read in place (DirentBatch), for a listing's hot path. */
  getdents64Batch(dirFD: number, count: number): DirentBatch {
    return this.dirents('Getdents64', dirFD, count);
  }

  /** The extension Getdents64Stat: as getdents64, each entry with the lstat of its name
   * (entries that vanished are left out), and `end`: true when the listing has nothing after
   * these (no call is needed to learn it). EOPNOTSUPP unless the gofer offers it (`offers`). */
  getdents64Stat(dirFD: number, count: number): { dirents: DirentStatValue[]; end: boolean } {
    const r = this.rpc('Getdents64Stat', { dirFD, count }).resp;
    return { dirents: r.dirents, end: r.end !== 0 };
  }
  /** getdents64Stat's reply read in place (DirentBatch, with its `end`). */
  getdents64StatBatch(dirFD: number, count: number): DirentBatch {
    return this.dirents('Getdents64Stat', dirFD, count);
  }

  /** The extension WalkGetdents64Stat: Walk of one name and, when the child is a directory, its
   * first Getdents64Stat batch (`count` as there; read in place, as getdents64StatBatch). The
   * child's control FD and stx_mode; `listed` false when the gofer did not list it (not a
   * directory, or not readable through its control FD). EIO for a malformed reply, EOPNOTSUPP
   * unless offered. */
  walkGetdents64Stat(dirFD: number, name: Name, count: number): { controlFD: number; mode: number; stat: Uint8Array; listed: boolean; batch: DirentBatch } {
    const r = this.send('WalkGetdents64Stat', { dirFD, count, name: bytes(name) });
    for (const f of r.fds) sys.close(f); // this reply donates none
    const p = r.payload;
    const bad = (why: string): never => {
      throw new LisafsError(EIO, `lisafs: malformed WalkGetdents64Stat reply: ${why}`);
    };
    if (p.length < 155) bad(`${p.length} bytes`);
    const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const controlFD = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
    const b = DirentBatch.parse(p.slice(152), true);
    if (b instanceof LisafsDecodeError) {
      this.close([controlFD]); // the child's FD is the gofer's either way
      return bad(b.message);
    }
    return { controlFD, mode: dv.getUint16(8 + 28, true), stat: p.slice(8, 152), listed: b.length > 0 || b.end, batch: b };
  }

  /** The extension WalkOpen: Walk of one name and, when the child is a regular file, OpenAt of
   * it with `flags` (O_ACCMODE, O_TRUNC): its control FD and stat, the open FD (0: not opened,
   * open it with openAt for the reason) and the donated host FD. EOPNOTSUPP unless offered. */
  walkOpen(dirFD: number, name: Name, flags: number): { child: InodeValue; fd: number; hostFd?: number } {
    const r = this.walkOpenReply(dirFD, name, flags);
    const out: { child: InodeValue; fd: number; hostFd?: number } = { child: r.reply.inode(0), fd: r.reply.openFD };
    if (r.hostFd !== undefined) out.hostFd = r.hostFd;
    return out;
  }

  /** walkOpen's reply read in place (InodeReply: its one inode, `openFD`) and the donated host FD. */
  walkOpenReply(dirFD: number, name: Name, flags: number): { reply: InodeReply; hostFd?: number } {
    const r = this.inodes('WalkOpen', { dirFD, flags, name: bytes(name) });
    return r.fds[0] !== undefined ? { reply: r.reply, hostFd: r.fds[0] } : { reply: r.reply };
  }

  /** openCreateAt's reply read in place (InodeReply: the new file's inode, `openFD` its newFD)
   * and the donated host FD. */
  openCreateAtReply(dirFD: number, name: Name, flags: number, mode: number, uid = NO_ID, gid = NO_ID): { reply: InodeReply; hostFd?: number } {
    const r = this.inodes('OpenCreateAt', { common: { dirFD, uid, gid, mode }, flags, name: bytes(name) });
    return r.fds[0] !== undefined ? { reply: r.reply, hostFd: r.fds[0] } : { reply: r.reply };
  }

  /** A Walk reply, or a WalkOpen / OpenCreateAt one ({Inode, FDID}), as an InodeReply on a copy
   * of its bytes, and its donated FDs. */
  private inodes<N extends 'Walk' | 'WalkOpen' | 'OpenCreateAt'>(name: N, req: Req<N>): { reply: InodeReply; fds: number[] } {
    const r = this.send(name, req);
    const p = InodeReply.parse(r.payload.slice(), name !== 'Walk');
    if (p instanceof LisafsDecodeError) {
      for (const f of r.fds) sys.close(f);
      throw new LisafsError(EIO, `lisafs: malformed ${name} reply: ${p.message}`);
    }
    return { reply: p, fds: keepFds(r.fds, MESSAGES[name].respFds) };
  }

  /** Whether the gofer offers message `name` (true before Mount told). */
  offers(name: MessageName): boolean {
    return this.supported === null || this.supported.has(MESSAGES[name].mid);
  }

  fgetxattr(fd: number, name: Name, bufSize = 0xffff): Uint8Array {
    return this.rpc('FGetXattr', { fd, bufSize, name: bytes(name) }).resp.value;
  }

  fsetxattr(fd: number, name: Name, value: Uint8Array, flags = 0): void {
    this.rpc('FSetXattr', { fd, flags, name: bytes(name), value });
  }

  flistxattr(fd: number, size = 0): Uint8Array[] {
    return this.rpc('FListXattr', { fd, size: BigInt(size) }).resp.names;
  }

  fremovexattr(fd: number, name: Name): void {
    this.rpc('FRemoveXattr', { fd, name: bytes(name) });
  }

  /** BindAt: a new Unix socket bound at `name` in `dirFD`: the socket file's inode, the bound
   * socket's FDID (for listen/accept) and the donated host socket. */
  bindAt(dirFD: number, name: Name, sockType: number, mode: number, uid = NO_ID, gid = NO_ID): { child: InodeValue; boundFD: number; hostFd: number } {
    const { resp, fds } = this.rpc('BindAt', { common: { dirFD, uid, gid, mode }, sockType, name: bytes(name) });
    return { child: resp.child, boundFD: resp.boundSocketFD, hostFd: this.needFd(fds, 'BindAt') };
  }

  listen(fd: number, backlog: number): void {
    this.rpc('Listen', { fd, backlog });
  }

  /** Accept on a bound-socket FD (blocks the gofer until a peer connects). */
  accept(fd: number): { hostFd: number; peerAddr: Uint8Array } {
    const { resp, fds } = this.rpc('Accept', { fd });
    return { hostFd: this.needFd(fds, 'Accept'), peerAddr: resp.peerAddr };
  }

  private needFd(fds: number[], what: string): number {
    const f = fds[0];
    if (f === undefined) throw new LisafsError(EIO, `lisafs: ${what} reply carried no host FD`);
    return f;
  }
}

