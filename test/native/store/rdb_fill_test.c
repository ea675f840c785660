/* rdb_fill_test.c - the loader's helper thread (rdb_fill.h): fills and the CRC match doing the
 * work inline, with and without the thread and past the ring's capacity; a file of many strings
 * (raw, LZF, short, with TTLs, one already expired) loads to exactly its contents; and a corrupt
 * LZF value written by the thread is still reported with its byte offset, ahead of a later
 * truncation or the checksum, as is a duplicate key whose value goes through the thread. */
#include <stdlib.h>
#include <time.h>

#include "cmdtest.h"
#include "crc64.h"
#include "lzf.h"
#include "rdb.h"
#include "rdb_fill.h"

/* ------------------------------------------------------------------------------ a file builder */

typedef struct buf {
  unsigned char *p;
  size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
}

static void put_byte(buf *b, unsigned v) {
  unsigned char c = (unsigned char)v;
  put(b, &c, 1);
}

static void put_len(buf *b, uint64_t n) {
  if (n < 64) {
    put_byte(b, (unsigned)n);
  } else if (n < 16384) {
    put_byte(b, 0x40 | (unsigned)(n >> 8));
    put_byte(b, (unsigned)(n & 0xff));
  } else {
    put_byte(b, 0x80);
    for (int i = 3; i >= 0; i--) put_byte(b, (unsigned)(n >> (8 * i)) & 0xff);
  }
}

static void put_raw_string(buf *b, const void *p, size_t n) {
  put_len(b, n);
  put(b, p, n);
}

/* An LZF string; returns the offset of its compressed bytes. */
static size_t put_lzf_string(buf *b, const void *p, size_t n) {
  unsigned char *c = malloc(n + 64);
  size_t cl = lzf_compress(p, n, c, n + 64);
  CHECK(cl > 0);
  put_byte(b, 0xC3);
  put_len(b, cl);
  put_len(b, n);
  size_t at = b->len;
  put(b, c, cl);
  free(c);
  return at;
}

static void put_header(buf *b) {
  put(b, "REDIS0010", 9);
  put_byte(b, RDB_OPCODE_SELECTDB);
  put_len(b, 0);
}

static void put_eof(buf *b) {
  put_byte(b, RDB_OPCODE_EOF);
  uint64_t crc = crc64(0, b->p, b->len);
  for (int i = 0; i < 8; i++) put_byte(b, (unsigned)(crc >> (8 * i)) & 0xff);
}

static void write_file(const char *path, const buf *b, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL && fwrite(b->p, 1, len, f) == len);
  fclose(f);
}

static int load_from(st_store *st, const char *path, char *err, size_t errlen) {
  rdb_loader *l = malloc(sizeof *l);
  int e, r = rdb_loader_open(l, st, path, &e);
  CHECK(r != 0 || l->fill != NULL); /* the thread runs in these loads */
  while (r == 0) r = rdb_loader_step(l, 2000);
  if (r < 0) snprintf(err, errlen, "%s", l->error);
  rdb_loader_close(l);
  free(l);
  return r == 1 ? 0 : -1;
}

/* ------------------------------------------------------------------------------ the values */

enum { KEYS = 6000 };

static uint32_t rng = 12345;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* Key i's value: incompressible (raw in the file), repetitive (LZF), or short. */
static size_t value_of(int i, unsigned char *v) {
  switch (i % 4) {
    case 0: {
      size_t n = 21 + (size_t)(i * 37) % 3000;
      for (size_t k = 0; k < n; k++) v[k] = (unsigned char)next_rand();
      return n;
    }
    case 1: {
      size_t n = 30 + (size_t)(i * 13) % 2000;
      for (size_t k = 0; k < n; k++) v[k] = (unsigned char)('a' + (k / 7 + (size_t)i) % 5);
      return n;
    }
    case 2: return (size_t)snprintf((char *)v, 64, "%d", i * 7);
    default: return (size_t)snprintf((char *)v, 64, "short-%d", i); /* <= 20 bytes: inline */
  }
}

/* ------------------------------------------------------------------------------ tests */

