/* image.ts — the checkpoint image container: versioned, checksummed, sectioned.
 *
 * Owns: the outer format and its validation. A section "core" holds the core's own image
 * (core-c/src/checkpoint.c); a running guest adds "memory" and "stack" sections. The header is
 * JSON (mounts by host path, options). Must not: hold host FD numbers (the core image never has
 * any, and the header only names paths).
 *
 * Layout: "WFSIMG\0\1" (8) | u32 version | u32 header length | header JSON (UTF-8) |
 *         u32 section count | each: u16 name length, name, u64 length, bytes | SHA-256 (32) of
 *         everything before it.
 * A truncated, corrupted (checksum) or wrong-version image is refused by decodeImage() with an
 * ImageError before anything is opened.
 */

import { createHash } from 'node:crypto';

export const IMAGE_VERSION = 2;
const MAGIC = Buffer.from('WFSIMG\0\x01', 'latin1');

/** The image itself is unusable: truncated, corrupted, wrong version, malformed. */
export class ImageError extends Error {
  constructor(message: string) {
    super(`checkpoint image refused: ${message}`);
    this.name = 'ImageError';
  }
}

/** Restore found the host different from the checkpoint: names the path, the field, the saved
 * and the current value. */
export class CorruptionError extends Error {
  readonly path: string;
  readonly field: string;
  readonly saved: string;
  readonly current: string;
  constructor(path: string, field: string, saved: string, current: string) {
    super(`restore: external filesystem state changed at '${path}': ${field} was ${saved}, is now ${current}`);
    this.name = 'CorruptionError';
    this.path = path;
    this.field = field;
    this.saved = saved;
    this.current = current;
  }
}

export interface MountRecord {
  host: string;
  guest: string;
  readonly: boolean;
}

export interface ImageHeader {
  kind: 'filesystem' | 'guest';
  mounts: MountRecord[];
  interop: 'exclusive' | 'shared';
  createdAt: string;
  [k: string]: unknown;
}

export function encodeImage(header: ImageHeader, sections: Record<string, Uint8Array>): Uint8Array {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Buffer[] = [MAGIC];
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  parts.push(u32(IMAGE_VERSION), u32(head.length), head, u32(Object.keys(sections).length));
  for (const [name, data] of Object.entries(sections)) {
    const n = Buffer.from(name, 'utf8');
    const l = Buffer.alloc(2);
    l.writeUInt16LE(n.length);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    parts.push(l, n, len, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  const body = Buffer.concat(parts);
  const sum = createHash('sha256').update(body).digest();
  return new Uint8Array(Buffer.concat([body, sum])); // a plain copy: Buffer#slice would alias
}

export function decodeImage(bytes: Uint8Array): { header: ImageHeader; sections: Map<string, Uint8Array> } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < MAGIC.length + 12 + 32) throw new ImageError(`too short (${b.length} bytes): truncated`);
  if (!b.subarray(0, 8).equals(MAGIC)) throw new ImageError('not a wasi-directfs image (bad magic)');
  const version = b.readUInt32LE(8);
  if (version !== IMAGE_VERSION) throw new ImageError(`version ${version}, this build reads version ${IMAGE_VERSION}`);
  const body = b.subarray(0, b.length - 32);
  const want = b.subarray(b.length - 32);
  if (!createHash('sha256').update(body).digest().equals(want)) throw new ImageError('checksum mismatch: the image is corrupted or truncated');
  let pos = 12;
  const need = (n: number, what: string) => {
    if (pos + n > body.length) throw new ImageError(`malformed: ${what} runs past the end`);
  };
  const hlen = b.readUInt32LE(12);
  pos = 16;
  need(hlen, 'header');
  let header: ImageHeader;
  try {
    header = JSON.parse(body.subarray(pos, pos + hlen).toString('utf8')) as ImageHeader;
  } catch (e) {
    throw new ImageError(`malformed header: ${(e as Error).message}`);
  }
  if (!header || !Array.isArray(header.mounts)) throw new ImageError('malformed header: no mounts');
  for (const m of header.mounts) {
    if (typeof m?.host !== 'string' || typeof m.guest !== 'string') throw new ImageError('malformed header: a mount lacks host/guest');
  }
  pos += hlen;
  need(4, 'section count');
  const n = body.readUInt32LE(pos);
  pos += 4;
  const sections = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) {
    need(2, 'section name length');
    const nl = body.readUInt16LE(pos);
    pos += 2;
    need(nl + 8, 'section header');
    const name = body.subarray(pos, pos + nl).toString('utf8');
    pos += nl;
    const len = body.readBigUInt64LE(pos);
    pos += 8;
    if (len > BigInt(body.length - pos)) throw new ImageError(`malformed: section ${name} runs past the end`);
    sections.set(name, body.subarray(pos, pos + Number(len)));
    pos += Number(len);
  }
  if (pos !== body.length) throw new ImageError('malformed: trailing bytes');
  return { header, sections };
}
