/* store_api.c - the store engine as seen from JS: one object per store, whose functions carry
 * the store context as their callback data. The request path is one call per socket read:
 * feed() parses and executes every complete command in the bytes and copies the replies into
 * the caller's slab. JS owns sockets, timers and configuration; the data plane is all C. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "acl.h"
#include "acl_conf.h"
#include "acl_conf_api.h"
#include "migrate.h"
#include <errno.h>

#include "rdb.h"
#include "internal.h"
#include "latency_hist.h"
#include "lazyfree.h"
#include "snapshot.h"
#include "aof.h"
#include "aof_base.h"
#include "store.h"
#include "store_api.h"
#include "util.h"

/* status[] (an Int32Array shared with JS) after feed/drain/clientOpen: the client's pending
 * bytes, close request and output-buffer class; after feed/timers: S_EVENTS (EV_WOKEN: other
 * clients have output or a close request: call woken(); EV_INTERNAL: internal failures wait to be
 * logged) and S_TIMER (ms until a deadline set
 * by the commands just run, or -1). JS sets S_DIRECT before a feed or drain: 1 when the socket
 * has nothing queued, so the call may send the replies itself (send_direct). */
enum {
  S_PENDING = 0,
  S_CLOSE = 1,
  S_ID_LO = 2,
  S_ID_HI = 3,
  S_CLASS = 4,
  S_EVENTS = 5,
  S_TIMER = 6,
  S_IDLE_EXEMPT = 7, /* blocked or subscribed: not closed for `timeout` */
  S_DIRECT = 8,      /* set by JS: the feed may write to the socket (nothing queued there) */
  S_LEN = 9
};
enum { EV_WOKEN = 1, EV_INTERNAL = 2 }; /* EV_INTERNAL: call takeInternalErrors() */
enum { CLOSE_NONE = 0, CLOSE_AFTER_WRITE = 1, CLOSE_NOW = 2 };

struct ts_ctx {
  tm_ctx *heap;      /* the allocator this store lives in (kept alive by our refs) */
  st_store *st;      /* NULL once closed */
  st_client **slots; /* clients by slot number */
  uint32_t nslots, cap;
  uint32_t *free_slots;
  uint32_t nfree;
  int32_t *status;
  napi_ref status_ref;
  napi_ref defer_fn;  /* JS function(slot, args: Buffer[]) -> Buffer | string */
  napi_ref volume_fn; /* JS function() called by the store's volume hook, or NULL */
  napi_env env;       /* valid during a feed */
  int refs;
  rdb_loader *loader; /* an RDB file being loaded (loadOpen..loadClose), or NULL */
};

#define PROLOGUE(N)                                                             \
  size_t argc = (N);                                                            \
  napi_value argv[(N) > 0 ? (N) : 1];                                           \
  ts_ctx *ts;                                                                   \
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&ts)); \
  for (size_t i_ = argc; i_ + 1 <= (size_t)(N); i_++)                           \
    NAPI_CALL(env, napi_get_undefined(env, &argv[i_]));                         \
  if (ts->st == NULL) {                                                         \
    tm_napi_throw(env, E_CLOSED, "the store is closed");                        \
    return NULL;                                                                \
  }

static st_client *client_at(napi_env env, ts_ctx *ts, napi_value v, uint32_t *slot) {
  size_t s;
  if (tm_arg_size(env, v, "slot", 4294967295.0, &s) != 0) return NULL;
  if (s >= ts->nslots || ts->slots[s] == NULL) { /* closed or never opened */
    tm_napi_throw(env, E_INVALID_ARG, "client slot %zu is not open", s);
    return NULL;
  }
  if (slot) *slot = (uint32_t)s;
  return ts->slots[s];
}

/* Copy pending replies into out[off..]; report what is left and whether to close. */
static size_t ship(ts_ctx *ts, st_client *c, uint8_t *out, size_t cap) {
  size_t n = reply_take(&c->out, out, cap);
  ts->st->stats.net_output += n;
  ts->status[S_PENDING] =
      (int32_t)(reply_pending(&c->out) > INT32_MAX ? INT32_MAX : reply_pending(&c->out));
  ts->status[S_CLOSE] = (c->flags & CL_CLOSE_ASAP)          ? CLOSE_NOW
                        : (c->flags & CL_CLOSE_AFTER_REPLY) ? CLOSE_AFTER_WRITE
                                                            : CLOSE_NONE;
  ts->status[S_CLASS] = st_client_obuf_class(c);
  ts->status[S_IDLE_EXEMPT] = st_client_idle_exempt(c);
  return n;
}

static int64_t wall_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* After commands ran (feed, timers): what the socket owner must look at besides the client. */
static void report_events(ts_ctx *ts) {
  st_store *st = ts->st;
  ts->status[S_EVENTS] = (st->woken != NULL ? EV_WOKEN : 0) |
                         (st->internal != NULL && st->internal->count > 0 ? EV_INTERNAL : 0);
  int32_t timer = -1;
  if (st->timer_hint_ms != 0) {
    int64_t left = st->timer_hint_ms - wall_ms();
    timer = left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int32_t)left;
    st->timer_hint_ms = 0;
  }
  ts->status[S_TIMER] = timer;
}

static int out_area(napi_env env, napi_value buf, napi_value offv, uint8_t **out, size_t *cap) {
  uint8_t *data;
  size_t len, off;
  if (tm_arg_bytes(env, buf, "out", &data, &len) != 0) return -1;
  if (tm_arg_size(env, offv, "offset", (double)len, &off) != 0) return -1;
  *out = data + off;
  *cap = len - off;
  return 0;
}

/* The n reply bytes at out straight to the socket, as Redis writes: a JS socket write per read
 * (a stream write request, its callbacks, a Buffer view) costs more than the syscall itself.
 * Only when JS vouched that nothing is queued on the socket (S_DIRECT) and no AOF commit must
 * come first (its replies wait for it). Returns the bytes JS must still write, moved to out[0]:
 * all of them when the kernel takes none or fails (the socket's own write then meets the error
 * and reports it as before). */
