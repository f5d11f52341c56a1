/* wasi-testsuite dangling_fd: a file/dir can be unlinked/removed while an fd on it is open (or
 * just closed), and the name can be created again. Both suite variants are run:
 *  A (wasm32-wasip1 layout): each fd is closed before the unlink/remove;
 *  B (older tests/rust/src layout): the fds stay open across the unlink/remove.
 * Skipped by the suite under NO_DANGLING_FILESYSTEM (we run it unconditionally). */
#include "check.h"
#include "ts.h"

static void variant(__wasi_fd_t dir, const char *file, const char *sub, int keep_open) {
  __wasi_fd_t fd = (__wasi_fd_t)-1, file_fd = (__wasi_fd_t)-1, sub_fd = (__wasi_fd_t)-1;
  const char *v = keep_open ? "B" : "A";
  char l[160];
#define L(s) (snprintf(l, sizeof l, "%s: %s", v, s), l)
  if (CHECK_OK(L("path_open(file, CREAT, rights 0)"), __wasi_path_open(dir, 0, file, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
    CHECK_OK(L("fd_close(created file)"), __wasi_fd_close(fd));
  if (CHECK_OK(L("path_open(file, 0, rights 0)"), __wasi_path_open(dir, 0, file, 0, 0, 0, 0, &file_fd)))
    CHECK(L("file fd > 2"), file_fd > 2);
  if (!keep_open) CHECK_OK(L("fd_close(file fd)"), __wasi_fd_close(file_fd));
  CHECK_OK(L("path_unlink_file(file) (fd open in B)"), __wasi_path_unlink_file(dir, file));
  if (CHECK_OK(L("path_open(file, CREAT) again after unlink"), __wasi_path_open(dir, 0, file, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
    CHECK_OK(L("fd_close(re-created file)"), __wasi_fd_close(fd));
  if (!keep_open) CHECK_OK(L("path_unlink_file(file) again"), __wasi_path_unlink_file(dir, file));

  CHECK_OK(L("path_create_directory(sub)"), __wasi_path_create_directory(dir, sub));
  if (CHECK_OK(L("path_open(sub, DIRECTORY, rights 0)"), __wasi_path_open(dir, 0, sub, __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &sub_fd)))
    CHECK(L("sub fd > 2"), sub_fd > 2);
  if (!keep_open) CHECK_OK(L("fd_close(sub fd)"), __wasi_fd_close(sub_fd));
  CHECK_OK(L("path_remove_directory(sub) (fd open in B)"), __wasi_path_remove_directory(dir, sub));
  CHECK_OK(L("path_create_directory(sub) again"), __wasi_path_create_directory(dir, sub));
  if (keep_open) {
    /* not asserted by the suite: the stale fds still answer fdstat; cleanup */
    __wasi_fdstat_t st;
    CHECK_OK(L("(extra) fd_fdstat_get(unlinked file fd)"), __wasi_fd_fdstat_get(file_fd, &st));
    CHECK_OK(L("(extra) fd_fdstat_get(removed dir fd)"), __wasi_fd_fdstat_get(sub_fd, &st));
    close_fd(file_fd);
    close_fd(sub_fd);
    (void)__wasi_path_unlink_file(dir, file);
  }
  (void)__wasi_path_remove_directory(dir, sub);
#undef L
}

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  variant(dir, "dangling_fd_file.cleanup", "dangling_fd_subdir.cleanup", 0);
  variant(dir, "dangling_fd_file_b.cleanup", "dangling_fd_subdir_b.cleanup", 1);
  return check_done();
}
