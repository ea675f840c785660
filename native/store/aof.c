/* aof.c - command propagation to the append-only file (see aof.h). */
#include "aof.h"

#include <stdio.h>
#include <string.h>

#include "entry.h"

typedef struct st_aof {
  unsigned char *buf; /* pending bytes: [0, len) */
  size_t len, cap;
  uint8_t tier, self_tier;
  int enabled;
  int seldb;          /* db of the stream's last SELECT; -1: none yet */
  int multi_open;     /* MULTI written for the EXEC in progress */
  int lost;           /* a grow failed */
  uint64_t expired;   /* keys expired by the hook (st_call subtracts them from dirty) */
  unsigned char *tmp; /* a command's reply copied out (SPOP, INCRBYFLOAT) */
  size_t tmp_cap;
  uint8_t tmp_tier;
  const st_cmd *rows[32];
} st_aof;

/* The commands propagated in another form (rows[] index). */
enum {
  R_EXPIRE,
  R_PEXPIRE,
  R_EXPIREAT,
  R_PEXPIREAT,
  R_GETEX,
  R_SETEX,
  R_PSETEX,
  R_SET,
  R_INCRBYFLOAT,
  R_HINCRBYFLOAT,
  R_SPOP,
  R_EXEC,
  R_MULTI,
  R_GETDEL,
  R_RESTORE,
  R_BLPOP,
  R_BRPOP,
  R_BLMOVE,
  R_BRPOPLPUSH,
  R_LMPOP,
  R_BLMPOP,
  R_ZMPOP,
  R_BZMPOP,
  R_BZPOPMIN,
  R_BZPOPMAX,
  R_COUNT
};
static const char *const row_names[R_COUNT] = {
  "expire",  "pexpire",     "expireat",     "pexpireat", "getex",      "setex", "psetex",
  "set",     "incrbyfloat", "hincrbyfloat", "spop",      "exec",       "multi", "getdel",
  "restore", "blpop",       "brpop",        "blmove",    "brpoplpush", "lmpop", "blmpop",
  "zmpop",   "bzmpop",      "bzpopmin",     "bzpopmax"
};

static int grow(st_store *st, st_aof *a, size_t more) {
  if (a->len + more <= a->cap) return 0;
  size_t cap = a->cap ? a->cap : 16384;
  while (cap < a->len + more) cap *= 2;
  uint8_t tier = a->tier;
  unsigned char *nb =
      a->buf == NULL ? sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, cap, &tier)
                     : sm_realloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, a->buf, a->cap, cap, &tier);
  if (nb == NULL) {
    a->lost = 1;
    return -1;
  }
  a->buf = nb;
  a->cap = cap;
  a->tier = tier;
  return 0;
}

static void put(st_store *st, st_aof *a, const void *p, size_t n) {
  if (grow(st, a, n) != 0) return;
  memcpy(a->buf + a->len, p, n);
  a->len += n;
}

static void put_header(st_store *st, st_aof *a, char kind, long long n) {
  char h[32];
  int k = snprintf(h, sizeof h, "%c%lld\r\n", kind, n);
  put(st, a, h, (size_t)k);
}

static void put_bulk(st_store *st, st_aof *a, const void *p, size_t n) {
  put_header(st, a, '$', (long long)n);
  put(st, a, p, n);
  put(st, a, "\r\n", 2);
}

static void put_bulk_str(st_store *st, st_aof *a, const char *s) { put_bulk(st, a, s, strlen(s)); }

static void put_bulk_ll(st_store *st, st_aof *a, long long v) {
  char d[32];
  int k = snprintf(d, sizeof d, "%lld", v);
  put_bulk(st, a, d, (size_t)k);
}

static void select_db(st_store *st, st_aof *a, int id) {
  if (a->seldb == id) return;
  put_header(st, a, '*', 2);
  put_bulk_str(st, a, "SELECT");
  put_bulk_ll(st, a, id);
  a->seldb = id;
}

int aof_enable(st_store *st, int on) {
  st_aof *a = st->aof;
  if (a == NULL) {
    if (!on) return 0;
    uint8_t tier;
    a = sm_calloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, sizeof *a, &tier);
    if (a == NULL) return -1;
    a->self_tier = tier;
    for (int i = 0; i < R_COUNT; i++)
      a->rows[i] = cmd_lookup((const unsigned char *)row_names[i], strlen(row_names[i]));
    st->aof = a;
  }
  a->enabled = on;
  a->seldb = -1;
  a->multi_open = 0;
  return 0;
}

