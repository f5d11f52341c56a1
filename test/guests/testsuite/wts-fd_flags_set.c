/* wasi-testsuite fd_flags_set: with APPEND, writes go to the end whatever the offset; after
 * fd_fdstat_set_flags(0) a write at offset 0 overwrites; final size 200. */
#include "check.h"
#include "ts.h"

static void expect_bytes(const char *label, const uint8_t *b, uint8_t v, size_t n) {
  size_t i = 0;
  while (i < n && b[i] == v) i++;
  if (i == n) CHECK(label, 1);
  else { printf("FAIL %s: byte %zu is %u want %u\n", label, i, b[i], v); check_failures++; }
}

int main(int argc, char **argv) {
  __wasi_fd_t dir = ts_scratch(argc, argv);
  const char *name = "fd_flags_set_file.cleanup";
  __wasi_fd_t fd;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                      __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS;
  uint8_t data[100], buf[100];
  __wasi_size_t n;
  __wasi_filesize_t off;
  if (!CHECK_OK("path_open(CREAT, APPEND)", __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, r, 0, __WASI_FDFLAGS_APPEND, &fd)))
    return check_done();
  memset(data, 0, 100);
  if (CHECK_OK("write 100 x 0", ts_write(fd, data, 100, &n))) CHECK_EQ("wrote 100", n, 100);
  CHECK_OK("seek 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  memset(buf, 0xee, 100);
  if (CHECK_OK("read 100", ts_read(fd, buf, 100, &n))) { CHECK_EQ("read 100", n, 100); expect_bytes("bytes 0..99 are 0", buf, 0, 100); }
  memset(data, 1, 100);
  CHECK_OK("seek 0 (append mode)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  if (CHECK_OK("write 100 x 1", ts_write(fd, data, 100, &n))) CHECK_EQ("wrote 100", n, 100);
  CHECK_OK("seek 100", __wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &off));
  memset(buf, 0xee, 100);
  if (CHECK_OK("read 100 at 100", ts_read(fd, buf, 100, &n))) { CHECK_EQ("read 100", n, 100); expect_bytes("bytes 100..199 are 1 (appended)", buf, 1, 100); }
  CHECK_OK("fd_fdstat_set_flags(0)", __wasi_fd_fdstat_set_flags(fd, 0));
  CHECK_OK("seek 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  memset(data, 2, 100);
  if (CHECK_OK("write 100 x 2", ts_write(fd, data, 100, &n))) CHECK_EQ("wrote 100", n, 100);
  CHECK_OK("seek 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  memset(buf, 0xee, 100);
  if (CHECK_OK("read 100 at 0", ts_read(fd, buf, 100, &n))) { CHECK_EQ("read 100", n, 100); expect_bytes("bytes 0..99 are 2 (overwritten)", buf, 2, 100); }
  CHECK_OK("fd_close", __wasi_fd_close(fd));
  __wasi_filestat_t st;
  if (CHECK_OK("path_filestat_get", __wasi_path_filestat_get(dir, 0, name, &st))) CHECK_EQ("size 200", st.size, 200);
  CHECK_OK("path_unlink_file", __wasi_path_unlink_file(dir, name));
  return check_done();
}
