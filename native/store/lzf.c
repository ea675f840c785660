/* lzf.c - LZF compression and decompression (the format is described in lzf.h). The
 * compressor is liblzf 3.6's as Redis 7.0.15 builds it (HLOG 16, VERY_FAST, no table
 * initialisation), so that DUMP payloads and RDB files are byte-identical to redis-server's:
 * the same hash of the next three bytes, the same greedy matches (never to offset 0, never
 * closer than two bytes to the end unless the unrolled comparison ran on), the same re-hash of
 * the two positions before the next one, and the same output-space checks (when the result
 * would not fit is when Redis stores the string raw). */
#include "lzf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HLOG 16
#define HSIZE (1u << HLOG)
#define MAX_LIT (1u << 5)
#define MAX_OFF (1u << 13)
#define MAX_REF ((1u << 8) + (1u << 3))

#define FRST(p) (((uint32_t)(p)[0] << 8) | (p)[1])
#define NEXT(v, p) (((v) << 8) | (p)[2])
#define IDX(h) ((((h) >> (3 * 8 - HLOG)) - (h)*5) & (HSIZE - 1))

/* The match table: each slot holds base + offset of the last input position with that hash.
 * liblzf leaves its table uninitialised and never matches offset 0; here a slot below the
 * current call's base (an earlier call's) reads as empty, so the table is cleared only when
 * the bases would wrap (every 4 GiB of input), not on every call. One per thread, allocated on
 * its first compression (256 KiB: too big for the static TLS block an addon may use) and freed
 * when the thread exits. */
static _Thread_local uint32_t *tls_table;
static _Thread_local uint32_t next_base;
static pthread_key_t htab_key;
static pthread_once_t htab_once = PTHREAD_ONCE_INIT;
static int htab_key_ok;

static void htab_key_init(void) { htab_key_ok = pthread_key_create(&htab_key, free) == 0; }

static uint32_t *table(void) {
  if (tls_table != NULL) return tls_table;
  pthread_once(&htab_once, htab_key_init);
  if (!htab_key_ok) return NULL;
  uint32_t *t = calloc(HSIZE, sizeof *t);
  if (t == NULL || pthread_setspecific(htab_key, t) != 0) {
    free(t);
    return NULL;
  }
  next_base = 1;
  return tls_table = t;
}

/* The first len' >= len with len' == maxlen or in[ref + len'] != in[ip + len'] (liblzf's
 * byte loop), 8 bytes at a time: long matches (runs of one byte, repeated values) are most of
 * the work on compressible input. */
static inline size_t match_end(const unsigned char *in, size_t ref, size_t ip, size_t len,
                               size_t maxlen) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (len + 8 <= maxlen) {
    uint64_t a, b;
    memcpy(&a, in + ref + len, 8);
    memcpy(&b, in + ip + len, 8);
    if (a != b) return len + (size_t)__builtin_ctzll(a ^ b) / 8;
    len += 8;
  }
#endif
  while (len < maxlen && in[ref + len] == in[ip + len]) len++;
  return len;
}

/* The compressor. probe_at: 0, or an output length at which the input is taken for
 * incompressible, and 0 returned, if no back-reference was found so far, or (over a head of at
 * least LZF_PROBE_NET bytes, where chance 3-byte repeats in random data become likely) if the
 * output is no shorter than the input read. The check rides on the literal path's out-of-space
 * test (the limit is lowered to probe_at until it passes), so it costs nothing per literal byte
 * and changes no output byte. */
