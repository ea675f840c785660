/* listpack_test.c - the listpack: Redis 7.0 byte vectors, encoding boundaries, editing in the
 * middle, seeking and walking both ways, lp_find with skip, a randomized run against an array
 * model, OOM (old listpack intact), and lp_validate on truncated and corrupted bytes. */
#include <string.h>

#include "check.h"
#include "listpack.h"

static sm m;
static uint8_t tier;
#define O ST_LIST
#define S(str) (const unsigned char *)(str), (uint32_t)strlen(str)

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void) {
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return rs;
}

static uint64_t fnv(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static size_t unhex(const char *hex, unsigned char *out) {
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(hex + 2 * i, "%2x", &v);
    out[i] = (unsigned char)v;
  }
  return n;
}

static int same_hex(const unsigned char *lp, const char *hex) {
  static unsigned char want[1024];
  size_t n = unhex(hex, want);
  return lp_bytes(lp) == n && memcmp(lp, want, n) == 0;
}

/* What sm accounts for the one listpack alive in the owner. */
static int accounted(const unsigned char *lp) {
  return sm_owner_bytes(&m, O) == (int64_t)sm_usable(&m, tier, lp, lp_bytes(lp));
}

static unsigned char *pattern(size_t n) { /* the values given to redis-cli for hash_strN */
  unsigned char *v = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) v[i] = (unsigned char)((i * 7 + n) % 251);
  return v;
}

/* ---------------------------------------------------------------------- Redis vectors */

/* Captured from redis-server 7.0.15 (CONFIG SET rdbcompression no, list-max-listpack-size -5,
 * hash-max-listpack-value 3000000, hash-max-listpack-entries 100000): the listpack embedded in
 * `DUMP key` (type 16 hash listpack: one RDB string; type 18 quicklist: 1 node, container 2,
 * one RDB string) after the commands shown. */
static const char *ints_args[] = { "0",
                                   "127",
                                   "128",
                                   "-1",
                                   "-4096",
                                   "4095",
                                   "4096",
                                   "-4097",
                                   "32767",
                                   "32768",
                                   "-32768",
                                   "-32769",
                                   "8388607",
                                   "8388608",
                                   "-8388608",
                                   "-8388609",
                                   "2147483647",
                                   "2147483648",
                                   "-2147483648",
                                   "-2147483649",
                                   "9223372036854775807",
                                   "-9223372036854775808" };
/* RPUSH lints <ints_args> */
static const char ints_hex[] =
    "7b000000160000017f01c08002dfff02d00002cfff02f1001003f1ffef03f1ff7f03f200800004f1008003f2ff"
    "7fff04f2ffff7f04f30000800005f200008004f3ffff7fff05f3ffffff7f05f4000000800000000009f3000000"
    "8005f4ffffff7fffffffff09f4ffffffffffffff7f09f4000000000000008009ff";
/* RPUSH lstrs <strs_args> (a\x00b has a NUL) */
static const char *strs_args[] = { "-0",
                                   "007",
                                   " 1",
                                   "+1",
                                   "1 ",
                                   "9223372036854775808",
                                   "-9223372036854775809",
                                   "12345678901234567890",
                                   "123456789012345678901",
                                   "0x10",
                                   "1.5",
                                   "a" };
static const char strs_hex[] =
    "840000000c00822d3003833030370482203103822b310382312003933932323333373230333638353437373538"
    "303814942d393232333337323033363835343737353830391594313233343536373839303132333435363738393"
    "015953132333435363738393031323334353637383930311684307831300583312e35048361006204ff";

