/* bench-read-files.c — benchmark workload "read-files": open, read fully and close many small
 * files (a compiler reading its sources). Built for wasm32-wasip1 and natively.
 *
 * Usage: bench-read-files ROOT COUNT
 * Reads ROOT/dDD/fNNNNN.bin for NNNNN = 0 .. COUNT-1, DD = NNNNN / 100 (two or more digits), each
 * with read(2) into a 64 KiB buffer until end of file. Prints "RESULT read-files <ns> <checksum>"
 * (file count, total bytes, and a sum of one 64-bit word per 64 bytes read).
 * Exit code 0, or 1 when any open/read fails.
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

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned char buf[65536] __attribute__((aligned(16)));

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: bench-read-files ROOT COUNT\n"); return 2; }
  const char *root = argv[1];
  int count = atoi(argv[2]);
  uint64_t bytes = 0, sum = 0;
  char path[4096];
  uint64_t t0 = now_ns();
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "%s/d%02d/f%05d.bin", root, i / 100, i);
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fprintf(stderr, "read-files: open %s: %s\n", path, strerror(errno)); return 1; }
    for (;;) {
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0) { fprintf(stderr, "read-files: read %s: %s\n", path, strerror(errno)); return 1; }
      if (r == 0) break;
      bytes += (uint64_t)r;
      for (ssize_t k = 0; k + 8 <= r; k += 64) {
        uint64_t w;
        memcpy(&w, buf + k, 8);
        sum += w;
      }
    }
    close(fd);
  }
  uint64_t t1 = now_ns();
  printf("RESULT read-files %llu n%d.b%llu.s%016llx\n", (unsigned long long)(t1 - t0), count,
         (unsigned long long)bytes, (unsigned long long)sum);
  return 0;
}
