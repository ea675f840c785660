/* quicklist.c - lists as linked listpack nodes (see quicklist.h). */
#include "quicklist.h"

#include <string.h>

#define OWNER ST_LIST
#define SIZE_SAFETY_LIMIT 8192 /* positive fill: a node's bytes are capped all the same */

static const size_t levels[] = { 4096, 8192, 16384, 32768, 65536 };

#define SIZE_ESTIMATE_OVERHEAD 8 /* 7.0's per-element estimate on top of its string length */
#define FILL_MAX 32767

/* 1: within the size level of a negative fill; 0: over it, or fill counts entries. */
static int meets_level(int fill, size_t sz) {
  if (fill >= 0) return 0;
  size_t i = (size_t)(-(long)fill) - 1;
  return i < sizeof levels / sizeof *levels && sz <= levels[i];
}

int ql_allow_insert(int fill, size_t bytes, uint64_t count, size_t sz) {
  size_t new_sz = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (meets_level(fill, new_sz)) return 1;
  if (new_sz > SIZE_SAFETY_LIMIT) return 0;
  return fill >= 0 && count < (uint64_t)fill;
}

int ql_allow_merge(int fill, size_t a_bytes, size_t b_bytes, uint64_t count) {
  size_t merge_sz = a_bytes + b_bytes - 11; /* one header and terminator fewer */
  if (meets_level(fill, merge_sz)) return 1;
  if (merge_sz > SIZE_SAFETY_LIMIT) return 0;
  return fill >= 0 && count <= (uint64_t)fill;
}

int ql_convertible(const quicklist *ql) {
  if (ql->len > 1) return 0;
  if (ql->len == 0) return 1;
  const ql_node *n = ql->head;
  if (n->plain) return 0; /* a listpack-encoded list has no place for the flag */
  if (ql->fill < 0) {
    size_t i = (size_t)(-(long)ql->fill) - 1;
    if (i >= sizeof levels / sizeof *levels) i = sizeof levels / sizeof *levels - 1;
    return lp_bytes(n->lp) <= levels[i] / 2;
  }
  return n->count <= (ql->fill == 0 ? 1u : (uint64_t)ql->fill) / 2;
}

int ql_fill(int64_t cfg) {
  if (cfg < -5) return -5;
  if (cfg > FILL_MAX) return FILL_MAX;
  return (int)cfg;
}

/* listpack.c's encoding sizes (listpack.h documents the format). */
static size_t backlen_size(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

size_t ql_entry_size(const unsigned char *s, uint32_t len) {
  int64_t v;
  size_t l;
  if (lp_str2ll(s, len, &v)) {
    if (v >= 0 && v <= 127)
      l = 1;
    else if (v >= -4096 && v <= 4095)
      l = 2;
    else if (v >= -32768 && v <= 32767)
      l = 3;
    else if (v >= -8388608 && v <= 8388607)
      l = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX)
      l = 5;
    else
      l = 9;
  } else {
    l = (size_t)len + (len < 64 ? 1 : len < 4096 ? 2 : 5);
  }
  return l + backlen_size(l);
}

/* ------------------------------------------------------------------------------ blocks */

static void lp_header(unsigned char *lp, size_t bytes, uint64_t count) {
  for (int i = 0; i < 4; i++) lp[i] = (unsigned char)(bytes >> (8 * i));
  uint32_t c = count >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : (uint32_t)count;
  lp[4] = (unsigned char)c;
  lp[5] = (unsigned char)(c >> 8);
}

/* A listpack of the `count` entries in src[0..n) (whole entries: each is self-contained). */
static unsigned char *lp_of_range(sm *m, const unsigned char *src, size_t n, uint32_t count,
                                  uint8_t *tier) {
  size_t bytes = LP_HDR_SIZE + n + 1;
  unsigned char *lp = sm_alloc(m, OWNER, TM_CAT_DATA, bytes, tier);
  if (lp == NULL) return NULL;
  lp_header(lp, bytes, count);
  memcpy(lp + LP_HDR_SIZE, src, n);
  lp[bytes - 1] = 0xFF;
  return lp;
}

