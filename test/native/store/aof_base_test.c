/* aof_base_test.c - the AOF base of commands (aof_base.h): exact bytes for a small dataset as
 * redis-server 7.0.15's rewrite writes them, batches of 64 elements, every type and encoding
 * replayed into a fresh store to the same contents (binary keys and values, TTLs, several dbs),
 * and point in time: a base taken while keys are written, deleted, renamed, expired, moved and
 * flushed, and one with big collections written over many steps, replay to the dataset at the cut. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aof_base.h"
#include "cmdtest.h"
#include "digest.h"
#include "entry.h"

static char dir[256];

/* BGREWRITEAOF's base: the whole snapshot through the command writer, in steps of budget us. */
static int write_base(st_store *st, const char *path, uint64_t budget) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int r = snapshot_start_writer(st, fd, &aof_base_writer, 0, 0, 1 << 16);
  while (r == 0) r = snapshot_step(st, budget);
  close(fd);
  return r == 1 ? 0 : -1;
}

static unsigned char *read_all(const char *path, size_t *n) {
  struct stat sb;
  if (stat(path, &sb) != 0) return NULL;
  *n = (size_t)sb.st_size;
  unsigned char *b = malloc(*n + 1);
  FILE *f = fopen(path, "rb");
  CHECK(fread(b, 1, *n, f) == *n);
  fclose(f);
  b[*n] = 0;
  return b;
}

/* Replay the file through a client, as the AOF loader does (in 64 KiB chunks, replies dropped);
 * returns the number of error replies. */
static int replay(st_client *c, const char *path) {
  size_t n;
  unsigned char *b = read_all(path, &n);
  static char sink[1 << 16];
  int errors = 0;
  for (size_t off = 0; off < n; off += 65536) {
    st_feed(c, b + off, n - off < 65536 ? n - off : 65536);
    size_t got;
    while ((got = reply_take(&c->out, sink, sizeof sink - 1)) > 0) {
      sink[got] = 0;
      for (char *p = sink; (p = strstr(p, "\r\n-")) != NULL; p += 3) errors++;
      if (sink[0] == '-') errors++;
    }
  }
  free(b);
  return errors;
}

/* Replay path into a fresh store and compare its digest with want. */
static void check_replays_to(tm_heap *h, const char *path, uint64_t want, size_t want_keys) {
  st_store *st2 = st_create(h, NULL);
  st_client *c2 = st_client_new(st2);
  CHECK(replay(c2, path) == 0);
  size_t keys;
  CHECK(digest(st2, c2, &keys) == want);
  CHECK(keys == want_keys);
  if (keys != want_keys) {
    fprintf(stderr, "  %zu keys replayed, %zu wanted\n", keys, want_keys);
    for (int i = 0; i < st2->ndb; i++) {
      char db[16];
      snprintf(db, sizeof db, "%d", i);
      exec(c2, "SELECT", db, NULL);
      fprintf(stderr, "  db %d: %s\n", i, exec(c2, "KEYS", "*", NULL));
    }
  }
  st_client_free(c2);
  st_destroy(st2);
}

/* What redis-server 7.0.15 wrote for the same keys (one element per collection, so the order
 * within a key is fixed; keys in one bucket order the store chooses, so one key per db). */
