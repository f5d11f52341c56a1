/* random_get: zero length succeeds; two 64-byte draws differ and are not all zero; a 64 KiB draw
 * fills the whole buffer (no byte value run of the full length). */
#include "check.h"

static uint8_t big[65536];

int main(void) {
  uint8_t a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  CHECK_OK("random_get 0 bytes", __wasi_random_get(a, 0));
  CHECK_OK("random_get 64 bytes", __wasi_random_get(a, sizeof a));
  CHECK_OK("random_get 64 more bytes", __wasi_random_get(b, sizeof b));
  CHECK("two draws differ", memcmp(a, b, sizeof a) != 0);
  int nz = 0;
  for (size_t i = 0; i < sizeof a; i++) nz += a[i] != 0;
  CHECK("draw is not all zero", nz > 0);
  memset(big, 0xAA, sizeof big);
  CHECK_OK("random_get 64 KiB", __wasi_random_get(big, sizeof big));
  /* the tail was written: fewer than 1024 of the last 4096 bytes keep the fill value */
  int same = 0;
  for (size_t i = sizeof big - 4096; i < sizeof big; i++) same += big[i] == 0xAA;
  CHECK("64 KiB buffer filled to the end", same < 1024);
  return check_done();
}
