/* list_test.c - the list commands against redis-server 7.0.15's own replies (captured from it,
 * command by command, and as reply hashes of a 2000-command random run across many nodes),
 * plus what a reply cannot show: conversions at the node size limit, 100k-element lists read
 * from both ends, a randomized run against a model, lazy free, exact accounting and OOM. */
#include <stdint.h>

#include "collhelp.h"
#include "entry.h"
#include "lazyfree.h"
#include "quicklist.h"

static int64_t list_cells(const st_store *st, tm_category cat) {
  return st->mem.cell[ST_LIST][cat][TM_DRAM].bytes + st->mem.cell[ST_LIST][cat][TM_PMEM].bytes;
}

/* Every structural invariant of a list key. */
static int list_ok(st_client *c, const char *key) {
  st_entry *e = find(c, key);
  if (e == NULL) return 1;
  if (entry_enc(e) == ENC_QUICKLIST) return ql_check(&c->st->mem, e->val);
  return entry_enc(e) == ENC_LISTPACK && lp_validate(e->val, lp_bytes(e->val), 1);
}

/* Send a command given as an array of NUL-terminated strings. */
static const char *run(st_client *c, int argc, char **argv) {
  return exec_argv(c, argc, (const char **)argv, NULL);
}

static uint64_t fnv(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return h;
}

/* ------------------------------------------------------------------------------ cases */

static void redis_cases(st_client *c) {
  /* the list cases of test/store.commands.test.ts */
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "hello");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "f", "v");
  CHECK_REPLY(c, ":1\r\n", "lpush", "l", "a");
  CHECK_REPLY(c, ":1\r\n", "sadd", "st", "m");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "l", "-1");
  CHECK_REPLY(c, "*0\r\n", "lpop", "l", "0");
  CHECK_REPLY(c, "*-1\r\n", "lpop", "nol", "0");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lpop' command\r\n", "lpop", "l", "1", "2");
  CHECK_REPLY(c, ":5\r\n", "rpush", "l2", "a", "b", "c", "d", "e");
  CHECK_REPLY(c, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "lrange", "l2", "1", "-2");
  CHECK_REPLY(c, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", "lrange", "l2",
              "-100", "100");
  CHECK_REPLY(c, "*0\r\n", "lrange", "l2", "5", "1");
  CHECK_REPLY(c, "$1\r\ne\r\n", "lindex", "l2", "-1");
  CHECK_REPLY(c, "$-1\r\n", "lindex", "l2", "10");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lindex", "l2", "x");
  CHECK_REPLY(c, "*2\r\n$1\r\ne\r\n$1\r\nd\r\n", "rpop", "l2", "2");
  CHECK_REPLY(c, ":3\r\n", "llen", "l2");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrange", "l", "a", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lindex", "l", "x");
  CHECK_REPLY(c, "+list\r\n", "type", "l2");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpush",
              "st", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "hgetall", "l2");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lrange",
              "st", "0", "1");
  CHECK_REPLY(c, ":1\r\n", "rpush", "big", "1");
  /* more, captured from redis-server 7.0.15 */
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  CHECK_REPLY(c, ":3\r\n", "rpush", "l", "a", "b", "c");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "l", "-1");
  CHECK_REPLY(c, "*0\r\n", "lpop", "l", "0");
  CHECK_REPLY(c, "*-1\r\n", "lpop", "nol", "0");
  CHECK_REPLY(c, "$-1\r\n", "lpop", "nol");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "l", "abc");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lpop' command\r\n", "lpop", "l", "1", "2");
  CHECK_REPLY(c, "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", "rpop", "l", "10");
  CHECK_REPLY(c, ":0\r\n", "exists", "l");
  CHECK_REPLY(c, ":0\r\n", "lpushx", "nol", "a");
  CHECK_REPLY(c, ":0\r\n", "rpushx", "nol", "a", "b");
  CHECK_REPLY(c, ":6\r\n", "rpush", "l", "a", "b", "c", "a", "b", "c");
  CHECK_REPLY(c, ":8\r\n", "lpushx", "l", "x", "y");
  CHECK_REPLY(c, "-ERR no such key\r\n", "lset", "nol", "0", "x");
  CHECK_REPLY(c, "-ERR index out of range\r\n", "lset", "l", "100", "x");
  CHECK_REPLY(c, "-ERR index out of range\r\n", "lset", "l", "-100", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lset", "l", "abc", "x");
  CHECK_REPLY(c, "+OK\r\n", "lset", "l", "0", "y");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lindex", "l", "abc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "linsert", "l", "middle", "a", "z");
  CHECK_REPLY(c, ":-1\r\n", "linsert", "l", "before", "nopivot", "z");
  CHECK_REPLY(c, ":0\r\n", "linsert", "nol", "before", "a", "z");
  CHECK_REPLY(c, ":9\r\n", "linsert", "l", "BEFORE", "a", "z");
  CHECK_REPLY(c, ":10\r\n", "linsert", "l", "after", "c", "w");
  CHECK_REPLY(c,
              "*10\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$"
              "1\r\nw\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
              "lrange", "l", "0", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrem", "l", "abc", "a");
  CHECK_REPLY(c, ":2\r\n", "lrem", "l", "0", "a");
  CHECK_REPLY(c, ":1\r\n", "lrem", "l", "-1", "c");
  CHECK_REPLY(c, ":1\r\n", "lrem", "l", "1", "b");
  CHECK_REPLY(c, ":0\r\n", "lrem", "nol", "0", "a");
  CHECK_REPLY(c, "*6\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\nw\r\n$1\r\nb\r\n",
              "lrange", "l", "0", "-1");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "ltrim", "l", "abc", "1");
  CHECK_REPLY(c, "+OK\r\n", "ltrim", "l", "1", "-2");
  CHECK_REPLY(c, "+OK\r\n", "ltrim", "nol", "0", "1");
  CHECK_REPLY(c, "*4\r\n$1\r\nx\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\nw\r\n", "lrange", "l", "0", "-1");
  CHECK_REPLY(c, "+OK\r\n", "ltrim", "l", "5", "1");
  CHECK_REPLY(c, ":0\r\n", "exists", "l");
  CHECK_REPLY(c, ":7\r\n", "rpush", "l", "a", "b", "c", "1", "2", "3", "c");
  CHECK_REPLY(c, ":2\r\n", "lpos", "l", "c");
  CHECK_REPLY(c,
              "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
              "or use negative to start from the end of the list\r\n",
              "lpos", "l", "c", "rank", "0");
  CHECK_REPLY(c, ":6\r\n", "lpos", "l", "c", "rank", "-1");
  CHECK_REPLY(c, ":6\r\n", "lpos", "l", "c", "rank", "2");
  CHECK_REPLY(c, "*2\r\n:2\r\n:6\r\n", "lpos", "l", "c", "count", "0");
  CHECK_REPLY(c, "-ERR COUNT can't be negative\r\n", "lpos", "l", "c", "count", "-1");
  CHECK_REPLY(c, "-ERR MAXLEN can't be negative\r\n", "lpos", "l", "c", "maxlen", "-1");
  CHECK_REPLY(c, ":2\r\n", "lpos", "l", "c", "maxlen", "0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lpos", "l", "c", "rank",
              "abc");
  CHECK_REPLY(c, "-ERR COUNT can't be negative\r\n", "lpos", "l", "c", "count", "abc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lpos", "l", "c", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lpos", "l", "c", "rank");
  CHECK_REPLY(c, ":6\r\n", "lpos", "l", "c", "rank", "-9223372036854775808");
  CHECK_REPLY(c, ":3\r\n", "lpos", "l", "1");
  CHECK_REPLY(c, "$-1\r\n", "lpos", "l", "zz");
  CHECK_REPLY(c, "*0\r\n", "lpos", "l", "zz", "count", "0");
  CHECK_REPLY(c, "$-1\r\n", "lpos", "nol", "zz");
  CHECK_REPLY(c, "*0\r\n", "lpos", "nol", "zz", "count", "1");
  CHECK_REPLY(c, "*1\r\n:2\r\n", "lpos", "l", "c", "count", "1", "maxlen", "3");
  CHECK_REPLY(c, ":6\r\n", "lpos", "l", "c", "rank", "1", "rank", "2");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmove", "l", "d", "foo", "left");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmove", "l", "d", "left", "foo");
  CHECK_REPLY(c, "$-1\r\n", "lmove", "nol", "d", "left", "left");
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lmove",
              "l", "s", "left", "left");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lmove",
              "s", "l", "left", "left");
  CHECK_REPLY(c, "$1\r\na\r\n", "lmove", "l", "d", "left", "right");
  CHECK_REPLY(c, "$1\r\nc\r\n", "rpoplpush", "l", "d");
  CHECK_REPLY(c, "$-1\r\n", "rpoplpush", "nol", "d");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "rpoplpush", "s", "d");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "rpoplpush", "l", "s");
  CHECK_REPLY(c, "*2\r\n$1\r\nc\r\n$1\r\na\r\n", "lrange", "d", "0", "-1");
  CHECK_REPLY(c, "$1\r\nb\r\n", "lmove", "l", "l", "left", "right");
  CHECK_REPLY(c, "*5\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nb\r\n", "lrange", "l",
              "0", "-1");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "lmpop", "0", "l", "left");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "lmpop", "-1", "l", "left");
  CHECK_REPLY(c, "-ERR numkeys should be greater than 0\r\n", "lmpop", "abc", "l", "left");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "1", "l", "middle");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "2", "l", "left");
  CHECK_REPLY(c, "-ERR count should be greater than 0\r\n", "lmpop", "1", "l", "left", "count",
              "0");
  CHECK_REPLY(c, "-ERR count should be greater than 0\r\n", "lmpop", "1", "l", "left", "count",
              "-1");
  CHECK_REPLY(c, "-ERR count should be greater than 0\r\n", "lmpop", "1", "l", "left", "count",
              "abc");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "1", "l", "left", "count", "2", "count", "3");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "1", "l", "left", "foo");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "1", "l", "left", "count");
  CHECK_REPLY(c, "*-1\r\n", "lmpop", "1", "nol", "left");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lmpop",
              "2", "nol", "s", "left");
  CHECK_REPLY(c, "*2\r\n$1\r\nl\r\n*2\r\n$1\r\nb\r\n$1\r\n3\r\n", "lmpop", "2", "nol", "l", "right",
              "count", "2");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lmpop",
              "2", "s", "l", "left");
  CHECK_REPLY(c, "*2\r\n$1\r\nl\r\n*3\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n", "lmpop", "1", "l",
              "left", "count", "100");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lmpop' command\r\n", "lmpop", "1", "l");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "5", "l", "left");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpush",
              "s", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "llen",
              "s");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lrange",
              "s", "0", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lindex",
              "s", "0");
  CHECK_REPLY(c, "*0\r\n", "lrange", "nol", "0", "1");
  CHECK_REPLY(c, ":0\r\n", "llen", "nol");
  CHECK_REPLY(c, "$-1\r\n", "lindex", "nol", "0");
  CHECK_REPLY(c, "*0\r\n", "lrange", "l", "0", "9223372036854775807");
  CHECK_REPLY(c, ":3\r\n", "rpush", "l", "1", "2", "3");
  CHECK_REPLY(c, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "lrange", "l", "-9223372036854775808",
              "9223372036854775807");
  CHECK_REPLY(c, "$-1\r\n", "lindex", "l", "9223372036854775807");
  CHECK_REPLY(c, "$-1\r\n", "lindex", "l", "-9223372036854775808");
  /* Redis 7.0 says "quicklist" for every list, also for a small one kept as one listpack. */
  CHECK_REPLY(c, "$9\r\nquicklist\r\n", "object", "encoding", "l");
  CHECK_REPLY(c, "$-1\r\n", "lpos", "l", "1", "rank", "9223372036854775807");
  CHECK_REPLY(c, "$-1\r\n", "lpos", "l", "1", "rank", "-9223372036854775807");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lpop' command\r\n", "lpop");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lpos' command\r\n", "lpos", "l");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'linsert' command\r\n", "linsert", "l",
              "before", "1");
  CHECK_REPLY(c, ":9\r\n", "rpush", "l", "18446744073709551616", "-0", "01", "+1", " 1",
              "-9223372036854775808");
  CHECK_REPLY(c,
              "*9\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$20\r\n18446744073709551616\r\n$2\r\n-0\r\n$"
              "2\r\n01\r\n$2\r\n+1\r\n$2\r\n 1\r\n$20\r\n-9223372036854775808\r\n",
              "lrange", "l", "0", "-1");
  CHECK_REPLY(c, ":1\r\n", "lrem", "l", "0", "1");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'lrem' command\r\n", "lrem", "l", "1", "2",
              "3");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  CHECK_REPLY(c, "+OK\r\n", "set", "s", "x");
  CHECK_REPLY(c, "-ERR MAXLEN can't be negative\r\n", "lpos", "l", "c", "maxlen", "abc");
  CHECK_REPLY(c,
              "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
              "or use negative to start from the end of the list\r\n",
              "lpos", "nol", "c", "rank", "0");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpos",
              "s", "c");
  CHECK_REPLY(c,
              "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
              "or use negative to start from the end of the list\r\n",
              "lpos", "s", "c", "rank", "0");
  CHECK_REPLY(c, "$-1\r\n", "lindex", "nol", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lindex",
              "s", "x");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrange", "nol", "a", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrange", "s", "a", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "ltrim", "nol", "a", "b");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "ltrim",
              "s", "0", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lset",
              "s", "0", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lset",
              "s", "x", "x");
  CHECK_REPLY(c, "-ERR no such key\r\n", "lset", "nol", "x", "x");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "linsert", "nol", "middle", "a", "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "linsert", "s", "middle", "a", "b");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "linsert", "s", "before", "a", "b");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrem", "nol", "x", "a");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "lrem", "s", "x", "a");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "s", "x");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "nol", "x");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpop",
              "s", "0");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lpushx",
              "s", "a");
  CHECK_REPLY(c, "-ERR count should be greater than 0\r\n", "lmpop", "1", "s", "left", "count",
              "0");
  CHECK_REPLY(c, "$-1\r\n", "lmove", "nol", "s", "left", "left");
  CHECK_REPLY(c, ":1\r\n", "rpush", "l", "a");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "lmove",
              "l", "s", "left", "left");
  CHECK_REPLY(c, "*1\r\n$1\r\na\r\n", "lrange", "l", "0", "-1");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "lpos", "l", "a", "count", "0", "maxlen", "0");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "lpos", "l", "a", "count", "9223372036854775807");
  CHECK_REPLY(c, ":0\r\n", "lpos", "l", "a", "maxlen", "9223372036854775807");
  CHECK_REPLY(c, "-ERR COUNT can't be negative\r\n", "lpos", "l", "a", "count",
              "-9223372036854775808");
  CHECK_REPLY(c, ":1\r\n", "lrem", "l", "-9223372036854775808", "a");
  CHECK_REPLY(c, "*0\r\n", "lrange", "l", "0", "-1");
  CHECK_REPLY(c, "-ERR count should be greater than 0\r\n", "lmpop", "1", "nol", "left", "count",
              "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "9223372036854775807", "l", "left");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "lmpop", "2147483648", "l", "left");
  CHECK_REPLY(c, "*-1\r\n", "lpop", "l", "9223372036854775807");
  CHECK_REPLY(c, ":1\r\n", "rpush", "l", "a");
  CHECK_REPLY(c, "-ERR value is out of range, must be positive\r\n", "lpop", "l",
              "9223372036854775808");
  /* Redis 7.0 says "quicklist" for every list, also for a small one kept as one listpack. */
  CHECK_REPLY(c, "$9\r\nquicklist\r\n", "object", "encoding", "l");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
}

