/* t_list.c - the list type: its value lifecycle and its commands.
 *
 * Encodings. ENC_LISTPACK: e->val is one listpack (TM_CAT_DATA, routed; its tier in the entry)
 * while the list is one quicklist node. ENC_QUICKLIST: e->val is a quicklist (quicklist.h). A
 * list grows into a quicklist before an addition for which Redis 7.0 would start a second node
 * (quicklist.h's rules), and goes back to a listpack when deletions leave one node at half the
 * limit (Redis 7.2's conversion, invisible: the node is the same). OBJECT ENCODING says
 * "quicklist" for both, as Redis 7.0 does. A list keeps the list-max-listpack-size it was made
 * with, as Redis's quicklist does (its `fill`): a quicklist in ql->fill, a listpack in e->vlen
 * (see list_fill).
 *
 * Both encodings run through the quicklist code: a small list is wrapped in a borrowed
 * quicklist on the stack (a "view"), which never splits (the conversion check came first).
 *
 * Allocation first: an addition converts (allocates) and adds with rollback, so an OOM leaves
 * the list as it was; replies that stream values are marked and truncated if a later step fails.
 * Deletions only shrink blocks (see quicklist.h for the one way that can be refused). */
#include <limits.h>

#include "quicklist.h"
#include "store.h"

/* ------------------------------------------------------------------------------ values */

/* Free a value now (values built by a command that failed; keys go through obj_free). */
static void list_free(st_store *st, st_entry *e) {
  if (entry_enc(e) == ENC_QUICKLIST)
    ql_free(&st->mem, e->val);
  else
    lp_free(&st->mem, ST_LIST, e->val, entry_val_tier(e));
}

size_t list_usage(st_store *st, const st_entry *e) {
  if (entry_enc(e) == ENC_QUICKLIST) return (size_t)((const quicklist *)e->val)->bytes;
  const unsigned char *lp = e->val;
  return lp ? sm_usable(&st->mem, entry_val_tier(e), lp, lp_bytes(lp)) : 0;
}

size_t list_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max) {
  /* max counts blocks, as the other types' steps count members: two per node. */
  if (enc == ENC_QUICKLIST) return ql_free_step(&st->mem, val, max / 2 ? max / 2 : 1);
  lp_free(&st->mem, ST_LIST, val, tier);
  return 0;
}

uint64_t list_length(const st_entry *e) {
  if (entry_enc(e) == ENC_QUICKLIST) return ((const quicklist *)e->val)->count;
  return e->val ? lp_length(e->val) : 0;
}

/* ------------------------------------------------------------------------------ fill */

/* A listpack-encoded list's fill lives in e->vlen as fill + 6 (fill is -5..32767); 0, a value
 * made before it was kept, means the current list-max-listpack-size. */
static uint32_t fill_code(int fill) { return (uint32_t)(fill + 6); }

static int list_fill(const st_store *st, const st_entry *e) {
  if (entry_enc(e) == ENC_QUICKLIST) return ((const quicklist *)e->val)->fill;
  return e->vlen ? (int)e->vlen - 6 : ql_fill(st->cfg.list_max_listpack_size);
}

/* ------------------------------------------------------------------------------ views */

typedef struct lview {
  quicklist *ql;
  quicklist q; /* the borrowed wrapper of a listpack-encoded list */
  ql_node n;
} lview;

static quicklist *view(st_store *st, st_entry *e, lview *v) {
  if (entry_enc(e) == ENC_QUICKLIST) return v->ql = e->val;
  memset(&v->q, 0, sizeof v->q);
  memset(&v->n, 0, sizeof v->n);
  v->n.lp = e->val;
  v->n.count = lp_length(e->val);
  v->n.lp_tier = entry_val_tier(e);
  v->q.head = v->q.tail = &v->n;
  v->q.count = v->n.count;
  v->q.len = 1;
  v->q.fill = list_fill(st, e);
  v->q.borrowed = 1;
  return v->ql = &v->q;
}

/* Write a borrowed view back: its listpack may have moved, changed tier, or gone. */
static void unview(st_entry *e, lview *v) {
  if (v->ql != &v->q) return;
  e->val = v->n.lp;
  entry_set_val_tier(e, v->n.lp_tier);
}

