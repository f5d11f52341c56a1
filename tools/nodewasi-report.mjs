// tools/nodewasi-report.mjs — runs every conformance guest (test/guests/*.json -> build/guests,
// asm/*.json -> build/asm) under node:wasi and writes build/nodewasi-report.md: for each guest,
// whether node:wasi matches the expected stdout and exit code, and the lines that differ.
// This documents where node:wasi departs from the spec-derived expectations. It never fails
// (exit code 0) unless it cannot run at all.
//   node tools/nodewasi-report.mjs [substring...]     only guests whose name contains a substring
// Each guest runs in a child process (this file with --child) so its stdout is captured exactly
// and proc_exit cannot end the report. Fixtures come from test/fixtures.ts (bundled with esbuild).
// Must not: touch anything but a fresh temp dir per guest and build/nodewasi-report.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function loadFixtures() {
  const { buildSync } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'wdfs-report-'));
  const out = join(dir, 'fixtures.mjs');
  buildSync({ entryPoints: [join(ROOT, 'test/fixtures.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  const mod = await import(pathToFileURL(out).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

function listGuests() {
  const sets = [['test/guests', 'build/guests'], ['asm', 'build/asm']];
  const guests = [];
  for (const [src, out] of sets) {
    const d = join(ROOT, src);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) {
      if (!f.endsWith('.json')) continue;
      const name = basename(f, '.json');
      guests.push({ name: `${src}/${name}`, json: join(d, f), wasm: join(ROOT, out, `${name}.wasm`) });
    }
  }
  return guests;
}

/** Line diff (longest common subsequence): "- " expected only, "+ " node:wasi only. */
function diffLines(want, got) {
  const a = want.split('\n'), b = got.split('\n');
  const n = a.length, m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const lines = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { i++; j++; }
    else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) lines.push(`- ${a[i++]}`);
    else lines.push(`+ ${b[j++]}`);
  }
  return lines;
}

/** Why node:wasi differs, per guest: the spec rule the expectation follows (see the report's intro). */
const WHY = {
  'fd_fdstat-append': 'fd_fdstat_get does not report FDFLAGS_APPEND although writes do append (uvwasi keeps no fdflags).',
  'fd_filestat-size-times': 'fd_filestat_set_times drops the nanoseconds (uvwasi converts to double seconds; utimensat gets tv_nsec=0).',
  'fd_readdir-cookies': 'fd_readdir omits "." and ".." and reports d_ino 0; the preview1 dirent has a real d_ino and POSIX readdir lists both dot entries.',
  'hostile-efault': 'out-of-bounds pointers give EOVERFLOW instead of EFAULT; 131072 iovecs are accepted (no IOV_MAX cap).',
  'path-nul': 'paths are truncated at an embedded NUL (stat/rmdir/link/readlink act on the prefix) or refused with ENOTCAPABLE.',
  'path_create_directory-errors': 'mkdir follows host symlinks out of the preopen (evil/x, cheeky/self/x); "" is EINVAL instead of ENOENT.',
  'path_filestat_get-follow': 'stat follows symlinks that leave the preopen (absetc/passwd, up/outside/secret, ...); "" is EINVAL.',
  'path_filestat_set_times-ns': 'nanoseconds are dropped, and the call with MTIM|MTIM_NOW never returns (the guest times out).',
  'path_link-follow': 'link sources/targets through outward symlinks succeed; cross-preopen links into/out of the read-only preopen succeed.',
  'path_open-basic': 'path_open("") is EINVAL; POSIX open("") and the battery (NM-02) say ENOENT.',
  'path_open-nofollow': 'without SYMLINK_FOLLOW a final symlink is followed (no ELOOP); the expansion limit is 32, not 40; CREAT through the dangling link creates T/outside/newfile.',
  'path_open-sandbox': 'host symlinks are followed outside the preopen, and "a/../../sandbox/file" (a temporary escape) is accepted after lexical normalisation.',
  'path_open-subdir-dotdot': 'a directory fd is not its own root ("../b" from a/b opens); relative symlinks whose text has ".." are refused at creation instead of at use.',
  'path_readlink-truncate': 'a buffer that cannot also hold a NUL gives ENOBUFS instead of truncating; readlink follows outward intermediate links.',
  'path_remove_directory-errors': 'rmdir through outward symlinks reaches T/outside (ENOTEMPTY instead of ENOTCAPABLE); "" is EINVAL.',
  'path_rename-errors': 'renames through outward symlinks succeed (moving T/outside/secret in and etc/passwd out); the read-only preopen is writable.',
  'path_symlink-targets': 'relative targets containing ".." are refused at creation (the spec sandboxes at use); new links are created through outward symlinks.',
  'path_unlink_file-links': 'unlink through outward symlinks deletes files in T/outside; "" is EINVAL.',
  'poll_oneoff-clock': 'an absolute (ABSTIME) monotonic deadline in the past never fires: the guest times out.',
  'poll_oneoff-fd': 'regular files cannot be polled (EPERM for the whole call), although they are always ready.',
  'preopen-readonly': 'node:wasi has no read-only preopens (mapped read-write here), so every write succeeds.',
  'sock-notsock': 'sock_* on files/directories give ENOTCAPABLE or ENOTSUP instead of ENOTSOCK; sock_shutdown on a bad fd is ENOTSUP.',
  'path-trailing-slash': '"file/.", "file/.." and "file/../file" are normalised lexically instead of failing with ENOTDIR; tslash/ (a slash from a link target) escapes.',
  'fd_readdir-basic': 'fd_readdir omits "." and "..".',
  'fd_readdir-hostile': 'fd_readdir omits "." and ".." (11 of 13 entries).',
  'path_open-fifo': 'opening a FIFO with no writer blocks the whole process (no O_NONBLOCK): the guest times out.',
  'path-dots': '"a/.", "a/b/.." and "a/b/c/." are normalised lexically, so rename/unlink/symlink act on the parent directory (renaming "a/." moves a) instead of failing.',
};

async function main() {
  const filters = process.argv.slice(2);
  const fx = await loadFixtures();
  const guests = listGuests().filter((g) => filters.length === 0 || filters.some((f) => g.name.includes(f)));
  const rows = [];
  const details = [];
  for (const g of guests) {
    const spec = JSON.parse(readFileSync(g.json, 'utf8'));
    if (!existsSync(g.wasm)) {
      rows.push(`| ${g.name} | not built | | |`);
      continue;
    }
    const f = fx.buildFixtures();
    const before = fx.snapshotOutside(f.root).join('\n');
    const preopens = {};
    for (const d of spec.dirs ?? []) preopens[d.guest] = f.dirs[d.fixture];
    const cfg = { args: [basename(g.wasm), ...(spec.args ?? [])], env: spec.env ?? {}, preopens };
    const r = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), '--child', g.wasm, JSON.stringify(cfg)], {
      input: spec.stdin ?? '', encoding: 'utf8', timeout: 30_000, cwd: f.root,
    });
    const after = fx.snapshotOutside(f.root).join('\n');
    fx.cleanup(f.root);
    const stdout = r.stdout ?? '';
    const code = r.status;
    const wantCode = spec.exit_code ?? 0;
    const okOut = stdout === spec.stdout;
    const okCode = code === wantCode;
    const leaked = stdout.includes('CANARY-');
    const outsideChanged = before !== after;
    const match = okOut && okCode && !leaked && !outsideChanged;
    rows.push(`| ${g.name} | ${match ? 'match' : '**differs**'} | ${code}${okCode ? '' : ` (want ${wantCode})`} | ${[
      leaked ? 'CANARY leaked' : '', outsideChanged ? 'outside changed' : '', r.error ? String(r.error.message) : '',
    ].filter(Boolean).join(', ')} |`);
    if (!match) {
      const d = diffLines(spec.stdout, stdout);
      const why = WHY[basename(g.name)];
      details.push(`### ${g.name}\n\n${why ? `Why: ${why}\n\n` : ''}exit code ${code}, expected ${wantCode}${leaked ? '; **CANARY text appeared in stdout**' : ''}${outsideChanged ? '; **T/outside changed**' : ''}\n\n\`\`\`diff\n${d.join('\n').replace(/CANARY-[0-9a-f]+/g, 'CANARY-…')}\n\`\`\`\n${(r.stderr ?? '').trim() ? `\nstderr:\n\n\`\`\`\n${r.stderr.trim().slice(0, 2000)}\n\`\`\`\n` : ''}`);
    }
  }
  const matched = rows.filter((r) => r.includes('| match |')).length;
  const md = `# node:wasi against the conformance guests\n\nGenerated by \`node tools/nodewasi-report.mjs\` with Node ${process.version}. ` +
    `Expectations come from the WASI preview1 spec (test/guests/*.json, asm/*.json), not from node:wasi; a difference ` +
    `is a node:wasi deviation unless noted otherwise. Read-only preopens are mapped read-write (node:wasi has no read-only mode).\n\n` +
    `${matched} of ${rows.length} guests match.\n\n| guest | result | exit code | notes |\n|---|---|---|---|\n${rows.join('\n')}\n\n## Differences\n\n${details.join('\n')}`;
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  writeFileSync(join(ROOT, 'build/nodewasi-report.md'), md);
  console.log(`node:wasi report: ${matched}/${rows.length} guests match; written to build/nodewasi-report.md`);
}

if (process.argv[2] === '--child') {
  // Child: argv = --child WASM CONFIG_JSON. CONFIG = {args, env, preopens}.
  const { WASI } = await import('node:wasi');
  const wasm = process.argv[3];
  const cfg = JSON.parse(process.argv[4]);
  process.emitWarning = () => {}; // keep the ExperimentalWarning off stderr noise
  const wasi = new WASI({ version: 'preview1', args: cfg.args, env: cfg.env, preopens: cfg.preopens, returnOnExit: true });
  const mod = await WebAssembly.compile(readFileSync(wasm));
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
  let code;
  try {
    code = wasi.start(inst);
  } catch (e) {
    process.stderr.write(`trap: ${e?.message ?? e}\n`);
    code = 134;
  }
  process.exitCode = code;
} else {
  await main();
}
