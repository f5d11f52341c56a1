// test/testsuite.test.ts — runs the wasi-testsuite guests (test/guests/testsuite/wts-NAME.c ->
// build/guests/wts-NAME.wasm, every source found) through our CLI as a regression suite.
//
// Owns: the fixture directory the suite's tests expect (fs-tests.dir with file, lseek.txt
// "01234567", pread.txt "pread-test", fopendir.dir/file-{0,1} and writeable/), built fresh for
// every run under one temp dir that is removed at the end, and three runs of every guest:
//   directfs       node dist/cli.js run --dir T/fs-tests.dir::/ MODULE.wasm            (current layout)
//   lisafs         node dist/cli.js run --mode lisafs --dir T/fs-tests.dir::/ MODULE.wasm
//   older layout   node dist/cli.js run --dir T/fs-tests.dir MODULE.wasm T/fs-tests.dir (directfs)
// (guests that need no preopen get one too: harmless). Each run must exit 0 with empty stderr,
// print at least one "ok " line and no "FAIL" line, and leave fs-tests.dir as it found it; the
// stdio guest loses its stdout, so its verdict is also read from fs-tests.dir/stdio-result.txt.
// All three runs must print the same stdout. The WASI_DIRECTFS_MODE/GOFER variables are removed
// from the children's environment, so the first run really is the default mode.
// The runs go through a pool of CPUs + 1 child processes before the per-guest tests check the
// results: each run takes 0.3-0.8 s, mostly node's start-up, so one spawnSync at a time took over
// a minute on 2 CPUs; the pool takes about 32 s there (2 processes: 36 s).
// Must not: depend on our implementation's internals; skip a guest silently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from './helpers/wasm-imports.js';

const ROOT = repoRoot();
const CLI = join(ROOT, 'dist', 'cli.js');
const SOURCES = join(ROOT, 'test', 'guests', 'testsuite');
const WASM = join(ROOT, 'build', 'guests');
const TIMEOUT_MS = 60_000;
const RESULT_FILE = 'stdio-result.txt';

/** Every guest with a source (a missing build/guests/wts-NAME.wasm fails its test). */
const GUESTS = existsSync(SOURCES) ? readdirSync(SOURCES).filter((n) => /^wts-.*\.c$/.test(n)).map((n) => n.slice(0, -2)).sort() : [];

type Variant = 'directfs' | 'lisafs' | 'older layout';
const VARIANTS: Variant[] = ['directfs', 'lisafs', 'older layout'];

interface Run {
  status: number | null;
  signal: string | null;
  error?: string;
  stdout: string;
  stderr: string;
  /** fs-tests.dir after the run (relative paths, sorted), with the stdio result file taken out. */
  tree: string[];
  /** The stdio guest's result file, if it wrote one. */
  result?: string;
}

/** Everything under dir, as sorted relative paths (directories end in "/"). */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) { out.push(`${relative(dir, p)}/`); walk(p); } else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Builds T/fs-tests.dir as the suite's C tests expect it; returns its path. */
function makeFixtures(t: string): string {
  const fx = join(t, 'fs-tests.dir');
  mkdirSync(join(fx, 'fopendir.dir'), { recursive: true });
  mkdirSync(join(fx, 'writeable'));
  writeFileSync(join(fx, 'file'), '');
  writeFileSync(join(fx, 'lseek.txt'), '01234567');
  writeFileSync(join(fx, 'pread.txt'), 'pread-test');
  writeFileSync(join(fx, 'fopendir.dir', 'file-0'), '');
  writeFileSync(join(fx, 'fopendir.dir', 'file-1'), '');
  return fx;
}

const childEnv: NodeJS.ProcessEnv = { ...process.env };
delete childEnv['WASI_DIRECTFS_MODE'];
delete childEnv['WASI_DIRECTFS_GOFER'];

let TMP = '';
let FIXTURE_TREE: string[] = [];
const runs = new Map<string, Run>();
const key = (guest: string, v: Variant): string => `${guest} ${v}`;

