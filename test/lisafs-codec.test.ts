// test/lisafs-codec.test.ts — the lisafs message table and its derived codec.
//
// Property tests (fast-check, arbitraries derived from the same descriptors as the codec):
// every request and response of every message round-trips encode -> decode; random bytes,
// mutated, truncated and extended frames never make the decoder throw (it returns a typed
// LisafsDecodeError). Fixed checks: MIDs and sizes against the reference's table (§5.1–5.2),
// field offsets of Statx / Inode / createCommon / Walk / Dirent64, encode errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  MESSAGES, NAME_BY_MID, MAX_MESSAGE_SIZE, HEADER_SIZE, Statx, Inode, CreateCommon, Dirent64, StatFS, Timespec,
  encode, decode, sizeOf, fixedSize, encodeRequest, decodeRequest, decodeResponse, encodeResponse,
  LisafsDecodeError, LisafsEncodeError, DirentBatch, InodeReply, str, u32, array,
} from '../ts/lisafs/messages.js';
import type { Desc, MessageName } from '../ts/lisafs/messages.js';

const NAMES = Object.keys(MESSAGES) as MessageName[];
const RUNS = 60;

/** An arbitrary for any valid value of descriptor `d` (the twin of the codec's interpreter). */
function arb(d: Desc): fc.Arbitrary<unknown> {
  switch (d.k) {
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'u64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'i64':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'fdid':
      return fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat());
    case 'pad':
      return fc.constant(undefined);
    case 'raw':
      return fc.uint8Array({ minLength: d.n, maxLength: d.n });
    case 'str':
      return fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 65000, maxLength: 65535 }) });
    case 'blob':
      return fc.uint8Array({ maxLength: 2048 });
    case 'array':
      return fc.array(arb(d.of), { maxLength: 6 });
    case 'struct': {
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, f] of Object.entries(d.fields)) if (f.k !== 'pad') rec[k] = arb(f);
      return fc.record(rec, { noNullPrototype: true });
    }
  }
}

/** Every (message, direction, descriptor) of the table. */
const LAYOUTS: { label: string; desc: Desc }[] = [];
for (const n of NAMES) {
  const m = MESSAGES[n];
  if (m.req !== null) LAYOUTS.push({ label: `${n} request`, desc: m.req as Desc });
  LAYOUTS.push({ label: `${n} response`, desc: m.resp as Desc });
}

test('the table has every message of the reference with its MID (§5.2)', () => {
  const expected: Record<string, number> = {
    Error: 0, Mount: 1, Channel: 2, FStat: 3, SetStat: 4, Walk: 5, WalkStat: 6, OpenAt: 7, OpenCreateAt: 8, Close: 9,
    FSync: 10, PWrite: 11, PRead: 12, MkdirAt: 13, MknodAt: 14, SymlinkAt: 15, LinkAt: 16, FStatFS: 17, FAllocate: 18,
    ReadLinkAt: 19, Flush: 20, Connect: 21, UnlinkAt: 22, RenameAt: 23, Getdents64: 24, FGetXattr: 25, FSetXattr: 26,
    FListXattr: 27, FRemoveXattr: 28, BindAt: 29, Listen: 30, Accept: 31, ConnectWithCreds: 32, RenameAt2: 33,
    // Our extensions (docs/lisafs.md), outside gVisor's range.
    WalkOpen: 0x8005, Getdents64Stat: 0x8018, WalkGetdents64Stat: 0x8019,
  };
  assert.equal(Object.fromEntries(NAMES.map((n) => [n, MESSAGES[n].mid])), expected);
  assert.is(NAME_BY_MID.size, 37, 'MIDs are unique');
  assert.is(MAX_MESSAGE_SIZE, 2_093_056);
  assert.is(HEADER_SIZE, 8);
  // FDs a reply donates (socket channel: the client knows the count from the message type).
  for (const n of ['Mount', 'OpenAt', 'OpenCreateAt', 'Connect', 'BindAt', 'Accept', 'ConnectWithCreds', 'WalkOpen'] as MessageName[]) assert.is(MESSAGES[n].respFds, 1, n);
  assert.is(MESSAGES.Channel.respFds, 2);
  assert.is(MESSAGES.FStat.respFds, 0);
});