static void exact_bytes(tm_heap *h) {
  char path[300];
  snprintf(path, sizeof path, "%s/exact.aof", dir);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  exec(c, "SET", "s1", "hello", NULL);
  exec(c, "PEXPIREAT", "s1", "4102444800000", NULL);
  exec(c, "SELECT", "1", NULL);
  exec(c, "SET", "n1", "12345", NULL);
  exec(c, "SELECT", "2", NULL);
  exec(c, "ZADD", "z", "0.1", "b", NULL);
  exec(c, "SELECT", "3", NULL);
  exec(c, "HSET", "h", "f", "v", NULL);
  exec(c, "SELECT", "4", NULL);
  exec(c, "SADD", "si", "7", NULL);
  exec(c, "SELECT", "5", NULL);
  exec(c, "RPUSH", "l", "3", NULL);
  CHECK(write_base(st, path, 1000) == 0);
  size_t n;
  unsigned char *b = read_all(path, &n);
  const char *want =
      "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$2\r\ns1\r\n$5\r\nhello\r\n"
      "*3\r\n$9\r\nPEXPIREAT\r\n$2\r\ns1\r\n$13\r\n4102444800000\r\n"
      "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$2\r\nn1\r\n$5\r\n12345\r\n"
      "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$19\r\n0."
      "10000000000000001\r\n"
      "$1\r\nb\r\n"
      "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n"
      "*2\r\n$6\r\nSELECT\r\n$1\r\n4\r\n*3\r\n$4\r\nSADD\r\n$2\r\nsi\r\n$1\r\n7\r\n"
      "*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\n3\r\n";
  CHECK(n == strlen(want) && memcmp(b, want, n) == 0);
  if (n != strlen(want) || memcmp(b, want, n) != 0) fprintf(stderr, "  got:\n%s\n", b);
  free(b);
  /* An empty dataset is an empty file. */
  exec(c, "FLUSHALL", NULL);
  CHECK(write_base(st, path, 1000) == 0);
  b = read_all(path, &n);
  CHECK(n == 0);
  free(b);
  st_client_free(c);
  st_destroy(st);
  unlink(path);
}

static size_t count(const unsigned char *b, size_t n, const char *needle) {
  size_t k = 0, l = strlen(needle);
  for (const unsigned char *p = b; (p = memmem(p, n - (size_t)(p - b), needle, l)) != NULL; p += l)
    k++;
  return k;
}

/* Keys of every type and encoding, some binary, some with TTLs, in dbs 0 and 3. */
static void fill(st_client *c) {
  char k[64], v[512];
  exec(c, "SET", "int", "12345", NULL);
  exec(c, "SET", "neg", "-9223372036854775808", NULL);
  exec(c, "SET", "empty", "", NULL);
  exec(c, "SET", "crlf", "a\r\nb\r\n$3\r\n", NULL);
  const char *bin_argv[] = { "SET", "bin\0key\xff", "v\0\r\n\xfe" };
  size_t bin_lens[] = { 3, 9, 6 };
  exec_argv(c, 3, bin_argv, bin_lens);
  const char *binl[] = { "RPUSH", "bin\0list", "\0", "\r\n", "\xff\xfe" };
  size_t binl_lens[] = { 5, 8, 1, 2, 2 };
  exec_argv(c, 5, binl, binl_lens);
  exec(c, "RPUSH", "list_small", "a", "1", "-5", "hello world", NULL);
  for (int i = 0; i < 130; i++) {
    snprintf(v, sizeof v, "%d", i);
    exec(c, "RPUSH", "list_130", v, NULL);
  }
  for (int i = 0; i < 3000; i++) {
    snprintf(v, sizeof v, "element-%d-%s", i, i % 3 ? "x" : "some longer text to fill nodes");
    exec(c, "RPUSH", "list_big", i % 5 ? v : "77", NULL);
  }
  for (int i = 0; i < 600; i++) {
    snprintf(v, sizeof v, "%d", i * 1000 - 7);
    if (i < 50) exec(c, "SADD", "set_intset", v, NULL);
    exec(c, "SADD", "set_bigints", v, NULL);
    snprintf(v, sizeof v, "m%d", i);
    if (i < 50) exec(c, "SADD", "set_lp", v, NULL);
    exec(c, "SADD", "set_ht", v, NULL);
  }
  for (int i = 0; i < 500; i++) {
    snprintf(k, sizeof k, "field:%d", i);
    snprintf(v, sizeof v, "value %d %s", i,
             i % 7 ? "" : "longer than sixty-four bytes, which forces a table");
    if (i < 20) exec(c, "HSET", "hash_lp", k, i % 2 ? v : "42", NULL);
    exec(c, "HSET", "hash_ht", k, v, NULL);
  }
  exec(c, "ZADD", "zset_lp", "1.5", "a", "0.1", "b", "inf", "c", "-inf", "d", "-0", "e", "3", "7",
       "1e300", "big", "-2.5e-300", "tiny", NULL);
  for (int i = 0; i < 400; i++) {
    snprintf(k, sizeof k, "%.17g", i * 0.37 - 50);
    snprintf(v, sizeof v, "member-%d", i);
    exec(c, "ZADD", "zset_sl", k, i % 9 ? v : k, NULL);
  }
  exec(c, "EXPIRE", "int", "1000", NULL);
  exec(c, "PEXPIRE", "list_big", "5000000", NULL);
  exec(c, "PEXPIRE", "zset_sl", "7000000", NULL);
  exec(c, "PEXPIRE", "hash_ht", "8000000", NULL);
  exec(c, "SELECT", "3", NULL);
  exec(c, "SET", "in3", "x", NULL);
  exec(c, "HSET", "hash3", "a", "b", NULL);
  exec(c, "SELECT", "15", NULL);
  exec(c, "SET", "in15", "y", "PX", "9000000", NULL);
  exec(c, "SELECT", "0", NULL);
}

