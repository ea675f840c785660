/* slowlog_test.c - SLOWLOG and LATENCY against redis-server 7.0.15's replies and report texts:
 * entry format (id, time, duration, arguments trimmed to 32 and to 128 bytes each, address,
 * name), what is recorded (EXEC's commands one by one, not EXEC), thresholds, max length, ids
 * across RESET, errors; latency series (one sample per second, worst kept, max), LATEST,
 * HISTORY, RESET, DOCTOR's texts; every entry and series accounted (walk vs sm cells). */
#include <stdlib.h>
#include <time.h>

#include "cmdtest.h"
#include "walkcheck.h"

/* The reply of SLOWLOG GET with every entry's time and duration replaced by T and D. */
static const char *masked(st_client *c, const char *count) {
  static char buf[1 << 16];
  const char *r = count ? exec(c, "SLOWLOG", "GET", count, NULL) : exec(c, "SLOWLOG", "GET", NULL);
  /* Entries are "*6\r\n:<id>\r\n:<time>\r\n:<duration>\r\n...": mask the 2nd and 3rd ints. */
  size_t o = 0;
  const char *p = r;
  while (*p && o < sizeof buf - 8) {
    if (strncmp(p, "*6\r\n:", 5) == 0) {
      const char *id_end = strstr(p + 5, "\r\n");
      size_t n = (size_t)(id_end + 2 - p);
      memcpy(buf + o, p, n);
      o += n;
      p = id_end + 2;
      for (int k = 0; k < 2; k++) {
        const char *end = strstr(p, "\r\n");
        memcpy(buf + o, k == 0 ? ":T\r\n" : ":D\r\n", 4);
        o += 4;
        p = end + 2;
      }
      continue;
    }
    buf[o++] = *p++;
  }
  buf[o] = '\0';
  return buf;
}

