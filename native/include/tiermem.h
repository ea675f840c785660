/* tiermem.h - the tiered DRAM/PMem allocator core.
 *
 * A tm_heap owns two tiers, DRAM (fast, small) and PMem (large, slow: Optane, CXL, or an
 * emulation), each backed by a memkind kind. Every allocation is either routed by size
 * (size < threshold -> DRAM, otherwise PMem) or placed on a tier explicitly, and is accounted
 * exactly, by usable size, per tier x category.
 *
 * Blocks are described by a tm_block record (pointer, usable size, tier, category) that the
 * caller keeps and hands back to free/realloc. This is what lets free find the right heap
 * without memkind_detect_kind (which crashes on foreign pointers and costs a radix-tree walk)
 * and keep per-category counters exact. The handle table (tm_handles) stores these records
 * for callers that name allocations by integers (the Node.js facade).
 *
 * Threading: routing, allocation and accounting are thread-safe. Counters are per-thread
 * shards summed at read time, so the hot path does no atomic read-modify-write unless a tier
 * has a byte limit. A tm_handles table belongs to one thread.
 */
#ifndef TIERMEM_H
#define TIERMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TM_VERSION "0.1.0"

/* ------------------------------------------------------------------------------ tiers */

typedef enum tm_tier { TM_DRAM = 0, TM_PMEM = 1, TM_TIER_COUNT = 2 } tm_tier;

/* What an allocation holds; a small fixed set so that accounting is an array index. */
typedef enum tm_category {
  TM_CAT_DATA = 0,     /* user data (values) */
  TM_CAT_METADATA = 1, /* per-object metadata, index structures */
  TM_CAT_KEYS = 2,     /* keys */
  TM_CAT_BUFFERS = 3,  /* I/O and client buffers */
  TM_CAT_OTHER = 4,
  TM_CAT_COUNT = 5
} tm_category;

/* What to do when the tier an allocation should go to is full or at its byte limit. */
typedef enum tm_policy {
  TM_POLICY_SPILL = 0,  /* take it from the other tier and count a fallback */
  TM_POLICY_STRICT = 1, /* fail with TM_ENOMEM */
  TM_POLICY_COUNT = 2
} tm_policy;

/* Result codes. 0 is success; all errors are negative. */
enum {
  TM_OK = 0,
  TM_EINVAL = -1,   /* bad argument */
  TM_ENOMEM = -2,   /* no allowed tier could serve the request */
  TM_EBACKEND = -3, /* the requested backend is not available */
  TM_ETOOBIG = -4   /* size beyond TM_MAX_SIZE */
};

/* Largest request accepted: far above any tier, far below size_t overflow in size classes. */
#define TM_MAX_SIZE ((size_t)1 << 46)

/* Power-of-two histogram buckets: bucket b holds sizes in [2^b, 2^(b+1)); size 0 -> bucket 0. */
#define TM_HIST_BUCKETS 48

/* ------------------------------------------------------------------------------ backends */

typedef enum tm_pmem_source {
  TM_PMEM_DAX_KMEM = 0,           /* MEMKIND_DAX_KMEM: the closest KMEM-DAX node */
  TM_PMEM_DAX_KMEM_ALL = 1,       /* MEMKIND_DAX_KMEM_ALL: all KMEM-DAX nodes */
  TM_PMEM_DAX_KMEM_PREFERRED = 2, /* MEMKIND_DAX_KMEM_PREFERRED: falls back to other nodes */
  TM_PMEM_NODES = 3,              /* MEMKIND_DAX_KMEM bound to user-named nodes */
  TM_PMEM_FILE = 4,               /* memkind file-backed PMEM kind on a directory */
  TM_PMEM_SOURCE_COUNT = 5
} tm_pmem_source;

typedef enum tm_dram_kind {
  TM_DRAM_REGULAR = 0, /* MEMKIND_REGULAR: bound to the nodes with CPUs, never on a KMEM node */
  TM_DRAM_DEFAULT = 1, /* MEMKIND_DEFAULT: unbound, the kernel may place pages anywhere */
  TM_DRAM_KIND_COUNT = 2
} tm_dram_kind;

typedef struct tm_config {
  tm_dram_kind dram;
  tm_pmem_source pmem;
  const char *pmem_nodes; /* TM_PMEM_NODES: "1" or "1,2" (sets MEMKIND_DAX_KMEM_NODES) */
  /* TM_PMEM_FILE: directory. memkind 1.14 crashes with two file-backed kinds in use at once, so a
   * process holds one: heaps asking for the same directory and size share it, a different one is
   * refused. */
  const char *pmem_dir;
  size_t pmem_file_size;       /* TM_PMEM_FILE: 0 (unlimited) or >= 16 MiB */
  size_t threshold;            /* initial routing threshold */
  size_t limit[TM_TIER_COUNT]; /* byte limits on live usable bytes, 0 = none */
  tm_policy policy;
} tm_config;

