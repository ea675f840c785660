/* t_set.c - the set type: its encodings, conversions, value lifecycle and commands.
 *
 * Encodings (Redis 7.2's rules, for memory; Redis 7.0 says "hashtable" where a small set of
 * strings is "listpack" here, a documented difference):
 *   ENC_INTSET     every member a canonical int64, at most set-max-intset-entries of them;
 *   ENC_LISTPACK   at most set-max-listpack-entries members of at most set-max-listpack-value
 *                  bytes (data block, routed by the threshold);
 *   ENC_HASHTABLE  a set_ht (metadata, DRAM): a dict of member nodes (metadata, DRAM: members
 *                  are lookup keys as much as data).
 * Conversions only go up (intset -> listpack -> hashtable, or intset -> hashtable), as Redis.
 *
 * OOM: a single add or remove is atomic (intset and listpack calls leave the old block intact
 * on NULL; a conversion builds the whole new value before freeing the old). Multi-member
 * writes work on a private copy (small encodings) or allocate every new node before linking
 * any (hashtable), so a refusal leaves the set as it was and replies the OOM error.
 *
 * Also here: helpers shared with t_hash.c and t_zset_ops.c (temporary blocks, unique random
 * picks), declared at the end of store.h; the SCAN family's steps are in coll_scan.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "intset.h"
#include "listpack.h"
#include "store.h"

/* ------------------------------------------------------------------------------ shared */

void *coll_tmp_alloc(st_store *st, size_t size, uint8_t *tier) {
  return sm_alloc(&st->mem, SM_STORE, TM_CAT_OTHER, size ? size : 1, tier);
}

void coll_tmp_free(st_store *st, void *p, size_t size, uint8_t tier) {
  sm_free(&st->mem, SM_STORE, TM_CAT_OTHER, p, size ? size : 1, tier);
}

int coll_vec_push(st_store *st, coll_vec *v, void *p) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    uint8_t tier = v->tier;
    void **nv = v->v == NULL ? coll_tmp_alloc(st, cap * sizeof *nv, &tier)
                             : sm_realloc(&st->mem, SM_STORE, TM_CAT_OTHER, v->v,
                                          v->cap * sizeof *nv, cap * sizeof *nv, &tier);
    if (nv == NULL) {
      v->oom = 1;
      return -1;
    }
    v->v = nv;
    v->cap = cap;
    v->tier = tier;
  }
  v->v[v->n++] = p;
  return 0;
}

void coll_vec_free(st_store *st, coll_vec *v) {
  if (v->v != NULL) coll_tmp_free(st, v->v, v->cap * sizeof *v->v, v->tier);
  memset(v, 0, sizeof *v);
}

/* count distinct random nodes of d (count < dict_size(d)): Redis's SRANDMEMBER/HRANDFIELD
 * "case 4", picks deduplicated through an open-addressing set of node addresses, O(count)
 * expected while count <= size / 3. The nodes go to a temporary block of count pointers. */
dict_node **coll_random_unique(st_store *st, dict *d, size_t count, uint8_t *tier) {
  size_t cap = 16;
  while (cap < count * 2) cap <<= 1;
  uint8_t stier;
  dict_node **seen = coll_tmp_alloc(st, cap * sizeof *seen, &stier);
  if (seen == NULL) return NULL;
  dict_node **out = coll_tmp_alloc(st, count * sizeof *out, tier);
  if (out == NULL) {
    coll_tmp_free(st, seen, cap * sizeof *seen, stier);
    return NULL;
  }
  memset(seen, 0, cap * sizeof *seen);
  for (size_t n = 0; n < count;) {
    dict_node *x = dict_random(d);
    uint64_t h = (uint64_t)(uintptr_t)x * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 20) & (cap - 1);
    while (seen[i] != NULL && seen[i] != x) i = (i + 1) & (cap - 1);
    if (seen[i] == x) continue;
    seen[i] = x;
    out[n++] = x;
  }
  coll_tmp_free(st, seen, cap * sizeof *seen, stier);
  return out;
}

/* Selection sampling (Knuth's algorithm S): called once per element in order, with `left`
 * elements not yet seen, picks exactly *need of them, every subset equally likely. */
