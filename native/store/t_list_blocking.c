/* t_list_blocking.c - BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP: the list pops that wait
 * (blocking.h), with Redis 7.0.15's argument order, replies and errors. */
#include "blocking.h"
#include "quicklist.h"

/* The list at argv[k] for a blocking pop: NULL if missing; while serving, a key of another
 * type counts as missing (the client keeps waiting, as Redis 7.0 does); otherwise WRONGTYPE
 * is replied and *wrong set. */
static st_entry *list_at(st_client *c, int k, int *wrong) {
  *wrong = 0;
  if (c->flags & CL_SERVING) {
    st_entry *e = db_find(c, c->db, c->argv[k].ptr, c->argv[k].len);
    return e != NULL && entry_type(e) == ST_LIST ? lookup_write(c, &c->argv[k]) : NULL;
  }
  return lookup_write_typed(c, &c->argv[k], ST_LIST, wrong);
}

/* BLPOP/BRPOP key [key ...] timeout (count < 0: one element as a bulk), and BLMPOP's keys. */
static void bpop(st_client *c, int first, int last, int where, long long count, int64_t deadline) {
  for (int k = first; k <= last; k++) {
    if (blk_skip(c, k)) continue;
    int wrong;
    st_entry *e = list_at(c, k, &wrong);
    if (wrong) return;
    if (e != NULL) return list_pop_keyed_reply(c, k, e, where, count);
  }
  if (blk_block(c, first, last, 1, deadline)) reply_null_array(&c->out);
}

static void bpop_cmd(st_client *c, int where) {
  int64_t deadline;
  if (blk_timeout_arg(c, c->argc - 1, &deadline) != 0) return;
  bpop(c, 1, c->argc - 2, where, -1, deadline);
}

void cmd_blpop(st_client *c) { bpop_cmd(c, QL_HEAD); }
void cmd_brpop(st_client *c) { bpop_cmd(c, QL_TAIL); }

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_blmpop(st_client *c) {
  int numkeys, where;
  long long count;
  if (list_mpop_args(c, 2, &numkeys, &where, &count) != 0) return;
  int64_t deadline;
  if (blk_timeout_arg(c, 1, &deadline) != 0) return;
  bpop(c, 3, 2 + numkeys, where, count, deadline);
}

/* BLMOVE / BRPOPLPUSH: LMOVE when the source has elements. */
static void bmove(st_client *c, int from, int to, int ti) {
  int64_t deadline;
  if (blk_timeout_arg(c, ti, &deadline) != 0) return;
  int wrong;
  st_entry *src = list_at(c, 1, &wrong);
  if (wrong) return;
  if (src != NULL) {
    list_move(c, from, to);
    return;
  }
  if (blk_block(c, 1, 1, 1, deadline)) reply_null_bulk(&c->out);
}

void cmd_blmove(st_client *c) {
  int from = list_where_arg(c, 3);
  if (from < 0) return;
  int to = list_where_arg(c, 4);
  if (to < 0) return;
  bmove(c, from, to, 5);
}

void cmd_brpoplpush(st_client *c) { bmove(c, QL_TAIL, QL_HEAD, 3); }
