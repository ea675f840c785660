/* store.h - the store engine's internal API: what every command file uses.
 *
 * The engine is a Redis 7.0-compatible database whose every byte comes from the tiermem core
 * through mem.h. Its parts, each in a file of its own:
 *
 *   entry.c     the per-key entry (one DRAM block: header + key bytes)
 *   db.c        databases: the keyspace dict, the expiry index, lookups, add/delete, the
 *               mutation hooks (snapshot pre-images, dirty counter, WATCH later)
 *   object.c    what is common to all values: free, memory usage, encoding names
 *   t_string.c t_list.c t_set.c t_hash.c t_zset.c   one file per data type (structures and
 *               commands)
 *   cmd_*.c     commands that are not about one type (keys, connection, server)
 *   commands.c  THE command table (rows from commands.def) and name lookup
 *   server.c    clients, the batch loop (parse, dispatch, execute, reply), cron
 *   multi.c     MULTI/EXEC/WATCH: the per-client queue, the per-db watched keys
 *   xclient.c   clients acting on other clients: the woken list, the unblocked queue, CLIENT
 *               PAUSE (blocking.c, pubsub.c, monitor.c and cmd_client.c build on it)
 *   resp.c reply.c util.c   bytes in, bytes out, numbers as Redis prints them
 *
 * A command is a function `void cmd_xxx(st_client *c)`: it reads c->argv, looks keys up with
 * the lookup_* helpers below (which expire lazily, type-check and reply WRONGTYPE), changes
 * the keyspace only through db_* calls, and writes exactly one reply with reply_* calls on
 * &c->out. Errors use the ERR_* texts below, which are Redis 7.0.15's, byte for byte.
 *
 * Allocation failures: a command allocates what it needs before it changes anything, so that
 * an OOM (NULL from sm_* or a db_* call) leaves the keyspace as it was; it then replies
 * reply_oom(c). The engine is single-threaded: one st_store per event loop. */
#ifndef TM_STORE_H
#define TM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dict.h"
#include "errstats.h"
#include "mem.h"
#include "memprofile.h"
#include "reply.h"
#include "resp.h"

typedef struct st_store st_store;
typedef struct st_client st_client;
typedef struct st_db st_db;

/* ------------------------------------------------------------------------------ entries */

/* Encodings, per type (OBJECT ENCODING names in object.c). */
enum {
  ENC_RAW = 0,       /* string: val -> vlen bytes (a data block) */
  ENC_INT = 1,       /* string: the int64 is stored in val itself; no block */
  ENC_LISTPACK = 2,  /* list, hash, set, zset: val -> a listpack (data block) */
  ENC_INTSET = 3,    /* set: val -> an intset (data block) */
  ENC_QUICKLIST = 4, /* list: val -> quicklist (metadata) of listpack nodes (data) */
  ENC_HASHTABLE = 5, /* hash, set: val -> a dict-based object (metadata + data) */
  ENC_SKIPLIST = 6   /* zset: val -> a zset (zsl.h) */
};

/* Entry flags. */
enum {
  E_VAL_PMEM = 1 << 0,  /* the block val points to is on the PMem tier */
  E_SELF_PMEM = 1 << 1, /* the entry block itself spilled to PMem (DRAM was full) */
  E_EXPIRES = 1 << 2,   /* an expire area (int64 ms + uint32 heap index) precedes the key */
  E_LONGKEY = 1 << 3,   /* key length > 255: a uint32 length precedes the key */
  E_RAWSTR = 1 << 4,    /* string made by APPEND/SETRANGE: OBJECT ENCODING says "raw" */
  E_MIG_PROBE = 1 << 5  /* watched by the promotion gate (mig_gate.h); a read clears it */
};

/* One key: a single DRAM block (category keys) holding this header, then the optional expire
 * area, the optional long length, then the key bytes. 30 bytes + key: a 16-byte key fits the
 * 48-byte size class. Multi-byte fields after `klen8` are unaligned: use the accessors. */
typedef struct st_entry {
  dict_node node;   /* chain link in its db's keyspace dict (first field: intrusive) */
  void *val;        /* the value: a block, a collection object, or (ENC_INT) the integer */
  uint32_t version; /* snapshot epoch of the last change (persistence: before/after the cut) */
  uint32_t meta;    /* access clock (24 bits, LRU minutes or LFU) | type (4) | encoding (4) */
  uint32_t vlen;    /* ENC_RAW strings: byte length; collections: free for the type's use */
  uint8_t flags;    /* E_* */
  uint8_t klen8;    /* key length when !E_LONGKEY */
  unsigned char rest[];
} st_entry;

static inline unsigned entry_type(const st_entry *e) { return (e->meta >> 4) & 15u; }
static inline unsigned entry_enc(const st_entry *e) { return e->meta & 15u; }
static inline void entry_set_enc(st_entry *e, unsigned enc) {
  e->meta = (e->meta & ~15u) | (enc & 15u);
}
static inline uint32_t entry_clock(const st_entry *e) { return e->meta >> 8; }
static inline uint8_t entry_val_tier(const st_entry *e) {
  return (e->flags & E_VAL_PMEM) ? TM_PMEM : TM_DRAM;
}
static inline void entry_set_val_tier(st_entry *e, uint8_t tier) {
  e->flags = (uint8_t)((e->flags & ~E_VAL_PMEM) | (tier == TM_PMEM ? E_VAL_PMEM : 0));
}
/* The key's bytes and length. */
const unsigned char *entry_key(const st_entry *e, size_t *len);
/* Absolute expire time in ms since the epoch, or -1 when the key has none. */
int64_t entry_expire(const st_entry *e);
/* ENC_INT strings. */
static inline int64_t entry_int(const st_entry *e) { return (int64_t)(intptr_t)e->val; }
static inline void entry_set_int(st_entry *e, int64_t v) { e->val = (void *)(intptr_t)v; }

/* ------------------------------------------------------------------------------ databases */

typedef struct st_expires {
  st_entry **heap; /* min-heap by expire time; each entry stores its index */
  size_t len, cap;
  uint8_t tier;
} st_expires;

struct st_db {
  dict keys;          /* st_entry nodes */
  st_expires expires; /* the keys with a TTL */
  int id;
  uint64_t avg_ttl; /* INFO keyspace */
  dict watched;     /* WATCHed keys -> their watchers (multi.c); no table when none */
};

/* Look a key up without side effects beyond lazy expiry (NULL if missing or just expired). */
st_entry *db_find(st_client *c, st_db *db, const void *key, size_t len);

/* The lookup helpers every command uses (Redis's lookupKeyRead/Write + checkType).
 * lookup_read: lazy expiry, keyspace hit/miss stats, access clock. lookup_write: lazy expiry
 * and the pre-modification hook (snapshots keep the old value first). */
st_entry *lookup_read(st_client *c, const resp_arg *key);
st_entry *lookup_write(st_client *c, const resp_arg *key);
/* lookup_write without the in-place hook, for commands that read the old value and then only
 * replace or delete it through db_replace_value(_ttl) / db_delete_entry, which run the hook
 * themselves (a snapshot can then keep the old block instead of serializing it), or that only
 * read it (SORT ... STORE's pattern keys). */
