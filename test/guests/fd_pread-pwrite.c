/* fd_pread / fd_pwrite: positional I/O at an offset, over several iovecs, leaves the fd offset
 * alone; pread past EOF returns 0; pwrite past EOF extends with zeros; a directory cannot be read;
 * a read-only fd cannot pwrite; a pipe is not seekable; a bad fd is EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = must_open("open file rw", sb, "file", 0, R_RW, 0);
  __wasi_size_t n = 0;
  __wasi_filesize_t pos = 0;
  char a[3], b[4];
  __wasi_iovec_t r[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 4}};
  CHECK_OK("pread 7 bytes at 2", __wasi_fd_pread(fd, r, 2, 2, &n));
  CHECK_EQ("pread count", n, 7);
  CHECK_STR("pread iovec 1", a, 3, "llo");
  CHECK_STR("pread iovec 2", b, 4, " fil");
  CHECK_OK("tell after pread", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset unchanged by pread", pos, 0);
  CHECK_OK("pread at EOF", __wasi_fd_pread(fd, r, 2, 11, &n));
  CHECK_EQ("pread at EOF returns 0", n, 0);
  CHECK_OK("pread far past EOF", __wasi_fd_pread(fd, r, 2, 1000000, &n));
  CHECK_EQ("pread past EOF returns 0", n, 0);
  CHECK_OK("pread near EOF", __wasi_fd_pread(fd, r, 2, 8, &n));
  CHECK_EQ("pread near EOF is short", n, 3);

  __wasi_ciovec_t w[2] = {{(const uint8_t *)"HE", 2}, {(const uint8_t *)"LLO", 3}};
  CHECK_OK("pwrite 5 bytes at 0", __wasi_fd_pwrite(fd, w, 2, 0, &n));
  CHECK_EQ("pwrite count", n, 5);
  CHECK_OK("tell after pwrite", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset unchanged by pwrite", pos, 0);
  CHECK_OK("pwrite past EOF", __wasi_fd_pwrite(fd, w, 1, 16, &n));
  char buf[64];
  size_t len;
  close_fd(fd);
  CHECK_OK("read back", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_EQ("file grew to 18", len, 18);
  CHECK("content: HELLO file\\n + 5 zeros + HE", memcmp(buf, "HELLO file\n\0\0\0\0\0HE", 18) == 0);

  CHECK_ERRNO("pread a directory", __wasi_fd_pread(sb, r, 1, 0, &n), E_ISDIR, E_BADF, E_NOTCAP);
  __wasi_fd_t ro = must_open("open read-only", sb, "file", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  CHECK_ERRNO("pwrite on a read-only fd", __wasi_fd_pwrite(ro, w, 1, 0, &n), E_NOTCAP, E_BADF);
  close_fd(ro);
  CHECK_ERRNO("pread on stdin (a pipe)", __wasi_fd_pread(0, r, 1, 0, &n), E_SPIPE, E_NOTCAP, E_BADF);
  CHECK_ERRNO("pread a bad fd", __wasi_fd_pread(999, r, 1, 0, &n), E_BADF);
  CHECK_ERRNO("pwrite a bad fd", __wasi_fd_pwrite(999, w, 1, 0, &n), E_BADF);
  return check_done();
}