/* The same generator as the script that captured diff_hashes from redis-server. */
static uint64_t dx = 0x9E3779B97F4A7C15ull;
static uint64_t drnd(void) {
  dx ^= dx << 13;
  dx ^= dx >> 7;
  dx ^= dx << 17;
  return dx;
}

typedef struct dcmd {
  char *argv[32];
  char buf[32][320];
  int argc;
} dcmd;

static void dadd(dcmd *d, const char *s) {
  snprintf(d->buf[d->argc], sizeof d->buf[0], "%s", s);
  d->argv[d->argc] = d->buf[d->argc];
  d->argc++;
}
static void dnum(dcmd *d, long long v) {
  char b[24];
  snprintf(b, sizeof b, "%lld", v);
  dadd(d, b);
}
static void dval(dcmd *d) {
  if (drnd() % 4 == 0) {
    dnum(d, (long long)(drnd() % 1000) - 500);
    return;
  }
  unsigned n = (unsigned)(drnd() % 40), pad = (unsigned)(drnd() % 300);
  char b[320];
  int l = snprintf(b, sizeof b, "v%u-", n);
  memset(b + l, 'x', pad);
  b[l + (int)pad] = '\0';
  dadd(d, b);
}
static void dkey(dcmd *d) { dadd(d, drnd() & 1 ? "da" : "db"); }
static void dside(dcmd *d) { dadd(d, drnd() & 1 ? "LEFT" : "RIGHT"); }

static void dgen(dcmd *d, int i) {
  d->argc = 0;
  if (i % 100 == 99 || i % 100 == 49) {
    dadd(d, "LRANGE");
    dadd(d, i % 100 == 99 ? "da" : "db");
    dadd(d, "0");
    dadd(d, "-1");
    return;
  }
  uint64_t r = drnd() % 100;
  if (r < 25) {
    dadd(d, drnd() & 1 ? "RPUSH" : "LPUSH");
    dkey(d);
    for (uint64_t k = 1 + drnd() % 5; k > 0; k--) dval(d);
  } else if (r < 33) {
    dadd(d, drnd() & 1 ? "LPOP" : "RPOP");
    dkey(d);
    if (drnd() & 1) dnum(d, (long long)(drnd() % 6));
  } else if (r < 41) {
    dadd(d, "LINDEX");
    dkey(d);
    dnum(d, (long long)(drnd() % 601) - 300);
  } else if (r < 47) {
    dadd(d, "LSET");
    dkey(d);
    dnum(d, (long long)(drnd() % 201) - 100);
    dval(d);
  } else if (r < 53) {
    dadd(d, "LINSERT");
    dkey(d);
    dadd(d, drnd() & 1 ? "BEFORE" : "AFTER");
    dval(d);
    dval(d);
  } else if (r < 59) {
    dadd(d, "LREM");
    dkey(d);
    dnum(d, (long long)(drnd() % 7) - 3);
    dval(d);
  } else if (r < 62) {
    dadd(d, "LTRIM");
    dkey(d);
    dnum(d, (long long)(drnd() % 4));
    dnum(d, -1 - (long long)(drnd() % 4));
  } else if (r < 68) {
    dadd(d, "LPOS");
    dkey(d);
    dval(d);
    if (drnd() & 1) {
      dadd(d, "RANK");
      long long k = (long long)(drnd() % 5) - 2;
      dnum(d, k ? k : 1);
    }
    if (drnd() & 1) {
      dadd(d, "COUNT");
      dnum(d, (long long)(drnd() % 4));
    }
    if (drnd() & 1) {
      dadd(d, "MAXLEN");
      dnum(d, (long long)(drnd() % 300));
    }
  } else if (r < 76) {
    long long s = (long long)(drnd() % 801) - 400; /* before the key, as the script does */
    dadd(d, "LRANGE");
    dkey(d);
    dnum(d, s);
    dnum(d, s + (long long)(drnd() % 5));
  } else if (r < 80) {
    dadd(d, "LLEN");
    dkey(d);
  } else if (r < 86) {
    dadd(d, "LMOVE");
    dkey(d);
    dkey(d);
    dside(d);
    dside(d);
  } else if (r < 89) {
    dadd(d, "RPOPLPUSH");
    dkey(d);
    dkey(d);
  } else if (r < 93) {
    dadd(d, "LMPOP");
    dadd(d, "2");
    dkey(d);
    dkey(d);
    dside(d);
    dadd(d, "COUNT");
    dnum(d, 1 + (long long)(drnd() % 3));
  } else {
    dadd(d, "RPUSH");
    dkey(d);
    for (uint64_t k = 10 + drnd() % 11; k > 0; k--) dval(d);
  }
}

