/* poll_oneoff fd readiness: a regular file is always ready for reading and writing (event with
 * no error, type FD_READ / FD_WRITE, userdata echoed, before a long clock timeout fires); stdout
 * is ready for writing; stdin with data is ready for reading, its nbytes the bytes waiting; an unopened fd reports EBADF (in
 * its event, or as the result of the whole call: the spec allows either reading). */
#include "check.h"

static __wasi_subscription_t fdsub(uint64_t ud, uint8_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

static const __wasi_event_t *find(const __wasi_event_t *ev, __wasi_size_t n, uint64_t ud) {
  for (__wasi_size_t i = 0; i < n; i++)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t f = must_open("open file", sb, "file", 0, R_RW, 0);
  __wasi_subscription_t s[4];
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  s[0] = fdsub(10, __WASI_EVENTTYPE_FD_READ, f);
  s[1] = fdsub(11, __WASI_EVENTTYPE_FD_WRITE, f);
  memset(&s[2], 0, sizeof s[2]);
  s[2].userdata = 12;
  s[2].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[2].u.u.clock.timeout = 10000000000ull; /* 10 s: must not be what wakes us */
  CHECK_OK("poll file read+write with a 10 s clock", __wasi_poll_oneoff(s, ev, 3, &n));
  const __wasi_event_t *r = find(ev, n, 10), *w = find(ev, n, 11), *c = find(ev, n, 12);
  CHECK("file readable", r && r->error == 0 && r->type == __WASI_EVENTTYPE_FD_READ);
  CHECK("file writable", w && w->error == 0 && w->type == __WASI_EVENTTYPE_FD_WRITE);
  CHECK("clock did not fire", c == NULL);
  CHECK_EQ("exactly two events", n, 2);

  s[0] = fdsub(20, __WASI_EVENTTYPE_FD_WRITE, 1);
  CHECK_OK("poll stdout write", __wasi_poll_oneoff(s, ev, 1, &n));
  CHECK("stdout writable", n == 1 && ev[0].userdata == 20 && ev[0].error == 0 && ev[0].type == __WASI_EVENTTYPE_FD_WRITE);

  s[0] = fdsub(30, __WASI_EVENTTYPE_FD_READ, 0);
  s[1] = s[2];
  CHECK_OK("poll stdin read (data waiting) with a 10 s clock", __wasi_poll_oneoff(s, ev, 2, &n));
  r = find(ev, n, 30);
  CHECK("stdin readable", r && r->error == 0 && r->type == __WASI_EVENTTYPE_FD_READ);
  CHECK_EQ("stdin nbytes: the bytes waiting", r ? r->fd_readwrite.nbytes : 0, 6);
  char in[64];
  size_t len;
  CHECK_OK("read stdin", read_all(0, in, sizeof in, &len));
  CHECK_STR("stdin data", in, len, "ready\n");

  s[0] = fdsub(40, __WASI_EVENTTYPE_FD_READ, 999);
  s[1] = s[2];
  __wasi_errno_t e = __wasi_poll_oneoff(s, ev, 2, &n);
  r = e == 0 ? find(ev, n, 40) : NULL;
  CHECK("a bad fd is EBADF (in its event, or as the call result)", e == E_BADF || (r && r->error == E_BADF));
  close_fd(f);
  return check_done();
}
