/* fd_read / fd_write served from the façade's fast table (wfs_io_t.fast): after a read or write
 * on a regular file, the next ones on that fd go straight to the host FD and advance a position
 * the core takes back before its next call. Every way of looking at that position or the file
 * must agree: fd_tell, fd_seek, fd_filestat_get and path_filestat_get (size), a second fd on
 * the same file (its own position), fd_renumber, an append fd, fdstat_set_flags(APPEND).
 * Runs of calls are made before anything is printed: printing is a call into the core too. */
#include "check.h"

static __wasi_errno_t rd(__wasi_fd_t fd, __wasi_size_t want, char *buf, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, want};
  memset(buf, 0, 32);
  return __wasi_fd_read(fd, &iov, 1, n);
}

static __wasi_errno_t wr(__wasi_fd_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
  return e == 0 && n != strlen(s) ? __WASI_ERRNO_IO : e;
}

static uint64_t tell(__wasi_fd_t fd) {
  __wasi_filesize_t pos = 0;
  if (__wasi_fd_tell(fd, &pos) != 0) return (uint64_t)-1;
  return pos;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  char b1[32], b2[32], b3[32], b4[32], b5[32];
  __wasi_size_t n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
  __wasi_errno_t e1, e2, e3, e4, e5, e6;
  __wasi_filestat_t st;
  __wasi_filesize_t pos = 0;
  uint64_t t;

  /* writes: the first through the core, the next ones fast */
  __wasi_fd_t f = must_open("create fio", sb, "fio", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_RW, 0);
  e1 = wr(f, "abcdefgh");
  e2 = wr(f, "ijklmnop");
  e3 = wr(f, "qrstuvwxyz");
  t = tell(f);
  e4 = __wasi_fd_filestat_get(f, &st);
  CHECK_OK("write 1", e1);
  CHECK_OK("write 2", e2);
  CHECK_OK("write 3", e3);
  CHECK_EQ("tell after 3 writes", t, 26);
  CHECK_OK("fd_filestat_get", e4);
  CHECK_EQ("size after fast writes", st.size, 26);
  e1 = wr(f, "0123");
  e2 = wr(f, "45");
  e3 = __wasi_path_filestat_get(sb, 0, "fio", &st);
  CHECK_OK("write 4", e1);
  CHECK_OK("write 5", e2);
  CHECK_OK("path_filestat_get", e3);
  CHECK_EQ("size by path after fast writes", st.size, 32);

  /* reads: sequential, then around a seek */
  e1 = __wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
  e2 = rd(f, 5, b1, &n1);
  e3 = rd(f, 5, b2, &n2);
  e4 = rd(f, 5, b3, &n3);
  t = tell(f);
  CHECK_OK("seek to 0", e1);
  CHECK_OK("read 1", e2);
  CHECK_STR("read 1 bytes", b1, n1, "abcde");
  CHECK_OK("read 2", e3);
  CHECK_STR("read 2 bytes", b2, n2, "fghij");
  CHECK_OK("read 3", e4);
  CHECK_STR("read 3 bytes", b3, n3, "klmno");
  CHECK_EQ("tell after 3 reads", t, 15);
  e1 = __wasi_fd_seek(f, 3, __WASI_WHENCE_CUR, &pos);
  e2 = rd(f, 5, b1, &n1);
  e3 = rd(f, 20, b2, &n2);
  e4 = rd(f, 5, b3, &n3);
  e5 = rd(f, 5, b4, &n4);
  t = tell(f);
  CHECK_OK("seek +3", e1);
  CHECK_EQ("seek result", pos, 18);
  CHECK_OK("read 4", e2);
  CHECK_STR("read 4 bytes", b1, n1, "stuvw");
  CHECK_OK("read 5", e3);
  CHECK_STR("read 5 bytes (to EOF)", b2, n2, "xyz012345");
  CHECK_OK("read at EOF", e4);
  CHECK_EQ("0 bytes at EOF", n3, 0);
  CHECK_OK("read at EOF again", e5);
  CHECK_EQ("0 bytes at EOF again", n4, 0);
  CHECK_EQ("tell at EOF", t, 32);

  /* a write after reads (the read's entry allows no writes), then reads and writes mixed */
  e1 = __wasi_fd_seek(f, 8, __WASI_WHENCE_SET, &pos);
  e2 = wr(f, "IJ");
  e3 = wr(f, "KL");
  e4 = rd(f, 4, b1, &n1);
  e5 = wr(f, "QR");
  t = tell(f);
  CHECK_OK("seek to 8", e1);
  CHECK_OK("overwrite IJ", e2);
  CHECK_OK("overwrite KL (fast)", e3);
  CHECK_OK("read after writes", e4);
  CHECK_STR("bytes after the overwrite", b1, n1, "mnop");
  CHECK_OK("write after read", e5);
  CHECK_EQ("tell after mixed", t, 18);

  /* a second fd on the file: its own position */
  __wasi_fd_t g = must_open("open fio again", sb, "fio", 0, R_RW, 0);
  e1 = rd(g, 3, b1, &n1);
  e2 = rd(f, 3, b2, &n2);
  e3 = rd(g, 3, b3, &n3);
  e4 = rd(g, 3, b4, &n4);
  e5 = rd(f, 3, b5, &n5);
  CHECK_OK("g read", e1);
  CHECK_STR("g reads from 0", b1, n1, "abc");
  CHECK_OK("f read", e2);
  CHECK_STR("f reads from 18", b2, n2, "stu");
  CHECK_OK("g read again", e3);
  CHECK_STR("g continues", b3, n3, "def");
  CHECK_OK("g read once more (fast)", e4);
  CHECK_STR("g continues fast", b4, n4, "ghI");
  CHECK_OK("f read again", e5);
  CHECK_STR("f continues", b5, n5, "vwx");

  /* renumber keeps the position */
  e1 = rd(f, 1, b1, &n1);
  e2 = rd(f, 1, b2, &n2);
  e3 = __wasi_fd_renumber(f, g);
  t = tell(g);
  e4 = rd(g, 3, b3, &n3);
  CHECK_OK("f read y", e1);
  CHECK_OK("f read z (fast)", e2);
  CHECK_STR("f read z", b2, n2, "z");
  CHECK_OK("renumber f onto g", e3);
  CHECK_EQ("position moved with the fd", t, 26);
  CHECK_OK("read after renumber", e4);
  CHECK_STR("bytes after renumber", b3, n3, "012");

  /* append: never at the fd position */
  e1 = wr(g, "-");
  e2 = __wasi_fd_fdstat_set_flags(g, __WASI_FDFLAGS_APPEND);
  e3 = __wasi_fd_seek(g, 0, __WASI_WHENCE_SET, &pos);
  e4 = wr(g, "A");
  e5 = wr(g, "B");
  CHECK_OK("write - at 29 (before APPEND)", e1);
  CHECK_OK("set APPEND", e2);
  CHECK_OK("seek to 0 before appending", e3);
  CHECK_OK("append A", e4);
  CHECK_OK("append B", e5);
  close_fd(g);
  __wasi_fd_t a = must_open("open with APPEND", sb, "fio", 0, R_RW, __WASI_FDFLAGS_APPEND);
  e1 = wr(a, "C");
  e2 = wr(a, "D");
  e3 = wr(a, "E");
  e6 = __wasi_fd_filestat_get(a, &st);
  CHECK_OK("append C", e1);
  CHECK_OK("append D", e2);
  CHECK_OK("append E", e3);
  CHECK_OK("filestat after appends", e6);
  CHECK_EQ("size after appends", st.size, 37);
  close_fd(a);
  char all[64];
  size_t len = 0;
  CHECK_OK("read back", get_file(sb, "fio", all, sizeof all, &len));
  CHECK_STR("final content", all, len, "abcdefghIJKLmnopQRstuvwxyz012-45ABCDE");

  /* reads right after an open (the open publishes the fd: no core call in between) */
  __wasi_fd_t r = must_open("open fio to read", sb, "fio", 0, R_RD, 0);
  e1 = rd(r, 4, b1, &n1);
  e2 = rd(r, 4, b2, &n2);
  t = tell(r);
  CHECK_OK("first read after open", e1);
  CHECK_STR("first read bytes", b1, n1, "abcd");
  CHECK_OK("second read", e2);
  CHECK_STR("second read bytes", b2, n2, "efgh");
  CHECK_EQ("tell after both", t, 8);
  close_fd(r);
  __wasi_fd_t w = must_open("open fio write-only", sb, "fio", 0, __WASI_RIGHTS_FD_WRITE, 0);
  e1 = rd(w, 4, b1, &n1);
  CHECK_ERRNO("read right after a write-only open", e1, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_BADF);
  close_fd(w);
  __wasi_fd_t z = must_open("open fio with TRUNC", sb, "fio", __WASI_OFLAGS_TRUNC, R_RW, 0);
  e1 = rd(z, 4, b1, &n1);
  CHECK_OK("read right after a TRUNC open", e1);
  CHECK_EQ("nothing to read", n1, 0);
  close_fd(z);
  CHECK_OK("unlink fio", __wasi_path_unlink_file(sb, "fio"));
  return check_done();
}