static size_t send_direct(ts_ctx *ts, st_client *c, uint8_t *out, size_t n) {
  int allowed = ts->status[S_DIRECT] == 1;
  ts->status[S_DIRECT] = 0; /* for this feed only */
  if (n == 0 || c->fd < 0 || !allowed || aof_enabled(ts->st)) return n;
  ssize_t sent;
  do sent = send(c->fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  if (sent <= 0) return n;
  memmove(out, out + sent, n - (size_t)sent);
  return n - (size_t)sent;
}

/* feed(slot, input, length, out, offset) -> reply bytes at out[offset..] that JS must write
 * (the feed sent the rest itself when status[S_DIRECT] allowed it) */
static napi_value js_feed(napi_env env, napi_callback_info info) {
  PROLOGUE(5);
  st_client *c = client_at(env, ts, argv[0], NULL);
  if (c == NULL) return NULL;
  uint8_t *in, *out;
  size_t inlen, n, cap;
  if (tm_arg_bytes(env, argv[1], "input", &in, &inlen) != 0) return NULL;
  if (tm_arg_size(env, argv[2], "length", (double)inlen, &n) != 0) return NULL;
  if (out_area(env, argv[3], argv[4], &out, &cap) != 0) return NULL;
  ts->env = env;
  st_feed(c, in, n);
  ts->env = NULL;
  report_events(ts);
  return tm_make_double(env, (double)send_direct(ts, c, out, ship(ts, c, out, cap)));
}

/* woken() -> the slots of the clients other clients' commands gave output or a close request
 * since the last call (each once). */
static napi_value js_woken(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  napi_value arr;
  NAPI_CALL(env, napi_create_array(env, &arr));
  uint32_t i = 0;
  for (st_client *c = st_take_woken(ts->st); c != NULL; c = c->woken_next) {
    napi_value v;
    NAPI_CALL(env, napi_create_uint32(env, c->handle, &v));
    NAPI_CALL(env, napi_set_element(env, arr, i++, v));
  }
  ts->status[S_EVENTS] = 0;
  return arr;
}

/* timers() -> ms until the next blocking timeout or pause end, or -1; runs what is due (then
 * status[S_EVENTS] says whether clients were woken). */
static napi_value js_timers(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  ts->st->now_ms = wall_ms();
  ts->env = env;
  int64_t next = st_timers(ts->st);
  ts->env = NULL;
  report_events(ts);
  return tm_make_double(env, (double)next);
}

/* drain(slot, out, offset) -> more reply bytes (after a feed left some pending, or for a
 * client another client's command wrote to: PUBLISH, MONITOR, a served block) that JS must write;
 * as for a feed, the rest was sent here when status[S_DIRECT] allowed it */
static napi_value js_drain(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  st_client *c = client_at(env, ts, argv[0], NULL);
  if (c == NULL) return NULL;
  uint8_t *out;
  size_t cap;
  if (out_area(env, argv[1], argv[2], &out, &cap) != 0) return NULL;
  return tm_make_double(env, (double)send_direct(ts, c, out, ship(ts, c, out, cap)));
}

static int get_string(napi_env env, napi_value v, char *buf, size_t cap) {
  napi_valuetype t;
  NAPI_CALL_INT(env, napi_typeof(env, v, &t));
  buf[0] = '\0';
  if (t != napi_string) return 0;
  size_t got;
  NAPI_CALL_INT(env, napi_get_value_string_utf8(env, v, buf, cap, &got));
  return 0;
}

/* An optional boolean argument: undefined leaves *out as it is. */
static int get_optional_bool(napi_env env, napi_value v, bool *out) {
  napi_valuetype t;
  NAPI_CALL_INT(env, napi_typeof(env, v, &t));
  if (t == napi_undefined) return 0;
  NAPI_CALL_INT(env, napi_get_value_bool(env, v, out));
  return 0;
}

/* clientOpen(addr, laddr, fd) -> slot; status[S_ID_*] = the client id */
static napi_value js_client_open(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  st_client *c = st_client_new(ts->st);
  if (c == NULL) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory for a client");
    return NULL;
  }
  if (get_string(env, argv[0], c->addr, sizeof c->addr) ||
      get_string(env, argv[1], c->laddr, sizeof c->laddr)) {
    st_client_free(c);
    return NULL;
  }
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[2], &t));
  if (t == napi_number) {
    int32_t fd;
    NAPI_CALL(env, napi_get_value_int32(env, argv[2], &fd));
    c->fd = fd;
  }
  uint32_t slot;
  if (ts->nfree > 0) {
    slot = ts->free_slots[--ts->nfree];
  } else {
    if (ts->nslots == ts->cap) {
      uint32_t ncap = ts->cap ? ts->cap * 2 : 64;
      st_client **ns = realloc(ts->slots, ncap * sizeof *ns);
      uint32_t *nf = ns ? realloc(ts->free_slots, ncap * sizeof *nf) : NULL;
      if (ns) ts->slots = ns;
      if (nf == NULL) {
        st_client_free(c);
        tm_napi_throw(env, E_NO_MEMORY, "no memory for the client table");
        return NULL;
      }
      ts->free_slots = nf;
      ts->cap = ncap;
    }
    slot = ts->nslots++;
  }
  ts->slots[slot] = c;
  c->handle = slot;
  ts->status[S_ID_LO] = (int32_t)(uint32_t)(c->id & 0xffffffffu);
  ts->status[S_ID_HI] = (int32_t)(uint32_t)(c->id >> 32);
  return tm_make_double(env, (double)slot);
}

static napi_value js_client_close(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  uint32_t slot;
  st_client *c = client_at(env, ts, argv[0], &slot);
  if (c == NULL) return NULL;
  st_client_free(c);
  ts->slots[slot] = NULL;
  ts->free_slots[ts->nfree++] = slot;
  return NULL;
}

/* cron(budgetMicroseconds) -> keys expired */
static napi_value js_cron(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  size_t budget;
  if (tm_arg_size(env, argv[0], "budget", 1e9, &budget) != 0) return NULL;
  return tm_make_double(env, (double)st_cron(ts->st, budget));
}

/* lazyRun(budgetUs) -> objects still pending: only background freeing (lazyfree.c), at least
 * one bounded step; the server calls it in the loop's idle time while a free is pending. */
static napi_value js_lazy_run(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  size_t budget;
  if (tm_arg_size(env, argv[0], "budget", 1e9, &budget) != 0) return NULL;
  return tm_make_double(env, (double)lazy_run(ts->st, budget));
}

static int set_num(napi_env env, napi_value obj, const char *name, double v) {
  napi_value n;
  NAPI_CALL_INT(env, napi_create_double(env, v, &n));
  NAPI_CALL_INT(env, napi_set_named_property(env, obj, name, n));
  return 0;
}

/* A uint64 that must stay exact beyond 2^53 (maxmemory: up to 2^64-1, as Redis's). */
static int set_bigint_u64(napi_env env, napi_value obj, const char *name, uint64_t v) {
  napi_value n;
  NAPI_CALL_INT(env, napi_create_bigint_uint64(env, v, &n));
  NAPI_CALL_INT(env, napi_set_named_property(env, obj, name, n));
  return 0;
}

/* info().tiering: reads by tier, the migrator's traffic, budget and demands, eviction. */
static int set_tiering(napi_env env, napi_value o, st_store *st) {
  const st_mig *m = st->mig;
  napi_value t;
  NAPI_CALL_INT(env, napi_create_object(env, &t));
  if (set_num(env, t, "dramReadHits", (double)st->stats.dram_read_hits) ||
      set_num(env, t, "pmemReadHits", (double)st->stats.pmem_read_hits) ||
      set_num(env, t, "migrateRate", (double)st->cfg.migrate_rate) ||
      set_num(env, t, "migratedRate", m->rate) ||
      set_num(env, t, "toPmemBytes", (double)m->moved_bytes[TM_PMEM]) ||
      set_num(env, t, "toPmemValues", (double)m->moved_values[TM_PMEM]) ||
      set_num(env, t, "toDramBytes", (double)m->moved_bytes[TM_DRAM]) ||
      set_num(env, t, "toDramValues", (double)m->moved_values[TM_DRAM]) ||
      set_num(env, t, "promotedOnRead", (double)m->promoted_on_read) ||
      set_num(env, t, "promoteAdmit", m->gate.admit) ||
      set_num(env, t, "promoteRefused", (double)m->gate.refused) ||
      set_num(env, t, "quotaPmem", (double)m->quota[TM_PMEM]) ||
      set_num(env, t, "quotaDram", (double)m->quota[TM_DRAM]) ||
      set_num(env, t, "debt", (double)m->debt) || set_num(env, t, "failed", (double)m->failed) ||
      set_bigint_u64(env, t, "maxmemory", st->cfg.maxmemory) ||
      set_num(env, t, "maxmemoryPolicy", (double)st->cfg.maxmemory_policy) ||
      set_num(env, t, "used", (double)sm_total_bytes(&st->mem)))
    return -1;
  NAPI_CALL_INT(env, napi_set_named_property(env, o, "tiering", t));
  return 0;
}

