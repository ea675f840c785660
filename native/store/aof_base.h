/* aof_base.h - an AOF base written as commands (aof-use-rdb-preamble no), as redis-server
 * 7.0.15's rewriteAppendOnlyFileRio writes `appendonly.aof.N.base.aof`.
 *
 * A snapshot writer (snapshot.h): BGREWRITEAOF starts the point-in-time snapshot with it
 * (snapshot_start_writer), so the cut, the pre-image hook, the pieces and the buffer cap are the
 * RDB snapshot's; only the bytes differ. Per key, in RESP:
 *   SELECT <db>                       before the first key of a db, and before any key (a
 *                                     pre-image) whose db differs from the previous key's
 *   SET key value                     strings (an integer as its decimal text)
 *   RPUSH key e1 .. e64               lists, sets, sorted sets and hashes in commands of at most
 *   SADD key m1 .. m64                AOF_REWRITE_ITEMS_PER_CMD (64) elements: the first ones
 *   ZADD key score member ..          hold 64, the last one the rest; scores as "%.17g" (Redis
 *   HMSET key field value ..          7.0's rioWriteBulkDouble: "inf", "0.10000000000000001")
 *   PEXPIREAT key <ms>                after the value, when the key has a TTL
 * There is no header and no trailer (the file is only commands); an empty dataset is an empty
 * file. Keys whose TTL has passed are written with their PEXPIREAT, as Redis writes them: the
 * replay drops them, and the incr files after the cut still name them consistently.
 *
 * Big collections (quicklist, hashtable, skiplist) go out element by element across steps like
 * the RDB records: rdb_piecewise keeps the node, the position inside a quicklist node (pos) and
 * the elements written (done), which say when the next command header is due and what it counts.
 * Listpack and intset values are written whole. The output stream is an rdb_out without checksum
 * (start with checksum 0: no CRC is computed). */
#ifndef TM_STORE_AOF_BASE_H
#define TM_STORE_AOF_BASE_H

#include "snapshot.h"

/* Redis's AOF_REWRITE_ITEMS_PER_CMD. */
#define AOF_REWRITE_ITEMS_PER_CMD 64

extern const snapshot_writer aof_base_writer;

/* One key's commands (SELECT first if db is not o->cur_db), whole. */
void aof_base_put_record(rdb_out *o, int db, const st_entry *e);

#endif
