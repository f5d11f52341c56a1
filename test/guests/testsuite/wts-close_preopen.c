/* wasi-testsuite close_preopen: fd_close(3) (the preopen) succeeds; the separately opened scratch
 * fd is still a directory; fd_fdstat_get(3) is then BADF. (Legacy wasmtime wanted NOTSUP for the
 * close and for renumbers onto/from a preopen; the current suite and wasmtime want success.) */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  __wasi_fd_t pre = 3;
  __wasi_fdstat_t st;
  CHECK("dir_fd > 3", dir > pre);
  CHECK_OK("fd_close(3)", __wasi_fd_close(pre));
  if (CHECK_OK("fd_fdstat_get(dir_fd)", __wasi_fd_fdstat_get(dir, &st)))
    CHECK_EQ("dir_fd is a DIRECTORY", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_ERRNO("fd_fdstat_get(3) after close", __wasi_fd_fdstat_get(pre, &st), E_BADF);
  __wasi_prestat_t ps;
  CHECK_ERRNO("(extra) fd_prestat_get(3) after close", __wasi_fd_prestat_get(pre, &ps), E_BADF);
  return check_done();
}
