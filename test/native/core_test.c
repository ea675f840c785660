/* core_test.c - the C core tested directly, built with AddressSanitizer + UBSan by
 * test/native-core.test.ts (make -C test/native). Exit status 0 = all checks passed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h" /* the heap record and its stats shards (tests look inside) */
#include "stats.h"
#include "tiermem.h"

static int failures = 0, checks = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    checks++;                                                         \
    if (!(cond)) {                                                    \
      failures++;                                                     \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                 \
  } while (0)

static char dir[] = "/tmp/tiermem-core-test-XXXXXX";

static tm_heap *make_heap(size_t threshold, size_t file_size, tm_policy policy) {
  tm_config cfg = { .dram = TM_DRAM_REGULAR,
                    .pmem = TM_PMEM_FILE,
                    .pmem_dir = dir,
                    .pmem_file_size = file_size,
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

static double live(tm_heap *h, tm_tier t, tm_category c, int field) {
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  return s[TM_S_CELL(t, c) + field];
}

static void test_routing_and_accounting(void) {
  tm_heap *h = make_heap(1024, 0, TM_POLICY_SPILL);
  CHECK(tm_heap_formula_ok(h));
  tm_block a, b, c;
  CHECK(tm_malloc(h, 1023, TM_CAT_DATA, &a) == TM_OK && a.tier == TM_DRAM);
  CHECK(tm_malloc(h, 1024, TM_CAT_DATA, &b) == TM_OK && b.tier == TM_PMEM);
  CHECK(tm_malloc_tier(h, 1 << 20, TM_DRAM, TM_CAT_METADATA, &c) == TM_OK && c.tier == TM_DRAM);
  CHECK(tm_detect_tier(h, a.ptr) == TM_DRAM && tm_detect_tier(h, b.ptr) == TM_PMEM);
  CHECK(a.usable == tm_backend_usable_size(h, &a) && b.usable == tm_backend_usable_size(h, &b));
  CHECK(live(h, TM_DRAM, TM_CAT_DATA, 0) == (double)a.usable);
  CHECK(live(h, TM_DRAM, TM_CAT_METADATA, 0) == (double)c.usable);
  CHECK(live(h, TM_PMEM, TM_CAT_DATA, 0) == (double)b.usable);
  memset(a.ptr, 0xab, a.usable);
  CHECK(tm_realloc(h, &a, 5000) == TM_OK && a.tier == TM_PMEM); /* crosses up */
  CHECK(((unsigned char *)a.ptr)[1022] == 0xab);
  CHECK(tm_realloc(h, &a, 10) == TM_OK && a.tier == TM_DRAM); /* and back down */
  CHECK(((unsigned char *)a.ptr)[9] == 0xab);
  CHECK(tm_realloc(h, &c, 16) == TM_OK && c.tier == TM_DRAM); /* pinned stays */
  CHECK(tm_move(h, &c, TM_PMEM) == TM_OK && c.tier == TM_PMEM &&
        tm_detect_tier(h, c.ptr) == TM_PMEM);
  CHECK(tm_malloc(h, TM_MAX_SIZE + 1, TM_CAT_DATA, &b) == TM_ETOOBIG); /* b unchanged */
  CHECK(tm_malloc(h, 1, (tm_category)99, &b) == TM_EINVAL);
  size_t big = (size_t)1 << 40;
  CHECK(tm_calloc(h, big, big, TM_CAT_DATA, &b) == TM_ETOOBIG);
  tm_free(h, &a);
  tm_free(h, &b);
  tm_free(h, &c);
  for (int t = 0; t < TM_TIER_COUNT; t++)
    for (int k = 0; k < TM_CAT_COUNT; k++) CHECK(live(h, (tm_tier)t, (tm_category)k, 0) == 0);
  tm_heap_destroy(h);
}

static void test_handles(void) {
  tm_handles *t = tm_handles_create();
  tm_block b = { .ptr = (void *)0x1000, .usable = 8 };
  tm_handle h1 = tm_handles_put(t, &b);
  CHECK(h1 != 0 && tm_handles_get(t, h1) != NULL);
  CHECK(tm_handles_get(t, h1 + 1) == NULL);                    /* forged index */
  CHECK(tm_handles_get(t, h1 ^ ((tm_handle)1 << 30)) == NULL); /* forged generation */
  CHECK(tm_handles_release(t, h1) == TM_OK);
  CHECK(tm_handles_release(t, h1) == TM_EINVAL); /* double free */
  tm_handle h2 = tm_handles_put(t, &b);
  CHECK(h2 != h1 && tm_handles_get(t, h1) == NULL && tm_handles_get(t, h2) != NULL);
  /* Grow well past the first chunk; every handle stays valid and distinct. */
  tm_handle *hs = malloc(100000 * sizeof *hs);
  for (int i = 0; i < 100000; i++) {
    b.usable = (size_t)i;
    hs[i] = tm_handles_put(t, &b);
  }
  for (int i = 0; i < 100000; i++)
    if (!(tm_handles_get(t, hs[i]) && tm_handles_get(t, hs[i])->usable == (size_t)i)) CHECK(0);
  CHECK(tm_handles_live(t) == 100001);
  for (int i = 0; i < 100000; i++) tm_handles_release(t, hs[i]);
  CHECK(tm_handles_live(t) == 1);
  free(hs);
  tm_handles_destroy(t);
}

/* Several threads allocate and free; the per-thread shards must sum to the exact live total. */
typedef struct {
  tm_heap *h;
  tm_block keep[1000];
} worker_arg;
static void *worker(void *p) {
  worker_arg *w = p;
  for (int i = 0; i < 1000; i++) {
    tm_block tmp;
    if (tm_malloc(w->h, (size_t)(i * 37 % 9000) + 1, TM_CAT_BUFFERS, &tmp) == TM_OK)
      tm_free(w->h, &tmp);
    if (tm_malloc(w->h, (size_t)(i * 53 % 9000) + 1, TM_CAT_DATA, &w->keep[i]) != TM_OK)
      w->keep[i].ptr = NULL;
  }
  return NULL;
}

static void test_threads(void) {
  tm_heap *h = make_heap(4096, 0, TM_POLICY_SPILL);
  enum { N = 4 };
  pthread_t th[N];
  worker_arg *args = calloc(N, sizeof *args);
  for (int i = 0; i < N; i++) {
    args[i].h = h;
    pthread_create(&th[i], NULL, worker, &args[i]);
  }
  for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
  double want[TM_TIER_COUNT] = { 0, 0 };
  for (int i = 0; i < N; i++)
    for (int k = 0; k < 1000; k++)
      if (args[i].keep[k].ptr) want[args[i].keep[k].tier] += (double)args[i].keep[k].usable;
  CHECK(live(h, TM_DRAM, TM_CAT_DATA, 0) == want[TM_DRAM]);
  CHECK(live(h, TM_PMEM, TM_CAT_DATA, 0) == want[TM_PMEM]);
  CHECK(live(h, TM_DRAM, TM_CAT_BUFFERS, 0) == 0 && live(h, TM_PMEM, TM_CAT_BUFFERS, 0) == 0);
  /* Free everything from this (another) thread: the shards go negative, the sums reach zero. */
  for (int i = 0; i < N; i++)
    for (int k = 0; k < 1000; k++)
      if (args[i].keep[k].ptr) tm_free(h, &args[i].keep[k]);
  CHECK(live(h, TM_DRAM, TM_CAT_DATA, 0) == 0 && live(h, TM_PMEM, TM_CAT_DATA, 0) == 0);
  free(args);
  tm_heap_destroy(h);
}

static void test_exhaustion(void) {
  tm_heap *h = make_heap(0, 16 << 20, TM_POLICY_STRICT);
  tm_block blocks[64];
  int n = 0;
  while (n < 64 && tm_malloc(h, 1 << 20, TM_CAT_DATA, &blocks[n]) == TM_OK) {
    memset(blocks[n].ptr, n, 1 << 20);
    n++;
  }
  CHECK(n > 4 && n < 64);
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  CHECK(s[TM_S_TIER(TM_PMEM)] == 1); /* one failure */
  tm_set_policy(h, TM_POLICY_SPILL);
  tm_block spill;
  CHECK(tm_malloc(h, 1 << 20, TM_CAT_DATA, &spill) == TM_OK && spill.tier == TM_DRAM);
  tm_stats_snapshot(h, s);
  CHECK(s[TM_S_TIER(TM_PMEM) + 1] == 1); /* one fallback */
  for (int i = 0; i < n; i++)
    CHECK(((unsigned char *)blocks[i].ptr)[(1 << 20) - 1] == (unsigned char)i);
  for (int i = 0; i < n; i++) tm_free(h, &blocks[i]);
  tm_free(h, &spill);
  /* Byte limit on DRAM. */
  tm_set_threshold(h, (size_t)1 << 30);
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_DRAM, 1 << 20);
  tm_block x, y;
  CHECK(tm_malloc(h, 1 << 20, TM_CAT_DATA, &x) == TM_OK);
  CHECK(tm_malloc(h, 8, TM_CAT_DATA, &y) == TM_ENOMEM);
  CHECK(tm_realloc(h, &x, 2 << 20) == TM_ENOMEM && x.usable == (1 << 20));
  tm_free(h, &x);
  CHECK(tm_malloc(h, 8, TM_CAT_DATA, &y) == TM_OK);
  tm_free(h, &y);
  tm_heap_destroy(h);
}

static void test_size_classes(void) {
  CHECK(tm_size_class(1) == 8 && tm_size_class(9) == 16 && tm_size_class(129) == 160);
  CHECK(tm_size_class(4097) == 5120 && tm_size_class(1 << 20) == (1 << 20));
}

/* A move names its tier: under spill with that tier at its limit it fails (TM_ENOMEM, counted as
 * a failure there) and leaves the block where it was, rather than "moving" it onto the same tier. */
static void test_move_never_spills(void) {
  tm_heap *h = make_heap(0, 0, TM_POLICY_SPILL); /* everything routes to PMem */
  tm_set_limit(h, TM_DRAM, 4096);
  tm_block a, filler;
  CHECK(tm_malloc_tier(h, 4096, TM_DRAM, TM_CAT_DATA, &filler) == TM_OK); /* DRAM now full */
  CHECK(tm_malloc(h, 512, TM_CAT_DATA, &a) == TM_OK && a.tier == TM_PMEM);
  memset(a.ptr, 0x5a, 512);
  tm_block before = a;
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  double fallbacks = s[TM_S_TIER(TM_DRAM) + 1], failures = s[TM_S_TIER(TM_DRAM)];
  CHECK(tm_move(h, &a, TM_DRAM) == TM_ENOMEM);
  CHECK(a.ptr == before.ptr && a.tier == TM_PMEM && a.usable == before.usable);
  tm_stats_snapshot(h, s);
  CHECK(s[TM_S_TIER(TM_DRAM) + 1] == fallbacks && s[TM_S_TIER(TM_DRAM)] == failures + 1);
  CHECK(live(h, TM_PMEM, TM_CAT_DATA, 0) == (double)a.usable);
  tm_free(h, &filler); /* room again: the move happens, contents intact */
  CHECK(tm_move(h, &a, TM_DRAM) == TM_OK && a.tier == TM_DRAM &&
        ((unsigned char *)a.ptr)[511] == 0x5a);
  CHECK(live(h, TM_PMEM, TM_CAT_DATA, 0) == 0 &&
        live(h, TM_DRAM, TM_CAT_DATA, 0) == (double)a.usable);
  tm_free(h, &a);
  tm_heap_destroy(h);
}

/* A slot's generation never wraps back to a value a stale handle may hold: after its last
 * generation the slot is retired and the table moves on to a fresh slot. */
static void test_handle_generations_never_wrap(void) {
  tm_handles *t = tm_handles_create();
  tm_block b = { .usable = 1 };
  tm_handle first = tm_handles_put(t, &b);
  CHECK(tm_handles_release(t, first) == TM_OK);
  size_t slot0 = 0, moved_at = 0;
  const size_t cycles = ((size_t)1 << 23) + 10; /* more uses than one slot has generations */
  for (size_t i = 0; i < cycles; i++) {
    tm_handle h = tm_handles_put(t, &b);
    if ((h & TM_HANDLE_MAX_INDEX) != slot0 && moved_at == 0) moved_at = i + 1;
    if (h == first || tm_handles_get(t, first) != NULL) {
      CHECK(!"a stale handle validated again");
      break;
    }
    tm_handles_release(t, h);
  }
  CHECK(moved_at == ((size_t)1 << 23)); /* 2^23 live generations per slot (odd of 24 bits) */
  CHECK(tm_handles_get(t, first) == NULL && tm_handles_release(t, first) == TM_EINVAL);
  CHECK(tm_handles_live(t) == 0);
  tm_handles_destroy(t);
}

static size_t shard_count(tm_heap *h) {
  size_t n = 0;
  for (tm_shard *x = h->stats.shards; x != NULL; x = x->next) n++;
  return n;
}

static void *alternate_heaps(void *p) {
  tm_heap **hs = p;
  for (int i = 0; i < 1000; i++) {
    tm_block b;
    if (tm_malloc(hs[i & 1], 64, TM_CAT_DATA, &b) == TM_OK) tm_free(hs[i & 1], &b);
  }
  return NULL;
}

/* A thread switching between two heaps whose ids collide in its shard cache keeps one shard per
 * (heap, thread): the snapshot stays O(threads). */
static void test_stats_shard_per_thread(void) {
  tm_heap *hs[2];
  hs[0] = make_heap(4096, 0, TM_POLICY_SPILL);
  tm_heap *spare[8];
  int n = 0;
  for (;;) { /* the next heap whose id collides with hs[0]'s modulo the cache's 8 ways */
    hs[1] = make_heap(4096, 0, TM_POLICY_SPILL);
    if (hs[1]->stats.id % 8 == hs[0]->stats.id % 8) break;
    spare[n++] = hs[1];
  }
  for (int i = 0; i < n; i++) tm_heap_destroy(spare[i]);
  alternate_heaps(hs);
  CHECK(shard_count(hs[0]) == 1 && shard_count(hs[1]) == 1);
  enum { N = 3 };
  pthread_t th[N];
  for (int i = 0; i < N; i++) pthread_create(&th[i], NULL, alternate_heaps, hs);
  for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
  CHECK(shard_count(hs[0]) <= 1 + N && shard_count(hs[1]) <= 1 + N);
  alternate_heaps(hs); /* the main thread still finds its own */
  CHECK(shard_count(hs[0]) <= 1 + N && shard_count(hs[1]) <= 1 + N);
  for (int k = 0; k < 2; k++) {
    CHECK(live(hs[k], TM_DRAM, TM_CAT_DATA, 0) == 0);
    CHECK(live(hs[k], TM_DRAM, TM_CAT_DATA, 2) == 500 * (1 + N + 1)); /* allocs, summed */
  }
  tm_heap_destroy(hs[0]);
  tm_heap_destroy(hs[1]);
}

/* A dithered threshold splits one size: exactly split/TM_SPLIT_ONE of the requests in the
 * threshold's bucket go to DRAM, below it all, past it none; tm_route asks without spending the
 * credit; tm_set_threshold turns the split off; bad settings change nothing. */
static void test_dithered_route(void) {
  tm_heap *h = make_heap(4096, 0, TM_POLICY_SPILL);
  CHECK(tm_set_route(h, 256, TM_SPLIT_ONE / 4) == TM_OK);
  CHECK(tm_threshold(h) == 256 && tm_split(h) == TM_SPLIT_ONE / 4);
  enum { N = 400 };
  static tm_block b[N];
  int dram = 0;
  for (int i = 0; i < N; i++) {
    tm_tier asked = tm_route(h, 300);
    CHECK(tm_route(h, 300) == asked); /* a query spends nothing */
    CHECK(tm_malloc(h, 256 + (size_t)(i % 256), TM_CAT_DATA, &b[i]) == TM_OK);
    CHECK(b[i].tier == asked);
    dram += b[i].tier == TM_DRAM;
  }
  CHECK(dram == N / 4); /* exact: a credit counter, not a coin */
  tm_block below, above;
  CHECK(tm_malloc(h, 255, TM_CAT_DATA, &below) == TM_OK && below.tier == TM_DRAM);
  CHECK(tm_malloc(h, 512, TM_CAT_DATA, &above) == TM_OK && above.tier == TM_PMEM);
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  CHECK(s[TM_S_CELL(TM_DRAM, TM_CAT_DATA) + 1] == N / 4 + 1); /* live DRAM blocks */
  /* A threshold inside its bucket dithers only the rest of that bucket. */
  CHECK(tm_set_route(h, 300, TM_SPLIT_ONE) == TM_OK);
  tm_block x;
  CHECK(tm_malloc(h, 511, TM_CAT_DATA, &x) == TM_OK && x.tier == TM_DRAM);
  tm_free(h, &x);
  CHECK(tm_malloc(h, 512, TM_CAT_DATA, &x) == TM_OK && x.tier == TM_PMEM);
  tm_free(h, &x);
  CHECK(tm_set_route(h, 300, TM_SPLIT_ONE + 1) == TM_EINVAL);
  CHECK(tm_set_route(h, TM_MAX_SIZE + 1, 0) == TM_EINVAL);
  CHECK(tm_threshold(h) == 300 && tm_split(h) == TM_SPLIT_ONE);
  tm_set_threshold(h, 256);
  CHECK(tm_split(h) == 0);
  CHECK(tm_malloc(h, 256, TM_CAT_DATA, &x) == TM_OK && x.tier == TM_PMEM);
  tm_free(h, &x);
  for (int i = 0; i < N; i++) tm_free(h, &b[i]);
  tm_free(h, &below);
  tm_free(h, &above);
  tm_heap_destroy(h);
}

int main(void) {
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_size_classes();
  test_routing_and_accounting();
  test_handles();
  test_threads();
  test_exhaustion();
  test_move_never_spills();
  test_handle_generations_never_wrap();
  test_stats_shard_per_thread();
  test_dithered_route();
  rmdir(dir);
  printf("core_test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
