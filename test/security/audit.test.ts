// test/security/audit.test.ts — the syscall audit (oracle O3) on its own, and DS-01.
//
// A workload guest (test/guests/sec-sync.c: every path-taking call once, 3 fd_sync + 2 fd_datasync
// on a file, 1 fd_sync on a directory) runs under `strace -f -e trace=%file,%desc,...` in directfs,
// lisafs-worker and lisafs-process mode; after the start-up marker (statx of /wdfs-sec-audit-begin)
// every host openat has O_NOFOLLOW and a real directory FD, no name contains '/' or is '..',
// linkat flags are 0, fchownat uses AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW (auditStrace in harness.ts,
// whose whitelist is listed there, each entry with its reason). DS-01: the window holds exactly
// one host fsync per fd_sync and one fdatasync per fd_datasync (lisafs: the protocol's FSync is
// an fsync, so 6 fsyncs). The auditor itself is checked on synthetic violations, so a clean
// audit is not vacuous. strace is installed by .ci/run when missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isDriver, driverMain } from './harness.js';

if (isDriver()) {
  await driverMain();
} else {
  const { existsSync } = await import('node:fs');
  const { MODES, STRACE, runCase, oracleFindings, auditStrace, MARK_BEGIN, MARK_END } = await import('./harness.js');

  test('strace is installed (.ci/run installs it)', () => {
    assert.ok(STRACE !== null && existsSync(STRACE), 'strace missing: apt-get install -y strace');
  });

  test('the auditor flags every rule it enforces (synthetic log)', () => {
    const b = `1 statx(AT_FDCWD, "${MARK_BEGIN}", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x1) = -1 ENOENT`;
    const e = `1 statx(AT_FDCWD, "${MARK_END}", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x1) = -1 ENOENT`;
    const bad = [
      '1 openat(AT_FDCWD, "x", O_RDONLY|O_NOFOLLOW) = 3',
      '1 openat(3, "x", O_RDONLY|O_CLOEXEC) = 4',
      '1 openat(3, "a/b", O_RDONLY|O_NOFOLLOW) = 4',
      '1 openat(3, "..", O_RDONLY|O_NOFOLLOW) = 4',
      '1 linkat(3, "a", 3, "b", AT_SYMLINK_FOLLOW) = 0',
      '1 fchownat(3, "", 0, 0, AT_EMPTY_PATH) = 0',
      '1 newfstatat(3, "x", {st_mode=S_IFREG}, 0) = 0',
      '1 stat("/etc/passwd", {st_mode=S_IFREG}) = 0',
      '1 unlinkat(AT_FDCWD, "x", 0) = 0',
      '1 renameat2(3, "a", 3, "../b", 0) = 0',
      '1 mkdirat(3, "a/..", 0777) = 0',
    ];
    const good = [
      '1 openat(3, "x", O_RDONLY|O_NOFOLLOW|O_CLOEXEC) = 4',
      '1 linkat(3, "a", 3, "b", 0) = 0',
      '1 fchownat(4, "", 0, 0, AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW) = 0',
      '1 newfstatat(3, "x", {st_mode=S_IFREG}, AT_SYMLINK_NOFOLLOW) = 0',
      '1 readlinkat(5, "", "target", 65536) = 6',
      '1 statx(26</tmp/R/victim/d>(deleted), "", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_ALL}) = 0',
      '1 openat(7</proc/9/fd>, "12", O_RDONLY|O_CLOEXEC) = 13</tmp/R/f>',
    ];
    const a = auditStrace([b, ...bad, ...good, e].join('\n'));
    assert.ok(a.marked);
    assert.is(a.violations.length >= bad.length, true, a.violations.join('\n'));
    for (const l of bad) assert.ok(a.violations.some((v) => v.includes(l.slice(2))), `not flagged: ${l}`);
    for (const l of good) assert.not.ok(a.violations.some((v) => v.includes(l.slice(2))), `flagged: ${l}`);
    const outside = auditStrace(['1 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3', b, e, '1 open("/x", O_RDONLY) = 3'].join('\n'));
    assert.equal(outside.violations, [], 'only the window between the markers is audited');
    assert.match(auditStrace(bad.join('\n')).violations.join(), /markers not seen/);
  });

  for (const mode of MODES) {
    test(`O3 audit + DS-01 (${mode}): the workload's host syscalls keep every rule; one host sync per WASI sync`, async () => {
      const r = await runCase({ guest: 'sec-sync', dirs: [{ fixture: 'F', guest: '/sandbox' }], audit: true }, mode);
      const f = oracleFindings(r);
      assert.ok(f.length === 0, f.join('\n'));
      assert.is(r.status, 0, r.stdout + r.stderr);
      const a = r.audit!;
      assert.ok(a.marked, 'markers seen');
      assert.ok((a.counts['openat'] ?? 0) > 0, 'the window holds host openat calls (the audit is not vacuous)');
      for (const c of ['mkdirat', 'renameat2', 'linkat', 'symlinkat', 'readlinkat', 'unlinkat', 'utimensat']) {
        const n = Object.entries(a.counts).filter(([k]) => k === c || (c === 'renameat2' && k === 'renameat')).reduce((x, [, v]) => x + v, 0);
        assert.ok(n > 0, `no ${c} in the window: ${JSON.stringify(a.counts)}`);
      }
      if (mode === 'directfs') {
        assert.is(a.counts['fsync'] ?? 0, 4, 'fd_sync x3 on the file + x1 on the directory');
        assert.is(a.counts['fdatasync'] ?? 0, 2, 'fd_datasync x2');
      } else {
        assert.is((a.counts['fsync'] ?? 0) + (a.counts['fdatasync'] ?? 0), 6, 'one FSync per call in the gofer');
      }
    });
  }

  test.run();
}
