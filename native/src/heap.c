/* heap.c - allocation, free and resize across the two tiers, with limits, the exhaustion
 * policy and exact accounting. The routing rule itself is in route.h. */
#include "heap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "sizeclass.h"

/* ------------------------------------------------------------------------------ lifecycle */

/* Check the size-class formula against memkind on a kind: every size to 1 KiB, then each
 * class boundary (+-1) up to 4 MiB. Allocations that fail (a small tier) are skipped. */
static int formula_matches(tm_backend_kind *k) {
  for (size_t s = 1; s <= ((size_t)4 << 20); s = s < 1024 ? s + 1 : s + (s >> 3)) {
    const size_t probes[3] = { s, tm_size_class_inline(s), tm_size_class_inline(s) + 1 };
    for (int i = 0; i < 3; i++) {
      void *p = tm_backend_malloc(k, probes[i]);
      if (p == NULL) continue;
      size_t u = tm_backend_usable(k, p);
      tm_backend_free(k, p);
      if (u != tm_size_class_inline(probes[i])) return 0;
    }
  }
  return 1;
}

tm_heap *tm_heap_create(const tm_config *cfg, char *err, size_t err_len) {
  char dummy[8];
  if (err == NULL) {
    err = dummy;
    err_len = sizeof dummy;
  }
  err[0] = '\0';
  if (cfg == NULL || (unsigned)cfg->policy >= TM_POLICY_COUNT || cfg->threshold > TM_MAX_SIZE) {
    snprintf(err, err_len, "invalid configuration");
    return NULL;
  }
  tm_heap *h = calloc(1, sizeof *h);
  if (h == NULL) {
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  if (tm_stats_init(&h->stats) != 0) {
    free(h);
    snprintf(err, err_len, "mutex init failed");
    return NULL;
  }
  h->kind[TM_DRAM] = tm_backend_open_dram(cfg->dram, err, err_len);
  if (h->kind[TM_DRAM] == NULL) goto fail;
  h->kind[TM_PMEM] = tm_backend_open_pmem(cfg, err, err_len);
  if (h->kind[TM_PMEM] == NULL) goto fail;
  atomic_init(&h->threshold, cfg->threshold);
  atomic_init(&h->dither_end, cfg->threshold);
  atomic_init(&h->split, 0);
  atomic_init(&h->credit, 0);
  atomic_init(&h->policy, (int)cfg->policy);
  for (int t = 0; t < TM_TIER_COUNT; t++) {
    atomic_init(&h->limit[t], 0);
    atomic_init(&h->reserved[t], 0);
  }
  atomic_init(&h->limits_on, 0);
  h->formula_ok = formula_matches(h->kind[TM_DRAM]) && formula_matches(h->kind[TM_PMEM]);
  for (int t = 0; t < TM_TIER_COUNT; t++) {
    if (cfg->limit[t] != 0) tm_set_limit(h, (tm_tier)t, cfg->limit[t]);
  }
  return h;
fail:
  tm_backend_close(h->kind[TM_DRAM]);
  tm_stats_destroy(&h->stats);
  free(h);
  return NULL;
}

void tm_heap_destroy(tm_heap *h) {
  if (h == NULL) return;
  tm_backend_close(h->kind[TM_PMEM]);
  tm_backend_close(h->kind[TM_DRAM]);
  tm_stats_destroy(&h->stats);
  free(h);
}

const char *tm_heap_kind_name(const tm_heap *h, tm_tier tier) {
  return tm_backend_name(h->kind[tier]);
}
int tm_heap_formula_ok(const tm_heap *h) { return h->formula_ok; }
void *tm_heap_memkind(const tm_heap *h, tm_tier tier) { return tm_backend_memkind(h->kind[tier]); }
int tm_heap_purge(tm_heap *h) {
  int dram = tm_backend_purge(h->kind[TM_DRAM]), pmem = tm_backend_purge(h->kind[TM_PMEM]);
  return dram == 0 && pmem == 0 ? 0 : -1;
}
int tm_dax_kmem_available(void) { return tm_backend_dax_kmem_available(); }
int tm_memkind_version(void) { return tm_backend_version(); }
size_t tm_size_class(size_t size) { return tm_size_class_inline(size); }

/* ------------------------------------------------------------------------------ routing knobs */

size_t tm_threshold(const tm_heap *h) {
  return atomic_load_explicit(&h->threshold, memory_order_relaxed);
}
void tm_set_threshold(tm_heap *h, size_t t) { tm_set_route(h, t, 0); }

/* The end of t's power-of-two bucket [2^b, 2^(b+1)) (bucket 0 is [0, 2)), capped at the largest
 * request. */
static size_t bucket_end(size_t t) {
  if (t < 2) return 2;
  size_t end = (size_t)1 << (64 - __builtin_clzll((unsigned long long)t));
  return end > TM_MAX_SIZE ? TM_MAX_SIZE + 1 : end;
}

int tm_set_route(tm_heap *h, size_t threshold, uint32_t split) {
  if (threshold > TM_MAX_SIZE || split > TM_SPLIT_ONE) return TM_EINVAL;
  /* Relaxed, one at a time: a racing allocation may see a mix of the old and new setting, for
   * that one request, as with a plain threshold change. */
  atomic_store_explicit(&h->split, split, memory_order_relaxed);
  atomic_store_explicit(&h->threshold, threshold, memory_order_relaxed);
  atomic_store_explicit(&h->dither_end, split == 0 ? threshold : bucket_end(threshold),
                        memory_order_relaxed);
  return TM_OK;
}

uint32_t tm_split(const tm_heap *h) {
  size_t t = atomic_load_explicit(&h->threshold, memory_order_relaxed);
  return atomic_load_explicit(&h->dither_end, memory_order_relaxed) > t
             ? atomic_load_explicit(&h->split, memory_order_relaxed)
             : 0;
}

/* Carry out of the low 16 bits: exactly split of every 2^16 consecutive dithered requests. */
static int credit_carries(uint32_t before, uint32_t split) {
  return ((before & 0xFFFFu) + split) > 0xFFFFu;
}

tm_tier tm_route_dithered(tm_heap *h) {
  uint32_t split = atomic_load_explicit(&h->split, memory_order_relaxed);
  uint32_t before = atomic_fetch_add_explicit(&h->credit, split, memory_order_relaxed);
  return credit_carries(before, split) ? TM_DRAM : TM_PMEM;
}

tm_tier tm_route(const tm_heap *h, size_t size) {
  /* A query: the dithered range answers with the tier the next such request would get, without
   * spending the credit. */
  if (size < atomic_load_explicit(&h->threshold, memory_order_relaxed)) return TM_DRAM;
  if (size < atomic_load_explicit(&h->dither_end, memory_order_relaxed))
    return credit_carries(atomic_load_explicit(&h->credit, memory_order_relaxed),
                          atomic_load_explicit(&h->split, memory_order_relaxed))
               ? TM_DRAM
               : TM_PMEM;
  return TM_PMEM;
}
void tm_set_policy(tm_heap *h, tm_policy p) { atomic_store(&h->policy, (int)p); }
tm_policy tm_get_policy(const tm_heap *h) { return (tm_policy)atomic_load(&h->policy); }
size_t tm_limit(const tm_heap *h, tm_tier t) { return atomic_load(&h->limit[t]); }

void tm_set_limit(tm_heap *h, tm_tier tier, size_t bytes) {
  if (bytes != 0 && !atomic_load(&h->limits_on)) {
    /* First limit ever: seed the reservations from the exact live figures, then keep them. */
    double snap[TM_S_LEN];
    tm_stats_snapshot(h, snap);
    for (int t = 0; t < TM_TIER_COUNT; t++) {
      double live = 0;
      for (int c = 0; c < TM_CAT_COUNT; c++) live += snap[TM_S_CELL(t, c)];
      atomic_store(&h->reserved[t], (int64_t)live);
    }
    atomic_store(&h->limits_on, 1);
  }
  atomic_store(&h->limit[tier], bytes);
}

/* ------------------------------------------------------------------------------ accounting */

#define HOT static inline __attribute__((always_inline))

HOT size_t usable_of(tm_heap *h, tm_tier t, void *p, size_t size) {
  return __builtin_expect(h->formula_ok, 1) ? tm_size_class_inline(size)
                                            : tm_backend_usable(h->kind[t], p);
}

HOT void account_alloc(tm_shard *sh, const tm_block *b) {
  tm_cell *c = &sh->cell[b->tier][b->cat];
  c->live_bytes += (int64_t)b->usable;
  c->allocs++;
  sh->live_hist[b->tier][tm_bucket(b->usable)] += (int64_t)b->usable;
}

HOT void account_free(tm_shard *sh, const tm_block *b) {
  tm_cell *c = &sh->cell[b->tier][b->cat];
  c->live_bytes -= (int64_t)b->usable;
  c->frees++;
  sh->live_hist[b->tier][tm_bucket(b->usable)] -= (int64_t)b->usable;
}

/* Reserve `bytes` on tier t under its limit. Only called while limits_on. */
static int reserve(tm_heap *h, tm_tier t, size_t bytes) {
  size_t lim = atomic_load_explicit(&h->limit[t], memory_order_relaxed);
  int64_t prev = atomic_fetch_add(&h->reserved[t], (int64_t)bytes);
  if (lim != 0 && (size_t)prev + bytes > lim) {
    atomic_fetch_sub(&h->reserved[t], (int64_t)bytes);
    return 0;
  }
  return 1;
}

HOT void unreserve(tm_heap *h, tm_tier t, size_t bytes) {
  if (atomic_load_explicit(&h->limits_on, memory_order_relaxed))
    atomic_fetch_sub(&h->reserved[t], (int64_t)bytes);
}

/* Try to allocate on exactly tier t: limit first, then the backend. */
HOT void *try_tier(tm_heap *h, tm_tier t, size_t size, int zero) {
  int limited = atomic_load_explicit(&h->limits_on, memory_order_relaxed);
  if (limited && !reserve(h, t, tm_size_class_inline(size))) return NULL;
  void *p = zero ? tm_backend_calloc(h->kind[t], 1, size) : tm_backend_malloc(h->kind[t], size);
  if (p == NULL && limited) atomic_fetch_sub(&h->reserved[t], (int64_t)tm_size_class_inline(size));
  return p;
}

/* Place `size` bytes wanting tier `want`; apply the policy when it is full. */
HOT int place(tm_heap *h, size_t size, tm_tier want, tm_category cat, int zero, int routed,
              int may_spill, tm_block *out) {
  if ((unsigned)cat >= TM_CAT_COUNT) return TM_EINVAL;
  if (size > TM_MAX_SIZE) return TM_ETOOBIG;
  if (size == 0) size = 1; /* memkind returns NULL for 0; zmalloc(0) must give a valid block */
  tm_shard *sh = tm_stats_shard(&h->stats);
  tm_tier t = want;
  void *p = try_tier(h, t, size, zero);
  if (__builtin_expect(p == NULL, 0)) {
    if (may_spill && atomic_load_explicit(&h->policy, memory_order_relaxed) == TM_POLICY_SPILL) {
      t = (tm_tier)(1 - want);
      p = try_tier(h, t, size, zero);
    }
    if (p == NULL) {
      sh->failures[want]++;
      return TM_ENOMEM;
    }
    sh->fallbacks[want]++;
  }
  out->ptr = p;
  out->usable = usable_of(h, t, p, size);
  if (__builtin_expect(!h->formula_ok, 0) && atomic_load(&h->limits_on))
    atomic_fetch_add(&h->reserved[t], (int64_t)out->usable - (int64_t)tm_size_class_inline(size));
  out->tier = (uint8_t)t;
  out->cat = (uint8_t)cat;
  out->pinned = (uint8_t)!routed;
  account_alloc(sh, out);
  if (routed) {
    unsigned b = tm_bucket(size);
    sh->flow_bytes[b] += out->usable;
    sh->flow_count[b]++;
  } else if (cat != TM_CAT_BUFFERS) {
    /* Client and I/O buffers live for a request: counted as forced inflow they read to the
     * controller as pinned bytes joining the stock (a 1 MiB pipeline per 100 ms tick did). */
    sh->forced_bytes[want] += out->usable;
  }
  return TM_OK;
}

/* ------------------------------------------------------------------------------ API */

int tm_malloc(tm_heap *h, size_t size, tm_category cat, tm_block *out) {
  return place(h, size, tm_route_inline(h, size), cat, 0, 1, 1, out);
}

int tm_calloc(tm_heap *h, size_t count, size_t size, tm_category cat, tm_block *out) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) return TM_ETOOBIG;
  return place(h, total, tm_route_inline(h, total), cat, 1, 1, 1, out);
}

