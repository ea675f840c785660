/* blocking.h - clients waiting for keys: the blocking list and sorted-set commands.
 *
 * A blocking command (BLPOP, BLMOVE, BZPOPMIN, ...) is an ordinary command that, finding
 * nothing to pop, calls blk_block(): the client is put at the tail of the wait queue of each
 * of its keys, its command's arguments are copied out of the query buffer, and its further
 * input is held (st_feed parses nothing for a blocked client) until it is served, times out,
 * is unblocked by CLIENT UNBLOCK, or disconnects.
 *
 * Serving. When a key some client waits on is created (db_add, db_rekey: RENAME, MOVE,
 * RESTORE, a push; SWAPDB through blk_signal_db) the key is marked ready. After the current
 * top-level command (a whole MULTI/EXEC counting as one), blk_serve() re-runs the command of
 * each client waiting on a ready key, in arrival order, with CL_SERVING set: the command
 * looks only at the ready key (blk_skip), and if that key cannot serve it (gone, wrong type,
 * an earlier client took everything) it returns without a reply and the client stays where
 * it was in every queue. A command that replied has served the client: it is unblocked, and
 * its held input runs next (st_queue_unblocked). This is Redis 7.0's order: FIFO per key,
 * keys in the order they became ready, and a served BLMOVE's push may serve others in turn.
 *
 * Statistics, as Redis 7.0.15's: the call that blocks counts in commandstats (calls, usec)
 * when it is made; a client served by a push or unblocked by CLIENT UNBLOCK then adds that
 * call's duration again plus the reply's to usec, and only then gets its latency histogram
 * sample and its slow log entry (updateStatsOnUnblock); a timeout or a disconnect adds nothing.
 *
 * Timeouts: st_timers() replies the null array to clients past their deadline. CLIENT PAUSE
 * uses the same state (a "postponed" client has no keys: its command runs when the pause
 * ends).
 *
 * Memory: the per-client state and its argument copy are one block (SM_STORE, buffers); the
 * per-key queue heads are metadata blocks, freed with their last waiter. */
#ifndef TM_STORE_BLOCKING_H
#define TM_STORE_BLOCKING_H

#include "store.h"

/* A timeout argument in seconds as Redis 7.0.15 reads it (a long double; "0" = forever),
 * turned into an absolute deadline in ms (0 = none). -1 after Redis's error reply:
 * "ERR timeout is not a float or out of range" / "ERR timeout is negative". */
int blk_timeout_arg(st_client *c, int i, int64_t *deadline);

/* While serving: 1 if argv[i] is not the key that became ready (skip it). 0 otherwise. */
int blk_skip(const st_client *c, int i);

/* Nothing to serve now: block on the keys argv[first], argv[first + step], ... argv[last]
 * until deadline (0 = forever). Returns 1 when the caller must reply now as on a timeout
 * (CL_IN_EXEC: inside MULTI/EXEC), 0 otherwise: c is blocked (or, while serving, stays
 * blocked), or an OOM error was replied. */
int blk_block(st_client *c, int first, int last, int step, int64_t deadline);

/* st_call, after a call that left c blocked: its duration, for the statistics recorded when
 * it is unblocked. */
void blk_called(st_client *c, int64_t duration_us);

/* The keyspace hooks: key in db was created (cheap when nobody waits). */
void blk_signal(st_store *st, st_db *db, const void *key, size_t len);
/* Every waited-on key that exists in db (SWAPDB, FLUSH... anything replacing a whole db). */
void blk_signal_db(st_store *st, st_db *db);
/* Serve the clients waiting on the keys made ready (server.c, after each top-level command). */
void blk_serve(st_store *st);

/* CLIENT PAUSE: hold c's current command (c->argv) until the pause ends. 0, or -1 on OOM. */
int blk_postpone(st_client *c);
/* The end of a pause: every postponed client is queued to run its command. */
void blk_release_postponed(st_store *st);
/* A postponed client whose pause ended: run(c) with its held command in c->argv (c is no
 * longer blocked meanwhile, so the command may block anew), then free the copy. 1 if it ran. */
int blk_run_postponed(st_client *c, void (*run)(st_client *c));

/* Unblock without serving: BLK_TIMEOUT replies the null array, BLK_ERROR the UNBLOCKED
 * error, BLK_SILENT nothing (disconnect). The client is queued to run its held input (except
 * SILENT). 1 if c was blocked on keys, 0 if not (postponed clients are not unblockable). */
enum { BLK_TIMEOUT = 0, BLK_ERROR = 1, BLK_SILENT = 2 };
/* Or'ed into TIMEOUT/ERROR by CLIENT UNBLOCK: the command's statistics are recorded (failed). */
enum { BLK_BY_CLIENT = 4 };
int blk_unblock(st_client *c, int how);
/* Drop every trace of c's blocking state, postponed or not, without a reply. */
void blk_forget(st_client *c);

/* Time out the clients past their deadline; returns ms to the next deadline, or -1. */
int64_t blk_timeouts(st_store *st);

/* blocking.c's part of xclient_init / xclient_destroy / st_walk_blocks. */
void blk_init(st_store *st);
void blk_destroy(st_store *st);
void blk_walk(st_store *st, st_walk_fn *visit, void *arg);

#endif
