/* t_zset_ops.c - sorted-set commands over several keys or random picks: ZUNION ZINTER ZDIFF and
 * their STORE forms, ZINTERCARD, ZRANDMEMBER, ZSCAN. Redis 7.0.15's zunionInterDiffGenericCommand,
 * zrandmemberWithCountCommand and scanGenericCommand are the specification.
 *
 * Inputs may be sets (each member with score 1). Results are built in a private skiplist zset
 * (an aggregate updates a member's node in place), then replied in order, or stored: a STORE
 * result becomes a listpack again when it fits the limits, as Redis converts it. OOM while
 * building frees the partial result: nothing changed. */
#include <limits.h>
#include <math.h>

#include "t_zset.h"
#include "util.h"

/* ------------------------------------------------------------------------------ inputs */

typedef struct zsrc {
  st_entry *e; /* NULL: a missing key (empty) */
  double weight;
  size_t len;
} zsrc;

static int src_is_set(const zsrc *s) { return s->e != NULL && entry_type(s->e) == ST_SET; }

static size_t src_len(const st_entry *e) {
  if (e == NULL) return 0;
  if (entry_type(e) == ST_SET) return set_card(e);
  zobj z = zo_of(e);
  return zo_len(&z);
}

/* The member's score in src (sets: 1). */
static int src_find(const zsrc *s, const unsigned char *m, size_t len, double *score) {
  if (s->e == NULL) return 0;
  if (src_is_set(s)) {
    *score = 1.0;
    return set_has_member(s->e, m, len);
  }
  zobj z = zo_of(s->e);
  return zo_score(&z, m, len, score);
}

typedef int zsrc_fn(void *ctx, const unsigned char *m, size_t len, double score);

typedef struct set_adapter {
  zsrc_fn *fn;
  void *ctx;
} set_adapter;

static int set_member_cb(void *ctx, const unsigned char *s, size_t len) {
  set_adapter *a = ctx;
  return a->fn(a->ctx, s, len, 1.0);
}

/* Every member of src in its order; fn returns non-zero to stop. */
static void src_each(const zsrc *s, zsrc_fn *fn, void *ctx) {
  if (s->e == NULL) return;
  if (src_is_set(s)) {
    set_adapter a = { fn, ctx };
    return set_each_member(s->e, set_member_cb, &a);
  }
  zobj z = zo_of(s->e);
  for (zcur c = zc_edge(&z, 0); zc_ok(&c); zc_next(&c)) {
    zmem m;
    zc_member(&c, &m);
    if (fn(ctx, m.s, m.len, zc_score(&c)) != 0) return;
  }
}

/* ------------------------------------------------------------------------------ algebra */

enum { AGG_SUM, AGG_MIN, AGG_MAX };
enum { OP_UNION, OP_INTER, OP_DIFF };

static void aggregate(double *target, double val, int agg) {
  if (agg == AGG_SUM) {
    *target += val;
    if (isnan(*target)) *target = 0.0; /* inf + -inf: Redis's convention */
  } else if (agg == AGG_MIN) {
    *target = val < *target ? val : *target;
  } else {
    *target = val > *target ? val : *target;
  }
}

typedef struct algebra {
  st_store *st;
  zsrc *src;
  long n;
  int agg, oom, card_only;
  long long limit, card;
  const zsrc *cur; /* the input being walked */
  zobj acc;        /* the result (a skiplist) */
} algebra;

static int union_cb(void *ctx, const unsigned char *m, size_t len, double score) {
  algebra *a = ctx;
  score *= a->cur->weight;
  if (isnan(score)) score = 0;
  zset *zs = a->acc.p;
  zsl_node *n = zset_find(zs, m, len);
  if (n == NULL) {
    if (zset_insert(zs, m, len, score) == NULL) a->oom = 1;
  } else {
    double t = n->score;
    aggregate(&t, score, a->agg);
    zset_update(zs, n, t);
  }
  return a->oom;
}

