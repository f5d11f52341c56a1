/* Security battery RT-05 and SL-10, the guest side; needs the battery's host setup (root), so it
 * has no JSON of its own and runs only from test/security/battery.test.ts.
 *   devices  R/chr (char device 1:3), R/blk (block device 7:0) and R/sock (a bound Unix socket):
 *            filestat reports each type; opening never blocks and is refused with EPERM or
 *            EACCES for reading, writing and truncation (battery RT-05: devices and sockets are
 *            refused by default).
 *   proc     /proc bind-mounted at R/proc: magic links (proc/self/root, proc/self/cwd,
 *            proc/self/exe, proc/self/fd/N, proc/1/root) are never followed out: every open
 *            through them fails (ENOTCAPABLE, ELOOP or ENOENT); readlink shows their text. */
#include "check.h"

static __wasi_fd_t S;

static void named(const char *label, unsigned e, int must_fail) {
  int bad = must_fail && e == 0;
  printf("%s %s: %s\n", bad ? "FAIL" : "ok", label, errno_name(e));
  if (bad) check_failures++;
  fflush(stdout);
}

static unsigned try_open(__wasi_fd_t dir, const char *p, __wasi_lookupflags_t lf, __wasi_oflags_t of, __wasi_rights_t r) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, lf, p, of, r, 0, &fd);
  if (e == 0) close_fd(fd);
  return e;
}

static void devices(void) {
  static const struct { const char *name; __wasi_filetype_t type; } T[] = {
    {"chr", __WASI_FILETYPE_CHARACTER_DEVICE}, {"blk", __WASI_FILETYPE_BLOCK_DEVICE}, {"sock", __WASI_FILETYPE_SOCKET_STREAM}};
  for (size_t i = 0; i < 3; i++) {
    __wasi_filestat_t st;
    char label[64];
    snprintf(label, sizeof label, "stat %s", T[i].name);
    CHECK_OK(label, __wasi_path_filestat_get(S, 0, T[i].name, &st));
    snprintf(label, sizeof label, "%s has its type", T[i].name);
    CHECK(label, st.filetype == T[i].type || (T[i].type == __WASI_FILETYPE_SOCKET_STREAM && st.filetype == __WASI_FILETYPE_SOCKET_DGRAM));
    /* devices and sockets are refused (EPERM or EACCES), whatever the rights asked for */
    snprintf(label, sizeof label, "open %s for reading", T[i].name);
    CHECK_ERRNO(label, try_open(S, T[i].name, 0, 0, __WASI_RIGHTS_FD_READ), E_PERM, E_ACCES);
    snprintf(label, sizeof label, "open %s for writing", T[i].name);
    CHECK_ERRNO(label, try_open(S, T[i].name, 0, 0, __WASI_RIGHTS_FD_WRITE), E_PERM, E_ACCES);
    snprintf(label, sizeof label, "open %s with no rights", T[i].name);
    CHECK_ERRNO(label, try_open(S, T[i].name, 0, 0, 0), E_PERM, E_ACCES);
  }
  CHECK_ERRNO("open chr with TRUNC", try_open(S, "chr", 0, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE), E_PERM, E_ACCES);
}

static void proc(void) {
  static const char *const OUT[] = {"proc/self/root/etc/hostname", "proc/self/root", "proc/self/cwd/x", "proc/self/exe",
                                    "proc/self/fd/0", "proc/self/fd/1/x", "proc/1/root", "proc/1/root/etc/hostname",
                                    "proc/self/root/..", "proc/thread-self/root/etc/hostname", "proc/self/map_files"};
  for (size_t i = 0; i < sizeof OUT / sizeof OUT[0]; i++) {
    char label[96];
    snprintf(label, sizeof label, "open %s follow", OUT[i]);
    unsigned e = try_open(S, OUT[i], __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ);
    if (strcmp(OUT[i], "proc/self/map_files") == 0) named(label, e, 0); /* a plain directory */
    else named(label, e, 1);
    snprintf(label, sizeof label, "open %s dir follow", OUT[i]);
    e = try_open(S, OUT[i], __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, R_DIR);
    if (strcmp(OUT[i], "proc/self/map_files") == 0) named(label, e, 0);
    else named(label, e, 1);
  }
  /* the /proc/self/fd directory as a directory fd of its own: "0" is a magic link */
  __wasi_fd_t fdd;
  if (CHECK_OK("open proc/self/fd as a directory", open_at(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "proc/self/fd",
                                                         __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &fdd))) {
    named("open 0 in proc/self/fd", try_open(fdd, "0", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ), 1);
    named("open 3 in proc/self/fd", try_open(fdd, "3", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, R_DIR), 1);
    close_fd(fdd);
  }
  char buf[64];
  __wasi_size_t used = 0;
  named("readlink proc/self/root (text only)", __wasi_path_readlink(S, "proc/self/root", (uint8_t *)buf, sizeof buf, &used), 0);
  CHECK("its text is /", used == 1 && buf[0] == '/');
  __wasi_filestat_t st;
  named("stat proc/self/root without follow", __wasi_path_filestat_get(S, 0, "proc/self/root", &st), 0);
  named("stat proc/self/root with follow", __wasi_path_filestat_get(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "proc/self/root", &st), 1);
}

int main(int argc, char **argv) {
  S = need_preopen("/sandbox");
  const char *what = argc > 1 ? argv[1] : "";
  if (strcmp(what, "devices") == 0) devices();
  else if (strcmp(what, "proc") == 0) proc();
  else { printf("FAIL usage: sec-special devices|proc\n"); return 100; }
  return check_done();
}
