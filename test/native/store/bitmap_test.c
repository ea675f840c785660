/* bitmap_test.c - the bitmap commands against redis-server 7.0.15's own replies (captured from
 * it command by command on an empty server), a seeded comparison of BITCOUNT/BITPOS/BITFIELD
 * with a bit-by-bit model, the proto-max-bulk-len bound, and OOM leaving everything intact. */
#include "cmdtest.h"

static double tier_live(tm_heap *h, tm_tier t) {
  double s[TM_S_LEN], sum = 0;
  tm_stats_snapshot(h, s);
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) sum += s[TM_S_CELL(t, cat)];
  return sum;
}

static void redis_cases(st_client *c) {
  CHECK_REPLY(c, ":0\r\n", "setbit", "b", "7", "1");
  CHECK_REPLY(c, ":1\r\n", "setbit", "b", "7", "0");
  CHECK_REPLY(c, ":0\r\n", "setbit", "b", "100", "1");
  CHECK_REPLY(c, ":1\r\n", "getbit", "b", "100");
  CHECK_REPLY(c, ":0\r\n", "getbit", "b", "101");
  CHECK_REPLY(c, ":0\r\n", "getbit", "b", "99999");
  CHECK_REPLY(c, ":0\r\n", "getbit", "nokey", "5");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b", "-1", "1");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b",
              "4294967296", "1");
  CHECK_REPLY(c, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "2");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b", "a", "1");
  CHECK_REPLY(c, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "-1");
  CHECK_REPLY(c, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "01");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "getbit", "b", "a");
  CHECK_REPLY(c, ":13\r\n", "strlen", "b");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b", "0", "-1");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b", "0", "-1", "bit");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b", "0", "-1", "BYTE");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b", "5", "100", "bit");
  CHECK_REPLY(c, ":1\r\n", "bitcount", "b", "100", "100", "bit");
  CHECK_REPLY(c, ":0\r\n", "bitcount", "b", "101", "200", "bit");
  CHECK_REPLY(c, ":0\r\n", "bitcount", "b", "-1", "-2");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitcount", "b", "-2", "-1", "bad");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitcount", "b", "0", "1", "bad");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitcount", "b", "0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "bitcount", "b", "a", "1");
  CHECK_REPLY(c, ":0\r\n", "bitcount", "nokey", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "n", "12345");
  CHECK_REPLY(c, ":17\r\n", "bitcount", "n");
  CHECK_REPLY(c, ":1\r\n", "getbit", "n", "2");
  CHECK_REPLY(c, ":1\r\n", "getbit", "n", "3");
  CHECK_REPLY(c, ":2\r\n", "bitpos", "n", "1");
  CHECK_REPLY(c, ":0\r\n", "bitpos", "n", "0");
  CHECK_REPLY(c, "+OK\r\n", "set", "ff",
              "\xff"
              "\xff"
              "\xff"
              "");
  CHECK_REPLY(c, ":24\r\n", "bitpos", "ff", "0");
  CHECK_REPLY(c, ":-1\r\n", "bitpos", "ff", "0", "0", "-1");
  CHECK_REPLY(c, ":16\r\n", "bitpos", "ff", "1", "2");
  CHECK_REPLY(c, ":-1\r\n", "bitpos", "ff", "0", "1", "2", "bit");
  CHECK_REPLY(c, ":24\r\n", "bitpos", "ff", "0", "-1");
  CHECK_REPLY(c, ":-1\r\n", "bitpos", "nokey", "1");
  CHECK_REPLY(c, ":0\r\n", "bitpos", "nokey", "0");
  CHECK_REPLY(c, "-ERR The bit argument must be 1 or 0.\r\n", "bitpos", "nokey", "2");
  CHECK_REPLY(c, ":100\r\n", "bitpos", "b", "1");
  CHECK_REPLY(c, ":100\r\n", "bitpos", "b", "1", "1");
  CHECK_REPLY(c, ":-1\r\n", "bitpos", "b", "1", "13", "12");
  CHECK_REPLY(c, ":100\r\n", "bitpos", "b", "1", "100", "101", "bit");
  CHECK_REPLY(c, ":-1\r\n", "bitpos", "b", "1", "101", "200", "bit");
  CHECK_REPLY(c, ":0\r\n", "bitpos", "b", "0", "0", "7", "bit");
  CHECK_REPLY(c, ":100\r\n", "bitpos", "b", "1", "0", "-1", "bit");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "bitpos", "b", "1", "a");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitpos", "b", "1", "0", "a", "bad");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitpos", "b", "1", "0", "1", "bad");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitpos", "b", "1", "0", "1", "2", "3");
  CHECK_REPLY(c, ":13\r\n", "bitop", "and", "dest", "b", "n");
  CHECK_REPLY(c,
              "$13\r\n\x00"
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
              "\r\n",
              "get", "dest");
  CHECK_REPLY(c, ":13\r\n", "bitop", "or", "dest", "b", "n");
  CHECK_REPLY(c,
              "$13\r\n12345\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x00"
              "\x08"
              "\r\n",
              "get", "dest");
  CHECK_REPLY(c, ":13\r\n", "bitop", "xor", "dest", "b", "n", "nokey");
  CHECK_REPLY(c, ":5\r\n", "bitop", "not", "dest", "n");
  CHECK_REPLY(c,
              "$5\r\n\xce"
              "\xcd"
              "\xcc"
              "\xcb"
              "\xca"
              "\r\n",
              "get", "dest");
  CHECK_REPLY(c, "-ERR BITOP NOT must be called with a single source key.\r\n", "bitop", "not",
              "dest", "n", "b");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitop", "nand", "dest", "n");
  CHECK_REPLY(c, ":0\r\n", "bitop", "and", "dest", "nokey1", "nokey2");
  CHECK_REPLY(c, ":0\r\n", "exists", "dest");
  CHECK_REPLY(c, ":13\r\n", "bitop", "or", "dest", "b");
  CHECK_REPLY(c, "$3\r\nraw\r\n", "object", "encoding", "dest");
  CHECK_REPLY(c, ":1\r\n", "hset", "h", "f", "v");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "bitop",
              "or", "dest", "b", "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "setbit",
              "h", "1", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "getbit",
              "h", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "bitcount", "h");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "bitpos",
              "h", "1");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "bitfield", "h", "get", "u8", "0");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "bitfield", "bf", "set", "u8", "0", "255");
  CHECK_REPLY(c, "*1\r\n:255\r\n", "bitfield", "bf", "get", "u8", "0");
  CHECK_REPLY(c, "*1\r\n:9\r\n", "bitfield", "bf", "incrby", "u8", "0", "10");
  CHECK_REPLY(c, "*1\r\n:255\r\n", "bitfield", "bf", "overflow", "sat", "incrby", "u8", "0",
              "1000");
  CHECK_REPLY(c, "*1\r\n$-1\r\n", "bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "1");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "bitfield", "bf", "overflow", "wrap", "incrby", "u8", "0", "1");
  CHECK_REPLY(c, "*3\r\n:0\r\n:-128\r\n:127\r\n", "bitfield", "bf", "set", "i8", "#1", "-128",
              "get", "i8", "#1", "incrby", "i8", "#1", "-1");
  CHECK_REPLY(c, "*2\r\n:127\r\n:127\r\n", "bitfield", "bf", "overflow", "sat", "set", "i8", "8",
              "200", "get", "i8", "8");
  CHECK_REPLY(c, "*1\r\n:-128\r\n", "bitfield", "bf", "overflow", "sat", "incrby", "i8", "8",
              "-1000");
  CHECK_REPLY(c, "*2\r\n$-1\r\n:0\r\n", "bitfield", "bf", "overflow", "fail", "set", "u4", "0",
              "16", "get", "u4", "0");
  CHECK_REPLY(c, "*3\r\n:36028797018963968\r\n:9223372036854775807\r\n:-1\r\n", "bitfield", "bf",
              "set", "i64", "0", "-1", "get", "u63", "0", "get", "i64", "0");
  CHECK_REPLY(c, "*1\r\n:9223372036854775806\r\n", "bitfield", "bf", "incrby", "i64", "0",
              "9223372036854775807");
  CHECK_REPLY(c, "*1\r\n:-2\r\n", "bitfield", "bf", "overflow", "sat", "incrby", "i64", "0",
              "-9223372036854775808");
  CHECK_REPLY(c, "*3\r\n:-9223372036854775808\r\n:-1\r\n:9223372036854775806\r\n", "bitfield", "bf",
              "overflow", "sat", "incrby", "i64", "0", "-9223372036854775808", "incrby", "i64", "0",
              "9223372036854775807", "incrby", "i64", "0", "9223372036854775807");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield", "bf", "get", "u64", "0");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield", "bf", "get", "i65", "0");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield", "bf", "get", "i0", "0");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield", "bf", "get", "x8", "0");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield", "bf", "get", "U8", "0");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf", "GET",
              "u8", "-1");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf", "get",
              "u8", "#-1");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf", "get",
              "u8", "#a");
  CHECK_REPLY(c, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf", "get",
              "u8", "4294967296");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitfield", "bf", "set", "u8", "0");
  CHECK_REPLY(c, "-ERR value is not an integer or out of range\r\n", "bitfield", "bf", "set", "u8",
              "0", "a");
  CHECK_REPLY(c, "-ERR Invalid OVERFLOW type specified\r\n", "bitfield", "bf", "overflow", "bad",
              "get", "u8", "0");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitfield", "bf", "overflow");
  CHECK_REPLY(c, "-ERR syntax error\r\n", "bitfield", "bf", "foo");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "bitfield", "bf", "get", "u8", "100");
  CHECK_REPLY(c, "*3\r\n:-1\r\n:1\r\n:0\r\n", "bitfield", "bf", "get", "i16", "3", "get", "u1", "1",
              "get", "i1", "0");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "bitfield", "nokey", "get", "u8", "0");
  CHECK_REPLY(c, ":0\r\n", "exists", "nokey");
  CHECK_REPLY(c, "*2\r\n:127\r\n:-1\r\n", "bitfield_ro", "bf", "get", "u8", "0", "get", "i5", "3");
  CHECK_REPLY(c, "-ERR BITFIELD_RO only supports the GET subcommand\r\n", "bitfield_ro", "bf",
              "set", "u8", "0", "1");
  CHECK_REPLY(c,
              "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
              "supported but i64 is.\r\n",
              "bitfield_ro", "bf", "incrby", "u8", "0", "1", "get", "x", "0");
  CHECK_REPLY(c, "*1\r\n:0\r\n", "bitfield_ro", "nokey", "get", "u8", "0");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "bitfield_ro", "h", "get", "u8", "0");
  CHECK_REPLY(c, "*0\r\n", "bitfield", "bf");
  CHECK_REPLY(c, "*0\r\n", "bitfield_ro", "bf");
  CHECK_REPLY(c, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
              "bitfield", "h", "set", "u8", "0", "1");
  CHECK_REPLY(c, "*1\r\n$-1\r\n", "bitfield", "bf", "overflow", "fail", "set", "u8", "200", "1000");
  CHECK_REPLY(c, ":26\r\n", "strlen", "bf");
  CHECK_REPLY(c, "*2\r\n:49\r\n:65\r\n", "bitfield", "n", "set", "u8", "0", "65", "get", "u8", "0");
  CHECK_REPLY(c, "$5\r\nA2345\r\n", "get", "n");
  CHECK_REPLY(c, "*4\r\n:1\r\n:2\r\n:3\r\n:0\r\n", "bitfield", "n2", "incrby", "u2", "100", "1",
              "incrby", "u2", "100", "1", "incrby", "u2", "100", "1", "incrby", "u2", "100", "1");
  CHECK_REPLY(c, ":13\r\n", "strlen", "n2");
  CHECK_REPLY(c, "+OK\r\n", "set", "s5", "5");
  CHECK_REPLY(c, ":0\r\n", "setbit", "s5", "0", "0");
  CHECK_REPLY(c, "$3\r\nraw\r\n", "object", "encoding", "s5");
  CHECK_REPLY(c, "$1\r\n5\r\n", "get", "s5");
  CHECK_REPLY(c, "+OK\r\n", "set", "emb", "abc");
  CHECK_REPLY(c, ":1\r\n", "getbit", "emb", "1");
  CHECK_REPLY(c, "$6\r\nembstr\r\n", "object", "encoding", "emb");
  CHECK_REPLY(c, ":1\r\n", "setbit", "emb", "1", "1");
  CHECK_REPLY(c, "$3\r\nraw\r\n", "object", "encoding", "emb");
}

