/* migrate.c - the migrator (see migrate.h). */
#include "migrate.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "access.h"
#include "hash_mig.h"
#include "intset.h"
#include "listpack.h"
#include "quicklist.h"

#define MIG_BURST_MS 100 /* the token bucket holds this much of the rate */
#define MIG_MIN_BURST 65536
#define MIG_PICK_ROUNDS 4 /* sampling rounds without a candidate before a step gives up */
/* Keys offered to the pool per pick. More than eviction's 5: a move is cheap next to a lost
 * hit, and with one pick per move the pool must be refreshed faster than it is drained. */
#define MIG_SAMPLES_PER_PICK 16
/* The fallback sweep's chunk: buckets between two looks at the pool and the clock. */
#define MIG_SWEEP_CHUNK 256
/* LRU promotion bar: read again within cold_idle_ms / this (see passes_bar). */
#define MIG_BAR_DIVISOR 8

st_mig *mig_create(void) {
  st_mig *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  pool_init(&m->cold);
  pool_init(&m->hot);
  pool_init(&m->evict_pool);
  gate_init(&m->gate);
  return m;
}

void mig_destroy(st_mig *m) {
  if (m == NULL) return;
  pool_clear(&m->cold);
  pool_clear(&m->hot);
  pool_clear(&m->evict_pool);
  free(m);
}

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void refill(st_store *st) {
  st_mig *m = st->mig;
  int64_t rate = st->cfg.migrate_rate;
  if (rate <= 0) {
    m->tokens = 0;
    m->refilled_ms = st->now_ms;
    return;
  }
  double cap = (double)rate * MIG_BURST_MS / 1000.0;
  if (cap < MIG_MIN_BURST) cap = MIG_MIN_BURST;
  int64_t dt = st->now_ms - m->refilled_ms;
  if (dt > 0) m->tokens += (double)rate * (double)dt / 1000.0;
  if (m->tokens > cap) m->tokens = cap;
  m->refilled_ms = st->now_ms;
}

/* ------------------------------------------------------------------------------ moves */

static uint8_t ql_end_tier(const quicklist *ql, uint8_t want) {
  if (ql->head == NULL) return ql->self_tier;
  if (ql->head->lp_tier == want || ql->tail->lp_tier == want) return want;
  return ql->head->lp_tier;
}

/* Hashes in the hashtable encoding: their value blocks move, a batch per move (hash_mig.h). */
static int is_hash_table(const st_entry *e) {
  return entry_type(e) == ST_HASH && entry_enc(e) == ENC_HASHTABLE && e->val != NULL;
}

/* The tier a value would be moved from to go to `to`'s other side: `want` if any of its blocks
 * is there (quicklists: either end; hashtable hashes: any value block). */
static uint8_t value_tier_toward(const st_entry *e, uint8_t want) {
  if (entry_type(e) == ST_LIST && entry_enc(e) == ENC_QUICKLIST && e->val != NULL)
    return ql_end_tier(e->val, want);
  if (is_hash_table(e)) return hash_values_tier(e, want);
  return entry_val_tier(e);
}

uint8_t mig_value_tier(const st_entry *e) { return value_tier_toward(e, TM_DRAM); }

/* The one data block of a value, or NULL if it has none that moves as one. */
static size_t single_block(const st_entry *e, unsigned *owner) {
  *owner = entry_type(e);
  if (e->val == NULL) return 0;
  switch (entry_enc(e)) {
    case ENC_RAW: return e->vlen;
    case ENC_LISTPACK: return lp_bytes(e->val);
    case ENC_INTSET: return is_bytes(e->val);
    default: return 0;
  }
}

static size_t move_quicklist(st_store *st, quicklist *ql, uint8_t to) {
  size_t moved = 0;
  int n = 0;
  ql_node *node = to == TM_PMEM ? ql->head : ql->tail;
  for (; node != NULL && n < MIG_QL_NODES; node = to == TM_PMEM ? node->next : node->prev) {
    if (node->lp == NULL || node->lp_tier == to) continue;
    size_t size = lp_bytes(node->lp);
    size_t before = sm_usable(&st->mem, node->lp_tier, node->lp, size);
    uint8_t tier = node->lp_tier;
    void *p = sm_move(&st->mem, ST_LIST, TM_CAT_DATA, node->lp, size, &tier, (tm_tier)to);
    if (p == NULL) break;
    size_t after = sm_usable(&st->mem, tier, p, size);
    node->lp = p;
    node->lp_tier = tier;
    ql->bytes = ql->bytes - before + after;
    moved += after;
    n++;
  }
  return moved;
}

