/* index.ts — the package entry (dist/index.js): the public library API.
 * WASI / runWasi are the node:wasi-compatible runner (ts/wasi); see ts/wasi/index.ts for how to
 * merge getImportObject() into an existing import object.
 */
export { WASI, WasiError, WasiExit, runWasi } from './wasi/index.js';
export type { WASIOptions, WASILimits, RunWasiOptions } from './wasi/index.js';
export * as wasiDefs from './wasi/defs.js';
export { mount, Filesystem, FsError, errnoCode } from './fs.js';
export type { Stats, StatFs, DirEntry, MountOptions, Counters } from './fs.js';
