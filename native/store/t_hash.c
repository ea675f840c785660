/* t_hash.c - the hash type: its encodings, conversion, value lifecycle and commands.
 *
 * Encodings, as Redis 7.0:
 *   ENC_LISTPACK   field,value,field,value... in one listpack (data block, routed by the
 *                  threshold) while there are at most hash-max-listpack-entries fields and
 *                  every field and value is at most hash-max-listpack-value bytes;
 *   ENC_HASHTABLE  a hash_ht (metadata, DRAM) with a dict of field nodes (metadata, DRAM:
 *                  fields are lookup keys), each pointing to its value's own data block,
 *                  routed by the threshold: this is how big hash values get tiered.
 * The conversion is one way, as in Redis. hash_ht keeps a running total of its nodes' and
 * values' usable bytes, so MEMORY USAGE is O(1).
 *
 * OOM: single-field writes are atomic (one listpack call, or a new block swapped in); writes of
 * several fields, and additions of a field to a listpack (two entries), work on a private copy
 * of the listpack or allocate every node first, so a refusal leaves the hash as it was. */
#include <limits.h>
#include <math.h>

#include "hash_mig.h"
#include "listpack.h"
#include "store.h"
#include "util.h"

/* ------------------------------------------------------------------------------ values */

typedef struct hash_ht {
  dict d;
  size_t bytes; /* usable bytes of the nodes and their value blocks (tables: dict_table_bytes) */
  size_t vals[TM_TIER_COUNT]; /* value blocks by tier: the migrator's view (hash_mig.h) */
  uint64_t mig_cursor;        /* where the migrator's scan of the values goes on */
} hash_ht;

enum { HN_PMEM = 1, HN_VAL_PMEM = 2 }; /* hnode.flags: where the node and its value live */

typedef struct hnode {
  dict_node node;
  unsigned char *v; /* the value block (TM_CAT_DATA), NULL when vlen is 0 */
  uint32_t flen, vlen;
  uint8_t flags;
  unsigned char f[]; /* the field */
} hnode;

static const unsigned char *hnode_key(const dict_node *n, size_t *len) {
  const hnode *h = (const hnode *)n;
  *len = h->flen;
  return h->f;
}
static const dict_type hnode_type = { hnode_key };

typedef struct hval {
  void *p;
  uint8_t enc, tier;
} hval;

static inline hval hv_of(const st_entry *e) {
  return (hval){ e->val, (uint8_t)entry_enc(e), entry_val_tier(e) };
}
static inline void hv_store(st_entry *e, const hval *v) {
  e->val = v->p;
  entry_set_enc(e, v->enc);
  entry_set_val_tier(e, v->tier);
}

/* Bytes of a field or value; listpack integers are rendered into buf. Not copyable. */
typedef struct hbytes {
  const unsigned char *s;
  size_t len;
  char buf[LP_INTBUF];
} hbytes;

static void hb_lp(hbytes *b, const unsigned char *p) {
  lp_val v;
  uint32_t n;
  lp_get(p, &v);
  b->s = lp_val_bytes(&v, b->buf, &n);
  b->len = n;
}

static inline const unsigned char *hnode_val(const hnode *n) {
  return n->v ? n->v : (const unsigned char *)"";
}

static inline uint8_t tier_of(const hnode *n, int bit) {
  return (n->flags & bit) ? TM_PMEM : TM_DRAM;
}

static size_t hnode_size(const hnode *n) { return offsetof(hnode, f) + n->flen; }

static size_t hnode_usable(st_store *st, const hnode *n) {
  size_t u = sm_usable(&st->mem, tier_of(n, HN_PMEM), n, hnode_size(n));
  if (n->v) u += sm_usable(&st->mem, tier_of(n, HN_VAL_PMEM), n->v, n->vlen);
  return u;
}

/* Count a linked node into (sign > 0) or out of its hash_ht's totals. */
static void ht_count(st_store *st, hash_ht *ht, const hnode *n, int sign) {
  size_t u = hnode_usable(st, n);
  ht->bytes = sign > 0 ? ht->bytes + u : ht->bytes - u;
  if (n->v) {
    size_t *c = &ht->vals[tier_of(n, HN_VAL_PMEM)];
    *c = sign > 0 ? *c + 1 : *c - 1;
  }
}

/* A value block holding s (NULL with *ok when len is 0). */
static unsigned char *val_new(st_store *st, const unsigned char *s, size_t len, uint8_t *tier,
                              int *ok) {
  *tier = TM_DRAM;
  *ok = len <= UINT32_MAX;
  if (len == 0 || !*ok) return NULL;
  unsigned char *v = sm_alloc(&st->mem, ST_HASH, TM_CAT_DATA, len, tier);
  if (v == NULL)
    *ok = 0;
  else
    memcpy(v, s, len);
  return v;
}

static void val_free(st_store *st, hnode *n) {
  if (n->v) sm_free(&st->mem, ST_HASH, TM_CAT_DATA, n->v, n->vlen, tier_of(n, HN_VAL_PMEM));
}

