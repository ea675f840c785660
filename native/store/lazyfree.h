/* lazyfree.h - values and keyspaces freed in bounded steps, so that no command makes a pass
 * over a huge collection (DEL of a 10M-member set, FLUSHALL ASYNC of a 100M-key db) on the
 * request path. A value is freed up to LAZY_STEP members at once; what remains goes on a queue
 * that st_cron drains within its time budget. Until then its bytes stay accounted under their
 * type (INFO: lazyfree_pending_objects). */
#ifndef TM_STORE_LAZYFREE_H
#define TM_STORE_LAZYFREE_H

#include "store.h"

/* Members (or keys) freed per step: a few tens of microseconds of work. */
#define LAZY_STEP 1024

/* Free a value detached from its entry: one bounded step now, the rest in the background. */
void lazy_free_value(st_store *st, unsigned type, unsigned enc, void *val, uint8_t tier);
/* Take a db's whole keyspace away (FLUSHDB/FLUSHALL ASYNC): the db is empty at once, its keys
 * and values are freed in the background. */
void lazy_flush_db(st_client *c, st_db *db);
/* Background work within budget_us; returns objects still pending. */
size_t lazy_run(st_store *st, uint64_t budget_us);
/* Free everything pending now (st_destroy). */
void lazy_drain_all(st_store *st);

#endif