typedef struct tm_heap tm_heap;

/* Create a heap. On failure returns NULL and writes a message into err (if given). */
tm_heap *tm_heap_create(const tm_config *cfg, char *err, size_t err_len);
/* Destroy a heap. Blocks still live are not freed one by one: the caller frees them first or
 * accepts that a file-backed kind releases its whole file at once. */
void tm_heap_destroy(tm_heap *h);

/* Whether usable sizes come from the verified size-class formula (1) or from memkind (0). */
int tm_heap_formula_ok(const tm_heap *h);
/* memkind's name for a tier's kind, e.g. "MEMKIND_REGULAR", "memkind_pmem". */
const char *tm_heap_kind_name(const tm_heap *h, tm_tier tier);
/* The memkind_t behind a tier (as void *), for benchmarks against raw memkind on the same kind. */
void *tm_heap_memkind(const tm_heap *h, tm_tier tier);
/* Give both tiers' freed pages back to the OS now (jemalloc purge of the tiers' arenas; the
 * file-backed PMem kind's freed extents are punched out of its file). Cost: proportional to the
 * dirty pages, and the next allocations fault fresh pages in. 0, or -1 if a tier's kind could not
 * be purged (MEMKIND_DEFAULT). */
int tm_heap_purge(tm_heap *h);
/* Whether memkind reports a KMEM-DAX kind available (without creating a heap). */
int tm_dax_kmem_available(void);
/* memkind's version as major*1000000 + minor*1000 + patch. */
int tm_memkind_version(void);

/* ------------------------------------------------------------------------------ blocks */

typedef struct tm_block {
  void *ptr;
  size_t usable;  /* usable size, what accounting counts */
  uint8_t tier;   /* tm_tier the block lives on */
  uint8_t cat;    /* tm_category */
  uint8_t pinned; /* placed explicitly: realloc keeps the tier instead of re-routing */
} tm_block;

/* Routed allocation: size < threshold -> DRAM, else PMem (then the exhaustion policy). */
int tm_malloc(tm_heap *h, size_t size, tm_category cat, tm_block *out);
/* Zeroed routed allocation of count*size bytes (overflow -> TM_ETOOBIG). */
int tm_calloc(tm_heap *h, size_t count, size_t size, tm_category cat, tm_block *out);
/* Explicit placement (metadata pinned to DRAM, for example); the policy still applies. */
int tm_malloc_tier(tm_heap *h, size_t size, tm_tier tier, tm_category cat, tm_block *out);
/* Resize. Moves the block to the other tier when the new size crosses the threshold (unlike
 * TieredMemDB, which keeps the old tier and so lets growing data escape the policy).
 * On failure *b is unchanged and still valid. */
int tm_realloc(tm_heap *h, tm_block *b, size_t size);
/* Free a block previously returned by this heap. */
void tm_free(tm_heap *h, const tm_block *b);
/* The usable size the heap gave (and accounts) for a block of `size` requested bytes at ptr on
 * tier: lets a caller that keeps only (ptr, size, tier), as the store does, rebuild the tm_block
 * for free/realloc without storing usable sizes. A size class computation on the usual path. */
size_t tm_usable(const tm_heap *h, tm_tier tier, const void *ptr, size_t size);
/* Copy a block to tier `to` (same category); *b is updated. A move never spills: when `to` is
 * full or at its limit it returns TM_ENOMEM (a failure counted on `to`) and *b is unchanged. */
int tm_move(tm_heap *h, tm_block *b, tm_tier to);

/* The tier memkind itself says the pointer belongs to (-1 if neither of this heap's kinds).
 * Slow (memkind_detect_kind); for checks and tests, never on the hot path. */
int tm_detect_tier(const tm_heap *h, const void *ptr);
/* memkind's own usable size for the block (slow path; tests compare it with b->usable). */
size_t tm_backend_usable_size(const tm_heap *h, const tm_block *b);

/* ------------------------------------------------------------------------------ routing */

size_t tm_threshold(const tm_heap *h);
/* A plain threshold: size < threshold -> DRAM, everything else PMem (no dithering). */
void tm_set_threshold(tm_heap *h, size_t threshold);

/* A dithered threshold. With values of one size the plain rule is a step: all of them go to
 * DRAM or none. tm_set_route adds a fractional part: of the routed requests at or above the
 * threshold but still in its power-of-two bucket [2^b, 2^(b+1)) (b = floor(log2 threshold)),
 * a fraction split / TM_SPLIT_ONE go to DRAM, decided by a shared credit counter (exactly split
 * of every TM_SPLIT_ONE consecutive such requests, whatever their sizes), the rest to PMem.
 * With the threshold at 2^b the share of that bucket's flow sent to DRAM is the split itself,
 * so the controller's power-of-two flow histogram predicts it exactly. split 0 is the plain
 * rule. A resize (tm_realloc) is routed again, so a block resized inside the dithered bucket
 * may change tier. TM_EINVAL (nothing changes) for threshold > TM_MAX_SIZE or split > ONE. */
