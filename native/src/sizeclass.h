/* sizeclass.h - the usable size memkind's jemalloc gives a request, computed instead of asked.
 * memkind_malloc_usable_size costs about 8 ns (a radix-tree lookup); this costs a few cycles.
 * jemalloc's classes: 8, then multiples of 16 up to 128, then four classes per power of two.
 * tm_heap_create verifies the formula against memkind and falls back to asking if it differs. */
#ifndef TM_SIZECLASS_H
#define TM_SIZECLASS_H

#include <stddef.h>

static inline size_t tm_size_class_inline(size_t s) {
  if (s <= 8) return 8;
  if (s <= 128) return (s + 15) & ~(size_t)15;
  unsigned lg = 63u - (unsigned)__builtin_clzl(s - 1);
  size_t delta = (size_t)1 << (lg - 2);
  return (s + delta - 1) & ~(delta - 1);
}

/* Power-of-two histogram bucket of a size: floor(log2(s)), 0 for s <= 1. Sizes are capped at
 * TM_MAX_SIZE (2^46), and a usable size at its class (< 2^47), so the bucket is below 48. */
_Static_assert(TM_MAX_SIZE <= ((size_t)1 << (TM_HIST_BUCKETS - 2)),
               "histogram too small for TM_MAX_SIZE");
static inline unsigned tm_bucket(size_t s) { return 63u - (unsigned)__builtin_clzl(s | 1); }

#endif
