/* fd_readdir: lists "." and ".." with every entry and its type; d_ino agrees with filestat; a small
 * buffer, continued by cookie, yields every entry exactly once; a truncated buffer reports
 * bufused == buf_len; cookie 0 restarts; a saved cookie gives the same continuation again on the
 * same fd and after closing and reopening the directory; an empty directory has exactly "." and
 * ".."; a file is ENOTDIR and a bad fd EBADF. */
#include "check.h"

#define MAXE 64

/* Reads the whole directory from `cookie` with buffers of `bufsize`; returns entries read or -1. */
static int read_from(__wasi_fd_t fd, uint64_t cookie, size_t bufsize, ent_t *out, int max) {
  static uint8_t buf[8192];
  int n = 0;
  for (int iter = 0; iter < 1000; iter++) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(fd, buf, bufsize, cookie, &used) != 0) return -1;
    int k = parse_dirents(buf, used, out + n, max - n);
    n += k;
    if (used < bufsize) return n; /* end of directory */
    if (k == 0) return -1;        /* buffer too small for one entry: not expected here */
    cookie = out[n - 1].next;
  }
  return -1;
}

static int cmp(const void *a, const void *b) { return strcmp(((const ent_t *)a)->name, ((const ent_t *)b)->name); }

static char tchar(uint8_t t) {
  switch (t) {
    case __WASI_FILETYPE_DIRECTORY: return 'd';
    case __WASI_FILETYPE_REGULAR_FILE: return 'f';
    case __WASI_FILETYPE_SYMBOLIC_LINK: return 'l';
    default: return '?';
  }
}

static ent_t full[MAXE], small[MAXE], part1[MAXE], part2[MAXE], part3[MAXE];

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t em = need_preopen("/empty");
  CHECK_OK("mkdir rd", __wasi_path_create_directory(sb, "rd"));
  int okc = 1;
  for (int i = 0; i < 20; i++) {
    char nm[16];
    snprintf(nm, sizeof nm, "rd/f%02d", i);
    okc &= put_file(sb, nm, "x") == 0;
  }
  CHECK("create rd/f00..rd/f19", okc);
  CHECK_OK("mkdir rd/sub", __wasi_path_create_directory(sb, "rd/sub"));
  CHECK_OK("symlink rd/lnk -> f00", __wasi_path_symlink("f00", sb, "rd/lnk"));

  __wasi_fd_t d = must_open("open rd", sb, "rd", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  int n = read_from(d, 0, 8192, full, MAXE);
  CHECK_EQ("full read: 24 entries", n, 24);
  if (n > 0) {
    qsort(full, (size_t)n, sizeof full[0], cmp);
    printf("entries:");
    for (int i = 0; i < n; i++) printf(" %s:%c", full[i].name, tchar(full[i].type));
    printf("\n");
    __wasi_filestat_t st;
    CHECK_OK("fd_filestat_get rd", __wasi_fd_filestat_get(d, &st));
    CHECK_EQ("d_ino of . equals rd's ino", full[0].ino, st.ino);
    CHECK_OK("path_filestat_get rd/f00", __wasi_path_filestat_get(sb, 0, "rd/f00", &st));
    CHECK_EQ("d_ino of f00 equals its filestat ino", full[2].ino, st.ino);
    CHECK_OK("fd_filestat_get sandbox", __wasi_fd_filestat_get(sb, &st));
    CHECK_EQ("d_ino of .. equals the sandbox root's ino", full[1].ino, st.ino);
  }

  /* small buffer: 64 bytes holds two 27-byte entries; continue from the last complete cookie */
  int m = read_from(d, 0, 64, small, MAXE);
  CHECK_EQ("64-byte buffer: 24 entries", m, 24);
  if (m == 24) {
    qsort(small, 24, sizeof small[0], cmp);
    int same = 1;
    for (int i = 0; i < 24; i++) same &= strcmp(small[i].name, full[i].name) == 0;
    CHECK("64-byte buffer: same entries, none repeated", same);
  }
  m = read_from(d, 0, 30, small, MAXE);
  CHECK_EQ("30-byte buffer (one entry per call): 24 entries", m, 24);

  /* truncation: a buffer shorter than one dirent header is filled completely */
  uint8_t tiny[10];
  __wasi_size_t used = 0;
  CHECK_OK("fd_readdir 10-byte buffer", __wasi_fd_readdir(d, tiny, sizeof tiny, 0, &used));
  CHECK_EQ("10-byte buffer: bufused == buf_len", used, 10);

  /* restart with cookie 0, then a saved cookie gives the same continuation twice */
  int a = read_from(d, 0, 8192, part1, MAXE);
  CHECK_EQ("restart from cookie 0: 24 entries", a, 24);
  if (a == 24) {
    uint64_t saved = part1[9].next;
    int b = read_from(d, saved, 8192, part2, MAXE);
    CHECK_EQ("continue from the 10th entry's cookie: 14 entries", b, 14);
    int c = read_from(d, saved, 8192, part3, MAXE);
    int same = b == c;
    for (int i = 0; same && i < b; i++) same &= strcmp(part2[i].name, part3[i].name) == 0;
    CHECK("same cookie again: same entries in the same order", same);
    int match = b == 14;
    for (int i = 0; match && i < b; i++) match &= strcmp(part2[i].name, part1[10 + i].name) == 0;
    CHECK("continuation equals the rest of the first listing", match);
    uint64_t end = part1[23].next;
    CHECK_OK("fd_readdir from the last cookie", __wasi_fd_readdir(d, tiny, sizeof tiny, end, &used));
    CHECK_EQ("last cookie: nothing more", used, 0);
    CHECK_OK("close rd", __wasi_fd_close(d));
    __wasi_fd_t d2 = must_open("reopen rd", sb, "rd", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
    c = read_from(d2, saved, 8192, part3, MAXE);
    same = b == c;
    for (int i = 0; same && i < b; i++) same &= strcmp(part2[i].name, part3[i].name) == 0;
    CHECK("saved cookie on a reopened fd: same continuation", same);
    close_fd(d2);
  }

  n = read_from(em, 0, 8192, full, MAXE);
  CHECK_EQ("empty directory: 2 entries", n, 2);
  if (n == 2) {
    qsort(full, 2, sizeof full[0], cmp);
    CHECK("empty directory: . and ..", strcmp(full[0].name, ".") == 0 && strcmp(full[1].name, "..") == 0);
    CHECK("empty directory: both are directories",
          full[0].type == __WASI_FILETYPE_DIRECTORY && full[1].type == __WASI_FILETYPE_DIRECTORY);
  }

  __wasi_fd_t f = must_open("open file", sb, "file", 0, RIGHTS_ALL, 0);
  uint8_t buf[256];
  CHECK_ERRNO("fd_readdir on a regular file", __wasi_fd_readdir(f, buf, sizeof buf, 0, &used), E_NOTDIR, E_NOTCAP);
  close_fd(f);
  CHECK_ERRNO("fd_readdir on a bad fd", __wasi_fd_readdir(999, buf, sizeof buf, 0, &used), E_BADF);
  return check_done();
}
