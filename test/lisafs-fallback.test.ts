// test/lisafs-fallback.test.ts — which path served a call, and the gofer's fallbacks:
//  - directfs mode: the core's `lisafs.fallback` import (ts/lisafs/fallback.ts) starts a gofer for
//    the mount on the first operation directfs has no FD for (xattrs on symlinks and sockets),
//    walks to the file with one Walk, sends the op, closes what it walked; counted in
//    counters().rpcs and in the client's per-message counts; a fast-path op (stat, read) makes
//    no RPC at all. Real kernel behaviour through the gofer: user.* xattrs are refused on
//    symlinks and sockets (EPERM), trusted.* work for root.
//  - the import itself, called directly: ENOENT / ELOOP from the walk, size 0 / ERANGE, SetStat.
//  - lisafs mode: the same import uses the mount's own connection; exact RPCs of a stat-heavy
//    sequence; a cached stat sends none.
//  - killing the gofer (worker and process, through Filesystem, through a WASI guest run, and a
//    directfs fallback gofer): EIO naming the exited file server and its status, no hang,
//    unmount and mount again work.
// Needs root (trusted.* xattrs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, realpathSync, readdirSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mount, FsError, WASI } from '../ts/index.js';
import type { Filesystem } from '../ts/index.js';
import { LisafsClient } from '../ts/lisafs/client.js';
import { closeHostFd } from '../ts/host/hostfd.js';
import { ProcessTransport, WorkerTransport } from '../ts/lisafs/channel.js';
import {
  createFallback, LISAFS_OP_GETXATTR, LISAFS_OP_SETXATTR, LISAFS_OP_LISTXATTR, LISAFS_OP_REMOVEXATTR, LISAFS_OP_SETSTAT,
} from '../ts/lisafs/fallback.js';

const dec = new TextDecoder();
const enc = new TextEncoder();
const CHANNELS = ['worker', 'process'] as const;
const procFds = (): number => readdirSync('/proc/self/fd').length;
const ENOENT = 2, EIO = 5, ERANGE = 34, ELOOP = 40, EPERM = 1, ENODATA = 61;

function box(): string {
  const T = realpathSync(mkdtempSync(join(tmpdir(), 'wdfs-fb-')));
  mkdirSync(join(T, 'd'));
  writeFileSync(join(T, 'f'), 'hello');
  writeFileSync(join(T, 'd', 'g'), 'x');
  symlinkSync('f', join(T, 'lf'));
  symlinkSync('d', join(T, 'ld'));
  return T;
}

function fails(fn: () => unknown, code: string, what = ''): FsError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    assert.is(e.code, code, `${what}: expected ${code}, got ${e.code} (${e.message})`);
    return e;
  }
  assert.unreachable(`${what}: expected ${code}, nothing thrown`);
  throw new Error('unreachable');
}

const counts = (fs: Filesystem): Record<string, number> => ({ ...(fs.lisafs?.rpcCounts ?? {}) });

/** Kills the gofer behind `c`: SIGKILL for the process, terminate() for the worker thread. */
function kill(c: LisafsClient): void {
  const t = c.transport;
  if (t instanceof ProcessTransport) process.kill(t.pid, 'SIGKILL');
  else if (t instanceof WorkerTransport) void t.worker.terminate();
  else throw new Error('unknown transport');
}

// ---- directfs: fallbacks through a gofer started on first use ----------------------------------

