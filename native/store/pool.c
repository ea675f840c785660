/* pool.c - the sampled candidate pool (see pool.h). */
#include "pool.h"

#include <stdlib.h>

void pool_init(st_pool *p) {
  for (int i = 0; i < POOL_SIZE; i++) {
    p->slot[i].db = -1;
    p->slot[i].key = p->slot[i].inline_key;
    p->slot[i].klen = 0;
  }
}

static void slot_release(pool_slot *s) {
  if (s->key != s->inline_key) free(s->key);
  s->key = s->inline_key;
  s->db = -1;
  s->klen = 0;
}

void pool_clear(st_pool *p) {
  for (int i = 0; i < POOL_SIZE; i++) slot_release(&p->slot[i]);
}

static int slot_fill(pool_slot *s, double score, int db, const unsigned char *key, size_t klen) {
  unsigned char *buf = s->inline_key;
  if (klen > POOL_KEY_INLINE && (buf = malloc(klen)) == NULL) return -1;
  memcpy(buf, key, klen);
  s->key = buf;
  s->klen = klen;
  s->db = db;
  s->score = score;
  return 0;
}

/* Redis's insertion: keep the pool sorted ascending; when full, a better candidate pushes out
 * the worst (slot 0). Slots move by struct copy, so an inline key's pointer is re-aimed. */
static void slot_move(pool_slot *to, pool_slot *from) {
  int is_inline = from->key == from->inline_key;
  *to = *from;
  if (is_inline) to->key = to->inline_key;
  from->key = from->inline_key;
  from->db = -1;
}

static void offer(st_pool *p, double score, int db, const st_entry *e) {
  pool_slot *s = p->slot;
  int k = 0;
  while (k < POOL_SIZE && s[k].db >= 0 && s[k].score < score) k++;
  if (k == 0 && s[POOL_SIZE - 1].db >= 0) return; /* worse than everything in a full pool */
  if (k < POOL_SIZE && s[k].db < 0) {
    /* An empty slot: insert here. */
  } else if (s[POOL_SIZE - 1].db < 0) {
    for (int i = POOL_SIZE - 1; i > k; i--) slot_move(&s[i], &s[i - 1]);
  } else {
    k--; /* full: drop the worst (slot 0), shift the ones below k left */
    slot_release(&s[0]);
    for (int i = 0; i < k; i++) slot_move(&s[i], &s[i + 1]);
  }
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  if (slot_fill(&s[k], score, db, key, klen) != 0) {
    /* Out of malloc for a long key copy: close the gap again. */
    for (int i = k; i < POOL_SIZE - 1 && s[i + 1].db >= 0; i++) slot_move(&s[i], &s[i + 1]);
  }
}

#define POOL_MAX_SAMPLES 64

void pool_populate(st_pool *p, st_store *st, int db, dict *keys, size_t samples,
                   pool_score_fn *score, void *arg) {
  dict_node *got[POOL_MAX_SAMPLES];
  if (samples > POOL_MAX_SAMPLES) samples = POOL_MAX_SAMPLES;
  size_t n = dict_sample(keys, got, samples);
  for (size_t i = 0; i < n; i++) {
    const st_entry *e = (const st_entry *)got[i];
    double sc = score(st, e, arg);
    if (sc >= 0) offer(p, sc, db, e);
  }
}

typedef struct scan_offer {
  st_pool *p;
  st_store *st;
  int db;
  pool_score_fn *score;
  void *arg;
  size_t offered;
} scan_offer;

static void offer_scanned(dict_node *n, void *arg) {
  scan_offer *so = arg;
  const st_entry *e = (const st_entry *)n;
  double sc = so->score(so->st, e, so->arg);
  if (sc >= 0) {
    offer(so->p, sc, so->db, e);
    so->offered++;
  }
}

size_t pool_populate_scan(st_pool *p, st_store *st, int db, dict *keys, uint64_t *cursor,
                          size_t buckets, pool_score_fn *score, void *arg) {
  scan_offer so = { p, st, db, score, arg, 0 };
  for (size_t i = 0; i < buckets; i++) {
    *cursor = dict_scan(keys, *cursor, offer_scanned, &so);
    if (*cursor == 0) break;
  }
  return so.offered;
}

void pool_populate_expires(st_pool *p, st_store *st, int db, const st_expires *x, size_t samples,
                           pool_score_fn *score, void *arg) {
  if (x->len == 0) return;
  if (samples > POOL_MAX_SAMPLES) samples = POOL_MAX_SAMPLES;
  for (size_t i = 0; i < samples; i++) {
    const st_entry *e = x->heap[dict_rand64() % x->len];
    double sc = score(st, e, arg);
    if (sc >= 0) offer(p, sc, db, e);
  }
}

st_entry *pool_pick(st_pool *p, st_store *st, pool_score_fn *score, void *arg, int *db) {
  for (int k = POOL_SIZE - 1; k >= 0; k--) {
    pool_slot *s = &p->slot[k];
    if (s->db < 0) continue;
    int d = s->db;
    st_entry *e = NULL;
    if (d < st->ndb) e = (st_entry *)dict_find(&st->dbs[d].keys, s->key, s->klen);
    slot_release(s);
    if (e != NULL && score(st, e, arg) >= 0) {
      *db = d;
      return e;
    }
  }
  return NULL;
}