/* A tiny deterministic generator (the same sequence on every run). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int model_bit(const unsigned char *p, size_t len, long long bit) {
  if (bit < 0 || (size_t)(bit >> 3) >= len) return 0;
  return (p[bit >> 3] >> (7 - (bit & 7))) & 1;
}

static long long reply_ll(const char *r) { return r[0] == ':' ? strtoll(r + 1, NULL, 10) : -999; }

/* Random strings of 0..40 bytes, random ranges in both units: BITCOUNT and BITPOS must equal a
 * bit-by-bit count and search over the clamped range; BITFIELD GET a bit-by-bit read. */
static void model(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  for (int round = 0; round < 400; round++) {
    unsigned char v[40];
    size_t len = rnd() % 41;
    for (size_t i = 0; i < len; i++) {
      uint64_t r = rnd() % 4;
      v[i] = r == 0 ? 0x00 : r == 1 ? 0xff : (unsigned char)rnd();
    }
    const char *set[] = { "SET", "m", (const char *)v };
    size_t lens[] = { 3, 1, len };
    exec_argv(c, 3, set, lens);
    int isbit = rnd() % 2;
    long long units = isbit ? (long long)len * 8 : (long long)len;
    long long start = (long long)(rnd() % 700) - 350, end = (long long)(rnd() % 700) - 350;
    if (!isbit) {
      start /= 8;
      end /= 8;
    }
    char s1[32], s2[32];
    snprintf(s1, sizeof s1, "%lld", start);
    snprintf(s2, sizeof s2, "%lld", end);
    const char *unit = isbit ? "BIT" : "BYTE";
    /* The model's clamped range, in bits. */
    long long a = start < 0 ? start + units : start, z = end < 0 ? end + units : end;
    if (a < 0) a = 0;
    if (z < 0) z = 0;
    if (z >= units) z = units - 1;
    int empty = a > z || (start < 0 && end < 0 && start > end);
    long long from = isbit ? a : a * 8, to = isbit ? z : z * 8 + 7;
    long long want = 0;
    if (!empty)
      for (long long b = from; b <= to; b++) want += model_bit(v, len, b);
    long long got = reply_ll(exec(c, "BITCOUNT", "m", s1, s2, unit, NULL));
    CHECK(got == want);
    if (got != want)
      fprintf(stderr, "  bitcount len %zu %s %s %s: %lld want %lld\n", len, s1, s2, unit, got,
              want);
    for (int bit = 0; bit <= 1; bit++) {
      long long pos = -1;
      if (len > 0 && a <= z)
        for (long long b = from; b <= to && pos < 0; b++)
          if (model_bit(v, len, b) == bit) pos = b;
      got = reply_ll(exec(c, "BITPOS", "m", bit ? "1" : "0", s1, s2, unit, NULL));
      CHECK(got == pos);
      if (got != pos)
        fprintf(stderr, "  bitpos len %zu %d %s %s %s: %lld want %lld\n", len, bit, s1, s2, unit,
                got, pos);
    }
    int bits = 1 + (int)(rnd() % 63);
    long long off = (long long)(rnd() % (len * 8 + 16));
    char ty[8], so[32];
    snprintf(ty, sizeof ty, "u%d", bits);
    snprintf(so, sizeof so, "%lld", off);
    unsigned long long u = 0;
    for (int i = 0; i < bits; i++) u = (u << 1) | (unsigned)model_bit(v, len, off + i);
    got = reply_ll(exec(c, "BITFIELD_RO", "m", "GET", ty, so, NULL) + 4);
    CHECK((unsigned long long)got == u);
  }
}

