// Runs every compiled uvu suite (build/test/**/*.test.mjs) in its own process, in order, and
// prints one closing line "N passed, N failed". Exit code 1 when any suite fails.
// A suite file may be filtered: node tools/run-tests.mjs [substring...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (n.endsWith('.test.mjs')) acc.push(p);
  }
  return acc;
}
const filters = process.argv.slice(2);
const files = walk('build/test').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let passed = 0, failed = 0, skipped = 0, badSuites = [];
for (const f of files) {
  const r = spawnSync(process.execPath, [f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  process.stdout.write(r.stdout ?? '');
  const m = /Total:\s+(\d+)[\s\S]*?Passed:\s+(\d+)[\s\S]*?Skipped:\s+(\d+)/.exec(r.stdout ?? '');
  if (m) {
    passed += Number(m[2]); skipped += Number(m[3]);
    failed += Number(m[1]) - Number(m[2]) - Number(m[3]);
  }
  if (r.status !== 0 || !m) { badSuites.push(f); if (!m) failed += 1; }
}
if (badSuites.length) console.log(`failing suites: ${badSuites.join(', ')}`);
if (files.length === 0) { console.log('no test suites found'); failed += 1; }
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
