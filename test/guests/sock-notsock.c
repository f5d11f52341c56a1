/* sock_accept / sock_recv / sock_send / sock_shutdown on a regular file and on a directory are
 * ENOTSOCK; on an unopened fd EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t f = must_open("open file", sb, "file", 0, R_RW, 0);
  uint8_t b[8];
  __wasi_iovec_t ri = {b, sizeof b};
  __wasi_ciovec_t si = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_roflags_t rof;
  __wasi_fd_t nfd;
  CHECK_ERRNO("sock_accept on a file", __wasi_sock_accept(f, 0, &nfd), E_NOTSOCK);
  CHECK_ERRNO("sock_recv on a file", __wasi_sock_recv(f, &ri, 1, 0, &n, &rof), E_NOTSOCK);
  CHECK_ERRNO("sock_send on a file", __wasi_sock_send(f, &si, 1, 0, &n), E_NOTSOCK);
  CHECK_ERRNO("sock_shutdown on a file", __wasi_sock_shutdown(f, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), E_NOTSOCK);
  CHECK_ERRNO("sock_accept on a directory", __wasi_sock_accept(sb, 0, &nfd), E_NOTSOCK);
  CHECK_ERRNO("sock_recv on a directory", __wasi_sock_recv(sb, &ri, 1, 0, &n, &rof), E_NOTSOCK);
  CHECK_ERRNO("sock_send on a directory", __wasi_sock_send(sb, &si, 1, 0, &n), E_NOTSOCK);
  CHECK_ERRNO("sock_shutdown on a directory", __wasi_sock_shutdown(sb, __WASI_SDFLAGS_WR), E_NOTSOCK);
  close_fd(f);
  CHECK_ERRNO("sock_accept on a bad fd", __wasi_sock_accept(999, 0, &nfd), E_BADF);
  CHECK_ERRNO("sock_recv on a bad fd", __wasi_sock_recv(999, &ri, 1, 0, &n, &rof), E_BADF);
  CHECK_ERRNO("sock_send on a bad fd", __wasi_sock_send(999, &si, 1, 0, &n), E_BADF);
  CHECK_ERRNO("sock_shutdown on a bad fd", __wasi_sock_shutdown(999, __WASI_SDFLAGS_RD), E_BADF);
  char buf[32];
  size_t len;
  CHECK_OK("read file", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("file unchanged by sock_send", buf, len, "hello file\n");
  return check_done();
}
