/* cmd_keys.c - the generic key commands: existence, types, TTLs, iteration, renaming, moving,
 * copying, databases. */
#include <limits.h>
#include <stdio.h>

#include "access.h"
#include "blocking.h"
#include "entry.h"
#include "glob.h"
#include "lazyfree.h"
#include "purge.h"
#include "store.h"
#include "snapshot.h"
#include "util.h"

/* Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): lazy expiry and hit/miss stats, but the
 * access clock stays (TYPE, EXISTS, TTL must not make a key look recently used). */
static st_entry *lookup_notouch(st_client *c, const resp_arg *key) {
  st_entry *e = db_find(c, c->db, key->ptr, key->len);
  if (e == NULL)
    c->st->stats.keyspace_misses++;
  else
    c->st->stats.keyspace_hits++;
  return e;
}

/* Redis's getIntFromObjectOrReply: an int argument, with msg (or Redis's texts) on error. */
static int arg_int(st_client *c, int i, int *out, const char *msg) {
  long long v;
  if (!string2ll((const char *)c->argv[i].ptr, c->argv[i].len, &v)) {
    reply_error(&c->out, "%s", msg != NULL ? msg : ERR_NOT_INT);
    return -1;
  }
  if (v < INT_MIN || v > INT_MAX) {
    if (msg != NULL)
      reply_error(&c->out, "%s", msg);
    else
      reply_error(&c->out, "ERR value is out of range, value must between %d and %d", INT_MIN,
                  INT_MAX);
    return -1;
  }
  *out = (int)v;
  return 0;
}

/* A db index argument: the db, or NULL after the error reply. */
static st_db *arg_db(st_client *c, int i) {
  int id;
  if (arg_int(c, i, &id, NULL) != 0) return NULL;
  if (id < 0 || id >= c->st->ndb) {
    reply_error(&c->out, "%s", ERR_DB_INDEX);
    return NULL;
  }
  return &c->st->dbs[id];
}

static int same_bytes(const resp_arg *a, const resp_arg *b) {
  return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static void reply_key(st_client *c, const st_entry *e) {
  size_t len;
  const unsigned char *k = entry_key(e, &len);
  reply_bulk(&c->out, k, len);
}

/* ------------------------------------------------------------------------------ existence */

void cmd_del(st_client *c) {
  long long n = 0;
  for (int j = 1; j < c->argc; j++) n += db_delete(c, c->db, c->argv[j].ptr, c->argv[j].len);
  reply_int(&c->out, n);
}

/* DEL and UNLINK are the same here: every delete frees a big collection in bounded steps, the
 * rest in the background (lazyfree.c), so DEL never makes a pass over a huge value either. */
void cmd_unlink(st_client *c) { cmd_del(c); }

void cmd_exists(st_client *c) {
  long long n = 0;
  for (int j = 1; j < c->argc; j++) n += lookup_notouch(c, &c->argv[j]) != NULL;
  reply_int(&c->out, n);
}

void cmd_touch(st_client *c) {
  long long n = 0;
  for (int j = 1; j < c->argc; j++) n += lookup_read(c, &c->argv[j]) != NULL;
  reply_int(&c->out, n);
}

void cmd_type(st_client *c) {
  st_entry *e = lookup_notouch(c, &c->argv[1]);
  reply_simple(&c->out, e == NULL ? "none" : obj_type_name(entry_type(e)));
}

/* ------------------------------------------------------------------------------ TTLs */

enum { EX_NX = 1, EX_XX = 2, EX_GT = 4, EX_LT = 8 };

/* EXPIRE PEXPIRE EXPIREAT PEXPIREAT key n [NX|XX|GT|LT]: Redis's expireGenericCommand. */
static void expire_generic(st_client *c, int64_t basetime, int unit_s) {
  int flags = 0;
  for (int j = 3; j < c->argc; j++) {
    if (arg_is(c, j, "nx"))
      flags |= EX_NX;
    else if (arg_is(c, j, "xx"))
      flags |= EX_XX;
    else if (arg_is(c, j, "gt"))
      flags |= EX_GT;
    else if (arg_is(c, j, "lt"))
      flags |= EX_LT;
    else {
      /* Redis prints the option as a C string: up to a NUL byte. */
      const resp_arg *a = &c->argv[j];
      int n = (int)strnlen((const char *)a->ptr, a->len);
      return reply_error(&c->out, "ERR Unsupported option %.*s", n, (const char *)a->ptr);
    }
  }
  if ((flags & EX_NX) && (flags & (EX_XX | EX_GT | EX_LT)))
    return reply_error(&c->out,
                       "ERR NX and XX, GT or LT options at the same time are not compatible");
  if ((flags & EX_GT) && (flags & EX_LT))
    return reply_error(&c->out, "ERR GT and LT options at the same time are not compatible");
  long long when;
  if (arg_ll(c, 2, &when) != 0) return;
  if (unit_s) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) goto invalid;
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime) goto invalid;
  when += basetime; /* basetime >= 0, so a negative `when` cannot underflow */
  st_entry *e = lookup_write(c, &c->argv[1]);
  if (e == NULL) return reply_int(&c->out, 0);
  if (flags) {
    int64_t cur = entry_expire(e);
    if ((flags & EX_NX) && cur != -1) return reply_int(&c->out, 0);
    if ((flags & EX_XX) && cur == -1) return reply_int(&c->out, 0);
    if ((flags & EX_GT) && (when <= cur || cur == -1)) return reply_int(&c->out, 0);
    if ((flags & EX_LT) && cur != -1 && when >= cur) return reply_int(&c->out, 0);
  }
  if (when <= c->st->now_ms) {
    db_delete_entry(c, c->db, e); /* a time already past: the key goes now */
    return reply_int(&c->out, 1);
  }
  if (db_set_expire(c, c->db, e, when) == NULL) return reply_oom(c);
  reply_int(&c->out, 1);
  return;