static inline int pick(size_t *need, size_t left) {
  if (*need > 0 && dict_rand64() % left < *need) {
    (*need)--;
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ values */

typedef struct set_ht {
  dict d;
  size_t bytes; /* usable bytes of the member nodes (the bucket arrays: dict_table_bytes) */
} set_ht;

typedef struct snode {
  dict_node node;
  uint32_t len;
  uint8_t tier;
  unsigned char m[];
} snode;

static const unsigned char *snode_key(const dict_node *n, size_t *len) {
  const snode *s = (const snode *)n;
  *len = s->len;
  return s->m;
}
static const dict_type snode_type = { snode_key };

/* A set value, attached to an entry or not (a result being built). */
typedef struct sval {
  void *p;
  uint8_t enc, tier;
} sval;

static inline sval sv_of(const st_entry *e) {
  return (sval){ e->val, (uint8_t)entry_enc(e), entry_val_tier(e) };
}
static inline void sv_store(st_entry *e, const sval *v) {
  e->val = v->p;
  entry_set_enc(e, v->enc);
  entry_set_val_tier(e, v->tier);
}

/* A member as bytes (s, len); integers from an intset or listpack are rendered into buf, and
 * is_int/ll say so (membership in an intset then needs no parse). Not copyable (s -> buf). */
typedef struct smem {
  const unsigned char *s;
  size_t len;
  int is_int;
  int64_t ll;
  char buf[LP_INTBUF];
} smem;

static void smem_int(smem *m, int64_t v) {
  m->is_int = 1;
  m->ll = v;
  m->len = lp_ll2str(v, m->buf);
  m->s = (const unsigned char *)m->buf;
}

static void smem_lp(smem *m, const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int) return smem_int(m, v.ll);
  m->is_int = 0;
  m->s = v.s;
  m->len = v.len;
}

static inline void smem_node(smem *m, const snode *n) {
  m->is_int = 0;
  m->s = n->m;
  m->len = n->len;
}

static size_t sv_size(const sval *v) {
  switch (v->enc) {
    case ENC_INTSET: return is_len(v->p);
    case ENC_LISTPACK: return lp_length(v->p);
    default: return dict_size(&((const set_ht *)v->p)->d);
  }
}

static snode *snode_new(st_store *st, const unsigned char *s, size_t len) {
  if (len > UINT32_MAX) return NULL;
  uint8_t tier;
  snode *n = sm_alloc(&st->mem, ST_SET, TM_CAT_METADATA, offsetof(snode, m) + len, &tier);
  if (n == NULL) return NULL;
  n->node.next = NULL;
  n->len = (uint32_t)len;
  n->tier = tier;
  if (len) memcpy(n->m, s, len);
  return n;
}

static inline size_t snode_size(const snode *n) { return offsetof(snode, m) + n->len; }
static inline size_t snode_usable(st_store *st, const snode *n) {
  return sm_usable(&st->mem, n->tier, n, snode_size(n));
}
static inline void snode_free(st_store *st, snode *n) {
  sm_free(&st->mem, ST_SET, TM_CAT_METADATA, n, snode_size(n), n->tier);
}

/* Link a node whose member is absent (the table exists: ht_new reserved it). */
static int ht_link(st_store *st, set_ht *ht, snode *n) {
  if (dict_add(&ht->d, &n->node) != 0) return -1;
  ht->bytes += snode_usable(st, n);
  return 0;
}

static void ht_unlinked(st_store *st, set_ht *ht, snode *n) {
  ht->bytes -= snode_usable(st, n);
  snode_free(st, n);
}

/* The first table is sized for at most this many: beyond, the dict grows in its own bounded
 * steps rather than zeroing a huge table at once (SPOP's move strategy on a huge set). */
#define FIRST_TABLE_MAX 4096

/* An empty hashtable set with its table sized for `hint` members. */
static int ht_new(st_store *st, size_t hint, sval *out) {
  uint8_t tier;
  set_ht *ht = sm_alloc(&st->mem, ST_SET, TM_CAT_METADATA, sizeof *ht, &tier);
  if (ht == NULL) return -1;
  dict_init(&ht->d, &snode_type, &st->mem, ST_SET);
  ht->bytes = 0;
  if (dict_reserve(&ht->d, hint == 0 ? 1 : hint < FIRST_TABLE_MAX ? hint : FIRST_TABLE_MAX) != 0) {
    sm_free(&st->mem, ST_SET, TM_CAT_METADATA, ht, sizeof *ht, tier);
    return -1;
  }
  *out = (sval){ ht, ENC_HASHTABLE, tier };
  return 0;
}

static void snode_drop(dict_node *n, void *arg) { snode_free(arg, (snode *)n); }

/* Free up to max members; returns how many remain (0: the value is gone). */
static size_t sv_free_step(st_store *st, const sval *v, size_t max) {
  switch (v->enc) {
    case ENC_INTSET: is_free(&st->mem, ST_SET, v->p, v->tier); return 0;
    case ENC_LISTPACK: lp_free(&st->mem, ST_SET, v->p, v->tier); return 0;
    default: {
      set_ht *ht = v->p;
      size_t left = dict_drain(&ht->d, max, snode_drop, st);
      if (left) return left;
      sm_free(&st->mem, ST_SET, TM_CAT_METADATA, ht, sizeof *ht, v->tier);
      return 0;
    }
  }
}

static void sv_free(st_store *st, const sval *v) { sv_free_step(st, v, SIZE_MAX); }

size_t set_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max) {
  sval v = { val, (uint8_t)enc, tier };
  return sv_free_step(st, &v, max);
}

void set_free(st_store *st, st_entry *e) {
  sval v = sv_of(e);
  sv_free(st, &v);
}

size_t set_usage(st_store *st, const st_entry *e) {
  sval v = sv_of(e);
  switch (v.enc) {
    case ENC_INTSET: return sm_usable(&st->mem, v.tier, v.p, is_bytes(v.p));
    case ENC_LISTPACK: return sm_usable(&st->mem, v.tier, v.p, lp_bytes(v.p));
    default: {
      const set_ht *ht = v.p;
      return sm_usable(&st->mem, v.tier, ht, sizeof *ht) + ht->bytes + dict_table_bytes(&ht->d);
    }
  }
}

/* ------------------------------------------------------------------------------ iteration */

typedef struct sit {
  const sval *v;
  uint32_t i;
  const unsigned char *p;
  dict_iter di;
} sit;

static void sit_init(sit *it, const sval *v) {
  it->v = v;
  it->i = 0;
  if (v->enc == ENC_LISTPACK)
    it->p = lp_first(v->p);
  else if (v->enc == ENC_HASHTABLE)
    dict_iter_init(&it->di, &((set_ht *)v->p)->d);
}

/* The next member into *m (and its node for hashtables); 0 at the end. */
static int sit_next(sit *it, smem *m, snode **node) {
  switch (it->v->enc) {
    case ENC_INTSET: {
      int64_t x;
      if (!is_get(it->v->p, it->i, &x)) return 0;
      it->i++;
      smem_int(m, x);
      return 1;
    }
    case ENC_LISTPACK:
      if (it->p == NULL) return 0;
      smem_lp(m, it->p);
      it->p = lp_next(it->v->p, it->p);
      return 1;
    default: {
      snode *n = (snode *)dict_iter_next(&it->di);
      if (n == NULL) return 0;
      smem_node(m, n);
      if (node) *node = n;
      return 1;
    }
  }
}

static void sit_done(sit *it) {
  if (it->v->enc == ENC_HASHTABLE) dict_iter_done(&it->di);
}

static void reply_members(st_client *c, const sval *v) {
  reply_array(&c->out, (long long)sv_size(v));
  sit it;
  smem m;
  sit_init(&it, v);
  while (sit_next(&it, &m, NULL)) reply_bulk(&c->out, m.s, m.len);
  sit_done(&it);
}

/* ------------------------------------------------------------------------------ lookups */

static int sv_has(const sval *v, const unsigned char *s, size_t len) {
  switch (v->enc) {
    case ENC_INTSET: {
      int64_t x;
      return lp_str2ll(s, len, &x) && is_find(v->p, x);
    }
    case ENC_LISTPACK: return lp_find(v->p, lp_first(v->p), s, (uint32_t)len, 0) != NULL;
    default: return dict_find(&((set_ht *)v->p)->d, s, len) != NULL;
  }
}

static int sv_has_m(const sval *v, const smem *m) {
  if (v->enc == ENC_INTSET && m->is_int) return is_find(v->p, m->ll);
  return sv_has(v, m->s, m->len);
}

static inline int sv_has_arg(const sval *v, const resp_arg *a) { return sv_has(v, a->ptr, a->len); }

