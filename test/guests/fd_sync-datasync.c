/* fd_sync / fd_datasync: succeed on a written file and on a directory (fsync of the directory
 * makes renames durable); need their rights; bad fds are EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  CHECK_OK("create synced", open_at(sb, 0, "synced", __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  CHECK_OK("write", write_str(fd, "durable"));
  CHECK_OK("fd_datasync file", __wasi_fd_datasync(fd));
  CHECK_OK("fd_sync file", __wasi_fd_sync(fd));
  close_fd(fd);
  CHECK_OK("rename synced -> final", __wasi_path_rename(sb, "synced", sb, "final"));
  CHECK_OK("fd_sync the directory", __wasi_fd_sync(sb));
  __wasi_fd_t d = must_open("open dir a", sb, "a", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_OK("fd_sync a subdirectory", __wasi_fd_sync(d));
  close_fd(d);
  __wasi_fd_t ro = must_open("open without sync rights", sb, "file", 0, __WASI_RIGHTS_FD_READ, 0);
  CHECK_ERRNO("fd_sync without FD_SYNC", __wasi_fd_sync(ro), E_NOTCAP);
  CHECK_ERRNO("fd_datasync without FD_DATASYNC", __wasi_fd_datasync(ro), E_NOTCAP);
  close_fd(ro);
  char buf[32];
  size_t len;
  CHECK_OK("read final", get_file(sb, "final", buf, sizeof buf, &len));
  CHECK_STR("final content", buf, len, "durable");
  CHECK_ERRNO("fd_sync a bad fd", __wasi_fd_sync(999), E_BADF);
  CHECK_ERRNO("fd_datasync a bad fd", __wasi_fd_datasync(999), E_BADF);
  return check_done();
}
