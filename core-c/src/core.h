/* core.h — internal types and cross-file functions of the core.
 *
 * Owns: the dentry (name tree + cached inode state, as the seed's directfsDentry), the guest fd
 * entry, limits and counters. Single-threaded: the core runs on the thread that calls it, so
 * there are no locks; "the current operation" is one exported call.
 * Must not: call host functions except through host/imports.h; expose anything to TS except
 * through include/wfs.h.
 */
#ifndef WFS_CORE_H
#define WFS_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "host/imports.h"
#include "wasi_abi.h"
#include "wfs.h"

typedef uint32_t werr_t; /* a WASI errno; 0 = success */

/* ---- limits (wfs_init; 0 = default) ---------------------------------------------------- */
typedef struct {
  uint32_t max_fds;        /* guest fd table size (EMFILE beyond) */
  uint32_t max_dentries;   /* positive cached dentries before LRU eviction of unreferenced ones */
  uint32_t host_fd_budget; /* host FDs held by dentries before the least recently used are shed */
  uint32_t max_negative;   /* negative dentries per directory (FIFO beyond) */
  uint32_t max_symlinks;   /* symlink expansions per lookup (ELOOP beyond) */
  uint32_t max_dir_bytes;  /* bytes of one readdir snapshot (ENOMEM beyond) */
} wfs_limits_t;
extern wfs_limits_t g_limits;
extern uint32_t g_shared; /* interop shared: revalidate on every walk, no negative dentries */
extern uint32_t g_op_gen; /* bumped by every exported call; dentries used in it are pinned */
extern wfs_io_t g_io;
/* First statement of every export that may touch fds, dentries or host handles: the position
 * advanced on the current fast entry goes back to its fd, then a new operation (pins what it
 * uses) and a new fast-table epoch (stales every file entry; see wfs_io_t.fast). */
#define BEGIN() (fast_take_back(), g_op_gen++, g_io.epoch++)
void fast_take_back(void);
extern int32_t g_owner_uid, g_owner_gid; /* owner of created files (-1: the host process's) */
extern uint32_t g_counters[8];
enum { C_SYSCALLS, C_HITS, C_MISSES, C_DENTRIES, C_DENTRY_FDS, C_EVICTIONS, C_RPCS, C_HOST_FDS };

/* Count one host call (every host_* call site goes through these wrappers' callers). */
#define SYS(call) (g_counters[C_SYSCALLS]++, (call))
/* SYS for a host call that may need a host FD of its own (in lisafs mode the gofer opens one to
 * create or read something): on EMFILE/ENFILE the cache sheds every FD it can re-open later
 * (dentry_shed_all; dentries of the current operation are pinned) and the call is tried once
 * more, so the guest sees the error only when nothing was left to shed. */
#define SYS_SHED(call) ({ int32_t r_ = SYS(call); if (r_ == -24 || r_ == -23) { dentry_shed_all(); r_ = SYS(call); } r_; })

/* ---- dentry ------------------------------------------------------------------------------ */
enum {
  D_NEGATIVE = 1u << 0,  /* name known not to exist (exclusive mode only); no inode fields */
  D_DELETED = 1u << 1,   /* unlinked/replaced while referenced; detached from the tree */
  D_META = 1u << 2,      /* cached metadata (and key/ino) valid */
  D_TARGET = 1u << 3,    /* symlink target cached */
  D_ROOT = 1u << 4,      /* mount root: never evicted, control_fd never shed */
  D_DESTROYED = 1u << 5, /* freed (debug guard) */
  D_OPATH = 1u << 6,     /* control_fd is an O_PATH FD (no read permission, symlink, socket) */
  D_RECHECK = 1u << 7,   /* mode/owner changed: the next guest open re-opens its handle */
  D_MARK = 1u << 8,      /* checkpoint: already written to the image (cleared after) */
  D_DIRPOS0 = 1u << 9,   /* directory control_fd is at position 0 (fresh): readdir needs no lseek */
  D_LISTED = 1u << 10,   /* directory: fd_readdir read it (lookups of its names may follow) */
  D_STATKIDS = 1u << 11, /* directory: the guest looked up names it had listed here (a walk), so
                          * its subdirectories are read with their entries' stats (readdirplus) */
  D_STATSEEN = 1u << 12, /* directory: read with its entries' stats (a listing or relist() in
                          * dentry.c), so a lookup that misses there need not read it again */
};

