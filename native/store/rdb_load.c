/* rdb_load.c - the RDB reader: untrusted bytes to values (RESTORE) and whole files loaded in
 * bounded steps (start-up). See rdb.h for what is accepted. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc64.h"
#include "entry.h"
#include "intset.h"
#include "listpack.h"
#include "lzf.h"
#include "quicklist.h"
#include "rdb.h"
#include "rdb_fill.h"
#include "util.h"
#include "zsl.h"

/* ------------------------------------------------------------------------------ primitives */

void rdb_in_init(rdb_in *in, st_store *st, const void *data, size_t len) {
  memset(in, 0, sizeof *in);
  in->st = st;
  in->base = in->p = data;
  in->end = in->base + len;
}

void rdb_in_free(rdb_in *in) {
  for (int i = 0; i < 3; i++)
    if (in->scratch[i] != NULL)
      sm_free(&in->st->mem, SM_STORE, TM_CAT_OTHER, in->scratch[i], in->scratch_cap[i],
              in->scratch_tier[i]);
  memset(in->scratch, 0, sizeof in->scratch);
}

int rdb_in_fail(rdb_in *in, const char *why) {
  if (in->err == NULL) {
    in->err = why;
    in->err_off = (size_t)(in->p - in->base);
  }
  in->p = in->end;
  return -1;
}

static const char *const TRUNCATED = "unexpected end of file";
/* A SELECTDB beyond the configured databases (loader_error words it as Redis does). */
static const char DB_BEYOND[] = "db index beyond the configured databases";

static int need(rdb_in *in, size_t n) {
  if (in->err != NULL) return -1;
  if ((size_t)(in->end - in->p) < n) return rdb_in_fail(in, TRUNCATED);
  return 0;
}

int rdb_get_byte(rdb_in *in, unsigned *out) {
  if (need(in, 1) != 0) return -1;
  *out = *in->p++;
  return 0;
}

static uint64_t le(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static int get_le(rdb_in *in, int n, uint64_t *out) {
  if (need(in, (size_t)n) != 0) return -1;
  *out = le(in->p, n);
  in->p += n;
  return 0;
}

int rdb_get_len(rdb_in *in, uint64_t *len, int *special) {
  unsigned b;
  if (rdb_get_byte(in, &b) != 0) return -1;
  *special = 0;
  switch (b >> 6) {
    case 0: *len = b & 0x3f; return 0;
    case 1: {
      unsigned c;
      if (rdb_get_byte(in, &c) != 0) return -1;
      *len = ((uint64_t)(b & 0x3f) << 8) | c;
      return 0;
    }
    case 2: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0) return rdb_in_fail(in, "invalid length encoding");
      if (need(in, (size_t)n) != 0) return -1;
      uint64_t v = 0;
      for (int i = 0; i < n; i++) v = (v << 8) | in->p[i];
      in->p += n;
      *len = v;
      return 0;
    }
    default:
      *special = 1;
      *len = b & 0x3f;
      return 0;
  }
}

/* A plain length (no special encoding allowed). */
static int get_count(rdb_in *in, uint64_t *n) {
  int special;
  if (rdb_get_len(in, n, &special) != 0) return -1;
  if (special) return rdb_in_fail(in, "invalid length encoding");
  return 0;
}

static unsigned char *scratch(rdb_in *in, int slot, size_t n) {
  if (n == 0) n = 1;
  if (in->scratch_cap[slot] >= n) return in->scratch[slot];
  sm *m = &in->st->mem;
  if (in->scratch[slot] != NULL)
    sm_free(m, SM_STORE, TM_CAT_OTHER, in->scratch[slot], in->scratch_cap[slot],
            in->scratch_tier[slot]);
  in->scratch[slot] = sm_alloc(m, SM_STORE, TM_CAT_OTHER, n, &in->scratch_tier[slot]);
  in->scratch_cap[slot] = in->scratch[slot] ? n : 0;
  return in->scratch[slot];
}

int rdb_get_string(rdb_in *in, int slot, rdb_str *out) {
  uint64_t len;
  int special;
  if (rdb_get_len(in, &len, &special) != 0) return -1;
  if (!special) {
    if (need(in, len) != 0) return -1;
    out->s = in->p;
    out->len = (size_t)len;
    in->p += len;
    return 0;
  }
  if (len <= 2) { /* C0, C1, C2: an integer */
    int n = 1 << len;
    uint64_t u;
    if (get_le(in, n, &u) != 0) return -1;
    long long v = n == 1 ? (int8_t)u : n == 2 ? (int16_t)u : (int32_t)u;
    unsigned char *b = scratch(in, slot, LONG_STR_SIZE);
    if (b == NULL) return rdb_in_fail(in, "out of memory");
    out->len = (size_t)ll2string((char *)b, LONG_STR_SIZE, v);
    out->s = b;
    return 0;
  }
  if (len != 3) return rdb_in_fail(in, "unknown string encoding");
  uint64_t clen, ulen;
  if (get_count(in, &clen) != 0 || get_count(in, &ulen) != 0) return -1;
  if (need(in, clen) != 0) return -1;
  if (ulen > UINT32_MAX || ulen == 0) return rdb_in_fail(in, "invalid LZF string length");
  unsigned char *b = scratch(in, slot, ulen);
  if (b == NULL) return rdb_in_fail(in, "out of memory");
  if (lzf_decompress(in->p, clen, b, ulen) != ulen) return rdb_in_fail(in, "invalid LZF data");
  in->p += clen;
  out->s = b;
  out->len = (size_t)ulen;
  return 0;
}

/* ------------------------------------------------------------------------------ elements */

/* One element of a collection being rebuilt: bytes, and the integer when it is one. */
typedef struct elem {
  const unsigned char *s;
  size_t len;
  char buf[LP_INTBUF];
} elem;

static void elem_int(elem *x, int64_t v) {
  x->len = lp_ll2str(v, x->buf);
  x->s = (const unsigned char *)x->buf;
}

static void elem_lp(elem *x, const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int) return elem_int(x, v.ll);
  x->s = v.s;
  x->len = v.len;
}

/* ------------------------------------------------------------------------------ builders */

/* A list: a quicklist, handed back as a plain listpack when it ends up one node. Elements are
 * pushed by Redis's rules (types 1 and 10); quicklist payloads (14, 18) keep their nodes. */
typedef struct list_b {
  st_store *st;
  quicklist *ql;
} list_b;

static int list_begin(list_b *b, st_store *st) {
  b->st = st;
  b->ql = ql_new(&st->mem, ql_fill(st->cfg.list_max_listpack_size));
  return b->ql ? 0 : -1;
}

static int list_add(list_b *b, const unsigned char *s, size_t len) {
  if (len > UINT32_MAX) return -1;
  return ql_push(&b->st->mem, b->ql, QL_TAIL, s, (uint32_t)len);
}

/* A quicklist node from a payload as it is (listpack validated, or a ziplist's elements): a
 * copy appended as the tail node. An empty one is skipped, as Redis does. */
static int list_add_node(list_b *b, const unsigned char *lp, size_t len) {
  if (lp_length(lp) == 0) return 0;
  uint8_t tier;
  unsigned char *copy = sm_alloc(&b->st->mem, ST_LIST, TM_CAT_DATA, len, &tier);
  if (copy == NULL) return -1;
  memcpy(copy, lp, len);
  if (ql_append_lp(&b->st->mem, b->ql, copy, tier) == 0) return 0;
  lp_free(&b->st->mem, ST_LIST, copy, tier);
  return -1;
}

