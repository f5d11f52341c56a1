/* wasi-testsuite path_exists: path_filestat_get with and without SYMLINK_FOLLOW: a dir is
 * DIRECTORY; dir/file is REGULAR_FILE; link1 -> "subdir/file" is SYMBOLIC_LINK (nofollow) /
 * REGULAR_FILE (follow); link2 -> "subdir" is SYMBOLIC_LINK / DIRECTORY. Cleanup unlinks both
 * links, the file, the dir. */
#include "check.h"
#include "ts.h"

static void ft(const char *label, __wasi_fd_t d, __wasi_lookupflags_t lf, const char *p, __wasi_filetype_t want) {
  __wasi_filestat_t st;
  char l[128];
  snprintf(l, sizeof l, "path_filestat_get(%s, %s)", lf ? "FOLLOW" : "nofollow", p);
  if (CHECK_OK(l, __wasi_path_filestat_get(d, lf, p, &st))) CHECK_EQ(label, st.filetype, want);
}
int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_exists_dir.cleanup");
  CHECK_OK("mkdir subdir", __wasi_path_create_directory(d, "subdir"));
  ft("subdir is DIRECTORY", d, 0, "subdir", __WASI_FILETYPE_DIRECTORY);
  ft("subdir (follow) is DIRECTORY", d, LF_FOLLOW, "subdir", __WASI_FILETYPE_DIRECTORY);
  ts_create_file(d, "subdir/file");
  ft("subdir/file is REGULAR_FILE", d, 0, "subdir/file", __WASI_FILETYPE_REGULAR_FILE);
  ft("subdir/file (follow) is REGULAR_FILE", d, LF_FOLLOW, "subdir/file", __WASI_FILETYPE_REGULAR_FILE);
  CHECK_OK("symlink subdir/file -> link1", __wasi_path_symlink("subdir/file", d, "link1"));
  ft("link1 is SYMBOLIC_LINK", d, 0, "link1", __WASI_FILETYPE_SYMBOLIC_LINK);
  ft("link1 (follow) is REGULAR_FILE", d, LF_FOLLOW, "link1", __WASI_FILETYPE_REGULAR_FILE);
  CHECK_OK("symlink subdir -> link2", __wasi_path_symlink("subdir", d, "link2"));
  ft("link2 is SYMBOLIC_LINK", d, 0, "link2", __WASI_FILETYPE_SYMBOLIC_LINK);
  ft("link2 (follow) is DIRECTORY", d, LF_FOLLOW, "link2", __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("unlink link1", __wasi_path_unlink_file(d, "link1"));
  CHECK_OK("unlink link2", __wasi_path_unlink_file(d, "link2"));
  CHECK_OK("unlink subdir/file", __wasi_path_unlink_file(d, "subdir/file"));
  CHECK_OK("rmdir subdir", __wasi_path_remove_directory(d, "subdir"));
  ts_remove_tmp_dir(base, d, "path_exists_dir.cleanup");
  return check_done();
}
