/* wasi-testsuite truncation_rights: the tmp dir is a DIRECTORY with fs_flags 0 and no
 * FD_FILESTAT_SET_SIZE base right; with PATH_FILESTAT_SET_SIZE, path_open(TRUNC, rights 0)
 * succeeds, still succeeds after dropping inheriting FD_FILESTAT_SET_SIZE; after dropping base
 * PATH_FILESTAT_SET_SIZE (and seeing it gone in fdstat) path_open(TRUNC) fails with PERM or
 * NOTCAPABLE (older suites: PERM only). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "truncation_rights_dir.cleanup");
  ts_create_file(d, "file");
  __wasi_fdstat_t st;
  __wasi_fd_t f;
  CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(d, &st));
  CHECK_EQ("dir filetype DIRECTORY", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_EQ("dir fs_flags 0", st.fs_flags, 0);
  CHECK_EQ("dir base lacks FD_FILESTAT_SET_SIZE", st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0);
  if (!(st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE)) {
    printf("skip: dir lacks PATH_FILESTAT_SET_SIZE (the suite skips the rest)\n");
  } else {
    if (CHECK_OK("path_open(file, TRUNC)", __wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &f)))
      CHECK_OK("close", __wasi_fd_close(f));
    __wasi_rights_t rb = st.fs_rights_base, ri = st.fs_rights_inheriting;
    if (!(ri & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)) {
      printf("skip: dir inheriting lacks FD_FILESTAT_SET_SIZE (the suite skips dropping it)\n");
    } else {
      ri &= ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
      CHECK_OK("drop inheriting FD_FILESTAT_SET_SIZE", __wasi_fd_fdstat_set_rights(d, rb, ri));
    }
    if (CHECK_OK("path_open(file, TRUNC) without inheriting FD_FILESTAT_SET_SIZE",
                 __wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &f)))
      CHECK_OK("close", __wasi_fd_close(f));
    rb &= ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE;
    CHECK_OK("drop base PATH_FILESTAT_SET_SIZE", __wasi_fd_fdstat_set_rights(d, rb, ri));
    CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(d, &st));
    CHECK_EQ("PATH_FILESTAT_SET_SIZE gone", st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, 0);
    __wasi_errno_t e = __wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &f);
    CHECK_ERRNO("path_open(file, TRUNC) without PATH_FILESTAT_SET_SIZE", e, E_PERM, E_NOTCAP);
  }
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
  ts_remove_tmp_dir(base, d, "truncation_rights_dir.cleanup");
  return check_done();
}
