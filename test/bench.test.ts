// test/bench.test.ts — the benchmark harness (ts/bench/) end to end in a tiny configuration: two
// workloads (walk, read-files) on native, wasi-directfs (directfs exclusive) and node:wasi, one
// measured run, no warm-up, inputs and outputs in a temporary directory.
// Checks: exit code 0, the JSON has a sample per (workload, runtime) with a guest-measured time,
// the checksums agree across runtimes (the same work was done), the machine and commit are
// recorded, the HTML report has the rendered SVG charts, and --syscalls' counts (strace: the
// host calls per guest operation, which are facts of the code, not timings).
// Must not: assert anything about timings (figures come from the harness, never from a test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from '../ts/bench/main.js';
import { syscallLines, type BenchResult, type SyscallCell } from '../ts/bench/report.js';
import { netFsCalls, parseStraceSummary, perOpSummary } from '../ts/bench/syscalls.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = [join(here, '../..'), join(here, '..')].find((r) => existsSync(join(r, 'package.json'))) ?? process.cwd();
const work = mkdtempSync(join(tmpdir(), 'wdfs-bench-test-'));
const out = join(work, 'results');
let result: BenchResult;

test.after(() => rmSync(work, { recursive: true, force: true }));

test('runBench runs a tiny configuration and exits 0', async () => {
  const code = await runBench([
    '--quick', '--only', 'walk,read-files', '--runtimes', 'directfs,node-wasi', '--runs', '1', '--warmup', '0',
    '--data-dir', join(work, 'data'), '--out', out, '--timeout', '120', '--syscalls',
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
  assert.match(html, /<h2>Host syscalls<\/h2>\n<pre>host filesystem syscalls per guest operation[^<]*read-files \(per file, n = 1000\)/);
});

test('strace summaries: parsed per name (errors column optional, total left out), only filesystem calls kept net of the baseline', () => {
  const text = [
    '    calls    errors syscall', '--------- --------- ----------------', '     2001           read', '     1002         4 openat',
    '       12           futex', '        3           read', '--------- --------- ----------------', '     3018         4 total', '',
  ].join('\n');
  assert.equal(parseStraceSummary(text), { read: 2004, openat: 1002, futex: 12 });
  assert.throws(() => parseStraceSummary('strace: exec: No such file or directory\n'), /not an strace -c summary/);
  assert.equal(netFsCalls({ read: 2004, openat: 1002, futex: 12, close: 5 }, { read: 4, openat: 2, futex: 9, close: 9 }), { read: 2000, openat: 1000 });
  assert.is(perOpSummary({ read: 2000, openat: 1000, close: 1000, statx: 20 }, 1000), '4.02 (read 2.00, openat 1.00, close 1.00)'); // statx: under 1% of the total
  assert.is(perOpSummary({ getdents64: 6 }, 5000), '0.001 (getdents64 0.001)');
});

test('--syscalls counts each runtime\'s host calls per guest operation, net of an empty guest', () => {
  const cell = (w: string, r: string): SyscallCell => {
    const c = result.syscalls?.find((x) => x.workload === w && x.runtime === r);
    assert.ok(c && c.net, `${w} on ${r}: ${c?.error ?? 'no cell'}`);
    return c!;
  };
  const per = (c: SyscallCell, name: string): number => (c.net![name] ?? 0) / c.ops!.n;
  // native read-files: exactly openat, read until EOF (2) and close per file, once Node's and
  // the C runtime's own calls are taken away
  const nat = cell('read-files', 'native');
  assert.equal(nat.ops, { n: 1000, unit: 'file' });
  assert.equal([per(nat, 'openat'), per(nat, 'read'), per(nat, 'close')], [1, 2, 1]);
  // directfs: one statx (the type check before the open), one openat, two preads, one close per
  // file (the dentry cache holds the 10 directories); nothing else per file
  const d = cell('read-files', 'directfs');
  for (const [name, want] of [['statx', 1], ['openat', 1], ['pread64', 2], ['close', 1]] as const) {
    assert.ok(Math.abs(per(d, name) - want) <= 0.02, `directfs read-files ${name}: ${per(d, name)} per file`);
  }
  const total = Object.values(d.net!).reduce((a, b) => a + b, 0) / 1000;
  assert.ok(total <= 5.05, `directfs read-files: ${total} fs calls per file (${JSON.stringify(d.net)})`);
  // walk: about one statx per entry (4,000 files, 200 directories, 40 symlinks: 1.06 per file),
  // directories opened once each (0.05 per file)
  const wd = cell('walk', 'directfs');
  assert.ok(per(wd, 'statx') >= 1 && per(wd, 'statx') <= 1.07, `directfs walk statx: ${per(wd, 'statx')} per file`);
  assert.ok(per(wd, 'openat') <= 0.06, `directfs walk openat: ${per(wd, 'openat')} per file`);
  assert.ok(cell('walk', 'node-wasi').calls!['statx']! > 0, 'node:wasi counted too');
  assert.match(syscallLines(result, {}).join('\n'), /read-files \(per file, n = 1000\)\n\s+native\s+4\.00 \(read 2\.00, (openat|close) 1\.00, (openat|close) 1\.00\)/);
});

test.run();