static size_t lp_use(const sm *m, const ql_node *n) {
  return n->lp ? sm_usable(m, n->lp_tier, n->lp, lp_bytes(n->lp)) : 0;
}
static size_t node_use(const sm *m, const ql_node *n) {
  return sm_usable(m, n->self_tier, n, sizeof *n) + lp_use(m, n);
}

/* Install a resized listpack in n and account the difference. */
static void set_lp(const sm *m, quicklist *ql, ql_node *n, unsigned char *lp, size_t before) {
  n->lp = lp;
  ql->bytes = ql->bytes - before + lp_use(m, n);
}

static ql_node *node_alloc(sm *m, unsigned char *lp, uint8_t lp_tier, uint32_t count) {
  uint8_t t;
  ql_node *n = sm_alloc(m, OWNER, TM_CAT_METADATA, sizeof *n, &t);
  if (n == NULL) return NULL;
  n->prev = n->next = NULL;
  n->lp = lp;
  n->count = count;
  n->lp_tier = lp_tier;
  n->self_tier = t;
  n->plain = 0;
  return n;
}

static void node_free(sm *m, ql_node *n) {
  lp_free(m, OWNER, n->lp, n->lp_tier);
  sm_free(m, OWNER, TM_CAT_METADATA, n, sizeof *n, n->self_tier);
}

/* A detached node holding s alone. */
static ql_node *node_with(sm *m, const unsigned char *s, uint32_t len) {
  uint8_t t;
  unsigned char *lp = lp_new(m, OWNER, &t);
  if (lp == NULL) return NULL;
  unsigned char *g = lp_append(m, OWNER, lp, &t, s, len);
  if (g == NULL) {
    lp_free(m, OWNER, lp, t);
    return NULL;
  }
  ql_node *n = node_alloc(m, g, t, 1);
  if (n == NULL) lp_free(m, OWNER, g, t);
  return n;
}

/* Link n after `at` (NULL: at the head) and count it in. */
static void link_after(const sm *m, quicklist *ql, ql_node *at, ql_node *n) {
  n->prev = at;
  n->next = at ? at->next : ql->head;
  if (n->next)
    n->next->prev = n;
  else
    ql->tail = n;
  if (at)
    at->next = n;
  else
    ql->head = n;
  ql->len++;
  ql->count += n->count;
  ql->bytes += node_use(m, n);
}

static void link_before(const sm *m, quicklist *ql, ql_node *at, ql_node *n) {
  link_after(m, ql, at ? at->prev : ql->tail, n);
}

static void unlink_node(const sm *m, quicklist *ql, ql_node *n) {
  if (n->prev)
    n->prev->next = n->next;
  else
    ql->head = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    ql->tail = n->prev;
  ql->len--;
  ql->count -= n->count;
  ql->bytes -= node_use(m, n);
}

/* A node whose entries all go: unlinked and freed; a borrowed one keeps its place, lp freed. */
static void node_drop(sm *m, quicklist *ql, ql_node *n) {
  if (ql->borrowed) {
    ql->count -= n->count;
    ql->bytes -= lp_use(m, n);
    lp_free(m, OWNER, n->lp, n->lp_tier);
    n->lp = NULL;
    n->count = 0;
    return;
  }
  unlink_node(m, ql, n);
  node_free(m, n);
}

/* Merge a's next node into a (Redis's _quicklistListpackMerge, after its AllowMerge check).
 * The node that survives, or NULL when nothing changed: optional work, an OOM just skips it. */
