/* walk_test.c - st_walk_blocks as an accounting oracle: over a mixed dataset (every type and
 * encoding, TTLs, several dbs, a client with a name, a lazily freed keyspace), the visited
 * blocks add up exactly to sm's cells, and memkind agrees with every block's tier and size. */
#include <stdint.h>

#include "cmdtest.h"
#include "lazyfree.h"
#include "migrate.h"
#include "store.h"

typedef struct tally {
  st_store *st;
  int64_t bytes[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  int64_t count[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  size_t blocks, bad_tier, bad_usable, bad_cell;
} tally;

static void visit(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                  tm_category cat) {
  tally *t = arg;
  if (owner >= SM_OWNERS || (unsigned)cat >= TM_CAT_COUNT || tier >= TM_TIER_COUNT) {
    t->bad_cell++;
    return;
  }
  size_t u = sm_usable(&t->st->mem, tier, ptr, size);
  t->bytes[owner][cat][tier] += (int64_t)u;
  t->count[owner][cat][tier]++;
  t->blocks++;
  if (tm_detect_tier(t->st->mem.heap, ptr) != (int)tier) t->bad_tier++;
  tm_block b = { .ptr = (void *)ptr, .usable = u, .tier = tier, .cat = (uint8_t)cat };
  if (tm_backend_usable_size(t->st->mem.heap, &b) != u) t->bad_usable++;
}

static void check_walk(st_store *st, const char *what) {
  static tally t;
  memset(&t, 0, sizeof t);
  t.st = st;
  st_walk_blocks(st, visit, &t);
  CHECK(t.blocks > 0);
  CHECK(t.bad_cell == 0);
  CHECK(t.bad_tier == 0);
  CHECK(t.bad_usable == 0);
  int cells_bad = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int c = 0; c < TM_CAT_COUNT; c++)
      for (int r = 0; r < TM_TIER_COUNT; r++) {
        const sm_cell *cell = &st->mem.cell[o][c][r];
        int ok = cell->bytes == t.bytes[o][c][r] && cell->count == t.count[o][c][r];
        CHECK(ok);
        if (!ok) {
          cells_bad++;
          fprintf(stderr, "  %s: owner %d cat %d tier %d: sm %lld B / %lld, walk %lld B / %lld\n",
                  what, o, c, r, (long long)cell->bytes, (long long)cell->count,
                  (long long)t.bytes[o][c][r], (long long)t.count[o][c][r]);
        }
      }
  printf("  %s: %zu blocks, %d cells off\n", what, t.blocks, cells_bad);
}

static void fill(st_client *c, int db) {
  char sel[8], k[64], f[64], big[200];
  snprintf(sel, sizeof sel, "%d", db);
  CHECK_REPLY(c, "+OK\r\n", "select", sel);
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  /* strings: int, small, large (PMem under the 256-byte threshold), appended */
  exec(c, "set", "s:int", "12345", NULL);
  exec(c, "set", "s:small", "hello", NULL);
  static char huge[5000];
  memset(huge, 'h', sizeof huge - 1);
  exec(c, "set", "s:large", huge, NULL);
  exec(c, "append", "s:app", "abc", NULL);
  exec(c, "append", "s:app", big, NULL);
  exec(c, "set", "s:ttl", "v", "ex", "1000", NULL);
  exec(c, "set", "s:pttl", huge, "px", "500000", NULL);
  /* lists: small listpack, > 8 KiB quicklist */
  exec(c, "rpush", "l:small", "a", "b", "1", "2", NULL);
  for (int i = 0; i < 200; i++) exec(c, "rpush", "l:big", big, "x", NULL);
  exec(c, "lpush", "l:big", "head", NULL);
  exec(c, "expire", "l:big", "1000", NULL);
  /* hashes: listpack, > 128 fields, one > 64-byte value */
  exec(c, "hset", "h:small", "a", "1", "b", "2", NULL);
  for (int i = 0; i < 150; i++) {
    snprintf(f, sizeof f, "f%d", i);
    exec(c, "hset", "h:many", f, i % 3 ? "v" : big, NULL);
  }
  exec(c, "hset", "h:bigval", "a", "1", "big", big, NULL);
  exec(c, "hset", "h:bigval", "empty", "", NULL);
  /* sets: intset, listpack, hashtable (many and long members) */
  exec(c, "sadd", "set:int", "1", "2", "3", "100000", NULL);
  exec(c, "sadd", "set:lp", "a", "b", "1", NULL);
  for (int i = 0; i < 200; i++) {
    snprintf(k, sizeof k, "member-%d", i);
    exec(c, "sadd", "set:ht", k, NULL);
  }
  exec(c, "sadd", "set:long", "a", big, NULL);
  exec(c, "pexpire", "set:ht", "900000", NULL);
  /* sorted sets: listpack, skiplist */
  exec(c, "zadd", "z:small", "1", "a", "2", "b", NULL);
  for (int i = 0; i < 200; i++) {
    snprintf(k, sizeof k, "%d", i);
    snprintf(f, sizeof f, "zm-%d", i);
    exec(c, "zadd", "z:big", k, f, NULL);
  }
  exec(c, "zadd", "z:big", "3.5", big, NULL);
  /* many plain keys with TTLs: keyspace and expiry heap grow */
  for (int i = 0; i < 300; i++) {
    snprintf(k, sizeof k, "key:%d:%d", db, i);
    exec(c, "set", k, i % 2 ? "val" : big, NULL);
    if (i % 3 == 0) exec(c, "expire", k, "5000", NULL);
  }
  /* a long key */
  static char lk[400];
  memset(lk, 'k', sizeof lk - 1);
  exec(c, "set", lk, "v", "ex", "100", NULL);
}

/* Migration: every movable value of every db to `to` (the walk must still add up). */
typedef struct move_ctx {
  st_store *st;
  uint8_t to;
  size_t moved;
} move_ctx;
static void move_node(const dict_node *n, void *arg) {
  move_ctx *m = arg;
  m->moved += mig_move(m->st, (st_entry *)n, m->to) > 0;
}
static size_t move_every(st_store *st, uint8_t to) {
  move_ctx m = { st, to, 0 };
  for (int i = 0; i < st->ndb; i++) st_walk_dict_nodes(&st->dbs[i].keys, move_node, &m);
  return m.moved;
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  check_walk(st, "empty");
  exec(c, "client", "setname", "walker", NULL);
  fill(c, 0);
  check_walk(st, "db 0");
  fill(c, 3);
  fill(c, 15);
  check_walk(st, "dbs 0, 3, 15");
  /* a second client with a pending (unread) reply and a partial query buffer */
  st_client *c2 = st_client_new(st);
  const char *partial = "*3\r\n$3\r\nset\r\n$1\r\nq\r\n$10\r\nabc";
  st_feed(c2, partial, strlen(partial));
  CHECK_REPLY(c, "+OK\r\n", "select", "15");
  exec(c, "lrange", "l:big", "0", "-1", NULL);
  check_walk(st, "two clients");
  /* changes: deletes, type change, persist, conversions back */
  CHECK_REPLY(c, "+OK\r\n", "select", "3");
  exec(c, "del", "h:many", "s:large", NULL);
  exec(c, "set", "l:small", "now a string", NULL);
  exec(c, "persist", "s:ttl", NULL);
  exec(c, "ltrim", "l:big", "0", "2", NULL);
  exec(c, "spop", "set:ht", "150", NULL);
  exec(c, "zremrangebyrank", "z:big", "0", "150", NULL);
  check_walk(st, "after changes");
  CHECK(move_every(st, TM_PMEM) > 0);
  check_walk(st, "migrated to pmem");
  CHECK(move_every(st, TM_DRAM) > 0);
  check_walk(st, "migrated to dram");
  /* lazy free: a huge value and a whole keyspace, walked while queued */
  CHECK_REPLY(c, "+OK\r\n", "select", "0");
  for (int i = 0; i < 3000; i++) {
    char f[32];
    snprintf(f, sizeof f, "m%d", i);
    exec(c, "sadd", "set:huge", f, NULL);
  }
  exec(c, "unlink", "set:huge", NULL);
  exec(c, "flushdb", "async", NULL);
  printf("  lazy pending: %zu\n", st->lazy_pending);
  check_walk(st, "lazyfree queued");
  int steps = 0;
  while (lazy_run(st, 0) != 0 && steps++ < 100000) check_walk(st, "lazyfree running");
  check_walk(st, "lazyfree done");
  exec(c, "flushall", NULL);
  st_client_free(c2);
  check_walk(st, "flushall");
  st_client_free(c);
  check_walk(st, "no clients");
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("walk_test");
}
