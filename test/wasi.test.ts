/* wasi.test.ts — ts/wasi (import object, WASI class) and the CLI.
 *
 * Covers: the EFAULT sweep (every import that takes a guest pointer, called directly with
 * out-of-bounds pointers, returns EFAULT and never throws), args/environ round trip, clocks,
 * random, poll_oneoff's clock part, preopens and the data path through the core, readdir
 * looping, close() releasing host FDs, and the CLI's exit codes and byte-exact stdout, using
 * guests assembled by hand below (no toolchain needed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync, openSync, closeSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI, runWasi } from '../ts/index.js';
import { PREVIEW1_NAMES } from '../ts/wasi/preview1.js';
import { GuestMemory, copyWords, HOST_LE } from '../ts/wasi/memory.js';
import { openHostFds } from '../ts/host/hostfd.js';
import { coreWasiImports, lisafsImports, coreCandidates, loadCore, LISAFS_UNAVAILABLE } from '../ts/core/loader.js';
import {
  WASI_EFAULT, WASI_EINVAL, WASI_RIGHT_FD_READ, WASI_RIGHT_FD_READDIR, WASI_ENAMETOOLONG, WASI_EBADF, WASI_ENOTSOCK, WASI_ENOSYS, WASI_RIGHTS_ALL,
  WASI_OFLAGS_CREAT, WASI_OFLAGS_DIRECTORY, WASI_FILETYPE_REGULAR_FILE, WASI_EVENTTYPE_CLOCK,
  WASI_EVENTTYPE_FD_WRITE, WASI_DIRENT_SIZE,
} from '../ts/wasi/defs.js';

// ---- a tiny wasm assembler -------------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const str = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const I32 = 0x7f;

interface Imp { name: string; params: number; }
/** A module importing wasi_snapshot_preview1 functions (all i32 params, i32 result except
 * proc_exit), exporting memory (1 page) and, if `body` is given, `_start` running it. */
function guest(imports: Imp[], body: number[] | null, data: [number, number[]][] = []): Uint8Array<ArrayBuffer> {
  const types: number[][] = [[0x60, 0, 0]]; // type 0: () -> ()
  const typeOf: number[] = [];
  for (const imp of imports) {
    const t = [0x60, ...uleb(imp.params), ...new Array<number>(imp.params).fill(I32),
      ...(imp.name === 'proc_exit' ? [0] : [1, I32])];
    typeOf.push(types.length);
    types.push(t);
  }
  const bytes = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  bytes.push(...section(1, vec(types)));
  bytes.push(...section(2, vec(imports.map((imp, i) => [...str('wasi_snapshot_preview1'), ...str(imp.name), 0, ...uleb(typeOf[i]!)]))));
  if (body) bytes.push(...section(3, vec([[0]])));
  bytes.push(...section(5, vec([[0, 1]])));
  const exps = [[...str('memory'), 2, 0]];
  if (body) exps.push([...str('_start'), 0, ...uleb(imports.length)]);
  bytes.push(...section(7, vec(exps)));
  if (body) {
    const fn = [0, ...body, 0x0b];
    bytes.push(...section(10, vec([[...uleb(fn.length), ...fn]])));
  }
  if (data.length) {
    bytes.push(...section(11, vec(data.map(([off, d]) => [0, 0x41, ...sleb(off), 0x0b, ...uleb(d.length), ...d]))));
  }
  return new Uint8Array(bytes);
}
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const call = (i: number): number[] => [0x10, ...uleb(i)];
const drop = [0x1a];
const u32le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];

/** _start: unreachable. */
const TRAP = guest([], [0x00]);
/** _start: proc_exit(7). */
const EXIT7 = guest([{ name: 'proc_exit', params: 1 }], [...i32c(7), ...call(0)]);
/** _start: fd_write(1, iov{32, 3}, 1, &n at 16) of "abc" (no newline), then return (exit 0). */
const ABC = guest([{ name: 'fd_write', params: 4 }], [...i32c(1), ...i32c(0), ...i32c(1), ...i32c(16), ...call(0), ...drop],
  [[0, [...u32le(32), ...u32le(3)]], [32, ascii('abc')]]);
/** _start: args_sizes_get(0, 4); args_get(64, 1024); fd_write(1, iov{1024, *4}, 1, 16). Prints
 * the argv buffer (NUL-separated). */
const ARGS = guest([{ name: 'args_sizes_get', params: 2 }, { name: 'args_get', params: 2 }, { name: 'fd_write', params: 4 }], [
  ...i32c(0), ...i32c(4), ...call(0), ...drop,
  ...i32c(64), ...i32c(1024), ...call(1), ...drop,
  // iov at 8: buf = 1024, len = load(4)
  ...i32c(8), ...i32c(1024), 0x36, 2, 0, // i32.store align=4 offset=0
  ...i32c(12), ...i32c(4), 0x28, 2, 0, 0x36, 2, 0, // store(12, load(4))
  ...i32c(1), ...i32c(8), ...i32c(1), ...i32c(16), ...call(2), ...drop,
]);
/** No _start: a memory for calling imports directly after initialize(). */
const MEMONLY = guest([], null);

// ---- helpers ---------------------------------------------------------------------------------

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = [join(here, '../..'), join(here, '..')].find((r) => existsSync(join(r, 'package.json'))) ?? process.cwd();
const CLI = join(ROOT, 'dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'wasi-test-'));
const file = (name: string, bytes: Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};

/** A WASI bound to a fresh 1-page memory via initialize(); returns the pieces. */
function bound(opts: ConstructorParameters<typeof WASI>[0] = {}): { wasi: WASI; w: Record<string, Function>; mem: WebAssembly.Memory; dv: DataView; u8: Uint8Array } {
  const wasi = new WASI({ version: 'preview1', ...opts });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(MEMONLY), wasi.getImportObject() as unknown as WebAssembly.Imports);
  wasi.initialize(inst);
  const mem = inst.exports['memory'] as WebAssembly.Memory;
  return { wasi, w: wasi.wasiImport as unknown as Record<string, Function>, mem, dv: new DataView(mem.buffer), u8: new Uint8Array(mem.buffer) };
}