typedef struct dentry dentry_t;
struct dentry {
  /* Tree. Owner: dentry.c. parent holds one ref per positive child. Saved in a checkpoint
   * (as the path from the root). */
  dentry_t *parent;   /* NULL for a root or a deleted dentry */
  dentry_t *hnext;    /* hash chain of (parent, name) */
  dentry_t *child;    /* first cached child (positive or negative) */
  dentry_t *sib_next, *sib_prev;
  dentry_t *lru_next, *lru_prev; /* positive: unreferenced LRU; negative: parent's FIFO */
  dentry_t *fd_next, *fd_prev;   /* on the holders-of-host-FDs list, most recent first */
  char *name;                    /* malloc'd, NUL-terminated; "" for a root */
  uint32_t name_len, hash;
  uint32_t refs;       /* guest fds + positive children + 1 for a root */
  uint32_t open_count; /* guest fds open on this dentry (they pin its handles) */
  uint32_t flags;      /* D_* */
  uint32_t gen;        /* g_op_gen of the last operation that used it (pinned while equal) */
  uint32_t meta_gen;   /* g_op_gen when metadata was last read from the host (shared mode) */
  uint32_t nneg;       /* directories: negative children cached */
  uint32_t dir_gen;    /* directories: bumped by every change of the entries through the guest */
  uint32_t mount_id;   /* roots: index of the wfs_preopen call that made it (saved) */
  dentry_t *neg_head, *neg_tail; /* directories: negative children, oldest first */
  /* Host FDs. Owner: dentry.c (ensure_* functions); -1 when absent. Never saved. */
  int32_t control_fd; /* tryOpen FD: O_RDONLY|O_NONBLOCK (dirs, files, FIFOs) or O_PATH */
  int32_t read_fd, write_fd; /* shared handles (may be equal: O_RDWR) */
  /* Identity and metadata, valid when D_META. Owner: dentry.c (meta_from_statx). Saved. */
  uint64_t key_dev, key_ino; /* host (dev, ino) */
  uint64_t ino;              /* guest inode number, stable for the key; 0 until first shown (dentry_ino) */
  uint32_t mode;             /* Linux st_mode; the type bits never change for a dentry */
  uint32_t uid, gid, nlink, blksize;
  uint64_t rdev;             /* Linux dev_t encoding */
  uint64_t size, blocks;
  int64_t atime, mtime, ctime, btime; /* ns since the epoch */
  char *target;                       /* symlink target when D_TARGET (malloc'd) */
  uint32_t target_len;
};

static inline int d_type(const dentry_t *d) { return (int)(d->mode & L_S_IFMT); }
static inline int d_is_dir(const dentry_t *d) { return d_type(d) == L_S_IFDIR; }
static inline int d_is_reg(const dentry_t *d) { return d_type(d) == L_S_IFREG; }
static inline int d_is_lnk(const dentry_t *d) { return d_type(d) == L_S_IFLNK; }

/* The host_getdents64_stat record at buf[off] of the n bytes it returned, or NULL when it is not
 * one the host would write (truncated, misaligned, a name past its end). */
static inline const l_dirent_stat_t *dirent_stat_at(const uint8_t *buf, int32_t off, int32_t n) {
  const l_dirent_stat_t *r = (const l_dirent_stat_t *)(buf + off);
  if ((uint32_t)(n - off) < sizeof *r || r->d_reclen < sizeof *r + r->d_namlen + 1u || r->d_reclen % 8 ||
      r->d_reclen > (uint32_t)(n - off))
    return NULL;
  return r;
}

/* dentry.c */
werr_t errno_from_linux(int32_t neg_errno);
void dentry_init_tables(void);
dentry_t *dentry_new_root(int32_t host_fd, werr_t *err);
dentry_t *dentry_find(dentry_t *dir, const char *name, uint32_t len);
/* Bumped whenever a name leaves the dentry tree (unhashed: removed, renamed, evicted,
 * invalidated) or a dentry is freed. Adding a name changes no existing resolution (lookups
 * that found something found it before), nor does anything else in exclusive mode (a dentry's
 * type and symlink target never change there), so walk.c's prefix cache is valid while this is. */
extern uint64_t g_names_gen;
/* The host said ENOSYS to getdents64_stat (directfs mode): listings are plain from then on,
 * in fd_readdir (wasi.c) and relist (dentry.c) alike. Defined in dentry.c. */
extern int g_no_dirent_stats;
/* dentry_lookup's `how`: L_DIR_FD, the child must be a directory with its FD open (a walk goes
 * through it); L_OPEN_READ, it is about to be opened read-only (a backend with
 * host_openat_stat looks it up and opens it in one call). */
