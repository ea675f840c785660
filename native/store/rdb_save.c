/* rdb_save.c - the RDB writer: encodings, values, records, header and trailer (rdb.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "crc64.h"
#include "entry.h"
#include "intset.h"
#include "listpack.h"
#include "lzf.h"
#include "quicklist.h"
#include "rdb.h"
#include "util.h"
#include "zsl.h"

#define WRITEBACK_EVERY (8u << 20) /* start writeback of every 8 MiB written */

void rdb_out_init(rdb_out *o, st_store *st, int fd, int compress, int checksum) {
  memset(o, 0, sizeof *o);
  o->st = st;
  o->fd = fd;
  o->compress = compress;
  o->checksum = checksum;
  o->cur_db = -1;
  o->flush_at = RDB_FLUSH_AT;
}

void rdb_out_free(rdb_out *o) {
  if (o->buf != NULL) sm_free(&o->st->mem, SM_STORE, TM_CAT_BUFFERS, o->buf, o->cap, o->tier);
  o->buf = NULL;
  o->cap = o->len = o->crc_len = 0;
}

/* The CRC is summed over the buffer in one pass per flush rather than per appended piece (a
 * record is several pieces of a few bytes, and crc64 is fast only over long runs). */
static void crc_catch_up(rdb_out *o) {
  if (o->checksum && o->len > o->crc_len)
    o->crc = crc64(o->crc, o->buf + o->crc_len, o->len - o->crc_len);
  o->crc_len = o->len;
}

uint64_t rdb_out_crc(rdb_out *o) {
  crc_catch_up(o);
  return o->checksum ? o->crc : 0;
}

int rdb_out_flush(rdb_out *o) {
  if (o->err) return -1;
  if (o->fd < 0 || o->len == 0) return 0;
  crc_catch_up(o);
  size_t off = 0;
  while (off < o->len) {
    ssize_t n = write(o->fd, o->buf + off, o->len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      o->err = errno;
      return -1;
    }
    off += (size_t)n;
  }
  o->written += o->len;
  o->len = o->crc_len = 0;
#ifdef SYNC_FILE_RANGE_WRITE
  /* Hand finished pages to writeback as we go, so the final fsync has little left to do and
   * the page cache does not fill with a whole snapshot of dirty pages. Asynchronous. */
  if (o->written - o->synced >= WRITEBACK_EVERY) {
    sync_file_range(o->fd, (off_t)o->synced, (off_t)(o->written - o->synced),
                    SYNC_FILE_RANGE_WRITE);
    o->synced = o->written;
  }
#endif
  return 0;
}

/* Room for n more bytes (flushing first when a file is behind the buffer). */
static int reserve(rdb_out *o, size_t n) {
  if (o->err) return -1;
  if (o->fd >= 0 && o->len > 0 && o->len + n > o->flush_at && rdb_out_flush(o) != 0) return -1;
  if (o->len + n <= o->cap) return 0;
  size_t cap = o->cap ? o->cap : 4096;
  while (cap < o->len + n) cap *= 2;
  uint8_t tier = o->tier;
  unsigned char *nb = o->buf == NULL ? sm_alloc(&o->st->mem, SM_STORE, TM_CAT_BUFFERS, cap, &tier)
                                     : sm_realloc(&o->st->mem, SM_STORE, TM_CAT_BUFFERS, o->buf,
                                                  o->cap, cap, &tier);
  if (nb == NULL) {
    o->err = ENOMEM;
    return -1;
  }
  o->buf = nb;
  o->cap = cap;
  o->tier = tier;
  if (cap > o->peak) o->peak = cap;
  return 0;
}

/* The bytes just placed at buf[len..len+n) become part of the stream. */
static void commit(rdb_out *o, size_t n) { o->len += n; }

void rdb_put_raw(rdb_out *o, const void *p, size_t n) {
  if (n == 0 || reserve(o, n) != 0) return;
  memcpy(o->buf + o->len, p, n);
  commit(o, n);
}

static size_t encode_len(unsigned char *b, uint64_t len) {
  if (len < (1u << 6)) {
    b[0] = (unsigned char)len;
    return 1;
  }
  if (len < (1u << 14)) {
    b[0] = (unsigned char)(0x40 | (len >> 8));
    b[1] = (unsigned char)(len & 0xff);
    return 2;
  }
  if (len <= UINT32_MAX) {
    b[0] = 0x80;
    for (int i = 0; i < 4; i++) b[1 + i] = (unsigned char)(len >> (24 - 8 * i));
    return 5;
  }
  b[0] = 0x81;
  for (int i = 0; i < 8; i++) b[1 + i] = (unsigned char)(len >> (56 - 8 * i));
  return 9;
}

