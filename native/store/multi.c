/* multi.c - transactions: MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0.15's multi.c.
 *
 * Queue: between MULTI and EXEC, execute() hands every command that passed its checks to
 * multi_queue, which copies its arguments out of the query buffer into one block (owner
 * SM_STORE, category buffers) and replies QUEUED. A command refused while queueing (unknown,
 * wrong arity, NOAUTH, NOPERM, OOM ...) sets CL_DIRTY_EXEC through multi_flag_error: EXEC then
 * replies EXECABORT. Runtime errors inside EXEC are just replies: nothing rolls back. EXEC
 * checks each queued command's ACL permissions again (they may have changed since), as Redis 7.0:
 * a denied one gets NOPERM in its place and is not run. EXEC itself refused by execute()'s checks
 * (its arity, NOPERM, OOM or MISCONF by its queued commands' flags) discards the transaction
 * with EXECABORT and the reason (multi_exec_abort, Redis's execCommandAbort).
 *
 * WATCH: each db has a dict of watched keys (st_wkey), each with the list of its watchers
 * (st_watcher, one per client and key, also linked in the client's own list). key_modified
 * calls watch_touch only when the db has watched keys, so the common path pays one test. A
 * touched key marks its watchers CL_DIRTY_CAS and unwatches them (nothing more can change
 * their EXEC's fate). Expiry follows Redis 7.0: a key that had expired (not yet deleted) when
 * it was WATCHed is "expired" in its watcher, and its later deletion is no change; a live
 * key that expires before EXEC aborts it, deleted or not. FLUSHDB/FLUSHALL/SWAPDB call
 * watch_db_emptied first: a watched key that exists on either side of the change counts. */
#include <stdio.h>

#include "acl.h"
#include "entry.h"
#include "monitor.h"
#include "store.h"

/* ------------------------------------------------------------------------------ the queue */

/* One queued command: this header, argc resp_args, then the argument bytes (each followed by
 * a NUL, so the byte after an argument is readable as it is in the query buffer). */
typedef struct st_queued {
  struct st_queued *next;
  const st_cmd *cmd;
  size_t size; /* requested bytes of this block */
  uint8_t tier;
  int argc;
  resp_arg argv[];
} st_queued;

void multi_flag_error(st_client *c) {
  if (c->flags & CL_MULTI) c->flags |= CL_DIRTY_EXEC;
}

int multi_runs_now(const st_cmd *cmd) {
  static const char *const now[] = { "exec", "discard", "multi", "watch", "quit", "reset" };
  for (size_t i = 0; i < sizeof now / sizeof *now; i++)
    if (strcmp(cmd->name, now[i]) == 0) return 1;
  return 0;
}

void multi_queue(st_client *c, const st_cmd *cmd) {
  /* A doomed transaction needs no queue (Redis's queueMultiCommand). */
  if (c->flags & (CL_DIRTY_CAS | CL_DIRTY_EXEC)) {
    reply_simple(&c->out, "QUEUED");
    return;
  }
  size_t size = sizeof(st_queued) + (size_t)c->argc * sizeof(resp_arg);
  for (int i = 0; i < c->argc; i++) size += c->argv[i].len + 1;
  uint8_t tier;
  st_queued *q = sm_alloc(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, size, &tier);
  if (q == NULL) {
    c->st->cmdstats[cmd->index].rejected++;
    multi_flag_error(c);
    reply_oom(c);
    return;
  }
  q->next = NULL;
  q->cmd = cmd;
  q->size = size;
  q->tier = tier;
  q->argc = c->argc;
  unsigned char *p = (unsigned char *)&q->argv[c->argc];
  for (int i = 0; i < c->argc; i++) {
    memcpy(p, c->argv[i].ptr, c->argv[i].len);
    p[c->argv[i].len] = '\0';
    q->argv[i].ptr = p;
    q->argv[i].len = c->argv[i].len;
    p += c->argv[i].len + 1;
  }
  if (c->mq_tail != NULL)
    c->mq_tail->next = q;
  else
    c->mq_head = q;
  c->mq_tail = q;
  c->mq_count++;
  c->mq_bytes += size;
  reply_simple(&c->out, "QUEUED");
}

uint32_t multi_queued_flags(const st_client *c) {
  uint32_t flags = 0;
  for (const st_queued *q = c->mq_head; q != NULL; q = q->next) flags |= q->cmd->flags;
  return flags;
}

