/* t_string.c - the string type: its value lifecycle and its commands.
 *
 * Encodings. ENC_INT: a canonical int64 (what Redis's tryObjectEncoding turns into an int),
 * held in the entry's val, no block. ENC_RAW: a TM_CAT_DATA block of exactly vlen bytes,
 * routed by the threshold (the empty string has no block: val NULL). E_RAWSTR marks strings
 * that APPEND or SETRANGE made, which Redis reports as "raw" whatever their length.
 *
 * Every command allocates what it needs first, then commits: an OOM leaves the keyspace as it
 * was and replies the OOM error. Replies come after the last step that can fail. */
#include <limits.h>
#include <math.h>

#include "snapshot.h"
#include "store.h"
#include "util.h"

/* ------------------------------------------------------------------------------ values */

void str_free(st_store *st, st_entry *e) {
  if (entry_enc(e) == ENC_RAW && e->val != NULL)
    sm_free(&st->mem, ST_STRING, TM_CAT_DATA, e->val, e->vlen, entry_val_tier(e));
}

size_t str_usage(st_store *st, const st_entry *e) {
  if (entry_enc(e) != ENC_RAW || e->val == NULL) return 0;
  return sm_usable(&st->mem, entry_val_tier(e), e->val, e->vlen);
}

const unsigned char *str_bytes(const st_entry *e, char buf[STR_INTBUF], size_t *len) {
  if (entry_enc(e) == ENC_INT) {
    *len = (size_t)ll2string(buf, STR_INTBUF, entry_int(e));
    return (const unsigned char *)buf;
  }
  *len = e->vlen;
  return e->val != NULL ? (const unsigned char *)e->val : (const unsigned char *)"";
}

size_t str_len(const st_entry *e) {
  if (entry_enc(e) != ENC_INT) return e->vlen;
  char buf[STR_INTBUF];
  return (size_t)ll2string(buf, sizeof buf, entry_int(e));
}

/* The largest string the store holds: proto-max-bulk-len, and vlen's 32 bits. */
uint64_t str_max_len(const st_store *st) {
  uint64_t m = st->cfg.proto_max_bulk_len > 0 ? (uint64_t)st->cfg.proto_max_bulk_len : 0;
  return m < UINT32_MAX ? m : UINT32_MAX;
}

/* Redis's checkStringLength: base + add within the limit (no wrap-around). */
static int check_len(st_client *c, uint64_t base, uint64_t add) {
  if (base > str_max_len(c->st) || add > str_max_len(c->st) - base) {
    reply_error(&c->out, "%s", ERR_MAX_SIZE);
    return -1;
  }
  return 0;
}

/* A raw block of len bytes copied from p (p may be NULL: left uninitialized). */
int str_raw_alloc(st_store *st, const void *p, size_t len, str_val *v) {
  v->enc = ENC_RAW;
  v->vlen = (uint32_t)len;
  v->tier = TM_DRAM;
  v->val = NULL;
  if (len == 0) return 0;
  v->val = sm_alloc(&st->mem, ST_STRING, TM_CAT_DATA, len, &v->tier);
  if (v->val == NULL) return -1;
  if (p != NULL) memcpy(v->val, p, len);
  return 0;
}

int str_make(st_store *st, const void *p, size_t len, str_val *v) {
  long long ll;
  if (len <= 20 && string2ll((const char *)p, len, &ll)) {
    v->enc = ENC_INT;
    v->val = (void *)(intptr_t)ll;
    v->vlen = 0;
    v->tier = TM_DRAM;
    return 0;
  }
  return str_raw_alloc(st, p, len, v);
}

void str_val_free(st_store *st, str_val *v) {
  if (v->enc == ENC_RAW && v->val != NULL)
    sm_free(&st->mem, ST_STRING, TM_CAT_DATA, v->val, v->vlen, v->tier);
  v->val = NULL;
}

int str_dup(st_store *st, const st_entry *e, str_val *v) {
  if (entry_enc(e) == ENC_INT) {
    v->enc = ENC_INT;
    v->val = e->val;
    v->vlen = 0;
    v->tier = TM_DRAM;
    return 0;
  }
  return str_raw_alloc(st, e->val, e->vlen, v);
}

