/* runtimes.ts — the runtimes the harness compares, each run in its own child process per sample:
 * native (the same C source built with cc -O2), wasi-directfs (directfs exclusive / shared; lisafs
 * over worker / process once the gofer exists), node:wasi, @tybys/wasm-util (Node fs), and the
 * in-memory references @bjorn3/browser_wasi_shim and @wasmer/wasi (not peers: nothing reaches the
 * host). The wasm runtimes are driven by the runner scripts in bench/runners/.
 * Must not: run anything itself (ts/bench/run.ts does).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Runtime {
  id: string;
  label: string;
  /** Short column header for the terminal table. */
  short: string;
  kind: 'native' | 'wasm';
  /** bench/runners/<runner>.mjs for wasm runtimes. */
  runner?: string;
  /** Passed to the runner as spec.options. */
  options?: Record<string, unknown>;
  /** In-memory reference, not a peer. */
  inMemory?: boolean;
  /** The default mode of this project: the one the targets apply to. */
  target?: boolean;
  /** null when runnable here; otherwise why not (shown in the table instead of numbers). */
  unavailable: (repoRoot: string) => string | null;
}

const always = (): null => null;
const needDist = (root: string): string | null =>
  existsSync(join(root, 'dist', 'index.js')) ? null : 'not available: dist/index.js is missing (run ./build.sh)';
const needGofer = (root: string): string | null =>
  existsSync(join(root, 'dist', 'lisafs', 'gofer-main.js')) ? needDist(root) : 'not available: the gofer does not exist yet';

export const RUNTIMES: Runtime[] = [
  { id: 'native', label: 'native (cc -O2)', short: 'native', kind: 'native', unavailable: always },
  {
    id: 'directfs', label: 'wasi-directfs directfs exclusive (default)', short: 'directfs', kind: 'wasm',
    runner: 'wasi-directfs', options: { mode: 'directfs', interop: 'exclusive' }, target: true, unavailable: needDist,
  },
  {
    id: 'directfs-shared', label: 'wasi-directfs directfs shared', short: 'dfs-shared', kind: 'wasm',
    runner: 'wasi-directfs', options: { mode: 'directfs', interop: 'shared' }, unavailable: needDist,
  },
  {
    id: 'lisafs-worker', label: 'wasi-directfs lisafs over worker', short: 'lisafs-wkr', kind: 'wasm',
    runner: 'wasi-directfs', options: { mode: 'lisafs', gofer: 'worker' }, unavailable: needGofer,
  },
  {
    id: 'lisafs-process', label: 'wasi-directfs lisafs over process', short: 'lisafs-proc', kind: 'wasm',
    runner: 'wasi-directfs', options: { mode: 'lisafs', gofer: 'process' }, unavailable: needGofer,
  },
  { id: 'node-wasi', label: 'node:wasi', short: 'node:wasi', kind: 'wasm', runner: 'node-wasi', unavailable: always },
  { id: 'tybys', label: '@tybys/wasm-util (Node fs)', short: 'tybys', kind: 'wasm', runner: 'tybys-wasm-util', unavailable: always },
  {
    id: 'browser-wasi-shim', label: '@bjorn3/browser_wasi_shim (in-memory reference, not a peer)', short: 'bjorn3*',
    kind: 'wasm', runner: 'browser-wasi-shim', inMemory: true, unavailable: always,
  },
  {
    id: 'wasmer', label: '@wasmer/wasi (in-memory reference, not a peer)', short: 'wasmer*', kind: 'wasm',
    runner: 'wasmer-wasi', inMemory: true, unavailable: always,
  },
];
