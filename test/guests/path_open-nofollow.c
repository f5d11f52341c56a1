/* Final-component symlink handling in path_open (battery SL-05..SL-07): without SYMLINK_FOLLOW a
 * final symlink is ELOOP (with DIRECTORY: ELOOP or ENOTDIR), intermediate symlinks are always
 * followed, with SYMLINK_FOLLOW relsym opens etc/passwd; loops are ELOOP; a 40-link chain resolves
 * and a 41-link chain is ELOOP; creating through dangling links never creates the outside target. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  char buf[64];
  size_t len = 0;
  __wasi_filestat_t st;

  CHECK_ERRNO("relsym nofollow", open_at(sb, 0, "relsym", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("reletc DIRECTORY nofollow", open_at(sb, 0, "reletc", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd), E_LOOP, E_NOTDIR);
  CHECK_OK("reletc/passwd nofollow (intermediate link followed)", open_at(sb, 0, "reletc/passwd", 0, R_RD, 0, &fd));
  CHECK_OK("read reletc/passwd", read_all(fd, buf, sizeof buf, &len));
  CHECK_STR("reletc/passwd content", buf, len, "inside-passwd\n");
  close_fd(fd);
  CHECK_OK("relsym follow", open_at(sb, LF_FOLLOW, "relsym", 0, R_RD, 0, &fd));
  CHECK_OK("read relsym", read_all(fd, buf, sizeof buf, &len));
  CHECK_STR("relsym content", buf, len, "inside-passwd\n");
  close_fd(fd);
  CHECK_OK("reletc DIRECTORY follow", open_at(sb, LF_FOLLOW, "reletc", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fd));
  CHECK_OK("passwd relative to the reletc fd", get_file(fd, "passwd", buf, sizeof buf, &len));
  CHECK_STR("passwd via reletc fd", buf, len, "inside-passwd\n");
  close_fd(fd);
  CHECK_ERRNO("loop follow", open_at(sb, LF_FOLLOW, "loop", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("loop nofollow", open_at(sb, 0, "loop", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("l1 follow", open_at(sb, LF_FOLLOW, "l1", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("loop/x", open_at(sb, 0, "loop/x", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("dangling nofollow", open_at(sb, 0, "dangling", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_ERRNO("dangling follow", open_at(sb, LF_FOLLOW, "dangling", 0, R_RD, 0, &fd), E_NOTCAP);

  /* chain c0 -> c1 -> ... -> c40 -> file: opening cK takes 41-K expansions */
  int ok = 1;
  for (int i = 0; i <= 40; i++) {
    char name[8], target[8];
    snprintf(name, sizeof name, "c%d", i);
    if (i == 40) snprintf(target, sizeof target, "file");
    else snprintf(target, sizeof target, "c%d", i + 1);
    ok &= __wasi_path_symlink(target, sb, name) == 0;
  }
  CHECK("create chain c0..c40", ok);
  CHECK_OK("c1 follow (40 expansions)", open_at(sb, LF_FOLLOW, "c1", 0, R_RD, 0, &fd));
  close_fd(fd);
  CHECK_ERRNO("c0 follow (41 expansions)", open_at(sb, LF_FOLLOW, "c0", 0, R_RD, 0, &fd), E_LOOP);
  CHECK_OK("c40 follow (1 expansion)", open_at(sb, LF_FOLLOW, "c40", 0, R_RD, 0, &fd));
  close_fd(fd);

  /* SL-05: create through dangling links; T/outside/newfile and new2 must not appear */
  CHECK_ERRNO("CREAT dangling nofollow", open_at(sb, 0, "dangling", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_LOOP, E_EXIST, E_NOTCAP);
  CHECK_ERRNO("CREAT dangling follow", open_at(sb, LF_FOLLOW, "dangling", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_LOOP, E_EXIST, E_NOTCAP);
  CHECK_ERRNO("CREAT|EXCL dangling", open_at(sb, LF_FOLLOW, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd), E_EXIST, E_LOOP, E_NOTCAP);
  CHECK_ERRNO("CREAT d2 follow", open_at(sb, LF_FOLLOW, "d2", __WASI_OFLAGS_CREAT, R_RW, 0, &fd), E_LOOP, E_EXIST, E_NOTCAP);
  CHECK_ERRNO("CREAT|EXCL d2", open_at(sb, 0, "d2", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0, &fd), E_EXIST, E_LOOP, E_NOTCAP);
  CHECK_ERRNO("mkdir dangling", __wasi_path_create_directory(sb, "dangling"), E_EXIST);
  CHECK_ERRNO("mkdir d2", __wasi_path_create_directory(sb, "d2"), E_EXIST);
  CHECK_OK("dangling is still a symlink", __wasi_path_filestat_get(sb, 0, "dangling", &st));
  CHECK_EQ("dangling type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  /* an inside dangling link followed with CREAT creates its inside target */
  CHECK_OK("symlink inl -> made", __wasi_path_symlink("made", sb, "inl"));
  CHECK_OK("CREAT inl follow", open_at(sb, LF_FOLLOW, "inl", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_OK("made exists", __wasi_path_filestat_get(sb, 0, "made", &st));
  CHECK_EQ("made is a regular file", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  return check_done();
}
