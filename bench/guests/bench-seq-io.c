/* bench-seq-io.c — benchmark workload "seq-io": write a large file sequentially in 1 MiB chunks,
 * then read it back in 1 MiB chunks (no fsync: page-cache throughput of the data path).
 * Built for wasm32-wasip1 and natively.
 *
 * Usage: bench-seq-io FILE MIB
 * FILE is created (truncated), written with MIB chunks of a pattern, closed, reopened, read to the
 * end, closed and unlinked, all inside the timed region. Prints "RESULT seq-io <ns> <checksum>"
 * (bytes written, bytes read, a sum of one 64-bit word per 4 KiB read).
 * Exit code 0, or 1 when any operation fails or is short.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: bench-seq-io FILE MIB\n"); return 2; }
  const char *path = argv[1];
  int mib = atoi(argv[2]);
  unsigned char *buf = malloc(CHUNK);
  if (!buf) { fprintf(stderr, "seq-io: out of memory\n"); return 1; }
  uint64_t written = 0, readb = 0, sum = 0;
  uint64_t t0 = now_ns();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { fprintf(stderr, "seq-io: create %s: %s\n", path, strerror(errno)); return 1; }
  for (int c = 0; c < mib; c++) {
    for (unsigned k = 0; k < CHUNK; k += 4096) {
      uint64_t w = ((uint64_t)c << 32) | k;
      memcpy(buf + k, &w, 8);
    }
    size_t off = 0;
    while (off < CHUNK) {
      ssize_t w = write(fd, buf + off, CHUNK - off);
      if (w <= 0) { fprintf(stderr, "seq-io: write: %s\n", strerror(errno)); return 1; }
      off += (size_t)w;
      written += (uint64_t)w;
    }
  }
  if (close(fd) != 0) { fprintf(stderr, "seq-io: close: %s\n", strerror(errno)); return 1; }
  fd = open(path, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "seq-io: open %s: %s\n", path, strerror(errno)); return 1; }
  for (;;) {
    ssize_t r = read(fd, buf, CHUNK);
    if (r < 0) { fprintf(stderr, "seq-io: read: %s\n", strerror(errno)); return 1; }
    if (r == 0) break;
    for (ssize_t k = 0; k + 8 <= r; k += 4096) {
      uint64_t w;
      memcpy(&w, buf + k, 8);
      sum += w;
    }
    readb += (uint64_t)r;
  }
  close(fd);
  if (unlink(path) != 0) { fprintf(stderr, "seq-io: unlink: %s\n", strerror(errno)); return 1; }
  uint64_t t1 = now_ns();
  printf("RESULT seq-io %llu w%llu.r%llu.s%016llx\n", (unsigned long long)(t1 - t0), (unsigned long long)written,
         (unsigned long long)readb, (unsigned long long)sum);
  return 0;
}
