// test/security/confine.test.ts — Landlock confinement (ts/confine.ts), defence in depth.
//
// Confinement is irreversible, so every confined process here is a child: this bundle re-executed
// with --confine-child KIND ROOT. The children report what a deliberate host-layer escape did:
// openat(AT_FDCWD, "/etc/hostname", O_RDONLY) through koffi must fail with EACCES once confined,
// while the preopened tree stays usable (directfs, lisafs worker), and with a gofer process the
// guest's process keeps no path at all while the guest still works through the gofer.
// Also: the CLI says once on stderr when the kernel has no Landlock (simulated with
// WASI_DIRECTFS_NO_LANDLOCK=1) and continues; --no-confine is silent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, realpathSync, rmSync, openSync, readSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

interface ChildReport {
  abi: number;
  etcHostname: number;
  insideFile: number;
  insideWrite: number;
  guest: number | null;
  guestOut: string;
}

async function child(kind: string, root: string): Promise<void> {
  const koffi = (await import('koffi')).default;
  const lib = koffi.load('libc.so.6');
  const openat = lib.func('int openat(int dirfd, const char *path, int flags, int mode)');
  const close = lib.func('int close(int fd)');
  const errno = koffi.errno as () => number;
  const tryOpen = (p: string, flags: number): number => {
    const fd = openat(-100, p, flags | 0o2000000, 0o644) as number;
    if (fd < 0) return -errno();
    close(fd);
    return 0;
  };
  const { confine } = await import('../../ts/confine.js');
  const { WASI } = await import('../../ts/wasi/index.js');
  const report: ChildReport = { abi: 0, etcHostname: 0, insideFile: 0, insideWrite: 0, guest: null, guestOut: '' };
  if (kind === 'direct') {
    report.abi = confine({ readWrite: [root] }).abi;
  } else {
    const mode = kind === 'directfs' ? 'directfs' : 'lisafs';
    const out = join(root, '..', 'guest.out');
    const outFd = openSync(out, 'w+');
    const wasm = readFileSync(join(SELF, '..', '..', '..', 'guests', 'sec-exhaust.wasm'));
    const wasi = new WASI({
      version: 'preview1', args: ['g'], preopens: { '/sandbox': root }, returnOnExit: true, confine: true, stdout: outFd,
      mode, ...(mode === 'lisafs' ? { gofer: kind === 'lisafs-process' ? 'process' as const : 'worker' as const } : {}),
    });
    report.abi = wasi.confinement?.abi ?? 0;
    // the escape attempt through the host layer, after confinement and before the guest
    report.etcHostname = tryOpen('/etc/hostname', 0);
    report.insideFile = tryOpen(join(root, 'file'), 0);
    report.insideWrite = tryOpen(join(root, 'newfile'), 0o101);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject() as unknown as WebAssembly.Imports);
    report.guest = wasi.start(instance);
    wasi.close();
    const buf = Buffer.alloc(fstatSync(outFd).size);
    readSync(outFd, buf, 0, buf.length, 0);
    report.guestOut = buf.toString('utf8');
    process.stdout.write(JSON.stringify(report));
    return;
  }
  report.etcHostname = tryOpen('/etc/hostname', 0);
  report.insideFile = tryOpen(join(root, 'file'), 0);
  report.insideWrite = tryOpen(join(root, 'newfile'), 0o101);
  process.stdout.write(JSON.stringify(report));
}

