/* sched_yield: always succeeds, also when called many times in a row. */
#include "check.h"

int main(void) {
  CHECK_OK("sched_yield", __wasi_sched_yield());
  int bad = 0;
  for (int i = 0; i < 1000; i++) bad += __wasi_sched_yield() != 0;
  CHECK_EQ("1000 more sched_yield calls succeed", bad, 0);
  return check_done();
}
