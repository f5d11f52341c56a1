/* defs.ts — WASI preview1 constants, the TS twin of core-c/include/wasi_abi.h.
 *
 * Owns: the WASI numbering seen by ts/wasi (errno, filetype, flags, rights, layout sizes).
 * Must not: diverge from wasi_abi.h; test/defs.test.ts parses the header and checks that every
 * `#define WASI_*` there has a constant of the same name and value here.
 * Rights are 64-bit in WASI, so WASI_RIGHT_* / WASI_RIGHTS_ALL are bigint; all else is number.
 */

// errno
export const WASI_ESUCCESS = 0;
export const WASI_E2BIG = 1;
export const WASI_EACCES = 2;
export const WASI_EADDRINUSE = 3;
export const WASI_EADDRNOTAVAIL = 4;
export const WASI_EAFNOSUPPORT = 5;
export const WASI_EAGAIN = 6;
export const WASI_EALREADY = 7;
export const WASI_EBADF = 8;
export const WASI_EBADMSG = 9;
export const WASI_EBUSY = 10;
export const WASI_ECANCELED = 11;
export const WASI_ECHILD = 12;
export const WASI_ECONNABORTED = 13;
export const WASI_ECONNREFUSED = 14;
export const WASI_ECONNRESET = 15;
export const WASI_EDEADLK = 16;
export const WASI_EDESTADDRREQ = 17;
export const WASI_EDOM = 18;
export const WASI_EDQUOT = 19;
export const WASI_EEXIST = 20;
export const WASI_EFAULT = 21;
export const WASI_EFBIG = 22;
export const WASI_EHOSTUNREACH = 23;
export const WASI_EIDRM = 24;
export const WASI_EILSEQ = 25;
export const WASI_EINPROGRESS = 26;
export const WASI_EINTR = 27;
export const WASI_EINVAL = 28;
export const WASI_EIO = 29;
export const WASI_EISCONN = 30;
export const WASI_EISDIR = 31;
export const WASI_ELOOP = 32;
export const WASI_EMFILE = 33;
export const WASI_EMLINK = 34;
export const WASI_EMSGSIZE = 35;
export const WASI_EMULTIHOP = 36;
export const WASI_ENAMETOOLONG = 37;
export const WASI_ENETDOWN = 38;
export const WASI_ENETRESET = 39;
export const WASI_ENETUNREACH = 40;
export const WASI_ENFILE = 41;
export const WASI_ENOBUFS = 42;
export const WASI_ENODEV = 43;
export const WASI_ENOENT = 44;
export const WASI_ENOEXEC = 45;
export const WASI_ENOLCK = 46;
export const WASI_ENOLINK = 47;
export const WASI_ENOMEM = 48;
export const WASI_ENOMSG = 49;
export const WASI_ENOPROTOOPT = 50;
export const WASI_ENOSPC = 51;
export const WASI_ENOSYS = 52;
export const WASI_ENOTCONN = 53;
export const WASI_ENOTDIR = 54;
export const WASI_ENOTEMPTY = 55;
export const WASI_ENOTRECOVERABLE = 56;
export const WASI_ENOTSOCK = 57;
export const WASI_ENOTSUP = 58;
export const WASI_ENOTTY = 59;
export const WASI_ENXIO = 60;
export const WASI_EOVERFLOW = 61;
export const WASI_EOWNERDEAD = 62;
export const WASI_EPERM = 63;
export const WASI_EPIPE = 64;
export const WASI_EPROTO = 65;
export const WASI_EPROTONOSUPPORT = 66;
export const WASI_EPROTOTYPE = 67;
export const WASI_ERANGE = 68;
export const WASI_EROFS = 69;
export const WASI_ESPIPE = 70;
export const WASI_ESRCH = 71;
export const WASI_ESTALE = 72;
export const WASI_ETIMEDOUT = 73;
export const WASI_ETXTBSY = 74;
export const WASI_EXDEV = 75;
export const WASI_ENOTCAPABLE = 76;

// Not WASI: Linux ENODATA for xattrs has no WASI code; the Filesystem API maps it back.
export const WASI_ENODATA_X = 1061;