st_entry *lookup_overwrite(st_client *c, const resp_arg *key);
/* 1 (and a WRONGTYPE reply) if e is not of `type`. */
int check_type(st_client *c, const st_entry *e, unsigned type);

/* What lookup_*_or_reply sends when the key is missing. */
typedef enum { MISS_NULL, MISS_ZERO, MISS_EMPTY_ARRAY, MISS_NULL_ARRAY, MISS_SILENT } st_miss;
/* The lookup + type check + reply-on-miss in one: NULL means the reply was sent (missing, or
 * WRONGTYPE) and the command is done. */
st_entry *lookup_read_or_reply(st_client *c, const resp_arg *key, unsigned type, st_miss miss);
/* For writes: NULL with *wrongtype = 0 means missing (nothing replied); NULL with
 * *wrongtype = 1 means WRONGTYPE was replied. */
st_entry *lookup_write_typed(st_client *c, const resp_arg *key, unsigned type, int *wrongtype);

/* Add a new key (absent: the caller checked) holding an already built value. The entry takes
 * ownership of val. Returns the entry, or NULL on OOM (then the caller still owns val). */
st_entry *db_add(st_client *c, st_db *db, const void *key, size_t klen, unsigned type, unsigned enc,
                 void *val, uint32_t vlen, uint8_t vtier);
/* Delete a key: unlink, drop its TTL, free its value and entry. 1 if it existed. */
int db_delete(st_client *c, st_db *db, const void *key, size_t klen);
/* Delete an entry already found (a collection that became empty, an overwrite by SET). */
void db_delete_entry(st_client *c, st_db *db, st_entry *e);
/* Give e a new value of another type (SET over a hash): frees the old value, keeps key/TTL. */
void db_replace_value(st_client *c, st_db *db, st_entry *e, unsigned type, unsigned enc, void *val,
                      uint32_t vlen, uint8_t vtier);
/* db_replace_value with the TTL set as part of the same change (SET EX, RESTORE, COPY, RENAME
 * over a key): when_ms an absolute time, DB_TTL_NONE (drop it) or DB_TTL_KEEP. The snapshot's
 * pre-image keeps the old value and TTL. Returns the entry (it may move), or NULL on OOM with
 * nothing changed (the caller still owns val). */
#define DB_TTL_NONE (-1)
#define DB_TTL_KEEP (-2)
st_entry *db_replace_value_ttl(st_client *c, st_db *db, st_entry *e, unsigned type, unsigned enc,
                               void *val, uint32_t vlen, uint8_t vtier, int64_t when_ms);
/* Set an absolute expire time (ms). Adding the first TTL grows the entry block, so the entry
 * may move: use the returned pointer. NULL on OOM (e unchanged). */
st_entry *db_set_expire(st_client *c, st_db *db, st_entry *e, int64_t when_ms);
/* Drop a TTL. 1 if there was one. */
int db_persist(st_db *db, st_entry *e);
/* Move an entry to another key name and/or db (RENAME, MOVE, COPY use it). The new entry
 * takes e's value, type and TTL (keep_ttl); e is freed. NULL on OOM (e untouched). */
st_entry *db_rekey(st_client *c, st_db *from, st_entry *e, st_db *to, const void *key, size_t klen,
                   int keep_ttl);
/* Every key of a db gone (FLUSHDB); all dbs (FLUSHALL). */
void db_flush(st_client *c, st_db *db);

/* The mutation hook. Every path that changes a key's value in place calls key_modified(c, db, e)
 * after the change (db_add, db_delete*, db_replace_value, db_set_expire and db_rekey call it
 * themselves): entry version (snapshots), dirty counter (rdb_changes_since_last_save), WATCH.
 * store_dirty adds to the counter for bulk changes (FLUSHALL). */
void key_modified(st_client *c, st_db *db, st_entry *e);
void store_dirty(st_client *c, uint64_t n);

/* ------------------------------------------------------------------------------ values */

/* object.c: what every type provides, dispatched on the entry's type. */
void obj_free(st_store *st, st_entry *e);          /* free the value (not the entry) */
size_t obj_usage(st_store *st, const st_entry *e); /* MEMORY USAGE: value bytes, O(1) */
const char *obj_type_name(unsigned type);          /* "string", "list", ... */
const char *obj_encoding_name(const st_entry *e);  /* "int", "embstr", "raw", "listpack", ... */

/* Per-type value lifecycle, implemented in the t_*.c files: the usage (O(1)), and for the
 * collections an incremental free of a value detached from its key, which frees up to max
 * members and returns how many remain (at 0 the value is gone; small encodings go in one
 * step). obj_free runs one step and leaves the rest to lazyfree.c. */
void str_free(st_store *st, st_entry *e);
size_t str_usage(st_store *st, const st_entry *e);
size_t list_usage(st_store *st, const st_entry *e);
size_t list_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max);
size_t set_usage(st_store *st, const st_entry *e);
size_t hash_usage(st_store *st, const st_entry *e);
size_t zset_usage(st_store *st, const st_entry *e);
size_t zset_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max);

/* ------------------------------------------------------------------------------ config */

/* Parameters the data plane reads (CONFIG GET/SET itself lives in TypeScript, which pushes
 * values here with st_config_set). Names are Redis's. */
typedef struct st_config {
  int64_t hash_max_listpack_entries; /* 128 */
  int64_t hash_max_listpack_value;   /* 64 */
  int64_t list_max_listpack_size;    /* -2: 8 KiB per node; > 0: entries per node */
  int64_t list_compress_depth;       /* 0 (compression not implemented: accepted, ignored) */
  int64_t set_max_intset_entries;    /* 512 */
  int64_t set_max_listpack_entries;  /* 128 */
  int64_t set_max_listpack_value;    /* 64 */
  int64_t zset_max_listpack_entries; /* 128 */
  int64_t zset_max_listpack_value;   /* 64 */
  int64_t proto_max_bulk_len;        /* 512 MiB */
  int64_t client_query_buffer_limit; /* 1 GiB */
  int64_t databases;                 /* 16 (fixed at start) */
  int64_t active_expire_effort;      /* 1..10 */
  int64_t slowlog_log_slower_than;   /* 10000 us; < 0 off, 0 every command (slowlog.c) */
  int64_t slowlog_max_len;           /* 128 entries */
  int64_t acllog_max_len;            /* 128 ACL LOG entries (acl_log.c) */
  int64_t latency_monitor_threshold; /* 0 ms: off (latency.c) */
  int64_t latency_tracking;          /* 1: per-command histograms (latency_hist.h) */
  /* Memory limits and eviction (evict.h) and the tier migrator (migrate.h). */
  uint64_t maxmemory;        /* bytes the store may hold on both tiers together; 0 = none
                              * (unsigned long long as Redis's: up to 2^64-1) */
  int64_t maxmemory_policy;  /* MM_* (access.h): noeviction */
  int64_t maxmemory_samples; /* 5 */
  int64_t lfu_log_factor;    /* 10 */
  int64_t lfu_decay_time;    /* 1 (minutes) */
  int64_t migrate_rate;      /* bytes/s the migrator may copy between tiers; 0 = off (default) */
  int64_t migrate_auto;      /* 1: promotions on read and DRAM-pressure demotions (a ratio
                              * controller steers); 0: only the controller's quotas move */
  int64_t rdbcompression;    /* 1: LZF strings in RDB files and DUMP payloads */
  int64_t rdbchecksum;       /* 1: CRC64 at the end of RDB files */
  int64_t misconf;           /* set by the control plane: a background save failed and
                    * stop-writes-on-bgsave-error applies, so writes get MISCONF */
  int64_t aof_write_errno;   /* set by the control plane: the errno of the AOF's failed write
                              * (or everysec fsync) while appendonly is on, 0 when it succeeds
                              * again; writes get aof_disk_error()'s MISCONF (aof.h) */
  int64_t test_faults;       /* tests only (internal.h): set when TIERMEM_TEST_FAULTS=1 at start */
} st_config;

