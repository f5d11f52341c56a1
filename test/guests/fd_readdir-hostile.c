/* fd_readdir with hostile cookies and buffers (battery RX-04): cookie 2^64-1 and arbitrary
 * values end the listing or fail with EINVAL/ENOENT, never crash or loop; every buffer size from
 * 1 to 40 bytes returns bufused <= buf_len and (when shorter than the first entry) exactly buf_len;
 * a 255-byte name is returned whole; a stale cookie after deleting an entry still terminates (it
 * may or may not return the deleted name, as POSIX readdir); cookie 0 afterwards (rewind) no
 * longer lists it. */
#include "check.h"

static uint8_t buf[16384];

/* Reads the directory from cookie with a bufsize buffer; returns entry count (-1 on error or
 * when 10,000 calls did not reach the end). *saw255 set when a 255-byte name was seen. */
static int walk(__wasi_fd_t d, uint64_t cookie, size_t bufsize, int *saw255, const char *forbidden) {
  int n = 0;
  for (int calls = 0; calls < 10000; calls++) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(d, buf, bufsize, cookie, &used) != 0) return -1;
    if (used > bufsize) return -1;
    size_t off = 0;
    int k = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t e;
      memcpy(&e, buf + off, sizeof e);
      if (off + sizeof e + e.d_namlen > used) break;
      if (e.d_namlen == 255 && saw255) *saw255 = 1;
      if (forbidden && e.d_namlen == strlen(forbidden) && memcmp(buf + off + sizeof e, forbidden, e.d_namlen) == 0) return -1;
      cookie = e.d_next;
      off += sizeof e + e.d_namlen;
      k++;
    }
    n += k;
    if (used < bufsize) return n;
    if (k == 0) return -2; /* buffer too small for the next entry */
  }
  return -1;
}

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  CHECK_OK("mkdir h", __wasi_path_create_directory(sb, "h"));
  char name[300];
  memset(name, 'L', 255);
  name[255] = 0;
  char path[320];
  snprintf(path, sizeof path, "h/%s", name);
  CHECK_OK("create a 255-byte name", put_file(sb, path, "x"));
  int ok = 1;
  for (int i = 0; i < 10; i++) {
    char p[16];
    snprintf(p, sizeof p, "h/e%d", i);
    ok &= put_file(sb, p, "x") == 0;
  }
  CHECK("create h/e0..h/e9", ok);
  __wasi_fd_t d = must_open("open h", sb, "h", __WASI_OFLAGS_DIRECTORY, R_DIR, 0);
  int saw = 0;
  CHECK_EQ("full listing: 13 entries", walk(d, 0, sizeof buf, &saw, NULL), 13);
  CHECK("the 255-byte name is returned whole", saw);
  saw = 0;
  CHECK_EQ("300-byte buffer: 13 entries", walk(d, 0, 300, &saw, NULL), 13);
  int small_ok = 1;
  for (size_t sz = 1; sz <= 40; sz++) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(d, buf, sz, 0, &used) != 0 || used > sz) small_ok = 0;
    if (sz < 24 && used != sz) small_ok = 0; /* shorter than any entry: filled completely */
  }
  CHECK("buffers of 1..40 bytes: bufused <= buf_len, == buf_len below one header", small_ok);
  __wasi_size_t used = 0;
  __wasi_errno_t e = __wasi_fd_readdir(d, buf, sizeof buf, UINT64_MAX, &used);
  CHECK("cookie 2^64-1: end of directory or EINVAL/ENOENT", (e == 0 && used < sizeof buf) || e == E_INVAL || e == E_NOENT);
  e = __wasi_fd_readdir(d, buf, sizeof buf, 0x123456789abcdefull, &used);
  CHECK("arbitrary cookie: no crash, bounded answer", (e == 0 && used <= sizeof buf) || e == E_INVAL || e == E_NOENT);
  /* stale cookie: take the cookie after the 3rd entry, delete e5, continue */
  __wasi_size_t u = 0;
  CHECK_OK("read the first entries", __wasi_fd_readdir(d, buf, 80, 0, &u));
  __wasi_dirent_t first;
  memcpy(&first, buf, sizeof first);
  CHECK_OK("unlink h/e5", __wasi_path_unlink_file(sb, "h/e5"));
  /* POSIX leaves it unspecified whether an entry removed after the listing started is returned */
  int n = walk(d, first.d_next, 512, NULL, NULL);
  CHECK("stale cookie: the listing ends without error", n >= 0 && n <= 13);
  CHECK_EQ("fresh listing after the unlink: 12 entries", walk(d, 0, sizeof buf, NULL, "e5"), 12);
  close_fd(d);
  return check_done();
}
