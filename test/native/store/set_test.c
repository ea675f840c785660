/* set_test.c - the set commands against redis-server 7.0.15's own replies (captured from it,
 * command by command; only cases whose member order Redis and this store agree on: intsets
 * and one-member results), plus what a reply cannot show: encodings at their thresholds, a
 * randomized run against a model across every conversion, random-member commands, SSCAN over
 * a resizing table, incremental free, exact accounting and OOM. */
#include <stdint.h>

#include "collhelp.h"
#include "entry.h"
#include "lazyfree.h"
#include "intset.h"

/* ------------------------------------------------------------------------------ cases */

static void redis_cases(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* the set cases of test/store.commands.test.ts */
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "f", "v");
  CHECK_REPLY(c, ":1\r\n", "sadd", "st", "m");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sadd' command\r\n", "sadd", "st");
  CHECK_REPLY(c, ":2\r\n", "sadd", "st", "a", "b", "a");
  CHECK_REPLY(c, ":1\r\n", "srem", "st", "a", "zz");
  CHECK_REPLY(c, ":1\r\n", "sismember", "st", "b");
  CHECK_REPLY(c, ":2\r\n", "scard", "st");
  CHECK_REPLY(c, ":0\r\n", "scard", "nos");
  CHECK_REPLY(c, "+set\r\n", "type", "st");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "smembers", "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpush",
              "st", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lrange",
              "st", "0", "1");
  CHECK_REPLY(c, ":1\r\n", "rpush", "l", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sadd",
              "l", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "scard",
              "l");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* more, captured from redis-server 7.0.15 (intsets and one-member results: orders agree) */
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "x");
  CHECK_REPLY(c, ":5\r\n", "sadd", "i", "3", "1", "2", "-5", "100000", "3");
  CHECK_REPLY(c, "*5\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$6\r\n100000\r\n", "smembers",
              "i");
  CHECK_REPLY(c, ":5\r\n", "scard", "i");
  CHECK_REPLY(c, ":1\r\n", "sismember", "i", "2");
  CHECK_REPLY(c, ":0\r\n", "sismember", "i", "02");
  CHECK_REPLY(c, ":0\r\n", "sismember", "i", "x");
  CHECK_REPLY(c, "*4\r\n:1\r\n:0\r\n:1\r\n:0\r\n", "smismember", "i", "1", "9", "3", "x");
  CHECK_REPLY(c, "*2\r\n:0\r\n:0\r\n", "smismember", "nokey", "1", "9");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "smismember", "s", "1");
  CHECK_REPLY(c, ":0\r\n", "sismember", "nokey", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "sismember", "s", "a");
  CHECK_REPLY(c, ":1\r\n", "srem", "i", "100000", "7", "x");
  CHECK_REPLY(c, "*4\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "smembers", "i");
  CHECK_REPLY(c, ":0\r\n", "srem", "nokey", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "srem",
              "s", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sadd",
              "s", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "smembers", "s");
  CHECK_REPLY(c, "*0\r\n", "smembers", "nokey");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "scard",
              "s");
  CHECK_REPLY(c, ":4\r\n", "srem", "i", "1", "2", "3", "-5");
  CHECK_REPLY(c, ":0\r\n", "exists", "i");
  CHECK_REPLY(c, ":4\r\n", "sadd", "a", "1", "2", "3", "4");
  CHECK_REPLY(c, ":3\r\n", "sadd", "b", "3", "4", "5");
  CHECK_REPLY(c, ":3\r\n", "sadd", "c", "4", "5", "6");
  CHECK_REPLY(c, "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "sinter", "a", "b");
  CHECK_REPLY(c, "*1\r\n$1\r\n4\r\n", "sinter", "a", "b", "c");
  CHECK_REPLY(c, "*0\r\n", "sinter", "a", "nokey");
  CHECK_REPLY(c, "*0\r\n", "sinter", "nokey", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sinter",
              "s", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sinter",
              "a", "s");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sinter",
              "nokey", "s");
  CHECK_REPLY(c, "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
              "sunion", "a", "b", "c");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "sunion", "a", "nokey");
  CHECK_REPLY(c, "*0\r\n", "sunion", "nokey");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sunion",
              "s", "a");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sdiff", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sdiff", "a", "b", "c");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "sdiff", "a", "nokey");
  CHECK_REPLY(c, "*0\r\n", "sdiff", "nokey", "a");
  CHECK_REPLY(c, "*0\r\n", "sdiff", "a", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sdiff",
              "nokey", "s");
  CHECK_REPLY(c, ":2\r\n", "sinterstore", "d", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "smembers", "d");
  CHECK_REPLY(c, ":0\r\n", "sinterstore", "d", "a", "nokey");
  CHECK_REPLY(c, ":0\r\n", "exists", "d");
  CHECK_REPLY(c, ":2\r\n", "sinterstore", "s", "a", "b");
  CHECK_REPLY(c, "+set\r\n", "type", "s");
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "x");
  CHECK_REPLY(c, ":6\r\n", "sunionstore", "d", "a", "b", "c");
  CHECK_REPLY(c, "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
              "smembers", "d");
  CHECK_REPLY(c, ":0\r\n", "sunionstore", "d", "nokey");
  CHECK_REPLY(c, ":0\r\n", "exists", "d");
  CHECK_REPLY(c, ":2\r\n", "sdiffstore", "d", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "smembers", "d");
  CHECK_REPLY(c, ":0\r\n", "sdiffstore", "d", "a", "a");
  CHECK_REPLY(c, ":0\r\n", "exists", "d");
  CHECK_REPLY(c, ":2\r\n", "sdiffstore", "a", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "smembers", "a");
  CHECK_REPLY(c, ":1\r\n", "sadd", "d", "9");
  CHECK_REPLY(c, ":1\r\n", "expire", "d", "100");
  CHECK_REPLY(c, ":5\r\n", "sunionstore", "d", "a", "c");
  CHECK_REPLY(c, ":-1\r\n", "ttl", "d");
  CHECK_REPLY(c, "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n", "smembers", "d");
  CHECK_REPLY(c, ":2\r\n", "sintercard", "1", "a");
  CHECK_REPLY(c, ":0\r\n", "sintercard", "2", "a", "b");
  CHECK_REPLY(c, ":0\r\n", "sintercard", "3", "a", "b", "c");
  CHECK_REPLY(c, ":0\r\n", "sintercard", "2", "a", "nokey");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "sintercard", "0", "a");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "sintercard", "x", "a");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "sintercard", "-1", "a");
  CHECK_REPLY(c, "-ERR Number of keys can't be greater than number of args\r\n", "sintercard", "2",
              "a");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "sintercard", "1", "a", "limit", "-1");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "sintercard", "1", "a", "limit", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sintercard", "1", "a", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sintercard", "1", "a", "limit");
  CHECK_REPLY(c, ":1\r\n", "sintercard", "1", "c", "limit", "1");
  CHECK_REPLY(c, ":3\r\n", "sintercard", "1", "c", "limit", "0");
  CHECK_REPLY(c, ":3\r\n", "sintercard", "1", "c", "limit", "2", "limit", "5");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "sintercard", "2", "s", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "sintercard", "2", "nokey", "s");
  CHECK_REPLY(c, ":1\r\n", "smove", "a", "b", "1");
  CHECK_REPLY(c, ":0\r\n", "smove", "a", "b", "9");
  CHECK_REPLY(c, ":0\r\n", "smove", "nokey", "b", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "smove",
              "s", "b", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "smove",
              "a", "s", "2");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "smove",
              "a", "s", "9");
  CHECK_REPLY(c, ":1\r\n", "smove", "a", "a", "2");
  CHECK_REPLY(c, ":0\r\n", "smove", "a", "a", "9");
  CHECK_REPLY(c, "*1\r\n$1\r\n2\r\n", "smembers", "a");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", "smembers", "b");
  CHECK_REPLY(c, ":1\r\n", "sadd", "one", "7");
  CHECK_REPLY(c, ":1\r\n", "smove", "one", "newset", "7");
  CHECK_REPLY(c, ":0\r\n", "exists", "one");
  CHECK_REPLY(c, "*1\r\n$1\r\n7\r\n", "smembers", "newset");
  CHECK_REPLY(c, ":1\r\n", "smove", "newset", "b", "7");
  CHECK_REPLY(c, ":0\r\n", "exists", "newset");
  CHECK_REPLY(c, "*5\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n7\r\n", "smembers", "b");
  CHECK_REPLY(c, "$-1\r\n", "spop", "nokey");
  CHECK_REPLY(c, "*0\r\n", "spop", "nokey", "3");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "spop", "nokey", "-1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "spop",
              "s");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "spop",
              "s", "1");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "spop", "b", "x");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "spop", "b", "-1");
  CHECK_REPLY(c, "*0\r\n", "spop", "b", "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "spop", "b", "1", "2");
  CHECK_REPLY(c, ":1\r\n", "sadd", "single", "42");
  CHECK_REPLY(c, "$2\r\n42\r\n", "spop", "single");
  CHECK_REPLY(c, ":0\r\n", "exists", "single");
  CHECK_REPLY(c, ":2\r\n", "sadd", "two", "1", "2");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "spop", "two", "2");
  CHECK_REPLY(c, ":0\r\n", "exists", "two");
  CHECK_REPLY(c, ":2\r\n", "sadd", "two", "1", "2");
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "spop", "two", "5");
  CHECK_REPLY(c, ":0\r\n", "exists", "two");
  CHECK_REPLY(c, "$-1\r\n", "srandmember", "nokey");
  CHECK_REPLY(c, "*0\r\n", "srandmember", "nokey", "5");
  CHECK_REPLY(c, "*0\r\n", "srandmember", "nokey", "-5");
  CHECK_REPLY(c, "*0\r\n", "srandmember", "nokey", "0");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "srandmember", "s");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "srandmember", "s", "1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "srandmember", "b", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "srandmember", "b", "1", "2");
  CHECK_REPLY(c,
              "-ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807\r\n",
              "srandmember", "b", "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "sadd", "one", "7");
  CHECK_REPLY(c, "$1\r\n7\r\n", "srandmember", "one");
  CHECK_REPLY(c, "*1\r\n$1\r\n7\r\n", "srandmember", "one", "3");
  CHECK_REPLY(c, "*3\r\n$1\r\n7\r\n$1\r\n7\r\n$1\r\n7\r\n", "srandmember", "one", "-3");
  CHECK_REPLY(c, "*0\r\n", "srandmember", "one", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nokey", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nokey", "0", "count", "0");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sscan",
              "s", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "sscan", "one", "abc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sscan", "one", "0", "count", "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "sscan", "one", "0", "foo");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n7\r\n", "sscan", "one", "5");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n7\r\n",
              "sscan", "b", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n", "sscan", "b", "0", "match", "1*");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "b", "0", "match", "x");
  CHECK_REPLY(c, ":1\r\n", "sadd", "str", "hello");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*1\r\n$5\r\nhello\r\n", "sscan", "str", "0", "match", "h*");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "str", "0", "match", "z*");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sadd' command\r\n", "sadd");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'srem' command\r\n", "srem", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sismember' command\r\n", "sismember", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'smismember' command\r\n", "smismember", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'scard' command\r\n", "scard");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'spop' command\r\n", "spop");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'srandmember' command\r\n", "srandmember");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'smove' command\r\n", "smove", "a", "b");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sinter' command\r\n", "sinter");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sinterstore' command\r\n", "sinterstore",
              "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sunion' command\r\n", "sunion");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sunionstore' command\r\n", "sunionstore",
              "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sdiff' command\r\n", "sdiff");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sdiffstore' command\r\n", "sdiffstore", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sintercard' command\r\n", "sintercard", "1");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'sscan' command\r\n", "sscan", "a");
}

