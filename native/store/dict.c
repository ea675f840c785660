/* dict.c - intrusive chained hash table with incremental (and incrementally zeroed) resizing.
 * The manual is dict.h; the algorithms follow Redis's dict.c (rehash, scan, sampling). */
#include "dict.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define DICT_MIN 4      /* smallest table */
#define EMPTY_VISITS 10 /* empty buckets a rehash step may skip */
#define ZERO_CHUNK 512  /* buckets (4 KiB) a zeroing step clears */
#define ZERO_NOW 8192   /* tables up to this many buckets (64 KiB) are cleared at once */
#define SAMPLE_FAIR 15  /* dict_random's sample */
#define MAX_BUCKETS ((uint64_t)1 << 42) /* 32 TiB of buckets: below TM_MAX_SIZE */

/* ------------------------------------------------------------------------------ randomness */

static void fill_random(void *buf, size_t n) {
  unsigned char *p = buf;
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(p + got, n - got, 0);
    if (r > 0)
      got += (size_t)r;
    else if (r < 0 && errno == EINTR)
      continue;
    else
      break;
  }
  if (got == n) return;
  /* No getrandom (very old kernel, seccomp): time, pid and addresses, mixed. Weak but unique. */
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid() ^
               (uint64_t)(uintptr_t)&ts ^ (uint64_t)(uintptr_t)buf;
  for (size_t i = got; i < n; i++) {
    s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9ULL;
    p[i] = (unsigned char)((z ^ (z >> 27)) * 0x94d049bb133111ebULL >> 56);
  }
}

/* The hash key is fixed before main (and before any dict can exist) and never changes. */
static uint64_t hash_k0, hash_k1;
__attribute__((constructor)) static void hash_seed(void) {
  uint64_t k[2];
  fill_random(k, sizeof k);
  hash_k0 = k[0];
  hash_k1 = k[1];
}

static __thread uint64_t rng;