/* Whether a raw string of len bytes can overwrite e's block in place: exactly what free +
 * alloc would give (the same size class, on the tier routing picks for len now). */
static int overwrite_in_place(st_store *st, const st_entry *e, size_t len) {
  if (entry_type(e) != ST_STRING || entry_enc(e) != ENC_RAW || e->val == NULL || len == 0) return 0;
  return tm_size_class(len) == tm_size_class(e->vlen) &&
         (uint8_t)tm_route(st->mem.heap, len) == entry_val_tier(e);
}

st_entry *str_set_val(st_client *c, st_entry *e, const resp_arg *key, str_val *v, int keep_ttl,
                      int64_t when_ms) {
  st_db *db = c->db;
  if (e == NULL) {
    st_entry *n = db_add(c, db, key->ptr, key->len, ST_STRING, v->enc, v->val, v->vlen, v->tier);
    if (n == NULL) return NULL;
    if (when_ms >= 0) {
      st_entry *m = db_set_expire(c, db, n, when_ms);
      if (m == NULL) {
        /* Undo the add without freeing the caller's value. */
        n->val = NULL;
        n->vlen = 0;
        entry_set_enc(n, ENC_RAW);
        db_delete_entry(c, db, n);
        return NULL;
      }
      n = m;
    }
    return n;
  }
  int64_t ttl = when_ms >= 0 ? when_ms : keep_ttl ? DB_TTL_KEEP : DB_TTL_NONE;
  return db_replace_value_ttl(c, db, e, ST_STRING, v->enc, v->val, v->vlen, v->tier, ttl);
}

st_entry *str_set(st_client *c, st_entry *e, const resp_arg *key, const void *p, size_t len,
                  int keep_ttl, int64_t when_ms) {
  st_store *st = c->st;
  long long ll;
  /* Not on an entry owed to a snapshot: db_replace_value lets it keep the old block. */
  if (e != NULL && when_ms < 0 && !snapshot_owes(st, e) && overwrite_in_place(st, e, len) &&
      !(len <= 20 && string2ll((const char *)p, len, &ll))) {
    memcpy(e->val, p, len);
    e->vlen = (uint32_t)len;
    e->flags &= (uint8_t)~E_RAWSTR;
    if (!keep_ttl) db_persist(c->db, e);
    key_modified(c, c->db, e);
    return e;
  }
  str_val v;
  if (str_make(st, p, len, &v) != 0) return NULL;
  st_entry *n = str_set_val(c, e, key, &v, keep_ttl, when_ms);
  if (n == NULL) str_val_free(st, &v);
  return n;
}

void reply_str(st_client *c, const st_entry *e) {
  char buf[STR_INTBUF];
  size_t len;
  const unsigned char *p = str_bytes(e, buf, &len);
  reply_bulk(&c->out, p, len);
}

/* ------------------------------------------------------------------------------ expiry */

int64_t str_expire_arg(st_client *c, int i, int unit_s, int relative) {
  long long v;
  if (arg_ll(c, i, &v) != 0) return -1;
  if (v <= 0 || (unit_s && v > INT64_MAX / 1000)) goto invalid;
  if (unit_s) v *= 1000;
  if (relative) {
    if (v > INT64_MAX - c->st->now_ms) goto invalid; /* Redis: the sum wraps to <= 0 */
    v += c->st->now_ms;
  }
  return v;
invalid:
  reply_error(&c->out, "ERR invalid expire time in '%s' command", c->cmd->name);
  return -1;
}

/* The SET / GETEX option parser (Redis's parseExtendedStringArgumentsOrReply): a repeated
 * option is accepted (the last value wins), conflicting ones are a syntax error. */
enum {
  O_NX = 1,
  O_XX = 2,
  O_GET = 4,
  O_KEEPTTL = 8,
  O_PERSIST = 16,
  O_EX = 32,
  O_PX = 64,
  O_EXAT = 128,
  O_PXAT = 256
};
#define O_ANY_EXPIRE (O_EX | O_PX | O_EXAT | O_PXAT)

static int expire_unit(const resp_arg *a) {
  if (arg_eq(a, "ex")) return O_EX;
  if (arg_eq(a, "px")) return O_PX;
  if (arg_eq(a, "exat")) return O_EXAT;
  if (arg_eq(a, "pxat")) return O_PXAT;
  return 0;
}

