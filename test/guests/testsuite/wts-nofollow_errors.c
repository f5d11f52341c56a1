/* wasi-testsuite nofollow_errors: with "symlink" -> directory "target": open(nofollow, DIRECTORY)
 * is LOOP or NOTDIR; open(nofollow) is LOOP or ACCES; open(FOLLOW, DIRECTORY) succeeds. With
 * "symlink" -> file "target": open(nofollow, DIRECTORY) is LOOP or NOTDIR; open(nofollow) is
 * exactly LOOP; open(FOLLOW, DIRECTORY) is NOTDIR. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "nofollow_errors_dir.cleanup");
  const __wasi_oflags_t D = __WASI_OFLAGS_DIRECTORY;
  __wasi_fd_t x = (__wasi_fd_t)-1;
  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  CHECK_OK("symlink target -> symlink", __wasi_path_symlink("target", d, "symlink"));
  CHECK_ERRNO("dir link: open(nofollow, DIRECTORY)", __wasi_path_open(d, 0, "symlink", D, 0, 0, 0, &x), E_LOOP, E_NOTDIR);
  CHECK_ERRNO("dir link: open(nofollow)", __wasi_path_open(d, 0, "symlink", 0, 0, 0, 0, &x), E_LOOP, E_ACCES);
  if (CHECK_OK("dir link: open(FOLLOW, DIRECTORY)", __wasi_path_open(d, LF_FOLLOW, "symlink", D, 0, 0, 0, &x))) {
    CHECK("fd > 2", x > 2);
    CHECK_OK("close", __wasi_fd_close(x));
  }
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));
  if (CHECK_OK("create file target", __wasi_path_open(d, 0, "target", __WASI_OFLAGS_CREAT, 0, 0, 0, &x)))
    CHECK_OK("close", __wasi_fd_close(x));
  CHECK_OK("symlink target -> symlink", __wasi_path_symlink("target", d, "symlink"));
  CHECK_ERRNO("file link: open(nofollow, DIRECTORY)", __wasi_path_open(d, 0, "symlink", D, 0, 0, 0, &x), E_LOOP, E_NOTDIR);
  CHECK_ERRNO("file link: open(nofollow)", __wasi_path_open(d, 0, "symlink", 0, 0, 0, 0, &x), E_LOOP);
  CHECK_ERRNO("file link: open(FOLLOW, DIRECTORY)", __wasi_path_open(d, LF_FOLLOW, "symlink", D, 0, 0, 0, &x), E_NOTDIR);
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  ts_remove_tmp_dir(base, d, "nofollow_errors_dir.cleanup");
  return check_done();
}
