/* prefetch.h - hiding the memory latency of a pipeline's key lookups.
 *
 * A lookup in a big keyspace waits on up to three cache misses in a row: the bucket slot, the
 * entry (key bytes, next link) and the value block. Run one after another, a pipeline of 16
 * GETs waits on 48 misses; issued together before the batch runs they overlap. So before
 * running buffered commands, server.c's batch loop asks prefetch_ahead() to look at the next
 * few complete requests (resp_peek: read-only) and to prefetch, for the argument after each
 * one's name (most commands' first key) in the client's current db: the slots, then the chain
 * heads, then for a head holding that key its value's first bytes (or else the next node).
 *
 * Hints only: nothing is changed or counted, a guess that is wrong (not a key, another db after
 * a SELECT, a key deleted by an earlier command) costs a wasted prefetch, never a different
 * result. A lone request (no pipeline) is not worth it and is left alone. */
#ifndef TM_STORE_PREFETCH_H
#define TM_STORE_PREFETCH_H

#include "store.h"

/* Requests looked at per call. */
#define PREFETCH_BATCH 16

/* Prefetch for the complete requests buffered at c's parse position; returns how many were
 * looked at (0 or 1: nothing was prefetched). */
int prefetch_ahead(st_client *c);

#endif