static hnode *hnode_new(st_store *st, const unsigned char *f, size_t flen, const unsigned char *v,
                        size_t vlen) {
  uint8_t vt, nt;
  int ok;
  if (flen > UINT32_MAX) return NULL;
  unsigned char *vb = val_new(st, v, vlen, &vt, &ok);
  if (!ok) return NULL;
  hnode *n = sm_alloc(&st->mem, ST_HASH, TM_CAT_METADATA, offsetof(hnode, f) + flen, &nt);
  if (n == NULL) {
    if (vb) sm_free(&st->mem, ST_HASH, TM_CAT_DATA, vb, vlen, vt);
    return NULL;
  }
  n->node.next = NULL;
  n->v = vb;
  n->flen = (uint32_t)flen;
  n->vlen = (uint32_t)vlen;
  n->flags = (uint8_t)((nt == TM_PMEM ? HN_PMEM : 0) | (vt == TM_PMEM ? HN_VAL_PMEM : 0));
  if (flen) memcpy(n->f, f, flen);
  return n;
}

static void hnode_free(st_store *st, hnode *n) {
  val_free(st, n);
  sm_free(&st->mem, ST_HASH, TM_CAT_METADATA, n, hnode_size(n), tier_of(n, HN_PMEM));
}

static void hnode_drop(dict_node *n, void *arg) { hnode_free(arg, (hnode *)n); }

/* Give a linked node a new value: the new block first, so OOM changes nothing. */
static int hnode_set_value(st_store *st, hash_ht *ht, hnode *n, const unsigned char *v,
                           size_t vlen) {
  uint8_t vt;
  int ok;
  unsigned char *vb = val_new(st, v, vlen, &vt, &ok);
  if (!ok) return -1;
  ht_count(st, ht, n, -1);
  val_free(st, n);
  n->v = vb;
  n->vlen = (uint32_t)vlen;
  n->flags = (uint8_t)((n->flags & ~HN_VAL_PMEM) | (vt == TM_PMEM ? HN_VAL_PMEM : 0));
  ht_count(st, ht, n, +1);
  return 0;
}

/* The first table is sized for at most this many: beyond, the dict grows in its own bounded
 * steps rather than zeroing a huge table at once. */
#define FIRST_TABLE_MAX 4096

static int ht_new(st_store *st, size_t hint, hval *out) {
  uint8_t tier;
  hash_ht *ht = sm_alloc(&st->mem, ST_HASH, TM_CAT_METADATA, sizeof *ht, &tier);
  if (ht == NULL) return -1;
  dict_init(&ht->d, &hnode_type, &st->mem, ST_HASH);
  ht->bytes = 0;
  ht->vals[TM_DRAM] = ht->vals[TM_PMEM] = 0;
  ht->mig_cursor = 0;
  if (dict_reserve(&ht->d, hint == 0 ? 1 : hint < FIRST_TABLE_MAX ? hint : FIRST_TABLE_MAX) != 0) {
    sm_free(&st->mem, ST_HASH, TM_CAT_METADATA, ht, sizeof *ht, tier);
    return -1;
  }
  *out = (hval){ ht, ENC_HASHTABLE, tier };
  return 0;
}

/* Link n, or replace the node with the same field (freed). 1 if the field is new. */
static int ht_put(st_store *st, hash_ht *ht, hnode *n) {
  hnode *old = (hnode *)dict_find(&ht->d, n->f, n->flen);
  ht_count(st, ht, n, +1);
  if (old == NULL) {
    dict_add(&ht->d, &n->node); /* cannot fail: the table exists */
    return 1;
  }
  dict_replace(&ht->d, &old->node, &n->node);
  ht_count(st, ht, old, -1);
  hnode_free(st, old);
  return 0;
}

static size_t hv_size(const hval *v) {
  if (v->enc == ENC_LISTPACK) return lp_length(v->p) / 2;
  return dict_size(&((const hash_ht *)v->p)->d);
}

static size_t hv_free_step(st_store *st, const hval *v, size_t max) {
  if (v->enc == ENC_LISTPACK) {
    lp_free(&st->mem, ST_HASH, v->p, v->tier);
    return 0;
  }
  hash_ht *ht = v->p;
  size_t left = dict_drain(&ht->d, max, hnode_drop, st);
  if (left) return left;
  sm_free(&st->mem, ST_HASH, TM_CAT_METADATA, ht, sizeof *ht, v->tier);
  return 0;
}

static void hv_free(st_store *st, const hval *v) { hv_free_step(st, v, SIZE_MAX); }

size_t hash_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max) {
  hval v = { val, (uint8_t)enc, tier };
  return hv_free_step(st, &v, max);
}

void hash_free(st_store *st, st_entry *e) {
  hval v = hv_of(e);
  hv_free(st, &v);
}

size_t hash_usage(st_store *st, const st_entry *e) {
  hval v = hv_of(e);
  if (v.enc == ENC_LISTPACK) return sm_usable(&st->mem, v.tier, v.p, lp_bytes(v.p));
  const hash_ht *ht = v.p;
  return sm_usable(&st->mem, v.tier, ht, sizeof *ht) + ht->bytes + dict_table_bytes(&ht->d);
}

