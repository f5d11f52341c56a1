/* wasi-testsuite path_open_create_existing: path_open(CREAT|EXCL) of an existing file is EXIST. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_open_create_existing_dir.cleanup");
  __wasi_fd_t x;
  ts_create_file(d, "file");
  CHECK_ERRNO("path_open(file, CREAT|EXCL)", __wasi_path_open(d, 0, "file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &x), E_EXIST);
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
  ts_remove_tmp_dir(base, d, "path_open_create_existing_dir.cleanup");
  return check_done();
}
