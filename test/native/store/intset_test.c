/* intset_test.c - the intset: Redis 7.0 byte vectors, upgrades, a randomized run against a sorted
 * array model, OOM (old intset intact), and is_validate on bad bytes. */
#include <string.h>

#include "check.h"
#include "intset.h"

static sm m;
static uint8_t tier;
#define O ST_SET

static uint64_t rs = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) {
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return rs;
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

static int same_hex(const unsigned char *is, const char *hex) {
  unsigned char want[256];
  size_t n = unhex(hex, want);
  return is_bytes(is) == n && memcmp(is, want, n) == 0;
}

static int accounted(const unsigned char *is) {
  return sm_owner_bytes(&m, O) == (int64_t)sm_usable(&m, tier, is, is_bytes(is));
}

static unsigned char *add_all(unsigned char *is, const int64_t *v, size_t n) {
  for (size_t i = 0; i < n && is; i++) {
    int added;
    is = is_add(&m, O, is, &tier, v[i], &added);
  }
  return is;
}

/* Captured from redis-server 7.0.15: the intset embedded in `DUMP key` (type 11, one RDB string)
 * after the commands shown. */
static void redis_vectors(void) {
  int r;
  /* SADD s16 1 2 3 */
  unsigned char *is = is_new(&m, O, &tier);
  CHECK(same_hex(is, "0200000000000000"));
  is = add_all(is, (int64_t[]){ 1, 2, 3 }, 3);
  CHECK(same_hex(is, "0200000003000000010002000300"));
  is_free(&m, O, is, tier);
  /* SADD s32 5 -70000 3 */
  is = add_all(is_new(&m, O, &tier), (int64_t[]){ 5, -70000, 3 }, 3);
  CHECK(same_hex(is, "040000000300000090eefeff0300000005000000"));
  is_free(&m, O, is, tier);
  /* SADD s64 1 2; SADD s64 -5000000000 */
  is = add_all(is_new(&m, O, &tier), (int64_t[]){ 1, 2, -5000000000ll }, 3);
  CHECK(same_hex(is, "0800000003000000000efad5feffffff01000000000000000200000000000000"));
  is_free(&m, O, is, tier);
  /* SADD s64b 32767 -32768 0 9223372036854775807 -9223372036854775808 */
  is = add_all(is_new(&m, O, &tier), (int64_t[]){ 32767, -32768, 0, INT64_MAX, INT64_MIN }, 5);
  CHECK(same_hex(is, "080000000500000000000000000000800080ffffffffffff0000000000000000ff7f0000"
                     "00000000ffffffffffffff7f"));
  is_free(&m, O, is, tier);
  /* SADD sops 1 2 3 4 5; SREM sops 3; SADD sops 70000; SREM sops 70000 (no downgrade) */
  is = add_all(is_new(&m, O, &tier), (int64_t[]){ 1, 2, 3, 4, 5 }, 5);
  is = is_remove(&m, O, is, &tier, 3, &r);
  CHECK(r == 1);
  is = add_all(is, (int64_t[]){ 70000 }, 1);
  is = is_remove(&m, O, is, &tier, 70000, &r);
  CHECK(r == 1 && same_hex(is, "040000000400000001000000020000000400000005000000"));
  CHECK(is_validate(is, is_bytes(is)) && accounted(is));
  is_free(&m, O, is, tier);
  CHECK(sm_owner_bytes(&m, O) == 0);
}

static void basics(void) {
  int added, removed;
  unsigned char *is = is_new(&m, O, &tier);
  CHECK(is_len(is) == 0 && is_encoding(is) == 2 && is_bytes(is) == 8 && !is_find(is, 0));
  int64_t v;
  CHECK(!is_get(is, 0, &v));
  is = is_add(&m, O, is, &tier, 10, &added);
  CHECK(added == 1);
  is = is_add(&m, O, is, &tier, 10, &added);
  CHECK(added == 0 && is_len(is) == 1);
  is = is_remove(&m, O, is, &tier, 11, &removed);
  CHECK(removed == 0 && is_len(is) == 1);
  /* upgrades: a wider value goes to the front if negative, the back if positive */
  is = is_add(&m, O, is, &tier, -40000, &added);
  CHECK(added && is_encoding(is) == 4 && is_get(is, 0, &v) && v == -40000);
  is = is_add(&m, O, is, &tier, 40000, &added);
  CHECK(added && is_encoding(is) == 4 && is_get(is, 2, &v) && v == 40000);
  is = is_add(&m, O, is, &tier, (int64_t)1 << 40, &added);
  CHECK(added && is_encoding(is) == 8 && is_get(is, 3, &v) && v == (int64_t)1 << 40);
  is = is_add(&m, O, is, &tier, INT64_MIN, &added);
  CHECK(added && is_get(is, 0, &v) && v == INT64_MIN && is_len(is) == 5 && is_bytes(is) == 48);
  int64_t want[] = { INT64_MIN, -40000, 10, 40000, (int64_t)1 << 40 };
  for (uint32_t i = 0; i < 5; i++) CHECK(is_get(is, i, &v) && v == want[i] && is_find(is, v));
  CHECK(!is_get(is, 5, &v) && !is_find(is, 11) && !is_find(is, INT64_MAX));
  CHECK(is_validate(is, is_bytes(is)) && accounted(is));
  /* a narrow value into a wide set: no upgrade, placed in order */
  is = is_add(&m, O, is, &tier, 0, &added);
  CHECK(added && is_get(is, 2, &v) && v == 0 && is_encoding(is) == 8);
  /* removes at the front, middle, back */
  is = is_remove(&m, O, is, &tier, INT64_MIN, &removed);
  CHECK(removed && is_get(is, 0, &v) && v == -40000);
  is = is_remove(&m, O, is, &tier, 10, &removed);
  CHECK(removed && is_len(is) == 4);
  is = is_remove(&m, O, is, &tier, (int64_t)1 << 40, &removed);
  CHECK(removed && is_len(is) == 3 && is_bytes(is) == 32 && is_encoding(is) == 8);
  CHECK(is_validate(is, is_bytes(is)) && accounted(is));
  /* is_random covers every member */
  int seen[3] = { 0 };
  for (int i = 0; i < 3000; i++) {
    int64_t x = is_random(is);
    seen[x == -40000 ? 0 : x == 0 ? 1 : x == 40000 ? 2 : 0] += x == -40000 || x == 0 || x == 40000;
  }
  CHECK(seen[0] > 700 && seen[1] > 700 && seen[2] > 700);
  is_free(&m, O, is, tier);
}

static int64_t draw(void) {
  uint64_t r = rnd();
  switch (r % 8) {
    case 0: return (int64_t)(rnd() % 200) - 100; /* a small universe: many hits */
    case 1: return (int64_t)(rnd() % 70000) - 35000;
    case 2: return (int64_t)(rnd() % 5000000000ull) - 2500000000ll;
    case 3: return r & 8 ? INT64_MAX - (int64_t)(rnd() % 4) : INT64_MIN + (int64_t)(rnd() % 4);
    default: return (int64_t)(rnd() % 2000) - 1000;
  }
}

static void randomized(tm_heap *h) {
  enum { OPS = 20000 };
  static int64_t a[OPS];
  size_t n = 0;
  int bad = 0, badacct = 0, badtier = 0;
  unsigned char *is = is_new(&m, O, &tier);
  for (int op = 0; op < OPS; op++) {
    int64_t v = draw();
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (a[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
    int present = lo < n && a[lo] == v, done;
    bad += is_find(is, v) != present;
    if (rnd() % 100 < 60) {
      is = is_add(&m, O, is, &tier, v, &done);
      bad += done == present;
      if (!present) {
        memmove(a + lo + 1, a + lo, (n - lo) * sizeof *a);
        a[lo] = v;
        n++;
      }
    } else {
      is = is_remove(&m, O, is, &tier, v, &done);
      bad += done != present;
      if (present) {
        memmove(a + lo, a + lo + 1, (n - lo - 1) * sizeof *a);
        n--;
      }
    }
    if (is == NULL) {
      bad++;
      break;
    }
    bad += is_len(is) != n;
    badacct += !accounted(is);
    if (op % 500 == 0) {
      for (uint32_t i = 0; i < n; i++) {
        int64_t x;
        bad += !is_get(is, i, &x) || x != a[i];
      }
      bad += n > 0 && !is_validate(is, is_bytes(is));
      badtier += tm_detect_tier(h, is) != tier;
    }
  }
  CHECK(bad == 0 && badacct == 0 && badtier == 0);
  CHECK(n > 1000 && is_encoding(is) == 8);
  for (uint32_t i = 0; i < n; i++) {
    int64_t x;
    bad += !is_get(is, i, &x) || x != a[i];
  }
  CHECK(bad == 0 && is_validate(is, is_bytes(is)));
  is_free(&m, O, is, tier);
  CHECK(sm_owner_bytes(&m, O) == 0);
}

static size_t core_tier_live(tm_heap *h, tm_tier t) {
  double s[TM_S_LEN];
  tm_stats_snapshot(h, s);
  double live = 0;
  for (int c = 0; c < TM_CAT_COUNT; c++) live += s[TM_S_CELL(t, c)];
  return (size_t)live;
}

static void oom(tm_heap *h) {
  unsigned char copy[256];
  int added, removed;
  tm_set_policy(h, TM_POLICY_STRICT);
  tm_set_threshold(h, 64);
  /* growth refused: a new size class on a full DRAM, an upgrade, a move up to a full PMem */
  unsigned char *is = add_all(is_new(&m, O, &tier), (int64_t[]){ 1, 2, 3, 4 }, 4), *r;
  CHECK(tier == TM_DRAM && is_bytes(is) == 16);
  tm_set_limit(h, TM_DRAM, core_tier_live(h, TM_DRAM));
  tm_set_limit(h, TM_PMEM, core_tier_live(h, TM_PMEM) + 1);
  memcpy(copy, is, 16);
  r = is_add(&m, O, is, &tier, 0, &added);
  CHECK(r == NULL && added == 0 && memcmp(is, copy, 16) == 0 && tier == TM_DRAM);
  r = is_add(&m, O, is, &tier, (int64_t)1 << 40, &added);
  CHECK(r == NULL && memcmp(is, copy, 16) == 0 && is_validate(is, 16));
  r = is_add(&m, O, is, &tier, 3, &added); /* already there: no memory needed */
  CHECK(r == is && added == 0);
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);
  for (int64_t v = 5; v <= 29; v++) is = is_add(&m, O, is, &tier, v, &added);
  CHECK(is_bytes(is) == 66 && tier == TM_PMEM);
  /* shrinking below the threshold onto a full DRAM: stays on PMem */
  tm_set_limit(h, TM_DRAM, 1);
  is = is_remove(&m, O, is, &tier, 10, &removed);
  CHECK(is != NULL && removed && tier == TM_PMEM && accounted(is));
  is = is_remove(&m, O, is, &tier, 29, &removed);
  CHECK(is != NULL && removed && tier == TM_PMEM && is_bytes(is) == 62 && accounted(is));
  CHECK(tm_detect_tier(h, is) == TM_PMEM && !is_find(is, 10) && is_find(is, 11));
  /* and when PMem is full too, the removal is refused with the intset intact */
  tm_set_limit(h, TM_PMEM, core_tier_live(h, TM_PMEM));
  size_t sz = is_bytes(is);
  memcpy(copy, is, sz);
  r = is_remove(&m, O, is, &tier, 1, &removed);
  CHECK(r == NULL && removed == 0 && is_bytes(is) == sz && memcmp(is, copy, sz) == 0);
  r = is_remove(&m, O, is, &tier, 28, &removed);
  CHECK(r == NULL && memcmp(is, copy, sz) == 0 && is_validate(is, sz) && tier == TM_PMEM);
  tm_set_limit(h, TM_DRAM, 0);
  tm_set_limit(h, TM_PMEM, 0);
  tm_set_policy(h, TM_POLICY_SPILL);
  is = is_remove(&m, O, is, &tier, 28, &removed);
  CHECK(is != NULL && removed && tier == TM_DRAM && accounted(is));
  is_free(&m, O, is, tier);
  CHECK(sm_total_bytes(&m) == 0);
}

static int validate_copy(const unsigned char *src, size_t size) {
  unsigned char *b = malloc(size ? size : 1); /* exact size: ASan sees any overread */
  memcpy(b, src, size);
  int ok = is_validate(b, size);
  free(b);
  return ok;
}

static void validation(void) {
  unsigned char buf[256];
  static const struct {
    const char *hex;
    int ok;
  } t[] = {
    { "0200000003000000010002000300", 1 },
    { "0200000000000000", 0 },               /* empty: never stored */
    { "03000000010000000100", 0 },           /* unknown encoding */
    { "0200000003000000010002000300ff", 0 }, /* trailing byte */
    { "02000000030000000100020003", 0 },     /* truncated */
    { "0200000003000000010003000200", 0 },   /* unsorted */
    { "0200000003000000010002000200", 0 },   /* duplicate */
    { "0800000001000000ffffffffffffff7f", 1 },
    { "04000000ffffffff01000000", 0 }, /* huge count */
    { "0200000001", 0 },               /* short header */
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    size_t n = unhex(t[i].hex, buf);
    CHECK(validate_copy(buf, n) == t[i].ok);
  }
  CHECK(!is_validate(buf, 0));
  /* random corruption: any verdict, never a bad read */
  unsigned char *is = add_all(is_new(&m, O, &tier), (int64_t[]){ -3, 1, 7, 100, 30000 }, 5);
  size_t n = is_bytes(is);
  int accepted = 0;
  for (int i = 0; i < 5000; i++) {
    memcpy(buf, is, n);
    buf[rnd() % n] = (unsigned char)rnd();
    size_t cut = rnd() % 4 ? n : rnd() % (n + 1);
    accepted += validate_copy(buf, cut);
  }
  CHECK(accepted > 0 && accepted < 5000);
  is_free(&m, O, is, tier);
}

int main(void) {
  tm_heap *h = check_heap(4096, TM_POLICY_SPILL);
  sm_init(&m, h);
  redis_vectors();
  basics();
  randomized(h);
  validation();
  oom(h);
  CHECK(sm_total_bytes(&m) == 0);
  tm_heap_destroy(h);
  return check_done("intset_test");
}
