// test/security/harness.ts — runs one guest of the security battery with the four oracles of
// reference/security-battery.md §0, in one backend mode, and reports what each oracle saw.
//
// Owns: the *driver* (this bundle re-executed as `node FILE --sec-driver SPEC.json`: it builds a
// WASI object in the requested mode, wraps every wasi_snapshot_preview1 import so that after
// path_open / fd_readdir and every 16th other call every host FD of the process is checked
// (oracle O2: readlink(/proc/self/fd/N) inside a preopened tree, or not a path at all — sockets,
// pipes and anon inodes of the gofer channel), marks the audited window for strace with statx of
// two magic absolute paths, closes, and checks that the FD table and RSS return to baseline (O4));
// the *parent* side `runCase` (fixture F, a host-side prepare step, an optional host "flipper"
// process for the races, the canary and outside-snapshot oracle O1, the strace run and its audit
// O3, the per-case timeout); and `auditStrace`, the O3 rule checker.
// Must not: aim any mutating probe at a path outside the fixture (guests use /proc/wdfs-probe for
// absolute probes); run a guest under a runtime that follows symlinks out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from '../../ts/wasi/index.js';
import { buildFixtures, cleanup, snapshotOutside, snapshotTree, type Fixtures, type FixtureName } from '../fixtures.js';

export type Mode = 'directfs' | 'lisafs-worker' | 'lisafs-process';
export const MODES: readonly Mode[] = ['directfs', 'lisafs-worker', 'lisafs-process'];
export const STRACE = existsSync('/usr/bin/strace') ? '/usr/bin/strace' : null;
export const MARK_BEGIN = '/wdfs-sec-audit-begin';
export const MARK_END = '/wdfs-sec-audit-end';

/** The repository root: the nearest ancestor of this file (source or bundle) holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
export const ROOT = repoRoot();

// ---- driver (child process) ------------------------------------------------------------------

interface DriverSpec {
  wasm: string;
  args: string[];
  dirs: Array<{ host: string; guest: string; readonly?: boolean }>;
  mode: Mode;
  interop: 'exclusive' | 'shared';
  limits: { maxFds?: number; maxDentries?: number; hostFdBudget?: number };
  result: string;
  /** O2 after every Nth call only (0: after every path_open/fd_readdir/fd_renumber and every 16th call). */
  o2Every: number;
}

export interface DriverResult {
  code: number;
  trap: string | null;
  calls: number;
  checks: number;
  o2: string[];
  leaked: string[];
  rssGrowthMiB: number;
  /** The most host FDs the process held at any O2 check (the dentry cache's budget bounds it). */
  maxFdsSeen: number;
}

export function isDriver(): boolean {
  return process.argv[2] === '--sec-driver';
}

function fdTable(): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of readdirSync('/proc/self/fd')) {
    try {
      m.set(n, readlinkSync(`/proc/self/fd/${n}`));
    } catch {
      // the directory FD of readdirSync itself, closed by now
    }
  }
  return m;
}

function inside(t: string, roots: readonly string[]): boolean {
  const p = t.endsWith(' (deleted)') ? t.slice(0, -' (deleted)'.length) : t;
  return roots.some((r) => p === r || p.startsWith(`${r}/`));
}