static void redis_vectors(void) {
  unsigned char *lp = lp_new(&m, O, &tier);
  CHECK(same_hex(lp, "070000000000ff"));
  CHECK(lp_bytes(lp) == 7 && lp[6] == 0xFF && lp_length(lp) == 0);
  /* HSET h a 1 b hello */
  lp = lp_append(&m, O, lp, &tier, S("a"));
  lp = lp_append(&m, O, lp, &tier, S("1"));
  lp = lp_append(&m, O, lp, &tier, S("b"));
  lp = lp_append(&m, O, lp, &tier, S("hello"));
  CHECK(same_hex(lp, "16000000040081610201018162028568656c6c6f06ff"));
  lp_free(&m, O, lp, tier);

  lp = lp_new(&m, O, &tier);
  size_t ni = sizeof ints_args / sizeof *ints_args;
  for (size_t i = 0; i < ni; i++) lp = lp_append(&m, O, lp, &tier, S(ints_args[i]));
  CHECK(same_hex(lp, ints_hex));
  lp_free(&m, O, lp, tier);
  /* The same bytes from integers, and from prepending in reverse. */
  lp = lp_new(&m, O, &tier);
  for (size_t i = 0; i < ni; i++) {
    long long v = strtoll(ints_args[i], NULL, 10);
    lp = lp_append_int(&m, O, lp, &tier, (int64_t)v);
  }
  CHECK(same_hex(lp, ints_hex));
  lp_free(&m, O, lp, tier);
  lp = lp_new(&m, O, &tier);
  for (size_t i = ni; i-- > 0;) lp = lp_prepend(&m, O, lp, &tier, S(ints_args[i]));
  CHECK(same_hex(lp, ints_hex));
  lp_free(&m, O, lp, tier);

  lp = lp_new(&m, O, &tier);
  size_t ns = sizeof strs_args / sizeof *strs_args;
  for (size_t i = 0; i + 1 < ns; i++) lp = lp_append(&m, O, lp, &tier, S(strs_args[i]));
  lp = lp_append(&m, O, lp, &tier, (const unsigned char *)"a\0b", 3);
  CHECK(same_hex(lp, strs_hex));
  lp_free(&m, O, lp, tier);

  /* RPUSH lempty "" */
  lp = lp_new(&m, O, &tier);
  lp = lp_append(&m, O, lp, &tier, (const unsigned char *)"", 0);
  CHECK(same_hex(lp, "0900000001008001ff"));
  lp_free(&m, O, lp, tier);

  /* RPUSH lops a b c; LINSERT lops BEFORE b 12345; LSET lops 0 hello-world; LREM lops 1 c;
   * LPUSH lops -7 */
  lp = lp_new(&m, O, &tier);
  lp = lp_append(&m, O, lp, &tier, S("a"));
  lp = lp_append(&m, O, lp, &tier, S("b"));
  lp = lp_append(&m, O, lp, &tier, S("c"));
  unsigned char *p = lp_find(lp, lp_first(lp), S("b"), 0);
  lp = lp_insert(&m, O, lp, &tier, S("12345"), p, LP_BEFORE, NULL);
  lp = lp_replace(&m, O, lp, &tier, lp_seek(lp, 0), S("hello-world"), NULL);
  lp = lp_delete(&m, O, lp, &tier, lp_find(lp, lp_first(lp), S("c"), 0), NULL);
  lp = lp_prepend(&m, O, lp, &tier, S("-7"));
  CHECK(same_hex(lp, "1e0000000400dff9028b68656c6c6f2d776f726c640cf1393003816202ff"));
  lp_free(&m, O, lp, tier);

  /* HSET hsN f <pattern(N)>: string-length and backlen boundaries (16383 = 5+16378 takes a
   * 3-byte backlen in Redis, 2097151 a 4-byte one). Total bytes and FNV-1a 64 of the bytes. */
  static const struct {
    size_t n, bytes;
    uint64_t fnv;
  } big[] = {
    { 63, 75, 0x590c4a2fc20b53b9ull },           { 64, 77, 0xc5f241d6101df4a4ull },
    { 125, 138, 0x4254221ff98dee7full },         { 126, 140, 0x3a6de51e5062f91dull },
    { 4095, 4109, 0x474ace72a2b5723bull },       { 4096, 4113, 0x46257255711a4f7full },
    { 16378, 16396, 0x94c7f6c73b4e0ef9ull },     { 16379, 16397, 0x1fb780ba0e7d27c2ull },
    { 100000, 100018, 0x2aeb848b8a67e7f3ull },   { 1048576, 1048594, 0xd3078fa49677a19cull },
    { 2097146, 2097165, 0x9606ea8aad50fd54ull }, { 2097147, 2097166, 0x0c7b4c9614193ea9ull }
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
    unsigned char *v = pattern(big[i].n);
    lp = lp_new(&m, O, &tier);
    lp = lp_append(&m, O, lp, &tier, S("f"));
    lp = lp_append(&m, O, lp, &tier, v, (uint32_t)big[i].n);
    CHECK(lp != NULL && lp_bytes(lp) == big[i].bytes && fnv(lp, lp_bytes(lp)) == big[i].fnv);
    lp_val val;
    lp_get(lp_last(lp), &val);
    CHECK(!val.is_int && val.len == big[i].n && memcmp(val.s, v, big[i].n) == 0);
    CHECK(lp_prev(lp, lp_last(lp)) == lp_first(lp));
    CHECK(lp_validate(lp, lp_bytes(lp), 1));
    CHECK(accounted(lp));
    lp_free(&m, O, lp, tier);
    free(v);
  }
  unsigned char b16383[] = { 0x00, 0xFF, 0xFF }; /* spelled out: the '<' quirk */
  unsigned char *v = pattern(16378);
  lp = lp_new(&m, O, &tier);
  lp = lp_append(&m, O, lp, &tier, v, 16378);
  CHECK(memcmp(lp + lp_bytes(lp) - 4, b16383, 3) == 0 && lp_entry_bytes(lp_first(lp)) == 16386);
  lp_free(&m, O, lp, tier);
  free(v);

  /* HSET hbig f0 0 f1 1 ... f39999 39999: 80000 entries, so the header count is 65535. */
  lp = lp_new(&m, O, &tier);
  char buf[32];
  for (int i = 0; i < 40000 && lp; i++) {
    snprintf(buf, sizeof buf, "f%d", i);
    lp = lp_append(&m, O, lp, &tier, S(buf));
    snprintf(buf, sizeof buf, "%d", i);
    lp = lp_append(&m, O, lp, &tier, S(buf));
  }
  CHECK(lp != NULL && lp_bytes(lp) == 471905 && fnv(lp, lp_bytes(lp)) == 0x76c4895839eaf935ull);
  CHECK(lp[4] == 0xFF && lp[5] == 0xFF && lp_length(lp) == 80000);
  CHECK(lp_validate(lp, lp_bytes(lp), 1));
  /* Unknown count: seeking scans from the end for negative indexes. */
  lp_val val;
  lp_get(lp_seek(lp, 79999), &val);
  CHECK(val.is_int && val.ll == 39999);
  CHECK(lp_seek(lp, -1) == lp_seek(lp, 79999) && lp_seek(lp, -80000) == lp_first(lp));
  CHECK(lp_seek(lp, 80000) == NULL && lp_seek(lp, -80001) == NULL);
  /* Fields only (skip 1): "39999" is a value, so not found among fields; found among values. */
  CHECK(lp_find(lp, lp_first(lp), S("39999"), 1) == NULL);
  CHECK(lp_find(lp, lp_next(lp, lp_first(lp)), S("39999"), 1) == lp_seek(lp, 79999));
  CHECK(lp_find(lp, lp_first(lp), S("f39999"), 1) == lp_seek(lp, 79998));
  lp = lp_delete_range(&m, O, lp, &tier, 0, 20000);
  CHECK(lp_length(lp) == 60000 && lp[4] == 0xFF && lp[5] == 0xFF); /* stays unknown */
  lp_get(lp_first(lp), &val);
  CHECK(!val.is_int && val.len == 6 && memcmp(val.s, "f10000", 6) == 0);
  lp = lp_delete_range(&m, O, lp, &tier, -59990, 100000);
  CHECK(lp_length(lp) == 10 && lp_validate(lp, lp_bytes(lp), 1) && accounted(lp));
  lp_free(&m, O, lp, tier);
  CHECK(sm_owner_bytes(&m, O) == 0);
}

