/* bench-walk.c — benchmark workload "walk": a recursive walk of a directory tree with lstat of
 * every entry (find(1) / a build tool's file scanner). Built for wasm32-wasip1 (tools/build-c.mjs)
 * and natively (cc -O2, by the harness in ts/bench/); the same source does the same syscalls.
 *
 * Usage: bench-walk ROOT
 * Walks ROOT with openat(dirfd, name, O_DIRECTORY) + fdopendir/readdir + fstatat(dirfd, name,
 * AT_SYMLINK_NOFOLLOW); symlinks are lstat'ed, never followed. Time: CLOCK_MONOTONIC around the
 * whole walk. Prints one line "RESULT walk <ns> <checksum>"; the checksum is independent of the
 * readdir order (counts, sizes of files and symlinks, sum of FNV-1a hashes of relative paths).
 * Exit code 0, or 1 with a message on stderr when anything fails.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
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

static uint64_t fnv(const char *s, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  return h;
}

static uint64_t nfiles, ndirs, nlinks, nother, bytes, hsum;
static char rel[4096];

static int walk(int dfd, size_t rlen, int depth) {
  if (depth > 64) { fprintf(stderr, "walk: too deep at %s\n", rel); return -1; }
  DIR *d = fdopendir(dfd);
  if (!d) { fprintf(stderr, "walk: fdopendir %s: %s\n", rel, strerror(errno)); close(dfd); return -1; }
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
    const char *n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    size_t nl = strlen(n);
    if (rlen + 1 + nl >= sizeof rel) { fprintf(stderr, "walk: path too long\n"); rc = -1; break; }
    rel[rlen] = '/';
    memcpy(rel + rlen + 1, n, nl + 1);
    struct stat st;
    if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      fprintf(stderr, "walk: lstat %s: %s\n", rel, strerror(errno));
      rc = -1;
      break;
    }
    uint64_t h = fnv(rel, rlen + 1 + nl, 0xcbf29ce484222325ull);
    if (S_ISDIR(st.st_mode)) {
      ndirs++;
      hsum += h * 3;
      int cfd = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (cfd < 0) { fprintf(stderr, "walk: open %s: %s\n", rel, strerror(errno)); rc = -1; break; }
      rc = walk(cfd, rlen + 1 + nl, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
      nfiles++;
      bytes += (uint64_t)st.st_size;
      hsum += h * 5;
    } else if (S_ISLNK(st.st_mode)) {
      nlinks++;
      bytes += (uint64_t)st.st_size;
      hsum += h * 7;
    } else {
      nother++;
      hsum += h * 11;
    }
    rel[rlen] = 0;
  }
  if (rc == 0 && errno != 0) { fprintf(stderr, "walk: readdir %s: %s\n", rel, strerror(errno)); rc = -1; }
  closedir(d);
  return rc;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: bench-walk ROOT\n"); return 2; }
  uint64_t t0 = now_ns();
  int fd = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (fd < 0) { fprintf(stderr, "walk: open %s: %s\n", argv[1], strerror(errno)); return 1; }
  rel[0] = 0;
  int rc = walk(fd, 0, 0);
  uint64_t t1 = now_ns();
  if (rc != 0) return 1;
  printf("RESULT walk %llu f%llu.d%llu.l%llu.o%llu.b%llu.h%016llx\n", (unsigned long long)(t1 - t0),
         (unsigned long long)nfiles, (unsigned long long)ndirs, (unsigned long long)nlinks,
         (unsigned long long)nother, (unsigned long long)bytes, (unsigned long long)hsum);
  return 0;
}
