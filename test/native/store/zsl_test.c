/* zsl_test.c - the sorted set: order with ties broken by member bytes, ranks and spans, score
 * and lex ranges, updates in place and by moving, range deletes, 100k random operations
 * against a sorted-array model, bounded drain, exact accounting, OOM, a micro benchmark. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "zsl.h"

static sm M;

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
  rnd_state ^= rnd_state << 13;
  rnd_state ^= rnd_state >> 7;
  rnd_state ^= rnd_state << 17;
  return rnd_state;
}

static int64_t zset_cells(void) {
  return M.cell[ST_ZSET][TM_CAT_METADATA][TM_DRAM].bytes +
         M.cell[ST_ZSET][TM_CAT_METADATA][TM_PMEM].bytes;
}
static int64_t zset_blocks(void) {
  return M.cell[ST_ZSET][TM_CAT_METADATA][TM_DRAM].count +
         M.cell[ST_ZSET][TM_CAT_METADATA][TM_PMEM].count;
}

static int is_member(const zsl_node *n, const void *m, size_t len) {
  size_t l;
  const unsigned char *p = zsl_member(n, &l);
  return l == len && (len == 0 || memcmp(p, m, len) == 0);
}

/* The whole structure: level-0 order and backward links, every span at every level, levels
 * above z->level unused, the dict holding exactly the list's nodes, the byte count. */
static int valid(const zset *z) {
  size_t n = 0;
  const zsl_node *prev = NULL;
  for (const zsl_node *x = zset_first(z); x != NULL; x = zsl_next(x), n++) {
    if (x->backward != prev) return 0;
    if (prev != NULL) {
      size_t la, lb;
      const unsigned char *a = zsl_member(prev, &la), *b = zsl_member(x, &lb);
      if (zsl_cmp(prev->score, a, la, x->score, b, lb) >= 0) return 0;
    }
    size_t l;
    const unsigned char *m = zsl_member(x, &l);
    if (zset_find((zset *)z, m, l) != x) return 0;
    prev = x;
  }
  if (n != z->length || z->tail != prev || dict_size(&z->members) != n) return 0;
  for (int i = 0; i < z->level; i++) {
    const zsl_node *p = z->header, *c = zset_first(z);
    size_t prank = 0, crank = 1;
    for (;;) {
      const zsl_node *f = p->level[i].forward;
      if (f == NULL) {
        if (p->level[i].span != z->length - prank) return 0;
        break;
      }
      while (c != f) {
        if (c == NULL) return 0;
        c = zsl_next(c);
        crank++;
      }
      if (f->nlevel <= i || p->level[i].span != crank - prank) return 0;
      p = f;
      prank = crank;
    }
  }
  for (int i = z->level; i < ZSL_MAXLEVEL; i++)
    if (z->header->level[i].forward != NULL) return 0;
  if (z->level > 1 && z->header->level[z->level - 1].forward == NULL) return 0;
  return 1;
}

/* ------------------------------------------------------------------------------ the model */

enum { NM = 3000 }; /* member ids */
static unsigned char names[NM][12];
static size_t nlen[NM];

/* Member bytes with ties in mind: id 0 is "", odd ids extend their even sibling with "\0x", so
 * one is a prefix of the other, and some names contain NUL and high bytes. */
static void make_names(void) {
  for (uint32_t id = 0; id < NM; id++) {
    if (id == 0) {
      nlen[id] = 0;
      continue;
    }
    int k = snprintf((char *)names[id], sizeof names[id], "m%u", id / 2);
    if (id % 7 == 0) names[id][0] = 0xff;
    if (id % 2) {
      names[id][k++] = 0;
      names[id][k++] = 'x';
    }
    nlen[id] = (size_t)k;
  }
}

typedef struct ment {
  double score;
  uint32_t id;
} ment;
static ment model[NM];
static size_t mcount;
static double mscore[NM];
static uint8_t mpresent[NM];

