/* exec_acl_test.c - EXEC checks each queued command's permissions again (replies captured from
 * redis-server 7.0.15 on the same sequences), CLIENT LIST's cmd= as Redis sets it (at lookup,
 * whatever happens next), CLIENT LIST ID, and CLIENT PAUSE holding a command only after its
 * checks (an unknown command is answered at once; an EXEC is held by its queued writes). */
#include "acl.h"
#include "cmdtest.h"
#include "walkcheck.h"

#define OK "+OK\r\n"
#define QUEUED "+QUEUED\r\n"
#define CHANGED                                                                                 \
  "-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC " \
  "call. This command is no longer allowed for the following reason: "
#define DENIED_CMD CHANGED "no permission to execute the command or subcommand\r\n"
#define DENIED_KEY CHANGED "no permission to touch the specified keys\r\n"
#define DENIED_CHANNEL CHANGED "no permission to access one of the channels used as arguments\r\n"

/* The value of `field` in the line of client id in a CLIENT LIST reply, into out. */
static int field_str(const char *list, uint64_t id, const char *field, char *out, size_t cap) {
  char head[48], key[32];
  snprintf(head, sizeof head, "id=%llu ", (unsigned long long)id);
  snprintf(key, sizeof key, " %s=", field);
  const char *line = strstr(list, head);
  if (line == NULL) return 0;
  const char *f = strstr(line, key);
  const char *eol = strchr(line, '\n');
  if (f == NULL || (eol != NULL && f > eol)) return 0;
  f += strlen(key);
  size_t n = strcspn(f, " \n");
  if (n >= cap) return 0;
  memcpy(out, f, n);
  out[n] = '\0';
  return 1;
}

/* What CLIENT LIST (run by `by`) says of c's field. */
static const char *field(st_client *by, st_client *c, const char *name) {
  static char v[128];
  if (!field_str(exec(by, "CLIENT", "LIST", NULL), c->id, name, v, sizeof v)) return "?";
  return v;
}

#define CHECK_FIELD(by, c, name, want)                                                    \
  do {                                                                                    \
    const char *got_ = field(by, c, name);                                                \
    CHECK(strcmp(got_, want) == 0);                                                       \
    if (strcmp(got_, want) != 0) fprintf(stderr, "  %s=%s, want %s\n", name, got_, want); \
  } while (0)

static int64_t buffer_bytes(st_store *st) {
  return st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].bytes +
         st->mem.cell[SM_STORE][TM_CAT_BUFFERS][TM_PMEM].bytes;
}

static void recheck(st_client *admin, st_client *u) {
  st_store *st = admin->st;
  exec(admin, "FLUSHALL", NULL);
  exec(admin, "ACL", "LOG", "RESET", NULL);
  CHECK_REPLY(admin, OK, "ACL", "SETUSER", "u", "reset", "on", "nopass", "+@all", "~*", "&*");
  CHECK_REPLY(u, OK, "AUTH", "u", "x");
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  CHECK_REPLY(u, QUEUED, "SET", "k2", "v2");
  CHECK_REPLY(u, QUEUED, "PUBLISH", "ch", "m");
  CHECK_REPLY(u, QUEUED, "OBJECT", "ENCODING", "k2");
  CHECK_REPLY(u, QUEUED, "DEL", "k");
  int64_t queued = buffer_bytes(st);
  uint64_t set_calls = st->cmdstats[cmd_lookup((const unsigned char *)"set", 3)->index].calls;
  CHECK_REPLY(admin, OK, "ACL", "SETUSER", "u", "resetkeys", "~k2", "%R~k", "resetchannels",
              "-object|encoding");
  /* Each denied command's place holds NOPERM; the rest ran (k2 was set, k was not). */
  CHECK_REPLY(u, "*6\r\n" DENIED_KEY "$-1\r\n" OK DENIED_CHANNEL DENIED_CMD DENIED_KEY, "EXEC");
  CHECK_REPLY(admin, "*2\r\n$-1\r\n$2\r\nv2\r\n", "MGET", "k", "k2");
  /* A denied command is not a call: only SET k2 counted. */
  CHECK(st->cmdstats[cmd_lookup((const unsigned char *)"set", 3)->index].calls == set_calls + 1);
  /* The queue is gone and the client out of MULTI. */
  CHECK(u->mq_head == NULL && u->mq_count == 0 && !(u->flags & (CL_MULTI | CL_IN_EXEC)));
  CHECK(buffer_bytes(st) < queued);
  CHECK(walk_matches(st));
  CHECK_FIELD(admin, u, "flags", "N");
  CHECK_FIELD(admin, u, "multi", "-1");
  CHECK_FIELD(admin, u, "cmd", "exec");
  /* ACL LOG: four entries in the multi context, newest first (the DEL of k counted twice:
   * same reason, object, context and user as the SET's). */
  const char *log = exec(admin, "ACL", "LOG", NULL);
  CHECK(strncmp(log, "*3\r\n", 4) == 0);
  CHECK(strstr(log,
               "$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n"
               "$6\r\nobject\r\n$1\r\nk\r\n") != NULL);
  CHECK(strstr(log,
               "$6\r\nreason\r\n$7\r\ncommand\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n"
               "$15\r\nobject|encoding\r\n") != NULL);
  CHECK(strstr(log,
               "$6\r\nreason\r\n$7\r\nchannel\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n"
               "$2\r\nch\r\n") != NULL);
  /* The client-info of an entry is the client inside EXEC: still in MULTI, running exec. */
  CHECK(strstr(log, "flags=x ") != NULL && strstr(log, " multi=6 ") != NULL);
  CHECK(strstr(log, " cmd=exec ") != NULL);
  exec(u, "RESET", NULL);
}

