/* Security battery RX-06 (disk full) and DS-03 (partial I/O accounting); needs the battery's
 * host setup (a 256 KiB tmpfs mounted at R/small), so it has no JSON of its own. Args: DIR full.
 * Writes 4 KiB chunks to DIR/big until the filesystem is full: the last write fails with ENOSPC
 * (or is short), the acknowledged byte count equals the file size and the bytes read back; a
 * second file cannot grow either; fd_sync and fd_datasync report success or the error (never
 * hang); after unlinking big, writes work again and the process is healthy. */
#include "check.h"

static uint8_t chunk[4096];
static uint8_t back[4096];

int main(int argc, char **argv) {
  if (argc < 3) { printf("FAIL usage: sec-enospc DIR full\n"); return 100; }
  __wasi_fd_t d;
  __wasi_fd_t pre = need_preopen("/sandbox");
  const char *sub = argv[1] + strlen("/sandbox/");
  if (!CHECK_OK("open the small filesystem", open_at(pre, 0, sub, __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &d))) return check_done();
  __wasi_fd_t f;
  __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC |
                       __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_ALLOCATE;
  if (!CHECK_OK("create big", open_at(d, 0, "big", __WASI_OFLAGS_CREAT, rw, 0, &f))) return check_done();
  uint64_t acked = 0;
  unsigned last = 0;
  int short_write = 0;
  for (int i = 0; i < 4096; i++) { /* at most 16 MiB */
    for (size_t k = 0; k < sizeof chunk; k++) chunk[k] = (uint8_t)((acked + k) * 7 + 3);
    __wasi_ciovec_t iov = {chunk, sizeof chunk};
    __wasi_size_t n = 0;
    last = __wasi_fd_write(f, &iov, 1, &n);
    if (last) break;
    acked += n;
    if (n < sizeof chunk) { short_write = 1; }
  }
  printf("ok the filling stopped: %s\n", errno_name(last));
  CHECK("it stopped with ENOSPC", last == __WASI_ERRNO_NOSPC);
  (void)short_write;
  __wasi_filestat_t st;
  CHECK_OK("filestat big", __wasi_fd_filestat_get(f, &st));
  CHECK("the acknowledged bytes are the file size", st.size == acked);
  CHECK("something was written", acked > 0);
  /* read back every acknowledged byte */
  __wasi_filesize_t pos;
  CHECK_OK("seek to 0", __wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos));
  int same = 1;
  for (uint64_t off = 0; off < acked; off += sizeof back) {
    __wasi_iovec_t iov = {back, sizeof back};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(f, &iov, 1, &n) != 0 || n == 0) { same = 0; break; }
    for (size_t k = 0; k < n; k++) if (back[k] != (uint8_t)((off + k) * 7 + 3)) same = 0;
  }
  CHECK("the bytes read back are the bytes acknowledged", same);
  unsigned e = __wasi_fd_sync(f);
  CHECK("fd_sync on the full filesystem reports success or an error", e == 0 || e == __WASI_ERRNO_NOSPC || e == __WASI_ERRNO_IO);
  e = __wasi_fd_datasync(f);
  CHECK("fd_datasync likewise", e == 0 || e == __WASI_ERRNO_NOSPC || e == __WASI_ERRNO_IO);
  e = __wasi_fd_allocate(f, acked, 1 << 20);
  printf("%s fd_allocate of 1 MiB more: %s\n", e == 0 ? "FAIL" : "ok", errno_name(e));
  if (e == 0) check_failures++;
  __wasi_fd_t g;
  if (CHECK_OK("create other", open_at(d, 0, "other", __WASI_OFLAGS_CREAT, rw, 0, &g))) {
    __wasi_ciovec_t iov = {chunk, sizeof chunk};
    __wasi_size_t n = 0;
    e = __wasi_fd_write(g, &iov, 1, &n);
    CHECK("a second file cannot grow either", e == __WASI_ERRNO_NOSPC || (e == 0 && n < sizeof chunk));
    close_fd(g);
  }
  close_fd(f);
  CHECK_OK("unlink big", __wasi_path_unlink_file(d, "big"));
  CHECK_OK("writes work again", put_file(d, "other", "after\n"));
  char buf[16];
  size_t len;
  CHECK_OK("read other", get_file(d, "other", buf, sizeof buf, &len));
  CHECK_STR("other holds what was written", buf, len, "after\n");
  CHECK_OK("stat outside the small filesystem", __wasi_path_filestat_get(pre, 0, "file", &st));
  close_fd(d);
  return check_done();
}
