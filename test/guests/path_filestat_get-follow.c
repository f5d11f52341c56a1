/* path_filestat_get: type, size and nlink of a file, directory and symlink; without
 * SYMLINK_FOLLOW a symlink reports itself (size = length of its text), with it the target (same
 * ino/dev as the target's own stat); "." is the directory fd itself; follow through links that
 * leave the sandbox is ENOTCAPABLE (no existence leak); loops are ELOOP; missing / "" are ENOENT. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st, st2;
  __wasi_timestamp_t now = 0;
  CHECK_OK("clock realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));

  CHECK_OK("stat file", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ("file size", st.size, 11);
  CHECK_EQ("file nlink", st.nlink, 1);
  CHECK("file mtim is ns since the epoch, not in the future", st.mtim > 1577836800000000000ull && st.mtim <= now + 5000000000ull);
  __wasi_fd_t fd = must_open("open file", sb, "file", 0, R_RD, 0);
  CHECK_OK("fd_filestat_get file", __wasi_fd_filestat_get(fd, &st2));
  CHECK("path and fd stat agree (dev, ino, size, mtim)",
        st.dev == st2.dev && st.ino == st2.ino && st.size == st2.size && st.mtim == st2.mtim);
  close_fd(fd);
  CHECK_OK("stat a", __wasi_path_filestat_get(sb, 0, "a", &st));
  CHECK_EQ("a type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("stat .", __wasi_path_filestat_get(sb, 0, ".", &st));
  CHECK_OK("fd_filestat_get of the preopen", __wasi_fd_filestat_get(sb, &st2));
  CHECK("\".\" is the preopen itself", st.ino == st2.ino && st.dev == st2.dev && st.filetype == __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("stat a/b/c/../..", __wasi_path_filestat_get(sb, 0, "a/b/c/../..", &st));
  CHECK_OK("stat a", __wasi_path_filestat_get(sb, 0, "a", &st2));
  CHECK("a/b/c/../.. is a", st.ino == st2.ino);

  CHECK_OK("stat relsym nofollow", __wasi_path_filestat_get(sb, 0, "relsym", &st));
  CHECK_EQ("relsym nofollow type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ("relsym nofollow size (text length)", st.size, 10);
  CHECK_OK("stat relsym follow", __wasi_path_filestat_get(sb, LF_FOLLOW, "relsym", &st));
  CHECK_OK("stat etc/passwd", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st2));
  CHECK("relsym follow is etc/passwd", st.ino == st2.ino && st.dev == st2.dev && st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ("relsym follow size", st.size, 14);
  CHECK_OK("stat reletc follow", __wasi_path_filestat_get(sb, LF_FOLLOW, "reletc", &st));
  CHECK_EQ("reletc follow type", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("stat abssym nofollow", __wasi_path_filestat_get(sb, 0, "abssym", &st));
  CHECK_EQ("abssym nofollow type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_OK("stat dangling nofollow", __wasi_path_filestat_get(sb, 0, "dangling", &st));
  CHECK_EQ("dangling nofollow type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_OK("stat loop nofollow", __wasi_path_filestat_get(sb, 0, "loop", &st));
  CHECK_ERRNO("stat loop follow", __wasi_path_filestat_get(sb, LF_FOLLOW, "loop", &st), E_LOOP);
  CHECK_ERRNO("stat l1 follow", __wasi_path_filestat_get(sb, LF_FOLLOW, "l1", &st), E_LOOP);
  CHECK_ERRNO("stat missing", __wasi_path_filestat_get(sb, 0, "missing", &st), E_NOENT);
  CHECK_ERRNO("stat \"\"", __wasi_path_filestat_get(sb, 0, "", &st), E_NOENT);
  CHECK_ERRNO("stat file/x", __wasi_path_filestat_get(sb, 0, "file/x", &st), E_NOTDIR);

  const char *follow[] = {"abssym", "upup", "dangling", "d2", "evil", "tslash", "up", "absetc", "procself",
                          "cheeky/garbagelink", "cheeky/dotdotlink"};
  for (size_t i = 0; i < sizeof follow / sizeof *follow; i++) {
    char label[64];
    snprintf(label, sizeof label, "stat %s follow", follow[i]);
    CHECK_ERRNO(label, __wasi_path_filestat_get(sb, LF_FOLLOW, follow[i], &st), E_NOTCAP);
  }
  const char *esc[] = {"..", "../outside", "../outside/nonexistent", "/", "/etc/passwd", "up/outside/secret",
                       "up/outside/nonexistent", "evil/secret", "evil/nonexistent", "a/../../R/file", "cheeky/self/file",
                       "absetc/passwd", "procself/etc/passwd"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "stat %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_filestat_get(sb, 0, esc[i], &st), E_NOTCAP);
  }
  CHECK_ERRNO("stat on a bad fd", __wasi_path_filestat_get(999, 0, "file", &st), E_BADF);
  return check_done();
}