int aof_enabled(const st_store *st) { return st->aof != NULL && st->aof->enabled; }
int aof_lost(const st_store *st) { return st->aof != NULL && st->aof->lost; }

const char *aof_disk_error(st_store *st) {
  static char text[128]; /* the request path runs on one thread */
  if (st->cfg.misconf) return ERR_MISCONF;
  if (st->cfg.aof_write_errno == 0) return NULL;
  snprintf(text, sizeof text, "MISCONF Errors writing to the AOF file: %s",
           strerror((int)st->cfg.aof_write_errno));
  return text;
}

size_t aof_pending(const st_store *st) { return st->aof != NULL ? st->aof->len : 0; }

size_t aof_take(st_store *st, void *out, size_t cap) {
  st_aof *a = st->aof;
  if (a == NULL || a->len == 0) return 0;
  size_t n = a->len < cap ? a->len : cap;
  memcpy(out, a->buf, n);
  memmove(a->buf, a->buf + n, a->len - n);
  a->len -= n;
  if (a->len == 0 && a->cap > 4 * 16384) { /* give back a buffer a burst grew */
    sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, a->buf, a->cap, a->tier);
    a->buf = NULL;
    a->cap = 0;
  }
  return n;
}

void aof_walk(const st_store *st, st_walk_fn *visit, void *arg) {
  const st_aof *a = st->aof;
  if (a == NULL) return;
  visit(arg, a, sizeof *a, a->self_tier, SM_STORE, TM_CAT_BUFFERS);
  if (a->buf != NULL) visit(arg, a->buf, a->cap, a->tier, SM_STORE, TM_CAT_BUFFERS);
  if (a->tmp != NULL) visit(arg, a->tmp, a->tmp_cap, a->tmp_tier, SM_STORE, TM_CAT_BUFFERS);
}

void aof_free(st_store *st) {
  st_aof *a = st->aof;
  if (a == NULL) return;
  if (a->buf != NULL) sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, a->buf, a->cap, a->tier);
  if (a->tmp != NULL) sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, a->tmp, a->tmp_cap, a->tmp_tier);
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, a, sizeof *a, a->self_tier);
  st->aof = NULL;
}

void aof_begin(st_client *c, aof_mark *m) {
  st_aof *a = c->st->aof;
  m->active = a != NULL && a->enabled;
  if (!m->active) return;
  m->dirty = c->st->stats.dirty;
  m->expired = a->expired;
  reply_mark(&c->out, &m->reply);
}

void aof_expired(st_client *c, st_db *db, st_entry *e) {
  st_store *st = c->st;
  st_aof *a = st->aof;
  if (a == NULL || !a->enabled) return;
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  select_db(st, a, db->id);
  put_header(st, a, '*', 2);
  put_bulk_str(st, a, "DEL");
  put_bulk(st, a, key, klen);
  a->expired++;
}

/* ------------------------------------------------------------------------------ rewriting */

/* One propagated command, built argument by argument. */
static void cmd_start(st_client *c, st_aof *a, int argc) {
  select_db(c->st, a, c->db->id);
  put_header(c->st, a, '*', argc);
}

static void arg(st_client *c, st_aof *a, const resp_arg *v) { put_bulk(c->st, a, v->ptr, v->len); }

static st_entry *peek(st_client *c, const resp_arg *key) {
  return (st_entry *)dict_find(&c->db->keys, key->ptr, key->len);
}

/* PEXPIREAT key <its TTL now>, or DEL key when the command removed it (a time in the past). */
static void propagate_ttl(st_client *c, st_aof *a, const resp_arg *key) {
  st_entry *e = peek(c, key);
  if (e == NULL) {
    cmd_start(c, a, 2);
    put_bulk_str(c->st, a, "DEL");
  } else if (entry_expire(e) < 0) {
    cmd_start(c, a, 2);
    put_bulk_str(c->st, a, "PERSIST");
  } else {
    cmd_start(c, a, 3);
    put_bulk_str(c->st, a, "PEXPIREAT");
  }
  arg(c, a, key);
  if (e != NULL && entry_expire(e) >= 0) put_bulk_ll(c->st, a, entry_expire(e));
}

