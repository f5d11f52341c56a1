// Compiles the C parts with clang from @yowasp/clang (clang/lld compiled to WebAssembly), in one
// process, rebuilding only outputs older than their inputs.
//   core:   core-c/src/**/*.c            -> dist/core.wasm   (wasm32-wasip1 reactor, explicit exports)
//   guests: test/guests/*.c, bench/*.c   -> build/guests/NAME.wasm (wasm32-wasip1 commands)
// Owns: the mapping between the real disk and clang's in-memory file tree. Prints each command.
import { readFileSync, writeFileSync, readdirSync, statSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

const CORE_FLAGS = ['--target=wasm32-wasip1', '-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-Wshadow',
  '-mexec-model=reactor', '-Icore-c/include', '-Icore-c/src', '-Wl,--export-dynamic', '-Wl,-z,stack-size=262144'];
const GUEST_FLAGS = ['--target=wasm32-wasip1', '-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-Itest/guests'];

function walk(dir, ext, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, ext, acc);
    else if (ext.some((e) => name.endsWith(e))) acc.push(p);
  }
  return acc;
}
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : -1);
const stale = (out, inputs) => inputs.some((i) => mtime(i) > mtime(out));

function tree(files) {
  const t = {};
  for (const f of files) {
    const parts = f.split('/');
    let node = t;
    for (const p of parts.slice(0, -1)) node = node[p] ??= {};
    node[parts.at(-1)] = readFileSync(f);
  }
  return t;
}

let runClang;
async function compile(out, flags, sources, inputs) {
  runClang ??= (await import('@yowasp/clang')).runClang;
  const args = ['clang', ...flags, ...sources, '-o', 'out.wasm'];
  console.log(`cc ${out} <- ${sources.join(' ')}`);
  let result;
  try {
    result = await runClang(args, tree(inputs));
  } catch (e) {
    console.error(`build-c: clang failed for ${out}: ${e?.message ?? e}`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result['out.wasm']);
}

const what = process.argv[2] ?? 'all';
if (what === 'all' || what === 'core') {
  const srcs = walk('core-c/src', ['.c']);
  const inputs = [...walk('core-c', ['.c', '.h'])];
  if (stale('dist/core.wasm', [...inputs, 'tools/build-c.mjs'])) await compile('dist/core.wasm', CORE_FLAGS, srcs, inputs);
}
if (what === 'all' || what === 'guests') {
  const headers = walk('test/guests', ['.h']);
  const guests = [...walk('test/guests', ['.c']), ...walk('bench/guests', ['.c'])];
  for (const g of guests) {
    const out = join('build/guests', basename(g, '.c') + '.wasm');
    if (stale(out, [g, ...headers, 'tools/build-c.mjs'])) await compile(out, GUEST_FLAGS, [g], [g, ...headers]);
  }
}
