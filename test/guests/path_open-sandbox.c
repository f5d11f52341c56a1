/* path_open sandbox (battery PE-01, PE-03, SL-01, SL-02): "..", absolute paths, paths that leave
 * the preopen even for a moment, absolute symlink targets and relative ones that climb out all
 * fail with ENOTCAPABLE, with and without SYMLINK_FOLLOW; the inside controls (relsym, reletc/passwd,
 * cheeky/passwd) open etc/passwd itself. */
#include "check.h"

static __wasi_fd_t sb;

/* A wrongly successful open is read and its bytes printed, so the runner's canary oracle sees
 * any outside data that got through (the expected output never contains such a line). */
static void show_leak(int opened, __wasi_fd_t fd) {
  if (!opened) return;
  char buf[96];
  size_t len = 0;
  if (read_all(fd, buf, sizeof buf, &len) == 0 && len > 0) {
    printf("  leaked: ");
    print_escaped(buf, len);
    printf("\n");
  }
  close_fd(fd);
}

static void escape(const char *path, __wasi_oflags_t of) {
  char label[160];
  __wasi_fd_t fd;
  __wasi_errno_t e;
  snprintf(label, sizeof label, "open \"%s\"%s follow", path, of ? " DIRECTORY" : "");
  e = open_at(sb, LF_FOLLOW, path, of, of ? R_DIR : R_RD, 0, &fd);
  CHECK_ERRNO(label, e, E_NOTCAP);
  show_leak(e == 0, fd);
  snprintf(label, sizeof label, "open \"%s\"%s nofollow", path, of ? " DIRECTORY" : "");
  /* without follow, a final symlink is LOOP (or NOTDIR with DIRECTORY) before any escape check */
  e = open_at(sb, 0, path, of, of ? R_DIR : R_RD, 0, &fd);
  CHECK_ERRNO(label, e, E_NOTCAP, E_LOOP, E_NOTDIR);
  show_leak(e == 0, fd);
}

static void control(const char *path, uint64_t want_ino) {
  char label[160], buf[64];
  size_t len;
  snprintf(label, sizeof label, "open \"%s\" stays inside", path);
  __wasi_fd_t fd;
  if (!CHECK_OK(label, open_at(sb, LF_FOLLOW, path, 0, R_RD, 0, &fd))) return;
  __wasi_filestat_t st;
  snprintf(label, sizeof label, "\"%s\" is etc/passwd (same ino)", path);
  CHECK(label, __wasi_fd_filestat_get(fd, &st) == 0 && st.ino == want_ino);
  snprintf(label, sizeof label, "\"%s\" reads the inside passwd", path);
  CHECK_OK(label, read_all(fd, buf, sizeof buf, &len));
  CHECK_STR(label, buf, len, "inside-passwd\n");
  close_fd(fd);
}

int main(void) {
  sb = need_preopen("/sandbox");
  const char *lexical[] = {"..", "../", "../.", "./..", "..//", "a/../..", "a/b/../../..", "a/b/c/../../../..",
                           "../R/file", "a/../../R/file", "a/../../sandbox/file", "./../R", "../outside/secret"};
  for (size_t i = 0; i < sizeof lexical / sizeof *lexical; i++) escape(lexical[i], 0);
  const char *absolute[] = {"/", "/etc/passwd", "//x", "/sandbox/file", "/sandbox", "/file"};
  for (size_t i = 0; i < sizeof absolute / sizeof *absolute; i++) escape(absolute[i], 0);
  const char *links[] = {"abssym", "absetc/passwd", "cheeky/garbagelink", "procself/etc/shadow", "up/outside/secret",
                         "upup", "cheeky/dotdotlink", "cheeky/self/file", "evil/secret", "tslash/secret",
                         "up/R/file", "a/../up/R/file"};
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) escape(links[i], 0);
  const char *dirs[] = {"..", "up", "evil", "tslash", "absetc", "cheeky/self", "procself"};
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) escape(dirs[i], __WASI_OFLAGS_DIRECTORY);

  __wasi_filestat_t st;
  if (CHECK_OK("stat etc/passwd", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st))) {
    control("relsym", st.ino);
    control("reletc/passwd", st.ino);
    control("cheeky/passwd", st.ino);
    control("a/b/../../etc/passwd", st.ino);
    control("a/b/c/../../../reletc/passwd", st.ino);
  }
  /* a failed escape creates nothing: CREAT through an escaping path */
  __wasi_fd_t fd;
  CHECK_ERRNO("create ../newfile", open_at(sb, 0, "../newfile", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOTCAP);
  CHECK_ERRNO("create up/outside/newfile", open_at(sb, LF_FOLLOW, "up/outside/newfile", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOTCAP);
  CHECK_ERRNO("create evil/newfile", open_at(sb, LF_FOLLOW, "evil/newfile", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOTCAP);
  CHECK_ERRNO("truncate abssym", open_at(sb, LF_FOLLOW, "abssym", __WASI_OFLAGS_TRUNC, R_RW, 0, &fd), E_NOTCAP);
  return check_done();
}
