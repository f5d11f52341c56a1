/* index.ts — the package entry (dist/index.js): the public library API.
 *  - WASI / runWasi: the node:wasi-compatible runner (ts/wasi); see ts/wasi/index.ts for how to
 *    merge getImportObject() into an existing import object.
 *  - mount / Filesystem: the filesystem without a WASI guest (ts/fs.ts).
 *  - checkpointing a running guest: prepareCheckpointable() (binaryen's asyncify, only when
 *    asked for), WASI's `checkpoint` option / requestCheckpoint(), WASI.restore() + resume().
 *  - wasiDefs: the WASI preview1 constants (errno, rights, flags).
 */
export { WASI, WasiError, WasiExit, runWasi, CHECKPOINTED } from './wasi/index.js';
export type { WASIOptions, WASILimits, RunWasiOptions, WASICheckpointOptions, WASIRestoreOptions } from './wasi/index.js';
export { prepareCheckpointable, NotCheckpointableError } from './checkpoint/guest.js';
export type { PreparedModule, StopPolicy } from './checkpoint/guest.js';
export { mount, Filesystem, FsError } from './fs.js';
export { CorruptionError, ImageError } from './checkpoint/image.js';
export type { Stats, StatFs, DirEntry, MountOptions, Counters } from './fs.js';
export * as wasiDefs from './wasi/defs.js';
