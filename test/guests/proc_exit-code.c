/* proc_exit: the exit code given reaches the host, output written before it is kept, and nothing
 * after it runs. */
#include "check.h"

int main(void) {
  CHECK_OK("sched_yield before exit", __wasi_sched_yield());
  printf("exiting with 42\n");
  fflush(stdout);
  __wasi_proc_exit(42);
}
