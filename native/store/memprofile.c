/* memprofile.c - BGSAVE STAT_MEMORY's tally (memprofile.h). */
#include "memprofile.h"

#include <time.h>

#include "aof.h"
#include "entry.h"
#include "lazyfree.h"
#include "store.h"

const char *const mp_part_names[MP_PARTS] = { "values", "keys", "metadata" };
const char *const mp_store_part_names[MP_STORE_PARTS] = { "keyspace",       "expires",
                                                          "client_buffers", "aof_buffer",
                                                          "lazyfree",       "other" };

typedef struct mp_ctx {
  st_store *st;
  st_memprofile *p;
  int part;                    /* store-wide part being read (mp_begin) */
  uint64_t own[TM_TIER_COUNT]; /* of which owned by SM_STORE (mp_begin) */
} mp_ctx;

static int part_of(tm_category cat) {
  return cat == TM_CAT_DATA ? MP_VALUES : cat == TM_CAT_KEYS ? MP_KEYS : MP_METADATA;
}

static void tally_block(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                        tm_category cat) {
  mp_ctx *x = arg;
  if (owner >= ST_TYPE_COUNT) return; /* a type's value holds no store-owned block */
  x->p->type[owner][tier].bytes[part_of(cat)] += sm_usable(&x->st->mem, tier, ptr, size);
}

static void store_block(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                        tm_category cat) {
  (void)cat;
  mp_ctx *x = arg;
  size_t n = sm_usable(&x->st->mem, tier, ptr, size);
  x->p->store[x->part][tier] += n;
  if (owner == SM_STORE) x->own[tier] += n;
}

int64_t mp_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mp_begin(st_store *st, st_memprofile *p) {
  memset(p, 0, sizeof *p);
  p->cut_ms = mp_now_ms();
  mp_ctx x = { .st = st, .p = p };
  x.part = MP_KEYSPACE;
  if (st->dbs != NULL)
    store_block(&x, st->dbs, sizeof(st_db) * (size_t)st->ndb, st->dbs_tier, SM_STORE,
                TM_CAT_METADATA);
  for (int i = 0; i < st->ndb; i++) st_walk_dict_tables(&st->dbs[i].keys, store_block, &x);
  x.part = MP_EXPIRES;
  for (int i = 0; i < st->ndb; i++) {
    const st_expires *ex = &st->dbs[i].expires;
    if (ex->heap != NULL)
      store_block(&x, ex->heap, ex->cap * sizeof(st_entry *), ex->tier, SM_STORE, TM_CAT_METADATA);
  }
  x.part = MP_CLIENTS;
  for (const st_client *c = st->clients; c != NULL; c = c->next) {
    st_walk_client(c, store_block, &x);
    p->clients++;
  }
  x.part = MP_AOF;
  aof_walk(st, store_block, &x);
  x.part = MP_LAZYFREE;
  lazy_walk(st, store_block, &x);
  /* The rest of the store's own blocks, by the accounting cells. */
  for (int t = 0; t < TM_TIER_COUNT; t++) {
    int64_t own = 0;
    for (int c = 0; c < TM_CAT_COUNT; c++) own += st->mem.cell[SM_STORE][c][t].bytes;
    p->store[MP_OTHER][t] = own > (int64_t)x.own[t] ? (uint64_t)own - x.own[t] : 0;
  }
}

static void count_key(st_memprofile *p, const st_entry *e) {
  p->type[entry_type(e)][entry_val_tier(e)].keys++;
  if (e->flags & E_EXPIRES) p->keys_with_expiry++;
}

void mp_entry(st_store *st, st_memprofile *p, const st_entry *e) {
  mp_ctx x = { .st = st, .p = p };
  count_key(p, e);
  st_walk_entry(st, e, tally_block, &x);
}

void mp_entry_head(st_store *st, st_memprofile *p, const st_entry *e) {
  mp_ctx x = { .st = st, .p = p };
  count_key(p, e);
  unsigned type = entry_type(e);
  tally_block(&x, e, entry_block_size(e), (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, type,
              TM_CAT_KEYS);
  mp_elem(st, p, e, NULL);
}

void mp_elem(st_store *st, st_memprofile *p, const st_entry *e, const void *node) {
  mp_ctx x = { .st = st, .p = p };
  uint8_t tier = entry_val_tier(e);
  switch (entry_type(e)) {
    case ST_LIST: list_walk_part(st, e->val, tier, node, tally_block, &x); break;
    case ST_SET: set_walk_part(st, e->val, tier, node, tally_block, &x); break;
    case ST_HASH: hash_walk_part(st, e->val, tier, node, tally_block, &x); break;
    case ST_ZSET: zset_walk_part(st, e->val, tier, node, tally_block, &x); break;
    default: break;
  }
}