/* Offsets are bounded by proto-max-bulk-len: SETBIT, BITFIELD and their # form. */
static void bounds(st_client *c) {
  exec(c, "FLUSHALL", NULL);
  int64_t saved = c->st->cfg.proto_max_bulk_len;
  c->st->cfg.proto_max_bulk_len = 1000;
  const char *err = "-ERR bit offset is not an integer or out of range\r\n";
  CHECK_REPLY(c, err, "SETBIT", "k", "8000", "1");
  CHECK_REPLY(c, ":0\r\n", "SETBIT", "k", "7999", "1");
  CHECK_REPLY(c, ":1000\r\n", "STRLEN", "k");
  CHECK_REPLY(c, err, "BITFIELD", "k", "SET", "u8", "#1000", "1");
  CHECK_REPLY(c, err, "BITFIELD", "k", "GET", "i64", "#9223372036854775807");
  CHECK_REPLY(c, "*1\r\n:1\r\n", "BITFIELD", "k", "GET", "u8", "#999");
  CHECK_REPLY(c, err, "GETBIT", "k", "8000");
  c->st->cfg.proto_max_bulk_len = saved;
}

/* Each write that needs memory it cannot get replies OOM and changes nothing. Values above
 * 256 bytes go to PMem, whose strict limit is what it holds now. */
