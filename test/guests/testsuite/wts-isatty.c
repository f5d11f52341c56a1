/* wasi-testsuite isatty: a regular file created in the tmp dir (CREAT, rights 0) is not a tty
 * (wasi-libc isatty(): fd_fdstat_get says CHARACTER_DEVICE and no FD_SEEK/FD_TELL rights). */
#include "check.h"
#include "ts.h"
#include <unistd.h>

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "isatty_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t fd;
  if (CHECK_OK("path_open(file, CREAT, rights 0)", __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    CHECK_EQ("isatty(file) == 0", isatty((int)fd), 0);
    __wasi_fdstat_t st;
    if (CHECK_OK("fd_fdstat_get(file)", __wasi_fd_fdstat_get(fd, &st)))
      CHECK_EQ("filetype REGULAR_FILE", st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  CHECK_OK("path_unlink_file(file)", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
