/* Names are bytes (battery NM-06/NM-07): a name that is not valid UTF-8 ("\xff", an overlong "/"
 * "a\xc0\xafb") is either stored exactly or refused with EILSEQ, never decoded lossily:
 * fd_readdir returns the exact bytes, opening by those bytes works, and "a\uFFFDb" (the lossy
 * decoding) does not alias it; backslashes, "..a", "a..", "...", ". ." and a newline are
 * ordinary characters. */
#include "check.h"

static int listed(__wasi_fd_t dir, const char *name, size_t len) {
  static uint8_t buf[8192];
  __wasi_size_t used = 0;
  if (__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used) != 0) return 0;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    if (d.d_namlen == len && memcmp(buf + off + sizeof d, name, len) == 0) return 1;
    off += sizeof d + d.d_namlen;
  }
  return 0;
}

static void odd(__wasi_fd_t sb, __wasi_fd_t d, const char *label, const char *name, const char *lossy) {
  char l[96];
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_errno_t e = open_at(d, 0, name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd);
  snprintf(l, sizeof l, "create %s: stored or EILSEQ", label);
  CHECK(l, e == 0 || e == E_ILSEQ);
  if (e == 0) close_fd(fd);
  snprintf(l, sizeof l, "%s: readdir has the exact bytes (when stored)", label);
  CHECK(l, e != 0 || listed(d, name, strlen(name)));
  __wasi_filestat_t st;
  snprintf(l, sizeof l, "%s: stat by the exact bytes (when stored)", label);
  CHECK(l, e != 0 || __wasi_path_filestat_get(d, 0, name, &st) == 0);
  snprintf(l, sizeof l, "%s: the U+FFFD spelling is a different name", label);
  CHECK(l, __wasi_path_filestat_get(d, 0, lossy, &st) == E_NOENT);
  (void)sb;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  CHECK_OK("mkdir names", __wasi_path_create_directory(sb, "names"));
  __wasi_fd_t d = must_open("open names", sb, "names", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  odd(sb, d, "\\xff", "\xff", "\xef\xbf\xbd");
  odd(sb, d, "a\\xc0\\xafb", "a\xc0\xaf" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b");
  __wasi_filestat_t st;
  CHECK_ERRNO("overlong \"/\" is not a separator: a/b does not exist", __wasi_path_filestat_get(d, 0, "a/b", &st), E_NOENT);
  const char *lits[] = {"..\\..\\etc", "a\\b", "..a", "a..", "...", ". .", "x\ny", " lead", "trail "};
  for (size_t i = 0; i < sizeof lits / sizeof *lits; i++) {
    char label[64];
    snprintf(label, sizeof label, "literal name #%zu created", i);
    CHECK_OK(label, put_file(d, lits[i], "x"));
    snprintf(label, sizeof label, "literal name #%zu listed exactly", i);
    CHECK(label, listed(d, lits[i], strlen(lits[i])));
  }
  CHECK_ERRNO("\"..\\..\\etc\" did not reach etc", __wasi_path_filestat_get(sb, 0, "etc/..\\..\\etc", &st), E_NOENT);
  close_fd(d);
  return check_done();
}
