/* bench-empty.c — no workload: the baseline of `wasi-directfs bench --syscalls`. A runtime's
 * host syscalls for this guest are those of its own start and exit (Node loading its modules,
 * compiling the guest, a gofer starting), which the harness subtracts from each workload's count.
 * Built for wasm32-wasip1 and natively. Usage: bench-empty ROOT (ROOT is not touched).
 * Prints "RESULT empty 0 0".
 */
#include <stdio.h>

int main(void) {
  printf("RESULT empty 0 0\n");
  return 0;
}
