/* route.h - THE routing decision: where an allocation of a given size goes. Kept to one line
 * on purpose; everything else about placement (limits, spill) is in heap.c's place() and
 * try_tier(). */
#ifndef TM_ROUTE_H
#define TM_ROUTE_H

#include "heap.h"

/* The dithered part of the route: of the requests in [threshold, dither_end), a fraction
 * split/2^16 go to DRAM, decided by a shared credit counter (Bresenham: the carry out of its
 * low 16 bits), so the fraction holds exactly over any run of such requests, even when they all
 * have one size. Out of line: only the threshold's own power-of-two bucket pays the atomic. */
tm_tier tm_route_dithered(tm_heap *h);

static inline tm_tier tm_route_inline(tm_heap *h, size_t size) {
  /* Relaxed: a racing threshold change may route one allocation by the old value, harmless. */
  if (size < atomic_load_explicit(&h->threshold, memory_order_relaxed)) return TM_DRAM;
  if (size < atomic_load_explicit(&h->dither_end, memory_order_relaxed))
    return tm_route_dithered(h);
  return TM_PMEM;
}

#endif
