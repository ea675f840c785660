/* block_stats_test.c - when a blocking command's statistics are recorded (Redis 7.0.15's
 * updateStatsOnUnblock): calls at the call that blocks; the latency histogram sample and the slow
 * log entry when a push serves it or CLIENT UNBLOCK ends it (failed either way, logged without
 * arguments), never for a timeout; a serve that replies an error counts a failed call. */
#include "blocking.h"
#include "cmdtest.h"
#include "latency_hist.h"
#include "walkcheck.h"

static const st_cmdstat *stat_of(st_store *st, const char *name) {
  return &st->cmdstats[cmd_lookup((const unsigned char *)name, strlen(name))->index];
}

/* Samples in the command's latency histogram. */
static int64_t hist_total(st_store *st, const char *name) {
  const lat_tracking *t = st->lat_tracking;
  if (t == NULL) return 0;
  const lat_hist *h = t->hist[cmd_lookup((const unsigned char *)name, strlen(name))->index];
  return h == NULL ? 0 : h->total;
}

/* SLOWLOG GET 1's arguments part of the newest entry starts with want (an array header). */
static int newest_slowlog_args(st_client *c, const char *want) {
  const char *r = exec(c, "SLOWLOG", "GET", "1", NULL);
  /* *1, *6, :id, :time, :duration, then the arguments array. */
  const char *p = r;
  for (int lines = 0; lines < 5; lines++) {
    p = strstr(p, "\r\n");
    if (p == NULL) return 0; /* an empty log */
    p += 2;
  }
  return strncmp(p, want, strlen(want)) == 0;
}

static void take(st_client *c, const char *want) {
  char out[256];
  size_t n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, want) == 0);
  if (strcmp(out, want) != 0) fprintf(stderr, "  got %s  want %s\n", out, want);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *a = st_client_new(st);
  st_client *u = st_client_new(st);
  CHECK(st != NULL && a != NULL && u != NULL);
  st->cfg.slowlog_log_slower_than = 0;
  st->cfg.latency_tracking = 1;

  /* Served by a push: one call, counted when it blocked; its sample and entry when served. */
  CHECK_REPLY(u, "", "BLPOP", "l", "0");
  CHECK(u->flags & CL_BLOCKED);
  CHECK(stat_of(st, "blpop")->calls == 1);
  CHECK(hist_total(st, "blpop") == 0);
  CHECK(newest_slowlog_args(a, "*3\r\n$4\r\nBLPOP\r\n") == 0);
  CHECK_REPLY(a, ":1\r\n", "RPUSH", "l", "x");
  take(u, "*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
  CHECK(stat_of(st, "blpop")->calls == 1 && stat_of(st, "blpop")->failed == 0);
  CHECK(hist_total(st, "blpop") == 1);
  /* The served entry is newer than the RPUSH that served it. */
  CHECK(newest_slowlog_args(a, "*3\r\n$5\r\nRPUSH\r\n") == 0);
  const char *r = exec(a, "SLOWLOG", "GET", "3", NULL); /* newest first: this check's GET */
  const char *blpop = strstr(r, "$5\r\nBLPOP\r\n"), *rpush = strstr(r, "$5\r\nRPUSH\r\n");
  CHECK(blpop != NULL && rpush != NULL && rpush > blpop);

  /* Timed out: nothing more than the call. */
  exec(a, "SLOWLOG", "RESET", NULL);
  CHECK_REPLY(u, "", "BZPOPMIN", "z", "1");
  st->now_ms += 2000;
  st_timers(st);
  take(u, "*-1\r\n");
  CHECK(stat_of(st, "bzpopmin")->calls == 1 && stat_of(st, "bzpopmin")->failed == 0);
  CHECK(hist_total(st, "bzpopmin") == 0);
  CHECK_REPLY(a, ":1\r\n", "SLOWLOG", "LEN"); /* SLOWLOG RESET's own entry only */

  /* CLIENT UNBLOCK, TIMEOUT and ERROR: a failed call each, an entry without arguments first. */
  char id[32];
  snprintf(id, sizeof id, "%llu", (unsigned long long)u->id);
  CHECK_REPLY(u, "", "BRPOP", "l", "0");
  CHECK_REPLY(a, ":1\r\n", "CLIENT", "UNBLOCK", id);
  take(u, "*-1\r\n");
  CHECK_REPLY(u, "", "BRPOP", "l", "0");
  CHECK_REPLY(a, ":1\r\n", "CLIENT", "UNBLOCK", id, "ERROR");
  take(u, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  CHECK(stat_of(st, "brpop")->calls == 2 && stat_of(st, "brpop")->failed == 2);
  CHECK(hist_total(st, "brpop") == 2);
  r = exec(a, "SLOWLOG", "GET", "2", NULL);
  CHECK(strstr(r, "*0\r\n") != NULL); /* the unblocked BRPOP's empty argument list */
  CHECK(strstr(r, "$7\r\nUNBLOCK\r\n") != NULL);
  CHECK(strstr(r, "*0\r\n") > strstr(r, "$7\r\nUNBLOCK\r\n")); /* older than the UNBLOCK */

  /* Served with an error: a failed call. */
  CHECK_REPLY(u, "", "BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
  CHECK_REPLY(a, "+OK\r\n", "SET", "dst", "s");
  CHECK_REPLY(a, ":1\r\n", "RPUSH", "src", "v");
  take(u, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(stat_of(st, "blmove")->calls == 1 && stat_of(st, "blmove")->failed == 1);
  CHECK(hist_total(st, "blmove") == 1);

  /* Inside EXEC nothing blocks: recorded at the call. */
  exec(u, "MULTI", NULL);
  exec(u, "BLPOP", "none", "0", NULL);
  CHECK_REPLY(u, "*1\r\n*-1\r\n", "EXEC");
  CHECK(stat_of(st, "blpop")->calls == 2 && hist_total(st, "blpop") == 2);

  exec(a, "FLUSHALL", NULL);
  CHECK(walk_matches(st));
  st_client_free(a);
  st_client_free(u);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("block_stats_test");
}
