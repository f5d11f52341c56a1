// bench/runners/node-wasi.mjs — runs one benchmark guest on Node's built-in node:wasi (uvwasi).
// Exit code = the guest's.
import { WASI } from 'node:wasi';
import { readSpec, compileModule } from './common.mjs';

const spec = readSpec();
const wasi = new WASI({ version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true });
const instance = await WebAssembly.instantiate(await compileModule(spec), wasi.getImportObject());
process.exitCode = wasi.start(instance);