/* FNV-1a hashes of redis-server 7.0.15's replies to dgen(0..1999), and the final lengths. */
#define DIFF_LEN_DA ":1583\r\n"
#define DIFF_LEN_DB ":1807\r\n"
static const uint64_t diff_hashes[2000] = {
  0x17ac4fba526e8fb0ull, 0xedddc5c749b8b7ecull, 0x18a923c7367632abull, 0x02b7e64d4a14565cull,
  0x02b7e64d4a14565cull, 0xedddc5c749b8b7ecull, 0x9d9bdd4cd8fe6b56ull, 0xc27916b786dec96eull,
  0x9d76f62b1461839cull, 0x659c182f8d208ddaull, 0x659d40f9a5678ee1ull, 0x659c182f8d208ddaull,
  0x02b7e64d4a14565cull, 0x56f5376534be968dull, 0x659c182f8d208ddaull, 0x7adac14cc5475762ull,
  0xeef154f4c099999dull, 0x22fc4165174e7c8full, 0x659c182f8d208ddaull, 0x09c58d54c3efa604ull,
  0x659c182f8d208ddaull, 0xedddc5c749b8b7ecull, 0x22fc4165174e7c8full, 0x766e58ed1743afcaull,
  0x92667f3070448b1dull, 0x34340b6521076769ull, 0x2228a263fe64b600ull, 0x34340b6521076769ull,
  0xc8f20c4cf18c2433ull, 0x4e600c652fe7c8dcull, 0xc44f1b5c550c1faeull, 0xb332715c4b6a32ecull,
  0x766e58ed1743afcaull, 0x659c182f8d208ddaull, 0x8200eb3292934d13ull, 0x02b7e64d4a14565cull,
  0x003b3565039783cbull, 0xc1fca0082aa7cb80ull, 0x766e58ed1743afcaull, 0x18a923c7367632abull,
  0x87cea65c32d0e69full, 0x87cea65c32d0e69full, 0x659c182f8d208ddaull, 0xf0e4f843ea82b9e4ull,
  0xbbc79c5c5041009dull, 0x2228a263fe64b600ull, 0xaccceed339a19fbfull, 0xdfad2643e0c9c172ull,
  0x02b7e64d4a14565cull, 0x67c59078f962aeafull, 0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull,
  0x66191e7138e352e2ull, 0x18a923c7367632abull, 0x659c182f8d208ddaull, 0x18a923c7367632abull,
  0x026e4243f480d566ull, 0x02b7e64d4a14565cull, 0x659c182f8d208ddaull, 0x02b7e64d4a14565cull,
  0x02b7e64d4a14565cull, 0xe3165d11b91e0c69ull, 0x00d1efc3162c7692ull, 0xc9498011aa8e7ca6ull,
  0xb7f471bb7b37b41aull, 0x2228a263fe64b600ull, 0x02b7e64d4a14565cull, 0x659c182f8d208ddaull,
  0x9509380e0b427a5cull, 0x9906705c3c89d179ull, 0x659c182f8d208ddaull, 0x2228a263fe64b600ull,
  0x69d94e8efcc1e29aull, 0x18a923c7367632abull, 0x9071655c37b33a28ull, 0xfb8ba66465be5939ull,
  0xeb0595830507ceebull, 0x2228a263fe64b600ull, 0x8d7faf21658df599ull, 0x87cea65c32d0e69full,
  0xb332715c4b6a32ecull, 0x7116bd8eadaae910ull, 0x659c182f8d208ddaull, 0x2228a263fe64b600ull,
  0xe3165d11b91e0c69ull, 0x67e28e3283be8ca8ull, 0x76f5f3c45d0d5eb3ull, 0x9a2572e41067a361ull,
  0x6214c308e380d7ecull, 0x8397a7c0fac51df6ull, 0x6214c308e380d7ecull, 0x659c182f8d208ddaull,
  0xedddc5c749b8b7ecull, 0x659c182f8d208ddaull, 0x5f3fcf327edc391full, 0xedddc5c749b8b7ecull,
  0x9338c5329c4c531dull, 0x02b7e64d4a14565cull, 0xe83bc1c732575b1dull, 0x8e10755063a6f76dull,
  0x33e9a032664e8042ull, 0x32fbcd2c1d3e82eaull, 0x18a923c7367632abull, 0x18a923c7367632abull,
  0x659c182f8d208ddaull, 0x59721408de9e9f93ull, 0x2228a263fe64b600ull, 0x32fbcd2c1d3e82eaull,
  0x5550292c309931beull, 0xc7d6063b7a6f023full, 0x659c182f8d208ddaull, 0xd68271259d2eaf0full,
  0xc543652adb5a7c84ull, 0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull, 0xad0ef5850617de9aull,
  0xedddc5c749b8b7ecull, 0x59721408de9e9f93ull, 0x4cc8aa2c2bce12adull, 0x2228a263fe64b600ull,
  0x49e5927b5896f883ull, 0x2228a263fe64b600ull, 0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull,
  0xedddc5c749b8b7ecull, 0x659c182f8d208ddaull, 0x659c182f8d208ddaull, 0x18a923c7367632abull,
  0x5550292c309931beull, 0xf5d9896721c73ec1ull, 0x4ac65429de14ebf2ull, 0xf5d9896721c73ec1ull,
  0x2228a263fe64b600ull, 0x49e5927b5896f883ull, 0xb36614bc683049edull, 0x5288417b5d7930dcull,
  0x659c182f8d208ddaull, 0x2fc7357b49c23818ull, 0x11693e9b89f28974ull, 0xdd248aca562c343cull,
  0x2228a263fe64b600ull, 0xb36614bc683049edull, 0xca52e98cba8480d6ull, 0xedddc5c749b8b7ecull,
  0x659c182f8d208ddaull, 0xb026f08caba42cfbull, 0xdc5ceb2bec2e6e40ull, 0x18a923c7367632abull,
  0xfa6d6a3b6359cf0full, 0x272d89197e66aa83ull, 0x1f1d0439eec9037aull, 0x659c182f8d208ddaull,
  0x86169d5ae36fbcecull, 0x0e5f0811d1a05a9eull, 0x659c182f8d208ddaull, 0x2512a8e7184df13eull,
  0x2512a8e7184df13eull, 0x02b7e64d4a14565cull, 0x8e01b6719f555bf9ull, 0x9f0a5e8ca2026901ull,
  0x2228a263fe64b600ull, 0x02b7e64d4a14565cull, 0xedddc5c749b8b7ecull, 0xec0aac11be45abcaull,
  0xc1cb6a8cb5b961c5ull, 0x18a923c7367632abull, 0x47e8c208d4a07679ull, 0xf0c340c737227a2eull,
  0x5288417b5d7930dcull, 0x5288417b5d7930dcull, 0xb8c99f8cb0866554ull, 0xa05bcb9d26509978ull,
  0x5913b31f7c1a2a30ull, 0x02b7e64d4a14565cull, 0x2724767b44dfe48full, 0x659c182f8d208ddaull,
  0x3a37f995867ffef1ull, 0x2724767b44dfe48full, 0x02b7e64d4a14565cull, 0x90d6b395b78fcfa3ull,
  0x2228a263fe64b600ull, 0xb96ced49c03c4c83ull, 0x02b7e64d4a14565cull, 0x2d00cb2c659a417cull,
  0xedddc5c749b8b7ecull, 0xd2b8c15a04b957e0ull, 0x659c182f8d208ddaull, 0x78c3d963e87b3c1dull,
  0xa1c41263068fd356ull, 0x02b7e64d4a14565cull, 0x2fc7357b49c23818ull, 0x18a923c7367632abull,
  0xfed286844b98b38eull, 0xdc7e2a84383e04baull, 0xedddc5c749b8b7ecull, 0x659c182f8d208ddaull,
  0x87981962f7af7f7bull, 0x659c182f8d208ddaull, 0x659c182f8d208ddaull, 0x8fea608650807a27ull,
  0xedddc5c749b8b7ecull, 0x02b7e64d4a14565cull, 0x22c5b46bdc2d156bull, 0x2228a263fe64b600ull,
  0xedddc5c749b8b7ecull, 0x2228a263fe64b600ull, 0xf3cf0af8c0ad5043ull, 0x2228a263fe64b600ull,
  0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull, 0x01ef4044438adb46ull,
  0xedddc5c749b8b7ecull, 0x2d9ff4eddf4da278ull, 0x18a923c7367632abull, 0x18a923c7367632abull,
  0xd9f876e719475976ull, 0x18a923c7367632abull, 0xf54f0318122308a0ull, 0x1a30916bd7565552ull,
  0x797fb66c0d54282dull, 0x8207356c121f473eull, 0x53f73a959503fb44ull, 0x8207356c121f473eull,
  0x2228a263fe64b600ull, 0x659c182f8d208ddaull, 0xedddc5c749b8b7ecull, 0x18a923c7367632abull,
  0x1a88bddea356b22aull, 0x5145cc8c10f3b940ull, 0x1a88bddea356b22aull, 0xafab2f1c79182649ull,
  0x658084959f0216c6ull, 0x18a923c7367632abull, 0xf69d43c71ae66ec9ull, 0x18a923c7367632abull,
  0xb9658abf6b847d23ull, 0x2a7fc2f91e5d5a88ull, 0xb9658abf6b847d23ull, 0x18a923c7367632abull,
  0xedddc5c749b8b7ecull, 0xe00a3af16ad96ebeull, 0x2b1d46e877d7b3b3ull, 0xa626eadc4dd521deull,
  0xa7e89800b1512003ull, 0x659c182f8d208ddaull, 0x659c182f8d208ddaull, 0x8148033df2c4fd64ull,
  0x2f48f8ce3d7797d7ull, 0x9fcbe403ea60c5ddull, 0xedddc5c749b8b7ecull, 0x18a923c7367632abull,
  0xca162259ffd73ab7ull, 0xdb4dec5a09902591ull, 0x18a923c7367632abull, 0x7df3cc58e45ac754ull,
  0xca0dc8ce0a0a1c28ull, 0xdfbeb6be669e3c32ull, 0x2228a263fe64b600ull, 0x025beefa3301ef53ull,
  0xb77b63c7b6e4c13eull, 0x566d94be6ca57238ull, 0x11fe5a184dc8303bull, 0x59db858fa10ba8a1ull,
  0xec6a7e5a1331e98bull, 0x17ce495a2bcb35d8ull, 0xa56f641d9f51780full, 0x10e78ccf0e3e5b84ull,
  0xedddc5c749b8b7ecull, 0x767b8762ee0dbb81ull, 0x9602553658475c23ull, 0xd35c9b45fdca62a0ull,
  0x767b8762ee0dbb81ull, 0x58e21f3984e63088ull, 0xb6c13fc06ce9de33ull, 0x2228a263fe64b600ull,
  0x2e6bdd13c0db02f7ull, 0x02b7e64d4a14565cull, 0x2228a263fe64b600ull, 0x18a923c7367632abull,
  0x6e5c22e2d5e14cefull, 0x96d46819a660af2aull, 0x839dadc7998bdbb8ull, 0xc2a9e424ebb11b40ull,
  0x3314cdf92333f1d9ull, 0xa65eb9c7ad42d47cull, 0x30ea79e62b021832ull, 0xc2a9e424ebb11b40ull,
  0xc2a9e424ebb11b40ull, 0xc2984fdb58879765ull, 0x90919ad70715788dull, 0x17ce495a2bcb35d8ull,
  0x777035cfe5794850ull, 0x991919d70be0979eull, 0x8fc9e117c09a6893ull, 0x991919d70be0979eull,
  0x02b7e64d4a14565cull, 0x22ed3bad2c0eed15ull, 0x47b6d4808ddf2942ull, 0x68219ac770e2f7cbull,
  0x056c711a7a2b8907ull, 0x3cf1ad6beb0d6946ull, 0x2eecde8c07d9508bull, 0xcf3c37583be86168ull,
  0xa622f4726f42d8daull, 0x18a923c7367632abull, 0xbb9d4ea464ea2f13ull, 0x18a923c7367632abull,
  0xaeb7f77274196293ull, 0xedddc5c749b8b7ecull, 0xbb9d4ea464ea2f13ull, 0xbfefd1727dd2689dull,
  0x02b7e64d4a14565cull, 0x8587dcbf4e2ba535ull, 0x18a923c7367632abull, 0xb1be5ac5afbdf0c2ull,
  0xedddc5c749b8b7ecull, 0x2228a263fe64b600ull, 0xa0a1c0c5a61c1f30ull, 0xdce133062ede3aefull,
  0x1994fec5ea86e2aeull, 0xccd528a46ea3351dull, 0x18a923c7367632abull, 0x02b7e64d4a14565cull,
  0xef7806c27f0de330ull, 0xbdf74698d089b057ull, 0x05abd9e5f3d58b5aull, 0xf80d31c283e4b0e1ull,
  0x2228a263fe64b600ull, 0x1ace3dc2979ba9a5ull, 0x2228a263fe64b600ull, 0xedddc5c749b8b7ecull,
  0x46f9ff9327f92c4aull, 0x18a923c7367632abull, 0x4aeef8aabffcd6d9ull, 0x4e8d710b2665d4dcull,
  0x6db024aad3b405fdull, 0x706ff33df291e950ull, 0x689e619deaffb911ull, 0x651af9aacedd384cull,
  0x659c182f8d208ddaull, 0x80c8b9f134e73cebull, 0x651af9aacedd384cull, 0x706ff33df291e950ull,
  0x659c182f8d208ddaull, 0x18a923c7367632abull, 0x5531458f3743e6e4ull, 0xa98e9ab38233c912ull,
  0x6716fcf1266eab40ull, 0xc53140b23bac69d8ull, 0xd782bbf1660e4fadull, 0x18a923c7367632abull,
  0xd782bbf1660e4fadull, 0x9b6e4efa1525f3d0ull, 0xee3dcde8554bdf54ull, 0xa98e9ab38233c912ull,
  0x8bbfdf3d8ad2fe95ull, 0x279f254d30765413ull, 0xffc717e85f49fad6ull, 0x18a923c7367632abull,
  0xcbe961e841f11550ull, 0x2b257c96e19f92c4ull, 0x2228a263fe64b600ull, 0x18a923c7367632abull,
  0x11653eb3bcfcbafeull, 0x18a923c7367632abull, 0x11653eb3bcfcbafeull, 0x02b7e64d4a14565cull,
  0xcbe961e841f11550ull, 0x004894b3b35ace3cull, 0xb08b4700b633585cull, 0x659c182f8d208ddaull,
  0x02b7e64d4a14565cull, 0x18a923c7367632abull, 0xf7a5e5b3ae7895e3ull, 0x02b7e64d4a14565cull,
  0xa1072bb37d68c531ull, 0x85277c009d9a0c0full, 0x6b091f008ec54ba4ull, 0x5ae33e7f05ac5966ull,
  0x82833fdb59140a8dull, 0x5df7ec3c8811edefull, 0x06165fdd539882f8ull, 0xded2fba7c29d3cddull,
  0xd749093631e1a74aull, 0xedddc5c749b8b7ecull, 0xa4575ecb72040acbull, 0x556ef0187e1346dfull,
  0x18a923c7367632abull, 0x9bc23bcb6d2d4ab2ull, 0x421d1e780078ebd1ull, 0x51e41dd804491b5cull,
  0x18a923c7367632abull, 0xf0c7be5a3e3f4c22ull, 0xa1da6d86a91e4a7dull, 0x2af663e73c1d9a6dull,
  0x18a923c7367632abull, 0x18a923c7367632abull, 0x45214d811fbf587dull, 0x2032582743e0e98aull,
  0x1012eae5b64b12b0ull, 0xb61c42f79bc3b961ull, 0x326756e5c9a5dcb4ull, 0x02b7e64d4a14565cull,
  0xdb9722ce140852daull, 0xc16b09ce0527c89full, 0xeff497d7b5579d31ull, 0x4c85b3e5d87a9d1full,
  0x18a923c7367632abull, 0x2228a263fe64b600ull, 0x18a923c7367632abull, 0xedddc5c749b8b7ecull,
  0x33311409723743bbull, 0x77b88639611b14d2ull, 0x89d9242a74e8b31eull, 0xc0454e83995b6758ull,
  0xedddc5c749b8b7ecull, 0x4c85b3e5d87a9d1full, 0xaef3e4c7b219a22dull, 0x4e8d710b2665d4dcull,
  0x7993cc0027195945ull, 0x397a9664453056cdull, 0xc45547d2a3fb397eull, 0x18a923c7367632abull,
  0x6fe8bedd5fed0bddull, 0x18a923c7367632abull, 0x659c182f8d208ddaull, 0x1840c9d6e5b5c563ull,
  0x7993cc0027195945ull, 0x4154e6b640401a8eull, 0x02b7e64d4a14565cull, 0x18a923c7367632abull,
  0xc1a20fd6b4a5f4b1ull, 0x6d2e8fdf7fa309cfull, 0x6b89dccdf73a0659ull, 0x5cb61ec09ac73cb5ull,
  0xf12071969a42568cull, 0x6d2e8fdf7fa309cfull, 0x02b7e64d4a14565cull, 0x36c81cd15653f8fcull,
  0x96d287ce0fbc548eull, 0x540391d6e4ceb9a6ull, 0x383a9e0094d3e92aull, 0xbf615ef7c3b1020eull,
  0x02b7e64d4a14565cull, 0xdf1e3beeb8218e26ull, 0x6de2311ad9904a62ull, 0x4b7c12d6e0039a95ull,
  0x0a746aeed0af4703ull, 0x18284f8234059a35ull, 0x540391d6e4ceb9a6ull, 0x2228a263fe64b600ull,
  0x7a519fc740f96c89ull, 0x5f6d98ad4e49fd5cull, 0xccaeb1d87bd61333ull, 0xe9c9fbbf15af377bull,
  0x73d4949b4157df4bull, 0x02b7e64d4a14565cull, 0x56cae9ad4967c503ull, 0x5180389b2dfd3077ull,
  0x679710697bc0a74full, 0x6b3f719b3c811f32ull, 0xf8cfe240e8bb0400ull, 0x4e35e6ad44913b4aull,
  0x18a923c7367632abull, 0x166456dc29f9c7cfull, 0x11b27c9bc8b8bd7bull, 0x2228a263fe64b600ull,
  0x18a923c7367632abull, 0x2b74baad30da0c26ull, 0x166456dc29f9c7cfull, 0x97211037c6827922ull,
  0x2b74baad30da0c26ull, 0xd55ca7a4736e542eull, 0x1f0715dc2edc1b58ull, 0x18a923c7367632abull,
  0x9deda97957cdf7efull, 0x7852d1b54f4c5cc0ull, 0xf80d31c283e4b0e1ull, 0x0929c3c28d8674dbull,
  0x2228a263fe64b600ull, 0xad8a11d3fb9e6649ull, 0xedddc5c749b8b7ecull, 0x7993cc0027195945ull,
  0xe61c93b3a47a6cc9ull, 0xfa15374d45321e03ull, 0x41c821dc4293141cull, 0x18a923c7367632abull,
  0xb6ad4f411d98c6f3ull, 0xe50c85885433165full, 0x4a5d4cdc4769e1cdull, 0x5bc8f03e6e468b19ull,
  0x3054cb3d5ee23312ull, 0x912b4a8d94724f1eull, 0xae75109d74a9a793ull, 0x18a923c7367632abull,
  0x632368c942ba0717ull, 0x1af7ffedab362ce9ull, 0x52e4cbdc4c3500deull, 0xc34ec760211d2a55ull,
  0x1af7ffedab362ce9ull, 0xe88e72d3aaeec2d9ull, 0x6f80a8ee06ac07a3ull, 0xa4a90bb37f9926baull,
  0xf0ef77ec9cae27c7ull, 0x4b1730af544139daull, 0xd4e4c9b39ac181efull, 0x02b7e64d4a14565cull,
  0x659c182f8d208ddaull, 0xb7d77ba681792401ull, 0x89a735fcea9c1ef4ull, 0x02b7e64d4a14565cull,
  0x02b7e64d4a14565cull, 0x6fe7f4fcdc1822a1ull, 0x806430e3e16fa8eeull, 0xb2a593356d610b8dull,
  0x43e3bbe3bf346fdfull, 0x2dd69c05d44cb155ull, 0x43e3bbe3bf346fdfull, 0x02b7e64d4a14565cull,
  0xcabfe1859ebb5038ull, 0x4895d328c433b243ull, 0x02b7e64d4a14565cull, 0x18a923c7367632abull,
  0xdd99a9aaa0f2ed4dull, 0x18a923c7367632abull, 0x77dcb1e3dca489ddull, 0x43e3bbe3bf346fdfull,
  0x1c322205ca377c8bull, 0x659c182f8d208ddaull, 0x2228a263fe64b600ull, 0x139cff05c560bc72ull,
  0xa41aa68500f03f39ull, 0x43e3bbe3bf346fdfull, 0x0722cbef8bc55d36ull, 0xbedd11ed1e15cee7ull,
  0x659c182f8d208ddaull, 0x7b73a3060029ae5eull, 0x6233c19872b9ede8ull, 0xc50a700f5b7bcde1ull,
  0x74fc9c533dc26445ull, 0x59b0f2d46561f496ull, 0xa814f9d627bcd7efull, 0x02b7e64d4a14565cull,
  0x4827a8d45b63d914ull, 0xf44ce20ed14c957aull, 0xf44ce20ed14c957aull, 0x25d33cd448090f10ull,
  0x3987f377fba21e20ull, 0xb105c6878cf972d0ull, 0x1012eae5b64b12b0ull, 0x2228a263fe64b600ull,
  0xedddc5c749b8b7ecull, 0x18a923c7367632abull, 0xe39789e831fbbf33ull, 0x659c182f8d208ddaull,
  0x576d758234b406ffull, 0xfd5bdc0fc94df403ull, 0x576d758234b406ffull, 0xce4407c2bb06c826ull,
  0x9239c97114ca82dbull, 0xe2c3880ec74e5ec8ull, 0x07704be5b168f587ull, 0x16a13e0ee4a7444eull,
  0xa0b22f17bf82ed7cull, 0x18a815e5bb21e061ull, 0xe51e916ee0272cb9ull, 0xa854aff32c990242ull,
  0x4feebe02624536f8ull, 0xa9475a17c459bb2dull, 0x2228a263fe64b600ull, 0x2cbb409abcc89957ull,
  0x3b6921e5ced8d925ull, 0x9b3fd8e3a5a7d4d9ull, 0x3d2c909a1f32f141ull, 0xa3f3967afc422002ull,
  0x63ba4d4d9b98ed70ull, 0x2b8003e0b4b0c123ull, 0x364d778776a979b2ull, 0x18a923c7367632abull,
  0x3b6921e5ced8d925ull, 0x78703ddd64b82aeeull, 0xd675c3fca690736bull, 0x45b3ff9a23fdf522ull,
  0x56ebd19a2db6ed94ull, 0x2663e2a32fe9ce2aull, 0x02af33cbc5e9f9efull, 0x02b7e64d4a14565cull,
  0x02b7e64d4a14565cull, 0x2228a263fe64b600ull, 0x76cf255fec31c6a6ull, 0xf2196ca312348384ull,
  0xd9aa854aabd7b461ull, 0x43f0a0e5d3a3f836ull, 0x6fe8bedd5fed0bddull, 0x675393dd5b163e2cull,
  0x2663e2a32fe9ce2aull, 0x62e2d375bbb41893ull, 0xedddc5c749b8b7ecull, 0x22a054398e790fc7ull,
  0xedddc5c749b8b7ecull, 0xc3e5dc6c159cf696ull, 0x02b7e64d4a14565cull, 0xb1b62d784162a788ull,
  0x1d6f93a32ac22ec9ull, 0x2b4d150c638539bfull, 0x6fe8bedd5fed0bddull, 0xedddc5c749b8b7ecull,
  0xd520a47214916c07ull, 0x43a158c4f71503e0ull, 0x9175013d2653bbb0ull, 0xbccb383d3ee18225ull,
  0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0x68c9d726c4656af4ull, 0x02b7e64d4a14565cull,
  0x659c182f8d208ddaull, 0x537dcc125614500dull, 0x763c849efbb6793full, 0x2228a263fe64b600ull,
  0xedddc5c749b8b7ecull, 0x18a923c7367632abull, 0x4c85b3e5d87a9d1full, 0x0a8ec35957cfe6a2ull,
  0xdd612f928cd827fdull, 0xa2919b3d2ff58d42ull, 0xf5723fcdf6ceb059ull, 0x0fabc6d6e0df3baaull,
  0xedddc5c749b8b7ecull, 0xb17a6ec47f0439b6ull, 0x759394e14f736240ull, 0x2978a3d6ef6ecb6dull,
  0xbccb383d3ee18225ull, 0x56701384d507c9f0ull, 0xcde7ca3d4883461full, 0x18a923c7367632abull,
  0x18a923c7367632abull, 0x1840c9d6e5b5c563ull, 0x88ec9cc6fc598842ull, 0xde4e1ca11d10fcc4ull,
  0x5c6d6a99f89cdd80ull, 0x8cee2d6c03a159f4ull, 0x62f4d1cdf2636f08ull, 0x2f464f008fac49c9ull,
  0x02b7e64d4a14565cull, 0x946f577e501a3405ull, 0xe6982a0a1f915a06ull, 0xea30e700689aa231ull,
  0x68c28cf792a10894ull, 0x01f2fbe6e2470017ull, 0xedddc5c749b8b7ecull, 0xd8ecd14ef8f0b922ull,
  0x383bf64f2eee8bfdull, 0xf3a5b7ce549f19cbull, 0xedddc5c749b8b7ecull, 0x000ccf5e755ad29aull,
  0x18a923c7367632abull, 0x764698645e893db1ull, 0xeeb5f8aef81d33e9ull, 0x7a4bd6f79c9f2416ull,
  0xf1a4f48f36e563a0ull, 0xca1dfa8e2b000306ull, 0x18a923c7367632abull, 0xcbc2595e57a587f4ull,
  0xf05f0e78a3439510ull, 0x18a923c7367632abull, 0x017ba878ace566a2ull, 0x53eafb393efce39dull,
  0x58eea680979821b4ull, 0xe7bc6f789e6177e7ull, 0xf53895332f6fc008ull, 0xf2b856006d65a612ull,
  0x29b79c595573b124ull, 0x02b7e64d4a14565cull, 0x601fddf78dbed03bull, 0x18a923c7367632abull,
  0xd6b533a2a61296f3ull, 0x017ba878ace566a2ull, 0x42fb05a4434558d9ull, 0x2228a263fe64b600ull,
  0x66da72ba2a032c13ull, 0x02b7e64d4a14565cull, 0x017ba878ace566a2ull, 0xe880bb363b9a695cull,
  0x8fce6107813894bbull, 0x4af002883caa2eeeull, 0x81d89f57648f6802ull, 0x18a923c7367632abull,
  0x02b7e64d4a14565cull, 0xca1dfa8e2b000306ull, 0x279c20dc33b2b2a9ull, 0x279c20dc33b2b2a9ull,
  0x659c182f8d208ddaull, 0xb82bf67d16863a5full, 0x74a8e254e25de81cull, 0x39d358883308422cull,
  0xedddc5c749b8b7ecull, 0x4a5d4cdc4769e1cdull, 0xda91ef87fd163921ull, 0x5b641ee318924104ull,
  0x02b7e64d4a14565cull, 0x52e4cbdc4c3500deull, 0x894001ee15302cbeull, 0x6f80a8ee06ac07a3ull,
  0x18a923c7367632abull, 0x18a923c7367632abull, 0x5544d886e1e06cd0ull, 0x55624bedf7d74738ull,
  0x18a923c7367632abull, 0xedddc5c749b8b7ecull, 0x5d5577f688f29eefull, 0xc7ff7281a9f0b56full,
  0xd9373c81b3a9a049ull, 0x1c322205ca377c8bull, 0x049deca88a8dc621ull, 0xc88996f57a7e7745ull,
  0xf1f6d77a0f893965ull, 0x2228a263fe64b600ull, 0x0a94c51af059a59full, 0x1980ab565933a3d1ull,
  0x18a923c7367632abull, 0xbefc715e192d89c1ull, 0x2228a263fe64b600ull, 0x24d4d105cf19b4e4ull,
  0xbfee7923e3b7c5caull, 0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0x18a923c7367632abull,
  0xedddc5c749b8b7ecull, 0x5f6f41390994f4daull, 0x2228a263fe64b600ull, 0xd1e1d29d7569ccb9ull,
  0x18a923c7367632abull, 0xc9d30db5f8ba4177ull, 0x895ee0ed1161a100ull, 0xce6e4991257e9922ull,
  0xae651f23d9b98f18ull, 0xfda0e00b82d01662ull, 0x6fe7f4fcdc1822a1ull, 0xedddc5c749b8b7ecull,
  0xb2b0982196bd4971ull, 0x7b73a3060029ae5eull, 0x6d2cf722e126c873ull, 0x2e79104bd36c0055ull,
  0x545ada0bb3f71b8cull, 0x7b73a3060029ae5eull, 0x2228a263fe64b600ull, 0x520775d111a90394ull,
  0x9ff4a4fa3499a203ull, 0xc630a6a17b8b9441ull, 0x2228a263fe64b600ull, 0x975fa1fa2fc3184aull,
  0x6c16f6fa1740ca15ull, 0x5156ab0294b0aee0ull, 0x02b7e64d4a14565cull, 0x18a923c7367632abull,
  0xcc949af2d7b9e823ull, 0x18a923c7367632abull, 0xedddc5c749b8b7ecull, 0xf4cac67be515da6full,
  0xa43891ead0c90b38ull, 0xcf8ec8eae956d1adull, 0x18a923c7367632abull, 0xd81647eaee21f0beull,
  0xf0c340c737227a2eull, 0x7df12317abcbf4b8ull, 0x9d453ca4bebfe2b9ull, 0x528d58179332a86bull,
  0xedddc5c749b8b7ecull, 0xa0df2e6247ddf479ull, 0xff00db866dfcd353ull, 0xacf18a26cfc22151ull,
  0x56806aeaa4d51017ull, 0xfc3206f14b45825aull, 0xe205edf13c64f81full, 0x86169d5ae36fbcecull,
  0x2228a263fe64b600ull, 0x02b7e64d4a14565cull, 0xa41aa68500f03f39ull, 0x1e8662f15ea0312eull,
  0xb6afbef123d73f42ull, 0x45b3ff9a23fdf522ull, 0xedddc5c749b8b7ecull, 0x737ecd3d5481f419ull,
  0x18a923c7367632abull, 0x15fee3f159d5121dull, 0x77fe5b42062df758ull, 0x3aee3845f03ffe36ull,
  0x710a2e9a3c8badffull, 0xe0e19aa3087b8b12ull, 0x02b7e64d4a14565cull, 0x2b3076222d6d1408ull,
  0x7f66b5d911cc160aull, 0xdda72be1d3b228fbull, 0x03a2b6a31c329f06ull, 0x1afdc9b51220f216ull,
  0xf671abbc4bfb8395ull, 0x9175013d2653bbb0ull, 0x2463f4528f310755ull, 0x2367786b24c1f21eull,
  0x88d2623d21719e87ull, 0xd0a8b9de45e8e9edull, 0x5c7be80532a5ddabull, 0x876a666ce3915944ull,
  0x9a55583db0d894aaull, 0xbb52cfe1c0577a27ull, 0x88d2623d21719e87ull, 0x88d2623d21719e87ull,
  0xcbfc4f00ab299169ull, 0xfa15374d45321e03ull, 0xb56c0965a239dfa4ull, 0xcbcd73782981d785ull,
  0x5906ab72b150275bull, 0x02b7e64d4a14565cull, 0xb99cb45804dc922aull, 0x232953e1fb2035b3ull,
  0xcf00034710f6be98ull, 0xac3ee746fd3faaa4ull, 0xc231b75809b31be3ull, 0x5a5b3357ceea6057ull,
  0x41d1ffef3665719cull, 0x2228a263fe64b600ull, 0x02b7e64d4a14565cull, 0x659c182f8d208ddaull,
  0x659c182f8d208ddaull, 0x18a923c7367632abull, 0x18a923c7367632abull, 0xc28650d401d0a3c8ull,
  0x02b7e64d4a14565cull, 0x5a5b3357ceea6057ull, 0xbd59d768ddae998eull, 0x02b7e64d4a14565cull,
  0x9e21ae19df505a95ull, 0xb9695f379e8adbd2ull, 0x659c182f8d208ddaull, 0xdf896f62a3235ba0ull,
  0x2228a263fe64b600ull, 0xb9695f379e8adbd2ull, 0x02b7e64d4a14565cull, 0x2228a263fe64b600ull,
  0xe97cd0ec501baba8ull, 0x89b110674fda31d8ull, 0xcbc2595e57a587f4ull, 0x5904f5be5d5a83adull,
  0xa84cc53794e90a40ull, 0xcbc2595e57a587f4ull, 0x1755ff22fb483831ull, 0x9e40eeb976cc1d35ull,
  0x659c182f8d208ddaull, 0x740f3d2ba229ae84ull, 0xbebb8b14b0c4d25cull, 0x4be6506520237b5full,
  0x18a923c7367632abull, 0xcbc2595e57a587f4ull, 0x18b88437d488aeadull, 0xe70ab7b3bd014ac9ull,
  0xb9f6fc26780aeca3ull, 0x12b37a78b69e5f14ull, 0x2228a263fe64b600ull, 0x4077af779311a3d0ull,
  0x243cc478c09c7a96ull, 0xc2c8aa5dbf93e726ull, 0x0187e54ed859fed7ull, 0x39c1c3157269bc25ull,
  0xedddc5c749b8b7ecull, 0x4f8412723e32c430ull, 0x18a923c7367632abull, 0x659c182f8d208ddaull,
  0x12b37a78b69e5f14ull, 0x12b37a78b69e5f14ull, 0xa5cf4525e946c3e6ull, 0x243cc478c09c7a96ull,
  0x95395a1d534918a6ull, 0x02b7e64d4a14565cull, 0x3c1ee28f629319b7ull, 0x3f21471495dd60aeull,
  0x659c182f8d208ddaull, 0x8087aa6fd753c595ull, 0x659c182f8d208ddaull, 0x55a501450cec01ceull,
  0x6ee3306fcd3e90cbull, 0x2561ee1487593b93ull, 0xabd0556fefd613caull, 0xc3925ff45264c960ull,
  0x18a923c7367632abull, 0x3699c8149112419dull, 0x18a923c7367632abull, 0x83b8f17de14874c4ull,
  0x330b5c14e63aee6aull, 0x13be8b176440ddc5ull, 0xfbf86881c760cf6dull, 0x18a923c7367632abull,
  0xfbf86881c760cf6dull, 0x82ea0a8182df0dd7ull, 0x18a923c7367632abull, 0x659c182f8d208ddaull,
  0xb6fa2a23de902669ull, 0xa4bee5e15f6ec5f9ull, 0xdef1d30e16dafb23ull, 0xfb0e5729785ffcc6ull,
  0x17da7d0b91bc0b45ull, 0x49be09dae97833f9ull, 0x659c182f8d208ddaull, 0xec84460b792e44d0ull,
  0x4bb82b0baf14e333ull, 0x02b7e64d4a14565cull, 0x659c182f8d208ddaull, 0x47a8b2023409220dull,
  0x8ced7a7d80abfdb0ull, 0x18a923c7367632abull, 0x2228a263fe64b600ull, 0xe04a6516e4cae688ull,
  0xa1639e146c246c6bull, 0x2228a263fe64b600ull, 0x4962b7fc17f930e0ull, 0x02b7e64d4a14565cull,
  0x5708da20e0363b70ull, 0xedddc5c749b8b7ecull, 0x2c5163436e00a486ull, 0x7a9b6c75d2cdaeaeull,
  0x40c018fc131713b7ull, 0x6bb723fc2b53fae4ull, 0xd1e0d196c514d3c8ull, 0x7f0f421458c9bd97ull,
  0x18a923c7367632abull, 0xdc7368e8a99cbe96ull, 0x0415e78d102922eeull, 0xedddc5c749b8b7ecull,
  0x2228a263fe64b600ull, 0xc861445ae2edbb0bull, 0xdc7368e8a99cbe96ull, 0xf731a111ea939e95ull,
  0x2228a263fe64b600ull, 0x627345029e528072ull, 0xffb92011ef5ebda6ull, 0xc338cb11cd23baf7ull,
  0x73ab1702a80b78e4ull, 0x73ab1702a80b78e4ull, 0x320e65e6325a2178ull, 0xedddc5c749b8b7ecull,
  0x33b1fe120cceaedcull, 0xd8167c4e62113f2aull, 0x3ce35fb08fe3e73eull, 0xedddc5c749b8b7ecull,
  0x63270ae417d2ec77ull, 0xea42aec3001b912full, 0x925f3c1acf113485ull, 0x616a8523d0e7a263ull,
  0xeaa8acf141474ba8ull, 0x640df49b9083afafull, 0xb07d4f2a46481b2cull, 0xcc1d29e11d2e5a1eull,
  0x8c2832a8b67a65b3ull, 0x3e7a2df1028ec090ull, 0x18a923c7367632abull, 0x3046aafa181c6b2aull,
  0x02b7e64d4a14565cull, 0x2228a263fe64b600ull, 0xea42aec3001b912full, 0x18a923c7367632abull,
  0x7d54d5b8668a3da2ull, 0xedddc5c749b8b7ecull, 0xdd0d38e19c85579dull, 0x18a923c7367632abull,
  0xf33db7f1461de2f9ull, 0x18a923c7367632abull, 0x02b7e64d4a14565cull, 0x15fee3f159d5121dull,
  0x27525bfa12f4cbc9ull, 0x2ea74412a2694f2cull, 0x161a91fa093be0efull, 0xedddc5c749b8b7ecull,
  0xce64488383369ae3ull, 0xa2f20bd6f27be50cull, 0x06ac8d048336eb7bull, 0x0d69b8f154fe446cull,
  0x8667ae2303439f4bull, 0x04c709f1501c0c13ull, 0x04c709f1501c0c13ull, 0x0df91222ab402a10ull,
  0x18a923c7367632abull, 0x49d7b99d4cf1bc37ull, 0xcb19b02b98687953ull, 0x33c290346eda992dull,
  0xdc4f08e3e12d7a8eull, 0x5c8aad0079ba215full, 0x2228a263fe64b600ull, 0xf5d9896721c73ec1ull,
  0xe205edf13c64f81full, 0x0d69b8f154fe446cull, 0x02b7e64d4a14565cull, 0x5c8aad0079ba215full,
  0xea618643ba038b9aull, 0x53f59a0074e37c76ull, 0x8bc1ec73d0ddd0cfull, 0x53023b0900e30c34ull,
  0x02b7e64d4a14565cull, 0xa8219448e41f984full, 0x75c35709149a2028ull, 0x82d6fbe59db40e33ull,
  0x315cfed8e592cf11ull, 0xedddc5c749b8b7ecull, 0xf1c10f4724adb75cull, 0x6d2098090fb7cc9full,
  0xba925b0840813bc8ull, 0x02ddb9472e4fa41eull, 0x5763e4dc37cbceeaull, 0xe5f1af1c730c5586ull,
  0x2b66c2d6c0eecef6ull, 0x8e2eef3d3908563full, 0x2b66c2d6c0eecef6ull, 0xf2dfe6b606b437e5ull,
  0x2228a263fe64b600ull, 0x22df43d6bc23afe5ull, 0x6f3b5b9d5dc0d6b7ull, 0xa1814c97cd5db2d6ull,
  0xc5f9a2ad49cb4d28ull, 0x8b5bcaa6ae17cccfull, 0x87866547c1413d7eull, 0x33fbd5d6c5c573dfull,
  0xa55e48b388d65c1full, 0x02b7e64d4a14565cull, 0x18a923c7367632abull, 0x2ad368e48c59bec4ull,
  0x16d4f7c8d8a0cb4cull, 0x04d471b61e04e17full, 0x18a923c7367632abull, 0x659c182f8d208ddaull,
  0xe91e60471fcb7f03ull, 0x4c59aa9961377453ull, 0x5f289f3e4506ef1dull, 0x33fbd5d6c5c573dfull,
  0x000303d84edfd067ull, 0x2228a263fe64b600ull, 0x4ab7da031bac1cc5ull, 0xa1814c97cd5db2d6ull,
  0x02b7e64d4a14565cull, 0xc2984fdb58879765ull, 0x5f289f3e4506ef1dull, 0x6da39697b004cd50ull,
  0x9faa26379006ed17ull, 0xdc7368e8a99cbe96ull, 0x763c849efbb6793full, 0x18a923c7367632abull,
  0x3caee7a0b1db48c6ull, 0x9fca55f5d7e27e57ull, 0x2282eea0a2faf4ebull, 0x18a923c7367632abull,
  0x6d2cf722e126c873ull, 0x1eb69163d003bbcdull, 0x9445fb25df48a864ull, 0x95395a1d534918a6ull,
  0x19edcba09e2434d2ull, 0x771b4f0ddc123f97ull, 0xa27653f5ea5be9fbull, 0xd468c3414060704dull,
  0xef42d978f8f815a6ull, 0x186e090519cfac56ull, 0x7d406dfc35521666ull, 0x18a923c7367632abull,
  0x78259f1ac0253fa2ull, 0x6709051ab6836e10ull, 0x9cebdfa730e918f9ull, 0x13533a23a4a2d592ull,
  0x9fca55f5d7e27e57ull, 0xc8348aa7496b672eull, 0x2228a263fe64b600ull, 0x18a923c7367632abull,
  0x02b7e64d4a14565cull, 0xb717e0a73fc97a6cull, 0x02b7e64d4a14565cull, 0x2228a263fe64b600ull,
  0x18a923c7367632abull, 0xc2d1cccf8c9363adull, 0x52457bb02447105cull, 0x2557e277079f93b8ull,
  0xb9127a2a4b1ee8ddull, 0x78ece1d17943f9edull, 0x4867e22bda82946aull, 0x02b7e64d4a14565cull,
  0xb9127a2a4b1ee8ddull, 0xcef56646bfeb96f5ull, 0x659c182f8d208ddaull, 0x9adbac10ca463a67ull,
  0x3bb76c74419d94afull, 0x1cb5237702bd402full, 0x3f574f6a1c089715ull, 0x9467331d7820aedcull,
  0x02b7e64d4a14565cull, 0xc199f92a4fea07eeull, 0x02b7e64d4a14565cull, 0x2deced770c762b09ull,
  0x2228a263fe64b600ull, 0xe34fa74138a11997ull, 0x8dbc432a32912268ull, 0x833567834dfc6f3bull,
  0x96514e2a3767b9b9ull, 0x18a923c7367632abull, 0xd5746b601138451dull, 0xa0e809121cbdb8a6ull,
  0xf10395021b68b6edull, 0x6afb272a1eda0e74ull, 0x8fff5fb4b53fda85ull, 0x659c182f8d208ddaull,
  0x9f459d2a3c8f591aull, 0x3f763f7716745423ull, 0x18a923c7367632abull, 0x18a923c7367632abull,
  0x99d5593265066790ull, 0x18a923c7367632abull, 0x8519842a2daecedfull, 0x88b10be6a4e70e40ull,
  0xdc36c770ab9a5117ull, 0x7b196db7b1bc6703ull, 0x7d51577d821c0adaull, 0x53447ae7a2fd0691ull,
  0xedddc5c749b8b7ecull, 0x9fa5b37d9576b9aeull, 0x8d799ed3ff28630full, 0x85e65a7d86f29493ull,
  0x18a923c7367632abull, 0xe27f49fbdebc4b83ull, 0x02b7e64d4a14565cull, 0x37cf0f7d5aadc7c2ull,
  0x27525bfa12f4cbc9ull, 0x3ad34e8679f44f9eull, 0xedddc5c749b8b7ecull, 0x02b7e64d4a14565cull,
  0x1ebd50fa0e1e3478ull, 0xae7d33b4c5804bdfull, 0xeb42d816b2803a84ull, 0x18a923c7367632abull,
  0x71cb683d41603ec2ull, 0x324bcf867529308dull, 0xec5a8ded7a3e41bbull, 0x659c182f8d208ddaull,
  0x529b06fa2b7719feull, 0x784745d6891864efull, 0x00852a9c55a701f0ull, 0x529b06fa2b7719feull,
  0xca47e5f7c00b44e7ull, 0x2228a263fe64b600ull, 0x29ad9eeae586af6cull, 0x02b7e64d4a14565cull,
  0x529b06fa2b7719feull, 0xe23cf3f9ebe32431ull, 0x18a923c7367632abull, 0x2228a263fe64b600ull,
  0x7f4bc9008d713553ull, 0xde4be4fbb61223cdull, 0x324bcf867529308dull, 0x104cd6d068fe4763ull,
  0x18a923c7367632abull, 0xb9450c8a86e6f138ull, 0x2a0c2fd077826c7eull, 0x85e65a7d86f29493ull,
  0x659c182f8d208ddaull, 0xedddc5c749b8b7ecull, 0xf62e79d05a2986f8ull, 0x18a923c7367632abull,
  0xe6c32e7aa36a9c65ull, 0x659c182f8d208ddaull, 0xcacaaed041903aabull, 0x5f5fa0d6de5ec02cull,
  0x2228a263fe64b600ull, 0x18a923c7367632abull, 0x67f4cbd6e3358dddull, 0xf5bdc68652e271a6ull,
  0x2228a263fe64b600ull, 0x345a47b4c7956a6dull, 0xedddc5c749b8b7ecull, 0xd43fbaa0a894ddadull,
  0x54c28053ce275d5aull, 0x2228a263fe64b600ull, 0x45339fd6cf7e5eb9ull, 0xd43fbaa0a894ddadull,
  0x2b66c2d6c0eecef6ull, 0xf3ee6b37f97df1a9ull, 0x0102ca07466b97ebull, 0x18a923c7367632abull,
  0x18a923c7367632abull, 0x1cf3e58dd2132655ull, 0x2228a263fe64b600ull, 0x02b7e64d4a14565cull,
  0x2433ce31b07fef64ull, 0x3a92fd3a99be7197ull, 0x659c182f8d208ddaull, 0x09bcf85cc134830dull,
  0x18a923c7367632abull, 0xdfb105a45ec2a079ull, 0xb0e16012394087bfull, 0x56bcf1d6d97c87d3ull,
  0x18a923c7367632abull, 0x1244775cc5ffa21eull, 0x3c9e94d6caa7c768ull, 0x2228a263fe64b600ull,
  0x6ea708fcb05f2b2full, 0x19c3ec160196b903ull, 0x2228a263fe64b600ull, 0x54f50d9a7866667dull,
  0x6e476584569e8957ull, 0x9faefa8bb66ddf50ull, 0x3c9e94d6caa7c768ull, 0x2b66c2d6c0eecef6ull,
  0x659c182f8d208ddaull, 0x9c1e66cd07837a3dull, 0xf9a892ccbc07c007ull, 0x795d3accf3cc4b19ull,
  0x0b9a886fa166461aull, 0xa1814c97cd5db2d6ull, 0x02b7e64d4a14565cull, 0x8e448110a36f87a8ull,
  0xde2f9fc40f4eb529ull, 0x18a923c7367632abull, 0x237868a42dc2d09bull, 0x6da39697b004cd50ull,
  0x18a923c7367632abull, 0x02b7e64d4a14565cull, 0xc20f2aaf29edbf7full, 0x7ec03097b9a69ee2ull,
  0xd59a94c40a781dd8ull, 0x4803fe86b7e26ab7ull, 0xbf18e455fbd58d2cull, 0xf85ba0c41e2f169cull,
  0x2228a263fe64b600ull, 0x3caee7a0b1db48c6ull, 0x2282eea0a2faf4ebull, 0x17abddbb124373f4ull,
  0xcac4b005a256103bull, 0x06740bbb088a7b82ull, 0x06740bbb088a7b82ull, 0x2228a263fe64b600ull,
  0x19edcba09e2434d2ull, 0xf55771bafee8a9f0ull, 0x22e7984389cbf4afull, 0x504bf78092b5e95bull,
  0x24d655abb38ea522ull, 0x11665ca0995930f1ull, 0x793cf0a0d42207adull, 0x2228a263fe64b600ull,
  0xc7f9963ee059d8bdull, 0xfa15374d45321e03ull, 0x3250e0b5ee1764e2ull, 0xa5e02ea73610b85aull,
  0x18a923c7367632abull, 0xf8f43baf2d6357abull, 0xbfad0ba744a0481dull, 0x2228a263fe64b600ull,
  0x2228a263fe64b600ull, 0x233dee3eb3b83a9eull, 0x24c87b7eb87c90c5ull, 0x3f9699a3361eb2bfull,
  0x18a923c7367632abull, 0x02b7e64d4a14565cull, 0xbfad0ba744a0481dull, 0x96faac9f849e42abull,
  0x18a923c7367632abull, 0x3250e0b5ee1764e2ull, 0x2e7a07a32c7ceec5ull, 0x96faac9f849e42abull,
  0xa569ebd1a120a5c6ull, 0xa7d1381f40889ff3ull, 0xb5a0c89a5b5a07a9ull, 0xb717e0a73fc97a6cull,
  0x0fa97c90e65e1a53ull, 0xcfccc99a6a3a691cull, 0xb717e0a73fc97a6cull, 0xe77b34c8a8ebfbe2ull,
  0x18a923c7367632abull, 0xf6f7c00191e69427ull, 0x3290aa75cb679ec7ull, 0x2cd6bf20dd69c743ull,
  0x72760518edc0777bull, 0x708b609a34486011ull, 0x659c182f8d208ddaull, 0xedddc5c749b8b7ecull,
  0x24ab5740a11750feull, 0x2bfc7f9180da9ad3ull, 0x449ec62443932b7full, 0x02b7e64d4a14565cull,
  0x2cd6bf20dd69c743ull, 0x659c182f8d208ddaull, 0x8bb415a727302e1full, 0x5ac63fe90a11a4f9ull,
  0x81456ebf89bf2afbull, 0x2228a263fe64b600ull, 0x18a923c7367632abull, 0x18a923c7367632abull,
  0x96f1ed83a30f99a7ull, 0x23677c917c04111aull, 0xa6662565d8464907ull, 0x06ec9add8c4caed6ull,
  0x2bfc7f9180da9ad3ull, 0x18a923c7367632abull, 0x9859e2e7ca0eae29ull, 0xe2884581f11608e7ull,
  0x14080a82a26db017ull, 0xae7531a73ae74213ull, 0x4dae98362a971f83ull, 0x53e56da480dcd455ull,
  0xdc4cd300f76b1bcbull, 0x276c101d986f8f0cull, 0x18a923c7367632abull, 0x2228a263fe64b600ull,
  0x02b7e64d4a14565cull, 0x167a6f7e9e2a02caull, 0x36b082fe63b3b469ull, 0x49a2ccb01f64d803ull,
  0x636225b02de8fd1eull, 0x7498905741346b88ull, 0x659c182f8d208ddaull, 0x38197ab01566aee9ull,
  0x18a923c7367632abull, 0x6cf14a25df37e897ull, 0x18a923c7367632abull, 0x0d7f50820952f014ull,
  0x18a923c7367632abull, 0x1e4df5fea0f1c1f9ull, 0x38197ab01566aee9ull, 0xf53895332f6fc008ull,
  0x1cb5237702bd402full, 0x1d5cb6fd4008a2edull, 0x02b7e64d4a14565cull, 0x2deced770c762b09ull,
  0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0xe7fdf3e39db58331ull, 0x2fd747feaaefeb13ull,
  0x9092270d609c8004ull, 0xc800c3fe70272f87ull, 0xc04b4d72f19a3822ull, 0x9fd89f2669362c38ull,
  0xbf36c8d1afb03589ull, 0x36e13c77119dca6aull, 0xdfbeb6be669e3c32ull, 0x18a923c7367632abull,
  0x3f763f7716745423ull, 0x64f4abe64531b1f2ull, 0x02b7e64d4a14565cull, 0x18a923c7367632abull,
  0x5d91af7134184f01ull, 0x28b11e18dda3f562ull, 0xfa15374d45321e03ull, 0xbc6f78fb4b1737c4ull,
  0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0x659c182f8d208ddaull, 0xfa15374d45321e03ull,
  0x28b11e18dda3f562ull, 0xc6182a7fb8347bebull, 0x0ef1e518cf2006a7ull, 0x18a923c7367632abull,
  0x2228a263fe64b600ull, 0x4818ee771b568c7cull, 0x2228a263fe64b600ull, 0x112b7768bbf92560ull,
  0x659c182f8d208ddaull, 0x659c182f8d208ddaull, 0x7d51577d821c0adaull, 0x4b723a18f15b0956ull,
  0x202e917bfdaf26bcull, 0x02b7e64d4a14565cull, 0xedddc5c749b8b7ecull, 0x29b6a486705262dcull,
  0x01c24709adeb4ad1ull, 0xac22d907006e7543ull, 0x653f1718ffea9919ull, 0x02b7e64d4a14565cull,
  0xde185621d10d8035ull, 0x02b7e64d4a14565cull, 0xedddc5c749b8b7ecull, 0x66327e1073eb16f3ull,
  0xcb3cdab68c69d0d7ull, 0x54a92c1069ecedd9ull, 0x18a923c7367632abull, 0xdbbef394f66c1b45ull,
  0x02b7e64d4a14565cull, 0xfe52d98657b9168full, 0x5a80c78dedf495f4ull, 0x622d1d2bb6442322ull,
  0xcbc2a1d83db3c48aull, 0x3f750e3e01b6bd44ull, 0x55504397e6ee4e94ull, 0xedddc5c749b8b7ecull,
  0x43716210603402ffull, 0x3780bc428314b427ull, 0x5598b862d44c33a9ull, 0x19e049fc4d66e1cfull,
  0xd8839b8c25d5276aull, 0x187ef2866699a0caull, 0x187ef2866699a0caull, 0x40235b4287f6d150ull,
  0xc7983b14e25dec73ull, 0x5876b61213c290faull, 0x8028a96689f103beull, 0xe5e8ae9291a3470eull,
  0x35f0f4620c0549c3ull, 0x48b886428ccd9f01ull, 0x02b7e64d4a14565cull, 0xcf4a366dce6421f3ull,
  0x8538e342af08af48ull, 0x29b6a486705262dcull, 0x7048634c6a0b0532ull, 0xedddc5c749b8b7ecull,
  0x7c962442aa265bbfull, 0xdb0b268ed05e0511ull, 0xb8ae182d5c09b92dull, 0x18a923c7367632abull,
  0xbe9420430770b89aull, 0xa7763e2d5250b323ull, 0x178b838ef2991558ull, 0x8d57e12d437bf2b8ull,
  0x7716dc53e1820c2eull, 0xcd2eef5c9eedc426ull, 0x93893bcd02acac8cull, 0x8ae68cccfdca7433ull,
  0xeb63436418eb7c64ull, 0x1d807d24778c233dull, 0x9c1e66cd07837a3dull, 0x705891442104dbddull,
  0xb1c189fdf9a79dc4ull, 0x18a923c7367632abull, 0x9685f208d97620a6ull, 0xf3dfe34146dddd06ull,
  0x02b7e64d4a14565cull, 0x9c1e66cd07837a3dull, 0x659c182f8d208ddaull, 0x071ef33c5daed72cull,
  0xedddc5c749b8b7ecull, 0xea79f0dc04833409ull, 0x2228a263fe64b600ull, 0x1ea0850c9b90e4a1ull,
  0x9fa7003850cc1168ull, 0x825189ccf8f3ea7aull, 0x5b9fa40c1700d8f5ull, 0x18a923c7367632abull,
  0x825189ccf8f3ea7aull, 0x49fb2a0c0ceba42bull, 0x5f20c89048d77062ull, 0xe723eec41476548aull,
  0x18a923c7367632abull, 0x49fb2a0c0ceba42bull, 0x18a923c7367632abull, 0x551d0c7e5ccdabb2ull,
  0x09784ac427d1035eull, 0x02b7e64d4a14565cull, 0xedddc5c749b8b7ecull, 0x6e53281c20f1c732ull,
  0x2228a263fe64b600ull, 0x9e7afa0cad11da44ull, 0x86e84f0c2f83272aull, 0xba4ab6fb3918085eull,
  0x659c182f8d208ddaull, 0xf85ba0c41e2f169cull, 0x18a923c7367632abull, 0xe1d93bac8d58dbebull,
  0xe018843d710a003dull, 0x8c79330315135f67ull, 0xb49517c42d215b4full, 0x18a923c7367632abull,
  0xa8219448e41f984full, 0xf6621c948c9def9bull, 0x20ada8bb17767065ull, 0x6941b937d914df65ull,
  0x9db0fd031ecc4a41ull, 0xaecd8f03286e0e3bull, 0xedddc5c749b8b7ecull, 0x069044bf7c55aea9ull,
  0x06740bbb088a7b82ull, 0xea4638c0b711cef3ull, 0xb7703e032d504694ull, 0x44e1e2cd0eb8a22dull,
  0xda315a0341075a88ull, 0xe7254712ae90f75dull, 0x18a923c7367632abull, 0x18a923c7367632abull,
  0x02b7e64d4a14565cull, 0x2228a263fe64b600ull, 0xf55771bafee8a9f0ull, 0x659c182f8d208ddaull,
  0x2228a263fe64b600ull, 0x02b7e64d4a14565cull, 0xf55771bafee8a9f0ull, 0x69ff4d84df029902ull,
  0x4b92d0fb61a99230ull, 0x6e4aafbb43536d6eull, 0xedddc5c749b8b7ecull, 0xedddc5c749b8b7ecull,
  0xda3d8db4a6f82ff5ull, 0xeb73b99b534dcf30ull, 0x7f4eb31273c820a1ull, 0xefacc612b35c166eull,
  0xc003f0b4980c3b12ull, 0x37f92236ee6a89eaull, 0x85593d6eceb30de4ull, 0x738f8fa3538eccbdull,
  0x94708240e16f2d20ull, 0xedddc5c749b8b7ecull, 0x31261e768a00c456ull, 0x19d1efb5e4f6e2d8ull,
  0x2bcb5d66a61da7e8ull, 0x2228a263fe64b600ull, 0x6900406e585b4a09ull, 0x02b7e64d4a14565cull,
  0xa9595ea5bd1f4414ull, 0x02b7e64d4a14565cull, 0x6257b5a349d5c6b3ull, 0x58eea680979821b4ull,
  0x2e7a07a32c7ceec5ull, 0x659c182f8d208ddaull, 0xefacc612b35c166eull, 0xc5f7eaf2c3ee4cefull,
  0xedddc5c749b8b7ecull, 0x0d0dc42e53f04e64ull, 0xa495e6442b546801ull, 0xad0bbd9a56837058ull,
  0x18a923c7367632abull, 0x8e5b086ed3e60a55ull, 0x0c6c2e4ff9e2ebbaull, 0xf0b9eefb68cc826aull,
  0xedddc5c749b8b7ecull, 0x659c182f8d208ddaull, 0x8e5b086ed3e60a55ull, 0xe0e9739a73dc55deull,
  0xedddc5c749b8b7ecull, 0x6304d16ebb5843e0ull, 0xd861f49a6f1136cdull, 0x05359fa2c900ce91ull,
  0xcfccc99a6a3a691cull, 0x02b7e64d4a14565cull, 0xc72a1a9a655830c3ull, 0x03ad33606aed7bbcull,
  0x5a62326eb67626b7ull, 0xda7b28d7b34b47c1ull, 0x4521f74106b68fceull, 0xdbf80f6effc3075eull,
  0x2228a263fe64b600ull, 0x7912cf9a391363f2ull, 0x699858bed8cef9b4ull, 0x23677c917c04111aull,
  0x19ae5c4102efcea4ull, 0x699858bed8cef9b4ull, 0x349f2e9185bcd32cull, 0x699858bed8cef9b4ull,
  0x4ce0f2eca2e0055bull, 0x02b7e64d4a14565cull, 0x7844bdecbb7951a8ull, 0x5531fd1af4e60051ull,
  0x8264e800b8981822ull, 0x40cc1d55b6b28ea3ull, 0x670cebecb1c05936ull, 0x2228a263fe64b600ull,
  0x45bbd8918f5ebfeeull, 0xdf796af58286db32ull, 0x0d7f50820952f014ull, 0x1e4df5fea0f1c1f9ull,
  0xba31e8249bee786aull, 0x410f21feb4a8f11dull, 0x18a923c7367632abull, 0x6fa1feecb696fe1full,
  0xbc66748a520605ffull, 0xd313fb08fbbcdf8dull, 0x53d811e63b8fe060ull, 0x11050a2d52bf298dull,
  0x53d811e63b8fe060ull, 0x02b7e64d4a14565cull, 0x762c7de64eeaaa64ull, 0x6165f870ed7f21f6ull,
  0x7f2e48e6541da6d5ull, 0x98ed99e662a1be58ull, 0x9467331d7820aedcull, 0x2228a263fe64b600ull,
  0xe6630def1b2b5927ull, 0x18a923c7367632abull, 0xe3e18bc771926393ull, 0x60e7ccfe58808267ull,
  0xedddc5c749b8b7ecull, 0x83ff7aa25c048527ull, 0x24c72b8ecd7bda2full, 0x659c182f8d208ddaull,
  0x412ad007640fbfefull, 0x18a923c7367632abull, 0x18a923c7367632abull, 0xd49c51a7e36c3e76ull,
  0x02b7e64d4a14565cull, 0x7dab4507864af8feull, 0x45a48eef511d8afaull, 0x18a923c7367632abull,
  0x1da6d3087d57679aull, 0x7dab4507864af8feull, 0x28b11e18dda3f562ull, 0x31464118e27ab57bull,
  0x7dab4507864af8feull, 0x7dab4507864af8feull, 0x129e3efd5fcfccd5ull, 0xedddc5c749b8b7ecull,
  0x482c00f444ce249full, 0x02b7e64d4a14565cull, 0x7523c607817fd9edull, 0xa90c79178075ef1aull,
  0x2228a263fe64b600ull, 0x3e3c55e7b6752f64ull, 0x7523c607817fd9edull, 0x2228a263fe64b600ull,
  0x64d9df0dc0d7079bull, 0x18a923c7367632abull, 0xb97b9107856f57e9ull, 0x8ab77e7cabe56a1aull,
  0x8582bb0767ff744bull, 0x18a923c7367632abull, 0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull,
  0x17242157bb832cf3ull, 0x22c88616b90b964full, 0x0f692f3902318a72ull, 0xc8afbcd6ed8eedc3ull,
  0x717023ead526eee1ull, 0x7ff1d710826f3c0eull, 0x2228a263fe64b600ull, 0xee49091f27f799f7ull,
  0x446f9c0a3f0a8001ull, 0x21468f18796f6d4cull, 0x4f3a35ecd39519d3ull, 0x9764043a2cc1fcccull,
  0x44963b1f58c22c69ull, 0xf14d2828473deb73ull, 0x783e9f5f46fe0302ull, 0x7ae229a681e9608cull,
  0x6c00393a1428b07full, 0xa7763e2d5250b323ull, 0xb40bd06a7e42d581ull, 0x18a923c7367632abull,
  0x00264eea4c1b87e2ull, 0x8c7ac3312bbb8163ull, 0x0efdc8a88040018eull, 0x01c84cd4e8687a81ull,
  0x8c7ac3312bbb8163ull, 0xfabf512463d4f419ull, 0xedddc5c749b8b7ecull, 0x7e40367ef20e3947ull,
  0x18a923c7367632abull, 0xa7dd8a3c27bcce21ull, 0xde98495109c7ee09ull, 0x071ef33c5daed72cull,
  0x659c182f8d208ddaull, 0x07d84e45128a8ef1ull, 0x5035a535ad85a2d7ull, 0x2db11021ce76069full,
  0x58d84435b267c000ull, 0xdee19c94004638a7ull, 0x097508bfdccc1522ull, 0x6427230c1bcbf806ull,
  0x3ee8da21d82ef179ull, 0x2228a263fe64b600ull, 0x965656e4253035beull, 0x0368ef5617a3c771ull,
  0x5b9fa40c1700d8f5ull, 0x659c182f8d208ddaull, 0xdad7ce80e2792f84ull, 0xedddc5c749b8b7ecull,
  0x6a318521f0b13faeull, 0x5b9fa40c1700d8f5ull, 0xdad7ce80e2792f84ull, 0x18a923c7367632abull,
  0x8fc305ae73e7efc1ull, 0xd0efea76a6317713ull, 0x72b458f8b27183ceull, 0x1074c319257a60caull,
  0x20bd2b1260ec7762ull, 0x38de980c0349e031ull, 0x659c182f8d208ddaull, 0xfc5ddf7fe17c4c90ull,
  0x940ab16e3e21f2b1ull, 0x18a923c7367632abull, 0x18a923c7367632abull, 0x2228a263fe64b600ull,
  0x1074c319257a60caull, 0x06fdf212526888a7ull, 0xb0e5bf0994fc9a4full, 0x951bd20319f57c90ull,
  0x073ab9450d15cec6ull, 0xedddc5c749b8b7ecull, 0xdbf22e44f493b6f1ull, 0xdbf22e44f493b6f1ull,
  0x305ea681a771835aull, 0xd9ca30ee4e4afb03ull, 0x18a923c7367632abull, 0x5493253028fea602ull,
  0xc446532e81c21b88ull, 0xc8f98803374e6216ull, 0x18a923c7367632abull, 0xcbda2b52cd79758aull,
  0x6e6ec1cfb5c1fb98ull, 0x98053c33b4e14c7dull, 0x7e385f33a651bcbaull, 0xb6e0defc5f5d2095ull,
  0x6caf05339c538608ull, 0xc446532e81c21b88ull, 0x02b7e64d4a14565cull, 0xc6bc1e4abe82a4adull,
  0x4caf0975a0a59669ull, 0x18a923c7367632abull, 0x65b53be8911785b3ull, 0xda16752abcac8769ull,
  0x87d6221278932482ull, 0xa6c7365d5a466a3aull, 0x96e2876ed8b12966ull, 0x82085358ee7bbd31ull,
  0x74216b6ec4fa1572ull, 0xdbf80f6effc3075eull, 0x096dd7aec67b8a95ull, 0x18a923c7367632abull,
  0x5a246f836c5713edull, 0xb02d0bbfd5b5e3c6ull, 0x18a923c7367632abull, 0x97c1531f6cf29e64ull,
  0x651e970537881604ull, 0x97c1531f6cf29e64ull, 0xe188f365e5533f9bull, 0xfa15374d45321e03ull,
  0x878110b859955ae7ull, 0xe188f365e5533f9bull, 0x2228a263fe64b600ull, 0xbfe3435f5a232ff0ull,
  0x2228a263fe64b600ull, 0xbade6e37efc6ac0bull, 0x74821779bbf89289ull, 0x02b7e64d4a14565cull,
  0xe188f365e5533f9bull, 0x02b7e64d4a14565cull, 0xc8786e5f5ef9fda1ull, 0x4ce0f2eca2e0055bull,
  0x7844bdecbb7951a8ull, 0xe144281f37233835ull, 0x49d1169da3a46632ull, 0x2228a263fe64b600ull,
  0x0aab4356ec227de2ull, 0xdf796af58286db32ull, 0xedddc5c749b8b7ecull, 0x3e1b6147aec952bdull,
  0x18a923c7367632abull, 0xccf4bc939e8df74aull, 0x1f17285f9009ce53ull, 0xc5ba31f57402ec77ull,
  0x2ce38747a5104cb3ull, 0x0a226b47915938bfull, 0x12d1d205a4194f51ull, 0x659c182f8d208ddaull,
  0x18a923c7367632abull, 0x452fac2927ac8907ull, 0x659c182f8d208ddaull, 0x02b7e64d4a14565cull,
  0x659c182f8d208ddaull, 0x18a923c7367632abull, 0xa2f00a0b69344219ull, 0x910f7bf1ceafb74aull,
  0x8a1dd2bdd40fccd2ull, 0xd0ffdd5f63c50182ull, 0x659c182f8d208ddaull, 0x2228a263fe64b600ull,
  0x2228a263fe64b600ull, 0x2228a263fe64b600ull, 0xedddc5c749b8b7ecull, 0x4e6a1b864e891a16ull,
  0xdc1c2cf3d0c3e8c8ull, 0x0833de64cb8c9cf4ull, 0x18a923c7367632abull, 0x023a86f5963def26ull,
  0xc71dbb59158d64c9ull, 0xedddc5c749b8b7ecull, 0xc71dbb59158d64c9ull, 0x764d65f582b8a07dull,
  0xd6cc72699995ca25ull, 0x659c182f8d208ddaull, 0xd0120a591ab5042aull, 0x18a923c7367632abull,
  0x35863647a9f2850cull, 0x79456a0da0a40a47ull, 0x42f6b3b498a8600full, 0x18a923c7367632abull,
  0x2b16eda1af29083aull, 0x0a226b47915938bfull, 0x02b7e64d4a14565cull, 0x24fbb2f5a9f51e4aull,
  0x9d6821fe7abb8516ull, 0x12c52a47963b8c48ull, 0x18a923c7367632abull, 0x8849ae7704d3734full,
  0x923863385b847c6bull, 0x5272ba1cca217939ull, 0x20bca3336ba80188ull, 0x0e85c2ac54c47371ull,
  0x9fe99735ab055021ull, 0xedddc5c749b8b7ecull, 0x5b1a89ea9850f8a0ull, 0x4a8ce499b38af8faull,
  0x42f6b3b498a8600full, 0x6a847af702b48373ull, 0x126d9240a4df0e4aull, 0x03bba943e8af5e70ull,
  0xf0b13cf58c3fd3a4ull, 0x0c1210b5d9697c23ull, 0xb7b7e68283d19ff5ull, 0x77fe5b42062df758ull,
  0x659c182f8d208ddaull, 0xf0b13cf58c3fd3a4ull, 0x8aa3cc9db581e325ull, 0xc1b8c2e7a3905eacull,
  0xb9a8d835b9894c74ull, 0xb9a8d835b9894c74ull, 0x96c3fb196c9b48deull, 0x02b7e64d4a14565cull,
  0xc6d350265ad47da2ull, 0x60acb3b1925576d5ull, 0x023a86f5963def26ull, 0x18a923c7367632abull,
  0x1c0763f5a4cd7ee9ull, 0x02b7e64d4a14565cull, 0xe10ced2669c07285ull, 0xda8c66ddff8b2ca2ull,
  0xedddc5c749b8b7ecull, 0xa33f6f7cd229ddf8ull, 0x18a923c7367632abull, 0xe9946c266e8b9196ull,
  0x9d6821fe7abb8516ull, 0x833c28fe6bdb313bull, 0x2228a263fe64b600ull, 0xad0ac642fd7281e8ull,
  0xe7be8610113e6a33ull, 0x6c70423e471f7fd8ull, 0x1f7908121cf98eb8ull, 0x7523c607817fd9edull,
  0xcdae8a263ba06f95ull, 0xaa5c070de8451453ull, 0x2228a263fe64b600ull, 0x2531bb0e5c214997ull,
  0x3cf49f16c7ec208aull, 0xc6fac4d82861ddd5ull, 0x34005016c2c48129ull, 0x9e6f02027be7cedbull,
  0xe0e87c431acb676eull, 0xb5b6b6265132ac10ull, 0x18a923c7367632abull, 0xc5f6f9282eb03296ull,
  0x03777d981eca137eull, 0x9aae6e28162e1ac1ull, 0xecaa3737aabde6eeull, 0x02b7e64d4a14565cull,
  0xe422b837a5f2c7ddull, 0x61de4f4e263afe87ull, 0x659c182f8d208ddaull, 0xe10ced2669c07285ull,
  0xdb8d8d37a11bfa2cull, 0x7c1195c442afd8cdull, 0xd9f7aa382140b812ull, 0xc7f485baac01b784ull,
  0xf2297f267362367full, 0xcab1e9af2ed01308ull, 0x18a923c7367632abull, 0xcab1e9af2ed01308ull,
  0xedddc5c749b8b7ecull, 0x50e4512f35b04200ull, 0xc1618c37923b98b9ull, 0x6a960e2f4428d3abull,
  0xfa15374d45321e03ull, 0x9e8ee42f6198b749ull, 0x2aa47023509c0ba6ull, 0xc1618c37923b98b9ull,
  0x18a923c7367632abull, 0x6c77e39b02fb7e99ull, 0x97c08e9b1b7dccceull, 0xb029c2378882addfull,
  0xee14eb5483f902d2ull, 0xe69a450f209b0c46ull, 0x54fc84712f418150ull, 0x2228a263fe64b600ull,
  0xae6913322ddd63a6ull, 0xdc4f57a3ceeb6944ull, 0x659c182f8d208ddaull, 0xbe1e7db2f050378bull,
  0x820ee002c8793eceull, 0xb029c2378882addfull, 0x0126122995362442ull, 0xd3aca8a3ca0930ebull,
  0xa4a4ee75b33daadeull, 0xe56a3af8f74b7c90ull, 0xecaa3737aabde6eeull, 0x5f053e84d9de97a1ull,
  0x7a89cb8402eddc36ull, 0x2228a263fe64b600ull, 0xe422b837a5f2c7ddull, 0x7f41bd630db78d78ull,
  0xb363571b409f0971ull, 0x367d2d0d52235158ull, 0xe9199e2e9593d19cull, 0x02b7e64d4a14565cull,
  0x19baa0f09ffcb456ull, 0x04299ae738c82c6cull, 0x02b7e64d4a14565cull, 0x7828ed37a1321277ull,
  0xc47fe91b4a40cd6bull, 0xaa97f463264553edull, 0xb363571b409f0971ull, 0xdb71635a2457a3ffull,
  0x18a923c7367632abull, 0xf59d7c5a33382e3aull, 0xbecd667c8374e22eull, 0x18a923c7367632abull,
  0x18a923c7367632abull, 0x659c182f8d208ddaull, 0xaace2c1b3bc83bc0ull, 0x1b39eb1b7b67e02dull,
  0x02b7e64d4a14565cull, 0x06d52e5a3cf0f04cull, 0x18a923c7367632abull, 0xaace2c1b3bc83bc0ull,
  0x7eac883ca89a7598ull, 0x02b7e64d4a14565cull, 0x7d2a2aa8f9b88901ull, 0x02b7e64d4a14565cull,
  0x037b0ce3dd5ac1dcull, 0x1835bc125c217381ull, 0x065ab9e7a27dffa7ull, 0x18a923c7367632abull,
  0xf646043213dc661eull, 0xc50ff1720a7a80b6ull, 0xedddc5c749b8b7ecull, 0xe9e1dd83c9779114ull,
  0xdea8f5004ab5f9acull, 0xe56a3af8f74b7c90ull, 0x8b93bb7b0785cf83ull, 0xcb7f93931e736774ull,
  0x0fa09112574aa5d0ull, 0x3af6c8126fd86c45ull, 0xf5b16f450317b344ull, 0x02b7e64d4a14565cull,
  0x073ab9450d15cec6ull, 0xb959ee8ccbaa71aaull, 0xdbf22e44f493b6f1ull, 0x65f2b4d714008c49ull,
  0x02b7e64d4a14565cull, 0x9f2dd58cbcc9e76full, 0xae6913322ddd63a6ull, 0xbf8cf890d82c0052ull,
  0xdbae4a8cdf05207eull, 0xca91a08cd56333bcull, 0x3290e84525a387a3ull, 0x494c023c14e124e2ull,
  0x73d7a68ca43c2e92ull, 0x8c1ff2f41e09b77eull, 0x8f701133b00a7eccull, 0x140835589ad08572ull,
  0x86cd6233ab284673ull, 0x659c182f8d208ddaull, 0x0ac10c181e5bd152ull, 0x24faa9182d47c635ull,
  0x640c46339771327full, 0x5b773333929a8d96ull, 0x3eb9fa183bcbddb8ull, 0xebadbf013695edb3ull,
  0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0xf442762acb8ce8dcull,
  0xf442762acb8ce8dcull, 0x49b10a812d8af4b3ull, 0xd1816a2ab7d5f018ull, 0x056d1801451a12ceull,
  0x02b7e64d4a14565cull, 0x02b7e64d4a14565cull, 0xc8435422026a2e7dull, 0x60be3f65bf3400d0ull,
  0x581ba065ba51e3a7ull, 0x05d2ede7de390e74ull, 0xc8eca30122ded9bfull, 0x2228a263fe64b600ull,
  0x6daf1baff2d11badull, 0xda246d012c97c499ull, 0x02b7e64d4a14565cull, 0x949bf565dc8ce656ull,
  0x9d310865e1638b3full, 0xc094135d68d5f9fdull, 0x659c182f8d208ddaull, 0x9d5798af228dda61ull,
  0x093b63916d2386dfull, 0xfa15374d45321e03ull, 0x4ca22f339df0d801ull, 0xedddc5c749b8b7ecull,
  0x0c67accfdf25c28cull, 0xd02d1863aaf8ff9cull, 0xffd3b0477e4cde06ull, 0x18a923c7367632abull,
  0x18a923c7367632abull, 0xaece4601140a1954ull, 0xc42a512efd18893bull, 0x535237e07389cd6bull,
  0x22986917a6f47c9dull, 0xe318bc0131bf63faull, 0x69536a65c40ace81ull, 0xa42ea354f9ba9042ull,
};

