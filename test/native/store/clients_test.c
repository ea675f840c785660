/* clients_test.c - clients acting on other clients, with several clients on one store: the
 * woken list, blocking list pops (FIFO per key, held input, timeouts, CLIENT UNBLOCK, MULTI,
 * RENAME/MOVE/SWAPDB into a waited key, disconnect mid-wait), pub/sub, MONITOR, CLIENT KILL /
 * REPLY / PAUSE, and accounting back to the baseline. Replies are redis-server 7.0.15's bytes. */
#include "blocking.h"
#include "cmdtest.h"

static char take_buf[1 << 16];

/* What c has been sent since the last take (by its own commands or by others'). */
static const char *take(st_client *c) {
  size_t n = reply_take(&c->out, take_buf, sizeof take_buf - 1);
  take_buf[n] = '\0';
  return take_buf;
}

/* Send raw bytes (a pipeline) without taking the reply. */
static void send_raw(st_client *c, const char *s) { st_feed(c, s, strlen(s)); }

static int woken_has(st_client *list, const st_client *c) {
  for (; list != NULL; list = list->woken_next)
    if (list == c) return 1;
  return 0;
}

#define CHECK_TAKE(c, want)                                                          \
  do {                                                                               \
    const char *got_ = take(c);                                                      \
    CHECK(strcmp(got_, want) == 0);                                                  \
    if (strcmp(got_, want) != 0) fprintf(stderr, "  got %s  want %s\n", got_, want); \
  } while (0)

/* The walk (the accounting oracle) agrees with the counters: every block of the blocking and
 * pub/sub state is visited exactly as allocated. */
typedef struct walk_sum {
  st_store *st;
  int64_t bytes, blocks;
} walk_sum;
static void walk_visit(void *arg, const void *ptr, size_t size, uint8_t tier, unsigned owner,
                       tm_category cat) {
  walk_sum *w = arg;
  (void)owner;
  (void)cat;
  w->bytes += (int64_t)sm_usable(&w->st->mem, tier, ptr, size);
  w->blocks++;
}
static int walk_matches(st_store *st) {
  walk_sum w = { st, 0, 0 };
  st_walk_blocks(st, walk_visit, &w);
  int64_t blocks = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int k = 0; k < TM_CAT_COUNT; k++)
      for (int t = 0; t < TM_TIER_COUNT; t++) blocks += st->mem.cell[o][k][t].count;
  return w.bytes == sm_total_bytes(&st->mem) && w.blocks == blocks;
}

static int64_t store_bytes(const st_store *st, tm_category cat) {
  int64_t s = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int t = 0; t < TM_TIER_COUNT; t++) s += st->mem.cell[o][cat][t].bytes;
  return s;
}