void rdb_put_len(rdb_out *o, uint64_t len) {
  unsigned char b[9];
  rdb_put_raw(o, b, encode_len(b, len));
}

/* Redis's rdbEncodeInteger: C0/C1/C2 + int8/16/32 LE, or 0 if v needs more. */
static size_t encode_int(unsigned char *b, long long v) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    b[0] = 0xC0;
    b[1] = (unsigned char)(int8_t)v;
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    b[0] = 0xC1;
    b[1] = (unsigned char)(v & 0xff);
    b[2] = (unsigned char)((v >> 8) & 0xff);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    b[0] = 0xC2;
    for (int i = 0; i < 4; i++) b[1 + i] = (unsigned char)(((uint32_t)(int32_t)v) >> (8 * i));
    return 5;
  }
  return 0;
}

/* An integer as a string (rdbSaveLongLongAsStringObject). */
static void put_ll_string(rdb_out *o, long long v) {
  unsigned char b[LONG_STR_SIZE + 9];
  size_t n = encode_int(b, v);
  if (n) return rdb_put_raw(o, b, n);
  char digits[LONG_STR_SIZE];
  int dl = ll2string(digits, sizeof digits, v);
  rdb_put_len(o, (uint64_t)dl);
  rdb_put_raw(o, digits, (size_t)dl);
}

/* rdbSaveLzfStringObject: only when it saves at least 4 bytes. 1 if written. */
static int put_lzf(rdb_out *o, const void *p, size_t n) {
  if (reserve(o, n + 32) != 0) return 1; /* the error is sticky: nothing more gets written */
  unsigned char *dst = o->buf + o->len + 19;
  size_t clen =
      o->exact_lzf ? lzf_compress(p, n, dst, n - 4) : lzf_compress_probed(p, n, dst, n - 4);
  if (clen == 0) return 0;
  unsigned char hdr[19];
  size_t h = 0;
  hdr[h++] = 0xC3;
  h += encode_len(hdr + h, clen);
  h += encode_len(hdr + h, n);
  memmove(o->buf + o->len + h, dst, clen);
  memcpy(o->buf + o->len, hdr, h);
  commit(o, h + clen);
  return 1;
}

/* rdbSaveRawString: an integer encoding when the bytes are a short canonical int, LZF when
 * enabled and worth it, else length + bytes. */
void rdb_put_string(rdb_out *o, const void *p, size_t n) {
  long long v;
  unsigned char b[5];
  size_t en;
  if (n <= 11 && n > 0 && string2ll(p, n, &v) && (en = encode_int(b, v)) != 0)
    return rdb_put_raw(o, b, en);
  if (o->compress && n > 20 && put_lzf(o, p, n)) return;
  rdb_put_len(o, n);
  rdb_put_raw(o, p, n);
}

static void put_lp_entry(rdb_out *o, const unsigned char *p) {
  lp_val v;
  lp_get(p, &v);
  if (v.is_int)
    put_ll_string(o, v.ll);
  else
    rdb_put_string(o, v.s, v.len);
}

/* A quicklist node: container 2 and its listpack, or a plain node's (1) element as it is. */
static void put_ql_node(rdb_out *o, const ql_node *n) {
  rdb_put_len(o, n->plain ? 1 : 2);
  if (n->plain)
    put_lp_entry(o, lp_first(n->lp));
  else
    rdb_put_string(o, n->lp, lp_bytes(n->lp));
}

static void put_double_bin(rdb_out *o, double d) {
  unsigned char b[8];
  uint64_t bits;
  memcpy(&bits, &d, 8);
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(bits >> (8 * i));
  rdb_put_raw(o, b, 8);
}

static void visit_one(void *arg, const unsigned char *a, size_t alen, const unsigned char *b,
                      size_t blen) {
  rdb_out *o = arg;
  rdb_put_string(o, a, alen);
  if (b != NULL) rdb_put_string(o, b, blen);
}

/* The RDB type a value is written as (rdbSaveObjectType, with listpack sets as type 2). */
static int type_of(const st_entry *e) {
  unsigned enc = entry_enc(e);
  switch (entry_type(e)) {
    case ST_STRING: return RDB_TYPE_STRING;
    case ST_LIST: return RDB_TYPE_LIST_QUICKLIST_2;
    case ST_SET: return enc == ENC_INTSET ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case ST_ZSET: return enc == ENC_LISTPACK ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    default: return enc == ENC_LISTPACK ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
  }
}

