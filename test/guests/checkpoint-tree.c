/* checkpoint-tree.c — the measurement guest of test/checkpoint-guest.test.ts: a 10,000-file tree
 * (100 directories x 100 files, every file stat'ed so the core caches its dentry) and 100 files
 * held open, then a checkpoint requested through the embedder's import, then every open file
 * read on from its offset.
 *
 * Usage: checkpoint-tree.wasm DIR DIRS FILES_PER_DIR OPEN
 * Imports (the embedder provides them; this guest is not runnable by the CLI):
 *   wdfs_test.checkpoint_here()  the embedder calls WASI.requestCheckpoint(): the guest stops
 *                                at its next WASI call;
 *   wdfs_test.mark()             called right after that WASI call returns (the restore time ends).
 * Prints "tree N files", "open N", "sum XXXXXXXX"; exit 0, or 1 with "FAIL ...".
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((import_module("wdfs_test"), import_name("checkpoint_here"))) void checkpoint_here(void);
__attribute__((import_module("wdfs_test"), import_name("mark"))) void mark(void);

static int fail(const char *what) {
  printf("FAIL %s\n", what);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    printf("usage: checkpoint-tree DIR DIRS FILES_PER_DIR OPEN\n");
    return 2;
  }
  const char *root = argv[1];
  int ndirs = atoi(argv[2]), nfiles = atoi(argv[3]), nopen = atoi(argv[4]);
  char p[512];
  int total = 0;
  for (int d = 0; d < ndirs; d++) {
    snprintf(p, sizeof p, "%s/d%03d", root, d);
    if (mkdir(p, 0755) != 0) fail("mkdir");
    for (int f = 0; f < nfiles; f++) {
      snprintf(p, sizeof p, "%s/d%03d/f%04d", root, d, f);
      int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) fail("create");
      char text[64];
      int n = snprintf(text, sizeof text, "file %d of directory %d\n", f, d);
      if (write(fd, text, (size_t)n) != n) fail("write");
      close(fd);
      total++;
    }
  }
  struct stat st;
  for (int d = 0; d < ndirs; d++)
    for (int f = 0; f < nfiles; f++) {
      snprintf(p, sizeof p, "%s/d%03d/f%04d", root, d, f);
      if (stat(p, &st) != 0) fail("stat");
    }
  printf("tree %d files\n", total);
  int *fds = calloc((size_t)nopen, sizeof *fds);
  if (!fds) fail("calloc");
  for (int i = 0; i < nopen; i++) {
    snprintf(p, sizeof p, "%s/d%03d/f%04d", root, i % ndirs, (i / ndirs) % nfiles);
    fds[i] = open(p, O_RDONLY);
    if (fds[i] < 0) fail("open");
    char c;
    if (read(fds[i], &c, 1) != 1) fail("read first byte");
  }
  printf("open %d\n", nopen);
  checkpoint_here();
  if (fstat(fds[0], &st) != 0) fail("fstat"); /* the WASI call the guest stops in */
  mark();
  unsigned sum = 0;
  for (int i = 0; i < nopen; i++) {
    char buf[64];
    ssize_t n = read(fds[i], buf, sizeof buf);
    if (n <= 0) fail("read on");
    for (ssize_t k = 0; k < n; k++) sum = sum * 31 + (unsigned char)buf[k];
    close(fds[i]);
  }
  printf("sum %08x\n", sum);
  return 0;
}
