/// <reference lib="dom" />
// test/checkpoint-guest.test.ts — checkpointing a running guest (ts/checkpoint/guest.ts, WASI's
// checkpoint option, `wasi-directfs run --checkpoint` / `wasi-directfs restore`).
//
// Owns: (1) a guest (test/guests/checkpoint-files.c) checkpointed at several WASI calls and after
// a deadline, restored by a NEW process started in another directory: total stdout, exit code and
// the files it leaves are byte-identical to an uninterrupted run (the guest itself checks that
// inode numbers, offsets and the deleted-while-open file survive); (2) restore after each kind of
// host change fails with exit 67 and a message naming path, field, saved and current value, and
// with the checks off size/mtime changes are accepted; (3) tampered images are refused (exit 65);
// (4) modules that cannot be checkpointed are refused before they run; (5) every conformance
// guest (test/guests/*.json) passes with a checkpoint/restore inserted at several WASI calls;
// (6) the API (prepareCheckpointable, requestCheckpoint, WASI.restore/resume) on a 10,000-file
// tree with 100 open files, printing the image size and checkpoint/restore times (figures, not
// assertions).
// Must not: depend on timing for a pass (deadline runs accept either outcome of the race but
// still require identical results).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, utimesSync, lstatSync,
  symlinkSync, mkdirSync, renameSync, unlinkSync, statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures, cleanup, type FixtureName } from './fixtures.js';
import { decodeImage, encodeImage, IMAGE_VERSION } from '../ts/checkpoint/image.js';
import { prepareCheckpointable, prepareCheckpointableCached, NotCheckpointableError } from '../ts/checkpoint/guest.js';
import { WASI, CHECKPOINTED } from '../ts/wasi/index.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const ROOT = repoRoot();
const CLI = join(ROOT, 'dist', 'cli.js');
const GUEST = join(ROOT, 'build', 'guests', 'checkpoint-files.wasm');
const TREE_GUEST = join(ROOT, 'build', 'guests', 'checkpoint-tree.wasm');
const DEEP_GUEST = join(ROOT, 'build', 'guests', 'checkpoint-deep.wasm');
const EXIT_CHECKPOINTED = 75, EXIT_IMAGE_REFUSED = 65, EXIT_HOST_CHANGED = 67;
/** Instrumented modules are cached here across the CLI runs of this suite (binaryen runs once per
 * guest, not once per process). */
const CACHE = mkdtempSync(join(tmpdir(), 'wdfs-ckg-cache-'));

function cli(args: string[], opts: { cwd?: string; input?: string | Buffer; cache?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', timeout: 60_000, cwd: opts.cwd ?? tmpdir(), input: opts.input ?? '', maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, WASI_DIRECTFS_ASYNCIFY_CACHE: opts.cache === false ? '' : CACHE },
  });
  if (r.error) throw r.error;
  return r;
}

/** name -> contents (files), "<dir>" (directories), "-> target" (symlinks), recursively. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[r] = '<dir>';
        walk(p, r);
      } else if (st.isSymbolicLink()) out[r] = '-> link';
      else out[r] = readFileSync(p).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

const tmps: string[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `wdfs-ckg-${prefix}-`));
  tmps.push(d);
  return d;
}

/** Guest inode numbers are the host's (core-c/src/dentry.c): the "inodes" line checkpoint-files
 * prints must give the host inode numbers of a.txt, b.bin and sub/c.txt in `dir` (gone.txt was
 * deleted while open: its number must just differ from theirs; the guest itself fails if any
 * number changes during the run, across a restore too). Returns stdout with the numbers replaced,
 * so that runs over different directories compare equal. */