/* client-output-buffer-limit classes (the socket owner enforces the limits: it sees the
 * socket's backlog as well as what the engine still holds). */
enum { OBUF_NORMAL = 0, OBUF_REPLICA = 1, OBUF_PUBSUB = 2 };

/* ------------------------------------------------------------------------------ clients */

enum {
  CL_CLOSE_AFTER_REPLY = 1 << 0, /* protocol error or QUIT: close once the reply is sent */
  CL_CLOSE_ASAP = 1 << 1,        /* buffer limit: close without sending more */
  CL_MULTI = 1 << 2,             /* after MULTI: commands are queued, not executed */
  CL_DIRTY_CAS = 1 << 3,         /* a WATCHed key changed: EXEC will reply a null array */
  CL_DIRTY_EXEC = 1 << 4,        /* a command was refused while queueing: EXEC aborts */
  /* Running EXEC's queued commands (Redis's CLIENT_DENY_BLOCKING inside MULTI): a blocking
   * command must not block but answer at once as on timeout; nothing is queued meanwhile. */
  CL_IN_EXEC = 1 << 5,
  /* Clients acting on other clients (xclient.c and the files built on it). */
  CL_WOKEN = 1 << 8,            /* on st->woken */
  CL_QUEUED = 1 << 9,           /* on the unblocked queue: its pending input runs next */
  CL_BLOCKED = 1 << 10,         /* waiting (c->blocked says on what): input is held */
  CL_PUBSUB = 1 << 11,          /* subscribed to a channel or pattern (RESP2 subscribed mode) */
  CL_MONITOR = 1 << 12,         /* MONITOR: every command is copied to it */
  CL_REPLY_OFF = 1 << 13,       /* CLIENT REPLY OFF */
  CL_REPLY_SKIP_NEXT = 1 << 14, /* CLIENT REPLY SKIP: the next command's reply is dropped */
  CL_REPLY_SKIP = 1 << 15,      /* dropping this command's reply */
  CL_NO_EVICT = 1 << 16,        /* CLIENT NO-EVICT on */
  CL_SERVING = 1 << 18          /* its blocking command re-runs for a key that became ready */
};

struct st_client {
  uint64_t id;
  st_store *st;
  st_db *db;
  resp_parser in;
  reply_buf out;
  /* The command being executed (argv points into the query buffer). */
  int argc;
  resp_arg *argv;
  const struct st_cmd *cmd;
  /* CLIENT LIST cmd=: the row the last lookup found (NULL: unknown), refused or not. */
  const struct st_cmd *lastcmd;
  uint32_t flags; /* CL_* */
  int resp;       /* protocol version: 2 */
  char *name;     /* CLIENT SETNAME (sm block, NUL-terminated), or NULL */
  size_t name_len;
  int fd;        /* the socket's descriptor, given by the socket owner (-1 if unknown) */
  char addr[64]; /* peer "ip:port" and local address, given by the socket owner */
  char laddr[64];
  uint8_t self_tier, name_tier; /* where the client struct and its name block live */
  int64_t ctime_ms;             /* connected at */
  int64_t last_ms;              /* last interaction */
  uint64_t commands;            /* commands executed on this connection */
  /* Transactions (multi.c): the commands queued since MULTI, and the keys WATCHed. */
  struct st_queued *mq_head, *mq_tail;
  size_t mq_count, mq_bytes;
  struct st_watcher *watching;
  struct st_user *user; /* ACL user (acl.h); NULL once that user was deleted */
  uint8_t authenticated;
  struct st_client *prev, *next; /* the store's client list */
  /* Clients acting on other clients. */
  uint32_t handle;                       /* the socket owner's number for it (its slot) */
  struct st_client *woken_next;          /* on st->woken (CL_WOKEN) */
  struct st_client *queued_next;         /* on the unblocked queue (CL_QUEUED) */
  struct st_blocked *blocked;            /* blocking.c: what it waits for, until when */
  struct ps_client *ps;                  /* pubsub.c: its channels, patterns, shard channels */
  struct st_client *mon_prev, *mon_next; /* on st->monitors (CL_MONITOR) */
};

/* ------------------------------------------------------------------------------ commands */

typedef void st_cmd_fn(st_client *c);

/* Command flags (COMMAND INFO names in commands.c). */
enum {
  CMD_WRITE = 1 << 0,
  CMD_READONLY = 1 << 1,
  CMD_DENYOOM = 1 << 2,
  CMD_ADMIN = 1 << 3,
  CMD_PUBSUB = 1 << 4,
  CMD_NOSCRIPT = 1 << 5,
  CMD_BLOCKING = 1 << 6,
  CMD_LOADING = 1 << 7,
  CMD_STALE = 1 << 8,
  CMD_SKIP_MONITOR = 1 << 9,
  CMD_SKIP_SLOWLOG = 1 << 10,
  CMD_FAST = 1 << 11,
  CMD_NO_AUTH = 1 << 12,
  CMD_MAY_REPLICATE = 1 << 13,
  CMD_SENTINEL = 1 << 14,
  CMD_NO_ASYNC_LOADING = 1 << 15, /* metadata only: the store never loads asynchronously */
  CMD_NO_MULTI = 1 << 16,
  CMD_MOVABLE_KEYS = 1 << 17,
  CMD_ALLOW_BUSY = 1 << 18,
  CMD_JS = 1 << 24,       /* executed by the TypeScript control plane (INFO, CONFIG, ...) */
  CMD_CONTAINER = 1 << 25 /* has subcommands (set by the CONTAINER rows) */
};

/* ACL categories (Redis 7.0's; COMMAND INFO lists them as @name). */
enum {
  ACL_KEYSPACE = 1 << 0,
  ACL_READ = 1 << 1,
  ACL_WRITE = 1 << 2,
  ACL_SET = 1 << 3,
  ACL_SORTEDSET = 1 << 4,
  ACL_LIST = 1 << 5,
  ACL_HASH = 1 << 6,
  ACL_STRING = 1 << 7,
  ACL_BITMAP = 1 << 8,
  ACL_HYPERLOGLOG = 1 << 9,
  ACL_GEO = 1 << 10,
  ACL_STREAM = 1 << 11,
  ACL_PUBSUB = 1 << 12,
  ACL_ADMIN = 1 << 13,
  ACL_FAST = 1 << 14,
  ACL_SLOW = 1 << 15,
  ACL_BLOCKING = 1 << 16,
  ACL_DANGEROUS = 1 << 17,
  ACL_CONNECTION = 1 << 18,
  ACL_TRANSACTION = 1 << 19,
  ACL_SCRIPTING = 1 << 20
};