uint64_t dict_rand64(void) {
  if (rng == 0) fill_random(&rng, sizeof rng);
  uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------------ SipHash */

static inline uint64_t rd64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND       \
  do {                 \
    v0 += v1;          \
    v1 = ROTL(v1, 13); \
    v1 ^= v0;          \
    v0 = ROTL(v0, 32); \
    v2 += v3;          \
    v3 = ROTL(v3, 16); \
    v3 ^= v2;          \
    v0 += v3;          \
    v3 = ROTL(v3, 21); \
    v3 ^= v0;          \
    v2 += v1;          \
    v1 = ROTL(v1, 17); \
    v1 ^= v2;          \
    v2 = ROTL(v2, 32); \
  } while (0)

/* SipHash-c-d (ePrint 2012/351). c and d are constants at every call site, so the loops
 * unroll. Indexes rather than pointer steps: msg may be NULL when len is 0. */
static inline __attribute__((always_inline)) uint64_t sip(const void *msg, size_t len, uint64_t k0,
                                                          uint64_t k1, int c, int d) {
  const unsigned char *in = msg;
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
  uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
  uint64_t v3 = 0x7465646279746573ULL ^ k1;
  size_t full = len & ~(size_t)7;
  for (size_t i = 0; i < full; i += 8) {
    uint64_t m = rd64(in + i);
    v3 ^= m;
    for (int r = 0; r < c; r++) SIPROUND;
    v0 ^= m;
  }
  /* The last word: the remaining 0..7 bytes, and the length mod 256 in the top byte. */
  uint64_t b = (uint64_t)len << 56;
  switch (len & 7) {
    case 7: b |= (uint64_t)in[full + 6] << 48; /* fall through */
    case 6: b |= (uint64_t)in[full + 5] << 40; /* fall through */
    case 5: b |= (uint64_t)in[full + 4] << 32; /* fall through */
    case 4: b |= (uint64_t)in[full + 3] << 24; /* fall through */
    case 3: b |= (uint64_t)in[full + 2] << 16; /* fall through */
    case 2: b |= (uint64_t)in[full + 1] << 8;  /* fall through */
    case 1: b |= (uint64_t)in[full]; break;
    default: break;
  }
  v3 ^= b;
  for (int r = 0; r < c; r++) SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  for (int r = 0; r < d; r++) SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t dict_hash(const void *key, size_t len) { return sip(key, len, hash_k0, hash_k1, 1, 3); }

uint64_t dict_siphash13(const void *msg, size_t len, const uint8_t key[16]) {
  return sip(msg, len, rd64(key), rd64(key + 8), 1, 3);
}

uint64_t dict_siphash24(const void *msg, size_t len, const uint8_t key[16]) {
  return sip(msg, len, rd64(key), rd64(key + 8), 2, 4);
}

/* ------------------------------------------------------------------------------ helpers */

static inline int key_is(const dict *d, const dict_node *n, const void *key, size_t len) {
  size_t l;
  const unsigned char *k = d->type->key(n, &l);
  return l == len && (len == 0 || memcmp(k, key, len) == 0);
}

static inline uint64_t node_hash(const dict *d, const dict_node *n) {
  size_t l;
  const unsigned char *k = d->type->key(n, &l);
  return dict_hash(k, l);
}

static inline uint64_t pow2_at_least(uint64_t n) {
  if (n <= DICT_MIN) return DICT_MIN;
  if (n > MAX_BUCKETS) return MAX_BUCKETS;
  return (uint64_t)1 << (64 - __builtin_clzll(n - 1));
}

/* Whether bucket i of t[0] may hold nodes: below the rehash index it is already moved. */
static inline int t0_live(const dict *d, uint64_t i) {
  return d->state != DICT_REHASHING || i >= d->rehash;
}

static dict_node **alloc_buckets(dict *d, uint64_t size, uint8_t *tier) {
  return sm_alloc(d->m, d->owner, TM_CAT_METADATA, (size_t)size * sizeof(dict_node *), tier);
}

static void free_table(dict *d, dict_table *t) {
  if (t->b != NULL)
    sm_free(d->m, d->owner, TM_CAT_METADATA, t->b, (size_t)t->size * sizeof(dict_node *), t->tier);
  memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------------------ lifetime */

void dict_init(dict *d, const dict_type *t, sm *m, unsigned owner) {
  memset(d, 0, sizeof *d);
  d->type = t;
  d->m = m;
  d->owner = (uint16_t)owner;
}

void dict_free_tables(dict *d) {
  free_table(d, &d->t[0]);
  free_table(d, &d->t[1]);
  d->state = DICT_STABLE;
  d->rehash = d->drain_pos = d->wait = 0;
}

static int first_table(dict *d, uint64_t size) {
  uint8_t tier;
  dict_node **b = alloc_buckets(d, size, &tier);
  if (b == NULL) return -1;
  memset(b, 0, (size_t)size * sizeof *b);
  d->t[0] = (dict_table){ b, size, 0, tier };
  return 0;
}

size_t dict_table_bytes(const dict *d) {
  size_t s = 0;
  for (int i = 0; i < 2; i++)
    if (d->t[i].b != NULL)
      s += sm_usable(d->m, d->t[i].tier, d->t[i].b, (size_t)d->t[i].size * sizeof(dict_node *));
  return s;
}

/* ------------------------------------------------------------------------------ resizing */

/* The new table becomes t[1]; small ones are cleared now, big ones by the steps. */
static int start_resize(dict *d, uint64_t size) {
  uint8_t tier;
  dict_node **b = alloc_buckets(d, size, &tier);
  if (b == NULL) return -1;
  d->t[1] = (dict_table){ b, size, 0, tier };
  d->rehash = 0;
  if (size <= ZERO_NOW) {
    memset(b, 0, (size_t)size * sizeof *b);
    d->state = DICT_REHASHING;
  } else {
    d->state = DICT_ZEROING;
  }
  return 0;
}

/* Start a grow or shrink if the load factor asks for one (stable, unpaused dict with a table).
 * After a failed allocation, the next `wait` checks are skipped: retrying on every add would
 * cost an allocator call (and an sm OOM count) per command while memory is short. */
static void try_resize(dict *d) {
  uint64_t used = d->t[0].used, size = d->t[0].size;
  if (used >= size) {
    if (size >= MAX_BUCKETS) return;
    /* Normally 2x; more if failed grows let the load climb, then 2x as a smaller fallback. */
    uint64_t target = pow2_at_least(used + 1);
    if (start_resize(d, target) == 0) return;
    if (target > 2 * size && start_resize(d, 2 * size) == 0) return;
  } else if (size > DICT_MIN && used < size / 8) {
    if (start_resize(d, pow2_at_least(2 * used)) == 0) return;
  } else {
    return;
  }
  d->wait = 64 + (size >> 4);
}

static inline void check_resize(dict *d) {
  if (d->wait != 0)
    d->wait--;
  else
    try_resize(d);
}

/* The resize is complete: t[1] becomes the table. */
static void finish(dict *d) {
  free_table(d, &d->t[0]);
  d->t[0] = d->t[1];
  memset(&d->t[1], 0, sizeof d->t[1]);
  d->state = DICT_STABLE;
  d->rehash = 0;
  d->drain_pos = 0;
}

/* Up to n steps: a zeroing step clears ZERO_CHUNK buckets of t[1]; a rehash step moves one
 * non-empty bucket of t[0], skipping at most EMPTY_VISITS empty ones per step asked. */
static size_t steps(dict *d, size_t n) {
  size_t done = 0;
  while (done < n && d->state == DICT_ZEROING) {
    uint64_t left = d->t[1].size - d->rehash;
    uint64_t k = left < ZERO_CHUNK ? left : ZERO_CHUNK;
    memset(d->t[1].b + d->rehash, 0, (size_t)k * sizeof(dict_node *));
    d->rehash += k;
    done++;
    if (d->rehash == d->t[1].size) {
      d->state = DICT_REHASHING;
      d->rehash = 0;
    }
  }
  if (d->state != DICT_REHASHING) return done;
  dict_table *t0 = &d->t[0], *t1 = &d->t[1];
  uint64_t mask1 = t1->size - 1;
  size_t want = n - done;
  uint64_t empty = want > UINT64_MAX / EMPTY_VISITS ? UINT64_MAX : (uint64_t)want * EMPTY_VISITS;
  while (done < n && t0->used != 0) {
    /* t0->used > 0 and everything below rehash is moved: a non-empty bucket lies ahead. */
    while (t0->b[d->rehash] == NULL) {
      d->rehash++;
      if (--empty == 0) return done;
    }
    dict_node *x = t0->b[d->rehash];
    while (x != NULL) {
      dict_node *next = x->next;
      uint64_t i = node_hash(d, x) & mask1;
      x->next = t1->b[i];
      t1->b[i] = x;
      t0->used--;
      t1->used++;
      x = next;
    }
    t0->b[d->rehash++] = NULL;
    done++;
  }
  if (t0->used == 0) {
    finish(d);
    /* Deletes (or adds) kept coming while this resize ran: the next one starts now rather
     * than at some later unlink or cron call. */
    if (d->pause == 0) try_resize(d);
  }
  return done;
}

/* What every find/add/unlink does first. */
static inline void step1(dict *d) {
  if (d->state != DICT_STABLE && d->pause == 0) steps(d, 1);
}

size_t dict_rehash_steps(dict *d, size_t n) {
  if (d->pause != 0 || d->t[0].b == NULL || n == 0) return 0;
  if (d->state == DICT_STABLE) {
    d->wait = 0; /* the cron always retries */
    try_resize(d);
    if (d->state == DICT_STABLE) return 0;
  }
  return steps(d, n);
}

static uint64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int dict_rehash_us(dict *d, uint64_t us) {
  uint64_t start = mono_us();
  for (;;) {
    dict_rehash_steps(d, 100);
    if (d->state == DICT_STABLE || d->pause != 0) break;
    if (mono_us() - start >= us) break;
  }
  return d->state != DICT_STABLE;
}

int dict_reserve(dict *d, size_t n) {
  uint64_t want = pow2_at_least(n);
  if (d->t[0].b == NULL) return first_table(d, want);
  if (d->state == DICT_STABLE && d->pause == 0 && want > d->t[0].size) return start_resize(d, want);
  return 0;
}

/* ------------------------------------------------------------------------------ lookup */

static inline dict_node *lookup(dict *d, const void *key, size_t len, uint64_t h, dict_pos *pos) {
  if (dict_size(d) == 0) return NULL;
  step1(d);
  dict_table *t = &d->t[0];
  uint64_t i = h & (t->size - 1);
  if (t0_live(d, i)) {
    for (dict_node **l = &t->b[i]; *l != NULL; l = &(*l)->next)
      if (key_is(d, *l, key, len)) {
        pos->link = l;
        pos->table = 0;
        return *l;
      }
  }
  if (d->state == DICT_REHASHING) {
    t = &d->t[1];
    i = h & (t->size - 1);
    for (dict_node **l = &t->b[i]; *l != NULL; l = &(*l)->next)
      if (key_is(d, *l, key, len)) {
        pos->link = l;
        pos->table = 1;
        return *l;
      }
  }
  return NULL;
}

dict_node *const *dict_slot(const dict *d, uint64_t hash) {
  if (dict_size(d) == 0) return NULL;
  uint64_t i = hash & (d->t[0].size - 1);
  if (t0_live(d, i)) return &d->t[0].b[i];
  return &d->t[1].b[hash & (d->t[1].size - 1)];
}

dict_node *dict_find_hashed(dict *d, const void *key, size_t len, uint64_t hash) {
  dict_pos pos;
  return lookup(d, key, len, hash, &pos);
}

dict_node *dict_find(dict *d, const void *key, size_t len) {
  dict_pos pos;
  return lookup(d, key, len, dict_hash(key, len), &pos);
}

dict_node *dict_find_pos(dict *d, const void *key, size_t len, uint64_t hash, dict_pos *pos) {
  return lookup(d, key, len, hash, pos);
}

/* The link pointing at node n (by address: n itself is never read), or NULL. */
static dict_node **link_of(dict *d, const dict_node *n, uint64_t h, uint8_t *table) {
  dict_table *t = &d->t[0];
  if (t->b == NULL) return NULL;
  uint64_t i = h & (t->size - 1);
  if (t0_live(d, i))
    for (dict_node **l = &t->b[i]; *l != NULL; l = &(*l)->next)
      if (*l == n) {
        *table = 0;
        return l;
      }
  if (d->state == DICT_REHASHING) {
    t = &d->t[1];
    i = h & (t->size - 1);
    for (dict_node **l = &t->b[i]; *l != NULL; l = &(*l)->next)
      if (*l == n) {
        *table = 1;
        return l;
      }
  }
  return NULL;
}

/* ------------------------------------------------------------------------------ changes */

int dict_add_hashed(dict *d, dict_node *n, uint64_t hash) {
  if (d->t[0].b == NULL && first_table(d, DICT_MIN) != 0) return -1;
  if (d->pause == 0) {
    if (d->state != DICT_STABLE)
      steps(d, 1);
    else if (d->t[0].used >= d->t[0].size)
      check_resize(d);
  }
  dict_table *t = &d->t[d->state == DICT_REHASHING ? 1 : 0];
  uint64_t i = hash & (t->size - 1);
  n->next = t->b[i];
  t->b[i] = n;
  t->used++;
  return 0;
}

int dict_add(dict *d, dict_node *n) { return dict_add_hashed(d, n, node_hash(d, n)); }

static inline void after_unlink(dict *d) {
  if (d->state == DICT_STABLE && d->pause == 0 && d->t[0].size > DICT_MIN &&
      d->t[0].used < d->t[0].size / 8)
    check_resize(d);
}

dict_node *dict_unlink_pos(dict *d, const dict_pos *pos) {
  dict_node *n = *pos->link;
  *pos->link = n->next;
  d->t[pos->table].used--;
  after_unlink(d);
  return n;
}

dict_node *dict_unlink(dict *d, const void *key, size_t len) {
  dict_pos pos;
  dict_node *n = lookup(d, key, len, dict_hash(key, len), &pos);
  if (n == NULL) return NULL;
  return dict_unlink_pos(d, &pos);
}

void dict_unlink_node(dict *d, dict_node *n) {
  step1(d);
  dict_pos pos;
  pos.link = link_of(d, n, node_hash(d, n), &pos.table);
  if (pos.link != NULL) dict_unlink_pos(d, &pos);
}

void dict_replace_pos(dict *d, const dict_pos *pos, dict_node *nw) {
  (void)d;
  nw->next = (*pos->link)->next;
  *pos->link = nw;
}

void dict_replace(dict *d, dict_node *old, dict_node *nw) {
  dict_pos pos;
  pos.link = link_of(d, old, node_hash(d, nw), &pos.table);
  if (pos.link != NULL) dict_replace_pos(d, &pos, nw);
}

void dict_moved(dict *d, const dict_node *old, dict_node *nw) {
  uint8_t table;
  dict_node **l = link_of(d, old, node_hash(d, nw), &table);
  if (l != NULL) *l = nw;
}

/* ------------------------------------------------------------------------------ scan */

static inline uint64_t rev64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
  return __builtin_bswap64(v);
}

static inline void emit(dict_node *n, dict_scan_fn *fn, void *arg) {
  while (n != NULL) {
    dict_node *next = n->next; /* fn may unlink and free n */
    fn(n, arg);
    n = next;
  }
}

/* The cursor counts with its bits reversed, so the high (mask) bits advance first: every
 * bucket index of a smaller table maps to a contiguous run of cursor values in a bigger one,
 * and no bucket is skipped whichever way the table changes between calls. */
uint64_t dict_scan(dict *d, uint64_t v, dict_scan_fn *fn, void *arg) {
  if (dict_size(d) == 0) return 0;
  d->pause++;
  if (d->state != DICT_REHASHING) {
    uint64_t m0 = d->t[0].size - 1;
    emit(d->t[0].b[v & m0], fn, arg);
    v |= ~m0;
    v = rev64(rev64(v) + 1);
  } else {
    const dict_table *s = &d->t[0], *l = &d->t[1];
    if (s->size > l->size) {
      s = &d->t[1];
      l = &d->t[0];
    }
    uint64_t m0 = s->size - 1, m1 = l->size - 1;
    emit(s->b[v & m0], fn, arg);
    /* Then every bucket of the larger table that expands the smaller one's. */
    do {
      emit(l->b[v & m1], fn, arg);
      v |= ~m1;
      v = rev64(rev64(v) + 1);
    } while (v & (m0 ^ m1));
  }
  d->pause--;
  return v;
}

/* How far ahead of the bucket being visited its slot, its first node and (through `ahead`)
 * what that node points to are fetched. Many buckets are empty and cost nothing to visit, so
 * the distances are counted in buckets, generously. */
#define AHEAD_SLOT 16
#define AHEAD_NODE 8
#define AHEAD_CALL 3

uint64_t dict_scan_run(dict *d, uint64_t v, unsigned max, const int *stop, dict_scan_fn *fn,
                       dict_scan_fn *ahead, void *arg) {
  if (d->state == DICT_REHASHING || dict_size(d) == 0 || d->t[0].size < 2) {
    for (unsigned i = 0; i < max; i++) {
      v = dict_scan(d, v, fn, arg);
      if (v == 0 || (stop != NULL && *stop)) break;
    }
    return v;
  }
  /* In a stable table the walk visits bucket rev(p) at position p = 0, 1, ... size - 1 (p's
   * bits reversed), the cursor dict_scan returns. Paused, and fn never adds: the table keeps
   * its size, so the buckets ahead are known. */
  d->pause++;
  dict_node *const *b = d->t[0].b;
  const uint64_t size = d->t[0].size;
  const unsigned sh = 64 - (unsigned)__builtin_ctzll(size);
#define BUCKET(p) rev64((p) << sh)
  uint64_t p = rev64(v & (size - 1)) >> sh;
  for (unsigned i = 0; i < max && p < size;) {
    if (p + AHEAD_SLOT < size) __builtin_prefetch(&b[BUCKET(p + AHEAD_SLOT)]);
    if (p + AHEAD_NODE < size && b[BUCKET(p + AHEAD_NODE)] != NULL)
      __builtin_prefetch(b[BUCKET(p + AHEAD_NODE)]);
    if (ahead != NULL && p + AHEAD_CALL < size && b[BUCKET(p + AHEAD_CALL)] != NULL)
      ahead(b[BUCKET(p + AHEAD_CALL)], arg);
    emit(b[BUCKET(p)], fn, arg);
    p++;
    i++;
    if (stop != NULL && *stop) break;
  }
  d->pause--;
  return p < size ? BUCKET(p) : 0;
#undef BUCKET
}

/* ------------------------------------------------------------------------------ iterator */

void dict_iter_init(dict_iter *it, dict *d) {
  it->d = d;
  it->next = NULL;
  it->idx = d->state == DICT_REHASHING ? d->rehash : 0;
  it->table = 0;
  d->pause++;
}

dict_node *dict_iter_next(dict_iter *it) {
  dict *d = it->d;
  for (;;) {
    if (it->next != NULL) {
      dict_node *n = it->next;
      it->next = n->next; /* saved now: the caller may unlink n */
      return n;
    }
    const dict_table *t = &d->t[it->table];
    if (it->idx < t->size) {
      it->next = t->b[it->idx++];
      continue;
    }
    if (it->table == 0 && d->state == DICT_REHASHING) {
      it->table = 1;
      it->idx = 0;
      continue;
    }
    return NULL;
  }
}

void dict_iter_done(dict_iter *it) {
  if (it->d != NULL) it->d->pause--;
  it->d = NULL;
}

/* ------------------------------------------------------------------------------ emptying */

/* Unlink the first node at or after drain_pos in t[0] (wrapping: adds may have landed
 * behind), or NULL when empty or after *budget empty buckets. No rehash step, no shrink. */
static dict_node *pop_one(dict *d, uint64_t *budget) {
  if (d->state == DICT_REHASHING && d->t[0].used == 0) finish(d);
  dict_table *t = &d->t[0];
  if (t->used == 0) return NULL;
  uint64_t lo = d->state == DICT_REHASHING ? d->rehash : 0;
  uint64_t p = d->drain_pos < lo ? lo : d->drain_pos;
  for (;;) {
    if (p >= t->size) p = lo;
    dict_node *n = t->b[p];
    if (n != NULL) {
      t->b[p] = n->next;
      t->used--;
      d->drain_pos = p;
      return n;
    }
    p++;
    if (--*budget == 0) {
      d->drain_pos = p;
      return NULL;
    }
  }
}

dict_node *dict_pop_any(dict *d) {
  uint64_t budget = UINT64_MAX;
  return pop_one(d, &budget);
}

size_t dict_drain(dict *d, size_t max_nodes, dict_free_fn *free_node, void *arg) {
  uint64_t budget = max_nodes >= (UINT64_MAX - 16) / EMPTY_VISITS
                        ? UINT64_MAX
                        : (uint64_t)max_nodes * EMPTY_VISITS + 16;
  for (size_t k = 0; k < max_nodes; k++) {
    dict_node *n = pop_one(d, &budget);
    if (n == NULL) break;
    free_node(n, arg);
  }
  if (dict_size(d) == 0) dict_free_tables(d);
  return dict_size(d);
}

/* ------------------------------------------------------------------------------ random */

/* Any node, by random non-empty bucket then random chain position (Redis's dictGetRandomKey). */
static dict_node *random_any(dict *d) {
  dict_node *n;
  if (d->state == DICT_REHASHING) {
    uint64_t s0 = d->t[0].size, span = s0 + d->t[1].size - d->rehash;
    do {
      uint64_t i = d->rehash + dict_rand64() % span;
      n = i >= s0 ? d->t[1].b[i - s0] : d->t[0].b[i];
    } while (n == NULL);
  } else {
    uint64_t mask = d->t[0].size - 1;
    do n = d->t[0].b[dict_rand64() & mask];
    while (n == NULL);
  }
  uint64_t len = 0;
  for (dict_node *x = n; x != NULL; x = x->next) len++;
  for (uint64_t k = dict_rand64() % len; k > 0; k--) n = n->next;
  return n;
}

size_t dict_sample(dict *d, dict_node **out, size_t count) {
  size_t size = dict_size(d);
  if (count > size) count = size;
  if (count == 0) return 0;
  /* Help the rehash along in proportion to the work asked (as Redis does). */
  for (size_t j = 0; j < count && d->state != DICT_STABLE && d->pause == 0; j++) steps(d, 1);
  int tables = d->state == DICT_REHASHING ? 2 : 1;
  uint64_t maxmask = d->t[0].size - 1;
  if (tables == 2 && d->t[1].size - 1 > maxmask) maxmask = d->t[1].size - 1;
  uint64_t i = dict_rand64() & maxmask, emptylen = 0, maxsteps = (uint64_t)count * 10;
  size_t stored = 0;
  while (stored < count && maxsteps-- != 0) {
    for (int j = 0; j < tables; j++) {
      /* Buckets of t[0] below the rehash index are empty: skip to where t[0] is live (or,
       * when shrinking, past the end of t[1]). */
      if (tables == 2 && j == 0 && i < d->rehash) {
        if (i >= d->t[1].size)
          i = d->rehash;
        else
          continue;
      }
      if (i >= d->t[j].size) continue;
      dict_node *n = d->t[j].b[i];
      if (n == NULL) {
        /* A run of empties: jump somewhere else rather than crawl. */
        if (++emptylen >= 5 && emptylen > count) {
          i = dict_rand64() & maxmask;
          emptylen = 0;
        }
      } else {
        emptylen = 0;
        for (; n != NULL; n = n->next) {
          out[stored++] = n;
          if (stored == count) return stored;
        }
      }
    }
    i = (i + 1) & maxmask;
  }
  return stored;
}

dict_node *dict_random(dict *d) {
  if (dict_size(d) == 0) return NULL;
  dict_node *s[SAMPLE_FAIR];
  size_t k = dict_sample(d, s, SAMPLE_FAIR);
  if (k == 0) return random_any(d);
  return s[dict_rand64() % k];
}
