/* mem_test.c - the store's memory door: routing, pinning, per-owner accounting, realloc, free. */
#include <string.h>

#include "check.h"
#include "mem.h"

static double core_live(tm_heap *h, tm_tier t, tm_category c) {
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  return s[TM_S_CELL(t, c)];
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  sm m;
  sm_init(&m, h);
  uint8_t t1, t2, t3;
  char *small = sm_alloc(&m, ST_STRING, TM_CAT_DATA, 100, &t1);
  char *big = sm_alloc(&m, ST_HASH, TM_CAT_DATA, 1000, &t2);
  char *key = sm_alloc(&m, ST_HASH, TM_CAT_KEYS, 5000, &t3);
  CHECK(small && big && key);
  CHECK(t1 == TM_DRAM && t2 == TM_PMEM && t3 == TM_DRAM); /* keys pinned even above threshold */
  CHECK(m.cell[ST_STRING][TM_CAT_DATA][TM_DRAM].bytes == (int64_t)tm_size_class(100));
  CHECK(m.cell[ST_HASH][TM_CAT_DATA][TM_PMEM].bytes == (int64_t)tm_size_class(1000));
  CHECK(m.cell[ST_HASH][TM_CAT_KEYS][TM_DRAM].bytes == (int64_t)tm_size_class(5000));
  CHECK(core_live(h, TM_DRAM, TM_CAT_KEYS) == (double)tm_size_class(5000));
  memset(small, 'x', 100);
  small = sm_realloc(&m, ST_STRING, TM_CAT_DATA, small, 100, 600, &t1); /* crosses up */
  CHECK(small != NULL && t1 == TM_PMEM && small[99] == 'x');
  CHECK(m.cell[ST_STRING][TM_CAT_DATA][TM_DRAM].bytes == 0);
  CHECK(m.cell[ST_STRING][TM_CAT_DATA][TM_PMEM].bytes == (int64_t)tm_size_class(600));
  key = sm_realloc(&m, ST_HASH, TM_CAT_KEYS, key, 5000, 10, &t3); /* pinned stays */
  CHECK(key != NULL && t3 == TM_DRAM);
  char *mv = sm_move(&m, ST_HASH, TM_CAT_DATA, big, 1000, &t2, TM_DRAM);
  CHECK(mv != NULL && t2 == TM_DRAM && tm_detect_tier(h, mv) == TM_DRAM);
  CHECK(sm_total_bytes(&m) ==
        (int64_t)(tm_size_class(600) + tm_size_class(1000) + tm_size_class(10)));
  sm_free(&m, ST_STRING, TM_CAT_DATA, small, 600, t1);
  sm_free(&m, ST_HASH, TM_CAT_DATA, mv, 1000, t2);
  sm_free(&m, ST_HASH, TM_CAT_KEYS, key, 10, t3);
  CHECK(sm_total_bytes(&m) == 0);
  for (int o = 0; o < SM_OWNERS; o++)
    for (int c = 0; c < TM_CAT_COUNT; c++)
      for (int t = 0; t < TM_TIER_COUNT; t++) CHECK(m.cell[o][c][t].count == 0);
  CHECK(core_live(h, TM_DRAM, TM_CAT_KEYS) == 0 && core_live(h, TM_PMEM, TM_CAT_DATA) == 0);
  /* A strict tier at its limit: NULL, counted, nothing changed. */
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_DRAM, 4096);
  CHECK(sm_alloc(&m, ST_STRING, TM_CAT_KEYS, 8192, &t1) == NULL && m.oom == 1);
  CHECK(sm_total_bytes(&m) == 0);
  tm_heap_destroy(h);
  return check_done("mem_test");
}
