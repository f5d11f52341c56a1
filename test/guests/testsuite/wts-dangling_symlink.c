/* wasi-testsuite dangling_symlink: a symlink to a missing target, opened without
 * SYMLINK_FOLLOW: as a directory -> NOTDIR or LOOP; as a file -> LOOP. Then unlink it.
 * (wasm32-wasip1 layout returns early if path_symlink fails; the older layout requires it.) */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "dangling_symlink_symlink.cleanup";
  __wasi_fd_t fd;
  if (!CHECK_OK("path_symlink(\"target\", name)", __wasi_path_symlink("target", dir, name))) return check_done();
  CHECK_ERRNO("path_open(symlink, nofollow, DIRECTORY)",
              __wasi_path_open(dir, 0, name, __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), E_NOTDIR, E_LOOP);
  CHECK_ERRNO("path_open(symlink, nofollow, 0)", __wasi_path_open(dir, 0, name, 0, 0, 0, 0, &fd), E_LOOP);
  CHECK_OK("path_unlink_file(symlink)", __wasi_path_unlink_file(dir, name));
  return check_done();
}
