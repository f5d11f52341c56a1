/* build.ts — the benchmark's own build steps (build.sh builds the wasm guests; these it does not):
 *  - native builds of bench/guests/NAME.c with the system `cc -O2` -> build/native/NAME;
 *  - the SQLite workload: bench/sqlite/bench-sqlite.c + the amalgamation from
 *    node_modules/better-sqlite3/deps/sqlite3 -> build/bench/bench-sqlite.wasm (clang from
 *    @yowasp/clang, wasm32-wasip1) and build/native/bench-sqlite (cc -O2), same SQLITE_* options.
 * Each output is rebuilt only when older than one of its inputs or built with other flags (the
 * flags are kept in OUTPUT.flags).
 * Owns: build/native/, build/bench/. Must not: touch build.sh's outputs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : -1);

function upToDate(out: string, inputs: string[], flags: string[]): boolean {
  const f = `${out}.flags`;
  if (!existsSync(out) || !existsSync(f) || readFileSync(f, 'utf8') !== flags.join(' ')) return false;
  const t = mtime(out);
  return inputs.every((i) => mtime(i) <= t);
}

export const NATIVE_FLAGS = ['-O2', '-std=c11', '-Wall', '-Wextra', '-Werror'];

/** Compiles bench/guests/NAME.c natively; returns the binary path. Throws with cc's output on failure. */
export function buildNative(root: string, name: string): string {
  const src = join(root, 'bench', 'guests', `${name}.c`);
  const out = join(root, 'build', 'native', name);
  if (upToDate(out, [src], NATIVE_FLAGS)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync('cc', [...NATIVE_FLAGS, '-o', out, src], { encoding: 'utf8' });
  if (r.error) throw new Error(`cc not runnable: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`cc failed for ${src}:\n${r.stderr}`);
  writeFileSync(`${out}.flags`, NATIVE_FLAGS.join(' '));
  return out;
}

/** SQLite options shared by both builds (SQLite itself sets SQLITE_WASI for __wasi__). */
const SQLITE_DEFS = ['-DSQLITE_THREADSAFE=0', '-DSQLITE_OMIT_LOAD_EXTENSION', '-DSQLITE_DEFAULT_MEMSTATUS=0'];
// HAVE_PREAD/HAVE_PWRITE: SQLite assumes them only for Linux and Apple; wasi-libc has both, and
// without them the wasm build would seek + read/write where native makes one pread64/pwrite64.
const SQLITE_WASM_FLAGS = ['--target=wasm32-wasip1', '-O2', ...SQLITE_DEFS, '-DHAVE_PREAD', '-DHAVE_PWRITE', '-D_WASI_EMULATED_MMAN',
  '-D_WASI_EMULATED_GETPID', '-D_WASI_EMULATED_PROCESS_CLOCKS', '-Wl,-z,stack-size=1048576'];
const SQLITE_WASM_LIBS = ['-lwasi-emulated-mman', '-lwasi-emulated-getpid', '-lwasi-emulated-process-clocks'];
const SQLITE_NATIVE_FLAGS = ['-O2', ...SQLITE_DEFS];

export interface SqliteBuild { wasm: string; native: string }

export function sqliteSources(root: string): { driver: string; amalgamation: string; header: string } {
  const deps = join(root, 'node_modules', 'better-sqlite3', 'deps', 'sqlite3');
  return { driver: join(root, 'bench', 'sqlite', 'bench-sqlite.c'), amalgamation: join(deps, 'sqlite3.c'), header: join(deps, 'sqlite3.h') };
}

/** True when both SQLite builds are current (no compile needed). */
export function sqliteBuilt(root: string): boolean {
  const s = sqliteSources(root);
  const inputs = [s.driver, s.amalgamation, s.header];
  return upToDate(join(root, 'build', 'bench', 'bench-sqlite.wasm'), inputs, SQLITE_WASM_FLAGS) &&
    upToDate(join(root, 'build', 'native', 'bench-sqlite'), inputs, SQLITE_NATIVE_FLAGS);
}

/**
 * Builds both SQLite binaries when stale (the amalgamation is 9 MB of C: minutes on a small
 * machine; the native and the wasm compile run concurrently). `say` gets one line per step.
 */
export async function buildSqlite(root: string, say: (line: string) => void): Promise<SqliteBuild> {
  const s = sqliteSources(root);
  if (!existsSync(s.amalgamation)) throw new Error(`the SQLite amalgamation is missing (${s.amalgamation}); is better-sqlite3 installed?`);
  const inputs = [s.driver, s.amalgamation, s.header];
  const wasm = join(root, 'build', 'bench', 'bench-sqlite.wasm');
  const native = join(root, 'build', 'native', 'bench-sqlite');
  mkdirSync(dirname(wasm), { recursive: true });
  mkdirSync(dirname(native), { recursive: true });
  const jobs: Promise<void>[] = [];
  if (!upToDate(native, inputs, SQLITE_NATIVE_FLAGS)) {
    say(`cc ${SQLITE_NATIVE_FLAGS.join(' ')} -> ${native} (SQLite amalgamation, takes a while)`);
    jobs.push(new Promise<void>((resolve, reject) => {
      const args = [...SQLITE_NATIVE_FLAGS, `-I${dirname(s.header)}`, '-o', native, s.driver, s.amalgamation];
      const p = spawn('cc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.on('error', reject);
      p.on('close', (code) => {
        if (code !== 0) reject(new Error(`cc failed for the SQLite workload:\n${err}`));
        else { writeFileSync(`${native}.flags`, SQLITE_NATIVE_FLAGS.join(' ')); resolve(); }
      });
    }));
  }
  if (!upToDate(wasm, inputs, SQLITE_WASM_FLAGS)) {
    say(`clang ${SQLITE_WASM_FLAGS.join(' ')} -> ${wasm} (@yowasp/clang, SQLite amalgamation, takes minutes)`);
    jobs.push((async () => {
      const spec = '@yowasp/clang';
      const { runClang } = (await import(spec)) as {
        runClang: (args: string[], files: Record<string, Uint8Array>) => Promise<Record<string, Uint8Array>>;
      };
      const files = {
        'bench-sqlite.c': readFileSync(s.driver), 'sqlite3.c': readFileSync(s.amalgamation), 'sqlite3.h': readFileSync(s.header),
      };
      const out = await runClang(['clang', ...SQLITE_WASM_FLAGS, '-I.', 'bench-sqlite.c', 'sqlite3.c', ...SQLITE_WASM_LIBS, '-o', 'out.wasm'], files);
      const bytes = out['out.wasm'];
      if (!bytes) throw new Error('clang produced no out.wasm for the SQLite workload');
      writeFileSync(wasm, bytes);
      writeFileSync(`${wasm}.flags`, SQLITE_WASM_FLAGS.join(' '));
    })());
  }
  await Promise.all(jobs);
  return { wasm, native };
}