/* ------------------------------------------------------------------------------ access */

static unsigned char *lp_field(const unsigned char *lp, const unsigned char *f, size_t flen) {
  return lp_find(lp, lp_first(lp), f, (uint32_t)flen, 1);
}

/* The value of field f into *out; 0 if absent. */
static int hv_get(const hval *v, const unsigned char *f, size_t flen, hbytes *out) {
  if (v->enc == ENC_LISTPACK) {
    unsigned char *fp = lp_field(v->p, f, flen);
    if (fp == NULL) return 0;
    hb_lp(out, lp_next(v->p, fp));
    return 1;
  }
  const hnode *n = (const hnode *)dict_find(&((hash_ht *)v->p)->d, f, flen);
  if (n == NULL) return 0;
  out->s = hnode_val(n);
  out->len = n->vlen;
  return 1;
}

static inline int hv_get_arg(const hval *v, const resp_arg *f, hbytes *out) {
  return hv_get(v, f->ptr, f->len, out);
}

/* Walks fields and values in order, for either encoding. */
typedef struct hit {
  const hval *v;
  const unsigned char *p;
  dict_iter di;
} hit;

static void hit_init(hit *it, const hval *v) {
  it->v = v;
  if (v->enc == ENC_LISTPACK)
    it->p = lp_first(v->p);
  else
    dict_iter_init(&it->di, &((hash_ht *)v->p)->d);
}

static int hit_next(hit *it, hbytes *f, hbytes *val) {
  if (it->v->enc == ENC_LISTPACK) {
    if (it->p == NULL) return 0;
    const unsigned char *vp = lp_next(it->v->p, it->p);
    hb_lp(f, it->p);
    hb_lp(val, vp);
    it->p = lp_next(it->v->p, vp);
    return 1;
  }
  const hnode *n = (const hnode *)dict_iter_next(&it->di);
  if (n == NULL) return 0;
  f->s = n->f;
  f->len = n->flen;
  val->s = hnode_val(n);
  val->len = n->vlen;
  return 1;
}

static void hit_done(hit *it) {
  if (it->v->enc == ENC_HASHTABLE) dict_iter_done(&it->di);
}

/* ------------------------------------------------------------------------------ changes */

static int fits_lp(const st_store *st, size_t flen, size_t vlen) {
  return (int64_t)flen <= st->cfg.hash_max_listpack_value &&
         (int64_t)vlen <= st->cfg.hash_max_listpack_value;
}

/* A hashtable copy of a listpack hash, sized for `extra` more fields. src is untouched. */
static int hv_to_ht(st_store *st, const hval *src, size_t extra, hval *out) {
  if (ht_new(st, hv_size(src) + extra, out) != 0) return -1;
  hit it;
  hbytes f, val;
  hit_init(&it, src);
  while (hit_next(&it, &f, &val)) {
    hnode *n = hnode_new(st, f.s, f.len, val.s, val.len);
    if (n == NULL) {
      hv_free(st, out);
      return -1;
    }
    ht_put(st, out->p, n);
  }
  return 0;
}

/* Append a field and its value to *lpp (a private listpack: a failure leaves it to be freed). */
static int lp_push_pair(st_store *st, unsigned char **lpp, uint8_t *tier, const unsigned char *f,
                        size_t flen, const unsigned char *v, size_t vlen) {
  unsigned char *lp = lp_append(&st->mem, ST_HASH, *lpp, tier, f, (uint32_t)flen);
  if (lp == NULL) return -1;
  *lpp = lp;
  lp = lp_append(&st->mem, ST_HASH, lp, tier, v, (uint32_t)vlen);
  if (lp == NULL) return -1;
  *lpp = lp;
  return 0;
}

static int lp_clone(st_store *st, const hval *v, hval *out) {
  size_t n = lp_bytes(v->p);
  uint8_t tier;
  unsigned char *p = sm_alloc(&st->mem, ST_HASH, TM_CAT_DATA, n, &tier);
  if (p == NULL) return -1;
  memcpy(p, v->p, n);
  *out = (hval){ p, ENC_LISTPACK, tier };
  return 0;
}

/* Set field f of a listpack hash in place (priv: v is private) or on a copy. 1 new, 0 updated,
 * -1 OOM, -2 the hash must become a hashtable. */
static int lp_set(st_store *st, hval *v, const unsigned char *f, size_t flen,
                  const unsigned char *val, size_t vlen, int priv) {
  if (!fits_lp(st, flen, vlen)) return -2;
  unsigned char *fp = lp_field(v->p, f, flen);
  uint8_t tier = v->tier;
  if (fp != NULL) { /* one call: atomic */
    unsigned char *lp =
        lp_replace(&st->mem, ST_HASH, v->p, &tier, lp_next(v->p, fp), val, (uint32_t)vlen, NULL);
    if (lp == NULL) return -1;
    v->p = lp;
    v->tier = tier;
    return 0;
  }
  if ((int64_t)hv_size(v) >= st->cfg.hash_max_listpack_entries) return -2;
  hval w = *v;
  if (!priv && lp_clone(st, v, &w) != 0) return -1;
  unsigned char *lp = w.p;
  int r = lp_push_pair(st, &lp, &w.tier, f, flen, val, vlen);
  if (r != 0) { /* a private value is left for the caller to free, a copy is freed here */
    if (priv)
      *v = (hval){ lp, ENC_LISTPACK, w.tier };
    else
      lp_free(&st->mem, ST_HASH, lp, w.tier);
    return -1;
  }
  if (!priv) lp_free(&st->mem, ST_HASH, v->p, v->tier);
  v->p = lp;
  v->tier = w.tier;
  return 1;
}

