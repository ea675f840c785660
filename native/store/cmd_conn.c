/* cmd_conn.c - connection commands: PING ECHO QUIT HELLO CLIENT (COMMAND: cmd_command.c). */
#include <limits.h>
#include <stdio.h>

#include "acl.h"
#include "entry.h"
#include "pubsub.h"
#include "store.h"
#include "util.h"

void cmd_ping(st_client *c) {
  if (c->argc > 2) {
    reply_wrong_arity(c, "ping");
    return;
  }
  if ((c->flags & CL_PUBSUB) && c->resp == 2) {
    /* Subscribed mode: a push-shaped reply, as Redis 7.0 answers there. */
    reply_array(&c->out, 2);
    reply_bulk(&c->out, "pong", 4);
    if (c->argc == 2)
      reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len);
    else
      reply_bulk(&c->out, "", 0);
  } else if (c->argc == 2) {
    reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len);
  } else {
    reply_simple(&c->out, "PONG");
  }
}

void cmd_echo(st_client *c) { reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len); }

void cmd_quit(st_client *c) {
  reply_simple(&c->out, "OK");
  c->flags |= CL_CLOSE_AFTER_REPLY;
}

/* Redis accepts names of printable ASCII without spaces. */
static int valid_name(const resp_arg *a) {
  for (size_t i = 0; i < a->len; i++)
    if (a->ptr[i] < '!' || a->ptr[i] > '~') return 0;
  return 1;
}

#define ERR_BAD_NAME "ERR Client names cannot contain spaces, newlines or special characters."

/* Set (or, for an empty name, clear) the connection name. -1 on OOM (name unchanged). */
static int set_name(st_client *c, const resp_arg *a) {
  sm *m = &c->st->mem;
  char *name = NULL;
  uint8_t tier = TM_DRAM;
  if (a->len > 0) {
    name = sm_alloc(m, SM_STORE, TM_CAT_BUFFERS, a->len + 1, &tier);
    if (name == NULL) return -1;
    memcpy(name, a->ptr, a->len);
    name[a->len] = '\0';
  }
  if (c->name != NULL) sm_free(m, SM_STORE, TM_CAT_BUFFERS, c->name, c->name_len + 1, c->name_tier);
  c->name = name;
  c->name_len = a->len;
  c->name_tier = tier;
  return 0;
}

static void bulk_cstr(st_client *c, const char *s) { reply_bulk(&c->out, s, strlen(s)); }

void cmd_hello(st_client *c) {
  int j = 1;
  if (c->argc >= 2) {
    long long ver;
    if (arg_ll_range(c, 1, LLONG_MIN, LLONG_MAX, &ver,
                     "ERR Protocol version is not an integer or out of range") != 0)
      return;
    /* Only RESP2 is spoken: a RESP3 client gets what a Redis without RESP3 answers. */
    if (ver != 2) {
      reply_error(&c->out, "NOPROTO unsupported protocol version");
      return;
    }
    j = 2;
  }
  /* Redis 7.0.15 acts on each option as it parses it: "SETNAME a FOO" sets the name, then
   * fails on FOO; "AUTH bad pass SETNAME b" fails before it sets anything. */
  for (; j < c->argc; j++) {
    int more = c->argc - j - 1;
    if (arg_is(c, j, "auth") && more >= 2) {
      if (acl_auth_or_reply(c, &c->argv[j + 1], &c->argv[j + 2]) != 0) return;
      j += 2;
    } else if (arg_is(c, j, "setname") && more >= 1) {
      const resp_arg *name = &c->argv[++j];
      if (!valid_name(name)) {
        reply_error(&c->out, "%s", ERR_BAD_NAME);
        return;
      }
      if (set_name(c, name) != 0) {
        reply_oom(c);
        return;
      }
    } else {
      reply_error(&c->out, "ERR Syntax error in HELLO option '%.*s'", (int)c->argv[j].len,
                  (const char *)c->argv[j].ptr);
      return;
    }
  }
  if (!c->authenticated) {
    reply_error(&c->out, "NOAUTH HELLO must be called with the client already authenticated, "
                         "otherwise the HELLO AUTH <user> <pass> option can be used to "
                         "authenticate the client and select the RESP protocol version at the "
                         "same time");
    return;
  }
  reply_array(&c->out, 14);
  bulk_cstr(c, "server");
  bulk_cstr(c, "redis");
  bulk_cstr(c, "version");
  bulk_cstr(c, ST_REDIS_VERSION);
  bulk_cstr(c, "proto");
  reply_int(&c->out, 2);
  bulk_cstr(c, "id");
  reply_int(&c->out, (long long)c->id);
  bulk_cstr(c, "mode");
  bulk_cstr(c, "standalone");
  bulk_cstr(c, "role");
  bulk_cstr(c, "master");
  bulk_cstr(c, "modules");
  reply_array(&c->out, 0);
}

