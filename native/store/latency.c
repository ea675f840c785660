/* latency.c - the latency monitor: LATENCY LATEST|HISTORY|RESET|DOCTOR|GRAPH|HELP, as Redis 7.0.15's
 * latency.c.
 *
 * With latency-monitor-threshold > 0, an event that took at least that many milliseconds is
 * sampled into its series: "command" and "fast-command" (st_call, by the command's CMD_FAST
 * flag), "expire-cycle" (st_cron's active expiry) and "command-unblocking" (serving a blocked
 * client, blocking.c). A series keeps the last 160 samples, one
 * per second (the worst of that second), and its all-time maximum; it is allocated (owner
 * SM_STORE, category buffers) at its first sample and freed by LATENCY RESET. GRAPH draws a
 * series with sparkline.c; HISTOGRAM (per-command latency tracking) is latency_hist.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "sparkline.h"
#include "store.h"

#define TS_LEN 160
#define GRAPH_COLS 80

typedef struct st_latency_series {
  struct {
    int32_t time; /* unix seconds; 0: unused */
    uint32_t latency_ms;
  } samples[TS_LEN];
  int idx; /* next slot */
  uint32_t max;
  uint8_t tier;
} st_latency_series;

static const char *const event_names[LAT_EVENTS] = { "command", "fast-command", "expire-cycle",
                                                     "command-unblocking" };

void latency_add_if_needed(st_store *st, int event, int64_t ms) {
  if (st->cfg.latency_monitor_threshold <= 0 || ms < st->cfg.latency_monitor_threshold) return;
  st_latency_series *ts = st->latency[event];
  if (ts == NULL) {
    uint8_t tier;
    ts = sm_calloc(&st->mem, SM_STORE, TM_CAT_BUFFERS, sizeof *ts, &tier);
    if (ts == NULL) return; /* a diagnostic: skipped under OOM */
    ts->tier = tier;
    st->latency[event] = ts;
    st->latency_order[st->latency_count++] = (uint8_t)event;
  }
  uint32_t latency = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
  int32_t now = (int32_t)time(NULL);
  if (latency > ts->max) ts->max = latency;
  int prev = (ts->idx + TS_LEN - 1) % TS_LEN;
  if (ts->samples[prev].time == now) {
    if (latency > ts->samples[prev].latency_ms) ts->samples[prev].latency_ms = latency;
    return;
  }
  ts->samples[ts->idx].time = now;
  ts->samples[ts->idx].latency_ms = latency;
  ts->idx = (ts->idx + 1) % TS_LEN;
}

/* 1 if the event had a series (now freed). */
static int reset_event(st_store *st, int event) {
  st_latency_series *ts = st->latency[event];
  if (ts == NULL) return 0;
  sm_free(&st->mem, SM_STORE, TM_CAT_BUFFERS, ts, sizeof *ts, ts->tier);
  st->latency[event] = NULL;
  int j = 0;
  for (int i = 0; i < st->latency_count; i++)
    if (st->latency_order[i] != event) st->latency_order[j++] = st->latency_order[i];
  st->latency_count = j;
  return 1;
}

void latency_reset_all(st_store *st) {
  for (int e = 0; e < LAT_EVENTS; e++) reset_event(st, e);
}

void latency_walk(const st_store *st, st_walk_fn *visit, void *arg) {
  for (int e = 0; e < LAT_EVENTS; e++)
    if (st->latency[e] != NULL)
      visit(arg, st->latency[e], sizeof(st_latency_series), st->latency[e]->tier, SM_STORE,
            TM_CAT_BUFFERS);
}

static int event_by_name(const resp_arg *a) {
  for (int e = 0; e < LAT_EVENTS; e++)
    if (a->len == strlen(event_names[e]) && memcmp(a->ptr, event_names[e], a->len) == 0) return e;
  return -1;
}

