/* wfs.h — the exported ABI of dist/core.wasm: the only functions TypeScript may call.
 *
 * Owns: the call contract between ts/ (wasi façade, Filesystem API) and the C core.
 * Must not: expose dentries, host FDs or internal structs.
 *
 * Calling convention
 *  - Every wfs_* function returns a WASI errno (0 = success; values in wasi_abi.h).
 *  - Arguments that are paths are NOT pointers: the caller copies the path bytes into
 *    io->path1 (and io->path2 for two-path calls) and passes their lengths. Lengths above
 *    WFS_PATH_MAX are refused by the caller with ENAMETOOLONG before copying.
 *  - Scalar results go to io->r[0..3]; struct results (filestat, fdstat, ...) to io->out;
 *    byte results (readdir entries, readlink text, xattr values, prestat name) to io->data.
 *  - Data-path calls (fd_read/fd_write/fd_pread/fd_pwrite) take iovecs that the caller copied
 *    into io->iovs (wasm32 {u32 buf, u32 len}); by default their buffers are in the guest's
 *    memory (already bounds-checked by the caller), or in core memory when the `mem` argument
 *    says WFS_MEM_CORE (the Filesystem API reads into io->data).
 *  - 64-bit WASI values (offsets, sizes, timestamps, rights, cookies) are i64 (BigInt in JS).
 *  - wfs_io() returns the address of the single wfs_io_t block; wfs_layout(i) reports the
 *    offsets of its fields so the TS side never hard-codes them.
 */
#ifndef WFS_H
#define WFS_H

#include <stdint.h>

#define WFS_EXPORT(name) __attribute__((export_name(#name)))

#define WFS_PATH_MAX 4096   /* bytes per path argument (POSIX PATH_MAX) */
#define WFS_IOV_MAX 1024    /* iovecs per call (Linux IOV_MAX) */
#define WFS_DATA_MAX 65536  /* io->data capacity for one call */
#define WFS_DATA_SLACK 4096 /* room after WFS_DATA_MAX for one overflowing dirent */

#define WFS_FAST_FDS 1024 /* guest fds 0..1023 may be served by the fast table */

/* wfs_fast_t.ops: the calls the caller may serve itself on a current entry. */
#define WFS_FAST_READ 1u   /* fd_read: pread(read_fd) at `offset`, then advance it */
#define WFS_FAST_PREAD 2u  /* fd_pread: pread(read_fd) at the given offset */
#define WFS_FAST_WRITE 4u  /* fd_write: pwrite(write_fd) at `offset`, then advance it */
#define WFS_FAST_PWRITE 8u /* fd_pwrite: pwrite(write_fd) at the given offset */
/* fd_write on a stream (stdio): write(write_fd); current while the entry's epoch equals
 * io->fd_epoch, not io->epoch */
#define WFS_FAST_STREAM 16u

/* One fast-table entry (see wfs_io_t.fast): current while `epoch` equals io->epoch. */
typedef struct {
  int32_t read_fd;  /* the regular file's read handle (READ, PREAD) */
  int32_t write_fd; /* its write handle (WRITE, PWRITE) */
  uint64_t epoch;
  uint64_t offset;  /* the fd's position; the caller advances it, the core takes it back */
  uint32_t ops;     /* WFS_FAST_* */
  uint32_t pad;
} wfs_fast_t;

typedef struct {
  uint64_t r[4];
  uint8_t out[128];
  char path1[WFS_PATH_MAX + 8];
  char path2[WFS_PATH_MAX + 8];
  uint32_t iovs[2 * WFS_IOV_MAX];
  uint8_t data[WFS_DATA_MAX + WFS_DATA_SLACK];
  /* The fast table. Every export bumps `epoch` on entry (BEGIN), after taking back the position
   * of the one entry that may be current. A successful read, pread, write or pwrite on a regular
   * file (guest fd < WFS_FAST_FDS) then publishes fast[fd] with the new epoch: its handles, its
   * position, and the calls its rights and flags allow (writes only after a write, which left
   * the file's cached metadata stale; none for append or sync fds). While fast[fd].epoch == epoch
   * nothing has run in the core since, so the caller may serve those calls on fd (one iovec of
   * one or more bytes, offsets below 2^53) with one pread/pwrite, advancing `offset` for
   * fd_read/fd_write; on a stale entry or any host error it calls the export, which repeats
   * the transfer and reports the error. Only the core writes anything else here. */
  uint64_t epoch;
  /* Bumped whenever a guest fd is closed or replaced or its rights or flags change: a stream
   * entry (WFS_FAST_STREAM, a borrowed stdio FD: no position, no cached metadata) stays current
   * across other calls, so printing does not cost the files their fast entries. */
  uint64_t fd_epoch;
  wfs_fast_t fast[WFS_FAST_FDS];
} wfs_io_t;