static void test_blocking(st_store *st, st_client *a, st_client *b, st_client *p) {
  CHECK_REPLY(p, "+OK\r\n", "FLUSHALL");
  st_take_woken(st);
  /* Errors, in Redis's order. */
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BLPOP", "k", "x");
  CHECK_REPLY(a, "-ERR timeout is negative\r\n", "BLPOP", "k", "-1");
  CHECK_REPLY(a, "-ERR timeout is negative\r\n", "BLPOP", "k", "inf");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BLPOP", "k", "nan");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BLPOP", "k", " 1");
  CHECK_REPLY(a, "-ERR numkeys should be greater than 0\r\n", "BLMPOP", "x", "0", "a", "left");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BLMPOP", "x", "1", "a", "up");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BLMPOP", "x", "1", "a",
              "left");
  CHECK_REPLY(a, "-ERR count should be greater than 0\r\n", "BLMPOP", "1", "1", "a", "left",
              "count", "0");
  CHECK_REPLY(a, "-ERR syntax error\r\n", "BLMOVE", "s", "d", "up", "left", "x");
  CHECK_REPLY(p, "+OK\r\n", "SET", "s", "v");
  CHECK_REPLY(a, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "BLPOP",
              "s", "0");
  CHECK_REPLY(a, "-ERR timeout is not a float or out of range\r\n", "BLMOVE", "s", "d", "left",
              "left", "x");
  /* Data present: served at once, as LPOP/LMPOP/LMOVE. */
  CHECK_REPLY(p, ":3\r\n", "RPUSH", "l", "1", "2", "3");
  CHECK_REPLY(a, "*2\r\n$1\r\nl\r\n$1\r\n1\r\n", "BLPOP", "nol", "l", "0");
  CHECK_REPLY(a, "*2\r\n$1\r\nl\r\n$1\r\n3\r\n", "BRPOP", "l", "0");
  CHECK_REPLY(a, "$1\r\n2\r\n", "BRPOPLPUSH", "l", "m", "0");
  CHECK_REPLY(a, "*2\r\n$1\r\nm\r\n*1\r\n$1\r\n2\r\n", "BLMPOP", "0", "2", "nol", "m", "right",
              "count", "5");
  CHECK(st->blocked_clients == 0);

  /* FIFO per key: a then b block on k; one push serves a only, the next b. */
  int64_t base_meta = store_bytes(st, TM_CAT_METADATA);
  CHECK_REPLY(a, "", "BLPOP", "k", "0");
  CHECK_REPLY(b, "", "BLPOP", "other", "k", "0");
  CHECK(st->blocked_clients == 2 && (a->flags & CL_BLOCKED) && (b->flags & CL_BLOCKED));
  CHECK(walk_matches(st));
  CHECK(store_bytes(st, TM_CAT_METADATA) > base_meta);
  /* Input from a blocked client is held. */
  send_raw(a, "*1\r\n$4\r\nPING\r\n");
  CHECK_TAKE(a, "");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "k", "x");
  st_client *w = st_take_woken(st);
  CHECK(woken_has(w, a) && !woken_has(w, b));
  CHECK_TAKE(a, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n+PONG\r\n");
  CHECK_TAKE(b, "");
  CHECK(st->blocked_clients == 1 && !(a->flags & CL_BLOCKED));
  /* Two elements in one push, one waiter: it gets the first, the second stays. */
  CHECK_REPLY(p, ":2\r\n", "LPUSH", "k", "y", "z");
  CHECK_TAKE(b, "*2\r\n$1\r\nk\r\n$1\r\nz\r\n");
  CHECK_REPLY(p, "*1\r\n$1\r\ny\r\n", "LRANGE", "k", "0", "-1");
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0);
  CHECK(store_bytes(st, TM_CAT_METADATA) == base_meta);
  CHECK_REPLY(p, ":1\r\n", "DEL", "k");

  /* The pusher's own pipeline sees the list after the waiter was served (Redis's order). */
  CHECK_REPLY(a, "", "BLPOP", "q", "0");
  send_raw(p, "*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nv\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nq\r\n");
  CHECK_TAKE(p, ":1\r\n:0\r\n");
  CHECK_TAKE(a, "*2\r\n$1\r\nq\r\n$1\r\nv\r\n");

  /* BLMOVE chain: a waits on l1 (-> l2), b on l2 (-> l3); one push travels to l3. */
  CHECK_REPLY(a, "", "BLMOVE", "l1", "l2", "right", "left", "0");
  CHECK_REPLY(b, "", "BLMOVE", "l2", "l3", "left", "right", "0");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "l1", "foo");
  CHECK_TAKE(a, "$3\r\nfoo\r\n");
  CHECK_TAKE(b, "$3\r\nfoo\r\n");
  CHECK_REPLY(p, "*1\r\n$3\r\nfoo\r\n", "LRANGE", "l3", "0", "-1");
  CHECK_REPLY(p, ":0\r\n", "EXISTS", "l1");
  CHECK_REPLY(p, ":0\r\n", "EXISTS", "l2");
  /* A wrong-type destination: WRONGTYPE to the waiter, the element stays. */
  CHECK_REPLY(a, "", "BRPOPLPUSH", "bl", "tgt", "0");
  CHECK_REPLY(p, "+OK\r\n", "SET", "tgt", "x");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "bl", "e");
  CHECK_TAKE(a, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK_REPLY(p, "*1\r\n$1\r\ne\r\n", "LRANGE", "bl", "0", "-1");
  CHECK_REPLY(p, ":2\r\n", "DEL", "bl", "tgt");

  /* BLMPOP served with COUNT; a key of another type does not serve (keeps waiting). */
  CHECK_REPLY(a, "", "BLMPOP", "0", "2", "m1", "m2", "left", "count", "2");
  CHECK_REPLY(p, "+OK\r\n", "SET", "m1", "str");
  CHECK_TAKE(a, "");
  CHECK_REPLY(p, ":3\r\n", "RPUSH", "m2", "a", "b", "c");
  CHECK_TAKE(a, "*2\r\n$2\r\nm2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK_REPLY(p, ":2\r\n", "DEL", "m1", "m2");

  /* RENAME, MOVE and SWAPDB into a waited key serve it. */
  CHECK_REPLY(a, "", "BLPOP", "dst", "0");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "src", "r");
  CHECK_REPLY(p, "+OK\r\n", "RENAME", "src", "dst");
  CHECK_TAKE(a, "*2\r\n$3\r\ndst\r\n$1\r\nr\r\n");
  CHECK_REPLY(a, "", "BLPOP", "mv", "0");
  CHECK_REPLY(p, "+OK\r\n", "SELECT", "1");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "mv", "m");
  CHECK_REPLY(p, ":1\r\n", "MOVE", "mv", "0");
  CHECK_TAKE(a, "*2\r\n$2\r\nmv\r\n$1\r\nm\r\n");
  CHECK_REPLY(a, "", "BLPOP", "sw", "0");
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "sw", "s");
  CHECK_REPLY(p, "+OK\r\n", "SWAPDB", "0", "1");
  CHECK_TAKE(a, "*2\r\n$2\r\nsw\r\n$1\r\ns\r\n");
  CHECK_REPLY(p, "+OK\r\n", "SWAPDB", "0", "1");
  CHECK_REPLY(p, "+OK\r\n", "SELECT", "0");

  /* Inside MULTI/EXEC (CL_IN_EXEC) the blocking pops answer at once. */
  a->flags |= CL_IN_EXEC;
  CHECK_REPLY(a, "*-1\r\n", "BLPOP", "none", "0");
  CHECK_REPLY(a, "*-1\r\n", "BLMPOP", "0", "1", "none", "left");
  CHECK_REPLY(a, "$-1\r\n", "BLMOVE", "none", "x", "left", "left", "0");
  CHECK_REPLY(a, "$-1\r\n", "BRPOPLPUSH", "none", "x", "0");
  a->flags &= ~(uint32_t)CL_IN_EXEC;
  CHECK(st->blocked_clients == 0);

  /* Timeouts: st_timers answers the null array at the deadline, and reports the next one. */
  CHECK_REPLY(a, "", "BLPOP", "t", "0.5");
  CHECK_REPLY(b, "", "BRPOPLPUSH", "t", "u", "1");
  int64_t next = st_timers(st);
  CHECK(next > 400 && next <= 500);
  st->now_ms += 600;
  next = st_timers(st);
  CHECK(next > 0 && next <= 500);
  CHECK_TAKE(a, "*-1\r\n");
  CHECK_TAKE(b, "");
  st->now_ms += 500;
  CHECK(st_timers(st) == -1);
  CHECK_TAKE(b, "*-1\r\n");
  CHECK(st->blocked_clients == 0);

  /* CLIENT UNBLOCK. */
  char ida[32];
  snprintf(ida, sizeof ida, "%llu", (unsigned long long)a->id);
  CHECK_REPLY(p, "-ERR wrong number of arguments for 'client|unblock' command\r\n", "CLIENT",
              "UNBLOCK");
  CHECK_REPLY(p, "-ERR value is not an integer or out of range\r\n", "CLIENT", "UNBLOCK", "x");
  CHECK_REPLY(p, "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n", "CLIENT", "UNBLOCK",
              "x", "foo");
  CHECK_REPLY(p,
              "-ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT "
              "HELP.\r\n",
              "CLIENT", "unblock", "1", "timeout", "x");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "UNBLOCK", ida);
  CHECK_REPLY(a, "", "BLPOP", "u", "0");
  CHECK(strstr(exec(p, "CLIENT", "LIST", NULL), "flags=b ") != NULL);
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "UNBLOCK", ida);
  CHECK_TAKE(a, "*-1\r\n");
  CHECK_REPLY(a, "", "BLPOP", "u", "0");
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "UNBLOCK", ida, "ERROR");
  CHECK_TAKE(a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "UNBLOCK", ida, "ERROR");
  st_take_woken(st);
}

