/* main.ts — the benchmark harness of issue 6: `runBench(argv)` (wired to `wasi-directfs bench`).
 *
 * For each selected workload: generate (or reuse) its input data set, then run a warm-up round and
 * N measured rounds, each round running every selected runtime once in a fresh child process, in
 * the same order (A B C ... A B C ...). The figure is the guest's own measurement; every sample
 * is kept. A runtime that cannot run a workload (or fails) keeps its reason and is not retried
 * for that workload. Outputs: the terminal tables (stdout), a progress bar (stderr), and
 * bench-results/bench-<date>.{json,html} (+ latest.{json,html}).
 * Owns: option parsing of `bench`, the schedule, checksum agreement, the target verdicts.
 * Must not: change the data sets during a workload's rounds (scratch directories excepted).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, version as osVersion } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNative, buildSqlite, sqliteBuilt } from './build.js';
import { scratchDir } from './generate.js';
import { median, textReport, writeHtml, writeJson, type BenchResult, type Cell, type Sample, type SyscallCell, type TargetCheck } from './report.js';
import { GUEST_ROOT, nodeFlags, runOnce, type RunInput } from './run.js';
import { RUNTIMES, type Runtime } from './runtimes.js';
import { netFsCalls, parseStraceSummary, straceAvailable, straceWrap } from './syscalls.js';
import { EMPTY_GUEST, WORKLOADS, type Sizes, type Workload } from './workloads.js';

const USAGE = `wasi-directfs bench — the workloads of issue 6, side by side on native and every WASI runtime

Usage: wasi-directfs bench [OPTIONS]
  --quick             About a minute, indicative only: smaller inputs, no warm-up, 2 runs (1 for a
                      runtime whose first run takes over 1.5 s), runtimes native, directfs (exclusive,
                      shared), lisafs-worker and node:wasi unless --runtimes is given.
  --only W1,W2        Workloads (default all): ${WORKLOADS.map((w) => w.id).join(', ')}
  --runtimes R1,R2    Runtimes (default all; native is always added as the reference):
                      ${RUNTIMES.map((r) => r.id).join(', ')}
  --runs N            Measured runs per cell (default 5; --quick 2), after the warm-up run(s).
  --warmup N          Warm-up runs per cell (default 1; --quick 0).
  --seed N            Seed of the generated inputs (default 6).
  --data-dir DIR      Where input trees and scratch directories live (default /dev/shm/wasi-directfs-bench
                      when /dev/shm is a tmpfs, else $TMPDIR/wasi-directfs-bench): a tmpfs measures the
                      filesystem layers, not the disk (whose latency is the same for every runtime).
  --out DIR           Where the JSON and HTML go (default bench-results/ in the repository).
  --no-html           Skip the HTML report.
  --clean             Remove the data directory afterwards (default: keep it, so the next run
                      reuses the generated inputs; about 200 MB after a full run).
  --timeout S         Per-run timeout in seconds (default 60; --quick 20): a run beyond it shows as
                      "timed out" (some peers are quadratic on big-dir).
  --syscalls          After each workload's timed runs, one more run of each runtime under strace
                      (never a sample): host filesystem syscalls per guest operation, net of the
                      runtime's run of an empty guest (needs strace: apt-get install strace).
  A runtime whose warm-up run takes over 10 s (--quick: 1.5 s) is measured once more, not N times.
  -h, --help          This text.
`;

interface Opts {
  quick: boolean; only: string[] | null; runtimes: string[] | null; runs: number | null; warmup: number; seed: number;
  dataDir: string | null; out: string | null; html: boolean; timeoutS: number | null; clean: boolean; syscalls: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): Opts | 'help' {
  const o: Opts = { quick: false, only: null, runtimes: null, runs: null, warmup: -1, seed: 6, dataDir: null, out: null, html: true, timeoutS: null, clean: false, syscalls: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const val = (): string => {
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const v = val();
      if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} needs an integer >= ${min}, got '${v}'`);
      return Number(v);
    };
    const list = (known: string[]): string[] => {
      const xs = val().split(',').map((x) => x.trim()).filter(Boolean);
      for (const x of xs) if (!known.includes(x)) throw new UsageError(`${flag}: unknown '${x}' (known: ${known.join(', ')})`);
      return xs;
    };
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--quick': o.quick = true; break;
      case '--only': o.only = list(WORKLOADS.map((w) => w.id)); break;
      case '--runtimes': o.runtimes = list(RUNTIMES.map((r) => r.id)); break;
      case '--runs': o.runs = int(1); break;
      case '--warmup': o.warmup = int(0); break;
      case '--seed': o.seed = int(0); break;
      case '--data-dir': o.dataDir = resolve(val()); break;
      case '--out': o.out = resolve(val()); break;
      case '--no-html': o.html = false; break;
      case '--clean': o.clean = true; break;
      case '--timeout': o.timeoutS = int(1); break;
      case '--syscalls': o.syscalls = true; break;
      default: throw new UsageError(`unknown option '${a}'`);
    }
  }
  return o;
}

/** The repository root: nearest ancestor of this module (source or bundle) holding bench/runners; else the cwd. */
export function repoRoot(): string {
  const ok = (d: string): boolean => existsSync(join(d, 'package.json')) && existsSync(join(d, 'bench', 'runners'));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (ok(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (ok(process.cwd())) return process.cwd();
  throw new Error('cannot find the repository (a directory with package.json and bench/runners) above the harness or the cwd');
}

function git(root: string): BenchResult['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const st = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: st.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

function err(text: string): void {
  try { writeSync(2, text); } catch { /* stderr closed */ }
}

/** Progress bar on stderr: redrawn in place on a terminal, one line per workload round otherwise. */
class Progress {
  done = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly t0 = Date.now();
  private lastLine = '';
  constructor(private readonly total: number) {}
  step(what: string): void {
    const width = 30;
    const frac = this.total ? this.done / this.total : 1;
    const fill = Math.round(frac * width);
    const el = (Date.now() - this.t0) / 1000;
    const eta = this.done > 0 ? Math.round((el / this.done) * (this.total - this.done)) : null;
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.round(frac * 100)).padStart(3)}% ${this.done}/${this.total} ` +
      `${el.toFixed(0)}s${eta !== null ? ` eta ${eta}s` : ''}  ${what}`;
    if (this.tty) err(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd(Math.min(this.lastLine.length, (process.stderr.columns ?? 120) - 1))}`);
    this.lastLine = line;
  }
  tick(what: string): void {
    this.done++;
    this.step(what);
  }
  say(line: string): void {
    if (this.tty) err(`\r${' '.repeat(Math.min(this.lastLine.length, (process.stderr.columns ?? 120) - 1))}\r`);
    err(`bench: ${line}\n`);
    if (this.tty && this.lastLine) err(this.lastLine.slice(0, (process.stderr.columns ?? 120) - 1));
  }
  end(): void {
    if (this.tty) err(`\r${' '.repeat(Math.min(this.lastLine.length, (process.stderr.columns ?? 120) - 1))}\r`);
  }
}

