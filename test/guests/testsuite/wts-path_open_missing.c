/* wasi-testsuite path_open_missing: path_open of a missing file without CREAT is NOENT. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_open_missing_dir.cleanup");
  __wasi_fd_t x;
  CHECK_ERRNO("path_open(missing \"file\", no CREAT)", __wasi_path_open(d, 0, "file", 0, 0, 0, 0, &x), E_NOENT);
  ts_remove_tmp_dir(base, d, "path_open_missing_dir.cleanup");
  return check_done();
}