/* A ziplist's elements appended to a listpack (Redis converts a type-14 node so). */
static int lp_sink(void *ctx, const elem *x) {
  void **a = ctx; /* { st, lp, tier } */
  st_store *st = a[0];
  unsigned char *lp = lp_append(&st->mem, ST_LIST, a[1], a[2], x->s, (uint32_t)x->len);
  if (lp == NULL) return 1; /* not -1: that is ziplist_each's "invalid" */
  a[1] = lp;
  return 0;
}

static int list_finish(list_b *b, st_entry *tmp) {
  uint8_t tier;
  if (b->ql->count == 0) {
    ql_free(&b->st->mem, b->ql);
    return 1;
  }
  if (b->ql->len == 1 && !b->ql->head->plain) {
    int fill = b->ql->fill;
    unsigned char *lp = ql_release_lp(&b->st->mem, b->ql, &tier);
    if (lp != NULL) {
      tmp->val = lp;
      tmp->meta = (ST_LIST << 4) | ENC_LISTPACK;
      tmp->vlen = (uint32_t)(fill + 6); /* t_list.c's list_fill: the fill it was made with */
      entry_set_val_tier(tmp, tier);
      return 0;
    }
  }
  tmp->val = b->ql;
  tmp->meta = (ST_LIST << 4) | ENC_QUICKLIST;
  entry_set_val_tier(tmp, b->ql->self_tier);
  return 0;
}

/* A set: intset while every member is an integer and few, then a listpack while small, then
 * a hashtable. Duplicates are an error (Redis: "Duplicate set members detected"). */
typedef struct set_b {
  st_store *st;
  unsigned enc;
  void *val;
  uint8_t tier;
  uint64_t expect;
} set_b;

enum { B_OK = 0, B_OOM = -1, B_DUP = -2, B_BAD = -3 };

static void set_drop(set_b *b) {
  st_entry tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.val = b->val;
  tmp.meta = (ST_SET << 4) | b->enc;
  entry_set_val_tier(&tmp, b->tier);
  if (b->val) obj_free(b->st, &tmp);
  b->val = NULL;
}

static int set_begin(set_b *b, st_store *st, uint64_t n) {
  b->st = st;
  b->expect = n;
  const st_config *cfg = &st->cfg;
  if (n <= (uint64_t)cfg->set_max_intset_entries) {
    b->enc = ENC_INTSET;
    b->val = is_new(&st->mem, ST_SET, &b->tier);
  } else if (n <= (uint64_t)cfg->set_max_listpack_entries) {
    b->enc = ENC_LISTPACK;
    b->val = lp_new(&st->mem, ST_SET, &b->tier);
  } else {
    b->enc = ENC_HASHTABLE;
    if (set_ht_create(st, n, &b->val, &b->tier) != 0) b->val = NULL;
  }
  return b->val ? 0 : -1;
}

/* Move every member into a new value of encoding `to`. */
static int set_convert(set_b *b, unsigned to) {
  st_store *st = b->st;
  void *nv = NULL;
  uint8_t nt;
  if (to == ENC_LISTPACK)
    nv = lp_new(&st->mem, ST_SET, &nt);
  else if (set_ht_create(st, b->expect, &nv, &nt) != 0)
    nv = NULL;
  if (nv == NULL) return B_OOM;
  elem x;
  int ok = 1;
  if (b->enc == ENC_INTSET) {
    int64_t v;
    for (uint32_t i = 0; ok && is_get(b->val, i, &v); i++) {
      elem_int(&x, v);
      if (to == ENC_LISTPACK) {
        unsigned char *l = lp_append_int(&st->mem, ST_SET, nv, &nt, v);
        if (l == NULL)
          ok = 0;
        else
          nv = l;
      } else {
        ok = set_ht_insert(st, nv, x.s, x.len) >= 0;
      }
    }
  } else {
    for (unsigned char *p = lp_first(b->val); ok && p != NULL; p = lp_next(b->val, p)) {
      elem_lp(&x, p);
      ok = set_ht_insert(st, nv, x.s, x.len) >= 0;
    }
  }
  set_drop(b);
  b->val = nv;
  b->enc = to;
  b->tier = nt;
  if (!ok) return B_OOM;
  return B_OK;
}

static int set_add(set_b *b, const unsigned char *s, size_t len) {
  st_store *st = b->st;
  const st_config *cfg = &st->cfg;
  int64_t v;
  if (b->enc == ENC_INTSET) {
    if (lp_str2ll(s, len, &v)) {
      int added;
      unsigned char *is = is_add(&st->mem, ST_SET, b->val, &b->tier, v, &added);
      if (is == NULL) return B_OOM;
      b->val = is;
      return added ? B_OK : B_DUP;
    }
    int r = set_convert(b, b->expect <= (uint64_t)cfg->set_max_listpack_entries &&
                                   len <= (uint64_t)cfg->set_max_listpack_value
                               ? ENC_LISTPACK
                               : ENC_HASHTABLE);
    if (r != B_OK) return r;
  }
  if (b->enc == ENC_LISTPACK) {
    if (len > (uint64_t)cfg->set_max_listpack_value ||
        lp_length(b->val) >= (uint64_t)cfg->set_max_listpack_entries) {
      int r = set_convert(b, ENC_HASHTABLE);
      if (r != B_OK) return r;
    } else {
      if (lp_find(b->val, lp_first(b->val), s, (uint32_t)len, 0) != NULL) return B_DUP;
      unsigned char *l = lp_append(&st->mem, ST_SET, b->val, &b->tier, s, (uint32_t)len);
      if (l == NULL) return B_OOM;
      b->val = l;
      return B_OK;
    }
  }
  int r = set_ht_insert(st, b->val, s, len);
  return r < 0 ? B_OOM : r == 0 ? B_DUP : B_OK;
}

static int set_finish(set_b *b, st_entry *tmp) {
  size_t n = b->enc == ENC_INTSET     ? is_len(b->val)
             : b->enc == ENC_LISTPACK ? lp_length(b->val)
                                      : set_ht_size(b->val);
  if (n == 0) {
    set_drop(b);
    return 1;
  }
  tmp->val = b->val;
  tmp->meta = (ST_SET << 4) | b->enc;
  entry_set_val_tier(tmp, b->tier);
  return 0;
}

/* A hash: listpack while small, else a hashtable. Duplicate fields are an error. */
typedef struct hash_b {
  st_store *st;
  unsigned enc;
  void *val;
  uint8_t tier;
  uint64_t expect;
} hash_b;

static void hash_drop(hash_b *b) {
  st_entry tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.val = b->val;
  tmp.meta = (ST_HASH << 4) | b->enc;
  entry_set_val_tier(&tmp, b->tier);
  if (b->val) obj_free(b->st, &tmp);
  b->val = NULL;
}

static int hash_begin(hash_b *b, st_store *st, uint64_t n) {
  b->st = st;
  b->expect = n;
  if (n <= (uint64_t)st->cfg.hash_max_listpack_entries) {
    b->enc = ENC_LISTPACK;
    b->val = lp_new(&st->mem, ST_HASH, &b->tier);
  } else {
    b->enc = ENC_HASHTABLE;
    if (hash_ht_create(st, n, &b->val, &b->tier) != 0) b->val = NULL;
  }
  return b->val ? 0 : -1;
}

