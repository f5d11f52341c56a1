// test/lisafs-gofer.test.ts — the lisafs gofer over BOTH channels (worker thread, child process):
// every message against a real temp dir, the errors the reference names, hostile frames (fuzz:
// no crash, no hang, no FD leak), FD donation (the donated FD is read with koffi pread), the
// gofer's death (EIO "the file server exited (status N)", donated FDs stay valid), and the
// median RPC round trip (FStat on the root, 2000 calls) printed per channel.
//
// Needs dist/lisafs/gofer-main.js (./build.sh). Each suite works in its own dir under
// os.tmpdir(), removed at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import koffi from 'koffi';
import {
  mkdtempSync, realpathSync, rmSync, writeFileSync, readFileSync, statSync, lstatSync, symlinkSync, mkdirSync,
  readlinkSync, existsSync, readdirSync, utimesSync,
} from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LisafsClient, LisafsError } from '../ts/lisafs/client.js';
import type { InodeValue } from '../ts/lisafs/client.js';
import { WorkerTransport, ProcessTransport } from '../ts/lisafs/channel.js';
import {
  MESSAGES, NAME_BY_MID, encodeRequest, decode, WALK_SUCCESS, WALK_COMPONENT_DOES_NOT_EXIST, WALK_COMPONENT_SYMLINK,
  SETSTAT_MODE, SETSTAT_SIZE, SETSTAT_MTIME, SETSTAT_ATIME, MAX_MESSAGE_SIZE, Statx, DirentBatch,
} from '../ts/lisafs/messages.js';
import type { Desc, RequestName } from '../ts/lisafs/messages.js';
import { openHostFds } from '../ts/host/hostfd.js';

const ENOENT = 2, EIO = 5, EBADF = 9, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22;
const ENODATA = 61, EOPNOTSUPP = 95, ENOTEMPTY = 39, EPERM = 1, ENOBUFS = 105;
const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_TRUNC = 0o1000;
const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFSOCK = 0o140000, S_IFIFO = 0o010000;
const AT_REMOVEDIR = 0x200, RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, XATTR_CREATE = 1;
const SOCK_STREAM = 1;

const libc = koffi.load('libc.so.6');
const c_pread = libc.func('intptr_t pread(int fd, _Out_ uint8_t *buf, size_t n, int64_t off)') as (fd: number, b: Uint8Array, n: number, off: bigint) => number;
const c_write = libc.func('intptr_t write(int fd, const uint8_t *buf, size_t n)') as (fd: number, b: Uint8Array, n: number) => number;
const c_read = libc.func('intptr_t read(int fd, _Out_ uint8_t *buf, size_t n)') as (fd: number, b: Uint8Array, n: number) => number;
const c_close = libc.func('int close(int fd)') as (fd: number) => number;
const c_fcntl = libc.func('int fcntl(int fd, int cmd, int arg)') as (fd: number, cmd: number, arg: number) => number;
const c_openat = libc.func('int openat(int dirfd, const char *name, int flags, uint32_t mode)') as (d: number, n: string, f: number, m: number) => number;
const F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0o4000, O_PATH = 0o10000000, O_ACCMODE = 3, AT_FDCWD = -100;

const te = new TextEncoder();
const td = new TextDecoder();
const b = (s: string): Uint8Array => te.encode(s);
const s = (u: Uint8Array): string => td.decode(u);

function hostPread(fd: number, n: number, off = 0n): string {
  const buf = new Uint8Array(n);
  const r = c_pread(fd, buf, n, off);
  assert.ok(r >= 0, `pread on donated fd ${fd} returned ${r}`);
  return s(buf.subarray(0, r));
}

function throwsErrno(fn: () => unknown, errno: number, what: string): LisafsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, LisafsError, `${what}: a LisafsError`);
    assert.match((e as LisafsError).code, /^E[A-Z0-9]+$/, `${what}: code`);
    assert.is((e as LisafsError).errno, errno, `${what}: errno ${(e as LisafsError).errno} (${(e as Error).message}), expected ${errno}`);
    return e as LisafsError;
  }
  assert.unreachable(`${what}: expected errno ${errno}, got success`);
  throw new Error('unreachable');
}

function fdList(pid: number | 'self'): string[] {
  const out: string[] = [];
  for (const n of readdirSync(`/proc/${pid}/fd`)) {
    try {
      out.push(`${n}->${readlinkSync(`/proc/${pid}/fd/${n}`)}`);
    } catch {
      // the directory stream's own FD, already closed
    }
  }
  return out.sort();
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[a.length >> 1] as number;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

type Channel = 'worker' | 'process';
const medians: Record<string, number> = {};

function fixture(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lisafs-gofer-')));
  writeFileSync(join(dir, 'hello.txt'), 'hello, gofer');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'inner.txt'), 'inner');
  symlinkSync('sub/inner.txt', join(dir, 'link'));
  symlinkSync('/etc/passwd', join(dir, 'escape'));
  return dir;
}

