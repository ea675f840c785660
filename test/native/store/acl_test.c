/* acl_test.c - AUTH, requirepass and ACL against redis-server 7.0.15's replies (captured from
 * it with the same commands), the permission check in dispatch (commands, categories,
 * subcommands, key patterns with read/write permissions), SETUSER's all-or-nothing rule, the
 * rule descriptions, and SHA-256 against known digests. */
#include "acl.h"
#include "cmdtest.h"
#include "sha256.h"

#define NOAUTH "-NOAUTH Authentication required.\r\n"
#define WRONGPASS "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
#define NOPERM_KEYS \
  "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"

static void hex(const uint8_t *d, char *out) {
  for (int i = 0; i < SHA256_LEN; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void digests(void) {
  uint8_t d[SHA256_LEN];
  char h[65];
  sha256("", 0, d);
  hex(d, h);
  CHECK(strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
  sha256("pw", 2, d);
  hex(d, h);
  CHECK(strcmp(h, "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4") == 0);
  char a[200];
  memset(a, 'a', sizeof a);
  sha256(a, 100, d); /* two blocks of padding */
  hex(d, h);
  CHECK(strcmp(h, "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e") == 0);
  sha256(a, 55, d); /* the longest message with one padding block */
  hex(d, h);
  CHECK(strcmp(h, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318") == 0);
  sha256(a, 56, d);
  hex(d, h);
  CHECK(strcmp(h, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a") == 0);
}

static void auth(st_store *st, st_client *c) {
  CHECK_REPLY(c,
              "-ERR AUTH <password> called without any password configured for the default "
              "user. Are you sure your configuration is correct?\r\n",
              "AUTH", "foo");
  CHECK_REPLY(c, WRONGPASS, "AUTH", "a", "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "AUTH", "a", "b", "c");
  CHECK_REPLY(c, "+OK\r\n", "AUTH", "default", "anything"); /* nopass: any password */
  CHECK(acl_set_requirepass(st, "secret", 6) == 0);
  /* Connected while the default user was open: still authenticated, as in Redis. */
  CHECK_REPLY(c, "+PONG\r\n", "PING");
  st_client *d = st_client_new(st);
  CHECK_REPLY(d, NOAUTH, "PING");
  CHECK_REPLY(d, NOAUTH, "SET", "k", "v");
  CHECK_REPLY(d, NOAUTH, "FLUSHALL");
  CHECK_REPLY(d, NOAUTH, "CONFIG", "SET", "tier-policy", "strict");
  CHECK_REPLY(d, NOAUTH, "ACL", "WHOAMI");
  CHECK_REPLY(d, NOAUTH, "ACL", "SETUSER", "default", "nopass");
  CHECK_REPLY(d, "-ERR unknown command 'foo', with args beginning with: \r\n", "foo");
  CHECK_REPLY(d, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
  CHECK_REPLY(d, "-ERR wrong number of arguments for 'auth' command\r\n", "AUTH");
  CHECK_REPLY(d, WRONGPASS, "AUTH", "bad");
  CHECK_REPLY(d, WRONGPASS, "AUTH", "default", "bad");
  CHECK_REPLY(d, WRONGPASS, "AUTH", "nosuch", "secret");
  CHECK_REPLY(d,
              "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
              "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
              "the RESP protocol version at the same time\r\n",
              "HELLO", "2");
  CHECK_REPLY(d, WRONGPASS, "HELLO", "2", "AUTH", "default", "bad");
  CHECK_REPLY(d, NOAUTH, "GET", "k");
  CHECK(strncmp(exec(d, "HELLO", "2", "AUTH", "default", "secret", NULL), "*14\r\n", 5) == 0);
  CHECK_REPLY(d, "$-1\r\n", "GET", "k");
  st_client *e = st_client_new(st);
  CHECK_REPLY(e, "+OK\r\n", "AUTH", "secret");
  CHECK_REPLY(e, "$7\r\ndefault\r\n", "ACL", "WHOAMI");
  st_client_free(e);
  /* acl_client_reset (RESET) de-authenticates. */
  acl_client_reset(d);
  CHECK_REPLY(d, NOAUTH, "GET", "k");
  st_client_free(d);
  /* requirepass "" opens the default user again. */
  CHECK(acl_set_requirepass(st, "", 0) == 0);
  CHECK(acl_default_nopass(st));
  d = st_client_new(st);
  CHECK_REPLY(d, "+PONG\r\n", "PING");
  st_client_free(d);
}

static void setuser_and_describe(st_client *c) {
  CHECK_REPLY(c, "*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n", "ACL", "LIST");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "u", "on", ">pw", "+@all", "-@dangerous", "~foo:*",
              "%R~bar*", "resetchannels", "&ch*");
  CHECK(strstr(exec(c, "ACL", "LIST", NULL),
               "\r\nuser u on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 "
               "~foo:* %R~bar* resetchannels &ch* +@all -@dangerous\r\n") != NULL);
  const char *getuser = exec(c, "ACL", "GETUSER", "u", NULL);
  CHECK(strcmp(getuser,
               "*12\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$9\r\npasswords\r\n*1\r\n$64\r\n"
               "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4\r\n"
               "$8\r\ncommands\r\n$17\r\n+@all -@dangerous\r\n$4\r\nkeys\r\n$14\r\n~foo:* "
               "%R~bar*\r\n$8\r\nchannels\r\n$4\r\n&ch*\r\n$9\r\nselectors\r\n*0\r\n") == 0);
  CHECK_REPLY(c, "$-1\r\n", "ACL", "GETUSER", "nosuch");
  /* Rule descriptions, as redis-server 7.0.15 prints them. */
  static const struct {
    const char *ops[4];
    const char *want;
  } rules[] = {
    { { "-get" }, "-@all" },
    { { "+get", "-get" }, "-@all" },
    { { "+@all", "-get" }, "+@all -get" },
    { { "+@all", "-get", "+get" }, "+@all" },
    { { "+@all", "-get", "-get" }, "+@all -get" },
    { { "+get", "+get" }, "-@all +get" },
    { { "+@read", "-get" }, "-@all +@read -get" },
    { { "+@read", "-get", "+get" }, "-@all +@read" },
    { { "+@read", "+@read" }, "-@all +@read" },
    { { "+@all", "-@dangerous", "-@dangerous" }, "+@all -@dangerous" },
    { { "+@read", "-@read" }, "-@all" },
    { { "+get", "+@all" }, "+@all" },
    { { "+get", "-@all" }, "-@all" },
    { { "+config", "-config" }, "-@all" },
    { { "+config", "+config|get" }, "-@all +config" },
    { { "+config|get", "+config" }, "-@all +config" },
    { { "+config", "-config|get", "+config|get" }, "-@all +config" },
    { { "+config", "-config|set" }, "-@all +config -config|set" },
    { { "allcommands" }, "+@all" },
    { { "nocommands" }, "-@all" },
    { { "+@all", "-config|get", "-config" }, "+@all -config" },
    { { "+@admin", "-@dangerous" }, "-@all" },
    { { "+@write", "+@read" }, "-@all +@write +@read" },
    { { "+get", "+set", "+@string" }, "-@all +@string" },
  };
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    exec(c, "ACL", "DELUSER", "x", NULL);
    const char *argv[8] = { "ACL", "SETUSER", "x" };
    int argc = 3;
    for (int j = 0; j < 4 && rules[i].ops[j] != NULL; j++) argv[argc++] = rules[i].ops[j];
    CHECK(strcmp(exec_argv(c, argc, argv, NULL), "+OK\r\n") == 0);
    st_user *u = acl_find(c->st, "x", 1);
    char *d = acl_describe_commands(&u->root);
    CHECK(strcmp(d, rules[i].want) == 0);
    if (strcmp(d, rules[i].want) != 0) fprintf(stderr, "  rule %zu: got %s\n", i, d);
    free(d);
  }
  char *line = acl_describe_user(acl_find(c->st, "x", 1));
  CHECK(strcmp(line, "user x off resetchannels -@all +@string") == 0);
  free(line);
  /* Errors, and nothing applied when one modifier fails. */
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '+foo': Unknown command or category name in "
              "ACL\r\n",
              "ACL", "SETUSER", "x", "on", "+foo");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '+@foo': Unknown command or category name in "
              "ACL\r\n",
              "ACL", "SETUSER", "x", "+@foo");
  CHECK_REPLY(c, "-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n", "ACL", "SETUSER",
              "x", "bogus");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '+config|bogus': Unknown command or category "
              "name in ACL\r\n",
              "ACL", "SETUSER", "x", "+config|bogus");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove "
              "from the user does not exist\r\n",
              "ACL", "SETUSER", "x", "<nope");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 "
              "characters and contain only lowercase hexadecimal characters\r\n",
              "ACL", "SETUSER", "x", "#abc");
  CHECK_REPLY(c, "-ERR Usernames can't contain spaces or null characters\r\n", "ACL", "SETUSER",
              "a b");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '~foo': Adding a pattern after the * pattern "
              "(or the 'allkeys' flag) is not valid and does not have any effect. Try "
              "'resetkeys' to start with an empty list of patterns\r\n",
              "ACL", "SETUSER", "x", "allkeys", "~foo");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or "
              "the 'allchannels' flag) is not valid and does not have any effect. Try "
              "'resetchannels' to start with an empty list of channels\r\n",
              "ACL", "SETUSER", "x", "&ch", "allchannels", "&x");
  line = acl_describe_user(acl_find(c->st, "x", 1));
  CHECK(strcmp(line, "user x off resetchannels -@all +@string") == 0); /* untouched */
  free(line);
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "x", "reset");
  line = acl_describe_user(acl_find(c->st, "x", 1));
  CHECK(strcmp(line, "user x off sanitize-payload resetchannels -@all") == 0);
  free(line);
  CHECK_REPLY(c, "-ERR The 'default' user cannot be removed\r\n", "ACL", "DELUSER", "x", "default");
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "nosuch", "x");
  CHECK_REPLY(c, "*2\r\n$7\r\ndefault\r\n$1\r\nu\r\n", "ACL", "USERS");
  CHECK_REPLY(c, "-ERR Unknown category 'bogus'\r\n", "ACL", "CAT", "bogus");
  CHECK(strncmp(exec(c, "ACL", "CAT", NULL), "*21\r\n$8\r\nkeyspace\r\n", 19) == 0);
  CHECK(strstr(exec(c, "ACL", "CAT", "dangerous", NULL), "$8\r\nflushall\r\n") != NULL);
  CHECK(strstr(exec(c, "ACL", "CAT", "dangerous", NULL), "$10\r\nconfig|set\r\n") != NULL);
  CHECK(strlen(exec(c, "ACL", "GENPASS", NULL)) == 64 + 7);
  CHECK(strncmp(exec(c, "ACL", "GENPASS", "5", NULL), "$2\r\n", 4) == 0);
  CHECK_REPLY(c,
              "-ERR ACL GENPASS argument must be the number of bits for the output password, a "
              "positive number up to 4096\r\n",
              "ACL", "GENPASS", "0");
}

