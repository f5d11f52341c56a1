/* wasi-testsuite path_rename: dir -> new name; dir -> existing empty dir (replaces it); dir ->
 * non-empty dir is NOTEMPTY or ACCES (unix: NOTEMPTY); dir -> existing file is NOTDIR (newest
 * suite also tolerates success); file -> new name; file -> existing file (replaces); file ->
 * existing directory is ISDIR or ACCES (unix: ISDIR). After each rename the old name is NOENT. */
#include "check.h"
#include "ts.h"

static void expect_gone(const char *label, __wasi_fd_t d, const char *name, __wasi_oflags_t of) {
  __wasi_fd_t x;
  CHECK_ERRNO(label, __wasi_path_open(d, 0, name, of, 0, 0, 0, &x), E_NOENT);
}
static void expect_there(const char *label, __wasi_fd_t d, const char *name, __wasi_oflags_t of) {
  __wasi_fd_t x = (__wasi_fd_t)-1;
  if (CHECK_OK(label, __wasi_path_open(d, 0, name, of, 0, 0, 0, &x))) {
    CHECK("fd > 2", x > 2);
    CHECK_OK("close", __wasi_fd_close(x));
  }
}

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_rename_dir.cleanup");
  const __wasi_oflags_t D = __WASI_OFLAGS_DIRECTORY;
  __wasi_errno_t e;

  CHECK_OK("mkdir source", __wasi_path_create_directory(d, "source"));
  CHECK_OK("rename dir source -> target", __wasi_path_rename(d, "source", d, "target"));
  expect_gone("source dir gone", d, "source", D);
  expect_there("target dir opens", d, "target", D);
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  CHECK_OK("mkdir source", __wasi_path_create_directory(d, "source"));
  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  CHECK_OK("rename dir onto an empty dir", __wasi_path_rename(d, "source", d, "target"));
  expect_gone("source dir gone", d, "source", D);
  expect_there("target dir opens", d, "target", D);
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  CHECK_OK("mkdir source", __wasi_path_create_directory(d, "source"));
  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  ts_create_file(d, "target/file");
  e = __wasi_path_rename(d, "source", d, "target");
  if (ts_unix()) CHECK_ERRNO("rename dir onto a non-empty dir (unix)", e, E_NOTEMPTY);
  else CHECK_ERRNO("rename dir onto a non-empty dir", e, E_NOTEMPTY, E_ACCES);

  e = __wasi_path_rename(d, "source", d, "target/file");
  if (e == 0) {
    /* tolerated by the newest suite (older revisions wanted NOTDIR) */
    CHECK_OK("rmdir target/file", __wasi_path_remove_directory(d, "target/file"));
  } else {
    CHECK_ERRNO("rename dir onto a file", e, E_NOTDIR);
    CHECK_OK("unlink target/file", __wasi_path_unlink_file(d, "target/file"));
    CHECK_OK("rmdir source", __wasi_path_remove_directory(d, "source"));
  }
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));

  ts_create_file(d, "source");
  CHECK_OK("rename file source -> target", __wasi_path_rename(d, "source", d, "target"));
  expect_gone("source file gone", d, "source", 0);
  expect_there("target file opens", d, "target", 0);
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));

  ts_create_file(d, "source");
  ts_create_file(d, "target");
  CHECK_OK("rename file onto an existing file", __wasi_path_rename(d, "source", d, "target"));
  expect_gone("source file gone", d, "source", 0);
  expect_there("target file opens", d, "target", 0);
  CHECK_OK("unlink target", __wasi_path_unlink_file(d, "target"));

  ts_create_file(d, "source");
  CHECK_OK("mkdir target", __wasi_path_create_directory(d, "target"));
  e = __wasi_path_rename(d, "source", d, "target");
  if (ts_unix()) CHECK_ERRNO("rename file onto an empty dir (unix)", e, E_ISDIR);
  else CHECK_ERRNO("rename file onto an empty dir", e, E_ISDIR, E_ACCES);
  CHECK_OK("rmdir target", __wasi_path_remove_directory(d, "target"));
  CHECK_OK("unlink source", __wasi_path_unlink_file(d, "source"));

  ts_remove_tmp_dir(base, d, "path_rename_dir.cleanup");
  return check_done();
}
