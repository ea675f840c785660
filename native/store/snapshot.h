/* snapshot.h - point-in-time RDB snapshots without fork (SAVE, BGSAVE, SHUTDOWN's save).
 *
 * The cut. snapshot_start takes cut = st->version and moves the store to epoch cut + 1: every
 * entry changed from then on carries version cut + 1 (key_modified), so the entries that hold
 * their value as of the cut are exactly those with version <= cut. Such an entry is "owed" to
 * the snapshot until it has been written; writing it stamps it cut + 1.
 *
 * Two ways out, each key exactly once:
 *   - the traversal (snapshot_step) scans each db's keyspace with the dict's stateless cursor
 *     (every key present throughout is seen, some twice across a resize) and writes every owed
 *     entry it meets, in steps of about budget_us;
 *   - the pre-modification hook, snapshot_before_change(st, db, e, how), runs before anything
 *     changes an owed entry, and says what is about to happen:
 *       SNAP_EDIT     the value or TTL changes in place (HSET on a big hash, APPEND, EXPIRE,
 *                     GETEX's TTL, LMOVE's destination, RENAME's source, MOVE: lookup_write,
 *                     every write command's lookup, and db_set_expire, db_rekey): the record is
 *                     serialized at once, as nothing cheaper keeps the old content;
 *       SNAP_REPLACE  the value is about to be freed and replaced (db_replace_value and
 *                     db_replace_value_ttl: SET with or without a TTL option, SETEX, GETSET,
 *                     RESTORE/COPY ... REPLACE, a RENAME or *STORE/BITOP/SORT STORE
 *                     destination): the old value's pointer moves to a retained copy of the
 *                     entry (a new key block with the key and the old expire), so the command
 *                     frees nothing and the value is not copied. db_replace_value_ttl runs it
 *                     before setting the new TTL (the one step that can fail), and gives the
 *                     value back on failure (snapshot_replace_undo);
 *       SNAP_DELETE   the entry leaves its db (db_delete_entry: DEL, UNLINK, GETDEL, lazy and
 *                     active expiry, a RENAME destination): the entry itself, value and all, is
 *                     retained (the hook returns 1: the caller unlinks it and must not free it).
 *     A retained pre-image is no longer reachable from any db: nothing can change, move
 *     (tiering migration finds values through the dicts) or free it (lazyfree takes values
 *     only from obj_free) but the snapshot. Each step writes and frees the retained ones
 *     first, then goes on with the traversal; the snapshot is complete only when none is left.
 *     Commands that read the old value and then only replace or delete it (SET, SETEX, MSET,
 *     RESTORE, COPY, RENAME's and the STORE commands' destinations) look it up with
 *     lookup_overwrite, which skips lookup_write's SNAP_EDIT so the db_* call
 *     that drops the value runs the hook; every other write command keeps lookup_write. The
 *     in-place SET of a same-size string is not taken on an owed entry (it goes through
 *     db_replace_value). Eviction serializes at once (evict.c: its deletes must free memory).
 *     FLUSHDB/FLUSHALL call snapshot_before_flush, which writes every owed entry of the db first
 *     (O(n), like a synchronous FLUSHALL); SWAPDB calls snapshot_swapdb, which only swaps the
 *     snapshot's map from cut dbs to the physical dbs holding their keys (a retained pre-image
 *     carries its cut db).
 * Keys created after the cut are never written (version > cut); a key deleted and re-created
 * is written once, as its pre-image. Records of one db need not be contiguous: a SELECTDB goes
 * before any record whose db differs from the previous one (Redis loads that).
 *
 * Memory: records are serialized into one output buffer (rdb_out), written to the file in
 * pieces of an eighth of `buffer_limit` (at most 1 MiB). Retained pre-images, the output buffer
 * and the side buffer (below) share the cap `buffer_limit` (CONFIG snapshot-buffer-size; by
 * default 1/100 of the data within 1-64 MiB): a SNAP_REPLACE or SNAP_DELETE that would pass it
 * (or pass maxmemory) is serialized at once instead, on the command's path. That is the
 * backpressure: past the cap the writers pay the serialization (and now and then a write to
 * the page cache) and memory does not grow. The peak of retained bytes plus buffers is the
 * snapshot's extra memory (snapshot_stats.peak_extra, INFO rdb_last_cow_size).
 *
 * Big collections (a quicklist, hashtable or skiplist value) are written over several steps:
 * the traversal opens the record and writes PIECE_ELEMENTS elements between looks at the
 * clock, so a 1M-field hash does not block the loop. While a record is open nothing else may
 * enter the file: every other record (pre-images, the rest of the scanned bucket) is written
 * to a side buffer in memory and appended when the open record completes; if the side buffer
 * passes `buffer_limit`, the open record is finished at once (memory stays bounded). The open
 * value is still owed, so a change to it runs the hook, which writes the rest of the record
 * before the change (a one-time cost proportional to what was left); a hashtable's rehashing
 * is paused while its record is open. Pre-images are always written whole.
 *
 * For the tiering engine (moving values between tiers): snapshot_owes(st, e) tells whether e's
 * value is still owed to a running snapshot. Moving a value to another tier does not change it,
 * so a migration must NOT call key_modified (that would stamp it and lose it from the
 * snapshot); it may move an owed value freely (the snapshot reads e->val when it writes the
 * record, after the move). A migration that cannot keep the value readable through e->val must
 * call snapshot_before_change(st, db, e, SNAP_EDIT) first. Retained pre-images are out of its
 * reach (not in any dict).
 *
 * The file: the caller opens it (a temp file), passes the descriptor, and after snapshot_step
 * returns 1 (EOF and CRC written) fsyncs, renames and fsyncs the directory. One snapshot at a
 * time per store. */
