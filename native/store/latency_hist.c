/* latency_hist.c - per-command latency histograms: recording's slow path, percentiles, INFO
 * latencystats, LATENCY HISTOGRAM, CONFIG RESETSTAT (see latency_hist.h). */
#include <stdio.h>
#include <string.h>

#include "latency_hist.h"

static const double default_pct[] = { 50.0, 99.0, 99.9 };

static lat_tracking *tracking(st_store *st) {
  if (st->lat_tracking != NULL) return st->lat_tracking;
  uint8_t tier, hist_tier;
  lat_tracking *lt = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *lt, &tier);
  if (lt == NULL) return NULL;
  lt->hist = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, st_command_count * sizeof *lt->hist,
                       &hist_tier);
  if (lt->hist == NULL) {
    sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, lt, sizeof *lt, tier);
    return NULL;
  }
  lt->self_tier = tier;
  lt->hist_tier = hist_tier;
  lt->npct = -1;
  st->lat_tracking = lt;
  return lt;
}

lat_hist *latency_hist_create(st_store *st, uint32_t index) {
  lat_tracking *lt = tracking(st);
  if (lt == NULL) return NULL;
  uint8_t tier;
  lat_hist *h = sm_calloc(&st->mem, SM_STORE, TM_CAT_METADATA, sizeof *h, &tier);
  if (h == NULL) return NULL;
  h->tier = tier;
  lt->hist[index] = h;
  return h;
}

void latency_hist_reset(st_store *st) {
  lat_tracking *lt = st->lat_tracking;
  if (lt == NULL) return;
  for (size_t i = 0; i < st_command_count; i++) {
    lat_hist *h = lt->hist[i];
    if (h == NULL) continue;
    sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, h, sizeof *h, h->tier);
    lt->hist[i] = NULL;
  }
}

static void free_pct(st_store *st, lat_tracking *lt) {
  if (lt->pct != NULL)
    sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, lt->pct, (size_t)lt->npct * sizeof(double),
            lt->pct_tier);
  lt->pct = NULL;
}

void latency_hist_free(st_store *st) {
  lat_tracking *lt = st->lat_tracking;
  if (lt == NULL) return;
  latency_hist_reset(st);
  free_pct(st, lt);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, lt->hist, st_command_count * sizeof *lt->hist,
          lt->hist_tier);
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, lt, sizeof *lt, lt->self_tier);
  st->lat_tracking = NULL;
}

void latency_hist_walk(const st_store *st, st_walk_fn *visit, void *arg) {
  const lat_tracking *lt = st->lat_tracking;
  if (lt == NULL) return;
  visit(arg, lt, sizeof *lt, lt->self_tier, SM_STORE, TM_CAT_METADATA);
  visit(arg, lt->hist, st_command_count * sizeof *lt->hist, lt->hist_tier, SM_STORE,
        TM_CAT_METADATA);
  if (lt->pct != NULL)
    visit(arg, lt->pct, (size_t)lt->npct * sizeof(double), lt->pct_tier, SM_STORE, TM_CAT_METADATA);
  for (size_t i = 0; i < st_command_count; i++)
    if (lt->hist[i] != NULL)
      visit(arg, lt->hist[i], sizeof(lat_hist), lt->hist[i]->tier, SM_STORE, TM_CAT_METADATA);
}

/* ------------------------------------------------------------------ HdrHistogram's value rules */

/* The lowest value of slot i (hdr_value_at_index). */
static int64_t slot_value(int i) {
  int bucket = (i >> LH_HALF_MAGNITUDE) - 1;
  int sub = (i & (LH_HALF - 1)) + LH_HALF;
  if (bucket < 0) {
    sub -= LH_HALF;
    bucket = 0;
  }
  return (int64_t)sub << bucket;
}

/* The width of the slot holding v: 1 below 256, then doubling per bucket. */
static int64_t slot_width(int64_t v) {
  return (int64_t)1 << (64 - __builtin_clzll((uint64_t)v | (2 * LH_HALF - 1)) -
                        (LH_HALF_MAGNITUDE + 1));
}

