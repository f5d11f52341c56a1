/* wasi-testsuite fd_fdstat_set_rights: (skipped by the suite if fd_fdstat_set_rights on the dir is
 * NOTSUP) write/read work with READ|WRITE|SEEK|TELL; dropping READ|WRITE leaves SEEK; fd_read and
 * fd_write then fail with BADF or NOTCAPABLE; re-adding rights is NOTCAPABLE. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "rights_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  const char *fname = "file.cleanup";
  __wasi_fdstat_t st;
  __wasi_fd_t fd;
  __wasi_size_t n;
  __wasi_filesize_t off;
  if (!CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(dir, &st))) return check_done();
  __wasi_errno_t e = __wasi_fd_fdstat_set_rights(dir, st.fs_rights_base, st.fs_rights_inheriting);
  if (e == __WASI_ERRNO_NOTSUP) { printf("skip: fd_fdstat_set_rights is NOTSUP\n"); goto out; }
  CHECK_OK("supports_rights: fd_fdstat_set_rights(dir, same rights)", e);
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
  if (!CHECK_OK("path_open(CREAT, READ|WRITE|SEEK|TELL)", __wasi_path_open(dir, 0, fname, __WASI_OFLAGS_CREAT, r, 0, 0, &fd)))
    goto out;
  const uint8_t c[4] = {0, 1, 2, 3};
  uint8_t rb[4] = {9, 9, 9, 9};
  CHECK_OK("fd_write 4", ts_write(fd, c, 4, &n));
  CHECK_OK("fd_seek(0, SET)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  if (CHECK_OK("fd_read 4", ts_read(fd, rb, 4, &n))) {
    CHECK_EQ("read 4", n, 4);
    CHECK("read == written", memcmp(rb, c, 4) == 0);
  }
  __wasi_rights_t drop = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  if (CHECK_OK("fd_fdstat_get(file)", __wasi_fd_fdstat_get(fd, &st)))
    CHECK_OK("drop_rights: set_rights(base & ~(READ|WRITE), inh)",
             __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~drop, st.fs_rights_inheriting));
  if (CHECK_OK("fd_fdstat_get(file) after drop", __wasi_fd_fdstat_get(fd, &st))) {
    CHECK_EQ("base & (READ|WRITE) == 0", st.fs_rights_base & drop, 0);
    CHECK("base has FD_SEEK", (st.fs_rights_base & __WASI_RIGHTS_FD_SEEK) != 0);
  }
  CHECK_ERRNO("fd_read without FD_READ", ts_read(fd, rb, 4, &n), E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_write without FD_WRITE", ts_write(fd, c, 4, &n), E_BADF, E_NOTCAP);
  if (CHECK_OK("fd_fdstat_get(file) again", __wasi_fd_fdstat_get(fd, &st)))
    CHECK_ERRNO("set_rights(base|READ|WRITE|SEEK|TELL, inh|same) adds rights",
                __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base | r, st.fs_rights_inheriting | r), E_NOTCAP);
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, fname));
out:
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
