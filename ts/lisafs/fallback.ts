/* fallback.ts — the core's `lisafs.fallback` import (core-c/src/host/imports.h): the seed's
 * controlFDLisa fallbacks, for operations directfs has no usable host FD for (xattrs on the O_PATH
 * FDs of symlinks and sockets, chmod of a mount-root socket, set-times of a mount-root symlink).
 *
 * Owns: the translation of one fallback call into lisafs RPCs — one Walk from the mount's root
 * control FD (gVisor's ensureLisafsControlFD), the op's message (FGetXattr, FSetXattr,
 * FListXattr, FRemoveXattr, SetStat), a Close of the walked FDs — and the copies between core
 * memory and the RPCs (buf/size as the f*xattr syscalls: size 0 asks for the length, a buffer
 * too small is ERANGE).
 * Does not own the connection: `resolve(mount)` returns it (directfs: a gofer started on the
 * first fallback of that mount, ts/core/loader.ts; lisafs mode: the mount's own connection).
 * Must not: follow a symlink (a symlink as the last component is the object acted on; in the
 * middle it is ELOOP), or keep a walked FD after the call.
 */

import type { LisafsClient } from './client.js';
import { LisafsError } from './client.js';

export const LISAFS_OP_GETXATTR = 1, LISAFS_OP_SETXATTR = 2, LISAFS_OP_LISTXATTR = 3, LISAFS_OP_REMOVEXATTR = 4,
  LISAFS_OP_SETSTAT = 5;

const ENOENT = 2, EIO = 5, EFAULT = 14, EINVAL = 22, ERANGE = 34, ELOOP = 40;
const WALK_SUCCESS = 0, WALK_COMPONENT_DOES_NOT_EXIST = 1;
// SetStat mask bits (Linux STATX_*), as the core passes them in `arg`
const STATX_MODE = 0x2, STATX_ATIME = 0x20, STATX_MTIME = 0x40;
const XATTR_LIST_MAX = 0xffff; // the most a lisafs reply carries (u16-prefixed strings)

/** A mount's gofer connection and the lisafs control FD of its root. */
export interface FallbackMount {
  c: LisafsClient;
  root: number;
}

/**
 * Builds `fallback(op, mount, path, path_len, name, buf, size, arg)`. `getMem` returns the core's
 * memory; `resolve(mount)` the mount's connection (it may start a gofer; it throws LisafsError
 * when it cannot); `note(message)` records why a call failed with EIO (e.g. "the file server
 * exited (status 137), killed by SIGKILL"), for the embedder's error message.
 * Returns >= 0 (a length, or 0) or -errno (Linux numbering), never throws.
 */
export function createFallback(getMem: () => WebAssembly.Memory | null, resolve: (mount: number) => FallbackMount,
  note: (message: string) => void): (...a: number[]) => number {
  const dec = (mem: Uint8Array, at: number, len: number): Uint8Array => mem.slice(at, at + len);
  return (op: number, mount: number, path: number, pathLen: number, name: number, buf: number, size: number, arg: number): number => {
    const m = getMem();
    if (!m) return -EFAULT;
    const u8 = (): Uint8Array => new Uint8Array(m.buffer); // re-made: an RPC never grows core memory, but be exact
    path >>>= 0; pathLen >>>= 0; name >>>= 0; buf >>>= 0; size >>>= 0;
    if (path + pathLen > m.buffer.byteLength || buf + size > m.buffer.byteLength) return -EFAULT;
    // "/a/b" from the mount root ("" for the root itself): its components, never "." or "..".
    const full = dec(u8(), path, pathLen);
    const names: Uint8Array[] = [];
    let s = 0;
    for (let i = 0; i <= full.length; i++) {
      if (i === full.length || full[i] === 0x2f) {
        if (i > s) names.push(full.subarray(s, i));
        s = i + 1;
      }
    }
    const xname = (): Uint8Array => {
      const mem = u8();
      let end = name;
      while (end < mem.length && mem[end] !== 0) end++;
      return mem.slice(name, end);
    };
    let fm: FallbackMount;
    try {
      fm = resolve(mount >>> 0);
    } catch (e) {
      return failed(e, note);
    }
    const { c } = fm;
    const walked: number[] = [];
    try {
      let target = fm.root;
      if (names.length > 0) {
        const w = c.walk(fm.root, names);
        for (const i of w.inodes) walked.push(i.controlFD);
        if (w.status === WALK_COMPONENT_DOES_NOT_EXIST) return -ENOENT;
        // A symlink stops the walk: acted on as the last component, ELOOP in the middle.
        if (w.status !== WALK_SUCCESS && w.inodes.length !== names.length) return -ELOOP;
        if (w.inodes.length !== names.length) return -ENOENT;
        target = w.inodes[w.inodes.length - 1]!.controlFD;
      }
      switch (op) {
        case LISAFS_OP_GETXATTR: {
          const v = c.fgetxattr(target, xname(), size === 0 ? XATTR_LIST_MAX : size);
          if (size === 0) return v.length;
          if (v.length > size) return -ERANGE;
          u8().set(v, buf);
          return v.length;
        }
        case LISAFS_OP_SETXATTR:
          c.fsetxattr(target, xname(), dec(u8(), buf, size), arg);
          return 0;
        case LISAFS_OP_LISTXATTR: {
          const list = c.flistxattr(target, size === 0 ? XATTR_LIST_MAX : size);
          const total = list.reduce((n, x) => n + x.length + 1, 0);
          if (size === 0) return total;
          if (total > size) return -ERANGE;
          const mem = u8();
          let o = buf;
          for (const x of list) {
            mem.set(x, o);
            mem[o + x.length] = 0;
            o += x.length + 1;
          }
          return total;
        }
        case LISAFS_OP_REMOVEXATTR:
          c.fremovexattr(target, xname());
          return 0;
        case LISAFS_OP_SETSTAT: {
          const v = new DataView(m.buffer);
          let r: { failureMask: number; failureErrno: number };
          if (arg === STATX_MODE) {
            if (size < 4) return -EFAULT;
            r = c.setStat(target, STATX_MODE, { mode: v.getUint32(buf, true) & 0o7777 });
          } else if ((arg & ~(STATX_ATIME | STATX_MTIME)) === 0 && arg !== 0) {
            if (size < 32) return -EFAULT;
            const t = (i: number) => ({ sec: v.getBigInt64(buf + 16 * i, true), nsec: v.getBigInt64(buf + 16 * i + 8, true) });
            r = c.setStat(target, arg, { atime: t(0), mtime: t(1) });
          } else {
            return -EINVAL;
          }
          return r.failureMask ? -r.failureErrno : 0;
        }
        default:
          return -EINVAL;
      }
    } catch (e) {
      return failed(e, note);
    } finally {
      if (walked.length) {
        try {
          c.close(walked);
        } catch (e) {
          failed(e, note); // the gofer is gone: its FDs went with it
        }
      }
    }
  };
}

/** -errno for an exception of a fallback; EIO with its message noted when the gofer is gone or
 * misbehaved. */
function failed(e: unknown, note: (message: string) => void): number {
  if (e instanceof LisafsError) {
    if (e.errno === EIO) note(e.message);
    return -e.errno;
  }
  note(`lisafs fallback failed: ${(e as Error)?.message ?? String(e)}`);
  return -EIO;
}
