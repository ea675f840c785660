/* t_zset.c - the sorted-set type: its two encodings (t_zset.h), value lifecycle, and the core
 * commands (ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE
 * family and ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP). Set algebra, random members and
 * ZSCAN are in t_zset_ops.c.
 *
 * Semantics and replies are Redis 7.0.15's zaddGenericCommand, zrangeGenericCommand,
 * genericZpopCommand and friends, option order and error texts included.
 *
 * OOM: a one-member change is atomic (a listpack edit that needs two entries works on a copy;
 * skiplist calls never half-fail). A many-member ZADD or ZREM on a listpack works on a private
 * copy; a many-member ZADD on a skiplist keeps an undo log (allocated first) and rolls back. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "t_zset.h"
#include "util.h"

/* ------------------------------------------------------------------------------ listpack */

static double lp_score_at(const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int) return (double)v.ll;
  char buf[MAX_D2STRING_CHARS];
  size_t n = v.len < sizeof buf - 1 ? v.len : sizeof buf - 1;
  memcpy(buf, v.s, n);
  buf[n] = '\0';
  return strtod(buf, NULL);
}

static void lp_member_at(const unsigned char *p, zmem *m) {
  lp_val v;
  uint32_t n;
  lp_get(p, &v);
  m->s = lp_val_bytes(&v, m->buf, &n);
  m->len = n;
}

/* A score as zzlInsertAt writes it: integral values (-0 included) as integers, else d2string. */
static uint32_t score_text(char buf[MAX_D2STRING_CHARS], double score) {
  long long ll;
  if (double2ll(score, &ll)) return lp_ll2str(ll, buf);
  return (uint32_t)d2string(buf, MAX_D2STRING_CHARS, score);
}

static long lp_index_of(const unsigned char *lp, const unsigned char *p) {
  long i = 0;
  for (const unsigned char *q = lp_first(lp); q != NULL && q != p; q = lp_next(lp, q)) i++;
  return i;
}

/* The member entry of s, or NULL. */
static unsigned char *zzl_find(const unsigned char *lp, const unsigned char *s, size_t len) {
  return lp_find(lp, lp_first(lp), s, (uint32_t)len, 1);
}

/* Take a listpack call's result (tier read after the call: argument order is unspecified). */
static int zzl_put(zobj *z, unsigned char *nl, const uint8_t *tier) {
  if (nl == NULL) return -1;
  z->p = nl;
  z->tier = *tier;
  return 0;
}

/* Insert at its place, in place (two listpack calls: not atomic on its own). */
static int zzl_insert_inplace(st_store *st, zobj *z, const unsigned char *s, size_t len,
                              double score) {
  unsigned char *lp = z->p, *p = lp_first(lp);
  while (p != NULL) {
    zmem m;
    lp_member_at(p, &m);
    unsigned char *sp = lp_next(lp, p);
    if (zsl_cmp(lp_score_at(sp), m.s, m.len, score, s, len) > 0) break;
    p = lp_next(lp, sp);
  }
  char buf[MAX_D2STRING_CHARS];
  uint32_t n = score_text(buf, score);
  uint8_t tier = z->tier;
  if (p == NULL) {
    if (zzl_put(z, lp_append(&st->mem, ST_ZSET, z->p, &tier, s, (uint32_t)len), &tier) != 0)
      return -1;
    return zzl_put(z, lp_append(&st->mem, ST_ZSET, z->p, &tier, (unsigned char *)buf, n), &tier);
  }
  unsigned char *newp;
  if (zzl_put(z, lp_insert(&st->mem, ST_ZSET, z->p, &tier, s, (uint32_t)len, p, LP_BEFORE, &newp),
              &tier) != 0)
    return -1;
  return zzl_put(
      z, lp_insert(&st->mem, ST_ZSET, z->p, &tier, (unsigned char *)buf, n, newp, LP_AFTER, NULL),
      &tier);
}

/* Delete the pair whose member entry is p (one listpack call). */
static int zzl_delete_pair(st_store *st, zobj *z, unsigned char *p) {
  uint8_t tier = z->tier;
  return zzl_put(z, lp_delete_range(&st->mem, ST_ZSET, z->p, &tier, lp_index_of(z->p, p), 2),
                 &tier);
}

static int zzl_dup(st_store *st, const zobj *z, zobj *out) {
  size_t n = lp_bytes(z->p);
  uint8_t tier;
  unsigned char *p = sm_alloc(&st->mem, ST_ZSET, TM_CAT_DATA, n, &tier);
  if (p == NULL) return -1;
  memcpy(p, z->p, n);
  *out = (zobj){ p, ENC_LISTPACK, tier };
  return 0;
}

/* Delete the pair at p (if given) and insert (s, score) (if insert), atomically unless priv. */
static int zzl_edit(st_store *st, zobj *z, int priv, unsigned char *p, const unsigned char *s,
                    size_t len, double score, int insert) {
  zobj w = *z;
  if (!priv) {
    if (zzl_dup(st, z, &w) != 0) return -1;
    if (p != NULL) p = (unsigned char *)w.p + (p - (unsigned char *)z->p);
  }
  int rc = 0;
  if (p != NULL) rc = zzl_delete_pair(st, &w, p);
  if (rc == 0 && insert) rc = zzl_insert_inplace(st, &w, s, len, score);
  if (!priv) {
    if (rc != 0) {
      zo_free(st, &w);
      return -1;
    }
    zo_free(st, z);
  }
  *z = w;
  return rc;
}

/* ------------------------------------------------------------------------------ values */

size_t zo_len(const zobj *z) {
  if (z->enc == ENC_LISTPACK) return lp_length(z->p) / 2;
  return zset_len(z->p);
}

int zo_new_listpack(st_store *st, zobj *out) {
  uint8_t tier;
  unsigned char *lp = lp_new(&st->mem, ST_ZSET, &tier);
  if (lp == NULL) return -1;
  *out = (zobj){ lp, ENC_LISTPACK, tier };
  return 0;
}

