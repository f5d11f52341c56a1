/* checkpoint.c — the core's part of a filesystem checkpoint: serialises the guest fd table, the
 * dentries it needs (every dentry an fd refers to, and their ancestors), the inode map and the
 * contents of files deleted while open; restores them by re-opening every dentry by name from
 * its parent (no follow) and validating it against the host.
 *
 * Owns: the core image layout (below). Never writes host FD numbers or guest pointers. Touches
 * dentry state only through core.h functions. The embedder (ts/checkpoint) wraps the core image
 * with a versioned, checksummed container and the mount paths.
 *
 * Core image (little-endian): "WFSCORE2", u32 flags (1 = shared interop, 2 = a home device is
 *   set), u64 home device (see dentry.c: files there are numbered by their host inode), u64 last
 *   assigned inode number, u32 n_ino, n_ino x {u64 dev, u64 ino, u64 gino} (the exception map),
 *   u32 n_dentries, each: u8 kind (0 root, 1 child, 2 deleted), u32 parent (index; roots: mount
 *     id), u16 name_len + name, u64 ino, u64 key_dev, u64 key_ino, u32 mode, u32 uid, u32 gid,
 *     u32 nlink, u64 size, i64 atime, i64 mtime, i64 ctime; deleted regular files then carry
 *     u64 n + n bytes of contents,
 *   u32 n_fds, each: u32 fd, u8 kind (1 dentry, 2 stream), u8 preopen, u8 readable, u8 writable,
 *     u16 fdflags, u64 rights, u64 rights_inh, u64 offset, u32 dentry index (streams: 0),
 *     u16 preopen name length + name.
 */
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"


extern gfd_t *g_fds;
extern uint32_t g_nfds;

/* ---- writer ---------------------------------------------------------------------------------- */
typedef struct {
  uint8_t *p;
  uint32_t len, cap;
  int oom;
} buf_t;

static void put(buf_t *b, const void *v, uint32_t n) {
  if (b->oom) return;
  if (b->len + n > b->cap) {
    uint32_t c = b->cap ? b->cap : 4096;
    while (c < b->len + n) c *= 2;
    uint8_t *q = realloc(b->p, c);
    if (!q) {
      b->oom = 1;
      return;
    }
    b->p = q;
    b->cap = c;
  }
  memcpy(b->p + b->len, v, n);
  b->len += n;
}
static void put8(buf_t *b, uint8_t v) { put(b, &v, 1); }
static void put16(buf_t *b, uint16_t v) { put(b, &v, 2); }
static void put32(buf_t *b, uint32_t v) { put(b, &v, 4); }
static void put64(buf_t *b, uint64_t v) { put(b, &v, 8); }

static buf_t g_img;

/* The dentries saved, in image order (parents first); their index is their position. */
static dentry_t **g_list;
static uint32_t g_nlist, g_caplist;

static int list_add(dentry_t *d) {
  if (g_nlist == g_caplist) {
    uint32_t c = g_caplist ? g_caplist * 2 : 256;
    dentry_t **n = realloc(g_list, c * sizeof *n);
    if (!n) return 0;
    g_list = n;
    g_caplist = c;
  }
  g_list[g_nlist++] = d;
  d->flags |= D_MARK;
  return 1;
}

static uint32_t index_of(const dentry_t *d) {
  for (uint32_t i = 0; i < g_nlist; i++)
    if (g_list[i] == d) return i;
  return UINT32_MAX;
}

/* Adds d after its ancestors, each once (no recursion: chains may be 10,000 deep).
 * Errors: ENOMEM. */
static werr_t add_chain(dentry_t *d) {
  uint32_t n = 0;
  for (dentry_t *x = d; x && !(x->flags & D_MARK); x = x->parent) n++;
  if (n == 0) return 0;
  dentry_t **up = malloc(n * sizeof *up);
  if (!up) return WASI_ENOMEM;
  uint32_t k = 0;
  for (dentry_t *x = d; x && !(x->flags & D_MARK); x = x->parent) up[k++] = x;
  werr_t e = 0;
  while (k-- > 0 && !e)
    if (!list_add(up[k])) e = WASI_ENOMEM;
  free(up);
  return e;
}

