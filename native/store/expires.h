/* expires.h - the expiry index: a binary min-heap of the entries that have a TTL, keyed by
 * their expire time, each entry holding its heap position. Active expiry pops from the top,
 * so it never scans the keyspace and finds every due key in O(log n) each. */
#ifndef TM_STORE_EXPIRES_H
#define TM_STORE_EXPIRES_H

#include "store.h"

void exp_init(st_expires *x);
/* Insert e (with its expire field set) or reposition it after a change. -1 on OOM. */
int exp_upsert(sm *m, st_expires *x, st_entry *e);
/* Remove e if it is in the heap. */
void exp_remove(st_expires *x, st_entry *e);
/* e moved to a new block (entry grown or rekeyed): point its slot at the new address. */
void exp_moved(st_expires *x, st_entry *from, st_entry *to);
/* The entry with the earliest expire time, or NULL. */
static inline st_entry *exp_top(const st_expires *x) { return x->len ? x->heap[0] : NULL; }
void exp_free(sm *m, st_expires *x);

#endif
