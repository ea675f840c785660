/* rdb_encode_test.c - the RDB writer's cheap paths: crc64 (slice-by-16) against a bit-at-a-time
 * reference over random lengths, alignments and splits; lzf_compress_probed giving the exact
 * bytes of lzf_compress or giving up, and giving up only where documented; the writer's CRC,
 * summed per flushed buffer, against the file's bytes; DUMP keeping Redis's compress-or-not
 * choice where the save path writes the value raw. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdtest.h"
#include "crc64.h"
#include "dict.h"
#include "lzf.h"
#include "rdb.h"
#include "snapshot.h"

/* CRC-64/Jones from its definition: reflected, one bit at a time, no tables. */
static uint64_t crc_bitwise(uint64_t crc, const unsigned char *p, size_t n) {
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ull : crc >> 1;
  }
  return crc;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void crc_against_reference(void) {
  CHECK(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caull);
  CHECK(crc_bitwise(0, (const unsigned char *)"123456789", 9) == 0xe9c6d914c4b8d9caull);
  static unsigned char buf[5000 + 16];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)next_rand();
  int bad = 0;
  for (int round = 0; round < 3000; round++) {
    size_t align = (size_t)(next_rand() % 16);
    size_t n = round < 64 ? (size_t)round : (size_t)(next_rand() % 5000);
    uint64_t seed = round % 3 == 0 ? 0 : next_rand();
    const unsigned char *p = buf + align;
    uint64_t want = crc_bitwise(seed, p, n);
    if (crc64(seed, p, n) != want) bad++;
    /* Running use, split anywhere (pieces shorter and longer than a 16-byte block). */
    size_t cut = n ? (size_t)(next_rand() % (n + 1)) : 0;
    if (crc64(crc64(seed, p, cut), p + cut, n - cut) != want) bad++;
  }
  CHECK(bad == 0);
}

/* Input classes for the compressor, each n bytes into v. */
static void make_input(unsigned char *v, size_t n, int kind) {
  for (size_t i = 0; i < n; i++) {
    uint64_t r = next_rand();
    switch (kind) {
      case 0: v[i] = (unsigned char)r; break;                /* random bytes */
      case 1: v[i] = (unsigned char)('0' + (r & 63)); break; /* redis-benchmark's payload */
      case 2: v[i] = 'v'; break;                             /* one repeated byte */
      case 3: v[i] = (unsigned char)"abcde"[r % 5]; break;   /* small alphabet */
      case 4: v[i] = i >= 16 && r % 8 ? v[i - 16] : (unsigned char)r; break; /* repeats */
      default: v[i] = i < n / 2 ? (unsigned char)r : (unsigned char)'x';     /* random head */
    }
  }
}

static void probed_is_exact_or_gives_up(void) {
  static unsigned char in[70000], exact[70000], probed[70000];
  int differ = 0, gave_up_compressible[6] = { 0 }, compressed[6] = { 0 }, rounds[6] = { 0 };
  for (int round = 0; round < 600; round++) {
    int kind = round % 6;
    size_t n = round < 240 ? 21 + (size_t)round * 9 : 21 + (size_t)(next_rand() % 69000);
    make_input(in, n, kind);
    /* As the RDB writer calls it: worth it only when at least 4 bytes are saved. */
    size_t a = lzf_compress(in, n, exact, n - 4);
    memset(probed, 0xAA, n);
    size_t b = lzf_compress_probed(in, n, probed, n - 4);
    if (b != 0 && (b != a || memcmp(exact, probed, a) != 0)) differ++;
    if (n < 256) continue; /* below, whether a few bytes compress is chance */
    rounds[kind]++;
    if (a > 0) compressed[kind]++;
    if (a > 0 && b == 0) gave_up_compressible[kind]++;
  }
  CHECK(differ == 0);
  /* Random bytes and redis-benchmark's payload never compress; a repeated byte, a small
   * alphabet and repeats always do, and the probe never gives up on them. */
  CHECK(compressed[0] == 0 && compressed[1] == 0);
  for (int k = 2; k <= 4; k++) {
    CHECK(compressed[k] == rounds[k] && gave_up_compressible[k] == 0);
  }
  /* The documented cost: a random first half, then compressible, is written raw. */
  CHECK(compressed[5] == rounds[5] && gave_up_compressible[5] == rounds[5]);
  /* The boundary: the probe looks at max(128, n / 8) output bytes, so a random head shorter
   * than that (and no longer than the first eighth) still compresses, identically. */
  make_input(in, 1024, 2);
  for (size_t i = 0; i < 100; i++) in[i] = (unsigned char)next_rand();
  size_t a = lzf_compress(in, 1024, exact, 1020), b = lzf_compress_probed(in, 1024, probed, 1020);
  CHECK(a > 0 && b == a && memcmp(exact, probed, a) == 0);
  /* Short strings (the probe's floor is 128 bytes): the same as lzf_compress. */
  make_input(in, 40, 0);
  memset(in + 20, 'q', 20);
  a = lzf_compress(in, 40, exact, 36);
  b = lzf_compress_probed(in, 40, probed, 36);
  CHECK(a == b && memcmp(exact, probed, a) == 0);
}

