// test/lisafs-client.test.ts — LisafsClient's checks on what a (possibly broken or hostile)
// file server sends back, with a scripted in-memory Transport: Error replies become LisafsError
// with the errno, a reply with the wrong MID is EINVAL, a malformed reply EIO, donated FDs beyond
// the message's count (or on a failed call) are closed, messages the server did not list at Mount
// fail locally with EOPNOTSUPP (Flush is then a no-op), values that cannot be encoded are EINVAL
// before anything is sent, and PRead/PWrite are split at the negotiated maximum message size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import koffi from 'koffi';
import { LisafsClient, LisafsError } from '../ts/lisafs/client.js';
import type { Transport, RawReply } from '../ts/lisafs/client.js';
import { MESSAGES, encodeResponse, decode } from '../ts/lisafs/messages.js';
import type { MessageName } from '../ts/lisafs/messages.js';

const EIO = 5, EINVAL = 22, ENOENT = 2, EOPNOTSUPP = 95;
const libc = koffi.load('libc.so.6');
const c_pipe = libc.func('int pipe2(_Out_ int *fds, int flags)') as (fds: Int32Array, flags: number) => number;
const c_fcntl = libc.func('int fcntl(int fd, int cmd, int arg)') as (fd: number, cmd: number, arg: number) => number;
const c_close = libc.func('int close(int fd)') as (fd: number) => number;
const O_CLOEXEC = 0o2000000;

function pipeFds(): [number, number] {
  const a = new Int32Array(2);
  assert.is(c_pipe(a, O_CLOEXEC), 0);
  return [a[0]!, a[1]!];
}
const isOpen = (fd: number): boolean => c_fcntl(fd, 1 /* F_GETFD */, 0) >= 0;

/** A Transport that answers from a script and records what it was sent. */
class Scripted implements Transport {
  readonly kind = 'worker' as const;
  readonly sent: { mid: number; payload: Uint8Array }[] = [];
  constructor(private readonly answer: (mid: number, payload: Uint8Array) => RawReply) {}
  call(mid: number, payload: Uint8Array): RawReply {
    this.sent.push({ mid, payload: payload.slice() });
    return this.answer(mid, payload);
  }
  close(): void {}
}

const stat = {
  mask: 0x7ff, blksize: 4096, attributes: 0n, nlink: 1, uid: 0, gid: 0, mode: 0o40755, ino: 7n, size: 0n, blocks: 0n,
  attributesMask: 0n, atime: { sec: 0n, nsec: 0 }, btime: { sec: 0n, nsec: 0 }, ctime: { sec: 0n, nsec: 0 },
  mtime: { sec: 0n, nsec: 0 }, rdevMajor: 0, rdevMinor: 0, devMajor: 8, devMinor: 1,
};
const mountReply = (supported: MessageName[], maxMessageSize = 2_093_056): Uint8Array =>
  encodeResponse('Mount', { root: { controlFD: 1, stat }, maxMessageSize, supported: supported.map((n) => MESSAGES[n].mid) });

function expectErrno(fn: () => unknown, errno: number, what: string): LisafsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, LisafsError, what);
    assert.is((e as LisafsError).errno, errno, `${what}: ${(e as Error).message}`);
    return e as LisafsError;
  }
  assert.unreachable(what);
  throw new Error('unreachable');
}

test('an Error reply is a LisafsError with its errno and code; its donated FDs are closed', () => {
  const [r, w] = pipeFds();
  const c = new LisafsClient(new Scripted(() => ({ mid: 0, payload: encodeResponse('Error', { errno: ENOENT }), fds: [r] })));
  const e = expectErrno(() => c.fstat(1), ENOENT, 'fstat');
  assert.is(e.code, 'ENOENT');
  assert.not.ok(isOpen(r), 'an FD sent with an Error reply is closed');
  c_close(w);
});

test('a reply with another MID is EINVAL; a malformed reply is EIO; FDs are closed in both cases', () => {
  const [r1, w1] = pipeFds();
  const wrong = new LisafsClient(new Scripted(() => ({ mid: MESSAGES.FStatFS.mid, payload: new Uint8Array(64), fds: [r1] })));
  expectErrno(() => wrong.fstat(1), EINVAL, 'wrong MID');
  assert.not.ok(isOpen(r1));
  const [r2, w2] = pipeFds();
  const short = new LisafsClient(new Scripted(() => ({ mid: MESSAGES.OpenAt.mid, payload: new Uint8Array(7), fds: [r2] })));
  expectErrno(() => short.openAt(1, 0), EIO, 'truncated OpenAt reply');
  assert.not.ok(isOpen(r2));
  const badErr = new LisafsClient(new Scripted(() => ({ mid: 0, payload: new Uint8Array(2), fds: [] })));
  expectErrno(() => badErr.fstat(1), EIO, 'malformed Error reply');
  c_close(w1);
  c_close(w2);
});