/* The command table is built from rows in commands.def files, one per family (cmd_keys.def,
 * t_string.def, ...), all included by commands.c into ONE table:
 *   COMMAND(get, 2, CMD_READONLY | CMD_FAST, ACL_READ | ACL_STRING | ACL_FAST, 1, 1, 1,
 *           "string", "1.0.0", "Returns the string value of a key.", "O(1)")
 * declares "get", executed by `void cmd_get(st_client *c)`. Containers and their rows:
 *   CONTAINER(object, -2, 0, ACL_SLOW, 0, 0, 0, "generic", "2.2.3", "...", "...")   (no fn;
 *   CONTAINER_FN(command, ...) for a container that also runs alone: cmd_command)
 *   JS_COMMAND(info, ...), JS_SUBCOMMAND(config, get, ...): served by the control plane (CMD_JS,
 *   no C function: st->defer is called)
 *   SUBCOMMAND(object, encoding, 3, CMD_READONLY, ACL_KEYSPACE | ACL_READ | ACL_SLOW, 2, 2, 1,
 *              "generic", "2.2.3", "...", "O(1)")      -> "object|encoding", cmd_object_encoding
 *   SUBCOMMAND_AS(client, no_evict, "no-evict", ...): a name that is not a C identifier
 * The fields are those of COMMAND INFO / COMMAND DOCS in Redis 7.0.15: copy them from
 * redis-server's own `COMMAND INFO name` and `COMMAND DOCS name` replies. */
typedef struct st_cmd {
  const char *name;   /* lowercase; subcommands "config|get" */
  const char *parent; /* containers' subcommands: the container's name; else NULL */
  int arity;          /* > 0: exactly, < 0: at least -arity arguments, name included */
  uint32_t flags;     /* CMD_* */
  uint64_t acl;       /* ACL_* categories */
  int first_key, last_key, key_step;
  st_cmd_fn *fn;     /* NULL for containers */
  const char *group; /* COMMAND DOCS: "string", "generic", ... */
  const char *since;
  const char *summary;
  const char *complexity;
  uint32_t index; /* row number: st_store.cmdstats[index] */
} st_cmd;

/* The table (commands.c). */
extern const st_cmd *const st_commands;
/* Build the name index (once per process; st_create calls it). */
void cmd_table_init(void);
extern const size_t st_command_count;
/* The row for a name (case-insensitive), or NULL. */
const st_cmd *cmd_lookup(const unsigned char *name, size_t len);
/* The subcommand row of a container, or NULL. */
const st_cmd *cmd_lookup_sub(const st_cmd *container, const unsigned char *sub, size_t len);
/* 1 if the row is a container (has subcommands; it may also run alone, as COMMAND does). */
static inline int cmd_is_container(const st_cmd *cmd) { return (cmd->flags & CMD_CONTAINER) != 0; }

typedef struct st_cmdstat {
  uint64_t calls, usec, failed, rejected;
} st_cmdstat;

/* ------------------------------------------------------------------------------ the store */

typedef struct st_stats {
  uint64_t commands, connections, rejected_connections;
  uint64_t keyspace_hits, keyspace_misses, expired_keys, evicted_keys;
  uint64_t net_input, net_output;
  uint64_t buffer_limit_disconnects;
  uint64_t dirty; /* changes since the last save */
  uint64_t expired_stale_perc;
  uint64_t lazyfreed_objects;              /* values and keyspaces freed in the background */
  uint64_t dram_read_hits, pmem_read_hits; /* key reads by the tier of the value read */
  uint64_t purges;                         /* memory given back to the OS (purge.h) */
} st_stats;

/* A snapshot's figures (snapshot.h). */
typedef struct snapshot_stats {
  uint64_t keys;         /* records written */
  uint64_t preimages;    /* of which written by the pre-modification hook */
  uint64_t bytes;        /* file bytes */
  uint64_t peak_extra;   /* largest retained pre-images + buffers held, bytes */
  uint64_t missed_hooks; /* changes to owed entries that bypassed the hook (a bug: tests check 0) */
  uint64_t pieces;       /* steps that ended inside a big collection's record */
  uint64_t retained;     /* pre-images kept as blocks (written later by the steps) */
} snapshot_stats;
typedef struct st_snapshot st_snapshot;

/* Hands a CMD_JS command to the control plane; it appends the reply to c->out. */
typedef void st_defer_fn(st_store *st, st_client *c, void *arg);

struct st_store {
  sm mem;
  st_config cfg;
  st_db *dbs;
  int ndb;
  uint8_t dbs_tier;
  st_stats stats;
  st_client *clients; /* list head */
  st_client *current; /* the client whose command is executing */
  size_t nclients;
  uint64_t next_client_id;
  int64_t now_ms;   /* cached at the start of each command */
  uint32_t version; /* current snapshot epoch */
  st_defer_fn *defer;
  void *defer_arg;
  st_cmdstat *cmdstats;                  /* per command row */
  st_errstats errstats;                  /* error replies by code (INFO errorstats) */
  uint64_t internal_errors;              /* internal failures (internal.h) */
  struct st_internal *internal;          /* their reports waiting for the control plane */
  struct st_lazy *lazy_head, *lazy_tail; /* lazyfree.c's queue */
  size_t lazy_pending;
  int64_t purge_last_ms; /* purge.c: when memory was last given back */
  /* SLOWLOG (slowlog.c): newest first. */
  struct st_slowentry *slowlog_head, *slowlog_tail;
  uint64_t slowlog_len, slowlog_next_id;
  /* LATENCY (latency.c): one series per event, NULL until its first sample; the order in which
   * the events appeared (LATENCY LATEST lists them so). */
  struct st_latency_series *latency[4];
  uint8_t latency_order[4];
  int latency_count;
  struct lat_tracking *lat_tracking; /* latency_hist.h: per-command histograms, NULL at first */
  struct st_acl *acl;                /* users and the default user (acl.h) */
  struct st_mig *mig;       /* migrate.c: the migrator's budget, quota, pools and counters */
  st_snapshot *snap;        /* the running snapshot (snapshot.h), or NULL */
  uint32_t snap_cut;        /* its cut: entries with version <= snap_cut are owed to it */
  uint8_t snap_self_tier;   /* where its state block lives */
  uint64_t snap_missed;     /* owed entries changed without the hook (must stay 0) */
  snapshot_stats snap_last; /* the last snapshot's figures */
  st_memprofile profile;    /* the last BGSAVE STAT_MEMORY's (memprofile.h) */
  /* Clients acting on other clients (xclient.c, blocking.c, pubsub.c, monitor.c). */
  st_client *woken;                     /* given output or a close request by another */
  st_client *queued_head, *queued_tail; /* unblocked: their held input runs next, in order */
  int draining;                         /* st_run_queued is running */
  dict bk_keys;                         /* (db, key) -> the clients blocked on it, FIFO */
  struct bk_key *bk_ready;              /* keys made ready since the last serve */
  struct st_blocked *blocked_head;      /* every blocked client (timeouts, CLIENT UNBLOCK) */
  size_t blocked_clients;               /* INFO blocked_clients (postponed ones excluded) */
  int64_t timer_hint_ms;                /* earliest deadline set since the owner last looked */
  /* The volume hook (st_set_volume_hook): mem.routed at which it is next due. */
  uint64_t volume_at;
  uint64_t volume_every;
  void (*volume_hook)(st_store *st, void *arg);
  void *volume_arg;
  int64_t pause_end_ms; /* CLIENT PAUSE: until (ms), 0 = not paused */
  int pause_all;        /* ALL (1) or WRITE (0) */
  dict channels;        /* pubsub.c: channel -> subscribers */
  dict patterns;        /* pattern -> subscribers */
  dict shard_channels;  /* SSUBSCRIBE's channel -> subscribers */
  st_client *monitors;  /* monitor.c */
  struct st_aof *aof;   /* aof.c's propagation state; NULL until enabled */
};

