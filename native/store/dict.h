/* dict.h - an intrusive chained hash table with incremental rehashing.
 *
 * Used for the keyspace, hash fields, set members and sorted-set members: up to 2^32 keys and
 * beyond (every count is 64-bit).
 *
 * Intrusive: the caller's node struct begins with a dict_node, and a dict_type tells the dict
 * where a node's key is (binary-safe bytes). The dict never allocates, frees or copies nodes;
 * it owns only its bucket arrays, allocated through sm (owner given at init, category
 * TM_CAT_METADATA, the tier remembered per table). A node is in at most one dict per
 * dict_node it embeds.
 *
 * Hashing: SipHash-1-3 under a 128-bit process-wide key drawn from getrandom(2) at load time,
 * so clients cannot choose colliding keys (hash flooding). Hash values differ between runs:
 * never persist them.
 *
 * Resizing: tables are powers of two. A table grows x2 when size >= buckets (load factor 1)
 * and shrinks when size < buckets/8 (to about twice the size, never below 4 buckets). A resize
 * allocates the new table and then moves the old one over incrementally: every find, add and
 * unlink first moves one bucket (visiting at most 10 empty ones), and the server's cron calls
 * dict_rehash_us / dict_rehash_steps for more. A big new table is zeroed the same way, a few KiB
 * per step, before any node moves into it (a calloc of a 2 GiB table would be one long stall).
 * So no operation touches more than O(1) buckets, and a 100M-key table resizes in bounded
 * steps. One resize at a time; none starts while an iterator or a scan is active.
 *
 * Failure: only the very first table allocation is an error (dict_add returns -1). A failed
 * resize is postponed: the dict keeps working at a higher load factor, retries after a while
 * (and on every cron call), nothing is lost. Every table allocation that fails is counted by
 * sm (m->oom) like any other refusal.
 *
 * Complexity: find/add/unlink O(1) expected (plus one rehash step); scan O(1) buckets per
 * call; iteration O(buckets + size); drain O(max_nodes) per call.
 *
 * Threading: none; a dict belongs to its store's thread. The random helpers keep their PRNG
 * per thread. */
#ifndef TM_STORE_DICT_H
#define TM_STORE_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

typedef struct dict_node {
  struct dict_node *next; /* the bucket chain; owned by the dict while the node is linked */
} dict_node;

typedef struct dict_type {
  /* The key of a node: its bytes (binary-safe) and length. Called on every comparison and on
   * every rehash move, so it should be a few loads. Keys must not change while linked. */
  const unsigned char *(*key)(const dict_node *n, size_t *len);
} dict_type;

typedef struct dict_table {
  dict_node **b; /* buckets, NULL when the table is unused */
  uint64_t size; /* buckets: 0 or a power of two */
  uint64_t used; /* nodes in this table */
  uint8_t tier;  /* where sm put the array (for sm_free) */
} dict_table;

typedef struct dict {
  dict_table t[2]; /* t[1] is the resize target while a resize runs */
  const dict_type *type;
  sm *m;
  uint64_t rehash;    /* zeroing: next t[1] bucket to clear; rehashing: next t[0] bucket */
  uint64_t drain_pos; /* where dict_drain / dict_pop_any resume in t[0] */
  uint64_t wait;      /* resize checks to skip after a failed resize allocation */
  uint32_t pause;     /* active iterators and scans: no rehash steps, no new resize */
  uint8_t state;      /* DICT_STABLE, DICT_ZEROING, DICT_REHASHING */
  uint16_t owner;     /* sm owner of the tables */
} dict;

enum { DICT_STABLE = 0, DICT_ZEROING = 1, DICT_REHASHING = 2 };

/* ------------------------------------------------------------------------------ lifetime */

/* An empty dict: no table until the first add. Never fails. */
void dict_init(dict *d, const dict_type *t, sm *m, unsigned owner);
/* Free the tables (not the nodes: free them first, by iteration or dict_drain). Leaves an
 * empty, usable dict; calling it on an empty dict is a no-op. */
