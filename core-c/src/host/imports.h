/* imports.h — every host import of the core, and nothing else.
 *
 * Owns: the `hostfd` import module ABI (implemented by ts/host/hostfd.ts with koffi → libc).
 * Twin: ts/host/hostfd.ts implements exactly these names with these signatures; the test
 * test/host.test.ts checks that core.wasm imports no name the host does not provide.
 *
 * Conventions (the whole contract between the core and ts/host):
 *  - Every function is one libc call (plus the documented translation), synchronous.
 *  - Return: >= 0 on success (the libc result), -errno (Linux numbering) on failure.
 *  - Pointers (`const char *`, `void *`) are addresses in the core's own linear memory; the host
 *    adds the memory's base address and hands them to libc unchanged. A NULL (0) name pointer is
 *    passed to libc as NULL (utimensat(fd, NULL, ...)).
 *  - Names are NUL-terminated bytes, validated by the core before the call (no '/', not '.'/'..',
 *    non-empty) except the empty name "" used with AT_EMPTY_PATH / readlinkat(fd, "").
 *  - 64-bit offsets and lengths are i64 (BigInt in JS).
 *  - iovec arrays (wfs_iovec_t: {u32 buf, u32 len}, wasm32 layout) live in core memory; their
 *    `buf` addresses are in the memory selected by `mem` (WFS_MEM_CORE or WFS_MEM_GUEST); the
 *    host rebuilds native iovecs. The caller has bounds-checked every buffer.
 *  - The host never caches, never applies policy, never sees a guest fd or a path.
 */
#ifndef WFS_HOST_IMPORTS_H
#define WFS_HOST_IMPORTS_H

#include <stdint.h>

#define WFS_IMPORT(name) __attribute__((import_module("hostfd"), import_name(#name)))

/* Memory selectors for iovec buffers. */
#define WFS_MEM_CORE 0
#define WFS_MEM_GUEST 1

typedef struct {
  uint32_t buf;
  uint32_t len;
} wfs_iovec_t;

/* Linux constants used with these imports (x86_64/aarch64 generic values). */
#define L_O_RDONLY 00
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_ACCMODE 03
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_NOCTTY 0400
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_DIRECTORY 0200000
#define L_O_NOFOLLOW 0400000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000
#define L_O_PATH 010000000
#define L_O_RSYNC L_O_SYNC

#define L_AT_SYMLINK_NOFOLLOW 0x100
#define L_AT_REMOVEDIR 0x200
#define L_AT_EMPTY_PATH 0x1000
#define L_RENAME_NOREPLACE 1
#define L_RENAME_EXCHANGE 2
#define L_UTIME_NOW ((1l << 30) - 1l)
#define L_UTIME_OMIT ((1l << 30) - 2l)
#define L_RWF_APPEND 0x10

#define L_S_IFMT 0170000
#define L_S_IFSOCK 0140000
#define L_S_IFLNK 0120000
#define L_S_IFREG 0100000
#define L_S_IFBLK 0060000
#define L_S_IFDIR 0040000
#define L_S_IFCHR 0020000
#define L_S_IFIFO 0010000

#define L_STATX_BASIC_STATS 0x7ffu

/* Linux struct statx (256 bytes, architecture independent). */
typedef struct {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
} l_statx_timestamp_t;
typedef struct {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t pad0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  l_statx_timestamp_t stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  uint64_t spare[14];
} l_statx_t;
_Static_assert(sizeof(l_statx_t) == 256, "struct statx is 256 bytes");

/* Linux struct statfs on 64-bit targets (x86_64, aarch64): 120 bytes. */
typedef struct {
  int64_t f_type, f_bsize;
  uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
  int32_t f_fsid[2];
  int64_t f_namelen, f_frsize, f_flags, f_spare[4];
} l_statfs_t;
_Static_assert(sizeof(l_statfs_t) == 120, "struct statfs is 120 bytes");

/* struct timespec as libc sees it on 64-bit Linux. */
typedef struct {
  int64_t tv_sec;
  int64_t tv_nsec;
} l_timespec_t;

/* struct pollfd */
typedef struct {
  int32_t fd;
  int16_t events;
  int16_t revents;
} l_pollfd_t;

/* A record of host_getdents64_stat, 8-byte aligned: this header, then the name (d_namlen bytes
 * and a NUL), padded to d_reclen (a multiple of 8). "." and ".." carry the directory's stat. */