#ifndef TM_STORE_SNAPSHOT_H
#define TM_STORE_SNAPSHOT_H

#include <stdint.h>

#include "rdb.h"
#include "store.h"

/* What the snapshot writes its records with: the RDB writer (rdb.h) by default, or another
 * format with the same calls and contract (aof_base.h: an AOF base of commands). The snapshot
 * decides what is written and when (the cut, the traversal, pre-images, pieces); the writer only
 * how. Each call has the contract of the rdb_put_* function of the same name. */
typedef struct snapshot_writer {
  void (*header)(rdb_out *o, int64_t now_ms, int aof_base);
  void (*selectdb)(rdb_out *o, int db, uint64_t keys, uint64_t expires);
  void (*record)(rdb_out *o, int db, const st_entry *e);
  int (*record_begin)(rdb_out *o, int db, const st_entry *e, rdb_piecewise *w);
  int (*record_more)(rdb_out *o, rdb_piecewise *w, size_t max);
  void (*record_abort)(rdb_piecewise *w);
  void (*eof)(rdb_out *o);
} snapshot_writer;

/* Begin: writes the header into the buffer. 0, or -1 with errno (EBUSY: one is running). */
int snapshot_start(st_store *st, int fd, int compress, int checksum, size_t buffer_limit);
/* The same for an AOF base (BGREWRITEAOF): the header says aof-base 1. */
int snapshot_start_aof_base(st_store *st, int fd, int compress, int checksum, size_t buffer_limit);
/* The same through another writer (header called with aof_base 1). */
int snapshot_start_writer(st_store *st, int fd, const snapshot_writer *w, int compress,
                          int checksum, size_t buffer_limit);
/* The same with BGSAVE STAT_MEMORY's profile (memprofile.h): the store-wide parts are read now,
 * every key is tallied as it is written, and st->profile holds the result once snapshot_step
 * returns 1 (an aborted or failed snapshot leaves the previous profile). */
int snapshot_start_profiled(st_store *st, int fd, int compress, int checksum, size_t buffer_limit);
/* Whether the running snapshot is profiling. */
int snapshot_profiling(const st_store *st);
/* About budget_us of traversal. 1: done (EOF and CRC written to fd), 0: more to do, -1: failed
 * (errno; the snapshot is over). */
int snapshot_step(st_store *st, uint64_t budget_us);
/* Stop a running snapshot (the caller removes its temp file). */
void snapshot_abort(st_store *st);
int snapshot_active(const st_store *st);
/* Figures of the running snapshot, or of the last one. */
snapshot_stats snapshot_get_stats(const st_store *st);
/* The running snapshot's own blocks (its state, db map and buffers), for st_walk_blocks. */
void snapshot_walk(const st_store *st, st_walk_fn *visit, void *arg);

/* Whether e's value is still owed to a running snapshot. */
static inline int snapshot_owes(const st_store *st, const st_entry *e) {
  return st->snap != NULL && e->version <= st->snap_cut;
}
/* What a change is about to do to an entry (the hook's argument; see the top). */
typedef enum { SNAP_EDIT, SNAP_REPLACE, SNAP_DELETE } snap_change;
/* The hook's work for an owed entry. 1 when the pre-image was retained (not for SNAP_EDIT). */
int snapshot_preimage(st_store *st, st_db *db, st_entry *e, snap_change how);
/* The hook (db.c, evict.c, t_string.c). Returns 1 when the pre-image was retained: for
 * SNAP_DELETE e now belongs to the snapshot (unlink it, do not free it); for SNAP_REPLACE e's
 * value moved to the snapshot (e->val is NULL). 0: nothing retained (the record was written,
 * or e is not owed). */
static inline int snapshot_before_change(st_store *st, st_db *db, st_entry *e, snap_change how) {
  return snapshot_owes(st, e) ? snapshot_preimage(st, db, e, how) : 0;
}
/* A command that ran SNAP_REPLACE on e (the hook returned 1) failed before changing e: the
 * retained value goes back to e, which is owed again, as if the hook had not run (its
 * preimages count stays). Nothing else may have run the hook in between. */
void snapshot_replace_undo(st_store *st, st_entry *e);
void snapshot_before_flush(st_store *st, st_db *db);
void snapshot_swapdb(st_store *st, int a, int b);
/* key_modified's check that the hook ran (counts missed_hooks). */
static inline void snapshot_after_change(st_store *st, const st_entry *e) {
  if (snapshot_owes(st, e)) st->snap_missed++;
}

#endif
