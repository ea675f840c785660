/* string_test.c - the string commands against redis-server 7.0.15's own replies (the byte
 * strings below were captured from it, command by command, on an empty server), plus what a
 * reply cannot show: encodings, block reuse and tiers, binary values, lazy expiry and OOM. */
#include <time.h>

#include "cmdtest.h"

static st_entry *find(st_client *c, const char *key) { return db_find(c, c->db, key, strlen(key)); }

static const char *enc(st_client *c, const char *key) {
  st_entry *e = find(c, key);
  return e ? obj_encoding_name(e) : "none";
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

/* Live bytes on a tier, all categories (the core's own accounting). */
static double tier_live(tm_heap *h, tm_tier t) {
  double s[TM_S_LEN], sum = 0;
  tm_stats_snapshot(h, s);
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) sum += s[TM_S_CELL(t, cat)];
  return sum;
}

static void redis_cases(st_client *c) {
  /* The string cases of test/store.commands.test.ts */
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "hello");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'get' command\r\n", "get");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'get' command\r\n", "get", "s", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "s");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "EX", "0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "EX", "abc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "NX", "XX");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "foo");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "PX", "-1");
  CHECK_REPLY(c, "-ERR offset is out of range\r\n", "setrange", "s", "-1", "x");
  CHECK_REPLY(c, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "setrange",
              "s", "536870912", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "getrange", "s", "a", "b");
  CHECK_REPLY(c, "$3\r\nell\r\n", "getrange", "s", "1", "3");
  CHECK_REPLY(c, "$3\r\nllo\r\n", "getrange", "s", "-3", "-1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "s", "5", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "nokey", "0", "1");
  CHECK_REPLY(c, ":13\r\n", "setrange", "s", "10", "xyz");
  CHECK_REPLY(c,
              "$13\r\nhello\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "xyz\r\n",
              "get", "s");
  CHECK_REPLY(c, ":5\r\n", "setrange", "newk", "3", "ab");
  CHECK_REPLY(c, ":5\r\n", "strlen", "newk");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "s", "1");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "9223372036854775807");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "incr", "n");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "decrby", "n", "-1");
  CHECK_REPLY(c, "-ERR decrement would overflow\r\n", "decrby", "n", "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "set", "m", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "decr", "m");
  CHECK_REPLY(c, ":-9223372036854775808\r\n", "incrby", "n2", "-9223372036854775808");
  CHECK_REPLY(c, ":-9223372036854775807\r\n", "incr", "n2");
  CHECK_REPLY(c, ":3\r\n", "append", "ap", "abc");
  CHECK_REPLY(c, ":6\r\n", "append", "ap", "def");
  CHECK_REPLY(c, "$6\r\nabcdef\r\n", "get", "ap");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'mset' command\r\n", "mset", "a");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "1", "b", "2");
  CHECK_REPLY(c, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n", "mget", "a", "b", "nokey");
  CHECK_REPLY(c, ":0\r\n", "setnx", "a", "1");
  CHECK_REPLY(c, ":1\r\n", "setnx", "x1", "2");
  CHECK_REPLY(c, "$1\r\n1\r\n", "getset", "a", "3");
  CHECK_REPLY(c, "$-1\r\n", "getset", "zz", "1");
  CHECK_REPLY(c, "$-1\r\n", "set", "k", "v", "get");
  CHECK_REPLY(c, "$1\r\nv\r\n", "set", "k", "w", "get");
  CHECK_REPLY(c, "$1\r\nw\r\n", "set", "k", "x", "nx", "get");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "y", "xx");
  CHECK_REPLY(c, "$1\r\ny\r\n", "get", "k");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "z", "keepttl");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "ex", "10", "px", "10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "keepttl", "ex", "10");
  CHECK_REPLY(c, "$1\r\nz\r\n", "set", "k", "v", "get", "nx");
  /* SET option combinations (repeats are fine, conflicts are not) */
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "v", "PX", "0", "PX", "1000000");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "EX", "10", "PX", "100");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "EX", "10", "KEEPTTL");
  CHECK_REPLY(c, "$1\r\nv\r\n", "set", "k", "v", "NX", "GET");
  CHECK_REPLY(c, "$-1\r\n", "set", "k", "v", "NX", "NX");
  CHECK_REPLY(c, "$1\r\nv\r\n", "set", "k", "v", "XX", "XX", "GET", "GET");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "v", "EX", "10", "EX", "20");
  CHECK_REPLY(c, ":20\r\n", "ttl", "k");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "EXAT", "10", "PXAT", "10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "EX");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "v", "KEEPTTL", "KEEPTTL");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "exat",
              "99999999999999999");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "ex",
              "9223372036854775");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "px",
              "9223372036854775807");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "v", "pxat", "9223372036854775807");
  CHECK_REPLY(c, ":9223372036854775807\r\n", "pexpiretime", "k");
  CHECK_REPLY(c, "+OK\r\n", "set", "k", "v", "exat", "9223372036854775");
  CHECK_REPLY(c, ":9223372036854775\r\n", "expiretime", "k");
  CHECK_REPLY(c, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "exat",
              "9223372036854776");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex", "1.5");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex", " 10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "set", "k", "v", "XX", "NX");
  CHECK_REPLY(c, "$-1\r\n", "set", "nokey2", "v", "XX", "GET");
  CHECK_REPLY(c, ":0\r\n", "exists", "nokey2");
  CHECK_REPLY(c, "$-1\r\n", "set", "k", "v", "px", "100000", "nx");
  CHECK_REPLY(c, "+OK\r\n", "set", "k2", "v", "nx", "px", "100000");
  CHECK_REPLY(c, ":100\r\n", "ttl", "k2");
  /* SETEX PSETEX */
  CHECK_REPLY(c, "-ERR invalid expire time in 'setex' command\r\n", "setex", "k", "0", "v");
  CHECK_REPLY(c, "-ERR invalid expire time in 'psetex' command\r\n", "psetex", "k", "-1", "v");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "setex", "k", "abc", "v");
  CHECK_REPLY(c, "+OK\r\n", "setex", "k", "100", "v");
  CHECK_REPLY(c, ":100\r\n", "ttl", "k");
  CHECK_REPLY(c, "+OK\r\n", "psetex", "k", "100000", "w");
  CHECK_REPLY(c, ":100\r\n", "ttl", "k");
  CHECK_REPLY(c, "$1\r\nw\r\n", "get", "k");
  CHECK_REPLY(c, "-ERR invalid expire time in 'setex' command\r\n", "setex", "k",
              "9223372036854775807", "v");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'setex' command\r\n", "setex", "k");
  /* GETEX */
  CHECK_REPLY(c, "$-1\r\n", "getex", "nokey", "ex", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "g", "v");
  CHECK_REPLY(c, "-ERR invalid expire time in 'getex' command\r\n", "getex", "g", "ex", "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "keepttl");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "persist", "ex", "10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "ex", "10", "persist");
  CHECK_REPLY(c, "$1\r\nv\r\n", "getex", "g", "ex", "10", "ex", "20");
  CHECK_REPLY(c, ":20\r\n", "ttl", "g");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "px", "100", "ex", "10");
  CHECK_REPLY(c, "$1\r\nv\r\n", "getex", "g", "persist");
  CHECK_REPLY(c, ":-1\r\n", "ttl", "g");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "nx");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "getex", "g", "ex");
  CHECK_REPLY(c, "$1\r\nv\r\n", "getex", "g");
  CHECK_REPLY(c, "$1\r\nv\r\n", "getex", "g", "exat", "1");
  CHECK_REPLY(c, ":0\r\n", "exists", "g");
  CHECK_REPLY(c, "$-1\r\n", "getex", "g", "persist", "persist");
  /* GETDEL */
  CHECK_REPLY(c, "+OK\r\n", "set", "gd", "val");
  CHECK_REPLY(c, "$3\r\nval\r\n", "getdel", "gd");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "gd");
  CHECK_REPLY(c, ":0\r\n", "exists", "gd");
  /* MSETNX */
  CHECK_REPLY(c, ":0\r\n", "msetnx", "a", "1", "new1", "2");
  CHECK_REPLY(c, ":0\r\n", "exists", "new1");
  CHECK_REPLY(c, ":1\r\n", "msetnx", "new1", "1", "new2", "2", "new1", "3");
  CHECK_REPLY(c, "*2\r\n$1\r\n3\r\n$1\r\n2\r\n", "mget", "new1", "new2");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'msetnx' command\r\n", "msetnx", "x");
  CHECK_REPLY(c, "+OK\r\n", "mset", "d1", "1", "d1", "2", "d1", "3");
  CHECK_REPLY(c, "$1\r\n3\r\n", "get", "d1");
  /* APPEND / STRLEN / GETRANGE on ints */
  CHECK_REPLY(c, "+OK\r\n", "set", "i", "12345");
  CHECK_REPLY(c, ":5\r\n", "strlen", "i");
  CHECK_REPLY(c, "$2\r\n23\r\n", "getrange", "i", "1", "2");
  CHECK_REPLY(c, "$5\r\n12345\r\n", "getrange", "i", "-100", "100");
  CHECK_REPLY(c, "$5\r\n12345\r\n", "getrange", "i", "0", "-1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "i", "-1", "-5");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "i", "9223372036854775807", "-9223372036854775808");
  CHECK_REPLY(c, "$5\r\n12345\r\n", "getrange", "i", "-9223372036854775808", "9223372036854775807");
  CHECK_REPLY(c, "$2\r\n12\r\n", "substr", "i", "0", "1");
  CHECK_REPLY(c, ":6\r\n", "append", "i", "6");
  CHECK_REPLY(c, "$6\r\n123456\r\n", "get", "i");
  CHECK_REPLY(c, ":123457\r\n", "incr", "i");
  CHECK_REPLY(c, ":6\r\n", "append", "i", "");
  CHECK_REPLY(c, ":0\r\n", "strlen", "nokey");
  CHECK_REPLY(c, "+OK\r\n", "set", "e", "");
  CHECK_REPLY(c, ":0\r\n", "strlen", "e");
  CHECK_REPLY(c, "$0\r\n\r\n", "get", "e");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "e", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "append", "e", "");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "e");
  CHECK_REPLY(c, ":0\r\n", "setrange", "e", "0", "");
  CHECK_REPLY(c, ":0\r\n", "setrange", "nokey3", "0", "");
  CHECK_REPLY(c, ":0\r\n", "exists", "nokey3");
  CHECK_REPLY(c, ":0\r\n", "setrange", "nokey3", "5", "");
  CHECK_REPLY(c, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "setrange",
              "i", "9223372036854775807", "x");
  CHECK_REPLY(c, ":6\r\n", "setrange", "i", "1", "Z");
  CHECK_REPLY(c, "$6\r\n1Z3457\r\n", "get", "i");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "setrange", "i", "abc", "Z");
  /* INCR family edges */
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "9223372036854775806");
  CHECK_REPLY(c, ":9223372036854775807\r\n", "incr", "n");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "-9223372036854775807");
  CHECK_REPLY(c, ":-9223372036854775808\r\n", "decr", "n");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "decr", "n");
  CHECK_REPLY(c, ":-1\r\n", "incrby", "n", "9223372036854775807");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "n",
              "9223372036854775808");
  CHECK_REPLY(c, ":-2\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", " 1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "1 ");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "01");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "+1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "-0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "0");
  CHECK_REPLY(c, ":1\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "99999999999999999999");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "12345678901234567890123");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incr", "n");
  CHECK_REPLY(c, ":1\r\n", "incr", "newcounter");
  CHECK_REPLY(c, ":-1\r\n", "decr", "newcounter2");
  CHECK_REPLY(c, ":5\r\n", "decrby", "newcounter3", "-5");
  /* INCRBYFLOAT */
  CHECK_REPLY(c, "+OK\r\n", "set", "f", "10.50");
  CHECK_REPLY(c, "$4\r\n10.6\r\n", "incrbyfloat", "f", "0.1");
  CHECK_REPLY(c, "$3\r\n5.6\r\n", "incrbyfloat", "f", "-5");
  CHECK_REPLY(c, "$22\r\n5005.60000000000000009\r\n", "incrbyfloat", "f", "5.0e3");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "abc");
  CHECK_REPLY(c, "-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat", "f", "inf");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "nan");
  CHECK_REPLY(c,
              "$308\r\n9999999999999999999668587965584564566056009984741556720779704799492173486883"
              "806187210012692188853932044674722505401322315213474959396058359742081443019641876795"
              "910001960319077866310960450710666793915339578893891456054356306126836490161863021708"
              "6589253444881623791300855757318142424510452728255046343928578048\r\n",
              "incrbyfloat", "f", "1e308");
  CHECK_REPLY(c,
              "$309\r\n1999999999999999999933717593116912913211201996948311344155940959898434697376"
              "761237442002538437770786408934944501080264463042694991879211671948416288603928375359"
              "182000392063815573262192090142133358783067915778778291210871261225367298032372604341"
              "73178506889763247582601711514636284849020905456510092687857156096\r\n",
              "incrbyfloat", "f", "1e308");
  CHECK_REPLY(c, "$1\r\n3\r\n", "incrbyfloat", "newf", "3");
  CHECK_REPLY(c, "$1\r\n3\r\n", "incrbyfloat", "newf", "0.0");
  CHECK_REPLY(c, "$1\r\n0\r\n", "incrbyfloat", "newf2", "-0");
  CHECK_REPLY(c, "$19\r\n1.23456789012345678\r\n", "incrbyfloat", "newf3", "1.23456789012345678");
  CHECK_REPLY(c, "+OK\r\n", "set", "f", "5");
  CHECK_REPLY(c, "$3\r\n6.5\r\n", "incrbyfloat", "f", "1.5");
  CHECK_REPLY(c, "+OK\r\n", "set", "f", "1e2");
  CHECK_REPLY(c, "$3\r\n101\r\n", "incrbyfloat", "f", "1");
  CHECK_REPLY(c, "+OK\r\n", "set", "f", "abc");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "1");
  CHECK_REPLY(c, "+OK\r\n", "set", "f", " 1");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "1");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "f2", " 1");
  CHECK_REPLY(c, "$2\r\n16\r\n", "incrbyfloat", "f2", "0x10");
  CHECK_REPLY(c, "$8\r\n16.00001\r\n", "incrbyfloat", "f2", "1.0e-5");
  CHECK_REPLY(c, "$1\r\n3\r\n", "incrbyfloat", "f3", "3.0000000000000000001");
  CHECK_REPLY(c, "$3\r\n1.7\r\n", "incrbyfloat", "f4", "17e-1");
  /* LCS */
  CHECK_REPLY(c, "+OK\r\n", "set", "l1", "ohmytext");
  CHECK_REPLY(c, "+OK\r\n", "set", "l2", "mynewtext");
  CHECK_REPLY(c, "$6\r\nmytext\r\n", "lcs", "l1", "l2");
  CHECK_REPLY(c, ":6\r\n", "lcs", "l1", "l2", "len");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:"
              "2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
              "lcs", "l1", "l2", "idx");
  CHECK_REPLY(
      c,
      "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
      "lcs", "l1", "l2", "idx", "minmatchlen", "4");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$"
              "3\r\nlen\r\n:6\r\n",
              "lcs", "l1", "l2", "idx", "minmatchlen", "4", "withmatchlen");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*"
              "2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
              "lcs", "l1", "l2", "idx", "withmatchlen");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:"
              "2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
              "lcs", "l1", "l2", "idx", "minmatchlen", "-4");
  CHECK_REPLY(c, "-ERR If you want both the length and indexes, please just use IDX.\r\n", "lcs",
              "l1", "l2", "len", "idx");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lcs", "l1", "l2", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lcs", "l1", "l2", "minmatchlen");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lcs", "l1", "l2",
              "minmatchlen", "x");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "l1", "nokey");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "nokey", "nokey2",
              "idx");
  CHECK_REPLY(c, ":8\r\n", "lcs", "l1", "l1", "len");
  CHECK_REPLY(c, "+OK\r\n", "set", "li", "12345");
  CHECK_REPLY(c, "+OK\r\n", "set", "li2", "2x4");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*"
              "2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
              "lcs", "li", "li2", "idx", "withmatchlen");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lcs' command\r\n", "lcs", "l1");
  /* MGET, GET with other keys */
  CHECK_REPLY(c, "*1\r\n$-1\r\n", "mget", "nokey");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'mget' command\r\n", "mget");
}

