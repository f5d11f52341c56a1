/* wasi-testsuite file_unbuffered_write: a byte written through one fd is immediately visible to
 * fd_read on another fd of the same file. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "file_unbuffered_write_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t rfd = (__wasi_fd_t)-1, wfd = (__wasi_fd_t)-1;
  __wasi_size_t n;
  if (CHECK_OK("path_open(file, CREAT, READ)", __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &rfd)))
    CHECK("read fd > 2", rfd > 2);
  if (CHECK_OK("path_open(file, 0, WRITE)", __wasi_path_open(dir, 0, "file", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &wfd)))
    CHECK("write fd > 2", wfd > 2);
  uint8_t one = 1, got = 0;
  if (CHECK_OK("fd_write(1 byte)", ts_write(wfd, &one, 1, &n))) CHECK_EQ("nwritten 1", n, 1);
  if (CHECK_OK("fd_read(1 byte) on the other fd", ts_read(rfd, &got, 1, &n))) {
    CHECK_EQ("nread 1", n, 1);
    CHECK_EQ("byte is 1", got, 1);
  }
  CHECK_OK("fd_close(write fd)", __wasi_fd_close(wfd));
  CHECK_OK("fd_close(read fd)", __wasi_fd_close(rfd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
