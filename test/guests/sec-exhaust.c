/* Security battery RX-01 (FD exhaustion and churn) and RX-05 (oversized iovecs, offsets, sizes).
 * RX-01: open "file" until the guest fd table (or the host) refuses with EMFILE/ENFILE; close
 * everything; 8,000 cycles of open/read/close and open/write/close; the same number of opens
 * then succeeds again (nothing leaked), and other calls keep working at the cap.
 * RX-05: 10,000 iovecs, an iovec of 2^32-1 bytes, pread/pwrite at 2^63, a seek that overflows,
 * set_size 2^63 and an allocate of 2^63 bytes fail at once with an errno (named on the line). */
#include "check.h"

#define MAXOPEN 20000
static __wasi_fd_t fds[MAXOPEN];

static long fill(__wasi_fd_t s, unsigned *err) {
  long n = 0;
  *err = 0;
  while (n < MAXOPEN) {
    __wasi_errno_t e = open_at(s, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, &fds[n]);
    if (e) { *err = e; break; }
    n++;
  }
  return n;
}

static void unfill(long n) {
  for (long i = 0; i < n; i++) close_fd(fds[i]);
}

static void named(const char *label, unsigned e) {
  printf("%s %s: %s\n", e == 0 ? "FAIL" : "ok", label, errno_name(e));
  if (e == 0) check_failures++;
  fflush(stdout);
}

int main(void) {
  __wasi_fd_t s = need_preopen("/sandbox");
  unsigned e1, e2;
  long n1 = fill(s, &e1);
  CHECK("opening stops with EMFILE or ENFILE", e1 == __WASI_ERRNO_MFILE || e1 == __WASI_ERRNO_NFILE);
  __wasi_filestat_t st;
  CHECK_OK("stat works at the cap", __wasi_path_filestat_get(s, 0, "etc/passwd", &st));
  CHECK_OK("mkdir works at the cap", __wasi_path_create_directory(s, "atcap"));
  CHECK_OK("rmdir works at the cap", __wasi_path_remove_directory(s, "atcap"));
  unfill(n1);
  int churn_ok = 1;
  for (int i = 0; i < 8000 && churn_ok; i++) {
    char buf[32];
    size_t len;
    if (get_file(s, "file", buf, sizeof buf, &len) != 0 || len == 0) churn_ok = 0;
    if (put_file(s, "churn", "churn\n") != 0) churn_ok = 0;
  }
  CHECK("8,000 open/read/close + open/write/close cycles", churn_ok);
  long n2 = fill(s, &e2);
  CHECK("the same number of opens succeeds again (no leak)", n2 == n1);
  unfill(n2);

  __wasi_fd_t f;
  if (open_at(s, 0, "big", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
              __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE |
              __WASI_RIGHTS_FD_FILESTAT_GET, 0, &f) != 0) {
    printf("FAIL open big\n");
    return 100;
  }
  static __wasi_ciovec_t iovs[10000];
  static uint8_t one = 'x';
  for (int i = 0; i < 10000; i++) { iovs[i].buf = &one; iovs[i].buf_len = 1; }
  int32_t n = 0;
  named("fd_write with 10,000 iovecs", (unsigned)raw_fd_write((int32_t)f, PTR(iovs), 10000, PTR(&n)));
  named("fd_read with 10,000 iovecs", (unsigned)raw_fd_read((int32_t)f, PTR(iovs), 10000, PTR(&n)));
  __wasi_ciovec_t huge = {&one, 0xffffffffu};
  named("fd_write of an iovec of 2^32-1 bytes", (unsigned)raw_fd_write((int32_t)f, PTR(&huge), 1, PTR(&n)));
  named("fd_read into an iovec of 2^32-1 bytes", (unsigned)raw_fd_read((int32_t)f, PTR(&huge), 1, PTR(&n)));
  __wasi_ciovec_t small = {&one, 1};
  named("fd_pread at 2^63", (unsigned)raw_fd_pread((int32_t)f, PTR(&small), 1, (int64_t)0x8000000000000000ull, PTR(&n)));
  named("fd_pwrite at 2^63", (unsigned)raw_fd_pwrite((int32_t)f, PTR(&small), 1, (int64_t)0x8000000000000000ull, PTR(&n)));
  named("fd_pwrite ending past 2^63-1", (unsigned)raw_fd_pwrite((int32_t)f, PTR(&small), 1, (int64_t)0x7fffffffffffffffll, PTR(&n)));
  __wasi_filesize_t pos = 0;
  CHECK_OK("seek to 10", __wasi_fd_seek(f, 10, __WASI_WHENCE_SET, &pos));
  named("seek past 2^63-1", (unsigned)__wasi_fd_seek(f, 0x7fffffffffffffffll, __WASI_WHENCE_CUR, &pos));
  named("seek before 0", (unsigned)__wasi_fd_seek(f, -11, __WASI_WHENCE_CUR, &pos));
  CHECK_OK("tell is unchanged", __wasi_fd_tell(f, &pos));
  CHECK_EQ("offset still 10", pos, 10);
  named("set_size 2^63", (unsigned)__wasi_fd_filestat_set_size(f, 0x8000000000000000ull));
  named("allocate 2^63 bytes", (unsigned)__wasi_fd_allocate(f, 0, 0x8000000000000000ull));
  named("allocate at 2^63-1 + 1 byte", (unsigned)__wasi_fd_allocate(f, 0x7fffffffffffffffull, 2));
  CHECK_OK("filestat after the abuse", __wasi_fd_filestat_get(f, &st));
  CHECK_EQ("the file is still small", st.size < 4096, 1);
  close_fd(f);
  CHECK_OK("unlink big", __wasi_path_unlink_file(s, "big"));
  return check_done();
}
