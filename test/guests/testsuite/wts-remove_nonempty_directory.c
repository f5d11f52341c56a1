/* wasi-testsuite remove_nonempty_directory: path_remove_directory of a directory holding a
 * subdirectory is NOTEMPTY; removing the nested one and then the parent succeeds. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "remove_nonempty_directory_dir.cleanup");
  CHECK_OK("mkdir dir", __wasi_path_create_directory(d, "dir"));
  CHECK_OK("mkdir dir/nested", __wasi_path_create_directory(d, "dir/nested"));
  CHECK_ERRNO("rmdir non-empty dir", __wasi_path_remove_directory(d, "dir"), E_NOTEMPTY);
  CHECK_OK("rmdir dir/nested", __wasi_path_remove_directory(d, "dir/nested"));
  CHECK_OK("rmdir dir", __wasi_path_remove_directory(d, "dir"));
  ts_remove_tmp_dir(base, d, "remove_nonempty_directory_dir.cleanup");
  return check_done();
}