static void oom(st_client *c, tm_heap *h) {
  exec(c, "FLUSHALL", NULL);
  char big[1001];
  memset(big, 'b', 1000);
  big[1000] = '\0';
  exec(c, "SET", "big", big, NULL);
  exec(c, "SET", "int", "12345", NULL);
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_limit(h, TM_PMEM, (size_t)tier_live(h, TM_PMEM));
  const char *e = "-" ERR_OOM "\r\n";
  CHECK_REPLY(c, e, "SETBIT", "big", "9000", "1");
  CHECK_REPLY(c, e, "SETBIT", "new", "9000", "1");
  CHECK_REPLY(c, e, "BITFIELD", "big", "SET", "u8", "#1500", "1");
  CHECK_REPLY(c, e, "BITFIELD", "new", "INCRBY", "u8", "#1500", "1");
  CHECK_REPLY(c, e, "BITOP", "NOT", "dest", "big");
  CHECK_REPLY(c, e, "BITOP", "OR", "int", "big", "int");
  CHECK_REPLY(c, ":2\r\n", "DBSIZE");
  CHECK_REPLY(c, ":1000\r\n", "STRLEN", "big");
  CHECK_REPLY(c, "$5\r\n12345\r\n", "GET", "int");
  CHECK_REPLY(c, ":0\r\n", "GETBIT", "big", "0"); /* 'b' is 0x62 */
  /* Writes within the block need nothing new. */
  CHECK_REPLY(c, ":0\r\n", "SETBIT", "big", "7999", "1");
  CHECK_REPLY(c, "*1\r\n:98\r\n", "BITFIELD", "big", "SET", "u8", "0", "255");
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  CHECK_REPLY(c, ":0\r\n", "SETBIT", "big", "9000", "1");
  CHECK_REPLY(c, ":1126\r\n", "STRLEN", "big");
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  redis_cases(c);
  model(c);
  bounds(c);
  oom(c, h);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("bitmap_test");
}
