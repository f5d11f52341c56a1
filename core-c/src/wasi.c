/* wasi.c — the wasi_snapshot_preview1 operations over the guest fd table and the dentry cache.
 *
 * Owns: the exported wfs_* entry points of include/wfs.h for WASI calls, the guest fd table,
 * rights enforcement, file offsets, readdir snapshots and cookies, poll.
 * Each export: bump the operation generation, check the fd and its rights, resolve paths with
 * walk(), call one directfs operation (dentry.c or a host call on a dentry FD), update the cache.
 * Must not: see guest memory (TS copies arguments into g_io), open host FDs except through
 * dentry.c.
 */
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"

wfs_io_t g_io;
gfd_t *g_fds;     /* the guest fd table (checkpoint.c reads it) */
uint32_t g_nfds;  /* allocated slots */
static uint32_t g_initialized;

#define HOSTERR(r) errno_from_linux(r)

static inline void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* ---- set-up ---------------------------------------------------------------------------------- */
WFS_EXPORT(wfs_io) wfs_io_t *wfs_io(void) { return &g_io; }

WFS_EXPORT(wfs_layout) uint32_t wfs_layout(uint32_t i) {
  switch (i) {
    case 0: return (uint32_t)offsetof(wfs_io_t, r);
    case 1: return (uint32_t)offsetof(wfs_io_t, out);
    case 2: return (uint32_t)offsetof(wfs_io_t, path1);
    case 3: return (uint32_t)offsetof(wfs_io_t, path2);
    case 4: return (uint32_t)offsetof(wfs_io_t, iovs);
    case 5: return (uint32_t)offsetof(wfs_io_t, data);
    case 6: return WFS_PATH_MAX;
    case 7: return WFS_IOV_MAX;
    case 8: return WFS_DATA_MAX;
    case 9: return WFS_ABI_VERSION;
    case 10: return (uint32_t)offsetof(wfs_io_t, epoch);
    case 11: return (uint32_t)offsetof(wfs_io_t, fast);
    case 12: return WFS_FAST_FDS;
    case 13: return (uint32_t)offsetof(wfs_io_t, fd_epoch);
    default: return 0;
  }
}

WFS_EXPORT(wfs_init) uint32_t wfs_init(uint32_t flags, uint32_t max_fds, uint32_t max_dentries, uint32_t budget) {
  if (g_initialized) return WASI_EBUSY;
  g_initialized = 1;
  g_io.epoch = 1; /* fast-table entries start at epoch 0: none is current before a publish */
  g_io.fd_epoch = 1;
  g_shared = (flags & WFS_INIT_SHARED) != 0;
  g_limits.max_fds = max_fds ? max_fds : 8192;
  g_limits.max_dentries = max_dentries ? max_dentries : 100000;
  g_limits.host_fd_budget = budget ? budget : 768;
  g_limits.max_negative = 1000;
  g_limits.max_symlinks = 40;
  g_limits.max_dir_bytes = 64u << 20;
  dentry_init_tables();
  return 0;
}

WFS_EXPORT(wfs_stat_counter) uint32_t wfs_stat_counter(uint32_t i) { return i < 8 ? g_counters[i] : 0; }

/* ---- fd table ------------------------------------------------------------------------------ */
werr_t fd_get(uint32_t fd, uint64_t need, gfd_t **out) {
  if (fd >= g_nfds || g_fds[fd].kind == K_FREE) return WASI_EBADF;
  gfd_t *g = &g_fds[fd];
  if ((g->rights & need) != need) return WASI_ENOTCAPABLE;
  *out = g;
  return 0;
}

/* A directory fd with rights `need` (path operations start here). Errors: EBADF, ENOTDIR,
 * ENOTCAPABLE. */
werr_t fd_get_dir(uint32_t fd, uint64_t need, gfd_t **out) {
  if (fd >= g_nfds || g_fds[fd].kind == K_FREE) return WASI_EBADF;
  gfd_t *g = &g_fds[fd];
  if (g->kind != K_DENTRY || !d_is_dir(g->d)) return WASI_ENOTDIR;
  if ((g->rights & need) != need) return WASI_ENOTCAPABLE;
  *out = g;
  return 0;
}

/* Slot `fd` (restore): grows the table; the slot must be free. Errors: EBADF, EEXIST, ENOMEM. */
werr_t fd_alloc_at(uint32_t fd, gfd_t **out) {
  if (fd >= g_limits.max_fds) return WASI_EBADF;
  if (fd >= g_nfds) {
    uint32_t n = g_nfds ? g_nfds : 64;
    while (n <= fd) n *= 2;
    if (n > g_limits.max_fds) n = g_limits.max_fds;
    gfd_t *t = realloc(g_fds, n * sizeof *t);
    if (!t) return WASI_ENOMEM;
    memset(t + g_nfds, 0, (n - g_nfds) * sizeof *t);
    g_fds = t;
    g_nfds = n;
  }
  if (g_fds[fd].kind != K_FREE) return WASI_EEXIST;
  memset(&g_fds[fd], 0, sizeof g_fds[fd]);
  *out = &g_fds[fd];
  return 0;
}

/* Lowest free fd number. Errors: EMFILE (max_fds), ENOMEM. */
werr_t fd_alloc(uint32_t *fd, gfd_t **out) {
  uint32_t i = 0;
  while (i < g_nfds && g_fds[i].kind != K_FREE) i++;
  if (i >= g_limits.max_fds) return WASI_EMFILE;
  if (i == g_nfds) {
    uint32_t n = g_nfds ? g_nfds * 2 : 64;
    if (n > g_limits.max_fds) n = g_limits.max_fds;
    gfd_t *t = realloc(g_fds, n * sizeof *t);
    if (!t) return WASI_ENOMEM;
    memset(t + g_nfds, 0, (n - g_nfds) * sizeof *t);
    g_fds = t;
    g_nfds = n;
  }
  memset(&g_fds[i], 0, sizeof g_fds[i]);
  *fd = i;
  *out = &g_fds[i];
  return 0;
}

static void snap_free(dirsnap_t *s) {
  if (!s) return;
  free(s->at);
  free(s->recs);
  free(s);
}

void fd_release(uint32_t fd) {
  g_io.fd_epoch++; /* stream fast entries (see wfs_io_t.fast) */
  gfd_t *g = &g_fds[fd];
  if (g->kind == K_DENTRY) {
    dentry_t *d = g->d;
    dentry_open_count(d, -1);
    dentry_unref(d);
  }
  free(g->pname);
  snap_free(g->snap);
  memset(g, 0, sizeof *g);
}

void fd_release_all(void) {
  for (uint32_t i = 0; i < g_nfds; i++)
    if (g_fds[i].kind != K_FREE) fd_release(i);
}

int is_stream_type(const dentry_t *d) { return !d_is_reg(d) && !d_is_dir(d); }

/* Opens a guest fd on d (taking a reference), with handles for the access its rights imply.
 * Errors: EMFILE, ENOMEM, handle open errors (EACCES, ...). */
