// test/security/limits.test.ts — resource caps (docs/limits.md) under pressure: battery RX-01 with
// a low RLIMIT_NOFILE, RX-02 (a 10,000-deep tree), RX-03 (a 100,000-entry directory).
//
// - `prlimit --nofile=64:64`: the CLI runs sec-exhaust in every mode: opening stops with
//   EMFILE/ENFILE, stat/mkdir still work at the cap, 8,000 open/close cycles leak nothing.
//   A Filesystem child under the same limit stats 300 files in 300 directories (more dentries
//   with host FDs than the process may hold: the cache sheds its FDs), then opens handles until
//   EMFILE/ENFILE, then still stats, creates and reads.
// - sec-deep 10000 through the battery harness (all four oracles; the host FDs the process held
//   at any check stay within the dentry cache's budget of 768 plus the runtime's own).
// - 100,000 entries: readdir lists each exactly once; 20,000 stats of missing names are ENOENT
//   and the dentry cache stays within its caps.
// Trees live on /dev/shm when it exists (tmpfs: directory operations do not wait for a disk).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { defaultHostFdBudget } from '../../ts/host/hostfd.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDriver, driverMain } from './harness.js';

const SELF = fileURLToPath(import.meta.url);
const SHM = existsSync('/dev/shm') ? '/dev/shm' : undefined;
if (SHM) process.env['TMPDIR'] = SHM;

async function nofileChild(R: string, mode: string): Promise<void> {
  const { mount } = await import('../../ts/fs.js');
  const lisafs = mode !== 'directfs';
  const fs = mount(R, { mode: lisafs ? 'lisafs' : 'directfs', ...(lisafs ? { gofer: mode === 'lisafs-worker' ? 'worker' as const : 'process' as const } : {}) });
  const out: Record<string, unknown> = {};
  let statted = 0;
  for (let i = 0; i < 300; i++) if (fs.stat(`d${i}/f`).isFile()) statted++;
  out['statted'] = statted;
  out['dentryFdsAfterStats'] = fs.counters().dentryFds;
  const handles: number[] = [];
  let stop = '';
  for (;;) {
    try {
      handles.push(fs.open(`d${handles.length % 300}/f`, 'r'));
    } catch (e) {
      stop = (e as { code?: string }).code ?? String(e);
      break;
    }
    if (handles.length > 5000) { stop = 'no limit reached'; break; }
  }
  out['opened'] = handles.length;
  out['stop'] = stop;
  out['dentryFdsAtCap'] = fs.counters().dentryFds;
  const ok = (f: () => unknown): string => { try { f(); return 'ok'; } catch (e) { return (e as { code?: string }).code ?? String(e); } };
  out['statAtCap'] = ok(() => fs.stat('d299/f'));
  out['mkdirAtCap'] = ok(() => fs.mkdir('atcap'));
  out['rmdirAtCap'] = ok(() => fs.rmdir('atcap'));
  const buf = new Uint8Array(8);
  out['readOpenAtCap'] = ok(() => fs.read(handles[0]!, buf, 0));
  for (const h of handles.splice(0)) fs.close(h);
  out['afterClose'] = ok(() => { fs.writeFile('new', 'x'); fs.readFile('new'); fs.unlink('new'); });
  fs.unmount();
  process.stdout.write(JSON.stringify(out));
}

