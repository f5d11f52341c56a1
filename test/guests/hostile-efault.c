/* Hostile pointers and lengths: every out-of-bounds pointer, pointer+length past the end of
 * linear memory, or struct straddling the end is EFAULT (and the host survives); an absurd iovec
 * count is an errno (EINVAL for a count above IOV_MAX that fits in memory; EFAULT or EINVAL when
 * the array itself does not fit); afterwards the guest carries on and the file is unchanged. */
#include "check.h"

#define MANY (1 << 17)
static __wasi_iovec_t many[MANY]; /* zero-length iovecs, all inside memory */

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  int32_t end = (int32_t)(__builtin_wasm_memory_size(0) * 65536u); /* first byte past memory */
  __wasi_fd_t f = must_open("open file rw", sb, "file", 0, R_RW, 0);
  static uint8_t buf[64];
  static __wasi_size_t n;
  static __wasi_iovec_t iov;
  static __wasi_filestat_t st;
  static char path[] = "file";

  CHECK_ERRNO("fd_write iovs out of bounds", raw_fd_write(f, OOB_PTR, 1, PTR(&n)), E_FAULT);
  iov.buf = (uint8_t *)(uintptr_t)OOB_PTR; iov.buf_len = 8;
  CHECK_ERRNO("fd_write iovec buffer out of bounds", raw_fd_write(f, PTR(&iov), 1, PTR(&n)), E_FAULT);
  iov.buf = buf; iov.buf_len = 0x7fffffff;
  CHECK_ERRNO("fd_write iovec length past the end", raw_fd_write(f, PTR(&iov), 1, PTR(&n)), E_FAULT);
  iov.buf = (uint8_t *)(uintptr_t)(end - 4); iov.buf_len = 8;
  CHECK_ERRNO("fd_write iovec straddling the end", raw_fd_write(f, PTR(&iov), 1, PTR(&n)), E_FAULT);
  iov.buf = (uint8_t *)(uintptr_t)OOB_PTR; iov.buf_len = 8;
  CHECK_ERRNO("fd_read into out-of-bounds memory", raw_fd_read(f, PTR(&iov), 1, PTR(&n)), E_FAULT);
  CHECK_ERRNO("fd_pread into out-of-bounds memory", raw_fd_pread(f, PTR(&iov), 1, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("fd_pwrite from out-of-bounds memory", raw_fd_pwrite(f, PTR(&iov), 1, 0, PTR(&n)), E_FAULT);
  iov.buf = buf; iov.buf_len = 4;
  CHECK_ERRNO("fd_read result pointer out of bounds", raw_fd_read(f, PTR(&iov), 1, OOB_PTR), E_FAULT);
  CHECK_ERRNO("fd_read iovs count past the end", raw_fd_read(f, PTR(&iov), 0x10000000, PTR(&n)), E_FAULT, E_INVAL);
  CHECK_ERRNO("fd_write iovs count past the end", raw_fd_write(f, PTR(&iov), 0x7fffffff, PTR(&n)), E_FAULT, E_INVAL);
  CHECK_ERRNO("fd_write 131072 iovecs (over IOV_MAX)", raw_fd_write(f, PTR(many), MANY, PTR(&n)), E_INVAL);
  CHECK_ERRNO("fd_read 131072 iovecs (over IOV_MAX)", raw_fd_read(f, PTR(many), MANY, PTR(&n)), E_INVAL);

  CHECK_ERRNO("path_open path pointer out of bounds", raw_path_open(sb, 0, OOB_PTR, 4, 0, R_RD, 0, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("path_open path length past the end", raw_path_open(sb, 0, PTR(path), 0x7fffffff, 0, R_RD, 0, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("path_open path straddling the end", raw_path_open(sb, 0, end - 2, 4, 0, R_RD, 0, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("path_open result pointer out of bounds", raw_path_open(sb, 0, PTR(path), 4, 0, R_RD, 0, 0, OOB_PTR), E_FAULT);
  CHECK_ERRNO("path_filestat_get result out of bounds", raw_path_filestat_get(sb, 0, PTR(path), 4, OOB_PTR), E_FAULT);
  CHECK_ERRNO("path_filestat_get result straddling the end", raw_path_filestat_get(sb, 0, PTR(path), 4, end - 16), E_FAULT);
  CHECK_ERRNO("path_create_directory path out of bounds", raw_path_create_directory(sb, OOB_PTR, 3), E_FAULT);
  CHECK_ERRNO("path_unlink_file path out of bounds", raw_path_unlink_file(sb, OOB_PTR, 4), E_FAULT);
  CHECK_ERRNO("path_rename new path out of bounds", raw_path_rename(sb, PTR(path), 4, sb, OOB_PTR, 4), E_FAULT);
  CHECK_ERRNO("path_symlink target out of bounds", raw_path_symlink(OOB_PTR, 4, sb, PTR("s1"), 2), E_FAULT);
  CHECK_ERRNO("path_readlink buffer out of bounds", raw_path_readlink(sb, PTR("relsym"), 6, OOB_PTR, 64, PTR(&n)), E_FAULT);
  CHECK_ERRNO("fd_readdir buffer out of bounds", raw_fd_readdir(sb, OOB_PTR, 256, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("fd_readdir buffer length past the end", raw_fd_readdir(sb, PTR(buf), 0x7fffffff, 0, PTR(&n)), E_FAULT);
  CHECK_ERRNO("fd_filestat_get result out of bounds", raw_fd_filestat_get(f, OOB_PTR), E_FAULT);
  CHECK_ERRNO("fd_fdstat_get result out of bounds", raw_fd_fdstat_get(f, OOB_PTR), E_FAULT);
  CHECK_ERRNO("fd_prestat_get result out of bounds", raw_fd_prestat_get(sb, OOB_PTR), E_FAULT);
  CHECK_ERRNO("fd_prestat_dir_name buffer out of bounds", raw_fd_prestat_dir_name(sb, OOB_PTR, 8), E_FAULT);
  CHECK_ERRNO("fd_seek result out of bounds", raw_fd_seek(f, 0, 0, OOB_PTR), E_FAULT);
  CHECK_ERRNO("fd_tell result out of bounds", raw_fd_tell(f, OOB_PTR), E_FAULT);
  CHECK_ERRNO("args_sizes_get out of bounds", raw_args_sizes_get(OOB_PTR, OOB_PTR), E_FAULT);
  CHECK_ERRNO("args_get out of bounds", raw_args_get(OOB_PTR, OOB_PTR), E_FAULT);
  CHECK_ERRNO("environ_sizes_get out of bounds", raw_environ_sizes_get(OOB_PTR, OOB_PTR), E_FAULT);
  CHECK_ERRNO("clock_time_get result out of bounds", raw_clock_time_get(1, 1, OOB_PTR), E_FAULT);
  CHECK_ERRNO("random_get buffer out of bounds", raw_random_get(OOB_PTR, 16), E_FAULT);
  CHECK_ERRNO("random_get length past the end", raw_random_get(PTR(buf), 0x7fffffff), E_FAULT);
  CHECK_ERRNO("poll_oneoff subscriptions out of bounds", raw_poll_oneoff(OOB_PTR, PTR(buf), 1, PTR(&n)), E_FAULT);
  CHECK_ERRNO("path_filestat_get on a bad fd and a bad pointer", raw_path_filestat_get(999, 0, OOB_PTR, 4, OOB_PTR), E_BADF, E_FAULT);

  /* still alive, nothing changed */
  CHECK_OK("stat file afterwards", __wasi_fd_filestat_get(f, &st));
  CHECK_EQ("file size unchanged", st.size, 11);
  CHECK_ERRNO("s1 was not created", __wasi_path_filestat_get(sb, 0, "s1", &st), E_NOENT);
  close_fd(f);
  char data[64];
  size_t len;
  CHECK_OK("read file", get_file(sb, "file", data, sizeof data, &len));
  CHECK_STR("file content unchanged", data, len, "hello file\n");
  return check_done();
}
