/* rdb.h - the RDB format as Redis 7.0.15 writes and reads it: the writer (SAVE, BGSAVE, DUMP),
 * the reader (loading at start-up, RESTORE) and the constants of the format.
 *
 * A file (RDB_VERSION 10, "REDIS0010"):
 *   magic, AUX fields (redis-ver, redis-bits, ctime, used-mem, aof-base), then per non-empty db
 *   SELECTDB <db> RESIZEDB <keys> <expires>, then records:
 *     [EXPIRETIME_MS <int64 LE>] <type byte> <key string> <value>
 *   then EOF (0xFF) and the CRC64 (crc64.h) of every byte before it, little-endian (0 when
 *   rdbchecksum is off; a reader then skips the check, as Redis does).
 * Lengths: 00xxxxxx (6 bits), 01xxxxxx yyyyyyyy (14 bits, big-endian), 0x80 + u32 BE, 0x81 +
 * u64 BE; 11xxxxxx introduces a special string: C0/C1/C2 + int8/16/32 LE (an integer string),
 * C3 <compressed len> <original len> <LZF bytes> (lzf.h).
 *
 * Values, as 7.0 writes them (what the store holds -> the type written):
 *   string (int or raw)          0 STRING: integers of 32 bits or less int-encoded, strings of
 *                                11 bytes or less that are canonical such integers too; longer
 *                                strings LZF-compressed when rdbcompression is on, longer than
 *                                20 bytes and at least 4 bytes shorter compressed;
 *   list (listpack, quicklist)   18 QUICKLIST_2: node count, then per node the container (2 =
 *                                a listpack) and the node's listpack as a string;
 *   set intset / listpack / ht   11 INTSET (the intset as a string) / 2 SET (count, members):
 *                                7.0 has no listpack sets, so listpack sets go as type 2;
 *   zset listpack / skiplist     17 ZSET_LISTPACK (the listpack as a string) / 5 ZSET_2 (count,
 *                                then member and 8-byte LE double per member);
 *   hash listpack / hashtable    16 HASH_LISTPACK / 4 HASH (count, field and value pairs).
 * Listpacks and intsets are Redis's bytes (listpack.h, intset.h), so they go out as they are.
 *
 * The reader also takes what Redis 7.0 loads but no longer writes: types 1 (LIST), 3 (ZSET,
 * ASCII scores), 9 (HASH_ZIPMAP), 10 (LIST_ZIPLIST), 12 (ZSET_ZIPLIST), 13 (HASH_ZIPLIST), 14
 * (QUICKLIST of ziplists), plain quicklist nodes (container 1), the old EXPIRETIME (seconds), IDLE
 * and FREQ opcodes, and skips AUX fields it does not know. Modules, streams and functions are
 * refused with an error naming them. Every blob is validated before it is adopted (lp_validate
 * deep, is_validate, the ziplist and zipmap walkers here), duplicates in sets, hashes and zsets
 * are errors, and values are rebuilt under the store's own encoding thresholds, through the
 * normal routed allocation (so the DRAM:PMem split holds after a load).
 *
 * Errors never leave part of a file loaded silently: the reader stops at the first problem with
 * the byte offset and a reason; the caller decides (start-up refuses to serve, RESTORE replies
 * "Bad data format" and changes nothing). */
#ifndef TM_STORE_RDB_H
#define TM_STORE_RDB_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "store.h"

#define RDB_VERSION 10

enum {
  RDB_TYPE_STRING = 0,
  RDB_TYPE_LIST = 1,
  RDB_TYPE_SET = 2,
  RDB_TYPE_ZSET = 3,
  RDB_TYPE_HASH = 4,
  RDB_TYPE_ZSET_2 = 5,
  RDB_TYPE_MODULE = 6,
  RDB_TYPE_MODULE_2 = 7,
  RDB_TYPE_HASH_ZIPMAP = 9,
  RDB_TYPE_LIST_ZIPLIST = 10,
  RDB_TYPE_SET_INTSET = 11,
  RDB_TYPE_ZSET_ZIPLIST = 12,
  RDB_TYPE_HASH_ZIPLIST = 13,
  RDB_TYPE_LIST_QUICKLIST = 14,
  RDB_TYPE_STREAM_LISTPACKS = 15,
  RDB_TYPE_HASH_LISTPACK = 16,
  RDB_TYPE_ZSET_LISTPACK = 17,
  RDB_TYPE_LIST_QUICKLIST_2 = 18,
  RDB_TYPE_STREAM_LISTPACKS_2 = 19
};

