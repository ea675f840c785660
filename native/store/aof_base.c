/* aof_base.c - an AOF base of commands, as a snapshot writer (aof_base.h). */
#include "aof_base.h"

#include <stdio.h>

#include "entry.h"
#include "intset.h"
#include "listpack.h"
#include "quicklist.h"
#include "util.h"
#include "zsl.h"

static void put_line(rdb_out *o, char kind, uint64_t n) {
  char b[32];
  b[0] = kind;
  size_t l = 1 + (size_t)ull2string(b + 1, sizeof b - 3, n);
  b[l++] = '\r';
  b[l++] = '\n';
  rdb_put_raw(o, b, l);
}

static void put_bulk(rdb_out *o, const void *p, size_t n) {
  put_line(o, '$', n);
  rdb_put_raw(o, p, n);
  rdb_put_raw(o, "\r\n", 2);
}

static void put_bulk_ll(rdb_out *o, long long v) {
  char b[LONG_STR_SIZE];
  put_bulk(o, b, (size_t)ll2string(b, sizeof b, v));
}

/* Redis 7.0's rioWriteBulkDouble. */
static void put_bulk_double(rdb_out *o, double d) {
  char b[128];
  put_bulk(o, b, (size_t)snprintf(b, sizeof b, "%.17g", d));
}

static void put_lp_entry(rdb_out *o, const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int)
    put_bulk_ll(o, v.ll);
  else
    put_bulk(o, v.s, v.len);
}

/* A listpack zset's score entry as the double Redis reads from it (zzlGetScore). */
static double lp_score(const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int) return (double)v.ll;
  double d = 0;
  string2d((const char *)v.s, v.len, &d);
  return d;
}

static void put_key(rdb_out *o, const st_entry *e) {
  size_t klen;
  const unsigned char *k = entry_key(e, &klen);
  put_bulk(o, k, klen);
}

static void put_select(rdb_out *o, int db) {
  rdb_put_raw(o, "*2\r\n$6\r\nSELECT\r\n", 16);
  put_bulk_ll(o, db);
  o->cur_db = db;
}

/* A collection's commands: a header every AOF_REWRITE_ITEMS_PER_CMD elements. */
typedef struct batch {
  rdb_out *o;
  const st_entry *e;
  const char *cmd;
  int per;        /* arguments per element: 1 (RPUSH, SADD) or 2 (ZADD, HMSET) */
  uint64_t total; /* elements in the value */
  uint64_t done;  /* elements written */
} batch;

static batch batch_of(rdb_out *o, const st_entry *e, uint64_t done) {
  batch b = { o, e, NULL, 1, 0, done };
  switch (entry_type(e)) {
    case ST_LIST:
      b.cmd = "RPUSH";
      b.total =
          entry_enc(e) == ENC_LISTPACK ? lp_length(e->val) : ((const quicklist *)e->val)->count;
      break;
    case ST_SET:
      b.cmd = "SADD";
      b.total = entry_enc(e) == ENC_INTSET     ? is_len(e->val)
                : entry_enc(e) == ENC_LISTPACK ? lp_length(e->val)
                                               : set_ht_size(e->val);
      break;
    case ST_ZSET:
      b.cmd = "ZADD";
      b.per = 2;
      b.total = entry_enc(e) == ENC_LISTPACK ? lp_length(e->val) / 2 : zset_len(e->val);
      break;
    default:
      b.cmd = "HMSET";
      b.per = 2;
      b.total = entry_enc(e) == ENC_LISTPACK ? lp_length(e->val) / 2 : hash_ht_size(e->val);
      break;
  }
  return b;
}

/* Before each element: the command header when one is due. */
static void batch_next(batch *b) {
  if (b->done % AOF_REWRITE_ITEMS_PER_CMD == 0) {
    uint64_t left = b->total - b->done;
    uint64_t items = left > AOF_REWRITE_ITEMS_PER_CMD ? AOF_REWRITE_ITEMS_PER_CMD : left;
    put_line(b->o, '*', 2 + items * (uint64_t)b->per);
    put_bulk(b->o, b->cmd, strlen(b->cmd));
    put_key(b->o, b->e);
  }
  b->done++;
}

static void visit_elem(void *arg, const unsigned char *a, size_t alen, const unsigned char *v,
                       size_t vlen) {
  batch *b = arg;
  batch_next(b);
  put_bulk(b->o, a, alen);
  if (v != NULL) put_bulk(b->o, v, vlen);
}

/* The listpack's entries, each `per` of them one element (a zset's member,score pairs are
 * written score first, as ZADD takes them). */
static void put_lp_elems(batch *b, const unsigned char *lp, int zset) {
  for (const unsigned char *p = lp_first(lp); p != NULL; p = lp_next(lp, p)) {
    batch_next(b);
    if (zset) {
      const unsigned char *sp = lp_next(lp, p);
      put_bulk_double(b->o, lp_score(sp));
      put_lp_entry(b->o, p);
      p = sp;
    } else {
      put_lp_entry(b->o, p);
      if (b->per == 2) put_lp_entry(b->o, p = lp_next(lp, p));
    }
  }
}