function cli(args: string[], stdio: 'pipe' | number = 'pipe'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', stdio: ['ignore', stdio, 'pipe'], timeout: 60_000, env: { ...process.env, WASI_DIRECTFS_TRACE: '' },
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

// ---- EFAULT sweep ----------------------------------------------------------------------------

const PAGE = 65536;
const OOB = 0xfffffff0; // far outside
const EDGE = PAGE - 1; // straddles the end for anything of 2+ bytes

/** Imports without any guest pointer (nothing to sweep). */
const NO_POINTERS = new Set(['fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
  'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_renumber', 'fd_sync', 'proc_exit', 'proc_raise', 'sched_yield', 'sock_shutdown']);

/** For each import with pointers: argument lists where one pointer (or range) is out of bounds. */
function sweepCases(P: number): Record<string, unknown[][]> {
  const ok = 0; // a valid pointer (offset 0, plenty of room)
  return {
    args_get: [[P, 512], [512, P]],
    args_sizes_get: [[P, ok], [ok, P]],
    environ_get: [[P, 512], [512, P]],
    environ_sizes_get: [[P, ok], [ok, P]],
    clock_res_get: [[1, P]],
    clock_time_get: [[1, 0n, P]],
    fd_fdstat_get: [[1, P]],
    fd_filestat_get: [[1, P]],
    fd_pread: [[3, P, 1, 0n, 100], [3, 200, 1, 0n, P]],
    fd_prestat_get: [[3, P]],
    fd_prestat_dir_name: [[3, P, 16]],
    fd_pwrite: [[3, P, 1, 0n, 100], [3, 200, 1, 0n, P]],
    fd_read: [[0, P, 1, 100], [0, 200, 1, P]],
    fd_readdir: [[3, P, 128, 0n, 100], [3, 200, 128, 0n, P]],
    fd_seek: [[1, 0n, 0, P]],
    fd_tell: [[1, P]],
    fd_write: [[1, P, 1, 100], [1, 200, 1, P]],
    path_create_directory: [[3, P, 5]],
    path_filestat_get: [[3, 0, P, 5, 300], [3, 0, 400, 1, P]],
    path_filestat_set_times: [[3, 0, P, 5, 0n, 0n, 0]],
    path_link: [[3, 0, P, 5, 3, 400, 1], [3, 0, 400, 1, 3, P, 5]],
    path_open: [[3, 0, P, 5, 0, 0n, 0n, 0, 300], [3, 0, 400, 1, 0, 0n, 0n, 0, P]],
    path_readlink: [[3, P, 5, 300, 10, 310], [3, 400, 1, P, 10, 310], [3, 400, 1, 300, 10, P]],
    path_remove_directory: [[3, P, 5]],
    path_rename: [[3, P, 5, 3, 400, 1], [3, 400, 1, 3, P, 5]],
    path_symlink: [[P, 5, 3, 400, 1], [400, 1, 3, P, 5]],
    path_unlink_file: [[3, P, 5]],
    poll_oneoff: [[P, 1024, 1, 2048], [1024, P, 1, 2048], [1024, 2048, 1, P]],
    random_get: [[P, 16]],
    sock_accept: [[3, 0, P]],
    sock_recv: [[3, P, 1, 0, 300, 310], [3, 200, 1, 0, P, 310], [3, 200, 1, 0, 300, P]],
    sock_send: [[3, P, 1, 0, 300], [3, 200, 1, 0, P]],
  };
}

test('EFAULT sweep: every pointer-taking import returns EFAULT (21) for out-of-bounds pointers, never throws', () => {
  const { wasi, w, dv, u8 } = bound({ args: ['prog', 'x'], env: { A: 'b' } });
  try {
    // a valid iovec at 200 (buffer 220, 4 bytes) and path bytes "a" at 400
    dv.setUint32(200, 220, true);
    dv.setUint32(204, 4, true);
    u8[400] = 0x61;
    for (const P of [OOB, EDGE]) {
      const cases = sweepCases(P);
      for (const name of PREVIEW1_NAMES) {
        if (NO_POINTERS.has(name)) continue;
        const list = cases[name];
        assert.ok(list, `no sweep case for ${name}`);
        for (const args of list!) {
          let r: unknown;
          try {
            r = w[name]!(...args);
          } catch (e) {
            assert.unreachable(`${name}(${args.join(', ')}) threw ${String(e)}`);
          }
          assert.is(r, WASI_EFAULT, `${name}(${args.join(', ')}) with pointer ${P}`);
        }
      }
    }
    // iovec whose buffer lies outside memory
    dv.setUint32(600, PAGE - 1, true);
    dv.setUint32(604, 2, true);
    assert.is(w['fd_write']!(1, 600, 1, 100), WASI_EFAULT);
    assert.is(w['fd_read']!(0, 600, 1, 100), WASI_EFAULT);
    // iovec count above 1024 -> EINVAL; an iovec array running off the end -> EFAULT
    assert.is(w['fd_write']!(1, 200, 1025, 100), WASI_EINVAL);
    assert.is(w['fd_write']!(1, PAGE - 8, 2, 100), WASI_EFAULT);
    // exactly at the end is fine
    assert.is(w['clock_time_get']!(1, 0n, PAGE - 8), 0);
    assert.is(w['random_get']!(PAGE - 16, 16), 0);
  } finally {
    wasi.close();
  }
});

test('imports without pointers, socket and process calls', () => {
  const { wasi, w } = bound();
  try {
    assert.is(w['sched_yield']!(), 0);
    assert.is(w['proc_raise']!(9), WASI_ENOSYS);
    assert.is(w['sock_shutdown']!(1, 0), WASI_ENOTSOCK);
    assert.is(w['sock_shutdown']!(77, 0), WASI_EBADF);
    assert.is(w['sock_accept']!(77, 0, 0), WASI_EBADF);
    assert.is(w['sock_recv']!(1, 0, 0, 0, 8, 12), WASI_ENOTSOCK);
    assert.is(w['fd_close']!(77), WASI_EBADF);
    assert.throws(() => w['proc_exit']!(3), (e: Error) => e.name === 'WasiExit');
  } finally {
    wasi.close();
  }
});

test('every wasi_snapshot_preview1 function is provided, and none is extra', () => {
  const { wasi } = bound();
  const names = Object.keys(wasi.wasiImport).sort();
  assert.equal(names, [...PREVIEW1_NAMES].sort());
  assert.is(names.length, 46);
  assert.equal(Object.keys(wasi.getImportObject()), ['wasi_snapshot_preview1']);
  wasi.close();
});

// ---- args, environ, clocks, random -------------------------------------------------------------

test('args and environ round trip (UTF-8, NUL-terminated, exact sizes)', () => {
  const args = ['prog.wasm', 'two words', '', 'é✓'];
  const env = { GREETING: 'hello world', EMPTY: '', EQ: 'a=b', SKIP: undefined };
  const { wasi, w, dv, u8 } = bound({ args, env });
  try {
    const read = (sizes: string, get: string, expect: string[]): void => {
      assert.is(w[sizes]!(0, 4), 0);
      const n = dv.getUint32(0, true);
      const size = dv.getUint32(4, true);
      assert.is(n, expect.length);
      assert.is(size, expect.reduce((s, a) => s + enc.encode(a).length + 1, 0));
      assert.is(w[get]!(64, 1024), 0);
      const got: string[] = [];
      for (let i = 0; i < n; i++) {
        const p = dv.getUint32(64 + 4 * i, true);
        let e = p;
        while (u8[e] !== 0) e++;
        got.push(dec.decode(u8.subarray(p, e)));
      }
      assert.equal(got, expect);
    };
    read('args_sizes_get', 'args_get', args);
    read('environ_sizes_get', 'environ_get', ['GREETING=hello world', 'EMPTY=', 'EQ=a=b']);
  } finally {
    wasi.close();
  }
});

test('clocks: monotonic increases, realtime is near Date.now, resolutions, invalid id -> EINVAL', () => {
  const { wasi, w, dv } = bound();
  try {
    assert.is(w['clock_time_get']!(1, 0n, 0), 0);
    const a = dv.getBigUint64(0, true);
    const spin = Date.now() + 2;
    while (Date.now() < spin) { /* let time pass */ }
    assert.is(w['clock_time_get']!(1, 0n, 8), 0);
    const b = dv.getBigUint64(8, true);
    assert.ok(b > a, `monotonic ${b} > ${a}`);
    assert.ok(b - a >= 1_000_000n, 'at least 1 ms passed');
    assert.is(w['clock_time_get']!(0, 0n, 16), 0);
    const real = dv.getBigUint64(16, true);
    const now = BigInt(Date.now()) * 1_000_000n;
    assert.ok(real > now - 1_000_000_000n && real < now + 1_000_000_000n, 'realtime within 1 s of Date.now');
    for (const id of [2, 3]) {
      assert.is(w['clock_time_get']!(id, 0n, 24), 0);
      assert.ok(dv.getBigUint64(24, true) > 0n, `cputime clock ${id}`);
    }
    assert.is(w['clock_res_get']!(1, 32), 0);
    assert.is(dv.getBigUint64(32, true), 1n);
    assert.is(w['clock_time_get']!(4, 0n, 0), WASI_EINVAL);
    assert.is(w['clock_res_get']!(99, 0), WASI_EINVAL);
  } finally {
    wasi.close();
  }
});

test('random_get fills the buffer, differently each time', () => {
  const { wasi, w, u8 } = bound();
  try {
    assert.is(w['random_get']!(100, 64), 0);
    const a = u8.slice(100, 164);
    assert.is(w['random_get']!(100, 64), 0);
    const b = u8.slice(100, 164);
    assert.ok(a.some((x) => x !== 0) && b.some((x) => x !== 0));
    assert.not.equal(a, b);
    assert.is(u8[164], 0, 'nothing written past the end');
    assert.is(w['random_get']!(100, 0), 0);
  } finally {
    wasi.close();
  }
});

// ---- poll_oneoff -------------------------------------------------------------------------------

function clockSub(dv: DataView, at: number, userdata: bigint, id: number, timeout: bigint, flags = 0): void {
  for (let i = 0; i < 48; i++) dv.setUint8(at + i, 0);
  dv.setBigUint64(at, userdata, true);
  dv.setUint8(at + 8, WASI_EVENTTYPE_CLOCK);
  dv.setUint32(at + 16, id, true);
  dv.setBigUint64(at + 24, timeout, true);
  dv.setUint16(at + 40, flags, true);
}

test('poll_oneoff: no subscriptions -> EINVAL; a relative clock sleeps; earliest clock wins', () => {
  const { wasi, w, dv } = bound();
  try {
    assert.is(w['poll_oneoff']!(0, 1024, 0, 2048), WASI_EINVAL);
    clockSub(dv, 0, 0xabcdn, 1, 30_000_000n); // 30 ms
    clockSub(dv, 48, 0x1234n, 1, 5_000_000_000n); // 5 s: must not fire
    const t0 = process.hrtime.bigint();
    assert.is(w['poll_oneoff']!(0, 1024, 2, 2048), 0);
    const dt = process.hrtime.bigint() - t0;
    assert.ok(dt >= 29_000_000n && dt < 2_000_000_000n, `slept ${dt} ns`);
    assert.is(dv.getUint32(2048, true), 1);
    assert.is(dv.getBigUint64(1024, true), 0xabcdn);
    assert.is(dv.getUint16(1032, true), 0);
    assert.is(dv.getUint8(1034), WASI_EVENTTYPE_CLOCK);
    // an absolute monotonic deadline in the past fires at once
    assert.is(w['clock_time_get']!(1, 0n, 3000), 0);
    clockSub(dv, 0, 7n, 1, dv.getBigUint64(3000, true) - 1n, 1);
    assert.is(w['poll_oneoff']!(0, 1024, 1, 2048), 0);
    assert.is(dv.getUint32(2048, true), 1);
    assert.is(dv.getBigUint64(1024, true), 7n);
    // an absolute realtime deadline long past (the epoch) fires at once
    clockSub(dv, 0, 9n, 0, 1n, 1);
    assert.is(w['poll_oneoff']!(0, 1024, 1, 2048), 0);
    assert.is(dv.getUint32(2048, true), 1);
    assert.is(dv.getUint16(1032, true), 0);
    assert.is(dv.getBigUint64(1024, true), 9n);
    // an invalid clock id is reported in the event
    clockSub(dv, 0, 8n, 42, 0n);
    assert.is(w['poll_oneoff']!(0, 1024, 1, 2048), 0);
    assert.is(dv.getUint32(2048, true), 1);
    assert.is(dv.getUint16(1032, true), WASI_EINVAL);
  } finally {
    wasi.close();
  }
});

test('poll_oneoff: fd_write on stdout is ready at once (through the core)', () => {
  const devnull = openSync('/dev/null', 'w');
  const { wasi, w, dv } = bound({ stdout: devnull });
  try {
    for (let i = 0; i < 48; i++) dv.setUint8(i, 0);
    dv.setBigUint64(0, 99n, true);
    dv.setUint8(8, WASI_EVENTTYPE_FD_WRITE);
    dv.setUint32(16, 1, true);
    clockSub(dv, 48, 5n, 1, 5_000_000_000n);
    const t0 = process.hrtime.bigint();
    assert.is(w['poll_oneoff']!(0, 1024, 2, 2048), 0);
    assert.ok(process.hrtime.bigint() - t0 < 2_000_000_000n, 'did not wait for the clock');
    assert.is(dv.getUint32(2048, true), 1);
    assert.is(dv.getBigUint64(1024, true), 99n);
    assert.is(dv.getUint16(1032, true), 0);
    assert.is(dv.getUint8(1034), WASI_EVENTTYPE_FD_WRITE);
  } finally {
    wasi.close();
    closeSync(devnull);
  }
});

test('GuestMemory: unbound is all out of bounds; views follow growth of plain and shared memories', () => {
  const gm = new GuestMemory();
  gm.sync();
  assert.not.ok(gm.ok(0, 1));
  assert.ok(gm.ok(0, 0));
  const plain = new WebAssembly.Memory({ initial: 1 });
  gm.bind(plain);
  assert.ok(gm.ok(65535, 1) && !gm.ok(65535, 2) && !gm.ok(0xffffffff, 1) && !gm.okArray(0, 8193, 8));
  plain.grow(1);
  gm.sync();
  assert.is(gm.size, 2 * 65536);
  gm.setU32(65536 + 4, 0xdeadbeef);
  assert.is(new DataView(plain.buffer).getUint32(65540, true), 0xdeadbeef);
  // a shared memory (threads) never detaches its buffer: growth is noticed by comparing buffers
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  gm.bind(shared);
  assert.is(gm.size, 65536);
  shared.grow(1);
  gm.sync();
  assert.is(gm.size, 2 * 65536);
  assert.ok(gm.ok(65536, 65536) && !gm.ok(65536, 65537));
});

test('copyWords: every source alignment and length up to 40, at the start and the very end of the source', () => {
  assert.ok(HOST_LE, 'these hosts are little-endian, as wasm memory is');
  const SRC = 64;
  const src = new Uint8Array(SRC);
  for (let i = 0; i < SRC; i++) src[i] = 0x80 + i;
  const src32 = new Int32Array(src.buffer);
  for (const d of [0, 4, 12]) {
    for (let len = 0; len <= 40; len++) {
      for (const s of [0, 1, 2, 3, 5, 6, 7, SRC - len - 3, SRC - len - 2, SRC - len - 1, SRC - len]) {
        if (s < 0) continue;
        const dst = new Uint8Array(64).fill(0xee);
        copyWords(new Int32Array(dst.buffer), d, src32, s, len);
        const at = `d=${d} s=${s} len=${len}`;
        assert.equal([...dst.subarray(d, d + len)], [...src.subarray(s, s + len)], at);
        // the word tail (to the next multiple of 4) holds the bytes after the range, 0 past the end
        const tail = (4 - (len % 4)) % 4;
        for (let k = 0; k < tail; k++) assert.is(dst[d + len + k], s + len + k < SRC ? src[s + len + k] : 0, `${at} tail ${k}`);
        assert.ok(dst.subarray(0, d).every((b) => b === 0xee) && dst.subarray(d + len + tail).every((b) => b === 0xee), `${at}: nothing else written`);
      }
    }
  }
});

test('path and record copies: a path at each alignment and one ending at the last byte of memory; stat records at aligned and unaligned addresses', () => {
  const dir = join(tmp, 'copies');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a-file-with-a-name-long-enough-for-several-words.txt'), 'x'.repeat(1234));
  const { wasi, w, dv, u8 } = bound({ preopens: { '/c': dir } });
  try {
    const name = 'a-file-with-a-name-long-enough-for-several-words.txt';
    const sizes: bigint[] = [];
    for (let skew = 0; skew < 4; skew++) {
      const [p, n] = put(u8, 1000 + skew, name);
      for (const out of [2000, 2001, 2002, 2003, 2008]) {
        u8.fill(0xaa, out - 8, out + 72);
        assert.is(w['path_filestat_get']!(3, 0, p, n, out), 0, `path at +${skew}, record at ${out}`);
        sizes.push(dv.getBigUint64(out + 32, true));
        assert.is(dv.getUint8(out + 16), WASI_FILETYPE_REGULAR_FILE);
        assert.ok(u8.subarray(out - 8, out).every((b) => b === 0xaa) && u8.subarray(out + 64, out + 72).every((b) => b === 0xaa), 'only the 64-byte record is written');
      }
    }
    assert.ok(sizes.every((x) => x === 1234n), 'every copy saw the whole name');
    // a name whose last byte is the last byte of guest memory (the word copy reads past it as 0)
    const [q, m] = put(u8, PAGE - name.length, name);
    assert.is(q + m, PAGE);
    assert.is(w['path_filestat_get']!(3, 0, q, m, 3000), 0);
    assert.is(dv.getBigUint64(3000 + 32, true), 1234n);
    // and a shorter prefix of it is a different (missing) name: nothing after len is seen
    assert.is(w['path_filestat_get']!(3, 0, q, m - 4, 3000), 44);
  } finally {
    wasi.close();
  }
});

// ---- preopens and the data path ------------------------------------------------------------

/** Writes `s` at `at` in guest memory, returns [at, length]. */
function put(u8: Uint8Array, at: number, s: string): [number, number] {
  const b = enc.encode(s);
  u8.set(b, at);
  return [at, b.length];
}

test('preopens: prestat, dir name (ENAMETOOLONG when the buffer is short), path_open/write/seek/read', () => {
  const dir = join(tmp, 'pre');
  mkdirSync(dir);
  writeFileSync(join(dir, 'hello.txt'), 'hello from the host\n');
  const { wasi, w, dv, u8 } = bound({ preopens: { '/data': dir } });
  try {
    assert.is(w['fd_prestat_get']!(3, 0), 0);
    assert.is(dv.getUint8(0), 0);
    assert.is(dv.getUint32(4, true), 5);
    assert.is(w['fd_prestat_dir_name']!(3, 100, 4), WASI_ENAMETOOLONG);
    assert.is(w['fd_prestat_dir_name']!(3, 100, 5), 0);
    assert.is(dec.decode(u8.subarray(100, 105)), '/data');
    assert.is(w['fd_prestat_get']!(4, 0), WASI_EBADF);

    // read an existing file
    const [p, n] = put(u8, 200, 'hello.txt');
    assert.is(w['path_open']!(3, 0, p, n, 0, WASI_RIGHTS_ALL, WASI_RIGHTS_ALL, 0, 300), 0);
    const fd = dv.getUint32(300, true);
    assert.ok(fd >= 4);
    dv.setUint32(400, 1000, true);
    dv.setUint32(404, 7, true);
    dv.setUint32(408, 1100, true);
    dv.setUint32(412, 100, true);
    assert.is(w['fd_read']!(fd, 400, 2, 420), 0);
    assert.is(dv.getUint32(420, true), 20);
    assert.is(dec.decode(u8.subarray(1000, 1007)) + dec.decode(u8.subarray(1100, 1113)), 'hello from the host\n');
    assert.is(w['fd_filestat_get']!(fd, 500), 0);
    assert.is(dv.getUint8(500 + 16), WASI_FILETYPE_REGULAR_FILE);
    assert.is(dv.getBigUint64(500 + 32, true), 20n);
    assert.is(w['path_filestat_get']!(3, 0, p, n, 600), 0);
    assert.is(dv.getBigUint64(600 + 32, true), 20n);
    assert.is(w['fd_fdstat_get']!(fd, 700), 0);
    assert.is(dv.getUint8(700), WASI_FILETYPE_REGULAR_FILE);
    assert.is(w['fd_close']!(fd), 0);

    // create, write, seek, tell, pread
    const [q, m] = put(u8, 200, 'new.bin');
    assert.is(w['path_open']!(3, 0, q, m, WASI_OFLAGS_CREAT, WASI_RIGHTS_ALL, WASI_RIGHTS_ALL, 0, 300), 0);
    const fd2 = dv.getUint32(300, true);
    put(u8, 1200, 'abcdef');
    dv.setUint32(400, 1200, true);
    dv.setUint32(404, 6, true);
    assert.is(w['fd_write']!(fd2, 400, 1, 420), 0);
    assert.is(dv.getUint32(420, true), 6);
    assert.is(w['fd_tell']!(fd2, 800), 0);
    assert.is(dv.getBigUint64(800, true), 6n);
    assert.is(w['fd_seek']!(fd2, -4n, 1, 808), 0);
    assert.is(dv.getBigUint64(808, true), 2n);
    dv.setUint32(400, 1300, true);
    dv.setUint32(404, 3, true);
    assert.is(w['fd_pread']!(fd2, 400, 1, 1n, 420), 0);
    assert.is(dv.getUint32(420, true), 3);
    assert.is(dec.decode(u8.subarray(1300, 1303)), 'bcd');
    assert.is(w['fd_close']!(fd2), 0);
    assert.is(readFileSync(join(dir, 'new.bin'), 'utf8'), 'abcdef');

    // path too long -> ENAMETOOLONG, before the core sees it
    assert.is(w['path_open']!(3, 0, 0, 4097, 0, 0n, 0n, 0, 300), WASI_ENAMETOOLONG);

    // mkdir, symlink, readlink, rename, unlink, rmdir
    const [d, dn] = put(u8, 200, 'sub');
    assert.is(w['path_create_directory']!(3, d, dn), 0);
    const [t, tn] = put(u8, 240, 'hello.txt');
    const [l, ln] = put(u8, 260, 'sub/link');
    assert.is(w['path_symlink']!(t, tn, 3, l, ln), 0);
    assert.is(w['path_readlink']!(3, l, ln, 1400, 64, 420), 0);
    assert.is(dv.getUint32(420, true), 9);
    assert.is(dec.decode(u8.subarray(1400, 1409)), 'hello.txt');
    assert.is(w['path_readlink']!(3, l, ln, 1400, 4, 420), 0, 'a short buffer truncates');
    assert.is(dv.getUint32(420, true), 4);
    const [r2, rn2] = put(u8, 280, 'sub/link2');
    assert.is(w['path_rename']!(3, l, ln, 3, r2, rn2), 0);
    assert.ok(existsSync(join(dir, 'sub/link2')) || readdirSync(join(dir, 'sub')).includes('link2'));
    assert.is(w['path_unlink_file']!(3, r2, rn2), 0);
    assert.is(w['path_remove_directory']!(3, d, dn), 0);
    assert.ok(!existsSync(join(dir, 'sub')));
  } finally {
    wasi.close();
  }
});

test('fd_readdir: small buffers loop with cookies, a huge buffer fills in several core rounds', () => {
  const dir = join(tmp, 'many');
  mkdirSync(dir);
  const names = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const n = `file-${String(i).padStart(4, '0')}-${'x'.repeat(i % 40)}`;
    names.add(n);
    writeFileSync(join(dir, n), '');
  }
  const { wasi, w, dv, u8, mem } = bound({ preopens: { '/m': dir } });
  try {
    const [p, n] = put(u8, 0, '.');
    assert.is(w['path_open']!(3, 0, p, n, WASI_OFLAGS_DIRECTORY, WASI_RIGHT_FD_READDIR, WASI_RIGHTS_ALL, 0, 16), 0);
    const fd = dv.getUint32(16, true);
    /** Parses the dirents in [buf, buf+used); returns names and the last complete entry's d_next. */
    const parse = (view: Uint8Array, vdv: DataView, buf: number, used: number, into: string[]): bigint | null => {
      let off = 0;
      let last: bigint | null = null;
      while (off + WASI_DIRENT_SIZE <= used) {
        const next = vdv.getBigUint64(buf + off, true);
        const len = vdv.getUint32(buf + off + 16, true);
        if (off + WASI_DIRENT_SIZE + len > used) break;
        into.push(dec.decode(view.subarray(buf + off + WASI_DIRENT_SIZE, buf + off + WASI_DIRENT_SIZE + len)));
        last = next;
        off += WASI_DIRENT_SIZE + len;
      }
      return last;
    };
    // small buffer: the guest loop of wasi-libc's readdir
    const small: string[] = [];
    let cookie = 0n;
    for (let rounds = 0; rounds < 100000; rounds++) {
      assert.is(w['fd_readdir']!(fd, 1000, 128, cookie, 32), 0);
      const used = dv.getUint32(32, true);
      const last = parse(u8, dv, 1000, used, small);
      if (used < 128) break;
      assert.ok(last !== null, 'a 128-byte buffer holds at least one entry');
      cookie = last!;
    }
    assert.equal(new Set(small.filter((s) => s !== '.' && s !== '..')), names);
    assert.ok(small.includes('.') && small.includes('..'));
    assert.is(small.length, names.size + 2, 'no duplicates');

    // huge buffer (larger than the core's data area): one call returns everything
    mem.grow(4);
    const big = new Uint8Array(mem.buffer);
    const bdv = new DataView(mem.buffer);
    const all: string[] = [];
    assert.is(w['fd_readdir']!(fd, 65536, 4 * 65536, 0n, 32), 0);
    const used = bdv.getUint32(32, true);
    assert.ok(used > 65536, `used ${used} spans several core rounds`);
    assert.ok(used < 4 * 65536, 'reached the end');
    parse(big, bdv, 65536, used, all);
    assert.is(all.length, names.size + 2);
    assert.equal(new Set(all.filter((s) => s !== '.' && s !== '..')), names);
    assert.is(w['fd_close']!(fd), 0);
  } finally {
    wasi.close();
  }
});

