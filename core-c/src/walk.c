/* walk.c — path resolution, one component at a time, in the dentry tree.
 *
 * Owns: the sandbox rules for paths (DESIGN.md invariants 3–5): bytes in, no absolute paths,
 * `..` resolved in the tree and never above the starting directory (not even temporarily),
 * symlinks expanded here (max_symlinks per lookup, absolute targets refused), trailing slashes
 * enforced here (the host never sees a name with '/').
 * Must not: open host FDs itself (dentry.c does), know about guest fds or rights.
 */
#include <string.h>

#include "core.h"

/* Work buffer: the unresolved rest of the path is kept right-aligned so that a symlink target
 * can be prepended. Its size caps path + expansions (ENAMETOOLONG beyond). */
#define WALK_BUF (2 * WFS_PATH_MAX + 512)
static char g_wbuf[WALK_BUF];

/* A name the host may see: non-empty, <= 255 bytes, no '/', no NUL, not "." or "..".
 * Errors: ENOENT (empty), ENAMETOOLONG, EINVAL. */
werr_t check_name(const char *name, uint32_t len) {
  if (len == 0) return WASI_ENOENT;
  if (len > 255) return WASI_ENAMETOOLONG;
  if (memchr(name, '/', len) || memchr(name, 0, len)) return WASI_EINVAL;
  if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) return WASI_EINVAL;
  return 0;
}

static char g_pf_names[PREFETCH_MAX * 256];

/* ---- the prefix cache ----------------------------------------------------------------------
 * Exclusive mode remembers what the directory part of a path (every byte before its final
 * component) resolved to from a given start: a repeated lookup (a resolver probing candidates,
 * a build tool stat'ing its inputs) resolves it with one probe here instead of one dentry lookup
 * per component. A prefix resolves the same way whatever the walk's flags (its components must
 * be directories and its symlinks are always followed), so only the tree matters, and an entry
 * is valid while g_names_gen is unchanged (see core.h). Shared mode never uses it: every
 * component is revalidated against the host. 2-way set associative; prefixes longer than
 * PC_BYTES are not remembered. */
#define PC_SETS 2048
#define PC_BYTES 96
typedef struct {
  uint64_t gen; /* g_names_gen when stored; 0: empty */
  dentry_t *start, *dir;
  uint32_t hash, depth, len;
  char bytes[PC_BYTES];
} pcent_t;
static pcent_t g_pc[PC_SETS][2];

static uint32_t pc_hash(const dentry_t *start, const char *p, uint32_t n) {
  uint32_t h = (uint32_t)(uintptr_t)start * 0x9E3779B1u ^ n;
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t w;
    memcpy(&w, p + i, 4);
    h = (h ^ w) * 0x5BD1E995u;
    h ^= h >> 13;
  }
  for (; i < n; i++) h = (h ^ (uint8_t)p[i]) * 0x01000193u;
  return h ^ (h >> 16);
}

static pcent_t *pc_find(const dentry_t *start, const char *p, uint32_t n, uint32_t h) {
  pcent_t *set = g_pc[h & (PC_SETS - 1)];
  for (int i = 0; i < 2; i++) {
    pcent_t *c = &set[i];
    if (c->gen == g_names_gen && c->hash == h && c->start == start && c->len == n && memcmp(c->bytes, p, n) == 0)
      return c;
  }
  return NULL;
}

static void pc_put(dentry_t *start, const char *p, uint32_t n, uint32_t h, dentry_t *dir, uint32_t depth) {
  pcent_t *set = g_pc[h & (PC_SETS - 1)];
  pcent_t *c = set[0].gen != g_names_gen ? &set[0] : set[1].gen != g_names_gen ? &set[1] : &set[(h >> 16) & 1];
  c->gen = g_names_gen;
  c->start = start;
  c->dir = dir;
  c->hash = h;
  c->depth = depth;
  c->len = n;
  memcpy(c->bytes, p, n);
}