/* cfg NULL: st_config_defaults with the slow log off, so that no allocation depends on how long
 * a command took (the C tests check byte counts after commands; the server passes its cfg). */
st_store *st_create(tm_heap *heap, const st_config *cfg);
void st_destroy(st_store *st);
void st_config_defaults(st_config *cfg);

st_client *st_client_new(st_store *st);
void st_client_free(st_client *c);
st_client *st_client_by_id(st_store *st, uint64_t id);
/* Feed bytes read from the socket: parse and execute every complete command, replies to
 * c->out. Returns 0, or -1 when the client must be closed (c->flags tells how). */
int st_feed(st_client *c, const void *data, size_t n);
/* Call hook(st, arg) between two commands once every `every` bytes of routed (threshold-placed)
 * allocation, counted from this call; the hook may re-arm itself. every 0 or hook NULL: none.
 * The ratio controller's early ticks: a pipeline runs in one st_feed, so its timer alone sees
 * a whole pipeline's flow at once. */
void st_set_volume_hook(st_store *st, uint64_t every, void (*hook)(st_store *st, void *arg),
                        void *arg);
/* Periodic work within a time budget (active expiry, incremental rehash); returns keys expired. */
uint64_t st_cron(st_store *st, uint64_t budget_us);

/* ------------------------------------------------------------------------------ clients acting on other clients */

/* A command may write to other clients (a PUBLISH, a push serving a blocked client, MONITOR)
 * or ask for another client's close (CLIENT KILL). It calls st_client_wake(other) after doing
 * so: the other client is queued once on st->woken, which the socket owner takes after each
 * st_feed / st_timers call (st_take_woken) to ship or close each woken client. So a socket
 * read stays one native call, and only clients with something new cost a call more. */
void st_client_wake(st_client *c);
/* The woken clients (linked by woken_next), the list emptied; NULL when none. */
st_client *st_take_woken(st_store *st);
/* Timers: blocking timeouts and the end of CLIENT PAUSE. Runs what is due at st->now_ms (the
 * woken clients then wait on st->woken) and returns the ms until the next deadline, or -1.
 * A command that sets a deadline also records it in st->timer_hint_ms (the earliest since the
 * socket owner last read and cleared it) so that the owner can arm its timer. */
int64_t st_timers(st_store *st);
void st_timer_hint(st_store *st, int64_t deadline_ms);
/* Queue an unblocked client: its held input (and a postponed command) runs after the command
 * being executed, before the next one of the client that caused it (Redis's unblocked list). */
void st_queue_unblocked(st_client *c);
/* Run the queued clients' input (st_feed calls it; timers too). */
void st_run_queued(st_store *st);
/* Drop every tie c has to others (blocking, subscriptions, MONITOR, the queues): before a
 * client is freed, and when CLIENT KILL closes it. */
void st_client_detach(st_client *c);
/* The client's output-buffer class (OBUF_NORMAL or OBUF_PUBSUB; MONITOR counts as normal). */
int st_client_obuf_class(const st_client *c);
/* The client's CLIENT LIST line (ending in a newline) into buf: its length (cmd_conn.c). */
size_t client_line(const st_client *cl, char *buf, size_t cap);
/* Redis never closes a blocked or subscribed client for `timeout` (clientsCronHandleTimeout). */
int st_client_idle_exempt(const st_client *c);
/* xclient.c's part of st_create / st_destroy. */
void xclient_init(st_store *st);
void xclient_destroy(st_store *st);

/* Argument helpers: reply with Redis's error and return -1 on a bad value. */
int arg_ll(st_client *c, int i, long long *out); /* ERR_NOT_INT */
int arg_ll_range(st_client *c, int i, long long min, long long max, long long *out,
                 const char *err);