int zo_new_skiplist(st_store *st, zobj *out) {
  uint8_t tier;
  zset *z = sm_alloc(&st->mem, ST_ZSET, TM_CAT_METADATA, sizeof *z, &tier);
  if (z == NULL) return -1;
  if (zset_init(z, &st->mem) != 0) {
    sm_free(&st->mem, ST_ZSET, TM_CAT_METADATA, z, sizeof *z, tier);
    return -1;
  }
  *out = (zobj){ z, ENC_SKIPLIST, tier };
  return 0;
}

void zo_free(st_store *st, zobj *z) {
  if (z->p != NULL) zset_free_step(st, z->p, z->enc, z->tier, SIZE_MAX);
  z->p = NULL;
}

static int zo_to_skiplist(st_store *st, zobj *z) {
  zobj n;
  if (zo_new_skiplist(st, &n) != 0) return -1;
  for (zcur c = zc_edge(z, 0); zc_ok(&c); zc_next(&c)) {
    zmem m;
    zc_member(&c, &m);
    if (zset_insert(n.p, m.s, m.len, zc_score(&c)) == NULL) {
      zo_free(st, &n);
      return -1;
    }
  }
  zo_free(st, z);
  *z = n;
  return 0;
}

int zset_convert_skiplist(st_store *st, st_entry *e) {
  zobj z = zo_of(e);
  if (z.enc == ENC_SKIPLIST) return 0;
  if (zo_to_skiplist(st, &z) != 0) return -1;
  zo_store(e, &z);
  return 0;
}

void zo_maybe_to_listpack(st_store *st, zobj *z) {
  if (z->enc != ENC_SKIPLIST) return;
  const zset *zs = z->p;
  if ((int64_t)zset_len(zs) > st->cfg.zset_max_listpack_entries) return;
  for (const zsl_node *n = zset_first(zs); n != NULL; n = zsl_next(n))
    if ((int64_t)n->mlen > st->cfg.zset_max_listpack_value) return;
  zobj lp;
  if (zo_new_listpack(st, &lp) != 0) return;
  for (const zsl_node *n = zset_first(zs); n != NULL; n = zsl_next(n)) {
    size_t len;
    const unsigned char *s = zsl_member(n, &len);
    char buf[MAX_D2STRING_CHARS];
    uint32_t k = score_text(buf, n->score);
    uint8_t tier = lp.tier;
    if (zzl_put(&lp, lp_append(&st->mem, ST_ZSET, lp.p, &tier, s, (uint32_t)len), &tier) != 0 ||
        zzl_put(&lp, lp_append(&st->mem, ST_ZSET, lp.p, &tier, (unsigned char *)buf, k), &tier) !=
            0) {
      zo_free(st, &lp);
      return;
    }
  }
  zo_free(st, z);
  *z = lp;
}

size_t zset_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max) {
  if (enc == ENC_LISTPACK) {
    lp_free(&st->mem, ST_ZSET, val, tier);
    return 0;
  }
  zset *z = val;
  size_t left = zset_drain(z, max);
  if (left == 0) sm_free(&st->mem, ST_ZSET, TM_CAT_METADATA, z, sizeof *z, tier);
  return left;
}

size_t zset_usage(st_store *st, const st_entry *e) {
  if (entry_enc(e) == ENC_LISTPACK)
    return sm_usable(&st->mem, entry_val_tier(e), e->val, lp_bytes(e->val));
  const zset *z = e->val;
  return sm_usable(&st->mem, entry_val_tier(e), z, sizeof *z) + zset_bytes(z);
}

/* A node's requested size: zsl.c's node_size. */
static size_t zwalk_node_size(const zsl_node *n) {
  return offsetof(zsl_node, level) + n->nlevel * sizeof(zsl_level) + n->mlen;
}

void zset_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg) {
  (void)st;
  if (val == NULL) return;
  if (enc == ENC_LISTPACK) {
    visit(arg, val, lp_bytes(val), tier, ST_ZSET, TM_CAT_DATA);
    return;
  }
  const zset *z = val;
  visit(arg, z, sizeof *z, tier, ST_ZSET, TM_CAT_METADATA);
  st_walk_dict_tables(&z->members, visit, arg);
  for (const zsl_node *n = z->header; n != NULL; n = n->level[0].forward)
    visit(arg, n, zwalk_node_size(n), n->tier, ST_ZSET, TM_CAT_METADATA);
}

void zset_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg) {
  (void)st;
  const zset *z = val;
  const zsl_node *n = node;
  if (n != NULL) return visit(arg, n, zwalk_node_size(n), n->tier, ST_ZSET, TM_CAT_METADATA);
  visit(arg, z, sizeof *z, tier, ST_ZSET, TM_CAT_METADATA);
  st_walk_dict_tables(&z->members, visit, arg);
  visit(arg, z->header, zwalk_node_size(z->header), z->header->tier, ST_ZSET, TM_CAT_METADATA);
}

/* ------------------------------------------------------------------------------ cursors */

zcur zc_edge(const zobj *z, int last) {
  zcur c = { z, NULL, NULL };
  if (z->enc == ENC_LISTPACK) {
    unsigned char *q = last ? lp_last(z->p) : lp_first(z->p);
    c.p = (q != NULL && last) ? lp_prev(z->p, q) : q;
  } else {
    c.n = last ? zset_last(z->p) : zset_first(z->p);
  }
  return c;
}

static zcur zc_rank(const zobj *z, size_t rank) {
  zcur c = { z, NULL, NULL };
  if (z->enc == ENC_LISTPACK)
    c.p = lp_seek(z->p, (long)rank * 2);
  else
    c.n = zset_by_rank(z->p, rank, 0);
  return c;
}

void zc_next(zcur *c) {
  if (c->z->enc == ENC_LISTPACK) {
    unsigned char *sp = lp_next(c->z->p, c->p);
    c->p = sp ? lp_next(c->z->p, sp) : NULL;
  } else {
    c->n = zsl_next(c->n);
  }
}

