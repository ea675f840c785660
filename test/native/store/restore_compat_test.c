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

/* Listpack hashes and zsets (types 16, 17) convert on their entry count only: with the value
 * limits below their elements they stay listpacks, as redis-server 7.0.15 keeps them (found by
 * the differential harness: seed 65, RESTORE under CONFIG SET hash-max-listpack-value 8). */
static void listpack_value_limits(st_client *c) {
  /* HSET k f1 v1 f2 2 f3 <30 x> */
  static const unsigned char hash_lp[] = {
    0x10, 0xc3, 0x21, 0x39, 0x0b, 0x39, 0x00, 0x00, 0x00, 0x06, 0x00, 0x82, 0x66, 0x31, 0x03, 0x82,
    0x76, 0x20, 0x03, 0x0a, 0x66, 0x32, 0x03, 0x02, 0x01, 0x82, 0x66, 0x33, 0x03, 0x9e, 0x78, 0xe0,
    0x14, 0x00, 0x01, 0x1f, 0xff, 0x0a, 0x00, 0xaf, 0x82, 0x9e, 0xbd, 0x1a, 0xd9, 0x5b, 0xc2
  };
  /* ZADD k 1 a 2.5 b -inf c inf d */
  static const unsigned char zset_lp[] = { 0x11, 0x25, 0x25, 0x00, 0x00, 0x00, 0x08, 0x00, 0x81,
                                           0x63, 0x02, 0x84, 0x2d, 0x69, 0x6e, 0x66, 0x05, 0x81,
                                           0x61, 0x02, 0x01, 0x01, 0x81, 0x62, 0x02, 0x83, 0x32,
                                           0x2e, 0x35, 0x04, 0x81, 0x64, 0x02, 0x83, 0x69, 0x6e,
                                           0x66, 0x04, 0xff, 0x0a, 0x00, 0x47, 0xfa, 0x98, 0x45,
                                           0xb0, 0xa7, 0x68, 0x05 };
  c->st->cfg.hash_max_listpack_value = 8;
  c->st->cfg.zset_max_listpack_value = 0;
  CHECK(strcmp(restore(c, "h", hash_lp, sizeof hash_lp), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "h");
  CHECK_REPLY(c, "$2\r\nv1\r\n", "HGET", "h", "f1");
  CHECK(strcmp(restore(c, "z", zset_lp, sizeof zset_lp), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "z");
  CHECK_REPLY(c, "$3\r\n2.5\r\n", "ZSCORE", "z", "b");
  /* Over the entry limits they convert, as in Redis. */
  c->st->cfg.hash_max_listpack_entries = 2;
  c->st->cfg.zset_max_listpack_entries = 2;
  CHECK(strcmp(restore(c, "h", hash_lp, sizeof hash_lp), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "h");
  CHECK(strcmp(restore(c, "z", zset_lp, sizeof zset_lp), "+OK\r\n") == 0);
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "z");
  c->st->cfg.hash_max_listpack_value = 64;
  c->st->cfg.zset_max_listpack_value = 64;
  c->st->cfg.hash_max_listpack_entries = 128;
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
  listpack_value_limits(c);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("restore_compat_test");
}
