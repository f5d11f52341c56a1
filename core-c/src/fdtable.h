/* fdtable.h — the guest fd table (rights, flags, offsets), shared by wasi.c and xapi.c.
 *
 * Owns: guest fd numbers and what each refers to. Saved in a checkpoint: kind, rights, flags,
 * offset, the dentry's path, which handles were open; never host FD numbers.
 */
#ifndef WFS_FDTABLE_H
#define WFS_FDTABLE_H

#include "core.h"

enum { K_FREE = 0, K_DENTRY, K_STREAM };

/* Entries of a directory read from the host for fd_readdir, from host position `start` to the
 * end, kept as the WASI dirents fd_readdir hands out (d_next, d_ino, d_namlen, d_type, name),
 * back to back, so a call copies a run of them at once. Cookies are the host's own directory
 * offsets (d_off, as telldir): d_next of entry i is the cookie after it, so a cookie stays
 * meaningful after the directory changes (the kernel resumes there). "." and ".." are the
 * host's own first entries. Owned by the gfd that holds it (wasi.c); not saved in checkpoints. */
typedef struct {
  uint64_t start;       /* host position the snapshot was read from (0 = the beginning) */
  uint32_t gen;         /* the directory's dentry gen_dir when read; stale when it differs */
  uint32_t next;        /* index where the last call stopped (fast path for sequential reads) */
  uint32_t count, cap;  /* entries, and the capacity of `at` */
  uint32_t *at;         /* byte offset of entry i in `recs` (count + 1 values: the last is len) */
  uint8_t *recs;        /* the dirents */
  uint32_t len, recs_cap; /* bytes used / allocated in `recs` */
} dirsnap_t;

typedef struct {
  uint8_t kind;        /* K_* ; owner: fdtable functions */
  uint8_t preopen;     /* a preopened directory (reports prestat) */
  uint8_t readable, writable; /* regular files: which shared handles this fd uses */
  uint16_t fdflags;    /* WASI fdflags */
  uint64_t rights, rights_inh;
  uint64_t offset;     /* regular files: the guest's file position (host FDs are shared) */
  dentry_t *d;         /* K_DENTRY: referenced (refs and open_count) */
  int32_t host_fd;     /* K_STREAM: borrowed host FD, never closed by the core */
  char *pname;         /* preopen name (malloc'd) */
  uint32_t pname_len;
  dirsnap_t *snap;     /* readdir snapshot (malloc'd) */
} gfd_t;

#define RIGHTS_DIR                                                                                           \
  (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_ADVISE |      \
   WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE |            \
   WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK |    \
   WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET |            \
   WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES | WASI_RIGHT_FD_FILESTAT_GET |     \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK | WASI_RIGHT_PATH_REMOVE_DIRECTORY |           \
   WASI_RIGHT_PATH_UNLINK_FILE | WASI_RIGHT_POLL_FD_READWRITE)
#define RIGHTS_FILE                                                                                          \
  (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |       \
   WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE |                     \
   WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                   \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
/* Rights a read-only preopen never grants or passes on. */
#define RIGHTS_WRITING                                                                                       \
  (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                          \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE |       \
   WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_RENAME_SOURCE |               \
   WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |  \
   WASI_RIGHT_PATH_SYMLINK | WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE)
/* Rights that need a host handle open for reading / for writing. */
#define RIGHTS_NEED_READ (WASI_RIGHT_FD_READ)
#define RIGHTS_NEED_WRITE (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE)

extern wfs_io_t g_io;

werr_t fd_get(uint32_t fd, uint64_t need, gfd_t **out);
werr_t fd_get_dir(uint32_t fd, uint64_t need, gfd_t **out);
werr_t fd_alloc(uint32_t *fd, gfd_t **out);
werr_t fd_alloc_at(uint32_t fd, gfd_t **out);
werr_t fd_open_dentry(dentry_t *d, uint64_t rights, uint64_t inh, uint16_t fdflags, uint32_t *fd);
void fd_release(uint32_t fd);
void fd_release_all(void);
void fill_filestat(dentry_t *d, uint8_t *out);
int is_stream_type(const dentry_t *d);

#endif
