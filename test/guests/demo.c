/* demo — the guest `npm start` runs: works in its preopen /work with plain libc (what an ordinary
 * C program compiled for WASI does) and prints a readable log: creates directories and files,
 * writes and reads them back, lists the directory, stats, renames, deletes. Exit code 0 when
 * every step worked, 1 otherwise. Output is deterministic (no times, no inode numbers). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed;

static void step(const char *what, int ok) {
  printf("%s %s\n", ok ? "  ok " : "  FAILED", what);
  if (!ok) {
    printf("        (errno %d: %s)\n", errno, strerror(errno));
    failed = 1;
  }
}

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  int ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok;
}

static int read_file(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = 0;
  fclose(f);
  return 1;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    step("open directory for listing", 0);
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("  listing of %s:\n", dir);
  for (int i = 0; i < n; i++) {
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    if (lstat(p, &st) != 0) printf("    %-12s (stat failed)\n", names[i]);
    else if (S_ISDIR(st.st_mode)) printf("    %-12s directory\n", names[i]);
    else if (S_ISLNK(st.st_mode)) printf("    %-12s symlink\n", names[i]);
    else printf("    %-12s %lld bytes\n", names[i], (long long)st.st_size);
    free(names[i]);
  }
}

int main(void) {
  char buf[256];
  struct stat st;
  printf("wasi-directfs demo: a WASI guest working in its preopened directory /work\n\n");

  printf("1. create directories\n");
  step("mkdir /work/demo", mkdir("/work/demo", 0755) == 0);
  step("mkdir /work/demo/notes", mkdir("/work/demo/notes", 0755) == 0);

  printf("2. write files\n");
  step("write /work/demo/hello.txt", write_file("/work/demo/hello.txt", "Hello from inside the sandbox!\n"));
  step("write /work/demo/notes/todo.txt", write_file("/work/demo/notes/todo.txt", "1. build\n2. test\n3. ship\n"));
  FILE *f = fopen("/work/demo/hello.txt", "a");
  step("append a line to hello.txt", f && fputs("Appended line.\n", f) >= 0 && fclose(f) == 0);

  printf("3. read them back\n");
  step("read hello.txt", read_file("/work/demo/hello.txt", buf, sizeof buf));
  printf("     hello.txt says: %s", buf);
  step("read notes/todo.txt", read_file("/work/demo/notes/todo.txt", buf, sizeof buf));
  int lines = 0;
  for (const char *p = buf; *p; p++) lines += *p == '\n';
  printf("     todo.txt has %d lines\n", lines);

  printf("4. list and stat\n");
  list("/work/demo");
  step("stat hello.txt", stat("/work/demo/hello.txt", &st) == 0);
  printf("     hello.txt: regular file=%s, %lld bytes\n", S_ISREG(st.st_mode) ? "yes" : "no", (long long)st.st_size);

  printf("5. rename and link\n");
  step("rename hello.txt -> greeting.txt", rename("/work/demo/hello.txt", "/work/demo/greeting.txt") == 0);
  step("hello.txt is gone", stat("/work/demo/hello.txt", &st) != 0 && errno == ENOENT);
  step("symlink latest -> greeting.txt", symlink("greeting.txt", "/work/demo/latest") == 0);
  step("read through the symlink", read_file("/work/demo/latest", buf, sizeof buf) && strncmp(buf, "Hello", 5) == 0);
  list("/work/demo");

  printf("6. the sandbox holds\n");
  int fd = open("/work/../etc/passwd", O_RDONLY);
  step("opening /work/../etc/passwd is refused", fd < 0);
  if (fd >= 0) close(fd);
  step("writing /tmp/escape is refused (no preopen there)", !write_file("/tmp/escape", "x"));

  printf("7. clean up\n");
  step("unlink latest", unlink("/work/demo/latest") == 0);
  step("unlink greeting.txt", unlink("/work/demo/greeting.txt") == 0);
  step("unlink notes/todo.txt", unlink("/work/demo/notes/todo.txt") == 0);
  step("rmdir notes", rmdir("/work/demo/notes") == 0);
  step("rmdir demo", rmdir("/work/demo") == 0);
  step("demo is gone", stat("/work/demo", &st) != 0);

  printf("\n%s\n", failed ? "demo finished with failures" : "demo finished: every step worked");
  return failed;
}
