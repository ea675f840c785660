/* rdbsave_bench.c - ns per 1 KiB value of the RDB writer's per-value work, the old crc64/LZF
 * (from git, symbols renamed old_*) against the new in the same binary: thread CPU time
 * (CLOCK_THREAD_CPUTIME_ID), best of N rounds, old and new interleaved in every round, so other
 * tenants of a shared machine inflate both alike.
 *
 * Values (a pool of 1024 distinct ones, 1 MiB, walked in order as a save walks its keys):
 *   compressible  'v' x 1024, what bench/persist loads;
 *   payload       redis-benchmark -d 1024's bytes ('0' + 6 random bits): not compressible;
 *   random        random bytes.
 * Per value: LZF as the RDB writer calls it (output bound n - 4: worth it only if it saves 4
 * bytes; old lzf_compress, new lzf_compress_probed), crc64 of 1 KiB, and the CRC of one record
 * as the writer feeds it (old: per piece of a record, 1 + 1 + 16 + 3 + 1024 bytes; new: once
 * over a 1 MiB buffer of records, as rdb_out_flush now does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc64.h"
#include "lzf.h"

uint64_t old_crc64(uint64_t crc, const void *data, size_t len);
size_t old_lzf_compress(const void *in, size_t in_len, void *out, size_t out_len);

#define VAL 1024
#define POOL 1024
#define PASSES 8 /* values per round: POOL x PASSES */

static unsigned char pool[3][POOL][VAL];
static unsigned char out[VAL + 64];
static unsigned char records[POOL * (VAL + 21)];
static volatile uint64_t sink;

static double cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

typedef enum { LZF_OLD, LZF_NEW, CRC_OLD, CRC_NEW, REC_OLD, REC_NEW } job;

/* ns per value of one job over the pool of one kind. */
static double run(job j, int kind) {
  uint64_t acc = 0;
  double t0 = cpu_ns();
  for (int pass = 0; pass < PASSES; pass++) {
    uint64_t crc = 0;
    for (int i = 0; i < POOL; i++) {
      const unsigned char *v = pool[kind][i];
      switch (j) {
        case LZF_OLD: acc += old_lzf_compress(v, VAL, out, VAL - 4); break;
        case LZF_NEW: acc += lzf_compress_probed(v, VAL, out, VAL - 4); break;
        case CRC_OLD: acc ^= old_crc64(0, v, VAL); break;
        case CRC_NEW: acc ^= crc64(0, v, VAL); break;
        case REC_OLD: {
          const unsigned char *r = records + (size_t)i * (VAL + 21);
          crc = old_crc64(crc, r, 1);
          crc = old_crc64(crc, r + 1, 1);
          crc = old_crc64(crc, r + 2, 16);
          crc = old_crc64(crc, r + 18, 3);
          crc = old_crc64(crc, r + 21, VAL);
          break;
        }
        case REC_NEW: break;
      }
    }
    if (j == REC_NEW) crc = crc64(crc, records, sizeof records);
    acc ^= crc;
  }
  double t = cpu_ns() - t0;
  sink = acc;
  return t / (POOL * PASSES);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 15;
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < POOL; i++)
    for (int k = 0; k < VAL; k++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      pool[0][i][k] = 'v';
      pool[1][i][k] = (unsigned char)('0' + (x & 63));
      pool[2][i][k] = (unsigned char)(x >> 24);
    }
  for (size_t i = 0; i < sizeof records; i++) records[i] = (unsigned char)(i * 2654435761u >> 13);
  /* Same answers first: identical output where the new path compresses, same CRCs. */
  static unsigned char a[VAL], b[VAL];
  for (int kind = 0; kind < 3; kind++)
    for (int i = 0; i < POOL; i++) {
      size_t n1 = old_lzf_compress(pool[kind][i], VAL, a, VAL - 4);
      size_t n2 = lzf_compress_probed(pool[kind][i], VAL, b, VAL - 4);
      if ((n2 && (n1 != n2 || memcmp(a, b, n1))) ||
          old_crc64(7, pool[kind][i], VAL) != crc64(7, pool[kind][i], VAL)) {
        fprintf(stderr, "outputs differ (kind %d, value %d)\n", kind, i);
        return 1;
      }
    }
  const char *kinds[] = { "compressible", "payload", "random" };
  double best[6][3];
  for (int j = 0; j < 6; j++)
    for (int k = 0; k < 3; k++) best[j][k] = 1e30;
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < 3; k++)
      for (int j = 0; j < 6; j++) {
        if (j >= CRC_OLD && k > 0) continue; /* the CRC does not depend on the bytes */
        double t = run((job)j, k);
        if (t < best[j][k]) best[j][k] = t;
      }
  FILE *la = fopen("/proc/loadavg", "r");
  char load[64] = "?";
  if (la) {
    if (fgets(load, sizeof load, la) == NULL) load[0] = '\0';
    fclose(la);
  }
  printf("ns per 1 KiB value, best of %d interleaved rounds (thread CPU time); loadavg %s", rounds,
         load);
  printf("%-26s %10s %10s %8s\n", "", "old", "new", "new/old");
  for (int k = 0; k < 3; k++)
    printf("lzf %-22s %10.1f %10.1f %8.3f\n", kinds[k], best[LZF_OLD][k], best[LZF_NEW][k],
           best[LZF_NEW][k] / best[LZF_OLD][k]);
  printf("%-26s %10.1f %10.1f %8.3f\n", "crc64 1 KiB", best[CRC_OLD][0], best[CRC_NEW][0],
         best[CRC_NEW][0] / best[CRC_OLD][0]);
  printf("%-26s %10.1f %10.1f %8.3f\n", "crc64 record (pieces/bulk)", best[REC_OLD][0],
         best[REC_NEW][0], best[REC_NEW][0] / best[REC_OLD][0]);
  return 0;
}