// filetype
export const WASI_FILETYPE_UNKNOWN = 0;
export const WASI_FILETYPE_BLOCK_DEVICE = 1;
export const WASI_FILETYPE_CHARACTER_DEVICE = 2;
export const WASI_FILETYPE_DIRECTORY = 3;
export const WASI_FILETYPE_REGULAR_FILE = 4;
export const WASI_FILETYPE_SOCKET_DGRAM = 5;
export const WASI_FILETYPE_SOCKET_STREAM = 6;
export const WASI_FILETYPE_SYMBOLIC_LINK = 7;

// fdflags
export const WASI_FDFLAGS_APPEND = 0x1;
export const WASI_FDFLAGS_DSYNC = 0x2;
export const WASI_FDFLAGS_NONBLOCK = 0x4;
export const WASI_FDFLAGS_RSYNC = 0x8;
export const WASI_FDFLAGS_SYNC = 0x10;

// oflags
export const WASI_OFLAGS_CREAT = 0x1;
export const WASI_OFLAGS_DIRECTORY = 0x2;
export const WASI_OFLAGS_EXCL = 0x4;
export const WASI_OFLAGS_TRUNC = 0x8;

// lookupflags
export const WASI_LOOKUPFLAGS_SYMLINK_FOLLOW = 0x1;

// fstflags
export const WASI_FSTFLAGS_ATIM = 0x1;
export const WASI_FSTFLAGS_ATIM_NOW = 0x2;
export const WASI_FSTFLAGS_MTIM = 0x4;
export const WASI_FSTFLAGS_MTIM_NOW = 0x8;

// whence
export const WASI_WHENCE_SET = 0;
export const WASI_WHENCE_CUR = 1;
export const WASI_WHENCE_END = 2;

// advice
export const WASI_ADVICE_NORMAL = 0;
export const WASI_ADVICE_SEQUENTIAL = 1;
export const WASI_ADVICE_RANDOM = 2;
export const WASI_ADVICE_WILLNEED = 3;
export const WASI_ADVICE_DONTNEED = 4;
export const WASI_ADVICE_NOREUSE = 5;

// preopentype
export const WASI_PREOPENTYPE_DIR = 0;

// eventtype
export const WASI_EVENTTYPE_CLOCK = 0;
export const WASI_EVENTTYPE_FD_READ = 1;
export const WASI_EVENTTYPE_FD_WRITE = 2;
export const WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP = 0x1;
export const WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME = 0x1;

// clockid
export const WASI_CLOCKID_REALTIME = 0;
export const WASI_CLOCKID_MONOTONIC = 1;
export const WASI_CLOCKID_PROCESS_CPUTIME_ID = 2;
export const WASI_CLOCKID_THREAD_CPUTIME_ID = 3;

// rights
export const WASI_RIGHT_FD_DATASYNC = (1n << 0n);
export const WASI_RIGHT_FD_READ = (1n << 1n);
export const WASI_RIGHT_FD_SEEK = (1n << 2n);
export const WASI_RIGHT_FD_FDSTAT_SET_FLAGS = (1n << 3n);
export const WASI_RIGHT_FD_SYNC = (1n << 4n);
export const WASI_RIGHT_FD_TELL = (1n << 5n);
export const WASI_RIGHT_FD_WRITE = (1n << 6n);
export const WASI_RIGHT_FD_ADVISE = (1n << 7n);
export const WASI_RIGHT_FD_ALLOCATE = (1n << 8n);
export const WASI_RIGHT_PATH_CREATE_DIRECTORY = (1n << 9n);
export const WASI_RIGHT_PATH_CREATE_FILE = (1n << 10n);
export const WASI_RIGHT_PATH_LINK_SOURCE = (1n << 11n);
export const WASI_RIGHT_PATH_LINK_TARGET = (1n << 12n);
export const WASI_RIGHT_PATH_OPEN = (1n << 13n);
export const WASI_RIGHT_FD_READDIR = (1n << 14n);
export const WASI_RIGHT_PATH_READLINK = (1n << 15n);
export const WASI_RIGHT_PATH_RENAME_SOURCE = (1n << 16n);
export const WASI_RIGHT_PATH_RENAME_TARGET = (1n << 17n);
export const WASI_RIGHT_PATH_FILESTAT_GET = (1n << 18n);
export const WASI_RIGHT_PATH_FILESTAT_SET_SIZE = (1n << 19n);
export const WASI_RIGHT_PATH_FILESTAT_SET_TIMES = (1n << 20n);
export const WASI_RIGHT_FD_FILESTAT_GET = (1n << 21n);
export const WASI_RIGHT_FD_FILESTAT_SET_SIZE = (1n << 22n);
export const WASI_RIGHT_FD_FILESTAT_SET_TIMES = (1n << 23n);
export const WASI_RIGHT_PATH_SYMLINK = (1n << 24n);
export const WASI_RIGHT_PATH_REMOVE_DIRECTORY = (1n << 25n);
export const WASI_RIGHT_PATH_UNLINK_FILE = (1n << 26n);
export const WASI_RIGHT_POLL_FD_READWRITE = (1n << 27n);
export const WASI_RIGHT_SOCK_SHUTDOWN = (1n << 28n);
export const WASI_RIGHT_SOCK_ACCEPT = (1n << 29n);
export const WASI_RIGHTS_ALL = ((1n << 30n) - 1n);

