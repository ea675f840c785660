/* zsl.c - skiplist with spans + member dict, one block per member. The manual is zsl.h; the
 * skiplist algorithms follow Pugh's paper and Redis's t_zset.c (spans, backward links). */
#include "zsl.h"

#include <stddef.h>
#include <string.h>

static inline const unsigned char *mem_of(const zsl_node *n) {
  return (const unsigned char *)(n->level + n->nlevel);
}

static inline size_t node_size(unsigned nlevel, size_t mlen) {
  return offsetof(zsl_node, level) + nlevel * sizeof(zsl_level) + mlen;
}

static inline int bytes_cmp(const unsigned char *a, size_t al, const unsigned char *b, size_t bl) {
  size_t k = al < bl ? al : bl;
  int c = k != 0 ? memcmp(a, b, k) : 0;
  if (c != 0) return c;
  return al < bl ? -1 : al > bl;
}

int zsl_cmp(double s1, const void *m1, size_t l1, double s2, const void *m2, size_t l2) {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return bytes_cmp(m1, l1, m2, l2);
}

/* Node a against the pair (s, m). */
static inline int node_cmp(const zsl_node *a, double s, const unsigned char *m, size_t l) {
  if (a->score < s) return -1;
  if (a->score > s) return 1;
  return bytes_cmp(mem_of(a), a->mlen, m, l);
}

static const unsigned char *member_key(const dict_node *n, size_t *len) {
  return zsl_member((const zsl_node *)n, len);
}
static const dict_type member_type = { member_key };

/* P(level > k) = 4^-k: two random bits per level. */
static int random_level(void) {
  uint64_t r = dict_rand64();
  int lv = 1 + (r != 0 ? __builtin_ctzll(r) : 64) / 2;
  return lv > ZSL_MAXLEVEL ? ZSL_MAXLEVEL : lv;
}

static zsl_node *alloc_node(zset *z, unsigned nlevel, size_t mlen) {
  uint8_t tier;
  size_t size = node_size(nlevel, mlen);
  zsl_node *x = sm_alloc(z->m, ST_ZSET, TM_CAT_METADATA, size, &tier);
  if (x == NULL) return NULL;
  z->node_bytes += sm_usable(z->m, tier, x, size);
  x->tier = tier;
  x->nlevel = (uint8_t)nlevel;
  x->mlen = (uint32_t)mlen;
  x->backward = NULL;
  x->node.next = NULL;
  return x;
}

static void free_node(zset *z, zsl_node *x) {
  size_t size = node_size(x->nlevel, x->mlen);
  z->node_bytes -= sm_usable(z->m, x->tier, x, size);
  sm_free(z->m, ST_ZSET, TM_CAT_METADATA, x, size, x->tier);
}

/* ------------------------------------------------------------------------------ skiplist core */

/* Link x (score, member and nlevel set) at its place in the order. */
static void sl_link(zset *z, zsl_node *x) {
  zsl_node *update[ZSL_MAXLEVEL];
  size_t rank[ZSL_MAXLEVEL];
  const unsigned char *m = mem_of(x);
  size_t l = x->mlen;
  double s = x->score;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--) {
    rank[i] = i == z->level - 1 ? 0 : rank[i + 1];
    while (p->level[i].forward != NULL && node_cmp(p->level[i].forward, s, m, l) < 0) {
      rank[i] += p->level[i].span;
      p = p->level[i].forward;
    }
    update[i] = p;
  }
  int lv = x->nlevel;
  if (lv > z->level) {
    for (int i = z->level; i < lv; i++) {
      rank[i] = 0;
      update[i] = z->header;
      z->header->level[i].span = z->length;
    }
    z->level = lv;
  }
  for (int i = 0; i < lv; i++) {
    x->level[i].forward = update[i]->level[i].forward;
    update[i]->level[i].forward = x;
    /* update[i] is at rank[i]; x lands at rank[0] + 1. */
    x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
    update[i]->level[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = lv; i < z->level; i++) update[i]->level[i].span++;
  x->backward = update[0] == z->header ? NULL : update[0];
  if (x->level[0].forward != NULL)
    x->level[0].forward->backward = x;
  else
    z->tail = x;
  z->length++;
}

/* The predecessors of x at every level in use. */
static void sl_path(const zset *z, const zsl_node *x, zsl_node **update) {
  const unsigned char *m = mem_of(x);
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--) {
    while (p->level[i].forward != NULL && node_cmp(p->level[i].forward, x->score, m, x->mlen) < 0)
      p = p->level[i].forward;
    update[i] = p;
  }
}