function hostInodes(stdout: string, dir: string): string {
  const m = /^inodes a=(\d+) b=(\d+) c=(\d+) gone=(\d+)$/m.exec(stdout);
  assert.ok(m, `no inodes line in: ${stdout}`);
  const host = (p: string): string => String(lstatSync(join(dir, p), { bigint: true }).ino);
  assert.equal([m![1], m![2], m![3]], [host('a.txt'), host('b.bin'), host('sub/c.txt')], 'the guest sees the host inode numbers');
  assert.not.ok([m![1], m![2], m![3]].includes(m![4]), 'gone.txt has a number of its own');
  return stdout.replace(m![0], 'inodes a=A b=B c=C gone=G');
}

/** The uninterrupted run of checkpoint-files with `steps` steps: stdout (inode numbers checked
 * against the host and replaced, see hostInodes) and the tree it leaves. */
const reference = new Map<number, { stdout: string; files: Record<string, string> }>();
function uninterrupted(steps: number): { stdout: string; files: Record<string, string> } {
  const have = reference.get(steps);
  if (have) return have;
  const dir = tmp('ref');
  const r = cli(['run', '--dir', `${dir}::/work`, GUEST, '/work', String(steps)]);
  assert.is(r.status, 0, `uninterrupted run: ${r.stderr}`);
  const out = { stdout: hostInodes(r.stdout, dir), files: tree(dir) };
  reference.set(steps, out);
  return out;
}

/** Runs checkpoint-files with a checkpoint option; returns the dir, the image path and the run. */
function checkpointed(stopArgs: string[], steps: number, extra: string[] = []): { dir: string; image: string; run: SpawnSyncReturns<string> } {
  const dir = tmp('ck');
  const image = join(tmp('img'), 'guest.img');
  const run = cli(['run', '--checkpoint', image, ...stopArgs, ...extra, '--dir', `${dir}::/work`, GUEST, '/work', String(steps)]);
  return { dir, image, run };
}

test('a guest checkpointed at several WASI calls resumes in a new process, from another directory, as if never stopped', () => {
  assert.ok(existsSync(CLI) && existsSync(GUEST), 'run ./build.sh first');
  const ref = uninterrupted(12);
  assert.match(ref.stdout, /deleted file reads back: contents of a file deleted while open/);
  for (const k of [1, 9, 30, 57, 101, 140]) {
    const { dir, image, run } = checkpointed(['--checkpoint-after-calls', String(k)], 12);
    assert.is(run.status, EXIT_CHECKPOINTED, `call ${k}: ${run.stderr}`);
    assert.match(run.stderr, /checkpoint written to .* the guest was stopped in \w+/);
    const elsewhere = tmp('cwd');
    const res = cli(['restore', image], { cwd: elsewhere });
    assert.is(res.status, 0, `restore after call ${k}: ${res.stderr}`);
    assert.fixture(hostInodes(run.stdout + res.stdout, dir), ref.stdout, `stdout with a checkpoint at call ${k}`);
    assert.equal(tree(dir), ref.files, `files left with a checkpoint at call ${k}`);
  }
});

test('inode numbers the guest first sees after a restore are the ones an uninterrupted run gives: the host\'s (checkpoint between creating files and their first stat)', () => {
  // Call 20 is path_unlink_file of gone.txt: a.txt, b.bin, sub, sub/c.txt, log.txt exist as
  // dentries but the guest has stat'ed none of them yet, so none has a guest inode number.
  const ref = uninterrupted(3);
  const { dir, image, run } = checkpointed(['--checkpoint-after-calls', '20'], 3);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  assert.match(run.stderr, /stopped in path_unlink_file/);
  const res = cli(['restore', image], { cwd: tmp('cwd') });
  assert.is(res.status, 0, res.stderr);
  assert.fixture(hostInodes(run.stdout + res.stdout, dir), ref.stdout, 'inode numbers handed out after the restore');
  assert.equal(tree(dir), ref.files);
});