/* The value's bytes after its type byte. */
static void put_body(rdb_out *o, const st_entry *e, int t) {
  switch (t) {
    case RDB_TYPE_STRING:
      if (entry_enc(e) == ENC_INT)
        put_ll_string(o, entry_int(e));
      else
        rdb_put_string(o, e->val, e->vlen);
      return;
    case RDB_TYPE_LIST_QUICKLIST_2:
      if (entry_enc(e) == ENC_LISTPACK) {
        rdb_put_len(o, 1);
        rdb_put_len(o, 2);
        rdb_put_string(o, e->val, lp_bytes(e->val));
        return;
      } else {
        const quicklist *ql = e->val;
        rdb_put_len(o, ql->len);
        for (const ql_node *n = ql->head; n != NULL; n = n->next) put_ql_node(o, n);
        return;
      }
    case RDB_TYPE_SET_INTSET: rdb_put_string(o, e->val, is_bytes(e->val)); return;
    case RDB_TYPE_SET:
      if (entry_enc(e) == ENC_LISTPACK) {
        const unsigned char *lp = e->val;
        rdb_put_len(o, lp_length(lp));
        for (const unsigned char *p = lp_first(lp); p != NULL; p = lp_next(lp, p))
          put_lp_entry(o, p);
      } else {
        rdb_put_len(o, set_ht_size(e->val));
        set_ht_each(e->val, visit_one, o);
      }
      return;
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_HASH_LISTPACK: rdb_put_string(o, e->val, lp_bytes(e->val)); return;
    case RDB_TYPE_ZSET_2: {
      const zset *z = e->val;
      rdb_put_len(o, zset_len(z));
      /* From the tail, as Redis does (a loader inserting in that order never walks far). */
      for (const zsl_node *n = zset_last(z); n != NULL; n = zsl_prev(n)) {
        size_t ml;
        const unsigned char *m = zsl_member(n, &ml);
        rdb_put_string(o, m, ml);
        put_double_bin(o, n->score);
      }
      return;
    }
    default:
      rdb_put_len(o, hash_ht_size(e->val));
      hash_ht_each(e->val, visit_one, o);
      return;
  }
}

void rdb_put_value(rdb_out *o, const st_entry *e) {
  unsigned char t = (unsigned char)type_of(e);
  rdb_put_raw(o, &t, 1);
  put_body(o, e, t);
}

void rdb_put_selectdb(rdb_out *o, int db, uint64_t keys, uint64_t expires) {
  unsigned char op = RDB_OPCODE_SELECTDB;
  rdb_put_raw(o, &op, 1);
  rdb_put_len(o, (uint64_t)db);
  op = RDB_OPCODE_RESIZEDB;
  rdb_put_raw(o, &op, 1);
  rdb_put_len(o, keys);
  rdb_put_len(o, expires);
  o->cur_db = db;
}

/* A record's prefix: SELECTDB if db changes, EXPIRETIME_MS, type byte, key. */
static void put_record_head(rdb_out *o, int db, const st_entry *e, unsigned char t) {
  if (db != o->cur_db) {
    unsigned char op = RDB_OPCODE_SELECTDB;
    rdb_put_raw(o, &op, 1);
    rdb_put_len(o, (uint64_t)db);
    o->cur_db = db;
  }
  int64_t when = entry_expire(e);
  if (when >= 0) {
    unsigned char b[9];
    b[0] = RDB_OPCODE_EXPIRETIME_MS;
    for (int i = 0; i < 8; i++) b[1 + i] = (unsigned char)((uint64_t)when >> (8 * i));
    rdb_put_raw(o, b, 9);
  }
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  rdb_put_raw(o, &t, 1);
  rdb_put_string(o, key, klen);
}

void rdb_put_record(rdb_out *o, int db, const st_entry *e) {
  unsigned char t = (unsigned char)type_of(e);
  put_record_head(o, db, e, t);
  put_body(o, e, t);
  o->keys++;
}

int rdb_put_record_begin(rdb_out *o, int db, const st_entry *e, rdb_piecewise *w) {
  memset(w, 0, sizeof *w);
  int t = type_of(e);
  unsigned enc = entry_enc(e);
  int pieces = (t == RDB_TYPE_LIST_QUICKLIST_2 && enc != ENC_LISTPACK) || t == RDB_TYPE_ZSET_2 ||
               (t == RDB_TYPE_SET && enc != ENC_LISTPACK) ||
               (t == RDB_TYPE_HASH && enc != ENC_LISTPACK);
  if (!pieces) {
    rdb_put_record(o, db, e);
    return 1;
  }
  put_record_head(o, db, e, (unsigned char)t);
  w->e = e;
  w->type = t;
  w->open = 1;
  switch (t) {
    case RDB_TYPE_LIST_QUICKLIST_2:
      rdb_put_len(o, ((const quicklist *)e->val)->len);
      w->node = ((const quicklist *)e->val)->head;
      break;
    case RDB_TYPE_ZSET_2:
      rdb_put_len(o, zset_len(e->val));
      w->node = zset_last(e->val); /* from the tail, as Redis does */
      break;
    case RDB_TYPE_SET:
      rdb_put_len(o, set_ht_size(e->val));
      dict_iter_init(&w->it, set_ht_dict(e->val));
      break;
    default:
      rdb_put_len(o, hash_ht_size(e->val));
      dict_iter_init(&w->it, hash_ht_dict(e->val));
      break;
  }
  return rdb_put_record_more(o, w, 0);
}

