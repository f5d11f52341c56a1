/* run.ts — runs one sample: one workload on one runtime in a fresh child process, and reads the
 * guest's own measurement from its "RESULT <name> <ns> <checksum>" line.
 *
 * Native runs the binary directly with host paths; wasm runtimes run
 * `node FLAGS bench/runners/<runner>.mjs SPEC` with the guest path /bench preopened onto the
 * workload's host directory. The wall time of the child (process start, compile, preload
 * included) is kept as a side note only; the figure compared is the guest's time.
 * Must not: interpret timings (the caller aggregates), or retry a failed run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from './runtimes.js';

/** Node's options for every wasm runtime's child, the same for all: --no-warnings plus the ones
 * the wasi-directfs executable runs with, read from the shebang of `distDir`/cli.js
 * (`#!/usr/bin/env -S node FLAGS`; see the top of ts/cli.ts: --v8-pool-size=0 sizes V8's
 * background pool to the CPUs, and node:wasi gains from it too, read-files ~38 -> ~30 ms on 2 CPUs). */
export function nodeFlags(distDir: string): string[] {
  let first = '';
  try {
    first = readFileSync(join(distDir, 'cli.js'), 'utf8').slice(0, 200).split('\n')[0]!;
  } catch {
    // no build: node's defaults
  }
  const m = /^#!\S*env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  return ['--no-warnings', ...(m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [])];
}

export interface RunInput {
  repoRoot: string;
  /** The dist/ snapshot wasi-directfs runs from (its index.js). */
  distDir: string;
  runtime: Runtime;
  /** Node's options for a wasm runtime's child (nodeFlags). */
  nodeFlags: string[];
  /** Native binary or .wasm module. */
  binary: string;
  /** argv after argv[0], for this runtime's view (guest or host paths). */
  args: string[];
  /** Host directory preopened as /bench (wasm runtimes). */
  hostDir: string;
  argv0: string;
  expectResult: string;
  timeoutMs: number;
  /** A command the child runs under (e.g. strace for --syscalls: see syscalls.ts), or none. */
  wrap?: string[];
}

export type RunOutcome =
  | { ok: true; ns: number; checksum: string; wallMs: number }
  | { ok: false; reason: string; wallMs: number };

export const GUEST_ROOT = '/bench';

/** The most telling line(s) of a failed run's output: an exception's message, else the last lines. */
function lastLines(text: string, n: number): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/ExperimentalWarning|--trace-warnings/.test(l));
  const thrown = lines.find((l) => /^(\w*Error|RuntimeError|CompileError|LinkError)\b/.test(l));
  return (thrown ?? lines.slice(-n).join(' | ')).slice(0, 240);
}

export function runOnce(inp: RunInput): RunOutcome {
  let cmd: string;
  let argv: string[];
  if (inp.runtime.kind === 'native') {
    cmd = inp.binary;
    argv = inp.args;
  } else {
    const spec = {
      wasm: inp.binary, args: [inp.argv0, ...inp.args], env: {}, preopens: { [GUEST_ROOT]: inp.hostDir },
      options: inp.runtime.options ?? {}, lib: join(inp.distDir, 'index.js'),
    };
    cmd = process.execPath;
    argv = [...inp.nodeFlags, join(inp.repoRoot, 'bench', 'runners', `${inp.runtime.runner}.mjs`), JSON.stringify(spec)];
  }
  if (inp.wrap && inp.wrap.length > 0) {
    argv = [...inp.wrap.slice(1), cmd, ...argv];
    cmd = inp.wrap[0]!;
  }
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, {
    cwd: inp.repoRoot, encoding: 'utf8', timeout: inp.timeoutMs, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallMs = performance.now() - t0;
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  if (r.error) {
    const timedOut = (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return { ok: false, reason: timedOut ? `timed out after ${Math.round(inp.timeoutMs / 1000)} s` : `could not start: ${r.error.message}`, wallMs };
  }
  const unsup = /^UNSUPPORTED (.*)$/m.exec(stderr);
  if (unsup) return { ok: false, reason: `cannot run: ${unsup[1]}`, wallMs };
  const m = /^RESULT (\S+) (\d+) (\S+)\s*$/m.exec(stdout);
  if (r.status !== 0 || !m) {
    const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    const detail = lastLines(stderr, 2) || lastLines(stdout, 2) || 'no output';
    return { ok: false, reason: `failed (${why}): ${detail}`, wallMs };
  }
  if (m[1] !== inp.expectResult) return { ok: false, reason: `failed: the guest reported '${m[1]}', expected '${inp.expectResult}'`, wallMs };
  return { ok: true, ns: Number(m[2]), checksum: m[3]!, wallMs };
}