static int parse_ext(st_client *c, int first, int is_set, int *flags, int *exp_arg) {
  for (int j = first; j < c->argc; j++) {
    const resp_arg *a = &c->argv[j];
    int f = *flags, unit;
    if (is_set && arg_eq(a, "nx") && !(f & O_XX)) {
      *flags |= O_NX;
    } else if (is_set && arg_eq(a, "xx") && !(f & O_NX)) {
      *flags |= O_XX;
    } else if (is_set && arg_eq(a, "get")) {
      *flags |= O_GET;
    } else if (is_set && arg_eq(a, "keepttl") && !(f & (O_PERSIST | O_ANY_EXPIRE))) {
      *flags |= O_KEEPTTL;
    } else if (!is_set && arg_eq(a, "persist") && !(f & (O_ANY_EXPIRE | O_KEEPTTL))) {
      *flags |= O_PERSIST;
    } else if ((unit = expire_unit(a)) != 0 && j + 1 < c->argc &&
               !(f & (O_KEEPTTL | O_PERSIST | (O_ANY_EXPIRE & ~unit)))) {
      *flags |= unit;
      *exp_arg = ++j;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return -1;
    }
  }
  return 0;
}

static int64_t ext_expire(st_client *c, int flags, int exp_arg) {
  return str_expire_arg(c, exp_arg, (flags & (O_EX | O_EXAT)) != 0, (flags & (O_EX | O_PX)) != 0);
}

/* ------------------------------------------------------------------------------ commands */

/* Redis's getGenericCommand lookup: NULL if missing; *err = 1 after a WRONGTYPE reply. */
static st_entry *get_generic(st_client *c, int *err) {
  st_entry *e = lookup_read(c, &c->argv[1]);
  *err = 0;
  if (e != NULL && check_type(c, e, ST_STRING)) {
    *err = 1;
    return NULL;
  }
  return e;
}

void cmd_get(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_STRING, MISS_NULL);
  if (e != NULL) reply_str(c, e);
}

/* SET ... GET: the old value goes out before it is replaced; if the replacement then fails
 * (OOM setting the TTL), that reply is taken back and the OOM error goes instead. */
static void set_get(st_client *c, st_entry *e, int keep, int64_t when) {
  const resp_arg *val = &c->argv[2];
  str_val v;
  if (str_make(c->st, val->ptr, val->len, &v) != 0) return reply_oom(c);
  reply_pos before;
  reply_mark(&c->out, &before);
  if (e == NULL)
    reply_null_bulk(&c->out);
  else
    reply_str(c, e);
  if (str_set_val(c, e, &c->argv[1], &v, keep, when) == NULL) {
    reply_truncate(&c->out, &before);
    str_val_free(c->st, &v);
    return reply_oom(c);
  }
}

void cmd_set(st_client *c) {
  int flags = 0, exp_arg = 0;
  if (parse_ext(c, 3, 1, &flags, &exp_arg) != 0) return;
  int64_t when = -1;
  if (flags & O_ANY_EXPIRE) {
    when = ext_expire(c, flags, exp_arg);
    if (when < 0) return;
  }
  if (flags & O_GET) {
    int err;
    get_generic(c, &err);
    if (err) return;
  }
  st_entry *e = lookup_overwrite(c, &c->argv[1]);
  int keep = (flags & O_KEEPTTL) != 0;
  if (((flags & O_NX) && e != NULL) || ((flags & O_XX) && e == NULL)) {
    if ((flags & O_GET) && e != NULL)
      reply_str(c, e);
    else
      reply_null_bulk(&c->out);
    return;
  }
  if (flags & O_GET) return set_get(c, e, keep, when);
  if (str_set(c, e, &c->argv[1], c->argv[2].ptr, c->argv[2].len, keep, when) == NULL)
    return reply_oom(c);
  reply_simple(&c->out, "OK");
}

void cmd_setnx(st_client *c) {
  if (lookup_overwrite(c, &c->argv[1]) != NULL) return reply_int(&c->out, 0);
  if (str_set(c, NULL, &c->argv[1], c->argv[2].ptr, c->argv[2].len, 0, -1) == NULL)
    return reply_oom(c);
  reply_int(&c->out, 1);
}