// Layout sizes (bytes)
export const WASI_FILESTAT_SIZE = 64; // dev 0, ino 8, filetype 16, nlink 24, size 32, atim 40, mtim 48, ctim 56
export const WASI_FDSTAT_SIZE = 24; // filetype 0, flags 2, rights_base 8, rights_inheriting 16
export const WASI_DIRENT_SIZE = 24; // d_next 0, d_ino 8, d_namlen 16, d_type 20; name follows

// Preview1 struct layouts used by ts/wasi (offsets in bytes, wasm32, little-endian).
/** prestat: tag u8 at 0, pr_name_len u32 at 4. */
export const WASI_PRESTAT_SIZE = 8;
/** ciovec/iovec: buf u32 at 0, buf_len u32 at 4. */
export const WASI_IOVEC_SIZE = 8;
/** subscription: userdata u64 0, tag u8 8, clock {id u32 16, timeout u64 24, precision u64 32, flags u16 40} | fd u32 16. */
export const WASI_SUBSCRIPTION_SIZE = 48;
/** event: userdata u64 0, error u16 8, type u8 10, fd_readwrite {nbytes u64 16, flags u16 24}. */
export const WASI_EVENT_SIZE = 32;

/** errno names by value, for traces and the public API's Error.code. */
export const WASI_ERRNO_NAMES: readonly string[] = [
  'ESUCCESS', 'E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EALREADY',
  'EBADF', 'EBADMSG', 'EBUSY', 'ECANCELED', 'ECHILD', 'ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET',
  'EDEADLK', 'EDESTADDRREQ', 'EDOM', 'EDQUOT', 'EEXIST', 'EFAULT', 'EFBIG', 'EHOSTUNREACH', 'EIDRM',
  'EILSEQ', 'EINPROGRESS', 'EINTR', 'EINVAL', 'EIO', 'EISCONN', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK',
  'EMSGSIZE', 'EMULTIHOP', 'ENAMETOOLONG', 'ENETDOWN', 'ENETRESET', 'ENETUNREACH', 'ENFILE', 'ENOBUFS',
  'ENODEV', 'ENOENT', 'ENOEXEC', 'ENOLCK', 'ENOLINK', 'ENOMEM', 'ENOMSG', 'ENOPROTOOPT', 'ENOSPC',
  'ENOSYS', 'ENOTCONN', 'ENOTDIR', 'ENOTEMPTY', 'ENOTRECOVERABLE', 'ENOTSOCK', 'ENOTSUP', 'ENOTTY',
  'ENXIO', 'EOVERFLOW', 'EOWNERDEAD', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT', 'EPROTOTYPE',
  'ERANGE', 'EROFS', 'ESPIPE', 'ESRCH', 'ESTALE', 'ETIMEDOUT', 'ETXTBSY', 'EXDEV', 'ENOTCAPABLE',
];

/** The errno's name ("ENOENT"), or "E<n>" for a value outside the table. */
export function errnoName(errno: number): string {
  if (errno === WASI_ENODATA_X) return 'ENODATA';
  return WASI_ERRNO_NAMES[errno] ?? `E${errno}`;
}
