/* zset_test.c - the sorted-set commands against redis-server 7.0.15's own replies (captured from
 * it, command by command, under both encodings), plus what a reply cannot show: encodings at
 * their thresholds, a randomized run against a model across every conversion, the blocking
 * engineer's pop export, exact accounting, incremental free of a huge zset, bounded range
 * deletion, and OOM leaving everything as it was. */
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "collhelp.h"
#include "entry.h"
#include "lazyfree.h"
#include "listpack.h"
#include "zsl.h"

/* ------------------------------------------------------------------------------ cases */

static void redis_cases(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* listpack encoding */
  CHECK_REPLY(c, ":3\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c");
  CHECK_REPLY(c, "-ERR XX and NX options at the same time are not compatible\r\n", "zadd", "z",
              "nx", "xx", "1", "a");
  CHECK_REPLY(c, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", "zadd",
              "z", "gt", "lt", "1", "a");
  CHECK_REPLY(c, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", "zadd",
              "z", "gt", "nx", "1", "a");
  CHECK_REPLY(c, "-ERR INCR option supports a single increment-element pair\r\n", "zadd", "z",
              "incr", "1", "a", "2", "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zadd", "z", "1", "a", "2");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z", "xx");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "z", "abc", "a");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "z", "nan", "a");
  CHECK_REPLY(c, ":0\r\n", "zadd", "z", "inf", "a");
  CHECK_REPLY(c, ":0\r\n", "zadd", "z", "-inf", "b");
  CHECK_REPLY(c, "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n$3\r\ninf\r\n",
              "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, "$3\r\ninf\r\n", "zadd", "z", "incr", "+inf", "a");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zadd", "z", "incr", "-inf",
              "a");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zincrby", "z", "-inf", "a");
  CHECK_REPLY(c, ":3\r\n", "zadd", "z", "ch", "5", "a", "6", "b", "7", "d");
  CHECK_REPLY(c, ":2\r\n", "zadd", "z", "gt", "ch", "1", "a", "10", "b", "8", "e");
  CHECK_REPLY(c, ":2\r\n", "zadd", "z", "lt", "ch", "1", "a", "10", "b", "9", "f");
  CHECK_REPLY(c, "$-1\r\n", "zadd", "z", "xx", "incr", "1", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zadd", "z", "nx", "incr", "1", "a");
  CHECK_REPLY(c, "$1\r\n1\r\n", "zadd", "z", "incr", "0", "a");
  CHECK_REPLY(c,
              "*12\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n7\r\n$"
              "1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n",
              "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, ":6\r\n", "zadd", "z", "0.1", "x", "1e300", "y", "5e18", "w", "4e18", "v", "-0",
              "u", "1.5e-310", "t");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$1\r\n0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, "$19\r\n0.10000000000000001\r\n", "zscore", "z", "x");
  CHECK_REPLY(c, "$-1\r\n", "zscore", "z", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zscore", "nokey", "x");
  CHECK_REPLY(c, "*3\r\n$19\r\n0.10000000000000001\r\n$-1\r\n$23\r\n1.0000000000000001e+300\r\n",
              "zmscore", "z", "x", "nosuch", "y");
  CHECK_REPLY(c, "*1\r\n$-1\r\n", "zmscore", "nokey", "a");
  CHECK_REPLY(c, ":2\r\n", "zrank", "z", "x");
  CHECK_REPLY(c, ":9\r\n", "zrevrank", "z", "x");
  CHECK_REPLY(c, "$-1\r\n", "zrank", "z", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zrank", "nokey", "a");
  CHECK_REPLY(c, ":12\r\n", "zcard", "z");
  CHECK_REPLY(c, ":0\r\n", "zcard", "nokey");
  CHECK_REPLY(c, ":12\r\n", "zcount", "z", "-inf", "+inf");
  CHECK_REPLY(c, ":10\r\n", "zcount", "z", "(0", "(1e300");
  CHECK_REPLY(c, ":0\r\n", "zcount", "z", "1", "0");
  CHECK_REPLY(c, ":1\r\n", "zcount", "z", "", "");
  CHECK_REPLY(c, "-ERR min or max is not a float\r\n", "zcount", "z", "abc", "1");
  CHECK_REPLY(c, "-ERR min or max is not a float\r\n", "zcount", "z", "nan", "1");
  CHECK_REPLY(c, ":2\r\n", "zcount", "z", " 1", "5");
  CHECK_REPLY(c, ":0\r\n", "zcount", "z", "(", "(");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$1\r\n0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrangebyscore", "z", "-inf", "+inf", "withscores");
  CHECK_REPLY(c,
              "*4\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$19\r\n0."
              "10000000000000001\r\n",
              "zrangebyscore", "z", "-inf", "+inf", "withscores", "limit", "1", "2");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2");
  CHECK_REPLY(c,
              "*12\r\n$1\r\nu\r\n$1\r\nt\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n$"
              "1\r\ne\r\n$1\r\nf\r\n$1\r\nb\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\ny\r\n",
              "zrangebyscore", "z", "-inf", "+inf", "limit", "0", "-1");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "0", "0");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "100", "1");
  CHECK_REPLY(c,
              "*6\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\nv\r\n$5\r\n4e+18\r\n$1\r\nb\r\n$2\r\n10\r\n",
              "zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "1", "3");
  CHECK_REPLY(c, "*4\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nt\r\n$1\r\nu\r\n", "zrevrangebyscore", "z", "1",
              "0");
  CHECK_REPLY(c,
              "*12\r\n$1\r\ny\r\n$1\r\nw\r\n$1\r\nv\r\n$1\r\nb\r\n$1\r\nf\r\n$1\r\ne\r\n$"
              "1\r\nd\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nt\r\n$1\r\nu\r\n",
              "zrange", "z", "0", "-1", "rev");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "(1", "+inf", "byscore", "rev");
  CHECK_REPLY(c,
              "*16\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$"
              "1\r\nv\r\n$5\r\n4e+18\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\ne\r\n$"
              "1\r\n8\r\n$1\r\nd\r\n$1\r\n7\r\n$1\r\nc\r\n$1\r\n3\r\n",
              "zrange", "z", "+inf", "(1", "byscore", "rev", "withscores");
  CHECK_REPLY(
      c,
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
      "zrange", "z", "0", "-1", "limit", "0", "1");
  CHECK_REPLY(c, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
              "zrange", "z", "-", "+", "bylex", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "rev", "rev");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "byscore", "bylex");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrangebyscore", "z", "0", "1", "rev");
  CHECK_REPLY(c,
              "*10\r\n$1\r\nt\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$"
              "1\r\nf\r\n$1\r\nb\r\n$1\r\nv\r\n$1\r\nw\r\n",
              "zrange", "z", "1", "-2");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$1\r\n0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrange", "z", "-100", "100", "withscores");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "5", "3");
  CHECK_REPLY(c,
              "*6\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$"
              "1\r\nv\r\n$5\r\n4e+18\r\n",
              "zrevrange", "z", "0", "2", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrevrange", "z", "0", "2", "withscores", "x");
  CHECK_REPLY(c, ":3\r\n", "zrangestore", "dst", "z", "0", "2");
  CHECK_REPLY(c,
              "*6\r\n$1\r\nu\r\n$1\r\n0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$"
              "1\r\nx\r\n$19\r\n0.10000000000000001\r\n",
              "zrange", "dst", "0", "-1", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrangestore", "dst", "z", "0", "2", "withscores");
  CHECK_REPLY(c, ":0\r\n", "zrangestore", "dst", "nokey", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "exists", "dst");
  CHECK_REPLY(c, "+OK\r\n", "set", "str", "x");
  CHECK_REPLY(c, ":12\r\n", "zrangestore", "str", "z", "0", "-1", "rev");
  CHECK_REPLY(c, "+zset\r\n", "type", "str");
  CHECK_REPLY(c, ":12\r\n", "zrangestore", "dst", "str", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "zadd", "str", "1", "a");
  CHECK_REPLY(c, "*2\r\n$1\r\nu\r\n$1\r\nt\r\n", "zrange", "str", "0", "1");
  CHECK_REPLY(c, ":2\r\n", "zrem", "z", "a", "b", "nosuch");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zrem' command\r\n", "zrem", "z");
  CHECK_REPLY(c, ":0\r\n", "zrem", "nokey", "a");
  CHECK_REPLY(c, ":2\r\n", "zremrangebyrank", "z", "0", "1");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nw\r\n$"
              "1\r\ny\r\n",
              "zrange", "z", "0", "-1");
  CHECK_REPLY(c, ":8\r\n", "zremrangebyscore", "z", "(0", "1e301");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, ":0\r\n", "zremrangebyrank", "z", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "exists", "z");
  CHECK_REPLY(c, ":5\r\n", "zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
  CHECK_REPLY(c, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", "zrangebylex",
              "l", "-", "+");
  CHECK_REPLY(c, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "zrangebylex", "l", "[b", "(d");
  CHECK_REPLY(c, "*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "zrevrangebylex", "l", "+", "-", "limit", "1",
              "2");
  CHECK_REPLY(c, "-ERR min or max not valid string range item\r\n", "zrangebylex", "l", "a", "c");
  CHECK_REPLY(c, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
              "zrangebylex", "l", "-", "+", "withscores");
  CHECK_REPLY(c, ":4\r\n", "zlexcount", "l", "[b", "+");
  CHECK_REPLY(c, ":0\r\n", "zlexcount", "l", "+", "-");
  CHECK_REPLY(c, "-ERR min or max not valid string range item\r\n", "zlexcount", "l", "x", "y");
  CHECK_REPLY(c, ":2\r\n", "zremrangebylex", "l", "(a", "[c");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n", "zrange", "l", "0", "-1");
  CHECK_REPLY(c, "*2\r\n$1\r\na\r\n$1\r\n0\r\n", "zpopmin", "l");
  CHECK_REPLY(c, "*4\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n", "zpopmax", "l", "5");
  CHECK_REPLY(c, ":4\r\n", "zadd", "p", "1", "a", "2", "b", "3", "c", "4", "d");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "p", "0");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "zpopmin", "p", "-1");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zpopmin", "p", "1", "2");
  CHECK_REPLY(c, "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n", "zpopmax", "p", "2");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "nokey");
  CHECK_REPLY(c, "*2\r\n$1\r\nu\r\n$1\r\n0\r\n", "zpopmin", "str");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "str", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zmpop", "1", "p", "min");
  CHECK_REPLY(c, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "zmpop", "2", "nokey", "p",
              "max", "count", "10");
  CHECK_REPLY(c, "*-1\r\n", "zmpop", "2", "nokey", "p", "max", "count", "10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "mid");
  CHECK_REPLY(c, "*2\r\n$3\r\nstr\r\n*1\r\n*2\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n",
              "zmpop", "1", "str", "min");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "zmpop", "0", "p", "min");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "3", "p", "min");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count", "1", "count", "2");
  CHECK_REPLY(c, ":0\r\n", "exists", "p");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zincrby' command\r\n", "zincrby", "z", "1");
  CHECK_REPLY(c, "$1\r\n1\r\n", "zincrby", "z", "1", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zincrby", "z", "nx", "a");
  CHECK_REPLY(c, "$3\r\n3.5\r\n", "zincrby", "z", "2.5", "a");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zincrby", "z", "x", "a");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* the same under skiplist encoding */
  c->st->cfg.zset_max_listpack_entries = 0;
  CHECK_REPLY(c, ":3\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c");
  CHECK_REPLY(c, "-ERR XX and NX options at the same time are not compatible\r\n", "zadd", "z",
              "nx", "xx", "1", "a");
  CHECK_REPLY(c, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", "zadd",
              "z", "gt", "lt", "1", "a");
  CHECK_REPLY(c, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", "zadd",
              "z", "gt", "nx", "1", "a");
  CHECK_REPLY(c, "-ERR INCR option supports a single increment-element pair\r\n", "zadd", "z",
              "incr", "1", "a", "2", "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zadd", "z", "1", "a", "2");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z", "xx");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "z", "abc", "a");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "z", "nan", "a");
  CHECK_REPLY(c, ":0\r\n", "zadd", "z", "inf", "a");
  CHECK_REPLY(c, ":0\r\n", "zadd", "z", "-inf", "b");
  CHECK_REPLY(c, "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n$3\r\ninf\r\n",
              "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, "$3\r\ninf\r\n", "zadd", "z", "incr", "+inf", "a");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zadd", "z", "incr", "-inf",
              "a");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zincrby", "z", "-inf", "a");
  CHECK_REPLY(c, ":3\r\n", "zadd", "z", "ch", "5", "a", "6", "b", "7", "d");
  CHECK_REPLY(c, ":2\r\n", "zadd", "z", "gt", "ch", "1", "a", "10", "b", "8", "e");
  CHECK_REPLY(c, ":2\r\n", "zadd", "z", "lt", "ch", "1", "a", "10", "b", "9", "f");
  CHECK_REPLY(c, "$-1\r\n", "zadd", "z", "xx", "incr", "1", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zadd", "z", "nx", "incr", "1", "a");
  CHECK_REPLY(c, "$1\r\n1\r\n", "zadd", "z", "incr", "0", "a");
  CHECK_REPLY(c,
              "*12\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n7\r\n$"
              "1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n",
              "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, ":6\r\n", "zadd", "z", "0.1", "x", "1e300", "y", "5e18", "w", "4e18", "v", "-0",
              "u", "1.5e-310", "t");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$2\r\n-0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, "$19\r\n0.10000000000000001\r\n", "zscore", "z", "x");
  CHECK_REPLY(c, "$-1\r\n", "zscore", "z", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zscore", "nokey", "x");
  CHECK_REPLY(c, "*3\r\n$19\r\n0.10000000000000001\r\n$-1\r\n$23\r\n1.0000000000000001e+300\r\n",
              "zmscore", "z", "x", "nosuch", "y");
  CHECK_REPLY(c, "*1\r\n$-1\r\n", "zmscore", "nokey", "a");
  CHECK_REPLY(c, ":2\r\n", "zrank", "z", "x");
  CHECK_REPLY(c, ":9\r\n", "zrevrank", "z", "x");
  CHECK_REPLY(c, "$-1\r\n", "zrank", "z", "nosuch");
  CHECK_REPLY(c, "$-1\r\n", "zrank", "nokey", "a");
  CHECK_REPLY(c, ":12\r\n", "zcard", "z");
  CHECK_REPLY(c, ":0\r\n", "zcard", "nokey");
  CHECK_REPLY(c, ":12\r\n", "zcount", "z", "-inf", "+inf");
  CHECK_REPLY(c, ":10\r\n", "zcount", "z", "(0", "(1e300");
  CHECK_REPLY(c, ":0\r\n", "zcount", "z", "1", "0");
  CHECK_REPLY(c, ":1\r\n", "zcount", "z", "", "");
  CHECK_REPLY(c, "-ERR min or max is not a float\r\n", "zcount", "z", "abc", "1");
  CHECK_REPLY(c, "-ERR min or max is not a float\r\n", "zcount", "z", "nan", "1");
  CHECK_REPLY(c, ":2\r\n", "zcount", "z", " 1", "5");
  CHECK_REPLY(c, ":0\r\n", "zcount", "z", "(", "(");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$2\r\n-0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrangebyscore", "z", "-inf", "+inf", "withscores");
  CHECK_REPLY(c,
              "*4\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$19\r\n0."
              "10000000000000001\r\n",
              "zrangebyscore", "z", "-inf", "+inf", "withscores", "limit", "1", "2");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2");
  CHECK_REPLY(c,
              "*12\r\n$1\r\nu\r\n$1\r\nt\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n$"
              "1\r\ne\r\n$1\r\nf\r\n$1\r\nb\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\ny\r\n",
              "zrangebyscore", "z", "-inf", "+inf", "limit", "0", "-1");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "0", "0");
  CHECK_REPLY(c, "*0\r\n", "zrangebyscore", "z", "-inf", "+inf", "limit", "100", "1");
  CHECK_REPLY(c,
              "*6\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\nv\r\n$5\r\n4e+18\r\n$1\r\nb\r\n$2\r\n10\r\n",
              "zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "1", "3");
  CHECK_REPLY(c, "*4\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nt\r\n$1\r\nu\r\n", "zrevrangebyscore", "z", "1",
              "0");
  CHECK_REPLY(c,
              "*12\r\n$1\r\ny\r\n$1\r\nw\r\n$1\r\nv\r\n$1\r\nb\r\n$1\r\nf\r\n$1\r\ne\r\n$"
              "1\r\nd\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nt\r\n$1\r\nu\r\n",
              "zrange", "z", "0", "-1", "rev");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "(1", "+inf", "byscore", "rev");
  CHECK_REPLY(c,
              "*16\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$"
              "1\r\nv\r\n$5\r\n4e+18\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\ne\r\n$"
              "1\r\n8\r\n$1\r\nd\r\n$1\r\n7\r\n$1\r\nc\r\n$1\r\n3\r\n",
              "zrange", "z", "+inf", "(1", "byscore", "rev", "withscores");
  CHECK_REPLY(
      c,
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
      "zrange", "z", "0", "-1", "limit", "0", "1");
  CHECK_REPLY(c, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
              "zrange", "z", "-", "+", "bylex", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "rev", "rev");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "byscore", "bylex");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrangebyscore", "z", "0", "1", "rev");
  CHECK_REPLY(c,
              "*10\r\n$1\r\nt\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$"
              "1\r\nf\r\n$1\r\nb\r\n$1\r\nv\r\n$1\r\nw\r\n",
              "zrange", "z", "1", "-2");
  CHECK_REPLY(
      c,
      "*24\r\n$1\r\nu\r\n$2\r\n-0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\nx\r\n$"
      "19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$"
      "1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nv\r\n$"
      "5\r\n4e+18\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrange", "z", "-100", "100", "withscores");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "5", "3");
  CHECK_REPLY(c,
              "*6\r\n$1\r\ny\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nw\r\n$5\r\n5e+18\r\n$"
              "1\r\nv\r\n$5\r\n4e+18\r\n",
              "zrevrange", "z", "0", "2", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrevrange", "z", "0", "2", "withscores", "x");
  CHECK_REPLY(c, ":3\r\n", "zrangestore", "dst", "z", "0", "2");
  CHECK_REPLY(c,
              "*6\r\n$1\r\nu\r\n$2\r\n-0\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n$"
              "1\r\nx\r\n$19\r\n0.10000000000000001\r\n",
              "zrange", "dst", "0", "-1", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrangestore", "dst", "z", "0", "2", "withscores");
  CHECK_REPLY(c, ":0\r\n", "zrangestore", "dst", "nokey", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "exists", "dst");
  CHECK_REPLY(c, "+OK\r\n", "set", "str", "x");
  CHECK_REPLY(c, ":12\r\n", "zrangestore", "str", "z", "0", "-1", "rev");
  CHECK_REPLY(c, "+zset\r\n", "type", "str");
  CHECK_REPLY(c, ":12\r\n", "zrangestore", "dst", "str", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "zadd", "str", "1", "a");
  CHECK_REPLY(c, "*2\r\n$1\r\nu\r\n$1\r\nt\r\n", "zrange", "str", "0", "1");
  CHECK_REPLY(c, ":2\r\n", "zrem", "z", "a", "b", "nosuch");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zrem' command\r\n", "zrem", "z");
  CHECK_REPLY(c, ":0\r\n", "zrem", "nokey", "a");
  CHECK_REPLY(c, ":2\r\n", "zremrangebyrank", "z", "0", "1");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nw\r\n$"
              "1\r\ny\r\n",
              "zrange", "z", "0", "-1");
  CHECK_REPLY(c, ":8\r\n", "zremrangebyscore", "z", "(0", "1e301");
  CHECK_REPLY(c, "*0\r\n", "zrange", "z", "0", "-1", "withscores");
  CHECK_REPLY(c, ":0\r\n", "zremrangebyrank", "z", "0", "-1");
  CHECK_REPLY(c, ":0\r\n", "exists", "z");
  CHECK_REPLY(c, ":5\r\n", "zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
  CHECK_REPLY(c, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", "zrangebylex",
              "l", "-", "+");
  CHECK_REPLY(c, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "zrangebylex", "l", "[b", "(d");
  CHECK_REPLY(c, "*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "zrevrangebylex", "l", "+", "-", "limit", "1",
              "2");
  CHECK_REPLY(c, "-ERR min or max not valid string range item\r\n", "zrangebylex", "l", "a", "c");
  CHECK_REPLY(c, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
              "zrangebylex", "l", "-", "+", "withscores");
  CHECK_REPLY(c, ":4\r\n", "zlexcount", "l", "[b", "+");
  CHECK_REPLY(c, ":0\r\n", "zlexcount", "l", "+", "-");
  CHECK_REPLY(c, "-ERR min or max not valid string range item\r\n", "zlexcount", "l", "x", "y");
  CHECK_REPLY(c, ":2\r\n", "zremrangebylex", "l", "(a", "[c");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n", "zrange", "l", "0", "-1");
  CHECK_REPLY(c, "*2\r\n$1\r\na\r\n$1\r\n0\r\n", "zpopmin", "l");
  CHECK_REPLY(c, "*4\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n", "zpopmax", "l", "5");
  CHECK_REPLY(c, ":4\r\n", "zadd", "p", "1", "a", "2", "b", "3", "c", "4", "d");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "p", "0");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "zpopmin", "p", "-1");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zpopmin", "p", "1", "2");
  CHECK_REPLY(c, "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n", "zpopmax", "p", "2");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "nokey");
  CHECK_REPLY(c, "*2\r\n$1\r\nu\r\n$2\r\n-0\r\n", "zpopmin", "str");
  CHECK_REPLY(c, "*0\r\n", "zpopmin", "str", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zmpop", "1", "p", "min");
  CHECK_REPLY(c, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "zmpop", "2", "nokey", "p",
              "max", "count", "10");
  CHECK_REPLY(c, "*-1\r\n", "zmpop", "2", "nokey", "p", "max", "count", "10");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "mid");
  CHECK_REPLY(c, "*2\r\n$3\r\nstr\r\n*1\r\n*2\r\n$1\r\nt\r\n$23\r\n1.5000000000000201e-310\r\n",
              "zmpop", "1", "str", "min");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "zmpop", "0", "p", "min");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "3", "p", "min");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count", "1", "count", "2");
  CHECK_REPLY(c, ":0\r\n", "exists", "p");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'zincrby' command\r\n", "zincrby", "z", "1");
  CHECK_REPLY(c, "$1\r\n1\r\n", "zincrby", "z", "1", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zincrby", "z", "nx", "a");
  CHECK_REPLY(c, "$3\r\n3.5\r\n", "zincrby", "z", "2.5", "a");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zincrby", "z", "x", "a");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "z");
  CHECK_REPLY(c, "$-1\r\n", "object", "encoding", "l");
  c->st->cfg.zset_max_listpack_entries = 128;
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* conversions: entries, member length, and back for STORE results only */
  CHECK_REPLY(c, ":3\r\n", "zadd", "big", "1",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "2", "b", "3",
              "c");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "big");
  CHECK_REPLY(c, ":2\r\n", "zrangestore", "small", "big", "1", "-1");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "object", "encoding", "small");
  CHECK_REPLY(c, ":1\r\n", "zrem", "big",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "big");
  CHECK_REPLY(c, "+zset\r\n", "type", "big");
  CHECK_REPLY(c, ":1\r\n", "zadd", "v", "1",
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "object", "encoding", "v");
  c->st->cfg.zset_max_listpack_value = 3;
  CHECK_REPLY(c, ":1\r\n", "zadd", "v", "2", "abcd");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "v");
  c->st->cfg.zset_max_listpack_value = 64;
  c->st->cfg.zset_max_listpack_entries = 3;
  CHECK_REPLY(c, ":3\r\n", "zadd", "w", "1", "a", "2", "b", "3", "c");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "object", "encoding", "w");
  CHECK_REPLY(c, ":1\r\n", "zadd", "w", "4", "d");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "w");
  CHECK_REPLY(c, "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
              "zpopmin", "w", "3");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "w");
  c->st->cfg.zset_max_listpack_entries = 128;
  /* scores as Redis prints them */
  CHECK_REPLY(c, ":9\r\n", "zadd", "s", "0.1", "a", "1e300", "b", "5e18", "c", "4e18", "d", "-0",
              "e", "1.5e-310", "f", "123456789.123456789", "g", "9007199254740993", "h", "1e-5",
              "i");
  CHECK_REPLY(
      c,
      "*18\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nf\r\n$23\r\n1.5000000000000201e-310\r\n$1\r\ni\r\n$"
      "22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\ng\r\n$"
      "18\r\n123456789.12345679\r\n$1\r\nh\r\n$16\r\n9007199254740992\r\n$1\r\nd\r\n$5\r\n4e+"
      "18\r\n$1\r\nc\r\n$5\r\n5e+18\r\n$1\r\nb\r\n$23\r\n1.0000000000000001e+300\r\n",
      "zrange", "s", "0", "-1", "withscores");
  CHECK_REPLY(c, "$19\r\n0.30000000000000004\r\n", "zadd", "s", "incr", "0.2", "a");
  CHECK_REPLY(c, "$15\r\n1.00000001e+308\r\n", "zincrby", "s", "1e308", "b");
  CHECK_REPLY(c, "$3\r\ninf\r\n", "zincrby", "s", "1e308", "b");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zincrby", "s", "-inf", "b");
  CHECK_REPLY(c, ":1\r\n", "zadd", "s", "inf", "z");
  CHECK_REPLY(c, "-ERR resulting score is not a number (NaN)\r\n", "zincrby", "s", "-inf", "z");
  CHECK_REPLY(c, "$3\r\ninf\r\n", "zscore", "s", "z");
  CHECK_REPLY(c, ":1\r\n", "zadd", "s", "0x10", "hex");
  CHECK_REPLY(c, "$2\r\n16\r\n", "zscore", "s", "hex");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "s", "1e400", "x");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "s", "1e-400", "x");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "s", " 1", "x");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "s", "1 ", "x");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "zadd", "s", "", "x");
  exec(c, "FLUSHALL", NULL);
}

