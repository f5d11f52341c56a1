/* wasi-testsuite clock_getres-monotonic, clock_getres-realtime, clock_gettime-realtime: return 0;
 * clock_gettime-monotonic: two consecutive readings strictly increase (tv_nsec strictly greater
 * when the seconds are equal). Repeated 100000 times to catch a coarse or non-monotonic clock. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <time.h>
int main(void) {
  struct timespec ts, t1, t2;
  CHECK("clock_getres(MONOTONIC) == 0", clock_getres(CLOCK_MONOTONIC, &ts) == 0);
  CHECK("clock_getres(REALTIME) == 0", clock_getres(CLOCK_REALTIME, &ts) == 0);
  CHECK("clock_gettime(REALTIME) == 0", clock_gettime(CLOCK_REALTIME, &ts) == 0);
  int bad = 0, first_bad = -1;
  for (int i = 0; i < 100000; i++) {
    if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0 || clock_gettime(CLOCK_MONOTONIC, &t2) != 0) { bad++; continue; }
    int inc = t1.tv_sec == t2.tv_sec ? t1.tv_nsec < t2.tv_nsec : t1.tv_sec < t2.tv_sec;
    if (!inc) { if (first_bad < 0) first_bad = i; bad++; }
  }
  if (!CHECK("monotonic strictly increasing over 100000 pairs", bad == 0))
    printf("  %d non-increasing pairs, first at %d\n", bad, first_bad);
  return check_done();
}