werr_t fd_open_dentry(dentry_t *d, uint64_t rights, uint64_t inh, uint16_t fdflags, uint32_t *fd) {
  int readable = 0, writable = 0;
  werr_t e;
  int32_t hfd;
  /* Devices and sockets are not opened (security battery RT-05: refused by default, as runsc's
   * gofer does; block devices also by gVisor's checkSupportedFileType). They can be stat'ed. */
  if (d_type(d) == L_S_IFBLK || d_type(d) == L_S_IFCHR || d_type(d) == L_S_IFSOCK) return WASI_EPERM;
  if (d_is_dir(d)) {
    rights &= RIGHTS_DIR;
    e = dentry_dir_fd(d, &hfd);
  } else {
    rights &= RIGHTS_FILE;
    inh = 0;
    readable = (rights & RIGHTS_NEED_READ) != 0;
    writable = (rights & RIGHTS_NEED_WRITE) != 0;
    if (readable || writable) e = dentry_handle(d, readable, writable, g_shared || (d->flags & D_RECHECK), &hfd);
    else e = dentry_any_fd(d, &hfd);
  }
  if (e) return e;
  gfd_t *g;
  e = fd_alloc(fd, &g);
  if (e) return e;
  g->kind = K_DENTRY;
  g->d = d;
  g->rights = rights;
  g->rights_inh = inh;
  g->fdflags = fdflags;
  g->readable = (uint8_t)readable;
  g->writable = (uint8_t)writable;
  dentry_ref(d);
  dentry_open_count(d, 1);
  return 0;
}

WFS_EXPORT(wfs_preopen) uint32_t wfs_preopen(int32_t host_fd, uint32_t name_len, uint32_t readonly) {
  BEGIN();
  if (name_len > WFS_PATH_MAX) return WASI_ENAMETOOLONG;
  werr_t e;
  static uint32_t mounts;
  dentry_t *root = dentry_new_root(host_fd, &e);
  if (!root) return e;
  root->mount_id = mounts++;
  uint64_t strip = readonly ? RIGHTS_WRITING : 0;
  uint32_t fd;
  e = fd_open_dentry(root, RIGHTS_DIR & ~strip, WASI_RIGHTS_ALL & ~strip, 0, &fd);
  dentry_unref(root); /* the fd holds it now */
  if (e) return e;
  gfd_t *g = &g_fds[fd];
  g->preopen = 1;
  g->pname = malloc(name_len + 1);
  if (!g->pname) {
    fd_release(fd);
    return WASI_ENOMEM;
  }
  memcpy(g->pname, g_io.path1, name_len);
  g->pname[name_len] = 0;
  g->pname_len = name_len;
  g_io.r[0] = fd;
  return 0;
}

WFS_EXPORT(wfs_stdio) uint32_t wfs_stdio(uint32_t fd, int32_t host_fd, uint32_t readable, uint32_t writable) {
  BEGIN();
  if (fd < g_nfds && g_fds[fd].kind != K_FREE) fd_release(fd);
  gfd_t *g;
  werr_t e = fd_alloc_at(fd, &g);
  if (e) return e;
  g->kind = K_STREAM;
  g->host_fd = host_fd;
  g->rights = WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE |
              (readable ? WASI_RIGHT_FD_READ : 0) |
              (writable ? WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC : 0);
  return 0;
}

WFS_EXPORT(wfs_shutdown) void wfs_shutdown(void) {
  BEGIN();
  fd_release_all();
  dentry_shutdown();
}

/* ---- metadata out --------------------------------------------------------------------------- */
#define GUEST_DEV 1 /* one device: guest inode numbers are unique across all mounts */

void fill_filestat(dentry_t *d, uint8_t *out) {
  memset(out, 0, WASI_FILESTAT_SIZE);
  put_u64(out + 0, GUEST_DEV);
  put_u64(out + 8, dentry_ino(d));
  out[16] = wasi_filetype(d->mode);
  put_u64(out + 24, d->nlink);
  put_u64(out + 32, d->size);
  put_u64(out + 40, (uint64_t)d->atime);
  put_u64(out + 48, (uint64_t)d->mtime);
  put_u64(out + 56, (uint64_t)d->ctime);
}

static l_statx_t g_sstx;
static const char k_empty[1] = "";

/* filestat of a stream's host fd (stdio). */
static werr_t stream_filestat(int32_t host_fd, uint8_t *out, uint8_t *type) {
  int32_t r = SYS(host_statx(host_fd, k_empty, L_AT_EMPTY_PATH, L_STATX_BASIC_STATS, &g_sstx));
  if (r < 0) return HOSTERR(r);
  if (out) {
    memset(out, 0, WASI_FILESTAT_SIZE);
    out[16] = wasi_filetype(g_sstx.stx_mode);
    put_u64(out + 24, g_sstx.stx_nlink);
    put_u64(out + 32, g_sstx.stx_size);
    put_u64(out + 40, (uint64_t)(g_sstx.stx_atime.tv_sec * 1000000000ll + g_sstx.stx_atime.tv_nsec));
    put_u64(out + 48, (uint64_t)(g_sstx.stx_mtime.tv_sec * 1000000000ll + g_sstx.stx_mtime.tv_nsec));
    put_u64(out + 56, (uint64_t)(g_sstx.stx_ctime.tv_sec * 1000000000ll + g_sstx.stx_ctime.tv_nsec));
  }
  if (type) *type = wasi_filetype(g_sstx.stx_mode);
  return 0;
}

/* ---- fd_* ------------------------------------------------------------------------------------ */
WFS_EXPORT(wfs_fd_fdstat_get) uint32_t wfs_fd_fdstat_get(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  uint8_t type;
  if (g->kind == K_STREAM) {
    e = stream_filestat(g->host_fd, NULL, &type);
    if (e) type = WASI_FILETYPE_CHARACTER_DEVICE;
  } else {
    type = wasi_filetype(g->d->mode);
  }
  uint8_t *o = g_io.out;
  memset(o, 0, WASI_FDSTAT_SIZE);
  o[0] = type;
  put_u16(o + 2, g->fdflags);
  put_u64(o + 8, g->rights);
  put_u64(o + 16, g->rights_inh);
  return 0;
}

WFS_EXPORT(wfs_fd_fdstat_set_flags) uint32_t wfs_fd_fdstat_set_flags(uint32_t fd, uint32_t flags) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &g);
  if (e) return e;
  if (flags & ~0x1fu) return WASI_EINVAL;
  if ((flags & WASI_FDFLAGS_APPEND) && !(g->rights & WASI_RIGHT_FD_WRITE) && g->kind == K_DENTRY && !d_is_dir(g->d))
    return WASI_ENOTCAPABLE;
  g->fdflags = (uint16_t)flags;
  g_io.fd_epoch++; /* stream fast entries (see wfs_io_t.fast) */
  return 0;
}

WFS_EXPORT(wfs_fd_fdstat_set_rights) uint32_t wfs_fd_fdstat_set_rights(uint32_t fd, int64_t base, int64_t inh) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  if (((uint64_t)base & ~g->rights) || ((uint64_t)inh & ~g->rights_inh)) return WASI_ENOTCAPABLE;
  g->rights = (uint64_t)base;
  g->rights_inh = (uint64_t)inh;
  g_io.fd_epoch++; /* stream fast entries (see wfs_io_t.fast) */
  return 0;
}

WFS_EXPORT(wfs_fd_close) uint32_t wfs_fd_close(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  fd_release(fd);
  return 0;
}

WFS_EXPORT(wfs_fd_renumber) uint32_t wfs_fd_renumber(uint32_t from, uint32_t to) {
  BEGIN();
  gfd_t *a, *b;
  werr_t e = fd_get(from, 0, &a);
  if (e) return e;
  e = fd_get(to, 0, &b);
  if (e) return e;
  if (from == to) return 0;
  fd_release(to);
  g_fds[to] = g_fds[from];
  memset(&g_fds[from], 0, sizeof g_fds[from]);
  return 0;
}