static int64_t lowest_equivalent(int64_t v) { return v & ~(slot_width(v) - 1); }
static int64_t highest_equivalent(int64_t v) { return lowest_equivalent(v) + slot_width(v) - 1; }

int64_t latency_hist_percentile(const lat_hist *h, double percentile) {
  double p = percentile < 100.0 ? percentile : 100.0;
  int64_t rank = (int64_t)((p / 100) * (double)h->total + 0.5);
  if (rank < 1) rank = 1;
  int64_t seen = 0, v = 0;
  for (int i = 0; i < LH_COUNTS; i++) {
    seen += h->counts[i];
    if (seen >= rank) {
      v = slot_value(i);
      break;
    }
  }
  return percentile == 0.0 ? lowest_equivalent(v) : highest_equivalent(v);
}

/* ------------------------------------------------------------------ percentiles parameter */

int latency_percentiles_set(st_store *st, const double *v, int n) {
  lat_tracking *lt = tracking(st);
  if (lt == NULL) return -1;
  double *p = NULL;
  uint8_t tier = 0;
  if (n > 0) {
    p = sm_alloc(&st->mem, SM_STORE, TM_CAT_METADATA, (size_t)n * sizeof *p, &tier);
    if (p == NULL) return -1;
    memcpy(p, v, (size_t)n * sizeof *p);
  }
  free_pct(st, lt);
  lt->pct = p;
  lt->npct = n;
  lt->pct_tier = tier;
  return 0;
}

static void percentiles(const st_store *st, const double **v, int *n) {
  const lat_tracking *lt = st->lat_tracking;
  if (lt == NULL || lt->npct < 0) {
    *v = default_pct;
    *n = (int)(sizeof default_pct / sizeof *default_pct);
  } else {
    *v = lt->pct;
    *n = lt->npct;
  }
}

/* "%f" without trailing zeros (Redis's trimDoubleString). */
static int format_pct(char *buf, size_t cap, double v) {
  int len = snprintf(buf, cap, "%f", v);
  if (len <= 0 || (size_t)len >= cap) return 0;
  if (strchr(buf, '.') != NULL) {
    while (len > 0 && buf[len - 1] == '0') len--;
    if (len > 0 && buf[len - 1] == '.') len--;
  }
  buf[len] = '\0';
  return len;
}

void latency_percentiles_get(const st_store *st, char *buf, size_t cap) {
  const double *v;
  int n;
  percentiles(st, &v, &n);
  size_t len = 0;
  if (cap == 0) return;
  buf[0] = '\0';
  for (int j = 0; j < n; j++) {
    char one[400];
    int l = format_pct(one, sizeof one, v[j]);
    if (len + (size_t)l + 2 > cap) break;
    if (j > 0) buf[len++] = ' ';
    memcpy(buf + len, one, (size_t)l);
    len += (size_t)l;
    buf[len] = '\0';
  }
}

/* ------------------------------------------------------------------ reports */

void latency_info_lines(const st_store *st, lat_line_fn *emit, void *arg) {
  const lat_tracking *lt = st->lat_tracking;
  if (lt == NULL || !st->cfg.latency_tracking) return;
  const double *v;
  int n;
  percentiles(st, &v, &n);
  for (size_t i = 0; i < st_command_count; i++) {
    const lat_hist *h = lt->hist[i];
    if (h == NULL) continue;
    char line[4096];
    size_t len =
        (size_t)snprintf(line, sizeof line, "latency_percentiles_usec_%s:", st_commands[i].name);
    for (int j = 0; j < n && len < sizeof line - 512; j++) {
      char pct[400];
      format_pct(pct, sizeof pct, v[j]);
      len += (size_t)snprintf(line + len, sizeof line - len, "%sp%s=%.3f", j > 0 ? "," : "", pct,
                              (double)latency_hist_percentile(h, v[j]) / 1000.0);
    }
    emit(arg, line, len);
  }
}

