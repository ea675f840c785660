/* quicklist_test.c - the list structure alone: sizes, splits, merges, long lists, a randomized
 * model test across many nodes, exact accounting, OOM leaving everything as it was. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "quicklist.h"

/* ------------------------------------------------------------------------------ a model */

typedef struct model {
  char **v;
  uint32_t *len;
  size_t n, cap;
} model;

static void model_insert(model *md, size_t i, const char *s, uint32_t len) {
  if (md->n == md->cap) {
    md->cap = md->cap ? md->cap * 2 : 64;
    md->v = realloc(md->v, md->cap * sizeof *md->v);
    md->len = realloc(md->len, md->cap * sizeof *md->len);
  }
  memmove(md->v + i + 1, md->v + i, (md->n - i) * sizeof *md->v);
  memmove(md->len + i + 1, md->len + i, (md->n - i) * sizeof *md->len);
  md->v[i] = malloc(len + 1);
  memcpy(md->v[i], s, len);
  md->len[i] = len;
  md->n++;
}

static void model_del(model *md, size_t i, size_t k) {
  for (size_t j = i; j < i + k; j++) free(md->v[j]);
  memmove(md->v + i, md->v + i + k, (md->n - i - k) * sizeof *md->v);
  memmove(md->len + i, md->len + i + k, (md->n - i - k) * sizeof *md->len);
  md->n -= k;
}

static void model_free(model *md) {
  model_del(md, 0, md->n);
  free(md->v);
  free(md->len);
}

static int val_eq(const lp_val *v, const char *s, uint32_t len) {
  char buf[LP_INTBUF];
  uint32_t l;
  const unsigned char *b = lp_val_bytes(v, buf, &l);
  return l == len && memcmp(b, s, len) == 0;
}

