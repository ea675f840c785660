/* blocking.c - clients waiting for keys (blocking.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "blocking.h"

#include "aof.h"
#include "latency_hist.h"

/* The queue of clients waiting on one (db, key). The dict key is the db id (4 bytes, host
 * order) followed by the key's bytes. */
typedef struct bk_key {
  dict_node node;
  struct bk_wait *head, *tail;
  struct bk_key *ready_next; /* on st->bk_ready while `ready` */
  uint32_t nwait;
  uint32_t len; /* of k[] */
  uint8_t tier, ready;
  unsigned char k[];
} bk_key;

typedef struct bk_wait {
  struct bk_wait *prev, *next;
  bk_key *key;
  st_client *c;
} bk_wait;

/* One block per blocked client: this header, the waits, the argv array, the argument bytes. */
typedef struct st_blocked {
  struct st_blocked *prev, *next; /* st->blocked_head */
  st_client *c;
  const st_cmd *cmd;
  int64_t deadline; /* ms, 0 = none */
  int64_t call_us;  /* how long the call that blocked took (Redis's c->duration) */
  bk_key *serving;  /* the ready key while its command re-runs */
  size_t size;
  uint8_t tier;
  uint8_t postponed; /* CLIENT PAUSE: no keys, runs when the pause ends */
  uint8_t released;  /* postponed and the pause ended: the caller runs argv */
  int nwait;
  int argc;
  bk_wait *w;
  resp_arg *argv;
} st_blocked;

static const unsigned char *bk_node_key(const dict_node *n, size_t *len) {
  const bk_key *k = (const bk_key *)n;
  *len = k->len;
  return k->k;
}
static const dict_type bk_keys_type = { bk_node_key };

void blk_init(st_store *st) { dict_init(&st->bk_keys, &bk_keys_type, &st->mem, SM_STORE); }

void blk_destroy(st_store *st) { dict_free_tables(&st->bk_keys); }

/* ------------------------------------------------------------------------------ timeouts */

int blk_timeout_arg(st_client *c, int i, int64_t *deadline) {
  const resp_arg *a = &c->argv[i];
  char buf[256];
  /* Redis's getLongDoubleFromObject: strtold over the whole string, no leading space, no NaN. */
  if (a->len == 0 || a->len >= sizeof buf || a->ptr[0] == ' ' || a->ptr[0] == '\t' ||
      a->ptr[0] == '\n' || a->ptr[0] == '\r' || a->ptr[0] == '\v' || a->ptr[0] == '\f') {
    reply_error(&c->out, "ERR timeout is not a float or out of range");
    return -1;
  }
  memcpy(buf, a->ptr, a->len);
  buf[a->len] = '\0';
  char *end;
  errno = 0;
  long double v = strtold(buf, &end);
  if ((size_t)(end - buf) != a->len || isnan(v) || errno == ERANGE) {
    reply_error(&c->out, "ERR timeout is not a float or out of range");
    return -1;
  }
  /* Redis rounds up to whole ms (0.0001 s waits 1 ms, not forever); (long long) of an
   * out-of-range value is LLONG_MIN on the machines Redis runs on: "negative". */
  long double ms = ceill(v * 1000.0L);
  if (!(ms > -9223372036854775808.0L && ms < 9223372036854775807.0L) || ms < 0) {
    reply_error(&c->out, "ERR timeout is negative");
    return -1;
  }
  long long t = (long long)ms;
  if (t == 0) {
    *deadline = 0;
    return 0;
  }
  int64_t now = c->st->now_ms;
  *deadline = t > INT64_MAX - now ? INT64_MAX : now + t;
  return 0;
}

/* ------------------------------------------------------------------------------ keys */

/* The dict key of (db, key) in buf (small keys) or a temporary block. */
typedef struct bk_name {
  unsigned char small[256];
  unsigned char *p;
  size_t len;
  uint8_t tier;
} bk_name;

static int name_make(st_store *st, bk_name *n, int dbid, const void *key, size_t len) {
  n->len = 4 + len;
  n->p = n->small;
  if (n->len > sizeof n->small) {
    n->p = sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, n->len, &n->tier);
    if (n->p == NULL) return -1;
  }
  uint32_t id = (uint32_t)dbid;
  memcpy(n->p, &id, 4);
  memcpy(n->p + 4, key, len);
  return 0;
}

static void name_free(st_store *st, bk_name *n) {
  if (n->p != n->small) sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, n->p, n->len, n->tier);
}

