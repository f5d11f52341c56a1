/* wasi-testsuite fd_filestat_set: set_size(100) -> size 100; set_times(MTIM, mtim-100) sets mtim
 * exactly, keeps atim and size. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "fd_filestat_set_file.cleanup";
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET |
                      __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES;
  if (!CHECK_OK("path_open(CREAT)", __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, r, 0, 0, &fd))) return check_done();
  CHECK("fd > 2", fd > 2);
  if (CHECK_OK("fd_filestat_get 1", __wasi_fd_filestat_get(fd, &st))) CHECK_EQ("size 0", st.size, 0);
  CHECK_OK("fd_filestat_set_size(100)", __wasi_fd_filestat_set_size(fd, 100));
  if (CHECK_OK("fd_filestat_get 2", __wasi_fd_filestat_get(fd, &st))) {
    CHECK_EQ("size 100", st.size, 100);
    __wasi_timestamp_t old_atim = st.atim, nm = st.mtim - 100;
    CHECK_OK("fd_filestat_set_times(nm, nm, MTIM)", __wasi_fd_filestat_set_times(fd, nm, nm, __WASI_FSTFLAGS_MTIM));
    if (CHECK_OK("fd_filestat_get 3", __wasi_fd_filestat_get(fd, &st))) {
      CHECK_EQ("size still 100", st.size, 100);
      CHECK_EQ("mtim == mtim-100", st.mtim, nm);
      CHECK_EQ("atim unchanged", st.atim, old_atim);
    }
  }
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, name));
  return check_done();
}