static void sl_unlink(zset *z, zsl_node *x, zsl_node **update) {
  for (int i = 0; i < z->level; i++) {
    if (update[i]->level[i].forward == x) {
      update[i]->level[i].span = update[i]->level[i].span + x->level[i].span - 1;
      update[i]->level[i].forward = x->level[i].forward;
    } else {
      update[i]->level[i].span--;
    }
  }
  if (x->level[0].forward != NULL)
    x->level[0].forward->backward = x->backward;
  else
    z->tail = x->backward;
  while (z->level > 1 && z->header->level[z->level - 1].forward == NULL) z->level--;
  z->length--;
}

/* ------------------------------------------------------------------------------ lifetime */

int zset_init(zset *z, sm *m) {
  memset(z, 0, sizeof *z);
  z->m = m;
  zsl_node *h = alloc_node(z, ZSL_MAXLEVEL, 0);
  if (h == NULL) return -1;
  h->score = 0;
  for (int i = 0; i < ZSL_MAXLEVEL; i++) {
    h->level[i].forward = NULL;
    h->level[i].span = 0;
  }
  z->header = h;
  z->level = 1;
  dict_init(&z->members, &member_type, m, ST_ZSET);
  return 0;
}

void zset_free(zset *z) {
  while (zset_drain(z, SIZE_MAX) != 0) {}
}

size_t zset_drain(zset *z, size_t max) {
  if (z->header == NULL) return 0;
  zsl_node *x = z->header->level[0].forward;
  size_t k = 0;
  /* Only level 0 is kept consistent: the rest of the structure is dead from the first call. */
  for (; x != NULL && k < max; k++) {
    zsl_node *next = x->level[0].forward;
    free_node(z, x);
    x = next;
  }
  z->header->level[0].forward = x;
  z->length -= k;
  if (x != NULL) return z->length;
  dict_free_tables(&z->members); /* its chains point at freed nodes: never walked */
  free_node(z, z->header);
  z->header = z->tail = NULL;
  z->length = 0;
  return 0;
}

/* ------------------------------------------------------------------------------ members */

zsl_node *zset_find(zset *z, const void *member, size_t len) {
  return (zsl_node *)dict_find(&z->members, member, len);
}

static zsl_node *insert_hashed(zset *z, const void *member, size_t len, double score, uint64_t h) {
  if (len > UINT32_MAX) return NULL;
  zsl_node *x = alloc_node(z, (unsigned)random_level(), len);
  if (x == NULL) return NULL;
  x->score = score;
  if (len != 0) memcpy((unsigned char *)(x->level + x->nlevel), member, len);
  if (dict_add_hashed(&z->members, &x->node, h) != 0) {
    free_node(z, x);
    return NULL;
  }
  sl_link(z, x);
  return x;
}

zsl_node *zset_insert(zset *z, const void *member, size_t len, double score) {
  return insert_hashed(z, member, len, score, dict_hash(member, len));
}

zsl_node *zset_update(zset *z, zsl_node *x, double score) {
  const unsigned char *m = mem_of(x);
  zsl_node *prev = x->backward, *next = x->level[0].forward;
  /* Still between its neighbours: the order, and so every span, is unchanged. */
  if ((prev == NULL || node_cmp(prev, score, m, x->mlen) < 0) &&
      (next == NULL || node_cmp(next, score, m, x->mlen) > 0)) {
    x->score = score;
    return x;
  }
  zsl_node *update[ZSL_MAXLEVEL];
  sl_path(z, x, update);
  sl_unlink(z, x, update);
  x->score = score;
  sl_link(z, x);
  return x;
}

int zset_add(zset *z, const void *member, size_t len, double score, zsl_node **out) {
  uint64_t h = dict_hash(member, len);
  zsl_node *x = (zsl_node *)dict_find_hashed(&z->members, member, len, h);
  int rc;
  if (x != NULL) {
    rc = score == x->score ? ZSET_SAME : ZSET_UPDATED;
    if (rc == ZSET_UPDATED) zset_update(z, x, score);
  } else {
    x = insert_hashed(z, member, len, score, h);
    rc = x != NULL ? ZSET_ADDED : ZSET_OOM;
  }
  if (out != NULL) *out = x;
  return rc;
}

void zset_delete_node(zset *z, zsl_node *x) {
  zsl_node *update[ZSL_MAXLEVEL];
  sl_path(z, x, update);
  sl_unlink(z, x, update);
  dict_unlink_node(&z->members, &x->node);
  free_node(z, x);
}

int zset_delete(zset *z, const void *member, size_t len) {
  zsl_node *x = (zsl_node *)dict_unlink(&z->members, member, len);
  if (x == NULL) return 0;
  zsl_node *update[ZSL_MAXLEVEL];
  sl_path(z, x, update);
  sl_unlink(z, x, update);
  free_node(z, x);
  return 1;
}