/* ------------------------------------------------------------------------------ CLIENT */

void cmd_client_setname(st_client *c) {
  if (!valid_name(&c->argv[2])) {
    reply_error(&c->out, "%s", ERR_BAD_NAME);
    return;
  }
  if (set_name(c, &c->argv[2]) != 0) {
    reply_oom(c);
    return;
  }
  reply_simple(&c->out, "OK");
}

void cmd_client_getname(st_client *c) {
  if (c->name == NULL)
    reply_null_bulk(&c->out);
  else
    reply_bulk(&c->out, c->name, c->name_len);
}

void cmd_client_id(st_client *c) { reply_int(&c->out, (long long)c->id); }

/* CLIENT LIST's flags, in Redis 7.0's order, for the flags this engine has. */
static void client_flags(const st_client *cl, char *f) {
  char *p = f;
  if (cl->flags & CL_MONITOR) *p++ = 'O';
  if (cl->flags & CL_PUBSUB) *p++ = 'P';
  if (cl->flags & CL_MULTI) *p++ = 'x';
  if (cl->flags & CL_BLOCKED) *p++ = 'b';
  if (cl->flags & CL_DIRTY_CAS) *p++ = 'd';
  if (cl->flags & CL_CLOSE_AFTER_REPLY) *p++ = 'c';
  if (cl->flags & CL_QUEUED) *p++ = 'u';
  if (cl->flags & CL_CLOSE_ASAP) *p++ = 'A';
  if (cl->flags & CL_NO_EVICT) *p++ = 'e';
  if (p == f) *p++ = 'N';
  *p = '\0';
}

/* One CLIENT LIST line, in Redis 7.0's field order (store.h). */
size_t client_line(const st_client *cl, char *buf, size_t cap) {
  const st_store *st = cl->st;
  char flags[16];
  client_flags(cl, flags);
  int64_t now = st->now_ms;
  const char *cmd = cl->lastcmd != NULL ? cl->lastcmd->name : "NULL";
  return (size_t)snprintf(
      buf, cap,
      "id=%llu addr=%s laddr=%s fd=%d name=%.*s age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu "
      "ssub=%zu multi=%lld qbuf=%zu qbuf-free=0 argv-mem=0 multi-mem=%zu rbs=0 rbp=0 obl=0 oll=0 "
      "omem=%zu tot-mem=%zu events=r cmd=%s user=%s redir=-1 resp=%d\n",
      (unsigned long long)cl->id, cl->addr, cl->laddr, cl->fd, (int)cl->name_len,
      cl->name != NULL ? cl->name : "", (long long)((now - cl->ctime_ms) / 1000),
      (long long)((now - cl->last_ms) / 1000), flags, cl->db->id, ps_client_channels(cl),
      ps_client_patterns(cl), ps_client_shard_channels(cl),
      (cl->flags & CL_MULTI) ? (long long)cl->mq_count : -1ll, resp_pending(&cl->in),
      (cl->flags & CL_MULTI) ? cl->mq_bytes : 0, reply_pending(&cl->out),
      resp_pending(&cl->in) + reply_pending(&cl->out), cmd, cl->user != NULL ? cl->user->name : "",
      cl->resp);
}