int tm_malloc_tier(tm_heap *h, size_t size, tm_tier tier, tm_category cat, tm_block *out) {
  if ((unsigned)tier >= TM_TIER_COUNT) return TM_EINVAL;
  return place(h, size, tier, cat, 0, 0, 1, out);
}

void tm_free(tm_heap *h, const tm_block *b) {
  account_free(tm_stats_shard(&h->stats), b);
  unreserve(h, (tm_tier)b->tier, b->usable);
  tm_backend_free(h->kind[b->tier], b->ptr);
}

/* Move *b to a new block of `size` bytes on tier `to` (the policy applies when may_spill),
 * copying as many bytes as both blocks hold, then free the old one; on failure *b is unchanged. */
static int relocate(tm_heap *h, tm_block *b, size_t size, tm_tier to, int routed, int may_spill) {
  tm_block n;
  int rc = place(h, size, to, (tm_category)b->cat, 0, routed, may_spill, &n);
  if (rc != TM_OK) return rc;
  size_t keep = b->usable < n.usable ? b->usable : n.usable;
  memcpy(n.ptr, b->ptr, keep);
  tm_free(h, b);
  *b = n;
  return TM_OK;
}

int tm_realloc(tm_heap *h, tm_block *b, size_t size) {
  if (size > TM_MAX_SIZE) return TM_ETOOBIG;
  if (size == 0) size = 1;
  tm_tier want = b->pinned ? (tm_tier)b->tier : tm_route_inline(h, size);
  if (want != b->tier) return relocate(h, b, size, want, !b->pinned, 1);

  /* Same tier: let memkind resize in place when it can. Reserve the growth first. */
  size_t new_usable = tm_size_class_inline(size);
  int limited = atomic_load_explicit(&h->limits_on, memory_order_relaxed);
  if (limited && new_usable > b->usable && !reserve(h, want, new_usable - b->usable)) {
    /* At its limit: the policy decides, exactly as for a new allocation. */
    return relocate(h, b, size, want, !b->pinned, 1);
  }
  void *p = tm_backend_realloc(h->kind[want], b->ptr, size);
  if (p == NULL) {
    if (limited && new_usable > b->usable)
      atomic_fetch_sub(&h->reserved[want], (int64_t)(new_usable - b->usable));
    /* The old block is intact; a fresh placement applies the policy (spill or fail). */
    return relocate(h, b, size, want, !b->pinned, 1);
  }
  if (limited && new_usable < b->usable)
    atomic_fetch_sub(&h->reserved[want], (int64_t)(b->usable - new_usable));
  tm_shard *sh = tm_stats_shard(&h->stats);
  account_free(sh, b);
  b->ptr = p;
  b->usable = usable_of(h, want, p, size);
  account_alloc(sh, b);
  if (!b->pinned) {
    unsigned bk = tm_bucket(size);
    sh->flow_bytes[bk] += b->usable;
    sh->flow_count[bk]++;
  }
  return TM_OK;
}