/* migrate(toTier, bytes) -> bytes moved now: the controller's quota for the migrator (0
 * cancels); one bounded step runs at once (1 ms), the rest in the cron's steps. */
static napi_value js_migrate(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  size_t to, bytes;
  if (tm_arg_size(env, argv[0], "tier", 1, &to) != 0 ||
      tm_arg_size(env, argv[1], "bytes", 9007199254740991.0, &bytes) != 0)
    return NULL;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  ts->st->now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
  st_mig_request(ts->st, (uint8_t)to, (int64_t)bytes);
  return tm_make_double(env, (double)(bytes > 0 ? mig_step(ts->st, 1000) : 0));
}

/* migrateRun(budgetUs) -> bytes moved: one bounded migrator step outside the cron (the server
 * runs them in the loop's idle time while a quota is being served: the cron's 2.5 ms per 100 ms
 * held the migrator near 3 MB/s, a tenth of its byte budget). */
static napi_value js_migrate_run(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  size_t budget;
  if (tm_arg_size(env, argv[0], "budget", 1e9, &budget) != 0) return NULL;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  ts->st->now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
  return tm_make_double(env, (double)mig_step(ts->st, budget));
}

/* info() -> counters, per-db keys/expires, memory cells, commandstats (INFO, metrics). */
static napi_value js_info(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  st_store *st = ts->st;
  napi_value o, dbs, cells, ab, cmds;
  NAPI_CALL(env, napi_create_object(env, &o));
  const st_stats *s = &st->stats;
  size_t qbuf = 0, obuf = 0;
  for (st_client *c = st->clients; c != NULL; c = c->next) {
    qbuf += resp_pending(&c->in);
    obuf += reply_pending(&c->out);
  }
  if (set_num(env, o, "commands", (double)s->commands) ||
      set_num(env, o, "connections", (double)s->connections) ||
      set_num(env, o, "rejectedConnections", (double)s->rejected_connections) ||
      set_num(env, o, "keyspaceHits", (double)s->keyspace_hits) ||
      set_num(env, o, "keyspaceMisses", (double)s->keyspace_misses) ||
      set_num(env, o, "expiredKeys", (double)s->expired_keys) ||
      set_num(env, o, "evictedKeys", (double)s->evicted_keys) ||
      set_num(env, o, "netInput", (double)s->net_input) ||
      set_num(env, o, "netOutput", (double)s->net_output) ||
      set_num(env, o, "bufferLimitDisconnects", (double)s->buffer_limit_disconnects) ||
      set_num(env, o, "dirty", (double)s->dirty) ||
      set_num(env, o, "clients", (double)st->nclients) ||
      set_num(env, o, "oom", (double)st->mem.oom) || set_num(env, o, "queryBytes", (double)qbuf) ||
      set_num(env, o, "outputBytes", (double)obuf) || set_num(env, o, "databases", st->ndb) ||
      set_num(env, o, "lazyfreePending", (double)st->lazy_pending) ||
      set_num(env, o, "lazyfreedObjects", (double)s->lazyfreed_objects) ||
      set_num(env, o, "blockedClients", (double)st->blocked_clients) ||
      set_num(env, o, "pubsubChannels", (double)dict_size(&st->channels)) ||
      set_num(env, o, "pubsubShardChannels", (double)dict_size(&st->shard_channels)) ||
      set_num(env, o, "pubsubPatterns", (double)dict_size(&st->patterns)) ||
      set_num(env, o, "owners", SM_OWNERS))
    return NULL;
  if (set_num(env, o, "errorReplies", (double)st->errstats.total) ||
      set_num(env, o, "internalErrors", (double)st->internal_errors))
    return NULL;
  napi_value errs;
  NAPI_CALL(env, napi_create_array_with_length(env, st->errstats.n, &errs));
  for (uint32_t i = 0; i < st->errstats.n; i++) {
    const st_errstat *r = &st->errstats.row[i];
    napi_value row, code;
    NAPI_CALL(env, napi_create_object(env, &row));
    NAPI_CALL(env, napi_create_string_latin1(env, r->code, r->len, &code));
    NAPI_CALL(env, napi_set_named_property(env, row, "code", code));
    if (set_num(env, row, "count", (double)r->count)) return NULL;
    NAPI_CALL(env, napi_set_element(env, errs, i, row));
  }
  NAPI_CALL(env, napi_set_named_property(env, o, "errorStats", errs));
  NAPI_CALL(env, napi_create_array_with_length(env, (size_t)st->ndb * 2, &dbs));
  for (int i = 0; i < st->ndb; i++) {
    napi_value k, x;
    NAPI_CALL(env, napi_create_double(env, (double)dict_size(&st->dbs[i].keys), &k));
    NAPI_CALL(env, napi_create_double(env, (double)st->dbs[i].expires.len, &x));
    NAPI_CALL(env, napi_set_element(env, dbs, (uint32_t)(2 * i), k));
    NAPI_CALL(env, napi_set_element(env, dbs, (uint32_t)(2 * i + 1), x));
  }
  NAPI_CALL(env, napi_set_named_property(env, o, "dbs", dbs));
  /* cells[((owner * CAT + cat) * TIER + tier) * 2 + {0 bytes, 1 count}] */
  const size_t ncell = (size_t)SM_OWNERS * TM_CAT_COUNT * TM_TIER_COUNT * 2;
  void *data;
  NAPI_CALL(env, napi_create_arraybuffer(env, ncell * sizeof(double), &data, &ab));
  double *d = data;
  for (int ow = 0; ow < SM_OWNERS; ow++)
    for (int c = 0; c < TM_CAT_COUNT; c++)
      for (int t = 0; t < TM_TIER_COUNT; t++) {
        size_t i = (((size_t)ow * TM_CAT_COUNT + (size_t)c) * TM_TIER_COUNT + (size_t)t) * 2;
        d[i] = (double)st->mem.cell[ow][c][t].bytes;
        d[i + 1] = (double)st->mem.cell[ow][c][t].count;
      }
  NAPI_CALL(env, napi_create_typedarray(env, napi_float64_array, ncell, ab, 0, &cells));
  NAPI_CALL(env, napi_set_named_property(env, o, "cells", cells));
  NAPI_CALL(env, napi_create_array(env, &cmds));
  uint32_t k = 0;
  for (size_t i = 0; i < st_command_count; i++) {
    const st_cmdstat *cs = &st->cmdstats[i];
    if (cs->calls == 0 && cs->rejected == 0 && cs->failed == 0) continue;
    napi_value row, name;
    NAPI_CALL(env, napi_create_object(env, &row));
    NAPI_CALL(env, napi_create_string_utf8(env, st_commands[i].name, NAPI_AUTO_LENGTH, &name));
    NAPI_CALL(env, napi_set_named_property(env, row, "name", name));
    if (set_num(env, row, "calls", (double)cs->calls) ||
        set_num(env, row, "usec", (double)cs->usec) ||
        set_num(env, row, "failed", (double)cs->failed) ||
        set_num(env, row, "rejected", (double)cs->rejected))
      return NULL;
    NAPI_CALL(env, napi_set_element(env, cmds, k++, row));
  }
  NAPI_CALL(env, napi_set_named_property(env, o, "commandStats", cmds));
  if (set_tiering(env, o, st) != 0) return NULL;
  return o;
}