static ql_node *merge_next(sm *m, quicklist *ql, ql_node *a) {
  ql_node *b = a->next;
  size_t ab = lp_bytes(a->lp), bb = lp_bytes(b->lp), nb = ab + bb - LP_HDR_SIZE - 1;
  uint64_t count = (uint64_t)a->count + b->count;
  size_t before = lp_use(m, a);
  unsigned char *lp = sm_realloc(m, OWNER, TM_CAT_DATA, a->lp, ab, nb, &a->lp_tier);
  if (lp == NULL) return NULL;
  memcpy(lp + ab - 1, b->lp + LP_HDR_SIZE, bb - LP_HDR_SIZE); /* b's entries and terminator */
  lp_header(lp, nb, count);
  set_lp(m, ql, a, lp, before);
  unlink_node(m, ql, b);
  a->count = (uint32_t)count;
  ql->count += b->count; /* the entries moved, they did not go */
  node_free(m, b);
  return a;
}

static int may_merge(const quicklist *ql, const ql_node *a, const ql_node *b) {
  return a != NULL && b != NULL && !a->plain && !b->plain &&
         ql_allow_merge(ql->fill, lp_bytes(a->lp), lp_bytes(b->lp), (uint64_t)a->count + b->count);
}

/* After a split around `center`, Redis's _quicklistMergeNodes: the two nodes before it, the two
 * after it, then center with its previous node and the result with its next, in that order. */
static void merge_around(sm *m, quicklist *ql, ql_node *center) {
  ql_node *prev = center->prev, *next = center->next;
  ql_node *prev_prev = prev ? prev->prev : NULL, *next_next = next ? next->next : NULL;
  if (may_merge(ql, prev, prev_prev)) merge_next(m, ql, prev_prev);
  if (may_merge(ql, next, next_next)) merge_next(m, ql, next);
  ql_node *target = center;
  if (may_merge(ql, center, center->prev)) {
    ql_node *kept = merge_next(m, ql, center->prev);
    if (kept) target = kept;
  }
  if (may_merge(ql, target, target->next)) merge_next(m, ql, target);
}

/* ------------------------------------------------------------------------------ lifecycle */

quicklist *ql_new(sm *m, int fill) {
  uint8_t t;
  quicklist *ql = sm_alloc(m, OWNER, TM_CAT_METADATA, sizeof *ql, &t);
  if (ql == NULL) return NULL;
  memset(ql, 0, sizeof *ql);
  ql->fill = fill;
  ql->self_tier = t;
  ql->bytes = sm_usable(m, t, ql, sizeof *ql);
  return ql;
}

quicklist *ql_adopt(sm *m, int fill, unsigned char *lp, uint8_t lp_tier) {
  quicklist *ql = ql_new(m, fill);
  if (ql == NULL) return NULL;
  ql_node *n = node_alloc(m, lp, lp_tier, lp_length(lp));
  if (n == NULL) {
    sm_free(m, OWNER, TM_CAT_METADATA, ql, sizeof *ql, ql->self_tier);
    return NULL;
  }
  link_after(m, ql, NULL, n);
  return ql;
}

int ql_append_lp(sm *m, quicklist *ql, unsigned char *lp, uint8_t lp_tier) {
  ql_node *n = node_alloc(m, lp, lp_tier, lp_length(lp));
  if (n == NULL) return -1;
  link_before(m, ql, NULL, n);
  return 0;
}

int ql_append_plain(sm *m, quicklist *ql, const unsigned char *s, uint32_t len) {
  ql_node *n = node_with(m, s, len);
  if (n == NULL) return -1;
  n->plain = 1;
  link_before(m, ql, NULL, n);
  return 0;
}

quicklist *ql_dup(sm *m, const quicklist *ql) {
  quicklist *d = ql_new(m, ql->fill);
  if (d == NULL) return NULL;
  for (const ql_node *n = ql->head; n != NULL; n = n->next) {
    uint8_t t;
    size_t bytes = lp_bytes(n->lp);
    unsigned char *lp = sm_alloc(m, OWNER, TM_CAT_DATA, bytes, &t);
    if (lp != NULL) memcpy(lp, n->lp, bytes);
    if (lp == NULL || ql_append_lp(m, d, lp, t) != 0) {
      if (lp) lp_free(m, OWNER, lp, t);
      ql_free(m, d);
      return NULL;
    }
    d->tail->plain = n->plain;
  }
  return d;
}