static void permissions(st_store *st, st_client *admin) {
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "SETUSER", "r", "on", ">p", "~r:*", "+@read", "+set",
              "%W~w*");
  st_client *r = st_client_new(st);
  CHECK_REPLY(r, "+OK\r\n", "AUTH", "r", "p");
  CHECK_REPLY(r, NOPERM_KEYS, "GET", "x");
  CHECK_REPLY(r, "$-1\r\n", "GET", "r:1");
  CHECK_REPLY(r, NOPERM_KEYS, "SET", "x", "1");
  CHECK_REPLY(r, "+OK\r\n", "SET", "r:1", "1");
  CHECK_REPLY(r, "+OK\r\n", "SET", "w1", "1"); /* %W: write only */
  CHECK_REPLY(r, NOPERM_KEYS, "GET", "w1");
  CHECK_REPLY(r, NOPERM_KEYS, "MGET", "r:1", "x");
  CHECK_REPLY(r, "*1\r\n$1\r\n1\r\n", "MGET", "r:1");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'del' command\r\n", "DEL", "r:1");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'acl|whoami' command\r\n", "ACL",
              "WHOAMI");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'config|get' command\r\n",
              "CONFIG", "GET", "x");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'flushall' command\r\n",
              "FLUSHALL");
  CHECK_REPLY(r, "+OK\r\n", "AUTH", "r", "p");                /* AUTH is never denied */
  CHECK_REPLY(r, NOPERM_KEYS, "SINTERCARD", "2", "r:a", "x"); /* movable keys */
  CHECK_REPLY(r, ":0\r\n", "SINTERCARD", "1", "r:a");
  CHECK_REPLY(r, "*0\r\n", "SORT_RO", "r:list", "LIMIT", "0", "1");
  CHECK_REPLY(r, NOPERM_KEYS, "SORT_RO", "x");
  /* +@all minus a category */
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "SETUSER", "app", "on", "nopass", "~app:*", "+@all",
              "-@dangerous");
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "DRYRUN", "app", "set", "app:1", "x");
  CHECK_REPLY(admin, "$58\r\nThis user has no permissions to run the 'flushall' command\r\n", "ACL",
              "DRYRUN", "app", "flushall");
  CHECK_REPLY(admin, "$60\r\nThis user has no permissions to run the 'config|set' command\r\n",
              "ACL", "DRYRUN", "app", "config", "set", "x", "y");
  CHECK_REPLY(admin, "$54\r\nThis user has no permissions to run the 'keys' command\r\n", "ACL",
              "DRYRUN", "app", "keys", "*");
  /* Inside MULTI a denied command is refused at queue time and EXEC aborts, as Redis. */
  st_client *m = st_client_new(st);
  CHECK_REPLY(m, "+OK\r\n", "AUTH", "app", "x");
  CHECK_REPLY(m, "+OK\r\n", "MULTI");
  CHECK_REPLY(m, "-NOPERM this user has no permissions to run the 'flushall' command\r\n",
              "FLUSHALL");
  CHECK_REPLY(m, "+QUEUED\r\n", "SET", "app:2", "v");
  CHECK_REPLY(m, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC");
  /* RESET goes back to the default user. */
  CHECK_REPLY(m, "+RESET\r\n", "RESET");
  CHECK_REPLY(m, "$7\r\ndefault\r\n", "ACL", "WHOAMI");
  st_client_free(m);
  /* DRYRUN */
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "DRYRUN", "default", "get", "x");
  CHECK_REPLY(admin, "$53\r\nThis user has no permissions to run the 'del' command\r\n", "ACL",
              "DRYRUN", "r", "del", "x");
  CHECK_REPLY(admin, "-ERR User 'nobody' not found\r\n", "ACL", "DRYRUN", "nobody", "get", "x");
  CHECK_REPLY(admin, "-ERR Command 'bogus' not found\r\n", "ACL", "DRYRUN", "r", "bogus", "x");
  /* Rules change under a connected client: it sees them at once. */
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "SETUSER", "r", "-get");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'get' command\r\n", "GET", "r:1");
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "SETUSER", "r", "+config", "-config|set");
  CHECK_REPLY(r, "-NOPERM this user has no permissions to run the 'config|set' command\r\n",
              "CONFIG", "SET", "tier-policy", "strict");
  /* A disabled user cannot authenticate; a deleted user's clients are closed. */
  CHECK_REPLY(admin, "+OK\r\n", "ACL", "SETUSER", "r", "off");
  st_client *r2 = st_client_new(st);
  CHECK_REPLY(r2, WRONGPASS, "AUTH", "r", "p");
  st_client_free(r2);
  CHECK_REPLY(admin, ":1\r\n", "ACL", "DELUSER", "r");
  CHECK(r->user == NULL && (r->flags & CL_CLOSE_ASAP));
  CHECK(st_feed(r, "*1\r\n$4\r\nPING\r\n", 14) == -1);
  st_client_free(r);
}