test('donated FDs: extras beyond the message count are closed, the expected one is returned', () => {
  const [r1, w1] = pipeFds();
  const [r2, w2] = pipeFds();
  const c = new LisafsClient(new Scripted(() => ({ mid: MESSAGES.OpenAt.mid, payload: encodeResponse('OpenAt', { openFD: 9 }), fds: [r1, r2] })));
  const o = c.openAt(3, 0);
  assert.equal(o, { fd: 9, hostFd: r1 });
  assert.ok(isOpen(r1));
  assert.not.ok(isOpen(r2), 'the extra FD is closed');
  const [r3, w3] = pipeFds();
  const none = new LisafsClient(new Scripted(() => ({ mid: MESSAGES.FStat.mid, payload: encodeResponse('FStat', stat), fds: [r3] })));
  none.fstat(1);
  assert.not.ok(isOpen(r3), 'FStat donates nothing: an FD sent with it is closed');
  const noFd = new LisafsClient(new Scripted(() => ({ mid: MESSAGES.Connect.mid, payload: new Uint8Array(0), fds: [] })));
  expectErrno(() => noFd.connect(1), EIO, 'Connect without its socket');
  for (const f of [r1, w1, w2, w3]) c_close(f);
});

test('after Mount, unlisted messages fail locally (EOPNOTSUPP) and Flush is a no-op', () => {
  const t = new Scripted((mid) => {
    if (mid === MESSAGES.Mount.mid) return { mid, payload: mountReply(['FStat', 'Close']), fds: [] };
    if (mid === MESSAGES.FStat.mid) return { mid, payload: encodeResponse('FStat', stat), fds: [] };
    return { mid, payload: new Uint8Array(0), fds: [] };
  });
  const c = new LisafsClient(t);
  const m = c.mount();
  assert.is(m.root.controlFD, 1);
  assert.is(m.rootHostFd, undefined);
  assert.is(c.fstat(1).ino, 7n);
  const before = t.sent.length;
  expectErrno(() => c.walk(1, ['x']), EOPNOTSUPP, 'Walk not listed');
  expectErrno(() => c.channel(), EOPNOTSUPP, 'Channel not listed');
  c.flush(1);
  assert.is(t.sent.length, before, 'nothing was sent for unlisted messages');
  assert.equal(c.rpcCounts, { Mount: 1, FStat: 1 });
});

test('Mount: a donated FD that is not the described root is closed and refused (EIO)', () => {
  const [r, w] = pipeFds();
  const c = new LisafsClient(new Scripted((mid) => ({ mid, payload: mountReply(['FStat']), fds: [r] })));
  const e = expectErrno(() => c.mount(), EIO, 'mount with a pipe as root');
  assert.match(e.message, /not the mount root/);
  assert.not.ok(isOpen(r));
  c_close(w);
});

test('a value that cannot be encoded is EINVAL before anything is sent', () => {
  const t = new Scripted(() => assert.unreachable('nothing may be sent') as never);
  const c = new LisafsClient(t);
  expectErrno(() => c.walk(1, ['x'.repeat(70000)]), EINVAL, 'name above 65535 bytes');
  expectErrno(() => c.fstat(-1), EINVAL, 'negative FDID');
  expectErrno(() => c.fstat(1.5), EINVAL, 'fractional FDID');
  expectErrno(() => c.setStat(1, 0, { mode: 2 ** 32 }), EINVAL, 'mode beyond u32');
  assert.is(t.sent.length, 0);
});

test('PRead/PWrite are split at the negotiated maximum; a short chunk ends the loop', () => {
  const file = new Uint8Array(1000).map((_, i) => i & 0xff);
  const t = new Scripted((mid, payload) => {
    if (mid === MESSAGES.Mount.mid) return { mid, payload: mountReply(['PRead', 'PWrite'], 128), fds: [] };
    if (mid === MESSAGES.PRead.mid) {
      const d = decode(MESSAGES.PRead.req, payload);
      assert.ok(d.ok);
      if (!d.ok) throw new Error('bad request');
      assert.ok(8 + d.value.count <= 128, `PRead of ${d.value.count} fits the maximum`);
      const off = Number(d.value.offset);
      return { mid, payload: encodeResponse('PRead', { data: file.slice(off, off + d.value.count) }), fds: [] };
    }
    const d = decode(MESSAGES.PWrite.req, payload);
    assert.ok(d.ok);
    if (!d.ok) throw new Error('bad request');
    assert.ok(20 + d.value.data.length <= 128, 'PWrite chunk fits the maximum');
    // From offset 300 on, write only 50 bytes per call (a short write ends the loop).
    const n = Number(d.value.offset) >= 300 ? Math.min(50, d.value.data.length) : d.value.data.length;
    return { mid, payload: encodeResponse('PWrite', { count: BigInt(n) }), fds: [] };
  });
  const c = new LisafsClient(t);
  c.mount();
  const got = c.pread(5, 0, 2000);
  assert.is(got.length, 1000, 'stops at EOF');
  assert.ok(got.every((v, i) => v === (i & 0xff)));
  const reads = t.sent.filter((x) => x.mid === MESSAGES.PRead.mid).length;
  assert.is(reads, Math.ceil(1000 / 120) + (1000 % 120 === 0 ? 1 : 0), 'chunks of max - 8 bytes');
  const n = c.pwrite(5, 0, new Uint8Array(500));
  // Chunks of 128 - 20 = 108 bytes: offsets 0, 108, 216 are whole, the one at 324 is short.
  assert.is(n, 324 + 50, 'the short chunk ends the loop');
  assert.is(t.sent.filter((x) => x.mid === MESSAGES.PWrite.mid).length, 4);
});

test.run();