/* 600 random string commands over four keys (seeded), replies captured from redis-server:
 * the encodings' transitions (int, embstr, raw, printed floats) interleaved. */
static void random_sequence(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  CHECK_REPLY(c, "$4\r\n1000\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, ":50\r\n", "append", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, ":0\r\n", "setrange", "c", "1", "");
  CHECK_REPLY(c, ":50\r\n", "strlen", "a");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "44", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "a", "n");
  CHECK_REPLY(c, ":22\r\n", "setrange", "b", "2", "-9223372036854775808");
  CHECK_REPLY(c, ":0\r\n", "append", "n", "");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "a", "b", "idx");
  CHECK_REPLY(c,
              "*3\r\n$22\r\n10-9223372036854775808\r\n$"
              "50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$-1\r\n",
              "mget", "b", "a", "c");
  CHECK_REPLY(c, "$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", "get", "a");
  CHECK_REPLY(c, ":0\r\n", "strlen", "c");
  CHECK_REPLY(c, ":50\r\n", "setrange", "a", "1", "");
  CHECK_REPLY(c, ":0\r\n", "strlen", "n");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$0\r\n\r\n$0\r\n\r\n", "mget", "c", "n", "n");
  CHECK_REPLY(c, ":0\r\n", "del", "c");
  CHECK_REPLY(c, "$22\r\n10-9223372036854775808\r\n", "lcs", "b", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getset", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "n", "10");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "a", "60", "44");
  CHECK_REPLY(c, "$-1\r\n", "get", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "n",
              "9223372036854775807");
  CHECK_REPLY(c, ":53\r\n", "append", "a", "3.5");
  CHECK_REPLY(c, "$2\r\n10\r\n", "incrbyfloat", "c", "10");
  CHECK_REPLY(c, "$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getdel", "n");
  CHECK_REPLY(c, "$41\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", "getrange", "a", "5",
              "45");
  CHECK_REPLY(c, "$1\r\na\r\n", "getrange", "a", "-5", "-5");
  CHECK_REPLY(c, "$-1\r\n", "getset", "n", "42");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "", "keepttl");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, ":2\r\n", "setrange", "n", "0", "-1");
  CHECK_REPLY(c, "$-1\r\n", "getset", "b", " 5");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:0\r\n:1\r\n:2\r\n$"
              "3\r\nlen\r\n:2\r\n",
              "lcs", "n", "n", "idx", "withmatchlen");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "45", "44");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "n",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "007", "n", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b", "-1");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$0\r\n\r\n", "get", "c");
  CHECK_REPLY(c, "$53\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3.5\r\n", "getset", "a",
              "1");
  CHECK_REPLY(
      c, "*3\r\n$0\r\n\r\n$0\r\n\r\n$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
      "mget", "c", "c", "b");
  CHECK_REPLY(c, ":95\r\n", "append", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "x", "keepttl");
  CHECK_REPLY(c, ":3\r\n", "setrange", "n", "2", "x");
  CHECK_REPLY(c, ":51\r\n", "append", "b", "0");
  CHECK_REPLY(c, ":3\r\n", "strlen", "n");
  CHECK_REPLY(c, "$1\r\n1\r\n", "get", "a");
  CHECK_REPLY(c, "$3\r\n1.5\r\n", "incrbyfloat", "a", "0.5");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "abcabc");
  CHECK_REPLY(c, ":0\r\n", "setrange", "c", "1", "");
  CHECK_REPLY(c, "$1\r\nc\r\n", "getrange", "b", "-1", "44");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c", "100");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, ":50\r\n", "setrange", "a", "45", "hello");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "n");
  CHECK_REPLY(c,
              "$50\r\n1.5\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "hello\r\n",
              "getset", "a", "1");
  CHECK_REPLY(c, ":7\r\n", "setrange", "c", "5", "42");
  CHECK_REPLY(c, "$6\r\nabcabc\r\n", "getdel", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "abcabc");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "-9223372036854775808");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "60", "10");
  CHECK_REPLY(c, "$20\r\n-9223372036854775808\r\n", "get", "c");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "c", "b", "idx",
              "minmatchlen", "2");
  CHECK_REPLY(c, ":0\r\n", "strlen", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "-1", "keepttl");
  CHECK_REPLY(c, ":1\r\n", "del", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "hello");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", " 5", "c", "hello");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "$1\r\n5\r\n", "getrange", "b", "1", "3");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getdel", "b");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, ":0\r\n", "del", "a");
  CHECK_REPLY(c, ":102\r\n", "setrange", "n", "100", " 5");
  CHECK_REPLY(c, ":102\r\n", "strlen", "n");
  CHECK_REPLY(c,
              "$102\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              " 5\r\n",
              "get", "n");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "incrbyfloat", "a", "1e3");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "get", "b");
  CHECK_REPLY(c, ":999\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c, ":1003\r\n", "decrby", "b", "-3");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, ":1000\r\n", "incrby", "a", "1");
  CHECK_REPLY(c, ":94\r\n", "setrange", "b", "44",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, ":94\r\n", "strlen", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "-1");
  CHECK_REPLY(c,
              "$94\r\n\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
              "getset", "b", "3.5");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "c", "x");
  CHECK_REPLY(c, "*3\r\n$3\r\n3.5\r\n$4\r\n1000\r\n$2\r\n-1\r\n", "mget", "b", "a", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "incrby", "a",
              "9223372036854775807");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "get", "a");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b", "-1");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "getdel", "a");
  CHECK_REPLY(c, ":22\r\n", "append", "c", "-9223372036854775808");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "a");
  CHECK_REPLY(c, ":5\r\n", "append", "b", "-1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "3.5", "a", "abcabc");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "a", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "abcabc", "n", "abcabc");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:18\r\n:18\r\n*2\r\n:2\r\n:2\r\n:1\r\n*"
              "3\r\n*2\r\n:11\r\n:11\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
              "lcs", "c", "b", "idx", "withmatchlen");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "1");
  CHECK_REPLY(c, "$-1\r\n", "set", "n", "007", "nx");
  CHECK_REPLY(c, ":6\r\n", "lcs", "n", "a", "len");
  CHECK_REPLY(c, "$6\r\nabcabc\r\n", "getset", "a",
              "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c", "-1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "hello", "b", " 5");
  CHECK_REPLY(c, ":46\r\n", "setrange", "n", "45", "1");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "b", "n", "idx",
              "minmatchlen", "2");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "x", "xx");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "0", "10");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "$-1\r\n", "set", "c", "abcabc", "get");
  CHECK_REPLY(c, "$4\r\nxyzz\r\n", "getrange", "a", "-100", "3");
  CHECK_REPLY(c, ":45\r\n", "setrange", "a", "5", "42");
  CHECK_REPLY(c, ":4\r\n", "append", "b", "42");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "100");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "abcabc", "keepttl");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "a", "10");
  CHECK_REPLY(c, ":7\r\n", "append", "b", "x");
  CHECK_REPLY(c, "$5\r\nabcab\r\n", "getrange", "c", "0", "-2");
  CHECK_REPLY(c, "$5\r\nbcabc\r\n", "getrange", "c", "1", "-1");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "a", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "a", "-3");
  CHECK_REPLY(c,
              "*3\r\n$6\r\nabcabc\r\n$7\r\nabcabcx\r\n$"
              "45\r\nxyzzy42zzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n",
              "mget", "c", "b", "a");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:40\r\n:40\r\n*2\r\n:6\r\n:6\r\n$"
              "3\r\nlen\r\n:1\r\n",
              "lcs", "a", "b", "idx");
  CHECK_REPLY(c, ":9\r\n", "append", "b", "-1");
  CHECK_REPLY(c, "$6\r\nabcabc\r\n", "getset", "c", "abcabc");
  CHECK_REPLY(c, ":6\r\n", "strlen", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "b", "-3");
  CHECK_REPLY(c, ":1\r\n", "del", "a");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "", "a", " 5");
  CHECK_REPLY(c, ":46\r\n", "strlen", "n");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "n", "a", "idx",
              "withmatchlen");
  CHECK_REPLY(c,
              "$46\r\nabcabc\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "1\r\n",
              "getdel", "n");
  CHECK_REPLY(c, "$9\r\nabcabcx-1\r\n", "getset", "b", "-1");
  CHECK_REPLY(c, "$5\r\n-2.25\r\n", "incrbyfloat", "b", "-1.25");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "", "xx");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "1", "a", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "9223372036854775807", "xx");
  CHECK_REPLY(c, "$1\r\n0\r\n", "getset", "a", "hello");
  CHECK_REPLY(c, "$5\r\n-2.25\r\n", "get", "b");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "", "c", "007");
  CHECK_REPLY(c, "$4\r\n5.75\r\n", "incrbyfloat", "c", "-1.25");
  CHECK_REPLY(c, ":6\r\n", "append", "c", "-1");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "x");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "5", "60");
  CHECK_REPLY(c, ":0\r\n", "strlen", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "42");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "44", "-1");
  CHECK_REPLY(c, ":0\r\n", "append", "n", "");
  CHECK_REPLY(c, "$1\r\nx\r\n", "getset", "c", "-9223372036854775808");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "a", "b", "idx",
              "minmatchlen", "2");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", " 5", "keepttl");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c",
              "-9223372036854775808");
  CHECK_REPLY(c, ":-9223372036854775766\r\n", "incrby", "a", "-9223372036854775808");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$20\r\n-9223372036854775766\r\n$-1\r\n", "mget", "b", "a", "b");
  CHECK_REPLY(c, "$3\r\n-92\r\n", "getrange", "a", "0", "2");
  CHECK_REPLY(c, ":1\r\n", "del", "a");
  CHECK_REPLY(c, "$-1\r\n", "set", "n", "abcabc", "nx");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "hello");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "hello", "a", " 5");
  CHECK_REPLY(c, "$1\r\n \r\n", "getrange", "a", "-5", "-5");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getdel", "c");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "3", "-5");
  CHECK_REPLY(c, ":5\r\n", "strlen", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "-3");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "-2", "5");
  CHECK_REPLY(c, ":6\r\n", "append", "b", "0");
  CHECK_REPLY(c, ":100\r\n", "incrby", "c", "100");
  CHECK_REPLY(c, "$6\r\nhello0\r\n", "getset", "b", "");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getdel", "a");
  CHECK_REPLY(c, "$3\r\n100\r\n", "getdel", "c");
  CHECK_REPLY(c, ":7\r\n", "setrange", "b", "2", "hello");
  CHECK_REPLY(c, "$-1\r\n", "getset", "c", "hello");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, ":5\r\n", "strlen", "c");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "0", "5");
  CHECK_REPLY(c, ":3\r\n", "decrby", "a", "-3");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "-1", "b", "0");
  CHECK_REPLY(c, "$1\r\n0\r\n", "getrange", "b", "-5", "60");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "1", "c", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, ":45\r\n", "setrange", "c", "3", "hello");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", " 5", "xx");
  CHECK_REPLY(c, "*3\r\n$2\r\n 5\r\n$-1\r\n$2\r\n 5\r\n", "mget", "c", "n", "c");
  CHECK_REPLY(c, ":3\r\n", "setrange", "c", "0", "007");
  CHECK_REPLY(c, "$3\r\n0.5\r\n", "incrbyfloat", "n", "0.5");
  CHECK_REPLY(c, ":1\r\n", "strlen", "a");
  CHECK_REPLY(c, "$3\r\n007\r\n", "getset", "c", "007");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "44", "-1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "44", "-100");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "42", "a", "");
  CHECK_REPLY(c, "$0\r\n\r\n", "getset", "b", "-1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "abcabc", "c", "-1");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, ":0\r\n", "strlen", "a");
  CHECK_REPLY(c, ":50\r\n", "append", "n", "hello");
  CHECK_REPLY(c, ":9223372036854775806\r\n", "incrby", "c", "9223372036854775807");
  CHECK_REPLY(c, ":3\r\n", "append", "b", "1");
  CHECK_REPLY(c, "$50\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyhello\r\n", "getdel", "n");
  CHECK_REPLY(c, "$19\r\n9223372036854775816\r\n", "incrbyfloat", "c", "10");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "x", "b", "42");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "n");
  CHECK_REPLY(c, ":3\r\n", "setrange", "b", "2", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "60", "-100");
  CHECK_REPLY(c, "$3\r\n421\r\n", "getdel", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "-3");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", "mget", "b", "b", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "10", "60");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "3", "10");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy", "a",
              " 5");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$-1\r\n$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n",
              "mget", "n", "n", "b");
  CHECK_REPLY(c, "$-1\r\n", "set", "c", "007", "nx");
  CHECK_REPLY(c, "$1\r\nx\r\n", "getdel", "c");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, ":2\r\n", "strlen", "a");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "x", "n", "-9223372036854775808");
  CHECK_REPLY(c, ":-9223372036854775805\r\n", "decrby", "n", "-3");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "");
  CHECK_REPLY(c, "*3\r\n$20\r\n-9223372036854775805\r\n$20\r\n-9223372036854775805\r\n$2\r\n 5\r\n",
              "mget", "n", "n", "a");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "60", "45");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "b", "1");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "b", "b", "idx",
              "minmatchlen", "2");
  CHECK_REPLY(c, ":20\r\n", "setrange", "n", "1", "abcabc");
  CHECK_REPLY(c, ":5\r\n", "append", "a", "3.5");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b",
              "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "append", "c", "1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", " 5", "a", "0");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "60", "-1");
  CHECK_REPLY(c, ":2\r\n", "strlen", "n");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "3.5", "a", "");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getset", "n", "42");
  CHECK_REPLY(c, "$6\r\n1003.5\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "b", "a", "idx",
              "withmatchlen");
  CHECK_REPLY(c, "$0\r\n\r\n", "getset", "a", "");
  CHECK_REPLY(c, ":2\r\n", "strlen", "n");
  CHECK_REPLY(c, "*3\r\n$0\r\n\r\n$1\r\n1\r\n$6\r\n1003.5\r\n", "mget", "a", "c", "b");
  CHECK_REPLY(c, "*3\r\n$1\r\n1\r\n$6\r\n1003.5\r\n$2\r\n42\r\n", "mget", "c", "b", "n");
  CHECK_REPLY(c, ":3\r\n", "append", "c", " 5");
  CHECK_REPLY(c, "*3\r\n$3\r\n1 5\r\n$2\r\n42\r\n$6\r\n1003.5\r\n", "mget", "c", "n", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", " 5");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "45", "3");
  CHECK_REPLY(c, "$6\r\n1003.5\r\n", "getset", "b", "-1");
  CHECK_REPLY(c, ":2\r\n", "decrby", "b", "-3");
  CHECK_REPLY(c, "$0\r\n\r\n", "getset", "a", "9223372036854775807");
  CHECK_REPLY(c, "$1\r\n2\r\n", "getdel", "b");
  CHECK_REPLY(c, "$2\r\n42\r\n", "lcs", "n", "n");
  CHECK_REPLY(c, ":43\r\n", "incrby", "n", "1");
  CHECK_REPLY(c, ":19\r\n", "strlen", "a");
  CHECK_REPLY(c, ":44\r\n", "incrby", "n", "1");
  CHECK_REPLY(c, ":1\r\n", "append", "b", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "10", "3");
  CHECK_REPLY(c, "$2\r\n44\r\n", "get", "n");
  CHECK_REPLY(c, ":22\r\n", "append", "c", "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "007", "keepttl");
  CHECK_REPLY(c, "$19\r\n9223372036854775807\r\n", "get", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "42");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "44", "1");
  CHECK_REPLY(c, ":2\r\n", "strlen", "n");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "*3\r\n$2\r\n42\r\n$2\r\n42\r\n$2\r\n44\r\n", "mget", "a", "a", "n");
  CHECK_REPLY(c, ":0\r\n", "strlen", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "b", "-3");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "-1");
  CHECK_REPLY(c, "$-1\r\n", "set", "a", "x", "nx");
  CHECK_REPLY(c, ":41\r\n", "decrby", "a", "1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", " 5", "a",
              "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$2\r\n10\r\n", "incrbyfloat", "c", "10");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "a", "10");
  CHECK_REPLY(c, "$2\r\n20\r\n", "incrbyfloat", "c", "10");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "a", "n", "idx",
              "withmatchlen");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy", "keepttl");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getdel", "b");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, ":100\r\n", "incrby", "b", "100");
  CHECK_REPLY(c, "$1\r\n9\r\n", "incrbyfloat", "n", "10");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "44", "-100");
  CHECK_REPLY(c, "$3\r\n100\r\n", "get", "b");
  CHECK_REPLY(c, "*3\r\n$0\r\n\r\n$0\r\n\r\n$1\r\n9\r\n", "mget", "a", "a", "n");
  CHECK_REPLY(c, "$4\r\n1100\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, ":24\r\n", "setrange", "a", "5", "9223372036854775807");
  CHECK_REPLY(c, "$3\r\n100\r\n", "getrange", "b", "1", "44");
  CHECK_REPLY(c, "$1\r\n9\r\n", "getdel", "n");
  CHECK_REPLY(c, "$4\r\n1100\r\n", "get", "b");
  CHECK_REPLY(c, ":9223372036854775807\r\n", "incrby", "n", "9223372036854775807");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "a", "c", "idx");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "007", "c", " 5");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "hello", "b", "1");
  CHECK_REPLY(
      c,
      "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n",
      "lcs", "b", "b", "idx");
  CHECK_REPLY(c, ":2\r\n", "strlen", "c");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "5", "3");
  CHECK_REPLY(c, "$19\r\n9223372036854775807\r\n", "lcs", "a", "n");
  CHECK_REPLY(c, ":90\r\n", "setrange", "a", "45", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$1\r\n5\r\n", "lcs", "n", "c");
  CHECK_REPLY(c, "$1\r\n1\r\n", "getset", "b", "0");
  CHECK_REPLY(c, ":20\r\n", "append", "b", "9223372036854775807");
  CHECK_REPLY(c, ":90\r\n", "strlen", "a");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, ":2\r\n", "setrange", "c", "3", "");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "9223372036854775807", "b",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "x");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "$19\r\n9223372036854775807\r\n", "getset", "a", "-1");
  CHECK_REPLY(c, ":25\r\n", "append", "n", "abcabc");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "a");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$25\r\n9223372036854775807abcabc\r\n$-1\r\n", "mget", "a", "n", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "44", "-5");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "42", "c", "x");
  CHECK_REPLY(c, ":3\r\n", "append", "c", " 5");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$3\r\nx 5\r\n$-1\r\n", "mget", "a", "c", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "-1", "nx");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$2\r\n-1\r\n$-1\r\n", "mget", "b", "n", "a");
  CHECK_REPLY(c, "$1\r\n1\r\n", "getrange", "n", "-1", "10");
  CHECK_REPLY(c, ":-1\r\n", "decrby", "b", "1");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "abcabc");
  CHECK_REPLY(c, ":0\r\n", "incrby", "n", "1");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c", "100");
  CHECK_REPLY(c, "$-1\r\n", "get", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "a", "44", "45");
  CHECK_REPLY(c, ":3\r\n", "strlen", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a",
              "9223372036854775807");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "a", "x");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy", "xx");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "n", "b", "idx",
              "withmatchlen");
  CHECK_REPLY(c, "$-1\r\n", "get", "b");
  CHECK_REPLY(c, ":7\r\n", "append", "n", "abcabc");
  CHECK_REPLY(c, "$7\r\n0abcabc\r\n", "get", "n");
  CHECK_REPLY(c, ":1\r\n", "del", "a");
  CHECK_REPLY(c, ":-1\r\n", "incrby", "b", "-1");
  CHECK_REPLY(c, ":20\r\n", "append", "a", "-9223372036854775808");
  CHECK_REPLY(c, "$20\r\n-9223372036854774808\r\n", "incrbyfloat", "a", "1e3");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "-3");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getset", "b", "x");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "hello", "keepttl");
  CHECK_REPLY(c, "$20\r\n-9223372036854774808\r\n", "get", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "hello");
  CHECK_REPLY(c, ":5\r\n", "lcs", "n", "n", "len");
  CHECK_REPLY(c, "$5\r\nhello\r\n", "getdel", "n");
  CHECK_REPLY(c, ":20\r\n", "setrange", "a", "2", "007");
  CHECK_REPLY(c, "*3\r\n$5\r\nhello\r\n$20\r\n-9007372036854774808\r\n$-1\r\n", "mget", "c", "a",
              "n");
  CHECK_REPLY(c, ":40\r\n", "append", "a", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "100");
  CHECK_REPLY(c, "$40\r\n-9007372036854774808-9223372036854775808\r\n", "getrange", "a", "-100",
              "60");
  CHECK_REPLY(c, "$-1\r\n", "set", "b", "", "nx");
  CHECK_REPLY(c, ":47\r\n", "setrange", "b", "2", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$5\r\nhello\r\n", "getdel", "c");
  CHECK_REPLY(c,
              "$47\r\nx\x00"
              "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n",
              "get", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "-1", "-100");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "007", "c",
              "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "b", "-3");
  CHECK_REPLY(c, "$3\r\n007\r\n", "getdel", "b");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "007", "c", "");
  CHECK_REPLY(c, ":3\r\n", "strlen", "b");
  CHECK_REPLY(c, "$3\r\n007\r\n", "set", "b", "-9223372036854775808", "get");
  CHECK_REPLY(c, "$5\r\n-1.25\r\n", "incrbyfloat", "n", "-1.25");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "3.5", "a", "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, ":80\r\n", "setrange", "c", "60", "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "42", "keepttl");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "3", "2");
  CHECK_REPLY(c, ":50\r\n", "append", "c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "-9223372036854775808", "c", " 5");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c",
              "-9223372036854775808");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$2\r\n 5\r\n$2\r\n-1\r\n", "mget", "n", "c", "a");
  CHECK_REPLY(c, ":-1\r\n", "incrby", "n", "-1");
  CHECK_REPLY(c, ":2\r\n", "append", "a", "");
  CHECK_REPLY(c, "+OK\r\n", "set", "c", "42");
  CHECK_REPLY(c, ":62\r\n", "setrange", "c", "60", "-1");
  CHECK_REPLY(c,
              "*3\r\n$62\r\n42\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "-1\r\n$-1\r\n$-1\r\n",
              "mget", "c", "b", "b");
  CHECK_REPLY(c, ":1\r\n", "del", "n");
  CHECK_REPLY(c, "$-1\r\n", "get", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", " 5");
  CHECK_REPLY(c, ":1\r\n", "incrby", "n", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "-2", "-100");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "3.5", "c", "");
  CHECK_REPLY(c, ":19\r\n", "append", "c", "9223372036854775807");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "get", "a");
  CHECK_REPLY(c, ":8\r\n", "append", "a", "abcabc");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "1");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "b", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "1");
  CHECK_REPLY(c, "*3\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n1\r\n", "mget", "b", "n", "b");
  CHECK_REPLY(c, "$8\r\n-1abcabc\r\n", "getset", "a", "42");
  CHECK_REPLY(c, ":3\r\n", "append", "n", " 5");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c,
              "*3\r\n$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$2\r\n42\r\n$"
              "50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
              "mget", "n", "a", "n");
  CHECK_REPLY(c, "$1\r\n1\r\n", "get", "b");
  CHECK_REPLY(c, ":23\r\n", "setrange", "c", "3", "-9223372036854775808");
  CHECK_REPLY(c, ":5\r\n", "append", "a", "007");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "42", "n", "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "-9223372036854775808", "b", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "42");
  CHECK_REPLY(
      c,
      "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:1\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
      "lcs", "b", "b", "idx");
  CHECK_REPLY(c, ":20\r\n", "strlen", "n");
  CHECK_REPLY(c, "$4\r\n1042\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, "$20\r\n-9223372036854775808\r\n", "getdel", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "x");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:13\r\n:13\r\n*2\r\n:2\r\n:2\r\n:1\r\n*"
              "3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
              "lcs", "c", "b", "idx", "withmatchlen");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "b", "2", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "0");
  CHECK_REPLY(c, "$20\r\n-9223372036854775808\r\n", "get", "c");
  CHECK_REPLY(c, ":1\r\n", "incrby", "a", "1");
  CHECK_REPLY(c, ":6\r\n", "append", "b", " 5");
  CHECK_REPLY(c, ":3\r\n", "append", "a", " 5");
  CHECK_REPLY(c, ":53\r\n", "append", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, ":1\r\n", "del", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "1", "3");
  CHECK_REPLY(c, ":0\r\n", "strlen", "b");
  CHECK_REPLY(c, ":53\r\n", "setrange", "a", "0",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "c", "45", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c, "$20\r\n-9223372036854775808\r\n", "getset", "c", "007");
  CHECK_REPLY(c,
              "*3\r\n$3\r\n007\r\n$53\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$"
              "3\r\n007\r\n",
              "mget", "c", "a", "c");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "", "c", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$2\r\n10\r\n", "incrbyfloat", "n", "10");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "");
  CHECK_REPLY(c,
              "*3\r\n$53\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$"
              "45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n$0\r\n\r\n",
              "mget", "a", "c", "n");
  CHECK_REPLY(c, ":2\r\n", "append", "b", " 5");
  CHECK_REPLY(c, "$43\r\nzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getrange", "c", "2",
              "44");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "42");
  CHECK_REPLY(c, ":56\r\n", "append", "a", "007");
  CHECK_REPLY(c, "$56\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa007\r\n", "getdel",
              "a");
  CHECK_REPLY(c, "$2\r\n42\r\n", "getdel", "b");
  CHECK_REPLY(c, "$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getdel", "c");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "42", "b", " 5");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "n", "b");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "-100", "-5");
  CHECK_REPLY(c, ":11\r\n", "setrange", "c", "10", "0");
  CHECK_REPLY(c, "$-1\r\n", "set", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy", "nx");
  CHECK_REPLY(c,
              "*3\r\n$-1\r\n$11\r\n\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "0\r\n$2\r\n 5\r\n",
              "mget", "a", "c", "b");
  CHECK_REPLY(c,
              "$11\r\n\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "0\r\n",
              "getset", "c", "x");
  CHECK_REPLY(c, "$0\r\n\r\n", "get", "n");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "n", "b", "idx",
              "minmatchlen", "2");
  CHECK_REPLY(c, ":20\r\n", "append", "c", "9223372036854775807");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "b", "1e3");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c",
              "9223372036854775807");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:16\r\n:16\r\n$"
              "3\r\nlen\r\n:1\r\n",
              "lcs", "b", "c", "idx");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b", "-1");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "c", "-1.25");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:16\r\n:16\r\n*2\r\n:1\r\n:1\r\n$"
              "3\r\nlen\r\n:1\r\n",
              "lcs", "c", "b", "idx");
  CHECK_REPLY(c, ":3\r\n", "setrange", "b", "2", "0");
  CHECK_REPLY(c, ":0\r\n", "strlen", "n");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b", "100");
  CHECK_REPLY(c, "$0\r\n\r\n", "getset", "n", "42");
  CHECK_REPLY(c, ":0\r\n", "strlen", "a");
  CHECK_REPLY(c, ":48\r\n", "setrange", "c", "3", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$-1\r\n", "set", "n", "", "nx");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", " 5", "xx");
  CHECK_REPLY(c, "$2\r\n 5\r\n", "getset", "n", "");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c",
              "-9223372036854775808");
  CHECK_REPLY(c, "$-1\r\n", "set", "a", " 5", "xx");
  CHECK_REPLY(c, "*3\r\n$0\r\n\r\n$3\r\n 50\r\n$3\r\n 50\r\n", "mget", "n", "b", "b");
  CHECK_REPLY(c, "$-1\r\n", "get", "a");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "n", "-3");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy", "n",
              "-1");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "42", "keepttl");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "n");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "abcabc");
  CHECK_REPLY(c, "$48\r\nx92xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "get", "c");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getdel", "a");
  CHECK_REPLY(c, ":54\r\n", "append", "c", "abcabc");
  CHECK_REPLY(c, ":2\r\n", "strlen", "b");
  CHECK_REPLY(c, ":54\r\n", "strlen", "c");
  CHECK_REPLY(c, ":62\r\n", "setrange", "n", "60", "-1");
  CHECK_REPLY(c, "$-1\r\n", "getdel", "a");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c,
              "*3\r\n$62\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "-1\r\n$2\r\n42\r\n$2\r\n42\r\n",
              "mget", "n", "b", "b");
  CHECK_REPLY(c, "$-1\r\n", "set", "a", " 5", "get");
  CHECK_REPLY(c, ":2\r\n", "append", "c", "42");
  CHECK_REPLY(c, "$-1\r\n", "set", "n", "", "nx");
  CHECK_REPLY(c,
              "$17\r\naaaaaa\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "-\r\n",
              "getrange", "n", "44", "-2");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, ":7\r\n", "setrange", "b", "5", " 5");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "3.5", "keepttl");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "b", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c, "$3\r\n3.5\r\n", "getdel", "b");
  CHECK_REPLY(c, ":9223372036854775807\r\n", "incrby", "c", "9223372036854775807");
  CHECK_REPLY(c, ":9223372036854775806\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, "$19\r\n9223372036854775806\r\n", "getdel", "c");
  CHECK_REPLY(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "c", "n", "idx");
  CHECK_REPLY(c,
              "*3\r\n$-1\r\n$62\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "-1\r\n$2\r\n 5\r\n",
              "mget", "b", "n", "a");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "-1", "c", "007");
  CHECK_REPLY(c,
              "$62\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "-1\r\n",
              "getdel", "n");
  CHECK_REPLY(c, "*3\r\n$2\r\n 5\r\n$3\r\n007\r\n$-1\r\n", "mget", "a", "c", "b");
  CHECK_REPLY(c, "$-1\r\n", "getset", "n", "");
  CHECK_REPLY(c, "$3\r\n007\r\n", "getrange", "c", "-100", "2");
  CHECK_REPLY(c, ":1\r\n", "del", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "0");
  CHECK_REPLY(c, "$3\r\n007\r\n", "getset", "c", "9223372036854775807");
  CHECK_REPLY(c, ":4\r\n", "setrange", "b", "3", "1");
  CHECK_REPLY(c, ":9223372036854775806\r\n", "decrby", "c", "1");
  CHECK_REPLY(c, ":0\r\n", "strlen", "n");
  CHECK_REPLY(c, "$-1\r\n", "get", "a");
  CHECK_REPLY(c,
              "$4\r\n0\x00"
              "\x00"
              "1\r\n",
              "getset", "b", "hello");
  CHECK_REPLY(c, ":0\r\n", "strlen", "a");
  CHECK_REPLY(c, ":-1\r\n", "decrby", "a", "1");
  CHECK_REPLY(c, "+OK\r\n", "mset", "n", "-1", "b", "hello");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "a");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "n");
  CHECK_REPLY(c, ":-1\r\n", "incrby", "n", "-1");
  CHECK_REPLY(c, "$5\r\nhello\r\n", "getdel", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "n", "x");
  CHECK_REPLY(c, "$19\r\n9223372036854775806\r\n", "getdel", "c");
  CHECK_REPLY(c, ":3\r\n", "decrby", "c", "-3");
  CHECK_REPLY(
      c, "*3\r\n$-1\r\n$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$1\r\n3\r\n",
      "mget", "a", "b", "c");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "9223372036854775807");
  CHECK_REPLY(c, ":4\r\n", "append", "c", "3.5");
  CHECK_REPLY(c, ":48\r\n", "setrange", "n", "45", "3.5");
  CHECK_REPLY(c, ":9223372036854775806\r\n", "incrby", "a", "-1");
  CHECK_REPLY(c,
              "*3\r\n$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$4\r\n33.5\r\n$"
              "19\r\n9223372036854775806\r\n",
              "mget", "b", "c", "a");
  CHECK_REPLY(c, ":1\r\n", "del", "c");
  CHECK_REPLY(c, "$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", "getdel", "b");
  CHECK_REPLY(c,
              "$48\r\n-1\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "3.5\r\n",
              "getset", "n", "007");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$19\r\n9223372036854775806\r\n$-1\r\n", "mget", "c", "a", "c");
  CHECK_REPLY(c, "$-1\r\n", "getset", "c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$3\r\n007\r\n", "getdel", "n");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "c", "x");
  CHECK_REPLY(c, ":0\r\n", "del", "b");
  CHECK_REPLY(c, "$19\r\n9223372036854775806\r\n", "getdel", "a");
  CHECK_REPLY(c, "$2\r\n10\r\n", "incrbyfloat", "b", "10");
  CHECK_REPLY(c, "$2\r\n10\r\n", "getset", "b", "9223372036854775807");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "a", "44", "-5");
  CHECK_REPLY(c, "$-1\r\n", "set", "a", "x", "get");
  CHECK_REPLY(c, ":2\r\n", "setrange", "a", "0", "-1");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "a");
  CHECK_REPLY(c, "$-1\r\n", "set", "b", "-9223372036854775808", "nx");
  CHECK_REPLY(c, ":0\r\n", "strlen", "a");
  CHECK_REPLY(c, ":9223372036854775806\r\n", "decrby", "b", "1");
  CHECK_REPLY(c, "$-1\r\n", "get", "a");
  CHECK_REPLY(c,
              "*3\r\n$-1\r\n$-1\r\n$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
              "mget", "a", "a", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "c",
              "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "mset", "c", "1", "n", "");
  CHECK_REPLY(c, "$4\r\n1000\r\n", "incrbyfloat", "a", "1e3");
  CHECK_REPLY(c, ":19\r\n", "append", "n", "9223372036854775807");
  CHECK_REPLY(c, ":7\r\n", "append", "a", "3.5");
  CHECK_REPLY(c,
              "*3\r\n$19\r\n9223372036854775807\r\n$19\r\n9223372036854775807\r\n$7\r\n10003.5\r\n",
              "mget", "n", "n", "a");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "9223372036854775807");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "incrby", "n",
              "9223372036854775807");
  CHECK_REPLY(c, ":7\r\n", "setrange", "a", "2", "hello");
  CHECK_REPLY(c, ":19\r\n", "strlen", "b");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "");
  CHECK_REPLY(c, "+OK\r\n", "set", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$2\r\n22\r\n", "getrange", "b", "1", "2");
  CHECK_REPLY(c, "$50\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", "getdel", "a");
  CHECK_REPLY(c, "+OK\r\n", "mset", "b", "hello", "b",
              "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, ":4\r\n", "append", "c", "3.5");
  CHECK_REPLY(c, ":100\r\n", "incrby", "a", "100");
  CHECK_REPLY(c, "$0\r\n\r\n", "getdel", "n");
  CHECK_REPLY(c, "+OK\r\n", "mset", "a", " 5", "a", "");
  CHECK_REPLY(c, ":45\r\n", "append", "a", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c, "$0\r\n\r\n", "getrange", "n", "5", "5");
  CHECK_REPLY(c, "$-1\r\n", "get", "n");
  CHECK_REPLY(c, ":7\r\n", "append", "c", "007");
  CHECK_REPLY(c, ":-1\r\n", "decrby", "n", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "a", "100");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "get", "n");
  CHECK_REPLY(c, "$2\r\n-1\r\n", "getdel", "n");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "decrby", "c", "-3");
  CHECK_REPLY(c, "$7\r\n13.5007\r\n", "getset", "c", "");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "a", "-1.25");
  CHECK_REPLY(c, "$-1\r\n", "getset", "n", "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy");
  CHECK_REPLY(c,
              "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:44\r\n*2\r\n:0\r\n:44\r\n:45\r\n$"
              "3\r\nlen\r\n:45\r\n",
              "lcs", "n", "n", "idx", "withmatchlen");
  CHECK_REPLY(c, "$0\r\n\r\n", "lcs", "n", "c");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "incrbyfloat", "c", "10");
  CHECK_REPLY(c,
              "*3\r\n$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n$"
              "45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n$0\r\n\r\n",
              "mget", "b", "a", "c");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "incrby", "b", "100");
  CHECK_REPLY(c, "$0\r\n\r\n", "getdel", "c");
  CHECK_REPLY(c, "$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getrange", "n",
              "-100", "44");
  CHECK_REPLY(c, ":45\r\n", "strlen", "b");
  CHECK_REPLY(c, "$45\r\nxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy\r\n", "getset", "a",
              "-9223372036854775808");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", " 5", "xx");
}

