/* check.h — tiny assertion helpers shared by the conformance guests (test/guests/NAME.c).
 *
 * Owns: the output format every guest uses and the failure count that becomes the exit code.
 *   ok <label>                               on success
 *   FAIL <label>: got NAME(n) want NAME(m)   on failure (errno checks)
 *   FAIL <label>: <detail>                   on failure (value checks)
 * A guest ends with `return check_done();`: exit code = number of failures, capped at 100.
 * Must not: print anything nondeterministic (timestamps, inode numbers, host paths) on an "ok"
 * path. Values that differ between runs are only ever compared with each other (a FAIL line may
 * show them: it fails the comparison anyway).
 * Every line is flushed as it is printed, so a guest that hangs or traps still shows how far it got.
 *
 * Raw imports (raw_*) take (pointer, length) pairs exactly as the wasi_snapshot_preview1 ABI does,
 * so a guest can pass paths with embedded NULs, out-of-bounds pointers and absurd lengths, which
 * the <wasi/api.h> wrappers (strlen-based) cannot express.
 */
#ifndef CHECK_H
#define CHECK_H

#include <wasi/api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH_FN static __attribute__((unused))
static int check_failures;

CH_FN const char *errno_name(unsigned e) {
  static const char *const names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
    "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE",
    "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};
  return e < sizeof names / sizeof names[0] ? names[e] : "?";
}

/* Errno sets: a check may accept several codes where the spec or the battery allows a choice
 * (e.g. LOOP or NOTDIR). The list ends at E_END (added by CHECK_ERRNO). */
#define E_END 0xffffu
CH_FN int check_errno_set(const char *label, unsigned got, const unsigned *want) {
  for (int i = 0; want[i] != E_END; i++)
    if (got == want[i]) { printf("ok %s\n", label); fflush(stdout); return 1; }
  check_failures++;
  printf("FAIL %s: got %s(%u) want %s(%u)", label, errno_name(got), got, errno_name(want[0]), want[0]);
  for (int i = 1; want[i] != E_END; i++) printf(" or %s(%u)", errno_name(want[i]), want[i]);
  printf("\n");
  fflush(stdout);
  return 0;
}

/* CHECK_ERRNO(label, call, want...): `call` returns a __wasi_errno_t; passes if it equals any want. */
#define CHECK_ERRNO(label, call, ...) \
  check_errno_set((label), (unsigned)(call), (const unsigned[]){__VA_ARGS__, E_END})
/* CHECK_OK(label, call): shorthand for CHECK_ERRNO(label, call, SUCCESS). */
#define CHECK_OK(label, call) CHECK_ERRNO(label, call, __WASI_ERRNO_SUCCESS)

CH_FN int check_true(const char *label, int cond, const char *expr) {
  if (cond) { printf("ok %s\n", label); fflush(stdout); return 1; }
  check_failures++;
  printf("FAIL %s: %s is false\n", label, expr);
  fflush(stdout);
  return 0;
}
/* CHECK(label, cond): passes when cond is non-zero. */
#define CHECK(label, cond) check_true((label), (cond) ? 1 : 0, #cond)

CH_FN int check_u64(const char *label, uint64_t got, uint64_t want) {
  if (got == want) { printf("ok %s\n", label); fflush(stdout); return 1; }
  check_failures++;
  printf("FAIL %s: got %llu want %llu\n", label, (unsigned long long)got, (unsigned long long)want);
  fflush(stdout);
  return 0;
}
/* CHECK_EQ(label, got, want): unsigned 64-bit equality. */
#define CHECK_EQ(label, got, want) check_u64((label), (uint64_t)(got), (uint64_t)(want))

/* Prints bytes with C escapes for anything but printable ASCII (keeps a FAIL report on one line). */
CH_FN void print_escaped(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') printf("\\n");
    else if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 32 || c > 126) printf("\\x%02x", c);
    else putchar(c);
  }
}

CH_FN int check_str(const char *label, const char *got, size_t got_len, const char *want) {
  size_t wl = strlen(want);
  if (got_len == wl && memcmp(got, want, wl) == 0) { printf("ok %s\n", label); fflush(stdout); return 1; }
  check_failures++;
  printf("FAIL %s: got \"", label);
  print_escaped(got, got_len);
  printf("\" want \"");
  print_escaped(want, wl);
  printf("\"\n");
  fflush(stdout);
  return 0;
}
/* CHECK_STR(label, buf, len, "want"): the len bytes at buf equal the C string want. */
#define CHECK_STR(label, buf, len, want) check_str((label), (const char *)(buf), (size_t)(len), (want))

/* Ends a guest: prints nothing, returns the exit code (failures, capped at 100). */
CH_FN int check_done(void) {
  fflush(stdout);
  return check_failures > 100 ? 100 : check_failures;
}

