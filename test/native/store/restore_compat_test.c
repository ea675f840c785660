/* restore_compat_test.c - RESTORE of payloads redis-server 7.0.15 wrote, checked against what
 * redis-server answers after the same RESTORE (differences the differential harness's DUMP and
 * RESTORE probes found). */
#include <stdlib.h>

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

/* DUMP of strings whose payloads redis-server 7.0.15 wrote: LZF output byte for byte (liblzf's
 * matcher), and the same choice of raw where the compressed form would not save 4 bytes. Each
 * value comes from a 64-bit LCG (seed, length, alphabet; with `back`, most bytes repeat the one
 * `back` before: long matches); the expected length and CRC are redis-server's DUMP of it. */
static void lzf_dumps(st_client *c) {
  static const struct {
    uint64_t seed;
    size_t n;
    unsigned alpha, back;
    size_t dump_len;
    uint64_t crc;
  } cases[] = {
    { 1, 21, 2, 0, 33, 0x05f2e6ba289475afull },
    { 2, 100, 3, 0, 85, 0x8fea725f9ef491c1ull },
    { 3, 1000, 256, 0, 1013, 0xf64539af29f09378ull },
    { 4, 70000, 3, 0, 39980, 0xc8bebeacf698143cull },
    { 5, 70000, 256, 1000, 35393, 0xe99d9db1ee91e252ull },
    { 6, 5000, 26, 7, 2486, 0x5f67fb4450424889ull },
    { 7, 300, 1, 0, 27, 0x62250319696205a4ull },
    { 8, 24, 256, 3, 29, 0xd7e33463e0d920a8ull },
  };
  static unsigned char v[70000];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t x = cases[i].seed;
    for (size_t j = 0; j < cases[i].n; j++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      if (cases[i].back && j >= cases[i].back && ((x >> 40) & 7) != 0)
        v[j] = v[j - cases[i].back];
      else
        v[j] = (unsigned char)((x >> 33) % cases[i].alpha);
    }
    const char *argv[] = { "SET", "s", (const char *)v };
    size_t lens[] = { 3, 1, cases[i].n };
    CHECK(strcmp(exec_argv(c, 3, argv, lens), "+OK\r\n") == 0);
    const char *r = exec(c, "DUMP", "s", NULL);
    /* "$<len>\r\n<payload>\r\n": the payload ends with its CRC-64, little-endian. */
    size_t len = strtoul(r + 1, NULL, 10);
    const unsigned char *p = (const unsigned char *)strchr(r, '\n') + 1;
    uint64_t crc = 0;
    for (int k = 0; k < 8 && len >= 8; k++) crc |= (uint64_t)p[len - 8 + k] << (8 * k);
    CHECK(len == cases[i].dump_len && crc == cases[i].crc);
    if (len != cases[i].dump_len || crc != cases[i].crc)
      fprintf(stderr, "  case %zu: DUMP %zu bytes crc %016llx, redis-server %zu %016llx\n", i, len,
              (unsigned long long)crc, cases[i].dump_len, (unsigned long long)cases[i].crc);
  }
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  negative_zero_score(c);
  lzf_dumps(c);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("restore_compat_test");
}
