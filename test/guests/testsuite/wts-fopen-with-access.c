/* wasi-testsuite fopen-with-access: fopen("file", "r") succeeds; fclose returns 0. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <stdio.h>
int main(void) {
  FILE *f = fopen(P("file"), "r");
  if (CHECK("fopen file r", f != NULL)) CHECK("fclose 0", fclose(f) == 0);
  else { int err = errno; printf("  errno %d\n", err); }
  return check_done();
}
