/* fd_prestat_get / fd_prestat_dir_name: preopens are numbered from 3 in the order given, each a
 * directory with its guest name ("/sandbox", "/ro"); the name is written without a NUL; unused
 * numbers are EBADF (wasi-libc's preopen scan stops at EBADF); stdio and opened files are not
 * preopens (EBADF, or EINVAL as uvwasi answers: the spec does not name the code). */
#include "check.h"

int main(void) {
  __wasi_prestat_t ps;
  char name[64];
  int count = 0;
  for (__wasi_fd_t fd = 3; fd < 16; fd++) {
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    count++;
    printf("fd %u: tag %u name_len %u\n", (unsigned)fd, (unsigned)ps.tag, (unsigned)ps.u.dir.pr_name_len);
    memset(name, '#', sizeof name);
    if (ps.u.dir.pr_name_len < sizeof name &&
        CHECK_OK("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len))) {
      printf("fd %u: name \"%.*s\"\n", (unsigned)fd, (int)ps.u.dir.pr_name_len, name);
      CHECK_EQ("no byte written past name_len", name[ps.u.dir.pr_name_len], '#');
    }
  }
  CHECK_EQ("two preopens", count, 2);
  CHECK_ERRNO("prestat of stdin", __wasi_fd_prestat_get(0, &ps), E_BADF, E_INVAL);
  CHECK_ERRNO("prestat of stdout", __wasi_fd_prestat_get(1, &ps), E_BADF, E_INVAL);
  CHECK_ERRNO("prestat of fd 5 (unused)", __wasi_fd_prestat_get(5, &ps), E_BADF);
  CHECK_ERRNO("prestat of fd 2^31-1", __wasi_fd_prestat_get(0x7fffffff, &ps), E_BADF);
  CHECK_ERRNO("dir_name of stdin", __wasi_fd_prestat_dir_name(0, (uint8_t *)name, sizeof name), E_BADF);
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd = must_open("open a", sb, "a", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  CHECK_ERRNO("prestat of an opened directory", __wasi_fd_prestat_get(fd, &ps), E_BADF, E_INVAL);
  close_fd(fd);
  fd = must_open("open file", sb, "file", 0, R_RD, 0);
  CHECK_ERRNO("prestat of an opened file", __wasi_fd_prestat_get(fd, &ps), E_BADF, E_INVAL);
  close_fd(fd);
  return check_done();
}
