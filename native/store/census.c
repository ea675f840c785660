/* census.c - where the store's blocks really are: the kernel's word on every block the walker
 * visits (move_pages(2) with no target nodes), summed per accounted tier x category.
 *
 * For checks on a real KMEM-DAX machine (test/kmem): keys and metadata must sit on the DRAM
 * node, each value on the node of the tier the store accounts it to. Not for the request path:
 * it walks every block, O(blocks log blocks), and allocates outside the store's accounting
 * (plain malloc) so that counting does not change what is counted. */
#include <errno.h>
#include <numaif.h>
#include <stdlib.h>
#include <unistd.h>

#include "store.h"

typedef struct census_block {
  uintptr_t first, last; /* first and last page address the block touches */
  uint8_t tier, cat;
} census_block;

typedef struct census_walk {
  census_block *v;
  size_t n, cap;
  uintptr_t page;
  int oom;
} census_walk;

static void collect(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                    tm_category cat) {
  (void)owner;
  census_walk *w = arg;
  if (w->oom || size == 0 || ptr == NULL) return;
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 4096;
    census_block *v = realloc(w->v, cap * sizeof *v);
    if (v == NULL) {
      w->oom = 1;
      return;
    }
    w->v = v;
    w->cap = cap;
  }
  uintptr_t p = (uintptr_t)ptr;
  w->v[w->n++] =
      (census_block){ p & ~(w->page - 1), (p + size - 1) & ~(w->page - 1), tier, (uint8_t)cat };
}

static int cmp_page(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

/* Index of page p in the sorted unique array (it is there: every block's pages were added). */
static size_t page_index(const uintptr_t *pages, size_t n, uintptr_t p) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pages[mid] < p)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int st_page_census(st_store *st, st_census *out) {
  memset(out, 0, sizeof *out);
  census_walk w = { .page = (uintptr_t)sysconf(_SC_PAGESIZE) };
  st_walk_blocks(st, collect, &w);
  if (w.oom) {
    free(w.v);
    return -ENOMEM;
  }
  out->page_size = (double)w.page;
  size_t npages = 0;
  for (size_t i = 0; i < w.n; i++) npages += (w.v[i].last - w.v[i].first) / w.page + 1;
  uintptr_t *pages = malloc((npages ? npages : 1) * sizeof *pages);
  int *status = malloc((npages ? npages : 1) * sizeof *status);
  int rc = 0;
  if (pages == NULL || status == NULL) {
    rc = -ENOMEM;
    goto done;
  }
  size_t k = 0;
  for (size_t i = 0; i < w.n; i++)
    for (uintptr_t p = w.v[i].first; p <= w.v[i].last; p += w.page) pages[k++] = p;
  qsort(pages, npages, sizeof *pages, cmp_page);
  size_t uniq = 0;
  for (size_t i = 0; i < npages; i++)
    if (uniq == 0 || pages[uniq - 1] != pages[i]) pages[uniq++] = pages[i];
  /* The kernel takes the pages in chunks (each call pins its array). */
  for (size_t i = 0; i < uniq; i += 65536) {
    size_t n = uniq - i < 65536 ? uniq - i : 65536;
    if (move_pages(0, (unsigned long)n, (void **)(pages + i), NULL, status + i, 0) != 0) {
      rc = -errno;
      goto done;
    }
  }
  for (size_t i = 0; i < uniq; i++) {
    if (status[i] >= 0 && status[i] < ST_CENSUS_NODES)
      out->node_pages[status[i]]++;
    else
      out->absent_pages++;
  }
  /* Per block: the node of its resident pages, or split over several, or not resident at all
   * (a buffer's untouched tail is not a misplacement). */
  for (size_t i = 0; i < w.n; i++) {
    const census_block *b = &w.v[i];
    st_census_cell *cell = &out->cell[b->tier][b->cat];
    size_t at = page_index(pages, uniq, b->first);
    int node = -1, split = 0;
    for (uintptr_t p = b->first; p <= b->last; p += w.page, at++) {
      if (status[at] < 0) continue;
      if (node < 0)
        node = status[at];
      else if (status[at] != node)
        split = 1;
    }
    cell->blocks++;
    if (split)
      cell->blocks_split++;
    else if (node < 0)
      cell->blocks_absent++;
    else if (node < ST_CENSUS_NODES)
      cell->blocks_on[node]++;
    else
      cell->blocks_split++; /* a node past the census's range: counted as not where expected */
  }
  out->blocks = (double)w.n;
  out->pages = (double)uniq;
done:
  free(pages);
  free(status);
  free(w.v);
  return rc;
}
