/* snapshot.c - forkless point-in-time snapshots (snapshot.h). */
#include "snapshot.h"

#include <errno.h>
#include <time.h>

#include "entry.h"
#include "rdb.h"

/* A pre-image kept as blocks: a retained entry (the deleted entry itself, or a copy of the
 * key with the old value's pointer) and the cut db it belongs to. */
typedef struct retained {
  st_entry *e;
  size_t bytes; /* its entry block and value, as counted in the snapshot's extra memory */
  int cdb;
} retained;

struct st_snapshot {
  const snapshot_writer *w;
  rdb_out out;
  int ndb;
  int db;          /* cut db being traversed */
  uint64_t cursor; /* dict_scan cursor in it */
  int started_db;  /* SELECTDB written for the traversal of `db` */
  int *phys_of;    /* cut db -> physical db holding its keys (SWAPDB) */
  int *cut_of;     /* physical db -> cut db */
  uint8_t map_tier;
  uint64_t preimages;
  /* A big collection met by the traversal is written over several steps (open.open). Until its
   * record is complete every other record (pre-images, the rest of the scanned bucket) goes to
   * `side`, in memory, appended to the file after it. */
  rdb_piecewise open;
  rdb_out side;
  uint64_t pieces;   /* steps that ended inside an open record */
  int open_retained; /* the open record's entry is a retained pre-image: freed when complete */
  /* Pre-images kept as blocks, written and freed by the steps before the traversal goes on. */
  retained *rt;
  size_t rt_len, rt_cap;
  uint8_t rt_tier;
  size_t rt_bytes;   /* retained entries and values */
  size_t limit;      /* cap on retained bytes + buffers (buffer_limit) */
  uint64_t kept;     /* pre-images retained */
  size_t extra_peak; /* largest retained + buffers seen */
  int profiling;     /* BGSAVE STAT_MEMORY: tally every key written (memprofile.h) */
  st_memprofile prof;
};

/* Elements written between two looks at the clock. */
#define RT_CHECK_EVERY 16 /* retained pre-images written between two looks at the clock */
#define PIECE_ELEMENTS 512

static snapshot_stats last_stats_zero;

static const snapshot_writer rdb_writer = {
  rdb_put_header,      rdb_put_selectdb,     rdb_put_record, rdb_put_record_begin,
  rdb_put_record_more, rdb_put_record_abort, rdb_put_eof,
};

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int snapshot_active(const st_store *st) { return st->snap != NULL; }

static void out_walk(const rdb_out *o, st_walk_fn *visit, void *arg) {
  if (o->buf != NULL) visit(arg, o->buf, o->cap, o->tier, SM_STORE, TM_CAT_BUFFERS);
}

void snapshot_walk(const st_store *st, st_walk_fn *visit, void *arg) {
  const st_snapshot *s = st->snap;
  if (s == NULL) return;
  visit(arg, s, sizeof *s, st->snap_self_tier, SM_STORE, TM_CAT_METADATA);
  visit(arg, s->phys_of, sizeof(int) * 2 * (size_t)s->ndb, s->map_tier, SM_STORE, TM_CAT_METADATA);
  out_walk(&s->out, visit, arg);
  out_walk(&s->side, visit, arg);
  if (s->rt != NULL)
    visit(arg, s->rt, s->rt_cap * sizeof *s->rt, s->rt_tier, SM_STORE, TM_CAT_BUFFERS);
  for (size_t i = 0; i < s->rt_len; i++) st_walk_entry((st_store *)st, s->rt[i].e, visit, arg);
  if (s->open_retained) st_walk_entry((st_store *)st, (const st_entry *)s->open.e, visit, arg);
}

/* The snapshot's extra memory now: retained pre-images and every buffer it holds. */
static size_t extra_now(const st_snapshot *s) {
  return s->rt_bytes + s->rt_cap * sizeof *s->rt + s->out.cap + s->side.cap;
}

