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

/* A thread that alternates between heaps re-finds its shard here; that costs a list walk,
 * which is why each thread remembers only its last heap (one heap per thread is the norm). */
static __thread struct {
  uint64_t id;
  tm_shard *shard;
} tls_owned[8];

tm_shard *tm_stats_shard_slow(tm_stats *s) {
  for (size_t i = 0; i < 8; i++) {
    if (tls_owned[i].id == s->id) {
      tm_tls.id = s->id;
      return tm_tls.shard = tls_owned[i].shard;
    }
  }
  tm_shard *sh = calloc(1, sizeof *sh);
  if (sh == NULL) abort(); /* cannot account: refuse to continue silently wrong */
  pthread_mutex_lock(&s->lock);
  sh->next = s->shards;
  s->shards = sh;
  pthread_mutex_unlock(&s->lock);
  size_t slot = (size_t)(s->id % 8);
  tls_owned[slot].id = s->id;
  tls_owned[slot].shard = sh;
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
