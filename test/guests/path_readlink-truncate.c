/* path_readlink: returns the link text exactly with its length; a buffer shorter than the text
 * gets the leading bytes and success (truncation is not an error); an absolute target's text is
 * returned (WASI sandboxes at use, not at readlink); EINVAL for a non-link; ENOENT when missing;
 * escapes are ENOTCAPABLE; a final symlink is not followed, intermediate ones are. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  uint8_t lb[64];
  __wasi_size_t used = 0;

  CHECK_OK("readlink relsym", __wasi_path_readlink(sb, "relsym", lb, sizeof lb, &used));
  CHECK_STR("relsym text", lb, used, "etc/passwd");
  CHECK_OK("readlink reletc", __wasi_path_readlink(sb, "reletc", lb, sizeof lb, &used));
  CHECK_STR("reletc text (trailing slash kept)", lb, used, "etc/");
  memset(lb, '#', sizeof lb);
  CHECK_OK("readlink relsym into 4 bytes", __wasi_path_readlink(sb, "relsym", lb, 4, &used));
  CHECK_EQ("truncated bufused", used, 4);
  CHECK_STR("truncated text", lb, 4, "etc/");
  CHECK_EQ("byte after the 4-byte buffer untouched", lb[4], '#');
  CHECK_OK("readlink relsym into 0 bytes", __wasi_path_readlink(sb, "relsym", lb, 0, &used));
  CHECK_EQ("zero-length buffer bufused", used, 0);
  CHECK_OK("readlink relsym into exactly 10 bytes", __wasi_path_readlink(sb, "relsym", lb, 10, &used));
  CHECK_STR("exact-size buffer text", lb, used, "etc/passwd");
  CHECK_OK("readlink cheeky/passwd", __wasi_path_readlink(sb, "cheeky/passwd", lb, sizeof lb, &used));
  CHECK_STR("cheeky/passwd text", lb, used, "../cheeky/../etc/../etc/passwd");
  CHECK_OK("readlink up", __wasi_path_readlink(sb, "up", lb, sizeof lb, &used));
  CHECK_STR("up text", lb, used, "..");
  CHECK_OK("readlink absetc (absolute target text)", __wasi_path_readlink(sb, "absetc", lb, sizeof lb, &used));
  CHECK_STR("absetc text", lb, used, "/etc/");
  CHECK_OK("readlink loop", __wasi_path_readlink(sb, "loop", lb, sizeof lb, &used));
  CHECK_STR("loop text", lb, used, "loop");
  CHECK_OK("readlink via an intermediate symlink", __wasi_path_readlink(sb, "cheeky/../cheeky/self", lb, sizeof lb, &used));
  CHECK_STR("cheeky/self text", lb, used, "../../R/");
  CHECK_OK("symlink a/b/lnk -> ../x", __wasi_path_symlink("../x", sb, "a/b/lnk"));
  CHECK_OK("readlink a/b/lnk", __wasi_path_readlink(sb, "a/b/lnk", lb, sizeof lb, &used));
  CHECK_STR("a/b/lnk text", lb, used, "../x");
  CHECK_ERRNO("readlink a regular file", __wasi_path_readlink(sb, "file", lb, sizeof lb, &used), E_INVAL);
  CHECK_ERRNO("readlink a directory", __wasi_path_readlink(sb, "a", lb, sizeof lb, &used), E_INVAL);
  CHECK_ERRNO("readlink missing", __wasi_path_readlink(sb, "missing", lb, sizeof lb, &used), E_NOENT);
  CHECK_ERRNO("readlink \"\"", __wasi_path_readlink(sb, "", lb, sizeof lb, &used), E_NOENT);
  const char *esc[] = {"../R/relsym", "/proc/self/exe", "up/R/relsym", "evil/x", "tslash/x", "a/../../R/relsym",
                       "cheeky/self/relsym", "absetc/localtime", "procself/proc/self/exe"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "readlink %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_readlink(sb, esc[i], lb, sizeof lb, &used), E_NOTCAP);
  }
  CHECK_ERRNO("readlink on a bad fd", __wasi_path_readlink(999, "relsym", lb, sizeof lb, &used), E_BADF);
  return check_done();
}