static void note_extra(st_snapshot *s) {
  size_t x = extra_now(s);
  if (x > s->extra_peak) s->extra_peak = x;
}

static snapshot_stats current_stats(const st_store *st) {
  const st_snapshot *s = st->snap;
  snapshot_stats r = last_stats_zero;
  r.keys = s->out.keys + s->side.keys;
  r.preimages = s->preimages;
  r.bytes = s->out.written + s->out.len + s->side.len;
  size_t bufs = s->out.peak + s->side.peak; /* at most; the two rarely peak together */
  r.peak_extra = s->extra_peak > bufs ? s->extra_peak : bufs;
  r.retained = s->kept;
  r.missed_hooks = st->snap_missed;
  r.pieces = s->pieces;
  return r;
}

snapshot_stats snapshot_get_stats(const st_store *st) {
  return st->snap == NULL ? st->snap_last : current_stats(st);
}

/* A retained pre-image is written (or the snapshot is over): free its entry and value. */
static void free_retained(st_store *st, st_entry *e) {
  obj_free(st, e); /* a big collection goes on in lazyfree's steps */
  entry_free(&st->mem, entry_type(e), e);
}

static void finish(st_store *st) {
  st_snapshot *s = st->snap;
  st->snap_last = current_stats(st);
  s->w->record_abort(&s->open);
  if (s->open_retained) free_retained(st, (st_entry *)s->open.e);
  s->open_retained = 0;
  for (size_t i = 0; i < s->rt_len; i++) free_retained(st, s->rt[i].e);
  if (s->rt != NULL)
    sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, s->rt, s->rt_cap * sizeof *s->rt, s->rt_tier);
  rdb_out_free(&s->side);
  rdb_out_free(&s->out);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s->phys_of, sizeof(int) * 2 * (size_t)s->ndb,
          s->map_tier);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s, sizeof *s, st->snap_self_tier);
  st->snap = NULL;
}

static int start(st_store *st, int fd, int compress, int checksum, size_t buffer_limit,
                 int aof_base, const st_memprofile *prof, const snapshot_writer *w) {
  if (st->snap != NULL) {
    errno = EBUSY;
    return -1;
  }
  uint8_t tier, mtier;
  st_snapshot *s = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *s, &tier);
  int *map =
      sm_alloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof(int) * 2 * (size_t)st->ndb, &mtier);
  if (s == NULL || map == NULL) {
    if (s) sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s, sizeof *s, tier);
    if (map)
      sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, map, sizeof(int) * 2 * (size_t)st->ndb, mtier);
    errno = ENOMEM;
    return -1;
  }
  s->map_tier = mtier;
  s->w = w;
  if (prof != NULL) {
    s->profiling = 1;
    s->prof = *prof;
  }
  s->ndb = st->ndb;
  s->phys_of = map;
  s->cut_of = map + st->ndb;
  for (int i = 0; i < st->ndb; i++) s->phys_of[i] = s->cut_of[i] = i;
  rdb_out_init(&s->out, st, fd, compress, checksum);
  rdb_out_init(&s->side, st, -1, compress, 0);
  /* The cap is shared by retained pre-images, the side buffer and the output buffer; the
   * output is written out in pieces of at most an eighth of it (1 MiB at most). */
  s->limit = buffer_limit >= 4096 ? buffer_limit : RDB_FLUSH_AT;
  s->out.flush_at = s->limit / 8 < 4096           ? 4096
                    : s->limit / 8 > RDB_FLUSH_AT ? RDB_FLUSH_AT
                                                  : s->limit / 8;
  st->snap = s;
  st->snap_self_tier = tier;
  st->snap_cut = st->version;
  st->version++;
  st->snap_missed = 0;
  w->header(&s->out, st->now_ms, aof_base);
  if (s->out.err) {
    errno = s->out.err;
    snapshot_abort(st);
    return -1;
  }
  return 0;
}

int snapshot_start(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  return start(st, fd, compress, checksum, buffer_limit, 0, NULL, &rdb_writer);
}

