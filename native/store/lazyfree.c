/* lazyfree.c - the queue of values and keyspaces being freed in bounded steps. */
#include "lazyfree.h"

#include <time.h>

#include "entry.h"
#include "expires.h"
#include "snapshot.h"

/* One pending item: a detached value, or a detached keyspace (type == SM_STORE). */
typedef struct st_lazy {
  struct st_lazy *next;
  void *val; /* the value, or a dict of entries */
  unsigned type, enc;
  uint8_t tier; /* the value's tier bit; for a keyspace, the dict block's tier */
  uint8_t self_tier;
} st_lazy;

/* One step of freeing a value; how many members remain. */
static size_t value_step(st_store *st, unsigned type, unsigned enc, void *val, uint8_t tier,
                         size_t max) {
  switch (type) {
    case ST_SET: return set_free_step(st, val, enc, tier, max);
    case ST_HASH: return hash_free_step(st, val, enc, tier, max);
    case ST_LIST: return list_free_step(st, val, enc, tier, max);
    case ST_ZSET: return zset_free_step(st, val, enc, tier, max);
    default: return 0;
  }
}

static void free_entry_node(dict_node *n, void *arg) {
  st_store *st = arg;
  st_entry *e = (st_entry *)n;
  obj_free(st, e);
  entry_free(&st->mem, entry_type(e), e);
}

static size_t item_step(st_store *st, st_lazy *it, size_t max) {
  if (it->type == SM_STORE) {
    dict *d = it->val;
    size_t left = dict_drain(d, max, free_entry_node, st);
    if (left == 0) sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, d, sizeof *d, it->tier);
    return left;
  }
  return value_step(st, it->type, it->enc, it->val, it->tier, max);
}

static int push(st_store *st, void *val, unsigned type, unsigned enc, uint8_t tier) {
  uint8_t self;
  st_lazy *it = sm_alloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *it, &self);
  if (it == NULL) return -1;
  it->next = NULL;
  it->val = val;
  it->type = type;
  it->enc = enc;
  it->tier = tier;
  it->self_tier = self;
  if (st->lazy_tail != NULL)
    st->lazy_tail->next = it;
  else
    st->lazy_head = it;
  st->lazy_tail = it;
  st->lazy_pending++;
  return 0;
}

void lazy_free_value(st_store *st, unsigned type, unsigned enc, void *val, uint8_t tier) {
  if (value_step(st, type, enc, val, tier, LAZY_STEP) == 0) return;
  if (push(st, val, type, enc, tier) == 0) return;
  /* No memory even for a queue item: finish now, as Redis would. */
  while (value_step(st, type, enc, val, tier, SIZE_MAX) != 0) {}
}

void lazy_flush_db(st_client *c, st_db *db) {
  st_store *st = c->st;
  size_t n = dict_size(&db->keys);
  if (n == 0) return;
  snapshot_before_flush(st, db);
  uint8_t tier;
  dict *d = sm_alloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *d, &tier);
  if (d == NULL || push(st, d, SM_STORE, 0, tier) != 0) {
    if (d != NULL) sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, d, sizeof *d, tier);
    db_flush(c, db);
    return;
  }
  const dict_type *type = db->keys.type;
  *d = db->keys; /* the tables move with it; the db starts over empty */
  exp_free(&st->mem, &db->expires);
  dict_init(&db->keys, type, &st->mem, SM_STORE);
  store_dirty(c, n);
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

size_t lazy_run(st_store *st, uint64_t budget_us) {
  int64_t start = now_us();
  while (st->lazy_head != NULL) {
    st_lazy *it = st->lazy_head;
    if (item_step(st, it, LAZY_STEP) == 0) {
      st->lazy_head = it->next;
      if (st->lazy_head == NULL) st->lazy_tail = NULL;
      st->lazy_pending--;
      st->stats.lazyfreed_objects++;
      sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, it, sizeof *it, it->self_tier);
    }
    if ((uint64_t)(now_us() - start) >= budget_us) break;
  }
  return st->lazy_pending;
}

void lazy_drain_all(st_store *st) {
  while (st->lazy_head != NULL) lazy_run(st, UINT64_MAX);
}

static void lazy_entry_walk(const dict_node *n, void *ctx) {
  const st_walk_ctx *w = ctx;
  st_walk_entry(w->st, (const st_entry *)n, w->visit, w->arg);
}

void lazy_walk(st_store *st, st_walk_fn *visit, void *arg) {
  for (const st_lazy *it = st->lazy_head; it != NULL; it = it->next) {
    visit(arg, it, sizeof *it, it->self_tier, SM_STORE, TM_CAT_METADATA);
    if (it->type == SM_STORE) {
      const dict *d = it->val;
      st_walk_ctx w = { st, visit, arg };
      visit(arg, d, sizeof *d, it->tier, SM_STORE, TM_CAT_METADATA);
      st_walk_dict_tables(d, visit, arg);
      st_walk_dict_nodes(d, lazy_entry_walk, &w);
    } else {
      st_walk_value(st, it->type, it->enc, it->val, it->tier, visit, arg);
    }
  }
}
