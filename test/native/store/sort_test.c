/* sort_test.c - SORT and SORT_RO against redis-server 7.0.15's own replies (captured from it
 * command by command on an empty server), with the sorted set in both encodings; a seeded
 * comparison with qsort over random lists; STORE all-or-nothing under OOM. */
#include <stdlib.h>

#include "cmdtest.h"
#include "listpack.h"
#include "zsl.h"

/* A sorted set {a:1, b:2, c:3} under key, as a listpack or a skiplist. */
static int add_zset(st_client *c, const char *key, unsigned enc) {
  st_store *st = c->st;
  const char *m[] = { "a", "b", "c" };
  uint8_t tier = TM_DRAM;
  void *val;
  if (enc == ENC_LISTPACK) {
    unsigned char *lp = lp_new(&st->mem, ST_ZSET, &tier);
    for (int i = 0; i < 3 && lp != NULL; i++) {
      lp = lp_append(&st->mem, ST_ZSET, lp, &tier, (const unsigned char *)m[i], 1);
      if (lp != NULL) lp = lp_append_int(&st->mem, ST_ZSET, lp, &tier, i + 1);
    }
    if (lp == NULL) return -1;
    val = lp;
  } else {
    zset *z = sm_alloc(&st->mem, ST_ZSET, TM_CAT_METADATA, sizeof *z, &tier);
    if (z == NULL || zset_init(z, &st->mem) != 0) return -1;
    for (int i = 0; i < 3; i++)
      if (zset_insert(z, m[i], 1, i + 1) == NULL) return -1;
    val = z;
  }
  return db_add(c, c->db, key, strlen(key), ST_ZSET, enc, val, 0, tier) ? 0 : -1;
}

