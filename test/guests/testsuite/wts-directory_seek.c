/* wasi-testsuite directory_seek: a directory opened asking for FD_SEEK opens; fd_seek on it fails
 * (ISDIR, NOTCAPABLE or BADF; older revisions wanted BADF only); fdstat says
 * DIRECTORY and the base rights do NOT include FD_SEEK. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "directory_seek_dir.cleanup";
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_filesize_t off;
  CHECK_OK("path_create_directory", __wasi_path_create_directory(dir, name));
  if (!CHECK_OK("path_open(DIRECTORY, base=FD_SEEK, inh=0)",
                __wasi_path_open(dir, 0, name, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_SEEK, 0, 0, &fd)))
    return check_done();
  CHECK("fd > 2", fd > 2);
  CHECK_ERRNO("fd_seek(dir, 0, CUR)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off), E_ISDIR, E_NOTCAP, E_BADF);
  __wasi_fdstat_t st;
  if (CHECK_OK("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st))) {
    CHECK_EQ("fs_filetype DIRECTORY", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_EQ("base rights & FD_SEEK == 0", st.fs_rights_base & __WASI_RIGHTS_FD_SEEK, 0);
  }
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_remove_directory", __wasi_path_remove_directory(dir, name));
  return check_done();
}
