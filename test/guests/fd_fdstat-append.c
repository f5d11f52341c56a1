/* fd_fdstat_get / fd_fdstat_set_flags and O_APPEND: a file opened with APPEND reports APPEND and
 * every write lands at the end whatever the offset; clearing APPEND with set_flags makes writes
 * positional again and fdstat stops reporting it; setting APPEND later works too; fdstat reports
 * the file type of files, directories and the preopen; a bad fd is EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fdstat_t fs;
  __wasi_filesize_t pos;
  char buf[64];
  size_t len;

  __wasi_fd_t fd = must_open("open file APPEND", sb, "file", 0, R_RW, __WASI_FDFLAGS_APPEND);
  CHECK_OK("fdstat", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("fdstat reports APPEND", fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
  CHECK_EQ("file type", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_OK("seek to 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  CHECK_OK("write A", write_str(fd, "A"));
  CHECK_OK("tell after append", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset is the new end", pos, 12);
  CHECK_OK("seek to 3", __wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos));
  CHECK_OK("write B", write_str(fd, "B"));
  CHECK_OK("read back", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("both writes went to the end", buf, len, "hello file\nAB");

  CHECK_OK("set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
  CHECK_OK("fdstat after clearing", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("APPEND cleared", fs.fs_flags & __WASI_FDFLAGS_APPEND, 0);
  CHECK_OK("seek to 0 again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  CHECK_OK("write X", write_str(fd, "X"));
  CHECK_OK("read back again", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("positional write after clearing", buf, len, "Xello file\nAB");
  CHECK_OK("set_flags APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  CHECK_OK("fdstat after setting", __wasi_fd_fdstat_get(fd, &fs));
  CHECK_EQ("APPEND set", fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
  CHECK_OK("seek to 1", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
  CHECK_OK("write C", write_str(fd, "C"));
  CHECK_OK("read back a third time", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("appended again", buf, len, "Xello file\nABC");
  close_fd(fd);

  __wasi_fd_t cr = (__wasi_fd_t)-1;
  CHECK_OK("create log with CREAT|APPEND", open_at(sb, 0, "log", __WASI_OFLAGS_CREAT, R_RW, __WASI_FDFLAGS_APPEND, &cr));
  CHECK_OK("log line 1", write_str(cr, "1\n"));
  close_fd(cr);
  CHECK_OK("reopen log with APPEND", open_at(sb, 0, "log", 0, R_RW, __WASI_FDFLAGS_APPEND, &cr));
  CHECK_OK("log line 2", write_str(cr, "2\n"));
  close_fd(cr);
  CHECK_OK("read log", get_file(sb, "log", buf, sizeof buf, &len));
  CHECK_STR("log has both lines", buf, len, "1\n2\n");
  CHECK_OK("open without APPEND", open_at(sb, 0, "log", 0, R_RW, 0, &cr));
  CHECK_OK("fdstat without APPEND", __wasi_fd_fdstat_get(cr, &fs));
  CHECK_EQ("no APPEND reported", fs.fs_flags & __WASI_FDFLAGS_APPEND, 0);
  close_fd(cr);

  CHECK_OK("fdstat of the preopen", __wasi_fd_fdstat_get(sb, &fs));
  CHECK_EQ("preopen is a directory", fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_EQ("preopen grants PATH_OPEN", fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN, __WASI_RIGHTS_PATH_OPEN);
  CHECK_EQ("preopen lets files be read", fs.fs_rights_inheriting & __WASI_RIGHTS_FD_READ, __WASI_RIGHTS_FD_READ);
  CHECK_OK("fdstat stdout", __wasi_fd_fdstat_get(1, &fs));
  CHECK_EQ("stdout can be written", fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE, __WASI_RIGHTS_FD_WRITE);
  CHECK_ERRNO("fdstat a bad fd", __wasi_fd_fdstat_get(999, &fs), E_BADF);
  CHECK_ERRNO("set_flags a bad fd", __wasi_fd_fdstat_set_flags(999, 0), E_BADF);
  return check_done();
}
