/* memprofile_test.c - BGSAVE STAT_MEMORY's profile (memprofile.h) against the accounting cells:
 * a profiled snapshot of a store holding every type and encoding on both tiers, big collections
 * written in pieces, TTLs, two clients with buffers, the AOF buffer and a lazily freed value
 * must sum exactly to the cells at the cut; a second profiled snapshot taken while keys are
 * written, deleted and expired must give the same per-type figures (the dataset at the cut); a
 * snapshot without the option, and an aborted one, leave the last profile as it was. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "aof.h"
#include "cmdtest.h"
#include "entry.h"
#include "lazyfree.h"
#include "snapshot.h"

static char path[300];

/* Runs a snapshot to the end in small steps; returns the number of steps. */
static int run_snapshot(st_store *st, int profiled, void (*between)(st_store *, int)) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  int r = profiled ? snapshot_start_profiled(st, fd, 1, 1, 1 << 16)
                   : snapshot_start(st, fd, 1, 1, 1 << 16);
  CHECK(r == 0);
  int steps = 0;
  while (r == 0) {
    if (between) between(st, steps);
    r = snapshot_step(st, 40);
    steps++;
  }
  CHECK(r == 1);
  close(fd);
  return steps;
}

static void big(st_client *c, const char *cmd, const char *key, int n, int pairs, int width) {
  enum { BATCH = 200 };
  const char *argv[2 + 2 * BATCH];
  static char buf[2 * BATCH][400];
  for (int i = 0; i < n; i += BATCH) {
    int k = 0;
    argv[k++] = cmd;
    argv[k++] = key;
    for (int j = 0; j < BATCH && i + j < n; j++) {
      /* ZADD score member; HSET field value; SADD/RPUSH member. Every 7th value is long
       * enough (width) to be routed to PMem. */
      snprintf(buf[2 * j], sizeof buf[0], pairs == 2 ? "%d" : "m%d", i + j);
      snprintf(buf[2 * j + 1], sizeof buf[0], "v%0*d", (i + j) % 7 ? 1 : width, i + j);
      argv[k++] = buf[2 * j];
      if (pairs) argv[k++] = buf[2 * j + 1];
    }
    exec_argv(c, k, argv, NULL);
  }
}

/* Every type and encoding, values on both tiers (the threshold is 256 bytes), TTLs, db 3. */
static void fill(st_client *c) {
  char v[600];
  exec(c, "SET", "int", "12345", NULL);
  exec(c, "SET", "short", "hello", NULL);
  memset(v, 'x', 500);
  v[500] = '\0';
  exec(c, "SET", "long", v, NULL);
  exec(c, "SET", "long2", v, NULL);
  exec(c, "APPEND", "long2", "tail", NULL);
  exec(c, "RPUSH", "list_lp", "a", "1", "b", NULL);
  big(c, "RPUSH", "list_ql", 6000, 0, 300);
  exec(c, "SADD", "set_is", "1", "2", "3", NULL);
  exec(c, "SADD", "set_lp", "a", "b", NULL);
  big(c, "SADD", "set_ht", 3000, 0, 0);
  exec(c, "HSET", "hash_lp", "f", "v", NULL);
  big(c, "HSET", "hash_ht", 3000, 1, 300);
  exec(c, "ZADD", "zset_lp", "1", "a", "2", "b", NULL);
  big(c, "ZADD", "zset_sl", 3000, 2, 0);
  exec(c, "EXPIRE", "short", "1000", NULL);
  exec(c, "EXPIRE", "hash_ht", "1000", NULL);
  exec(c, "SELECT", "3", NULL);
  exec(c, "SET", "in3", v, NULL);
  exec(c, "PEXPIRE", "in3", "100000", NULL);
  exec(c, "SELECT", "0", NULL);
}

typedef struct key_count {
  uint64_t keys[ST_TYPE_COUNT][TM_TIER_COUNT];
  uint64_t with_expiry;
} key_count;

static void count_key(const dict_node *n, void *arg) {
  key_count *k = arg;
  const st_entry *e = (const st_entry *)n;
  k->keys[entry_type(e)][entry_val_tier(e)]++;
  k->with_expiry += entry_expire(e) >= 0;
}