static void diff_run(st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  static dcmd d;
  int bad = 0;
  uint64_t max_nodes = 0;
  for (int i = 0; i < (int)(sizeof diff_hashes / sizeof *diff_hashes); i++) {
    dgen(&d, i);
    const char *r = run(c, d.argc, d.argv);
    if (fnv(r) != diff_hashes[i] && bad++ < 5) {
      fprintf(stderr, "  diff %d:", i);
      for (int k = 0; k < d.argc; k++) fprintf(stderr, " %.40s", d.argv[k]);
      fprintf(stderr, "\n  -> %.300s\n", r);
    }
    if (!list_ok(c, "da") || !list_ok(c, "db")) bad++;
    st_entry *e = find(c, "da");
    if (e && entry_enc(e) == ENC_QUICKLIST && ((quicklist *)e->val)->len > max_nodes)
      max_nodes = ((quicklist *)e->val)->len;
  }
  CHECK(bad == 0);
  CHECK(max_nodes >= 20); /* the run went across many nodes */
  CHECK_REPLY(c, DIFF_LEN_DA, "llen", "da");
  CHECK_REPLY(c, DIFF_LEN_DB, "llen", "db");
  CHECK_REPLY(c, "+OK\r\n", "flushall");
}

/* ------------------------------------------------------------------------------ encodings */

