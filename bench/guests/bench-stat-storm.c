/* bench-stat-storm.c — benchmark workload "stat-storm": stat(2) of a fixed list of paths, existing
 * ones at depth 3-6 and missing ones, repeated for several rounds (a module resolver or build tool
 * probing candidate paths). Built for wasm32-wasip1 and natively with the same source.
 *
 * Usage: bench-stat-storm ROOT LISTFILE ROUNDS
 * LISTFILE holds one path per line, relative to ROOT; it is read before the clock starts. Each
 * round stats ROOT/path for every line (following symlinks, as a resolver does). Prints
 * "RESULT stat-storm <ns> <checksum>" (found / missing counts and the sum of regular file sizes).
 * Exit code 0, or 1 when a stat fails with anything but ENOENT/ENOTDIR.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: bench-stat-storm ROOT LISTFILE ROUNDS\n"); return 2; }
  const char *root = argv[1];
  int rounds = atoi(argv[3]);
  FILE *f = fopen(argv[2], "r");
  if (!f) { fprintf(stderr, "stat-storm: open %s: %s\n", argv[2], strerror(errno)); return 1; }
  size_t cap = 1024, n = 0;
  char **paths = malloc(cap * sizeof *paths);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    size_t l = strlen(line);
    while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
    if (l == 0) continue;
    if (n == cap) paths = realloc(paths, (cap *= 2) * sizeof *paths);
    size_t need = strlen(root) + 1 + l + 1;
    paths[n] = malloc(need);
    snprintf(paths[n], need, "%s/%s", root, line);
    n++;
  }
  fclose(f);
  uint64_t found = 0, missing = 0, bytes = 0;
  uint64_t t0 = now_ns();
  for (int r = 0; r < rounds; r++) {
    for (size_t i = 0; i < n; i++) {
      struct stat st;
      if (stat(paths[i], &st) == 0) {
        found++;
        if (S_ISREG(st.st_mode)) bytes += (uint64_t)st.st_size;
      } else if (errno == ENOENT || errno == ENOTDIR) {
        missing++;
      } else {
        fprintf(stderr, "stat-storm: stat %s: %s\n", paths[i], strerror(errno));
        return 1;
      }
    }
  }
  uint64_t t1 = now_ns();
  printf("RESULT stat-storm %llu n%llu.ok%llu.miss%llu.b%llu\n", (unsigned long long)(t1 - t0), (unsigned long long)n,
         (unsigned long long)found, (unsigned long long)missing, (unsigned long long)bytes);
  return 0;
}