size_t mig_move(st_store *st, st_entry *e, uint8_t to) {
  if (is_hash_table(e)) {
    int failed;
    size_t moved = hash_migrate_values(st, e, to, MIG_HASH_VALUES, &failed);
    st->mig->failed += failed != 0;
    return moved;
  }
  if (entry_type(e) == ST_LIST && entry_enc(e) == ENC_QUICKLIST) {
    if (e->val == NULL) return 0;
    size_t moved = move_quicklist(st, e->val, to);
    if (moved == 0) st->mig->failed += ql_end_tier(e->val, to) != to;
    return moved;
  }
  unsigned owner;
  size_t size = single_block(e, &owner);
  if (size == 0 || size > MIG_MAX_VALUE || entry_val_tier(e) == to) return 0;
  uint8_t tier = entry_val_tier(e);
  void *p = sm_move(&st->mem, owner, TM_CAT_DATA, e->val, size, &tier, (tm_tier)to);
  if (p == NULL || tier != to) {
    if (p == NULL) st->mig->failed++;
    /* sm_move may have placed it on the old tier again under spill: keep whatever it did. */
    if (p != NULL) e->val = p;
    return 0;
  }
  e->val = p;
  entry_set_val_tier(e, tier);
  return sm_usable(&st->mem, tier, p, size);
}

static void count_move(st_store *st, uint8_t to, size_t bytes) {
  st_mig *m = st->mig;
  m->moved_bytes[to] += bytes;
  m->moved_values[to]++;
  m->tokens -= (double)bytes;
}

/* ------------------------------------------------------------------------------ choosing */

static double log_size(const st_store *st, const st_entry *e) {
  return log2(1.0 + (double)obj_usage((st_store *)st, e));
}

/* A candidate at all: a value mig_move can move (a single block over MIG_MAX_VALUE is not one:
 * offered, it would be picked again and again and keep a debt alive that nothing can repay). */
static int movable(const st_entry *e) {
  if (entry_enc(e) == ENC_QUICKLIST || is_hash_table(e)) return 1;
  unsigned owner;
  size_t size = single_block(e, &owner);
  return size > 0 && size <= MIG_MAX_VALUE;
}

/* Demotion: DRAM values, coldest x largest first. */
static double cold_score(const st_store *st, const st_entry *e, void *arg) {
  (void)arg;
  if (!movable(e) || e->val == NULL || mig_value_tier(e) != TM_DRAM) return -1;
  double heat = store_lfu(st) ? 256.0 - access_lfu_count(st, e)
                              : (double)(access_idle_ms(st, e) / 1000) + 1.0;
  return heat * log_size(st, e);
}

/* Promotion by quota: PMem values, hottest first. */
static double hot_score(const st_store *st, const st_entry *e, void *arg) {
  (void)arg;
  if (!movable(e) || e->val == NULL) return -1;
  if (value_tier_toward(e, TM_PMEM) != TM_PMEM) return -1;
  if (store_lfu(st)) return (double)access_lfu_count(st, e);
  return 1e12 - (double)access_idle_ms(st, e);
}

/* Advance the sweep by up to `buckets` buckets, db after db, offering what it passes to the
 * pool; stops early at a lap's end that offered nothing (*empty_lap set) and, with
 * stop_at_first, once something was offered. Returns the candidates offered. */
static size_t sweep(st_store *st, mig_sweep *sw, st_pool *p, pool_score_fn *score, size_t buckets,
                    int stop_at_first, int *empty_lap) {
  size_t offered = 0;
  while (buckets > 0 && !(stop_at_first && offered > 0)) {
    if (sw->db >= st->ndb) {
      int empty = sw->lap_found == 0;
      sw->db = 0;
      sw->cursor = 0;
      sw->lap_found = 0;
      if (empty) {
        *empty_lap = 1;
        break;
      }
    }
    dict *keys = &st->dbs[sw->db].keys;
    if (dict_size(keys) == 0) { /* an empty db costs no bucket */
      sw->db++;
      sw->cursor = 0;
      continue;
    }
    size_t got = pool_populate_scan(p, st, sw->db, keys, &sw->cursor, buckets, score, NULL);
    size_t used = dict_buckets(keys); /* an upper bound when the db's end came first */
    buckets = sw->cursor == 0 && used < buckets ? buckets - used : 0;
    if (sw->cursor == 0) sw->db++;
    offered += got;
    sw->lap_found += got;
  }
  return offered;
}

/* The best candidate for a move to `to`, or NULL: sampling rounds (each with a stretch of the
 * sweep), then the sweep alone until it offers one, up to MIG_SWEEP_BUCKETS buckets or the
 * deadline. *none: a whole lap of the sweep offered nothing (no candidate anywhere). */