invalid:
  reply_error(&c->out, "ERR invalid expire time in '%s' command", c->cmd->name);
}

void cmd_expire(st_client *c) { expire_generic(c, c->st->now_ms, 1); }
void cmd_pexpire(st_client *c) { expire_generic(c, c->st->now_ms, 0); }
void cmd_expireat(st_client *c) { expire_generic(c, 0, 1); }
void cmd_pexpireat(st_client *c) { expire_generic(c, 0, 0); }

static void ttl_generic(st_client *c, int ms, int absolute) {
  st_entry *e = lookup_notouch(c, &c->argv[1]);
  if (e == NULL) return reply_int(&c->out, -2);
  int64_t t = entry_expire(e);
  if (t < 0) return reply_int(&c->out, -1);
  int64_t ttl = absolute ? t : t - c->st->now_ms;
  if (ttl < 0) ttl = 0;
  /* Redis computes (ttl+500)/1000 in long long, which overflows for an expire time within 500
   * ms of LLONG_MAX (PEXPIREAT k 9223372036854775807, then EXPIRETIME); redis-server 7.0.15
   * answers the unwrapped quotient (9223372036854776). Divide in unsigned, then narrow. */
  reply_int(&c->out, ms ? ttl : (int64_t)(((uint64_t)ttl + 500u) / 1000));
}

void cmd_ttl(st_client *c) { ttl_generic(c, 0, 0); }
void cmd_pttl(st_client *c) { ttl_generic(c, 1, 0); }
void cmd_expiretime(st_client *c) { ttl_generic(c, 0, 1); }
void cmd_pexpiretime(st_client *c) { ttl_generic(c, 1, 1); }

void cmd_persist(st_client *c) {
  st_entry *e = lookup_write(c, &c->argv[1]);
  if (e == NULL || !db_persist(c->db, e)) return reply_int(&c->out, 0);
  key_modified(c, c->db, e);
  reply_int(&c->out, 1);
}

/* ------------------------------------------------------------------------------ iteration */

/* A growable array of entries for the replies whose length is known only at the end. Its
 * storage is sm's (category other), starting on the stack. */
#define EVEC_STACK 64
typedef struct evec {
  st_entry **v;
  size_t n, cap;
  uint8_t tier;
  sm *m;
  st_entry *stack[EVEC_STACK];
} evec;

