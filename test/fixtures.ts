// test/fixtures.ts — builds the host trees the conformance guests run on, in a fresh temp dir.
//
// Owns: fixture F of reference/security-battery.md §0 (T/outside with the CANARY, T/R the sandbox,
// its planted symlinks), the read-only tree RO (f = "DATA"), an `empty` tree, `special` (a FIFO,
// made with mkfifo(1) since Node has no API for it), and the O1 oracle
// `snapshotOutside` (names, size, mtime, ctime, nlink of every entry under T/outside).
// Must not: touch anything outside the temp dir it creates; depend on our implementation.
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, lstatSync, readdirSync, rmSync, realpathSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';

/** Names a guest JSON may use in `dirs[].fixture`. */
export type FixtureName = 'F' | 'RO' | 'empty' | 'special';

export interface Fixtures {
  /** T: the temp root holding every tree. Remove with cleanup(). */
  root: string;
  /** Host directory for each fixture name. */
  dirs: Record<FixtureName, string>;
  /** The random canary text written to T/outside/secret (never to appear in guest output). */
  canary: string;
}

/** Exact contents of the regular files inside F (guests' expected output depends on them). */
export const F_FILE = 'hello file\n';
export const F_PASSWD = 'inside-passwd\n';
export const RO_F = 'DATA';

/**
 * Builds F, RO, empty and special under a new directory T in the OS temp dir:
 *   T/outside/{secret (CANARY-<random>), dir/inner (the same text)}
 *   T/R (fixture F; preopened by the guests as /sandbox), T/RO (f = "DATA"), T/empty,
 *   T/special/{file ("plain\n"), fifo (a FIFO with no writer)}.
 * Symlinks with absolute targets point at this T (realpath'd, so no /tmp alias is involved).
 */
export function buildFixtures(): Fixtures {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wdfs-fixture-')));
  const canary = `CANARY-${randomBytes(8).toString('hex')}`;
  const outside = join(root, 'outside');
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'secret'), canary);
  writeFileSync(join(outside, 'dir', 'inner'), canary);

  const R = join(root, 'R');
  mkdirSync(join(R, 'etc'), { recursive: true });
  mkdirSync(join(R, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(R, 'cheeky'));
  writeFileSync(join(R, 'etc', 'passwd'), F_PASSWD);
  writeFileSync(join(R, 'file'), F_FILE);
  const links: Array<[string, string]> = [
    ['reletc', 'etc/'],
    ['relsym', 'etc/passwd'],
    ['abssym', join(outside, 'secret')],
    ['absetc', '/etc/'],
    ['up', '..'],
    ['upup', '../outside/secret'],
    ['cheeky/self', '../../R/'],
    ['cheeky/passwd', '../cheeky/../etc/../etc/passwd'],
    ['cheeky/dotdotlink', '../../../../../../../../../../etc/passwd'],
    ['cheeky/garbagelink', '/../../../../etc/passwd'],
    ['evil', outside],
    ['tslash', 'evil/'],
    ['dangling', join(outside, 'newfile')],
    ['d2', '../outside/new2'],
    ['loop', 'loop'],
    ['l1', 'l2'],
    ['l2', 'l1'],
    ['procself', '/proc/self/root'],
  ];
  for (const [name, target] of links) symlinkSync(target, join(R, name));

  const RO = join(root, 'RO');
  mkdirSync(RO);
  writeFileSync(join(RO, 'f'), RO_F);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  // special: a FIFO nobody writes to (battery RT-05: opening it must never block the host)
  const special = join(root, 'special');
  mkdirSync(special);
  writeFileSync(join(special, 'file'), 'plain\n');
  execFileSync('mkfifo', [join(special, 'fifo')]);
  return { root, dirs: { F: R, RO, empty, special }, canary };
}

/** One line per entry under dir, recursively: path, type, size, mtime, ctime, nlink (ns). */
export function snapshotTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p, { bigint: true });
      const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
      out.push(`${rel}${name} ${kind} size=${st.size} mtime=${st.mtimeNs} ctime=${st.ctimeNs} nlink=${st.nlink}`);
      if (st.isDirectory()) walk(p, `${rel}${name}/`);
    }
  };
  const top = lstatSync(dir, { bigint: true });
  out.push(`. d mtime=${top.mtimeNs} ctime=${top.ctimeNs} nlink=${top.nlink}`);
  walk(dir, '');
  return out;
}

/** Oracle O1: snapshotTree(T/outside) plus the names directly under T (nothing new beside R). */
export function snapshotOutside(root: string): string[] {
  return [...snapshotTree(join(root, 'outside')), `T: ${readdirSync(root).sort().join(',')}`];
}

/** Removes T recursively (restoring write permission first, in case a guest test removed it). */
export function cleanup(root: string): void {
  try {
    chmodSync(root, 0o755);
  } catch {
    // already gone
  }
  rmSync(root, { recursive: true, force: true });
}
