/* evict.c - maxmemory eviction (see evict.h): Redis's performEvictions over the store's dbs. */
#include "evict.h"
#include "snapshot.h"

#include <time.h>

#include "access.h"
#include "aof.h"
#include "lazyfree.h"
#include "migrate.h"
#include "pool.h"

#define EVICT_TIME_LIMIT_US 500 /* maxmemory-eviction-tenacity 10 */

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t evict_used(const st_store *st) { return sm_total_bytes(&st->mem); }

/* Redis's evictionPoolPopulate scores: larger = evict first. */
static double evict_score(const st_store *st, const st_entry *e, void *arg) {
  (void)arg;
  int64_t p = st->cfg.maxmemory_policy;
  if (p == MM_VOLATILE_TTL) {
    int64_t when = entry_expire(e);
    return when < 0 ? -1 : 1e19 - (double)when;
  }
  if (policy_is_volatile(p) && entry_expire(e) < 0) return -1;
  if (policy_is_lfu(p)) return 255.0 - access_lfu_count(st, e);
  return (double)access_idle_ms(st, e);
}

/* One key to evict, or NULL when there is none. */
static st_entry *select_key(st_store *st, int *dbi) {
  int64_t p = st->cfg.maxmemory_policy;
  int vol = policy_is_volatile(p);
  st_mig *mg = st->mig;
  if (policy_is_random(p)) {
    for (int i = 0; i < st->ndb; i++) {
      int j = (int)(++mg->evict_next_db % (uint64_t)st->ndb);
      st_db *db = &st->dbs[j];
      st_entry *e = NULL;
      if (vol && db->expires.len > 0)
        e = db->expires.heap[dict_rand64() % db->expires.len];
      else if (!vol && dict_size(&db->keys) > 0)
        e = (st_entry *)dict_random(&db->keys);
      if (e != NULL) {
        *dbi = j;
        return e;
      }
    }
    return NULL;
  }
  size_t samples = st->cfg.maxmemory_samples > 0 ? (size_t)st->cfg.maxmemory_samples : 5;
  for (;;) {
    size_t total = 0;
    for (int i = 0; i < st->ndb; i++) {
      st_db *db = &st->dbs[i];
      size_t n = vol ? db->expires.len : dict_size(&db->keys);
      if (n == 0) continue;
      total += n;
      if (vol)
        pool_populate_expires(&mg->evict_pool, st, i, &db->expires, samples, evict_score, NULL);
      else
        pool_populate(&mg->evict_pool, st, i, &db->keys, samples, evict_score, NULL);
    }
    if (total == 0) return NULL;
    st_entry *e = pool_pick(&mg->evict_pool, st, evict_score, NULL, dbi);
    if (e != NULL) return e;
  }
}

int evict_perform(st_store *st) {
  if (st->cfg.maxmemory == 0) return EVICT_OK;
  int64_t used = evict_used(st);
  if ((uint64_t)used <= st->cfg.maxmemory) return EVICT_OK;
  if (st->cfg.maxmemory_policy == MM_NOEVICTION) return EVICT_FAIL;
  int64_t start = mono_us();
  st_client tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.st = st;
  uint64_t keys = 0;
  while ((uint64_t)(used = evict_used(st)) > st->cfg.maxmemory) {
    int dbi;
    st_entry *e = select_key(st, &dbi);
    if (e == NULL) {
      /* Values still being freed in the background count as freeing (Redis's lazyfree
       * check): give them the rest of the time first. */
      if (st->lazy_head != NULL) {
        int64_t left = EVICT_TIME_LIMIT_US - (mono_us() - start);
        if (left > 0) {
          lazy_run(st, (uint64_t)left);
          if (evict_used(st) < used) continue;
        }
        return EVICT_RUNNING;
      }
      return EVICT_FAIL;
    }
    tmp.db = &st->dbs[dbi];
    aof_expired(&tmp, tmp.db, e); /* Redis propagates an eviction as DEL too */
    /* A snapshot's pre-image is serialized now, not retained: an eviction must free memory. */
    snapshot_before_change(st, tmp.db, e, SNAP_EDIT);
    db_delete_entry(&tmp, tmp.db, e);
    st->stats.evicted_keys++;
    /* A big value goes to lazy free in steps: run them now, they are what frees memory. */
    if (st->lazy_head != NULL) lazy_run(st, EVICT_TIME_LIMIT_US / 4);
    if ((++keys & 15) == 0 && mono_us() - start > EVICT_TIME_LIMIT_US) return EVICT_RUNNING;
  }
  return EVICT_OK;
}
