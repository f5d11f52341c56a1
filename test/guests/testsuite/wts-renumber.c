/* wasi-testsuite renumber: dir_fd > 3; two files opened with CREAT and FD_READ|FD_WRITE;
 * fd_renumber(from, to) closes `from` (fd_close(from) is BADF) and `to` keeps from's fdstat
 * (filetype, flags, rights); fd_renumber(to, from) with the now-closed `from` as destination is
 * BADF (newest suite). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "renumber_dir.cleanup");
  CHECK("dir_fd > 3", d > 3);
  __wasi_fd_t from = (__wasi_fd_t)-1, to = (__wasi_fd_t)-1;
  const __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  CHECK_OK("open file1 (CREAT, READ|WRITE)", __wasi_path_open(d, 0, "file1", __WASI_OFLAGS_CREAT, rw, 0, 0, &from));
  CHECK("fd_from > 2", from > 2);
  __wasi_fdstat_t sf, st;
  CHECK_OK("fd_fdstat_get(from)", __wasi_fd_fdstat_get(from, &sf));
  CHECK_OK("open file2 (CREAT, READ|WRITE)", __wasi_path_open(d, 0, "file2", __WASI_OFLAGS_CREAT, rw, 0, 0, &to));
  CHECK("fd_to > 2", to > 2);
  CHECK_OK("fd_renumber(from, to)", __wasi_fd_renumber(from, to));
  CHECK_ERRNO("fd_close(from) after renumber", __wasi_fd_close(from), E_BADF);
  CHECK_OK("fd_fdstat_get(to)", __wasi_fd_fdstat_get(to, &st));
  CHECK_EQ("same filetype", st.fs_filetype, sf.fs_filetype);
  CHECK_EQ("same flags", st.fs_flags, sf.fs_flags);
  CHECK_EQ("same base rights", st.fs_rights_base, sf.fs_rights_base);
  CHECK_EQ("same inheriting rights", st.fs_rights_inheriting, sf.fs_rights_inheriting);
  CHECK_ERRNO("fd_renumber(to, closed from)", __wasi_fd_renumber(to, from), E_BADF);
  CHECK_OK("close to", __wasi_fd_close(to));
  CHECK_OK("unlink file1", __wasi_path_unlink_file(d, "file1"));
  CHECK_OK("unlink file2", __wasi_path_unlink_file(d, "file2"));
  ts_remove_tmp_dir(base, d, "renumber_dir.cleanup");
  return check_done();
}
