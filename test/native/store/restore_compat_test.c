/* restore_compat_test.c - RESTORE of payloads redis-server 7.0.15 wrote, checked against what
 * redis-server answers after the same RESTORE (differences the differential harness's DUMP and
 * RESTORE probes found). */
#include "cmdtest.h"

static const char *restore(st_client *c, const char *key, const unsigned char *p, size_t n) {
  const char *argv[] = { "RESTORE", key, "0", (const char *)p, "REPLACE" };
  size_t lens[] = { 7, strlen(key), 1, n, 7 };
  return exec_argv(c, 5, argv, lens);
}

/* A skiplist zset (type 5: ZADD -0 a 1e300 b 0.1 c under zset-max-listpack-entries 0) loads as
 * a listpack, written as zzlInsertAt writes: the integral -0 as the integer 0, so ZSCORE says
 * "0" (redis-server: ZRANGE k 0 -1 WITHSCORES -> a 0 c 0.10000000000000001 b 1.0000000000000001e+300). */
static void negative_zero_score(st_client *c) {
  static const unsigned char zsl[] = { 0x05, 0x03, 0x01, 0x62, 0x9c, 0x75, 0x00, 0x88, 0x3c,
                                       0xe4, 0x37, 0x7e, 0x01, 0x63, 0x9a, 0x99, 0x99, 0x99,
                                       0x99, 0x99, 0xb9, 0x3f, 0x01, 0x61, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x80, 0x0a, 0x00, 0x7b, 0x0b,
                                       0x93, 0x3a, 0x99, 0x7f, 0x12, 0xb9 };
  CHECK(strcmp(restore(c, "z", zsl, sizeof zsl), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "z");
  CHECK_REPLY(c, "$1\r\n0\r\n", "ZSCORE", "z", "a");
  CHECK_REPLY(c,
              "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nc\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n"
              "$23\r\n1.0000000000000001e+300\r\n",
              "ZRANGE", "z", "0", "-1", "WITHSCORES");
  /* Loaded as a skiplist (the limit below its size), -0 stays -0, as in Redis. */
  c->st->cfg.zset_max_listpack_entries = 2; /* CONFIG SET is the control plane's */
  CHECK(strcmp(restore(c, "z", zsl, sizeof zsl), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "z");
  CHECK_REPLY(c, "$2\r\n-0\r\n", "ZSCORE", "z", "a");
  c->st->cfg.zset_max_listpack_entries = 128;
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  negative_zero_score(c);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("restore_compat_test");
}