WFS_EXPORT(wfs_fd_prestat_get) uint32_t wfs_fd_prestat_get(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  if (!g->preopen) return WASI_EBADF;
  g_io.r[0] = g->pname_len;
  return 0;
}

WFS_EXPORT(wfs_fd_prestat_dir_name) uint32_t wfs_fd_prestat_dir_name(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  if (!g->preopen) return WASI_EBADF;
  uint32_t n = g->pname_len < WFS_DATA_MAX ? g->pname_len : WFS_DATA_MAX;
  memcpy(g_io.data, g->pname, n);
  g_io.r[0] = n;
  return 0;
}

WFS_EXPORT(wfs_fd_filestat_get) uint32_t wfs_fd_filestat_get(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_FILESTAT_GET, &g);
  if (e) return e;
  if (g->kind == K_STREAM) return stream_filestat(g->host_fd, g_io.out, NULL);
  e = dentry_meta(g->d);
  if (e) return e;
  fill_filestat(g->d, g_io.out);
  return 0;
}

/* The FD a data operation on g uses: the shared read or write handle (regular files and other
 * non-directories), or the stream's host fd. Errors: EISDIR, handle errors. */
static werr_t io_fd(gfd_t *g, int write, int32_t *fd) {
  if (g->kind == K_STREAM) {
    *fd = g->host_fd;
    return 0;
  }
  if (d_is_dir(g->d)) return WASI_EISDIR;
  return dentry_handle(g->d, !write, write, 0, fd);
}

static werr_t sync_after_write(gfd_t *g, int32_t fd) {
  int32_t r = 0;
  if (g->fdflags & WASI_FDFLAGS_SYNC) r = SYS(host_fsync(fd));
  else if (g->fdflags & WASI_FDFLAGS_DSYNC) r = SYS(host_fdatasync(fd));
  return r < 0 ? HOSTERR(r) : 0;
}

static werr_t check_iovcnt(uint32_t n) { return n > WFS_IOV_MAX ? WASI_EINVAL : 0; }

/* Total bytes of the n iovecs in g_io (a zero-length transfer needs no syscall). */
static uint64_t iov_total(uint32_t n) {
  uint64_t t = 0;
  for (uint32_t i = 0; i < n; i++) t += g_io.iovs[2 * i + 1];
  return t;
}

/* Waits until a non-blocking stream FD is ready (stdio set non-blocking by someone else). */
static void wait_ready(int32_t fd, int16_t events) {
  static l_pollfd_t p;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  SYS(host_poll(&p, 1, -1));
}

/* ---- the fast table (wfs_io_t.fast in wfs.h) ----------------------------------------------- */
static uint32_t g_fast_fd = WFS_FAST_FDS; /* the fd of the last entry published */

/* After a successful data call on guest fd `fd`: publish its entry for the current epoch.
 * wrote: the call was a write; only then are writes published, and the dentry's cached
 * metadata is marked stale (fast writes change size and times, and nothing can re-read the
 * metadata while the entry is current: every export bumps the epoch first).
 * Handles stay put while the fd is open (open fds pin their dentry's handles). */
static void fast_publish(uint32_t fd, const gfd_t *g, int wrote) {
  if (fd >= WFS_FAST_FDS) return;
  if (g->kind == K_STREAM) { /* a borrowed stdio FD: writes only, no position */
    if (!wrote || g->host_fd < 0 || !(g->rights & WASI_RIGHT_FD_WRITE) ||
        (g->fdflags & (WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_SYNC | WASI_FDFLAGS_RSYNC)))
      return;
    wfs_fast_t *f = &g_io.fast[fd];
    f->read_fd = -1;
    f->write_fd = g->host_fd;
    f->offset = 0;
    f->ops = WFS_FAST_STREAM;
    f->epoch = g_io.fd_epoch;
    return;
  }
  if (g->kind != K_DENTRY || !d_is_reg(g->d)) return;
  dentry_t *d = g->d;
  wfs_fast_t *f = &g_io.fast[fd];
  uint32_t ops = 0;
  f->read_fd = g->readable ? d->read_fd : -1;
  f->write_fd = g->writable ? d->write_fd : -1;
  if (f->read_fd >= 0 && (g->rights & WASI_RIGHT_FD_READ)) {
    ops |= WFS_FAST_READ;
    if (g->rights & WASI_RIGHT_FD_SEEK) ops |= WFS_FAST_PREAD;
  }
  if (wrote && f->write_fd >= 0 && (g->rights & WASI_RIGHT_FD_WRITE) &&
      !(g->fdflags & (WASI_FDFLAGS_APPEND | WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_SYNC | WASI_FDFLAGS_RSYNC))) {
    ops |= WFS_FAST_WRITE;
    if (g->rights & WASI_RIGHT_FD_SEEK) ops |= WFS_FAST_PWRITE;
    dentry_meta_stale(d);
  }
  if (!ops) return;
  f->offset = g->offset;
  f->ops = ops;
  f->epoch = g_io.epoch;
  g_fast_fd = fd;
}

/* First step of every export (BEGIN): the position the caller advanced on the current entry
 * goes back to its fd (the fd is unchanged: nothing ran in the core since it was published). */
void fast_take_back(void) {
  uint32_t fd = g_fast_fd;
  if (fd < WFS_FAST_FDS && g_io.fast[fd].epoch == g_io.epoch) g_fds[fd].offset = g_io.fast[fd].offset;
  g_fast_fd = WFS_FAST_FDS;
}

static werr_t do_read(gfd_t *g, uint32_t mem, uint32_t n, int64_t off, int positional) {
  werr_t e = check_iovcnt(n);
  if (e) return e;
  if (iov_total(n) == 0) {
    g_io.r[0] = 0;
    return 0;
  }
  int32_t fd;
  e = io_fd(g, 0, &fd);
  if (e) return e;
  int stream = g->kind == K_STREAM || is_stream_type(g->d);
  if (positional && stream) return WASI_ESPIPE;
  int64_t at = stream ? -1 : positional ? off : (int64_t)g->offset;
  int32_t r;
  for (;;) {
    r = SYS(host_preadv(fd, (int32_t)mem, (const wfs_iovec_t *)g_io.iovs, n, at));
    if (r == -11 && g->kind == K_STREAM && !(g->fdflags & WASI_FDFLAGS_NONBLOCK)) {
      wait_ready(fd, 1);
      continue;
    }
    break;
  }
  if (r < 0) return HOSTERR(r);
  if (!positional && !stream) g->offset += (uint32_t)r;
  g_io.r[0] = (uint32_t)r;
  return 0;
}

static werr_t do_write(gfd_t *g, uint32_t mem, uint32_t n, int64_t off, int positional) {
  werr_t e = check_iovcnt(n);
  if (e) return e;
  if (iov_total(n) == 0) {
    g_io.r[0] = 0;
    return 0;
  }
  int32_t fd;
  e = io_fd(g, 1, &fd);
  if (e) return e;
  int stream = g->kind == K_STREAM || is_stream_type(g->d);
  if (positional && stream) return WASI_ESPIPE;
  int append = !positional && !stream && (g->fdflags & WASI_FDFLAGS_APPEND);
  int64_t at = stream || append ? -1 : positional ? off : (int64_t)g->offset;
  int32_t r;
  for (;;) {
    r = SYS(host_pwritev(fd, (int32_t)mem, (const wfs_iovec_t *)g_io.iovs, n, at, append ? L_RWF_APPEND : 0));
    if (r == -11 && g->kind == K_STREAM && !(g->fdflags & WASI_FDFLAGS_NONBLOCK)) {
      wait_ready(fd, 4);
      continue;
    }
    break;
  }
  if (r < 0) return HOSTERR(r);
  g_io.r[0] = (uint32_t)r;
  if (g->kind == K_DENTRY) {
    dentry_meta_stale(g->d);
    if (append) {
      e = dentry_meta(g->d);
      if (e) return e;
      g->offset = g->d->size;
    } else if (!positional && !stream) {
      g->offset += (uint32_t)r;
    }
  }
  return sync_after_write(g, fd);
}

