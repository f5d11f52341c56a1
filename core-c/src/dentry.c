/* dentry.c — the dentry cache: name tree, inode identity, cached metadata, host FDs.
 *
 * Owns: every dentry, the (parent, name) hash, the (dev, ino) -> guest inode map, the LRU of
 * unreferenced dentries, negative dentries, the host-FD budget, and the seed's per-dentry host
 * operations that obtain FDs (lookup = getHostChild/tryOpen, openHandle/ensureSharedHandle,
 * updateMetadata). Every host FD held by a dentry is opened and closed here.
 * Must not: know about guest fds, rights or WASI paths (walk.c and wasi.c do).
 *
 * Security: every open is openat(parent FD, validated name, ... | O_NOFOLLOW | O_CLOEXEC); the
 * only FDs not obtained that way are the mount roots handed to dentry_new_root.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

wfs_limits_t g_limits;
uint32_t g_shared;
uint32_t g_op_gen = 1;
uint32_t g_counters[8];

#define H_OPEN_FLAGS (L_O_NOFOLLOW | L_O_CLOEXEC)
static const char k_empty[1] = "";
static l_statx_t g_stx; /* statx result buffer (core memory, filled by the host) */
/* Negative dentries alive in all directories: capped at max_dentries in total, so a guest that
 * looks up missing names in many directories cannot grow the cache without bound. */
static uint32_t g_neg_total;

/* ---- Linux errno -> WASI errno (the one table of this boundary; default EIO) ------------- */
werr_t errno_from_linux(int32_t neg) {
  switch (-neg) {
    case 1: return WASI_EPERM;
    case 2: return WASI_ENOENT;
    case 3: return WASI_ESRCH;
    case 4: return WASI_EINTR;
    case 5: return WASI_EIO;
    case 6: return WASI_ENXIO;
    case 7: return WASI_E2BIG;
    case 9: return WASI_EBADF;
    case 11: return WASI_EAGAIN;
    case 12: return WASI_ENOMEM;
    case 13: return WASI_EACCES;
    case 14: return WASI_EFAULT;
    case 16: return WASI_EBUSY;
    case 17: return WASI_EEXIST;
    case 18: return WASI_EXDEV;
    case 19: return WASI_ENODEV;
    case 20: return WASI_ENOTDIR;
    case 21: return WASI_EISDIR;
    case 22: return WASI_EINVAL;
    case 23: return WASI_ENFILE;
    case 24: return WASI_EMFILE;
    case 25: return WASI_ENOTTY;
    case 26: return WASI_ETXTBSY;
    case 27: return WASI_EFBIG;
    case 28: return WASI_ENOSPC;
    case 29: return WASI_ESPIPE;
    case 30: return WASI_EROFS;
    case 31: return WASI_EMLINK;
    case 32: return WASI_EPIPE;
    case 34: return WASI_ERANGE;
    case 36: return WASI_ENAMETOOLONG;
    case 38: return WASI_ENOSYS;
    case 39: return WASI_ENOTEMPTY;
    case 40: return WASI_ELOOP;
    case 61: return WASI_ENODATA_X; /* ENODATA (xattrs): mapped back by the Filesystem API */
    case 75: return WASI_EOVERFLOW;
    case 84: return WASI_EILSEQ;
    case 88: return WASI_ENOTSOCK;
    case 95: return WASI_ENOTSUP;
    case 110: return WASI_ETIMEDOUT;
    case 116: return WASI_ESTALE;
    case 122: return WASI_EDQUOT;
    default: return WASI_EIO;
  }
}

uint8_t wasi_filetype(uint32_t mode) {
  switch (mode & L_S_IFMT) {
    case L_S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case L_S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case L_S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case L_S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case L_S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case L_S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
  }
}

/* ---- host FD accounting -------------------------------------------------------------------- */
/* Every host open/close of the core goes through these two, so C_HOST_FDS is exact. */

/* The host refusing an FD (EMFILE/ENFILE) first makes the cache shed every FD it can re-open
 * later, then the open is tried once more; only then does the error reach the caller. */
int32_t dentry_host_open(int32_t dirfd, const char *name, int32_t flags, int32_t mode) {
  int32_t fd = SYS_SHED(host_openat(dirfd, name, flags | H_OPEN_FLAGS, mode));
  if (fd >= 0) g_counters[C_HOST_FDS]++;
  return fd;
}
int32_t dentry_host_close(int32_t fd) {
  g_counters[C_HOST_FDS]--;
  return SYS(host_close(fd));
}

/* Closes an FD handed to the core by the embedder that the core never adopted. */
void dentry_host_close_adopted(int32_t fd) { SYS(host_close(fd)); }

/* ---- (parent, name) hash --------------------------------------------------------------------- */
static dentry_t **g_htab;
static uint32_t g_hcap, g_hcount;

static uint32_t name_hash(const dentry_t *parent, const char *name, uint32_t len) {
  uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)parent * 2654435761u;
  for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)name[i]) * 16777619u;
  return h;
}

static void htab_grow(void) {
  uint32_t ncap = g_hcap ? g_hcap * 2 : 1024;
  dentry_t **n = calloc(ncap, sizeof *n);
  if (!n) return; /* keep the old table: lookups stay correct, only slower */
  for (uint32_t i = 0; i < g_hcap; i++) {
    for (dentry_t *d = g_htab[i], *next; d; d = next) {
      next = d->hnext;
      d->hnext = n[d->hash & (ncap - 1)];
      n[d->hash & (ncap - 1)] = d;
    }
  }
  free(g_htab);
  g_htab = n;
  g_hcap = ncap;
}

static void htab_insert(dentry_t *d) {
  if (g_hcount + 1 > g_hcap) htab_grow();
  dentry_t **b = &g_htab[d->hash & (g_hcap - 1)];
  d->hnext = *b;
  *b = d;
  g_hcount++;
}

uint64_t g_names_gen = 1;

static void htab_remove(dentry_t *d) {
  g_names_gen++; /* a name left the tree: remembered walk prefixes are stale (walk.c) */
  dentry_t **p = &g_htab[d->hash & (g_hcap - 1)];
  while (*p && *p != d) p = &(*p)->hnext;
  if (*p) {
    *p = d->hnext;
    g_hcount--;
  }
  d->hnext = NULL;
}

dentry_t *dentry_find(dentry_t *dir, const char *name, uint32_t len) {
  if (!g_hcap) return NULL;
  uint32_t h = name_hash(dir, name, len);
  for (dentry_t *d = g_htab[h & (g_hcap - 1)]; d; d = d->hnext)
    if (d->hash == h && d->parent == dir && d->name_len == len && memcmp(d->name, name, len) == 0) return d;
  return NULL;
}

/* ---- (dev, ino) -> guest inode ------------------------------------------------------------ */
/* Guest inode numbers are stable for the core's life and unique per host key (dev, ino).
 * A file on the home device (the first mount root's, or a restored image's) keeps its host
 * inode number, so the common case needs no table: numbering every entry
 * of a 50,000-entry readdir through a map was a fifth of the time of reading it. Every other
 * key (another device, a host number of 0 or at or above INO_ASSIGNED_BASE, or a home number a
 * restore reserved for another file) gets the next number from INO_ASSIGNED_BASE up, remembered
 * in the exception map. A restore keeps a saved number for a file the host renumbered by putting
 * that key in the map, and reserves the number (key {INO_RESERVED_DEV, n}) so the home file whose
 * host number is n gets another one. The map is saved in checkpoints (checkpoint.c). */
