/* index.ts — the package entry (dist/index.js): the public library API.
 *  - WASI / runWasi: the node:wasi-compatible runner (ts/wasi); see ts/wasi/index.ts for how to
 *    merge getImportObject() into an existing import object.
 *  - mount / Filesystem: the filesystem without a WASI guest (ts/fs.ts).
 *  - wasiDefs: the WASI preview1 constants (errno, rights, flags).
 */
export { WASI, WasiError, WasiExit, runWasi } from './wasi/index.js';
export type { WASIOptions, WASILimits, RunWasiOptions } from './wasi/index.js';
export { mount, Filesystem, FsError } from './fs.js';
export { CorruptionError, ImageError } from './checkpoint/image.js';
export type { Stats, StatFs, DirEntry, MountOptions, Counters } from './fs.js';
export * as wasiDefs from './wasi/defs.js';
