/* wasi-testsuite poll_oneoff_stdio: poll {clock MONOTONIC 200 ms relative, fd_read stdin} returns
 * >= 1 event, each either the clock (error SUCCESS, userdata CLOCK_ID) or stdin read (error
 * SUCCESS, userdata STDIN_ID); then {fd_write stdout, fd_write stderr, clock 200 ms} repeated until
 * both fd_write events arrived with type FD_WRITE and error SUCCESS, a clock event first being a
 * failure. */
#include "check.h"
#include "ts.h"
#define CLOCK_ID 0x012345678ull
#define STDIN_ID 0x876543210ull
static __wasi_subscription_t clock_sub(void) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = CLOCK_ID;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = 200000000ull;
  return s;
}
static __wasi_subscription_t fd_sub(uint64_t ud, uint8_t tag, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = tag;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}
int main(void) {
  __wasi_subscription_t in[3];
  __wasi_event_t out[3];
  __wasi_size_t n = 0;
  in[0] = clock_sub();
  in[1] = fd_sub(STDIN_ID, __WASI_EVENTTYPE_FD_READ, 0);
  memset(out, 0, sizeof out);
  CHECK_OK("poll {clock, stdin read}", __wasi_poll_oneoff(in, out, 2, &n));
  CHECK("at least 1 event", n >= 1);
  for (__wasi_size_t i = 0; i < n && i < 2; i++) {
    if (out[i].type == __WASI_EVENTTYPE_CLOCK) {
      CHECK_OK("clock event error", out[i].error);
      CHECK_EQ("clock event userdata", out[i].userdata, CLOCK_ID);
    } else if (out[i].type == __WASI_EVENTTYPE_FD_READ) {
      CHECK_OK("stdin event error", out[i].error);
      CHECK_EQ("stdin event userdata", out[i].userdata, STDIN_ID);
    } else {
      CHECK("event type is CLOCK or FD_READ", 0);
    }
  }
  int pending[3] = {0, 1, 1};
  for (int round = 0; (pending[1] || pending[2]) && round < 10; round++) {
    __wasi_size_t k = 0;
    for (int fd = 1; fd <= 2; fd++)
      if (pending[fd]) in[k++] = fd_sub((uint64_t)fd, __WASI_EVENTTYPE_FD_WRITE, (__wasi_fd_t)fd);
    in[k++] = clock_sub();
    memset(out, 0, sizeof out);
    if (!CHECK_OK("poll {stdout write, stderr write, clock}", __wasi_poll_oneoff(in, out, k, &n))) break;
    for (__wasi_size_t i = 0; i < n; i++) {
      if (out[i].userdata == CLOCK_ID) {
        CHECK("no timeout before stdout/stderr are writable", 0);
        pending[1] = pending[2] = 0;
      } else if (out[i].userdata == 1 || out[i].userdata == 2) {
        int fd = (int)out[i].userdata;
        if (!pending[fd]) { CHECK("no duplicate event", 0); continue; }
        pending[fd] = 0;
        CHECK_EQ(fd == 1 ? "stdout event type FD_WRITE" : "stderr event type FD_WRITE", out[i].type, __WASI_EVENTTYPE_FD_WRITE);
        CHECK_OK(fd == 1 ? "stdout event error" : "stderr event error", out[i].error);
      } else {
        CHECK("known userdata", 0);
      }
    }
  }
  CHECK("both became writable", !pending[1] && !pending[2]);
  return check_done();
}