/* CLIENT LIST: the clients of a class (-1: all), killed ones excluded. */
static int listed(const st_client *cl, int type) {
  return !(cl->flags & CL_CLOSE_ASAP) && (type < 0 || st_client_obuf_class(cl) == type);
}

/* cl's line at buf + n (buf NULL: only measured); its length. */
static size_t put_line(const st_client *cl, char *buf, size_t cap, size_t n) {
  char line[1024];
  if (buf == NULL) return client_line(cl, line, sizeof line);
  return n < cap ? client_line(cl, buf + n, cap - n) : 0;
}

/* The lines CLIENT LIST shows (ID id ...: those clients, in the order asked, repeats included,
 * unknown ids skipped) into buf (NULL: only measured); the total length. */
static size_t list_lines(st_client *c, int type, char *buf, size_t cap) {
  size_t n = 0;
  if (!(c->argc > 3 && arg_is(c, 2, "id"))) {
    for (const st_client *cl = c->st->clients; cl != NULL; cl = cl->next)
      if (listed(cl, type)) n += put_line(cl, buf, cap, n);
    return n;
  }
  for (int j = 3; j < c->argc; j++) {
    long long id = 0;
    string2ll((const char *)c->argv[j].ptr, c->argv[j].len, &id); /* checked by the caller */
    const st_client *cl = st_client_by_id(c->st, (uint64_t)id);
    if (cl != NULL && listed(cl, -1)) n += put_line(cl, buf, cap, n);
  }
  return n;
}

void cmd_client_list(st_client *c) {
  int type = -1;
  if (c->argc > 2) {
    if (c->argc == 4 && arg_is(c, 2, "type")) {
      if (!arg_is(c, 3, "normal") && !arg_is(c, 3, "master") && !arg_is(c, 3, "replica") &&
          !arg_is(c, 3, "pubsub")) {
        reply_error(&c->out, "ERR Unknown client type '%.*s'", (int)c->argv[3].len,
                    (const char *)c->argv[3].ptr);
        return;
      }
      if (!arg_is(c, 3, "normal") && !arg_is(c, 3, "pubsub")) {
        reply_bulk(&c->out, "", 0);
        return;
      }
      type = arg_is(c, 3, "normal") ? OBUF_NORMAL : OBUF_PUBSUB;
    } else if (c->argc > 3 && arg_is(c, 2, "id")) {
      /* ID id [id ...]: those clients, in the order asked (repeats included); unknown ids
       * are skipped, a non-integer is an error before anything is listed. */
      long long id;
      for (int j = 3; j < c->argc; j++)
        if (arg_ll_range(c, j, LLONG_MIN, LLONG_MAX, &id, "ERR Invalid client ID") != 0) return;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  }
  /* The lines go into one bulk: sized first, built in a buffer block, then copied out. */
  size_t total = list_lines(c, type, NULL, 0);
  uint8_t tier;
  char *buf = sm_alloc(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, total + 1, &tier);
  if (buf == NULL) {
    reply_oom(c);
    return;
  }
  size_t n = list_lines(c, type, buf, total + 1);
  reply_bulk(&c->out, buf, n < total ? n : total);
  sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, buf, total + 1, tier);
}

void cmd_client_info(st_client *c) {
  char line[1024];
  size_t n = client_line(c, line, sizeof line);
  if (n < sizeof line) {
    reply_bulk(&c->out, line, n);
    return;
  }
  /* A long name (CLIENT SETNAME takes any length): the line is built in a block of its size. */
  uint8_t tier;
  char *buf = sm_alloc(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, n + 1, &tier);
  if (buf == NULL) {
    reply_oom(c);
    return;
  }
  size_t m = client_line(c, buf, n + 1);
  reply_bulk(&c->out, buf, m < n ? m : n);
  sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, buf, n + 1, tier);
}

void cmd_client_help(st_client *c) {
  static const char *const lines[] = {
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    NULL
  };
  reply_help(c, "CLIENT", lines);
}
