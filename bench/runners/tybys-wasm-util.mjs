// bench/runners/tybys-wasm-util.mjs — runs one benchmark guest on @tybys/wasm-util's WASI backed
// by Node's synchronous fs module (a real host directory, like node:wasi). Exit code = the guest's.
import fs from 'node:fs';
import { WASI } from '@tybys/wasm-util';
import { readSpec, compileModule } from './common.mjs';

const spec = readSpec();
const wasi = new WASI({
  version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true, fs,
  print: (s) => fs.writeSync(1, s + '\n'), printErr: (s) => fs.writeSync(2, s + '\n'),
});
const instance = await WebAssembly.instantiate(await compileModule(spec), wasi.getImportObject());
process.exitCode = await wasi.start(instance);