int snapshot_start_aof_base(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  return start(st, fd, compress, checksum, buffer_limit, 1, NULL, &rdb_writer);
}

int snapshot_start_writer(st_store *st, int fd, const snapshot_writer *w, int compress,
                          int checksum, size_t buffer_limit) {
  return start(st, fd, compress, checksum, buffer_limit, 1, NULL, w);
}

int snapshot_start_profiled(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  if (st->snap != NULL) {
    errno = EBUSY;
    return -1;
  }
  /* The store-wide parts are read before the snapshot allocates its own state. */
  st_memprofile prof;
  mp_begin(st, &prof);
  return start(st, fd, compress, checksum, buffer_limit, 0, &prof, &rdb_writer);
}

int snapshot_profiling(const st_store *st) { return st->snap != NULL && st->snap->profiling; }

void snapshot_abort(st_store *st) {
  if (st->snap != NULL) finish(st);
}

/* The open record is complete: stamp its entry, then the records held aside follow it. */
static void close_open(st_store *st) {
  st_snapshot *s = st->snap;
  ((st_entry *)s->open.e)->version = st->snap_cut + 1;
  if (s->open_retained) free_retained(st, (st_entry *)s->open.e);
  s->open_retained = 0;
  s->open.e = NULL;
  if (s->side.len > 0) {
    rdb_put_raw(&s->out, s->side.buf, s->side.len);
    s->out.cur_db = s->side.cur_db;
    s->out.keys += s->side.keys;
  }
  if (s->side.err && !s->out.err) s->out.err = s->side.err;
  size_t peak = s->side.peak;
  rdb_out_free(&s->side);
  rdb_out_init(&s->side, st, -1, s->out.compress, 0);
  s->side.peak = peak;
}

/* Write the rest of the open record now (its value is about to change, or the records held
 * aside have grown past the buffer limit). */
static void finish_open(st_store *st) {
  st_snapshot *s = st->snap;
  s->w->record_more(&s->out, &s->open, SIZE_MAX);
  close_open(st);
}

/* The open record's writer reached another element node: tally it. */
static void profile_elem(void *arg, const void *node) {
  st_store *st = arg;
  mp_elem(st, &st->snap->prof, st->snap->open.e, node);
}

/* Write e as a record of cut db `cdb` and stamp it. `whole`: the record must be complete on
 * return (a pre-image); otherwise a big collection may stay open for later steps. */
static void emit(st_store *st, int cdb, st_entry *e, int whole) {
  st_snapshot *s = st->snap;
  if (s->open.open) {
    if (s->open.e == e) return finish_open(st);
    if (s->profiling) mp_entry(st, &s->prof, e);
    s->w->record(&s->side, cdb, e);
    e->version = st->snap_cut + 1;
    if (s->side.len > s->limit / 2) finish_open(st); /* memory stays bounded */
    return;
  }
  if (whole) {
    s->w->record(&s->out, cdb, e);
  } else if (s->w->record_begin(&s->out, cdb, e, &s->open) == 0) {
    s->side.cur_db = cdb; /* records held aside start in the open record's db */
    if (s->profiling) {
      mp_entry_head(st, &s->prof, e);
      s->open.elem = profile_elem;
      s->open.elem_arg = st;
    }
    return; /* stamped when complete */
  }
  if (s->profiling) mp_entry(st, &s->prof, e);
  e->version = st->snap_cut + 1;
}