/* A random member into *m (for hashtables also its node; for listpacks *lpp the entry). */
static void sv_random(const sval *v, smem *m, snode **node, unsigned char **lpp) {
  switch (v->enc) {
    case ENC_INTSET: smem_int(m, is_random(v->p)); break;
    case ENC_LISTPACK: {
      unsigned char *p = lp_seek(v->p, (long)(dict_rand64() % lp_length(v->p)));
      smem_lp(m, p);
      if (lpp) *lpp = p;
      break;
    }
    default: {
      snode *n = (snode *)dict_random(&((set_ht *)v->p)->d);
      smem_node(m, n);
      if (node) *node = n;
    }
  }
}

/* ------------------------------------------------------------------------------ changes */

/* A hashtable copy of a small set, sized for `extra` more members. src is untouched. */
static int sv_to_ht(st_store *st, const sval *src, size_t extra, sval *out) {
  if (ht_new(st, sv_size(src) + extra, out) != 0) return -1;
  sit it;
  smem m;
  sit_init(&it, src);
  while (sit_next(&it, &m, NULL)) {
    snode *n = snode_new(st, m.s, m.len);
    if (n == NULL || ht_link(st, out->p, n) != 0) {
      if (n) snode_free(st, n);
      sv_free(st, out);
      return -1;
    }
  }
  return 0;
}

/* A listpack copy of an intset. */
static int is_to_lp(st_store *st, const sval *src, sval *out) {
  uint8_t tier;
  unsigned char *lp = lp_new(&st->mem, ST_SET, &tier);
  int64_t x;
  for (uint32_t i = 0; lp != NULL && is_get(src->p, i, &x); i++) {
    unsigned char *nl = lp_append_int(&st->mem, ST_SET, lp, &tier, x);
    if (nl == NULL) lp_free(&st->mem, ST_SET, lp, tier);
    lp = nl;
  }
  if (lp == NULL) return -1;
  *out = (sval){ lp, ENC_LISTPACK, tier };
  return 0;
}

/* Longest decimal rendering of an intset's members (its extremes). */
static size_t is_max_len(const unsigned char *is) {
  char buf[LP_INTBUF];
  int64_t lo, hi;
  if (!is_get(is, 0, &lo)) return 0;
  is_get(is, is_len(is) - 1, &hi);
  uint32_t a = lp_ll2str(lo, buf), b = lp_ll2str(hi, buf);
  return a > b ? a : b;
}

/* Add to a small set by converting it to a hashtable with the new member. */
static int add_via_ht(st_store *st, sval *v, const unsigned char *s, size_t len, int allow_ht) {
  if (!allow_ht) return -2;
  snode *n = snode_new(st, s, len);
  if (n == NULL) return -1;
  sval ht;
  if (sv_to_ht(st, v, 1, &ht) != 0) {
    snode_free(st, n);
    return -1;
  }
  ht_link(st, ht.p, n); /* cannot fail: the table exists */
  sv_free(st, v);
  *v = ht;
  return 1;
}

/* Add one member: 1 added, 0 already there, -1 OOM (v unchanged), -2 a hashtable would be
 * needed and allow_ht is 0 (v unchanged). Redis 7.2's setTypeAddAux decisions. */
static int sv_add(st_store *st, sval *v, const unsigned char *s, size_t len, int allow_ht) {
  const st_config *cfg = &st->cfg;
  switch (v->enc) {
    case ENC_INTSET: {
      int64_t x;
      size_t n = is_len(v->p);
      if (lp_str2ll(s, len, &x)) {
        if (is_find(v->p, x)) return 0;
        if ((int64_t)n >= cfg->set_max_intset_entries) return add_via_ht(st, v, s, len, allow_ht);
        int added;
        uint8_t tier = v->tier;
        unsigned char *is = is_add(&st->mem, ST_SET, v->p, &tier, x, &added);
        if (is == NULL) return -1;
        v->p = is;
        v->tier = tier;
        return 1;
      }
      if ((int64_t)n < cfg->set_max_listpack_entries &&
          (int64_t)len <= cfg->set_max_listpack_value &&
          (int64_t)is_max_len(v->p) <= cfg->set_max_listpack_value) {
        sval lp;
        if (is_to_lp(st, v, &lp) != 0) return -1;
        if (sv_add(st, &lp, s, len, 0) != 1) {
          sv_free(st, &lp);
          return -1;
        }
        sv_free(st, v);
        *v = lp;
        return 1;
      }
      return add_via_ht(st, v, s, len, allow_ht);
    }
    case ENC_LISTPACK: {
      if (lp_find(v->p, lp_first(v->p), s, (uint32_t)len, 0) != NULL) return 0;
      if ((int64_t)lp_length(v->p) >= cfg->set_max_listpack_entries ||
          (int64_t)len > cfg->set_max_listpack_value)
        return add_via_ht(st, v, s, len, allow_ht);
      uint8_t tier = v->tier;
      unsigned char *lp = lp_append(&st->mem, ST_SET, v->p, &tier, s, (uint32_t)len);
      if (lp == NULL) return -1;
      v->p = lp;
      v->tier = tier;
      return 1;
    }
    default: {
      set_ht *ht = v->p;
      uint64_t h = dict_hash(s, len);
      if (dict_find_hashed(&ht->d, s, len, h) != NULL) return 0;
      snode *n = snode_new(st, s, len);
      if (n == NULL) return -1;
      if (dict_add_hashed(&ht->d, &n->node, h) != 0) {
        snode_free(st, n);
        return -1;
      }
      ht->bytes += snode_usable(st, n);
      return 1;
    }
  }
}

/* Remove one member: 1 removed, 0 absent, -1 OOM (a refused shrink; v unchanged). */
static int sv_remove(st_store *st, sval *v, const unsigned char *s, size_t len) {
  switch (v->enc) {
    case ENC_INTSET: {
      int64_t x;
      int removed = 0;
      if (!lp_str2ll(s, len, &x) || !is_find(v->p, x)) return 0;
      uint8_t tier = v->tier;
      unsigned char *is = is_remove(&st->mem, ST_SET, v->p, &tier, x, &removed);
      if (is == NULL) return -1;
      v->p = is;
      v->tier = tier;
      return removed;
    }
    case ENC_LISTPACK: {
      unsigned char *p = lp_find(v->p, lp_first(v->p), s, (uint32_t)len, 0);
      if (p == NULL) return 0;
      uint8_t tier = v->tier;
      unsigned char *lp = lp_delete(&st->mem, ST_SET, v->p, &tier, p, NULL);
      if (lp == NULL) return -1;
      v->p = lp;
      v->tier = tier;
      return 1;
    }
    default: {
      set_ht *ht = v->p;
      snode *n = (snode *)dict_unlink(&ht->d, s, len);
      if (n == NULL) return 0;
      ht_unlinked(st, ht, n);
      return 1;
    }
  }
}