static void setex_generic(st_client *c, int unit_s) {
  int64_t when = str_expire_arg(c, 2, unit_s, 1);
  if (when < 0) return;
  st_entry *e = lookup_overwrite(c, &c->argv[1]);
  if (str_set(c, e, &c->argv[1], c->argv[3].ptr, c->argv[3].len, 0, when) == NULL)
    return reply_oom(c);
  reply_simple(&c->out, "OK");
}

void cmd_setex(st_client *c) { setex_generic(c, 1); }
void cmd_psetex(st_client *c) { setex_generic(c, 0); }

void cmd_getset(st_client *c) {
  int err;
  st_entry *old = get_generic(c, &err);
  if (err) return;
  str_val v;
  if (str_make(c->st, c->argv[2].ptr, c->argv[2].len, &v) != 0) return reply_oom(c);
  if (old == NULL) {
    st_entry *e = lookup_write(c, &c->argv[1]);
    if (str_set_val(c, e, &c->argv[1], &v, 0, -1) == NULL) {
      str_val_free(c->st, &v);
      return reply_oom(c);
    }
    return reply_null_bulk(&c->out);
  }
  reply_str(c, old);
  str_set_val(c, old, &c->argv[1], &v, 0, -1); /* an existing key: cannot fail */
}

void cmd_getdel(st_client *c) {
  int err;
  st_entry *e = get_generic(c, &err);
  if (err) return;
  if (e == NULL) return reply_null_bulk(&c->out);
  reply_str(c, e);
  db_delete_entry(c, c->db, e);
}

void cmd_getex(st_client *c) {
  int flags = 0, exp_arg = 0;
  if (parse_ext(c, 2, 0, &flags, &exp_arg) != 0) return;
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_STRING, MISS_NULL);
  if (e == NULL) return;
  int64_t when = -1;
  if (flags & O_ANY_EXPIRE) {
    when = ext_expire(c, flags, exp_arg);
    if (when < 0) return;
  }
  if ((flags & (O_EXAT | O_PXAT)) && when <= c->st->now_ms) {
    /* An absolute time already past: the key goes, after its value is sent. */
    reply_str(c, e);
    db_delete_entry(c, c->db, e);
    return;
  }
  if (when >= 0) {
    st_entry *m = db_set_expire(c, c->db, e, when);
    if (m == NULL) return reply_oom(c);
    e = m;
  } else if ((flags & O_PERSIST) && entry_expire(e) >= 0) {
    snapshot_before_change(c->st, c->db, e, SNAP_EDIT); /* looked up for reading: no hook yet */
    db_persist(c->db, e);
    key_modified(c, c->db, e);
  }
  reply_str(c, e);
}

void cmd_mget(st_client *c) {
  reply_array(&c->out, c->argc - 1);
  for (int j = 1; j < c->argc; j++) {
    st_entry *e = lookup_read(c, &c->argv[j]);
    if (e == NULL || entry_type(e) != ST_STRING)
      reply_null_bulk(&c->out);
    else
      reply_str(c, e);
  }
}

/* MSET / MSETNX, all or nothing. Every value is built first; then the keys that are new are
 * added (the only step that can fail: on failure those are removed again, and no existing key
 * has been touched yet); then the existing ones are overwritten, which cannot fail. A key
 * named twice is added at its first occurrence and overwritten by the later ones, so the last
 * value wins, as in Redis. */
#define MSET_STACK 16
enum { MS_PENDING = 0, MS_ADDED = 1 };

static void mset_undo(st_client *c, const uint8_t *state, size_t upto) {
  for (size_t k = 0; k < upto; k++) {
    if (state[k] != MS_ADDED) continue;
    const resp_arg *key = &c->argv[1 + 2 * k];
    st_entry *e = (st_entry *)dict_find(&c->db->keys, key->ptr, key->len);
    e->val = NULL; /* the value stays the caller's: freed with the rest */
    e->vlen = 0;
    entry_set_enc(e, ENC_RAW);
    db_delete_entry(c, c->db, e);
  }
}

