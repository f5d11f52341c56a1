/* wasi-testsuite fd_readdir (+ the extra cases of wasmtime's preview1_fd_readdir that do not depend
 * on ignoring rights, labelled "(wasmtime)"). Buffers of 256 bytes; a call is at EOF when bufused <
 * 256; only entries whose header and name fit completely are parsed; continuation cookie = d_next
 * of the last parsed entry. Empty dir: exactly "." (DIRECTORY, d_ino == fd_filestat_get(dir).ino,
 * d_namlen 1) and ".." (DIRECTORY). With one file: 3 entries, the file REGULAR_FILE with its ino;
 * reading from d_next of the 2nd entry (unsorted order) yields exactly the 3rd. 1000 files: 1002
 * entries. */
#include "check.h"
#include "ts.h"

#define BUF_LEN 256

/* returns number of entries, -1 on error (counted as failure); *eof set */
static int exec_readdir(const char *label, __wasi_fd_t fd, uint64_t cookie, ent_t *out, int max, int *eof) {
  static uint8_t buf[BUF_LEN];
  __wasi_size_t used = 0;
  __wasi_errno_t e = __wasi_fd_readdir(fd, buf, BUF_LEN, cookie, &used);
  if (e != 0) { CHECK_OK(label, e); *eof = 1; return -1; }
  if (used > BUF_LEN) { CHECK(label, used <= BUF_LEN); *eof = 1; return -1; }
  *eof = used < BUF_LEN;
  return parse_dirents(buf, used, out, max);
}

static int cmp(const void *a, const void *b) { return strcmp(((const ent_t *)a)->name, ((const ent_t *)b)->name); }

static void assert_empty_dir(const char *tag, __wasi_fd_t dir) {
  char l[128];
  __wasi_filestat_t st;
  ent_t e[16];
  int eof;
#define L(s) (snprintf(l, sizeof l, "%s: %s", tag, s), l)
  int have_st = CHECK_OK(L("fd_filestat_get(dir)"), __wasi_fd_filestat_get(dir, &st));
  int n = exec_readdir(L("fd_readdir(dir, 0)"), dir, 0, e, 16, &eof);
  if (n < 0) return;
  CHECK(L("eof on empty dir"), eof);
  qsort(e, n, sizeof e[0], cmp);
  if (!CHECK_EQ(L("two entries in an empty directory"), n, 2)) {
    for (int i = 0; i < n; i++) printf("  entry: \"%s\" type %u\n", e[i].name, e[i].type);
    return;
  }
  CHECK_STR(L("first name ."), e[0].name, strlen(e[0].name), ".");
  CHECK_EQ(L(". type DIRECTORY"), e[0].type, __WASI_FILETYPE_DIRECTORY);
  if (have_st) CHECK(L(". d_ino == fd_filestat_get(dir).ino"), e[0].ino == st.ino);
  CHECK_EQ(L(". d_namlen 1"), e[0].namlen, 1);
  CHECK_STR(L("second name .."), e[1].name, strlen(e[1].name), "..");
  CHECK_EQ(L(".. type DIRECTORY"), e[1].type, __WASI_FILETYPE_DIRECTORY);
#undef L
}

static ent_t big[1100];