/* Bytes a retained copy of e would hold: its entry block and its value. */
static size_t retained_bytes(st_store *st, const st_entry *e) {
  return sm_usable(&st->mem, (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, e, entry_block_size(e)) +
         obj_usage(st, e);
}

/* Room for one more retained pre-image of `bytes` within the cap (and maxmemory): 0 or -1. */
static int rt_room(st_store *st, st_snapshot *s, size_t bytes) {
  size_t cap = s->rt_cap;
  if (s->rt_len == cap) cap = cap ? cap * 2 : 64;
  size_t grow = (cap - s->rt_cap) * sizeof *s->rt;
  if (extra_now(s) + grow + bytes > s->limit) return -1;
  if (st->cfg.maxmemory > 0 &&
      (uint64_t)sm_total_bytes(&st->mem) + grow + bytes > st->cfg.maxmemory)
    return -1;
  if (cap == s->rt_cap) return 0;
  uint8_t tier = s->rt_tier;
  retained *n = s->rt == NULL ? sm_alloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, cap * sizeof *n, &tier)
                              : sm_realloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, s->rt,
                                           s->rt_cap * sizeof *n, cap * sizeof *n, &tier);
  if (n == NULL) return -1;
  s->rt = n;
  s->rt_cap = cap;
  s->rt_tier = tier;
  return 0;
}

static void rt_push(st_snapshot *s, st_entry *e, size_t bytes, int cdb) {
  s->rt[s->rt_len++] = (retained){ e, bytes, cdb };
  s->rt_bytes += bytes;
  s->kept++;
  note_extra(s);
}

/* SNAP_REPLACE: a new entry block for e's key (and expire) takes e's value; e is left without
 * one. NULL on OOM. */
static st_entry *detach_value(st_store *st, st_entry *e) {
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  int64_t when = entry_expire(e);
  st_entry *r = entry_new(&st->mem, entry_type(e), key, klen, when >= 0);
  if (r == NULL) return NULL;
  if (when >= 0) entry_set_expire_field(r, when);
  r->val = e->val;
  r->vlen = e->vlen;
  r->meta = e->meta;
  r->flags |= (uint8_t)(e->flags & (E_VAL_PMEM | E_RAWSTR));
  e->val = NULL;
  e->vlen = 0;
  return r;
}

int snapshot_preimage(st_store *st, st_db *db, st_entry *e, snap_change how) {
  st_snapshot *s = st->snap;
  int cdb = s->cut_of[db - st->dbs];
  s->preimages++;
  /* The open record's own entry is finished first: its writer holds positions in the value. */
  if (how != SNAP_EDIT && !(s->open.open && s->open.e == e)) {
    size_t bytes = retained_bytes(st, e);
    if (rt_room(st, s, bytes) == 0) {
      st_entry *r = how == SNAP_DELETE ? e : detach_value(st, e);
      if (r != NULL) {
        r->version = st->snap_cut + 1; /* no longer owed: the retained copy is written once */
        if (r != e) e->version = st->snap_cut + 1;
        rt_push(s, r, bytes, cdb);
        return 1;
      }
    }
  }
  emit(st, cdb, e, 1); /* serialized now: in-place edits, or past the cap */
  note_extra(s);
  return 0;
}

void snapshot_replace_undo(st_store *st, st_entry *e) {
  st_snapshot *s = st->snap;
  retained r = s->rt[--s->rt_len]; /* the hook's push was the last */
  s->rt_bytes -= r.bytes;
  s->kept--;
  e->val = r.e->val;
  e->vlen = r.e->vlen;
  e->meta = r.e->meta;
  e->version = st->snap_cut; /* owed again: the traversal or a later hook writes it */
  entry_free(&st->mem, entry_type(r.e), r.e);
}

typedef struct scan_ctx {
  st_store *st;
  int cdb;
  int whole;
} scan_ctx;

static void scan_visit(dict_node *n, void *arg) {
  scan_ctx *x = arg;
  st_entry *e = (st_entry *)n;
  if (snapshot_owes(x->st, e)) emit(x->st, x->cdb, e, x->whole);
}

/* The next bucket's first entry: fetch its value while the current one is written. */
static void scan_ahead(dict_node *n, void *arg) {
  (void)arg;
  const st_entry *e = (const st_entry *)n;
  if (e->val != NULL && !(entry_type(e) == ST_STRING && entry_enc(e) == ENC_INT))
    __builtin_prefetch(e->val);
}