/* A client disconnected mid-wait leaves nothing behind. */
static void test_disconnect(st_store *st, st_client *p) {
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "warm", "x"); /* the keyspace's table exists from here on */
  CHECK_REPLY(p, ":1\r\n", "DEL", "warm");
  int64_t meta = store_bytes(st, TM_CAT_METADATA);
  st_client *x = st_client_new(st);
  int64_t buffers = store_bytes(st, TM_CAT_BUFFERS);
  exec(x, "BLPOP", "k1", "k2", "k3", "0", NULL);
  CHECK(st->blocked_clients == 1 && dict_size(&st->bk_keys) == 3);
  CHECK(store_bytes(st, TM_CAT_BUFFERS) > buffers);
  st_client_free(x);
  CHECK(st->blocked_clients == 0 && dict_size(&st->bk_keys) == 0 && st->blocked_head == NULL);
  CHECK(store_bytes(st, TM_CAT_METADATA) == meta);
  /* Waiters after the departed one are still served. */
  st_client *y = st_client_new(st), *z = st_client_new(st);
  exec(y, "BLPOP", "k", "0", NULL);
  exec(z, "BLPOP", "k", "0", NULL);
  st_client_free(y);
  CHECK_REPLY(p, ":1\r\n", "RPUSH", "k", "v");
  CHECK_TAKE(z, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
  st_client_free(z);
  CHECK(store_bytes(st, TM_CAT_METADATA) == meta);
  st_take_woken(st);
}

