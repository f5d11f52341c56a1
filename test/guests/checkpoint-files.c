/* checkpoint-files.c — a guest for test/checkpoint-guest.test.ts: it writes, reads and keeps
 * files open across many WASI calls, deletes one while it is open, and prints what it sees
 * (inode numbers, offsets, contents) at every step, so a run checkpointed at any WASI call and
 * restored in a new process must print exactly what an uninterrupted run prints and leave the
 * same files behind.
 *
 * Usage: checkpoint-files.wasm DIR STEPS [SLEEP_MS]
 *   DIR      a preopened directory (empty); the guest leaves a.txt, b.bin, sub/c.txt, log.txt.
 *   STEPS    number of steps of the main loop (each makes ~10 WASI calls).
 *   SLEEP_MS sleep per step (for --checkpoint-after-ms tests), default 0.
 * Exit code: 0, or 1 at the first inconsistency (after printing "FAIL ...").
 * Must not: print anything that differs between two uninterrupted runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char path[512];
static const char *dir;

static const char *at(const char *name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static int fail(const char *what) {
  printf("FAIL %s\n", what);
  fflush(stdout);
  exit(1);
}

static int xopen(const char *name, int flags) {
  int fd = open(at(name), flags, 0644);
  if (fd < 0) fail(name);
  return fd;
}

static unsigned long long ino_of(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) fail("fstat");
  return (unsigned long long)st.st_ino;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    printf("usage: checkpoint-files DIR STEPS [SLEEP_MS]\n");
    return 2;
  }
  dir = argv[1];
  int steps = atoi(argv[2]);
  int sleep_ms = argc > 3 ? atoi(argv[3]) : 0;
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* Files kept open for the whole run. */
  int a = xopen("a.txt", O_RDWR | O_CREAT | O_TRUNC);
  int b = xopen("b.bin", O_RDWR | O_CREAT | O_TRUNC);
  if (mkdir(at("sub"), 0755) != 0) fail("mkdir sub");
  int c = xopen("sub/c.txt", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  int log = xopen("log.txt", O_WRONLY | O_CREAT | O_TRUNC);
  unsigned char block[4096];
  for (size_t i = 0; i < sizeof block; i++) block[i] = (unsigned char)(i * 7 + 3);
  if (write(b, block, sizeof block) != (ssize_t)sizeof block) fail("write b");
  if (lseek(b, 0, SEEK_SET) != 0) fail("seek b");

  /* A file deleted while open: only the open fd keeps it. */
  int g = xopen("gone.txt", O_RDWR | O_CREAT | O_TRUNC);
  const char *secret = "contents of a file deleted while open\n";
  if (write(g, secret, strlen(secret)) != (ssize_t)strlen(secret)) fail("write gone");
  if (unlink(at("gone.txt")) != 0) fail("unlink gone");
  unsigned long long ia = ino_of(a), ib = ino_of(b), ic = ino_of(c), ig = ino_of(g);
  printf("inodes a=%llu b=%llu c=%llu gone=%llu\n", ia, ib, ic, ig);

  unsigned sum = 0;
  for (int s = 0; s < steps; s++) {
    char line[128];
    int n = snprintf(line, sizeof line, "step %d\n", s);
    if (write(a, line, (size_t)n) != n) fail("write a");
    if (write(c, line, (size_t)n) != n) fail("write c");
    unsigned char buf[100];
    ssize_t r = read(b, buf, sizeof buf);
    if (r < 0) fail("read b");
    for (ssize_t i = 0; i < r; i++) sum = sum * 31 + buf[i];
    if (r < (ssize_t)sizeof buf && lseek(b, 0, SEEK_SET) != 0) fail("rewind b");
    off_t ob = lseek(b, 0, SEEK_CUR), oa = lseek(a, 0, SEEK_CUR);
    char gbuf[64];
    ssize_t gr = pread(g, gbuf, sizeof gbuf, 0);
    if (gr != (ssize_t)strlen(secret) || memcmp(gbuf, secret, (size_t)gr) != 0) fail("deleted file contents");
    if (ino_of(a) != ia || ino_of(b) != ib || ino_of(c) != ic || ino_of(g) != ig) fail("inode numbers changed");
    struct stat st;
    if (stat(at("a.txt"), &st) != 0 || (unsigned long long)st.st_ino != ia || st.st_size != oa) fail("stat a.txt by name");
    printf("step %d: offset a=%lld b=%lld sum=%08x\n", s, (long long)oa, (long long)ob, sum);
    n = snprintf(line, sizeof line, "%d %08x\n", s, sum);
    if (write(log, line, (size_t)n) != n) fail("write log");
    if (sleep_ms > 0) {
      struct timespec ts = {0, sleep_ms * 1000000L};
      nanosleep(&ts, NULL);
    }
  }

  /* The end: the deleted file still reads back, then everything is read back by name. */
  char gbuf[64];
  ssize_t gr = pread(g, gbuf, sizeof gbuf, 0);
  printf("deleted file reads back: %.*s", (int)(gr > 0 ? gr : 0), gbuf);
  if (lseek(a, 0, SEEK_SET) != 0) fail("seek a");
  char all[8192];
  ssize_t ra = read(a, all, sizeof all);
  printf("a.txt has %lld bytes, ino %s\n", (long long)ra, ino_of(a) == ia ? "unchanged" : "CHANGED");
  close(a);
  close(b);
  close(c);
  close(g);
  close(log);
  printf("done, sum=%08x\n", sum);
  return 0;
}
