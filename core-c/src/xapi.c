/* xapi.c — the Filesystem API extensions (wfs_x_* in wfs.h): the seed's operations that WASI
 * preview1 has no call for (chmod, chown, mknod, xattrs, statfs, renameat2 flags, Linux open
 * flags, nanosecond stat), on the same fd table and dentry cache as the WASI calls.
 *
 * Owns: argument translation for these exports and the seed's chmod / fchown / xattr / statfs
 * host calls. Must not: bypass walk() for paths.
 */
#include <string.h>

#include "fdtable.h"

#define HOSTERR(r) errno_from_linux(r)

static inline void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* The dentry named by (fd, flags, path1[len1]): the fd's own dentry with WFS_X_EMPTY_PATH,
 * else path1 resolved from the directory fd (following a final symlink with WFS_X_FOLLOW).
 * Errors: EBADF, ENOTDIR, walk errors. */
static werr_t x_resolve_r(uint32_t fd, uint32_t flags, uint32_t len1, uint64_t need_path, uint64_t need_fd, dentry_t **out) {
  gfd_t *g;
  werr_t e;
  if (flags & WFS_X_EMPTY_PATH) {
    if ((e = fd_get(fd, need_fd, &g))) return e;
    if (g->kind != K_DENTRY) return WASI_EBADF;
    *out = g->d;
    dentry_touch(g->d);
    return 0;
  }
  if ((e = fd_get_dir(fd, need_path, &g))) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, (flags & WFS_X_FOLLOW) ? W_FOLLOW : 0, &w))) return e;
  *out = w.d;
  return 0;
}
#define x_resolve(fd, flags, len1, out) x_resolve_r(fd, flags, len1, 0, 0, out)
/* Changing metadata needs the set-times rights (a read-only mount has none). */
#define x_resolve_w(fd, flags, len1, out) \
  x_resolve_r(fd, flags, len1, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, WASI_RIGHT_FD_FILESTAT_SET_TIMES, out)

/* Directory and final name of path1 from a directory fd (for creations). */
static werr_t x_parent(uint32_t fd, uint32_t len1, uint64_t need, walk_t *w) {
  gfd_t *g;
  werr_t e = fd_get_dir(fd, need, &g);
  if (e) return e;
  if ((e = walk(g->d, g_io.path1, len1, W_PARENT, w))) return e;
  return w->final_dot ? WASI_EEXIST : 0;
}

static int is_opath_type(const dentry_t *d) { return d_is_lnk(d) || d_type(d) == L_S_IFSOCK; }

/* The seed's gofer fallback (ensureLisafsControlFD + the RPC): directfs has no usable FD for
 * this operation (O_PATH FDs of symlinks and sockets, or no parent for the root). Sends d's path
 * from its mount root to the `lisafs` import. Errors: whatever the gofer answers (EOPNOTSUPP
 * while none is attached), ENOENT (d was deleted), ENAMETOOLONG. */
static werr_t via_lisafs(uint32_t op, dentry_t *d, const char *name, void *buf, uint32_t size, uint32_t arg) {
  static char path[WFS_PATH_MAX + 1];
  uint32_t pos = WFS_PATH_MAX;
  path[pos] = 0;
  dentry_t *c = d;
  for (; c && c->parent; c = c->parent) {
    if (c->name_len + 1 > pos) return WASI_ENAMETOOLONG;
    pos -= c->name_len;
    memcpy(path + pos, c->name, c->name_len);
    path[--pos] = '/';
  }
  if (!c || !(c->flags & D_ROOT)) return WASI_ENOENT; /* deleted: no path to walk */
  g_counters[C_RPCS]++;
  int32_t r = lisafs_fallback(op, c->mount_id, path + pos, WFS_PATH_MAX - pos, name, buf, size, arg);
  if (r < 0) return HOSTERR(r);
  g_io.r[0] = (uint32_t)r;
  return 0;
}