/* The whole list against the model, forwards and backwards. */
static int same(sm *m, quicklist *ql, const model *md) {
  if (!ql_check(m, ql) || ql->count != md->n) return 0;
  ql_iter it;
  lp_val v;
  size_t i = 0;
  ql_iter_at(ql, &it, 0, 1);
  for (; ql_next(m, &it, &v); i++)
    if (i >= md->n || !val_eq(&v, md->v[i], md->len[i])) return 0;
  if (i != md->n) return 0;
  ql_iter_at(ql, &it, -1, 0);
  for (; ql_next(m, &it, &v); i--)
    if (i == 0 || !val_eq(&v, md->v[i - 1], md->len[i - 1])) return 0;
  return i == 0;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* A random element: small strings, integers, now and then a big string. */
static uint32_t make_elem(char *buf) {
  uint64_t r = rnd() % 100;
  if (r < 30) return (uint32_t)snprintf(buf, 32, "%lld", (long long)(rnd() % 100000) - 50000);
  uint32_t len = r < 97 ? (uint32_t)(rnd() % 40) : (uint32_t)(1000 + rnd() % 9000);
  for (uint32_t i = 0; i < len; i++) buf[i] = (char)('a' + rnd() % 26);
  return len;
}

/* ------------------------------------------------------------------------------ tests */

static void test_sizes(sm *m) {
  const char *cases[] = { "",
                          "a",
                          "0",
                          "127",
                          "128",
                          "-1",
                          "4095",
                          "-4096",
                          "4096",
                          "32767",
                          "-32768",
                          "32768",
                          "8388607",
                          "8388608",
                          "2147483647",
                          "2147483648",
                          "9223372036854775807",
                          "-9223372036854775808",
                          "01",
                          "+1",
                          "-0",
                          "18446744073709551616" };
  uint8_t t;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    unsigned char *lp = lp_new(m, ST_LIST, &t);
    uint32_t len = (uint32_t)strlen(cases[i]);
    size_t before = lp_bytes(lp);
    lp = lp_append(m, ST_LIST, lp, &t, (const unsigned char *)cases[i], len);
    CHECK(lp_bytes(lp) - before == ql_entry_size((const unsigned char *)cases[i], len));
    lp_free(m, ST_LIST, lp, t);
  }
  static char big[70000];
  memset(big, 'x', sizeof big);
  uint32_t lens[] = { 63, 64, 125, 126, 127, 4095, 4096, 16370, 16383, 20000, 70000 };
  for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
    unsigned char *lp = lp_new(m, ST_LIST, &t);
    lp = lp_append(m, ST_LIST, lp, &t, (const unsigned char *)big, lens[i]);
    CHECK(lp_bytes(lp) - 7 == ql_entry_size((const unsigned char *)big, lens[i]));
    lp_free(m, ST_LIST, lp, t);
  }
  /* Redis 7.0's estimate: node bytes + string length + 8 within the level. */
  CHECK(ql_allow_insert(-2, 8180, 1000, 4) && !ql_allow_insert(-2, 8180, 1, 5));
  CHECK(ql_allow_insert(-1, 4000, 1, 88) && !ql_allow_insert(-1, 4000, 1, 89));
  CHECK(ql_allow_insert(-5, 65000, 1, 528) && !ql_allow_insert(-5, 65000, 1, 529));
  CHECK(!ql_allow_insert(-9, 100, 1, 1)); /* no such level (ql_fill clamps it to -5) */
  CHECK(ql_allow_insert(5, 100, 4, 1) && !ql_allow_insert(5, 100, 5, 1));
  CHECK(!ql_allow_insert(5, 8180, 1, 5)); /* 8 KiB caps a counted node all the same */
  CHECK(!ql_allow_insert(0, 7, 1, 1) && !ql_allow_insert(0, 7, 0, 1));
  /* Merges: the two sizes less one header and terminator (11 bytes). */
  CHECK(ql_allow_merge(-2, 4100, 4103, 2) && !ql_allow_merge(-2, 4100, 4104, 2));
  CHECK(ql_allow_merge(3, 50, 50, 3) && !ql_allow_merge(3, 50, 50, 4));
  CHECK(!ql_allow_merge(3, 4100, 4104, 2) && !ql_allow_merge(0, 20, 20, 2));
  CHECK(ql_fill(-100) == -5 && ql_fill(-2) == -2 && ql_fill(128) == 128);
  CHECK(ql_fill(40000) == 32767);
}

/* Exactly at the node limit by Redis 7.0's estimate: a push is allowed while the node's bytes +
 * the string's length + 8 stay within 8192; the next one opens a node. */
static void test_limit(sm *m) {
  quicklist *ql = ql_new(m, -2);
  char e[64];
  memset(e, 'a', sizeof e);
  /* 10-byte entries (8 + 1 header + 1 backlen): 7 + 817 * 10 = 8177, and 8177 + 8 + 8 > 8192. */
  for (int i = 0; i < 817; i++) CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)e, 8) == 0);
  CHECK(ql->len == 1 && lp_bytes(ql->head->lp) == 8177);
  CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)e, 7) == 0); /* 8177 + 7 + 8 = 8192 */
  CHECK(ql->len == 1 && lp_bytes(ql->head->lp) == 8186);
  CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)"7", 1) == 0);
  CHECK(ql->len == 2 && ql->tail->count == 1);
  CHECK(ql_push(m, ql, QL_HEAD, (unsigned char *)"x", 1) == 0);
  CHECK(ql->len == 3 && ql->head->count == 1);
  CHECK(ql_check(m, ql));
  CHECK(!ql_convertible(ql));
  /* Positive fill: entries per node. */
  quicklist *q5 = ql_new(m, 5);
  for (int i = 0; i < 12; i++) ql_push(m, q5, QL_TAIL, (unsigned char *)"v", 1);
  CHECK(q5->len == 3 && q5->head->count == 5 && q5->tail->count == 2 && ql_check(m, q5));
  CHECK(ql_del_range(m, q5, 0, 11) == 0 && q5->len == 1 && ql_convertible(q5));
  uint8_t t;
  unsigned char *lp = ql_release_lp(m, q5, &t);
  CHECK(lp != NULL && lp_length(lp) == 1);
  lp_free(m, ST_LIST, lp, t);
  /* A big element gets a node of its own. */
  static char big[20000];
  memset(big, 'b', sizeof big);
  CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)big, sizeof big) == 0);
  CHECK(ql->tail->count == 1 && ql_check(m, ql));
  ql_free(m, ql);
}

