/* path_rename: moves a file (content kept, old name gone), replaces an existing file, replaces an
 * empty directory with a directory; ENOTEMPTY over a non-empty directory, EISDIR file-over-dir,
 * ENOTDIR dir-over-file, EINVAL into its own subdirectory, ENOENT for a missing source; a symlink
 * is moved itself (target text unchanged); renaming between two directory fds works; any escape
 * on either side is ENOTCAPABLE; into a read-only preopen is refused. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_filestat_t st;
  char buf[64];
  size_t len;
  uint8_t lb[64];
  __wasi_size_t used = 0;

  CHECK_OK("rename file -> moved", __wasi_path_rename(sb, "file", sb, "moved"));
  CHECK_ERRNO("file is gone", __wasi_path_filestat_get(sb, 0, "file", &st), E_NOENT);
  CHECK_OK("read moved", get_file(sb, "moved", buf, sizeof buf, &len));
  CHECK_STR("moved keeps the content", buf, len, "hello file\n");
  CHECK_OK("create other", put_file(sb, "other", "other data"));
  CHECK_OK("rename moved over other", __wasi_path_rename(sb, "moved", sb, "other"));
  CHECK_OK("read other", get_file(sb, "other", buf, sizeof buf, &len));
  CHECK_STR("other now holds moved's content", buf, len, "hello file\n");
  CHECK_OK("rename other -> a/b/c/deep", __wasi_path_rename(sb, "other", sb, "a/b/c/deep"));
  CHECK_OK("rename to itself", __wasi_path_rename(sb, "a/b/c/deep", sb, "a/b/c/deep"));
  CHECK_OK("deep still exists", __wasi_path_filestat_get(sb, 0, "a/b/c/deep", &st));

  CHECK_OK("mkdir d1", __wasi_path_create_directory(sb, "d1"));
  CHECK_OK("mkdir d2e", __wasi_path_create_directory(sb, "d2e"));
  CHECK_OK("create d1/inside", put_file(sb, "d1/inside", "in"));
  CHECK_OK("rename dir d1 over empty dir d2e", __wasi_path_rename(sb, "d1", sb, "d2e"));
  CHECK_OK("d2e/inside exists", __wasi_path_filestat_get(sb, 0, "d2e/inside", &st));
  CHECK_ERRNO("rename dir etc over non-empty d2e", __wasi_path_rename(sb, "etc", sb, "d2e"), E_NOTEMPTY, E_EXIST);
  CHECK_OK("create f1", put_file(sb, "f1", "1"));
  CHECK_ERRNO("rename file f1 over dir d2e", __wasi_path_rename(sb, "f1", sb, "d2e"), E_ISDIR);
  CHECK_ERRNO("rename dir d2e over file f1", __wasi_path_rename(sb, "d2e", sb, "f1"), E_NOTDIR);
  CHECK_ERRNO("rename a into its own subdirectory", __wasi_path_rename(sb, "a", sb, "a/b/inner"), E_INVAL);
  CHECK_ERRNO("rename missing", __wasi_path_rename(sb, "missing", sb, "x"), E_NOENT);
  CHECK_ERRNO("rename \"\" -> x", __wasi_path_rename(sb, "", sb, "x"), E_NOENT);
  CHECK_ERRNO("rename f1 -> \"\"", __wasi_path_rename(sb, "f1", sb, ""), E_NOENT);
  CHECK_ERRNO("rename f1 -> missing/x", __wasi_path_rename(sb, "f1", sb, "missing/x"), E_NOENT);

  CHECK_OK("rename abssym -> abs2 (the link itself)", __wasi_path_rename(sb, "abssym", sb, "abs2"));
  CHECK_OK("abs2 nofollow stat", __wasi_path_filestat_get(sb, 0, "abs2", &st));
  CHECK_EQ("abs2 is a symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_OK("rename relsym -> a/relsym2", __wasi_path_rename(sb, "relsym", sb, "a/relsym2"));
  CHECK_OK("readlink a/relsym2", __wasi_path_readlink(sb, "a/relsym2", lb, sizeof lb, &used));
  CHECK_STR("a/relsym2 target text unchanged", lb, used, "etc/passwd");
  CHECK_OK("f1 over the symlink a/relsym2", __wasi_path_rename(sb, "f1", sb, "a/relsym2"));
  CHECK_OK("etc/passwd survives", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st));

  __wasi_fd_t da = must_open("open a", sb, "a", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  __wasi_fd_t de = must_open("open etc", sb, "etc", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("rename between two directory fds", __wasi_path_rename(da, "relsym2", de, "moved-here"));
  CHECK_OK("etc/moved-here exists", __wasi_path_filestat_get(sb, 0, "etc/moved-here", &st));
  CHECK_ERRNO("rename from a: ../etc/passwd", __wasi_path_rename(da, "../etc/passwd", de, "x"), E_NOTCAP);
  CHECK_ERRNO("rename to etc: ../x", __wasi_path_rename(de, "passwd", de, "../x"), E_NOTCAP);
  close_fd(da);
  close_fd(de);

  const char *esc[] = {"../outside/secret", "/proc/wdfs-probe", "evil/secret", "up/outside/secret", "tslash/secret",
                       "a/../../R/etc/passwd", "cheeky/self/etc/passwd", "evil/dir", "dangling/x"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[80];
    snprintf(label, sizeof label, "rename %s -> got", esc[i]);
    CHECK_ERRNO(label, __wasi_path_rename(sb, esc[i], sb, "got"), E_NOTCAP);
    snprintf(label, sizeof label, "rename etc/passwd -> %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_rename(sb, "etc/passwd", sb, esc[i]), E_NOTCAP);
  }
  CHECK_ERRNO("got does not exist", __wasi_path_filestat_get(sb, 0, "got", &st), E_NOENT);
  CHECK_OK("etc/passwd still there", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st));
  CHECK_ERRNO("rename into the read-only preopen", __wasi_path_rename(sb, "etc/passwd", ro, "stolen"), E_DENIED, E_XDEV);
  CHECK_ERRNO("rename out of the read-only preopen", __wasi_path_rename(ro, "f", sb, "g"), E_DENIED, E_XDEV);
  CHECK_OK("read /ro/f", get_file(ro, "f", buf, sizeof buf, &len));
  CHECK_STR("/ro/f unchanged", buf, len, "DATA");
  CHECK_ERRNO("rename on a bad fd", __wasi_path_rename(999, "x", sb, "y"), E_BADF);
  return check_done();
}
