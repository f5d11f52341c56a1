/* wasi-testsuite pread-with-access: open("pread.txt" = "pread-test", O_RDONLY) > 0; pread 3 bytes
 * at 4 (looping on short reads, each > 0) gives "d-t"; close 0. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <fcntl.h>
#include <unistd.h>

int main(void) {
  int fd = open(P("pread.txt"), O_RDONLY);
  if (!CHECK("open pread.txt", fd > 0)) return check_done();
  char b[16];
  int off = 0, ok = 1;
  while (off < 3) {
    ssize_t r = pread(fd, b + off, 3 - off, 4 + off);
    if (!CHECK("pread > 0", r > 0)) { ok = 0; break; }
    off += (int)r;
  }
  if (ok) CHECK_STR("pread at 4", b, 3, "d-t");
  CHECK("close 0", close(fd) == 0);
  return check_done();
}