static void ql_struct_free(sm *m, quicklist *ql) {
  sm_free(m, OWNER, TM_CAT_METADATA, ql, sizeof *ql, ql->self_tier);
}

unsigned char *ql_release_lp(sm *m, quicklist *ql, uint8_t *tier) {
  unsigned char *lp;
  if (ql->len == 0) {
    lp = lp_new(m, OWNER, tier);
    if (lp == NULL) return NULL;
  } else {
    ql_node *n = ql->head;
    lp = n->lp;
    *tier = n->lp_tier;
    sm_free(m, OWNER, TM_CAT_METADATA, n, sizeof *n, n->self_tier);
  }
  ql_struct_free(m, ql);
  return lp;
}

size_t ql_free_step(sm *m, quicklist *ql, size_t max_nodes) {
  for (size_t i = 0; i < max_nodes && ql->head != NULL; i++) {
    ql_node *n = ql->head;
    unlink_node(m, ql, n);
    node_free(m, n);
  }
  if (ql->head != NULL) return (size_t)ql->len;
  ql_struct_free(m, ql);
  return 0;
}

void ql_free(sm *m, quicklist *ql) { ql_free_step(m, ql, SIZE_MAX); }

/* ------------------------------------------------------------------------------ access */

ql_node *ql_locate(const quicklist *ql, int64_t index, uint32_t *off) {
  uint64_t i;
  if (index < 0) {
    uint64_t back = (uint64_t)(-(index + 1));
    if (back >= ql->count) return NULL;
    i = ql->count - 1 - back;
  } else {
    if ((uint64_t)index >= ql->count) return NULL;
    i = (uint64_t)index;
  }
  ql_node *n;
  if (i < ql->count / 2) {
    for (n = ql->head; i >= n->count; n = n->next) i -= n->count;
    *off = (uint32_t)i;
  } else {
    uint64_t r = ql->count - 1 - i;
    for (n = ql->tail; r >= n->count; n = n->prev) r -= n->count;
    *off = (uint32_t)(n->count - 1 - r);
  }
  return n;
}

int ql_get(const quicklist *ql, int64_t index, lp_val *v) {
  uint32_t off;
  ql_node *n = ql_locate(ql, index, &off);
  if (n == NULL) return 0;
  lp_get(lp_seek(n->lp, off), v);
  return 1;
}

void ql_iter_at(quicklist *ql, ql_iter *it, int64_t index, int fwd) {
  uint32_t off;
  it->ql = ql;
  it->fwd = fwd;
  it->p = NULL;
  it->node = ql_locate(ql, index, &off);
  it->nextp = it->node ? lp_seek(it->node->lp, off) : NULL;
}

static unsigned char *node_start(const ql_node *n, int fwd) {
  return fwd ? lp_first(n->lp) : lp_last(n->lp);
}

int ql_next(sm *m, ql_iter *it, lp_val *v) {
  (void)m;
  while (it->node != NULL && it->nextp == NULL) {
    it->node = it->fwd ? it->node->next : it->node->prev;
    if (it->node) it->nextp = node_start(it->node, it->fwd);
  }
  if (it->node == NULL) {
    it->p = NULL;
    return 0;
  }
  it->p = it->nextp;
  lp_get(it->p, v);
  it->nextp = it->fwd ? lp_next(it->node->lp, it->p) : lp_prev(it->node->lp, it->p);
  return 1;
}

