/* migrate.h - the migrator: values move between tiers after allocation.
 *
 * Placement at allocation (the threshold) does most of the work; the migrator corrects what it
 * cannot: it demotes the coldest DRAM values to PMem and promotes hot PMem values to DRAM, in
 * bounded steps within a byte-rate budget (migrate-rate, bytes/s, a token bucket that holds at
 * most 100 ms of budget; 0 turns migration off).
 *
 * What moves: a value's data blocks, copied to the other tier (sm_move: the new block is
 * allocated, the bytes copied, the old block freed, the owner x category x tier counters moved
 * with them), and the entry updated (the value pointer and E_VAL_PMEM). Strings (raw), and the
 * listpack and intset encodings of every type: one block. Quicklists: the listpacks of up to
 * MIG_QL_NODES nodes per move (the oldest first when demoting, the newest first when
 * promoting). Hashtable hashes: the value blocks of up to MIG_HASH_VALUES fields per move,
 * continuing a scan cursor kept in the hash (hash_mig.h). Values above MIG_MAX_VALUE bytes do not
 * move (one copy must stay short). Keys, entries and metadata are pinned to DRAM and never move,
 * and that is all some encodings hold: a hashtable set keeps each member inside its dict node
 * and a skiplist zset inside its skiplist node (both TM_CAT_METADATA, as the member is the
 * lookup key), so they have no data block to move; their bytes count as pinned (the controller's
 * forced bytes).
 *
 * Who asks (the last two only with migrate_auto, set while a ratio controller steers: under a
 * fixed threshold, placement is the operator's and nothing moves on its own):
 *   - the ratio controller, through st_mig_request: a byte quota in one direction, when the
 *     flow of new allocations cannot bring the stock to target soon (src/controller);
 *   - reads: a PMem value read past the frequency bar is promoted after the command (never in
 *     the middle of one: the command may hold its value pointer), and the bytes promoted are a
 *     debt the next steps repay by demoting as many cold bytes, so promotions swap hot for cold
 *     and leave the split alone (at most one second of the rate and 1% of the live bytes unrepaid,
 *     so promotions cannot outrun demotions under a saturating read load; a step whose pick finds
 *     no DRAM value keeps the debt until a whole lap of the sweep found none, a controller's
 *     promotion quota cancels it). The bar: LRU clock: read again within an eighth of the idle
 *     time of the values being demoted (at least within the same second); LFU clock: a counter
 *     2 above theirs (at least LFU_INIT_VAL + 2). A value read once (a scan) does not pass it.
 *     A bar pass is promoted only as far as the promotion gate admits (mig_gate.h): the bar
 *     judges one inter-read interval on a one-second clock, and under uniform reads a third of
 *     the reads pass it while every promotion swaps a value for an equally warm one. Measured
 *     on bench/store's 100,000 values of 256 B (uniform GETs at 1:4, where DRAM holds so few
 *     values that the demotions repaying a promotion mostly take back the values just promoted):
 *     1% of the promoted values read again in DRAM within a second, against 37% of the values
 *     displaced. So the gate watches what promotions earn (promoted values read again in DRAM
 *     within GATE_HORIZON_MS against the values demoted to repay them) and admits bar passes
 *     only while the promoted ones are read again at least twice as often: under uniform reads
 *     it closes to 1/256 of the passes within seconds (0.05% of reads promoted); under
 *     bench/tiering's Zipf(0.99) reads it stays open (70-90% of promoted values read again
 *     against 1-10% of displaced ones) and at the plateau it alternates, cutting the boundary
 *     churn. A fixed stricter bar cannot do this: it must stay loose enough to catch Zipf's
 *     warm values read every few seconds, which uniform reads at the same rate pass as often;
 *   - memory pressure: DRAM above 95% of dram-limit demotes down to 90%.
 *
 * Choosing what to demote: sampled as Redis's eviction pool samples (maxmemory-samples keys
 * per db per round, the best 16 kept across rounds), scored idle seconds x log2(1 + bytes) as
 * Redis 2.0's VM did (LFU policies: (256 - counter) x log2(1 + bytes)): of two values equally
 * cold the larger goes first, which frees more DRAM per decision and loses the fewest hits per
 * byte moved. Promotion by quota takes the hottest sampled PMem values (least idle, or highest
 * counter).
 *
 * Sampling alone misses sparse candidates: dict_sample takes a few nodes from consecutive
 * buckets at a random spot, so it reaches a node only from the few spots just before it, and
 * never one past the fifth in its chain (mig_sample_test: a lone DRAM value among 2000 PMem ones
 * took 25-30 steps on average, up to 2048 and more, and one seventh in its chain was never
 * found). So each sampling round also advances a sweep, a dict_scan cursor per direction kept
 * across steps (MIG_SWEEP_ROUND buckets), and a pick whose rounds found nothing sweeps on, up to
 * MIG_SWEEP_BUCKETS buckets or the step's time, until it offers a candidate: every value is
 * offered within one lap of the keyspace's buckets, a lone one within buckets / 4096 steps. No
 * cost on the request path, no bytes per key. A lap that offered nothing is the proof that the
 * direction has no candidate (values present throughout it were all seen).
 *
 * Snapshots: a move is not a mutation. The value's content and the entry's version stay as
 * they were, key_modified is not called, and only the pointer changes, between two commands.
 * The rule relied on: a snapshot reads values through their entry at the time it serializes
 * them, never through a pointer kept across event-loop turns, so a moved value is serialized
 * once, from wherever it lives then (neither lost nor duplicated). The one exception, a big
 * collection written over several steps (snapshot.h), keeps only pointers to blocks that never
 * move: quicklist nodes (whose listpacks it reads at write time), hashtable and skiplist nodes. */
