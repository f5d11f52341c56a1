/* wasi-testsuite symlink_filestat: the dir has PATH_FILESTAT_GET; a new file (CREAT,
 * READ|WRITE|PATH_FILESTAT_GET) has size 0; path_filestat_set_times(nofollow, "symlink", mtim =
 * symlink mtim - 200 ns, MTIM) succeeds and the symlink's mtim is then exactly that (newest suite;
 * wasmtime: within FS_TIME_PRECISION, default 100 ns) while the file's mtim is unchanged; a FOLLOW
 * stat of the link shows the file's mtim; set_times(FOLLOW, "symlink", old symlink mtim) sets the
 * file's mtim to it. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  __wasi_fd_t d = ts_create_tmp_dir(base, "symlink_filestat_dir.cleanup");
  __wasi_fdstat_t ds;
  CHECK_OK("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(d, &ds));
  CHECK("dir has PATH_FILESTAT_GET", ds.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_GET);
  __wasi_fd_t f = (__wasi_fd_t)-1;
  CHECK_OK("create file", __wasi_path_open(d, 0, "file", __WASI_OFLAGS_CREAT,
                                           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, 0, &f));
  CHECK("fd > 2", f > 2);
  __wasi_filestat_t fst, sst, m, u, ds2, nf;
  CHECK_OK("stat file", __wasi_path_filestat_get(d, 0, "file", &fst));
  CHECK_EQ("file size 0", fst.size, 0);
  CHECK_OK("symlink file -> symlink", __wasi_path_symlink("file", d, "symlink"));
  CHECK_OK("stat symlink (nofollow)", __wasi_path_filestat_get(d, 0, "symlink", &sst));
  uint64_t newm = sst.mtim - 200;
  CHECK_OK("set_times(nofollow, symlink, mtim-200)", __wasi_path_filestat_set_times(d, 0, "symlink", 0, newm, __WASI_FSTFLAGS_MTIM));
  CHECK_OK("stat symlink again", __wasi_path_filestat_get(d, 0, "symlink", &m));
  CHECK_EQ("symlink mtim changed exactly", m.mtim, newm);
  CHECK_OK("stat file again", __wasi_path_filestat_get(d, 0, "file", &u));
  CHECK_EQ("file mtim unchanged", u.mtim, fst.mtim);
  CHECK_OK("stat symlink (FOLLOW)", __wasi_path_filestat_get(d, LF_FOLLOW, "symlink", &ds2));
  CHECK_EQ("followed mtim is the file's", ds2.mtim, fst.mtim);
  CHECK_OK("set_times(FOLLOW, symlink, old symlink mtim)",
           __wasi_path_filestat_set_times(d, LF_FOLLOW, "symlink", 0, sst.mtim, __WASI_FSTFLAGS_MTIM));
  CHECK_OK("stat file", __wasi_path_filestat_get(d, 0, "file", &nf));
  CHECK_EQ("file mtim set through the link", nf.mtim, sst.mtim);
  CHECK_OK("close file", __wasi_fd_close(f));
  CHECK_OK("unlink symlink", __wasi_path_unlink_file(d, "symlink"));
  CHECK_OK("unlink file", __wasi_path_unlink_file(d, "file"));
  ts_remove_tmp_dir(base, d, "symlink_filestat_dir.cleanup");
  return check_done();
}
