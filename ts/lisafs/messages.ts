/* messages.ts — the lisafs message table and the codec derived from it.
 *
 * Owns:
 *  - the field descriptors (u8 … u64, FDID, padding, SizedString, u32/u64-prefixed byte
 *    payloads, u16-counted arrays, packed structs) and the shared structs of the reference
 *    (Statx 144 bytes, Inode 152, createCommon 24, Timespec 16, Dirent64, StatFS 64);
 *  - `MESSAGES`: ONE table, every message of gvisor-directfs-spec.md §5.2 with its MID, request
 *    and response layout and how many host FDs its reply donates;
 *  - the generic codec (sizeOf / encodeInto / decode) that interprets a descriptor. There is no
 *    per-message code: a message's codec is its table row run through these functions.
 *
 * Must never:
 *  - throw anything but `LisafsEncodeError` from encoding (a value that does not fit its field);
 *  - throw at all from decoding: `decode` returns `{ ok: false, error: LisafsDecodeError }` for a
 *    truncated, over-long or otherwise malformed input and never reads outside [0, bytes.length).
 *
 * Wire rules (reference §5.1): little-endian, packed (explicit padding fields, written as zero,
 * ignored when read), SizedString = u16 length + bytes, arrays = u16 count + elements, FdArray =
 * u16 count + u64 FDIDs. Deviations from gVisor are listed in docs/lisafs.md.
 */

// ---- Linux errno values used by the protocol layer ------------------------------------------

export const EIO = 5;
export const EINVAL = 22;

/** The reference's MaxMessageSize: 2 MiB (a huge page) minus one 4 KiB page. */
export const MAX_MESSAGE_SIZE = 2_093_056;
/** Socket channel header: {payloadLen u32, MID u16, pad u16}. */
export const HEADER_SIZE = 8;
/** gVisor's NoUID / NoGID: "do not change". */
export const NO_ID = 0xffffffff;

// ---- descriptors -----------------------------------------------------------------------------

export type Desc =
  | { readonly k: 'u8' }
  | { readonly k: 'u16' }
  | { readonly k: 'u32' }
  | { readonly k: 'i32' }
  | { readonly k: 'u64' }
  | { readonly k: 'i64' }
  | { readonly k: 'fdid' }
  | { readonly k: 'pad'; readonly n: number }
  | { readonly k: 'raw'; readonly n: number }
  | { readonly k: 'str' }
  | { readonly k: 'blob'; readonly w: 4 | 8 }
  | { readonly k: 'array'; readonly of: Desc }
  | { readonly k: 'struct'; readonly fields: { readonly [name: string]: Desc } };

/** The JS value of a descriptor: u64/i64 are bigint (full range); FDIDs are numbers (the
 * server allocates them from 1 upwards; a u64 above 2^53-1 does not decode, see docs);
 * strings and payloads are bytes (paths are bytes, never decoded lossily). Padding fields
 * have no value. */
export type Value<D> = D extends { k: 'u8' | 'u16' | 'u32' | 'i32' | 'fdid' }
  ? number
  : D extends { k: 'u64' | 'i64' }
    ? bigint
    : D extends { k: 'str' | 'blob' | 'raw' }
      ? Uint8Array
      : D extends { k: 'array'; of: infer E }
        ? Value<E>[]
        : D extends { k: 'struct'; fields: infer F }
          ? { -readonly [K in keyof F as F[K] extends { k: 'pad' } ? never : K]: Value<F[K]> }
          : never;

export const u8 = { k: 'u8' } as const;
export const u16 = { k: 'u16' } as const;
export const u32 = { k: 'u32' } as const;
export const i32 = { k: 'i32' } as const;
export const u64 = { k: 'u64' } as const;
export const i64 = { k: 'i64' } as const;
export const fdid = { k: 'fdid' } as const;
/** SizedString: u16 length + bytes (no terminator, at most 65535 bytes). */
export const str = { k: 'str' } as const;
/** Trailing byte payload with a u32 (PWrite) or u64 (PRead reply) length prefix. */
export const blob32 = { k: 'blob', w: 4 } as const;
export const blob64 = { k: 'blob', w: 8 } as const;
/** Exactly n bytes passed through as they are (a Uint8Array of length n). */
export function raw<N extends number>(n: N): { readonly k: 'raw'; readonly n: N } {
  return { k: 'raw', n };
}
export function pad<N extends number>(n: N): { readonly k: 'pad'; readonly n: N } {
  return { k: 'pad', n };
}
export function array<E extends Desc>(of: E): { readonly k: 'array'; readonly of: E } {
  return { k: 'array', of };
}
/** A packed struct; fields are laid out in the (insertion) order of the record. */
export function struct<F extends { readonly [name: string]: Desc }>(fields: F): { readonly k: 'struct'; readonly fields: F } {
  return { k: 'struct', fields };
}

export const StringArray = array(str);
export const FdArray = array(fdid);

export const Timestamp = struct({ sec: i64, nsec: u32, _pad: pad(4) }); // statx_timestamp, 16 bytes
export const Timespec = struct({ sec: i64, nsec: i64 }); // 16 bytes