interface Plan { workload: Workload; binaries: Map<string, string>; hostDir: string | null; datasetSummary: string | null; skip: string | null }

export async function runBench(argv: string[]): Promise<number> {
  let opts: Opts | 'help';
  try {
    opts = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) { err(`wasi-directfs bench: ${e.message}\n${USAGE}`); return 2; }
    throw e;
  }
  if (opts === 'help') { process.stdout.write(USAGE); return 0; }
  if (opts.warmup < 0) opts.warmup = opts.quick ? 0 : 1;
  const started = Date.now();
  const loadAtStart = loadavg();
  const root = repoRoot();
  const dataRoot = opts.dataDir ?? defaultDataRoot();
  mkdirSync(dataRoot, { recursive: true });
  const dataFs = fsType(dataRoot);
  // wasi-directfs runs from a snapshot of dist/ taken now, so a rebuild during the run (other
  // work in the same tree) cannot mix two builds in one table.
  const distSnap = join(root, 'build', 'bench', `dist-${process.pid}`);
  if (existsSync(join(root, 'dist', 'index.js'))) {
    rmSync(distSnap, { recursive: true, force: true });
    cpSync(join(root, 'dist'), distSnap, { recursive: true });
  }
  try {
    return await benchIn(argv, opts, root, started, loadAtStart, dataRoot, dataFs, distSnap);
  } finally {
    rmSync(distSnap, { recursive: true, force: true });
    if (opts.clean) cleanDataRoot(dataRoot);
  }
}

