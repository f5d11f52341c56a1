// bench/runners/common.mjs — shared by the runner scripts (one runner = one WASI runtime, run by
// the harness ts/bench/ in a fresh child process per sample).
// Owns: decoding the run spec (argv[2], JSON: { wasm, args, env, preopens: { guestPath: hostDir },
// options }), reading a host tree for the in-memory runtimes' preload, and the "cannot run"
// protocol: a runner that cannot run a workload prints "UNSUPPORTED <reason>" on stderr and exits 3
// (the harness shows the reason in its table instead of a number).
// Must not: time anything (the guest measures itself and prints "RESULT <workload> <ns> <checksum>").
import { readFileSync, readdirSync, lstatSync, readlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function readSpec() {
  const raw = process.argv[2];
  if (!raw) {
    writeSync(2, 'usage: node RUNNER.mjs SPEC_JSON\n');
    process.exit(2);
  }
  const spec = JSON.parse(raw);
  spec.env ??= {};
  spec.preopens ??= {};
  spec.options ??= {};
  return spec;
}

export async function compileModule(spec) {
  return WebAssembly.compile(readFileSync(spec.wasm));
}

export function unsupported(reason) {
  writeSync(2, `UNSUPPORTED ${reason}\n`);
  process.exit(3);
}

/**
 * Every entry below `root` in a stable order, parents before children:
 * { rel, kind: 'dir' | 'file' | 'symlink' | 'other', data?: Uint8Array, target?: string }.
 * Files are read fully (the in-memory runtimes hold them in memory).
 */
export function readTree(root) {
  const out = [];
  const visit = (dir, rel) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out.push({ rel: r, kind: 'dir' });
        visit(p, r);
      } else if (st.isFile()) out.push({ rel: r, kind: 'file', data: readFileSync(p) });
      else if (st.isSymbolicLink()) out.push({ rel: r, kind: 'symlink', target: readlinkSync(p) });
      else out.push({ rel: r, kind: 'other' });
    }
  };
  visit(root, '');
  return out;
}

/** Throws the "cannot run" reason when the tree holds something an in-memory fs cannot represent. */
export function requirePlainTree(entries, runtime) {
  const links = entries.filter((e) => e.kind === 'symlink').length;
  if (links > 0) unsupported(`${runtime}'s in-memory fs has no symlinks (the input tree holds ${links})`);
  const other = entries.filter((e) => e.kind === 'other').length;
  if (other > 0) unsupported(`${runtime}'s in-memory fs holds only files and directories (${other} other entries)`);
}
