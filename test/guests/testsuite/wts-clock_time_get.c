/* wasi-testsuite clock_time_get: MONOTONIC with precision 1 and 0 succeeds; two reads are
 * non-decreasing. */
#include "check.h"
#include "ts.h"

int main(void) {
  __wasi_timestamp_t a = 0, b = 0, c = 0;
  CHECK_OK("clock_time_get(MONOTONIC, 1)", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &c));
  CHECK_OK("clock_time_get(MONOTONIC, 0)", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &a));
  CHECK_OK("clock_time_get(MONOTONIC, 0) again", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &b));
  CHECK("monotonic: first <= second", a <= b);
  return check_done();
}
