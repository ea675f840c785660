/* purge.h - memory given back to the OS after large frees.
 *
 * The allocator keeps the pages of freed blocks: jemalloc decays dirty pages only while the
 * process allocates (there are no background threads), and the emulated-PMem file's pages stay
 * resident until its extents are punched out. So after FLUSHALL or a big DEL the process would
 * keep its peak RSS. Purging gives back both tiers' freed pages (tm_heap_purge) and the C heap's
 * free memory (malloc_trim: the runtime's socket buffers live there).
 *
 * When:
 *   - MEMORY PURGE (Redis 7.0 replies OK);
 *   - after FLUSHALL / FLUSHDB SYNC, as Redis 7.0 purges jemalloc there;
 *   - from st_cron once the store's live bytes have fallen PURGE_DROP below their peak since the
 *     last purge (sm keeps both) (an ASYNC flush finished, a big DEL, expiry, eviction), at most once per
 *     PURGE_INTERVAL_MS, so a workload that frees and refills does not fault pages in and out.
 * Cost: proportional to the dirty pages (madvise per extent), milliseconds per hundred MB. */
#ifndef TM_STORE_PURGE_H
#define TM_STORE_PURGE_H

#include "store.h"

#define PURGE_DROP ((int64_t)32 << 20)
#define PURGE_INTERVAL_MS 1000

/* Purge now; resets the high mark (st->mem.peak) to the live bytes. 0, or -1 if a tier's kind cannot purge
 * (MEMKIND_DEFAULT DRAM): what could be purged still was. */
int purge_now(st_store *st);
/* The cron's check (st_cron): purges when the drop rule above says so. 1 if it purged. */
int purge_cron(st_store *st);

#endif