static int inter_cb(void *ctx, const unsigned char *m, size_t len, double score) {
  algebra *a = ctx;
  double s = score * a->src[0].weight, v;
  if (isnan(s)) s = 0;
  for (long j = 1; j < a->n; j++) {
    if (a->src[j].e == a->src[0].e)
      v = score;
    else if (!src_find(&a->src[j], m, len, &v))
      return 0;
    aggregate(&s, v * a->src[j].weight, a->agg);
  }
  if (a->card_only) {
    a->card++;
    return a->limit != 0 && a->card >= a->limit;
  }
  if (zset_insert(a->acc.p, m, len, s) == NULL) a->oom = 1;
  return a->oom;
}

static int diff_cb(void *ctx, const unsigned char *m, size_t len, double score) {
  algebra *a = ctx;
  double v;
  for (long j = 1; j < a->n; j++)
    if (a->src[j].e == a->src[0].e || src_find(&a->src[j], m, len, &v)) return 0;
  if (zset_insert(a->acc.p, m, len, score) == NULL) a->oom = 1;
  return a->oom;
}

/* zunionInterDiffGenericCommand: numkeys at argv[nk], keys after it, then the options. */
static void algebra_generic(st_client *c, int nk, const resp_arg *dst, int op, int card_only) {
  st_store *st = c->st;
  long long setnum;
  if (arg_ll(c, nk, &setnum) != 0) return;
  if (setnum < 1)
    return reply_error(&c->out, "ERR at least 1 input key is needed for '%s' command",
                       c->cmd->name);
  if (setnum > c->argc - (nk + 1)) return reply_error(&c->out, "%s", ERR_SYNTAX);
  uint8_t tier;
  size_t bytes = (size_t)setnum * sizeof(zsrc);
  zsrc *src = coll_tmp_alloc(st, bytes, &tier);
  if (src == NULL) return reply_oom(c);
  int j = nk + 1;
  for (long i = 0; i < setnum; i++, j++) {
    st_entry *e = lookup_read(c, &c->argv[j]);
    if (e != NULL && entry_type(e) != ST_ZSET && entry_type(e) != ST_SET) {
      coll_tmp_free(st, src, bytes, tier);
      return reply_error(&c->out, "%s", ERR_WRONGTYPE);
    }
    src[i] = (zsrc){ e, 1.0, src_len(e) };
  }
  int agg = AGG_SUM, withscores = 0;
  long long limit = 0;
  for (int remaining = c->argc - j; remaining > 0;) {
    if (op != OP_DIFF && !card_only && remaining >= setnum + 1 && arg_is(c, j, "weights")) {
      j++;
      remaining--;
      for (long i = 0; i < setnum; i++, j++, remaining--)
        if (!string2d((const char *)c->argv[j].ptr, c->argv[j].len, &src[i].weight)) {
          coll_tmp_free(st, src, bytes, tier);
          return reply_error(&c->out, "ERR weight value is not a float");
        }
    } else if (op != OP_DIFF && !card_only && remaining >= 2 && arg_is(c, j, "aggregate")) {
      j++;
      if (arg_is(c, j, "sum")) {
        agg = AGG_SUM;
      } else if (arg_is(c, j, "min")) {
        agg = AGG_MIN;
      } else if (arg_is(c, j, "max")) {
        agg = AGG_MAX;
      } else {
        coll_tmp_free(st, src, bytes, tier);
        return reply_error(&c->out, "%s", ERR_SYNTAX);
      }
      j++;
      remaining -= 2;
    } else if (remaining >= 1 && dst == NULL && !card_only && arg_is(c, j, "withscores")) {
      j++;
      remaining--;
      withscores = 1;
    } else if (card_only && remaining >= 2 && arg_is(c, j, "limit")) {
      if (arg_ll_range(c, j + 1, 0, LLONG_MAX, &limit, "ERR LIMIT can't be negative") != 0) {
        coll_tmp_free(st, src, bytes, tier);
        return;
      }
      j += 2;
      remaining -= 2;
    } else {
      coll_tmp_free(st, src, bytes, tier);
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  /* Smallest first (a stable insertion sort: the order of equal sizes decides the order of
   * floating point additions, as Redis's qsort over the same input does). */
  if (op != OP_DIFF)
    for (long i = 1; i < setnum; i++)
      for (long k = i; k > 0 && src[k - 1].len > src[k].len; k--) {
        zsrc t = src[k];
        src[k] = src[k - 1];
        src[k - 1] = t;
      }
  algebra a = { st, src, (long)setnum, agg, 0, card_only, limit, 0, NULL, { 0 } };
  if (!card_only && zo_new_skiplist(st, &a.acc) != 0) {
    coll_tmp_free(st, src, bytes, tier);
    return reply_oom(c);
  }
  if (op == OP_UNION) {
    for (long i = 0; i < setnum && !a.oom; i++) {
      a.cur = &src[i];
      src_each(&src[i], union_cb, &a);
    }
  } else if (op == OP_INTER) {
    if (src[0].len > 0) src_each(&src[0], inter_cb, &a);
  } else {
    src_each(&src[0], diff_cb, &a);
  }
  coll_tmp_free(st, src, bytes, tier);
  if (a.oom) {
    zo_free(st, &a.acc);
    return reply_oom(c);
  }
  if (card_only) return reply_int(&c->out, a.card);
  if (dst != NULL) {
    zo_maybe_to_listpack(st, &a.acc);
    return zo_store_result(c, dst, &a.acc);
  }
  zset *zs = a.acc.p;
  reply_array(&c->out, (long)(zset_len(zs) * (withscores ? 2 : 1)));
  for (zsl_node *n = zset_first(zs); n != NULL; n = zsl_next(n)) {
    size_t len;
    const unsigned char *m = zsl_member(n, &len);
    reply_bulk(&c->out, m, len);
    if (withscores) reply_double(&c->out, n->score);
  }
  zo_free(st, &a.acc);
}

void cmd_zunion(st_client *c) { algebra_generic(c, 1, NULL, OP_UNION, 0); }
void cmd_zinter(st_client *c) { algebra_generic(c, 1, NULL, OP_INTER, 0); }
void cmd_zdiff(st_client *c) { algebra_generic(c, 1, NULL, OP_DIFF, 0); }
void cmd_zunionstore(st_client *c) { algebra_generic(c, 2, &c->argv[1], OP_UNION, 0); }
void cmd_zinterstore(st_client *c) { algebra_generic(c, 2, &c->argv[1], OP_INTER, 0); }
void cmd_zdiffstore(st_client *c) { algebra_generic(c, 2, &c->argv[1], OP_DIFF, 0); }
void cmd_zintercard(st_client *c) { algebra_generic(c, 1, NULL, OP_INTER, 1); }

/* ------------------------------------------------------------------------------ ZRANDMEMBER */

#define ZRANDMEMBER_SUB_STRATEGY_MUL 3

/* A uniformly random element. */
static zcur random_elem(const zobj *z) {
  zcur c = { z, NULL, NULL };
  if (z->enc == ENC_LISTPACK)
    c.p = lp_seek(z->p, (long)(dict_rand64() % zo_len(z)) * 2);
  else
    c.n = (zsl_node *)dict_random(&((zset *)z->p)->members);
  return c;
}

static void reply_elem(st_client *c, const zcur *cur, int withscores) {
  zmem m;
  zc_member(cur, &m);
  reply_bulk(&c->out, m.s, m.len);
  if (withscores) reply_double(&c->out, zc_score(cur));
}

static void zrandmember_count(st_client *c, long long l, int withscores) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  zobj z = zo_of(e);
  size_t size = zo_len(&z);
  int uniq = l >= 0;
  unsigned long long count = uniq ? (unsigned long long)l : (unsigned long long)-l;
  if (count == 0) return reply_array(&c->out, 0);
  if (!uniq || count == 1) { /* case 1: repetitions allowed */
    reply_array(&c->out, (long)(count * (withscores ? 2 : 1)));
    for (unsigned long long i = 0; i < count && !c->out.oom; i++) {
      zcur cur = random_elem(&z);
      reply_elem(c, &cur, withscores);
    }
    return;
  }
  if (count >= size) { /* case 2: the whole zset, from the highest (Redis's zui iterators) */
    reply_array(&c->out, (long)(size * (withscores ? 2 : 1)));
    for (zcur cur = zc_edge(&z, 1); zc_ok(&cur); zc_prev(&cur)) reply_elem(c, &cur, withscores);
    return;
  }
  if (z.enc == ENC_LISTPACK || count * ZRANDMEMBER_SUB_STRATEGY_MUL > size) {
    /* case 3: one ordered pass choosing count of size (selection sampling) */
    reply_array(&c->out, (long)(count * (withscores ? 2 : 1)));
    size_t need = (size_t)count, left = size;
    for (zcur cur = zc_edge(&z, 0); need > 0 && zc_ok(&cur); zc_next(&cur), left--)
      if (dict_rand64() % left < need) {
        need--;
        reply_elem(c, &cur, withscores);
      }
    return;
  }
  /* case 4: distinct random picks, O(count) */
  uint8_t tier;
  dict_node **picks = coll_random_unique(c->st, &((zset *)z.p)->members, (size_t)count, &tier);
  if (picks == NULL) return reply_oom(c);
  reply_array(&c->out, (long)(count * (withscores ? 2 : 1)));
  for (size_t i = 0; i < count; i++) {
    zcur cur = { &z, NULL, (zsl_node *)picks[i] };
    reply_elem(c, &cur, withscores);
  }
  coll_tmp_free(c->st, picks, (size_t)count * sizeof *picks, tier);
}

void cmd_zrandmember(st_client *c) {
  if (c->argc >= 3) {
    long long l;
    if (arg_ll(c, 2, &l) != 0) return;
    if (l == LLONG_MIN)
      return reply_error(&c->out, "ERR value is out of range, value must between "
                                  "-9223372036854775807 and 9223372036854775807");
    int withscores = c->argc == 4;
    if (c->argc > 4 || (withscores && !arg_is(c, 3, "withscores")))
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    if (withscores && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2))
      return reply_error(&c->out, "ERR value is out of range");
    return zrandmember_count(c, l, withscores);
  }
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_ZSET, MISS_NULL);
  if (e == NULL) return;
  zobj z = zo_of(e);
  zcur cur = random_elem(&z);
  reply_elem(c, &cur, 0);
}