int ql_iter_del(sm *m, ql_iter *it) {
  quicklist *ql = it->ql;
  ql_node *n = it->node;
  if (n->count == 1) {
    ql_node *ahead = it->fwd ? n->next : n->prev;
    node_drop(m, ql, n);
    it->node = ahead;
    it->nextp = ahead ? node_start(ahead, it->fwd) : NULL;
    it->p = NULL;
    return 0;
  }
  size_t poff = 0;
  unsigned char *pp = it->fwd ? NULL : lp_prev(n->lp, it->p);
  if (pp) poff = (size_t)(pp - n->lp);
  size_t before = lp_use(m, n);
  unsigned char *nextp;
  unsigned char *lp = lp_delete(m, OWNER, n->lp, &n->lp_tier, it->p, &nextp);
  if (lp == NULL) return -1;
  set_lp(m, ql, n, lp, before);
  n->count--;
  ql->count--;
  it->nextp = it->fwd ? nextp : (pp ? lp + poff : NULL);
  it->p = NULL;
  return 0;
}

void ql_iter_done(sm *m, ql_iter *it) {
  (void)m;
  it->node = NULL;
}

/* ------------------------------------------------------------------------------ changes */

/* Add s at the `where` end (QL_HEAD/QL_TAIL) of node n. */
static int node_add(sm *m, quicklist *ql, ql_node *n, int where, const unsigned char *s,
                    uint32_t len) {
  int fresh = n->lp == NULL; /* an emptied borrowed node */
  if (fresh && (n->lp = lp_new(m, OWNER, &n->lp_tier)) == NULL) return -1;
  size_t before = fresh ? 0 : lp_use(m, n);
  unsigned char *lp = where == QL_HEAD ? lp_prepend(m, OWNER, n->lp, &n->lp_tier, s, len)
                                       : lp_append(m, OWNER, n->lp, &n->lp_tier, s, len);
  if (lp == NULL) {
    if (fresh) {
      lp_free(m, OWNER, n->lp, n->lp_tier);
      n->lp = NULL;
    }
    return -1;
  }
  set_lp(m, ql, n, lp, before);
  n->count++;
  ql->count++;
  return 0;
}

/* A new node holding s alone, linked after `at` (after) or before it; at NULL: at the tail
 * (after) or the head. */
static int node_new_by(sm *m, quicklist *ql, ql_node *at, int after, const unsigned char *s,
                       uint32_t len) {
  ql_node *nn = node_with(m, s, len);
  if (nn == NULL) return -1;
  if (after)
    link_before(m, ql, at ? at->next : NULL, nn);
  else
    link_after(m, ql, at ? at->prev : NULL, nn);
  return 0;
}

static int allows(const quicklist *ql, const ql_node *n, uint32_t len) {
  return n != NULL && !n->plain && ql_allow_insert(ql->fill, lp_bytes(n->lp), n->count, len);
}

int ql_push(sm *m, quicklist *ql, int where, const unsigned char *s, uint32_t len) {
  ql_node *n = where == QL_HEAD ? ql->head : ql->tail;
  if (n != NULL && (ql->borrowed || n->count == 0 || allows(ql, n, len)))
    return node_add(m, ql, n, where, s, len);
  return node_new_by(m, ql, n, where == QL_TAIL, s, len);
}

/* Split n around entry p and insert s (Redis's _quicklistSplitNode + insert): after p, n keeps
 * the entries up to p and a new node after it takes the rest with s at its head; before p, a new
 * node before n takes the entries before p with s at its tail. Then the neighbourhood merges. */