/* fd_get for the data calls: a directory is EISDIR whatever its rights (as POSIX read(2)). */
static werr_t fd_get_io(uint32_t fd, uint64_t need, gfd_t **out) {
  werr_t e = fd_get(fd, 0, out);
  if (e) return e;
  if ((*out)->kind == K_DENTRY && d_is_dir((*out)->d)) return WASI_EISDIR;
  return ((*out)->rights & need) == need ? 0 : WASI_ENOTCAPABLE;
}

WFS_EXPORT(wfs_fd_read) uint32_t wfs_fd_read(uint32_t fd, uint32_t mem, uint32_t n) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_io(fd, WASI_RIGHT_FD_READ, &g);
  if (!e) e = do_read(g, mem, n, 0, 0);
  if (!e) fast_publish(fd, g, 0);
  return e;
}

WFS_EXPORT(wfs_fd_pread) uint32_t wfs_fd_pread(uint32_t fd, uint32_t mem, uint32_t n, int64_t off) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_io(fd, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, &g);
  if (e) return e;
  if (off < 0) return WASI_EINVAL;
  e = do_read(g, mem, n, off, 1);
  if (!e) fast_publish(fd, g, 0);
  return e;
}

WFS_EXPORT(wfs_fd_write) uint32_t wfs_fd_write(uint32_t fd, uint32_t mem, uint32_t n) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_io(fd, WASI_RIGHT_FD_WRITE, &g);
  if (!e) e = do_write(g, mem, n, 0, 0);
  if (!e) fast_publish(fd, g, 1);
  return e;
}

WFS_EXPORT(wfs_fd_pwrite) uint32_t wfs_fd_pwrite(uint32_t fd, uint32_t mem, uint32_t n, int64_t off) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_io(fd, WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK, &g);
  if (e) return e;
  if (off < 0) return WASI_EINVAL;
  e = do_write(g, mem, n, off, 1);
  if (!e) fast_publish(fd, g, 1);
  return e;
}

WFS_EXPORT(wfs_fd_seek) uint32_t wfs_fd_seek(uint32_t fd, int64_t off, uint32_t whence) {
  BEGIN();
  gfd_t *g;
  uint64_t need = (whence == WASI_WHENCE_CUR && off == 0) ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
  werr_t e = fd_get(fd, 0, &g);
  if (e) return e;
  if (g->kind == K_DENTRY && d_is_dir(g->d)) return WASI_EBADF;
  if ((g->rights & need) != need && !(g->kind == K_STREAM && (g->rights & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE))))
    return WASI_ENOTCAPABLE;
  if (whence > WASI_WHENCE_END) return WASI_EINVAL;
  if (g->kind == K_STREAM || is_stream_type(g->d)) {
    int32_t hfd = g->kind == K_STREAM ? g->host_fd : -1;
    if (hfd < 0 && (g->kind == K_STREAM || (e = dentry_any_fd(g->d, &hfd)))) return e ? e : WASI_EBADF;
    int wh = whence == WASI_WHENCE_SET ? 0 : whence == WASI_WHENCE_CUR ? 1 : 2;
    int64_t r = SYS(host_lseek(hfd, off, wh));
    if (r < 0) return HOSTERR((int32_t)r);
    g_io.r[0] = (uint64_t)r;
    return 0;
  }
  int64_t base = 0;
  if (whence == WASI_WHENCE_CUR) base = (int64_t)g->offset;
  else if (whence == WASI_WHENCE_END) {
    e = dentry_meta(g->d);
    if (e) return e;
    base = (int64_t)g->d->size;
  }
  int64_t n;
  if (__builtin_add_overflow(base, off, &n) || n < 0) return WASI_EINVAL;
  g->offset = (uint64_t)n;
  g_io.r[0] = (uint64_t)n;
  return 0;
}

WFS_EXPORT(wfs_fd_tell) uint32_t wfs_fd_tell(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_TELL, &g);
  if (e) return e;
  if (g->kind == K_STREAM || is_stream_type(g->d) || d_is_dir(g->d)) {
    if (g->kind == K_DENTRY && d_is_dir(g->d)) return WASI_EBADF;
    int32_t hfd = g->kind == K_STREAM ? g->host_fd : -1;
    if (hfd < 0 && (g->kind == K_STREAM || (e = dentry_any_fd(g->d, &hfd)))) return e ? e : WASI_EBADF;
    int64_t r = SYS(host_lseek(hfd, 0, 1));
    if (r < 0) return HOSTERR((int32_t)r);
    g_io.r[0] = (uint64_t)r;
    return 0;
  }
  g_io.r[0] = g->offset;
  return 0;
}

static werr_t sync_fd(gfd_t *g, int data) {
  int32_t fd;
  werr_t e;
  if (g->kind == K_STREAM) fd = g->host_fd;
  else if (g->d->write_fd >= 0) fd = g->d->write_fd;
  else if ((e = dentry_any_fd(g->d, &fd))) return e;
  int32_t r = data ? SYS(host_fdatasync(fd)) : SYS(host_fsync(fd));
  return r < 0 ? HOSTERR(r) : 0;
}

WFS_EXPORT(wfs_fd_sync) uint32_t wfs_fd_sync(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_SYNC, &g);
  return e ? e : sync_fd(g, 0);
}

WFS_EXPORT(wfs_fd_datasync) uint32_t wfs_fd_datasync(uint32_t fd) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_DATASYNC, &g);
  return e ? e : sync_fd(g, 1);
}

WFS_EXPORT(wfs_fd_advise) uint32_t wfs_fd_advise(uint32_t fd, int64_t off, int64_t len, uint32_t advice) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_ADVISE, &g);
  if (e) return e;
  if (advice > WASI_ADVICE_NOREUSE) return WASI_EINVAL;
  if (g->kind == K_STREAM || is_stream_type(g->d)) return WASI_ESPIPE;
  if (d_is_dir(g->d)) return WASI_EBADF;
  if (off < 0 || len < 0) return WASI_EINVAL;
  int32_t hfd;
  if ((e = dentry_any_fd(g->d, &hfd))) return e;
  /* WASI advice numbering equals POSIX_FADV_* on Linux except DONTNEED(4)/NOREUSE(5). */
  static const int32_t map[6] = {0, 2, 1, 3, 4, 5};
  int32_t r = SYS(host_fadvise(hfd, off, len, map[advice]));
  return r < 0 ? HOSTERR(r) : 0;
}

/* Grows the file to at least off+len (posix_fallocate semantics). Falls back to ftruncate when
 * the host filesystem has no fallocate (EOPNOTSUPP). */
werr_t allocate(dentry_t *d, int32_t mode, int64_t off, int64_t len) {
  int32_t fd;
  werr_t e = dentry_handle(d, 0, 1, 0, &fd);
  if (e) return e;
  int32_t r = SYS(host_fallocate(fd, mode, off, len));
  if (r == -95 && mode == 0) {
    if ((e = dentry_meta(d))) return e;
    r = (uint64_t)(off + len) > d->size ? SYS(host_ftruncate(fd, off + len)) : 0;
  }
  dentry_meta_stale(d);
  return r < 0 ? HOSTERR(r) : 0;
}

