// bench/run-harness.mjs — runs the harness (ts/bench/main.ts) without the CLI wiring: bundles it
// with esbuild to build/bench/harness.mjs (when older than ts/bench/) and calls
// runBench(process.argv.slice(2)). Example: node bench/run-harness.mjs --quick --only walk
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'build', 'bench', 'harness.mjs');
const srcDir = join(root, 'ts', 'bench');
const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
if (!existsSync(out) || statSync(out).mtimeMs < newest) {
  await build({
    entryPoints: [join(srcDir, 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out,
    external: ['koffi', 'vega', 'vega-lite', '@yowasp/clang'], logLevel: 'warning',
  });
}
const { runBench } = await import(pathToFileURL(out).href);
process.exitCode = await runBench(process.argv.slice(2));
