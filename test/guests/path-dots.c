/* "." and ".." as the final name of a mutating call (battery NM-03) are refused and change
 * nothing: mkdir, unlink, rmdir, rename (either side), link (new name), symlink (new name) with
 * ".", "..", "a/.", "a/..", "a/b/.."; from the preopen root ".." is an escape (ENOTCAPABLE). */
#include "check.h"

#define E_DOTS E_EXIST, E_INVAL, E_PERM, E_NOTEMPTY, E_ISDIR, __WASI_ERRNO_BUSY, E_NOTCAP, E_NOTDIR, E_ACCES

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st;
  const char *dots[] = {".", "a/.", "a/..", "a/b/..", "a/b/c/."};
  for (size_t i = 0; i < sizeof dots / sizeof *dots; i++) {
    const char *p = dots[i];
    char label[80];
#define L(what) (snprintf(label, sizeof label, "%s \"%s\"", what, p), label)
    CHECK_ERRNO(L("mkdir"), __wasi_path_create_directory(sb, p), E_EXIST);
    CHECK_ERRNO(L("unlink"), __wasi_path_unlink_file(sb, p), E_DOTS);
    CHECK_ERRNO(L("rmdir"), __wasi_path_remove_directory(sb, p), E_DOTS);
    CHECK_ERRNO(L("rename from"), __wasi_path_rename(sb, p, sb, "moved"), E_DOTS);
    CHECK_ERRNO(L("rename file to"), __wasi_path_rename(sb, "file", sb, p), E_DOTS);
    CHECK_ERRNO(L("link file to"), __wasi_path_link(sb, 0, "file", sb, p), E_EXIST, E_PERM, E_INVAL);
    CHECK_ERRNO(L("symlink at"), __wasi_path_symlink("file", sb, p), E_EXIST, E_PERM, E_INVAL);
#undef L
  }
  const char *up[] = {"..", "a/../..", "a/b/../../.."};
  for (size_t i = 0; i < sizeof up / sizeof *up; i++) {
    const char *p = up[i];
    char label[80];
#define L(what) (snprintf(label, sizeof label, "%s \"%s\"", what, p), label)
    CHECK_ERRNO(L("mkdir"), __wasi_path_create_directory(sb, p), E_NOTCAP);
    CHECK_ERRNO(L("unlink"), __wasi_path_unlink_file(sb, p), E_NOTCAP);
    CHECK_ERRNO(L("rmdir"), __wasi_path_remove_directory(sb, p), E_NOTCAP);
    CHECK_ERRNO(L("rename from"), __wasi_path_rename(sb, p, sb, "moved"), E_NOTCAP);
    CHECK_ERRNO(L("rename file to"), __wasi_path_rename(sb, "file", sb, p), E_NOTCAP);
    CHECK_ERRNO(L("link file to"), __wasi_path_link(sb, 0, "file", sb, p), E_NOTCAP);
    CHECK_ERRNO(L("symlink at"), __wasi_path_symlink("file", sb, p), E_NOTCAP);
#undef L
  }
  CHECK_OK("file still there", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file nlink still 1", st.nlink, 1);
  CHECK_OK("a/b/c still there", __wasi_path_filestat_get(sb, 0, "a/b/c", &st));
  CHECK_ERRNO("moved does not exist", __wasi_path_filestat_get(sb, 0, "moved", &st), E_NOENT);
  return check_done();
}