static int mcmp(double s, uint32_t id, const ment *e) {
  return zsl_cmp(s, names[id], nlen[id], e->score, names[e->id], nlen[e->id]);
}
static size_t lower_bound(double s, uint32_t id) {
  size_t lo = 0, hi = mcount;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (mcmp(s, id, &model[mid]) > 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
static void model_insert(uint32_t id, double s) {
  size_t i = lower_bound(s, id);
  memmove(model + i + 1, model + i, (mcount - i) * sizeof *model);
  model[i] = (ment){ s, id };
  mcount++;
  mscore[id] = s;
  mpresent[id] = 1;
}
static void model_remove(uint32_t id) {
  size_t i = lower_bound(mscore[id], id);
  memmove(model + i, model + i + 1, (mcount - i - 1) * sizeof *model);
  mcount--;
  mpresent[id] = 0;
}

static const double score_set[] = { -INFINITY, -2, -1, 0, 0.5, 1, 2, 3, INFINITY };
static double rnd_score(void) {
  if (rnd() % 2) return score_set[rnd() % 9];
  return (double)(int64_t)(rnd() % 2000 - 1000) / 8;
}

static int node_is(const zsl_node *n, size_t model_index) {
  if (model_index >= mcount) return n == NULL;
  return n != NULL && n->score == model[model_index].score &&
         is_member(n, names[model[model_index].id], nlen[model[model_index].id]);
}

static void rnd_range(zrange_spec *r) {
  r->min = rnd_score();
  r->max = rnd() % 4 == 0 ? r->min : rnd_score();
  if (rnd() % 8 == 0) { /* inverted sometimes */
    double t = r->min;
    r->min = r->max;
    r->max = t;
  }
  r->minex = (int)(rnd() % 2);
  r->maxex = (int)(rnd() % 2);
}

/* Model indexes [a, b) in the range. */
static void model_range(const zrange_spec *r, size_t *a, size_t *b) {
  *a = *b = mcount;
  size_t i = 0;
  while (i < mcount && !zrange_gte_min(model[i].score, r)) i++;
  *a = i;
  while (i < mcount && zrange_lte_max(model[i].score, r)) i++;
  *b = i;
  if (*b < *a) *b = *a;
}

static void test_model(void) {
  enum { OPS = 100000 };
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  size_t bad = 0, badv = 0, updates_in_place = 0, moved = 0;
  for (int op = 0; op < OPS; op++) {
    uint32_t id = (uint32_t)(rnd() % NM);
    unsigned r = (unsigned)(rnd() % 100);
    int phase = (op / 25000) % 2; /* grow, then shrink */
    if (r < (phase ? 30u : 45u)) {
      double s = rnd_score();
      zsl_node *n;
      int rc = zset_add(&z, names[id], nlen[id], s, &n);
      int want = !mpresent[id] ? ZSET_ADDED : mscore[id] == s ? ZSET_SAME : ZSET_UPDATED;
      if (rc != want || n == NULL || n->score != s) bad++;
      if (mpresent[id]) model_remove(id);
      model_insert(id, s);
    } else if (r < 65) {
      int rc = zset_delete(&z, names[id], nlen[id]);
      if (rc != mpresent[id]) bad++;
      if (mpresent[id]) model_remove(id);
    } else if (r < 75) {
      zsl_node *n = zset_find(&z, names[id], nlen[id]);
      if ((n != NULL) != mpresent[id]) bad++;
      if (n != NULL) {
        /* Small nudges often keep the order: those must not move the node. */
        double s = rnd() % 2 ? n->score + 1.0 / 1024 : rnd_score();
        zsl_node *prev = zsl_prev(n), *next = zsl_next(n);
        if (zset_update(&z, n, s) != n) bad++;
        if (zsl_prev(n) == prev && zsl_next(n) == next)
          updates_in_place++;
        else
          moved++;
        model_remove(id);
        model_insert(id, s);
        if (n->score != s) bad++;
      }
    } else if (r < 85) {
      zsl_node *n = zset_find(&z, names[id], nlen[id]);
      if (n != NULL) {
        size_t i = lower_bound(mscore[id], id), rk;
        if (zset_rank(&z, n, 0) != i || zset_rank(&z, n, 1) != mcount - 1 - i) bad++;
        if (zset_rank_of(&z, names[id], nlen[id], 1, &rk) != 0 || rk != mcount - 1 - i) bad++;
      } else {
        size_t rk;
        if (zset_rank_of(&z, names[id], nlen[id], 0, &rk) != -1) bad++;
      }
    } else if (r < 90) {
      size_t k = (size_t)(rnd() % (mcount + 2));
      if (!node_is(zset_by_rank(&z, k, 0), k)) bad++;
      zsl_node *rv = zset_by_rank(&z, k, 1);
      if (k < mcount ? !node_is(rv, mcount - 1 - k) : rv != NULL) bad++;
    } else if (r < 97) {
      zrange_spec rg;
      rnd_range(&rg);
      size_t a, b;
      model_range(&rg, &a, &b);
      zsl_node *f = zset_first_in_range(&z, &rg), *l = zset_last_in_range(&z, &rg);
      if (a == b) {
        if (f != NULL || l != NULL || zset_count_range(&z, &rg) != 0) bad++;
      } else if (!node_is(f, a) || !node_is(l, b - 1) || zset_count_range(&z, &rg) != b - a) {
        bad++;
      }
    } else if (r < 98) {
      zrange_spec rg;
      rnd_range(&rg);
      size_t a, b;
      model_range(&rg, &a, &b);
      if (b - a > 40) continue; /* keep the population */
      if (zset_delete_range_score(&z, &rg) != b - a) bad++;
      for (size_t i = a; i < b; i++) mpresent[model[i].id] = 0;
      memmove(model + a, model + b, (mcount - b) * sizeof *model);
      mcount -= b - a;
    } else if (r < 99) {
      if (mcount == 0) continue;
      size_t a = (size_t)(rnd() % mcount), b = a + (size_t)(rnd() % 10);
      size_t e = b < mcount ? b : mcount - 1;
      if (zset_delete_range_rank(&z, a, b) != e - a + 1) bad++;
      for (size_t i = a; i <= e; i++) mpresent[model[i].id] = 0;
      memmove(model + a, model + e + 1, (mcount - e - 1) * sizeof *model);
      mcount -= e - a + 1;
    } else {
      if (!valid(&z)) badv++;
      if (zset_bytes(&z) != (size_t)zset_cells()) badv++;
    }
    if (zset_len(&z) != mcount) bad++;
  }
  printf("zset model: %zu members at the end, %zu updates in place, %zu moved\n", mcount,
         updates_in_place, moved);
  CHECK(bad == 0);
  CHECK(badv == 0);
  CHECK(updates_in_place > 100 && moved > 100);
  CHECK(valid(&z));
  /* Walks both ways match the model. */
  size_t i = 0, mism = 0;
  for (zsl_node *x = zset_first(&z); x != NULL; x = zsl_next(x), i++) mism += !node_is(x, i);
  for (zsl_node *x = zset_last(&z); x != NULL; x = zsl_prev(x)) mism += !node_is(x, --i);
  CHECK(mism == 0 && i == 0);
  CHECK(zset_bytes(&z) == (size_t)zset_cells());
  zset_free(&z);
  CHECK(zset_cells() == 0 && zset_blocks() == 0);
  memset(mpresent, 0, sizeof mpresent);
  mcount = 0;
}

/* Order among equal scores, extremes, and the small API by hand. */
static void test_order(void) {
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  CHECK(zset_len(&z) == 0 && zset_first(&z) == NULL && zset_last(&z) == NULL);
  CHECK(zset_by_rank(&z, 0, 0) == NULL);
  zrange_spec all = { -INFINITY, INFINITY, 0, 0 };
  CHECK(zset_first_in_range(&z, &all) == NULL && zset_count_range(&z, &all) == 0);
  const char *ms[] = { "b", "a", "ab", "", "\xff", "a\0" };
  size_t ls[] = { 1, 1, 2, 0, 1, 2 };
  for (int i = 0; i < 6; i++) CHECK(zset_add(&z, ms[i], ls[i], 1.0, NULL) == ZSET_ADDED);
  /* 1.0: "" < "a" < "a\0" < "ab" < "b" < "\xff" (bytes, shorter first on a common prefix). */
  const char *want[] = { "", "a", "a\0", "ab", "b", "\xff" };
  size_t wl[] = { 0, 1, 2, 2, 1, 1 };
  size_t ok = 0;
  for (int i = 0; i < 6; i++) ok += is_member(zset_by_rank(&z, (size_t)i, 0), want[i], wl[i]);
  CHECK(ok == 6);
  CHECK(zset_add(&z, "z", 1, -INFINITY, NULL) == ZSET_ADDED);
  CHECK(zset_add(&z, "y", 1, INFINITY, NULL) == ZSET_ADDED);
  CHECK(is_member(zset_first(&z), "z", 1) && is_member(zset_last(&z), "y", 1));
  CHECK(zset_add(&z, "b", 1, 1.0, NULL) == ZSET_SAME);
  zsl_node *n;
  CHECK(zset_add(&z, "b", 1, 0.5, &n) == ZSET_UPDATED && zset_rank(&z, n, 0) == 1);
  CHECK(zset_rank(&z, n, 1) == 6);
  CHECK(is_member(zset_by_rank(&z, 0, 1), "y", 1) && is_member(zset_by_rank(&z, 7, 1), "z", 1));
  zrange_spec r1 = { 1.0, 1.0, 0, 0 }, r2 = { 1.0, 1.0, 1, 0 }, r3 = { 0.5, 1.0, 1, 0 };
  CHECK(zset_count_range(&z, &r1) == 5 && zset_count_range(&z, &r2) == 0);
  CHECK(zset_count_range(&z, &r3) == 5 && is_member(zset_first_in_range(&z, &r3), "", 0));
  CHECK(is_member(zset_last_in_range(&z, &r3), "\xff", 1));
  zrange_spec r4 = { -INFINITY, 1.0, 0, 1 };
  CHECK(zset_count_range(&z, &r4) == 2 && is_member(zset_last_in_range(&z, &r4), "b", 1));
  CHECK(valid(&z));
  CHECK(zset_delete(&z, "a\0", 2) == 1 && zset_delete(&z, "a\0", 2) == 0);
  CHECK(zset_find(&z, "a", 1) != NULL && zset_find(&z, "a\0", 2) == NULL);
  zset_delete_node(&z, zset_find(&z, "", 0));
  CHECK(zset_len(&z) == 6 && valid(&z));
  CHECK(zset_delete_range_rank(&z, 0, 100) == 6 && zset_len(&z) == 0 && valid(&z));
  CHECK(zset_insert(&z, "q", 1, 3) != NULL && valid(&z));
  zset_free(&z);
  CHECK(zset_cells() == 0);
}

/* Lex ranges over equal scores, Redis's "[", "(", "-", "+" syntax. */
static void test_lex(void) {
  zlex_bound b;
  CHECK(zlex_parse("-", 1, &b) == 0 && b.kind == ZLEX_MINUS);
  CHECK(zlex_parse("+", 1, &b) == 0 && b.kind == ZLEX_PLUS);
  CHECK(zlex_parse("[abc", 4, &b) == 0 && b.kind == ZLEX_VALUE && !b.ex && b.len == 3);
  CHECK(zlex_parse("(", 1, &b) == 0 && b.ex && b.len == 0);
  CHECK(zlex_parse("abc", 3, &b) == -1 && zlex_parse("", 0, &b) == -1);
  CHECK(zlex_parse("+a", 2, &b) == -1 && zlex_parse("-a", 2, &b) == -1);
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  /* The model: NM members, score 0, sorted by bytes. */
  uint32_t sorted[NM];
  size_t n = 0;
  for (uint32_t id = 0; id < NM; id += 3) {
    zset_insert(&z, names[id], nlen[id], 0);
    size_t i = n;
    while (i > 0 &&
           zsl_cmp(0, names[sorted[i - 1]], nlen[sorted[i - 1]], 0, names[id], nlen[id]) > 0) {
      sorted[i] = sorted[i - 1];
      i--;
    }
    sorted[i] = id;
    n++;
  }
  CHECK(zset_len(&z) == n && valid(&z));
  size_t bad = 0;
  const char *specials[] = { "-", "+" };
  for (int t = 0; t < 3000; t++) {
    zlex_spec r;
    unsigned char buf[2][16];
    for (int k = 0; k < 2; k++) {
      zlex_bound *bd = k ? &r.max : &r.min;
      if (rnd() % 6 == 0) {
        zlex_parse(specials[rnd() % 2], 1, bd);
        continue;
      }
      uint32_t id = (uint32_t)(rnd() % NM); /* present or not */
      buf[k][0] = rnd() % 2 ? '[' : '(';
      memcpy(buf[k] + 1, names[id], nlen[id]);
      CHECK(zlex_parse(buf[k], nlen[id] + 1, bd) == 0);
    }
    size_t a = 0;
    while (a < n && !zlex_gte_min(names[sorted[a]], nlen[sorted[a]], &r)) a++;
    size_t e = a;
    while (e < n && zlex_lte_max(names[sorted[e]], nlen[sorted[e]], &r)) e++;
    zsl_node *f = zset_first_in_lex(&z, &r), *l = zset_last_in_lex(&z, &r);
    if (a == e) {
      if (f != NULL || l != NULL || zset_count_lex(&z, &r) != 0) bad++;
    } else {
      if (!is_member(f, names[sorted[a]], nlen[sorted[a]])) bad++;
      if (!is_member(l, names[sorted[e - 1]], nlen[sorted[e - 1]])) bad++;
      if (zset_count_lex(&z, &r) != e - a) bad++;
    }
    if (t % 100 == 0 && e - a < 30) { /* ZREMRANGEBYLEX */
      if (zset_delete_range_lex(&z, &r) != e - a) bad++;
      memmove(sorted + a, sorted + e, (n - e) * sizeof *sorted);
      n -= e - a;
      if (zset_len(&z) != n) bad++;
    }
  }
  CHECK(bad == 0 && valid(&z));
  /* "-" to "+" is everything; "+" to "-" nothing; "[x" to "(x" nothing. */
  zlex_spec every, none, empty;
  zlex_parse("-", 1, &every.min);
  zlex_parse("+", 1, &every.max);
  zlex_parse("+", 1, &none.min);
  zlex_parse("-", 1, &none.max);
  zlex_parse("[m1", 3, &empty.min);
  zlex_parse("(m1", 3, &empty.max);
  CHECK(zset_count_lex(&z, &every) == n && zset_count_lex(&z, &none) == 0);
  CHECK(zset_count_lex(&z, &empty) == 0 && zset_first_in_lex(&z, &empty) == NULL);
  CHECK(zset_delete_range_lex(&z, &every) == n && zset_len(&z) == 0 && valid(&z));
  zset_free(&z);
  CHECK(zset_cells() == 0);
}

/* A big zset freed in bounded steps; accounting exact throughout. */
static void test_drain(void) {
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  enum { N = 20000 };
  char k[16];
  for (int i = 0; i < N; i++) {
    int l = snprintf(k, sizeof k, "member:%d", i);
    zset_insert(&z, k, (size_t)l, (double)(rnd() % 1000));
  }
  CHECK(zset_len(&z) == N && zset_bytes(&z) == (size_t)zset_cells() && valid(&z));
  size_t calls = 0, left = N, wrong = 0;
  while (left != 0) {
    size_t r = zset_drain(&z, 1000);
    if (r != 0 && left - r != 1000) wrong++;
    if (r != 0 && zset_bytes(&z) != (size_t)zset_cells()) wrong++;
    left = r;
    calls++;
  }
  CHECK(wrong == 0 && calls == N / 1000);
  CHECK(zset_cells() == 0 && zset_blocks() == 0);
  CHECK(zset_drain(&z, 10) == 0);
}

/* OOM: a refused node leaves the zset as it was; a refused header fails init. */
static void test_oom(tm_heap *h) {
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  for (int i = 0; i < 100; i++) zset_insert(&z, names[i + 1], nlen[i + 1], i);
  /* Finish any incremental rehash first: a step that completes it frees the old table, which
   * would change the byte count below for a reason that has nothing to do with OOM. */
  while (dict_resizing(&z.members)) dict_rehash_steps(&z.members, 1024);
  size_t bytes = zset_bytes(&z);
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_DRAM, 64); /* less than is live: every allocation refused */
  CHECK(zset_insert(&z, "new", 3, 5) == NULL);
  CHECK(zset_add(&z, "new", 3, 5, NULL) == ZSET_OOM);
  CHECK(zset_len(&z) == 100 && zset_find(&z, "new", 3) == NULL && zset_bytes(&z) == bytes);
  /* Updates and deletes need no memory. */
  CHECK(zset_add(&z, names[1], nlen[1], 1000, NULL) == ZSET_UPDATED);
  CHECK(zset_delete(&z, names[2], nlen[2]) == 1 && valid(&z));
  zset z2;
  CHECK(zset_init(&z2, &M) == -1);
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK(zset_insert(&z, "new", 3, 5) != NULL && valid(&z));
  zset_free(&z);
  CHECK(zset_cells() == 0);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Informational (the test build has ASan + UBSan): inserts, find + rank, score updates
 * (random scores: most updates move the node). */
static void bench(int N) {
  zset z;
  CHECK(zset_init(&z, &M) == 0);
  char k[24];
  double t0 = now_ns();
  for (int i = 0; i < N; i++) {
    int l = snprintf(k, sizeof k, "member:%d", i);
    zset_insert(&z, k, (size_t)l, (double)(rnd() % 1000000));
  }
  double t1 = now_ns();
  size_t sum = 0;
  for (int i = 0; i < N; i++) {
    int l = snprintf(k, sizeof k, "member:%d", (int)(rnd() % N));
    zsl_node *n = zset_find(&z, k, (size_t)l);
    sum += zset_rank(&z, n, 0);
  }
  double t2 = now_ns();
  for (int i = 0; i < N; i++) {
    int l = snprintf(k, sizeof k, "member:%d", (int)(rnd() % N));
    zset_add(&z, k, (size_t)l, (double)(rnd() % 1000000), NULL);
  }
  double t3 = now_ns();
  CHECK(sum > 0 && zset_len(&z) == (size_t)N);
  printf("bench (%d members, this build): insert %.0f ns, find+rank %.0f ns, "
         "score update %.0f ns; %.1f bytes/member\n",
         N, (t1 - t0) / N, (t2 - t1) / N, (t3 - t2) / N, (double)zset_bytes(&z) / N);
  zset_free(&z);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  sm_init(&M, h);
  make_names();
  test_order();
  test_model();
  test_lex();
  test_drain();
  test_oom(h);
  bench(200000);
  bench(2000); /* cache-resident: the code's own cost */
  CHECK(sm_total_bytes(&M) == 0);
  tm_heap_destroy(h);
  return check_done("zsl_test");
}