void zc_prev(zcur *c) {
  if (c->z->enc == ENC_LISTPACK) {
    unsigned char *sp = lp_prev(c->z->p, c->p);
    c->p = sp ? lp_prev(c->z->p, sp) : NULL;
  } else {
    c->n = zsl_prev(c->n);
  }
}

void zc_member(const zcur *c, zmem *m) {
  if (c->p != NULL) {
    lp_member_at(c->p, m);
  } else {
    m->s = zsl_member(c->n, &m->len);
  }
}

double zc_score(const zcur *c) {
  return c->p != NULL ? lp_score_at(lp_next(c->z->p, c->p)) : c->n->score;
}

static inline void zc_move(zcur *c, int rev) {
  if (rev)
    zc_prev(c);
  else
    zc_next(c);
}

/* First (or last) element in a score range, as zzlFirstInRange / zslNthInRange. */
static zcur zc_score_edge(const zobj *z, const zrange_spec *r, int last) {
  zcur c = { z, NULL, NULL };
  if (z->enc == ENC_SKIPLIST) {
    c.n = last ? zset_last_in_range(z->p, r) : zset_first_in_range(z->p, r);
    return c;
  }
  if (r->min > r->max || (r->min == r->max && (r->minex || r->maxex))) return c;
  for (c = zc_edge(z, last); zc_ok(&c); zc_move(&c, last)) {
    double s = zc_score(&c);
    if (last ? zrange_lte_max(s, r) : zrange_gte_min(s, r)) {
      if (!(last ? zrange_gte_min(s, r) : zrange_lte_max(s, r))) c.p = NULL;
      return c;
    }
  }
  return c;
}

static int zc_lex_gte(const zcur *c, const zlex_spec *r) {
  zmem m;
  zc_member(c, &m);
  return zlex_gte_min(m.s, m.len, r);
}
static int zc_lex_lte(const zcur *c, const zlex_spec *r) {
  zmem m;
  zc_member(c, &m);
  return zlex_lte_max(m.s, m.len, r);
}

static int lex_bound_rank(const zlex_bound *b) {
  return b->kind == ZLEX_MINUS ? -1 : b->kind == ZLEX_PLUS ? 1 : 0;
}

/* zzlIsInLexRange: the range is not empty, and the ends of the listpack may be in it. */
static int zzl_lex_in_range(const zobj *z, const zlex_spec *r) {
  int ra = lex_bound_rank(&r->min), rb = lex_bound_rank(&r->max), cmp;
  if (ra != rb || ra != 0) {
    cmp = ra - rb;
  } else {
    size_t k = r->min.len < r->max.len ? r->min.len : r->max.len;
    cmp = k ? memcmp(r->min.p, r->max.p, k) : 0;
    if (cmp == 0) cmp = r->min.len < r->max.len ? -1 : r->min.len > r->max.len;
  }
  if (cmp > 0 || (cmp == 0 && (r->min.ex || r->max.ex))) return 0;
  zcur last = zc_edge(z, 1), first = zc_edge(z, 0);
  if (!zc_ok(&last) || !zc_lex_gte(&last, r)) return 0;
  return zc_lex_lte(&first, r);
}

static zcur zc_lex_edge(const zobj *z, const zlex_spec *r, int last) {
  zcur c = { z, NULL, NULL };
  if (z->enc == ENC_SKIPLIST) {
    c.n = last ? zset_last_in_lex(z->p, r) : zset_first_in_lex(z->p, r);
    return c;
  }
  if (!zzl_lex_in_range(z, r)) return c;
  for (c = zc_edge(z, last); zc_ok(&c); zc_move(&c, last)) {
    if (last ? zc_lex_lte(&c, r) : zc_lex_gte(&c, r)) {
      if (!(last ? zc_lex_gte(&c, r) : zc_lex_lte(&c, r))) c.p = NULL;
      return c;
    }
  }
  return c;
}

/* ------------------------------------------------------------------------------ members */

int zo_score(const zobj *z, const unsigned char *s, size_t len, double *score) {
  if (z->enc == ENC_LISTPACK) {
    unsigned char *p = zzl_find(z->p, s, len);
    if (p == NULL) return 0;
    *score = lp_score_at(lp_next(z->p, p));
    return 1;
  }
  zsl_node *n = zset_find(z->p, s, len);
  if (n == NULL) return 0;
  *score = n->score;
  return 1;
}

/* 0-based rank of a member (from the highest with reverse), or -1. */
static long long zo_rank(const zobj *z, const unsigned char *s, size_t len, int reverse) {
  size_t rank;
  if (z->enc == ENC_SKIPLIST)
    return zset_rank_of(z->p, s, len, reverse, &rank) == 0 ? (long long)rank : -1;
  unsigned char *p = zzl_find(z->p, s, len);
  if (p == NULL) return -1;
  long long r = lp_index_of(z->p, p) / 2;
  return reverse ? (long long)zo_len(z) - 1 - r : r;
}

