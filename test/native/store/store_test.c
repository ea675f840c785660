/* store_test.c - the engine's core through its batch loop: dispatch and its errors, connection
 * commands, protocol errors, pipelines, the query-buffer limit, entries and TTLs (lazy and
 * active expiry through the heap, an entry growing an expire area), rekeying, a keyspace grown
 * through many rehashes, and exact accounting back to zero. */
#include <time.h>

#include "cmdtest.h"
#include "entry.h"

/* Everything but client buffers (a client's query buffer and argv keep their capacity). */
static int64_t all_bytes(const st_store *st) {
  int64_t s = 0;
  for (int o = 0; o < SM_OWNERS; o++)
    for (int k = 0; k < TM_CAT_COUNT; k++)
      for (int t = 0; t < TM_TIER_COUNT; t++)
        if (k != TM_CAT_BUFFERS) s += st->mem.cell[o][k][t].bytes;
  return s;
}

static void test_dispatch(st_client *c) {
  CHECK_REPLY(c, "+PONG\r\n", "PING");
  CHECK_REPLY(c, "+PONG\r\n", "pInG");
  CHECK_REPLY(c, "$2\r\nhi\r\n", "PING", "hi");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'ping' command\r\n", "PING", "a", "b");
  CHECK_REPLY(c, "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", "foo", "a",
              "b");
  CHECK_REPLY(c, "-ERR unknown command 'foo', with args beginning with: \r\n", "foo");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'config|get' command\r\n", "CONFIG", "GET");
  CHECK_REPLY(c, "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n", "config", "foo");
  CHECK_REPLY(c, "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", "client", "foo");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'client' command\r\n", "client");
  CHECK_REPLY(c, "$5\r\nhello\r\n", "ECHO", "hello");
  CHECK_REPLY(c, "-NOPROTO unsupported protocol version\r\n", "HELLO", "3");
  CHECK_REPLY(c, "-ERR Protocol version is not an integer or out of range\r\n", "HELLO", "abc");
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'foo'\r\n", "HELLO", "2", "foo");
  CHECK_REPLY(c, "$-1\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "+OK\r\n", "CLIENT", "SETNAME", "me");
  CHECK_REPLY(c, "$2\r\nme\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
              "CLIENT", "SETNAME", "a b");
  CHECK(strncmp(exec(c, "CLIENT", "LIST", NULL), "$", 1) == 0);
  CHECK(strstr(cmdtest_buf, " name=me ") != NULL && strstr(cmdtest_buf, "cmd=client|list") != NULL);
  CHECK(strstr(exec(c, "HELLO", "2", NULL), "$6\r\n7.0.15\r\n") != NULL);
  CHECK(strncmp(exec(c, "COMMAND", "COUNT", NULL), ":", 1) == 0);
  CHECK(atol(cmdtest_buf + 1) > 40);
  CHECK(strstr(exec(c, "COMMAND", "INFO", "get", "nosuch", NULL),
               "$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n") != NULL);
  CHECK(strstr(cmdtest_buf, "$-1\r\n") != NULL); /* an unknown name: a null, as Redis */
  CHECK_REPLY(c, "*2\r\n$1\r\na\r\n$1\r\nc\r\n", "COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d");
  CHECK_REPLY(c, "-ERR The command has no key arguments\r\n", "COMMAND", "GETKEYS", "PING", "x",
              "y");
  CHECK_REPLY(c, "-ERR Invalid command specified\r\n", "COMMAND", "GETKEYS", "nosuch", "x");
  /* A CMD_JS command without a control plane attached says so. */
  CHECK(strncmp(exec(c, "INFO", NULL), "-ERR 'info' is served by the control plane", 42) == 0);
}

/* OBJECT, with redis-server 7.0.15's replies. */
static void test_object(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "SET", "n", "5");
  CHECK_REPLY(c, "$3\r\nint\r\n", "OBJECT", "ENCODING", "n");
  CHECK_REPLY(c, ":2147483647\r\n", "OBJECT", "REFCOUNT", "n");
  CHECK_REPLY(c, "+OK\r\n", "SET", "n", "50000");
  CHECK_REPLY(c, ":1\r\n", "OBJECT", "REFCOUNT", "n");
  CHECK_REPLY(c, "+OK\r\n", "SET", "s", "hello");
  CHECK_REPLY(c, "$6\r\nembstr\r\n", "OBJECT", "ENCODING", "s");
  CHECK_REPLY(c, ":6\r\n", "APPEND", "s", "!");
  CHECK_REPLY(c, "$3\r\nraw\r\n", "OBJECT", "ENCODING", "s");
  CHECK_REPLY(c, ":0\r\n", "OBJECT", "IDLETIME", "s");
  CHECK_REPLY(c, "$-1\r\n", "OBJECT", "ENCODING", "nokey");
  CHECK_REPLY(c, "$-1\r\n", "OBJECT", "IDLETIME", "nokey");
  CHECK_REPLY(c,
              "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
              "note that when switching between policies at runtime LRU and LFU data will take "
              "some time to adjust.\r\n",
              "OBJECT", "FREQ", "n");
  CHECK_REPLY(c, "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", "OBJECT", "foo", "n");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'object|encoding' command\r\n", "OBJECT",
              "ENCODING");
  CHECK(strncmp(exec(c, "OBJECT", "HELP", NULL), "*15\r\n+OBJECT <subcommand>", 25) == 0);
  CHECK_REPLY(c, ":2\r\n", "DEL", "n", "s");
}

