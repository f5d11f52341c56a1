/* bench-sqlite.c — benchmark workload "sqlite": a real third-party program (the SQLite
 * amalgamation from node_modules/better-sqlite3/deps/sqlite3, linked in by the harness) running a
 * fixed script against a database file in the directory under test, with its rollback journal
 * next to it (VFS unix-dotfile, journal_mode=DELETE, temp_store=MEMORY; synchronous as given: the harness
 * passes OFF, so the host's fsync latency, identical for every runtime and very noisy on a shared
 * disk, does not drown the filesystem layer being measured; the journal is still created,
 * written, read and deleted for every transaction).
 * Compiled by ts/bench/build.ts (not by tools/build-c.mjs: it needs sqlite3.c) for wasm32-wasip1
 * with @yowasp/clang and natively with cc -O2, with the same SQLITE_* options.
 *
 * Usage: bench-sqlite DIR ROWS SYNCHRONOUS   (SYNCHRONOUS: OFF, NORMAL or FULL)
 * Script (all timed): open DIR/bench.db (removed first, with its journal); two tables; ROWS rows
 * inserted into each in transactions of 1,000 from a fixed PRNG; an index; 2,000 range queries;
 * 200 range updates in 20 transactions; an aggregate; close; remove the files. Prints
 * "RESULT sqlite <ns> <checksum>" (integer results of every query; the same on every runtime).
 * Exit code 0, or 1 with SQLite's message on stderr.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sqlite3.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static sqlite3 *db;
static void die(const char *what) {
  fprintf(stderr, "sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no database");
  exit(1);
}
static void exec(const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
    exit(1);
  }
}
static sqlite3_stmt *prep(const char *sql) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) die(sql);
  return s;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: bench-sqlite DIR ROWS OFF|NORMAL|FULL\n"); return 2; }
  const char *sync = argv[3];
  if (strcmp(sync, "OFF") != 0 && strcmp(sync, "NORMAL") != 0 && strcmp(sync, "FULL") != 0) {
    fprintf(stderr, "bench-sqlite: SYNCHRONOUS must be OFF, NORMAL or FULL\n");
    return 2;
  }
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", sync);
  /* Temporary files (the sorter of CREATE INDEX) go to DIR too: a WASI guest has no /tmp. */
  sqlite3_temp_directory = sqlite3_mprintf("%s", argv[1]);
  char path[4096], jpath[4200];
  snprintf(path, sizeof path, "%s/bench.db", argv[1]);
  snprintf(jpath, sizeof jpath, "%s-journal", path);
  int rows = atoi(argv[2]);
  unlink(path);
  unlink(jpath);
  uint64_t sum = 0;
  uint64_t t0 = now_ns();
  /* SQLite's WASI build locks with dot-files (mkdir/rmdir of DB.lock: WASI has no fcntl locks);
   * the native build is given the same VFS so both make the same filesystem calls. */
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix-dotfile") != SQLITE_OK) die("open");
  exec("PRAGMA journal_mode=DELETE");
  exec(pragma);
  /* Statement journals and sorter files in memory: SQLite's WASI build has no fchmod, which its
   * temporary-file path calls (a trap in every WASI runtime). Same setting for native. */
  exec("PRAGMA temp_store=MEMORY");
  exec("CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, qty INTEGER NOT NULL, name TEXT NOT NULL)");
  exec("CREATE TABLE event(id INTEGER PRIMARY KEY, item INTEGER NOT NULL, at INTEGER NOT NULL, note TEXT)");
  sqlite3_stmt *ins1 = prep("INSERT INTO item(grp, qty, name) VALUES (?1, ?2, ?3)");
  sqlite3_stmt *ins2 = prep("INSERT INTO event(item, at, note) VALUES (?1, ?2, ?3)");
  char text[64];
  for (int i = 0; i < rows; i++) {
    if (i % 1000 == 0) exec("BEGIN");
    uint64_t r = next();
    int tl = snprintf(text, sizeof text, "item-%llu-%d", (unsigned long long)(r % 1000003), i);
    sqlite3_bind_int64(ins1, 1, (sqlite3_int64)(r % 5000));
    sqlite3_bind_int64(ins1, 2, (sqlite3_int64)((r >> 20) % 1000));
    sqlite3_bind_text(ins1, 3, text, tl, SQLITE_TRANSIENT);
    if (sqlite3_step(ins1) != SQLITE_DONE) die("insert item");
    sqlite3_reset(ins1);
    sqlite3_bind_int64(ins2, 1, (sqlite3_int64)(1 + (r >> 32) % (uint64_t)(i + 1)));
    sqlite3_bind_int64(ins2, 2, (sqlite3_int64)((r >> 8) % 100000000));
    sqlite3_bind_text(ins2, 3, text + 5, tl - 5, SQLITE_TRANSIENT);
    if (sqlite3_step(ins2) != SQLITE_DONE) die("insert event");
    sqlite3_reset(ins2);
    if (i % 1000 == 999 || i == rows - 1) exec("COMMIT");
  }
  sqlite3_finalize(ins1);
  sqlite3_finalize(ins2);
  exec("CREATE INDEX item_grp ON item(grp)");
  exec("CREATE INDEX event_at ON event(at)");
  sqlite3_stmt *q = prep("SELECT count(*), coalesce(sum(qty), 0) FROM item WHERE grp BETWEEN ?1 AND ?2");
  sqlite3_stmt *q2 = prep("SELECT count(*), coalesce(max(item), 0) FROM event WHERE at BETWEEN ?1 AND ?2");
  for (int k = 0; k < 2000; k++) {
    uint64_t r = next();
    int lo = (int)(r % 5000);
    sqlite3_bind_int(q, 1, lo);
    sqlite3_bind_int(q, 2, lo + 20);
    if (sqlite3_step(q) != SQLITE_ROW) die("range query");
    sum = sum * 31 + (uint64_t)sqlite3_column_int64(q, 0) + (uint64_t)sqlite3_column_int64(q, 1);
    sqlite3_reset(q);
    sqlite3_int64 at = (sqlite3_int64)((r >> 16) % 100000000);
    sqlite3_bind_int64(q2, 1, at);
    sqlite3_bind_int64(q2, 2, at + 50000);
    if (sqlite3_step(q2) != SQLITE_ROW) die("range query 2");
    sum = sum * 31 + (uint64_t)sqlite3_column_int64(q2, 0) + (uint64_t)sqlite3_column_int64(q2, 1);
    sqlite3_reset(q2);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(q2);
  sqlite3_stmt *up = prep("UPDATE item SET qty = qty + 1, name = name || '+' WHERE grp BETWEEN ?1 AND ?2");
  for (int k = 0; k < 200; k++) {
    if (k % 10 == 0) exec("BEGIN");
    int lo = (int)(next() % 5000);
    sqlite3_bind_int(up, 1, lo);
    sqlite3_bind_int(up, 2, lo + 5);
    if (sqlite3_step(up) != SQLITE_DONE) die("update");
    sum = sum * 31 + (uint64_t)sqlite3_changes(db);
    sqlite3_reset(up);
    if (k % 10 == 9) exec("COMMIT");
  }
  sqlite3_finalize(up);
  sqlite3_stmt *agg = prep("SELECT count(*), sum(qty), sum(length(name)), (SELECT count(*) FROM event) FROM item");
  if (sqlite3_step(agg) != SQLITE_ROW) die("aggregate");
  for (int c = 0; c < 4; c++) sum = sum * 31 + (uint64_t)sqlite3_column_int64(agg, c);
  sqlite3_finalize(agg);
  if (sqlite3_close(db) != SQLITE_OK) die("close");
  db = NULL;
  if (unlink(path) != 0) { fprintf(stderr, "sqlite: unlink %s failed\n", path); return 1; }
  uint64_t t1 = now_ns();
  printf("RESULT sqlite %llu rows%d.s%016llx\n", (unsigned long long)(t1 - t0), rows, (unsigned long long)sum);
  return 0;
}