/* ACLSetSelector's edges, as redis-server 7.0.15 answers them: an empty rule is a no-op, "&*"
 * and "~*" are the all-flags even when set, "%RW~*" is a pattern (not allkeys), "%R" the empty
 * pattern, R or W twice and spaces are refused, allkeys is checked before parsing, "+" alone is
 * an unknown command. */
static void setuser_edges(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "t2", "%R");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "t4", "%RW~*", "~y", "&*", "&*", "");
  char *line = acl_describe_user(acl_find(c->st, "t2", 2));
  CHECK(strcmp(line, "user t2 off %R~ resetchannels -@all") == 0);
  free(line);
  line = acl_describe_user(acl_find(c->st, "t4", 2));
  CHECK(strcmp(line, "user t4 off ~* ~y &* -@all") == 0);
  free(line);
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "t5", "allkeys", "~*");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '%X~a': Adding a pattern after the * pattern (or "
              "the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to "
              "start with an empty list of patterns\r\n",
              "ACL", "SETUSER", "t5", "%X~a");
  CHECK_REPLY(c, "-ERR Error in ACL SETUSER modifier '%RR~x': Syntax error\r\n", "ACL", "SETUSER",
              "t6", "%RR~x");
  CHECK_REPLY(c, "-ERR Error in ACL SETUSER modifier '%~x': Syntax error\r\n", "ACL", "SETUSER",
              "t6", "%~x");
  CHECK_REPLY(c, "-ERR Error in ACL SETUSER modifier '~a b': Syntax error\r\n", "ACL", "SETUSER",
              "t6", "~a b");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '+': Unknown command or category name in ACL\r\n",
              "ACL", "SETUSER", "t6", "+");
  CHECK_REPLY(c, ":3\r\n", "ACL", "DELUSER", "t2", "t4", "t5", "t6");
}