for (const gofer of CHANNELS) {
  test(`directfs (${gofer} fallback gofer): xattrs on a symlink go to the gofer, exact RPCs; fast-path ops make none`, () => {
    const T = box();
    const base = procFds();
    const fs = mount(T, { mode: 'directfs', gofer });
    try {
      // Fast path: stat, read, readdir, an xattr on a regular file: no RPC, no gofer at all.
      fs.stat('f');
      fs.lstat('lf');
      assert.is(dec.decode(fs.readFile('lf')), 'hello');
      fs.readdir('d');
      fs.setxattr('f', 'user.a', '1');
      assert.is(dec.decode(fs.getxattr('lf', 'user.a')), '1', 'follow: the target, by its host FD');
      assert.is(fs.counters().rpcs, 0, 'no RPC on the fast path');
      assert.is(fs.lisafs, null, 'no gofer was started');

      // A symlink's own xattrs: Walk + op + Close each (Mount once, when the gofer starts).
      fs.setxattr('lf', 'trusted.w', 'on the link', 0, { follow: false });
      assert.ok(fs.lisafs !== null, 'the fallback started a gofer');
      assert.equal(counts(fs), { Mount: 1, Walk: 1, FSetXattr: 1, Close: 1 });
      assert.is(fs.counters().rpcs, 1, 'the core counts one fallback');
      assert.is(dec.decode(fs.getxattr('lf', 'trusted.w', { follow: false })), 'on the link');
      assert.equal(fs.listxattr('lf', { follow: false }), ['trusted.w']);
      fails(() => fs.setxattr('lf', 'trusted.w', 'x', 1 /* XATTR_CREATE */, { follow: false }), 'EEXIST');
      fs.removexattr('lf', 'trusted.w', { follow: false });
      fails(() => fs.getxattr('lf', 'trusted.w', { follow: false }), 'ENODATA');
      assert.equal(counts(fs), { Mount: 1, Walk: 6, FSetXattr: 2, FGetXattr: 2, FListXattr: 1, FRemoveXattr: 1, Close: 6 });
      assert.is(fs.counters().rpcs, 6);
      // What Linux does with user.* on a symlink, through the gofer.
      fails(() => fs.setxattr('lf', 'user.x', 'v', 0, { follow: false }), 'EPERM', 'user.* on a symlink');
      fails(() => fs.removexattr('lf', 'user.x', { follow: false }), 'EPERM');
      fails(() => fs.getxattr('lf', 'user.a', { follow: false }), 'ENODATA', 'the target\'s xattr is not the link\'s');
      assert.is(fs.counters().rpcs, 9);
      // The host agrees: the link has no user.a, the target keeps it.
      assert.is(dec.decode(fs.getxattr('f', 'user.a')), '1');
      // Still no RPC for the fast path after the gofer exists.
      const before = counts(fs);
      const r = fs.counters().rpcs;
      fs.stat('d/g');
      assert.is(dec.decode(fs.readFile('d/g')), 'x');
      assert.equal(counts(fs), before, 'stat and read: no RPC');
      assert.is(fs.counters().rpcs, r);
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
    assert.is(procFds(), base, 'unmount closed the fallback gofer and everything it held');
  });
}

test('directfs: a symlink in a nested directory and a socket: one Walk from the root each', () => {
  const T = box();
  symlinkSync('g', join(T, 'd', 'lg'));
  const sock = spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(join(T, 'd', 'sock'))})`]);
  assert.is(sock.status, 0, 'python3 made a socket file');
  const fs = mount(T, { mode: 'directfs' });
  try {
    fs.setxattr('d/lg', 'trusted.n', 'nested', 0, { follow: false });
    assert.equal(counts(fs), { Mount: 1, Walk: 1, FSetXattr: 1, Close: 1 }, 'd/lg: one Walk of two names');
    fs.setxattr('d/sock', 'trusted.s', 'sock');
    fails(() => fs.setxattr('d/sock', 'user.s', 'sock'), 'EPERM', 'user.* on a socket');
    assert.equal(fs.listxattr('d/sock'), ['trusted.s']);
    assert.is(dec.decode(fs.getxattr('d/sock', 'trusted.s')), 'sock');
    assert.is(fs.counters().rpcs, 5);
  } finally {
    fs.unmount();
    rmSync(T, { recursive: true, force: true });
  }
});

// ---- the import itself -----------------------------------------------------------------------------

for (const gofer of CHANNELS) {
  test(`fallback import (${gofer}): walk errors, buffer sizes, SetStat; walked FDs closed`, () => {
    const T = box();
    const sockPath = join(T, 'sock');
    assert.is(spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sockPath)})`]).status, 0);
    const c = LisafsClient.connect({ channel: gofer, root: T });
    try {
      const m = c.mount();
      if (m.rootHostFd !== undefined) closeHostFd(m.rootHostFd); // donated to us; not needed here
      const mem = new WebAssembly.Memory({ initial: 1 });
      const u8 = new Uint8Array(mem.buffer);
      const notes: string[] = [];
      const fb = createFallback(() => mem, () => ({ c, root: m.root.controlFD }), (n) => notes.push(n));
      const PATH = 0, NAME = 1024, BUF = 2048;
      const call = (op: number, path: string, name: string, size: number, arg = 0): number => {
        const p = enc.encode(path);
        u8.set(p, PATH);
        u8.set(enc.encode(`${name}\0`), NAME);
        return fb(op, 0, PATH, p.length, NAME, BUF, size, arg);
      };
      u8.set(enc.encode('value'), BUF);
      assert.is(call(LISAFS_OP_SETXATTR, '/lf', 'trusted.v', 5), 0);
      assert.is(call(LISAFS_OP_GETXATTR, '/lf', 'trusted.v', 0), 5, 'size 0: the length');
      assert.is(call(LISAFS_OP_GETXATTR, '/lf', 'trusted.v', 2), -ERANGE, 'too small: ERANGE');
      u8.fill(0, BUF, BUF + 16);
      assert.is(call(LISAFS_OP_GETXATTR, '/lf', 'trusted.v', 16), 5);
      assert.is(dec.decode(u8.subarray(BUF, BUF + 5)), 'value');
      assert.is(call(LISAFS_OP_LISTXATTR, '/lf', '', 0), 'trusted.v\0'.length, 'list: size 0 gives the length');
      assert.is(call(LISAFS_OP_LISTXATTR, '/lf', '', 3), -ERANGE);
      assert.is(call(LISAFS_OP_LISTXATTR, '/lf', '', 64), 10);
      assert.is(dec.decode(u8.subarray(BUF, BUF + 10)), 'trusted.v\0');
      assert.is(call(LISAFS_OP_REMOVEXATTR, '/lf', 'trusted.v', 0), 0);
      assert.is(call(LISAFS_OP_REMOVEXATTR, '/lf', 'trusted.v', 0), -ENODATA);
      assert.is(call(LISAFS_OP_SETXATTR, '/lf', 'user.v', 5), -EPERM, 'the kernel refuses user.* on a symlink');
      assert.is(call(LISAFS_OP_GETXATTR, '/missing', 'trusted.v', 16), -ENOENT, 'a missing name');
      assert.is(call(LISAFS_OP_GETXATTR, '/d/nope/x', 'trusted.v', 16), -ENOENT, 'a missing directory');
      assert.is(call(LISAFS_OP_GETXATTR, '/ld/g', 'trusted.v', 16), -ELOOP, 'a symlink in the middle is never followed');
      // The root itself: no Walk.
      const walks = c.rpcCounts.Walk ?? 0;
      assert.is(call(LISAFS_OP_SETXATTR, '', 'trusted.root', 5), 0);
      assert.is(c.rpcCounts.Walk ?? 0, walks, 'the root needs no Walk');
      assert.is(call(LISAFS_OP_REMOVEXATTR, '', 'trusted.root', 0), 0);
      // SetStat: the mode of a socket, the times of a symlink (on the link).
      new DataView(mem.buffer).setUint32(BUF, 0o600, true);
      assert.is(call(LISAFS_OP_SETSTAT, '/sock', '', 4, 0x2), 0);
      assert.is(lstatSync(sockPath).mode & 0o777, 0o600);
      const dv = new DataView(mem.buffer);
      dv.setBigInt64(BUF, 1000n, true); dv.setBigInt64(BUF + 8, 0n, true);
      dv.setBigInt64(BUF + 16, 2000n, true); dv.setBigInt64(BUF + 24, 5n, true);
      const targetMtime = lstatSync(join(T, 'f'), { bigint: true }).mtimeNs;
      assert.is(call(LISAFS_OP_SETSTAT, '/lf', '', 32, 0x20 | 0x40), 0);
      const ls = lstatSync(join(T, 'lf'), { bigint: true });
      assert.is(ls.atimeNs, 1000n * 1_000_000_000n);
      assert.is(ls.mtimeNs, 2000n * 1_000_000_000n + 5n);
      assert.is(lstatSync(join(T, 'f'), { bigint: true }).mtimeNs, targetMtime, 'the target is untouched');
      assert.is(call(LISAFS_OP_SETSTAT, '/lf', '', 4, 0x2), -95, 'chmod of a symlink: EOPNOTSUPP (Linux has no mode for links)');
      // Every walked FD was closed: one Close per Walk that returned any ('/missing' returned none).
      assert.is(c.rpcCounts.Close, (c.rpcCounts.Walk ?? 0) - 1);
      assert.equal(notes, [], 'no EIO noted');
    } finally {
      c.disconnect();
      rmSync(T, { recursive: true, force: true });
    }
  });
}