WFS_EXPORT(wfs_fd_allocate) uint32_t wfs_fd_allocate(uint32_t fd, int64_t off, int64_t len) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_ALLOCATE, &g);
  if (e) return e;
  if (g->kind == K_STREAM || is_stream_type(g->d)) return WASI_ESPIPE;
  if (d_is_dir(g->d)) return WASI_EBADF;
  if (off < 0 || len <= 0) return WASI_EINVAL;
  int64_t end;
  if (__builtin_add_overflow(off, len, &end)) return WASI_EFBIG;
  return allocate(g->d, 0, off, len);
}

werr_t set_size(dentry_t *d, int64_t size) {
  if (d_is_dir(d)) return WASI_EISDIR;
  if (!d_is_reg(d)) return WASI_EINVAL;
  if (size < 0) return WASI_EINVAL;
  int32_t fd;
  werr_t e = dentry_handle(d, 0, 1, 0, &fd);
  if (e) return e;
  int32_t r = SYS(host_ftruncate(fd, size));
  dentry_meta_stale(d);
  return r < 0 ? HOSTERR(r) : 0;
}

WFS_EXPORT(wfs_fd_filestat_set_size) uint32_t wfs_fd_filestat_set_size(uint32_t fd, int64_t size) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &g);
  if (e) return e;
  if (g->kind == K_STREAM) return WASI_EINVAL;
  return set_size(g->d, size);
}

/* utimensat on d: on the FD itself for everything but symlinks; symlinks from the parent with
 * AT_SYMLINK_NOFOLLOW (the seed's utimensat). times[i].tv_nsec may be UTIME_NOW/UTIME_OMIT. */
werr_t set_times(dentry_t *d, const l_timespec_t *times) {
  static l_timespec_t ts[2];
  ts[0] = times[0];
  ts[1] = times[1];
  int32_t r;
  werr_t e;
  if (d_is_lnk(d)) {
    if (!d->parent) return WASI_ENOTSUP; /* needs the gofer: a deleted or root symlink */
    int32_t pfd;
    if ((e = dentry_dir_fd(d->parent, &pfd))) return e;
    r = SYS(host_utimensat(pfd, d->name, ts, L_AT_SYMLINK_NOFOLLOW));
  } else {
    int32_t fd;
    if ((e = dentry_any_fd(d, &fd))) return e;
    r = SYS(host_utimensat(fd, NULL, ts, 0));
  }
  dentry_meta_stale(d);
  return r < 0 ? HOSTERR(r) : 0;
}

static werr_t wasi_times(int64_t atim, int64_t mtim, uint32_t fst, l_timespec_t *ts) {
  if ((fst & WASI_FSTFLAGS_ATIM && fst & WASI_FSTFLAGS_ATIM_NOW) || (fst & WASI_FSTFLAGS_MTIM && fst & WASI_FSTFLAGS_MTIM_NOW) ||
      (fst & ~0xfu))
    return WASI_EINVAL;
  ts[0].tv_sec = ts[1].tv_sec = 0;
  ts[0].tv_nsec = fst & WASI_FSTFLAGS_ATIM_NOW ? L_UTIME_NOW : L_UTIME_OMIT;
  ts[1].tv_nsec = fst & WASI_FSTFLAGS_MTIM_NOW ? L_UTIME_NOW : L_UTIME_OMIT;
  if (fst & WASI_FSTFLAGS_ATIM) {
    ts[0].tv_sec = (int64_t)((uint64_t)atim / 1000000000u);
    ts[0].tv_nsec = (int64_t)((uint64_t)atim % 1000000000u);
  }
  if (fst & WASI_FSTFLAGS_MTIM) {
    ts[1].tv_sec = (int64_t)((uint64_t)mtim / 1000000000u);
    ts[1].tv_nsec = (int64_t)((uint64_t)mtim % 1000000000u);
  }
  return 0;
}

WFS_EXPORT(wfs_fd_filestat_set_times) uint32_t wfs_fd_filestat_set_times(uint32_t fd, int64_t atim, int64_t mtim, uint32_t fst) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &g);
  if (e) return e;
  l_timespec_t ts[2];
  if ((e = wasi_times(atim, mtim, fst, ts))) return e;
  if (g->kind == K_STREAM) return WASI_EBADF;
  return set_times(g->d, ts);
}

/* ---- fd_readdir ------------------------------------------------------------------------------ */
/* Appends one entry. Errors: ENOMEM (also beyond the per-directory byte limit). */
static werr_t snap_add(dirsnap_t *s, const char *name, uint32_t len, uint8_t type, uint64_t ino, uint64_t off) {
  if (s->count + 1 >= s->cap) {
    uint32_t n = s->cap ? s->cap * 2 : 64;
    uint32_t *at = realloc(s->at, n * sizeof *at);
    if (!at) return WASI_ENOMEM;
    s->at = at;
    s->cap = n;
  }
  uint32_t sz = WASI_DIRENT_SIZE + len;
  if (s->len + sz > s->recs_cap) {
    uint32_t n = s->recs_cap ? s->recs_cap : 4096;
    while (n < s->len + sz) n *= 2;
    if (n > g_limits.max_dir_bytes) n = g_limits.max_dir_bytes;
    if (n < s->len + sz) return WASI_ENOMEM;
    uint8_t *r = realloc(s->recs, n);
    if (!r) return WASI_ENOMEM;
    s->recs = r;
    s->recs_cap = n;
  }
  uint8_t *p = s->recs + s->len;
  put_u64(p, off);
  put_u64(p + 8, ino);
  put_u32(p + 16, len);
  p[20] = type;
  p[21] = p[22] = p[23] = 0;
  memcpy(p + WASI_DIRENT_SIZE, name, len);
  s->at[s->count++] = s->len;
  s->len += sz;
  s->at[s->count] = s->len;
  return 0;
}

/* Sizes s's first buffers from the directory's st_size (`size`), so that reading a large
 * directory does not copy its records again at each doubling (big-dir, 50,000 entries: ~14%
 * of the call). Filesystems report a directory's size as about 20-40 bytes per entry (tmpfs:
 * 20; ext4: its blocks of dirents), and a record here is 24 bytes plus the name: three bytes per
 * byte of st_size, one entry per 32 bytes of that. Capped at SNAP_RESERVE_MAX, as a size may be
 * stale (an ext4 directory keeps its blocks after its entries are removed) and core memory never
 * shrinks. A hint only: snap_add still grows the buffers; a failed malloc here changes nothing. */
#define SNAP_RESERVE_MAX (4u << 20)
static void snap_reserve(dirsnap_t *s, uint64_t size) {
  if (size <= 4096 / 3) return; /* snap_add's first buffer is as large */
  uint64_t cap = g_limits.max_dir_bytes < SNAP_RESERVE_MAX ? g_limits.max_dir_bytes : SNAP_RESERVE_MAX;
  uint32_t bytes = (uint32_t)(size < cap / 3 ? size * 3 : cap);
  uint32_t n = bytes / 32;
  if ((s->recs = malloc(bytes))) s->recs_cap = bytes;
  if ((s->at = malloc((size_t)(n + 1) * sizeof *s->at))) s->cap = n + 1;
}

/* d_next of entry i: the cookie after it. */
static uint64_t snap_cookie(const dirsnap_t *s, uint32_t i) {
  uint64_t c;
  memcpy(&c, s->recs + s->at[i], 8);
  return c;
}

