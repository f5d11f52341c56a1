// asm/fd_readdir-basic.ts — AssemblyScript conformance guest: fd_readdir over the root of
// fixture F (preopen /sandbox) with a small buffer, continuing from the cookie of the last
// complete entry. Every entry appears exactly once, "." and ".." included, with its file type;
// a buffer too small for one header is filled completely (bufused == buf_len); the list read
// with one large buffer is the same. Raw WASI imports are declared here (not the shim's), so
// the guest controls every pointer and length. Exit code = number of failures.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_readdir")
declare function fd_readdir(fd: u32, buf: usize, buf_len: usize, cookie: u64, bufused: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, out: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, buf: usize, len: usize): u16;

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

function typeChar(t: u8): string {
  if (t == 3) return "d";
  if (t == 4) return "f";
  if (t == 7) return "l";
  return "?";
}

/** Reads the whole directory with buffers of `size` bytes; returns "name:type" strings. */
function readAll(fd: u32, size: i32): string[] {
  const out = new Array<string>();
  const buf = new ArrayBuffer(size);
  const used = new ArrayBuffer(4);
  let cookie: u64 = 0;
  for (let iter = 0; iter < 1000; iter++) {
    const e = fd_readdir(fd, changetype<usize>(buf), size, cookie, changetype<usize>(used));
    if (e != 0) {
      ok("fd_readdir with a " + size.toString() + "-byte buffer", false, "errno " + e.toString());
      return out;
    }
    const n = load<u32>(changetype<usize>(used));
    let off: u32 = 0;
    let complete = 0;
    while (off + 24 <= n) {
      const p = changetype<usize>(buf) + off;
      const next = load<u64>(p);
      const namlen = load<u32>(p, 16);
      const type = load<u8>(p, 20);
      if (off + 24 + namlen > n) break;
      out.push(String.UTF8.decodeUnsafe(p + 24, namlen) + ":" + typeChar(type));
      cookie = next;
      complete++;
      off += 24 + namlen;
    }
    if (n < <u32>size) return out;
    if (complete == 0) {
      ok("progress with a " + size.toString() + "-byte buffer", false, "no complete entry");
      return out;
    }
  }
  return out;
}

const sb = findPreopen("/sandbox");
ok("preopen /sandbox found", sb >= 0, "missing");
if (sb >= 0) {
  const big = readAll(<u32>sb, 4096);
  big.sort();
  console.log("entries: " + big.join(" "));
  ok("20 entries in F's root", big.length == 20, big.length.toString());
  const small = readAll(<u32>sb, 40);
  small.sort();
  ok("40-byte buffer: same entries", small.join(" ") == big.join(" "), small.join(" "));
  let dup = false;
  for (let i = 1; i < small.length; i++) if (small[i] == small[i - 1]) dup = true;
  ok("40-byte buffer: no entry twice", !dup, "duplicate");
  const tiny = new ArrayBuffer(8);
  const used = new ArrayBuffer(4);
  const e = fd_readdir(<u32>sb, changetype<usize>(tiny), 8, 0, changetype<usize>(used));
  ok("8-byte buffer: success", e == 0, "errno " + e.toString());
  ok("8-byte buffer: bufused == buf_len", load<u32>(changetype<usize>(used)) == 8, load<u32>(changetype<usize>(used)).toString());
  const bad = fd_readdir(999, changetype<usize>(tiny), 8, 0, changetype<usize>(used));
  ok("fd_readdir on a bad fd is EBADF", bad == 8, "errno " + bad.toString());
}
process.exit(failures > 100 ? 100 : failures);
