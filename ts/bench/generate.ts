/* generate.ts — the benchmark's input data sets, generated deterministically from a seed (or, for
 * the "real tree", copied from this repository's node_modules) outside any timed region.
 *
 * Owns: the layout of each data set below the bench data root, and its cache stamp
 * (ROOT/NAME.stamp holds the fingerprint of the parameters and the generator version; a data set
 * whose stamp matches is reused, anything else is removed and generated again). Data sets are
 * read-only for the workloads; writing workloads get a scratch directory (see scratchDir).
 * Must not: time anything, or write outside the bench data root.
 */
import {
  closeSync, copyFileSync, existsSync, ftruncateSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync,
  readlinkSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';

const GENERATOR_VERSION = 3;

/** xorshift32-based PRNG (deterministic for a seed on every machine). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed ^ 0x9e3779b9) >>> 0 || 1;
    for (let i = 0; i < 8; i++) this.u32();
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  fill(buf: Uint8Array): void {
    const words = Math.floor(buf.length / 4);
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < words; i++) v.setUint32(i * 4, this.u32(), true);
    for (let i = words * 4; i < buf.length; i++) buf[i] = this.u32() & 0xff;
  }
}

export interface TreeParams { files: number; dirs: number; maxDepth: number; symlinkPermille: number; statExisting: number; statMissing: number }
export interface ReadParams { files: number; minSize: number; maxSize: number }
export interface BigDirParams { entries: number }

export interface DatasetInfo {
  /** Host directory preopened as the guest's /bench. */
  dir: string;
  /** What it holds, for the report. */
  summary: string;
}

function stampOk(stamp: string, fingerprint: string, dir: string): boolean {
  return existsSync(dir) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint;
}

function fresh(dir: string, stamp: string): void {
  rmSync(stamp, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

const WORDS = ['src', 'lib', 'util', 'core', 'test', 'dist', 'index', 'types', 'node', 'api', 'io', 'fs', 'net',
  'parse', 'render', 'model', 'view', 'cache', 'store', 'config', 'helpers', 'vendor', 'build', 'docs', 'assets'];
const EXTS = ['.js', '.ts', '.json', '.md', '.d.ts', '.map', '.c', '.h', '.txt', '.css'];

/**
 * The "gen" data set: DIR/tree/ (params.dirs directories of depth <= maxDepth, params.files files
 * of 0-2 KiB, symlinkPermille / 1000 of files as relative symlinks to other files) and
 * DIR/stat-paths.txt (the stat-storm list, relative to DIR/tree: statExisting existing paths of
 * depth 3-6, statMissing missing ones, shuffled).
 */
export function genTree(root: string, seed: number, p: TreeParams): DatasetInfo {
  const dir = join(root, `gen-${p.files}`);
  const stamp = `${dir}.stamp`;
  const fingerprint = JSON.stringify({ v: GENERATOR_VERSION, seed, p });
  const summary = `${p.files} files, ${p.dirs} dirs, depth <= ${p.maxDepth}, ${p.symlinkPermille / 10}% relative symlinks (seed ${seed})`;
  if (stampOk(stamp, fingerprint, dir)) return { dir, summary };
  fresh(dir, stamp);
  const rng = new Rng(seed);
  // Directories: each new one under a random existing directory shallower than maxDepth - 1, so
  // files (one level below their directory) are at depth <= maxDepth.
  const dirs: Array<{ rel: string; depth: number }> = [{ rel: '', depth: 0 }];
  const open: number[] = [0];
  for (let i = 1; i < p.dirs; i++) {
    const parent = dirs[open[rng.int(open.length)]!]!;
    const name = `${rng.pick(WORDS)}-${i.toString(36)}`;
    const rel = parent.rel === '' ? name : `${parent.rel}/${name}`;
    dirs.push({ rel, depth: parent.depth + 1 });
    if (parent.depth + 1 < p.maxDepth - 1) open.push(dirs.length - 1);
  }
  const treeDir = join(dir, 'tree');
  mkdirSync(treeDir);
  for (const d of dirs) if (d.rel !== '') mkdirSync(join(treeDir, d.rel));
  const files: Array<{ rel: string; depth: number }> = [];
  const buf = new Uint8Array(2048);
  for (let i = 0; i < p.files; i++) {
    const d = dirs[rng.int(dirs.length)]!;
    const name = `${rng.pick(WORDS)}-${i.toString(36)}${rng.pick(EXTS)}`;
    const rel = d.rel === '' ? name : `${d.rel}/${name}`;
    const size = rng.int(2049);
    rng.fill(buf.subarray(0, size));
    writeFileSync(join(treeDir, rel), buf.subarray(0, size));
    files.push({ rel, depth: d.depth + 1 });
  }
  const links = Math.round((p.files * p.symlinkPermille) / 1000);
  const linkRels: Array<{ rel: string; depth: number }> = [];
  for (let i = 0; i < links; i++) {
    const d = dirs[rng.int(dirs.length)]!;
    const target = files[rng.int(files.length)]!;
    const rel = d.rel === '' ? `link-${i}` : `${d.rel}/link-${i}`;
    const text = relative(d.rel === '' ? '.' : d.rel, target.rel);
    symlinkSync(text, join(treeDir, rel));
    linkRels.push({ rel, depth: d.depth + 1 });
  }
  // stat-storm list: existing files, directories and symlinks at depth 3-6, then missing ones.
  const candidates = [...files, ...linkRels, ...dirs.filter((d) => d.rel !== '')].filter((e) => e.depth >= 3 && e.depth <= 6);
  const chosen = new Set<string>();
  const want = Math.min(p.statExisting, candidates.length);
  while (chosen.size < want) chosen.add(candidates[rng.int(candidates.length)]!.rel);
  const list = [...chosen];
  const deep = dirs.filter((d) => d.depth >= 2 && d.depth <= 5);
  for (let i = 0; i < p.statMissing; i++) {
    const d = deep[rng.int(deep.length)]!;
    // Half: a missing file in an existing directory (a resolver's extension probes); half: a
    // missing directory on the way.
    if (i % 2 === 0) list.push(`${d.rel}/${rng.pick(WORDS)}-missing-${i}${rng.pick(EXTS)}`);
    else list.push(`${d.rel}/node_modules-${i}/${rng.pick(WORDS)}/index.js`);
  }
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  writeFileSync(join(dir, 'stat-paths.txt'), list.join('\n') + '\n');
  writeFileSync(stamp, fingerprint);
  return { dir, summary };
}

/** Fingerprint of a host tree's shape: names, types, sizes and link texts (not contents). */
function shapeOf(src: string): { hash: string; entries: number; links: number } {
  const h = createHash('sha256');
  let entries = 0;
  let links = 0;
  const visit = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      entries++;
      if (st.isSymbolicLink()) { links++; h.update(`l ${rel}/${name} ${readlinkSync(p)}\n`); }
      else if (st.isDirectory()) { h.update(`d ${rel}/${name}\n`); visit(p, `${rel}/${name}`); }
      else h.update(`f ${rel}/${name} ${st.size}\n`);
    }
  };
  visit(src, '');
  return { hash: h.digest('hex'), entries, links };
}