/** The first 144 bytes of Linux `struct statx` (reference §5.1). */
export const Statx = struct({
  mask: u32,
  blksize: u32,
  attributes: u64,
  nlink: u32,
  uid: u32,
  gid: u32,
  mode: u16,
  _pad0: pad(2),
  ino: u64,
  size: u64,
  blocks: u64,
  attributesMask: u64,
  atime: Timestamp,
  btime: Timestamp,
  ctime: Timestamp,
  mtime: Timestamp,
  rdevMajor: u32,
  rdevMinor: u32,
  devMajor: u32,
  devMinor: u32,
});
/** {ControlFD u64, Statx} = 152 bytes. */
export const Inode = struct({ controlFD: fdid, stat: Statx });
/** {DirFD u64, UID u32, GID u32, Mode u16, pad u16, pad u32} = 24 bytes. */
export const CreateCommon = struct({ dirFD: fdid, uid: u32, gid: u32, mode: u16, _pad0: pad(2), _pad1: pad(4) });
export const StatFS = struct({
  type: u64,
  blockSize: i64,
  blocks: u64,
  blocksFree: u64,
  blocksAvailable: u64,
  files: u64,
  filesFree: u64,
  nameLength: u64,
});
/** 27 + len bytes, unaligned. */
export const Dirent64 = struct({ ino: u64, devMinor: u32, devMajor: u32, off: u64, type: u8, name: str });
/** A Statx as its 144 wire bytes, which are the kernel's own (struct statx's first 144): passed
 * through without decoding (Getdents64Stat carries one per entry; decode(Statx, bytes) reads it). */
export const StatxBytes = raw(144);
/** A directory entry with the lstat of its name (the extension Getdents64Stat). */
export const DirentStat = struct({ off: u64, type: u8, name: str, stat: StatxBytes });

const Empty = struct({});
const FDReq = struct({ fd: fdid });
const ConnectReq = struct({ fd: fdid, sockType: u32, _pad0: pad(4) });

/** One row of the table. `respFds`: how many host FDs the reply donates at most. */
export interface MessageDef {
  readonly mid: number;
  readonly req: Desc | null;
  readonly resp: Desc;
  readonly respFds: number;
}

function msg<Q extends Desc | null, R extends Desc>(mid: number, req: Q, resp: R, respFds = 0): { readonly mid: number; readonly req: Q; readonly resp: R; readonly respFds: number } {
  return { mid, req, resp, respFds };
}

/** Every lisafs message (reference §5.2) and our extensions, keyed by name. */
export const MESSAGES = {
  Error: msg(0, null, struct({ errno: u32 })),
  Mount: msg(1, Empty, struct({ root: Inode, maxMessageSize: u32, supported: array(u16) }), 1),
  Channel: msg(2, Empty, struct({ dataOffset: i64, dataLength: u64 }), 2),
  FStat: msg(3, FDReq, Statx),
  SetStat: msg(
    4,
    struct({ fd: fdid, mask: u32, mode: u32, uid: u32, gid: u32, size: u64, atime: Timespec, mtime: Timespec }),
    struct({ failureMask: u32, failureErrno: u32 }),
  ),
  Walk: msg(5, struct({ dirFD: fdid, path: StringArray }), struct({ status: u8, inodes: array(Inode) })),
  WalkStat: msg(6, struct({ dirFD: fdid, path: StringArray }), struct({ stats: array(Statx) })),
  OpenAt: msg(7, struct({ fd: fdid, flags: u32, _pad0: pad(4) }), struct({ openFD: fdid }), 1),
  OpenCreateAt: msg(8, struct({ common: CreateCommon, flags: u32, name: str }), struct({ child: Inode, newFD: fdid }), 1),
  Close: msg(9, struct({ fds: FdArray }), Empty),
  FSync: msg(10, struct({ fds: FdArray }), Empty),
  PWrite: msg(11, struct({ offset: u64, fd: fdid, data: blob32 }), struct({ count: u64 })),
  PRead: msg(12, struct({ offset: u64, fd: fdid, count: u32, _pad0: pad(4) }), struct({ data: blob64 })),
  MkdirAt: msg(13, struct({ common: CreateCommon, name: str }), struct({ child: Inode })),
  MknodAt: msg(14, struct({ common: CreateCommon, minor: u32, major: u32, name: str }), struct({ child: Inode })),
  SymlinkAt: msg(15, struct({ dirFD: fdid, uid: u32, gid: u32, name: str, target: str }), struct({ symlink: Inode })),
  LinkAt: msg(16, struct({ dirFD: fdid, target: fdid, name: str }), struct({ link: Inode })),
  FStatFS: msg(17, FDReq, StatFS),
  FAllocate: msg(18, struct({ fd: fdid, mode: u64, offset: u64, length: u64 }), Empty),
  ReadLinkAt: msg(19, FDReq, struct({ target: str })),
  Flush: msg(20, FDReq, Empty),
  Connect: msg(21, ConnectReq, Empty, 1),
  UnlinkAt: msg(22, struct({ dirFD: fdid, flags: u32, name: str }), Empty),
  RenameAt: msg(23, struct({ oldDir: fdid, newDir: fdid, oldName: str, newName: str }), Empty),
  Getdents64: msg(24, struct({ dirFD: fdid, count: i32, _pad0: pad(4) }), struct({ dirents: array(Dirent64) })),
  FGetXattr: msg(25, struct({ fd: fdid, bufSize: u32, name: str }), struct({ value: str })),
  FSetXattr: msg(26, struct({ fd: fdid, flags: u32, name: str, value: str }), Empty),
  FListXattr: msg(27, struct({ fd: fdid, size: u64 }), struct({ names: StringArray })),
  FRemoveXattr: msg(28, struct({ fd: fdid, name: str }), Empty),
  BindAt: msg(29, struct({ common: CreateCommon, sockType: u32, name: str }), struct({ child: Inode, boundSocketFD: fdid }), 1),
  Listen: msg(30, struct({ fd: fdid, backlog: i32, _pad0: pad(4) }), Empty),
  Accept: msg(31, FDReq, struct({ peerAddr: str }), 1),
  ConnectWithCreds: msg(32, struct({ fd: fdid, sockType: u32, _pad0: pad(4), uid: u32, gid: u32 }), Empty, 1),
  RenameAt2: msg(33, struct({ oldDir: fdid, newDir: fdid, oldName: str, newName: str, flags: u32 }), Empty),
  // Extensions, not in gVisor's lisafs (docs/lisafs.md): MIDs from 0x8000 up; a gofer offers
  // them in Mount's list and the client uses one only when offered.
  // end = 1: the listing has no entries after these (the next call would return none).
  // Walk of one name, then OpenAt of the child when it is a regular file (openFD 0: not opened).
  WalkOpen: msg(0x8005, struct({ dirFD: fdid, flags: u32, name: str }), struct({ child: Inode, openFD: fdid }), 1),
  Getdents64Stat: msg(0x8018, struct({ dirFD: fdid, count: i32, _pad0: pad(4) }), struct({ end: u8, dirents: array(DirentStat) })),
  // Walk of one name and, when the child is a directory, its first Getdents64Stat batch (from
  // its start, `count` as Getdents64Stat's): one RPC for a walk's step into a directory it then
  // lists. No entries and end 0: the child was not listed (not a directory, or not readable).
  WalkGetdents64Stat: msg(0x8019, struct({ dirFD: fdid, count: i32, _pad0: pad(4), name: str }), struct({ child: Inode, end: u8, dirents: array(DirentStat) })),
} as const;

