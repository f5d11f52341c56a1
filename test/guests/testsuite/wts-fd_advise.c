/* wasi-testsuite fd_advise: set_size 100, fd_advise(10, 50, NORMAL) succeeds and keeps the size;
 * fd_allocate(100, 100) grows to 200, or is NOTSUP (older revisions required success unless
 * NO_FD_ALLOCATE). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "fd_advise_file.cleanup";
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_filestat_t st;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE |
                      __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE;
  if (!CHECK_OK("path_open(CREAT)", __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, r, 0, 0, &fd))) return check_done();
  CHECK("fd > 2", fd > 2);
  if (CHECK_OK("fd_filestat_get 1", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 0", st.size, 0);
  CHECK_OK("fd_filestat_set_size(100)", __wasi_fd_filestat_set_size(fd, 100));
  if (CHECK_OK("fd_filestat_get 2", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 100", st.size, 100);
  CHECK_OK("fd_advise(10, 50, NORMAL)", __wasi_fd_advise(fd, 10, 50, __WASI_ADVICE_NORMAL));
  if (CHECK_OK("fd_filestat_get 3", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size still 100", st.size, 100);
  __wasi_errno_t e = __wasi_fd_allocate(fd, 100, 100);
  CHECK_ERRNO("fd_allocate(100, 100)", e, E_OK, __WASI_ERRNO_NOTSUP);
  if (e == 0 && CHECK_OK("fd_filestat_get 4", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 200", st.size, 200);
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, name));
  return check_done();
}