static inline size_t compress(const void *in_data, size_t in_len, void *out_data, size_t out_len,
                              size_t probe_at) {
  const unsigned char *const in = in_data;
  unsigned char *const out = out_data;
  if (in_len == 0 || out_len == 0 || in_len >= UINT32_MAX / 2) return 0;
  uint32_t *const htab = table();
  if (htab == NULL) return 0; /* no table: stored raw */
  if ((uint64_t)next_base + in_len >= UINT32_MAX) {
    memset(htab, 0, HSIZE * sizeof *htab);
    next_base = 1;
  }
  const uint32_t base = next_base;
  next_base += (uint32_t)in_len;

  size_t ip = 0, op = 1; /* op: past the control byte of the literal run being built */
  size_t lit_limit = probe_at > 0 && probe_at < out_len ? probe_at : out_len;
  int matched = 0;
  unsigned lit = 0;
  uint32_t hval = in_len >= 2 ? FRST(in) : 0;
  while (ip + 2 < in_len) {
    hval = NEXT(hval, in + ip);
    uint32_t *slot = &htab[IDX(hval)];
    uint32_t stored = *slot;
    *slot = base + (uint32_t)ip;
    size_t ref = stored > base ? stored - base : 0;
    size_t off = ip - ref - 1;
    if (ref > 0 && off < MAX_OFF && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] &&
        in[ref + 1] == in[ip + 1]) {
      size_t len = 2;
      size_t maxlen = in_len - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= out_len && op - !lit + 3 + 1 >= out_len) return 0;
      out[op - lit - 1] = (unsigned char)(lit - 1); /* close the run (or take it back) */
      op -= !lit;
      int differed = 0;
      if (maxlen > 16) /* liblzf compares 16 more bytes unrolled, without the maxlen bound */
        for (int k = 0; k < 16 && !differed; k++) {
          len++;
          differed = in[ref + len] != in[ip + len];
        }
      if (!differed) len = match_end(in, ref, ip, len + 1, maxlen);
      len -= 2; /* octets - 2 */
      ip++;
      if (len < 7) {
        out[op++] = (unsigned char)((off >> 8) + (len << 5));
      } else {
        out[op++] = (unsigned char)((off >> 8) + (7u << 5));
        out[op++] = (unsigned char)(len - 7);
      }
      out[op++] = (unsigned char)off;
      lit = 0;
      op++;
      matched = 1;
      ip += len + 1;
      if (ip + 2 >= in_len) break;
      ip -= 2;
      hval = FRST(in + ip);
      hval = NEXT(hval, in + ip);
      htab[IDX(hval)] = base + (uint32_t)ip;
      ip++;
      hval = NEXT(hval, in + ip);
      htab[IDX(hval)] = base + (uint32_t)ip;
      ip++;
      continue;
    }
    if (op >= lit_limit) {
      if (op >= out_len || !matched || (probe_at >= LZF_PROBE_NET && ip <= op)) return 0;
      lit_limit = out_len; /* the probe passed: compress to the end */
    }
    lit++;
    out[op++] = in[ip++];
    if (lit == MAX_LIT) {
      out[op - lit - 1] = (unsigned char)(lit - 1);
      lit = 0;
      op++;
    }
  }
  if (op + 3 > out_len) return 0; /* at most 3 bytes can be missing here */
  while (ip < in_len) {
    lit++;
    out[op++] = in[ip++];
    if (lit == MAX_LIT) {
      out[op - lit - 1] = (unsigned char)(lit - 1);
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = (unsigned char)(lit - 1);
  op -= !lit;
  return op;
}

size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_len) {
  return compress(in, in_len, out, out_len, 0);
}

size_t lzf_compress_probed(const void *in, size_t in_len, void *out, size_t out_len) {
  size_t probe_at = in_len / LZF_PROBE_SHARE;
  if (probe_at < LZF_PROBE_MIN) probe_at = LZF_PROBE_MIN;
  return compress(in, in_len, out, out_len, probe_at);
}

size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_len) {
  const unsigned char *ip = in, *const end = ip + in_len;
  unsigned char *op = out, *const oend = op + out_len;
  while (ip < end) {
    unsigned c = *ip++;
    if (c < 32) {
      size_t run = c + 1;
      if ((size_t)(end - ip) < run || (size_t)(oend - op) < run) return 0;
      memcpy(op, ip, run);
      op += run;
      ip += run;
      continue;
    }
    size_t len = c >> 5;
    if (len == 7) {
      if (ip >= end) return 0;
      len += *ip++;
    }
    if (ip >= end) return 0;
    size_t back = ((size_t)(c & 31) << 8) + *ip++ + 1;
    len += 2;
    if ((size_t)(op - (unsigned char *)out) < back || (size_t)(oend - op) < len) return 0;
    const unsigned char *ref = op - back;
    if (back == 1) {
      memset(op, *ref, len); /* a run of one byte */
    } else {
      /* The back-reference may overlap what it produces (a repeating pattern): copy it in
       * chunks that never overlap, each as long as all that is already there. */
      for (size_t done = 0; done < len;) {
        size_t n = (size_t)(op + done - ref);
        if (n > len - done) n = len - done;
        memcpy(op + done, ref, n);
        done += n;
      }
    }
    op += len;
  }
  return (size_t)(op - (unsigned char *)out);
}
