/* acl_rules_test.c - the command-rule description (acl_rules.h) against redis-server 7.0.15's
 * (captured from it; single-command tails compared as sets, since Redis orders them by a random
 * hash seed), its invariant that the description rebuilds the same bitmap over random rule
 * sequences, first-argument rules and selectors in the permission check. */
#include "acl.h"
#include "cmdtest.h"

/* The words of a rule text: base and categories in order, then the rest sorted. */
static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void canonical(const char *in, char *out, size_t cap) {
  char buf[8192];
  snprintf(buf, sizeof buf, "%s", in);
  char *words[512];
  int n = 0;
  for (char *t = strtok(buf, " "); t != NULL && n < 512; t = strtok(NULL, " ")) words[n++] = t;
  int head = 0;
  while (head < n && words[head][1] == '@') head++;
  qsort(words + head, (size_t)(n - head), sizeof *words, cmp_str);
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (i > 0) strncat(out, " ", cap - strlen(out) - 1);
    strncat(out, words[i], cap - strlen(out) - 1);
  }
}

static void expect_rules(st_client *c, const char *rules, const char *want) {
  char args[1024];
  snprintf(args, sizeof args, "%s", rules);
  const char *argv[40] = { "ACL", "SETUSER", "t", "reset" };
  int argc = 4;
  for (char *t = strtok(args, " "); t != NULL; t = strtok(NULL, " ")) argv[argc++] = t;
  size_t lens[40];
  for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
  CHECK(strcmp(exec_argv(c, argc, argv, lens), "+OK\r\n") == 0);
  char *got = acl_describe_commands(&acl_find(c->st, "t", 1)->root);
  char a[8192], b[8192];
  canonical(got, a, sizeof a);
  canonical(want, b, sizeof b);
  if (strcmp(a, b) != 0) fprintf(stderr, "rules %s\n  got  %s\n  want %s\n", rules, a, b);
  CHECK(strcmp(a, b) == 0);
  free(got);
}

static void descriptions(st_client *c) {
  expect_rules(c, "-@all +@slow", "-@all +@slow");
  expect_rules(c, "+@all -config|get -client", "+@all -client -config|get");
  expect_rules(c, "-@all +select|0 +select|1 +get", "-@all +get +select|0 +select|1");
  expect_rules(c, "-@all +config|get +config|set +acl", "-@all +config|set +config|get +acl");
  expect_rules(c, "+@all -@dangerous +flushdb",
               "+@all -@admin -sort -restore -restore-asking -sort_ro -flushall -swapdb -keys "
               "-info -migrate");
  expect_rules(c, "-@all +@hash +@string -@write",
               "-@all +@hash +mget -hincrby +lcs +substr +getrange -hincrbyfloat +strlen +get "
               "-hsetnx -hmset -hset -hdel");
  /* A first argument of an allowed command is kept but not shown; -select drops it. */
  expect_rules(c, "+@all +select|0", "+@all");
  expect_rules(c, "-@all +select|0 -select +get", "-@all +get");
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "t");
}

/* Redis's own check (it panics otherwise): applying the description to a fresh selector gives
 * the same bitmap. */
static void roundtrip(st_client *c) {
  static const char *const pool[] = {
    "+@read",      "-@read",      "+@write",       "-@write",       "+@dangerous",  "-@dangerous",
    "+@admin",     "-@slow",      "+@slow",        "+@fast",        "-@keyspace",   "+@string",
    "-@hash",      "+@stream",    "-@geo",         "+get",          "-get",         "+config",
    "-config|get", "+client|id",  "-client",       "+xinfo|stream", "+select|0",    "+debug|object",
    "allcommands", "nocommands",  "+@pubsub",      "-@scripting",   "+@connection", "-@blocking",
    "+acl",        "-acl|whoami", "+@transaction", "+object|freq"
  };
  const size_t npool = sizeof pool / sizeof *pool;
  uint32_t seed = 12345;
  int bad = 0;
  for (int round = 0; round < 400; round++) {
    const char *argv[16] = { "ACL", "SETUSER", "r", "reset" };
    size_t lens[16];
    int argc = 4;
    for (int k = (int)(seed % 9) + 1; k > 0; k--) {
      seed = seed * 1103515245u + 12345u;
      argv[argc++] = pool[(seed >> 8) % npool];
    }
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    exec_argv(c, argc, argv, lens);
    const st_user *u = acl_find(c->st, "r", 1);
    char *d = acl_describe_commands(&u->root);
    st_user *v = acl_user_new("v", 1);
    const char *err;
    char *save = NULL;
    for (char *t = strtok_r(d, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save))
      CHECK(acl_user_set(v, t, strlen(t), &err) == 0);
    for (size_t s = 0; s < acl_slot_count(); s++) {
      int a = (int)((u->root.allowed[s / 64] >> (s % 64)) & 1);
      int b = (int)((v->root.allowed[s / 64] >> (s % 64)) & 1);
      if (a != b && strcmp(acl_slot_name((int)s), "client|setinfo") != 0) bad++;
    }
    CHECK(v->root.nfirstargs == 0 ||
          (u->root.nfirstargs >= v->root.nfirstargs)); /* only denied commands' are shown */
    acl_user_free(v);
    free(d);
  }
  CHECK(bad == 0);
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "r");
}

static void selectors(st_store *st, st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "s", "on", "nopass", "-@all", "+select|1",
              "(+get ~k*)", "(", "+set", "%W~w*", ")");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "DRYRUN", "s", "get", "k1");
  CHECK_REPLY(c, "$51\r\nThis user has no permissions to access the 'w1' key\r\n", "ACL", "DRYRUN",
              "s", "get", "w1");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "DRYRUN", "s", "set", "w1", "v");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "DRYRUN", "s", "select", "1");
  CHECK_REPLY(c, "$56\r\nThis user has no permissions to run the 'select' command\r\n", "ACL",
              "DRYRUN", "s", "select", "0");
  CHECK(strstr(exec(c, "ACL", "LIST", NULL),
               "\r\nuser s on nopass resetchannels -@all +select|1 (~k* resetchannels -@all "
               "+get) (%W~w* resetchannels -@all +set)\r\n") != NULL);
  CHECK_REPLY(c, "-ERR Unmatched parenthesis in acl selector starting at '(+get'.\r\n", "ACL",
              "SETUSER", "s", "(+get", "~x");
  CHECK_REPLY(c, "-ERR Error in ACL SETUSER modifier '(on)': Syntax error\r\n", "ACL", "SETUSER",
              "s", "(on)");
  CHECK_REPLY(c,
              "-ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a "
              "subcommand is not supported\r\n",
              "ACL", "SETUSER", "s", "+config|get|x");
  /* As that user: any selector grants; the worst reason is reported. */
  st_client *u = st_client_new(st);
  CHECK_REPLY(u, "+OK\r\n", "AUTH", "s", "x");
  CHECK_REPLY(u, "$-1\r\n", "GET", "k1");
  CHECK_REPLY(u,
              "-NOPERM this user has no permissions to access one of the keys used as "
              "arguments\r\n",
              "GET", "w1");
  CHECK_REPLY(u, "-NOPERM this user has no permissions to run the 'del' command\r\n", "DEL", "k1");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "s", "clearselectors");
  CHECK_REPLY(u, "-NOPERM this user has no permissions to run the 'get' command\r\n", "GET", "k1");
  CHECK(strstr(exec(c, "ACL", "LIST", NULL),
               "\r\nuser s on nopass resetchannels -@all +select|1\r\n") != NULL);
  st_client_free(u);
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "s");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  descriptions(c);
  roundtrip(c);
  selectors(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("acl_rules_test");
}
