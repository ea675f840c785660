/* latency_hist_test.c - per-command latency tracking against redis-server 7.0.15: the figures
 * Redis printed for single calls of known durations (INFO latencystats and LATENCY HISTOGRAM of
 * 7, 14, 105 and 111 us), the bucket labels, percentile parameter formatting, HISTOGRAM's name
 * forms (subcommands, containers, unknown names), latency-tracking off, CONFIG RESETSTAT's reset,
 * accounting (walk vs sm cells); and LATENCY GRAPH's sparkline drawing. */
#include <stdlib.h>
#include <time.h>

#include "cmdtest.h"
#include "latency_hist.h"
#include "sparkline.h"
#include "walkcheck.h"

/* The row of "name" or "container|sub". */
static uint32_t row(const char *name) {
  const char *bar = strchr(name, '|');
  const st_cmd *cmd =
      cmd_lookup((const unsigned char *)name, bar != NULL ? (size_t)(bar - name) : strlen(name));
  if (cmd != NULL && bar != NULL)
    cmd = cmd_lookup_sub(cmd, (const unsigned char *)bar + 1, strlen(bar + 1));
  CHECK(cmd != NULL);
  return cmd != NULL ? cmd->index : 0;
}

static void collect(void *arg, const char *line, size_t len) {
  char *out = arg;
  strncat(out, line, len);
  strcat(out, "\n");
}

static const char *info(st_store *st) {
  static char out[8192];
  out[0] = '\0';
  latency_info_lines(st, collect, out);
  return out;
}

#define CHECK_STR(got, want)                                                        \
  do {                                                                              \
    const char *g_ = (got), *w_ = (want);                                           \
    CHECK(strcmp(g_, w_) == 0);                                                     \
    if (strcmp(g_, w_) != 0) fprintf(stderr, "  got  [%s]\n  want [%s]\n", g_, w_); \
  } while (0)

/* What redis-server 7.0.15 reported after one call of each duration. */
static void figures_from_redis(st_client *c) {
  st_store *st = c->st;
  latency_track(st, row("get"), 7);
  latency_track(st, row("set"), 14);
  latency_track(st, row("info"), 111);
  /* In the command table's order. */
  CHECK_STR(info(st), "latency_percentiles_usec_info:p50=111.103,p99=111.103,p99.9=111.103\n"
                      "latency_percentiles_usec_get:p50=7.007,p99=7.007,p99.9=7.007\n"
                      "latency_percentiles_usec_set:p50=14.015,p99=14.015,p99.9=14.015\n");
  CHECK_REPLY(
      c,
      "*4\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:16\r\n:1\r\n"
      "$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:8\r\n:1\r\n",
      "LATENCY", "HISTOGRAM", "set", "get");
  /* CONFIG SET latency-tracking-info-percentiles "0 0.0078125 100 1e1" (p0 is the lowest value
   * of the slot): Redis showed get:p0=6.976,p0.007812=7.007,p100=7.007,p10=7.007. */
  const double p[] = { 0, 0.0078125, 100, 1e1 };
  CHECK(latency_percentiles_set(st, p, 4) == 0);
  char buf[256];
  latency_percentiles_get(st, buf, sizeof buf);
  CHECK_STR(buf, "0 0.007812 100 10");
  CHECK(strstr(info(st), "latency_percentiles_usec_get:p0=6.976,p0.007812=7.007,p100=7.007,"
                         "p10=7.007\n") != NULL);
  CHECK(strstr(info(st), "latency_percentiles_usec_info:p0=110.592,p0.007812=111.103,"
                         "p100=111.103,p10=111.103\n") != NULL);
  CHECK(latency_percentiles_set(st, NULL, 0) == 0); /* "" */
  latency_percentiles_get(st, buf, sizeof buf);
  CHECK_STR(buf, "");
  CHECK(strstr(info(st), "latency_percentiles_usec_get:\n") != NULL);
  const double d[] = { 50, 99, 99.9 };
  CHECK(latency_percentiles_set(st, d, 3) == 0);
  latency_percentiles_get(st, buf, sizeof buf);
  CHECK_STR(buf, "50 99 99.9");
  /* config|get took 105 us: its bucket is 132. */
  latency_track(st, row("config|get"), 105);
  CHECK_STR(exec(c, "LATENCY", "HISTOGRAM", "CONFIG", "nosuch", "get|x", "config|set", NULL),
            "*2\r\n$10\r\nconfig|get\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n"
            ":132\r\n:1\r\n");
  CHECK(strstr(info(st), "latency_percentiles_usec_config|get:p50=105.471,p99=105.471,"
                         "p99.9=105.471\n") != NULL);
  CHECK(walk_matches(st));
}

/* Several values: cumulative buckets at 1024 ns * 2^k, each labelled with its slot's highest
 * microsecond; 0 us counts as 1 ns (bucket 1); over 1 s as 1 s (bucket 1073741). */
