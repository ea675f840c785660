/* snapshot_retain_test.c - pre-images kept as blocks (snapshot.h, SNAP_REPLACE and SNAP_DELETE):
 * values overwritten, deleted, expired, renamed over, flushed, swapped and moved between tiers
 * while a snapshot runs, and the file must still hold exactly the dataset at the cut; the cap
 * falls back to serializing on the command path; maxmemory and eviction never retain; an abort
 * with retained pre-images (one of them a big collection with its record open) frees them all;
 * and the block walk equals the accounting throughout (the retained blocks are the snapshot's). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "access.h"
#include "cmdtest.h"
#include "digest.h"
#include "lazyfree.h"
#include "migrate.h"
#include "rdb.h"
#include "snapshot.h"
#include "walkcheck.h"

static char path[300];

/* Per key at the cut (for a readable failure): db, key and the digest of that key alone. */
typedef struct cut_key {
  int db;
  char key[64];
  uint64_t h;
} cut_key;
static cut_key *cut_keys_rec;
static size_t cut_n;

static void rec_key(const dict_node *n, void *arg) {
  digest_ctx *d = arg;
  uint64_t before = d->sum;
  digest_key(n, d);
  size_t klen;
  const unsigned char *k = entry_key((const st_entry *)n, &klen);
  cut_key *r = &cut_keys_rec[cut_n++];
  r->db = (int)(d->c->db - d->c->st->dbs);
  snprintf(r->key, sizeof r->key, "%.*s", (int)klen, k);
  r->h = d->sum - before;
}

static void record_cut(st_store *st, st_client *c) {
  free(cut_keys_rec);
  size_t total = 0;
  for (int i = 0; i < st->ndb; i++) total += dict_size(&st->dbs[i].keys);
  cut_keys_rec = calloc(total + 1, sizeof *cut_keys_rec);
  cut_n = 0;
  st_db *saved = c->db;
  for (int i = 0; i < st->ndb; i++) {
    c->db = &st->dbs[i];
    digest_ctx d = { c, 0, 0 };
    each_entry(st, i, rec_key, &d);
  }
  c->db = saved;
}

/* Names the first few keys of the cut that the loaded store lacks or holds differently. */
static void report_diff(st_store *st2, st_client *c2) {
  int shown = 0;
  for (size_t i = 0; i < cut_n && shown < 8; i++) {
    cut_key *r = &cut_keys_rec[i];
    c2->db = &st2->dbs[r->db];
    const dict_node *n = dict_find(&st2->dbs[r->db].keys, r->key, strlen(r->key));
    uint64_t h = 0;
    if (n != NULL) {
      digest_ctx d = { c2, 0, 0 };
      digest_key(n, &d);
      h = d.sum;
    }
    if (n == NULL || h != r->h) {
      fprintf(stderr, "  db %d key %s: %s\n", r->db, r->key, n == NULL ? "missing" : "differs");
      shown++;
    }
  }
  c2->db = &st2->dbs[0];
}

static int load_digest(tm_heap *h, uint64_t *sum, size_t *keys) {
  st_store *st2 = st_create(h, NULL);
  st_client *c2 = st_client_new(st2);
  rdb_loader *l = malloc(sizeof *l);
  int e, r = rdb_loader_open(l, st2, path, &e);
  while (r == 0) r = rdb_loader_step(l, 1000);
  if (r < 0) fprintf(stderr, "  load: %s\n", l->error);
  rdb_loader_close(l);
  free(l);
  *sum = digest(st2, c2, keys);
  if (cut_keys_rec != NULL) report_diff(st2, c2);
  st_client_free(c2);
  st_destroy(st2);
  return r == 1 ? 0 : -1;
}

static int start(st_store *st, size_t limit) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(snapshot_start(st, fd, 1, 1, limit) == 0);
  return fd;
}

/* Steps to the end; then the file must equal the cut. */
static void finish_and_compare(tm_heap *h, st_store *st, int fd, uint64_t cut, size_t cut_keys) {
  int r;
  while ((r = snapshot_step(st, 200)) == 0) {}
  close(fd);
  CHECK(r == 1);
  if (r != 1) perror("  snapshot_step");
  snapshot_stats s = snapshot_get_stats(st);
  CHECK(s.missed_hooks == 0);
  CHECK(s.keys == cut_keys);
  if (s.keys != cut_keys)
    fprintf(stderr, "  %llu keys written, %zu at the cut\n", (unsigned long long)s.keys, cut_keys);
  uint64_t got;
  size_t got_keys;
  CHECK(load_digest(h, &got, &got_keys) == 0);
  CHECK(got == cut);
  CHECK(got_keys == cut_keys);
}