test('fixed sizes match the reference (§5.1, §5.2)', () => {
  assert.is(fixedSize(Statx), 144);
  assert.is(fixedSize(Inode), 152);
  assert.is(fixedSize(CreateCommon), 24);
  assert.is(fixedSize(Timespec), 16);
  assert.is(fixedSize(StatFS), 64);
  const req = (n: MessageName): number => fixedSize(MESSAGES[n].req as Desc);
  const resp = (n: MessageName): number => fixedSize(MESSAGES[n].resp as Desc);
  assert.is(req('SetStat'), 64);
  assert.is(req('OpenAt'), 16);
  assert.is(req('PRead'), 24);
  assert.is(req('FAllocate'), 32);
  assert.is(req('Connect'), 16);
  assert.is(req('ConnectWithCreds'), 24);
  assert.is(req('Getdents64'), 16);
  assert.is(req('Listen'), 16);
  assert.is(req('FListXattr'), 16);
  assert.is(req('FStat'), 8);
  assert.is(resp('OpenCreateAt'), 160);
  assert.is(resp('BindAt'), 160);
  assert.is(resp('Channel'), 16);
  assert.is(resp('SetStat'), 8);
  assert.is(resp('Error'), 4);
  assert.is(resp('FStat'), 144);
  assert.is(fixedSize(MESSAGES.Walk.req as Desc), -1, 'dynamic');
});

test('field offsets: Statx, Inode, createCommon, Walk status/count, Dirent64, PWrite, PRead', () => {
  const st = {
    mask: 0x11111111, blksize: 0x22222222, attributes: 0x3333333333333333n, nlink: 0x44444444, uid: 0x55555555,
    gid: 0x66666666, mode: 0x7777, ino: 0x8888888888888888n, size: 0x9999999999999999n, blocks: 0xaaaaaaaaaaaaaaaan,
    attributesMask: 0xbbbbbbbbbbbbbbbbn, atime: { sec: 1n, nsec: 2 }, btime: { sec: 3n, nsec: 4 }, ctime: { sec: 5n, nsec: 6 },
    mtime: { sec: 7n, nsec: 8 }, rdevMajor: 9, rdevMinor: 10, devMajor: 11, devMinor: 12,
  };
  const e = encode(Statx, st);
  const dv = new DataView(e.buffer);
  assert.is(e.length, 144);
  assert.is(dv.getUint32(0, true), 0x11111111);
  assert.is(dv.getUint32(4, true), 0x22222222);
  assert.is(dv.getBigUint64(8, true), 0x3333333333333333n);
  assert.is(dv.getUint32(16, true), 0x44444444);
  assert.is(dv.getUint32(20, true), 0x55555555);
  assert.is(dv.getUint32(24, true), 0x66666666);
  assert.is(dv.getUint16(28, true), 0x7777);
  assert.is(dv.getUint16(30, true), 0, 'padding is zero');
  assert.is(dv.getBigUint64(32, true), 0x8888888888888888n);
  assert.is(dv.getBigUint64(40, true), 0x9999999999999999n);
  assert.is(dv.getBigUint64(48, true), 0xaaaaaaaaaaaaaaaan);
  assert.is(dv.getBigUint64(56, true), 0xbbbbbbbbbbbbbbbbn);
  assert.is(dv.getBigInt64(64, true), 1n);
  assert.is(dv.getUint32(72, true), 2);
  assert.is(dv.getBigInt64(80, true), 3n);
  assert.is(dv.getBigInt64(96, true), 5n);
  assert.is(dv.getBigInt64(112, true), 7n);
  assert.is(dv.getUint32(120, true), 8);
  assert.equal([128, 132, 136, 140].map((o) => dv.getUint32(o, true)), [9, 10, 11, 12]);

  const ino = encode(Inode, { controlFD: 0x0102030405, stat: st });
  assert.is(new DataView(ino.buffer).getBigUint64(0, true), 0x0102030405n);
  assert.is(ino.length, 152);
  const cc = encode(CreateCommon, { dirFD: 7, uid: 8, gid: 9, mode: 0o100644 });
  const ccv = new DataView(cc.buffer);
  assert.equal([Number(ccv.getBigUint64(0, true)), ccv.getUint32(8, true), ccv.getUint32(12, true), ccv.getUint16(16, true)], [7, 8, 9, 0o100644]);

  const walk = encodeResponse('Walk', { status: 2, inodes: [{ controlFD: 5, stat: st }] });
  assert.is(walk[0], 2, 'status u8 at 0');
  assert.is(new DataView(walk.buffer).getUint16(1, true), 1, 'count u16 at offset 1 (packed)');
  assert.is(walk.length, 3 + 152);

  const de = encode(Dirent64, { ino: 1n, devMinor: 2, devMajor: 3, off: 4n, type: 8, name: new TextEncoder().encode('abc') });
  assert.is(de.length, 27 + 3);
  assert.is(new DataView(de.buffer).getUint16(25, true), 3, 'name length after the type byte');

  const pw = encodeRequest('PWrite', { offset: 9n, fd: 4, data: new Uint8Array([1, 2, 3]) });
  assert.is(pw.length, 20 + 3);
  assert.is(new DataView(pw.buffer).getUint32(16, true), 3, 'NumBytes at 16');
  const pr = encodeResponse('PRead', { data: new Uint8Array(5) });
  assert.is(pr.length, 8 + 5);
  const sa = encodeRequest('Walk', { dirFD: 1, path: [new Uint8Array([0x61]), new Uint8Array(0)] });
  assert.equal([...sa.subarray(8)], [2, 0, 1, 0, 0x61, 0, 0], 'StringArray = u16 count + SizedStrings');
  const fa = encodeRequest('Close', { fds: [1, 2] });
  assert.is(fa.length, 2 + 16, 'FdArray = u16 count + u64s');
  const r2 = encodeRequest('RenameAt2', { oldDir: 1, newDir: 2, oldName: new Uint8Array([0x61]), newName: new Uint8Array([0x62]), flags: 1 });
  assert.is(new DataView(r2.buffer).getUint32(r2.length - 4, true), 1, 'RenameAt2 flags after the strings');
});

