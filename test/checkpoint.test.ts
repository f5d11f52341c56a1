/* checkpoint.test.ts — Filesystem.checkpoint()/restore(): state survives into a new process,
 * every kind of host change is refused with the right CorruptionError, tampered images are
 * refused before anything is opened, validation switches work. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, readdirSync, renameSync, utimesSync, readFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mount, Filesystem, CorruptionError, ImageError } from '../ts/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const fdCount = () => readdirSync('/proc/self/fd').length;

/** A tree with an open file (offset 3), an open directory and a file deleted while open. */
function setup() {
  const root = mkdtempSync(join(tmpdir(), 'wfs-ckpt-'));
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', 'b', 'f'), 'hello world');
  writeFileSync(join(root, 'a', 'g'), 'gee');
  const fs = mount(root);
  const h = fs.open('a/b/f', 'r+');
  const buf = new Uint8Array(3);
  fs.read(h, buf);
  const dh = fs.open('a', 0o200000);
  const gh = fs.open('a/g', 'r');
  const del = fs.open('a/tmp', 'w+');
  fs.write(del, 'kept after unlink');
  fs.unlink('a/tmp');
  const inos = { f: fs.fstat(h).ino, a: fs.fstat(dh).ino, g: fs.fstat(gh).ino };
  const image = fs.checkpoint();
  fs.unmount();
  return { root, image, h, dh, gh, del, inos };
}

function expectCorruption(image: Uint8Array, field: string, pathPart: string, validate?: Record<string, boolean>) {
  const before = fdCount();
  try {
    Filesystem.restore(image, validate ? { validate } : {});
    assert.unreachable(`restore should fail on ${field}`);
  } catch (e) {
    assert.instance(e, CorruptionError, String(e));
    const c = e as CorruptionError;
    assert.is(c.field, field, c.message);
    assert.ok(c.path.includes(pathPart), `${c.path} names ${pathPart}`);
    assert.ok(c.message.includes(c.saved) && c.message.includes(c.current), c.message);
  }
  assert.is(fdCount(), before, 'a failed restore leaks no FD');
}