/* Set one field: 1 new, 0 updated, -1 OOM (v unchanged). */
static int hv_set1(st_store *st, hval *v, const unsigned char *f, size_t flen,
                   const unsigned char *val, size_t vlen) {
  if (v->enc == ENC_LISTPACK) {
    int r = lp_set(st, v, f, flen, val, vlen, 0);
    if (r != -2) return r;
    hnode *n = hnode_new(st, f, flen, val, vlen);
    if (n == NULL) return -1;
    hval ht;
    if (hv_to_ht(st, v, 1, &ht) != 0) {
      hnode_free(st, n);
      return -1;
    }
    r = ht_put(st, ht.p, n);
    hv_free(st, v);
    *v = ht;
    return r;
  }
  hash_ht *ht = v->p;
  hnode *n = (hnode *)dict_find(&ht->d, f, flen);
  if (n != NULL) return hnode_set_value(st, ht, n, val, vlen) == 0 ? 0 : -1;
  if ((n = hnode_new(st, f, flen, val, vlen)) == NULL) return -1;
  if (dict_add(&ht->d, &n->node) != 0) {
    hnode_free(st, n);
    return -1;
  }
  ht_count(st, ht, n, +1);
  return 1;
}

/* Set the field/value pairs a[0..2*np) atomically: 0 with *added, or -1 on OOM (v as it was
 * unless priv: v is a new value the caller frees). */
static int hv_set_all(st_store *st, hval *v, const resp_arg *a, int np, int priv,
                      long long *added) {
  *added = 0;
  if (np == 1 && !priv) {
    int r = hv_set1(st, v, a[0].ptr, a[0].len, a[1].ptr, a[1].len);
    if (r < 0) return -1;
    *added = r;
    return 0;
  }
  if (v->enc == ENC_LISTPACK) {
    hval w = *v;
    if (!priv && lp_clone(st, v, &w) != 0) return -1;
    int r = 0;
    long long k = 0;
    for (int i = 0; i < np && r >= 0; i++) {
      r = lp_set(st, &w, a[2 * i].ptr, a[2 * i].len, a[2 * i + 1].ptr, a[2 * i + 1].len, 1);
      k += r > 0;
    }
    if (r >= 0) {
      if (!priv) hv_free(st, v);
      *v = w;
      *added = k;
      return 0;
    }
    if (priv) { /* partly applied: every pair is applied again below (idempotent) */
      *v = w;
      *added = k;
    } else {
      hv_free(st, &w);
    }
    if (r == -1) return -1;
  }
  /* A node for every pair first (a FIFO chain through their unlinked dict_node), then the
   * conversion, then linking, which cannot fail. */
  dict_node *head = NULL, **tail = &head;
  for (int i = 0; i < np; i++) {
    hnode *n = hnode_new(st, a[2 * i].ptr, a[2 * i].len, a[2 * i + 1].ptr, a[2 * i + 1].len);
    if (n == NULL) goto oom;
    *tail = &n->node;
    tail = &n->node.next;
  }
  hval ht = *v;
  if (v->enc == ENC_LISTPACK && hv_to_ht(st, v, (size_t)np, &ht) != 0) goto oom;
  while (head != NULL) {
    hnode *n = (hnode *)head;
    head = head->next;
    n->node.next = NULL;
    *added += ht_put(st, ht.p, n);
  }
  if (ht.p != v->p) {
    hv_free(st, v);
    *v = ht;
  }
  return 0;
oom:
  while (head != NULL) {
    hnode *n = (hnode *)head;
    head = head->next;
    hnode_free(st, n);
  }
  return -1;
}

/* Delete a field: 1 deleted, 0 absent, -1 OOM (a refused shrink; v unchanged). */
static int hv_del(st_store *st, hval *v, const unsigned char *f, size_t flen) {
  if (v->enc == ENC_LISTPACK) {
    unsigned char *fp = lp_field(v->p, f, flen);
    if (fp == NULL) return 0;
    long idx = 0;
    for (unsigned char *p = lp_first(v->p); p != fp; p = lp_next(v->p, p)) idx++;
    uint8_t tier = v->tier;
    unsigned char *lp = lp_delete_range(&st->mem, ST_HASH, v->p, &tier, idx, 2);
    if (lp == NULL) return -1;
    v->p = lp;
    v->tier = tier;
    return 1;
  }
  hash_ht *ht = v->p;
  hnode *n = (hnode *)dict_unlink(&ht->d, f, flen);
  if (n == NULL) return 0;
  ht_count(st, ht, n, -1);
  hnode_free(st, n);
  return 1;
}

