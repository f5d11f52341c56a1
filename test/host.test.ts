// test/host.test.ts — ts/host/hostfd.ts against the real host: every `hostfd` import, its success
// path and at least one -errno, the memory plumbing (core/guest bases, growth, unbound memories),
// the twin check against core-c/src/host/imports.h, and no host FD leaked at the end.
//
// A standalone WebAssembly.Memory plays the core's memory: names are written into it
// NUL-terminated and passed as offsets, as core.wasm does. Everything happens in a temp dir
// under os.tmpdir(), removed at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import koffi from 'koffi';
import {
  mkdtempSync, realpathSync, rmSync, writeFileSync, readFileSync, statSync, lstatSync, symlinkSync,
  mkdirSync, statfsSync, existsSync, readlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HostMemory, createHostImports, openRoot, closeHostFd, openHostFds, HOSTFD_SIGNATURES, HOST_IOV_MAX,
} from '../ts/host/hostfd.js';
import type { HostImports, HostError } from '../ts/host/hostfd.js';
import { readImportsH, trampolineModule, repoRoot, functionImports } from './helpers/wasm-imports.js';

// ---- Linux numbering -------------------------------------------------------------------------
const EPERM = 1, ENOENT = 2, EBADF = 9, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22;
const EFAULT = 14, ENOTTY = 25, ESPIPE = 29, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOPNOTSUPP = 95;
const O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200;
const O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
const O_PATH = 0o10000000;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
const RWF_APPEND = 0x10;
const UTIME_OMIT = (1 << 30) - 2;
const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFIFO = 0o010000;
const STATX_BASIC_STATS = 0x7ff;
const XATTR_CREATE = 1;
const POLLIN = 1, POLLOUT = 4;
const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
const NEW = O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC;

// ---- fixture: core memory, host imports, temp dir --------------------------------------------
const baseline = openHostFds();
const core = new WebAssembly.Memory({ initial: 4 });
const guest = new WebAssembly.Memory({ initial: 1 });
const hm = new HostMemory(core);
const h: HostImports = createHostImports(hm);
const T = realpathSync(mkdtempSync(join(tmpdir(), 'wdfs-host-')));
const root = openRoot(T);

// Fixed places in core memory (4 pages = 256 KiB).
const N1 = 1024, N2 = 2048, OUT = 4096, IOV = 8192, BUF = 16384;

const enc = new TextEncoder();
const dec = new TextDecoder();
function u8(): Uint8Array {
  return new Uint8Array(core.buffer);
}
function dv(): DataView {
  return new DataView(core.buffer);
}
/** Writes `s` NUL-terminated at core offset `at`; returns `at`. */
function put(at: number, s: string): number {
  const b = enc.encode(s);
  u8().set(b, at);
  u8()[at + b.length] = 0;
  return at;
}
/** Writes wasm32 iovecs {u32 buf, u32 len} at core offset `at`; returns `at`. */
function putIovs(at: number, iovs: Array<[number, number]>): number {
  const d = dv();
  iovs.forEach(([buf, len], i) => {
    d.setUint32(at + 8 * i, buf, true);
    d.setUint32(at + 8 * i + 4, len, true);
  });
  return at;
}
function str(at: number, len: number, m: WebAssembly.Memory = core): string {
  return dec.decode(new Uint8Array(m.buffer, at, len));
}
function openIn(dir: number, name: string, flags: number, mode = 0o644): number {
  return h.openat(dir, put(N1, name), flags, mode);
}
function mustOpen(dir: number, name: string, flags: number, mode = 0o644): number {
  const fd = openIn(dir, name, flags, mode);
  assert.ok(fd >= 0, `openat ${name} -> ${fd}`);
  return fd;
}
function close(fd: number): void {
  assert.is(h.close(fd), 0, `close(${fd})`);
}