/* Reads a deleted regular file's whole contents through its handle into the image. */
static werr_t put_contents(buf_t *b, dentry_t *d) {
  werr_t e;
  int32_t fd = d->read_fd >= 0 ? d->read_fd : (d->control_fd >= 0 && !(d->flags & D_OPATH)) ? d->control_fd : -1;
  if (fd < 0) return WASI_EBADF; /* no readable FD survived the unlink */
  if ((e = dentry_meta(d))) return e;
  uint64_t size = d->size;
  put64(b, size);
  static uint8_t chunk[65536];
  static wfs_iovec_t iov;
  for (uint64_t off = 0; off < size;) {
    uint32_t want = size - off > sizeof chunk ? (uint32_t)sizeof chunk : (uint32_t)(size - off);
    iov.buf = (uint32_t)(uintptr_t)chunk;
    iov.len = want;
    int32_t r = SYS(host_preadv(fd, WFS_MEM_CORE, &iov, 1, (int64_t)off));
    if (r < 0) return errno_from_linux(r);
    if (r == 0) return WASI_EIO; /* shrank meanwhile */
    put(b, chunk, (uint32_t)r);
    off += (uint32_t)r;
  }
  return 0;
}

/* Serialises the state into an image kept by the core until the next call (r0 = address,
 * r1 = length). Dentries not needed by an open fd are not saved (the inode map is, so their
 * numbers survive). Errors: ENOMEM, ENOTSUP (an open deleted file that is not a regular file
 * or directory), host errors reading metadata or deleted contents. */
WFS_EXPORT(wfs_checkpoint) uint32_t wfs_checkpoint(void) {
  BEGIN();
  werr_t e = 0;
  free(g_img.p);
  memset(&g_img, 0, sizeof g_img);
  g_nlist = 0;
  for (uint32_t i = 0; i < g_nfds && !e; i++) {
    gfd_t *g = &g_fds[i];
    if (g->kind != K_DENTRY) continue;
    if (g->d->flags & D_DELETED) {
      if (!(g->d->flags & D_MARK) && !list_add(g->d)) e = WASI_ENOMEM;
      if (!d_is_reg(g->d) && !d_is_dir(g->d)) e = WASI_ENOTSUP;
    } else {
      e = add_chain(g->d);
    }
  }
  buf_t *b = &g_img;
  uint64_t home;
  int home_set = ino_map_home(&home);
  put(b, "WFSCORE2", 8);
  put32(b, (g_shared ? 1u : 0u) | (home_set ? 2u : 0u));
  put64(b, home);
  put64(b, ino_map_last());
  uint32_t nino = 0, slots = ino_map_slots();
  uint64_t dev, ino, gino;
  for (uint32_t i = 0; i < slots; i++) nino += (uint32_t)ino_map_slot(i, &dev, &ino, &gino);
  put32(b, nino);
  for (uint32_t i = 0; i < slots; i++)
    if (ino_map_slot(i, &dev, &ino, &gino)) put64(b, dev), put64(b, ino), put64(b, gino);
  put32(b, g_nlist);
  for (uint32_t i = 0; i < g_nlist && !e; i++) {
    dentry_t *d = g_list[i];
    if ((e = dentry_meta(d))) break;
    uint8_t kind = (d->flags & D_DELETED) ? 2 : d->parent ? 1 : 0;
    put8(b, kind);
    put32(b, kind == 1 ? index_of(d->parent) : kind == 0 ? d->mount_id : 0);
    put16(b, (uint16_t)d->name_len);
    put(b, d->name, d->name_len);
    put64(b, d->ino), put64(b, d->key_dev), put64(b, d->key_ino);
    put32(b, d->mode), put32(b, d->uid), put32(b, d->gid), put32(b, d->nlink);
    put64(b, d->size);
    put64(b, (uint64_t)d->atime), put64(b, (uint64_t)d->mtime), put64(b, (uint64_t)d->ctime);
    if (kind == 2 && d_is_reg(d)) e = put_contents(b, d);
  }
  uint32_t nfds = 0;
  for (uint32_t i = 0; i < g_nfds; i++) nfds += g_fds[i].kind != K_FREE;
  put32(b, nfds);
  for (uint32_t i = 0; i < g_nfds && !e; i++) {
    gfd_t *g = &g_fds[i];
    if (g->kind == K_FREE) continue;
    put32(b, i);
    put8(b, g->kind), put8(b, g->preopen), put8(b, g->readable), put8(b, g->writable);
    put16(b, g->fdflags);
    put64(b, g->rights), put64(b, g->rights_inh), put64(b, g->offset);
    put32(b, g->kind == K_DENTRY ? index_of(g->d) : 0);
    put16(b, (uint16_t)g->pname_len);
    put(b, g->pname, g->pname_len);
  }
  for (uint32_t i = 0; i < g_nlist; i++) g_list[i]->flags &= ~(uint32_t)D_MARK;
  if (!e && b->oom) e = WASI_ENOMEM;
  if (e) return e;
  g_io.r[0] = (uint32_t)(uintptr_t)b->p;
  g_io.r[1] = b->len;
  return 0;
}