static void hash_commit(st_client *c, st_entry *e, const hval *v, long long changes) {
  hv_store(e, v);
  if (hv_size(v) == 0)
    db_delete_entry(c, c->db, e);
  else if (changes > 0)
    key_modified(c, c->db, e);
  if (changes > 1) store_dirty(c, (uint64_t)changes - 1);
}

/* Set pairs a[0..2*np) on key argv[1], creating it; -1 after an OOM reply. */
static int hash_set_key(st_client *c, st_entry *e, const resp_arg *a, int np, long long *added) {
  st_store *st = c->st;
  if (e != NULL) {
    hval v = hv_of(e);
    int r = hv_set_all(st, &v, a, np, 0, added);
    hv_store(e, &v);
    if (r != 0) {
      reply_oom(c);
      return -1;
    }
    hash_commit(c, e, &v, np);
    return 0;
  }
  uint8_t tier = TM_DRAM;
  hval v = { lp_new(&st->mem, ST_HASH, &tier), ENC_LISTPACK, 0 };
  v.tier = tier;
  if (v.p == NULL || hv_set_all(st, &v, a, np, 1, added) != 0 ||
      db_add(c, c->db, c->argv[1].ptr, c->argv[1].len, ST_HASH, v.enc, v.p, 0, v.tier) == NULL) {
    if (v.p) hv_free(st, &v);
    reply_oom(c);
    return -1;
  }
  if (np > 1) store_dirty(c, (uint64_t)np - 1);
  return 0;
}

/* ------------------------------------------------------------------------------ commands */

static void hset_generic(st_client *c, const char *name, int ok_reply) {
  if (c->argc % 2 == 1) return reply_wrong_arity(c, name);
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_HASH, &wrong);
  if (wrong) return;
  long long added;
  if (hash_set_key(c, e, &c->argv[2], (c->argc - 2) / 2, &added) != 0) return;
  if (ok_reply)
    reply_simple(&c->out, "OK");
  else
    reply_int(&c->out, added);
}

void cmd_hset(st_client *c) { hset_generic(c, "hset", 0); }
void cmd_hmset(st_client *c) { hset_generic(c, "hmset", 1); }

void cmd_hsetnx(st_client *c) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_HASH, &wrong);
  if (wrong) return;
  hbytes b;
  if (e != NULL) {
    hval v = hv_of(e);
    if (hv_get_arg(&v, &c->argv[2], &b)) return reply_int(&c->out, 0);
  }
  long long added;
  if (hash_set_key(c, e, &c->argv[2], 1, &added) != 0) return;
  reply_int(&c->out, 1);
}

void cmd_hget(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_NULL);
  if (e == NULL) return;
  hval v = hv_of(e);
  hbytes b;
  if (hv_get_arg(&v, &c->argv[2], &b))
    reply_bulk(&c->out, b.s, b.len);
  else
    reply_null_bulk(&c->out);
}

void cmd_hmget(st_client *c) {
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e != NULL && check_type(c, e, ST_HASH)) return;
  hval v = e ? hv_of(e) : (hval){ 0 };
  hbytes b;
  reply_array(&c->out, c->argc - 2);
  for (int i = 2; i < c->argc; i++) {
    if (e != NULL && hv_get_arg(&v, &c->argv[i], &b))
      reply_bulk(&c->out, b.s, b.len);
    else
      reply_null_bulk(&c->out);
  }
}

void cmd_hdel(st_client *c) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_HASH, &wrong);
  if (wrong) return;
  if (e == NULL) return reply_int(&c->out, 0);
  hval v = hv_of(e);
  long long n = 0;
  int oom = 0;
  for (int i = 2; i < c->argc && hv_size(&v) > 0; i++) {
    int r = hv_del(c->st, &v, c->argv[i].ptr, c->argv[i].len);
    if (r < 0) {
      oom = 1; /* a refused shrink: what was deleted stays deleted */
      break;
    }
    n += r;
  }
  hash_commit(c, e, &v, n);
  if (oom) return reply_oom(c);
  reply_int(&c->out, n);
}

void cmd_hlen(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_ZERO);
  if (e == NULL) return;
  hval v = hv_of(e);
  reply_int(&c->out, (long long)hv_size(&v));
}

void cmd_hstrlen(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_ZERO);
  if (e == NULL) return;
  hval v = hv_of(e);
  hbytes b;
  reply_int(&c->out, hv_get_arg(&v, &c->argv[2], &b) ? (long long)b.len : 0);
}

void cmd_hexists(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_ZERO);
  if (e == NULL) return;
  hval v = hv_of(e);
  hbytes b;
  reply_int(&c->out, hv_get_arg(&v, &c->argv[2], &b));
}

/* Set argv[2] to the bytes s (HINCRBY*): -1 after an OOM reply. */
static int set_field_bytes(st_client *c, st_entry *e, const char *s, size_t len) {
  resp_arg pair[2] = { c->argv[2], { (const unsigned char *)s, len } };
  long long added;
  return hash_set_key(c, e, pair, 1, &added);
}

