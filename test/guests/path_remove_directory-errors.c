/* path_remove_directory: removes an empty directory (also with a trailing slash); ENOTEMPTY for a
 * non-empty one; ENOTDIR for a file and for a symlink to a directory (the link is kept); ENOENT
 * for a missing name or ""; "." is refused; escapes are ENOTCAPABLE and leave T/outside/dir. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st;
  CHECK_OK("mkdir e", __wasi_path_create_directory(sb, "e"));
  CHECK_OK("rmdir e", __wasi_path_remove_directory(sb, "e"));
  CHECK_ERRNO("e is gone", __wasi_path_filestat_get(sb, 0, "e", &st), E_NOENT);
  CHECK_ERRNO("rmdir e again", __wasi_path_remove_directory(sb, "e"), E_NOENT);
  CHECK_OK("rmdir a/b/c/ (trailing slash)", __wasi_path_remove_directory(sb, "a/b/c/"));
  CHECK_ERRNO("a/b/c is gone", __wasi_path_filestat_get(sb, 0, "a/b/c", &st), E_NOENT);
  CHECK_ERRNO("rmdir a (not empty)", __wasi_path_remove_directory(sb, "a"), E_NOTEMPTY);
  CHECK_ERRNO("rmdir file", __wasi_path_remove_directory(sb, "file"), E_NOTDIR);
  CHECK_ERRNO("rmdir reletc (symlink to a directory)", __wasi_path_remove_directory(sb, "reletc"), E_NOTDIR);
  CHECK_OK("reletc is still a symlink", __wasi_path_filestat_get(sb, 0, "reletc", &st));
  CHECK_EQ("reletc type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_ERRNO("rmdir dangling", __wasi_path_remove_directory(sb, "dangling"), E_NOTDIR);
  CHECK_ERRNO("rmdir missing", __wasi_path_remove_directory(sb, "missing"), E_NOENT);
  CHECK_ERRNO("rmdir \"\"", __wasi_path_remove_directory(sb, ""), E_NOENT);
  CHECK_ERRNO("rmdir .", __wasi_path_remove_directory(sb, "."), E_INVAL, __WASI_ERRNO_BUSY, E_NOTEMPTY, E_PERM, E_NOTCAP);
  CHECK_ERRNO("rmdir a/b/..", __wasi_path_remove_directory(sb, "a/b/.."), E_INVAL, __WASI_ERRNO_BUSY, E_NOTEMPTY, E_PERM);
  CHECK_OK("a/b still exists", __wasi_path_filestat_get(sb, 0, "a/b", &st));
  /* no probe goes through absetc/procself: a broken implementation must not damage the host */
  const char *esc[] = {"..", "../outside/dir", "/proc/wdfs-probe", "evil/dir", "up/outside/dir", "tslash/dir", "a/../../R/a/b",
                       "cheeky/self/a/b"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "rmdir %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_remove_directory(sb, esc[i]), E_NOTCAP);
  }
  CHECK_OK("a/b survives the escapes", __wasi_path_filestat_get(sb, 0, "a/b", &st));
  CHECK_OK("mkdir empty2", __wasi_path_create_directory(sb, "empty2"));
  __wasi_fd_t d = must_open("open empty2", sb, "empty2", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("rmdir empty2 while open", __wasi_path_remove_directory(sb, "empty2"));
  __wasi_fd_t fd;
  CHECK_ERRNO("create in the removed directory", open_at(d, 0, "x", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOENT);
  close_fd(d);
  return check_done();
}
