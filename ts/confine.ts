/* confine.ts — defence in depth: the process (thread) that runs the guest confines itself with
 * Landlock, so that even a resolver bug cannot reach host files outside the preopened trees.
 *
 * Owns: the Landlock syscalls through koffi (x86_64 numbers: landlock_create_ruleset 444,
 * landlock_add_rule 445, landlock_restrict_self 446; prctl(PR_SET_NO_NEW_PRIVS)), the ABI probe,
 * the rule set (full access beneath each preopened tree; read/execute of what Node and this
 * package need afterwards: the package's dist/ and node_modules/koffi, /proc/self (the worker
 * channel's liveness check, the gofer's /proc/self/fd reopen, umask), /dev/null and /dev/urandom).
 * Must not: be reversible (Landlock is not), be called on a process that must keep its access
 * (embedders opt in: the library option `confine` is off by default; the CLI turns it on).
 *
 * Scope: landlock_restrict_self confines the calling thread and every thread or process it creates
 * afterwards. The WASI class therefore confines before it starts the worker gofer (which inherits
 * the domain and so needs the trees), and with `--gofer process` after the gofer child is running
 * (unconfined, its own process) with no path at all: the guest's process keeps only the FDs it
 * holds. Threads Node started earlier (libuv pool, V8 platform) run no guest-driven code.
 * Environment: WASI_DIRECTFS_NO_LANDLOCK=1 behaves as if the kernel lacked Landlock (tests).
 */