static void mset_generic(st_client *c, int nx) {
  st_store *st = c->st;
  if (c->argc % 2 == 0) return reply_wrong_arity(c, c->cmd->name);
  size_t pairs = (size_t)(c->argc - 1) / 2;
  if (nx) {
    for (int j = 1; j < c->argc; j += 2)
      if (lookup_overwrite(c, &c->argv[j]) != NULL) return reply_int(&c->out, 0);
  }
  str_val stack_vals[MSET_STACK];
  uint8_t stack_state[MSET_STACK];
  str_val *vals = stack_vals;
  uint8_t *state = stack_state;
  uint8_t tier = TM_DRAM;
  size_t scratch = pairs * (sizeof *vals + 1);
  if (pairs > MSET_STACK) {
    vals = sm_alloc(&st->mem, SM_STORE, TM_CAT_OTHER, scratch, &tier);
    if (vals == NULL) return reply_oom(c);
    state = (uint8_t *)(vals + pairs);
  }
  size_t built = 0;
  for (; built < pairs; built++) {
    const resp_arg *a = &c->argv[2 + 2 * built];
    if (str_make(st, a->ptr, a->len, &vals[built]) != 0) break;
    state[built] = MS_PENDING;
  }
  int oom = built < pairs;
  for (size_t i = 0; !oom && i < pairs; i++) {
    const resp_arg *key = &c->argv[1 + 2 * i];
    if (lookup_overwrite(c, key) != NULL) continue;
    if (str_set_val(c, NULL, key, &vals[i], 0, -1) == NULL) {
      mset_undo(c, state, i);
      oom = 1;
    } else {
      state[i] = MS_ADDED;
    }
  }
  if (oom) {
    for (size_t i = 0; i < built; i++) str_val_free(st, &vals[i]);
  } else {
    for (size_t i = 0; i < pairs; i++) {
      if (state[i] == MS_ADDED) continue;
      const resp_arg *key = &c->argv[1 + 2 * i];
      str_set_val(c, lookup_overwrite(c, key), key, &vals[i], 0, -1); /* exists: cannot fail */
    }
  }
  if (vals != stack_vals) sm_free(&st->mem, SM_STORE, TM_CAT_OTHER, vals, scratch, tier);
  if (oom) return reply_oom(c);
  if (nx)
    reply_int(&c->out, 1);
  else
    reply_simple(&c->out, "OK");
}

void cmd_mset(st_client *c) { mset_generic(c, 0); }
void cmd_msetnx(st_client *c) { mset_generic(c, 1); }

void cmd_strlen(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_STRING, MISS_ZERO);
  if (e != NULL) reply_int(&c->out, (long long)str_len(e));
}

/* Redis's dbUnshareStringValue + sdsgrowzero: an int is printed into a new block, a block
 * grows with sm_realloc, the tail is zeroed, and the entry is marked raw. */
int str_grow_zero(st_client *c, st_entry *e, size_t new_len) {
  st_store *st = c->st;
  if (entry_enc(e) == ENC_INT) {
    char buf[STR_INTBUF];
    size_t n;
    const unsigned char *p = str_bytes(e, buf, &n);
    str_val v;
    if (str_raw_alloc(st, NULL, new_len > n ? new_len : n, &v) != 0) return -1;
    memcpy(v.val, p, n);
    if (v.vlen > n) memset((char *)v.val + n, 0, v.vlen - n);
    e->val = v.val; /* an int owns no block: nothing to free */
    e->vlen = v.vlen;
    entry_set_enc(e, ENC_RAW);
    entry_set_val_tier(e, v.tier);
  } else if (new_len > e->vlen) {
    uint8_t tier = entry_val_tier(e);
    void *p = sm_realloc(&st->mem, ST_STRING, TM_CAT_DATA, e->val, e->vlen, new_len, &tier);
    if (p == NULL) return -1;
    memset((char *)p + e->vlen, 0, new_len - e->vlen);
    e->val = p;
    e->vlen = (uint32_t)new_len;
    entry_set_val_tier(e, tier);
  }
  e->flags |= E_RAWSTR;
  return 0;
}

