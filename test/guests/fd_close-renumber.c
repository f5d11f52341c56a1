/* fd_close and fd_renumber: closing twice is EBADF; fd_renumber(from, to) makes `to` refer to
 * from's file and closes `from` (EBADF afterwards); renumbering onto a preopen replaces it (it is
 * no longer a preopen and grants only from's rights); renumbering to itself succeeds; a bad
 * source or an unopened target is EBADF; a closed directory handle is gone for every call.
 * (No check assumes which number path_open returns: the spec does not promise the lowest.) */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_prestat_t ps;
  __wasi_fdstat_t fs;
  char buf[64];
  size_t len;
  __wasi_filesize_t pos;

  __wasi_fd_t a = must_open("open file", sb, "file", 0, R_RD, 0);
  CHECK_OK("close", __wasi_fd_close(a));
  CHECK_ERRNO("close again", __wasi_fd_close(a), E_BADF);
  CHECK_ERRNO("read a closed fd", read_all(a, buf, sizeof buf, &len), E_BADF);
  __wasi_fd_t a2 = must_open("open file again", sb, "file", 0, R_RD, 0);

  __wasi_fd_t b = must_open("open etc/passwd", sb, "etc/passwd", 0, R_RD, 0);
  CHECK_OK("renumber file -> etc/passwd fd", __wasi_fd_renumber(a2, b));
  CHECK_ERRNO("old number is closed", __wasi_fd_fdstat_get(a2, &fs), E_BADF);
  CHECK_OK("seek the target to 0", __wasi_fd_seek(b, 0, __WASI_WHENCE_SET, &pos));
  CHECK_OK("read through the target", read_all(b, buf, sizeof buf, &len));
  CHECK_STR("target now reads file", buf, len, "hello file\n");
  CHECK_OK("renumber to itself", __wasi_fd_renumber(b, b));
  CHECK_OK("fd still open after self-renumber", __wasi_fd_fdstat_get(b, &fs));
  CHECK_ERRNO("renumber a bad fd", __wasi_fd_renumber(999, b), E_BADF);
  CHECK_ERRNO("renumber to an unopened fd", __wasi_fd_renumber(b, 999), E_BADF);
  CHECK_ERRNO("renumber to 2^31-1", __wasi_fd_renumber(b, 0x7fffffff), E_BADF);
  CHECK_OK("target still open after failed renumbers", __wasi_fd_fdstat_get(b, &fs));

  /* renumber a plain directory fd over the read-only preopen */
  __wasi_fd_t d = must_open("open a/b", sb, "a/b", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("renumber a/b over /ro", __wasi_fd_renumber(d, ro));
  CHECK_ERRNO("replaced preopen is no longer a preopen", __wasi_fd_prestat_get(ro, &ps), E_BADF, E_INVAL);
  CHECK_OK("the number now resolves in a/b", __wasi_path_filestat_get(ro, 0, "c", &(__wasi_filestat_t){0}));
  CHECK_ERRNO("f of /ro is not reachable any more", __wasi_path_filestat_get(ro, 0, "f", &(__wasi_filestat_t){0}), E_NOENT);
  CHECK_ERRNO("find_preopen /ro fails", find_preopen("/ro") < 0 ? 0 : 1, 0);

  /* a file fd renumbered over the sandbox preopen grants only the file's rights */
  __wasi_fd_t f = must_open("open file read-only", sb, "file", 0, __WASI_RIGHTS_FD_READ, 0);
  __wasi_fd_t keep = must_open("keep a handle on the sandbox", sb, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("renumber file over /sandbox", __wasi_fd_renumber(f, sb));
  CHECK_OK("fdstat of the old preopen number", __wasi_fd_fdstat_get(sb, &fs));
  CHECK_EQ("it is a regular file now", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ("with only the file's rights", fs.fs_rights_base, __WASI_RIGHTS_FD_READ);
  __wasi_fd_t x;
  CHECK_ERRNO("path_open through it", __wasi_path_open(sb, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_NOTDIR, E_NOTCAP);
  CHECK_ERRNO("no preopen named /sandbox", find_preopen("/sandbox") < 0 ? 0 : 1, 0);
  close_fd(sb);

  /* closing a (re-opened) directory handle */
  CHECK_OK("close the kept handle", __wasi_fd_close(keep));
  CHECK_ERRNO("path_open on the closed handle", __wasi_path_open(keep, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_BADF);
  CHECK_ERRNO("stat on the closed handle", __wasi_path_filestat_get(keep, 0, "file", &(__wasi_filestat_t){0}), E_BADF);
  CHECK_ERRNO("close a bad fd", __wasi_fd_close(999), E_BADF);
  return check_done();
}