/** Removes what the harness put in `dir` (data sets, their stamps, scratch directories), and
 * `dir` itself when that leaves it empty; anything else in it is left alone. */
function cleanDataRoot(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (/^((gen|read|big)-\d+|real)(\.stamp)?$|^scratch-/.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

const TMPFS_MAGIC = 0x01021994;
/** --quick's runtimes (unless --runtimes): ours and node:wasi, to stay within a minute. */
const QUICK_RUNTIMES = ['native', 'directfs', 'directfs-shared', 'lisafs-worker', 'node-wasi'];
/** Issue 6: lisafs over worker within this factor of directfs on every workload. */
const LISAFS_TARGET = 3;
/** Guest time of a warm-up run above which a runtime is measured once (--quick / full). */
const SLOW_NS = { quick: 1.5e9, full: 10e9 };
const FS_NAMES: Record<number, string> = { [TMPFS_MAGIC]: 'tmpfs', 0xef53: 'ext2/3/4', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' };

function fsType(dir: string): string {
  try {
    const t = statfsSync(dir).type;
    return FS_NAMES[t] ?? `0x${t.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

function defaultDataRoot(): string {
  try {
    const st = statfsSync('/dev/shm');
    if (st.type === TMPFS_MAGIC && st.bavail * st.bsize > 2 ** 31) return '/dev/shm/wasi-directfs-bench';
  } catch { /* no /dev/shm */ }
  return join(tmpdir(), 'wasi-directfs-bench');
}

async function benchIn(argv: string[], opts: Opts, root: string, started: number, loadAtStart: number[], dataRoot: string, dataFs: string, distSnap: string): Promise<number> {
  const runs = opts.runs ?? (opts.quick ? 2 : 5);
  const timeoutMs = (opts.timeoutS ?? (opts.quick ? 20 : 60)) * 1000;
  const outDir = opts.out ?? join(root, 'bench-results');
  const sizes: Sizes = { quick: opts.quick, seed: opts.seed, dataRoot, repoRoot: root };
  const flags = nodeFlags(distSnap);
  const workloads = opts.only ? WORKLOADS.filter((w) => opts.only!.includes(w.id)) : WORKLOADS;
  const wantRt = opts.runtimes ? new Set(['native', ...opts.runtimes])
    : opts.quick ? new Set(QUICK_RUNTIMES) : null;
  const runtimes = RUNTIMES.filter((r) => !wantRt || wantRt.has(r.id));
  const unavailable = new Map<string, string>();
  for (const r of runtimes) {
    const why = r.unavailable(root);
    if (why) unavailable.set(r.id, why);
  }
  const active = runtimes.filter((r) => !unavailable.has(r.id));
  const notes: string[] = [];
  if (opts.quick && !opts.runtimes) notes.push(`QUICK mode runs ${QUICK_RUNTIMES.join(', ')} only (the other peers and the in-memory references are in the full run, or select them with --runtimes).`);
  if (opts.quick) notes.push(`QUICK mode: smaller inputs (seq-io 32 MiB instead of 256 MiB, 4,000-file tree, 1,000 files, 5,000-entry dir, 10,000 SQLite rows), ${runs} runs, ${opts.warmup} warm-up: indicative only; \`wasi-directfs bench\` is the full run.`);

  // Plan: binaries and data sets (outside every timed region).
  const prog = new Progress(workloads.length * (runs + opts.warmup) * active.length);
  const plans: Plan[] = [];
  for (const w of workloads) {
    const binaries = new Map<string, string>();
    let skip: string | null = null;
    try {
      if (w.guest.kind === 'sqlite') {
        if (opts.quick && !sqliteBuilt(root)) {
          skip = 'skipped in --quick: the SQLite builds are not cached yet (a full run, or `bench --only sqlite`, compiles the 9 MB amalgamation once: minutes)';
        } else {
          const b = await buildSqlite(root, (l) => prog.say(l));
          binaries.set('native', b.native);
          binaries.set('wasm', b.wasm);
        }
      } else {
        const nativeName = w.guest.kind === 'asm' ? w.guest.nativeName : w.guest.name;
        binaries.set('native', buildNative(root, nativeName));
        const wasm = w.guest.kind === 'asm' ? join(root, 'build', 'asm', `${w.guest.name}.wasm`) : join(root, 'build', 'guests', `${w.guest.name}.wasm`);
        if (!existsSync(wasm)) skip = `the guest ${wasm} is not built (run ./build.sh)`;
        binaries.set('wasm', wasm);
      }
    } catch (e) {
      skip = `build failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`;
    }
    let hostDir: string | null = null;
    let datasetSummary: string | null = null;
    if (!skip && w.dataset) {
      prog.say(`preparing the input of ${w.id} in ${dataRoot}`);
      const d = w.dataset(sizes);
      hostDir = d.dir;
      datasetSummary = d.summary;
    }
    plans.push({ workload: w, binaries, hostDir, datasetSummary, skip });
  }

  // --syscalls: strace'd runs (syscalls.ts), each runtime's empty-guest run counted once.
  let syscalls: SyscallCell[] | undefined;
  if (opts.syscalls) {
    if (straceAvailable()) syscalls = [];
    else notes.push('--syscalls: strace is not installed (apt-get install strace): no syscall counts');
  }
  const baselines = new Map<string, Record<string, number> | string>(); // runtime -> calls, or why none
  /** The run of workload `p` on runtime `r` over `hostDir` (a timed sample, or a traced run). */
  const workloadRun = (p: Plan, r: Runtime, hostDir: string): RunInput => ({
    repoRoot: root, distDir: distSnap, nodeFlags: flags, runtime: r, binary: r.kind === 'native' ? p.binaries.get('native')! : p.binaries.get('wasm')!,
    args: p.workload.args(r.kind === 'native' ? hostDir : GUEST_ROOT, sizes), hostDir,
    argv0: p.workload.guest.kind === 'sqlite' ? 'bench-sqlite' : p.workload.guest.name, expectResult: p.workload.result, timeoutMs,
  });
  let traces = 0;
  /** One run under strace: its calls per name, or why there are none. */
  const traced = (inp: RunInput): Record<string, number> | string => {
    const file = join(tmpdir(), `wdfs-bench-strace-${process.pid}-${traces++}.txt`);
    try {
      const out = runOnce({ ...inp, wrap: straceWrap(file), timeoutMs: inp.timeoutMs * 10 }); // strace slows every call
      if (!out.ok) return out.reason;
      return parseStraceSummary(readFileSync(file, 'utf8'));
    } catch (e) {
      return (e as Error).message;
    } finally {
      rmSync(file, { force: true });
    }
  };

  const samples: Sample[] = [];
  const failed = new Map<string, string>(); // `${workload}\0${runtime}` -> reason
  const key = (w: string, r: string): string => `${w}\0${r}`;
  const slow = new Set<string>();
  const slowNs = opts.quick ? SLOW_NS.quick : SLOW_NS.full;
  for (const p of plans) {
    const w = p.workload;
    if (p.skip) {
      for (const r of active) failed.set(key(w.id, r.id), p.skip);
      prog.done += (runs + opts.warmup) * active.length;
      continue;
    }
    prog.say(`${w.id}: ${opts.warmup} warm-up + ${runs} runs x ${active.length} runtimes`);
    for (let round = 0; round < runs + opts.warmup; round++) {
      const warm = round < opts.warmup;
      for (const r of active) {
        const label = `${w.id} ${warm ? 'warm-up' : `run ${round - opts.warmup + 1}/${runs}`} · ${r.id}`;
        prog.step(label);
        if (failed.has(key(w.id, r.id))) { prog.tick(label); continue; }
        if (round > opts.warmup && slow.has(key(w.id, r.id))) { prog.tick(label); continue; }
        const hostDir = p.hostDir ?? scratchDir(dataRoot, w.id);
        const out = runOnce(workloadRun(p, r, hostDir));
        if (out.ok) {
          samples.push({ workload: w.id, runtime: r.id, round, warmup: warm, ns: out.ns, checksum: out.checksum, wallMs: Math.round(out.wallMs) });
          // A runtime whose warm-up took over slowNs is measured once (keeps --quick to its minute
          // and a full run to minutes where a peer is orders of magnitude slower).
          if (round === 0 && out.ns > slowNs && r.kind !== 'native' && !slow.has(key(w.id, r.id))) {
            slow.add(key(w.id, r.id));
            notes.push(`${r.id} on ${w.id} was measured once${warm ? ' after its warm-up' : ''}: its first run took ${(out.ns / 1e9).toFixed(1)} s (> ${slowNs / 1e9} s)`);
          }
        }
        else failed.set(key(w.id, r.id), out.reason);
        prog.tick(label);
      }
    }
    if (syscalls) {
      prog.say(`${w.id}: one more run per runtime under strace (--syscalls)`);
      for (const r of active) {
        const cell: SyscallCell = { workload: w.id, runtime: r.id, ops: w.ops ? w.ops(sizes) : null, calls: null, baseline: null, net: null };
        syscalls.push(cell);
        const fail = failed.get(key(w.id, r.id));
        if (fail) { cell.error = `no successful run (${fail})`; continue; }
        if (r.inMemory) { cell.error = 'an in-memory runtime: its host calls are those of its preload'; continue; }
        let base = baselines.get(r.id);
        if (base === undefined) {
          base = traced({ ...workloadRun(p, r, dataRoot), binary: r.kind === 'native' ? buildNative(root, EMPTY_GUEST.name) : join(root, 'build', 'guests', `${EMPTY_GUEST.name}.wasm`),
            args: [], argv0: EMPTY_GUEST.name, expectResult: EMPTY_GUEST.result });
          baselines.set(r.id, base);
        }
        if (typeof base === 'string') { cell.error = `the empty guest's run: ${base}`; continue; }
        const calls = traced(workloadRun(p, r, p.hostDir ?? scratchDir(dataRoot, w.id)));
        if (typeof calls === 'string') { cell.error = calls; continue; }
        cell.calls = calls;
        cell.baseline = base;
        cell.net = netFsCalls(calls, base);
      }
    }
    if (!p.hostDir) scratchDir(dataRoot, w.id);
  }
  prog.end();

  // Cells, checksums, targets.
  const cells: Cell[] = [];
  const checksums: Record<string, Record<string, string[]>> = {};
  let ourChecksumBad = false;
  for (const p of plans) {
    const w = p.workload;
    const sums: Record<string, string[]> = {};
    for (const s of samples) if (s.workload === w.id) (sums[s.runtime] ??= []).includes(s.checksum) || sums[s.runtime]!.push(s.checksum);
    checksums[w.id] = sums;
    const ref = sums.native?.length === 1 ? sums.native[0]! : null;
    const nativeNs = samples.filter((s) => s.workload === w.id && s.runtime === 'native' && !s.warmup).map((s) => s.ns);
    const nativeMed = nativeNs.length ? median(nativeNs) : null;
    for (const r of runtimes) {
      const un = unavailable.get(r.id);
      if (un) { cells.push({ workload: w.id, runtime: r.id, status: 'unavailable', reason: un }); continue; }
      const f = failed.get(key(w.id, r.id));
      const ns = samples.filter((s) => s.workload === w.id && s.runtime === r.id && !s.warmup).map((s) => s.ns);
      if (f || ns.length === 0) { cells.push({ workload: w.id, runtime: r.id, status: 'failed', reason: f ?? 'no measured run' }); continue; }
      const med = median(ns);
      const mine = sums[r.id] ?? [];
      let status: Cell['status'] = 'ok';
      let reason: string | undefined;
      if (mine.length !== 1) { status = 'checksum'; reason = `checksum varies between runs: ${mine.join(', ')}`; }
      else if (ref !== null && mine[0] !== ref) { status = 'checksum'; reason = `checksum differs from native: ${mine[0]} vs ${ref}`; }
      else if (ref === null && r.id !== 'native') { status = 'checksum'; reason = 'no native checksum to compare with'; }
      if (status === 'checksum' && (r.id === 'directfs' || r.id === 'directfs-shared')) ourChecksumBad = true;
      cells.push({
        workload: w.id, runtime: r.id, status, reason, n: ns.length, medianNs: med, minNs: Math.min(...ns), maxNs: Math.max(...ns),
        ratio: nativeMed ? med / nativeMed : null,
      });
    }
  }
  const targets: TargetCheck[] = [];
  const okCell = (w: string, r: string): Cell | undefined => cells.find((x) => x.workload === w && x.runtime === r && x.status === 'ok');
  for (const w of workloads) {
    if (w.target === null) continue;
    for (const r of runtimes.filter((x) => x.target)) {
      const ratio = okCell(w.id, r.id)?.ratio ?? null;
      targets.push({ workload: w.id, runtime: r.id, against: 'native', target: w.target, ratio, met: ratio === null ? null : ratio <= w.target });
    }
  }
  // lisafs over worker <= 3x directfs on every workload (when both ran).
  if (runtimes.some((r) => r.id === 'lisafs-worker') && runtimes.some((r) => r.id === 'directfs') && !unavailable.has('lisafs-worker')) {
    for (const w of workloads) {
      const a = okCell(w.id, 'lisafs-worker');
      const b = okCell(w.id, 'directfs');
      const ratio = a && b ? a.medianNs! / b.medianNs! : null;
      targets.push({ workload: w.id, runtime: 'lisafs-worker', against: 'directfs', target: LISAFS_TARGET, ratio, met: ratio === null ? null : ratio <= LISAFS_TARGET });
    }
  }
  const cpuList = cpus();
  const res: BenchResult = {
    tool: 'wasi-directfs bench',
    date: new Date().toISOString(),
    quick: opts.quick,
    seed: opts.seed,
    runs,
    warmup: opts.warmup,
    argv,
    durationMs: Date.now() - started,
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown', cores: cpuList.length, kernel: release(), os: osVersion(), node: process.version,
      memoryGiB: Math.round(totalmem() / 2 ** 30), loadAvgStart: loadAtStart, loadAvgEnd: loadavg(),
    },
    nodeFlags: flags,
    git: git(root),
    dataRoot,
    dataFs,
    workloads: plans.map((p) => ({ id: p.workload.id, title: p.workload.title, size: p.workload.size(sizes), dataset: p.datasetSummary, target: p.workload.target })),
    runtimes: runtimes.map((r) => ({ id: r.id, label: r.label, inMemory: Boolean(r.inMemory), unavailable: unavailable.get(r.id) ?? null })),
    samples,
    cells,
    checksums,
    targets,
    notes,
    ...(syscalls ? { syscalls } : {}),
  };
  const shortNames = Object.fromEntries(runtimes.map((r) => [r.id, r.short]));
  process.stdout.write(textReport(res, shortNames) + '\n');
  const stem = `bench-${res.date.replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}`;
  const jsonPath = writeJson(outDir, stem, res);
  let htmlPath: string | null = null;
  if (opts.html) {
    try {
      htmlPath = await writeHtml(outDir, stem, res);
    } catch (e) {
      err(`bench: the HTML report failed: ${(e as Error).stack ?? e}\n`);
      return 1;
    }
  }
  process.stdout.write(`\nwrote ${jsonPath}${htmlPath ? ` and ${htmlPath}` : ''}\n`);
  if (ourChecksumBad) {
    err('bench: wasi-directfs produced a checksum different from native (see the notes): its results are not the same work\n');
    return 1;
  }
  return 0;
}
