/* sort.c - SORT and SORT_RO: the elements of a list, set or sorted set, ordered by themselves
 * or by other keys (BY pattern, hash fields with "->"), with GET, LIMIT, ASC/DESC, ALPHA and
 * STORE, as Redis 7.0.15's sortCommandGeneric does them.
 *
 * The elements are loaded into one temporary array (pointers into the sorted value, integers
 * rendered into the item), scored, sorted with qsort (O(N log N)), then replied or stored as a
 * new list. Nothing is written before the last step, so an OOM leaves the keyspace as it was.
 * Pointers into other keys' values stay valid for the whole command: lookups only expire keys
 * lazily, and the clock is fixed while a command runs, so a key seen alive stays alive.
 *
 * As Redis, a listpack sorted set becomes a skiplist when it is sorted (even by SORT_RO): its
 * OBJECT ENCODING, ZSCAN order and score text change with it. */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "listpack.h"
#include "store.h"
#include "util.h"
#include "zsl.h"

/* Items move while qsort sorts them: text held in an item's own buffer is found through the
 * accessors, never through a stored pointer. */
typedef struct sort_item {
  const unsigned char *s; /* the element (NULL: in ibuf) */
  size_t len;
  const unsigned char *by; /* ALPHA BY: the value compared (NULL: in bybuf, or none) */
  size_t bylen;
  double score;
  uint8_t has_by;
  char ibuf[STR_INTBUF]; /* an integer element's text */
  char bybuf[STR_INTBUF];
} sort_item;

static const unsigned char *item_s(const sort_item *it) {
  return it->s ? it->s : (const unsigned char *)it->ibuf;
}
static const unsigned char *item_by(const sort_item *it) {
  if (!it->has_by) return NULL;
  return it->by ? it->by : (const unsigned char *)it->bybuf;
}

typedef struct sort_ctx {
  int desc, alpha, by_pattern, store;
} sort_ctx;

/* ------------------------------------------------------------------------------ patterns */

/* Redis reads patterns as C strings: they end at the first NUL byte. */
static size_t cstr_len(const resp_arg *a) {
  const unsigned char *nul = memchr(a->ptr, 0, a->len);
  return nul ? (size_t)(nul - a->ptr) : a->len;
}

static int has_star(const resp_arg *a) { return memchr(a->ptr, '*', cstr_len(a)) != NULL; }

/* Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
 * by the element, and "->field" after it reads a hash field instead of a string. 1 with the
 * value's bytes in *out, or 0 when there is none (no '*', missing key, wrong type). */
static int lookup_pattern(st_client *c, const resp_arg *pat, const unsigned char *elem, size_t elen,
                          int write, st_bytes *out) {
  size_t clen = cstr_len(pat);
  if (clen == 1 && pat->ptr[0] == '#') {
    out->s = elem;
    out->len = elen;
    return 1;
  }
  const unsigned char *star = memchr(pat->ptr, '*', clen);
  if (star == NULL) return 0;
  size_t prefix = (size_t)(star - pat->ptr);
  const unsigned char *field = NULL;
  size_t flen = 0;
  for (const unsigned char *p = star + 1; p + 1 < pat->ptr + clen; p++) {
    if (p[0] == '-' && p[1] == '>') {
      if (p + 2 < pat->ptr + clen) {
        field = p + 2;
        flen = pat->len - (size_t)(field - pat->ptr);
      }
      break;
    }
  }
  size_t postfix = pat->len - prefix - 1 - (field ? flen + 2 : 0);
  size_t klen = prefix + elen + postfix;
  uint8_t tier;
  unsigned char stack[128], *key = stack;
  if (klen > sizeof stack && (key = coll_tmp_alloc(c->st, klen, &tier)) == NULL) return 0;
  memcpy(key, pat->ptr, prefix);
  memcpy(key + prefix, elem, elen);
  memcpy(key + prefix + elen, star + 1, postfix);
  resp_arg k = { .ptr = key, .len = klen };
  /* SORT ... STORE looks the pattern's keys up as writes (Redis's lookupKeyWrite: no hit or miss
   * counted) but only reads them: no snapshot hook. */
  st_entry *e = write ? lookup_overwrite(c, &k) : lookup_read(c, &k);
  if (key != stack) coll_tmp_free(c->st, key, klen, tier);
  if (e == NULL) return 0;
  if (field != NULL) return entry_type(e) == ST_HASH && hash_field(e, field, flen, out);
  if (entry_type(e) != ST_STRING) return 0;
  out->s = str_bytes(e, out->buf, &out->len);
  return 1;
}

