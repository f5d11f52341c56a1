/* wasi-testsuite file_pread_pwrite: pwrite/pread at offsets, with one and two iovecs; pread past
 * the data returns what is there; pwrite at 2 overwrites. */
#include "check.h"
#include "ts.h"

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "file_pread_pwrite_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  __wasi_fd_t fd;
  __wasi_size_t n;
  if (!CHECK_OK("path_open(file, CREAT, READ|SEEK|WRITE)",
                __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT,
                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd)))
    return check_done();
  CHECK("fd > 2", fd > 2);
  const uint8_t c[4] = {0, 1, 2, 3};
  __wasi_ciovec_t cv = {c, 4};
  if (CHECK_OK("pwrite 4 @0", __wasi_fd_pwrite(fd, &cv, 1, 0, &n))) CHECK_EQ("nwritten 4", n, 4);
  uint8_t r[4] = {9, 9, 9, 9};
  __wasi_iovec_t iv = {r, 4};
  if (CHECK_OK("pread 4 @0", __wasi_fd_pread(fd, &iv, 1, 0, &n))) {
    CHECK_EQ("nread 4", n, 4);
    CHECK("contents 0,1,2,3", memcmp(r, c, 4) == 0);
  }
  /* write through 2 iovecs, looping on short writes */
  size_t offset = 0;
  for (int guard = 0; guard < 10; guard++) {
    __wasi_ciovec_t v[2];
    int k = 0;
    size_t rem = 4 - offset;
    if (rem > 2) { v[k].buf = c + offset; v[k].buf_len = 2; k++; rem -= 2; }
    v[k].buf = c + 4 - rem; v[k].buf_len = rem; k++;
    if (!CHECK_OK("pwrite 2 iovecs", __wasi_fd_pwrite(fd, v, k, offset, &n))) break;
    offset += n;
    if (offset == 4) break;
  }
  CHECK_EQ("pwrite total 4", offset, 4);
  uint8_t all[4] = {9, 9, 9, 9};
  offset = 0;
  for (int guard = 0; guard < 10; guard++) {
    uint8_t b[4] = {0};
    __wasi_iovec_t v[2] = {{b, 2}, {b + 2, 2}};
    if (!CHECK_OK("pread 2 iovecs", __wasi_fd_pread(fd, v, 2, offset, &n))) break;
    if (n == 0) break;
    if (offset + n > 4) { CHECK("pread does not return more than the file", 0); break; }
    memcpy(all + offset, b, n);
    offset += n;
  }
  CHECK_EQ("pread total 4", offset, 4);
  CHECK("contents 0,1,2,3 (2 iovecs)", memcmp(all, c, 4) == 0);
  uint8_t r2[4] = {0, 0, 0, 0};
  __wasi_iovec_t iv2 = {r2, 4};
  if (CHECK_OK("pread 4 @2", __wasi_fd_pread(fd, &iv2, 1, 2, &n))) {
    CHECK_EQ("nread 2", n, 2);
    CHECK("contents 2,3,0,0", r2[0] == 2 && r2[1] == 3 && r2[2] == 0 && r2[3] == 0);
  }
  const uint8_t w2[2] = {1, 0};
  __wasi_ciovec_t cv2 = {w2, 2};
  if (CHECK_OK("pwrite 2 @2", __wasi_fd_pwrite(fd, &cv2, 1, 2, &n))) CHECK_EQ("nwritten 2", n, 2);
  uint8_t r3[4] = {9, 9, 9, 9};
  __wasi_iovec_t iv3 = {r3, 4};
  if (CHECK_OK("pread 4 @0", __wasi_fd_pread(fd, &iv3, 1, 0, &n))) {
    CHECK_EQ("nread 4", n, 4);
    CHECK("contents 0,1,1,0", r3[0] == 0 && r3[1] == 1 && r3[2] == 1 && r3[3] == 0);
  }
  /* (extra) the fd offset was never moved by pread/pwrite */
  __wasi_filesize_t t = 99;
  __wasi_errno_t te = __wasi_fd_tell(fd, &t);
  CHECK_ERRNO("(extra) fd_tell without FD_TELL right", te, E_OK, E_NOTCAP);
  if (te == 0) CHECK_EQ("(extra) pread/pwrite left the offset at 0", t, 0);
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, "file"));
  ts_remove_tmp_dir(base, dir, dname);
  return check_done();
}
