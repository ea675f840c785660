/* tx_test.c - MULTI/EXEC/DISCARD/WATCH/UNWATCH against redis-server 7.0.15's own replies
 * (captured from it on the same sequences): queueing, EXECABORT after a queue-time error, no
 * rollback of runtime errors, the nesting errors, and WATCH invalidation by every kind of
 * change (writes by others and by itself, deletion, expiry before and after WATCH, FLUSHDB,
 * FLUSHALL, SWAPDB, RENAME, MOVE, COPY) and non-changes that must not invalidate. Then the
 * accounting of queued commands and watched keys (walked block by block), OOM while queueing
 * and WATCHing, and a client freed in the middle of a transaction. */
#include <time.h>

#include "cmdtest.h"
#include "walkcheck.h"

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

#define QUEUED "+QUEUED\r\n"
#define OK "+OK\r\n"
#define NULL_ARRAY "*-1\r\n"
#define EXECABORT "-EXECABORT Transaction discarded because of previous errors.\r\n"

static void basics(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  CHECK_REPLY(c, "-ERR EXEC without MULTI\r\n", "EXEC");
  CHECK_REPLY(c, "-ERR DISCARD without MULTI\r\n", "DISCARD");
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "-ERR MULTI calls can not be nested\r\n", "MULTI");
  CHECK_REPLY(c, QUEUED, "SET", "a", "1");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
  CHECK_REPLY(c, "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n", "FOO", "bar");
  CHECK_REPLY(c, EXECABORT, "EXEC");
  CHECK_REPLY(c, "-ERR EXEC without MULTI\r\n", "EXEC");
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "a"); /* nothing ran */

  /* Runtime errors do not roll back; WATCH inside MULTI is refused without dooming it. */
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, QUEUED, "SET", "a", "1");
  CHECK_REPLY(c, "-ERR WATCH inside MULTI is not allowed\r\n", "WATCH", "a");
  CHECK_REPLY(c, QUEUED, "UNWATCH");
  CHECK_REPLY(c, QUEUED, "INCR", "a");
  CHECK_REPLY(c, QUEUED, "LPUSH", "a", "x");
  CHECK_REPLY(c, QUEUED, "GET", "a");
  CHECK_REPLY(c,
              "*5\r\n+OK\r\n+OK\r\n:2\r\n"
              "-" ERR_WRONGTYPE "\r\n$1\r\n2\r\n",
              "EXEC");

  /* Nested MULTI does not doom; an empty transaction is an empty array. */
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "-ERR MULTI calls can not be nested\r\n", "MULTI");
  CHECK_REPLY(c, "*0\r\n", "EXEC");
  /* DISCARD drops the queue and a doomed state. */
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'set' command\r\n", "SET", "a");
  CHECK_REPLY(c, QUEUED, "SET", "a", "9");
  CHECK_REPLY(c, OK, "DISCARD");
  CHECK_REPLY(c, "$1\r\n2\r\n", "GET", "a");
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "*0\r\n", "EXEC");
  /* Unknown subcommand and container arity also doom. */
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "-ERR unknown subcommand 'nope'. Try OBJECT HELP.\r\n", "OBJECT", "nope");
  CHECK_REPLY(c, EXECABORT, "EXEC");
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'object' command\r\n", "OBJECT");
  CHECK_REPLY(c, EXECABORT, "EXEC");
  /* Arity of WATCH/UNWATCH and their replies outside MULTI. */
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'watch' command\r\n", "WATCH");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'unwatch' command\r\n", "UNWATCH", "x");
  CHECK_REPLY(c, OK, "WATCH", "a", "b", "a");
  CHECK_REPLY(c, OK, "UNWATCH");
  /* Binary arguments and commands that reply arrays, inside EXEC. */
  CHECK_REPLY(c, OK, "MULTI");
  const char *argv[] = { "SET", "bin", "a\0b\r\nc" };
  size_t lens[] = { 3, 3, 6 };
  CHECK(strcmp(exec_argv(c, 3, argv, lens), QUEUED) == 0);
  CHECK_REPLY(c, QUEUED, "STRLEN", "bin");
  CHECK_REPLY(c, QUEUED, "RPUSH", "l", "x", "y");
  CHECK_REPLY(c, QUEUED, "LRANGE", "l", "0", "-1");
  CHECK_REPLY(c, QUEUED, "CLIENT", "ID");
  CHECK_REPLY(c, "*5\r\n+OK\r\n:6\r\n:2\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n:1\r\n", "EXEC");
  /* QUIT inside MULTI runs at once. */
}