test('read-only preopens refuse writes; close() releases every host FD', () => {
  const dir = join(tmp, 'ro');
  mkdirSync(dir);
  writeFileSync(join(dir, 'f'), 'DATA');
  const before = openHostFds().length;
  const { wasi, w, dv, u8 } = bound({ preopens: { '/ro': dir }, readonlyPreopens: ['/ro'] });
  const [p, n] = put(u8, 0, 'f');
  assert.is(w['path_open']!(3, 0, p, n, 0, WASI_RIGHT_FD_READ, 0n, 0, 16), 0);
  const fd = dv.getUint32(16, true);
  dv.setUint32(32, 100, true);
  dv.setUint32(36, 1, true);
  assert.ok(w['fd_write']!(fd, 32, 1, 40) !== 0, 'no write through a read-only preopen');
  const [q, m] = put(u8, 0, 'new');
  assert.ok(w['path_open']!(3, 0, q, m, WASI_OFLAGS_CREAT, WASI_RIGHTS_ALL, WASI_RIGHTS_ALL, 0, 16) !== 0);
  assert.ok(!existsSync(join(dir, 'new')));
  assert.ok(openHostFds().length > before, 'the preopen holds a host FD');
  wasi.close();
  assert.is(openHostFds().length, before, 'every host FD released');
  wasi.close(); // idempotent
  // Symbol.dispose closes too (for `using`)
  const again = bound({ preopens: { '/ro': dir } });
  assert.ok(openHostFds().length > before);
  (again.wasi as unknown as Record<symbol, () => void>)[(Symbol as unknown as { dispose: symbol }).dispose]!();
  assert.is(openHostFds().length, before);
});

