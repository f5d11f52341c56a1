/* path_link: a hard link shares data and raises nlink; EEXIST on an existing new name; a directory
 * cannot be linked; without SYMLINK_FOLLOW a symlink is linked itself (even abssym); with it,
 * relsym links etc/passwd and abssym/upup are ENOTCAPABLE (outside nlink unchanged); escapes in
 * either path are ENOTCAPABLE; linking across to/from the read-only preopen is refused. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_filestat_t st, st2;
  char buf[64];
  size_t len;

  CHECK_OK("link file -> hard", __wasi_path_link(sb, 0, "file", sb, "hard"));
  CHECK_OK("stat file", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_OK("stat hard", __wasi_path_filestat_get(sb, 0, "hard", &st2));
  CHECK_EQ("file nlink is 2", st.nlink, 2);
  CHECK("hard and file are one inode", st.ino == st2.ino && st.dev == st2.dev);
  CHECK_OK("write through hard", put_file(sb, "hard", "changed"));
  CHECK_OK("read file", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("file sees the write through hard", buf, len, "changed");
  CHECK_OK("link into a subdirectory", __wasi_path_link(sb, 0, "file", sb, "a/b/hard2"));
  CHECK_OK("stat file again", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file nlink is 3", st.nlink, 3);
  CHECK_OK("unlink hard", __wasi_path_unlink_file(sb, "hard"));
  CHECK_OK("stat file after unlink", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file nlink is 2 again", st.nlink, 2);
  CHECK_ERRNO("link over an existing name", __wasi_path_link(sb, 0, "file", sb, "etc/passwd"), E_EXIST);
  CHECK_ERRNO("link a directory", __wasi_path_link(sb, 0, "a", sb, "alink"), E_PERM, E_NOTCAP);
  CHECK_ERRNO("link a missing file", __wasi_path_link(sb, 0, "missing", sb, "x"), E_NOENT);
  CHECK_ERRNO("link to \"\"", __wasi_path_link(sb, 0, "file", sb, ""), E_NOENT);

  CHECK_OK("link abssym nofollow (links the symlink)", __wasi_path_link(sb, 0, "abssym", sb, "abslink"));
  CHECK_OK("stat abslink nofollow", __wasi_path_filestat_get(sb, 0, "abslink", &st));
  CHECK_EQ("abslink is a symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_OK("link relsym follow", __wasi_path_link(sb, LF_FOLLOW, "relsym", sb, "pw2"));
  CHECK_OK("stat pw2", __wasi_path_filestat_get(sb, 0, "pw2", &st));
  CHECK_OK("stat etc/passwd", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st2));
  CHECK("pw2 is etc/passwd (followed)", st.ino == st2.ino && st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK_ERRNO("link abssym follow", __wasi_path_link(sb, LF_FOLLOW, "abssym", sb, "stolen"), E_NOTCAP);
  CHECK_ERRNO("link upup follow", __wasi_path_link(sb, LF_FOLLOW, "upup", sb, "stolen"), E_NOTCAP);
  CHECK_ERRNO("link dangling follow", __wasi_path_link(sb, LF_FOLLOW, "dangling", sb, "stolen"), E_NOTCAP);
  CHECK_ERRNO("stolen does not exist", __wasi_path_filestat_get(sb, 0, "stolen", &st), E_NOENT);
  const char *esc[] = {"../outside/secret", "/proc/wdfs-probe", "evil/secret", "up/outside/secret", "tslash/secret",
                       "a/../../R/file", "cheeky/self/file"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[80];
    snprintf(label, sizeof label, "link %s -> got", esc[i]);
    CHECK_ERRNO(label, __wasi_path_link(sb, 0, esc[i], sb, "got"), E_NOTCAP);
    snprintf(label, sizeof label, "link file -> %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_link(sb, 0, "file", sb, esc[i]), E_NOTCAP);
  }
  CHECK_ERRNO("got does not exist", __wasi_path_filestat_get(sb, 0, "got", &st), E_NOENT);
  CHECK_ERRNO("link /ro/f into the sandbox", __wasi_path_link(ro, 0, "f", sb, "f2"), E_DENIED, E_XDEV);
  CHECK_ERRNO("link a sandbox file into /ro", __wasi_path_link(sb, 0, "file", ro, "g"), E_DENIED, E_XDEV);
  CHECK_ERRNO("f2 does not exist", __wasi_path_filestat_get(sb, 0, "f2", &st), E_NOENT);
  CHECK_ERRNO("link on a bad fd", __wasi_path_link(999, 0, "file", sb, "x"), E_BADF);
  return check_done();
}