enum { L_DIR_FD = 1u, L_OPEN_READ = 2u };
werr_t dentry_lookup(dentry_t *dir, const char *name, uint32_t len, uint32_t how, dentry_t **out);
/* At most this many names per dentry_prefetch (one host_walk). */
#define PREFETCH_MAX 16
void dentry_prefetch(dentry_t *dir, const char *names, uint32_t n);
int dentry_can_prefetch(void);
void dentry_ref(dentry_t *d);
void dentry_open_count(dentry_t *d, int delta);
void dentry_unref(dentry_t *d);
void dentry_touch(dentry_t *d);
werr_t dentry_meta(dentry_t *d);
uint64_t dentry_ino(dentry_t *d);
void dentry_meta_stale(dentry_t *d);
werr_t dentry_dir_fd(dentry_t *d, int32_t *fd);
werr_t dentry_readable_dir_fd(dentry_t *d, int32_t *fd);
werr_t dentry_any_fd(dentry_t *d, int32_t *fd);
werr_t dentry_handle(dentry_t *d, int read, int write, int fresh, int32_t *fd);
werr_t dentry_target(dentry_t *d);
void dentry_forget_name(dentry_t *dir, const char *name, uint32_t len);
void dentry_note_created(dentry_t *dir, const char *name, uint32_t len);
void dentry_note_removed(dentry_t *dir, const char *name, uint32_t len);
void dentry_note_renamed(dentry_t *odir, const char *oname, uint32_t olen, dentry_t *ndir, const char *nname, uint32_t nlen);
void dentry_shutdown(void);
int32_t dentry_host_close(int32_t fd);
void dentry_host_close_adopted(int32_t fd);
void dentry_keep_readable(dentry_t *d);
int32_t dentry_host_open(int32_t dirfd, const char *name, int32_t flags, int32_t mode);
void dentry_shed_all(void);
uint8_t wasi_filetype(uint32_t mode);
uint64_t ino_for_key(uint64_t dev, uint64_t ino);
/* For checkpoint.c only: the (dev, ino) -> guest inode map, slot by slot. */
uint32_t ino_map_slots(void);
int ino_map_slot(uint32_t i, uint64_t *dev, uint64_t *ino, uint64_t *gino);
void ino_map_set(uint64_t dev, uint64_t ino, uint64_t gino);
uint64_t ino_map_last(void);
void ino_map_set_last(uint64_t last);
int ino_map_home(uint64_t *dev);
void ino_map_set_home(uint64_t dev);
dentry_t *dentry_new_deleted(uint32_t mode, int32_t fd, int readable, int writable);
dentry_t *dentry_learn(dentry_t *dir, const char *name, uint32_t len, const l_statx_t *stx);

/* walk.c */
enum {
  W_FOLLOW = 1u, /* follow a final symlink */
  W_PARENT = 2u, /* stop before the final component: return its directory and name */
  W_DIR = 4u,    /* the final component must be a directory */
  W_OPEN_READ = 8u, /* the final component is about to be opened read-only (L_OPEN_READ) */
  /* W_PARENT|W_FOLLOW: a final component that is a symlink is expanded first, so the result is
   * the directory and name of the final target (which may not exist: O_CREAT through a link). */
};
typedef struct {
  dentry_t *dir;   /* W_PARENT: the directory holding `name` */
  dentry_t *d;     /* the resolved dentry (without W_PARENT, or W_PARENT with a final dot) */
  const char *name; /* W_PARENT: final component, NUL-terminated (in the walk buffer) */
  uint32_t name_len;
  int trailing_slash; /* the path ended in '/' */
  int final_dot;      /* W_PARENT: the final component was "." (1) or ".." (2); d is that directory */
} walk_t;
werr_t walk(dentry_t *start, const char *path, uint32_t len, uint32_t flags, walk_t *w);
werr_t check_name(const char *name, uint32_t len);

/* ops.c — the seed's directory operations (create, remove, link, rename, open) */
werr_t mkdir_at(dentry_t *dir, const char *name, uint32_t len, uint32_t mode);
werr_t mknod_at(dentry_t *dir, const char *name, uint32_t len, uint32_t mode, uint32_t dev);
werr_t unlink_at(dentry_t *dir, const char *name, uint32_t len, int is_dir, int trailing);
werr_t symlink_at(const char *target, dentry_t *dir, const char *name, uint32_t len, int trailing);
werr_t link_at(dentry_t *src, dentry_t *dir, const char *name, uint32_t len, int trailing);
werr_t rename_paths(dentry_t *ostart, uint32_t len1, dentry_t *nstart, uint32_t len2, uint32_t flags);
werr_t open_path(dentry_t *start, uint32_t len1, uint32_t follow, uint32_t oflags, int readable, int writable, uint32_t mode, dentry_t **out);
werr_t set_size(dentry_t *d, int64_t size);
werr_t set_times(dentry_t *d, const l_timespec_t *times);
werr_t allocate(dentry_t *d, int32_t mode, int64_t off, int64_t len);
werr_t dentry_adopt_created(dentry_t *dir, const char *name, uint32_t len, int32_t fd, int readable, int writable, dentry_t **out);
void dentry_note_exchanged(dentry_t *odir, const char *oname, uint32_t olen, dentry_t *ndir, const char *nname, uint32_t nlen);

#endif
