/* wasi-testsuite interesting_paths, in a sub-directory fd (interesting_paths_dir.cleanup, opened
 * with the test's own narrower rights): absolute path -> PERM or NOTCAPABLE; ".."-laden path that
 * stays inside -> opens; trailing NUL -> INVAL, ILSEQ or NOENT; file with trailing slash(es) ->
 * NOTDIR or NOENT; dir with trailing slash(es) -> opens; ".." past the directory fd (back into the
 * preopen, then argv[1]/...) -> PERM or NOTCAPABLE. (Older revisions wanted PERM only for the
 * absolute and escaping paths, and INVAL or ILSEQ for the NUL.) */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "interesting_paths_dir.cleanup";
  __wasi_rights_t b = __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE |
                      __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |
                      __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE;
  __wasi_rights_t in = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR |
                       __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_SEEK;
  __wasi_fd_t dir = ts_create_tmp_dir_r(base, dname, b, in);
  __wasi_fd_t fd;
  __wasi_errno_t e;

  CHECK_OK("path_create_directory(dir)", __wasi_path_create_directory(dir, "dir"));
  CHECK_OK("path_create_directory(dir/nested)", __wasi_path_create_directory(dir, "dir/nested"));
  if (CHECK_OK("create_file(dir/nested/file) (CREAT, rights 0)",
               __wasi_path_open(dir, 0, "dir/nested/file", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  e = __wasi_path_open(dir, 0, "/dir/nested/file", 0, 0, 0, 0, &fd);
  CHECK_ERRNO("path_open(\"/dir/nested/file\")", e, E_PERM, E_NOTCAP);
  if (e == 0) close_fd(fd);

  if (CHECK_OK("path_open(\"dir/.//nested/../../dir/nested/../nested///./file\")",
               __wasi_path_open(dir, 0, "dir/.//nested/../../dir/nested/../nested///./file", 0, 0, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  static const char nulpath[] = "dir/nested/file\0";
  int32_t ofd = -1;
  e = (__wasi_errno_t)raw_path_open((int32_t)dir, 0, PTR(nulpath), (int32_t)(sizeof nulpath - 1), 0, 0, 0, 0, PTR(&ofd));
  CHECK_ERRNO("path_open(\"dir/nested/file\\0\") (len includes the NUL)", e, E_INVAL, E_ILSEQ, E_NOENT);
  if (e == 0) close_fd((__wasi_fd_t)ofd);

  e = __wasi_path_open(dir, 0, "dir/nested/file/", 0, 0, 0, 0, &fd);
  CHECK_ERRNO("path_open(\"dir/nested/file/\")", e, E_NOTDIR, E_NOENT);
  if (e == 0) close_fd(fd);
  e = __wasi_path_open(dir, 0, "dir/nested/file///", 0, 0, 0, 0, &fd);
  CHECK_ERRNO("path_open(\"dir/nested/file///\")", e, E_NOTDIR, E_NOENT);
  if (e == 0) close_fd(fd);

  if (CHECK_OK("path_open(\"dir/nested/\")", __wasi_path_open(dir, 0, "dir/nested/", 0, 0, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }
  if (CHECK_OK("path_open(\"dir/nested///\")", __wasi_path_open(dir, 0, "dir/nested///", 0, 0, 0, 0, &fd))) {
    CHECK("fd > 2", fd > 2);
    CHECK_OK("fd_close", __wasi_fd_close(fd));
  }

  char bad[600];
  snprintf(bad, sizeof bad, "dir/nested/../../../%s/dir/nested/file", ts_arg);
  e = __wasi_path_open(dir, 0, bad, 0, 0, 0, 0, &fd);
  CHECK_ERRNO("path_open(\"dir/nested/../../../<arg>/dir/nested/file\") (escapes the dir fd)", e, E_PERM, E_NOTCAP);
  if (e == 0) close_fd(fd);
  /* (extra) the same escape to a name that does exist in the preopen */
  e = __wasi_path_open(dir, 0, "dir/nested/../../../interesting_paths_dir.cleanup/dir/nested/file", 0, 0, 0, 0, &fd);
  CHECK_ERRNO("(extra) path_open(\"dir/nested/../../../interesting_paths_dir.cleanup/dir/nested/file\")", e, E_PERM, E_NOTCAP);
  if (e == 0) close_fd(fd);
  e = __wasi_path_open(dir, 0, "..", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd);
  CHECK_ERRNO("(extra) path_open(\"..\") of the sub-dir fd", e, E_PERM, E_NOTCAP);
  if (e == 0) close_fd(fd);

  CHECK_OK("path_unlink_file(dir/nested/file)", __wasi_path_unlink_file(dir, "dir/nested/file"));
  CHECK_OK("path_remove_directory(dir/nested)", __wasi_path_remove_directory(dir, "dir/nested"));
  CHECK_OK("path_remove_directory(dir)", __wasi_path_remove_directory(dir, "dir"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