/* SET key value PXAT <TTL now> (value is argument vi). */
static int propagate_set_pxat(st_client *c, st_aof *a, int vi) {
  st_entry *e = peek(c, &c->argv[1]);
  if (e == NULL || entry_expire(e) < 0) return 0;
  cmd_start(c, a, 5);
  put_bulk_str(c->st, a, "SET");
  arg(c, a, &c->argv[1]);
  arg(c, a, &c->argv[vi]);
  put_bulk_str(c->st, a, "PXAT");
  put_bulk_ll(c->st, a, entry_expire(e));
  return 1;
}

/* The reply the command appended since the mark, copied into a->tmp; its length, or -1. */
static long reply_since(st_client *c, st_aof *a, const reply_pos *m) {
  size_t n = c->out.pending - m->pending;
  if (n > a->tmp_cap) {
    uint8_t tier;
    unsigned char *t = sm_alloc(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, n, &tier);
    if (t == NULL) return -1;
    if (a->tmp != NULL)
      sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, a->tmp, a->tmp_cap, a->tmp_tier);
    a->tmp = t;
    a->tmp_cap = n;
    a->tmp_tier = tier;
  }
  size_t got = 0;
  const reply_chunk *ch = m->chunk != NULL ? m->chunk : c->out.head;
  size_t off = m->chunk != NULL ? m->used : c->out.head_off;
  for (; ch != NULL && got < n; ch = ch->next, off = 0) {
    size_t k = ch->used - off;
    if (k > n - got) k = n - got;
    memcpy(a->tmp + got, ch->data + off, k);
    got += k;
  }
  return got == n ? (long)n : -1;
}

/* Parse "<kind><int>\r\n" at *p; the integer, or LLONG_MIN. */
static long long read_header(const unsigned char **p, const unsigned char *end, char *kind) {
  if (*p >= end) return -1;
  *kind = (char)**p;
  (*p)++;
  long long v = 0;
  int neg = 0;
  if (*p < end && **p == '-') {
    neg = 1;
    (*p)++;
  }
  while (*p < end && **p >= '0' && **p <= '9') v = v * 10 + (*(*p)++ - '0');
  *p += 2; /* \r\n */
  return neg ? -v : v;
}

/* The bulk at *p: its bytes, or NULL (a null bulk, or not a bulk). */
static const unsigned char *read_bulk(const unsigned char **p, const unsigned char *end,
                                      size_t *len) {
  char kind;
  long long n = read_header(p, end, &kind);
  if (kind != '$' || n < 0 || *p + n + 2 > end) return NULL;
  const unsigned char *s = *p;
  *len = (size_t)n;
  *p += n + 2;
  return s;
}

/* SET key <reply> KEEPTTL (INCRBYFLOAT) or HSET key field <reply> (HINCRBYFLOAT). */
static int propagate_float(st_client *c, st_aof *a, const reply_pos *m, int hash) {
  long n = reply_since(c, a, m);
  if (n <= 0) return 0;
  const unsigned char *p = a->tmp, *end = a->tmp + n;
  size_t vlen;
  const unsigned char *v = read_bulk(&p, end, &vlen);
  if (v == NULL) return 0;
  cmd_start(c, a, 4);
  put_bulk_str(c->st, a, hash ? "HSET" : "SET");
  arg(c, a, &c->argv[1]);
  if (hash) arg(c, a, &c->argv[2]);
  put_bulk(c->st, a, v, vlen);
  if (!hash) put_bulk_str(c->st, a, "KEEPTTL");
  return 1;
}

/* SPOP: SREM per popped member (wrapped in MULTI when several), DEL when the set is gone. */
static int propagate_spop(st_client *c, st_aof *a, const reply_pos *m, int in_exec) {
  if (c->argc == 3 && peek(c, &c->argv[1]) == NULL) {
    cmd_start(c, a, 2);
    put_bulk_str(c->st, a, "DEL");
    arg(c, a, &c->argv[1]);
    return 1;
  }
  long n = reply_since(c, a, m);
  if (n <= 0) return 0;
  const unsigned char *p = a->tmp, *end = a->tmp + n;
  long long count = 1;
  if (c->argc == 3) {
    char kind;
    count = read_header(&p, end, &kind);
    if ((kind != '*' && kind != '~') || count < 0) return 0;
  }
  int wrap = count > 1 && !in_exec;
  if (wrap) {
    select_db(c->st, a, c->db->id);
    put(c->st, a, "*1\r\n$5\r\nMULTI\r\n", 15);
  }
  for (long long i = 0; i < count; i++) {
    size_t mlen;
    const unsigned char *mem = read_bulk(&p, end, &mlen);
    if (mem == NULL) break;
    cmd_start(c, a, 3);
    put_bulk_str(c->st, a, "SREM");
    arg(c, a, &c->argv[1]);
    put_bulk(c->st, a, mem, mlen);
  }
  if (wrap) put(c->st, a, "*1\r\n$4\r\nEXEC\r\n", 14);
  return 1;
}

