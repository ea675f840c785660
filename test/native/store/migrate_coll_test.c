/* migrate_coll_test.c - collection values and the migrator: a hashtable hash's value blocks move
 * to PMem and back in bounded batches with exact accounting (block by block against
 * st_walk_blocks and memkind) and intact contents, writes after the moves keep it exact, and a
 * hash/zset/list-heavy dataset reaches a DRAM share target through the controller's quota.
 * Hashtable sets and skiplist zsets keep their members inside pinned metadata nodes: nothing of
 * theirs moves, and the test says so. */
#include <stdint.h>

#include "cmdtest.h"
#include "walkcheck.h"
#include "migrate.h"
#include "store.h"

static st_entry *find(st_store *st, const char *key) {
  return (st_entry *)dict_find(&st->dbs[0].keys, key, strlen(key));
}

static int64_t data_bytes(st_store *st, unsigned owner, tm_tier t) {
  return st->mem.cell[owner][TM_CAT_DATA][t].bytes;
}

static char val[100];

/* A hash of n fields, each value 100 bytes (below the 256-byte threshold: DRAM). */
static void fill_hash(st_client *c, const char *key, int n) {
  char f[32];
  for (int i = 0; i < n; i++) {
    snprintf(f, sizeof f, "f%d", i);
    exec(c, "hset", key, f, val, NULL);
  }
}

static void test_hash_moves(st_store *st, st_client *c) {
  st->cfg.migrate_rate = 0; /* no promotions on read while checking content */
  fill_hash(c, "h", 1000);
  CHECK(entry_enc(find(st, "h")) == ENC_HASHTABLE);
  static char before[1 << 18], usage[64];
  snprintf(before, sizeof before, "%s", exec(c, "hgetall", "h", NULL));
  snprintf(usage, sizeof usage, "%s", exec(c, "memory", "usage", "h", NULL));
  int64_t dram = data_bytes(st, ST_HASH, TM_DRAM);
  CHECK(dram > 1000 * 100 && data_bytes(st, ST_HASH, TM_PMEM) == 0);
  CHECK(mig_value_tier(find(st, "h")) == TM_DRAM);
  /* Bounded: one move is one batch of MIG_HASH_VALUES values (and the rest of the last dict
   * bucket it opened); a 99-byte value takes 112 usable bytes. */
  size_t first = mig_move(st, find(st, "h"), TM_PMEM);
  CHECK(first >= MIG_HASH_VALUES * 112 && first <= (MIG_HASH_VALUES + 16) * 112);
  check_exact(st, "one batch");
  int moves = 1;
  while (mig_move(st, find(st, "h"), TM_PMEM) > 0) moves++;
  printf("  1000 hash values demoted in %d moves\n", moves);
  CHECK(moves >= 1000 / MIG_HASH_VALUES);
  CHECK(data_bytes(st, ST_HASH, TM_DRAM) == 0 && data_bytes(st, ST_HASH, TM_PMEM) == dram);
  CHECK(mig_value_tier(find(st, "h")) == TM_PMEM);
  /* Fields (metadata) stay in DRAM. */
  CHECK(st->mem.cell[ST_HASH][TM_CAT_METADATA][TM_PMEM].count == 0);
  check_exact(st, "hash to pmem");
  CHECK(strcmp(exec(c, "hgetall", "h", NULL), before) == 0);
  CHECK(strcmp(exec(c, "memory", "usage", "h", NULL), usage) == 0);
  /* Writes on moved values: overwrite, delete, add. */
  CHECK_REPLY(c, ":0\r\n", "hset", "h", "f1", "new", NULL);
  CHECK_REPLY(c, ":1\r\n", "hdel", "h", "f2", NULL);
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "added", "x", NULL);
  CHECK_REPLY(c, "$3\r\nnew\r\n", "hget", "h", "f1");
  check_exact(st, "writes after moves");
  /* And back. */
  while (mig_move(st, find(st, "h"), TM_DRAM) > 0) {}
  CHECK(data_bytes(st, ST_HASH, TM_PMEM) == 0);
  check_exact(st, "hash back to dram");
  CHECK_REPLY(c, ":1000\r\n", "hlen", "h");
  /* Members of hashtable sets and skiplist zsets live in pinned nodes: nothing moves. */
  for (int i = 0; i < 200; i++) {
    char m[16];
    snprintf(m, sizeof m, "m%d", i);
    exec(c, "sadd", "s", m, NULL);
    exec(c, "zadd", "z", "1", m, NULL);
  }
  CHECK(entry_enc(find(st, "s")) == ENC_HASHTABLE && entry_enc(find(st, "z")) == ENC_SKIPLIST);
  CHECK(mig_move(st, find(st, "s"), TM_PMEM) == 0 && mig_move(st, find(st, "z"), TM_PMEM) == 0);
  CHECK(data_bytes(st, ST_SET, TM_DRAM) + data_bytes(st, ST_ZSET, TM_DRAM) == 0);
  check_exact(st, "sets and zsets");
  exec(c, "flushall", NULL);
  check_exact(st, "flushed");
}

