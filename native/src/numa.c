/* numa.c - where pages actually are, from the kernel (move_pages(2) with no target nodes). */
#include <errno.h>
#include <numaif.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "tiermem.h"

long tm_page_nodes(const void *ptr, size_t len, long *counts, int max_nodes, long *absent) {
  if (len == 0) return 0;
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t first = (uintptr_t)ptr & ~(page - 1);
  uintptr_t end = ((uintptr_t)ptr + len + page - 1) & ~(page - 1);
  size_t n = (end - first) / page;
  void **pages = malloc(n * sizeof *pages);
  int *status = malloc(n * sizeof *status);
  if (pages == NULL || status == NULL) {
    free(pages);
    free(status);
    return -ENOMEM;
  }
  for (size_t i = 0; i < n; i++) pages[i] = (void *)(first + i * page);
  long rc = move_pages(0, (unsigned long)n, pages, NULL, status, 0);
  if (rc == 0) {
    for (size_t i = 0; i < n; i++) {
      if (status[i] >= 0 && status[i] < max_nodes)
        counts[status[i]]++;
      else if (absent != NULL)
        (*absent)++;
    }
    rc = (long)n;
  } else {
    rc = -errno;
  }
  free(pages);
  free(status);
  return rc;
}
