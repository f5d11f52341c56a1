/* Paths are bytes with an explicit length: an embedded NUL is an error in every path-taking call
 * (EINVAL, EILSEQ or ENOENT), never a truncation to the bytes before it: "nd\0x" creates no "nd",
 * "file\0x" does not unlink "file", a symlink target with a NUL creates nothing. */
#include "check.h"

#define S(lit) PTR(lit), (int32_t)(sizeof(lit) - 1)
#define E_NUL E_INVAL, E_ILSEQ, E_NOENT

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  static __wasi_fd_t fd;
  static __wasi_filestat_t st;
  static uint8_t buf[64];
  static __wasi_size_t used;
  CHECK_ERRNO("open \"file\\0\"", raw_path_open(sb, 0, S("file\0"), 0, R_RD, 0, 0, PTR(&fd)), E_NUL);
  CHECK_ERRNO("open \"\\0\"", raw_path_open(sb, 0, S("\0"), 0, R_RD, 0, 0, PTR(&fd)), E_NUL);
  CHECK_ERRNO("open \"a\\0/../../etc\"", raw_path_open(sb, 0, S("a\0/../../etc"), __WASI_OFLAGS_DIRECTORY, R_DIR, 0, 0, PTR(&fd)), E_NUL);
  CHECK_ERRNO("open CREAT \"new\\0x\"", raw_path_open(sb, 0, S("new\0x"), __WASI_OFLAGS_CREAT, R_RW, 0, 0, PTR(&fd)), E_NUL);
  CHECK_ERRNO("new was not created", __wasi_path_filestat_get(sb, 0, "new", &st), E_NOENT);
  CHECK_ERRNO("mkdir \"nd\\0x\"", raw_path_create_directory(sb, S("nd\0x")), E_NUL);
  CHECK_ERRNO("nd was not created", __wasi_path_filestat_get(sb, 0, "nd", &st), E_NOENT);
  CHECK_ERRNO("unlink \"file\\0x\"", raw_path_unlink_file(sb, S("file\0x")), E_NUL);
  CHECK_OK("file still exists", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_ERRNO("rmdir \"a/b/c\\0\"", raw_path_remove_directory(sb, S("a/b/c\0")), E_NUL);
  CHECK_OK("a/b/c still exists", __wasi_path_filestat_get(sb, 0, "a/b/c", &st));
  CHECK_ERRNO("stat \"file\\0\"", raw_path_filestat_get(sb, 0, S("file\0"), PTR(&st)), E_NUL);
  CHECK_ERRNO("set times \"file\\0\"", raw_path_filestat_set_times(sb, 0, S("file\0"), 1, 1, __WASI_FSTFLAGS_MTIM), E_NUL);
  CHECK_ERRNO("rename \"file\\0x\" -> y", raw_path_rename(sb, S("file\0x"), sb, S("y")), E_NUL);
  CHECK_ERRNO("rename file -> \"y\\0z\"", raw_path_rename(sb, S("file"), sb, S("y\0z")), E_NUL);
  CHECK_ERRNO("y was not created", __wasi_path_filestat_get(sb, 0, "y", &st), E_NOENT);
  CHECK_ERRNO("link \"file\\0\" -> h", raw_path_link(sb, 0, S("file\0"), sb, S("h")), E_NUL);
  CHECK_ERRNO("link file -> \"h\\0x\"", raw_path_link(sb, 0, S("file"), sb, S("h\0x")), E_NUL);
  CHECK_ERRNO("h was not created", __wasi_path_filestat_get(sb, 0, "h", &st), E_NOENT);
  CHECK_ERRNO("symlink target \"file\\0../../x\"", raw_path_symlink(S("file\0../../x"), sb, S("s")), E_NUL);
  CHECK_ERRNO("symlink at \"s\\0x\"", raw_path_symlink(S("file"), sb, S("s\0x")), E_NUL);
  CHECK_ERRNO("s was not created", __wasi_path_filestat_get(sb, 0, "s", &st), E_NOENT);
  CHECK_ERRNO("readlink \"relsym\\0\"", raw_path_readlink(sb, S("relsym\0"), PTR(buf), sizeof buf, PTR(&used)), E_NUL);
  return check_done();
}
