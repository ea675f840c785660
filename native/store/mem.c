/* mem.c - the store's allocations through the core, accounted per owner x category x tier. */
#include "mem.h"

#include <string.h>

void sm_init(sm *m, tm_heap *heap) {
  memset(m, 0, sizeof *m);
  m->heap = heap;
}

static inline void count_in(sm *m, unsigned owner, const tm_block *b) {
  sm_cell *c = &m->cell[owner][b->cat][b->tier];
  c->bytes += (int64_t)b->usable;
  c->count++;
  m->live += (int64_t)b->usable;
  if (m->live > m->peak) m->peak = m->live;
}

static inline void count_out(sm *m, unsigned owner, const tm_block *b) {
  sm_cell *c = &m->cell[owner][b->cat][b->tier];
  c->bytes -= (int64_t)b->usable;
  c->count--;
  m->live -= (int64_t)b->usable;
}

static inline tm_block block_of(const sm *m, tm_category cat, void *ptr, size_t size,
                                uint8_t tier) {
  tm_block b;
  b.ptr = ptr;
  b.usable = tm_usable(m->heap, (tm_tier)tier, ptr, size);
  b.tier = tier;
  b.cat = (uint8_t)cat;
  b.pinned = cat != TM_CAT_DATA;
  return b;
}

static void *placed(sm *m, unsigned owner, int rc, const tm_block *b, uint8_t *tier) {
  if (rc != TM_OK) {
    m->oom++;
    return NULL;
  }
  count_in(m, owner, b);
  *tier = b->tier;
  return b->ptr;
}

void *sm_alloc(sm *m, unsigned owner, tm_category cat, size_t size, uint8_t *tier) {
  tm_block b;
  if (cat == TM_CAT_DATA) m->routed += size;
  int rc = cat == TM_CAT_DATA ? tm_malloc(m->heap, size, cat, &b)
                              : tm_malloc_tier(m->heap, size, TM_DRAM, cat, &b);
  return placed(m, owner, rc, &b, tier);
}

void *sm_calloc(sm *m, unsigned owner, tm_category cat, size_t size, uint8_t *tier) {
  void *p = sm_alloc(m, owner, cat, size, tier);
  if (p != NULL) memset(p, 0, size);
  return p;
}

void *sm_alloc_on(sm *m, unsigned owner, tm_category cat, size_t size, tm_tier want,
                  uint8_t *tier) {
  tm_block b;
  int rc = tm_malloc_tier(m->heap, size, want, cat, &b);
  return placed(m, owner, rc, &b, tier);
}

void *sm_realloc(sm *m, unsigned owner, tm_category cat, void *ptr, size_t old_size,
                 size_t new_size, uint8_t *tier) {
  if (ptr == NULL) return sm_alloc(m, owner, cat, new_size, tier);
  tm_block b = block_of(m, cat, ptr, old_size, *tier);
  tm_block before = b;
  if (cat == TM_CAT_DATA) m->routed += new_size; /* re-routed by its new size */
  if (tm_realloc(m->heap, &b, new_size) != TM_OK) {
    m->oom++;
    return NULL;
  }
  count_out(m, owner, &before);
  count_in(m, owner, &b);
  *tier = b.tier;
  return b.ptr;
}

void sm_free(sm *m, unsigned owner, tm_category cat, void *ptr, size_t size, uint8_t tier) {
  if (ptr == NULL) return;
  tm_block b = block_of(m, cat, ptr, size, tier);
  count_out(m, owner, &b);
  tm_free(m->heap, &b);
}

void *sm_move(sm *m, unsigned owner, tm_category cat, void *ptr, size_t size, uint8_t *tier,
              tm_tier to) {
  tm_block b = block_of(m, cat, ptr, size, *tier);
  tm_block before = b;
  if (tm_move(m->heap, &b, to) != TM_OK) return NULL;
  count_out(m, owner, &before);
  count_in(m, owner, &b);
  *tier = b.tier;
  return b.ptr;
}

void sm_retag(sm *m, unsigned from, unsigned to, tm_category cat, const void *ptr, size_t size,
              uint8_t tier) {
  if (from == to) return;
  tm_block b = block_of(m, cat, (void *)ptr, size, tier);
  count_out(m, from, &b);
  count_in(m, to, &b);
}

size_t sm_usable(const sm *m, uint8_t tier, const void *ptr, size_t size) {
  return tm_usable(m->heap, (tm_tier)tier, ptr, size);
}

int64_t sm_owner_bytes(const sm *m, unsigned owner) {
  int64_t s = 0;
  for (int c = 0; c < TM_CAT_COUNT; c++)
    for (int t = 0; t < TM_TIER_COUNT; t++) s += m->cell[owner][c][t].bytes;
  return s;
}

int64_t sm_tier_bytes(const sm *m, tm_tier tier) {
  int64_t s = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int c = 0; c < TM_CAT_COUNT; c++) s += m->cell[o][c][tier].bytes;
  return s;
}

int64_t sm_total_bytes(const sm *m) {
  return sm_tier_bytes(m, TM_DRAM) + sm_tier_bytes(m, TM_PMEM);
}