export type MessageName = keyof typeof MESSAGES;
/** Names of the messages that have a request (every one but Error). */
export type RequestName = { [N in MessageName]: (typeof MESSAGES)[N]['req'] extends null ? never : N }[MessageName];
export type Req<N extends RequestName> = Value<(typeof MESSAGES)[N]['req']>;
export type Resp<N extends MessageName> = Value<(typeof MESSAGES)[N]['resp']>;

/** MID → name, for every row of the table. */
export const NAME_BY_MID: ReadonlyMap<number, MessageName> = new Map(
  (Object.keys(MESSAGES) as MessageName[]).map((n) => [MESSAGES[n].mid, n] as const),
);

/** Walk response status values. */
export const WALK_SUCCESS = 0;
export const WALK_COMPONENT_DOES_NOT_EXIST = 1;
export const WALK_COMPONENT_SYMLINK = 2;

/** SetStat mask bits (statx mask numbering) and the set the server accepts (0x27a). */
export const SETSTAT_MODE = 0x2;
export const SETSTAT_UID = 0x8;
export const SETSTAT_GID = 0x10;
export const SETSTAT_ATIME = 0x20;
export const SETSTAT_MTIME = 0x40;
export const SETSTAT_SIZE = 0x200;
export const SETSTAT_ALLOWED = 0x27a;

// ---- errors ----------------------------------------------------------------------------------

/** Malformed input to `decode`: `errno` is EIO (reference: a failed unmarshal is EIO), `offset`
 * where decoding stopped. Never thrown out of `decode`; returned. */
export class LisafsDecodeError extends Error {
  readonly errno: number = EIO;
  readonly code = 'EIO';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`lisafs: malformed message: ${message} (at byte ${offset})`);
    this.name = 'LisafsDecodeError';
  }
}

/** A value that cannot be encoded in its field (out of range, too long, wrong type, or a
 * target buffer too small). `errno` is EINVAL. */
