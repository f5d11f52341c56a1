/* wasi-testsuite file_truncation: write 31 bytes through a WRITE-only fd; reopen with CREAT|TRUNC
 * and READ|WRITE: fd_read returns 0 bytes. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "file_truncation_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t fd;
  __wasi_size_t n;
  const char *content = "this content will be truncated!";
  if (CHECK_OK("path_open(test.txt, CREAT, WRITE)",
               __wasi_path_open(dir, 0, "test.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd))) {
    if (CHECK_OK("fd_write", ts_write(fd, content, strlen(content), &n))) CHECK_EQ("nwritten", n, strlen(content));
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  if (CHECK_OK("path_open(test.txt, CREAT|TRUNC, WRITE|READ)",
               __wasi_path_open(dir, 0, "test.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ, 0, 0, &fd))) {
    static uint8_t b[100];
    if (CHECK_OK("fd_read", ts_read(fd, b, 100, &n))) CHECK_EQ("nread 0 after truncation", n, 0);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, "test.txt"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
