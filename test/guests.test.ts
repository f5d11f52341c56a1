// test/guests.test.ts — runs every conformance guest through our CLI and compares it with the
// expectation written from the WASI preview1 spec.
//
// Owns: the mapping from a guest's JSON (test/guests/NAME.json -> build/guests/NAME.wasm,
// asm/NAME.json -> build/asm/NAME.wasm) to one CLI invocation:
//   node dist/cli.js run --dir HOST::GUEST | --readonly-dir HOST::GUEST (in the JSON's dirs order,
//   so preopens are numbered 3, 4, ... in that order) [--env K=V]... MODULE.wasm ARGS...
// with the JSON's stdin text, then the checks: exit code and stdout exactly as expected, no
// "CANARY-" text in stdout or stderr, T/outside unchanged (oracle O1 of the security battery)
// and every read-only preopen's tree unchanged (names, sizes, mtime, ctime, nlink).
// Every guest gets freshly built fixtures (guests mutate them). 30 s per guest.
// Must not: depend on our implementation's internals; skip a guest silently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures, cleanup, snapshotOutside, snapshotTree } from './fixtures.js';
import type { FixtureName } from './fixtures.js';

/** One guest's expectation file. */
interface GuestSpec {
  args?: string[];
  env?: Record<string, string>;
  dirs?: Array<{ fixture: FixtureName; guest: string; readonly?: boolean }>;
  stdin?: string;
  exit_code?: number;
  stdout: string;
}

/** The repository root: the nearest ancestor of this file (source or bundle) holding package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const ROOT = repoRoot();
const CLI = join(ROOT, 'dist', 'cli.js');
const SETS: Array<{ specs: string; wasm: string }> = [
  { specs: join(ROOT, 'test', 'guests'), wasm: join(ROOT, 'build', 'guests') },
  { specs: join(ROOT, 'asm'), wasm: join(ROOT, 'build', 'asm') },
];

function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: want ${JSON.stringify(a[i] ?? '<end>')}, got ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'no difference';
}

let count = 0;
for (const set of SETS) {
  if (!existsSync(set.specs)) continue;
  for (const file of readdirSync(set.specs).sort()) {
    if (!file.endsWith('.json')) continue;
    const name = basename(file, '.json');
    const specPath = join(set.specs, file);
    const wasm = join(set.wasm, `${name}.wasm`);
    count++;
    test(`${basename(set.specs)}/${name}`, () => {
      const spec = JSON.parse(readFileSync(specPath, 'utf8')) as GuestSpec;
      assert.ok(existsSync(CLI), `${CLI} is missing: run ./build.sh`);
      assert.ok(existsSync(wasm), `${wasm} is missing: run ./build.sh`);
      const fx = buildFixtures();
      try {
        const before = snapshotOutside(fx.root);
        const readonly = (spec.dirs ?? []).filter((d) => d.readonly).map((d) => fx.dirs[d.fixture]);
        const roBefore = readonly.map((d) => snapshotTree(d));
        const argv = ['run'];
        for (const d of spec.dirs ?? []) {
          const host = fx.dirs[d.fixture];
          assert.ok(host !== undefined, `unknown fixture ${d.fixture}`);
          argv.push(d.readonly ? '--readonly-dir' : '--dir', `${host}::${d.guest}`);
        }
        for (const [k, v] of Object.entries(spec.env ?? {})) argv.push('--env', `${k}=${v}`);
        argv.push(wasm, ...(spec.args ?? []));
        const r = spawnSync(process.execPath, [CLI, ...argv], {
          input: spec.stdin ?? '',
          encoding: 'utf8',
          timeout: 30_000,
          cwd: fx.root,
          maxBuffer: 16 * 1024 * 1024,
        });
        const stdout = r.stdout ?? '';
        const stderr = r.stderr ?? '';
        assert.not.ok(r.error, `CLI did not finish: ${r.error?.message ?? ''}`);
        assert.not.ok(stdout.includes('CANARY-') || stderr.includes('CANARY-'), 'canary text from T/outside reached the guest');
        const after = snapshotOutside(fx.root);
        assert.equal(after, before, 'T/outside (or T itself) changed');
        readonly.forEach((d, i) => assert.equal(snapshotTree(d), roBefore[i], `read-only preopen ${d} changed`));
        if (stdout !== spec.stdout) {
          assert.fixture(stdout, spec.stdout, `stdout differs (${firstDifference(spec.stdout, stdout)}); stderr: ${stderr.slice(0, 500)}`);
        }
        assert.is(r.status, spec.exit_code ?? 0, `exit code (signal ${r.signal ?? 'none'}); stderr: ${stderr.slice(0, 500)}`);
      } finally {
        cleanup(fx.root);
      }
    });
  }
}

test('guest expectations were found', () => {
  assert.ok(count >= 30, `only ${count} guest JSON files found under ${ROOT}`);
});

test.run();