test('property: every request and response round-trips encode -> decode', () => {
  for (const { label, desc } of LAYOUTS) {
    fc.assert(
      fc.property(arb(desc), (v) => {
        const bytes = encode(desc, v as never);
        assert.is(bytes.length, sizeOf(desc, v), `${label}: size`);
        const d = decode(desc, bytes);
        if (!d.ok) throw new Error(`${label}: ${d.error.message}`);
        assert.equal(d.value, v, label);
        // Encoding the decoded value gives the same bytes (padding is canonical zero).
        assert.equal(encode(desc, d.value as never), bytes, `${label}: re-encode`);
      }),
      { numRuns: RUNS },
    );
  }
});

test('property: the name-keyed helpers agree with the table', () => {
  fc.assert(
    fc.property(arb(MESSAGES.OpenCreateAt.req), arb(MESSAGES.Getdents64.resp), (q, r) => {
      const qb = encodeRequest('OpenCreateAt', q as never);
      const qd = decodeRequest('OpenCreateAt', qb);
      assert.ok(qd.ok);
      if (qd.ok) assert.equal(qd.value, q);
      const rb = encodeResponse('Getdents64', r as never);
      const rd = decodeResponse('Getdents64', rb);
      assert.ok(rd.ok);
      if (rd.ok) assert.equal(rd.value, r);
    }),
    { numRuns: RUNS },
  );
});

function checkNoThrow(desc: Desc, bytes: Uint8Array, label: string): boolean {
  let r: ReturnType<typeof decode>;
  try {
    r = decode(desc, bytes);
  } catch (e) {
    throw new Error(`${label}: decode threw ${String(e)}`);
  }
  if (!r.ok) {
    assert.instance(r.error, LisafsDecodeError, label);
    assert.is(r.error.errno, 5, `${label}: EIO`);
    assert.ok(r.error.offset >= 0 && r.error.offset <= bytes.length, `${label}: offset inside the input`);
  }
  return r.ok;
}

test('property: random bytes never make the decoder throw', () => {
  for (const { label, desc } of LAYOUTS) {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        checkNoThrow(desc, bytes, label);
      }),
      { numRuns: RUNS },
    );
  }
});

test('property: mutated, truncated and extended frames never throw; strict prefixes never decode', () => {
  for (const { label, desc } of LAYOUTS) {
    fc.assert(
      fc.property(
        arb(desc),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        (v, flips, cut, extra) => {
          const good = encode(desc, v as never);
          const mutated = good.slice();
          if (mutated.length > 0) for (const [at, val] of flips) mutated[at % mutated.length] = val;
          checkNoThrow(desc, mutated, `${label} mutated`);
          if (good.length > 0) {
            const prefix = good.subarray(0, cut % good.length);
            assert.not.ok(checkNoThrow(desc, prefix, `${label} truncated`), `${label}: a strict prefix must not decode`);
          }
          const longer = new Uint8Array(good.length + extra.length);
          longer.set(good);
          longer.set(extra, good.length);
          assert.not.ok(checkNoThrow(desc, longer, `${label} extended`), `${label}: trailing bytes are refused`);
        },
      ),
      { numRuns: RUNS },
    );
  }
});

