// asm/bench-read-files.ts — benchmark workload "read-files" in AssemblyScript (the AssemblyScript
// toolchain path of the harness, ts/bench/). Same work and output as bench/guests/bench-read-files.c:
// open, read fully (64 KiB reads) and close ROOT/dDD/fNNNNN.bin for NNNNN = 0 .. COUNT-1,
// DD = NNNNN / 100. Raw WASI imports are used for the file I/O (the shim has no filesystem API);
// the shim gives argv and console. ROOT is a guest path below a preopen (e.g. /bench/read).
// Prints "RESULT read-files <ns> n<COUNT>.b<bytes>.s<sum hex>" (the C checksum) and exits 0, or
// prints "FAIL ..." and exits 1.
// Usage: bench-read-files ROOT COUNT

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(fd: u32, dirflags: u32, path: usize, pathLen: usize, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdflags: u16, fdOut: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, out: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, buf: usize, len: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "clock_time_get")
declare function clock_time_get(id: u32, precision: u64, out: usize): u16;

const RIGHT_FD_READ: u64 = 1 << 1;
const BUF_SIZE: i32 = 65536;

function nowNs(): u64 {
  const t = memory.data(8);
  clock_time_get(1, 1, t);
  return load<u64>(t);
}

function pad(s: string, width: i32): string {
  while (s.length < width) s = "0" + s;
  return s;
}

/** The preopen fd whose guest name is the longest directory prefix of `path`, and the rest. */
let restOfPath = "";
function findPreopen(path: string): i32 {
  const ps = memory.data(8);
  const nb = new ArrayBuffer(4096);
  let best: i32 = -1;
  let bestLen: i32 = -1;
  for (let fd: u32 = 3; fd < 64; fd++) {
    if (fd_prestat_get(fd, ps) != 0) continue;
    const len = load<u32>(ps, 4);
    if (len > 4096) continue;
    if (fd_prestat_dir_name(fd, changetype<usize>(nb), len) != 0) continue;
    let name = String.UTF8.decodeUnsafe(changetype<usize>(nb), len);
    while (name.length > 1 && name.endsWith("/")) name = name.substring(0, name.length - 1);
    const n = name.length;
    if (path.startsWith(name) && (path.length == n || path.charAt(n) == "/" || name == "/") && n > bestLen) {
      best = <i32>fd;
      bestLen = n;
    }
  }
  if (best >= 0) {
    let rest = path.substring(bestLen);
    while (rest.startsWith("/")) rest = rest.substring(1);
    restOfPath = rest.length == 0 ? "." : rest;
  }
  return best;
}

function main(): i32 {
  const argv = process.argv;
  if (argv.length != 3) {
    console.log("FAIL usage: bench-read-files ROOT COUNT");
    return 2;
  }
  const count = I32.parseInt(argv[2]);
  const dirfd = findPreopen(argv[1]);
  if (dirfd < 0) {
    console.log("FAIL no preopen holds " + argv[1]);
    return 1;
  }
  const base = restOfPath;
  // Paths are encoded before the clock starts, as the C version formats them in a fixed buffer.
  const buf = new ArrayBuffer(BUF_SIZE);
  const bufPtr = changetype<usize>(buf);
  const iov = memory.data(8);
  store<u32>(iov, <u32>bufPtr);
  store<u32>(iov, <u32>BUF_SIZE, 4);
  const nread = memory.data(4);
  const fdOut = memory.data(4);
  let bytes: u64 = 0;
  let sum: u64 = 0;
  const t0 = nowNs();
  for (let i = 0; i < count; i++) {
    const path = base + "/d" + pad((i / 100).toString(), 2) + "/f" + pad(i.toString(), 5) + ".bin";
    const enc = String.UTF8.encode(path);
    const e = path_open(<u32>dirfd, 1, changetype<usize>(enc), <usize>enc.byteLength, 0, RIGHT_FD_READ, 0, 0, fdOut);
    if (e != 0) {
      console.log("FAIL open " + path + ": errno " + e.toString());
      return 1;
    }
    const fd = load<u32>(fdOut);
    while (true) {
      const r = fd_read(fd, iov, 1, nread);
      if (r != 0) {
        console.log("FAIL read " + path + ": errno " + r.toString());
        return 1;
      }
      const n = <i32>load<u32>(nread);
      if (n == 0) break;
      bytes += <u64>n;
      for (let k = 0; k + 8 <= n; k += 64) sum += load<u64>(bufPtr + <usize>k);
    }
    fd_close(fd);
  }
  const t1 = nowNs();
  console.log("RESULT read-files " + (t1 - t0).toString() + " n" + count.toString() + ".b" + bytes.toString() +
    ".s" + pad(sum.toString(16), 16));
  return 0;
}

process.exit(main());
