/* gofer-main.ts — entry point of the gofer (bundled to dist/gofer-main.js).
 *
 * Two ways in:
 *  - as a worker_thread (worker channel): workerData = { channel: 'worker', sab, root }; serves
 *    the SharedArrayBuffer until the client stores the shutdown state;
 *  - as a process (process channel): `node gofer-main.js --fd N --root PATH`, where FD N is this
 *    process's end of the client's Unix socketpair; serves until the client closes its end,
 *    then exits 0 (2 for bad arguments, after one line on stderr, or for an unopenable root,
 *    after answering every request with the errno of that open).
 *
 * Owns nothing but the wiring: the server is ts/lisafs/server.ts, the loops ts/lisafs/channel.ts.
 * Must never: serve a second connection, or take a path from anything but its own arguments.
 */

import { isMainThread, workerData } from 'node:worker_threads';
import { GoferServer, errorReply } from './server.js';
import { EIO } from './sys.js';
import { serveWorker, serveProcess } from './channel.js';
import type { WorkerGoferData } from './channel.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (!isMainThread) {
  serveWorker(workerData as WorkerGoferData, (cb) => process.on('exit', cb));
} else {
  const fdArg = arg('--fd');
  const root = arg('--root');
  const fd = Number(fdArg);
  if (root === undefined || !Number.isInteger(fd) || fd < 0) {
    process.stderr.write('usage: gofer-main.js --fd N --root PATH\n');
    process.exit(2);
  }
  let server: GoferServer;
  try {
    server = GoferServer.open(root);
  } catch (e) {
    // The client learns why from its first call (Mount): every request is answered with the
    // errno of the failed open, until the client closes its end; then exit 2.
    const errno = typeof (e as { errno?: unknown }).errno === 'number' ? (e as { errno: number }).errno : EIO;
    serveProcess(fd, { handle: () => errorReply(errno) });
    process.exit(2);
  }
  const conn = server.connect();
  serveProcess(fd, conn);
  conn.closeAll();
  server.close();
  process.exit(0);
}
