/* wasi-testsuite remove_directory_trailing_slashes (newest suite: directly in the scratch dir,
 * names *.cleanup): rmdir of a dir succeeds; rmdir "dir/" succeeds (newest suite tolerates ACCES
 * followed by a plain rmdir; wasmtime's version requires success); rmdir of a file is NOTDIR; of
 * "file/" NOTDIR (unix; NOENT windows). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t d = ts_scratch(argc, argv);
  CHECK_OK("mkdir dir.cleanup", __wasi_path_create_directory(d, "dir.cleanup"));
  CHECK_OK("rmdir dir.cleanup", __wasi_path_remove_directory(d, "dir.cleanup"));
  CHECK_OK("mkdir dir.cleanup", __wasi_path_create_directory(d, "dir.cleanup"));
  __wasi_errno_t e = __wasi_path_remove_directory(d, "dir.cleanup/");
  if (e == 0) {
    CHECK_OK("rmdir \"dir.cleanup/\"", e);
  } else {
    CHECK_ERRNO("rmdir \"dir.cleanup/\" (newest suite tolerates ACCES only)", e, E_ACCES);
    CHECK_OK("rmdir dir.cleanup", __wasi_path_remove_directory(d, "dir.cleanup"));
  }
  ts_create_file(d, "file.cleanup");
  CHECK_ERRNO("rmdir of a file", __wasi_path_remove_directory(d, "file.cleanup"), E_NOTDIR);
  e = __wasi_path_remove_directory(d, "file.cleanup/");
  if (ts_unix()) CHECK_ERRNO("rmdir \"file.cleanup/\" (unix)", e, E_NOTDIR);
  else CHECK_ERRNO("rmdir \"file.cleanup/\"", e, E_NOTDIR, E_NOENT);
  CHECK_OK("unlink file.cleanup", __wasi_path_unlink_file(d, "file.cleanup"));
  return check_done();
}
