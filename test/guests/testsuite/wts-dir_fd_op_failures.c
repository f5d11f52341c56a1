/* wasi-testsuite dir_fd_op_failures: fd_prestat_dir_name with a 0-length buffer fails
 * (INVAL or NAMETOOLONG) and a larger-than-needed buffer works; data calls on a directory fd fail
 * with ISDIR, BADF or NOTCAPABLE (fd_filestat_set_size also INVAL). fd_allocate is called with
 * (0,1) (wasm32-wasip1 layout) and (0,0) (older layout). */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  __wasi_filestat_t fs;
  if (CHECK_OK("fd_filestat_get(dir)", __wasi_fd_filestat_get(dir, &fs)))
    CHECK_EQ("filetype is DIRECTORY", fs.filetype, __WASI_FILETYPE_DIRECTORY);

  /* first preopen that is a directory, scanning from 3 until fd_prestat_get fails */
  __wasi_fd_t pr = (__wasi_fd_t)-1;
  size_t prlen = 0;
  for (__wasi_fd_t i = 3;; i++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(i, &ps) != 0) break;
    if (ps.tag == __WASI_PREOPENTYPE_DIR) { pr = i; prlen = ps.u.dir.pr_name_len; break; }
  }
  if (!CHECK("found a preopen directory", pr != (__wasi_fd_t)-1)) return check_done();
  static uint8_t name[600];
  /* Rust's empty Vec: a dangling, aligned, non-null pointer (here: 1) with length 0 */
  CHECK_ERRNO("fd_prestat_dir_name(pr, ptr=1, len=0)", raw_fd_prestat_dir_name((int32_t)pr, 1, 0), E_INVAL,
              __WASI_ERRNO_NAMETOOLONG);
  CHECK_ERRNO("fd_prestat_dir_name(pr, buf, len=0)", raw_fd_prestat_dir_name((int32_t)pr, PTR(name), 0), E_INVAL,
              __WASI_ERRNO_NAMETOOLONG);
  CHECK_OK("fd_prestat_dir_name(pr, buf, len+1)", raw_fd_prestat_dir_name((int32_t)pr, PTR(name), (int32_t)prlen + 1));

  static uint8_t rb[128], wb[128];
  __wasi_iovec_t iov = {rb, sizeof rb};
  __wasi_ciovec_t ciov = {wb, sizeof wb};
  __wasi_size_t n;
  __wasi_filesize_t off;
  CHECK_ERRNO("fd_read(dir)", __wasi_fd_read(dir, &iov, 1, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_pread(dir, 0)", __wasi_fd_pread(dir, &iov, 1, 0, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_write(dir)", __wasi_fd_write(dir, &ciov, 1, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_pwrite(dir, 0)", __wasi_fd_pwrite(dir, &ciov, 1, 0, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_seek(dir, 0, CUR)", __wasi_fd_seek(dir, 0, __WASI_WHENCE_CUR, &off), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_seek(dir, 0, SET)", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &off), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_seek(dir, 0, END)", __wasi_fd_seek(dir, 0, __WASI_WHENCE_END, &off), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_tell(dir)", __wasi_fd_tell(dir, &off), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_allocate(dir, 0, 1)", __wasi_fd_allocate(dir, 0, 1), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_allocate(dir, 0, 0) (older layout)", __wasi_fd_allocate(dir, 0, 0), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("fd_filestat_set_size(dir, 0)", __wasi_fd_filestat_set_size(dir, 0), E_ISDIR, E_INVAL, E_BADF, E_NOTCAP);

  /* the same calls on the preopen fd itself (not in the suite; same expectations) */
  CHECK_ERRNO("(extra) fd_read(preopen)", __wasi_fd_read(pr, &iov, 1, &n), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("(extra) fd_seek(preopen, 0, CUR)", __wasi_fd_seek(pr, 0, __WASI_WHENCE_CUR, &off), E_ISDIR, E_BADF, E_NOTCAP);
  CHECK_ERRNO("(extra) fd_tell(preopen)", __wasi_fd_tell(pr, &off), E_ISDIR, E_BADF, E_NOTCAP);
  return check_done();
}
