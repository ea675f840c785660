/* walkcheck.h - the accounting oracle the C tests share: st_walk_blocks visits every block the
 * store holds, and its sums per (owner, category, tier) must equal the memory module's cells.
 *   walk_matches(st)        usable bytes per cell agree
 *   check_exact(st, what)   bytes and block counts per cell agree, and memkind places every
 *                           block on the tier the store says (reports `what` when not) */
#ifndef TM_STORE_WALKCHECK_H
#define TM_STORE_WALKCHECK_H

#include <stdint.h>
#include <string.h>

#include "check.h"
#include "store.h"

typedef struct walk_tally {
  st_store *st;
  int64_t bytes[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  int64_t count[SM_OWNERS][TM_CAT_COUNT][TM_TIER_COUNT];
  size_t bad_tier; /* blocks memkind finds on another tier */
} walk_tally;

static inline void walk_tally_visit(void *arg, const void *ptr, size_t size, uint8_t tier,
                                    unsigned owner, tm_category cat) {
  walk_tally *t = arg;
  t->bytes[owner][cat][tier] += (int64_t)sm_usable(&t->st->mem, tier, ptr, size);
  t->count[owner][cat][tier]++;
  if (tm_detect_tier(t->st->mem.heap, ptr) != (int)tier) t->bad_tier++;
}

/* Walks the store; returns how many cells disagree (bytes, and counts when with_counts). */
static inline int walk_cells_off(st_store *st, walk_tally *t, int with_counts) {
  memset(t, 0, sizeof *t);
  t->st = st;
  st_walk_blocks(st, walk_tally_visit, t);
  int off = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int c = 0; c < TM_CAT_COUNT; c++)
      for (int r = 0; r < TM_TIER_COUNT; r++)
        off += st->mem.cell[o][c][r].bytes != t->bytes[o][c][r] ||
               (with_counts && st->mem.cell[o][c][r].count != t->count[o][c][r]);
  return off;
}

static inline int walk_matches(st_store *st) {
  static walk_tally t;
  return walk_cells_off(st, &t, 0) == 0;
}

static inline void check_exact(st_store *st, const char *what) {
  static walk_tally t;
  int off = walk_cells_off(st, &t, 1);
  CHECK(off == 0);
  CHECK(t.bad_tier == 0);
  if (off || t.bad_tier)
    fprintf(stderr, "  %s: %d cells off, %zu bad tiers\n", what, off, t.bad_tier);
}

#endif
