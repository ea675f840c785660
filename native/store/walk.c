/* walk.c - the accounting oracle: every live block of the store, as it was allocated.
 *
 * Independent of the sm counters: tests sum sm_usable over the visited blocks and compare with
 * st->mem.cell, and ask memkind (tm_detect_tier, tm_backend_usable_size) about each block. */
#include "blocking.h"
#include "aof.h"
#include "entry.h"
#include "expires.h"
#include "latency_hist.h"
#include "lazyfree.h"
#include "pubsub.h"
#include "snapshot.h"
#include "store.h"

void st_walk_dict_tables(const dict *d, st_walk_fn *visit, void *arg) {
  for (int i = 0; i < 2; i++)
    if (d->t[i].b != NULL)
      visit(arg, d->t[i].b, (size_t)d->t[i].size * sizeof(dict_node *), d->t[i].tier, d->owner,
            TM_CAT_METADATA);
}

void st_walk_dict_nodes(const dict *d, void (*fn)(const dict_node *n, void *ctx), void *ctx) {
  for (int i = 0; i < 2; i++) {
    const dict_table *t = &d->t[i];
    /* While t[1] is being zeroed its buckets are not initialized yet (and hold no node). */
    if (t->b == NULL || t->used == 0 || (i == 1 && d->state == DICT_ZEROING)) continue;
    for (uint64_t b = 0; b < t->size; b++)
      for (const dict_node *n = t->b[b]; n != NULL;) {
        const dict_node *next = n->next;
        fn(n, ctx);
        n = next;
      }
  }
}

void st_walk_value(st_store *st, unsigned type, unsigned enc, const void *val, uint8_t tier,
                   st_walk_fn *visit, void *arg) {
  switch (type) {
    /* ST_STRING: a raw string's length is in its entry; st_walk_entry visits it. */
    case ST_LIST: list_walk(st, val, enc, tier, visit, arg); break;
    case ST_SET: set_walk(st, val, enc, tier, visit, arg); break;
    case ST_HASH: hash_walk(st, val, enc, tier, visit, arg); break;
    case ST_ZSET: zset_walk(st, val, enc, tier, visit, arg); break;
    default: break;
  }
}

void st_walk_entry(st_store *st, const st_entry *e, st_walk_fn *visit, void *arg) {
  unsigned type = entry_type(e);
  visit(arg, e, entry_block_size(e), (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, type,
        TM_CAT_KEYS);
  if (type == ST_STRING) {
    if (entry_enc(e) == ENC_RAW && e->val != NULL)
      visit(arg, e->val, e->vlen, entry_val_tier(e), ST_STRING, TM_CAT_DATA);
  } else {
    st_walk_value(st, type, entry_enc(e), e->val, entry_val_tier(e), visit, arg);
  }
}

static void entry_node_walk(const dict_node *n, void *ctx) {
  const st_walk_ctx *w = ctx;
  st_walk_entry(w->st, (const st_entry *)n, w->visit, w->arg);
}

void st_walk_client(const st_client *c, st_walk_fn *visit, void *arg) {
  visit(arg, c, sizeof *c, c->self_tier, SM_STORE, TM_CAT_BUFFERS);
  if (c->name) visit(arg, c->name, c->name_len + 1, c->name_tier, SM_STORE, TM_CAT_BUFFERS);
  if (c->in.buf) visit(arg, c->in.buf, c->in.cap, c->in.buf_tier, SM_STORE, TM_CAT_BUFFERS);
  if (c->in.argv)
    visit(arg, c->in.argv, c->in.argv_cap * sizeof(resp_arg), c->in.argv_tier, SM_STORE,
          TM_CAT_BUFFERS);
  for (const reply_chunk *r = c->out.head; r != NULL; r = r->next)
    visit(arg, r, offsetof(reply_chunk, data) + r->size, r->tier, SM_STORE, TM_CAT_BUFFERS);
  multi_walk(c, visit, arg);
}

void st_walk_blocks(st_store *st, st_walk_fn *visit, void *arg) {
  st_walk_ctx w = { st, visit, arg };
  if (st->dbs != NULL)
    visit(arg, st->dbs, sizeof(st_db) * (size_t)st->ndb, st->dbs_tier, SM_STORE, TM_CAT_METADATA);
  for (int i = 0; i < st->ndb; i++) {
    const st_db *db = &st->dbs[i];
    st_walk_dict_tables(&db->keys, visit, arg);
    st_walk_dict_nodes(&db->keys, entry_node_walk, &w);
    if (db->expires.heap != NULL)
      visit(arg, db->expires.heap, db->expires.cap * sizeof(st_entry *), db->expires.tier, SM_STORE,
            TM_CAT_METADATA);
    watch_walk(db, visit, arg);
  }
  for (const st_client *c = st->clients; c != NULL; c = c->next) st_walk_client(c, visit, arg);
  lazy_walk(st, visit, arg);
  slowlog_walk(st, visit, arg);
  latency_walk(st, visit, arg);
  latency_hist_walk(st, visit, arg);
  blk_walk(st, visit, arg);
  ps_walk(st, visit, arg);
  aof_walk(st, visit, arg);
  snapshot_walk(st, visit, arg);
}
