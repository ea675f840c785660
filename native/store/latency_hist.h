/* latency_hist.h - per-command latency tracking, as Redis 7.0's (latency-tracking,
 * latency-tracking-info-percentiles, INFO latencystats, LATENCY HISTOGRAM).
 *
 * Each command row that ran gets a histogram of its call durations in nanoseconds (microsecond
 * timings times 1000, clamped to 1 ns .. 1 s), laid out as Redis's HdrHistogram with 2
 * significant digits: values below 256 exactly, then 23 power-of-two buckets of 128 sub-buckets
 * each (a relative error under 1%). Reports read it back with HdrHistogram's rules, so the
 * figures are the ones redis-server prints for the same durations:
 *   - a percentile is the highest value equivalent to the one holding that rank (the lowest for
 *     p0), shown in microseconds with 3 decimals;
 *   - LATENCY HISTOGRAM's cumulative buckets stop at 1024 ns * 2^k, each labelled with the
 *     highest microsecond its slot holds (1, 2, 4, 8, 16, 33, 66, 132, ..., 1082130), and only
 *     where the cumulative count grew.
 * A histogram is 24 KiB (owner SM_STORE, category metadata: store-wide bookkeeping, not a
 * client's or the AOF's buffer), allocated at the command's first call and freed by CONFIG
 * RESETSTAT; under OOM the sample is dropped (a diagnostic). Off in st_config_defaults (the C
 * tests' exact byte counts); a served store gets Redis's default, yes, from engine-defaults.ts. */
#ifndef TIERMEM_LATENCY_HIST_H
#define TIERMEM_LATENCY_HIST_H

#include "store.h"

#define LH_HALF_MAGNITUDE 7
#define LH_HALF (1 << LH_HALF_MAGNITUDE) /* sub-buckets per bucket after the first */
#define LH_BUCKETS 23                    /* 256 << 22 > 1e9 ns */
#define LH_COUNTS ((LH_BUCKETS + 1) * LH_HALF)
#define LH_MAX_NS 1000000000

typedef struct lat_hist {
  int64_t total;
  uint8_t tier;
  int64_t counts[LH_COUNTS];
} lat_hist;

/* The tracking state of a store (st->lat_tracking): a histogram per command row (NULL until its
 * first call) and the percentiles INFO shows. */
typedef struct lat_tracking {
  lat_hist **hist; /* st_command_count slots */
  uint8_t hist_tier, self_tier;
  double *pct; /* NULL and npct -1: the default 50 99 99.9 */
  int npct;
  uint8_t pct_tier;
} lat_tracking;

/* The counts slot of a value in 1..LH_MAX_NS (HdrHistogram's counts_index_for). */
static inline int lh_index(int64_t v) {
  int bucket = 64 - __builtin_clzll((uint64_t)v | (2 * LH_HALF - 1)) - (LH_HALF_MAGNITUDE + 1);
  return ((bucket + 1) << LH_HALF_MAGNITUDE) + (int)(v >> bucket) - LH_HALF;
}

/* The slow path of latency_track: allocates the tracking state and the row's histogram. */
lat_hist *latency_hist_create(st_store *st, uint32_t index);

/* Record one call of command row `index` that took `us` microseconds. */
static inline void latency_track(st_store *st, uint32_t index, int64_t us) {
  lat_hist *h = st->lat_tracking != NULL ? st->lat_tracking->hist[index] : NULL;
  if (h == NULL && (h = latency_hist_create(st, index)) == NULL) return;
  int64_t ns = us * 1000;
  if (ns < 1) ns = 1;
  if (ns > LH_MAX_NS) ns = LH_MAX_NS;
  h->counts[lh_index(ns)]++;
  h->total++;
}

/* HdrHistogram's value_at_percentile (nanoseconds) of a histogram. */
int64_t latency_hist_percentile(const lat_hist *h, double percentile);

/* LATENCY HISTOGRAM's buckets of a histogram: up to max (usec, cumulative count) pairs (22 at
 * most); returns how many. */
int latency_hist_cdf(const lat_hist *h, int64_t *usec, int64_t *count, int max);

/* CONFIG RESETSTAT: every histogram freed (the percentiles stay). */
void latency_hist_reset(st_store *st);
/* st_destroy: everything freed. */
void latency_hist_free(st_store *st);
/* Their blocks (walk.c). */
void latency_hist_walk(const st_store *st, st_walk_fn *visit, void *arg);

/* latency-tracking-info-percentiles: set n values (each already checked to be in 0..100; n 0
 * for none), 0 or -1 on OOM (the old list stays); and the value as CONFIG GET shows it ("%f"
 * with trailing zeros trimmed, space separated) into buf, truncated to cap. */
int latency_percentiles_set(st_store *st, const double *v, int n);
void latency_percentiles_get(const st_store *st, char *buf, size_t cap);

/* INFO latencystats (nothing while latency-tracking is off, as Redis, though the histograms
 * stay): one line per command row with a histogram, in the table's order,
 * "latency_percentiles_usec_<name>:p50=1.003,p99=..." (no CRLF), each passed to emit. */
typedef void lat_line_fn(void *arg, const char *line, size_t len);
void latency_info_lines(const st_store *st, lat_line_fn *emit, void *arg);

#endif
