/* wasi-testsuite path_rename_dir_trailing_slashes: renaming a directory succeeds with a trailing
 * slash on the source, on the destination, on both, and with none. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_rename_dir_trailing_slashes_dir.cleanup");
  CHECK_OK("mkdir source", __wasi_path_create_directory(d, "source"));
  CHECK_OK("rename \"source/\" -> \"target\"", __wasi_path_rename(d, "source/", d, "target"));
  CHECK_OK("rename \"target\" -> \"source/\"", __wasi_path_rename(d, "target", d, "source/"));
  CHECK_OK("rename \"source/\" -> \"target/\"", __wasi_path_rename(d, "source/", d, "target/"));
  CHECK_OK("rename \"target\" -> \"source\"", __wasi_path_rename(d, "target", d, "source"));
  CHECK_OK("rmdir source", __wasi_path_remove_directory(d, "source"));
  ts_remove_tmp_dir(base, d, "path_rename_dir_trailing_slashes_dir.cleanup");
  return check_done();
}