static uint64_t nodes_now(const quicklist *ql) {
  uint64_t n = 0;
  for (const ql_node *x = ql->head; x; x = x->next) n++;
  return n;
}

/* Splits in the middle of full nodes; deletions never merge. */
static void test_split_merge(sm *m) {
  model md = { 0 };
  quicklist *ql = ql_new(m, -1);
  char e[40];
  for (int i = 0; i < 2000; i++) {
    int n = snprintf(e, sizeof e, "element-%06d-padding", i);
    CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)e, (uint32_t)n) == 0);
    model_insert(&md, md.n, e, (uint32_t)n);
  }
  uint64_t nodes = ql->len;
  CHECK(nodes > 5);
  /* Insert after every 100th element: splits of full nodes. */
  /* Small inserts: the split halves merge back (Redis's _quicklistMergeNodes: its estimate
   * refused the entry, the exact sizes fit), so the node count stays. */
  for (size_t i = 50; i < md.n; i += 400) {
    ql_iter it;
    lp_val v;
    ql_iter_at(ql, &it, (int64_t)i, 1);
    CHECK(ql_next(m, &it, &v));
    CHECK(ql_iter_insert(m, &it, LP_AFTER, (unsigned char *)"NEW", 3) == 0);
    ql_iter_done(m, &it);
    model_insert(&md, i + 1, "NEW", 3);
  }
  CHECK(ql->len == nodes && same(m, ql, &md));
  /* 1500-byte inserts: the halves stay apart. */
  static char mid[1500];
  memset(mid, 'm', sizeof mid);
  for (size_t i = 250; i < md.n; i += 400) {
    ql_iter it;
    lp_val v;
    ql_iter_at(ql, &it, (int64_t)i, 1);
    CHECK(ql_next(m, &it, &v));
    CHECK(ql_iter_insert(m, &it, LP_AFTER, (unsigned char *)mid, sizeof mid) == 0);
    ql_iter_done(m, &it);
    model_insert(&md, i + 1, mid, sizeof mid);
  }
  CHECK(ql->len > nodes);
  CHECK(same(m, ql, &md));
  /* LSET-style replacement in a full node: in place, the node goes over the limit. */
  static char big[3000];
  memset(big, 'z', sizeof big);
  CHECK(ql_replace(m, ql, 3, (unsigned char *)big, sizeof big) == 0);
  model_del(&md, 3, 1);
  model_insert(&md, 3, big, sizeof big);
  CHECK(same(m, ql, &md));
  CHECK(ql->len == nodes_now(ql) && lp_bytes(ql->head->lp) > 4096);
  uint64_t split = ql->len;
  /* Remove most elements with an iterator: nodes shrink, none merge (as Redis's LREM). */
  ql_iter it;
  lp_val v;
  size_t i = 0, kept = 0;
  ql_iter_at(ql, &it, 0, 1);
  while (ql_next(m, &it, &v)) {
    if (i++ % 10 != 0) {
      CHECK(ql_iter_del(m, &it) == 0);
      model_del(&md, kept, 1);
    } else {
      kept++;
    }
  }
  ql_iter_done(m, &it);
  CHECK(same(m, ql, &md));
  CHECK(ql->len == split);
  /* A copy has the same nodes. */
  quicklist *d = ql_dup(m, ql);
  int eq = d != NULL && d->len == ql->len && same(m, d, &md);
  for (ql_node *a = ql->head, *b = d ? d->head : NULL; eq && a; a = a->next, b = b->next)
    eq = lp_bytes(a->lp) == lp_bytes(b->lp) && memcmp(a->lp, b->lp, lp_bytes(a->lp)) == 0;
  CHECK(eq);
  if (d) ql_free(m, d);
  ql_free(m, ql);
  model_free(&md);
}