void cmd_latency_latest(st_client *c) {
  st_store *st = c->st;
  reply_array(&c->out, st->latency_count);
  for (int i = 0; i < st->latency_count; i++) {
    int e = st->latency_order[i];
    const st_latency_series *ts = st->latency[e];
    int last = (ts->idx + TS_LEN - 1) % TS_LEN;
    reply_array(&c->out, 4);
    reply_bulk_cstr(&c->out, event_names[e]);
    reply_int(&c->out, ts->samples[last].time);
    reply_int(&c->out, ts->samples[last].latency_ms);
    reply_int(&c->out, ts->max);
  }
}

void cmd_latency_history(st_client *c) {
  int e = event_by_name(&c->argv[2]);
  const st_latency_series *ts = e < 0 ? NULL : c->st->latency[e];
  if (ts == NULL) {
    reply_array(&c->out, 0);
    return;
  }
  long n = 0;
  for (int j = 0; j < TS_LEN; j++)
    if (ts->samples[j].time != 0) n++;
  reply_array(&c->out, n);
  for (int j = 0; j < TS_LEN; j++) {
    int i = (ts->idx + j) % TS_LEN;
    if (ts->samples[i].time == 0) continue;
    reply_array(&c->out, 2);
    reply_int(&c->out, ts->samples[i].time);
    reply_int(&c->out, ts->samples[i].latency_ms);
  }
}

void cmd_latency_reset(st_client *c) {
  long long resets = 0;
  if (c->argc == 2) {
    for (int e = 0; e < LAT_EVENTS; e++) resets += reset_event(c->st, e);
  } else {
    for (int j = 2; j < c->argc; j++) {
      int e = event_by_name(&c->argv[j]);
      if (e >= 0) resets += reset_event(c->st, e);
    }
  }
  reply_int(&c->out, resets);
}

/* Redis's analyzeLatencyForEvent: samples, average, mean absolute deviation, and the period
 * (seconds since the oldest sample) per sample. */
typedef struct lat_stats {
  uint32_t samples;
  uint64_t avg, mad;
  int64_t period;
} lat_stats;

static void analyze(const st_latency_series *ts, lat_stats *ls) {
  memset(ls, 0, sizeof *ls);
  uint64_t sum = 0;
  for (int j = 0; j < TS_LEN; j++) {
    if (ts->samples[j].time == 0) continue;
    ls->samples++;
    sum += ts->samples[j].latency_ms;
    if (ls->period == 0 || ts->samples[j].time < ls->period) ls->period = ts->samples[j].time;
  }
  if (ls->samples == 0) return;
  ls->avg = sum / ls->samples;
  ls->period = (int64_t)time(NULL) - ls->period;
  if (ls->period == 0) ls->period = 1;
  sum = 0;
  for (int j = 0; j < TS_LEN; j++) {
    if (ts->samples[j].time == 0) continue;
    int64_t delta = (int64_t)ls->avg - ts->samples[j].latency_ms;
    sum += (uint64_t)(delta < 0 ? -delta : delta);
  }
  ls->mad = sum / ls->samples;
}

/* A growing text in a buffers block (the report is a few KiB at most). */
typedef struct text {
  st_store *st;
  char *p;
  size_t len, cap;
  uint8_t tier;
  int oom;
} text;

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(text *t, const char *fmt, ...) {
  if (t->oom) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = t->cap == 0 ? 4096 : t->cap;
    while (cap < t->len + (size_t)n + 1) cap *= 2;
    uint8_t tier = t->tier;
    char *p = t->p == NULL
                  ? sm_alloc(&t->st->mem, SM_STORE, TM_CAT_BUFFERS, cap, &tier)
                  : sm_realloc(&t->st->mem, SM_STORE, TM_CAT_BUFFERS, t->p, t->cap, cap, &tier);
    if (p == NULL) {
      t->oom = 1;
      return;
    }
    t->p = p;
    t->cap = cap;
    t->tier = tier;
  }
  va_start(ap, fmt);
  vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