#define TM_SPLIT_ONE 65536u
int tm_set_route(tm_heap *h, size_t threshold, uint32_t split);
/* The split in force (0 when not dithering). */
uint32_t tm_split(const tm_heap *h);
/* Where a request of `size` would go now; a query: in the dithered range it names the tier the
 * next such request gets, without spending the credit. */
tm_tier tm_route(const tm_heap *h, size_t size);
void tm_set_limit(tm_heap *h, tm_tier tier, size_t bytes);
size_t tm_limit(const tm_heap *h, tm_tier tier);
void tm_set_policy(tm_heap *h, tm_policy p);
tm_policy tm_get_policy(const tm_heap *h);

/* ------------------------------------------------------------------------------ accounting */

/* The snapshot is a flat array of doubles (exact for counts below 2^53) so that JS reads it as
 * one Float64Array. Offsets: */
#define TM_S_THRESHOLD 0
#define TM_S_LIMIT(t) (1 + (t))
/* Per tier x category: live bytes, live count, allocs, frees. */
#define TM_S_CELL_FIELDS 4
#define TM_S_CELL(t, c) (3 + (TM_CAT_COUNT * (t) + (c)) * TM_S_CELL_FIELDS)
/* Per tier: failures, fallbacks (wanted this tier, got the other), forced bytes (explicit). */
#define TM_S_TIER_FIELDS 3
#define TM_S_TIER(t) (TM_S_CELL(TM_TIER_COUNT, 0) + TM_S_TIER_FIELDS * (t))
/* Per tier: live usable bytes by power-of-two bucket of usable size. */
#define TM_S_LIVE_HIST(t) (TM_S_TIER(TM_TIER_COUNT) + TM_HIST_BUCKETS * (t))
/* Routed allocation flow, cumulative, by bucket of requested size: usable bytes and counts. */
#define TM_S_FLOW_BYTES (TM_S_LIVE_HIST(TM_TIER_COUNT))
#define TM_S_FLOW_COUNT (TM_S_FLOW_BYTES + TM_HIST_BUCKETS)
#define TM_S_LEN (TM_S_FLOW_COUNT + TM_HIST_BUCKETS)

/* Sum all per-thread shards into out[TM_S_LEN]. Cost: O(threads x TM_S_LEN), no allocation walk. */
void tm_stats_snapshot(tm_heap *h, double *out);

/* Usable size the backend will give for a request (jemalloc size classes, verified against
 * memkind at heap creation; falls back to asking memkind if they ever disagree). */
size_t tm_size_class(size_t size);

/* ------------------------------------------------------------------------------ handles */

/* A handle names a block by integer: index (low 28 bits) + generation (next 24 bits), so it is
 * a safe JS integer. A freed slot's generation is bumped, so stale handles never validate; a slot
 * whose generation would wrap (after 2^23 uses) is retired for good instead of reused, so no
 * generation ever comes back. Retiring costs one 32-byte slot per 8.4M frees of that slot. */
typedef uint64_t tm_handle;
#define TM_HANDLE_INDEX_BITS 28
#define TM_HANDLE_MAX_INDEX ((1u << TM_HANDLE_INDEX_BITS) - 1)
#define TM_HANDLE_GEN_MASK ((1u << 24) - 1)

typedef struct tm_handles tm_handles;

tm_handles *tm_handles_create(void);
void tm_handles_destroy(tm_handles *t);
/* Store a block; returns its handle or 0 if the table cannot grow. */
tm_handle tm_handles_put(tm_handles *t, const tm_block *b);
/* The block for a live handle, or NULL for a freed, stale or forged one. The pointer is valid
 * until the next put. */
tm_block *tm_handles_get(tm_handles *t, tm_handle h);
/* Release a live handle's slot (does not free memory). Returns 0, or TM_EINVAL if not live. */
int tm_handles_release(tm_handles *t, tm_handle h);
/* Number of live handles, and iteration over them (for close()). */
size_t tm_handles_live(const tm_handles *t);
typedef void (*tm_handles_visit)(tm_block *b, void *arg);
void tm_handles_each(tm_handles *t, tm_handles_visit fn, void *arg);

/* ------------------------------------------------------------------------------ NUMA */

/* Count the pages of [ptr, ptr+len) per NUMA node with a move_pages(2) query (nothing moves,
 * nothing is touched): counts[n] += pages on node n for n < max_nodes; pages never touched
 * (not yet backed) add to *absent. Returns the number of pages looked at, or < 0 on error. */
long tm_page_nodes(const void *ptr, size_t len, long *counts, int max_nodes, long *absent);

#ifdef __cplusplus
}
#endif
#endif /* TIERMEM_H */