/* A lookup of `comp` in cur is about to miss: hands the run of plain names from comp on (up to
 * PREFETCH_MAX, to the first "." or "..", without a final name that is created or opened: its
 * lookup has its own host call) to dentry_prefetch, which caches them with one host call where
 * the host has one (lisafs: one Walk RPC for an uncached path instead of one per component). */
static void prefetch(dentry_t *cur, const char *comp, const char *end, uint32_t flags) {
  char *out = g_pf_names;
  uint32_t n = 0;
  const char *p = comp;
  while (n < PREFETCH_MAX) {
    while (p < end && *p == '/') p++;
    if (p == end) break;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    uint32_t clen = (uint32_t)((slash ? slash : end) - p);
    const char *q = p + clen;
    while (q < end && *q == '/') q++;
    if (q == end && (flags & (W_PARENT | W_OPEN_READ))) break;
    if (check_name(p, clen)) break; /* "." or "..": resolved in the tree, not by the host */
    memcpy(out, p, clen);
    out[clen] = 0;
    out += clen + 1;
    n++;
    p += clen;
  }
  if (n >= 2) dentry_prefetch(cur, g_pf_names, n);
}

/* Resolves `path` (len bytes, not NUL-terminated) from directory `start`.
 * flags: W_FOLLOW (follow a final symlink), W_PARENT (return the final component's directory
 * and name instead of looking it up), W_DIR (final must be a directory).
 * Preconditions: start is a positive directory dentry.
 * On success fills *w (see walk_t); w->name points into a static buffer valid until the next
 * walk. Errors: ENOENT (empty path or missing component), EINVAL (NUL in the path),
 * ENOTCAPABLE (absolute path or target, `..` above start), ENOTDIR, ELOOP, ENAMETOOLONG,
 * and lookup errors. */