static void test_pubsub(st_store *st, st_client *a, st_client *b, st_client *p) {
  int64_t meta = store_bytes(st, TM_CAT_METADATA);
  CHECK_REPLY(
      a, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n",
      "SUBSCRIBE", "a", "b");
  CHECK(store_bytes(st, TM_CAT_METADATA) > meta);
  CHECK_REPLY(a, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING");
  CHECK_REPLY(a, "*2\r\n$4\r\npong\r\n$1\r\nx\r\n", "PING", "x");
  CHECK_REPLY(a,
              "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
              "RESET are allowed in this context\r\n",
              "GET", "k");
  CHECK_REPLY(a, "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n", "PSUBSCRIBE", "p*");
  CHECK_REPLY(b, "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:1\r\n", "PSUBSCRIBE", "p*");
  CHECK_REPLY(b, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n", "SUBSCRIBE", "a");
  CHECK_REPLY(b, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n", "SUBSCRIBE", "a");
  CHECK_REPLY(p, ":2\r\n", "PUBLISH", "a", "hello");
  st_client *w = st_take_woken(st);
  CHECK(woken_has(w, a) && woken_has(w, b) && !woken_has(w, p));
  CHECK_TAKE(a, "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
  CHECK_TAKE(b, "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
  CHECK_REPLY(p, ":2\r\n", "PUBLISH", "px", "m");
  CHECK_TAKE(a, "*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npx\r\n$1\r\nm\r\n");
  CHECK_TAKE(b, "*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npx\r\n$1\r\nm\r\n");
  CHECK_REPLY(p, ":0\r\n", "PUBLISH", "zz", "m");
  CHECK(walk_matches(st));
  CHECK_REPLY(p, "*4\r\n$1\r\na\r\n:2\r\n$1\r\nz\r\n:0\r\n", "PUBSUB", "NUMSUB", "a", "z");
  CHECK_REPLY(p, ":1\r\n", "PUBSUB", "NUMPAT");
  CHECK_REPLY(p, "*1\r\n$1\r\nb\r\n", "PUBSUB", "CHANNELS", "b*");
  CHECK_REPLY(p, "*0\r\n", "PUBSUB", "NUMSUB");
  CHECK(strcmp(exec(p, "CLIENT", "LIST", "TYPE", "pubsub", NULL), "$") > 0);
  CHECK(strstr(cmdtest_buf, "flags=P") != NULL && strstr(cmdtest_buf, "sub=2 psub=1") != NULL);
  CHECK_REPLY(a, "*3\r\n$11\r\nunsubscribe\r\n$1\r\nz\r\n:3\r\n", "UNSUBSCRIBE", "z");
  CHECK_REPLY(a, "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:2\r\n", "PUNSUBSCRIBE");
  exec(a, "UNSUBSCRIBE", NULL);
  CHECK(strstr(cmdtest_buf, ":0\r\n") != NULL && !(a->flags & CL_PUBSUB));
  CHECK_REPLY(a, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE");
  /* RESET leaves subscribed mode without a push per channel. */
  exec(a, "SUBSCRIBE", "r1", "r2", NULL);
  exec(a, "PSUBSCRIBE", "r*", NULL);
  CHECK_REPLY(a, "+RESET\r\n", "RESET");
  CHECK(!(a->flags & CL_PUBSUB) && a->ps == NULL);
  CHECK_REPLY(a, "+PONG\r\n", "PING");
  CHECK_REPLY(p, ":1\r\n", "PUBLISH", "a", "x");
  /* A subscriber that leaves takes its subscriptions with it. */
  st_client *x = st_client_new(st);
  exec(x, "SUBSCRIBE", "a", "c", NULL);
  exec(x, "PSUBSCRIBE", "*", NULL);
  CHECK_REPLY(p, ":3\r\n", "PUBLISH", "a", "x");
  st_client_free(x);
  CHECK_REPLY(p, ":1\r\n", "PUBLISH", "a", "x");
  exec(b, "UNSUBSCRIBE", NULL);
  exec(b, "PUNSUBSCRIBE", NULL);
  CHECK(dict_size(&st->channels) == 0 && dict_size(&st->patterns) == 0 && b->ps == NULL);
  CHECK(store_bytes(st, TM_CAT_METADATA) == meta);
  take(b);
  st_take_woken(st);
}

/* Shard channels: their own count, smessage, no pattern delivery, accounting back to zero. */
static void test_shard_pubsub(st_store *st, st_client *a, st_client *b, st_client *p) {
  int64_t meta = store_bytes(st, TM_CAT_METADATA);
  CHECK_REPLY(
      a, "*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n",
      "SSUBSCRIBE", "a", "a");
  CHECK(a->flags & CL_PUBSUB);
  CHECK_REPLY(a, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a");
  CHECK_REPLY(b, "*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n", "PSUBSCRIBE", "*");
  CHECK_REPLY(p, ":1\r\n", "SPUBLISH", "a", "m");
  CHECK_TAKE(a, "*3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$1\r\nm\r\n");
  CHECK_TAKE(b, "");
  CHECK_REPLY(p, "*2\r\n$1\r\na\r\n:1\r\n", "PUBSUB", "SHARDNUMSUB", "a");
  CHECK_REPLY(p, "*1\r\n$1\r\na\r\n", "PUBSUB", "SHARDCHANNELS");
  CHECK(walk_matches(st));
  exec(p, "CLIENT", "LIST", "TYPE", "pubsub", NULL);
  CHECK(strstr(cmdtest_buf, "sub=1 psub=0 ssub=1") != NULL);
  CHECK_REPLY(a, "*3\r\n$12\r\nsunsubscribe\r\n$1\r\na\r\n:0\r\n", "SUNSUBSCRIBE");
  CHECK_REPLY(a, "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", "SUNSUBSCRIBE");
  CHECK(a->flags & CL_PUBSUB); /* still on channel a */
  exec(a, "SSUBSCRIBE", "s1", "s2", NULL);
  CHECK_REPLY(a, "+RESET\r\n", "RESET");
  CHECK(!(a->flags & CL_PUBSUB) && a->ps == NULL && dict_size(&st->shard_channels) == 0);
  exec(b, "PUNSUBSCRIBE", NULL);
  CHECK(store_bytes(st, TM_CAT_METADATA) == meta);
  take(b);
  st_take_woken(st);
}

static void test_monitor(st_store *st, st_client *a, st_client *p) {
  CHECK_REPLY(a, "+OK\r\n", "MONITOR");
  CHECK_REPLY(p, "+OK\r\n", "SELECT", "3");
  exec(p, "SET", "a b", "x\"y\\z\x01\n", NULL);
  exec(p, "HELLO", "2", "AUTH", "default", "secret", NULL);
  exec(p, "CONFIG", "GET", "maxmemory", NULL); /* admin: not shown */
  exec(p, "GET", NULL);                        /* rejected: not shown */
  exec(p, "SELECT", "0", NULL);
  const char *m = take(a);
  const char *l1 = strstr(m, " [3 ");
  CHECK(m[0] == '+' && strstr(m, "] \"SELECT\" \"3\"\r\n") != NULL && l1 != NULL);
  CHECK(strstr(m, "] \"SET\" \"a b\" \"x\\\"y\\\\z\\x01\\n\"\r\n") != NULL);
  CHECK(strstr(m, "] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n") != NULL);
  CHECK(strstr(m, "CONFIG") == NULL && strstr(m, "\"GET\"") == NULL);
  CHECK(strstr(m, "[0 ") != NULL);
  st_client *m2 = st_client_new(st);
  exec(m2, "MONITOR", NULL);
  CHECK_REPLY(m2, "+RESET\r\n", "RESET");
  CHECK(st->monitors == a);
  st_client_free(m2);
  st_client_free(a);
  exec(p, "PING", NULL);
  CHECK(st->monitors == NULL);
  st_take_woken(st);
}

static void test_client_cmds(st_store *st, st_client *a, st_client *p) {
  /* REPLY */
  CHECK_REPLY(a, "-ERR syntax error\r\n", "CLIENT", "REPLY", "foo");
  CHECK_REPLY(a, "", "CLIENT", "REPLY", "OFF");
  CHECK_REPLY(a, "", "SET", "k", "v");
  CHECK_REPLY(a, "", "GET", "nosuchcommand", "x");
  CHECK_REPLY(a, "+OK\r\n", "CLIENT", "REPLY", "ON");
  CHECK_REPLY(a, "", "CLIENT", "REPLY", "SKIP");
  CHECK_REPLY(a, "", "PING");
  CHECK_REPLY(a, "+PONG\r\n", "PING");
  /* NO-EVICT */
  CHECK_REPLY(a, "-ERR syntax error\r\n", "CLIENT", "NO-EVICT", "maybe");
  CHECK_REPLY(a, "+OK\r\n", "CLIENT", "no-evict", "on");
  CHECK(strstr(exec(a, "CLIENT", "INFO", NULL), "flags=e ") != NULL);
  CHECK_REPLY(a, "+OK\r\n", "CLIENT", "NO-EVICT", "off");
  /* KILL */
  CHECK_REPLY(p, "-ERR No such client\r\n", "CLIENT", "KILL", "1.2.3.4:5");
  CHECK_REPLY(p, "-ERR client-id should be greater than 0\r\n", "CLIENT", "KILL", "ID", "x");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "KILL", "ID", "999999");
  CHECK_REPLY(p, "-ERR Unknown client type 'foo'\r\n", "CLIENT", "KILL", "TYPE", "foo");
  CHECK_REPLY(p, "-ERR syntax error\r\n", "CLIENT", "KILL", "SKIPME", "maybe");
  CHECK_REPLY(p, "-ERR syntax error\r\n", "CLIENT", "KILL", "ID", "1", "TYPE");
  CHECK_REPLY(p, "-ERR No such user 'nouser'\r\n", "CLIENT", "KILL", "USER", "nouser");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "KILL", "TYPE", "master");
  snprintf(a->addr, sizeof a->addr, "10.0.0.1:1234");
  exec(a, "SUBSCRIBE", "ch", NULL);
  CHECK_REPLY(p, ":1\r\n", "PUBLISH", "ch", "m");
  char id[32];
  snprintf(id, sizeof id, "%llu", (unsigned long long)a->id);
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "KILL", "ID", id, "TYPE", "normal");
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "KILL", "ID", id, "TYPE", "pubsub");
  CHECK((a->flags & CL_CLOSE_ASAP) && !(a->flags & CL_PUBSUB));
  CHECK(woken_has(st_take_woken(st), a));
  CHECK_REPLY(p, ":0\r\n", "PUBLISH", "ch", "m");
  CHECK(strstr(exec(p, "CLIENT", "LIST", NULL), "10.0.0.1") == NULL);
  CHECK(st_feed(a, "*1\r\n$4\r\nPING\r\n", 14) == -1);
  st_client *v = st_client_new(st);
  snprintf(v->addr, sizeof v->addr, "10.0.0.2:1");
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "KILL", "10.0.0.2:1");
  CHECK(v->flags & CL_CLOSE_ASAP);
  st_client_free(v);
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "KILL", "ID", "1", "SKIPME", "yes", "ID", "999999");
  /* Killing oneself: the reply goes out, then the close. */
  snprintf(id, sizeof id, "%llu", (unsigned long long)p->id);
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "KILL", "ID", id);
  CHECK_REPLY(p, ":1\r\n", "CLIENT", "KILL", "ID", id, "SKIPME", "no");
  CHECK(p->flags & CL_CLOSE_AFTER_REPLY);
  st_take_woken(st);
}