static void redis_cases_ops(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* set algebra, random members, ZSCAN: listpack */
  CHECK_REPLY(c, ":3\r\n", "zadd", "a", "1", "x", "2", "y", "3", "z");
  CHECK_REPLY(c, ":3\r\n", "zadd", "b", "10", "y", "20", "z", "30", "w");
  CHECK_REPLY(c, ":3\r\n", "sadd", "s", "y", "w", "q");
  CHECK_REPLY(c, ":3\r\n", "sadd", "is", "1", "2", "3");
  CHECK_REPLY(c, ":3\r\n", "zadd", "n", "1", "1", "2", "2", "5", "5");
  CHECK_REPLY(c, "+OK\r\n", "set", "str", "v");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zunion", "2", "a", "b", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n34\r\n$1\r\nz\r\n$2\r\n66\r\n$"
              "1\r\nw\r\n$2\r\n90\r\n",
              "zunion", "2", "a", "b", "weights", "2", "3", "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "2", "a", "b", "weights", "2",
              "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "2", "a", "b", "weights", "2",
              "x");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$"
              "2\r\n30\r\n",
              "zunion", "2", "a", "b", "aggregate", "min", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zunion", "2", "a", "b", "aggregate", "max", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "2", "a", "b", "aggregate", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "2", "a", "b", "aggregate");
  CHECK_REPLY(c,
              "*10\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n13\r\n$"
              "1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n31\r\n",
              "zunion", "3", "a", "b", "s", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n5\r\n$"
              "1\r\n5\r\n",
              "zunion", "2", "n", "is", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n", "zinter", "2", "n", "is",
              "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n", "zinter", "2", "a", "b",
              "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\ny\r\n$2\r\n13\r\n", "zinter", "3", "a", "b", "s", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\nz\r\n$3\r\n-17\r\n$1\r\ny\r\n$2\r\n-8\r\n", "zinter", "2", "a", "b",
              "weights", "1", "-1", "aggregate", "sum", "withscores");
  CHECK_REPLY(c, "*0\r\n", "zinter", "2", "a", "nokey");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
              "zinter", "1", "a", "withscores");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "zinter",
              "2", "a", "str");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "zinter",
              "2", "str", "nokey", "weights", "x", "y");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n",
              "zinter", "2", "a", "a", "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zdiff", "2", "a", "b", "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\nz\r\n$2\r\n20\r\n", "zdiff", "2", "b", "s", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zdiff", "2", "b", "s", "weights", "1", "1");
  CHECK_REPLY(c, "*0\r\n", "zdiff", "1", "nokey");
  CHECK_REPLY(c, "*0\r\n", "zdiff", "2", "a", "a");
  CHECK_REPLY(c, ":4\r\n", "zunionstore", "d", "2", "a", "b");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zrange", "d", "0", "-1", "withscores");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "object", "encoding", "d");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunionstore", "d", "2", "a", "b", "withscores");
  CHECK_REPLY(c, ":2\r\n", "zinterstore", "d", "2", "a", "b");
  CHECK_REPLY(c, ":0\r\n", "zinterstore", "d", "2", "a", "nokey");
  CHECK_REPLY(c, ":0\r\n", "exists", "d");
  CHECK_REPLY(c, ":1\r\n", "zdiffstore", "d", "2", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zrange", "d", "0", "-1", "withscores");
  CHECK_REPLY(c, ":3\r\n", "zunionstore", "str", "1", "a");
  CHECK_REPLY(c, "+zset\r\n", "type", "str");
  CHECK_REPLY(c, ":2\r\n", "zintercard", "2", "a", "b");
  CHECK_REPLY(c, ":1\r\n", "zintercard", "2", "a", "b", "limit", "1");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "a", "b", "limit", "-1");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "a", "b", "limit", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zintercard", "2", "a", "b", "withscores");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zintercard' command\r\n", "zintercard",
              "0", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zintercard", "3", "a", "b");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zunion' command\r\n", "zunion", "0",
              "a");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zunion' command\r\n", "zunion", "-1",
              "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "1", "a", "weights");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n",
              "zunion", "1", "a", "weights", "inf", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nw\r\n$1\r\n0\r\n$1\r\nx\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$"
              "1\r\nz\r\n$3\r\ninf\r\n",
              "zunion", "2", "a", "b", "weights", "inf", "0", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n$"
              "1\r\nx\r\n$3\r\ninf\r\n",
              "zunion", "2", "a", "b", "weights", "inf", "-inf", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n", "zinter", "2", "a", "b",
              "weights", "inf", "-inf", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n", "zinter", "2", "a", "b",
              "weights", "inf", "-inf", "aggregate", "max", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$4\r\n-inf\r\n$1\r\nz\r\n$4\r\n-inf\r\n", "zinter", "2", "a",
              "b", "weights", "inf", "-inf", "aggregate", "min", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n", "zinter", "2", "a", "b",
              "weights", "0", "inf", "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "1", "a", "weights", "nan");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
              "zunion", "1", "a", "withscores", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunionstore", "d", "1", "a", "withscores");
  CHECK_REPLY(c, "*6\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n1\r\n",
              "zrandmember", "a", "10", "withscores");
  CHECK_REPLY(c, "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n", "zrandmember", "a", "3");
  CHECK_REPLY(c, "*0\r\n", "zrandmember", "a", "0");
  CHECK_REPLY(c, "*0\r\n", "zrandmember", "nokey", "5");
  CHECK_REPLY(c, "$-1\r\n", "zrandmember", "nokey");
  CHECK_REPLY(c, "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n", "zrandmember", "str", "5");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrandmember", "a", "1", "foo");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "zrandmember", "a", "x");
  CHECK_REPLY(c,
              "-ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807\r\n",
              "zrandmember", "a", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR value is out of range\r\n", "zrandmember", "a", "-4611686018427387904",
              "withscores");
  CHECK_REPLY(c, ":1\r\n", "zadd", "one", "1.5", "m");
  CHECK_REPLY(c, "*6\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n",
              "zrandmember", "one", "-3", "withscores");
  CHECK_REPLY(c, "*3\r\n$1\r\nm\r\n$1\r\nm\r\n$1\r\nm\r\n", "zrandmember", "one", "-3");
  CHECK_REPLY(c, "$1\r\nm\r\n", "zrandmember", "one");
  CHECK_REPLY(
      c,
      "*2\r\n$1\r\n0\r\n*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
      "zscan", "a", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zscan", "a", "0", "match", "x*");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zscan", "a", "0", "count", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "zscan", "a", "x");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "zscan", "nokey", "0");
  CHECK_REPLY(
      c,
      "*2\r\n$1\r\n0\r\n*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
      "zscan", "str", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "zscan", "str", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zscan", "a", "0", "match");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* the same under skiplist encoding (but a whole ZSCAN: hash order) */
  c->st->cfg.zset_max_listpack_entries = 0;
  CHECK_REPLY(c, ":3\r\n", "zadd", "a", "1", "x", "2", "y", "3", "z");
  CHECK_REPLY(c, ":3\r\n", "zadd", "b", "10", "y", "20", "z", "30", "w");
  CHECK_REPLY(c, ":3\r\n", "sadd", "s", "y", "w", "q");
  CHECK_REPLY(c, ":3\r\n", "sadd", "is", "1", "2", "3");
  CHECK_REPLY(c, ":3\r\n", "zadd", "n", "1", "1", "2", "2", "5", "5");
  CHECK_REPLY(c, "+OK\r\n", "set", "str", "v");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zunion", "2", "a", "b", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n34\r\n$1\r\nz\r\n$2\r\n66\r\n$"
              "1\r\nw\r\n$2\r\n90\r\n",
              "zunion", "2", "a", "b", "weights", "2", "3", "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "2", "a", "b", "weights", "2",
              "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "2", "a", "b", "weights", "2",
              "x");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$"
              "2\r\n30\r\n",
              "zunion", "2", "a", "b", "aggregate", "min", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zunion", "2", "a", "b", "aggregate", "max", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "2", "a", "b", "aggregate", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "2", "a", "b", "aggregate");
  CHECK_REPLY(c,
              "*10\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n13\r\n$"
              "1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n31\r\n",
              "zunion", "3", "a", "b", "s", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n5\r\n$"
              "1\r\n5\r\n",
              "zunion", "2", "n", "is", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n", "zinter", "2", "n", "is",
              "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n", "zinter", "2", "a", "b",
              "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\ny\r\n$2\r\n13\r\n", "zinter", "3", "a", "b", "s", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\nz\r\n$3\r\n-17\r\n$1\r\ny\r\n$2\r\n-8\r\n", "zinter", "2", "a", "b",
              "weights", "1", "-1", "aggregate", "sum", "withscores");
  CHECK_REPLY(c, "*0\r\n", "zinter", "2", "a", "nokey");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
              "zinter", "1", "a", "withscores");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "zinter",
              "2", "a", "str");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "zinter",
              "2", "str", "nokey", "weights", "x", "y");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n",
              "zinter", "2", "a", "a", "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zdiff", "2", "a", "b", "withscores");
  CHECK_REPLY(c, "*2\r\n$1\r\nz\r\n$2\r\n20\r\n", "zdiff", "2", "b", "s", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zdiff", "2", "b", "s", "weights", "1", "1");
  CHECK_REPLY(c, "*0\r\n", "zdiff", "1", "nokey");
  CHECK_REPLY(c, "*0\r\n", "zdiff", "2", "a", "a");
  CHECK_REPLY(c, ":4\r\n", "zunionstore", "d", "2", "a", "b");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$"
              "1\r\nw\r\n$2\r\n30\r\n",
              "zrange", "d", "0", "-1", "withscores");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "object", "encoding", "d");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunionstore", "d", "2", "a", "b", "withscores");
  CHECK_REPLY(c, ":2\r\n", "zinterstore", "d", "2", "a", "b");
  CHECK_REPLY(c, ":0\r\n", "zinterstore", "d", "2", "a", "nokey");
  CHECK_REPLY(c, ":0\r\n", "exists", "d");
  CHECK_REPLY(c, ":1\r\n", "zdiffstore", "d", "2", "a", "b");
  CHECK_REPLY(c, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zrange", "d", "0", "-1", "withscores");
  CHECK_REPLY(c, ":3\r\n", "zunionstore", "str", "1", "a");
  CHECK_REPLY(c, "+zset\r\n", "type", "str");
  CHECK_REPLY(c, ":2\r\n", "zintercard", "2", "a", "b");
  CHECK_REPLY(c, ":1\r\n", "zintercard", "2", "a", "b", "limit", "1");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "a", "b", "limit", "-1");
  CHECK_REPLY(c, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "a", "b", "limit", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zintercard", "2", "a", "b", "withscores");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zintercard' command\r\n", "zintercard",
              "0", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zintercard", "3", "a", "b");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zunion' command\r\n", "zunion", "0",
              "a");
  CHECK_REPLY(c, "-ERR at least 1 input key is needed for 'zunion' command\r\n", "zunion", "-1",
              "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunion", "1", "a", "weights");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n",
              "zunion", "1", "a", "weights", "inf", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nw\r\n$1\r\n0\r\n$1\r\nx\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$"
              "1\r\nz\r\n$3\r\ninf\r\n",
              "zunion", "2", "a", "b", "weights", "inf", "0", "withscores");
  CHECK_REPLY(c,
              "*8\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n$"
              "1\r\nx\r\n$3\r\ninf\r\n",
              "zunion", "2", "a", "b", "weights", "inf", "-inf", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n", "zinter", "2", "a", "b",
              "weights", "inf", "-inf", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n", "zinter", "2", "a", "b",
              "weights", "inf", "-inf", "aggregate", "max", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$4\r\n-inf\r\n$1\r\nz\r\n$4\r\n-inf\r\n", "zinter", "2", "a",
              "b", "weights", "inf", "-inf", "aggregate", "min", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n", "zinter", "2", "a", "b",
              "weights", "0", "inf", "withscores");
  CHECK_REPLY(c, "-ERR weight value is not a float\r\n", "zunion", "1", "a", "weights", "nan");
  CHECK_REPLY(c, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
              "zunion", "1", "a", "withscores", "withscores");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zunionstore", "d", "1", "a", "withscores");
  CHECK_REPLY(c, "*6\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n1\r\n",
              "zrandmember", "a", "10", "withscores");
  CHECK_REPLY(c, "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n", "zrandmember", "a", "3");
  CHECK_REPLY(c, "*0\r\n", "zrandmember", "a", "0");
  CHECK_REPLY(c, "*0\r\n", "zrandmember", "nokey", "5");
  CHECK_REPLY(c, "$-1\r\n", "zrandmember", "nokey");
  CHECK_REPLY(c, "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n", "zrandmember", "str", "5");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zrandmember", "a", "1", "foo");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "zrandmember", "a", "x");
  CHECK_REPLY(c,
              "-ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807\r\n",
              "zrandmember", "a", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR value is out of range\r\n", "zrandmember", "a", "-4611686018427387904",
              "withscores");
  CHECK_REPLY(c, ":1\r\n", "zadd", "one", "1.5", "m");
  CHECK_REPLY(c, "*6\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n",
              "zrandmember", "one", "-3", "withscores");
  CHECK_REPLY(c, "*3\r\n$1\r\nm\r\n$1\r\nm\r\n$1\r\nm\r\n", "zrandmember", "one", "-3");
  CHECK_REPLY(c, "$1\r\nm\r\n", "zrandmember", "one");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "zscan", "a", "0", "match", "x*");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zscan", "a", "0", "count", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "zscan", "a", "x");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "zscan", "nokey", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "zscan", "str", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "zscan", "a", "0", "match");
  c->st->cfg.zset_max_listpack_entries = 128;
  exec(c, "FLUSHALL", NULL);
}