test('limits.maxFds caps the guest fd table (EMFILE); interop shared sees host changes after a miss', () => {
  const dir = join(tmp, 'lim');
  mkdirSync(dir);
  writeFileSync(join(dir, 'f'), 'x');
  const a = bound({ preopens: { '/l': dir }, limits: { maxFds: 6 } });
  try {
    const [p, n] = put(a.u8, 0, 'f');
    assert.is(a.w['path_open']!(3, 0, p, n, 0, WASI_RIGHT_FD_READ, 0n, 0, 16), 0);
    assert.is(a.w['path_open']!(3, 0, p, n, 0, WASI_RIGHT_FD_READ, 0n, 0, 16), 0);
    assert.is(a.w['path_open']!(3, 0, p, n, 0, WASI_RIGHT_FD_READ, 0n, 0, 16), 33);
  } finally {
    a.wasi.close();
  }
  const b = bound({ preopens: { '/l': dir }, interop: 'shared' });
  try {
    const [p, n] = put(b.u8, 0, 'later');
    assert.is(b.w['path_filestat_get']!(3, 0, p, n, 64), 44);
    writeFileSync(join(dir, 'later'), 'hello');
    assert.is(b.w['path_filestat_get']!(3, 0, p, n, 64), 0);
    assert.is(b.dv.getBigUint64(64 + 32, true), 5n);
  } finally {
    b.wasi.close();
  }
  assert.throws(() => new WASI({ interop: 'sometimes' as 'shared' }), /interop/);
  assert.throws(() => new WASI({ limits: { maxFds: -1 } }), /maxFds/);
});