test('a relative --dir is recorded as an absolute path: the restore works from another directory', () => {
  const ref = uninterrupted(3);
  const parent = tmp('rel');
  mkdirSync(join(parent, 'data'));
  const image = join(parent, 'rel.img');
  const run = cli(['run', '--checkpoint', image, '--checkpoint-after-calls', '40', '--dir', 'data::/work', GUEST, '/work', '3'], { cwd: parent });
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  assert.is(decodeImage(readFileSync(image)).header.mounts[0]!.host, join(parent, 'data'));
  const res = cli(['restore', image], { cwd: tmp('cwd') });
  assert.is(res.status, 0, res.stderr);
  assert.fixture(hostInodes(run.stdout + res.stdout, join(parent, 'data')), ref.stdout);
  assert.equal(tree(join(parent, 'data')), ref.files);
});

test('the image: sections core/memory/stack/module and a header with args, env, preopens, interop, mode, the WASI call', () => {
  const { image, run } = checkpointed(['--checkpoint-after-calls', '30'], 4, ['--env', 'K=V', '--interop', 'exclusive']);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  const { header, sections } = decodeImage(readFileSync(image));
  assert.is(header.kind, 'guest');
  for (const s of ['core', 'memory', 'stack', 'module']) assert.ok(sections.get(s)?.length, `section ${s}`);
  assert.equal(header['args'], [GUEST, '/work', '4']);
  assert.equal(header['env'], { K: 'V' });
  assert.is(header.mounts.length, 1);
  assert.is(header.mounts[0]!.guest, '/work');
  assert.is(header.mounts[0]!.readonly, false);
  assert.is(header.interop, 'exclusive');
  assert.is(header['mode'], 'directfs');
  assert.type(header['stoppedIn'], 'string');
  assert.match(run.stderr, new RegExp(`stopped in ${String(header['stoppedIn'])}`));
  assert.is((header['memoryBytes'] as number) % 65536, 0);
  assert.ok(!readFileSync(image).includes(Buffer.from('/proc/self/fd')), 'no host FD paths');
});

test('lisafs mode: the checkpointed run and the restore both go through the gofer', () => {
  const ref = uninterrupted(12);
  const { dir, image, run } = checkpointed(['--checkpoint-after-calls', '57'], 12, ['--mode', 'lisafs']);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  assert.is(decodeImage(readFileSync(image)).header['mode'], 'lisafs');
  const res = cli(['restore', image], { cwd: tmp('cwd') });
  assert.is(res.status, 0, res.stderr);
  assert.fixture(hostInodes(run.stdout + res.stdout, dir), ref.stdout);
  assert.equal(tree(dir), ref.files);
});

test('a deadline (--checkpoint-after-ms) stops the guest mid-run; the result is the same', () => {
  const dir = tmp('ms');
  const image = join(tmp('img'), 'ms.img');
  const ref = uninterrupted(30);
  const run = cli(['run', '--checkpoint', image, '--checkpoint-after-ms', '60', '--dir', `${dir}::/work`, GUEST, '/work', '30', '5']);
  assert.is(run.status, EXIT_CHECKPOINTED, `the guest sleeps 5 ms x 30 steps, a 60 ms deadline must hit it: ${run.stderr}`);
  assert.ok(run.stdout.length < ref.stdout.length, 'stopped before the end');
  const res = cli(['restore', image], { cwd: tmp('cwd') });
  assert.is(res.status, 0, res.stderr);
  assert.fixture(hostInodes(run.stdout + res.stdout, dir), ref.stdout);
  assert.equal(tree(dir), ref.files);
});

test('a restored guest can be checkpointed again, and restored again', () => {
  const ref = uninterrupted(12);
  const { dir, image, run } = checkpointed(['--checkpoint-after-calls', '40'], 12);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  const image2 = join(tmp('img'), 'second.img');
  const res = cli(['restore', '--checkpoint', image2, '--checkpoint-after-calls', '50', image]);
  assert.is(res.status, EXIT_CHECKPOINTED, res.stderr);
  const res2 = cli(['restore', image2], { cwd: tmp('cwd') });
  assert.is(res2.status, 0, res2.stderr);
  assert.fixture(hostInodes(run.stdout + res.stdout + res2.stdout, dir), ref.stdout);
  assert.equal(tree(dir), ref.files);
});

