// test/security/fuzz.test.ts — property tests (fast-check) of the security-critical parts.
//
// 1. Path resolution against the reference resolver (reference.ts: WASI rules, written from
//    wasi-filesystem path-resolution.md, independent of the core): random trees of directories,
//    files and relative/absolute symlinks are built on disk, random relative paths (components
//    a b c . .. and empty, optional trailing slash) are resolved through the Filesystem API's
//    stat (follow) and lstat in every mode; the outcome must be the reference's: the same inode,
//    or the same errno (ENOENT, ENOTDIR, ELOOP, ENOTCAPABLE). The reference: no absolute paths or
//    link targets (ENOTCAPABLE), '..' never above the start (ENOTCAPABLE, even temporarily), 40
//    symlink expansions per lookup (ELOOP), a trailing slash requires a directory. Every inode
//    returned must belong to the tree (never outside: an "outside" directory sits beside it).
// 2. Bad pointers: every wasi_snapshot_preview1 import, in every mode, with random mixes of
//    out-of-bounds pointers/lengths and small values, over a real preopen: a number is returned
//    (never a host exception), and EFAULT whenever every pointer argument is out of bounds
//    (extends the deterministic EFAULT sweep of test/wasi.test.ts to lisafs modes and to random
//    argument mixes). The lisafs decoder has its own properties in test/lisafs-codec.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { mount } from '../../ts/fs.js';
import { WASI } from '../../ts/wasi/index.js';
import { MODES, type Mode } from './harness.js';
import { referenceResolve, type RefOutcome } from './reference.js';

const SHM = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const NAMES = ['a', 'b', 'c'];

type Node = { t: 'dir'; kids: Map<string, Node> } | { t: 'file' } | { t: 'link'; target: string };

const arbTarget = fc.tuple(
  fc.boolean(),
  fc.array(fc.constantFrom('a', 'b', 'c', '.', '..', 'out'), { minLength: 1, maxLength: 4 }),
  fc.boolean(),
).map(([abs, parts, slash]) => `${abs ? '/' : ''}${parts.join('/')}${slash ? '/' : ''}`);

const arbNode: fc.Memo<Node> = fc.memo((depth) => depth <= 1
  ? fc.oneof(fc.constant<Node>({ t: 'file' }), arbTarget.map<Node>((target) => ({ t: 'link', target })))
  : fc.oneof(
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...NAMES), arbNode(depth - 1), { maxKeys: 3 }).map<Node>((d) => ({ t: 'dir', kids: new Map(Object.entries(d)) })) },
    { weight: 1, arbitrary: fc.constant<Node>({ t: 'file' }) },
    { weight: 2, arbitrary: arbTarget.map<Node>((target) => ({ t: 'link', target })) },
  ));
const arbTree = fc.dictionary(fc.constantFrom(...NAMES), arbNode(3), { maxKeys: 3 })
  .map<Node>((d) => ({ t: 'dir', kids: new Map(Object.entries(d)) }));
const arbPath = fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c', '.', '..', ''), { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([parts, slash]) => `${parts.join('/')}${slash ? '/' : ''}`)
  .filter((p) => p !== '' && !p.startsWith('/'));

/** Writes the tree under R; "out" beside R is a directory outside (the canary area). */
function build(T: string, tree: Node): string {
  const R = join(T, 'R');
  mkdirSync(join(T, 'out', 'a'), { recursive: true });
  writeFileSync(join(T, 'out', 'b'), 'CANARY-outside');
  const put = (dir: string, n: Node): void => {
    if (n.t === 'dir') {
      mkdirSync(dir);
      for (const [k, v] of n.kids) put(join(dir, k), v);
    } else if (n.t === 'file') writeFileSync(dir, 'f');
    else symlinkSync(n.target.startsWith('/') ? join(T, n.target) : n.target, dir);
  };
  put(R, tree);
  return R;
}

type Outcome = RefOutcome;

/** The reference resolver over the generated tree (see reference.ts). */
function resolve(tree: Node, path: string, followFinal: boolean): Outcome {
  return referenceResolve((names) => {
    let n: Node | undefined = tree;
    for (const c of names) n = n?.t === 'dir' ? n.kids.get(c) : undefined;
    return n;
  }, path, followFinal);
}

