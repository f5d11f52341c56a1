// asm/path_open-sandbox.ts — AssemblyScript conformance guest: path_open from the preopen
// /sandbox (fixture F) refuses every path that leaves it — "..", absolute paths, temporary
// escapes, absolute symlink targets, relative links that climb out — with ENOTCAPABLE (76),
// while inside paths through symlinks (relsym, reletc/passwd, cheeky/passwd) open and read the
// inside etc/passwd. Also: an embedded NUL is an error, never a truncation. Exit code = failures.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(fd: u32, dirflags: u32, path: usize, path_len: usize, oflags: u32,
  base: u64, inheriting: u64, fdflags: u32, out: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovs_len: usize, nread: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, out: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, buf: usize, len: usize): u16;

const FOLLOW: u32 = 1;
const O_DIRECTORY: u32 = 2;
const R_READ: u64 = 2; // FD_READ
let failures = 0;

function ok(label: string, cond: bool, detail: string = ""): void {
  if (cond) console.log("ok " + label);
  else {
    failures++;
    console.log("FAIL " + label + ": " + detail);
  }
}

function findPreopen(name: string): i32 {
  const ps = new ArrayBuffer(8);
  const nb = new ArrayBuffer(256);
  for (let fd: u32 = 3; fd < 64; fd++) {
    if (fd_prestat_get(fd, changetype<usize>(ps)) != 0) continue;
    const len = load<u32>(changetype<usize>(ps), 4);
    if (len > 255) continue;
    if (fd_prestat_dir_name(fd, changetype<usize>(nb), len) != 0) continue;
    if (String.UTF8.decodeUnsafe(changetype<usize>(nb), len) == name) return <i32>fd;
  }
  return -1;
}

const outFd = new ArrayBuffer(4);

/** path_open with the path's UTF-8 bytes (exact length); returns errno, fd in outFd. */
function open(dir: u32, flags: u32, path: string, oflags: u32): u16 {
  const bytes = String.UTF8.encode(path);
  return path_open(dir, flags, changetype<usize>(bytes), bytes.byteLength, oflags, R_READ, 0, 0, changetype<usize>(outFd));
}

function readFd(fd: u32): string {
  const buf = new ArrayBuffer(128);
  const iov = new ArrayBuffer(8);
  store<u32>(changetype<usize>(iov), changetype<usize>(buf));
  store<u32>(changetype<usize>(iov), 128, 4);
  const n = new ArrayBuffer(4);
  if (fd_read(fd, changetype<usize>(iov), 1, changetype<usize>(n)) != 0) return "<read error>";
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), load<u32>(changetype<usize>(n)));
}

const sb = findPreopen("/sandbox");
ok("preopen /sandbox found", sb >= 0, "missing");
if (sb >= 0) {
  const escapes = ["..", "../", "./..", "a/../..", "a/b/c/../../../..", "a/../../R/file", "../R/file",
    "/", "/etc/passwd", "/sandbox/file", "abssym", "absetc/passwd", "cheeky/garbagelink",
    "up/outside/secret", "upup", "cheeky/dotdotlink", "cheeky/self/file", "evil/secret", "tslash/secret",
    "procself/etc/passwd", "dangling"];
  for (let i = 0; i < escapes.length; i++) {
    const e = open(<u32>sb, FOLLOW, escapes[i], 0);
    ok("open \"" + escapes[i] + "\" is ENOTCAPABLE", e == 76, "errno " + e.toString());
    if (e == 0) fd_close(load<u32>(changetype<usize>(outFd)));
  }
  const dirs = ["..", "up", "evil", "tslash", "cheeky/self"];
  for (let i = 0; i < dirs.length; i++) {
    const e = open(<u32>sb, FOLLOW, dirs[i], O_DIRECTORY);
    ok("open directory \"" + dirs[i] + "\" is ENOTCAPABLE", e == 76, "errno " + e.toString());
    if (e == 0) fd_close(load<u32>(changetype<usize>(outFd)));
  }
  const inside = ["relsym", "reletc/passwd", "cheeky/passwd", "a/b/../../etc/passwd"];
  for (let i = 0; i < inside.length; i++) {
    const e = open(<u32>sb, FOLLOW, inside[i], 0);
    ok("open \"" + inside[i] + "\" succeeds", e == 0, "errno " + e.toString());
    if (e == 0) {
      const fd = load<u32>(changetype<usize>(outFd));
      const text = readFd(fd);
      ok("\"" + inside[i] + "\" reads the inside passwd", text == "inside-passwd\n", text);
      fd_close(fd);
    }
  }
  const e = open(<u32>sb, 0, "relsym", 0);
  ok("open relsym without SYMLINK_FOLLOW is ELOOP", e == 32, "errno " + e.toString());
  const nul = open(<u32>sb, FOLLOW, "file\0", 0);
  ok("open \"file\\0\" fails (no truncation)", nul == 28 || nul == 25 || nul == 44, "errno " + nul.toString());
}
process.exit(failures > 100 ? 100 : failures);
