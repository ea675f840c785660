/* server.c - the store, its clients, the batch loop (parse, dispatch, execute, reply) and the
 * periodic work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "access.h"
#include "blocking.h"
#include "aof.h"
#include "entry.h"
#include "evict.h"
#include "expires.h"
#include "internal.h"
#include "latency_hist.h"
#include "lazyfree.h"
#include "migrate.h"
#include "purge.h"
#include "snapshot.h"
#include "monitor.h"
#include "prefetch.h"
#include "pubsub.h"
#include "store.h"
#include "util.h"

/* ------------------------------------------------------------------------------ config */

void st_config_defaults(st_config *cfg) {
  /* Every field not named below starts at zero: callers often pass a stack struct. */
  memset(cfg, 0, sizeof *cfg);
  cfg->hash_max_listpack_entries = 128;
  cfg->hash_max_listpack_value = 64;
  cfg->list_max_listpack_size = -2;
  cfg->list_compress_depth = 0;
  cfg->set_max_intset_entries = 512;
  cfg->set_max_listpack_entries = 128;
  cfg->set_max_listpack_value = 64;
  cfg->zset_max_listpack_entries = 128;
  cfg->zset_max_listpack_value = 64;
  cfg->proto_max_bulk_len = 512ll << 20;
  cfg->client_query_buffer_limit = 1ll << 30;
  cfg->databases = 16;
  cfg->active_expire_effort = 1;
  cfg->slowlog_log_slower_than = 10000;
  cfg->slowlog_max_len = 128;
  cfg->acllog_max_len = 128;
  cfg->latency_monitor_threshold = 0;
  cfg->latency_tracking = 0; /* served stores: yes (engine-defaults.ts) */
  cfg->maxmemory = 0;
  cfg->maxmemory_policy = MM_NOEVICTION;
  cfg->maxmemory_samples = 5;
  cfg->lfu_log_factor = 10;
  cfg->lfu_decay_time = 1;
  cfg->migrate_rate = 0; /* off in the bare engine; the control plane sets migrate-rate */
  cfg->migrate_auto = 0;
  cfg->rdbcompression = 1;
  cfg->rdbchecksum = 1;
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------------------------ the store */

static const unsigned char *keyspace_key(const dict_node *n, size_t *len) {
  return entry_key((const st_entry *)n, len);
}
static const dict_type keyspace_type = { keyspace_key };

st_store *st_create(tm_heap *heap, const st_config *cfg) {
  cmd_table_init();
  st_store *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  sm_init(&st->mem, heap);
  if (cfg != NULL) {
    st->cfg = *cfg;
  } else {
    st_config_defaults(&st->cfg);
    st->cfg.slowlog_log_slower_than = -1; /* see st_create in store.h */
  }
  if (st->cfg.databases < 1) st->cfg.databases = 1;
  st->ndb = (int)st->cfg.databases;
  uint8_t tier;
  st->dbs = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof(st_db) * (size_t)st->ndb, &tier);
  st->cmdstats = calloc(st_command_count, sizeof *st->cmdstats);
  st->mig = mig_create();
  if (st->dbs == NULL || st->cmdstats == NULL || st->mig == NULL || acl_init(st) != 0) {
    acl_free(st);
    sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, st->dbs, sizeof(st_db) * (size_t)st->ndb, tier);
    free(st->cmdstats);
    mig_destroy(st->mig);
    free(st);
    return NULL;
  }
  st->dbs_tier = tier;
  for (int i = 0; i < st->ndb; i++) {
    dict_init(&st->dbs[i].keys, &keyspace_type, &st->mem, SM_STORE);
    exp_init(&st->dbs[i].expires);
    dict_init(&st->dbs[i].watched, &watched_keys_type, &st->mem, SM_STORE);
    st->dbs[i].id = i;
  }
  xclient_init(st);
  st->next_client_id = 1;
  st->now_ms = now_us() / 1000;
  st->volume_at = UINT64_MAX; /* no volume hook */
  return st;
}

