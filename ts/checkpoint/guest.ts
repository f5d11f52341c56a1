/// <reference lib="dom" />
/* guest.ts — checkpointing a running WASI guest: the asyncify machinery.
 *
 * Owns: (1) preparing a module for checkpointing (checks it can be checkpointed, exports its
 * mutable globals, runs binaryen's asyncify pass over it; done only when a checkpoint is asked
 * for, so ordinary runs load the module untouched and pay nothing); (2) `GuestStopper`, which
 * wraps a wasi_snapshot_preview1 import object so that the first WASI call after the deadline
 * unwinds the guest's call stack (asyncify_start_unwind) instead of running, and so that a
 * restored guest's interrupted call finishes the rewind (asyncify_stop_rewind) and then runs;
 * (3) the guest part of the image: linear memory, the asyncify data ("stack"), the guest's
 * mutable globals (the shadow stack pointer among them) and the module bytes.
 * Must not: touch the filesystem core or host FDs (ts/wasi/index.ts makes the "core" section and
 * restores it), or run the guest's normal code while unwinding/rewinding.
 *
 * Where the asyncify data buffer lives (the choice, documented):
 *  - at checkpoint: memory is grown by `stackBufferPages` (default 16 = 1 MiB) *at the moment of
 *    the stop*, the buffer is put in the new pages, and only the guest's own pages (the size before
 *    that growth) go into the "memory" section; only the used part of the buffer goes into
 *    "stack". Growing before the guest runs would hand the pages to wasi-libc's allocator (it takes
 *    the memory between __heap_base and the end of memory), so it is never done up front.
 *  - at restore: the used data (normally a few KiB) is placed at address 0 of the guest's own,
 *    already restored memory; the bytes it covers are saved first and put back by the
 *    interrupted call the moment it stops the rewind, before it does anything else. Rewinding
 *    runs none of the guest's code (functions only reload their locals from the buffer), so
 *    nothing reads the borrowed bytes meanwhile, and the guest's memory size stays exactly what
 *    it was when it stopped. Only if the data is larger than the whole memory is memory grown.
 * The asyncify data holds no absolute address apart from its two header words, so it moves.
 *
 * Why the image carries the instrumented module bytes (section "module") rather than a path and
 * hash: the stack data is only meaningful for exactly the instrumented code that wrote it (call
 * indices and saved-local layout depend on the binaryen version and its options), the restored
 * run must work from another directory or machine, and restore then needs no binaryen at all.
 * The header keeps the SHA-256 of the original module for identification.
 */

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The module cannot be checkpointed (reported before it runs). */
export class NotCheckpointableError extends Error {
  constructor(what: string, reasons: readonly string[]) {
    super(`${what} cannot be checkpointed: ${reasons.join('; ')}`);
    this.name = 'NotCheckpointableError';
  }
}

/** A module instrumented for checkpointing. */
export interface PreparedModule {
  module: WebAssembly.Module;
  /** The instrumented bytes (saved in the image). */
  bytes: Uint8Array;
  /** SHA-256 (hex) of the original module bytes. */
  originalSha256: string;
  /** Export names of the guest's mutable globals, in order, with their value types. */
  globals: { name: string; type: 'i32' | 'i64' | 'f32' | 'f64' }[];
}

const GLOBAL_EXPORT_PREFIX = '__wdfs_ckpt_global_';
const ASYNCIFY_EXPORTS = ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind',
  'asyncify_stop_rewind', 'asyncify_get_state'] as const;

type Binaryen = typeof import('binaryen').default;

let binaryenP: Promise<Binaryen> | null = null;

/** binaryen (a large module) is imported on first use only: runs without checkpointing never
 * load it. The specifier is not a literal so the bundler leaves it to Node's resolution. */
function loadBinaryen(): Promise<Binaryen> {
  if (!binaryenP) {
    const name = 'binaryen';
    binaryenP = (import(name) as Promise<{ default: Binaryen }>).then((m) => m.default);
  }
  return binaryenP;
}