WFS_EXPORT(wfs_x_open) uint32_t wfs_x_open(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t lflags, uint32_t mode) {
  BEGIN();
  gfd_t *g;
  uint64_t need = WASI_RIGHT_PATH_OPEN | ((lflags & L_O_CREAT) ? WASI_RIGHT_PATH_CREATE_FILE : 0) |
                  ((lflags & L_O_TRUNC) ? WASI_RIGHT_PATH_FILESTAT_SET_SIZE : 0);
  werr_t e = fd_get_dir(fd, need, &g);
  if (e) return e;
  uint32_t acc = lflags & L_O_ACCMODE;
  if (acc == 3) return WASI_EINVAL;
  if (acc != L_O_RDONLY && !(g->rights_inh & WASI_RIGHT_FD_WRITE)) return WASI_ENOTCAPABLE;
  uint32_t oflags = 0;
  if (lflags & L_O_CREAT) oflags |= WASI_OFLAGS_CREAT;
  if (lflags & L_O_EXCL) oflags |= WASI_OFLAGS_EXCL;
  if (lflags & L_O_TRUNC) oflags |= WASI_OFLAGS_TRUNC;
  if (lflags & L_O_DIRECTORY) oflags |= WASI_OFLAGS_DIRECTORY;
  uint32_t follow = (lflags & L_O_NOFOLLOW) ? 0 : W_FOLLOW;
  (void)flags;
  int readable = acc != L_O_WRONLY, writable = acc != L_O_RDONLY;
  dentry_t *d;
  if ((e = open_path(g->d, len1, follow, oflags, readable, writable, mode, &d))) return e;
  uint64_t rights = WASI_RIGHTS_ALL & ~(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE);
  if (readable) rights |= WASI_RIGHT_FD_READ;
  if (writable) rights |= WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE;
  if (d_is_dir(d) && writable) e = WASI_EISDIR;
  uint32_t nfd = 0;
  if (!e) {
    e = fd_open_dentry(d, rights & g->rights_inh, g->rights_inh, (lflags & L_O_APPEND) ? WASI_FDFLAGS_APPEND : 0, &nfd);
    if (!e && (lflags & L_O_TRUNC) && d_is_reg(d) && (e = set_size(d, 0))) fd_release(nfd);
  }
  dentry_unref(d);
  if (e) return e;
  g_io.r[0] = nfd;
  return 0;
}

WFS_EXPORT(wfs_x_stat) uint32_t wfs_x_stat(uint32_t fd, uint32_t flags, uint32_t len1) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve(fd, flags, len1, &d);
  if (e || (e = dentry_meta(d))) return e;
  uint8_t *o = g_io.out;
  put_u64(o + 0, 1);
  put_u64(o + 8, dentry_ino(d));
  put_u64(o + 16, d->mode);
  put_u64(o + 24, d->nlink);
  put_u64(o + 32, d->uid);
  put_u64(o + 40, d->gid);
  put_u64(o + 48, d->rdev);
  put_u64(o + 56, d->size);
  put_u64(o + 64, d->blksize);
  put_u64(o + 72, d->blocks);
  put_u64(o + 80, (uint64_t)d->atime);
  put_u64(o + 88, (uint64_t)d->mtime);
  put_u64(o + 96, (uint64_t)d->ctime);
  put_u64(o + 104, (uint64_t)d->btime);
  return 0;
}

/* The seed's chmod: symlinks EOPNOTSUPP (Linux has no lchmod); sockets (and files only reachable
 * with an O_PATH FD) by name from the parent, never following; the mount root of that kind
 * through the gofer; everything else fchmod on its FD. */