static uint8_t dtype_to_wasi(uint8_t t) {
  switch (t) {
    case 8: return WASI_FILETYPE_REGULAR_FILE;
    case 4: return WASI_FILETYPE_DIRECTORY;
    case 10: return WASI_FILETYPE_SYMBOLIC_LINK;
    case 2: return WASI_FILETYPE_CHARACTER_DEVICE;
    case 6: return WASI_FILETYPE_BLOCK_DEVICE;
    case 12: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN;
  }
}

static uint8_t g_dents[32768] __attribute__((aligned(8)));

/* Adds one host directory entry of d to s, with its WASI type and guest inode. d_ino of an entry
 * is the guest inode of (d's device, d_ino); "." and ".." get d's and parent's inodes. stx: the
 * entry's lstat when the host gave it with the listing (readdirplus), else NULL; then, as
 * getdents' d_ino of a mount point is the directory underneath, an entry that is a directory
 * (or of unknown type) is stat'ed (the seed stats every entry; files are never mount points in
 * practice, so they keep the cheap path). A stat'ed child not cached yet is cached with it
 * (dentry_learn), so a walk's lookup of it right after costs nothing. Errors: ENOMEM. */
static werr_t snap_entry(dirsnap_t *s, dentry_t *d, dentry_t *parent, int32_t fd, const char *name, uint32_t len,
                         uint8_t dtype, uint64_t dino, uint64_t doff, const l_statx_t *stx) {
  uint8_t type = dtype_to_wasi(dtype);
  uint64_t ino;
  if (len == 1 && name[0] == '.') {
    ino = dentry_ino(d), type = WASI_FILETYPE_DIRECTORY;
  } else if (len == 2 && name[0] == '.' && name[1] == '.') {
    ino = dentry_ino(parent), type = WASI_FILETYPE_DIRECTORY;
  } else {
    int stat_it = dtype == 0 || dtype == 4;
    dentry_t *c = stx || stat_it ? dentry_find(d, name, len) : NULL;
    if (c && !(c->flags & D_NEGATIVE) && (c->flags & D_META)) /* cached: its own number and type */
      return snap_add(s, name, len, wasi_filetype(c->mode), dentry_ino(c), doff);
    if (!stx && stat_it && len <= 255 && SYS(host_statx(fd, name, L_AT_SYMLINK_NOFOLLOW, L_STATX_BASIC_STATS | 0x800u, &g_sstx)) >= 0)
      stx = &g_sstx;
    if (!stx) {
      ino = ino_for_key(d->key_dev, dino);
    } else {
      type = wasi_filetype(stx->stx_mode);
      dentry_t *nc = c || check_name(name, len) ? NULL : dentry_learn(d, name, len, stx); /* host names are checked too */
      ino = nc ? dentry_ino(nc) : ino_for_key(((uint64_t)stx->stx_dev_major << 32) | stx->stx_dev_minor, stx->stx_ino);
    }
  }
  return snap_add(s, name, len, type, ino, doff);
}

/* A plain listing's batch of n bytes in g_dents is about to be added, after *seen entries before
 * it (counted on into *seen). True when the stats by name that snap_entry will make for it (of
 * directories and unknown types) cost more than reading the listing again, from its start, with
 * stats: one host call each against one per ~100 entries (a getdents64_stat record carries a
 * 256-byte statx). So a directory of files with a few subdirectories stays plain and one of
 * subdirectories does not (a node_modules: 136 Walks -> 2 RPCs in lisafs mode). */
static int plain_stats_cost_more(int32_t n, uint32_t *seen) {
  uint32_t to_stat = 0;
  for (int32_t off = 0; off + 19 < n;) {
    uint16_t reclen;
    memcpy(&reclen, g_dents + off + 16, 2);
    if (reclen < 24 || off + reclen > n) break; /* snap_load's loop reads it as the kernel wrote it */
    uint8_t t = g_dents[off + 18];
    const char *nm = (const char *)g_dents + off + 19;
    int dots = nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0));
    if ((t == 0 || t == 4) && !dots) to_stat++;
    (*seen)++;
    off += reclen;
  }
  return to_stat > 1 + *seen / 100;
}

/* Empties s and puts fd back at host position `start`, to read the listing again. On failure
 * frees s and returns the host error. */
static werr_t snap_restart(dirsnap_t *s, int32_t fd, uint64_t start) {
  s->count = s->len = s->next = 0;
  int64_t r = SYS(host_lseek(fd, (int64_t)start, 0));
  if (r < 0) {
    snap_free(s);
    return HOSTERR((int32_t)r);
  }
  return 0;
}

/* Reads the directory from host position `start` to its end into a fresh snapshot (lseek then
 * getdents64 until 0, as the seed's getDirentsLocked). Readdirplus: a directory whose parent's
 * (or its own earlier) listing was followed by lookups of the listed names (D_STATKIDS: a walk)
 * is read with its entries' stats when the host offers them (getdents64_stat: lisafs mode, one
 * RPC for many entries instead of one Walk per name), and passes the hint on to its
 * subdirectories; exclusive mode only (shared mode re-stats every lookup anyway). A plain
 * listing switches to one with stats, from the start, when a batch shows that its stats by name
 * would cost more (plain_stats_cost_more). Errors: host errors (EACCES for a directory we may
 * only search), ENOMEM, EIO (a malformed getdents64_stat record). */
static werr_t snap_load(gfd_t *g, uint64_t start) {
  dentry_t *d = g->d;
  int32_t fd;
  werr_t e = dentry_meta(d);
  if (e) return e;
  if ((e = dentry_readable_dir_fd(d, &fd))) return e;
  dirsnap_t *s = calloc(1, sizeof *s);
  if (!s) return WASI_ENOMEM;
  s->start = start;
  s->gen = d->dir_gen;
  snap_reserve(s, d->size);
  dentry_t *parent = d->parent ? d->parent : d;
  if (!(parent->flags & D_META) && dentry_meta(parent)) parent = d;
  if (start != 0 || !(d->flags & D_DIRPOS0)) { /* a fresh FD is already at 0 */
    int64_t r = SYS(host_lseek(fd, (int64_t)start, 0));
    if (r < 0) {
      snap_free(s);
      return HOSTERR((int32_t)r);
    }
  }
  d->flags &= ~(uint32_t)D_DIRPOS0;
  int plus = !g_shared && !g_no_dirent_stats && ((d->flags & D_STATKIDS) || (d->parent && (d->parent->flags & D_STATKIDS)));
  d->flags |= D_LISTED | (plus ? D_STATKIDS : 0u);
  uint32_t seen = 0; /* entries of the plain batches read */
  for (;;) {
    int32_t n = plus ? SYS_SHED(host_getdents64_stat(fd, g_dents, sizeof g_dents)) : SYS_SHED(host_getdents64(fd, g_dents, sizeof g_dents));
    if (plus && n == -38) { /* ENOSYS: this host lists without stats */
      g_no_dirent_stats = 1;
      plus = 0;
      if (seen && (e = snap_restart(s, fd, start))) return e; /* a switch below: plain again */
      continue;
    }
    if (n < 0) {
      snap_free(s);
      return HOSTERR(n);
    }
    if (n == 0) break;
    if (!plus && !g_shared && !g_no_dirent_stats && plain_stats_cost_more(n, &seen)) {
      /* Many of the entries are directories, each stat'ed by name (snap_entry): a listing with
       * stats costs less (lisafs: one Getdents64Stat per ~100 entries instead of one Walk per
       * directory). Read it again from the start that way. */
      if ((e = snap_restart(s, fd, start))) return e;
      plus = 1;
      d->flags |= D_STATKIDS;
      continue;
    }
    for (int32_t off = 0; off < n && !e;) {
      if (plus) {
        const l_dirent_stat_t *r = dirent_stat_at(g_dents, off, n);
        if (!r) {
          e = WASI_EIO;
          break;
        }
        off += r->d_reclen;
        e = snap_entry(s, d, parent, fd, (const char *)(r + 1), r->d_namlen, r->d_type, r->stx.stx_ino, r->d_off, &r->stx);
        continue;
      }
      uint64_t dino, doff;
      uint16_t reclen;
      memcpy(&dino, g_dents + off, 8);
      memcpy(&doff, g_dents + off + 8, 8);
      memcpy(&reclen, g_dents + off + 16, 2);
      const char *name = (const char *)g_dents + off + 19;
      /* reclen is 19 + len + 1 rounded up to 8, so the name's NUL is among its last 8 places
       * (the padding after it is not necessarily zero). */
      uint32_t len = reclen > 27 ? (uint32_t)reclen - 27 : 0;
      while (len < (uint32_t)reclen - 19 && name[len]) len++;
      uint8_t dtype = g_dents[off + 18];
      off += reclen;
      e = snap_entry(s, d, parent, fd, name, len, dtype, dino, doff, NULL);
    }
    if (e) {
      snap_free(s);
      return e;
    }
  }
  if (plus && start == 0) d->flags |= D_STATSEEN; /* every entry came with its stat (see relist) */
  snap_free(g->snap);
  g->snap = s;
  return 0;
}