static void buckets(st_client *c) {
  st_store *st = c->st;
  uint32_t r = row("incr");
  const int64_t us[] = { 0, 1, 2, 3, 5, 33, 34, 1000, 2000000, 600000 };
  for (size_t i = 0; i < sizeof us / sizeof *us; i++) latency_track(st, r, us[i]);
  int64_t u[64], n[64];
  int k = latency_hist_cdf(st->lat_tracking->hist[r], u, n, 64);
  /* 0 and 1 us in 1; 2 in 2; 3 in 4; 5 in 8; 33 in 33 (33 us = 33000 ns <= 33023); 34 in 66;
   * 1000 in 1056; 600000 and 2 s (clamped to 1 s) past 541065: the last slot's 1073741. */
  const int64_t want_u[] = { 1, 2, 4, 8, 33, 66, 1056, 1073741 };
  const int64_t want_n[] = { 2, 3, 4, 5, 6, 7, 8, 10 };
  CHECK(k == 8);
  for (int i = 0; i < k && i < 8; i++) {
    CHECK(u[i] == want_u[i] && n[i] == want_n[i]);
    if (u[i] != want_u[i] || n[i] != want_n[i])
      fprintf(stderr, "  bucket %d: %lld/%lld\n", i, (long long)u[i], (long long)n[i]);
  }
  /* p50 is the 5th value (5 us: slot 4992..5023 ns); p99.9 the last (1 s: 998244352 ..
   * 1002438655 ns). */
  CHECK(latency_hist_percentile(st->lat_tracking->hist[r], 50) == 5023);
  CHECK(latency_hist_percentile(st->lat_tracking->hist[r], 99.9) == 1002438655);
}

/* Commands run through st_call are tracked, under latency-tracking; RESETSTAT's reset. */
static void call_path(st_client *c) {
  st_store *st = c->st;
  latency_hist_reset(st);
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "HISTOGRAM");
  const char *pre = "latency_percentiles_usec_latency|histogram:p50=";
  CHECK(strncmp(info(st), pre, strlen(pre)) == 0);
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "v");
  CHECK_REPLY(c, "$1\r\nv\r\n", "GET", "k");
  CHECK_REPLY(c, "$1\r\nv\r\n", "GET", "k");
  const char *got = exec(c, "LATENCY", "HISTOGRAM", "get", NULL);
  pre = "*2\r\n$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n";
  CHECK(strncmp(got, pre, strlen(pre)) == 0);
  /* Every command with data, in the table's order: get, set, latency|histogram. */
  got = exec(c, "LATENCY", "HISTOGRAM", NULL);
  CHECK(strncmp(got, "*6\r\n", 4) == 0);
  st->cfg.latency_tracking = 0;
  CHECK_REPLY(c, "$1\r\nv\r\n", "GET", "k");
  CHECK_STR(info(st), ""); /* off: INFO shows nothing, the data stays */
  st->cfg.latency_tracking = 1;
  got = exec(c, "LATENCY", "HISTOGRAM", "get", NULL);
  CHECK(strstr(got, "calls\r\n:2\r\n") != NULL);
  CHECK(walk_matches(st));
  latency_hist_reset(st);
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "HISTOGRAM", "get", "set");
  CHECK(walk_matches(st));
}

static void emit(void *arg, const char *s, size_t len) { strncat(arg, s, len); }

/* Redis's sparklineRender with SPARKLINE_FILL, 4 rows: 3 levels per row ("_o#", '|' under the
 * top), then labels down each column after a margin row. */
static void sparkline(void) {
  char out[4096] = "", chars[80];
  const sl_sample s[] = { { 1, "a" }, { 5, "bb" }, { 10, NULL } };
  sparkline_render(s, 3, 80, 4, chars, emit, out);
  CHECK_STR(out, "  #\n  |\n #|\n_||\n   \nab \n b \n");
  /* More samples than columns: blocks separated by an empty line. */
  out[0] = '\0';
  sl_sample many[5];
  for (int i = 0; i < 5; i++) many[i] = (sl_sample){ (double)i, NULL };
  sparkline_render(many, 5, 3, 1, chars, emit, out);
  CHECK_STR(out, "__o\n\n##\n");
}

static void graph(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "-ERR No samples available for event 'command'\r\n", "LATENCY", "GRAPH",
              "command");
  CHECK_REPLY(c, "-ERR No samples available for event 'nope'\r\n", "LATENCY", "GRAPH", "nope");
  st->cfg.latency_monitor_threshold = 1;
  latency_add_if_needed(st, LAT_COMMAND, 7);
  const char *want = "command - high 7 ms, low 7 ms (all time high 7 ms)\n"
                     "--------------------------------------------------------------------------"
                     "------\n \n \n \n_\n \n0\ns\n";
  char bulk[1024];
  snprintf(bulk, sizeof bulk, "$%zu\r\n%s\r\n", strlen(want), want);
  CHECK_STR(exec(c, "LATENCY", "GRAPH", "command", NULL), bulk);
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'latency|graph' command\r\n", "LATENCY",
              "GRAPH");
  CHECK_REPLY(c, ":1\r\n", "LATENCY", "RESET");
  st->cfg.latency_monitor_threshold = 0;
  CHECK(walk_matches(st));
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_config cfg;
  st_config_defaults(&cfg);
  CHECK(cfg.latency_tracking == 0); /* the C baseline; served stores push yes */
  cfg.latency_tracking = 1;
  st_store *st = st_create(h, &cfg);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  figures_from_redis(c);
  buckets(c);
  call_path(c);
  sparkline();
  graph(c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("latency_hist_test");
}