#define INO_ASSIGNED_BASE (1ull << 62)
#define INO_RESERVED_DEV (~0ull) /* no Linux device has it: majors have 12 bits, minors 20 */
typedef struct {
  uint64_t dev, ino, gino; /* gino 0: empty slot */
} inoent_t;
static inoent_t *g_inos;          /* the exception map, open addressing; owned here */
static uint32_t g_icap, g_icount;
static uint64_t g_last_ino = INO_ASSIGNED_BASE; /* the last number assigned from the map */
static uint64_t g_home_dev;
static int g_home_set;

static uint32_t ino_hash(uint64_t dev, uint64_t ino) {
  uint64_t x = ino * 0x9E3779B97F4A7C15ull ^ dev * 0xC2B2AE3D27D4EB4Full;
  return (uint32_t)(x ^ (x >> 29));
}

/* The map's number for (dev, ino), or 0. */
static uint64_t map_find(uint64_t dev, uint64_t ino) {
  if (!g_icount) return 0;
  for (uint32_t j = ino_hash(dev, ino) & (g_icap - 1); g_inos[j].gino; j = (j + 1) & (g_icap - 1))
    if (g_inos[j].dev == dev && g_inos[j].ino == ino) return g_inos[j].gino;
  return 0;
}

/* Maps (dev, ino) to gino (non-zero), replacing an earlier number. Returns 0 when out of memory. */
static int map_put(uint64_t dev, uint64_t ino, uint64_t gino) {
  if ((g_icount + 1) * 10 > g_icap * 7) {
    uint32_t ncap = g_icap ? g_icap * 2 : 256;
    inoent_t *n = calloc(ncap, sizeof *n);
    if (!n) {
      if (g_icount + 1 >= g_icap) return 0;
    } else {
      for (uint32_t i = 0; i < g_icap; i++) {
        if (!g_inos[i].gino) continue;
        uint32_t j = ino_hash(g_inos[i].dev, g_inos[i].ino) & (ncap - 1);
        while (n[j].gino) j = (j + 1) & (ncap - 1);
        n[j] = g_inos[i];
      }
      free(g_inos);
      g_inos = n;
      g_icap = ncap;
    }
  }
  uint32_t j = ino_hash(dev, ino) & (g_icap - 1);
  while (g_inos[j].gino && !(g_inos[j].dev == dev && g_inos[j].ino == ino)) j = (j + 1) & (g_icap - 1);
  if (!g_inos[j].gino) g_icount++;
  g_inos[j].dev = dev;
  g_inos[j].ino = ino;
  g_inos[j].gino = gino;
  return 1;
}

/* Returns the guest inode number for a host key: the map's, else the host number itself on the
 * home device, else the next assigned number (remembered; out of memory: a fresh number that is
 * not remembered). Without a mount root yet, the first key numbered chooses the home device. */
uint64_t ino_for_key(uint64_t dev, uint64_t ino) {
  if (!g_home_set) {
    g_home_dev = dev;
    g_home_set = 1;
  }
  uint64_t g = map_find(dev, ino);
  if (g) return g;
  if (dev == g_home_dev && ino && ino < INO_ASSIGNED_BASE && !map_find(INO_RESERVED_DEV, ino)) return ino;
  g = ++g_last_ino;
  map_put(dev, ino, g);
  return g;
}

uint32_t ino_map_slots(void) { return g_icap; }

int ino_map_slot(uint32_t i, uint64_t *dev, uint64_t *ino, uint64_t *gino) {
  if (i >= g_icap || !g_inos[i].gino) return 0;
  *dev = g_inos[i].dev;
  *ino = g_inos[i].ino;
  *gino = g_inos[i].gino;
  return 1;
}

/* Restore: gives (dev, ino) the number gino, replacing any other. A home-range number held by a
 * key other than its own home file is reserved, so that file is numbered from the map instead.
 * Reserved entries saved in an image come back through here as they were. */
void ino_map_set(uint64_t dev, uint64_t ino, uint64_t gino) {
  if (!gino) return;
  if (g_home_set && dev == g_home_dev && ino == gino && ino < INO_ASSIGNED_BASE && !map_find(dev, ino) &&
      !map_find(INO_RESERVED_DEV, ino)) return; /* its own number already */
  map_put(dev, ino, gino);
  if (gino < INO_ASSIGNED_BASE && dev != INO_RESERVED_DEV) map_put(INO_RESERVED_DEV, gino, gino);
  if (gino > g_last_ino) g_last_ino = gino;
}

uint64_t ino_map_last(void) { return g_last_ino; }
void ino_map_set_last(uint64_t last) {
  if (last > g_last_ino) g_last_ino = last;
}

/* The home device (checkpoint.c saves it; a restore sets it before any key is numbered).
 * Returns 0 while no key has been numbered. */
int ino_map_home(uint64_t *dev) {
  *dev = g_home_dev;
  return g_home_set;
}
void ino_map_set_home(uint64_t dev) {
  g_home_dev = dev;
  g_home_set = 1;
}

/* ---- lists ---------------------------------------------------------------------------------- */
static dentry_t *g_lru_head, *g_lru_tail; /* unreferenced positive dentries, newest first */
static dentry_t *g_fd_head, *g_fd_tail;   /* dentries holding host FDs, most recent first */
static int in_lru(const dentry_t *d) { return d->lru_prev || g_lru_head == d; }
static int in_fdlist(const dentry_t *d) { return d->fd_prev || g_fd_head == d; }

static void lru_remove(dentry_t *d) {
  if (!in_lru(d)) return;
  if (d->lru_prev) d->lru_prev->lru_next = d->lru_next; else g_lru_head = d->lru_next;
  if (d->lru_next) d->lru_next->lru_prev = d->lru_prev; else g_lru_tail = d->lru_prev;
  d->lru_next = d->lru_prev = NULL;
}
static void lru_push(dentry_t *d) {
  d->lru_prev = NULL;
  d->lru_next = g_lru_head;
  if (g_lru_head) g_lru_head->lru_prev = d; else g_lru_tail = d;
  g_lru_head = d;
}
static void fdlist_remove(dentry_t *d) {
  if (!in_fdlist(d)) return;
  if (d->fd_prev) d->fd_prev->fd_next = d->fd_next; else g_fd_head = d->fd_next;
  if (d->fd_next) d->fd_next->fd_prev = d->fd_prev; else g_fd_tail = d->fd_prev;
  d->fd_next = d->fd_prev = NULL;
}
static void fdlist_push(dentry_t *d) {
  d->fd_prev = NULL;
  d->fd_next = g_fd_head;
  if (g_fd_head) g_fd_head->fd_prev = d; else g_fd_tail = d;
  g_fd_head = d;
}
static int holds_fd(const dentry_t *d) { return d->control_fd >= 0 || d->read_fd >= 0 || d->write_fd >= 0; }
/* Sheddable: holds FDs that can be re-opened from the parent later. */
static int sheddable(const dentry_t *d) { return !(d->flags & (D_ROOT | D_DELETED)) && d->open_count == 0; }

static void fdlist_update(dentry_t *d) {
  fdlist_remove(d);
  if (holds_fd(d) && sheddable(d)) fdlist_push(d);
}

/* Marks d as used by the current operation (pinned) and most recently used. */
void dentry_touch(dentry_t *d) {
  d->gen = g_op_gen;
  if (in_fdlist(d) && g_fd_head != d) {
    fdlist_remove(d);
    fdlist_push(d);
  }
  if (in_lru(d) && g_lru_head != d) {
    lru_remove(d);
    lru_push(d);
  }
}