export class LisafsEncodeError extends Error {
  readonly errno: number = EINVAL;
  readonly code = 'EINVAL';
  constructor(message: string) {
    super(`lisafs: cannot encode: ${message}`);
    this.name = 'LisafsEncodeError';
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: LisafsDecodeError };

// ---- the codec -------------------------------------------------------------------------------

const TWO32 = 4294967296;

/** Fixed size of a descriptor, or -1 when it has a dynamic part. */
export function fixedSize(d: Desc): number {
  switch (d.k) {
    case 'u8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'i32':
      return 4;
    case 'u64':
    case 'i64':
    case 'fdid':
      return 8;
    case 'pad':
    case 'raw':
      return d.n;
    case 'str':
    case 'blob':
    case 'array':
      return -1;
    case 'struct': {
      let n = 0;
      for (const f of Object.values(d.fields)) {
        const s = fixedSize(f);
        if (s < 0) return -1;
        n += s;
      }
      return n;
    }
  }
}

/** The fewest bytes any value of `d` occupies (used to reject absurd array counts early). */
export function minSize(d: Desc): number {
  switch (d.k) {
    case 'str':
      return 2;
    case 'blob':
      return d.w;
    case 'array':
      return 2;
    case 'struct': {
      let n = 0;
      for (const f of Object.values(d.fields)) n += minSize(f);
      return n;
    }
    default:
      return fixedSize(d);
  }
}

function bad(what: string): never {
  throw new LisafsEncodeError(what);
}

function checkInt(v: unknown, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(`${what}: ${String(v)} is not an integer in [${lo}, ${hi}]`);
  return v;
}

const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n, U64_MAX = (1n << 64n) - 1n;

function checkBig(v: unknown, signed: boolean, what: string): bigint {
  if (typeof v !== 'bigint') bad(`${what}: ${String(v)} is not a bigint`);
  if (signed ? v < I64_MIN || v > I64_MAX : v < 0n || v > U64_MAX) bad(`${what}: ${v} out of range`);
  return v;
}

function checkRaw(v: unknown, n: number, what: string): number {
  if (!(v instanceof Uint8Array) || v.length !== n) bad(`${what}: not ${n} bytes`);
  return n;
}

function checkBytes(v: unknown, max: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(`${what}: not a Uint8Array`);
  if (v.length > max) bad(`${what}: ${v.length} bytes, at most ${max}`);
  return v;
}


/* The interpreter is compiled once per descriptor into closures (size, put, get), so a message's
 * codec costs no per-call walk over the table; field labels for error messages are fixed at
 * compile time. Still no per-message code: every closure comes from a descriptor kind. */

interface Compiled {
  /** Encoded size of v (validating its shape). */
  size(v: unknown): number;
  /** Writes v at off; returns the end offset. Preceded by size(v) on the same value. */
  put(v: unknown, dv: DataView, u8a: Uint8Array, off: number): number;
  /** Reads one value; throws LisafsDecodeError (caught by decode). */
  get(r: Reader): unknown;
}

/** Bounds-checked cursor over one input. */
class Reader {
  off = 0;
  readonly dv: DataView;
  constructor(
    readonly u8a: Uint8Array,
    readonly end: number,
  ) {
    this.dv = new DataView(u8a.buffer, u8a.byteOffset, u8a.byteLength);
  }
  need(n: number, what: string): number {
    const at = this.off;
    if (n > this.end - at) throw new LisafsDecodeError(`${what} needs ${n} bytes, ${this.end - at} left`, at);
    this.off = at + n;
    return at;
  }
}

function compileDesc(d: Desc, what: string): Compiled {
  switch (d.k) {
    case 'u8':
      return {
        size: (v) => (checkInt(v, 0, 0xff, what), 1),
        put: (v, dv, _u, off) => (dv.setUint8(off, v as number), off + 1),
        get: (r) => r.dv.getUint8(r.need(1, what)),
      };
    case 'u16':
      return {
        size: (v) => (checkInt(v, 0, 0xffff, what), 2),
        put: (v, dv, _u, off) => (dv.setUint16(off, v as number, true), off + 2),
        get: (r) => r.dv.getUint16(r.need(2, what), true),
      };
    case 'u32':
      return {
        size: (v) => (checkInt(v, 0, 0xffffffff, what), 4),
        put: (v, dv, _u, off) => (dv.setUint32(off, v as number, true), off + 4),
        get: (r) => r.dv.getUint32(r.need(4, what), true),
      };
    case 'i32':
      return {
        size: (v) => (checkInt(v, -0x80000000, 0x7fffffff, what), 4),
        put: (v, dv, _u, off) => (dv.setInt32(off, v as number, true), off + 4),
        get: (r) => r.dv.getInt32(r.need(4, what), true),
      };
    case 'u64':
      return {
        size: (v) => (checkBig(v, false, what), 8),
        put: (v, dv, _u, off) => (dv.setBigUint64(off, v as bigint, true), off + 8),
        get: (r) => r.dv.getBigUint64(r.need(8, what), true),
      };
    case 'i64':
      return {
        size: (v) => (checkBig(v, true, what), 8),
        put: (v, dv, _u, off) => (dv.setBigInt64(off, v as bigint, true), off + 8),
        get: (r) => r.dv.getBigInt64(r.need(8, what), true),
      };
    case 'fdid':
      return {
        size: (v) => (checkInt(v, 0, Number.MAX_SAFE_INTEGER, what), 8),
        put: (v, dv, _u, off) => {
          const n = v as number;
          dv.setUint32(off, n % TWO32, true);
          dv.setUint32(off + 4, Math.floor(n / TWO32), true);
          return off + 8;
        },
        get: (r) => {
          const at = r.need(8, what);
          const lo = r.dv.getUint32(at, true);
          const hi = r.dv.getUint32(at + 4, true);
          if (hi > 0x1fffff) throw new LisafsDecodeError(`${what}: FDID above 2^53-1`, at);
          return hi * TWO32 + lo;
        },
      };
    case 'pad': {
      const n = d.n;
      return {
        size: () => n,
        put: (_v, _dv, u8a, off) => (u8a.fill(0, off, off + n), off + n),
        get: (r) => (r.need(n, what), undefined),
      };
    }
    case 'raw': {
      const n = d.n;
      return {
        size: (v) => checkRaw(v, n, what),
        put: (v, _dv, u8a, off) => (u8a.set(v as Uint8Array, off), off + n),
        get: (r) => {
          const at = r.need(n, what);
          return r.u8a.slice(at, at + n);
        },
      };
    }
    case 'str':
      return {
        size: (v) => 2 + checkBytes(v, 0xffff, what).length,
        put: (v, dv, u8a, off) => {
          const b = v as Uint8Array;
          dv.setUint16(off, b.length, true);
          u8a.set(b, off + 2);
          return off + 2 + b.length;
        },
        get: (r) => {
          const n = r.dv.getUint16(r.need(2, what), true);
          const at = r.need(n, `${what} (${n}-byte string)`);
          return r.u8a.slice(at, at + n);
        },
      };
    case 'blob': {
      const w = d.w;
      return {
        size: (v) => w + checkBytes(v, MAX_MESSAGE_SIZE, what).length,
        put: (v, dv, u8a, off) => {
          const b = v as Uint8Array;
          if (w === 4) dv.setUint32(off, b.length, true);
          else dv.setBigUint64(off, BigInt(b.length), true);
          u8a.set(b, off + w);
          return off + w + b.length;
        },
        get: (r) => {
          const lat = r.need(w, what);
          const left = r.end - r.off;
          const len = w === 4 ? r.dv.getUint32(lat, true) : r.dv.getBigUint64(lat, true);
          if (len > left) throw new LisafsDecodeError(`${what}: payload of ${len} bytes, ${left} left`, r.off);
          const n = Number(len);
          const at = r.need(n, what);
          return r.u8a.slice(at, at + n);
        },
      };
    }
    case 'array': {
      const el = compileDesc(d.of, `${what}[]`);
      const fs = fixedSize(d.of);
      const min = minSize(d.of);
      return {
        size: (v) => {
          if (!Array.isArray(v)) bad(`${what}: not an array`);
          if (v.length > 0xffff) bad(`${what}: ${v.length} elements, at most 65535`);
          if (fs >= 0) {
            for (let i = 0; i < v.length; i++) el.size(v[i]);
            return 2 + fs * v.length;
          }
          let n = 2;
          for (let i = 0; i < v.length; i++) n += el.size(v[i]);
          return n;
        },
        put: (v, dv, u8a, off) => {
          const a = v as unknown[];
          dv.setUint16(off, a.length, true);
          let p = off + 2;
          for (let i = 0; i < a.length; i++) p = el.put(a[i], dv, u8a, p);
          return p;
        },
        get: (r) => {
          const n = r.dv.getUint16(r.need(2, what), true);
          if (n * min > r.end - r.off) throw new LisafsDecodeError(`${what}: ${n} elements cannot fit in ${r.end - r.off} bytes`, r.off);
          const out: unknown[] = new Array<unknown>(n);
          for (let i = 0; i < n; i++) out[i] = el.get(r);
          return out;
        },
      };
    }
    case 'struct': {
      if (fixedSize(d) >= 0) return compileFixedStruct(d, what);
      return compileStruct(d, what);
    }
  }
}

/* A struct with a variable part (a string, a payload, an array: Walk, Dirent64, most replies)
 * is compiled to straight-line code too: each field through its own compiled codec, in order,
 * reached by name as a property of fixed shape (a loop over the field names made every access
 * a megamorphic keyed load or store: ~2 us per Dirent64). Source from our own table only, as in
 * compileFixedStruct. */
function compileStruct(d: FixedStruct, what: string): Compiled {
  const parts: Compiled[] = [];
  const sizes: string[] = [];
  const puts: string[] = [];
  const gets: string[] = [];
  const props: string[] = [];
  for (const [name, f] of Object.entries(d.fields)) {
    const i = parts.push(compileDesc(f, `${what}.${name}`)) - 1;
    const acc = f.k === 'pad' ? 'undefined' : `v.${name}`;
    sizes.push(`P[${i}].size(${acc})`);
    puts.push(`p = P[${i}].put(${acc}, dv, u8a, p);`);
    if (f.k === 'pad') {
      gets.push(`P[${i}].get(r);`);
    } else {
      gets.push(`const f${i} = P[${i}].get(r);`);
      props.push(`${name}: f${i}`);
    }
  }
  const src = `return {
    size: (v) => { if (typeof v !== 'object' || v === null) bad(W); return ${sizes.join(' + ') || '0'}; },
    put: (v, dv, u8a, off) => { let p = off; ${puts.join(' ')} return p; },
    get: (r) => { ${gets.join(' ')} return { ${props.join(', ')} }; },
  };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('P', 'bad', 'W', src)(parts, bad, `${what}: not an object`) as Compiled;
}

/* A struct of fixed size (Statx, Inode, Timestamp, CreateCommon, most requests) is compiled to
 * straight-line code: one bounds check for the whole struct, then each field read or written at
 * its constant offset into an object literal of fixed shape. The interpreted closures above cost
 * ~1.5 us to decode a Statx and ~2.5 us to encode a Walk reply; this is several times faster, on
 * both ends of every RPC. The source is generated from our own descriptor table only (field
 * names are identifiers of this file, offsets and bounds are numbers), never from input; the
 * checks and error messages are the closures' own. */
type FixedStruct = Extract<Desc, { k: 'struct' }>;

function compileFixedStruct(d: FixedStruct, what: string): Compiled {
  const size = fixedSize(d);
  const checks: string[] = [];
  const puts: string[] = [];
  const labels: string[] = [];
  const label = (l: string): string => `L[${labels.push(l) - 1}]`;
  let off = 0;
  /* Emits field `f` at `off`, reached as `acc` on the value (checks, puts) and returns the
   * expression that reads it. */
  const field = (f: Desc, acc: string, l: string): string => {
    const at = off;
    switch (f.k) {
      case 'u8':
      case 'u16':
      case 'u32':
      case 'i32': {
        const [lo, hi, set, get, n] = {
          u8: [0, 0xff, 'setUint8', 'getUint8', 1], u16: [0, 0xffff, 'setUint16', 'getUint16', 2],
          u32: [0, 0xffffffff, 'setUint32', 'getUint32', 4], i32: [-0x80000000, 0x7fffffff, 'setInt32', 'getInt32', 4],
        }[f.k] as [number, number, string, string, number];
        off += n;
        checks.push(`checkInt(${acc}, ${lo}, ${hi}, ${label(l)});`);
        puts.push(f.k === 'u8' ? `dv.${set}(o + ${at}, ${acc});` : `dv.${set}(o + ${at}, ${acc}, true);`);
        return f.k === 'u8' ? `dv.${get}(a + ${at})` : `dv.${get}(a + ${at}, true)`;
      }
      case 'u64':
      case 'i64': {
        const signed = f.k === 'i64';
        off += 8;
        checks.push(`checkBig(${acc}, ${signed}, ${label(l)});`);
        puts.push(`dv.${signed ? 'setBigInt64' : 'setBigUint64'}(o + ${at}, ${acc}, true);`);
        return `dv.${signed ? 'getBigInt64' : 'getBigUint64'}(a + ${at}, true)`;
      }
      case 'fdid':
        off += 8;
        checks.push(`checkInt(${acc}, 0, ${Number.MAX_SAFE_INTEGER}, ${label(l)});`);
        puts.push(`dv.setUint32(o + ${at}, ${acc} % ${TWO32}, true); dv.setUint32(o + ${at + 4}, Math.floor(${acc} / ${TWO32}), true);`);
        return `fdidAt(dv, a + ${at}, ${label(l)})`;
      case 'pad':
        off += f.n;
        puts.push(`u8a.fill(0, o + ${at}, o + ${at + f.n});`);
        return '';
      case 'raw':
        off += f.n;
        checks.push(`checkRaw(${acc}, ${f.n}, ${label(l)});`);
        puts.push(`u8a.set(${acc}, o + ${at});`);
        return `r.u8a.slice(a + ${at}, a + ${at + f.n})`;
      case 'struct': {
        checks.push(`if (typeof ${acc} !== 'object' || ${acc} === null) bad(${label(`${l}: not an object`)});`);
        const parts: string[] = [];
        for (const [name, sub] of Object.entries(f.fields)) {
          const e = field(sub, `${acc}.${name}`, `${l}.${name}`);
          if (sub.k !== 'pad') parts.push(`${name}: ${e}`);
        }
        return `{ ${parts.join(', ')} }`;
      }
      default:
        throw new Error(`internal: ${f.k} in a fixed-size struct`);
    }
  };
  const get = field(d, 'v', what);
  const need = label(what);
  const src = `return {
    size: (v) => { ${checks.join(' ')} return ${size}; },
    put: (v, dv, u8a, o) => { ${puts.join(' ')} return o + ${size}; },
    get: (r) => { const a = r.need(${size}, ${need}); const dv = r.dv; return ${get}; },
  };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('checkInt', 'checkBig', 'checkRaw', 'bad', 'fdidAt', 'L', src)(checkInt, checkBig, checkRaw, bad, fdidAt, labels) as Compiled;
}

/** An FDID (u64 on the wire) as a number; above 2^53-1 is a decode error. */
function fdidAt(dv: DataView, at: number, what: string): number {
  const lo = dv.getUint32(at, true);
  const hi = dv.getUint32(at + 4, true);
  if (hi > 0x1fffff) throw new LisafsDecodeError(`${what}: FDID above 2^53-1`, at);
  return hi * TWO32 + lo;
}

const compiled = new WeakMap<Desc, Compiled>();
function compile(d: Desc): Compiled {
  let c = compiled.get(d);
  if (c === undefined) {
    c = compileDesc(d, 'message');
    compiled.set(d, c);
  }
  return c;
}

/** Encoded size of `v` as `d`. Throws LisafsEncodeError for a value that does not fit. */
export function sizeOf(d: Desc, v: unknown): number {
  return compile(d).size(v);
}

/** Encodes `v` as `d` into `target` at `offset`. Returns the number of bytes written.
 * Throws LisafsEncodeError when the value does not fit its descriptor or the target. */
export function encodeInto<D extends Desc>(d: D, v: Value<D>, target: Uint8Array, offset = 0): number {
  const c = compile(d);
  const n = c.size(v);
  if (offset < 0 || offset + n > target.length) bad(`${n} bytes do not fit in ${target.length - offset} bytes of buffer`);
  const dv = new DataView(target.buffer, target.byteOffset, target.byteLength);
  return c.put(v, dv, target, offset) - offset;
}

/** Encodes messages into one buffer it owns, grown on demand: each result is a view of it, valid
 * until the next encode (for the hot paths: a new array per message cost an off-heap allocation,
 * its registration with the GC and a DataView each, ~1 us). */
export class Encoder {
  private u8 = new Uint8Array(new ArrayBuffer(4096));
  private dv = new DataView(this.u8.buffer);