static void test_long(sm *m) {
  quicklist *ql = ql_new(m, -2);
  char e[32];
  for (int i = 0; i < 100000; i++) {
    int n = snprintf(e, sizeof e, "v%d", i);
    if (ql_push(m, ql, QL_TAIL, (unsigned char *)e, (uint32_t)n) != 0) break;
  }
  CHECK(ql->count == 100000 && ql_check(m, ql));
  int ok = 1;
  for (int64_t i = 0; i < 100000; i += 997) {
    lp_val v;
    int n = snprintf(e, sizeof e, "v%lld", (long long)i);
    ok &= ql_get(ql, i, &v) && val_eq(&v, e, (uint32_t)n);
    ok &= ql_get(ql, i - 100000, &v) && val_eq(&v, e, (uint32_t)n);
  }
  CHECK(ok);
  lp_val v;
  CHECK(!ql_get(ql, 100000, &v) && !ql_get(ql, -100001, &v));
  CHECK(ql_get(ql, -1, &v) && val_eq(&v, "v99999", 6));
  /* Range reads from both ends. */
  ql_iter it;
  ql_iter_at(ql, &it, 99990, 1);
  int n = 0;
  while (ql_next(m, &it, &v)) n++;
  CHECK(n == 10);
  ql_iter_at(ql, &it, 9, 0);
  n = 0;
  while (ql_next(m, &it, &v)) n++;
  CHECK(n == 10);
  /* Trim both ends, as LTRIM does. */
  CHECK(ql_del_range(m, ql, 0, 12345) == 0);
  CHECK(ql_del_range(m, ql, ql->count - 20000, 20000) == 0);
  CHECK(ql->count == 100000 - 12345 - 20000 && ql_check(m, ql));
  CHECK(ql_get(ql, 0, &v) && val_eq(&v, "v12345", 6));
  CHECK(ql_get(ql, -1, &v) && val_eq(&v, "v79999", 6));
  /* Lazy free in steps. */
  size_t left = ql->len, steps = 0;
  while ((left = ql_free_step(m, ql, 10)) != 0) steps++;
  CHECK(steps >= 5);
}