/* Inside EXEC the client shows itself in MULTI, with its queue's count, running exec. */
static void inside_exec(st_client *c) {
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, QUEUED, "PING");
  CHECK_REPLY(c, QUEUED, "CLIENT", "INFO");
  const char *r = exec(c, "EXEC", NULL);
  CHECK(strncmp(r, "*2\r\n+PONG\r\n$", 12) == 0);
  CHECK(strstr(r, " flags=x ") != NULL && strstr(r, " multi=2 ") != NULL);
  CHECK(strstr(r, " cmd=exec ") != NULL);
}

/* cmd= is the row the lookup found, refused or not; NULL when unknown. */
static void lastcmd(st_client *admin, st_client *u) {
  st_client *fresh = st_client_new(admin->st);
  CHECK_FIELD(admin, fresh, "cmd", "NULL");
  st_client_free(fresh);
  exec(u, "PING", NULL);
  CHECK_FIELD(admin, u, "cmd", "ping");
  exec(u, "nosuchcommand", "x", NULL);
  CHECK_FIELD(admin, u, "cmd", "NULL");
  exec(u, "GET", NULL);
  CHECK_FIELD(admin, u, "cmd", "get");
  exec(u, "CONFIG", "NOSUCH", NULL);
  CHECK_FIELD(admin, u, "cmd", "NULL");
  exec(u, "OBJECT", NULL);
  CHECK_FIELD(admin, u, "cmd", "object");
  exec(u, "OBJECT", "ENCODING", NULL);
  CHECK_FIELD(admin, u, "cmd", "object|encoding");
  CHECK_REPLY(admin, OK, "ACL", "SETUSER", "u2", "reset", "on", "nopass", "+@all", "-flushall",
              "~k*");
  CHECK_REPLY(u, OK, "AUTH", "u2", "x");
  exec(u, "FLUSHALL", NULL);
  CHECK_FIELD(admin, u, "cmd", "flushall");
  exec(u, "GET", "other", NULL);
  CHECK_FIELD(admin, u, "cmd", "get");
  exec(u, "MULTI", NULL);
  CHECK_REPLY(u, "-ERR Command not allowed inside a transaction\r\n", "SAVE");
  CHECK_FIELD(admin, u, "cmd", "save");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_FIELD(admin, u, "cmd", "set");
  CHECK_FIELD(admin, u, "flags", "x");
  exec(u, "EXEC", NULL);
  CHECK_FIELD(admin, u, "cmd", "exec");
  exec(u, "RESET", NULL);
  CHECK_REPLY(admin, ":1\r\n", "ACL", "DELUSER", "u2");
}