enum {
  RDB_OPCODE_FUNCTION2 = 245,
  RDB_OPCODE_FUNCTION = 246,
  RDB_OPCODE_MODULE_AUX = 247,
  RDB_OPCODE_IDLE = 248,
  RDB_OPCODE_FREQ = 249,
  RDB_OPCODE_AUX = 250,
  RDB_OPCODE_RESIZEDB = 251,
  RDB_OPCODE_EXPIRETIME_MS = 252,
  RDB_OPCODE_EXPIRETIME = 253,
  RDB_OPCODE_SELECTDB = 254,
  RDB_OPCODE_EOF = 255
};

/* ------------------------------------------------------------------------------ writer */

/* An output stream: bytes are appended to a buffer (an sm block: SM_STORE, TM_CAT_BUFFERS) and,
 * with a file descriptor, written out whenever the buffer passes flush_at. Every byte goes into
 * the running CRC. Errors are sticky: after the first failure (ENOMEM, or the errno of a failed
 * write) every call does nothing and `err` says why; check it at the end. */
typedef struct rdb_out {
  st_store *st;
  int fd;             /* -1: in memory only (DUMP): the bytes stay in buf */
  unsigned char *buf; /* len bytes pending (or the whole payload in memory) */
  size_t len, cap;
  uint8_t tier;
  int compress;     /* rdbcompression */
  int checksum;     /* rdbchecksum */
  int err;          /* errno of the first failure, 0 if none */
  int cur_db;       /* db of the last SELECTDB written, -1 before the first */
  int exact_lzf;    /* 1: Redis's compress-or-not choice for every string (DUMP); 0 (the
                       default): lzf_compress_probed, which gives up early on incompressible input */
  uint64_t crc;     /* CRC64 of the bytes before buf[crc_len] (rdb_out_crc brings it up to date) */
  size_t crc_len;   /* buf[0..crc_len) is in crc: the rest is summed in one pass when needed */
  uint64_t written; /* bytes handed to the file */
  uint64_t synced;  /* bytes handed to writeback (sync_file_range), to keep dirty pages few */
  size_t flush_at;  /* write to fd once this much is buffered */
  size_t peak;      /* the largest buffer capacity held (INFO rdb_last_cow_size) */
  uint64_t keys;    /* records written */
} rdb_out;

#define RDB_FLUSH_AT (1u << 20) /* default flush_at: write to the file once 1 MiB is buffered */

void rdb_out_init(rdb_out *o, st_store *st, int fd, int compress, int checksum);
/* Write what is buffered to the file (no-op in memory). 0, or -1 (o->err set). */
int rdb_out_flush(rdb_out *o);
/* The CRC64 of every byte appended so far (0 with checksum off). */
uint64_t rdb_out_crc(rdb_out *o);
/* Release the buffer. */
void rdb_out_free(rdb_out *o);

/* "REDIS0010" and the AUX fields redis-server 7.0 writes for a plain save. */
void rdb_put_header(rdb_out *o, int64_t now_ms, int aof_base);
/* SELECTDB db and RESIZEDB hints, and remember db as the current one. */
void rdb_put_selectdb(rdb_out *o, int db, uint64_t keys, uint64_t expires);
/* One key as a record of db (a SELECTDB first if db is not the current one). */
void rdb_put_record(rdb_out *o, int db, const st_entry *e);
/* A record written in pieces (snapshots: a big collection must not block the loop). Values
 * held as a quicklist, a hashtable or a skiplist are written element by element from a saved
 * position; everything else is written whole by rdb_put_record_begin. Between pieces the value
 * must not change (the snapshot's hook finishes the record before any change) and nothing else
 * may be appended to o (records of other keys go elsewhere until the record is complete). A
 * hashtable's rehashing is paused while its record is open: rdb_put_record_end (or _abort)
 * resumes it. */
typedef struct rdb_piecewise {
  const st_entry *e;
  int type;         /* RDB type being written */
  int open;         /* elements remain */
  const void *node; /* next quicklist node or skiplist node */
  dict_iter it;     /* hashtable position (it.d != NULL: rehashing paused) */
  /* Called with each element node as it is written (set after begin; NULL: none). */
  void (*elem)(void *arg, const void *node);
  void *elem_arg;
  /* The command writer's (aof_base.c): the next element inside `node`, and elements written. */
  const unsigned char *pos;
  uint64_t done;
} rdb_piecewise;
/* Begin a record of db: the whole of it when the value is not written in pieces. 1 when the
 * record is complete, 0 when elements remain (rdb_put_record_more). */
int rdb_put_record_begin(rdb_out *o, int db, const st_entry *e, rdb_piecewise *w);
/* Up to max more elements. 1 when the record is complete. */
int rdb_put_record_more(rdb_out *o, rdb_piecewise *w, size_t max);
/* Give up an open record (the snapshot is aborted): resumes the hashtable's rehashing. */
void rdb_put_record_abort(rdb_piecewise *w);
/* The type byte and the value of e, as a record carries them (DUMP's payload body). */
void rdb_put_value(rdb_out *o, const st_entry *e);
/* EOF and the checksum. */
void rdb_put_eof(rdb_out *o);
/* Primitives. */
void rdb_put_raw(rdb_out *o, const void *p, size_t n);
void rdb_put_len(rdb_out *o, uint64_t len);
void rdb_put_string(rdb_out *o, const void *p, size_t n);

