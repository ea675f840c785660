/* quicklist.h - the list structure: a doubly linked list of listpack nodes, as Redis's
 * quicklist (without compression or plain nodes).
 *
 * Memory (owner ST_LIST): the quicklist struct and each node are TM_CAT_METADATA blocks (pinned
 * to DRAM; under `spill` they may land on PMem, so each remembers its tier); each node's
 * listpack is a TM_CAT_DATA block, routed by the threshold: this is how list data is tiered.
 * Totals (elements, nodes, usable bytes of everything) are kept, so LLEN and MEMORY USAGE are
 * O(1).
 *
 * Node boundaries are Redis 7.0.15's, so DUMP writes the same nodes: `fill` is
 * list-max-listpack-size. Negative: a node's listpack may hold 4/8/16/32/64 KiB (-1..-5, lower
 * values act as -5); positive: that many entries, and at most 8 KiB; 0 admits no second entry.
 * Whether an element may join a node is decided with 7.0's estimate (the node's bytes + the
 * element's string length + 8: ql_allow_insert), not its exact listpack size. Pushes go into
 * the end node when allowed, else into a new node. LINSERT follows _quicklistInsert: into the
 * node, else at a node's edge into the neighbour or a new node, else the node splits at the
 * insertion point and the split neighbourhood merges by _quicklistNodeAllowMerge. LSET
 * replaces in place with no size check (a node may then exceed the limit, as in Redis).
 * Deletions never merge: emptied nodes go, others just shrink. Nodes read from a payload
 * (RESTORE, RDB) are kept as given, plain ones (container 1) too: a plain node takes no other
 * element, and LSET on it inserts the new value after it and drops it, as Redis does.
 *
 * Borrowed quicklists: t_list.c runs a small list (ENC_LISTPACK: the entry holds one listpack)
 * through the same code by wrapping it in a quicklist and node on its stack with `borrowed` set.
 * Borrowed, the code never allocates or frees nodes: everything goes into the one node (the
 * caller checked that it fits), and emptying it frees the listpack (lp NULL, count 0).
 *
 * Failure: calls that can allocate return -1 (or NULL) on OOM with the list unchanged. Deletes
 * only shrink blocks; a shrink is refused only when the block would cross the threshold onto a
 * full tier and its own tier has no room left either (see listpack.h); then -1 too. */
#ifndef TM_STORE_QUICKLIST_H
#define TM_STORE_QUICKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "listpack.h"
#include "mem.h"

enum { QL_HEAD = 0, QL_TAIL = 1 };

typedef struct ql_node {
  struct ql_node *prev, *next;
  unsigned char *lp; /* the entries (NULL only in an emptied borrowed node) */
  uint32_t count;    /* entries in lp */
  uint8_t lp_tier;   /* where lp lives */
  uint8_t self_tier; /* where this node block lives */
  uint8_t plain;     /* Redis's PLAIN container (one element, from a payload): lp holds it as
                      * one entry; nothing joins or merges into it; DUMP writes it raw */
} ql_node;

typedef struct quicklist {
  ql_node *head, *tail;
  uint64_t count; /* elements */
  uint64_t len;   /* nodes */
  uint64_t bytes; /* usable bytes of the struct, the nodes and their listpacks */
  int fill;       /* list-max-listpack-size when the list was made */
  uint8_t self_tier;
  uint8_t borrowed; /* a stack wrapper around one listpack (see above) */
} quicklist;

/* Whether an element of `sz` string bytes may join a node of `bytes` listpack bytes and `count`
 * entries (Redis 7.0's _quicklistNodeAllowInsert; a missing node allows nothing). */
int ql_allow_insert(int fill, size_t bytes, uint64_t count, size_t sz);
/* Whether two nodes may merge into one (Redis 7.0's _quicklistNodeAllowMerge). */
int ql_allow_merge(int fill, size_t a_bytes, size_t b_bytes, uint64_t count);
/* Whether a one-node list is small enough to go back to a plain listpack: half the limit
 * (Redis 7.2's shrinking conversion, so push/pop at the limit does not convert back and forth). */
int ql_convertible(const quicklist *ql);
/* Listpack bytes s[0..len) takes as an entry (encoding, data, backlen). */
size_t ql_entry_size(const unsigned char *s, uint32_t len);
/* Clamp a configured list-max-listpack-size as Redis's quicklistSetFill: -5..32767. */
int ql_fill(int64_t cfg);