void st_destroy(st_store *st) {
  if (st == NULL) return;
  snapshot_abort(st);
  while (st->clients != NULL) st_client_free(st->clients);
  /* A throwaway client context for the db calls. */
  st_client tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.st = st;
  for (int i = 0; i < st->ndb; i++) {
    db_flush(&tmp, &st->dbs[i]);
    dict_free_tables(&st->dbs[i].keys);
  }
  lazy_drain_all(st);
  slowlog_reset(st);
  latency_reset_all(st);
  latency_hist_free(st);
  xclient_destroy(st);
  aof_free(st);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, st->dbs, sizeof(st_db) * (size_t)st->ndb,
          st->dbs_tier);
  free(st->cmdstats);
  free(st->internal);
  acl_free(st);
  mig_destroy(st->mig);
  free(st);
}

/* ------------------------------------------------------------------------------ clients */

st_client *st_client_new(st_store *st) {
  uint8_t tier;
  st_client *c = sm_calloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, sizeof *c, &tier);
  if (c == NULL) return NULL;
  c->self_tier = tier;
  c->st = st;
  c->id = st->next_client_id++;
  c->db = &st->dbs[0];
  c->resp = 2;
  c->fd = -1;
  resp_init(&c->in, &st->mem);
  c->in.max_bulk = (size_t)st->cfg.proto_max_bulk_len;
  reply_init(&c->out, &st->mem);
  c->out.es = &st->errstats;
  c->ctime_ms = c->last_ms = st->now_ms;
  acl_client_init(c);
  c->next = st->clients;
  if (st->clients != NULL) st->clients->prev = c;
  st->clients = c;
  st->nclients++;
  st->stats.connections++;
  return c;
}

void st_client_free(st_client *c) {
  st_store *st = c->st;
  st_client_detach(c);
  if (c->prev != NULL)
    c->prev->next = c->next;
  else
    st->clients = c->next;
  if (c->next != NULL) c->next->prev = c->prev;
  st->nclients--;
  multi_discard(c);
  resp_free(&c->in);
  reply_free(&c->out);
  if (c->name != NULL)
    sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, c->name, c->name_len + 1, c->name_tier);
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, c, sizeof *c, c->self_tier);
}

st_client *st_client_by_id(st_store *st, uint64_t id) {
  for (st_client *c = st->clients; c != NULL; c = c->next)
    if (c->id == id) return c;
  return NULL;
}

/* ------------------------------------------------------------------------------ dispatch */

void reply_wrong_arity(st_client *c, const char *name) {
  reply_error(&c->out, "ERR wrong number of arguments for '%s' command", name);
}

/* Redis's "unknown command" text: the name and the first arguments, each quoted, to 128. */
static void reply_unknown_command(st_client *c) {
  char args[256];
  size_t n = 0;
  args[0] = '\0';
  for (int i = 1; i < c->argc && n < 128; i++) {
    int room = 128 - (int)n;
    int len = c->argv[i].len < (size_t)room ? (int)c->argv[i].len : room;
    n += (size_t)snprintf(args + n, sizeof args - n, "'%.*s' ", len, (const char *)c->argv[i].ptr);
  }
  int nlen = c->argv[0].len < 128 ? (int)c->argv[0].len : 128;
  reply_error(&c->out, "ERR unknown command '%.*s', with args beginning with: %s", nlen,
              (const char *)c->argv[0].ptr, args);
}