  /** Encodes `v` as `d`. Throws LisafsEncodeError (see encodeInto). */
  encode<D extends Desc>(d: D, v: Value<D>): Uint8Array {
    const c = compile(d);
    const n = c.size(v);
    if (n > this.u8.length) {
      this.u8 = new Uint8Array(new ArrayBuffer(Math.max(n, 2 * this.u8.length)));
      this.dv = new DataView(this.u8.buffer);
    }
    c.put(v, this.dv, this.u8, 0);
    return this.u8.subarray(0, n);
  }
}

/** Encodes `v` as `d` into a new array. Throws LisafsEncodeError (see encodeInto). */
export function encode<D extends Desc>(d: D, v: Value<D>): Uint8Array {
  const c = compile(d);
  const out = new Uint8Array(c.size(v));
  c.put(v, new DataView(out.buffer), out, 0);
  return out;
}

/** Decodes all of `bytes` as `d`. Returns the value, or a LisafsDecodeError (never throws) for
 * input that is truncated, has trailing bytes, or holds a length/count that does not fit. */
export function decode<D extends Desc>(d: D, bytes: Uint8Array): DecodeResult<Value<D>> {
  try {
    const r = new Reader(bytes, bytes.length);
    const value = compile(d).get(r) as Value<D>;
    if (r.off !== r.end) return { ok: false, error: new LisafsDecodeError(`${r.end - r.off} trailing bytes`, r.off) };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof LisafsDecodeError) return { ok: false, error: e };
    // Anything else would mean a bounds check above is wrong; still reported as a typed error.
    return { ok: false, error: new LisafsDecodeError(`internal: ${e instanceof Error ? e.message : String(e)}`, 0) };
  }
}

