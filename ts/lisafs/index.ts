/* index.ts — the public surface of ts/lisafs for the rest of the project (core fallbacks,
 * `--mode lisafs`, the Filesystem API): the client, its errors and value types, the message
 * table, and the gofer for embedders that run it themselves. Re-exports only; no code. */

export { LisafsClient, LisafsError } from './client.js';
export type { ConnectOptions, StatxValue, InodeValue, StatFSValue, Dirent64Value, Name, Timespec, Transport, RawReply } from './client.js';
export { WorkerTransport, ProcessTransport, findGoferScript } from './channel.js';
export {
  MESSAGES, MAX_MESSAGE_SIZE, NO_ID, WALK_SUCCESS, WALK_COMPONENT_DOES_NOT_EXIST, WALK_COMPONENT_SYMLINK,
  SETSTAT_MODE, SETSTAT_UID, SETSTAT_GID, SETSTAT_ATIME, SETSTAT_MTIME, SETSTAT_SIZE, SETSTAT_ALLOWED,
  LisafsDecodeError, LisafsEncodeError,
} from './messages.js';
export type { MessageName, RequestName, Req, Resp } from './messages.js';
export { GoferServer, GoferConnection } from './server.js';
