/* ops.c — the seed's directory operations: mkdir, mknod, symlink, link, unlink/rmdir, rename,
 * open (with O_CREAT|O_EXCL creation, the seed's openCreate).
 *
 * Owns: the host syscall and cache update of each operation, and the edge cases the WASI and
 * Filesystem layers share (trailing slashes, existing names, symlinks at the final component).
 * Preconditions of every function: directory arguments are positive directory dentries from
 * walk() in the current operation (so pinned); names come from walk() (NUL-terminated).
 * Must not: check rights (callers do) or see guest fds.
 */
#include <string.h>

#include "core.h"

#define HOSTERR(r) errno_from_linux(r)

int32_t g_owner_uid = -1, g_owner_gid = -1;

/* The seed's getCreatedChild tail: give the new child (dir, name) the configured owner with
 * fchownat(fd, "", uid, gid, AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW) on `fd` (or on an O_PATH FD
 * opened for it when fd < 0), and unlink it if that fails. No-op without a configured owner.
 * Errors: the fchownat/openat error (the child is gone then). */
static werr_t chown_created(int32_t pfd, const char *name, int32_t fd, int is_dir) {
  if (g_owner_uid == -1 && g_owner_gid == -1) return 0;
  static const char empty[1] = "";
  int32_t own = fd < 0 ? dentry_host_open(pfd, name, L_O_PATH, 0) : fd;
  int32_t r = own < 0 ? own : SYS(host_fchownat(own, empty, g_owner_uid, g_owner_gid, L_AT_EMPTY_PATH | L_AT_SYMLINK_NOFOLLOW));
  if (fd < 0 && own >= 0) dentry_host_close(own);
  if (r < 0) SYS(host_unlinkat(pfd, name, is_dir ? L_AT_REMOVEDIR : 0));
  return r < 0 ? HOSTERR(r) : 0;
}

/* Does `name` exist in dir? 1 yes (*out = child), 0 no, negative: error (as -werr). */
static int exists(dentry_t *dir, const char *name, uint32_t len, dentry_t **out) {
  dentry_t *c;
  werr_t e = dentry_lookup(dir, name, len, 0, &c);
  if (e == WASI_ENOENT) return 0;
  if (e) return -(int)e;
  if (out) *out = c;
  return 1;
}

/* Errors: EEXIST, ENOENT/EINVAL/ENAMETOOLONG (bad name), host mkdirat errors. */
werr_t mkdir_at(dentry_t *dir, const char *name, uint32_t len, uint32_t mode) {
  werr_t e = check_name(name, len);
  if (e) return e;
  dentry_t *c = dentry_find(dir, name, len);
  if (c && !(c->flags & D_NEGATIVE) && !g_shared) return WASI_EEXIST; /* cached: no syscall */
  int32_t pfd;
  if ((e = dentry_dir_fd(dir, &pfd))) return e;
  int32_t r = SYS_SHED(host_mkdirat(pfd, name, mode));
  if (r < 0) return HOSTERR(r);
  e = chown_created(pfd, name, -1, 1);
  dentry_note_created(dir, name, len);
  return e;
}

/* The seed's mknod: regular files only (anything else EPERM). */
werr_t mknod_at(dentry_t *dir, const char *name, uint32_t len, uint32_t mode, uint32_t dev) {
  werr_t e = check_name(name, len);
  if (e) return e;
  if ((mode & L_S_IFMT) != L_S_IFREG && (mode & L_S_IFMT) != 0) return WASI_EPERM;
  int32_t pfd;
  if ((e = dentry_dir_fd(dir, &pfd))) return e;
  int32_t r = SYS_SHED(host_mknodat(pfd, name, (mode & 07777) | L_S_IFREG, dev));
  if (r < 0) return HOSTERR(r);
  e = chown_created(pfd, name, -1, 0);
  dentry_note_created(dir, name, len);
  return e;
}

/* unlink (is_dir 0) or rmdir (is_dir 1) of (dir, name). A trailing slash requires a directory:
 * unlink of "file/" is ENOTDIR, of "dir/" EISDIR. Errors: host unlinkat errors (ENOENT,
 * EISDIR, ENOTDIR, ENOTEMPTY, EACCES, ...). */
werr_t unlink_at(dentry_t *dir, const char *name, uint32_t len, int is_dir, int trailing) {
  werr_t e = check_name(name, len);
  if (e) return e;
  if (trailing) {
    dentry_t *c;
    int x = exists(dir, name, len, &c);
    if (x < 0) return (werr_t)-x;
    if (x == 0) return WASI_ENOENT;
    if (!d_is_dir(c)) return WASI_ENOTDIR;
    if (!is_dir) return WASI_EISDIR;
  }
  int32_t pfd;
  if ((e = dentry_dir_fd(dir, &pfd))) return e;
  if (!is_dir) dentry_keep_readable(dentry_find(dir, name, len));
  int32_t r = SYS(host_unlinkat(pfd, name, is_dir ? L_AT_REMOVEDIR : 0));
  if (r < 0) return HOSTERR(r);
  dentry_note_removed(dir, name, len);
  return 0;
}