/** Encodes a request of message `name`. Throws LisafsEncodeError. */
export function encodeRequest<N extends RequestName>(name: N, v: Req<N>): Uint8Array {
  return encode(MESSAGES[name].req as Desc, v as never);
}

/** Encodes a response of message `name` (including Error). Throws LisafsEncodeError. */
export function encodeResponse<N extends MessageName>(name: N, v: Resp<N>): Uint8Array {
  return encode(MESSAGES[name].resp as Desc, v as never);
}

/** Decodes a response payload of message `name`. Never throws. */
export function decodeResponse<N extends MessageName>(name: N, bytes: Uint8Array): DecodeResult<Resp<N>> {
  return decode(MESSAGES[name].resp as Desc, bytes) as DecodeResult<Resp<N>>;
}

/** Decodes a request payload of message `name`. Never throws. */
export function decodeRequest<N extends RequestName>(name: N, bytes: Uint8Array): DecodeResult<Req<N>> {
  return decode(MESSAGES[name].req as Desc, bytes) as DecodeResult<Req<N>>;
}

/**
 * A Getdents64 reply (`withStat` false: {dirents: Dirent64[]}) or Getdents64Stat reply
 * (`withStat`: {end, dirents: DirentStat[]}) read in place: the hot path of a directory listing
 * reads each entry's fields from the bytes instead of decoding an object per entry (the codec's
 * objects cost ~1 us per entry and their garbage more). `parse` checks the layout once, as
 * `decode` would: every entry inside the bytes, nothing after the last.
 * Ownership: `bytes` must not change while the batch is used (the caller passes its own copy).
 */
