/* Name and path length limits (battery NM-05): a 255-byte component works and 256 bytes is
 * ENAMETOOLONG (limits count bytes: 85 three-byte UTF-8 characters work, 86 do not); long paths
 * (5,000 bytes of short components, a 110 KB string, "a/.." 20,000 times) end quickly in a
 * documented error (ENAMETOOLONG, ENOMEM or ENOENT), with no crash. */
#include "check.h"

static char big[120000];

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  char name[300];
  memset(name, 'n', 255);
  name[255] = 0;
  CHECK_OK("create a 255-byte name", open_at(sb, 0, name, __WASI_OFLAGS_CREAT, R_RW, 0, &fd));
  close_fd(fd);
  CHECK_OK("stat the 255-byte name", __wasi_path_filestat_get(sb, 0, name, &st));
  name[255] = 'n';
  name[256] = 0;
  CHECK_ERRNO("create a 256-byte name", open_at(sb, 0, name, __WASI_OFLAGS_CREAT, R_RW, 0, &fd), __WASI_ERRNO_NAMETOOLONG);
  CHECK_ERRNO("mkdir a 256-byte name", __wasi_path_create_directory(sb, name), __WASI_ERRNO_NAMETOOLONG);
  /* U+20AC (3 bytes) x 85 = 255 bytes, x 86 = 258 bytes */
  size_t o = 0;
  for (int i = 0; i < 85; i++) { name[o++] = (char)0xe2; name[o++] = (char)0x82; name[o++] = (char)0xac; }
  name[o] = 0;
  CHECK_OK("mkdir 85 euro signs (255 bytes)", __wasi_path_create_directory(sb, name));
  name[o++] = (char)0xe2; name[o++] = (char)0x82; name[o++] = (char)0xac; name[o] = 0;
  CHECK_ERRNO("mkdir 86 euro signs (258 bytes)", __wasi_path_create_directory(sb, name), __WASI_ERRNO_NAMETOOLONG);

  /* 5,000 bytes: "d/" repeated (no such directories) */
  for (int i = 0; i < 2500; i++) { big[2 * i] = 'd'; big[2 * i + 1] = '/'; }
  big[4999] = 0;
  CHECK_ERRNO("stat a 5,000-byte path", __wasi_path_filestat_get(sb, 0, big, &st), __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_NOMEM, E_NOENT);
  memset(big, 'x', 110000);
  big[110000] = 0;
  CHECK_ERRNO("open a 110 KB name", open_at(sb, 0, big, 0, R_RD, 0, &fd), __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_NOMEM);
  CHECK_ERRNO("mkdir a 110 KB name", __wasi_path_create_directory(sb, big), __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_NOMEM);
  for (int i = 0; i < 20000; i++) memcpy(big + 5 * i, "a/../", 5);
  memcpy(big + 100000, "file", 5);
  CHECK_ERRNO("open \"a/../\" x 20000 + \"file\"", open_at(sb, 0, big, 0, R_RD, 0, &fd), E_OK, __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_NOMEM);
  if (fd != (__wasi_fd_t)-1) close_fd(fd);
  CHECK_OK("still working afterwards", __wasi_path_filestat_get(sb, 0, "file", &st));
  return check_done();
}
