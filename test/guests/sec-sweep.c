/* Security battery PE-05 (consistency sweep), NM-01 (NUL), NM-02 (empty names), SL-05 (create
 * through a dangling link): every path-taking call gets every escaping path, every path through a
 * planted link that leads out, NUL-carrying and empty paths, and each must fail. The line names
 * the errno so that the backends (directfs, lisafs) can be compared exactly; a success is FAIL.
 * Escapes are ENOTCAPABLE (or EPERM); NUL is EINVAL/EILSEQ/ENOENT; "" is ENOENT; a final
 * dangling link with CREAT is EEXIST/ELOOP/ENOTCAPABLE.
 * Safety: mutating calls never aim through absetc or procself, and their absolute probes name
 * /proc/wdfs-probe; read-only calls may use them. */
#include "check.h"

typedef struct { const char *p; size_t n; } bpath;
#define B(s) {s, sizeof(s) - 1}

/* Paths whose resolution leaves the directory (for every call, mutating ones included). */
static const bpath OUT[] = {
  B(".."), B("../"), B("../."), B("./.."), B("..//"), B("a/../.."), B("a/b/../../.."), B("../x"),
  B("a/../../x"), B("/proc/wdfs-probe"), B("//proc/wdfs-probe"), B("/sandbox/x"), B("/x"),
  B("up/x"), B("up/outside/secret"), B("evil/x"), B("evil/secret"), B("tslash/x"), B("tslash/secret"),
  B("cheeky/self/x"), B("cheeky/dotdotlink/x"), B("cheeky/garbagelink/x"), B("up/R/../outside/x"),
  B("file\0"), B("\0"), B("a\0/../../x"), B(""), B("dangling/x"), B("loop/x"),
};
/* Extra paths for read-only calls: absolute planted links (the kernel would follow them out). */
static const bpath RO_ONLY[] = {
  B("/"), B("/etc/passwd"), B("//x"), B("absetc/passwd"), B("procself/etc/hostname"), B("abssym"),
  B("upup"), B("cheeky/dotdotlink"), B("cheeky/garbagelink"), B("absetc"), B("procself"),
};
/* Final symlinks that lead out (or dangle out): create/follow variants (SL-05, SL-11). */
static const bpath FINAL[] = {B("dangling"), B("d2"), B("abssym"), B("upup"), B("cheeky/dotdotlink")};

#define N(a) (sizeof(a) / sizeof(a[0]))

static void show(const char *call, bpath p, unsigned e) {
  int bad = e == 0;
  printf("%s %s \"", bad ? "FAIL" : "ok", call);
  print_escaped(p.p, p.n);
  printf("\": %s\n", errno_name(e));
  if (bad) check_failures++;
  fflush(stdout);
}

static int32_t S;
static unsigned open_raw(bpath p, int lf, int of, uint64_t rights) {
  int32_t fd = -1;
  unsigned e = (unsigned)raw_path_open(S, lf, PTR(p.p), (int32_t)p.n, of, (int64_t)rights, (int64_t)rights, 0, PTR(&fd));
  if (e == 0) close_fd((__wasi_fd_t)fd);
  return e;
}

