/* wasi-testsuite fopen-with-no-access: with no preopen, fopen("fs-tests.dir/file", "r") is NULL
 * with errno ENOTCAPABLE. The errno comes from wasi-libc (no preopen matches, so no path_open
 * reaches the runtime): the suite's prebuilt binary (older wasi-libc) reports ENOTCAPABLE, the
 * wasi-libc here ENOENT. The suite runs it without --dir; here it may get a preopen ("/", where
 * "fs-tests.dir/file" does not exist, or an absolute older-layout name, which the relative path
 * does not match), so the runtime's part is checked as: the preopen scan ends (fd_prestat_get of
 * the first fd after the preopens is BADF). */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <stdio.h>
int main(void) {
  __wasi_prestat_t ps;
  CHECK_ERRNO("fd_prestat_get(first fd after the preopens)", __wasi_fd_prestat_get(ts_first_free_fd(), &ps), E_BADF);
  errno = 0;
  FILE *f = fopen("fs-tests.dir/file", "r");
  int err = errno; /* saved before printing: stdio may change errno */
  CHECK("fopen fails", f == NULL);
  CHECK("errno ENOTCAPABLE (suite's libc) or ENOENT (this libc)", err == ENOTCAPABLE || err == ENOENT);
  return check_done();
}
