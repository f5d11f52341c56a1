// test/security/battery-cases.ts — the case table of the security battery and its uvu tests
// (registered by battery.test.ts when it is not re-executed as the harness driver).
//
// Owns: which guest covers which battery case, the host-side setup (prepare), the host flippers of
// the races, and the per-case comparison: every mode clean under O1-O4, identical stdout in every
// mode, equal to the guest's JSON expectation (test/guests/NAME.json) and its exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODES, ROOT, runCase, oracleFindings, isRoot, sh, type CaseSpec, type CaseRun } from './harness.js';
import type { Fixtures } from '../fixtures.js';

interface Entry extends CaseSpec {
  ids: string;
  /** Use the JSON's args/dirs/stdout (default true). */
  json?: boolean;
  /** Only when this holds (e.g. root for mknod/mount); otherwise the test asserts why not. */
  needsRoot?: boolean;
  rssLimitMiB?: number;
}

interface GuestJson {
  args?: string[];
  dirs?: CaseSpec['dirs'];
  exit_code?: number;
  stdout: string;
}

function loadJson(guest: string): GuestJson {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'guests', `${guest}.json`), 'utf8')) as GuestJson;
}

// ---- host flippers (run as `node -e SRC T`; each loops until killed, bounded by the guest's run) ----

/** RC-01: a/ is swapped for a symlink to T/outside and back (the guest's walk of a/b/c must never leave R). */
const FLIP_RC01 = `
const fs = require('fs'), p = require('path'); const T = process.argv[1]; const R = p.join(T, 'R');
for (let i = 0; i < 200000; i++) {
  try { fs.renameSync(p.join(R, 'race'), p.join(R, 'race.t')); } catch {}
  try { fs.symlinkSync(p.join(T, 'outside'), p.join(R, 'race')); } catch {}
  try { fs.unlinkSync(p.join(R, 'race')); } catch {}
  try { fs.renameSync(p.join(R, 'race.t'), p.join(R, 'race')); } catch {}
}`;
/** RC-03: R/flip flips between a regular file and a symlink to T/outside/secret. */
const FLIP_RC03 = `
const fs = require('fs'), p = require('path'); const T = process.argv[1]; const f = p.join(T, 'R', 'flip');
for (let i = 0; i < 400000; i++) {
  try { fs.unlinkSync(f); } catch {}
  try { if (i % 2) fs.symlinkSync(p.join(T, 'outside', 'secret'), f); else fs.writeFileSync(f, 'inside\\n'); } catch {}
}`;
/** RC-05 / RC-07: R/victim/d (and R/hold/b) replaced by symlinks to T/outside/dir (and T/outside) and back. */
const FLIP_RC05 = `
const fs = require('fs'), p = require('path'); const T = process.argv[1]; const R = p.join(T, 'R');
for (let i = 0; i < 200000; i++) {
  for (const [x, to] of [[p.join(R, 'victim', 'd'), p.join(T, 'outside', 'dir')], [p.join(R, 'hold', 'b'), p.join(T, 'outside')]]) {
    try { fs.rmSync(x, { recursive: true, force: true }); } catch {}
    try { fs.symlinkSync(to, x); } catch {}
    try { fs.unlinkSync(x); } catch {}
    try { fs.mkdirSync(x); } catch {}
  }
}`;

/** RC-01 setup: R/race/b/c/f inside, and an identically shaped tree outside holding the canary. */
function prepareRace(fx: Fixtures): void {
  mkdirSync(join(fx.dirs.F, 'race', 'b', 'c'), { recursive: true });
  writeFileSync(join(fx.dirs.F, 'race', 'b', 'c', 'f'), 'inside\n');
  writeFileSync(join(fx.dirs.F, 'race', 'b', 'x'), 'x\n');
  mkdirSync(join(fx.root, 'outside', 'b', 'c'), { recursive: true });
  writeFileSync(join(fx.root, 'outside', 'b', 'c', 'f'), fx.canary);
  writeFileSync(join(fx.root, 'outside', 'b', 'x'), fx.canary);
  writeFileSync(join(fx.dirs.F, 'flip'), 'inside\n');
  mkdirSync(join(fx.dirs.F, 'victim', 'd'), { recursive: true });
  mkdirSync(join(fx.dirs.F, 'hold', 'b'), { recursive: true });
  writeFileSync(join(fx.root, 'outside', 'x'), fx.canary);
}

/** RT-05: a character device (1:3, what /dev/null is), a block device node (7:0) and a socket inside R. */
function prepareSpecial(fx: Fixtures): void {
  sh('mknod', [join(fx.dirs.F, 'chr'), 'c', '1', '3']);
  sh('mknod', [join(fx.dirs.F, 'blk'), 'b', '7', '0']);
  sh('python3', ['-c', `import socket; s = socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(join(fx.dirs.F, 'sock'))})`]);
}

/** SL-10: /proc bind-mounted inside the tree (magic links must never be followed). */
function prepareProc(fx: Fixtures): void {
  mkdirSync(join(fx.dirs.F, 'proc'));
  sh('mount', ['--bind', '/proc', join(fx.dirs.F, 'proc')]);
}
function teardownProc(fx: Fixtures): void {
  const p = join(fx.dirs.F, 'proc');
  if (existsSync(join(p, 'self'))) sh('umount', ['-l', p]);
}

/** RX-06 / DS-03: a 256 KiB tmpfs mounted at R/small. */
function prepareSmall(fx: Fixtures): void {
  mkdirSync(join(fx.dirs.F, 'small'));
  sh('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', join(fx.dirs.F, 'small')]);
}
function teardownSmall(fx: Fixtures): void {
  const p = join(fx.dirs.F, 'small');
  if (sh('findmnt', ['-n', '-o', 'TARGET', '--target', p]).trim() === p) sh('umount', ['-l', p]);
}