static void sweep_read(bpath p) {
  __wasi_filestat_t st;
  char buf[64];
  int32_t used = 0;
  show("open follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ));
  show("open nofollow", p, open_raw(p, 0, 0, __WASI_RIGHTS_FD_READ));
  show("open dir follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, R_DIR));
  show("stat follow", p, (unsigned)raw_path_filestat_get(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p), (int32_t)p.n, PTR(&st)));
  /* a final planted link is stat'ed itself without follow: that is allowed (it is inside) */
  unsigned e = (unsigned)raw_path_filestat_get(S, 0, PTR(p.p), (int32_t)p.n, PTR(&st));
  int final_link = e == 0 && st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK;
  if (final_link) printf("ok stat nofollow is the link itself\n");
  else show("stat nofollow", p, e);
  e = (unsigned)raw_path_readlink(S, PTR(p.p), (int32_t)p.n, PTR(buf), sizeof buf, PTR(&used));
  if (final_link && e == 0) printf("ok readlink of an inside link\n");
  else show("readlink", p, e);
}

static void sweep_mut(bpath p) {
  bpath file = B("file"), sweep = B("sweepfile"), t = B("x");
  show("open creat follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE));
  show("open creat nofollow", p, open_raw(p, 0, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE));
  show("open creat excl", p, open_raw(p, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, __WASI_RIGHTS_FD_WRITE));
  show("open trunc follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE));
  show("set_times follow", p, (unsigned)raw_path_filestat_set_times(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p), (int32_t)p.n,
                                                                   1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  show("set_times nofollow", p, (unsigned)raw_path_filestat_set_times(S, 0, PTR(p.p), (int32_t)p.n, 1, 1,
                                                                     __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  show("mkdir", p, (unsigned)raw_path_create_directory(S, PTR(p.p), (int32_t)p.n));
  show("rmdir", p, (unsigned)raw_path_remove_directory(S, PTR(p.p), (int32_t)p.n));
  show("unlink", p, (unsigned)raw_path_unlink_file(S, PTR(p.p), (int32_t)p.n));
  show("rename from", p, (unsigned)raw_path_rename(S, PTR(p.p), (int32_t)p.n, S, PTR(t.p), (int32_t)t.n));
  show("rename to", p, (unsigned)raw_path_rename(S, PTR(sweep.p), (int32_t)sweep.n, S, PTR(p.p), (int32_t)p.n));
  show("link from follow", p, (unsigned)raw_path_link(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p), (int32_t)p.n, S, PTR(t.p), (int32_t)t.n));
  show("link from", p, (unsigned)raw_path_link(S, 0, PTR(p.p), (int32_t)p.n, S, PTR(t.p), (int32_t)t.n));
  show("link to", p, (unsigned)raw_path_link(S, 0, PTR(file.p), (int32_t)file.n, S, PTR(p.p), (int32_t)p.n));
  show("symlink at", p, (unsigned)raw_path_symlink(PTR(t.p), (int32_t)t.n, S, PTR(p.p), (int32_t)p.n));
}

int main(void) {
  S = (int32_t)need_preopen("/sandbox");
  CHECK_OK("create sweepfile", put_file((__wasi_fd_t)S, "sweepfile", "sweep\n"));
  for (size_t i = 0; i < N(OUT); i++) sweep_read(OUT[i]);
  for (size_t i = 0; i < N(RO_ONLY); i++) sweep_read(RO_ONLY[i]);
  for (size_t i = 0; i < N(OUT); i++) sweep_mut(OUT[i]);
  /* SL-05 / SL-11: final links leading out, with create and follow */
  for (size_t i = 0; i < N(FINAL); i++) {
    bpath p = FINAL[i], t = B("stolen");
    show("final open creat follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE));
    show("final open creat nofollow", p, open_raw(p, 0, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE));
    show("final open creat excl", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                                              __WASI_RIGHTS_FD_WRITE));
    show("final open read follow", p, open_raw(p, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ));
    show("final set_times follow", p, (unsigned)raw_path_filestat_set_times(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p),
                                                                           (int32_t)p.n, 1, 1, __WASI_FSTFLAGS_MTIM));
    show("final link follow", p, (unsigned)raw_path_link(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p), (int32_t)p.n, S,
                                                         PTR(t.p), (int32_t)t.n));
    __wasi_filestat_t st;
    show("final stat follow", p, (unsigned)raw_path_filestat_get(S, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p.p), (int32_t)p.n,
                                                                PTR(&st)));
  }
  show("mkdir through dangling", (bpath)B("dangling"), (unsigned)__wasi_path_create_directory((__wasi_fd_t)S, "dangling"));
  show("mkdir through d2", (bpath)B("d2"), (unsigned)__wasi_path_create_directory((__wasi_fd_t)S, "d2"));
  return check_done();
}
