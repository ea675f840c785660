/* snapshot.c - forkless point-in-time snapshots (snapshot.h). */
#include "snapshot.h"

#include <errno.h>
#include <time.h>

#include "rdb.h"

struct st_snapshot {
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
  uint64_t pieces; /* steps that ended inside an open record */
  int profiling;   /* BGSAVE STAT_MEMORY: tally every key written (memprofile.h) */
  st_memprofile prof;
};

/* Elements written between two looks at the clock. */
#define PIECE_ELEMENTS 512

static snapshot_stats last_stats_zero;

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
}

static snapshot_stats current_stats(const st_store *st) {
  const st_snapshot *s = st->snap;
  snapshot_stats r = last_stats_zero;
  r.keys = s->out.keys + s->side.keys;
  r.preimages = s->preimages;
  r.bytes = s->out.written + s->out.len + s->side.len;
  r.peak_extra = s->out.peak + s->side.peak; /* at most; the two rarely peak together */
  r.missed_hooks = st->snap_missed;
  r.pieces = s->pieces;
  return r;
}

snapshot_stats snapshot_get_stats(const st_store *st) {
  return st->snap == NULL ? st->snap_last : current_stats(st);
}

static void finish(st_store *st) {
  st_snapshot *s = st->snap;
  st->snap_last = current_stats(st);
  rdb_put_record_abort(&s->open);
  rdb_out_free(&s->side);
  rdb_out_free(&s->out);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s->phys_of, sizeof(int) * 2 * (size_t)s->ndb,
          s->map_tier);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s, sizeof *s, st->snap_self_tier);
  st->snap = NULL;
}

static int start(st_store *st, int fd, int compress, int checksum, size_t buffer_limit,
                 int aof_base, const st_memprofile *prof) {
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
  if (buffer_limit >= 4096) s->out.flush_at = buffer_limit;
  st->snap = s;
  st->snap_self_tier = tier;
  st->snap_cut = st->version;
  st->version++;
  st->snap_missed = 0;
  rdb_put_header(&s->out, st->now_ms, aof_base);
  if (s->out.err) {
    errno = s->out.err;
    snapshot_abort(st);
    return -1;
  }
  return 0;
}

int snapshot_start(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  return start(st, fd, compress, checksum, buffer_limit, 0, NULL);
}

int snapshot_start_aof_base(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  return start(st, fd, compress, checksum, buffer_limit, 1, NULL);
}

int snapshot_start_profiled(st_store *st, int fd, int compress, int checksum, size_t buffer_limit) {
  if (st->snap != NULL) {
    errno = EBUSY;
    return -1;
  }
  /* The store-wide parts are read before the snapshot allocates its own state. */
  st_memprofile prof;
  mp_begin(st, &prof);
  return start(st, fd, compress, checksum, buffer_limit, 0, &prof);
}

int snapshot_profiling(const st_store *st) { return st->snap != NULL && st->snap->profiling; }

void snapshot_abort(st_store *st) {
  if (st->snap != NULL) finish(st);
}

/* The open record is complete: stamp its entry, then the records held aside follow it. */
static void close_open(st_store *st) {
  st_snapshot *s = st->snap;
  ((st_entry *)s->open.e)->version = st->snap_cut + 1;
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
  rdb_put_record_more(&s->out, &s->open, SIZE_MAX);
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
    rdb_put_record(&s->side, cdb, e);
    e->version = st->snap_cut + 1;
    if (s->side.len > s->out.flush_at) finish_open(st); /* memory stays bounded */
    return;
  }
  if (whole) {
    rdb_put_record(&s->out, cdb, e);
  } else if (rdb_put_record_begin(&s->out, cdb, e, &s->open) == 0) {
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

void snapshot_write_preimage(st_store *st, st_db *db, st_entry *e) {
  st_snapshot *s = st->snap;
  emit(st, s->cut_of[db - st->dbs], e, 1);
  s->preimages++;
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
    if (rdb_put_record_more(&s->out, &s->open, PIECE_ELEMENTS)) {
      close_open(st);
      break;
    }
    if ((uint64_t)(mono_us() - start) >= budget_us) {
      s->pieces++;
      return s->out.err ? (errno = s->out.err, finish(st), -1) : 0;
    }
  }
  while (s->db < s->ndb && !s->open.open) {
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
      rdb_put_selectdb(&s->out, s->db, dict_size(&db->keys), owed_expires(db));
    }
    scan_ctx x = { st, s->db, 0 };
    s->cursor = dict_scan(&db->keys, s->cursor, scan_visit, &x);
    if (s->out.err) break;
    if (s->cursor == 0) {
      s->db++;
      s->started_db = 0;
    }
    if ((++n & 15) == 0 && (uint64_t)(mono_us() - start) >= budget_us) break;
  }
  if (s->open.open && s->out.err == 0) {
    /* A big collection was just opened: go on with it in this step's remaining time. */
    while (!rdb_put_record_more(&s->out, &s->open, PIECE_ELEMENTS)) {
      if ((uint64_t)(mono_us() - start) >= budget_us) {
        s->pieces++;
        return s->out.err ? (errno = s->out.err, finish(st), -1) : 0;
      }
    }
    close_open(st);
    if (s->out.err == 0) return 0;
  }
  if (s->out.err == 0 && s->db >= s->ndb) {
    rdb_put_eof(&s->out);
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
