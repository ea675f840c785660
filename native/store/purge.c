/* purge.c - memory given back to the OS after large frees (purge.h). */
#include "purge.h"

#include <malloc.h>

int purge_now(st_store *st) {
  int rc = tm_heap_purge(st->mem.heap);
  malloc_trim(0);
  st->mem.peak = st->mem.live;
  st->purge_last_ms = st->now_ms;
  st->stats.purges++;
  return rc;
}

int purge_cron(st_store *st) {
  /* Wait for a background free to finish: purging halfway would leave the rest dirty. */
  if (st->lazy_head != NULL || st->mem.peak - st->mem.live < PURGE_DROP) return 0;
  if (st->now_ms - st->purge_last_ms < PURGE_INTERVAL_MS) return 0;
  purge_now(st);
  return 1;
}