static void list_by_id(st_client *admin, st_client *u) {
  char a[32], b[32];
  snprintf(a, sizeof a, "%llu", (unsigned long long)admin->id);
  snprintf(b, sizeof b, "%llu", (unsigned long long)u->id);
  CHECK_REPLY(admin, "-ERR syntax error\r\n", "CLIENT", "LIST", "ID");
  CHECK_REPLY(admin, "-ERR Invalid client ID\r\n", "CLIENT", "LIST", "ID", b, "x");
  CHECK_REPLY(admin, "$0\r\n\r\n", "CLIENT", "LIST", "ID", "999999", "-1");
  const char *r = exec(admin, "CLIENT", "LIST", "ID", b, "999999", a, b, NULL);
  char head_a[40], head_b[40];
  snprintf(head_a, sizeof head_a, "id=%s ", a);
  snprintf(head_b, sizeof head_b, "id=%s ", b);
  /* u, then admin, then u again: the order asked, repeats included. */
  const char *first = strstr(r, head_b), *second = strstr(r, head_a);
  CHECK(first != NULL && second != NULL && first < second);
  CHECK(second != NULL && strstr(second, head_b) != NULL);
  int lines = 0;
  for (const char *p = r; (p = strchr(p, '\n')) != NULL; p++) lines++;
  CHECK(lines == 5); /* the bulk's header, three client lines, the bulk's end */
}

/* CLIENT PAUSE: the checks first (an unknown or wrong-arity command is answered at once), then
 * the hold; a held command shows in cmd=; an EXEC is held under WRITE by its queued writes. */
static void pause_order(st_client *admin, st_client *u) {
  CHECK_REPLY(admin, OK, "CLIENT", "PAUSE", "100000", "ALL");
  CHECK_REPLY(u, "-ERR unknown command 'nosuchcommand', with args beginning with: \r\n",
              "nosuchcommand");
  CHECK_REPLY(u, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
  CHECK_REPLY(u, "", "GET", "k"); /* held */
  CHECK(u->flags & CL_BLOCKED);
  CHECK_REPLY(admin, "", "CLIENT", "UNPAUSE"); /* held too: the pause ends by its timer */
  admin->st->now_ms += 100001;
  st_timers(admin->st);
  char out[256];
  size_t n = reply_take(&u->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "$-1\r\n") == 0);
  n = reply_take(&admin->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, OK) == 0);
  /* A held command is what CLIENT LIST shows it running. */
  CHECK_REPLY(admin, OK, "CLIENT", "PAUSE", "100000", "WRITE");
  CHECK_REPLY(u, "", "SET", "k", "v0");
  CHECK_FIELD(admin, u, "cmd", "set");
  CHECK_REPLY(admin, OK, "CLIENT", "UNPAUSE");
  n = reply_take(&u->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, OK) == 0);
  /* WRITE: an EXEC whose queue writes waits, one that only reads does not. */
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "SET", "k", "v");
  CHECK_REPLY(admin, OK, "CLIENT", "PAUSE", "100000", "WRITE");
  CHECK_REPLY(u, "", "EXEC");
  CHECK_REPLY(admin, OK, "CLIENT", "UNPAUSE");
  n = reply_take(&u->out, out, sizeof out - 1);
  out[n] = '\0';
  CHECK(strcmp(out, "*1\r\n+OK\r\n") == 0);
  CHECK_REPLY(u, OK, "MULTI");
  CHECK_REPLY(u, QUEUED, "GET", "k");
  CHECK_REPLY(admin, OK, "CLIENT", "PAUSE", "100000", "WRITE");
  CHECK_REPLY(u, "*1\r\n$1\r\nv\r\n", "EXEC");
  /* CLIENT REPLY SKIP before a held command still drops that command's reply. */
  CHECK_REPLY(u, "", "CLIENT", "REPLY", "SKIP");
  CHECK_REPLY(u, "", "SET", "k", "w");
  CHECK_REPLY(admin, OK, "CLIENT", "UNPAUSE");
  n = reply_take(&u->out, out, sizeof out - 1);
  CHECK(n == 0);
  CHECK_REPLY(u, "$1\r\nw\r\n", "GET", "k");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *admin = st_client_new(st);
  st_client *u = st_client_new(st);
  CHECK(st != NULL && admin != NULL && u != NULL);
  recheck(admin, u);
  inside_exec(u);
  lastcmd(admin, u);
  list_by_id(admin, u);
  pause_order(admin, u);
  exec(admin, "FLUSHALL", NULL);
  st_client_free(admin);
  st_client_free(u);
  CHECK(walk_matches(st));
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("exec_acl_test");
}