/* wfs_layout(i): 0 r, 1 out, 2 path1, 3 path2, 4 iovs, 5 data, 6 WFS_PATH_MAX, 7 WFS_IOV_MAX,
 * 8 WFS_DATA_MAX, 9 ABI version, 10 epoch, 11 fast, 12 WFS_FAST_FDS, 13 fd_epoch. */
#define WFS_ABI_VERSION 3

/* wfs_init flags */
#define WFS_INIT_SHARED 1u /* interop shared: revalidate cached dentries on every walk */

/* wfs_x_* flags */
#define WFS_X_FOLLOW 1u     /* follow a final symlink */
#define WFS_X_EMPTY_PATH 2u /* operate on the fd itself; the path is ignored */

/* Filesystem-API stat result in io->out (all little-endian u64 unless noted):
 * 0 dev, 8 ino (guest), 16 mode (Linux st_mode), 24 nlink, 32 uid, 40 gid, 48 rdev, 56 size,
 * 64 blksize, 72 blocks, 80 atime_ns, 88 mtime_ns, 96 ctime_ns, 104 btime_ns. */
#define WFS_XSTAT_SIZE 112
/* statfs result in io->out: type, bsize, blocks, bfree, bavail, files, ffree, namelen (u64). */

/* Counters reported by wfs_stat_counter(i), for tests and the benchmark (never reset):
 * 0 host syscalls issued, 1 walk cache hits, 2 walk cache misses, 3 dentries alive,
 * 4 host FDs held by dentries, 5 dentry evictions, 6 lisafs RPCs issued, 7 host FDs open in total. */

/* ---- set-up ---------------------------------------------------------------------------- */
WFS_EXPORT(wfs_io) wfs_io_t *wfs_io(void);
WFS_EXPORT(wfs_layout) uint32_t wfs_layout(uint32_t i);
/* Once, before anything else. Zero limits mean the defaults (see wfs_limits in core.h). */
WFS_EXPORT(wfs_init) uint32_t wfs_init(uint32_t flags, uint32_t max_fds, uint32_t max_dentries, uint32_t host_fd_budget);
/* Preopen: takes ownership of host_fd (a directory opened by the embedder; closed on failure);
 * guest name in path1. r0 = guest fd. readonly != 0 drops every write right.
 * Errors: ENOTDIR (not a directory), EMFILE (fd table full), ENOMEM. */
WFS_EXPORT(wfs_preopen) uint32_t wfs_preopen(int32_t host_fd, uint32_t name_len, uint32_t readonly);
/* Stdio-like stream at guest_fd (0..2 usually); host_fd is borrowed, never closed. */
WFS_EXPORT(wfs_stdio) uint32_t wfs_stdio(uint32_t guest_fd, int32_t host_fd, uint32_t readable, uint32_t writable);
/* Closes every guest fd and every host FD the core holds (cached dentries included). */
WFS_EXPORT(wfs_shutdown) void wfs_shutdown(void);
WFS_EXPORT(wfs_stat_counter) uint32_t wfs_stat_counter(uint32_t i);

/* ---- wasi_snapshot_preview1, one export per call (same argument order, paths by length) -- */
WFS_EXPORT(wfs_fd_advise) uint32_t wfs_fd_advise(uint32_t fd, int64_t off, int64_t len, uint32_t advice);
WFS_EXPORT(wfs_fd_allocate) uint32_t wfs_fd_allocate(uint32_t fd, int64_t off, int64_t len);
WFS_EXPORT(wfs_fd_close) uint32_t wfs_fd_close(uint32_t fd);
WFS_EXPORT(wfs_fd_datasync) uint32_t wfs_fd_datasync(uint32_t fd);
WFS_EXPORT(wfs_fd_fdstat_get) uint32_t wfs_fd_fdstat_get(uint32_t fd);                 /* out: 24-byte fdstat */
WFS_EXPORT(wfs_fd_fdstat_set_flags) uint32_t wfs_fd_fdstat_set_flags(uint32_t fd, uint32_t fdflags);
WFS_EXPORT(wfs_fd_fdstat_set_rights) uint32_t wfs_fd_fdstat_set_rights(uint32_t fd, int64_t base, int64_t inheriting);
WFS_EXPORT(wfs_fd_filestat_get) uint32_t wfs_fd_filestat_get(uint32_t fd);             /* out: 64-byte filestat */
WFS_EXPORT(wfs_fd_filestat_set_size) uint32_t wfs_fd_filestat_set_size(uint32_t fd, int64_t size);
WFS_EXPORT(wfs_fd_filestat_set_times) uint32_t wfs_fd_filestat_set_times(uint32_t fd, int64_t atim, int64_t mtim, uint32_t fstflags);
WFS_EXPORT(wfs_fd_pread) uint32_t wfs_fd_pread(uint32_t fd, uint32_t mem, uint32_t iovcnt, int64_t off);  /* r0 = bytes */
WFS_EXPORT(wfs_fd_prestat_get) uint32_t wfs_fd_prestat_get(uint32_t fd);               /* r0 = name length */
WFS_EXPORT(wfs_fd_prestat_dir_name) uint32_t wfs_fd_prestat_dir_name(uint32_t fd);     /* data = name, r0 = length */
WFS_EXPORT(wfs_fd_pwrite) uint32_t wfs_fd_pwrite(uint32_t fd, uint32_t mem, uint32_t iovcnt, int64_t off); /* r0 = bytes */
WFS_EXPORT(wfs_fd_read) uint32_t wfs_fd_read(uint32_t fd, uint32_t mem, uint32_t iovcnt);                 /* r0 = bytes */
/* Entries from `cookie` on, in WASI dirent format, into data. Whole entries are written while
 * they fit in `cap`; if the next one does not fit it is still written whole (data has slack), so
 * r0 (bytes written) may exceed cap: the caller copies what fits and stops. r1 = cookie after
 * the last entry written, r2 = 1 at end of directory. `.` and `..` come first. */