static void evec_init(evec *x, sm *m) {
  x->v = x->stack;
  x->n = 0;
  x->cap = EVEC_STACK;
  x->m = m;
  x->tier = TM_DRAM;
}

static int evec_push(evec *x, st_entry *e) {
  if (x->n == x->cap) {
    size_t cap = x->cap * 2;
    st_entry **v;
    if (x->v == x->stack) {
      v = sm_alloc(x->m, SM_STORE, TM_CAT_OTHER, cap * sizeof *v, &x->tier);
      if (v != NULL) memcpy(v, x->stack, sizeof x->stack);
    } else {
      v = sm_realloc(x->m, SM_STORE, TM_CAT_OTHER, x->v, x->cap * sizeof *v, cap * sizeof *v,
                     &x->tier);
    }
    if (v == NULL) return -1;
    x->v = v;
    x->cap = cap;
  }
  x->v[x->n++] = e;
  return 0;
}

static void evec_free(evec *x) {
  if (x->v != x->stack) sm_free(x->m, SM_STORE, TM_CAT_OTHER, x->v, x->cap * sizeof *x->v, x->tier);
}

static int key_matches(const st_entry *e, const resp_arg *pat) {
  size_t len;
  const unsigned char *k = entry_key(e, &len);
  return glob_match((const unsigned char *)pat->ptr, pat->len, k, len, 0);
}

/* KEYS pattern: O(N) in the keys of the db, by nature (Redis's warning applies: use SCAN in
 * production). The count is deferred, as Redis does; expired keys are skipped, not deleted. */
void cmd_keys(st_client *c) {
  const resp_arg *pat = &c->argv[1];
  int all = pat->len == 1 && pat->ptr[0] == '*';
  void *len = reply_defer_len(&c->out);
  long n = 0;
  dict_iter it;
  dict_iter_init(&it, &c->db->keys);
  for (dict_node *node; (node = dict_iter_next(&it)) != NULL;) {
    st_entry *e = (st_entry *)node;
    if (!all && !key_matches(e, pat)) continue;
    int64_t t = entry_expire(e);
    if (t >= 0 && t <= c->st->now_ms) continue;
    reply_key(c, e);
    n++;
    if (c->out.oom) break; /* the client is being closed: stop the walk */
  }
  dict_iter_done(&it);
  reply_set_defer_len(&c->out, len, n);
}

typedef struct scan_ctx {
  st_client *c;
  const resp_arg *pat;  /* NULL: every key */
  const resp_arg *type; /* NULL: every type */
  evec *found;
  uint64_t visited; /* every node seen, filtered or not: what COUNT counts in Redis */
  int full;         /* the array could not grow: stop early with what we have */
} scan_ctx;

static void scan_cb(dict_node *n, void *arg) {
  scan_ctx *x = arg;
  st_entry *e = (st_entry *)n;
  x->visited++;
  if (x->full) return;
  if (x->pat != NULL && !key_matches(e, x->pat)) return;
  if (x->type != NULL && !arg_eq(x->type, obj_type_name(entry_type(e)))) return;
  int64_t t = entry_expire(e);
  if (t >= 0 && t <= x->c->st->now_ms) {
    /* Expired: filtered out and deleted, as Redis's expireIfNeeded does (the scan allows
     * the callback to unlink the node it is given). */
    size_t klen;
    const unsigned char *k = entry_key(e, &klen);
    db_find(x->c, x->c->db, k, klen);
    return;
  }
  if (evec_push(x->found, e) != 0) x->full = 1;
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Each call visits about COUNT
 * buckets' worth of keys and at most 10*COUNT buckets, as Redis bounds it, so a sparse table
 * cannot make one call long. */
void cmd_scan(st_client *c) {
  uint64_t cursor;
  if (coll_scan_cursor(c, 1, &cursor) != 0) return;
  long long count = 10;
  const resp_arg *pat = NULL, *type = NULL;
  for (int j = 2; j < c->argc;) {
    int more = c->argc - j >= 2;
    if (arg_is(c, j, "count") && more) {
      if (arg_ll(c, j + 1, &count) != 0) return;
      if (count < 1) return reply_error(&c->out, "%s", ERR_SYNTAX);
    } else if (arg_is(c, j, "match") && more) {
      pat = &c->argv[j + 1];
      if (pat->len == 1 && pat->ptr[0] == '*') pat = NULL; /* matches everything */
    } else if (arg_is(c, j, "type") && more) {
      type = &c->argv[j + 1];
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
    j += 2;
  }
  evec found;
  evec_init(&found, &c->st->mem);
  scan_ctx x = { c, pat, type, &found, 0, 0 };
  uint64_t maxiter = (uint64_t)count > UINT64_MAX / 10 ? UINT64_MAX : (uint64_t)count * 10;
  do {
    cursor = dict_scan(&c->db->keys, cursor, scan_cb, &x);
  } while (cursor != 0 && maxiter-- && x.visited < (uint64_t)count && !x.full);
  reply_array(&c->out, 2);
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)cursor);
  reply_bulk(&c->out, buf, (size_t)n);
  reply_array(&c->out, (long)found.n);
  for (size_t i = 0; i < found.n; i++) reply_key(c, found.v[i]);
  evec_free(&found);
}

