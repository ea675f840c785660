/* hash_mig.h - the migrator's access to hashtable-encoded hashes (t_hash.c owns them).
 *
 * A hashtable hash is a hash_ht (metadata, pinned to DRAM) with a dict of field nodes
 * (metadata, pinned: fields are lookup keys), each pointing to its value's own data block. The
 * value blocks are what migrates, a bounded batch at a time, continuing a dict scan cursor kept
 * in the hash_ht, so a hash of millions of fields is moved over many steps and each step stays
 * short. The hash_ht counts its value blocks per tier, so the migrator knows in O(1) whether a
 * hash has values left to move either way. */
#ifndef TM_STORE_HASH_MIG_H
#define TM_STORE_HASH_MIG_H

#include "store.h"

/* Dict buckets a batch may visit per value it moves (empty buckets and values already there). */
#define HASH_MIG_BUCKETS 4

/* `want` if any value block of the hashtable hash e is on tier `want`, else the other tier if it
 * holds any, else the hash_ht's own tier (no value blocks at all). */
uint8_t hash_values_tier(const st_entry *e, uint8_t want);

/* Move up to max_values value blocks of the hashtable hash e to tier `to`, from where the last
 * batch stopped. Returns the usable bytes moved; *failed is set when `to` had no room (nothing
 * of that value changed). Content, the entry and the hash's byte total are kept exact. */
size_t hash_migrate_values(st_store *st, st_entry *e, uint8_t to, size_t max_values, int *failed);

#endif
