// test/security/stateful.test.ts — PR-10 of reference/security-battery.md: stateful fuzzing of
// operation plans, cap-std style. fast-check draws plans of 8-50 WASI calls (mkdir, rmdir,
// unlink, create + write, rename, link, symlink, readlink, stat/lstat, readdir, open a
// directory or file into one of 8 handle slots, close a slot) over token paths (a b c . .. and
// empty components, an optional trailing slash; symlink targets also absolute or leading out of
// the tree); each call names a slot as its base (slot 0 is the preopen; an empty slot means the
// preopen). The calls go through the wasi_snapshot_preview1 imports, on a one-page memory, as a
// guest makes them. Every plan runs on a fresh copy of one fixture in each configuration:
// directfs exclusive, directfs shared, lisafs over a worker and (fewer plans) over a process.
//
// Oracles:
//  - every configuration gives the same outcome for every call (errno, or what was read: file
//    type, size and link count of a stat, the sorted listing of a directory, a link's target);
//  - every stat agrees with the host as it is at that moment: the reference resolver
//    (reference.ts) over the live tree, from where the base directory (the preopen, or a slot's
//    directory, found by its inode: it may have moved) is now, gives the same errno, or the same
//    host inode, type and size. Exclusive mode answers from its cache, so this checks that the
//    cache follows the guest's own renames, removals and creations (the prefix cache, negative
//    entries, moved directories);
//  - the trees left behind are identical in every configuration;
//  - outside the tree nothing changed (the canary directory beside it: O1);
//  - no call throws into the "guest" (each returns an errno).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { existsSync, readdirSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WASI } from '../../ts/wasi/index.js';
import {
  errnoName, WASI_OFLAGS_CREAT, WASI_OFLAGS_DIRECTORY, WASI_OFLAGS_EXCL, WASI_OFLAGS_TRUNC, WASI_RIGHTS_ALL,
  WASI_RIGHT_FD_WRITE, WASI_RIGHT_FD_ALLOCATE, WASI_RIGHT_FD_FILESTAT_SET_SIZE,
  WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, WASI_DIRENT_SIZE, WASI_FILETYPE_DIRECTORY, WASI_FILETYPE_REGULAR_FILE, WASI_FILETYPE_SYMBOLIC_LINK,
} from '../../ts/wasi/defs.js';
import { snapshotTree } from '../fixtures.js';
import { referenceResolve, type RefEntry } from './reference.js';

const SHM = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const SLOTS = 8;
/** Rights for opening what may be a directory (asking for FD_WRITE on one is EISDIR). */
const READ_RIGHTS = WASI_RIGHTS_ALL & ~(WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE);
const PREOPEN = 3;

type Config = { name: string; options: Record<string, unknown> };
const CONFIGS: Config[] = [
  { name: 'directfs', options: {} },
  { name: 'directfs-shared', options: { interop: 'shared' } },
  { name: 'lisafs-worker', options: { mode: 'lisafs', gofer: 'worker' } },
  { name: 'lisafs-process', options: { mode: 'lisafs', gofer: 'process' } },
];

type Op =
  | { k: 'mkdir' | 'rmdir' | 'unlink' | 'readlink' | 'readdir'; s: number; p: string }
  | { k: 'create'; s: number; p: string; excl: boolean; size: number }
  | { k: 'rename' | 'link'; s: number; p: string; s2: number; q: string }
  | { k: 'symlink'; target: string; s: number; p: string }
  | { k: 'stat'; s: number; p: string; follow: boolean }
  | { k: 'open'; s: number; p: string; dir: boolean; follow: boolean; slot: number }
  | { k: 'close'; slot: number };

