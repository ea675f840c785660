/* crc64.c - CRC-64/Jones as Redis computes it (see crc64.h), slice-by-16. */
#include "crc64.h"

#include <string.h>

#define POLY_REFLECTED 0x95ac9329ac4bc9b5ull

/* table[k][b]: the CRC contribution of byte b followed by k zero bytes, so 16 input bytes fold
 * into the running CRC with 16 independent lookups instead of 16 dependent steps. 32 KiB. */
static uint64_t table[16][256];

/* Built when the library is loaded, so a call pays no once-check (the RDB writer calls this per
 * flushed buffer, the loader per chunk). */
__attribute__((constructor)) static void build(void) {
  for (unsigned i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY_REFLECTED : c >> 1;
    table[0][i] = c;
  }
  for (unsigned i = 0; i < 256; i++)
    for (int t = 1; t < 16; t++)
      table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static inline uint64_t load_le64(const unsigned char *p) {
  uint64_t w;
  memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

#define B(w, i) (((w) >> (8 * (i))) & 0xff)

uint64_t crc64(uint64_t crc, const void *data, size_t len) {
  const unsigned char *p = data;
  while (len >= 16) {
    uint64_t a = load_le64(p) ^ crc, b = load_le64(p + 8);
    crc = table[15][B(a, 0)] ^ table[14][B(a, 1)] ^ table[13][B(a, 2)] ^ table[12][B(a, 3)] ^
          table[11][B(a, 4)] ^ table[10][B(a, 5)] ^ table[9][B(a, 6)] ^ table[8][B(a, 7)] ^
          table[7][B(b, 0)] ^ table[6][B(b, 1)] ^ table[5][B(b, 2)] ^ table[4][B(b, 3)] ^
          table[3][B(b, 4)] ^ table[2][B(b, 5)] ^ table[1][B(b, 6)] ^ table[0][B(b, 7)];
    p += 16;
    len -= 16;
  }
  while (len--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}