static void every_type(tm_heap *h) {
  char path[300];
  snprintf(path, sizeof path, "%s/all.aof", dir);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  fill(c);
  CHECK_REPLY(c, "$9\r\nquicklist\r\n", "OBJECT", "ENCODING", "list_big");
  CHECK_REPLY(c, "$6\r\nintset\r\n", "OBJECT", "ENCODING", "set_intset");
  CHECK_REPLY(c, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "set_ht");
  CHECK_REPLY(c, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "set_lp");
  CHECK_REPLY(c, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "zset_sl");
  CHECK_REPLY(c, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "hash_ht");
  size_t keys;
  uint64_t want = digest(st, c, &keys);
  for (uint64_t budget = 20; budget <= 100000; budget *= 5000) {
    CHECK(write_base(st, path, budget) == 0);
    check_replays_to(h, path, want, keys);
  }
  size_t n;
  unsigned char *b = read_all(path, &n);
  /* 130 elements: 64 + 64 + 2; 3000: 46 x 64 + 56. */
  CHECK(count(b, n, "*66\r\n$5\r\nRPUSH\r\n$8\r\nlist_130\r\n") == 2);
  CHECK(count(b, n, "*4\r\n$5\r\nRPUSH\r\n$8\r\nlist_130\r\n") == 1);
  CHECK(count(b, n, "*66\r\n$5\r\nRPUSH\r\n$8\r\nlist_big\r\n") == 46);
  CHECK(count(b, n, "*58\r\n$5\r\nRPUSH\r\n$8\r\nlist_big\r\n") == 1);
  CHECK(count(b, n, "*130\r\n$5\r\nHMSET\r\n$7\r\nhash_ht\r\n") == 7);
  CHECK(count(b, n, "*106\r\n$5\r\nHMSET\r\n$7\r\nhash_ht\r\n") == 1);
  CHECK(count(b, n, "*130\r\n$4\r\nZADD\r\n$7\r\nzset_sl\r\n") == 6);
  CHECK(count(b, n, "*34\r\n$4\r\nZADD\r\n$7\r\nzset_sl\r\n") == 1);
  CHECK(count(b, n, "*66\r\n$4\r\nSADD\r\n$11\r\nset_bigints\r\n") == 9);
  CHECK(count(b, n, "*26\r\n$4\r\nSADD\r\n$11\r\nset_bigints\r\n") == 1);
  CHECK(count(b, n, "$3\r\ninf\r\n$1\r\nc\r\n") == 1);
  CHECK(count(b, n, "$4\r\n-inf\r\n$1\r\nd\r\n") == 1);
  CHECK(count(b, n, "$1\r\n0\r\n$1\r\ne\r\n") == 1); /* as redis-server writes -0 */
  CHECK(count(b, n, "$9\r\nPEXPIREAT\r\n") == 5);
  CHECK(count(b, n, "$6\r\nSELECT\r\n") == 3);
  free(b);
  st_client_free(c);
  st_destroy(st);
  unlink(path);
}

