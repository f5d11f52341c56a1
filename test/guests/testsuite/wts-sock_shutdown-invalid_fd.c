/* wasi-testsuite sock_shutdown-invalid_fd: shutdown(fd, SHUT_RD) fails with EBADF for an unused
 * fd: 420 (older) and 3 (newest, run with no preopen; here: the first fd after the preopens). */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <sys/socket.h>
int main(void) {
  errno = 0;
  int r = shutdown(420, SHUT_RD), err = errno; /* saved before printing */
  CHECK("shutdown(420) fails", r != 0);
  CHECK_EQ("errno EBADF (fd 420)", err, EBADF);
  int unused = (int)ts_first_free_fd();
  errno = 0;
  r = shutdown(unused, SHUT_RD);
  err = errno;
  CHECK("shutdown(first unused fd) fails", r != 0);
  CHECK_EQ("errno EBADF (first unused fd)", err, EBADF);
  CHECK_ERRNO("raw sock_shutdown(420, RD)", __wasi_sock_shutdown(420, __WASI_SDFLAGS_RD), E_BADF);
  return check_done();
}
