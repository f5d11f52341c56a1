// bench/runners/wasi-directfs.mjs — runs one benchmark guest on wasi-directfs (this project's
// library: spec.lib, else dist/index.js, built by build.sh). spec.options: { mode, interop, gofer } passed to the
// WASI constructor as given. Exit code = the guest's; 3 with "UNSUPPORTED ..." when the
// constructor refuses the options.
import { readSpec, compileModule, unsupported } from './common.mjs';
import { pathToFileURL } from 'node:url';

const spec = readSpec();
// spec.lib: the harness's snapshot of dist/index.js (default: this checkout's dist/).
const { WASI } = await import(spec.lib ? pathToFileURL(spec.lib).href : '../../dist/index.js');
let wasi;
try {
  wasi = new WASI({
    version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true,
    ...spec.options,
  });
} catch (e) {
  // The constructor refuses options it cannot serve (e.g. a mode not implemented yet).
  unsupported(e?.message ?? String(e));
}
const instance = await WebAssembly.instantiate(await compileModule(spec), wasi.getImportObject());
const code = wasi.start(instance);
if (typeof wasi.close === 'function') wasi.close();
process.exitCode = code;
