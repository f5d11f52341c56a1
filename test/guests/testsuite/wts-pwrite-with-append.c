/* wasi-testsuite pwrite-with-append (newest): open("pwrite.cleanup",
 * O_CREAT|O_TRUNC|O_WRONLY|O_APPEND); write 2; lseek(0,SET) == 0; write 2; lseek(CUR) == 4; pwrite
 * 3 at 0 == 3; lseek(CUR) still 4; lseek(END) is 4 (POSIX: pwrite at 0) or 7 (Linux: appends). The
 * older suite (fopen "a+", fwrite 4, pwrite 4 at 0) wanted END == 4 only (pwrite writes at 0
 * regardless of append). */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
int main(void) {
  char buf[4] = {'a', 'b', 'c', 'd'};
  int fd = open(P("pwrite.cleanup"), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND);
  if (!CHECK("open O_APPEND", fd != -1)) return check_done();
  CHECK_EQ("write 2", write(fd, buf, 2), 2);
  CHECK_EQ("lseek SET 0", (uint64_t)lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ("write 2", write(fd, buf, 2), 2);
  CHECK_EQ("lseek CUR == 4 (append)", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
  CHECK_EQ("pwrite 3 at 0", pwrite(fd, buf, 3, 0), 3);
  CHECK_EQ("lseek CUR still 4", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
  off_t end = lseek(fd, 0, SEEK_END);
  CHECK("lseek END is 4 or 7", end == 4 || end == 7);
  close(fd);
  /* older suite version */
  FILE *f = fopen(P("pwrite2.cleanup"), "a+");
  if (CHECK("old: fopen a+", f != NULL)) {
    int fd2 = fileno(f);
    CHECK_EQ("old: fwrite 4", fwrite(buf, 1, 4, f), 4);
    fflush(f);
    CHECK_EQ("old: pwrite 4 at 0", pwrite(fd2, buf, 4, 0), 4);
    fflush(f);
    /* the old version then wanted lseek(END) == 4 (pwrite ignoring append); Linux appends */
    fclose(f);
  }
  unlink(P("pwrite.cleanup"));
  unlink(P("pwrite2.cleanup"));
  return check_done();
}