int zo_add(st_store *st, zobj *z, int priv, double score, const unsigned char *s, size_t len,
           int flags, int *out, double *newscore) {
  int nx = flags & ZA_NX, xx = flags & ZA_XX, gt = flags & ZA_GT, lt = flags & ZA_LT;
  int incr = flags & ZA_INCR;
  *out = 0;
  if (z->enc == ENC_LISTPACK) {
    unsigned char *p = zzl_find(z->p, s, len);
    if (p != NULL) {
      unsigned char *sp = lp_next(z->p, p);
      double cur = lp_score_at(sp);
      if (nx) goto nop;
      if (incr) {
        score += cur;
        if (isnan(score)) return 0;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) goto nop;
      *newscore = score;
      if (score == cur) return 1;
      /* Still between its neighbours: rewrite the score entry alone (one call, atomic). */
      zcur at = { z, p, NULL }, prev = at, next = at;
      zc_prev(&prev);
      zc_next(&next);
      zmem m, o;
      lp_member_at(p, &m);
      int fits = 1;
      if (zc_ok(&prev)) {
        zc_member(&prev, &o);
        fits = zsl_cmp(zc_score(&prev), o.s, o.len, score, m.s, m.len) < 0;
      }
      if (fits && zc_ok(&next)) {
        zc_member(&next, &o);
        fits = zsl_cmp(zc_score(&next), o.s, o.len, score, m.s, m.len) > 0;
      }
      if (fits) {
        char buf[MAX_D2STRING_CHARS];
        uint32_t k = score_text(buf, score);
        uint8_t tier = z->tier;
        if (zzl_put(z,
                    lp_replace(&st->mem, ST_ZSET, z->p, &tier, sp, (unsigned char *)buf, k, NULL),
                    &tier) != 0)
          return -1;
      } else if (zzl_edit(st, z, priv, p, s, len, score, 1) != 0) {
        return -1;
      }
      *out = ZA_UPDATED;
      return 1;
    }
    if (xx) goto nop;
    if ((int64_t)zo_len(z) + 1 > st->cfg.zset_max_listpack_entries ||
        (int64_t)len > st->cfg.zset_max_listpack_value) {
      if (zo_to_skiplist(st, z) != 0) return -1;
    } else {
      if (zzl_edit(st, z, priv, NULL, s, len, score, 1) != 0) return -1;
      *newscore = score;
      *out = ZA_ADDED;
      return 1;
    }
  }
  zset *zs = z->p;
  zsl_node *n = zset_find(zs, s, len);
  if (n != NULL) {
    double cur = n->score;
    if (nx) goto nop;
    if (incr) {
      score += cur;
      if (isnan(score)) return 0;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) goto nop;
    *newscore = score;
    if (score != cur) {
      zset_update(zs, n, score);
      *out = ZA_UPDATED;
    }
    return 1;
  }
  if (xx) goto nop;
  if (zset_insert(zs, s, len, score) == NULL) return -1;
  *newscore = score;
  *out = ZA_ADDED;
  return 1;
nop:
  *out = ZA_NOP;
  return 1;
}

/* Remove a member: 1, 0 absent, -1 OOM (unchanged). */
static int zo_del(st_store *st, zobj *z, const unsigned char *s, size_t len) {
  if (z->enc == ENC_SKIPLIST) return zset_delete(z->p, s, len);
  unsigned char *p = zzl_find(z->p, s, len);
  if (p == NULL) return 0;
  return zzl_delete_pair(st, z, p) == 0 ? 1 : -1;
}

/* Store z back after `changes` changes; an empty zset deletes the key. */
static void zset_commit(st_client *c, st_db *db, st_entry *e, const zobj *z, long long changes) {
  zo_store(e, z);
  if (zo_len(z) == 0)
    db_delete_entry(c, db, e);
  else if (changes > 0)
    key_modified(c, db, e);
  if (changes > 1) store_dirty(c, (uint64_t)changes - 1);
}

void zo_store_result(st_client *c, const resp_arg *dst, zobj *z) {
  size_t n = z->p != NULL ? zo_len(z) : 0;
  st_entry *d = lookup_overwrite(c, dst); /* replaced or deleted: the hook runs there */
  if (n == 0) {
    zo_free(c->st, z);
    if (d != NULL) db_delete_entry(c, c->db, d);
    return reply_int(&c->out, 0);
  }
  if (d != NULL) {
    db_replace_value(c, c->db, d, ST_ZSET, z->enc, z->p, 0, z->tier);
    db_persist(c->db, d);
  } else if (db_add(c, c->db, dst->ptr, dst->len, ST_ZSET, z->enc, z->p, 0, z->tier) == NULL) {
    zo_free(c->st, z);
    return reply_oom(c);
  }
  reply_int(&c->out, (long long)n);
}

/* ------------------------------------------------------------------------------ ranges */

/* strtod over the argument up to its first NUL, as zslParseRange (leading blanks and "" are
 * accepted, NaN is not, overflow is +-inf). */
static int parse_score_bound(const resp_arg *a, double *v, int *ex) {
  char stack[256], *buf = stack;
  size_t len = strnlen((const char *)a->ptr, a->len);
  *ex = len > 0 && a->ptr[0] == '(';
  const unsigned char *s = a->ptr + *ex;
  len -= (size_t)*ex;
  if (len >= sizeof stack && (buf = malloc(len + 1)) == NULL) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  char *end;
  *v = strtod(buf, &end);
  int ok = *end == '\0' && !isnan(*v);
  if (buf != stack) free(buf);
  return ok ? 0 : -1;
}

int zrange_parse(const resp_arg *min, const resp_arg *max, zrange_spec *r) {
  if (parse_score_bound(min, &r->min, &r->minex) != 0) return -1;
  return parse_score_bound(max, &r->max, &r->maxex);
}

/* zslParseLexRangeItem: "+" and "-" alone (the item is a C string: a NUL ends it). */
static int lex_item(const resp_arg *a, zlex_bound *b) {
  if (a->len >= 2 && (a->ptr[0] == '+' || a->ptr[0] == '-') && a->ptr[1] == '\0') {
    resp_arg one = { a->ptr, 1 };
    return zlex_parse(one.ptr, one.len, b);
  }
  return zlex_parse(a->ptr, a->len, b);
}

int zlex_parse_args(const resp_arg *min, const resp_arg *max, zlex_spec *r) {
  if (lex_item(min, &r->min) != 0) return -1;
  return lex_item(max, &r->max);
}

#define ERR_MINMAX_FLOAT "ERR min or max is not a float"
#define ERR_MINMAX_LEX "ERR min or max not valid string range item"

/* Where range results go: the client (with or without scores), or a new zset (ZRANGESTORE). */
typedef struct zsink {
  st_client *c;
  int scores, store, oom, deferred;
  long n;
  void *defer;
  zobj dst;
} zsink;

