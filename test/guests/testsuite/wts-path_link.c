/* path_link (wasi-testsuite tests/rust/.../path_link.rs): hard links in the same and another
 * directory share filestat and fdstat with the original; EXIST for an existing target (file,
 * itself, directory, dangling symlink); PERM/ACCES for a directory source; NOENT for "link/"; links
 * to dangling symlinks and symlink loops succeed (no follow); SYMLINK_FOLLOW -> INVAL/NOENT. */
#include "check.h"
#include "ts.h"
#define TEST_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET | \
                     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE)

static __wasi_fd_t open_rights(const char *label, __wasi_fd_t dir, const char *name, __wasi_oflags_t of) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (CHECK_OK(label, __wasi_path_open(dir, 0, name, of, TEST_RIGHTS, TEST_RIGHTS, 0, &fd)))
    CHECK("fd > 2", fd > 2);
  return fd;
}

static int supports_rights(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) != 0) return 1;
  return __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base, st.fs_rights_inheriting) != __WASI_ERRNO_NOTSUP;
}

static void check_rights(const char *what, __wasi_fd_t a, __wasi_fd_t b) {
  __wasi_filestat_t fa, fb;
  __wasi_fdstat_t sa, sb;
  char l[160];
  snprintf(l, sizeof l, "%s: fd_filestat_get(orig)", what);
  CHECK_OK(l, __wasi_fd_filestat_get(a, &fa));
  snprintf(l, sizeof l, "%s: fd_filestat_get(link)", what);
  CHECK_OK(l, __wasi_fd_filestat_get(b, &fb));
  snprintf(l, sizeof l, "%s: filestat equal (dev ino atim ctim mtim size nlink filetype)", what);
  CHECK(l, fa.dev == fb.dev && fa.ino == fb.ino && fa.atim == fb.atim && fa.ctim == fb.ctim &&
               fa.mtim == fb.mtim && fa.size == fb.size && fa.nlink == fb.nlink && fa.filetype == fb.filetype);
  if (!(fa.atim == fb.atim && fa.ctim == fb.ctim && fa.mtim == fb.mtim && fa.nlink == fb.nlink))
    printf("  (orig atim %llu ctim %llu mtim %llu nlink %llu / link atim %llu ctim %llu mtim %llu nlink %llu)\n",
           (unsigned long long)fa.atim, (unsigned long long)fa.ctim, (unsigned long long)fa.mtim, (unsigned long long)fa.nlink,
           (unsigned long long)fb.atim, (unsigned long long)fb.ctim, (unsigned long long)fb.mtim, (unsigned long long)fb.nlink);
  snprintf(l, sizeof l, "%s: fd_fdstat_get both", what);
  CHECK_OK(l, __wasi_fd_fdstat_get(a, &sa) | __wasi_fd_fdstat_get(b, &sb));
  snprintf(l, sizeof l, "%s: fdstat flags/filetype equal", what);
  CHECK(l, sa.fs_flags == sb.fs_flags && sa.fs_filetype == sb.fs_filetype);
  if (supports_rights(a)) {
    snprintf(l, sizeof l, "%s: fdstat rights equal", what);
    CHECK(l, sa.fs_rights_base == sb.fs_rights_base && sa.fs_rights_inheriting == sb.fs_rights_inheriting);
  }
}