const arbName = fc.constantFrom('a', 'b', 'c');
const arbAnyPath = fc.tuple(fc.array(fc.oneof({ weight: 8, arbitrary: arbName }, { weight: 1, arbitrary: fc.constantFrom('.', '..', '') }),
  { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
  .map(([parts, slash]) => `${parts.join('/')}${slash ? '/' : ''}`)
  .filter((p) => p !== '' && !p.startsWith('/'));
const arbTarget = fc.oneof(
  { weight: 6, arbitrary: arbAnyPath },
  { weight: 1, arbitrary: fc.constantFrom('/etc', '../out/canary', '../../out', 'a/../../out/canary') },
);
const arbSlot = fc.nat(SLOTS - 1);
/** One call; half of its paths come from the plan's own few (a resolver's repeated probes: what a
 * cache must keep right across renames and removals). */
const arbOp = (arbPath: fc.Arbitrary<string>): fc.Arbitrary<Op> => fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('mkdir' as const), s: arbSlot, p: arbPath }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rmdir' as const), s: arbSlot, p: arbPath }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('unlink' as const), s: arbSlot, p: arbPath }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('create' as const), s: arbSlot, p: arbPath, excl: fc.boolean(), size: fc.nat(64) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('rename' as const), s: arbSlot, p: arbPath, s2: arbSlot, q: arbPath }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('link' as const), s: arbSlot, p: arbPath, s2: arbSlot, q: arbPath }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('symlink' as const), target: arbTarget, s: arbSlot, p: arbPath }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('readlink' as const), s: arbSlot, p: arbPath }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('stat' as const), s: arbSlot, p: arbPath, follow: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('readdir' as const), s: arbSlot, p: fc.constant('.') }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('open' as const), s: arbSlot, p: arbPath, dir: fc.boolean(), follow: fc.boolean(), slot: fc.integer({ min: 1, max: SLOTS - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), slot: fc.integer({ min: 1, max: SLOTS - 1 }) }) },
);
const arbPlan = fc.array(arbAnyPath, { minLength: 4, maxLength: 4 })
  .chain((pool) => fc.array(arbOp(fc.oneof(arbAnyPath, fc.constantFrom(...pool))), { minLength: 8, maxLength: 50 }));

/** The fixture every plan starts from: R (the preopen) with a few entries, out/ beside it. */
function fixture(T: string): void {
  const R = join(T, 'R');
  mkdirSync(join(R, 'a', 'b'), { recursive: true });
  mkdirSync(join(R, 'c', 'a', 'c'), { recursive: true });
  writeFileSync(join(R, 'a', 'c'), 'abc');
  writeFileSync(join(R, 'b'), 'bb');
  writeFileSync(join(R, 'c', 'b'), 'cb');
  mkdirSync(join(T, 'out'));
  writeFileSync(join(T, 'out', 'canary'), 'CANARY-outside');
}

/** The live host tree below R, as the reference resolver sees it. */
function hostAt(R: string): (names: string[]) => RefEntry {
  return (names) => {
    const p = join(R, ...names);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return undefined;
    }
    if (st.isDirectory()) return { t: 'dir' };
    if (st.isSymbolicLink()) return { t: 'link', target: readlinkSync(p) };
    return { t: 'file' };
  };
}