/* Random operations against the model, every fill kind. */
static void test_model(sm *m, int fill, int ops, uint64_t min_nodes) {
  model md = { 0 };
  uint64_t max_nodes = 0;
  quicklist *ql = ql_new(m, fill);
  static char e[12000];
  int ok = 1;
  for (int op = 0; op < ops && ok; op++) {
    uint64_t r = rnd() % 100;
    uint32_t len = make_elem(e);
    if (r < 50 || md.n < 5) {
      int head = rnd() & 1;
      ok &= ql_push(m, ql, head ? QL_HEAD : QL_TAIL, (unsigned char *)e, len) == 0;
      model_insert(&md, head ? 0 : md.n, e, len);
    } else if (r < 55) {
      size_t k = 1 + rnd() % 5;
      if (k > md.n) k = md.n;
      int head = rnd() & 1;
      size_t start = head ? 0 : md.n - k;
      ok &= ql_del_range(m, ql, start, k) == 0;
      model_del(&md, start, k);
    } else if (r < 68) {
      size_t i = rnd() % md.n;
      int where = rnd() & 1 ? LP_AFTER : LP_BEFORE;
      ql_iter it;
      lp_val v;
      ql_iter_at(ql, &it, (int64_t)i, rnd() & 1);
      ok &= ql_next(m, &it, &v);
      ok &= ql_iter_insert(m, &it, where, (unsigned char *)e, len) == 0;
      ql_iter_done(m, &it);
      model_insert(&md, where == LP_AFTER ? i + 1 : i, e, len);
    } else if (r < 76) {
      size_t i = rnd() % md.n;
      ok &= ql_replace(m, ql, i, (unsigned char *)e, len) == 0;
      model_del(&md, i, 1);
      model_insert(&md, i, e, len);
    } else if (r < 82) {
      /* LREM-like: delete every k-th element over a stretch, either direction. */
      int fwd = rnd() & 1;
      size_t span = 1 + rnd() % 30, k = 2 + rnd() % 4, start = rnd() % md.n;
      ql_iter it;
      lp_val v;
      ql_iter_at(ql, &it, (int64_t)start, fwd);
      size_t pos = start, seen = 0;
      while (seen < span && ql_next(m, &it, &v)) {
        ok &= val_eq(&v, md.v[pos], md.len[pos]);
        if (seen++ % k == 0) {
          ok &= ql_iter_del(m, &it) == 0;
          model_del(&md, pos, 1);
          if (fwd) pos--; /* the next one moved into pos */
        }
        if (fwd)
          pos++;
        else if (pos-- == 0)
          break;
      }
      ql_iter_done(m, &it);
    } else if (r < 83) {
      /* LTRIM-like: keep a random window. */
      size_t a = rnd() % (md.n / 10 + 1), b = md.n - 1 - rnd() % (md.n / 10 + 1);
      if (b < a) b = a;
      ok &= ql_del_range(m, ql, b + 1, md.n - b - 1) == 0;
      model_del(&md, b + 1, md.n - b - 1);
      ok &= ql_del_range(m, ql, 0, a) == 0;
      model_del(&md, 0, a);
    } else {
      size_t i = rnd() % md.n;
      lp_val v;
      ok &= ql_get(ql, (int64_t)i, &v) && val_eq(&v, md.v[i], md.len[i]);
      ok &= ql_get(ql, (int64_t)i - (int64_t)md.n, &v) && val_eq(&v, md.v[i], md.len[i]);
    }
    if (op % 50 == 0 || !ok) ok &= same(m, ql, &md);
    if (ql->len > max_nodes) max_nodes = ql->len;
  }
  CHECK(ok);
  CHECK(max_nodes >= min_nodes);
  if (max_nodes < min_nodes)
    fprintf(stderr, "  fill %d: %llu nodes at most\n", fill, (unsigned long long)max_nodes);
  CHECK(same(m, ql, &md));
  ql_free(m, ql);
  model_free(&md);
}

/* Borrowed: one listpack wrapped on the stack, as t_list.c runs small lists. */
static void test_borrowed(sm *m) {
  uint8_t t;
  unsigned char *lp = lp_new(m, ST_LIST, &t);
  quicklist q = { 0 };
  ql_node n = { 0 };
  n.lp = lp;
  n.lp_tier = t;
  q.head = q.tail = &n;
  q.len = 1;
  q.fill = -2;
  q.borrowed = 1;
  CHECK(ql_push(m, &q, QL_TAIL, (unsigned char *)"a", 1) == 0);
  CHECK(ql_push(m, &q, QL_HEAD, (unsigned char *)"b", 1) == 0);
  CHECK(q.count == 2 && n.count == 2 && ql_check(m, &q));
  ql_iter it;
  lp_val v;
  ql_iter_at(&q, &it, 0, 1);
  while (ql_next(m, &it, &v)) CHECK(ql_iter_del(m, &it) == 0);
  ql_iter_done(m, &it);
  CHECK(q.count == 0 && n.lp == NULL && q.len == 1);
  CHECK(m->cell[ST_LIST][TM_CAT_DATA][TM_DRAM].bytes == 0);
}

/* Plain nodes (a payload's container 1): nothing joins or merges into them; LSET on one inserts
 * after it and drops it (Redis's quicklistReplaceEntry); a copy keeps the flag. */
