/* copy_test.c - COPY of every type in every encoding: the copy reads back equal to the source,
 * keeps its encoding and TTL, is independent of it afterwards, honours DB and REPLACE, and under
 * OOM leaves both keys as they were. */
#include "cmdtest.h"
#include "listpack.h"
#include "zsl.h"

static char saved[1 << 16];

/* The reply of a read, kept (exec's buffer is reused). */
static const char *keep(const char *r) {
  snprintf(saved, sizeof saved, "%s", r);
  return saved;
}

/* src and dst read back the same through `cmd key [args]` (e.g. LRANGE k 0 -1). */
static void same(st_client *c, const char *cmd, const char *src, const char *dst, const char *a1,
                 const char *a2) {
  const char *x = keep(exec(c, cmd, src, a1, a2, NULL));
  const char *y = exec(c, cmd, dst, a1, a2, NULL);
  CHECK(strcmp(x, y) == 0);
  if (strcmp(x, y) != 0) fprintf(stderr, "  %s %s: %.80s vs %.80s\n", cmd, dst, x, y);
  char enc_src[64];
  snprintf(enc_src, sizeof enc_src, "%s", exec(c, "OBJECT", "ENCODING", src, NULL));
  CHECK(strcmp(enc_src, exec(c, "OBJECT", "ENCODING", dst, NULL)) == 0);
}

/* A sorted set of n members under key: a listpack for small n, a skiplist above 128. */
static void add_zset(st_client *c, const char *key, int n) {
  st_store *st = c->st;
  uint8_t tier;
  char m[32];
  if (n <= 128) {
    unsigned char *lp = lp_new(&st->mem, ST_ZSET, &tier);
    for (int i = 0; i < n; i++) {
      int len = snprintf(m, sizeof m, "m%d", i);
      lp = lp_append(&st->mem, ST_ZSET, lp, &tier, (const unsigned char *)m, (uint32_t)len);
      lp = lp_append_int(&st->mem, ST_ZSET, lp, &tier, i);
    }
    CHECK(db_add(c, c->db, key, strlen(key), ST_ZSET, ENC_LISTPACK, lp, 0, tier) != NULL);
    return;
  }
  zset *z = sm_alloc(&st->mem, ST_ZSET, TM_CAT_METADATA, sizeof *z, &tier);
  CHECK(z != NULL && zset_init(z, &st->mem) == 0);
  for (int i = 0; i < n; i++) {
    int len = snprintf(m, sizeof m, "m%d", i);
    CHECK(zset_insert(z, m, (size_t)len, i) != NULL);
  }
  CHECK(db_add(c, c->db, key, strlen(key), ST_ZSET, ENC_SKIPLIST, z, 0, tier) != NULL);
}

static void fill(st_client *c, const char *type, const char *key, int n) {
  char v[32], f[32];
  for (int i = 0; i < n; i++) {
    snprintf(v, sizeof v, "v%d", i);
    snprintf(f, sizeof f, "%d", i);
    if (strcmp(type, "list") == 0) exec(c, "RPUSH", key, v, NULL);
    if (strcmp(type, "intset") == 0) exec(c, "SADD", key, f, NULL);
    if (strcmp(type, "set") == 0) exec(c, "SADD", key, v, NULL);
    if (strcmp(type, "hash") == 0) exec(c, "HSET", key, f, v, NULL);
  }
}

