/* Every directory fd is its own root (battery PE-04, WASI path resolution): from X = "a/b",
 * "..", "../b/c", "c/../.." and "../../file" fail with ENOTCAPABLE; "c/.." and "." reopen b itself;
 * symlinks created inside b that climb above X are refused when followed from X but work from
 * the preopen when they stay inside it. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t x = must_open("open a/b", sb, "a/b", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  __wasi_filestat_t bst, st;
  CHECK_OK("stat b", __wasi_fd_filestat_get(x, &bst));
  __wasi_fd_t fd;
  const char *bad[] = {"..", "../", "../b", "../b/c", "c/../..", "../../file", "c/../../b", "./../b"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char label[96];
    snprintf(label, sizeof label, "from a/b: open \"%s\"", bad[i]);
    CHECK_ERRNO(label, open_at(x, LF_FOLLOW, bad[i], __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd), E_NOTCAP);
  }
  if (CHECK_OK("from a/b: open \"c/..\"", open_at(x, LF_FOLLOW, "c/..", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd))) {
    CHECK("c/.. is b (same ino)", __wasi_fd_filestat_get(fd, &st) == 0 && st.ino == bst.ino);
    close_fd(fd);
  }
  if (CHECK_OK("from a/b: open \".\"", open_at(x, LF_FOLLOW, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd))) {
    CHECK(". is b (same ino)", __wasi_fd_filestat_get(fd, &st) == 0 && st.ino == bst.ino);
    close_fd(fd);
  }
  CHECK_ERRNO("from a/b: stat \"..\"", __wasi_path_filestat_get(x, 0, "..", &st), E_NOTCAP);
  CHECK_ERRNO("from a/b: mkdir \"../new\"", __wasi_path_create_directory(x, "../new"), E_NOTCAP);
  CHECK_ERRNO("from the preopen: a/new was not created", __wasi_path_filestat_get(sb, 0, "a/new", &st), E_NOENT);
  /* symlinks inside b: up1 -> .. (a), up2 -> ../.. (the preopen root) */
  CHECK_OK("symlink a/b/up1 -> ..", __wasi_path_symlink("..", x, "up1"));
  CHECK_OK("symlink a/b/up2 -> ../..", __wasi_path_symlink("../..", x, "up2"));
  CHECK_ERRNO("from a/b: follow up1", open_at(x, LF_FOLLOW, "up1", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd), E_NOTCAP);
  CHECK_ERRNO("from a/b: follow up2/file", open_at(x, LF_FOLLOW, "up2/file", 0, R_RD, 0, &fd), E_NOTCAP);
  char buf[64];
  size_t len;
  CHECK_OK("from the preopen: a/b/up2/file", get_file(sb, "a/b/up2/file", buf, sizeof buf, &len));
  CHECK_STR("a/b/up2/file is the sandbox's file", buf, len, "hello file\n");
  CHECK_ERRNO("from the preopen: a/b/up2/up/outside/secret",
              open_at(sb, LF_FOLLOW, "a/b/up2/up/outside/secret", 0, R_RD, 0, &fd), E_NOTCAP);
  CHECK_OK("close a/b", __wasi_fd_close(x));
  return check_done();
}