int main(int argc, char **argv) {
  __wasi_fd_t base = ts_scratch(argc, argv);
  const char *dname = "fd_readdir_dir.cleanup";
  __wasi_fd_t dir = ts_create_tmp_dir(base, dname);
  ent_t e[16];
  int eof;
  __wasi_fd_t fd;
  __wasi_filestat_t fst;

  /* test_fd_readdir */
  assert_empty_dir("empty", dir);
  __wasi_rights_t fr = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR |
                       __WASI_RIGHTS_FD_FILESTAT_GET;
  if (CHECK_OK("path_open(file, CREAT, READ|WRITE|READDIR|FILESTAT_GET)",
               __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, fr, 0, 0, &fd))) {
    CHECK("file fd > 2", fd > 2);
    CHECK_OK("fd_filestat_get(file)", __wasi_fd_filestat_get(fd, &fst));
    CHECK_OK("fd_close(file)", __wasi_fd_close(fd));
  }
  int n = exec_readdir("fd_readdir(dir, 0) with file", dir, 0, e, 16, &eof);
  if (n >= 0) {
    CHECK("eof", eof);
    if (CHECK_EQ("three entries", n, 3)) {
      uint64_t last_cookie = e[1].next;
      char last_name[64];
      strcpy(last_name, e[2].name);
      qsort(e, n, sizeof e[0], cmp);
      CHECK_STR("sorted[0] .", e[0].name, strlen(e[0].name), ".");
      CHECK_STR("sorted[1] ..", e[1].name, strlen(e[1].name), "..");
      CHECK_STR("sorted[2] file", e[2].name, strlen(e[2].name), "file");
      CHECK_EQ("file type REGULAR_FILE", e[2].type, __WASI_FILETYPE_REGULAR_FILE);
      CHECK("file d_ino == fd_filestat_get(file).ino", e[2].ino == fst.ino);
      int m = exec_readdir("fd_readdir(dir, d_next of 2nd entry)", dir, last_cookie, e, 16, &eof);
      if (m >= 0) {
        CHECK("eof (cookie)", eof);
        if (CHECK_EQ("one entry after the cookie", m, 1))
          CHECK_STR("it is the 3rd entry", e[0].name, strlen(e[0].name), last_name);
      }
    } else {
      for (int i = 0; i < n; i++) printf("  entry: \"%s\" type %u\n", e[i].name, e[i].type);
    }
  }
  CHECK_OK("path_unlink_file(file)", __wasi_path_unlink_file(dir, "file"));

  /* test_fd_readdir_lots */
  int created = 0;
  for (int i = 0; i < 1000; i++) {
    char nm[32];
    snprintf(nm, sizeof nm, "file.%d", i);
    __wasi_errno_t er = __wasi_path_open(dir, 0, nm, __WASI_OFLAGS_CREAT, fr, 0, 0, &fd);
    if (er) { CHECK_OK("create file.N", er); break; }
    if (fd <= 2) CHECK("file.N fd > 2", fd > 2);
    close_fd(fd);
    created++;
  }
  CHECK_EQ("created 1000 files", created, 1000);
  int total = 0, calls = 0;
  uint64_t cookie = 0;
  for (;;) {
    int k = exec_readdir("fd_readdir (lots)", dir, cookie, big, 1100, &eof);
    if (k < 0) break;
    total += k;
    if (eof) break;
    if (k == 0) { CHECK("(lots) a full buffer parsed at least one entry", k > 0); break; }
    cookie = big[k - 1].next;
    if (++calls > 5000) { CHECK("(lots) terminates", 0); break; }
  }
  CHECK_EQ("1000 entries plus . and ..", total, 1002);
  for (int i = 0; i < created; i++) {
    char nm[32];
    snprintf(nm, sizeof nm, "file.%d", i);
    __wasi_errno_t er = __wasi_path_unlink_file(dir, nm);
    if (er) { CHECK_OK("unlink file.N", er); break; }
  }
  ts_remove_tmp_dir(base, dir, dname);

  /* wasmtime preview1_fd_readdir extras, in their own directory. wasmtime also calls
   * fd_filestat_get on fds opened without FD_FILESTAT_GET and lists a directory opened with
   * rights 0 (no FD_READDIR): both are NOTCAPABLE here, as the spec's rights say, so the inodes
   * come from path_filestat_get and the rights-0 listing is left out. */
  const char *wname = "fd_readdir_wt.cleanup";
  dir = ts_create_tmp_dir(base, wname);
  if (CHECK_OK("(wasmtime) path_open(file, CREAT, READ|WRITE)",
               __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd)))
    close_fd(fd);
  CHECK_OK("(wasmtime) path_create_directory(nested)", __wasi_path_create_directory(dir, "nested"));
  __wasi_filestat_t nst;
  memset(&fst, 0, sizeof fst);
  memset(&nst, 0, sizeof nst);
  CHECK_OK("(wasmtime) path_filestat_get(file)", __wasi_path_filestat_get(dir, 0, "file", &fst));
  CHECK_OK("(wasmtime) path_filestat_get(nested)", __wasi_path_filestat_get(dir, 0, "nested", &nst));
  n = exec_readdir("(wasmtime) fd_readdir 4 entries", dir, 0, e, 16, &eof);
  if (n >= 0 && CHECK_EQ("(wasmtime) four entries", n, 4)) {
    uint64_t last_cookie = e[2].next;
    char last_name[64];
    strcpy(last_name, e[3].name);
    qsort(e, n, sizeof e[0], cmp);
    CHECK_STR("(wasmtime) sorted[2] file", e[2].name, strlen(e[2].name), "file");
    CHECK_STR("(wasmtime) sorted[3] nested", e[3].name, strlen(e[3].name), "nested");
    CHECK_EQ("(wasmtime) nested type DIRECTORY", e[3].type, __WASI_FILETYPE_DIRECTORY);
    CHECK("(wasmtime) nested d_ino == filestat ino", e[3].ino == nst.ino);
    CHECK("(wasmtime) file d_ino == filestat ino", e[2].ino == fst.ino);
    int m = exec_readdir("(wasmtime) fd_readdir(d_next of 3rd)", dir, last_cookie, e, 16, &eof);
    if (m >= 0 && CHECK_EQ("(wasmtime) one entry after the cookie", m, 1))
      CHECK_STR("(wasmtime) it is the 4th entry", e[0].name, strlen(e[0].name), last_name);
  }
  CHECK_OK("(wasmtime) path_unlink_file(file)", __wasi_path_unlink_file(dir, "file"));
  CHECK_OK("(wasmtime) path_remove_directory(nested)", __wasi_path_remove_directory(dir, "nested"));
  /* unicode boundary: grow the buffer by one byte from 0 until the entry shows up whole */
  const char *uname = "\xd0\x94\xd0\xb5\xd0\xb9\xd1\x81\xd1\x82\xd0\xb2\xd0\xb8\xd0\xb5"; /* Действие */
  if (CHECK_OK("(wasmtime) create unicode name", __wasi_path_open(dir, 0, uname, __WASI_OFLAGS_CREAT,
                                                                  __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd)))
    close_fd(fd);
  static uint8_t ub[4096];
  int found = 0, err = 0;
  for (size_t cap = 0; cap < 4096 && !found; cap++) {
    __wasi_size_t used = 0;
    __wasi_errno_t er = raw_fd_readdir((int32_t)dir, cap ? PTR(ub) : 1, (int32_t)cap, 0, PTR(&used));
    if (er) { CHECK_OK("(wasmtime) fd_readdir growing buffer", er); err = 1; break; }
    if (used > cap) { CHECK("(wasmtime) bufused <= buf_len", 0); err = 1; break; }
    ent_t ue[8];
    int k = parse_dirents(ub, used, ue, 8);
    for (int i = 0; i < k; i++)
      if (ue[i].namlen == strlen(uname) && memcmp(ue[i].name, uname, ue[i].namlen) == 0) found = 1;
  }
  if (!err) CHECK("(wasmtime) unicode entry found with a growing buffer", found);
  (void)__wasi_path_unlink_file(dir, uname);
  close_fd(dir);
  CHECK_OK("(wasmtime) remove its directory", __wasi_path_remove_directory(base, wname));
  return check_done();
}
