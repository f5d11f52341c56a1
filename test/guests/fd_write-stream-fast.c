/* fd_write on a stdio stream served from the façade's fast table (a WFS_FAST_STREAM entry, current
 * until a guest fd is closed or replaced or its rights or flags change, so printing between file
 * calls costs them nothing): writes reach the stream in order, survive other calls (an open), and
 * stop reaching it once the fd is replaced (fd_renumber) or loses FD_WRITE. Every "ok" line of
 * this guest is itself such a write. Exit code 0, or 3 when a write without FD_WRITE went
 * through. */
#include "check.h"

static __wasi_errno_t wr(__wasi_fd_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
  return e == 0 && n != strlen(s) ? __WASI_ERRNO_IO : e;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  fflush(stdout);
  __wasi_errno_t e1 = wr(1, "line 1\n"); /* through the core: publishes the stream entry */
  __wasi_errno_t e2 = wr(1, "line 2\n"); /* fast */
  __wasi_fd_t f = (__wasi_fd_t)-1;
  __wasi_errno_t e3 = open_at(sb, 0, "sfile", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_RW, 0, &f);
  __wasi_errno_t e4 = wr(1, "line 3\n"); /* still fast after an open */
  CHECK_OK("write line 1", e1);
  CHECK_OK("write line 2", e2);
  CHECK_OK("open sfile", e3);
  CHECK_OK("write line 3 after an open", e4);

  /* stderr: a stream entry, then the fd replaced by a file */
  e1 = wr(2, "to stderr\n");
  e2 = wr(2, "to stderr again\n");
  e3 = __wasi_fd_renumber(f, 2);
  e4 = wr(2, "to-file");
  __wasi_errno_t e5 = wr(2, "+more");
  fflush(stdout);
  CHECK_OK("write stderr", e1);
  CHECK_OK("write stderr again", e2);
  CHECK_OK("renumber sfile onto 2", e3);
  CHECK_OK("write to fd 2 (the file now)", e4);
  CHECK_OK("write more to fd 2", e5);
  char buf[64];
  size_t len = 0;
  CHECK_OK("read sfile", get_file(sb, "sfile", buf, sizeof buf, &len));
  CHECK_STR("the writes went to the file", buf, len, "to-file+more");
  CHECK_OK("unlink sfile", __wasi_path_unlink_file(sb, "sfile"));

  /* stdout loses FD_WRITE: the next write must be refused (reported by the exit code, since
   * nothing can be printed any more) */
  fflush(stdout);
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(1, &st) != 0) return 4;
  if (__wasi_fd_fdstat_set_rights(1, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting) != 0) return 5;
  __wasi_errno_t e = wr(1, "must not appear\n");
  if (check_done() != 0) return 1;
  return e == __WASI_ERRNO_NOTCAPABLE ? 0 : 3;
}