static int hash_to_ht(hash_b *b) {
  void *nv;
  uint8_t nt;
  if (hash_ht_create(b->st, b->expect, &nv, &nt) != 0) return B_OOM;
  int ok = 1;
  for (unsigned char *p = lp_first(b->val); ok && p != NULL;
       p = lp_next(b->val, lp_next(b->val, p))) {
    elem f, v;
    elem_lp(&f, p);
    elem_lp(&v, lp_next(b->val, p));
    ok = hash_ht_insert(b->st, nv, f.s, f.len, v.s, v.len) >= 0;
  }
  hash_drop(b);
  b->val = nv;
  b->tier = nt;
  b->enc = ENC_HASHTABLE;
  return ok ? B_OK : B_OOM;
}

static int hash_add(hash_b *b, const unsigned char *f, size_t flen, const unsigned char *v,
                    size_t vlen) {
  st_store *st = b->st;
  if (b->enc == ENC_LISTPACK) {
    uint64_t maxv = (uint64_t)st->cfg.hash_max_listpack_value;
    if (flen > maxv || vlen > maxv ||
        lp_length(b->val) / 2 >= (uint64_t)st->cfg.hash_max_listpack_entries) {
      int r = hash_to_ht(b);
      if (r != B_OK) return r;
    } else {
      if (lp_find(b->val, lp_first(b->val), f, (uint32_t)flen, 1) != NULL) return B_DUP;
      unsigned char *l = lp_append(&st->mem, ST_HASH, b->val, &b->tier, f, (uint32_t)flen);
      if (l == NULL) return B_OOM;
      b->val = l;
      l = lp_append(&st->mem, ST_HASH, b->val, &b->tier, v, (uint32_t)vlen);
      if (l == NULL) {
        /* Take the field back out so the listpack stays in pairs. */
        unsigned char *last = lp_last(b->val);
        unsigned char *r = lp_delete(&st->mem, ST_HASH, b->val, &b->tier, last, NULL);
        if (r != NULL) b->val = r;
        return B_OOM;
      }
      b->val = l;
      return B_OK;
    }
  }
  int r = hash_ht_insert(st, b->val, f, flen, v, vlen);
  return r < 0 ? B_OOM : r == 0 ? B_DUP : B_OK;
}

static int hash_finish(hash_b *b, st_entry *tmp) {
  size_t n = b->enc == ENC_LISTPACK ? lp_length(b->val) : hash_ht_size(b->val);
  if (n == 0) {
    hash_drop(b);
    return 1;
  }
  tmp->val = b->val;
  tmp->meta = (ST_HASH << 4) | b->enc;
  entry_set_val_tier(tmp, b->tier);
  return 0;
}

/* A zset: listpack (member, score; ordered by score then member, scores written as Redis's
 * zzlInsertAt writes them) while small, else a skiplist. Duplicate members and NaN scores are errors. */
typedef struct zset_b {
  st_store *st;
  unsigned enc;
  void *val;
  uint8_t tier;
} zset_b;

static void zset_drop(zset_b *b) {
  st_entry tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.val = b->val;
  tmp.meta = (ST_ZSET << 4) | b->enc;
  entry_set_val_tier(&tmp, b->tier);
  if (b->val) obj_free(b->st, &tmp);
  b->val = NULL;
}

static void *skiplist_new(st_store *st, uint8_t *tier) {
  zset *z = sm_alloc(&st->mem, ST_ZSET, TM_CAT_METADATA, sizeof *z, tier);
  if (z == NULL) return NULL;
  if (zset_init(z, &st->mem) != 0) {
    sm_free(&st->mem, ST_ZSET, TM_CAT_METADATA, z, sizeof *z, *tier);
    return NULL;
  }
  return z;
}

static int zset_begin(zset_b *b, st_store *st, uint64_t n) {
  b->st = st;
  if (n <= (uint64_t)st->cfg.zset_max_listpack_entries) {
    b->enc = ENC_LISTPACK;
    b->val = lp_new(&st->mem, ST_ZSET, &b->tier);
  } else {
    b->enc = ENC_SKIPLIST;
    b->val = skiplist_new(st, &b->tier);
  }
  return b->val ? 0 : -1;
}

static double lp_score(const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int) return (double)v.ll;
  char buf[MAX_D2STRING_CHARS];
  size_t n = v.len < sizeof buf - 1 ? v.len : sizeof buf - 1;
  memcpy(buf, v.s, n);
  buf[n] = '\0';
  return strtod(buf, NULL);
}

static int zset_to_skiplist(zset_b *b) {
  uint8_t nt;
  zset *z = skiplist_new(b->st, &nt);
  if (z == NULL) return B_OOM;
  int ok = 1;
  for (unsigned char *p = lp_first(b->val); ok && p != NULL;
       p = lp_next(b->val, lp_next(b->val, p))) {
    elem m;
    elem_lp(&m, p);
    ok = zset_insert(z, m.s, m.len, lp_score(lp_next(b->val, p))) != NULL;
  }
  zset_drop(b);
  b->val = z;
  b->tier = nt;
  b->enc = ENC_SKIPLIST;
  return ok ? B_OK : B_OOM;
}

static int zb_add(zset_b *b, const unsigned char *m, size_t len, double score) {
  st_store *st = b->st;
  if (isnan(score)) return B_BAD;
  if (b->enc == ENC_LISTPACK) {
    if (len > (uint64_t)st->cfg.zset_max_listpack_value ||
        lp_length(b->val) / 2 >= (uint64_t)st->cfg.zset_max_listpack_entries) {
      int r = zset_to_skiplist(b);
      if (r != B_OK) return r;
    } else {
      unsigned char *lp = b->val;
      if (lp_find(lp, lp_first(lp), m, (uint32_t)len, 1) != NULL) return B_DUP;
      /* The first pair that sorts after (score, m): insert before it. */
      unsigned char *at = NULL;
      for (unsigned char *p = lp_first(lp); p != NULL; p = lp_next(lp, lp_next(lp, p))) {
        elem x;
        elem_lp(&x, p);
        if (zsl_cmp(lp_score(lp_next(lp, p)), x.s, x.len, score, m, len) > 0) {
          at = p;
          break;
        }
      }
      /* As zzlInsertAt writes a score: integral values (-0 included: "0") as integers. */
      char sb[MAX_D2STRING_CHARS];
      long long ll;
      int sl =
          double2ll(score, &ll) ? ll2string(sb, sizeof sb, ll) : d2string(sb, sizeof sb, score);
      unsigned char *np, *l;
      if (at == NULL) {
        l = lp_append(&st->mem, ST_ZSET, lp, &b->tier, m, (uint32_t)len);
        if (l == NULL) return B_OOM;
        b->val = l;
        l = lp_append(&st->mem, ST_ZSET, b->val, &b->tier, (unsigned char *)sb, (uint32_t)sl);
        if (l == NULL) {
          unsigned char *r = lp_delete(&st->mem, ST_ZSET, b->val, &b->tier, lp_last(b->val), NULL);
          if (r != NULL) b->val = r;
          return B_OOM;
        }
      } else {
        /* Score first, then the member before it: both land before `at`. */
        l = lp_insert(&st->mem, ST_ZSET, lp, &b->tier, (unsigned char *)sb, (uint32_t)sl, at,
                      LP_BEFORE, &np);
        if (l == NULL) return B_OOM;
        b->val = l;
        l = lp_insert(&st->mem, ST_ZSET, b->val, &b->tier, m, (uint32_t)len, np, LP_BEFORE, NULL);
        if (l == NULL) {
          unsigned char *r = lp_delete(&st->mem, ST_ZSET, b->val, &b->tier, np, NULL);
          if (r != NULL) b->val = r;
          return B_OOM;
        }
      }
      b->val = l;
      return B_OK;
    }
  }
  zset *z = b->val;
  if (zset_find(z, m, len) != NULL) return B_DUP;
  return zset_insert(z, m, len, score) ? B_OK : B_OOM;
}