int arg_double(st_client *c, int i, double *out); /* ERR_NOT_FLOAT */
/* Case-insensitive comparison of argument i with a lowercase word. */
int arg_is(const st_client *c, int i, const char *word);
static inline int arg_eq(const resp_arg *a, const char *word) {
  size_t n = strlen(word);
  if (a->len != n) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = a->ptr[i];
    if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
    if (ch != (unsigned char)word[i]) return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------------------ errors */

#define ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define ERR_SYNTAX "ERR syntax error"
#define ERR_NOT_INT "ERR value is not an integer or out of range"
#define ERR_NOT_FLOAT "ERR value is not a valid float"
#define ERR_OVERFLOW "ERR increment or decrement would overflow"
#define ERR_NO_SUCH_KEY "ERR no such key"
#define ERR_OUT_OF_RANGE "ERR index out of range"
#define ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."
#define ERR_DB_INDEX "ERR DB index is out of range"
#define ERR_HASH_NOT_INT "ERR hash value is not an integer"
#define ERR_POSITIVE "ERR value is out of range, must be positive"
#define ERR_MAX_SIZE "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
#define ERR_MISCONF                                                                              \
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "  \
  "disk. Commands that may modify the data set are disabled, because this instance is "          \
  "configured to report errors during writes if RDB snapshotting fails "                         \
  "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB " \
  "error."

static inline void reply_oom(st_client *c) { reply_error(&c->out, "%s", ERR_OOM); }
void reply_wrong_arity(st_client *c, const char *name);
/* A HELP reply as Redis's addReplyHelp: the header line, the lines (NULL-terminated), "HELP". */
void reply_help(st_client *c, const char *container, const char *const *lines);

/* The Redis version whose protocol and semantics the store follows (HELLO, INFO). */
#define ST_REDIS_VERSION "7.0.15"

/* ------------------------------------------------------------------------------ t_string.c and cmd_keys.c */

/* A string value built before it is stored (allocate first, commit after). */
typedef struct str_val {
  void *val;     /* ENC_RAW: the block (NULL for ""); ENC_INT: the integer */
  uint32_t vlen; /* ENC_RAW: bytes */
  uint8_t tier;
  unsigned enc; /* ENC_RAW or ENC_INT */
} str_val;

#define STR_INTBUF 24 /* an int64 in decimal, with sign and NUL */

/* Build a value from bytes as SET stores it (ENC_INT when a canonical int64). -1 on OOM. */
int str_make(st_store *st, const void *p, size_t len, str_val *v);
/* A copy of a string entry's value (COPY). -1 on OOM. */
int str_dup(st_store *st, const st_entry *e, str_val *v);
void str_val_free(st_store *st, str_val *v);
/* A string entry's bytes (ints printed into buf) and length. */
const unsigned char *str_bytes(const st_entry *e, char buf[STR_INTBUF], size_t *len);
size_t str_len(const st_entry *e);
/* Redis's setKey for strings: e (from lookup_write, any type, or NULL) holds v afterwards.
 * keep_ttl keeps the TTL, when_ms >= 0 sets one, otherwise the TTL goes. Returns the entry
 * (it may have moved), or NULL on OOM: nothing changed and v is still the caller's. */
st_entry *str_set_val(st_client *c, st_entry *e, const resp_arg *key, str_val *v, int keep_ttl,
                      int64_t when_ms);
/* The same from bytes (may overwrite a raw block in place); NULL on OOM, nothing changed. */
st_entry *str_set(st_client *c, st_entry *e, const resp_arg *key, const void *p, size_t len,
                  int keep_ttl, int64_t when_ms);
/* A raw value of len bytes copied from p (p NULL: uninitialized; len 0: no block). -1 on OOM. */
int str_raw_alloc(st_store *st, const void *p, size_t len, str_val *v);
/* Make a string entry an exclusive raw block ("raw" to OBJECT ENCODING) of at least new_len
 * bytes, the new tail zeroed (ints become their decimal bytes). -1 on OOM, entry unchanged. */
int str_grow_zero(st_client *c, st_entry *e, size_t new_len);
/* The longest string the store holds: proto-max-bulk-len, within vlen's 32 bits. */
uint64_t str_max_len(const st_store *st);
/* Reply a string entry as a bulk string. */
void reply_str(st_client *c, const st_entry *e);
/* An EX/PX/EXAT/PXAT argument as absolute ms, or -1 after Redis's error reply
 * ("invalid expire time in '<cmd>' command"). */
int64_t str_expire_arg(st_client *c, int i, int unit_s, int relative);

/* ------------------------------------------------------------------------------ reading collections (SORT) */

/* A visitor of collection elements: bytes s[0..len); `transient` when s points into a buffer
 * that the next element reuses (an integer rendered as text). Nonzero stops the walk. */
typedef int st_elem_fn(void *ctx, const unsigned char *s, size_t len, int transient);
/* A list's elements from index `start` (0-based, in range) towards the tail (fwd) or head. */
void list_each(st_store *st, st_entry *e, int64_t start, int fwd, st_elem_fn *fn, void *ctx);
/* A set's size, O(1); its members, in its internal order. */
uint64_t set_length(const st_entry *e);
void set_each(const st_entry *e, st_elem_fn *fn, void *ctx);
/* Bytes that may be an integer rendered into buf. */
typedef struct st_bytes {
  const unsigned char *s;
  size_t len;
  char buf[STR_INTBUF];
} st_bytes;
/* A hash field's value into *out (valid until the hash changes): 1, or 0 if absent. */
int hash_field(const st_entry *e, const void *f, size_t flen, st_bytes *out);
/* Store a new list of n elements under key, replacing whatever it held (any type; the TTL
 * goes), as Redis's setKey. The entry, or NULL on OOM with nothing changed. */
st_entry *list_store(st_client *c, const resp_arg *key, size_t n, const unsigned char *const *s,
                     const size_t *len);

/* Duplicates of values for COPY (copy.c dispatches on the type; each type file builds its
 * own): the whole value is built first (-1 on OOM, nothing left allocated); a duplicate not
 * committed to a key is freed with obj_dup_free. */
int obj_dup(st_store *st, st_entry *e, str_val *out);
void obj_dup_free(st_store *st, unsigned type, str_val *v);
int list_dup(st_store *st, st_entry *e, str_val *out);
int set_dup(st_store *st, const st_entry *e, str_val *out);
int hash_dup(st_store *st, const st_entry *e, str_val *out);

/* t_hash.c and t_set.c */

/* Incremental free of a value already detached from its key (lazy free of a huge collection):
 * frees up to max members (bounded work: dict_drain) and returns how many remain; at 0 the
 * value is gone. Small encodings go in one step. tier: the entry's value tier bit. */
size_t set_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max);
size_t hash_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max);

/* Helpers the collection commands share (t_set.c). */
typedef struct coll_vec { /* a growable temporary array of pointers (SM_STORE, TM_CAT_OTHER) */
  void **v;
  size_t n, cap;
  uint8_t tier;
  int oom; /* a push was refused */
} coll_vec;
int coll_vec_push(st_store *st, coll_vec *v, void *p);
void coll_vec_free(st_store *st, coll_vec *v);
void *coll_tmp_alloc(st_store *st, size_t size, uint8_t *tier);
void coll_tmp_free(st_store *st, void *p, size_t size, uint8_t tier);
/* SCAN family: the cursor argument ("ERR invalid cursor"), [MATCH p] [COUNT n] from argument
 * `first` (pat NULL when absent or "*"), and the reply's head (*2, the cursor as a bulk). */
int coll_scan_cursor(st_client *c, int i, uint64_t *cursor);
int coll_scan_opts(st_client *c, int first, long long *count, const resp_arg **pat);
void coll_reply_cursor(st_client *c, uint64_t cursor);
/* The head of HSCAN/SSCAN/ZSCAN key cursor [MATCH p] [COUNT n] (coll_scan.c), in Redis's order:
 * cursor, lookup and type, options. NULL once it has replied (an error, or the empty scan of a
 * missing key); otherwise the entry, with cursor, count and pat (NULL: everything) set. */
st_entry *coll_scan_begin(st_client *c, int type, uint64_t *cursor, long long *count,
                          const resp_arg **pat);
int coll_scan_match(const resp_arg *pat, const unsigned char *s, size_t len);
/* A node's member bytes, for MATCH. */
typedef const unsigned char *coll_scan_member_fn(const void *node, size_t *len);
/* One bounded step of a hashtable-encoded collection's scan: walks buckets from *cursor until
 * COUNT is reached (each node counted counted_per_node times: Redis 7.0.15 counts a hash's field
 * and value, a sorted set's member once) or COUNT*10 buckets, keeps the nodes whose member
 * matches pat in found, and replies the cursor and the array's header for items_per_node items
 * per node, which the caller sends before freeing found. -1: OOM replied, found freed. */
int coll_scan_dict(st_client *c, dict *d, uint64_t *cursor, long long count,
                   unsigned counted_per_node, unsigned items_per_node, const resp_arg *pat,
                   coll_scan_member_fn *member, coll_vec *found);
