/* dict_test.c - the intrusive dict: SipHash vectors, a randomized model, growth and shrink
 * across rehash generations in bounded steps, scan across resizes, iterators, replace, drain,
 * random sampling, exact accounting, OOM on growth, and a micro benchmark. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "dict.h"
#include "mem.h"

typedef struct tnode {
  dict_node n;
  uint32_t id;
  uint8_t len;
  char key[19];
} tnode;

static const unsigned char *tkey(const dict_node *n, size_t *len) {
  const tnode *t = (const tnode *)n;
  *len = t->len;
  return (const unsigned char *)t->key;
}
static const dict_type ttype = { tkey };

/* Keys are binary: every third starts with a NUL byte; id 0 is the empty key in the model. */
static size_t make_key(uint32_t id, char *buf) {
  int n = snprintf(buf, 19, "k%u", id);
  if (id % 3 == 0) buf[0] = '\0';
  return (size_t)n;
}

static tnode *new_node(uint32_t id) {
  tnode *t = calloc(1, sizeof *t);
  t->id = id;
  t->len = (uint8_t)make_key(id, t->key);
  return t;
}

static tnode *find_id(dict *d, uint32_t id) {
  char k[19];
  size_t len = make_key(id, k);
  return (tnode *)dict_find(d, k, len);
}

static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void) { /* deterministic xorshift: reproducible runs */
  rnd_state ^= rnd_state << 13;
  rnd_state ^= rnd_state >> 7;
  rnd_state ^= rnd_state << 17;
  return rnd_state;
}

static sm M;

static int64_t meta_bytes(unsigned owner) {
  return M.cell[owner][TM_CAT_METADATA][TM_DRAM].bytes +
         M.cell[owner][TM_CAT_METADATA][TM_PMEM].bytes;
}
static int64_t meta_count(unsigned owner) {
  return M.cell[owner][TM_CAT_METADATA][TM_DRAM].count +
         M.cell[owner][TM_CAT_METADATA][TM_PMEM].count;
}

/* Every node sits in the bucket its hash names (and in a live part of t[0]); counts agree. */
static int invariants_ok(const dict *d) {
  uint64_t n[2] = { 0, 0 };
  for (int t = 0; t < 2; t++) {
    if (d->t[t].b == NULL) continue;
    if (t == 1 && d->state != DICT_REHASHING) continue;
    for (uint64_t i = 0; i < d->t[t].size; i++)
      for (dict_node *x = d->t[t].b[i]; x != NULL; x = x->next) {
        size_t l;
        const unsigned char *k = tkey(x, &l);
        if ((dict_hash(k, l) & (d->t[t].size - 1)) != i) return 0;
        if (t == 0 && d->state == DICT_REHASHING && i < d->rehash) return 0;
        n[t]++;
      }
  }
  return n[0] == d->t[0].used && n[1] == d->t[1].used;
}

static void free_cb(dict_node *n, void *arg) {
  (*(size_t *)arg)++;
  free(n);
}