/* ------------------------------------------------------------------------------ order */

size_t zset_rank(const zset *z, const zsl_node *x, int reverse) {
  const unsigned char *m = mem_of(x);
  const zsl_node *p = z->header;
  size_t rank = 0; /* 1-based while searching */
  for (int i = z->level - 1; i >= 0 && p != x; i--)
    while (p->level[i].forward != NULL &&
           node_cmp(p->level[i].forward, x->score, m, x->mlen) <= 0) {
      rank += p->level[i].span;
      p = p->level[i].forward;
    }
  return reverse ? z->length - rank : rank - 1;
}

int zset_rank_of(zset *z, const void *member, size_t len, int reverse, size_t *rank) {
  zsl_node *x = zset_find(z, member, len);
  if (x == NULL) return -1;
  *rank = zset_rank(z, x, reverse);
  return 0;
}

zsl_node *zset_by_rank(const zset *z, size_t rank, int reverse) {
  if (rank >= z->length) return NULL;
  size_t target = (reverse ? z->length - 1 - rank : rank) + 1, traversed = 0;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--) {
    while (p->level[i].forward != NULL && traversed + p->level[i].span <= target) {
      traversed += p->level[i].span;
      p = p->level[i].forward;
    }
    if (traversed == target) return p;
  }
  return NULL;
}

/* ------------------------------------------------------------------------------ score ranges */

int zset_score_in_range(const zset *z, const zrange_spec *r) {
  if (r->min > r->max || (r->min == r->max && (r->minex || r->maxex))) return 0;
  const zsl_node *x = z->tail;
  if (x == NULL || !zrange_gte_min(x->score, r)) return 0;
  x = z->header->level[0].forward;
  return zrange_lte_max(x->score, r);
}

zsl_node *zset_first_in_range(const zset *z, const zrange_spec *r) {
  if (!zset_score_in_range(z, r)) return NULL;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--)
    while (p->level[i].forward != NULL && !zrange_gte_min(p->level[i].forward->score, r))
      p = p->level[i].forward;
  p = p->level[0].forward; /* not NULL: the tail is >= min */
  return zrange_lte_max(p->score, r) ? p : NULL;
}

zsl_node *zset_last_in_range(const zset *z, const zrange_spec *r) {
  if (!zset_score_in_range(z, r)) return NULL;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--)
    while (p->level[i].forward != NULL && zrange_lte_max(p->level[i].forward->score, r))
      p = p->level[i].forward;
  /* Not the header: the first node is <= max. */
  return zrange_gte_min(p->score, r) ? p : NULL;
}

size_t zset_count_range(const zset *z, const zrange_spec *r) {
  zsl_node *a = zset_first_in_range(z, r);
  if (a == NULL) return 0;
  zsl_node *b = zset_last_in_range(z, r);
  return zset_rank(z, b, 0) - zset_rank(z, a, 0) + 1;
}

/* ------------------------------------------------------------------------------ lex ranges */

int zlex_parse(const void *s, size_t len, zlex_bound *out) {
  const unsigned char *c = s;
  memset(out, 0, sizeof *out);
  if (len == 0) return -1;
  switch (c[0]) {
    case '+':
    case '-':
      if (len != 1) return -1;
      out->kind = c[0] == '+' ? ZLEX_PLUS : ZLEX_MINUS;
      out->ex = 1;
      return 0;
    case '(':
    case '[':
      out->kind = ZLEX_VALUE;
      out->ex = c[0] == '(';
      out->p = c + 1;
      out->len = len - 1;
      return 0;
    default: return -1;
  }
}

int zlex_gte_min(const void *v, size_t len, const zlex_spec *r) {
  if (r->min.kind == ZLEX_MINUS) return 1;
  if (r->min.kind == ZLEX_PLUS) return 0;
  int c = bytes_cmp(v, len, r->min.p, r->min.len);
  return r->min.ex ? c > 0 : c >= 0;
}

int zlex_lte_max(const void *v, size_t len, const zlex_spec *r) {
  if (r->max.kind == ZLEX_PLUS) return 1;
  if (r->max.kind == ZLEX_MINUS) return 0;
  int c = bytes_cmp(v, len, r->max.p, r->max.len);
  return r->max.ex ? c < 0 : c <= 0;
}

static int bound_rank(const zlex_bound *b) {
  return b->kind == ZLEX_MINUS ? -1 : b->kind == ZLEX_PLUS ? 1 : 0;
}