for (const channel of ['worker', 'process'] as Channel[]) {
  const T = (name: string, fn: () => void | Promise<void>): void => test(`[${channel}] ${name}`, fn);
  let dir = '';
  let c: LisafsClient;
  let root: InodeValue;
  let rootHostFd: number | undefined;
  const pidOf = (cl: LisafsClient): number => (cl.transport as ProcessTransport).pid;

  T('connect and mount: root inode, supported MIDs, max message size, donated root FD', () => {
    dir = fixture();
    c = LisafsClient.connect({ channel, root: dir });
    assert.is(c.transport.kind, channel);
    const m = c.mount();
    root = m.root;
    rootHostFd = m.rootHostFd;
    assert.is(m.maxMessageSize, 2_093_056);
    assert.ok(root.controlFD >= 1, 'FDIDs count from 1');
    assert.is(root.stat.mode & S_IFMT, S_IFDIR);
    assert.is(root.stat.ino, BigInt(statSync(dir).ino));
    assert.ok(m.supported.includes(MESSAGES.Walk.mid) && m.supported.includes(MESSAGES.RenameAt2.mid));
    assert.not.ok(m.supported.includes(MESSAGES.Channel.mid), 'Channel is not served (docs/lisafs.md)');
    assert.type(rootHostFd, 'number');
    // The donated root FD is a real directory FD on the mount root.
    assert.is(statSync(`/proc/self/fd/${rootHostFd}`).ino, statSync(dir).ino);
  });

  T('walk: success, missing name, symlink stops the walk, ENOTDIR, EINVAL for bad names', () => {
    const w = c.walk(root.controlFD, ['sub', 'inner.txt']);
    assert.is(w.status, WALK_SUCCESS);
    assert.is(w.inodes.length, 2);
    assert.is(w.inodes[1]!.stat.size, 5n);
    assert.is(w.inodes[1]!.stat.ino, BigInt(statSync(join(dir, 'sub', 'inner.txt')).ino));
    const ids = w.inodes.map((i) => i.controlFD);
    assert.ok(ids[0]! > root.controlFD && ids[1]! > ids[0]!, 'new FDIDs, increasing');

    const miss = c.walk(root.controlFD, ['sub', 'nope', 'deeper']);
    assert.is(miss.status, WALK_COMPONENT_DOES_NOT_EXIST);
    assert.is(miss.inodes.length, 1);

    const sl = c.walk(root.controlFD, ['escape', 'x']);
    assert.is(sl.status, WALK_COMPONENT_SYMLINK);
    assert.is(sl.inodes.length, 1);
    assert.is(sl.inodes[0]!.stat.mode & S_IFMT, S_IFLNK);
    assert.is(s(c.readLinkAt(sl.inodes[0]!.controlFD)), '/etc/passwd');

    throwsErrno(() => c.walk(root.controlFD, ['hello.txt', 'x']), ENOTDIR, 'walk through a file');
    throwsErrno(() => c.walk(ids[1]!, ['x']), ENOTDIR, 'walk from a file');
    for (const bad of ['', '.', '..', 'a/b', 'nul\0byte']) {
      throwsErrno(() => c.walk(root.controlFD, [bad]), EINVAL, `walk ${JSON.stringify(bad)}`);
    }
    throwsErrno(() => c.walk(999999, ['sub']), EBADF, 'walk from an unknown FDID');
    const ws = c.walkStat(root.controlFD, ['', 'sub', 'inner.txt']);
    assert.is(ws.length, 3);
    assert.is(ws[0]!.ino, root.stat.ino);
    assert.is(c.walkStat(root.controlFD, ['link', 'x']).length, 1, 'walkStat stops at a symlink');
    c.close([...ids, ...miss.inodes.map((i) => i.controlFD), ...sl.inodes.map((i) => i.controlFD)]);
    throwsErrno(() => c.fstat(ids[0]!), EBADF, 'closed FDID');
  });

  T('walkOpen (extension): a regular file walked and opened in one RPC; other types walked only; errors as Walk', () => {
    assert.ok(c.offers('WalkOpen'), 'offered in Mount');
    const f = c.walkOpen(root.controlFD, 'hello.txt', O_RDONLY);
    assert.is(f.child.stat.mode & S_IFMT, S_IFREG);
    assert.is(f.child.stat.ino, BigInt(statSync(join(dir, 'hello.txt')).ino));
    assert.ok(f.fd > 0 && f.fd !== f.child.controlFD, 'an open FD besides the control FD');
    assert.type(f.hostFd, 'number', 'the regular file is donated');
    assert.is(hostPread(f.hostFd!, 64), 'hello, gofer', 'the donated FD reads the file');
    assert.is(s(c.pread(f.fd, 0, 5)), 'hello', 'the open FD reads it too');
    throwsErrno(() => c.pwrite(f.fd, 0, b('x')), EBADF, 'opened read-only as asked');
    assert.is(c.fstat(f.child.controlFD).size, 12n, 'the control FD works');
    const fl = c_fcntl(f.hostFd!, F_GETFL, 0);
    assert.is(fl & O_ACCMODE, O_RDONLY, 'donated read-only');
    assert.is(fl & O_NONBLOCK, 0, "the donated FD is blocking (the gofer's open probe's O_NONBLOCK cleared)");
    c_close(f.hostFd!);
    // Other opens (write, truncate) reopen the child as asked.
    writeFileSync(join(dir, 'wo-rw.txt'), 'abcdef');
    const rw = c.walkOpen(root.controlFD, 'wo-rw.txt', O_RDWR);
    assert.is(c_fcntl(rw.hostFd!, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_RDWR, 'read-write, blocking');
    assert.is(c.pwrite(rw.fd, 0, b('AB')), 2, 'the open FD writes');
    assert.is(readFileSync(join(dir, 'wo-rw.txt'), 'utf8'), 'ABcdef');
    const tr = c.walkOpen(root.controlFD, 'wo-rw.txt', O_WRONLY | O_TRUNC);
    assert.is(statSync(join(dir, 'wo-rw.txt')).size, 0, 'O_TRUNC honoured');
    c_close(rw.hostFd!);
    c_close(tr.hostFd!);
    c.close([rw.child.controlFD, rw.fd, tr.child.controlFD, tr.fd]);
    rmSync(join(dir, 'wo-rw.txt'));
    // The gofer tells a readable probe FD from an O_PATH one (its fallback when the read-only open
    // fails, e.g. EACCES for a non-root gofer) by F_SETFL, which Linux refuses on O_PATH FDs:
    const pfd = c_openat(AT_FDCWD, join(dir, 'hello.txt'), O_PATH, 0);
    assert.ok(pfd >= 0);
    assert.is(c_fcntl(pfd, F_SETFL, 0), -1, 'F_SETFL on an O_PATH FD fails (EBADF), so that FD is reopened');
    c_close(pfd);
    // not regular files: the child with its stat, nothing opened (openFD 0), no FD donated
    spawnSync('mkfifo', [join(dir, 'wo-fifo')]);
    for (const [name, type] of [['sub', S_IFDIR], ['link', S_IFLNK], ['escape', S_IFLNK], ['wo-fifo', S_IFIFO]] as const) {
      const t0 = Date.now();
      const r = c.walkOpen(root.controlFD, name, O_RDONLY);
      assert.is(r.child.stat.mode & S_IFMT, type, name);
      assert.is(r.fd, 0, `${name}: not opened`);
      assert.is(r.hostFd, undefined, `${name}: nothing donated`);
      assert.ok(Date.now() - t0 < 2000, `${name}: no blocking open`);
      c.close([r.child.controlFD]);
    }
    throwsErrno(() => c.walkOpen(root.controlFD, 'nope', O_RDONLY), ENOENT, 'walkOpen of a missing name');
    throwsErrno(() => c.walkOpen(f.child.controlFD, 'x', O_RDONLY), ENOTDIR, 'walkOpen from a file');
    throwsErrno(() => c.walkOpen(999999, 'sub', O_RDONLY), EBADF, 'walkOpen from an unknown FDID');
    for (const bad of ['', '.', '..', 'a/b', 'nul\0byte']) {
      throwsErrno(() => c.walkOpen(root.controlFD, bad, O_RDONLY), EINVAL, `walkOpen ${JSON.stringify(bad)}`);
    }
    rmSync(join(dir, 'wo-fifo'));
    c.close([f.child.controlFD, f.fd]);
  });

  T('walkOpen read-only and openCreateAt: the control and the open FDID share one gofer FD; either may close first, the FD goes with the last', () => {
    // The gofer's host FDs on files of this test's directory (not the runtime's own pipes and
    // anon inodes, which come and go), read again for up to 2 s until they are `want` (a process
    // gofer may close the duplicate it donated just after its reply): a lasting extra FD fails.
    const onFiles = (): number => fdList(channel === 'worker' ? 'self' : pidOf(c)).filter((l) => l.includes(`->${dir}/`)).length;
    const goferFds = (want?: number): number => {
      let n = onFiles();
      for (let t = 0; want !== undefined && n !== want && t < 200; t++) {
        sleepMs(10);
        n = onFiles();
      }
      return n;
    };
    const base = goferFds();
    const f = c.walkOpen(root.controlFD, 'hello.txt', O_RDONLY);
    c_close(f.hostFd!);
    assert.is(goferFds(base + 1) - base, 1, 'one host FD for the two FDIDs');
    c.close([f.fd]);
    assert.is(c.fstat(f.child.controlFD).size, 12n, 'the control FDID works after its open FDID closed');
    assert.is(goferFds(base + 1) - base, 1, 'the FD stays for the control FDID');
    c.close([f.child.controlFD]);
    assert.is(goferFds(base), base, 'closed with the last FDID');
    const g = c.walkOpen(root.controlFD, 'hello.txt', O_RDONLY);
    c_close(g.hostFd!);
    c.close([g.child.controlFD]);
    assert.is(s(c.pread(g.fd, 0, 5)), 'hello', 'the open FDID reads after its control FDID closed');
    assert.is(goferFds(base + 1) - base, 1);
    c.close([g.fd]);
    assert.is(goferFds(base), base, 'closed with the last FDID (the other order)');
    const n = c.openCreateAt(root.controlFD, 'shared-new.txt', O_RDWR, 0o644);
    c_close(n.hostFd!);
    assert.is(goferFds(base + 1) - base, 1, 'a created file: one host FD too');
    assert.is(c.pwrite(n.fd, 0, b('xyz')), 3);
    c.close([n.child.controlFD]);
    assert.is(s(c.pread(n.fd, 0, 3)), 'xyz', 'its open FDID outlives its control FDID');
    c.close([n.fd]);
    assert.is(goferFds(base), base);
    rmSync(join(dir, 'shared-new.txt'));
  });

  T('fstat, openAt + pread/pwrite, donated FD read with koffi pread, fsync, flush, fallocate', () => {
    const f = c.walk(root.controlFD, ['hello.txt']).inodes[0]!;
    const st = c.fstat(f.controlFD);
    assert.is(st.size, 12n);
    assert.is(st.mode & S_IFMT, S_IFREG);
    const o = c.openAt(f.controlFD, O_RDWR);
    assert.type(o.hostFd, 'number', 'regular files are donated');
    assert.is(hostPread(o.hostFd!, 64), 'hello, gofer', 'the donated FD reads the file');
    assert.is(s(c.pread(o.fd, 0, 100)), 'hello, gofer');
    assert.is(s(c.pread(o.fd, 7, 3)), 'gof');
    assert.is(c.pwrite(o.fd, 7, b('GOFER!')), 6);
    assert.is(readFileSync(join(dir, 'hello.txt'), 'utf8'), 'hello, GOFER!');
    assert.is(c.fstat(o.fd).size, 13n, 'fstat on an open FD');
    c.fsync([o.fd]);
    c.flush(o.fd);
    c.fallocate(o.fd, 0, 0, 4096);
    assert.ok(statSync(join(dir, 'hello.txt')).size >= 4096);
    const tooBig = c.raw(MESSAGES.PRead.mid, encodeRequest('PRead', { offset: 0n, fd: o.fd, count: MAX_MESSAGE_SIZE - 7 }));
    assert.is(tooBig.mid, 0);
    assert.is(new DataView(tooBig.payload.buffer, tooBig.payload.byteOffset).getUint32(0, true), ENOBUFS, 'one PRead above the maximum');
    // Large reads and writes are chunked by the client.
    const big = new Uint8Array(3_000_000).map((_, i) => i & 0xff);
    assert.is(c.pwrite(o.fd, 0, big), big.length);
    const back = c.pread(o.fd, 0, big.length);
    assert.is(back.length, big.length);
    assert.ok(back.every((v, i) => v === (i & 0xff)), 'chunked round trip');
    // Read-only open: writing fails with the host's EBADF.
    const ro = c.openAt(f.controlFD, O_RDONLY);
    throwsErrno(() => c.pwrite(ro.fd, 0, b('x')), EBADF, 'pwrite on a read-only FD');
    throwsErrno(() => c.pread(f.controlFD, 0, 1), EBADF, 'pread on a control FD');
    const tr = c.openAt(f.controlFD, O_WRONLY | O_TRUNC);
    assert.is(statSync(join(dir, 'hello.txt')).size, 0, 'O_TRUNC honoured');
    // Directories: read-only only; symlinks cannot be opened.
    throwsErrno(() => c.openAt(root.controlFD, O_RDWR), EISDIR, 'open a dir for writing');
    const l = c.walk(root.controlFD, ['link']).inodes[0]!;
    throwsErrno(() => c.openAt(l.controlFD, O_RDONLY), EINVAL, 'open a symlink');
    for (const fd of [o.hostFd!, ro.hostFd!, tr.hostFd!]) c_close(fd);
    c.close([f.controlFD, o.fd, ro.fd, tr.fd, l.controlFD]);
  });

  T('create: openCreateAt, mkdir, mknod, symlink, link; EEXIST; EINVAL for bad names', () => {
    const nf = c.openCreateAt(root.controlFD, 'new.txt', O_RDWR, 0o640);
    assert.is(nf.child.stat.mode & 0o7777, 0o640, 'exact mode (umask does not apply)');
    assert.is(c.pwrite(nf.fd, 0, b('fresh')), 5);
    assert.is(readFileSync(join(dir, 'new.txt'), 'utf8'), 'fresh');
    assert.is(hostPread(nf.hostFd!, 10), 'fresh');
    assert.is(c_fcntl(nf.hostFd!, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_RDWR, 'donated read-write, blocking');
    c_close(nf.hostFd!);
    // Created with the access asked for: a write-only file's FDs write, cannot read; the control
    // FD still stats it and opens it for reading.
    const wo = c.openCreateAt(root.controlFD, 'wo.txt', O_WRONLY, 0o400);
    assert.is(c_fcntl(wo.hostFd!, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_WRONLY, 'donated write-only, blocking');
    assert.is(c.pwrite(wo.fd, 0, b('wx')), 2);
    throwsErrno(() => c.pread(wo.fd, 0, 2), EBADF, 'read on the write-only open FD');
    assert.is(c.fstat(wo.child.controlFD).size, 2n, 'the control FD stats it');
    assert.is(wo.child.stat.mode & 0o7777, 0o400);
    const wr = c.openAt(wo.child.controlFD, O_RDONLY);
    assert.is(s(c.pread(wr.fd, 0, 10)), 'wx', 'reopened for reading from the control FD');
    c_close(wo.hostFd!);
    c_close(wr.hostFd!);
    c.close([wo.child.controlFD, wo.fd, wr.fd]);
    rmSync(join(dir, 'wo.txt'));
    throwsErrno(() => c.openCreateAt(root.controlFD, 'new.txt', O_RDWR, 0o644), EEXIST, 'create existing');
    throwsErrno(() => c.openCreateAt(root.controlFD, 'a/b', O_RDWR, 0o644), EINVAL, 'create a/b');
    throwsErrno(() => c.openCreateAt(root.controlFD, '..', O_RDWR, 0o644), EINVAL, 'create ..');

    const d = c.mkdirAt(root.controlFD, 'made', 0o750);
    assert.is(d.stat.mode & S_IFMT, S_IFDIR);
    assert.is(statSync(join(dir, 'made')).mode & 0o7777, 0o750);
    throwsErrno(() => c.mkdirAt(root.controlFD, 'made', 0o755), EEXIST, 'mkdir existing');
    throwsErrno(() => c.mkdirAt(root.controlFD, '.', 0o755), EINVAL, 'mkdir .');

    const fifo = c.mknodAt(d.controlFD, 'fifo', S_IFIFO | 0o600);
    assert.is(fifo.stat.mode & S_IFMT, S_IFIFO);
    assert.ok(lstatSync(join(dir, 'made', 'fifo')).isFIFO());
    const reg = c.mknodAt(d.controlFD, 'plain', 0o600);
    assert.is(reg.stat.mode & S_IFMT, S_IFREG);
    throwsErrno(() => c.mknodAt(d.controlFD, 'dev', 0o020000 | 0o600, 1, 3), EPERM, 'mknod a char device');

    const sl = c.symlinkAt(d.controlFD, 'sl', '../hello.txt');
    assert.is(sl.stat.mode & S_IFMT, S_IFLNK);
    assert.is(readlinkSync(join(dir, 'made', 'sl')), '../hello.txt');
    assert.is(s(c.readLinkAt(sl.controlFD)), '../hello.txt');
    throwsErrno(() => c.readLinkAt(d.controlFD), EINVAL, 'readlink on a dir');
    throwsErrno(() => c.symlinkAt(d.controlFD, 'sl', 'x'), EEXIST, 'symlink existing');

    const ln = c.linkAt(d.controlFD, 'hard', nf.child.controlFD);
    assert.is(ln.stat.ino, nf.child.stat.ino);
    assert.is(statSync(join(dir, 'new.txt')).nlink, 2);
    throwsErrno(() => c.linkAt(root.controlFD, 'dirlink', d.controlFD), EPERM, 'link a directory');
    c.close([nf.child.controlFD, nf.fd, d.controlFD, fifo.controlFD, reg.controlFD, sl.controlFD, ln.controlFD]);
  });

  T('unlink, rename (+RENAME_NOREPLACE / RENAME_EXCHANGE), getdents64', () => {
    const d = c.walk(root.controlFD, ['made']).inodes[0]!;
    throwsErrno(() => c.unlinkAt(root.controlFD, 'made', AT_REMOVEDIR), ENOTEMPTY, 'rmdir non-empty');
    throwsErrno(() => c.unlinkAt(root.controlFD, 'missing'), ENOENT, 'unlink missing');
    throwsErrno(() => c.unlinkAt(root.controlFD, 'made', 0x1234), EINVAL, 'unlink bad flags');
    c.unlinkAt(d.controlFD, 'plain');
    assert.not.ok(existsSync(join(dir, 'made', 'plain')));
    c.renameAt(d.controlFD, 'hard', root.controlFD, 'moved.txt');
    assert.is(readFileSync(join(dir, 'moved.txt'), 'utf8'), 'fresh');
    throwsErrno(() => c.renameAt(root.controlFD, 'moved.txt', root.controlFD, 'new.txt', RENAME_NOREPLACE), EEXIST, 'RENAME_NOREPLACE');
    writeFileSync(join(dir, 'x1'), 'one');
    writeFileSync(join(dir, 'x2'), 'two');
    c.renameAt(root.controlFD, 'x1', root.controlFD, 'x2', RENAME_EXCHANGE);
    assert.is(readFileSync(join(dir, 'x1'), 'utf8'), 'two');
    throwsErrno(() => c.renameAt(root.controlFD, 'x1', root.controlFD, '../x', 0), EINVAL, 'rename to ../x');

    const od = c.openAt(d.controlFD, O_RDONLY);
    assert.is(od.hostFd, undefined, 'directories are not donated');
    const names = c.getdents64(od.fd, -65536).map((e) => s(e.name)).sort();
    assert.equal(names, ['.', '..', 'fifo', 'sl']);
    assert.is(c.getdents64(od.fd, 65536).length, 0, 'end of directory');
    // A small budget returns part of the listing and resumes where it stopped.
    const seen: string[] = [];
    let first = true;
    for (;;) {
      const ents = c.getdents64(od.fd, first ? -40 : 40);
      first = false;
      if (ents.length === 0) break;
      assert.is(ents.length, 1, 'a 40-byte budget holds one entry');
      seen.push(s(ents[0]!.name));
    }
    assert.equal(seen.sort(), names);
    const rootOpen = c.openAt(root.controlFD, O_RDONLY);
    const ents = c.getdents64(rootOpen.fd, -1 << 20);
    const hello = ents.find((e) => s(e.name) === 'hello.txt')!;
    assert.is(hello.ino, BigInt(statSync(join(dir, 'hello.txt')).ino));
    assert.is(hello.type, 8 /* DT_REG */);
    throwsErrno(() => c.getdents64(d.controlFD, 100), EBADF, 'getdents on a control FD');
    c.close([d.controlFD, od.fd, rootOpen.fd]);
  });

  T('getdents64 devices: a directory that is a mount point carries its own, other entries the directory\'s', () => {
    const mnt = join(dir, 'devs', 'mnt');
    mkdirSync(mnt, { recursive: true });
    writeFileSync(join(dir, 'devs', 'file'), 'f');
    mkdirSync(join(dir, 'devs', 'sub'));
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'none', mnt], { encoding: 'utf8' });
    assert.is(m.status, 0, `mount tmpfs (needs root): ${m.stderr}`);
    try {
      const d = c.walk(root.controlFD, ['devs']).inodes[0]!;
      const od = c.openAt(d.controlFD, O_RDONLY);
      const devOf = (p: string): string => { const st = lstatSync(p, { bigint: true }); return `${st.dev}`; };
      const byName = new Map(c.getdents64(od.fd, -65536).map((e) => [s(e.name), e]));
      // statx's dev_major/dev_minor as one st_dev (glibc makedev, as the kernel's new_encode_dev)
      const dev = (e: { devMajor: number; devMinor: number }): string =>
        `${(BigInt(e.devMinor) & 0xffn) | ((BigInt(e.devMajor) & 0xfffn) << 8n) | ((BigInt(e.devMinor) & ~0xffn) << 12n)}`;
      assert.is(dev(byName.get('mnt')!), devOf(mnt), 'the mount point: the mounted filesystem\'s device');
      assert.not.equal(dev(byName.get('mnt')!), devOf(join(dir, 'devs')));
      assert.is(dev(byName.get('sub')!), devOf(join(dir, 'devs', 'sub')));
      assert.is(dev(byName.get('file')!), devOf(join(dir, 'devs')), 'a file: the directory\'s device');
      c.close([d.controlFD, od.fd]);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  T('Getdents64Stat (our extension): offered by Mount; each entry with the lstat of its name; budgets resume', () => {
    assert.ok(c.offers('Getdents64Stat'), 'offered in Mount\'s list');
    mkdirSync(join(dir, 'plus'));
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'plus', `e${i}`), 'q'.repeat(i));
    symlinkSync('e1', join(dir, 'plus', 'ln'));
    mkdirSync(join(dir, 'plus', 'sub'));
    const d = c.walk(root.controlFD, ['plus']).inodes[0]!;
    const od = c.openAt(d.controlFD, O_RDONLY);
    const whole = c.getdents64Stat(od.fd, -65536);
    assert.ok(whole.end, 'one reply holds the whole listing, and says nothing follows');
    assert.equal(c.getdents64Stat(od.fd, 65536), { dirents: [], end: true }, 'the next call: nothing');
    const all = whole.dirents;
    assert.is(all.length, 34, '30 files, a symlink, a directory, . and ..');
    assert.equal(all.map((e) => s(e.name)).sort(), c.getdents64(od.fd, -65536).map((e) => s(e.name)).sort(), 'the same entries as Getdents64');
    for (const e of all) {
      const n = s(e.name);
      if (n === '.' || n === '..') continue;
      const host = lstatSync(join(dir, 'plus', n), { bigint: true });
      const st = decode(Statx, e.stat);
      assert.ok(st.ok, `the stat of ${n} is a Statx`);
      if (!st.ok) continue;
      assert.is(st.value.ino, host.ino, `ino of ${n}`);
      assert.is(st.value.size, host.size, `size of ${n}`);
      assert.is(st.value.mode, Number(host.mode), `mode of ${n} (no follow)`);
    }
    // A small budget (one entry of 155 bytes + name) resumes where it stopped; `end` only once
    // the host directory has nothing more (on the reply with the last entry, or an empty one).
    const seen: string[] = [];
    let first = true;
    for (;;) {
      const r = c.getdents64Stat(od.fd, first ? -170 : 170);
      first = false;
      if (r.dirents.length === 0) {
        assert.ok(r.end, 'an empty reply ends the listing');
        break;
      }
      assert.is(r.dirents.length, 1);
      seen.push(s(r.dirents[0]!.name));
      if (r.end) break;
    }
    assert.equal(seen.sort(), all.map((e) => s(e.name)).sort());
    // A budget of a few entries per reply: every reply but the last says more may follow.
    const parts: number[] = [];
    for (let r = c.getdents64Stat(od.fd, -1000); ; r = c.getdents64Stat(od.fd, 1000)) {
      parts.push(r.dirents.length);
      if (r.end) break;
      assert.ok(r.dirents.length > 0, 'a reply that does not end the listing has entries');
    }
    assert.is(parts.reduce((a, b) => a + b, 0), all.length, `all entries once: ${parts.join('+')}`);
    throwsErrno(() => c.getdents64Stat(od.fd, -100), EINVAL, 'a budget too small for one entry');
    // Through the directory's control FD (readable: Walk opened it O_RDONLY): the same listing,
    // with its own position; a plain Getdents64 still needs an open FD; a file's control FD is
    // not a directory.
    const viaControl = c.getdents64Stat(d.controlFD, -65536);
    assert.ok(viaControl.end);
    assert.equal(viaControl.dirents.map((e) => s(e.name)).sort(), all.map((e) => s(e.name)).sort(), 'the same entries through the control FD');
    assert.equal(c.getdents64Stat(d.controlFD, 65536), { dirents: [], end: true }, 'its position moved on');
    throwsErrno(() => c.getdents64(d.controlFD, 4096), EBADF, 'plain Getdents64 on a control FD');
    const fc = c.walk(d.controlFD, ['e1']).inodes[0]!;
    throwsErrno(() => c.getdents64Stat(fc.controlFD, 4096), ENOTDIR, 'on a file\'s control FD');
    c.close([d.controlFD, od.fd, fc.controlFD]);
  });

  T('WalkGetdents64Stat (our extension): a directory walked and its first listing batch in one RPC; other types walked only; errors as Walk', () => {
    assert.ok(c.offers('WalkGetdents64Stat'), 'offered in Mount\'s list');
    const nameOf = (b: DirentBatch, i: number): string => s(b.bytes.subarray(b.nameAt(i), b.nameAt(i) + b.nameLength(i)));
    const names = (r: { batch: DirentBatch }): string[] => Array.from({ length: r.batch.length }, (_, i) => nameOf(r.batch, i)).sort();
    const whole = c.walkGetdents64Stat(root.controlFD, 'plus', 65536);
    assert.is(whole.mode & S_IFMT, S_IFDIR);
    assert.ok(whole.listed && whole.batch.end, 'listed, all in one reply');
    const ref = c.getdents64Stat(whole.controlFD, -65536);
    assert.equal(names(whole), ref.dirents.map((e) => s(e.name)).sort(), 'the entries Getdents64Stat lists');
    for (let i = 0; i < whole.batch.length; i++) {
      const n = nameOf(whole.batch, i);
      if (n === '.' || n === '..') continue;
      const st = decode(Statx, whole.batch.bytes.subarray(whole.batch.statAt(i), whole.batch.statAt(i) + 144));
      assert.ok(st.ok && st.value.ino === lstatSync(join(dir, 'plus', n), { bigint: true }).ino, `the lstat of ${n}`);
    }
    const own = decode(Statx, whole.stat);
    assert.ok(own.ok && own.value.ino === BigInt(statSync(join(dir, 'plus')).ino), 'the child\'s own stat');
    // A budget for a few entries: the rest through Getdents64Stat on the child's control FD,
    // from where the first batch stopped.
    const part = c.walkGetdents64Stat(root.controlFD, 'plus', 1000);
    assert.ok(part.listed && !part.batch.end && part.batch.length > 0, 'a first batch that says more follows');
    const rest: string[] = names(part);
    for (;;) {
      const r = c.getdents64Stat(part.controlFD, 65536);
      rest.push(...r.dirents.map((e) => s(e.name)));
      if (r.end) break;
    }
    assert.equal(rest.sort(), names(whole), 'every entry once');
    // Not directories: walked, not listed.
    for (const [name, type] of [['hello.txt', S_IFREG], ['link', S_IFLNK]] as const) {
      const r = c.walkGetdents64Stat(root.controlFD, name, 65536);
      assert.is(r.mode & S_IFMT, type, name);
      assert.ok(!r.listed && r.batch.length === 0, `${name}: not listed`);
      assert.is(c.fstat(r.controlFD).mode & S_IFMT, type, `${name}: its control FD works`);
      c.close([r.controlFD]);
    }
    throwsErrno(() => c.walkGetdents64Stat(root.controlFD, 'nope', 65536), ENOENT, 'a missing name');
    const fc = c.walk(root.controlFD, ['hello.txt']).inodes[0]!;
    throwsErrno(() => c.walkGetdents64Stat(fc.controlFD, 'x', 65536), ENOTDIR, 'from a file');
    throwsErrno(() => c.walkGetdents64Stat(999999, 'plus', 65536), EBADF, 'from an unknown FDID');
    for (const bad of ['', '.', '..', 'a/b', 'nul\0byte']) {
      throwsErrno(() => c.walkGetdents64Stat(root.controlFD, bad, 65536), EINVAL, `name ${JSON.stringify(bad)}`);
    }
    c.close([whole.controlFD, part.controlFD, fc.controlFD]);
  });

  T('setStat, fstatfs, xattrs', () => {
    const f = c.walk(root.controlFD, ['new.txt']).inodes[0]!;
    const r = c.setStat(f.controlFD, SETSTAT_MODE | SETSTAT_SIZE | SETSTAT_ATIME | SETSTAT_MTIME, {
      mode: 0o604,
      size: 3n,
      atime: { sec: 1000n, nsec: 5n },
      mtime: { sec: 2000n, nsec: 7n },
    });
    assert.equal(r, { failureMask: 0, failureErrno: 0 });
    const st = statSync(join(dir, 'new.txt'), { bigint: true });
    assert.is(Number(st.mode) & 0o7777, 0o604);
    assert.is(st.size, 3n);
    assert.is(st.mtimeNs, 2000_000_000_007n);
    assert.is(st.atimeNs, 1000_000_000_005n);
    throwsErrno(() => c.setStat(f.controlFD, 0x1, {}), EPERM, 'mask outside 0x27a');
    const dirFail = c.setStat(root.controlFD, SETSTAT_SIZE, { size: 0n });
    assert.is(dirFail.failureMask, SETSTAT_SIZE);
    assert.is(dirFail.failureErrno, EISDIR);

    const fs = c.fstatfs(root.controlFD);
    assert.ok(fs.blockSize > 0n && fs.blocks > 0n && fs.nameLength === 255n);

    c.fsetxattr(f.controlFD, 'user.lisafs', b('value-1'));
    assert.is(s(c.fgetxattr(f.controlFD, 'user.lisafs')), 'value-1');
    throwsErrno(() => c.fsetxattr(f.controlFD, 'user.lisafs', b('v'), XATTR_CREATE), EEXIST, 'XATTR_CREATE on existing');
    assert.ok(c.flistxattr(f.controlFD).map(s).includes('user.lisafs'));
    c.fremovexattr(f.controlFD, 'user.lisafs');
    throwsErrno(() => c.fgetxattr(f.controlFD, 'user.lisafs'), ENODATA, 'removed xattr');
    throwsErrno(() => c.fgetxattr(f.controlFD, ''), EINVAL, 'empty xattr name');
    // An O_PATH control FD (a symlink): the gofer answers through /proc/self/fd.
    const l = c.walk(root.controlFD, ['link']).inodes[0]!;
    throwsErrno(() => c.fgetxattr(l.controlFD, 'user.none'), ENODATA, 'xattr get on a symlink (O_PATH FD)');
    assert.ok(Array.isArray(c.flistxattr(l.controlFD)));
    c.close([f.controlFD, l.controlFD]);
  });

  T('a symlink to a file outside the mount: setStat/xattr/link act on the link, never its target', () => {
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'lisafs-outside-')));
    const victim = join(outside, 'victim');
    writeFileSync(victim, 'keep');
    utimesSync(victim, 1000, 1000);
    symlinkSync(victim, join(dir, 'out-link'));
    const l = c.walk(root.controlFD, ['out-link']);
    assert.is(l.status, WALK_COMPONENT_SYMLINK);
    const lc = l.inodes[0]!.controlFD;
    const r = c.setStat(lc, SETSTAT_MODE | SETSTAT_ATIME | SETSTAT_MTIME | SETSTAT_SIZE, {
      mode: 0o777,
      size: 0n,
      atime: { sec: 5000n, nsec: 0n },
      mtime: { sec: 6000n, nsec: 0n },
    });
    assert.is(r.failureMask, SETSTAT_MODE | SETSTAT_SIZE, 'mode and size cannot apply to a symlink');
    assert.is(lstatSync(join(dir, 'out-link')).mtimeMs, 6000_000, 'the times went to the link itself');
    const v = statSync(victim);
    assert.is(v.mtimeMs, 1000_000, 'the outside file keeps its times');
    assert.is(v.mode & 0o777, 0o644, 'and its mode');
    assert.is(v.size, 4, 'and its size');
    throwsErrno(() => c.fsetxattr(lc, 'user.x', b('y')), EPERM, 'user xattr on a symlink');
    const hl = c.linkAt(root.controlFD, 'out-hardlink', lc);
    assert.is(hl.stat.mode & S_IFMT, S_IFLNK, 'a hard link to the symlink, not to its target');
    assert.is(statSync(victim).nlink, 1);
    c.close([lc, hl.controlFD]);
    c.unlinkAt(root.controlFD, 'out-hardlink');
    c.unlinkAt(root.controlFD, 'out-link');
    rmSync(outside, { recursive: true, force: true });
  });

  T('unix sockets: bindAt, listen, connect, accept (donated sockets carry data)', () => {
    const bound = c.bindAt(root.controlFD, 'sock', SOCK_STREAM, 0o700);
    assert.is(bound.child.stat.mode & S_IFMT, S_IFSOCK);
    assert.ok(lstatSync(join(dir, 'sock')).isSocket());
    c.listen(bound.boundFD, 4);
    const sf = c.walk(root.controlFD, ['sock']).inodes[0]!;
    const conn = c.connect(sf.controlFD, SOCK_STREAM);
    const acc = c.accept(bound.boundFD);
    assert.is(acc.peerAddr.length, 0);
    assert.is(c_write(conn, b('ping'), 4), 4);
    const buf = new Uint8Array(8);
    assert.is(c_read(acc.hostFd, buf, 8), 4);
    assert.is(s(buf.subarray(0, 4)), 'ping');
    const conn2 = c.connectWithCreds(sf.controlFD, 0, 0xffffffff, 0xffffffff);
    c_close(conn2);
    throwsErrno(() => c.connectWithCreds(sf.controlFD, 0, 12345, 0xffffffff), EPERM, 'connect as another uid (docs: no uid switch)');
    throwsErrno(() => c.connect(root.controlFD, SOCK_STREAM), 6 /* ENXIO */, 'connect to a directory');
    throwsErrno(() => c.bindAt(root.controlFD, 'sock2', 99, 0o700), 6 /* ENXIO */, 'bind with a bad type');
    throwsErrno(() => c.listen(sf.controlFD, 1), EBADF, 'listen on a control FD');
    for (const fd of [conn, acc.hostFd, bound.hostFd]) c_close(fd);
    c.close([bound.child.controlFD, bound.boundFD, sf.controlFD]);
    c.unlinkAt(root.controlFD, 'sock');
  });

  T('hostile messages: unknown MID, Channel, truncated/oversized payloads, bad FDIDs', () => {
    const err = (r: { mid: number; payload: Uint8Array }): number => {
      assert.is(r.mid, 0, 'an Error reply');
      const d = decode(MESSAGES.Error.resp, r.payload);
      assert.ok(d.ok);
      return d.ok ? d.value.errno : -1;
    };
    assert.is(err(c.raw(200, new Uint8Array(3))), EOPNOTSUPP, 'unknown MID');
    assert.is(err(c.raw(0, new Uint8Array(4))), EOPNOTSUPP, 'Error as a request');
    assert.is(err(c.raw(MESSAGES.Channel.mid, new Uint8Array(0))), EOPNOTSUPP, 'Channel');
    assert.is(err(c.raw(MESSAGES.FStat.mid, new Uint8Array(7))), EIO, 'truncated FStat');
    assert.is(err(c.raw(MESSAGES.FStat.mid, new Uint8Array(9))), EIO, 'FStat with a trailing byte');
    const walk = encodeRequest('Walk', { dirFD: root.controlFD, path: [b('sub')] });
    new DataView(walk.buffer).setUint16(10, 0xffff, true); // string length beyond the frame
    assert.is(err(c.raw(MESSAGES.Walk.mid, walk)), EIO, 'string length beyond the payload');
    const many = encodeRequest('Walk', { dirFD: root.controlFD, path: [] });
    new DataView(many.buffer).setUint16(8, 0xffff, true); // 65535 strings in 0 bytes
    assert.is(err(c.raw(MESSAGES.Walk.mid, many)), EIO, 'array count beyond the payload');
    const bigFd = new Uint8Array(8).fill(0xff);
    assert.is(err(c.raw(MESSAGES.FStat.mid, bigFd)), EIO, 'FDID above 2^53');
    assert.is(err(c.raw(MESSAGES.FStat.mid, encodeRequest('FStat', { fd: 0 }))), EBADF, 'FDID 0');
    assert.is(err(c.raw(MESSAGES.FStat.mid, encodeRequest('FStat', { fd: 123456789 }))), EBADF, 'unknown FDID');
    if (channel === 'process') {
      // A frame header announcing more than the maximum: the gofer consumes it and answers EIO.
      const pt = c.transport as ProcessTransport;
      const over = new Uint8Array(MAX_MESSAGE_SIZE + 100);
      assert.is(err(pt.exchange(MESSAGES.FStat.mid, over.length, over)), EIO, 'oversized frame');
    } else {
      throwsErrno(() => c.raw(MESSAGES.FStat.mid, new Uint8Array(MAX_MESSAGE_SIZE + 1)), EINVAL, 'oversized request refused by the client');
      // A hostile client writing nonsense into the shared length / MID slots.
      const wt = c.transport as WorkerTransport;
      const fstat = encodeRequest('FStat', { fd: root.controlFD });
      assert.is(err(wt.exchange(MESSAGES.FStat.mid, MAX_MESSAGE_SIZE + 1, fstat)), EIO, 'shared length above the maximum');
      assert.is(err(wt.exchange(MESSAGES.FStat.mid, -8, fstat)), EIO, 'negative shared length');
      assert.is(err(wt.exchange(0x12345, fstat.length, fstat)), EIO, 'MID slot beyond u16');
    }
    const before = c.rpcCounts.FStat ?? 0;
    // Still serving; the client counts the RPCs it sends (raw frames are not counted).
    assert.is(c.fstat(root.controlFD).ino, root.stat.ino);
    assert.is(c.rpcCounts.FStat, before + 1);
  });

  T('fuzz: random and mutated frames (no crash, no hang, no FD leak)', () => {
    const fz = fixture();
    const cl = LisafsClient.connect({ channel, root: fz });
    const m = cl.mount();
    const r0 = m.root.controlFD;
    if (m.rootHostFd !== undefined) c_close(m.rootHostFd);
    // One more round trip: the gofer closes its copy of a donated FD after sending it.
    cl.fstat(r0);
    const baseline = fdList(channel === 'process' ? pidOf(cl) : 'self');
    // Valid frames to mutate (no Accept: it would rightly block the gofer until a peer comes).
    const f1 = cl.walk(r0, ['hello.txt']).inodes[0]!.controlFD;
    const o1 = cl.openAt(f1, O_RDWR);
    if (o1.hostFd !== undefined) c_close(o1.hostFd);
    const d1 = cl.walk(r0, ['sub']).inodes[0]!.controlFD;
    const od = cl.openAt(d1, O_RDONLY).fd;
    const bases: [RequestName, Uint8Array][] = [
      ['FStat', encodeRequest('FStat', { fd: f1 })],
      ['Walk', encodeRequest('Walk', { dirFD: r0, path: [b('sub'), b('inner.txt')] })],
      ['WalkStat', encodeRequest('WalkStat', { dirFD: r0, path: [b(''), b('sub')] })],
      ['OpenAt', encodeRequest('OpenAt', { fd: f1, flags: O_RDONLY })],
      ['PRead', encodeRequest('PRead', { offset: 0n, fd: o1.fd, count: 16 })],
      ['PWrite', encodeRequest('PWrite', { offset: 0n, fd: o1.fd, data: b('abc') })],
      ['MkdirAt', encodeRequest('MkdirAt', { common: { dirFD: r0, uid: 0xffffffff, gid: 0xffffffff, mode: 0o755 }, name: b('fz') })],
      ['OpenCreateAt', encodeRequest('OpenCreateAt', { common: { dirFD: d1, uid: 0xffffffff, gid: 0xffffffff, mode: 0o644 }, flags: O_RDWR, name: b('c') })],
      ['SymlinkAt', encodeRequest('SymlinkAt', { dirFD: d1, uid: 0xffffffff, gid: 0xffffffff, name: b('s'), target: b('t') })],
      ['UnlinkAt', encodeRequest('UnlinkAt', { dirFD: d1, flags: 0, name: b('c') })],
      ['RenameAt', encodeRequest('RenameAt', { oldDir: d1, newDir: r0, oldName: b('s'), newName: b('s2') })],
      ['Getdents64', encodeRequest('Getdents64', { dirFD: od, count: -4096 })],
      ['FGetXattr', encodeRequest('FGetXattr', { fd: f1, bufSize: 64, name: b('user.x') })],
      ['FSetXattr', encodeRequest('FSetXattr', { fd: f1, flags: 0, name: b('user.x'), value: b('y') })],
      ['FListXattr', encodeRequest('FListXattr', { fd: f1, size: 0n })],
      ['ReadLinkAt', encodeRequest('ReadLinkAt', { fd: f1 })],
      ['SetStat', encodeRequest('SetStat', { fd: f1, mask: SETSTAT_MTIME, mode: 0, uid: 0, gid: 0, size: 0n, atime: { sec: 0n, nsec: 0n }, mtime: { sec: 5n, nsec: 0n } })],
      ['Close', encodeRequest('Close', { fds: [999999] })],
      ['FStatFS', encodeRequest('FStatFS', { fd: r0 })],
    ];
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const made = new Set<number>();
    const collect = (mid: number, payload: Uint8Array): void => {
      // FDIDs a successful mutated request created, released after the loop.
      const name = NAME_BY_MID.get(mid);
      if (name === undefined || name === 'Error') return;
      const d = decode(MESSAGES[name].resp as Desc, payload);
      if (!d.ok) return;
      const walkIds = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walkIds);
        else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
          for (const [k, x] of Object.entries(v)) {
            if (['controlFD', 'openFD', 'newFD', 'boundSocketFD'].includes(k) && typeof x === 'number') made.add(x);
            else walkIds(x);
          }
        }
      };
      walkIds(d.value);
    };
    const N = 3000;
    let errors = 0;
    const t0 = Date.now();
    for (let i = 0; i < N; i++) {
      let mid: number;
      let payload: Uint8Array;
      const kind = rnd(3);
      if (kind === 0) {
        // Random MID (including unknown ones) with random bytes.
        mid = rnd(40) === 0 ? rnd(0x10000) : rnd(36);
        if (mid === MESSAGES.Accept.mid || mid === MESSAGES.FAllocate.mid) mid = 250;
        payload = new Uint8Array(rnd(64)).map(() => rnd(256));
      } else {
        const [name, base] = bases[rnd(bases.length)]!;
        mid = MESSAGES[name].mid;
        payload = base.slice();
        if (kind === 1) {
          // Flip a few bytes.
          for (let k = 0, n = 1 + rnd(4); k < n && payload.length > 0; k++) payload[rnd(payload.length)] = rnd(256);
        } else {
          // Truncate or extend.
          payload = rnd(2) === 0 ? payload.subarray(0, rnd(payload.length + 1)) : new Uint8Array([...payload, ...new Uint8Array(1 + rnd(8)).map(() => rnd(256))]);
        }
      }
      const r = cl.raw(mid, payload);
      for (const f of r.fds) c_close(f);
      if (r.mid === 0) errors++;
      else {
        assert.is(r.mid, mid, 'a reply carries the request MID or Error');
        collect(mid, r.payload);
      }
    }
    const elapsed = Date.now() - t0;
    assert.ok(errors > N / 3, `most hostile frames get Error replies (${errors}/${N})`);
    made.delete(r0);
    cl.close([...made, f1, o1.fd, d1, od]);
    assert.is(cl.fstat(r0).ino, m.root.stat.ino, 'still serving after the fuzz');
    const after = fdList(channel === 'process' ? pidOf(cl) : 'self');
    assert.equal(after, baseline, `gofer FDs before and after the fuzz (${elapsed} ms)`);
    cl.disconnect();
    rmSync(fz, { recursive: true, force: true });
  });

  T('median RPC round trip (FStat on the root, 2000 calls)', () => {
    for (let i = 0; i < 200; i++) c.fstat(root.controlFD);
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = process.hrtime.bigint();
      c.fstat(root.controlFD);
      times.push(Number(process.hrtime.bigint() - t));
    }
    const med = median(times) / 1000;
    medians[channel] = med;
    console.log(`  lisafs ${channel} channel: median FStat round trip ${med.toFixed(1)} us (2000 calls)`);
    assert.ok(med > 0);
  });

  T('the gofer dies: EIO "the file server exited (status N)"; donated FDs stay valid; no hang', async () => {
    const f = c.walk(root.controlFD, ['moved.txt']).inodes[0]!;
    const o = c.openAt(f.controlFD, O_RDONLY);
    if (channel === 'worker') {
      const w = (c.transport as WorkerTransport).worker;
      const gone = new Promise<number>((res) => w.once('exit', res));
      void w.terminate();
      // The call is made while the thread is being torn down: it must end with EIO, not hang.
      const e = throwsErrno(() => c.fstat(root.controlFD), EIO, 'call after terminate');
      assert.match(e.message, /the file server exited \(status 1\)/);
      assert.is(await gone, 1);
    } else {
      const pid = pidOf(c);
      process.kill(pid, 'SIGKILL');
      const e = throwsErrno(() => c.fstat(root.controlFD), EIO, 'call after SIGKILL');
      assert.match(e.message, /the file server exited \(status 137\), killed by SIGKILL/);
    }
    const again = throwsErrno(() => c.walk(root.controlFD, ['sub']), EIO, 'every later call');
    assert.match(again.message, /the file server exited \(status \d+/);
    // moved.txt is the hard link of new.txt, which setStat truncated to 3 bytes.
    assert.is(hostPread(o.hostFd!, 5), 'fre', 'a donated FD outlives the gofer');
    assert.ok(statSync(`/proc/self/fd/${rootHostFd}`).isDirectory(), 'the donated root FD too');
    c_close(o.hostFd!);
    c_close(rootHostFd!);
  });

  if (channel === 'process') {
    T('the gofer dies during a pending call (blocked Accept): EIO with its status', () => {
      const cl = LisafsClient.connect({ channel, root: dir });
      const r = cl.mount().root;
      const bound = cl.bindAt(r.controlFD, 'pending.sock', SOCK_STREAM, 0o700);
      c_close(bound.hostFd);
      cl.listen(bound.boundFD, 1);
      const pid = pidOf(cl);
      const killer = spawn('sh', ['-c', `sleep 0.3; kill -TERM ${pid}`], { stdio: 'ignore', detached: true });
      killer.unref();
      const t0 = Date.now();
      const e = throwsErrno(() => cl.accept(bound.boundFD), EIO, 'pending accept');
      assert.match(e.message, /the file server exited \(status 143\), killed by SIGTERM/);
      assert.ok(Date.now() - t0 < 10000, 'no hang');
    });

    T('a gofer whose root cannot be opened answers every call with that errno, then exits 2', () => {
      const cl = LisafsClient.connect({ channel, root: join(dir, 'no-such-dir') });
      throwsErrno(() => cl.mount(), ENOENT, 'mount: the errno of the failed open');
      throwsErrno(() => cl.fstat(1), ENOENT, 'and of any later call');
      const pid = (cl.transport as ProcessTransport).pid;
      cl.disconnect();
      const t0 = Date.now();
      const state = (): string => (existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : 'gone');
      while (state() !== 'gone' && !/ Z /.test(state()) && Date.now() - t0 < 5000) sleepMs(5);
      assert.ok(state() === 'gone' || / Z /.test(state()), `it exits when the client closes its end (${state().slice(0, 40)})`);
    });

    T('a truncated frame then EOF: the gofer exits cleanly (status 0)', () => {
      const cl = LisafsClient.connect({ channel, root: dir });
      cl.mount();
      const pt = cl.transport as ProcessTransport;
      const pid = pt.pid;
      // Announce 100 bytes, send 10, then close our end.
      const frame = new Uint8Array(18);
      new DataView(frame.buffer).setUint32(0, 100, true);
      new DataView(frame.buffer).setUint16(4, MESSAGES.FStat.mid, true);
      pt.sendRaw(frame);
      cl.disconnect();
      const t0 = Date.now();
      while (existsSync(`/proc/${pid}/fd`) && Date.now() - t0 < 5000) sleepMs(5);
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : 'gone';
      assert.ok(stat === 'gone' || / Z /.test(stat), `gofer ${pid} ended after EOF (${stat.slice(0, 40)})`);
    });
  } else {
    T('a worker gofer whose root cannot be opened: ENOENT at connect', () => {
      throwsErrno(() => LisafsClient.connect({ channel, root: join(dir, 'no-such-dir') }), ENOENT, 'connect');
    });
  }

  T('cleanup', () => {
    rmSync(dir, { recursive: true, force: true });
    assert.not.ok(existsSync(dir));
  });
}

test('no host FD of this process leaked by either channel', () => {
  const fds = openHostFds();
  assert.ok(fds.length < 64, `open FDs: ${fds.join(' ')}`);
  console.log(`  median round trips: worker ${medians['worker']?.toFixed(1)} us, process ${medians['process']?.toFixed(1)} us`);
});

test.run();