/* DUMP: the payload of e (type, value, RDB version as 2 bytes LE, CRC64 of all that LE) in
 * o's buffer (o in memory). 0, or -1 on OOM. */
int rdb_dump_payload(rdb_out *o, const st_entry *e);

/* ------------------------------------------------------------------------------ reader */

/* Reading from untrusted bytes [base, end): every read is bounds-checked; the first problem
 * sets err (a static text) and err_off (bytes from base) and makes every later read fail. */
typedef struct rdb_in {
  const unsigned char *base, *p, *end;
  const char *err;
  size_t err_off;
  st_store *st;
  /* Scratch for decompressed strings, sm blocks (SM_STORE, TM_CAT_OTHER): slot 0 holds a
   * record's key, 1 and 2 a field and its value. */
  unsigned char *scratch[3];
  size_t scratch_cap[3];
  uint8_t scratch_tier[3];
} rdb_in;

void rdb_in_init(rdb_in *in, st_store *st, const void *data, size_t len);
void rdb_in_free(rdb_in *in);
/* Record a failure (the first one wins). Returns -1. */
int rdb_in_fail(rdb_in *in, const char *why);

/* A string read from the stream: bytes in the input or in scratch slot `slot`. */
typedef struct rdb_str {
  const unsigned char *s;
  size_t len;
} rdb_str;
int rdb_get_byte(rdb_in *in, unsigned *out);
int rdb_get_len(rdb_in *in, uint64_t *len, int *special);
int rdb_get_string(rdb_in *in, int slot, rdb_str *out);

/* A value of RDB type `type` built into tmp (val, vlen, meta's type and encoding, the value
 * tier bit): ready for db_add, or to be freed with obj_free(st, tmp). 0; 1 when the value is an
 * empty collection (nothing built: Redis skips those in files and refuses them in RESTORE); or
 * -1 with in->err set and nothing left allocated. */
int rdb_get_value(rdb_in *in, int type, st_entry *tmp);
/* Whether `type` is a value type this reader knows. */
int rdb_type_known(int type);

/* RESTORE's check: at least 10 bytes, version <= RDB_VERSION, CRC64 matches. 0 or -1. */
int rdb_verify_payload(const unsigned char *p, size_t len);

/* ------------------------------------------------------------------------------ loading a file */

/* A file loaded in bounded steps (start-up): rdb_loader_open maps it, each rdb_loader_step adds
 * keys for about budget_us, and the figures below tell the caller what to log. A key already
 * expired is dropped (as a Redis master does), unless aof_base is set after the open; a key that appears twice is an error (Redis
 * panics on it). Errors name the file and the byte offset in loader->error. String values longer
 * than 20 bytes and the CRC are written and computed by a helper thread (rdb_fill.h), which every
 * step waits for before it returns. */
typedef struct rdb_loader {
  st_store *st;
  char path[4096];
  const unsigned char *map;
  size_t size;
  rdb_in in;
  uint64_t crc;      /* CRC64 of the bytes before in.p already consumed */
  size_t crc_pos;    /* up to where crc covers */
  int db;            /* current SELECTDB */
  int64_t expire_ms; /* EXPIRETIME(_MS) for the next record, -1 none */
  int64_t idle_s;    /* IDLE for the next record, -1 none */
  int version;
  int done;
  int aof_base;     /* an AOF's base: expired keys are kept (Redis's RDBFLAGS_AOF_PREAMBLE), the
                       incr files that follow may still name them */
  uint64_t keys;    /* keys loaded */
  uint64_t expired; /* keys dropped because already expired */
  uint64_t empty;   /* empty collections skipped */
  struct rdb_fill *fill; /* the helper thread writing string values and the CRC (rdb_fill.h) */
  char error[4400];      /* "<path>: ... at byte N: reason", when a step returns -1 */
} rdb_loader;

/* 0, or -1 with loader->error set (missing file: errno ENOENT is kept in *errno_out). */
int rdb_loader_open(rdb_loader *l, st_store *st, const char *path, int *errno_out);
/* 1 when the whole file is in (checksum verified), 0 when more remains, -1 on an error. */
int rdb_loader_step(rdb_loader *l, uint64_t budget_us);
/* Bytes consumed so far (progress). */
static inline size_t rdb_loader_pos(const rdb_loader *l) { return (size_t)(l->in.p - l->in.base); }
void rdb_loader_close(rdb_loader *l);

#endif