WFS_EXPORT(wfs_x_chmod) uint32_t wfs_x_chmod(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t mode) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e) return e;
  if (d_is_lnk(d)) return WASI_ENOTSUP;
  int32_t r = -9;
  if (!is_opath_type(d)) {
    int32_t hfd;
    if ((e = dentry_any_fd(d, &hfd))) return e;
    r = SYS(host_fchmod(hfd, mode & 07777));
  }
  if (r == -9) { /* EBADF: an O_PATH FD (socket, or a file we may not read) */
    static uint32_t m;
    m = mode & 07777;
    if (!d->parent) return via_lisafs(LISAFS_OP_SETSTAT, d, NULL, &m, 4, 0x2);
    int32_t pfd;
    if ((e = dentry_dir_fd(d->parent, &pfd))) return e;
    r = SYS(host_fchmodat(pfd, d->name, mode & 07777, L_AT_SYMLINK_NOFOLLOW));
  }
  dentry_meta_stale(d);
  d->flags |= D_RECHECK;
  return r < 0 ? HOSTERR(r) : 0;
}

/* The seed's fchown: fchownat(fd, "", uid, gid, AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW); -1 keeps. */
WFS_EXPORT(wfs_x_chown) uint32_t wfs_x_chown(uint32_t fd, uint32_t flags, uint32_t len1, int32_t uid, int32_t gid) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e) return e;
  if (uid == -1 && gid == -1) return 0;
  int32_t hfd;
  if ((e = dentry_any_fd(d, &hfd))) return e;
  static const char empty[1] = "";
  int32_t r = SYS(host_fchownat(hfd, empty, uid, gid, L_AT_EMPTY_PATH | L_AT_SYMLINK_NOFOLLOW));
  dentry_meta_stale(d);
  d->flags |= D_RECHECK;
  return r < 0 ? HOSTERR(r) : 0;
}

/* ns since the epoch (any int64: before 1970 too) -> timespec with 0 <= tv_nsec < 1e9. */
static l_timespec_t ts_from_ns(int64_t t) {
  l_timespec_t ts;
  ts.tv_sec = t / 1000000000;
  ts.tv_nsec = t % 1000000000;
  if (ts.tv_nsec < 0) ts.tv_nsec += 1000000000, ts.tv_sec--;
  return ts;
}

/* which: WASI fstflags (ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8); a time not named is kept. */
WFS_EXPORT(wfs_x_utimens) uint32_t wfs_x_utimens(uint32_t fd, uint32_t flags, uint32_t len1, int64_t atime, int64_t mtime, uint32_t which) {
  BEGIN();
  if ((which & 3) == 3 || (which & 12) == 12 || (which & ~15u)) return WASI_EINVAL;
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e) return e;
  l_timespec_t ts[2];
  ts[0] = which & 1 ? ts_from_ns(atime) : (l_timespec_t){0, which & 2 ? L_UTIME_NOW : L_UTIME_OMIT};
  ts[1] = which & 4 ? ts_from_ns(mtime) : (l_timespec_t){0, which & 8 ? L_UTIME_NOW : L_UTIME_OMIT};
  if (d_is_lnk(d) && !d->parent) {
    static l_timespec_t t2[2];
    t2[0] = ts[0], t2[1] = ts[1];
    return via_lisafs(LISAFS_OP_SETSTAT, d, NULL, t2, sizeof t2, 0x20 | 0x40);
  }
  return set_times(d, ts);
}

WFS_EXPORT(wfs_x_truncate) uint32_t wfs_x_truncate(uint32_t fd, uint32_t flags, uint32_t len1, int64_t size) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve_r(fd, flags | WFS_X_FOLLOW, len1, WASI_RIGHT_PATH_FILESTAT_SET_SIZE, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &d);
  return e ? e : set_size(d, size);
}

WFS_EXPORT(wfs_x_mkdir) uint32_t wfs_x_mkdir(uint32_t fd, uint32_t len1, uint32_t mode) {
  BEGIN();
  walk_t w;
  werr_t e = x_parent(fd, len1, WASI_RIGHT_PATH_CREATE_DIRECTORY, &w);
  return e ? e : mkdir_at(w.dir, w.name, w.name_len, mode & 07777);
}

WFS_EXPORT(wfs_x_mknod) uint32_t wfs_x_mknod(uint32_t fd, uint32_t len1, uint32_t mode, uint32_t dev) {
  BEGIN();
  walk_t w;
  werr_t e = x_parent(fd, len1, WASI_RIGHT_PATH_CREATE_FILE, &w);
  if (e) return e;
  if (w.trailing_slash) return WASI_ENOENT;
  return mknod_at(w.dir, w.name, w.name_len, mode, dev);
}

