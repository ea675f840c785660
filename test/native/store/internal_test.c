/* internal_test.c - internal failures (internal.h): the injected fault ends the command with the
 * INTERNAL error and nothing else, reports wait in a bounded ring (the rest still counted), and
 * the client goes on. */
#include "cmdtest.h"
#include "internal.h"

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_config cfg;
  st_config_defaults(&cfg);
  cfg.slowlog_log_slower_than = -1;
  st_store *st = st_create(h, &cfg);
  st_client *c = st_client_new(st);
  /* Off (the default): the argument is an ordinary key. */
  CHECK_REPLY(c, "$-1\r\n", "GET", ST_TEST_FAULT_ARG);
  CHECK(st->internal_errors == 0 && st->internal == NULL);
  st->cfg.test_faults = 1;
  CHECK_REPLY(c, "-INTERNAL internal error in 'set' (see the server log)\r\n", "SET", "k",
              ST_TEST_FAULT_ARG);
  CHECK_REPLY(c, "$-1\r\n", "GET", "k"); /* the command did not run */
  CHECK_REPLY(c, "+PONG\r\n", "PING");
  CHECK(st->internal_errors == 1);
  st_internal_report r;
  CHECK(st_internal_take(st, &r) == 1);
  CHECK(strncmp(r.where, "server.c:", 9) == 0 && strstr(r.where, "(set)") != NULL);
  CHECK(strstr(r.what, "injected") != NULL);
  CHECK(strstr(r.stack, "    at ") != NULL);
  CHECK(st_internal_take(st, &r) == 0);
  /* Counted as an INTERNAL error reply and a failed call. */
  uint64_t internal = 0;
  for (uint32_t i = 0; i < st->errstats.n; i++)
    if (st->errstats.row[i].len == 8 && memcmp(st->errstats.row[i].code, "INTERNAL", 8) == 0)
      internal = st->errstats.row[i].count;
  CHECK(internal == 1);
  const st_cmd *set = cmd_lookup((const unsigned char *)"set", 3);
  CHECK(st->cmdstats[set->index].failed == 1);
  /* More failures than the ring holds: all counted, the first ST_INTERNAL_RING reported. */
  for (int i = 0; i < ST_INTERNAL_RING + 5; i++) exec(c, "GET", ST_TEST_FAULT_ARG, NULL);
  CHECK(st->internal_errors == 1 + ST_INTERNAL_RING + 5);
  int taken = 0;
  while (st_internal_take(st, &r)) taken++;
  CHECK(taken == ST_INTERNAL_RING);
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "v");
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("internal_test");
}
