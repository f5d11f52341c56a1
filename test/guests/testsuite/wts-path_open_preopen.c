/* wasi-testsuite path_open_preopen: the preopen (argv[1], or "/") is a directory preopen whose base
 * rights include the 16 directory rights and whose inheriting rights include those plus 13 file
 * rights; re-opening "." succeeds with the same rights, with no rights, with DIRECTORY and no
 * rights, with DIRECTORY and FD_READ; DIRECTORY with FD_READ|FD_WRITE fails with exactly ISDIR (the
 * suite's windows mode wants success). The suite also prints the rights (stdout not compared). */
#include "check.h"
#include "ts.h"

static const struct { __wasi_rights_t r; const char *n; } base_rights[] = {
  {__WASI_RIGHTS_PATH_CREATE_DIRECTORY, "PATH_CREATE_DIRECTORY"}, {__WASI_RIGHTS_PATH_CREATE_FILE, "PATH_CREATE_FILE"},
  {__WASI_RIGHTS_PATH_LINK_SOURCE, "PATH_LINK_SOURCE"}, {__WASI_RIGHTS_PATH_LINK_TARGET, "PATH_LINK_TARGET"},
  {__WASI_RIGHTS_PATH_OPEN, "PATH_OPEN"}, {__WASI_RIGHTS_FD_READDIR, "FD_READDIR"},
  {__WASI_RIGHTS_PATH_READLINK, "PATH_READLINK"}, {__WASI_RIGHTS_PATH_RENAME_SOURCE, "PATH_RENAME_SOURCE"},
  {__WASI_RIGHTS_PATH_RENAME_TARGET, "PATH_RENAME_TARGET"}, {__WASI_RIGHTS_PATH_SYMLINK, "PATH_SYMLINK"},
  {__WASI_RIGHTS_PATH_REMOVE_DIRECTORY, "PATH_REMOVE_DIRECTORY"}, {__WASI_RIGHTS_PATH_UNLINK_FILE, "PATH_UNLINK_FILE"},
  {__WASI_RIGHTS_PATH_FILESTAT_GET, "PATH_FILESTAT_GET"}, {__WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, "PATH_FILESTAT_SET_TIMES"},
  {__WASI_RIGHTS_FD_FILESTAT_GET, "FD_FILESTAT_GET"}, {__WASI_RIGHTS_FD_FILESTAT_SET_TIMES, "FD_FILESTAT_SET_TIMES"},
};
static const struct { __wasi_rights_t r; const char *n; } inh_extra[] = {
  {__WASI_RIGHTS_FD_DATASYNC, "FD_DATASYNC"}, {__WASI_RIGHTS_FD_READ, "FD_READ"}, {__WASI_RIGHTS_FD_SEEK, "FD_SEEK"},
  {__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, "FD_FDSTAT_SET_FLAGS"}, {__WASI_RIGHTS_FD_SYNC, "FD_SYNC"},
  {__WASI_RIGHTS_FD_TELL, "FD_TELL"}, {__WASI_RIGHTS_FD_WRITE, "FD_WRITE"}, {__WASI_RIGHTS_FD_ADVISE, "FD_ADVISE"},
  {__WASI_RIGHTS_FD_ALLOCATE, "FD_ALLOCATE"}, {__WASI_RIGHTS_FD_FILESTAT_GET, "FD_FILESTAT_GET"},
  {__WASI_RIGHTS_FD_FILESTAT_SET_SIZE, "FD_FILESTAT_SET_SIZE"},
  {__WASI_RIGHTS_FD_FILESTAT_SET_TIMES, "FD_FILESTAT_SET_TIMES"}, {__WASI_RIGHTS_POLL_FD_READWRITE, "POLL_FD_READWRITE"},
};

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "/";
  /* find_first_preopened_fd: scans every fd, skipping errors */
  int pre = -1;
  for (__wasi_fd_t fd = 3; fd < 1024 && pre < 0; fd++) {
    __wasi_prestat_t ps;
    char buf[256];
    if (__wasi_fd_prestat_get(fd, &ps) != 0 || ps.tag != __WASI_PREOPENTYPE_DIR || ps.u.dir.pr_name_len >= 256) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0) continue;
    if (ps.u.dir.pr_name_len == strlen(name) && memcmp(buf, name, ps.u.dir.pr_name_len) == 0) pre = (int)fd;
  }
  if (!CHECK("found the preopen", pre >= 0)) return check_done();
  __wasi_prestat_t ps;
  CHECK_OK("fd_prestat_get", __wasi_fd_prestat_get(pre, &ps));
  CHECK_EQ("prestat tag is DIR", ps.tag, __WASI_PREOPENTYPE_DIR);
  char nb[256];
  CHECK_OK("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(pre, (uint8_t *)nb, ps.u.dir.pr_name_len));
  __wasi_fdstat_t st;
  CHECK_OK("fd_fdstat_get", __wasi_fd_fdstat_get(pre, &st));
  char l[128];
  for (size_t i = 0; i < sizeof base_rights / sizeof base_rights[0]; i++) {
    snprintf(l, sizeof l, "base has %s", base_rights[i].n);
    CHECK(l, (st.fs_rights_base & base_rights[i].r) == base_rights[i].r);
    snprintf(l, sizeof l, "inheriting has %s", base_rights[i].n);
    CHECK(l, (st.fs_rights_inheriting & base_rights[i].r) == base_rights[i].r);
  }
  for (size_t i = 0; i < sizeof inh_extra / sizeof inh_extra[0]; i++) {
    snprintf(l, sizeof l, "inheriting has %s", inh_extra[i].n);
    CHECK(l, (st.fs_rights_inheriting & inh_extra[i].r) == inh_extra[i].r);
  }
  __wasi_fd_t x;
  CHECK_OK("open \".\" with the same rights (no DIRECTORY)",
           __wasi_path_open(pre, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &x));
  CHECK_OK("open \".\" with empty rights", __wasi_path_open(pre, 0, ".", 0, 0, 0, 0, &x));
  CHECK_OK("open \".\" DIRECTORY, empty rights", __wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &x));
  CHECK_OK("open \".\" DIRECTORY, FD_READ", __wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &x));
  __wasi_errno_t e = __wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &x);
  CHECK_ERRNO("open \".\" DIRECTORY, FD_READ|FD_WRITE", e, E_ISDIR);
  return check_done();
}