/** The host path of the directory with inode `ino` in the tree R (undefined: not there now). */
function whereIs(R: string, ino: bigint): string | undefined {
  const st = lstatSync(R, { bigint: true });
  if (st.ino === ino) return R;
  if (!st.isDirectory()) return undefined;
  for (const n of readdirSync(R)) {
    const p = join(R, n);
    if (lstatSync(p).isDirectory()) {
      const found = whereIs(p, ino);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const FILETYPE: Record<number, string> = { [WASI_FILETYPE_DIRECTORY]: 'dir', [WASI_FILETYPE_REGULAR_FILE]: 'file', [WASI_FILETYPE_SYMBOLIC_LINK]: 'link' };

/**
 * Runs `plan` on T/R in one configuration through the WASI imports; returns one line per call.
 * Checks every stat against the host as it goes (assertions name the call).
 */
function runPlan(T: string, cfg: Config, plan: Op[]): string[] {
  const R = join(T, 'R');
  const wasi = new WASI({ version: 'preview1', args: ['pr10'], preopens: { '/sandbox': R }, returnOnExit: true, ...cfg.options } as ConstructorParameters<typeof WASI>[0]);
  const log: string[] = [];
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const w = wasi.wasiImport as unknown as Record<string, (...a: unknown[]) => number>;
    const u8 = new Uint8Array(memory.buffer);
    const dv = new DataView(memory.buffer);
    const enc = new TextEncoder();
    const dec = new TextDecoder();
    const P1 = 1024, P2 = 2048, OUT = 4096, BUF = 8192, BUFLEN = 32768;
    const put = (at: number, s: string): number => {
      const b = enc.encode(s);
      u8.set(b, at);
      return b.length;
    };
    const slots: number[] = new Array<number>(SLOTS).fill(-1);
    slots[0] = PREOPEN;
    const rootIno = lstatSync(R, { bigint: true }).ino;
    /** The host inode of each slot's directory (0n: empty, or not a directory). */
    const slotIno: bigint[] = new Array<bigint>(SLOTS).fill(0n);
    slotIno[0] = rootIno;
    const fd = (s: number): number => (slots[s]! >= 0 ? slots[s]! : PREOPEN);
    const call = (name: string, ...args: unknown[]): number => {
      const r = w[name]!(...args);
      assert.type(r, 'number', `${cfg.name}: ${name} returned ${String(r)}`);
      return r;
    };
    const errs = (e: number): string => (e === 0 ? 'ok' : errnoName(e));
    for (const [i, op] of plan.entries()) {
      const at = `#${i} ${JSON.stringify(op)}`;
      let out: string;
      switch (op.k) {
        case 'mkdir': out = errs(call('path_create_directory', fd(op.s), P1, put(P1, op.p))); break;
        case 'rmdir': out = errs(call('path_remove_directory', fd(op.s), P1, put(P1, op.p))); break;
        case 'unlink': out = errs(call('path_unlink_file', fd(op.s), P1, put(P1, op.p))); break;
        case 'rename': out = errs(call('path_rename', fd(op.s), P1, put(P1, op.p), fd(op.s2), P2, put(P2, op.q))); break;
        case 'link': out = errs(call('path_link', fd(op.s), 0, P1, put(P1, op.p), fd(op.s2), P2, put(P2, op.q))); break;
        case 'symlink': out = errs(call('path_symlink', P1, put(P1, op.target), fd(op.s), P2, put(P2, op.p))); break;
        case 'readlink': {
          const e = call('path_readlink', fd(op.s), P1, put(P1, op.p), BUF, 4096, OUT);
          out = e ? errnoName(e) : `-> ${dec.decode(u8.subarray(BUF, BUF + dv.getUint32(OUT, true)))}`;
          break;
        }
        case 'create': {
          const oflags = WASI_OFLAGS_CREAT | (op.excl ? WASI_OFLAGS_EXCL : WASI_OFLAGS_TRUNC);
          let e = call('path_open', fd(op.s), 0, P1, put(P1, op.p), oflags, WASI_RIGHTS_ALL, WASI_RIGHTS_ALL, 0, OUT);
          if (e === 0) {
            const f = dv.getUint32(OUT, true);
            u8.fill(0x61 + (op.size % 26), BUF, BUF + op.size);
            dv.setUint32(OUT, BUF, true);
            dv.setUint32(OUT + 4, op.size, true);
            e = call('fd_write', f, OUT, 1, OUT + 8);
            const wrote = dv.getUint32(OUT + 8, true);
            const c = call('fd_close', f);
            out = `${errs(e)} wrote ${e ? 0 : wrote} close ${errs(c)}`;
          } else {
            out = errnoName(e);
          }
          break;
        }
        case 'stat': {
          const e = call('path_filestat_get', fd(op.s), op.follow ? WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, P1, put(P1, op.p), OUT);
          const type = FILETYPE[u8[OUT + 16]!] ?? `type${u8[OUT + 16]!}`;
          const ino = dv.getBigUint64(OUT + 8, true);
          out = e ? errnoName(e) : `${type} nlink=${dv.getBigUint64(OUT + 24, true)}${type === 'dir' ? '' : ` size=${dv.getBigUint64(OUT + 32, true)}`}`;
          // the host must agree now, from where the base directory is now (a slot's directory may
          // have moved since it was opened; a removed one, or a slot holding a file, is not checked)
          const baseIno = slots[op.s]! < 0 ? rootIno : slotIno[op.s]!;
          const base = baseIno ? whereIs(R, baseIno) : undefined;
          if (base !== undefined) {
            const want = referenceResolve(hostAt(base), op.p, op.follow);
            if ('err' in want) {
              assert.is(out, want.err, `${cfg.name} ${at}: the host says ${want.err}`);
            } else {
              assert.is(e, 0, `${cfg.name} ${at}: the host has ${want.ok.join('/') || '.'}, got ${out}`);
              const st = lstatSync(join(base, ...want.ok), { bigint: true });
              assert.is(ino, st.ino, `${cfg.name} ${at}: not the host's ${want.ok.join('/') || '.'}`);
              const hostType = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
              assert.is(type, hostType, `${cfg.name} ${at}: type`);
              if (type !== 'dir') assert.is(dv.getBigUint64(OUT + 32, true), st.size, `${cfg.name} ${at}: size`);
            }
          }
          break;
        }
        case 'readdir': {
          const e = call('fd_readdir', fd(op.s), BUF, BUFLEN, 0n, OUT);
          if (e) {
            out = errnoName(e);
            break;
          }
          const used = dv.getUint32(OUT, true);
          const names: string[] = [];
          for (let o = BUF; o + WASI_DIRENT_SIZE <= BUF + used;) { // d_namlen at 16, d_type at 20
            const len = dv.getUint32(o + 16, true);
            const name = dec.decode(u8.subarray(o + WASI_DIRENT_SIZE, o + WASI_DIRENT_SIZE + len));
            names.push(`${name}:${FILETYPE[u8[o + 20]!] ?? u8[o + 20]!}`);
            o += WASI_DIRENT_SIZE + len;
          }
          assert.ok(used < BUFLEN, `${cfg.name} ${at}: the listing fits the buffer`);
          out = names.sort().join(' ');
          break;
        }
        case 'open': {
          const e = call('path_open', fd(op.s), op.follow ? WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, P1, put(P1, op.p),
            op.dir ? WASI_OFLAGS_DIRECTORY : 0, READ_RIGHTS, WASI_RIGHTS_ALL, 0, OUT);
          if (e === 0) {
            if (slots[op.slot]! >= 0) call('fd_close', slots[op.slot]!);
            slots[op.slot] = dv.getUint32(OUT, true);
            const f = call('fd_filestat_get', slots[op.slot]!, OUT);
            slotIno[op.slot] = f === 0 && u8[OUT + 16] === WASI_FILETYPE_DIRECTORY ? dv.getBigUint64(OUT + 8, true) : 0n;
          }
          out = errs(e);
          break;
        }
        case 'close': {
          const f = slots[op.slot]!;
          out = f < 0 ? 'empty' : errs(call('fd_close', f));
          slots[op.slot] = -1;
          slotIno[op.slot] = 0n;
          break;
        }
      }
      log.push(`${at}: ${out}`);
    }
  } finally {
    wasi.close();
  }
  return log;
}

/** The tree left behind, without times (each configuration ran at its own moment). */
function shape(dir: string): string[] {
  return snapshotTree(dir).map((l) => l.replace(/ mtime=\d+ ctime=\d+/, ''));
}

/** Runs `plan` in every configuration (lisafs-process too when withProcess) and checks the
 * oracles; an assertion names the configuration and the call. */
function checkPlan(plan: Op[], withProcess: boolean): void {
  const base = realpathSync(mkdtempSync(join(SHM, 'wdfs-pr10-')));
  try {
    const logs: Array<{ cfg: Config; log: string[]; tree: string[] }> = [];
    for (const cfg of CONFIGS.filter((c) => c.name !== 'lisafs-process' || withProcess)) {
      const T = join(base, cfg.name);
      mkdirSync(T);
      fixture(T);
      const outside = snapshotTree(join(T, 'out'));
      const log = runPlan(T, cfg, plan);
      assert.equal(snapshotTree(join(T, 'out')), outside, `${cfg.name}: outside the tree changed`);
      assert.equal(readdirSync(T).sort(), ['R', 'out'], `${cfg.name}: something appeared beside the tree`);
      logs.push({ cfg, log, tree: shape(join(T, 'R')) });
    }
    if (process.env['WDFS_PR10_DEBUG']) console.log(logs[0]!.log.join('\n'));
    const [first, ...rest] = logs;
    for (const o of rest) {
      assert.equal(o.log, first!.log, `${o.cfg.name} and ${first!.cfg.name} disagree`);
      assert.equal(o.tree, first!.tree, `${o.cfg.name} and ${first!.cfg.name} left different trees`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

// WDFS_PR10_RUNS=N: a longer campaign with a fresh seed; WDFS_PR10_PLAN='[...]': replay one plan
// (a counterexample as fast-check prints it).
const RUNS = Number(process.env['WDFS_PR10_RUNS'] ?? 150);
const REPLAY = process.env['WDFS_PR10_PLAN'];

test('PR-10: random operation plans give the same results in every configuration, agree with the host, stay inside', () => {
  if (REPLAY) {
    checkPlan(JSON.parse(REPLAY) as Op[], true);
    return;
  }
  // the process gofer costs ~100 ms to start: one plan in four runs there too
  fc.assert(fc.property(arbPlan, fc.nat(3).map((n) => n === 0), checkPlan),
    { numRuns: RUNS, seed: process.env['WDFS_PR10_RUNS'] ? Date.now() : 0x9e10 });
});

test.run();