static void test_pause(st_store *st, st_client *a, st_client *p) {
  CHECK_REPLY(p, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", "CLIENT", "PAUSE", "x", "foo");
  CHECK_REPLY(p, "-ERR timeout is not an integer or out of range\r\n", "CLIENT", "PAUSE", "x");
  CHECK_REPLY(p, "-ERR timeout is negative\r\n", "CLIENT", "PAUSE", "-1");
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "PAUSE", "1000", "WRITE");
  /* Reads run; a write waits, and so does what follows it. */
  CHECK_REPLY(a, "$-1\r\n", "GET", "pk");
  send_raw(a, "*3\r\n$3\r\nSET\r\n$2\r\npk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$2\r\npk\r\n");
  CHECK_TAKE(a, "");
  CHECK(st->blocked_clients == 0 && (a->flags & CL_BLOCKED));
  CHECK_REPLY(p, "$-1\r\n", "GET", "pk");
  CHECK_REPLY(p, ":0\r\n", "CLIENT", "UNBLOCK", "1"); /* not unblockable */
  int64_t left = st_timers(st);
  CHECK(left > 900 && left <= 1000);
  st->now_ms += 1001;
  CHECK(st_timers(st) == -1);
  CHECK(woken_has(st_take_woken(st), a));
  CHECK_TAKE(a, "+OK\r\n$1\r\nv\r\n");
  /* UNPAUSE releases at once; ALL holds every command. */
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "PAUSE", "100000", "ALL");
  CHECK_REPLY(a, "", "GET", "pk");
  CHECK(a->flags & CL_BLOCKED);
  /* The pauser is paused too (Redis 7.0): its UNPAUSE waits for the timer. */
  CHECK_REPLY(p, "", "CLIENT", "UNPAUSE");
  st->now_ms += 100001;
  st_timers(st);
  CHECK_TAKE(a, "$1\r\nv\r\n");
  CHECK_TAKE(p, "+OK\r\n");
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE");
  CHECK_REPLY(a, "", "DEL", "pk");
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "UNPAUSE");
  CHECK_TAKE(a, ":1\r\n");
  /* A postponed client that disconnects leaves nothing. */
  int64_t buffers = store_bytes(st, TM_CAT_BUFFERS);
  st_client *x = st_client_new(st);
  int64_t with_x = store_bytes(st, TM_CAT_BUFFERS);
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE");
  exec(x, "SET", "a", "b", NULL);
  CHECK(x->blocked != NULL && store_bytes(st, TM_CAT_BUFFERS) > with_x);
  CHECK(walk_matches(st));
  st_client_free(x);
  CHECK(st->blocked_head == NULL);
  CHECK(store_bytes(st, TM_CAT_BUFFERS) == buffers);
  CHECK_REPLY(p, "+OK\r\n", "CLIENT", "UNPAUSE");
  st_take_woken(st);
}

/* Everything but client buffers (a client's query buffer keeps its capacity). */
static int64_t all_but_buffers(const st_store *st) {
  return sm_total_bytes(&st->mem) - store_bytes(st, TM_CAT_BUFFERS);
}

int main(void) {
  tm_heap *h = check_heap(4096, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  int64_t empty = all_but_buffers(st);
  st_client *a = st_client_new(st), *b = st_client_new(st), *p = st_client_new(st);
  test_blocking(st, a, b, p);
  test_disconnect(st, p);
  test_pubsub(st, a, b, p);
  test_shard_pubsub(st, a, b, p);
  test_monitor(st, a, p);
  a = st_client_new(st);
  test_client_cmds(st, a, p);
  st_client_free(a);
  st_client_free(b);
  st_client_free(p);
  p = st_client_new(st);
  a = st_client_new(st);
  test_pause(st, a, p);
  exec(p, "FLUSHALL", NULL);
  st_client_free(a);
  st_client_free(p);
  CHECK(sm_total_bytes(&st->mem) - store_bytes(st, TM_CAT_BUFFERS) == empty);
  CHECK(store_bytes(st, TM_CAT_BUFFERS) == 0);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("clients_test");
}