import koffi from 'koffi';
import { closeSync, existsSync, openSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SYS_LANDLOCK_CREATE_RULESET = 444;
const SYS_LANDLOCK_ADD_RULE = 445;
const SYS_LANDLOCK_RESTRICT_SELF = 446;
const LANDLOCK_CREATE_RULESET_VERSION = 1;
const LANDLOCK_RULE_PATH_BENEATH = 1;
const PR_SET_NO_NEW_PRIVS = 38;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

// LANDLOCK_ACCESS_FS_* (uapi/linux/landlock.h)
export const FS = {
  EXECUTE: 1n << 0n, WRITE_FILE: 1n << 1n, READ_FILE: 1n << 2n, READ_DIR: 1n << 3n, REMOVE_DIR: 1n << 4n,
  REMOVE_FILE: 1n << 5n, MAKE_CHAR: 1n << 6n, MAKE_DIR: 1n << 7n, MAKE_REG: 1n << 8n, MAKE_SOCK: 1n << 9n,
  MAKE_FIFO: 1n << 10n, MAKE_BLOCK: 1n << 11n, MAKE_SYM: 1n << 12n, REFER: 1n << 13n, TRUNCATE: 1n << 14n,
  IOCTL_DEV: 1n << 15n,
} as const;
/** Rights that apply to a regular file (a rule on a non-directory may only carry these). */
const FILE_RIGHTS = FS.EXECUTE | FS.WRITE_FILE | FS.READ_FILE | FS.TRUNCATE | FS.IOCTL_DEV;
const READ_EXEC = FS.EXECUTE | FS.READ_FILE | FS.READ_DIR;

/** Every filesystem right the running kernel's ABI knows (v1: bits 0..12, v2 REFER, v3 TRUNCATE, v5 IOCTL_DEV). */
function handledFor(abi: number): bigint {
  let h = (1n << 13n) - 1n;
  if (abi >= 2) h |= FS.REFER;
  if (abi >= 3) h |= FS.TRUNCATE;
  if (abi >= 5) h |= FS.IOCTL_DEV;
  return h;
}

type SyscallFn = (nr: number, ...args: unknown[]) => number | bigint;
let sys: { syscall: SyscallFn; prctl: (o: number, a: number, b: number, c: number, d: number) => number; close: (fd: number) => number } | null = null;
function libc(): NonNullable<typeof sys> {
  if (!sys) {
    const lib = koffi.load('libc.so.6');
    sys = {
      syscall: lib.func('long syscall(long number, ...)') as SyscallFn,
      prctl: lib.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
      close: lib.func('int close(int fd)'),
    };
  }
  return sys;
}
const errno = (): number => (koffi.errno as () => number)();

/** The Landlock ABI version of the running kernel, or 0 when it has none (or it is disabled). */
export function landlockAbi(): number {
  if (process.env['WASI_DIRECTFS_NO_LANDLOCK'] === '1') return 0;
  if (process.platform !== 'linux' || process.arch !== 'x64') return 0;
  const r = Number(libc().syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', null, 'size_t', 0, 'uint32_t', LANDLOCK_CREATE_RULESET_VERSION));
  return r > 0 ? r : 0;
}

export interface ConfineOptions {
  /** Trees the process keeps full access beneath (the preopened host directories). */
  readWrite?: readonly string[];
  /** Trees or files it may still read (and execute); added to the runtime set unless `bare`. */
  readOnly?: readonly string[];
  /** true: no runtime paths at all (the guest's process with a separate gofer process). */
  bare?: boolean;
}

export interface ConfineResult {
  /** The Landlock ABI used; 0 when the kernel has none (nothing was done). */
  abi: number;
  /** The paths the process kept access to (read-write first). */
  allowed: string[];
}

/** What Node and this package read after the guest is set up (found empirically with strace):
 * this bundle's directory and the package's dist/ (core.wasm or $WASI_DIRECTFS_CORE, the gofer
 * script), the package's package.json
 * (module type of the worker script), node_modules/koffi and its native package
 * (node_modules/@koromix: the worker gofer loads koffi again), the node binary, /proc/self (the
 * worker channel's liveness check, the gofer's /proc/self/fd, umask), /proc/meminfo and
 * /sys/fs/cgroup (heap sizing of a new worker), /proc/sys/vm/overcommit_memory (glibc malloc),
 * /dev/null and /dev/urandom. All read/execute only. */
export function runtimePaths(): string[] {
  const out: string[] = [];
  let here: string;
  try {
    here = dirname(fileURLToPath(import.meta.url));
  } catch {
    here = process.cwd();
  }
  out.push(here);
  const core = process.env['WASI_DIRECTFS_CORE'];
  if (core) out.push(core);
  for (let d = here, i = 0; i < 6; i++, d = dirname(d)) {
    if (existsSync(join(d, 'dist', 'core.wasm'))) out.push(join(d, 'dist'));
    if (existsSync(join(d, 'package.json'))) out.push(join(d, 'package.json'));
    const k = join(d, 'node_modules', 'koffi');
    if (existsSync(k)) {
      out.push(k, join(d, 'node_modules', '@koromix'));
      break;
    }
    if (dirname(d) === d) break;
  }
  out.push(process.execPath, `/proc/${process.pid}`, '/proc/meminfo', '/proc/sys/vm/overcommit_memory', '/sys/fs/cgroup',
    '/dev/null', '/dev/urandom');
  return [...new Set(out.filter((p) => existsSync(p)).map((p) => realpathSync(p)))];
}

function addRule(ruleset: number, path: string, rights: bigint, handled: bigint): void {
  const fd = openSync(path, O_PATH | O_CLOEXEC);
  try {
    const isDir = statSync(path).isDirectory();
    const allowed = (isDir ? rights : rights & FILE_RIGHTS) & handled;
    const attr = Buffer.alloc(12); // struct landlock_path_beneath_attr { u64 allowed_access; s32 parent_fd; } __packed
    attr.writeBigUInt64LE(allowed, 0);
    attr.writeInt32LE(fd, 8);
    const r = Number(libc().syscall(SYS_LANDLOCK_ADD_RULE, 'int', ruleset, 'int', LANDLOCK_RULE_PATH_BENEATH, 'void *', attr, 'uint32_t', 0));
    if (r < 0) throw new Error(`wasi-directfs: landlock_add_rule(${path}) failed: errno ${errno()}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Confines the calling thread (and every thread and child process it creates afterwards) to full
 * access beneath `readWrite`, read/execute of `readOnly` and (unless `bare`) of runtimePaths(),
 * and nothing else. Irreversible. Returns { abi: 0 } without doing anything when the kernel has no
 * Landlock. Throws when the kernel has it but a step fails (a missing path, EPERM, ...).
 */
export function confine(opts: ConfineOptions = {}): ConfineResult {
  const abi = landlockAbi();
  if (abi === 0) return { abi: 0, allowed: [] };
  const handled = handledFor(abi);
  const attr = Buffer.alloc(8); // struct landlock_ruleset_attr { u64 handled_access_fs; } (network and scopes: not handled)
  attr.writeBigUInt64LE(handled, 0);
  const c = libc();
  const ruleset = Number(c.syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', attr, 'size_t', 8, 'uint32_t', 0));
  if (ruleset < 0) throw new Error(`wasi-directfs: landlock_create_ruleset failed: errno ${errno()}`);
  const allowed: string[] = [];
  try {
    for (const p of opts.readWrite ?? []) {
      const rp = realpathSync(p);
      addRule(ruleset, rp, handled, handled);
      allowed.push(rp);
    }
    const ro = [...(opts.readOnly ?? []), ...(opts.bare ? [] : runtimePaths())];
    for (const p of ro) {
      const rp = realpathSync(p);
      addRule(ruleset, rp, READ_EXEC, handled);
      allowed.push(rp);
    }
    if (c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) throw new Error(`wasi-directfs: prctl(PR_SET_NO_NEW_PRIVS) failed: errno ${errno()}`);
    const r = Number(c.syscall(SYS_LANDLOCK_RESTRICT_SELF, 'int', ruleset, 'uint32_t', 0));
    if (r < 0) throw new Error(`wasi-directfs: landlock_restrict_self failed: errno ${errno()}`);
  } finally {
    c.close(ruleset);
  }
  return { abi, allowed };
}

/** The WASI option: true, or extra paths the process must keep (e.g. where a checkpoint image goes). */
export type ConfineOption = boolean | { readWrite?: readonly string[]; readOnly?: readonly string[] };

/**
 * The WASI class's hook, called twice: phase 'before' (before the core loads and any gofer starts)
 * confines to the preopened `trees` plus the runtime paths, except with a gofer process; phase
 * 'after' (the preopens are open, the gofer child runs) confines a gofer-process guest to nothing
 * (bare: no path at all beyond the option's extras). Returns the result, or null when it did nothing.
 */
export function confineForWasi(opt: ConfineOption | undefined, phase: 'before' | 'after', separateGofer: boolean,
  trees: readonly string[]): ConfineResult | null {
  if (opt === undefined || opt === false) return null;
  if (opt !== true && (opt === null || typeof opt !== 'object')) throw new TypeError('wasi-directfs: options.confine must be a boolean or an object');
  if ((phase === 'before') === separateGofer) return null;
  const extra = opt === true ? {} : opt;
  return confine(separateGofer
    ? { readWrite: extra.readWrite ?? [], readOnly: extra.readOnly ?? [], bare: true }
    : { readWrite: [...trees, ...(extra.readWrite ?? [])], readOnly: extra.readOnly ?? [] });
}