static int split_insert(sm *m, quicklist *ql, ql_node *n, unsigned char *p, int after,
                        const unsigned char *s, uint32_t len) {
  unsigned char *cut = after ? lp_next(n->lp, p) : p;
  uint32_t left = 0;
  for (unsigned char *q = lp_first(n->lp); q != cut; q = lp_next(n->lp, q)) left++;
  uint32_t right = n->count - left, moved = after ? right : left;
  size_t cut_off = (size_t)(cut - n->lp), total = lp_bytes(n->lp);
  const unsigned char *from = after ? cut : n->lp + LP_HDR_SIZE;
  size_t nbytes = after ? total - 1 - cut_off : cut_off - LP_HDR_SIZE;
  uint8_t t;
  unsigned char *lp = lp_of_range(m, from, nbytes, moved, &t);
  if (lp == NULL) return -1;
  unsigned char *g =
      after ? lp_prepend(m, OWNER, lp, &t, s, len) : lp_append(m, OWNER, lp, &t, s, len);
  if (g == NULL) {
    lp_free(m, OWNER, lp, t);
    return -1;
  }
  ql_node *nn = node_alloc(m, g, t, moved + 1);
  if (nn == NULL) {
    lp_free(m, OWNER, g, t);
    return -1;
  }
  size_t before = lp_use(m, n);
  unsigned char *rest =
      lp_delete_range(m, OWNER, n->lp, &n->lp_tier, after ? (long)left : 0, (long)moved);
  if (rest == NULL) {
    node_free(m, nn);
    return -1;
  }
  set_lp(m, ql, n, rest, before);
  n->count -= moved;
  ql->count -= moved;
  if (after)
    link_after(m, ql, n, nn);
  else
    link_before(m, ql, n, nn);
  merge_around(m, ql, n);
  return 0;
}

/* Insert s before/after (LP_BEFORE/LP_AFTER) entry p of node n, by Redis's _quicklistInsert:
 * into n if allowed; else at n's edge into the neighbour if allowed, or a new node there; else
 * split n. A borrowed node takes it (the caller converted if Redis would not). */
static int insert_at(sm *m, quicklist *ql, ql_node *n, unsigned char *p, int where,
                     const unsigned char *s, uint32_t len) {
  int after = where == LP_AFTER;
  if (ql->borrowed || allows(ql, n, len)) {
    size_t before = lp_use(m, n);
    unsigned char *lp = lp_insert(m, OWNER, n->lp, &n->lp_tier, s, len, p, where, NULL);
    if (lp == NULL) return -1;
    set_lp(m, ql, n, lp, before);
    n->count++;
    ql->count++;
    return 0;
  }
  int at_tail = after && lp_next(n->lp, p) == NULL;
  int at_head = !after && p == lp_first(n->lp);
  if (at_tail || at_head) {
    ql_node *nb = at_tail ? n->next : n->prev;
    if (allows(ql, nb, len)) return node_add(m, ql, nb, at_tail ? QL_HEAD : QL_TAIL, s, len);
    return node_new_by(m, ql, n, at_tail, s, len);
  }
  return split_insert(m, ql, n, p, after, s, len);
}

int ql_iter_insert(sm *m, ql_iter *it, int where, const unsigned char *s, uint32_t len) {
  int rc = insert_at(m, it->ql, it->node, it->p, where, s, len);
  it->node = NULL; /* n may have split or merged: the iteration is over */
  return rc;
}

int ql_move_self(sm *m, quicklist *ql, int from, int to, const unsigned char *s, uint32_t len) {
  if (ql->count <= 1) return 0;
  ql_node *src = from == QL_HEAD ? ql->head : ql->tail;
  ql_node *dst = to == QL_HEAD ? ql->head : ql->tail;
  if (src->count == 1) { /* the pop drops src: the push goes to the list without it */
    if (dst == src) dst = from == QL_HEAD ? src->next : src->prev;
    int into = allows(ql, dst, len);
    /* Popped and pushed back as a node of its own: unchanged, unless it was plain (the new
     * node is packed). */
    if (!into && from == to && !src->plain) return 0;
    if ((into ? node_add(m, ql, dst, to, s, len)
              : node_new_by(m, ql, dst, to == QL_TAIL, s, len)) != 0)
      return -1;
    node_drop(m, ql, src);
    return 0;
  }
  size_t bytes = lp_bytes(dst->lp);
  uint64_t count = dst->count;
  if (dst == src) { /* the pop shrank it first */
    bytes -= lp_entry_bytes(node_start(src, from == QL_HEAD));
    count--;
  }
  int into = ql_allow_insert(ql->fill, bytes, count, len);
  if (!into && ql->borrowed) return 1;
  if ((into ? node_add(m, ql, dst, to, s, len) : node_new_by(m, ql, dst, to == QL_TAIL, s, len)) !=
      0)
    return -1;
  uint64_t at = from == QL_HEAD ? (to == QL_HEAD ? 1 : 0) : ql->count - (to == QL_TAIL ? 2 : 1);
  if (ql_del_range(m, ql, at, 1) == 0) return 0;
  ql_del_range(m, ql, to == QL_HEAD ? 0 : ql->count - 1, 1); /* a refused shrink: undo the push */
  return -1;
}

