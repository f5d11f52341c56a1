/* bench-big-dir.c — benchmark workload "big-dir": read every entry of one very large directory
 * (ls -f of a mail spool or a cache directory). Built for wasm32-wasip1 and natively.
 *
 * Usage: bench-big-dir DIR
 * opendir + readdir to the end + closedir, inside the timed region; no stat. Prints
 * "RESULT big-dir <ns> <checksum>" (entries other than . and .., sum of FNV-1a hashes of names,
 * independent of order). Exit code 0, or 1 on failure.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: bench-big-dir DIR\n"); return 2; }
  uint64_t n = 0, hsum = 0;
  uint64_t t0 = now_ns();
  DIR *d = opendir(argv[1]);
  if (!d) { fprintf(stderr, "big-dir: opendir %s: %s\n", argv[1], strerror(errno)); return 1; }
  struct dirent *e;
  while ((errno = 0, e = readdir(d)) != NULL) {
    const char *s = e->d_name;
    if (s[0] == '.' && (s[1] == 0 || (s[1] == '.' && s[2] == 0))) continue;
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    hsum += h;
    n++;
  }
  if (errno != 0) { fprintf(stderr, "big-dir: readdir: %s\n", strerror(errno)); return 1; }
  closedir(d);
  uint64_t t1 = now_ns();
  printf("RESULT big-dir %llu n%llu.h%016llx\n", (unsigned long long)(t1 - t0), (unsigned long long)n,
         (unsigned long long)hsum);
  return 0;
}