/* WATCH w on a; `between` runs on b (or on a when prefixed "A:", or sleeps "#<ms>"); then
 * MULTI PING EXEC on a, which must abort (null array) or not, as Redis decides. */
static void watch_case(st_client *a, st_client *b, const char *name, const char *const *setup,
                       const char *const *between, int db1, int abort_expected) {
  exec(a, "SELECT", "0", NULL);
  exec(b, "SELECT", "0", NULL);
  exec(a, "FLUSHALL", NULL);
  for (int i = 0; setup && setup[i]; i++) {
    if (setup[i][0] == '#') {
      sleep_ms(atol(setup[i] + 1));
      continue;
    }
    const char *v[8];
    int n = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", setup[i]);
    for (char *t = strtok(buf, " "); t && n < 8; t = strtok(NULL, " ")) v[n++] = t;
    exec_argv(a, n, v, NULL);
  }
  if (db1) exec(a, "SELECT", "1", NULL);
  exec(a, "WATCH", "w", NULL);
  for (int i = 0; between && between[i]; i++) {
    const char *s = between[i];
    if (s[0] == '#') {
      sleep_ms(atol(s + 1));
      continue;
    }
    st_client *who = b;
    if (strncmp(s, "A:", 2) == 0) {
      who = a;
      s += 2;
    }
    const char *v[8];
    int n = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *t = strtok(buf, " "); t && n < 8; t = strtok(NULL, " ")) v[n++] = t;
    exec_argv(who, n, v, NULL);
  }
  exec(a, "MULTI", NULL);
  exec(a, "PING", NULL);
  const char *got = exec(a, "EXEC", NULL);
  int aborted = strcmp(got, NULL_ARRAY) == 0;
  int ran = strcmp(got, "*1\r\n+PONG\r\n") == 0;
  CHECK(aborted || ran);
  CHECK(aborted == abort_expected);
  if (aborted != abort_expected || !(aborted || ran))
    fprintf(stderr, "  watch case '%s': got %s, want %s\n", name, got,
            abort_expected ? "abort" : "run");
  CHECK(a->watching == NULL); /* EXEC always unwatches */
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void watch_cases(st_client *a, st_client *b) {
  /* The verdicts are redis-server 7.0.15's on the same sequences. */
  watch_case(a, b, "set other", NULL, L("SET x 1"), 0, 0);
  watch_case(a, b, "set watched", NULL, L("SET w 1"), 0, 1);
  watch_case(a, b, "set same value", L("SET w 1"), L("SET w 1"), 0, 1);
  watch_case(a, b, "del missing", NULL, L("DEL w"), 0, 0);
  watch_case(a, b, "del existing", L("SET w 1"), L("DEL w"), 0, 1);
  watch_case(a, b, "flushall missing", NULL, L("FLUSHALL"), 0, 0);
  watch_case(a, b, "flushall existing", L("SET w 1"), L("FLUSHALL"), 0, 1);
  watch_case(a, b, "flushall async existing", L("SET w 1"), L("FLUSHALL ASYNC"), 0, 1);
  watch_case(a, b, "flushdb other db", L("SET w 1"), L("SELECT 1", "FLUSHDB"), 0, 0);
  watch_case(a, b, "flushdb missing", NULL, L("FLUSHDB"), 0, 0);
  watch_case(a, b, "swapdb missing both", NULL, L("SWAPDB 0 1"), 0, 0);
  watch_case(a, b, "swapdb exists other", L("SELECT 1", "SET w 1", "SELECT 0"), L("SWAPDB 0 1"), 0,
             1);
  watch_case(a, b, "swapdb exists here", L("SET w 1"), L("SWAPDB 0 1"), 0, 1);
  watch_case(a, b, "rename to", L("SET x 1"), L("RENAME x w"), 0, 1);
  watch_case(a, b, "rename from", L("SET w 1"), L("RENAME w x"), 0, 1);
  watch_case(a, b, "move from", L("SET w 1"), L("MOVE w 1"), 0, 1);
  watch_case(a, b, "move into", L("SELECT 1", "SET w 1", "SELECT 0"), L("SELECT 1", "MOVE w 0"), 0,
             1);
  watch_case(a, b, "expire set", L("SET w 1"), L("EXPIRE w 100"), 0, 1);
  watch_case(a, b, "expires after watch, no access", L("SET w 1", "PEXPIRE w 100"), L("#300"), 0,
             1);
  watch_case(a, b, "expires after watch, deleted by GET", L("SET w 1", "PEXPIRE w 50"),
             L("#120", "GET w"), 0, 1);
  watch_case(a, b, "expired before watch", L("SET w 1", "PEXPIRE w 1", "#5"), NULL, 0, 0);
  watch_case(a, b, "expired before watch + GET", L("SET w 1", "PEXPIRE w 1", "#5"), L("GET w"), 0,
             0);
  watch_case(a, b, "expired before watch + SET", L("SET w 1", "PEXPIRE w 1", "#5"), L("SET w 2"), 0,
             1);
  watch_case(a, b, "expired before watch + FLUSHALL", L("SET w 1", "PEXPIRE w 1", "#5"),
             L("FLUSHALL"), 0, 0);
  watch_case(a, b, "incr wrongtype", L("LPUSH w a"), L("INCR w"), 0, 0);
  watch_case(a, b, "lpush then pop", NULL, L("LPUSH w a", "LPOP w"), 0, 1);
  watch_case(a, b, "persist without ttl", L("SET w 1"), L("PERSIST w"), 0, 0);
  watch_case(a, b, "getex persist", L("SET w 1", "EXPIRE w 100"), L("GETEX w PERSIST"), 0, 1);
  watch_case(a, b, "self set", NULL, L("A:SET w 1"), 0, 1);
  watch_case(a, b, "srem missing member", L("SADD w a"), L("SREM w b"), 0, 0);
  watch_case(a, b, "sadd existing member", L("SADD w a"), L("SADD w a"), 0, 0);
  watch_case(a, b, "hset same", L("HSET w f v"), L("HSET w f v"), 0, 1);
  watch_case(a, b, "unwatch", L("SET w 1"), L("A:UNWATCH", "SET w 2"), 0, 0);
  watch_case(a, b, "other db", NULL, L("SELECT 1", "SET w 1"), 0, 0);
  watch_case(a, b, "watched in db 1", NULL, L("SELECT 1", "SET w 1"), 1, 1);
  watch_case(a, b, "copy into", L("SET x 1"), L("COPY x w"), 0, 1);
  watch_case(a, b, "renamenx refused", L("SET x 1", "SET w 1"), L("RENAMENX x w"), 0, 0);
  watch_case(a, b, "expire nx refused", L("SET w 1", "EXPIRE w 100"), L("EXPIRE w 200 NX"), 0, 0);
  watch_case(a, b, "lmove same list", L("RPUSH w a b"), L("LMOVE w w LEFT RIGHT"), 0, 1);
  watch_case(a, b, "sinterstore over w", L("SET w 1"), L("SINTERSTORE w nokey"), 0, 1);
  watch_case(a, b, "sinterstore empty, w missing", NULL, L("SINTERSTORE w nokey"), 0, 0);
  /* Bit writes signal only a change: a bit or field set to what it holds, in a string that
   * did not grow, is none (Redis 7.0.15's setbitCommand and bitfieldGeneric). */
  watch_case(a, b, "setbit same bit", L("SETBIT w 30 1"), L("SETBIT w 30 1"), 0, 0);
  watch_case(a, b, "setbit zero, no growth", L("SET w v"), L("SETBIT w 0 0"), 0, 0);
  watch_case(a, b, "setbit zero, grows", L("SET w v"), L("SETBIT w 100 0"), 0, 1);
  watch_case(a, b, "setbit flips", L("SET w v"), L("SETBIT w 0 1"), 0, 1);
  watch_case(a, b, "bitfield set same", L("SET w v"), L("BITFIELD w SET u8 0 118"), 0, 0);
  watch_case(a, b, "bitfield incrby 0", L("SET w v"), L("BITFIELD w INCRBY u8 0 0"), 0, 0);
  watch_case(a, b, "bitfield incrby 0, grows", L("SET w v"), L("BITFIELD w INCRBY u8 16 0"), 0, 1);
  watch_case(a, b, "bitfield set other", L("SET w v"), L("BITFIELD w SET i8 0 -1"), 0, 1);

  /* A watcher invalidated while queueing still queues, then EXEC is a null array; a second
   * client watching the same key is invalidated too; a third on another key is not. */
  st_client *c3 = st_client_new(a->st);
  exec(a, "FLUSHALL", NULL);
  CHECK_REPLY(a, OK, "WATCH", "k", "k2");
  CHECK_REPLY(c3, OK, "WATCH", "other");
  CHECK_REPLY(b, OK, "WATCH", "k");
  CHECK_REPLY(a, OK, "MULTI");
  CHECK_REPLY(a, QUEUED, "SET", "k", "mine");
  CHECK_REPLY(b, OK, "SET", "k", "theirs");
  CHECK_REPLY(a, QUEUED, "SET", "k2", "mine");
  CHECK_REPLY(a, NULL_ARRAY, "EXEC");
  CHECK_REPLY(a, "$6\r\ntheirs\r\n", "GET", "k");
  CHECK_REPLY(a, "$-1\r\n", "GET", "k2");
  CHECK_REPLY(b, OK, "MULTI");
  CHECK_REPLY(b, NULL_ARRAY, "EXEC"); /* b's own SET invalidated b as well */
  CHECK_REPLY(c3, OK, "MULTI");
  CHECK_REPLY(c3, QUEUED, "PING");
  CHECK_REPLY(c3, "*1\r\n+PONG\r\n", "EXEC");
  /* WATCH after invalidation is OK and stays doomed; UNWATCH clears it. */
  CHECK_REPLY(a, OK, "WATCH", "k");
  CHECK_REPLY(b, ":1\r\n", "DEL", "k");
  CHECK_REPLY(a, OK, "WATCH", "k3");
  CHECK_REPLY(a, OK, "MULTI");
  CHECK_REPLY(a, NULL_ARRAY, "EXEC");
  CHECK_REPLY(a, OK, "WATCH", "k");
  CHECK_REPLY(b, OK, "SET", "k", "1");
  CHECK_REPLY(a, OK, "UNWATCH");
  CHECK_REPLY(a, OK, "MULTI");
  CHECK_REPLY(a, "*0\r\n", "EXEC");
  /* An EXEC that writes a key another client watches invalidates that client. */
  CHECK_REPLY(b, OK, "WATCH", "k");
  CHECK_REPLY(a, OK, "MULTI");
  CHECK_REPLY(a, QUEUED, "INCR", "k");
  CHECK_REPLY(a, "*1\r\n:2\r\n", "EXEC");
  CHECK_REPLY(b, OK, "MULTI");
  CHECK_REPLY(b, NULL_ARRAY, "EXEC");
  /* Active expiry (cron) of a watched key invalidates it too. */
  exec(a, "SET", "e", "1", "PX", "30", NULL);
  CHECK_REPLY(b, OK, "WATCH", "e");
  sleep_ms(60);
  st_cron(a->st, 100000);
  CHECK_REPLY(a, ":0\r\n", "EXISTS", "e");
  CHECK_REPLY(b, OK, "MULTI");
  CHECK_REPLY(b, NULL_ARRAY, "EXEC");
  st_client_free(c3);
}