static void encodings(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  exec(c, "SET", "i", "12345", NULL);
  CHECK(strcmp(enc(c, "i"), "int") == 0);
  exec(c, "SET", "i", "-9223372036854775808", NULL);
  CHECK(strcmp(enc(c, "i"), "int") == 0);
  exec(c, "SET", "i", "012", NULL); /* not canonical */
  CHECK(strcmp(enc(c, "i"), "embstr") == 0);
  exec(c, "SET", "s", "hello", NULL);
  CHECK(strcmp(enc(c, "s"), "embstr") == 0);
  exec(c, "SET", "s", "12345678901234567890123456789012345678901234", NULL); /* 44 */
  CHECK(strcmp(enc(c, "s"), "embstr") == 0);
  exec(c, "SET", "s", "123456789012345678901234567890123456789012345", NULL); /* 45 */
  CHECK(strcmp(enc(c, "s"), "raw") == 0);
  /* APPEND and SETRANGE make "raw" strings, even empty appends, even of ints. */
  exec(c, "SET", "a", "10", NULL);
  CHECK_REPLY(c, ":2\r\n", "APPEND", "a", "");
  CHECK(strcmp(enc(c, "a"), "raw") == 0);
  CHECK_REPLY(c, "$2\r\n10\r\n", "GET", "a");
  CHECK_REPLY(c, ":11\r\n", "INCR", "a"); /* back to an int, as Redis */
  CHECK(strcmp(enc(c, "a"), "int") == 0);
  CHECK_REPLY(c, ":3\r\n", "APPEND", "new", "123"); /* a new key: encoded as SET would */
  CHECK(strcmp(enc(c, "new"), "int") == 0);
  CHECK_REPLY(c, ":2\r\n", "SETRANGE", "a", "0", "");
  CHECK(strcmp(enc(c, "a"), "int") == 0); /* nothing set: unchanged */
  CHECK_REPLY(c, ":2\r\n", "SETRANGE", "a", "0", "2");
  CHECK(strcmp(enc(c, "a"), "raw") == 0);
  CHECK_REPLY(c, ":3\r\n", "SETRANGE", "sr", "0", "abc");
  CHECK(strcmp(enc(c, "sr"), "raw") == 0);
  exec(c, "SET", "sr", "abc", NULL);
  CHECK(strcmp(enc(c, "sr"), "embstr") == 0);
  CHECK_REPLY(c, "$1\r\n3\r\n", "INCRBYFLOAT", "f", "3");
  CHECK(strcmp(enc(c, "f"), "embstr") == 0); /* a printed float stays a string */
  CHECK_REPLY(c, ":4\r\n", "INCR", "f");
  CHECK(strcmp(enc(c, "f"), "int") == 0);
  exec(c, "SET", "e", "", NULL);
  CHECK(strcmp(enc(c, "e"), "embstr") == 0 && find(c, "e")->val == NULL);
  CHECK_REPLY(c, ":3\r\n", "APPEND", "e", "xyz");
  CHECK_REPLY(c, "$3\r\nxyz\r\n", "GET", "e");
}