static void every_type(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  const int sizes[] = { 3, 2000 };
  for (int s = 0; s < 2; s++) {
    int n = sizes[s];
    exec(c, "FLUSHALL", NULL);
    fill(c, "list", "l", n);
    fill(c, "intset", "i", s ? 600 : n);
    fill(c, "set", "s", n);
    fill(c, "hash", "h", n);
    add_zset(c, "z", s ? 300 : n);
    exec(c, "SET", "str", "hello", NULL);
    exec(c, "SET", "int", "12345", NULL);
    exec(c, "APPEND", "raw", "abc", NULL);
    exec(c, "EXPIRE", "l", "1000", NULL);
    const char *keys[] = { "l", "i", "s", "h", "z", "str", "int", "raw" };
    for (int k = 0; k < 8; k++) {
      char dst[16];
      snprintf(dst, sizeof dst, "%s_copy", keys[k]);
      CHECK_REPLY(c, ":1\r\n", "COPY", keys[k], dst);
    }
    same(c, "LRANGE", "l", "l_copy", "0", "-1");
    same(c, "SORT", "i", "i_copy", "ALPHA", "ASC");
    same(c, "SORT", "s", "s_copy", "ALPHA", "ASC");
    same(c, "HLEN", "h", "h_copy", NULL, NULL);
    same(c, "HGET", "h", "h_copy", "1", NULL);
    same(c, "SORT", "z", "z_copy", "BY", "nosort");
    same(c, "GET", "str", "str_copy", NULL, NULL);
    same(c, "GET", "int", "int_copy", NULL, NULL);
    same(c, "GET", "raw", "raw_copy", NULL, NULL);
    CHECK(strcmp(exec(c, "TTL", "l_copy", NULL), ":1000\r\n") == 0);
    CHECK_REPLY(c, ":-1\r\n", "TTL", "s_copy");
    /* Independent afterwards. */
    exec(c, "RPUSH", "l_copy", "extra", NULL);
    exec(c, "SADD", "s_copy", "extra", NULL);
    exec(c, "HSET", "h_copy", "1", "changed", NULL);
    char want[32];
    snprintf(want, sizeof want, ":%d\r\n", n);
    CHECK(strcmp(exec(c, "LLEN", "l", NULL), want) == 0);
    CHECK(strcmp(exec(c, "SCARD", "s", NULL), want) == 0);
    CHECK_REPLY(c, "$2\r\nv1\r\n", "HGET", "h", "1");
  }
}

static void options(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  exec(c, "RPUSH", "l", "a", "b", NULL);
  exec(c, "SADD", "t", "x", NULL);
  /* Redis 7.0.15's replies. */
  CHECK_REPLY(c, ":0\r\n", "COPY", "l", "t");
  CHECK_REPLY(c, ":1\r\n", "COPY", "l", "t", "REPLACE");
  CHECK_REPLY(c, "+list\r\n", "TYPE", "t");
  CHECK_REPLY(c, ":1\r\n", "COPY", "l", "l", "DB", "3");
  CHECK_REPLY(c, ":0\r\n", "COPY", "l", "l", "DB", "3");
  CHECK_REPLY(c, "-ERR source and destination objects are the same\r\n", "COPY", "l", "l");
  CHECK_REPLY(c, "-ERR DB index is out of range\r\n", "COPY", "l", "x", "DB", "16");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "COPY", "l", "x", "DB", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "COPY", "l", "x", "BOGUS");
  CHECK_REPLY(c, ":0\r\n", "COPY", "nokey", "x");
  CHECK_REPLY(c, "+OK\r\n", "SELECT", "3");
  CHECK_REPLY(c, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "LRANGE", "l", "0", "-1");
  CHECK_REPLY(c, "+OK\r\n", "SELECT", "0");
}

/* Under OOM the copy fails whole: the destination keeps its old value. Large values live on
 * PMem (threshold 256), whose strict limit is set to what it holds. */
static void oom(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  for (int i = 0; i < 200; i++) exec(c, "RPUSH", "l", big, NULL);
  for (int i = 0; i < 200; i++) {
    char f[16];
    snprintf(f, sizeof f, "f%d", i);
    exec(c, "HSET", "h", f, big, NULL);
  }
  exec(c, "SET", "dst", "keep", NULL);
  double s[TM_S_LEN], pm = 0;
  tm_stats_snapshot(h, s);
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) pm += s[TM_S_CELL(TM_PMEM, cat)];
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_PMEM, (size_t)pm);
  CHECK_REPLY(c, "-" ERR_OOM "\r\n", "COPY", "l", "dst", "REPLACE");
  CHECK_REPLY(c, "-" ERR_OOM "\r\n", "COPY", "h", "dst", "REPLACE");
  CHECK_REPLY(c, "-" ERR_OOM "\r\n", "COPY", "h", "new");
  CHECK_REPLY(c, "$4\r\nkeep\r\n", "GET", "dst");
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "new");
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK_REPLY(c, ":1\r\n", "COPY", "h", "dst", "REPLACE");
  CHECK_REPLY(c, ":200\r\n", "HLEN", "dst");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  every_type(c);
  options(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("copy_test");
}