void cmd_randomkey(st_client *c) {
  /* Each round either answers or deletes an expired key, so it ends within dbsize rounds. */
  for (;;) {
    st_entry *e = (st_entry *)dict_random(&c->db->keys);
    if (e == NULL) return reply_null_bulk(&c->out);
    size_t klen;
    const unsigned char *k = entry_key(e, &klen);
    int64_t t = entry_expire(e);
    if (t >= 0 && t <= c->st->now_ms) {
      db_find(c, c->db, k, klen); /* expires it */
      continue;
    }
    return reply_bulk(&c->out, k, klen);
  }
}

void cmd_dbsize(st_client *c) { reply_int(&c->out, (long long)dict_size(&c->db->keys)); }

/* ------------------------------------------------------------------------------ renaming */

/* LOCAL HELPER (until db.c offers one): make e an empty string so that db_delete_entry
 * removes it without freeing the value it held, which the caller has handed elsewhere. */
static void detach_value(st_client *c, st_entry *e) {
  unsigned type = entry_type(e);
  entry_retag(&c->st->mem, type, ST_STRING, e);
  e->val = NULL;
  e->vlen = 0;
  e->meta = (e->meta & ~0xffu) | ((unsigned)ST_STRING << 4) | ENC_RAW;
}

/* Move src's value (and TTL) onto an existing entry dst of the same db, then drop src: what
 * RENAME does over an existing key, without the free + add that could fail half way. */
static st_entry *take_over(st_client *c, st_entry *src, st_entry *dst) {
  int64_t ttl = entry_expire(src);
  uint8_t raw = src->flags & E_RAWSTR;
  dst = db_replace_value_ttl(c, c->db, dst, entry_type(src), entry_enc(src), src->val, src->vlen,
                             entry_val_tier(src), ttl >= 0 ? ttl : DB_TTL_NONE);
  if (dst == NULL) return NULL;
  dst->flags |= raw;
  detach_value(c, src);
  db_delete_entry(c, c->db, src);
  return dst;
}

static void rename_generic(st_client *c, int nx) {
  int same = same_bytes(&c->argv[1], &c->argv[2]);
  st_entry *e = lookup_write(c, &c->argv[1]);
  if (e == NULL) return reply_error(&c->out, "%s", ERR_NO_SUCH_KEY);
  if (same) return nx ? reply_int(&c->out, 0) : reply_simple(&c->out, "OK");
  st_entry *d = lookup_overwrite(c, &c->argv[2]); /* only replaced: the hook runs there */
  if (d != NULL) {
    if (nx) return reply_int(&c->out, 0);
    if (take_over(c, e, d) == NULL) return reply_oom(c);
  } else if (db_rekey(c, c->db, e, c->db, c->argv[2].ptr, c->argv[2].len, 1) == NULL) {
    return reply_oom(c);
  }
  if (nx)
    reply_int(&c->out, 1);
  else
    reply_simple(&c->out, "OK");
}

void cmd_rename(st_client *c) { rename_generic(c, 0); }
void cmd_renamenx(st_client *c) { rename_generic(c, 1); }

