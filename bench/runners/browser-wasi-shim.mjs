// bench/runners/browser-wasi-shim.mjs — runs one benchmark guest on @bjorn3/browser_wasi_shim, an
// in-memory filesystem: each preopen's host tree is loaded into memory before the guest starts
// (outside the guest's timed region). An in-memory reference, not a peer: nothing reaches the host.
// Exit code = the guest's; 3 with "UNSUPPORTED ..." when the tree cannot be represented.
import { writeSync } from 'node:fs';
import { WASI, File, Directory, OpenFile, PreopenDirectory, ConsoleStdout } from '@bjorn3/browser_wasi_shim';
import { readSpec, compileModule, readTree, requirePlainTree } from './common.mjs';

const spec = readSpec();
const fds = [
  new OpenFile(new File([])),
  ConsoleStdout.lineBuffered((line) => writeSync(1, line + '\n')),
  ConsoleStdout.lineBuffered((line) => writeSync(2, line + '\n')),
];
for (const [guest, host] of Object.entries(spec.preopens)) {
  const entries = readTree(host);
  requirePlainTree(entries, '@bjorn3/browser_wasi_shim');
  // A plain tree of Maps first; Directory objects are made leaves-first, so that each one's
  // constructor sets the parent pointers of its subdirectories ('..' resolution needs them).
  const root = new Map();
  const dirs = new Map([['', root]]);
  for (const e of entries) {
    const slash = e.rel.lastIndexOf('/');
    const parent = dirs.get(slash < 0 ? '' : e.rel.slice(0, slash));
    const name = e.rel.slice(slash + 1);
    if (e.kind === 'dir') {
      const m = new Map();
      dirs.set(e.rel, m);
      parent.set(name, m);
    } else parent.set(name, new File(e.data));
  }
  const build = (m) => new Map([...m].map(([k, v]) => [k, v instanceof Map ? new Directory(build(v)) : v]));
  fds.push(new PreopenDirectory(guest, build(root)));
}
const wasi = new WASI(spec.args, Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), fds, { debug: false });
const instance = await WebAssembly.instantiate(await compileModule(spec), { wasi_snapshot_preview1: wasi.wasiImport });
let code = 0;
try {
  code = wasi.start(instance);
} catch (e) {
  writeSync(2, `browser_wasi_shim: ${e?.stack ?? e}\n`);
  code = 1;
}
process.exitCode = code;