/* ---------------------------------------------------------------------- encodings */

static void boundaries(void) {
  static const struct {
    const char *s;
    size_t len;
    int is_int;
    int64_t ll;
    size_t entry;
  } t[] = {
    { "0", 1, 1, 0, 2 },
    { "127", 3, 1, 127, 2 },
    { "128", 3, 1, 128, 3 },
    { "-1", 2, 1, -1, 3 },
    { "-4096", 5, 1, -4096, 3 },
    { "4095", 4, 1, 4095, 3 },
    { "4096", 4, 1, 4096, 4 },
    { "-4097", 5, 1, -4097, 4 },
    { "32767", 5, 1, 32767, 4 },
    { "32768", 5, 1, 32768, 5 },
    { "-32768", 6, 1, -32768, 4 },
    { "-32769", 6, 1, -32769, 5 },
    { "8388607", 7, 1, 8388607, 5 },
    { "8388608", 7, 1, 8388608, 6 },
    { "-8388608", 8, 1, -8388608, 5 },
    { "-8388609", 8, 1, -8388609, 6 },
    { "2147483647", 10, 1, 2147483647, 6 },
    { "2147483648", 10, 1, 2147483648ll, 10 },
    { "-2147483648", 11, 1, -2147483647ll - 1, 6 },
    { "-2147483649", 11, 1, -2147483649ll, 10 },
    { "9223372036854775807", 19, 1, INT64_MAX, 10 },
    { "-9223372036854775808", 20, 1, INT64_MIN, 10 },
    { "9223372036854775808", 19, 0, 0, 21 },
    { "-9223372036854775809", 20, 0, 0, 22 },
    { "18446744073709551616", 20, 0, 0, 22 },
    { "99999999999999999999", 20, 0, 0, 22 },
    { "123456789012345678901", 21, 0, 0, 23 },
    { "-0", 2, 0, 0, 4 },
    { "007", 3, 0, 0, 5 },
    { "00", 2, 0, 0, 4 },
    { "-01", 3, 0, 0, 5 },
    { " 1", 2, 0, 0, 4 },
    { "1 ", 2, 0, 0, 4 },
    { "+1", 2, 0, 0, 4 },
    { "-", 1, 0, 0, 3 },
    { "1.5", 3, 0, 0, 5 },
    { "", 0, 0, 0, 2 },
    { "1\0", 2, 0, 0, 4 },
    { "\0\0\0", 3, 0, 0, 5 },
  };
  unsigned char *lp = lp_new(&m, O, &tier);
  size_t n = sizeof t / sizeof *t;
  for (size_t i = 0; i < n; i++) {
    lp = lp_append(&m, O, lp, &tier, (const unsigned char *)t[i].s, (uint32_t)t[i].len);
    CHECK(lp_entry_bytes(lp_last(lp)) == t[i].entry);
    int64_t x = 7;
    CHECK(lp_str2ll((const unsigned char *)t[i].s, t[i].len, &x) == t[i].is_int);
  }
  CHECK(lp_length(lp) == n && lp_validate(lp, lp_bytes(lp), 1));
  unsigned char *p = lp_first(lp);
  for (size_t i = 0; i < n; i++, p = lp_next(lp, p)) {
    lp_val v;
    char buf[LP_INTBUF];
    uint32_t len;
    lp_get(p, &v);
    CHECK(v.is_int == t[i].is_int);
    if (v.is_int) CHECK(v.ll == t[i].ll && v.s == NULL);
    const unsigned char *b = lp_val_bytes(&v, buf, &len);
    CHECK(len == t[i].len && memcmp(b, t[i].s, len) == 0);
    /* Found by its own bytes, and ints also by value. */
    CHECK(lp_find(lp, lp_first(lp), (const unsigned char *)t[i].s, (uint32_t)t[i].len, 0) == p);
  }
  CHECK(p == NULL);
  /* Integer writers agree with the decimal strings at every width edge. */
  int64_t edges[] = { 0,         127,
                      128,       -4096,
                      4095,      4096,
                      32767,     32768,
                      -32769,    (1 << 23) - 1,
                      1 << 23,   -(1 << 23) - 1,
                      INT32_MAX, (int64_t)INT32_MAX + 1,
                      INT32_MIN, (int64_t)INT32_MIN - 1,
                      INT64_MAX, INT64_MIN };
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
    char buf[LP_INTBUF];
    uint32_t len = lp_ll2str(edges[i], buf);
    unsigned char *a = lp_new(&m, O, &tier), *b;
    uint8_t tb;
    b = lp_new(&m, O, &tb);
    a = lp_append(&m, O, a, &tier, (unsigned char *)buf, len);
    b = lp_append_int(&m, O, b, &tb, edges[i]);
    CHECK(lp_bytes(a) == lp_bytes(b) && memcmp(a, b, lp_bytes(a)) == 0);
    lp_val v;
    lp_get(lp_first(b), &v);
    CHECK(v.is_int && v.ll == edges[i]);
    lp_free(&m, O, a, tier);
    lp_free(&m, O, b, tb);
  }
  lp_free(&m, O, lp, tier);
  /* Strings at the header-width edges, and ~1 MB. */
  size_t lens[] = { 63, 64, 4095, 4096, 1u << 20 };
  for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
    unsigned char *s = pattern(lens[i]);
    lp = lp_new(&m, O, &tier);
    lp = lp_append_int(&m, O, lp, &tier, 1);
    lp = lp_append(&m, O, lp, &tier, s, (uint32_t)lens[i]);
    lp = lp_append_int(&m, O, lp, &tier, 2);
    unsigned char *e = lp_seek(lp, 1);
    CHECK(e[0] == (lens[i] < 64 ? 0x80 | lens[i] : lens[i] < 4096 ? 0xE0 | (lens[i] >> 8) : 0xF0));
    lp_val v;
    lp_get(e, &v);
    CHECK(!v.is_int && v.len == lens[i] && memcmp(v.s, s, lens[i]) == 0);
    CHECK(lp_prev(lp, lp_last(lp)) == e && lp_next(lp, e) == lp_last(lp));
    CHECK(lp_validate(lp, lp_bytes(lp), 1) && accounted(lp));
    lp_free(&m, O, lp, tier);
    free(s);
  }
}