int ql_replace(sm *m, quicklist *ql, uint64_t index, const unsigned char *s, uint32_t len) {
  uint32_t off;
  ql_node *n = ql_locate(ql, (int64_t)index, &off);
  if (n->plain) { /* Redis: insert after it, then drop it */
    if (insert_at(m, ql, n, lp_first(n->lp), LP_AFTER, s, len) != 0) return -1;
    node_drop(m, ql, n);
    return 0;
  }
  size_t before = lp_use(m, n);
  unsigned char *lp = lp_replace(m, OWNER, n->lp, &n->lp_tier, lp_seek(n->lp, off), s, len, NULL);
  if (lp == NULL) return -1;
  set_lp(m, ql, n, lp, before);
  return 0;
}

/* Delete `take` entries from offset off of n (not all of them). */
static int node_del(sm *m, quicklist *ql, ql_node *n, uint32_t off, uint64_t take) {
  size_t before = lp_use(m, n);
  unsigned char *lp = lp_delete_range(m, OWNER, n->lp, &n->lp_tier, (long)off, (long)take);
  if (lp == NULL) return -1;
  set_lp(m, ql, n, lp, before);
  n->count -= (uint32_t)take;
  ql->count -= take;
  return 0;
}

int ql_del_range(sm *m, quicklist *ql, uint64_t start, uint64_t n) {
  if (n == 0) return 0;
  uint32_t off;
  ql_node *a = ql_locate(ql, (int64_t)start, &off), *b = a;
  uint64_t take_a = a->count - off < n ? a->count - off : n, take_b = take_a;
  for (uint64_t rest = n - take_a; rest > 0; rest -= take_b) {
    b = b->next;
    take_b = b->count < rest ? b->count : rest;
  }
  int a_whole = take_a == a->count, b_whole = take_b == b->count;
  /* The partial nodes first (the only steps that can fail), then whole nodes go. Nothing
   * merges afterwards: Redis's quicklistDelRange and quicklistDelIndex do not. */
  if (!a_whole && node_del(m, ql, a, off, take_a) != 0) return -1;
  if (b != a && !b_whole && node_del(m, ql, b, 0, take_b) != 0) return -1;
  ql_node *stop = b->next;
  for (ql_node *x = a, *nx; x != stop; x = nx) {
    nx = x->next;
    if ((x != a || a_whole) && (x != b || b_whole)) node_drop(m, ql, x);
  }
  return 0;
}

/* ------------------------------------------------------------------------------ checks */

int ql_check(const sm *m, const quicklist *ql) {
  uint64_t count = 0, len = 0,
           bytes = ql->borrowed ? 0 : sm_usable(m, ql->self_tier, ql, sizeof *ql);
  const ql_node *prev = NULL;
  for (const ql_node *n = ql->head; n != NULL; prev = n, n = n->next) {
    if (n->prev != prev) return 0;
    len++;
    count += n->count;
    bytes += ql->borrowed ? lp_use(m, n) : node_use(m, n);
    if (n->lp == NULL) {
      if (!ql->borrowed || n->count != 0) return 0;
      continue;
    }
    if (!lp_validate(n->lp, lp_bytes(n->lp), 1) || lp_length(n->lp) != n->count) return 0;
    if (!ql->borrowed && n->count == 0) return 0;
  }
  if (ql->tail != prev) return 0;
  return count == ql->count && len == ql->len && (ql->borrowed || bytes == ql->bytes);
}