static void reply_unknown_subcommand(st_client *c, const st_cmd *container) {
  char upper[64];
  size_t i = 0;
  for (; container->name[i] && i < sizeof upper - 1; i++) {
    char ch = container->name[i];
    upper[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
  }
  upper[i] = '\0';
  int len = c->argv[1].len < 128 ? (int)c->argv[1].len : 128;
  reply_error(&c->out, "ERR unknown subcommand '%.*s'. Try %s HELP.", len,
              (const char *)c->argv[1].ptr, upper);
}

/* A refusal before the command runs (store.h, "the call path"): counted as rejected when the
 * command is known, and it dooms an open transaction. */
static void rejected(st_client *c, const st_cmd *cmd) {
  if (cmd != NULL) c->st->cmdstats[cmd->index].rejected++;
  multi_flag_error(c);
}

static int is_exec(const st_cmd *cmd) { return strcmp(cmd->name, "exec") == 0; }

/* Refuse a known command with the error `text`. EXEC refused by these checks (Redis's
 * rejectCommand) discards the transaction instead, as multi_exec_abort says. */
static void refuse(st_client *c, const st_cmd *cmd, const char *text) {
  if (is_exec(cmd))
    multi_exec_abort(c, cmd, text);
  else
    reply_error(&c->out, "%s", text);
  rejected(c, cmd);
}

/* The command's flags for processCommand's checks: EXEC's are its own and its queued
 * commands' together (Redis's mstate.cmd_flags), so it is refused as a write or as deny-oom. */
static uint32_t checked_flags(const st_client *c, const st_cmd *cmd) {
  return is_exec(cmd) ? cmd->flags | multi_queued_flags(c) : cmd->flags;
}

/* maxmemory (evict.h): evict first; then refuse a command that may grow memory when nothing
 * more can be evicted (EXEC: when a queued command may), and anything but
 * EXEC/DISCARD/QUIT/RESET while queueing a transaction (the queue itself grows), as Redis's
 * processCommand does. */
static int oom_refused(st_client *c, const st_cmd *cmd) {
  c->st->now_ms = now_us() / 1000; /* the clocks eviction reads */
  if (evict_perform(c->st) != EVICT_FAIL) return 0;
  int deny = (checked_flags(c, cmd) & CMD_DENYOOM) != 0;
  if (c->flags & CL_MULTI)
    deny |= !is_exec(cmd) && strcmp(cmd->name, "discard") != 0 && strcmp(cmd->name, "quit") != 0 &&
            strcmp(cmd->name, "reset") != 0;
  if (!deny) return 0;
  refuse(c, cmd, ERR_OOM);
  return 1;
}

/* CLIENT PAUSE: 1 if the command must wait for the pause to end (Redis 7.0: every command
 * under ALL; under WRITE, those that write or may replicate, EXEC by its queued commands). */
static int paused_for(st_client *c, const st_cmd *cmd) {
  st_store *st = c->st;
  st->now_ms = now_us() / 1000;
  if (st->pause_end_ms <= st->now_ms) return 0; /* st_timers releases it */
  if (st->pause_all) return 1;
  uint32_t flags = cmd->flags;
  if (strcmp(cmd->name, "exec") == 0) flags |= multi_queued_flags(c);
  return (flags & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
}

/* Run c->argv through the checks to st_call. 1 if CLIENT PAUSE postponed it instead. */
static int execute(st_client *c) {
  const st_cmd *cmd = cmd_lookup(c->argv[0].ptr, c->argv[0].len);
  /* CLIENT LIST's cmd= is what the lookup found, refused or not (NULL: unknown), as Redis sets
   * lastcmd in processCommand; EXEC's queued commands leave it at exec. */
  c->lastcmd = cmd;
  if (cmd == NULL) {
    reply_unknown_command(c);
    rejected(c, NULL);
    return 0;
  }
  if (cmd_is_container(cmd) && (c->argc >= 2 || cmd->fn == NULL)) {
    if (c->argc < 2) {
      reply_wrong_arity(c, cmd->name);
      rejected(c, cmd);
      return 0;
    }
    const st_cmd *sub = cmd_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
    c->lastcmd = sub;
    if (sub == NULL) {
      reply_unknown_subcommand(c, cmd);
      rejected(c, NULL);
      return 0;
    }
    cmd = sub;
  }
  if ((cmd->arity > 0 && c->argc != cmd->arity) || c->argc < -cmd->arity) {
    if (is_exec(cmd)) /* Redis's text has no ERR code here */
      refuse(c, cmd, "wrong number of arguments for 'exec' command");
    else {
      reply_wrong_arity(c, cmd->name);
      rejected(c, cmd);
    }
    return 0;
  }
  const char *noauth = acl_check_auth(c, cmd);
  if (noauth != NULL) {
    refuse(c, cmd, noauth);
    return 0;
  }
  if ((c->flags & CL_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
    reply_error(&c->out, "ERR Command not allowed inside a transaction");
    rejected(c, cmd);
    return 0;
  }
  char denial[ACL_DENIAL_MAX];
  if (acl_check_perm(c, cmd, denial, sizeof denial) != 0) { /* NOPERM: before running or queueing */
    refuse(c, cmd, denial);
    return 0;
  }
  if (c->st->cfg.maxmemory > 0 && oom_refused(c, cmd)) return 0;
  /* The MISCONF refusal (Redis's writeCommandsDeniedByDiskError), before MULTI queueing. */
  const char *disk_error = aof_disk_error(c->st);
  if (disk_error != NULL &&
      ((checked_flags(c, cmd) & CMD_WRITE) || strcmp(cmd->name, "ping") == 0)) {
    refuse(c, cmd, disk_error);
    return 0;
  }
  /* Subscribed mode (RESP2). */
  if ((c->flags & CL_PUBSUB) && c->resp == 2 && !ps_allowed(cmd)) {
    reply_error(&c->out,
                "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                "RESET are allowed in this context",
                cmd->name);
    rejected(c, cmd);
    return 0;
  }
  /* Paused: held after every check, before queueing or running, as Redis's processCommand
   * (so an unknown or refused command is answered at once). */
  if (c->st->pause_end_ms != 0 && paused_for(c, cmd)) {
    if (blk_postpone(c) != 0) c->flags |= CL_CLOSE_ASAP; /* OOM: no way to hold it */
    return 1;
  }
  if ((c->flags & CL_MULTI) && !multi_runs_now(cmd)) {
    multi_queue(c, cmd);
    return 0;
  }
  st_call(c, cmd);
  return 0;
}

void st_call(st_client *c, const st_cmd *cmd) {
  st_store *st = c->st;
  int64_t start = now_us();
  if (!(c->flags & CL_IN_EXEC)) st->now_ms = start / 1000; /* EXEC runs at one time */
  c->last_ms = st->now_ms;
  c->cmd = cmd;
  st->current = c;
  st->errstats.mark = st->errstats.total;
  aof_mark am;
  aof_begin(c, &am);
  if (st->cfg.test_faults && st_test_fault_requested(c)) {
    st_internal_error(c, "injected test fault (TIERMEM_TEST_FAULTS)");
  } else if (cmd->flags & CMD_JS) {
    if (st->defer != NULL)
      st->defer(st, c, st->defer_arg);
    else
      reply_error(&c->out, "ERR '%s' is served by the control plane, which is absent", cmd->name);
  } else {
    cmd->fn(c);
  }
  aof_end(c, cmd, &am);
  int64_t duration = now_us() - start;
  monitor_feed(c, cmd);
  st_cmdstat *cs = &st->cmdstats[cmd->index];
  cs->calls++;
  cs->usec += (uint64_t)duration;
  latency_add_if_needed(st, (cmd->flags & CMD_FAST) ? LAT_FAST_COMMAND : LAT_COMMAND,
                        duration / 1000);
  /* A command that blocked gets its histogram sample and slow log entry when it is answered
   * by a push or CLIENT UNBLOCK, not now (blocking.h, Statistics). */
  if (c->flags & CL_BLOCKED) {
    blk_called(c, duration);
  } else {
    if (st->cfg.latency_tracking) latency_track(st, cmd->index, duration);
    slowlog_push(c, cmd, duration);
  }
  if (st->errstats.total != st->errstats.mark) cs->failed++;
  st->errstats.mark = st->errstats.total;
  c->commands++;
  st->stats.commands++;
  if (st->mig->npending > 0) mig_after_command(st);
}

/* One command from the client's input (or a postponed one): execute it with CLIENT REPLY's
 * rules, then serve the clients the command made ready. */
static void run_command(st_client *c) {
  st_store *st = c->st;
  reply_pos pos;
  int drop = (c->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) != 0;
  if (drop) reply_mark(&c->out, &pos);
  if (execute(c)) { /* postponed: it runs again, with CLIENT REPLY's state, when released */
    c->argc = 0;
    c->argv = NULL;
    return;
  }
  /* CLIENT REPLY OFF/SKIP: what this command replied is dropped (CLIENT REPLY ON's +OK is
   * written after the flag is cleared, so it stays). */
  if (drop && (c->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) && !c->out.oom)
    reply_truncate(&c->out, &pos);
  c->flags &= ~(uint32_t)CL_REPLY_SKIP;
  if (c->flags & CL_REPLY_SKIP_NEXT)
    c->flags = (c->flags & ~(uint32_t)CL_REPLY_SKIP_NEXT) | CL_REPLY_SKIP;
  c->argc = 0;
  c->argv = NULL;
  if (st->bk_ready != NULL) blk_serve(st);
}

/* Between two commands, so the hook sees (and may change) a store at rest: the controller ticks
 * inside a pipeline, which the store otherwise runs in one call. */
static void volume_due(st_store *st) {
  st->volume_at = st->mem.routed + st->volume_every;
  st->volume_hook(st, st->volume_arg);
}

void st_set_volume_hook(st_store *st, uint64_t every, void (*hook)(st_store *, void *), void *arg) {
  st->volume_hook = every > 0 ? hook : NULL;
  st->volume_arg = arg;
  st->volume_every = every;
  st->volume_at = st->volume_hook != NULL ? st->mem.routed + every : UINT64_MAX;
}

/* Parse and run the complete commands in c's query buffer, until it is blocked or closing. */
static void run_input(st_client *c) {
  resp_cmd cmd;
  int ahead = 0; /* commands whose keys were prefetched and have not run yet */
  while (!(c->flags & (CL_BLOCKED | CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))) {
    if (ahead == 0) ahead = prefetch_ahead(c);
    if (ahead > 0) ahead--;
    int r = resp_next(&c->in, &cmd);
    if (r == RESP_NEED_MORE) break;
    if (r == RESP_EMPTY) continue;
    if (r == RESP_ERROR) {
      reply_error(&c->out, "%s", c->in.error);
      c->flags |= CL_CLOSE_AFTER_REPLY;
      break;
    }
    c->argc = cmd.argc;
    c->argv = cmd.argv;
    run_command(c);
    if (c->out.oom) c->flags |= CL_CLOSE_ASAP;
    if (c->st->mem.routed >= c->st->volume_at) volume_due(c->st);
  }
  resp_compact(&c->in);
}

int st_feed(st_client *c, const void *data, size_t n) {
  st_store *st = c->st;
  if (c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP)) return -1;
  st->stats.net_input += n;
  if (n > 0 && resp_feed(&c->in, data, n) != 0) {
    c->flags |= CL_CLOSE_ASAP;
    return -1;
  }
  run_input(c);
  size_t limit = (size_t)st->cfg.client_query_buffer_limit;
  if (!(c->flags & CL_CLOSE_AFTER_REPLY) &&
      (resp_pending(&c->in) > limit || resp_needed(&c->in) > limit)) {
    /* Redis closes such a client without a reply (client-query-buffer-limit). */
    st->stats.buffer_limit_disconnects++;
    c->flags |= CL_CLOSE_ASAP;
  }
  st_run_queued(st);
  return (c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP)) ? -1 : 0;
}

void st_run_queued(st_store *st) {
  if (st->draining) return;
  st->draining = 1;
  while (st->queued_head != NULL) {
    st_client *c = st->queued_head;
    st->queued_head = c->queued_next;
    if (st->queued_head == NULL) st->queued_tail = NULL;
    c->flags &= ~(uint32_t)CL_QUEUED;
    if (c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP)) continue;
    /* A command held by CLIENT PAUSE runs first, then the input behind it. */
    if (blk_run_postponed(c, run_command) && c->out.oom) c->flags |= CL_CLOSE_ASAP;
    run_input(c);
    st_client_wake(c);
  }
  st->draining = 0;
}