/* ---------------------------------------------------------------------- editing */

static int same_as(const unsigned char *lp, const char **want, size_t n) {
  if (lp_length(lp) != n) return 0;
  unsigned char *p = lp_first(lp);
  for (size_t i = 0; i < n; i++, p = lp_next(lp, p)) {
    lp_val v;
    char buf[LP_INTBUF];
    uint32_t len;
    if (p == NULL) return 0;
    lp_get(p, &v);
    const unsigned char *b = lp_val_bytes(&v, buf, &len);
    if (len != strlen(want[i]) || memcmp(b, want[i], len) != 0) return 0;
  }
  return p == NULL && lp_validate(lp, lp_bytes(lp), 1);
}

static void editing(void) {
  unsigned char *lp = lp_new(&m, O, &tier), *p, *np;
  const char *init[] = { "a", "1", "b", "22", "c", "333", "d" };
  for (int i = 0; i < 7; i++) lp = lp_append(&m, O, lp, &tier, S(init[i]));
  CHECK(same_as(lp, init, 7));
  /* seek both ways */
  lp_val v;
  lp_get(lp_seek(lp, -1), &v);
  CHECK(!v.is_int && v.s[0] == 'd');
  lp_get(lp_seek(lp, -7), &v);
  CHECK(!v.is_int && v.s[0] == 'a');
  lp_get(lp_seek(lp, 5), &v);
  CHECK(v.is_int && v.ll == 333);
  lp_get(lp_seek(lp, -3), &v);
  CHECK(!v.is_int && v.s[0] == 'c');
  CHECK(lp_seek(lp, 7) == NULL && lp_seek(lp, -8) == NULL);
  for (long i = 0; i < 7; i++) CHECK(lp_seek(lp, i) == lp_seek(lp, i - 7));
  /* insert before/after in the middle */
  p = lp_seek(lp, 3);
  lp = lp_insert(&m, O, lp, &tier, S("x"), p, LP_BEFORE, &np);
  CHECK(np == lp_seek(lp, 3));
  p = lp_seek(lp, 4);
  lp = lp_insert_int(&m, O, lp, &tier, -5000, p, LP_AFTER, &np);
  CHECK(np == lp_seek(lp, 5));
  const char *w1[] = { "a", "1", "b", "x", "22", "-5000", "c", "333", "d" };
  CHECK(same_as(lp, w1, 9));
  lp = lp_insert(&m, O, lp, &tier, S("end"), lp_last(lp), LP_AFTER, &np);
  CHECK(np == lp_last(lp));
  lp = lp_insert(&m, O, lp, &tier, S("eof"), lp + lp_bytes(lp) - 1, LP_BEFORE, NULL);
  lp = lp_prepend_int(&m, O, lp, &tier, 0);
  const char *w2[] = { "0", "a", "1", "b", "x", "22", "-5000", "c", "333", "d", "end", "eof" };
  CHECK(same_as(lp, w2, 12));
  /* replace: grow, shrink, same size, string <-> int */
  p = lp_seek(lp, 4);
  unsigned char longer[300];
  memset(longer, 'L', sizeof longer);
  lp = lp_replace(&m, O, lp, &tier, p, longer, sizeof longer, &np);
  CHECK(np == lp_seek(lp, 4) && lp_entry_bytes(np) == 2 + 300 + 2);
  lp = lp_replace(&m, O, lp, &tier, np, S("y"), &np);
  lp = lp_replace(&m, O, lp, &tier, lp_seek(lp, 5), S("z2"), &np);
  lp = lp_replace_int(&m, O, lp, &tier, lp_seek(lp, 6), INT64_MIN, &np);
  lp = lp_replace(&m, O, lp, &tier, lp_seek(lp, 0), S("00"), NULL);
  const char *w3[] = { "00", "a",   "1", "b",   "y",  "z2", "-9223372036854775808",
                       "c",  "333", "d", "end", "eof" };
  CHECK(same_as(lp, w3, 12) && accounted(lp));
  /* delete: middle, head, tail, with nextp */
  lp = lp_delete(&m, O, lp, &tier, lp_seek(lp, 6), &np);
  lp_get(np, &v);
  CHECK(!v.is_int && v.s[0] == 'c');
  lp = lp_delete(&m, O, lp, &tier, lp_first(lp), &np);
  CHECK(np == lp_first(lp));
  lp = lp_delete(&m, O, lp, &tier, lp_last(lp), &np);
  CHECK(np == NULL);
  const char *w4[] = { "a", "1", "b", "y", "z2", "c", "333", "d", "end" };
  CHECK(same_as(lp, w4, 9));
  /* backwards equals forwards reversed */
  unsigned char *fw[16];
  int n = 0;
  for (p = lp_first(lp); p; p = lp_next(lp, p)) fw[n++] = p;
  for (p = lp_last(lp); p; p = lp_prev(lp, p)) CHECK(n > 0 && fw[--n] == p);
  CHECK(n == 0);
  /* delete_range */
  CHECK(lp_delete_range(&m, O, lp, &tier, 9, 1) == lp); /* out of range: no-op */
  CHECK(lp_delete_range(&m, O, lp, &tier, 0, 0) == lp);
  lp = lp_delete_range(&m, O, lp, &tier, 2, 3);
  const char *w5[] = { "a", "1", "c", "333", "d", "end" };
  CHECK(same_as(lp, w5, 6));
  lp = lp_delete_range(&m, O, lp, &tier, -2, 10);
  const char *w6[] = { "a", "1", "c", "333" };
  CHECK(same_as(lp, w6, 4));
  lp = lp_delete_range(&m, O, lp, &tier, -4, 4);
  CHECK(lp_length(lp) == 0 && lp_bytes(lp) == 7 && lp_first(lp) == NULL && lp_last(lp) == NULL);
  CHECK(lp_seek(lp, 0) == NULL && lp_seek(lp, -1) == NULL && accounted(lp));
  lp_free(&m, O, lp, tier);
}

