/* evict.h - maxmemory and eviction, as Redis 7.0's performEvictions.
 *
 * What maxmemory counts: every byte the store engine holds, on both tiers together, as usable
 * sizes (sm_total_bytes): keys and entries, values, keyspace tables, the expiry index, client
 * structs and their query/output buffers, values queued for lazy free. Not the Node runtime,
 * nor blocks other users of the same heap allocated. Per-tier limits (dram-limit, pmem-limit)
 * are the heap's own and act at allocation.
 *
 * When memory is short the order is: an allocation over a tier's limit spills to the other tier
 * (tier-policy spill); the migrator demotes cold DRAM values to make room in DRAM (migrate.h);
 * only the total over maxmemory evicts keys, by maxmemory-policy, here.
 *
 * Called before every command while maxmemory is set (execute() in server.c): bounded per
 * command as Redis bounds it (500 us, checked every 16 keys; the rest goes on in st_cron and
 * the commands still run meanwhile). A CMD_DENYOOM command gets ERR_OOM when nothing more can
 * be evicted (noeviction, or no candidate key: volatile-* with no TTLs). */
#ifndef TM_STORE_EVICT_H
#define TM_STORE_EVICT_H

#include "store.h"

enum { EVICT_OK = 0, EVICT_RUNNING = 1, EVICT_FAIL = 2 };

/* The bytes maxmemory is compared with. */
int64_t evict_used(const st_store *st);
/* Evict until the store is under maxmemory, within the time limit. EVICT_OK: under (or no
 * limit); EVICT_RUNNING: over, keys are being freed (commands may run); EVICT_FAIL: over and
 * nothing can be evicted. */
int evict_perform(st_store *st);
/* Keys evicted in one call are also counted in st->stats.evicted_keys. */

#endif
