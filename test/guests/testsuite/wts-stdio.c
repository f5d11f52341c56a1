/* wasi-testsuite stdio: for fd 0, 1, 2 in turn: open "file.cleanup" (CREAT, rights 0),
 * fd_renumber(stdio, it) succeeds, fd_fdstat_get(it) succeeds, fd_fdstat_get(stdio) fails, unlink.
 * (The suite's older version unlinks "file", which does not exist and would fail; the newest
 * unlinks file.cleanup.) stdout is gone after the second round and stderr after the third, so the
 * rounds are reported after the fact: one line per round ("ok round ..." or "FAIL round ...") in
 * "stdio-result.txt" in the scratch directory, and the exit code is the number of failures. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "stdio_dir.cleanup");
  char log[1024];
  size_t ll = 0;
  int fails = 0;
  const __wasi_fd_t stdio[3] = {0, 1, 2};
  for (int i = 0; i < 3; i++) {
    __wasi_fd_t to = (__wasi_fd_t)-1;
    __wasi_fdstat_t st;
    __wasi_errno_t e1 = __wasi_path_open(d, 0, "file.cleanup", __WASI_OFLAGS_CREAT, 0, 0, 0, &to);
    __wasi_errno_t e2 = e1 ? 99 : __wasi_fd_renumber(stdio[i], to);
    __wasi_errno_t e3 = e2 ? 99 : __wasi_fd_fdstat_get(to, &st);
    __wasi_errno_t e4 = __wasi_fd_fdstat_get(stdio[i], &st);
    __wasi_errno_t e5 = __wasi_path_unlink_file(d, "file.cleanup");
    int bad = e1 || e2 || e3 || e4 == 0 || e5;
    fails += bad;
    ll += snprintf(log + ll, sizeof log - ll, "%s round fd %u: open=%s (fd %u) renumber=%s fdstat(to)=%s fdstat(from)=%s unlink=%s\n",
                   bad ? "FAIL" : "ok", stdio[i], errno_name(e1), to, errno_name(e2), errno_name(e3), errno_name(e4), errno_name(e5));
  }
  __wasi_fd_t out;
  if (__wasi_path_open(base, 0, "stdio-result.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, 0, 0, &out) == 0) {
    __wasi_size_t n;
    ts_write(out, log, ll, &n);
    (void)!__wasi_fd_close(out);
  }
  __wasi_errno_t c1 = __wasi_fd_close(d), c2 = __wasi_path_remove_directory(base, "stdio_dir.cleanup");
  fails += (c1 != 0) + (c2 != 0);
  return fails;
}