/* What lazily freed values still hold under their types (the profile counts them apart). */
typedef struct lazy_tally {
  st_store *st;
  int64_t bytes[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
} lazy_tally;

static void lazy_visit(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                       tm_category cat) {
  lazy_tally *t = arg;
  t->bytes[owner][cat][tier] += (int64_t)sm_usable(&t->st->mem, tier, ptr, size);
}

static const tm_category part_cat[MP_PARTS] = { TM_CAT_DATA, TM_CAT_KEYS, TM_CAT_METADATA };

/* The profile against the cells as they were at the cut (cells, total, lazy, keys). */
static void check_against_cells(const st_memprofile *p,
                                const sm_cell (*cells)[TM_CAT_COUNT][TM_TIER_COUNT], int64_t total,
                                const lazy_tally *lazy, const key_count *k) {
  CHECK(p->valid);
  int64_t sum = 0;
  int off = 0;
  for (int t = 0; t < ST_TYPE_COUNT; t++)
    for (int r = 0; r < TM_TIER_COUNT; r++) {
      for (int part = 0; part < MP_PARTS; part++) {
        int64_t want = cells[t][part_cat[part]][r].bytes - lazy->bytes[t][part_cat[part]][r];
        if ((int64_t)p->type[t][r].bytes[part] != want) {
          off++;
          fprintf(stderr, "  type %d tier %d %s: profile %llu, cells %lld\n", t, r,
                  mp_part_names[part], (unsigned long long)p->type[t][r].bytes[part],
                  (long long)want);
        }
        sum += (int64_t)p->type[t][r].bytes[part];
      }
      if (p->type[t][r].keys != k->keys[t][r]) {
        off++;
        fprintf(stderr, "  type %d tier %d: %llu keys, %llu in the keyspace\n", t, r,
                (unsigned long long)p->type[t][r].keys, (unsigned long long)k->keys[t][r]);
      }
    }
  CHECK(off == 0);
  for (int part = 0; part < MP_STORE_PARTS; part++)
    for (int r = 0; r < TM_TIER_COUNT; r++) sum += (int64_t)p->store[part][r];
  CHECK(sum == total);
  if (sum != total)
    fprintf(stderr, "  profile %lld bytes, cells %lld\n", (long long)sum, (long long)total);
  CHECK(p->keys_with_expiry == k->with_expiry);
  /* Buffers: the clients' and the AOF's are all the store-owned buffers at the cut. */
  for (int r = 0; r < TM_TIER_COUNT; r++)
    CHECK((int64_t)(p->store[MP_CLIENTS][r] + p->store[MP_AOF][r]) ==
          cells[SM_STORE][TM_CAT_BUFFERS][r].bytes);
}

static st_client *writer;

/* Writes, deletes, expiries and changes to big collections between the snapshot's steps. */
static void churn(st_store *st, int step) {
  char k[32], v[32];
  snprintf(v, sizeof v, "new%d", step);
  exec(writer, "SET", "short", v, NULL);
  exec(writer, "SET", "fresh", v, NULL);
  exec(writer, "INCR", "int", NULL);
  if (step == 2) exec(writer, "DEL", "long", NULL);
  if (step == 3) exec(writer, "PEXPIRE", "long2", "1", NULL);
  if (step % 5 == 1) {
    exec(writer, "HSET", "hash_ht", "added", v, NULL);
    exec(writer, "SADD", "set_ht", v, NULL);
    exec(writer, "ZADD", "zset_sl", "-1", v, NULL);
    exec(writer, "RPUSH", "list_ql", v, NULL);
    snprintf(k, sizeof k, "m%d", step);
    exec(writer, "HDEL", "hash_ht", k, NULL);
  }
  if (step == 7) exec(writer, "RENAME", "set_lp", "set_lp2", NULL);
  usleep(step == 4 ? 3000 : 0);
  if (step % 4 == 0) st_cron(st, 200);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  snprintf(path, sizeof path, "%s/profile.rdb", check_dir);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  st_client *c2 = st_client_new(st);
  st_client *c3 = st_client_new(st);
  fill(c);
  exec(c3, "SUBSCRIBE", "news", NULL); /* the channel table is one of the store's "other" blocks */
  /* A value freed in the background, an unread reply, AOF bytes not yet taken. */
  big(c, "SADD", "doomed", 20000, 0, 0);
  exec(c, "UNLINK", "doomed", NULL);
  CHECK(st->lazy_pending > 0);
  st_feed(c2, "*2\r\n$3\r\nGET\r\n$4\r\nlong\r\n", 23);
  CHECK(aof_enable(st, 1) == 0);
  exec(c, "SET", "aof", "bytes", NULL);
  CHECK(aof_pending(st) > 0);

  /* Without the option: no profile. */
  run_snapshot(st, 0, NULL);
  CHECK(!st->profile.valid);

  /* Quiescent: exact against the cells at the cut. */
  static sm_cell cells[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  memcpy(cells, st->mem.cell, sizeof cells);
  int64_t total = sm_total_bytes(&st->mem);
  static lazy_tally lazy;
  memset(&lazy, 0, sizeof lazy);
  lazy.st = st;
  lazy_walk(st, lazy_visit, &lazy);
  key_count k = { 0 };
  for (int i = 0; i < st->ndb; i++) st_walk_dict_nodes(&st->dbs[i].keys, count_key, &k);
  run_snapshot(st, 1, NULL);
  CHECK(snapshot_get_stats(st).pieces > 0); /* the big collections were tallied in pieces */
  const st_memprofile p0 = st->profile;
  check_against_cells(&p0, cells, total, &lazy, &k);
  /* Both tiers hold values; every store-wide part is there. */
  CHECK(p0.type[ST_STRING][TM_PMEM].keys == 3 && p0.type[ST_STRING][TM_DRAM].keys == 3);
  CHECK(p0.type[ST_HASH][TM_PMEM].bytes[MP_VALUES] > 0);
  CHECK(p0.type[ST_HASH][TM_DRAM].bytes[MP_METADATA] > 0);
  CHECK(p0.type[ST_LIST][TM_PMEM].bytes[MP_VALUES] > 0);
  CHECK(p0.type[ST_ZSET][TM_DRAM].keys == 2);
  CHECK(p0.keys_with_expiry == 3);
  CHECK(p0.clients == 3);
  for (int part = 0; part < MP_STORE_PARTS; part++) {
    CHECK(p0.store[part][TM_DRAM] > 0);
    if (p0.store[part][TM_DRAM] == 0) fprintf(stderr, "  %s empty\n", mp_store_part_names[part]);
  }
  CHECK(p0.done_ms >= p0.cut_ms && p0.cut_ms > 1700000000000);

  /* With writes during the save: the same per-type figures, the dataset at the cut. */
  lazy_drain_all(st);
  memset(&lazy, 0, sizeof lazy);
  memcpy(cells, st->mem.cell, sizeof cells);
  total = sm_total_bytes(&st->mem);
  writer = c;
  run_snapshot(st, 1, churn);
  CHECK(snapshot_get_stats(st).preimages > 0);
  CHECK(snapshot_get_stats(st).missed_hooks == 0);
  const st_memprofile p1 = st->profile;
  check_against_cells(&p1, cells, total, &lazy, &k);
  CHECK(memcmp(p1.type, p0.type, sizeof p0.type) == 0);
  CHECK(p1.store[MP_LAZYFREE][TM_DRAM] == 0);

  /* A save without the option, and an aborted profiled one, leave the last profile. */
  run_snapshot(st, 0, NULL);
  CHECK(memcmp(&st->profile, &p1, sizeof p1) == 0);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(snapshot_start_profiled(st, fd, 1, 1, 1 << 16) == 0);
  CHECK(snapshot_profiling(st));
  CHECK(snapshot_step(st, 20) == 0);
  snapshot_abort(st);
  close(fd);
  CHECK(!snapshot_profiling(st));
  CHECK(memcmp(&st->profile, &p1, sizeof p1) == 0);

  unlink(path);
  aof_enable(st, 0);
  st_client_free(c3);
  st_client_free(c2);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("memprofile_test");
}