/* A quicklist with one small node becomes a listpack again. Frees only: cannot fail. */
static void try_shrink(st_store *st, st_entry *e) {
  quicklist *ql = e->val;
  if (entry_enc(e) != ENC_QUICKLIST || ql->len != 1 || !ql_convertible(ql)) return;
  uint8_t tier;
  e->vlen = fill_code(ql->fill);
  e->val = ql_release_lp(&st->mem, ql, &tier);
  entry_set_enc(e, ENC_LISTPACK);
  entry_set_val_tier(e, tier);
}

/* After a change through view v: write it back; an emptied list goes; one that shrank may
 * convert back. */
static void list_changed(st_client *c, st_entry *e, lview *v, int shrank) {
  unview(e, v);
  if (list_length(e) == 0) {
    db_delete_entry(c, c->db, e);
    return;
  }
  if (shrank) try_shrink(c->st, e);
  key_modified(c, c->db, e);
}

/* One more element of `len` string bytes pushed at an end of a one-node list of *bytes and
 * *count: 0 if Redis would start a new node for it; else 1, and the node's figures grow. */
static int one_more(int fill, size_t *bytes, uint64_t *count, const unsigned char *s,
                    uint32_t len) {
  if (*count > 0 && !ql_allow_insert(fill, *bytes, *count, len)) return 0;
  *bytes += ql_entry_size(s, len);
  ++*count;
  return 1;
}

/* Before an addition to e: a listpack becomes a quicklist first unless `fits` (the addition
 * keeps one node under Redis 7.0's rules). 1 if it converted, 0 if not needed, -1 on OOM
 * (nothing changed). */
static int make_room(st_store *st, st_entry *e, int fits) {
  if (entry_enc(e) != ENC_LISTPACK || fits) return 0;
  unsigned char *lp = e->val;
  int fill = list_fill(st, e);
  quicklist *ql = ql_adopt(&st->mem, fill, lp, entry_val_tier(e));
  if (ql == NULL) return -1;
  e->val = ql;
  entry_set_enc(e, ENC_QUICKLIST);
  entry_set_val_tier(e, ql->self_tier);
  return 1;
}

/* Undo make_room's conversion after a failed addition (the list holds what it held). */
static void undo_room(st_store *st, st_entry *e, int converted) {
  if (converted != 1 || entry_enc(e) != ENC_QUICKLIST || ((quicklist *)e->val)->len != 1) return;
  uint8_t tier;
  e->vlen = fill_code(((quicklist *)e->val)->fill);
  e->val = ql_release_lp(&st->mem, e->val, &tier);
  entry_set_enc(e, ENC_LISTPACK);
  entry_set_val_tier(e, tier);
}

/* A new empty list value of `fill`, held in a keyless stack entry until db_add: a listpack if
 * what goes in stays one node (`small`), else a quicklist. -1 on OOM. */
static int new_value(st_store *st, st_entry *tmp, int fill, int small) {
  memset(tmp, 0, sizeof *tmp);
  uint8_t tier;
  if (small) {
    tmp->val = lp_new(&st->mem, ST_LIST, &tier);
    tmp->meta = (ST_LIST << 4) | ENC_LISTPACK;
    tmp->vlen = fill_code(fill);
  } else {
    quicklist *ql = ql_new(&st->mem, fill);
    tmp->val = ql;
    tier = ql ? ql->self_tier : TM_DRAM;
    tmp->meta = (ST_LIST << 4) | ENC_QUICKLIST;
  }
  entry_set_val_tier(tmp, tier);
  return tmp->val ? 0 : -1;
}

/* Store a value built in tmp under argv[k]. -1 on OOM (tmp's value freed). */
static st_entry *add_value(st_client *c, int k, st_entry *tmp) {
  st_entry *e = db_add(c, c->db, c->argv[k].ptr, c->argv[k].len, ST_LIST, entry_enc(tmp), tmp->val,
                       tmp->vlen, entry_val_tier(tmp));
  if (e == NULL) list_free(c->st, tmp);
  return e;
}

/* ------------------------------------------------------------------------------ helpers */

/* lookup_write_typed with lookup_read_or_reply's replies on a miss (Redis's
 * lookupKeyWriteOrReply + checkType). */
static st_entry *write_or_reply(st_client *c, int k, st_miss miss) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[k], ST_LIST, &wrong);
  if (e != NULL || wrong) return e;
  switch (miss) {
    case MISS_NULL: reply_null_bulk(&c->out); break;
    case MISS_ZERO: reply_int(&c->out, 0); break;
    case MISS_EMPTY_ARRAY: reply_array(&c->out, 0); break;
    case MISS_NULL_ARRAY: reply_null_array(&c->out); break;
    case MISS_SILENT: break;
  }
  return NULL;
}