/* The data-plane parameters JS may set (CONFIG SET): name -> field. */
static int64_t *config_field(st_config *cfg, const char *name) {
  static const struct {
    const char *name;
    size_t off;
  } fields[] = {
    { "hash-max-listpack-entries", offsetof(st_config, hash_max_listpack_entries) },
    { "hash-max-listpack-value", offsetof(st_config, hash_max_listpack_value) },
    { "list-max-listpack-size", offsetof(st_config, list_max_listpack_size) },
    { "list-compress-depth", offsetof(st_config, list_compress_depth) },
    { "set-max-intset-entries", offsetof(st_config, set_max_intset_entries) },
    { "set-max-listpack-entries", offsetof(st_config, set_max_listpack_entries) },
    { "set-max-listpack-value", offsetof(st_config, set_max_listpack_value) },
    { "zset-max-listpack-entries", offsetof(st_config, zset_max_listpack_entries) },
    { "zset-max-listpack-value", offsetof(st_config, zset_max_listpack_value) },
    { "proto-max-bulk-len", offsetof(st_config, proto_max_bulk_len) },
    { "client-query-buffer-limit", offsetof(st_config, client_query_buffer_limit) },
    { "active-expire-effort", offsetof(st_config, active_expire_effort) },
    { "slowlog-log-slower-than", offsetof(st_config, slowlog_log_slower_than) },
    { "slowlog-max-len", offsetof(st_config, slowlog_max_len) },
    { "acllog-max-len", offsetof(st_config, acllog_max_len) },
    { "latency-monitor-threshold", offsetof(st_config, latency_monitor_threshold) },
    { "latency-tracking", offsetof(st_config, latency_tracking) },
    { "maxmemory", offsetof(st_config, maxmemory) },
    { "maxmemory-policy", offsetof(st_config, maxmemory_policy) },
    { "maxmemory-samples", offsetof(st_config, maxmemory_samples) },
    { "lfu-log-factor", offsetof(st_config, lfu_log_factor) },
    { "lfu-decay-time", offsetof(st_config, lfu_decay_time) },
    { "tier-migrate-rate", offsetof(st_config, migrate_rate) },
    { "tier-migrate-auto", offsetof(st_config, migrate_auto) },
    { "rdbcompression", offsetof(st_config, rdbcompression) },
    { "rdbchecksum", offsetof(st_config, rdbchecksum) },
    { "misconf", offsetof(st_config, misconf) },
    { "aof-write-errno", offsetof(st_config, aof_write_errno) },
    { "test-faults", offsetof(st_config, test_faults) },
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (strcmp(fields[i].name, name) == 0) return (int64_t *)((char *)cfg + fields[i].off);
  return NULL;
}

/* A configSet value: a number, or a BigInt for values beyond 2^53 (an int64, or a uint64 kept
 * as its bit pattern: maxmemory is unsigned). -1 after throwing. */
static int config_value(napi_env env, napi_value v, int64_t *out) {
  napi_valuetype t;
  NAPI_CALL_INT(env, napi_typeof(env, v, &t));
  if (t != napi_bigint) {
    double d;
    NAPI_CALL_INT(env, napi_get_value_double(env, v, &d));
    *out = (int64_t)d;
    return 0;
  }
  bool lossless;
  NAPI_CALL_INT(env, napi_get_value_bigint_int64(env, v, out, &lossless));
  if (lossless) return 0;
  uint64_t u;
  NAPI_CALL_INT(env, napi_get_value_bigint_uint64(env, v, &u, &lossless));
  if (lossless) {
    *out = (int64_t)u;
    return 0;
  }
  napi_throw_range_error(env, NULL, "configSet: the value does not fit 64 bits");
  return -1;
}

/* configSet(name, value) -> true if the data plane has this parameter. */
static napi_value js_config_set(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  char name[64];
  if (get_string(env, argv[0], name, sizeof name) != 0) return NULL;
  int64_t v;
  if (config_value(env, argv[1], &v) != 0) return NULL;
  int64_t *f = config_field(&ts->st->cfg, name);
  if (f != NULL) {
    *f = v;
    if (strcmp(name, "proto-max-bulk-len") == 0)
      for (st_client *c = ts->st->clients; c != NULL; c = c->next) c->in.max_bulk = (size_t)v;
  }
  napi_value r;
  NAPI_CALL(env, napi_get_boolean(env, f != NULL, &r));
  return r;
}

static napi_value js_reset_stats(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  st_store *st = ts->st;
  uint64_t dirty = st->stats.dirty;
  memset(&st->stats, 0, sizeof st->stats);
  st->stats.dirty = dirty;
  memset(st->cmdstats, 0, st_command_count * sizeof *st->cmdstats);
  errstats_reset(&st->errstats);
  latency_hist_reset(st);
  return NULL;
}

/* latencyInfo() -> INFO latencystats' lines (latency_hist.h). */
typedef struct lines_ctx {
  napi_env env;
  napi_value arr;
  uint32_t n;
  int failed;
} lines_ctx;

static void push_line(void *arg, const char *line, size_t len) {
  lines_ctx *l = arg;
  napi_value v;
  if (l->failed || napi_create_string_utf8(l->env, line, len, &v) != napi_ok ||
      napi_set_element(l->env, l->arr, l->n++, v) != napi_ok)
    l->failed = 1;
}

static napi_value js_latency_info(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  lines_ctx l = { env, NULL, 0, 0 };
  NAPI_CALL(env, napi_create_array(env, &l.arr));
  latency_info_lines(ts->st, push_line, &l);
  if (l.failed) {
    tm_napi_throw(env, E_INTERNAL, "latencyInfo: a line could not be made");
    return NULL;
  }
  return l.arr;
}

/* latencyPercentiles() -> latency-tracking-info-percentiles as CONFIG GET shows it;
 * latencyPercentiles(values: number[]) sets it (values checked by the caller): false on OOM. */
static napi_value js_latency_percentiles(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[0], &t));
  napi_value r;
  if (t == napi_undefined) {
    char buf[4096];
    latency_percentiles_get(ts->st, buf, sizeof buf);
    NAPI_CALL(env, napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &r));
    return r;
  }
  uint32_t n;
  NAPI_CALL(env, napi_get_array_length(env, argv[0], &n));
  double *v = n > 0 ? malloc(n * sizeof *v) : NULL;
  if (n > 0 && v == NULL) {
    tm_napi_throw(env, E_NO_MEMORY, "latencyPercentiles: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    if (napi_get_element(env, argv[0], i, &e) != napi_ok ||
        napi_get_value_double(env, e, &v[i]) != napi_ok) {
      free(v);
      tm_napi_throw(env, E_INVALID_ARG, "latencyPercentiles: values must be numbers");
      return NULL;
    }
  }
  int rc = latency_percentiles_set(ts->st, v, (int)n);
  free(v);
  NAPI_CALL(env, napi_get_boolean(env, rc == 0, &r));
  return r;
}

