/* t_list_blocking.c - BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP: the list pops that wait
 * (blocking.h), with Redis 7.0.15's argument order, replies and errors. */
#include <limits.h>

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

/* BLPOP/BRPOP key [key ...] timeout, and BLMPOP's keys (count >= 1, mpop set). */
static void bpop(st_client *c, int first, int last, int where, long long count, int mpop,
                 int64_t deadline) {
  for (int k = first; k <= last; k++) {
    if (blk_skip(c, k)) continue;
    int wrong;
    st_entry *e = list_at(c, k, &wrong);
    if (wrong) return;
    if (e == NULL) continue;
    reply_pos pos;
    reply_mark(&c->out, &pos);
    reply_array(&c->out, 2);
    reply_bulk(&c->out, c->argv[k].ptr, c->argv[k].len);
    list_pop_reply(c, e, where, mpop ? count : -1, &pos);
    return;
  }
  if (blk_block(c, first, last, 1, deadline)) reply_null_array(&c->out);
}

static void bpop_cmd(st_client *c, int where) {
  int64_t deadline;
  if (blk_timeout_arg(c, c->argc - 1, &deadline) != 0) return;
  bpop(c, 1, c->argc - 2, where, -1, 0, deadline);
}

void cmd_blpop(st_client *c) { bpop_cmd(c, QL_HEAD); }
void cmd_brpop(st_client *c) { bpop_cmd(c, QL_TAIL); }

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_blmpop(st_client *c) {
  long long numkeys, count = -1;
  if (arg_ll_range(c, 2, 1, LLONG_MAX, &numkeys, "ERR numkeys should be greater than 0") != 0)
    return;
  if (numkeys > c->argc - 4) {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return;
  }
  int wi = 3 + (int)numkeys;
  int where = list_where_arg(c, wi);
  if (where < 0) return;
  for (int j = wi + 1; j < c->argc; j++) {
    if (count == -1 && arg_is(c, j, "count") && j + 1 < c->argc) {
      if (arg_ll_range(c, ++j, 1, LLONG_MAX, &count, "ERR count should be greater than 0") != 0)
        return;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  }
  if (count == -1) count = 1;
  int64_t deadline;
  if (blk_timeout_arg(c, 1, &deadline) != 0) return;
  bpop(c, 3, wi - 1, where, count, 1, deadline);
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
