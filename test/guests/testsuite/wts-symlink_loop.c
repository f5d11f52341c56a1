/* wasi-testsuite symlink_loop: a self-referencing symlink; path_open(nofollow, "symlink") is
 * exactly LOOP. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "symlink_loop_dir.cleanup");
  __wasi_fd_t x;
  if (ts_dangling()) {
    if (CHECK_OK("symlink symlink -> symlink", __wasi_path_symlink("symlink", d, "symlink"))) {
      CHECK_ERRNO("open self-loop (nofollow)", __wasi_path_open(d, 0, "symlink", 0, 0, 0, 0, &x), E_LOOP);
      CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
    }
  }
  ts_remove_tmp_dir(base, d, "symlink_loop_dir.cleanup");
  return check_done();
}