werr_t walk(dentry_t *start, const char *path, uint32_t len, uint32_t flags, walk_t *w) {
  memset(w, 0, sizeof *w);
  if (len == 0) return WASI_ENOENT;
  if (memchr(path, 0, len)) return WASI_EINVAL;
  if (path[0] == '/') return WASI_ENOTCAPABLE;
  if (len > WFS_PATH_MAX) return WASI_ENAMETOOLONG;
  char *end = g_wbuf + WALK_BUF;
  char *rest = end - len;
  memcpy(rest, path, len);

  dentry_t *cur = start;
  dentry_touch(cur);
  uint32_t depth = 0, symlinks = 0;
  werr_t e;
  if (g_shared && (e = dentry_meta(cur))) return e; /* refresh the start (refreshStart) */

  /* The prefix: path[0, plen), up to the final component at `final` in the buffer. Resolved
   * from the cache, or remembered when the loop below arrives at `final` (it does so once,
   * after every byte before it is resolved: symlink targets are placed before the component
   * they replace). */
  char *final = NULL;
  uint32_t plen = len, phash = 0;
  if (!g_shared) {
    while (plen > 0 && path[plen - 1] == '/') plen--;
    while (plen > 0 && path[plen - 1] != '/') plen--;
    if (plen > 0 && plen <= PC_BYTES) {
      phash = pc_hash(start, path, plen);
      pcent_t *c = pc_find(start, path, plen, phash);
      if (c) {
        cur = c->dir;
        depth = c->depth;
        rest += plen;
        dentry_touch(cur);
        g_counters[C_HITS]++;
      } else {
        final = rest + plen;
      }
    }
  }

  for (;;) {
    while (rest < end && *rest == '/') rest++;
    if (rest == final) {
      pc_put(start, path, plen, phash, cur, depth);
      final = NULL;
    }
    if (rest == end) { /* only slashes were left: the result is cur, a directory */
      w->d = cur;
      w->trailing_slash = 1;
      if (flags & W_PARENT) w->final_dot = 1;
      return 0;
    }
    char *comp = rest;
    char *slash = memchr(comp, '/', (size_t)(end - comp));
    uint32_t clen = (uint32_t)((slash ? slash : end) - comp);
    char *after = comp + clen;
    char *p = after;
    while (p < end && *p == '/') p++;
    int last = p == end;
    int trailing = last && after < end;

    if (clen == 1 && comp[0] == '.') {
      rest = after;
      if (last) {
        w->d = cur;
        w->trailing_slash = trailing;
        w->final_dot = (flags & W_PARENT) ? 1 : 0;
        return 0;
      }
      continue;
    }
    if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
      if (depth == 0 || !cur->parent) return WASI_ENOTCAPABLE;
      cur = cur->parent;
      depth--;
      dentry_touch(cur);
      rest = after;
      if (last) {
        w->d = cur;
        w->trailing_slash = trailing;
        w->final_dot = (flags & W_PARENT) ? 2 : 0;
        return 0;
      }
      continue;
    }
    if (clen > 255) return WASI_ENAMETOOLONG;

    if (last && (flags & W_PARENT) && (flags & W_FOLLOW) && !trailing) {
      /* O_CREAT through a final symlink: expand it if it is one, else stop here. */
      dentry_t *c;
      e = dentry_lookup(cur, comp, clen, 0, &c);
      if (e && e != WASI_ENOENT) return e;
      if (!e && d_is_lnk(c)) {
        if (++symlinks > g_limits.max_symlinks) return WASI_ELOOP;
        if ((e = dentry_target(c))) return e;
        if (c->target_len == 0) return WASI_ENOENT;
        if (c->target[0] == '/') return WASI_ENOTCAPABLE;
        if ((size_t)(after - g_wbuf) < c->target_len) return WASI_ENAMETOOLONG;
        rest = after - c->target_len;
        memcpy(rest, c->target, c->target_len);
        continue;
      }
    }
    if (last && (flags & W_PARENT)) {
      /* NUL-terminate the name in place: it is followed by '/' or is at the end. */
      if (after < end) {
        *after = 0;
      } else { /* at the very end: move it one byte left to make room for the NUL */
        if (comp == g_wbuf) return WASI_ENAMETOOLONG;
        memmove(comp - 1, comp, clen);
        comp--;
        comp[clen] = 0;
      }
      w->dir = cur;
      w->name = comp;
      w->name_len = clen;
      w->trailing_slash = trailing;
      return 0;
    }

    dentry_t *child;
    uint32_t how = !last ? L_DIR_FD : ((flags & W_OPEN_READ) && !trailing) ? L_OPEN_READ : 0u;
    if (!last && dentry_can_prefetch() && !dentry_find(cur, comp, clen)) prefetch(cur, comp, end, flags);
    e = dentry_lookup(cur, comp, clen, how, &child);
    if (e) return e;

    if (d_is_lnk(child) && (!last || (flags & W_FOLLOW) || trailing)) {
      if (++symlinks > g_limits.max_symlinks) return WASI_ELOOP;
      e = dentry_target(child);
      if (e) return e;
      uint32_t tlen = child->target_len;
      if (tlen == 0) return WASI_ENOENT;
      if (child->target[0] == '/') return WASI_ENOTCAPABLE;
      /* rest := target + after. `after` is empty or starts with '/', so a trailing slash of
       * the original path still applies to the target's last component. */
      if ((size_t)(after - g_wbuf) < tlen) return WASI_ENAMETOOLONG;
      rest = after - tlen;
      memcpy(rest, child->target, tlen);
      continue;
    }
    if (!last) {
      if (!d_is_dir(child)) return WASI_ENOTDIR;
      /* Leaving cur: its FD may be shed again (it is re-opened if `..` comes back to it); its
       * memory stays, held by child's reference. So a deep walk stays within the FD budget. */
      if (cur != start) cur->gen = 0;
      cur = child;
      depth++;
      rest = after;
      continue;
    }
    if ((trailing || (flags & W_DIR)) && !d_is_dir(child)) return WASI_ENOTDIR;
    w->d = child;
    w->dir = cur;
    w->trailing_slash = trailing;
    return 0;
  }
}