static uint32_t fds_held(const dentry_t *d) {
  uint32_t n = (d->control_fd >= 0) + (d->read_fd >= 0) + (d->write_fd >= 0 && d->write_fd != d->read_fd);
  return n;
}

static void close_fds(dentry_t *d) {
  g_counters[C_DENTRY_FDS] -= fds_held(d);
  if (d->control_fd >= 0) dentry_host_close(d->control_fd);
  if (d->read_fd >= 0) dentry_host_close(d->read_fd);
  if (d->write_fd >= 0 && d->write_fd != d->read_fd) dentry_host_close(d->write_fd);
  d->control_fd = d->read_fd = d->write_fd = -1;
  fdlist_remove(d);
}

/* Before taking one more host FD (n more) for a dentry: shed the least recently used sheddable
 * dentries' FDs until under budget. Dentries used by the current operation are kept. */
static void budget_make_room_for(uint32_t n);
static void budget_make_room(void) { budget_make_room_for(1); }
static void budget_make_room_for(uint32_t n) {
  dentry_t *v = g_fd_tail;
  while (g_counters[C_DENTRY_FDS] + n > g_limits.host_fd_budget && v) {
    dentry_t *prev = v->fd_prev;
    if (v->gen != g_op_gen) close_fds(v);
    v = prev;
  }
}

/* Closes the FDs of every sheddable dentry not used by the current operation. */
void dentry_shed_all(void) {
  for (dentry_t *v = g_fd_tail, *prev; v; v = prev) {
    prev = v->fd_prev;
    if (v->gen != g_op_gen) close_fds(v);
  }
}

/* Records that d now holds `fd` in one of its slots (the caller stored it). */
static void note_fd(dentry_t *d) {
  g_counters[C_DENTRY_FDS]++;
  fdlist_update(d);
  if (in_fdlist(d) && g_fd_head != d) {
    fdlist_remove(d);
    fdlist_push(d);
  }
}

/* ---- life cycle ---------------------------------------------------------------------------- */
static dentry_t *alloc_dentry(dentry_t *parent, const char *name, uint32_t len, uint32_t flags) {
  dentry_t *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->name = malloc(len + 1);
  if (!d->name) {
    free(d);
    return NULL;
  }
  memcpy(d->name, name, len);
  d->name[len] = 0;
  d->name_len = len;
  d->flags = flags;
  d->control_fd = d->read_fd = d->write_fd = -1;
  d->gen = g_op_gen;
  if (parent) {
    d->parent = parent;
    d->hash = name_hash(parent, name, len);
    htab_insert(d);
    d->sib_next = parent->child;
    if (parent->child) parent->child->sib_prev = d;
    parent->child = d;
  }
  if (!(flags & D_NEGATIVE)) g_counters[C_DENTRIES]++;
  return d;
}

static void neg_unlink(dentry_t *n) {
  dentry_t *dir = n->parent;
  if (n->lru_prev) n->lru_prev->lru_next = n->lru_next; else dir->neg_head = n->lru_next;
  if (n->lru_next) n->lru_next->lru_prev = n->lru_prev; else dir->neg_tail = n->lru_prev;
  n->lru_next = n->lru_prev = NULL;
  dir->nneg--;
}

/* Removes d from its parent's hash and child list (d stays allocated). */
static void unhash(dentry_t *d) {
  dentry_t *p = d->parent;
  if (!p) return;
  htab_remove(d);
  if (d->sib_prev) d->sib_prev->sib_next = d->sib_next; else p->child = d->sib_next;
  if (d->sib_next) d->sib_next->sib_prev = d->sib_prev;
  d->sib_next = d->sib_prev = NULL;
  if (d->flags & D_NEGATIVE) neg_unlink(d);
}

static void free_dentry(dentry_t *d) {
  g_names_gen++; /* its address may come back as another dentry (a root has no hash entry) */
  if (!(d->flags & D_NEGATIVE)) g_counters[C_DENTRIES]--;
  else g_neg_total--;
  d->flags |= D_DESTROYED;
  free(d->name);
  free(d->target);
  free(d);
}

/* Dentries whose last reference went while deleted: destroyed by drain(), iteratively (a
 * cascade up a 10,000-deep chain must not recurse). Linked through lru_next. */
static dentry_t *g_dead;

/* Drops one reference without destroying anything: a dentry reaching 0 goes to the LRU, or to
 * g_dead if it is deleted. */
static void unref_nocascade(dentry_t *d) {
  if (--d->refs) return;
  if (d->flags & D_DELETED) {
    lru_remove(d);
    d->lru_next = g_dead;
    g_dead = d;
  } else {
    lru_push(d);
  }
}

/* Destroys d: precondition refs == 0 (so it has no positive children). Closes its FDs, frees
 * its negative children, drops its parent's reference (no cascade: the caller drains). */
static void destroy(dentry_t *d) {
  while (d->child) { /* only negative children remain */
    dentry_t *c = d->child;
    unhash(c);
    c->parent = NULL;
    free_dentry(c);
  }
  lru_remove(d);
  close_fds(d);
  dentry_t *p = d->parent;
  unhash(d);
  free_dentry(d);
  if (p) unref_nocascade(p);
}

/* Destroys the dead, then evicts unreferenced dentries, oldest first, while over max_dentries.
 * Dentries used by the current operation are never evicted (the walk holds plain pointers to
 * them). Iterative: parents freed by a destroy join the LRU or g_dead and are handled here. */
static void drain(void) {
  for (;;) {
    if (g_dead) {
      dentry_t *d = g_dead;
      g_dead = d->lru_next;
      d->lru_next = NULL;
      destroy(d);
    } else if (g_counters[C_DENTRIES] > g_limits.max_dentries && g_lru_tail && g_lru_tail->gen != g_op_gen) {
      g_counters[C_EVICTIONS]++;
      destroy(g_lru_tail);
    } else {
      return;
    }
  }
}

/* Before unlinking a file a guest fd holds open: make sure an FD that can read it survives
 * (the seed's O_RDONLY control FD), so a checkpoint can save its contents (best effort). */
void dentry_keep_readable(dentry_t *d) {
  if (!d || (d->flags & D_NEGATIVE) || !d_is_reg(d) || d->open_count == 0 || d->read_fd >= 0) return;
  if (d->control_fd >= 0 && !(d->flags & D_OPATH)) return;
  if (!d->parent) return;
  int32_t pfd;
  if (dentry_dir_fd(d->parent, &pfd)) return;
  int32_t fd = dentry_host_open(pfd, d->name, L_O_RDONLY | L_O_NONBLOCK | L_O_NOCTTY, 0);
  if (fd < 0) return;
  if (d->control_fd >= 0) {
    dentry_host_close(d->control_fd);
    g_counters[C_DENTRY_FDS]--;
  }
  d->control_fd = fd;
  d->flags &= ~(uint32_t)D_OPATH;
  note_fd(d);
}

/* A guest fd opened (delta 1) or closed (delta -1) on d: while any is open, d's FDs are not
 * shed (a deleted-but-open file could not be re-opened). */
void dentry_open_count(dentry_t *d, int delta) {
  d->open_count = (uint32_t)((int)d->open_count + delta);
  fdlist_update(d);
}

void dentry_ref(dentry_t *d) {
  if (d->refs++ == 0) lru_remove(d);
}

