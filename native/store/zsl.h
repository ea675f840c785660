/* zsl.h - the sorted set: a skiplist with spans, combined with a member dict.
 *
 * This is the index behind zsets in skiplist encoding (t_zset.c owns the commands and the
 * listpack encoding). Every member is ONE allocation, a zsl_node that is at once a skiplist
 * node (score order, ranks through spans, backward links for reverse walks) and, through the
 * dict_node it starts with, an entry of the member dict (O(1) ZSCORE / membership). The member
 * bytes are stored inline after the levels.
 *
 * Order: by score, then by the member bytes (memcmp; on a common prefix the shorter first),
 * exactly Redis's order. Scores must not be NaN (the command layer rejects them); -inf and +inf
 * are fine. Levels are drawn with p = 1/4, at most ZSL_MAXLEVEL.
 *
 * Memory: nodes and the header through sm (owner ST_ZSET, TM_CAT_METADATA: pinned to DRAM,
 * or wherever the spill policy put them: each node keeps its tier). The dict's tables are
 * ST_ZSET metadata too. zset_bytes() is exact and O(1).
 *
 * Failure: zset_init and zset_insert/zset_add return an error on OOM with nothing changed;
 * updates, deletes and lookups never allocate and never fail.
 *
 * Complexity: insert, delete, score update, rank, by-rank and range bounds O(log n) expected;
 * find O(1); range deletion O(log n + m); zset_free O(n); zset_drain O(max) per call.
 *
 * Ranks are 0-based here (ZRANK's numbers); `reverse` counts from the highest. */
#ifndef TM_STORE_ZSL_H
#define TM_STORE_ZSL_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "mem.h"

#define ZSL_MAXLEVEL 32

typedef struct zsl_node zsl_node;

typedef struct zsl_level {
  zsl_node *forward;
  size_t span; /* nodes passed when following forward (the rank distance) */
} zsl_level;

struct zsl_node {
  dict_node node; /* first: the member dict links the node itself */
  double score;
  zsl_node *backward; /* the previous node at level 0, NULL for the first */
  uint32_t mlen;      /* member length */
  uint8_t nlevel;     /* levels in level[] */
  uint8_t tier;       /* where sm put this block */
  zsl_level level[];  /* then mlen member bytes */
};

typedef struct zset {
  dict members;     /* zsl_node by member */
  zsl_node *header; /* ZSL_MAXLEVEL levels, no member; header->level[0].forward is first */
  zsl_node *tail;   /* the last node, NULL when empty */
  size_t length;
  int level;         /* levels in use (>= 1) */
  size_t node_bytes; /* usable bytes of header and nodes */
  sm *m;
} zset;

/* The member bytes of a node. */
static inline const unsigned char *zsl_member(const zsl_node *n, size_t *len) {
  *len = n->mlen;
  return (const unsigned char *)(n->level + n->nlevel);
}
/* Walking in order: NULL past either end. */
static inline zsl_node *zsl_next(const zsl_node *n) { return n->level[0].forward; }
static inline zsl_node *zsl_prev(const zsl_node *n) { return n->backward; }

/* Order of (score, member) pairs: < 0, 0, > 0. */
int zsl_cmp(double s1, const void *m1, size_t l1, double s2, const void *m2, size_t l2);

/* ------------------------------------------------------------------------------ lifetime */

/* An empty zset (allocates the header). 0, or -1 on OOM. */
int zset_init(zset *z, sm *m);
/* Free every node, the dict's tables and the header: O(n). The zset is dead afterwards. */
void zset_free(zset *z);
/* The same in bounded steps (lazy free): frees up to max nodes, returns how many remain; at 0
 * the tables and the header are freed as well. After the first call the zset is being torn
 * down: only zset_drain may be called on it. */
size_t zset_drain(zset *z, size_t max);

static inline size_t zset_len(const zset *z) { return z->length; }
/* Everything the zset holds: nodes, header, dict tables (usable bytes, as sm counts them). */
static inline size_t zset_bytes(const zset *z) {
  return z->node_bytes + dict_table_bytes(&z->members);
}

/* ------------------------------------------------------------------------------ members */

/* The node of a member, or NULL. */
zsl_node *zset_find(zset *z, const void *member, size_t len);
/* Add a member the caller knows is absent. The node, or NULL on OOM (or a member longer than
 * UINT32_MAX) with nothing changed. */
