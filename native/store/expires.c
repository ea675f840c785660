/* expires.c - the expiry min-heap. */
#include "expires.h"

#include "entry.h"

void exp_init(st_expires *x) { memset(x, 0, sizeof *x); }

static inline int64_t when(const st_entry *e) { return entry_expire(e); }

static inline void place(st_expires *x, size_t i, st_entry *e) {
  x->heap[i] = e;
  entry_set_heap_index(e, (uint32_t)i);
}

static void sift_up(st_expires *x, size_t i) {
  st_entry *e = x->heap[i];
  int64_t t = when(e);
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (when(x->heap[parent]) <= t) break;
    place(x, i, x->heap[parent]);
    i = parent;
  }
  place(x, i, e);
}

static void sift_down(st_expires *x, size_t i) {
  st_entry *e = x->heap[i];
  int64_t t = when(e);
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    int64_t bt = t;
    if (l < x->len && when(x->heap[l]) < bt) best = l, bt = when(x->heap[l]);
    if (l + 1 < x->len && when(x->heap[l + 1]) < bt) best = l + 1;
    if (best == i) break;
    place(x, i, x->heap[best]);
    i = best;
  }
  place(x, i, e);
}

static int in_heap(const st_expires *x, const st_entry *e) {
  uint32_t i = entry_heap_index(e);
  return i != UINT32_MAX && i < x->len && x->heap[i] == e;
}

int exp_upsert(sm *m, st_expires *x, st_entry *e) {
  if (in_heap(x, e)) {
    size_t i = entry_heap_index(e);
    sift_up(x, i);
    sift_down(x, entry_heap_index(e));
    return 0;
  }
  if (x->len == x->cap) {
    size_t ncap = x->cap ? x->cap * 2 : 16;
    if (ncap > UINT32_MAX) return -1;
    uint8_t tier = x->tier;
    st_entry **h = sm_realloc(m, SM_STORE, TM_CAT_METADATA, x->heap, x->cap * sizeof *h,
                              ncap * sizeof *h, &tier);
    if (h == NULL) return -1;
    x->heap = h;
    x->cap = ncap;
    x->tier = tier;
  }
  place(x, x->len++, e);
  sift_up(x, x->len - 1);
  return 0;
}

void exp_remove(st_expires *x, st_entry *e) {
  if (!in_heap(x, e)) return;
  size_t i = entry_heap_index(e);
  entry_set_heap_index(e, UINT32_MAX);
  st_entry *last = x->heap[--x->len];
  if (i == x->len) return;
  place(x, i, last);
  sift_up(x, i);
  sift_down(x, entry_heap_index(last));
}

void exp_moved(st_expires *x, st_entry *from, st_entry *to) {
  uint32_t i = entry_heap_index(to); /* copied with the expire area */
  if (i != UINT32_MAX && i < x->len && x->heap[i] == from) x->heap[i] = to;
}

void exp_free(sm *m, st_expires *x) {
  sm_free(m, SM_STORE, TM_CAT_METADATA, x->heap, x->cap * sizeof *x->heap, x->tier);
  exp_init(x);
}