void dentry_unref(dentry_t *d) {
  unref_nocascade(d);
  drain();
}

/* Positive new dentry under dir (refs 0, on the LRU, pinned for the current operation). Past
 * max_dentries the oldest unreferenced ones go now: lookups alone (a stat storm) release no
 * reference, so waiting for the next unref would let the cache grow without bound. */
static dentry_t *new_child(dentry_t *dir, const char *name, uint32_t len) {
  dentry_t *d = alloc_dentry(dir, name, len, 0);
  if (!d) return NULL;
  dentry_ref(dir);
  lru_push(d);
  if (g_counters[C_DENTRIES] > g_limits.max_dentries) drain();
  return d;
}

static void add_negative(dentry_t *dir, const char *name, uint32_t len) {
  if (g_shared || g_limits.max_negative == 0 || g_neg_total >= g_limits.max_dentries) return;
  if (dir->nneg >= g_limits.max_negative && dir->neg_head) {
    dentry_t *old = dir->neg_head;
    unhash(old);
    old->parent = NULL;
    free_dentry(old);
  }
  dentry_t *n = alloc_dentry(dir, name, len, D_NEGATIVE);
  if (!n) return;
  g_neg_total++;
  n->lru_prev = dir->neg_tail;
  if (dir->neg_tail) dir->neg_tail->lru_next = n; else dir->neg_head = n;
  dir->neg_tail = n;
  dir->nneg++;
}

/* ---- metadata ------------------------------------------------------------------------------- */
static void meta_from_statx(dentry_t *d, const l_statx_t *s) {
  uint64_t dev = ((uint64_t)s->stx_dev_major << 32) | s->stx_dev_minor;
  if (dev != d->key_dev || s->stx_ino != d->key_ino) d->ino = 0; /* numbered when first shown */
  d->key_dev = dev;
  d->key_ino = s->stx_ino;
  d->mode = s->stx_mode;
  d->uid = s->stx_uid;
  d->gid = s->stx_gid;
  d->nlink = s->stx_nlink;
  d->blksize = s->stx_blksize;
  uint64_t ma = s->stx_rdev_major, mi = s->stx_rdev_minor; /* glibc makedev() */
  d->rdev = (mi & 0xffu) | ((ma & 0xfffu) << 8) | ((mi & ~0xffull) << 12) | ((ma & ~0xfffull) << 32);
  d->size = s->stx_size;
  d->blocks = s->stx_blocks;
  d->atime = s->stx_atime.tv_sec * 1000000000ll + s->stx_atime.tv_nsec;
  d->mtime = s->stx_mtime.tv_sec * 1000000000ll + s->stx_mtime.tv_nsec;
  d->ctime = s->stx_ctime.tv_sec * 1000000000ll + s->stx_ctime.tv_nsec;
  d->btime = s->stx_btime.tv_sec * 1000000000ll + s->stx_btime.tv_nsec;
  d->flags |= D_META;
  d->meta_gen = g_op_gen;
}

/* d's metadata must be read again. For a directory this is also how its entries change (every
 * create/remove/rename in it passes here), so open readdir snapshots of it become stale. */
/* d's guest inode number (precondition: D_META), assigned the first time the guest is shown it,
 * so numbers follow the guest's own order of discovery (a checkpoint refreshing metadata does
 * not number anything). */
uint64_t dentry_ino(dentry_t *d) {
  if (!d->ino) d->ino = ino_for_key(d->key_dev, d->key_ino);
  return d->ino;
}

void dentry_meta_stale(dentry_t *d) {
  if (!d) return;
  d->flags &= ~D_META;
  if (d_is_dir(d)) d->dir_gen++;
}

/* Refreshes d's metadata from the host when it is not valid (always in shared mode).
 * Uses an open FD in preference (write, read, control), else statx by name from the parent.
 * Errors: host statx errors; ESTALE if the file's type changed under us. */
werr_t dentry_meta(dentry_t *d) {
  /* Cached metadata is authoritative in exclusive mode, except for a file with several hard
   * links: another name may have changed it (dentries of one inode are not linked together). */
  if ((d->flags & D_META) && (!g_shared || d->meta_gen == g_op_gen) && (d->nlink <= 1 || d_is_dir(d))) return 0;
  int32_t r;
  int32_t fd = d->write_fd >= 0 ? d->write_fd : d->read_fd >= 0 ? d->read_fd : d->control_fd;
  if (fd >= 0) {
    r = SYS(host_statx(fd, k_empty, L_AT_EMPTY_PATH, L_STATX_BASIC_STATS | 0x800u, &g_stx));
  } else {
    if (!d->parent) return WASI_ENOENT; /* deleted, and no FD left to reach it */
    int32_t pfd;
    werr_t e = dentry_dir_fd(d->parent, &pfd);
    if (e) return e;
    r = SYS(host_statx(pfd, d->name, L_AT_SYMLINK_NOFOLLOW, L_STATX_BASIC_STATS | 0x800u, &g_stx));
  }
  if (r < 0) return errno_from_linux(r);
  if ((g_stx.stx_mode & L_S_IFMT) != (d->mode & L_S_IFMT)) return WASI_ESTALE;
  meta_from_statx(d, &g_stx);
  return 0;
}

/* ---- roots ----------------------------------------------------------------------------------- */
/* Takes ownership of host_fd (closed on failure). Errors: ENOTDIR, ENOMEM, statx errors. */
dentry_t *dentry_new_root(int32_t host_fd, werr_t *err) {
  g_counters[C_HOST_FDS]++; /* adopt */
  int32_t r = SYS(host_statx(host_fd, k_empty, L_AT_EMPTY_PATH, L_STATX_BASIC_STATS | 0x800u, &g_stx));
  if (r < 0 || (g_stx.stx_mode & L_S_IFMT) != L_S_IFDIR) {
    dentry_host_close(host_fd);
    *err = r < 0 ? errno_from_linux(r) : WASI_ENOTDIR;
    return NULL;
  }
  dentry_t *d = alloc_dentry(NULL, "", 0, D_ROOT);
  if (!d) {
    dentry_host_close(host_fd);
    *err = WASI_ENOMEM;
    return NULL;
  }
  d->refs = 1;
  d->control_fd = host_fd;
  d->flags |= D_DIRPOS0;
  g_counters[C_DENTRY_FDS]++;
  meta_from_statx(d, &g_stx);
  if (!g_home_set) ino_map_set_home(d->key_dev); /* the first mount's device is home */
  return d;
}

/* ---- FDs on demand ---------------------------------------------------------------------------- */
/* Opens a directory FD for d from its parent's FD (the seed's re-open from the parent). */
static int32_t open_dir_at(int32_t pfd, const char *name, uint32_t *flags) {
  int32_t fd = dentry_host_open(pfd, name, L_O_RDONLY | L_O_DIRECTORY | L_O_NONBLOCK, 0);
  *flags &= ~(uint32_t)D_OPATH;
  if (fd == -13) { /* EACCES: a search-only directory can still be walked through */
    fd = dentry_host_open(pfd, name, L_O_PATH | L_O_DIRECTORY, 0);
    *flags |= D_OPATH;
  }
  return fd;
}

/* Puts in *fd a directory FD for d (a directory), re-opening it and any ancestors whose FDs
 * were shed, from the nearest ancestor that has one. Errors: ENOTDIR (d is not a directory),
 * ENOENT (d was deleted), host openat errors. */