static void test_protocol(st_store *st) {
  st_client *c = st_client_new(st);
  /* A pipeline in one read: every command runs, replies in order. */
  const char *pipe = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\nPING\r\n";
  CHECK(st_feed(c, pipe, strlen(pipe)) == 0);
  char out[256];
  size_t n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "+PONG\r\n$1\r\nx\r\n+PONG\r\n") == 0);
  /* A frame split anywhere gives the same reply. */
  const char *f = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
  for (size_t cut = 1; cut < strlen(f); cut++) {
    CHECK(st_feed(c, f, cut) == 0);
    CHECK(reply_pending(&c->out) == 0);
    CHECK(st_feed(c, f + cut, strlen(f) - cut) == 0);
    n = reply_take(&c->out, out, sizeof out - 1);
    out[n] = '\0';
    CHECK(strcmp(out, "$5\r\nhello\r\n") == 0);
  }
  /* What Redis rejects with a protocol error closes the connection after the reply. */
  CHECK(st_feed(c, "*-0\r\nPING\r\n", 11) == -1);
  CHECK(c->flags & CL_CLOSE_AFTER_REPLY);
  n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "-ERR Protocol error: invalid multibulk length\r\n") == 0);
  st_client_free(c);
  c = st_client_new(st);
  CHECK(st_feed(c, "*1\r\n$-0\r\n\r\n", 11) == -1);
  n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "-ERR Protocol error: invalid bulk length\r\n") == 0);
  st_client_free(c);
  /* QUIT: OK, then close. */
  c = st_client_new(st);
  CHECK(st_feed(c, "QUIT\r\nPING\r\n", 12) == -1);
  n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "+OK\r\n") == 0);
  st_client_free(c);
  /* A bulk announced beyond client-query-buffer-limit: closed without a reply, counted. */
  int64_t limit = st->cfg.client_query_buffer_limit;
  st->cfg.client_query_buffer_limit = 1 << 20;
  c = st_client_new(st);
  uint64_t before = st->stats.buffer_limit_disconnects;
  const char *big = "*2\r\n$3\r\nGET\r\n$2000000\r\n";
  CHECK(st_feed(c, big, strlen(big)) == -1);
  CHECK((c->flags & CL_CLOSE_ASAP) && reply_pending(&c->out) == 0);
  CHECK(st->stats.buffer_limit_disconnects == before + 1);
  st_client_free(c);
  st->cfg.client_query_buffer_limit = limit;
}

static void test_ttl_and_entries(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "v");
  st_entry *e = db_find(c, c->db, "k", 1);
  CHECK(e != NULL && !(e->flags & E_EXPIRES) && entry_expire(e) == -1);
  /* The first TTL grows the entry (it moves); the dict and the heap follow it. */
  CHECK_REPLY(c, ":1\r\n", "PEXPIRE", "k", "100000");
  e = db_find(c, c->db, "k", 1);
  CHECK(e != NULL && (e->flags & E_EXPIRES) && entry_expire(e) > st->now_ms);
  CHECK(c->db->expires.len == 1 && c->db->expires.heap[0] == e);
  CHECK_REPLY(c, ":1\r\n", "PERSIST", "k");
  CHECK(c->db->expires.len == 0 && entry_expire(db_find(c, c->db, "k", 1)) == -1);
  /* Lazy expiry: a key past its time is gone at the next lookup. */
  CHECK_REPLY(c, "+OK\r\n", "SET", "gone", "x", "PX", "1");
  struct timespec ts = { 0, 5 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  CHECK_REPLY(c, "$-1\r\n", "GET", "gone");
  /* Active expiry pops due keys from the heap without touching the rest. */
  for (int i = 0; i < 500; i++) {
    char key[32];
    snprintf(key, sizeof key, "exp:%d", i);
    CHECK_REPLY(c, "+OK\r\n", "SET", key, "value", "PX", i % 2 ? "1" : "100000");
  }
  nanosleep(&ts, NULL);
  uint64_t expired = st_cron(st, 100000);
  CHECK(expired == 250);
  CHECK(c->db->expires.len == 250);
  /* The heap's order holds: its top is the earliest. */
  for (size_t i = 1; i < c->db->expires.len; i++)
    CHECK(entry_expire(c->db->expires.heap[(i - 1) / 2]) <= entry_expire(c->db->expires.heap[i]));
  CHECK_REPLY(c, "+OK\r\n", "FLUSHALL");
}

