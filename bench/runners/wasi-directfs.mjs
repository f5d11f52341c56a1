// bench/runners/wasi-directfs.mjs — runs one benchmark guest on wasi-directfs (this project's
// library, dist/index.js, built by build.sh). spec.options: { mode, interop, gofer } passed to the
// WASI constructor as given. Exit code = the guest's.
import { readSpec, compileModule } from './common.mjs';
import { WASI } from '../../dist/index.js';

const spec = readSpec();
const wasi = new WASI({
  version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true,
  ...spec.options,
});
const instance = await WebAssembly.instantiate(await compileModule(spec), wasi.getImportObject());
const code = wasi.start(instance);
if (typeof wasi.close === 'function') wasi.close();
process.exitCode = code;