/* ------------------------------------------------------------------------------ model */

#define NK 3
#define NU 200
static char U[NU][128];
static const char *keyname(int k) { return k == 0 ? "k0" : k == 1 ? "k1" : "k2"; }

static void universe(void) {
  for (int i = 0; i < NU; i++) {
    if (i % 23 == 0) /* long members: past zset-max-listpack-value */
      snprintf(U[i], sizeof U[i], "long-member-%d-%070d", i, i);
    else
      snprintf(U[i], sizeof U[i], i % 3 ? "m%d" : "%d", i);
  }
}

typedef struct model {
  int in[NK][NU];
  double score[NK][NU];
} model;

static int zcmp_model(const model *m, int k, int a, int b) {
  if (m->score[k][a] != m->score[k][b]) return m->score[k][a] < m->score[k][b] ? -1 : 1;
  size_t la = strlen(U[a]), lb = strlen(U[b]), n = la < lb ? la : lb;
  int r = memcmp(U[a], U[b], n);
  return r ? r : (la < lb ? -1 : la > lb);
}

/* The model's members of key k in (score, member) order; returns the count. */
static int sorted(const model *m, int k, int *out) {
  int n = 0;
  for (int j = 0; j < NU; j++)
    if (m->in[k][j]) {
      int i = n++;
      while (i > 0 && zcmp_model(m, k, out[i - 1], j) > 0) {
        out[i] = out[i - 1];
        i--;
      }
      out[i] = j;
    }
  return n;
}