static void free_all(dict *d) {
  size_t k = 0;
  while (dict_drain(d, SIZE_MAX, free_cb, &k) != 0) {}
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------------------ tests */

static const uint64_t sip24_vectors[64] = {
  0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
  0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL, 0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
  0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
  0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
  0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL, 0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
  0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
  0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
  0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL, 0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
  0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
  0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
  0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL, 0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
  0xf935451de4f21df2ULL, 0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
  0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
  0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL, 0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
  0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
  0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
};

static void test_siphash(void) {
  /* The paper's vectors: key 00..0f, messages 00, 00 01, ... */
  uint8_t key[16], msg[64];
  for (int i = 0; i < 16; i++) key[i] = (uint8_t)i;
  for (int i = 0; i < 64; i++) msg[i] = (uint8_t)i;
  int bad = 0;
  for (int i = 0; i < 64; i++) bad += dict_siphash24(msg, (size_t)i, key) != sip24_vectors[i];
  CHECK(bad == 0);
  /* SipHash-1-3 under the zero key (the values Rust's and other SipHash-1-3 ports publish). */
  uint8_t zero[16] = { 0 };
  CHECK(dict_siphash13("", 0, zero) == 0xd1fba762150c532cULL);
  CHECK(dict_siphash13("siphash", 7, zero) == 0x8264ceeccb16bcbeULL);
  CHECK(dict_siphash13("digest-sip_hash", 15, zero) == 0xce31007e34130c0aULL);
  /* The process key is random, not zero; NULL with length 0 is fine. */
  CHECK(dict_hash("siphash", 7) != 0x8264ceeccb16bcbeULL);
  CHECK(dict_hash(NULL, 0) == dict_hash("", 0));
  CHECK(dict_hash("a", 1) != dict_hash("b", 1));
}

static void test_basic(void) {
  dict d;
  dict_init(&d, &ttype, &M, SM_STORE);
  CHECK(dict_size(&d) == 0 && dict_find(&d, "x", 1) == NULL && dict_table_bytes(&d) == 0);
  CHECK(dict_unlink(&d, "x", 1) == NULL);
  CHECK(dict_random(&d) == NULL && dict_pop_any(&d) == NULL);
  CHECK(dict_scan(&d, 0, NULL, NULL) == 0);
  tnode *e = calloc(1, sizeof *e); /* the empty key */
  CHECK(dict_add(&d, &e->n) == 0);
  CHECK(dict_find(&d, NULL, 0) == &e->n && dict_find(&d, "", 0) == &e->n);
  tnode *a = new_node(1), *b = new_node(3);
  CHECK(dict_add(&d, &a->n) == 0 && dict_add(&d, &b->n) == 0);
  CHECK(dict_size(&d) == 3 && find_id(&d, 1) == a && find_id(&d, 3) == b);
  CHECK(dict_find(&d, "k3", 2) == NULL); /* "\0" "3" is not "k3" */
  CHECK(dict_find(&d, "\0003", 2) == &b->n);
  CHECK(dict_table_bytes(&d) == (size_t)meta_bytes(SM_STORE) && meta_count(SM_STORE) == 1);
  CHECK(dict_unlink(&d, "", 0) == &e->n && dict_size(&d) == 2);
  free(e);
  dict_pos pos;
  CHECK(dict_find_pos(&d, "k1", 2, dict_hash("k1", 2), &pos) == &a->n);
  CHECK(dict_unlink_pos(&d, &pos) == &a->n && find_id(&d, 1) == NULL);
  free(a);
  dict_unlink_node(&d, &b->n);
  CHECK(dict_size(&d) == 0);
  free(b);
  dict_free_tables(&d);
  dict_free_tables(&d); /* idempotent */
  CHECK(meta_bytes(SM_STORE) == 0 && meta_count(SM_STORE) == 0);
}

/* 200k random operations against an array of who is present. */
static void test_model(void) {
  enum { N = 6000, OPS = 200000 };
  tnode **live = calloc(N, sizeof *live);
  size_t count = 0, bad = 0, bad_inv = 0, resizes = 0;
  dict d;
  dict_init(&d, &ttype, &M, ST_HASH);
  int was = 0;
  for (int op = 0; op < OPS; op++) {
    /* Drift the key population up and down so the table grows and shrinks repeatedly. */
    int phase = (op / 20000) % 2;
    uint32_t id = (uint32_t)(1 + rnd() % (N - 1));
    unsigned r = (unsigned)(rnd() % 100);
    char k[19];
    size_t kl = make_key(id, k);
    if (r < (phase ? 12u : 60u)) {
      if (live[id] == NULL) {
        live[id] = new_node(id);
        if (dict_add(&d, &live[id]->n) != 0) bad++;
        count++;
      } else if (dict_find(&d, k, kl) != &live[id]->n)
        bad++;
    } else if (r < 80) {
      dict_node *x = dict_unlink(&d, k, kl);
      if (x != (live[id] ? &live[id]->n : NULL)) bad++;
      if (x != NULL) {
        free(x);
        live[id] = NULL;
        count--;
      }
    } else if (r < 88) {
      if (dict_find(&d, k, kl) != (live[id] ? &live[id]->n : NULL)) bad++;
    } else if (r < 92) {
      if (live[id] != NULL) { /* a rebuilt node in a new block: dict_replace */
        tnode *nw = malloc(sizeof *nw);
        memcpy(nw, live[id], sizeof *nw);
        nw->n.next = (dict_node *)(uintptr_t)0xdead; /* replace must set it */
        dict_replace(&d, &live[id]->n, &nw->n);
        free(live[id]);
        live[id] = nw;
      }
    } else if (r < 95) {
      if (live[id] != NULL) { /* realloc-style: the old block is gone before the dict hears */
        tnode *nw = malloc(sizeof *nw);
        memcpy(nw, live[id], sizeof *nw);
        dict_node *old = &live[id]->n;
        free(live[id]);
        dict_moved(&d, old, &nw->n);
        live[id] = nw;
      }
    } else if (r < 98) {
      dict_pos pos;
      dict_node *x = dict_find_pos(&d, k, kl, dict_hash(k, kl), &pos);
      if (x != (live[id] ? &live[id]->n : NULL)) bad++;
      if (x != NULL) {
        dict_unlink_pos(&d, &pos);
        free(x);
        live[id] = NULL;
        count--;
      }
    } else {
      dict_rehash_steps(&d, (size_t)(rnd() % 8));
    }
    if (dict_resizing(&d) && !was) resizes++;
    was = dict_resizing(&d);
    if (dict_size(&d) != count) bad++;
    if (op % 5000 == 0 && !invariants_ok(&d)) bad_inv++;
  }
  CHECK(bad == 0);
  CHECK(bad_inv == 0);
  printf("model: %zu resizes\n", resizes);
  CHECK(resizes > 10);
  /* Every model key is found, and a full walk sees each exactly once. */
  size_t found = 0, walked = 0, dup = 0;
  for (uint32_t i = 0; i < N; i++)
    if (live[i] != NULL) found += find_id(&d, i) == live[i];
  CHECK(found == count);
  uint8_t *seen = calloc(N, 1);
  dict_iter it;
  dict_iter_init(&it, &d);
  for (dict_node *x; (x = dict_iter_next(&it)) != NULL; walked++)
    dup += seen[((tnode *)x)->id]++ != 0;
  dict_iter_done(&it);
  CHECK(walked == count && dup == 0);
  CHECK(dict_table_bytes(&d) == (size_t)meta_bytes(ST_HASH));
  free_all(&d);
  CHECK(meta_bytes(ST_HASH) == 0 && meta_count(ST_HASH) == 0 && dict_size(&d) == 0);
  free(seen);
  free(live);
}

/* 1M keys: many generations of growth, each rehash in bounded steps, lookups correct while
 * rehashing; then deletes back down to 1000 through shrinks. */
static void test_growth_shrink(void) {
  enum { N = 1000000 };
  tnode *nodes = calloc(N, sizeof *nodes);
  for (uint32_t i = 0; i < N; i++) {
    nodes[i].id = i;
    nodes[i].len = (uint8_t)make_key(i, nodes[i].key);
  }
  dict d;
  dict_init(&d, &ttype, &M, SM_STORE);
  size_t bad = 0, finds_resizing = 0, zeroing_seen = 0, generations = 0, max_advance = 0;
  size_t max_zeroed = 0;
  uint64_t last_size = 0;
  for (uint32_t i = 0; i < N; i++) {
    uint8_t st = d.state;
    uint64_t before = d.rehash;
    if (dict_add(&d, &nodes[i].n) != 0) bad++;
    /* One step per operation: the rehash index moves by at most 10 empty + 1 full bucket,
     * the zeroing index by one chunk. */
    if (st == d.state && st != DICT_STABLE && d.rehash > before) {
      size_t adv = (size_t)(d.rehash - before);
      if (st == DICT_REHASHING && adv > max_advance) max_advance = adv;
      if (st == DICT_ZEROING && adv > max_zeroed) max_zeroed = adv;
    }
    if (d.state == DICT_ZEROING) zeroing_seen++;
    if (d.t[0].size != last_size) {
      generations++;
      last_size = d.t[0].size;
    }
    if (i % 7 == 0) {
      uint32_t j = (uint32_t)(rnd() % (i + 1));
      if (find_id(&d, j) != &nodes[j]) bad++;
      if (i + 1 < N && find_id(&d, i + 1) != NULL) bad++;
      finds_resizing += d.state == DICT_REHASHING;
    }
  }
  CHECK(bad == 0);
  CHECK(max_advance >= 1 && max_advance <= 11 && max_zeroed == 512);
  CHECK(finds_resizing > 1000 && zeroing_seen > 0);
  CHECK(generations >= 15); /* 4 -> 2^20 */
  CHECK(dict_size(&d) == N && invariants_ok(&d));
  while (dict_resizing(&d)) dict_rehash_steps(&d, 1000);
  CHECK(d.t[0].size == (1u << 20) && d.t[1].b == NULL);
  CHECK(dict_table_bytes(&d) == (size_t)meta_bytes(SM_STORE) && meta_count(SM_STORE) == 1);
  for (uint32_t i = 0; i < N; i += 1009) bad += find_id(&d, i) != &nodes[i];
  CHECK(bad == 0);
  /* Shrink: delete all but 1000, checking the survivors along the way. */
  size_t shrinks = 0;
  last_size = d.t[0].size;
  for (uint32_t i = 1000; i < N; i++) {
    char k[19];
    size_t kl = make_key(i, k);
    if (dict_unlink(&d, k, kl) != &nodes[i].n) bad++;
    if (d.t[0].size < last_size) {
      shrinks++;
      last_size = d.t[0].size;
    }
    if (i % 4099 == 0 && find_id(&d, i % 1000) != &nodes[i % 1000]) bad++;
    if (i % 100 == 0) dict_rehash_steps(&d, 50); /* the cron's share */
  }
  CHECK(bad == 0 && shrinks >= 3);
  while (dict_resizing(&d)) dict_rehash_steps(&d, 1000);
  printf("after shrink: %zu keys in %llu buckets, %zu shrinks\n", dict_size(&d),
         (unsigned long long)d.t[0].size, shrinks);
  CHECK(dict_size(&d) == 1000 && d.t[0].size >= 1000 && d.t[0].size <= 8 * 1024);
  CHECK(invariants_ok(&d));
  for (uint32_t i = 0; i < 1000; i++) bad += find_id(&d, i) != &nodes[i];
  CHECK(bad == 0);
  /* Down to nothing: the table settles at the minimum. */
  for (uint32_t i = 0; i < 1000; i++) dict_unlink_node(&d, &nodes[i].n);
  while (dict_resizing(&d)) dict_rehash_steps(&d, 1000);
  dict_rehash_steps(&d, 10);
  while (dict_resizing(&d)) dict_rehash_steps(&d, 1000);
  CHECK(dict_size(&d) == 0 && d.t[0].size == 4);
  dict_free_tables(&d);
  CHECK(meta_bytes(SM_STORE) == 0 && meta_count(SM_STORE) == 0);
  free(nodes);
}

typedef struct scan_ctx {
  uint32_t *seen;
  tnode **extra; /* the callback clears the slot of a node it frees */
  dict *d;
  int unlink_odd; /* the callback unlinks (and frees) odd extra nodes it is handed */
} scan_ctx;

static void scan_cb(dict_node *n, void *arg) {
  scan_ctx *c = arg;
  tnode *t = (tnode *)n;
  c->seen[t->id]++;
  if (c->unlink_odd && t->id >= 100000 && (t->id & 1)) {
    dict_unlink_node(c->d, n);
    c->extra[t->id - 100000] = NULL;
    free(n);
  }
}

/* Keys present for the whole scan are all returned even though the table grows (several
 * times) and shrinks between calls, and rehashes while the scan runs. */
static void test_scan(void) {
  enum { STABLE = 5000, EXTRA = 100000 };
  for (int variant = 0; variant < 2; variant++) {
    dict d;
    dict_init(&d, &ttype, &M, ST_SET);
    tnode **extra = calloc(EXTRA + 60000, sizeof *extra);
    uint32_t *seen = calloc(EXTRA + 60000, sizeof *seen);
    for (uint32_t i = 0; i < STABLE; i++) dict_add(&d, &new_node(i)->n);
    scan_ctx c = { seen, extra, &d, variant };
    uint64_t cur = 0;
    size_t calls = 0, during_rehash = 0, next_extra = 0, removed = 0, grows = 0, shrinks = 0;
    uint64_t size0 = d.t[0].size;
    do {
      cur = dict_scan(&d, cur, scan_cb, &c);
      calls++;
      dict_rehash_steps(&d, 2); /* the cron, between two SCAN commands */
      during_rehash += d.state == DICT_REHASHING;
      /* First half: add 40 keys per call (grows); then remove them again (shrinks). */
      if (calls < 1500) {
        for (int k = 0; k < 40 && next_extra < 60000; k++, next_extra++) {
          uint32_t id = (uint32_t)(EXTRA + next_extra);
          extra[next_extra] = new_node(id);
          dict_add(&d, &extra[next_extra]->n);
        }
      } else {
        for (int k = 0; k < 60 && removed < next_extra; k++, removed++) {
          if (extra[removed] == NULL) continue; /* the scan callback took it */
          char key[19];
          size_t kl = make_key(extra[removed]->id, key);
          free(dict_unlink(&d, key, kl));
        }
      }
      if (d.t[0].size > size0) grows++;
      if (d.t[0].size < size0) shrinks++;
      size0 = d.t[0].size;
    } while (cur != 0);
    size_t missing = 0;
    for (uint32_t i = 0; i < STABLE; i++) missing += seen[i] == 0;
    CHECK(missing == 0);
    CHECK(grows >= 2 && during_rehash > 0);
    printf("scan variant %d: %zu calls, %zu grows, %zu shrinks, %zu calls mid-rehash\n", variant,
           calls, grows, shrinks, during_rehash);
    if (variant == 0) CHECK(shrinks >= 1);
    (void)calls;
    free_all(&d);
    CHECK(meta_bytes(ST_SET) == 0);
    free(extra);
    free(seen);
  }
  /* A plain scan of a stable table returns each key exactly once. */
  dict d;
  dict_init(&d, &ttype, &M, ST_SET);
  uint32_t *seen = calloc(3000, sizeof *seen);
  for (uint32_t i = 0; i < 3000; i++) dict_add(&d, &new_node(i)->n);
  while (dict_resizing(&d)) dict_rehash_steps(&d, 100);
  scan_ctx c = { seen, NULL, &d, 0 };
  uint64_t cur = 0;
  do cur = dict_scan(&d, cur, scan_cb, &c);
  while (cur != 0);
  size_t once = 0;
  for (uint32_t i = 0; i < 3000; i++) once += seen[i] == 1;
  CHECK(once == 3000);
  free_all(&d);
  free(seen);
}

/* The safe iterator pauses rehashing; unlinking the current node is allowed. */
static void test_iter(void) {
  dict d;
  dict_init(&d, &ttype, &M, ST_SET);
  /* Stop in the middle of a rehash so the walk covers both tables. */
  uint32_t n = 0;
  while (!(d.state == DICT_REHASHING && d.t[0].used > 100)) dict_add(&d, &new_node(n++)->n);
  uint64_t ri = d.rehash;
  uint8_t *seen = calloc(n + 1000, 1);
  dict_iter it;
  dict_iter_init(&it, &d);
  size_t walked = 0, dup = 0, added = 0;
  for (dict_node *x; (x = dict_iter_next(&it)) != NULL;) {
    tnode *t = (tnode *)x;
    walked++;
    dup += seen[t->id]++ != 0;
    if (t->id % 2 == 0 && t->id < n) {
      dict_unlink_node(&d, x);
      free(x);
    }
    if (added < 1000 && walked % 3 == 0) { /* adds are allowed (may or may not be seen) */
      dict_add(&d, &new_node(n + (uint32_t)added)->n);
      added++;
    }
    char k[19];
    size_t kl = make_key(walked % n, k);
    dict_find(&d, k, kl); /* lookups do not step the rehash while paused */
  }
  CHECK(d.rehash == ri && d.state == DICT_REHASHING);
  dict_iter_done(&it);
  size_t missing = 0;
  for (uint32_t i = 0; i < n; i++) missing += !seen[i];
  CHECK(missing == 0 && dup == 0);
  CHECK(dict_size(&d) == n - (n + 1) / 2 + added);
  dict_find(&d, "x", 1);
  CHECK(d.rehash != ri || d.state != DICT_REHASHING); /* resumed */
  CHECK(invariants_ok(&d));
  free_all(&d);
  free(seen);
}

/* dict_drain frees in bounded batches, also mid-rehash and with adds in between. */
static void test_drain(void) {
  dict d;
  dict_init(&d, &ttype, &M, ST_ZSET);
  enum { N = 100000 };
  for (uint32_t i = 0; i < N; i++) dict_add(&d, &new_node(i)->n);
  CHECK(d.state == DICT_REHASHING); /* the drain starts mid-rehash */
  size_t freed = 0, calls = 0, over = 0, wrong = 0, total = N;
  for (size_t left = N; left != 0; calls++) {
    size_t before = freed;
    left = dict_drain(&d, 1000, free_cb, &freed);
    if (freed - before > 1000 || (left != 0 && freed - before != 1000)) over++;
    if (left != dict_size(&d) || left != total - freed) wrong++;
    if (calls == 10) { /* adds (and lookups) between batches are fine; they get drained too */
      for (uint32_t i = 0; i < 500; i++) dict_add(&d, &new_node(N + i)->n);
      total += 500;
      left += 500;
      if (find_id(&d, N + 7) == NULL) wrong++;
    }
  }
  CHECK(over == 0 && wrong == 0 && calls == 101);
  CHECK(freed == total);
  CHECK(dict_size(&d) == 0 && d.t[0].b == NULL && d.t[1].b == NULL);
  CHECK(meta_bytes(ST_ZSET) == 0 && meta_count(ST_ZSET) == 0);
  /* The dict is usable afterwards. */
  tnode *a = new_node(7);
  CHECK(dict_add(&d, &a->n) == 0 && find_id(&d, 7) == a);
  /* dict_pop_any empties it node by node. */
  for (uint32_t i = 0; i < 20000; i++) dict_add(&d, &new_node(1000 + i)->n);
  size_t popped = 0;
  for (dict_node *x; (x = dict_pop_any(&d)) != NULL; popped++) free(x);
  CHECK(popped == 20001 && dict_size(&d) == 0);
  dict_free_tables(&d);
  CHECK(meta_bytes(ST_ZSET) == 0);
}

static void test_random(void) {
  dict d;
  dict_init(&d, &ttype, &M, ST_SET);
  enum { N = 1000, DRAWS = 200000 };
  uint32_t *hits = calloc(N, sizeof *hits);
  for (uint32_t i = 0; i < N; i++) dict_add(&d, &new_node(i)->n);
  while (dict_resizing(&d)) dict_rehash_steps(&d, 100);
  for (int i = 0; i < DRAWS; i++) hits[((tnode *)dict_random(&d))->id]++;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint32_t i = 0; i < N; i++) {
    if (hits[i] < lo) lo = hits[i];
    if (hits[i] > hi) hi = hits[i];
  }
  printf("dict_random over %d keys, %d draws: min %u max %u (mean %d)\n", N, DRAWS, lo, hi,
         DRAWS / N);
  CHECK(lo > DRAWS / N / 10 && hi < DRAWS / N * 5); /* fair-ish: no key starved or hot */
  dict_node *out[64];
  size_t k = dict_sample(&d, out, 16), valid = 0;
  for (size_t i = 0; i < k; i++) valid += find_id(&d, ((tnode *)out[i])->id) == (tnode *)out[i];
  CHECK(k == 16 && valid == 16);
  /* Sampling during a rehash, and a small dict. */
  for (uint32_t i = N; !dict_resizing(&d); i++) dict_add(&d, &new_node(i)->n);
  k = dict_sample(&d, out, 64);
  valid = 0;
  for (size_t i = 0; i < k; i++) valid += find_id(&d, ((tnode *)out[i])->id) == (tnode *)out[i];
  CHECK(k > 0 && valid == k);
  CHECK(dict_random(&d) != NULL);
  free_all(&d);
  for (uint32_t i = 0; i < 5; i++) dict_add(&d, &new_node(i)->n);
  k = dict_sample(&d, out, 64);
  CHECK(k <= 5 && k > 0);
  free_all(&d);
  free(hits);
}

