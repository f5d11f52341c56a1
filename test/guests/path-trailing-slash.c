/* Trailing slashes (battery NM-04): "file/", "file//", "file/.", "file/..", "file/../file" fail with
 * ENOTDIR in path_open, path_filestat_get, path_unlink_file, path_rename (both sides),
 * path_create_directory, path_remove_directory, path_link, path_symlink and path_readlink;
 * a slash that comes from a symlink target (tslash -> evil/) never escapes; "a/", "a//" work; the
 * file is still there afterwards. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  uint8_t buf[64];
  __wasi_size_t used;
  const char *paths[] = {"file/", "file//", "file/.", "file/..", "file/../file", "relsym/"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    const char *p = paths[i];
    char label[96];
#define L(what) (snprintf(label, sizeof label, "%s \"%s\"", what, p), label)
    CHECK_ERRNO(L("open"), open_at(sb, LF_FOLLOW, p, 0, R_RD, 0, &fd), E_NOTDIR);
    CHECK_ERRNO(L("open CREAT"), open_at(sb, LF_FOLLOW, p, __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOTDIR, E_ISDIR);
    CHECK_ERRNO(L("filestat follow"), __wasi_path_filestat_get(sb, LF_FOLLOW, p, &st), E_NOTDIR);
    CHECK_ERRNO(L("filestat nofollow"), __wasi_path_filestat_get(sb, 0, p, &st), E_NOTDIR);
    CHECK_ERRNO(L("unlink"), __wasi_path_unlink_file(sb, p), E_NOTDIR);
    CHECK_ERRNO(L("rmdir"), __wasi_path_remove_directory(sb, p), E_NOTDIR);
    CHECK_ERRNO(L("mkdir"), __wasi_path_create_directory(sb, p), E_NOTDIR, E_EXIST);
    CHECK_ERRNO(L("rename from"), __wasi_path_rename(sb, p, sb, "renamed"), E_NOTDIR);
    CHECK_ERRNO(L("rename to"), __wasi_path_rename(sb, "etc/passwd", sb, p), E_NOTDIR, E_EXIST);
    CHECK_ERRNO(L("link from"), __wasi_path_link(sb, 0, p, sb, "linked"), E_NOTDIR);
    CHECK_ERRNO(L("symlink at"), __wasi_path_symlink("target", sb, p), E_NOTDIR); /* wasi-testsuite: not EEXIST */
    CHECK_ERRNO(L("readlink"), __wasi_path_readlink(sb, p, buf, sizeof buf, &used), E_NOTDIR);
#undef L
  }
  CHECK_OK("file is still a regular file", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ("file size", st.size, 11);
  CHECK_ERRNO("renamed does not exist", __wasi_path_filestat_get(sb, 0, "renamed", &st), E_NOENT);
  CHECK_ERRNO("linked does not exist", __wasi_path_filestat_get(sb, 0, "linked", &st), E_NOENT);
  /* new names with a trailing slash where nothing exists yet */
  CHECK_ERRNO("create \"nf/\"", open_at(sb, 0, "nf/", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_NOTDIR, E_ISDIR, E_NOENT);
  CHECK_ERRNO("nf/ created nothing", __wasi_path_filestat_get(sb, 0, "nf", &st), E_NOENT);
  CHECK_OK("mkdir \"nd/\"", __wasi_path_create_directory(sb, "nd/"));
  CHECK_OK("rmdir \"nd//\"", __wasi_path_remove_directory(sb, "nd//"));
  /* directories accept trailing slashes */
  CHECK_OK("stat \"a/\"", __wasi_path_filestat_get(sb, 0, "a/", &st));
  CHECK_EQ("a/ is a directory", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("stat \"a//b//\"", __wasi_path_filestat_get(sb, 0, "a//b//", &st));
  CHECK_OK("stat \"reletc/\" (link to a dir, slash follows it)", __wasi_path_filestat_get(sb, 0, "reletc/", &st));
  CHECK_EQ("reletc/ is the directory etc", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_OK("rename dir \"a/\" -> \"a2/\"", __wasi_path_rename(sb, "a/", sb, "a2/"));
  CHECK_OK("stat a2/b", __wasi_path_filestat_get(sb, 0, "a2/b", &st));
  /* the slash inside a link target: tslash -> evil/ (-> outside) */
  CHECK_ERRNO("stat tslash follow", __wasi_path_filestat_get(sb, LF_FOLLOW, "tslash", &st), E_NOTCAP);
  CHECK_ERRNO("stat \"tslash/\"", __wasi_path_filestat_get(sb, 0, "tslash/", &st), E_NOTCAP);
  CHECK_ERRNO("open \"tslash/\" DIRECTORY", open_at(sb, 0, "tslash/", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd), E_NOTCAP);
  CHECK_ERRNO("mkdir \"tslash/x\"", __wasi_path_create_directory(sb, "tslash/x"), E_NOTCAP);
  CHECK_ERRNO("unlink \"tslash/secret\"", __wasi_path_unlink_file(sb, "tslash/secret"), E_NOTCAP);
  CHECK_ERRNO("rmdir \"tslash/dir\"", __wasi_path_remove_directory(sb, "tslash/dir"), E_NOTCAP);
  CHECK_ERRNO("rename file -> \"tslash/stolen\"", __wasi_path_rename(sb, "file", sb, "tslash/stolen"), E_NOTCAP);
  CHECK_ERRNO("rename \"tslash/secret\" -> got", __wasi_path_rename(sb, "tslash/secret", sb, "got"), E_NOTCAP);
  CHECK_ERRNO("open \"tslash/secret\" for writing", open_at(sb, 0, "tslash/secret", 0, R_RW, 0, &fd), E_NOTCAP);
  return check_done();
}