werr_t dentry_dir_fd(dentry_t *d, int32_t *fd) {
  if (!d_is_dir(d)) return WASI_ENOTDIR;
  d->gen = g_op_gen;
  if (d->control_fd >= 0) {
    dentry_touch(d);
    *fd = d->control_fd;
    return 0;
  }
  /* The chain of FD-less directories from d up to the nearest ancestor `a` holding an FD. */
  uint32_t n = 0;
  dentry_t *a = d;
  while (a->control_fd < 0) {
    if (!a->parent) return WASI_ENOENT;
    a = a->parent;
    n++;
  }
  dentry_t *small[32];
  dentry_t **chain = n <= 32 ? small : malloc(n * sizeof *chain);
  if (!chain) return WASI_ENOMEM;
  dentry_t *x = d;
  for (uint32_t i = 0; i < n; i++, x = x->parent) chain[i] = x;
  /* Open downwards. Only the parent being opened from is kept from shedding, so a deep chain
   * holds about one FD per level it still needs, not one per level it passed. */
  werr_t e = 0;
  for (uint32_t i = n; i-- > 0;) {
    dentry_t *p = i + 1 < n ? chain[i + 1] : a;
    uint32_t pg = p->gen;
    p->gen = g_op_gen;
    budget_make_room();
    int32_t nfd = p->control_fd >= 0 ? open_dir_at(p->control_fd, chain[i]->name, &chain[i]->flags) : -9;
    p->gen = pg;
    if (nfd < 0) {
      e = errno_from_linux(nfd);
      break;
    }
    chain[i]->control_fd = nfd;
    chain[i]->flags |= D_DIRPOS0;
    note_fd(chain[i]);
  }
  if (chain != small) free(chain);
  if (e) return e;
  d->gen = g_op_gen;
  dentry_touch(d);
  *fd = d->control_fd;
  return 0;
}

/* A directory FD that getdents64 can read: the control FD unless it is O_PATH (a directory we
 * could only search when it was opened); then re-open it readable from the parent, which
 * reports the real error (EACCES) if the guest still may not read it. */
werr_t dentry_readable_dir_fd(dentry_t *d, int32_t *fd) {
  werr_t e = dentry_dir_fd(d, fd);
  if (e || !(d->flags & D_OPATH)) return e;
  if (!d->parent) return WASI_EBADF;
  int32_t pfd;
  if ((e = dentry_dir_fd(d->parent, &pfd))) return e;
  int32_t nfd = dentry_host_open(pfd, d->name, L_O_RDONLY | L_O_DIRECTORY | L_O_NONBLOCK, 0);
  if (nfd < 0) return errno_from_linux(nfd);
  dentry_host_close(d->control_fd);
  d->control_fd = nfd;
  d->flags |= D_DIRPOS0;
  d->flags &= ~(uint32_t)D_OPATH;
  *fd = nfd;
  return 0;
}

/* Puts in *fd any FD on d (a write or read handle, else the control FD, opened with the seed's
 * tryOpen ladder if needed). Errors: ENOENT (deleted), host openat errors. */
werr_t dentry_any_fd(dentry_t *d, int32_t *fd) {
  dentry_touch(d);
  if (d->write_fd >= 0) { *fd = d->write_fd; return 0; }
  if (d->read_fd >= 0) { *fd = d->read_fd; return 0; }
  if (d_is_dir(d)) return dentry_dir_fd(d, fd);
  if (d->control_fd < 0) {
    if (!d->parent) return WASI_ENOENT;
    int32_t pfd;
    werr_t e = dentry_dir_fd(d->parent, &pfd);
    if (e) return e;
    budget_make_room();
    /* A block device is never opened for I/O (gVisor refuses them): only an O_PATH FD. */
    int32_t nfd = d_type(d) == L_S_IFBLK ? -1 : dentry_host_open(pfd, d->name, L_O_RDONLY | L_O_NONBLOCK | L_O_NOCTTY, 0);
    d->flags &= ~(uint32_t)D_OPATH;
    if (nfd < 0 && nfd != -2) {
      nfd = dentry_host_open(pfd, d->name, L_O_PATH, 0);
      d->flags |= D_OPATH;
    }
    if (nfd < 0) return errno_from_linux(nfd);
    d->control_fd = nfd;
    note_fd(d);
  }
  *fd = d->control_fd;
  return 0;
}

/* Puts nfd into d's read and/or write slot; closes FDs no slot uses any more. */
static void install_handle(dentry_t *d, int32_t nfd, int r, int w) {
  int32_t oldr = d->read_fd, oldw = d->write_fd;
  if (r) d->read_fd = nfd;
  if (w) d->write_fd = nfd;
  if (oldr >= 0 && oldr != d->read_fd && oldr != d->write_fd) {
    g_counters[C_DENTRY_FDS]--;
    dentry_host_close(oldr);
  }
  if (oldw >= 0 && oldw != oldr && oldw != d->read_fd && oldw != d->write_fd) {
    g_counters[C_DENTRY_FDS]--;
    dentry_host_close(oldw);
  }
  note_fd(d);
}

/* The seed's ensureSharedHandle: makes sure d (not a directory) has a read handle (read) and/or
 * a write handle (write), opening the union of what exists and what is asked with one openat
 * from the parent (O_RDWR when both), splitting on EACCES. *fd = the write handle if write,
 * else the read handle.
 * fresh: open even if handles exist (a new guest open after a permission change, or in shared
 * mode), so the host checks access again; existing guest fds then use the new handle too.
 * Errors: ENOENT (deleted with no handle), EACCES, host errors. */
werr_t dentry_handle(dentry_t *d, int read, int write, int fresh, int32_t *fd) {
  dentry_touch(d);
  int have_r = d->read_fd >= 0, have_w = d->write_fd >= 0;
  if (!fresh && (!read || have_r) && (!write || have_w)) {
    *fd = write ? d->write_fd : d->read_fd;
    return 0;
  }
  if (!d->parent) {
    if ((!read || have_r) && (!write || have_w)) { /* deleted: keep what we have */
      *fd = write ? d->write_fd : d->read_fd;
      return 0;
    }
    return WASI_ENOENT;
  }
  int32_t pfd;
  werr_t e = dentry_dir_fd(d->parent, &pfd);
  if (e) return e;
  int want_r = read || have_r, want_w = write || have_w;
  budget_make_room();
  int32_t extra = L_O_NONBLOCK | L_O_NOCTTY;
  int32_t acc = want_r && want_w ? L_O_RDWR : want_w ? L_O_WRONLY : L_O_RDONLY;
  int32_t nfd = dentry_host_open(pfd, d->name, acc | extra, 0);
  if (nfd == -13 && (want_r != read || want_w != write)) {
    want_r = read;
    want_w = write;
    acc = want_r && want_w ? L_O_RDWR : want_w ? L_O_WRONLY : L_O_RDONLY;
    nfd = dentry_host_open(pfd, d->name, acc | extra, 0);
  }
  if (nfd < 0) return errno_from_linux(nfd);
  install_handle(d, nfd, want_r, want_w);
  if (fresh && (!have_r || want_r) && (!have_w || want_w)) d->flags &= ~(uint32_t)D_RECHECK;
  *fd = write ? d->write_fd : d->read_fd;
  return 0;
}

/* Reads and caches a symlink's target (readlinkat from the parent, growing buffer as the
 * seed's readlink). Errors: EINVAL (not a symlink), ENOMEM, host errors. */
