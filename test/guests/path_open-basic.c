/* path_open flags: CREAT makes a file, CREAT|EXCL on an existing name is EEXIST, TRUNC empties,
 * DIRECTORY on a file is ENOTDIR, a missing name is ENOENT, "" is ENOENT, a directory opens with
 * or without DIRECTORY but not with write rights or TRUNC (EISDIR), "a/" and "a///" open the
 * directory, and the opened fd has the file type asked for. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_fdstat_t fs;
  char buf[64];
  size_t len;

  CHECK_OK("create new", open_at(sb, 0, "new", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  CHECK_OK("write new", write_str(fd, "12345"));
  CHECK_OK("fdstat new", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("new is a regular file", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  close_fd(fd);
  CHECK_ERRNO("CREAT|EXCL on existing new", open_at(sb, 0, "new", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd), E_EXIST);
  CHECK_ERRNO("CREAT|EXCL on existing dir a", open_at(sb, 0, "a", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd), E_EXIST);
  CHECK_OK("CREAT without EXCL on existing new keeps it", open_at(sb, 0, "new", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_OK("read new", get_file(sb, "new", buf, sizeof buf, &len));
  CHECK_STR("new still holds 12345", buf, len, "12345");
  CHECK_OK("TRUNC new", open_at(sb, 0, "new", __WASI_OFLAGS_TRUNC, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_OK("read new after TRUNC", get_file(sb, "new", buf, sizeof buf, &len));
  CHECK_EQ("new is empty after TRUNC", len, 0);
  CHECK_OK("CREAT|EXCL new2", open_at(sb, 0, "new2", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_OK("CREAT a/b/c/deep", open_at(sb, 0, "a/b/c/deep", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_ERRNO("CREAT in a missing directory", open_at(sb, 0, "nodir/x", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOENT);
  CHECK_ERRNO("open missing", open_at(sb, 0, "missing", 0, R_RD, 0, &fd), E_NOENT);
  CHECK_ERRNO("open \"\"", open_at(sb, 0, "", 0, R_RD, 0, &fd), E_NOENT);
  CHECK_ERRNO("DIRECTORY on a file", open_at(sb, 0, "file", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd), E_NOTDIR);
  CHECK_ERRNO("CREAT|DIRECTORY on a file", open_at(sb, 0, "file", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, R_DIR, 0, &fd), E_NOTDIR, E_INVAL, E_EXIST);

  CHECK_OK("open dir a with DIRECTORY", open_at(sb, 0, "a", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  CHECK_OK("fdstat a", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("a is a directory", fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  close_fd(fd);
  CHECK_OK("open dir a without DIRECTORY", open_at(sb, 0, "a", 0, R_DIR, 0, &fd));
  CHECK_OK("fdstat a (no DIRECTORY flag)", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("a is still a directory", fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  close_fd(fd);
  CHECK_OK("open \"a/\"", open_at(sb, 0, "a/", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  close_fd(fd);
  CHECK_OK("open \"a///\"", open_at(sb, 0, "a///", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  close_fd(fd);
  CHECK_OK("open \"./a/./b/\"", open_at(sb, 0, "./a/./b/", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  close_fd(fd);
  CHECK_OK("open \".\"", open_at(sb, 0, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  close_fd(fd);
  CHECK_ERRNO("open dir a for writing", __wasi_path_open(sb, 0, "a", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), E_ISDIR);
  CHECK_ERRNO("TRUNC on dir a", __wasi_path_open(sb, 0, "a", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0, &fd), E_ISDIR);
  CHECK_ERRNO("CREAT on existing dir a for writing", __wasi_path_open(sb, 0, "a", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), E_ISDIR);
  CHECK_ERRNO("open on a bad fd", open_at(999, 0, "file", 0, R_RD, 0, &fd), E_BADF);
  __wasi_fd_t f = (__wasi_fd_t)-1;
  CHECK_OK("open file", open_at(sb, 0, "file", 0, R_RD, 0, &f));
  CHECK_ERRNO("open relative to a regular file fd", open_at(f, 0, "x", 0, R_RD, 0, &fd), E_NOTDIR, E_NOTCAP);
  close_fd(f);
  return check_done();
}
