/* errstats_test.c - error replies counted by code as Redis 7.0.15's afterErrorReply does (the
 * 32-byte window, the ERR fallback, rax order), through reply.c and through the store's call
 * path (failed_calls, EXEC not charged with its commands' errors, CONFIG RESETSTAT's reset). */
#include "cmdtest.h"
#include "errstats.h"
#include "reply.h"

static int row(const st_errstats *es, const char *code, uint64_t *count) {
  for (uint32_t i = 0; i < es->n; i++)
    if (es->row[i].len == strlen(code) && memcmp(es->row[i].code, code, es->row[i].len) == 0) {
      *count = es->row[i].count;
      return 1;
    }
  return 0;
}

static uint64_t count_of(const st_errstats *es, const char *code) {
  uint64_t n = 0;
  return row(es, code, &n) ? n : 0;
}

/* Redis's window: "-" + 30-byte code + " " counts the code; a 31-byte code falls back to ERR
 * (checked with redis.error_reply on redis-server 7.0.15); a leading space is the empty code. */
static void test_prefix_rules(void) {
  static st_errstats es;
  memset(&es, 0, sizeof es);
  char a30[64], b31[64];
  memset(a30, 'A', 30);
  strcpy(a30 + 30, " x");
  memset(b31, 'B', 31);
  strcpy(b31 + 31, " x");
  errstats_add(&es, a30, strlen(a30));
  errstats_add(&es, b31, strlen(b31));
  errstats_add(&es, "NOSPACE", 7);
  errstats_add(&es, " lead", 5);
  errstats_add(&es, "WRONGTYPE Operation", 19);
  errstats_add(&es, "ERR x", 5);
  CHECK(es.total == 6);
  CHECK(es.n == 4);
  CHECK(count_of(&es, "ERR") == 3);
  CHECK(count_of(&es, "WRONGTYPE") == 1);
  CHECK(count_of(&es, "") == 1);
  char code30[31];
  memcpy(code30, a30, 30);
  code30[30] = '\0';
  CHECK(count_of(&es, code30) == 1);
  /* Sorted by bytes, as INFO lists them: "", AAA..., ERR, WRONGTYPE. */
  CHECK(es.row[0].len == 0 && es.row[1].code[0] == 'A' && es.row[2].code[0] == 'E' &&
        es.row[3].code[0] == 'W');
  errstats_reset(&es);
  CHECK(es.total == 0 && es.n == 0);
}

/* The table has a bound: codes past it still count in the total. */
static void test_bound(void) {
  static st_errstats es;
  memset(&es, 0, sizeof es);
  char text[32];
  for (int i = 0; i < ERRSTATS_MAX + 10; i++) {
    int n = snprintf(text, sizeof text, "C%03d x", i);
    errstats_add(&es, text, (size_t)n);
  }
  CHECK(es.total == ERRSTATS_MAX + 10);
  CHECK(es.n == ERRSTATS_MAX);
  for (uint32_t i = 1; i < es.n; i++) CHECK(memcmp(es.row[i - 1].code, es.row[i].code, 4) < 0);
}

static uint64_t failed_of(st_store *st, const char *name) {
  const st_cmd *cmd = cmd_lookup((const unsigned char *)name, strlen(name));
  return st->cmdstats[cmd->index].failed;
}

static void test_call_path(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  exec(c, "SET", "s", "v", NULL);
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "LPUSH",
              "s", "x");
  exec(c, "INCR", "s", NULL);
  exec(c, "NOSUCH", NULL);
  CHECK(st->errstats.total == 3);
  CHECK(count_of(&st->errstats, "WRONGTYPE") == 1 && count_of(&st->errstats, "ERR") == 2);
  CHECK(failed_of(st, "lpush") == 1 && failed_of(st, "incr") == 1);
  /* EXEC replies its commands' errors but is not charged with them (Redis's prev_err_count). */
  exec(c, "MULTI", NULL);
  exec(c, "INCR", "s", NULL);
  exec(c, "SET", "n", "1", NULL);
  exec(c, "EXEC", NULL);
  CHECK(failed_of(st, "exec") == 0 && failed_of(st, "incr") == 2);
  CHECK(st->errstats.total == 4);
  /* A long error text (formatted straight into the reply chain) counts by its code too. */
  char key[700];
  memset(key, 'k', sizeof key - 1);
  key[sizeof key - 1] = '\0';
  exec(c, "GET", key, "extra", NULL);
  CHECK(st->errstats.total == 5 && count_of(&st->errstats, "ERR") == 4);
  /* After an EXECABORT, EXEC is charged (its own error). */
  exec(c, "MULTI", NULL);
  exec(c, "GET", NULL);
  exec(c, "EXEC", NULL);
  CHECK(failed_of(st, "exec") == 1 && count_of(&st->errstats, "EXECABORT") == 1);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
}

int main(void) {
  test_prefix_rules();
  test_bound();
  test_call_path();
  return check_done("errstats_test");
}
