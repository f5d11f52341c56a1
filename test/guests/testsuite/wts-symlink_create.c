/* wasi-testsuite symlink_create: a symlink to a file opens with SYMLINK_FOLLOW; a symlink to a
 * directory opens with SYMLINK_FOLLOW + DIRECTORY; path_symlink("/", dir, "symlink") (absolute
 * target) must fail (any errno). Then the tmp dir is removed (it must be empty). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "symlink_create_dir.cleanup");
  __wasi_fd_t x = (__wasi_fd_t)-1;
  if (CHECK_OK("create file target", __wasi_path_open(d, 0, "target", __WASI_OFLAGS_CREAT, 0, 0, 0, &x)))
    CHECK_OK("close", __wasi_fd_close(x));
  CHECK_OK("symlink target -> symlink", __wasi_path_symlink("target", d, "symlink"));
  if (CHECK_OK("open symlink (FOLLOW)", __wasi_path_open(d, LF_FOLLOW, "symlink", 0, 0, 0, 0, &x))) {
    CHECK("fd > 2", x > 2);
    CHECK_OK("close", __wasi_fd_close(x));
  }
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));

  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  CHECK_OK("symlink target -> symlink", __wasi_path_symlink("target", d, "symlink"));
  if (CHECK_OK("open symlink (FOLLOW, DIRECTORY)", __wasi_path_open(d, LF_FOLLOW, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &x))) {
    CHECK("fd > 2", x > 2);
    CHECK_OK("close", __wasi_fd_close(x));
  }
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  __wasi_errno_t e = __wasi_path_symlink("/", d, "symlink");
  CHECK("path_symlink(\"/\" -> symlink) fails", e != 0);
  if (e == 0) (void)!__wasi_path_unlink_file(d, "symlink");
  /* the suite's newest version removes the tmp dir without closing dir_fd first */
  CHECK_OK("path_remove_directory(tmp dir, still open)", __wasi_path_remove_directory(base, "symlink_create_dir.cleanup"));
  return check_done();
}
