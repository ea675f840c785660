/* core_bench.c - ns per malloc+free pair: tiermem's core (routing + accounting, by block
 * record) vs raw memkind on the same kind vs glibc malloc, all in the same run.
 * Patterns: "immediate" (alloc then free) and "live4096" (a ring of 4096 live blocks: each
 * step frees the oldest and allocates a new one). Each figure is the best of 7 rounds. */
#include <malloc.h>
#include <memkind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tiermem.h"

#define RING 4096
static size_t N = 2000000;

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

typedef enum { GLIBC, MEMKIND, CORE } impl;
typedef struct {
  impl which;
  memkind_t kind;
  tm_heap *heap;
  tm_tier tier;
} target;

static void *ring_p[RING];
static tm_block ring_b[RING];
static volatile size_t sink;

/* One round of N pairs; returns ns per pair. */
static double round_ns(const target *t, size_t size, int live) {
  double best = 1e30;
  {
    if (live) { /* pre-fill the ring */
      for (int i = 0; i < RING; i++) {
        if (t->which == GLIBC)
          ring_p[i] = malloc(size);
        else if (t->which == MEMKIND)
          ring_p[i] = memkind_malloc(t->kind, size);
        else
          tm_malloc_tier(t->heap, size, t->tier, TM_CAT_DATA, &ring_b[i]), (void)0;
      }
    }
    double t0 = now_ns();
    for (size_t i = 0; i < N; i++) {
      size_t slot = i & (RING - 1);
      switch (t->which) {
        case GLIBC: {
          if (live) {
            free(ring_p[slot]);
            ring_p[slot] = malloc(size);
            sink += (size_t)ring_p[slot];
          } else {
            void *p = malloc(size);
            sink += (size_t)p;
            free(p);
          }
          break;
        }
        case MEMKIND: {
          if (live) {
            memkind_free(t->kind, ring_p[slot]);
            ring_p[slot] = memkind_malloc(t->kind, size);
            sink += (size_t)ring_p[slot];
          } else {
            void *p = memkind_malloc(t->kind, size);
            sink += (size_t)p;
            memkind_free(t->kind, p);
          }
          break;
        }
        case CORE: {
          /* Routed allocation (the threshold puts `size` on t->tier). */
          if (live) {
            tm_free(t->heap, &ring_b[slot]);
            tm_malloc(t->heap, size, TM_CAT_DATA, &ring_b[slot]);
            sink += (size_t)ring_b[slot].ptr;
          } else {
            tm_block b;
            tm_malloc(t->heap, size, TM_CAT_DATA, &b);
            sink += (size_t)b.ptr;
            tm_free(t->heap, &b);
          }
          break;
        }
      }
    }
    double ns = (now_ns() - t0) / (double)N;
    if (ns < best) best = ns;
    if (live) {
      for (int i = 0; i < RING; i++) {
        if (t->which == GLIBC)
          free(ring_p[i]);
        else if (t->which == MEMKIND)
          memkind_free(t->kind, ring_p[i]);
        else
          tm_free(t->heap, &ring_b[i]);
      }
    }
  }
  return best;
}

/* Best of 7 rounds for each target, the targets' order rotating every round so that none
 * always runs first (jemalloc's decay and page-fault state favour whoever comes second). */
static void run3(const target *ts[3], size_t size, int live, double out[3]) {
  for (int i = 0; i < 3; i++) out[i] = 1e30;
  for (int round = 0; round < 7; round++) {
    for (int k = 0; k < 3; k++) {
      int i = (k + round) % 3;
      double ns = round_ns(ts[i], size, live);
      if (ns < out[i]) out[i] = ns;
    }
  }
}

int main(int argc, char **argv) {
  if (argc > 1) N = (size_t)atol(argv[1]);
  char dir[] = "/tmp/tiermem-bench-XXXXXX";
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }

  /* Heaps whose routing sends everything to the tier measured: threshold max -> DRAM, 0 -> PMem. */
  tm_config cfg = {
    .dram = TM_DRAM_REGULAR, .pmem = TM_PMEM_FILE, .pmem_dir = dir, .threshold = TM_MAX_SIZE
  };
  char err[256];
  tm_heap *to_dram = tm_heap_create(&cfg, err, sizeof err);
  cfg.dram = TM_DRAM_DEFAULT;
  tm_heap *to_dram_default = tm_heap_create(&cfg, err, sizeof err);
  cfg.dram = TM_DRAM_REGULAR;
  cfg.threshold = 0;
  tm_heap *to_pmem = tm_heap_create(&cfg, err, sizeof err);
  if (!to_dram || !to_pmem || !to_dram_default) {
    fprintf(stderr, "heap: %s\n", err);
    return 1;
  }
  /* Raw memkind on the very kind the core uses: a second file-backed kind would crash memkind. */
  memkind_t filekind = (memkind_t)tm_heap_memkind(to_pmem, TM_PMEM);

  struct {
    const char *name;
    target core, raw;
  } kinds[] = {
    { "REGULAR", { CORE, NULL, to_dram, TM_DRAM }, { MEMKIND, MEMKIND_REGULAR, NULL, TM_DRAM } },
    { "DEFAULT",
      { CORE, NULL, to_dram_default, TM_DRAM },
      { MEMKIND, MEMKIND_DEFAULT, NULL, TM_DRAM } },
    { "file-backed", { CORE, NULL, to_pmem, TM_PMEM }, { MEMKIND, filekind, NULL, TM_PMEM } },
  };
  const target glibc = { GLIBC, NULL, NULL, TM_DRAM };
  const size_t sizes[] = { 64, 1024, 16384 };

  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("# ns per malloc+free pair, best of 7 rounds of %zu pairs (bench/core, %s)\n", N,
         TM_VERSION);
  printf("%-12s %-8s %-9s %8s %8s %8s %9s\n", "kind", "size", "pattern", "glibc", "memkind",
         "tiermem", "overhead");
  for (int live = 0; live <= 1; live++) {
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
      if (getenv("KIND") && strcmp(getenv("KIND"), kinds[k].name) != 0)
        continue; /* one kind only */
      for (size_t s = 0; s < 3; s++) {
        const target *ts[3] = { &glibc, &kinds[k].raw, &kinds[k].core };
        double r[3];
        run3(ts, sizes[s], live, r);
        double g = r[0], raw = r[1], core = r[2];
        printf("%-12s %-8zu %-9s %8.1f %8.1f %8.1f %+8.1f%%\n", kinds[k].name, sizes[s],
               live ? "live4096" : "immediate", g, raw, core, (core / raw - 1) * 100);
      }
    }
  }
  tm_heap_destroy(to_dram);
  tm_heap_destroy(to_dram_default);
  tm_heap_destroy(to_pmem);
  rmdir(dir);
  return 0;
}
