/* syscalls.ts — `wasi-directfs bench --syscalls`: host syscalls per guest operation, counted by
 * strace (`strace -f -c`) in one extra run of each (workload, runtime) after its timed runs.
 *
 * A count covers the whole child process (and its threads and children: a lisafs gofer), so the
 * same runtime's run of an empty guest (bench/guests/bench-empty.c: Node's own start, the guest's
 * compilation, a gofer's start) is subtracted; then only filesystem calls are kept (FS_SYSCALLS:
 * futex, mmap, sched_yield and the like are the runtime's, not the filesystem's) and divided by
 * the workload's operation count (Workload.ops).
 * Owns: the strace command line, parsing its summary, the arithmetic.
 * Must not: time anything (strace slows every call; its runs are never samples).
 */
import { spawnSync } from 'node:child_process';

/** Filesystem calls (the ones a WASI filesystem layer turns guest operations into). */
export const FS_SYSCALLS: ReadonlySet<string> = new Set([
  'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'dup', 'dup2', 'dup3', 'fcntl',
  'read', 'pread64', 'readv', 'preadv', 'preadv2', 'write', 'pwrite64', 'writev', 'pwritev', 'pwritev2', 'lseek',
  'stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'access', 'faccessat', 'faccessat2', 'readlink', 'readlinkat',
  'getdents64', 'mkdir', 'mkdirat', 'mknodat', 'rmdir', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
  'link', 'linkat', 'symlink', 'symlinkat', 'truncate', 'ftruncate', 'fallocate', 'fadvise64', 'fsync', 'fdatasync',
  'chmod', 'fchmod', 'fchmodat', 'chown', 'fchown', 'fchownat', 'utimensat', 'fstatfs', 'statfs',
  'fgetxattr', 'fsetxattr', 'flistxattr', 'fremovexattr', 'sendmsg', 'recvmsg',
]);

/** True when `strace` runs here (it is a Debian package: `apt-get install strace`). */
export function straceAvailable(): boolean {
  const r = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** The command prefix that runs a child under strace, writing its summary to `outFile`:
 * every thread and child (-f), no attach/exit chatter (-qq), the summary only (-c) with the
 * columns calls, errors and name (-U). */
export function straceWrap(outFile: string): string[] {
  return ['strace', '-f', '-qq', '-c', '-U', 'calls,errors,name', '-o', outFile];
}

/** Calls per syscall name from a summary written with straceWrap's options. Throws on text that
 * is not one (no header line). */
export function parseStraceSummary(text: string): Record<string, number> {
  const lines = text.split('\n');
  if (!lines.some((l) => /^\s*calls\s+errors\s+syscall\s*$/.test(l))) throw new Error(`not an strace -c summary: ${JSON.stringify(text.slice(0, 80))}`);
  const out: Record<string, number> = {};
  for (const l of lines) {
    // "     2001           read" or "     1002         4 openat"; the total line names "total"
    const m = /^\s*(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(l);
    if (m && m[2] !== 'total') out[m[2]!] = (out[m[2]!] ?? 0) + Number(m[1]);
  }
  return out;
}

/** The filesystem calls of `run` beyond `base` (never below 0), per name. */
export function netFsCalls(run: Record<string, number>, base: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(run)) {
    if (!FS_SYSCALLS.has(name)) continue;
    const d = n - (base[name] ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/** "5.00 (statx 1.00, openat 1.00, pread64 2.00, close 1.00)": the total per operation, then each
 * call that is at least 1% of it, most frequent first (three decimals below 0.1). */
export function perOpSummary(net: Record<string, number>, ops: number): string {
  const fmt = (x: number): string => x.toFixed(x < 0.1 ? 3 : 2);
  const total = Object.values(net).reduce((a, b) => a + b, 0);
  const parts = Object.entries(net).filter(([, n]) => n >= total / 100).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmt(n / ops)}`);
  return `${fmt(total / ops)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
