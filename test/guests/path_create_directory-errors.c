/* path_create_directory: creates a directory (visible to stat and open); EEXIST for an existing
 * name of any type (file, directory, symlink, dangling symlink, ".", "a/.."); ENOENT for a missing
 * parent or ""; ENOTDIR below a file; ENOTCAPABLE for every path that leaves the preopen, and the
 * outside stays unchanged. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st;
  CHECK_OK("mkdir nd", __wasi_path_create_directory(sb, "nd"));
  CHECK_OK("stat nd", __wasi_path_filestat_get(sb, 0, "nd", &st));
  CHECK_EQ("nd is a directory", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("mkdir nd/inner", __wasi_path_create_directory(sb, "nd/inner"));
  CHECK_OK("mkdir a/b/c/d", __wasi_path_create_directory(sb, "a/b/c/d"));
  CHECK_OK("mkdir reletc/sub (through a symlinked parent)", __wasi_path_create_directory(sb, "reletc/sub"));
  CHECK_OK("etc/sub exists", __wasi_path_filestat_get(sb, 0, "etc/sub", &st));
  __wasi_fd_t d = must_open("open nd", sb, "nd", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("mkdir relative to nd", __wasi_path_create_directory(d, "x"));
  CHECK_OK("nd/x exists", __wasi_path_filestat_get(sb, 0, "nd/x", &st));
  CHECK_ERRNO("mkdir ../y relative to nd", __wasi_path_create_directory(d, "../y"), E_NOTCAP);
  close_fd(d);
  CHECK_ERRNO("mkdir nd again", __wasi_path_create_directory(sb, "nd"), E_EXIST);
  CHECK_ERRNO("mkdir file", __wasi_path_create_directory(sb, "file"), E_EXIST);
  CHECK_ERRNO("mkdir relsym", __wasi_path_create_directory(sb, "relsym"), E_EXIST);
  CHECK_ERRNO("mkdir dangling", __wasi_path_create_directory(sb, "dangling"), E_EXIST);
  CHECK_ERRNO("mkdir .", __wasi_path_create_directory(sb, "."), E_EXIST);
  CHECK_ERRNO("mkdir a/..", __wasi_path_create_directory(sb, "a/.."), E_EXIST);
  CHECK_ERRNO("mkdir nodir/x", __wasi_path_create_directory(sb, "nodir/x"), E_NOENT);
  CHECK_ERRNO("mkdir \"\"", __wasi_path_create_directory(sb, ""), E_NOENT);
  CHECK_ERRNO("mkdir file/x", __wasi_path_create_directory(sb, "file/x"), E_NOTDIR);
  /* Mutating probes never go through absetc/procself (real host paths): a broken implementation
   * must not be able to damage the host running the tests; absolute probes name /proc. */
  const char *esc[] = {"..", "../x", "/proc/wdfs-probe", "/sandbox/x", "evil/x", "up/outside/x", "tslash/x",
                       "a/../../R/x", "cheeky/self/x", "dangling/x", "d2/x"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "mkdir %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_create_directory(sb, esc[i]), E_NOTCAP);
  }
  CHECK_ERRNO("mkdir on a bad fd", __wasi_path_create_directory(999, "x"), E_BADF);
  return check_done();
}