static char *fmt_score(double d, char *buf) {
  if (isinf(d))
    strcpy(buf, d > 0 ? "inf" : "-inf");
  else
    snprintf(buf, 64, "%.17g", d);
  return buf;
}

static void expect_range(const model *m, int k, char *out, size_t cap) {
  int ord[NU], n = sorted(m, k, ord);
  size_t p = (size_t)snprintf(out, cap, "*%d\r\n", n * 2);
  char sb[64];
  for (int i = 0; i < n; i++) {
    fmt_score(m->score[k][ord[i]], sb);
    p += (size_t)snprintf(out + p, cap - p, "$%zu\r\n%s\r\n$%zu\r\n%s\r\n", strlen(U[ord[i]]),
                          U[ord[i]], strlen(sb), sb);
  }
}

static void model_run(st_client *c, int steps) {
  exec(c, "FLUSHALL", NULL);
  c->st->cfg.zset_max_listpack_entries = 16;
  static model m;
  memset(&m, 0, sizeof m);
  static char want[1 << 16];
  int bad = 0;
  char sb[64], sb2[64];
  for (int step = 0; step < steps && bad < 5; step++) {
    int k = rand() % NK, op = rand() % 100, ok = 1;
    const char *key = keyname(k);
    if (op < 40) { /* ZADD [NX|XX] [GT|LT] [CH] pairs */
      const char *argv[32];
      int argc = 0, nx = rand() % 8 == 0, xx = !nx && rand() % 8 == 0;
      int gt = !nx && rand() % 8 == 0, lt = !nx && !gt && rand() % 8 == 0, ch = rand() % 2;
      argv[argc++] = "ZADD";
      argv[argc++] = key;
      if (nx) argv[argc++] = "NX";
      if (xx) argv[argc++] = "XX";
      if (gt) argv[argc++] = "GT";
      if (lt) argv[argc++] = "LT";
      if (ch) argv[argc++] = "CH";
      static char scores[8][64];
      long added = 0, changed = 0;
      int n = 1 + rand() % 6;
      for (int i = 0; i < n; i++) {
        int j = rand() % NU;
        double s = (rand() % 21 - 10) / 2.0;
        if (rand() % 50 == 0) s = rand() % 2 ? INFINITY : -INFINITY;
        fmt_score(s, scores[i]);
        argv[argc++] = scores[i];
        argv[argc++] = U[j];
        int had = m.in[k][j];
        double cur = m.score[k][j];
        if ((had && nx) || (!had && xx) || (had && gt && s <= cur) || (had && lt && s >= cur))
          continue;
        if (!had) added++;
        if (had && s != cur) changed++;
        m.in[k][j] = 1;
        m.score[k][j] = s;
      }
      const char *r = exec_argv(c, argc, argv, NULL);
      ok = r[0] == ':' && atol(r + 1) == (ch ? added + changed : added);
    } else if (op < 50) { /* ZINCRBY */
      int j = rand() % NU;
      double by = (rand() % 7 - 3) / 2.0;
      m.score[k][j] = (m.in[k][j] ? m.score[k][j] : 0) + by;
      m.in[k][j] = 1;
      char want1[128];
      snprintf(want1, sizeof want1, "$%zu\r\n%s\r\n", strlen(fmt_score(m.score[k][j], sb)), sb);
      ok = strcmp(exec(c, "ZINCRBY", key, fmt_score(by, sb2), U[j], NULL), want1) == 0;
    } else if (op < 62) { /* ZREM */
      int j = rand() % NU, j2 = rand() % NU;
      long n = m.in[k][j] + (j2 != j && m.in[k][j2]);
      m.in[k][j] = m.in[k][j2] = 0;
      const char *r = exec(c, "ZREM", key, U[j], U[j2], NULL);
      ok = r[0] == ':' && atol(r + 1) == n;
    } else if (op < 68) { /* ZPOPMIN / ZPOPMAX count */
      int ord[NU], n = sorted(&m, k, ord), cnt = 1 + rand() % 3, max = rand() % 2;
      if (cnt > n) cnt = n;
      size_t p = (size_t)snprintf(want, sizeof want, "*%d\r\n", cnt * 2);
      for (int i = 0; i < cnt; i++) {
        int j = ord[max ? n - 1 - i : i];
        fmt_score(m.score[k][j], sb);
        p += (size_t)snprintf(want + p, sizeof want - p, "$%zu\r\n%s\r\n$%zu\r\n%s\r\n",
                              strlen(U[j]), U[j], strlen(sb), sb);
        m.in[k][j] = 0;
      }
      char cs[8];
      snprintf(cs, sizeof cs, "%d", 1 + (cnt > 0 ? cnt - 1 : 0));
      const char *r = exec(c, max ? "ZPOPMAX" : "ZPOPMIN", key, cnt ? cs : "1", NULL);
      ok = n == 0 ? strcmp(r, "*0\r\n") == 0 : strcmp(r, want) == 0;
    } else if (op < 72) { /* ZREMRANGEBYRANK */
      int ord[NU], n = sorted(&m, k, ord), a = rand() % 6 - 2, b = rand() % 6 - 2;
      char as[8], bs[8];
      snprintf(as, sizeof as, "%d", a);
      snprintf(bs, sizeof bs, "%d", b);
      long s0 = a < 0 ? n + a : a, e0 = b < 0 ? n + b : b, removed = 0;
      if (s0 < 0) s0 = 0;
      if (e0 >= n) e0 = n - 1;
      for (long i = s0; i <= e0 && s0 < n; i++, removed++) m.in[k][ord[i]] = 0;
      const char *r = exec(c, "ZREMRANGEBYRANK", key, as, bs, NULL);
      ok = r[0] == ':' && atol(r + 1) == removed;
    } else if (op < 76) { /* ZREMRANGEBYSCORE (lo hi] */
      double lo = (rand() % 11 - 5) / 2.0, hi = lo + (rand() % 4) / 2.0;
      long removed = 0;
      for (int j = 0; j < NU; j++)
        if (m.in[k][j] && m.score[k][j] > lo && m.score[k][j] <= hi) {
          m.in[k][j] = 0;
          removed++;
        }
      char los[64];
      snprintf(los, sizeof los, "(%s", fmt_score(lo, sb));
      const char *r = exec(c, "ZREMRANGEBYSCORE", key, los, fmt_score(hi, sb2), NULL);
      ok = r[0] == ':' && atol(r + 1) == removed;
    } else if (op < 88) { /* ZRANK / ZREVRANK / ZSCORE / ZCOUNT */
      int ord[NU], n = sorted(&m, k, ord), j = rand() % NU, rank = -1;
      for (int i = 0; i < n; i++)
        if (ord[i] == j) rank = i;
      char w[128];
      if (rank < 0)
        strcpy(w, "$-1\r\n");
      else
        snprintf(w, sizeof w, ":%d\r\n", rank);
      ok = strcmp(exec(c, "ZRANK", key, U[j], NULL), w) == 0;
      if (rank >= 0) snprintf(w, sizeof w, ":%d\r\n", n - 1 - rank);
      ok = ok && strcmp(exec(c, "ZREVRANK", key, U[j], NULL), w) == 0;
      double lo = (rand() % 11 - 5) / 2.0;
      long cnt = 0;
      for (int i = 0; i < n; i++) cnt += m.score[k][ord[i]] >= lo;
      snprintf(w, sizeof w, ":%ld\r\n", cnt);
      ok = ok && strcmp(exec(c, "ZCOUNT", key, fmt_score(lo, sb), "+inf", NULL), w) == 0;
    } else { /* the whole content */
      expect_range(&m, k, want, sizeof want);
      ok = strcmp(exec(c, "ZRANGE", key, "0", "-1", "WITHSCORES", NULL), want) == 0;
      int n = 0;
      for (int j = 0; j < NU; j++) n += m.in[k][j];
      /* the encoding follows the limits: listpack only while small and short */
      int small = n <= 16, shortm = 1;
      for (int j = 0; j < NU; j++)
        if (m.in[k][j] && strlen(U[j]) > 64) shortm = 0;
      const char *e = enc(c, key);
      if (n == 0) ok = ok && strcmp(e, "none") == 0;
      if (n > 0 && !(small && shortm)) ok = ok && strcmp(e, "skiplist") == 0;
    }
    if (!ok) {
      bad++;
      fprintf(stderr, "  model step %d op %d key %s differs\n", step, op, key);
    }
  }
  CHECK(bad == 0);
  c->st->cfg.zset_max_listpack_entries = 128;
}