void dict_free_tables(dict *d);
/* Pre-size for n keys: on a dict without a table allocates it at once (O(n) zeroing: for
 * loaders); otherwise starts a grow if n needs one. 0, or -1 if the allocation failed. */
int dict_reserve(dict *d, size_t n);

static inline size_t dict_size(const dict *d) { return (size_t)(d->t[0].used + d->t[1].used); }
static inline uint64_t dict_buckets(const dict *d) { return d->t[0].size + d->t[1].size; }
static inline int dict_resizing(const dict *d) { return d->state != DICT_STABLE; }
/* Usable bytes of the bucket arrays (what sm accounts for them). O(1). */
size_t dict_table_bytes(const dict *d);

/* ------------------------------------------------------------------------------ hashing */

/* SipHash-1-3 of the bytes under the process key. */
uint64_t dict_hash(const void *key, size_t len);
/* SipHash with an explicit 16-byte key, for test vectors. */
uint64_t dict_siphash13(const void *msg, size_t len, const uint8_t key[16]);
uint64_t dict_siphash24(const void *msg, size_t len, const uint8_t key[16]);
/* 64 bits from the per-thread PRNG (splitmix64, seeded from getrandom): random keys,
 * sampling, skiplist levels. Not cryptographic. */
uint64_t dict_rand64(void);

/* ------------------------------------------------------------------------------ lookup */

/* The node with this key, or NULL. */
dict_node *dict_find(dict *d, const void *key, size_t len);
/* The same with hash = dict_hash(key, len) already computed (find-then-add). */
dict_node *dict_find_hashed(dict *d, const void *key, size_t len, uint64_t hash);

/* The bucket slot a lookup of this hash looks at first (mid-rehash a key added since the resize
 * began may be in the new table instead), or NULL when the dict is empty. Read-only, no rehash step: for prefetching a batch of lookups (prefetch.c). The slot
 * is valid until the next change to the dict. */
dict_node *const *dict_slot(const dict *d, uint64_t hash);

/* Where a found node is linked: lets the caller unlink or replace it without a second
 * lookup. Valid until the next call on the dict other than dict_*_pos / dict_size. */
typedef struct dict_pos {
  dict_node **link; /* the pointer that points at the node (bucket slot or previous next) */
  uint8_t table;
} dict_pos;
/* dict_find_hashed that also fills *pos when it finds the node. */
dict_node *dict_find_pos(dict *d, const void *key, size_t len, uint64_t hash, dict_pos *pos);
/* Unlink the node at pos (returned; the caller frees it). */
dict_node *dict_unlink_pos(dict *d, const dict_pos *pos);
/* Put nw (same key) where the node at pos is; nw->next is set from the old node, which must
 * still be readable. The old node is no longer linked. */
void dict_replace_pos(dict *d, const dict_pos *pos, dict_node *nw);

/* ------------------------------------------------------------------------------ changes */

/* Link a node whose key the caller knows is absent (a duplicate would shadow, not replace).
 * 0, or -1 only when the dict has no table yet and it cannot be allocated (nothing changed).
 * May start a grow; a failed grow is not an error. */
int dict_add(dict *d, dict_node *n);
int dict_add_hashed(dict *d, dict_node *n, uint64_t hash);
/* Unlink the node with this key and return it (the caller frees it), or NULL if absent.
 * May start a shrink. */
dict_node *dict_unlink(dict *d, const void *key, size_t len);
/* Unlink a node known to be linked (by address, found through its own key). */
void dict_unlink_node(dict *d, dict_node *n);
/* nw (same key) takes old's place, e.g. an entry rebuilt in a bigger block: nw->next is copied
 * from old, so old must still be readable; free it afterwards. */
void dict_replace(dict *d, dict_node *old, dict_node *nw);
/* The same after old was already moved and freed by a realloc: nw is a byte copy of old (so
 * nw->next is right); old is compared by address only, never read. */
void dict_moved(dict *d, const dict_node *old, dict_node *nw);

/* ------------------------------------------------------------------------------ rehashing */