static void slowlog(st_client *c, st_client *other) {
  st_store *st = c->st;
  snprintf(c->addr, sizeof c->addr, "127.0.0.1:4000");
  CHECK_REPLY(c, ":0\r\n", "SLOWLOG", "LEN");
  CHECK_REPLY(c, "*0\r\n", "SLOWLOG", "GET");
  st->cfg.slowlog_log_slower_than = 0;
  CHECK_REPLY(c, "+OK\r\n", "SLOWLOG", "RESET");
  CHECK_REPLY(c, "+OK\r\n", "CLIENT", "SETNAME", "me");
  CHECK_REPLY(c, "+OK\r\n", "MULTI");
  CHECK_REPLY(c, "+QUEUED\r\n", "SET", "a", "b");
  CHECK_REPLY(c, "*1\r\n+OK\r\n", "EXEC");
  /* Newest first; EXEC is skip_slowlog, the SET it ran is there; RESET itself was logged. */
  CHECK(strcmp(masked(c, "4"),
               "*4\r\n"
               "*6\r\n:3\r\n:T\r\n:D\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n"
               "$14\r\n127.0.0.1:4000\r\n$2\r\nme\r\n"
               "*6\r\n:2\r\n:T\r\n:D\r\n*1\r\n$5\r\nMULTI\r\n$14\r\n127.0.0.1:4000\r\n$2\r\nme\r\n"
               "*6\r\n:1\r\n:T\r\n:D\r\n*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$2\r\nme\r\n"
               "$14\r\n127.0.0.1:4000\r\n$2\r\nme\r\n"
               "*6\r\n:0\r\n:T\r\n:D\r\n*2\r\n$7\r\nSLOWLOG\r\n$5\r\nRESET\r\n"
               "$14\r\n127.0.0.1:4000\r\n$0\r\n\r\n") == 0);
  /* Time is the unix time; duration in microseconds. */
  const char *r = exec(c, "SLOWLOG", "GET", "1", NULL);
  long long id, t, d;
  CHECK(sscanf(r, "*1\r\n*6\r\n:%lld\r\n:%lld\r\n:%lld\r\n", &id, &t, &d) == 3);
  CHECK(llabs(t - (long long)time(NULL)) <= 1 && d >= 0 && d < 1000000);
  /* Errors, as Redis words them. */
  CHECK_REPLY(c, "-ERR count should be greater than or equal to -1\r\n", "SLOWLOG", "GET", "x");
  CHECK_REPLY(c, "-ERR count should be greater than or equal to -1\r\n", "SLOWLOG", "GET", "-2");
  CHECK_REPLY(c,
              "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG "
              "HELP.\r\n",
              "SLOWLOG", "GET", "1", "2");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'slowlog|len' command\r\n", "SLOWLOG", "LEN",
              "x");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'slowlog|reset' command\r\n", "SLOWLOG",
              "RESET", "x");
  CHECK_REPLY(c, "-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n", "SLOWLOG", "FOO");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'slowlog' command\r\n", "SLOWLOG");
  CHECK_REPLY(c, "*0\r\n", "SLOWLOG", "GET", "0");
  CHECK_REPLY(c,
              "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET "
              "[<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean "
              "all).\r\n+    Entries are made of:\r\n+    id, timestamp, time in microseconds, "
              "arguments array, client IP and port,\r\n+    client name\r\n+LEN\r\n+    Return "
              "the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n+HELP\r\n+    "
              "Prints this help.\r\n",
              "SLOWLOG", "HELP");
  /* Trimming: 40 arguments keep 31 and "... (9 more arguments)"; 200 bytes keep 128. */
  const char *argv[40];
  char long_arg[201];
  memset(long_arg, 'x', 200);
  long_arg[200] = '\0';
  argv[0] = "DEL";
  argv[1] = long_arg;
  for (int i = 2; i < 40; i++) argv[i] = "k";
  exec_argv(c, 40, argv, NULL);
  r = masked(c, "1");
  char want[4096];
  int n = snprintf(
      want, sizeof want,
      "*1\r\n*6\r\n:%lld\r\n:T\r\n:D\r\n*32\r\n$3\r\nDEL\r\n$147\r\n%.128s... (72 more bytes)\r\n",
      id + 7, long_arg);
  for (int i = 2; i < 31; i++) n += snprintf(want + n, sizeof want - (size_t)n, "$1\r\nk\r\n");
  snprintf(want + n, sizeof want - (size_t)n,
           "$22\r\n... (9 more arguments)\r\n$14\r\n127.0.0.1:4000\r\n$2\r\nme\r\n");
  CHECK(strcmp(r, want) == 0);
  if (strcmp(r, want) != 0) fprintf(stderr, "  got  %s\n  want %s\n", r, want);
  CHECK(walk_matches(st));
  /* Max length; LEN; ids continue after RESET; -1 returns everything. */
  st->cfg.slowlog_max_len = 3;
  exec(other, "PING", NULL);
  CHECK_REPLY(c, ":3\r\n", "SLOWLOG", "LEN");
  r = exec(c, "SLOWLOG", "GET", "-1", NULL);
  CHECK(strncmp(r, "*3\r\n", 4) == 0);
  exec(c, "SLOWLOG", "RESET", NULL);
  r = exec(c, "SLOWLOG", "GET", NULL);
  long long id2;
  CHECK(sscanf(r, "*1\r\n*6\r\n:%lld\r\n", &id2) == 1 && id2 > id + 8);
  /* Off (negative) and a high threshold record nothing. */
  st->cfg.slowlog_log_slower_than = -1;
  exec(c, "SLOWLOG", "RESET", NULL);
  exec(c, "SET", "x", "y", NULL);
  CHECK_REPLY(c, ":0\r\n", "SLOWLOG", "LEN");
  st->cfg.slowlog_log_slower_than = 10000000;
  exec(c, "SET", "x", "y", NULL);
  CHECK_REPLY(c, ":0\r\n", "SLOWLOG", "LEN");
  st->cfg.slowlog_log_slower_than = 10000;
  st->cfg.slowlog_max_len = 128;
  CHECK(walk_matches(st));
}

#define DISABLED                                                                                   \
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You "  \
  "may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we " \
  "weren't in a deep space mission I'd suggest to take a look at "                                 \
  "https://redis.io/topics/latency-monitor.\n"
#define NO_SPIKE                                                                                 \
  "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "  \
  "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think " \
  "things over.\n"
/* What redis-server 7.0.15 answered with one "command" spike of 1 ms, threshold 1,
 * slowlog-log-slower-than 50000. */