void cmd_append(st_client *c) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_STRING, &wrong);
  if (wrong) return;
  const resp_arg *add = &c->argv[2];
  if (e == NULL) {
    e = str_set(c, NULL, &c->argv[1], add->ptr, add->len, 0, -1);
    if (e == NULL) return reply_oom(c);
    return reply_int(&c->out, (long long)str_len(e));
  }
  size_t old = str_len(e);
  if (check_len(c, old, add->len) != 0) return;
  if (str_grow_zero(c, e, old + add->len) != 0) return reply_oom(c);
  if (add->len > 0) memcpy((char *)e->val + old, add->ptr, add->len);
  key_modified(c, c->db, e);
  reply_int(&c->out, (long long)e->vlen);
}

void cmd_setrange(st_client *c) {
  long long offset;
  if (arg_ll(c, 2, &offset) != 0) return;
  if (offset < 0) return reply_error(&c->out, "ERR offset is out of range");
  const resp_arg *val = &c->argv[3];
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_STRING, &wrong);
  if (wrong) return;
  if (e == NULL) {
    if (val->len == 0) return reply_int(&c->out, 0);
    if (check_len(c, (uint64_t)offset, val->len) != 0) return;
    size_t total = (size_t)offset + val->len;
    str_val v;
    if (str_raw_alloc(c->st, NULL, total, &v) != 0) return reply_oom(c);
    memset(v.val, 0, (size_t)offset);
    memcpy((char *)v.val + offset, val->ptr, val->len);
    e = str_set_val(c, NULL, &c->argv[1], &v, 0, -1);
    if (e == NULL) {
      str_val_free(c->st, &v);
      return reply_oom(c);
    }
    e->flags |= E_RAWSTR;
    return reply_int(&c->out, (long long)total);
  }
  size_t olen = str_len(e);
  if (val->len == 0) return reply_int(&c->out, (long long)olen);
  if (check_len(c, (uint64_t)offset, val->len) != 0) return;
  size_t need = (size_t)offset + val->len;
  if (str_grow_zero(c, e, need > olen ? need : olen) != 0) return reply_oom(c);
  memcpy((char *)e->val + offset, val->ptr, val->len);
  key_modified(c, c->db, e);
  reply_int(&c->out, (long long)e->vlen);
}

void cmd_getrange(st_client *c) {
  long long start, end;
  if (arg_ll(c, 2, &start) != 0 || arg_ll(c, 3, &end) != 0) return;
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e == NULL) return reply_bulk(&c->out, "", 0);
  if (check_type(c, e, ST_STRING)) return;
  char buf[STR_INTBUF];
  size_t n;
  const unsigned char *p = str_bytes(e, buf, &n);
  long long len = (long long)n;
  if (start < 0 && end < 0 && start > end) return reply_bulk(&c->out, "", 0);
  /* start + len cannot overflow: start < 0 here and len < 2^32. */
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return reply_bulk(&c->out, "", 0);
  reply_bulk(&c->out, p + start, (size_t)(end - start + 1));
}

/* ------------------------------------------------------------------------------ counters */

static void incr_generic(st_client *c, long long incr) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_STRING, &wrong);
  if (wrong) return;
  long long value = 0;
  if (e != NULL) {
    if (entry_enc(e) == ENC_INT) {
      value = entry_int(e);
    } else if (!string2ll((const char *)(e->val ? e->val : ""), e->vlen, &value)) {
      return reply_error(&c->out, "%s", ERR_NOT_INT);
    }
  }
  if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
      (incr > 0 && value > 0 && incr > LLONG_MAX - value))
    return reply_error(&c->out, "%s", ERR_OVERFLOW);
  value += incr;
  if (e == NULL) {
    if (db_add(c, c->db, c->argv[1].ptr, c->argv[1].len, ST_STRING, ENC_INT,
               (void *)(intptr_t)value, 0, TM_DRAM) == NULL)
      return reply_oom(c);
  } else if (entry_enc(e) == ENC_INT) {
    entry_set_int(e, value);
    key_modified(c, c->db, e);
  } else {
    /* Redis stores the result as an int whatever the old encoding was. */
    db_replace_value(c, c->db, e, ST_STRING, ENC_INT, (void *)(intptr_t)value, 0, TM_DRAM);
  }
  reply_int(&c->out, value);
}

void cmd_incr(st_client *c) { incr_generic(c, 1); }
void cmd_decr(st_client *c) { incr_generic(c, -1); }