WFS_EXPORT(wfs_fd_readdir) uint32_t wfs_fd_readdir(uint32_t fd, int64_t cookie, uint32_t cap);
WFS_EXPORT(wfs_fd_renumber) uint32_t wfs_fd_renumber(uint32_t from, uint32_t to);
WFS_EXPORT(wfs_fd_seek) uint32_t wfs_fd_seek(uint32_t fd, int64_t off, uint32_t whence); /* r0 = new offset */
WFS_EXPORT(wfs_fd_sync) uint32_t wfs_fd_sync(uint32_t fd);
WFS_EXPORT(wfs_fd_tell) uint32_t wfs_fd_tell(uint32_t fd);                              /* r0 = offset */
WFS_EXPORT(wfs_fd_write) uint32_t wfs_fd_write(uint32_t fd, uint32_t mem, uint32_t iovcnt);               /* r0 = bytes */
WFS_EXPORT(wfs_path_create_directory) uint32_t wfs_path_create_directory(uint32_t fd, uint32_t len1);
WFS_EXPORT(wfs_path_filestat_get) uint32_t wfs_path_filestat_get(uint32_t fd, uint32_t lookupflags, uint32_t len1); /* out: filestat */
WFS_EXPORT(wfs_path_filestat_set_times) uint32_t wfs_path_filestat_set_times(uint32_t fd, uint32_t lookupflags, uint32_t len1, int64_t atim, int64_t mtim, uint32_t fstflags);
WFS_EXPORT(wfs_path_link) uint32_t wfs_path_link(uint32_t oldfd, uint32_t oldflags, uint32_t len1, uint32_t newfd, uint32_t len2);
WFS_EXPORT(wfs_path_open) uint32_t wfs_path_open(uint32_t fd, uint32_t dirflags, uint32_t len1, uint32_t oflags, int64_t rights_base, int64_t rights_inheriting, uint32_t fdflags); /* r0 = new fd */
WFS_EXPORT(wfs_path_readlink) uint32_t wfs_path_readlink(uint32_t fd, uint32_t len1, uint32_t buf_len); /* data = target (truncated to buf_len), r0 = bytes */
WFS_EXPORT(wfs_path_remove_directory) uint32_t wfs_path_remove_directory(uint32_t fd, uint32_t len1);
WFS_EXPORT(wfs_path_rename) uint32_t wfs_path_rename(uint32_t fd, uint32_t len1, uint32_t newfd, uint32_t len2);
WFS_EXPORT(wfs_path_symlink) uint32_t wfs_path_symlink(uint32_t len1 /* target */, uint32_t fd, uint32_t len2 /* new path */);
WFS_EXPORT(wfs_path_unlink_file) uint32_t wfs_path_unlink_file(uint32_t fd, uint32_t len1);
/* poll_oneoff's fd part. data holds n records {u32 fd, u32 kind (1 read, 2 write)}; the core
 * answers in place with {u16 errno, u16 flags (1 = hangup), u32 0, u64 nbytes}. It waits at
 * most timeout_ns (< 0: forever) for a stream to become ready. r0 = records that are ready. */
WFS_EXPORT(wfs_poll) uint32_t wfs_poll(uint32_t n, int64_t timeout_ns);

