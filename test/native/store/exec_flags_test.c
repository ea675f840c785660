/* exec_flags_test.c - EXEC refused by the checks before it runs, as Redis 7.0.15's
 * processCommand with the union of the queued commands' flags: -OOM (maxmemory reached, a queued
 * command is deny-oom), -MISCONF (a failed BGSAVE with stop-writes-on-bgsave-error, a queued
 * command writes), and also a wrong arity or a NOPERM on EXEC itself. Each of them discards the
 * transaction and its WATCHes (execCommandAbort) and replies EXECABORT with the reason; replies
 * captured from redis-server 7.0.15 on the same sequences (test/store.exec-flags.test.ts compares
 * the two servers live). */
#include "access.h"
#include "cmdtest.h"
#include "walkcheck.h"

#define OK "+OK\r\n"
#define QUEUED "+QUEUED\r\n"
#define ABORT "-EXECABORT Transaction discarded because of: "
#define ABORT_OOM ABORT "OOM command not allowed when used memory > 'maxmemory'.\r\n"
#define ABORT_MISCONF                                                                          \
  ABORT "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "     \
        "persist to disk. Commands that may modify the data set are disabled, because this "   \
        "instance is configured to report errors during writes if RDB snapshotting fails "     \
        "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about " \
        "the RDB error.\r\n"
#define ABORT_ARITY ABORT "wrong number of arguments for 'exec' command\r\n"
#define ABORT_NOPERM ABORT "NOPERM this user has no permissions to run the 'exec' command\r\n"
#define NO_MULTI "-ERR EXEC without MULTI\r\n"

static uint64_t exec_rejected(st_store *st) {
  return st->cmdstats[cmd_lookup((const unsigned char *)"exec", 4)->index].rejected;
}

static uint64_t errstat(st_store *st, const char *code) {
  for (uint32_t i = 0; i < st->errstats.n; i++)
    if (st->errstats.row[i].len == strlen(code) &&
        memcmp(st->errstats.row[i].code, code, strlen(code)) == 0)
      return st->errstats.row[i].count;
  return 0;
}

static int64_t buffer_bytes(st_store *st) {
  return st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].bytes +
         st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_PMEM].bytes;
}

/* The client left MULTI with nothing queued and nothing watched. */
static void check_discarded(st_client *u) {
  CHECK(!(u->flags & (CL_MULTI | CL_DIRTY_CAS | CL_DIRTY_EXEC | CL_IN_EXEC)));
  CHECK(u->mq_head == NULL && u->mq_count == 0 && u->watching == NULL);
  CHECK_REPLY(u, NO_MULTI, "EXEC");
}

static void over_maxmemory(st_store *st, int on) {
  st->cfg.maxmemory = on ? 1 : 0;
  st->cfg.maxmemory_policy = MM_NOEVICTION;
}

static void oom(st_client *admin, st_client *u) {
  st_store *st = admin->st;
  exec(admin, "FLUSHALL", NULL);
  uint64_t rejected = exec_rejected(st), aborts = errstat(st, "EXECABORT");
  exec(u, "MGET", "a", "b", "c", NULL); /* its reply chunk and argv array exist before */
  int64_t before = buffer_bytes(st);
  CHECK_REPLY(u, OK, "WATCH", "w");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  over_maxmemory(st, 1);
  CHECK_REPLY(u, ABORT_OOM, "EXEC");
  CHECK(exec_rejected(st) == rejected + 1 && errstat(st, "EXECABORT") == aborts + 1);
  check_discarded(u);
  CHECK(buffer_bytes(st) == before);     /* the queue and the watch were freed */
  CHECK_REPLY(u, "$-1\r\n", "GET", "k"); /* nothing ran */
  /* The WATCH went with it: a later transaction is not doomed by w. */
  over_maxmemory(st, 0);
  CHECK_REPLY(admin, OK, "SET", "w", "1");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v2");
  CHECK_REPLY(u, "*1\r\n" OK, "EXEC");
  /* Only reads queued: EXEC runs over maxmemory. */
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  CHECK_REPLY(u, QUEUED, "PING");
  over_maxmemory(st, 1);
  CHECK_REPLY(u, "*2\r\n$2\r\nv2\r\n+PONG\r\n", "EXEC");
  /* The refusal comes before the WATCH verdict: a doomed EXEC is aborted, not a null array. */
  over_maxmemory(st, 0);
  CHECK_REPLY(u, OK, "WATCH", "w");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "INCR", "n");
  CHECK_REPLY(admin, OK, "SET", "w", "2");
  over_maxmemory(st, 1);
  CHECK_REPLY(u, ABORT_OOM, "EXEC");
  check_discarded(u);
  over_maxmemory(st, 0);
  CHECK_REPLY(u, "$-1\r\n", "GET", "n");
  CHECK(walk_matches(st));
}

