/* check.h - the store's C unit tests: CHECK, a heap over an emulated PMem tier, and a summary
 * line ("NAME: N checks, F failed") that test/native-store.test.ts reads. Built with ASan+UBSan. */
#ifndef TM_STORE_CHECK_H
#define TM_STORE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tiermem.h"

static int check_failures = 0, check_count = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    check_count++;                                                    \
    if (!(cond)) {                                                    \
      check_failures++;                                               \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                 \
  } while (0)

static char check_dir[] = "/tmp/tiermem-store-test-XXXXXX";

/* One heap per test process (memkind holds one file-backed kind per process). */
static inline tm_heap *check_heap(size_t threshold, tm_policy policy) {
  if (check_dir[sizeof check_dir - 2] == 'X' && mkdtemp(check_dir) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  tm_config cfg = { .dram = TM_DRAM_REGULAR,
                    .pmem = TM_PMEM_FILE,
                    .pmem_dir = check_dir,
                    .threshold = threshold,
                    .policy = policy };
  char err[256];
  tm_heap *h = tm_heap_create(&cfg, err, sizeof err);
  if (h == NULL) {
    fprintf(stderr, "heap: %s\n", err);
    exit(2);
  }
  return h;
}

static inline int check_done(const char *name) {
  printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
  rmdir(check_dir);
  return check_failures == 0 ? 0 : 1;
}

#endif
