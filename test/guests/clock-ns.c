/* clock_res_get / clock_time_get: both clocks answer in nanoseconds (realtime is after 2020 when
 * read as ns since the epoch; a 20 ms sleep advances monotonic by >= 20,000,000), monotonic never
 * goes back, and an unknown clock id is EINVAL. */
#include "check.h"

int main(void) {
  __wasi_timestamp_t res = 0, t0 = 0, t1 = 0, rt = 0;
  CHECK_OK("clock_res_get realtime", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res));
  CHECK("realtime resolution is 1 ns .. 1 s", res >= 1 && res <= 1000000000ull);
  CHECK_OK("clock_res_get monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
  CHECK("monotonic resolution is 1 ns .. 1 s", res >= 1 && res <= 1000000000ull);
  CHECK_OK("clock_time_get realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt));
  /* 2020-01-01 and 2200-01-01 in ns since the epoch */
  CHECK("realtime is in nanoseconds since the epoch", rt > 1577836800000000000ull && rt < 7258118400000000000ull);
  CHECK_OK("clock_time_get monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
  int back = 0;
  __wasi_timestamp_t prev = t0;
  for (int i = 0; i < 1000; i++) {
    __wasi_timestamp_t t;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0 || t < prev) back = 1;
    prev = t;
  }
  CHECK("monotonic never goes back over 1000 reads", !back);
  /* sleep 20 ms with a relative clock subscription */
  __wasi_subscription_t sub = {0};
  sub.userdata = 7;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 20000000ull;
  __wasi_event_t ev;
  __wasi_size_t n = 0;
  CHECK_OK("poll_oneoff 20ms", __wasi_poll_oneoff(&sub, &ev, 1, &n));
  CHECK_OK("clock_time_get monotonic after sleep", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
  CHECK("monotonic advanced >= 20 ms in ns", t1 - t0 >= 20000000ull);
  CHECK("monotonic advanced < 20 s (units are not coarser than ns)", t1 - t0 < 20000000000ull);
  __wasi_timestamp_t x;
  CHECK_ERRNO("clock_time_get id 99", __wasi_clock_time_get(99, 1, &x), E_INVAL);
  CHECK_ERRNO("clock_res_get id 99", __wasi_clock_res_get(99, &x), E_INVAL);
  return check_done();
}