/* Up to n rehash steps (a step zeroes a chunk of the new table or moves one bucket); starts a
 * pending resize (growth postponed by OOM, shrink after mass deletes) first. Returns the steps
 * done; dict_resizing() tells whether work remains. No-op while paused. */
size_t dict_rehash_steps(dict *d, size_t n);
/* Rehash in batches of 100 steps for about `us` microseconds. 1 if work remains. */
int dict_rehash_us(dict *d, uint64_t us);

/* ------------------------------------------------------------------------------ iteration */

/* Stateless cursor scan (Redis's SCAN): call with 0, then with the returned cursor until it
 * returns 0. Every node present for the whole scan is passed to fn at least once, even if the
 * table is resized between calls; some may come twice. Visits one bucket of the smaller table
 * (and its expansions in the larger one) per call. Rehashing is paused during the call: fn may
 * unlink (and free) the node it is given; it should not add. */
typedef void dict_scan_fn(dict_node *n, void *arg);
uint64_t dict_scan(dict *d, uint64_t cursor, dict_scan_fn *fn, void *arg);

/* dict_scan called up to `max` times in a row (fewer when the cursor returns to 0, or once
 * *stop is nonzero after a bucket), with the memory of the buckets ahead fetched while fn works:
 * the bucket slots 16 cursors ahead, the first nodes 8 ahead, and `ahead` (may be NULL) is
 * called on the first node 3 ahead, to prefetch what fn will read through it. A walk of a big
 * table otherwise waits on a cache miss for each slot and node (the slots are visited in
 * bit-reversed order). Same nodes, same order, same returned cursor as the dict_scan calls; fn
 * may unlink (and free) the node it is given, never add. */
uint64_t dict_scan_run(dict *d, uint64_t cursor, unsigned max, const int *stop, dict_scan_fn *fn,
                       dict_scan_fn *ahead, void *arg);

/* Whole-table walk. Pauses rehashing (and resizes) until dict_iter_done, so every node
 * present throughout is returned exactly once. While it runs the caller may find, add (new
 * nodes may or may not be returned) and unlink or replace the node last returned, but no other
 * node. dict_iter_done must be called (it resumes rehashing); then the iterator is dead. */
typedef struct dict_iter {
  dict *d;
  dict_node *next; /* the node after the one last returned, saved before handing it out */
  uint64_t idx;    /* next bucket to look at */
  uint8_t table;
} dict_iter;
void dict_iter_init(dict_iter *it, dict *d);
dict_node *dict_iter_next(dict_iter *it);
void dict_iter_done(dict_iter *it);

/* Unlink and return some node, or NULL when empty. For emptying a dict: resumes where the
 * previous pop stopped, so popping everything costs O(buckets + size) in total. Never starts
 * a shrink. Not while an iterator is active (nor is dict_drain). */
dict_node *dict_pop_any(dict *d);
/* Bounded freeing (lazy free of a huge collection): unlink up to max_nodes nodes, handing each
 * to free_node (which must not use the dict), looking at no more than about 10 empty buckets
 * per node. Returns how many remain; at 0 the tables are freed too (an empty, usable dict).
 * max_nodes = SIZE_MAX empties the dict in one call. */
typedef void dict_free_fn(dict_node *n, void *arg);
size_t dict_drain(dict *d, size_t max_nodes, dict_free_fn *free_node, void *arg);

/* ------------------------------------------------------------------------------ random */

/* A random node, NULL if empty (Redis's dictGetFairRandomKey: a sample of nearby buckets,
 * one picked uniformly, so long chains are not favoured much). Expected O(1) while the load
 * factor is above 1/8, which shrinking maintains. */
dict_node *dict_random(dict *d);
/* Up to count nodes from random spots (Redis's dictGetSomeKeys, for eviction and SRANDMEMBER
 * sampling): O(count) work, at most 10*count buckets visited, so it may return fewer than
 * count (and may repeat a node when it jumps). Returns the number written to out. */
size_t dict_sample(dict *d, dict_node **out, size_t count);

#endif