static void fill_api(void) {
  enum { N = 10000, SRC = 1 << 20 };
  unsigned char *src = malloc(SRC);
  for (size_t k = 0; k < SRC; k++) src[k] = (unsigned char)(k % 251 < 100 ? 'x' : next_rand());
  /* Jobs over the source: copies, and LZF streams appended after the first half. */
  unsigned char *file = malloc(SRC * 2);
  memcpy(file, src, SRC);
  size_t at = SRC;
  size_t *off = malloc(N * sizeof *off), *clen = malloc(N * sizeof *clen);
  uint32_t *ulen = malloc(N * sizeof *ulen);
  for (int i = 0; i < N; i++) {
    ulen[i] = 21 + (uint32_t)(next_rand() % 400);
    size_t from = next_rand() % (SRC - 500);
    if (i % 2) {
      off[i] = from;
      clen[i] = 0;
    } else {
      clen[i] = lzf_compress(src + from, ulen[i], file + at, ulen[i] + 16);
      CHECK(clen[i] > 0);
      off[i] = at;
      at += clen[i];
    }
  }
  for (int sync = 0; sync <= 1; sync++) {
    rdb_fill *f = rdb_fill_start(file, at, sync);
    CHECK(f != NULL);
    unsigned char **dst = malloc(N * sizeof *dst);
    for (int i = 0; i < N; i++) {
      dst[i] = malloc(ulen[i]);
      if (clen[i] == 0)
        rdb_fill_copy(f, dst[i], off[i], ulen[i]);
      else
        rdb_fill_lzf(f, dst[i], off[i], clen[i], ulen[i]);
      if (i == N / 2) rdb_fill_crc_to(f, 777777);
    }
    rdb_fill_crc_to(f, at);
    uint64_t crc;
    size_t err_off = 0;
    CHECK(rdb_fill_drain(f, &crc, &err_off) == 0);
    CHECK(crc == crc64(0, file, at));
    int same = 0;
    for (int i = 0; i < N; i++) {
      if (clen[i] == 0)
        same += memcmp(dst[i], file + off[i], ulen[i]) == 0;
      else {
        unsigned char tmp[512];
        same += lzf_decompress(file + off[i], clen[i], tmp, sizeof tmp) == ulen[i] &&
                memcmp(dst[i], tmp, ulen[i]) == 0;
      }
      free(dst[i]);
    }
    CHECK(same == N);
    /* Two bad streams (a back-reference before the start): the first offset is reported. */
    unsigned char bad[64] = { 0xE0, 0x10, 0x00 }, out[64];
    memcpy(file + at, bad, sizeof bad);
    rdb_fill_lzf(f, out, at + 1, 3, 40);
    rdb_fill_lzf(f, out, at, 3, 40);
    rdb_fill_copy(f, out, 0, 40);
    CHECK(rdb_fill_drain(f, &crc, &err_off) == -1);
    CHECK(err_off == at);
    rdb_fill_stop(f);
    free(dst);
  }
  free(off);
  free(clen);
  free(ulen);
  free(file);
  free(src);
}