static int piece_done(rdb_out *o, rdb_piecewise *w) {
  rdb_put_record_abort(w);
  o->keys++;
  return 1;
}

int rdb_put_record_more(rdb_out *o, rdb_piecewise *w, size_t max) {
  if (!w->open) return 1;
  switch (w->type) {
    case RDB_TYPE_LIST_QUICKLIST_2: {
      const ql_node *n = w->node;
      for (size_t i = 0; n != NULL && i < max; i++, n = n->next) {
        /* A node is up to list-max-listpack-size entries: weigh it as that many elements. */
        if (w->elem) w->elem(w->elem_arg, n);
        put_ql_node(o, n);
        i += n->count > 0 ? n->count - 1 : 0;
      }
      w->node = n;
      return n == NULL ? piece_done(o, w) : 0;
    }
    case RDB_TYPE_ZSET_2: {
      const zsl_node *n = w->node;
      for (size_t i = 0; n != NULL && i < max; i++, n = zsl_prev(n)) {
        if (w->elem) w->elem(w->elem_arg, n);
        size_t ml;
        const unsigned char *m = zsl_member(n, &ml);
        rdb_put_string(o, m, ml);
        put_double_bin(o, n->score);
      }
      w->node = n;
      return n == NULL ? piece_done(o, w) : 0;
    }
    default: {
      for (size_t i = 0; i < max; i++) {
        const dict_node *n = dict_iter_next(&w->it);
        if (n == NULL) return piece_done(o, w);
        if (w->elem) w->elem(w->elem_arg, n);
        if (w->type == RDB_TYPE_SET)
          set_ht_visit(n, visit_one, o);
        else
          hash_ht_visit(n, visit_one, o);
      }
      return 0;
    }
  }
}

void rdb_put_record_abort(rdb_piecewise *w) {
  if (w->it.d != NULL) dict_iter_done(&w->it);
  w->it.d = NULL;
  w->open = 0;
}

static void put_aux(rdb_out *o, const char *key, const char *val) {
  unsigned char op = RDB_OPCODE_AUX;
  rdb_put_raw(o, &op, 1);
  rdb_put_string(o, key, strlen(key));
  rdb_put_string(o, val, strlen(val));
}

static void put_aux_int(rdb_out *o, const char *key, long long v) {
  char b[LONG_STR_SIZE];
  ll2string(b, sizeof b, v);
  put_aux(o, key, b);
}

void rdb_put_header(rdb_out *o, int64_t now_ms, int aof_base) {
  char magic[10];
  snprintf(magic, sizeof magic, "REDIS%04d", RDB_VERSION);
  rdb_put_raw(o, magic, 9);
  put_aux(o, "redis-ver", ST_REDIS_VERSION);
  put_aux_int(o, "redis-bits", (long long)(sizeof(void *) * 8));
  put_aux_int(o, "ctime", (long long)(now_ms / 1000));
  put_aux_int(o, "used-mem", (long long)sm_total_bytes(&o->st->mem));
  put_aux_int(o, "aof-base", aof_base ? 1 : 0);
}

void rdb_put_eof(rdb_out *o) {
  unsigned char op = RDB_OPCODE_EOF;
  rdb_put_raw(o, &op, 1);
  uint64_t crc = rdb_out_crc(o);
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(crc >> (8 * i));
  rdb_put_raw(o, b, 8);
}

int rdb_dump_payload(rdb_out *o, const st_entry *e) {
  crc_catch_up(o); /* what came before is summed (or not) under the caller's setting */
  int saved = o->checksum, saved_exact = o->exact_lzf;
  o->checksum = 1;
  o->exact_lzf = 1; /* the payload must be byte-identical to redis-server's DUMP */
  rdb_put_value(o, e);
  unsigned char ver[2] = { RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff };
  rdb_put_raw(o, ver, 2);
  uint64_t crc = rdb_out_crc(o);
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(crc >> (8 * i));
  rdb_put_raw(o, b, 8);
  crc_catch_up(o);
  o->checksum = saved;
  o->exact_lzf = saved_exact;
  return o->err ? -1 : 0;
}