// libc pipe2, only to give poll/fsync/fallocate a pipe (the imports never create one).
const libc = koffi.load('libc.so.6');
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)') as (fds: Int32Array, flags: number) => number;
function pipe(): [number, number] {
  const fds = new Int32Array(2);
  assert.is(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  return [fds[0] as number, fds[1] as number];
}

// ---- the contract ------------------------------------------------------------------------------

test('twin: imports.h, HOSTFD_SIGNATURES and createHostImports name the same functions', () => {
  const sigs = readImportsH();
  assert.ok(sigs.length >= 30, `parsed ${sigs.length} imports from imports.h`);
  const provided = h as unknown as Record<string, unknown>;
  for (const s of sigs) {
    const mine = HOSTFD_SIGNATURES[s.name];
    assert.ok(mine, `HOSTFD_SIGNATURES lacks ${s.name}`);
    assert.equal(mine, [s.params.join(' '), s.result], `signature of ${s.name}`);
    const fn = provided[s.name];
    assert.type(fn, 'function', `createHostImports lacks ${s.name}`);
    assert.is((fn as (...a: unknown[]) => unknown).length, s.params.length, `arity of ${s.name}`);
  }
  assert.equal(Object.keys(HOSTFD_SIGNATURES).sort(), sigs.map((s) => s.name).sort(), 'no extra signature');
  assert.equal(Object.keys(provided).sort(), sigs.map((s) => s.name).sort(), 'no extra import');
  // core.wasm, once built, imports nothing else from hostfd, each with the declared signature.
  const wasm = join(repoRoot(), 'dist', 'core.wasm');
  if (existsSync(wasm)) {
    const bytes = readFileSync(wasm);
    const wanted = WebAssembly.Module.imports(new WebAssembly.Module(bytes)).filter((i) => i.module === 'hostfd');
    const parsed = functionImports(bytes).filter((i) => i.module === 'hostfd');
    assert.equal(parsed.map((i) => i.name), wanted.map((i) => i.name), 'wasm reader agrees with the engine');
    for (const imp of parsed) {
      assert.type(provided[imp.name], 'function', `core.wasm imports hostfd.${imp.name}`);
      assert.equal([imp.params.join(' '), imp.result], HOSTFD_SIGNATURES[imp.name], `core.wasm's signature of ${imp.name}`);
    }
  }
});

test('wasm reader: reads back the signatures of a module the writer made', () => {
  const sigs = readImportsH();
  const back = functionImports(trampolineModule('hostfd', sigs));
  assert.equal(back.map((i) => [i.module, i.name, i.params.join(' '), i.result]), sigs.map((s) => ['hostfd', s.name, s.params.join(' '), s.result]));
});

test('through a wasm boundary: i64 as BigInt both ways, i32 above 2^31 arrive negative', () => {
  const sigs = readImportsH();
  const mod = new WebAssembly.Module(trampolineModule('hostfd', sigs));
  const t = new WebAssembly.Instance(mod, { hostfd: h as unknown as WebAssembly.ModuleImports }).exports as unknown as HostImports;
  const fd = mustOpen(root, 'wasm-file', NEW);
  assert.is(t.ftruncate(fd, 5000n), 0);
  assert.is(t.lseek(fd, 0n, SEEK_END), 5000n);
  assert.is(t.lseek(fd, -1n, SEEK_SET), -BigInt(EINVAL));
  assert.is(t.fadvise(fd, 0n, 4096n, 0), 0);
  assert.is(t.fallocate(fd, 0, 0n, 8192n), 0);
  const now = t.now_ns();
  assert.is(typeof now, 'bigint');
  // STATX__RESERVED (0x80000000) in the mask reaches the kernel intact (as u32) -> EINVAL.
  assert.is(t.statx(fd, put(N1, ''), AT_EMPTY_PATH, 0x80000000 | STATX_BASIC_STATS, OUT), -EINVAL);
  assert.is(t.statx(fd, put(N1, ''), AT_EMPTY_PATH, STATX_BASIC_STATS, OUT), 0);
  assert.is(dv().getBigUint64(OUT + 40, true), 8192n);
  put(BUF, 'via wasm');
  assert.is(t.pwritev(fd, 0, putIovs(IOV, [[BUF, 8]]), 1, 100n, 0), 8);
  assert.is(t.preadv(fd, 0, putIovs(IOV, [[BUF + 100, 8]]), 1, 100n), 8);
  assert.is(str(BUF + 100, 8), 'via wasm');
  assert.is(t.close(fd), 0);
  assert.is(t.close(fd), -EBADF);
});

// ---- memories ----------------------------------------------------------------------------------

test('HostMemory: base is the buffer address; growth refreshes base, size and view', () => {
  const addr = (m: WebAssembly.Memory): number => Number(koffi.address(new Uint8Array(m.buffer)));
  assert.is(hm.syncCore(), addr(core));
  assert.is(hm.coreSize, 4 * 65536);
  const old = core.buffer;
  core.grow(2);
  assert.is.not(core.buffer, old);
  // A name and a statx result that live only in the new pages.
  const far = 5 * 65536 + 123;
  writeFileSync(join(T, 'grown'), 'x'.repeat(77));
  assert.is(h.statx(root, put(far, 'grown'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, far + 1024), 0);
  assert.is(hm.coreSize, 6 * 65536);
  assert.is(hm.coreBase, addr(core));
  assert.is(dv().getBigUint64(far + 1024 + 40, true), 77n);
  // Same for the guest memory: preadv into a page that did not exist when it was bound.
  const g = new WebAssembly.Memory({ initial: 1 });
  const hm2 = new HostMemory(core, g);
  const h2 = createHostImports(hm2);
  assert.is(hm2.guestSize, 65536);
  g.grow(1);
  const fd = mustOpen(root, 'grown', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h2.preadv(fd, 1, putIovs(IOV, [[65536 + 10, 5]]), 1, 0n), 5);
  assert.is(str(65536 + 10, 5, g), 'xxxxx');
  assert.is(hm2.guestBase, addr(g));
  close(fd);
});

test('HostMemory: core memory is mapped writable when bound and as it grows; guest memory is left alone', () => {
  // mincore(2) reports which pages of a range are resident: fresh wasm pages are not until
  // touched, so a resident page nobody touched is one the prefault mapped.
  const mincore = libc.func('int mincore(intptr_t addr, size_t len, _Out_ uint8_t *vec)') as (a: number, l: number, v: Uint8Array) => number;
  const base = (m: WebAssembly.Memory): number => Number(koffi.address(new Uint8Array(m.buffer)));
  const resident = (m: WebAssembly.Memory, from: number, to: number): number => {
    const vec = new Uint8Array((to - from) / 4096);
    assert.is(mincore(base(m) + from, to - from, vec), 0, 'mincore');
    return vec.reduce((n, b) => n + (b & 1), 0);
  };
  const c = new WebAssembly.Memory({ initial: 2 });
  const g = new WebAssembly.Memory({ initial: 2 });
  assert.is(resident(c, 0, 2 * 65536), 0, 'fresh memory is not resident');
  const m = new HostMemory(c, g);
  assert.is(m.syncCore(), base(c));
  assert.is(resident(c, 0, 2 * 65536), 32, 'bound core memory: all 32 pages');
  c.grow(3);
  assert.is(resident(c, 2 * 65536, 5 * 65536), 0, 'grown, not synced yet');
  m.syncCore();
  assert.is(resident(c, 0, 5 * 65536), 80, 'after growth: the new 48 pages too');
  m.syncGuest();
  g.grow(1);
  m.syncGuest();
  assert.is(resident(g, 0, 3 * 65536), 0, 'guest memory: never prefaulted');
});

test('HostMemory: ptr()/range() give base + offset for any offsets, colliding memo slots included', () => {
  const base = hm.syncCore();
  const offs: number[] = [];
  for (let i = 0; i < 2000; i++) offs.push((i * 2654435761) % hm.coreSize, i * 8, i * 2048);
  for (let round = 0; round < 2; round++) {
    for (const o of offs) {
      assert.is(hm.ptr(o), base + o);
      assert.is(hm.range(o, 1), o + 1 <= hm.coreSize ? base + o : -EFAULT);
    }
  }
  assert.is(hm.range(hm.coreSize - 8, 8), base + hm.coreSize - 8);
  assert.is(hm.range(hm.coreSize - 8, 9), -EFAULT);
  assert.is(hm.range(-1, 1), -EFAULT, 'a negative i32 is a u32 offset near 4 GiB');
  // Two names whose offsets share a memo slot, used alternately.
  writeFileSync(join(T, 'memo-a'), 'a');
  writeFileSync(join(T, 'memo-bb'), 'bb');
  const a = 40000, b = 42104;
  assert.is(((a >>> 3) ^ (a >>> 11)) & 255, ((b >>> 3) ^ (b >>> 11)) & 255, 'offsets collide');
  put(a, 'memo-a');
  put(b, 'memo-bb');
  for (let i = 0; i < 3; i++) {
    assert.is(h.statx(root, a, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, OUT), 0);
    assert.is(dv().getBigUint64(OUT + 40, true), 1n);
    assert.is(h.statx(root, b, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, OUT), 0);
    assert.is(dv().getBigUint64(OUT + 40, true), 2n);
  }
});

test('HostMemory: unbound memories give -EFAULT, never a wild address', () => {
  const none = createHostImports(new HostMemory());
  assert.is(none.openat(root, N1, O_RDONLY, 0), -EFAULT);
  assert.is(none.statx(root, N1, 0, STATX_BASIC_STATS, OUT), -EFAULT);
  assert.is(none.mkdirat(root, N1, 0o755), -EFAULT);
  const noGuest = createHostImports(new HostMemory(core));
  const fd = mustOpen(root, 'grown', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(noGuest.preadv(fd, 1, putIovs(IOV, [[0, 1]]), 1, 0n), -EFAULT);
  assert.is(noGuest.pwritev(fd, 1, putIovs(IOV, [[0, 1]]), 1, 0n, 0), -EFAULT);
  close(fd);
});

// ---- openRoot and embedder helpers ---------------------------------------------------------------

test('openRoot: a directory FD; errors carry code, errno, path and a clear message', () => {
  const fd = openRoot(T);
  assert.ok(fd >= 0);
  assert.ok(openHostFds().includes(fd));
  assert.is(h.statx(fd, put(N1, ''), AT_EMPTY_PATH, STATX_BASIC_STATS, OUT), 0);
  assert.is(dv().getUint16(OUT + 28, true) & S_IFMT, S_IFDIR);
  assert.is(closeHostFd(fd), 0);
  assert.not.ok(openHostFds().includes(fd));
  assert.is(closeHostFd(fd), -EBADF);

  const expectThrow = (path: string, code: string, errno: number): void => {
    try {
      openRoot(path);
      assert.unreachable(`openRoot(${path}) should throw`);
    } catch (e) {
      const err = e as HostError;
      assert.is(err.code, code);
      assert.is(err.errno, errno);
      assert.is(err.path, path);
      assert.ok(err.message.includes(JSON.stringify(path)), err.message);
      assert.ok(err.message.includes(code), err.message);
    }
  };
  expectThrow(join(T, 'no-such-dir'), 'ENOENT', ENOENT);
  writeFileSync(join(T, 'plain'), 'p');
  expectThrow(join(T, 'plain'), 'ENOTDIR', ENOTDIR);
  expectThrow(`${T}\0/etc`, 'EINVAL', EINVAL);
  expectThrow('', 'EINVAL', EINVAL);
});

// ---- one test per import -------------------------------------------------------------------------

test('openat/close: create, EEXIST, ENOENT, O_NOFOLLOW on a symlink -> ELOOP, O_PATH on it', () => {
  const fd = mustOpen(root, 'o-file', NEW);
  assert.ok(existsSync(join(T, 'o-file')));
  assert.is(openIn(root, 'o-file', NEW), -EEXIST);
  assert.is(openIn(root, 'o-missing', O_RDONLY | O_NOFOLLOW | O_CLOEXEC), -ENOENT);
  symlinkSync('o-file', join(T, 'o-link'));
  assert.is(openIn(root, 'o-link', O_RDONLY | O_NOFOLLOW | O_CLOEXEC), -ELOOP);
  assert.is(openIn(root, 'o-file', O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), -ENOTDIR);
  const lfd = mustOpen(root, 'o-link', O_PATH | O_NOFOLLOW | O_CLOEXEC);
  close(lfd);
  close(fd);
  assert.is(h.close(fd), -EBADF);
  assert.is(h.close(-1), -EBADF);
});

test('statx: size, mode, ino, nlink and nanosecond times match the host; ENOENT; EFAULT', () => {
  writeFileSync(join(T, 's-file'), 'twelve bytes');
  const st = statSync(join(T, 's-file'), { bigint: true });
  assert.is(h.statx(root, put(N1, 's-file'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, OUT), 0);
  const d = dv();
  assert.is(d.getUint32(OUT, true) & STATX_BASIC_STATS, STATX_BASIC_STATS, 'stx_mask');
  assert.is(BigInt(d.getUint16(OUT + 28, true)), st.mode);
  assert.is(d.getUint16(OUT + 28, true) & S_IFMT, S_IFREG);
  assert.is(d.getBigUint64(OUT + 32, true), st.ino);
  assert.is(d.getBigUint64(OUT + 40, true), 12n);
  assert.is(BigInt(d.getUint32(OUT + 16, true)), st.nlink);
  assert.is(BigInt(d.getUint32(OUT + 20, true)), st.uid);
  const ts = (o: number): bigint => d.getBigInt64(OUT + o, true) * 1000000000n + BigInt(d.getUint32(OUT + o + 8, true));
  assert.is(ts(64), st.atimeNs, 'atime');
  assert.is(ts(96), st.ctimeNs, 'ctime');
  assert.is(ts(112), st.mtimeNs, 'mtime');
  // by FD with AT_EMPTY_PATH, and a symlink not followed
  const fd = mustOpen(root, 's-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.statx(fd, put(N1, ''), AT_EMPTY_PATH, STATX_BASIC_STATS, OUT), 0);
  assert.is(dv().getBigUint64(OUT + 32, true), st.ino);
  close(fd);
  symlinkSync('s-file', join(T, 's-link'));
  assert.is(h.statx(root, put(N1, 's-link'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, OUT), 0);
  assert.is(dv().getUint16(OUT + 28, true) & S_IFMT, S_IFLNK);
  assert.is(dv().getBigUint64(OUT + 40, true), 6n);
  assert.is(h.statx(root, put(N1, 's-missing'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, OUT), -ENOENT);
  assert.is(h.statx(root, put(N1, 's-file'), 0, STATX_BASIC_STATS, core.buffer.byteLength - 100), -EFAULT);
});

test('getdents64: returns every entry, then 0 at the end; ENOTDIR on a file; EBADF', () => {
  mkdirSync(join(T, 'g-dir'));
  const names = ['alpha', 'beta', 'gamma'];
  for (const n of names) writeFileSync(join(T, 'g-dir', n), n);
  const dfd = mustOpen(root, 'g-dir', O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const seen: Array<[string, number, bigint]> = [];
  for (;;) {
    const n = h.getdents64(dfd, BUF, 4096);
    assert.ok(n >= 0, `getdents64 -> ${n}`);
    if (n === 0) break;
    const d = dv();
    for (let p = BUF; p < BUF + n;) {
      const reclen = d.getUint16(p + 16, true);
      const type = d.getUint8(p + 18);
      let end = p + 19;
      while (d.getUint8(end) !== 0) end++;
      seen.push([str(p + 19, end - p - 19), type, d.getBigUint64(p, true)]);
      p += reclen;
    }
  }
  assert.equal(seen.map((e) => e[0]).sort(), ['.', '..', ...names].sort());
  for (const [name, type, ino] of seen) {
    if (name === '.' || name === '..') continue;
    assert.is(type, 8, `${name} is DT_REG`);
    assert.is(ino, statSync(join(T, 'g-dir', name), { bigint: true }).ino);
  }
  close(dfd);
  const fd = mustOpen(root, 'g-dir', O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const ffd = mustOpen(fd, 'alpha', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.getdents64(ffd, BUF, 4096), -ENOTDIR);
  close(ffd);
  close(fd);
  assert.is(h.getdents64(-1, BUF, 4096), -EBADF);
});

test('lseek: SEEK_SET/CUR/END as BigInt; -EINVAL, -ESPIPE, -EBADF as BigInt', () => {
  writeFileSync(join(T, 'l-file'), '0123456789');
  const fd = mustOpen(root, 'l-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.lseek(fd, 0n, SEEK_END), 10n);
  assert.is(h.lseek(fd, 3n, SEEK_SET), 3n);
  assert.is(h.lseek(fd, 2n, SEEK_CUR), 5n);
  assert.is(h.lseek(fd, 1n << 40n, SEEK_SET), 1n << 40n);
  assert.is(h.lseek(fd, -20n, SEEK_SET), -BigInt(EINVAL));
  close(fd);
  const [r, w] = pipe();
  assert.is(h.lseek(r, 0n, SEEK_CUR), -BigInt(ESPIPE));
  close(r);
  close(w);
  assert.is(h.lseek(-1, 0n, SEEK_SET), -BigInt(EBADF));
});

test('mkdirat: creates with the mode; EEXIST; ENOENT through a closed dirfd -> EBADF', () => {
  assert.is(h.mkdirat(root, put(N1, 'm-dir'), 0o750), 0);
  const st = statSync(join(T, 'm-dir'));
  assert.ok(st.isDirectory());
  assert.is(st.mode & 0o777, 0o750 & ~process.umask());
  assert.is(h.mkdirat(root, put(N1, 'm-dir'), 0o755), -EEXIST);
  assert.is(h.mkdirat(-1, put(N1, 'm-dir2'), 0o755), -EBADF);
});

test('mknodat: a FIFO; EEXIST', () => {
  assert.is(h.mknodat(root, put(N1, 'n-fifo'), S_IFIFO | 0o600, 0), 0);
  assert.ok(lstatSync(join(T, 'n-fifo')).isFIFO());
  assert.is(h.mknodat(root, put(N1, 'n-fifo'), S_IFIFO | 0o600, 0), -EEXIST);
  assert.is(h.mknodat(root, put(N1, 'n-bad'), 0o7777777 | S_IFMT, 0), -EINVAL);
});

test('symlinkat: creates the link with the exact target; EEXIST', () => {
  assert.is(h.symlinkat(put(N2, '../some/where'), root, put(N1, 'y-link')), 0);
  assert.is(readlinkSync(join(T, 'y-link')), '../some/where');
  assert.is(h.symlinkat(put(N2, 'x'), root, put(N1, 'y-link')), -EEXIST);
});

test('linkat: a hard link (nlink 2); EEXIST; ENOENT', () => {
  writeFileSync(join(T, 'k-file'), 'k');
  assert.is(h.linkat(root, put(N1, 'k-file'), root, put(N2, 'k-link'), 0), 0);
  assert.is(statSync(join(T, 'k-file')).nlink, 2);
  assert.is(statSync(join(T, 'k-link')).ino, statSync(join(T, 'k-file')).ino);
  assert.is(h.linkat(root, put(N1, 'k-file'), root, put(N2, 'k-link'), 0), -EEXIST);
  assert.is(h.linkat(root, put(N1, 'k-missing'), root, put(N2, 'k-new'), 0), -ENOENT);
});

test('unlinkat: file; AT_REMOVEDIR on a non-empty dir -> ENOTEMPTY; dir without it -> EISDIR', () => {
  writeFileSync(join(T, 'u-file'), 'u');
  assert.is(h.unlinkat(root, put(N1, 'u-file'), 0), 0);
  assert.not.ok(existsSync(join(T, 'u-file')));
  assert.is(h.unlinkat(root, put(N1, 'u-file'), 0), -ENOENT);
  mkdirSync(join(T, 'u-dir'));
  writeFileSync(join(T, 'u-dir', 'inside'), 'i');
  assert.is(h.unlinkat(root, put(N1, 'u-dir'), AT_REMOVEDIR), -ENOTEMPTY);
  assert.is(h.unlinkat(root, put(N1, 'u-dir'), 0), -EISDIR);
  rmSync(join(T, 'u-dir', 'inside'));
  assert.is(h.unlinkat(root, put(N1, 'u-dir'), AT_REMOVEDIR), 0);
  assert.not.ok(existsSync(join(T, 'u-dir')));
});

test('renameat2: plain, RENAME_NOREPLACE -> EEXIST, RENAME_EXCHANGE swaps', () => {
  writeFileSync(join(T, 'r-a'), 'A');
  writeFileSync(join(T, 'r-b'), 'B');
  assert.is(h.renameat2(root, put(N1, 'r-a'), root, put(N2, 'r-b'), RENAME_NOREPLACE), -EEXIST);
  assert.is(h.renameat2(root, put(N1, 'r-a'), root, put(N2, 'r-b'), RENAME_EXCHANGE), 0);
  assert.is(readFileSync(join(T, 'r-a'), 'utf8'), 'B');
  assert.is(readFileSync(join(T, 'r-b'), 'utf8'), 'A');
  assert.is(h.renameat2(root, put(N1, 'r-a'), root, put(N2, 'r-c'), 0), 0);
  assert.not.ok(existsSync(join(T, 'r-a')));
  assert.is(readFileSync(join(T, 'r-c'), 'utf8'), 'B');
  assert.is(h.renameat2(root, put(N1, 'r-a'), root, put(N2, 'r-d'), 0), -ENOENT);
});

test('readlinkat: by name and on an O_PATH fd with ""; EINVAL on a non-link; ENOENT', () => {
  symlinkSync('target/of/link', join(T, 'rl-link'));
  assert.is(h.readlinkat(root, put(N1, 'rl-link'), BUF, 256), 14);
  assert.is(str(BUF, 14), 'target/of/link');
  const lfd = mustOpen(root, 'rl-link', O_PATH | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.readlinkat(lfd, put(N1, ''), BUF + 512, 256), 14);
  assert.is(str(BUF + 512, 14), 'target/of/link');
  assert.is(h.readlinkat(lfd, put(N1, ''), BUF + 512, 4), 4, 'truncated to the buffer');
  close(lfd);
  writeFileSync(join(T, 'rl-file'), 'f');
  assert.is(h.readlinkat(root, put(N1, 'rl-file'), BUF, 256), -EINVAL);
  assert.is(h.readlinkat(root, put(N1, 'rl-missing'), BUF, 256), -ENOENT);
});

test('fchmod/fchmodat: mode set; symlink with AT_SYMLINK_NOFOLLOW -> EOPNOTSUPP; EBADF', () => {
  writeFileSync(join(T, 'c-file'), 'c');
  const fd = mustOpen(root, 'c-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.fchmod(fd, 0o640), 0);
  assert.is(statSync(join(T, 'c-file')).mode & 0o7777, 0o640);
  close(fd);
  assert.is(h.fchmod(fd, 0o640), -EBADF);
  assert.is(h.fchmodat(root, put(N1, 'c-file'), 0o604, 0), 0);
  assert.is(statSync(join(T, 'c-file')).mode & 0o7777, 0o604);
  symlinkSync('c-file', join(T, 'c-link'));
  assert.is(h.fchmodat(root, put(N1, 'c-link'), 0o600, AT_SYMLINK_NOFOLLOW), -EOPNOTSUPP);
  assert.is(h.fchmodat(root, put(N1, 'c-missing'), 0o600, 0), -ENOENT);
});

test('fchownat: AT_EMPTY_PATH on an fd; -1 keeps ids; ENOENT; EPERM unless privileged', () => {
  writeFileSync(join(T, 'w-file'), 'w');
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const fd = mustOpen(root, 'w-file', O_PATH | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.fchownat(fd, put(N1, ''), uid, gid, AT_EMPTY_PATH), 0);
  assert.is(h.fchownat(fd, put(N1, ''), -1, -1, AT_EMPTY_PATH), 0);
  assert.is(statSync(join(T, 'w-file')).uid, uid);
  const other = uid === 0 ? 4242 : 0;
  const r = h.fchownat(fd, put(N1, ''), other, -1, AT_EMPTY_PATH);
  if (uid === 0) {
    assert.is(r, 0);
    assert.is(statSync(join(T, 'w-file')).uid, other);
    assert.is(statSync(join(T, 'w-file')).gid, gid, 'gid -1 (as u32 0xffffffff) left unchanged');
  } else {
    assert.is(r, -EPERM);
  }
  close(fd);
  assert.is(h.fchownat(root, put(N1, 'w-missing'), uid, gid, AT_SYMLINK_NOFOLLOW), -ENOENT);
});

test('utimensat: nanosecond times round-trip exactly; NULL name acts on the fd; UTIME_OMIT; EINVAL', () => {
  writeFileSync(join(T, 't-file'), 't');
  const setTimes = (aSec: number, aNs: number, mSec: number, mNs: number): number => {
    const d = dv();
    d.setBigInt64(OUT, BigInt(aSec), true);
    d.setBigInt64(OUT + 8, BigInt(aNs), true);
    d.setBigInt64(OUT + 16, BigInt(mSec), true);
    d.setBigInt64(OUT + 24, BigInt(mNs), true);
    return OUT;
  };
  assert.is(h.utimensat(root, put(N1, 't-file'), setTimes(1600000000, 123456789, 1700000000, 987654321), AT_SYMLINK_NOFOLLOW), 0);
  let st = statSync(join(T, 't-file'), { bigint: true });
  assert.is(st.atimeNs, 1600000000123456789n);
  assert.is(st.mtimeNs, 1700000000987654321n);
  // NULL name (offset 0) on an fd: core memory at offset 0 holds "" so a non-NULL pointer would
  // fail with ENOENT; NULL means "the fd itself".
  u8()[0] = 0;
  const fd = mustOpen(root, 't-file', O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.utimensat(fd, 0, setTimes(0, UTIME_OMIT, 1234567890, 1), 0), 0);
  st = statSync(join(T, 't-file'), { bigint: true });
  assert.is(st.atimeNs, 1600000000123456789n, 'UTIME_OMIT kept atime');
  assert.is(st.mtimeNs, 1234567890000000001n);
  assert.is(h.utimensat(fd, 0, 0, 0), 0, 'NULL times: now');
  assert.ok(statSync(join(T, 't-file'), { bigint: true }).mtimeNs > 1700000000000000000n);
  assert.is(h.utimensat(fd, 0, 0, AT_SYMLINK_NOFOLLOW), -EINVAL, 'flags with a NULL name');
  close(fd);
  assert.is(h.utimensat(fd, 0, 0, 0), -EBADF);
  assert.is(h.utimensat(root, put(N1, 't-file'), setTimes(1, 1000000000, 1, 0), 0), -EINVAL);
  assert.is(h.utimensat(root, put(N1, 't-missing'), setTimes(1, 0, 1, 0), 0), -ENOENT);
});

test('ftruncate: grows and shrinks; EINVAL for a negative length; EBADF', () => {
  const fd = mustOpen(root, 'f-file', NEW);
  assert.is(h.ftruncate(fd, 12345n), 0);
  assert.is(statSync(join(T, 'f-file')).size, 12345);
  assert.is(h.ftruncate(fd, 7n), 0);
  assert.is(statSync(join(T, 'f-file')).size, 7);
  assert.is(h.ftruncate(fd, -1n), -EINVAL);
  close(fd);
  assert.is(h.ftruncate(fd, 1n), -EBADF);
});

test('fallocate: reserves blocks and extends; ESPIPE on a pipe; EBADF', () => {
  const fd = mustOpen(root, 'a-file', NEW);
  assert.is(h.fallocate(fd, 0, 0n, 1n << 16n), 0);
  const st = statSync(join(T, 'a-file'));
  assert.is(st.size, 65536);
  assert.ok(st.blocks * 512 >= 65536, `blocks ${st.blocks}`);
  assert.is(h.fallocate(fd, 0, 0n, 0n), -EINVAL);
  close(fd);
  const [r, w] = pipe();
  assert.is(h.fallocate(w, 0, 0n, 4096n), -ESPIPE);
  close(r);
  close(w);
  assert.is(h.fallocate(-1, 0, 0n, 4096n), -EBADF);
});

test('fadvise: 0 on success; the returned error number (not errno) becomes -EINVAL / -ESPIPE', () => {
  writeFileSync(join(T, 'v-file'), 'v'.repeat(100));
  const fd = mustOpen(root, 'v-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.fadvise(fd, 0n, 0n, 2 /* SEQUENTIAL */), 0);
  assert.is(h.fadvise(fd, 0n, 100n, 4 /* DONTNEED */), 0);
  assert.is(h.fadvise(fd, 0n, 0n, 99), -EINVAL);
  close(fd);
  const [r, w] = pipe();
  assert.is(h.fadvise(r, 0n, 0n, 2), -ESPIPE);
  close(r);
  close(w);
  assert.is(h.fadvise(-1, 0n, 0n, 2), -EBADF);
});

test('xattrs: set/get/list/remove a user.* attribute on a regular file (or EOPNOTSUPP)', () => {
  const fd = mustOpen(root, 'x-file', NEW);
  const name = put(N1, 'user.wfs.test');
  put(BUF, 'value-42');
  const r = h.fsetxattr(fd, name, BUF, 8, 0);
  if (r === -EOPNOTSUPP) {
    // The temp file system has no user xattrs: every call must say so, not fail otherwise.
    assert.is(h.fgetxattr(fd, name, BUF, 64), -EOPNOTSUPP);
    assert.is(h.fremovexattr(fd, name), -EOPNOTSUPP);
    close(fd);
    return;
  }
  assert.is(r, 0);
  assert.is(h.fsetxattr(fd, name, BUF, 8, XATTR_CREATE), -EEXIST);
  assert.is(h.fgetxattr(fd, name, 0, 0), 8, 'size query');
  assert.is(h.fgetxattr(fd, name, BUF + 100, 64), 8);
  assert.is(str(BUF + 100, 8), 'value-42');
  assert.is(h.fgetxattr(fd, name, BUF + 100, 3), -34 /* ERANGE */);
  const n = h.flistxattr(fd, BUF + 200, 1024);
  assert.ok(n > 0);
  assert.ok(str(BUF + 200, n).split('\0').includes('user.wfs.test'));
  assert.is(h.fremovexattr(fd, name), 0);
  assert.is(h.fgetxattr(fd, name, BUF + 100, 64), -ENODATA);
  assert.is(h.fremovexattr(fd, name), -ENODATA);
  close(fd);
  assert.is(h.flistxattr(-1, BUF, 64), -EBADF);
});

test('fstatfs: struct statfs matches the host; EBADF', () => {
  assert.is(h.fstatfs(root, OUT), 0);
  const d = dv();
  const sf = statfsSync(T, { bigint: true });
  assert.is(d.getBigInt64(OUT, true), sf.type, 'f_type');
  assert.is(d.getBigInt64(OUT + 8, true), sf.bsize, 'f_bsize');
  assert.is(d.getBigUint64(OUT + 16, true), sf.blocks, 'f_blocks');
  assert.is(d.getBigUint64(OUT + 40, true), sf.files, 'f_files');
  assert.ok(d.getBigInt64(OUT + 64, true) > 0n, 'f_namelen');
  assert.is(h.fstatfs(-1, OUT), -EBADF);
  assert.is(h.fstatfs(root, core.buffer.byteLength - 8), -EFAULT);
});

test('fsync/fdatasync: 0 on a file; EINVAL on a pipe; EBADF', () => {
  const fd = mustOpen(root, 'sync-file', NEW);
  assert.is(h.fsync(fd), 0);
  assert.is(h.fdatasync(fd), 0);
  close(fd);
  assert.is(h.fsync(fd), -EBADF);
  assert.is(h.fdatasync(fd), -EBADF);
  const [r, w] = pipe();
  assert.is(h.fsync(r), -EINVAL);
  assert.is(h.fdatasync(r), -EINVAL);
  close(r);
  close(w);
});

test('preadv: core buffers, positional and at the file offset (readv); guest buffers (mem=1)', () => {
  writeFileSync(join(T, 'p-file'), 'hello, directfs world');
  const fd = mustOpen(root, 'p-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.preadv(fd, 0, putIovs(IOV, [[BUF, 5], [BUF + 100, 9]]), 2, 7n), 14);
  assert.is(str(BUF, 5), 'direc');
  assert.is(str(BUF + 100, 9), 'tfs world');
  assert.is(h.lseek(fd, 0n, SEEK_CUR), 0n, 'preadv leaves the offset');
  // off < 0: readv at the current offset, which advances
  assert.is(h.lseek(fd, 7n, SEEK_SET), 7n);
  assert.is(h.preadv(fd, 0, putIovs(IOV, [[BUF, 8]]), 1, -1n), 8);
  assert.is(str(BUF, 8), 'directfs');
  assert.is(h.lseek(fd, 0n, SEEK_CUR), 15n);
  // into the guest's memory, iovecs still in core memory
  hm.bindGuest(guest);
  assert.is(h.preadv(fd, 1, putIovs(IOV, [[10, 5], [1000, 7]]), 2, 0n), 12);
  assert.is(str(10, 5, guest), 'hello');
  assert.is(str(1000, 7, guest), ', direc');
  assert.is(str(10, 5, core) === 'hello', false, 'core memory untouched');
  // errors: bad selector, too many iovecs, a buffer past the end of its memory, EBADF, EISDIR
  assert.is(h.preadv(fd, 2, putIovs(IOV, [[10, 5]]), 1, 0n), -EINVAL);
  assert.is(h.preadv(fd, 0, IOV, HOST_IOV_MAX + 1, 0n), -EINVAL);
  assert.is(h.preadv(fd, 1, putIovs(IOV, [[65536 - 4, 5]]), 1, 0n), -EFAULT);
  assert.is(h.preadv(fd, 0, putIovs(IOV, [[0, 1]]), 1, 0n), 1, 'core buffer at offset 0 is fine');
  close(fd);
  assert.is(h.preadv(fd, 0, putIovs(IOV, [[BUF, 5]]), 1, 0n), -EBADF);
  assert.is(h.preadv(root, 0, putIovs(IOV, [[BUF, 5]]), 1, 0n), -EISDIR);
  // the full 1024 iovecs are accepted
  const big: Array<[number, number]> = [];
  for (let i = 0; i < HOST_IOV_MAX; i++) big.push([BUF + i, 1]);
  const fd2 = mustOpen(root, 'p-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.preadv(fd2, 0, putIovs(IOV, big), HOST_IOV_MAX, 0n), 21);
  assert.is(str(BUF, 21), 'hello, directfs world');
  close(fd2);
});

test('pwritev: positional (pwritev2), at the offset (writev), RWF_APPEND appends; mem=1', () => {
  const fd = mustOpen(root, 'q-file', NEW);
  put(BUF, 'abcdef');
  put(BUF + 100, 'XYZ');
  assert.is(h.pwritev(fd, 0, putIovs(IOV, [[BUF, 6], [BUF + 100, 3]]), 2, 0n, 0), 9);
  assert.is(readFileSync(join(T, 'q-file'), 'utf8'), 'abcdefXYZ');
  assert.is(h.lseek(fd, 0n, SEEK_CUR), 0n, 'pwritev leaves the offset');
  // writev at the current offset
  assert.is(h.lseek(fd, 2n, SEEK_SET), 2n);
  assert.is(h.pwritev(fd, 0, putIovs(IOV, [[BUF + 100, 3]]), 1, -1n, 0), 3);
  assert.is(readFileSync(join(T, 'q-file'), 'utf8'), 'abXYZfXYZ');
  assert.is(h.lseek(fd, 0n, SEEK_CUR), 5n);
  // RWF_APPEND with off = -1: at the end, whatever the offset
  assert.is(h.lseek(fd, 0n, SEEK_SET), 0n);
  put(BUF + 200, '++');
  assert.is(h.pwritev(fd, 0, putIovs(IOV, [[BUF + 200, 2]]), 1, -1n, RWF_APPEND), 2);
  assert.is(readFileSync(join(T, 'q-file'), 'utf8'), 'abXYZfXYZ++');
  // from the guest's memory
  hm.bindGuest(guest);
  new Uint8Array(guest.buffer).set(enc.encode('GUEST'), 3000);
  assert.is(h.pwritev(fd, 1, putIovs(IOV, [[3000, 5]]), 1, 11n, 0), 5);
  assert.is(readFileSync(join(T, 'q-file'), 'utf8'), 'abXYZfXYZ++GUEST');
  // errors
  assert.is(h.pwritev(fd, 1, putIovs(IOV, [[65535, 2]]), 1, 0n, 0), -EFAULT);
  assert.is(h.pwritev(fd, 0, putIovs(IOV, [[BUF, 1]]), 1, 0n, 0x7fff0000), -EOPNOTSUPP);
  close(fd);
  const ro = mustOpen(root, 'q-file', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.is(h.pwritev(ro, 0, putIovs(IOV, [[BUF, 1]]), 1, 0n, 0), -EBADF);
  close(ro);
  const [r, w] = pipe();
  assert.is(h.pwritev(w, 0, putIovs(IOV, [[BUF, 6]]), 1, 0n, 0), -ESPIPE);
  assert.is(h.pwritev(w, 0, putIovs(IOV, [[BUF, 6]]), 1, -1n, 0), 6, 'writev on a pipe');
  assert.is(h.preadv(r, 0, putIovs(IOV, [[BUF + 300, 6]]), 1, -1n), 6, 'readv on a pipe');
  assert.is(str(BUF + 300, 6), 'abcdef');
  close(r);
  close(w);
});

test('poll: a pipe becomes readable; writable end; timeout 0 -> 0; EFAULT', () => {
  const [r, w] = pipe();
  const d = dv();
  d.setInt32(OUT, r, true);
  d.setInt16(OUT + 4, POLLIN, true);
  d.setInt16(OUT + 6, 0, true);
  d.setInt32(OUT + 8, w, true);
  d.setInt16(OUT + 12, POLLOUT, true);
  d.setInt16(OUT + 14, 0, true);
  assert.is(h.poll(OUT, 1, 0), 0, 'empty pipe not readable');
  assert.is(h.poll(OUT, 2, 0), 1, 'write end ready');
  assert.is(dv().getInt16(OUT + 14, true) & POLLOUT, POLLOUT);
  put(BUF, 'z');
  assert.is(h.pwritev(w, 0, putIovs(IOV, [[BUF, 1]]), 1, -1n, 0), 1);
  assert.is(h.poll(OUT, 2, 1000), 2);
  assert.is(dv().getInt16(OUT + 6, true) & POLLIN, POLLIN);
  close(r);
  close(w);
  assert.is(h.poll(core.buffer.byteLength - 4, 1, 0), -EFAULT);
});

test('fionread: bytes waiting in a pipe (0 when empty); ENOTTY on a directory; EBADF', () => {
  const [r, w] = pipe();
  assert.is(h.fionread(r), 0, 'empty pipe');
  put(BUF, 'hello');
  assert.is(h.pwritev(w, 0, putIovs(IOV, [[BUF, 5]]), 1, -1n, 0), 5);
  assert.is(h.fionread(r), 5, 'five bytes waiting');
  close(r);
  close(w);
  assert.is(h.fionread(r), -EBADF);
  const dfd = mustOpen(root, '.', O_RDONLY | O_DIRECTORY);
  assert.is(h.fionread(dfd), -ENOTTY, 'a directory is no stream');
  close(dfd);
});

test('now_ns: CLOCK_REALTIME in ns as a BigInt', () => {
  const before = BigInt(Date.now()) * 1000000n;
  const a = h.now_ns();
  const b = h.now_ns();
  const after = BigInt(Date.now() + 1) * 1000000n;
  assert.is(typeof a, 'bigint');
  assert.ok(a >= before - 1000000n && a <= after, `${a} within [${before}, ${after}]`);
  assert.ok(b >= a);
});

test('the lisafs-only imports (getdents64_stat, openat_stat, walk) answer ENOSYS on a directfs host', () => {
  const ENOSYS = 38;
  assert.is(h.getdents64_stat(root, BUF, 4096), -ENOSYS, 'getdents64_stat');
  assert.is(h.openat_stat(root, N1, 0, OUT), -ENOSYS, 'openat_stat');
  assert.is(h.walk(root, N1, 2, BUF), -ENOSYS, 'walk');
});

test('openHostFds: lists open FDs, not the one used to list them', () => {
  const fds = openHostFds();
  assert.ok(fds.includes(root));
  assert.ok(fds.includes(0) || fds.includes(1) || fds.includes(2));
  assert.equal(openHostFds(), fds, 'stable across calls');
  const fd = mustOpen(root, 'grown', O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  assert.ok(openHostFds().includes(fd));
  close(fd);
  assert.not.ok(openHostFds().includes(fd));
});

test('teardown: no host FD leaked, temp dir removed', () => {
  const closed = closeHostFd(root);
  const now = openHostFds();
  rmSync(T, { recursive: true, force: true }); // first, so a failed check leaves no litter
  assert.is(closed, 0);
  assert.equal(now, baseline, `leaked: ${now.filter((f) => !baseline.includes(f))}, gone: ${baseline.filter((f) => !now.includes(f))}`);
  assert.not.ok(existsSync(T));
});

test.run();