export class DirentBatch {
  private constructor(
    readonly bytes: Uint8Array,
    private readonly dv: DataView,
    /** Byte offset of each entry. */
    private readonly at: Int32Array,
    readonly withStat: boolean,
    /** Getdents64Stat: the listing has nothing after these entries (plain Getdents64: false). */
    readonly end: boolean,
  ) {}

  /** A batch of no entries (a directory not listed yet). */
  static readonly empty = new DirentBatch(new Uint8Array(2), new DataView(new ArrayBuffer(2)), new Int32Array(0), false, false);

  /** The batch, or a LisafsDecodeError for bytes that are not such a reply. Never throws. */
  static parse(bytes: Uint8Array, withStat: boolean): DirentBatch | LisafsDecodeError {
    const len = bytes.length;
    const head = withStat ? 3 : 2;
    if (len < head) return new LisafsDecodeError(`${len} bytes, shorter than the reply header`, 0);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, len);
    const count = dv.getUint16(head - 2, true);
    const fixed = withStat ? 11 : 27; // bytes before the name
    const at = new Int32Array(count);
    let p = head;
    for (let i = 0; i < count; i++) {
      if (p + fixed > len) return new LisafsDecodeError(`dirent ${i} of ${count} truncated`, p);
      const n = dv.getUint16(p + fixed - 2, true);
      const size = fixed + n + (withStat ? 144 : 0);
      if (p + size > len) return new LisafsDecodeError(`dirent ${i} of ${count} truncated`, p);
      at[i] = p;
      p += size;
    }
    if (p !== len) return new LisafsDecodeError(`${len - p} trailing bytes`, p);
    return new DirentBatch(bytes, dv, at, withStat, withStat && bytes[0] !== 0);
  }

  get length(): number {
    return this.at.length;
  }
  /** Entry i's d_off (the position after it). */
  off(i: number): bigint {
    return this.dv.getBigUint64(this.at[i]! + (this.withStat ? 0 : 16), true);
  }
  /** Entry i's d_type. */
  type(i: number): number {
    return this.bytes[this.at[i]! + (this.withStat ? 8 : 24)]!;
  }
  /** Where entry i's name starts in `bytes`. */
  nameAt(i: number): number {
    return this.at[i]! + (this.withStat ? 11 : 27);
  }
  nameLength(i: number): number {
    return this.dv.getUint16(this.at[i]! + (this.withStat ? 9 : 25), true);
  }
  /** Getdents64Stat: where entry i's 144 statx bytes start in `bytes` (after its name). */
  statAt(i: number): number {
    return this.nameAt(i) + this.nameLength(i);
  }
  /** Getdents64: entry i's inode number. */
  ino(i: number): bigint {
    return this.dv.getBigUint64(this.at[i]!, true);
  }
  /* Copies of entry i's fields into a caller's buffer, a word or a byte at a time: no BigInt or
   * view per field (a listing's loop runs them 50,000 times for one large directory, mostly
   * before V8 optimises it). */
  /** Entry i's d_off, as 8 little-endian bytes at dst[at]. */
  putOff(i: number, dst: DataView, at: number): void {
    this.put64(this.at[i]! + (this.withStat ? 0 : 16), dst, at);
  }
  /** Getdents64: entry i's inode number, as 8 little-endian bytes at dst[at]. */
  putIno(i: number, dst: DataView, at: number): void {
    this.put64(this.at[i]!, dst, at);
  }
  /** Entry i's name bytes at dst[at]. */
  putName(i: number, dst: Uint8Array, at: number): void {
    const from = this.nameAt(i);
    const n = this.nameLength(i);
    const src = this.bytes;
    for (let k = 0; k < n; k++) dst[at + k] = src[from + k]!;
  }
  /** Getdents64Stat: entry i's 144 statx bytes at dst[at]. */
  putStat(i: number, dst: DataView, at: number): void {
    const from = this.statAt(i);
    const dv = this.dv;
    for (let k = 0; k < 144; k += 4) dst.setUint32(at + k, dv.getUint32(from + k, true), true);
  }
  private put64(from: number, dst: DataView, at: number): void {
    dst.setUint32(at, this.dv.getUint32(from, true), true);
    dst.setUint32(at + 4, this.dv.getUint32(from + 4, true), true);
  }
}