size_t tm_usable(const tm_heap *h, tm_tier tier, const void *ptr, size_t size) {
  if (size == 0) size = 1;
  return __builtin_expect(h->formula_ok, 1) ? tm_size_class_inline(size)
                                            : tm_backend_usable(h->kind[tier], (void *)ptr);
}

int tm_move(tm_heap *h, tm_block *b, tm_tier to) {
  if ((unsigned)to >= TM_TIER_COUNT) return TM_EINVAL;
  if (to == b->tier) return TM_OK;
  /* A move names its tier: spilling back onto the tier it leaves would be a silent no-op. */
  int rc = relocate(h, b, b->usable, to, 0, 0);
  /* Moved bytes are stock changing tier, not new bytes placed there: as forced inflow they would
   * read to the controller as pinned bytes arriving on the tier migration fills. */
  if (rc == TM_OK && b->cat != TM_CAT_BUFFERS)
    tm_stats_shard(&h->stats)->forced_bytes[to] -= b->usable;
  return rc;
}

int tm_detect_tier(const tm_heap *h, const void *ptr) {
  for (int t = 0; t < TM_TIER_COUNT; t++) {
    if (tm_backend_owns(h->kind[t], ptr)) return t;
  }
  return -1;
}

size_t tm_backend_usable_size(const tm_heap *h, const tm_block *b) {
  return tm_backend_usable(h->kind[b->tier], b->ptr);
}

void tm_stats_snapshot(tm_heap *h, double *out) {
  memset(out, 0, sizeof(double) * TM_S_LEN);
  out[TM_S_THRESHOLD] = (double)tm_threshold(h);
  for (int t = 0; t < TM_TIER_COUNT; t++) out[TM_S_LIMIT(t)] = (double)tm_limit(h, (tm_tier)t);
  tm_stats_sum(&h->stats, out);
}