static inline const unsigned char *argp(const st_client *c, int i) { return c->argv[i].ptr; }
static inline uint32_t argl(const st_client *c, int i) { return (uint32_t)c->argv[i].len; }

static void reply_val(st_client *c, const lp_val *v) {
  if (v->is_int)
    reply_bulk_ll(&c->out, v->ll);
  else
    reply_bulk(&c->out, v->s, v->len);
}

/* An argument to compare entries with: strings that are canonical integers are stored as
 * integers, so an integer entry matches only such an argument and a string entry only bytes. */
typedef struct matcher {
  const resp_arg *a;
  int64_t ll;
  int is_int;
} matcher;

static void matcher_init(matcher *mt, const resp_arg *a) {
  mt->a = a;
  mt->is_int = lp_str2ll(a->ptr, a->len, &mt->ll);
}

static int matches(const matcher *mt, const lp_val *v) {
  if (v->is_int) return mt->is_int && v->ll == mt->ll;
  return v->len == mt->a->len && memcmp(v->s, mt->a->ptr, v->len) == 0;
}

/* LEFT/RIGHT (Redis's getListPositionFromObjectOrReply). -1 after the syntax error. */
int list_where_arg(st_client *c, int i) {
  if (arg_is(c, i, "left")) return QL_HEAD;
  if (arg_is(c, i, "right")) return QL_TAIL;
  reply_error(&c->out, "%s", ERR_SYNTAX);
  return -1;
}

/* Whether pushing args [first, argc) one by one at an end keeps listpack lp (NULL: a new list)
 * one node under `fill`. */
static int lp_takes_args(int fill, const unsigned char *lp, const st_client *c, int first) {
  size_t bytes = lp ? lp_bytes(lp) : LP_HDR_SIZE + 1;
  uint64_t count = lp ? lp_length(lp) : 0;
  for (int i = first; i < c->argc; i++)
    if (!one_more(fill, &bytes, &count, argp(c, i), argl(c, i))) return 0;
  return 1;
}

/* Listpack bytes of args [first, argc). Arguments above 4 GiB cannot be list elements. */
static int args_size(const st_client *c, int first, size_t *bytes) {
  size_t b = 0;
  for (int i = first; i < c->argc; i++) {
    if (c->argv[i].len > UINT32_MAX - 16) return -1;
    b += ql_entry_size(argp(c, i), argl(c, i));
  }
  *bytes = b;
  return 0;
}

/* Push args [first, argc) at `where`, all or nothing. -1 on OOM (e holds what it held). */
static int push_args(st_store *st, st_entry *e, const st_client *c, int first, int where) {
  int converted = make_room(
      st, e, entry_enc(e) != ENC_LISTPACK || lp_takes_args(list_fill(st, e), e->val, c, first));
  if (converted < 0) return -1;
  lview v;
  quicklist *ql = view(st, e, &v);
  int i = first;
  while (i < c->argc && ql_push(&st->mem, ql, where, argp(c, i), argl(c, i)) == 0) i++;
  if (i < c->argc) {
    uint64_t k = (uint64_t)(i - first);
    ql_del_range(&st->mem, ql, where == QL_HEAD ? 0 : ql->count - k, k);
    unview(e, &v);
    undo_room(st, e, converted);
    return -1;
  }
  unview(e, &v);
  return 0;
}

/* ------------------------------------------------------------------------------ push */

static void push_cmd(st_client *c, int where, int xx) {
  st_store *st = c->st;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (e == NULL && xx) {
    reply_int(&c->out, 0);
    return;
  }
  size_t bytes;
  if (args_size(c, 2, &bytes) != 0) {
    reply_oom(c);
    return;
  }
  if (e == NULL) {
    st_entry tmp;
    int fill = ql_fill(st->cfg.list_max_listpack_size);
    if (new_value(st, &tmp, fill, lp_takes_args(fill, NULL, c, 2)) != 0) {
      reply_oom(c);
      return;
    }
    if (push_args(st, &tmp, c, 2, where) != 0) {
      list_free(st, &tmp);
      reply_oom(c);
      return;
    }
    if ((e = add_value(c, 1, &tmp)) == NULL) {
      reply_oom(c);
      return;
    }
  } else {
    if (push_args(st, e, c, 2, where) != 0) {
      reply_oom(c);
      return;
    }
    key_modified(c, c->db, e);
  }
  reply_int(&c->out, (long long)list_length(e));
}

