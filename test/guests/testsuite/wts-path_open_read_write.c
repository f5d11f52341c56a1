/* wasi-testsuite path_open_read_write (newest suite; works directly in the scratch dir on
 * "file.cleanup"): read-only open (FD_READ) has FD_READ and no FD_WRITE, reads 0 bytes, fd_write
 * fails with BADF/NOTCAPABLE/ACCES; write-only open (FD_WRITE) has FD_WRITE and no FD_READ, fd_read
 * fails the same way, writes 50 bytes; read-write open (FD_READ|FD_WRITE|FD_FILESTAT_GET) has both,
 * reads the 50 bytes, writes 25 more, fd_filestat_get size 75. (wasmtime's variant wants PERM or
 * BADF for the refused calls; the spec's answer to a missing right is NOTCAPABLE.) */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t d = ts_scratch(argc, argv);
  const char *name = "file.cleanup";
  ts_create_file(d, name);
  __wasi_fd_t f = (__wasi_fd_t)-1;
  __wasi_fdstat_t st;
  uint8_t buf[100];
  uint8_t w1[50], w2[25];
  memset(w1, 1, sizeof w1);
  memset(w2, 2, sizeof w2);
  __wasi_size_t n;
  __wasi_errno_t e;

  CHECK_OK("open read-only (FD_READ)", __wasi_path_open(d, 0, name, 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  CHECK_OK("fdstat read-only", __wasi_fd_fdstat_get(f, &st));
  CHECK("read-only has FD_READ", st.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK("read-only lacks FD_WRITE", !(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK_OK("fd_read read-only", ts_read(f, buf, sizeof buf, &n));
  CHECK_EQ("read-only file is empty", n, 0);
  e = ts_write(f, w1, sizeof w1, &n);
  CHECK_ERRNO("fd_write on read-only", e, E_BADF, E_NOTCAP, E_ACCES);
  CHECK_OK("close read-only", __wasi_fd_close(f));

  CHECK_OK("open write-only (FD_WRITE)", __wasi_path_open(d, 0, name, 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &f));
  CHECK_OK("fdstat write-only", __wasi_fd_fdstat_get(f, &st));
  CHECK("write-only lacks FD_READ", !(st.fs_rights_base & __WASI_RIGHTS_FD_READ));
  CHECK("write-only has FD_WRITE", st.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  e = ts_read(f, buf, sizeof buf, &n);
  CHECK_ERRNO("fd_read on write-only", e, E_BADF, E_NOTCAP, E_ACCES);
  CHECK_OK("fd_write write-only", ts_write(f, w1, sizeof w1, &n));
  CHECK_EQ("wrote 50", n, 50);
  CHECK_OK("close write-only", __wasi_fd_close(f));

  __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET;
  CHECK_OK("open read-write", __wasi_path_open(d, 0, name, 0, rw, 0, 0, &f));
  CHECK_OK("fdstat read-write", __wasi_fd_fdstat_get(f, &st));
  CHECK("read-write has FD_READ", st.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK("read-write has FD_WRITE", st.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  CHECK_OK("fd_read read-write", ts_read(f, buf, sizeof buf, &n));
  CHECK_EQ("read 50 written by write-only", n, 50);
  CHECK_OK("fd_write read-write", ts_write(f, w2, sizeof w2, &n));
  CHECK_EQ("wrote 25", n, 25);
  __wasi_filestat_t fs;
  if (CHECK_OK("fd_filestat_get read-write", __wasi_fd_filestat_get(f, &fs))) CHECK_EQ("size 75", fs.size, 75);
  CHECK_OK("close read-write", __wasi_fd_close(f));
  CHECK_OK("unlink", __wasi_path_unlink_file(d, name));
  return check_done();
}