static void key_free(st_store *st, bk_key *k) {
  dict_unlink_node(&st->bk_keys, &k->node);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, k, sizeof *k + k->len, k->tier);
  if (dict_size(&st->bk_keys) == 0) dict_free_tables(&st->bk_keys); /* nobody waits: no table */
}

static void wait_unlink(st_store *st, bk_wait *w) {
  bk_key *k = w->key;
  if (w->prev != NULL)
    w->prev->next = w->next;
  else
    k->head = w->next;
  if (w->next != NULL)
    w->next->prev = w->prev;
  else
    k->tail = w->prev;
  k->nwait--;
  /* A ready key is freed when blk_serve reaches it. */
  if (k->nwait == 0 && !k->ready) key_free(st, k);
}

void blk_signal(st_store *st, st_db *db, const void *key, size_t len) {
  if (dict_size(&st->bk_keys) == 0) return;
  bk_name n;
  if (name_make(st, &n, db->id, key, len) != 0) return; /* OOM: the waiters time out */
  bk_key *k = (bk_key *)dict_find(&st->bk_keys, n.p, n.len);
  name_free(st, &n);
  if (k == NULL || k->ready) return;
  k->ready = 1;
  k->ready_next = st->bk_ready;
  st->bk_ready = k;
}

void blk_signal_db(st_store *st, st_db *db) {
  if (dict_size(&st->bk_keys) == 0) return;
  dict_iter it;
  dict_iter_init(&it, &st->bk_keys);
  for (dict_node *n; (n = dict_iter_next(&it)) != NULL;) {
    bk_key *k = (bk_key *)n;
    uint32_t id;
    memcpy(&id, k->k, 4);
    if ((int)id != db->id || k->ready) continue;
    if (dict_find(&db->keys, k->k + 4, k->len - 4) == NULL) continue;
    k->ready = 1;
    k->ready_next = st->bk_ready;
    st->bk_ready = k;
  }
  dict_iter_done(&it);
}

/* ------------------------------------------------------------------------------ state */

static void list_link(st_store *st, st_blocked *b) {
  b->prev = NULL;
  b->next = st->blocked_head;
  if (st->blocked_head != NULL) st->blocked_head->prev = b;
  st->blocked_head = b;
}

static void list_unlink(st_store *st, st_blocked *b) {
  if (b->prev != NULL)
    b->prev->next = b->next;
  else
    st->blocked_head = b->next;
  if (b->next != NULL) b->next->prev = b->prev;
}

/* The block for c's current command with room for nkeys waits; NULL on OOM. */
static st_blocked *state_new(st_client *c, int nkeys) {
  st_store *st = c->st;
  size_t bytes = 0;
  for (int i = 0; i < c->argc; i++) bytes += c->argv[i].len;
  size_t size = sizeof(st_blocked) + (size_t)nkeys * sizeof(bk_wait) +
                (size_t)c->argc * sizeof(resp_arg) + bytes;
  uint8_t tier;
  st_blocked *b = sm_calloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, size, &tier);
  if (b == NULL) return NULL;
  b->size = size;
  b->tier = tier;
  b->c = c;
  b->cmd = c->cmd;
  b->w = (bk_wait *)(b + 1);
  b->argv = (resp_arg *)(b->w + nkeys);
  unsigned char *p = (unsigned char *)(b->argv + c->argc);
  b->argc = c->argc;
  for (int i = 0; i < c->argc; i++) {
    memcpy(p, c->argv[i].ptr, c->argv[i].len);
    b->argv[i].ptr = p;
    b->argv[i].len = c->argv[i].len;
    p += c->argv[i].len;
  }
  return b;
}

static void state_free(st_client *c) {
  st_store *st = c->st;
  st_blocked *b = c->blocked;
  for (int i = 0; i < b->nwait; i++) wait_unlink(st, &b->w[i]);
  list_unlink(st, b);
  if (!b->postponed) st->blocked_clients--;
  c->blocked = NULL;
  c->flags &= ~(uint32_t)CL_BLOCKED;
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, b, b->size, b->tier);
}

int blk_skip(const st_client *c, int i) {
  if (!(c->flags & CL_SERVING) || c->blocked == NULL || c->blocked->serving == NULL) return 0;
  const bk_key *k = c->blocked->serving;
  return c->argv[i].len != k->len - 4 || memcmp(c->argv[i].ptr, k->k + 4, k->len - 4) != 0;
}