/* Trailing slash on a name to be created as a non-directory: EEXIST if it exists, else ENOENT
 * (as Linux: the existence check comes first). */
static werr_t trailing_create(dentry_t *dir, const char *name, uint32_t len) {
  int x = exists(dir, name, len, NULL);
  return x < 0 ? (werr_t)-x : x ? WASI_EEXIST : WASI_ENOENT;
}

/* symlinkat(target, dir, name). target is NUL-terminated, already checked by the caller. */
werr_t symlink_at(const char *target, dentry_t *dir, const char *name, uint32_t len, int trailing) {
  werr_t e = check_name(name, len);
  if (e) return e;
  if (trailing) { /* "name/": EEXIST for a directory, ENOTDIR for any other existing name (as
                   * wasmtime and wasi-testsuite; Linux says EEXIST), ENOENT when absent */
    dentry_t *cur;
    int x = exists(dir, name, len, &cur);
    return x < 0 ? (werr_t)-x : !x ? WASI_ENOENT : d_is_dir(cur) ? WASI_EEXIST : WASI_ENOTDIR;
  }
  int32_t pfd;
  if ((e = dentry_dir_fd(dir, &pfd))) return e;
  int32_t r = SYS_SHED(host_symlinkat(target, pfd, name));
  if (r < 0) return HOSTERR(r);
  e = chown_created(pfd, name, -1, 0);
  dentry_note_created(dir, name, len);
  return e;
}

/* The seed's link: linkat(src's parent FD, src name, dir FD, name, 0) — never AT_EMPTY_PATH,
 * never following (flags 0). Errors: EEXIST (name exists), EPERM (src is a directory),
 * ENOENT (src deleted, or a trailing slash on an absent name), host errors. */
werr_t link_at(dentry_t *src, dentry_t *dir, const char *name, uint32_t len, int trailing) {
  werr_t e = check_name(name, len);
  if (e) return e;
  if (trailing || d_is_dir(src)) { /* Linux reports an existing new name before EPERM */
    e = trailing_create(dir, name, len);
    return e == WASI_ENOENT && d_is_dir(src) ? WASI_EPERM : e;
  }
  if (!src->parent) return WASI_ENOENT;
  int32_t spfd, pfd;
  if ((e = dentry_dir_fd(src->parent, &spfd))) return e;
  if ((e = dentry_dir_fd(dir, &pfd))) return e;
  int32_t r = SYS_SHED(host_linkat(spfd, src->name, pfd, name, 0));
  if (r < 0) return HOSTERR(r);
  dentry_note_created(dir, name, len);
  dentry_meta_stale(src); /* nlink, ctime */
  return 0;
}

/* rename (flags: renameat2 RENAME_*): resolves both paths' parents, then one renameat2.
 * "." or ".." as either final component: EBUSY (as Linux). A trailing slash on either side
 * requires the source to be a directory (ENOTDIR). Errors: walk errors, host errors. */
werr_t rename_paths(dentry_t *ostart, uint32_t len1, dentry_t *nstart, uint32_t len2, uint32_t flags) {
  extern wfs_io_t g_io;
  walk_t w;
  werr_t e = walk(ostart, g_io.path1, len1, W_PARENT, &w);
  if (e) return e;
  if (w.final_dot) return WASI_EBUSY;
  char oname[256];
  uint32_t olen = w.name_len;
  if ((e = check_name(w.name, olen))) return e;
  memcpy(oname, w.name, olen);
  oname[olen] = 0;
  dentry_t *odir = w.dir;
  int otrail = w.trailing_slash;
  dentry_ref(odir); /* survives the second walk */
  e = walk(nstart, g_io.path2, len2, W_PARENT, &w);
  if (!e && w.final_dot) e = WASI_EBUSY;
  if (!e) e = check_name(w.name, w.name_len);
  if (!e && (otrail || w.trailing_slash)) {
    dentry_t *src;
    int x = exists(odir, oname, olen, &src);
    if (x < 0) e = (werr_t)-x;
    else if (x == 0) e = WASI_ENOENT;
    else if (!d_is_dir(src)) e = WASI_ENOTDIR;
  }
  int32_t opfd = -1, npfd = -1;
  if (!e) e = dentry_dir_fd(odir, &opfd);
  if (!e) e = dentry_dir_fd(w.dir, &npfd);
  if (!e) {
    if (!(flags & L_RENAME_EXCHANGE)) dentry_keep_readable(dentry_find(w.dir, w.name, w.name_len));
    int32_t r = SYS(host_renameat2(opfd, oname, npfd, w.name, flags));
    if (r < 0) e = HOSTERR(r);
    else if (flags & L_RENAME_EXCHANGE) dentry_note_exchanged(odir, oname, olen, w.dir, w.name, w.name_len);
    else dentry_note_renamed(odir, oname, olen, w.dir, w.name, w.name_len);
  }
  dentry_unref(odir);
  return e;
}

