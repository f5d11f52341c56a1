/* poll_oneoff with clock subscriptions: a relative timeout sleeps at least that long and reports
 * one clock event with the userdata and no error; of two timeouts only the shorter fires; an
 * absolute deadline in the past fires at once; a zero timeout fires at once; nsubscriptions == 0
 * is EINVAL; an unknown clock id is reported (EINVAL) as the call result or in the event. */
#include "check.h"

static __wasi_subscription_t clk(uint64_t ud, __wasi_clockid_t id, uint64_t timeout, uint16_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
  return t;
}

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  __wasi_subscription_t s[2];

  s[0] = clk(0x1122334455667788ull, __WASI_CLOCKID_MONOTONIC, 30000000ull, 0);
  uint64_t t0 = mono();
  CHECK_OK("relative 30 ms", __wasi_poll_oneoff(s, ev, 1, &n));
  uint64_t t1 = mono();
  CHECK_EQ("one event", n, 1);
  CHECK_EQ("event userdata", ev[0].userdata, 0x1122334455667788ull);
  CHECK_EQ("event type clock", ev[0].type, __WASI_EVENTTYPE_CLOCK);
  CHECK_EQ("event error", ev[0].error, 0);
  CHECK("slept at least 30 ms", t1 - t0 >= 30000000ull);
  CHECK("slept less than 10 s", t1 - t0 < 10000000000ull);

  s[0] = clk(1, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  s[1] = clk(2, __WASI_CLOCKID_MONOTONIC, 10000000ull, 0);
  t0 = mono();
  CHECK_OK("5 s and 10 ms", __wasi_poll_oneoff(s, ev, 2, &n));
  t1 = mono();
  CHECK_EQ("only one fires", n, 1);
  CHECK_EQ("the 10 ms one", ev[0].userdata, 2);
  CHECK("returned well before 5 s", t1 - t0 < 4000000000ull);

  s[0] = clk(3, __WASI_CLOCKID_MONOTONIC, mono() - 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = mono();
  CHECK_OK("absolute deadline in the past", __wasi_poll_oneoff(s, ev, 1, &n));
  t1 = mono();
  CHECK("past deadline returns at once (< 1 s)", n == 1 && ev[0].userdata == 3 && t1 - t0 < 1000000000ull);
  s[0] = clk(4, __WASI_CLOCKID_MONOTONIC, mono() + 20000000ull, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = mono();
  CHECK_OK("absolute deadline 20 ms ahead", __wasi_poll_oneoff(s, ev, 1, &n));
  t1 = mono();
  CHECK("absolute deadline waited (>= 15 ms)", n == 1 && ev[0].userdata == 4 && t1 - t0 >= 15000000ull);
  s[0] = clk(5, __WASI_CLOCKID_REALTIME, 0, 0);
  CHECK_OK("zero timeout on realtime", __wasi_poll_oneoff(s, ev, 1, &n));
  CHECK("zero timeout fires", n == 1 && ev[0].userdata == 5 && ev[0].error == 0);

  CHECK_ERRNO("no subscriptions", __wasi_poll_oneoff(s, ev, 0, &n), E_INVAL);
  s[0] = clk(6, 99, 1000000ull, 0);
  __wasi_errno_t e = __wasi_poll_oneoff(s, ev, 1, &n);
  CHECK("unknown clock id is EINVAL (call or event)", e == E_INVAL || (e == 0 && n == 1 && ev[0].error == E_INVAL));
  return check_done();
}
