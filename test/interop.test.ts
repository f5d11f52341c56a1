/* interop.test.ts — interop 'shared': another process changes, replaces, renames and deletes
 * files between operations, and every operation sees exactly the host's state (the seed's
 * doRevalidationDirectfs). 'exclusive' keeps serving its cache with no syscall. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount, FsError, type Filesystem } from '../ts/index.js';

const dec = new TextDecoder();
/** Runs a shell command in another process (the host changing files under the guest). */
const host = (cmd: string, cwd: string) => execFileSync('sh', ['-c', cmd], { cwd });
const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as FsError).code ?? String(e);
  }
};

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'wfs-interop-'));
  mkdirSync(join(root, 'd', 'e'), { recursive: true });
  writeFileSync(join(root, 'd', 'e', 'f'), 'one');
  writeFileSync(join(root, 'g'), 'gee');
  return root;
}

function sameAsHost(fs: Filesystem, root: string, rel: string) {
  const h = statSync(join(root, rel), { bigint: true });
  const s = fs.stat(rel);
  assert.is(s.size, h.size, `${rel} size`);
  assert.is(s.mtimeNs, h.mtimeNs, `${rel} mtime`);
  assert.is(s.mode, Number(h.mode), `${rel} mode`);
}

test('shared: content and metadata changed by another process are seen', () => {
  const root = tree();
  const fs = mount(root, { interop: 'shared' });
  sameAsHost(fs, root, 'd/e/f');
  host('printf "two, longer" > d/e/f && chmod 600 d/e/f && touch -d 2001-01-01 d/e/f', root);
  sameAsHost(fs, root, 'd/e/f');
  assert.is(dec.decode(fs.readFile('d/e/f')), 'two, longer');
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
});

test('shared: a file replaced (by a file, a symlink, a directory) is the new one', () => {
  const root = tree();
  const fs = mount(root, { interop: 'shared' });
  const ino1 = fs.stat('g').ino;
  const hostIno1 = statSync(join(root, 'g')).ino;
  host('mv g g.old && printf "replacement" > g', root);
  assert.is.not(statSync(join(root, 'g')).ino, hostIno1);
  assert.is.not(fs.stat('g').ino, ino1, 'a new inode gets a new number');
  assert.is(dec.decode(fs.readFile('g')), 'replacement');
  host('rm g && ln -s d/e/f g', root);
  assert.ok(fs.lstat('g').isSymbolicLink());
  assert.is(dec.decode(fs.readFile('g')), 'one');
  host('rm g && mkdir g', root);
  assert.ok(fs.stat('g').isDirectory());
  assert.is(code(() => fs.readFile('g')), 'EISDIR');
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
});

test('shared: renamed and deleted directories in a cached chain are followed', () => {
  const root = tree();
  const fs = mount(root, { interop: 'shared' });
  assert.is(dec.decode(fs.readFile('d/e/f')), 'one');
  host('mv d d2', root);
  assert.is(code(() => fs.stat('d/e/f')), 'ENOENT');
  assert.is(dec.decode(fs.readFile('d2/e/f')), 'one');
  host('mkdir -p d/e && printf "new d" > d/e/f', root);
  assert.is(dec.decode(fs.readFile('d/e/f')), 'new d', 'the new d, not the cached (moved) one');
  host('rm -r d2', root);
  assert.is(code(() => fs.stat('d2')), 'ENOENT');
  assert.equal(fs.readdir('/').map((e) => e.name).sort(), readdirSync(root).concat(['.', '..']).sort());
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
});

test('shared: names created by the host after a failed lookup are found (no negative cache)', () => {
  const root = tree();
  const fs = mount(root, { interop: 'shared' });
  assert.is(code(() => fs.stat('later')), 'ENOENT');
  host('printf x > later', root);
  assert.is(fs.stat('later').size, 1n);
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
});

test('shared: a directory swapped for a symlink to outside is never followed outside', () => {
  const root = tree();
  const outside = mkdtempSync(join(tmpdir(), 'wfs-outside-'));
  mkdirSync(join(outside, 'e'));
  writeFileSync(join(outside, 'e', 'f'), 'CANARY');
  const fs = mount(root, { interop: 'shared' });
  assert.is(dec.decode(fs.readFile('d/e/f')), 'one');
  host(`rm -r d && ln -s ${outside} d`, root);
  assert.is(code(() => fs.readFile('d/e/f')), 'ENOTCAPABLE');
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test('exclusive: a cached stat makes no host syscall; the cache is authoritative', () => {
  const root = tree();
  const fs = mount(root);
  fs.stat('d/e/f');
  const before = fs.counters().syscalls;
  for (let i = 0; i < 100; i++) fs.stat('d/e/f');
  assert.is(fs.counters().syscalls, before, '100 cached stats, 0 syscalls');
  host('printf "changed behind our back" > d/e/f', root);
  assert.is(fs.stat('d/e/f').size, 3n, 'exclusive mode serves the cache (the documented contract)');
  const shared = mount(root, { interop: 'shared' });
  shared.stat('d/e/f');
  const b2 = shared.counters().syscalls;
  shared.stat('d/e/f');
  assert.ok(shared.counters().syscalls > b2, 'shared mode revalidates with the host');
  shared.unmount();
  fs.unmount();
  rmSync(root, { recursive: true, force: true });
});

test.run();
