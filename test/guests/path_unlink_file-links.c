/* path_unlink_file: removes a file (an open fd keeps reading its data); ENOENT when missing or "";
 * EISDIR for a directory; removes a symlink itself, never its target (absolute, relative,
 * dangling); an intermediate symlink is followed; escapes are ENOTCAPABLE and the outside keeps
 * its files. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st;
  char buf[64];
  size_t len;
  CHECK_OK("create u", put_file(sb, "u", "keep me"));
  __wasi_fd_t fd = must_open("open u", sb, "u", 0, R_RD, 0);
  CHECK_OK("unlink u", __wasi_path_unlink_file(sb, "u"));
  CHECK_ERRNO("u is gone", __wasi_path_filestat_get(sb, 0, "u", &st), E_NOENT);
  CHECK_OK("read the unlinked file through its fd", read_all(fd, buf, sizeof buf, &len));
  CHECK_STR("unlinked file data", buf, len, "keep me");
  CHECK_OK("fd_filestat_get of the unlinked file", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("unlinked file nlink", st.nlink, 0);
  close_fd(fd);
  CHECK_ERRNO("unlink u again", __wasi_path_unlink_file(sb, "u"), E_NOENT);
  CHECK_ERRNO("unlink \"\"", __wasi_path_unlink_file(sb, ""), E_NOENT);
  CHECK_ERRNO("unlink directory a", __wasi_path_unlink_file(sb, "a"), E_ISDIR);
  CHECK_ERRNO("unlink .", __wasi_path_unlink_file(sb, "."), E_ISDIR, E_PERM, E_INVAL);
  CHECK_OK("unlink abssym (the link itself)", __wasi_path_unlink_file(sb, "abssym"));
  CHECK_ERRNO("abssym is gone", __wasi_path_filestat_get(sb, 0, "abssym", &st), E_NOENT);
  CHECK_OK("unlink relsym (the link itself)", __wasi_path_unlink_file(sb, "relsym"));
  CHECK_OK("etc/passwd survives", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st));
  CHECK_OK("unlink dangling", __wasi_path_unlink_file(sb, "dangling"));
  CHECK_OK("unlink reletc (link to a directory)", __wasi_path_unlink_file(sb, "reletc"));
  CHECK_OK("etc survives", __wasi_path_filestat_get(sb, 0, "etc", &st));
  CHECK_OK("unlink cheeky/passwd via cheeky/../etc/../cheeky/passwd", __wasi_path_unlink_file(sb, "cheeky/../etc/../cheeky/passwd"));
  CHECK_OK("symlink r2 -> etc", __wasi_path_symlink("etc", sb, "r2"));
  CHECK_OK("unlink r2/passwd (intermediate link followed)", __wasi_path_unlink_file(sb, "r2/passwd"));
  CHECK_ERRNO("etc/passwd is gone", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st), E_NOENT);
  /* no probe goes through absetc/procself or names a real host file: a broken implementation must
   * not be able to damage the host running the tests */
  const char *esc[] = {"../outside/secret", "/proc/wdfs-probe", "evil/secret", "up/outside/secret", "tslash/secret",
                       "a/../../outside/secret", "cheeky/self/file", "up/R/file", "evil/dir/inner"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "unlink %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_unlink_file(sb, esc[i]), E_NOTCAP);
  }
  CHECK_OK("file survives", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_ERRNO("unlink on a bad fd", __wasi_path_unlink_file(999, "file"), E_BADF);
  return check_done();
}