/* Room for restore input: the embedder asks for `len` bytes, copies the image there, then calls
 * wfs_restore. r0 = address. Errors: ENOMEM. */
WFS_EXPORT(wfs_restore_buffer) uint32_t wfs_restore_buffer(uint32_t len) {
  free(g_img.p);
  memset(&g_img, 0, sizeof g_img);
  g_img.p = malloc(len ? len : 1);
  if (!g_img.p) return WASI_ENOMEM;
  g_img.cap = g_img.len = len;
  g_io.r[0] = (uint32_t)(uintptr_t)g_img.p;
  return 0;
}

/* ---- reader ---------------------------------------------------------------------------------- */
typedef struct {
  const uint8_t *p;
  uint32_t len, pos;
  int bad;
} rd_t;

static void get(rd_t *r, void *v, uint32_t n) {
  if (r->bad || r->len - r->pos < n) {
    r->bad = 1;
    memset(v, 0, n);
    return;
  }
  memcpy(v, r->p + r->pos, n);
  r->pos += n;
}
static uint8_t get8(rd_t *r) { uint8_t v; get(r, &v, 1); return v; }
static uint16_t get16(rd_t *r) { uint16_t v; get(r, &v, 2); return v; }
static uint32_t get32(rd_t *r) { uint32_t v; get(r, &v, 4); return v; }
static uint64_t get64(rd_t *r) { uint64_t v; get(r, &v, 8); return v; }

typedef struct {
  uint8_t kind;
  uint32_t parent;
  uint16_t name_len;
  uint32_t name_pos;
  uint64_t ino, key_dev, key_ino;
  uint32_t mode, uid, gid, nlink;
  uint64_t size;
  int64_t atime, mtime, ctime;
  uint64_t contents_len;
  uint32_t contents_pos;
} rec_t;

/* Reports a validation failure: io->data = "path\0field\0saved\0current\0". */
static char g_path[WFS_PATH_MAX + 1];
static uint32_t corrupt(const char *field, const char *saved, const char *current) {
  char *o = (char *)g_io.data;
  size_t n = 0;
  const char *parts[4] = {g_path, field, saved, current};
  for (int i = 0; i < 4; i++) {
    size_t l = strlen(parts[i]);
    if (n + l + 1 > WFS_DATA_MAX) l = WFS_DATA_MAX - n - 1;
    memcpy(o + n, parts[i], l);
    o[n + l] = 0;
    n += l + 1;
  }
  g_io.r[0] = n;
  return WFS_ECORRUPT;
}

static char *fmt_u64(char *buf, uint64_t v) {
  char t[24];
  int n = 0;
  do t[n++] = (char)('0' + v % 10), v /= 10; while (v);
  for (int i = 0; i < n; i++) buf[i] = t[n - 1 - i];
  buf[n] = 0;
  return buf;
}
static char *fmt_i64(char *buf, int64_t v) {
  if (v < 0) {
    buf[0] = '-';
    fmt_u64(buf + 1, (uint64_t)(-(v + 1)) + 1);
    return buf;
  }
  return fmt_u64(buf, (uint64_t)v);
}
static const char *type_name(uint32_t mode) {
  switch (mode & L_S_IFMT) {
    case L_S_IFREG: return "regular file";
    case L_S_IFDIR: return "directory";
    case L_S_IFLNK: return "symlink";
    case L_S_IFIFO: return "fifo";
    case L_S_IFSOCK: return "socket";
    case L_S_IFCHR: return "character device";
    case L_S_IFBLK: return "block device";
    default: return "missing";
  }
}