static void redis_cases(st_client *c, unsigned zenc) {
  exec(c, "FLUSHALL", NULL);
  CHECK_REPLY(c, ":6\r\n", "rpush", "l", "3", "1", "2", "10", "-5", "2.5");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n",
              "sort", "l");
  CHECK_REPLY(c, "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$3\r\n2.5\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n-5\r\n",
              "sort", "l", "desc");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sort", "l", "limit", "1", "2");
  CHECK_REPLY(c, "*2\r\n$1\r\n3\r\n$3\r\n2.5\r\n", "sort", "l", "limit", "1", "2", "desc");
  CHECK_REPLY(c, "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n", "sort", "l", "limit", "-1", "2");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n",
              "sort", "l", "limit", "0", "-1");
  CHECK_REPLY(c, "*0\r\n", "sort", "l", "limit", "0", "0");
  CHECK_REPLY(c, "*0\r\n", "sort", "l", "limit", "10", "2");
  CHECK_REPLY(c, "*1\r\n$2\r\n10\r\n", "sort", "l", "limit", "5", "100");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "sort", "l", "limit", "a",
              "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "sort", "l", "limit", "0",
              "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sort", "l", "limit", "0");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n",
              "sort", "l", "alpha");
  CHECK_REPLY(c, "*6\r\n$1\r\n3\r\n$3\r\n2.5\r\n$1\r\n2\r\n$2\r\n10\r\n$1\r\n1\r\n$2\r\n-5\r\n",
              "sort", "l", "alpha", "desc");
  CHECK_REPLY(c, "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n",
              "sort", "l", "by", "nosort");
  CHECK_REPLY(c, "*6\r\n$3\r\n2.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n",
              "sort", "l", "by", "nosort", "desc");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sort", "l", "by", "nosort", "limit", "1", "2");
  CHECK_REPLY(c, "*2\r\n$2\r\n-5\r\n$2\r\n10\r\n", "sort", "l", "by", "nosort", "desc", "limit",
              "1", "2");
  CHECK_REPLY(c, "*0\r\n", "sort", "l", "by", "nosort", "limit", "7", "1");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sort", "l", "bogus");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n",
              "sort", "l", "asc", "desc", "asc");
  CHECK_REPLY(c, "+OK\r\n", "set", "w_3", "30");
  CHECK_REPLY(c, "+OK\r\n", "set", "w_1", "100");
  CHECK_REPLY(c, "+OK\r\n", "set", "w_2", "-1");
  CHECK_REPLY(c, "+OK\r\n", "set", "w_10", "abc");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "l", "by",
              "w_*");
  CHECK_REPLY(c, ":1\r\n", "del", "w_10");
  CHECK_REPLY(c, "*6\r\n$1\r\n2\r\n$2\r\n-5\r\n$2\r\n10\r\n$3\r\n2.5\r\n$1\r\n3\r\n$1\r\n1\r\n",
              "sort", "l", "by", "w_*");
  CHECK_REPLY(c, "*6\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n",
              "sort", "l", "by", "w_*", "alpha");
  CHECK_REPLY(c, "*6\r\n$1\r\n2\r\n$2\r\n-5\r\n$2\r\n10\r\n$3\r\n2.5\r\n$1\r\n3\r\n$1\r\n1\r\n",
              "sort", "l", "by", "w_*", "get", "#");
  CHECK_REPLY(c,
              "*12\r\n$1\r\n2\r\n$2\r\n-1\r\n$2\r\n-5\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$3\r\n2.5\r\n$-"
              "1\r\n$1\r\n3\r\n$2\r\n30\r\n$1\r\n1\r\n$3\r\n100\r\n",
              "sort", "l", "by", "w_*", "get", "#", "get", "w_*");
  CHECK_REPLY(c,
              "*12\r\n$-1\r\n$-1\r\n$3\r\n100\r\n$-1\r\n$2\r\n-1\r\n$-1\r\n$-1\r\n$-1\r\n$"
              "2\r\n30\r\n$-1\r\n$-1\r\n$-1\r\n",
              "sort", "l", "get", "w_*", "get", "nokey");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n",
              "sort", "l", "get", "#");
  CHECK_REPLY(c, "*3\r\n$3\r\n100\r\n$2\r\n30\r\n$-1\r\n", "sort", "l", "by", "w_*", "desc",
              "limit", "0", "3", "get", "w_*");
  CHECK_REPLY(c, ":2\r\n", "hset", "h_3", "f", "9", "g", "x");
  CHECK_REPLY(c, ":1\r\n", "hset", "h_1", "f", "1");
  CHECK_REPLY(c, ":1\r\n", "hset", "h_2", "f", "5");
  CHECK_REPLY(c,
              "*12\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$1\r\n1\r\n$-1\r\n$1\r\n5\r\n$-"
              "1\r\n$1\r\n9\r\n$1\r\nx\r\n",
              "sort", "l", "by", "h_*->f", "get", "h_*->f", "get", "h_*->g");
  CHECK_REPLY(c, "*6\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$3\r\n2.5\r\n$2\r\n10\r\n$2\r\n-5\r\n",
              "sort", "l", "by", "h_*->f", "desc", "get", "#");
  CHECK_REPLY(c, "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", "sort", "l", "by", "h_*->",
              "get", "h_*->");
  CHECK_REPLY(c, "*6\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
              "sort", "l", "by", "h_*->f", "alpha");
  CHECK_REPLY(c, ":6\r\n", "sort", "l", "by", "w_*", "store", "dst");
  CHECK_REPLY(c, "*6\r\n$1\r\n2\r\n$2\r\n-5\r\n$2\r\n10\r\n$3\r\n2.5\r\n$1\r\n3\r\n$1\r\n1\r\n",
              "lrange", "dst", "0", "-1");
  CHECK_REPLY(c, "+list\r\n", "type", "dst");
  CHECK_REPLY(c, ":6\r\n", "sort", "l", "get", "w_*", "store", "dst");
  CHECK_REPLY(c, "*6\r\n$0\r\n\r\n$3\r\n100\r\n$2\r\n-1\r\n$0\r\n\r\n$2\r\n30\r\n$0\r\n\r\n",
              "lrange", "dst", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "sort", "l", "limit", "10", "1", "store", "dst");
  CHECK_REPLY(c, ":0\r\n", "exists", "dst");
  CHECK_REPLY(c, "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$3\r\n2.5\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n-5\r\n",
              "sort_ro", "l", "desc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sort_ro", "l", "store", "dst");
  CHECK_REPLY(c, "*2\r\n$1\r\n2\r\n$2\r\n-5\r\n", "sort_ro", "l", "by", "w_*", "get", "#", "limit",
              "0", "2");
  CHECK_REPLY(c, ":4\r\n", "sadd", "s", "5", "3", "9", "1");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", "sort", "s");
  CHECK_REPLY(c, "*2\r\n$1\r\n9\r\n$1\r\n5\r\n", "sort", "s", "desc", "limit", "0", "2");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", "sort", "s", "alpha");
  CHECK_REPLY(c, ":4\r\n", "sort", "s", "by", "nosort", "store", "dst2");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", "lrange", "dst2", "0", "-1");
  CHECK_REPLY(c, ":3\r\n", "sadd", "s2", "b", "a", "c");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "s2");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "s2", "alpha");
  CHECK_REPLY(c, "*1\r\n$1\r\nb\r\n", "sort", "s2", "alpha", "desc", "limit", "1", "1");
  CHECK_REPLY(c, ":3\r\n", "sort", "s2", "by", "nosort", "alpha", "store", "dst3");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "lrange", "dst3", "0", "-1");
  CHECK(add_zset(c, "z", zenc) == 0); /* ZADD z 3 c 1 a 2 b (the zset commands land separately) */
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "z", "alpha");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "z", "by", "nosort");
  CHECK_REPLY(c, "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "z", "by", "nosort", "desc");
  CHECK_REPLY(c, "*1\r\n$1\r\nb\r\n", "sort", "z", "by", "nosort", "limit", "1", "1");
  CHECK_REPLY(c, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "z", "by", "nosort", "desc", "limit", "1",
              "5");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "z");
  CHECK_REPLY(c, "+OK\r\n", "set", "str", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sort",
              "str");
  CHECK_REPLY(c, ":1\r\n", "hset", "hh", "a", "b");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sort",
              "hh");
  CHECK_REPLY(c, "*0\r\n", "sort", "nokey");
  CHECK_REPLY(c, ":0\r\n", "sort", "nokey", "store", "dst4");
  CHECK_REPLY(c, ":2\r\n", "rpush", "ll", "x", "y");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "ll");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "ll",
              "store", "ll");
  CHECK_REPLY(c, ":2\r\n", "sort", "ll", "alpha", "store", "ll");
  CHECK_REPLY(c, "*2\r\n$1\r\nx\r\n$1\r\ny\r\n", "lrange", "ll", "0", "-1");
  CHECK_REPLY(c, ":6\r\n", "rpush", "nums", "1e3", "0x10", " 5", "inf", "-inf", "3");
  CHECK_REPLY(c,
              "*6\r\n$4\r\n-inf\r\n$1\r\n3\r\n$2\r\n 5\r\n$4\r\n0x10\r\n$3\r\n1e3\r\n$3\r\ninf\r\n",
              "sort", "nums");
  CHECK_REPLY(c, ":1\r\n", "rpush", "bad", "nan");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "bad");
  {
    const char *argv[] = { "rpush", "nul", "1\0z", "2" }; /* an element with a NUL byte */
    const size_t lens[] = { 5, 3, 3, 1 };
    CHECK(strcmp(exec_argv(c, 4, argv, lens), ":2\r\n") == 0);
  }
  CHECK_REPLY(c,
              "*2\r\n$3\r\n1\x00"
              "z\r\n$1\r\n2\r\n",
              "sort", "nul");
  CHECK_REPLY(c, ":2\r\n", "rpush", "em", "", "1");
  CHECK_REPLY(c, "*2\r\n$0\r\n\r\n$1\r\n1\r\n", "sort", "em");
  {
    const char *argv[] = { "rpush", "al", "b", "a\0z", "a\0b", "a" };
    const size_t lens[] = { 5, 2, 1, 3, 3, 1 };
    CHECK(strcmp(exec_argv(c, 6, argv, lens), ":4\r\n") == 0);
  }
  CHECK_REPLY(c, ":4\r\n", "sort", "al", "alpha", "store", "alst");
  CHECK_REPLY(c,
              "*4\r\n$1\r\na\r\n$3\r\na\x00"
              "b\r\n$3\r\na\x00"
              "z\r\n$1\r\nb\r\n",
              "lrange", "alst", "0", "-1");
  CHECK_REPLY(c, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n",
              "sort", "l", "by", "w_*->");
  CHECK_REPLY(c, "+OK\r\n", "set", "k_", "7");
  CHECK_REPLY(c, "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", "sort", "l", "by", "k_", "get",
              "k_");
  CHECK_REPLY(c, "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n",
              "sort", "l", "by", "#");
  CHECK_REPLY(c, "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", "sort", "l", "get", "#x");
  CHECK_REPLY(c, "*1\r\n$3\r\n2.5\r\n", "sort", "l", "desc", "alpha", "limit", "0", "1", "by",
              "nosort");
  CHECK_REPLY(c, ":1\r\n", "expire", "l", "100");
  CHECK_REPLY(c, ":6\r\n", "sort", "l", "store", "l");
  CHECK_REPLY(c, ":-1\r\n", "ttl", "l");
  CHECK_REPLY(c, ":1\r\n", "rpush", "big", "1e400");
  CHECK_REPLY(c, "-ERR One or more scores can't be converted into double\r\n", "sort", "big");
  /* Redis 7.0 then fails every numeric SORT on this connection (it checks errno without
   * clearing it first): a documented difference, here each SORT stands alone. */
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "z", "by", "nosort");
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