static void test_path_link(__wasi_fd_t d) {
  __wasi_fd_t file = open_rights("create file (CREAT, TEST_RIGHTS)", d, "file", __WASI_OFLAGS_CREAT);

  CHECK_OK("path_link(file -> link) same dir", __wasi_path_link(d, 0, "file", d, "link"));
  __wasi_fd_t link = open_rights("open link", d, "link", 0);
  check_rights("same dir", file, link);
  CHECK_OK("close link", __wasi_fd_close(link));
  CHECK_OK("unlink link", __wasi_path_unlink_file(d, "link"));

  CHECK_OK("mkdir subdir", __wasi_path_create_directory(d, "subdir"));
  __wasi_fd_t sub = open_rights("open subdir (DIRECTORY, TEST_RIGHTS)", d, "subdir", __WASI_OFLAGS_DIRECTORY);
  CHECK_OK("path_link(file -> subdir_fd/link)", __wasi_path_link(d, 0, "file", sub, "link"));
  link = open_rights("open subdir/link", sub, "link", 0);
  check_rights("other dir", file, link);
  CHECK_OK("close link", __wasi_fd_close(link));
  CHECK_OK("close file", __wasi_fd_close(file));
  CHECK_OK("unlink subdir/link", __wasi_path_unlink_file(sub, "link"));
  CHECK_OK("close subdir", __wasi_fd_close(sub));
  CHECK_OK("rmdir subdir", __wasi_path_remove_directory(d, "subdir"));

  ts_create_file(d, "link");
  CHECK_ERRNO("path_link to an existing file", __wasi_path_link(d, 0, "file", d, "link"), E_EXIST);
  CHECK_OK("unlink link", __wasi_path_unlink_file(d, "link"));

  CHECK_ERRNO("path_link to itself", __wasi_path_link(d, 0, "file", d, "file"), E_EXIST);

  CHECK_OK("mkdir link", __wasi_path_create_directory(d, "link"));
  CHECK_ERRNO("path_link where target is a directory", __wasi_path_link(d, 0, "file", d, "link"), E_EXIST);
  CHECK_OK("rmdir link", __wasi_path_remove_directory(d, "link"));

  CHECK_OK("mkdir subdir", __wasi_path_create_directory(d, "subdir"));
  sub = open_rights("open subdir", d, "subdir", __WASI_OFLAGS_DIRECTORY);
  CHECK_ERRNO("path_link of a directory", __wasi_path_link(d, 0, "subdir", d, "link"), E_PERM, E_ACCES);
  CHECK_OK("close subdir", __wasi_fd_close(sub));
  CHECK_OK("rmdir subdir", __wasi_path_remove_directory(d, "subdir"));

  CHECK_ERRNO("path_link(file -> \"link/\")", __wasi_path_link(d, 0, "file", d, "link/"), E_NOENT);

  if (ts_dangling()) {
    /* newest suite: skipped if this symlink cannot be made; older suites .expect() it */
    if (CHECK_OK("path_symlink(target -> symlink) dangling", __wasi_path_symlink("target", d, "symlink"))) {
      CHECK_OK("path_link(dangling symlink -> link)", __wasi_path_link(d, 0, "symlink", d, "link"));
      CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
      CHECK_OK("unlink link (hard link to symlink)", __wasi_path_unlink_file(d, "link"));

      CHECK_OK("path_symlink(symlink -> symlink) loop", __wasi_path_symlink("symlink", d, "symlink"));
      CHECK_OK("path_link(symlink loop -> link)", __wasi_path_link(d, 0, "symlink", d, "link"));
      CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
      CHECK_OK("unlink link", __wasi_path_unlink_file(d, "link"));

      CHECK_OK("path_symlink dangling", __wasi_path_symlink("target", d, "symlink"));
      CHECK_ERRNO("path_link where target is a dangling symlink", __wasi_path_link(d, 0, "file", d, "symlink"), E_EXIST);
      CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));

      CHECK_OK("path_symlink dangling", __wasi_path_symlink("target", d, "symlink"));
      CHECK_ERRNO("path_link with SYMLINK_FOLLOW of a dangling symlink",
                  __wasi_path_link(d, LF_FOLLOW, "symlink", d, "link"), E_INVAL, E_NOENT);
      CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
    }
  }
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
}

/* The older suite versions' order for the other-directory case: unlink subdir/link while the link
 * and the subdir are still open, close the subdir before the link and the file, and (oldest) do
 * not close dir_fd before removing it. */
static void test_old_order(__wasi_fd_t d) {
  __wasi_fd_t file = open_rights("old order: create file", d, "file", __WASI_OFLAGS_CREAT);
  CHECK_OK("old order: mkdir subdir", __wasi_path_create_directory(d, "subdir"));
  __wasi_fd_t sub = open_rights("old order: open subdir", d, "subdir", __WASI_OFLAGS_DIRECTORY);
  CHECK_OK("old order: path_link(file -> subdir_fd/link)", __wasi_path_link(d, 0, "file", sub, "link"));
  __wasi_fd_t link = open_rights("old order: open subdir/link", sub, "link", 0);
  check_rights("old order", file, link);
  CHECK_OK("old order: unlink subdir/link (link still open)", __wasi_path_unlink_file(sub, "link"));
  CHECK_OK("old order: close subdir (link still open)", __wasi_fd_close(sub));
  CHECK_OK("old order: close link", __wasi_fd_close(link));
  CHECK_OK("old order: close file", __wasi_fd_close(file));
  CHECK_OK("old order: rmdir subdir", __wasi_path_remove_directory(d, "subdir"));
  CHECK_OK("old order: unlink file", __wasi_path_unlink_file(d, "file"));
}

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "path_link_dir.cleanup");
  test_path_link(d);
  ts_remove_tmp_dir(base, d, "path_link_dir.cleanup");
  d = ts_create_tmp_dir(base, "path_link_dir.cleanup");
  test_old_order(d);
  CHECK_OK("old order: path_remove_directory(tmp dir, still open)", __wasi_path_remove_directory(base, "path_link_dir.cleanup"));
  return check_done();
}