int blk_block(st_client *c, int first, int last, int step, int64_t deadline) {
  if (c->flags & CL_SERVING) return 0;
  if (c->flags & CL_IN_EXEC) return 1;
  st_store *st = c->st;
  int nkeys = 0;
  for (int i = first; i <= last; i += step) nkeys++;
  st_blocked *b = state_new(c, nkeys);
  if (b == NULL) {
    reply_oom(c);
    return 0;
  }
  for (int i = first; i <= last; i += step) {
    const resp_arg *a = &c->argv[i];
    int dup = 0;
    for (int j = first; j < i && !dup; j += step)
      dup = c->argv[j].len == a->len && memcmp(c->argv[j].ptr, a->ptr, a->len) == 0;
    if (dup) continue;
    bk_name n;
    bk_key *k = NULL;
    if (name_make(st, &n, c->db->id, a->ptr, a->len) == 0) {
      uint64_t h = dict_hash(n.p, n.len);
      k = (bk_key *)dict_find_hashed(&st->bk_keys, n.p, n.len, h);
      if (k == NULL) {
        uint8_t tier;
        k = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *k + n.len, &tier);
        if (k != NULL) {
          k->tier = tier;
          k->len = (uint32_t)n.len;
          memcpy(k->k, n.p, n.len);
          if (dict_add_hashed(&st->bk_keys, &k->node, h) != 0) {
            sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, k, sizeof *k + n.len, tier);
            k = NULL;
          }
        }
      }
      name_free(st, &n);
    }
    if (k == NULL) { /* OOM: undo the waits added so far */
      for (int j = 0; j < b->nwait; j++) wait_unlink(st, &b->w[j]);
      sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, b, b->size, b->tier);
      reply_oom(c);
      return 0;
    }
    bk_wait *w = &b->w[b->nwait++];
    w->key = k;
    w->c = c;
    w->next = NULL;
    w->prev = k->tail;
    if (k->tail != NULL)
      k->tail->next = w;
    else
      k->head = w;
    k->tail = w;
    k->nwait++;
  }
  b->deadline = deadline;
  if (deadline != 0) st_timer_hint(st, deadline);
  c->blocked = b;
  c->flags |= CL_BLOCKED;
  list_link(st, b);
  st->blocked_clients++;
  return 0;
}

int blk_postpone(st_client *c) {
  st_blocked *b = state_new(c, 0);
  if (b == NULL) return -1;
  b->postponed = 1;
  c->blocked = b;
  c->flags |= CL_BLOCKED;
  list_link(c->st, b);
  return 0;
}

void blk_release_postponed(st_store *st) {
  /* The list is newest first: queue from the tail so clients run in the order they paused. */
  st_blocked *last = NULL;
  for (st_blocked *b = st->blocked_head; b != NULL; b = b->next) last = b;
  for (st_blocked *b = last; b != NULL; b = b->prev)
    if (b->postponed && !b->released) {
      b->released = 1;
      st_queue_unblocked(b->c);
    }
}

int blk_run_postponed(st_client *c, void (*run)(st_client *c)) {
  st_blocked *b = c->blocked;
  if (b == NULL || !b->postponed || !b->released) return 0;
  st_store *st = c->st;
  list_unlink(st, b);
  c->blocked = NULL;
  c->flags &= ~(uint32_t)CL_BLOCKED;
  c->argc = b->argc;
  c->argv = b->argv;
  run(c);
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, b, b->size, b->tier);
  return 1;
}

void blk_forget(st_client *c) {
  if (c->blocked != NULL) state_free(c);
}

static int64_t ustime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void blk_called(st_client *c, int64_t duration_us) {
  if (c->blocked != NULL && !c->blocked->postponed) c->blocked->call_us = duration_us;
}

/* Redis's updateStatsOnUnblock: a blocked command answered by a push or by CLIENT UNBLOCK adds
 * the call's duration again plus the reply's to its usec, and is only now put in its latency
 * histogram and the slow log (with the arguments c->argv holds then). */
static void unblock_stats(st_client *c, const st_blocked *b, int64_t reply_us, int had_errors) {
  st_store *st = c->st;
  int64_t total = b->call_us + reply_us;
  st_cmdstat *cs = &st->cmdstats[b->cmd->index];
  cs->usec += (uint64_t)total;
  if (had_errors) cs->failed++;
  if (st->cfg.latency_tracking) latency_track(st, b->cmd->index, total);
  slowlog_push(c, b->cmd, total);
  latency_add_if_needed(st, LAT_COMMAND_UNBLOCKING, reply_us / 1000);
}

