/* t_zset.h - what the sorted-set files share (t_zset.c: the value, its encodings and the core
 * commands; t_zset_ops.c: set algebra, random members, ZSCAN). Not for other types: their API is
 * the t_zset.c section of store.h.
 *
 * A value (zobj) is one of:
 *   ENC_LISTPACK  member,score,member,score... in (score, member) order, in one listpack (data
 *                 block, routed by the threshold); scores written as Redis's d2string writes them
 *                 (integers in [-2^52, 2^52] as integers, otherwise "%.17g", "inf", "-inf");
 *   ENC_SKIPLIST  a zset (zsl.h): a header block (metadata) whose skiplist nodes are also the
 *                 member dict's nodes.
 * It converts to a skiplist past zset-max-listpack-entries / -value, and back only where Redis
 * converts back (results of the STORE commands).
 *
 * Atomicity: every zo_* that changes a value either completes or returns -1 with the value as it
 * was, unless `priv` says the value is a private one the caller throws away on failure (then the
 * in-place work needs no copy). */
#ifndef TM_STORE_T_ZSET_H
#define TM_STORE_T_ZSET_H

#include "listpack.h"
#include "store.h"
#include "zsl.h"

typedef struct zobj {
  void *p; /* unsigned char * listpack, or zset * */
  uint8_t enc, tier;
} zobj;

static inline zobj zo_of(const st_entry *e) {
  return (zobj){ e->val, (uint8_t)entry_enc(e), entry_val_tier(e) };
}
static inline void zo_store(st_entry *e, const zobj *z) {
  e->val = z->p;
  entry_set_enc(e, z->enc);
  entry_set_val_tier(e, z->tier);
}

/* A member's bytes; listpack integers are rendered into buf (so not copyable). */
typedef struct zmem {
  const unsigned char *s;
  size_t len;
  char buf[LP_INTBUF];
} zmem;

/* A position in (score, member) order: p (a listpack's member entry) or n (a node); both NULL
 * past either end. */
typedef struct zcur {
  const zobj *z;
  unsigned char *p;
  zsl_node *n;
} zcur;

static inline int zc_ok(const zcur *c) { return c->p != NULL || c->n != NULL; }
void zc_next(zcur *c);
void zc_prev(zcur *c);
void zc_member(const zcur *c, zmem *m);
double zc_score(const zcur *c);
/* The first (or, with last, the last) element. */
zcur zc_edge(const zobj *z, int last);

size_t zo_len(const zobj *z);
/* Empty values: a listpack (sized for nothing) or a skiplist. -1 on OOM. */
int zo_new_listpack(st_store *st, zobj *out);
int zo_new_skiplist(st_store *st, zobj *out);
void zo_free(st_store *st, zobj *z);
/* The score of a member: 1 found, 0 not. */
int zo_score(const zobj *z, const unsigned char *s, size_t len, double *score);

/* ZADD's flags in and out. */
enum { ZA_NX = 1, ZA_XX = 2, ZA_GT = 4, ZA_LT = 8, ZA_INCR = 16 };
enum { ZA_ADDED = 1, ZA_UPDATED = 2, ZA_NOP = 4 };
/* Redis's zsetAdd: 1 done (*out: ZA_ADDED/UPDATED/NOP; *newscore the score it has now unless
 * NOP), 0 the increment gives NaN (nothing changed), -1 OOM. Converts to a skiplist when the
 * new member does not fit the listpack limits. */
int zo_add(st_store *st, zobj *z, int priv, double score, const unsigned char *s, size_t len,
           int flags, int *out, double *newscore);
/* Convert a skiplist to a listpack if it fits the limits (STORE results); an OOM keeps the
 * skiplist (the content is the same). */
void zo_maybe_to_listpack(st_store *st, zobj *z);

/* Write a new value to key dst (replacing any value and its TTL), or delete dst when the
 * value is empty (then z is freed). Replies the length, or the OOM error (z freed). */
void zo_store_result(st_client *c, const resp_arg *dst, zobj *z);

/* A score range argument pair as Redis's zslParseRange (strtod, "(" exclusive); -1 if invalid. */
int zrange_parse(const resp_arg *min, const resp_arg *max, zrange_spec *r);
/* Lex bounds as zslParseLexRange; -1 if invalid. */
int zlex_parse_args(const resp_arg *min, const resp_arg *max, zlex_spec *r);

#endif