/* Every queued command and watched key is a block sm counts under SM_STORE/buffers: the walk
 * sums to the cells, and once the transaction ends they are all gone. */
static int64_t buffer_bytes(st_store *st) {
  return st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].bytes +
         st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_PMEM].bytes;
}

static void accounting(st_client *a, st_client *b) {
  st_store *st = a->st;
  exec(a, "FLUSHALL", NULL);
  CHECK(walk_matches(st));
  int64_t before = buffer_bytes(st);
  char key[32];
  for (int i = 0; i < 200; i++) {
    snprintf(key, sizeof key, "key:%d", i);
    exec(a, "WATCH", key, NULL);
    exec(b, "WATCH", key, NULL);
  }
  exec(a, "MULTI", NULL);
  static char big[100000];
  memset(big, 'v', sizeof big - 1);
  for (int i = 0; i < 50; i++) exec(a, "SET", "x", big, NULL);
  CHECK(a->mq_count == 50);
  CHECK(buffer_bytes(st) > before + 50 * 100000);
  CHECK(walk_matches(st));
  CHECK_REPLY(a, OK, "DISCARD");
  CHECK(a->watching == NULL && a->mq_head == NULL);
  CHECK(walk_matches(st));
  CHECK_REPLY(b, OK, "UNWATCH");
  exec(a, "PING", NULL);
  CHECK(buffer_bytes(st) <= before + 4096); /* reply chunk slack only */
  for (int i = 0; i < st->ndb; i++) CHECK(dict_size(&st->dbs[i].watched) == 0);
  CHECK(walk_matches(st));
  /* A client freed inside MULTI with watches leaves nothing behind. */
  st_client *c = st_client_new(st);
  exec(c, "WATCH", "a", "b", NULL);
  exec(c, "SELECT", "3", NULL);
  exec(c, "WATCH", "a", NULL);
  exec(c, "MULTI", NULL);
  exec(c, "SET", "a", big, NULL);
  st_client_free(c);
  for (int i = 0; i < st->ndb; i++) CHECK(dict_size(&st->dbs[i].watched) == 0);
  CHECK(walk_matches(st));
  exec(a, "SET", "a", "1", NULL); /* touching a formerly watched key finds no watcher */
}