/* The value of redis-server's DUMP checked below: 256 bytes of a 64-bit LCG (seed 9, byte =
 * (x >> 33) % 256), then 768 'v'. */
static void lcg_head_value(unsigned char *v) {
  uint64_t x = 9;
  for (size_t j = 0; j < 1024; j++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    v[j] = j < 256 ? (unsigned char)((x >> 33) % 256) : 'v';
  }
}

static int load_from(st_store *st, const char *path) {
  rdb_loader *l = malloc(sizeof *l);
  int e, r = rdb_loader_open(l, st, path, &e);
  while (r == 0) r = rdb_loader_step(l, 1000);
  if (r < 0) fprintf(stderr, "  load: %s\n", l->error);
  rdb_loader_close(l);
  free(l);
  return r == 1 ? 0 : -1;
}

static unsigned char *read_file(const char *path, size_t *size) {
  struct stat sb;
  if (stat(path, &sb) != 0) return NULL;
  *size = (size_t)sb.st_size;
  unsigned char *b = malloc(*size ? *size : 1);
  FILE *f = fopen(path, "rb");
  if (f == NULL || fread(b, 1, *size, f) != *size) *size = 0;
  if (f) fclose(f);
  return b;
}

static void scan_run_is_dict_scan(st_client *c, dict *d);

/* DUMP must equal redis-server 7.0.15's (LZF, 294 bytes); the snapshot writes the same value
 * raw (its first eighth is incompressible) and the file still loads it. Then many flushes:
 * the trailer's CRC, summed per buffer, is the CRC of the file's bytes. */