static void free_queue(st_store *st, st_queued *q) {
  while (q != NULL) {
    st_queued *next = q->next;
    sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, q, q->size, q->tier);
    q = next;
  }
}

void multi_discard(st_client *c) {
  free_queue(c->st, c->mq_head);
  c->mq_head = c->mq_tail = NULL;
  c->mq_count = c->mq_bytes = 0;
  c->flags &= ~(uint32_t)(CL_MULTI | CL_DIRTY_CAS | CL_DIRTY_EXEC);
  watch_unwatch_all(c);
}

void multi_exec_abort(st_client *c, const st_cmd *exec, const char *why) {
  multi_discard(c);
  reply_error(&c->out, "EXECABORT Transaction discarded because of: %s", why);
  monitor_feed(c, exec);
}

void multi_walk(const st_client *c, st_walk_fn *visit, void *arg) {
  for (const st_queued *q = c->mq_head; q != NULL; q = q->next)
    visit(arg, q, q->size, q->tier, SM_STORE, TM_CAT_BUFFERS);
}

/* ------------------------------------------------------------------------------ WATCH */

/* A watched key of one db: a node of db->watched, with the list of its watchers. */
typedef struct st_wkey {
  dict_node node;
  struct st_watcher *watchers;
  size_t klen;
  uint8_t tier;
  unsigned char key[];
} st_wkey;

/* One client watching one key. */
typedef struct st_watcher {
  st_client *c;
  st_db *db;
  st_wkey *wk;
  struct st_watcher *key_prev, *key_next; /* the key's watchers */
  struct st_watcher *next;                /* the client's watched keys */
  uint8_t expired;                        /* the key existed but had expired when WATCHed */
  uint8_t tier;
} st_watcher;

static const unsigned char *wkey_key(const dict_node *n, size_t *len) {
  const st_wkey *wk = (const st_wkey *)n;
  *len = wk->klen;
  return wk->key;
}
const dict_type watched_keys_type = { wkey_key };

/* The key is in the keyspace but its time has passed (Redis's keyIsExpired): no lazy delete. */
static int key_is_expired(st_store *st, st_db *db, const void *key, size_t len) {
  const st_entry *e = (const st_entry *)dict_find(&db->keys, key, len);
  if (e == NULL) return 0;
  int64_t t = entry_expire(e);
  return t >= 0 && t <= st->now_ms;
}

/* Unlink w from its key (freeing the key when it was the last watcher) and free it. */
static void watcher_free(st_store *st, st_watcher *w) {
  st_wkey *wk = w->wk;
  if (w->key_prev != NULL)
    w->key_prev->key_next = w->key_next;
  else
    wk->watchers = w->key_next;
  if (w->key_next != NULL) w->key_next->key_prev = w->key_prev;
  if (wk->watchers == NULL) {
    st_db *db = w->db;
    dict_unlink_node(&db->watched, &wk->node);
    sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, wk, sizeof *wk + wk->klen, wk->tier);
    if (dict_size(&db->watched) == 0) dict_free_tables(&db->watched);
  }
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, w, sizeof *w, w->tier);
}

void watch_unwatch_all(st_client *c) {
  while (c->watching != NULL) {
    st_watcher *w = c->watching;
    c->watching = w->next;
    watcher_free(c->st, w);
  }
}

/* Start watching one key. 0 (also when already watched), or -1 on OOM (nothing changed). */
static int watch_key(st_client *c, const resp_arg *key) {
  st_store *st = c->st;
  st_db *db = c->db;
  st_wkey *wk = (st_wkey *)dict_find(&db->watched, key->ptr, key->len);
  if (wk != NULL)
    for (const st_watcher *w = wk->watchers; w != NULL; w = w->key_next)
      if (w->c == c) return 0;
  uint8_t wtier;
  st_watcher *w = sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, sizeof *w, &wtier);
  if (w == NULL) return -1;
  if (wk == NULL) {
    uint8_t ktier;
    wk = sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, sizeof *wk + key->len, &ktier);
    if (wk == NULL) {
      sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, w, sizeof *w, wtier);
      return -1;
    }
    wk->node.next = NULL;
    wk->watchers = NULL;
    wk->klen = key->len;
    wk->tier = ktier;
    memcpy(wk->key, key->ptr, key->len);
    if (dict_add(&db->watched, &wk->node) != 0) {
      sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, wk, sizeof *wk + key->len, ktier);
      sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, w, sizeof *w, wtier);
      return -1;
    }
  }
  w->c = c;
  w->db = db;
  w->wk = wk;
  w->tier = wtier;
  w->expired = (uint8_t)key_is_expired(st, db, key->ptr, key->len);
  w->key_prev = NULL;
  w->key_next = wk->watchers;
  if (wk->watchers != NULL) wk->watchers->key_prev = w;
  wk->watchers = w;
  w->next = c->watching;
  c->watching = w;
  return 0;
}