/** Section ids of a wasm binary (for features binaryen's reader does not expose: tags). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  const leb = (): number => {
    let v = 0, shift = 0, b: number;
    do {
      if (p >= bytes.length) throw new Error('truncated');
      b = bytes[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const len = leb();
    ids.push(id);
    p += len;
  }
  return ids;
}

/** The installed binaryen's version (from its package.json, without loading binaryen). */
function binaryenVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(join(dirname(req.resolve('binaryen')), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Bumped whenever the instrumentation below changes (part of the cache key). */
const PREPARE_VERSION = 1;

/** prepareCheckpointable() with an on-disk cache of instrumented modules in `cacheDir`, keyed by
 * the original's SHA-256, the binaryen version and PREPARE_VERSION (so a cached module is exactly
 * what the pass would produce now). Loading binaryen and running asyncify costs ~1 s of CPU per
 * process; a hit costs one compile. Entries are written atomically (temp + rename); an
 * unreadable or invalid entry is ignored and rewritten. Refusals are not cached. */
export async function prepareCheckpointableCached(original: Uint8Array, cacheDir: string, what = 'the module'): Promise<PreparedModule> {
  const sha = createHash('sha256').update(original).digest('hex');
  const key = join(cacheDir, `asyncify-${sha}-b${binaryenVersion()}-v${PREPARE_VERSION}`);
  try {
    const meta = JSON.parse(readFileSync(`${key}.json`, 'utf8')) as { globals: PreparedModule['globals'] };
    const bytes = new Uint8Array(readFileSync(`${key}.wasm`));
    if (Array.isArray(meta.globals)) {
      return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), bytes, originalSha256: sha, globals: meta.globals };
    }
  } catch {
    // a miss (or a damaged entry): prepare afresh below
  }
  const p = await prepareCheckpointable(original, what);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `.tmp-${process.pid}`;
    writeFileSync(`${key}.wasm${tmp}`, p.bytes);
    renameSync(`${key}.wasm${tmp}`, `${key}.wasm`);
    writeFileSync(`${key}.json${tmp}`, JSON.stringify({ globals: p.globals }));
    renameSync(`${key}.json${tmp}`, `${key}.json`);
  } catch {
    // the cache is an optimisation: a read-only or full cache directory is not an error
  }
  return p;
}

/** Checks that the module can be checkpointed and instruments it with asyncify (every
 * wasi_snapshot_preview1 import may unwind). Throws NotCheckpointableError listing every reason:
 * no exported memory or _start, an imported, shared (threads) or 64-bit memory, several
 * memories, exception handling (asyncify cannot unwind through it), mutable globals of a type
 * that cannot be saved, or a module already instrumented. */
export async function prepareCheckpointable(original: Uint8Array, what = 'the module'): Promise<PreparedModule> {
  const reasons: string[] = [];
  if (!WebAssembly.validate(original as Uint8Array<ArrayBuffer>)) throw new NotCheckpointableError(what, ['it is not a valid WebAssembly module']);
  let ids: number[];
  try {
    ids = sectionIds(original);
  } catch {
    throw new NotCheckpointableError(what, ['its sections cannot be read']);
  }
  if (ids.includes(13)) reasons.push('it uses exception handling (a tag section), which asyncify cannot unwind through');
  const b = await loadBinaryen();
  const m = b.readBinary(original);
  try {
    if (!m.hasMemory()) reasons.push('it has no linear memory');
    else {
      const mi = m.getMemoryInfo();
      if (mi.module) reasons.push(`its memory is imported (${mi.module}.${mi.base}), not its own`);
      if (mi.shared) reasons.push('its memory is shared (threads), which asyncify cannot checkpoint');
      if (mi.is64) reasons.push('its memory is 64-bit (memory64)');
    }
    const exports = new Map<string, { kind: number; value: string }>();
    for (let i = 0; i < m.getNumExports(); i++) {
      const e = b.getExportInfo(m.getExportByIndex(i));
      exports.set(e.name, { kind: e.kind, value: e.value });
    }
    if (exports.get('memory')?.kind !== b.ExternalMemory) reasons.push('it does not export its memory as "memory"');
    if (exports.get('_start')?.kind !== b.ExternalFunction) reasons.push('it does not export a _start function (not a WASI command)');
    for (const n of ASYNCIFY_EXPORTS) if (exports.has(n)) reasons.push(`it is already instrumented (exports ${n})`);
    const globals: PreparedModule['globals'] = [];
    const typeNames = new Map<number, 'i32' | 'i64' | 'f32' | 'f64'>([[b.i32, 'i32'], [b.i64, 'i64'], [b.f32, 'f32'], [b.f64, 'f64']]);
    const toExport: [string, string][] = [];
    for (let i = 0; i < m.getNumGlobals(); i++) {
      const g = b.getGlobalInfo(m.getGlobalByIndex(i));
      if (!g.mutable) continue;
      if (g.module) {
        reasons.push(`it imports the mutable global ${g.module}.${g.base}, whose value lives outside the module`);
        continue;
      }
      const t = typeNames.get(g.type);
      if (!t) {
        reasons.push(`its mutable global ${g.name} has a type that cannot be saved`);
        continue;
      }
      const ex = `${GLOBAL_EXPORT_PREFIX}${globals.length}`;
      toExport.push([g.name, ex]);
      globals.push({ name: ex, type: t });
    }
    if (reasons.length) throw new NotCheckpointableError(what, reasons);
    for (const [internal, ex] of toExport) m.addGlobalExport(internal, ex);
    const level = b.getOptimizeLevel();
    b.setOptimizeLevel(2);
    b.setPassArgument('asyncify-imports', 'wasi_snapshot_preview1.*');
    try {
      m.runPasses(['asyncify']);
    } catch (e) {
      throw new NotCheckpointableError(what, [`binaryen's asyncify pass failed: ${(e as Error).message}`]);
    } finally {
      b.setPassArgument('asyncify-imports', null);
      b.setOptimizeLevel(level);
    }
    const bytes = m.emitBinary();
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new NotCheckpointableError(what, [`the instrumented module does not compile: ${(e as Error).message}`]);
    }
    return { module, bytes, originalSha256: createHash('sha256').update(original).digest('hex'), globals };
  } finally {
    m.dispose();
  }
}

