/* mem.h - the store's one door to the allocator.
 *
 * Every byte the store engine allocates (keys, entries, table buckets, collection nodes, value
 * bytes, client buffers) goes through these four calls, so it is accounted twice over: by the
 * core (per tier x category, what the controller and the metrics see) and here, per owner (the
 * data type a block belongs to, or SM_STORE for store-wide structures) x category x tier, which
 * is what INFO memory, MEMORY STATS and the per-type metrics report, in O(1).
 *
 * Placement follows TieredMemDB: TM_CAT_DATA (value bytes) is routed by the threshold; every
 * other category (keys, metadata, buffers) is pinned to DRAM. The heap's exhaustion policy still
 * applies, so under `spill` a pinned block may land on PMem when DRAM is full: every call
 * reports the tier it used, and the owner keeps it (one bit) to free the block.
 *
 * Blocks are described by (ptr, requested size, tier): the owner remembers the size it asked
 * for (or something that determines it: a listpack's header, a key's length) and the usable
 * size is recomputed from it, exactly as the core computed it. No per-block size word.
 *
 * Failure: sm_alloc/sm_realloc return NULL (an OOM that the command turns into Redis's OOM
 * error); sm_realloc leaves the old block intact. Commands allocate first, then commit.
 *
 * Threading: a store and its sm belong to one thread (the event loop). */
#ifndef TM_STORE_MEM_H
#define TM_STORE_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "tiermem.h"

/* The owners of store memory: the five data types, and the store itself. */
typedef enum st_type {
  ST_STRING = 0,
  ST_LIST = 1,
  ST_SET = 2,
  ST_ZSET = 3,
  ST_HASH = 4,
  ST_TYPE_COUNT = 5
} st_type;
#define SM_STORE ST_TYPE_COUNT /* keyspace tables, expiry index, client buffers */
#define SM_OWNERS (ST_TYPE_COUNT + 1)

typedef struct sm_cell {
  int64_t bytes; /* live usable bytes */
  int64_t count; /* live blocks */
} sm_cell;

typedef struct sm {
  tm_heap *heap;
  sm_cell cell[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  uint64_t oom;    /* allocations refused since start (INFO) */
  uint64_t routed; /* bytes asked of the threshold router since start: the volume hook's clock */
  int64_t live;    /* every cell's bytes together (= sm_total_bytes) */
  int64_t peak;    /* the highest `live` since the owner last reset it (purge.c) */
} sm;

void sm_init(sm *m, tm_heap *heap);

/* Allocate `size` bytes for `owner` in category `cat` (data routed, the rest pinned to DRAM).
 * Writes the tier used to *tier. Returns NULL when no allowed tier has room. */
void *sm_alloc(sm *m, unsigned owner, tm_category cat, size_t size, uint8_t *tier);
/* The same, zero-filled. */
void *sm_calloc(sm *m, unsigned owner, tm_category cat, size_t size, uint8_t *tier);
/* The same on an explicit tier (migration); the policy still applies. */
void *sm_alloc_on(sm *m, unsigned owner, tm_category cat, size_t size, tm_tier want, uint8_t *tier);
/* Resize a block from old_size to new_size requested bytes; routed data re-routes across the
 * threshold, pinned categories stay put. On success *tier is updated; on NULL the old block
 * (and *tier) is untouched. */
void *sm_realloc(sm *m, unsigned owner, tm_category cat, void *ptr, size_t old_size,
                 size_t new_size, uint8_t *tier);
/* Free a block given what it was allocated with. NULL is ignored. */
void sm_free(sm *m, unsigned owner, tm_category cat, void *ptr, size_t size, uint8_t tier);
/* Copy a block to tier `to` (migration); returns the new pointer, or NULL (old intact). */
void *sm_move(sm *m, unsigned owner, tm_category cat, void *ptr, size_t size, uint8_t *tier,
              tm_tier to);

/* Count a block under another owner (a key whose value changes type keeps its entry). */
void sm_retag(sm *m, unsigned from, unsigned to, tm_category cat, const void *ptr, size_t size,
              uint8_t tier);

/* The usable bytes a block of `size` requested bytes occupies (what is accounted). */
size_t sm_usable(const sm *m, uint8_t tier, const void *ptr, size_t size);

/* Totals over the cells: by owner (all categories and tiers), by tier, everything. */
int64_t sm_owner_bytes(const sm *m, unsigned owner);
int64_t sm_tier_bytes(const sm *m, tm_tier tier);
int64_t sm_total_bytes(const sm *m);

#endif