/** Runs the guest in this process (the driver). Exits with the guest's code. */
export async function driverMain(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as DriverSpec;
  const roots = spec.dirs.map((d) => realpathSync(d.host));
  const scanSelf = `/proc/${process.pid}/fd`;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = fdTable();
  const rss0 = process.memoryUsage().rss;
  const o2: string[] = [];
  let calls = 0, checks = 0, maxFdsSeen = 0;
  const checkO2 = (where: string): void => {
    checks++;
    const table = fdTable();
    maxFdsSeen = Math.max(maxFdsSeen, table.size);
    for (const [n, t] of table) {
      if (baseline.get(n) === t || !t.startsWith('/') || t === scanSelf || inside(t, roots)) continue;
      if (t === '/proc/sys/vm/overcommit_memory') continue; // glibc malloc in another thread (see auditStrace)
      if (o2.length < 20) o2.push(`after ${where}: host fd ${n} -> ${t}`);
    }
  };
  const lisafs = spec.mode !== 'directfs';
  const wasi = new WASI({
    version: 'preview1', args: spec.args, env: {}, returnOnExit: true,
    preopens: Object.fromEntries(spec.dirs.map((d) => [d.guest, d.host])),
    readonlyPreopens: spec.dirs.filter((d) => d.readonly).map((d) => d.guest),
    mode: lisafs ? 'lisafs' : 'directfs', ...(lisafs ? { gofer: spec.mode === 'lisafs-worker' ? 'worker' as const : 'process' as const } : {}),
    interop: spec.interop, limits: spec.limits,
  });
  checkO2('mount');
  const wrapped: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(wasi.wasiImport as unknown as Record<string, (...a: unknown[]) => unknown>)) {
    const always = spec.o2Every === 0 && (name === 'path_open' || name === 'fd_readdir' || name === 'fd_renumber');
    const every = spec.o2Every || 16;
    wrapped[name] = (...a: unknown[]): unknown => {
      calls++;
      try {
        return f(...a);
      } finally {
        if (always || calls % every === 0) checkO2(name);
      }
    };
  }
  const module = new WebAssembly.Module(readFileSync(spec.wasm) as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wrapped } as unknown as WebAssembly.Imports);
  let code = 0;
  let trap: string | null = null;
  try { statSync(MARK_BEGIN); } catch { /* the marker for the strace audit: it never exists */ }
  try {
    code = wasi.start(instance);
  } catch (e) {
    trap = e instanceof Error ? e.message : String(e);
    code = 134;
  }
  try { statSync(MARK_END); } catch { /* end of the audited window */ }
  checkO2('exit');
  wasi.close();
  // O4: every host FD opened since the baseline is closed again (the worker gofer ends asynchronously)
  let leaked: string[] = [];
  for (let i = 0; i < 60; i++) {
    leaked = [...fdTable()].filter(([n, t]) => baseline.get(n) !== t && t !== scanSelf).map(([n, t]) => `${n} -> ${t}`);
    if (leaked.length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  gc?.();
  const result: DriverResult = {
    code, trap, calls, checks, o2, leaked, maxFdsSeen, rssGrowthMiB: Math.round((process.memoryUsage().rss - rss0) / 1048576),
  };
  writeFileSync(spec.result, JSON.stringify(result));
  process.exit(code);
}

// ---- parent ----------------------------------------------------------------------------------

export interface CaseSpec {
  /** build/guests/NAME.wasm */
  guest: string;
  args?: string[];
  dirs?: Array<{ fixture: FixtureName; guest: string; readonly?: boolean }>;
  /** Host-side setup after the fixtures are built, before the O1 snapshot. */
  prepare?: (fx: Fixtures) => void;
  /** Host-side teardown (always runs, before cleanup). */
  teardown?: (fx: Fixtures) => void;
  /** JavaScript source of a host process that flips entries while the guest runs (gets T as argv[1]). */
  flipper?: string;
  interop?: 'exclusive' | 'shared';
  limits?: DriverSpec['limits'];
  /** Trace with strace and audit (O3). Default true when strace exists. */
  audit?: boolean;
  /** Milliseconds (default 60 s). */
  timeout?: number;
  /** O2 sampling for churn-heavy guests (see DriverSpec.o2Every). */
  o2Every?: number;
}

export interface CaseRun {
  mode: Mode;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  driver: DriverResult | null;
  o1: string[];
  o3: string[];
  /** The O3 audit (null when not traced). */
  audit: Audit | null;
  elapsedMs: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs one case in one mode; every oracle's findings are in the result (empty lists = clean). */
export async function runCase(c: CaseSpec, mode: Mode): Promise<CaseRun> {
  const fx = buildFixtures();
  const work = mkdtempSync(join(tmpdir(), 'wdfs-sec-run-'));
  try {
    c.prepare?.(fx);
    const before = snapshotOutside(fx.root);
    const dirs = c.dirs ?? [{ fixture: 'F' as FixtureName, guest: '/sandbox' }];
    const roBefore = dirs.filter((d) => d.readonly).map((d) => snapshotTree(fx.dirs[d.fixture]));
    const spec: DriverSpec = {
      wasm: join(ROOT, 'build', 'guests', `${c.guest}.wasm`),
      args: [`${c.guest}.wasm`, ...(c.args ?? [])],
      dirs: dirs.map((d) => ({ host: fx.dirs[d.fixture], guest: d.guest, ...(d.readonly ? { readonly: true } : {}) })),
      mode, interop: c.interop ?? 'exclusive', limits: c.limits ?? {}, result: join(work, 'result.json'), o2Every: c.o2Every ?? 0,
    };
    writeFileSync(join(work, 'spec.json'), JSON.stringify(spec));
    const trace = join(work, 'strace.out');
    const audit = (c.audit ?? true) && STRACE !== null;
    const node = [process.execPath, '--expose-gc', SELF, '--sec-driver', join(work, 'spec.json')];
    const argv = audit ? [STRACE!, '-f', '-qq', '-y', '-s', '300', '-e', 'trace=%file,%desc,fsync,fdatasync', '-o', trace, ...node] : node;
    const flip = c.flipper ? spawn(process.execPath, ['-e', c.flipper, fx.root], { stdio: 'ignore' }) : null;
    const t0 = Date.now();
    const r = await new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, WASI_DIRECTFS_CORE: join(ROOT, 'dist', 'core.wasm') };
      delete env['WASI_DIRECTFS_MODE'];
      delete env['WASI_DIRECTFS_GOFER'];
      const child = spawn(argv[0]!, argv.slice(1), { cwd: fx.root, stdio: ['ignore', 'pipe', 'pipe'], env });
      let stdout = '', stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), c.timeout ?? 60_000);
      child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
    });
    const elapsedMs = Date.now() - t0;
    if (flip) {
      flip.kill('SIGKILL');
      await new Promise((res) => (flip.exitCode !== null || flip.signalCode !== null ? res(null) : flip.on('exit', res)));
    }
    c.teardown?.(fx);
    const o1: string[] = [];
    if (r.stdout.includes('CANARY-') || r.stderr.includes('CANARY-')) o1.push('canary text reached the guest');
    const after = snapshotOutside(fx.root);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      o1.push(`T/outside changed: ${after.filter((l) => !before.includes(l)).concat(before.filter((l) => !after.includes(l))).join('; ')}`);
    }
    dirs.filter((d) => d.readonly).forEach((d, i) => {
      if (JSON.stringify(snapshotTree(fx.dirs[d.fixture])) !== JSON.stringify(roBefore[i])) o1.push(`read-only preopen ${d.guest} changed`);
    });
    let driver: DriverResult | null = null;
    try {
      driver = JSON.parse(readFileSync(spec.result, 'utf8')) as DriverResult;
    } catch {
      driver = null;
    }
    const audited = audit && existsSync(trace) ? auditStrace(readFileSync(trace, 'latin1')) : null;
    const o3 = audit && !audited ? ['no strace output'] : audited?.violations ?? [];
    return { mode, ...r, driver, o1, o3, audit: audited, elapsedMs };
  } finally {
    try { c.teardown?.(fx); } catch { /* done already */ }
    rmSync(work, { recursive: true, force: true });
    try {
      cleanup(fx.root);
    } catch {
      spawnSync('rm', ['-rf', fx.root]); // a tree too deep for Node's recursive rmSync (RX-02)
    }
  }
}