/* ------------------------------------------------------------------------------ export */

/* zset_pop_reply in the forms the blocking pops use. */
static void pop_export(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  exec(c, "ZADD", "bz", "1", "a", "2", "b", "3", "c", NULL);
  st_entry *e = find(c, "bz");
  zset_pop_reply(c, c->db, e, 0, 1, ZPOP_REPLY_KEYED);
  char out[512];
  size_t n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = 0;
  CHECK(strcmp(out, "*3\r\n$2\r\nbz\r\n$1\r\na\r\n$1\r\n1\r\n") == 0);
  e = find(c, "bz");
  zset_pop_reply(c, c->db, e, 1, 5, ZPOP_REPLY_MPOP);
  n = reply_take(&c->out, out, sizeof out - 1);
  out[n] = 0;
  CHECK(strcmp(out, "*2\r\n$2\r\nbz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2"
                    "\r\n") == 0);
  CHECK(find(c, "bz") == NULL); /* emptied: deleted */
}

/* ------------------------------------------------------------------------------ memory */

static void zadd_n(st_client *c, const char *key, int from, int to, const char *fmt) {
  static const char *argv[2 + 2 * 500];
  static char buf[500][2][64];
  for (int i = from; i < to;) {
    int argc = 0;
    argv[argc++] = "ZADD";
    argv[argc++] = key;
    for (int k = 0; k < 500 && i < to; k++, i++) {
      snprintf(buf[k][0], 64, "%d", i % 1000);
      snprintf(buf[k][1], 64, fmt, i);
      argv[argc++] = buf[k][0];
      argv[argc++] = buf[k][1];
    }
    exec_argv(c, argc, argv, NULL);
  }
}

