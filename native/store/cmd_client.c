/* cmd_client.c - CLIENT KILL, UNBLOCK, PAUSE, UNPAUSE, REPLY, NO-EVICT: the CLIENT
 * subcommands that act on other clients or on how this one is served, with Redis 7.0.15's
 * parsing order, replies and errors. */
#include <limits.h>

#include "blocking.h"
#include "store.h"

static void syntax_error_sub(st_client *c) {
  reply_error(&c->out,
              "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try CLIENT HELP.",
              (int)c->argv[1].len, (const char *)c->argv[1].ptr);
}

/* Close another client now (or this one once its reply is out): nothing refers to it
 * afterwards, and the socket owner hears of it through the woken list. */
static void kill_client(st_client *c, st_client *target) {
  if (target == c) {
    c->flags |= CL_CLOSE_AFTER_REPLY;
    return;
  }
  st_client_detach(target);
  target->flags |= CL_CLOSE_ASAP;
  st_client_wake(target);
}

static int alive(const st_client *t) { return !(t->flags & CL_CLOSE_ASAP); }

/* TYPE names (Redis's getClientTypeByName): -1 if unknown; OBUF_REPLICA also for master. */
static int type_by_name(const resp_arg *a) {
  if (arg_eq(a, "normal")) return OBUF_NORMAL;
  if (arg_eq(a, "slave") || arg_eq(a, "replica")) return OBUF_REPLICA;
  if (arg_eq(a, "pubsub")) return OBUF_PUBSUB;
  if (arg_eq(a, "master")) return 3;
  return -1;
}

/* An address filter; a client whose address the socket owner did not give matches none. */
static int eq_cstr(const resp_arg *a, const char *s) {
  return s[0] != '\0' && a->len == strlen(s) && memcmp(a->ptr, s, a->len) == 0;
}

