/* wasi-testsuite unlink_file_trailing_slashes: path_unlink_file of a directory, with and without
 * a trailing slash, is PERM, ISDIR or ACCES (ERRNO_MODE_UNIX: ISDIR; the suite's macOS mode wants
 * PERM); of "file/" is NOTDIR or NOENT (unix: NOTDIR); of "file" succeeds. */
#include "check.h"
#include "ts.h"

static void want_dir(const char *label, __wasi_errno_t e) {
  if (ts_unix()) CHECK_ERRNO(label, e, E_ISDIR);
  else CHECK_ERRNO(label, e, E_PERM, E_ISDIR, E_ACCES);
}
int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "unlink_file_trailing_slashes_dir.cleanup");
  CHECK_OK("mkdir dir", __wasi_path_create_directory(d, "dir"));
  want_dir("unlink \"dir\"", __wasi_path_unlink_file(d, "dir"));
  want_dir("unlink \"dir/\"", __wasi_path_unlink_file(d, "dir/"));
  CHECK_OK("rmdir dir", __wasi_path_remove_directory(d, "dir"));
  ts_create_file(d, "file");
  __wasi_errno_t e = __wasi_path_unlink_file(d, "file/");
  if (ts_unix()) CHECK_ERRNO("unlink \"file/\" (unix)", e, E_NOTDIR);
  else CHECK_ERRNO("unlink \"file/\"", e, E_NOTDIR, E_NOENT);
  CHECK_OK("unlink \"file\"", __wasi_path_unlink_file(d, "file"));
  ts_remove_tmp_dir(base, d, "unlink_file_trailing_slashes_dir.cleanup");
  return check_done();
}