void cmd_hincrby(st_client *c) {
  long long incr, cur = 0;
  if (arg_ll(c, 3, &incr) != 0) return;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_HASH, &wrong);
  if (wrong) return;
  hbytes b;
  if (e != NULL) {
    hval v = hv_of(e);
    if (hv_get_arg(&v, &c->argv[2], &b) && !string2ll((const char *)b.s, b.len, &cur))
      return reply_error(&c->out, "%s", ERR_HASH_NOT_INT);
  }
  if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) ||
      (incr > 0 && cur > 0 && incr > LLONG_MAX - cur))
    return reply_error(&c->out, "%s", ERR_OVERFLOW);
  cur += incr;
  char buf[LONG_STR_SIZE];
  int n = ll2string(buf, sizeof buf, cur);
  if (set_field_bytes(c, e, buf, (size_t)n) != 0) return;
  reply_int(&c->out, cur);
}

void cmd_hincrbyfloat(st_client *c) {
  long double incr, cur = 0;
  if (!string2ld((const char *)c->argv[3].ptr, c->argv[3].len, &incr))
    return reply_error(&c->out, "%s", ERR_NOT_FLOAT);
  if (isnan(incr) || isinf(incr)) return reply_error(&c->out, "ERR value is NaN or Infinity");
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_HASH, &wrong);
  if (wrong) return;
  hbytes b;
  if (e != NULL) {
    hval v = hv_of(e);
    if (hv_get_arg(&v, &c->argv[2], &b) && !string2ld((const char *)b.s, b.len, &cur))
      return reply_error(&c->out, "ERR hash value is not a float");
  }
  cur += incr;
  if (isnan(cur) || isinf(cur))
    return reply_error(&c->out, "ERR increment would produce NaN or Infinity");
  char buf[MAX_LONG_DOUBLE_CHARS];
  int n = ld2string(buf, sizeof buf, cur, LD_STR_HUMAN);
  if (set_field_bytes(c, e, buf, (size_t)n) != 0) return;
  reply_bulk(&c->out, buf, (size_t)n);
}

enum { H_KEYS = 1, H_VALS = 2 };

static void getall_generic(st_client *c, int what) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  hval v = hv_of(e);
  hit it;
  hbytes f, val;
  reply_array(&c->out, (long)hv_size(&v) * (what == (H_KEYS | H_VALS) ? 2 : 1));
  hit_init(&it, &v);
  while (hit_next(&it, &f, &val)) {
    if (what & H_KEYS) reply_bulk(&c->out, f.s, f.len);
    if (what & H_VALS) reply_bulk(&c->out, val.s, val.len);
  }
  hit_done(&it);
}

void cmd_hkeys(st_client *c) { getall_generic(c, H_KEYS); }
void cmd_hvals(st_client *c) { getall_generic(c, H_VALS); }
void cmd_hgetall(st_client *c) { getall_generic(c, H_KEYS | H_VALS); }

/* ------------------------------------------------------------------------------ HRANDFIELD */

#define HRANDFIELD_SUB_STRATEGY_MUL 3

static void reply_pair(st_client *c, const hbytes *f, const hbytes *v, int withvalues) {
  reply_bulk(&c->out, f->s, f->len);
  if (withvalues) reply_bulk(&c->out, v->s, v->len);
}

static void reply_node(st_client *c, const hnode *n, int withvalues) {
  reply_bulk(&c->out, n->f, n->flen);
  if (withvalues) reply_bulk(&c->out, hnode_val(n), n->vlen);
}

static inline int pick(size_t *need, size_t left) {
  if (*need > 0 && dict_rand64() % left < *need) {
    (*need)--;
    return 1;
  }
  return 0;
}

static void hrandfield_count(st_client *c, long long l, int withvalues) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  if (l == 0) return reply_array(&c->out, 0);
  st_store *st = c->st;
  hval v = hv_of(e);
  size_t size = hv_size(&v);
  hbytes f, val;
  uint8_t tier;
  int mul = withvalues ? 2 : 1;
  if (l < 0) { /* case 1: repetitions allowed */
    unsigned long long count = (unsigned long long)-l;
    unsigned char **ptrs = NULL;
    if (v.enc == ENC_LISTPACK) { /* the fields' entries, for O(1) picks */
      if ((ptrs = coll_tmp_alloc(st, size * sizeof *ptrs, &tier)) == NULL) return reply_oom(c);
      size_t i = 0;
      for (unsigned char *p = lp_first(v.p); p; p = lp_next(v.p, lp_next(v.p, p))) ptrs[i++] = p;
    }
    reply_array(&c->out, (long)(count * (unsigned)mul));
    for (unsigned long long i = 0; i < count; i++) {
      if (ptrs == NULL) {
        reply_node(c, (const hnode *)dict_random(&((hash_ht *)v.p)->d), withvalues);
        continue;
      }
      const unsigned char *p = ptrs[dict_rand64() % size];
      hb_lp(&f, p);
      if (withvalues) hb_lp(&val, lp_next(v.p, p));
      reply_pair(c, &f, &val, withvalues);
    }
    if (ptrs) coll_tmp_free(st, ptrs, size * sizeof *ptrs, tier);
    return;
  }
  size_t count = (size_t)l;
  hit it;
  if (count >= size || v.enc == ENC_LISTPACK ||
      count * HRANDFIELD_SUB_STRATEGY_MUL > size) { /* case 2 and 3: one pass, O(size) */
    size_t need = count < size ? count : size, left = size;
    reply_array(&c->out, (long)(need * (size_t)mul));
    hit_init(&it, &v);
    while (need > 0 && hit_next(&it, &f, &val))
      if (pick(&need, left--)) reply_pair(c, &f, &val, withvalues);
    hit_done(&it);
    return;
  }
  /* case 4: distinct random picks, O(count) */
  dict_node **picks = coll_random_unique(st, &((hash_ht *)v.p)->d, count, &tier);
  if (picks == NULL) return reply_oom(c);
  reply_array(&c->out, (long)(count * (size_t)mul));
  for (size_t i = 0; i < count; i++) reply_node(c, (const hnode *)picks[i], withvalues);
  coll_tmp_free(st, picks, count * sizeof *picks, tier);
}

