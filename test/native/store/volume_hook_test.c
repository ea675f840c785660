/* volume_hook_test.c - st_set_volume_hook: the controller's early ticks inside a pipeline. The
 * hook runs between two commands of one st_feed, after every `every` bytes of routed (value)
 * allocation, may re-arm or remove itself, and pinned allocations (keys, entries) do not count. */
#include <string.h>

#include "cmdtest.h"

typedef struct {
  int calls;
  size_t keys_seen[64];
  uint64_t routed_seen[64];
  int disarm_after; /* the hook removes itself on this call (0: never) */
} probe;

static void on_volume(st_store *st, void *arg) {
  probe *p = arg;
  if (p->calls < 64) {
    p->keys_seen[p->calls] = dict_size(&st->dbs[0].keys);
    p->routed_seen[p->calls] = st->mem.routed;
  }
  p->calls++;
  if (p->disarm_after == p->calls) st_set_volume_hook(st, 0, NULL, NULL);
}

/* n pipelined SETs of `vlen`-byte values in one feed. */
static void feed_sets(st_client *c, int first, int n, size_t vlen) {
  static char buf[64 * 1100];
  char value[1024];
  memset(value, 'v', sizeof value);
  size_t len = 0;
  for (int i = first; i < first + n; i++) {
    char key[16];
    int kl = snprintf(key, sizeof key, "k%d", i);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%zu\r\n",
                            kl, key, vlen);
    memcpy(buf + len, value, vlen);
    len += vlen;
    memcpy(buf + len, "\r\n", 2);
    len += 2;
  }
  CHECK(st_feed(c, buf, len) == 0);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);

  /* 40 values of 1000 B in one feed, the hook every 4000 B: it runs inside the feed, between
   * commands (the keyspace grows by whole SETs between two calls), about every 4 values. */
  probe p = { 0 };
  uint64_t start = st->mem.routed;
  st_set_volume_hook(st, 4000, on_volume, &p);
  feed_sets(c, 0, 40, 1000);
  CHECK(dict_size(&st->dbs[0].keys) == 40);
  CHECK(p.calls >= 9 && p.calls <= 10);
  CHECK(p.keys_seen[0] >= 3 && p.keys_seen[0] <= 5); /* the first after ~4 values, mid-feed */
  for (int i = 0; i < p.calls && i < 64; i++) {
    CHECK(p.routed_seen[i] >= start + (uint64_t)(i + 1) * 4000);
    CHECK(p.keys_seen[i] <= 40);
    if (i > 0) CHECK(p.keys_seen[i] > p.keys_seen[i - 1]);
  }

  /* A hook that removes itself is not called again. */
  probe q = { .disarm_after = 2 };
  st_set_volume_hook(st, 2000, on_volume, &q);
  feed_sets(c, 100, 40, 1000);
  CHECK(q.calls == 2);
  CHECK(st->volume_at == UINT64_MAX);

  /* Keys and entries are pinned and do not count: 8-byte values route a few hundred bytes. */
  probe r = { 0 };
  uint64_t before = st->mem.routed;
  st_set_volume_hook(st, 1 << 20, on_volume, &r);
  feed_sets(c, 200, 40, 8);
  CHECK(st->mem.routed - before < 40 * 64); /* the 8-byte values (and their headers) only */
  CHECK(r.calls == 0);

  /* every 0 removes it. */
  st_set_volume_hook(st, 0, on_volume, &r);
  feed_sets(c, 300, 40, 1000);
  CHECK(r.calls == 0);

  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("volume_hook_test");
}