void cmd_lpush(st_client *c) { push_cmd(c, QL_HEAD, 0); }
void cmd_rpush(st_client *c) { push_cmd(c, QL_TAIL, 0); }
void cmd_lpushx(st_client *c) { push_cmd(c, QL_HEAD, 1); }
void cmd_rpushx(st_client *c) { push_cmd(c, QL_TAIL, 1); }

/* ------------------------------------------------------------------------------ pop */

/* Pop up to count elements from `where` of e (count < 0: one, as a bulk, else an array),
 * replying them; the emptied list goes. On OOM nothing changes and the reply is cut back to
 * `pos` (the caller's mark), then the OOM error: -1. */
int list_pop_reply(st_client *c, st_entry *e, int where, long long count, const reply_pos *pos) {
  lview v;
  quicklist *ql = view(c->st, e, &v);
  uint64_t n = count < 0 ? 1 : (uint64_t)count < ql->count ? (uint64_t)count : ql->count;
  if (count >= 0) reply_array(&c->out, (long)n);
  ql_iter it;
  lp_val val;
  ql_iter_at(ql, &it, where == QL_HEAD ? 0 : -1, where == QL_HEAD);
  for (uint64_t i = 0; i < n && ql_next(&c->st->mem, &it, &val); i++) reply_val(c, &val);
  if (ql_del_range(&c->st->mem, ql, where == QL_HEAD ? 0 : ql->count - n, n) != 0) {
    unview(e, &v);
    reply_truncate(&c->out, pos);
    reply_oom(c);
    return -1;
  }
  list_changed(c, e, &v, 1);
  return 0;
}

static void pop_cmd(st_client *c, int where) {
  if (c->argc > 3) {
    reply_wrong_arity(c, c->cmd->name);
    return;
  }
  long long count = -1;
  if (c->argc == 3 && arg_ll_range(c, 2, 0, LLONG_MAX, &count, ERR_POSITIVE) != 0) return;
  st_entry *e = write_or_reply(c, 1, count < 0 ? MISS_NULL : MISS_NULL_ARRAY);
  if (e == NULL) return;
  if (count == 0) {
    reply_array(&c->out, 0);
    return;
  }
  reply_pos pos;
  reply_mark(&c->out, &pos);
  list_pop_reply(c, e, where, count, &pos);
}

void cmd_lpop(st_client *c) { pop_cmd(c, QL_HEAD); }
void cmd_rpop(st_client *c) { pop_cmd(c, QL_TAIL); }

int list_mpop_args(st_client *c, int numkeys_idx, int *nkeys, int *where, long long *count) {
  long long numkeys;
  if (arg_ll_range(c, numkeys_idx, 1, LLONG_MAX, &numkeys,
                   "ERR numkeys should be greater than 0") != 0)
    return -1;
  if (numkeys > c->argc - numkeys_idx - 2) { /* compared before adding: numkeys may be huge */
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return -1;
  }
  int wi = numkeys_idx + 1 + (int)numkeys;
  if ((*where = list_where_arg(c, wi)) < 0) return -1;
  *count = -1;
  for (int j = wi + 1; j < c->argc; j++) {
    if (*count == -1 && arg_is(c, j, "count") && j + 1 < c->argc) {
      if (arg_ll_range(c, ++j, 1, LLONG_MAX, count, "ERR count should be greater than 0") != 0)
        return -1;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return -1;
    }
  }
  if (*count == -1) *count = 1;
  *nkeys = (int)numkeys;
  return 0;
}

void list_pop_keyed_reply(st_client *c, int k, st_entry *e, int where, long long count) {
  reply_pos pos;
  reply_mark(&c->out, &pos);
  reply_array(&c->out, 2);
  reply_bulk(&c->out, c->argv[k].ptr, c->argv[k].len);
  list_pop_reply(c, e, where, count, &pos);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_lmpop(st_client *c) {
  int numkeys, where;
  long long count;
  if (list_mpop_args(c, 1, &numkeys, &where, &count) != 0) return;
  for (int k = 2; k < 2 + numkeys; k++) {
    int wrong;
    st_entry *e = lookup_write_typed(c, &c->argv[k], ST_LIST, &wrong);
    if (wrong) return;
    if (e != NULL) return list_pop_keyed_reply(c, k, e, where, count);
  }
  reply_null_array(&c->out);
}

/* ------------------------------------------------------------------------------ reading */

void cmd_llen(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_LIST, MISS_ZERO);
  if (e != NULL) reply_int(&c->out, (long long)list_length(e));
}

