/* wasi-testsuite path_filestat: the tmp dir has PATH_FILESTAT_GET; a file opened with
 * APPEND|SYNC (or APPEND if that is NOTSUP) reports those fdflags; path_filestat_get size 0;
 * path_filestat_set_times(MTIM, mtim-100) sets mtim exactly; MTIM|MTIM_NOW is INVAL and changes
 * nothing; ATIM|ATIM_NOW is INVAL. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "path_filestat_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fdstat_t st;
  __wasi_filestat_t fs, fs2;
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (CHECK_OK("fd_fdstat_get(tmp dir)", __wasi_fd_fdstat_get(dir, &st)))
    CHECK("tmp dir base has PATH_FILESTAT_GET", (st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_GET) != 0);
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_FILESTAT_GET;
  __wasi_fdflags_t fl = __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC;
  __wasi_errno_t e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, r, 0, fl, &fd);
  if (e == __WASI_ERRNO_NOTSUP) {
    printf("note: APPEND|SYNC is NOTSUP; retrying with APPEND\n");
    fl = __WASI_FDFLAGS_APPEND;
    e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, r, 0, fl, &fd);
  }
  if (!CHECK_OK("path_open(file, CREAT, fdflags APPEND|SYNC)", e)) return check_done();
  CHECK("fd > 2", fd > 2);
  if (CHECK_OK("fd_fdstat_get(file)", __wasi_fd_fdstat_get(fd, &st))) {
    CHECK("fs_flags has APPEND", (st.fs_flags & __WASI_FDFLAGS_APPEND) != 0);
    if (fl & __WASI_FDFLAGS_SYNC) CHECK("fs_flags has SYNC", (st.fs_flags & __WASI_FDFLAGS_SYNC) != 0);
    /* older revisions also required the file's rights to lack PATH_FILESTAT_GET (asked for) */
  }
  if (CHECK_OK("path_filestat_get(file)", __wasi_path_filestat_get(dir, 0, "file", &fs))) {
    CHECK_EQ("size 0", fs.size, 0);
    __wasi_timestamp_t nm = fs.mtim - 100;
    CHECK_OK("path_filestat_set_times(0, mtim-100, MTIM)", __wasi_path_filestat_set_times(dir, 0, "file", 0, nm, __WASI_FSTFLAGS_MTIM));
    if (CHECK_OK("path_filestat_get after set", __wasi_path_filestat_get(dir, 0, "file", &fs2)))
      CHECK_EQ("mtim == mtim-100", fs2.mtim, nm);
    CHECK_ERRNO("path_filestat_set_times(MTIM|MTIM_NOW)",
                __wasi_path_filestat_set_times(dir, 0, "file", 0, nm, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
    if (CHECK_OK("path_filestat_get after INVAL", __wasi_path_filestat_get(dir, 0, "file", &fs2)))
      CHECK_EQ("mtim unchanged", fs2.mtim, nm);
    CHECK_ERRNO("path_filestat_set_times(0, 0, ATIM|ATIM_NOW)",
                __wasi_path_filestat_set_times(dir, 0, "file", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  }
  CHECK_OK("fd_close(file)", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file(file)", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
