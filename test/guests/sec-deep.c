/* Security battery RX-02 (deep tree), the guest side: args DEPTH (default 300). Builds a chain
 * d/d/.../d DEPTH levels deep by mkdir + path_open of "d" from the previous level's fd (closing it,
 * so the guest holds one fd per 1,000 levels), writes and reads a file at the bottom, opens the
 * whole chain as one path (ENAMETOOLONG once it passes 4,096 bytes; it works below), then removes
 * everything again bottom-up with paths of at most 1,000 components from the nearest held fd.
 * The host side checks that the host FDs held meanwhile stay within the dentry cache's budget. */
#include "check.h"

static char path[4096 * 6];

static const char *chain(int n) { /* "d/d/.../d", n components */
  size_t k = 0;
  for (int i = 0; i < n; i++) { if (i) path[k++] = '/'; path[k++] = 'd'; }
  path[k] = 0;
  return path;
}

int main(int argc, char **argv) {
  int depth = argc > 1 ? atoi(argv[1]) : 300;
  __wasi_fd_t s = need_preopen("/sandbox");
  static __wasi_fd_t cp[64];
  cp[0] = s;
  __wasi_fd_t cur = s;
  int ok = 1;
  for (int i = 1; i <= depth && ok; i++) {
    __wasi_fd_t next;
    if (__wasi_path_create_directory(cur, "d") != 0) { ok = 0; break; }
    if (open_at(cur, 0, "d", __WASI_OFLAGS_DIRECTORY, R_DIR | __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY, 0, &next) != 0) { ok = 0; break; }
    if (cur != cp[(i - 1) / 1000] || (i - 1) % 1000 != 0) close_fd(cur);
    if (i % 1000 == 0) cp[i / 1000] = next;
    cur = next;
  }
  CHECK("built the chain by walking with fds", ok);
  CHECK_OK("write a file at the bottom", put_file(cur, "bottom", "deep\n"));
  char buf[16];
  size_t len;
  CHECK_OK("read it back", get_file(cur, "bottom", buf, sizeof buf, &len));
  CHECK_STR("its content", buf, len, "deep\n");
  CHECK_OK("unlink it", __wasi_path_unlink_file(cur, "bottom"));
  if (cur != cp[depth / 1000] || depth % 1000 != 0) close_fd(cur);
  __wasi_filestat_t st;
  int whole = depth < 2048 ? depth : 2047;
  CHECK_OK("stat a chain of up to 2,047 levels as one path", __wasi_path_filestat_get(s, 0, chain(whole), &st));
  if (depth > 2048) CHECK_ERRNO("one path through all levels is ENAMETOOLONG", __wasi_path_filestat_get(s, 0, chain(depth), &st), __WASI_ERRNO_NAMETOOLONG);
  else printf("ok one path through all levels is ENAMETOOLONG\n");
  int removed = 1;
  for (int lvl = depth; lvl >= 1 && removed; lvl--) { /* remove level lvl (a dir "d" inside level lvl-1) */
    int j = (lvl - 1) / 1000;
    if (lvl % 1000 == 0 && lvl / 1000 < 64) close_fd(cp[lvl / 1000]);
    unsigned e = __wasi_path_remove_directory(cp[j], chain(lvl - 1000 * j));
    if (e != 0) { removed = 0; printf("FAIL rmdir of level %d: %s\n", lvl, errno_name(e)); }
  }
  CHECK("removed every level bottom-up", removed);
  CHECK_ERRNO("the chain is gone", __wasi_path_filestat_get(s, 0, "d", &st), __WASI_ERRNO_NOENT);
  return check_done();
}