/* ------------------------------------------------------------------------------ loading */

typedef struct loader {
  sort_item *v;
  size_t n, cap;
} loader;

static void item_set(sort_item *it, const unsigned char *s, size_t len, int transient) {
  if (transient) memcpy(it->ibuf, s, len); /* an integer: at most 20 bytes */
  it->s = transient ? NULL : s;
  it->len = len;
  it->by = NULL;
  it->bylen = 0;
  it->has_by = 0;
  it->score = 0;
}

static int load_one(void *ctx, const unsigned char *s, size_t len, int transient) {
  loader *l = ctx;
  if (l->n == l->cap) return 1;
  item_set(&l->v[l->n++], s, len, transient);
  return 0;
}

static size_t zset_length(const st_entry *e) {
  if (entry_enc(e) == ENC_LISTPACK) return lp_length(e->val) / 2;
  return zset_len(e->val);
}

/* Members of a sorted set from rank `start`, ascending or descending. */
static void zset_load(const st_entry *e, size_t start, int desc, loader *l) {
  if (entry_enc(e) == ENC_LISTPACK) {
    const unsigned char *lp = e->val;
    long len = (long)lp_length(lp) / 2;
    long rank = desc ? len - 1 - (long)start : (long)start;
    for (; rank >= 0 && rank < len && l->n < l->cap; rank += desc ? -1 : 1) {
      lp_val v;
      char buf[LP_INTBUF];
      uint32_t n;
      lp_get(lp_seek(lp, rank * 2), &v);
      const unsigned char *s = lp_val_bytes(&v, buf, &n);
      load_one(l, s, n, v.is_int);
    }
    return;
  }
  const zset *z = e->val;
  for (zsl_node *n = zset_by_rank(z, start, desc); n != NULL && l->n < l->cap;
       n = desc ? zsl_prev(n) : zsl_next(n)) {
    size_t mlen;
    const unsigned char *m = zsl_member(n, &mlen);
    load_one(l, m, mlen, 0);
  }
}

/* ------------------------------------------------------------------------------ order */

/* Redis's compareStringObjects: bytes, then length. */
static int cmp_binary(const unsigned char *a, size_t al, const unsigned char *b, size_t bl) {
  int r = memcmp(a, b, al < bl ? al : bl);
  if (r != 0) return r;
  return al < bl ? -1 : al > bl;
}

/* strcoll in the C / C.UTF-8 locale: byte order up to the first NUL. */
static int cmp_coll(const unsigned char *a, size_t al, const unsigned char *b, size_t bl) {
  size_t i = 0;
  for (;; i++) {
    unsigned ca = i < al ? a[i] : 0, cb = i < bl ? b[i] : 0;
    if (ca != cb) return ca < cb ? -1 : 1;
    if (ca == 0) return 0;
  }
}

static int sort_cmp(const void *x, const void *y, void *arg) {
  const sort_item *a = x, *b = y;
  const sort_ctx *sc = arg;
  int r;
  if (!sc->alpha) {
    if (a->score != b->score)
      r = a->score > b->score ? 1 : -1;
    else
      r = cmp_binary(item_s(a), a->len, item_s(b), b->len);
  } else if (sc->by_pattern) {
    const unsigned char *ab = item_by(a), *bb = item_by(b);
    if (ab == NULL || bb == NULL)
      r = ab == bb ? 0 : ab == NULL ? -1 : 1;
    else
      r = sc->store ? cmp_binary(ab, a->bylen, bb, b->bylen) : cmp_coll(ab, a->bylen, bb, b->bylen);
  } else {
    r = sc->store ? cmp_binary(item_s(a), a->len, item_s(b), b->len)
                  : cmp_coll(item_s(a), a->len, item_s(b), b->len);
  }
  return sc->desc ? -r : r;
}