/* The internal encoding (OBJECT ENCODING says "quicklist" for both, as Redis 7.0). */
static const char *list_enc(st_client *c, const char *key) {
  st_entry *e = find(c, key);
  if (e == NULL) return "none";
  return entry_enc(e) == ENC_LISTPACK ? "listpack" : "quicklist";
}

static void test_encodings(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  /* -2: 8 KiB, by Redis 7.0's estimate (bytes + string length + 8 <= 8192). 10-byte entries
   * (8 chars): 7 + 817 * 10 = 8177 bytes, and a 7-char string still fits (8177 + 7 + 8). */
  char *argv[64];
  argv[0] = "rpush";
  argv[1] = "l";
  for (int i = 2; i < 64; i++) argv[i] = "abcdefgh";
  int n = 0;
  while (n + 62 <= 817) {
    run(c, 64, argv);
    n += 62;
  }
  argv[2 + 817 - n] = NULL;
  run(c, 2 + 817 - n, argv);
  st_entry *e = find(c, "l");
  CHECK(e && entry_enc(e) == ENC_LISTPACK && lp_bytes(e->val) == 8177);
  CHECK_REPLY(c, ":818\r\n", "rpush", "l", "abcdefg");
  e = find(c, "l");
  CHECK(entry_enc(e) == ENC_LISTPACK && lp_bytes(e->val) == 8186);
  CHECK(strcmp(list_enc(c, "l"), "listpack") == 0);
  CHECK_REPLY(c, ":819\r\n", "lpush", "l", "1"); /* 8186 + 1 + 8 > 8192 */
  CHECK(strcmp(list_enc(c, "l"), "quicklist") == 0);
  e = find(c, "l");
  CHECK(((quicklist *)e->val)->len == 2 && list_ok(c, "l"));
  /* Popping to half the limit converts back: 4096 bytes is ~409 entries. */
  CHECK_REPLY(c, "$1\r\n1\r\n", "lpop", "l");
  CHECK(strcmp(list_enc(c, "l"), "quicklist") == 0); /* one node, but full */
  exec(c, "rpop", "l", "400", NULL);
  CHECK(strcmp(list_enc(c, "l"), "quicklist") == 0);
  exec(c, "rpop", "l", "9", NULL); /* 409 entries: 4097 bytes, one over half */
  CHECK(strcmp(list_enc(c, "l"), "quicklist") == 0);
  exec(c, "rpop", "l", NULL);
  CHECK(strcmp(list_enc(c, "l"), "listpack") == 0 && list_ok(c, "l"));
  CHECK_REPLY(c, ":408\r\n", "llen", "l");
  /* A big element alone: one node (Redis's first node takes any element). */
  static char big[10000];
  memset(big, 'b', sizeof big - 1);
  const char *bv[3] = { "rpush", "bl", big };
  run(c, 3, (char **)bv);
  CHECK(strcmp(list_enc(c, "bl"), "listpack") == 0 && list_ok(c, "bl"));
  /* LSET replaces in place whatever the size (Redis's quicklistReplaceEntry): still one node,
   * now over the limit. */
  const char *sv[4] = { "lset", "l", "0", big };
  CHECK(strcmp(run(c, 4, (char **)sv), "+OK\r\n") == 0);
  e = find(c, "l");
  CHECK(entry_enc(e) == ENC_LISTPACK && lp_bytes(e->val) > 8192 && list_ok(c, "l"));
  CHECK(strlen(exec(c, "lindex", "l", "0", NULL)) == 9999 + 9);
  CHECK_REPLY(c, "+OK\r\n", "lset", "l", "0", "small");
  CHECK(strcmp(list_enc(c, "l"), "listpack") == 0);
  /* LINSERT that Redis would not let into the node: the node splits after "small" (the halves
   * are too big to merge back), and LREM of the big one merges nothing: two nodes stay. */
  const char *iv[5] = { "linsert", "l", "after", "small", big };
  CHECK(strcmp(run(c, 5, (char **)iv), ":409\r\n") == 0);
  CHECK(strcmp(list_enc(c, "l"), "quicklist") == 0 && list_ok(c, "l"));
  e = find(c, "l");
  CHECK(((quicklist *)e->val)->len == 2 && ((quicklist *)e->val)->head->count == 1);
  CHECK_REPLY(c, ":1\r\n", "lrem", "l", "1", big);
  e = find(c, "l");
  CHECK(entry_enc(e) == ENC_QUICKLIST && ((quicklist *)e->val)->len == 2);
  /* Positive list-max-listpack-size: entries per node. */
  st->cfg.list_max_listpack_size = 4;
  CHECK_REPLY(c, ":4\r\n", "rpush", "p", "a", "b", "c", "d");
  CHECK(strcmp(list_enc(c, "p"), "listpack") == 0);
  CHECK_REPLY(c, ":5\r\n", "rpush", "p", "e");
  CHECK(strcmp(list_enc(c, "p"), "quicklist") == 0);
  CHECK_REPLY(c, ":13\r\n", "rpush", "p", "f", "g", "h", "i", "j", "k", "l", "m");
  e = find(c, "p");
  CHECK(((quicklist *)e->val)->len == 4 && list_ok(c, "p"));
  CHECK_REPLY(c,
              "*11\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$"
              "1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n",
              "lpop", "p", "11");
  CHECK(strcmp(list_enc(c, "p"), "quicklist") == 0); /* [l] [m]: two nodes */
  CHECK_REPLY(c, "$1\r\nl\r\n", "lpop", "p");
  CHECK(strcmp(list_enc(c, "p"), "listpack") == 0); /* one node, 1 <= 4 / 2 */
  CHECK_REPLY(c, ":6\r\n", "rpush", "q", "1", "2", "3", "4", "5", "6");
  CHECK(strcmp(list_enc(c, "q"), "quicklist") == 0); /* a new key over the limit */
  st->cfg.list_max_listpack_size = -2;
  /* MEMORY USAGE's value part is O(1) and exact: it is what the cells hold. */
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  for (int i = 2; i < 64; i++) argv[i] = "element-with-some-bytes";
  for (int k = 0; k < 100; k++) run(c, 64, argv);
  e = find(c, "l");
  CHECK(entry_enc(e) == ENC_QUICKLIST);
  CHECK((int64_t)list_usage(st, e) ==
        list_cells(st, TM_CAT_DATA) + list_cells(st, TM_CAT_METADATA));
  CHECK_REPLY(c, "+OK\r\n", "flushall");
}