// ---- lisafs mode: the mount's own connection; exact RPCs ------------------------------------------

for (const gofer of CHANNELS) {
  test(`lisafs (${gofer}): fallbacks use the mount's connection; a stat-heavy sequence sends exactly the expected RPCs`, () => {
    const T = box();
    writeFileSync(join(T, 'd', 'h'), 'yy');
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      const c = fs.lisafs!;
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1 }, 'mount: Mount, the root opened for reading and stated');
      // First stat of d/g: one Walk of both names (the core's prefetch of an uncached path): d
      // becomes a cached dentry with a control FD (opened for reading only when read), g a cached
      // dentry with its stat (its control FD goes back in the next batched Close); nothing else.
      fs.stat('d/g');
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1, Walk: 1 }, 'd/g: one Walk');
      // Cached (exclusive): no RPC at all.
      for (let i = 0; i < 50; i++) fs.stat('d/g');
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1, Walk: 1 }, 'cached stats send nothing');
      // A sibling: one more Walk (d is cached).
      fs.stat('d/h');
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1, Walk: 2 });
      // A missing name: one Walk; then it is a cached negative entry.
      fails(() => fs.stat('d/none'), 'ENOENT');
      fails(() => fs.stat('d/none'), 'ENOENT');
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1, Walk: 3 }, 'negative entries are cached too');
      assert.is(fs.rpcs, 6, 'Filesystem.rpcs counts every RPC, Mount included');
      // The fallback goes over this same connection (no second gofer): the core looks the link up
      // (Walk), then the fallback sends one Walk from the root, the op, and a Close.
      fs.setxattr('lf', 'trusted.m', 'x', 0, { follow: false });
      assert.equal(counts(fs), { Mount: 1, OpenAt: 1, FStat: 1, Walk: 5, FSetXattr: 1, Close: 1 });
      assert.is(c.rpcCounts.Mount, 1, 'no second Mount');
      assert.is(dec.decode(fs.getxattr('lf', 'trusted.m', { follow: false })), 'x');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): an uncached path is one Walk (the core's prefetch), its components cached from the reply; a missing one, a symlink, "..", a file mid-path, a final open, a small FD budget`, () => {
    const T = box();
    mkdirSync(join(T, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(T, 'a', 'b', 'c', 'file.txt'), 'twelve bytes');
    writeFileSync(join(T, 'a', 'x'), '');
    symlinkSync('c', join(T, 'a', 'b', 'link'));
    mkdirSync(join(T, 'o1', 'o2'), { recursive: true });
    writeFileSync(join(T, 'o1', 'o2', 'o3.txt'), 'open me');
    const delta = (fs: Filesystem, f: () => void): Record<string, number> => {
      const a = counts(fs);
      f();
      const b = counts(fs);
      const d: Record<string, number> = {};
      for (const [k, v] of Object.entries(b)) if (v !== (a[k] ?? 0)) d[k] = v - (a[k] ?? 0);
      return d;
    };
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      const ino = lstatSync(join(T, 'a', 'b', 'c', 'file.txt')).ino;
      assert.equal(delta(fs, () => assert.is(fs.stat('a/b/c/file.txt').size, 12n)), { Walk: 1 }, 'four names, one Walk');
      assert.equal(delta(fs, () => {
        assert.is(fs.stat('a/b/c').mode & 0o170000, 0o040000);
        assert.is(fs.stat('a/b').mode & 0o170000, 0o040000);
        assert.is(fs.stat('a/b/c/file.txt').size, 12n);
      }), {}, 'every component cached');
      // A missing component: the Walk stops there, the name is cached as missing.
      assert.equal(delta(fs, () => fails(() => fs.stat('a/b/zz/q/r'), 'ENOENT')), { Walk: 1 });
      assert.equal(delta(fs, () => fails(() => fs.stat('a/b/zz/q/r'), 'ENOENT')), {}, 'negative entry cached');
      // A symlink mid-path: the Walk stops at it; the core reads it (ReadLinkAt on the control FD
      // the Walk returned) and goes on in the cache.
      assert.equal(delta(fs, () => assert.is(fs.stat('a/b/link/file.txt').ino, BigInt(ino))), { Walk: 1, ReadLinkAt: 1 });
      // A symlink read with no walk just before it (its target cached: readlink of the dentry)
      // walks to it as before.
      symlinkSync('file.txt', join(T, 'a', 'b', 'c', 'l2'));
      assert.is(fs.readlink('a/b/c/l2'), 'file.txt');
      // "..": the run stops before it (resolved in the tree), the rest is looked up after it.
      mkdirSync(join(T, 'e1', 'e2'), { recursive: true });
      writeFileSync(join(T, 'e1', 'e2', 'f'), 'f');
      assert.equal(delta(fs, () => assert.is(fs.stat('e1/e2/../e2/f').size, 1n)), { Walk: 2 }, 'e1/e2, then f');
      // A file mid-path: ENOTDIR, as without the prefetch.
      fails(() => fs.stat('a/x/y'), 'ENOTDIR', 'a/x/y');
      fails(() => fs.stat('a/x/y/z'), 'ENOTDIR', 'a/x/y/z');
      // A final name that is opened: its own lookup (WalkOpen) after one Walk of the directories.
      assert.equal(delta(fs, () => assert.is(dec.decode(fs.readFile('o1/o2/o3.txt')), 'open me')), { Walk: 1, WalkOpen: 1 });
    } finally {
      fs.unmount();
    }
    // An FD budget too small for a run: the names are looked up one by one, with the same results.
    const small = mount(T, { mode: 'lisafs', gofer, limits: { hostFdBudget: 2 } });
    try {
      assert.is(small.stat('a/b/c/file.txt').size, 12n);
      assert.ok((small.lisafs!.rpcCounts.Walk ?? 0) > 1, 'no prefetch over the budget');
      assert.is(small.stat('a/b/link/file.txt').size, 12n);
      fails(() => small.stat('a/b/zz/q/r'), 'ENOENT');
    } finally {
      small.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): file data moves through the donated host FD (no PRead/PWrite); an uncached read-only open is one WalkOpen, a write open Walk + OpenAt`, () => {
    const T = box();
    writeFileSync(join(T, 'w'), 'abc');
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      fs.writeFile('d/new', 'x'.repeat(100_000));
      assert.is(dec.decode(fs.readFile('d/new')).length, 100_000);
      const before = counts(fs);
      assert.is(dec.decode(fs.readFile('f')), 'hello');
      const after = counts(fs);
      assert.is(after.PRead ?? 0, 0, 'no PRead');
      assert.is(after.PWrite ?? 0, 0, 'no PWrite');
      // f: looked up and opened with one WalkOpen (the extension): no Walk, no OpenAt.
      assert.is((after.WalkOpen ?? 0) - (before.WalkOpen ?? 0), 1, 'f walked and opened at once');
      assert.is((after.Walk ?? 0) - (before.Walk ?? 0), 0, 'no Walk for f');
      assert.is((after.OpenAt ?? 0) - (before.OpenAt ?? 0), 0, 'no OpenAt for f');
      // w, opened for writing: looked up with one Walk, whose control FD the open then uses.
      const h = fs.open('w', 'r+');
      fs.close(h);
      const end = counts(fs);
      assert.is((end.WalkOpen ?? 0) - (after.WalkOpen ?? 0), 0, 'w: no WalkOpen');
      assert.is((end.Walk ?? 0) - (after.Walk ?? 0), 1, 'w walked once');
      assert.is((end.OpenAt ?? 0) - (after.OpenAt ?? 0), 1, 'w opened once');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): a file unlinked while open holds no FD anywhere once closed (its blocks are freed)`, () => {
    const T = box();
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      const goferPid = gofer === 'process' ? (fs.lisafs!.transport as unknown as { pid: number }).pid : process.pid;
      const holders = (name: string): string[] => {
        const out: string[] = [];
        for (const pid of new Set([process.pid, goferPid])) {
          for (const n of readdirSync(`/proc/${pid}/fd`)) {
            try {
              const l = readlinkSync(`/proc/${pid}/fd/${n}`);
              if (l.includes(name)) out.push(`${pid}:${n} -> ${l}`);
            } catch { /* closed meanwhile */ }
          }
        }
        return out;
      };
      fs.writeFile('d/gone', 'x'.repeat(50_000));
      const h = fs.open('d/gone', 'r');
      assert.ok(holders('gone').length > 0, 'held while open');
      fs.unlink('d/gone');
      assert.is(fs.read(h, new Uint8Array(5), 0), 5, 'still readable while open');
      fs.close(h);
      assert.equal(holders('gone'), [], 'no FD left on the deleted file in this process or the gofer');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): a walk (readdir, then stat of what it listed) reads the directories below with their entries' stats: no Walk per entry`, () => {
    const T = box();
    for (const d of ['a', 'b']) {
      mkdirSync(join(T, 'd', d));
      for (let i = 0; i < 10; i++) writeFileSync(join(T, 'd', d, `f${i}`), 'z'.repeat(i));
      symlinkSync('f1', join(T, 'd', d, 'ln'));
    }
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      const lstatAll = (dir: string): void => {
        for (const e of fs.readdir(dir)) {
          if (e.name === '.' || e.name === '..') continue;
          const p = `${dir}/${e.name}`;
          const st = fs.lstat(p);
          const host = lstatSync(join(T, p), { bigint: true });
          assert.is(st.size, host.size, `size of ${p}`);
          assert.is(st.mode, Number(host.mode), `mode of ${p}`);
          assert.is(st.ino, host.ino, `ino of ${p}`);
          assert.is(st.mtimeNs, host.mtimeNs, `mtime of ${p}`);
          assert.is(e.ino, st.ino, `readdir ino of ${p}`);
        }
      };
      // d is read plainly first (nothing says its names will be looked up); its batch shows two
      // subdirectories, a and b, each to be stat'ed for its device (a Walk each), which costs more
      // than one listing with stats, so it is read again that way, at once: no Walk for a, b or
      // g; and d's subdirectories are read with their entries' stats.
      const start = counts(fs);
      lstatAll('d');
      const before = counts(fs);
      assert.ok((before.Getdents64 ?? 0) > (start.Getdents64 ?? 0), 'd itself: plain Getdents64');
      assert.is((before.Getdents64Stat ?? 0) - (start.Getdents64Stat ?? 0), 1, `then read once with stats: ${JSON.stringify(before)}`);
      assert.is((before.Walk ?? 0) - (start.Walk ?? 0), 0, 'no Walk for the subdirectories, none for g');
      lstatAll('d/a');
      lstatAll('d/b');
      const after = counts(fs);
      // One RPC each, which opens the directory and brings its whole listing (d's entries were
      // read: a walk), saying nothing follows (no empty call); none for their 22 entries.
      assert.is((after.WalkGetdents64Stat ?? 0) - (before.WalkGetdents64Stat ?? 0), 2, `a and b opened and listed with stats, one RPC each: ${JSON.stringify(after)}`);
      assert.is((after.Getdents64Stat ?? 0) - (before.Getdents64Stat ?? 0), 0, 'no listing RPC of its own');
      assert.is((after.Walk ?? 0) - (before.Walk ?? 0), 0, 'no Walk to open a or b, none for their entries');
      assert.is((after.OpenAt ?? 0) - (before.OpenAt ?? 0), 0, 'listed through their control FDs: no OpenAt');
      // The learned entries are ordinary cached dentries: a change through the mount shows.
      fs.writeFile('d/a/f3', 'longer now');
      assert.is(fs.lstat('d/a/f3').size, 10n);
      fs.unlink('d/a/f4');
      fails(() => fs.lstat('d/a/f4'), 'ENOENT');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): a listing stats its subdirectories by name while that costs less than a listing with stats`, () => {
    const T = box();
    // many: 40 subdirectories and 3 files, stat'ed by name 40 Walks, read with stats 1 RPC.
    // few: 300 files and 2 subdirectories, 2 Walks against ~3 RPCs for a listing with stats.
    for (let i = 0; i < 40; i++) mkdirSync(join(T, 'many', `s${i}`), { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(T, 'many', `f${i}`), 'm');
    mkdirSync(join(T, 'few'));
    for (let i = 0; i < 300; i++) writeFileSync(join(T, 'few', `f${i}`), 'f');
    for (let i = 0; i < 2; i++) mkdirSync(join(T, 'few', `s${i}`));
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      for (const [dir, total, withStats, walks] of [['many', 43, 1, 0], ['few', 302, 0, 2]] as const) {
        const a = counts(fs);
        const entries = fs.readdir(dir).filter((e) => e.name !== '.' && e.name !== '..');
        const b = counts(fs);
        assert.is(entries.length, total, `${dir}: every entry`);
        for (const e of entries) {
          const host = lstatSync(join(T, dir, e.name), { bigint: true });
          assert.is(e.ino, host.ino, `${dir}/${e.name}: d_ino`);
          assert.is(e.type, host.isDirectory() ? 3 : 4, `${dir}/${e.name}: d_type`);
        }
        assert.is((b.Getdents64Stat ?? 0) - (a.Getdents64Stat ?? 0), withStats, `${dir}: listings with stats ${JSON.stringify(b)}`);
        assert.is((b.Walk ?? 0) - (a.Walk ?? 0), walks, `${dir}: Walks (one per subdirectory stat'ed by name, one to open it) ${JSON.stringify(b)}`);
      }
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): ls -l of a directory of files: its listing, then one Getdents64Stat for the lstats, not a Walk per name`, () => {
    const T = box();
    mkdirSync(join(T, 'flat'));
    for (let i = 0; i < 50; i++) writeFileSync(join(T, 'flat', `f${i}`), 'y'.repeat(i));
    symlinkSync('f1', join(T, 'flat', 'ln'));
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      const a = counts(fs);
      const names = fs.readdir('flat').map((e) => e.name).filter((n) => n !== '.' && n !== '..');
      for (const n of names) {
        const st = fs.lstat(`flat/${n}`);
        const host = lstatSync(join(T, 'flat', n), { bigint: true });
        assert.is(st.ino, host.ino, `ino of ${n}`);
        assert.is(st.size, host.size, `size of ${n}`);
        assert.is(st.mode, Number(host.mode), `mode of ${n}`);
      }
      fails(() => fs.lstat('flat/absent'), 'ENOENT');
      const b = counts(fs);
      assert.is(names.length, 51);
      assert.is((b.Getdents64Stat ?? 0) - (a.Getdents64Stat ?? 0), 1, `the lstats: one listing with stats ${JSON.stringify(b)}`);
      assert.ok((b.Walk ?? 0) - (a.Walk ?? 0) <= 2, 'no Walk per name (one to open flat, one for the absent name)');
      // The entries are ordinary cached dentries: a change through the mount shows.
      fs.writeFile('flat/f3', 'now longer');
      assert.is(fs.lstat('flat/f3').size, 10n);
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): a directory opened in a listed one comes with its first batch; a larger one continues with Getdents64Stat; a re-read lists every entry again`, () => {
    const T = box();
    mkdirSync(join(T, 'p', 'q', 'r'), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(join(T, 'p', 'q', `entry-with-a-long-name-${i}`), '');
    const want = ['.', '..', 'r', ...Array.from({ length: 300 }, (_, i) => `entry-with-a-long-name-${i}`)].sort();
    const fs = mount(T, { mode: 'lisafs', gofer });
    try {
      fs.readdir('p'); // p's entries read: q comes with a batch when opened
      const a = counts(fs);
      // Opening q looks up a name p listed, so the core reads q with stats: the batch that came
      // with q is the whole listing.
      assert.equal(fs.readdir('p/q').map((e) => e.name).sort(), want, 'the listing');
      const b = counts(fs);
      assert.is((b.WalkGetdents64Stat ?? 0) - (a.WalkGetdents64Stat ?? 0), 1, `q opened with its batch: ${JSON.stringify(b)}`);
      assert.is((b.Getdents64Stat ?? 0) - (a.Getdents64Stat ?? 0), 0, 'no listing RPC of its own');
      assert.is((b.Getdents64 ?? 0) - (a.Getdents64 ?? 0), 0);
      // Several batches: the directory is larger than one reply's budget (65536 bytes at 155 +
      // name bytes per entry), and the rest follows through Getdents64Stat from where it stopped.
      for (let i = 300; i < 700; i++) writeFileSync(join(T, 'p', 'q', 'r', `x${i}-${'n'.repeat(40)}`), '');
      fs.readdir('p/q');
      for (const e of fs.readdir('p/q')) if (e.name.startsWith('entry-with-a-long-name-1')) fs.lstat(`p/q/${e.name}`);
      const c0 = counts(fs);
      const names = fs.readdir('p/q/r').map((e) => e.name);
      const c1 = counts(fs);
      assert.is(names.length, 402, 'every entry of r, once');
      assert.is(new Set(names).size, 402);
      assert.is((c1.WalkGetdents64Stat ?? 0) - (c0.WalkGetdents64Stat ?? 0), 1, `r opened with its first batch: ${JSON.stringify(c1)}`);
      assert.ok((c1.Getdents64Stat ?? 0) - (c0.Getdents64Stat ?? 0) >= 1, 'the rest through Getdents64Stat');
      assert.equal(fs.readdir('p/q/r').map((e) => e.name).sort(), [...names].sort(), 'and again (a rewind)');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });

  test(`lisafs (${gofer}): shared mode: every repeated stat revalidates with the same RPCs`, () => {
    const T = box();
    const fs = mount(T, { mode: 'lisafs', gofer, interop: 'shared' });
    try {
      fs.stat('d/g');
      const a = counts(fs);
      fs.stat('d/g');
      const b = counts(fs);
      const sent = Object.entries(b).reduce((n, [k, v]) => n + v - (a[k] ?? 0), 0);
      assert.ok(sent > 0, 'shared: a repeated stat asks the gofer');
      fs.stat('d/g');
      const c2 = counts(fs);
      assert.is(Object.entries(c2).reduce((n, [k, v]) => n + v - (b[k] ?? 0), 0), sent, 'the same RPCs each time');
    } finally {
      fs.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });
}

// ---- killing the gofer ---------------------------------------------------------------------------

for (const gofer of CHANNELS) {
  test(`lisafs (${gofer}): the gofer killed mid-run: EIO naming the exited file server; unmount; mount again`, () => {
    const T = box();
    const base = procFds();
    const fs = mount(T, { mode: 'lisafs', gofer, interop: 'shared' });
    assert.is(dec.decode(fs.readFile('f')), 'hello');
    kill(fs.lisafs!);
    const t0 = Date.now();
    const e = fails(() => fs.stat('d/g'), 'EIO', 'the next operation');
    assert.match(e.message, /the file server exited \(status \d+\)/, e.message);
    if (gofer === 'process') assert.match(e.message, /status 137\), killed by SIGKILL/);
    const e2 = fails(() => fs.readFile('f'), 'EIO', 'and every later one');
    assert.match(e2.message, /the file server exited/);
    assert.ok(Date.now() - t0 < 5000, `no hang (${Date.now() - t0} ms)`);
    fs.unmount();
    // The process gofer's FDs went with it; the killed worker thread's (it shares this process's
    // FD table) are closed by unmount from the record it kept in shared memory.
    assert.is(procFds(), base, 'nothing left behind');
    const left = procFds();
    const again = mount(T, { mode: 'lisafs', gofer });
    try {
      assert.is(dec.decode(again.readFile('f')), 'hello', 'a new mount works');
    } finally {
      again.unmount();
      rmSync(T, { recursive: true, force: true });
    }
    assert.is(procFds(), left, 'the new mount left nothing behind');
  });

  test(`directfs (${gofer} fallback gofer) killed: the fallback fails with EIO and the message; directfs goes on`, () => {
    const T = box();
    const fs = mount(T, { mode: 'directfs', gofer });
    try {
      fs.setxattr('lf', 'trusted.k', 'v', 0, { follow: false });
      kill(fs.lisafs!);
      const e = fails(() => fs.getxattr('lf', 'trusted.k', { follow: false }), 'EIO');
      assert.match(e.message, /the file server exited \(status \d+\)/, e.message);
      assert.is(dec.decode(fs.readFile('f')), 'hello', 'the fast path needs no gofer');
      fs.stat('d/g');
    } finally {
      fs.unmount();
    }
    const again = mount(T, { mode: 'directfs', gofer });
    try {
      assert.is(dec.decode(again.getxattr('lf', 'trusted.k', { follow: false })), 'v', 'a new mount starts a new gofer');
    } finally {
      again.unmount();
      rmSync(T, { recursive: true, force: true });
    }
  });
}