static void binary(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  const char *set[] = { "SET", "b\0k", "v\0\r\n\xff" };
  size_t setl[] = { 3, 3, 5 };
  CHECK(strcmp(exec_argv(c, 3, set, setl), "+OK\r\n") == 0);
  const char *get[] = { "GET", "b\0k" };
  size_t getl[] = { 3, 3 };
  exec_argv(c, 2, get, getl);
  CHECK(memcmp(cmdtest_buf, "$5\r\nv\0\r\n\xff\r\n", 12) == 0);
  const char *app[] = { "APPEND", "b\0k", "\0\0" };
  size_t appl[] = { 6, 3, 2 };
  CHECK(strcmp(exec_argv(c, 3, app, appl), ":7\r\n") == 0);
  const char *gr[] = { "GETRANGE", "b\0k", "4", "6" };
  size_t grl[] = { 8, 3, 1, 1 };
  exec_argv(c, 4, gr, grl);
  CHECK(memcmp(cmdtest_buf, "$3\r\n\xff\0\0\r\n", 10) == 0);
  const char *lcs[] = { "LCS", "b\0k", "b\0k", "LEN" };
  size_t lcsl[] = { 3, 3, 3, 3 };
  CHECK(strcmp(exec_argv(c, 4, lcs, lcsl), ":7\r\n") == 0);
  /* An int-looking value with a NUL is not an int. */
  const char *set2[] = { "SET", "n", "1\0" };
  size_t set2l[] = { 3, 1, 2 };
  exec_argv(c, 3, set2, set2l);
  CHECK(strcmp(enc(c, "n"), "embstr") == 0);
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "INCR", "n");
}

