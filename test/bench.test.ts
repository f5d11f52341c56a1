// test/bench.test.ts — the benchmark harness (ts/bench/) end to end in a tiny configuration: two
// workloads (walk, read-files) on native, wasi-directfs (directfs exclusive) and node:wasi, one
// measured run, no warm-up, inputs and outputs in a temporary directory.
// Checks: exit code 0, the JSON has a sample per (workload, runtime) with a guest-measured time,
// the checksums agree across runtimes (the same work was done), the machine and commit are
// recorded, and the HTML report has the rendered SVG charts.
// Must not: assert anything about timings (figures come from the harness, never from a test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from '../ts/bench/main.js';
import type { BenchResult } from '../ts/bench/report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = [join(here, '../..'), join(here, '..')].find((r) => existsSync(join(r, 'package.json'))) ?? process.cwd();
const work = mkdtempSync(join(tmpdir(), 'wdfs-bench-test-'));
const out = join(work, 'results');
let result: BenchResult;

test.after(() => rmSync(work, { recursive: true, force: true }));

test('runBench runs a tiny configuration and exits 0', async () => {
  const code = await runBench([
    '--quick', '--only', 'walk,read-files', '--runtimes', 'directfs,node-wasi', '--runs', '1', '--warmup', '0',
    '--data-dir', join(work, 'data'), '--out', out, '--timeout', '120',
  ]);
  assert.is(code, 0);
  assert.ok(existsSync(join(out, 'latest.json')), 'latest.json written');
  result = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult;
});

test('the JSON has one measured sample per workload and runtime', () => {
  for (const w of ['walk', 'read-files']) {
    for (const r of ['native', 'directfs', 'node-wasi']) {
      const s = result.samples.filter((x) => x.workload === w && x.runtime === r && !x.warmup);
      assert.is(s.length, 1, `${w} on ${r}: ${JSON.stringify(result.cells.find((c) => c.workload === w && c.runtime === r))}`);
      assert.ok(Number.isInteger(s[0]!.ns) && s[0]!.ns > 0, `${w} on ${r}: a guest-measured time`);
      assert.ok(s[0]!.checksum.length > 0);
    }
  }
});

test('checksums agree across runtimes (every runtime did the same work)', () => {
  for (const w of ['walk', 'read-files']) {
    const sums = new Set(result.samples.filter((x) => x.workload === w).map((x) => x.checksum));
    assert.is(sums.size, 1, `${w}: ${[...sums].join(' vs ')}`);
    for (const c of result.cells.filter((x) => x.workload === w)) assert.is(c.status, 'ok', `${w}/${c.runtime}: ${c.reason}`);
  }
  // The generated tree has the requested shape: 4,000 files and 1% symlinks in quick mode.
  const walk = result.samples.find((x) => x.workload === 'walk')!.checksum;
  assert.match(walk, /^f4000\.d\d+\.l40\.o0\./);
  assert.match(result.samples.find((x) => x.workload === 'read-files')!.checksum, /^n1000\./);
});

test('machine, commit, unavailable runtimes and targets are recorded', () => {
  assert.ok(result.machine.cores > 0 && result.machine.node.startsWith('v') && result.machine.kernel.length > 0);
  assert.ok(result.git.commit === null || /^[0-9a-f]{40}$/.test(result.git.commit));
  assert.ok(result.quick);
  assert.equal(result.runtimes.map((r) => r.id), ['native', 'directfs', 'node-wasi']);
  assert.equal(result.targets.map((t) => t.workload), ['walk', 'read-files']);
  // Every wasm runtime ran with the wasi-directfs executable's node flags (its shebang).
  const shebang = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8').split('\n')[0]!;
  assert.equal(result.nodeFlags, ['--no-warnings', ...shebang.replace(/^#!\S*env -S node/, '').trim().split(/\s+/)]);
  assert.ok(result.nodeFlags.includes('--v8-pool-size=0'), result.nodeFlags.join(' '));
});

test('the HTML report embeds the SVG charts', () => {
  const html = readFileSync(join(out, 'latest.html'), 'utf8');
  assert.ok((html.match(/<svg/g) ?? []).length >= 2, 'two rendered charts');
  assert.ok(html.includes('ratio to native'));
});

test.run();
