/* stats.c - per-thread accounting shards and their summation. */
#include "stats.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

__thread tm_tls_cache tm_tls __attribute__((tls_model("initial-exec")));

static atomic_uint_fast64_t next_id = 1;

int tm_stats_init(tm_stats *s) {
  s->shards = NULL;
  s->id = atomic_fetch_add(&next_id, 1);
  return pthread_mutex_init(&s->lock, NULL) == 0 ? 0 : -1;
}

void tm_stats_destroy(tm_stats *s) {
  tm_shard *sh = s->shards;
  while (sh != NULL) {
    tm_shard *n = sh->next;
    free(sh);
    sh = n;
  }
  s->shards = NULL;
  pthread_mutex_destroy(&s->lock);
}

/* Each thread remembers a few heaps' shards (one heap per thread is the norm, so tm_tls alone
 * serves the hot path). On a miss the heap's own list is searched for the thread's shard, so a
 * thread alternating between heaps whose caches collide re-finds its shard instead of adding a
 * new one: the list stays one shard per thread that ever used the heap (a thread id reused after
 * a thread exits takes over the dead thread's shard, which is as exact). */
#define TLS_WAYS 8
static __thread struct {
  uint64_t id;
  tm_shard *shard;
} tls_owned[TLS_WAYS];

tm_shard *tm_stats_shard_slow(tm_stats *s) {
  size_t way = (size_t)(s->id % TLS_WAYS);
  tm_shard *sh = tls_owned[way].id == s->id ? tls_owned[way].shard : NULL;
  if (sh == NULL) {
    pthread_t self = pthread_self();
    pthread_mutex_lock(&s->lock);
    for (tm_shard *x = s->shards; x != NULL && sh == NULL; x = x->next)
      if (pthread_equal(x->owner, self)) sh = x;
    if (sh == NULL) {
      sh = calloc(1, sizeof *sh);
      if (sh == NULL) abort(); /* cannot account: refuse to continue silently wrong */
      sh->owner = self;
      sh->next = s->shards;
      s->shards = sh;
    }
    pthread_mutex_unlock(&s->lock);
    tls_owned[way].id = s->id;
    tls_owned[way].shard = sh;
  }
  tm_tls.id = s->id;
  return tm_tls.shard = sh;
}

void tm_stats_sum(tm_stats *s, double *out) {
  pthread_mutex_lock(&s->lock);
  for (tm_shard *sh = s->shards; sh != NULL; sh = sh->next) {
    for (int t = 0; t < TM_TIER_COUNT; t++) {
      for (int c = 0; c < TM_CAT_COUNT; c++) {
        const tm_cell *cl = &sh->cell[t][c];
        double *o = out + TM_S_CELL(t, c);
        o[0] += (double)cl->live_bytes;
        o[1] += (double)cl->allocs - (double)cl->frees;
        o[2] += (double)cl->allocs;
        o[3] += (double)cl->frees;
      }
      double *o = out + TM_S_TIER(t);
      o[0] += (double)sh->failures[t];
      o[1] += (double)sh->fallbacks[t];
      o[2] += (double)sh->forced_bytes[t];
      for (int b = 0; b < TM_HIST_BUCKETS; b++)
        out[TM_S_LIVE_HIST(t) + b] += (double)sh->live_hist[t][b];
    }
    for (int b = 0; b < TM_HIST_BUCKETS; b++) {
      out[TM_S_FLOW_BYTES + b] += (double)sh->flow_bytes[b];
      out[TM_S_FLOW_COUNT + b] += (double)sh->flow_count[b];
    }
  }
  pthread_mutex_unlock(&s->lock);
}
