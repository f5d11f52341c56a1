/* wasi-testsuite file_seek_tell: tell 0; write 100 -> tell 100; seek -50 CUR -> 50; seek 0 SET ->
 * 0; seek +1000 CUR ok; seek -2000 CUR -> INVAL; read 100 from 0 -> tell 100. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "file_seek_tell_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t fd;
  __wasi_size_t n;
  __wasi_filesize_t off;
  if (!CHECK_OK("path_open(file, CREAT, READ|WRITE|SEEK|TELL)",
                __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT,
                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL,
                                 0, 0, &fd)))
    return check_done();
  CHECK("fd > 2", fd > 2);
  if (CHECK_OK("fd_tell initial", __wasi_fd_tell(fd, &off))) CHECK_EQ("offset 0", off, 0);
  static uint8_t d[100];
  if (CHECK_OK("write 100", ts_write(fd, d, 100, &n))) CHECK_EQ("wrote 100", n, 100);
  if (CHECK_OK("fd_tell after write", __wasi_fd_tell(fd, &off))) CHECK_EQ("offset 100", off, 100);
  if (CHECK_OK("fd_seek(-50, CUR)", __wasi_fd_seek(fd, -50, __WASI_WHENCE_CUR, &off))) CHECK_EQ("offset 50", off, 50);
  if (CHECK_OK("fd_seek(0, SET)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off))) CHECK_EQ("offset 0", off, 0);
  CHECK_OK("fd_seek(1000, CUR) beyond EOF", __wasi_fd_seek(fd, 1000, __WASI_WHENCE_CUR, &off));
  CHECK_ERRNO("fd_seek(-2000, CUR) before 0", __wasi_fd_seek(fd, -2000, __WASI_WHENCE_CUR, &off), E_INVAL);
  CHECK_OK("fd_seek(0, SET)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  static uint8_t b[100];
  if (CHECK_OK("read 100", ts_read(fd, b, 100, &n))) CHECK_EQ("read 100", n, 100);
  if (CHECK_OK("fd_tell after read", __wasi_fd_tell(fd, &off))) CHECK_EQ("offset 100", off, 100);
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