if (isDriver()) {
  await driverMain();
} else if (process.argv[2] === '--nofile-child') {
  await nofileChild(process.argv[3]!, process.argv[4]!);
} else {
  const { MODES, ROOT, runCase, oracleFindings } = await import('./harness.js');
  const tmp = (): string => realpathSync(mkdtempSync(join(SHM ?? '/tmp', 'wdfs-limits-')));

  for (const mode of MODES) {
    test(`RLIMIT_NOFILE 64 (${mode}): the CLI guest gets EMFILE/ENFILE at the host limit, everything else keeps working`, () => {
      const T = tmp();
      try {
        mkdirSync(join(T, 'R', 'etc'), { recursive: true });
        writeFileSync(join(T, 'R', 'file'), 'hello file\n');
        writeFileSync(join(T, 'R', 'etc', 'passwd'), 'inside-passwd\n');
        const flags = mode === 'directfs' ? [] : ['--mode', 'lisafs', '--gofer', mode === 'lisafs-worker' ? 'worker' : 'process'];
        const r = spawnSync('prlimit', ['--nofile=64:64', process.execPath, join(ROOT, 'dist', 'cli.js'), 'run', ...flags,
          '--dir', `${join(T, 'R')}::/sandbox`, join(ROOT, 'build', 'guests', 'sec-exhaust.wasm')], { encoding: 'utf8', timeout: 120_000 });
        const want = JSON.parse(readFileSync(join(ROOT, 'test', 'guests', 'sec-exhaust.json'), 'utf8')) as { stdout: string };
        assert.is(r.status, 0, `${r.stdout.slice(-600)}\n${r.stderr}`);
        assert.fixture(r.stdout, want.stdout);
      } finally {
        rmSync(T, { recursive: true, force: true });
      }
    });

    test(`RLIMIT_NOFILE 64 (${mode}): the dentry cache sheds its host FDs before the guest sees EMFILE/ENFILE`, () => {
      const T = tmp();
      try {
        const R = join(T, 'R');
        for (let i = 0; i < 300; i++) {
          mkdirSync(join(R, `d${i}`), { recursive: true });
          writeFileSync(join(R, `d${i}`, 'f'), 'f');
        }
        const r = spawnSync('prlimit', ['--nofile=64:64', process.execPath, SELF, '--nofile-child', R, mode], {
          encoding: 'utf8', timeout: 120_000, env: { ...process.env, WASI_DIRECTFS_CORE: join(ROOT, 'dist', 'core.wasm') },
        });
        assert.is(r.status, 0, r.stderr);
        const o = JSON.parse(r.stdout) as Record<string, unknown>;
        assert.is(o['statted'], 300, 'every stat succeeded although 300 directories exceed the 64 host FDs');
        assert.ok((o['dentryFdsAfterStats'] as number) < 64, `dentry FDs ${String(o['dentryFdsAfterStats'])}`);
        assert.ok(['EMFILE', 'ENFILE'].includes(o['stop'] as string), `stopped with ${String(o['stop'])}`);
        assert.ok((o['opened'] as number) > 10, `only ${String(o['opened'])} handles`);
        assert.is(o['statAtCap'], 'ok');
        assert.is(o['mkdirAtCap'], 'ok');
        assert.is(o['rmdirAtCap'], 'ok');
        assert.is(o['readOpenAtCap'], 'ok');
        assert.is(o['afterClose'], 'ok');
      } finally {
        rmSync(T, { recursive: true, force: true });
      }
    });

    test(`RX-02 (${mode}): a 10,000-deep tree, walked with fds, written at the bottom and removed; host FDs bounded`, async () => {
      // O2 every 2,500th call: each check reads ~2,000 links 10,000 levels deep, and under strace
      // (every readlink traced) checking every 500th took 140-245 s of the 240 s budget per mode
      // on a loaded 2-CPU host; 2,500 still checks 20 times across the walk down and up.
      const r = await runCase({ guest: 'sec-deep', args: ['10000'], o2Every: 2500, timeout: 240_000 }, mode);
      const f = oracleFindings(r);
      assert.ok(f.length === 0, f.join('\n'));
      assert.is(r.status, 0, r.stdout.slice(-800));
      assert.ok(r.stdout.split('\n').filter((l) => l).every((l) => l.startsWith('ok ')), r.stdout);
      assert.ok(r.driver!.maxFdsSeen <= defaultHostFdBudget() + 64, `the process held ${r.driver!.maxFdsSeen} host FDs (budget ${defaultHostFdBudget()})`);
    });
  }

  test('RX-03: a 100,000-entry directory: readdir lists each name once; missing names stay bounded in the cache', async () => {
    const { mount } = await import('../../ts/fs.js');
    const T = tmp();
    try {
      const R = join(T, 'R');
      mkdirSync(join(R, 'big'), { recursive: true });
      for (let i = 0; i < 100_000; i++) closeSync(openSync(join(R, 'big', `e${i}`), 'w'));
      for (const mode of MODES) {
        const lisafs = mode !== 'directfs';
        const fs = mount(R, { mode: lisafs ? 'lisafs' : 'directfs', ...(lisafs ? { gofer: mode === 'lisafs-worker' ? 'worker' as const : 'process' as const } : {}) });
        try {
          const names = fs.readdir('big').map((d) => d.name).filter((n) => n !== '.' && n !== '..');
          assert.is(names.length, 100_000, `${mode}: entries`);
          assert.is(new Set(names).size, 100_000, `${mode}: each exactly once`);
          let missing = 0;
          for (let i = 0; i < 20_000; i++) {
            try { fs.stat(`big/missing${i}`); } catch (e) { if ((e as { code?: string }).code === 'ENOENT') missing++; }
          }
          assert.is(missing, 20_000, `${mode}: missing names are ENOENT`);
          const c = fs.counters();
          assert.ok(c.dentries <= 100_000 + 1_000 + 16, `${mode}: ${c.dentries} dentries`);
          assert.ok(c.dentryFds <= 768, `${mode}: ${c.dentryFds} dentry FDs`);
          assert.is(fs.stat('big/e99999').isFile(), true);
        } finally {
          fs.unmount();
        }
      }
    } finally {
      rmSync(T, { recursive: true, force: true });
    }
  });

  test.run();
}
