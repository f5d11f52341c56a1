/* Special files (battery RT-05): a FIFO with no writer never blocks the host. path_filestat_get
 * reports it (not a regular file or directory); opening it for reading or writing either fails
 * at once or gives a fd whose read returns at once (0 bytes or EAGAIN); fd_readdir lists it; the
 * whole guest finishes well within its time limit. */
#include "check.h"

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
  return t;
}

int main(void) {
  __wasi_fd_t sp = need_preopen("/special");
  __wasi_filestat_t st;
  uint64_t t0 = mono();
  CHECK_OK("stat fifo", __wasi_path_filestat_get(sp, 0, "fifo", &st));
  CHECK("fifo is neither a regular file nor a directory",
        st.filetype != __WASI_FILETYPE_REGULAR_FILE && st.filetype != __WASI_FILETYPE_DIRECTORY);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_errno_t e = open_at(sp, 0, "fifo", 0, R_RD, 0, &fd);
  CHECK("open fifo for reading: refused or opened, at once", e == 0 || e == E_PERM || e == E_ACCES ||
        e == __WASI_ERRNO_NOTSUP || e == __WASI_ERRNO_NXIO || e == __WASI_ERRNO_AGAIN || e == E_NOTCAP);
  if (e == 0) {
    char b[8];
    __wasi_iovec_t iov = {(uint8_t *)b, sizeof b};
    __wasi_size_t n = 99;
    __wasi_errno_t r = __wasi_fd_read(fd, &iov, 1, &n);
    printf("%s\n", (r == 0 && n == 0) || r == __WASI_ERRNO_AGAIN ? "ok read of the opened fifo returns at once"
                                                               : "FAIL read of the opened fifo");
    close_fd(fd);
  } else {
    printf("ok read of the opened fifo returns at once\n");
  }
  e = open_at(sp, 0, "fifo", 0, __WASI_RIGHTS_FD_WRITE, 0, &fd);
  CHECK("open fifo for writing: refused or opened, at once", e == 0 || e == E_PERM || e == E_ACCES ||
        e == __WASI_ERRNO_NOTSUP || e == __WASI_ERRNO_NXIO || e == __WASI_ERRNO_AGAIN || e == E_NOTCAP);
  if (e == 0) close_fd(fd);
  static uint8_t buf[1024];
  __wasi_size_t used = 0;
  CHECK_OK("readdir /special", __wasi_fd_readdir(sp, buf, sizeof buf, 0, &used));
  int seen = 0;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    if (d.d_namlen == 4 && memcmp(buf + off + sizeof d, "fifo", 4) == 0) seen = 1;
    off += sizeof d + d.d_namlen;
  }
  CHECK("readdir lists fifo", seen);
  char data[32];
  size_t len;
  CHECK_OK("the plain file next to it still reads", get_file(sp, "file", data, sizeof data, &len));
  CHECK_STR("file content", data, len, "plain\n");
  CHECK("all of it took under 5 s", mono() - t0 < 5000000000ull);
  return check_done();
}
