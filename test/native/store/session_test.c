/* session_test.c - RESET, TIME, WAIT and HELLO's option handling against redis-server
 * 7.0.15's replies to the same commands. */
#include <stdlib.h>
#include <time.h>

#include "cmdtest.h"

#define HELLO2(id)                                                                               \
  "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n" \
  "$2\r\nid\r\n:" id "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"     \
  "$7\r\nmodules\r\n*0\r\n"

static void reset(st_client *c, st_client *other) {
  CHECK_REPLY(c, "+OK\r\n", "SELECT", "3");
  CHECK_REPLY(c, "+OK\r\n", "CLIENT", "SETNAME", "nm");
  CHECK_REPLY(c, "+OK\r\n", "WATCH", "a");
  CHECK_REPLY(c, "+OK\r\n", "MULTI");
  CHECK_REPLY(c, "+QUEUED\r\n", "SET", "a", "1");
  CHECK_REPLY(c, "+RESET\r\n", "RESET");
  CHECK_REPLY(c, "$-1\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-ERR EXEC without MULTI\r\n", "EXEC");
  CHECK(c->db->id == 0 && c->watching == NULL && c->mq_head == NULL);
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'reset' command\r\n", "RESET", "x");
  /* The key queued before RESET was never set; the watch is gone (a write does not doom). */
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "a");
  CHECK_REPLY(c, "+OK\r\n", "WATCH", "w");
  CHECK_REPLY(c, "+RESET\r\n", "RESET");
  CHECK_REPLY(other, "+OK\r\n", "SET", "w", "1");
  CHECK_REPLY(c, "+OK\r\n", "MULTI");
  CHECK_REPLY(c, "*0\r\n", "EXEC");
}

static void time_cmd(st_client *c) {
  const char *r = exec(c, "TIME", NULL);
  long long s = 0, us = -1;
  int n1 = 0, n2 = 0;
  CHECK(sscanf(r, "*2\r\n$%d\r\n%lld\r\n$%d\r\n%lld\r\n", &n1, &s, &n2, &us) == 4);
  CHECK(llabs(s - (long long)time(NULL)) <= 1);
  CHECK(us >= 0 && us < 1000000);
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'time' command\r\n", "TIME", "x");
}

static void wait_cmd(st_client *c) {
  CHECK_REPLY(c, ":0\r\n", "WAIT", "0", "0");
  CHECK_REPLY(c, ":0\r\n", "WAIT", "-5", "0");
  CHECK_REPLY(c, ":0\r\n", "WAIT", "0", "9223372036854775807");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "WAIT", "x", "0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "WAIT", "99999999999999999999",
              "0");
  CHECK_REPLY(c, "-ERR timeout is negative\r\n", "WAIT", "0", "-1");
  CHECK_REPLY(c, "-ERR timeout is not an integer or out of range\r\n", "WAIT", "0", "x");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'wait' command\r\n", "WAIT", "0");
  CHECK_REPLY(c, "+OK\r\n", "MULTI");
  CHECK_REPLY(c, "+QUEUED\r\n", "WAIT", "0", "0");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "EXEC");
}

static void hello(st_client *c) {
  CHECK_REPLY(c, "-NOPROTO unsupported protocol version\r\n", "HELLO", "3");
  CHECK_REPLY(c, "-NOPROTO unsupported protocol version\r\n", "HELLO", "1");
  CHECK_REPLY(c, "-NOPROTO unsupported protocol version\r\n", "HELLO", "3", "SETNAME", "x");
  CHECK_REPLY(c, "$-1\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-ERR Protocol version is not an integer or out of range\r\n", "HELLO", "abc");
  CHECK_REPLY(c, "-ERR Protocol version is not an integer or out of range\r\n", "HELLO", "AUTH",
              "default", "x");
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'AUTH'\r\n", "HELLO", "2", "AUTH");
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'AUTH'\r\n", "HELLO", "2", "AUTH", "default");
  CHECK_REPLY(c, HELLO2("1"), "HELLO", "2", "AUTH", "default", "x");
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'SETNAME'\r\n", "HELLO", "2", "AUTH", "default",
              "x", "SETNAME");
  /* Options act as they are parsed: a later syntax error keeps an earlier SETNAME. */
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'FOO'\r\n", "HELLO", "2", "SETNAME", "zz",
              "FOO");
  CHECK_REPLY(c, "$2\r\nzz\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-ERR Syntax error in HELLO option 'AUTH'\r\n", "HELLO", "2", "SETNAME", "yy",
              "AUTH", "default");
  CHECK_REPLY(c, "$2\r\nyy\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "HELLO", "2",
              "AUTH", "bob", "pass", "SETNAME", "ww");
  CHECK_REPLY(c, "$2\r\nyy\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, HELLO2("1"), "HELLO", "2", "SETNAME", "v1", "SETNAME", "v2");
  CHECK_REPLY(c, "$2\r\nv2\r\n", "CLIENT", "GETNAME");
  CHECK_REPLY(c, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
              "HELLO", "2", "SETNAME", "a b");
  CHECK_REPLY(c, HELLO2("1"), "HELLO");
  /* Inside MULTI it is queued and answers inside EXEC. */
  CHECK_REPLY(c, "+OK\r\n", "MULTI");
  CHECK_REPLY(c, "+QUEUED\r\n", "HELLO", "2");
  CHECK_REPLY(c, "*1\r\n" HELLO2("1"), "EXEC");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  st_client *other = st_client_new(st);
  CHECK(st != NULL && c != NULL && c->id == 1);
  reset(c, other);
  time_cmd(c);
  wait_cmd(c);
  hello(c);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_client_free(other);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("session_test");
}
