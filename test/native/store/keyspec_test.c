/* keyspec_test.c - the keys of a command line (keyspec.c): every table row's key specs parse,
 * and COMMAND GETKEYS / GETKEYSANDFLAGS answer as redis-server 7.0.15 does (its replies,
 * captured command by command): specs by index and keynum, the fallbacks to Redis's getkeys
 * procedures, and the errors in Redis's order. test/store.getkeys.test.ts compares thousands
 * of generated lines with a live redis-server. */
#include "cmdtest.h"
#include "keyspec.h"

static void every_row_parses(void) {
  size_t with_keys = 0;
  for (size_t i = 0; i < st_command_count; i++) {
    const st_cmd *cmd = &st_commands[i];
    CHECK(keyspec_valid(cmd->name));
    if (!keyspec_valid(cmd->name)) fprintf(stderr, "  key specs of %s do not parse\n", cmd->name);
    with_keys += (size_t)keyspec_has_keys(cmd->name);
  }
  CHECK(with_keys > 100);
}

static void redis_replies(st_client *c) {
  /* Specs: index + range, index + keynum, in spec order. */
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "command", "getkeys", "del", "a", "b",
              "c");
  CHECK_REPLY(c, "*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n", "command", "getkeys", "mset", "k1", "v1", "k2");
  CHECK_REPLY(c,
              "*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n"
              "+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n",
              "command", "getkeysandflags", "zunionstore", "d", "2", "a", "b");
  /* numkeys beyond int: Redis keeps the low 32 bits (4294967297 -> 1). */
  CHECK_REPLY(c, "*2\r\n$1\r\nd\r\n$1\r\na\r\n", "command", "getkeys", "zunionstore", "d",
              "4294967297", "a", "b");
  /* A numkeys string2ll rejects: the procedure's atoi() reads "2x" as 2; keys, then the
   * destination, flags empty. */
  CHECK_REPLY(c, "*2\r\n*2\r\n$1\r\na\r\n*0\r\n*2\r\n$1\r\nb\r\n*0\r\n", "command",
              "getkeysandflags", "blmpop", "0", "2x", "a", "b", "left");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n", "command", "getkeys", "zinterstore",
              "d", "2x", "a", "b");
  /* SORT: the last STORE, LIMIT's two arguments skipped. */
  CHECK_REPLY(c,
              "*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n"
              "+update\r\n",
              "command", "getkeysandflags", "sort", "k", "store", "a", "limit", "0", "1", "store",
              "b");
  CHECK_REPLY(c, "*1\r\n$1\r\nk\r\n", "command", "getkeys", "sort", "k", "limit", "store", "x",
              "y");
  CHECK_REPLY(c, "*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n", "command",
              "getkeysandflags", "set", "k", "v", "get");
  CHECK_REPLY(c, "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n", "command", "getkeysandflags",
              "set", "k", "get");
  CHECK_REPLY(c, "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n", "command", "getkeysandflags",
              "bitfield", "k", "get", "u8", "0");
  CHECK_REPLY(c, "*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n", "command",
              "getkeysandflags", "bitfield", "k", "get", "u8");
  CHECK_REPLY(c, "*1\r\n$1\r\nk\r\n", "command", "getkeys", "OBJECT", "encoding", "k");
  /* Errors, in Redis's order: lookup, no keys, arity, then the arguments. */
  CHECK_REPLY(c, "-ERR Invalid command specified\r\n", "command", "getkeys", "nosuch", "k");
  CHECK_REPLY(c, "-ERR Invalid command specified\r\n", "command", "getkeys", "object", "nosuch",
              "k");
  CHECK_REPLY(c, "-ERR The command has no key arguments\r\n", "command", "getkeys", "memory",
              "stats");
  CHECK_REPLY(c, "-ERR The command has no key arguments\r\n", "command", "getkeys", "ping", "a",
              "b", "c");
  CHECK_REPLY(c, "-ERR Invalid number of arguments specified for command\r\n", "command", "getkeys",
              "get", "a", "b");
  CHECK_REPLY(c, "-ERR Invalid arguments specified for command\r\n", "command", "getkeys", "lmpop",
              "0", "a", "left");
  CHECK_REPLY(c, "-ERR Invalid arguments specified for command\r\n", "command", "getkeys", "zunion",
              "3", "a", "b");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n",
              "command", "getkeysandflags", "get");
}

/* Keyword begin_search and a range with a limit, which no command of the store has yet: through
 * the specs of Redis's XREAD and GEORADIUS (command_meta.c has every Redis command's). */
typedef struct found {
  char keys[256];
} found;

static void collect(void *ctx, int pos, uint32_t flags) {
  found *f = ctx;
  size_t n = strlen(f->keys);
  snprintf(f->keys + n, sizeof f->keys - n, "%s%d/%x", n ? " " : "", pos, flags);
}

static const char *keys_of(const char *name, const char *line) {
  static found f;
  static char buf[256];
  resp_arg argv[32];
  int argc = 0;
  snprintf(buf, sizeof buf, "%s", line);
  for (char *tok = strtok(buf, " "); tok != NULL && argc < 32; tok = strtok(NULL, " "))
    argv[argc++] = (resp_arg){ (const unsigned char *)tok, strlen(tok) };
  f.keys[0] = '\0';
  long n = keyspec_keys(name, argv, argc, collect, &f);
  CHECK(n == 0 ? f.keys[0] == '\0' : f.keys[0] != '\0');
  return f.keys;
}

#define CHECK_KEYS(name, line, expect)                                                  \
  do {                                                                                  \
    const char *got_ = keys_of(name, line);                                             \
    CHECK(strcmp(got_, expect) == 0);                                                   \
    if (strcmp(got_, expect) != 0) fprintf(stderr, "  got %s want %s\n", got_, expect); \
  } while (0)

static void keyword_specs(void) {
  const unsigned ro_access = KS_RO | KS_ACCESS, ow_update = KS_OW | KS_UPDATE;
  char want[64];
  /* redis-server: COMMAND GETKEYS XREAD COUNT 2 STREAMS a b 0 0 -> a b */
  snprintf(want, sizeof want, "4/%x 5/%x", ro_access, ro_access);
  CHECK_KEYS("xread", "xread count 2 streams a b 0 0", want);
  /* ... STREAMS a b 0 -> a (the limit halves what follows the keyword) */
  snprintf(want, sizeof want, "2/%x", ro_access);
  CHECK_KEYS("xread", "xread streams a b 0", want);
  /* ... STREAMS streams a 0 0 -> streams a (the first STREAMS is the keyword) */
  snprintf(want, sizeof want, "2/%x 3/%x", ro_access, ro_access);
  CHECK_KEYS("xread", "xread STREAMS streams a 0 0", want);
  /* GEORADIUS k 0 0 1 km STORE d STOREDIST e -> k d e; two STOREs: the first (from index 6) */
  snprintf(want, sizeof want, "1/%x 7/%x 9/%x", ro_access, ow_update, ow_update);
  CHECK_KEYS("georadius", "georadius k 0 0 1 km STORE d STOREDIST e", want);
  snprintf(want, sizeof want, "1/%x 7/%x", ro_access, ow_update);
  CHECK_KEYS("georadius", "georadius k 0 0 1 km store d store e", want);
  snprintf(want, sizeof want, "1/%x", ro_access);
  CHECK_KEYS("georadius", "georadius k 0 0 1 km asc", want);
  CHECK(keyspec_has_keys("xread") && !keyspec_has_keys("spublish") && !keyspec_has_keys("ping"));
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  every_row_parses();
  redis_replies(c);
  keyword_specs();
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("keyspec_test");
}