typedef struct {
  uint64_t d_off;    /* as linux_dirent64's: the position after this entry */
  uint16_t d_reclen;
  uint8_t d_type;    /* DT_* */
  uint8_t pad0;
  uint16_t d_namlen;
  uint16_t pad1;
  l_statx_t stx;
} l_dirent_stat_t;

WFS_IMPORT(openat) int32_t host_openat(int32_t dirfd, const char *name, int32_t flags, int32_t mode);
WFS_IMPORT(close) int32_t host_close(int32_t fd);
WFS_IMPORT(statx) int32_t host_statx(int32_t dirfd, const char *name, int32_t flags, uint32_t mask, l_statx_t *out);
WFS_IMPORT(getdents64) int32_t host_getdents64(int32_t fd, void *buf, uint32_t len);
/* Like getdents64, but each record carries the lstat of its entry's name (l_dirent_stat_t);
 * entries that vanished are left out. Not a libc call: the lisafs backend serves it with one
 * Getdents64Stat RPC for many entries; a host without it (directfs: getdents64 + a statx each
 * would save nothing) returns -ENOSYS. */
WFS_IMPORT(getdents64_stat) int32_t host_getdents64_stat(int32_t fd, void *buf, uint32_t len);
/* The lstat of `name` in dirfd into *out and, when it is a regular file, an FD on it opened with
 * `flags` (O_NOFOLLOW|O_CLOEXEC added): one call where statx then openat are two. Returns the FD;
 * -EOPNOTSUPP when nothing was opened (not a regular file, or its open failed: the caller opens
 * it the usual way, which reports why) with *out filled; -errno (ENOENT, ...). Not a libc call:
 * the lisafs backend serves it with one WalkOpen RPC instead of Walk + OpenAt; a directfs host
 * returns -ENOSYS (its statx comes first so that a device is never opened). */
WFS_IMPORT(openat_stat) int32_t host_openat_stat(int32_t dirfd, const char *name, int32_t flags, l_statx_t *out);
/* A record of host_walk: the lstat of one name and, for a directory, an FD on it (as openat
 * with O_RDONLY|O_DIRECTORY would give). */
typedef struct {
  int32_t fd;  /* the directory's FD; -1 for any other type */
  int32_t err; /* 0, or -ENOENT: this name is missing (then the last record; stx unset) */
  l_statx_t stx;
} l_walk_rec_t;
/* Looks up `n` names (each NUL-terminated, back to back in `names`) from dirfd, each in the
 * directory found before it, filling out[0..]: up to the first missing name (its record says
 * -ENOENT), a symlink (its record is the last) or the last name. Returns the records filled,
 * or -errno (ENOTDIR for a non-directory before the last name, EPERM for a block device, ...).
 * Not a libc call: the lisafs backend serves the run with one Walk RPC; a directfs host returns
 * -ENOSYS (it would make a statx or openat per name anyway). */
