/* pool.h - a candidate pool for sampled key selection, as Redis's eviction pool
 * (evict.c: evictionPoolPopulate / the pick loop of performEvictions).
 *
 * Keys are sampled (dict_sample, maxmemory-samples at a time), scored, and the best
 * POOL_SIZE seen so far are kept, sorted by score, across calls; the pick takes the best and
 * looks it up again (it may have been deleted or changed since). Slots hold (db, key copy),
 * never entry pointers, so nothing dangles between commands. Used by eviction (score = idle
 * time, 255 - LFU counter, or -TTL) and by the migrator (coldest DRAM values, hottest PMem
 * values). Plain malloc for key copies longer than the inline buffer (as Redis caches short
 * keys' sds): the pool is the engine's own bookkeeping, a few KiB, outside store accounting. */
#ifndef TM_STORE_POOL_H
#define TM_STORE_POOL_H

#include "store.h"

#define POOL_SIZE 16
#define POOL_KEY_INLINE 48

typedef struct pool_slot {
  double score;
  int db; /* -1: empty */
  size_t klen;
  unsigned char *key; /* inline buffer or a malloc'ed copy */
  unsigned char inline_key[POOL_KEY_INLINE];
} pool_slot;

typedef struct st_pool {
  pool_slot slot[POOL_SIZE]; /* ascending score; the empty slots at the end */
} st_pool;

/* A sampled entry's score; < 0 (or NaN) means "not a candidate" (wrong tier, no TTL...). */
typedef double pool_score_fn(const st_store *st, const st_entry *e, void *arg);

void pool_init(st_pool *p);
void pool_clear(st_pool *p);
/* Sample up to `samples` keys of one dict (a keyspace) and offer each to the pool. */
void pool_populate(st_pool *p, st_store *st, int db, dict *keys, size_t samples,
                   pool_score_fn *score, void *arg);
/* The same over consecutive buckets: up to `buckets` dict_scan calls from *cursor (updated; 0
 * again when the dict's end was reached). Every key present throughout a whole pass from 0 to
 * 0 is offered at least once, whatever the sampling above would have missed (the migrator's
 * sweep). Returns the candidates offered (scored >= 0). */
size_t pool_populate_scan(st_pool *p, st_store *st, int db, dict *keys, uint64_t *cursor,
                          size_t buckets, pool_score_fn *score, void *arg);
/* The same from an expiry heap (volatile policies sample only keys with a TTL). */
void pool_populate_expires(st_pool *p, st_store *st, int db, const st_expires *x, size_t samples,
                           pool_score_fn *score, void *arg);
/* Take the best candidate that still exists and still scores (>= 0): its entry and db, or
 * NULL when the pool ran dry. */
st_entry *pool_pick(st_pool *p, st_store *st, pool_score_fn *score, void *arg, int *db);

#endif