/* DRYRUN over Redis's commands the store lacks, and CAT listing them (redis-server's replies). */
static void universe(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "dr", "on", "nopass", "~a*", "+@read", "+xadd");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "DRYRUN", "dr", "xadd", "a", "*", "f", "v");
  CHECK_REPLY(c, "$50\r\nThis user has no permissions to access the 'b' key\r\n", "ACL", "DRYRUN",
              "dr", "xadd", "b", "*", "f", "v");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'xadd' command\r\n", "ACL", "DRYRUN", "dr",
              "xadd", "a");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "DRYRUN", "dr", "xinfo", "stream", "a");
  CHECK_REPLY(c, "-ERR Command 'xinfo' not found\r\n", "ACL", "DRYRUN", "dr", "xinfo", "nosuch");
  CHECK_REPLY(c, "-ERR Command 'config' not found\r\n", "ACL", "DRYRUN", "dr", "config", "nosuch");
  CHECK_REPLY(c, "-ERR Command 'config|get' not found\r\n", "ACL", "DRYRUN", "dr", "config|get",
              "x");
  CHECK_REPLY(c, "$55\r\nThis user has no permissions to run the 'pfadd' command\r\n", "ACL",
              "DRYRUN", "dr", "pfadd", "a", "x");
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "dr");
  const char *geo = exec(c, "ACL", "CAT", "geo", NULL);
  CHECK(strncmp(geo, "*10\r\n", 5) == 0 && strstr(geo, "$6\r\ngeoadd\r\n") != NULL);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  digests();
  auth(st, c);
  setuser_and_describe(c);
  setuser_edges(c);
  permissions(st, c);
  universe(c);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("acl_test");
}