/* ---- raw imports: (ptr, len) exactly as the ABI ------------------------------------------ */
#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t out_fd) WASI_IMPORT("path_open");
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len) WASI_IMPORT("path_create_directory");
int32_t raw_path_remove_directory(int32_t fd, int32_t path, int32_t len) WASI_IMPORT("path_remove_directory");
int32_t raw_path_unlink_file(int32_t fd, int32_t path, int32_t len) WASI_IMPORT("path_unlink_file");
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t out) WASI_IMPORT("path_filestat_get");
int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags, int32_t path, int32_t len, int64_t atim,
                                    int64_t mtim, int32_t fst) WASI_IMPORT("path_filestat_set_times");
int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len,
                          int32_t out_used) WASI_IMPORT("path_readlink");
int32_t raw_path_rename(int32_t fd, int32_t old_path, int32_t old_len, int32_t new_fd, int32_t new_path,
                        int32_t new_len) WASI_IMPORT("path_rename");
int32_t raw_path_link(int32_t old_fd, int32_t flags, int32_t old_path, int32_t old_len, int32_t new_fd,
                      int32_t new_path, int32_t new_len) WASI_IMPORT("path_link");
int32_t raw_path_symlink(int32_t old_path, int32_t old_len, int32_t fd, int32_t new_path,
                         int32_t new_len) WASI_IMPORT("path_symlink");
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t out_n) WASI_IMPORT("fd_write");
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t out_n) WASI_IMPORT("fd_read");
int32_t raw_fd_pread(int32_t fd, int32_t iovs, int32_t iovs_len, int64_t off, int32_t out_n) WASI_IMPORT("fd_pread");
int32_t raw_fd_pwrite(int32_t fd, int32_t iovs, int32_t iovs_len, int64_t off, int32_t out_n) WASI_IMPORT("fd_pwrite");
int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie, int32_t out_used) WASI_IMPORT("fd_readdir");
int32_t raw_fd_prestat_get(int32_t fd, int32_t out) WASI_IMPORT("fd_prestat_get");
int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len) WASI_IMPORT("fd_prestat_dir_name");
int32_t raw_fd_fdstat_get(int32_t fd, int32_t out) WASI_IMPORT("fd_fdstat_get");
int32_t raw_fd_filestat_get(int32_t fd, int32_t out) WASI_IMPORT("fd_filestat_get");
int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, int32_t out) WASI_IMPORT("fd_seek");
int32_t raw_fd_tell(int32_t fd, int32_t out) WASI_IMPORT("fd_tell");
int32_t raw_args_get(int32_t argv, int32_t buf) WASI_IMPORT("args_get");
int32_t raw_args_sizes_get(int32_t argc, int32_t size) WASI_IMPORT("args_sizes_get");
int32_t raw_environ_sizes_get(int32_t count, int32_t size) WASI_IMPORT("environ_sizes_get");
int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out) WASI_IMPORT("clock_time_get");
int32_t raw_random_get(int32_t buf, int32_t len) WASI_IMPORT("random_get");
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t out_n) WASI_IMPORT("poll_oneoff");

/* A guest address guaranteed to be outside linear memory (memories here are far below 4 GiB). */
#define OOB_PTR ((int32_t)0xfffffff0u)
#define PTR(p) ((int32_t)(uintptr_t)(p))

/* ---- conveniences ------------------------------------------------------------------------- */
#define RIGHTS_ALL ((__wasi_rights_t)0x1fffffffull)

/* Returns the fd of the preopen whose name is `name`, or -1. Scans fds 3..63. */
CH_FN int find_preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
    if (ps.tag != __WASI_PREOPENTYPE_DIR || ps.u.dir.pr_name_len >= 256) continue;
    char buf[256];
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0) continue;
    if (ps.u.dir.pr_name_len == strlen(name) && memcmp(buf, name, ps.u.dir.pr_name_len) == 0) return (int)fd;
  }
  return -1;
}

/* One parsed fd_readdir entry (its name cut to 63 bytes, NUL-terminated). */
typedef struct { char name[64]; uint8_t type; uint64_t ino, next; uint32_t namlen; } ent_t;

/* Parses the complete entries of an fd_readdir buffer buf[0..used) into out[0..max) (a trailing
 * entry cut off by the buffer's end is left out); returns how many. */
CH_FN int parse_dirents(const uint8_t *buf, size_t used, ent_t *out, int max) {
  size_t off = 0;
  int n = 0;
  while (off + sizeof(__wasi_dirent_t) <= used && n < max) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    if (off + sizeof d + d.d_namlen > used) break; /* truncated entry */
    size_t l = d.d_namlen < 63 ? d.d_namlen : 63;
    memcpy(out[n].name, buf + off + sizeof d, l);
    out[n].name[l] = 0;
    out[n].type = d.d_type;
    out[n].ino = d.d_ino;
    out[n].next = d.d_next;
    out[n].namlen = d.d_namlen;
    n++;
    off += sizeof d + d.d_namlen;
  }
  return n;
}