test('a WASI object dropped without close() releases its host FDs when collected', () => {
  const index = join(ROOT, 'dist/index.js');
  const script = `
    import { readdirSync } from 'node:fs';
    const { WASI } = await import(${JSON.stringify(index)});
    const count = () => readdirSync('/proc/self/fd').length;
    const before = count();
    (() => { for (let i = 0; i < 5; i++) new WASI({ preopens: { '/a': ${JSON.stringify(tmp)}, '/b': ${JSON.stringify(tmp)} } }); })();
    const held = count() - before;
    for (let i = 0; i < 20 && count() > before; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
    console.log(JSON.stringify({ held, after: count() - before }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const { held, after } = JSON.parse(r.stdout) as { held: number; after: number };
  assert.ok(held >= 10, `preopens held ${held} host FDs`);
  assert.is(after, 0);
});

test('WASI class: node:wasi behaviours (start returns the exit code, twice throws, options checked)', () => {
  const wasi = new WASI({ version: 'preview1' });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(EXIT7), wasi.getImportObject() as unknown as WebAssembly.Imports);
  assert.is(wasi.start(inst), 7);
  assert.throws(() => wasi.start(inst), /already started/);
  wasi.close();
  const w2 = new WASI({ version: 'preview1' });
  const trap = new WebAssembly.Instance(new WebAssembly.Module(TRAP), w2.getImportObject() as unknown as WebAssembly.Imports);
  assert.throws(() => w2.start(trap), (e: Error) => e instanceof WebAssembly.RuntimeError);
  w2.close();
  new WASI({ mode: 'lisafs' }).close(); // no preopen: no gofer is started
  assert.throws(() => new WASI({ mode: 'lisafs', gofer: 'thread' as 'worker' }), /gofer must be 'worker' or 'process'/);
  assert.throws(() => new WASI({ mode: 'nfs' as 'lisafs' }), /mode must be 'directfs' or 'lisafs'/);
  assert.throws(() => new WASI({ gofer: 'process' }), /only meaningful with mode 'lisafs'/);
  assert.throws(() => new WASI({ version: 'unstable' as 'preview1' }), /preview1/);
  assert.throws(() => new WASI({ preopens: { '/x': join(tmp, 'does-not-exist') } }), /cannot open preopen directory/);
  assert.throws(() => new WASI({ preopens: {}, readonlyPreopens: ['/nope'] }), /not a key/);
  const before = openHostFds().length;
  assert.throws(() => new WASI({ args: ['a\0b'], preopens: { '/t': tmp } }), /NUL/);
  assert.throws(() => new WASI({ preopens: { '/t': tmp, '/x': join(tmp, 'does-not-exist') } }), /cannot open/);
  assert.is(openHostFds().length, before, 'a failed constructor leaves no host FD behind');
});

test('runWasi: bytes, path and module; the exit code comes back', async () => {
  assert.is(await runWasi({ module: EXIT7 }), 7);
  assert.is(await runWasi({ module: file('exit7.wasm', EXIT7) }), 7);
  const devnull = openSync('/dev/null', 'w');
  try {
    assert.is(await runWasi({ module: new WebAssembly.Module(ABC), stdout: devnull }), 0);
  } finally {
    closeSync(devnull);
  }
});

// ---- CLI -------------------------------------------------------------------------------------

test('cli: --help documents every flag and subcommand, exits 0', () => {
  const r = cli(['--help']);
  assert.is(r.status, 0);
  for (const s of ['run', 'demo', '--dir', '--readonly-dir', '--env', '--mode', '--interop', '--gofer', 'HOST[::GUEST]']) {
    assert.ok(r.stdout.includes(s), `help mentions ${s}`);
  }
  assert.is(cli(['run', '--help']).status, 0);
});

test('cli: usage errors exit 2 with a message', () => {
  const exit7 = file('exit7.wasm', EXIT7);
  let r = cli(['run', '--bogus', exit7]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  r = cli(['run', join(tmp, 'missing.wasm')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /missing\.wasm' not found/);
  r = cli(['run', file('garbage.wasm', enc.encode('not wasm at all'))]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /not a valid WebAssembly module/);
  r = cli(['run', '--dir', join(tmp, 'nodir'), exit7]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /nodir' does not exist/);
  r = cli(['run', '--mode', 'lisafs', '--gofer', 'process', '--dir', tmp, exit7]);
  assert.is(r.status, 7, `lisafs mode runs the guest: ${r.stderr}`);
  r = cli(['run', '--mode', 'nfs', exit7]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--mode must be directfs or lisafs/);
  r = cli(['run', '--gofer', 'worker', exit7]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--gofer/);
  r = cli(['run', '--env', '=x', exit7]);
  assert.is(r.status, 2);
  r = cli(['run', file('reactor.wasm', MEMONLY)]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /is not a WASI command \(it must export _start and memory\)/);
  r = cli(['frobnicate']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown subcommand/);
  r = cli(['run']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /needs a MODULE/);
});

test('cli: the forms test runners use: --version, and options before the module without "run"', () => {
  // wasi-testsuite's adapters ask `EXE --version` for "<NAME> <VERSION>" on stdout, then run
  // `EXE [--env K=V] [--dir D] MODULE ARGS...` (wasmtime's implicit run).
  for (const flag of ['--version', '-V']) {
    const v = cli([flag]);
    assert.is(v.status, 0, v.stderr);
    assert.match(v.stdout, /^wasi-directfs \d+\.\d+\.\d+\n$/);
  }
  const exit7 = file('exit7.wasm', EXIT7);
  let r = cli(['--env', 'A=b', '--dir', tmp, exit7, 'arg']);
  assert.is(r.status, 7, r.stderr);
  r = cli([`--dir=${tmp}`, exit7]);
  assert.is(r.status, 7, r.stderr);
  r = cli(['--bogus', exit7]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
});

test('cli: the wasi-directfs executable runs node with V8\'s pool sized to the CPUs (--v8-pool-size=0)', async () => {
  // The shebang of dist/cli.js (see the top of ts/cli.ts). The guest blocks in fd_read(0) until
  // stdin closes, so the running process's command line can be read from /proc.
  const readStdin = file('read-stdin.wasm', guest([{ name: 'fd_read', params: 4 }],
    [...i32c(0), ...i32c(0), ...i32c(1), ...i32c(16), ...call(0), ...drop], [[0, [...u32le(32), ...u32le(16)]]]));
  const child = spawn(CLI, ['run', readStdin], { stdio: ['pipe', 'ignore', 'pipe'] });
  let cmdline = ''; // env(1) first, until it execs node
  for (let i = 0; i < 200 && !/^[^\0]*node\0/.test(cmdline); i++) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    } catch {
      break;
    }
  }
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.stdin!.end();
  assert.is(await exited, 0);
  const argv = cmdline.split('\0');
  assert.match(argv[0]!, /node$/, `the executable runs node: ${argv.join(' ')}`);
  assert.is(argv[1], '--v8-pool-size=0');
  assert.is(argv[2], CLI);
});

test('cli: a missing core.wasm is one clear line and exit 1', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', file('exit7.wasm', EXIT7)], {
    encoding: 'utf8', env: { ...process.env, WASI_DIRECTFS_CORE: join(tmp, 'no-core.wasm') },
  });
  assert.is(r.status, 1);
  assert.match(r.stderr, /^wasi-directfs: core\.wasm not found \(run \.\/build\.sh\); looked at: .*no-core\.wasm\n$/);
});

test('cli: a trap exits 134 with one line on stderr', () => {
  const trap = file('trap.wasm', TRAP);
  const r = cli(['run', trap]);
  assert.is(r.status, 134);
  assert.is(r.stderr, `wasi-directfs: trap in ${trap}: unreachable\n`);
});

test('cli: the guest exit code propagates; 0 when _start returns', () => {
  assert.is(cli(['run', file('exit7.wasm', EXIT7)]).status, 7);
  assert.is(cli(['run', file('abc.wasm', ABC)]).status, 0);
  assert.is(cli([file('exit7.wasm', EXIT7)]).status, 7, 'MODULE.wasm without run');
});

test('cli: a partial last line on stdout is not lost (pipe and file)', () => {
  const abc = file('abc.wasm', ABC);
  const r = cli(['run', abc]);
  assert.is(r.status, 0);
  assert.is(r.stdout, 'abc');
  assert.is(r.stderr, '');
  const out = join(tmp, 'abc.out');
  const fd = openSync(out, 'w');
  try {
    assert.is(cli(['run', abc], fd).status, 0);
  } finally {
    closeSync(fd);
  }
  assert.is(readFileSync(out, 'utf8'), 'abc');
});

test('cli: guest args follow the module; argv[0] is the module path as given; --dir maps HOST::GUEST', () => {
  const args = file('args.wasm', ARGS);
  const r = cli(['run', '--dir', `${tmp}::/t`, '--env', 'A=1', args, 'x', 'y z', '--not-a-flag']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `${args}\0x\0y z\0--not-a-flag\0`);
  const r2 = cli(['run', '--', args]);
  assert.is(r2.stdout, `${args}\0`);
});

// ---- loader ----------------------------------------------------------------------------------

test('loader: io-block layout, per-instance cores, candidates honour WASI_DIRECTFS_CORE', () => {
  const a = loadCore();
  const b = loadCore();
  assert.ok(a.x !== b.x, 'each load is a fresh instance with its own fd table');
  assert.is(a.pathMax, 4096);
  assert.is(a.iovMax, 1024);
  assert.is(a.dataMax, 65536);
  assert.ok(a.rAddr % 8 === 0 && a.outAddr > a.rAddr && a.path1Addr > a.outAddr && a.dataAddr > a.iovsAddr);
  assert.is(a.setPath1(enc.encode('a/b')), 3);
  assert.equal([...a.u8.subarray(a.path1Addr, a.path1Addr + 4)], [0x61, 0x2f, 0x62, 0]);
  assert.throws(() => a.setPath2(new Uint8Array(4097)), RangeError);
  assert.is(a.counters().length, 8);
  // views follow growth of core memory (the old buffer is detached, the views are re-made)
  const size = a.u8.length;
  a.memory.grow(1);
  assert.is(a.setPath2(enc.encode('xyz')), 3);
  assert.is(a.u8.length, size + 65536);
  assert.is(a.u8[a.path2Addr + 2], 0x7a);
  const saved = process.env['WASI_DIRECTFS_CORE'];
  process.env['WASI_DIRECTFS_CORE'] = '/elsewhere/core.wasm';
  try {
    assert.is(coreCandidates()[0], '/elsewhere/core.wasm');
  } finally {
    if (saved === undefined) delete process.env['WASI_DIRECTFS_CORE'];
    else process.env['WASI_DIRECTFS_CORE'] = saved;
  }
  a.x.wfs_shutdown();
  b.x.wfs_shutdown();
});

test('loader: the core\'s own WASI imports are exactly those listed; unknown ones trap clearly', () => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const imp = coreWasiImports(['clock_time_get', 'random_get', 'proc_exit', 'path_open'], () => mem);
  assert.equal(Object.keys(imp).sort(), ['clock_time_get', 'path_open', 'proc_exit', 'random_get']);
  assert.is(imp['clock_time_get']!(1, 0n, 0), 0);
  assert.ok(new DataView(mem.buffer).getBigUint64(0, true) > 0n);
  assert.is(imp['random_get']!(16, 32), 0);
  assert.throws(() => imp['proc_exit']!(1), /core\.wasm called proc_exit\(1\)/);
  assert.throws(() => imp['path_open']!(), /core\.wasm called wasi_snapshot_preview1\.path_open, which the core's loader does not provide/);
});

test('loader: lisafs imports answer -EOPNOTSUPP and say the gofer is missing', () => {
  const seen: string[] = [];
  const mem = new WebAssembly.Memory({ initial: 1 });
  new Uint8Array(mem.buffer).set(enc.encode('dir/sock'), 100);
  const imp = lisafsImports(['fallback', 'open'], (n) => seen.push(n), () => mem);
  assert.is(imp['fallback']!(2, 0, 100, 8, 0, 0, 0, 0), -95); // (op, mount, path, len, name, buf, size, arg)
  assert.is(imp['open']!(), -95);
  assert.equal(seen, ['lisafs.fallback(setxattr, "dir/sock")', 'lisafs.open']);
  assert.match(LISAFS_UNAVAILABLE, /needs the gofer \(lisafs\), which is not available yet/);
});

// ---- real guests (build/guests, compiled from test/guests/*.c by ./build.sh) -----------------

/** Guests needing no preopen and no stdin, one per family (names are <call>-<scenario>). */
const SIMPLE_GUESTS = ['args', 'clock', 'random_get', 'proc_exit'].map((prefix) => {
  const names = existsSync(join(ROOT, 'test/guests')) ? readdirSync(join(ROOT, 'test/guests')).sort() : [];
  const json = names.find((n) => n.startsWith(`${prefix}-`) && n.endsWith('.json'));
  return json ? json.slice(0, -'.json'.length) : `${prefix}-(no guest found)`;
});

for (const name of SIMPLE_GUESTS) {
  test(`cli: runs build/guests/${name}.wasm with the expected stdout and exit code`, () => {
    const wasm = join(ROOT, 'build/guests', `${name}.wasm`);
    const spec = JSON.parse(readFileSync(join(ROOT, 'test/guests', `${name}.json`), 'utf8')) as {
      args?: string[]; env?: Record<string, string>; exit_code?: number; stdout?: string;
    };
    assert.ok(existsSync(wasm), `${wasm} is missing: run ./build.sh`);
    const argv = ['run'];
    for (const [k, v] of Object.entries(spec.env ?? {})) argv.push('--env', `${k}=${v}`);
    argv.push(wasm, ...(spec.args ?? []));
    const r = cli(argv);
    assert.is(r.status, spec.exit_code ?? 0, r.stderr);
    if (spec.stdout !== undefined) assert.is(r.stdout, spec.stdout);
  });
}

test('cli: demo runs build/guests/demo.wasm, or says clearly that it is missing', () => {
  const r = cli(['demo']);
  if (existsSync(join(ROOT, 'build/guests/demo.wasm'))) {
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /mounted at \/work/);
    assert.match(r.stdout, /host-side listing of /);
    assert.match(r.stdout, /core counters:\n {2}host syscalls issued +\d+/);
  } else {
    assert.is(r.status, 2);
    assert.match(r.stderr, /demo: build\/guests\/demo\.wasm is missing/);
  }
});

test.after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

test.run();