/* ------------------------------------------------------------------------------ lifecycle */

/* An empty quicklist (no nodes). NULL on OOM. */
quicklist *ql_new(sm *m, int fill);
/* A quicklist holding lp as its one node (lp becomes the quicklist's). NULL on OOM: lp is
 * still the caller's. */
quicklist *ql_adopt(sm *m, int fill, unsigned char *lp, uint8_t lp_tier);
/* Link lp (a valid listpack with entries) as a new tail node, as it is (Redis's
 * quicklistAppendListpack: RESTORE keeps a payload's nodes). -1 on OOM: lp is still the
 * caller's. */
int ql_append_lp(sm *m, quicklist *ql, unsigned char *lp, uint8_t lp_tier);
/* A plain node holding s as it is, appended at the tail (Redis's quicklistAppendPlainNode).
 * -1 on OOM. */
int ql_append_plain(sm *m, quicklist *ql, const unsigned char *s, uint32_t len);
/* A copy with the same nodes (Redis's quicklistDup, for COPY). NULL on OOM. */
quicklist *ql_dup(sm *m, const quicklist *ql);
/* The reverse for a one-node list: frees the node and the struct and hands back the listpack
 * (an empty one for an empty list, or NULL on OOM, then ql is intact). */
unsigned char *ql_release_lp(sm *m, quicklist *ql, uint8_t *tier);
void ql_free(sm *m, quicklist *ql);
/* Free up to max_nodes nodes from the head; once none are left, the struct too. Returns the
 * number of nodes still to free: 0 means ql is gone. For lazy freeing of huge lists. */
size_t ql_free_step(sm *m, quicklist *ql, size_t max_nodes);

/* ------------------------------------------------------------------------------ access */

/* The node holding element `index` (0-based; negative from the tail), walking from the nearer
 * end, and the element's offset in it. NULL out of range. */
ql_node *ql_locate(const quicklist *ql, int64_t index, uint32_t *off);
/* The element at index, or 0 if out of range. */
int ql_get(const quicklist *ql, int64_t index, lp_val *v);

/* Iteration, from element `index` towards the tail (fwd) or the head. */
typedef struct ql_iter {
  quicklist *ql;
  ql_node *node;        /* the node of the element `p` (or of the next one) */
  unsigned char *p;     /* the element the last ql_next returned (NULL after ql_iter_del) */
  unsigned char *nextp; /* the element ql_next returns next, in node; NULL: move on */
  int fwd;
} ql_iter;

void ql_iter_at(quicklist *ql, ql_iter *it, int64_t index, int fwd);
/* 1 and the element in *v, or 0 at the end. */
int ql_next(sm *m, ql_iter *it, lp_val *v);
/* Delete the element ql_next returned; iteration continues with the one after it. -1 on OOM. */
int ql_iter_del(sm *m, ql_iter *it);
/* Insert s before or after (LP_BEFORE/LP_AFTER) the element ql_next returned. Ends the
 * iteration (call ql_iter_done only). -1 on OOM. */
int ql_iter_insert(sm *m, ql_iter *it, int where, const unsigned char *s, uint32_t len);
/* End an iteration (nothing to release: deletions never merge). */
void ql_iter_done(sm *m, ql_iter *it);

/* ------------------------------------------------------------------------------ changes */

/* Add s at the head or the tail. -1 on OOM. */
int ql_push(sm *m, quicklist *ql, int where, const unsigned char *s, uint32_t len);
/* Move the element at end `from` to end `to` of the same list, as Redis's LMOVE does it (pop,
 * then push: the push sees the node the pop left). s/len are a copy of that element. Allocation
 * first: -1 on OOM with the list unchanged. Borrowed: 1 (nothing changed) when Redis would
 * need a second node; the caller converts and calls again. */
int ql_move_self(sm *m, quicklist *ql, int from, int to, const unsigned char *s, uint32_t len);
/* Replace element index (in range, 0-based), in place whatever its size. -1 on OOM. */
int ql_replace(sm *m, quicklist *ql, uint64_t index, const unsigned char *s, uint32_t len);
/* Delete n elements from index start (start + n <= count). -1 on OOM. */
int ql_del_range(sm *m, quicklist *ql, uint64_t start, uint64_t n);

/* Check every invariant (counts, links, totals, each listpack's validity); 1 if all hold. For
 * tests. Sizes are not checked: LSET may leave a node over the limit, as Redis does. */
int ql_check(const sm *m, const quicklist *ql);

#endif