int zset_lex_in_range(const zset *z, const zlex_spec *r) {
  int ra = bound_rank(&r->min), rb = bound_rank(&r->max);
  int c = ra != rb ? ra - rb : ra == 0 ? bytes_cmp(r->min.p, r->min.len, r->max.p, r->max.len) : 0;
  if (c > 0 || (c == 0 && (r->min.ex || r->max.ex))) return 0;
  const zsl_node *x = z->tail;
  if (x == NULL || !zlex_gte_min(mem_of(x), x->mlen, r)) return 0;
  x = z->header->level[0].forward;
  return zlex_lte_max(mem_of(x), x->mlen, r);
}

zsl_node *zset_first_in_lex(const zset *z, const zlex_spec *r) {
  if (!zset_lex_in_range(z, r)) return NULL;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--)
    while (p->level[i].forward != NULL &&
           !zlex_gte_min(mem_of(p->level[i].forward), p->level[i].forward->mlen, r))
      p = p->level[i].forward;
  p = p->level[0].forward;
  return zlex_lte_max(mem_of(p), p->mlen, r) ? p : NULL;
}

zsl_node *zset_last_in_lex(const zset *z, const zlex_spec *r) {
  if (!zset_lex_in_range(z, r)) return NULL;
  zsl_node *p = z->header;
  for (int i = z->level - 1; i >= 0; i--)
    while (p->level[i].forward != NULL &&
           zlex_lte_max(mem_of(p->level[i].forward), p->level[i].forward->mlen, r))
      p = p->level[i].forward;
  return zlex_gte_min(mem_of(p), p->mlen, r) ? p : NULL;
}

size_t zset_count_lex(const zset *z, const zlex_spec *r) {
  zsl_node *a = zset_first_in_lex(z, r);
  if (a == NULL) return 0;
  zsl_node *b = zset_last_in_lex(z, r);
  return zset_rank(z, b, 0) - zset_rank(z, a, 0) + 1;
}

/* ------------------------------------------------------------------------------ range deletion */

/* Remove nodes from x on while keep(x) holds (at most limit); update[] is the path to x's
 * predecessor, which stays valid: only nodes after it go. */
static size_t delete_run(zset *z, zsl_node *x, zsl_node **update,
                         int (*keep)(const zsl_node *, const void *), const void *arg,
                         size_t limit) {
  size_t removed = 0;
  while (x != NULL && removed < limit && keep(x, arg)) {
    zsl_node *next = x->level[0].forward;
    sl_unlink(z, x, update);
    dict_unlink_node(&z->members, &x->node);
    free_node(z, x);
    removed++;
    x = next;
  }
  return removed;
}

static int score_lte(const zsl_node *x, const void *r) { return zrange_lte_max(x->score, r); }
static int lex_lte(const zsl_node *x, const void *r) { return zlex_lte_max(mem_of(x), x->mlen, r); }
static int always(const zsl_node *x, const void *r) {
  (void)x;
  (void)r;
  return 1;
}

size_t zset_delete_range_score(zset *z, const zrange_spec *r) {
  zsl_node *update[ZSL_MAXLEVEL], *p = z->header;
  for (int i = z->level - 1; i >= 0; i--) {
    while (p->level[i].forward != NULL && !zrange_gte_min(p->level[i].forward->score, r))
      p = p->level[i].forward;
    update[i] = p;
  }
  return delete_run(z, p->level[0].forward, update, score_lte, r, SIZE_MAX);
}

size_t zset_delete_range_lex(zset *z, const zlex_spec *r) {
  if (!zset_lex_in_range(z, r)) return 0;
  zsl_node *update[ZSL_MAXLEVEL], *p = z->header;
  for (int i = z->level - 1; i >= 0; i--) {
    while (p->level[i].forward != NULL &&
           !zlex_gte_min(mem_of(p->level[i].forward), p->level[i].forward->mlen, r))
      p = p->level[i].forward;
    update[i] = p;
  }
  return delete_run(z, p->level[0].forward, update, lex_lte, r, SIZE_MAX);
}

size_t zset_delete_range_rank(zset *z, size_t start, size_t end) {
  if (start > end || start >= z->length) return 0;
  zsl_node *update[ZSL_MAXLEVEL], *p = z->header;
  size_t traversed = 0; /* ends as the predecessor's 1-based rank: start */
  for (int i = z->level - 1; i >= 0; i--) {
    while (p->level[i].forward != NULL && traversed + p->level[i].span <= start) {
      traversed += p->level[i].span;
      p = p->level[i].forward;
    }
    update[i] = p;
  }
  return delete_run(z, p->level[0].forward, update, always, NULL, end - start + 1);
}