/* Builds "/mount/a/b" for record i into g_path. */
static void rec_path(const rec_t *recs, const uint8_t *img, uint32_t i) {
  uint32_t pos = WFS_PATH_MAX;
  g_path[pos] = 0;
  for (uint32_t k = i, guard = 0; guard < 100000; guard++) {
    const rec_t *r = &recs[k];
    if (r->kind != 1) break;
    if (r->name_len + 1 > pos) break;
    pos -= r->name_len;
    memcpy(g_path + pos, img + r->name_pos, r->name_len);
    g_path[--pos] = '/';
    k = r->parent;
  }
  if (pos == WFS_PATH_MAX) g_path[--pos] = '/';
  memmove(g_path, g_path + pos, WFS_PATH_MAX + 1 - pos);
}

/* Restores the image previously copied into wfs_restore_buffer.
 * root_fds: n_roots host FDs (i32, in core memory at roots_addr) of the mount roots by mount id,
 * opened by the embedder as at mount time; the core takes ownership of all of them.
 * check: bit 0 validate regular files' size, bit 1 their mtime, bit 2 every file's identity
 * (dev, ino) — the host tree must be the one checkpointed (a replaced directory or root fails).
 * Must be called on a fresh core (after wfs_init, before any preopen).
 * Errors: EINVAL (malformed image: nothing was opened), WFS_ECORRUPT (1000: the host differs:
 * io->data = path, field, saved, current), ENOMEM, host errors. */