static void find_skip(void) {
  unsigned char *lp = lp_new(&m, O, &tier);
  /* field/value pairs where values collide with fields: skip 1 keeps to one column */
  const char *kv[] = { "k1", "k2", "k2", "7", "7", "x", "-0", "0", "big", "12345678901" };
  for (int i = 0; i < 10; i++) lp = lp_append(&m, O, lp, &tier, S(kv[i]));
  CHECK(lp_find(lp, lp_first(lp), S("k2"), 1) == lp_seek(lp, 2));
  CHECK(lp_find(lp, lp_first(lp), S("k2"), 0) == lp_seek(lp, 1));
  CHECK(lp_find(lp, lp_seek(lp, 1), S("7"), 1) == lp_seek(lp, 3));
  CHECK(lp_find(lp, lp_first(lp), S("7"), 1) == lp_seek(lp, 4));
  CHECK(lp_find(lp, lp_first(lp), S("07"), 0) == NULL); /* not canonical: never an int */
  CHECK(lp_find(lp, lp_first(lp), S("-0"), 0) == lp_seek(lp, 6));
  CHECK(lp_find(lp, lp_first(lp), S("0"), 0) == lp_seek(lp, 7));
  CHECK(lp_find(lp, lp_first(lp), S("12345678901"), 1) == NULL);
  CHECK(lp_find(lp, lp_seek(lp, 1), S("12345678901"), 1) == lp_last(lp));
  CHECK(lp_find(lp, lp_first(lp), S("k3"), 0) == NULL);
  CHECK(lp_find(lp, NULL, S("k1"), 0) == NULL);
  CHECK(lp_find(lp, lp_first(lp), S("k1"), 100) == lp_first(lp));
  CHECK(lp_find(lp, lp_first(lp), S(""), 0) == NULL);
  lp_free(&m, O, lp, tier);
}

/* ---------------------------------------------------------------------- randomized */

typedef struct {
  unsigned char *b;
  uint32_t len;
} item;

static uint32_t gen(unsigned char *buf) {
  uint64_t r = rnd();
  switch (r % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5: { /* canonical ints of every width */
      int64_t v = (int64_t)(rnd() >> (1 + rnd() % 63));
      if (rnd() & 1) v = -v;
      if (r % 97 == 0) v = INT64_MIN;
      char tmp[LP_INTBUF];
      uint32_t n = lp_ll2str(v, tmp);
      memcpy(buf, tmp, n);
      return n;
    }
    case 6: { /* looks numeric, is not */
      static const char *odd[] = {
        "-0", "007", " 3", "+3", "3 ", "00", "-", "18446744073709551615", "9223372036854775808",
        "1e3"
      };
      const char *s = odd[rnd() % 10];
      memcpy(buf, s, strlen(s));
      return (uint32_t)strlen(s);
    }
    default: {
      uint32_t n = r % 20 < 16   ? (uint32_t)(rnd() % 70)
                   : r % 20 < 19 ? (uint32_t)(rnd() % 5000)
                                 : (uint32_t)(rnd() % 20000);
      for (uint32_t i = 0; i < n; i++) buf[i] = (unsigned char)rnd(); /* NULs included */
      if (n && buf[0] >= '0' && buf[0] <= '9') buf[0] = 'x';
      return n;
    }
  }
}