/* The CMD_JS trampoline: hand the command to the JS function, append what it returns. */
static void defer_to_js(st_store *st, st_client *c, void *arg) {
  ts_ctx *ts = arg;
  napi_env env = ts->env;
  napi_value fn, args, slotv, result, global;
  uint32_t slot = c->handle;
  if (env == NULL || ts->defer_fn == NULL ||
      napi_get_reference_value(env, ts->defer_fn, &fn) != napi_ok ||
      napi_create_array_with_length(env, (size_t)c->argc, &args) != napi_ok ||
      napi_create_uint32(env, slot, &slotv) != napi_ok ||
      napi_get_global(env, &global) != napi_ok) {
    reply_error(&c->out, "ERR '%s' is served by the control plane, which is unavailable",
                c->cmd->name);
    return;
  }
  for (int i = 0; i < c->argc; i++) {
    napi_value b;
    if (napi_create_buffer_copy(env, c->argv[i].len, c->argv[i].ptr, NULL, &b) != napi_ok ||
        napi_set_element(env, args, (uint32_t)i, b) != napi_ok) {
      reply_error(&c->out, "ERR internal error: could not pass arguments");
      return;
    }
  }
  napi_value cargs[2] = { slotv, args };
  napi_status s = napi_call_function(env, global, fn, 2, cargs, &result);
  if (s != napi_ok) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    st_internal_error(c, "the control plane's handler threw");
    return;
  }
  uint8_t *data;
  size_t len;
  if (tm_arg_bytes_try(env, result, &data, &len) == 0) {
    reply_count_encoded_error(&c->out, data, len); /* INFO counts the control plane's errors too */
    reply_raw(&c->out, data, len);
    return;
  }
  char small[256];
  size_t got = 0;
  if (napi_get_value_string_utf8(env, result, NULL, 0, &got) == napi_ok) {
    char *buf = got < sizeof small ? small : malloc(got + 1);
    if (buf != NULL && napi_get_value_string_utf8(env, result, buf, got + 1, &got) == napi_ok)
      reply_raw(&c->out, buf, got);
    if (buf != small) free(buf);
    return;
  }
  (void)st;
  reply_error(&c->out, "ERR internal error: '%s' produced no reply", c->cmd->name);
}

/* takeInternalErrors() -> [{ where, what, stack }]: the engine's internal failures waiting to be
 * logged (internal.h), oldest first; the ring is emptied. */
static napi_value js_take_internal_errors(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  napi_value arr;
  NAPI_CALL(env, napi_create_array(env, &arr));
  static st_internal_report r; /* 2.3 KiB: off the stack; the addon runs on one thread */
  for (uint32_t i = 0; st_internal_take(ts->st, &r); i++) {
    napi_value o, where, what, stack;
    NAPI_CALL(env, napi_create_object(env, &o));
    NAPI_CALL(env, napi_create_string_utf8(env, r.where, NAPI_AUTO_LENGTH, &where));
    NAPI_CALL(env, napi_create_string_utf8(env, r.what, NAPI_AUTO_LENGTH, &what));
    NAPI_CALL(env, napi_create_string_utf8(env, r.stack, NAPI_AUTO_LENGTH, &stack));
    NAPI_CALL(env, napi_set_named_property(env, o, "where", where));
    NAPI_CALL(env, napi_set_named_property(env, o, "what", what));
    NAPI_CALL(env, napi_set_named_property(env, o, "stack", stack));
    NAPI_CALL(env, napi_set_element(env, arr, i, o));
  }
  return arr;
}

static napi_value js_set_defer(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[0], &t));
  if (t != napi_function) {
    tm_napi_throw(env, E_INVALID_ARG, "setDefer needs a function");
    return NULL;
  }
  if (ts->defer_fn != NULL) NAPI_CALL(env, napi_delete_reference(env, ts->defer_fn));
  NAPI_CALL(env, napi_create_reference(env, argv[0], 1, &ts->defer_fn));
  ts->st->defer = defer_to_js;
  ts->st->defer_arg = ts;
  return NULL;
}

/* The store's volume hook: the JS function, between two commands of a feed. Outside a feed
 * (no env: timers, the cron) it is skipped; the controller's timer covers those. */
static void volume_to_js(st_store *st, void *arg) {
  (void)st;
  ts_ctx *ts = arg;
  napi_env env = ts->env;
  napi_value fn, global, result;
  if (env == NULL || ts->volume_fn == NULL ||
      napi_get_reference_value(env, ts->volume_fn, &fn) != napi_ok ||
      napi_get_global(env, &global) != napi_ok)
    return;
  if (napi_call_function(env, global, fn, 0, NULL, &result) != napi_ok) {
    napi_value exc; /* the hook's own error is its business: the command stream goes on */
    napi_get_and_clear_last_exception(env, &exc);
  }
  ts->env = env; /* a nested call into the addon may have cleared it */
}

/* setVolumeHook(everyBytes, fn | null): fn() between two commands after every everyBytes of
 * routed allocation (st_set_volume_hook); null or 0 removes it. */
static napi_value js_set_volume_hook(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[1], &t));
  if (t != napi_function && t != napi_null) {
    tm_napi_throw(env, E_INVALID_ARG, "setVolumeHook needs a function or null");
    return NULL;
  }
  size_t every;
  if (tm_arg_size(env, argv[0], "everyBytes", 9007199254740991.0, &every) != 0) return NULL;
  if (ts->volume_fn != NULL) {
    NAPI_CALL(env, napi_delete_reference(env, ts->volume_fn));
    ts->volume_fn = NULL;
  }
  if (t == napi_function && every > 0) {
    NAPI_CALL(env, napi_create_reference(env, argv[1], 1, &ts->volume_fn));
    st_set_volume_hook(ts->st, every, volume_to_js, ts);
  } else {
    st_set_volume_hook(ts->st, 0, NULL, NULL);
  }
  return NULL;
}

/* pageCensus() -> { pageSize, pages, absentPages, blocks, nodePages: number[],
 *   cells: Float64Array[((tier * CAT + cat) * (3 + NODES)) + {0 blocks, 1 split, 2 absent,
 *   3+n on node n}] }
 * Where every store block is, by the kernel (census.c). Slow: for checks. */
static napi_value js_page_census(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  st_census cs; /* about 1 KiB */
  int rc = st_page_census(ts->st, &cs);
  if (rc != 0) {
    tm_napi_throw(env, rc == -ENOMEM ? E_NO_MEMORY : E_INTERNAL, "pageCensus: %s (errno %d)",
                  rc == -ENOMEM ? "out of memory" : "move_pages failed", -rc);
    return NULL;
  }
  napi_value o, nodes, cells, ab;
  const size_t per = 3 + ST_CENSUS_NODES;
  const size_t ncell = (size_t)TM_TIER_COUNT * TM_CAT_COUNT * per;
  void *data;
  NAPI_CALL(env, napi_create_object(env, &o));
  if (set_num(env, o, "pageSize", cs.page_size) || set_num(env, o, "pages", cs.pages) ||
      set_num(env, o, "absentPages", cs.absent_pages) || set_num(env, o, "blocks", cs.blocks))
    return NULL;
  NAPI_CALL(env, napi_create_array_with_length(env, ST_CENSUS_NODES, &nodes));
  for (uint32_t n = 0; n < ST_CENSUS_NODES; n++) {
    napi_value v;
    NAPI_CALL(env, napi_create_double(env, cs.node_pages[n], &v));
    NAPI_CALL(env, napi_set_element(env, nodes, n, v));
  }
  NAPI_CALL(env, napi_set_named_property(env, o, "nodePages", nodes));
  NAPI_CALL(env, napi_create_arraybuffer(env, ncell * sizeof(double), &data, &ab));
  double *d = data;
  for (int t = 0; t < TM_TIER_COUNT; t++)
    for (int c = 0; c < TM_CAT_COUNT; c++) {
      const st_census_cell *cell = &cs.cell[t][c];
      double *row = d + ((size_t)t * TM_CAT_COUNT + (size_t)c) * per;
      row[0] = cell->blocks;
      row[1] = cell->blocks_split;
      row[2] = cell->blocks_absent;
      for (int n = 0; n < ST_CENSUS_NODES; n++) row[3 + n] = cell->blocks_on[n];
    }
  NAPI_CALL(env, napi_create_typedarray(env, napi_float64_array, ncell, ab, 0, &cells));
  NAPI_CALL(env, napi_set_named_property(env, o, "cells", cells));
  return o;
}