WFS_EXPORT(wfs_restore) uint32_t wfs_restore(uint32_t roots_addr, uint32_t n_roots, uint32_t check) {
  BEGIN();
  const int32_t *root_fds = (const int32_t *)(uintptr_t)roots_addr;
  rd_t rd = {g_img.p, g_img.len, 0, 0}, *r = &rd;
  char magic[8];
  get(r, magic, 8);
  if (r->bad || memcmp(magic, "WFSCORE2", 8) != 0) goto malformed;
  uint32_t flags = get32(r);
  uint64_t home = get64(r);
  uint64_t last = get64(r);
  uint32_t nino = get32(r);
  if (r->bad || nino > (r->len - r->pos) / 24) goto malformed;
  uint32_t ino_pos = r->pos;
  r->pos += nino * 24;
  uint32_t nrec = get32(r);
  if (r->bad || nrec > (r->len - r->pos) / 60) goto malformed;
  rec_t *recs = calloc(nrec ? nrec : 1, sizeof *recs);
  dentry_t **ds = calloc(nrec ? nrec : 1, sizeof *ds);
  if (!recs || !ds) {
    free(recs);
    free(ds);
    return WASI_ENOMEM;
  }
  /* Pass 1: parse and check the structure before touching the host. */
  for (uint32_t i = 0; i < nrec && !r->bad; i++) {
    rec_t *x = &recs[i];
    x->kind = get8(r);
    x->parent = get32(r);
    x->name_len = get16(r);
    x->name_pos = r->pos;
    if (x->name_len > 255 || r->len - r->pos < x->name_len) r->bad = 1;
    r->pos += r->bad ? 0 : x->name_len;
    x->ino = get64(r), x->key_dev = get64(r), x->key_ino = get64(r);
    x->mode = get32(r), x->uid = get32(r), x->gid = get32(r), x->nlink = get32(r);
    x->size = get64(r);
    x->atime = (int64_t)get64(r), x->mtime = (int64_t)get64(r), x->ctime = (int64_t)get64(r);
    if (x->kind > 2 || (x->kind == 1 && (x->parent >= i || recs[x->parent].kind == 2 || !((recs[x->parent].mode & L_S_IFMT) == L_S_IFDIR))) ||
        (x->kind == 0 && (x->parent >= n_roots || (x->mode & L_S_IFMT) != L_S_IFDIR)))
      r->bad = 1;
    if (x->kind == 1 && check_name((const char *)g_img.p + x->name_pos, x->name_len)) r->bad = 1;
    if (x->kind == 2 && (x->mode & L_S_IFMT) == L_S_IFREG) {
      x->contents_len = get64(r);
      x->contents_pos = r->pos;
      if (x->contents_len > r->len - r->pos) r->bad = 1;
      else r->pos += (uint32_t)x->contents_len;
    }
  }
  uint32_t nfds = r->bad ? 0 : get32(r);
  uint32_t fds_pos = r->pos;
  for (uint32_t i = 0; i < nfds && !r->bad; i++) {
    uint32_t fd = get32(r);
    uint8_t kind = get8(r);
    r->pos += 3 + 2 + 24;
    uint32_t di = get32(r);
    uint16_t pl = get16(r);
    if (r->len < r->pos || r->len - r->pos < pl || fd >= g_limits.max_fds || (kind != 1 && kind != 2) || (kind == 1 && di >= nrec)) r->bad = 1;
    r->pos += pl;
  }
  if (r->bad || r->pos != r->len) {
    free(recs);
    free(ds);
    goto malformed;
  }

  /* Pass 2: the host. Inode map first, so unchanged keys keep their numbers. */
  g_shared = flags & 1;
  if (flags & 2) ino_map_set_home(home);
  rd_t ir = {g_img.p, g_img.len, ino_pos, 0};
  for (uint32_t i = 0; i < nino; i++) {
    uint64_t dev = get64(&ir), ino = get64(&ir), gino = get64(&ir);
    ino_map_set(dev, ino, gino);
  }
  ino_map_set_last(last);
  werr_t e = 0;
  char sv[24], cv[24];
  uint32_t roots_used = 0;
  for (uint32_t i = 0; i < nrec && !e; i++) {
    rec_t *x = &recs[i];
    dentry_t *d = NULL;
    rec_path(recs, g_img.p, i);
    if (x->kind == 0) {
      if (x->parent >= 32 || (roots_used & (1u << x->parent))) {
        e = WASI_EINVAL; /* at most 32 mounts, each once */
        break;
      }
      d = dentry_new_root(root_fds[x->parent], &e);
      roots_used |= 1u << x->parent;
      if (!d) break;
      d->mount_id = x->parent;
      d->refs = 0; /* held by its children and fds below; released by drain if unused */
    } else if (x->kind == 1) {
      e = dentry_lookup(ds[x->parent], (const char *)g_img.p + x->name_pos, x->name_len, 0, &d);
      if (e == WASI_ENOENT) {
        e = corrupt("exists", "yes", "no");
        break;
      }
      if (e) break;
    } else { /* deleted while open: recreate, refill, unlink (the seed's restore of deleted files) */
      dentry_t *root = NULL;
      for (uint32_t k = 0; k < nrec; k++)
        if (ds[k] && recs[k].kind == 0) root = ds[k];
      if (!root) {
        e = WASI_ENOENT;
        break;
      }
      int32_t pfd;
      if ((e = dentry_dir_fd(root, &pfd))) break;
      char tmp[48] = ".wfs-restore-";
      fmt_u64(tmp + 13, x->ino * 2654435761u + g_counters[C_SYSCALLS]);
      int is_dir = (x->mode & L_S_IFMT) == L_S_IFDIR;
      int32_t fd;
      if (is_dir) {
        int32_t rr = SYS(host_mkdirat(pfd, tmp, x->mode & 07777));
        fd = rr < 0 ? rr : dentry_host_open(pfd, tmp, L_O_RDONLY | L_O_DIRECTORY, 0);
      } else {
        fd = dentry_host_open(pfd, tmp, L_O_CREAT | L_O_EXCL | L_O_RDWR, (int32_t)(x->mode & 07777));
      }
      if (fd < 0) {
        e = errno_from_linux(fd);
        break;
      }
      static wfs_iovec_t iov;
      for (uint64_t off = 0; off < x->contents_len && !e;) {
        uint64_t left = x->contents_len - off;
        iov.buf = (uint32_t)(uintptr_t)(g_img.p + x->contents_pos + off);
        iov.len = left > (1u << 30) ? (1u << 30) : (uint32_t)left;
        int32_t w = SYS(host_pwritev(fd, WFS_MEM_CORE, &iov, 1, (int64_t)off, 0));
        if (w <= 0) e = w < 0 ? errno_from_linux(w) : WASI_EIO;
        else off += (uint32_t)w;
      }
      SYS(host_unlinkat(pfd, tmp, is_dir ? L_AT_REMOVEDIR : 0));
      if (e) {
        dentry_host_close(fd);
        break;
      }
      d = dentry_new_deleted(x->mode, fd, !is_dir, !is_dir);
      if (!d) {
        e = WASI_ENOMEM;
        break;
      }
      d->refs = 0;
      if ((e = dentry_meta(d))) break;
    }
    ds[i] = d;
    if (x->kind != 2 && (e = dentry_meta(d))) break;
    /* Validation (restore-time, DESIGN: type, size, mtime, identity). */
    if ((d->mode & L_S_IFMT) != (x->mode & L_S_IFMT)) {
      e = corrupt("type", type_name(x->mode), type_name(d->mode));
      break;
    }
    if ((check & 4) && x->kind != 2 && (d->key_dev != x->key_dev || d->key_ino != x->key_ino)) {
      e = corrupt("identity", fmt_u64(sv, x->key_ino), fmt_u64(cv, d->key_ino));
      break;
    }
    if (x->kind != 2 && (x->mode & L_S_IFMT) == L_S_IFREG) {
      if ((check & 1) && d->size != x->size) {
        e = corrupt("size", fmt_u64(sv, x->size), fmt_u64(cv, d->size));
        break;
      }
      if ((check & 2) && d->mtime != x->mtime) {
        e = corrupt("mtime", fmt_i64(sv, x->mtime), fmt_i64(cv, d->mtime));
        break;
      }
    }
    if (x->ino && d->ino != x->ino) { /* keep the guest's number (also if the host renumbered it) */
      ino_map_set(d->key_dev, d->key_ino, x->ino);
      d->ino = x->ino;
    }
  }
  /* Pass 3: the fd table. */
  rd_t fr = {g_img.p, g_img.len, fds_pos, 0};
  for (uint32_t i = 0; i < nfds && !e; i++) {
    uint32_t fd = get32(&fr);
    uint8_t kind = get8(&fr), preopen = get8(&fr), readable = get8(&fr), writable = get8(&fr);
    uint16_t fdflags = get16(&fr);
    uint64_t rights = get64(&fr), inh = get64(&fr), offset = get64(&fr);
    uint32_t di = get32(&fr);
    uint16_t pl = get16(&fr);
    const char *pname = (const char *)g_img.p + fr.pos;
    fr.pos += pl;
    if (kind == 2) { /* a stream: its slot comes back detached; the embedder re-attaches it (wfs_stdio) */
      gfd_t *g;
      if ((e = fd_alloc_at(fd, &g))) break;
      g->kind = K_STREAM;
      g->host_fd = -1;
      g->rights = rights;
      g->fdflags = fdflags;
      continue;
    }
    dentry_t *d = ds[di];
    if (!d) {
      e = WASI_EIO;
      break;
    }
    rec_path(recs, g_img.p, di);
    gfd_t *g;
    if ((e = fd_alloc_at(fd, &g))) break;
    int32_t hfd;
    if (readable || writable) e = dentry_handle(d, readable, writable, 0, &hfd);
    else if (d_is_dir(d)) e = dentry_dir_fd(d, &hfd);
    else e = dentry_any_fd(d, &hfd);
    if (e) {
      memset(g, 0, sizeof *g);
      e = corrupt("reopen", readable && writable ? "read-write" : writable ? "write" : "read", "failed");
      break;
    }
    g->kind = K_DENTRY;
    g->d = d;
    g->rights = rights;
    g->rights_inh = inh;
    g->fdflags = fdflags;
    g->offset = offset;
    g->readable = readable;
    g->writable = writable;
    g->preopen = preopen;
    if (preopen) {
      g->pname = malloc(pl + 1u);
      if (!g->pname) {
        e = WASI_ENOMEM;
        break;
      }
      memcpy(g->pname, pname, pl);
      g->pname[pl] = 0;
      g->pname_len = pl;
    }
    dentry_ref(d);
    dentry_open_count(d, 1);
  }
  /* Records nobody holds any more (a root whose fds all failed, ...) go back to the LRU. */
  for (uint32_t i = nrec; i-- > 0;)
    if (ds[i] && ds[i]->refs == 0) {
      dentry_ref(ds[i]);
      dentry_unref(ds[i]);
    }
  for (uint32_t i = 0; i < n_roots && i < 32; i++)
    if (!(roots_used & (1u << i))) dentry_host_close_adopted(root_fds[i]);
  free(recs);
  free(ds);
  free(g_img.p);
  memset(&g_img, 0, sizeof g_img);
  return e;
malformed:
  for (uint32_t i = 0; i < n_roots; i++) dentry_host_close_adopted(root_fds[i]);
  return WASI_EINVAL;
}
