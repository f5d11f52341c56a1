/* wasi-testsuite sched_yield: returns SUCCESS. */
#include "check.h"
#include "ts.h"

int main(void) {
  CHECK_OK("sched_yield", __wasi_sched_yield());
  return check_done();
}