static int zset_finish(zset_b *b, st_entry *tmp) {
  size_t n = b->enc == ENC_LISTPACK ? lp_length(b->val) : zset_len(b->val);
  if (n == 0) {
    zset_drop(b);
    return 1;
  }
  tmp->val = b->val;
  tmp->meta = (ST_ZSET << 4) | b->enc;
  entry_set_val_tier(tmp, b->tier);
  return 0;
}

/* ------------------------------------------------------------------------------ blobs */

/* Walk a ziplist (Redis's old compact list), validating every entry: fn gets each element.
 * 0, or -1 (malformed) / the callback's non-zero result. */
typedef int elem_fn(void *ctx, const elem *x);

static int ziplist_each(const unsigned char *zl, size_t size, elem_fn *fn, void *ctx) {
  if (size < 11 || le(zl, 4) != size || le(zl + 4, 4) >= size || zl[size - 1] != 0xFF) return -1;
  uint64_t declared = le(zl + 8, 2), count = 0;
  const unsigned char *p = zl + 10, *end = zl + size - 1;
  while (p < end) {
    /* prevlen */
    if (*p == 0xFE) {
      if (end - p < 5) return -1;
      p += 5;
    } else {
      p += 1;
    }
    if (p >= end) return -1;
    unsigned enc = *p;
    elem x;
    size_t hdr, dlen = 0;
    int is_int = 1;
    int64_t v = 0;
    if ((enc >> 6) == 0) {
      hdr = 1, dlen = enc & 0x3f, is_int = 0;
    } else if ((enc >> 6) == 1) {
      if (end - p < 2) return -1;
      hdr = 2, dlen = ((size_t)(enc & 0x3f) << 8) | p[1], is_int = 0;
    } else if (enc == 0x80) {
      if (end - p < 5) return -1;
      hdr = 5, dlen = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
      is_int = 0;
    } else {
      hdr = 1;
      size_t n = enc == 0xC0   ? 2
                 : enc == 0xD0 ? 4
                 : enc == 0xE0 ? 8
                 : enc == 0xF0 ? 3
                 : enc == 0xFE ? 1
                               : 0;
      if (n == 0 && enc >= 0xF1 && enc <= 0xFD) {
        v = (int64_t)(enc & 0x0f) - 1;
      } else if (n == 0) {
        return -1;
      } else {
        if ((size_t)(end - p) < 1 + n) return -1;
        uint64_t u = le(p + 1, (int)n);
        v = n == 1   ? (int8_t)u
            : n == 2 ? (int16_t)u
            : n == 4 ? (int32_t)u
            : n == 3 ? ((int32_t)(u << 8) >> 8)
                     : (int64_t)u;
        dlen = n;
      }
    }
    if ((size_t)(end - p) < hdr + dlen) return -1;
    if (is_int) {
      elem_int(&x, v);
    } else {
      x.s = p + hdr;
      x.len = dlen;
    }
    p += hdr + dlen;
    count++;
    int r = fn(ctx, &x);
    if (r != 0) return r;
  }
  if (declared != 0xFFFF && declared != count) return -1;
  return 0;
}

/* Walk a zipmap (hashes before Redis 2.6): fn gets field, value, field, value... */
static int zipmap_each(const unsigned char *zm, size_t size, elem_fn *fn, void *ctx) {
  if (size < 2 || zm[size - 1] != 0xFF) return -1;
  const unsigned char *p = zm + 1, *end = zm + size;
  for (;;) {
    if (p >= end) return -1;
    if (*p == 0xFF) return p == end - 1 ? 0 : -1;
    for (int part = 0; part < 2; part++) {
      size_t len;
      if (p >= end) return -1;
      if (*p < 254) {
        len = *p++;
      } else if (*p == 254) {
        if (end - p < 5) return -1;
        len = (size_t)le(p + 1, 4);
        p += 5;
      } else {
        return -1;
      }
      size_t free_bytes = 0;
      if (part == 1) {
        if (p >= end) return -1;
        free_bytes = *p++;
      }
      if ((size_t)(end - p) < len + free_bytes) return -1;
      elem x = { .s = p, .len = len };
      int r = fn(ctx, &x);
      if (r != 0) return r;
      p += len + free_bytes;
    }
  }
}

static int listpack_each(const unsigned char *lp, elem_fn *fn, void *ctx) {
  for (unsigned char *p = lp_first(lp); p != NULL; p = lp_next(lp, p)) {
    elem x;
    elem_lp(&x, p);
    int r = fn(ctx, &x);
    if (r != 0) return r;
  }
  return 0;
}

/* Element sinks for the blob walkers: lists take elements, hashes and zsets pairs. */
typedef struct sink {
  int kind; /* ST_LIST, ST_SET, ST_HASH, ST_ZSET */
  list_b *l;
  set_b *s;
  hash_b *h;
  zset_b *z;
  int half;             /* a pair's first half is held in `first` */
  unsigned char *first; /* a copy (the walker's bytes may be rendered into a stack buffer) */
  size_t first_len, first_cap;
  uint8_t first_tier;
  st_store *st;
} sink;

static int sink_elem(void *ctx, const elem *x) {
  sink *k = ctx;
  if (k->kind == ST_LIST) return list_add(k->l, x->s, x->len) == 0 ? 0 : B_OOM;
  if (k->kind == ST_SET) return set_add(k->s, x->s, x->len);
  if (!k->half) {
    if (k->first_cap < x->len + 1) {
      if (k->first)
        sm_free(&k->st->mem, SM_STORE, TM_CAT_OTHER, k->first, k->first_cap, k->first_tier);
      k->first_cap = x->len + 1;
      k->first = sm_alloc(&k->st->mem, SM_STORE, TM_CAT_OTHER, k->first_cap, &k->first_tier);
      if (k->first == NULL) {
        k->first_cap = 0;
        return B_OOM;
      }
    }
    memcpy(k->first, x->s, x->len);
    k->first_len = x->len;
    k->half = 1;
    return 0;
  }
  k->half = 0;
  if (k->kind == ST_HASH) return hash_add(k->h, k->first, k->first_len, x->s, x->len);
  char buf[MAX_D2STRING_CHARS];
  double d;
  size_t n = x->len < sizeof buf - 1 ? x->len : sizeof buf - 1;
  memcpy(buf, x->s, n);
  buf[n] = '\0';
  if (!string2d(buf, n, &d)) return B_BAD;
  return zb_add(k->z, k->first, k->first_len, d);
}

static void sink_done(sink *k) {
  if (k->first) sm_free(&k->st->mem, SM_STORE, TM_CAT_OTHER, k->first, k->first_cap, k->first_tier);
  k->first = NULL;
}

static int builder_fail(rdb_in *in, int r) {
  return rdb_in_fail(in, r == B_OOM   ? "out of memory"
                         : r == B_DUP ? "duplicate member or field in a collection"
                                      : "invalid element in a collection");
}

/* A copy of a validated blob as the value's own data block. */
static void *adopt(st_store *st, unsigned owner, const rdb_str *b, uint8_t *tier) {
  void *p = sm_alloc(&st->mem, owner, TM_CAT_DATA, b->len, tier);
  if (p != NULL) memcpy(p, b->s, b->len);
  return p;
}

/* ------------------------------------------------------------------------------ values */

