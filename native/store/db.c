/* db.c - databases: lookups with lazy expiry, add/delete/rekey, TTLs, the mutation hooks. */
#include "access.h"
#include "blocking.h"
#include "aof.h"
#include "entry.h"
#include "expires.h"
#include "migrate.h"
#include "snapshot.h"
#include "store.h"

static inline int expired(const st_store *st, const st_entry *e) {
  int64_t t = entry_expire(e);
  return t >= 0 && t <= st->now_ms;
}

static void expire_now(st_client *c, st_db *db, st_entry *e) {
  c->st->stats.expired_keys++;
  aof_expired(c, db, e);
  db_delete_entry(c, db, e);
}

st_entry *db_find(st_client *c, st_db *db, const void *key, size_t len) {
  st_entry *e = (st_entry *)dict_find(&db->keys, key, len);
  if (e != NULL && expired(c->st, e)) {
    expire_now(c, db, e);
    return NULL;
  }
  return e;
}

st_entry *lookup_read(st_client *c, const resp_arg *key) {
  st_entry *e = db_find(c, c->db, key->ptr, key->len);
  if (e == NULL) {
    c->st->stats.keyspace_misses++;
    return NULL;
  }
  st_store *st = c->st;
  st->stats.keyspace_hits++;
  gate_note_read(e);
  /* Reads by tier (an integer or an empty string lives in its DRAM entry); a hot PMem value
   * may be promoted once the command is done. */
  if (e->val != NULL && mig_value_tier(e) == TM_PMEM && entry_enc(e) != ENC_INT) {
    st->stats.pmem_read_hits++;
    uint64_t idle = store_lfu(st) ? 0 : access_idle_ms(st, e);
    access_touch(st, e);
    mig_note_read(st, c->db, e, idle);
  } else {
    st->stats.dram_read_hits++;
    access_touch(st, e);
  }
  return e;
}

st_entry *lookup_write(st_client *c, const resp_arg *key) {
  st_entry *e = db_find(c, c->db, key->ptr, key->len);
  if (e != NULL) {
    snapshot_before_change(c->st, c->db, e, SNAP_EDIT);
    access_touch(c->st, e);
  }
  return e;
}

st_entry *lookup_overwrite(st_client *c, const resp_arg *key) {
  st_entry *e = db_find(c, c->db, key->ptr, key->len);
  if (e != NULL) access_touch(c->st, e);
  return e;
}

int check_type(st_client *c, const st_entry *e, unsigned type) {
  if (entry_type(e) == type) return 0;
  reply_error(&c->out, "%s", ERR_WRONGTYPE);
  return 1;
}

st_entry *lookup_read_or_reply(st_client *c, const resp_arg *key, unsigned type, st_miss miss) {
  st_entry *e = lookup_read(c, key);
  if (e == NULL) {
    switch (miss) {
      case MISS_NULL: reply_null_bulk(&c->out); break;
      case MISS_ZERO: reply_int(&c->out, 0); break;
      case MISS_EMPTY_ARRAY: reply_array(&c->out, 0); break;
      case MISS_NULL_ARRAY: reply_null_array(&c->out); break;
      case MISS_SILENT: break;
    }
    return NULL;
  }
  return check_type(c, e, type) ? NULL : e;
}

st_entry *lookup_write_typed(st_client *c, const resp_arg *key, unsigned type, int *wrongtype) {
  *wrongtype = 0;
  st_entry *e = lookup_write(c, key);
  if (e != NULL && check_type(c, e, type)) {
    *wrongtype = 1;
    return NULL;
  }
  return e;
}

st_entry *db_add(st_client *c, st_db *db, const void *key, size_t klen, unsigned type, unsigned enc,
                 void *val, uint32_t vlen, uint8_t vtier) {
  st_store *st = c->st;
  st_entry *e = entry_new(&st->mem, type, key, klen, 0);
  if (e == NULL) return NULL;
  e->val = val;
  e->vlen = vlen;
  e->meta = (access_initial(st) << 8) | ((type & 15u) << 4) | (enc & 15u);
  e->version = st->version; /* born after any running snapshot's cut */
  entry_set_val_tier(e, vtier);
  if (dict_add(&db->keys, &e->node) != 0) {
    entry_free(&st->mem, type, e);
    return NULL;
  }
  key_modified(c, db, e);
  blk_signal(st, db, key, klen);
  return e;
}

/* Unlink e from everything and free it and its value. */
void db_delete_entry(st_client *c, st_db *db, st_entry *e) {
  st_store *st = c->st;
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  int kept = snapshot_before_change(st, db, e, SNAP_DELETE); /* the pre-image is e itself */
  dict_unlink(&db->keys, key, klen);
  if (e->flags & E_EXPIRES) exp_remove(&db->expires, e);
  key_modified(c, db, e);
  if (kept) return;
  obj_free(st, e);
  entry_free(&st->mem, entry_type(e), e);
}

int db_delete(st_client *c, st_db *db, const void *key, size_t klen) {
  st_entry *e = db_find(c, db, key, klen);
  if (e == NULL) return 0;
  db_delete_entry(c, db, e);
  return 1;
}

void db_replace_value(st_client *c, st_db *db, st_entry *e, unsigned type, unsigned enc, void *val,
                      uint32_t vlen, uint8_t vtier) {
  st_store *st = c->st;
  unsigned old = entry_type(e);
  snapshot_before_change(st, db, e, SNAP_REPLACE); /* may take the old value: e->val NULL */
  obj_free(st, e);
  entry_retag(&st->mem, old, type, e);
  e->val = val;
  e->vlen = vlen;
  e->meta = (e->meta & ~0xffu) | ((type & 15u) << 4) | (enc & 15u);
  e->flags &= (uint8_t)~E_RAWSTR;
  entry_set_val_tier(e, vtier);
  key_modified(c, db, e);
}

