// Runs every compiled uvu suite (build/test/**/*.test.mjs) in its own process, in order, and
// prints one closing line "N passed, N failed". Exit code 1 when any suite fails.
//
// Configurations (issue 4: identical results in all three): every suite runs once in directfs
// mode; the suites that exercise the filesystem through the core (fs, checkpoint, interop,
// guests) run again in lisafs mode with the gofer in a worker thread and in a child process,
// switched by WASI_DIRECTFS_MODE / WASI_DIRECTFS_GOFER. Each run names its configuration.
//
// A suite file may be filtered: node tools/run-tests.mjs [substring...]
// Only some configurations: WASI_DIRECTFS_CONFIGS=directfs,lisafs+worker,lisafs+process
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

function walk(dir, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (n.endsWith('.test.mjs')) acc.push(p);
  }
  return acc;
}

/** Suites run in all three configurations (the rest are mode-independent or choose their own). */
const PARITY = new Set(['fs.test.mjs', 'checkpoint.test.mjs', 'interop.test.mjs', 'guests.test.mjs']);
const CONFIGS = [
  { name: 'directfs', env: { WASI_DIRECTFS_MODE: 'directfs' }, all: true },
  { name: 'lisafs+worker', env: { WASI_DIRECTFS_MODE: 'lisafs', WASI_DIRECTFS_GOFER: 'worker' }, all: false },
  { name: 'lisafs+process', env: { WASI_DIRECTFS_MODE: 'lisafs', WASI_DIRECTFS_GOFER: 'process' }, all: false },
];
const only = process.env['WASI_DIRECTFS_CONFIGS']?.split(',').map((s) => s.trim()).filter(Boolean);

const filters = process.argv.slice(2);
const files = walk('build/test').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let passed = 0, failed = 0, skipped = 0;
const badSuites = [];
const t0 = Date.now();
for (const cfg of CONFIGS) {
  if (only && !only.includes(cfg.name)) continue;
  const list = files.filter((f) => cfg.all || PARITY.has(basename(f)));
  if (list.length === 0) continue;
  const env = { ...process.env };
  delete env['WASI_DIRECTFS_MODE'];
  delete env['WASI_DIRECTFS_GOFER'];
  Object.assign(env, cfg.env);
  for (const f of list) {
    console.log(`\n== ${cfg.name}: ${f}`);
    const s = Date.now();
    const r = spawnSync(process.execPath, [f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000, env });
    process.stdout.write(r.stdout ?? '');
    const m = /Total:\s+(\d+)[\s\S]*?Passed:\s+(\d+)[\s\S]*?Skipped:\s+(\d+)/.exec(r.stdout ?? '');
    if (m) {
      passed += Number(m[2]); skipped += Number(m[3]);
      failed += Number(m[1]) - Number(m[2]) - Number(m[3]);
    }
    if (r.status !== 0 || !m) { badSuites.push(`${f} (${cfg.name})`); if (!m) failed += 1; }
    console.log(`== ${cfg.name}: ${f}: ${m ? `${m[2]}/${m[1]} passed` : 'no result'} in ${((Date.now() - s) / 1000).toFixed(1)} s`);
  }
}
if (badSuites.length) console.log(`failing suites: ${badSuites.join(', ')}`);
if (files.length === 0) { console.log('no test suites found'); failed += 1; }
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