static void fill(st_client *c, int n) {
  char k[32], v[400];
  for (int i = 0; i < n; i++) {
    snprintf(k, sizeof k, "s%d", i);
    /* raw strings of both tiers (the heap's threshold is 256), integers, empty strings */
    int len = i % 5 == 0 ? 300 : i % 5 == 1 ? 40 : i % 5 == 2 ? 0 : 100;
    memset(v, 'a' + i % 26, (size_t)len);
    v[len] = '\0';
    if (i % 5 == 3) snprintf(v, sizeof v, "%d", i);
    exec(c, "SET", k, v, NULL);
    if (i % 7 == 0) exec(c, "PEXPIRE", k, "1000000", NULL);
  }
  for (int i = 0; i < 50; i++) {
    snprintf(k, sizeof k, "h%d", i);
    exec(c, "HSET", k, "f", k, "g", "1", NULL);
    snprintf(k, sizeof k, "l%d", i);
    exec(c, "RPUSH", k, "a", "b", NULL);
  }
  /* A big hash (a hashtable written in pieces) and a big list. */
  for (int i = 0; i < 4000; i += 100) {
    const char *argv[2 + 200];
    char f[100][16];
    int m = 0;
    argv[m++] = "HSET";
    argv[m++] = "bighash";
    for (int j = 0; j < 100; j++) {
      snprintf(f[j], sizeof f[j], "f%d", i + j);
      argv[m++] = f[j];
      argv[m++] = f[j];
    }
    exec_argv(c, m, argv, NULL);
    argv[0] = "RPUSH";
    argv[1] = "biglist";
    exec_argv(c, 2 + 100, argv, NULL);
  }
}

/* Every kind of change that retains, with the traversal part way. */
static void changes_during_snapshot(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 3000);
  exec(c, "SELECT", "1", NULL);
  fill(c, 200);
  exec(c, "SELECT", "0", NULL);
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  int fd = start(st, 1 << 20);
  CHECK(snapshot_step(st, 1) == 0);
  char k[32], k2[32], v[64];
  for (int i = 0; i < 3000; i += 3) {
    snprintf(k, sizeof k, "s%d", i);
    snprintf(v, sizeof v, "new-%d", i);
    switch (i % 9) {
      case 0: exec(c, "SET", k, v, NULL); break;
      case 3: exec(c, "DEL", k, NULL); break;
      case 6: exec(c, "PEXPIRE", k, "1", NULL); break; /* expires below, lazily or actively */
    }
  }
  exec(c, "GETSET", "s1", "x", NULL);
  exec(c, "GETDEL", "s4", NULL);
  exec(c, "SET", "s7", "y", "EX", "100", NULL); /* TTL first: serialized at once */
  exec(c, "GETEX", "s14", "PERSIST", NULL);     /* looked up for reading, then changed */
  exec(c, "SET", "s10", "z", "KEEPTTL", NULL);
  exec(c, "MSET", "s13", "m1", "s16", "m2", NULL);
  exec(c, "SET", "h3", "now a string", NULL); /* a hash replaced by a string */
  exec(c, "RENAME", "s19", "s22", NULL);      /* src: in place; the owed dest: retained */
  exec(c, "DEL", "bighash", NULL);            /* a big collection retained whole */
  exec(c, "SET", "biglist", "gone", NULL);
  snapshot_stats s = snapshot_get_stats(st);
  CHECK(s.retained > 500);
  CHECK(s.preimages > s.retained); /* the edits above were serialized */
  check_exact(st, "retained pre-images");
  usleep(3000);
  for (int i = 0; i < 3000; i += 9) {
    snprintf(k, sizeof k, "s%d", i + 6);
    if (i % 2) exec(c, "GET", k, NULL); /* lazy expiry */
  }
  st_cron(st, 5000); /* active expiry */
  /* Tiering migration while pre-images are retained: it only sees the dicts' entries. */
  st_mig_request(st, TM_PMEM, 1 << 20);
  mig_step(st, 2000);
  st_mig_request(st, TM_DRAM, 1 << 20);
  mig_step(st, 2000);
  /* SWAPDB and a flush with retained pre-images of both dbs: each carries its cut db. */
  exec(c, "SELECT", "1", NULL);
  for (int i = 0; i < 200; i += 2) {
    snprintf(k2, sizeof k2, "s%d", i);
    exec(c, "DEL", k2, NULL);
  }
  exec(c, "SELECT", "0", NULL);
  exec(c, "SWAPDB", "0", "1", NULL);
  exec(c, "SELECT", "1", NULL); /* db 1 now holds the cut's db 0 */
  for (int i = 1; i < 3000; i += 6) {
    snprintf(k, sizeof k, "s%d", i);
    exec(c, "SET", k, "after swap", NULL);
  }
  exec(c, "FLUSHDB", NULL);
  exec(c, "SELECT", "0", NULL);
  exec(c, "SET", "born-after-cut", "1", NULL);
  check_exact(st, "after swap and flush");
  finish_and_compare(h, st, fd, cut, cut_keys);
  check_exact(st, "snapshot done");
  st_client_free(c);
  st_destroy(st);
}