if (process.argv[2] === '--confine-child') {
  await child(process.argv[3]!, process.argv[4]!);
} else {
  const { landlockAbi } = await import('../../ts/confine.js');
  const { ROOT } = await import('./harness.js');
  const EACCES = 13;

  const tree = (): { T: string; R: string } => {
    const T = realpathSync(mkdtempSync(join(tmpdir(), 'wdfs-confine-')));
    const R = join(T, 'R');
    (spawnSync('mkdir', ['-p', join(R, 'etc')]));
    writeFileSync(join(R, 'file'), 'hello file\n');
    writeFileSync(join(R, 'etc', 'passwd'), 'inside-passwd\n');
    return { T, R };
  };
  const runChild = (kind: string, R: string, env: NodeJS.ProcessEnv = {}): ChildReport => {
    const r = spawnSync(process.execPath, [SELF, '--confine-child', kind, R], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, WASI_DIRECTFS_CORE: join(ROOT, 'dist', 'core.wasm'), ...env },
    });
    assert.is(r.status, 0, `child ${kind} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as ChildReport;
  };

  test('the kernel offers Landlock (ABI >= 1), or the CLI says it does not', () => {
    const abi = landlockAbi();
    if (abi === 0) {
      const { T, R } = tree();
      try {
        const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run', '--dir', `${R}::/sandbox`,
          join(ROOT, 'build', 'guests', 'sec-exhaust.wasm')], { encoding: 'utf8' });
        assert.match(r.stderr, /no Landlock/);
      } finally {
        rmSync(T, { recursive: true, force: true });
      }
    }
    assert.ok(abi >= 1, `Landlock ABI ${abi}: this kernel (${process.platform}) has none`);
  });

  test('after confine(), openat(AT_FDCWD, "/etc/hostname") through koffi is EACCES; the tree stays usable', () => {
    const { T, R } = tree();
    try {
      const rep = runChild('direct', R);
      assert.ok(rep.abi >= 1);
      assert.is(rep.etcHostname, -EACCES, 'the escape through the host layer is refused');
      assert.is(rep.insideFile, 0, 'a file beneath the tree opens');
      assert.is(rep.insideWrite, 0, 'a file beneath the tree can be created');
    } finally {
      rmSync(T, { recursive: true, force: true });
    }
  });

  for (const kind of ['directfs', 'lisafs-worker', 'lisafs-process']) {
    test(`WASI confine: true (${kind}): /etc/hostname is EACCES${kind === 'lisafs-process' ? ', and so is the preopened tree itself (the gofer process serves it)' : ''}; the guest runs`, () => {
      const { T, R } = tree();
      try {
        const rep = runChild(kind, R);
        assert.ok(rep.abi >= 1, 'confined');
        assert.is(rep.etcHostname, -EACCES, 'escape refused');
        if (kind === 'lisafs-process') {
          assert.is(rep.insideFile, -EACCES, 'the guest process has no path access at all');
          assert.is(rep.insideWrite, -EACCES);
        } else {
          assert.is(rep.insideFile, 0);
          assert.is(rep.insideWrite, 0);
        }
        const want = JSON.parse(readFileSync(join(ROOT, 'test', 'guests', 'sec-exhaust.json'), 'utf8')) as { stdout: string };
        assert.is(rep.guest, 0, rep.guestOut.slice(-400));
        assert.fixture(rep.guestOut, want.stdout);
      } finally {
        rmSync(T, { recursive: true, force: true });
      }
    });
  }

  test('cli: a kernel without Landlock is reported once on stderr and the run continues; --no-confine is silent', () => {
    const { T, R } = tree();
    try {
      const cli = join(ROOT, 'dist', 'cli.js');
      const wasm = join(ROOT, 'build', 'guests', 'sec-exhaust.wasm');
      const r = spawnSync(process.execPath, [cli, 'run', '--dir', `${R}::/sandbox`, wasm], {
        encoding: 'utf8', env: { ...process.env, WASI_DIRECTFS_NO_LANDLOCK: '1' },
      });
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stderr.match(/no Landlock/g)?.length ?? 0, 1, r.stderr);
      const q = spawnSync(process.execPath, [cli, 'run', '--no-confine', '--dir', `${R}::/sandbox`, wasm], {
        encoding: 'utf8', env: { ...process.env, WASI_DIRECTFS_NO_LANDLOCK: '1' },
      });
      assert.is(q.status, 0, q.stderr);
      assert.is(q.stderr, '');
      const c = spawnSync(process.execPath, [cli, 'run', '--dir', `${R}::/sandbox`, wasm], { encoding: 'utf8' });
      assert.is(c.status, 0, c.stderr);
      assert.is(c.stderr, '', 'a confined run on a Landlock kernel prints nothing extra');
    } finally {
      rmSync(T, { recursive: true, force: true });
    }
  });

  test('cli --help documents --no-confine', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
    assert.match(r.stdout, /--no-confine/);
  });

  test.run();
}
