/* Rights are reported and enforced: path_open returns exactly the (applicable) rights asked for;
 * fd_fdstat_set_rights can drop rights, after which the dropped operation is ENOTCAPABLE; it
 * cannot add rights back (ENOTCAPABLE); a directory opened without PATH_CREATE_FILE cannot create;
 * a child cannot get more rights than its directory's inheriting set. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fdstat_t fs;
  __wasi_size_t n;
  char c[4];
  __wasi_iovec_t r = {(uint8_t *)c, 4};
  __wasi_filesize_t pos;
  const __wasi_rights_t want = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS;
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  CHECK_OK("open file with 4 rights", __wasi_path_open(sb, 0, "file", 0, want, 0, 0, &fd));
  CHECK_OK("fdstat", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("rights_base is what was asked", fs.fs_rights_base, want);
  CHECK_EQ("rights_inheriting is empty", fs.fs_rights_inheriting, 0);
  CHECK_OK("read works", __wasi_fd_read(fd, &r, 1, &n));
  CHECK_OK("tell works", __wasi_fd_tell(fd, &pos));
  CHECK_OK("drop FD_READ", __wasi_fd_fdstat_set_rights(fd, want & ~__WASI_RIGHTS_FD_READ, 0));
  CHECK_OK("fdstat after drop", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("rights_base after drop", fs.fs_rights_base, want & ~__WASI_RIGHTS_FD_READ);
  CHECK_ERRNO("read after dropping FD_READ", __wasi_fd_read(fd, &r, 1, &n), E_NOTCAP);
  CHECK_OK("seek still works", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  CHECK_ERRNO("add FD_READ back", __wasi_fd_fdstat_set_rights(fd, want, 0), E_NOTCAP);
  CHECK_ERRNO("add FD_WRITE", __wasi_fd_fdstat_set_rights(fd, (want & ~__WASI_RIGHTS_FD_READ) | __WASI_RIGHTS_FD_WRITE, 0), E_NOTCAP);
  CHECK_OK("fdstat after failed adds", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("rights unchanged by failed adds", fs.fs_rights_base, want & ~__WASI_RIGHTS_FD_READ);
  CHECK_ERRNO("write without FD_WRITE", write_str(fd, "x"), E_NOTCAP, E_BADF);
  CHECK_ERRNO("filestat without FD_FILESTAT_GET", __wasi_fd_filestat_get(fd, &(__wasi_filestat_t){0}), E_NOTCAP);
  close_fd(fd);

  /* directory rights: a dir fd without PATH_CREATE_FILE / PATH_OPEN */
  __wasi_fd_t d = (__wasi_fd_t)-1;
  const __wasi_rights_t dr = __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET;
  CHECK_OK("open dir a with limited rights", __wasi_path_open(sb, 0, "a", __WASI_OFLAGS_DIRECTORY, dr, __WASI_RIGHTS_FD_READ, 0, &d));
  __wasi_fd_t x;
  CHECK_ERRNO("create in a without PATH_CREATE_FILE", __wasi_path_open(d, 0, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &x), E_NOTCAP);
  CHECK_ERRNO("mkdir in a without PATH_CREATE_DIRECTORY", __wasi_path_create_directory(d, "nd"), E_NOTCAP);
  CHECK_ERRNO("open b asking for more than a's inheriting rights",
              __wasi_path_open(d, 0, "b", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_PATH_CREATE_FILE, 0, 0, &x), E_NOTCAP);
  CHECK_OK("open b within a's inheriting rights", __wasi_path_open(d, 0, "b", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &x));
  close_fd(x);
  CHECK_OK("stat in a (PATH_FILESTAT_GET granted)", __wasi_path_filestat_get(d, 0, "b", &(__wasi_filestat_t){0}));
  CHECK_OK("drop PATH_OPEN from a", __wasi_fd_fdstat_set_rights(d, __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READ));
  CHECK_ERRNO("open in a without PATH_OPEN", __wasi_path_open(d, 0, "b", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &x), E_NOTCAP);
  CHECK_ERRNO("stat in a without PATH_FILESTAT_GET", __wasi_path_filestat_get(d, 0, "b", &(__wasi_filestat_t){0}), E_NOTCAP);
  close_fd(d);
  CHECK_ERRNO("new was not created", __wasi_path_filestat_get(sb, 0, "a/new", &(__wasi_filestat_t){0}), E_NOENT);
  CHECK_ERRNO("set_rights on a bad fd", __wasi_fd_fdstat_set_rights(999, 0, 0), E_BADF);
  return check_done();
}