void snapshot_before_flush(st_store *st, st_db *db) {
  st_snapshot *s = st->snap;
  if (s == NULL) return;
  scan_ctx x = { st, s->cut_of[db - st->dbs], 1 };
  uint64_t cur = 0;
  do cur = dict_scan(&db->keys, cur, scan_visit, &x);
  while (cur != 0);
}

void snapshot_swapdb(st_store *st, int a, int b) {
  st_snapshot *s = st->snap;
  if (s == NULL || a == b) return;
  int ca = s->cut_of[a], cb = s->cut_of[b];
  s->cut_of[a] = cb;
  s->cut_of[b] = ca;
  s->phys_of[ca] = b;
  s->phys_of[cb] = a;
}

static size_t owed_expires(const st_db *db) { return db->expires.len; }

int snapshot_step(st_store *st, uint64_t budget_us) {
  st_snapshot *s = st->snap;
  if (s == NULL) {
    errno = EINVAL;
    return -1;
  }
  int64_t start = mono_us();
  unsigned n = 0;
  while (s->open.open && s->out.err == 0) {
    if (s->w->record_more(&s->out, &s->open, PIECE_ELEMENTS)) {
      close_open(st);
      break;
    }
    if ((uint64_t)(mono_us() - start) >= budget_us) {
      s->pieces++;
      return s->out.err ? (errno = s->out.err, finish(st), -1) : 0;
    }
  }
  /* Retained pre-images first: their memory goes back as soon as they are written. */
  while (s->rt_len > 0 && !s->open.open && s->out.err == 0) {
    retained r = s->rt[--s->rt_len];
    s->rt_bytes -= r.bytes;
    emit(st, r.cdb, r.e, 0);
    if (s->open.open)
      s->open_retained = 1; /* a big collection: freed when its record is complete */
    else
      free_retained(st, r.e);
    if ((++n % RT_CHECK_EVERY) == 0 && (uint64_t)(mono_us() - start) >= budget_us) break;
  }
  while (s->rt_len == 0 && s->db < s->ndb && !s->open.open) {
    st_db *db = &st->dbs[s->phys_of[s->db]];
    if (!s->started_db) {
      s->started_db = 1;
      s->cursor = 0;
      if (dict_size(&db->keys) == 0) {
        s->db++;
        s->started_db = 0;
        continue;
      }
      /* RESIZEDB is a hint: the db's size now, at worst a little off after the cut. */
      s->w->selectdb(&s->out, s->db, dict_size(&db->keys), owed_expires(db));
    }
    scan_ctx x = { st, s->db, 0 };
    /* 16 buckets between looks at the clock; stops early once a big collection opens. */
    s->cursor = dict_scan_run(&db->keys, s->cursor, 16, &s->open.open, scan_visit, scan_ahead, &x);
    if (s->out.err) break;
    if (s->cursor == 0) {
      s->db++;
      s->started_db = 0;
    }
    if ((uint64_t)(mono_us() - start) >= budget_us) break;
  }
  if (s->open.open && s->out.err == 0) {
    /* A big collection was just opened: go on with it in this step's remaining time. */
    while (!s->w->record_more(&s->out, &s->open, PIECE_ELEMENTS)) {
      if ((uint64_t)(mono_us() - start) >= budget_us) {
        s->pieces++;
        return s->out.err ? (errno = s->out.err, finish(st), -1) : 0;
      }
    }
    close_open(st);
    if (s->out.err == 0) return 0;
  }
  if (s->out.err == 0 && s->db >= s->ndb && s->rt_len == 0 && !s->open.open) {
    s->w->eof(&s->out);
    rdb_out_flush(&s->out);
    if (s->out.err == 0) {
      if (s->profiling) {
        s->prof.done_ms = mp_now_ms();
        s->prof.valid = 1;
        st->profile = s->prof;
      }
      finish(st);
      return 1;
    }
  }
  if (s->out.err) {
    errno = s->out.err;
    finish(st);
    return -1;
  }
  return 0;
}