function insideInodes(R: string): Set<bigint> {
  const s = new Set<bigint>();
  const walk = (p: string): void => {
    const st = lstatSync(p, { bigint: true });
    s.add(st.ino);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(R);
  return s;
}

const mountIn = (R: string, mode: Mode) => mount(R, mode === 'directfs' ? { mode: 'directfs' }
  : { mode: 'lisafs', gofer: mode === 'lisafs-worker' ? 'worker' : 'process' });

for (const mode of MODES) {
  test(`path resolution (${mode}): stat and lstat agree with the reference resolver; nothing outside`, () => {
    fc.assert(fc.property(arbTree, fc.array(arbPath, { minLength: 10, maxLength: 25 }), (tree, paths) => {
      const T = realpathSync(mkdtempSync(join(SHM, 'wdfs-fuzz-')));
      try {
        const R = build(T, tree);
        const inside = insideInodes(R);
        const fs = mountIn(R, mode);
        try {
          for (const p of paths) {
            for (const follow of [true, false]) {
              const want = resolve(tree, p, follow);
              let got: Outcome;
              let ino = -1n;
              try {
                const st = follow ? fs.stat(p) : fs.lstat(p);
                ino = st.ino;
                got = { ok: [] };
              } catch (e) {
                const code = (e as { code?: string }).code ?? String(e);
                got = { err: code === 'EPERM' ? 'ENOTCAPABLE' : code };
              }
              const label = `${follow ? 'stat' : 'lstat'} ${JSON.stringify(p)} in ${JSON.stringify([...(tree.t === 'dir' ? tree.kids.keys() : [])])}`;
              if (process.env['WDFS_FUZZ_DEBUG']) console.log(label, JSON.stringify(want), JSON.stringify(got));
              if ('err' in want) {
                assert.equal(got, want, `${label}: want ${want.err}`);
              } else {
                assert.ok('ok' in got, `${label}: want success, got ${'err' in got ? got.err : ''}`);
                // the core numbers inodes itself (the root is 1): compare with the entry the
                // reference names, looked up by its canonical path (real directories only)
                const canon = want.ok.length ? want.ok.join('/') : '.';
                const real = fs.lstat(canon).ino;
                assert.is(ino, real, `${label}: not the entry the reference names (${canon})`);
                assert.ok(inside.has(lstatSync(join(R, ...want.ok), { bigint: true }).ino), `${label}: outside the tree`);
              }
            }
          }
        } finally {
          fs.unmount();
        }
      } finally {
        rmSync(T, { recursive: true, force: true });
      }
    }), { numRuns: mode === 'lisafs-process' ? 40 : 120, seed: 0x5eed });
  });
}

// ---- bad pointers ----------------------------------------------------------------------------

const PAGE = 65536;
const OOB_VALUES = [PAGE, PAGE + 1, 0xfffffff0, 0xffffffff, 0x7fffffff];

for (const mode of MODES) {
  test(`bad pointers (${mode}): every import with random out-of-bounds pointers returns an errno, never throws`, () => {
    const T = realpathSync(mkdtempSync(join(SHM, 'wdfs-ptr-')));
    mkdirSync(join(T, 'R'));
    writeFileSync(join(T, 'R', 'file'), 'x');
    const wasi = new WASI({
      version: 'preview1', args: ['p'], preopens: { '/sandbox': join(T, 'R') }, returnOnExit: true,
      ...(mode === 'directfs' ? {} : { mode: 'lisafs' as const, gofer: mode === 'lisafs-worker' ? 'worker' as const : 'process' as const }),
    });
    try {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
      wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
      const u8 = new Uint8Array(memory.buffer);
      const imports = wasi.wasiImport as unknown as Record<string, (...a: unknown[]) => unknown>;
      const names = Object.keys(imports).filter((n) => n !== 'proc_exit' && n !== 'proc_raise');
      const i64Params: Record<string, number[]> = {
        clock_time_get: [1], fd_advise: [1, 2], fd_allocate: [1, 2], fd_filestat_set_size: [1], fd_filestat_set_times: [1, 2],
        fd_pread: [3], fd_pwrite: [3], fd_readdir: [3], fd_seek: [1], path_filestat_set_times: [4, 5], fd_fdstat_set_rights: [1, 2],
        path_open: [5, 6],
      };
      fc.assert(fc.property(fc.constantFrom(...names), fc.array(fc.oneof(fc.constantFrom(...OOB_VALUES), fc.nat(8)), { minLength: 9, maxLength: 9 }),
        (name, raw) => {
          u8.fill(0);
          const f = imports[name]!;
          const args: unknown[] = raw.slice(0, f.length).map((v, i) => ((i64Params[name] ?? []).includes(i) ? BigInt(v) : v));
          let r: unknown;
          try {
            r = f(...args);
          } catch (e) {
            throw new Error(`${name}(${args.join(', ')}) threw ${(e as Error).message}`);
          }
          assert.type(r, 'number', `${name} returned ${String(r)}`);
          assert.ok((r as number) >= 0 && (r as number) <= 76, `${name}(${args.join(', ')}) -> ${String(r)}`);
        }), { numRuns: 3000, seed: 0xbad });
    } finally {
      wasi.close();
      rmSync(T, { recursive: true, force: true });
    }
  });
}

test.run();