/* ------------------------------------------------------------------------------ persistence */

/* snapshotStart(fd, compress, checksum, bufferLimit, aofBase?, profile?, commands?) -> the dirty
 * counter at the cut. aofBase: the file is an AOF's base (aof-base 1 in its header). profile:
 * BGSAVE STAT_MEMORY (memoryProfile() reads the result). commands: an AOF base of commands
 * (aof-use-rdb-preamble no, aof_base.h) instead of an RDB. */
static napi_value js_snapshot_start(napi_env env, napi_callback_info info) {
  PROLOGUE(7);
  int32_t fd;
  bool compress, checksum, aof_base = false, profile = false, commands = false;
  double limit;
  NAPI_CALL(env, napi_get_value_int32(env, argv[0], &fd));
  NAPI_CALL(env, napi_get_value_bool(env, argv[1], &compress));
  NAPI_CALL(env, napi_get_value_bool(env, argv[2], &checksum));
  NAPI_CALL(env, napi_get_value_double(env, argv[3], &limit));
  if (get_optional_bool(env, argv[4], &aof_base) != 0) return NULL;
  if (get_optional_bool(env, argv[5], &profile) != 0) return NULL;
  if (get_optional_bool(env, argv[6], &commands) != 0) return NULL;
  uint64_t dirty = ts->st->stats.dirty;
  size_t cap = limit > 0 ? (size_t)limit : 0;
  int started = commands ? snapshot_start_writer(ts->st, fd, &aof_base_writer, 0, 0, cap)
                         : (profile    ? snapshot_start_profiled
                            : aof_base ? snapshot_start_aof_base
                                       : snapshot_start)(ts->st, fd, compress, checksum, cap);
  if (started != 0) {
    tm_napi_throw(env, errno == EBUSY ? E_INVALID_ARG : E_INTERNAL, "snapshot: %s",
                  strerror(errno));
    return NULL;
  }
  napi_value r;
  NAPI_CALL(env, napi_create_double(env, (double)dirty, &r));
  return r;
}

/* snapshotStep(budgetMicros) -> true when the file is complete; throws if it failed. */
static napi_value js_snapshot_step(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  double budget;
  NAPI_CALL(env, napi_get_value_double(env, argv[0], &budget));
  int r = snapshot_step(ts->st, budget > 0 ? (uint64_t)budget : 1);
  if (r < 0) {
    tm_napi_throw(env, E_BACKEND, "%s", strerror(errno));
    return NULL;
  }
  napi_value v;
  NAPI_CALL(env, napi_get_boolean(env, r == 1, &v));
  return v;
}

static napi_value js_snapshot_abort(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  snapshot_abort(ts->st);
  return NULL;
}

/* snapshotStats() -> the running snapshot's figures, or the last one's. */
static napi_value js_snapshot_stats(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  snapshot_stats s = snapshot_get_stats(ts->st);
  napi_value o, active;
  NAPI_CALL(env, napi_create_object(env, &o));
  NAPI_CALL(env, napi_get_boolean(env, snapshot_active(ts->st), &active));
  NAPI_CALL(env, napi_set_named_property(env, o, "active", active));
  if (set_num(env, o, "keys", (double)s.keys) ||
      set_num(env, o, "preimages", (double)s.preimages) ||
      set_num(env, o, "retained", (double)s.retained) ||
      set_num(env, o, "bytes", (double)s.bytes) ||
      set_num(env, o, "peakExtra", (double)s.peak_extra) ||
      set_num(env, o, "missedHooks", (double)s.missed_hooks) ||
      set_num(env, o, "pieces", (double)s.pieces))
    return NULL;
  return o;
}

/* memoryProfile() -> the last BGSAVE STAT_MEMORY's profile (memprofile.h), or null before the
 * first: { cutMs, doneMs, keysWithExpiry, clients, running, types, store }. types: per type x
 * tier [keys, values, keys, metadata bytes]; store: per store part x tier bytes. running: a
 * profiled snapshot is under way (the figures are still the last one's). */
static napi_value js_memory_profile(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  const st_memprofile *p = &ts->st->profile;
  napi_value o, running, types, store, ab;
  void *data;
  if (!p->valid) {
    NAPI_CALL(env, napi_get_null(env, &o));
    return o;
  }
  NAPI_CALL(env, napi_create_object(env, &o));
  if (set_num(env, o, "cutMs", (double)p->cut_ms) ||
      set_num(env, o, "doneMs", (double)p->done_ms) ||
      set_num(env, o, "keysWithExpiry", (double)p->keys_with_expiry) ||
      set_num(env, o, "clients", (double)p->clients))
    return NULL;
  NAPI_CALL(env, napi_get_boolean(env, snapshot_profiling(ts->st), &running));
  NAPI_CALL(env, napi_set_named_property(env, o, "running", running));
  const size_t per = 1 + MP_PARTS, ntype = (size_t)ST_TYPE_COUNT * TM_TIER_COUNT * per;
  NAPI_CALL(env, napi_create_arraybuffer(env, ntype * sizeof(double), &data, &ab));
  double *d = data;
  for (int t = 0; t < ST_TYPE_COUNT; t++)
    for (int r = 0; r < TM_TIER_COUNT; r++) {
      double *row = d + ((size_t)t * TM_TIER_COUNT + (size_t)r) * per;
      row[0] = (double)p->type[t][r].keys;
      for (int part = 0; part < MP_PARTS; part++) row[1 + part] = (double)p->type[t][r].bytes[part];
    }
  NAPI_CALL(env, napi_create_typedarray(env, napi_float64_array, ntype, ab, 0, &types));
  NAPI_CALL(env, napi_set_named_property(env, o, "types", types));
  const size_t nstore = (size_t)MP_STORE_PARTS * TM_TIER_COUNT;
  NAPI_CALL(env, napi_create_arraybuffer(env, nstore * sizeof(double), &data, &ab));
  d = data;
  for (int part = 0; part < MP_STORE_PARTS; part++)
    for (int r = 0; r < TM_TIER_COUNT; r++) d[part * TM_TIER_COUNT + r] = (double)p->store[part][r];
  NAPI_CALL(env, napi_create_typedarray(env, napi_float64_array, nstore, ab, 0, &store));
  NAPI_CALL(env, napi_set_named_property(env, o, "store", store));
  return o;
}