void cmd_incrby(st_client *c) {
  long long n;
  if (arg_ll(c, 2, &n) == 0) incr_generic(c, n);
}

void cmd_decrby(st_client *c) {
  long long n;
  if (arg_ll(c, 2, &n) != 0) return;
  if (n == LLONG_MIN) return reply_error(&c->out, "ERR decrement would overflow");
  incr_generic(c, -n);
}

void cmd_incrbyfloat(st_client *c) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_STRING, &wrong);
  if (wrong) return;
  long double value = 0, incr;
  if (e != NULL) {
    if (entry_enc(e) == ENC_INT) {
      value = (long double)entry_int(e);
    } else if (!string2ld((const char *)(e->val ? e->val : ""), e->vlen, &value)) {
      return reply_error(&c->out, "%s", ERR_NOT_FLOAT);
    }
  }
  if (!string2ld((const char *)c->argv[2].ptr, c->argv[2].len, &incr))
    return reply_error(&c->out, "%s", ERR_NOT_FLOAT);
  value += incr;
  if (isnan(value) || isinf(value))
    return reply_error(&c->out, "ERR increment would produce NaN or Infinity");
  char buf[MAX_LONG_DOUBLE_CHARS];
  int n = ld2string(buf, sizeof buf, value, LD_STR_HUMAN);
  /* Redis keeps the printed number as a string (embstr/raw), never as an int. */
  str_val v;
  if (str_raw_alloc(c->st, buf, (size_t)n, &v) != 0) return reply_oom(c);
  if (str_set_val(c, e, &c->argv[1], &v, 1, -1) == NULL) {
    str_val_free(c->st, &v);
    return reply_oom(c);
  }
  reply_bulk(&c->out, buf, (size_t)n);
}

/* ------------------------------------------------------------------------------ LCS */

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: Redis's dynamic programming
 * table of (alen+1)*(blen+1) uint32 cells, through sm and bounded by proto-max-bulk-len as
 * Redis bounds it. The IDX ranges are walked twice, to count them and then to send them, in
 * place of a deferred array length. */
typedef struct lcs_ctx {
  const unsigned char *a, *b;
  uint32_t alen, blen;
  const uint32_t *t;
  long long minmatchlen;
  int withmatchlen;
} lcs_ctx;

static inline uint32_t lcs_at(const lcs_ctx *x, uint32_t i, uint32_t j) {
  return x->t[(size_t)j + (size_t)i * ((size_t)x->blen + 1)];
}

/* Redis's backtrack: writes the LCS string into out (if not NULL), and with want_ranges
 * counts the ranges (sending them when emit). Returns the number of ranges. */
static uint32_t lcs_walk(st_client *c, const lcs_ctx *x, unsigned char *out, int want_ranges,
                         int emit) {
  uint32_t i = x->alen, j = x->blen, idx = lcs_at(x, x->alen, x->blen), ranges = 0;
  uint32_t as = x->alen, ae = 0, bs = 0, be = 0; /* as == alen: no range open */
  while (i > 0 && j > 0) {
    int emit_range = 0;
    if (x->a[i - 1] == x->b[j - 1]) {
      if (out != NULL) out[idx - 1] = x->a[i - 1];
      if (as == x->alen) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as == i && bs == j) {
        as--;
        bs--;
      } else {
        emit_range = 1;
      }
      if (as == 0 || bs == 0) emit_range = 1;
      idx--;
      i--;
      j--;
    } else {
      if (lcs_at(x, i - 1, j) > lcs_at(x, i, j - 1))
        i--;
      else
        j--;
      if (as != x->alen) emit_range = 1;
    }
    uint32_t mlen = ae - as + 1;
    if (emit_range) {
      if (want_ranges && (x->minmatchlen == 0 || mlen >= x->minmatchlen)) {
        if (emit) {
          reply_array(&c->out, 2 + x->withmatchlen);
          reply_array(&c->out, 2);
          reply_int(&c->out, as);
          reply_int(&c->out, ae);
          reply_array(&c->out, 2);
          reply_int(&c->out, bs);
          reply_int(&c->out, be);
          if (x->withmatchlen) reply_int(&c->out, mlen);
        }
        ranges++;
      }
      as = x->alen;
    }
  }
  return ranges;
}

