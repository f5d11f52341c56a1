/* args_sizes_get / args_get / environ_sizes_get / environ_get: the exact argv and environment the
 * host was given (JSON args/env), sizes consistent with the strings, and no inherited host env. */
#include "check.h"

int main(void) {
  __wasi_size_t argc = 0, argv_size = 0;
  CHECK_OK("args_sizes_get", __wasi_args_sizes_get(&argc, &argv_size));
  CHECK_EQ("argc is program + 3", argc, 4);
  uint8_t *argv[16];
  uint8_t buf[512];
  if (argc <= 16 && argv_size <= sizeof buf) {
    CHECK_OK("args_get", __wasi_args_get(argv, buf));
    size_t total = 0;
    for (size_t i = 0; i < argc; i++) total += strlen((char *)argv[i]) + 1;
    CHECK_EQ("argv strings fill argv_buf_size exactly", total, argv_size);
    CHECK("argv[0] lies inside argv_buf", argv[0] == buf);
    for (size_t i = 1; i < argc; i++) printf("argv[%zu]=<%s>\n", i, (char *)argv[i]);
  }
  __wasi_size_t envc = 0, env_size = 0;
  CHECK_OK("environ_sizes_get", __wasi_environ_sizes_get(&envc, &env_size));
  CHECK_EQ("only the given variables (no host environment)", envc, 3);
  uint8_t *envp[16];
  uint8_t ebuf[512];
  if (envc <= 16 && env_size <= sizeof ebuf) {
    CHECK_OK("environ_get", __wasi_environ_get(envp, ebuf));
    size_t total = 0;
    const char *lines[16];
    for (size_t i = 0; i < envc; i++) {
      total += strlen((char *)envp[i]) + 1;
      lines[i] = (const char *)envp[i];
    }
    CHECK_EQ("environ strings fill environ_buf_size exactly", total, env_size);
    /* print sorted: the order the host passes them in is not specified */
    for (size_t i = 0; i < envc; i++)
      for (size_t j = i + 1; j < envc; j++)
        if (strcmp(lines[j], lines[i]) < 0) { const char *t = lines[i]; lines[i] = lines[j]; lines[j] = t; }
    for (size_t i = 0; i < envc; i++) printf("env <%s>\n", lines[i]);
  }
  /* libc view agrees */
  const char *g = getenv("GREETING");
  CHECK_STR("getenv GREETING", g ? g : "", g ? strlen(g) : 0, "hello world");
  const char *e = getenv("EMPTY");
  CHECK("getenv EMPTY is set and empty", e != NULL && e[0] == 0);
  return check_done();
}