WFS_EXPORT(wfs_x_rename) uint32_t wfs_x_rename(uint32_t fd, uint32_t len1, uint32_t newfd, uint32_t len2, uint32_t rflags) {
  BEGIN();
  gfd_t *go, *gn;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_RENAME_SOURCE, &go);
  if (e || (e = fd_get_dir(newfd, WASI_RIGHT_PATH_RENAME_TARGET, &gn))) return e;
  if (rflags & ~(uint32_t)(L_RENAME_NOREPLACE | L_RENAME_EXCHANGE)) return WASI_EINVAL;
  return rename_paths(go->d, len1, gn->d, len2, rflags);
}

WFS_EXPORT(wfs_x_statfs) uint32_t wfs_x_statfs(uint32_t fd, uint32_t flags, uint32_t len1) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve(fd, flags, len1, &d);
  if (e) return e;
  int32_t hfd;
  if ((e = dentry_any_fd(d, &hfd))) return e;
  static l_statfs_t st;
  int32_t r = SYS(host_fstatfs(hfd, &st));
  if (r < 0) return HOSTERR(r);
  uint8_t *o = g_io.out;
  put_u64(o + 0, (uint64_t)st.f_type);
  put_u64(o + 8, (uint64_t)st.f_bsize);
  put_u64(o + 16, st.f_blocks);
  put_u64(o + 24, st.f_bfree);
  put_u64(o + 32, st.f_bavail);
  put_u64(o + 40, st.f_files);
  put_u64(o + 48, st.f_ffree);
  put_u64(o + 56, (uint64_t)st.f_namelen);
  return 0;
}

/* An FD usable with f*xattr (not O_PATH), or 0 with *lisafs = 1 when only the gofer can do it. */
static werr_t xattr_fd(dentry_t *d, int32_t *hfd, int *lisafs) {
  *lisafs = is_opath_type(d);
  if (*lisafs) return 0;
  return dentry_any_fd(d, hfd);
}

static werr_t xattr_name(uint32_t len2) {
  if (len2 == 0 || len2 > 255) return len2 ? WASI_ERANGE : WASI_EINVAL;
  if (memchr(g_io.path2, 0, len2)) return WASI_EINVAL;
  g_io.path2[len2] = 0;
  return 0;
}

WFS_EXPORT(wfs_x_getxattr) uint32_t wfs_x_getxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2, uint32_t size) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve(fd, flags, len1, &d);
  if (e || (e = xattr_name(len2))) return e;
  int32_t hfd = -1;
  int lisafs;
  if ((e = xattr_fd(d, &hfd, &lisafs))) return e;
  if (size > WFS_DATA_MAX) size = WFS_DATA_MAX;
  if (lisafs) return via_lisafs(LISAFS_OP_GETXATTR, d, g_io.path2, g_io.data, size, 0);
  int32_t r = SYS(host_fgetxattr(hfd, g_io.path2, size ? g_io.data : NULL, size));
  if (r < 0) return HOSTERR(r);
  g_io.r[0] = (uint32_t)r;
  return 0;
}

WFS_EXPORT(wfs_x_setxattr) uint32_t wfs_x_setxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2, uint32_t vlen, uint32_t xflags) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e || (e = xattr_name(len2))) return e;
  if (vlen > WFS_DATA_MAX) return WASI_E2BIG;
  if (xflags & ~3u) return WASI_EINVAL;
  int32_t hfd = -1;
  int lisafs;
  if ((e = xattr_fd(d, &hfd, &lisafs))) return e;
  if (lisafs) return via_lisafs(LISAFS_OP_SETXATTR, d, g_io.path2, g_io.data, vlen, xflags);
  int32_t r = SYS(host_fsetxattr(hfd, g_io.path2, g_io.data, vlen, (int32_t)xflags));
  dentry_meta_stale(d);
  return r < 0 ? HOSTERR(r) : 0;
}