/* Growth refused under a strict DRAM limit: the dict keeps working at a higher load, retries
 * sparingly, and grows once memory is back. The first table failing is the only error. */
static void test_oom(tm_heap *h) {
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_DRAM, 40 << 10); /* room for 4096 buckets, not for 4096 + 8192 */
  dict d;
  dict_init(&d, &ttype, &M, ST_LIST);
  enum { N = 50000 };
  tnode **nodes = calloc(N, sizeof *nodes);
  uint64_t oom0 = M.oom;
  size_t bad = 0;
  for (uint32_t i = 0; i < N; i++) {
    nodes[i] = new_node(i);
    if (dict_add(&d, &nodes[i]->n) != 0) bad++;
    if (i % 101 == 0 && find_id(&d, i / 2) != nodes[i / 2]) bad++;
  }
  while (dict_resizing(&d)) dict_rehash_steps(&d, 100);
  CHECK(bad == 0 && dict_size(&d) == N);
  CHECK(d.t[0].size <= 4096 && d.t[0].used > 10 * d.t[0].size);
  uint64_t fails = M.oom - oom0;
  printf("dict under OOM: %u keys in %llu buckets, %llu refused growth attempts\n", (unsigned)N,
         (unsigned long long)d.t[0].size, (unsigned long long)fails);
  CHECK(fails > 0 && fails < N / 50); /* backed off, not one per add */
  for (uint32_t i = 0; i < N; i++) bad += find_id(&d, i) != nodes[i];
  CHECK(bad == 0);
  /* Deletes work too (a shrink may be refused as well). */
  for (uint32_t i = 0; i < N; i += 2) {
    dict_unlink_node(&d, &nodes[i]->n);
    free(nodes[i]);
    nodes[i] = NULL;
  }
  CHECK(dict_size(&d) == N / 2 && invariants_ok(&d));
  /* Memory back: the cron's next call grows it. */
  tm_set_limit(h, TM_DRAM, 0);
  while (dict_rehash_us(&d, 1000000)) {}
  CHECK(d.t[0].size >= N / 2 && d.t[0].size <= N && invariants_ok(&d));
  for (uint32_t i = 1; i < N; i += 2) bad += find_id(&d, i) != nodes[i];
  CHECK(bad == 0);
  free_all(&d);
  free(nodes);
  CHECK(meta_bytes(ST_LIST) == 0 && meta_count(ST_LIST) == 0);
  /* No room at all: the first table fails, and that is reported. */
  tm_set_limit(h, TM_DRAM, 16);
  tnode *a = new_node(1);
  CHECK(dict_add(&d, &a->n) == -1 && dict_size(&d) == 0 && find_id(&d, 1) == NULL);
  tm_set_limit(h, TM_DRAM, 0);
  CHECK(dict_add(&d, &a->n) == 0 && find_id(&d, 1) == a);
  free_all(&d);
  tm_set_policy(h, TM_POLICY_SPILL);
}

