/* aof.h - command propagation to the append-only file (Redis 7.0's feedAppendOnlyFile).
 *
 * When enabled (aof_enable), every write command that changed the dataset (the dirty counter
 * moved beyond the keys it expired) is appended to one accounted buffer (owner SM_STORE,
 * category TM_CAT_BUFFERS) as a RESP array, preceded by SELECT when the db differs from the
 * stream's last one. The control plane takes the bytes (aof_take) after each feed/cron and
 * writes them to the incr file before it sends that feed's replies.
 *
 * Forms that replay to the same state, as redis-server 7.0.15 writes them:
 *   EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT, GETEX EX|PX|EXAT|PXAT -> PEXPIREAT key <abs ms>
 *   (a time already past deleted the key -> DEL key); GETEX PERSIST -> PERSIST key
 *   SETEX/PSETEX, SET .. EX|PX|EXAT -> SET key value PXAT <abs ms> (SET .. PXAT as given)
 *   INCRBYFLOAT -> SET key <new value> KEEPTTL; HINCRBYFLOAT -> HSET key field <new value>
 *   SPOP key -> SREM key member; SPOP key n -> SREM per member (DEL when it took the whole set)
 *   GETDEL -> DEL; RESTORE key <relative ttl> .. -> RESTORE key <abs ms> .. ABSTTL
 *   BLPOP/BRPOP (at once or when served) -> LPOP/RPOP <the key served>; BLMOVE -> LMOVE;
 *   BRPOPLPUSH -> RPOPLPUSH; [B]LMPOP -> LPOP/RPOP key <count popped>; [B]ZMPOP -> ZPOPMIN/
 *   ZPOPMAX key <count popped>; BZPOPMIN/BZPOPMAX -> ZPOPMIN/ZPOPMAX key
 *   a key expired lazily or by the cron, or evicted -> DEL key
 *   several commands from one (SPOP n) and EXEC's writes -> wrapped in MULTI ... EXEC
 * Anything else is propagated as received. */
#ifndef TM_STORE_AOF_H
#define TM_STORE_AOF_H

#include "store.h"

typedef struct aof_mark {
  uint64_t dirty;   /* stats.dirty before the command */
  uint64_t expired; /* keys expired by the AOF hook before the command */
  reply_pos reply;  /* where the command's reply starts */
  int active;
} aof_mark;

/* Start (or stop) propagating. Enabling resets the stream's db, so the next write SELECTs. */
int aof_enable(st_store *st, int on);
int aof_enabled(const st_store *st);
/* Bytes waiting in the buffer; aof_take copies up to cap of them out and drops them. */
size_t aof_pending(const st_store *st);
size_t aof_take(st_store *st, void *out, size_t cap);
/* Its blocks, for st_walk_blocks. */
void aof_walk(const st_store *st, st_walk_fn *visit, void *arg);
/* Buffer dropped with the store. */
void aof_free(st_store *st);
/* Redis's writeCommandsDeniedByDiskError + writeCommandsGetDiskErrorMessage: why writes (and
 * PING) are refused now, or NULL. A failed background save (cfg.misconf) comes first, then an
 * AOF write error (cfg.aof_write_errno): "MISCONF Errors writing to the AOF file: <strerror>".
 * The text lives until the next call. */
const char *aof_disk_error(st_store *st);
/* 1 if the buffer could not grow (an OOM lost propagated bytes): the owner must fail writes. */
int aof_lost(const st_store *st);

/* st_call's hooks around a command (and blocking.c's, around a blocked command it serves). */
void aof_begin(st_client *c, aof_mark *m);
void aof_end(st_client *c, const st_cmd *cmd, const aof_mark *m);
/* The expiry and eviction paths' hook: e (in db) is about to be deleted because its time
 * passed or maxmemory evicts it. */
void aof_expired(st_client *c, st_db *db, st_entry *e);

#endif
