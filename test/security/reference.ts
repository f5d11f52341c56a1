// test/security/reference.ts — the reference resolver of the property tests (fuzz.test.ts and
// stateful.test.ts): WASI's path-resolution rules written from wasi-filesystem
// path-resolution.md, independent of the core's walk.c.
//
// Rules: no absolute paths or link targets (ENOTCAPABLE); `..` never above the start
// (ENOTCAPABLE, even temporarily); 40 symlink expansions per lookup (ELOOP); a trailing slash
// requires a directory; an intermediate component must be a directory (ENOTDIR).

/** What the entry at a path is; undefined when nothing is there. */
export type RefEntry = { t: 'dir' } | { t: 'file' } | { t: 'link'; target: string } | undefined;

/** The entry's components below the start, or the errno the resolution must end in. */
export type RefOutcome = { ok: string[] } | { err: string };

/**
 * Resolves `path` from the start directory. `at(names)` describes the entry at the components
 * `names` below the start (at([]) is the start itself, a directory); every prefix it is asked
 * about is made of directories only, so a host-side `at` may lstat join(start, ...names)
 * without following any link. followFinal: a final symlink is followed (stat, not lstat).
 */
export function referenceResolve(at: (names: string[]) => RefEntry, path: string, followFinal: boolean): RefOutcome {
  let links = 0;
  const stack: string[] = [];
  let queue = path.split('/');
  let mustDir = path.endsWith('/');
  while (queue.length) {
    const c = queue.shift()!;
    const last = queue.every((q) => q === '');
    if (c === '' || c === '.') {
      if (at(stack)?.t !== 'dir') return { err: 'ENOTDIR' };
      continue;
    }
    if (at(stack)?.t !== 'dir') return { err: 'ENOTDIR' };
    if (c === '..') {
      if (!stack.length) return { err: 'ENOTCAPABLE' };
      stack.pop();
      continue;
    }
    const n = at([...stack, c]);
    if (!n) return { err: 'ENOENT' };
    if (n.t === 'link' && (!last || followFinal || mustDir)) {
      if (++links > 40) return { err: 'ELOOP' };
      if (n.target.startsWith('/')) return { err: 'ENOTCAPABLE' };
      queue = [...n.target.split('/'), ...queue];
      if (last && n.target.endsWith('/')) mustDir = true;
      continue;
    }
    if (n.t === 'file' && !last) return { err: 'ENOTDIR' };
    stack.push(c);
  }
  const end = at(stack);
  if (mustDir && end?.t !== 'dir') return { err: end?.t === 'link' ? 'ELOOP' : 'ENOTDIR' };
  return { ok: stack };
}
