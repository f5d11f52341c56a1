/* checkpoint-deep.c — a guest for test/checkpoint-guest.test.ts whose call stack is deep when it
 * makes WASI calls: DEPTH nested (non-inlinable) calls, each printing a line on the way down and
 * on the way up, so a checkpoint taken at the bottom unwinds and rewinds DEPTH frames (asyncify
 * data of roughly 100 KiB for DEPTH 3000).
 * Usage: checkpoint-deep.wasm DEPTH. Prints "down N" / "up N" every 500 levels and "sum X".
 * Exit code 0. Must not: print anything that differs between runs.
 */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned sink;

/* Prints "WORD N\n" without varargs (a printf in every frame would put its argument area on the
 * shadow stack, which DEPTH frames would overflow). */
__attribute__((noinline)) static void say(const char *word, int n) {
  char buf[32];
  int i = (int)sizeof buf - 1;
  buf[i] = 0;
  buf[--i] = '\n';
  do buf[--i] = (char)('0' + n % 10); while ((n /= 10) > 0);
  fputs(word, stdout);
  fputs(buf + i, stdout);
}

__attribute__((noinline)) static unsigned dive(int level, int depth, unsigned acc) {
  unsigned local = acc * 2654435761u + (unsigned)level;
  if (level % 500 == 0) say("down ", level);
  if (level < depth) local ^= dive(level + 1, depth, local);
  else say("bottom ", level);
  if (level % 500 == 0) say("up ", level);
  sink = local;
  return local + (unsigned)level;
}

int main(int argc, char **argv) {
  int depth = argc > 1 ? atoi(argv[1]) : 3000;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("sum %08x\n", dive(0, depth, 1));
  return 0;
}