static void load_many_strings(tm_heap *h, const char *dir) {
  char path[300];
  snprintf(path, sizeof path, "%s/strings.rdb", dir);
  buf b = { 0 };
  rng = 12345;
  put_header(&b);
  put_byte(&b, RDB_OPCODE_RESIZEDB);
  put_len(&b, KEYS);
  put_len(&b, KEYS / 10);
  static unsigned char v[4096];
  size_t lzf_at = 0, rec100 = 0;
  for (int i = 0; i < KEYS; i++) {
    if (i % 10 == 0) {
      put_byte(&b, RDB_OPCODE_EXPIRETIME_MS);
      /* key 10 expired long ago (dropped), the others in a day */
      uint64_t when = i == 10 ? 1000 : (uint64_t)time(NULL) * 1000 + 86400000;
      for (int k = 0; k < 8; k++) put_byte(&b, (unsigned)(when >> (8 * k)) & 0xff);
    }
    if (i == KEYS - 100) rec100 = b.len;
    put_byte(&b, RDB_TYPE_STRING);
    char key[32];
    put_raw_string(&b, key, (size_t)snprintf(key, sizeof key, "key:%06d", i));
    size_t n = value_of(i, v);
    if (i % 4 == 1) {
      size_t at = put_lzf_string(&b, v, n);
      if (i == KEYS - 99) lzf_at = at; /* the LZF value of the record after rec100's */
    } else {
      put_raw_string(&b, v, n);
    }
  }
  /* LZF values at and under 21 bytes take the inline path; check they agree. */
  put_byte(&b, RDB_TYPE_STRING);
  put_raw_string(&b, "tiny-lzf", 8);
  put_lzf_string(&b, "aaaaaaaaaaaaaaaaaaaa", 20);
  put_eof(&b);
  write_file(path, &b, b.len);

  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  char err[512] = "";
  CHECK(load_from(st, path, err, sizeof err) == 0);
  if (err[0]) fprintf(stderr, "  load: %s\n", err);
  rng = 12345;
  int good = 0, ttl = 0;
  for (int i = 0; i < KEYS; i++) {
    char key[32], want[5000];
    snprintf(key, sizeof key, "key:%06d", i);
    size_t n = value_of(i, v);
    const char *r = exec(c, "GET", key, NULL);
    if (i == 10) {
      CHECK(strcmp(r, "$-1\r\n") == 0);
      continue;
    }
    int hl = snprintf(want, sizeof want, "$%zu\r\n", n);
    memcpy(want + hl, v, n);
    memcpy(want + hl + n, "\r\n", 2);
    good += memcmp(r, want, (size_t)hl + n + 2) == 0;
    if (i % 10 == 0) {
      long long ms = atoll(exec(c, "PTTL", key, NULL) + 1);
      ttl += ms > 86000000 && ms <= 86400000;
    }
  }
  CHECK(good == KEYS - 1);
  CHECK(ttl == KEYS / 10 - 1);
  CHECK(strcmp(exec(c, "GET", "tiny-lzf", NULL), "$20\r\naaaaaaaaaaaaaaaaaaaa\r\n") == 0);
  CHECK(strcmp(exec(c, "DBSIZE", NULL), ":6000\r\n") == 0); /* KEYS - 1 expired + tiny-lzf */
  st_client_free(c);
  st_destroy(st);

  /* A corrupt LZF value near the end: named at its offset, not as the checksum. */
  char bad[300], want[400];
  snprintf(bad, sizeof bad, "%s/bad.rdb", dir);
  CHECK(lzf_at > 0);
  unsigned char saved = b.p[lzf_at];
  b.p[lzf_at] = 0xE0;
  snprintf(want, sizeof want, "%s: invalid RDB file at byte %zu: invalid LZF data", bad, lzf_at);
  write_file(bad, &b, b.len);
  st = st_create(h, NULL);
  CHECK(load_from(st, bad, err, sizeof err) == -1);
  CHECK(strcmp(err, want) == 0);
  if (strcmp(err, want) != 0) fprintf(stderr, "  got %s\n  want %s\n", err, want);
  st_destroy(st);
  /* ... and ahead of a truncation after it. */
  write_file(bad, &b, b.len - 40);
  st = st_create(h, NULL);
  CHECK(load_from(st, bad, err, sizeof err) == -1);
  CHECK(strcmp(err, want) == 0);
  st_destroy(st);
  b.p[lzf_at] = saved;

  /* A flipped byte inside a raw value the thread copies: the checksum, at the checksum. */
  b.p[rec100 + 20] ^= 0x5a;
  write_file(bad, &b, b.len);
  st = st_create(h, NULL);
  CHECK(load_from(st, bad, err, sizeof err) == -1);
  snprintf(want, sizeof want,
           "%s: invalid RDB file at byte %zu: wrong checksum (the file is corrupt)", bad,
           b.len - 8);
  CHECK(strcmp(err, want) == 0);
  if (strcmp(err, want) != 0) fprintf(stderr, "  got %s\n  want %s\n", err, want);
  st_destroy(st);
  free(b.p);
}

static void duplicate_key(tm_heap *h, const char *dir) {
  char path[300], want[400], err[512] = "";
  snprintf(path, sizeof path, "%s/dup.rdb", dir);
  buf b = { 0 };
  put_header(&b);
  static const char long_value[] = "a value longer than twenty bytes";
  put_byte(&b, RDB_TYPE_STRING);
  put_raw_string(&b, "k", 1);
  put_raw_string(&b, long_value, sizeof long_value - 1);
  put_byte(&b, RDB_TYPE_STRING);
  size_t second = b.len;
  put_raw_string(&b, "k", 1);
  put_raw_string(&b, long_value, sizeof long_value - 1);
  put_eof(&b);
  write_file(path, &b, b.len);
  st_store *st = st_create(h, NULL);
  CHECK(load_from(st, path, err, sizeof err) == -1);
  snprintf(want, sizeof want, "%s: invalid RDB file at byte %zu: duplicate key", path, second);
  CHECK(strcmp(err, want) == 0);
  if (strcmp(err, want) != 0) fprintf(stderr, "  got %s\n  want %s\n", err, want);
  st_destroy(st);
  free(b.p);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  char dir[256];
  snprintf(dir, sizeof dir, "%s", check_dir);
  fill_api();
  load_many_strings(h, dir);
  duplicate_key(h, dir);
  char path[300];
  const char *files[] = { "strings.rdb", "bad.rdb", "dup.rdb" };
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  tm_heap_destroy(h);
  return check_done("rdb_fill_test");
}
