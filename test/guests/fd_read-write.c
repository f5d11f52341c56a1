/* fd_read / fd_write: scatter/gather over several iovecs (including empty ones), short reads at
 * EOF, 0 at EOF, the offset advancing; stdin delivers exactly the text given to the host; stdout
 * and stderr accept writes; a directory cannot be read; a write-less fd cannot write; a bad fd
 * is EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  char in[256];
  size_t inlen = 0;
  CHECK_OK("read all of stdin", read_all(0, in, sizeof in, &inlen));
  CHECK_STR("stdin text", in, inlen, "line one\nline two\n");
  __wasi_size_t n = 0;
  uint8_t z;
  __wasi_iovec_t ziov = {&z, 1};
  CHECK_OK("stdin at EOF", __wasi_fd_read(0, &ziov, 1, &n));
  CHECK_EQ("stdin EOF reads 0", n, 0);

  __wasi_ciovec_t out[3] = {{(const uint8_t *)"gathered ", 9}, {(const uint8_t *)"", 0}, {(const uint8_t *)"to stdout\n", 10}};
  CHECK_OK("fd_write 3 iovecs to stdout", __wasi_fd_write(1, out, 3, &n));
  CHECK_EQ("stdout bytes written", n, 19);
  CHECK_OK("fd_write to stderr", write_str(2, "to stderr (not compared)\n"));

  __wasi_fd_t fd = (__wasi_fd_t)-1;
  CHECK_OK("create rw", open_at(sb, 0, "rw", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  __wasi_ciovec_t w[4] = {{(const uint8_t *)"abc", 3}, {(const uint8_t *)"", 0}, {(const uint8_t *)"defg", 4}, {(const uint8_t *)"h", 1}};
  CHECK_OK("write 4 iovecs", __wasi_fd_write(fd, w, 4, &n));
  CHECK_EQ("bytes written", n, 8);
  __wasi_filesize_t pos = 0;
  CHECK_OK("tell after write", __wasi_fd_tell(fd, &pos));
  CHECK_EQ("offset after write", pos, 8);
  CHECK_OK("seek to 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  char a[2], b[3], c[10];
  __wasi_iovec_t r[4] = {{(uint8_t *)a, 2}, {(uint8_t *)b, 0}, {(uint8_t *)b, 3}, {(uint8_t *)c, 10}};
  CHECK_OK("read 4 iovecs", __wasi_fd_read(fd, r, 4, &n));
  CHECK_EQ("bytes read (short read at EOF)", n, 8);
  CHECK_STR("iovec 1", a, 2, "ab");
  CHECK_STR("iovec 3", b, 3, "cde");
  CHECK_STR("iovec 4", c, 3, "fgh");
  CHECK_OK("read at EOF", __wasi_fd_read(fd, r, 4, &n));
  CHECK_EQ("read at EOF returns 0", n, 0);
  CHECK_OK("zero iovecs write", __wasi_fd_write(fd, w, 0, &n));
  CHECK_EQ("zero iovecs write count", n, 0);
  close_fd(fd);

  CHECK_ERRNO("read a directory", __wasi_fd_read(sb, r, 1, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("write a directory", __wasi_fd_write(sb, w, 1, &n), E_ISDIR, E_BADF, E_NOTCAP);
  __wasi_fd_t ro = must_open("open file read-only", sb, "file", 0, __WASI_RIGHTS_FD_READ, 0);
  CHECK_ERRNO("write to a read-only fd", __wasi_fd_write(ro, w, 1, &n), E_NOTCAP, E_BADF);
  close_fd(ro);
  __wasi_fd_t wo = must_open("open file write-only", sb, "file", 0, __WASI_RIGHTS_FD_WRITE, 0);
  CHECK_ERRNO("read from a write-only fd", __wasi_fd_read(wo, r, 1, &n), E_NOTCAP, E_BADF);
  close_fd(wo);
  char buf[64];
  size_t len;
  CHECK_OK("read file", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("file unchanged", buf, len, "hello file\n");
  CHECK_ERRNO("read a bad fd", __wasi_fd_read(999, r, 1, &n), E_BADF);
  CHECK_ERRNO("write a bad fd", __wasi_fd_write(999, w, 1, &n), E_BADF);
  return check_done();
}