static void tiers(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  char v300[301], w300[301], v100[101];
  memset(v300, 'x', 300);
  v300[300] = '\0';
  memset(w300, 'y', 300);
  w300[300] = '\0';
  memset(v100, 'z', 100);
  v100[100] = '\0';
  exec(c, "SET", "k", v300, NULL); /* threshold 256: PMem */
  st_entry *e = find(c, "k");
  void *block = e->val;
  CHECK(entry_val_tier(e) == TM_PMEM && e->vlen == 300);
  exec(c, "SET", "k", w300, NULL); /* same class, same tier: the same block */
  e = find(c, "k");
  CHECK(e->val == block && entry_val_tier(e) == TM_PMEM);
  CHECK(memcmp(e->val, w300, 300) == 0);
  exec(c, "SET", "k", v100, NULL); /* routed to DRAM now */
  e = find(c, "k");
  CHECK(entry_val_tier(e) == TM_DRAM && e->vlen == 100);
  exec(c, "SET", "k", v300, NULL);
  tm_set_threshold(h, 4096); /* routing moves: the overwrite follows it */
  exec(c, "SET", "k", w300, NULL);
  e = find(c, "k");
  CHECK(entry_val_tier(e) == TM_DRAM);
  tm_set_threshold(h, 256);
  /* APPEND grows across the threshold with realloc: the block moves to PMem. */
  exec(c, "SET", "g", v100, NULL);
  exec(c, "APPEND", "g", v300, NULL);
  e = find(c, "g");
  CHECK(entry_val_tier(e) == TM_PMEM && e->vlen == 400);
  CHECK(memcmp(e->val, v100, 100) == 0 && memcmp((char *)e->val + 100, v300, 300) == 0);
  /* The store's accounting of strings equals what the values hold. */
  st_store *st = c->st;
  exec(c, "FLUSHALL", NULL);
  CHECK(st->mem.cell[ST_STRING][TM_CAT_DATA][TM_DRAM].bytes == 0);
  CHECK(st->mem.cell[ST_STRING][TM_CAT_DATA][TM_PMEM].bytes == 0);
  exec(c, "SET", "k", v300, NULL);
  CHECK(st->mem.cell[ST_STRING][TM_CAT_DATA][TM_PMEM].bytes == (int64_t)tm_size_class(300));
  CHECK(str_usage(st, find(c, "k")) == tm_size_class(300));
  exec(c, "SET", "k", "42", NULL); /* an int: no block at all */
  CHECK(st->mem.cell[ST_STRING][TM_CAT_DATA][TM_PMEM].bytes == 0);
  CHECK(str_usage(st, find(c, "k")) == 0);
}