/* ------------------------------------------------------------------------------ cron */

uint64_t st_cron(st_store *st, uint64_t budget_us) {
  int64_t start = now_us();
  st->now_ms = start / 1000;
  st_client tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.st = st;
  uint64_t expired = 0;
  int over = 0;
  for (int i = 0; i < st->ndb && !over; i++) {
    st_db *db = &st->dbs[i];
    tmp.db = db;
    for (st_entry *e; (e = exp_top(&db->expires)) != NULL;) {
      if (entry_expire(e) > st->now_ms) break;
      st->stats.expired_keys++;
      aof_expired(&tmp, db, e);
      db_delete_entry(&tmp, db, e);
      if ((++expired & 15) == 0 && (uint64_t)(now_us() - start) >= budget_us) {
        over = 1;
        break;
      }
    }
  }
  latency_add_if_needed(st, LAT_EXPIRE_CYCLE, (now_us() - start) / 1000);
  /* Then values and keyspaces being freed in the background, then incremental rehashing. */
  if (!over && st->lazy_head != NULL) {
    int64_t left = (int64_t)budget_us - (now_us() - start);
    if (left > 0) lazy_run(st, (uint64_t)left);
  }
  for (int i = 0; i < st->ndb; i++) {
    int64_t left = (int64_t)budget_us - (now_us() - start);
    if (left <= 0) break;
    dict_rehash_us(&st->dbs[i].keys, (uint64_t)left);
  }
  /* Eviction that ran out of time in a command goes on here; then the migrator's step. */
  if (st->cfg.maxmemory > 0) evict_perform(st);
  int64_t left = (int64_t)budget_us - (now_us() - start);
  if (left > 0) mig_step(st, (uint64_t)left);
  purge_cron(st);
  return expired;
}

