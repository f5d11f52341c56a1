/* wasi-testsuite readlink: path_readlink of a 6-byte link into a 10-byte buffer returns 6,
 * "target", and leaves the other 4 bytes untouched; into a 4-byte buffer it succeeds with 4 and
 * "targ" (truncation). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "readlink_dir.cleanup");
  ts_create_file(d, "target");
  CHECK_OK("path_symlink(target -> symlink)", __wasi_path_symlink("target", d, "symlink"));
  uint8_t buf[10] = {0};
  __wasi_size_t used = 0;
  CHECK_OK("path_readlink into 10 bytes", __wasi_path_readlink(d, "symlink", buf, sizeof buf, &used));
  CHECK_EQ("bufused 6", used, 6);
  CHECK_STR("contents", buf, 6, "target");
  CHECK("remaining 4 bytes untouched", buf[6] == 0 && buf[7] == 0 && buf[8] == 0 && buf[9] == 0);
  uint8_t small[4] = {0};
  used = 0;
  CHECK_OK("path_readlink into 4 bytes", __wasi_path_readlink(d, "symlink", small, sizeof small, &used));
  CHECK_EQ("bufused 4", used, 4);
  CHECK_STR("truncated contents", small, 4, "targ");
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  ts_remove_tmp_dir(base, d, "readlink_dir.cleanup");
  return check_done();
}