static void expiry(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "v", "PX", "1");
  sleep_ms(5);
  CHECK_REPLY(c, "$-1\r\n", "GET", "k");
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "k");
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "v", "EXAT", "1"); /* in the past: gone on access */
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "k");
  CHECK_REPLY(c, "+OK\r\n", "SETEX", "k", "100", "v");
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "w", "KEEPTTL");
  CHECK_REPLY(c, ":100\r\n", "TTL", "k");
  CHECK_REPLY(c, ":1\r\n", "INCR", "c"); /* INCR, APPEND, SETRANGE keep the TTL */
  CHECK_REPLY(c, ":1\r\n", "EXPIRE", "c", "100");
  CHECK_REPLY(c, ":2\r\n", "INCR", "c");
  CHECK_REPLY(c, ":100\r\n", "TTL", "c");
  CHECK_REPLY(c, ":2\r\n", "APPEND", "k", "x");
  CHECK_REPLY(c, ":2\r\n", "SETRANGE", "k", "0", "y");
  CHECK_REPLY(c, "$3\r\n2.5\r\n", "INCRBYFLOAT", "c", "0.5");
  CHECK_REPLY(c, ":100\r\n", "TTL", "k");
  CHECK_REPLY(c, ":100\r\n", "TTL", "c");
  CHECK_REPLY(c, "+OK\r\n", "SET", "k", "w"); /* a plain SET drops it */
  CHECK_REPLY(c, ":-1\r\n", "TTL", "k");
  CHECK_REPLY(c, "$3\r\n2.5\r\n", "GETSET", "c", "z"); /* GETSET drops it too */
  CHECK_REPLY(c, ":-1\r\n", "TTL", "c");
  CHECK_REPLY(c, "+OK\r\n", "SET", "g", "v", "EX", "100");
  CHECK_REPLY(c, "$1\r\nv\r\n", "GETEX", "g", "PXAT", "1"); /* past: sent, then gone */
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "g");
}

