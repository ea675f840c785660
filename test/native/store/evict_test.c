/* evict_test.c - maxmemory and maxmemory-policy: what is refused, what is evicted, and that the
 * accounting stays exact. Replies as redis-server 7.0.15's (the OOM text, OBJECT FREQ/IDLETIME
 * errors under the other clock). */
#include <stdint.h>

#include "access.h"
#include "cmdtest.h"
#include "evict.h"
#include "store.h"

#define OOM_REPLY "-OOM command not allowed when used memory > 'maxmemory'.\r\n"

static char val[400];

static st_entry *find(st_store *st, const char *key) {
  return (st_entry *)dict_find(&st->dbs[0].keys, key, strlen(key));
}

static void set_idle(st_store *st, const char *key, uint32_t seconds) {
  st_entry *e = find(st, key);
  uint32_t now = (uint32_t)(st->now_ms / 1000) & LRU_CLOCK_MAX;
  e->meta = (((now - seconds) & LRU_CLOCK_MAX) << 8) | (e->meta & 0xffu);
}

static void fill(st_client *c, int n, const char *prefix) {
  char k[32];
  for (int i = 0; i < n; i++) {
    snprintf(k, sizeof k, "%s%d", prefix, i);
    exec(c, "set", k, val, NULL);
  }
}

static size_t keys(st_store *st) { return dict_size(&st->dbs[0].keys); }

/* Eviction is bounded per command (500 us): what is left goes on in the cron. */
static void settle(st_store *st) {
  for (int i = 0; i < 1000 && (uint64_t)evict_used(st) > st->cfg.maxmemory; i++) st_cron(st, 10000);
}

static void test_noeviction(st_store *st, st_client *c) {
  fill(c, 10, "k");
  st->cfg.maxmemory = evict_used(st) - 1;
  st->cfg.maxmemory_policy = MM_NOEVICTION;
  CHECK_REPLY(c, OOM_REPLY, "set", "new", "v");
  CHECK_REPLY(c, OOM_REPLY, "rpush", "l", "a");
  CHECK_REPLY(c, ":399\r\n", "strlen", "k1"); /* reads are allowed */
  CHECK(find(st, "new") == NULL);
  CHECK_REPLY(c, ":1\r\n", "del", "k1"); /* not CMD_DENYOOM: allowed, and frees */
  CHECK(keys(st) == 9);
  CHECK(st->stats.evicted_keys == 0);
  st->cfg.maxmemory = 0;
  CHECK_REPLY(c, "+OK\r\n", "set", "new", "v");
  exec(c, "flushall", NULL);
}

/* maxmemory is unsigned as Redis's: 2^64-1 (and anything past 2^63) is a limit never reached,
 * not a negative "none"; one byte under what is used still refuses. */
static void test_unsigned(st_store *st, st_client *c) {
  fill(c, 3, "k");
  st->cfg.maxmemory_policy = MM_NOEVICTION;
  st->cfg.maxmemory = UINT64_MAX;
  CHECK(evict_perform(st) == EVICT_OK);
  CHECK_REPLY(c, "+OK\r\n", "set", "new", "v");
  st->cfg.maxmemory = (uint64_t)1 << 63;
  CHECK_REPLY(c, "+OK\r\n", "set", "new2", "v");
  st->cfg.maxmemory = (uint64_t)evict_used(st) - 1;
  CHECK(evict_perform(st) == EVICT_FAIL);
  CHECK_REPLY(c, OOM_REPLY, "set", "new3", "v");
  st->cfg.maxmemory = 0;
  exec(c, "flushall", NULL);
}

static void test_lru(st_store *st, st_client *c) {
  fill(c, 200, "k");
  for (int i = 0; i < 200; i++) {
    char k[32];
    snprintf(k, sizeof k, "k%d", i);
    set_idle(st, k, i < 20 ? 0 : 1000 + (uint32_t)i);
  }
  int64_t used = evict_used(st);
  st->cfg.maxmemory = used - 50 * 400;
  st->cfg.maxmemory_policy = MM_ALLKEYS_LRU;
  CHECK_REPLY(c, "+OK\r\n", "set", "x", "y");
  settle(st);
  printf("  allkeys-lru: %llu evicted, %zu keys left\n", (unsigned long long)st->stats.evicted_keys,
         keys(st));
  CHECK(st->stats.evicted_keys >= 40);
  CHECK((uint64_t)evict_used(st) <= st->cfg.maxmemory + 400);
  int hot_left = 0;
  for (int i = 0; i < 20; i++) {
    char k[32];
    snprintf(k, sizeof k, "k%d", i);
    hot_left += find(st, k) != NULL;
  }
  CHECK(hot_left >= 18); /* the recently used survive */
  st->cfg.maxmemory = 0;
  exec(c, "flushall", NULL);
}

