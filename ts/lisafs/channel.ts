/* channel.ts — the two lisafs channels, both ends: `worker` (SharedArrayBuffer + Atomics, the
 * gofer in a worker_thread, FDs shared by number) and `process` (the gofer in a child process on
 * a Unix stream socketpair, 8-byte frame headers, donated FDs as SCM_RIGHTS).
 *
 * Owns:
 *  - the shared-memory layout of the worker channel and its state word protocol (flipcall's:
 *    0 = client active, 1 = server active, 2 = shutdown; the side that hands over stores the
 *    peer's value and notifies; the waiter spins briefly, then Atomics.wait with a timeout);
 *  - the socket framing of the process channel ({payloadLen u32, MID u16, pad u16} + payload);
 *  - `Transport`: the client end (one synchronous `call`), and the server loops `serveWorker` /
 *    `serveProcess` that feed a GoferConnection;
 *  - gofer death detection: the worker's thread id in /proc/self/task and its recorded exit
 *    code; for the child, EOF/EPIPE on the socket and its exit status read with waitid(WNOWAIT).
 *
 * Must never: hang when the gofer is gone (every wait has a timeout and a liveness check, the
 * socket reports EOF), leak a donated FD the caller will not see (extras are closed), or read a
 * shared byte twice on the server side (the request is copied out once, then decoded).
 */

import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { MAX_MESSAGE_SIZE, HEADER_SIZE } from './messages.js';
import { GoferServer, errorReply, setFdTracker } from './server.js';
import { errnoName } from '../host/hostfd.js';
import type { GoferConnection, Reply } from './server.js';
import * as sys from './sys.js';
import { EIO, EINVAL } from './sys.js';

/** One reply as the client receives it: MID, the payload (private to the client, never shared
 * memory; valid until the transport's next call), donated host FDs (owned by the caller from
 * now on). */
export interface RawReply {
  mid: number;
  payload: Uint8Array;
  fds: number[];
}

/** A lisafs failure at the client: `errno` (Linux numbering), `code` ('ENOENT'). */
export class LisafsError extends Error {
  readonly code: string;
  constructor(
    readonly errno: number,
    message?: string,
  ) {
    const code = errnoName(errno)[0];
    super(message ?? `lisafs: ${code}`);
    this.name = 'LisafsError';
    this.code = code;
  }
}


/** The client end of a channel. `call` is synchronous: it returns when the reply is in. */
export interface Transport {
  readonly kind: 'worker' | 'process';
  /** Sends one request and waits for its reply. Throws LisafsError(EIO, "the file server
   * exited (status N)") once the gofer is gone, and EINVAL for a payload above the maximum. */
  call(mid: number, payload: Uint8Array): RawReply;
  /** Ends the connection (the gofer closes its FDs and exits). Idempotent. */
  close(): void;
}

/** Error for a dead gofer; `status` is its exit code (128 + signal number when killed). */
export function exitedError(code: number | null, signal: number | null): LisafsError {
  if (signal !== null) {
    const names: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };
    return new LisafsError(EIO, `the file server exited (status ${128 + signal}), killed by ${names[signal] ?? `signal ${signal}`}`);
  }
  return new LisafsError(EIO, `the file server exited (status ${code ?? 1})`);
}

/** Finds the bundled gofer (dist/lisafs/gofer-main.js): an explicit path, $WASI_DIRECTFS_GOFER_SCRIPT, next to this
 * bundle, or in a dist/ directory of this bundle's directory or any ancestor (tests run from build/test/).
 * ($WASI_DIRECTFS_GOFER names the channel, worker or process: see ts/fs.ts withEnvDefaults.) */