void watch_touch(st_store *st, st_db *db, const void *key, size_t len) {
  st_wkey *wk = (st_wkey *)dict_find(&db->watched, key, len);
  if (wk == NULL) return;
  /* Unwatching a client frees its watcher of this key (and the key after the last one), but
   * never the next watcher, which belongs to another client. */
  for (st_watcher *w = wk->watchers, *next; w != NULL; w = next) {
    next = w->key_next;
    if (w->expired && dict_find(&db->keys, key, len) == NULL) {
      w->expired = 0; /* the expired key is now deleted: logically no change */
      continue;
    }
    st_client *c = w->c;
    c->flags |= CL_DIRTY_CAS;
    watch_unwatch_all(c);
  }
  (void)st;
}

void watch_db_emptied(st_store *st, st_db *emptied, st_db *replaced_with) {
  if (dict_size(&emptied->watched) == 0) return;
  /* Flags only: unwatching would change the dict being walked. */
  dict_iter it;
  dict_iter_init(&it, &emptied->watched);
  for (dict_node *n; (n = dict_iter_next(&it)) != NULL;) {
    st_wkey *wk = (st_wkey *)n;
    int here = dict_find(&emptied->keys, wk->key, wk->klen) != NULL;
    int there = replaced_with != NULL && dict_find(&replaced_with->keys, wk->key, wk->klen) != NULL;
    if (!here && !there) continue;
    int there_expired = there && key_is_expired(st, replaced_with, wk->key, wk->klen);
    for (st_watcher *w = wk->watchers; w != NULL; w = w->key_next) {
      if (w->expired) {
        if (!there) {
          w->expired = 0; /* the expired key is gone: no logical change */
          continue;
        }
        if (there_expired) continue; /* expired before, expired after */
      } else if (!here && there_expired) {
        w->expired = 1; /* a missing key replaced by an expired one */
        continue;
      }
      w->c->flags |= CL_DIRTY_CAS;
    }
  }
  dict_iter_done(&it);
}

/* A key watched alive that has expired since (Redis's isWatchedKeyExpired). */
static int watched_key_expired(st_client *c) {
  for (const st_watcher *w = c->watching; w != NULL; w = w->next)
    if (!w->expired && key_is_expired(c->st, w->db, w->wk->key, w->wk->klen)) return 1;
  return 0;
}

void watch_walk(const st_db *db, st_walk_fn *visit, void *arg) {
  st_walk_dict_tables(&db->watched, visit, arg);
  for (int i = 0; i < 2; i++) {
    const dict_table *t = &db->watched.t[i];
    if (t->b == NULL || t->used == 0 || (i == 1 && db->watched.state == DICT_ZEROING)) continue;
    for (uint64_t b = 0; b < t->size; b++)
      for (const dict_node *n = t->b[b]; n != NULL; n = n->next) {
        const st_wkey *wk = (const st_wkey *)n;
        visit(arg, wk, sizeof *wk + wk->klen, wk->tier, SM_STORE, TM_CAT_BUFFERS);
        for (const st_watcher *w = wk->watchers; w != NULL; w = w->key_next)
          visit(arg, w, sizeof *w, w->tier, SM_STORE, TM_CAT_BUFFERS);
      }
  }
}

size_t watch_count(const st_client *c) {
  size_t n = 0;
  for (const st_watcher *w = c->watching; w != NULL; w = w->next) n++;
  return n;
}

/* ------------------------------------------------------------------------------ commands */

void cmd_multi(st_client *c) {
  if (c->flags & CL_MULTI) {
    reply_error(&c->out, "ERR MULTI calls can not be nested");
    return;
  }
  c->flags |= CL_MULTI;
  reply_simple(&c->out, "OK");
}

