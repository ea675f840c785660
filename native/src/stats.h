/* stats.h - exact accounting. Each thread updates its own shard with plain stores; readers sum
 * the shards (tm_stats_snapshot). A shard may go negative in one cell when a block is freed on
 * another thread than the one that allocated it; the sum is exact. */
#ifndef TM_STATS_H
#define TM_STATS_H

#include <pthread.h>
#include <stdint.h>

#include "tiermem.h"

/* Live count is allocs - frees, derived at read time: one store less per call. */
typedef struct tm_cell {
  int64_t live_bytes;
  uint64_t allocs, frees;
} tm_cell;

typedef struct tm_shard {
  tm_cell cell[TM_TIER_COUNT][TM_CAT_COUNT];
  uint64_t failures[TM_TIER_COUNT];
  uint64_t fallbacks[TM_TIER_COUNT];
  uint64_t forced_bytes[TM_TIER_COUNT];
  int64_t live_hist[TM_TIER_COUNT][TM_HIST_BUCKETS];
  uint64_t flow_bytes[TM_HIST_BUCKETS];
  uint64_t flow_count[TM_HIST_BUCKETS];
  pthread_t owner; /* the thread that updates it: at most one shard per (heap, thread) */
  struct tm_shard *next;
} tm_shard;

typedef struct tm_stats {
  pthread_mutex_t lock; /* guards the shard list, taken once per thread per heap */
  tm_shard *shards;
  uint64_t id; /* unique per heap, so a thread's cached shard is never reused wrongly */
} tm_stats;

int tm_stats_init(tm_stats *s);
void tm_stats_destroy(tm_stats *s);
/* Slow path: find or create the calling thread's shard. */
tm_shard *tm_stats_shard_slow(tm_stats *s);

/* The calling thread's shard for this heap: one TLS compare on the hot path. initial-exec keeps
 * the access a single %fs-relative load even inside the dlopen()ed addon (no __tls_get_addr). */
typedef struct tm_tls_cache {
  uint64_t id;
  tm_shard *shard;
} tm_tls_cache;
extern __thread tm_tls_cache tm_tls __attribute__((tls_model("initial-exec")));
static inline tm_shard *tm_stats_shard(tm_stats *s) {
  if (__builtin_expect(tm_tls.id == s->id, 1)) return tm_tls.shard;
  return tm_stats_shard_slow(s);
}

void tm_stats_sum(tm_stats *s, double *out);

#endif
