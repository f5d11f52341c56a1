/* A read-only preopen (battery RT-01): its rights say so (no FD_WRITE for files, no create right),
 * and every way to change it is refused: TRUNC, opening for write, CREAT, fd_write / fd_pwrite /
 * fd_allocate / fd_filestat_set_size / set_times on a read-only fd (also after set_flags APPEND),
 * path_filestat_set_times, mkdir, unlink, rmdir, rename, symlink, link. f stays "DATA" and the
 * directory still holds only f. */
#include "check.h"

int main(void) {
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_fdstat_t fs;
  __wasi_filestat_t st;
  __wasi_fd_t x;
  char buf[64];
  size_t len;
  __wasi_size_t n;
  const __wasi_fstflags_t AM = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM;

  CHECK_OK("read f", get_file(ro, "f", buf, sizeof buf, &len));
  CHECK_STR("f is DATA", buf, len, "DATA");
  CHECK_OK("fdstat of /ro", __wasi_fd_fdstat_get(ro, &fs));
  CHECK_EQ("files under /ro get no FD_WRITE", fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE, 0);
  CHECK_EQ("/ro cannot create files", fs.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE, 0);
  CHECK_ERRNO("TRUNC with only FD_READ", __wasi_path_open(ro, 0, "f", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_DENIED);
  CHECK_ERRNO("open f for writing", __wasi_path_open(ro, 0, "f", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &x), E_DENIED);
  CHECK_ERRNO("CREAT a new file", __wasi_path_open(ro, 0, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_DENIED);
  CHECK_ERRNO("CREAT|EXCL a new file", __wasi_path_open(ro, 0, "new2", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &x), E_DENIED);

  __wasi_fd_t f = must_open("open f read-only", ro, "f", 0, R_RD, 0);
  CHECK_OK("fdstat f", __wasi_fd_fdstat_get(f, &fs));
  CHECK_EQ("f has no FD_WRITE", fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE, 0);
  __wasi_ciovec_t w = {(const uint8_t *)"EVIL", 4};
  CHECK_ERRNO("fd_write", __wasi_fd_write(f, &w, 1, &n), E_DENIED, E_BADF);
  CHECK_ERRNO("fd_pwrite", __wasi_fd_pwrite(f, &w, 1, 0, &n), E_DENIED, E_BADF);
  CHECK_ERRNO("fd_allocate", __wasi_fd_allocate(f, 0, 100), E_DENIED, E_BADF);
  CHECK_ERRNO("fd_filestat_set_size", __wasi_fd_filestat_set_size(f, 0), E_DENIED, E_BADF, E_INVAL);
  CHECK_ERRNO("fd_filestat_set_times", __wasi_fd_filestat_set_times(f, 1, 1, AM), E_DENIED, E_BADF);
  __wasi_errno_t e = __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND);
  CHECK("set_flags APPEND refused or harmless", e == 0 || e == E_NOTCAP || e == E_PERM || e == E_ROFS || e == E_BADF);
  CHECK_ERRNO("fd_write after set_flags APPEND", __wasi_fd_write(f, &w, 1, &n), E_DENIED, E_BADF);
  close_fd(f);

  CHECK_ERRNO("path_filestat_set_times f", __wasi_path_filestat_set_times(ro, 0, "f", 1, 1, AM), E_DENIED);
  CHECK_ERRNO("path_filestat_set_times .", __wasi_path_filestat_set_times(ro, 0, ".", 1, 1, AM), E_DENIED);
  CHECK_ERRNO("mkdir", __wasi_path_create_directory(ro, "d"), E_DENIED);
  CHECK_ERRNO("unlink f", __wasi_path_unlink_file(ro, "f"), E_DENIED);
  CHECK_ERRNO("rmdir .", __wasi_path_remove_directory(ro, "."), E_DENIED, E_INVAL, __WASI_ERRNO_BUSY, E_NOTEMPTY);
  CHECK_ERRNO("rename f -> g", __wasi_path_rename(ro, "f", ro, "g"), E_DENIED);
  CHECK_ERRNO("symlink s -> f", __wasi_path_symlink("f", ro, "s"), E_DENIED);
  CHECK_ERRNO("link f -> f2", __wasi_path_link(ro, 0, "f", ro, "f2"), E_DENIED);

  CHECK_OK("read f again", get_file(ro, "f", buf, sizeof buf, &len));
  CHECK_STR("f is still DATA", buf, len, "DATA");
  CHECK_OK("stat f", __wasi_path_filestat_get(ro, 0, "f", &st));
  CHECK("f times were not set to 1 ns", st.mtim != 1 && st.atim != 1);
  static uint8_t dbuf[1024];
  __wasi_size_t used = 0;
  CHECK_OK("readdir /ro", __wasi_fd_readdir(ro, dbuf, sizeof dbuf, 0, &used));
  int names = 0, only = 1;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, dbuf + off, sizeof d);
    const char *nm = (const char *)dbuf + off + sizeof d;
    int known = (d.d_namlen == 1 && (nm[0] == 'f' || nm[0] == '.')) || (d.d_namlen == 2 && nm[0] == '.' && nm[1] == '.');
    only &= known;
    names++;
    off += sizeof d + d.d_namlen;
  }
  CHECK("/ro holds nothing but f (and . ..)", only && names >= 1);
  return check_done();
}