/* count distinct random nodes (count < dict_size) in a temporary block of count pointers
 * (free with coll_tmp_free); NULL on OOM. */
dict_node **coll_random_unique(st_store *st, dict *d, size_t count, uint8_t *tier);

/* Set members for other types' commands (ZUNIONSTORE and friends take sets, each member with
 * score 1): the cardinality, membership, and every member in the set's order (fn returns
 * non-zero to stop). */
size_t set_card(const st_entry *e);
int set_has_member(const st_entry *e, const unsigned char *s, size_t len);
typedef int set_member_fn(void *ctx, const unsigned char *s, size_t len);
void set_each_member(const st_entry *e, set_member_fn *fn, void *ctx);

/* t_list.c */

/* list_free_step's max counts blocks: max/2 quicklist nodes go per step (a node block and its
 * listpack of at most 64 KiB, whatever the element count); it returns the nodes left. */
/* Number of elements, O(1). */
uint64_t list_length(const st_entry *e);
/* What the blocking list commands share with the others (t_list_blocking.c). */
/* LEFT/RIGHT as QL_HEAD/QL_TAIL; -1 after the syntax error. */
int list_where_arg(st_client *c, int i);
/* Pop up to count elements (count < 0: one, as a bulk) from `where` of list e, replying them;
 * on OOM the reply is cut back to pos and OOM replied (-1). */
int list_pop_reply(st_client *c, st_entry *e, int where, long long count, const reply_pos *pos);
/* LMPOP/BLMPOP's arguments from numkeys at argv[numkeys_idx]: numkeys, LEFT|RIGHT, [COUNT n]
 * (1 when absent), with Redis's errors in Redis's order. 0, or -1 after the error reply. The
 * keys are argv[numkeys_idx + 1 ..]. */
int list_mpop_args(st_client *c, int numkeys_idx, int *nkeys, int *where, long long *count);
/* The [key, elements] reply of LMPOP/BLMPOP (BLPOP/BRPOP: count < 0, [key, element]) from list
 * e at argv[k]; OOM as list_pop_reply. */
void list_pop_keyed_reply(st_client *c, int k, st_entry *e, int where, long long count);
/* LMOVE argv[1] argv[2] from -> to, with its replies (source must exist or null is replied). */
void list_move(st_client *c, int from, int to);

/* ------------------------------------------------------------------------------ the call path */

/* How server.c's execute() runs one parsed command, in Redis 7.0.15's processCommand order:
 *   1. lookup: unknown command / unknown subcommand / wrong arity   -> error (rejected)
 *   2. [auth: NOAUTH unless CMD_NO_AUTH]                              (hook for AUTH)
 *   3. CL_MULTI and CMD_NO_MULTI -> "ERR Command not allowed inside a transaction"
 *   4. [ACL: NOPERM]                                                  (hook for ACL)
 *   5. [subscribed mode (RESP2): only (P|S)SUBSCRIBE/(P|S)UNSUBSCRIBE/PING/QUIT/RESET]
 *   5a. maxmemory reached, nothing evictable: CMD_DENYOOM, or anything but EXEC/DISCARD/QUIT/RESET
 *       while queueing -> OOM
 *   5b. cfg.misconf (a BGSAVE failed, stop-writes-on-bgsave-error) or cfg.aof_write_errno (an
 *       AOF write failed) and a write or PING -> MISCONF (aof_disk_error's text)
 *   5c. CLIENT PAUSE (ALL, or WRITE and a write or an EXEC queueing one) -> held (blk_postpone)
 *   6. CL_MULTI and not multi_runs_now(cmd) -> multi_queue (QUEUED)
 *   7. st_call.
 * Every refusal from 1 to 5 must call multi_flag_error(c) (EXEC then replies EXECABORT), as
 * Redis's rejectCommand does; the refusal helpers in server.c do. EXEC is checked in 5a/5b with
 * its queued commands' flags too (deny-oom, write), and any refusal of EXEC itself discards the
 * transaction with "EXECABORT Transaction discarded because of: <error>" (multi_exec_abort). */

/* Run a command that passed every check: the clock, the C function (or the control plane for
 * CMD_JS), per-command stats, SLOWLOG and LATENCY. EXEC calls it for each queued command that
 * its user may still run (then CL_IN_EXEC is set and the clock stays at EXEC's start, as
 * Redis's fixed time). */
void st_call(st_client *c, const st_cmd *cmd);

/* Back to a fresh connection's state (RESET, and what HELLO's callers share): discards MULTI,
 * unwatches, db 0, no name, replies on. Other per-client state (auth, subscriptions, monitor,
 * reply mode, tracking) adds its reset here, in cmd_conn.c. */
void client_reset(st_client *c);

/* slowlog.c: record a command run by st_call (it applies slowlog-log-slower-than, the
 * CMD_SKIP_SLOWLOG flag and slowlog-max-len); drop entries over slowlog-max-len; drop all. */
void slowlog_push(st_client *c, const st_cmd *cmd, int64_t duration_us);
void slowlog_trim(st_store *st);
void slowlog_reset(st_store *st);

/* latency.c: the latency monitor's events (Redis's names in latency.c). A sample of `ms` is kept
 * when latency-monitor-threshold is > 0 and ms reaches it. */
enum {
  LAT_COMMAND = 0,
  LAT_FAST_COMMAND = 1,
  LAT_EXPIRE_CYCLE = 2,
  LAT_COMMAND_UNBLOCKING = 3, /* serving a blocked client (blocking.c) */
  LAT_EVENTS = 4
};
void latency_add_if_needed(st_store *st, int event, int64_t ms);
void latency_reset_all(st_store *st);

/* multi.c */

/* A command refused while queueing (between MULTI and EXEC): EXEC will abort. No-op outside
 * MULTI. */
void multi_flag_error(st_client *c);
/* 1 for the commands that run even inside MULTI: EXEC DISCARD MULTI WATCH QUIT RESET. */
int multi_runs_now(const st_cmd *cmd);
/* Copy c->argv (out of the query buffer) onto the queue and reply QUEUED (OOM: flags the
 * transaction and replies the OOM error). */
void multi_queue(st_client *c, const st_cmd *cmd);
/* The CMD_* flags of the queued commands together (CLIENT PAUSE WRITE holds an EXEC that
 * would write, as Redis's mstate.cmd_flags). */
uint32_t multi_queued_flags(const st_client *c);
/* EXEC refused by execute()'s checks (Redis's execCommandAbort): the transaction is discarded
 * (WATCH too, also outside MULTI), the monitors see the EXEC, and the reply is
 * "EXECABORT Transaction discarded because of: <why>" (why without a leading '-'). */
void multi_exec_abort(st_client *c, const st_cmd *exec, const char *why);
/* Leave MULTI: drop the queue and the CL_MULTI/CL_DIRTY_* flags, unwatch every key. */
void multi_discard(st_client *c);
/* Forget every key c watches. */
void watch_unwatch_all(st_client *c);
/* key_modified's WATCH hook (only called when db->watched is not empty). */
void watch_touch(st_store *st, st_db *db, const void *key, size_t len);
/* Before FLUSHDB/FLUSHALL empties `emptied` (replaced_with NULL) or SWAPDB gives it
 * replaced_with's contents: invalidate the watchers of the keys that exist on either side. */
