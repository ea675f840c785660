/* slowlog.c - SLOWLOG GET|LEN|RESET|HELP, as Redis 7.0.15's slowlog.c.
 *
 * st_call records every command that took at least slowlog-log-slower-than microseconds
 * (negative: never; 0: every command) unless it is CMD_SKIP_SLOWLOG (EXEC: the commands it
 * runs are recorded one by one). The newest entry is first; beyond slowlog-max-len the oldest
 * go. An entry keeps at most 32 arguments (the 32nd says "... (N more arguments)") and at most
 * 128 bytes of each ("... (N more bytes)"), the client's address and name, in one block
 * (owner SM_STORE, category buffers). Ids keep counting across SLOWLOG RESET. */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "store.h"

#define MAX_ARGC 32
#define MAX_STRING 128

typedef struct st_slowentry {
  struct st_slowentry *prev, *next; /* newer, older */
  uint64_t id;
  int64_t time; /* unix seconds */
  int64_t duration_us;
  size_t size; /* requested bytes of this block */
  uint8_t tier;
  int argc;
  resp_arg peer, name;
  resp_arg argv[]; /* then the bytes of argv, peer and name */
} st_slowentry;

/* The text of argument j as the entry keeps it, into buf (which must hold MAX_STRING + 40). */
static size_t kept_arg(const st_client *c, int j, int slargc, unsigned char *buf) {
  if (slargc != c->argc && j == slargc - 1)
    return (size_t)snprintf((char *)buf, MAX_STRING + 40, "... (%d more arguments)",
                            c->argc - slargc + 1);
  const resp_arg *a = &c->argv[j];
  if (a->len <= MAX_STRING) {
    memcpy(buf, a->ptr, a->len);
    return a->len;
  }
  memcpy(buf, a->ptr, MAX_STRING);
  return MAX_STRING + (size_t)snprintf((char *)buf + MAX_STRING, 40, "... (%lu more bytes)",
                                       (unsigned long)(a->len - MAX_STRING));
}

static void entry_free(st_store *st, st_slowentry *e) {
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, e, e->size, e->tier);
}

static void drop_oldest(st_store *st) {
  st_slowentry *e = st->slowlog_tail;
  st->slowlog_tail = e->prev;
  if (e->prev != NULL)
    e->prev->next = NULL;
  else
    st->slowlog_head = NULL;
  st->slowlog_len--;
  entry_free(st, e);
}

void slowlog_push(st_client *c, const st_cmd *cmd, int64_t duration_us) {
  st_store *st = c->st;
  if (cmd->flags & CMD_SKIP_SLOWLOG) return;
  if (st->cfg.slowlog_log_slower_than < 0 || duration_us < st->cfg.slowlog_log_slower_than) return;
  int slargc = c->argc < MAX_ARGC ? c->argc : MAX_ARGC;
  unsigned char buf[MAX_STRING + 40];
  size_t size = sizeof(st_slowentry) + (size_t)slargc * sizeof(resp_arg);
  for (int j = 0; j < slargc; j++) size += kept_arg(c, j, slargc, buf);
  size_t peer_len = strlen(c->addr);
  size += peer_len + c->name_len;
  uint8_t tier;
  st_slowentry *e = sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, size, &tier);
  if (e == NULL) return; /* a diagnostic: under OOM the entry is skipped, the command stands */
  e->id = st->slowlog_next_id++;
  e->time = (int64_t)time(NULL);
  e->duration_us = duration_us;
  e->size = size;
  e->tier = tier;
  e->argc = slargc;
  unsigned char *p = (unsigned char *)&e->argv[slargc];
  for (int j = 0; j < slargc; j++) {
    size_t n = kept_arg(c, j, slargc, buf);
    memcpy(p, buf, n);
    e->argv[j].ptr = p;
    e->argv[j].len = n;
    p += n;
  }
  memcpy(p, c->addr, peer_len);
  e->peer.ptr = p;
  e->peer.len = peer_len;
  p += peer_len;
  if (c->name_len > 0) memcpy(p, c->name, c->name_len);
  e->name.ptr = p;
  e->name.len = c->name_len;
  e->prev = NULL;
  e->next = st->slowlog_head;
  if (st->slowlog_head != NULL)
    st->slowlog_head->prev = e;
  else
    st->slowlog_tail = e;
  st->slowlog_head = e;
  st->slowlog_len++;
  slowlog_trim(st);
}

void slowlog_trim(st_store *st) {
  while (st->slowlog_len > 0 && st->slowlog_len > (uint64_t)st->cfg.slowlog_max_len)
    drop_oldest(st);
}

void slowlog_reset(st_store *st) {
  while (st->slowlog_len > 0) drop_oldest(st);
}

void slowlog_walk(const st_store *st, st_walk_fn *visit, void *arg) {
  for (const st_slowentry *e = st->slowlog_head; e != NULL; e = e->next)
    visit(arg, e, e->size, e->tier, SM_STORE, TM_CAT_BUFFERS);
}

void cmd_slowlog_get(st_client *c) {
  long long count = 10;
  if (c->argc > 3) {
    reply_error(&c->out,
                "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG HELP.",
                (int)c->argv[1].len, (const char *)c->argv[1].ptr);
    return;
  }
  if (c->argc == 3 && arg_ll_range(c, 2, -1, LONG_MAX, &count,
                                   "ERR count should be greater than or equal to -1") != 0)
    return;
  uint64_t n =
      count < 0 || (uint64_t)count > c->st->slowlog_len ? c->st->slowlog_len : (uint64_t)count;
  reply_array(&c->out, (long)n);
  const st_slowentry *e = c->st->slowlog_head;
  for (uint64_t i = 0; i < n; i++, e = e->next) {
    reply_array(&c->out, 6);
    reply_int(&c->out, (long long)e->id);
    reply_int(&c->out, (long long)e->time);
    reply_int(&c->out, (long long)e->duration_us);
    reply_array(&c->out, e->argc);
    for (int j = 0; j < e->argc; j++) reply_bulk(&c->out, e->argv[j].ptr, e->argv[j].len);
    reply_bulk(&c->out, e->peer.ptr, e->peer.len);
    reply_bulk(&c->out, e->name.ptr, e->name.len);
  }
}

void cmd_slowlog_len(st_client *c) { reply_int(&c->out, (long long)c->st->slowlog_len); }

void cmd_slowlog_reset(st_client *c) {
  slowlog_reset(c->st);
  reply_simple(&c->out, "OK");
}

void cmd_slowlog_help(st_client *c) {
  static const char *const lines[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    NULL
  };
  reply_help(c, "SLOWLOG", lines);
}
