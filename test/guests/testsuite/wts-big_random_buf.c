/* wasi-testsuite big_random_buf: random_get of 1024 bytes succeeds and is not all zeros. */
#include "check.h"
#include "ts.h"

int main(void) {
  static uint8_t buf[1024];
  if (CHECK_OK("random_get(1024)", __wasi_random_get(buf, 1024))) {
    int nz = 0;
    for (int i = 0; i < 1024; i++) nz |= buf[i] != 0;
    CHECK("not all zeros", nz);
  }
  return check_done();
}