static void lcs_fill(const lcs_ctx *x, uint32_t *t) {
  size_t w = (size_t)x->blen + 1;
  for (uint32_t i = 0; i <= x->alen; i++) {
    for (uint32_t j = 0; j <= x->blen; j++) {
      uint32_t v;
      if (i == 0 || j == 0)
        v = 0;
      else if (x->a[i - 1] == x->b[j - 1])
        v = t[(j - 1) + (i - 1) * w] + 1;
      else {
        uint32_t l1 = t[j + (i - 1) * w], l2 = t[(j - 1) + i * w];
        v = l1 > l2 ? l1 : l2;
      }
      t[j + i * w] = v;
    }
  }
}

void cmd_lcs(st_client *c) {
  st_store *st = c->st;
  st_entry *ea = lookup_read(c, &c->argv[1]);
  st_entry *eb = lookup_read(c, &c->argv[2]);
  if ((ea != NULL && entry_type(ea) != ST_STRING) || (eb != NULL && entry_type(eb) != ST_STRING))
    return reply_error(&c->out, "ERR The specified keys must contain string values");
  int getlen = 0, getidx = 0;
  lcs_ctx x;
  memset(&x, 0, sizeof x);
  for (int j = 3; j < c->argc; j++) {
    if (arg_is(c, j, "idx")) {
      getidx = 1;
    } else if (arg_is(c, j, "len")) {
      getlen = 1;
    } else if (arg_is(c, j, "withmatchlen")) {
      x.withmatchlen = 1;
    } else if (arg_is(c, j, "minmatchlen") && j + 1 < c->argc) {
      if (arg_ll(c, j + 1, &x.minmatchlen) != 0) return;
      if (x.minmatchlen < 0) x.minmatchlen = 0;
      j++;
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  if (getlen && getidx)
    return reply_error(&c->out,
                       "ERR If you want both the length and indexes, please just use IDX.");
  char abuf[STR_INTBUF], bbuf[STR_INTBUF];
  size_t alen = 0, blen = 0;
  x.a = ea ? str_bytes(ea, abuf, &alen) : (const unsigned char *)"";
  x.b = eb ? str_bytes(eb, bbuf, &blen) : (const unsigned char *)"";
  if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1)
    return reply_error(&c->out, "ERR String too long for LCS");
  x.alen = (uint32_t)alen;
  x.blen = (uint32_t)blen;
  uint64_t cells = ((uint64_t)alen + 1) * ((uint64_t)blen + 1); /* both < 2^32: no wrap */
  if (cells > UINT64_MAX / sizeof(uint32_t) ||
      cells * sizeof(uint32_t) > (uint64_t)st->cfg.proto_max_bulk_len)
    return reply_error(&c->out, "ERR Insufficient memory, transient memory for LCS exceeds "
                                "proto-max-bulk-len");
  size_t table = (size_t)cells * sizeof(uint32_t);
  size_t bytes = table + alen; /* the table, then room for the LCS string */
  uint8_t tier;
  uint32_t *t = sm_alloc(&st->mem, SM_STORE, TM_CAT_OTHER, bytes, &tier);
  if (t == NULL)
    return reply_error(&c->out,
                       "ERR Insufficient memory, failed allocating transient memory for LCS");
  lcs_fill(&x, t);
  x.t = t;
  uint32_t total = lcs_at(&x, x.alen, x.blen);
  if (getidx) {
    reply_array(&c->out, 4); /* RESP2 rendering of the map {matches, len} */
    reply_bulk(&c->out, "matches", 7);
    reply_array(&c->out, lcs_walk(c, &x, NULL, 1, 0));
    lcs_walk(c, &x, NULL, 1, 1);
    reply_bulk(&c->out, "len", 3);
    reply_int(&c->out, total);
  } else if (getlen) {
    reply_int(&c->out, total);
  } else {
    unsigned char *s = (unsigned char *)t + table;
    lcs_walk(c, &x, s, 0, 0);
    reply_bulk(&c->out, s, total);
  }
  sm_free(&st->mem, SM_STORE, TM_CAT_OTHER, t, bytes, tier);
}

/* SUBSTR: GETRANGE's old name, the same command. */
void cmd_substr(st_client *c) { cmd_getrange(c); }