/* MEMORY USAGE's value part is what sm counts for the zset; deleting everything leaves nothing
 * counted under ST_ZSET; a huge zset frees in bounded steps; a rank deletion on it touches only
 * what it removes. */
static void accounting(st_client *c) {
  st_store *st = c->st;
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_ZSET));
  int sizes[] = { 100, 5000 };
  for (int k = 0; k < 2; k++) {
    zadd_n(c, "z", 0, sizes[k], "m%d");
    st_entry *e = find(c, "z");
    CHECK(strcmp(obj_encoding_name(e), k ? "skiplist" : "listpack") == 0);
    size_t ent =
        sm_usable(&st->mem, (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, e, entry_block_size(e));
    CHECK((int64_t)(obj_usage(st, e) + ent) == sm_owner_bytes(&st->mem, ST_ZSET));
    exec(c, "DEL", "z", NULL);
    lazy_drain_all(st);
    CHECK(owner_empty(st, ST_ZSET));
  }
  /* incremental free of a detached 20000-member zset */
  zadd_n(c, "huge", 0, 20000, "member:%d");
  st_entry *e = find(c, "huge");
  void *val = e->val;
  uint8_t tier = entry_val_tier(e), t2;
  e->val = lp_new(&st->mem, ST_ZSET, &t2); /* the key keeps an empty stand-in */
  entry_set_enc(e, ENC_LISTPACK);
  entry_set_val_tier(e, t2);
  size_t left, steps = 0, prev = 20000;
  while ((left = zset_free_step(st, val, ENC_SKIPLIST, tier, 1000)) != 0) {
    CHECK(left == prev - 1000);
    prev = left;
    steps++;
  }
  CHECK(steps == 19);
  exec(c, "DEL", "huge", NULL);
  CHECK(owner_empty(st, ST_ZSET));
  /* DEL of a huge zset: one bounded step now, the rest queued */
  zadd_n(c, "huge", 0, 200000, "member:%d");
  CHECK_REPLY(c, ":1\r\n", "DEL", "huge");
  CHECK(st->lazy_pending > 0);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_ZSET));
  /* ZREMRANGEBYRANK near the end of a big zset costs O(log n + m): far less than a walk */
  zadd_n(c, "big", 0, 200000, "member:%d");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < 1000; i++) exec(c, "ZREMRANGEBYRANK", "big", "-2", "-2", NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / 1000;
  CHECK_REPLY(c, ":199000\r\n", "ZCARD", "big");
  CHECK(us < 200); /* a walk to rank 199000 would be milliseconds each */
  if (us >= 200) fprintf(stderr, "  ZREMRANGEBYRANK took %.1f us\n", us);
  exec(c, "DEL", "big", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_ZSET));
}

