/* snapshot_retain_test.c - pre-images kept as blocks (snapshot.h, SNAP_REPLACE and SNAP_DELETE):
 * values overwritten (with or without a new TTL, by SET, RESTORE, COPY, RENAME and the STORE
 * commands), deleted, expired, renamed over, flushed, swapped and moved between tiers
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

/* One command on owed keys: it must run `hooks` hooks of which `kept` retained (the rest were
 * serialized at once), and reply `want` (or anything but an error when NULL). */
static void expect_kept(st_store *st, st_client *c, uint64_t hooks, uint64_t kept, const char *want,
                        int argc, const char **argv, const size_t *lens) {
  snapshot_stats b = snapshot_get_stats(st);
  const char *r = exec_argv(c, argc, argv, lens);
  snapshot_stats a = snapshot_get_stats(st);
  int ok = want ? strcmp(r, want) == 0 : r[0] != '-';
  CHECK(ok);
  CHECK(a.preimages - b.preimages == hooks);
  CHECK(a.retained - b.retained == kept);
  if (!ok || a.preimages - b.preimages != hooks || a.retained - b.retained != kept)
    fprintf(stderr, "  %s %s: reply %.40s, %llu hooks, %llu retained\n", argv[0], argv[1], r,
            (unsigned long long)(a.preimages - b.preimages),
            (unsigned long long)(a.retained - b.retained));
}

#define KEPT(st, c, hooks, kept, want, ...)                                                  \
  do {                                                                                       \
    const char *argv_[] = { __VA_ARGS__ };                                                   \
    expect_kept(st, c, hooks, kept, want, (int)(sizeof argv_ / sizeof *argv_), argv_, NULL); \
  } while (0)

/* The TTL-setting and STORE-destination paths that replace or delete an owed key's value keep
 * its pre-image as a block (one hook, retained), as plain SET does. */