/* An allocation that fails leaves the keyspace as it was and replies the OOM error. Values of
 * 1000 bytes are routed to PMem (threshold 256), whose strict limit is the bytes it holds. */
static void oom(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  char big[1001], big2[1001];
  memset(big, 'b', 1000);
  big[1000] = '\0';
  memset(big2, 'B', 1000);
  big2[1000] = '\0';
  exec(c, "SET", "old", "value", NULL);
  exec(c, "SET", "bigold", big, NULL);
  exec(c, "SETEX", "ttl", "100", "t", NULL);
  tm_set_policy(h, TM_POLICY_STRICT);
  double live = tier_live(h, TM_PMEM);
  tm_set_limit(h, TM_PMEM, (size_t)live);
  const char *err = "-" ERR_OOM "\r\n";
  CHECK_REPLY(c, err, "SET", "old", big);
  CHECK_REPLY(c, err, "SET", "new", big);
  CHECK_REPLY(c, err, "SET", "old", big, "GET");
  CHECK_REPLY(c, err, "SET", "ttl", big, "KEEPTTL");
  CHECK_REPLY(c, err, "SETEX", "old", "10", big);
  CHECK_REPLY(c, err, "GETSET", "old", big);
  CHECK_REPLY(c, err, "SETNX", "new", big);
  CHECK_REPLY(c, err, "MSET", "a", "1", "b", "2", "old", big);
  CHECK_REPLY(c, err, "MSET", "a", "1", "b", big);
  CHECK_REPLY(c, err, "MSETNX", "a", "1", "b", big);
  CHECK_REPLY(c, err, "APPEND", "old", big);
  CHECK_REPLY(c, err, "APPEND", "bigold", big);
  CHECK_REPLY(c, err, "SETRANGE", "old", "2000", "x");
  CHECK_REPLY(c, err, "SETRANGE", "new", "2000", "x");
  CHECK_REPLY(c, err, "COPY", "bigold", "copy");
  CHECK_REPLY(c, ":3\r\n", "DBSIZE");
  CHECK_REPLY(c, "$5\r\nvalue\r\n", "GET", "old");
  CHECK_REPLY(c, ":100\r\n", "TTL", "ttl");
  CHECK_REPLY(c, "$1\r\nt\r\n", "GET", "ttl");
  CHECK_REPLY(c, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", "MGET", "a", "b", "new");
  CHECK_REPLY(c, ":1000\r\n", "STRLEN", "bigold");
  /* What fits still works: small values go to DRAM, and an in-place overwrite needs nothing. */
  CHECK_REPLY(c, "+OK\r\n", "SET", "small", "x");
  CHECK_REPLY(c, "+OK\r\n", "SET", "bigold", big2);
  CHECK_REPLY(c, ":4\r\n", "DBSIZE");
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK_REPLY(c, "+OK\r\n", "MSET", "a", "1", "b", big);
  CHECK_REPLY(c, ":1000\r\n", "STRLEN", "b");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  redis_cases(c);
  random_sequence(c);
  encodings(c);
  binary(c);
  tiers(c, h);
  expiry(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("string_test");
}
