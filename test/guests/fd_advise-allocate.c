/* fd_advise accepts every advice value on a file and rejects an unknown one (EINVAL);
 * fd_allocate grows the file to offset+len (zero-filled) and never shrinks it; both need their
 * rights (a read-only fd cannot allocate); bad fds are EBADF. */
#include "check.h"

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = must_open("open file rw", sb, "file", 0, R_RW, 0);
  const char *names[] = {"NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"};
  for (int a = 0; a <= 5; a++) {
    char label[48];
    snprintf(label, sizeof label, "fd_advise %s", names[a]);
    CHECK_OK(label, __wasi_fd_advise(fd, 0, 11, (__wasi_advice_t)a));
  }
  CHECK_OK("fd_advise beyond EOF", __wasi_fd_advise(fd, 1000, 1000, __WASI_ADVICE_NORMAL));
  CHECK_ERRNO("fd_advise unknown advice 6", __wasi_fd_advise(fd, 0, 1, 6), E_INVAL);
  __wasi_filestat_t st;
  CHECK_OK("fd_allocate 0+100", __wasi_fd_allocate(fd, 0, 100));
  CHECK_OK("stat after allocate", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("size grew to 100", st.size, 100);
  CHECK_OK("fd_allocate 10+10 (inside)", __wasi_fd_allocate(fd, 10, 10));
  CHECK_OK("stat after inner allocate", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("size not shrunk", st.size, 100);
  CHECK_OK("fd_allocate 150+50", __wasi_fd_allocate(fd, 150, 50));
  CHECK_OK("stat after far allocate", __wasi_fd_filestat_get(fd, &st));
  CHECK_EQ("size is offset+len", st.size, 200);
  close_fd(fd);
  char buf[256];
  size_t len;
  CHECK_OK("read back", get_file(sb, "file", buf, sizeof buf, &len));
  int z = len == 200 && memcmp(buf, "hello file\n", 11) == 0;
  for (size_t i = 11; i < len; i++) z &= buf[i] == 0;
  CHECK("content kept and the rest zero", z);
  __wasi_fd_t ro = must_open("open read-only", sb, "etc/passwd", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_ADVISE, 0);
  CHECK_OK("fd_advise with the right", __wasi_fd_advise(ro, 0, 1, __WASI_ADVICE_RANDOM));
  CHECK_ERRNO("fd_allocate on a read-only fd", __wasi_fd_allocate(ro, 0, 100), E_NOTCAP, E_BADF);
  close_fd(ro);
  CHECK_OK("stat etc/passwd", __wasi_path_filestat_get(sb, 0, "etc/passwd", &st));
  CHECK_EQ("etc/passwd size unchanged", st.size, 14);
  __wasi_fd_t na = must_open("open without FD_ADVISE", sb, "etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0);
  CHECK_ERRNO("fd_advise without FD_ADVISE", __wasi_fd_advise(na, 0, 1, __WASI_ADVICE_NORMAL), E_NOTCAP);
  close_fd(na);
  CHECK_ERRNO("fd_advise on a bad fd", __wasi_fd_advise(999, 0, 1, __WASI_ADVICE_NORMAL), E_BADF);
  CHECK_ERRNO("fd_allocate on a bad fd", __wasi_fd_allocate(999, 0, 1), E_BADF);
  return check_done();
}