/* Like find_preopen but a missing preopen is a failure that ends the guest (exit 100). */
CH_FN __wasi_fd_t need_preopen(const char *name) {
  int fd = find_preopen(name);
  if (fd < 0) { printf("FAIL no preopen %s\n", name); fflush(stdout); exit(100); }
  return (__wasi_fd_t)fd;
}

/* path_open as wasi-libc does it: the rights asked for (base, and all as inheriting) are first
 * limited to the directory's inheriting rights. Returns errno, *out = fd. */
CH_FN __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path, __wasi_oflags_t of,
                              __wasi_rights_t base, __wasi_fdflags_t fdf, __wasi_fd_t *out) {
  __wasi_fdstat_t st;
  __wasi_rights_t inh = RIGHTS_ALL;
  if (__wasi_fd_fdstat_get(dir, &st) == 0) inh = st.fs_rights_inheriting;
  return __wasi_path_open(dir, lf, path, of, base & inh, inh, fdf, out);
}

/* Opens `path` (following symlinks), or returns (__wasi_fd_t)-1 after counting a failure. */
CH_FN __wasi_fd_t must_open(const char *label, __wasi_fd_t dir, const char *path, __wasi_oflags_t of,
                             __wasi_rights_t base, __wasi_fdflags_t fdf) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  if (!CHECK_OK(label, open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, of, base, fdf, &fd)))
    return (__wasi_fd_t)-1;
  return fd;
}

/* Writes the whole string through fd_write; returns errno. */
CH_FN __wasi_errno_t write_str(__wasi_fd_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
  if (e == 0 && n != strlen(s)) return __WASI_ERRNO_IO;
  return e;
}

/* Reads up to cap-1 bytes with fd_read into buf (NUL-terminated); returns errno, *len = bytes. */
CH_FN __wasi_errno_t read_all(__wasi_fd_t fd, char *buf, size_t cap, size_t *len) {
  size_t got = 0;
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf + got, cap - 1 - got};
    __wasi_size_t n = 0;
    if (iov.buf_len == 0) break;
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
    if (e != 0) { *len = got; buf[got] = 0; return e; }
    if (n == 0) break;
    got += n;
  }
  buf[got] = 0;
  *len = got;
  return 0;
}

/* Creates (or truncates) dir/path and writes s to it. Returns errno. */
CH_FN __wasi_errno_t put_file(__wasi_fd_t dir, const char *path, const char *s) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                             __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ, 0, &fd);
  if (e) return e;
  e = write_str(fd, s);
  __wasi_errno_t c = __wasi_fd_close(fd);
  return e ? e : c;
}

/* Reads dir/path (following symlinks) into buf; returns errno. */
CH_FN __wasi_errno_t get_file(__wasi_fd_t dir, const char *path, char *buf, size_t cap, size_t *len) {
  __wasi_fd_t fd;
  *len = 0;
  buf[0] = 0;
  __wasi_errno_t e = open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, &fd);
  if (e) return e;
  e = read_all(fd, buf, cap, len);
  __wasi_errno_t c = __wasi_fd_close(fd);
  return e ? e : c;
}

/* Closes fd, ignoring the result (for cleanup paths that are not under test). */
CH_FN void close_fd(__wasi_fd_t fd) { (void)__wasi_fd_close(fd); }

/* Shorthands for the common errno constants. */
#define E_OK __WASI_ERRNO_SUCCESS
#define E_NOTCAP __WASI_ERRNO_NOTCAPABLE
#define E_NOENT __WASI_ERRNO_NOENT
#define E_EXIST __WASI_ERRNO_EXIST
#define E_NOTDIR __WASI_ERRNO_NOTDIR
#define E_ISDIR __WASI_ERRNO_ISDIR
#define E_LOOP __WASI_ERRNO_LOOP
#define E_INVAL __WASI_ERRNO_INVAL
#define E_BADF __WASI_ERRNO_BADF
#define E_FAULT __WASI_ERRNO_FAULT
#define E_PERM __WASI_ERRNO_PERM
#define E_ROFS __WASI_ERRNO_ROFS
#define E_ACCES __WASI_ERRNO_ACCES
#define E_NOTEMPTY __WASI_ERRNO_NOTEMPTY
#define E_XDEV __WASI_ERRNO_XDEV
#define E_ILSEQ __WASI_ERRNO_ILSEQ
#define E_SPIPE __WASI_ERRNO_SPIPE
#define E_NOTSOCK __WASI_ERRNO_NOTSOCK
/* "Refused for lack of rights / read-only": the codes RT-01 allows. */
#define E_DENIED E_NOTCAP, E_PERM, E_ROFS, E_ACCES

#define LF_FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
/* Rights for read-only opens of files and directories, as wasi-libc's O_RDONLY: everything but the
 * write-side rights. R_RW: everything. R_DIR: a directory (same as R_RD). */
#define R_RD (RIGHTS_ALL & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
                             __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))
#define R_RW RIGHTS_ALL
#define R_DIR R_RD

#endif