const EXISTING = (ids: string, guest: string): Entry => ({ ids, guest });

export const CASES: Entry[] = [
  EXISTING('PE-01 PE-03 SL-01 SL-02 SL-10(procself link)', 'path_open-sandbox'),
  EXISTING('PE-04', 'path_open-subdir-dotdot'),
  EXISTING('NM-01', 'path-nul'),
  EXISTING('NM-03', 'path-dots'),
  EXISTING('NM-04', 'path-trailing-slash'),
  EXISTING('NM-05', 'path-length'),
  EXISTING('NM-06 NM-07', 'path-bytes'),
  EXISTING('SL-07 SL-08 SL-13', 'path_open-symlink-bomb'),
  EXISTING('SL-09', 'path_symlink-targets'),
  EXISTING('SL-11', 'path_link-follow'),
  EXISTING('SL-06', 'path_filestat_get-follow'),
  EXISTING('SL-05 SL-06 SL-07', 'path_open-nofollow'),
  EXISTING('RT-01 RT-02', 'preopen-readonly'),
  EXISTING('RT-02', 'path_rename-errors'),
  EXISTING('RT-03', 'fd_fdstat_set_rights-drop'),
  EXISTING('RT-04', 'fd_close-renumber'),
  EXISTING('RT-05(fifo)', 'path_open-fifo'),
  EXISTING('RX-07', 'hostile-efault'),
  EXISTING('RX-04', 'fd_readdir-hostile'),
  EXISTING('DS-01', 'fd_sync-datasync'),
  { ids: 'PE-05 NM-01 NM-02 SL-05', guest: 'sec-sweep' },
  { ids: 'RX-01 RX-05', guest: 'sec-exhaust', limits: { maxFds: 256 }, o2Every: 64, timeout: 180_000 },
  { ids: 'RC-01 RC-03 RC-05 RC-07 (exclusive)', guest: 'sec-race', json: false, args: ['2000', '1500'], prepare: prepareRace,
    flipper: `${FLIP_RC01}`, audit: false, timeout: 120_000 },
  { ids: 'RC-01 (shared)', guest: 'sec-race', json: false, args: ['2000', '1500'], prepare: prepareRace, flipper: FLIP_RC01,
    interop: 'shared', audit: false, timeout: 120_000 },
  { ids: 'RC-03 (shared)', guest: 'sec-race', json: false, args: ['2000', '1500'], prepare: prepareRace, flipper: FLIP_RC03,
    interop: 'shared', audit: false, timeout: 120_000 },
  { ids: 'RC-05 RC-07 (shared)', guest: 'sec-race', json: false, args: ['2000', '1500'], prepare: prepareRace, flipper: FLIP_RC05,
    interop: 'shared', audit: false, timeout: 120_000 },
  { ids: 'RC-01..07 audited', guest: 'sec-race', json: false, args: ['300', '800'], prepare: prepareRace, flipper: FLIP_RC05,
    interop: 'shared', timeout: 120_000 },
  { ids: 'RT-05 (devices, socket)', guest: 'sec-special', json: false, args: ['devices'], prepare: prepareSpecial, needsRoot: true },
  { ids: 'SL-10 (bind-mounted /proc)', guest: 'sec-special', json: false, args: ['proc'], prepare: prepareProc, teardown: teardownProc,
    needsRoot: true },
  { ids: 'RX-06 DS-03', guest: 'sec-enospc', json: false, args: ['/sandbox/small', 'full'], prepare: prepareSmall,
    teardown: teardownSmall, needsRoot: true },
];

/** Expected stdout of a guest run without a JSON (the sec-* guests with args print their labels). */
function expectedStdout(e: Entry, runs: CaseRun[]): string {
  if (e.json !== false) return loadJson(e.guest).stdout;
  return runs[0]!.stdout; // identical across modes is asserted; every line must be "ok ..."
}

export function registerBattery(): void {
  const only = process.env['WDFS_SEC_ONLY']; // a substring of the test name, to rerun one case by hand
  for (const e of CASES) {
    const name = `${e.ids}: ${e.guest}${e.args ? ` ${e.args.join(' ')}` : ''}${e.interop === 'shared' ? ' [shared]' : ''}`;
    if (only && !name.includes(only)) continue;
    test(name, async () => {
      if (e.needsRoot) assert.ok(isRoot(), `${e.ids} needs root (mknod/mount); the test environment runs as root`);
      const j = e.json !== false ? loadJson(e.guest) : null;
      const spec: CaseSpec = { ...e, ...(j ? { args: j.args ?? [], dirs: j.dirs ?? [{ fixture: 'F', guest: '/sandbox' }] } : {}) };
      const runs: CaseRun[] = [];
      for (const mode of MODES) runs.push(await runCase(spec, mode));
      for (const r of runs) {
        const f = oracleFindings(r, { rssLimitMiB: e.rssLimitMiB ?? 256 });
        assert.ok(f.length === 0, `${r.mode}: oracle findings:\n${f.join('\n')}\nstdout tail: ${r.stdout.slice(-600)}`);
        const fails = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('ok '));
        assert.equal(fails, [], `${r.mode}: guest lines that are not ok`);
        assert.is(r.status, j?.exit_code ?? 0, `${r.mode}: exit status; stderr ${r.stderr.slice(0, 400)}`);
      }
      const want = expectedStdout(e, runs);
      for (const r of runs) assert.fixture(r.stdout, want, `${r.mode}: stdout differs from ${j ? 'the JSON' : runs[0]!.mode}`);
      assert.ok(runs[0]!.stdout.length > 0, 'the guest printed nothing');
    });
  }
  test.run();
}