werr_t dentry_target(dentry_t *d) {
  if (!d_is_lnk(d)) return WASI_EINVAL;
  if ((d->flags & D_TARGET) && !g_shared) return 0;
  int32_t dirfd;
  const char *name;
  werr_t e;
  if (d->parent) {
    e = dentry_dir_fd(d->parent, &dirfd);
    name = d->name;
  } else {
    e = dentry_any_fd(d, &dirfd); /* deleted symlink: its O_PATH FD with "" */
    name = k_empty;
  }
  if (e) return e;
  for (uint32_t cap = 256; cap <= 65536; cap *= 2) {
    char *buf = malloc(cap);
    if (!buf) return WASI_ENOMEM;
    int32_t n = SYS_SHED(host_readlinkat(dirfd, name, buf, cap));
    if (n < 0) {
      free(buf);
      return errno_from_linux(n);
    }
    if ((uint32_t)n < cap) {
      free(d->target);
      d->target = buf;
      d->target_len = (uint32_t)n;
      buf[n] = 0;
      d->flags |= D_TARGET;
      return 0;
    }
    free(buf);
  }
  return WASI_ENAMETOOLONG;
}

/* ---- lookup (the seed's getHostChild, with negative dentries) -------------------------------- */
/* Invalidates d (and its subtree): it no longer names what the host has at that name. */
static void invalidate(dentry_t *d);

/* Shared mode: re-stat d by name from its parent (no follow); same (dev, ino) and type ->
 * refresh metadata and keep it; otherwise invalidate it. Returns 1 if d is still valid. */
static int revalidate(dentry_t *d, int32_t pfd) {
  if (!(d->flags & D_META)) { /* learn the identity of what we hold before comparing */
    int32_t fd = d->write_fd >= 0 ? d->write_fd : d->read_fd >= 0 ? d->read_fd : d->control_fd;
    if (fd < 0 || SYS(host_statx(fd, k_empty, L_AT_EMPTY_PATH, L_STATX_BASIC_STATS | 0x800u, &g_stx)) < 0 ||
        (g_stx.stx_mode & L_S_IFMT) != (d->mode & L_S_IFMT)) {
      invalidate(d);
      return 0;
    }
    meta_from_statx(d, &g_stx);
  }
  int32_t r = SYS(host_statx(pfd, d->name, L_AT_SYMLINK_NOFOLLOW, L_STATX_BASIC_STATS | 0x800u, &g_stx));
  if (r >= 0 && ((uint64_t)g_stx.stx_dev_major << 32 | g_stx.stx_dev_minor) == d->key_dev &&
      g_stx.stx_ino == d->key_ino && (g_stx.stx_mode & L_S_IFMT) == (d->mode & L_S_IFMT)) {
    meta_from_statx(d, &g_stx);
    return 1;
  }
  invalidate(d);
  return 0;
}

static int g_no_openat_stat; /* the host has no openat_stat (ENOSYS): do not ask again */

/* A lookup that also opens (L_OPEN_READ, see host_openat_stat): the child `name` of dir, cached
 * with its lstat and, for a regular file, the opened FD as its read handle, in *out. *out stays
 * NULL (returning 0) when the host cannot: the caller looks up with statx. Exclusive mode only
 * (shared mode revalidates every handle). Errors: ENOENT (cached as a negative dentry), ENOMEM,
 * host errors. */
static werr_t lookup_open(dentry_t *dir, int32_t pfd, const char *name, uint32_t len, dentry_t **out) {
  *out = NULL;
  if (g_no_openat_stat || g_shared) return 0;
  budget_make_room();
  int32_t fd = SYS_SHED(host_openat_stat(pfd, name, L_O_RDONLY | L_O_NONBLOCK | L_O_NOCTTY, &g_stx));
  if (fd == -38) { /* ENOSYS */
    g_no_openat_stat = 1;
    return 0;
  }
  if (fd < 0 && fd != -95) { /* -95 EOPNOTSUPP: stat'ed, not opened */
    if (fd == -2) add_negative(dir, name, len);
    return errno_from_linux(fd);
  }
  if (fd >= 0) g_counters[C_HOST_FDS]++; /* as dentry_host_open counts its FDs */
  dentry_t *d = new_child(dir, name, len);
  if (!d) {
    if (fd >= 0) dentry_host_close(fd);
    return WASI_ENOMEM;
  }
  meta_from_statx(d, &g_stx);
  if (fd >= 0) install_handle(d, fd, 1, 0);
  *out = d;
  return 0;
}

static void relist(dentry_t *dir);

/* Looks up `name` (len bytes, not necessarily NUL-terminated) in directory `dir`; *out = the
 * child (positive; no reference taken). how & L_DIR_FD: the caller will walk through the child,
 * so open it as a directory right away (one openat; its metadata is fetched lazily); how &
 * L_OPEN_READ: it will be opened read-only, so a host with openat_stat stats and opens it in one
 * call (lookup_open); else stat it by name (one statx, no FD). A cached child costs no copy of
 * the name; a miss copies it once (NUL-terminated) for the host.
 * Preconditions: dir is a positive directory dentry; name passed check_name (len <= 255).
 * Errors: ENOENT (absent; cached as a negative dentry in exclusive mode), ENOMEM, host errors. */
werr_t dentry_lookup(dentry_t *dir, const char *name, uint32_t len, uint32_t how, dentry_t **out) {
  int need_dir_fd = (how & L_DIR_FD) != 0;
  int32_t pfd;
  werr_t e;
  /* Names of a listed directory looked up: a walk (the readdirplus hint, see snap_load in wasi.c;
   * hits count too: the listing itself caches subdirectories). */
  if (dir->flags & D_LISTED) dir->flags |= D_STATKIDS;
  dentry_t *d = dentry_find(dir, name, len);
  if (!d && !g_shared && (dir->flags & (D_LISTED | D_STATSEEN)) == D_LISTED) {
    relist(dir); /* listed without stats: read it again with them, once */
    d = dentry_find(dir, name, len);
  }
  if (d) {
    if (d->flags & D_NEGATIVE) {
      g_counters[C_HITS]++;
      return WASI_ENOENT;
    }
    if (g_shared) {
      e = dentry_dir_fd(dir, &pfd);
      if (e) return e;
      if (!revalidate(d, pfd)) d = NULL;
    }
    if (d) {
      g_counters[C_HITS]++;
      dentry_touch(d);
      if (need_dir_fd && d_is_dir(d)) {
        int32_t fd;
        e = dentry_dir_fd(d, &fd);
        if (e) return e;
      }
      *out = d;
      return 0;
    }
  }
  g_counters[C_MISSES]++;
  char nm[256];
  memcpy(nm, name, len);
  nm[len] = 0;
  name = nm;
  e = dentry_dir_fd(dir, &pfd);
  if (e) return e;
  if (need_dir_fd) {
    budget_make_room();
    uint32_t oflags = 0;
    int32_t fd = open_dir_at(pfd, name, &oflags);
    if (fd >= 0) {
      d = new_child(dir, name, len);
      if (!d) {
        dentry_host_close(fd);
        return WASI_ENOMEM;
      }
      d->flags |= oflags;
      d->mode = L_S_IFDIR;
      d->control_fd = fd;
      d->flags |= D_DIRPOS0;
      note_fd(d);
      if (g_shared && (e = dentry_meta(d))) return e; /* shared mode needs the key now */
      *out = d;
      return 0;
    }
    if (fd == -2) {
      add_negative(dir, name, len);
      return WASI_ENOENT;
    }
    if (fd != -40 && fd != -20) return errno_from_linux(fd); /* not ELOOP/ENOTDIR */
  }
  if (how & L_OPEN_READ) {
    if ((e = lookup_open(dir, pfd, name, len, out)) || *out) return e;
  }
  int32_t r = SYS_SHED(host_statx(pfd, name, L_AT_SYMLINK_NOFOLLOW, L_STATX_BASIC_STATS | 0x800u, &g_stx)); /* a gofer may need an FD */
  if (r < 0) {
    if (r == -2) add_negative(dir, name, len);
    return errno_from_linux(r);
  }
  d = new_child(dir, name, len);
  if (!d) return WASI_ENOMEM;
  meta_from_statx(d, &g_stx);
  *out = d;
  return 0;
}