/* Informational: ns per operation at 1M keys (this binary is built with ASan + UBSan -O1, so
 * the figures are several times what an optimized build does). */
static void bench(void) {
  enum { N = 1000000 };
  tnode *nodes = calloc(N, sizeof *nodes);
  char(*keys)[19] = calloc(N, sizeof *keys);
  uint8_t *lens = calloc(N, 1);
  for (uint32_t i = 0; i < N; i++) {
    nodes[i].id = i;
    nodes[i].len = (uint8_t)snprintf(nodes[i].key, sizeof nodes[i].key, "key:%08u", i);
    lens[i] = (uint8_t)snprintf(keys[i], 19, "key:%08u", (i * 2654435761u) % N);
  }
  dict d;
  dict_init(&d, &ttype, &M, SM_STORE);
  double t0 = now_ns();
  for (uint32_t i = 0; i < N; i++) dict_add(&d, &nodes[i].n);
  double t1 = now_ns();
  size_t hit = 0;
  for (uint32_t i = 0; i < N; i++) hit += dict_find(&d, keys[i], lens[i]) != NULL;
  double t2 = now_ns();
  for (uint32_t i = 0; i < N; i++) {
    keys[i][0] = 'K';
    hit += dict_find(&d, keys[i], lens[i]) != NULL;
  }
  double t3 = now_ns();
  uint64_t hs = 0;
  for (uint32_t i = 0; i < N; i++) hs += dict_hash(keys[i], lens[i]);
  double t4 = now_ns();
  CHECK(hit == N && hs != 0);
  printf("bench (1M keys, 12-byte keys, this build): add %.1f ns, find hit %.1f ns, "
         "find miss %.1f ns, siphash13 %.1f ns\n",
         (t1 - t0) / N, (t2 - t1) / N, (t3 - t2) / N, (t4 - t3) / N);
  /* The same, cache-resident (1000 keys): the dict's own cost, without DRAM misses. */
  dict_free_tables(&d);
  for (uint32_t i = 0; i < 1000; i++) dict_add(&d, &nodes[i].n);
  for (uint32_t i = 0; i < N; i++) lens[i] = (uint8_t)snprintf(keys[i], 19, "key:%08u", i % 1000);
  double t5 = now_ns();
  for (uint32_t i = 0; i < N; i++) hit += dict_find(&d, keys[i], lens[i]) != NULL;
  double t6 = now_ns();
  CHECK(hit == 2 * (size_t)N);
  printf("bench (1000 keys, in cache): find hit %.1f ns\n", (t6 - t5) / N);
  dict_free_tables(&d);
  free(nodes);
  free(keys);
  free(lens);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  sm_init(&M, h);
  test_siphash();
  test_basic();
  test_model();
  test_growth_shrink();
  test_scan();
  test_iter();
  test_drain();
  test_random();
  test_oom(h);
  bench();
  CHECK(sm_total_bytes(&M) == 0);
  tm_heap_destroy(h);
  return check_done("dict_test");
}