static void dump_exact_save_probed(tm_heap *h) {
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  static unsigned char v[1024];
  lcg_head_value(v);
  const char *argv[] = { "SET", "s", (const char *)v };
  size_t lens[] = { 3, 1, sizeof v };
  CHECK(strcmp(exec_argv(c, 3, argv, lens), "+OK\r\n") == 0);
  const char *r = exec(c, "DUMP", "s", NULL);
  size_t len = strtoul(r + 1, NULL, 10);
  const unsigned char *p = (const unsigned char *)strchr(r, '\n') + 1;
  uint64_t crc = 0;
  for (int k = 0; k < 8 && len >= 8; k++) crc |= (uint64_t)p[len - 8 + k] << (8 * k);
  CHECK(len == 294 && crc == 0x945792085ae30bbaull);

  /* Enough values that the file is written in many 1 MiB buffers (flush_at), each
   * checksummed when flushed: half random, half compressible. */
  char k[32];
  static unsigned char last[1024];
  for (int i = 0; i < 3000; i++) {
    make_input(v, sizeof v, i % 2 ? 0 : 4);
    memcpy(last, v, sizeof v);
    snprintf(k, sizeof k, "k%d", i);
    const char *av[] = { "SET", k, (const char *)v };
    size_t al[] = { 3, strlen(k), sizeof v };
    exec_argv(c, 3, av, al);
  }
  char path[300];
  snprintf(path, sizeof path, "%s/encode.rdb", check_dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  int rr = snapshot_start(st, fd, 1, 1, 1 << 20);
  while (rr == 0) rr = snapshot_step(st, 100);
  close(fd);
  CHECK(rr == 1);
  size_t size = 0;
  unsigned char *file = read_file(path, &size);
  CHECK(size > 2u << 20);
  uint64_t trailer = 0;
  for (int i = 0; i < 8 && size >= 8; i++) trailer |= (uint64_t)file[size - 8 + i] << (8 * i);
  CHECK(size >= 8 && trailer == crc_bitwise(0, file, size - 8));
  /* "s" went raw: its 1024 bytes are in the file as they are. */
  lcg_head_value(v);
  CHECK(memmem(file, size, v, sizeof v) != NULL);
  free(file);
  st_store *st2 = st_create(h, NULL);
  st_client *c2 = st_client_new(st2);
  CHECK(load_from(st2, path) == 0);
  const char *got = exec(c2, "GET", "s", NULL);
  CHECK(strncmp(got, "$1024\r\n", 7) == 0 && memcmp(got + 7, v, sizeof v) == 0);
  CHECK_REPLY(c2, ":3001\r\n", "DBSIZE");
  scan_run_is_dict_scan(c2, &st2->dbs[0].keys);
  got = exec(c2, "GET", "k2999", NULL);
  CHECK(strncmp(got, "$1024\r\n", 7) == 0 && memcmp(got + 7, last, sizeof last) == 0);
  st_client_free(c2);
  st_destroy(st2);
  unlink(path);
  st_client_free(c);
  st_destroy(st);
}

typedef struct visit_log {
  const dict_node *seen[20000];
  size_t n;
  size_t stop_at; /* set stop once this many nodes were seen (0: never) */
  int stop;
  size_t aheads;
} visit_log;

static void log_visit(dict_node *n, void *arg) {
  visit_log *l = arg;
  if (l->n < sizeof l->seen / sizeof l->seen[0]) l->seen[l->n] = n;
  if (++l->n == l->stop_at) l->stop = 1;
}

static void log_ahead(dict_node *n, void *arg) {
  (void)n;
  ((visit_log *)arg)->aheads++;
}

/* dict_scan_run visits what successive dict_scan calls visit, in the same order, and returns
 * the cursor they would: stable and mid-rehash, any batch size, and stopping after the bucket
 * in which *stop was set. */
static void scan_run_is_dict_scan(st_client *c, dict *d) {
  static visit_log ref, got;
  char k[32];
  for (int round = 0; round < 2; round++) {
    if (round == 1) { /* grow the keyspace until a rehash is under way */
      for (int i = 0; i < 20000 && d->state != DICT_REHASHING; i++) {
        snprintf(k, sizeof k, "grow%d", i);
        exec(c, "SET", k, "x", NULL);
      }
      CHECK(d->state == DICT_REHASHING);
    }
    memset(&ref, 0, sizeof ref);
    uint64_t cur = 0, buckets = 0;
    do {
      cur = dict_scan(d, cur, log_visit, &ref);
      buckets++;
    } while (cur != 0);
    CHECK(ref.n >= dict_size(d) && ref.n <= sizeof ref.seen / sizeof ref.seen[0]);
    const unsigned batches[] = { 1, 3, 16, 1u << 30 };
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
      memset(&got, 0, sizeof got);
      cur = 0;
      do cur = dict_scan_run(d, cur, batches[b], NULL, log_visit, log_ahead, &got);
      while (cur != 0);
      CHECK(got.n == ref.n && memcmp(got.seen, ref.seen, ref.n * sizeof ref.seen[0]) == 0);
      CHECK(round == 1 || got.aheads > 0);
    }
    /* Stop after the bucket holding the 100th node: the cursor dict_scan returns there. */
    memset(&ref, 0, sizeof ref);
    ref.stop_at = 100;
    cur = 0;
    do cur = dict_scan(d, cur, log_visit, &ref);
    while (!ref.stop);
    memset(&got, 0, sizeof got);
    got.stop_at = 100;
    uint64_t run = dict_scan_run(d, 0, 1u << 30, &got.stop, log_visit, NULL, &got);
    CHECK(run == cur && got.n == ref.n && got.n >= 100);
  }
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  crc_against_reference();
  probed_is_exact_or_gives_up();
  dump_exact_save_probed(h);
  tm_heap_destroy(h);
  return check_done("rdb_encode_test");
}