/** Every oracle's complaint about one run, as lines (empty = the run is clean). */
export function oracleFindings(r: CaseRun, opts: { rssLimitMiB?: number } = {}): string[] {
  const out: string[] = [];
  out.push(...r.o1.map((s) => `O1 ${s}`));
  if (!r.driver) out.push(`O4 the driver wrote no result (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(0, 400)}`);
  else {
    out.push(...r.driver.o2.map((s) => `O2 ${s}`));
    if (r.driver.trap) out.push(`O4 trap: ${r.driver.trap}`);
    out.push(...r.driver.leaked.map((s) => `O4 host FD not released: ${s}`));
    if (r.driver.rssGrowthMiB > (opts.rssLimitMiB ?? 256)) out.push(`O4 RSS grew by ${r.driver.rssGrowthMiB} MiB`);
  }
  if (r.signal) out.push(`O4 killed by ${r.signal} after ${r.elapsedMs} ms`);
  if (/internal error|RangeError|TypeError|Uncaught/.test(r.stderr)) out.push(`O4 host exception: ${r.stderr.slice(0, 400)}`);
  out.push(...r.o3.map((s) => `O3 ${s}`));
  return out;
}

// ---- O3: the strace audit --------------------------------------------------------------------

/** Splits strace's argument text at top-level commas (quotes, brackets and braces respected). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, q = false, cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (q) {
      cur += ch;
      if (ch === '\\') { cur += s[++i] ?? ''; continue; }
      if (ch === '"') q = false;
      continue;
    }
    if (ch === '"') { q = true; cur += ch; continue; }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) break; // the closing parenthesis of the call
      depth--;
    }
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** A quoted strace string as its (escaped) text, or null when the argument is not a string. */
function str(a: string | undefined): string | null {
  if (a === undefined || !a.startsWith('"')) return null;
  return a.replace(/\.\.\.$/, '').slice(1, -1);
}