void cmd_client_kill(st_client *c) {
  st_store *st = c->st;
  if (c->argc == 3) { /* the old form: CLIENT KILL ip:port */
    for (st_client *t = st->clients; t != NULL; t = t->next)
      if (alive(t) && eq_cstr(&c->argv[2], t->addr)) {
        kill_client(c, t);
        reply_simple(&c->out, "OK");
        return;
      }
    reply_error(&c->out, "ERR No such client");
    return;
  }
  long long id = 0;
  int type = -1, skipme = 1;
  const resp_arg *addr = NULL, *laddr = NULL;
  for (int i = 2; i < c->argc; i += 2) {
    int more = c->argc > i + 1;
    if (arg_is(c, i, "id") && more) {
      if (arg_ll_range(c, i + 1, 1, LLONG_MAX, &id, "ERR client-id should be greater than 0") != 0)
        return;
    } else if (arg_is(c, i, "type") && more) {
      type = type_by_name(&c->argv[i + 1]);
      if (type < 0) {
        reply_error(&c->out, "ERR Unknown client type '%.*s'", (int)c->argv[i + 1].len,
                    (const char *)c->argv[i + 1].ptr);
        return;
      }
    } else if (arg_is(c, i, "addr") && more) {
      addr = &c->argv[i + 1];
    } else if (arg_is(c, i, "laddr") && more) {
      laddr = &c->argv[i + 1];
    } else if (arg_is(c, i, "user") && more) {
      /* Only the default user exists until ACLs do. */
      if (!arg_eq(&c->argv[i + 1], "default")) {
        reply_error(&c->out, "ERR No such user '%.*s'", (int)c->argv[i + 1].len,
                    (const char *)c->argv[i + 1].ptr);
        return;
      }
    } else if (arg_is(c, i, "skipme") && more) {
      if (arg_is(c, i + 1, "yes"))
        skipme = 1;
      else if (arg_is(c, i + 1, "no"))
        skipme = 0;
      else {
        reply_error(&c->out, "%s", ERR_SYNTAX);
        return;
      }
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  }
  long long killed = 0;
  int self = 0;
  for (st_client *t = st->clients; t != NULL; t = t->next) {
    if (!alive(t)) continue;
    if (id != 0 && t->id != (uint64_t)id) continue;
    if (type >= 0 && type != st_client_obuf_class(t)) continue;
    if (addr != NULL && !eq_cstr(addr, t->addr)) continue;
    if (laddr != NULL && !eq_cstr(laddr, t->laddr)) continue;
    if (t == c && skipme) continue;
    if (t == c)
      self = 1;
    else
      kill_client(c, t);
    killed++;
  }
  if (self) kill_client(c, c);
  reply_int(&c->out, killed);
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR] */
void cmd_client_unblock(st_client *c) {
  if (c->argc > 4) {
    syntax_error_sub(c);
    return;
  }
  int how = BLK_TIMEOUT;
  if (c->argc == 4) {
    if (arg_is(c, 3, "timeout"))
      how = BLK_TIMEOUT;
    else if (arg_is(c, 3, "error"))
      how = BLK_ERROR;
    else {
      reply_error(&c->out, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  long long id;
  if (arg_ll(c, 2, &id) != 0) return;
  st_client *t = id > 0 ? st_client_by_id(c->st, (uint64_t)id) : NULL;
  reply_int(&c->out, t != NULL && alive(t) && blk_unblock(t, how | BLK_BY_CLIENT) ? 1 : 0);
}

/* CLIENT PAUSE timeout [WRITE|ALL]: the mode first, then the timeout (ms). */
void cmd_client_pause(st_client *c) {
  if (c->argc > 4) {
    syntax_error_sub(c);
    return;
  }
  int all = 1;
  if (c->argc == 4) {
    if (arg_is(c, 3, "write"))
      all = 0;
    else if (!arg_is(c, 3, "all")) {
      reply_error(&c->out, "ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  long long ms;
  if (arg_ll_range(c, 2, LLONG_MIN, LLONG_MAX, &ms,
                   "ERR timeout is not an integer or out of range") != 0)
    return;
  if (ms < 0) {
    reply_error(&c->out, "ERR timeout is negative");
    return;
  }
  st_store *st = c->st;
  if (ms > 0) {
    int64_t end = ms > INT64_MAX - st->now_ms ? INT64_MAX : st->now_ms + ms;
    /* A longer or stricter pause wins; a shorter one does not cut the current one. */
    if (st->pause_end_ms == 0) st->pause_all = 0;
    if (all) st->pause_all = 1;
    if (end > st->pause_end_ms) st->pause_end_ms = end;
    st_timer_hint(st, st->pause_end_ms);
  }
  reply_simple(&c->out, "OK");
}

void cmd_client_unpause(st_client *c) {
  st_store *st = c->st;
  if (st->pause_end_ms != 0) {
    st->pause_end_ms = 0;
    blk_release_postponed(st);
  }
  reply_simple(&c->out, "OK");
}

/* CLIENT REPLY ON|OFF|SKIP (server.c drops the replies while OFF or SKIP applies). */
void cmd_client_reply(st_client *c) {
  if (arg_is(c, 2, "on")) {
    c->flags &= ~(uint32_t)(CL_REPLY_OFF | CL_REPLY_SKIP | CL_REPLY_SKIP_NEXT);
    reply_simple(&c->out, "OK");
  } else if (arg_is(c, 2, "off")) {
    c->flags |= CL_REPLY_OFF;
  } else if (arg_is(c, 2, "skip")) {
    if (!(c->flags & CL_REPLY_OFF)) c->flags |= CL_REPLY_SKIP_NEXT;
  } else {
    reply_error(&c->out, "%s", ERR_SYNTAX);
  }
}

void cmd_client_no_evict(st_client *c) {
  if (arg_is(c, 2, "on"))
    c->flags |= CL_NO_EVICT;
  else if (arg_is(c, 2, "off"))
    c->flags &= ~(uint32_t)CL_NO_EVICT;
  else {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return;
  }
  reply_simple(&c->out, "OK");
}