/* HdrHistogram's logarithmic iteration from 1024 ns by powers of two, as Redis's
 * fillCommandCDF reads it: at each level, the slot reached is the first whose value is at or
 * past the level; its highest equivalent value and the count so far are reported when the
 * count grew. */
int latency_hist_cdf(const lat_hist *h, int64_t *usec, int64_t *count, int max) {
  int64_t level = 1024, level_low = lowest_equivalent(level), cumulative = 0, previous = 0;
  int i = -1, n = 0;
  int64_t value = 0, highest = 0;
  while (cumulative < h->total && n < max) {
    /* Advance to the slot at or past the level (or the last slot). */
    while (value < level_low) {
      if (i + 1 >= LH_COUNTS) {
        value = level_low; /* the last slot: report it and stop */
        break;
      }
      i++;
      cumulative += h->counts[i];
      value = slot_value(i);
      highest = value + slot_width(value) - 1;
    }
    if (cumulative > previous) {
      usec[n] = highest / 1000;
      count[n] = cumulative;
      n++;
    }
    previous = cumulative;
    level *= 2;
    level_low = lowest_equivalent(level);
    if (i + 1 >= LH_COUNTS) break;
  }
  return n;
}

static void reply_cdf(st_client *c, const st_cmd *cmd, const lat_hist *h) {
  int64_t usec[64], count[64];
  int n = latency_hist_cdf(h, usec, count, 64);
  reply_bulk_cstr(&c->out, cmd->name);
  reply_array(&c->out, 4);
  reply_bulk_cstr(&c->out, "calls");
  reply_int(&c->out, h->total);
  reply_bulk_cstr(&c->out, "histogram_usec");
  reply_array(&c->out, 2L * n);
  for (int j = 0; j < n; j++) {
    reply_int(&c->out, usec[j]);
    reply_int(&c->out, count[j]);
  }
}

static const lat_hist *hist_of(const st_store *st, const st_cmd *cmd) {
  return st->lat_tracking != NULL ? st->lat_tracking->hist[cmd->index] : NULL;
}

/* LATENCY HISTOGRAM [command ...]: a map (a flat array in RESP2) of command name -> {calls,
 * histogram_usec}, for the named commands (a container also brings its subcommands; "a|b"
 * names a subcommand; unknown names are skipped) or every command with data. */
void cmd_latency_histogram(st_client *c) {
  const st_store *st = c->st;
  void *len = reply_defer_len(&c->out);
  long entries = 0;
  if (c->argc == 2) {
    for (size_t i = 0; i < st_command_count; i++) {
      const lat_hist *h = hist_of(st, &st_commands[i]);
      if (h == NULL) continue;
      reply_cdf(c, &st_commands[i], h);
      entries++;
    }
  }
  for (int j = 2; j < c->argc; j++) {
    const unsigned char *name = c->argv[j].ptr;
    size_t nlen = c->argv[j].len;
    const unsigned char *bar = memchr(name, '|', nlen);
    const st_cmd *cmd = cmd_lookup(name, bar != NULL ? (size_t)(bar - name) : nlen);
    if (cmd != NULL && bar != NULL) {
      const unsigned char *sub = bar + 1;
      size_t slen = nlen - (size_t)(sub - name);
      cmd = cmd_is_container(cmd) && memchr(sub, '|', slen) == NULL ? cmd_lookup_sub(cmd, sub, slen)
                                                                    : NULL;
    }
    if (cmd == NULL) continue;
    const lat_hist *h = hist_of(st, cmd);
    if (h != NULL) {
      reply_cdf(c, cmd, h);
      entries++;
    }
    if (!cmd_is_container(cmd) || cmd->parent != NULL) continue;
    for (size_t i = 0; i < st_command_count; i++) {
      const st_cmd *sub = &st_commands[i];
      if (sub->parent == NULL || strcmp(sub->parent, cmd->name) != 0) continue;
      if ((h = hist_of(st, sub)) == NULL) continue;
      reply_cdf(c, sub, h);
      entries++;
    }
  }
  reply_set_defer_len(&c->out, len, 2 * entries);
}
