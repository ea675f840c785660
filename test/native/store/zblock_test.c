/* zblock_test.c - the blocking sorted-set pops (BZPOPMIN BZPOPMAX BZMPOP) with several clients
 * on one store: errors in Redis's order, data present, FIFO per key, served after the command
 * or EXEC that made the key ready, a key of another type not serving, inside MULTI answered at
 * once, timeouts, CLIENT UNBLOCK, blocked_clients, disconnect mid-wait, and accounting back to
 * the baseline. Replies are redis-server 7.0.15's bytes. */
#include "blocking.h"
#include "cmdtest.h"

static char take_buf[1 << 16];

static const char *take(st_client *c) {
  size_t n = reply_take(&c->out, take_buf, sizeof take_buf - 1);
  take_buf[n] = '\0';
  return take_buf;
}

static void send_raw(st_client *c, const char *s) { st_feed(c, s, strlen(s)); }

#define CHECK_TAKE(c, want)                                                          \
  do {                                                                               \
    const char *got_ = take(c);                                                      \
    CHECK(strcmp(got_, want) == 0);                                                  \
    if (strcmp(got_, want) != 0) fprintf(stderr, "  got %s  want %s\n", got_, want); \
  } while (0)

static int64_t cat_bytes(const st_store *st, tm_category cat) {
  int64_t s = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int t = 0; t < TM_TIER_COUNT; t++) s += st->mem.cell[o][cat][t].bytes;
  return s;
}

static void test_errors_and_data(st_store *st, st_client *a, st_client *p) {
  CHECK_REPLY(p, "+OK\r\n", "FLUSHALL");
  CHECK_REPLY(a, "-ERR wrong number of arguments for 'bzpopmin' command\r\n", "BZPOPMIN", "k");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BZPOPMIN", "k", "x");
  CHECK_REPLY(a, "-ERR timeout is negative\r\n", "BZPOPMAX", "k", "-1");
  CHECK_REPLY(a, "-ERR timeout is negative\r\n", "BZPOPMAX", "k", "inf");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BZPOPMIN", "k", "nan");
  CHECK_REPLY(a, "-ERR wrong number of arguments for 'bzmpop' command\r\n", "BZMPOP", "0", "1",
              "k");
  /* BZMPOP checks its other arguments before the timeout. */
  CHECK_REPLY(a, "-ERR numkeys should be greater than 0\r\n", "BZMPOP", "x", "0", "k", "min");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BZMPOP", "x", "1", "k", "mid");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BZMPOP", "x", "5", "k", "min");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BZMPOP", "x", "9223372036854775807", "k", "min");
  CHECK_REPLY(a, "-ERR count should be greater than 0\r\n", "BZMPOP", "x", "1", "k", "min", "count",
              "0");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BZMPOP", "0", "1", "k", "min", "count", "1", "count",
              "1");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BZMPOP", "x", "1", "k", "min");
  CHECK_REPLY(p, "+OK\r\n", "SET", "s", "v");
  CHECK_REPLY(a, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "BZPOPMIN", "nokey", "s", "0");
  CHECK_REPLY(a, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "BZMPOP",
              "0", "1", "s", "max");
  /* Data present: served at once, as ZPOPMIN/ZMPOP; the emptied key goes. */
  CHECK_REPLY(p, ":4\r\n", "ZADD", "z", "1", "a", "2", "b", "3", "c", "inf", "d");
  CHECK_REPLY(a, "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", "BZPOPMIN", "nokey", "z", "0");
  CHECK_REPLY(a, "*3\r\n$1\r\nz\r\n$1\r\nd\r\n$3\r\ninf\r\n", "BZPOPMAX", "z", "s", "0");
  CHECK_REPLY(a, "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
              "BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "5");
  CHECK_REPLY(p, ":0\r\n", "EXISTS", "z");
  CHECK(st->blocked_clients == 0);
}