/* A private byte copy of a small set. */
static int sv_clone_small(st_store *st, const sval *v, sval *out) {
  size_t n = v->enc == ENC_INTSET ? is_bytes(v->p) : lp_bytes(v->p);
  uint8_t tier;
  void *p = sm_alloc(&st->mem, ST_SET, TM_CAT_DATA, n, &tier);
  if (p == NULL) return -1;
  memcpy(p, v->p, n);
  *out = (sval){ p, v->enc, tier };
  return 0;
}

static inline sval sv_empty_intset(st_store *st) {
  uint8_t tier = TM_DRAM;
  unsigned char *is = is_new(&st->mem, ST_SET, &tier);
  return (sval){ is, ENC_INTSET, tier };
}

static inline sval sv_empty_lp(st_store *st) {
  uint8_t tier = TM_DRAM;
  unsigned char *lp = lp_new(&st->mem, ST_SET, &tier);
  return (sval){ lp, ENC_LISTPACK, tier };
}

/* An empty set suited to a first member (intset for an integer, else listpack). p NULL on OOM. */
static sval sv_new_for(st_store *st, const unsigned char *s, size_t len) {
  int64_t x;
  return lp_str2ll(s, len, &x) ? sv_empty_intset(st) : sv_empty_lp(st);
}

/* Add n members atomically: 0 (with *added), or -1 on OOM with v as it was. `priv` says v is
 * not attached to a key yet (no copy needed to stay atomic: the caller frees it on -1). */
static int sv_add_all(st_store *st, sval *v, const resp_arg *a, int n, int priv, long long *added) {
  *added = 0;
  if (priv || n == 1) {
    for (int i = 0; i < n; i++) {
      int r = sv_add(st, v, a[i].ptr, a[i].len, 1);
      if (r < 0) return -1;
      *added += r;
    }
    return 0;
  }
  if (v->enc != ENC_HASHTABLE) {
    sval cp;
    if (sv_clone_small(st, v, &cp) != 0) return -1;
    int r = 0;
    long long k = 0;
    for (int i = 0; i < n && r >= 0; i++) {
      r = sv_add(st, &cp, a[i].ptr, a[i].len, 0);
      if (r > 0) k++;
    }
    if (r >= 0) {
      sv_free(st, v);
      *v = cp;
      *added = k;
      return 0;
    }
    sv_free(st, &cp);
    if (r == -1) return -1;
    /* -2: the result is a hashtable; build it below from the original. */
  }
  /* Every new member's node first, in a chain through their (unlinked) dict_node. */
  dict_node *pending = NULL;
  size_t np = 0;
  for (int i = 0; i < n; i++) {
    if (sv_has_arg(v, &a[i])) continue;
    snode *x = snode_new(st, a[i].ptr, a[i].len);
    if (x == NULL) goto oom;
    x->node.next = pending;
    pending = &x->node;
    np++;
  }
  sval ht = *v;
  if (v->enc != ENC_HASHTABLE && sv_to_ht(st, v, np, &ht) != 0) goto oom;
  while (pending != NULL) {
    snode *x = (snode *)pending;
    pending = pending->next;
    x->node.next = NULL;
    if (dict_find(&((set_ht *)ht.p)->d, x->m, x->len) != NULL || ht_link(st, ht.p, x) != 0) {
      snode_free(st, x); /* a repeated argument */
    } else {
      (*added)++;
    }
  }
  if (ht.p != v->p) {
    sv_free(st, v);
    *v = ht;
  }
  return 0;
oom:
  while (pending != NULL) {
    snode *x = (snode *)pending;
    pending = pending->next;
    snode_free(st, x);
  }
  return -1;
}

/* Store v back into e after `changes` changes; an empty set deletes the key. */
static void set_commit(st_client *c, st_entry *e, const sval *v, long long changes) {
  sv_store(e, v);
  if (sv_size(v) == 0) {
    db_delete_entry(c, c->db, e);
  } else if (changes > 0) {
    key_modified(c, c->db, e);
  }
  if (changes > 1) store_dirty(c, (uint64_t)changes - 1);
}

/* ------------------------------------------------------------------------------ commands */

void cmd_sadd(st_client *c) {
  st_store *st = c->st;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_SET, &wrong);
  if (wrong) return;
  long long added;
  if (e != NULL) {
    sval v = sv_of(e);
    int r = sv_add_all(st, &v, &c->argv[2], c->argc - 2, 0, &added);
    sv_store(e, &v);
    if (r != 0) return reply_oom(c);
    set_commit(c, e, &v, added);
    return reply_int(&c->out, added);
  }
  sval v = sv_new_for(st, c->argv[2].ptr, c->argv[2].len);
  if (v.p == NULL) return reply_oom(c);
  if (sv_add_all(st, &v, &c->argv[2], c->argc - 2, 1, &added) != 0 ||
      db_add(c, c->db, c->argv[1].ptr, c->argv[1].len, ST_SET, v.enc, v.p, 0, v.tier) == NULL) {
    sv_free(st, &v);
    return reply_oom(c);
  }
  if (added > 1) store_dirty(c, (uint64_t)added - 1);
  reply_int(&c->out, added);
}

void cmd_srem(st_client *c) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_SET, &wrong);
  if (wrong) return;
  if (e == NULL) return reply_int(&c->out, 0);
  sval v = sv_of(e);
  long long n = 0;
  int oom = 0;
  for (int i = 2; i < c->argc && sv_size(&v) > 0; i++) {
    int r = sv_remove(c->st, &v, c->argv[i].ptr, c->argv[i].len);
    if (r < 0) {
      oom = 1; /* a refused shrink: what was removed stays removed */
      break;
    }
    n += r;
  }
  set_commit(c, e, &v, n);
  if (oom) return reply_oom(c);
  reply_int(&c->out, n);
}

void cmd_smembers(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_SET, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  sval v = sv_of(e);
  reply_members(c, &v);
}

void cmd_sismember(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_SET, MISS_ZERO);
  if (e == NULL) return;
  sval v = sv_of(e);
  reply_int(&c->out, sv_has_arg(&v, &c->argv[2]));
}

void cmd_smismember(st_client *c) {
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e != NULL && check_type(c, e, ST_SET)) return;
  sval v = e ? sv_of(e) : (sval){ 0 };
  reply_array(&c->out, c->argc - 2);
  for (int i = 2; i < c->argc; i++) reply_int(&c->out, e ? sv_has_arg(&v, &c->argv[i]) : 0);
}

void cmd_scard(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_SET, MISS_ZERO);
  if (e == NULL) return;
  sval v = sv_of(e);
  reply_int(&c->out, (long long)sv_size(&v));
}