/* ---- Filesystem API extensions (Linux semantics; flags are WFS_X_*) ---------------------- */
WFS_EXPORT(wfs_x_open) uint32_t wfs_x_open(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t linux_oflags, uint32_t mode); /* r0 = fd */
WFS_EXPORT(wfs_x_stat) uint32_t wfs_x_stat(uint32_t fd, uint32_t flags, uint32_t len1);   /* out: xstat */
WFS_EXPORT(wfs_x_chmod) uint32_t wfs_x_chmod(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t mode);
WFS_EXPORT(wfs_x_chown) uint32_t wfs_x_chown(uint32_t fd, uint32_t flags, uint32_t len1, int32_t uid, int32_t gid);
/* Times in ns since the epoch (negative: before 1970); which = WASI fstflags (ATIM 1, ATIM_NOW 2,
 * MTIM 4, MTIM_NOW 8); a time not named is left unchanged. */
WFS_EXPORT(wfs_x_utimens) uint32_t wfs_x_utimens(uint32_t fd, uint32_t flags, uint32_t len1, int64_t atime_ns, int64_t mtime_ns, uint32_t which);
WFS_EXPORT(wfs_x_truncate) uint32_t wfs_x_truncate(uint32_t fd, uint32_t flags, uint32_t len1, int64_t size);
WFS_EXPORT(wfs_x_mkdir) uint32_t wfs_x_mkdir(uint32_t fd, uint32_t len1, uint32_t mode);
WFS_EXPORT(wfs_x_mknod) uint32_t wfs_x_mknod(uint32_t fd, uint32_t len1, uint32_t mode, uint32_t dev);
WFS_EXPORT(wfs_x_rename) uint32_t wfs_x_rename(uint32_t fd, uint32_t len1, uint32_t newfd, uint32_t len2, uint32_t rename_flags);
WFS_EXPORT(wfs_x_statfs) uint32_t wfs_x_statfs(uint32_t fd, uint32_t flags, uint32_t len1); /* out: statfs */
/* xattrs: name in path2. get: data = value, r0 = size (size 0 asks only for the size). */
WFS_EXPORT(wfs_x_getxattr) uint32_t wfs_x_getxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2, uint32_t size);
WFS_EXPORT(wfs_x_setxattr) uint32_t wfs_x_setxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2, uint32_t vlen, uint32_t xflags); /* value in data */
WFS_EXPORT(wfs_x_listxattr) uint32_t wfs_x_listxattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t size); /* data = NUL-separated names */
WFS_EXPORT(wfs_x_removexattr) uint32_t wfs_x_removexattr(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t len2);
/* Owner given to everything created afterwards (fchown after creation, unlink if it fails). */
WFS_EXPORT(wfs_x_set_owner) uint32_t wfs_x_set_owner(int32_t uid, int32_t gid);
/* The seed's setStat (mask: STATX_MODE 0x2, UID 0x8, GID 0x10, ATIME 0x20, MTIME 0x40, SIZE 0x200;
 * times in ns, -2 = now). r0 = failure mask, r1 = errno of the last failed step. */
WFS_EXPORT(wfs_x_setstat) uint32_t wfs_x_setstat(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t mask, uint32_t mode, int32_t uid, int32_t gid, int64_t size, int64_t atime, int64_t mtime);
/* ---- checkpoint / restore (checkpoint.c has the image layout) -------------------------- */
#define WFS_ECORRUPT 1000 /* wfs_restore: the host differs from the image; io->data = path\0field\0saved\0current\0 */
/* Serialises fd table, needed dentries, inode map, deleted-open contents. r0 = address, r1 = length. */
WFS_EXPORT(wfs_checkpoint) uint32_t wfs_checkpoint(void);
/* Allocates len bytes for an image to restore; r0 = address. */
WFS_EXPORT(wfs_restore_buffer) uint32_t wfs_restore_buffer(uint32_t len);
/* Restores on a fresh core: roots_addr = n_roots i32 host FDs of the mount roots by mount id
 * (taken over); check: 1 size, 2 mtime, 4 identity of every file. Stream fds come back detached. */
WFS_EXPORT(wfs_restore) uint32_t wfs_restore(uint32_t roots_addr, uint32_t n_roots, uint32_t check);
/* Unix sockets inside the mount, through the gofer: r0 = a host socket FD for the embedder. */
WFS_EXPORT(wfs_x_connect) uint32_t wfs_x_connect(uint32_t fd, uint32_t flags, uint32_t len1, uint32_t socktype);
WFS_EXPORT(wfs_x_bind) uint32_t wfs_x_bind(uint32_t fd, uint32_t len1, uint32_t socktype, uint32_t mode);
WFS_EXPORT(wfs_x_allocate) uint32_t wfs_x_allocate(uint32_t fd, uint32_t mode, int64_t off, int64_t len);

#endif