test('decode: hostile lengths and counts are refused without reading past the input', () => {
  const huge = new Uint8Array([0xff, 0xff, 1, 2, 3]);
  const r = decode(str, huge);
  assert.not.ok(r.ok);
  if (!r.ok) assert.match(r.error.message, /65535-byte string/);
  const arr = decode(array(u32), new Uint8Array([0xff, 0xff, 0, 0, 0, 0]));
  assert.not.ok(arr.ok, '65535 u32s in 4 bytes');
  const blob = decode(MESSAGES.PRead.resp, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x80, 1]));
  assert.not.ok(blob.ok, 'a u64 payload length of 2^63');
  const fd = decode(MESSAGES.FStat.req, new Uint8Array([1, 0, 0, 0, 0, 0, 0x20, 0]));
  assert.not.ok(fd.ok, 'FDID above 2^53-1');
  const empty = decode(MESSAGES.Mount.req, new Uint8Array(0));
  assert.ok(empty.ok, 'an empty request decodes as an empty struct');
  assert.not.ok(decode(MESSAGES.Mount.req, new Uint8Array(1)).ok, 'but not with a byte in it');
});

test('encode: values that do not fit are a typed LisafsEncodeError', () => {
  const cases: [string, () => unknown][] = [
    ['string of 65536 bytes', () => encode(str, new Uint8Array(65536))],
    ['u32 above range', () => encode(u32, 2 ** 32)],
    ['u32 negative', () => encode(u32, -1)],
    ['u32 fraction', () => encode(u32, 1.5)],
    ['i64 out of range', () => encodeRequest('SetStat', { fd: 1, mask: 0, mode: 0, uid: 0, gid: 0, size: 0n, atime: { sec: 1n << 63n, nsec: 0n }, mtime: { sec: 0n, nsec: 0n } })],
    ['u64 negative', () => encodeRequest('PRead', { offset: -1n, fd: 1, count: 1 })],
    ['FDID not safe', () => encodeRequest('FStat', { fd: 2 ** 53 })],
    ['missing field', () => encodeRequest('FStat', {} as never)],
    ['not bytes', () => encodeRequest('ReadLinkAt', { fd: 'x' } as never)],
    ['array too long', () => encodeRequest('Close', { fds: new Array(65536).fill(1) })],
  ];
  for (const [what, fn] of cases) {
    try {
      fn();
      assert.unreachable(what);
    } catch (e) {
      assert.instance(e, LisafsEncodeError, what);
      assert.is((e as LisafsEncodeError).errno, 22, what);
    }
  }
});