/* ------------------------------------------------------------------------------ random, scan */

/* ZRANDMEMBER: distinct members of the zset for a positive count (every strategy), count picks
 * with repeats for a negative one, scores that belong to them; ZSCAN: every member exactly
 * where it should be across a full cursor walk of a skiplist that grows meanwhile. */
static void random_and_scan(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  zadd_n(c, "small", 0, 50, "m%d"); /* listpack */
  zadd_n(c, "big", 0, 3000, "m%d"); /* skiplist */
  const char *keys[] = { "small", "big" };
  const char *counts[] = { "1", "10", "49", "100", "2999" };
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 5; i++) {
      elems x;
      long want = atol(counts[i]), size = k ? 3000 : 50;
      if (want > size) want = size;
      parse_array(exec(c, "ZRANDMEMBER", keys[k], counts[i], "WITHSCORES", NULL), &x);
      int ok = x.n == want * 2;
      static char seen[3000];
      memset(seen, 0, sizeof seen);
      for (long j = 0; ok && j < x.n; j += 2) {
        int id = atoi(x.v[j] + 1);
        ok = x.v[j][0] == 'm' && id >= 0 && id < size && !seen[id] && atoi(x.v[j + 1]) == id % 1000;
        seen[id] = 1;
      }
      CHECK(ok);
      if (!ok) fprintf(stderr, "  zrandmember %s %s: %ld elems\n", keys[k], counts[i], x.n);
      elems_free(&x);
    }
  elems x;
  parse_array(exec(c, "ZRANDMEMBER", "big", "-5000", NULL), &x);
  CHECK(x.n == 5000);
  elems_free(&x);
  parse_array(exec(c, "ZRANDMEMBER", "small", "-7", "WITHSCORES", NULL), &x);
  CHECK(x.n == 14);
  elems_free(&x);
  /* a full ZSCAN of a skiplist, growing under the cursor */
  static char seen[6000];
  memset(seen, 0, sizeof seen);
  char cursor[32] = "0";
  int rounds = 0, bad = 0;
  do {
    const char *r = exec(c, "ZSCAN", "big", cursor, "COUNT", "37", NULL);
    const char *p = strstr(r, "\r\n") + 2;
    long cl = strtol(p + 1, NULL, 10);
    p = strstr(p, "\r\n") + 2;
    snprintf(cursor, sizeof cursor, "%.*s", (int)cl, p);
    parse_array(p + cl + 2, &x);
    for (long j = 0; j + 1 < x.n; j += 2) {
      int id = atoi(x.v[j] + 1);
      bad += x.v[j][0] != 'm' || atoi(x.v[j + 1]) != id % 1000;
      if (id >= 0 && id < 6000) seen[id] = 1;
    }
    elems_free(&x);
    if (rounds == 10) zadd_n(c, "big", 3000, 6000, "m%d");
    rounds++;
  } while (strcmp(cursor, "0") != 0 && rounds < 100000);
  int all = 1;
  for (int i = 0; i < 3000; i++) all &= seen[i];
  CHECK(all && bad == 0 && strcmp(cursor, "0") == 0);
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "ZSCAN", "big", "0", "MATCH", "zzz*", "COUNT",
              "100000");
  exec(c, "FLUSHALL", NULL);
}