/* Index of the first entry after `cookie` in g's snapshot, or -1 when the snapshot cannot say
 * (stale, or a cookie it does not contain: the host must resume there). */
static int64_t snap_find(dirsnap_t *s, dentry_t *d, uint64_t cookie) {
  if (!s || s->gen != d->dir_gen) return -1;
  if (cookie == s->start) return 0;
  /* A reader resumes at (or just before) where the last call stopped: the entry it saw whole
   * last, one before the entry cut off by its buffer. So search backwards from there first; a
   * scan from 0 on every call would make reading a large directory quadratic. */
  uint32_t from = s->next <= s->count ? s->next : s->count;
  for (uint32_t i = from; i > 0; i--)
    if (snap_cookie(s, i - 1) == cookie) return i;
  for (uint32_t i = from; i < s->count; i++)
    if (snap_cookie(s, i) == cookie) return i + 1;
  return -1;
}

WFS_EXPORT(wfs_fd_readdir) uint32_t wfs_fd_readdir(uint32_t fd, int64_t cookie, uint32_t cap) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get(fd, WASI_RIGHT_FD_READDIR, &g);
  if (e) return e;
  if (g->kind != K_DENTRY || !d_is_dir(g->d)) return WASI_ENOTDIR;
  if (cap > WFS_DATA_MAX) cap = WFS_DATA_MAX;
  int64_t i = cookie == 0 ? -1 : snap_find(g->snap, g->d, (uint64_t)cookie);
  if (i < 0) {
    if ((e = snap_load(g, (uint64_t)cookie))) return e;
    i = 0;
  }
  dirsnap_t *s = g->snap;
  /* Whole entries while they fit in cap, then one that overflows it if it fits in the slack
   * (the façade hands the guest its first bytes: a cut-off last entry, as the spec has it). */
  uint32_t first = (uint32_t)i, end = first, base = first < s->count ? s->at[first] : 0;
  while (end < s->count && s->at[end] - base < cap && s->at[end + 1] - base <= WFS_DATA_MAX + WFS_DATA_SLACK) end++;
  uint32_t used = end > first ? s->at[end] - base : 0;
  memcpy(g_io.data, s->recs + base, used);
  uint64_t next_cookie = end > first ? snap_cookie(s, end - 1) : (uint64_t)cookie;
  i = end;
  s->next = (uint32_t)i;
  g_io.r[0] = used;
  g_io.r[1] = next_cookie;
  g_io.r[2] = (uint64_t)i >= s->count;
  return 0;
}

/* ---- path_* ------------------------------------------------------------------------------------ */
static uint32_t follow_flag(uint32_t lookupflags) { return (lookupflags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW) ? W_FOLLOW : 0; }

WFS_EXPORT(wfs_path_filestat_get) uint32_t wfs_path_filestat_get(uint32_t fd, uint32_t lookupflags, uint32_t len1) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_FILESTAT_GET, &g);
  if (e) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, follow_flag(lookupflags), &w))) return e;
  if ((e = dentry_meta(w.d))) return e;
  fill_filestat(w.d, g_io.out);
  return 0;
}

WFS_EXPORT(wfs_path_filestat_set_times) uint32_t wfs_path_filestat_set_times(uint32_t fd, uint32_t lookupflags, uint32_t len1, int64_t atim, int64_t mtim, uint32_t fst) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, &g);
  if (e) return e;
  l_timespec_t ts[2];
  if ((e = wasi_times(atim, mtim, fst, ts))) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, follow_flag(lookupflags), &w))) return e;
  return set_times(w.d, ts);
}

WFS_EXPORT(wfs_path_create_directory) uint32_t wfs_path_create_directory(uint32_t fd, uint32_t len1) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_CREATE_DIRECTORY, &g);
  if (e) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, W_PARENT, &w))) return e;
  if (w.final_dot) return WASI_EEXIST;
  return mkdir_at(w.dir, w.name, w.name_len, 0777);
}

WFS_EXPORT(wfs_path_remove_directory) uint32_t wfs_path_remove_directory(uint32_t fd, uint32_t len1) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_REMOVE_DIRECTORY, &g);
  if (e) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, W_PARENT, &w))) return e;
  if (w.final_dot) return w.final_dot == 2 ? WASI_ENOTEMPTY : WASI_EINVAL;
  return unlink_at(w.dir, w.name, w.name_len, 1, w.trailing_slash);
}

WFS_EXPORT(wfs_path_unlink_file) uint32_t wfs_path_unlink_file(uint32_t fd, uint32_t len1) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_UNLINK_FILE, &g);
  if (e) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, W_PARENT, &w))) return e;
  if (w.final_dot) return WASI_EISDIR;
  return unlink_at(w.dir, w.name, w.name_len, 0, w.trailing_slash);
}

WFS_EXPORT(wfs_path_readlink) uint32_t wfs_path_readlink(uint32_t fd, uint32_t len1, uint32_t buf_len) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_READLINK, &g);
  if (e) return e;
  walk_t w;
  if ((e = walk(g->d, g_io.path1, len1, 0, &w))) return e;
  if ((e = dentry_target(w.d))) return e;
  uint32_t n = w.d->target_len;
  if (n > buf_len) n = buf_len;
  if (n > WFS_DATA_MAX) n = WFS_DATA_MAX;
  memcpy(g_io.data, w.d->target, n);
  g_io.r[0] = n;
  return 0;
}

WFS_EXPORT(wfs_path_symlink) uint32_t wfs_path_symlink(uint32_t len1, uint32_t fd, uint32_t len2) {
  BEGIN();
  gfd_t *g;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_SYMLINK, &g);
  if (e) return e;
  if (len1 > WFS_PATH_MAX) return WASI_ENAMETOOLONG;
  if (memchr(g_io.path1, 0, len1)) return WASI_EINVAL;
  if (len1 == 0) return WASI_ENOENT;
  if (g_io.path1[0] == '/') return WASI_ENOTCAPABLE; /* absolute targets could only lead outside */
  g_io.path1[len1] = 0;
  walk_t w;
  if ((e = walk(g->d, g_io.path2, len2, W_PARENT, &w))) return e;
  if (w.final_dot) return WASI_EEXIST;
  return symlink_at(g_io.path1, w.dir, w.name, w.name_len, w.trailing_slash);
}

