/* path_filestat_set_times: exact nanosecond atim/mtim; MTIM alone leaves atim; *_NOW uses the
 * current time; ATIM with ATIM_NOW (or MTIM with MTIM_NOW) is EINVAL; without SYMLINK_FOLLOW the
 * link itself changes and its target does not; with it the target changes; abssym without follow
 * changes only the link inside the sandbox, with follow it is ENOTCAPABLE; escapes ENOTCAPABLE. */
#include "check.h"

#define T1 1000000000123456789ull /* 2001-09-09T01:46:40.123456789Z */
#define T2 1234567890987654321ull
#define T3 1500000000000000007ull

int main(void) {
  __wasi_fd_t sb = need_preopen("/sandbox");
  __wasi_filestat_t st, tgt0, tgt;
  const __wasi_fstflags_t AM = __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM;

  CHECK_OK("set file atim/mtim", __wasi_path_filestat_set_times(sb, 0, "file", T1, T2, AM));
  CHECK_OK("stat file", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("file atim keeps nanoseconds", st.atim, T1);
  CHECK_EQ("file mtim keeps nanoseconds", st.mtim, T2);
  CHECK_OK("set file mtim only", __wasi_path_filestat_set_times(sb, 0, "file", 0, T3, __WASI_FSTFLAGS_MTIM));
  CHECK_OK("stat file again", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK_EQ("atim unchanged", st.atim, T1);
  CHECK_EQ("mtim set", st.mtim, T3);
  __wasi_timestamp_t before = 0, after = 0;
  CHECK_OK("clock before", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &before));
  CHECK_OK("set file *_NOW", __wasi_path_filestat_set_times(sb, 0, "file", 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  CHECK_OK("clock after", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &after));
  CHECK_OK("stat file after NOW", __wasi_path_filestat_get(sb, 0, "file", &st));
  CHECK("mtim is now (within 2 s)", st.mtim + 2000000000ull >= before && st.mtim <= after + 2000000000ull);
  CHECK("atim is now (within 2 s)", st.atim + 2000000000ull >= before && st.atim <= after + 2000000000ull);
  CHECK_ERRNO("ATIM with ATIM_NOW", __wasi_path_filestat_set_times(sb, 0, "file", T1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  CHECK_ERRNO("MTIM with MTIM_NOW", __wasi_path_filestat_set_times(sb, 0, "file", 0, T1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
  CHECK_OK("set directory a", __wasi_path_filestat_set_times(sb, 0, "a", T1, T2, AM));
  CHECK_OK("stat a", __wasi_path_filestat_get(sb, 0, "a", &st));
  CHECK_EQ("a mtim", st.mtim, T2);

  /* the link itself vs its target */
  CHECK_OK("stat etc/passwd before", __wasi_path_filestat_get(sb, 0, "etc/passwd", &tgt0));
  CHECK_OK("set relsym nofollow", __wasi_path_filestat_set_times(sb, 0, "relsym", T1, T1, AM));
  CHECK_OK("stat relsym nofollow", __wasi_path_filestat_get(sb, 0, "relsym", &st));
  CHECK_EQ("relsym (the link) mtim", st.mtim, T1);
  CHECK_EQ("relsym (the link) atim", st.atim, T1);
  CHECK_OK("stat etc/passwd after nofollow", __wasi_path_filestat_get(sb, 0, "etc/passwd", &tgt));
  CHECK("etc/passwd times untouched by nofollow", tgt.mtim == tgt0.mtim && tgt.atim == tgt0.atim);
  CHECK_OK("set relsym follow", __wasi_path_filestat_set_times(sb, LF_FOLLOW, "relsym", T2, T2, AM));
  CHECK_OK("stat etc/passwd after follow", __wasi_path_filestat_get(sb, 0, "etc/passwd", &tgt));
  CHECK_EQ("etc/passwd mtim set through the link", tgt.mtim, T2);
  CHECK_OK("stat relsym after follow", __wasi_path_filestat_get(sb, 0, "relsym", &st));
  CHECK_EQ("the link's own mtim unchanged by follow", st.mtim, T1);
  CHECK_OK("set abssym nofollow (the link is inside)", __wasi_path_filestat_set_times(sb, 0, "abssym", T3, T3, AM));
  CHECK_OK("stat abssym nofollow", __wasi_path_filestat_get(sb, 0, "abssym", &st));
  CHECK_EQ("abssym (the link) mtim", st.mtim, T3);
  CHECK_ERRNO("set abssym follow", __wasi_path_filestat_set_times(sb, LF_FOLLOW, "abssym", T1, T1, AM), E_NOTCAP);
  CHECK_ERRNO("set upup follow", __wasi_path_filestat_set_times(sb, LF_FOLLOW, "upup", T1, T1, AM), E_NOTCAP);
  CHECK_ERRNO("set evil follow", __wasi_path_filestat_set_times(sb, LF_FOLLOW, "evil", T1, T1, AM), E_NOTCAP);
  CHECK_ERRNO("set loop follow", __wasi_path_filestat_set_times(sb, LF_FOLLOW, "loop", T1, T1, AM), E_LOOP);
  const char *esc[] = {"..", "../outside/secret", "/proc/wdfs-probe", "up/outside/secret", "evil/secret", "tslash/secret",
                       "a/../../R/file", "cheeky/self/file", "dangling/x"};
  for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
    char label[64];
    snprintf(label, sizeof label, "set times %s", esc[i]);
    CHECK_ERRNO(label, __wasi_path_filestat_set_times(sb, 0, esc[i], T1, T1, AM), E_NOTCAP);
  }
  CHECK_ERRNO("set times missing", __wasi_path_filestat_set_times(sb, 0, "missing", T1, T1, AM), E_NOENT);
  CHECK_ERRNO("set times on a bad fd", __wasi_path_filestat_set_times(999, 0, "file", T1, T1, AM), E_BADF);
  return check_done();
}