static void misconf(st_client *admin, st_client *u) {
  st_store *st = admin->st;
  exec(admin, "FLUSHALL", NULL);
  uint64_t rejected = exec_rejected(st);
  CHECK_REPLY(u, OK, "WATCH", "w");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  st->cfg.misconf = 1;
  CHECK_REPLY(u, ABORT_MISCONF, "EXEC");
  CHECK(exec_rejected(st) == rejected + 1);
  check_discarded(u);
  /* Reads and PING queued: EXEC is no write and runs (PING inside it is not checked). */
  st->cfg.misconf = 0;
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  CHECK_REPLY(u, QUEUED, "PING");
  st->cfg.misconf = 1;
  CHECK_REPLY(u, "*2\r\n$-1\r\n+PONG\r\n", "EXEC");
  /* A watched key touched: still EXECABORT, not a null array. */
  st->cfg.misconf = 0;
  CHECK_REPLY(u, OK, "WATCH", "w");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(admin, OK, "SET", "w", "1");
  st->cfg.misconf = 1;
  CHECK_REPLY(u, ABORT_MISCONF, "EXEC");
  check_discarded(u);
  st->cfg.misconf = 0;
  CHECK_REPLY(u, "$-1\r\n", "GET", "k");
  CHECK(walk_matches(st));
}

/* EXEC's own refusals abort too: arity (inside MULTI or not: WATCH is dropped either way) and
 * NOPERM; the monitors see the refused EXEC. */
static void own_refusals(st_client *admin, st_client *u) {
  st_store *st = admin->st;
  exec(admin, "FLUSHALL", NULL);
  st_client *mon = st_client_new(st);
  CHECK_REPLY(mon, OK, "MONITOR");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(u, ABORT_ARITY, "EXEC", "foo");
  check_discarded(u);
  const char *seen = exec(mon, "PING", NULL); /* the monitor's pending lines */
  CHECK(strstr(seen, "\"EXEC\" \"foo\"\r\n") != NULL);
  st_client_free(mon);
  CHECK_REPLY(u, OK, "WATCH", "w");
  CHECK_REPLY(u, ABORT_ARITY, "EXEC", "foo");
  CHECK(u->watching == NULL);
  CHECK_REPLY(admin, OK, "ACL", "SETUSER", "u", "reset", "on", "nopass", "+@all", "~*");
  CHECK_REPLY(u, OK, "AUTH", "u", "x");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(admin, OK, "ACL", "SETUSER", "u", "-exec");
  CHECK_REPLY(u, ABORT_NOPERM, "EXEC");
  CHECK(!(u->flags & CL_MULTI) && u->mq_head == NULL);
  CHECK_REPLY(u, ABORT_NOPERM, "EXEC"); /* outside MULTI: the same text */
  const char *log = exec(admin, "ACL", "LOG", NULL);
  CHECK(strncmp(log, "*2\r\n", 4) == 0);
  CHECK(strstr(log, "$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n$4\r\nexec\r\n") != NULL);
  CHECK(strstr(log, "$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nexec\r\n") != NULL);
  exec(u, "RESET", NULL);
  CHECK_REPLY(admin, ":1\r\n", "ACL", "DELUSER", "u");
  CHECK_REPLY(admin, "$-1\r\n", "GET", "k");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *admin = st_client_new(st);
  st_client *u = st_client_new(st);
  CHECK(st != NULL && admin != NULL && u != NULL);
  oom(admin, u);
  misconf(admin, u);
  own_refusals(admin, u);
  exec(admin, "FLUSHALL", NULL);
  st_client_free(admin);
  st_client_free(u);
  CHECK(walk_matches(st));
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("exec_flags_test");
}