WFS_EXPORT(wfs_path_link) uint32_t wfs_path_link(uint32_t oldfd, uint32_t oldflags, uint32_t len1, uint32_t newfd, uint32_t len2) {
  BEGIN();
  gfd_t *go, *gn;
  werr_t e = fd_get_dir(oldfd, WASI_RIGHT_PATH_LINK_SOURCE, &go);
  if (e) return e;
  if ((e = fd_get_dir(newfd, WASI_RIGHT_PATH_LINK_TARGET, &gn))) return e;
  walk_t w;
  if ((e = walk(go->d, g_io.path1, len1, follow_flag(oldflags), &w))) return e;
  dentry_t *src = w.d;
  dentry_ref(src); /* keep it across the second walk */
  e = walk(gn->d, g_io.path2, len2, W_PARENT, &w);
  if (!e) e = w.final_dot ? WASI_EEXIST : link_at(src, w.dir, w.name, w.name_len, w.trailing_slash);
  dentry_unref(src);
  return e;
}

WFS_EXPORT(wfs_path_rename) uint32_t wfs_path_rename(uint32_t fd, uint32_t len1, uint32_t newfd, uint32_t len2) {
  BEGIN();
  gfd_t *go, *gn;
  werr_t e = fd_get_dir(fd, WASI_RIGHT_PATH_RENAME_SOURCE, &go);
  if (e) return e;
  if ((e = fd_get_dir(newfd, WASI_RIGHT_PATH_RENAME_TARGET, &gn))) return e;
  return rename_paths(go->d, len1, gn->d, len2, 0);
}

WFS_EXPORT(wfs_path_open) uint32_t wfs_path_open(uint32_t fd, uint32_t dirflags, uint32_t len1, uint32_t oflags, int64_t rights_base, int64_t rights_inh, uint32_t fdflags) {
  BEGIN();
  gfd_t *g;
  uint64_t need = WASI_RIGHT_PATH_OPEN;
  if (oflags & WASI_OFLAGS_CREAT) need |= WASI_RIGHT_PATH_CREATE_FILE;
  if (oflags & WASI_OFLAGS_TRUNC) need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
  werr_t e = fd_get_dir(fd, need, &g);
  if (e) return e;
  if (oflags & ~0xfu) return WASI_EINVAL;
  if (fdflags & ~0x1fu) return WASI_EINVAL;
  /* WASI: "fewer rights [than asked] ... if and only if those rights do not apply to the type
   * of file being opened": asking for a right the directory cannot pass on is ENOTCAPABLE. */
  uint64_t base = (uint64_t)rights_base & WASI_RIGHTS_ALL, inh = (uint64_t)rights_inh & WASI_RIGHTS_ALL;
  if ((base | inh) & ~g->rights_inh) return WASI_ENOTCAPABLE;
  int readable = (base & RIGHTS_NEED_READ) != 0, writable = (base & RIGHTS_NEED_WRITE) != 0;
  dentry_t *d;
  e = open_path(g->d, len1, follow_flag(dirflags), oflags, readable, writable, 0666, &d);
  if (e) return e;
  if (d_is_dir(d) && (base & WASI_RIGHT_FD_WRITE)) { /* a directory cannot be opened for writing */
    dentry_unref(d);
    return WASI_EISDIR;
  }
  uint32_t nfd;
  e = fd_open_dentry(d, base, inh, (uint16_t)fdflags, &nfd);
  if (!e && (oflags & WASI_OFLAGS_TRUNC) && d_is_reg(d)) {
    e = set_size(d, 0);
    if (e) fd_release(nfd);
  }
  dentry_unref(d);
  if (e) return e;
  g_io.r[0] = nfd;
  /* A file opened to be read or written: its first read or write needs no core call (a
   * writable fd's cached metadata goes stale at once, as after a write: see fast_publish). */
  fast_publish(nfd, &g_fds[nfd], 1);
  return 0;
}

/* ---- poll -------------------------------------------------------------------------------------- */
WFS_EXPORT(wfs_poll) uint32_t wfs_poll(uint32_t n, int64_t timeout_ns) {
  BEGIN();
  static l_pollfd_t pfds[256];
  static uint32_t pidx[256];
  if (n > WFS_DATA_MAX / 16) return WASI_EINVAL;
  uint32_t np = 0, ready = 0;
  uint8_t *rec = g_io.data;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t fd, kind;
    memcpy(&fd, rec + i * 16, 4);
    memcpy(&kind, rec + i * 16 + 4, 4);
    uint8_t *o = rec + i * 16;
    gfd_t *g;
    werr_t e = fd_get(fd, WASI_RIGHT_POLL_FD_READWRITE, &g);
    if (e == WASI_ENOTCAPABLE && fd < g_nfds) e = fd_get(fd, 0, &g); /* readiness needs no right of its own */
    uint64_t nbytes = 0;
    int is_ready = 0;
    if (e) {
      is_ready = 1;
    } else if (g->kind == K_STREAM || is_stream_type(g->d)) {
      int32_t hfd = g->kind == K_STREAM ? g->host_fd : -1;
      if (hfd < 0 && (g->kind == K_STREAM || (e = dentry_any_fd(g->d, &hfd)))) {
        if (!e) e = WASI_EBADF; /* a detached stream (after restore) */
        is_ready = 1;
      } else if (np == 256) {
        is_ready = 1; /* more streams than one poll(2) call takes here: reported as an error */
        e = WASI_ENOMEM;
      } else {
        pfds[np].fd = hfd;
        pfds[np].events = kind == 1 ? 1 : 4;
        pfds[np].revents = 0;
        pidx[np++] = i;
      }
    } else {
      is_ready = 1;
      if (kind == 1 && !d_is_dir(g->d) && !(e = dentry_meta(g->d)) && g->d->size > g->offset)
        nbytes = g->d->size - g->offset;
      e = 0;
    }
    memset(o, 0, 16);
    put_u16(o, (uint16_t)e);
    put_u16(o + 2, is_ready ? 0x8000 : 0);
    put_u64(o + 8, nbytes);
    ready += is_ready;
  }
  if (np) {
    int32_t ms = ready ? 0 : timeout_ns < 0 ? -1 : (int32_t)((timeout_ns + 999999) / 1000000);
    int32_t r = SYS(host_poll(pfds, np, ms));
    if (r < 0) return HOSTERR(r);
    for (uint32_t k = 0; k < np; k++) {
      if (!pfds[k].revents) continue;
      uint8_t *o = rec + pidx[k] * 16;
      uint16_t fl = 0x8000;
      if (pfds[k].revents & 0x10) fl |= WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP; /* POLLHUP */
      if (pfds[k].revents & 0x20) put_u16(o, WASI_EBADF);                   /* POLLNVAL */
      else if ((pfds[k].revents & 0x8) && !(pfds[k].revents & 0x10)) put_u16(o, WASI_EIO); /* POLLERR */
      if (pfds[k].revents & 0x1) { /* POLLIN: nbytes is the bytes waiting (0 where the host cannot say) */
        int32_t avail = SYS(host_fionread(pfds[k].fd));
        if (avail > 0) put_u64(o + 8, (uint64_t)avail);
      }
      put_u16(o + 2, fl);
      ready++;
    }
  }
  g_io.r[0] = ready;
  return 0;
}