/* ------------------------------------------------------------------------------ ZSCAN */

static const unsigned char *zscan_member(const void *node, size_t *len) {
  return zsl_member(node, len);
}

void cmd_zscan(st_client *c) {
  uint64_t cursor;
  long long count;
  const resp_arg *pat;
  st_entry *e = coll_scan_begin(c, ST_ZSET, &cursor, &count, &pat);
  if (e == NULL) return;
  zobj z = zo_of(e);
  if (z.enc == ENC_LISTPACK) { /* everything at once, cursor 0, scores as stored (as Redis) */
    size_t k = 0;
    unsigned char *lp = z.p;
    for (zcur cur = zc_edge(&z, 0); zc_ok(&cur); zc_next(&cur)) {
      zmem m;
      zc_member(&cur, &m);
      k += coll_scan_match(pat, m.s, m.len);
    }
    coll_reply_cursor(c, 0);
    reply_array(&c->out, (long)k * 2);
    for (zcur cur = zc_edge(&z, 0); zc_ok(&cur); zc_next(&cur)) {
      zmem m, s;
      zc_member(&cur, &m);
      if (!coll_scan_match(pat, m.s, m.len)) continue;
      reply_bulk(&c->out, m.s, m.len);
      lp_val v;
      uint32_t n;
      lp_get(lp_next(lp, cur.p), &v);
      s.s = lp_val_bytes(&v, s.buf, &n);
      reply_bulk(&c->out, s.s, n);
    }
    return;
  }
  coll_vec found = { 0 };
  zset *zs = z.p;
  if (coll_scan_dict(c, &zs->members, &cursor, count, 1, 2, pat, zscan_member, &found) != 0) return;
  for (size_t i = 0; i < found.n; i++) {
    const zsl_node *n = found.v[i];
    size_t len;
    const unsigned char *m = zsl_member(n, &len);
    reply_bulk(&c->out, m, len);
    /* ld2string(LD_STR_AUTO): "%.17Lg" of the same value prints what "%.17g" does */
    reply_double(&c->out, n->score);
  }
  coll_vec_free(c->st, &found);
}