/**
 * The inodes of a Walk reply ({status u8, inodes: Inode[]}) or of a WalkOpen reply ({child:
 * Inode, openFD}; OpenCreateAt's {child, newFD} has the same layout) read in place: a lookup's hot path copies each Statx as its 144 bytes (the
 * kernel's struct statx layout, which is what the core wants) instead of decoding it into an
 * object and encoding it back (~2-8 us per reply while V8 is still cold). `parse` checks the
 * layout once, as `decode` would (exact length, FDIDs below 2^53).
 * Ownership: `bytes` must not change while the reply is used (the caller passes its own copy).
 */
export class InodeReply {
  private constructor(
    readonly bytes: Uint8Array,
    private readonly dv: DataView,
    /** Walk: WALK_SUCCESS, WALK_COMPONENT_DOES_NOT_EXIST or WALK_COMPONENT_SYMLINK; WalkOpen: 0. */
    readonly status: number,
    /** Byte offset of the first Inode. */
    private readonly base: number,
    readonly length: number,
    /** WalkOpen: the open FD (0: not opened); OpenCreateAt: newFD; Walk: 0. */
    readonly openFD: number,
  ) {}

  /** `bytes` as a Walk reply (`walkOpen` false) or a WalkOpen reply, or a LisafsDecodeError. */
  static parse(bytes: Uint8Array, walkOpen: boolean): InodeReply | LisafsDecodeError {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const id = (at: number): number => {
      const hi = dv.getUint32(at + 4, true);
      return hi > 0x1fffff ? -1 : hi * TWO32 + dv.getUint32(at, true);
    };
    let r: InodeReply;
    if (walkOpen) {
      if (bytes.length !== 160) return new LisafsDecodeError(`WalkOpen reply of ${bytes.length} bytes, not 160`, 0);
      r = new InodeReply(bytes, dv, 0, 0, 1, id(152));
      if (r.openFD < 0) return new LisafsDecodeError('openFD: FDID above 2^53-1', 152);
    } else {
      if (bytes.length < 3) return new LisafsDecodeError(`Walk reply of ${bytes.length} bytes`, 0);
      const n = dv.getUint16(1, true);
      if (bytes.length !== 3 + 152 * n) return new LisafsDecodeError(`Walk reply of ${bytes.length} bytes for ${n} inodes`, 3);
      r = new InodeReply(bytes, dv, bytes[0]!, 3, n, 0);
    }
    for (let i = 0; i < r.length; i++) if (id(r.base + 152 * i) < 0) return new LisafsDecodeError('controlFD: FDID above 2^53-1', r.base + 152 * i);
    return r;
  }

  /** Inode i's control FD. */
  controlFD(i: number): number {
    const at = this.base + 152 * i;
    return this.dv.getUint32(at + 4, true) * TWO32 + this.dv.getUint32(at, true);
  }
  /** Inode i's stx_mode. */
  mode(i: number): number {
    return this.dv.getUint16(this.base + 152 * i + 8 + 28, true);
  }
  /** Inode i's Statx as its 144 bytes (a view into `bytes`). */
  stat(i: number): Uint8Array {
    const at = this.base + 152 * i + 8;
    return this.bytes.subarray(at, at + 144);
  }
  /** Inode i decoded (for the rarer callers that want the values). */
  inode(i: number): Value<typeof Inode> {
    const d = decode(Statx, this.stat(i));
    if (!d.ok) throw d.error; // never: 144 bytes always decode
    return { controlFD: this.controlFD(i), stat: d.value };
  }
}