test('the asyncify cache: a cached module gives the same image module section as a fresh instrumentation', () => {
  const a = checkpointed(['--checkpoint-after-calls', '30'], 2);
  const dir = tmp('nocache');
  const image = join(dir, 'x.img');
  const b = cli(['run', '--checkpoint', image, '--checkpoint-after-calls', '30', '--dir', `${dir}::/work`, GUEST, '/work', '2'], { cache: false });
  assert.is(a.run.status, EXIT_CHECKPOINTED, a.run.stderr);
  assert.is(b.status, EXIT_CHECKPOINTED, b.stderr);
  const ma = decodeImage(readFileSync(a.image)).sections.get('module')!;
  const mb = decodeImage(readFileSync(image)).sections.get('module')!;
  assert.ok(Buffer.from(ma).equals(Buffer.from(mb)), 'same instrumented bytes');
  assert.ok(readdirSync(CACHE).some((n) => n.endsWith('.wasm')), 'the cache holds the module');
});

test('a deep call stack (3,000 frames, >64 KiB of asyncify data) unwinds and rewinds', () => {
  const ref = cli(['run', DEEP_GUEST, '3000']);
  assert.is(ref.status, 0, ref.stderr);
  const dir = tmp('deep');
  const image = join(dir, 'deep.img');
  const run = cli(['run', '--checkpoint', image, '--checkpoint-after-calls', '10', DEEP_GUEST, '3000']);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  const stack = decodeImage(readFileSync(image)).sections.get('stack')!;
  assert.ok(stack.length > 65536, `stack data ${stack.length} bytes`);
  const res = cli(['restore', image], { cwd: tmp('cwd') });
  assert.is(res.status, 0, res.stderr);
  assert.fixture(run.stdout + res.stdout, ref.stdout);
});

test('API: a stack that does not fit the unwind buffer (stackBufferPages) is reported as such', async () => {
  const { openSync, closeSync } = await import('node:fs');
  const prepared = await prepareCheckpointableCached(readFileSync(DEEP_GUEST), CACHE, 'checkpoint-deep.wasm');
  const out = openSync(join(tmp('deepapi'), 'stdout'), 'w');
  const wasi = new WASI({ args: ['deep', '3000'], stdout: out, checkpoint: { prepared, afterCalls: 10, stackBufferPages: 1 } });
  try {
    const inst = new WebAssembly.Instance(prepared.module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    assert.throws(() => wasi.start(inst), /did not fit in checkpoint\.stackBufferPages/);
  } finally {
    wasi.close();
    closeSync(out);
  }
  assert.throws(() => new WASI({ checkpoint: { prepared, stackBufferPages: 0 } }), /stackBufferPages/);
  assert.throws(() => new WASI({ checkpoint: { prepared: {} as never } }), /prepareCheckpointable/);
});

test('a guest that ends before the deadline: its own exit code, no image', () => {
  const { image, run } = checkpointed(['--checkpoint-after-calls', '100000'], 2);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /ended \(exit 0\) before the checkpoint deadline; no image was written/);
  assert.not.ok(existsSync(image));
});

// ---- restore after host changes -------------------------------------------------------------

/** Checkpoints checkpoint-files after 60 calls (a.txt, b.bin, sub/c.txt, log.txt open; gone.txt
 * deleted while open), applies `change` to the host tree, and restores. */
function restoreAfter(change: (dir: string) => void, restoreFlags: string[] = []): { res: SpawnSyncReturns<string>; dir: string } {
  const { dir, image, run } = checkpointed(['--checkpoint-after-calls', '60'], 12);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  change(dir);
  return { res: cli(['restore', ...restoreFlags, image], { cwd: tmp('cwd') }), dir };
}