#define ONE_COMMAND_SPIKE                                                                          \
  "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, " \
  "do you Dave?\n\n1. command: 1 latency spikes (average 1ms, mean deviation 0ms, period 1.00 "    \
  "sec). Worst all time event 1ms.\n\nI have a few advices for you:\n\n- Your current Slow Log "   \
  "configuration only logs events that are slower than your configured latency monitor "           \
  "threshold. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n- Check your Slow Log to "    \
  "understand what are the commands you are running which are too slow to execute. Please check "  \
  "https://redis.io/commands/slowlog for more information.\n- Deleting, expiring or evicting "     \
  "(because of maxmemory policy) large objects is a blocking operation. If you have very large "   \
  "objects that are often deleted, expired, or evicted, try to fragment those objects into "       \
  "multiple smaller objects.\n"

static void expect_bulk(st_client *c, const char *text, const char *sub) {
  char want[8192];
  snprintf(want, sizeof want, "$%zu\r\n%s\r\n", strlen(text), text);
  const char *got = exec(c, "LATENCY", sub, NULL);
  CHECK(strcmp(got, want) == 0);
  if (strcmp(got, want) != 0) fprintf(stderr, "  got  %s\n  want %s\n", got, want);
}

static void latency(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "LATEST");
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "HISTORY", "command");
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "HISTORY", "foo");
  CHECK_REPLY(c, ":0\r\n", "LATENCY", "RESET", "foo", "command");
  CHECK_REPLY(c, ":0\r\n", "LATENCY", "RESET");
  expect_bulk(c, DISABLED, "DOCTOR");
  latency_add_if_needed(st, LAT_COMMAND, 5); /* threshold 0: off */
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "LATEST");
  st->cfg.latency_monitor_threshold = 1;
  expect_bulk(c, NO_SPIKE, "DOCTOR");
  st->cfg.slowlog_log_slower_than = 50000;
  latency_add_if_needed(st, LAT_COMMAND, 0); /* under the threshold */
  latency_add_if_needed(st, LAT_COMMAND, 1);
  expect_bulk(c, ONE_COMMAND_SPIKE, "DOCTOR");
  /* The same second keeps its worst sample; the max is all-time. */
  latency_add_if_needed(st, LAT_COMMAND, 7);
  latency_add_if_needed(st, LAT_COMMAND, 3);
  latency_add_if_needed(st, LAT_FAST_COMMAND, 2);
  long long now = (long long)time(NULL);
  char want[512];
  snprintf(
      want, sizeof want,
      "*2\r\n*4\r\n$7\r\ncommand\r\n:%lld\r\n:7\r\n:7\r\n*4\r\n$12\r\nfast-command\r\n:%lld\r\n:2"
      "\r\n:2\r\n",
      now, now);
  const char *got = exec(c, "LATENCY", "LATEST", NULL);
  CHECK(strcmp(got, want) == 0);
  snprintf(want, sizeof want, "*1\r\n*2\r\n:%lld\r\n:7\r\n", now);
  got = exec(c, "LATENCY", "HISTORY", "command", NULL);
  CHECK(strcmp(got, want) == 0);
  CHECK(walk_matches(st));
  /* A command over the threshold is sampled by st_call under its CMD_FAST flag: KEYS over many
   * keys is slow; its duration decides, so only the event's name is checked. */
  CHECK_REPLY(c, ":1\r\n", "LATENCY", "RESET", "command", "nope");
  CHECK_REPLY(c, ":1\r\n", "LATENCY", "RESET");
  CHECK_REPLY(c, "*0\r\n", "LATENCY", "LATEST");
  CHECK(st->latency[LAT_COMMAND] == NULL && st->latency_count == 0);
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'latency|history' command\r\n", "LATENCY",
              "HISTORY");
  CHECK_REPLY(c, "-ERR No samples available for event 'command'\r\n", "LATENCY", "GRAPH",
              "command");
  st->cfg.latency_monitor_threshold = 0;
  st->cfg.slowlog_log_slower_than = 10000;
  CHECK(walk_matches(st));
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_config cfg;
  st_config_defaults(&cfg);
  CHECK(cfg.slowlog_log_slower_than == 10000 && cfg.slowlog_max_len == 128 &&
        cfg.latency_monitor_threshold == 0);
  st_store *st = st_create(h, &cfg);
  st_client *c = st_client_new(st);
  st_client *other = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  slowlog(c, other);
  latency(c);
  st_client_free(c);
  st_client_free(other);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("slowlog_test");
}