/** A guest that stats "f" in a loop (shared mode: each stat asks the gofer); after 100 stats it
 * calls env.kill (the test kills the gofer there); exits with the first errno, 0 if none. */
async function statLoopGuest(): Promise<WebAssembly.Module> {
  const name = 'binaryen';
  const binaryen = ((await import(name)) as { default: { parseText(t: string): { emitBinary(): Uint8Array; dispose(): void } } }).default;
  const m = binaryen.parseText(`(module
    (import "wasi_snapshot_preview1" "path_filestat_get" (func $st (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "env" "kill" (func $kill))
    (memory (export "memory") 1)
    (data (i32.const 0) "f")
    (func (export "_start") (local $i i32) (local $e i32)
      (loop $l
        (local.set $e (call $st (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 64)))
        (if (local.get $e) (then (call $exit (local.get $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.eq (local.get $i) (i32.const 100)) (then (call $kill)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
      (call $exit (i32.const 0))))`);
  const bytes = m.emitBinary();
  m.dispose();
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

for (const gofer of CHANNELS) {
  test(`WASI guest (lisafs ${gofer}): the gofer killed mid-run: the guest gets EIO, the message names the exit; a new run works`, async () => {
    const T = box();
    const mod = await statLoopGuest();
    const run = (killIt: boolean): { code: number; message: string; stats: number } => {
      const wasi = new WASI({ version: 'preview1', preopens: { '/w': T }, mode: 'lisafs', gofer, interop: 'shared', returnOnExit: true });
      let stats = 0;
      try {
        const inst = new WebAssembly.Instance(mod, {
          ...wasi.getImportObject(),
          env: { kill: () => { if (killIt) kill(wasi.lisafsClients[0]!); } },
        } as unknown as WebAssembly.Imports);
        const t0 = Date.now();
        const code = wasi.start(inst);
        assert.ok(Date.now() - t0 < 10000, 'no hang');
        stats = wasi.rpcs;
        return { code, message: wasi.lisafsMessage, stats };
      } finally {
        wasi.close();
      }
    };
    try {
      const killed = run(true);
      assert.is(killed.code, 29, 'the guest saw WASI EIO (29)');
      assert.match(killed.message, /the file server exited \(status \d+\)/, killed.message);
      const ok = run(false);
      assert.is(ok.code, 0, 'a new run with a new gofer completes');
      assert.ok(ok.stats >= 1000, `each of the 1000 stats asked the gofer (${ok.stats} RPCs)`);
    } finally {
      rmSync(T, { recursive: true, force: true });
    }
  });
}

test.run();