/**
 * The "real" data set: DIR/node_modules, a copy of SRC (this repository's node_modules) with the
 * same names, types, sizes and symlink texts. File contents are copied up to 1 MiB; larger files
 * are made sparse at the same size (the walk only lstat's them). Regenerated when SRC changes shape.
 */
export function realTree(root: string, src: string): DatasetInfo {
  const dir = join(root, 'real');
  const stamp = `${dir}.stamp`;
  const shape = shapeOf(src);
  const fingerprint = JSON.stringify({ v: GENERATOR_VERSION, src, shape: shape.hash });
  const summary = `copy of ${src} (${shape.entries} entries, ${shape.links} symlinks; files > 1 MiB sparse)`;
  if (stampOk(stamp, fingerprint, dir)) return { dir, summary };
  fresh(dir, stamp);
  const copy = (from: string, to: string): void => {
    mkdirSync(to);
    for (const name of readdirSync(from).sort()) {
      const a = join(from, name);
      const b = join(to, name);
      const st = lstatSync(a);
      if (st.isSymbolicLink()) symlinkSync(readlinkSync(a), b);
      else if (st.isDirectory()) copy(a, b);
      else if (st.isFile()) {
        if (st.size <= 1 << 20) copyFileSync(a, b);
        else {
          const fd = openSync(b, 'w', st.mode & 0o777);
          ftruncateSync(fd, st.size);
          closeSync(fd);
        }
      }
    }
  };
  copy(src, join(dir, 'node_modules'));
  writeFileSync(stamp, fingerprint);
  return { dir, summary };
}

/** The "read" data set: DIR/dDD/fNNNNN.bin (100 per directory), sizes uniform in [minSize, maxSize]. */
export function readFiles(root: string, seed: number, p: ReadParams): DatasetInfo {
  const dir = join(root, `read-${p.files}`);
  const stamp = `${dir}.stamp`;
  const fingerprint = JSON.stringify({ v: GENERATOR_VERSION, seed, p });
  const summary = `${p.files} files of ${p.minSize / 1024}-${p.maxSize / 1024} KiB in ${Math.ceil(p.files / 100)} dirs (seed ${seed})`;
  if (stampOk(stamp, fingerprint, dir)) return { dir, summary };
  fresh(dir, stamp);
  const rng = new Rng(seed + 1);
  const buf = new Uint8Array(p.maxSize);
  for (let i = 0; i < p.files; i++) {
    const d = join(dir, `d${String(Math.floor(i / 100)).padStart(2, '0')}`);
    if (i % 100 === 0) mkdirSync(d);
    const size = p.minSize + rng.int(p.maxSize - p.minSize + 1);
    rng.fill(buf.subarray(0, size));
    writeFileSync(join(d, `f${String(i).padStart(5, '0')}.bin`), buf.subarray(0, size));
  }
  writeFileSync(stamp, fingerprint);
  return { dir, summary };
}

/** The "big" data set: DIR/big/ holding `entries` empty files with names of 12-40 bytes. */
export function bigDir(root: string, seed: number, p: BigDirParams): DatasetInfo {
  const dir = join(root, `big-${p.entries}`);
  const stamp = `${dir}.stamp`;
  const fingerprint = JSON.stringify({ v: GENERATOR_VERSION, seed, p });
  const summary = `one directory of ${p.entries} empty files (seed ${seed})`;
  if (stampOk(stamp, fingerprint, dir)) return { dir, summary };
  fresh(dir, stamp);
  const rng = new Rng(seed + 2);
  const big = join(dir, 'big');
  mkdirSync(big);
  for (let i = 0; i < p.entries; i++) {
    let name = `${rng.pick(WORDS)}-${String(i).padStart(6, '0')}`;
    const extra = rng.int(24);
    for (let k = 0; k < extra; k++) name += String.fromCharCode(97 + rng.int(26));
    closeSync(openSync(join(big, name + rng.pick(EXTS)), 'wx'));
  }
  writeFileSync(stamp, fingerprint);
  return { dir, summary };
}

/** An empty scratch directory for a writing workload (removed and re-created before every run). */
export function scratchDir(root: string, name: string): string {
  const dir = join(root, `scratch-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
