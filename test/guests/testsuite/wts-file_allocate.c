/* wasi-testsuite file_allocate: fd_allocate(0,100) -> size 100; (10,10) keeps 100; (90,20) -> 110.
 * NOTSUP for the first call is accepted (and then skips the rest); older revisions required
 * success unless NO_FD_ALLOCATE. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "file_allocate_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_filestat_t st;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_GET;
  if (CHECK_OK("path_open(file, CREAT)", __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, r, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    if (CHECK_OK("fd_filestat_get", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 0", st.size, 0);
    __wasi_errno_t e = __wasi_fd_allocate(fd, 0, 100);
    CHECK_ERRNO("fd_allocate(0, 100)", e, E_OK, __WASI_ERRNO_NOTSUP);
    if (e == 0) {
      if (CHECK_OK("fd_filestat_get", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 100", st.size, 100);
      CHECK_OK("fd_allocate(10, 10)", __wasi_fd_allocate(fd, 10, 10));
      if (CHECK_OK("fd_filestat_get", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size stays 100", st.size, 100);
      CHECK_OK("fd_allocate(90, 20)", __wasi_fd_allocate(fd, 90, 20));
      if (CHECK_OK("fd_filestat_get", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 110", st.size, 110);
    }
    CHECK_OK("fd_close(file)", __wasi_fd_close(fd));
  }
  CHECK_OK("path_unlink_file(file)", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
