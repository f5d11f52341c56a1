/* fd_seek / fd_tell: SET, CUR, END (positive and negative deltas), seeking past the end and
 * writing there leaves a zero-filled hole; a negative result is EINVAL; an unknown whence is
 * EINVAL; pipes (stdin/stdout) are ESPIPE; a bad fd is EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = must_open("open file rw", sb, "file", 0, R_RW, 0);
  __wasi_filesize_t pos = 99;
  CHECK_OK("tell at open", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset at open", pos, 0);
  CHECK_OK("seek SET 4", __wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos));
  CHECK_EQ("after SET 4", pos, 4);
  CHECK_OK("seek CUR +2", __wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos));
  CHECK_EQ("after CUR +2", pos, 6);
  CHECK_OK("seek CUR -1", __wasi_fd_seek(fd, -1, __WASI_WHENCE_CUR, &pos));
  CHECK_EQ("after CUR -1", pos, 5);
  char c[4];
  __wasi_iovec_t r = {(uint8_t *)c, 4};
  __wasi_size_t n;
  CHECK_OK("read at 5", __wasi_fd_read(fd, &r, 1, &n));
  CHECK_STR("bytes at 5", c, n, " fil");
  CHECK_OK("tell after read", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset after read", pos, 9);
  CHECK_OK("seek END 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
  CHECK_EQ("END is the size", pos, 11);
  CHECK_OK("seek END -3", __wasi_fd_seek(fd, -3, __WASI_WHENCE_END, &pos));
  CHECK_EQ("after END -3", pos, 8);
  CHECK_OK("seek SET 20 (past the end)", __wasi_fd_seek(fd, 20, __WASI_WHENCE_SET, &pos));
  CHECK_OK("write at 20", write_str(fd, "Z"));
  CHECK_OK("seek END after the write", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
  CHECK_EQ("size is 21", pos, 21);
  CHECK_OK("seek SET 0 again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  CHECK_ERRNO("seek to -1", __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &pos), E_INVAL);
  CHECK_ERRNO("seek CUR to before 0", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), E_INVAL);
  CHECK_ERRNO("whence 7", __wasi_fd_seek(fd, 0, 7, &pos), E_INVAL);
  CHECK_OK("tell after failed seeks", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("failed seeks leave the offset", pos, 0);
  close_fd(fd);
  char buf[64];
  size_t len;
  CHECK_OK("read back", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK("hole reads as zeros", len == 21 && memcmp(buf, "hello file\n\0\0\0\0\0\0\0\0\0Z", 21) == 0);
  __wasi_fd_t ns = must_open("open without FD_SEEK/FD_TELL", sb, "file", 0, __WASI_RIGHTS_FD_READ, 0);
  CHECK_ERRNO("seek without FD_SEEK", __wasi_fd_seek(ns, 1, __WASI_WHENCE_SET, &pos), E_NOTCAP);
  CHECK_ERRNO("tell without FD_TELL", __wasi_fd_tell(ns, &pos), E_NOTCAP);
  close_fd(ns);
  CHECK_ERRNO("seek stdin (a pipe)", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), E_SPIPE, E_NOTCAP);
  CHECK_ERRNO("seek a bad fd", __wasi_fd_seek(999, 0, __WASI_WHENCE_SET, &pos), E_BADF);
  CHECK_ERRNO("tell a bad fd", __wasi_fd_tell(999, &pos), E_BADF);
  return check_done();
}