/** Syscalls that take a path relative to the cwd or absolute: never allowed after the marker. */
const PATH_CALLS = new Set(['open', 'creat', 'stat', 'lstat', 'access', 'readlink', 'mkdir', 'rmdir', 'unlink', 'rename', 'link',
  'symlink', 'chmod', 'chown', 'lchown', 'truncate', 'utime', 'utimes', 'getxattr', 'lgetxattr', 'setxattr', 'lsetxattr',
  'listxattr', 'llistxattr', 'removexattr', 'lremovexattr', 'statfs', 'execve', 'execveat', 'chdir', 'chroot', 'mount',
  'umount2', 'mknod', 'newstat', 'newlstat', 'uselib', 'swapon', 'pivot_root', 'fanotify_mark', 'inotify_add_watch',
  'quotactl', 'acct', 'open_tree', 'move_mount', 'fspick', 'mount_setattr']);
/** *at syscalls: index of (dirfd, name) pairs. */
const AT_CALLS: Readonly<Record<string, Array<[number, number]>>> = {
  openat: [[0, 1]], openat2: [[0, 1]], newfstatat: [[0, 1]], fstatat64: [[0, 1]], statx: [[0, 1]], mkdirat: [[0, 1]],
  mknodat: [[0, 1]], unlinkat: [[0, 1]], renameat: [[0, 1], [2, 3]], renameat2: [[0, 1], [2, 3]], readlinkat: [[0, 1]],
  fchmodat: [[0, 1]], fchmodat2: [[0, 1]], fchownat: [[0, 1]], utimensat: [[0, 1]], faccessat: [[0, 1]], faccessat2: [[0, 1]],
  linkat: [[0, 1], [2, 3]], symlinkat: [[1, 2]], name_to_handle_at: [[0, 1]], futimesat: [[0, 1]],
};

export interface Audit {
  /** Lines inside the audited window. */
  lines: number;
  /** Syscall name -> count inside the window. */
  counts: Record<string, number>;
  violations: string[];
  /** Whether both markers were seen. */
  marked: boolean;
}

/**
 * Audits an strace -f log between the begin and end markers (oracle O3): every openat has
 * O_NOFOLLOW and a real directory FD; no *at call uses AT_FDCWD; no name contains '/' or is '..'
 * (or '.', which the core never needs); path-based calls (open, stat, getxattr, ...) never happen;
 * linkat flags are 0; fchownat uses AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW; a named stat or utimensat
 * does not follow. Whitelist, each with its reason (nothing else):
 *  - the two marker statx calls themselves;
 *  - the O2 oracle's own scan in the driver (openat(AT_FDCWD, "/proc/self/fd", O_NONBLOCK|
 *    O_DIRECTORY) and readlink("/proc/self/fd/N")): the test harness, not the runtime;
 *  - glibc malloc's read of /proc/sys/vm/overcommit_memory (check_may_shrink_heap, when a thread
 *    arena of V8 or the worker gofer shrinks; fixed path, read-only, no guest input);
 *  - the gofer's /proc/self/fd reopen (as gVisor's fsgofer): openat(P, "N", flags),
 *    utimensat(P, "N", ...) and linkat(P, "N", dirfd, name, AT_SYMLINK_FOLLOW) where P is the
 *    gofer's directory FD on /proc/self/fd (strace -y shows it as /proc/PID/fd; opened at
 *    mount, before the window) and N an FD number the gofer holds: the magic link names that
 *    FD's inode, no path is resolved;
 *  - readlinkat(fd, "") on an O_PATH symlink FD (reads the link itself, no lookup);
 *  - access("/proc/self/task/TID", F_OK): the worker channel's gofer-liveness check (fixed path).
 */
