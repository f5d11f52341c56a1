/* wasi-testsuite overwrite_preopen: fd_renumber(tmp dir fd, 3) over the preopen succeeds; fd 3
 * then is the tmp dir (same dev/ino); the old number is BADF; fd 3 can be closed; the tmp dir is
 * removed through the separately opened scratch fd. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "overwrite_preopen_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t pre = 3;
  __wasi_filestat_t a, b;
  __wasi_fdstat_t st;
  CHECK("dir_fd > 3", dir > pre);
  CHECK_OK("fd_filestat_get(dir_fd)", __wasi_fd_filestat_get(dir, &a));
  CHECK_OK("fd_renumber(dir_fd, 3)", __wasi_fd_renumber(dir, pre));
  if (CHECK_OK("fd_filestat_get(3)", __wasi_fd_filestat_get(pre, &b))) {
    CHECK("dev equal", a.dev == b.dev);
    CHECK("ino equal", a.ino == b.ino);
  }
  CHECK_ERRNO("fd_fdstat_get(old dir_fd)", __wasi_fd_fdstat_get(dir, &st), E_BADF);
  CHECK_OK("fd_close(3)", __wasi_fd_close(pre));
  CHECK_OK("path_remove_directory(base, tmp dir)", __wasi_path_remove_directory(base, dname));
  return check_done();
}