static void test_serving(st_store *st, st_client *a, st_client *b, st_client *p) {
  int64_t base_meta = cat_bytes(st, TM_CAT_METADATA);
  /* FIFO per key: a then b wait on z; a one-member ZADD serves a only, the next b. */
  CHECK_REPLY(a, "", "BZPOPMIN", "z", "0");
  CHECK_REPLY(b, "", "BZMPOP", "0", "2", "other", "z", "MAX", "COUNT", "2");
  CHECK(st->blocked_clients == 2 && (a->flags & CL_BLOCKED) && (b->flags & CL_BLOCKED));
  CHECK(cat_bytes(st, TM_CAT_METADATA) > base_meta);
  send_raw(a, "*1\r\n$4\r\nPING\r\n"); /* held while blocked */
  CHECK_TAKE(a, "");
  CHECK_REPLY(p, ":1\r\n", "ZADD", "z", "5", "m");
  CHECK_TAKE(a, "*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n5\r\n+PONG\r\n");
  CHECK_TAKE(b, "");
  CHECK(st->blocked_clients == 1);
  CHECK_REPLY(p, ":3\r\n", "ZADD", "z", "1", "x", "2", "y", "3", "w");
  CHECK_TAKE(b, "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nw\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n");
  CHECK_REPLY(p, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "ZRANGE", "z", "0", "-1", "WITHSCORES");
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0);
  CHECK(cat_bytes(st, TM_CAT_METADATA) == base_meta);
  CHECK_REPLY(p, ":1\r\n", "DEL", "z");

  /* The writer's own pipeline sees the set after the waiter was served (Redis's order). */
  CHECK_REPLY(a, "", "BZPOPMAX", "q", "0");
  send_raw(p,
           "*4\r\n$4\r\nZADD\r\n$1\r\nq\r\n$1\r\n7\r\n$1\r\nv\r\n*2\r\n$5\r\nZCARD\r\n$1\r\nq\r\n");
  CHECK_TAKE(p, ":1\r\n:0\r\n");
  CHECK_TAKE(a, "*3\r\n$1\r\nq\r\n$1\r\nv\r\n$1\r\n7\r\n");

  /* MULTI/EXEC: served after EXEC, with what EXEC left (the ZADD then ZREM leaves nothing). */
  CHECK_REPLY(a, "", "BZPOPMIN", "t", "0");
  CHECK_REPLY(p, "+OK\r\n", "MULTI");
  CHECK_REPLY(p, "+QUEUED\r\n", "ZADD", "t", "1", "one");
  CHECK_REPLY(p, "+QUEUED\r\n", "ZREM", "t", "one");
  CHECK_REPLY(p, "*2\r\n:1\r\n:1\r\n", "EXEC");
  CHECK_TAKE(a, "");
  CHECK_REPLY(p, "+OK\r\n", "MULTI");
  CHECK_REPLY(p, "+QUEUED\r\n", "ZADD", "t", "1", "one", "2", "two");
  CHECK_REPLY(p, "+QUEUED\r\n", "ZREM", "t", "one");
  CHECK_REPLY(p, "+QUEUED\r\n", "ZCARD", "t");
  CHECK_REPLY(p, "*3\r\n:2\r\n:1\r\n:1\r\n", "EXEC");
  CHECK_TAKE(a, "*3\r\n$1\r\nt\r\n$3\r\ntwo\r\n$1\r\n2\r\n");

  /* A key of another type does not serve a sorted-set waiter, nor a zset a list waiter; each
   * keeps waiting until its own type appears. */
  CHECK_REPLY(a, "", "BZPOPMIN", "mixed", "0");
  CHECK_REPLY(b, "", "BLPOP", "mixed", "0");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "mixed", "e");
  CHECK_TAKE(a, "");
  CHECK_TAKE(b, "*2\r\n$5\r\nmixed\r\n$1\r\ne\r\n");
  CHECK_REPLY(b, "", "BLPOP", "mixed", "0");
  CHECK_REPLY(p, ":1\r\n", "ZADD", "mixed", "4", "f");
  CHECK_TAKE(a, "*3\r\n$5\r\nmixed\r\n$1\r\nf\r\n$1\r\n4\r\n");
  CHECK_TAKE(b, "");
  CHECK_REPLY(p, ":1\r\n", "LPUSH", "mixed", "g");
  CHECK_TAKE(b, "*2\r\n$5\r\nmixed\r\n$1\r\ng\r\n");

  /* RENAME of a sorted set into a waited key serves it. */
  CHECK_REPLY(a, "", "BZMPOP", "0", "1", "dst", "MIN");
  CHECK_REPLY(p, ":2\r\n", "ZADD", "src", "1", "r", "2", "s");
  CHECK_REPLY(p, "+OK\r\n", "RENAME", "src", "dst");
  CHECK_TAKE(a, "*2\r\n$3\r\ndst\r\n*1\r\n*2\r\n$1\r\nr\r\n$1\r\n1\r\n");
  CHECK_REPLY(p, ":1\r\n", "DEL", "dst");
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0);
}

