/* wasi-testsuite fdopendir-with-access: open("fopendir.dir", O_RDONLY|O_DIRECTORY), fdopendir,
 * readdir: the only non-dot entries are file-0 and file-1, each d_ino equal to fstatat(dfd, name,
 * NOFOLLOW).st_ino, the two inodes differ; closedir. */
#define _POSIX_C_SOURCE 200809L /* before any libc header */
#include "check.h"
#include "ts.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <dirent.h>
int main(void) {
  int dfd = open(P("fopendir.dir"), O_RDONLY | O_DIRECTORY);
  int err = errno;
  if (!CHECK("open fopendir.dir O_DIRECTORY", dfd != -1)) { printf("  errno %d\n", err); return check_done(); }
  DIR *d = fdopendir(dfd);
  if (!CHECK("fdopendir", d != NULL)) return check_done();
  int seen[2] = {0, 0};
  ino_t ino[2] = {0, 0};
  struct dirent *dp;
  while ((dp = readdir(d)) != NULL) {
    if (dp->d_name[0] == '.') continue;
    int k = strncmp(dp->d_name, "file-0", 6) == 0 ? 0 : strncmp(dp->d_name, "file-1", 6) == 0 ? 1 : -1;
    if (!CHECK("only file-0 / file-1", k >= 0)) { printf("  unexpected %s\n", dp->d_name); continue; }
    seen[k] = 1;
    ino[k] = dp->d_ino;
    struct stat sb;
    if (CHECK("fstatat(dfd, name, AT_SYMLINK_NOFOLLOW)", fstatat(dfd, dp->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)) {
      if (!CHECK(k ? "file-1 d_ino == st_ino" : "file-0 d_ino == st_ino", sb.st_ino == dp->d_ino))
        printf("  d_ino %llu st_ino %llu\n", (unsigned long long)dp->d_ino, (unsigned long long)sb.st_ino);
    }
  }
  closedir(d);
  CHECK("saw file-0", seen[0]);
  CHECK("saw file-1", seen[1]);
  CHECK("inodes differ", ino[0] != ino[1]);
  return check_done();
}