/* ------------------------------------------------------------------------------ arguments */

int arg_ll(st_client *c, int i, long long *out) {
  if (!string2ll((const char *)c->argv[i].ptr, c->argv[i].len, out)) {
    reply_error(&c->out, "%s", ERR_NOT_INT);
    return -1;
  }
  return 0;
}

int arg_ll_range(st_client *c, int i, long long min, long long max, long long *out,
                 const char *err) {
  long long v;
  if (!string2ll((const char *)c->argv[i].ptr, c->argv[i].len, &v) || v < min || v > max) {
    reply_error(&c->out, "%s", err != NULL ? err : ERR_NOT_INT);
    return -1;
  }
  *out = v;
  return 0;
}

int arg_double(st_client *c, int i, double *out) {
  if (!string2d((const char *)c->argv[i].ptr, c->argv[i].len, out)) {
    reply_error(&c->out, "%s", ERR_NOT_FLOAT);
    return -1;
  }
  return 0;
}

int arg_is(const st_client *c, int i, const char *word) { return arg_eq(&c->argv[i], word); }

void reply_help(st_client *c, const char *container, const char *const *lines) {
  long n = 0;
  while (lines[n] != NULL) n++;
  reply_array(&c->out, n + 3);
  char head[128];
  snprintf(head, sizeof head,
           "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", container);
  reply_simple(&c->out, head);
  for (long i = 0; i < n; i++) reply_simple(&c->out, lines[i]);
  reply_simple(&c->out, "HELP");
  reply_simple(&c->out, "    Prints this help.");
}