/* Redis scores with strtod over the C string: it must be consumed entirely, in range, not NaN. */
static int parse_score(st_store *st, const unsigned char *s, size_t len, double *out) {
  const unsigned char *nul = memchr(s, 0, len);
  if (nul != NULL) len = (size_t)(nul - s);
  char stack[128], *buf = stack;
  uint8_t tier;
  if (len + 1 > sizeof stack && (buf = coll_tmp_alloc(st, len + 1, &tier)) == NULL) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  char *end;
  errno = 0;
  *out = strtod(buf, &end);
  int ok = *end == '\0' && errno != ERANGE && !isnan(*out);
  if (buf != stack) coll_tmp_free(st, buf, len + 1, tier);
  return ok ? 0 : -1;
}

/* ------------------------------------------------------------------------------ the command */

typedef struct sort_args {
  sort_ctx sc;
  int dontsort;
  long long limit_start, limit_count;
  const resp_arg *by, *store;
  const resp_arg **gets;
  size_t ngets;
} sort_args;

static int parse_args(st_client *c, int readonly, sort_args *a) {
  for (int j = 2; j < c->argc; j++) {
    int left = c->argc - j - 1;
    if (arg_is(c, j, "asc")) {
      a->sc.desc = 0;
    } else if (arg_is(c, j, "desc")) {
      a->sc.desc = 1;
    } else if (arg_is(c, j, "alpha")) {
      a->sc.alpha = 1;
    } else if (arg_is(c, j, "limit") && left >= 2) {
      if (arg_ll(c, j + 1, &a->limit_start) != 0 || arg_ll(c, j + 2, &a->limit_count) != 0)
        return -1;
      j += 2;
    } else if (arg_is(c, j, "store") && left >= 1 && !readonly) {
      a->store = &c->argv[++j];
    } else if (arg_is(c, j, "by") && left >= 1) {
      a->by = &c->argv[++j];
      /* A pattern without '*' names no key per element: nothing to sort by. */
      if (!has_star(a->by)) a->dontsort = 1;
    } else if (arg_is(c, j, "get") && left >= 1) {
      a->gets[a->ngets++] = &c->argv[++j];
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return -1;
    }
  }
  return 0;
}

/* The output: element or GET values per item in [start, end], replied or stored. */
static void emit(st_client *c, const sort_args *a, sort_item *v, long start, long end) {
  st_store *st = c->st;
  long items = end - start + 1;
  size_t per = a->ngets ? a->ngets : 1, outlen = items > 0 ? (size_t)items * per : 0;
  int write = a->store != NULL;
  if (!write) {
    reply_array(&c->out, (long)outlen);
    for (long j = start; j <= end; j++) {
      if (!a->ngets) reply_bulk(&c->out, item_s(&v[j]), v[j].len);
      for (size_t g = 0; g < a->ngets; g++) {
        st_bytes b;
        if (lookup_pattern(c, a->gets[g], item_s(&v[j]), v[j].len, 0, &b))
          reply_bulk(&c->out, b.s, b.len);
        else
          reply_null_bulk(&c->out);
      }
    }
    return;
  }
  if (outlen == 0) {
    st_entry *d = lookup_overwrite(c, a->store);
    if (d != NULL) db_delete_entry(c, c->db, d);
    reply_int(&c->out, 0);
    return;
  }
  /* Pointers and lengths of every output value; an integer rendered by a GET needs its own
   * copy, so each output slot has a st_bytes. */
  size_t size = outlen * (sizeof(st_bytes) + sizeof(const unsigned char *) + sizeof(size_t));
  uint8_t tier;
  st_bytes *vals = coll_tmp_alloc(st, size, &tier);
  if (vals == NULL) return reply_oom(c);
  const unsigned char **ptrs = (const unsigned char **)(vals + outlen);
  size_t *lens = (size_t *)(ptrs + outlen);
  size_t k = 0;
  for (long j = start; j <= end; j++) {
    if (!a->ngets) {
      vals[k].s = item_s(&v[j]);
      vals[k].len = v[j].len;
      k++;
    }
    for (size_t g = 0; g < a->ngets; g++, k++) {
      if (!lookup_pattern(c, a->gets[g], item_s(&v[j]), v[j].len, 1, &vals[k])) {
        vals[k].s = (const unsigned char *)"";
        vals[k].len = 0;
      }
    }
  }
  for (size_t i = 0; i < outlen; i++) {
    /* A value rendered into its slot's buffer points at it (the array did not move). */
    ptrs[i] = vals[i].s;
    lens[i] = vals[i].len;
  }
  if (list_store(c, a->store, outlen, ptrs, lens) == NULL)
    reply_oom(c);
  else
    reply_int(&c->out, (long long)outlen);
  coll_tmp_free(st, vals, size, tier);
}

