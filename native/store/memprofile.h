/* memprofile.h - BGSAVE STAT_MEMORY: a memory profile taken by the snapshot on its way through
 * the keyspace (a tiermem extension; Redis 7.0 has no such option).
 *
 * What it holds, all in usable bytes as mem.c accounts them (sm_usable of every block, so the
 * figures are the allocator's own, not estimates):
 *   - per data type x tier: the keys, and the bytes of their values, keys and metadata. A key
 *     counts on the tier of its value (ENC_INT strings, which have no value block, on DRAM);
 *     bytes count on the tier of each block. Parts follow the categories: values = TM_CAT_DATA,
 *     keys = TM_CAT_KEYS (the entry block: header, TTL, key bytes), metadata = TM_CAT_METADATA;
 *   - store-wide parts per tier, read at the cut: the keyspace tables (and the db array), the
 *     expiry index, client buffers (every block of every client), the AOF buffer, values being
 *     freed in the background (lazyfree), and the rest of the store's own blocks (other:
 *     slow log, pub/sub, watched keys, blocked clients and so on).
 *
 * Point in time: the store-wide parts are read when the snapshot starts, before it allocates
 * anything, and each key is tallied when the snapshot writes it, whether by the traversal or by
 * the pre-modification hook. An owed key has not changed since the cut, so the profile is the
 * dataset at the cut, and with no writes during the save its totals equal the accounting cells
 * at the cut exactly (test/native/store/memprofile_test.c). Two things may move a block without
 * changing the value, and the profile then shows the block where it was when written: the
 * migrator moving a value between tiers, and a read rehashing a collection's table.
 *
 * Bounded work: a key written whole is tallied whole (the same order of work as serializing
 * it); a big collection written in pieces is tallied piece by piece, its head when the record
 * opens and each element node as it is written (rdb_piecewise's elem hook). */
#ifndef TM_STORE_MEMPROFILE_H
#define TM_STORE_MEMPROFILE_H

#include <stdint.h>

#include "mem.h"

/* The parts of a data type's bytes. */
enum { MP_VALUES = 0, MP_KEYS = 1, MP_METADATA = 2, MP_PARTS = 3 };
/* The store-wide parts. */
enum {
  MP_KEYSPACE = 0,
  MP_EXPIRES = 1,
  MP_CLIENTS = 2,
  MP_AOF = 3,
  MP_LAZYFREE = 4,
  MP_OTHER = 5,
  MP_STORE_PARTS = 6
};

typedef struct mp_cell {
  uint64_t keys;
  uint64_t bytes[MP_PARTS];
} mp_cell;

typedef struct st_memprofile {
  mp_cell type[ST_TYPE_COUNT][TM_TIER_COUNT];
  uint64_t store[MP_STORE_PARTS][TM_TIER_COUNT];
  uint64_t keys_with_expiry; /* keys that had a TTL at the cut */
  uint64_t clients;          /* connected clients at the cut */
  int64_t cut_ms;            /* when the snapshot started (unix ms) */
  int64_t done_ms;           /* when its last key was written */
  int valid;                 /* a profiled snapshot has completed since start */
} st_memprofile;

struct st_store;
struct st_entry;
/* Zero p and read the store-wide parts: call at the cut, before the snapshot allocates. */
void mp_begin(struct st_store *st, st_memprofile *p);
/* Tally a key written whole: its entry block and every block of its value. */
void mp_entry(struct st_store *st, st_memprofile *p, const struct st_entry *e);
/* A key whose big collection is written in pieces: the key, its entry block and the value's
 * head now (mp_entry_head), then each element node as the writer reaches it (mp_elem: a
 * quicklist node, a skiplist node, or a hash or set dict node of e's value). */
void mp_entry_head(struct st_store *st, st_memprofile *p, const struct st_entry *e);
void mp_elem(struct st_store *st, st_memprofile *p, const struct st_entry *e, const void *node);
/* Wall-clock ms (cut_ms, done_ms). */
int64_t mp_now_ms(void);

/* The names the control plane reports (INFO, metrics, the CLI). */
extern const char *const mp_part_names[MP_PARTS];             /* "values", "keys", "metadata" */
extern const char *const mp_store_part_names[MP_STORE_PARTS]; /* "keyspace", ... "other" */

#endif