/* ------------------------------------------------------------------------------ long lists */

static void test_long(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  static char vals[64][16];
  char *argv[64];
  argv[0] = "rpush";
  argv[1] = "L";
  for (int i = 0; i < 100000; i += 62) {
    int k = 0;
    for (; k < 62 && i + k < 100000; k++) {
      snprintf(vals[k], sizeof vals[k], "e%d", i + k);
      argv[2 + k] = vals[k];
    }
    run(c, 2 + k, argv);
  }
  CHECK_REPLY(c, ":100000\r\n", "llen", "L");
  CHECK(list_ok(c, "L"));
  CHECK_REPLY(c, "$2\r\ne0\r\n", "lindex", "L", "0");
  CHECK_REPLY(c, "$6\r\ne99999\r\n", "lindex", "L", "-1");
  CHECK_REPLY(c, "$6\r\ne50000\r\n", "lindex", "L", "50000");
  CHECK_REPLY(c, "$6\r\ne12345\r\n", "lindex", "L", "-87655");
  CHECK_REPLY(c, "$6\r\ne87654\r\n", "lindex", "L", "87654");
  CHECK_REPLY(c, "*3\r\n$6\r\ne99997\r\n$6\r\ne99998\r\n$6\r\ne99999\r\n", "lrange", "L", "-3",
              "-1");
  CHECK_REPLY(c, "*3\r\n$6\r\ne99997\r\n$6\r\ne99998\r\n$6\r\ne99999\r\n", "lrange", "L", "99997",
              "200000");
  CHECK_REPLY(c, "*2\r\n$2\r\ne1\r\n$2\r\ne2\r\n", "lrange", "L", "-99999", "-99998");
  CHECK_REPLY(c, "*2\r\n$6\r\ne70000\r\n$6\r\ne70001\r\n", "lrange", "L", "70000", "70001");
  CHECK_REPLY(c, ":99999\r\n", "lpos", "L", "e99999");
  CHECK_REPLY(c, "$-1\r\n", "lpos", "L", "e99999", "maxlen", "1000");
  CHECK_REPLY(c, ":99999\r\n", "lpos", "L", "e99999", "rank", "-1", "maxlen", "1");
  CHECK_REPLY(c, "+OK\r\n", "lset", "L", "-50001", "mid");
  CHECK_REPLY(c, "$3\r\nmid\r\n", "lindex", "L", "49999");
  CHECK_REPLY(c, ":100001\r\n", "linsert", "L", "before", "e99999", "last-but-one");
  CHECK_REPLY(c, "$12\r\nlast-but-one\r\n", "lindex", "L", "-2");
  CHECK_REPLY(c, "+OK\r\n", "ltrim", "L", "10", "-11");
  CHECK_REPLY(c, ":99981\r\n", "llen", "L");
  CHECK_REPLY(c, "$3\r\ne10\r\n", "lindex", "L", "0");
  CHECK_REPLY(c, "$6\r\ne99990\r\n", "lindex", "L", "-1");
  CHECK(list_ok(c, "L"));
  /* Long ranges in one reply (what fits the test's buffer). */
  const char *all = exec(c, "lrange", "L", "0", "59999", NULL);
  CHECK(strncmp(all, "*60000\r\n$3\r\ne10\r\n", 17) == 0);
  CHECK(strstr(all, "$6\r\ne60009\r\n") != NULL && strstr(all, "e60010") == NULL);
  all = exec(c, "lrange", "L", "-59999", "-1", NULL);
  CHECK(strncmp(all, "*59999\r\n$6\r\ne39992\r\n", 20) == 0);
  /* DEL of a big list: bounded steps (lazyfree.c and list_free_step). */
  CHECK_REPLY(c, ":1\r\n", "del", "L");
  lazy_drain_all(st);
  CHECK(owner_empty(st, ST_LIST));
}

