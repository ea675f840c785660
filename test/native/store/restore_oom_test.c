/* RESTORE of a valid payload that does not fit: Redis's OOM error, not "Bad data format", and
 * nothing changes (the soak found the wrong error under per-tier limits). Large values live on
 * PMem (threshold 256); with the strict policy its limit is set to what it holds. */
#include <stdlib.h>
#include <string.h>

#include "cmdtest.h"

static char *dump(st_client *c, const char *key, size_t *len) {
  const char *r = exec(c, "DUMP", key, NULL);
  CHECK(r[0] == '$');
  long n = strtol(r + 1, NULL, 10);
  char *payload = malloc((size_t)n);
  memcpy(payload, strstr(r, "\r\n") + 2, (size_t)n);
  *len = (size_t)n;
  return payload;
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  char big[4000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  exec(c, "SET", "s", big, NULL);
  for (int i = 0; i < 50; i++) {
    char f[16];
    snprintf(f, sizeof f, "f%d", i);
    exec(c, "HSET", "h", f, big, NULL);
  }
  exec(c, "SET", "dst", "keep", NULL);
  const char *keys[] = { "s", "h" };
  for (int k = 0; k < 2; k++) {
    size_t n;
    char *payload = dump(c, keys[k], &n);
    double s[TM_S_LEN], pm = 0;
    tm_stats_snapshot(h, s);
    for (int cat = 0; cat < TM_CAT_COUNT; cat++) pm += s[TM_S_CELL(TM_PMEM, cat)];
    tm_set_policy(h, TM_POLICY_STRICT);
    tm_set_limit(h, TM_PMEM, (size_t)pm);
    const char *argv[] = { "RESTORE", "dst", "0", payload, "REPLACE" };
    size_t lens[] = { 7, 3, 1, n, 7 };
    CHECK(strcmp(exec_argv(c, 5, argv, lens), "-" ERR_OOM "\r\n") == 0);
    const char *argv2[] = { "RESTORE", "new", "0", payload };
    size_t lens2[] = { 7, 3, 1, n };
    CHECK(strcmp(exec_argv(c, 4, argv2, lens2), "-" ERR_OOM "\r\n") == 0);
    CHECK_REPLY(c, "$4\r\nkeep\r\n", "GET", "dst");
    CHECK_REPLY(c, ":0\r\n", "EXISTS", "new");
    /* Without the limit the same payload restores. */
    tm_set_limit(h, TM_PMEM, 0);
    tm_set_policy(h, TM_POLICY_SPILL);
    CHECK(strcmp(exec_argv(c, 5, argv, lens), "+OK\r\n") == 0);
    free(payload);
    exec(c, "SET", "dst", "keep", NULL);
  }
  CHECK_REPLY(c, ":50\r\n", "HLEN", "h");
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("restore_oom_test");
}