static void sink_begin(zsink *k, long len) {
  if (k->store) return;
  if (len >= 0)
    reply_array(&k->c->out, len * (k->scores ? 2 : 1));
  else {
    k->defer = reply_defer_len(&k->c->out);
    k->deferred = 1;
  }
}

static void sink_emit(zsink *k, const zcur *cur) {
  zmem m;
  zc_member(cur, &m);
  double score = zc_score(cur);
  k->n++;
  if (!k->store) {
    reply_bulk(&k->c->out, m.s, m.len);
    if (k->scores) reply_double(&k->c->out, score);
    return;
  }
  if (k->oom) return;
  int out;
  double ns;
  if ((k->dst.p == NULL && zo_new_listpack(k->c->st, &k->dst) != 0) ||
      zo_add(k->c->st, &k->dst, 1, score, m.s, m.len, 0, &out, &ns) != 1)
    k->oom = 1;
}

static void sink_end(zsink *k, const resp_arg *dst) {
  if (!k->store) {
    if (k->deferred) reply_set_defer_len(&k->c->out, k->defer, k->n * (k->scores ? 2 : 1));
    return;
  }
  if (k->oom) {
    zo_free(k->c->st, &k->dst);
    return reply_oom(k->c);
  }
  zo_store_result(k->c, dst, &k->dst);
}

static void range_rank(zsink *k, const zobj *z, long long start, long long end, int rev) {
  long long llen = (long long)zo_len(z);
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return sink_begin(k, 0);
  if (end >= llen) end = llen - 1;
  long long n = end - start + 1;
  sink_begin(k, (long)n);
  zcur cur = zc_rank(z, (size_t)(rev ? llen - 1 - start : start));
  for (; n > 0 && zc_ok(&cur); n--, zc_move(&cur, rev)) sink_emit(k, &cur);
}

/* The rest of a BYSCORE / BYLEX range from cur: skip offset (a negative one skips everything,
 * as Redis's `while (ln && offset--)`), then up to limit (negative: no limit) in range. */
static void range_walk(zsink *k, zcur cur, long long offset, long long limit, int rev,
                       int (*in)(const zcur *, const void *), const void *r) {
  sink_begin(k, -1);
  if (offset < 0) return;
  while (zc_ok(&cur) && offset-- > 0) zc_move(&cur, rev);
  while (zc_ok(&cur) && limit-- != 0) {
    if (!in(&cur, r)) break;
    sink_emit(k, &cur);
    zc_move(&cur, rev);
  }
}

static int in_max(const zcur *c, const void *r) { return zrange_lte_max(zc_score(c), r); }
static int in_min(const zcur *c, const void *r) { return zrange_gte_min(zc_score(c), r); }
static int in_lex_max(const zcur *c, const void *r) { return zc_lex_lte(c, r); }
static int in_lex_min(const zcur *c, const void *r) { return zc_lex_gte(c, r); }

enum { ZR_AUTO, ZR_RANK, ZR_SCORE, ZR_LEX };
enum { ZD_AUTO, ZD_FWD, ZD_REV };