void cmd_move(st_client *c) {
  st_db *src = c->db, *dst = arg_db(c, 2);
  if (dst == NULL) return;
  if (src == dst) return reply_error(&c->out, "ERR source and destination objects are the same");
  st_entry *e = lookup_write(c, &c->argv[1]);
  if (e == NULL) return reply_int(&c->out, 0);
  c->db = dst;
  st_entry *there = lookup_write(c, &c->argv[1]);
  c->db = src;
  if (there != NULL) return reply_int(&c->out, 0);
  if (db_rekey(c, src, e, dst, c->argv[1].ptr, c->argv[1].len, 1) == NULL) return reply_oom(c);
  reply_int(&c->out, 1);
}

/* COPY's commit into dst (c->db is dst here), d the existing key or NULL. */
static int copy_commit(st_client *c, st_db *dst, st_entry *d, const st_entry *e, str_val *v) {
  int64_t ttl = entry_expire(e);
  unsigned type = entry_type(e);
  uint8_t raw = e->flags & E_RAWSTR;
  st_entry *n;
  if (d != NULL) {
    n = db_replace_value_ttl(c, dst, d, type, v->enc, v->val, v->vlen, v->tier,
                             ttl >= 0 ? ttl : DB_TTL_NONE);
    if (n == NULL) return -1;
  } else {
    n = db_add(c, dst, c->argv[2].ptr, c->argv[2].len, type, v->enc, v->val, v->vlen, v->tier);
    if (n == NULL) return -1;
    if (ttl >= 0) {
      st_entry *m = db_set_expire(c, dst, n, ttl);
      if (m == NULL) {
        detach_value(c, n); /* the value stays the caller's */
        db_delete_entry(c, dst, n);
        return -1;
      }
      n = m;
    }
  }
  n->flags |= raw;
  return 0;
}