/* ------------------------------------------------------------------------------ OOM */

static void oom_sweep(st_client *c, tm_heap *h, void (*setup)(st_client *), int argc,
                      const char **argv, const char *want, const char *check_key) {
  int saw_oom = 0, done = 0;
  for (size_t slack = 0; slack < 400000 && !done; slack += 1 + slack / 4) {
    exec(c, "FLUSHALL", NULL);
    lazy_drain_all(c->st);
    setup(c);
    static char before[1 << 18], now[1 << 18];
    strcpy(before, exec(c, "ZRANGE", check_key, "0", "-1", "WITHSCORES", NULL));
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
      if (after != bytes)
        fprintf(stderr, "  oom sweep of %s %s: %lld bytes left\n", argv[0], argv[1],
                (long long)(after - bytes));
      strcpy(now, exec(c, "ZRANGE", check_key, "0", "-1", "WITHSCORES", NULL));
      CHECK(strcmp(now, before) == 0);
      CHECK(strcmp(enc(c, check_key), be) == 0);
    } else {
      CHECK(strncmp(got, want, strlen(want)) == 0);
      if (strncmp(got, want, strlen(want)) != 0)
        fprintf(stderr, "  oom sweep: got %.200s want %s\n", got, want);
      done = 1;
    }
  }
  CHECK(saw_oom && done);
  if (!(saw_oom && done))
    fprintf(stderr, "  oom sweep of %s %s: oom %d, done %d\n", argv[0], argv[1], saw_oom, done);
}

static void setup_lp(st_client *c) { zadd_n(c, "z", 0, 100, "m%d"); }
static void setup_sl(st_client *c) {
  zadd_n(c, "z", 0, 300, "m%d");
  zadd_n(c, "t", 0, 300, "n%d");
  /* Finish the member dicts' incremental rehash: a lookup's rehash step frees an old table,
   * which the byte comparison would see. */
  const char *names[] = { "z", "t" };
  for (int i = 0; i < 2; i++) {
    st_entry *e = find(c, names[i]);
    if (e != NULL && entry_enc(e) == ENC_SKIPLIST)
      dict_rehash_steps(&((zset *)e->val)->members, SIZE_MAX);
  }
}
static void setup_none(st_client *c) { (void)c; }

static void oom(st_client *c, tm_heap *h) {
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  const char *a1[] = { "ZADD", "z", "1", "n1", "2", "n2", "3", "m5" };
  oom_sweep(c, h, setup_lp, 8, a1, ":2\r\n", "z");
  const char *a2[] = { "ZADD", "z", "1", "n1", "2", "n2", "3", big }; /* listpack -> skiplist */
  oom_sweep(c, h, setup_lp, 8, a2, ":3\r\n", "z");
  const char *a3[] = { "ZADD", "z", "1", "new1", "2", "new2", "999", "m1", "4", big };
  oom_sweep(c, h, setup_sl, 10, a3, ":3\r\n", "z");
  const char *a4[] = { "ZADD", "z", "1", "a", "2", "b" };
  oom_sweep(c, h, setup_none, 6, a4, ":2\r\n", "z");
  const char *a5[] = { "ZINCRBY", "z", "1000", "m3" }; /* moves within the listpack */
  oom_sweep(c, h, setup_lp, 4, a5, "$4\r\n1003\r\n", "z");
  const char *a6[] = { "ZREM", "z", "m1", "m2", "m3" };
  oom_sweep(c, h, setup_lp, 5, a6, ":3\r\n", "z");
  const char *a7[] = { "ZRANGESTORE", "z", "t", "0", "-1" };
  oom_sweep(c, h, setup_sl, 5, a7, ":300\r\n", "z");
  const char *a8[] = { "ZUNIONSTORE", "z", "2", "z", "t", "WEIGHTS", "2", "3" };
  oom_sweep(c, h, setup_sl, 8, a8, ":600\r\n", "z");
  const char *a9[] = { "ZINTERSTORE", "z", "2", "z", "z", "AGGREGATE", "MAX" };
  oom_sweep(c, h, setup_sl, 7, a9, ":300\r\n", "z");
  const char *a10[] = { "ZDIFFSTORE", "z", "2", "t", "z" };
  oom_sweep(c, h, setup_sl, 5, a10, ":300\r\n", "z");
}

/* A union's sum keeps IEEE's sign of zero: -0 (0 weighted by -1) + 0 is 0, as in Redis's
 * accumulator; an update to an equal score must not keep the old -0. */
static void negative_zero(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  CHECK_REPLY(c, ":2\r\n", "zadd", "c", "1", "y", "-0", "x");
  CHECK_REPLY(c, "*4\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n", "zunion", "2", "c", "c",
              "weights", "-1", "1", "withscores");
  CHECK_REPLY(c, "*4\r\n$1\r\ny\r\n$2\r\n-1\r\n$1\r\nx\r\n$2\r\n-0\r\n", "zunion", "2", "c", "c",
              "weights", "-1", "1", "withscores", "aggregate", "min");
  CHECK_REPLY(c, "*4\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n", "zinter", "2", "c", "c",
              "weights", "-1", "1", "withscores");
}

int main(void) {
  srand(11);
  universe();
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  /* A slow command (ASan, a loaded machine) would add a SLOWLOG entry: the OOM sweeps compare
   * every byte before and after. */
  st->cfg.slowlog_log_slower_than = -1;
  redis_cases(c);
  redis_cases_ops(c);
  negative_zero(c);
  model_run(c, 30000);
  pop_export(c);
  random_and_scan(c);
  accounting(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_ZSET));
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("zset_test");
}
