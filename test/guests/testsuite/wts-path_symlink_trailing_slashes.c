/* wasi-testsuite path_symlink_trailing_slashes: symlink("source", "target/") with nothing there is
 * NOENT (unless NO_DANGLING_FILESYSTEM); "target" then succeeds; onto an existing dir "target/" or
 * "target" is EXIST or NOENT (unix: EXIST); onto an existing file "target/" is NOTDIR, NOENT or
 * EXIST (unix: NOTDIR; older revisions did not accept EXIST); onto an existing file "target" is
 * EXIST or NOENT (unix: EXIST). */
#include "check.h"
#include "ts.h"

static void want(const char *label, __wasi_errno_t e, unsigned unix_e, unsigned extra_permissive) {
  if (ts_unix()) CHECK_ERRNO(label, e, unix_e);
  else if (extra_permissive) CHECK_ERRNO(label, e, unix_e, E_NOENT, extra_permissive);
  else CHECK_ERRNO(label, e, unix_e, E_NOENT);
}

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_symlink_trailing_slashes_dir.cleanup");
  if (ts_dangling()) {
    CHECK_ERRNO("symlink -> \"target/\" (nothing there)", __wasi_path_symlink("source", d, "target/"), E_NOENT);
    if (CHECK_OK("symlink -> \"target\" (dangling)", __wasi_path_symlink("source", d, "target")))
      CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));
  }
  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  want("symlink -> \"target/\" (existing dir)", __wasi_path_symlink("source", d, "target/"), E_EXIST, 0);
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  want("symlink -> \"target\" (existing dir)", __wasi_path_symlink("source", d, "target"), E_EXIST, 0);
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  ts_create_file(d, "target");
  want("symlink -> \"target/\" (existing file)", __wasi_path_symlink("source", d, "target/"), E_NOTDIR, E_EXIST);
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));

  ts_create_file(d, "target");
  want("symlink -> \"target\" (existing file)", __wasi_path_symlink("source", d, "target"), E_EXIST, 0);
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));

  ts_remove_tmp_dir(base, d, "path_symlink_trailing_slashes_dir.cleanup");
  return check_done();
}
