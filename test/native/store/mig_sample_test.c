/* mig_sample_test.c - how many migrator steps it takes to find a lone value of the wanted tier.
 *
 * The migrator's picks sample the keyspace as Redis's eviction does (dict_sample: a few nodes
 * from consecutive buckets at a random spot), which reaches a node only from the few spots just
 * before it: a node deep in a chain, or behind a full bucket, is seldom or never sampled. With
 * one DRAM value among thousands of PMem ones (a debt to repay by demotion), or one PMem value
 * among DRAM ones (a promotion quota), that decides whether the demand is met at all. Each
 * layout below puts one value on the wanted tier, re-arms the demand after every step (a dropped
 * demand would hide a miss), and counts the steps until the value moved. The migrator's sweep
 * (migrate.h) bounds that count by the keyspace's buckets over MIG_SWEEP_BUCKETS per step. */
#include <stdint.h>

#include "cmdtest.h"
#include "migrate.h"
#include "store.h"

#define NKEYS 2000
#define TRIALS 60
#define MAX_STEPS 2048

static char val[300];

static st_entry *find(st_store *st, int db, const char *key) {
  return (st_entry *)dict_find(&st->dbs[db].keys, key, strlen(key));
}

typedef struct move_ctx {
  st_store *st;
  uint8_t to;
} move_ctx;
static void move_node(const dict_node *n, void *arg) {
  move_ctx *m = arg;
  mig_move(m->st, (st_entry *)n, m->to);
}
static void move_db(st_store *st, int db, uint8_t to) {
  move_ctx m = { st, to };
  st_walk_dict_nodes(&st->dbs[db].keys, move_node, &m);
}

static void settle(st_store *st) {
  for (int i = 0; i < st->ndb; i++)
    while (dict_resizing(&st->dbs[i].keys)) dict_rehash_steps(&st->dbs[i].keys, 1000);
}

/* Steps until `key` (db) reached tier `to`, the demand re-armed before each step. */
static int steps_to_find(st_store *st, int db, const char *key, uint8_t to) {
  st_mig *m = st->mig;
  size_t bytes = mig_move(st, find(st, db, key), to ^ 1);
  if (bytes == 0) return -1;
  m->debt = 0;
  st_mig_request(st, TM_PMEM, 0);
  st_mig_request(st, TM_DRAM, 0);
  int steps = 0;
  while (entry_val_tier(find(st, db, key)) != to && steps < MAX_STEPS) {
    if (to == TM_PMEM && m->debt == 0) m->debt = (int64_t)bytes;
    if (to == TM_DRAM && m->quota[TM_DRAM] == 0) st_mig_request(st, TM_DRAM, (int64_t)bytes);
    m->tokens = 1e9;
    mig_step(st, 1000000);
    steps++;
  }
  m->debt = 0;
  st_mig_request(st, TM_DRAM, 0);
  return steps;
}

typedef struct tally {
  int n, over256, over1024, max;
  long sum;
} tally;

static void count(tally *t, int steps) {
  t->n++;
  t->sum += steps;
  t->over256 += steps > 256;
  t->over1024 += steps > 1024;
  if (steps > t->max) t->max = steps;
}

static void report(const char *layout, const tally *t) {
  printf("  %-34s %3d trials: mean %7.1f steps, max %4d, >256: %d, >1024: %d\n", layout, t->n,
         t->n ? (double)t->sum / t->n : 0.0, t->max, t->over256, t->over1024);
}

/* The bound every layout must meet: one sweep of the keyspace (every db's buckets), a few
 * hundred buckets per step at the least (the step's time budget is generous here). */
static int bound(const st_store *st) {
  uint64_t buckets = 0;
  for (int i = 0; i < st->ndb; i++) buckets += dict_buckets(&st->dbs[i].keys);
  return (int)(buckets / MIG_SWEEP_BUCKETS) + 2;
}

static void fill(st_client *c, const char *prefix, int n, int from) {
  char k[32];
  for (int i = from; i < from + n; i++) {
    snprintf(k, sizeof k, "%s%d", prefix, i);
    exec(c, "set", k, val, NULL);
  }
}