static void test_plain(sm *m) {
  quicklist *ql = ql_new(m, -2);
  CHECK(ql_append_plain(m, ql, (unsigned char *)"big", 3) == 0);
  CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)"a", 1) == 0); /* not into the plain node */
  CHECK(ql_push(m, ql, QL_HEAD, (unsigned char *)"h", 1) == 0);
  CHECK(ql->len == 3 && ql->head->next->plain && ql->head->next->count == 1 && ql_check(m, ql));
  quicklist *d = ql_dup(m, ql);
  CHECK(d != NULL && d->head->next->plain && !d->head->plain);
  ql_free(m, d);
  CHECK(ql_replace(m, ql, 1, (unsigned char *)"new", 3) == 0); /* into the next node's head */
  CHECK(ql->len == 2 && !ql->head->plain && !ql->tail->plain && ql->tail->count == 2);
  lp_val v;
  CHECK(ql_get(ql, 1, &v) && val_eq(&v, "new", 3) && ql_check(m, ql));
  ql_free(m, ql);
  quicklist *one = ql_new(m, -2);
  CHECK(ql_append_plain(m, one, (unsigned char *)"x", 1) == 0 && !ql_convertible(one));
  ql_free(m, one);
}

/* Every allocation refused: nothing changes. */
static void test_oom(tm_heap *h, sm *m) {
  model md = { 0 };
  quicklist *ql = ql_new(m, 4);
  char e[16];
  for (int i = 0; i < 20; i++) {
    int n = snprintf(e, sizeof e, "e%d", i);
    ql_push(m, ql, QL_TAIL, (unsigned char *)e, (uint32_t)n);
    model_insert(&md, md.n, e, (uint32_t)n);
  }
  uint64_t bytes = ql->bytes;
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_DRAM, 1);
  tm_set_limit(h, TM_PMEM, 1);
  CHECK(ql_push(m, ql, QL_TAIL, (unsigned char *)"x", 1) != 0);
  CHECK(ql_push(m, ql, QL_HEAD, (unsigned char *)"x", 1) != 0);
  ql_iter it;
  lp_val v;
  ql_iter_at(ql, &it, 5, 1); /* the middle of a full node: a split */
  CHECK(ql_next(m, &it, &v));
  CHECK(ql_iter_insert(m, &it, LP_AFTER, (unsigned char *)"x", 1) != 0);
  ql_iter_done(m, &it);
  static char big[2000];
  memset(big, 'q', sizeof big);
  CHECK(ql_replace(m, ql, 7, (unsigned char *)big, sizeof big) != 0);
  CHECK(ql_adopt(m, 4, ql->head->lp, ql->head->lp_tier) == NULL);
  CHECK(ql_move_self(m, ql, QL_TAIL, QL_HEAD, (unsigned char *)"e19", 3) != 0);
  CHECK(ql_dup(m, ql) == NULL);
  CHECK(ql_new(m, 4) == NULL);
  CHECK(ql->bytes == bytes && same(m, ql, &md));
  /* Shrinking works under the limit: deleting needs no new room. */
  CHECK(ql_del_range(m, ql, 0, 3) == 0);
  model_del(&md, 0, 3);
  CHECK(same(m, ql, &md));
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  ql_free(m, ql);
  model_free(&md);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  sm m;
  sm_init(&m, h);
  test_sizes(&m);
  test_limit(&m);
  test_split_merge(&m);
  test_long(&m);
  test_model(&m, -2, 20000, 8);
  test_model(&m, -1, 20000, 8);
  test_model(&m, 4, 20000, 50);
  test_model(&m, 1, 5000, 50);
  test_model(&m, 0, 5000, 50);
  test_model(&m, 128, 10000, 4);
  test_borrowed(&m);
  test_plain(&m);
  test_oom(h, &m);
  /* Exact accounting: all list memory is back. */
  int zero = 1;
  for (int c = 0; c < TM_CAT_COUNT; c++)
    for (int t = 0; t < TM_TIER_COUNT; t++)
      zero &= m.cell[ST_LIST][c][t].bytes == 0 && m.cell[ST_LIST][c][t].count == 0;
  CHECK(zero);
  tm_heap_destroy(h);
  return check_done("quicklist_test");
}
