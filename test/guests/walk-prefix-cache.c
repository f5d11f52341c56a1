/* Repeated lookups after the tree changed under the path they walk (exclusive mode remembers
 * what each path's directory part resolved to; see the prefix cache in core-c/src/walk.c).
 * Every lookup is made twice (the second one would be answered from that cache), after a
 * rename of a directory on the path, a directory replaced by another, a symlink on the path
 * retargeted, a directory removed and made again, a rename over an empty directory; with ".."
 * in the prefix, from two directory fds with the same relative path, and through a file. */
#include "check.h"

static __wasi_fd_t sb;

/* stat (following symlinks) twice; both must give `want` and, on success, `size` bytes. */
static void stat2(const char *label, __wasi_fd_t dir, const char *path, unsigned want, uint64_t size) {
  for (int i = 0; i < 2; i++) {
    __wasi_filestat_t st;
    char l[160];
    snprintf(l, sizeof l, "%s: stat %s (%s)", label, path, i ? "again" : "first");
    unsigned e = __wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
    if (!CHECK_ERRNO(l, e, want) || e) continue;
    snprintf(l, sizeof l, "%s: size of %s", label, path);
    CHECK_EQ(l, st.size, size);
  }
}

int main(void) {
  sb = need_preopen("/sandbox");
  CHECK_OK("mkdir pc", __wasi_path_create_directory(sb, "pc"));
  CHECK_OK("mkdir pc/x", __wasi_path_create_directory(sb, "pc/x"));
  CHECK_OK("mkdir pc/x/y", __wasi_path_create_directory(sb, "pc/x/y"));
  CHECK_OK("write pc/x/y/f", put_file(sb, "pc/x/y/f", "abc"));
  stat2("start", sb, "pc/x/y/f", E_OK, 3);

  CHECK_OK("rename pc/x -> pc/z", __wasi_path_rename(sb, "pc/x", sb, "pc/z"));
  stat2("after rename", sb, "pc/x/y/f", E_NOENT, 0);
  stat2("after rename", sb, "pc/z/y/f", E_OK, 3);

  CHECK_OK("mkdir pc/x again", __wasi_path_create_directory(sb, "pc/x"));
  CHECK_OK("mkdir pc/x/y again", __wasi_path_create_directory(sb, "pc/x/y"));
  CHECK_OK("write the new pc/x/y/f", put_file(sb, "pc/x/y/f", "abcde"));
  stat2("a new directory at the old name", sb, "pc/x/y/f", E_OK, 5);
  stat2("the moved one", sb, "pc/z/y/f", E_OK, 3);

  CHECK_OK("symlink pc/l -> z", __wasi_path_symlink("z", sb, "pc/l"));
  stat2("through a symlink", sb, "pc/l/y/f", E_OK, 3);
  CHECK_OK("unlink pc/l", __wasi_path_unlink_file(sb, "pc/l"));
  stat2("symlink gone", sb, "pc/l/y/f", E_NOENT, 0);
  CHECK_OK("symlink pc/l -> x", __wasi_path_symlink("x", sb, "pc/l"));
  stat2("symlink retargeted", sb, "pc/l/y/f", E_OK, 5);

  CHECK_OK("unlink pc/x/y/f", __wasi_path_unlink_file(sb, "pc/x/y/f"));
  CHECK_OK("rmdir pc/x/y", __wasi_path_remove_directory(sb, "pc/x/y"));
  stat2("directory removed", sb, "pc/x/y/f", E_NOENT, 0);
  stat2("directory removed, via the symlink", sb, "pc/l/y/f", E_NOENT, 0);
  CHECK_OK("mkdir pc/x/y a third time", __wasi_path_create_directory(sb, "pc/x/y"));
  stat2("directory made again, empty", sb, "pc/x/y/f", E_NOENT, 0);
  CHECK_OK("write pc/x/y/f a third time", put_file(sb, "pc/x/y/f", "abcdefg"));
  stat2("directory made again", sb, "pc/x/y/f", E_OK, 7);

  stat2("dotdot in the prefix", sb, "pc/x/../z/y/f", E_OK, 3);
  stat2("dot in the prefix", sb, "pc/./x/./y/f", E_OK, 7);

  __wasi_fd_t a = must_open("open pc/x", sb, "pc/x", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  __wasi_fd_t z = must_open("open pc/z", sb, "pc/z", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  stat2("from fd pc/x", a, "y/f", E_OK, 7);
  stat2("from fd pc/z", z, "y/f", E_OK, 3);
  stat2("from fd pc/x, dotdot", a, "y/../y/f", E_OK, 7);
  stat2("from fd pc/x, dotdot above it", a, "y/../../z/y/f", E_NOTCAP, 0);
  stat2("from fd pc/x, dotdot to it", a, "y/../f", E_NOENT, 0);

  stat2("a file in the prefix", sb, "pc/x/y/f/g", E_NOTDIR, 0);
  stat2("a file with a trailing slash", sb, "pc/x/y/f/", E_NOTDIR, 0);

  CHECK_OK("mkdir pc/x/e", __wasi_path_create_directory(sb, "pc/x/e"));
  stat2("empty directory", sb, "pc/x/e/f", E_NOENT, 0);
  CHECK_OK("rename pc/z/y over pc/x/e", __wasi_path_rename(sb, "pc/z/y", sb, "pc/x/e"));
  stat2("renamed over", sb, "pc/x/e/f", E_OK, 3);
  stat2("renamed away", sb, "pc/z/y/f", E_NOENT, 0);
  stat2("renamed away, from fd pc/z", z, "y/f", E_NOENT, 0);
  close_fd(a);
  close_fd(z);
  return check_done();
}
