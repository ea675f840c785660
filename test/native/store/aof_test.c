/* aof_test.c - what the engine propagates to the AOF, in the forms redis-server 7.0.15 writes to
 * its incr file (captured with appendonly yes), and that the stream replays to the same data. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aof.h"
#include "cmdtest.h"
#include "walkcheck.h"

static char got[1 << 16];
static size_t got_len;

static long long wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The propagated bytes since the last take, as a C string. */
static const char *take(st_store *st) {
  size_t n = aof_take(st, got, sizeof got - 1);
  got[n] = '\0';
  got_len = n;
  return got;
}

#define CHECK_AOF(st, want)                                                         \
  do {                                                                              \
    const char *g_ = take(st);                                                      \
    CHECK(strcmp(g_, want) == 0);                                                   \
    if (strcmp(g_, want) != 0) fprintf(stderr, "  got  %s\n  want %s\n", g_, want); \
  } while (0)

/* "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n<ms>\r\n": the <ms> after a prefix, or -1. */
static long long tail_ms(const char *s, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(s, prefix, n) != 0) return -1;
  return atoll(s + n);
}

static void forms(st_store *st, st_client *c) {
  exec(c, "SET", "plain", "1", NULL);
  CHECK_AOF(st, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nplain\r\n$1\r\n1\r\n");
  exec(c, "GET", "plain", NULL);
  exec(c, "SET", "plain", "1", "NX", NULL); /* refused: nothing changed */
  CHECK_AOF(st, "");
  long long t0 = st->now_ms;
  exec(c, "set", "a", "1", "ex", "100", "get", NULL);
  long long ms =
      tail_ms(take(st), "*5\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n$4\r\nPXAT\r\n$13\r\n");
  CHECK(ms >= t0 + 100000 && ms <= st->now_ms + 100000);
  exec(c, "SETEX", "b", "100", "v", NULL);
  ms = tail_ms(take(st), "*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n");
  CHECK(ms >= t0 + 100000 && ms <= st->now_ms + 100000);
  exec(c, "PSETEX", "c", "100000", "v", NULL);
  CHECK(tail_ms(take(st), "*5\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n") > 0);
  exec(c, "SET", "n", "1", "EXAT", "9999999999", NULL);
  CHECK_AOF(st, "*5\r\n$3\r\nSET\r\n$1\r\nn\r\n$1\r\n1\r\n$4\r\nPXAT\r\n$13\r\n9999999999000\r\n");
  exec(c, "SET", "n", "1", "PXAT", "9999999999001", NULL); /* absolute already: as given */
  CHECK_AOF(st, "*5\r\n$3\r\nSET\r\n$1\r\nn\r\n$1\r\n1\r\n$4\r\nPXAT\r\n$13\r\n9999999999001\r\n");
  exec(c, "EXPIRE", "a", "200", NULL);
  ms = tail_ms(take(st), "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\na\r\n$13\r\n");
  CHECK(ms >= t0 + 200000 && ms <= st->now_ms + 200000);
  exec(c, "PEXPIRE", "a", "200000", NULL);
  CHECK(tail_ms(take(st), "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\na\r\n$13\r\n") >= t0 + 200000);
  exec(c, "EXPIREAT", "a", "9999999999", NULL);
  CHECK_AOF(st, "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\na\r\n$13\r\n9999999999000\r\n");
  exec(c, "EXPIRE", "missing", "10", NULL);
  CHECK_AOF(st, "");
  exec(c, "GETEX", "b", "EX", "50", NULL);
  CHECK(tail_ms(take(st), "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nb\r\n$13\r\n") >= t0 + 50000);
  exec(c, "GETEX", "b", "PERSIST", NULL);
  CHECK_AOF(st, "*2\r\n$7\r\nPERSIST\r\n$1\r\nb\r\n");
  exec(c, "GETEX", "b", NULL);
  CHECK_AOF(st, "");
  exec(c, "SET", "y", "1", NULL);
  take(st);
  exec(c, "EXPIRE", "y", "-1", NULL);
  CHECK_AOF(st, "*2\r\n$3\r\nDEL\r\n$1\r\ny\r\n");
  exec(c, "INCRBYFLOAT", "f", "1.5", NULL);
  CHECK_AOF(st, "*4\r\n$3\r\nSET\r\n$1\r\nf\r\n$3\r\n1.5\r\n$7\r\nKEEPTTL\r\n");
  exec(c, "HINCRBYFLOAT", "h", "f", "1.5", NULL);
  CHECK_AOF(st, "*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$3\r\n1.5\r\n");
}

static void spop(st_store *st, st_client *c) {
  exec(c, "SADD", "s", "a", "b", "c", "d", "e", NULL);
  take(st);
  const char *r = exec(c, "SPOP", "s", NULL); /* "$1\r\nX\r\n" */
  char want[256];
  snprintf(want, sizeof want, "*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\n%c\r\n", r[4]);
  CHECK_AOF(st, want);
  r = exec(c, "SPOP", "s", "2", NULL); /* "*2\r\n$1\r\nX\r\n$1\r\nY\r\n" */
  snprintf(want, sizeof want,
           "*1\r\n$5\r\nMULTI\r\n*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\n%c\r\n"
           "*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\n%c\r\n*1\r\n$4\r\nEXEC\r\n",
           r[8], r[15]);
  CHECK_AOF(st, want);
  exec(c, "SPOP", "s", "10", NULL);
  CHECK_AOF(st, "*2\r\n$3\r\nDEL\r\n$1\r\ns\r\n");
  exec(c, "SPOP", "s", "10", NULL);
  CHECK_AOF(st, "");
}

static void expiry_and_db(st_store *st, st_client *c) {
  exec(c, "SELECT", "3", NULL);
  exec(c, "SET", "x", "1", "PX", "1", NULL);
  CHECK(strncmp(take(st), "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*5\r\n$3\r\nSET\r\n", 36) == 0);
  st->now_ms += 10;
  /* GET runs at its own clock: wait for the key to be past due. */
  for (long long until = st->now_ms + 2; wall_ms() <= until;) {}
  CHECK_REPLY(c, "$-1\r\n", "GET", "x");
  CHECK_AOF(st, "*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n");
  exec(c, "SET", "z", "1", "PX", "1", NULL);
  take(st);
  for (long long until = st->now_ms + 2; wall_ms() <= until;) {}
  CHECK(st_cron(st, 10000) == 1);
  CHECK_AOF(st, "*2\r\n$3\r\nDEL\r\n$1\r\nz\r\n");
  exec(c, "SELECT", "0", NULL);
  exec(c, "SET", "w", "1", NULL);
  CHECK_AOF(st, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nw\r\n$1\r\n1\r\n");
}

static void transactions(st_store *st, st_client *c) {
  exec(c, "MULTI", NULL);
  exec(c, "SET", "m", "1", NULL);
  exec(c, "INCR", "m", NULL);
  exec(c, "GET", "m", NULL);
  exec(c, "EXEC", NULL);
  CHECK_AOF(st, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nm\r\n$1\r\n1\r\n"
                "*2\r\n$4\r\nINCR\r\n$1\r\nm\r\n*1\r\n$4\r\nEXEC\r\n");
  exec(c, "MULTI", NULL);
  exec(c, "GET", "m", NULL);
  exec(c, "EXEC", NULL);
  CHECK_AOF(st, ""); /* a read-only transaction propagates nothing */
  exec(c, "SADD", "t", "a", "b", "c", NULL);
  take(st);
  exec(c, "MULTI", NULL);
  exec(c, "SPOP", "t", "2", NULL);
  exec(c, "EXEC", NULL);
  const char *g = take(st); /* one MULTI around the lot, none nested */
  CHECK(strncmp(g, "*1\r\n$5\r\nMULTI\r\n*3\r\n$4\r\nSREM", 27) == 0);
  CHECK(strstr(g + 15, "MULTI") == NULL);
}

/* Blocking pops at once and when served later, the *MPOP forms, GETDEL, RESTORE: the forms
 * redis-server 7.0.15 writes (captured: BLPOP -> LPOP key, BLMPOP .. COUNT 3 served with two
 * elements -> RPOP e3 2, ZMPOP -> ZPOPMIN z 2, RESTORE r 100000 .. -> RESTORE r <abs> .. ABSTTL). */
static void pops(st_store *st, st_client *c) {
  st_client *w = st_client_new(st);
  exec(c, "RPUSH", "l", "a", "b", "c", "d", "e", "f", NULL);
  take(st);
  exec(c, "BLPOP", "nol", "l", "0", NULL);
  CHECK_AOF(st, "*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n");
  exec(c, "BRPOP", "l", "0", NULL);
  CHECK_AOF(st, "*2\r\n$4\r\nRPOP\r\n$1\r\nl\r\n");
  exec(c, "BLMOVE", "l", "lm", "LEFT", "RIGHT", "0", NULL);
  CHECK_AOF(st, "*5\r\n$5\r\nLMOVE\r\n$1\r\nl\r\n$2\r\nlm\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n");
  exec(c, "BRPOPLPUSH", "l", "lm", "0", NULL);
  CHECK_AOF(st, "*3\r\n$9\r\nRPOPLPUSH\r\n$1\r\nl\r\n$2\r\nlm\r\n");
  exec(c, "LMPOP", "2", "x", "lm", "right", "count", "5", NULL); /* m held 2 */
  CHECK_AOF(st, "*3\r\n$4\r\nRPOP\r\n$2\r\nlm\r\n$1\r\n2\r\n");
  exec(c, "BLMPOP", "0", "1", "l", "LEFT", NULL);
  CHECK_AOF(st, "*3\r\n$4\r\nLPOP\r\n$1\r\nl\r\n$1\r\n1\r\n");
  exec(c, "BLPOP", "empty", "0.01", NULL); /* nothing there: blocks, propagates nothing */
  CHECK_AOF(st, "");
  CHECK(c->flags & CL_BLOCKED);
  exec(w, "RPUSH", "empty", "x", NULL); /* serves c: the push, then c's pop */
  CHECK_AOF(st, "*3\r\n$5\r\nRPUSH\r\n$5\r\nempty\r\n$1\r\nx\r\n"
                "*2\r\n$4\r\nLPOP\r\n$5\r\nempty\r\n");
  CHECK(!(c->flags & CL_BLOCKED));
  reply_take(&c->out, cmdtest_buf, sizeof cmdtest_buf);
  exec(c, "BLMPOP", "0", "1", "e3", "RIGHT", "COUNT", "3", NULL);
  exec(w, "RPUSH", "e3", "1", "2", NULL);
  CHECK_AOF(st, "*4\r\n$5\r\nRPUSH\r\n$2\r\ne3\r\n$1\r\n1\r\n$1\r\n2\r\n"
                "*3\r\n$4\r\nRPOP\r\n$2\r\ne3\r\n$1\r\n2\r\n");
  reply_take(&c->out, cmdtest_buf, sizeof cmdtest_buf);
  exec(c, "BLMOVE", "e2", "d", "left", "right", "0", NULL);
  exec(w, "RPUSH", "e2", "y", NULL);
  CHECK_AOF(st, "*3\r\n$5\r\nRPUSH\r\n$2\r\ne2\r\n$1\r\ny\r\n"
                "*5\r\n$5\r\nLMOVE\r\n$2\r\ne2\r\n$1\r\nd\r\n$4\r\nleft\r\n$5\r\nright\r\n");
  reply_take(&c->out, cmdtest_buf, sizeof cmdtest_buf);
  exec(c, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", NULL);
  take(st);
  exec(c, "ZMPOP", "1", "z", "MIN", "COUNT", "2", NULL);
  CHECK_AOF(st, "*3\r\n$7\r\nZPOPMIN\r\n$1\r\nz\r\n$1\r\n2\r\n");
  exec(c, "ZMPOP", "1", "z", "MAX", NULL);
  CHECK_AOF(st, "*3\r\n$7\r\nZPOPMAX\r\n$1\r\nz\r\n$1\r\n1\r\n");
  exec(c, "SET", "g", "v", NULL);
  take(st);
  exec(c, "GETDEL", "g", NULL);
  CHECK_AOF(st, "*2\r\n$3\r\nDEL\r\n$1\r\ng\r\n");
  exec(c, "GETDEL", "g", NULL);
  CHECK_AOF(st, "");
  /* RESTORE: a DUMP payload of "v", with a relative TTL, none, and an absolute one. */
  exec(c, "SET", "s", "v", NULL);
  take(st);
  const char *d = exec(c, "DUMP", "s", NULL); /* "$<n>\r\n<payload>\r\n" */
  char *nl = strstr(d, "\r\n");
  size_t plen = (size_t)atol(d + 1);
  static char payload[256];
  memcpy(payload, nl + 2, plen);
  const char *rargv[] = { "RESTORE", "r", "100000", payload };
  size_t rlens[] = { 7, 1, 6, plen };
  long long t0 = st->now_ms;
  exec_argv(c, 4, rargv, rlens);
  const char *g = take(st);
  long long ms = tail_ms(g, "*5\r\n$7\r\nRESTORE\r\n$1\r\nr\r\n$13\r\n");
  CHECK(ms >= t0 + 100000 && ms <= st->now_ms + 100000);
  CHECK(memmem(got, got_len, "$6\r\nABSTTL\r\n", 12) != NULL); /* the payload holds NULs */
  const char *r2argv[] = { "RESTORE", "r2", "0", payload };
  size_t r2lens[] = { 7, 2, 1, plen };
  exec_argv(c, 4, r2argv, r2lens);
  g = take(st);
  CHECK(strncmp(g, "*4\r\n$7\r\nRESTORE\r\n$2\r\nr2\r\n$1\r\n0\r\n", 32) == 0);
  st_client_free(w);
}

/* The buffer and state are blocks sm counts under SM_STORE/buffers, and the walk finds them. */
static int64_t buffer_bytes(st_store *st) {
  return st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].bytes +
         st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_PMEM].bytes;
}

static void accounting(st_store *st, st_client *c) {
  take(st);
  CHECK(walk_matches(st));
  int64_t before = buffer_bytes(st);
  static char big[200000];
  memset(big, 'v', sizeof big - 1);
  for (int i = 0; i < 5; i++) exec(c, "SET", "big", big, NULL); /* propagated, not yet taken */
  CHECK(aof_pending(st) > 5 * 200000);
  CHECK(buffer_bytes(st) >= before + 5 * 200000);
  CHECK(walk_matches(st));
  static char sink[2 << 20];
  CHECK(aof_take(st, sink, sizeof sink) > 5 * 200000 && aof_pending(st) == 0);
  CHECK(buffer_bytes(st) <= before); /* a burst's buffer is given back */
  CHECK(walk_matches(st));
}

/* Everything written, replayed into a second store: the same replies to the same reads. */
static void replay(tm_heap *h) {
  st_store *a = st_create(h, NULL), *b = st_create(h, NULL);
  CHECK(a != NULL && b != NULL && aof_enable(a, 1) == 0);
  st_client *ca = st_client_new(a), *cb = st_client_new(b);
  exec(ca, "SADD", "s", "1", "2", "3", "4", "5", "6", NULL);
  exec(ca, "SPOP", "s", NULL);
  exec(ca, "SPOP", "s", "2", NULL);
  exec(ca, "INCRBYFLOAT", "f", "0.1", NULL);
  exec(ca, "INCRBYFLOAT", "f", "0.2", NULL);
  exec(ca, "HINCRBYFLOAT", "h", "x", "2.5e3", NULL);
  exec(ca, "SET", "t", "v", "EX", "1000", NULL);
  exec(ca, "RPUSH", "l", "a", "b", "c", NULL);
  exec(ca, "LPOP", "l", NULL);
  exec(ca, "ZADD", "z", "1", "a", "2", "b", NULL);
  exec(ca, "SELECT", "5", NULL);
  exec(ca, "SET", "k5", "v", NULL);
  static char buf[1 << 16];
  size_t n = aof_take(a, buf, sizeof buf);
  CHECK(n > 0 && aof_pending(a) == 0);
  CHECK(st_feed(cb, buf, n) == 0);
  reply_take(&cb->out, cmdtest_buf, sizeof cmdtest_buf);
  const char *reads[][3] = { { "SMEMBERS", "s", NULL }, { "GET", "f", NULL },
                             { "HGET", "h", "x" },      { "PEXPIRETIME", "t", NULL },
                             { "LRANGE", "l", NULL },   { "ZRANGE", "z", NULL },
                             { "DBSIZE", NULL, NULL } };
  for (int db = 0; db < 2; db++) {
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
      const char *argv[5] = { reads[i][0], reads[i][1], reads[i][2], "0", "-1" };
      int argc = reads[i][1] == NULL ? 1 : reads[i][2] == NULL ? 2 : 3;
      if (strcmp(argv[0], "LRANGE") == 0 || strcmp(argv[0], "ZRANGE") == 0) {
        argv[2] = "0";
        argv[3] = "-1";
        argc = 4;
      }
      static char ra[1 << 20];
      strcpy(ra, exec_argv(ca, argc, argv, NULL));
      const char *rb = exec_argv(cb, argc, argv, NULL);
      CHECK(strcmp(ra, rb) == 0);
      if (strcmp(ra, rb) != 0) fprintf(stderr, "  %s: %s vs %s\n", argv[0], ra, rb);
    }
    exec(ca, "SELECT", "5", NULL);
    exec(cb, "SELECT", "5", NULL);
  }
  st_client_free(ca);
  st_client_free(cb);
  st_destroy(a); /* frees the AOF buffer too (ASan checks) */
  st_destroy(b);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  exec(c, "SET", "before", "1", NULL); /* not enabled yet: nothing kept */
  CHECK(aof_pending(st) == 0);
  CHECK(aof_enable(st, 1) == 0 && aof_enabled(st));
  forms(st, c);
  spop(st, c);
  expiry_and_db(st, c);
  transactions(st, c);
  pops(st, c);
  accounting(st, c);
  CHECK(aof_enable(st, 0) == 0);
  exec(c, "SET", "after", "1", NULL);
  CHECK(aof_pending(st) == 0);
  st_client_free(c);
  st_destroy(st);
  replay(h);
  tm_heap_destroy(h);
  return check_done("aof_test");
}