/* Random integer lists (some past the listpack limit, so quicklists too) sorted by SORT, with
 * and without LIMIT and DESC, against qsort; then BY weights that reverse the order. */
static void model(st_client *c) {
  for (int round = 0; round < 40; round++) {
    exec(c, "FLUSHALL", NULL);
    size_t n = rnd() % 300;
    long long vals[300];
    char num[32];
    for (size_t i = 0; i < n; i++) {
      vals[i] = (long long)(rnd() % 2001) - 1000;
      snprintf(num, sizeof num, "%lld", vals[i]);
      exec(c, "RPUSH", "m", num, NULL);
      char wkey[40];
      snprintf(wkey, sizeof wkey, "w_%lld", vals[i]);
      char neg[32];
      snprintf(neg, sizeof neg, "%lld", -vals[i]);
      exec(c, "SET", wkey, neg, NULL);
    }
    qsort(vals, n, sizeof vals[0], cmp_ll);
    long long off = (long long)(rnd() % 50), cnt = (long long)(rnd() % 50);
    char so[32], sc[32];
    snprintf(so, sizeof so, "%lld", off);
    snprintf(sc, sizeof sc, "%lld", cnt);
    static char want[1 << 16];
    for (int variant = 0; variant < 3; variant++) {
      size_t from = variant == 0 ? 0 : (size_t)off, to = n;
      if (variant > 0 && from > n) from = n;
      if (variant > 0 && from + (size_t)cnt < to) to = from + (size_t)cnt;
      size_t w = (size_t)snprintf(want, sizeof want, "*%zu\r\n", to - from);
      for (size_t i = from; i < to; i++) {
        /* variant 2 sorts DESC by weights -v: the same ascending order. */
        snprintf(num, sizeof num, "%lld", vals[i]);
        w += (size_t)snprintf(want + w, sizeof want - w, "$%zu\r\n%s\r\n", strlen(num), num);
      }
      const char *got = variant == 0 ? exec(c, "SORT", "m", NULL)
                        : variant == 1
                            ? exec(c, "SORT", "m", "LIMIT", so, sc, NULL)
                            : exec(c, "SORT", "m", "BY", "w_*", "DESC", "LIMIT", so, sc, NULL);
      /* Equal weights tie-break on the element bytes, which is not numeric order: compare
       * BY only when the values are distinct. */
      int distinct = 1;
      for (size_t i = 1; i < n; i++) distinct &= vals[i] != vals[i - 1];
      if (variant < 2 || distinct) {
        CHECK(strcmp(got, want) == 0);
        if (strcmp(got, want) != 0)
          fprintf(stderr, "  variant %d n %zu: got %.60s want %.60s\n", variant, n, got, want);
      }
    }
  }
}

