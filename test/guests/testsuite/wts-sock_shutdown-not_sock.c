/* wasi-testsuite sock_shutdown-not_sock: shutdown(STDOUT_FILENO, SHUT_RD) fails with ENOTSOCK. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
int main(void) {
  errno = 0;
  int r = shutdown(STDOUT_FILENO, SHUT_RD), err = errno; /* saved before printing */
  CHECK("shutdown(1) fails", r != 0);
  CHECK_EQ("errno ENOTSOCK", err, ENOTSOCK);
  return check_done();
}
