/* abi.ts — the TS twin of the constants in core-c/include/wfs.h and core-c/src/host/imports.h
 * that callers of dist/core.wasm need.
 *
 * Owns: the numbers ts/ passes to wfs_* exports (init flags, memory selectors, layout indices,
 * counter indices). Must not: hold anything the core can report itself (field offsets and
 * capacities come from wfs_layout at load time). test/defs.test.ts checks each WFS_* value here
 * against the header of the same name.
 */

export const WFS_PATH_MAX = 4096;
export const WFS_IOV_MAX = 1024;
export const WFS_DATA_MAX = 65536;
export const WFS_DATA_SLACK = 4096;
export const WFS_ABI_VERSION = 3;
export const WFS_INIT_SHARED = 1;
export const WFS_X_FOLLOW = 1;
export const WFS_X_EMPTY_PATH = 2;
export const WFS_XSTAT_SIZE = 112;
/** iovec buffer memory selectors (imports.h). */
export const WFS_MEM_CORE = 0;
export const WFS_MEM_GUEST = 1;

/** wfs_layout(i) indices. */
export const LAYOUT_R = 0;
export const LAYOUT_OUT = 1;
export const LAYOUT_PATH1 = 2;
export const LAYOUT_PATH2 = 3;
export const LAYOUT_IOVS = 4;
export const LAYOUT_DATA = 5;
export const LAYOUT_PATH_MAX = 6;
export const LAYOUT_IOV_MAX = 7;
export const LAYOUT_DATA_MAX = 8;
export const LAYOUT_ABI_VERSION = 9;
export const LAYOUT_EPOCH = 10;
export const LAYOUT_FAST = 11;
export const LAYOUT_FAST_FDS = 12;
export const LAYOUT_FD_EPOCH = 13;
/** The fast table (wfs_io_t.fast in wfs.h): bytes per entry and field offsets of wfs_fast_t
 * {i32 read_fd, i32 write_fd, u64 epoch, u64 offset, u32 ops, u32 pad}, and the ops bits. */
export const FAST_ENTRY_SIZE = 32;
export const FAST_READ_FD = 0;
export const FAST_WRITE_FD = 4;
export const FAST_EPOCH = 8;
export const FAST_OFFSET = 16;
export const FAST_OPS = 24;
export const WFS_FAST_READ = 1;
export const WFS_FAST_PREAD = 2;
export const WFS_FAST_WRITE = 4;
export const WFS_FAST_PWRITE = 8;
export const WFS_FAST_STREAM = 16;

/** wfs_stat_counter(i) names, in index order (wfs.h). */
export const COUNTER_NAMES: readonly string[] = [
  'host syscalls issued',
  'walk cache hits',
  'walk cache misses',
  'dentries alive',
  'host FDs held by dentries',
  'dentry evictions',
  'lisafs RPCs issued',
  'host FDs open in total',
];

/** wfs_poll record: request {u32 fd, u32 kind}, answered in place. */
export const POLL_KIND_READ = 1;
export const POLL_KIND_WRITE = 2;