/* ------------------------------------------------------------------------------ random */

/* The small-set member at index i (listpack entries through the ptrs array). */
static void small_at(const sval *v, unsigned char **ptrs, size_t i, smem *m) {
  if (v->enc == ENC_INTSET) {
    int64_t x;
    is_get(v->p, (uint32_t)i, &x);
    smem_int(m, x);
  } else {
    smem_lp(m, ptrs[i]);
  }
}

/* The entry pointers of a small listpack set (NULL for intsets, or on OOM with *oom set). */
static unsigned char **lp_ptrs(st_store *st, const sval *v, size_t n, uint8_t *tier, int *oom) {
  *oom = 0;
  if (v->enc != ENC_LISTPACK) return NULL;
  unsigned char **ptrs = coll_tmp_alloc(st, n * sizeof *ptrs, tier);
  if (ptrs == NULL) {
    *oom = 1;
    return NULL;
  }
  size_t i = 0;
  for (unsigned char *p = lp_first(v->p); p != NULL; p = lp_next(v->p, p)) ptrs[i++] = p;
  return ptrs;
}

#define SPOP_MOVE_STRATEGY_MUL 5
#define SRANDMEMBER_SUB_STRATEGY_MUL 3

/* SPOP key count on a small set (count < size): the kept members go to a new value first
 * (the only step that can fail), then the popped ones are replied from the old one. */
static void spop_small(st_client *c, st_entry *e, sval *v, size_t count) {
  st_store *st = c->st;
  size_t size = sv_size(v);
  uint8_t ftier, ptier = 0;
  unsigned char *popped = coll_tmp_alloc(st, size, &ftier);
  int oom;
  unsigned char **ptrs = popped ? lp_ptrs(st, v, size, &ptier, &oom) : NULL;
  sval nv = { 0 };
  if (popped == NULL || oom) goto fail;
  nv = v->enc == ENC_INTSET ? sv_empty_intset(st) : sv_empty_lp(st);
  if (nv.p == NULL) goto fail;
  size_t need = count;
  for (size_t i = 0; i < size; i++) {
    popped[i] = (unsigned char)pick(&need, size - i);
    if (popped[i]) continue;
    smem m;
    small_at(v, ptrs, i, &m);
    if (sv_add(st, &nv, m.s, m.len, 1) < 0) goto fail; /* limits may have shrunk since */
  }
  reply_array(&c->out, (long long)count);
  for (size_t i = 0; i < size; i++) {
    if (!popped[i]) continue;
    smem m;
    small_at(v, ptrs, i, &m);
    reply_bulk(&c->out, m.s, m.len);
  }
  sv_free(st, v);
  *v = nv;
  nv.p = NULL;
  set_commit(c, e, v, (long long)count);
  goto done;
fail:
  if (nv.p) sv_free(st, &nv);
  reply_oom(c);
done:
  if (ptrs) coll_tmp_free(st, ptrs, size * sizeof *ptrs, ptier);
  if (popped) coll_tmp_free(st, popped, size, ftier);
}

/* SPOP key count on a hashtable (count < size): Redis's strategies. Few: unlink random nodes
 * one by one. Most: move the ones that stay into a new table, reply and free the rest. */
static void spop_ht(st_client *c, st_entry *e, sval *v, size_t count) {
  st_store *st = c->st;
  set_ht *ht = v->p;
  size_t size = dict_size(&ht->d);
  if (count * SPOP_MOVE_STRATEGY_MUL <= size) {
    reply_array(&c->out, (long long)count);
    for (size_t i = 0; i < count; i++) {
      snode *n = (snode *)dict_random(&ht->d);
      dict_unlink_node(&ht->d, &n->node);
      reply_bulk(&c->out, n->m, n->len);
      ht_unlinked(st, ht, n);
    }
    return set_commit(c, e, v, (long long)count);
  }
  size_t keep = size - count;
  sval nv;
  if (ht_new(st, keep, &nv) != 0) return reply_oom(c);
  set_ht *nh = nv.p;
  for (size_t i = 0; i < keep; i++) {
    snode *n = (snode *)dict_random(&ht->d);
    dict_unlink_node(&ht->d, &n->node);
    size_t u = snode_usable(st, n);
    ht->bytes -= u;
    dict_add(&nh->d, &n->node); /* cannot fail: reserved */
    nh->bytes += u;
  }
  reply_members(c, v);
  sv_free(st, v);
  *v = nv;
  set_commit(c, e, v, (long long)count);
}

static void spop_count(st_client *c) {
  long long count;
  if (arg_ll_range(c, 2, 0, LLONG_MAX, &count, ERR_POSITIVE) != 0) return;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_SET, &wrong);
  if (wrong) return;
  if (e == NULL || count == 0) return reply_array(&c->out, 0);
  sval v = sv_of(e);
  size_t size = sv_size(&v);
  if ((unsigned long long)count >= size) {
    reply_members(c, &v);
    store_dirty(c, size);
    return db_delete_entry(c, c->db, e);
  }
  if (v.enc == ENC_HASHTABLE)
    spop_ht(c, e, &v, (size_t)count);
  else
    spop_small(c, e, &v, (size_t)count);
}

void cmd_spop(st_client *c) {
  if (c->argc == 3) return spop_count(c);
  if (c->argc > 3) return reply_error(&c->out, "%s", ERR_SYNTAX);
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_SET, &wrong);
  if (wrong) return;
  if (e == NULL) return reply_null_bulk(&c->out);
  st_store *st = c->st;
  sval v = sv_of(e);
  smem m;
  snode *n = NULL;
  unsigned char *p = NULL;
  sv_random(&v, &m, &n, &p);
  if (v.enc == ENC_HASHTABLE) {
    set_ht *ht = v.p;
    dict_unlink_node(&ht->d, &n->node);
    reply_bulk(&c->out, n->m, n->len);
    ht_unlinked(st, ht, n);
  } else {
    /* The member's bytes live in the block the removal rewrites: keep a copy. */
    uint8_t tt = 0;
    unsigned char stack[128],
        *copy = m.len <= sizeof stack ? stack : coll_tmp_alloc(st, m.len, &tt);
    if (copy == NULL) return reply_oom(c);
    memcpy(copy, m.s, m.len);
    size_t len = m.len;
    int r = sv_remove(st, &v, copy, len);
    if (r > 0) reply_bulk(&c->out, copy, len);
    if (copy != stack) coll_tmp_free(st, copy, len, tt);
    if (r < 0) return reply_oom(c);
  }
  set_commit(c, e, &v, 1);
}