/* ------------------------------------------------------------------------------ model */

typedef struct lmodel {
  char **v;
  size_t n, cap;
} lmodel;

static void lm_insert(lmodel *m, size_t i, const char *s) {
  if (m->n == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 256;
    m->v = realloc(m->v, m->cap * sizeof *m->v);
  }
  memmove(m->v + i + 1, m->v + i, (m->n - i) * sizeof *m->v);
  m->v[i] = strdup(s);
  m->n++;
}

static void lm_del(lmodel *m, size_t i) {
  free(m->v[i]);
  memmove(m->v + i, m->v + i + 1, (m->n - i - 1) * sizeof *m->v);
  m->n--;
}

/* The reply LRANGE 0 -1 should give for the model. */
static int lm_same(st_client *c, const lmodel *m) {
  const char *r = exec(c, "lrange", "M", "0", "-1", NULL);
  char head[32];
  snprintf(head, sizeof head, "*%zu\r\n", m->n);
  if (strncmp(r, head, strlen(head)) != 0) return 0;
  r += strlen(head);
  for (size_t i = 0; i < m->n; i++) {
    size_t l = strlen(m->v[i]);
    snprintf(head, sizeof head, "$%zu\r\n", l);
    if (strncmp(r, head, strlen(head)) != 0) return 0;
    r += strlen(head);
    if (strncmp(r, m->v[i], l) != 0 || strncmp(r + l, "\r\n", 2) != 0) return 0;
    r += l + 2;
  }
  return *r == '\0' && list_ok(c, "M");
}

