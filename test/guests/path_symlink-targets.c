/* path_symlink: creates a link whose text is exactly the target given (relative, dangling, ".."
 * style); EEXIST on an existing name; an absolute target is refused (ENOTCAPABLE or EPERM); a
 * link pointing out may be created but following it is ENOTCAPABLE; escapes in the new path are
 * ENOTCAPABLE; the read-only preopen refuses. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t ro = need_preopen("/ro");
  __wasi_filestat_t st;
  uint8_t lb[64];
  __wasi_size_t used = 0;
  char buf[64];
  size_t len;
  __wasi_fd_t fd;

  CHECK_OK("symlink s1 -> file", __wasi_path_symlink("file", sb, "s1"));
  CHECK_OK("stat s1 nofollow", __wasi_path_filestat_get(sb, 0, "s1", &st));
  CHECK_EQ("s1 is a symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ("s1 size is the target length", st.size, 4);
  CHECK_OK("read through s1", get_file(sb, "s1", buf, sizeof buf, &len));
  CHECK_STR("s1 leads to file", buf, len, "hello file\n");
  CHECK_OK("symlink a/b/s2 -> ../../etc/passwd", __wasi_path_symlink("../../etc/passwd", sb, "a/b/s2"));
  CHECK_OK("read through a/b/s2", get_file(sb, "a/b/s2", buf, sizeof buf, &len));
  CHECK_STR("a/b/s2 leads to etc/passwd", buf, len, "inside-passwd\n");
  CHECK_OK("symlink nowhere -> does/not/exist", __wasi_path_symlink("does/not/exist", sb, "nowhere"));
  CHECK_OK("readlink nowhere", __wasi_path_readlink(sb, "nowhere", lb, sizeof lb, &used));
  CHECK_STR("nowhere text", lb, used, "does/not/exist");
  CHECK_ERRNO("open nowhere follow", open_at(sb, LF_FOLLOW, "nowhere", 0, R_RD, 0, &fd), E_NOENT);
  CHECK_OK("symlink z -> ../../etc (created, sandboxed at use)", __wasi_path_symlink("../../etc", sb, "z"));
  CHECK_ERRNO("follow z/passwd", open_at(sb, LF_FOLLOW, "z/passwd", 0, R_RD, 0, &fd), E_NOTCAP);
  CHECK_OK("symlink dd -> a/b/c/../../.. (stays inside)", __wasi_path_symlink("a/b/c/../../..", sb, "dd"));
  CHECK_OK("read dd/file", get_file(sb, "dd/file", buf, sizeof buf, &len));
  CHECK_STR("dd/file is file", buf, len, "hello file\n");

  CHECK_ERRNO("symlink /etc -> x (absolute target)", __wasi_path_symlink("/etc", sb, "x"), E_NOTCAP, E_PERM);
  CHECK_ERRNO("symlink / -> y (absolute target)", __wasi_path_symlink("/", sb, "y"), E_NOTCAP, E_PERM);
  CHECK_ERRNO("x was not created", __wasi_path_filestat_get(sb, 0, "x", &st), E_NOENT);
  CHECK_ERRNO("symlink over an existing file", __wasi_path_symlink("file", sb, "etc/passwd"), E_EXIST);
  CHECK_ERRNO("symlink over an existing dir", __wasi_path_symlink("file", sb, "a"), E_EXIST);
  CHECK_ERRNO("symlink over an existing symlink", __wasi_path_symlink("file", sb, "relsym"), E_EXIST);
  CHECK_ERRNO("symlink over a dangling symlink", __wasi_path_symlink("file", sb, "dangling"), E_EXIST);
  CHECK_ERRNO("symlink at \"\"", __wasi_path_symlink("file", sb, ""), E_NOENT);
  CHECK_ERRNO("symlink in a missing directory", __wasi_path_symlink("file", sb, "missing/x"), E_NOENT);
  const char *esc[] = {"../x", "/proc/wdfs-probe", "evil/x", "up/outside/x", "tslash/x", "a/../../R/x", "cheeky/self/x",
                       "dangling/x"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "symlink at %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_symlink("file", sb, esc[i]), E_NOTCAP);
  }
  CHECK_ERRNO("symlink in the read-only preopen", __wasi_path_symlink("f", ro, "s"), E_DENIED);
  CHECK_ERRNO("symlink on a bad fd", __wasi_path_symlink("f", 999, "s"), E_BADF);
  return check_done();
}