/* ------------------------------------------------------------------------------ unblocking */

/* c is no longer blocked: its output goes out, its held input runs next. */
static void done(st_client *c) {
  st_client_wake(c);
  st_queue_unblocked(c);
}

int blk_unblock(st_client *c, int how) {
  st_blocked *b = c->blocked;
  if (b == NULL || b->postponed) return 0;
  int reason = how & ~BLK_BY_CLIENT;
  if (reason == BLK_TIMEOUT)
    reply_null_array(&c->out);
  else if (reason == BLK_ERROR)
    reply_error(&c->out, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  /* CLIENT UNBLOCK counts the command as failed either way, and logs it without its
   * arguments (Redis has reset the client when it records it). */
  if (how & BLK_BY_CLIENT) unblock_stats(c, b, 0, 1);
  state_free(c);
  if (reason != BLK_SILENT) done(c);
  return 1;
}

int64_t blk_timeouts(st_store *st) {
  int64_t now = st->now_ms, next = -1;
  for (st_blocked *b = st->blocked_head, *nb; b != NULL; b = nb) {
    nb = b->next;
    if (b->postponed || b->deadline == 0) continue;
    if (b->deadline <= now) {
      blk_unblock(b->c, BLK_TIMEOUT);
      continue;
    }
    int64_t left = b->deadline - now;
    if (next < 0 || left < next) next = left;
  }
  return next;
}

/* Re-run c's command for ready key k. 1 if it replied (c is unblocked). */
static int serve_client(st_store *st, st_client *c, bk_key *k) {
  st_blocked *b = c->blocked;
  st_client *current = st->current;
  size_t before = reply_pending(&c->out);
  uint64_t errors = c->out.errors;
  b->serving = k;
  c->argc = b->argc;
  c->argv = b->argv;
  c->cmd = b->cmd;
  st->current = c;
  c->flags |= CL_SERVING;
  aof_mark am;
  aof_begin(c, &am);
  int64_t start = ustime();
  b->cmd->fn(c);
  int64_t reply_us = ustime() - start;
  aof_end(c, b->cmd, &am);
  c->flags &= ~(uint32_t)CL_SERVING;
  b->serving = NULL;
  int served = reply_pending(&c->out) != before || c->out.errors != errors || c->out.oom;
  if (served) unblock_stats(c, b, reply_us, c->out.errors != errors);
  c->argc = 0;
  c->argv = NULL;
  st->current = current;
  if (!served) return 0;
  state_free(c);
  done(c);
  return 1;
}

static void serve_key(st_store *st, bk_key *k) {
  uint32_t id;
  memcpy(&id, k->k, 4);
  st_db *db = (int)id < st->ndb ? &st->dbs[id] : NULL;
  uint32_t n = k->nwait;
  for (bk_wait *w = k->head, *next; w != NULL && n-- > 0; w = next) {
    next = w->next;
    if (db == NULL || dict_find(&db->keys, k->k + 4, k->len - 4) == NULL) break;
    serve_client(st, w->c, k);
  }
}

void blk_serve(st_store *st) {
  while (st->bk_ready != NULL) {
    bk_key *list = st->bk_ready;
    st->bk_ready = NULL;
    /* Oldest signal first (the list is newest first). */
    bk_key *rev = NULL;
    while (list != NULL) {
      bk_key *next = list->ready_next;
      list->ready_next = rev;
      rev = list;
      list = next;
    }
    for (bk_key *k = rev, *next; k != NULL; k = next) {
      next = k->ready_next;
      serve_key(st, k);
      k->ready = 0;
      if (k->nwait == 0) key_free(st, k);
    }
  }
}

/* ------------------------------------------------------------------------------ walk */

static void walk_key(const dict_node *n, void *ctx) {
  const st_walk_ctx *w = ctx;
  const bk_key *k = (const bk_key *)n;
  w->visit(w->arg, k, sizeof *k + k->len, k->tier, SM_STORE, TM_CAT_METADATA);
}

void blk_walk(st_store *st, st_walk_fn *visit, void *arg) {
  st_walk_ctx w = { st, visit, arg };
  st_walk_dict_tables(&st->bk_keys, visit, arg);
  st_walk_dict_nodes(&st->bk_keys, walk_key, &w);
  for (const st_blocked *b = st->blocked_head; b != NULL; b = b->next)
    visit(arg, b, b->size, b->tier, SM_STORE, TM_CAT_BUFFERS);
}
