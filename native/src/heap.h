/* heap.h - the heap structure shared by the core's files. */
#ifndef TM_HEAP_H
#define TM_HEAP_H

#include <stdatomic.h>

#include "backend.h"
#include "stats.h"
#include "tiermem.h"

struct tm_heap {
  tm_backend_kind *kind[TM_TIER_COUNT];
  _Atomic size_t threshold; /* the routing threshold; the controller stores, allocators load */
  /* Dithering (tm_set_route): requests in [threshold, dither_end) go to DRAM for a fraction
   * split/2^16 of them, counted by a credit counter; dither_end == threshold turns it off. */
  _Atomic size_t dither_end;
  _Atomic uint32_t split;
  _Atomic uint32_t credit;
  _Atomic int policy;
  /* Limits: only when one has ever been set does the hot path pay for the shared reservation. */
  _Atomic size_t limit[TM_TIER_COUNT];
  _Atomic int limits_on;
  _Atomic int64_t reserved[TM_TIER_COUNT]; /* live usable bytes, kept while limits_on */
  int formula_ok;                          /* tm_size_class agrees with memkind on both kinds */
  tm_stats stats;
};

#endif