static void test_lfu(st_store *st, st_client *c) {
  st->cfg.maxmemory_policy = MM_ALLKEYS_LFU;
  exec(c, "set", "f", "v", NULL);
  CHECK_REPLY(c, ":5\r\n", "object", "freq", "f"); /* LFU_INIT_VAL */
  CHECK_REPLY(c,
              "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
              "when switching between policies at runtime LRU and LFU data will take some time to "
              "adjust.\r\n",
              "object", "idletime", "f");
  exec(c, "get", "f", NULL);
  CHECK_REPLY(c, ":6\r\n", "object", "freq", "f"); /* 5 -> 6 is certain */
  for (int i = 0; i < 2000; i++) exec(c, "get", "f", NULL);
  const char *r = exec(c, "object", "freq", "f", NULL);
  long n = strtol(r + 1, NULL, 10);
  CHECK(n > 10 && n < 40); /* logarithmic: ~2000 hits at lfu-log-factor 10 */
  /* Decay: one point per lfu-decay-time minutes idle. */
  st_entry *e = find(st, "f");
  uint32_t mins = (uint32_t)(st->now_ms / 60000) & 65535u;
  e->meta = ((((mins - 3) & 65535u) << 8 | 20u) << 8) | (e->meta & 0xffu);
  CHECK_REPLY(c, ":17\r\n", "object", "freq", "f");
  /* Hot keys survive allkeys-lfu. */
  fill(c, 100, "k");
  for (int j = 0; j < 30; j++)
    for (int i = 0; i < 10; i++) {
      char k[32];
      snprintf(k, sizeof k, "k%d", i);
      exec(c, "get", k, NULL);
    }
  st->cfg.maxmemory = evict_used(st) - 40 * 400;
  exec(c, "set", "x", "y", NULL);
  int hot_left = 0;
  for (int i = 0; i < 10; i++) {
    char k[32];
    snprintf(k, sizeof k, "k%d", i);
    hot_left += find(st, k) != NULL;
  }
  CHECK(hot_left >= 9);
  CHECK(st->stats.evicted_keys > 0);
  st->cfg.maxmemory = 0;
  st->cfg.maxmemory_policy = MM_NOEVICTION;
  CHECK_REPLY(c,
              "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
              "note that when switching between policies at runtime LRU and LFU data will take "
              "some time to adjust.\r\n",
              "object", "freq", "f");
  exec(c, "flushall", NULL);
}

static void test_volatile(st_store *st, st_client *c) {
  /* No key with a TTL: nothing to evict, so OOM as with noeviction. */
  fill(c, 20, "k");
  st->cfg.maxmemory = evict_used(st) - 1;
  uint64_t ev = st->stats.evicted_keys;
  for (int64_t p = MM_VOLATILE_LRU; p <= MM_VOLATILE_TTL; p++) {
    st->cfg.maxmemory_policy = p;
    CHECK_REPLY(c, OOM_REPLY, "set", "new", "v");
  }
  CHECK(st->stats.evicted_keys == ev);
  CHECK(keys(st) == 20);
  /* volatile-ttl: the nearest expiry goes first; keys without a TTL never. */
  st->cfg.maxmemory = 0;
  char k[32], ttl[16];
  for (int i = 0; i < 20; i++) {
    snprintf(k, sizeof k, "t%d", i);
    snprintf(ttl, sizeof ttl, "%d", 1000 + i * 100);
    exec(c, "set", k, val, "ex", ttl, NULL);
  }
  st->cfg.maxmemory = evict_used(st) - 5 * 400;
  st->cfg.maxmemory_policy = MM_VOLATILE_TTL;
  CHECK_REPLY(c, "+OK\r\n", "set", "x", "y");
  CHECK(keys(st) < 41);
  CHECK(find(st, "k0") != NULL && find(st, "k19") != NULL);
  /* Sampled, as Redis: the nearer expiries go first, not strictly in order. */
  int early = 0, late = 0;
  for (int i = 0; i < 20; i++) {
    snprintf(k, sizeof k, "t%d", i);
    if (find(st, k) != NULL) *(i < 10 ? &early : &late) += 1;
  }
  CHECK(early < late && late >= 9);
  /* volatile-random: only keys with a TTL. */
  st->cfg.maxmemory_policy = MM_VOLATILE_RANDOM;
  st->cfg.maxmemory = evict_used(st) - 5 * 400;
  CHECK_REPLY(c, "+OK\r\n", "set", "y", "z");
  int plain = 0;
  for (int i = 0; i < 20; i++) {
    snprintf(k, sizeof k, "k%d", i);
    plain += find(st, k) != NULL;
  }
  CHECK(plain == 20);
  /* allkeys-random evicts until under the limit. */
  st->cfg.maxmemory_policy = MM_ALLKEYS_RANDOM;
  st->cfg.maxmemory = evict_used(st) - 10 * 400;
  CHECK_REPLY(c, "+OK\r\n", "set", "z", "w");
  settle(st);
  CHECK((uint64_t)evict_used(st) <= st->cfg.maxmemory + 400);
  st->cfg.maxmemory = 0;
  st->cfg.maxmemory_policy = MM_NOEVICTION;
  exec(c, "flushall", NULL);
}

int main(void) {
  memset(val, 'v', sizeof val - 1);
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  test_noeviction(st, c);
  test_unsigned(st, c);
  test_lru(st, c);
  test_lfu(st, c);
  test_volatile(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("evict_test");
}