static void srandmember_count(st_client *c) {
  long long l;
  if (arg_ll(c, 2, &l) != 0) return;
  if (l == LLONG_MIN) /* getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) */
    return reply_error(&c->out, "ERR value is out of range, value must between "
                                "-9223372036854775807 and 9223372036854775807");
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_SET, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  if (l == 0) return reply_array(&c->out, 0);
  st_store *st = c->st;
  sval v = sv_of(e);
  size_t size = sv_size(&v);
  smem m;
  uint8_t tier;
  int oom;
  if (l < 0) { /* case 1: repetitions allowed, |count| picks */
    unsigned long long count = (unsigned long long)-l;
    unsigned char **ptrs = lp_ptrs(st, &v, size, &tier, &oom);
    if (oom) return reply_oom(c);
    reply_array(&c->out, (long long)count);
    for (unsigned long long i = 0; i < count; i++) {
      if (v.enc == ENC_HASHTABLE)
        sv_random(&v, &m, NULL, NULL);
      else
        small_at(&v, ptrs, (size_t)(dict_rand64() % size), &m);
      reply_bulk(&c->out, m.s, m.len);
    }
    if (ptrs) coll_tmp_free(st, ptrs, size * sizeof *ptrs, tier);
    return;
  }
  size_t count = (size_t)l;
  if (count >= size) return reply_members(c, &v); /* case 2 */
  if (v.enc != ENC_HASHTABLE || count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    /* case 3: one pass choosing count of size (O(size), as Redis's copy-and-remove) */
    reply_array(&c->out, (long long)count);
    sit it;
    size_t need = count, left = size;
    sit_init(&it, &v);
    while (need > 0 && sit_next(&it, &m, NULL))
      if (pick(&need, left--)) reply_bulk(&c->out, m.s, m.len);
    sit_done(&it);
    return;
  }
  /* case 4: distinct random picks, O(count) */
  dict_node **picks = coll_random_unique(st, &((set_ht *)v.p)->d, count, &tier);
  if (picks == NULL) return reply_oom(c);
  reply_array(&c->out, (long long)count);
  for (size_t i = 0; i < count; i++) {
    const snode *n = (const snode *)picks[i];
    reply_bulk(&c->out, n->m, n->len);
  }
  coll_tmp_free(st, picks, count * sizeof *picks, tier);
}

void cmd_srandmember(st_client *c) {
  if (c->argc == 3) return srandmember_count(c);
  if (c->argc > 3) return reply_error(&c->out, "%s", ERR_SYNTAX);
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_SET, MISS_NULL);
  if (e == NULL) return;
  sval v = sv_of(e);
  smem m;
  sv_random(&v, &m, NULL, NULL);
  reply_bulk(&c->out, m.s, m.len);
}

/* ------------------------------------------------------------------------------ SMOVE */

void cmd_smove(st_client *c) {
  st_store *st = c->st;
  st_entry *src = lookup_write(c, &c->argv[1]);
  st_entry *dst = lookup_write(c, &c->argv[2]);
  const resp_arg *m = &c->argv[3];
  if (src == NULL) return reply_int(&c->out, 0);
  if (check_type(c, src, ST_SET) || (dst != NULL && check_type(c, dst, ST_SET))) return;
  sval sv = sv_of(src);
  if (src == dst) return reply_int(&c->out, sv_has_arg(&sv, m));
  if (!sv_has_arg(&sv, m)) return reply_int(&c->out, 0);
  /* Add to the destination first (it can fail), then remove from the source. */
  int added = 0;
  st_entry *made = NULL;
  if (dst != NULL) {
    sval dv = sv_of(dst);
    added = sv_add(st, &dv, m->ptr, m->len, 1);
    if (added < 0) return reply_oom(c);
    sv_store(dst, &dv);
    if (added) key_modified(c, c->db, dst);
  } else {
    sval dv = sv_new_for(st, m->ptr, m->len);
    if (dv.p == NULL || sv_add(st, &dv, m->ptr, m->len, 1) < 0 ||
        (made = db_add(c, c->db, c->argv[2].ptr, c->argv[2].len, ST_SET, dv.enc, dv.p, 0,
                       dv.tier)) == NULL) {
      if (dv.p) sv_free(st, &dv);
      return reply_oom(c);
    }
  }
  if (sv_remove(st, &sv, m->ptr, m->len) < 0) { /* a refused shrink: undo the add */
    if (made != NULL) {
      db_delete_entry(c, c->db, made);
    } else if (added) {
      sval dv = sv_of(dst);
      sv_remove(st, &dv, m->ptr, m->len);
      sv_store(dst, &dv);
    }
    return reply_oom(c);
  }
  set_commit(c, src, &sv, 1);
  reply_int(&c->out, 1);
}

/* ------------------------------------------------------------------------------ algebra */

/* The sets named by keys (NULL where missing) into a temporary array; -1 after a WRONGTYPE
 * or OOM reply. Redis checks every key's type before using any. */
static sval *load_sets(st_client *c, const resp_arg *keys, int n, uint8_t *tier, int *missing) {
  sval *sets = coll_tmp_alloc(c->st, (size_t)n * sizeof *sets, tier);
  if (sets == NULL) {
    reply_oom(c);
    return NULL;
  }
  *missing = 0;
  for (int i = 0; i < n; i++) {
    st_entry *e = lookup_read(c, &keys[i]);
    if (e != NULL && check_type(c, e, ST_SET)) {
      coll_tmp_free(c->st, sets, (size_t)n * sizeof *sets, *tier);
      return NULL;
    }
    if (e == NULL) (*missing)++;
    sets[i] = e ? sv_of(e) : (sval){ 0 };
  }
  return sets;
}

/* Write a computed set to dst (SINTERSTORE and friends): an empty result deletes dst; else
 * dst is replaced whatever its type, and loses its TTL (Redis's setKey). */
static void store_result(st_client *c, const resp_arg *dst, sval *r) {
  size_t n = sv_size(r);
  st_entry *d = lookup_overwrite(c, dst); /* replaced or deleted: the hook runs there */
  if (n == 0) {
    sv_free(c->st, r);
    if (d != NULL) db_delete_entry(c, c->db, d);
    return reply_int(&c->out, 0);
  }
  if (d != NULL) {
    db_replace_value(c, c->db, d, ST_SET, r->enc, r->p, 0, r->tier);
    db_persist(c->db, d);
  } else if (db_add(c, c->db, dst->ptr, dst->len, ST_SET, r->enc, r->p, 0, r->tier) == NULL) {
    sv_free(c->st, r);
    return reply_oom(c);
  }
  reply_int(&c->out, (long long)n);
}