/* dirtyConsume(n): a save of the state at dirty = n succeeded (rdb_changes_since_last_save). */
static napi_value js_dirty_consume(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  double n;
  NAPI_CALL(env, napi_get_value_double(env, argv[0], &n));
  uint64_t k = n > 0 ? (uint64_t)n : 0;
  ts->st->stats.dirty = ts->st->stats.dirty > k ? ts->st->stats.dirty - k : 0;
  return NULL;
}

static void loader_free(ts_ctx *ts) {
  if (ts->loader == NULL) return;
  rdb_loader_close(ts->loader);
  free(ts->loader);
  ts->loader = NULL;
}

/* loadOpen(path, aofBase?) -> true, or false when the file does not exist; throws on other
 * errors. aofBase: an AOF's base, whose expired keys are kept (rdb.h). */
static napi_value js_load_open(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  char path[4096];
  bool aof_base = false;
  if (get_string(env, argv[0], path, sizeof path) != 0) return NULL;
  if (get_optional_bool(env, argv[1], &aof_base) != 0) return NULL;
  loader_free(ts);
  ts->loader = malloc(sizeof *ts->loader);
  if (ts->loader == NULL) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory for the loader");
    return NULL;
  }
  int err;
  napi_value r;
  if (rdb_loader_open(ts->loader, ts->st, path, &err) != 0) {
    if (err == ENOENT) {
      loader_free(ts);
      NAPI_CALL(env, napi_get_boolean(env, false, &r));
      return r;
    }
    tm_napi_throw(env, E_BACKEND, "%s", ts->loader->error);
    loader_free(ts);
    return NULL;
  }
  ts->loader->aof_base = aof_base;
  NAPI_CALL(env, napi_get_boolean(env, true, &r));
  return r;
}

/* loadStep(budgetMicros) -> { done, keys, expired, empty, pos, size }; throws on a bad file
 * (the message names the file and the byte offset). */
static napi_value js_load_step(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  if (ts->loader == NULL) {
    tm_napi_throw(env, E_INVALID_ARG, "no RDB file is being loaded");
    return NULL;
  }
  double budget;
  NAPI_CALL(env, napi_get_value_double(env, argv[0], &budget));
  rdb_loader *l = ts->loader;
  int r = rdb_loader_step(l, budget > 0 ? (uint64_t)budget : 1);
  if (r < 0) {
    tm_napi_throw(env, E_BACKEND, "%s", l->error);
    return NULL;
  }
  napi_value o, done;
  NAPI_CALL(env, napi_create_object(env, &o));
  NAPI_CALL(env, napi_get_boolean(env, r == 1, &done));
  NAPI_CALL(env, napi_set_named_property(env, o, "done", done));
  if (set_num(env, o, "keys", (double)l->keys) || set_num(env, o, "expired", (double)l->expired) ||
      set_num(env, o, "empty", (double)l->empty) ||
      set_num(env, o, "pos", (double)rdb_loader_pos(l)) || set_num(env, o, "size", (double)l->size))
    return NULL;
  if (r == 1) ts->st->stats.dirty = 0; /* the loaded data is what the file holds */
  return o;
}

static napi_value js_load_close(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  loader_free(ts);
  return NULL;
}

/* aofEnable(on): start or stop propagating writes to the AOF buffer (aof.h). */
static napi_value js_aof_enable(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  bool on;
  NAPI_CALL(env, napi_get_value_bool(env, argv[0], &on));
  if (aof_enable(ts->st, on) != 0) {
    tm_napi_throw(env, E_NO_MEMORY, "out of memory enabling the append-only file");
    return NULL;
  }
  return NULL;
}

/* aofTake() -> Buffer of the propagated bytes since the last take, or null when none. Throws
 * if the buffer lost bytes to an OOM (the file would no longer replay to the dataset). */
static napi_value js_aof_take(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  if (aof_lost(ts->st)) {
    tm_napi_throw(env, E_NO_MEMORY, "the AOF buffer lost writes to an out-of-memory");
    return NULL;
  }
  size_t n = aof_pending(ts->st);
  napi_value out;
  if (n == 0) {
    NAPI_CALL(env, napi_get_null(env, &out));
    return out;
  }
  void *data;
  NAPI_CALL(env, napi_create_buffer(env, n, &data, &out));
  aof_take(ts->st, data, n);
  return out;
}

/* inExec() -> whether the command running (a control-plane one) was called by EXEC: Redis only
 * schedules BGSAVE and BGREWRITEAOF there. */
static napi_value js_in_exec(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  const st_client *c = ts->st->current;
  napi_value v;
  NAPI_CALL(env, napi_get_boolean(env, c != NULL && (c->flags & CL_IN_EXEC) != 0, &v));
  return v;
}

void tm_store_ctx_close(ts_ctx *ts) {
  if (ts == NULL || ts->st == NULL) return;
  loader_free(ts);
  st_destroy(ts->st);
  ts->st = NULL;
  free(ts->slots);
  free(ts->free_slots);
  ts->slots = NULL;
  ts->free_slots = NULL;
  ts->nslots = ts->cap = ts->nfree = 0;
  if (ts->heap != NULL && ts->heap->store == ts) ts->heap->store = NULL;
}

static napi_value js_store_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  ts_ctx *ts;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, NULL, NULL, (void **)&ts));
  tm_store_ctx_close(ts);
  return NULL;
}

/* setRequirepass(bytes): the default user's only password ("" = nopass), as CONFIG SET
 * requirepass. The bytes are hashed at once; nothing keeps or logs them here. */
static napi_value js_set_requirepass(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  uint8_t *p;
  size_t len;
  if (tm_arg_bytes(env, argv[0], "password", &p, &len) != 0) return NULL;
  if (acl_set_requirepass(ts->st, p, len) != 0) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory for the password");
    return NULL;
  }
  return NULL;
}

/* passwordless() -> true while the default user needs no password (protected mode applies). */
static napi_value js_passwordless(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  napi_value r;
  NAPI_CALL(env, napi_get_boolean(env, acl_default_nopass(ts->st), &r));
  return r;
}

/* The path argument as a C string (a NUL byte inside is refused); malloc'ed, NULL after a throw. */
static char *path_arg(napi_env env, napi_value v) {
  uint8_t *p;
  size_t len;
  if (tm_arg_bytes(env, v, "path", &p, &len) != 0) return NULL;
  if (memchr(p, 0, len) != NULL) {
    tm_napi_throw(env, E_INVALID_ARG, "path: a NUL byte is not allowed");
    return NULL;
  }
  char *s = strndup((const char *)p, len);
  if (s == NULL) tm_napi_throw(env, E_NO_MEMORY, "no memory for the path");
  return s;
}

/* setAclFile(path): the aclfile ACL LOAD and ACL SAVE use ("" = none). */
static napi_value js_set_acl_file(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  char *path = path_arg(env, argv[0]);
  if (path == NULL) return NULL;
  int rc = acl_set_file(ts->st, path);
  free(path);
  if (rc != 0) tm_napi_throw(env, E_NO_MEMORY, "no memory for the path");
  return NULL;
}