/* Resolves path1 for opening; creates the file (O_CREAT|O_EXCL on the host, the seed's
 * openCreate) when WASI_OFLAGS_CREAT asks and it is absent. *out gets a reference.
 * readable/writable: the access the new fd will need (used for the creating open).
 * Errors: EEXIST (CREAT|EXCL and present), ELOOP (final symlink not followed), EISDIR
 * (CREAT with a trailing slash or on a directory), ENOTDIR, EINVAL (CREAT|DIRECTORY),
 * walk errors, host errors. */
werr_t open_path(dentry_t *start, uint32_t len1, uint32_t follow, uint32_t oflags, int readable, int writable, uint32_t mode, dentry_t **out) {
  extern wfs_io_t g_io;
  walk_t w;
  werr_t e;
  dentry_t *d;
  uint32_t wdir = (oflags & WASI_OFLAGS_DIRECTORY) ? W_DIR : 0;
  if (!(oflags & WASI_OFLAGS_CREAT)) {
    uint32_t intent = readable && !writable && !(oflags & WASI_OFLAGS_TRUNC) ? W_OPEN_READ : 0u;
    if ((e = walk(start, g_io.path1, len1, follow | wdir | intent, &w))) return e;
    d = w.d;
    if (d_is_lnk(d)) return WASI_ELOOP;
    if ((oflags & WASI_OFLAGS_TRUNC) && d_is_dir(d)) return WASI_EISDIR;
    dentry_ref(d);
    *out = d;
    return 0;
  }
  if (oflags & WASI_OFLAGS_DIRECTORY) return WASI_EINVAL;
  /* O_EXCL never follows a final symlink (it is EEXIST); otherwise a followed final symlink
   * leads to its target, which is created if absent (Linux open(2)). */
  uint32_t wflags = W_PARENT | ((follow && !(oflags & WASI_OFLAGS_EXCL)) ? W_FOLLOW : 0);
  if ((e = walk(start, g_io.path1, len1, wflags, &w))) return e;
  if (w.final_dot) return (oflags & WASI_OFLAGS_EXCL) ? WASI_EEXIST : WASI_EISDIR;
  if (w.trailing_slash) return WASI_EISDIR;
  if ((e = check_name(w.name, w.name_len))) return e;
  dentry_t *dir = w.dir;
  char name[256];
  uint32_t len = w.name_len;
  memcpy(name, w.name, len);
  name[len] = 0;
  int32_t acc = readable && writable ? L_O_RDWR : writable ? L_O_WRONLY : L_O_RDONLY;
  for (int attempt = 0; attempt < 2; attempt++) {
    /* Known absent (negative dentry) or unknown: try the creating open first (the seed's
     * openCreate: O_CREAT|O_EXCL never follows a symlink and fails on any existing name). */
    dentry_t *c = dentry_find(dir, name, len);
    if (!c || (c->flags & D_NEGATIVE) || g_shared) {
      int32_t pfd;
      if ((e = dentry_dir_fd(dir, &pfd))) return e;
      int32_t fd = dentry_host_open(pfd, name, L_O_CREAT | L_O_EXCL | L_O_NONBLOCK | L_O_NOCTTY | acc, (int32_t)(mode & 07777));
      if (fd >= 0) {
        dentry_note_created(dir, name, len);
        if ((e = chown_created(pfd, name, fd, 0))) {
          dentry_host_close(fd);
          return e;
        }
        if ((e = dentry_adopt_created(dir, name, len, fd, acc != L_O_WRONLY, acc != L_O_RDONLY, &d))) return e;
        dentry_ref(d);
        *out = d;
        return 0;
      }
      if (fd != -17) return HOSTERR(fd);
      if (oflags & WASI_OFLAGS_EXCL) return WASI_EEXIST;
      dentry_forget_name(dir, name, len); /* exists after all: look it up afresh */
    } else if (oflags & WASI_OFLAGS_EXCL) {
      return WASI_EEXIST;
    }
    int x = exists(dir, name, len, &d);
    if (x < 0) return (werr_t)-x;
    if (x == 0) continue; /* removed meanwhile: create again */
    if (d_is_lnk(d)) return WASI_ELOOP; /* not followed (or a link that appeared meanwhile) */
    if (d_is_dir(d)) return WASI_EISDIR;
    dentry_ref(d);
    *out = d;
    return 0;
  }
  return WASI_EEXIST;
}
