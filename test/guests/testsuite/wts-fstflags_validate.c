/* wasi-testsuite fstflags_validate: fd_filestat_set_times with MTIM|MTIM_NOW, and with
 * ATIM|ATIM_NOW, is INVAL (exactly). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "fstflags_validate.cleanup";
  __wasi_fd_t fd;
  if (!CHECK_OK("path_open(CREAT, READ|FILESTAT_SET_TIMES)",
                __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT,
                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, 0, &fd)))
    return check_done();
  CHECK_ERRNO("fd_filestat_set_times(100, 200, MTIM|MTIM_NOW)",
              __wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
  CHECK_ERRNO("fd_filestat_set_times(100, 200, ATIM|ATIM_NOW)",
              __wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  (void)__wasi_path_unlink_file(dir, name);
  return check_done();
}