test('property: DirentBatch reads a Getdents64 / Getdents64Stat reply exactly as decode does, and refuses what decode refuses', () => {
  for (const [name, withStat] of [['Getdents64', false], ['Getdents64Stat', true]] as const) {
    const desc = MESSAGES[name].resp as Desc;
    // Entries the kernel could send (names of 1-255 bytes), and mutations of their encodings.
    type E = { off: bigint; type: number; name: Uint8Array; stat?: Uint8Array; ino?: bigint };
    const entry = (withStat
      ? fc.record({ off: arb({ k: 'u64' }), type: fc.integer({ min: 0, max: 255 }), name: fc.uint8Array({ minLength: 1, maxLength: 255 }), stat: fc.uint8Array({ minLength: 144, maxLength: 144 }) })
      : fc.record({
        ino: arb({ k: 'u64' }), devMinor: arb({ k: 'u32' }), devMajor: arb({ k: 'u32' }), off: arb({ k: 'u64' }),
        type: fc.integer({ min: 0, max: 255 }), name: fc.uint8Array({ minLength: 1, maxLength: 255 }),
      })) as fc.Arbitrary<E>;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.integer({ min: 0, max: 255 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(), (dirents, end, flips, cut) => {
        const value = withStat ? { end, dirents } : { dirents };
        const good = encode(desc, value as never);
        const b = DirentBatch.parse(good.slice(), withStat);
        assert.ok(b instanceof DirentBatch, `${name}: ${b instanceof LisafsDecodeError ? b.message : ''}`);
        const batch = b as DirentBatch;
        assert.is(batch.length, dirents.length);
        assert.is(batch.end, withStat && end !== 0, 'end');
        dirents.forEach((d, i) => {
          assert.is(batch.off(i), d.off);
          assert.is(batch.type(i), d.type);
          assert.equal(batch.bytes.slice(batch.nameAt(i), batch.nameAt(i) + batch.nameLength(i)), d.name);
          if (d.stat) assert.equal(batch.bytes.slice(batch.statAt(i), batch.statAt(i) + 144), d.stat);
          else assert.is(batch.ino(i), d.ino);
          // The put* copies write the same values (into a buffer of 0xee, at an odd offset).
          const out = new Uint8Array(3 + 8 + 8 + 144 + d.name.length).fill(0xee);
          const ov = new DataView(out.buffer);
          batch.putOff(i, ov, 3);
          assert.is(ov.getBigUint64(3, true), d.off, 'putOff');
          if (d.stat) {
            batch.putStat(i, ov, 11);
            assert.equal(out.slice(11, 11 + 144), d.stat, 'putStat');
          } else {
            batch.putIno(i, ov, 11);
            assert.is(ov.getBigUint64(11, true), d.ino, 'putIno');
          }
          batch.putName(i, out, 3 + 8 + 8 + 144);
          assert.equal(out.slice(3 + 8 + 8 + 144), d.name, 'putName');
        });
        // Whatever the codec accepts or refuses, DirentBatch does too.
        const mutated = good.slice();
        for (const [at, val] of flips) mutated[at % mutated.length] = val;
        const prefix = good.slice(0, cut % good.length);
        const longer = new Uint8Array(good.length + 1);
        longer.set(good);
        for (const bytes of [mutated, prefix, longer]) {
          const d = decode(desc, bytes);
          const p = DirentBatch.parse(bytes, withStat);
          assert.is(p instanceof DirentBatch, d.ok, `${name}: parse and decode agree on ${bytes.length} bytes`);
          if (d.ok) assert.is((p as DirentBatch).length, (d.value as { dirents: unknown[] }).dirents.length);
        }
      }),
      { numRuns: RUNS },
    );
    for (const bytes of [new Uint8Array(0), new Uint8Array(withStat ? 2 : 1)]) {
      assert.instance(DirentBatch.parse(bytes, withStat), LisafsDecodeError, `${name}: ${bytes.length} bytes`);
    }
  }
  assert.is(DirentBatch.empty.length, 0);
});

test('property: InodeReply reads a Walk / WalkOpen reply exactly as decode does, and refuses what decode refuses', () => {
  for (const [name, walkOpen] of [['Walk', false], ['WalkOpen', true]] as const) {
    const desc = MESSAGES[name].resp as Desc;
    fc.assert(
      fc.property(arb(desc), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(), (value, flips, cut) => {
        const good = encode(desc, value as never);
        const p = InodeReply.parse(good.slice(), walkOpen);
        assert.ok(p instanceof InodeReply, `${name}: ${p instanceof LisafsDecodeError ? p.message : ''}`);
        const r = p as InodeReply;
        const v = value as { status?: number; inodes?: { controlFD: number; stat: { mode: number } }[]; child?: { controlFD: number; stat: { mode: number } }; openFD?: number };
        const inodes = walkOpen ? [v.child!] : v.inodes!;
        assert.is(r.length, inodes.length);
        assert.is(r.status, walkOpen ? 0 : v.status);
        assert.is(r.openFD, walkOpen ? v.openFD : 0);
        inodes.forEach((ino, i) => {
          assert.is(r.controlFD(i), ino.controlFD);
          assert.is(r.mode(i), ino.stat.mode);
          assert.equal(r.stat(i), encode(Statx, ino.stat as never), 'the Statx bytes');
          assert.equal(r.inode(i), ino, 'decoded');
        });
        const mutated = good.slice();
        for (const [at, val] of flips) mutated[at % mutated.length] = val;
        const longer = new Uint8Array(good.length + 1);
        longer.set(good);
        for (const bytes of [mutated, good.slice(0, cut % good.length), longer]) {
          assert.is(InodeReply.parse(bytes, walkOpen) instanceof InodeReply, decode(desc, bytes).ok, `${name}: parse and decode agree on ${bytes.length} bytes`);
        }
      }),
      { numRuns: RUNS },
    );
  }
});

test.run();
