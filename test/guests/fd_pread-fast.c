/* fd_pread served from the façade's fast table (wfs_io_t.fast): a pread right after a pread on
 * the same regular file goes straight to the host FD, and every change in between must be seen:
 * a closed fd whose number is reused for another file or a directory, fd_renumber onto it,
 * rights taken away, a bad iovec or nread pointer, a huge or negative offset, an empty buffer,
 * data written through another fd, and the file unlinked while open. Runs of calls are made
 * before anything is printed: printing is a call into the core too. */
#include "check.h"

static __wasi_fd_t make(__wasi_fd_t sb, const char *name, const char *text) {
  __wasi_fd_t fd = must_open(name, sb, name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_RW, 0);
  write_str(fd, text);
  return fd;
}

/* pread of up to 15 bytes at `off` into a NUL-terminated buffer. */
static __wasi_errno_t pread_str(__wasi_fd_t fd, uint64_t off, char *buf, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, 15};
  memset(buf, 0, 16);
  return __wasi_fd_pread(fd, &iov, 1, off, n);
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  char buf[16];
  __wasi_size_t n = 0;
  close_fd(make(sb, "fast-a", "aaaa-file"));
  close_fd(make(sb, "fast-b", "bbbb-file"));
  CHECK_OK("mkdir dir", __wasi_path_create_directory(sb, "fast-dir"));

  /* the same fd, twice (the second one from the fast table) */
  __wasi_fd_t a = must_open("open a", sb, "fast-a", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, 0);
  /* a run of calls with nothing printed in between (printing is a call into the core) */
  char b2[16], b3[16], b4[16];
  __wasi_size_t n2 = 0, n3 = 0, n4 = 0, n5 = 0;
  __wasi_iovec_t empty = {(uint8_t *)buf, 0};
  __wasi_errno_t e1 = pread_str(a, 0, buf, &n);
  __wasi_errno_t e2 = pread_str(a, 5, b2, &n2);
  __wasi_errno_t e3 = pread_str(a, 100, b3, &n3);
  __wasi_errno_t e4 = pread_str(a, 1ull << 60, b4, &n4);
  __wasi_errno_t e5 = pread_str(a, (uint64_t)-1, b4, &n4);
  __wasi_errno_t e6 = __wasi_fd_pread(a, &empty, 1, 0, &n5);
  CHECK_OK("pread a", e1);
  CHECK_STR("a's bytes", buf, n, "aaaa-file");
  CHECK_OK("pread a again", e2);
  CHECK_STR("a's bytes at 5", b2, n2, "file");
  CHECK_OK("pread a past EOF", e3);
  CHECK_EQ("0 bytes past EOF", n3, 0);
  CHECK_OK("pread a at 2^60", e4);
  CHECK_EQ("0 bytes at 2^60", n4, 0);
  CHECK_ERRNO("pread a at a negative offset", e5, E_INVAL);
  CHECK_OK("pread 0 bytes", e6);
  CHECK_EQ("0 bytes read", n5, 0);

  /* bad pointers after a fast-path pread: EFAULT, nothing else */
  __wasi_iovec_t oob = {(uint8_t *)(uintptr_t)OOB_PTR, 8};
  __wasi_iovec_t iov = {(uint8_t *)buf, 4};
  e1 = pread_str(a, 0, buf, &n);
  e2 = __wasi_fd_pread(a, &oob, 1, 0, &n2);
  e3 = raw_fd_pread(a, OOB_PTR, 1, 0, PTR(&n2));
  e4 = raw_fd_pread(a, PTR(&iov), 1, 0, OOB_PTR);
  CHECK_OK("pread a (prime)", e1);
  CHECK_ERRNO("iovec buffer outside memory", e2, E_FAULT);
  CHECK_ERRNO("iovec array outside memory", e3, E_FAULT);
  CHECK_ERRNO("nread outside memory", e4, E_FAULT);

  /* the fd number reused for another file, then for a directory */
  CHECK_OK("pread a (prime)", pread_str(a, 0, buf, &n));
  close_fd(a);
  CHECK_ERRNO("pread a closed fd", pread_str(a, 0, buf, &n), E_BADF);
  __wasi_fd_t b = must_open("open b", sb, "fast-b", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  CHECK_EQ("b reuses a's number", b, a);
  CHECK_OK("pread b", pread_str(b, 0, buf, &n));
  CHECK_STR("b's bytes, not a's", buf, n, "bbbb-file");
  close_fd(b);
  __wasi_fd_t d = must_open("open dir", sb, "fast-dir", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_EQ("dir reuses the number", d, a);
  CHECK_ERRNO("pread a directory", pread_str(d, 0, buf, &n), E_ISDIR, E_NOTCAP);
  close_fd(d);

  /* fd_renumber onto an fd with a fast entry */
  __wasi_fd_t x = must_open("open a as x", sb, "fast-a", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  __wasi_fd_t y = must_open("open b as y", sb, "fast-b", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  CHECK_OK("pread y", pread_str(y, 0, buf, &n));
  CHECK_STR("y is b", buf, n, "bbbb-file");
  CHECK_OK("renumber x onto y", __wasi_fd_renumber(x, y));
  CHECK_OK("pread y after renumber", pread_str(y, 0, buf, &n));
  CHECK_STR("y is a now", buf, n, "aaaa-file");
  CHECK_ERRNO("x is gone", pread_str(x, 0, buf, &n), E_BADF);

  /* rights taken away after a fast-path pread */
  e1 = pread_str(y, 0, buf, &n);
  e2 = __wasi_fd_fdstat_set_rights(y, __WASI_RIGHTS_FD_SEEK, 0);
  e3 = pread_str(y, 0, buf, &n);
  CHECK_OK("pread y (prime)", e1);
  CHECK_OK("drop FD_READ", e2);
  CHECK_ERRNO("pread without FD_READ", e3, E_NOTCAP);
  close_fd(y);

  /* data written through another fd is seen; the file unlinked while open still reads */
  __wasi_fd_t r = must_open("open a to read", sb, "fast-a", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  CHECK_OK("pread a (prime)", pread_str(r, 0, buf, &n));
  __wasi_fd_t w = must_open("open a to write", sb, "fast-a", 0, R_RW, 0);
  __wasi_ciovec_t wv = {(const uint8_t *)"AAAA", 4};
  CHECK_OK("pwrite AAAA", __wasi_fd_pwrite(w, &wv, 1, 0, &n));
  close_fd(w);
  CHECK_OK("pread after the write", pread_str(r, 0, buf, &n));
  CHECK_STR("the new bytes", buf, n, "AAAA-file");
  CHECK_OK("pread again (fast)", pread_str(r, 0, buf, &n));
  CHECK_STR("the new bytes again", buf, n, "AAAA-file");
  CHECK_OK("unlink a", __wasi_path_unlink_file(sb, "fast-a"));
  CHECK_OK("pread an unlinked file", pread_str(r, 0, buf, &n));
  CHECK_STR("its bytes are still there", buf, n, "AAAA-file");
  close_fd(r);
  CHECK_OK("unlink b", __wasi_path_unlink_file(sb, "fast-b"));
  CHECK_OK("rmdir dir", __wasi_path_remove_directory(sb, "fast-dir"));
  return check_done();
}
