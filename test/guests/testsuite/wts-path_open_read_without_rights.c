/* wasi-testsuite path_open_read_without_rights (tests/rust/src/bin version; not in the newest
 * suite): after dropping FD_READ from the scratch dir's base and inheriting rights, a file opened
 * with rights 0 has no FD_READ (base nor inheriting) and fd_read on it fails with BADF or
 * NOTCAPABLE, the set the current fd_fdstat_set_rights.rs accepts for the same situation (this
 * older test wanted BADF only; the spec's answer to a missing right is NOTCAPABLE). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_open_read_without_rights_dir.cleanup");
  ts_create_file(d, "file");
  __wasi_fdstat_t st;
  CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(d, &st));
  CHECK_OK("drop FD_READ from dir (fd_fdstat_set_rights)",
           __wasi_fd_fdstat_set_rights(d, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, st.fs_rights_inheriting & ~__WASI_RIGHTS_FD_READ));
  CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(d, &st));
  CHECK_EQ("dir base has no FD_READ", st.fs_rights_base & __WASI_RIGHTS_FD_READ, 0);
  CHECK_EQ("dir inheriting has no FD_READ", st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ, 0);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (CHECK_OK("path_open(file, rights 0)", __wasi_path_open(d, 0, "file", 0, 0, 0, 0, &fd))) {
    __wasi_fdstat_t fs;
    CHECK_OK("fd_fdstat_get(file)", __wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ("file base has no FD_READ", fs.fs_rights_base & __WASI_RIGHTS_FD_READ, 0);
    CHECK_EQ("file inheriting has no FD_READ", fs.fs_rights_inheriting & __WASI_RIGHTS_FD_READ, 0);
    char b[1];
    __wasi_size_t n;
    CHECK_ERRNO("fd_read without FD_READ", ts_read(fd, b, 1, &n), E_BADF, E_NOTCAP);
  }
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
  ts_remove_tmp_dir(base, d, "path_open_read_without_rights_dir.cleanup");
  return check_done();
}
