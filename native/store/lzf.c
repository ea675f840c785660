/* lzf.c - LZF compression and decompression (the format is described in lzf.h). The
 * compressor is a greedy matcher over a hash of the next three bytes, like liblzf's; the
 * output need not be byte-identical to Redis's, only valid LZF. */
#include "lzf.h"

#include <stdint.h>
#include <string.h>

#define HASH_BITS 14
#define MAX_OFF (1u << 13)
#define MAX_REF (264u)
#define MAX_LIT 32u

static inline uint32_t hash3(const unsigned char *p, unsigned bits) {
  uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
  return (v * 2654435761u) >> (32 - bits);
}

size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_len) {
  const unsigned char *ip = in, *const end = ip + in_len;
  unsigned char *op = out, *const oend = op + out_len;
  if (in_len == 0 || out_len == 0 || in_len >= UINT32_MAX) return 0;
  /* The match table (input offset + 1, 0 = empty) is cleared on every call, so it is sized to
   * the input: a full table per 1 KiB value cost more to clear than the compression itself. */
  unsigned bits = 8;
  while (bits < HASH_BITS && (1u << bits) < 2 * in_len) bits++;
  uint32_t htab[1u << HASH_BITS];
  memset(htab, 0, sizeof(uint32_t) << bits);
  const unsigned char *const start = ip;
  unsigned char *ctrl = op++; /* control byte of the literal run being built */
  unsigned lit = 0;
  while (ip + 2 < end) {
    uint32_t h = hash3(ip, bits);
    const unsigned char *ref = htab[h] ? start + htab[h] - 1 : NULL;
    htab[h] = (uint32_t)(ip - start) + 1;
    size_t off = ref ? (size_t)(ip - ref - 1) : MAX_OFF;
    if (ref != NULL && off < MAX_OFF && ref[0] == ip[0] && ref[1] == ip[1] && ref[2] == ip[2]) {
      size_t max = (size_t)(end - ip) < MAX_REF ? (size_t)(end - ip) : MAX_REF;
      size_t len = 3;
      while (len < max && ref[len] == ip[len]) len++;
      /* Close the literal run (or take back its unused control byte). */
      if (lit)
        *ctrl = (unsigned char)(lit - 1);
      else
        op--;
      size_t l = len - 2;
      if (op + (l < 7 ? 2 : 3) + 1 > oend) return 0;
      if (l < 7) {
        *op++ = (unsigned char)((l << 5) | (off >> 8));
      } else {
        *op++ = (unsigned char)((7u << 5) | (off >> 8));
        *op++ = (unsigned char)(l - 7);
      }
      *op++ = (unsigned char)(off & 0xff);
      ip += len;
      if (ip + 2 < end) htab[hash3(ip - 1, bits)] = (uint32_t)(ip - 1 - start) + 1;
      lit = 0;
      ctrl = op++;
      continue;
    }
    if (op >= oend) return 0;
    *op++ = *ip++;
    if (++lit == MAX_LIT) {
      *ctrl = (unsigned char)(lit - 1);
      lit = 0;
      if (op >= oend) return 0;
      ctrl = op++;
    }
  }
  while (ip < end) {
    if (op >= oend) return 0;
    *op++ = *ip++;
    if (++lit == MAX_LIT) {
      *ctrl = (unsigned char)(lit - 1);
      lit = 0;
      if (op >= oend) return 0;
      ctrl = op++;
    }
  }
  if (lit)
    *ctrl = (unsigned char)(lit - 1);
  else
    op--;
  return (size_t)(op - (unsigned char *)out);
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