/* The key a blocking pop or an *MPOP served (its reply's first element) and, for the *MPOP
 * forms, how many elements it popped (the second element's length). 0 if the reply is not one. */
static int popped(st_client *c, st_aof *a, const reply_pos *m, const unsigned char **key,
                  size_t *klen, long long *count) {
  long n = reply_since(c, a, m);
  if (n <= 0) return 0;
  const unsigned char *p = a->tmp, *end = a->tmp + n;
  char kind;
  if (read_header(&p, end, &kind) < 2 || (kind != '*' && kind != '>')) return 0;
  *key = read_bulk(&p, end, klen);
  if (*key == NULL) return 0;
  if (count != NULL) {
    *count = read_header(&p, end, &kind);
    if (kind != '*' || *count < 1) return 0;
  }
  return 1;
}

/* BLPOP/BRPOP -> LPOP/RPOP key; BZPOPMIN/BZPOPMAX -> ZPOPMIN/ZPOPMAX key; the *MPOP forms ->
 * [LR]POP / ZPOP{MIN,MAX} key <popped>. Redis 7.0 propagates them so: replaying never blocks. */
static int propagate_pop(st_client *c, st_aof *a, const reply_pos *m, const char *name,
                         int counted) {
  const unsigned char *key;
  size_t klen;
  long long count = 0;
  if (!popped(c, a, m, &key, &klen, counted ? &count : NULL)) return 0;
  cmd_start(c, a, counted ? 3 : 2);
  put_bulk_str(c->st, a, name);
  put_bulk(c->st, a, key, klen);
  if (counted) put_bulk_ll(c->st, a, count);
  return 1;
}

/* LMPOP/ZMPOP (first = 1) and BLMPOP/BZMPOP (first = 2): the direction word after the keys. */
static int mpop_dir(const st_client *c, int first, const char *word) {
  long long nk = 0;
  const resp_arg *v = &c->argv[first];
  for (size_t i = 0; i < v->len && v->ptr[i] >= '0' && v->ptr[i] <= '9'; i++)
    nk = nk * 10 + (v->ptr[i] - '0');
  int at = first + 1 + (int)nk;
  return at < c->argc && arg_eq(&c->argv[at], word);
}

/* Argument i.. names ABSTTL. */
static int has_abs(const st_client *c) {
  for (int i = 4; i < c->argc; i++)
    if (arg_eq(&c->argv[i], "absttl")) return 1;
  return 0;
}

/* RESTORE with a relative TTL -> the same with the absolute time and ABSTTL (as Redis 7.0). */
static int propagate_restore(st_client *c, st_aof *a) {
  st_entry *e = peek(c, &c->argv[1]);
  if (e == NULL || entry_expire(e) < 0 || has_abs(c)) return 0;
  cmd_start(c, a, c->argc + 1);
  for (int i = 0; i < c->argc; i++) {
    if (i == 2)
      put_bulk_ll(c->st, a, entry_expire(e));
    else
      arg(c, a, &c->argv[i]);
  }
  put_bulk_str(c->st, a, "ABSTTL");
  return 1;
}

/* BLMOVE src dst from to timeout -> LMOVE src dst from to; BRPOPLPUSH src dst t -> RPOPLPUSH. */
static int propagate_move(st_client *c, st_aof *a, const char *name, int argc) {
  cmd_start(c, a, argc);
  put_bulk_str(c->st, a, name);
  for (int i = 1; i < argc; i++) arg(c, a, &c->argv[i]);
  return 1;
}

/* 1 if argument i.. of the command names one of the relative or seconds-based expiry options. */
static int has_word(const st_client *c, int from, const char *const *words) {
  for (int i = from; i < c->argc; i++)
    for (const char *const *w = words; *w != NULL; w++)
      if (arg_eq(&c->argv[i], *w)) return 1;
  return 0;
}