WFS_IMPORT(walk) int32_t host_walk(int32_t dirfd, const char *names, uint32_t n, l_walk_rec_t *out);
WFS_IMPORT(lseek) int64_t host_lseek(int32_t fd, int64_t off, int32_t whence);
WFS_IMPORT(mkdirat) int32_t host_mkdirat(int32_t dirfd, const char *name, uint32_t mode);
WFS_IMPORT(mknodat) int32_t host_mknodat(int32_t dirfd, const char *name, uint32_t mode, uint32_t dev);
WFS_IMPORT(symlinkat) int32_t host_symlinkat(const char *target, int32_t dirfd, const char *name);
WFS_IMPORT(linkat) int32_t host_linkat(int32_t olddirfd, const char *oldname, int32_t newdirfd, const char *newname, int32_t flags);
WFS_IMPORT(unlinkat) int32_t host_unlinkat(int32_t dirfd, const char *name, int32_t flags);
WFS_IMPORT(renameat2) int32_t host_renameat2(int32_t olddirfd, const char *oldname, int32_t newdirfd, const char *newname, uint32_t flags);
WFS_IMPORT(readlinkat) int32_t host_readlinkat(int32_t dirfd, const char *name, char *buf, uint32_t len);
WFS_IMPORT(fchmod) int32_t host_fchmod(int32_t fd, uint32_t mode);
WFS_IMPORT(fchmodat) int32_t host_fchmodat(int32_t dirfd, const char *name, uint32_t mode, int32_t flags);
WFS_IMPORT(fchownat) int32_t host_fchownat(int32_t dirfd, const char *name, int32_t uid, int32_t gid, int32_t flags);
WFS_IMPORT(utimensat) int32_t host_utimensat(int32_t dirfd, const char *name_or_null, const l_timespec_t times[2], int32_t flags);
WFS_IMPORT(ftruncate) int32_t host_ftruncate(int32_t fd, int64_t len);
WFS_IMPORT(fallocate) int32_t host_fallocate(int32_t fd, int32_t mode, int64_t off, int64_t len);
WFS_IMPORT(fadvise) int32_t host_fadvise(int32_t fd, int64_t off, int64_t len, int32_t advice);
WFS_IMPORT(fgetxattr) int32_t host_fgetxattr(int32_t fd, const char *name, void *buf, uint32_t size);
WFS_IMPORT(fsetxattr) int32_t host_fsetxattr(int32_t fd, const char *name, const void *value, uint32_t size, int32_t flags);
WFS_IMPORT(flistxattr) int32_t host_flistxattr(int32_t fd, char *buf, uint32_t size);
WFS_IMPORT(fremovexattr) int32_t host_fremovexattr(int32_t fd, const char *name);
WFS_IMPORT(fstatfs) int32_t host_fstatfs(int32_t fd, l_statfs_t *out);
WFS_IMPORT(fsync) int32_t host_fsync(int32_t fd);
WFS_IMPORT(fdatasync) int32_t host_fdatasync(int32_t fd);
/* preadv(fd, iov, n, off), or readv(fd, iov, n) when off < 0. Returns bytes read. */
WFS_IMPORT(preadv) int32_t host_preadv(int32_t fd, int32_t mem, const wfs_iovec_t *iovs, uint32_t iovcnt, int64_t off);
/* pwritev2(fd, iov, n, off, flags), or writev(fd, iov, n) when off < 0 and flags == 0.
 * With flags == RWF_APPEND, off is -1 and the data goes to the end of the file. */
WFS_IMPORT(pwritev) int32_t host_pwritev(int32_t fd, int32_t mem, const wfs_iovec_t *iovs, uint32_t iovcnt, int64_t off, int32_t flags);
/* poll(fds, n, timeout_ms); timeout < 0 waits forever. */
WFS_IMPORT(poll) int32_t host_poll(l_pollfd_t *fds, uint32_t n, int32_t timeout_ms);
/* ioctl(fd, FIONREAD): the bytes waiting to be read from a pipe, socket or terminal
 * (poll_oneoff's nbytes for a readable stream); -ENOTTY for other files. */
WFS_IMPORT(fionread) int32_t host_fionread(int32_t fd);
/* clock_gettime(CLOCK_REALTIME) in ns: used for exclusive-mode timestamps of our own writes. */
WFS_IMPORT(now_ns) int64_t host_now_ns(void);


/* The `lisafs` import module: operations directfs cannot do with its own FDs and that need the
 * gofer (the seed's controlFDLisa fallbacks: xattrs and chmod on O_PATH FDs of symlinks and
 * sockets, set-times/chmod on a mount-root symlink or socket). The host walks `path` (names from
 * the root of mount `mount`, joined by '/', NUL-terminated) from that mount's root with one Walk
 * RPC, as ensureLisafsControlFD does, then sends the op:
 *   GETXATTR    name, buf/size out -> value length (size 0: the length only)
 *   SETXATTR    name, buf/size in, arg = XATTR_CREATE/REPLACE flags
 *   LISTXATTR   buf/size out (NUL-separated names) -> length
 *   REMOVEXATTR name
 *   SETSTAT     arg = STATX_MODE: buf -> u32 mode; arg = STATX_ATIME|STATX_MTIME: buf -> l_timespec_t[2]
 *   CONNECT     path names a socket; arg = socket type (0 any) -> a connected host socket FD,
 *               which the embedder receives (the core never holds it)
 *   BIND        path is the directory, name the new socket's name; arg = socket type,
 *               size = mode -> the bound host socket FD (the embedder's)
 * Returns >= 0 or -errno; without a gofer the host answers -EOPNOTSUPP and records why. */
#define LISAFS_OP_GETXATTR 1
#define LISAFS_OP_SETXATTR 2
#define LISAFS_OP_LISTXATTR 3
#define LISAFS_OP_REMOVEXATTR 4
#define LISAFS_OP_SETSTAT 5
#define LISAFS_OP_CONNECT 6
#define LISAFS_OP_BIND 7
__attribute__((import_module("lisafs"), import_name("fallback"))) int32_t lisafs_fallback(uint32_t op, uint32_t mount, const char *path, uint32_t path_len, const char *name, void *buf, uint32_t size, uint32_t arg);

#endif