#ifndef TM_STORE_MIGRATE_H
#define TM_STORE_MIGRATE_H

#include "mig_gate.h"
#include "pool.h"
#include "store.h"

#define MIG_MAX_VALUE (16u << 20)
#define MIG_QL_NODES 64
#define MIG_HASH_VALUES 64
#define MIG_PENDING 16
/* The sweep's buckets per sampling round, and at most per step once sampling found nothing. */
#define MIG_SWEEP_ROUND 16
#define MIG_SWEEP_BUCKETS 4096

/* The sweep: a clock hand over every db's keyspace (a dict_scan cursor), one per direction. */
typedef struct mig_sweep {
  int db;             /* the db the cursor is in */
  uint64_t cursor;    /* dict_scan cursor in it (0: its start) */
  uint64_t lap_found; /* candidates offered since the current lap (db 0, cursor 0) began */
} mig_sweep;

typedef struct mig_pending {
  int db;
  uint8_t klen;
  unsigned char key[POOL_KEY_INLINE];
} mig_pending;

struct st_mig {
  st_pool cold, hot;        /* demotion and promotion candidates */
  st_pool evict_pool;       /* evict.c's */
  uint64_t evict_next_db;   /* evict.c: the random policies' db cursor */
  double tokens;            /* bytes the budget allows now (may go below 0 after a big move) */
  int64_t refilled_ms;      /* last refill */
  int64_t quota[2];         /* bytes asked to move, by destination tier (TM_DRAM: promote) */
  int64_t debt;             /* bytes promoted on read, still to be repaid by demotions */
  mig_sweep sweep[2];       /* by destination tier */
  double cold_idle_ms;      /* idle time of recently demoted values (EWMA): the LRU bar */
  double cold_freq;         /* their LFU counter (EWMA): the LFU bar */
  uint64_t moved_bytes[2];  /* by destination tier */
  uint64_t moved_values[2]; /* by destination tier */
  uint64_t promoted_on_read;
  double rate;        /* bytes/s moved, both ways, over the last full second */
  int64_t rate_ms;    /* start of the current second */
  uint64_t rate_base; /* bytes moved (both ways) at rate_ms */
  uint64_t failed;    /* moves refused for lack of memory on the destination tier */
  uint64_t starved;   /* steps that found no candidate for a demand */
  int npending;
  mig_pending pending[MIG_PENDING];
  mig_gate gate; /* promotions on read: admitted while they pay (mig_gate.h) */
};
typedef struct st_mig st_mig;

st_mig *mig_create(void);
void mig_destroy(st_mig *m);

/* The controller's quota: move `bytes` of values to tier `to` (replaces the previous quota for
 * that direction; 0 cancels it). */
void st_mig_request(st_store *st, uint8_t to, int64_t bytes);
/* Bounded work: moves within the byte budget and budget_us of time. Returns bytes moved. */
uint64_t mig_step(st_store *st, uint64_t budget_us);
/* Move one value to tier `to` now (tests, the step). Returns the usable bytes moved (0: not
 * movable, already there, or no memory on `to`: then nothing changed). */
size_t mig_move(st_store *st, st_entry *e, uint8_t to);
/* The tier a value's data is on, for the migrator (quicklists: DRAM if either end is). */
uint8_t mig_value_tier(const st_entry *e);

/* A read of e, whose previous access was idle_ms ago (lookup_read calls it for PMem values):
 * queues a promotion when the value passes the bar. */
void mig_note_read(st_store *st, st_db *db, const st_entry *e, uint64_t idle_ms);
/* After each command: run the queued promotions. */
void mig_after_command(st_store *st);

#endif