static void replace_paths_retain(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 200);
  exec(c, "SADD", "sa", "1", "2", "3", "x", NULL);
  exec(c, "SADD", "sb", "2", "3", "y", NULL);
  exec(c, "ZADD", "za", "1", "a", "2", "b", "3", "c", NULL);
  exec(c, "ZADD", "zb", "2", "b", "5", "d", NULL);
  exec(c, "SET", "pa", "2", NULL); /* SORT ... GET p* reads these */
  exec(c, "SET", "pb", "1", NULL);
  exec(c, "SELECT", "1", NULL);
  fill(c, 40);
  exec(c, "SELECT", "0", NULL);
  size_t n;
  const char *r = exec(c, "DUMP", "h0", NULL);
  n = (size_t)strtol(r + 1, NULL, 10);
  char *payload = malloc(n);
  memcpy(payload, strstr(r, "\r\n") + 2, n);
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  int fd = start(st, 4 << 20); /* no step yet: every key is owed */
  char at_s[32], at_ms[32], past[32];
  snprintf(at_s, sizeof at_s, "%lld", (long long)(st->now_ms / 1000 + 1000));
  snprintf(at_ms, sizeof at_ms, "%lld", (long long)(st->now_ms + 1000000));
  snprintf(past, sizeof past, "%lld", (long long)(st->now_ms - 1000));
  /* s<i> has a TTL when i % 7 == 0: both the repositioned TTL and the grown entry block. */
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s0", "v", "EX", "100");
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s1", "v", "PX", "100000");
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s2", "v", "EXAT", at_s);
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s3", "v", "PXAT", at_ms);
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s7", "v", "KEEPTTL");
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "s14", "12345", "XX", "EX", "100"); /* an int value */
  KEPT(st, c, 1, 1, "+OK\r\n", "SETEX", "s4", "100", "v");
  KEPT(st, c, 1, 1, "+OK\r\n", "PSETEX", "s21", "100000", "v");
  KEPT(st, c, 1, 1, "$2\r\n38\r\n", "SET", "s38", "v", "GET", "EX", "100");
  KEPT(st, c, 1, 1, "+OK\r\n", "SET", "h1", "a hash replaced, with a TTL", "EX", "100");
  const char *rs[] = { "RESTORE", "s5", "0", payload, "REPLACE" };
  size_t rl[] = { 7, 2, 1, n, 7 };
  expect_kept(st, c, 1, 1, "+OK\r\n", 5, rs, rl);
  rs[1] = "s28", rs[2] = "100000";
  rl[1] = 3, rl[2] = 6;
  expect_kept(st, c, 1, 1, "+OK\r\n", 5, rs, rl);
  const char *rs2[] = { "RESTORE", "s6", past, payload, "REPLACE", "ABSTTL" };
  size_t rl2[] = { 7, 2, strlen(past), n, 7, 6 };
  expect_kept(st, c, 1, 1, "+OK\r\n", 6, rs2, rl2); /* already expired: deleted */
  KEPT(st, c, 1, 1, ":1\r\n", "COPY", "h2", "s8", "REPLACE");
  KEPT(st, c, 1, 1, ":1\r\n", "COPY", "s9", "s35", "REPLACE");  /* s35's TTL goes */
  KEPT(st, c, 1, 1, ":1\r\n", "COPY", "s42", "s10", "REPLACE"); /* s42's TTL comes */
  KEPT(st, c, 1, 1, ":1\r\n", "COPY", "l2", "s12", "DB", "1", "REPLACE");
  /* RENAME: the source is edited in place (its value moves on), the destination retained. */
  KEPT(st, c, 2, 1, "+OK\r\n", "RENAME", "s13", "s15");
  KEPT(st, c, 2, 1, "+OK\r\n", "RENAME", "s49", "s16"); /* with the source's TTL */
  KEPT(st, c, 1, 1, ":2\r\n", "SINTERSTORE", "s17", "sa", "sb");
  KEPT(st, c, 1, 1, ":5\r\n", "SUNIONSTORE", "s18", "sa", "sb");
  KEPT(st, c, 1, 1, ":2\r\n", "SDIFFSTORE", "s19", "sa", "sb");
  KEPT(st, c, 1, 1, ":0\r\n", "SINTERSTORE", "s20", "sa", "nosuchkey"); /* deleted */
  KEPT(st, c, 1, 1, ":0\r\n", "SDIFFSTORE", "s22", "sa", "sa");         /* deleted */
  KEPT(st, c, 1, 1, ":4\r\n", "ZUNIONSTORE", "s23", "2", "za", "zb");
  KEPT(st, c, 1, 1, ":1\r\n", "ZINTERSTORE", "s24", "2", "za", "zb");
  KEPT(st, c, 1, 1, ":2\r\n", "ZDIFFSTORE", "s25", "2", "za", "zb");
  KEPT(st, c, 1, 1, ":3\r\n", "ZRANGESTORE", "s26", "za", "0", "-1");
  KEPT(st, c, 1, 1, ":0\r\n", "ZRANGESTORE", "s27", "za", "5", "9"); /* deleted */
  KEPT(st, c, 1, 1, ":2\r\n", "SORT", "l3", "ALPHA", "STORE", "s29");
  KEPT(st, c, 1, 1, ":2\r\n", "SORT", "l4", "BY", "p*", "GET", "p*", "STORE", "s30");
  KEPT(st, c, 1, 1, ":0\r\n", "SORT", "nosuchkey", "STORE", "s31"); /* deleted */
  KEPT(st, c, 1, 1, ":100\r\n", "BITOP", "OR", "s32", "s33", "s34");
  KEPT(st, c, 1, 1, ":0\r\n", "BITOP", "AND", "s36", "nosuchkey", "s37"); /* deleted */
  /* The same over a key the command also reads: SET GET and a STORE into one of its sources. */
  KEPT(st, c, 1, 1, ":4\r\n", "SUNIONSTORE", "sa", "sa", "sa");
  KEPT(st, c, 1, 1, ":3\r\n", "ZRANGESTORE", "za", "za", "0", "-1");
  /* The edits stay edits: GETEX's TTL change, the LMOVE destination. */
  KEPT(st, c, 1, 0, "$0\r\n\r\n", "GETEX", "s47", "EX", "100");
  KEPT(st, c, 2, 0, "$1\r\nb\r\n", "LMOVE", "l5", "l6", "RIGHT", "LEFT");
  check_exact(st, "replace paths retained");
  finish_and_compare(h, st, fd, cut, cut_keys);
  check_exact(st, "replace paths done");
  free(payload);
  st_client_free(c);
  st_destroy(st);
}