/* STORE builds the whole list before it replaces the destination: under OOM nothing changes. */
static void oom(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  char big[1001];
  memset(big, 'x', 1000);
  big[1000] = '\0';
  for (int i = 0; i < 20; i++) {
    char num[16];
    snprintf(num, sizeof num, "%d", i);
    exec(c, "RPUSH", "l", num, NULL);
    char k[16];
    snprintf(k, sizeof k, "v_%d", i);
    exec(c, "SET", k, big, NULL);
  }
  exec(c, "SET", "dst", "keep", NULL);
  tm_set_policy(h, TM_POLICY_STRICT);
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  double pm = 0;
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) pm += s[TM_S_CELL(TM_PMEM, cat)];
  tm_set_limit(h, TM_PMEM, (size_t)pm);
  CHECK_REPLY(c, "-" ERR_OOM "\r\n", "SORT", "l", "GET", "v_*", "STORE", "dst");
  CHECK_REPLY(c, "$4\r\nkeep\r\n", "GET", "dst");
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK_REPLY(c, ":20\r\n", "SORT", "l", "GET", "v_*", "STORE", "dst");
  CHECK_REPLY(c, ":20\r\n", "LLEN", "dst");
}

/* Redis's SORT (and SORT_RO) converts a listpack sorted set to a skiplist once the arguments
 * parsed and the type checked, and the skiplist shows: ZSCAN's score text (ld2string), a -0. */
static void zset_conversion(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  CHECK_REPLY(c, ":2\r\n", "zadd", "z", "4000000000000000000", "a", "1", "b");
  CHECK_REPLY(c, ":1\r\n", "zadd", "x", "1", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sort", "x", "bogus");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "object", "encoding", "x");
  CHECK_REPLY(c, "*1\r\n$1\r\na\r\n", "sort", "x", "by", "k", "limit", "0", "1");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "x");
  CHECK_REPLY(c, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "sort_ro", "z", "by", "nosort");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "z");
  CHECK_REPLY(c, ":1\r\n", "zrem", "z", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$5\r\n4e+18\r\n", "zscan", "z", "0", "count",
              "1000");
  CHECK_REPLY(c, ":1\r\n", "zadd", "z", "-0", "m");
  CHECK_REPLY(c, "*2\r\n$1\r\nm\r\n$2\r\n-0\r\n", "zpopmin", "z");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  redis_cases(c, ENC_LISTPACK);
  redis_cases(c, ENC_SKIPLIST);
  model(c);
  zset_conversion(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("sort_test");
}
