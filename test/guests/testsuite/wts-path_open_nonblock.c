/* wasi-testsuite path_open_nonblock: path_open(scratch, 0, ".", 0, rights 0, fdflags NONBLOCK)
 * succeeds. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t d = ts_scratch(argc, argv);
  __wasi_fd_t x = (__wasi_fd_t)-1;
  if (CHECK_OK("path_open(\".\", fdflags NONBLOCK)", __wasi_path_open(d, 0, ".", 0, 0, 0, __WASI_FDFLAGS_NONBLOCK, &x))) {
    __wasi_fdstat_t st;
    CHECK_OK("fd_fdstat_get", __wasi_fd_fdstat_get(x, &st));
  }
  return check_done();
}