/* OOM: queueing refuses with the OOM error and dooms the transaction; WATCH is all or nothing. */
static void oom(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  exec(c, "MULTI", NULL);
  exec(c, "PING", NULL);
  tm_set_policy(h, TM_POLICY_STRICT);
  double s[TM_S_LEN], live = 0;
  tm_stats_snapshot(h, s);
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) live += s[TM_S_CELL(TM_DRAM, cat)];
  tm_set_limit(h, TM_DRAM, (size_t)live);
  tm_set_limit(h, TM_PMEM, 1);
  CHECK_REPLY(c, "-" ERR_OOM "\r\n", "SET", "k", "v");
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK_REPLY(c, QUEUED, "SET", "k", "1");
  CHECK_REPLY(c, EXECABORT, "EXEC");
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "k");
  /* WATCH of many keys with room for only some: none stays watched. (The first WATCH, with
   * room, grows the parser's argv array for 201 arguments.) */
  const char *argv[201];
  static char names[200][16];
  argv[0] = "WATCH";
  for (int i = 0; i < 200; i++) {
    snprintf(names[i], sizeof names[i], "wk%d", i);
    argv[i + 1] = names[i];
  }
  CHECK(strcmp(exec_argv(c, 201, argv, NULL), OK) == 0);
  CHECK_REPLY(c, OK, "UNWATCH");
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_stats_snapshot(h, s);
  live = 0;
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) live += s[TM_S_CELL(TM_DRAM, cat)];
  tm_set_limit(h, TM_DRAM, (size_t)live + 2048);
  CHECK(strcmp(exec_argv(c, 201, argv, NULL), "-" ERR_OOM "\r\n") == 0);
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK(c->watching == NULL);
  CHECK(dict_size(&c->st->dbs[0].watched) == 0);
  CHECK(walk_matches(c->st));
}