export function findGoferScript(explicit?: string): string {
  const tried: string[] = [];
  const cands: string[] = [];
  if (explicit) cands.push(explicit);
  const env = process.env['WASI_DIRECTFS_GOFER_SCRIPT'];
  if (env) cands.push(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  // esbuild keeps the entries' common base: ts/lisafs/gofer-main.ts lands in dist/lisafs/.
  cands.push(join(dir, 'gofer-main.js'), join(dir, 'lisafs', 'gofer-main.js'));
  for (let i = 0; i < 8; i++) {
    cands.push(join(dir, 'dist', 'lisafs', 'gofer-main.js'), join(dir, 'dist', 'gofer-main.js'));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const c of cands) {
    tried.push(c);
    if (existsSync(c)) return c;
  }
  throw new LisafsError(EIO, `lisafs: cannot find the gofer script (tried ${tried.join(', ')}); run ./build.sh`);
}

// ==== worker channel ===========================================================================

const ST_CLIENT = 0;
const ST_SERVER = 1;
const ST_SHUTDOWN = 2;
/* Int32 slots of the control block. */
const W_STATE = 0;
const W_LEN = 1;
const W_MID = 2;
const W_NFDS = 3;
const W_FDS = 4; // 8 slots
const W_MAXFDS = 8;
const W_TID = 12;
const W_EXIT = 13;
const W_READY = 14;
const W_DATA = 64; // byte offset of the payload
/* After the payload: a bitmap of the host FDs the gofer holds (bit fd), FDs 0 .. TRACK_FDS-1. */
const TRACK_FDS = 1 << 20;
const W_TRACK = W_DATA + MAX_MESSAGE_SIZE;
const NO_EXIT = -0x80000000;
/* How long a waiting end polls the state word before it sleeps in Atomics.wait. A sleeping
 * thread takes tens of microseconds to wake (futex wake + scheduling: measured 75 us per RPC
 * round trip with a ~1 us poll, 9 us with a 50-200 us one), and a client making a run of calls
 * sends its next one within microseconds, so each end polls for up to SPIN_US before sleeping.
 * The poll is bounded in time, not iterations (an unoptimised loop is 50x slower per iteration). */
const SPIN_US = 200;
const WAIT_MS = 20;

/** Polls i32[at] while it equals `v`, for up to SPIN_US. Returns true if it still equals `v`
 * (the caller then sleeps in Atomics.wait), false once it changed. It yields the CPU between
 * short polls: on a 2-CPU host both channel ends wait at once, and spinning starves V8's
 * background threads (concurrent TurboFan, GC), which then preempt a spinning end for a whole
 * time slice (measured: read-files in lisafs mode 497 -> 390 ms with V8's concurrent
 * recompilation off; sched_yield gives them the CPU without sleeping). Even a first burst of 256
 * loads before the first yield cost ~10% (stat-storm 121-156 -> 107-115 ms, read-files 188-202
 * -> 170-185; a burst of 4,096 doubled both), so each poll is 16 loads. */
function spinWhile(i32: Int32Array, at: number, v: number): boolean {
  const until = performance.now() + SPIN_US / 1000;
  for (;;) {
    for (let k = 0; k < 16; k++) if (Atomics.load(i32, at) !== v) return false;
    if (performance.now() > until) return true;
    sys.schedYield();
  }
}

/** What gofer-main receives as workerData in the worker channel. */
export interface WorkerGoferData {
  channel: 'worker';
  sab: SharedArrayBuffer;
  root: string;
}

/** Client end of the worker channel. */
export class WorkerTransport implements Transport {
  readonly kind = 'worker' as const;
  readonly worker: Worker;
  private readonly i32: Int32Array;
  private readonly data: Uint8Array;
  /** The gofer's held-FD bitmap (setFdTracker in the gofer thread). */
  private readonly held: Int32Array;
  /** Replies are copied out of shared memory into this (see copyOut). */
  private reply = new Uint8Array(4096);
  private dead: LisafsError | null = null;
  private closed = false;

  /** Starts the gofer worker on `root` and waits (up to 15 s) until it serves. Throws
   * LisafsError with the gofer's errno when it cannot open the root. */
  constructor(root: string, goferScript?: string) {
    const sab = new SharedArrayBuffer(W_TRACK + TRACK_FDS / 8);
    this.i32 = new Int32Array(sab, 0, W_DATA / 4);
    this.data = new Uint8Array(sab, W_DATA, MAX_MESSAGE_SIZE);
    this.held = new Int32Array(sab, W_TRACK, TRACK_FDS / 32);
    this.i32[W_EXIT] = NO_EXIT;
    const wd: WorkerGoferData = { channel: 'worker', sab, root };
    // execArgv []: the embedder's node options are not the gofer's (e.g. `--input-type=module -e`
    // would make Node refuse the gofer script).
    this.worker = new Worker(findGoferScript(goferScript), { workerData: wd, stdout: false, stderr: false, execArgv: [] });
    this.worker.unref();
    // If the event loop runs after the worker exits, its exit code arrives here as well.
    this.worker.on('exit', (code) => {
      if (Atomics.load(this.i32, W_EXIT) === NO_EXIT) Atomics.store(this.i32, W_EXIT, code);
    });
    this.worker.on('error', () => {});
    const t0 = Date.now();
    while (Atomics.load(this.i32, W_READY) === 0) {
      if (Atomics.load(this.i32, W_EXIT) !== NO_EXIT || Date.now() - t0 > 15000) {
        void this.worker.terminate();
        throw exitedError(this.exitCode(), null);
      }
      Atomics.wait(this.i32, W_READY, 0, WAIT_MS);
    }
    const ready = Atomics.load(this.i32, W_READY);
    if (ready < 0) {
      // The gofer returns at once: wait for its thread to end so that none of its FDs outlives
      // this constructor (the mount's caller counts /proc/self/fd).
      this.closed = true;
      this.waitGone(Atomics.load(this.i32, W_TID));
      throw new LisafsError(-ready, `lisafs: the file server cannot open ${JSON.stringify(root)} (${errnoName(-ready)[0]})`);
    }
  }

  private exitCode(): number {
    const c = Atomics.load(this.i32, W_EXIT);
    return c === NO_EXIT ? 1 : c; // terminate() records nothing; Node reports 1 for it
  }

  private alive(): boolean {
    if (Atomics.load(this.i32, W_EXIT) !== NO_EXIT) return false;
    const tid = Atomics.load(this.i32, W_TID);
    return tid <= 0 || existsSync(`/proc/self/task/${tid}`);
  }

  call(mid: number, payload: Uint8Array): RawReply {
    if (this.dead) throw this.dead;
    if (this.closed) throw new LisafsError(EIO, 'lisafs: the connection is closed');
    if (payload.length > MAX_MESSAGE_SIZE) throw new LisafsError(EINVAL, 'lisafs: request above the maximum message size');
    return this.exchange(mid, payload.length, payload);
  }

  /** Like call, but the shared length slot says `claimedLen` and the MID slot `mid` as given
   * (tests of a hostile client; `payload` must fit the shared area). */
  exchange(mid: number, claimedLen: number, payload: Uint8Array): RawReply {
    if (this.dead) throw this.dead;
    if (this.closed) throw new LisafsError(EIO, 'lisafs: the connection is closed');
    const i32 = this.i32;
    this.data.set(payload, 0);
    i32[W_LEN] = claimedLen;
    i32[W_MID] = mid;
    Atomics.store(i32, W_STATE, ST_SERVER);
    Atomics.notify(i32, W_STATE, 1);
    spinWhile(i32, W_STATE, ST_SERVER);
    while (Atomics.load(i32, W_STATE) === ST_SERVER) {
      // A timeout, or a wake with no reply (the worker's exit hook notifies): is it still there?
      if (Atomics.wait(i32, W_STATE, ST_SERVER, WAIT_MS) !== 'not-equal' && Atomics.load(i32, W_STATE) === ST_SERVER && !this.alive()) {
        this.dead = exitedError(this.exitCode(), null);
        throw this.dead;
      }
    }
    const len = i32[W_LEN] as number;
    const rmid = i32[W_MID] as number;
    const nfds = Math.min(Math.max(i32[W_NFDS] as number, 0), W_MAXFDS);
    const fds: number[] = [];
    for (let i = 0; i < nfds; i++) fds.push(i32[W_FDS + i] as number);
    if (len < 0 || len > MAX_MESSAGE_SIZE) {
      for (const f of fds) sys.close(f);
      throw new LisafsError(EIO, 'lisafs: malformed reply length');
    }
    return { mid: rmid, payload: this.copyOut(len), fds };
  }

  /** Copies the reply's `len` bytes out of shared memory into this end's own buffer (grown on
   * demand), so the gofer cannot change them while they are decoded. */
  private copyOut(len: number): Uint8Array {
    if (len > this.reply.length) this.reply = new Uint8Array(Math.max(len, 2 * this.reply.length));
    this.reply.set(this.data.subarray(0, len), 0);
    return this.reply.subarray(0, len);
  }

  /** Stores the shutdown state and waits (bounded to 5 s) until the gofer thread is gone, so
   * that every FD it held (the mount root, /proc/self/fd, its FD table, its event loop's own
   * FDs) is closed when close() returns: both threads share this process's FD table. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.i32, W_STATE, ST_SHUTDOWN);
    Atomics.notify(this.i32, W_STATE);
    this.waitGone(Atomics.load(this.i32, W_TID));
  }

  /** Waits (bounded to 5 s) until thread `tid` of this process has exited, then closes the host
   * FDs it still held: none after a normal shutdown (the gofer clears each bit before its close),
   * its root, /proc/self/fd and FD table when it was killed mid-run (worker.terminate() stops its
   * JavaScript wherever it stands). */
  private waitGone(tid: number): void {
    if (tid <= 0) return;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const t0 = Date.now();
    while (existsSync(`/proc/self/task/${tid}`) && Date.now() - t0 < 5000) Atomics.wait(nap, 0, 0, 1);
    if (existsSync(`/proc/self/task/${tid}`)) return; // still there: its FDs are still its own
    for (let w = 0; w < this.held.length; w++) {
      const bits = Atomics.exchange(this.held, w, 0);
      if (bits === 0) continue;
      for (let b = 0; b < 32; b++) if (bits & (1 << b)) sys.close(w * 32 + b);
    }
  }
}

/** Server loop of the worker channel (runs in the gofer worker; returns at shutdown). */
export function serveWorker(wd: WorkerGoferData, onExit: (cb: (code: number) => void) => void): void {
  const i32 = new Int32Array(wd.sab, 0, W_DATA / 4);
  const data = new Uint8Array(wd.sab, W_DATA, MAX_MESSAGE_SIZE);
  const held = new Int32Array(wd.sab, W_TRACK, TRACK_FDS / 32);
  setFdTracker((fd, on) => {
    if (fd < 0 || fd >= TRACK_FDS) return;
    if (on) Atomics.or(held, fd >>> 5, 1 << (fd & 31));
    else Atomics.and(held, fd >>> 5, ~(1 << (fd & 31)));
  });
  onExit((code) => {
    Atomics.store(i32, W_EXIT, code);
    Atomics.notify(i32, W_STATE);
    Atomics.notify(i32, W_READY);
  });
  Atomics.store(i32, W_TID, sys.gettid());
  let server: GoferServer;
  try {
    server = GoferServer.open(wd.root);
  } catch (e) {
    const errno = typeof (e as { errno?: unknown }).errno === 'number' ? ((e as { errno: number }).errno) : EIO;
    Atomics.store(i32, W_READY, -errno);
    Atomics.notify(i32, W_READY);
    return;
  }
  const conn = server.connect();
  let req = new Uint8Array(4096);
  Atomics.store(i32, W_READY, 1);
  Atomics.notify(i32, W_READY);
  for (;;) {
    const s = Atomics.load(i32, W_STATE);
    if (s === ST_SHUTDOWN) break;
    if (s !== ST_SERVER) {
      // Poll briefly first: a client making a run of calls sends the next one soon.
      if (spinWhile(i32, W_STATE, s)) Atomics.wait(i32, W_STATE, s, 1000);
      continue;
    }
    const len = Atomics.load(i32, W_LEN);
    const mid = Atomics.load(i32, W_MID);
    // Copied once out of shared memory (into req, grown on demand) before any byte is interpreted.
    let reply: Reply;
    if (len < 0 || len > MAX_MESSAGE_SIZE || mid < 0 || mid > 0xffff) {
      reply = errorReply(EIO);
    } else {
      if (len > req.length) req = new Uint8Array(Math.max(len, 2 * req.length));
      req.set(data.subarray(0, len), 0);
      reply = conn.handle(mid, req.subarray(0, len));
    }
    data.set(reply.payload, 0);
    const fds = reply.fds.slice(0, W_MAXFDS);
    for (const f of reply.fds.slice(W_MAXFDS)) sys.close(f);
    fds.forEach((f, i) => (i32[W_FDS + i] = f));
    i32[W_NFDS] = fds.length;
    i32[W_LEN] = reply.payload.length;
    i32[W_MID] = reply.mid;
    if (Atomics.compareExchange(i32, W_STATE, ST_SERVER, ST_CLIENT) !== ST_SERVER) {
      for (const f of fds) sys.close(f); // shut down meanwhile: nobody takes the FDs
      break;
    }
    Atomics.notify(i32, W_STATE, 1);
  }
  conn.closeAll();
  server.close();
}

// ==== process channel ==========================================================================

/** Client end of the process channel: owns its socket end and the child. */
export class ProcessTransport implements Transport {
  readonly kind = 'process' as const;
  readonly pid: number;
  private readonly fd: number;
  private readonly sbuf = new sys.NativeBuf(HEADER_SIZE + MAX_MESSAGE_SIZE);
  private readonly rbuf = new sys.NativeBuf(HEADER_SIZE + MAX_MESSAGE_SIZE);
  private readonly msg = new sys.MsgScratch();
  private dead: LisafsError | null = null;
  private closed = false;
  private exitStatus: { code: number | null; signal: number | null } | null = null;

  /** Spawns `node gofer-main.js --fd 3 --root ROOT` with one end of a new socketpair as its
   * FD 3. The child opens the root itself; a failure shows at the first call (it exits). */
  constructor(root: string, goferScript?: string) {
    const pair = sys.socketpair(sys.SOCK_STREAM);
    if (typeof pair === 'number') throw new LisafsError(-pair, `lisafs: socketpair failed (errno ${-pair})`);
    const [mine, theirs] = pair;
    let script: string;
    try {
      script = findGoferScript(goferScript);
    } catch (e) {
      sys.close(mine);
      sys.close(theirs);
      throw e;
    }
    const child = spawn(process.execPath, [script, '--fd', '3', '--root', root], {
      stdio: ['ignore', 'inherit', 'inherit', theirs],
    });
    sys.close(theirs);
    if (child.pid === undefined) {
      sys.close(mine);
      throw new LisafsError(EIO, 'lisafs: cannot start the file server process');
    }
    child.on('error', () => {});
    // Node reaps the child when its event loop runs; keep the status it saw for fail().
    child.on('exit', (code, signal) => {
      this.exitStatus = { code, signal: signal === null ? null : (osConstants.signals[signal] ?? null) };
    });
    child.unref();
    this.pid = child.pid;
    this.fd = mine;
  }

  private fail(): never {
    // The peer is gone (EOF / EPIPE): wait (bounded) for its status without reaping it.
    let st = sys.peekChildExit(this.pid);
    const t0 = Date.now();
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (st === null && this.exitStatus === null && Date.now() - t0 < 3000) {
      Atomics.wait(nap, 0, 0, 2);
      st = sys.peekChildExit(this.pid);
    }
    st ??= this.exitStatus;
    this.dead = st === null ? new LisafsError(EIO, 'the file server exited (status unknown)') : exitedError(st.code, st.signal);
    sys.close(this.fd);
    this.release();
    throw this.dead;
  }

  call(mid: number, payload: Uint8Array): RawReply {
    if (this.dead) throw this.dead;
    if (this.closed) throw new LisafsError(EIO, 'lisafs: the connection is closed');
    if (payload.length > MAX_MESSAGE_SIZE) throw new LisafsError(EINVAL, 'lisafs: request above the maximum message size');
    return this.exchange(mid, payload.length, payload);
  }

  /** Sends a frame whose header claims `claimedLen` with `payload` as its bytes (the two differ
   * only in tests of hostile framing), then reads one reply. */
  exchange(mid: number, claimedLen: number, payload: Uint8Array): RawReply {
    if (this.dead) throw this.dead;
    if (this.closed) throw new LisafsError(EIO, 'lisafs: the connection is closed');
    const s = this.sbuf;
    s.dv.setUint32(0, claimedLen >>> 0, true);
    s.dv.setUint16(4, mid & 0xffff, true);
    s.dv.setUint16(6, 0, true);
    let sent = 0;
    let r = 0;
    // Payloads above the buffer (hostile-size tests) go out in buffer-sized pieces.
    s.u8.set(payload.subarray(0, Math.min(payload.length, s.size - HEADER_SIZE)), HEADER_SIZE);
    const first = Math.min(payload.length, s.size - HEADER_SIZE);
    r = sys.sendAll(this.fd, s, HEADER_SIZE + first);
    sent = first;
    while (r === 0 && sent < payload.length) {
      const n = Math.min(payload.length - sent, s.size);
      s.u8.set(payload.subarray(sent, sent + n), 0);
      r = sys.sendAll(this.fd, s, n);
      sent += n;
    }
    if (r < 0) this.fail();
    return this.receive();
  }

  /** Writes `bytes` to the socket as they are, no header added and no reply read (tests of
   * hostile framing, e.g. a truncated frame before EOF). Throws the exit error if the gofer is
   * gone. */
  sendRaw(bytes: Uint8Array): void {
    if (this.dead) throw this.dead;
    if (this.closed) throw new LisafsError(EIO, 'lisafs: the connection is closed');
    for (let at = 0; at < bytes.length; at += this.sbuf.size) {
      const piece = bytes.subarray(at, at + this.sbuf.size);
      this.sbuf.u8.set(piece, 0);
      if (sys.sendAll(this.fd, this.sbuf, piece.length) < 0) this.fail();
    }
  }

  /** Reads one reply: one recvmsg for as much as is there (usually the whole reply, with its
   * SCM_RIGHTS), then the rest of the frame if it was split. Bytes beyond the frame or a length
   * above the maximum are a broken server: the connection is closed (EIO). */
  private receive(): RawReply {
    const b = this.rbuf;
    sys.spinReadable(this.fd, SPIN_US);
    const first = this.msg.recvWithFds(this.fd, b, 0, b.size);
    const fds = first.fds;
    const closeFds = (): void => {
      for (const f of fds) sys.close(f);
    };
    if (first.n <= 0) {
      closeFds();
      this.fail();
    }
    let have = first.n;
    if (have < HEADER_SIZE) {
      const r = sys.recvAll(this.fd, b, have, HEADER_SIZE - have);
      if (r <= 0) {
        closeFds();
        this.fail();
      }
      have = HEADER_SIZE;
    }
    const len = b.dv.getUint32(0, true);
    const mid = b.dv.getUint16(4, true);
    if (len > MAX_MESSAGE_SIZE || have > HEADER_SIZE + len) {
      closeFds();
      this.shutdown();
      throw new LisafsError(EIO, 'lisafs: malformed reply frame from the file server; connection closed');
    }
    if (have < HEADER_SIZE + len) {
      const r = sys.recvAll(this.fd, b, have, HEADER_SIZE + len - have);
      if (r <= 0) {
        closeFds();
        this.fail();
      }
    }
    return { mid, payload: b.u8.subarray(HEADER_SIZE, HEADER_SIZE + len), fds }; // rbuf is this end's own
  }

  private shutdown(): void {
    if (this.closed) return;
    sys.shutdown(this.fd);
    sys.close(this.fd);
    this.release();
  }

  /** Marks the transport closed and frees its native buffers. */
  private release(): void {
    this.closed = true;
    this.sbuf.free();
    this.rbuf.free();
  }

  close(): void {
    if (this.dead) return;
    this.shutdown();
  }
}

/** Server loop of the process channel (the child's main thread; returns when the client
 * closes its end or the socket fails). Requests never carry FDs: reading with recv makes the
 * kernel discard any that a client attaches. */
export function serveProcess(fd: number, conn: Pick<GoferConnection, 'handle'>): void {
  const rbuf = new sys.NativeBuf(HEADER_SIZE + MAX_MESSAGE_SIZE);
  const sbuf = new sys.NativeBuf(HEADER_SIZE + MAX_MESSAGE_SIZE);
  const msg = new sys.MsgScratch();
  // rbuf[0, have) holds received bytes not yet consumed (a frame, its start, or more).
  let have = 0;
  const fill = (need: number): boolean => {
    while (have < need) {
      const r = sys.recvSome(fd, rbuf, have, rbuf.size - have);
      if (r <= 0) return false;
      have += r;
    }
    return true;
  };
  for (;;) {
    if (have < HEADER_SIZE) sys.spinReadable(fd, SPIN_US); // a client making a run of calls sends the next one soon
    if (!fill(HEADER_SIZE)) break;
    const len = rbuf.dv.getUint32(0, true);
    const mid = rbuf.dv.getUint16(4, true);
    let reply: Reply;
    if (len > MAX_MESSAGE_SIZE) {
      // Oversized: consume the announced payload, answer EIO (reference §5.4). Everything
      // buffered belongs to it (the buffer holds at most HEADER_SIZE + MAX_MESSAGE_SIZE bytes).
      let left = len - (have - HEADER_SIZE);
      have = 0;
      let eof = false;
      while (left > 0) {
        const r = sys.recvSome(fd, rbuf, 0, Math.min(left, rbuf.size));
        if (r <= 0) {
          eof = true;
          break;
        }
        left -= r;
      }
      if (eof) break;
      reply = errorReply(EIO);
    } else {
      if (!fill(HEADER_SIZE + len)) break;
      // The frame is handled in place; the bytes after it move down only afterwards.
      reply = conn.handle(mid, rbuf.u8.subarray(HEADER_SIZE, HEADER_SIZE + len));
      rbuf.u8.copyWithin(0, HEADER_SIZE + len, have);
      have -= HEADER_SIZE + len;
    }
    sbuf.dv.setUint32(0, reply.payload.length, true);
    sbuf.dv.setUint16(4, reply.mid, true);
    sbuf.dv.setUint16(6, 0, true);
    sbuf.u8.set(reply.payload, HEADER_SIZE);
    const r = msg.sendWithFds(fd, sbuf, HEADER_SIZE + reply.payload.length, reply.fds);
    for (const f of reply.fds) sys.close(f);
    if (r < 0) break;
  }
  rbuf.free();
  sbuf.free();
}