WFS_EXPORT(wfs_x_listxattr) uint32_t wfs_x_listxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t size) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve(fd, flags, len1, &d);
  if (e) return e;
  int32_t hfd = -1;
  int lisafs;
  if ((e = xattr_fd(d, &hfd, &lisafs))) return e;
  if (size > WFS_DATA_MAX) size = WFS_DATA_MAX;
  if (lisafs) return via_lisafs(LISAFS_OP_LISTXATTR, d, NULL, g_io.data, size, 0);
  int32_t r = SYS(host_flistxattr(hfd, size ? (char *)g_io.data : NULL, size));
  if (r < 0) return HOSTERR(r);
  g_io.r[0] = (uint32_t)r;
  return 0;
}

WFS_EXPORT(wfs_x_removexattr) uint32_t wfs_x_removexattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e || (e = xattr_name(len2))) return e;
  int32_t hfd = -1;
  int lisafs;
  if ((e = xattr_fd(d, &hfd, &lisafs))) return e;
  if (lisafs) return via_lisafs(LISAFS_OP_REMOVEXATTR, d, g_io.path2, NULL, 0, 0);
  int32_t r = SYS(host_fremovexattr(hfd, g_io.path2));
  dentry_meta_stale(d);
  return r < 0 ? HOSTERR(r) : 0;
}

WFS_EXPORT(wfs_x_allocate) uint32_t wfs_x_allocate(uint32_t fd, uint32_t mode, int64_t off, int64_t len) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  if (g->kind != K_DENTRY) return WASI_ESPIPE;
  if (d_is_dir(g->d)) return WASI_EISDIR;
  if (!(g->rights & WASI_RIGHT_FD_ALLOCATE)) return WASI_ENOTCAPABLE; /* not open for writing */
  if (off < 0 || len <= 0) return WASI_EINVAL;
  return allocate(g->d, (int32_t)mode, off, len);
}

/* Credentials for creations (the seed's creds.EffectiveKUID/KGID): every file, directory and
 * symlink created afterwards gets this owner (fchown right after creation; unlinked if that
 * fails). -1 keeps the host process's id. */
WFS_EXPORT(wfs_x_set_owner) uint32_t wfs_x_set_owner(int32_t uid, int32_t gid) {
  BEGIN();
  g_owner_uid = uid;
  g_owner_gid = gid;
  return 0;
}

/* The seed's setStat: applies, in order, mode, size, atime/mtime, uid/gid (mask bits as Linux
 * STATX_*: MODE 0x2, UID 0x8, GID 0x10, ATIME 0x20, MTIME 0x40, SIZE 0x200); a failed step ORs
 * its bits into the failure mask (r0) and records its errno (r1); the other steps still run.
 * Times: ns since the epoch, -2 = now. Errors (returned): EPERM for other mask bits, EISDIR /
 * EINVAL for SIZE on a directory / non-regular file, resolution errors. */