static int by_size(const void *a, const void *b) {
  /* A missing key (SDIFF's other sets) counts as empty, as in Redis's comparators. */
  const sval *va = a, *vb = b;
  size_t x = va->p ? sv_size(va) : 0, y = vb->p ? sv_size(vb) : 0;
  return x < y ? -1 : x > y;
}

static int by_size_desc(const void *a, const void *b) { return by_size(b, a); }

static int in_all(const sval *sets, int n, const smem *m) {
  for (int j = 1; j < n; j++)
    if (sets[j].p != sets[0].p && !sv_has_m(&sets[j], m)) return 0;
  return 1;
}

/* SINTER, SINTERCARD (card_only, limit 0 = none) and SINTERSTORE (dst): the smallest set
 * walked, each member looked up in the others. */
static void sinter_generic(st_client *c, const resp_arg *keys, int n, const resp_arg *dst,
                           int card_only, long long limit) {
  st_store *st = c->st;
  uint8_t tier;
  int missing;
  sval *sets = load_sets(c, keys, n, &tier, &missing);
  if (sets == NULL) return;
  if (missing) {
    coll_tmp_free(st, sets, (size_t)n * sizeof *sets, tier);
    if (dst != NULL) {
      st_entry *d = lookup_overwrite(c, dst);
      if (d != NULL) db_delete_entry(c, c->db, d);
      return reply_int(&c->out, 0);
    }
    return card_only ? reply_int(&c->out, 0) : reply_array(&c->out, 0);
  }
  qsort(sets, (size_t)n, sizeof *sets, by_size);
  sit it;
  smem m;
  if (dst != NULL) {
    sval r = sv_empty_intset(st);
    int oom = r.p == NULL;
    sit_init(&it, &sets[0]);
    while (!oom && sit_next(&it, &m, NULL))
      if (in_all(sets, n, &m) && sv_add(st, &r, m.s, m.len, 1) < 0) oom = 1;
    sit_done(&it);
    coll_tmp_free(st, sets, (size_t)n * sizeof *sets, tier);
    if (oom) {
      if (r.p) sv_free(st, &r);
      return reply_oom(c);
    }
    return store_result(c, dst, &r);
  }
  /* Count first, then reply: no temporary result for a read. */
  long long k = 0;
  sit_init(&it, &sets[0]);
  while ((limit == 0 || k < limit) && sit_next(&it, &m, NULL)) k += in_all(sets, n, &m);
  sit_done(&it);
  if (card_only) {
    reply_int(&c->out, k);
  } else {
    reply_array(&c->out, k);
    sit_init(&it, &sets[0]);
    while (sit_next(&it, &m, NULL))
      if (in_all(sets, n, &m)) reply_bulk(&c->out, m.s, m.len);
    sit_done(&it);
  }
  coll_tmp_free(st, sets, (size_t)n * sizeof *sets, tier);
}

enum { OP_UNION, OP_DIFF };

/* Add every member of src to r (1 on OOM). */
static int add_members(st_store *st, sval *r, const sval *src) {
  sit it;
  smem m;
  int oom = 0;
  sit_init(&it, src);
  while (!oom && sit_next(&it, &m, NULL)) oom = sv_add(st, r, m.s, m.len, 1) < 0;
  sit_done(&it);
  return oom;
}

/* SUNION, SDIFF and their STORE forms: the result is built as a set, then replied or stored.
 * SDIFF picks Redis's algorithm: walk the first set checking the others (1), or copy the first
 * set and remove the others' members (2), whichever Redis's estimate says is less work. */
static void sunion_diff_generic(st_client *c, const resp_arg *keys, int n, const resp_arg *dst,
                                int op) {
  st_store *st = c->st;
  uint8_t tier;
  int missing;
  sval *sets = load_sets(c, keys, n, &tier, &missing);
  if (sets == NULL) return;
  sval r = sv_empty_intset(st);
  int oom = r.p == NULL;
  if (oom) goto done;
  if (op == OP_UNION) {
    for (int j = 0; j < n && !oom; j++)
      if (sets[j].p != NULL) oom = add_members(st, &r, &sets[j]);
  } else if (sets[0].p != NULL) {
    unsigned long long work1 = 0, work2 = 0;
    for (int j = 0; j < n; j++) {
      if (sets[j].p == NULL) continue;
      work1 += sv_size(&sets[0]);
      work2 += sv_size(&sets[j]);
    }
    work1 /= 2;
    if (work1 <= work2) {
      if (n > 1) qsort(sets + 1, (size_t)n - 1, sizeof *sets, by_size_desc);
      sit it;
      smem m;
      sit_init(&it, &sets[0]);
      while (!oom && sit_next(&it, &m, NULL)) {
        int j;
        for (j = 1; j < n; j++) {
          if (sets[j].p == NULL) continue;
          if (sets[j].p == sets[0].p || sv_has_m(&sets[j], &m)) break;
        }
        if (j == n) oom = sv_add(st, &r, m.s, m.len, 1) < 0;
      }
      sit_done(&it);
    } else {
      oom = add_members(st, &r, &sets[0]);
      for (int j = 1; j < n && !oom && sv_size(&r) > 0; j++) {
        if (sets[j].p == NULL) continue;
        sit it;
        smem m;
        sit_init(&it, &sets[j]);
        while (!oom && sit_next(&it, &m, NULL)) oom = sv_remove(st, &r, m.s, m.len) < 0;
        sit_done(&it);
      }
    }
  }
done:
  coll_tmp_free(st, sets, (size_t)n * sizeof *sets, tier);
  if (oom) {
    if (r.p) sv_free(st, &r);
    return reply_oom(c);
  }
  if (dst != NULL) return store_result(c, dst, &r);
  reply_members(c, &r);
  sv_free(st, &r);
}

void cmd_sinter(st_client *c) { sinter_generic(c, &c->argv[1], c->argc - 1, NULL, 0, 0); }

void cmd_sinterstore(st_client *c) {
  sinter_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], 0, 0);
}

void cmd_sintercard(st_client *c) {
  long long numkeys, limit = 0;
  if (arg_ll_range(c, 1, 1, LLONG_MAX, &numkeys, "ERR numkeys should be greater than 0") != 0)
    return;
  if (numkeys > c->argc - 2)
    return reply_error(&c->out, "ERR Number of keys can't be greater than number of args");
  for (int j = 2 + (int)numkeys; j < c->argc; j += 2) {
    if (j + 1 < c->argc && arg_is(c, j, "limit")) {
      if (arg_ll_range(c, j + 1, 0, LLONG_MAX, &limit, "ERR LIMIT can't be negative") != 0) return;
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  sinter_generic(c, &c->argv[2], (int)numkeys, NULL, 1, limit);
}

void cmd_sunion(st_client *c) { sunion_diff_generic(c, &c->argv[1], c->argc - 1, NULL, OP_UNION); }
void cmd_sunionstore(st_client *c) {
  sunion_diff_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], OP_UNION);
}
void cmd_sdiff(st_client *c) { sunion_diff_generic(c, &c->argv[1], c->argc - 1, NULL, OP_DIFF); }
void cmd_sdiffstore(st_client *c) {
  sunion_diff_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], OP_DIFF);
}