void cmd_hrandfield(st_client *c) {
  if (c->argc >= 3) {
    long long l;
    if (arg_ll(c, 2, &l) != 0) return;
    if (l == LLONG_MIN) /* getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) */
      return reply_error(&c->out, "ERR value is out of range, value must between "
                                  "-9223372036854775807 and 9223372036854775807");
    int withvalues = c->argc == 4;
    if (c->argc > 4 || (withvalues && !arg_is(c, 3, "withvalues")))
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    if (withvalues && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2))
      return reply_error(&c->out, "ERR value is out of range");
    return hrandfield_count(c, l, withvalues);
  }
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_HASH, MISS_NULL);
  if (e == NULL) return;
  hval v = hv_of(e);
  if (v.enc == ENC_HASHTABLE) {
    const hnode *n = (const hnode *)dict_random(&((hash_ht *)v.p)->d);
    return reply_bulk(&c->out, n->f, n->flen);
  }
  hbytes f;
  hb_lp(&f, lp_seek(v.p, 2 * (long)(dict_rand64() % hv_size(&v))));
  reply_bulk(&c->out, f.s, f.len);
}

/* ------------------------------------------------------------------------------ HSCAN */

static const unsigned char *hnode_field(const void *node, size_t *len) {
  const hnode *n = node;
  *len = n->flen;
  return n->f;
}

void cmd_hscan(st_client *c) {
  uint64_t cursor;
  long long count;
  const resp_arg *pat;
  st_entry *e = coll_scan_begin(c, ST_HASH, &cursor, &count, &pat);
  if (e == NULL) return;
  hval v = hv_of(e);
  if (v.enc == ENC_LISTPACK) { /* everything at once, cursor 0 (as Redis) */
    hit it;
    hbytes f, val;
    size_t k = 0;
    hit_init(&it, &v);
    while (hit_next(&it, &f, &val)) k += coll_scan_match(pat, f.s, f.len);
    coll_reply_cursor(c, 0);
    reply_array(&c->out, (long)(2 * k));
    hit_init(&it, &v);
    while (hit_next(&it, &f, &val))
      if (coll_scan_match(pat, f.s, f.len)) reply_pair(c, &f, &val, 1);
    return;
  }
  coll_vec found = { 0 };
  /* Redis counts fields and values in its list: COUNT n stops after n/2 fields. */
  hash_ht *ht = v.p;
  if (coll_scan_dict(c, &ht->d, &cursor, count, 2, 2, pat, hnode_field, &found) != 0) return;
  for (size_t i = 0; i < found.n; i++) reply_node(c, found.v[i], 1);
  coll_vec_free(c->st, &found);
}

static void hnode_walk(const dict_node *dn, void *ctx) {
  const st_walk_ctx *w = ctx;
  const hnode *n = (const hnode *)dn;
  w->visit(w->arg, n, hnode_size(n), tier_of(n, HN_PMEM), ST_HASH, TM_CAT_METADATA);
  if (n->v) w->visit(w->arg, n->v, n->vlen, tier_of(n, HN_VAL_PMEM), ST_HASH, TM_CAT_DATA);
}

void hash_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg) {
  if (val == NULL) return;
  if (enc == ENC_LISTPACK) {
    visit(arg, val, lp_bytes(val), tier, ST_HASH, TM_CAT_DATA);
    return;
  }
  const hash_ht *ht = val;
  st_walk_ctx w = { st, visit, arg };
  visit(arg, ht, sizeof *ht, tier, ST_HASH, TM_CAT_METADATA);
  st_walk_dict_tables(&ht->d, visit, arg);
  st_walk_dict_nodes(&ht->d, hnode_walk, &w);
}

