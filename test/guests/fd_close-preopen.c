/* Closing a preopen is allowed (WASI has no special case): afterwards fd_prestat_get, path_open,
 * path_filestat_get and fd_readdir on it are EBADF, the other preopen still works, and no later
 * open turns a number back into a preopen. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_prestat_t ps;
  __wasi_fd_t x;
  uint8_t buf[128];
  __wasi_size_t used;
  CHECK_OK("close the /ro preopen", __wasi_fd_close(ro));
  CHECK_ERRNO("prestat of the closed preopen", __wasi_fd_prestat_get(ro, &ps), E_BADF);
  CHECK_ERRNO("path_open in the closed preopen", __wasi_path_open(ro, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_BADF);
  CHECK_ERRNO("stat in the closed preopen", __wasi_path_filestat_get(ro, 0, "f", &(__wasi_filestat_t){0}), E_BADF);
  CHECK_ERRNO("readdir of the closed preopen", __wasi_fd_readdir(ro, buf, sizeof buf, 0, &used), E_BADF);
  CHECK_ERRNO("close it again", __wasi_fd_close(ro), E_BADF);
  char data[64];
  size_t len;
  CHECK_OK("the other preopen still works", get_file(sb, "file", data, sizeof data, &len));
  CHECK_STR("file content", data, len, "hello file\n");
  CHECK_OK("open a new fd", open_at(sb, 0, "etc", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &x));
  CHECK_ERRNO("the new fd is not a preopen", __wasi_fd_prestat_get(x, &ps), E_BADF, E_INVAL);
  CHECK_ERRNO("the closed preopen's number is still not a preopen", __wasi_fd_prestat_get(ro, &ps), E_BADF, E_INVAL);
  CHECK_OK("close the /sandbox preopen", __wasi_fd_close(sb));
  CHECK_ERRNO("path_open in the closed /sandbox", __wasi_path_open(sb, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_BADF);
  return check_done();
}