/* A small cap: retained until the cap, serialized on the command path past it. */
static void cap_reached(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 3000);
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  const size_t limit = 64 << 10;
  int fd = start(st, limit);
  char k[32], v[300];
  memset(v, 'n', sizeof v - 1);
  v[sizeof v - 1] = '\0';
  for (int i = 0; i < 3000; i++) {
    snprintf(k, sizeof k, "s%d", i);
    exec(c, "SET", k, v, NULL);
  }
  snapshot_stats s = snapshot_get_stats(st);
  CHECK(s.retained > 20);
  CHECK(s.preimages >= s.retained + 1000); /* most went the serialized way */
  CHECK(s.peak_extra <= limit + limit / 2);
  /* The steps drain the retained ones: after one, a delete is retained again. */
  CHECK(snapshot_step(st, 50) == 0);
  uint64_t before = snapshot_get_stats(st).retained;
  const st_entry *e = NULL;
  for (int i = 0; i < 50 && (e == NULL || !snapshot_owes(st, e)); i++) {
    snprintf(k, sizeof k, "l%d", i);
    e = (const st_entry *)dict_find(&st->dbs[0].keys, k, strlen(k));
  }
  CHECK(e != NULL && snapshot_owes(st, e));
  exec(c, "DEL", k, NULL);
  CHECK(snapshot_get_stats(st).retained == before + 1);
  finish_and_compare(h, st, fd, cut, cut_keys);
  CHECK(snapshot_get_stats(st).peak_extra <= limit + limit / 2);
  st_client_free(c);
  st_destroy(st);
}

/* maxmemory: no retention past it; evictions serialize (their deletes must free memory). */
static void maxmemory_and_eviction(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 2000);
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  int fd = start(st, 1 << 20);
  st->cfg.maxmemory = sm_total_bytes(&st->mem);
  exec(c, "DEL", "s0", "s1", "s2", NULL);
  CHECK(snapshot_get_stats(st).retained == 0);
  CHECK(snapshot_get_stats(st).preimages == 3);
  /* Below usage, allkeys-random: every write evicts first, and evicted pre-images are written
   * at once, so memory does go down. */
  st->cfg.maxmemory_policy = MM_ALLKEYS_RANDOM;
  st->cfg.maxmemory = sm_total_bytes(&st->mem) - (64 << 10);
  exec(c, "SET", "new", "v", NULL);
  CHECK(st->stats.evicted_keys > 0);
  CHECK(snapshot_get_stats(st).retained == 0); /* their values were freed */
  st->cfg.maxmemory = 0;
  finish_and_compare(h, st, fd, cut, cut_keys);
  st_client_free(c);
  st_destroy(st);
}

/* Abort with retained pre-images, one of them a big collection whose record is open: every
 * block goes back (the walk equals the accounting, and the store returns to its size). */
static void abort_with_retained(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 2000);
  int64_t full = sm_total_bytes(&st->mem);
  int fd = start(st, 1 << 20);
  exec(c, "DEL", "bighash", NULL);
  char k[32];
  for (int i = 0; i < 2000; i += 2) {
    snprintf(k, sizeof k, "s%d", i);
    exec(c, "SET", k, "over", NULL);
  }
  CHECK(snapshot_get_stats(st).retained > 900);
  /* Steps until the retained big hash's record is open (the others go first). */
  int steps = 0;
  while (snapshot_get_stats(st).pieces == 0 && snapshot_step(st, 100) == 0) steps++;
  CHECK(snapshot_get_stats(st).pieces > 0);
  check_exact(st, "retained record open");
  snapshot_abort(st);
  close(fd);
  check_exact(st, "aborted");
  /* Smaller than before the snapshot: the retained old values went back. */
  CHECK(sm_total_bytes(&st->mem) < full);
  exec(c, "FLUSHALL", NULL);
  lazy_drain_all(st);
  CHECK(sm_total_bytes(&st->mem) < full / 4);
  check_exact(st, "flushed");
  /* A second snapshot after the abort works and is empty of the old pre-images. */
  size_t cut_keys;
  exec(c, "SET", "only", "1", NULL);
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  fd = start(st, 1 << 20);
  exec(c, "DEL", "only", NULL);
  finish_and_compare(h, st, fd, cut, cut_keys);
  st_client_free(c);
  st_destroy(st);
  /* Destroyed while pre-images are retained: st_destroy aborts and frees them (ASan, and the
   * heap's own accounting at tm_heap_destroy). */
  st = st_create(h, NULL);
  c = st_client_new(st);
  fill(c, 500);
  fd = start(st, 1 << 20);
  exec(c, "DEL", "bighash", "biglist", "s1", NULL);
  exec(c, "SET", "s0", "x", NULL);
  CHECK(snapshot_get_stats(st).retained == 4);
  st_client_free(c);
  st_destroy(st);
  close(fd);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  snprintf(path, sizeof path, "%s/retain.rdb", check_dir);
  changes_during_snapshot(h);
  cap_reached(h);
  maxmemory_and_eviction(h);
  abort_with_retained(h);
  unlink(path);
  tm_heap_destroy(h);
  return check_done("snapshot_retain_test");
}