/* A dataset of hashes (hashtable and listpack), lists (quicklists) and small zsets, all data
 * in DRAM; the controller asks for the bytes that bring the DRAM share of data to 1:4. */
static void test_share_reaches_target(st_store *st, st_client *c) {
  st->cfg.migrate_rate = 1ll << 30;
  tm_set_threshold(st->mem.heap, 1 << 20); /* every value, list node and listpack in DRAM */
  char k[32];
  for (int i = 0; i < 20; i++) {
    snprintf(k, sizeof k, "h%d", i);
    fill_hash(c, k, 300);
    snprintf(k, sizeof k, "hs%d", i);
    exec(c, "hset", k, "a", val, "b", val, NULL);
    snprintf(k, sizeof k, "l%d", i);
    for (int j = 0; j < 200; j++) exec(c, "rpush", k, val, NULL);
    snprintf(k, sizeof k, "z%d", i);
    exec(c, "zadd", k, "1", val, NULL);
  }
  int64_t dram = 0, pmem = 0;
  for (unsigned o = 0; o < ST_TYPE_COUNT; o++) {
    dram += data_bytes(st, o, TM_DRAM);
    pmem += data_bytes(st, o, TM_PMEM);
  }
  CHECK(pmem == 0);
  int64_t hash_share = data_bytes(st, ST_HASH, TM_DRAM);
  printf("  dataset: %lld data bytes, %lld of them hash values\n", (long long)dram,
         (long long)hash_share);
  /* Hash-heavy: without the hashtable hashes' values 1:4 (80% of the bytes moved) is out of
   * reach. */
  CHECK(dram - hash_share < dram * 8 / 10);
  st_mig_request(st, TM_PMEM, dram - dram / 5);
  st->mig->tokens = 1e9;
  for (int i = 0; i < 200 && st->mig->quota[TM_PMEM] > 0; i++) {
    st->now_ms += 100;
    mig_step(st, 1000000);
  }
  int64_t d = 0, p = 0;
  for (unsigned o = 0; o < ST_TYPE_COUNT; o++) {
    d += data_bytes(st, o, TM_DRAM);
    p += data_bytes(st, o, TM_PMEM);
  }
  double share = (double)d / (double)(d + p);
  printf("  DRAM share of data after migration: %.4f (target 0.2)\n", share);
  CHECK(share >= 0.18 && share <= 0.22);
  CHECK(data_bytes(st, ST_HASH, TM_PMEM) > 0 && data_bytes(st, ST_LIST, TM_PMEM) > 0);
  check_exact(st, "share");
  for (int i = 0; i < 20; i++) {
    snprintf(k, sizeof k, "h%d", i);
    CHECK_REPLY(c, ":300\r\n", "hlen", k);
    snprintf(k, sizeof k, "l%d", i);
    CHECK_REPLY(c, ":200\r\n", "llen", k);
  }
  CHECK(strcmp(exec(c, "hget", "h7", "f123", NULL), exec(c, "hget", "h8", "f9", NULL)) == 0);
  exec(c, "flushall", NULL);
  check_exact(st, "flushed");
}

int main(void) {
  memset(val, 'v', sizeof val - 1);
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  test_hash_moves(st, c);
  test_share_reaches_target(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("migrate_coll_test");
}