void cmd_discard(st_client *c) {
  if (!(c->flags & CL_MULTI)) {
    reply_error(&c->out, "ERR DISCARD without MULTI");
    return;
  }
  multi_discard(c);
  reply_simple(&c->out, "OK");
}

/* Redis 7.0 checks each queued command's permissions again at EXEC (ACL SETUSER may have run
 * since it was queued): a denied one is not run, its place in the reply gets this NOPERM and
 * the denial is logged (context "multi"); the others run. 1 if denied. */
static int exec_acl_denied(st_client *c, const st_cmd *cmd) {
  int bad = 0;
  int why = c->user == NULL ? ACL_DENIED_CMD : acl_user_may(c->user, cmd, c->argc, c->argv, &bad);
  if (why == ACL_OK) return 0;
  if (c->user != NULL) {
    if (why == ACL_DENIED_CMD)
      acl_log_add(c, why, cmd->name, strlen(cmd->name), c->user->name, c->user->name_len);
    else
      acl_log_add(c, why, c->argv[bad].ptr, c->argv[bad].len, c->user->name, c->user->name_len);
  }
  const char *reason = why == ACL_DENIED_CMD ? "no permission to execute the command or subcommand"
                       : why == ACL_DENIED_KEY ? "no permission to touch the specified keys"
                                               : "no permission to access one of the channels used "
                                                 "as arguments";
  reply_error(&c->out,
              "NOPERM ACLs rules changed between the moment the transaction was accumulated and "
              "the EXEC call. This command is no longer allowed for the following reason: %s",
              reason);
  return 1;
}

void cmd_exec(st_client *c) {
  if (!(c->flags & CL_MULTI)) {
    reply_error(&c->out, "ERR EXEC without MULTI");
    return;
  }
  if (watched_key_expired(c)) c->flags |= CL_DIRTY_CAS;
  if (c->flags & (CL_DIRTY_CAS | CL_DIRTY_EXEC)) {
    if (c->flags & CL_DIRTY_EXEC)
      reply_error(&c->out, "EXECABORT Transaction discarded because of previous errors.");
    else
      reply_null_array(&c->out);
    multi_discard(c);
    return;
  }
  watch_unwatch_all(c); /* from here on nothing can abort it */
  /* The queue is detached (a queued command cannot touch it), but the client stays in MULTI
   * with its count until the end, as Redis's: CLIENT LIST shows flags=x multi=N meanwhile and
   * an ACL denial is logged in the "multi" context. */
  st_queued *q = c->mq_head;
  c->mq_head = c->mq_tail = NULL;
  c->flags |= CL_IN_EXEC;
  const st_cmd *exec = c->cmd;
  int argc = c->argc;
  resp_arg *argv = c->argv;
  reply_array(&c->out, (long)c->mq_count);
  for (const st_queued *it = q; it != NULL; it = it->next) {
    c->argc = it->argc;
    c->argv = (resp_arg *)it->argv;
    c->cmd = it->cmd;
    if (exec_acl_denied(c, it->cmd)) continue; /* permissions changed since queueing */
    st_call(c, it->cmd);
  }
  c->argc = argc;
  c->argv = argv;
  c->cmd = exec;
  c->flags &= ~(uint32_t)CL_IN_EXEC;
  multi_discard(c);
  free_queue(c->st, q);
}

void cmd_watch(st_client *c) {
  if (c->flags & CL_MULTI) {
    reply_error(&c->out, "ERR WATCH inside MULTI is not allowed");
    return;
  }
  /* Already doomed: watching more changes nothing. */
  if (c->flags & CL_DIRTY_CAS) {
    reply_simple(&c->out, "OK");
    return;
  }
  /* All or nothing: on OOM the keys this call added are unwatched again (they are the first
   * ones on the client's list). */
  st_watcher *before = c->watching;
  for (int j = 1; j < c->argc; j++) {
    if (watch_key(c, &c->argv[j]) != 0) {
      while (c->watching != before) {
        st_watcher *w = c->watching;
        c->watching = w->next;
        watcher_free(c->st, w);
      }
      reply_oom(c);
      return;
    }
  }
  reply_simple(&c->out, "OK");
}

void cmd_unwatch(st_client *c) {
  watch_unwatch_all(c);
  c->flags &= ~(uint32_t)CL_DIRTY_CAS;
  reply_simple(&c->out, "OK");
}
