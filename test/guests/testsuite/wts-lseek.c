/* wasi-testsuite lseek: fopen("lseek.txt" = "01234567"), fread 4 then fflush: lseek(CUR) == 4;
 * fread 1 ('4'), fflush: lseek(CUR) == 5; lseek(0, SET) == 0; lseek(0, END) == 8. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <unistd.h>
#include <stdio.h>
int main(void) {
  FILE *f = fopen(P("lseek.txt"), "r");
  if (!CHECK("fopen lseek.txt", f != NULL)) return check_done();
  int fd = fileno(f);
  char buf[4];
  CHECK_EQ("fread 4", fread(buf, 1, 4, f), 4);
  fflush(f);
  CHECK_EQ("lseek CUR == 4", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
  CHECK_EQ("fread 1", fread(buf, 1, 1, f), 1);
  fflush(f);
  CHECK_EQ("lseek CUR == 5", (uint64_t)lseek(fd, 0, SEEK_CUR), 5);
  CHECK_EQ("byte is '4'", buf[0], '4');
  CHECK_EQ("lseek SET 0", (uint64_t)lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ("lseek END == 8", (uint64_t)lseek(fd, 0, SEEK_END), 8);
  fclose(f);
  return check_done();
}