static st_entry *pick(st_store *st, uint8_t to, int64_t deadline_us, int *none, int *db) {
  st_mig *m = st->mig;
  st_pool *p = to == TM_PMEM ? &m->cold : &m->hot;
  pool_score_fn *score = to == TM_PMEM ? cold_score : hot_score;
  mig_sweep *sw = &m->sweep[to];
  size_t samples = st->cfg.maxmemory_samples > 0 ? (size_t)st->cfg.maxmemory_samples : 5;
  st_entry *e;
  *none = 0;
  for (int round = 0; round < MIG_PICK_ROUNDS && !*none; round++) {
    for (size_t offered = 0; offered < MIG_SAMPLES_PER_PICK;) {
      size_t before = offered;
      for (int i = 0; i < st->ndb; i++)
        if (dict_size(&st->dbs[i].keys) > 0) {
          pool_populate(p, st, i, &st->dbs[i].keys, samples, score, NULL);
          offered += samples;
        }
      if (offered == before) break; /* every db empty */
    }
    sweep(st, sw, p, score, MIG_SWEEP_ROUND, 0, none);
    if ((e = pool_pick(p, st, score, NULL, db)) != NULL) return e;
  }
  for (size_t swept = 0; swept < MIG_SWEEP_BUCKETS && !*none; swept += MIG_SWEEP_CHUNK) {
    if (sweep(st, sw, p, score, MIG_SWEEP_CHUNK, 1, none) > 0 &&
        (e = pool_pick(p, st, score, NULL, db)) != NULL)
      return e;
    if (mono_us() >= deadline_us) break;
  }
  return NULL;
}

/* What the bar compares with: the coldness of what is being demoted. */
static void learn_cold(st_store *st, const st_entry *e) {
  st_mig *m = st->mig;
  if (store_lfu(st))
    m->cold_freq += 0.05 * ((double)access_lfu_count(st, e) - m->cold_freq);
  else
    m->cold_idle_ms += 0.05 * ((double)access_idle_ms(st, e) - m->cold_idle_ms);
}

/* Bytes DRAM is over 95% of its limit, as far as down to 90%. */
static int64_t pressure(const st_store *st) {
  size_t limit = tm_limit(st->mem.heap, TM_DRAM);
  if (limit == 0) return 0;
  int64_t used = sm_tier_bytes(&st->mem, TM_DRAM);
  if ((double)used <= 0.95 * (double)limit) return 0;
  return used - (int64_t)(0.9 * (double)limit);
}

static void measure(st_store *st) {
  st_mig *m = st->mig;
  int64_t dt = st->now_ms - m->rate_ms;
  if (dt < 1000) return;
  uint64_t moved = m->moved_bytes[TM_DRAM] + m->moved_bytes[TM_PMEM];
  m->rate = m->rate_ms == 0 ? 0 : (double)(moved - m->rate_base) * 1000.0 / (double)dt;
  m->rate_base = moved;
  m->rate_ms = st->now_ms;
}

static int64_t dram_data_bytes(const st_store *st) {
  int64_t bytes = 0;
  for (unsigned o = 0; o < SM_OWNERS; o++) bytes += st->mem.cell[o][TM_CAT_DATA][TM_DRAM].bytes;
  return bytes;
}

uint64_t mig_step(st_store *st, uint64_t budget_us) {
  st_mig *m = st->mig;
  measure(st);
  refill(st);
  if (st->cfg.migrate_rate <= 0) return 0;
  gate_update(st, &m->gate);
  int64_t start = mono_us();
  uint64_t total = 0;
  int64_t squeeze = st->cfg.migrate_auto ? pressure(st) : 0;
  for (unsigned n = 0; m->tokens > 0; n++) {
    if ((n & 7) == 7 && (uint64_t)(mono_us() - start) >= budget_us) break;
    int64_t demote = m->quota[TM_PMEM] + m->debt + squeeze;
    uint8_t to;
    if (demote > 0)
      to = TM_PMEM;
    else if (m->quota[TM_DRAM] > 0)
      to = TM_DRAM;
    else
      break;
    int none, db;
    st_entry *e = pick(st, to, start + (int64_t)budget_us, &none, &db);
    if (e == NULL) {
      m->starved++;
      /* Nothing movable in that direction: the demand cannot be met now. */
      if (to == TM_PMEM) {
        m->quota[TM_PMEM] = 0;
        squeeze = 0;
        /* The debt waits for the next step while DRAM holds data: its values are sparse when
         * most live in PMem, and a pick that found none must not forgive promotions (the split
         * ran off by their bytes). Dropped once a whole lap of the sweep found nothing movable
         * (what DRAM holds may all be unmovable). */
        if (m->debt > 0 && dram_data_bytes(st) > 0 && !none) break;
        m->debt = 0;
      } else {
        m->quota[TM_DRAM] = 0;
      }
      continue;
    }
    if (to == TM_PMEM) learn_cold(st, e);
    size_t bytes = mig_move(st, e, to);
    if (bytes == 0) {
      if (m->failed > 0 && (n & 15) == 15) break; /* the destination is full */
      continue;
    }
    count_move(st, to, bytes);
    total += bytes;
    int64_t b = (int64_t)bytes;
    if (to == TM_PMEM) {
      /* Repay the debt first, then the controller's quota, then the pressure. */
      int64_t d = b < m->debt ? b : m->debt;
      if (d > 0) gate_watch(st, &m->gate, GATE_DISPLACED, db, e);
      m->debt -= d;
      b -= d;
      int64_t q = b < m->quota[TM_PMEM] ? b : m->quota[TM_PMEM];
      m->quota[TM_PMEM] -= q;
      b -= q;
      squeeze = squeeze > b ? squeeze - b : 0;
    } else {
      m->quota[TM_DRAM] = m->quota[TM_DRAM] > b ? m->quota[TM_DRAM] - b : 0;
    }
  }
  return total;
}