int g_no_dirent_stats; /* the host has no getdents64_stat (ENOSYS): do not ask again (core.h) */
static uint8_t g_relist_buf[16384] __attribute__((aligned(8)));

/* A lookup is about to miss in dir, which the guest listed without its entries' stats (fd_readdir
 * read it before anything showed its names would be looked up: the first directory of a walk).
 * Reads it again with them (host getdents64_stat: in lisafs mode one RPC per batch instead of
 * one Walk per name looked up next) and caches every entry as a listing with stats does
 * (dentry_learn); once per directory (D_STATSEEN). A cache fill only: errors stop it quietly and
 * the lookup goes to the host as usual. Exclusive mode. Precondition: dir is a positive
 * directory dentry. */
static void relist(dentry_t *dir) {
  dir->flags |= D_STATSEEN;
  int32_t fd;
  if (g_no_dirent_stats || dentry_readable_dir_fd(dir, &fd)) return;
  dir->gen = g_op_gen;
  if (!(dir->flags & D_DIRPOS0) && SYS(host_lseek(fd, 0, 0)) < 0) return;
  dir->flags &= ~(uint32_t)D_DIRPOS0;
  for (;;) {
    int32_t n = SYS_SHED(host_getdents64_stat(fd, g_relist_buf, sizeof g_relist_buf));
    if (n == -38) g_no_dirent_stats = 1;
    if (n <= 0) return;
    for (int32_t off = 0; off < n;) {
      const l_dirent_stat_t *r = dirent_stat_at(g_relist_buf, off, n);
      if (!r) return;
      off += r->d_reclen;
      const char *name = (const char *)(r + 1);
      if (!check_name(name, r->d_namlen)) dentry_learn(dir, name, r->d_namlen, &r->stx);
    }
  }
}

static int g_no_walk; /* the host has no walk (ENOSYS): do not ask again */
static l_walk_rec_t g_walk_recs[PREFETCH_MAX];

/* Whether dentry_prefetch may help: exclusive mode and a host with walk (as far as known). */
int dentry_can_prefetch(void) { return !g_no_walk && !g_shared; }

/* Exclusive mode, a host with host_walk (lisafs: one Walk RPC for all): looks up the `n` names
 * (each NUL-terminated, back to back in `names`) from dir, each in the directory found before
 * it, and caches what the host found as lookups would: directories with their FD and stat,
 * other files with their stat, the first missing name as a negative dentry. A walk about to
 * look up those names one by one then finds them cached (stat-storm in lisafs mode: one Walk per
 * uncached path instead of one per uncached component). A cache fill only: nothing is reported
 * (the lookups that follow go to the host for what is not cached, and report its errors); it
 * does nothing when the FD budget cannot take n more FDs.
 * Preconditions: dir is a positive directory dentry with no cached child names[0]; each name
 * passed check_name; 2 <= n <= PREFETCH_MAX. */
void dentry_prefetch(dentry_t *dir, const char *names, uint32_t n) {
  if (g_no_walk || g_shared || n > PREFETCH_MAX) return;
  int32_t pfd;
  if (dentry_dir_fd(dir, &pfd)) return;
  budget_make_room_for(n);
  if (g_counters[C_DENTRY_FDS] + n > g_limits.host_fd_budget) return;
  int32_t k = SYS_SHED(host_walk(pfd, names, n, g_walk_recs));
  if (k == -38) { /* ENOSYS */
    g_no_walk = 1;
    return;
  }
  if (k < 0) return;
  if ((uint32_t)k > n) k = (int32_t)n;
  for (int32_t i = 0; i < k; i++)
    if (g_walk_recs[i].fd >= 0) g_counters[C_HOST_FDS]++; /* as dentry_host_open counts its FDs */
  dentry_t *cur = dir;
  const char *name = names;
  for (int32_t i = 0; i < k; i++) {
    l_walk_rec_t *r = &g_walk_recs[i];
    uint32_t len = (uint32_t)strlen(name);
    if (r->err == -2 && cur) { /* missing: the rest of the path cannot exist */
      add_negative(cur, name, len);
      break;
    }
    if (r->err || !cur || dentry_find(cur, name, len)) break; /* a host record we do not expect */
    dentry_t *d = new_child(cur, name, len);
    if (!d) break;
    meta_from_statx(d, &r->stx);
    d->gen = g_op_gen; /* the walk goes through it: not shed before it does */
    cur = NULL;
    if (d_is_dir(d) && r->fd >= 0) {
      d->control_fd = r->fd;
      r->fd = -1;
      d->flags |= D_DIRPOS0;
      note_fd(d);
      cur = d; /* the next name is in this directory */
    }
    name += len + 1;
  }
  for (int32_t j = 0; j < k; j++) /* the FDs not cached (a stop above) */
    if (g_walk_recs[j].fd >= 0) dentry_host_close(g_walk_recs[j].fd);
}

/* fd_readdir stat'ed the child `name` of dir (a directory or an entry of unknown type: see
 * snap_load in wasi.c) by name from dir's FD: cache it with that metadata, as a lookup would,
 * so a walk's stat of it right after costs no second statx. Exclusive mode only (shared mode
 * re-stats every cached dentry it walks through), and only a name not cached yet; out of memory
 * it caches nothing. Returns the child or NULL. */
dentry_t *dentry_learn(dentry_t *dir, const char *name, uint32_t len, const l_statx_t *stx) {
  if (g_shared || dentry_find(dir, name, len)) return NULL;
  dentry_t *d = new_child(dir, name, len);
  if (d) meta_from_statx(d, stx);
  return d;
}

/* ---- cache maintenance after mutations ------------------------------------------------------ */
/* Detaches d from the tree: it is unlinked, replaced or invalidated. Its cached children go
 * too. If it is still referenced (open guest fds) it lives on as D_DELETED until released. */
/* Detaches one dentry with no cached children left. */
static void detach_one(dentry_t *d) {
  if (d->flags & D_NEGATIVE) {
    unhash(d);
    d->parent = NULL;
    free_dentry(d);
    return;
  }
  dentry_meta_stale(d); /* nlink/ctime changed (an open fd re-reads them from its FD) */
  dentry_t *p = d->parent;
  unhash(d);
  d->parent = NULL;
  d->flags |= D_DELETED;
  fdlist_update(d); /* deleted dentries are not sheddable: they cannot be re-opened */
  lru_remove(d);
  if (d->refs == 0) { /* nobody holds it: free now */
    d->refs = 1;
    unref_nocascade(d);
  }
  if (p) unref_nocascade(p);
}

/* Detaches d from the tree: it is unlinked, replaced or invalidated. Its cached subtree goes
 * too, leaves first, without recursion (trees may be 10,000 deep). A dentry still referenced
 * by a guest fd lives on as D_DELETED until released. Nothing is freed before drain(). */
