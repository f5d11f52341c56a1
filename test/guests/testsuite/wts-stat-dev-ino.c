/* wasi-testsuite stat-dev-ino: fstat of "file" and "lseek.txt" (same directory): same st_dev,
 * different st_ino. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void) {
  int a = open(P("file"), O_RDONLY), b = open(P("lseek.txt"), O_RDONLY);
  CHECK("open file", a != -1);
  CHECK("open lseek.txt", b != -1);
  struct stat sa, sb;
  CHECK("fstat a", fstat(a, &sa) == 0);
  CHECK("fstat b", fstat(b, &sb) == 0);
  CHECK("same st_dev", sa.st_dev == sb.st_dev);
  CHECK("different st_ino", sa.st_ino != sb.st_ino);
  return check_done();
}