/* Redis's createLatencyReport, for the events this engine records. */
static void doctor_report(st_store *st, text *t) {
  if (st->latency_count == 0 && st->cfg.latency_monitor_threshold == 0) {
    text_add(t, "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
                "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" "
                "in order to enable it. If we weren't in a deep space mission I'd suggest to take "
                "a look at https://redis.io/topics/latency-monitor.\n");
    return;
  }
  int slowlog_enabled = 0, slowlog_tuning = 0, slowlog_inspect = 0, scheduler = 0, hz = 0,
      large_objects = 0, advices = 0;
  for (int i = 0; i < st->latency_count; i++) {
    int e = st->latency_order[i];
    const st_latency_series *ts = st->latency[e];
    if (i == 0)
      text_add(t, "Dave, I have observed latency spikes in this Redis instance. You don't mind "
                  "talking about it, do you Dave?\n\n");
    lat_stats ls;
    analyze(ts, &ls);
    text_add(t,
             "%d. %s: %d latency spikes (average %lums, mean deviation %lums, period %.2f sec). "
             "Worst all time event %lums.",
             i + 1, event_names[e], (int)ls.samples, (unsigned long)ls.avg, (unsigned long)ls.mad,
             (double)ls.period / ls.samples, (unsigned long)ts->max);
    if (e == LAT_COMMAND) {
      if (st->cfg.slowlog_log_slower_than < 0) {
        slowlog_enabled = 1;
        advices++;
      } else if (st->cfg.slowlog_log_slower_than / 1000 > st->cfg.latency_monitor_threshold) {
        slowlog_tuning = 1;
        advices++;
      }
      slowlog_inspect = large_objects = 1;
      advices += 2;
    } else if (e == LAT_FAST_COMMAND) {
      scheduler = 1;
      advices++;
    } else if (e == LAT_EXPIRE_CYCLE) {
      hz = large_objects = 1;
      advices += 2;
    }
    text_add(t, "\n");
  }
  if (st->latency_count == 0 && advices == 0) {
    text_add(t, "Dave, no latency spike was observed during the lifetime of this Redis instance, "
                "not in the slightest bit. I honestly think you ought to sit down calmly, take a "
                "stress pill, and think things over.\n");
    return;
  }
  if (advices == 0) {
    text_add(t, "\nWhile there are latency events logged, I'm not able to suggest any easy fix. "
                "Please use the Redis community to get some help, providing this report in your "
                "help request.\n");
    return;
  }
  unsigned long long threshold_us = (unsigned long long)st->cfg.latency_monitor_threshold * 1000;
  text_add(t, "\nI have a few advices for you:\n\n");
  if (slowlog_enabled)
    text_add(t,
             "- There are latency issues with potentially slow commands you are using. Try to "
             "enable the Slow Log Redis feature using the command 'CONFIG SET "
             "slowlog-log-slower-than %llu'. If the Slow log is disabled Redis is not able to log "
             "slow commands execution for you.\n",
             threshold_us);
  if (slowlog_tuning)
    text_add(t,
             "- Your current Slow Log configuration only logs events that are slower than your "
             "configured latency monitor threshold. Please use 'CONFIG SET "
             "slowlog-log-slower-than %llu'.\n",
             threshold_us);
  if (slowlog_inspect)
    text_add(t, "- Check your Slow Log to understand what are the commands you are running which "
                "are too slow to execute. Please check https://redis.io/commands/slowlog for more "
                "information.\n");
  if (scheduler)
    text_add(t, "- The system is slow to execute Redis code paths not containing system calls. "
                "This usually means the system does not provide Redis CPU time to run for long "
                "periods. You should try to:\n"
                "  1) Lower the system load.\n"
                "  2) Use a computer / VM just for Redis if you are running other software in the "
                "same system.\n"
                "  3) Check if you have a \"noisy neighbour\" problem.\n"
                "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic "
                "latency in your system.\n"
                "  5) Check if the problem is allocator-related by recompiling Redis with "
                "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation "
                "problems.\n");
  if (hz) /* hz is 10 here: under 100 */
    text_add(t, "- In order to make the Redis keys expiring process more incremental, try to set "
                "the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
  if (large_objects)
    text_add(t, "- Deleting, expiring or evicting (because of maxmemory policy) large objects is "
                "a blocking operation. If you have very large objects that are often deleted, "
                "expired, or evicted, try to fragment those objects into multiple smaller "
                "objects.\n");
}

void cmd_latency_doctor(st_client *c) {
  text t = { c->st, NULL, 0, 0, 0, 0 };
  doctor_report(c->st, &t);
  if (t.oom)
    reply_oom(c);
  else
    reply_bulk(&c->out, t.p, t.len); /* Redis 7.0 sends it as a verbatim string: a bulk in RESP2 */
  if (t.p != NULL) sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, t.p, t.cap, t.tier);
}