/* ------------------------------------------------------------------------------ encodings */

static void sadd_n(st_client *c, const char *key, int from, int to, const char *fmt) {
  char buf[128];
  for (int i = from; i < to; i++) {
    snprintf(buf, sizeof buf, fmt, i);
    exec(c, "SADD", key, buf, NULL);
  }
}

static void encodings(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  /* intset: up to 512 integers */
  sadd_n(c, "i", 0, 512, "%d");
  CHECK(strcmp(enc(c, "i"), "intset") == 0);
  CHECK_REPLY(c, ":512\r\n", "SCARD", "i");
  CHECK_REPLY(c, ":1\r\n", "SADD", "i", "512");
  CHECK(strcmp(enc(c, "i"), "hashtable") == 0);
  CHECK_REPLY(c, ":513\r\n", "SCARD", "i");
  CHECK_REPLY(c, ":1\r\n", "SISMEMBER", "i", "511");
  CHECK_REPLY(c, ":62\r\n", "SREM", "i", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
              "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
              "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38",
              "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52",
              "53", "54", "55", "56", "57", "58", "59", "60", "61", "62");
  CHECK(strcmp(enc(c, "i"), "hashtable") == 0); /* never converts back */
  /* listpack: up to 128 strings of up to 64 bytes */
  sadd_n(c, "l", 0, 127, "m%d");
  CHECK(strcmp(enc(c, "l"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "SADD", "l", "m127");
  CHECK(strcmp(enc(c, "l"), "listpack") == 0);
  CHECK_REPLY(c, ":0\r\n", "SADD", "l", "m127");
  CHECK(strcmp(enc(c, "l"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "SADD", "l", "m128");
  CHECK(strcmp(enc(c, "l"), "hashtable") == 0);
  CHECK_REPLY(c, ":129\r\n", "SCARD", "l");
  char v64[65], v65[66];
  memset(v64, 'a', 64);
  v64[64] = 0;
  memset(v65, 'b', 65);
  v65[65] = 0;
  CHECK_REPLY(c, ":2\r\n", "SADD", "v", "x", v64);
  CHECK(strcmp(enc(c, "v"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "SADD", "v", v65);
  CHECK(strcmp(enc(c, "v"), "hashtable") == 0);
  CHECK_REPLY(c, ":1\r\n", "SISMEMBER", "v", v64);
  CHECK_REPLY(c, ":1\r\n", "SADD", "v2", v65);
  CHECK(strcmp(enc(c, "v2"), "hashtable") == 0);
  /* intset -> listpack when the listpack would hold it, else straight to hashtable */
  sadd_n(c, "il", 0, 127, "%d");
  CHECK_REPLY(c, ":1\r\n", "SADD", "il", "x");
  CHECK(strcmp(enc(c, "il"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "SISMEMBER", "il", "126");
  CHECK_REPLY(c, ":0\r\n", "SISMEMBER", "il", "127");
  CHECK_REPLY(c, ":1\r\n", "SADD", "il", "127"); /* integers in a listpack count as members */
  CHECK(strcmp(enc(c, "il"), "hashtable") == 0);
  sadd_n(c, "ih", 0, 128, "%d");
  CHECK(strcmp(enc(c, "ih"), "intset") == 0);
  CHECK_REPLY(c, ":1\r\n", "SADD", "ih", "x");
  CHECK(strcmp(enc(c, "ih"), "hashtable") == 0);
  CHECK_REPLY(c, ":129\r\n", "SCARD", "ih");
  CHECK_REPLY(c, ":2\r\n", "SADD", "iv", "1", "2");
  CHECK_REPLY(c, ":1\r\n", "SADD", "iv", v65);
  CHECK(strcmp(enc(c, "iv"), "hashtable") == 0);
  /* non-canonical integers are strings */
  CHECK_REPLY(c, ":3\r\n", "SADD", "nc", "1", "01", "+1");
  CHECK(strcmp(enc(c, "nc"), "listpack") == 0);
  CHECK_REPLY(c, ":3\r\n", "SCARD", "nc");
  CHECK_REPLY(c, ":1\r\n", "SADD", "big", "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "SADD", "big", "9223372036854775807");
  CHECK(strcmp(enc(c, "big"), "intset") == 0);
  CHECK_REPLY(c, ":1\r\n", "SADD", "big", "9223372036854775808");
  CHECK(strcmp(enc(c, "big"), "listpack") == 0);
  CHECK_REPLY(c,
              "*3\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n$"
              "19\r\n9223372036854775808\r\n",
              "SMEMBERS", "big");
  /* one SADD with many members decides on the whole result */
  {
    const char *argv[200];
    char bufs[200][16];
    argv[0] = "SADD";
    argv[1] = "multi";
    for (int i = 0; i < 130; i++) {
      snprintf(bufs[i], sizeof bufs[i], "s%d", i % 129);
      argv[2 + i] = bufs[i];
    }
    CHECK(strcmp(exec_argv(c, 2 + 128, argv, NULL), ":128\r\n") == 0);
    CHECK(strcmp(enc(c, "multi"), "listpack") == 0);
    CHECK(strcmp(exec_argv(c, 2 + 130, argv, NULL), ":1\r\n") == 0);
    CHECK(strcmp(enc(c, "multi"), "hashtable") == 0);
    CHECK_REPLY(c, ":129\r\n", "SCARD", "multi");
  }
  /* STORE results get the encoding their content calls for */
  CHECK_REPLY(c, ":451\r\n", "SUNIONSTORE", "u", "i", "nokey");
  CHECK(strcmp(enc(c, "u"), "intset") == 0);
  CHECK_REPLY(c, ":3\r\n", "SINTERSTORE", "u", "nc", "nc");
  CHECK(strcmp(enc(c, "u"), "listpack") == 0);
  CHECK_REPLY(c, ":2\r\n", "SDIFFSTORE", "u", "iv", "v2");
  CHECK(strcmp(enc(c, "u"), "intset") == 0);
  CHECK_REPLY(c, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "SMEMBERS", "u");
}

/* ------------------------------------------------------------------------------ model */

/* The members the model draws from: canonical integers, short strings, 70-byte strings and
 * non-canonical integers (strings to Redis). */
#define NU 815
#define NK 4
static char U[NU][80];

static void universe(void) {
  for (int i = 0; i < NU; i++) {
    if (i < 600)
      snprintf(U[i], sizeof U[i], "%d", i * 7 - 300);
    else if (i < 800)
      snprintf(U[i], sizeof U[i], "m%d", i - 600);
    else if (i < 810)
      snprintf(U[i], sizeof U[i], "L%03d%066d", i - 800, 0);
    else
      snprintf(U[i], sizeof U[i], "0%d", i - 809);
  }
}

static int member_index(const char *s) {
  int i = -1;
  if (s[0] == 'm')
    i = 600 + atoi(s + 1);
  else if (s[0] == 'L')
    i = 800 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  else if (s[0] == '0' && s[1] != 0)
    i = 809 + atoi(s + 1);
  else {
    long v = strtol(s, NULL, 10);
    if ((v + 300) % 7 == 0) i = (int)((v + 300) / 7);
  }
  return (i >= 0 && i < NU && strcmp(U[i], s) == 0) ? i : -1;
}

typedef struct model {
  uint8_t in[NK][NU];
  int level[NK]; /* -1 no key, 0 intset, 1 listpack, 2 hashtable */
} model;

static size_t card(const model *m, int k) {
  size_t n = 0;
  for (int i = 0; i < NU; i++) n += m->in[k][i];
  return n;
}

/* The encoding a set's content calls for (Redis 7.2's rules, order-independent). */
static int level_of(const uint8_t *in) {
  size_t n = 0, strs = 0, longs = 0;
  for (int i = 0; i < NU; i++) {
    if (!in[i]) continue;
    n++;
    strs += i >= 600;
    longs += i >= 800 && i < 810;
  }
  if (n == 0) return -1;
  if (strs == 0) return n <= 512 ? 0 : 2;
  return n <= 128 && longs == 0 ? 1 : 2;
}

static const char *level_name(int l) {
  static const char *const names[] = { "intset", "listpack", "hashtable" };
  return l < 0 ? "none" : names[l];
}

static void after_add(model *m, int k) {
  int l = level_of(m->in[k]);
  if (l > m->level[k]) m->level[k] = l;
}

static const char *keyname(int k) {
  static const char *const names[NK] = { "k0", "k1", "k2", "k3" };
  return names[k];
}

/* A member for key k: k0 integers only (crosses 512), k1 short strings (crosses 128), k2
 * everything, k3 a small mixed pool. */
static int draw(int k) {
  switch (k) {
    case 0: return rand() % 600;
    case 1: return 600 + rand() % 160;
    case 2: return rand() % NU;
    default: return (rand() % 2) ? rand() % 20 : 600 + rand() % 20;
  }
}

static int levels_seen[3];

static int verify_key(st_client *c, const model *m, int k) {
  int ok = 1;
  if (m->level[k] >= 0) levels_seen[m->level[k]]++;
  elems x;
  parse_array(exec(c, "SMEMBERS", keyname(k), NULL), &x);
  if (x.n != (long)card(m, k)) ok = 0;
  for (long i = 0; ok && i < x.n; i++) {
    int j = member_index(x.v[i]);
    if (j < 0 || !m->in[k][j]) ok = 0;
  }
  elems_free(&x);
  if (strcmp(enc(c, keyname(k)), level_name(m->level[k])) != 0) ok = 0;
  return ok;
}

/* Members in a reply all in the model row (and distinct when `distinct`); their count. */
static long reply_subset(const char *r, const uint8_t *in, int distinct, int *ok) {
  elems x;
  uint8_t seen[NU] = { 0 };
  parse_array(r, &x);
  for (long i = 0; i < x.n; i++) {
    int j = member_index(x.v[i]);
    if (j < 0 || !in[j] || (distinct && seen[j])) *ok = 0;
    if (j >= 0) seen[j] = 1;
  }
  long n = x.n;
  elems_free(&x);
  return n;
}

static void model_run(st_client *c, int steps) {
  exec(c, "FLUSHALL", NULL);
  static model m;
  memset(&m, 0, sizeof m);
  for (int k = 0; k < NK; k++) m.level[k] = -1;
  int bad = 0, ok = 1;
  char nb[32];
  for (int step = 0; step < steps && bad < 5; step++) {
    int k = rand() % NK, k2 = rand() % NK, op = rand() % 100;
    const char *key = keyname(k);
    const char *argv[16];
    int argc = 0;
    if (op < 40) { /* SADD; k0/k1 mostly grow so they cross their limits */
      int n = 1 + rand() % 5, idx[5];
      long added = 0;
      argv[argc++] = "SADD";
      argv[argc++] = key;
      for (int i = 0; i < n; i++) {
        idx[i] = draw(k);
        argv[argc++] = U[idx[i]];
      }
      for (int i = 0; i < n; i++) {
        if (!m.in[k][idx[i]]) added++;
        m.in[k][idx[i]] = 1;
      }
      if (m.level[k] < 0) m.level[k] = 0;
      after_add(&m, k);
      const char *r = exec_argv(c, argc, argv, NULL);
      ok = r[0] == ':' && atol(r + 1) == added;
    } else if (op < 55) { /* SREM */
      int n = 1 + rand() % 3;
      long removed = 0;
      argv[argc++] = "SREM";
      argv[argc++] = key;
      for (int i = 0; i < n; i++) {
        int j = draw(k);
        argv[argc++] = U[j];
        if (m.in[k][j]) removed++;
        m.in[k][j] = 0;
      }
      if (card(&m, k) == 0) m.level[k] = -1;
      const char *r = exec_argv(c, argc, argv, NULL);
      ok = r[0] == ':' && atol(r + 1) == removed;
    } else if (op < 62) { /* SISMEMBER / SMISMEMBER */
      int j = draw(k), j2 = draw(k);
      char want[64];
      snprintf(want, sizeof want, "*2\r\n:%d\r\n:%d\r\n", m.in[k][j], m.in[k][j2]);
      ok = strcmp(exec(c, "SMISMEMBER", key, U[j], U[j2], NULL), want) == 0;
      snprintf(want, sizeof want, ":%d\r\n", m.in[k][j]);
      ok = ok && strcmp(exec(c, "SISMEMBER", key, U[j], NULL), want) == 0;
    } else if (op < 70) { /* SPOP [count] */
      size_t n = card(&m, k);
      int count = rand() % 5;
      const char *r;
      if (rand() % 3 == 0) {
        r = exec(c, "SPOP", key, NULL);
        if (n == 0)
          ok = strcmp(r, "$-1\r\n") == 0;
        else {
          int j = -1;
          ok = r[0] == '$';
          if (ok) {
            char *s = strndup(strstr(r, "\r\n") + 2, (size_t)atol(r + 1));
            j = member_index(s);
            free(s);
          }
          ok = ok && j >= 0 && m.in[k][j];
          if (j >= 0) m.in[k][j] = 0;
        }
      } else {
        snprintf(nb, sizeof nb, "%d", count);
        r = exec(c, "SPOP", key, nb, NULL);
        elems x;
        parse_array(r, &x);
        ok = x.n == (long)(n < (size_t)count ? n : (size_t)count);
        for (long i = 0; i < x.n; i++) {
          int j = member_index(x.v[i]);
          if (j < 0 || !m.in[k][j])
            ok = 0;
          else
            m.in[k][j] = 0;
        }
        elems_free(&x);
      }
      if (card(&m, k) == 0) m.level[k] = -1;
    } else if (op < 76) { /* SMOVE */
      int j = draw(k);
      const char *r = exec(c, "SMOVE", key, keyname(k2), U[j], NULL);
      int moved = m.in[k][j];
      ok = strcmp(r, moved ? ":1\r\n" : ":0\r\n") == 0;
      if (moved && k != k2) {
        m.in[k][j] = 0;
        if (card(&m, k) == 0) m.level[k] = -1;
        m.in[k2][j] = 1;
        if (m.level[k2] < 0) m.level[k2] = 0;
        after_add(&m, k2);
      }
    } else if (op < 85) { /* SINTERSTORE / SUNIONSTORE / SDIFFSTORE into a third key */
      int k3 = rand() % NK, which = rand() % 3;
      static const char *const cmds[] = { "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE" };
      uint8_t res[NU];
      for (int i = 0; i < NU; i++) {
        int a = m.in[k][i], b = m.in[k2][i];
        res[i] = (uint8_t)(which == 0 ? (a && b) : which == 1 ? (a || b) : (a && !b));
      }
      memcpy(m.in[k3], res, NU);
      m.level[k3] = level_of(res);
      char want[32];
      snprintf(want, sizeof want, ":%zu\r\n", card(&m, k3));
      ok = strcmp(exec(c, cmds[which], keyname(k3), key, keyname(k2), NULL), want) == 0;
    } else if (op < 90) { /* SINTERCARD with and without LIMIT, SCARD */
      size_t n = 0;
      for (int i = 0; i < NU; i++) n += m.in[k][i] && m.in[k2][i];
      char want[32];
      snprintf(want, sizeof want, ":%zu\r\n", n);
      ok = strcmp(exec(c, "SINTERCARD", "2", key, keyname(k2), NULL), want) == 0;
      snprintf(want, sizeof want, ":%zu\r\n", n < 3 ? n : 3);
      ok =
          ok && strcmp(exec(c, "SINTERCARD", "2", key, keyname(k2), "LIMIT", "3", NULL), want) == 0;
      snprintf(want, sizeof want, ":%zu\r\n", card(&m, k));
      ok = ok && strcmp(exec(c, "SCARD", key, NULL), want) == 0;
    } else if (op < 98) { /* SRANDMEMBER with a count of either sign */
      int count = rand() % 2 ? rand() % 300 : -(rand() % 20);
      size_t n = card(&m, k);
      snprintf(nb, sizeof nb, "%d", count);
      long got = reply_subset(exec(c, "SRANDMEMBER", key, nb, NULL), m.in[k], count > 0, &ok);
      long want = n == 0 ? 0 : count >= 0 ? (long)(n < (size_t)count ? n : (size_t)count) : -count;
      ok = ok && got == want;
    } else { /* DEL */
      exec(c, "DEL", key, NULL);
      memset(m.in[k], 0, NU);
      m.level[k] = -1;
    }
    if (!ok) {
      bad++;
      fprintf(stderr, "model: step %d op %d key %d diverged\n", step, op, k);
    }
    if (step % 25 == 0)
      for (int j = 0; j < NK; j++)
        if (!verify_key(c, &m, j)) {
          bad++;
          fprintf(stderr, "model: step %d key %d content/encoding diverged (%s vs %s)\n", step, j,
                  enc(c, keyname(j)), level_name(m.level[j]));
        }
  }
  for (int j = 0; j < NK; j++) CHECK(verify_key(c, &m, j));
  CHECK(bad == 0);
  CHECK(levels_seen[0] > 100 && levels_seen[1] > 100 && levels_seen[2] > 100);
}

/* ------------------------------------------------------------------------------ random */

/* SRANDMEMBER and SPOP with a count, in every encoding and every strategy: right sizes,
 * distinct members, and a sane spread. */
static void random_members(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  sadd_n(c, "small", 0, 10, "m%d"); /* listpack */
  sadd_n(c, "ints", 0, 10, "%d");   /* intset */
  sadd_n(c, "big", 0, 1000, "m%d"); /* hashtable */
  const char *keys[] = { "small", "ints" };
  for (int k = 0; k < 2; k++) {
    int hits[10] = { 0 };
    for (int round = 0; round < 2000; round++) {
      elems x;
      parse_array(exec(c, "SRANDMEMBER", keys[k], "3", NULL), &x);
      CHECK(x.n == 3);
      for (long i = 0; i < x.n; i++) {
        const char *s = x.v[i][0] == 'm' ? x.v[i] + 1 : x.v[i];
        hits[atoi(s)]++;
      }
      elems_free(&x);
    }
    for (int i = 0; i < 10; i++) CHECK(hits[i] > 450 && hits[i] < 750); /* 600 expected */
  }
  /* hashtable: case 3 (count*3 > size: one pass) and case 4 (distinct random picks) */
  const char *counts[] = { "10", "400", "999", "1000", "5000" };
  long want[] = { 10, 400, 999, 1000, 1000 };
  for (int i = 0; i < 5; i++) {
    elems x;
    parse_array(exec(c, "SRANDMEMBER", "big", counts[i], NULL), &x);
    CHECK(x.n == want[i]);
    qsort(x.v, (size_t)x.n, sizeof *x.v, cmp_str);
    int distinct = 1;
    for (long j = 1; j < x.n; j++) distinct &= strcmp(x.v[j - 1], x.v[j]) != 0;
    CHECK(distinct);
    elems_free(&x);
  }
  int hits[1000] = { 0 };
  for (int round = 0; round < 200; round++) {
    elems x;
    parse_array(exec(c, "SRANDMEMBER", "big", "50", NULL), &x);
    for (long j = 0; j < x.n; j++) hits[atoi(x.v[j] + 1)]++;
    elems_free(&x);
  }
  int zero = 0, over = 0;
  for (int i = 0; i < 1000; i++) {
    zero += hits[i] == 0;
    over += hits[i] > 40; /* 10 expected */
  }
  CHECK(zero < 20 && over == 0);
  elems x;
  parse_array(exec(c, "SRANDMEMBER", "big", "-3000", NULL), &x);
  CHECK(x.n == 3000);
  elems_free(&x);
  /* SPOP count: case 3 (few) and case 2 (most: the rest moves to a new table) */
  CHECK(parse_array(exec(c, "SPOP", "big", "100", NULL), &x) == 100);
  elems_free(&x);
  CHECK_REPLY(c, ":900\r\n", "SCARD", "big");
  CHECK(parse_array(exec(c, "SPOP", "big", "800", NULL), &x) == 800);
  qsort(x.v, (size_t)x.n, sizeof *x.v, cmp_str);
  int distinct = 1;
  for (long j = 1; j < x.n; j++) distinct &= strcmp(x.v[j - 1], x.v[j]) != 0;
  CHECK(distinct);
  for (long j = 0; j < x.n; j++)
    CHECK(strcmp(exec(c, "SISMEMBER", "big", x.v[j], NULL), ":0\r\n") == 0);
  elems_free(&x);
  CHECK_REPLY(c, ":100\r\n", "SCARD", "big");
  CHECK(strcmp(enc(c, "big"), "hashtable") == 0);
  CHECK(parse_array(exec(c, "SPOP", "small", "7", NULL), &x) == 7);
  elems_free(&x);
  CHECK_REPLY(c, ":3\r\n", "SCARD", "small");
  CHECK(strcmp(enc(c, "small"), "listpack") == 0);
  CHECK(parse_array(exec(c, "SPOP", "ints", "4", NULL), &x) == 4);
  elems_free(&x);
  CHECK(strcmp(enc(c, "ints"), "intset") == 0);
  CHECK(parse_array(exec(c, "SMEMBERS", "ints", NULL), &x) == 6);
  for (long j = 1; j < x.n; j++) CHECK(atoi(x.v[j - 1]) < atoi(x.v[j])); /* still sorted */
  elems_free(&x);
  CHECK(parse_array(exec(c, "SPOP", "big", "100", NULL), &x) == 100);
  elems_free(&x);
  CHECK_REPLY(c, ":0\r\n", "EXISTS", "big");
}

/* ------------------------------------------------------------------------------ SSCAN */

static void scans(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  sadd_n(c, "s", 0, 3000, "m%d");
  static uint8_t seen[3000];
  memset(seen, 0, sizeof seen);
  char cursor[32] = "0";
  int rounds = 0, bad = 0;
  do {
    elems x;
    const char *r = exec(c, "SSCAN", "s", cursor, "COUNT", "37", NULL);
    /* *2, the cursor bulk, then the array of members */
    const char *p = strstr(r, "\r\n") + 2;
    long cl = strtol(p + 1, NULL, 10);
    p = strstr(p, "\r\n") + 2;
    snprintf(cursor, sizeof cursor, "%.*s", (int)cl, p);
    parse_array(p + cl + 2, &x);
    bad += x.n > 37 * 20;
    for (long j = 0; j < x.n; j++)
      if (x.v[j][0] == 'm') seen[atoi(x.v[j] + 1)] = 1;
    elems_free(&x);
    /* the table changes under the scan: members added and removed meanwhile */
    if (rounds == 10) sadd_n(c, "s", 3000, 6000, "n%d");
    rounds++;
  } while (strcmp(cursor, "0") != 0 && rounds < 100000);
  int all = 1;
  for (int i = 0; i < 3000; i++) all &= seen[i];
  CHECK(all && bad == 0 && strcmp(cursor, "0") == 0);
  elems x;
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "SSCAN", "s", "0", "MATCH", "zzz*", "COUNT", "100000");
  parse_array(
      strstr(exec(c, "SSCAN", "s", "0", "MATCH", "m1?", "COUNT", "100000", NULL), "\r\n*") + 2, &x);
  CHECK(x.n == 10);
  elems_free(&x);
}

/* ------------------------------------------------------------------------------ memory */

/* MEMORY USAGE's value part is exactly what sm counts for the set, and deleting everything
 * leaves nothing counted under ST_SET; a huge set frees in bounded steps. */
static void accounting(st_client *c) {
  st_store *st = c->st;
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_SET));
  const char *kinds[] = { "%d", "m%d", "m%d" };
  int sizes[] = { 100, 100, 5000 };
  for (int k = 0; k < 3; k++) {
    sadd_n(c, "s", 0, sizes[k], kinds[k]);
    st_entry *e = find(c, "s");
    size_t ent =
        sm_usable(&st->mem, (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, e, entry_block_size(e));
    CHECK((int64_t)(obj_usage(st, e) + ent) == sm_owner_bytes(&st->mem, ST_SET));
    exec(c, "DEL", "s", NULL);
    lazy_drain_all(st); /* a big value is freed in the background */
    CHECK(owner_empty(st, ST_SET));
  }
  /* incremental free of a detached 20000-member set */
  sadd_n(c, "huge", 0, 20000, "member:%d");
  st_entry *e = find(c, "huge");
  void *val = e->val;
  unsigned en = entry_enc(e);
  uint8_t tier = entry_val_tier(e);
  uint8_t t2;
  e->val = is_new(&st->mem, ST_SET, &t2); /* the key keeps an empty stand-in */
  entry_set_enc(e, ENC_INTSET);
  entry_set_val_tier(e, t2);
  size_t left, steps = 0, prev = 20000;
  while ((left = set_free_step(st, val, en, tier, 1000)) != 0) {
    CHECK(left == prev - 1000);
    prev = left;
    steps++;
  }
  CHECK(steps == 19);
  exec(c, "DEL", "huge", NULL);
  CHECK(owner_empty(st, ST_SET));
}

/* ------------------------------------------------------------------------------ OOM */

/* A key's members, sorted and joined: content independent of table order. */
static void sorted_members(st_client *c, const char *key, char *out, size_t cap) {
  elems x;
  parse_array(exec(c, "SMEMBERS", key, NULL), &x);
  if (x.n > 0) qsort(x.v, (size_t)x.n, sizeof *x.v, cmp_str);
  size_t n = 0;
  out[0] = 0;
  for (long i = 0; i < x.n && n + x.len[i] + 2 < cap; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s,", x.v[i]);
  elems_free(&x);
}

/* Run `argv` under strict limits of DRAM and PMem at their live bytes plus `slack`, for
 * growing slack: every OOM reply must leave the keyspace and the accounting as they were,
 * and the first success must give `want`. */
static void oom_sweep(st_client *c, tm_heap *h, void (*setup)(st_client *), int argc,
                      const char **argv, const char *want, const char *check_key) {
  int saw_oom = 0, done = 0;
  for (size_t slack = 0; slack < 200000 && !done; slack += 1 + slack / 4) {
    exec(c, "FLUSHALL", NULL);
    setup(c);
    static char before[16384], now[16384];
    sorted_members(c, check_key, before, sizeof before);
    const char *be = enc(c, check_key);
    int64_t bytes = sm_total_bytes(&c->st->mem);
    tm_set_policy(h, TM_POLICY_STRICT);
    tm_set_limit(h, TM_DRAM, (size_t)tier_live(h, TM_DRAM) + slack);
    tm_set_limit(h, TM_PMEM, (size_t)tier_live(h, TM_PMEM) + slack);
    static char got[1 << 20];
    strcpy(got, exec_argv(c, argc, argv, NULL));
    int64_t after = sm_total_bytes(&c->st->mem);
    tm_set_limit(h, TM_DRAM, 0);
    tm_set_limit(h, TM_PMEM, 0);
    tm_set_policy(h, TM_POLICY_SPILL);
    if (strcmp(got, "-" ERR_OOM "\r\n") == 0) {
      saw_oom = 1;
      CHECK(after == bytes);
      sorted_members(c, check_key, now, sizeof now);
      CHECK(strcmp(now, before) == 0);
      CHECK(strcmp(enc(c, check_key), be) == 0);
    } else {
      CHECK(strncmp(got, want, strlen(want)) == 0);
      if (strncmp(got, want, strlen(want)) != 0)
        fprintf(stderr, "  oom sweep: got %s want %s\n", got, want);
      done = 1;
    }
  }
  CHECK(saw_oom && done);
  if (!(saw_oom && done))
    fprintf(stderr, "  oom sweep of %s %s: oom %d, done %d\n", argv[0], argv[2], saw_oom, done);
}

static void setup_lp(st_client *c) { sadd_n(c, "s", 0, 100, "m%d"); }
static void setup_is(st_client *c) { sadd_n(c, "s", 0, 127, "%d"); }
static void setup_ht(st_client *c) {
  sadd_n(c, "s", 0, 300, "m%d");
  sadd_n(c, "t", 0, 300, "%d");
}
static void setup_none(st_client *c) { (void)c; }

static void oom(st_client *c, tm_heap *h) {
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  const char *a1[] = { "SADD", "s", "n1", "n2", "n3", "m5" };
  oom_sweep(c, h, setup_lp, 6, a1, ":3\r\n", "s");
  const char *a2[] = {
    "SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k",  "l",  "m", "n",
    "o",    "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "aa", "bb", "cc"
  }; /* listpack -> hashtable midway */
  oom_sweep(c, h, setup_lp, 31, a2, ":29\r\n", "s");
  const char *a3[] = { "SADD", "s", "x" }; /* intset -> listpack */
  oom_sweep(c, h, setup_is, 3, a3, ":1\r\n", "s");
  const char *a4[] = { "SADD", "s", "x", "y", big }; /* intset -> hashtable */
  oom_sweep(c, h, setup_is, 5, a4, ":3\r\n", "s");
  const char *a5[] = { "SADD", "s", "new1", "new2", "m1", big };
  oom_sweep(c, h, setup_ht, 6, a5, ":3\r\n", "s");
  const char *a6[] = { "SADD", "s", "1", "2", "x" };
  oom_sweep(c, h, setup_none, 5, a6, ":3\r\n", "s");
  const char *a7[] = { "SUNIONSTORE", "s", "s", "t" };
  oom_sweep(c, h, setup_ht, 4, a7, ":600\r\n", "s");
  const char *a8[] = { "SMOVE", "t", "s", "5" };
  oom_sweep(c, h, setup_ht, 4, a8, ":1\r\n", "s");
  const char *a9[] = { "SPOP", "s", "250" };
  oom_sweep(c, h, setup_ht, 3, a9, "*250\r\n", "s");
}

int main(void) {
  srand(7);
  universe();
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  redis_cases(c);
  encodings(c);
  model_run(c, 20000);
  random_members(c);
  scans(c);
  accounting(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_SET));
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("set_test");
}
