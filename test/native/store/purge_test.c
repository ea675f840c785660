/* purge_test.c - memory comes back: after FLUSHALL (SYNC, and ASYNC once the cron has freed
 * the keyspace), MEMORY PURGE and a big DEL, the emulated-PMem file's pages leave the process
 * (RssFile + RssShmem back to where they were), and small drops do not purge. */
#include <stdint.h>
#include <string.h>

#include "cmdtest.h"
#include "purge.h"
#include "store.h"

#define MiB (1024 * 1024)
#define VALUE (64 * 1024)

static char val[VALUE + 1];

/* Pages of files mapped by the process: the PMem tier's file is the only one that grows. */
static int64_t file_pages(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int64_t kb = 0;
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    long long v;
    if (sscanf(line, "RssFile: %lld", &v) == 1 || sscanf(line, "RssShmem: %lld", &v) == 1) kb += v;
  }
  if (f != NULL) fclose(f);
  return kb * 1024;
}

static void fill(st_client *c, int n) {
  char k[32];
  for (int i = 0; i < n; i++) {
    snprintf(k, sizeof k, "k%d", i);
    exec(c, "set", k, val, NULL);
  }
}

/* The cron as the control plane runs it, until the background free is done. */
static void cron_until_idle(st_store *st) {
  for (int i = 0; i < 100000 && st->lazy_head != NULL; i++) st_cron(st, 1000);
  st->purge_last_ms -= 2 * PURGE_INTERVAL_MS; /* the interval has passed */
  st_cron(st, 1000);
}

static void test_flush_sync(st_store *st, st_client *c, int64_t base) {
  fill(c, 1024); /* 64 MiB of values on PMem */
  CHECK(file_pages() - base >= 48 * MiB);
  uint64_t purges = st->stats.purges;
  CHECK_REPLY(c, "+OK\r\n", "flushall", "sync");
  CHECK(st->stats.purges == purges + 1);
  CHECK(file_pages() - base < 8 * MiB);
  fill(c, 1024);
  CHECK_REPLY(c, "+OK\r\n", "flushdb");
  CHECK(st->stats.purges == purges + 2);
  CHECK(file_pages() - base < 8 * MiB);
}

static void test_flush_async(st_store *st, st_client *c, int64_t base) {
  /* One big list: freed in background steps even by a SYNC flush, so ASYNC and SYNC alike
   * leave the purge to the cron. */
  const char *argv[202] = { "rpush", "biglist" };
  size_t lens[202] = { 5, 7 };
  for (int i = 2; i < 202; i++) {
    argv[i] = val;
    lens[i] = 4096;
  }
  for (int r = 0; r < 12; r++) exec_argv(c, 202, argv, lens); /* 2400 elements of 4 KiB */
  fill(c, 768);
  CHECK(file_pages() - base >= 48 * MiB);
  uint64_t purges = st->stats.purges;
  CHECK_REPLY(c, "+OK\r\n", "flushall", "async");
  CHECK(st->stats.purges == purges); /* nothing purged yet: the keyspace is still being freed */
  cron_until_idle(st);
  CHECK(st->lazy_head == NULL);
  CHECK(st->stats.purges == purges + 1);
  CHECK(file_pages() - base < 8 * MiB);
}

static void test_cron_rule(st_store *st, st_client *c, int64_t base) {
  /* A drop under PURGE_DROP is left to the allocator. */
  fill(c, 256); /* 16 MiB */
  cron_until_idle(st);
  uint64_t purges = st->stats.purges;
  CHECK_REPLY(c, ":1\r\n", "del", "k0");
  for (int i = 1; i < 256; i++) {
    char k[32];
    snprintf(k, sizeof k, "k%d", i);
    exec(c, "unlink", k, NULL);
  }
  cron_until_idle(st);
  CHECK(st->stats.purges == purges);
  /* A big DEL is purged by the next cron once the interval has passed. */
  fill(c, 1024);
  cron_until_idle(st);
  purges = st->stats.purges;
  for (int i = 0; i < 1024; i++) {
    char k[32];
    snprintf(k, sizeof k, "k%d", i);
    exec(c, "del", k, NULL);
  }
  cron_until_idle(st);
  CHECK(st->stats.purges == purges + 1);
  CHECK(file_pages() - base < 8 * MiB);
}

static void test_memory_purge(st_store *st, st_client *c) {
  uint64_t purges = st->stats.purges;
  CHECK_REPLY(c, "+OK\r\n", "memory", "purge");
  CHECK(st->stats.purges == purges + 1);
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'memory|purge' command\r\n", "memory", "purge",
              "x");
}

int main(void) {
  memset(val, 'v', VALUE);
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  int64_t base = file_pages();
  test_flush_sync(st, c, base);
  test_flush_async(st, c, base);
  test_cron_rule(st, c, base);
  test_memory_purge(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("purge_test");
}
