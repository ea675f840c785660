/* t_zset_blocking.c - BZPOPMIN BZPOPMAX BZMPOP: the sorted-set pops that wait (blocking.h),
 * with Redis 7.0.15's argument order, replies and errors (blockingGenericZpopCommand). */
#include "blocking.h"

/* The sorted set at argv[k] for a blocking pop: NULL if missing; while serving, a key of
 * another type counts as missing (the client keeps waiting, as Redis 7.0 serves a ready key
 * only to the clients blocked on its type); otherwise WRONGTYPE is replied and *wrong set. */
static st_entry *zset_at(st_client *c, int k, int *wrong) {
  *wrong = 0;
  if (c->flags & CL_SERVING) {
    st_entry *e = db_find(c, c->db, c->argv[k].ptr, c->argv[k].len);
    return e != NULL && entry_type(e) == ST_ZSET ? lookup_write(c, &c->argv[k]) : NULL;
  }
  return lookup_write_typed(c, &c->argv[k], ST_ZSET, wrong);
}

/* Pop from the first non-empty sorted set of argv[first..last], or block on them all. Inside
 * MULTI (and any context that may not block) no data answers the null array at once. */
static void bzpop(st_client *c, int first, int last, int max, long count, int form,
                  int64_t deadline) {
  for (int k = first; k <= last; k++) {
    if (blk_skip(c, k)) continue;
    int wrong;
    st_entry *e = zset_at(c, k, &wrong);
    if (wrong) return;
    if (e != NULL) return zset_pop_reply(c, c->db, e, max, count, form);
  }
  if (blk_block(c, first, last, 1, deadline)) reply_null_array(&c->out);
}

/* BZPOPMIN|BZPOPMAX key [key ...] timeout: [key, member, score]. */
static void bzpop_cmd(st_client *c, int max) {
  int64_t deadline;
  if (blk_timeout_arg(c, c->argc - 1, &deadline) != 0) return;
  bzpop(c, 1, c->argc - 2, max, 1, ZPOP_REPLY_KEYED, deadline);
}

void cmd_bzpopmin(st_client *c) { bzpop_cmd(c, 0); }
void cmd_bzpopmax(st_client *c) { bzpop_cmd(c, 1); }

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the arguments are checked before
 * the timeout, as zmpopGenericCommand does. */
void cmd_bzmpop(st_client *c) {
  long numkeys, count;
  int max;
  if (zset_mpop_args(c, 2, &numkeys, &max, &count) != 0) return;
  int64_t deadline;
  if (blk_timeout_arg(c, 1, &deadline) != 0) return;
  bzpop(c, 3, 2 + (int)numkeys, max, count, ZPOP_REPLY_MPOP, deadline);
}
