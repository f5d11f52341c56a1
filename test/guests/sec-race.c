/* Security battery races RC-01, RC-03, RC-04, RC-05, RC-07, the guest side: args ITERATIONS
 * MILLISECONDS (defaults 200 and 2000; the loop ends at whichever comes first). While it runs the
 * battery's host process flips entries (race/ for a symlink to T/outside, flip between a file and
 * a symlink to T/outside/secret, victim/d and hold/b for symlinks out); run alone it still does
 * the same work. Every iteration:
 *   RC-01/RC-04  open race/b/c/f and read it; mkdir + rmdir race/b/n; create, rename and unlink
 *                race/b/x (any errno is allowed; the content read is never the canary);
 *   RC-03        open flip without and with follow, read: "inside\n" or an error;
 *   RC-05        rm -rf of victim/ (recreated each time) through fd_readdir, never following links;
 *   RC-07        B = open hold/b; create B/x, open B/secret, unlink B/x: never outside.
 * The host side checks T/outside is unchanged and no host FD points out; the guest checks that
 * no byte it read carries the canary prefix. */
#include "check.h"

static __wasi_fd_t S;
static int canary_hits, opened_inside;

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static void read_check(__wasi_fd_t fd) {
  char buf[128];
  size_t n = 0;
  if (read_all(fd, buf, sizeof buf, &n) != 0) return;
  if (strstr(buf, "CANARY-") != NULL) canary_hits++;
  else if (n > 0) opened_inside++;
}

static void open_read(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *p) {
  __wasi_fd_t fd;
  if (open_at(dir, lf, p, 0, __WASI_RIGHTS_FD_READ, 0, &fd) != 0) return;
  read_check(fd);
  close_fd(fd);
}

/* rm -rf below dir (an open directory fd), by names from fd_readdir, never following a link. */
static void rm_rf_at(__wasi_fd_t dir, int depth) {
  static uint8_t bufs[4][2048];
  if (depth >= 4) return;
  uint8_t *buf = bufs[depth];
  __wasi_size_t used = 0;
  if (__wasi_fd_readdir(dir, buf, sizeof bufs[0], 0, &used) != 0) return;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    off += sizeof d;
    if (off + d.d_namlen > used || d.d_namlen >= 256) break;
    char name[256];
    memcpy(name, buf + off, d.d_namlen);
    name[d.d_namlen] = 0;
    off += d.d_namlen;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    if (d.d_type == __WASI_FILETYPE_DIRECTORY) {
      __wasi_fd_t sub;
      if (open_at(dir, 0, name, __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &sub) == 0) {
        rm_rf_at(sub, depth + 1);
        close_fd(sub);
      }
      (void)__wasi_path_remove_directory(dir, name);
    } else {
      (void)__wasi_path_unlink_file(dir, name);
    }
  }
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 200;
  long ms = argc > 2 ? atol(argv[2]) : 2000;
  S = need_preopen("/sandbox");
  /* the battery's prepare step made these already; alone, the guest makes them */
  (void)__wasi_path_create_directory(S, "race");
  (void)__wasi_path_create_directory(S, "race/b");
  (void)__wasi_path_create_directory(S, "race/b/c");
  (void)put_file(S, "race/b/c/f", "inside\n");
  (void)put_file(S, "flip", "inside\n");
  (void)__wasi_path_create_directory(S, "hold");
  (void)__wasi_path_create_directory(S, "hold/b");
  uint64_t end = mono() + (uint64_t)ms * 1000000ull;
  long i = 0;
  for (; i < iters && mono() < end; i++) {
    /* RC-01 / RC-04 */
    open_read(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "race/b/c/f");
    open_read(S, 0, "race/b/c/f");
    (void)__wasi_path_create_directory(S, "race/b/n");
    (void)__wasi_path_remove_directory(S, "race/b/n");
    __wasi_filestat_t st;
    (void)__wasi_path_filestat_get(S, 0, "race", &st);
    (void)put_file(S, "race/b/x", "x\n");
    (void)__wasi_path_rename(S, "race/b/x", S, "race/y");
    (void)__wasi_path_rename(S, "race/y", S, "race/b/x");
    (void)__wasi_path_unlink_file(S, "race/b/x");
    /* RC-03 */
    open_read(S, 0, "flip");
    open_read(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "flip");
    /* RC-05 */
    (void)__wasi_path_create_directory(S, "victim");
    (void)__wasi_path_create_directory(S, "victim/d");
    (void)put_file(S, "victim/d/e", "e\n");
    __wasi_fd_t v;
    if (open_at(S, 0, "victim", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &v) == 0) {
      rm_rf_at(v, 0);
      close_fd(v);
    }
    /* RC-07 */
    __wasi_fd_t b;
    if (open_at(S, 0, "hold/b", __WASI_OFLAGS_DIRECTORY, R_DIR | __WASI_RIGHTS_PATH_CREATE_FILE, 0, &b) == 0) {
      (void)put_file(b, "x", "x\n");
      open_read(b, 0, "secret");
      open_read(b, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "x");
      (void)__wasi_path_unlink_file(b, "x");
      close_fd(b);
    }
  }
  CHECK("the loop ran", i > 0);
  CHECK("no byte read carried the canary", canary_hits == 0);
  CHECK("inside files were read", opened_inside > 0);
  return check_done();
}
