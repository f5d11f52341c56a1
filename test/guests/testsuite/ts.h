/* ts.h — the wasi-testsuite harness shared by the guests test/guests/testsuite/wts-NAME.c.
 *
 * Each wts-NAME.c is written from the assertions of wasi-testsuite's NAME (tests/rust/.../NAME.rs
 * or tests/c/src/NAME.c) and includes "check.h" (output format, exit code = failures) and then
 * this file, which stands in for the suite's lib.rs / config.rs:
 *   - ts_scratch(): the scratch directory, found as the suite does: the preopen named argv[1]
 *     (older layout: `--dir fs-tests.dir`, argv[1] = its name) or else the preopen named "/"
 *     (current layout: {"root": "fs-tests.dir"}), re-opened with
 *     path_open(preopen, 0, ".", DIRECTORY, its base rights, its inheriting rights, 0);
 *   - ts_create_tmp_dir() / ts_remove_tmp_dir(): lib.rs create_tmp_dir (fixed rights) and the tail
 *     of main(); ts_create_file(): lib.rs create_file;
 *   - P(): for the C tests, a fixture path ("file", "lseek.txt", ...) as the running layout names
 *     it: bare with a "/" preopen, else under the first preopen's name;
 *   - env knobs of config.rs: ERRNO_MODE_UNIX (exact Linux errnos instead of the permissive sets)
 *     and NO_DANGLING_FILESYSTEM (skip the dangling-symlink cases). Not set by the test runner.
 * Must not: print anything that differs between runs or modes on an "ok" path.
 */
#ifndef TS_H
#define TS_H

#include "check.h"

/* ---- config.rs --------------------------------------------------------------------------- */
CH_FN int ts_unix(void) { return getenv("ERRNO_MODE_UNIX") != NULL; }
CH_FN int ts_dangling(void) { return getenv("NO_DANGLING_FILESYSTEM") == NULL; }

/* ---- lib.rs ------------------------------------------------------------------------------ */
/* The name of the scratch preopen (argv[1] or "/"), set by ts_scratch(). */
static const char *ts_arg __attribute__((unused)) = "/";

/* open_scratch_directory / root_directory: a fresh fd on the scratch preopen, with its rights.
 * A missing preopen or a failing re-open ends the guest (exit 100). */
CH_FN __wasi_fd_t ts_scratch(int argc, char **argv) {
  ts_arg = argc > 1 ? argv[1] : "/";
  int pre = find_preopen(ts_arg);
  if (pre < 0) { printf("FAIL harness: no preopen named %s\n", ts_arg); fflush(stdout); exit(100); }
  __wasi_fdstat_t st;
  if (!CHECK_OK("harness: fd_fdstat_get(preopen)", __wasi_fd_fdstat_get((__wasi_fd_t)pre, &st))) exit(100);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (!CHECK_OK("harness: path_open(preopen, \".\", DIRECTORY, its rights)",
                __wasi_path_open((__wasi_fd_t)pre, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base,
                                 st.fs_rights_inheriting, 0, &fd)))
    exit(100);
  return fd;
}

/* The rights create_tmp_dir opens its directory with. */
#define TS_TMP_BASE                                                                                      \
  (__WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE |           \
   __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_OPEN | \
   __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |    \
   __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |   \
   __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |                              \
   __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_SYMLINK)
#define TS_TMP_INH                                                                                       \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET | \
   __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |             \
   __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_FILESTAT_GET |          \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL |                   \
   __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |            \
   __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)

/* create_tmp_dir with given rights: mkdir `name` under dir and open it (failure: exit 100). */
CH_FN __wasi_fd_t ts_create_tmp_dir_r(__wasi_fd_t dir, const char *name, __wasi_rights_t base,
                                       __wasi_rights_t inh) {
  if (!CHECK_OK("harness: path_create_directory(tmp dir)", __wasi_path_create_directory(dir, name))) exit(100);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (!CHECK_OK("harness: path_open(tmp dir, DIRECTORY)",
                __wasi_path_open(dir, 0, name, __WASI_OFLAGS_DIRECTORY, base, inh, 0, &fd)))
    exit(100);
  return fd;
}
CH_FN __wasi_fd_t ts_create_tmp_dir(__wasi_fd_t dir, const char *name) {
  return ts_create_tmp_dir_r(dir, name, TS_TMP_BASE, TS_TMP_INH);
}

/* The tail of main(): fd_close(dir_fd), path_remove_directory(base, name). */
CH_FN void ts_remove_tmp_dir(__wasi_fd_t base, __wasi_fd_t dir, const char *name) {
  CHECK_OK("fd_close(tmp dir)", __wasi_fd_close(dir));
  CHECK_OK("path_remove_directory(tmp dir)", __wasi_path_remove_directory(base, name));
}

/* create_file: path_open(dir, 0, name, CREAT, 0, 0, 0), fd > 2, fd_close. */
CH_FN void ts_create_file(__wasi_fd_t dir, const char *name) {
  char label[128];
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  snprintf(label, sizeof label, "create_file(%s)", name);
  if (CHECK_OK(label, __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd))) {
    CHECK("create_file fd > 2", fd > 2);
    CHECK_OK("create_file fd_close", __wasi_fd_close(fd));
  }
}

/* fd_read / fd_write of one buffer: returns errno, *n = bytes. */
CH_FN __wasi_errno_t ts_read(__wasi_fd_t fd, void *buf, size_t len, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  *n = 0;
  return __wasi_fd_read(fd, &iov, 1, n);
}
CH_FN __wasi_errno_t ts_write(__wasi_fd_t fd, const void *buf, size_t len, __wasi_size_t *n) {
  __wasi_ciovec_t iov = {(const uint8_t *)buf, len};
  *n = 0;
  return __wasi_fd_write(fd, &iov, 1, n);
}

/* The first fd number above the preopens (where the suite's scan of fd_prestat_get stops). */
CH_FN __wasi_fd_t ts_first_free_fd(void) {
  __wasi_fd_t fd = 3;
  __wasi_prestat_t ps;
  while (fd < 1024 && __wasi_fd_prestat_get(fd, &ps) == 0) fd++;
  return fd;
}

/* ---- C tests (tests/c/src): libc paths of the fixtures ----------------------------------- */
/* "file" with a "/" preopen (current layout: bare paths, resolved against the cwd "/"), else
 * "<name of fd 3>/file" (older layout: the preopen is named after the fixture directory). */
CH_FN const char *P(const char *rel) {
  static char bufs[4][512];
  static int next;
  static char prefix[300];
  static int have_prefix;
  if (!have_prefix) {
    have_prefix = 1;
    __wasi_prestat_t ps;
    if (find_preopen("/") < 0 && __wasi_fd_prestat_get(3, &ps) == 0 && ps.tag == __WASI_PREOPENTYPE_DIR &&
        ps.u.dir.pr_name_len < sizeof prefix - 1 &&
        __wasi_fd_prestat_dir_name(3, (uint8_t *)prefix, ps.u.dir.pr_name_len) == 0) {
      prefix[ps.u.dir.pr_name_len] = '/';
      prefix[ps.u.dir.pr_name_len + 1] = 0;
    } else {
      prefix[0] = 0;
    }
  }
  char *b = bufs[next++ & 3];
  snprintf(b, sizeof bufs[0], "%s%s", prefix, rel);
  return b;
}

#endif