interface AsyncifyExports {
  memory: WebAssembly.Memory;
  asyncify_start_unwind(addr: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(addr: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

const STATE_UNWINDING = 1;
const STATE_REWINDING = 2;
const PAGE = 65536;

/** When to stop: after `afterMs` ms of running, at the `afterCalls`-th WASI call (1-based), or
 * when requested; whichever comes first. */
export interface StopPolicy {
  afterMs?: number;
  afterCalls?: number;
  /** Pages grown for the asyncify data at the stop (default 16 = 1 MiB). */
  stackBufferPages?: number;
}

/** What the stop captured (ts/wasi makes the image of it with the core's part). */
export interface GuestState {
  /** The WASI function the guest was stopped in. */
  stoppedIn: string;
  /** The guest's memory (its own pages), trailing zero bytes left off. */
  memory: Uint8Array;
  /** Byte length of the guest's memory when it stopped. */
  memoryBytes: number;
  /** The used asyncify data (the unwound call stack). */
  stack: Uint8Array;
  /** Values of the guest's mutable globals (i64 as decimal strings). */
  globals: { name: string; type: string; value: string }[];
}

/** What a restore brings back to the guest before rewinding. */
export interface GuestResume {
  memory: Uint8Array;
  memoryBytes: number;
  stack: Uint8Array;
  globals: { name: string; type: string; value: string }[];
}

/** The stdio bookkeeping the image keeps: which guest fds are the stdio streams (0, 1, 2 of the
 * process), and how many bytes the guest has read from stdin. */
export interface StreamBook {
  streams: Map<number, number>;
  stdinBytes: number;
}

type Fn = (...a: never[]) => unknown;

/** Stops a guest at a WASI call boundary and resumes it. One per WASI object. */
export class GuestStopper {
  private readonly policy: StopPolicy;
  private deadline = Infinity;
  private calls = 0;
  private requested = false;
  private exp: AsyncifyExports | null = null;
  private globalNames: PreparedModule['globals'] = [];
  /** Set while a stop is unwinding: the WASI call that saw the deadline. */
  private stopping: string | null = null;
  /** Asyncify data address at the stop (grown pages) and the memory size before the growth. */
  private dataAddr = 0;
  private ownBytes = 0;
  /** Restore: the data to rewind with, and the bytes it borrowed. */
  private rewind: { addr: number; saved: Uint8Array } | null = null;
  readonly book: StreamBook = { streams: new Map([[0, 0], [1, 1], [2, 2]]), stdinBytes: 0 };

  constructor(policy: StopPolicy) {
    this.policy = policy;
    const pages = policy.stackBufferPages ?? 16;
    if (!Number.isInteger(pages) || pages < 1 || pages > 1024) throw new TypeError('wasi-directfs: checkpoint.stackBufferPages must be an integer in 1..1024');
    if (policy.afterMs !== undefined && !(typeof policy.afterMs === 'number' && policy.afterMs >= 0)) {
      throw new TypeError('wasi-directfs: checkpoint.afterMs must be a non-negative number');
    }
    if (policy.afterCalls !== undefined && !(Number.isInteger(policy.afterCalls) && policy.afterCalls >= 1)) {
      throw new TypeError('wasi-directfs: checkpoint.afterCalls must be a positive integer');
    }
  }

  /** Stop at the next WASI call. */
  request(): void {
    this.requested = true;
  }

  /** Binds the instrumented instance (checks it has the asyncify exports) and starts the clock. */
  bind(instance: WebAssembly.Instance, globals: PreparedModule['globals']): void {
    const e = instance.exports as Record<string, unknown>;
    for (const n of ASYNCIFY_EXPORTS) {
      if (typeof e[n] !== 'function') {
        throw new TypeError(`wasi-directfs: checkpointing needs a module prepared by prepareCheckpointable() (it lacks ${n})`);
      }
    }
    for (const g of globals) {
      if (!(e[g.name] instanceof WebAssembly.Global)) throw new TypeError(`wasi-directfs: the prepared module lacks its global export ${g.name}`);
    }
    this.exp = e as unknown as AsyncifyExports;
    this.globalNames = globals;
    if (this.policy.afterMs !== undefined) this.deadline = performance.now() + this.policy.afterMs;
  }

  private due(): boolean {
    this.calls++;
    return this.requested || (this.policy.afterCalls !== undefined && this.calls >= this.policy.afterCalls)
      || (this.deadline !== Infinity && performance.now() >= this.deadline);
  }

  /** Wraps every import: the stop check, the rewind's end, and the stdio bookkeeping. */
  wrap<T extends object>(imports: T): T {
    const out: Record<string, Fn> = {};
    for (const [name, f] of Object.entries(imports as Record<string, Fn>)) {
      const fn = f as (...a: unknown[]) => unknown;
      const book = name === 'fd_read' || name === 'fd_close' || name === 'fd_renumber';
      out[name] = ((...a: unknown[]): unknown => {
        if (this.rewind) this.finishRewind();
        else if (this.exp && this.stopping === null && this.due()) {
          this.startUnwind(name);
          return 0; // ignored: the caller is unwinding
        }
        const r = fn(...a);
        if (book && r === 0) this.keepBook(name, a);
        return r;
      }) as Fn;
    }
    return out as T;
  }

  private keepBook(name: string, a: unknown[]): void {
    const s = this.book.streams;
    if (name === 'fd_close') s.delete(a[0] as number);
    else if (name === 'fd_renumber') {
      const from = a[0] as number, to = a[1] as number;
      const v = s.get(from);
      s.delete(from);
      if (v === undefined) s.delete(to);
      else s.set(to, v);
    } else if (s.get(a[0] as number) === 0 && this.exp) {
      const dv = new DataView(this.exp.memory.buffer);
      this.book.stdinBytes += dv.getUint32(a[3] as number, true);
    }
  }

  private startUnwind(name: string): void {
    const exp = this.exp!;
    const pages = this.policy.stackBufferPages ?? 16;
    let old: number;
    try {
      old = exp.memory.grow(pages);
    } catch (e) {
      throw new Error(`wasi-directfs: cannot checkpoint: the guest's memory cannot grow by ${pages} pages for the stack data (${(e as Error).message})`);
    }
    this.ownBytes = old * PAGE;
    this.dataAddr = this.ownBytes;
    const dv = new DataView(exp.memory.buffer);
    dv.setUint32(this.dataAddr, this.dataAddr + 8, true);
    dv.setUint32(this.dataAddr + 4, this.dataAddr + pages * PAGE, true);
    this.stopping = name;
    exp.asyncify_start_unwind(this.dataAddr);
  }

  /** After _start returned: true when it returned because of a stop (then the stack is unwound
   * and collect() may be called). */
  get stopped(): boolean {
    return this.stopping !== null && this.exp !== null && this.exp.asyncify_get_state() === STATE_UNWINDING;
  }

  /** True once a stop has begun (the guest is unwinding, or has unwound). */
  get unwinding(): boolean {
    return this.stopping !== null;
  }

  /** Ends the unwind and captures memory, stack data and globals. */
  collect(): GuestState {
    const exp = this.exp!;
    exp.asyncify_stop_unwind();
    const u8 = new Uint8Array(exp.memory.buffer);
    const dv = new DataView(exp.memory.buffer);
    const end = dv.getUint32(this.dataAddr, true);
    const stack = u8.slice(this.dataAddr + 8, end);
    let len = this.ownBytes;
    while (len > 0 && u8[len - 1] === 0) len--;
    const e = exp as unknown as Record<string, WebAssembly.Global>;
    const globals = this.globalNames.map((g) => ({ name: g.name, type: g.type, value: String(e[g.name]!.value as number | bigint) }));
    return { stoppedIn: this.stopping!, memory: u8.slice(0, len), memoryBytes: this.ownBytes, stack, globals };
  }

  /** Restore: puts memory, globals and the stack data in place and starts the rewind; the caller
   * then calls _start, and the interrupted WASI call finishes the rewind. */
  startRewind(state: GuestResume): void {
    const exp = this.exp!;
    const mem = exp.memory;
    const have = mem.buffer.byteLength;
    if (state.memoryBytes % PAGE !== 0 || state.memory.length > state.memoryBytes) throw new Error('wasi-directfs: restore: the memory section does not fit the saved memory size');
    if (have < state.memoryBytes) mem.grow((state.memoryBytes - have) / PAGE);
    else if (have > state.memoryBytes) throw new Error(`wasi-directfs: restore: the module's initial memory (${have} bytes) exceeds the saved memory (${state.memoryBytes} bytes)`);
    let u8 = new Uint8Array(mem.buffer);
    u8.set(state.memory, 0);
    u8.fill(0, state.memory.length);
    const e = exp as unknown as Record<string, WebAssembly.Global>;
    for (const g of state.globals) {
      const gl = e[g.name];
      if (!(gl instanceof WebAssembly.Global)) throw new Error(`wasi-directfs: restore: the module lacks the global ${g.name}`);
      gl.value = g.type === 'i64' ? BigInt(g.value) : Number(g.value);
    }
    const need = state.stack.length + 8;
    let addr = 0;
    if (need > state.memoryBytes) { // larger than the whole memory: grow for it
      addr = mem.grow(Math.ceil(need / PAGE)) * PAGE;
      u8 = new Uint8Array(mem.buffer);
    }
    const saved = u8.slice(addr, addr + need);
    u8.set(state.stack, addr + 8);
    const dv = new DataView(mem.buffer);
    dv.setUint32(addr, addr + need, true);
    dv.setUint32(addr + 4, addr + need, true);
    this.rewind = { addr, saved };
    exp.asyncify_start_rewind(addr);
  }

  private finishRewind(): void {
    const exp = this.exp!;
    const r = this.rewind!;
    this.rewind = null;
    if (exp.asyncify_get_state() !== STATE_REWINDING) throw new Error('wasi-directfs: restore: a WASI call came while not rewinding');
    exp.asyncify_stop_rewind();
    new Uint8Array(exp.memory.buffer).set(r.saved, r.addr);
  }

  /** True if _start returned while the rewind had not reached the interrupted call (the stack
   * data does not belong to this module). */
  get rewindUnfinished(): boolean {
    return this.rewind !== null;
  }
}

/** A stream slot of a core image's fd table (core-c/src/checkpoint.c's layout). */
export interface StreamSlot {
  fd: number;
  rights: bigint;
  fdflags: number;
}

/** Reads the stream slots (fds restored "detached", to re-attach with wfs_stdio) out of a core
 * image; throws on a malformed image (the core rejects it too, this only reads). */
export function coreStreamSlots(img: Uint8Array): StreamSlot[] {
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  let p = 8 + 4 + 8 + 8; // magic, flags, home device, last assigned inode number
  const need = (n: number): void => {
    if (p + n > img.length) throw new Error('malformed core image');
  };
  need(4);
  const nino = dv.getUint32(p, true);
  p += 4 + nino * 24;
  need(4);
  const nrec = dv.getUint32(p, true);
  p += 4;
  for (let i = 0; i < nrec; i++) {
    need(7);
    const kind = dv.getUint8(p);
    const nl = dv.getUint16(p + 5, true);
    p += 7 + nl + 24;
    need(16);
    const mode = dv.getUint32(p, true);
    p += 16 + 8 + 24;
    if (kind === 2 && (mode & 0o170000) === 0o100000) {
      need(8);
      const n = Number(dv.getBigUint64(p, true));
      p += 8 + n;
    }
  }
  need(4);
  const nfds = dv.getUint32(p, true);
  p += 4;
  const out: StreamSlot[] = [];
  for (let i = 0; i < nfds; i++) {
    need(4 + 4 + 2 + 24 + 4 + 2);
    const fd = dv.getUint32(p, true);
    const kind = dv.getUint8(p + 4);
    const fdflags = dv.getUint16(p + 8, true);
    const rights = dv.getBigUint64(p + 10, true);
    const pl = dv.getUint16(p + 38, true);
    p += 40 + pl;
    if (kind === 2) out.push({ fd, rights, fdflags });
  }
  return out;
}