/** Runs one guest in one variant in a fresh fixture directory under TMP. */
function runOne(guest: string, v: Variant): Promise<Run> {
  const t = join(TMP, `${guest}.${v.replace(' ', '-')}`);
  mkdirSync(t);
  const fx = makeFixtures(t);
  const wasm = join(WASM, `${guest}.wasm`);
  const argv = v === 'older layout' ? ['run', '--dir', fx, wasm, fx]
    : ['run', ...(v === 'lisafs' ? ['--mode', 'lisafs'] : []), '--dir', `${fx}::/`, wasm];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...argv], { cwd: t, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let error: string | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { error = e.message; });
    child.stdin.on('error', () => { /* the guest may exit before reading its (empty) stdin */ });
    child.stdin.end('');
    child.on('close', (status, signal) => {
      const resultPath = join(fx, RESULT_FILE);
      const result = existsSync(resultPath) ? readFileSync(resultPath, 'utf8') : undefined;
      if (result !== undefined) rmSync(resultPath);
      resolve({ status, signal, ...(error !== undefined ? { error } : {}), stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'), tree: listTree(fx), ...(result !== undefined ? { result } : {}) });
    });
  });
}

test.before(async () => {
  if (!existsSync(CLI)) return; // each guest's test reports it
  TMP = realpathSync(mkdtempSync(join(tmpdir(), 'wdfs-wts-')));
  FIXTURE_TREE = listTree(makeFixtures(join(TMP, 'reference')));
  const jobs = GUESTS.filter((g) => existsSync(join(WASM, `${g}.wasm`))).flatMap((g) => VARIANTS.map((v) => [g, v] as const));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const [g, v] = jobs[next++]!;
      runs.set(key(g, v), await runOne(g, v));
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() + 1 }, worker));
});

test.after(() => {
  if (TMP !== '') rmSync(TMP, { recursive: true, force: true });
});

function checkRun(guest: string, v: Variant, r: Run | undefined): string {
  const what = `${guest} (${v})`;
  assert.ok(r !== undefined, `${what} did not run`);
  const tail = `\nstdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(0, 1000)}`;
  assert.not.ok(r.error, `${what}: the CLI did not start: ${r.error ?? ''}`);
  const lines = r.stdout.split('\n');
  const fails = lines.filter((l) => l.startsWith('FAIL'));
  assert.equal(fails, [], `${what}: FAIL lines${tail}`);
  assert.is(r.status, 0, `${what}: exit code (signal ${r.signal ?? 'none'})${tail}`);
  assert.is(r.stderr, '', `${what}: stderr is not empty${tail}`);
  assert.ok(lines.some((l) => l.startsWith('ok ')), `${what}: no "ok " line${tail}`);
  if (guest === 'wts-stdio') {
    const rounds = (r.result ?? '').split('\n').filter((l) => l !== '');
    assert.is(rounds.length, 3, `${what}: ${RESULT_FILE} should hold 3 rounds, has: ${JSON.stringify(r.result ?? null)}`);
    assert.ok(rounds.every((l) => l.startsWith('ok round')), `${what}: ${RESULT_FILE}:\n${r.result ?? ''}`);
  } else {
    assert.is(r.result, undefined, `${what}: wrote ${RESULT_FILE}`);
  }
  assert.equal(r.tree, FIXTURE_TREE, `${what}: fs-tests.dir was not left as it was found`);
  return r.stdout;
}

for (const guest of GUESTS) {
  test(`testsuite/${guest}`, () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run ./build.sh`);
    assert.ok(existsSync(join(WASM, `${guest}.wasm`)), `${join(WASM, `${guest}.wasm`)} is missing: run ./build.sh`);
    const [first, ...others] = VARIANTS.map((v) => ({ v, stdout: checkRun(guest, v, runs.get(key(guest, v))) }));
    for (const o of others) assert.fixture(o.stdout, first!.stdout, `${guest}: stdout in ${o.v} differs from ${first!.v}`);
  });
}

test('testsuite guests were found', () => {
  assert.ok(GUESTS.length >= 50, `only ${GUESTS.length} wts-*.c guests found under ${SOURCES}`);
});

test.run();