static void detach(dentry_t *d) {
  if (d->flags & D_NEGATIVE) {
    detach_one(d);
    return;
  }
  dentry_ref(d); /* d stays allocated while its subtree goes */
  dentry_t *x = d;
  for (;;) {
    if (x->child) {
      x = x->child;
      continue;
    }
    if (x == d) break;
    dentry_t *p = x->parent;
    detach_one(x);
    x = p;
  }
  detach_one(d);
  unref_nocascade(d);
  drain();
}

static void invalidate(dentry_t *d) { detach(d); }

void dentry_forget_name(dentry_t *dir, const char *name, uint32_t len) {
  dentry_t *d = dentry_find(dir, name, len);
  if (d) detach(d);
}

/* A file/dir/link was created at (dir, name) by the guest. */
void dentry_note_created(dentry_t *dir, const char *name, uint32_t len) {
  dentry_forget_name(dir, name, len);
  dentry_meta_stale(dir);
}

/* (dir, name) was unlinked/removed by the guest. */
void dentry_note_removed(dentry_t *dir, const char *name, uint32_t len) {
  dentry_t *d = dentry_find(dir, name, len);
  if (d && !(d->flags & D_NEGATIVE)) {
    dentry_t *p = d->parent;
    dentry_ref(p); /* keep dir alive across detach */
    detach(d);
    add_negative(dir, name, len);
    dentry_meta_stale(dir);
    dentry_unref(p);
    return;
  }
  if (!d) add_negative(dir, name, len);
  dentry_meta_stale(dir);
}

/* Moves positive dentry d to (ndir, nname). On allocation failure d is dropped from the cache
 * instead (the host is right either way). */
static void move_dentry(dentry_t *d, dentry_t *ndir, const char *nname, uint32_t nlen) {
  char *nm = malloc(nlen + 1);
  if (!nm) {
    detach(d);
    return;
  }
  memcpy(nm, nname, nlen);
  nm[nlen] = 0;
  dentry_t *odir = d->parent;
  unhash(d);
  free(d->name);
  d->name = nm;
  d->name_len = nlen;
  d->parent = ndir;
  d->hash = name_hash(ndir, nm, nlen);
  htab_insert(d);
  d->sib_next = ndir->child;
  if (ndir->child) ndir->child->sib_prev = d;
  ndir->child = d;
  dentry_ref(ndir);
  dentry_unref(odir);
  dentry_meta_stale(d); /* ctime */
}

/* RENAME_EXCHANGE of (odir, oname) and (ndir, nname): swap the cached dentries. */
void dentry_note_exchanged(dentry_t *odir, const char *oname, uint32_t olen, dentry_t *ndir, const char *nname, uint32_t nlen) {
  dentry_ref(odir);
  dentry_ref(ndir);
  dentry_t *a = dentry_find(odir, oname, olen), *b = dentry_find(ndir, nname, nlen);
  if (a && (a->flags & D_NEGATIVE)) { detach(a); a = NULL; }
  if (b && (b->flags & D_NEGATIVE)) { detach(b); b = NULL; }
  if (a) a->gen = g_op_gen; /* pinned across the moves (each may drain) */
  if (b) b->gen = g_op_gen;
  if (a) move_dentry(a, ndir, nname, nlen);
  if (b) move_dentry(b, odir, oname, olen);
  dentry_meta_stale(odir);
  dentry_meta_stale(ndir);
  dentry_unref(ndir);
  dentry_unref(odir);
}

/* (odir, oname) was renamed to (ndir, nname) by the guest: move the cached dentry, drop what
 * it replaced, remember the old name as absent. */
void dentry_note_renamed(dentry_t *odir, const char *oname, uint32_t olen, dentry_t *ndir, const char *nname, uint32_t nlen) {
  if (odir == ndir && olen == nlen && memcmp(oname, nname, olen) == 0) return; /* rename to itself */
  dentry_ref(odir);
  dentry_ref(ndir);
  dentry_t *d = dentry_find(odir, oname, olen);
  if (d && (d->flags & D_NEGATIVE)) {
    detach(d);
    d = NULL;
  }
  if (d) d->gen = g_op_gen; /* pinned: detach(old) below drains, which must not evict it */
  dentry_t *old = dentry_find(ndir, nname, nlen);
  int known_absent = old && (old->flags & D_NEGATIVE);
  /* Two names of one inode: rename(2) does nothing at all. */
  int same = d && old && !known_absent && (d->flags & D_META) && (old->flags & D_META) && d->key_dev == old->key_dev &&
             d->key_ino == old->key_ino;
  if (!same) {
    int distinct = old && !known_absent && d && (d->flags & D_META) && (old->flags & D_META);
    if (old) detach(old);
    if (d) move_dentry(d, ndir, nname, nlen);
    /* The old name is gone for sure only if the target was absent or a different inode;
     * otherwise (a hard link we did not know about) let the next lookup ask the host. */
    if (d && (known_absent || distinct)) add_negative(odir, oname, olen);
    else dentry_forget_name(odir, oname, olen);
  }
  dentry_meta_stale(odir);
  dentry_meta_stale(ndir);
  dentry_unref(ndir);
  dentry_unref(odir);
}

/* The seed's getCreatedChild for a file we just created with O_CREAT|O_EXCL: adopts `fd` (the
 * creating open, readable and/or writable) as the new dentry's handle. Takes ownership of fd.
 * Errors: ENOMEM (the file is unlinked then, as the seed does). */
werr_t dentry_adopt_created(dentry_t *dir, const char *name, uint32_t len, int32_t fd, int readable, int writable, dentry_t **out) {
  dentry_t *d = new_child(dir, name, len);
  if (!d) {
    dentry_host_close(fd);
    int32_t pfd;
    if (dentry_dir_fd(dir, &pfd) == 0) SYS(host_unlinkat(pfd, name, 0));
    return WASI_ENOMEM;
  }
  d->mode = L_S_IFREG; /* metadata (and the inode number) are fetched from fd when first asked */
  if (readable) d->read_fd = fd;
  if (writable) d->write_fd = fd;
  note_fd(d);
  *out = d;
  return 0;
}

/* A deleted-but-open file recreated by restore: no parent, holds `fd` as its handle(s). Takes
 * ownership of fd. Returns NULL (fd closed) on allocation failure. */
dentry_t *dentry_new_deleted(uint32_t mode, int32_t fd, int readable, int writable) {
  dentry_t *d = alloc_dentry(NULL, "", 0, D_DELETED);
  if (!d) {
    dentry_host_close(fd);
    return NULL;
  }
  d->mode = mode;
  if (readable) d->read_fd = fd;
  if (writable) d->write_fd = fd;
  if (!readable && !writable) d->control_fd = fd;
  g_counters[C_DENTRY_FDS]++;
  d->refs = 1; /* the caller's, handed to the fd that will hold it */
  return d;
}

/* ---- set-up and tear-down ----------------------------------------------------------------- */
void dentry_init_tables(void) { htab_grow(); }

/* Closes every host FD held by dentries and frees every dentry reachable from the lists.
 * Called by wfs_shutdown after all guest fds are closed (roots are released there). */
void dentry_shutdown(void) {
  while (g_fd_head) close_fds(g_fd_head);
  while (g_lru_tail || g_dead) {
    dentry_t *d = g_dead ? g_dead : g_lru_tail;
    if (d == g_dead) g_dead = d->lru_next, d->lru_next = NULL;
    destroy(d);
  }
}