static const char *const set_rel[] = { "ex", "px", "exat", NULL };
static const char *const getex_ttl[] = { "ex", "px", "exat", "pxat", NULL };
static const char *const getex_persist[] = { "persist", NULL };

/* The rewritten form of cmd, if it has one; 0 to propagate the command as received. */
static int rewrite(st_client *c, st_aof *a, const st_cmd *cmd, const aof_mark *m, int in_exec) {
  const st_cmd *const *r = (const st_cmd *const *)a->rows;
  if (cmd == r[R_EXPIRE] || cmd == r[R_PEXPIRE] || cmd == r[R_EXPIREAT] || cmd == r[R_PEXPIREAT]) {
    propagate_ttl(c, a, &c->argv[1]);
    return 1;
  }
  if (cmd == r[R_GETEX]) {
    if (has_word(c, 2, getex_ttl) || has_word(c, 2, getex_persist)) {
      propagate_ttl(c, a, &c->argv[1]);
      return 1;
    }
    return 0;
  }
  if (cmd == r[R_SETEX] || cmd == r[R_PSETEX]) return propagate_set_pxat(c, a, 3);
  if (cmd == r[R_SET]) return has_word(c, 3, set_rel) && propagate_set_pxat(c, a, 2);
  if (cmd == r[R_INCRBYFLOAT]) return propagate_float(c, a, &m->reply, 0);
  if (cmd == r[R_HINCRBYFLOAT]) return propagate_float(c, a, &m->reply, 1);
  if (cmd == r[R_SPOP]) return propagate_spop(c, a, &m->reply, in_exec);
  if (cmd == r[R_GETDEL]) {
    cmd_start(c, a, 2);
    put_bulk_str(c->st, a, "DEL");
    arg(c, a, &c->argv[1]);
    return 1;
  }
  if (cmd == r[R_RESTORE]) return propagate_restore(c, a);
  if (cmd == r[R_BLPOP]) return propagate_pop(c, a, &m->reply, "LPOP", 0);
  if (cmd == r[R_BRPOP]) return propagate_pop(c, a, &m->reply, "RPOP", 0);
  if (cmd == r[R_BZPOPMIN]) return propagate_pop(c, a, &m->reply, "ZPOPMIN", 0);
  if (cmd == r[R_BZPOPMAX]) return propagate_pop(c, a, &m->reply, "ZPOPMAX", 0);
  if (cmd == r[R_BLMOVE]) return propagate_move(c, a, "LMOVE", 5);
  if (cmd == r[R_BRPOPLPUSH]) return propagate_move(c, a, "RPOPLPUSH", 3);
  if (cmd == r[R_LMPOP] || cmd == r[R_BLMPOP]) {
    int first = cmd == r[R_LMPOP] ? 1 : 2;
    return propagate_pop(c, a, &m->reply, mpop_dir(c, first, "left") ? "LPOP" : "RPOP", 1);
  }
  if (cmd == r[R_ZMPOP] || cmd == r[R_BZMPOP]) {
    int first = cmd == r[R_ZMPOP] ? 1 : 2;
    return propagate_pop(c, a, &m->reply, mpop_dir(c, first, "min") ? "ZPOPMIN" : "ZPOPMAX", 1);
  }
  return 0;
}

void aof_end(st_client *c, const st_cmd *cmd, const aof_mark *m) {
  if (!m->active) return;
  st_store *st = c->st;
  st_aof *a = st->aof;
  if (cmd == a->rows[R_EXEC]) {
    if (a->multi_open) put(st, a, "*1\r\n$4\r\nEXEC\r\n", 14);
    a->multi_open = 0;
    return;
  }
  if (cmd == a->rows[R_MULTI] || !(cmd->flags & CMD_WRITE)) return;
  uint64_t expired = a->expired - m->expired;
  if (st->stats.dirty <= m->dirty + expired) return; /* nothing changed beyond expiry */
  int in_exec = (c->flags & CL_IN_EXEC) != 0;
  if (in_exec && !a->multi_open) {
    select_db(st, a, c->db->id);
    put(st, a, "*1\r\n$5\r\nMULTI\r\n", 15);
    a->multi_open = 1;
  }
  if (rewrite(c, a, cmd, m, in_exec)) return;
  cmd_start(c, a, c->argc);
  for (int i = 0; i < c->argc; i++) arg(c, a, &c->argv[i]);
}