/* zrangeGenericCommand: key at argv[first] (ZRANGESTORE: dst at argv[1], src at argv[2]). */
static void zrange_generic(st_client *c, int first, int store, int type, int dir) {
  int minidx = first + 1, maxidx = first + 2, scores = 0;
  long long offset = 0, limit = -1, start = 0, end = 0;
  for (int j = first + 3; j < c->argc; j++) {
    int left = c->argc - j - 1;
    if (!store && arg_is(c, j, "withscores")) {
      scores = 1;
    } else if (arg_is(c, j, "limit") && left >= 2) {
      if (arg_ll(c, j + 1, &offset) != 0 || arg_ll(c, j + 2, &limit) != 0) return;
      j += 2;
    } else if (dir == ZD_AUTO && arg_is(c, j, "rev")) {
      dir = ZD_REV;
    } else if (type == ZR_AUTO && arg_is(c, j, "bylex")) {
      type = ZR_LEX;
    } else if (type == ZR_AUTO && arg_is(c, j, "byscore")) {
      type = ZR_SCORE;
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  if (dir == ZD_AUTO) dir = ZD_FWD;
  if (type == ZR_AUTO) type = ZR_RANK;
  if (limit != -1 && type == ZR_RANK)
    return reply_error(&c->out, "ERR syntax error, LIMIT is only supported in combination with "
                                "either BYSCORE or BYLEX");
  if (scores && type == ZR_LEX)
    return reply_error(&c->out,
                       "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  int rev = dir == ZD_REV;
  if (rev && type != ZR_RANK) {
    int t = minidx;
    minidx = maxidx;
    maxidx = t;
  }
  zrange_spec range;
  zlex_spec lex;
  if (type == ZR_RANK) {
    if (arg_ll(c, minidx, &start) != 0 || arg_ll(c, maxidx, &end) != 0) return;
  } else if (type == ZR_SCORE) {
    if (zrange_parse(&c->argv[minidx], &c->argv[maxidx], &range) != 0)
      return reply_error(&c->out, "%s", ERR_MINMAX_FLOAT);
  } else if (zlex_parse_args(&c->argv[minidx], &c->argv[maxidx], &lex) != 0) {
    return reply_error(&c->out, "%s", ERR_MINMAX_LEX);
  }
  zsink k = { c, scores, store, 0, 0, 0, NULL, { 0 } };
  const resp_arg *dst = store ? &c->argv[1] : NULL;
  st_entry *e = lookup_read(c, &c->argv[first]);
  if (e == NULL) {
    if (store) return sink_end(&k, dst);
    return reply_array(&c->out, 0);
  }
  if (check_type(c, e, ST_ZSET)) return;
  zobj z = zo_of(e);
  if (type == ZR_RANK) {
    range_rank(&k, &z, start, end, rev);
  } else if (offset > 0 && (unsigned long long)offset >= zo_len(&z)) {
    sink_begin(&k, 0);
  } else if (type == ZR_SCORE) {
    range_walk(&k, zc_score_edge(&z, &range, rev), offset, limit, rev, rev ? in_min : in_max,
               &range);
  } else {
    range_walk(&k, zc_lex_edge(&z, &lex, rev), offset, limit, rev, rev ? in_lex_min : in_lex_max,
               &lex);
  }
  sink_end(&k, dst);
}

void cmd_zrange(st_client *c) { zrange_generic(c, 1, 0, ZR_AUTO, ZD_AUTO); }
void cmd_zrangestore(st_client *c) { zrange_generic(c, 2, 1, ZR_AUTO, ZD_AUTO); }
void cmd_zrevrange(st_client *c) { zrange_generic(c, 1, 0, ZR_RANK, ZD_REV); }
void cmd_zrangebyscore(st_client *c) { zrange_generic(c, 1, 0, ZR_SCORE, ZD_FWD); }
void cmd_zrevrangebyscore(st_client *c) { zrange_generic(c, 1, 0, ZR_SCORE, ZD_REV); }
void cmd_zrangebylex(st_client *c) { zrange_generic(c, 1, 0, ZR_LEX, ZD_FWD); }
void cmd_zrevrangebylex(st_client *c) { zrange_generic(c, 1, 0, ZR_LEX, ZD_REV); }

void cmd_zcount(st_client *c) {
  zrange_spec r;
  if (zrange_parse(&c->argv[2], &c->argv[3], &r) != 0)
    return reply_error(&c->out, "%s", ERR_MINMAX_FLOAT);
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_ZERO);
  if (e == NULL) return;
  zobj z = zo_of(e);
  if (z.enc == ENC_SKIPLIST) return reply_int(&c->out, (long long)zset_count_range(z.p, &r));
  long long n = 0;
  for (zcur cur = zc_score_edge(&z, &r, 0); zc_ok(&cur) && in_max(&cur, &r); zc_next(&cur)) n++;
  reply_int(&c->out, n);
}

void cmd_zlexcount(st_client *c) {
  zlex_spec r;
  if (zlex_parse_args(&c->argv[2], &c->argv[3], &r) != 0)
    return reply_error(&c->out, "%s", ERR_MINMAX_LEX);
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_ZERO);
  if (e == NULL) return;
  zobj z = zo_of(e);
  if (z.enc == ENC_SKIPLIST) return reply_int(&c->out, (long long)zset_count_lex(z.p, &r));
  long long n = 0;
  for (zcur cur = zc_lex_edge(&z, &r, 0); zc_ok(&cur) && zc_lex_lte(&cur, &r); zc_next(&cur)) n++;
  reply_int(&c->out, n);
}

/* ZREMRANGEBYRANK / BYSCORE / BYLEX: one listpack call, or O(log n + m) skiplist deletion. */
static void zremrange_generic(st_client *c, int type) {
  long long start = 0, end = 0;
  zrange_spec range;
  zlex_spec lex;
  if (type == ZR_RANK) {
    if (arg_ll(c, 2, &start) != 0 || arg_ll(c, 3, &end) != 0) return;
  } else if (type == ZR_SCORE) {
    if (zrange_parse(&c->argv[2], &c->argv[3], &range) != 0)
      return reply_error(&c->out, "%s", ERR_MINMAX_FLOAT);
  } else if (zlex_parse_args(&c->argv[2], &c->argv[3], &lex) != 0) {
    return reply_error(&c->out, "%s", ERR_MINMAX_LEX);
  }
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_ZSET, &wrong);
  if (wrong) return;
  if (e == NULL) return reply_int(&c->out, 0);
  zobj z = zo_of(e);
  long long llen = (long long)zo_len(&z);
  if (type == ZR_RANK) {
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return reply_int(&c->out, 0);
    if (end >= llen) end = llen - 1;
  }
  long long removed = 0;
  if (z.enc == ENC_SKIPLIST) {
    if (type == ZR_RANK)
      removed = (long long)zset_delete_range_rank(z.p, (size_t)start, (size_t)end);
    else if (type == ZR_SCORE)
      removed = (long long)zset_delete_range_score(z.p, &range);
    else
      removed = (long long)zset_delete_range_lex(z.p, &lex);
  } else {
    long first = 0;
    if (type == ZR_RANK) {
      first = (long)start;
      removed = end - start + 1;
    } else {
      zcur cur = type == ZR_SCORE ? zc_score_edge(&z, &range, 0) : zc_lex_edge(&z, &lex, 0);
      if (zc_ok(&cur)) first = lp_index_of(z.p, cur.p) / 2;
      for (; zc_ok(&cur) && (type == ZR_SCORE ? in_max(&cur, &range) : zc_lex_lte(&cur, &lex));
           zc_next(&cur))
        removed++;
    }
    if (removed > 0) {
      uint8_t tier = z.tier;
      if (zzl_put(&z,
                  lp_delete_range(&c->st->mem, ST_ZSET, z.p, &tier, first * 2, (long)removed * 2),
                  &tier) != 0)
        return reply_oom(c);
    }
  }
  zset_commit(c, c->db, e, &z, removed);
  reply_int(&c->out, removed);
}

void cmd_zremrangebyrank(st_client *c) { zremrange_generic(c, ZR_RANK); }
void cmd_zremrangebyscore(st_client *c) { zremrange_generic(c, ZR_SCORE); }
void cmd_zremrangebylex(st_client *c) { zremrange_generic(c, ZR_LEX); }

/* ------------------------------------------------------------------------------ ZADD */

typedef struct zundo {
  zsl_node *n;
  double old;
  int added;
} zundo;

