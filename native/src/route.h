/* route.h - THE routing decision: where an allocation of a given size goes. Kept to one line
 * on purpose; everything else about placement (limits, spill) is in heap.c's place() and
 * try_tier(). */
#ifndef TM_ROUTE_H
#define TM_ROUTE_H

#include "heap.h"

static inline tm_tier tm_route_inline(const tm_heap *h, size_t size) {
  /* Relaxed: a racing threshold change may route one allocation by the old value, harmless. */
  return size < atomic_load_explicit(&h->threshold, memory_order_relaxed) ? TM_DRAM : TM_PMEM;
}

#endif