static void sort_generic(st_client *c, int readonly) {
  st_store *st = c->st;
  sort_args a;
  memset(&a, 0, sizeof a);
  a.limit_count = -1;
  size_t gsize = (size_t)c->argc * sizeof *a.gets;
  uint8_t gtier, vtier = TM_DRAM;
  a.gets = coll_tmp_alloc(st, gsize, &gtier);
  if (a.gets == NULL) return reply_oom(c);
  sort_item *v = NULL;
  size_t vsize = 0;
  if (parse_args(c, readonly, &a) != 0) goto done;
  st_entry *e = lookup_read(c, &c->argv[1]);
  unsigned type = e ? entry_type(e) : ST_LIST;
  if (e != NULL && type != ST_LIST && type != ST_SET && type != ST_ZSET) {
    reply_error(&c->out, "%s", ERR_WRONGTYPE);
    goto done;
  }
  /* A stored result must not depend on a set's internal order: sort it instead. */
  if (a.dontsort && type == ST_SET && a.store != NULL) {
    a.dontsort = 0;
    a.sc.alpha = 1;
    a.by = NULL;
  }
  if (e != NULL && type == ST_ZSET && zset_convert_skiplist(st, e) != 0) {
    reply_oom(c);
    goto done;
  }
  long len = e == NULL         ? 0
             : type == ST_LIST ? (long)list_length(e)
             : type == ST_SET  ? (long)set_length(e)
                               : (long)zset_length(e);
  long vlen = len;
  /* Redis's LIMIT clamping. */
  long start = a.limit_start < 0 ? 0 : a.limit_start > len ? len : (long)a.limit_start;
  long count = a.limit_count < -1 ? -1 : a.limit_count > len ? len : (long)a.limit_count;
  long end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  int ranged = (type == ST_LIST || type == ST_ZSET) && a.dontsort;
  if (ranged && (start != 0 || end != len - 1)) vlen = end - start + 1;
  vsize = (size_t)(vlen > 0 ? vlen : 0) * sizeof *v;
  v = coll_tmp_alloc(st, vsize, &vtier);
  if (v == NULL) {
    reply_oom(c);
    goto done;
  }
  loader l = { v, 0, (size_t)(vlen > 0 ? vlen : 0) };
  if (e != NULL && vlen > 0) {
    if (ranged) {
      if (type == ST_LIST)
        list_each(st, e, a.sc.desc ? len - start - 1 : start, !a.sc.desc, load_one, &l);
      else
        zset_load(e, (size_t)start, a.sc.desc, &l);
      end -= start;
      start = 0;
    } else if (type == ST_LIST) {
      list_each(st, e, 0, 1, load_one, &l);
    } else if (type == ST_SET) {
      set_each(e, load_one, &l);
    } else {
      zset_load(e, 0, 0, &l);
    }
  }
  int bad_score = 0;
  if (!a.dontsort) {
    a.sc.by_pattern = a.by != NULL;
    a.sc.store = a.store != NULL;
    for (size_t j = 0; j < l.n; j++) {
      st_bytes b;
      if (a.by != NULL) {
        if (!lookup_pattern(c, a.by, item_s(&v[j]), v[j].len, a.store != NULL, &b)) continue;
      } else {
        b.s = item_s(&v[j]);
        b.len = v[j].len;
      }
      if (a.sc.alpha) {
        if (a.by == NULL) continue;
        int own = b.s == (const unsigned char *)b.buf;
        if (own) memcpy(v[j].bybuf, b.buf, b.len);
        v[j].by = own ? NULL : b.s;
        v[j].bylen = b.len;
        v[j].has_by = 1;
      } else if (parse_score(st, b.s, b.len, &v[j].score) != 0) {
        bad_score = 1;
      }
    }
    qsort_r(v, l.n, sizeof *v, sort_cmp, &a.sc);
  }
  if (bad_score)
    reply_error(&c->out, "ERR One or more scores can't be converted into double");
  else
    emit(c, &a, v, start, end);
done:
  if (v != NULL) coll_tmp_free(st, v, vsize, vtier);
  coll_tmp_free(st, a.gets, gsize, gtier);
}

void cmd_sort(st_client *c) { sort_generic(c, 0); }
void cmd_sort_ro(st_client *c) { sort_generic(c, 1); }