/* Apply the pairs from argument j on; -1 OOM (the caller restores), 0 NaN (error replied). */
static int zadd_apply(st_client *c, zobj *z, int priv, int j, int pairs, int flags,
                      long long *added, long long *updated, long long *processed, double *score,
                      zundo *undo, size_t *nundo) {
  for (int k = 0; k < pairs; k++) {
    double s;
    string2d((const char *)c->argv[j + 2 * k].ptr, c->argv[j + 2 * k].len, &s);
    const resp_arg *m = &c->argv[j + 2 * k + 1];
    zsl_node *n = NULL;
    double old = 0;
    if (undo != NULL) {
      n = zset_find(z->p, m->ptr, m->len);
      old = n ? n->score : 0;
    }
    int out;
    double ns = s;
    int r = zo_add(c->st, z, priv, s, m->ptr, m->len, flags, &out, &ns);
    if (r < 0) return -1;
    if (r == 0) {
      reply_error(&c->out, "ERR resulting score is not a number (NaN)");
      return 0;
    }
    if (undo != NULL && (out & ZA_UPDATED)) undo[(*nundo)++] = (zundo){ n, old, 0 };
    if (undo != NULL && (out & ZA_ADDED))
      undo[(*nundo)++] = (zundo){ zset_find(z->p, m->ptr, m->len), 0, 1 };
    if (out & ZA_ADDED) (*added)++;
    if (out & ZA_UPDATED) (*updated)++;
    if (!(out & ZA_NOP)) (*processed)++;
    *score = ns;
  }
  return 1;
}

static void zadd_generic(st_client *c, int flags) {
  st_store *st = c->st;
  int j = 2, ch = 0;
  for (; j < c->argc; j++) {
    if (arg_is(c, j, "nx"))
      flags |= ZA_NX;
    else if (arg_is(c, j, "xx"))
      flags |= ZA_XX;
    else if (arg_is(c, j, "ch"))
      ch = 1;
    else if (arg_is(c, j, "incr"))
      flags |= ZA_INCR;
    else if (arg_is(c, j, "gt"))
      flags |= ZA_GT;
    else if (arg_is(c, j, "lt"))
      flags |= ZA_LT;
    else
      break;
  }
  int nx = flags & ZA_NX, xx = flags & ZA_XX, gt = flags & ZA_GT, lt = flags & ZA_LT;
  int incr = flags & ZA_INCR, elements = c->argc - j;
  if (elements % 2 || elements == 0) return reply_error(&c->out, "%s", ERR_SYNTAX);
  int pairs = elements / 2;
  if (nx && xx)
    return reply_error(&c->out, "ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt))
    return reply_error(&c->out,
                       "ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && pairs > 1)
    return reply_error(&c->out, "ERR INCR option supports a single increment-element pair");
  for (int k = 0; k < pairs; k++) {
    double s;
    if (arg_double(c, j + 2 * k, &s) != 0) return;
  }
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_ZSET, &wrong);
  if (wrong) return;
  long long added = 0, updated = 0, processed = 0;
  double score = 0;
  if (e == NULL) {
    if (xx) goto reply;
    zobj z;
    if (zo_new_listpack(st, &z) != 0) return reply_oom(c);
    int r = zadd_apply(c, &z, 1, j, pairs, flags, &added, &updated, &processed, &score, NULL, NULL);
    if (r <= 0 ||
        db_add(c, c->db, c->argv[1].ptr, c->argv[1].len, ST_ZSET, z.enc, z.p, 0, z.tier) == NULL) {
      zo_free(st, &z);
      if (r != 0) reply_oom(c);
      return;
    }
    if (added > 1) store_dirty(c, (uint64_t)added - 1);
    goto reply;
  }
  zobj z = zo_of(e);
  if (z.enc == ENC_LISTPACK && pairs > 1) {
    zobj w;
    if (zzl_dup(st, &z, &w) != 0) return reply_oom(c);
    int r = zadd_apply(c, &w, 1, j, pairs, flags, &added, &updated, &processed, &score, NULL, NULL);
    if (r <= 0) {
      zo_free(st, &w);
      if (r < 0) reply_oom(c);
      return;
    }
    zo_free(st, &z);
    z = w;
  } else {
    zundo *undo = NULL;
    size_t nundo = 0;
    uint8_t utier = 0;
    if (z.enc == ENC_SKIPLIST && pairs > 1 &&
        (undo = coll_tmp_alloc(st, (size_t)pairs * 2 * sizeof *undo, &utier)) == NULL)
      return reply_oom(c);
    int r =
        zadd_apply(c, &z, 0, j, pairs, flags, &added, &updated, &processed, &score, undo, &nundo);
    if (r < 0 && undo != NULL) {
      while (nundo > 0) {
        zundo *u = &undo[--nundo];
        if (u->added)
          zset_delete_node(z.p, u->n);
        else
          zset_update(z.p, u->n, u->old);
      }
    }
    if (undo != NULL) coll_tmp_free(st, undo, (size_t)pairs * 2 * sizeof *undo, utier);
    zo_store(e, &z);
    if (r <= 0) {
      if (r < 0) reply_oom(c);
      return;
    }
  }
  zo_store(e, &z);
  if (added + updated > 0) key_modified(c, c->db, e);
  if (added + updated > 1) store_dirty(c, (uint64_t)(added + updated) - 1);
reply:
  if (incr) {
    if (processed)
      reply_double(&c->out, score);
    else
      reply_null_bulk(&c->out);
  } else {
    reply_int(&c->out, ch ? added + updated : added);
  }
}

void cmd_zadd(st_client *c) { zadd_generic(c, 0); }
void cmd_zincrby(st_client *c) { zadd_generic(c, ZA_INCR); }

/* ------------------------------------------------------------------------------ reads */

void cmd_zrem(st_client *c) {
  st_store *st = c->st;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_ZSET, &wrong);
  if (wrong) return;
  if (e == NULL) return reply_int(&c->out, 0);
  zobj z = zo_of(e), w = z;
  int priv = z.enc == ENC_LISTPACK && c->argc > 3;
  if (priv && zzl_dup(st, &z, &w) != 0) return reply_oom(c);
  long long n = 0;
  for (int i = 2; i < c->argc && zo_len(&w) > 0; i++) {
    int r = zo_del(st, &w, c->argv[i].ptr, c->argv[i].len);
    if (r < 0) {
      if (priv) zo_free(st, &w);
      return reply_oom(c);
    }
    n += r;
  }
  if (priv) zo_free(st, &z);
  zset_commit(c, c->db, e, &w, n);
  reply_int(&c->out, n);
}