test('restore in a new process: offsets, inode numbers, deleted-open contents, directory handle', () => {
  const s = setup();
  const imgPath = join(s.root, '..', `${s.root.split('/').pop()}.img`);
  writeFileSync(imgPath, s.image);
  const entry = resolve('dist/index.js');
  const script = `
    import { Filesystem } from ${JSON.stringify(entry)};
    import { readFileSync } from 'node:fs';
    const fs = Filesystem.restore(readFileSync(${JSON.stringify(imgPath)}));
    const b = new Uint8Array(64);
    const n = fs.read(${s.h}, b);
    fs.seek(${s.del}, 0);
    const m = fs.read(${s.del}, b.subarray(32));
    const out = { rest: new TextDecoder().decode(b.subarray(0, n)), deleted: new TextDecoder().decode(b.subarray(32, 32 + m)),
      inoF: String(fs.fstat(${s.h}).ino), inoA: String(fs.fstat(${s.dh}).ino), inoG: String(fs.stat('a/g').ino),
      names: fs.readdir('a').map((e) => e.name).sort() };
    fs.write(${s.h}, '!');
    fs.unmount();
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  assert.is(out.rest, 'lo world', 'the offset (3) survived');
  assert.is(out.deleted, 'kept after unlink');
  assert.is(out.inoF, String(s.inos.f));
  assert.is(out.inoA, String(s.inos.a));
  assert.is(out.inoG, String(s.inos.g), 'a file that was only open keeps its number too');
  assert.equal(out.names, ['.', '..', 'b', 'g'], 'the recreated deleted file is gone again');
  assert.is(readFileSync(join(s.root, 'a', 'b', 'f'), 'utf8'), 'hello world!', 'writes after restore land at the saved offset');
  rmSync(s.root, { recursive: true, force: true });
  rmSync(imgPath, { force: true });
});

test('restore refuses each kind of change with the right CorruptionError', () => {
  const cases: [string, (root: string) => void, string, string][] = [
    ['size changed', (r) => writeFileSync(join(r, 'a/b/f'), 'hello world, longer'), 'size', 'a/b/f'],
    ['mtime changed', (r) => utimesSync(join(r, 'a/b/f'), new Date(1000), new Date(2000)), 'mtime', 'a/b/f'],
    ['file replaced by a symlink', (r) => { rmSync(join(r, 'a/b/f')); symlinkSync('../g', join(r, 'a/b/f')); }, 'type', 'a/b/f'],
    ['file replaced by a FIFO', (r) => { rmSync(join(r, 'a/b/f')); execFileSync('mkfifo', [join(r, 'a/b/f')]); }, 'type', 'a/b/f'],
    ['file replaced by a directory', (r) => { rmSync(join(r, 'a/b/f')); mkdirSync(join(r, 'a/b/f')); }, 'type', 'a/b/f'],
    ['file missing', (r) => rmSync(join(r, 'a/b/f')), 'exists', 'a/b/f'],
    ['a directory in the chain replaced', (r) => {
      renameSync(join(r, 'a/b'), join(r, 'old-b'));
      mkdirSync(join(r, 'a/b'));
      writeFileSync(join(r, 'a/b/f'), 'hello world');
      utimesSync(join(r, 'a/b/f'), new Date(), new Date());
    }, 'identity', 'a/b'],
  ];
  for (const [name, change, field, where] of cases) {
    const s = setup();
    change(s.root);
    try {
      expectCorruption(s.image, field, where, field === 'identity' ? { mtime: false } : undefined);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    } finally {
      rmSync(s.root, { recursive: true, force: true });
      rmSync(`${s.root}.moved`, { recursive: true, force: true });
    }
  }
});

test('the mount root replaced by another directory is refused', () => {
  const s = setup();
  renameSync(s.root, `${s.root}.moved`);
  mkdirSync(s.root);
  execFileSync('cp', ['-a', `${s.root}.moved/.`, s.root]);
  expectCorruption(s.image, 'identity', '/', { mtime: false });
  rmSync(s.root, { recursive: true, force: true });
  rmSync(`${s.root}.moved`, { recursive: true, force: true });
});

test('with the checks switched off, size and mtime changes are accepted', () => {
  const s = setup();
  writeFileSync(join(s.root, 'a/b/f'), 'hello world, longer');
  const fs = Filesystem.restore(s.image, { validate: { size: false, mtime: false } });
  const b = new Uint8Array(64);
  const n = fs.read(s.h, b);
  assert.is(dec.decode(b.subarray(0, n)), 'lo world, longer');
  fs.unmount();
  rmSync(s.root, { recursive: true, force: true });
});

test('a tampered image is refused before anything is opened', () => {
  const s = setup();
  const before = fdCount();
  const flipped = s.image.slice();
  flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
  const truncated = s.image.slice(0, s.image.length - 7);
  const wrongVersion = s.image.slice();
  wrongVersion[8] = 9;
  for (const [name, img, what] of [['flipped byte', flipped, /checksum/], ['truncated', truncated, /checksum|truncated/],
    ['wrong version', wrongVersion, /version 9/], ['not an image', enc.encode('hello'.repeat(20)), /magic|short/]] as const) {
    try {
      Filesystem.restore(img);
      assert.unreachable(name);
    } catch (e) {
      assert.instance(e, ImageError, `${name}: ${String(e)}`);
      assert.match((e as Error).message, what, name);
    }
  }
  assert.is(fdCount(), before);
  rmSync(s.root, { recursive: true, force: true });
});

test('restore onto a copy (identity check off): saved inode numbers stay, and a file whose host number is one of them gets another', () => {
  const s = setup();
  const orig = `${s.root}.orig`;
  renameSync(s.root, orig);
  execFileSync('cp', ['-a', orig, s.root]); // same names, new host inodes
  const fs = Filesystem.restore(s.image, { validate: { identity: false } });
  try {
    assert.is(fs.fstat(s.h).ino, s.inos.f, 'an open file keeps its number');
    assert.is(fs.fstat(s.dh).ino, s.inos.a, 'an open directory keeps its number');
    assert.is(fs.stat('a/b/f').ino, s.inos.f, 'by name too');
    // Guest numbers are host inode numbers where they can be: a/b/f's saved number is the inode
    // the original file (still under orig/) has. Linked into the tree, it must not take it.
    linkSync(join(orig, 'a', 'b', 'f'), join(s.root, 'old-f'));
    const old = fs.stat('old-f').ino;
    assert.not.equal(old, s.inos.f, 'the saved number stays with the restored file');
    assert.is(fs.stat('old-f').ino, old, 'the other number is stable');
    const seen = [s.inos.f, s.inos.a, s.inos.g, old, fs.stat('').ino, fs.stat('a/b').ino];
    assert.is(new Set(seen).size, seen.length, 'all distinct');
  } finally {
    fs.unmount();
    rmSync(s.root, { recursive: true, force: true });
    rmSync(orig, { recursive: true, force: true });
  }
});

test('an image names paths, never host FD numbers; restore twice gives the same state', () => {
  const s = setup();
  const text = Buffer.from(s.image).toString('latin1');
  assert.ok(text.includes(s.root), 'the header names the mount path');
  assert.ok(!/"fd"|hostFd|host_fd/.test(text), 'no host fd field in the header');
  const a = Filesystem.restore(s.image);
  const ia = a.fstat(s.h).ino;
  a.unmount();
  const b = Filesystem.restore(s.image);
  assert.is(b.fstat(s.h).ino, ia);
  b.unmount();
  rmSync(s.root, { recursive: true, force: true });
});

test.run();