void cmd_copy(st_client *c) {
  st_db *src = c->db, *dst = c->db;
  int replace = 0;
  for (int j = 3; j < c->argc; j++) {
    if (arg_is(c, j, "replace")) {
      replace = 1;
    } else if (arg_is(c, j, "db") && c->argc - j - 1 >= 1) {
      if ((dst = arg_db(c, j + 1)) == NULL) return;
      j++;
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  if (src == dst && same_bytes(&c->argv[1], &c->argv[2]))
    return reply_error(&c->out, "ERR source and destination objects are the same");
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e == NULL) return reply_int(&c->out, 0);
  c->db = dst; /* the lookup and the db_* calls act on the destination */
  st_entry *d = lookup_overwrite(c, &c->argv[2]); /* only replaced: the hook runs there */
  c->db = src;
  if (d != NULL && !replace) return reply_int(&c->out, 0);
  str_val v;
  if (obj_dup(c->st, e, &v) != 0) return reply_oom(c);
  c->db = dst;
  int rc = copy_commit(c, dst, d, e, &v);
  c->db = src;
  if (rc != 0) {
    obj_dup_free(c->st, entry_type(e), &v);
    return reply_oom(c);
  }
  reply_int(&c->out, 1);
}

/* ------------------------------------------------------------------------------ databases */

void cmd_select(st_client *c) {
  st_db *db = arg_db(c, 1);
  if (db == NULL) return;
  c->db = db;
  reply_simple(&c->out, "OK");
}

/* SWAPDB: the two dbs trade contents (keyspace and expiry index); clients stay on their
 * index and so see the other data, as in Redis. */
void cmd_swapdb(st_client *c) {
  int a, b;
  if (arg_int(c, 1, &a, "ERR invalid first DB index") != 0) return;
  if (arg_int(c, 2, &b, "ERR invalid second DB index") != 0) return;
  if (a < 0 || a >= c->st->ndb || b < 0 || b >= c->st->ndb)
    return reply_error(&c->out, "%s", ERR_DB_INDEX);
  if (a != b) {
    snapshot_swapdb(c->st, a, b);
    st_db *x = &c->st->dbs[a], *y = &c->st->dbs[b];
    watch_db_emptied(c->st, x, y);
    watch_db_emptied(c->st, y, x);
    st_db t = *x;
    x->keys = y->keys;
    x->expires = y->expires;
    x->avg_ttl = y->avg_ttl;
    y->keys = t.keys;
    y->expires = t.expires;
    y->avg_ttl = t.avg_ttl;
    blk_signal_db(c->st, x);
    blk_signal_db(c->st, y);
  }
  store_dirty(c, 1);
  reply_simple(&c->out, "OK");
}

static int flush_args(st_client *c) {
  if (c->argc == 1 || (c->argc == 2 && (arg_is(c, 1, "sync") || arg_is(c, 1, "async")))) return 0;
  reply_error(&c->out, "%s", ERR_SYNTAX);
  return -1;
}

/* FLUSHDB / FLUSHALL [ASYNC|SYNC]: SYNC frees every key now (O(n), as in Redis); ASYNC empties
 * the db at once and frees its keys in bounded background steps (lazyfree.c). */
static void flush(st_client *c, st_db *db) {
  watch_db_emptied(c->st, db, NULL);
  if (c->argc == 2 && arg_is(c, 1, "async"))
    lazy_flush_db(c, db);
  else
    db_flush(c, db);
}

/* After a SYNC flush the freed pages go back to the OS at once, as Redis 7.0 purges jemalloc
 * there; an ASYNC flush is purged by the cron once its background free is done (purge.h). */
static void purge_after_sync(st_client *c) {
  if (!(c->argc == 2 && arg_is(c, 1, "async"))) purge_now(c->st);
}

void cmd_flushdb(st_client *c) {
  if (flush_args(c) != 0) return;
  flush(c, c->db);
  purge_after_sync(c);
  reply_simple(&c->out, "OK");
}

void cmd_flushall(st_client *c) {
  if (flush_args(c) != 0) return;
  for (int i = 0; i < c->st->ndb; i++) flush(c, &c->st->dbs[i]);
  purge_after_sync(c);
  reply_simple(&c->out, "OK");
}

/* ------------------------------------------------------------------------------ OBJECT */

/* The key for OBJECT: looked up without touching its access clock (Redis's LOOKUP_NOTOUCH). */
static st_entry *object_key(st_client *c) {
  st_entry *e = db_find(c, c->db, c->argv[2].ptr, c->argv[2].len);
  if (e == NULL) reply_null_bulk(&c->out);
  return e;
}

void cmd_object_encoding(st_client *c) {
  st_entry *e = object_key(c);
  if (e != NULL) reply_bulk_cstr(&c->out, obj_encoding_name(e));
}

/* Redis shares the integers 0..9999 and reports them with its "shared" refcount. */
#define SHARED_REFCOUNT 2147483647
#define SHARED_INTEGERS 10000

void cmd_object_refcount(st_client *c) {
  st_entry *e = object_key(c);
  if (e == NULL) return;
  int shared = entry_enc(e) == ENC_INT && entry_int(e) >= 0 && entry_int(e) < SHARED_INTEGERS;
  reply_int(&c->out, shared ? SHARED_REFCOUNT : 1);
}

#define CLOCK_SWITCH_NOTE                                                                        \
  "Please note that when switching between policies at runtime LRU and LFU data will take some " \
  "time to adjust."

/* Seconds since the last access, from the entry's LRU clock (access.h). */
void cmd_object_idletime(st_client *c) {
  st_entry *e = object_key(c);
  if (e == NULL) return;
  if (store_lfu(c->st)) {
    reply_error(
        &c->out,
        "ERR An LFU maxmemory policy is selected, idle time not tracked. " CLOCK_SWITCH_NOTE);
    return;
  }
  reply_int(&c->out, (long long)(access_idle_ms(c->st, e) / 1000));
}

/* The LFU counter after its decay (Redis's LFUDecrAndReturn). */
void cmd_object_freq(st_client *c) {
  st_entry *e = object_key(c);
  if (e == NULL) return;
  if (!store_lfu(c->st)) {
    reply_error(&c->out, "ERR An LFU maxmemory policy is not selected, access frequency not "
                         "tracked. " CLOCK_SWITCH_NOTE);
    return;
  }
  reply_int(&c->out, (long long)access_lfu_count(c->st, e));
}

void cmd_object_help(st_client *c) {
  static const char *const lines[] = {
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    NULL
  };
  reply_help(c, "OBJECT", lines);
}