static uint64_t mx = 88172645463325252ull;
static uint64_t mrnd(void) {
  mx ^= mx << 13;
  mx ^= mx >> 7;
  mx ^= mx << 17;
  return mx;
}

static void mval(char *b) {
  if (mrnd() % 3 == 0) {
    snprintf(b, 32, "%d", (int)(mrnd() % 50));
    return;
  }
  int l = snprintf(b, 32, "w%d", (int)(mrnd() % 100));
  int pad = (int)(mrnd() % 200);
  memset(b + l, '.', (size_t)pad);
  b[l + pad] = '\0';
}

static void test_model(st_client *c, int64_t fill, uint64_t min_nodes) {
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  c->st->cfg.list_max_listpack_size = fill;
  lmodel m = { 0 };
  char v[256], w[256], num[32], num2[32];
  int ok = 1;
  size_t max_len = 0;
  uint64_t max_nodes = 0;
  for (int op = 0; op < 10000 && ok; op++) {
    uint64_t r = mrnd() % 100;
    mval(v);
    if (r < 54 || m.n < 3) {
      int head = mrnd() & 1;
      exec(c, head ? "lpush" : "rpush", "M", v, NULL);
      lm_insert(&m, head ? 0 : m.n, v);
    } else if (r < 50) {
      int head = mrnd() & 1;
      size_t k = 1 + mrnd() % 4;
      if (k > m.n) k = m.n;
      snprintf(num, sizeof num, "%zu", k);
      exec(c, head ? "lpop" : "rpop", "M", num, NULL);
      for (size_t i = 0; i < k; i++) lm_del(&m, head ? 0 : m.n - 1);
    } else if (r < 62) {
      /* LINSERT before/after the first occurrence of a random existing element. */
      size_t i = mrnd() % m.n;
      int after = mrnd() & 1;
      snprintf(w, sizeof w, "%s", m.v[i]);
      size_t first = 0;
      while (strcmp(m.v[first], w) != 0) first++;
      exec(c, "linsert", "M", after ? "after" : "before", w, v, NULL);
      lm_insert(&m, after ? first + 1 : first, v);
    } else if (r < 72) {
      /* LREM count (both directions) of a random element. */
      size_t i = mrnd() % m.n;
      long cnt = (long)(mrnd() % 5) - 2;
      snprintf(w, sizeof w, "%s", m.v[i]);
      snprintf(num, sizeof num, "%ld", cnt);
      exec(c, "lrem", "M", num, w, NULL);
      long removed = 0, limit = cnt < 0 ? -cnt : cnt;
      if (cnt >= 0) {
        for (size_t j = 0; j < m.n && (!limit || removed < limit);)
          if (strcmp(m.v[j], w) == 0)
            lm_del(&m, j), removed++;
          else
            j++;
      } else {
        for (size_t j = m.n; j-- > 0 && removed < limit;)
          if (strcmp(m.v[j], w) == 0) lm_del(&m, j), removed++;
      }
    } else if (r < 82) {
      size_t i = mrnd() % m.n;
      snprintf(num, sizeof num, "%lld",
               (mrnd() & 1) ? (long long)i : (long long)i - (long long)m.n);
      exec(c, "lset", "M", num, v, NULL);
      free(m.v[i]);
      m.v[i] = strdup(v);
    } else if (r < 85) {
      size_t a = mrnd() % (m.n / 16 + 1), b = mrnd() % (m.n / 16 + 1);
      snprintf(num, sizeof num, "%zu", a);
      snprintf(num2, sizeof num2, "-%zu", b + 1);
      exec(c, "ltrim", "M", num, num2, NULL);
      if (a + b >= m.n) {
        while (m.n) lm_del(&m, m.n - 1);
      } else {
        for (size_t k = 0; k < b; k++) lm_del(&m, m.n - 1);
        for (size_t k = 0; k < a; k++) lm_del(&m, 0);
      }
    } else if (r < 92) {
      size_t i = mrnd() % m.n;
      snprintf(num, sizeof num, "%lld",
               (mrnd() & 1) ? (long long)i : (long long)i - (long long)m.n);
      const char *got = exec(c, "lindex", "M", num, NULL);
      char want[300];
      snprintf(want, sizeof want, "$%zu\r\n%s\r\n", strlen(m.v[i]), m.v[i]);
      ok &= strcmp(got, want) == 0;
    } else {
      /* Rotate: LMOVE M M. */
      int from = mrnd() & 1, to = mrnd() & 1;
      exec(c, "lmove", "M", "M", from ? "left" : "right", to ? "left" : "right", NULL);
      char *x = strdup(m.v[from ? 0 : m.n - 1]);
      lm_del(&m, from ? 0 : m.n - 1);
      lm_insert(&m, to ? 0 : m.n, x);
      free(x);
    }
    if (m.n > max_len) max_len = m.n;
    st_entry *e = find(c, "M");
    if (e && entry_enc(e) == ENC_QUICKLIST && ((quicklist *)e->val)->len > max_nodes)
      max_nodes = ((quicklist *)e->val)->len;
    if (op % 25 == 0 || !ok) ok &= lm_same(c, &m);
    if (!ok) fprintf(stderr, "  model diverged at op %d\n", op);
  }
  CHECK(ok);
  CHECK(lm_same(c, &m));
  CHECK(max_len > 300 && max_nodes >= min_nodes);
  if (max_len <= 300 || max_nodes < min_nodes)
    fprintf(stderr, "  model: %zu elements, %llu nodes at most\n", max_len,
            (unsigned long long)max_nodes);
  while (m.n) lm_del(&m, m.n - 1);
  free(m.v);
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  c->st->cfg.list_max_listpack_size = -2;
}

/* ------------------------------------------------------------------------------ OOM */

/* Every command that adds, under the strict policy with the tiers' limits at what is live plus
 * a growing slack: each allocation point fails in turn. On the OOM error the lists are exactly
 * as they were (contents, encodings, bytes); past the last failure point, Redis's reply. */
static char big[1200];

static void oom_setup(st_client *c) {
  exec(c, "flushall", NULL);
  char *argv[64];
  argv[0] = "rpush";
  argv[1] = "q";
  for (int i = 2; i < 64; i++) argv[i] = "padding-padding-padding";
  for (int k = 0; k < 20; k++) run(c, 64, argv);
  exec(c, "rpush", "s", "a", "b", "c", NULL);
  exec(c, "ping", NULL); /* the reply buffer keeps one chunk: only the lists are starved */
}

static void oom_state(st_client *c, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s %s %s %s|", list_enc(c, "q"), list_enc(c, "s"), list_enc(c, "new"),
                   list_enc(c, "fresh"));
  const char *r = exec(c, "lrange", "q", "0", "-1", NULL);
  n += snprintf(out + n, cap - (size_t)n, "%zu:%016llx|", strlen(r), (unsigned long long)fnv(r));
  snprintf(out + n, cap - (size_t)n, "%s", exec(c, "lrange", "s", "0", "-1", NULL));
}

static int oom_sweep(st_client *c, tm_heap *h, int argc, const char **argv, const char *want) {
  static char before[1 << 16], now[1 << 16], got[1 << 20];
  int saw_oom = 0, done = 0;
  for (size_t slack = 0; slack < 400000 && !done; slack += 1 + slack / 4) {
    oom_setup(c);
    oom_state(c, before, sizeof before);
    int64_t bytes = sm_owner_bytes(&c->st->mem, ST_LIST);
    tm_set_policy(h, TM_POLICY_STRICT);
    tm_set_limit(h, TM_DRAM, (size_t)tier_live(h, TM_DRAM) + slack);
    tm_set_limit(h, TM_PMEM, (size_t)tier_live(h, TM_PMEM) + slack);
    snprintf(got, sizeof got, "%s", exec_argv(c, argc, argv, NULL));
    int64_t after = sm_owner_bytes(&c->st->mem, ST_LIST);
    tm_set_limit(h, TM_DRAM, 0);
    tm_set_limit(h, TM_PMEM, 0);
    tm_set_policy(h, TM_POLICY_SPILL);
    if (strcmp(got, "-" ERR_OOM "\r\n") == 0) {
      saw_oom = 1;
      oom_state(c, now, sizeof now);
      CHECK(after == bytes && strcmp(now, before) == 0);
      if (after != bytes || strcmp(now, before) != 0)
        fprintf(stderr, "  oom %s %s at slack %zu: changed\n", argv[0], argv[1], slack);
    } else {
      CHECK(strncmp(got, want, strlen(want)) == 0);
      if (strncmp(got, want, strlen(want)) != 0)
        fprintf(stderr, "  oom sweep %s %s: got %.200s want %s\n", argv[0], argv[1], got, want);
      done = 1;
    }
    CHECK(list_ok(c, "q") && list_ok(c, "s"));
  }
  CHECK(done);
  return saw_oom;
}

static void test_oom(tm_heap *h, st_client *c) {
  memset(big, 'o', sizeof big - 1);
  const char *pad = "padding-padding-padding";
  const char *many[12] = { "lpush", "q", big, big, big, big, big, big, big, big, big, big };
  int ooms = 0;
  ooms += oom_sweep(c, h, 12, many, ":1250\r\n");
  many[1] = "s";
  ooms += oom_sweep(c, h, 12, many, ":13\r\n"); /* converts, then pushes */
  many[0] = "rpush";
  many[1] = "new";
  ooms += oom_sweep(c, h, 5, many, ":3\r\n");
  many[1] = "s";
  ooms += oom_sweep(c, h, 4, many, ":5\r\n");
  const char *ls[4] = { "lset", "q", "30", big };
  ooms += oom_sweep(c, h, 4, ls, "+OK\r\n");
  ls[1] = "s";
  ls[2] = "1";
  ooms += oom_sweep(c, h, 4, ls, "+OK\r\n");
  const char *li[5] = { "linsert", "q", "after", pad, big };
  ooms += oom_sweep(c, h, 5, li, ":1241\r\n");
  const char *li2[5] = { "linsert", "q", "before", "c", big }; /* no pivot: converts, undoes */
  oom_sweep(c, h, 5, li2, ":-1\r\n");
  li[1] = "s";
  li[3] = "b";
  ooms += oom_sweep(c, h, 5, li, ":4\r\n");
  const char *lm[5] = { "lmove", "q", "fresh", "left", "left" };
  ooms += oom_sweep(c, h, 5, lm, "$23\r\npadding-padding-padding\r\n");
  lm[2] = "s";
  lm[4] = "right";
  oom_sweep(c, h, 5, lm, "$23\r\npadding-padding-padding\r\n");
  const char *rot[5] = { "lmove", "s", "s", "left", "right" };
  oom_sweep(c, h, 5, rot, "$1\r\na\r\n");
  const char *rpl[3] = { "rpoplpush", "q", "q" };
  oom_sweep(c, h, 3, rpl, "$23\r\npadding-padding-padding\r\n");
  CHECK(ooms == 9);
  CHECK_REPLY(c, "+OK\r\n", "flushall");
}

/* ------------------------------------------------------------------------------ tiers */

/* List data is tiered: a node's listpack is routed by the threshold, its node stays in DRAM. */
static void test_tiers(st_client *c) {
  st_store *st = c->st;
  CHECK_REPLY(c, "+OK\r\n", "flushall");
  CHECK_REPLY(c, ":1\r\n", "rpush", "t", "x");
  st_entry *e = find(c, "t");
  CHECK(entry_val_tier(e) == TM_DRAM); /* 10 bytes < 256 */
  char *argv[64];
  argv[0] = "rpush";
  argv[1] = "t";
  for (int i = 2; i < 64; i++) argv[i] = "some-element-bytes";
  run(c, 64, argv);
  e = find(c, "t");
  CHECK(entry_enc(e) == ENC_LISTPACK && entry_val_tier(e) == TM_PMEM);
  for (int k = 0; k < 20; k++) run(c, 64, argv);
  e = find(c, "t");
  quicklist *ql = e->val;
  int nodes_dram = 1, lps_routed = 1;
  for (ql_node *n = ql->head; n; n = n->next) {
    nodes_dram &= n->self_tier == TM_DRAM;
    lps_routed &= n->lp_tier == (lp_bytes(n->lp) < 256 ? TM_DRAM : TM_PMEM);
  }
  CHECK(nodes_dram && lps_routed && ql->len > 2);
  CHECK(st->mem.cell[ST_LIST][TM_CAT_METADATA][TM_PMEM].bytes == 0);
  CHECK_REPLY(c, "+OK\r\n", "flushall");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  redis_cases(c);
  diff_run(c);
  test_encodings(c);
  test_long(c);
  test_model(c, -2, 5);
  test_model(c, 8, 40);
  test_model(c, -1, 10);
  test_oom(h, c);
  test_tiers(c);
  lazy_drain_all(st);
  /* Exact accounting: with every list gone, nothing is left under the list owner. */
  CHECK(owner_empty(st, ST_LIST));
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("list_test");
}