/* ------------------------------------------------------------------------------ SSCAN */

static const unsigned char *snode_member(const void *node, size_t *len) {
  const snode *n = node;
  *len = n->len;
  return n->m;
}

void cmd_sscan(st_client *c) {
  uint64_t cursor;
  long long count;
  const resp_arg *pat;
  st_entry *e = coll_scan_begin(c, ST_SET, &cursor, &count, &pat);
  if (e == NULL) return;
  sval v = sv_of(e);
  smem m;
  if (v.enc != ENC_HASHTABLE) { /* small: everything at once, cursor 0 (as Redis) */
    size_t k = 0;
    sit it;
    sit_init(&it, &v);
    while (sit_next(&it, &m, NULL)) k += coll_scan_match(pat, m.s, m.len);
    coll_reply_cursor(c, 0);
    reply_array(&c->out, (long long)k);
    sit_init(&it, &v);
    while (sit_next(&it, &m, NULL))
      if (coll_scan_match(pat, m.s, m.len)) reply_bulk(&c->out, m.s, m.len);
    return;
  }
  coll_vec found = { 0 };
  set_ht *ht = v.p;
  if (coll_scan_dict(c, &ht->d, &cursor, count, 1, 1, pat, snode_member, &found) != 0) return;
  for (size_t i = 0; i < found.n; i++) {
    const snode *n = found.v[i];
    reply_bulk(&c->out, n->m, n->len);
  }
  coll_vec_free(c->st, &found);
}

static void snode_walk(const dict_node *dn, void *ctx) {
  const st_walk_ctx *w = ctx;
  const snode *n = (const snode *)dn;
  w->visit(w->arg, n, snode_size(n), n->tier, ST_SET, TM_CAT_METADATA);
}

void set_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
              void *arg) {
  if (val == NULL) return;
  if (enc == ENC_INTSET) {
    visit(arg, val, is_bytes(val), tier, ST_SET, TM_CAT_DATA);
  } else if (enc == ENC_LISTPACK) {
    visit(arg, val, lp_bytes(val), tier, ST_SET, TM_CAT_DATA);
  } else {
    const set_ht *ht = val;
    st_walk_ctx w = { st, visit, arg };
    visit(arg, ht, sizeof *ht, tier, ST_SET, TM_CAT_METADATA);
    st_walk_dict_tables(&ht->d, visit, arg);
    st_walk_dict_nodes(&ht->d, snode_walk, &w);
  }
}

void set_walk_part(st_store *st, const void *val, uint8_t tier, const void *node, st_walk_fn *visit,
                   void *arg) {
  const set_ht *ht = val;
  st_walk_ctx w = { st, visit, arg };
  if (node != NULL) return snode_walk(node, &w);
  visit(arg, ht, sizeof *ht, tier, ST_SET, TM_CAT_METADATA);
  st_walk_dict_tables(&ht->d, visit, arg);
}

/* ------------------------------------------------------------------------------ for SORT */

uint64_t set_length(const st_entry *e) {
  sval v = sv_of(e);
  return sv_size(&v);
}

void set_each(const st_entry *e, st_elem_fn *fn, void *ctx) {
  sval v = sv_of(e);
  sit it;
  smem m;
  sit_init(&it, &v);
  while (sit_next(&it, &m, NULL))
    if (fn(ctx, m.s, m.len, m.s == (const unsigned char *)m.buf)) break;
  sit_done(&it);
}

/* ------------------------------------------------------------------------------ for COPY */

int set_dup(st_store *st, const st_entry *e, str_val *out) {
  sval v = sv_of(e), n;
  if ((v.enc == ENC_HASHTABLE ? sv_to_ht(st, &v, 0, &n) : sv_clone_small(st, &v, &n)) != 0)
    return -1;
  *out = (str_val){ n.p, 0, n.tier, n.enc };
  return 0;
}

/* ------------------------------------------------------------------------------ for zsets */

size_t set_card(const st_entry *e) {
  sval v = sv_of(e);
  return sv_size(&v);
}

int set_has_member(const st_entry *e, const unsigned char *s, size_t len) {
  sval v = sv_of(e);
  return sv_has(&v, s, len);
}

void set_each_member(const st_entry *e, set_member_fn *fn, void *ctx) {
  sval v = sv_of(e);
  sit it;
  smem m;
  sit_init(&it, &v);
  while (sit_next(&it, &m, NULL))
    if (fn(ctx, m.s, m.len) != 0) break;
  sit_done(&it);
}

/* ------------------------------------------------------------------------------ persistence */

int set_ht_create(st_store *st, size_t hint, void **val, uint8_t *tier) {
  sval v;
  if (ht_new(st, hint, &v) != 0) return -1;
  *val = v.p;
  *tier = v.tier;
  return 0;
}

int set_ht_insert(st_store *st, void *val, const unsigned char *m, size_t len) {
  set_ht *ht = val;
  if (dict_find(&ht->d, m, len) != NULL) return 0;
  snode *n = snode_new(st, m, len);
  if (n == NULL) return -1;
  if (ht_link(st, ht, n) != 0) {
    snode_free(st, n);
    return -1;
  }
  return 1;
}

size_t set_ht_size(const void *val) { return dict_size(&((const set_ht *)val)->d); }

typedef struct each_ctx {
  coll_visit_fn *fn;
  void *arg;
} each_ctx;

static void each_member(const dict_node *dn, void *ctx) {
  const snode *n = (const snode *)dn;
  const each_ctx *x = ctx;
  x->fn(x->arg, n->m, n->len, NULL, 0);
}

dict *set_ht_dict(void *val) { return &((set_ht *)val)->d; }

void set_ht_visit(const dict_node *dn, coll_visit_fn *fn, void *arg) {
  const snode *n = (const snode *)dn;
  fn(arg, n->m, n->len, NULL, 0);
}

void set_ht_each(const void *val, coll_visit_fn *fn, void *arg) {
  each_ctx x = { fn, arg };
  st_walk_dict_nodes(&((const set_ht *)val)->d, each_member, &x);
}