void hash_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg) {
  const hash_ht *ht = val;
  st_walk_ctx w = { st, visit, arg };
  if (node != NULL) return hnode_walk(node, &w);
  visit(arg, ht, sizeof *ht, tier, ST_HASH, TM_CAT_METADATA);
  st_walk_dict_tables(&ht->d, visit, arg);
}

/* ------------------------------------------------------------------------------ for SORT */

int hash_field(const st_entry *e, const void *f, size_t flen, st_bytes *out) {
  hval v = hv_of(e);
  hbytes b;
  if (!hv_get(&v, f, flen, &b)) return 0;
  out->len = b.len;
  if (b.s == (const unsigned char *)b.buf) {
    memcpy(out->buf, b.buf, b.len);
    out->s = (const unsigned char *)out->buf;
  } else {
    out->s = b.s;
  }
  return 1;
}

/* ------------------------------------------------------------------------------ for COPY */

int hash_dup(st_store *st, const st_entry *e, str_val *out) {
  hval v = hv_of(e), n;
  if ((v.enc == ENC_HASHTABLE ? hv_to_ht(st, &v, 0, &n) : lp_clone(st, &v, &n)) != 0) return -1;
  *out = (str_val){ n.p, 0, n.tier, n.enc };
  return 0;
}

/* ------------------------------------------------------------------------------ persistence */

int hash_ht_create(st_store *st, size_t hint, void **val, uint8_t *tier) {
  hval v;
  if (ht_new(st, hint, &v) != 0) return -1;
  *val = v.p;
  *tier = v.tier;
  return 0;
}

int hash_ht_insert(st_store *st, void *val, const unsigned char *f, size_t flen,
                   const unsigned char *v, size_t vlen) {
  hash_ht *ht = val;
  if (dict_find(&ht->d, f, flen) != NULL) return 0;
  hnode *n = hnode_new(st, f, flen, v, vlen);
  if (n == NULL) return -1;
  ht_put(st, ht, n);
  return 1;
}

size_t hash_ht_size(const void *val) { return dict_size(&((const hash_ht *)val)->d); }

typedef struct each_ctx {
  coll_visit_fn *fn;
  void *arg;
} each_ctx;

static void each_pair(const dict_node *dn, void *ctx) {
  const hnode *n = (const hnode *)dn;
  const each_ctx *x = ctx;
  x->fn(x->arg, n->f, n->flen, hnode_val(n), n->vlen);
}

dict *hash_ht_dict(void *val) { return &((hash_ht *)val)->d; }

void hash_ht_visit(const dict_node *dn, coll_visit_fn *fn, void *arg) {
  const hnode *n = (const hnode *)dn;
  fn(arg, n->f, n->flen, hnode_val(n), n->vlen);
}

void hash_ht_each(const void *val, coll_visit_fn *fn, void *arg) {
  each_ctx x = { fn, arg };
  st_walk_dict_nodes(&((const hash_ht *)val)->d, each_pair, &x);
}

/* ------------------------------------------------------------------------------ migration */

uint8_t hash_values_tier(const st_entry *e, uint8_t want) {
  const hash_ht *ht = e->val;
  if (ht->vals[want] > 0) return want;
  return ht->vals[want ^ 1] > 0 ? (uint8_t)(want ^ 1) : entry_val_tier(e);
}

typedef struct hash_mover {
  st_store *st;
  hash_ht *ht;
  uint8_t to;
  int failed;
  size_t values;
  size_t bytes;
} hash_mover;

static void move_value(dict_node *dn, void *arg) {
  hash_mover *m = arg;
  hnode *n = (hnode *)dn;
  if (m->failed || n->v == NULL || tier_of(n, HN_VAL_PMEM) == m->to) return;
  uint8_t tier = tier_of(n, HN_VAL_PMEM);
  ht_count(m->st, m->ht, n, -1); /* before the move: the old block is gone after it */
  void *p = sm_move(&m->st->mem, ST_HASH, TM_CAT_DATA, n->v, n->vlen, &tier, (tm_tier)m->to);
  if (p != NULL) {
    n->v = p;
    n->flags = (uint8_t)((n->flags & ~HN_VAL_PMEM) | (tier == TM_PMEM ? HN_VAL_PMEM : 0));
  }
  ht_count(m->st, m->ht, n, +1);
  if (p == NULL || tier != m->to) { /* no room on `to`: the value is as it was */
    m->failed = 1;
    return;
  }
  m->values++;
  m->bytes += sm_usable(&m->st->mem, tier, p, n->vlen);
}

size_t hash_migrate_values(st_store *st, st_entry *e, uint8_t to, size_t max_values, int *failed) {
  hash_ht *ht = e->val;
  hash_mover m = { st, ht, to, 0, 0, 0 };
  /* Empty buckets cost a visit too: at most HASH_MIG_BUCKETS per value wanted. */
  size_t buckets = max_values * HASH_MIG_BUCKETS;
  for (size_t b = 0; b < buckets && ht->vals[to ^ 1] > 0 && m.values < max_values && !m.failed; b++)
    ht->mig_cursor = dict_scan(&ht->d, ht->mig_cursor, move_value, &m);
  *failed = m.failed;
  return m.bytes;
}
