/* workloads.ts — the benchmark workloads: which guest each runs, on which data set, with which
 * arguments, at which size (full or --quick), and the target ratio for wasi-directfs.
 *
 * Every guest prints "RESULT <result> <ns> <checksum>"; `result` is the name it prints (the
 * AssemblyScript read-files prints "read-files", with the same checksum as the C one).
 * Arguments are built from `root`: the guest path /bench for wasm runtimes, the host directory for
 * native, so both name the same files.
 * Must not: run anything (ts/bench/run.ts does) or know about runtimes.
 */
import { bigDir, genTree, readFiles, realTree, type DatasetInfo } from './generate.js';

export type GuestRef = { kind: 'c'; name: string } | { kind: 'asm'; name: string; nativeName: string } | { kind: 'sqlite' };

export interface Sizes { quick: boolean; seed: number; dataRoot: string; repoRoot: string }

export interface Workload {
  id: string;
  /** The name the guest prints on its RESULT line. */
  result: string;
  title: string;
  guest: GuestRef;
  /** Issue 6's target for wasi-directfs (default mode) as the median ratio to native. */
  target: number | null;
  /** Creates (or reuses) the input data set; null for workloads that only write (scratch dir). */
  dataset: ((s: Sizes) => DatasetInfo) | null;
  /** Guest argv after argv[0], given the directory preopened as /bench (guest or host path). */
  args: (root: string, s: Sizes) => string[];
  /** Size description for the report. */
  size: (s: Sizes) => string;
  /** The guest operations a run makes, for --syscalls' per-operation counts (null: not fixed by
   * the parameters, e.g. a copied tree; totals only). */
  ops: ((s: Sizes) => { n: number; unit: string }) | null;
}

const treeParams = (s: Sizes) => s.quick
  ? { files: 4000, dirs: 200, maxDepth: 6, symlinkPermille: 10, statExisting: 2000, statMissing: 500 }
  : { files: 20000, dirs: 1000, maxDepth: 6, symlinkPermille: 10, statExisting: 2000, statMissing: 500 };
const readParams = (s: Sizes) => ({ files: s.quick ? 1000 : 5000, minSize: 1024, maxSize: 16384 });
const bigParams = (s: Sizes) => ({ entries: s.quick ? 5000 : 50000 });
const createCount = (s: Sizes) => (s.quick ? 1000 : 5000);
const seqMiB = (s: Sizes) => (s.quick ? 32 : 256);
const sqliteRows = (s: Sizes) => (s.quick ? 10000 : 100000);
const STAT_ROUNDS = 10;

/** The baseline of --syscalls (not a workload of the table): a guest that does nothing. */
export const EMPTY_GUEST = { name: 'bench-empty', result: 'empty' } as const;

export const WORKLOADS: Workload[] = [
  {
    id: 'walk', result: 'walk', title: 'walk (generated tree)', guest: { kind: 'c', name: 'bench-walk' }, target: 1.3,
    dataset: (s) => genTree(s.dataRoot, s.seed, treeParams(s)),
    args: (root) => [`${root}/tree`],
    size: (s) => { const p = treeParams(s); return `${p.files} files, ${p.dirs} dirs, depth <= 6, 1% symlinks`; },
    ops: (s) => ({ n: treeParams(s).files, unit: 'file' }),
  },
  {
    id: 'walk-real', result: 'walk', title: 'walk (copy of node_modules)', guest: { kind: 'c', name: 'bench-walk' }, target: 1.3,
    dataset: (s) => realTree(s.dataRoot, `${s.repoRoot}/node_modules`),
    args: (root) => [`${root}/node_modules`],
    size: () => 'a copy of this repository\'s node_modules',
    ops: null,
  },
  {
    id: 'stat-storm', result: 'stat-storm', title: 'stat-storm', guest: { kind: 'c', name: 'bench-stat-storm' }, target: 0.5,
    dataset: (s) => genTree(s.dataRoot, s.seed, treeParams(s)),
    args: (root) => [`${root}/tree`, `${root}/stat-paths.txt`, String(STAT_ROUNDS)],
    size: (s) => { const p = treeParams(s); return `${p.statExisting} existing (depth 3-6) + ${p.statMissing} missing paths x ${STAT_ROUNDS} rounds`; },
    ops: (s) => { const p = treeParams(s); return { n: (p.statExisting + p.statMissing) * STAT_ROUNDS, unit: 'stat' }; },
  },
  {
    id: 'read-files', result: 'read-files', title: 'read-files', guest: { kind: 'c', name: 'bench-read-files' }, target: 1.3,
    dataset: (s) => readFiles(s.dataRoot, s.seed, readParams(s)),
    args: (root, s) => [root, String(readParams(s).files)],
    size: (s) => `${readParams(s).files} files of 1-16 KiB`,
    ops: (s) => ({ n: readParams(s).files, unit: 'file' }),
  },
  {
    id: 'read-files-as', result: 'read-files', title: 'read-files (AssemblyScript guest)',
    guest: { kind: 'asm', name: 'bench-read-files', nativeName: 'bench-read-files' }, target: null,
    dataset: (s) => readFiles(s.dataRoot, s.seed, readParams(s)),
    args: (root, s) => [root, String(readParams(s).files)],
    size: (s) => `${readParams(s).files} files of 1-16 KiB; native = the C guest`,
    ops: (s) => ({ n: readParams(s).files, unit: 'file' }),
  },
  {
    id: 'create-delete', result: 'create-delete', title: 'create-delete', guest: { kind: 'c', name: 'bench-create-delete' }, target: 1.5,
    dataset: null,
    args: (root, s) => [`${root}/cd`, String(createCount(s))],
    size: (s) => `${createCount(s)} files of 4 KiB in 100 nested dirs: create, rename, delete`,
    ops: (s) => ({ n: createCount(s), unit: 'file' }),
  },
  {
    id: 'seq-io', result: 'seq-io', title: 'seq-io', guest: { kind: 'c', name: 'bench-seq-io' }, target: 1.05,
    dataset: null,
    args: (root, s) => [`${root}/seq.bin`, String(seqMiB(s))],
    size: (s) => `write + read back ${seqMiB(s)} MiB in 1 MiB chunks${s.quick ? ' (quick size; full: 256 MiB)' : ''}`,
    ops: (s) => ({ n: seqMiB(s), unit: 'MiB' }),
  },
  {
    id: 'big-dir', result: 'big-dir', title: 'big-dir', guest: { kind: 'c', name: 'bench-big-dir' }, target: 1.3,
    dataset: (s) => bigDir(s.dataRoot, s.seed, bigParams(s)),
    args: (root) => [`${root}/big`],
    size: (s) => `readdir of one directory of ${bigParams(s).entries} entries`,
    ops: (s) => ({ n: bigParams(s).entries, unit: 'entry' }),
  },
  {
    id: 'sqlite', result: 'sqlite', title: 'sqlite', guest: { kind: 'sqlite' }, target: 1.2,
    dataset: null,
    args: (root, s) => [root, String(sqliteRows(s)), 'OFF'],
    size: (s) => `SQLite 3 amalgamation: ${sqliteRows(s)} rows x 2 tables in 1,000-row transactions, 2 indexes, 4,000 range queries, 200 updates; journal_mode=DELETE, synchronous=OFF`,
    ops: (s) => ({ n: sqliteRows(s), unit: 'row' }),
  },
];