static void test_multi_timeout_unblock(st_store *st, st_client *a, st_client *p) {
  /* Inside MULTI: answered at once with the null array, even with timeout 0. */
  CHECK_REPLY(a, "+OK\r\n", "MULTI");
  CHECK_REPLY(a, "+QUEUED\r\n", "BZPOPMIN", "none", "0");
  CHECK_REPLY(a, "+QUEUED\r\n", "BZPOPMAX", "none", "0");
  CHECK_REPLY(a, "+QUEUED\r\n", "BZMPOP", "0", "1", "none", "MIN");
  CHECK_REPLY(a, "*3\r\n*-1\r\n*-1\r\n*-1\r\n", "EXEC");
  CHECK(st->blocked_clients == 0);

  /* Timeouts: the null array at the deadline. */
  CHECK_REPLY(a, "", "BZPOPMIN", "t", "0.5");
  CHECK(st_timers(st) > 400);
  st->now_ms += 600;
  CHECK(st_timers(st) == -1);
  CHECK_TAKE(a, "*-1\r\n");
  CHECK_REPLY(a, "", "BZMPOP", "0.001", "1", "t", "MAX");
  st->now_ms += 1;
  st_timers(st);
  CHECK_TAKE(a, "*-1\r\n");
  CHECK(st->blocked_clients == 0);

  /* CLIENT UNBLOCK: TIMEOUT (the default) and ERROR. */
  char ida[32];
  snprintf(ida, sizeof ida, "%llu", (unsigned long long)a->id);
  CHECK_REPLY(a, "", "BZPOPMAX", "u", "0");
  CHECK(strstr(exec(p, "CLIENT", "LIST", NULL), "flags=b ") != NULL);
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "UNBLOCK", ida);
  CHECK_TAKE(a, "*-1\r\n");
  CHECK_REPLY(a, "", "BZMPOP", "0", "1", "u", "MIN");
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "UNBLOCK", ida, "ERROR");
  CHECK_TAKE(a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "UNBLOCK", ida);
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0);
  st_take_woken(st);
}

static void test_disconnect(st_store *st, st_client *p) {
  int64_t meta = cat_bytes(st, TM_CAT_METADATA);
  st_client *x = st_client_new(st), *y = st_client_new(st);
  exec(x, "BZMPOP", "0", "3", "k1", "k2", "k3", "MIN", NULL);
  exec(y, "BZPOPMIN", "k2", "0", NULL);
  CHECK(st->blocked_clients == 2 && dict_size(&st->bk_keys) == 3);
  st_client_free(x);
  CHECK(st->blocked_clients == 1 && dict_size(&st->bk_keys) == 1);
  /* The waiter after the departed one is still served. */
  CHECK_REPLY(p, ":1\r\n", "ZADD", "k2", "1", "v");
  CHECK_TAKE(y, "*3\r\n$2\r\nk2\r\n$1\r\nv\r\n$1\r\n1\r\n");
  st_client_free(y);
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0 && st->blocked_head == NULL);
  CHECK(cat_bytes(st, TM_CAT_METADATA) == meta);
  st_take_woken(st);
}

static int64_t all_but_buffers(const st_store *st) {
  return sm_total_bytes(&st->mem) - cat_bytes(st, TM_CAT_BUFFERS);
}

int main(void) {
  tm_heap *h = check_heap(4096, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  int64_t empty = all_but_buffers(st);
  st_client *a = st_client_new(st), *b = st_client_new(st), *p = st_client_new(st);
  test_errors_and_data(st, a, p);
  test_serving(st, a, b, p);
  test_multi_timeout_unblock(st, a, p);
  test_disconnect(st, p);
  exec(p, "FLUSHALL", NULL);
  st_client_free(a);
  st_client_free(b);
  st_client_free(p);
  CHECK(all_but_buffers(st) == empty);
  CHECK(cat_bytes(st, TM_CAT_BUFFERS) == 0);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("zblock_test");
}
