/* hash_test.c - the hash commands against redis-server 7.0.15's own replies (captured from it,
 * command by command, on listpack hashes, whose order Redis and this store share), plus what a
 * reply cannot show: encodings at their thresholds, a randomized run against a model across
 * the conversion, HRANDFIELD's strategies, HSCAN over a resizing table, value tiers,
 * incremental free, exact accounting and OOM. */
#include <stdint.h>

#include "collhelp.h"
#include "entry.h"
#include "lazyfree.h"
#include "listpack.h"

/* ------------------------------------------------------------------------------ cases */

static void redis_cases(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* the hash cases of test/store.commands.test.ts */
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "hello");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "f", "v");
  CHECK_REPLY(c, ":1\r\n", "sadd", "st", "m");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "get",
              "h");
  CHECK_REPLY(c, "-ERR hash value is not an integer\r\n", "hincrby", "h", "f", "1");
  CHECK_REPLY(c, ":5\r\n", "hincrby", "h", "g", "5");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "hincrby", "h", "g",
              "9223372036854775807");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hset' command\r\n", "hset", "h", "f");
  CHECK_REPLY(c, "*3\r\n$1\r\nv\r\n$1\r\n5\r\n$-1\r\n", "hmget", "h", "f", "g", "zz");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "hmget",
              "s", "f");
  CHECK_REPLY(c, ":1\r\n", "hdel", "h", "zz", "f");
  CHECK_REPLY(c, ":1\r\n", "hlen", "h");
  CHECK_REPLY(c, ":1\r\n", "hexists", "h", "g");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "getset",
              "h", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "append",
              "h", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "strlen",
              "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "incr",
              "h");
  CHECK_REPLY(c, "+hash\r\n", "type", "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "smembers", "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "hgetall", "st");
  CHECK_REPLY(c, ":2\r\n", "rpush", "l2", "a", "b");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "hgetall", "l2");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "hset",
              "l2", "f", "v");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* more, captured from redis-server 7.0.15 */
  CHECK_REPLY(c, ":3\r\n", "hset", "h", "a", "1", "b", "2", "c", "3", "a", "4");
  CHECK_REPLY(c, "*6\r\n$1\r\na\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
              "hgetall", "h");
  CHECK_REPLY(c, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "hkeys", "h");
  CHECK_REPLY(c, "*3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n3\r\n", "hvals", "h");
  CHECK_REPLY(c, ":3\r\n", "hlen", "h");
  CHECK_REPLY(c, "+OK\r\n", "hmset", "h", "d", "5");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hmset' command\r\n", "hmset", "h", "e");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hset' command\r\n", "hset", "h", "e");
  CHECK_REPLY(c, ":0\r\n", "hsetnx", "h", "a", "x");
  CHECK_REPLY(c, ":1\r\n", "hsetnx", "h", "z", "zz");
  CHECK_REPLY(c, "$2\r\nzz\r\n", "hget", "h", "z");
  CHECK_REPLY(c, "$-1\r\n", "hget", "h", "nope");
  CHECK_REPLY(c, "$-1\r\n", "hget", "nokey", "a");
  CHECK_REPLY(c, ":1\r\n", "hstrlen", "h", "a");
  CHECK_REPLY(c, ":2\r\n", "hstrlen", "h", "z");
  CHECK_REPLY(c, ":0\r\n", "hstrlen", "h", "nope");
  CHECK_REPLY(c, ":0\r\n", "hstrlen", "nokey", "a");
  CHECK_REPLY(c, ":0\r\n", "hexists", "h", "nope");
  CHECK_REPLY(c, ":0\r\n", "hexists", "nokey", "a");
  CHECK_REPLY(c, ":2\r\n", "hdel", "h", "a", "b", "nope");
  CHECK_REPLY(c, ":0\r\n", "hdel", "h", "a");
  CHECK_REPLY(c, "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n5\r\n$1\r\nz\r\n$2\r\nzz\r\n",
              "hgetall", "h");
  CHECK_REPLY(c, ":3\r\n", "hdel", "h", "c", "d", "z");
  CHECK_REPLY(c, ":0\r\n", "exists", "h");
  CHECK_REPLY(c, ":0\r\n", "hdel", "nokey", "a");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "n", "10");
  CHECK_REPLY(c, ":-10\r\n", "hincrby", "h", "n", "-20");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "hincrby", "h", "n", "x");
  CHECK_REPLY(c, ":9223372036854775797\r\n", "hincrby", "h", "n", "9223372036854775807");
  CHECK_REPLY(c, ":-11\r\n", "hincrby", "h", "n", "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "hincrby", "h", "new", "1");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "big", "9223372036854775807");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "hincrby", "h", "big", "1");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "small", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "hincrby", "h", "small", "-1");
  CHECK_REPLY(c, ":-9223372036854775808\r\n", "hincrby", "h", "small", "0");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "lead", "007");
  CHECK_REPLY(c, "-ERR hash value is not an integer\r\n", "hincrby", "h", "lead", "1");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "sp", " 1");
  CHECK_REPLY(c, "-ERR hash value is not an integer\r\n", "hincrby", "h", "sp", "1");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "empty", " ");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "empty2", "\"\"");
  CHECK_REPLY(c, "$4\r\n-9.5\r\n", "hincrbyfloat", "h", "n", "1.5");
  CHECK_REPLY(c, "-ERR value is NaN or Infinity\r\n", "hincrbyfloat", "h", "n", "inf");
  CHECK_REPLY(c, "-ERR value is NaN or Infinity\r\n", "hincrbyfloat", "h", "n", "-inf");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "hincrbyfloat", "h", "n", "nan");
  CHECK_REPLY(c, "-ERR value is not a valid float\r\n", "hincrbyfloat", "h", "n", "abc");
  CHECK_REPLY(c, "$1\r\n8\r\n", "hincrbyfloat", "h", "lead", "1");
  CHECK_REPLY(c, "$1\r\n3\r\n", "hincrbyfloat", "h", "f2", "3.0");
  CHECK_REPLY(c, "$1\r\n0\r\n", "hincrbyfloat", "h", "f3", "-0");
  CHECK_REPLY(c, "$21\r\n100000000000000000000\r\n", "hincrbyfloat", "h", "f4", "1e20");
  CHECK_REPLY(c, "$3\r\n0.1\r\n", "hincrbyfloat", "h", "f5", "0.1");
  CHECK_REPLY(c, "$3\r\n0.3\r\n", "hincrbyfloat", "h", "f5", "0.2");
  CHECK_REPLY(c, "$1\r\n0\r\n", "hincrbyfloat", "h", "f6", "5e-324");
  CHECK_REPLY(c,
              "$309\r\n1797693134862315699959210467741044340483864469443291784853144207651766285231"
              "243963547018686083870855644287934194255206893087083634511360553578972780264776170734"
              "989776862883948356181632940455944349295374472906274806694173846488791227762183335989"
              "53852832103282504751611691208117720159985926376802466863339536384\r\n",
              "hincrbyfloat", "h", "f7", "1.7976931348623157e308");
  CHECK_REPLY(c,
              "$309\r\n3595386269724631399918420935482088680967728938886583569706288415303532570462"
              "487927094037372167741711288575868388510413786174167269022721107157945560529552341469"
              "979553725767896712363265880911888698590748945812549613388347692977582455524366671979"
              "07705664206565009503223382416235440319971852753604933726679072768\r\n",
              "hincrbyfloat", "h", "f7", "1.7976931348623157e308");
  CHECK_REPLY(c, "$4\r\n10.5\r\n", "hincrbyfloat", "h", "f8", "10.50");
  CHECK_REPLY(c, "$2\r\n16\r\n", "hincrbyfloat", "h", "f9", "0x10");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "huge", "1e400");
  CHECK_REPLY(c,
              "$401\r\n1000000000000000000028188068394758651458645343362905203862591069353968553400"
              "862986203936399484832416052209405392731761620029582277725925573402382897659334066101"
              "779744743454617391786244811667497172377894382439159333804747067502624668440135923751"
              "360383034373548550524495596497902182503828009106841494740245689865304095101751265809"
              "2615827588920183472511643316591362664138176309734806343732497430221946880\r\n",
              "hincrbyfloat", "h", "huge", "1");
  CHECK_REPLY(c, "$1\r\n1\r\n", "hincrbyfloat", "s", "f", "1");
  CHECK_REPLY(c, "$3\r\n2.5\r\n", "hincrbyfloat", "nokey2", "f", "2.5");
  CHECK_REPLY(c, "*2\r\n$1\r\nf\r\n$3\r\n2.5\r\n", "hgetall", "nokey2");
  CHECK_REPLY(c, ":7\r\n", "hincrby", "nokey3", "f", "7");
  CHECK_REPLY(c, "$1\r\n7\r\n", "hget", "nokey3", "f");
  CHECK_REPLY(c, "$-1\r\n", "hrandfield", "nokey");
  CHECK_REPLY(c, "*0\r\n", "hrandfield", "nokey", "3");
  CHECK_REPLY(c, "*0\r\n", "hrandfield", "nokey", "-3", "withvalues");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "hrandfield", "nokey", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hrandfield", "s", "1", "foo");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "hrandfield", "s", "x");
  CHECK_REPLY(c, "*1\r\n$1\r\nf\r\n", "hrandfield", "s", "1");
  CHECK_REPLY(c, "$1\r\nf\r\n", "hrandfield", "s");
  CHECK_REPLY(c, "*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hrandfield", "nokey3", "1", "withvalues");
  CHECK_REPLY(c, "*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hrandfield", "nokey3", "5", "withvalues");
  CHECK_REPLY(c, "*6\r\n$1\r\nf\r\n$1\r\n7\r\n$1\r\nf\r\n$1\r\n7\r\n$1\r\nf\r\n$1\r\n7\r\n",
              "hrandfield", "nokey3", "-3", "withvalues");
  CHECK_REPLY(c, "*2\r\n$1\r\nf\r\n$1\r\nf\r\n", "hrandfield", "nokey3", "-2");
  CHECK_REPLY(c, "*0\r\n", "hrandfield", "nokey3", "0");
  CHECK_REPLY(c, "*0\r\n", "hrandfield", "nokey3", "0", "withvalues");
  CHECK_REPLY(c, "$1\r\nf\r\n", "hrandfield", "nokey3");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hrandfield", "nokey3", "1", "withvalues", "x");
  CHECK_REPLY(c,
              "-ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807\r\n",
              "hrandfield", "nokey3", "-9223372036854775808");
  CHECK_REPLY(c, "-ERR value is out of range\r\n", "hrandfield", "nokey3", "-4611686018427387904",
              "withvalues");
  CHECK_REPLY(c, "-ERR value is out of range\r\n", "hrandfield", "nokey3", "4611686018427387904",
              "withvalues");
  CHECK_REPLY(c, "*1\r\n$1\r\nf\r\n", "hrandfield", "nokey3", "9223372036854775807");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hscan", "nokey3", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hscan", "nokey3", "7");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hscan", "nokey3", "0", "match",
              "f");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "hscan", "nokey3", "0", "match", "x*");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hscan", "nokey3", "0", "count", "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hscan", "nokey3", "0", "count", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "hscan", "nokey3", "0",
              "count", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hscan", "nokey3", "0", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hscan", "nokey3", "0", "match");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "hscan", "nokey3", "0", "novalues");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "hscan", "nokey3", "abc");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "hscan", "nokey3", "18446744073709551616");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hscan", "nokey3", "-1");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n7\r\n", "hscan", "nokey3", "+5");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "hscan", "nokey3", " 5");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "hscan", "nokey", "0", "count", "0");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n", "hscan", "s", "0");
  CHECK_REPLY(c, "-ERR invalid cursor\r\n", "hscan", "s", "abc");
  CHECK_REPLY(c, ":1\r\n", "hset", "binary", "a\\x00b", "v");
  CHECK_REPLY(c, ":3\r\n", "hset", "h2", "f1", "v1", "f2", "v2", "f3", "v3");
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n", "hscan",
              "h2", "0", "match", "f[12]");
  CHECK_REPLY(c,
              "*2\r\n$1\r\n0\r\n*6\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf3\r\n$"
              "2\r\nv3\r\n",
              "hscan", "h2", "0", "count", "1");
  CHECK_REPLY(c, "*6\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf3\r\n$2\r\nv3\r\n",
              "hgetall", "h2");
  CHECK_REPLY(c, ":1\r\n", "hset", "h2", "f2", "new", "f4", "v4", "f1", "new1");
  CHECK_REPLY(c,
              "*8\r\n$2\r\nf1\r\n$4\r\nnew1\r\n$2\r\nf2\r\n$3\r\nnew\r\n$2\r\nf3\r\n$2\r\nv3\r\n$"
              "2\r\nf4\r\n$2\r\nv4\r\n",
              "hgetall", "h2");
  CHECK_REPLY(c, "*3\r\n$4\r\nnew1\r\n$-1\r\n$2\r\nv4\r\n", "hmget", "h2", "f1", "nope", "f4");
  CHECK_REPLY(c, "*2\r\n$-1\r\n$-1\r\n", "hmget", "nokey", "a", "b");
  CHECK_REPLY(c, "*0\r\n", "hkeys", "nokey");
  CHECK_REPLY(c, "*0\r\n", "hvals", "nokey");
  CHECK_REPLY(c, "*0\r\n", "hgetall", "nokey");
  CHECK_REPLY(c, ":0\r\n", "hlen", "nokey");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hget' command\r\n", "hget");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hset' command\r\n", "hset", "h");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hsetnx' command\r\n", "hsetnx", "h", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hgetall' command\r\n", "hgetall");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hstrlen' command\r\n", "hstrlen", "h");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hincrby' command\r\n", "hincrby", "h", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hincrbyfloat' command\r\n", "hincrbyfloat",
              "h", "a");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hrandfield' command\r\n", "hrandfield");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hscan' command\r\n", "hscan", "h");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hdel' command\r\n", "hdel", "h");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hmget' command\r\n", "hmget", "h");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'hexists' command\r\n", "hexists", "h");
}