static void put_zsl_elem(batch *b, const zsl_node *n) {
  batch_next(b);
  put_bulk_double(b->o, n->score);
  size_t ml;
  const unsigned char *m = zsl_member(n, &ml);
  put_bulk(b->o, m, ml);
}

static void put_expire(rdb_out *o, const st_entry *e) {
  int64_t when = entry_expire(e);
  if (when < 0) return;
  rdb_put_raw(o, "*3\r\n$9\r\nPEXPIREAT\r\n", 19);
  put_key(o, e);
  put_bulk_ll(o, when);
}

static void put_head(rdb_out *o, int db) {
  if (db != o->cur_db) put_select(o, db);
}

void aof_base_put_record(rdb_out *o, int db, const st_entry *e) {
  put_head(o, db);
  unsigned enc = entry_enc(e);
  if (entry_type(e) == ST_STRING) {
    rdb_put_raw(o, "*3\r\n$3\r\nSET\r\n", 13);
    put_key(o, e);
    if (enc == ENC_INT)
      put_bulk_ll(o, entry_int(e));
    else
      put_bulk(o, e->val, e->vlen);
  } else {
    batch b = batch_of(o, e, 0);
    switch (enc) {
      case ENC_LISTPACK: put_lp_elems(&b, e->val, entry_type(e) == ST_ZSET); break;
      case ENC_INTSET:
        for (uint32_t i = 0; i < b.total; i++) {
          int64_t v;
          is_get(e->val, i, &v);
          batch_next(&b);
          put_bulk_ll(o, v);
        }
        break;
      case ENC_QUICKLIST:
        for (const ql_node *n = ((const quicklist *)e->val)->head; n != NULL; n = n->next)
          if (n->lp != NULL) put_lp_elems(&b, n->lp, 0);
        break;
      case ENC_SKIPLIST:
        for (const zsl_node *n = zset_first(e->val); n != NULL; n = zsl_next(n))
          put_zsl_elem(&b, n);
        break;
      default:
        if (entry_type(e) == ST_SET)
          set_ht_each(e->val, visit_elem, &b);
        else
          hash_ht_each(e->val, visit_elem, &b);
        break;
    }
  }
  put_expire(o, e);
  o->keys++;
}

static void header(rdb_out *o, int64_t now_ms, int aof_base) {
  (void)o, (void)now_ms, (void)aof_base; /* a base of commands is only commands */
}

static void selectdb(rdb_out *o, int db, uint64_t keys, uint64_t expires) {
  (void)keys, (void)expires;
  put_select(o, db);
}

static void eof(rdb_out *o) { (void)o; }

static int record_begin(rdb_out *o, int db, const st_entry *e, rdb_piecewise *w) {
  memset(w, 0, sizeof *w);
  unsigned enc = entry_enc(e);
  if (enc != ENC_QUICKLIST && enc != ENC_SKIPLIST && enc != ENC_HASHTABLE) {
    aof_base_put_record(o, db, e);
    return 1;
  }
  put_head(o, db);
  w->e = e;
  w->type = (int)entry_type(e);
  w->open = 1;
  if (enc == ENC_QUICKLIST)
    w->node = ((const quicklist *)e->val)->head;
  else if (enc == ENC_SKIPLIST)
    w->node = zset_first(e->val);
  else
    dict_iter_init(&w->it, w->type == ST_SET ? set_ht_dict(e->val) : hash_ht_dict(e->val));
  return 0;
}

static int record_more(rdb_out *o, rdb_piecewise *w, size_t max) {
  if (!w->open) return 1;
  const st_entry *e = w->e;
  batch b = batch_of(o, e, w->done);
  int end = 0;
  switch (entry_enc(e)) {
    case ENC_QUICKLIST: {
      const ql_node *n = w->node;
      const unsigned char *p = w->pos;
      for (size_t i = 0; n != NULL && i < max;) {
        if (p == NULL) p = n->lp ? lp_first(n->lp) : NULL;
        if (p == NULL) {
          n = n->next;
          continue;
        }
        batch_next(&b);
        put_lp_entry(o, p);
        i++;
        if ((p = lp_next(n->lp, p)) == NULL) n = n->next;
      }
      w->node = n;
      w->pos = p;
      end = n == NULL;
      break;
    }
    case ENC_SKIPLIST: {
      const zsl_node *n = w->node;
      for (size_t i = 0; n != NULL && i < max; i++, n = zsl_next(n)) put_zsl_elem(&b, n);
      w->node = n;
      end = n == NULL;
      break;
    }
    default:
      for (size_t i = 0; i < max; i++) {
        const dict_node *n = dict_iter_next(&w->it);
        if (n == NULL) {
          end = 1;
          break;
        }
        if (w->type == ST_SET)
          set_ht_visit(n, visit_elem, &b);
        else
          hash_ht_visit(n, visit_elem, &b);
      }
      if (b.done == b.total) end = 1; /* the last element written: no need to look further */
      break;
  }
  w->done = b.done;
  if (!end) return 0;
  rdb_put_record_abort(w);
  put_expire(o, e);
  o->keys++;
  return 1;
}

const snapshot_writer aof_base_writer = {
  header, selectdb, aof_base_put_record, record_begin, record_more, rdb_put_record_abort, eof,
};