int rdb_type_known(int t) {
  return (t >= RDB_TYPE_STRING && t <= RDB_TYPE_ZSET_2) ||
         (t >= RDB_TYPE_HASH_ZIPMAP && t <= RDB_TYPE_LIST_QUICKLIST_2 &&
          t != RDB_TYPE_STREAM_LISTPACKS);
}

static int load_list(rdb_in *in, int type, st_entry *tmp) {
  st_store *st = in->st;
  list_b b;
  if (list_begin(&b, st) != 0) return rdb_in_fail(in, "out of memory");
  sink k = { .kind = ST_LIST, .l = &b, .st = st };
  uint64_t n = 1;
  int r = 0;
  if (type != RDB_TYPE_LIST_ZIPLIST && get_count(in, &n) != 0) goto fail;
  for (uint64_t i = 0; i < n; i++) {
    rdb_str s;
    if (type == RDB_TYPE_LIST) {
      if (rdb_get_string(in, 1, &s) != 0) goto fail;
      if (list_add(&b, s.s, s.len) != 0) {
        r = B_OOM;
        goto bad;
      }
      continue;
    }
    uint64_t container = 2;
    if (type == RDB_TYPE_LIST_QUICKLIST_2 && get_count(in, &container) != 0) goto fail;
    if (rdb_get_string(in, 1, &s) != 0) goto fail;
    if (type == RDB_TYPE_LIST_QUICKLIST_2 && container == 1) { /* a plain node, kept plain */
      if (s.len == 0 || s.len > UINT32_MAX) {
        rdb_in_fail(in, "invalid plain quicklist node");
        goto fail;
      }
      if (ql_append_plain(&st->mem, b.ql, s.s, (uint32_t)s.len) != 0) {
        r = B_OOM;
        goto bad;
      }
      continue;
    }
    if (type == RDB_TYPE_LIST_QUICKLIST_2) {
      if (container != 2) {
        rdb_in_fail(in, "unknown quicklist node container");
        goto fail;
      }
      if (!lp_validate(s.s, s.len, 1)) {
        rdb_in_fail(in, "invalid listpack in a quicklist node");
        goto fail;
      }
      r = list_add_node(&b, s.s, s.len) == 0 ? 0 : B_OOM;
    } else if (type == RDB_TYPE_LIST_QUICKLIST) {
      uint8_t tier;
      unsigned char *lp = lp_new(&st->mem, ST_LIST, &tier);
      if (lp == NULL) {
        r = B_OOM;
        goto bad;
      }
      void *ctx[3] = { st, lp, &tier };
      int zr = ziplist_each(s.s, s.len, lp_sink, ctx);
      lp = ctx[1];
      r = zr == 0 && list_add_node(&b, lp, lp_bytes(lp)) != 0 ? B_OOM : 0;
      lp_free(&st->mem, ST_LIST, lp, tier);
      if (zr == -1) {
        rdb_in_fail(in, "invalid ziplist");
        goto fail;
      }
      if (zr != 0) r = B_OOM;
    } else {
      r = ziplist_each(s.s, s.len, sink_elem, &k);
      if (r == -1) {
        rdb_in_fail(in, "invalid ziplist");
        goto fail;
      }
    }
    if (r != 0) goto bad;
  }
  return list_finish(&b, tmp);
bad:
  builder_fail(in, r);
fail:
  ql_free(&st->mem, b.ql);
  return -1;
}

