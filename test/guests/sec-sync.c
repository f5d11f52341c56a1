/* Security battery DS-01 (exact fsync mapping) and the workload of the O3 syscall audit
 * (test/security/audit.test.ts): exactly 3 fd_sync and 2 fd_datasync on a file and 1 fd_sync on a
 * directory (the audit counts one host fsync/fdatasync per call), then one of each mutating and
 * reading path call (create, write, rename, link, symlink, readlink, readdir, set_times, stat,
 * unlink, rmdir), so that every host syscall they make is audited. */
#include "check.h"

int main(void) {
  __wasi_fd_t s = need_preopen("/sandbox");
  CHECK_OK("mkdir s", __wasi_path_create_directory(s, "s"));
  __wasi_fd_t f;
  if (!CHECK_OK("create s/f", open_at(s, 0, "s/f", __WASI_OFLAGS_CREAT, RIGHTS_ALL & ~(__wasi_rights_t)0, 0, &f))) return check_done();
  CHECK_OK("write s/f", write_str(f, "durable\n"));
  for (int i = 0; i < 3; i++) CHECK_OK("fd_sync file", __wasi_fd_sync(f));
  for (int i = 0; i < 2; i++) CHECK_OK("fd_datasync file", __wasi_fd_datasync(f));
  close_fd(f);
  __wasi_fd_t d;
  if (CHECK_OK("open dir s", open_at(s, 0, "s", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &d))) {
    CHECK_OK("fd_sync directory", __wasi_fd_sync(d));
    static uint8_t buf[512];
    __wasi_size_t used;
    CHECK_OK("readdir s", __wasi_fd_readdir(d, buf, sizeof buf, 0, &used));
    close_fd(d);
  }
  CHECK_OK("rename s/f s/g", __wasi_path_rename(s, "s/f", s, "s/g"));
  CHECK_OK("link s/g s/h", __wasi_path_link(s, 0, "s/g", s, "s/h"));
  CHECK_OK("symlink g s/l", __wasi_path_symlink("g", s, "s/l"));
  char t[16];
  __wasi_size_t n;
  CHECK_OK("readlink s/l", __wasi_path_readlink(s, "s/l", (uint8_t *)t, sizeof t, &n));
  __wasi_filestat_t st;
  CHECK_OK("stat s/l follow", __wasi_path_filestat_get(s, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s/l", &st));
  CHECK_OK("set_times s/g", __wasi_path_filestat_set_times(s, 0, "s/g", 1, 2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  CHECK_OK("set_times s/l follow", __wasi_path_filestat_set_times(s, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s/l", 1, 2,
                                                                   __WASI_FSTFLAGS_MTIM));
  CHECK_OK("unlink s/l", __wasi_path_unlink_file(s, "s/l"));
  CHECK_OK("unlink s/h", __wasi_path_unlink_file(s, "s/h"));
  CHECK_OK("unlink s/g", __wasi_path_unlink_file(s, "s/g"));
  CHECK_OK("rmdir s", __wasi_path_remove_directory(s, "s"));
  return check_done();
}