/* A base taken in tiny steps with random writes between them replays to the dataset at the cut,
 * every key once, no change bypassing the hook. */
static void write_during_base(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  char k[64], k2[64], v[128];
  srand(7);
  for (int i = 0; i < 3000; i++) {
    snprintf(k, sizeof k, "k%d", i);
    snprintf(v, sizeof v, "v%d-%d", i, rand());
    switch (i % 6) {
      case 0: exec(c, "SET", k, v, NULL); break;
      case 1: exec(c, "RPUSH", k, v, "x", "y", NULL); break;
      case 2: exec(c, "SADD", k, v, "1", "2", NULL); break;
      case 3: exec(c, "HSET", k, "f", v, "g", "1", NULL); break;
      case 4: exec(c, "ZADD", k, "1", v, "2.25", "x", NULL); break;
      default: exec(c, "SET", k, "123", "PX", "100000", NULL); break;
    }
    if (i % 97 == 0) {
      exec(c, "SELECT", "2", NULL);
      exec(c, "SET", k, v, NULL);
      exec(c, "SELECT", "0", NULL);
    }
  }
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  char path[300];
  snprintf(path, sizeof path, "%s/live.aof", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(snapshot_start_writer(st, fd, &aof_base_writer, 0, 0, 4096) == 0);
  int r = 0, steps = 0;
  while (r == 0) {
    for (int j = 0; j < 20; j++) {
      snprintf(k, sizeof k, "k%d", rand() % 3500);
      snprintf(k2, sizeof k2, "k%d", rand() % 3500);
      snprintf(v, sizeof v, "new%d", rand());
      switch (rand() % 13) {
        case 0: exec(c, "SET", k, v, NULL); break;
        case 1: exec(c, "DEL", k, NULL); break;
        case 2: exec(c, "RENAME", k, k2, NULL); break;
        case 3: exec(c, "PEXPIRE", k, "1", NULL); break;
        case 4: exec(c, "RPUSH", k, v, NULL); break;
        case 5: exec(c, "SADD", k, v, NULL); break;
        case 6: exec(c, "HSET", k, "f", v, NULL); break;
        case 7: exec(c, "ZADD", k, "3", v, NULL); break;
        case 8: exec(c, "INCR", k, NULL); break;
        case 9: exec(c, "MOVE", k, "2", NULL); break;
        case 10: exec(c, "PERSIST", k, NULL); break;
        case 11: exec(c, "SORT", k, "ALPHA", NULL); break;
        default: exec(c, "LPOP", k, NULL); break;
      }
    }
    if (steps == 5) {
      exec(c, "SELECT", "2", NULL);
      exec(c, "FLUSHDB", NULL);
      exec(c, "SELECT", "0", NULL);
    }
    if (steps == 9) exec(c, "SWAPDB", "0", "5", NULL);
    if (steps == 13) exec(c, "SWAPDB", "0", "5", NULL);
    usleep(steps % 10 == 0 ? 2000 : 0);
    if (steps % 3 == 0) st_cron(st, 200);
    r = snapshot_step(st, 0); /* one look at the clock per 16 buckets: steps on any machine */
    steps++;
  }
  close(fd);
  CHECK(r == 1);
  CHECK(steps > 20);
  snapshot_stats s = snapshot_get_stats(st);
  CHECK(s.missed_hooks == 0);
  CHECK(s.preimages > 0);
  CHECK(s.keys == cut_keys);
  check_replays_to(h, path, cut, cut_keys);
  st_client_free(c);
  st_destroy(st);
  unlink(path);
}

/* Big collections written over many steps while they, and other keys, change. */
static void big_collections_in_pieces(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  enum { BIG = 30000, BATCH = 500 };
  static const char *bigs[] = { "bighash", "bigset", "bigzset", "biglist", "bighash2" };
  const char *argv[2 + 2 * BATCH + 1];
  char buf[2 * BATCH][24];
  for (int b = 0; b < 5; b++) {
    const char *cmd = b == 0 || b == 4 ? "HSET" : b == 1 ? "SADD" : b == 2 ? "ZADD" : "RPUSH";
    int pairs = b == 0 || b == 2 || b == 4;
    for (int i = 0; i < BIG; i += BATCH) {
      int n = 0;
      argv[n++] = cmd;
      argv[n++] = bigs[b];
      for (int j = 0; j < BATCH; j++) {
        snprintf(buf[2 * j], sizeof buf[0], b == 2 ? "%d.5" : "m%d", i + j);
        snprintf(buf[2 * j + 1], sizeof buf[0], "v%d", i + j);
        argv[n++] = buf[2 * j];
        if (pairs) argv[n++] = buf[2 * j + 1];
      }
      argv[n] = NULL;
      exec_argv(c, n, argv, NULL);
    }
  }
  exec(c, "PEXPIRE", "biglist", "9000000", NULL);
  char k[32], v[32];
  for (int i = 0; i < 2000; i++) {
    snprintf(k, sizeof k, "s%d", i);
    exec(c, "SET", k, k, NULL);
  }
  size_t cut_keys;
  uint64_t cut = digest(st, c, &cut_keys);
  char path[300];
  snprintf(path, sizeof path, "%s/big.aof", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(snapshot_start_writer(st, fd, &aof_base_writer, 0, 0, 1 << 16) == 0);
  int r = 0, steps = 0, deleted = 0;
  srand(9);
  while (r == 0) {
    snprintf(k, sizeof k, "s%d", rand() % 2000);
    snprintf(v, sizeof v, "new%d", rand());
    exec(c, "SET", k, v, NULL);
    uint64_t pieces_now = snapshot_get_stats(st).pieces;
    /* Edits start once a record has gone out in a dozen pieces: an edit to a big key not yet
     * written serializes it at once, and one to the open record completes it. */
    if (pieces_now >= 12 && steps % 25 == 12) {
      exec(c, "HSET", "bighash", "added", v, NULL);
      exec(c, "HDEL", "bighash", "m5", NULL);
      exec(c, "SADD", "bigset", v, NULL);
      exec(c, "ZADD", "bigzset", "-1", v, NULL);
      exec(c, "RPUSH", "biglist", v, NULL);
      exec(c, "LPOP", "biglist", NULL);
    }
    if (pieces_now >= 12 && !deleted) {
      exec(c, "DEL", "bighash2", NULL);
      deleted = 1;
    }
    r = snapshot_step(st, 0); /* one piece per step, whatever the machine's speed */
    steps++;
  }
  close(fd);
  CHECK(r == 1);
  snapshot_stats s = snapshot_get_stats(st);
  CHECK(s.pieces > 10);
  CHECK(deleted);
  CHECK(s.missed_hooks == 0);
  CHECK(s.keys == cut_keys);
  check_replays_to(h, path, cut, cut_keys);

  /* An abort with a record open resumes the hashtable's rehashing. */
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(snapshot_start_writer(st, fd, &aof_base_writer, 0, 0, 1 << 16) == 0);
  while (snapshot_get_stats(st).pieces == 0 && snapshot_step(st, 200) == 0) {}
  snapshot_abort(st);
  close(fd);
  st_entry *he = (st_entry *)dict_find(&st->dbs[0].keys, "bighash", 7);
  st_entry *se = (st_entry *)dict_find(&st->dbs[0].keys, "bigset", 6);
  CHECK(he != NULL && hash_ht_dict(he->val)->pause == 0);
  CHECK(se != NULL && set_ht_dict(se->val)->pause == 0);
  st_client_free(c);
  st_destroy(st);
  unlink(path);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  snprintf(dir, sizeof dir, "%s", check_dir);
  exact_bytes(h);
  every_type(h);
  write_during_base(h);
  big_collections_in_pieces(h);
  tm_heap_destroy(h);
  return check_done("aof_base_test");
}
