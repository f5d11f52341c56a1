/* bench-create-delete.c — benchmark workload "create-delete": create many 4 KiB files in nested
 * directories, rename every one, then delete them all (untar followed by rm -rf). Built for
 * wasm32-wasip1 and natively.
 *
 * Usage: bench-create-delete DIR COUNT
 * DIR must not exist; it is created, filled as DIR/aAA/bBB/fNNNNN (10 x 10 leaf directories,
 * files spread round-robin), each file renamed to gNNNNN in place, then every file and directory
 * removed, DIR included. Prints "RESULT create-delete <ns> <checksum>" (counts of each operation
 * and bytes written). Exit code 0, or 1 when any operation fails.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define FAIL(what, p) do { fprintf(stderr, "create-delete: %s %s: %s\n", what, p, strerror(errno)); return 1; } while (0)

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: bench-create-delete DIR COUNT\n"); return 2; }
  const char *dir = argv[1];
  int count = atoi(argv[2]);
  static char data[4096];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (char)('a' + (i * 7) % 26);
  char p[4096], q[4096];
  uint64_t mk = 0, cr = 0, wr = 0, rn = 0, ul = 0, rd = 0;
  uint64_t t0 = now_ns();
  if (mkdir(dir, 0755) != 0) FAIL("mkdir", dir);
  mk++;
  for (int a = 0; a < 10; a++) {
    snprintf(p, sizeof p, "%s/a%02d", dir, a);
    if (mkdir(p, 0755) != 0) FAIL("mkdir", p);
    mk++;
    for (int b = 0; b < 10; b++) {
      snprintf(p, sizeof p, "%s/a%02d/b%02d", dir, a, b);
      if (mkdir(p, 0755) != 0) FAIL("mkdir", p);
      mk++;
    }
  }
  for (int i = 0; i < count; i++) {
    int leaf = i % 100;
    snprintf(p, sizeof p, "%s/a%02d/b%02d/f%05d", dir, leaf / 10, leaf % 10, i);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) FAIL("create", p);
    cr++;
    data[0] = (char)i;
    ssize_t w = write(fd, data, sizeof data);
    if (w != (ssize_t)sizeof data) FAIL("write", p);
    wr += (uint64_t)w;
    if (close(fd) != 0) FAIL("close", p);
  }
  for (int i = 0; i < count; i++) {
    int leaf = i % 100;
    snprintf(p, sizeof p, "%s/a%02d/b%02d/f%05d", dir, leaf / 10, leaf % 10, i);
    snprintf(q, sizeof q, "%s/a%02d/b%02d/g%05d", dir, leaf / 10, leaf % 10, i);
    if (rename(p, q) != 0) FAIL("rename", p);
    rn++;
  }
  for (int i = 0; i < count; i++) {
    int leaf = i % 100;
    snprintf(q, sizeof q, "%s/a%02d/b%02d/g%05d", dir, leaf / 10, leaf % 10, i);
    if (unlink(q) != 0) FAIL("unlink", q);
    ul++;
  }
  for (int a = 0; a < 10; a++) {
    for (int b = 0; b < 10; b++) {
      snprintf(p, sizeof p, "%s/a%02d/b%02d", dir, a, b);
      if (rmdir(p) != 0) FAIL("rmdir", p);
      rd++;
    }
    snprintf(p, sizeof p, "%s/a%02d", dir, a);
    if (rmdir(p) != 0) FAIL("rmdir", p);
    rd++;
  }
  if (rmdir(dir) != 0) FAIL("rmdir", dir);
  rd++;
  uint64_t t1 = now_ns();
  printf("RESULT create-delete %llu mk%llu.cr%llu.w%llu.mv%llu.rm%llu.rd%llu\n", (unsigned long long)(t1 - t0),
         (unsigned long long)mk, (unsigned long long)cr, (unsigned long long)wr, (unsigned long long)rn,
         (unsigned long long)ul, (unsigned long long)rd);
  return 0;
}