static int matches(const unsigned char *lp, const item *a, size_t n) {
  if (lp_length(lp) != n || !lp_validate(lp, lp_bytes(lp), 1)) return 0;
  size_t i = 0;
  for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
    lp_val v;
    char buf[LP_INTBUF];
    uint32_t len;
    lp_get(p, &v);
    const unsigned char *b = lp_val_bytes(&v, buf, &len);
    if (i >= n || len != a[i].len || (len && memcmp(b, a[i].b, len) != 0)) return 0;
  }
  if (i != n) return 0;
  for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p)) {
    lp_val v;
    char buf[LP_INTBUF];
    uint32_t len;
    lp_get(p, &v);
    const unsigned char *b = lp_val_bytes(&v, buf, &len);
    if (i == 0) return 0;
    i--;
    if (len != a[i].len || (len && memcmp(b, a[i].b, len) != 0)) return 0;
  }
  return i == 0;
}

static void randomized(tm_heap *h) {
  enum { OPS = 20000, MAXN = 600 };
  static item a[MAXN + 1];
  static unsigned char buf[20000];
  size_t n = 0;
  int bad = 0, badacct = 0, badtier = 0, crossed = 0;
  uint8_t first = 0xFF;
  unsigned char *lp = lp_new(&m, O, &tier), *np;
  for (int op = 0; op < OPS; op++) {
    uint64_t r = rnd() % 100;
    if (n > 400) r = 60 + r % 40; /* keep it bounded: mostly deletes */
    if (r < 20 || n == 0) {       /* append / prepend */
      uint32_t len = gen(buf);
      int front = rnd() & 1;
      lp = front ? lp_prepend(&m, O, lp, &tier, buf, len) : lp_append(&m, O, lp, &tier, buf, len);
      size_t at = front ? 0 : n;
      memmove(a + at + 1, a + at, (n - at) * sizeof *a);
      a[at].b = malloc(len ? len : 1);
      memcpy(a[at].b, buf, len);
      a[at].len = len;
      n++;
    } else if (r < 45) { /* insert before/after a random entry */
      uint32_t len = gen(buf);
      size_t i = rnd() % n;
      int where = rnd() & 1 ? LP_AFTER : LP_BEFORE;
      long idx = rnd() & 1 ? (long)i : (long)i - (long)n;
      lp = lp_insert(&m, O, lp, &tier, buf, len, lp_seek(lp, idx), where, &np);
      size_t at = where == LP_AFTER ? i + 1 : i;
      bad += np != lp_seek(lp, (long)at);
      memmove(a + at + 1, a + at, (n - at) * sizeof *a);
      a[at].b = malloc(len ? len : 1);
      memcpy(a[at].b, buf, len);
      a[at].len = len;
      n++;
    } else if (r < 60) { /* replace */
      uint32_t len = gen(buf);
      size_t i = rnd() % n;
      lp = lp_replace(&m, O, lp, &tier, lp_seek(lp, (long)i), buf, len, &np);
      bad += np != lp_seek(lp, (long)i);
      free(a[i].b);
      a[i].b = malloc(len ? len : 1);
      memcpy(a[i].b, buf, len);
      a[i].len = len;
    } else if (r < 85) { /* delete one */
      size_t i = rnd() % n;
      lp = lp_delete(&m, O, lp, &tier, lp_seek(lp, (long)i), &np);
      bad += np != (i + 1 < n ? lp_seek(lp, (long)i) : NULL);
      free(a[i].b);
      memmove(a + i, a + i + 1, (n - i - 1) * sizeof *a);
      n--;
    } else if (r < 95) { /* delete a range */
      size_t i = rnd() % n, c = 1 + rnd() % 8;
      long idx = rnd() & 1 ? (long)i : (long)i - (long)n;
      lp = lp_delete_range(&m, O, lp, &tier, idx, (long)c);
      if (c > n - i) c = n - i;
      for (size_t k = 0; k < c; k++) free(a[i + k].b);
      memmove(a + i, a + i + c, (n - i - c) * sizeof *a);
      n -= c;
    } else { /* find a random existing value: the first equal one */
      size_t i = rnd() % n, j = 0;
      while (a[j].len != a[i].len || (a[i].len && memcmp(a[j].b, a[i].b, a[i].len) != 0)) j++;
      bad += lp_find(lp, lp_first(lp), a[i].b, a[i].len, 0) != lp_seek(lp, (long)j);
    }
    if (lp == NULL) {
      bad++;
      break;
    }
    if (first == 0xFF) first = tier;
    crossed |= tier != first;
    badacct += !accounted(lp);
    if (op % 250 == 0) {
      bad += !matches(lp, a, n);
      badtier += tm_detect_tier(h, lp) != tier;
    }
  }
  CHECK(bad == 0 && badacct == 0 && badtier == 0);
  CHECK(lp != NULL && matches(lp, a, n));
  CHECK(crossed); /* the run moved the listpack across the threshold */
  for (size_t i = 0; i < n; i++) free(a[i].b);
  lp_free(&m, O, lp, tier);
  CHECK(sm_owner_bytes(&m, O) == 0);
}