/* ------------------------------------------------------------------------------ encodings */

static void hset_n(st_client *c, const char *key, int from, int to, const char *fmt) {
  char buf[128];
  for (int i = from; i < to; i++) {
    snprintf(buf, sizeof buf, fmt, i);
    exec(c, "HSET", key, buf, "v", NULL);
  }
}

static void encodings(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  hset_n(c, "h", 0, 127, "f%d");
  CHECK(strcmp(enc(c, "h"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "HSET", "h", "f127", "v");
  CHECK(strcmp(enc(c, "h"), "listpack") == 0);
  CHECK_REPLY(c, ":0\r\n", "HSET", "h", "f127", "w");
  CHECK(strcmp(enc(c, "h"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "HSET", "h", "f128", "v");
  CHECK(strcmp(enc(c, "h"), "hashtable") == 0);
  CHECK_REPLY(c, ":129\r\n", "HLEN", "h");
  CHECK_REPLY(c, "$1\r\nw\r\n", "HGET", "h", "f127");
  CHECK_REPLY(c, ":61\r\n", "HDEL", "h", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9",
              "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
              "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31", "f32", "f33",
              "f34", "f35", "f36", "f37", "f38", "f39", "f40", "f41", "f42", "f43", "f44", "f45",
              "f46", "f47", "f48", "f49", "f50", "f51", "f52", "f53", "f54", "f55", "f56", "f57",
              "f58", "f59", "f60");
  CHECK(strcmp(enc(c, "h"), "hashtable") == 0); /* never converts back */
  char v64[65], v65[66];
  memset(v64, 'a', 64);
  v64[64] = 0;
  memset(v65, 'b', 65);
  v65[65] = 0;
  CHECK_REPLY(c, ":2\r\n", "HSET", "v", "f", v64, v64, "x");
  CHECK(strcmp(enc(c, "v"), "listpack") == 0);
  CHECK_REPLY(c, ":0\r\n", "HSET", "v", "f", v65); /* an existing field's value */
  CHECK(strcmp(enc(c, "v"), "hashtable") == 0);
  CHECK_REPLY(c, "$65\r\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n",
              "HGET", "v", "f");
  CHECK_REPLY(c, ":1\r\n", "HSET", "w", v65, "x"); /* a long field */
  CHECK(strcmp(enc(c, "w"), "hashtable") == 0);
  CHECK_REPLY(c, ":1\r\n", "HSET", "nx", "f", "v");
  CHECK_REPLY(c, ":0\r\n", "HSETNX", "nx", "f", v65); /* Redis 7.0 looks before converting */
  CHECK(strcmp(enc(c, "nx"), "listpack") == 0);
  CHECK_REPLY(c, ":1\r\n", "HSETNX", "w2", "f", v65);
  CHECK(strcmp(enc(c, "w2"), "hashtable") == 0);
  /* HINCRBYFLOAT growing a value past 64 bytes */
  CHECK_REPLY(c, ":1\r\n", "HSET", "fl", "x", "1");
  CHECK_REPLY(c, "$21\r\n100000000000000000000\r\n", "HINCRBYFLOAT", "fl", "x", "1e20");
  CHECK(strcmp(enc(c, "fl"), "listpack") == 0);
  exec(c, "HINCRBYFLOAT", "fl", "x", "1e70", NULL);
  CHECK(strcmp(enc(c, "fl"), "hashtable") == 0);
  /* one HSET with many pairs decides on the whole result */
  {
    const char *argv[300];
    char bufs[140][16];
    argv[0] = "HSET";
    argv[1] = "multi";
    for (int i = 0; i < 130; i++) {
      snprintf(bufs[i], sizeof bufs[i], "f%d", i % 129);
      argv[2 + 2 * i] = bufs[i];
      argv[3 + 2 * i] = "v";
    }
    CHECK(strcmp(exec_argv(c, 2 + 2 * 128, argv, NULL), ":128\r\n") == 0);
    CHECK(strcmp(enc(c, "multi"), "listpack") == 0);
    CHECK(strcmp(exec_argv(c, 2 + 2 * 130, argv, NULL), ":1\r\n") == 0);
    CHECK(strcmp(enc(c, "multi"), "hashtable") == 0);
    CHECK_REPLY(c, ":129\r\n", "HLEN", "multi");
  }
  /* integer-looking values are listpack ints and come back as written */
  CHECK_REPLY(c, ":4\r\n", "HSET", "ints", "a", "12", "b", "-9223372036854775808", "c", "012", "d",
              "1e3");
  CHECK_REPLY(c,
              "*8\r\n$1\r\na\r\n$2\r\n12\r\n$1\r\nb\r\n$20\r\n-9223372036854775808\r\n$1\r\nc\r\n$"
              "3\r\n012\r\n$1\r\nd\r\n$3\r\n1e3\r\n",
              "HGETALL", "ints");
  CHECK_REPLY(c, ":20\r\n", "HSTRLEN", "ints", "b");
  CHECK_REPLY(c, "-ERR hash value is not an integer\r\n", "HINCRBY", "ints", "c", "1");
  CHECK_REPLY(c, ":13\r\n", "HINCRBY", "ints", "a", "1");
  CHECK_REPLY(c, "-ERR increment or decrement would overflow\r\n", "HINCRBY", "ints", "b", "-1");
  CHECK_REPLY(c, "$4\r\n1001\r\n", "HINCRBYFLOAT", "ints", "d", "1");
}

/* ------------------------------------------------------------------------------ model */

#define NF 300
#define NK 3
static char F[NF][80];

static void fields(void) {
  for (int i = 0; i < NF; i++) {
    if (i % 50 == 49)
      snprintf(F[i], sizeof F[i], "long%03d%065d", i, 0);
    else
      snprintf(F[i], sizeof F[i], "f%d", i);
  }
}

static int field_index(const char *s, size_t len) {
  int i = -1;
  if (s[0] == 'f')
    i = atoi(s + 1);
  else if (s[0] == 'l' && len > 7)
    i = (s[4] - '0') * 100 + (s[5] - '0') * 10 + (s[6] - '0');
  return (i >= 0 && i < NF && strlen(F[i]) == len && memcmp(F[i], s, len) == 0) ? i : -1;
}

typedef struct hmodel {
  char *val[NK][NF]; /* NULL: absent */
  size_t vlen[NK][NF];
  int ht[NK]; /* -1 no key, 0 listpack, 1 hashtable */
} hmodel;

static size_t hcount(const hmodel *m, int k) {
  size_t n = 0;
  for (int i = 0; i < NF; i++) n += m->val[k][i] != NULL;
  return n;
}

static void mset(hmodel *m, int k, int f, const char *v, size_t len) {
  free(m->val[k][f]);
  m->val[k][f] = malloc(len + 1);
  memcpy(m->val[k][f], v, len);
  m->val[k][f][len] = 0;
  m->vlen[k][f] = len;
  if (m->ht[k] < 0) m->ht[k] = 0;
  if (strlen(F[f]) > 64 || len > 64 || hcount(m, k) > 128) m->ht[k] = 1;
}

static void mdel_key(hmodel *m, int k) {
  for (int i = 0; i < NF; i++) {
    free(m->val[k][i]);
    m->val[k][i] = NULL;
  }
  m->ht[k] = -1;
}

static const char *keyname(int k) {
  static const char *const names[NK] = { "k0", "k1", "k2" };
  return names[k];
}

/* A field for key k: k0 many short fields (crosses 128), k1 a small pool with long ones, k2
 * a small pool of short fields (stays a listpack unless a long value comes). */
static int draw(int k) {
  switch (k) {
    case 0: return rand() % 200;
    case 1: return rand() % 2 ? 49 + 50 * (rand() % 4) : rand() % 40;
    default: return rand() % 30;
  }
}

static void random_value(char *buf, size_t *len) {
  int r = rand() % 10;
  if (r < 3)
    *len = (size_t)snprintf(buf, 32, "%d", rand() % 2000 - 1000);
  else {
    *len = (size_t)(rand() % (r == 9 ? 300 : 40));
    for (size_t i = 0; i < *len; i++) buf[i] = (char)('a' + rand() % 26);
    if (*len > 3 && rand() % 5 == 0) buf[1] = 0; /* binary */
  }
}

static int encs_seen[2];

static int verify_key(st_client *c, const hmodel *m, int k) {
  int ok = 1;
  if (m->ht[k] >= 0) encs_seen[m->ht[k]]++;
  elems x;
  parse_array(exec(c, "HGETALL", keyname(k), NULL), &x);
  if (x.n != 2 * (long)hcount(m, k)) ok = 0;
  for (long i = 0; ok && i + 1 < x.n; i += 2) {
    int f = field_index(x.v[i], x.len[i]);
    if (f < 0 || m->val[k][f] == NULL || m->vlen[k][f] != x.len[i + 1] ||
        memcmp(m->val[k][f], x.v[i + 1], x.len[i + 1]) != 0)
      ok = 0;
  }
  elems_free(&x);
  const char *want = m->ht[k] < 0 ? "none" : m->ht[k] ? "hashtable" : "listpack";
  if (strcmp(enc(c, keyname(k)), want) != 0) ok = 0;
  return ok;
}

static void model_run(st_client *c, int steps) {
  exec(c, "FLUSHALL", NULL);
  static hmodel m;
  memset(&m, 0, sizeof m);
  for (int k = 0; k < NK; k++) m.ht[k] = -1;
  int bad = 0, ok = 1;
  static char vals[4][400];
  size_t vl[4];
  for (int step = 0; step < steps && bad < 5; step++) {
    int k = rand() % NK, op = rand() % 100;
    const char *key = keyname(k);
    const char *argv[16];
    size_t lens[16];
    int argc = 0;
    char want[128];
    if (op < 40) { /* HSET of 1..4 pairs (repeats allowed: the last wins) */
      int n = 1 + rand() % 4, fi[4];
      long added = 0;
      argv[argc] = "HSET", lens[argc++] = 4;
      argv[argc] = key, lens[argc++] = 2;
      for (int i = 0; i < n; i++) {
        fi[i] = draw(k);
        random_value(vals[i], &vl[i]);
        argv[argc] = F[fi[i]], lens[argc++] = strlen(F[fi[i]]);
        argv[argc] = vals[i], lens[argc++] = vl[i];
      }
      for (int i = 0; i < n; i++) {
        if (m.val[k][fi[i]] == NULL) added++;
        mset(&m, k, fi[i], vals[i], vl[i]);
      }
      snprintf(want, sizeof want, ":%ld\r\n", added);
      const char *got = exec_argv(c, argc, argv, lens);
      ok = strcmp(got, want) == 0;
      if (!ok) {
        fprintf(stderr, "  HSET got %s want %s:", got, want);
        for (int i = 2; i < argc; i++)
          fprintf(stderr, " %.*s(%zu)", (int)lens[i], argv[i], lens[i]);
        fprintf(stderr, "\n");
      }
    } else if (op < 55) { /* HDEL */
      int n = 1 + rand() % 3;
      long removed = 0;
      argv[argc] = "HDEL", lens[argc++] = 4;
      argv[argc] = key, lens[argc++] = 2;
      for (int i = 0; i < n; i++) {
        int f = draw(k);
        argv[argc] = F[f], lens[argc++] = strlen(F[f]);
        if (m.val[k][f] != NULL) removed++;
        free(m.val[k][f]);
        m.val[k][f] = NULL;
      }
      if (hcount(&m, k) == 0) mdel_key(&m, k);
      snprintf(want, sizeof want, ":%ld\r\n", removed);
      ok = strcmp(exec_argv(c, argc, argv, lens), want) == 0;
    } else if (op < 65) { /* HGET, HEXISTS, HSTRLEN */
      int f = draw(k);
      const char *r = exec(c, "HGET", key, F[f], NULL);
      if (m.val[k][f] == NULL)
        ok = strcmp(r, "$-1\r\n") == 0;
      else {
        snprintf(want, sizeof want, "$%zu\r\n", m.vlen[k][f]);
        ok = strncmp(r, want, strlen(want)) == 0 &&
             memcmp(r + strlen(want), m.val[k][f], m.vlen[k][f]) == 0;
      }
      snprintf(want, sizeof want, ":%d\r\n", m.val[k][f] != NULL);
      ok = ok && strcmp(exec(c, "HEXISTS", key, F[f], NULL), want) == 0;
      snprintf(want, sizeof want, ":%zu\r\n", m.val[k][f] ? m.vlen[k][f] : 0);
      ok = ok && strcmp(exec(c, "HSTRLEN", key, F[f], NULL), want) == 0;
    } else if (op < 75) { /* HINCRBY */
      int f = draw(k), by = rand() % 100 - 50;
      char nb[16];
      snprintf(nb, sizeof nb, "%d", by);
      const char *r = exec(c, "HINCRBY", key, F[f], nb, NULL);
      long long cur = 0;
      char *end = NULL;
      int isint = 1;
      if (m.val[k][f] != NULL) {
        cur = strtoll(m.val[k][f], &end, 10);
        char canon[32];
        snprintf(canon, sizeof canon, "%lld", cur);
        isint = m.vlen[k][f] > 0 && strlen(canon) == m.vlen[k][f] &&
                memcmp(canon, m.val[k][f], m.vlen[k][f]) == 0;
      }
      if (!isint) {
        ok = strcmp(r, "-ERR hash value is not an integer\r\n") == 0;
      } else {
        snprintf(want, sizeof want, ":%lld\r\n", cur + by);
        ok = strcmp(r, want) == 0;
        char nv[32];
        int n = snprintf(nv, sizeof nv, "%lld", cur + by);
        mset(&m, k, f, nv, (size_t)n);
      }
    } else if (op < 82) { /* HSETNX */
      int f = draw(k);
      random_value(vals[0], &vl[0]);
      argv[0] = "HSETNX", lens[0] = 6;
      argv[1] = key, lens[1] = 2;
      argv[2] = F[f], lens[2] = strlen(F[f]);
      argv[3] = vals[0], lens[3] = vl[0];
      int isnew = m.val[k][f] == NULL;
      ok = strcmp(exec_argv(c, 4, argv, lens), isnew ? ":1\r\n" : ":0\r\n") == 0;
      if (isnew) mset(&m, k, f, vals[0], vl[0]);
    } else if (op < 90) { /* HLEN, HMGET */
      snprintf(want, sizeof want, ":%zu\r\n", hcount(&m, k));
      ok = strcmp(exec(c, "HLEN", key, NULL), want) == 0;
      int f = draw(k);
      elems x;
      parse_array(exec(c, "HMGET", key, F[f], "nofield", NULL), &x);
      ok = ok && x.n == 2 && strcmp(x.v[1], "") == 0 &&
           (m.val[k][f] ? x.len[0] == m.vlen[k][f] && memcmp(x.v[0], m.val[k][f], x.len[0]) == 0
                        : x.len[0] == 0);
      elems_free(&x);
    } else if (op < 98) { /* HRANDFIELD with a count of either sign, with values */
      int count = rand() % 2 ? rand() % 150 : -(rand() % 20);
      char nb[16];
      snprintf(nb, sizeof nb, "%d", count);
      elems x;
      parse_array(exec(c, "HRANDFIELD", key, nb, "WITHVALUES", NULL), &x);
      size_t n = hcount(&m, k);
      long want_n = n == 0       ? 0
                    : count >= 0 ? (long)(n < (size_t)count ? n : (size_t)count)
                                 : -count;
      ok = x.n == 2 * want_n;
      uint8_t seen[NF] = { 0 };
      for (long i = 0; ok && i + 1 < x.n; i += 2) {
        int f = field_index(x.v[i], x.len[i]);
        ok = f >= 0 && m.val[k][f] && x.len[i + 1] == m.vlen[k][f] &&
             memcmp(x.v[i + 1], m.val[k][f], x.len[i + 1]) == 0 && (count < 0 || !seen[f]);
        if (f >= 0) seen[f] = 1;
      }
      elems_free(&x);
    } else { /* DEL */
      exec(c, "DEL", key, NULL);
      mdel_key(&m, k);
    }
    if (!ok) {
      bad++;
      fprintf(stderr, "model: step %d op %d key %d diverged\n", step, op, k);
      ok = 1;
    }
    if (step % 25 == 0)
      for (int j = 0; j < NK; j++)
        if (!verify_key(c, &m, j)) {
          bad++;
          fprintf(stderr, "model: step %d key %d content/encoding diverged (%s)\n", step, j,
                  enc(c, keyname(j)));
        }
  }
  for (int j = 0; j < NK; j++) CHECK(verify_key(c, &m, j));
  CHECK(bad == 0);
  CHECK(encs_seen[0] > 100 && encs_seen[1] > 100);
  for (int j = 0; j < NK; j++) mdel_key(&m, j);
}

/* ------------------------------------------------------------------------------ random */

static void random_fields(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  hset_n(c, "small", 0, 10, "f%d");
  int hits[10] = { 0 };
  for (int round = 0; round < 2000; round++) {
    elems x;
    parse_array(exec(c, "HRANDFIELD", "small", "3", NULL), &x);
    CHECK(x.n == 3);
    for (long i = 0; i < x.n; i++) hits[atoi(x.v[i] + 1)]++;
    elems_free(&x);
  }
  for (int i = 0; i < 10; i++) CHECK(hits[i] > 450 && hits[i] < 750); /* 600 expected */
  hset_n(c, "big", 0, 1000, "f%d");
  CHECK(strcmp(enc(c, "big"), "hashtable") == 0);
  const char *counts[] = { "10", "400", "999", "1000", "5000" };
  long want[] = { 10, 400, 999, 1000, 1000 };
  for (int i = 0; i < 5; i++) {
    elems x;
    parse_array(exec(c, "HRANDFIELD", "big", counts[i], "WITHVALUES", NULL), &x);
    CHECK(x.n == 2 * want[i]);
    static char *fs[1000];
    for (long j = 0; j < x.n / 2; j++) fs[j] = x.v[2 * j];
    qsort(fs, (size_t)x.n / 2, sizeof *fs, cmp_str);
    int distinct = 1, vals = 1;
    for (long j = 1; j < x.n / 2; j++) distinct &= strcmp(fs[j - 1], fs[j]) != 0;
    for (long j = 1; j < x.n; j += 2) vals &= strcmp(x.v[j], "v") == 0;
    CHECK(distinct && vals);
    elems_free(&x);
  }
  int bhits[1000] = { 0 };
  for (int round = 0; round < 200; round++) {
    elems x;
    parse_array(exec(c, "HRANDFIELD", "big", "50", NULL), &x);
    for (long j = 0; j < x.n; j++) bhits[atoi(x.v[j] + 1)]++;
    elems_free(&x);
  }
  int zero = 0, over = 0;
  for (int i = 0; i < 1000; i++) {
    zero += bhits[i] == 0;
    over += bhits[i] > 40; /* 10 expected */
  }
  CHECK(zero < 20 && over == 0);
  elems x;
  CHECK(parse_array(exec(c, "HRANDFIELD", "big", "-3000", "WITHVALUES", NULL), &x) == 6000);
  elems_free(&x);
  CHECK(parse_array(exec(c, "HRANDFIELD", "small", "-30", NULL), &x) == 30);
  elems_free(&x);
  const char *r = exec(c, "HRANDFIELD", "big", NULL);
  CHECK(r[0] == '$' && r[4] == 'f');
}

/* ------------------------------------------------------------------------------ HSCAN */

static void scans(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  hset_n(c, "h", 0, 3000, "f%d");
  static uint8_t seen[3000];
  memset(seen, 0, sizeof seen);
  char cursor[32] = "0";
  int rounds = 0, bad = 0;
  do {
    elems x;
    const char *r = exec(c, "HSCAN", "h", cursor, "COUNT", "40", NULL);
    const char *p = strstr(r, "\r\n") + 2;
    long cl = strtol(p + 1, NULL, 10);
    p = strstr(p, "\r\n") + 2;
    snprintf(cursor, sizeof cursor, "%.*s", (int)cl, p);
    parse_array(p + cl + 2, &x);
    bad += x.n % 2 != 0 || x.n > 40 * 20;
    for (long j = 0; j + 1 < x.n; j += 2) {
      if (x.v[j][0] == 'f') seen[atoi(x.v[j] + 1)] = 1;
      bad += strcmp(x.v[j + 1], "v") != 0;
    }
    elems_free(&x);
    if (rounds == 10) hset_n(c, "h", 3000, 6000, "g%d"); /* the table grows under the scan */
    rounds++;
  } while (strcmp(cursor, "0") != 0 && rounds < 100000);
  int all = 1;
  for (int i = 0; i < 3000; i++) all &= seen[i];
  CHECK(all && bad == 0 && strcmp(cursor, "0") == 0);
  elems x;
  parse_array(
      strstr(exec(c, "HSCAN", "h", "0", "MATCH", "f1?", "COUNT", "100000", NULL), "\r\n*") + 2, &x);
  CHECK(x.n == 20);
  elems_free(&x);
  CHECK_REPLY(c, "*2\r\n$1\r\n0\r\n*0\r\n", "HSCAN", "h", "0", "MATCH", "zz*", "COUNT", "100000");
}

/* ------------------------------------------------------------------------------ memory */

/* Values are data blocks routed by the threshold (256 here); fields and nodes stay in DRAM. */
static void tiers(st_client *c) {
  st_store *st = c->st;
  exec(c, "FLUSHALL", NULL);
  hset_n(c, "h", 0, 200, "f%d");
  char big[1001];
  memset(big, 'z', 1000);
  big[1000] = 0;
  int64_t before = st->mem.cell[ST_HASH][TM_CAT_DATA][TM_PMEM].count;
  CHECK_REPLY(c, ":1\r\n", "HSET", "h", "bigvalue", big);
  CHECK(st->mem.cell[ST_HASH][TM_CAT_DATA][TM_PMEM].count == before + 1);
  CHECK(st->mem.cell[ST_HASH][TM_CAT_METADATA][TM_PMEM].count == 0);
  CHECK_REPLY(c, ":0\r\n", "HSET", "h", "bigvalue", "small");
  CHECK(st->mem.cell[ST_HASH][TM_CAT_DATA][TM_PMEM].count == before);
  CHECK_REPLY(c, ":1\r\n", "HSTRLEN", "h", "f0");
}

static void accounting(st_client *c) {
  st_store *st = c->st;
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_HASH));
  char big[1001];
  memset(big, 'q', 1000);
  big[1000] = 0;
  int sizes[] = { 100, 5000 };
  for (int k = 0; k < 2; k++) {
    hset_n(c, "h", 0, sizes[k], "f%d");
    exec(c, "HSET", "h", "big", big, "empty", "", NULL);
    st_entry *e = find(c, "h");
    size_t ent =
        sm_usable(&st->mem, (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, e, entry_block_size(e));
    CHECK((int64_t)(obj_usage(st, e) + ent) == sm_owner_bytes(&st->mem, ST_HASH));
    exec(c, "HDEL", "h", "f1", "big", NULL);
    exec(c, "HINCRBY", "h", "n", "5", NULL);
    e = find(c, "h");
    CHECK((int64_t)(obj_usage(st, e) + ent) == sm_owner_bytes(&st->mem, ST_HASH));
    exec(c, "DEL", "h", NULL);
    lazy_drain_all(st); /* a big value is freed in the background */
    CHECK(owner_empty(st, ST_HASH));
  }
  /* incremental free of a detached 20000-field hash */
  hset_n(c, "huge", 0, 20000, "field:%d");
  st_entry *e = find(c, "huge");
  void *val = e->val;
  unsigned en = entry_enc(e);
  uint8_t tier = entry_val_tier(e), t2;
  e->val = lp_new(&st->mem, ST_HASH, &t2); /* the key keeps an empty stand-in */
  entry_set_enc(e, ENC_LISTPACK);
  entry_set_val_tier(e, t2);
  size_t left, steps = 0, prev = 20000;
  while ((left = hash_free_step(st, val, en, tier, 1000)) != 0) {
    CHECK(left == prev - 1000);
    prev = left;
    steps++;
  }
  CHECK(steps == 19);
  exec(c, "DEL", "huge", NULL);
  CHECK(owner_empty(st, ST_HASH));
}

/* ------------------------------------------------------------------------------ OOM */

/* A key's field=value pairs, sorted and joined: content independent of table order. */
static void sorted_pairs(st_client *c, const char *key, char *out, size_t cap) {
  elems x;
  parse_array(exec(c, "HGETALL", key, NULL), &x);
  long n = x.n / 2;
  char **pairs = calloc((size_t)(n > 0 ? n : 1), sizeof *pairs);
  for (long i = 0; i < n; i++) {
    pairs[i] = malloc(x.len[2 * i] + x.len[2 * i + 1] + 2);
    sprintf(pairs[i], "%s=%s", x.v[2 * i], x.v[2 * i + 1]);
  }
  if (n > 0) qsort(pairs, (size_t)n, sizeof *pairs, cmp_str);
  size_t w = 0;
  out[0] = 0;
  for (long i = 0; i < n; i++) {
    if (w + strlen(pairs[i]) + 2 < cap) w += (size_t)snprintf(out + w, cap - w, "%s,", pairs[i]);
    free(pairs[i]);
  }
  free(pairs);
  elems_free(&x);
}

/* Run argv under strict limits at the live bytes plus a growing slack: every OOM reply must
 * leave the key and the accounting as they were; the first success must give `want`. */
static void oom_sweep(st_client *c, tm_heap *h, void (*setup)(st_client *), int argc,
                      const char **argv, const char *want, const char *check_key) {
  int saw_oom = 0, done = 0;
  static char before[1 << 16], now[1 << 16], got[1 << 20];
  for (size_t slack = 0; slack < 200000 && !done; slack += 1 + slack / 4) {
    exec(c, "FLUSHALL", NULL);
    setup(c);
    sorted_pairs(c, check_key, before, sizeof before);
    const char *be = enc(c, check_key);
    int64_t bytes = sm_total_bytes(&c->st->mem);
    tm_set_policy(h, TM_POLICY_STRICT);
    tm_set_limit(h, TM_DRAM, (size_t)tier_live(h, TM_DRAM) + slack);
    tm_set_limit(h, TM_PMEM, (size_t)tier_live(h, TM_PMEM) + slack);
    strcpy(got, exec_argv(c, argc, argv, NULL));
    int64_t after = sm_total_bytes(&c->st->mem);
    tm_set_limit(h, TM_DRAM, 0);
    tm_set_limit(h, TM_PMEM, 0);
    tm_set_policy(h, TM_POLICY_SPILL);
    if (strcmp(got, "-" ERR_OOM "\r\n") == 0) {
      saw_oom = 1;
      CHECK(after == bytes);
      sorted_pairs(c, check_key, now, sizeof now);
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

static void setup_lp(st_client *c) { hset_n(c, "h", 0, 100, "f%d"); }
static void setup_ht(st_client *c) { hset_n(c, "h", 0, 300, "f%d"); }
static void setup_none(st_client *c) { (void)c; }
/* A listpack whose size class a 64-byte value in place of "v" must change. */
static void setup_lpgrow(st_client *c) {
  char f[16];
  for (int i = 0;; i++) {
    snprintf(f, sizeof f, "f%d", i);
    exec(c, "HSET", "h", f, "v", NULL);
    size_t n = lp_bytes(find(c, "h")->val);
    if (i > 2 && tm_size_class(n + 62) > tm_size_class(n)) break;
  }
}

static void oom(st_client *c, tm_heap *h) {
  static char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  const char *a1[] = { "HSET", "h", "n1", "a", "n2", "b", "f5", "c" };
  oom_sweep(c, h, setup_lp, 8, a1, ":2\r\n", "h");
  const char *a2[] = { "HSET", "h", "n1", "a" };
  oom_sweep(c, h, setup_lp, 4, a2, ":1\r\n", "h");
  const char *a3[] = { "HSET", "h", "f1",
                       "a-new-value-of-sixty-four-bytes-that-makes-the-listpack-grow.." };
  oom_sweep(c, h, setup_lpgrow, 4, a3, ":0\r\n", "h");      /* lp_replace: one call */
  const char *a4[] = { "HSET", "h", "n1", "a", "n2", big }; /* listpack -> hashtable */
  oom_sweep(c, h, setup_lp, 6, a4, ":2\r\n", "h");
  const char *a5[] = {
    "HMSET", "h",  "a",  "1",  "b",  "2",  "c",  "3",  "d",  "4",  "e",  "5",  "f",  "6",  "g",
    "7",     "h",  "8",  "i",  "9",  "j",  "10", "k",  "11", "l",  "12", "m",  "13", "n",  "14",
    "o",     "15", "p",  "16", "q",  "17", "r",  "18", "s",  "19", "t",  "20", "u",  "21", "v",
    "22",    "w",  "23", "x",  "24", "y",  "25", "z",  "26", "aa", "27", "bb", "28", "cc", "29"
  }; /* 100 + 29 > 128 */
  oom_sweep(c, h, setup_lp, 60, a5, "+OK\r\n", "h");
  const char *a6[] = { "HSET", "h", "f1", big, "new", "v", "new", "w" };
  oom_sweep(c, h, setup_ht, 8, a6, ":1\r\n", "h");
  const char *a7[] = { "HINCRBY", "h", "counter", "5" };
  oom_sweep(c, h, setup_ht, 4, a7, ":5\r\n", "h");
  const char *a8[] = { "HINCRBYFLOAT", "h", "f2", "1.5" };
  oom_sweep(c, h, setup_none, 4, a8, "$3\r\n1.5\r\n", "h");
  const char *a9[] = { "HSETNX", "h", "zz", big };
  oom_sweep(c, h, setup_lp, 4, a9, ":1\r\n", "h");
  const char *a10[] = { "HSET", "h", "f", "v", "g", "w" };
  oom_sweep(c, h, setup_none, 6, a10, ":2\r\n", "h");
}

int main(void) {
  srand(11);
  fields();
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  redis_cases(c);
  encodings(c);
  model_run(c, 20000);
  random_fields(c);
  scans(c);
  tiers(c);
  accounting(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_HASH));
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("hash_test");
}
