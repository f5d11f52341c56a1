/* fd_filestat_get / fd_filestat_set_size / fd_filestat_set_times on an open file: type, size and
 * nlink; growing fills with zeros and shrinking cuts; nanosecond times are kept; *_NOW; invalid
 * flag pairs are EINVAL; a read-only fd cannot change size; directories and stdio can be stat'ed;
 * a bad fd is EBADF. */
#include "check.h"

#define T1 1000000000123456789ull
#define T2 1234567890987654321ull

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st;
  char buf[256];
  size_t len;
  __wasi_fd_t fd = must_open("open file rw", sb, "file", 0, R_RW, 0);
  CHECK_OK("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ("size", st.size, 11);
  CHECK_EQ("nlink", st.nlink, 1);
  CHECK_OK("set_size 100", __wasi_fd_filestat_set_size(fd, 100));
  CHECK_OK("stat after grow", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("size after grow", st.size, 100);
  CHECK_OK("read grown file", get_file(sb, "file", buf, sizeof buf, &len));
  int zeros = len == 100;
  for (size_t i = 11; i < len; i++) zeros &= buf[i] == 0;
  CHECK("grown part reads as zeros", zeros && memcmp(buf, "hello file\n", 11) == 0);
  CHECK_OK("set_size 5", __wasi_fd_filestat_set_size(fd, 5));
  CHECK_OK("read shrunk file", get_file(sb, "file", buf, sizeof buf, &len));
  CHECK_STR("shrunk content", buf, len, "hello");
  CHECK_OK("set_size 0", __wasi_fd_filestat_set_size(fd, 0));
  CHECK_OK("stat after set_size 0", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("size 0", st.size, 0);

  CHECK_OK("set_times atim+mtim", __wasi_fd_filestat_set_times(fd, T1, T2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  CHECK_OK("stat after set_times", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("atim keeps nanoseconds", st.atim, T1);
  CHECK_EQ("mtim keeps nanoseconds", st.mtim, T2);
  CHECK_OK("set_times atim only", __wasi_fd_filestat_set_times(fd, T2, 0, __WASI_FSTFLAGS_ATIM));
  CHECK_OK("stat after atim only", __wasi_fd_filestat_get(fd, &st));
  CHECK("atim changed, mtim kept", st.atim == T2 && st.mtim == T2);
  __wasi_timestamp_t now = 0;
  CHECK_OK("clock realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
  CHECK_OK("set_times MTIM_NOW", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  CHECK_OK("stat after MTIM_NOW", __wasi_fd_filestat_get(fd, &st));
  CHECK("mtim is now (within 2 s)", st.mtim + 2000000000ull >= now && st.mtim <= now + 2000000000ull);
  CHECK_EQ("atim untouched by MTIM_NOW", st.atim, T2);
  CHECK_ERRNO("ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  CHECK_ERRNO("MTIM|MTIM_NOW", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
  close_fd(fd);

  __wasi_fd_t rd = must_open("open etc/passwd read-only", sb, "etc/passwd", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0);
  CHECK_ERRNO("set_size on a read-only fd", __wasi_fd_filestat_set_size(rd, 0), E_NOTCAP, E_BADF, E_INVAL);
  CHECK_ERRNO("set_times without the right", __wasi_fd_filestat_set_times(rd, T1, T1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), E_NOTCAP, E_BADF);
  CHECK_OK("stat etc/passwd", __wasi_fd_filestat_get(rd, &st));
  CHECK_EQ("etc/passwd size unchanged", st.size, 14);
  close_fd(rd);
  CHECK_OK("fd_filestat_get on the preopen", __wasi_fd_filestat_get(sb, &st));
  CHECK_EQ("preopen is a directory", st.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_ERRNO("set_size on a directory", __wasi_fd_filestat_set_size(sb, 0), E_ISDIR, E_BADF, E_NOTCAP, E_INVAL);
  CHECK_OK("fd_filestat_get on stdout", __wasi_fd_filestat_get(1, &st));
  CHECK_ERRNO("fd_filestat_get on a bad fd", __wasi_fd_filestat_get(999, &st), E_BADF);
  CHECK_ERRNO("set_size on a bad fd", __wasi_fd_filestat_set_size(999, 0), E_BADF);
  CHECK_ERRNO("set_times on a bad fd", __wasi_fd_filestat_set_times(999, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), E_BADF);
  return check_done();
}