WFS_EXPORT(wfs_x_setstat) uint32_t wfs_x_setstat(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t mask, uint32_t mode, int32_t uid, int32_t gid, int64_t size, int64_t atime, int64_t mtime) {
  BEGIN();
  enum { M_MODE = 0x2, M_UID = 0x8, M_GID = 0x10, M_ATIME = 0x20, M_MTIME = 0x40, M_SIZE = 0x200 };
  if (mask & ~(uint32_t)(M_MODE | M_UID | M_GID | M_ATIME | M_MTIME | M_SIZE)) return WASI_EPERM;
  dentry_t *d;
  werr_t e = x_resolve_w(fd, flags, len1, &d);
  if (e) return e;
  if ((mask & M_SIZE) && d_is_dir(d)) return WASI_EISDIR;
  if ((mask & M_SIZE) && !d_is_reg(d)) return WASI_EINVAL;
  uint32_t fail = 0;
  werr_t last = 0;
  dentry_ref(d); /* the steps below may re-open FDs: keep d */
  if (mask & M_MODE) {
    int32_t hfd, r = -95;
    if (!d_is_lnk(d) && !(e = dentry_any_fd(d, &hfd))) r = SYS(host_fchmod(hfd, mode & 07777));
    else if (e) r = -5;
    if (r == -9 && d->parent && !(e = dentry_dir_fd(d->parent, &hfd)))
      r = SYS(host_fchmodat(hfd, d->name, mode & 07777, L_AT_SYMLINK_NOFOLLOW));
    if (r < 0) fail |= M_MODE, last = e ? e : HOSTERR(r);
  }
  if ((mask & M_SIZE) && (e = set_size(d, size))) fail |= M_SIZE, last = e;
  if (mask & (M_ATIME | M_MTIME)) {
    l_timespec_t ts[2];
    int64_t t[2] = {atime, mtime};
    uint32_t bit[2] = {M_ATIME, M_MTIME};
    for (int i = 0; i < 2; i++) {
      if (!(mask & bit[i])) ts[i].tv_sec = 0, ts[i].tv_nsec = L_UTIME_OMIT;
      else if (t[i] == -2) ts[i].tv_sec = 0, ts[i].tv_nsec = L_UTIME_NOW;
      else ts[i] = ts_from_ns(t[i]);
    }
    if ((e = set_times(d, ts))) fail |= mask & (M_ATIME | M_MTIME), last = e;
  }
  if (mask & (M_UID | M_GID)) {
    int32_t hfd;
    static const char empty[1] = "";
    int32_t r = (e = dentry_any_fd(d, &hfd)) ? -5
                : SYS(host_fchownat(hfd, empty, (mask & M_UID) ? uid : -1, (mask & M_GID) ? gid : -1, L_AT_EMPTY_PATH | L_AT_SYMLINK_NOFOLLOW));
    if (r < 0) fail |= mask & (M_UID | M_GID), last = e ? e : HOSTERR(r);
  }
  dentry_meta_stale(d);
  if (mask & (M_MODE | M_UID | M_GID)) d->flags |= D_RECHECK;
  dentry_unref(d);
  g_io.r[0] = fail;
  g_io.r[1] = last;
  return 0;
}

/* connect(2) to a Unix socket file inside the mount: directfs has no path to hand to connect, so
 * the gofer connects (the seed's connect via ensureLisafsControlFD). r0 = the connected host
 * socket FD, owned by the embedder. Errors: ECONNREFUSED/EACCES from the gofer, ENOTSOCK (not a
 * socket file), EOPNOTSUPP without a gofer, walk errors. */
WFS_EXPORT(wfs_x_connect) uint32_t wfs_x_connect(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t socktype) {
  BEGIN();
  dentry_t *d;
  werr_t e = x_resolve(fd, flags, len1, &d);
  if (e || (e = dentry_meta(d))) return e;
  if (d_type(d) != L_S_IFSOCK) return WASI_ENOTSOCK;
  return via_lisafs(LISAFS_OP_CONNECT, d, NULL, NULL, 0, socktype);
}

/* bind(2) of a new Unix socket file at path1 (the seed's bindAt through the gofer): r0 = the
 * bound host socket FD, owned by the embedder. Errors: EEXIST, EPERM, EOPNOTSUPP without a
 * gofer, walk errors. */
WFS_EXPORT(wfs_x_bind) uint32_t wfs_x_bind(uint32_t fd, uint32_t len1, uint32_t socktype, uint32_t mode) {
  BEGIN();
  walk_t w;
  werr_t e = x_parent(fd, len1, WASI_RIGHT_PATH_CREATE_FILE, &w);
  if (e) return e;
  if (w.trailing_slash) return WASI_ENOENT;
  if ((e = check_name(w.name, w.name_len))) return e;
  static char name[256];
  memcpy(name, w.name, w.name_len);
  name[w.name_len] = 0;
  e = via_lisafs(LISAFS_OP_BIND, w.dir, name, NULL, mode & 07777, socktype);
  if (!e) dentry_note_created(w.dir, name, w.name_len);
  return e;
}
