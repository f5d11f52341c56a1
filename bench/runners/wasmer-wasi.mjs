// bench/runners/wasmer-wasi.mjs — runs one benchmark guest on @wasmer/wasi (wasmer-js 1.x, WASI in
// Rust compiled to wasm, with an in-memory MemFS): each preopen's host tree is copied into the
// MemFS before the guest starts (outside the guest's timed region). An in-memory reference, not a
// peer. Guest stdout/stderr are collected by wasmer and printed after the guest ends.
// Exit code = the guest's; 3 with "UNSUPPORTED ..." when the tree cannot be represented.
import { writeSync } from 'node:fs';
import { init, WASI, MemFS } from '@wasmer/wasi';
import { readSpec, compileModule, readTree, requirePlainTree } from './common.mjs';

const spec = readSpec();
await init();
const fs = new MemFS();
for (const [guest, host] of Object.entries(spec.preopens)) {
  const entries = readTree(host);
  requirePlainTree(entries, '@wasmer/wasi');
  const parts = guest.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) fs.createDir('/' + parts.slice(0, i).join('/'));
  const base = '/' + parts.join('/');
  for (const e of entries) {
    const p = `${base}/${e.rel}`;
    if (e.kind === 'dir') fs.createDir(p);
    else {
      const f = fs.open(p, { read: true, write: true, create: true });
      f.write(e.data);
      f.free();
    }
  }
}
const preopens = Object.fromEntries(Object.keys(spec.preopens).map((g) => [g, g]));
const wasi = new WASI({ args: spec.args, env: spec.env, preopens, fs });
const module = await compileModule(spec);
wasi.instantiate(module, {});
let code;
try {
  code = wasi.start();
} catch (e) {
  writeSync(2, `@wasmer/wasi: ${e?.message ?? e}\n`);
  code = 1;
}
writeSync(1, wasi.getStdoutString());
writeSync(2, wasi.getStderrString());
process.exitCode = code;