void cmd_lindex(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_LIST, MISS_NULL);
  long long index;
  if (e == NULL || arg_ll(c, 2, &index) != 0) return;
  lview v;
  lp_val val;
  if (ql_get(view(c->st, e, &v), index, &val))
    reply_val(c, &val);
  else
    reply_null_bulk(&c->out);
}

void cmd_lrange(st_client *c) {
  long long start, end;
  if (arg_ll(c, 2, &start) != 0 || arg_ll(c, 3, &end) != 0) return;
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_LIST, MISS_EMPTY_ARRAY);
  if (e == NULL) return;
  lview v;
  quicklist *ql = view(c->st, e, &v);
  long long llen = (long long)ql->count;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    reply_array(&c->out, 0);
    return;
  }
  if (end >= llen) end = llen - 1;
  long long n = end - start + 1;
  reply_array(&c->out, (long)n);
  /* Walk from the nearer end of the range, in the order the reply wants. */
  ql_iter it;
  lp_val val;
  ql_iter_at(ql, &it, start, 1);
  for (long long i = 0; i < n && ql_next(&c->st->mem, &it, &val); i++) reply_val(c, &val);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void cmd_lpos(st_client *c) {
  long long rank = 1, count = -1, maxlen = 0;
  for (int j = 3; j < c->argc; j++) {
    int more = j + 1 < c->argc;
    if (arg_is(c, j, "rank") && more) {
      if (arg_ll(c, ++j, &rank) != 0) return;
      if (rank == 0) {
        reply_error(&c->out, "ERR RANK can't be zero: use 1 to start from the first match, 2 "
                             "from the second ... or use negative to start from the end of "
                             "the list");
        return;
      }
    } else if (arg_is(c, j, "count") && more) {
      if (arg_ll_range(c, ++j, 0, LLONG_MAX, &count, "ERR COUNT can't be negative") != 0) return;
    } else if (arg_is(c, j, "maxlen") && more) {
      if (arg_ll_range(c, ++j, 0, LLONG_MAX, &maxlen, "ERR MAXLEN can't be negative") != 0) return;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  }
  /* A negative rank searches from the tail. Redis negates it as a long: LLONG_MIN stays
   * negative, so every match qualifies and COUNT never ends the walk; the wrap-around
   * arithmetic below (well-defined in unsigned) gives the same answers. */
  int fwd = rank > 0;
  if (rank < 0) rank = (long long)(0 - (unsigned long long)rank);
  st_entry *e =
      lookup_read_or_reply(c, &c->argv[1], ST_LIST, count != -1 ? MISS_EMPTY_ARRAY : MISS_NULL);
  if (e == NULL) return;
  lview v;
  quicklist *ql = view(c->st, e, &v);
  void *deferred = count != -1 ? reply_defer_len(&c->out) : NULL;
  matcher mt;
  matcher_init(&mt, &c->argv[2]);
  ql_iter it;
  lp_val val;
  ql_iter_at(ql, &it, fwd ? 0 : -1, fwd);
  long long llen = (long long)ql->count, index = 0, nmatch = 0, found = -1, arraylen = 0;
  while ((maxlen == 0 || index < maxlen) && ql_next(&c->st->mem, &it, &val)) {
    if (matches(&mt, &val)) {
      nmatch++;
      long long at = fwd ? index : llen - index - 1;
      if (nmatch >= rank) {
        if (count == -1) {
          found = at;
          break;
        }
        arraylen++;
        reply_int(&c->out, at);
        long long got = (long long)((unsigned long long)nmatch - (unsigned long long)rank + 1);
        if (count != 0 && got >= count) break;
      }
    }
    index++;
  }
  if (count != -1)
    reply_set_defer_len(&c->out, deferred, (long)arraylen);
  else if (found >= 0)
    reply_int(&c->out, found);
  else
    reply_null_bulk(&c->out);
}

/* ------------------------------------------------------------------------------ changes */

void cmd_lset(st_client *c) {
  st_store *st = c->st;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (e == NULL) {
    reply_error(&c->out, "%s", ERR_NO_SUCH_KEY);
    return;
  }
  long long index;
  if (arg_ll(c, 2, &index) != 0) return;
  long long llen = (long long)list_length(e);
  if (index < 0) index += llen;
  if (index < 0 || index >= llen) {
    reply_error(&c->out, "%s", ERR_OUT_OF_RANGE);
    return;
  }
  /* In place whatever the size, as Redis 7.0's quicklistReplaceEntry: no conversion. */
  size_t bytes;
  if (args_size(c, 3, &bytes) != 0) {
    reply_oom(c);
    return;
  }
  lview v;
  if (ql_replace(&st->mem, view(st, e, &v), (uint64_t)index, argp(c, 3), argl(c, 3)) != 0) {
    unview(e, &v);
    reply_oom(c);
    return;
  }
  list_changed(c, e, &v, 1);
  reply_simple(&c->out, "OK");
}

void cmd_linsert(st_client *c) {
  st_store *st = c->st;
  int where;
  if (arg_is(c, 2, "after"))
    where = LP_AFTER;
  else if (arg_is(c, 2, "before"))
    where = LP_BEFORE;
  else {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return;
  }
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (e == NULL) {
    reply_int(&c->out, 0);
    return;
  }
  size_t bytes;
  int converted = -1;
  if (args_size(c, 4, &bytes) == 0) {
    int fill = list_fill(st, e);
    converted =
        make_room(st, e,
                  entry_enc(e) != ENC_LISTPACK ||
                      ql_allow_insert(fill, lp_bytes(e->val), lp_length(e->val), argl(c, 4)));
  }
  if (converted < 0) {
    reply_oom(c);
    return;
  }
  lview v;
  quicklist *ql = view(st, e, &v);
  matcher mt;
  matcher_init(&mt, &c->argv[3]);
  ql_iter it;
  lp_val val;
  int found = 0, rc = 0;
  ql_iter_at(ql, &it, 0, 1);
  while (ql_next(&st->mem, &it, &val)) {
    if (matches(&mt, &val)) {
      found = 1;
      rc = ql_iter_insert(&st->mem, &it, where, argp(c, 4), argl(c, 4));
      break;
    }
  }
  ql_iter_done(&st->mem, &it);
  unview(e, &v);
  if (!found || rc != 0) {
    undo_room(st, e, converted);
    if (rc != 0)
      reply_oom(c);
    else
      reply_int(&c->out, -1);
    return;
  }
  key_modified(c, c->db, e);
  reply_int(&c->out, (long long)list_length(e));
}

void cmd_lrem(st_client *c) {
  st_store *st = c->st;
  long long count;
  if (arg_ll(c, 2, &count) != 0) return;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (e == NULL) {
    reply_int(&c->out, 0);
    return;
  }
  /* count < 0 removes from the tail; Redis's -LLONG_MIN never equals a removal count. */
  int fwd = count >= 0;
  unsigned long long limit = count == LLONG_MIN ? 0
                             : count < 0        ? (unsigned long long)-count
                                                : (unsigned long long)count;
  lview v;
  quicklist *ql = view(st, e, &v);
  matcher mt;
  matcher_init(&mt, &c->argv[3]);
  ql_iter it;
  lp_val val;
  unsigned long long removed = 0;
  int oom = 0;
  ql_iter_at(ql, &it, fwd ? 0 : -1, fwd);
  while (ql_next(&st->mem, &it, &val)) {
    if (!matches(&mt, &val)) continue;
    if (ql_iter_del(&st->mem, &it) != 0) {
      oom = 1;
      break;
    }
    if (++removed == limit) break;
  }
  ql_iter_done(&st->mem, &it);
  if (removed > 0)
    list_changed(c, e, &v, 1);
  else
    unview(e, &v);
  if (oom)
    reply_oom(c);
  else
    reply_int(&c->out, (long long)removed);
}

void cmd_ltrim(st_client *c) {
  long long start, end;
  if (arg_ll(c, 2, &start) != 0 || arg_ll(c, 3, &end) != 0) return;
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (e == NULL) {
    reply_simple(&c->out, "OK");
    return;
  }
  lview v;
  quicklist *ql = view(c->st, e, &v);
  long long llen = (long long)ql->count, ltrim, rtrim;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  int rc = ql_del_range(&c->st->mem, ql, 0, (uint64_t)ltrim);
  if (rc == 0) rc = ql_del_range(&c->st->mem, ql, ql->count - (uint64_t)rtrim, (uint64_t)rtrim);
  list_changed(c, e, &v, 1);
  if (rc != 0)
    reply_oom(c);
  else
    reply_simple(&c->out, "OK");
}

/* ------------------------------------------------------------------------------ move */

/* LMOVE within one list: Redis pops, then pushes (ql_move_self keeps that order's node
 * layout). A string element is copied first: the listpack moves under it. */
static void move_self(st_client *c, st_entry *e, int from, int to) {
  st_store *st = c->st;
  sm *m = &st->mem;
  lview v;
  lp_val val;
  char ibuf[LP_INTBUF];
  uint32_t len;
  ql_get(view(st, e, &v), from == QL_HEAD ? 0 : -1, &val);
  const unsigned char *s = lp_val_bytes(&val, ibuf, &len);
  unsigned char *copy = NULL;
  uint8_t ctier = TM_DRAM;
  if (!val.is_int && len > 0) {
    if ((copy = sm_alloc(m, SM_STORE, TM_CAT_BUFFERS, len, &ctier)) == NULL) {
      reply_oom(c);
      return;
    }
    memcpy(copy, s, len);
    s = copy;
  }
  int rc = ql_move_self(m, view(st, e, &v), from, to, s, len);
  if (rc == 1) { /* one listpack, and Redis would start a second node */
    int converted = make_room(st, e, 0);
    rc = converted < 0 ? -1 : ql_move_self(m, view(st, e, &v), from, to, s, len);
    if (rc != 0 && converted == 1) undo_room(st, e, converted);
  }
  if (rc != 0) {
    unview(e, &v);
    sm_free(m, SM_STORE, TM_CAT_BUFFERS, copy, len, ctier);
    reply_oom(c);
    return;
  }
  reply_bulk(&c->out, s, len);
  sm_free(m, SM_STORE, TM_CAT_BUFFERS, copy, len, ctier);
  list_changed(c, e, &v, 0);
}

/* Pop from `from` of argv[1], push to `to` of argv[2]: the push (and a new key) first, the
 * pop last, so an OOM changes nothing. */
void list_move(st_client *c, int from, int to) {
  st_store *st = c->st;
  sm *m = &st->mem;
  int wrong;
  st_entry *src = lookup_write_typed(c, &c->argv[1], ST_LIST, &wrong);
  if (wrong) return;
  if (src == NULL) {
    reply_null_bulk(&c->out);
    return;
  }
  st_entry *dst = lookup_write_typed(c, &c->argv[2], ST_LIST, &wrong);
  if (wrong) return;
  if (dst == src) return move_self(c, src, from, to);
  lview sv, dv;
  lp_val val;
  char ibuf[LP_INTBUF];
  uint32_t len;
  quicklist *sq = view(st, src, &sv);
  ql_get(sq, from == QL_HEAD ? 0 : -1, &val);
  const unsigned char *s = lp_val_bytes(&val, ibuf, &len);
  int converted = dst ? make_room(st, dst,
                                  entry_enc(dst) != ENC_LISTPACK ||
                                      ql_allow_insert(list_fill(st, dst), lp_bytes(dst->val),
                                                      lp_length(dst->val), len))
                      : 0;
  if (converted < 0) {
    reply_oom(c);
    return;
  }
  st_entry tmp;
  int rc;
  if (dst == NULL) {
    rc = new_value(st, &tmp, ql_fill(st->cfg.list_max_listpack_size), 1);
    if (rc == 0) {
      quicklist *tq = view(st, &tmp, &dv);
      rc = ql_push(m, tq, to, s, len);
      unview(&tmp, &dv);
      if (rc != 0)
        list_free(st, &tmp);
      else if ((dst = add_value(c, 2, &tmp)) == NULL)
        rc = -1;
    }
  } else {
    rc = ql_push(m, view(st, dst, &dv), to, s, len);
    unview(dst, &dv);
    if (rc != 0) undo_room(st, dst, converted);
  }
  if (rc != 0) {
    reply_oom(c);
    return;
  }
  key_modified(c, c->db, dst);
  reply_pos pos;
  reply_mark(&c->out, &pos);
  reply_bulk(&c->out, s, len);
  if (ql_del_range(m, sq, from == QL_HEAD ? 0 : sq->count - 1, 1) != 0) {
    reply_truncate(&c->out, &pos);
    reply_oom(c);
  }
  list_changed(c, src, &sv, 1);
}

void cmd_lmove(st_client *c) {
  int from = list_where_arg(c, 3);
  if (from < 0) return;
  int to = list_where_arg(c, 4);
  if (to < 0) return;
  list_move(c, from, to);
}

void cmd_rpoplpush(st_client *c) { list_move(c, QL_TAIL, QL_HEAD); }

void list_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg) {
  if (val == NULL) return;
  if (enc != ENC_QUICKLIST) {
    visit(arg, val, lp_bytes(val), tier, ST_LIST, TM_CAT_DATA);
    return;
  }
  const quicklist *ql = val;
  visit(arg, ql, sizeof *ql, ql->self_tier, ST_LIST, TM_CAT_METADATA);
  for (const ql_node *n = ql->head; n != NULL; n = n->next) {
    visit(arg, n, sizeof *n, n->self_tier, ST_LIST, TM_CAT_METADATA);
    if (n->lp) visit(arg, n->lp, lp_bytes(n->lp), n->lp_tier, ST_LIST, TM_CAT_DATA);
  }
  (void)st;
}

