/* Symlink expansion bomb and rename loops (battery SL-08, SL-13): l0 -> ".", lK -> "l(K-1)/" x 8
 * for K = 1..8; opening "l8/l8/l8/file" is ELOOP (or succeeds) quickly (under 5 s); the cap-std
 * rename sequence (file->renamed, link->file, file->link) gives errors but no hang, and renaming
 * back makes the open succeed. */
#include "check.h"

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
  return t;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  CHECK_OK("mkdir bomb", __wasi_path_create_directory(sb, "bomb"));
  CHECK_OK("bomb/file", put_file(sb, "bomb/file", "x"));
  CHECK_OK("bomb/l0 -> .", __wasi_path_symlink(".", sb, "bomb/l0"));
  int ok = 1;
  for (int k = 1; k <= 8; k++) {
    char target[64] = "", name[16];
    for (int r = 0; r < 8; r++) {
      char part[8];
      snprintf(part, sizeof part, "l%d/", k - 1);
      strcat(target, part);
    }
    snprintf(name, sizeof name, "bomb/l%d", k);
    ok &= __wasi_path_symlink(target, sb, name) == 0;
  }
  CHECK("create l1..l8", ok);
  uint64_t t0 = mono();
  __wasi_errno_t e = open_at(sb, LF_FOLLOW, "bomb/l8/l8/l8/file", 0, R_RD, 0, &fd);
  uint64_t t1 = mono();
  CHECK("l8/l8/l8/file: ELOOP or success", e == E_LOOP || e == E_OK);
  if (e == E_OK) close_fd(fd);
  CHECK("answered in under 5 s", t1 - t0 < 5000000000ull);
  CHECK_OK("l1/file (8 expansions) opens", open_at(sb, LF_FOLLOW, "bomb/l1/file", 0, R_RD, 0, &fd));
  close_fd(fd);

  /* SL-13 */
  CHECK_OK("symlink link -> file", __wasi_path_symlink("file", sb, "link"));
  CHECK_OK("rename file -> renamed", __wasi_path_rename(sb, "file", sb, "renamed"));
  CHECK_ERRNO("open link (dangling)", open_at(sb, LF_FOLLOW, "link", 0, R_RD, 0, &fd), E_NOENT);
  CHECK_OK("rename link -> file", __wasi_path_rename(sb, "link", sb, "file"));
  CHECK_ERRNO("open file (a self-loop now)", open_at(sb, LF_FOLLOW, "file", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_OK("rename file -> link", __wasi_path_rename(sb, "file", sb, "link"));
  CHECK_ERRNO("open link (dangling again)", open_at(sb, LF_FOLLOW, "link", 0, R_RD, 0, &fd), E_NOENT);
  CHECK_OK("rename renamed -> file", __wasi_path_rename(sb, "renamed", sb, "file"));
  char buf[32];
  size_t len;
  CHECK_OK("open link -> file succeeds", get_file(sb, "link", buf, sizeof buf, &len));
  CHECK_STR("link reads file", buf, len, "hello file\n");
  return check_done();
}
