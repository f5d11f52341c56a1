/* wasi-testsuite pwrite-with-access: access("writeable/test_pwrite_pread.txt.cleanup") fails;
 * open(O_WRONLY| O_CREAT) > 0; pwrite "very long text" at 0 and "test" at 3 (full-write loops, each
 * > 0); close; open O_RDONLY, read until 14 bytes (each read > 0, the last read returns all 14),
 * content "vertestng text"; close; remove 0. (The older suite names the file without ".cleanup".)
 */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int pwrite_full(int fd, const char *s, int len, int off) {
  int w = 0;
  while (w < len) {
    ssize_t r = pwrite(fd, s + w, len - w, off + w);
    if (!CHECK("pwrite > 0", r > 0)) return w;
    w += (int)r;
  }
  return w;
}
int main(void) {
  const char *t = P("writeable/test_pwrite_pread.txt.cleanup");
  CHECK("access(F_OK) fails before", access(t, F_OK) != 0);
  int fd = open(t, O_WRONLY | O_CREAT), err = errno;
  if (!CHECK("open O_WRONLY|O_CREAT", fd > 0)) { printf("  errno %d\n", err); return check_done(); }
  CHECK_EQ("pwrite full text", pwrite_full(fd, "very long text", 14, 0), 14);
  CHECK_EQ("pwrite test at 3", pwrite_full(fd, "test", 4, 3), 4);
  CHECK("close", close(fd) == 0);
  fd = open(t, O_RDONLY);
  if (!CHECK("open O_RDONLY", fd > 0)) return check_done();
  char b[16];
  int got = 0;
  ssize_t r = 0;
  while (got < 14) {
    r = read(fd, b + got, sizeof b - got);
    if (!CHECK("read > 0", r > 0)) break;
    got += (int)r;
  }
  CHECK_EQ("last read returned everything (ret == 14)", r, 14);
  CHECK_STR("content", b, 14, "vertestng text");
  CHECK("close", close(fd) == 0);
  CHECK("remove", remove(t) == 0);
  return check_done();
}