static void test_many_keys(st_client *c) {
  st_store *st = c->st;
  int64_t empty = all_bytes(st);
  char key[32], val[32];
  const int n = 200000;
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "key:%012d", i);
    snprintf(val, sizeof val, "v%d", i);
    const char *argv[3] = { "SET", key, val };
    exec_argv(c, 3, argv, NULL);
  }
  CHECK(dict_size(&c->db->keys) == (size_t)n);
  int bad = 0;
  for (int i = 0; i < n; i += 997) {
    snprintf(key, sizeof key, "key:%012d", i);
    snprintf(val, sizeof val, "v%d", i);
    char want[64];
    snprintf(want, sizeof want, "$%zu\r\n%s\r\n", strlen(val), val);
    if (strcmp(exec(c, "GET", key, NULL), want) != 0) bad++;
  }
  CHECK(bad == 0);
  /* A key with a 16-byte name and a short value: one 48-byte entry, one 16-byte value. */
  st_entry *e = db_find(c, c->db, "key:000000000001", 16);
  CHECK(e != NULL && sm_usable(&st->mem, TM_DRAM, e, entry_block_size(e)) == 48);
  CHECK_REPLY(c, "+OK\r\n", "FLUSHALL");
  CHECK(all_bytes(st) == empty);
}

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* DEL of a big set and FLUSHALL ASYNC of many keys: bounded work now, the rest in cron steps. */
static void test_lazy_free(st_client *c) {
  st_store *st = c->st;
  int64_t empty = all_bytes(st);
  char m[32];
  const char *argv[2 + 1000];
  static char members[1000][16];
  argv[0] = "SADD";
  argv[1] = "big";
  for (int batch = 0; batch < 200; batch++) {
    for (int i = 0; i < 1000; i++) {
      snprintf(members[i], sizeof members[i], "m%d", batch * 1000 + i);
      argv[2 + i] = members[i];
    }
    exec_argv(c, 1002, argv, NULL);
  }
  CHECK_REPLY(c, ":200000\r\n", "SCARD", "big");
  int64_t t0 = mono_us();
  CHECK_REPLY(c, ":1\r\n", "DEL", "big");
  int64_t took = mono_us() - t0;
  CHECK(st->lazy_pending == 1);
  CHECK(took < 50000); /* one step of LAZY_STEP members, not 200k (generous under ASan) */
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "big");
  for (int i = 0; i < 1000 && st->lazy_pending > 0; i++) st_cron(st, 1000);
  CHECK(st->lazy_pending == 0 && st->stats.lazyfreed_objects >= 1);
  CHECK(sm_owner_bytes(&st->mem, ST_SET) == 0); /* the keyspace keeps its smallest table */
  /* FLUSHALL ASYNC: empty at once, freed in the background. */
  for (int i = 0; i < 20000; i++) {
    snprintf(m, sizeof m, "k%d", i);
    CHECK_REPLY(c, "+OK\r\n", "SET", m, "v");
  }
  CHECK_REPLY(c, "+OK\r\n", "FLUSHALL", "ASYNC");
  CHECK_REPLY(c, ":0\r\n", "DBSIZE");
  CHECK(st->lazy_pending == 1 && all_bytes(st) > empty);
  CHECK_REPLY(c, "+OK\r\n", "SET", "after", "flush");
  for (int i = 0; i < 1000 && st->lazy_pending > 0; i++) st_cron(st, 1000);
  CHECK(st->lazy_pending == 0);
  CHECK_REPLY(c, "$5\r\nflush\r\n", "GET", "after");
  CHECK_REPLY(c, "+OK\r\n", "FLUSHALL");
  CHECK(all_bytes(st) == empty);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  int64_t empty = all_bytes(st);
  st_client *c = st_client_new(st);
  test_dispatch(c);
  test_object(c);
  test_protocol(st);
  test_ttl_and_entries(c);
  test_many_keys(c);
  test_lazy_free(c);
  st_client_free(c);
  CHECK(all_bytes(st) == empty);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("store_test");
}