void watch_db_emptied(st_store *st, st_db *emptied, st_db *replaced_with);
/* The key type of db->watched (dict_init of each db). */
extern const dict_type watched_keys_type;
/* Number of keys c watches (CLIENT LIST). */
size_t watch_count(const st_client *c);

/* t_zset.c: SORT's zsetConvert(OBJ_ENCODING_SKIPLIST): Redis turns a listpack sorted set it
 * sorts into a skiplist for good (OBJECT ENCODING, ZSCAN's order and score text follow). 0, or
 * -1 on OOM with the value as it was. */
int zset_convert_skiplist(st_store *st, st_entry *e);

/* t_zset.c: what the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) need. */

/* Reply forms of a pop: ZPOPMIN/ZPOPMAX's flat member,score,... array; BZPOPMIN/BZPOPMAX's
 * key,member,score; ZMPOP/BZMPOP's [key, [[member, score], ...]]. */
enum { ZPOP_REPLY_FLAT = 0, ZPOP_REPLY_KEYED = 1, ZPOP_REPLY_MPOP = 2 };
/* Pop up to count (>= 1) members from the min (max = 0) or max end of e (a zset entry of db,
 * found with lookup_write) and write the whole reply in `form`; scores as addReplyDouble. The
 * key is deleted when it becomes empty, else key_modified is called. OOM (a refused listpack
 * shrink): nothing popped, the OOM error replied. */
void zset_pop_reply(st_client *c, st_db *db, st_entry *e, int max, long count, int form);
/* ZMPOP/BZMPOP's arguments from numkeys at argv[numkeys_idx] (ZMPOP 1, BZMPOP 2): numkeys,
 * MIN|MAX, [COUNT n], with Redis's errors in Redis's order. 0, or -1 after the error reply.
 * The keys are argv[numkeys_idx + 1 ..]. */
int zset_mpop_args(st_client *c, int numkeys_idx, long *numkeys, int *max, long *count);

/* Persistence access (rdb_save.c, rdb_load.c): hashtable-encoded hashes (t_hash.c) and sets
 * (t_set.c) built member by member and visited (b is NULL for set members). insert returns 1
 * when added, 0 when the field or member is already there (nothing changed), -1 on OOM. */
typedef void coll_visit_fn(void *arg, const unsigned char *a, size_t alen, const unsigned char *b,
                           size_t blen);
int hash_ht_create(st_store *st, size_t hint, void **val, uint8_t *tier);
int hash_ht_insert(st_store *st, void *val, const unsigned char *f, size_t flen,
                   const unsigned char *v, size_t vlen);
size_t hash_ht_size(const void *val);
void hash_ht_each(const void *val, coll_visit_fn *fn, void *arg);
int set_ht_create(st_store *st, size_t hint, void **val, uint8_t *tier);
int set_ht_insert(st_store *st, void *val, const unsigned char *m, size_t len);
size_t set_ht_size(const void *val);
void set_ht_each(const void *val, coll_visit_fn *fn, void *arg);
/* The same one element at a time (snapshots write a big one in pieces): the member dict, and
 * one of its nodes visited. */
dict *hash_ht_dict(void *val);
void hash_ht_visit(const dict_node *n, coll_visit_fn *fn, void *arg);
dict *set_ht_dict(void *val);
void set_ht_visit(const dict_node *n, coll_visit_fn *fn, void *arg);

/* walk.c */

/* The accounting oracle: visit every live block of the store (keyspaces, entries, values,
 * expiry heaps, the dbs array, clients and their buffers, the lazyfree queue), each as
 * (ptr, requested size, tier, owner, category), exactly as it was allocated. For tests. */
typedef void st_walk_fn(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                        tm_category cat);
void st_walk_blocks(st_store *st, st_walk_fn *visit, void *arg);
/* The pieces, for the type files and lazyfree.c: a dict's bucket arrays, one entry (its block
 * and its value), one value (not its entry). */
void st_walk_dict_tables(const dict *d, st_walk_fn *visit, void *arg);
/* Every node linked in d (raw bucket walk: no rehash step, no pause; fn must not change d). */
void st_walk_dict_nodes(const dict *d, void (*fn)(const dict_node *n, void *ctx), void *ctx);
/* What a type walker's node callback gets. */
typedef struct st_walk_ctx {
  st_store *st;
  st_walk_fn *visit;
  void *arg;
} st_walk_ctx;
void st_walk_entry(st_store *st, const st_entry *e, st_walk_fn *visit, void *arg);
void st_walk_value(st_store *st, unsigned type, unsigned enc, const void *val, uint8_t tier,
                   st_walk_fn *visit, void *arg);
/* Per type (t_list.c, t_set.c, t_hash.c, t_zset.c; lazyfree.c for its queue). */
void list_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg);
void set_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
              void *arg);
void hash_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg);
void zset_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg);
void lazy_walk(st_store *st, st_walk_fn *visit, void *arg);
/* A big collection (quicklist, hashtable, skiplist) in parts, as a snapshot writes it: its head
 * (node NULL: everything but the element nodes) or one element node (a quicklist node, a
 * skiplist node, a hash or set dict node). The head and every node visit what X_walk visits. */
void list_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg);
void set_walk_part(st_store *st, const void *val, uint8_t tier, const void *node, st_walk_fn *visit,
                   void *arg);
void hash_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg);
void zset_walk_part(st_store *st, const void *val, uint8_t tier, const void *node,
                    st_walk_fn *visit, void *arg);
/* One client's blocks (the struct, name, query buffer, argv, replies, MULTI queue). */
void st_walk_client(const st_client *c, st_walk_fn *visit, void *arg);
/* multi.c: a client's queued commands; a db's watched keys and their watchers. */
void multi_walk(const st_client *c, st_walk_fn *visit, void *arg);
void watch_walk(const st_db *db, st_walk_fn *visit, void *arg);
/* slowlog.c and latency.c: their entries and series. */
void slowlog_walk(const st_store *st, st_walk_fn *visit, void *arg);
void latency_walk(const st_store *st, st_walk_fn *visit, void *arg);

/* census.c */

/* Where the walker's blocks really are, by the kernel (move_pages): per accounted tier x
 * category, how many blocks have their resident pages on one NUMA node (per node), how many
 * span several nodes, how many have no resident page; and the distinct pages of all blocks per
 * node. For checks on real KMEM-DAX machines; walks everything. 0, or -errno. */
#define ST_CENSUS_NODES 8
typedef struct st_census_cell {
  double blocks, blocks_split, blocks_absent;
  double blocks_on[ST_CENSUS_NODES];
} st_census_cell;
typedef struct st_census {
  st_census_cell cell[TM_TIER_COUNT][TM_CAT_COUNT];
  double node_pages[ST_CENSUS_NODES];
  double absent_pages, pages, blocks, page_size;
} st_census;
int st_page_census(st_store *st, st_census *out);

#endif