void st_mig_request(st_store *st, uint8_t to, int64_t bytes) {
  if (to >= 2) return;
  st->mig->quota[to] = bytes > 0 ? bytes : 0;
  if (bytes > 0) st->mig->quota[to ^ 1] = 0;
  /* Asked for more DRAM, the promotions already made on read are what it wants: no repaying. */
  if (bytes > 0 && to == TM_DRAM) st->mig->debt = 0;
}

/* ------------------------------------------------------------------------------ reads */

static int passes_bar(const st_store *st, const st_entry *e, uint64_t idle_ms) {
  const st_mig *m = st->mig;
  if (store_lfu(st)) {
    double bar = m->cold_freq + 2;
    if (bar < LFU_INIT_VAL + 2) bar = LFU_INIT_VAL + 2;
    return (double)access_lfu_count(st, e) >= bar;
  }
  /* An eighth, not a half: under Zipf reads a looser bar admits values that were read twice
   * close together by chance, which the next demotions evict again (bench/tiering: half gave
   * 2.5x the migration traffic and a lower DRAM read-hit share). */
  double bar = m->cold_idle_ms / MIG_BAR_DIVISOR;
  if (bar < 1000) bar = 1000;
  return (double)idle_ms < bar;
}

/* Promotions unrepaid stay within one second of the rate and 1% of the live bytes: promotions
 * run on the request path, demotions in the cron's leftover time, so under a saturating read
 * load (every key read within the bar's second) they would otherwise run ahead and carry the
 * split out of the controller's +/-2 point band (bench/store/run.sh: 0.20 -> 0.37 on 27 MB). */
static int64_t debt_cap(const st_store *st) {
  int64_t live = sm_tier_bytes(&st->mem, TM_DRAM) + sm_tier_bytes(&st->mem, TM_PMEM);
  int64_t cap = live / 100;
  return cap < st->cfg.migrate_rate ? cap : st->cfg.migrate_rate;
}

void mig_note_read(st_store *st, st_db *db, const st_entry *e, uint64_t idle_ms) {
  st_mig *m = st->mig;
  if (st->cfg.migrate_rate <= 0 || !st->cfg.migrate_auto || m->npending == MIG_PENDING) return;
  refill(st);
  if (m->tokens <= 0 || m->debt > debt_cap(st)) return;
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  if (klen > POOL_KEY_INLINE || !movable(e) || !passes_bar(st, e, idle_ms)) return;
  if (!gate_admit(&m->gate)) return;
  mig_pending *p = &m->pending[m->npending++];
  p->db = db->id;
  p->klen = (uint8_t)klen;
  memcpy(p->key, key, klen);
}

void mig_after_command(st_store *st) {
  st_mig *m = st->mig;
  for (int i = 0; i < m->npending; i++) {
    mig_pending *p = &m->pending[i];
    st_entry *e = (st_entry *)dict_find(&st->dbs[p->db].keys, p->key, p->klen);
    if (e == NULL || m->tokens <= 0) continue;
    size_t bytes = mig_move(st, e, TM_DRAM);
    if (bytes == 0) continue;
    count_move(st, TM_DRAM, bytes);
    gate_watch(st, &m->gate, GATE_PROMOTED, p->db, e);
    m->promoted_on_read++;
    m->debt += (int64_t)bytes;
  }
  m->npending = 0;
}