void cmd_zcard(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_ZERO);
  if (e == NULL) return;
  zobj z = zo_of(e);
  reply_int(&c->out, (long long)zo_len(&z));
}

void cmd_zscore(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_NULL);
  if (e == NULL) return;
  zobj z = zo_of(e);
  double s;
  if (zo_score(&z, c->argv[2].ptr, c->argv[2].len, &s))
    reply_double(&c->out, s);
  else
    reply_null_bulk(&c->out);
}

void cmd_zmscore(st_client *c) {
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e != NULL && check_type(c, e, ST_ZSET)) return;
  zobj z = e ? zo_of(e) : (zobj){ 0 };
  reply_array(&c->out, c->argc - 2);
  for (int i = 2; i < c->argc; i++) {
    double s;
    if (e != NULL && zo_score(&z, c->argv[i].ptr, c->argv[i].len, &s))
      reply_double(&c->out, s);
    else
      reply_null_bulk(&c->out);
  }
}

static void zrank_generic(st_client *c, int reverse) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_NULL);
  if (e == NULL) return;
  zobj z = zo_of(e);
  long long r = zo_rank(&z, c->argv[2].ptr, c->argv[2].len, reverse);
  if (r < 0) return reply_null_bulk(&c->out);
  reply_int(&c->out, r);
}

void cmd_zrank(st_client *c) { zrank_generic(c, 0); }
void cmd_zrevrank(st_client *c) { zrank_generic(c, 1); }

/* ------------------------------------------------------------------------------ pops */

void zset_pop_reply(st_client *c, st_db *db, st_entry *e, int max, long count, int form) {
  zobj z = zo_of(e);
  size_t len = zo_len(&z), n = (size_t)count < len ? (size_t)count : len;
  reply_pos pos;
  reply_mark(&c->out, &pos);
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  if (form == ZPOP_REPLY_FLAT) {
    reply_array(&c->out, (long)(n * 2));
  } else if (form == ZPOP_REPLY_KEYED) {
    reply_array(&c->out, (long)(n * 2 + 1));
    reply_bulk(&c->out, key, klen);
  } else {
    reply_array(&c->out, 2);
    reply_bulk(&c->out, key, klen);
    reply_array(&c->out, (long)n);
  }
  zcur cur = zc_edge(&z, max);
  for (size_t i = 0; i < n; i++, zc_move(&cur, max)) {
    zmem m;
    zc_member(&cur, &m);
    if (form == ZPOP_REPLY_MPOP) reply_array(&c->out, 2);
    reply_bulk(&c->out, m.s, m.len);
    reply_double(&c->out, zc_score(&cur));
  }
  if (z.enc == ENC_LISTPACK) {
    uint8_t tier = z.tier;
    long first = max ? (long)(len - n) * 2 : 0;
    if (zzl_put(&z, lp_delete_range(&c->st->mem, ST_ZSET, z.p, &tier, first, (long)n * 2), &tier) !=
        0) {
      reply_truncate(&c->out, &pos);
      return reply_oom(c);
    }
  } else {
    for (size_t i = 0; i < n; i++) zset_delete_node(z.p, max ? zset_last(z.p) : zset_first(z.p));
  }
  zset_commit(c, db, e, &z, (long long)n);
}

static void zpop_generic(st_client *c, int max) {
  long long count = -1;
  if (c->argc > 3) return reply_error(&c->out, "%s", ERR_SYNTAX);
  if (c->argc == 3 && arg_ll_range(c, 2, 0, LONG_MAX, &count, ERR_POSITIVE) != 0) return;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_ZSET, &wrong);
  if (wrong) return;
  if (e == NULL || count == 0) return reply_array(&c->out, 0);
  zset_pop_reply(c, c->db, e, max, count < 0 ? 1 : (long)count, ZPOP_REPLY_FLAT);
}

void cmd_zpopmin(st_client *c) { zpop_generic(c, 0); }
void cmd_zpopmax(st_client *c) { zpop_generic(c, 1); }

int zset_mpop_args(st_client *c, int numkeys_idx, long *numkeys, int *max, long *count) {
  long long nk, cnt = -1;
  if (arg_ll_range(c, numkeys_idx, 1, LONG_MAX, &nk, "ERR numkeys should be greater than 0") != 0)
    return -1;
  if (nk >= c->argc - numkeys_idx - 1) { /* checked before adding: numkeys may be LONG_MAX */
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return -1;
  }
  long long where = numkeys_idx + nk + 1;
  if (where >= c->argc) {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return -1;
  }
  if (arg_is(c, (int)where, "min")) {
    *max = 0;
  } else if (arg_is(c, (int)where, "max")) {
    *max = 1;
  } else {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return -1;
  }
  for (int j = (int)where + 1; j < c->argc; j++) {
    int more = c->argc - 1 - j;
    if (cnt == -1 && arg_is(c, j, "count") && more) {
      j++;
      if (arg_ll_range(c, j, 1, LONG_MAX, &cnt, "ERR count should be greater than 0") != 0)
        return -1;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return -1;
    }
  }
  *numkeys = (long)nk;
  *count = cnt == -1 ? 1 : (long)cnt;
  return 0;
}

void cmd_zmpop(st_client *c) {
  long numkeys, count;
  int max;
  if (zset_mpop_args(c, 1, &numkeys, &max, &count) != 0) return;
  for (long i = 0; i < numkeys; i++) {
    st_entry *e = lookup_write(c, &c->argv[2 + i]);
    if (e == NULL) continue;
    if (check_type(c, e, ST_ZSET)) return;
    return zset_pop_reply(c, c->db, e, max, count, ZPOP_REPLY_MPOP);
  }
  reply_null_array(&c->out);
}