/* ---------------------------------------------------------------------- OOM */

static size_t core_tier_live(tm_heap *h, tm_tier t) {
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  double live = 0;
  for (int c = 0; c < TM_CAT_COUNT; c++) live += s[TM_S_CELL(t, c)];
  return (size_t)live;
}

static void oom(tm_heap *h) {
  static unsigned char copy[16384], big[6000];
  memset(big, 'B', sizeof big);
  tm_set_threshold(h, 4096);
  tm_set_policy(h, TM_POLICY_STRICT);
  /* growth refused on both tiers */
  unsigned char *lp = lp_new(&m, O, &tier), *r;
  for (int i = 0; i < 30; i++) lp = lp_append(&m, O, lp, &tier, big, 30); /* 30 x 32 + 7 = 967 */
  CHECK(tier == TM_DRAM && lp_bytes(lp) == 967);
  tm_set_limit(h, TM_DRAM, core_tier_live(h, TM_DRAM));
  tm_set_limit(h, TM_PMEM, core_tier_live(h, TM_PMEM) + 1);
  size_t sz = lp_bytes(lp);
  memcpy(copy, lp, sz);
  uint64_t oom0 = m.oom;
  r = lp_append(&m, O, lp, &tier, big, 200); /* 1024 -> 1280 class: needs DRAM */
  CHECK(r == NULL && lp_bytes(lp) == sz && memcmp(lp, copy, sz) == 0 && tier == TM_DRAM);
  r = lp_insert(&m, O, lp, &tier, big, 5000, lp_seek(lp, 3), LP_AFTER, NULL); /* PMem */
  CHECK(r == NULL && memcmp(lp, copy, sz) == 0 && m.oom > oom0);
  r = lp_replace(&m, O, lp, &tier, lp_seek(lp, 10), big, 400, NULL);
  CHECK(r == NULL && memcmp(lp, copy, sz) == 0);
  /* same size class: no new memory needed, so it works even at the limit */
  r = lp_append(&m, O, lp, &tier, big, 20);
  CHECK(r != NULL && lp_length(r) == 31 && accounted(r));
  lp = r;
  lp_free(&m, O, lp, tier);
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);

  /* shrinking across the threshold onto a full DRAM: stays on PMem */
  for (int pass = 0; pass < 2; pass++) {
    lp = lp_new(&m, O, &tier);
    lp = lp_append(&m, O, lp, &tier, S("head"));
    lp = lp_append(&m, O, lp, &tier, big, 4500);
    lp = lp_append(&m, O, lp, &tier, big, pass ? 2000 : 10); /* pass 1: a tail too big to stash */
    lp = lp_append(&m, O, lp, &tier, S("tail"));
    CHECK(tier == TM_PMEM);
    tm_set_limit(h, TM_DRAM, 1);
    oom0 = m.oom;
    r = lp_delete(&m, O, lp, &tier, lp_seek(lp, 1), NULL);
    CHECK(r != NULL && tier == TM_PMEM && tm_detect_tier(h, r) == TM_PMEM && m.oom > oom0);
    lp = r;
    CHECK(lp_length(lp) == 3 && lp_validate(lp, lp_bytes(lp), 1) && accounted(lp));
    lp_val v;
    lp_get(lp_last(lp), &v);
    CHECK(v.len == 4 && memcmp(v.s, "tail", 4) == 0);
    /* PMem full as well: the delete itself is refused, the listpack untouched */
    lp = lp_append(&m, O, lp, &tier, big, 4500);
    lp = lp_insert(&m, O, lp, &tier, big, 100, lp_first(lp), LP_AFTER, NULL);
    sz = lp_bytes(lp);
    memcpy(copy, lp, sz);
    tm_set_limit(h, TM_PMEM, core_tier_live(h, TM_PMEM));
    r = lp_delete(&m, O, lp, &tier, lp_last(lp), NULL);
    CHECK(r == NULL && lp_bytes(lp) == sz && memcmp(lp, copy, sz) == 0 && tier == TM_PMEM);
    r = lp_delete_range(&m, O, lp, &tier, 1, 4);
    CHECK(r == NULL && memcmp(lp, copy, sz) == 0 && lp_validate(lp, sz, 1));
    /* a shrink that stays on PMem needs no new memory: allowed */
    r = lp_delete(&m, O, lp, &tier, lp_first(lp), NULL);
    CHECK(r != NULL && tier == TM_PMEM && lp_length(r) == lp_length(copy) - 1 && accounted(r));
    lp = r;
    tm_set_limit(h, TM_DRAM, 0);
    tm_set_limit(h, TM_PMEM, 0);
    lp_free(&m, O, lp, tier);
  }
  /* without limits the same shrink moves down to DRAM */
  tm_set_policy(h, TM_POLICY_SPILL);
  lp = lp_new(&m, O, &tier);
  lp = lp_append(&m, O, lp, &tier, big, 4500);
  lp = lp_append(&m, O, lp, &tier, S("x"));
  CHECK(tier == TM_PMEM);
  lp = lp_delete(&m, O, lp, &tier, lp_first(lp), NULL);
  CHECK(lp != NULL && tier == TM_DRAM && tm_detect_tier(h, lp) == TM_DRAM && accounted(lp));
  lp_free(&m, O, lp, tier);
  CHECK(sm_total_bytes(&m) == 0);
}