st_entry *db_replace_value_ttl(st_client *c, st_db *db, st_entry *e, unsigned type, unsigned enc,
                               void *val, uint32_t vlen, uint8_t vtier, int64_t when_ms) {
  st_store *st = c->st;
  if (when_ms >= 0) {
    /* The hook first, while e still holds the old TTL: db_set_expire (the one step that can
     * fail) then finds e no longer owed, and a failure gives the retained value back. */
    int kept = snapshot_before_change(st, db, e, SNAP_REPLACE);
    st_entry *m = db_set_expire(c, db, e, when_ms);
    if (m == NULL) {
      if (kept) snapshot_replace_undo(st, e);
      return NULL;
    }
    e = m;
  }
  db_replace_value(c, db, e, type, enc, val, vlen, vtier);
  if (when_ms == DB_TTL_NONE) db_persist(db, e); /* after the hook saw the old TTL */
  return e;
}

/* A copy of e in a new block for `key` (with an expire area if wanted), value fields moved. */
static st_entry *clone_entry(st_store *st, const st_entry *e, const void *key, size_t klen,
                             int with_expire) {
  st_entry *n = entry_new(&st->mem, entry_type(e), key, klen, with_expire);
  if (n == NULL) return NULL;
  n->val = e->val;
  n->version = e->version;
  n->meta = e->meta;
  n->vlen = e->vlen;
  n->flags |= (uint8_t)(e->flags & (E_VAL_PMEM | E_RAWSTR));
  return n;
}

st_entry *db_set_expire(st_client *c, st_db *db, st_entry *e, int64_t when_ms) {
  st_store *st = c->st;
  snapshot_before_change(st, db, e, SNAP_EDIT);
  if (!(e->flags & E_EXPIRES)) {
    size_t klen;
    const unsigned char *key = entry_key(e, &klen);
    st_entry *n = clone_entry(st, e, key, klen, 1);
    if (n == NULL) return NULL;
    entry_set_expire_field(n, when_ms);
    if (exp_upsert(&st->mem, &db->expires, n) != 0) {
      entry_free(&st->mem, entry_type(n), n);
      return NULL;
    }
    dict_replace(&db->keys, &e->node, &n->node);
    entry_free(&st->mem, entry_type(e), e);
    e = n;
  } else {
    int64_t before = entry_expire(e);
    entry_set_expire_field(e, when_ms);
    if (exp_upsert(&st->mem, &db->expires, e) != 0) {
      entry_set_expire_field(e, before);
      return NULL;
    }
  }
  key_modified(c, db, e);
  return e;
}

int db_persist(st_db *db, st_entry *e) {
  if (entry_expire(e) < 0) return 0;
  exp_remove(&db->expires, e);
  entry_set_expire_field(e, -1);
  return 1;
}

st_entry *db_rekey(st_client *c, st_db *from, st_entry *e, st_db *to, const void *key, size_t klen,
                   int keep_ttl) {
  st_store *st = c->st;
  snapshot_before_change(st, from, e, SNAP_EDIT);
  int64_t ttl = keep_ttl ? entry_expire(e) : -1;
  st_entry *n = clone_entry(st, e, key, klen, ttl >= 0);
  if (n == NULL) return NULL;
  if (ttl >= 0) {
    entry_set_expire_field(n, ttl);
    entry_set_heap_index(n, UINT32_MAX);
    if (exp_upsert(&st->mem, &to->expires, n) != 0) {
      entry_free(&st->mem, entry_type(n), n);
      return NULL;
    }
  }
  if (dict_add(&to->keys, &n->node) != 0) {
    if (ttl >= 0) exp_remove(&to->expires, n);
    entry_free(&st->mem, entry_type(n), n);
    return NULL;
  }
  /* Unlink the old entry without freeing its value: n owns it now. */
  size_t oklen;
  const unsigned char *okey = entry_key(e, &oklen);
  dict_unlink(&from->keys, okey, oklen);
  if (e->flags & E_EXPIRES) exp_remove(&from->expires, e);
  key_modified(c, from, e);
  entry_free(&st->mem, entry_type(e), e);
  key_modified(c, to, n);
  blk_signal(st, to, key, klen);
  return n;
}

static void free_node(dict_node *node, void *arg) {
  st_store *st = arg;
  st_entry *e = (st_entry *)node;
  obj_free(st, e);
  entry_free(&st->mem, entry_type(e), e);
}

void db_flush(st_client *c, st_db *db) {
  st_store *st = c->st;
  size_t n = dict_size(&db->keys);
  snapshot_before_flush(st, db);
  exp_free(&st->mem, &db->expires);
  while (dict_drain(&db->keys, SIZE_MAX, free_node, st) != 0) {}
  store_dirty(c, n);
}

/* The one place every change to a key passes: the snapshot version (persistence tells keys
 * written before its cut from those after), the dirty counter, WATCH (one test when no key of
 * the db is watched). */
void key_modified(st_client *c, st_db *db, st_entry *e) {
  snapshot_after_change(c->st, e);
  e->version = c->st->version;
  c->st->stats.dirty++;
  if (dict_size(&db->watched) != 0) {
    size_t len;
    const unsigned char *key = entry_key(e, &len);
    watch_touch(c->st, db, key, len);
  }
}

void store_dirty(st_client *c, uint64_t n) { c->st->stats.dirty += n; }