/* CLIENT LIST's multi= (queued count inside MULTI, else -1) and multi-mem=, seen by another
 * client as Redis shows them. */
static int field_of(const char *list, int64_t id, const char *field, long long *out) {
  char head[48], key[32];
  snprintf(head, sizeof head, "id=%lld ", (long long)id);
  snprintf(key, sizeof key, " %s=", field);
  const char *line = strstr(list, head);
  if (line == NULL) return 0;
  const char *f = strstr(line, key);
  const char *eol = strchr(line, '\n');
  if (f == NULL || (eol != NULL && f > eol)) return 0;
  return sscanf(f + strlen(key), "%lld", out) == 1;
}

static void multi_field(st_client *a, st_client *b) {
  long long n = 0, mem = 0;
  CHECK(field_of(exec(b, "CLIENT", "LIST", NULL), (int64_t)a->id, "multi", &n) && n == -1);
  CHECK_REPLY(a, "+OK\r\n", "MULTI");
  CHECK(field_of(exec(b, "CLIENT", "LIST", NULL), (int64_t)a->id, "multi", &n) && n == 0);
  CHECK_REPLY(a, "+QUEUED\r\n", "SET", "mf", "1");
  CHECK_REPLY(a, "+QUEUED\r\n", "INCR", "mf");
  const char *list = exec(b, "CLIENT", "LIST", NULL);
  CHECK(field_of(list, (int64_t)a->id, "multi", &n) && n == 2);
  CHECK(field_of(list, (int64_t)a->id, "multi-mem", &mem) && mem > 0);
  CHECK_REPLY(a, "*2\r\n+OK\r\n:2\r\n", "EXEC");
  list = exec(b, "CLIENT", "LIST", NULL);
  CHECK(field_of(list, (int64_t)a->id, "multi", &n) && n == -1);
  CHECK(field_of(list, (int64_t)a->id, "multi-mem", &mem) && mem == 0);
  exec(a, "DEL", "mf", NULL);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *a = st_client_new(st);
  st_client *b = st_client_new(st);
  CHECK(st != NULL && a != NULL && b != NULL);
  basics(a);
  watch_cases(a, b);
  accounting(a, b);
  oom(a, h);
  multi_field(a, b);
  exec(a, "FLUSHALL", NULL);
  st_client_free(a);
  st_client_free(b);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("tx_test");
}
