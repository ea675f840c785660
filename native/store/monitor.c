/* monitor.c - MONITOR (monitor.h). */
#include <stdio.h>
#include <time.h>

#include "monitor.h"

void monitor_remove(st_client *c) {
  if (!(c->flags & CL_MONITOR)) return;
  if (c->mon_prev != NULL)
    c->mon_prev->mon_next = c->mon_next;
  else
    c->st->monitors = c->mon_next;
  if (c->mon_next != NULL) c->mon_next->mon_prev = c->mon_prev;
  c->mon_prev = c->mon_next = NULL;
  c->flags &= ~(uint32_t)CL_MONITOR;
}

void cmd_monitor(st_client *c) {
  /* Redis ignores MONITOR from a client already monitoring (no reply at all). */
  if (c->flags & CL_MONITOR) return;
  c->flags |= CL_MONITOR;
  c->mon_prev = NULL;
  c->mon_next = c->st->monitors;
  if (c->st->monitors != NULL) c->st->monitors->mon_prev = c;
  c->st->monitors = c;
  reply_simple(&c->out, "OK");
}

/* sdscatrepr into a growing block; -1 on OOM. */
typedef struct line {
  st_store *st;
  char *p;
  size_t len, cap;
  uint8_t tier;
} line;

static int put(line *l, const void *s, size_t n) {
  if (l->len + n > l->cap) {
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + n) cap *= 2;
    uint8_t tier = l->tier;
    char *p = l->p ? sm_realloc(&l->st->mem, SM_STORE, TM_CAT_BUFFERS, l->p, l->cap, cap, &tier)
                   : sm_alloc(&l->st->mem, SM_STORE, TM_CAT_BUFFERS, cap, &tier);
    if (p == NULL) return -1;
    l->p = p;
    l->cap = cap;
    l->tier = tier;
  }
  memcpy(l->p + l->len, s, n);
  l->len += n;
  return 0;
}

static int put_repr(line *l, const unsigned char *s, size_t n) {
  if (put(l, "\"", 1)) return -1;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = s[i];
    char esc[5];
    const char *e = NULL;
    size_t el = 2;
    switch (ch) {
      case '\\': e = "\\\\"; break;
      case '"': e = "\\\""; break;
      case '\n': e = "\\n"; break;
      case '\r': e = "\\r"; break;
      case '\t': e = "\\t"; break;
      case '\a': e = "\\a"; break;
      case '\b': e = "\\b"; break;
      default:
        if (ch >= 32 && ch < 127) {
          esc[0] = (char)ch;
          e = esc;
          el = 1;
        } else {
          snprintf(esc, sizeof esc, "\\x%02x", ch);
          e = esc;
          el = 4;
        }
    }
    if (put(l, e, el)) return -1;
  }
  return put(l, "\"", 1);
}

/* Arguments Redis 7.0 shows as "(redacted)": AUTH's, and HELLO's AUTH user and password. */
static int redacted(const st_client *c, const st_cmd *cmd, int i) {
  if (strcmp(cmd->name, "auth") == 0) return i >= 1;
  if (strcmp(cmd->name, "hello") == 0)
    for (int j = 2; j + 2 < c->argc && j < i; j++)
      if (arg_eq(&c->argv[j], "auth") && (i == j + 1 || i == j + 2)) return 1;
  return 0;
}

void monitor_feed(st_client *c, const st_cmd *cmd) {
  st_store *st = c->st;
  if (st->monitors == NULL || (cmd->flags & (CMD_ADMIN | CMD_SKIP_MONITOR))) return;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  line l = { st, NULL, 0, 0, TM_DRAM };
  char head[160];
  int hn = snprintf(head, sizeof head, "+%ld.%06ld [%d %s]", (long)ts.tv_sec,
                    (long)(ts.tv_nsec / 1000), c->db->id, c->addr);
  int bad = put(&l, head, (size_t)hn);
  for (int i = 0; i < c->argc && !bad; i++) {
    bad = put(&l, " ", 1);
    if (!bad && redacted(c, cmd, i))
      bad = put(&l, "\"(redacted)\"", 12);
    else if (!bad)
      bad = put_repr(&l, c->argv[i].ptr, c->argv[i].len);
  }
  if (!bad) bad = put(&l, "\r\n", 2);
  if (!bad)
    for (st_client *m = st->monitors; m != NULL; m = m->mon_next) {
      reply_raw(&m->out, l.p, l.len);
      st_client_wake(m);
    }
  if (l.p != NULL) sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, l.p, l.cap, l.tier);
}