export function auditStrace(log: string): Audit {
  const counts: Record<string, number> = {};
  const violations: string[] = [];
  let on = false, seenBegin = false, seenEnd = false, lines = 0;
  const pending = new Map<string, string>();
  for (const line of log.split('\n')) {
    // -f interleaves threads: "PID call(args <unfinished ...>" ... "PID <... call resumed>rest"
    const u = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(line);
    if (u) { pending.set(u[1]!, u[2]!); continue; }
    let raw = line;
    const rs = /^(\d+)\s+<\.\.\. [a-z0-9_]+ resumed>(.*)$/.exec(line);
    if (rs) {
      const head = pending.get(rs[1]!);
      if (head === undefined) continue;
      pending.delete(rs[1]!);
      raw = `${rs[1]} ${head}${rs[2]}`;
    }
    const m = /^(\d+)\s+([a-z0-9_]+)\((.*)$/.exec(raw);
    if (!m) continue;
    const [, , name, restDeco] = m as unknown as [string, string, string, string];
    // strace -y decorates FDs with their paths ("19</proc/77/fd>"): keep the plain call for the
    // rules and the decorated arguments for the dirfd's path
    const rest = restDeco.replace(/(AT_FDCWD|\b\d+)<[^>]*>(\(deleted\))?/g, '$1');
    const call = `${name}(${rest}`;
    const deco = splitArgs(restDeco);
    const fdPath = (i: number): string => /^(?:AT_FDCWD|\d+)<(.*)>(?:\(deleted\))?$/.exec(deco[i] ?? '')?.[1] ?? '';
    if (raw.includes(`"${MARK_BEGIN}"`)) { on = true; seenBegin = true; continue; }
    if (raw.includes(`"${MARK_END}"`)) { on = false; seenEnd = true; continue; }
    if (!on) continue;
    if (/^openat\(AT_FDCWD, "\/proc\/self\/fd", O_RDONLY\|O_NONBLOCK\|O_CLOEXEC\|O_DIRECTORY\)/.test(call)
      || /^readlink\("\/proc\/self\/fd\/\d+", /.test(call)) continue; // the O2 oracle's scan
    if (/^openat\(AT_FDCWD, "\/proc\/sys\/vm\/overcommit_memory", O_RDONLY\|O_CLOEXEC[,) <]/.test(call)) continue; // glibc malloc
    if (/^access\("\/proc\/self\/task\/\d+", F_OK\)/.test(call)) continue; // worker gofer liveness
    lines++;
    counts[name] = (counts[name] ?? 0) + 1;
    const bad = (why: string): void => { if (violations.length < 30) violations.push(`${why}: ${raw.slice(0, 300)}`); };
    if (PATH_CALLS.has(name)) { bad('path-based syscall'); continue; }
    const pairs = AT_CALLS[name];
    if (!pairs) continue;
    const args = splitArgs(rest);
    const flags = args[args.length - 1] ?? '';
    if (/^\/proc\/\d+\/fd$/.test(fdPath(0)) && /^\d+$/.test(args[0] ?? '') && /^"\d+"$/.test(args[1] ?? '')) {
      if (name === 'linkat') {
        const nm = str(args[3]);
        if (!/^\d+$/.test(args[2] ?? '') || nm === null || nm.includes('/') || nm === '..' || nm === '.' || nm === '') bad('linkat from /proc/self/fd to a bad name');
        if (flags !== 'AT_SYMLINK_FOLLOW' && flags !== '0') bad('linkat from /proc/self/fd with unexpected flags');
      }
      continue; // the gofer's /proc/self/fd reopen
    }
    if (name === 'readlinkat' && args[1] === '""' && /^\d+$/.test(args[0] ?? '')) continue; // the O_PATH link itself
    for (const [di, ni] of pairs) {
      const dirfd = args[di] ?? '';
      const nm = str(args[ni]);
      const emptyOk = nm === '' && /AT_EMPTY_PATH/.test(args.join(','));
      if (!/^\d+$/.test(dirfd)) bad(`${name} dirfd is not a real FD (${dirfd})`);
      if (args[ni] === 'NULL' && name === 'utimensat') continue;
      if (nm === null) { bad(`${name} name is not a string`); continue; }
      if (nm.includes('/')) bad(`${name} name contains '/'`);
      if (nm === '..' || nm === '.') bad(`${name} name is '${nm}'`);
      if (nm === '' && !emptyOk) bad(`${name} empty name without AT_EMPTY_PATH`);
    }
    if ((name === 'openat' || name === 'openat2') && !/O_NOFOLLOW/.test(args[2] ?? '')) bad('openat without O_NOFOLLOW');
    if (name === 'linkat' && flags !== '0') bad('linkat flags are not 0');
    if (name === 'fchownat' && !(/AT_EMPTY_PATH/.test(flags) && /AT_SYMLINK_NOFOLLOW/.test(flags))) {
      bad('fchownat without AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW');
    }
    if ((name === 'newfstatat' || name === 'statx' || name === 'utimensat') && str(args[1]) !== '' && args[1] !== 'NULL'
      && !/AT_SYMLINK_NOFOLLOW/.test(name === 'statx' ? (args[2] ?? '') : flags)) {
      bad(`${name} of a name without AT_SYMLINK_NOFOLLOW`);
    }
  }
  if (!seenBegin || !seenEnd) violations.push(`audit markers not seen (begin ${seenBegin}, end ${seenEnd})`);
  return { lines, counts, violations, marked: seenBegin && seenEnd };
}

/** Host-side helper for prepare steps: true when running as root (mknod, mount). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command synchronously; throws with its stderr on failure. */
export function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export { buildFixtures, cleanup };