void list_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg) {
  (void)st;
  (void)tier;
  const quicklist *ql = val;
  const ql_node *n = node;
  if (n == NULL) return visit(arg, ql, sizeof *ql, ql->self_tier, ST_LIST, TM_CAT_METADATA);
  visit(arg, n, sizeof *n, n->self_tier, ST_LIST, TM_CAT_METADATA);
  if (n->lp) visit(arg, n->lp, lp_bytes(n->lp), n->lp_tier, ST_LIST, TM_CAT_DATA);
}

/* ------------------------------------------------------------------------------ for SORT */

void list_each(st_store *st, st_entry *e, int64_t start, int fwd, st_elem_fn *fn, void *ctx) {
  lview v;
  quicklist *ql = view(st, e, &v);
  ql_iter it;
  lp_val val;
  char buf[LP_INTBUF];
  ql_iter_at(ql, &it, start, fwd);
  while (ql_next(&st->mem, &it, &val)) {
    uint32_t n;
    const unsigned char *s = lp_val_bytes(&val, buf, &n);
    if (fn(ctx, s, n, val.is_int)) break;
  }
}

st_entry *list_store(st_client *c, const resp_arg *key, size_t n, const unsigned char *const *s,
                     const size_t *len) {
  st_store *st = c->st;
  /* Redis 7.0's SORT ... STORE makes its list with quicklistCreate's default fill (-2), not
   * list-max-listpack-size. */
  int fill = -2, small = 1;
  size_t bytes = LP_HDR_SIZE + 1;
  uint64_t count = 0;
  for (size_t i = 0; i < n && small; i++)
    small = one_more(fill, &bytes, &count, s[i], (uint32_t)len[i]);
  st_entry tmp;
  if (new_value(st, &tmp, fill, small) != 0) return NULL;
  lview v;
  quicklist *ql = view(st, &tmp, &v);
  for (size_t i = 0; i < n; i++) {
    if (ql_push(&st->mem, ql, QL_TAIL, s[i], (uint32_t)len[i]) != 0) {
      unview(&tmp, &v);
      list_free(st, &tmp);
      return NULL;
    }
  }
  unview(&tmp, &v);
  st_entry *e = lookup_overwrite(c, key); /* replaced: the hook runs there */
  if (e == NULL) {
    e = db_add(c, c->db, key->ptr, key->len, ST_LIST, entry_enc(&tmp), tmp.val, tmp.vlen,
               entry_val_tier(&tmp));
    if (e == NULL) list_free(st, &tmp);
    return e;
  }
  db_replace_value(c, c->db, e, ST_LIST, entry_enc(&tmp), tmp.val, tmp.vlen, entry_val_tier(&tmp));
  db_persist(c->db, e); /* after the hook saw the old TTL */
  return e;
}

/* ------------------------------------------------------------------------------ for COPY */

int list_dup(st_store *st, st_entry *e, str_val *out) {
  if (entry_enc(e) == ENC_LISTPACK) {
    size_t n = lp_bytes(e->val);
    uint8_t tier;
    unsigned char *p = sm_alloc(&st->mem, ST_LIST, TM_CAT_DATA, n, &tier);
    if (p == NULL) return -1;
    memcpy(p, e->val, n);
    *out = (str_val){ p, e->vlen, tier, ENC_LISTPACK }; /* its fill too */
    return 0;
  }
  quicklist *ql = ql_dup(&st->mem, e->val); /* the same nodes, as Redis's quicklistDup */
  if (ql == NULL) return -1;
  *out = (str_val){ ql, 0, ql->self_tier, ENC_QUICKLIST };
  return 0;
}