static int load_set(rdb_in *in, int type, st_entry *tmp) {
  st_store *st = in->st;
  set_b b;
  int r;
  if (type == RDB_TYPE_SET_INTSET) {
    rdb_str s;
    if (rdb_get_string(in, 1, &s) != 0) return -1;
    if (!is_validate(s.s, s.len)) return rdb_in_fail(in, "invalid intset");
    uint32_t n = is_len(s.s);
    if (n <= (uint64_t)st->cfg.set_max_intset_entries) {
      uint8_t tier;
      void *v = adopt(st, ST_SET, &s, &tier);
      if (v == NULL) return rdb_in_fail(in, "out of memory");
      tmp->val = v;
      tmp->meta = (ST_SET << 4) | ENC_INTSET;
      entry_set_val_tier(tmp, tier);
      return 0;
    }
    if (set_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
    int64_t v;
    for (uint32_t i = 0; is_get(s.s, i, &v); i++) {
      elem x;
      elem_int(&x, v);
      if ((r = set_add(&b, x.s, x.len)) != B_OK) goto bad;
    }
    return set_finish(&b, tmp);
  }
  uint64_t n;
  if (get_count(in, &n) != 0) return -1;
  if (set_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
  for (uint64_t i = 0; i < n; i++) {
    rdb_str s;
    if (rdb_get_string(in, 1, &s) != 0) {
      set_drop(&b);
      return -1;
    }
    if ((r = set_add(&b, s.s, s.len)) != B_OK) goto bad;
  }
  return set_finish(&b, tmp);
bad:
  set_drop(&b);
  return builder_fail(in, r);
}

static int load_hash(rdb_in *in, int type, st_entry *tmp) {
  st_store *st = in->st;
  hash_b b;
  int r = 0;
  if (type == RDB_TYPE_HASH) {
    uint64_t n;
    if (get_count(in, &n) != 0) return -1;
    if (hash_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
      rdb_str f, v;
      if (rdb_get_string(in, 1, &f) != 0 || rdb_get_string(in, 2, &v) != 0) {
        hash_drop(&b);
        return -1;
      }
      if ((r = hash_add(&b, f.s, f.len, v.s, v.len)) != B_OK) {
        hash_drop(&b);
        return builder_fail(in, r);
      }
    }
    return hash_finish(&b, tmp);
  }
  rdb_str s;
  if (rdb_get_string(in, 1, &s) != 0) return -1;
  if (type == RDB_TYPE_HASH_LISTPACK) {
    if (!lp_validate(s.s, s.len, 1) || lp_length(s.s) % 2 != 0)
      return rdb_in_fail(in, "invalid listpack");
    uint32_t n = lp_length(s.s) / 2;
    if (n == 0) return 1;
    /* Redis 7.0.15 converts a listpack hash on its entry count only: a value longer than
     * hash-max-listpack-value stays in the listpack (RESTORE then OBJECT ENCODING: listpack). */
    if (n <= (uint64_t)st->cfg.hash_max_listpack_entries) {
      /* Adopt it as it is, once it has no duplicate fields. */
      for (unsigned char *p = lp_first(s.s); p != NULL; p = lp_next(s.s, lp_next(s.s, p))) {
        elem f;
        elem_lp(&f, p);
        unsigned char *q = lp_next(s.s, lp_next(s.s, p));
        if (q != NULL && lp_find(s.s, q, f.s, (uint32_t)f.len, 1) != NULL)
          return rdb_in_fail(in, "duplicate field in a hash listpack");
      }
      uint8_t tier;
      void *v = adopt(st, ST_HASH, &s, &tier);
      if (v == NULL) return rdb_in_fail(in, "out of memory");
      tmp->val = v;
      tmp->meta = (ST_HASH << 4) | ENC_LISTPACK;
      entry_set_val_tier(tmp, tier);
      return 0;
    }
    if (hash_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
    sink k = { .kind = ST_HASH, .h = &b, .st = st };
    r = listpack_each(s.s, sink_elem, &k);
    sink_done(&k);
  } else {
    if (hash_begin(&b, st, 0) != 0) return rdb_in_fail(in, "out of memory");
    sink k = { .kind = ST_HASH, .h = &b, .st = st };
    r = type == RDB_TYPE_HASH_ZIPMAP ? zipmap_each(s.s, s.len, sink_elem, &k)
                                     : ziplist_each(s.s, s.len, sink_elem, &k);
    if (r == 0 && k.half) r = -1;
    sink_done(&k);
    if (r == -1) {
      hash_drop(&b);
      return rdb_in_fail(in, type == RDB_TYPE_HASH_ZIPMAP ? "invalid zipmap" : "invalid ziplist");
    }
  }
  if (r != 0) {
    hash_drop(&b);
    return builder_fail(in, r);
  }
  return hash_finish(&b, tmp);
}

/* Type 3's ASCII double: a length byte, 253/254/255 for nan/+inf/-inf. */
static int get_double_ascii(rdb_in *in, double *d) {
  unsigned n;
  if (rdb_get_byte(in, &n) != 0) return -1;
  if (n == 253) return rdb_in_fail(in, "NaN score");
  if (n == 254) return *d = INFINITY, 0;
  if (n == 255) return *d = -INFINITY, 0;
  if (need(in, n) != 0) return -1;
  char buf[256];
  memcpy(buf, in->p, n);
  buf[n] = '\0';
  in->p += n;
  char *end;
  *d = strtod(buf, &end);
  if (end != buf + n) return rdb_in_fail(in, "invalid score");
  return 0;
}

static int load_zset(rdb_in *in, int type, st_entry *tmp) {
  st_store *st = in->st;
  zset_b b;
  int r = 0;
  if (type == RDB_TYPE_ZSET || type == RDB_TYPE_ZSET_2) {
    uint64_t n;
    if (get_count(in, &n) != 0) return -1;
    if (zset_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
      rdb_str m;
      double d;
      uint64_t bits;
      if (rdb_get_string(in, 1, &m) != 0) goto fail;
      if (type == RDB_TYPE_ZSET_2) {
        if (get_le(in, 8, &bits) != 0) goto fail;
        memcpy(&d, &bits, 8);
      } else if (get_double_ascii(in, &d) != 0) {
        goto fail;
      }
      if ((r = zb_add(&b, m.s, m.len, d)) != B_OK) {
        zset_drop(&b);
        return builder_fail(in, r);
      }
    }
    return zset_finish(&b, tmp);
  fail:
    zset_drop(&b);
    return -1;
  }
  rdb_str s;
  if (rdb_get_string(in, 1, &s) != 0) return -1;
  if (type == RDB_TYPE_ZSET_LISTPACK) {
    if (!lp_validate(s.s, s.len, 1) || lp_length(s.s) % 2 != 0)
      return rdb_in_fail(in, "invalid listpack");
    uint32_t n = lp_length(s.s) / 2;
    if (n == 0) return 1;
    /* On its entry count only, as a hash listpack (zset-max-listpack-value is not checked). */
    if (n <= (uint64_t)st->cfg.zset_max_listpack_entries) {
      /* Adopt it once it is ordered, with valid scores and distinct members. */
      const unsigned char *prev = NULL;
      double prev_score = 0;
      for (unsigned char *p = lp_first(s.s); p != NULL; p = lp_next(s.s, lp_next(s.s, p))) {
        elem m;
        elem_lp(&m, p);
        unsigned char *sp = lp_next(s.s, p);
        lp_val sv;
        lp_get(sp, &sv);
        double d;
        if (sv.is_int) {
          d = (double)sv.ll;
        } else {
          char buf[MAX_D2STRING_CHARS];
          if (sv.len >= sizeof buf) return rdb_in_fail(in, "invalid score in a zset listpack");
          memcpy(buf, sv.s, sv.len);
          if (!string2d(buf, sv.len, &d))
            return rdb_in_fail(in, "invalid score in a zset listpack");
        }
        if (prev != NULL) {
          elem pm;
          elem_lp(&pm, prev);
          if (zsl_cmp(prev_score, pm.s, pm.len, d, m.s, m.len) >= 0)
            return rdb_in_fail(in, "zset listpack out of order");
        }
        unsigned char *q = lp_next(s.s, sp);
        if (q != NULL && lp_find(s.s, q, m.s, (uint32_t)m.len, 1) != NULL)
          return rdb_in_fail(in, "duplicate member in a zset listpack");
        prev = p;
        prev_score = d;
      }
      uint8_t tier;
      void *v = adopt(st, ST_ZSET, &s, &tier);
      if (v == NULL) return rdb_in_fail(in, "out of memory");
      tmp->val = v;
      tmp->meta = (ST_ZSET << 4) | ENC_LISTPACK;
      entry_set_val_tier(tmp, tier);
      return 0;
    }
    if (zset_begin(&b, st, n) != 0) return rdb_in_fail(in, "out of memory");
    sink k = { .kind = ST_ZSET, .z = &b, .st = st };
    r = listpack_each(s.s, sink_elem, &k);
    sink_done(&k);
  } else {
    if (zset_begin(&b, st, 0) != 0) return rdb_in_fail(in, "out of memory");
    sink k = { .kind = ST_ZSET, .z = &b, .st = st };
    r = ziplist_each(s.s, s.len, sink_elem, &k);
    if (r == 0 && k.half) r = -1;
    sink_done(&k);
    if (r == -1) {
      zset_drop(&b);
      return rdb_in_fail(in, "invalid ziplist");
    }
  }
  if (r != 0) {
    zset_drop(&b);
    return builder_fail(in, r);
  }
  return zset_finish(&b, tmp);
}

int rdb_get_value(rdb_in *in, int type, st_entry *tmp) {
  memset(tmp, 0, sizeof *tmp);
  switch (type) {
    case RDB_TYPE_STRING: {
      rdb_str s;
      if (rdb_get_string(in, 1, &s) != 0) return -1;
      if (s.len > UINT32_MAX) return rdb_in_fail(in, "string too long");
      str_val v;
      if (str_make(in->st, s.s, s.len, &v) != 0) return rdb_in_fail(in, "out of memory");
      tmp->val = v.val;
      tmp->vlen = v.vlen;
      tmp->meta = (ST_STRING << 4) | v.enc;
      entry_set_val_tier(tmp, v.tier);
      return 0;
    }
    case RDB_TYPE_LIST:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: return load_list(in, type, tmp);
    case RDB_TYPE_SET:
    case RDB_TYPE_SET_INTSET: return load_set(in, type, tmp);
    case RDB_TYPE_HASH:
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK: return load_hash(in, type, tmp);
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK: return load_zset(in, type, tmp);
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2: return rdb_in_fail(in, "module values are not supported");
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2: return rdb_in_fail(in, "stream values are not supported");
    default: return rdb_in_fail(in, "unknown value type");
  }
}

int rdb_verify_payload(const unsigned char *p, size_t len) {
  if (len < 10) return -1;
  const unsigned char *footer = p + len - 10;
  unsigned ver = (unsigned)footer[0] | (unsigned)footer[1] << 8;
  if (ver > RDB_VERSION) return -1;
  return crc64(0, p, len - 8) == le(footer + 2, 8) ? 0 : -1;
}

/* ------------------------------------------------------------------------------ files */

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int loader_error(rdb_loader *l) {
  if (l->in.err == DB_BEYOND) /* Redis's fatal text: the file is fine, the config is not */
    snprintf(l->error, sizeof l->error,
             "%s: Data file was created with a Redis server configured to handle more than %d "
             "databases",
             l->path, l->st->ndb);
  else
    snprintf(l->error, sizeof l->error, "%s: invalid RDB file at byte %zu: %s", l->path,
             l->in.err_off, l->in.err ? l->in.err : "unknown error");
  return -1;
}

int rdb_loader_open(rdb_loader *l, st_store *st, const char *path, int *errno_out) {
  memset(l, 0, sizeof *l);
  l->st = st;
  l->expire_ms = l->idle_s = -1;
  *errno_out = 0;
  snprintf(l->path, sizeof l->path, "%s", path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0) {
    *errno_out = errno;
    snprintf(l->error, sizeof l->error, "%s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  l->size = (size_t)sb.st_size;
  if (l->size > 0) {
    void *m = mmap(NULL, l->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      *errno_out = errno;
      snprintf(l->error, sizeof l->error, "%s: %s", path, strerror(errno));
      close(fd);
      return -1;
    }
    madvise(m, l->size, MADV_SEQUENTIAL);
    l->map = m;
  }
  close(fd);
  rdb_in_init(&l->in, st, l->map, l->size);
  if (l->size < 9 || memcmp(l->map, "REDIS", 5) != 0) {
    rdb_in_fail(&l->in, "wrong signature (not an RDB file)");
    l->in.err_off = 0;
    return loader_error(l);
  }
  int ver = 0;
  for (int i = 5; i < 9; i++) {
    if (l->map[i] < '0' || l->map[i] > '9') ver = -1000;
    ver = ver * 10 + (l->map[i] - '0');
  }
  if (ver < 1 || ver > RDB_VERSION) {
    l->in.p += 5;
    rdb_in_fail(&l->in, "can't handle this RDB format version");
    return loader_error(l);
  }
  l->version = ver;
  l->in.p += 9;
  l->db = 0;
  l->fill = rdb_fill_start(l->map, l->size, 0); /* NULL: strings are written inline */
  return 0;
}

void rdb_loader_close(rdb_loader *l) {
  rdb_fill_stop(l->fill);
  l->fill = NULL;
  rdb_in_free(&l->in);
  if (l->map != NULL) munmap((void *)l->map, l->size);
  l->map = NULL;
}

static void crc_catch_up(rdb_loader *l) {
  size_t pos = (size_t)(l->in.p - l->in.base);
  if (l->fill != NULL) {
    rdb_fill_crc_to(l->fill, pos);
    l->crc_pos = pos;
    return;
  }
  if (pos > l->crc_pos) {
    l->crc = crc64(l->crc, l->in.base + l->crc_pos, pos - l->crc_pos);
    l->crc_pos = pos;
  }
}

/* One record or opcode. 1 at EOF, 0 to go on, -1 on an error. */
/* Wait for the helper thread's queued work (l->crc is then current). A value it could not
 * decode is the file's error when it comes before any the parser found. 0 or -1. */
static int settle(rdb_loader *l) {
  size_t off;
  if (l->fill != NULL && rdb_fill_drain(l->fill, &l->crc, &off) != 0 &&
      (l->in.err == NULL || off < l->in.err_off)) {
    l->in.err = "invalid LZF data";
    l->in.err_off = off;
    l->in.p = l->in.end;
  }
  return l->in.err != NULL ? -1 : 0;
}

/* What follows adding a key: its expire, its idle time, the count. 0 or -1. */
static int key_added(rdb_loader *l, st_client *c, st_db *db, st_entry *e, const rdb_str *key,
                     int64_t expire, int64_t idle) {
  st_store *st = l->st;
  if (expire >= 0 && db_set_expire(c, db, e, expire) == NULL)
    return rdb_in_fail(&l->in, "out of memory");
  if (idle >= 0) {
    e = (st_entry *)dict_find(&db->keys, key->s, key->len);
    uint32_t clock = (uint32_t)((st->now_ms / 1000 - idle) & 0xffffff);
    e->meta = (clock << 8) | (e->meta & 0xffu);
  }
  l->keys++;
  return 0;
}

/* A string value longer than 20 bytes (raw, or LZF): the block is allocated and the key added
 * here, and the helper thread writes the bytes. 1 when done, 0 when the value takes the general
 * path (in->p back at its start), -1 on an error. */
static int string_via_fill(rdb_loader *l, st_client *c, const rdb_str *key, size_t key_off,
                           int64_t expire, int64_t idle) {
  rdb_in *in = &l->in;
  st_store *st = l->st;
  const unsigned char *start = in->p;
  uint64_t len, clen = 0;
  int special;
  if (rdb_get_len(in, &len, &special) != 0) return -1;
  if (!special) {
    if (len <= 20 || len > UINT32_MAX) goto general;
    if (need(in, len) != 0) return -1;
  } else if (len == 3) {
    uint64_t ulen;
    if (get_count(in, &clen) != 0 || get_count(in, &ulen) != 0) return -1;
    if (need(in, clen) != 0) return -1;
    if (ulen <= 20 || ulen > UINT32_MAX || clen == 0 || clen > UINT32_MAX) goto general;
    len = ulen;
  } else {
    goto general;
  }
  size_t src = (size_t)(in->p - in->base);
  st_db *db = &st->dbs[l->db];
  if (dict_find(&db->keys, key->s, key->len) != NULL) {
    in->p = in->base + key_off;
    return rdb_in_fail(in, "duplicate key");
  }
  str_val v;
  if (str_raw_alloc(st, NULL, (size_t)len, &v) != 0) return rdb_in_fail(in, "out of memory");
  c->db = db;
  st_entry *e = db_add(c, db, key->s, key->len, ST_STRING, ENC_RAW, v.val, v.vlen, v.tier);
  if (e == NULL) {
    str_val_free(st, &v);
    return rdb_in_fail(in, "out of memory");
  }
  if (clen > 0)
    rdb_fill_lzf(l->fill, v.val, src, (size_t)clen, (uint32_t)len);
  else
    rdb_fill_copy(l->fill, v.val, src, (uint32_t)len);
  in->p += clen > 0 ? clen : len;
  return key_added(l, c, db, e, key, expire, idle) == 0 ? 1 : -1;
general:
  in->p = start;
  return 0;
}

static int load_one(rdb_loader *l, st_client *c) {
  rdb_in *in = &l->in;
  st_store *st = l->st;
  unsigned op;
  uint64_t a, b;
  if (rdb_get_byte(in, &op) != 0) return -1;
  switch (op) {
    case RDB_OPCODE_EXPIRETIME:
      if (get_le(in, 4, &a) != 0) return -1;
      l->expire_ms = (int64_t)(int32_t)a * 1000;
      return 0;
    case RDB_OPCODE_EXPIRETIME_MS:
      if (get_le(in, 8, &a) != 0) return -1;
      l->expire_ms = (int64_t)a;
      return 0;
    case RDB_OPCODE_FREQ: return rdb_get_byte(in, &op) != 0 ? -1 : 0;
    case RDB_OPCODE_IDLE:
      if (get_count(in, &a) != 0) return -1;
      l->idle_s = (int64_t)a;
      return 0;
    case RDB_OPCODE_SELECTDB:
      if (get_count(in, &a) != 0) return -1;
      if (a >= (uint64_t)st->ndb) return rdb_in_fail(in, DB_BEYOND);
      l->db = (int)a;
      return 0;
    case RDB_OPCODE_RESIZEDB:
      if (get_count(in, &a) != 0 || get_count(in, &b) != 0) return -1;
      if (dict_size(&st->dbs[l->db].keys) == 0 && a > 0 && a < (1ull << 32))
        dict_reserve(&st->dbs[l->db].keys, (size_t)a);
      return 0;
    case RDB_OPCODE_AUX: {
      rdb_str k, v;
      if (rdb_get_string(in, 1, &k) != 0 || rdb_get_string(in, 2, &v) != 0) return -1;
      return 0; /* redis-ver, ctime, used-mem, repl-*, aof-base and unknown ones: nothing to do */
    }
    case RDB_OPCODE_MODULE_AUX: return rdb_in_fail(in, "module data is not supported");
    case RDB_OPCODE_FUNCTION:
    case RDB_OPCODE_FUNCTION2: return rdb_in_fail(in, "functions are not supported");
    case RDB_OPCODE_EOF: {
      crc_catch_up(l);
      if (settle(l) != 0) return -1;
      if (l->version >= 5) {
        if (get_le(in, 8, &a) != 0) return -1;
        if (a != 0 && a != l->crc) {
          in->p -= 8;
          return rdb_in_fail(in, "wrong checksum (the file is corrupt)");
        }
      }
      if (in->p != in->end) return rdb_in_fail(in, "trailing bytes after the end of the file");
      return 1;
    }
    default: break;
  }
  if (!rdb_type_known((int)op)) {
    in->p--;
    return rdb_in_fail(in, "unknown record type");
  }
  size_t key_off = (size_t)(in->p - in->base);
  rdb_str key;
  if (rdb_get_string(in, 0, &key) != 0) return -1;
  int64_t expire = l->expire_ms, idle = l->idle_s;
  if (op == RDB_TYPE_STRING && l->fill != NULL &&
      !(expire >= 0 && !l->aof_base && expire < wall_ms())) {
    int r = string_via_fill(l, c, &key, key_off, expire, idle);
    if (r != 0) {
      l->expire_ms = l->idle_s = -1;
      return r < 0 ? -1 : 0;
    }
  }
  st_entry tmp;
  int r = rdb_get_value(in, (int)op, &tmp);
  l->expire_ms = l->idle_s = -1;
  if (r < 0) return -1;
  if (r == 1) {
    l->empty++;
    return 0;
  }
  st_db *db = &st->dbs[l->db];
  if (expire >= 0 && !l->aof_base && expire < wall_ms()) {
    obj_free(st, &tmp);
    l->expired++;
    return 0;
  }
  if (dict_find(&db->keys, key.s, key.len) != NULL) {
    obj_free(st, &tmp);
    in->p = in->base + key_off;
    return rdb_in_fail(in, "duplicate key");
  }
  c->db = db;
  st_entry *e = db_add(c, db, key.s, key.len, entry_type(&tmp), entry_enc(&tmp), tmp.val, tmp.vlen,
                       entry_val_tier(&tmp));
  if (e == NULL) {
    obj_free(st, &tmp);
    return rdb_in_fail(in, "out of memory");
  }
  return key_added(l, c, db, e, &key, expire, idle);
}

/* ------------------------------------------------------------------------------ look-ahead */

/* The keyspace lookup of each record (the duplicate check) is a cache and TLB miss on the
 * bucket and another on the chain's first entry: most of the loading thread's time in a big
 * load. So the loop looks ahead over the next run of plain string records, without side effects
 * (anything unusual ends the run; load_one then parses every record, errors included, as
 * always), prefetches each one's bucket, and a few records later its chain's first entry. Only
 * hints: a resize in between makes them useless, never wrong. */
enum { AHEAD = 16, AHEAD_CHAIN = 4 };

typedef struct ahead {
  size_t end; /* offset just past the record */
  uint64_t h; /* the key's hash */
} ahead;

static int peek_len(const unsigned char **p, const unsigned char *end, uint64_t *len) {
  const unsigned char *q = *p;
  if (q >= end) return 0;
  unsigned b = *q;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      *p = q + 1;
      return 1;
    case 1:
      if (end - q < 2) return 0;
      *len = ((uint64_t)(b & 0x3f) << 8) | q[1];
      *p = q + 2;
      return 1;
    case 2:
      if (b != 0x80 || end - q < 5) return 0;
      *len = (uint64_t)q[1] << 24 | (uint64_t)q[2] << 16 | (uint64_t)q[3] << 8 | q[4];
      *p = q + 5;
      return 1;
    default: return 0;
  }
}

/* Up to max records from p: [EXPIRETIME_MS] STRING <plain key> <plain or LZF value>, appended
 * to a; returns where the run stopped. */
static const unsigned char *scan_ahead(rdb_loader *l, const unsigned char *p, ahead *a, size_t *n,
                                       size_t max) {
  const unsigned char *end = l->in.end, *base = l->in.base;
  const dict *d = &l->st->dbs[l->db].keys;
  while (*n < max) {
    const unsigned char *q = p;
    uint64_t klen, vlen, ulen;
    if (q < end && *q == RDB_OPCODE_EXPIRETIME_MS) {
      if (end - q < 9) break;
      q += 9;
    }
    if (q >= end || *q != RDB_TYPE_STRING) break;
    q++;
    if (!peek_len(&q, end, &klen) || (uint64_t)(end - q) < klen) break;
    const unsigned char *key = q;
    q += klen;
    if (q < end && *q == 0xC3) {
      q++;
      if (!peek_len(&q, end, &vlen) || !peek_len(&q, end, &ulen)) break;
    } else if (!peek_len(&q, end, &vlen)) {
      break;
    }
    if ((uint64_t)(end - q) < vlen) break;
    q += vlen;
    ahead *x = &a[(*n)++];
    x->h = dict_hash(key, (size_t)klen);
    x->end = (size_t)(q - base);
    if (d->t[0].b != NULL) __builtin_prefetch(&d->t[0].b[x->h & (d->t[0].size - 1)]);
    p = q;
  }
  return p;
}

/* The first entry of the chain a's key falls in (its bucket was prefetched by the scan). */
static void prefetch_chain(const dict *d, const ahead *a) {
  const dict_table *t = &d->t[0];
  if (t->b == NULL) return;
  const dict_node *n = t->b[a->h & (t->size - 1)];
  if (n != NULL) __builtin_prefetch(n);
}

int rdb_loader_step(rdb_loader *l, uint64_t budget_us) {
  if (l->done) return 1;
  if (l->in.err) return loader_error(l);
  int64_t start = mono_us();
  st_client c;
  memset(&c, 0, sizeof c);
  c.st = l->st;
  c.db = &l->st->dbs[l->db];
  l->st->now_ms = wall_ms();
  ahead a[2 * AHEAD];
  size_t ai = 0, an = 0;
  const unsigned char *scanned = l->in.p; /* where the look-ahead stopped */
  for (unsigned n = 1;; n++) {
    size_t pos = (size_t)(l->in.p - l->in.base);
    while (ai < an && a[ai].end <= pos) ai++;
    if (an - ai < AHEAD) {
      memmove(a, a + ai, (an - ai) * sizeof *a);
      an -= ai;
      ai = 0;
      if (an == 0 && scanned < l->in.p) scanned = l->in.p;
      scanned = scan_ahead(l, scanned, a, &an, 2 * AHEAD);
    }
    if (ai + AHEAD_CHAIN < an) prefetch_chain(&l->st->dbs[l->db].keys, &a[ai + AHEAD_CHAIN]);
    int r = load_one(l, &c);
    if (r < 0) {
      settle(l);
      return loader_error(l);
    }
    if (r == 1) {
      l->done = 1;
      return 1;
    }
    if ((n & 63) == 0 && (uint64_t)(mono_us() - start) >= budget_us) break;
  }
  crc_catch_up(l);
  /* Every value written before the store is seen again (by the caller, commands, a free). */
  return settle(l) != 0 ? loader_error(l) : 0;
}