/* ---------------------------------------------------------------------- validation */

/* A heap copy of exactly `size` bytes, so that ASan sees any read past the end. */
static int validate_copy(const unsigned char *src, size_t size, int deep) {
  unsigned char *b = malloc(size ? size : 1);
  memcpy(b, src, size);
  int ok = lp_validate(b, size, deep);
  if (ok) { /* a valid listpack must be safe to walk both ways */
    uint32_t f = 0, k = 0;
    for (unsigned char *p = lp_first(b); p; p = lp_next(b, p)) {
      lp_val v;
      lp_get(p, &v);
      f++;
    }
    for (unsigned char *p = lp_last(b); p; p = lp_prev(b, p)) k++;
    if (f != k || f != lp_length(b)) ok = -1;
  }
  free(b);
  return ok;
}

static void validation(void) {
  unsigned char *lp = lp_new(&m, O, &tier);
  static unsigned char big[5000], buf[8192];
  memset(big, 'v', sizeof big);
  lp = lp_append(&m, O, lp, &tier, S("field"));
  lp = lp_append_int(&m, O, lp, &tier, -123456789012ll);
  lp = lp_append(&m, O, lp, &tier, big, 100);
  lp = lp_append(&m, O, lp, &tier, big, 4200);
  lp = lp_append_int(&m, O, lp, &tier, 5);
  lp = lp_append(&m, O, lp, &tier, (const unsigned char *)"", 0);
  size_t n = lp_bytes(lp);
  CHECK(validate_copy(lp, n, 1) == 1 && validate_copy(lp, n, 0) == 1);
  CHECK(lp_validate(lp, n - 1, 0) == 0 && lp_validate(lp, n + 1, 0) == 0);
  CHECK(lp_validate(lp, 6, 1) == 0 && lp_validate(lp, 0, 1) == 0);
  /* every truncation, re-headed and re-terminated so the deep walk is reached */
  int bad = 0;
  for (size_t cut = 7; cut < n; cut++) {
    memcpy(buf, lp, cut - 1);
    buf[cut - 1] = 0xFF;
    buf[0] = (unsigned char)cut;
    buf[1] = (unsigned char)(cut >> 8);
    buf[2] = buf[3] = 0;
    bad += validate_copy(buf, cut, 1) != 0;
    buf[4] = buf[5] = 0xFF; /* unknown count: only entry structure can reject it */
    int r = validate_copy(buf, cut, 1);
    bad += r < 0;
  }
  CHECK(bad == 0);
  /* random corruption of entry bytes: any verdict, but never a bad read, and if accepted, it
   * walks the same both ways */
  int neg = 0, accepted = 0;
  for (int i = 0; i < 20000; i++) {
    memcpy(buf, lp, n);
    int flips = 1 + (int)(rnd() % 3);
    for (int k = 0; k < flips; k++) {
      size_t at = LP_HDR_SIZE + rnd() % (n - LP_HDR_SIZE - 1);
      buf[at] = rnd() & 1 ? (unsigned char)rnd() : buf[at] ^ (unsigned char)(1u << (rnd() % 8));
    }
    if (rnd() % 4 == 0) buf[4] = buf[5] = 0xFF;
    int r = validate_copy(buf, n, 1);
    neg += r < 0;
    accepted += r == 1;
  }
  CHECK(neg == 0);
  CHECK(accepted > 0 && accepted < 20000); /* string payload flips stay valid; others do not */
  /* specific malformations, on a tiny listpack {"ab"} = 07+4 bytes */
  static const char *badv[] = {
    "0b000000010082616203ff",     /* ok: {"ab"} */
    "0b000000020082616203ff",     /* count mismatch */
    "0b000000010082616204ff",     /* wrong backlen */
    "0b0000000100f5616203ff",     /* unused encoding byte */
    "0b0000000100ff616203ff",     /* terminator inside */
    "0c0000000100f0ffffffffff",   /* 32-bit length far past the end */
    "0b0000000100e0ff616203ff",   /* 12-bit length past the end */
    "0b000000010082616203fe",     /* no terminator */
    "0d0000000100030182616203ff", /* {3, "ab"} with count 1 */
    "0c00000001008261628003ff",   /* backlen with a stray continuation byte */
  };
  static const int want[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  for (size_t i = 0; i < sizeof badv / sizeof *badv; i++) {
    size_t k = unhex(badv[i], buf);
    int r = validate_copy(buf, k, 1);
    if (r != want[i]) fprintf(stderr, "vector %zu: %d\n", i, r);
    CHECK(r == want[i]);
  }
  /* a two-byte (non-canonical) backlen for a short entry */
  size_t k = unhex("0c000000010082616200"
                   "83ff",
                   buf);
  CHECK(validate_copy(buf, k, 1) == 0);
  lp_free(&m, O, lp, tier);
}

int main(void) {
  tm_heap *h = check_heap(4096, TM_POLICY_SPILL);
  sm_init(&m, h);
  redis_vectors();
  boundaries();
  editing();
  find_skip();
  randomized(h);
  validation();
  oom(h);
  CHECK(sm_total_bytes(&m) == 0);
  tm_heap_destroy(h);
  return check_done("listpack_test");
}