static void text_emit(void *arg, const char *s, size_t len) { text_add(arg, "%.*s", (int)len, s); }

/* Redis's latencyCommandGenSparkeline: a title line, 80 dashes, then the samples (oldest first)
 * as a 4-row sparkline labelled with how long ago each was taken. */
static void graph(const st_latency_series *ts, const char *event, text *t) {
  sl_sample samples[TS_LEN];
  char labels[TS_LEN][16];
  uint32_t min = 0, max = 0;
  int n = 0;
  int64_t now = time(NULL);
  for (int j = 0; j < TS_LEN; j++) {
    int i = (ts->idx + j) % TS_LEN;
    if (ts->samples[i].time == 0) continue;
    uint32_t ms = ts->samples[i].latency_ms;
    if (n == 0 || ms > max) max = ms;
    if (n == 0 || ms < min) min = ms;
    int elapsed = (int)(now - ts->samples[i].time);
    if (elapsed < 60)
      snprintf(labels[n], sizeof labels[n], "%ds", elapsed);
    else if (elapsed < 3600)
      snprintf(labels[n], sizeof labels[n], "%dm", elapsed / 60);
    else if (elapsed < 3600 * 24)
      snprintf(labels[n], sizeof labels[n], "%dh", elapsed / 3600);
    else
      snprintf(labels[n], sizeof labels[n], "%dd", elapsed / (3600 * 24));
    samples[n].value = ms;
    samples[n].label = labels[n];
    n++;
  }
  text_add(t, "%s - high %lu ms, low %lu ms (all time high %lu ms)\n", event, (unsigned long)max,
           (unsigned long)min, (unsigned long)ts->max);
  text_add(t, "%s\n",
           "----------------------------------------"
           "----------------------------------------");
  char chars[GRAPH_COLS];
  sparkline_render(samples, n, GRAPH_COLS, 4, chars, text_emit, t);
}

void cmd_latency_graph(st_client *c) {
  int e = event_by_name(&c->argv[2]);
  const st_latency_series *ts = e < 0 ? NULL : c->st->latency[e];
  if (ts == NULL) {
    int len = c->argv[2].len < 128 ? (int)c->argv[2].len : 128;
    reply_error(&c->out, "ERR No samples available for event '%.*s'", len,
                (const char *)c->argv[2].ptr);
    return;
  }
  text t = { c->st, NULL, 0, 0, 0, 0 };
  graph(ts, event_names[e], &t);
  if (t.oom)
    reply_oom(c);
  else
    reply_bulk(&c->out, t.p, t.len); /* a verbatim string in RESP3, a bulk in RESP2 */
  if (t.p != NULL) sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, t.p, t.cap, t.tier);
}

void cmd_latency_help(st_client *c) {
  static const char *const lines[] = { "DOCTOR",
                                       "    Return a human readable latency analysis report.",
                                       "GRAPH <event>",
                                       "    Return an ASCII latency graph for the <event> class.",
                                       "HISTORY <event>",
                                       "    Return time-latency samples for the <event> class.",
                                       "LATEST",
                                       "    Return the latest latency samples for all events.",
                                       "RESET [<event> ...]",
                                       "    Reset latency data of one or more <event> classes.",
                                       "    (default: reset all data for all event classes)",
                                       "HISTOGRAM [COMMAND ...]",
                                       "    Return a cumulative distribution of latencies in the "
                                       "format of a histogram for the specified command names.",
                                       "    If no commands are specified then all histograms are "
                                       "replied.",
                                       NULL };
  reply_help(c, "LATENCY", lines);
}
