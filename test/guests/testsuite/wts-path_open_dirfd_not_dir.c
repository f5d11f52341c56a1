/* wasi-testsuite path_open_dirfd_not_dir: path_open with a regular-file fd as the base (CREAT
 * "foo") fails with NOTDIR (newest suite also accepts NOTCAPABLE; older versions NOTDIR only). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_open_dirfd_not_dir_dir.cleanup");
  __wasi_fd_t file = (__wasi_fd_t)-1, x;
  CHECK_OK("path_open(file, CREAT, rights 0)", __wasi_path_open(d, 0, "file", __WASI_OFLAGS_CREAT, 0, 0, 0, &file));
  __wasi_errno_t e = __wasi_path_open(file, 0, "foo", __WASI_OFLAGS_CREAT, 0, 0, 0, &x);
  CHECK_ERRNO("path_open(file_fd, \"foo\", CREAT)", e, E_NOTDIR, E_NOTCAP);
  CHECK_OK("close file", __wasi_fd_close(file));
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
  /* older suite versions do not close dir_fd before removing it */
  ts_remove_tmp_dir(base, d, "path_open_dirfd_not_dir_dir.cleanup");
  return check_done();
}