/* SET EX on an owed key when setting the TTL runs out of memory after the pre-image was
 * retained: the OOM error, the key as it was (value, TTL), still owed, the retained copy freed;
 * with room the same command retains. DRAM (entries) is limited to what it holds plus a
 * growing allowance under the strict policy. */
static void replace_undo_on_oom(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c, 1000);
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  record_cut(st, c);
  int fd = start(st, 4 << 20);
  exec(c, "SET", "s3", "first", NULL); /* the retained array exists before the limit */
  /* Each try on another owed key of the same shape (40 bytes, no TTL, a 3-digit name): a try
   * whose hook could not retain serialized its key, which is then no longer owed. */
  const st_entry *e = (const st_entry *)dict_find(&st->dbs[0].keys, "s101", 4);
  size_t block = sm_usable(&st->mem, TM_DRAM, e, entry_block_size(e));
  int undone = 0, done = 0, i = 101;
  for (size_t allow = 0; allow <= 4 * block && !done; allow += 8) {
    while (i % 5 != 1 || i % 7 == 0) i++;
    CHECK(i < 1000);
    char k[32], want[64];
    snprintf(k, sizeof k, "s%d", i);
    snprintf(want, sizeof want, "$40\r\n%40s\r\n", ""); /* fill's value for k */
    memset(want + 5, 'a' + i % 26, 40);
    i++;
    e = (const st_entry *)dict_find(&st->dbs[0].keys, k, strlen(k));
    CHECK(e != NULL && snapshot_owes(st, e) && entry_expire(e) < 0);
    double s[TM_S_LEN], dram = 0;
    tm_stats_snapshot(h, s);
    for (int cat = 0; cat < TM_CAT_COUNT; cat++) dram += s[TM_S_CELL(TM_DRAM, cat)];
    snapshot_stats b = snapshot_get_stats(st);
    tm_set_policy(h, TM_POLICY_STRICT);
    tm_set_limit(h, TM_DRAM, (size_t)dram + allow);
    const char *r =
        exec(c, "SET", k, "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", "PX", "100000", NULL);
    tm_set_limit(h, TM_DRAM, 0);
    tm_set_policy(h, TM_POLICY_SPILL);
    snapshot_stats a = snapshot_get_stats(st);
    CHECK(a.preimages - b.preimages <= 1); /* none when the new value did not fit */
    if (r[0] == '+') {
      done = 1;
      CHECK(a.retained == b.retained + 1);
      break;
    }
    CHECK(strcmp(r, "-" ERR_OOM "\r\n") == 0);
    CHECK(a.retained == b.retained);
    e = (const st_entry *)dict_find(&st->dbs[0].keys, k, strlen(k));
    CHECK(e != NULL && entry_expire(e) < 0);
    if (e != NULL && snapshot_owes(st, e)) undone++; /* retained, then given back */
    const char *got = exec(c, "GET", k, NULL);
    CHECK(strcmp(got, want) == 0);
    check_exact(st, "undone");
  }
  CHECK(undone > 0);
  CHECK(done);
  finish_and_compare(h, st, fd, cut, cut_keys);
  check_exact(st, "undo done");
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
    if (i % 2)
      exec(c, "SET", k, v, "PX", "1000000", NULL); /* the TTL paths fall back the same way */
    else
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
  replace_paths_retain(h);
  replace_undo_on_oom(h);
  cap_reached(h);
  maxmemory_and_eviction(h);
  abort_with_retained(h);
  unlink(path);
  tm_heap_destroy(h);
  return check_done("snapshot_retain_test");
}