function expectCorruption(res: SpawnSyncReturns<string>, field: string, path: RegExp, saved?: string, current?: string): void {
  assert.is(res.status, EXIT_HOST_CHANGED, `exit code; stderr: ${res.stderr}`);
  const m = /restore refused: path=(.*) field=(\S+) saved=(.*) current=(.*)/.exec(res.stderr);
  assert.ok(m, `no path/field/saved/current line in: ${res.stderr}`);
  assert.is(m![2], field, res.stderr);
  assert.match(m![1]!, path);
  if (saved !== undefined) assert.is(m![3], saved);
  if (current !== undefined) assert.is(m![4], current);
  assert.match(res.stderr, /external filesystem state changed at/);
  assert.is(res.stdout, '', 'the guest did not run on');
}

/** Appends to a file and puts its mtime back to the nanosecond (touch -d @S.N): only the size
 * differs. */
function grow(p: string): void {
  const st = statSync(p, { bigint: true });
  appendFileSync(p, 'more');
  const ns = st.mtimeNs;
  const stamp = `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
  const r = spawnSync('touch', ['-m', '-d', stamp, p]);
  assert.is(r.status, 0, `touch: ${String(r.stderr)}`);
  assert.is(statSync(p, { bigint: true }).mtimeNs, ns, 'mtime put back');
}

test('restore refuses: content size changed', () => {
  const { res } = restoreAfter((d) => grow(join(d, 'b.bin')));
  expectCorruption(res, 'size', /b\.bin$/, '4096', '4100');
  assert.match(res.stderr, /--no-validate-size/);
});

test('restore refuses: mtime changed', () => {
  const { res } = restoreAfter((d) => utimesSync(join(d, 'b.bin'), new Date(1e12), new Date(1e12)));
  expectCorruption(res, 'mtime', /b\.bin$/);
});

test('restore refuses: a file replaced by a symlink, a FIFO, a directory', () => {
  const replace: [string, (p: string) => void][] = [
    ['symlink', (p) => symlinkSync('a.txt', p)],
    ['fifo', (p) => { const r = spawnSync('mkfifo', [p]); assert.is(r.status, 0, 'mkfifo'); }],
    ['directory', (p) => mkdirSync(p)],
  ];
  for (const [what, make] of replace) {
    const { res } = restoreAfter((d) => {
      unlinkSync(join(d, 'b.bin'));
      make(join(d, 'b.bin'));
    });
    expectCorruption(res, 'type', /b\.bin$/, 'regular file');
    assert.not.equal(/current=(.*)/.exec(res.stderr)?.[1], 'regular file', what);
  }
});

test('restore refuses: a directory in a saved chain replaced, the mount root replaced, a file missing', () => {
  let r = restoreAfter((d) => {
    renameSync(join(d, 'sub'), join(d, 'sub.old'));
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'sub', 'c.txt'), readFileSync(join(d, 'sub.old', 'c.txt')));
  });
  expectCorruption(r.res, 'identity', /sub$/);
  r = restoreAfter((d) => {
    const moved = `${d}.moved`;
    renameSync(d, moved);
    tmps.push(moved);
    mkdirSync(d);
    for (const n of readdirSync(moved)) if (statSync(join(moved, n)).isFile()) writeFileSync(join(d, n), readFileSync(join(moved, n)));
  });
  assert.is(r.res.status, EXIT_HOST_CHANGED, r.res.stderr);
  assert.match(r.res.stderr, /field=identity/);
  r = restoreAfter((d) => rmSync(d, { recursive: true }));
  expectCorruption(r.res, 'exists', /wdfs-ckg-ck-/, 'yes', 'no');
  r = restoreAfter((d) => unlinkSync(join(d, 'a.txt')));
  expectCorruption(r.res, 'exists', /a\.txt$/, 'yes', 'no');
});

test('with the checks switched off, size and mtime changes are accepted', () => {
  let r = restoreAfter((d) => grow(join(d, 'b.bin')), ['--no-validate-size']);
  assert.is(r.res.status, 0, r.res.stderr);
  assert.match(r.res.stdout, /done, sum=/);
  r = restoreAfter((d) => utimesSync(join(d, 'b.bin'), new Date(1e12), new Date(1e12)), ['--no-validate-mtime']);
  assert.is(r.res.status, 0, r.res.stderr);
  assert.match(r.res.stdout, /done, sum=/);
});

// ---- tampered images ------------------------------------------------------------------------

test('a tampered image is refused: flipped byte, truncated, wrong version, not a guest image', () => {
  const { image, run } = checkpointed(['--checkpoint-after-calls', '30'], 4);
  assert.is(run.status, EXIT_CHECKPOINTED, run.stderr);
  const good = readFileSync(image);
  const dir = tmp('bad');
  const cases: [string, Buffer, RegExp][] = [];
  const flipped = Buffer.from(good);
  flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
  cases.push(['flipped', flipped, /checksum mismatch/]);
  cases.push(['truncated', good.subarray(0, good.length - 1000), /checksum mismatch|truncated/]);
  cases.push(['short', good.subarray(0, 20), /too short|truncated/]);
  const wrongVersion = Buffer.from(good);
  wrongVersion.writeUInt32LE(IMAGE_VERSION + 1, 8);
  cases.push(['version', wrongVersion, new RegExp(`version ${IMAGE_VERSION + 1}`)]);
  const { header, sections } = decodeImage(good);
  cases.push(['filesystem', Buffer.from(encodeImage({ ...header, kind: 'filesystem' }, Object.fromEntries(sections))), /not a running guest's/]);
  const noStack = Object.fromEntries([...sections].filter(([n]) => n !== 'stack'));
  cases.push(['no stack', Buffer.from(encodeImage(header, noStack)), /no stack section/]);
  for (const [what, bytes, msg] of cases) {
    const p = join(dir, `${what}.img`);
    writeFileSync(p, bytes);
    const r = cli(['restore', p]);
    assert.is(r.status, EXIT_IMAGE_REFUSED, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /checkpoint image refused/, what);
    assert.match(r.stderr, msg, what);
    assert.is(r.stdout, '', what);
  }
});

// ---- modules that cannot be checkpointed ----------------------------------------------------

/** A module with memory (flags as given) exported as "memory" and a `_start` unless omitted. */
function tinyModule(opts: { shared?: boolean; start?: boolean; tag?: boolean }): Uint8Array {
  const start = opts.start ?? true;
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  bytes.push(0x01, 0x04, 0x01, 0x60, 0x00, 0x00); // type () -> ()
  bytes.push(0x03, 0x02, 0x01, 0x00); // one function
  bytes.push(...(opts.shared ? [0x05, 0x04, 0x01, 0x03, 0x01, 0x01] : [0x05, 0x03, 0x01, 0x00, 0x01]));
  if (opts.tag) bytes.push(0x0d, 0x03, 0x01, 0x00, 0x00); // tag section: one tag of type 0
  const exp: number[] = [0x06, ...Buffer.from('memory'), 0x02, 0x00];
  if (start) exp.push(0x06, ...Buffer.from('_start'), 0x00, 0x00);
  bytes.push(0x07, exp.length + 1, start ? 2 : 1, ...exp);
  bytes.push(0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b);
  return new Uint8Array(bytes);
}

test('a module that cannot be checkpointed is refused up front, saying why', async () => {
  const dir = tmp('mods');
  const cases: [string, Uint8Array, RegExp][] = [
    ['shared', tinyModule({ shared: true }), /shared \(threads\)/],
    ['nostart', tinyModule({ start: false }), /does not export a _start/],
    ['tag', tinyModule({ tag: true }), /exception handling/],
  ];
  for (const [what, bytes, msg] of cases) {
    assert.ok(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>), `${what} is valid wasm`);
    try {
      await prepareCheckpointable(bytes, what);
      assert.unreachable(`${what} was accepted`);
    } catch (e) {
      assert.instance(e, NotCheckpointableError);
      assert.match((e as Error).message, msg);
    }
    const p = join(dir, `${what}.wasm`);
    writeFileSync(p, bytes);
    const r = cli(['run', '--checkpoint', join(dir, 'x.img'), '--checkpoint-after-ms', '0', p]);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot be checkpointed/);
    assert.match(r.stderr, msg);
    assert.not.ok(existsSync(join(dir, 'x.img')));
  }
  const r = cli(['run', '--checkpoint-after-ms', '5', GUEST]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /need --checkpoint FILE/);
  const h = cli(['--help']);
  for (const f of ['--checkpoint FILE', '--checkpoint-after-ms', '--no-validate-size', '--no-validate-mtime', '--no-validate-identity', 'restore']) {
    assert.ok(h.stdout.includes(f), `--help documents ${f}`);
  }
});

// ---- the conformance guests with a checkpoint inserted --------------------------------------

interface GuestSpec {
  args?: string[];
  env?: Record<string, string>;
  dirs?: Array<{ fixture: FixtureName; guest: string; readonly?: boolean }>;
  stdin?: string;
  exit_code?: number;
  stdout: string;
}

const SPECS = join(ROOT, 'test', 'guests');
const POINTS = [1, 6, 25];
let conformance = 0;

// binaryen is loaded once, here, to instrument every conformance guest into the cache the CLI
// runs read (instead of once per CLI process: ~1 s of CPU each).
test.before(async () => {
  for (const file of existsSync(SPECS) ? readdirSync(SPECS) : []) {
    if (!file.endsWith('.json')) continue;
    const wasm = join(ROOT, 'build', 'guests', `${basename(file, '.json')}.wasm`);
    if (existsSync(wasm)) await prepareCheckpointableCached(readFileSync(wasm), CACHE, basename(wasm));
  }
  await prepareCheckpointableCached(readFileSync(GUEST), CACHE, basename(GUEST));
});
for (const file of existsSync(SPECS) ? readdirSync(SPECS).sort() : []) {
  if (!file.endsWith('.json')) continue;
  const name = basename(file, '.json');
  conformance++;
  test(`conformance guest ${name} with a checkpoint/restore at WASI call ${POINTS.join(', ')}`, () => {
    const spec = JSON.parse(readFileSync(join(SPECS, file), 'utf8')) as GuestSpec;
    const wasm = join(ROOT, 'build', 'guests', `${name}.wasm`);
    let stopped = 0;
    for (const k of POINTS) {
      const fx = buildFixtures();
      try {
        const image = join(fx.root, '..', `${basename(fx.root)}.img`);
        const argv = ['run', '--checkpoint', image, '--checkpoint-after-calls', String(k)];
        for (const d of spec.dirs ?? []) argv.push(d.readonly ? '--readonly-dir' : '--dir', `${fx.dirs[d.fixture]}::${d.guest}`);
        for (const [kk, v] of Object.entries(spec.env ?? {})) argv.push('--env', `${kk}=${v}`);
        argv.push(wasm, ...(spec.args ?? []));
        const input = Buffer.from(spec.stdin ?? '', 'utf8');
        const run = cli(argv, { cwd: fx.root, input });
        let stdout = run.stdout;
        let status = run.status;
        if (run.status === EXIT_CHECKPOINTED && existsSync(image)) {
          stopped++;
          const consumed = decodeImage(readFileSync(image)).header['stdinBytes'] as number;
          const res = cli(['restore', image], { cwd: tmpdir(), input: input.subarray(consumed) });
          rmSync(image, { force: true });
          stdout += res.stdout;
          status = res.status;
          assert.not.match(res.stderr, /internal error|trap/, `${name} restored at call ${k}: ${res.stderr}`);
        }
        if (stdout !== spec.stdout) assert.fixture(stdout, spec.stdout, `${name} with a checkpoint at call ${k}; stderr: ${run.stderr}`);
        assert.is(status, spec.exit_code ?? 0, `${name} exit code with a checkpoint at call ${k}`);
      } finally {
        cleanup(fx.root);
      }
    }
    assert.ok(stopped >= 1, `${name} was never checkpointed`);
  });
}

test('conformance guests were found', () => {
  assert.ok(conformance >= 30, `only ${conformance}`);
});

// ---- the API, and the measurement -----------------------------------------------------------

test('API: 10,000-file tree, 100 open files: requestCheckpoint from an import, WASI.restore + resume (figures printed)', async () => {
  assert.ok(existsSync(TREE_GUEST), 'run ./build.sh first');
  const dir = tmp('tree');
  const prepStart = performance.now();
  const prepared = await prepareCheckpointable(readFileSync(TREE_GUEST), 'checkpoint-tree.wasm');
  const prepMs = performance.now() - prepStart;
  const outDir = tmp('out');
  const outPath = join(outDir, 'stdout');
  const { openSync, closeSync } = await import('node:fs');
  let out = openSync(outPath, 'w');
  let stopAt = 0;
  let image: Uint8Array | null = null;
  const wasi = new WASI({
    args: ['tree', '/t', '100', '100', '100'], preopens: { '/t': dir }, stdout: out,
    checkpoint: { prepared, onCheckpoint: (img) => { image = img; } },
  });
  const imports = {
    wdfs_test: {
      checkpoint_here: () => { stopAt = performance.now(); wasi.requestCheckpoint(); },
      mark: () => { throw new Error('mark() must not be reached before the checkpoint'); },
    },
  };
  const inst = new WebAssembly.Instance(prepared.module, { ...imports, ...(wasi.getImportObject() as unknown as WebAssembly.Imports) });
  const code = wasi.start(inst);
  const checkpointMs = performance.now() - stopAt;
  assert.is(code, CHECKPOINTED);
  assert.is(wasi.stoppedIn, 'fd_filestat_get');
  wasi.close();
  closeSync(out);
  assert.ok(image !== null);
  const img: Uint8Array = image!;
  const sizes = Object.fromEntries([...decodeImage(img).sections].map(([n, s]) => [n, s.length]));

  out = openSync(outPath, 'a');
  const restoreStart = performance.now();
  let markAt = 0;
  const w2 = WASI.restore(img, { stdout: out });
  const fsRestoredAt = performance.now();
  const code2 = w2.resume({ wdfs_test: { checkpoint_here: () => { throw new Error('not again'); }, mark: () => { markAt = performance.now(); } } });
  w2.close();
  closeSync(out);
  assert.is(code2, 0);
  assert.ok(markAt > 0, 'the guest went on after the interrupted call');
  const text = readFileSync(outPath, 'utf8');
  assert.match(text, /^tree 10000 files\nopen 100\nsum [0-9a-f]{8}\n$/);
  // The same run uninterrupted gives the same sum.
  const dir2 = tmp('tree2');
  const outPath2 = join(outDir, 'stdout2');
  const out2 = openSync(outPath2, 'w');
  const plain = new WASI({ args: ['tree', '/t', '100', '100', '100'], preopens: { '/t': dir2 }, stdout: out2 });
  const inst2 = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(TREE_GUEST)), {
    wdfs_test: { checkpoint_here: () => undefined, mark: () => undefined }, ...(plain.getImportObject() as unknown as WebAssembly.Imports),
  });
  assert.is(plain.start(inst2), 0);
  plain.close();
  closeSync(out2);
  assert.is(text, readFileSync(outPath2, 'utf8'));
  console.log(`  [figures] 10,000-file tree, 100 open files: image ${img.length} bytes `
    + `(${Object.entries(sizes).map(([n, s]) => `${n} ${s}`).join(', ')}); asyncify at load ${prepMs.toFixed(0)} ms; `
    + `checkpoint (stop -> image) ${checkpointMs.toFixed(1)} ms; restore: filesystem ${(fsRestoredAt - restoreStart).toFixed(1)} ms, `
    + `to the guest running on ${(markAt - restoreStart).toFixed(1)} ms`);
});

test.after(() => {
  for (const d of [...tmps, CACHE]) rmSync(d, { recursive: true, force: true });
});

test.run();