/* Uniform keys, the lone value a different random key each trial, both directions. */
static void layout_uniform(st_store *st, st_client *c, uint8_t to) {
  fill(c, "u", NKEYS, 0);
  settle(st);
  move_db(st, 0, to);
  tally t = { 0 };
  char k[32];
  for (int i = 0; i < TRIALS; i++) {
    snprintf(k, sizeof k, "u%d", (int)(dict_rand64() % NKEYS));
    int s = steps_to_find(st, 0, k, to);
    CHECK(s >= 0);
    count(&t, s);
  }
  report(to == TM_PMEM ? "uniform, lone DRAM (debt)" : "uniform, lone PMem (promote quota)", &t);
  CHECK(t.max <= bound(st));
  exec(c, "flushall", NULL);
}

/* The lone value first in its bucket, then six keys that hash to the same bucket after it:
 * new nodes are linked at the chain's head, so it sits seventh, past any one sample of 5. */
static void layout_chain_tail(st_store *st, st_client *c) {
  fill(c, "t", NKEYS - 200, 0); /* room for the trials' keys before the table grows */
  settle(st);
  move_db(st, 0, TM_PMEM);
  dict *d = &st->dbs[0].keys;
  uint64_t mask = d->t[0].size - 1;
  tally t = { 0 };
  char lone[32], k[32];
  for (int trial = 0; trial < TRIALS / 3; trial++) {
    CHECK(!dict_resizing(d) && d->t[0].size == mask + 1);
    snprintf(lone, sizeof lone, "lone%d", trial);
    exec(c, "set", lone, val, NULL);
    mig_move(st, find(st, 0, lone), TM_PMEM);
    uint64_t b = dict_hash(lone, strlen(lone)) & mask;
    int added = 0;
    for (int j = 0; added < 6 && j < 1000000; j++) {
      snprintf(k, sizeof k, "col%d-%d", trial, j);
      if ((dict_hash(k, strlen(k)) & mask) != b) continue;
      exec(c, "set", k, val, NULL);
      mig_move(st, find(st, 0, k), TM_PMEM);
      added++;
    }
    CHECK(added == 6);
    CHECK(!dict_resizing(d) && d->t[0].size == mask + 1);
    int s = steps_to_find(st, 0, lone, TM_PMEM);
    count(&t, s);
  }
  report("lone DRAM 7th in its chain (debt)", &t);
  CHECK(t.max <= bound(st));
  exec(c, "flushall", NULL);
}

/* Mostly empty buckets: 16000 keys loaded, all but 2100 deleted (no shrink below 1/8). */
static void layout_sparse_table(st_store *st, st_client *c) {
  fill(c, "p", 16000, 0);
  settle(st);
  char k[32];
  for (int i = 2100; i < 16000; i++) {
    snprintf(k, sizeof k, "p%d", i);
    exec(c, "del", k, NULL);
  }
  settle(st);
  move_db(st, 0, TM_PMEM);
  printf("  sparse table: %zu keys in %llu buckets\n", dict_size(&st->dbs[0].keys),
         (unsigned long long)dict_buckets(&st->dbs[0].keys));
  tally t = { 0 };
  for (int i = 0; i < TRIALS; i++) {
    snprintf(k, sizeof k, "p%d", (int)(dict_rand64() % 2100));
    count(&t, steps_to_find(st, 0, k, TM_PMEM));
  }
  report("sparse table, lone DRAM (debt)", &t);
  CHECK(t.max <= bound(st));
  exec(c, "flushall", NULL);
}

/* The lone value in another db than the crowd. */
static void layout_other_db(st_store *st, st_client *c) {
  fill(c, "o", NKEYS, 0);
  exec(c, "select", "5", NULL);
  fill(c, "q", 3, 0);
  exec(c, "select", "0", NULL);
  settle(st);
  move_db(st, 0, TM_PMEM);
  move_db(st, 5, TM_PMEM);
  tally t = { 0 };
  for (int i = 0; i < TRIALS / 3; i++) count(&t, steps_to_find(st, 5, "q1", TM_PMEM));
  report("lone DRAM in db 5, crowd in db 0", &t);
  CHECK(t.max <= bound(st));
  exec(c, "flushall", NULL);
}

int main(void) {
  memset(val, 'v', sizeof val - 1);
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  st->cfg.migrate_rate = 1ll << 30;
  layout_uniform(st, c, TM_PMEM);
  layout_uniform(st, c, TM_DRAM);
  layout_chain_tail(st, c);
  layout_sparse_table(st, c);
  layout_other_db(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("mig_sample_test");
}