/* aclLoad(path) -> null, or Redis's error text: the users of an ACL file, all or nothing. */
static napi_value js_acl_load(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  char *path = path_arg(env, argv[0]);
  if (path == NULL) return NULL;
  int oom;
  char *errs = acl_file_load(ts->st, path, &oom);
  free(path);
  napi_value r;
  if (oom) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory to load the ACL file");
    return NULL;
  }
  if (errs == NULL) {
    NAPI_CALL(env, napi_get_null(env, &r));
    return r;
  }
  napi_status s = napi_create_string_latin1(env, errs, NAPI_AUTO_LENGTH, &r);
  free(errs);
  NAPI_CALL(env, s);
  return r;
}

/* aclConfDefine(words) -> null, or Redis's log text: define a configured user (name, rules...). */
static napi_value js_acl_conf_define(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  resp_arg *words;
  int n, oom;
  if (tm_arg_words(env, argv[0], &words, &n) != 0) return NULL;
  char *err = acl_conf_define(ts->st, n, words, &oom);
  free(words);
  napi_value r;
  if (oom) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory to define the user");
    return NULL;
  }
  if (err == NULL) {
    NAPI_CALL(env, napi_get_null(env, &r));
    return r;
  }
  napi_status s = napi_create_string_latin1(env, err, NAPI_AUTO_LENGTH, &r);
  free(err);
  NAPI_CALL(env, s);
  return r;
}

/* aclUserLines() -> every user's ACL LIST line, in order (CONFIG REWRITE's user lines). */
static napi_value js_acl_user_lines(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  (void)argv;
  napi_value r;
  uint32_t i = 0;
  NAPI_CALL(env, napi_create_array(env, &r));
  for (const st_user *u = ts->st->acl->users; u != NULL; u = u->next) {
    char *line = acl_describe_user(u);
    if (line == NULL) {
      tm_napi_throw(env, E_NO_MEMORY, "no memory to describe the users");
      return NULL;
    }
    napi_value v;
    napi_status s = napi_create_string_latin1(env, line, NAPI_AUTO_LENGTH, &v);
    free(line);
    NAPI_CALL(env, s);
    NAPI_CALL(env, napi_set_element(env, r, i++, v));
  }
  return r;
}

static const tm_fn_def store_functions[] = {
  { "setRequirepass", js_set_requirepass },
  { "passwordless", js_passwordless },
  { "setAclFile", js_set_acl_file },
  { "aclLoad", js_acl_load },
  { "aclConfDefine", js_acl_conf_define },
  { "aclUserLines", js_acl_user_lines },
  { "feed", js_feed },
  { "drain", js_drain },
  { "woken", js_woken },
  { "timers", js_timers },
  { "clientOpen", js_client_open },
  { "clientClose", js_client_close },
  { "cron", js_cron },
  { "lazyRun", js_lazy_run },
  { "migrateRun", js_migrate_run },
  { "info", js_info },
  { "configSet", js_config_set },
  { "migrate", js_migrate },
  { "resetStats", js_reset_stats },
  { "latencyInfo", js_latency_info },
  { "latencyPercentiles", js_latency_percentiles },
  { "setDefer", js_set_defer },
  { "setVolumeHook", js_set_volume_hook },
  { "takeInternalErrors", js_take_internal_errors },
  { "pageCensus", js_page_census },
  { "aofEnable", js_aof_enable },
  { "aofTake", js_aof_take },
  { "inExec", js_in_exec },
  { "close", js_store_close },
  { "snapshotStart", js_snapshot_start },
  { "snapshotStep", js_snapshot_step },
  { "snapshotAbort", js_snapshot_abort },
  { "snapshotStats", js_snapshot_stats },
  { "memoryProfile", js_memory_profile },
  { "dirtyConsume", js_dirty_consume },
  { "loadOpen", js_load_open },
  { "loadStep", js_load_step },
  { "loadClose", js_load_close },
  { NULL, NULL },
};

/* The store context lives while any of its functions does, and holds the heap context. */
static void release_ts(napi_env env, void *data, void *hint) {
  (void)hint;
  ts_ctx *ts = data;
  if (--ts->refs > 0) return;
  tm_store_ctx_close(ts);
  if (ts->defer_fn != NULL) napi_delete_reference(env, ts->defer_fn);
  if (ts->volume_fn != NULL) napi_delete_reference(env, ts->volume_fn);
  if (ts->status_ref != NULL) napi_delete_reference(env, ts->status_ref);
  tm_ctx_release(env, ts->heap, NULL);
  free(ts);
}

/* heap.storeOpen(config) -> the store object; config: { databases } (the rest via configSet). */
napi_value tm_js_store_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cfgv;
  tm_ctx *ctx;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, &cfgv, NULL, (void **)&ctx));
  if (ctx->heap == NULL) {
    tm_napi_throw(env, E_CLOSED, "the allocator is closed");
    return NULL;
  }
  if (ctx->store != NULL) {
    tm_napi_throw(env, E_INVALID_ARG, "this allocator already serves a store");
    return NULL;
  }
  st_config cfg;
  st_config_defaults(&cfg);
  napi_valuetype t = napi_undefined;
  if (argc >= 1) NAPI_CALL(env, napi_typeof(env, cfgv, &t));
  if (t == napi_object) {
    napi_value v;
    NAPI_CALL(env, napi_get_named_property(env, cfgv, "databases", &v));
    size_t n = (size_t)cfg.databases;
    /* Redis's range, 1..INT_MAX; a count the heap cannot hold fails as "no memory". */
    if (tm_arg_size_opt(env, v, "databases", 2147483647.0, n, &n) != 0) return NULL;
    if (n < 1) {
      tm_napi_throw(env, E_INVALID_ARG, "databases must be at least 1");
      return NULL;
    }
    cfg.databases = (int64_t)n;
  }
  ts_ctx *ts = calloc(1, sizeof *ts);
  if (ts == NULL || (ts->st = st_create(ctx->heap, &cfg)) == NULL) {
    free(ts);
    tm_napi_throw(env, E_NO_MEMORY, "no memory for the store");
    return NULL;
  }
  ts->heap = ctx;
  ctx->refs++;
  ctx->store = ts;
  napi_value obj, ab, status;
  void *sdata;
  napi_status s = napi_create_object(env, &obj);
  if (s == napi_ok) s = napi_create_arraybuffer(env, sizeof(int32_t) * S_LEN, &sdata, &ab);
  if (s == napi_ok) s = napi_create_typedarray(env, napi_int32_array, S_LEN, ab, 0, &status);
  if (s == napi_ok) s = napi_create_reference(env, ab, 1, &ts->status_ref);
  if (s == napi_ok) s = napi_wrap(env, obj, ts, release_ts, NULL, NULL);
  if (s != napi_ok) {
    tm_store_ctx_close(ts);
    ctx->refs--;
    free(ts);
    tm_napi_fail(env, s, "creating the store object");
    return NULL;
  }
  ts->status = sdata;
  ts->refs = 1;
  NAPI_CALL(env, napi_set_named_property(env, obj, "status", status));
  for (const tm_fn_def *d = store_functions; d->name != NULL; d++) {
    napi_value fn;
    NAPI_CALL(env, napi_create_function(env, d->name, NAPI_AUTO_LENGTH, d->fn, ts, &fn));
    NAPI_CALL(env, napi_add_finalizer(env, fn, ts, release_ts, NULL, NULL));
    ts->refs++;
    NAPI_CALL(env, napi_set_named_property(env, obj, d->name, fn));
  }
  return obj;
}