zsl_node *zset_insert(zset *z, const void *member, size_t len, double score);
/* Set a node's score exactly, even to an equal one (-0 over 0: an aggregate keeps the sign as
 * Redis's accumulator does; ZADD's "unchanged" check is the caller's). The node stays the same
 * block (no allocation, the dict untouched); it moves in the list only if its neighbours no
 * longer bracket it. Returns n. */
zsl_node *zset_update(zset *z, zsl_node *n, double score);

enum { ZSET_OOM = -1, ZSET_SAME = 0, ZSET_UPDATED = 1, ZSET_ADDED = 2 };
/* Insert or update (plain ZADD): ZSET_ADDED, ZSET_UPDATED (score changed), ZSET_SAME, or
 * ZSET_OOM. *out (if given) gets the node. */
int zset_add(zset *z, const void *member, size_t len, double score, zsl_node **out);
/* Remove a member: 1 if it was there. */
int zset_delete(zset *z, const void *member, size_t len);
/* Remove and free a node of this zset. */
void zset_delete_node(zset *z, zsl_node *n);

/* ------------------------------------------------------------------------------ order */

static inline zsl_node *zset_first(const zset *z) { return z->header->level[0].forward; }
static inline zsl_node *zset_last(const zset *z) { return z->tail; }
/* 0-based rank of a node of this zset (from the highest with reverse). */
size_t zset_rank(const zset *z, const zsl_node *n, int reverse);
/* Rank of a member: 0, or -1 if absent (rank in *rank). */
int zset_rank_of(zset *z, const void *member, size_t len, int reverse, size_t *rank);
/* The node at a 0-based rank (from the highest with reverse), NULL when rank >= length. */
zsl_node *zset_by_rank(const zset *z, size_t rank, int reverse);

/* ------------------------------------------------------------------------------ score ranges */

typedef struct zrange_spec {
  double min, max;
  int minex, maxex; /* exclusive bounds: "(1.5" */
} zrange_spec;

static inline int zrange_gte_min(double v, const zrange_spec *r) {
  return r->minex ? v > r->min : v >= r->min;
}
static inline int zrange_lte_max(double v, const zrange_spec *r) {
  return r->maxex ? v < r->max : v <= r->max;
}
/* Whether some node may be in range (cheap checks on the ends; an empty or inverted range
 * gives 0). */
int zset_score_in_range(const zset *z, const zrange_spec *r);
/* The first / last node in the range, or NULL. */
zsl_node *zset_first_in_range(const zset *z, const zrange_spec *r);
zsl_node *zset_last_in_range(const zset *z, const zrange_spec *r);
/* ZCOUNT: nodes in the range, O(log n). */
size_t zset_count_range(const zset *z, const zrange_spec *r);

/* ------------------------------------------------------------------------------ lex ranges */

/* A lex bound, Redis's syntax: "[abc" inclusive, "(abc" exclusive, "-" below everything, "+"
 * above everything. Lex ranges are meaningful when all scores are equal (as in Redis, they
 * compare members only and assume the list is in member order). */
enum { ZLEX_VALUE = 0, ZLEX_MINUS = 1, ZLEX_PLUS = 2 };
typedef struct zlex_bound {
  const unsigned char *p; /* ZLEX_VALUE: the bytes (not copied: they must outlive the spec) */
  size_t len;
  uint8_t kind;
  uint8_t ex; /* exclusive; "-" and "+" are exclusive, as in Redis */
} zlex_bound;
typedef struct zlex_spec {
  zlex_bound min, max;
} zlex_spec;

/* Parse "[x", "(x", "-", "+" (the bound points into s). 0, or -1 on a syntax error (Redis then
 * replies "ERR min or max not valid string range item"). */
int zlex_parse(const void *s, size_t len, zlex_bound *out);
int zlex_gte_min(const void *v, size_t len, const zlex_spec *r);
int zlex_lte_max(const void *v, size_t len, const zlex_spec *r);
int zset_lex_in_range(const zset *z, const zlex_spec *r);
zsl_node *zset_first_in_lex(const zset *z, const zlex_spec *r);
zsl_node *zset_last_in_lex(const zset *z, const zlex_spec *r);
size_t zset_count_lex(const zset *z, const zlex_spec *r);

/* ------------------------------------------------------------------------------ range deletion */

/* ZREMRANGEBYSCORE / BYLEX / BYRANK (ranks 0-based, inclusive, start <= end < length).
 * Return the number of members removed. O(log n + removed). */
size_t zset_delete_range_score(zset *z, const zrange_spec *r);
size_t zset_delete_range_lex(zset *z, const zlex_spec *r);
size_t zset_delete_range_rank(zset *z, size_t start, size_t end);

#endif
