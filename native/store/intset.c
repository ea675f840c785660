/* intset.c - Redis's intset format over sm (see intset.h for the layout). */
#include "intset.h"

#include <string.h>

static inline uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void wr32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

uint32_t is_encoding(const unsigned char *is) { return rd32(is); }
uint32_t is_len(const unsigned char *is) { return rd32(is + 4); }
size_t is_bytes(const unsigned char *is) { return IS_HDR_SIZE + (size_t)rd32(is + 4) * rd32(is); }

/* Element access through memcpy (no alignment assumed); the stored order is little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE16(x) __builtin_bswap16(x)
#define LE32(x) __builtin_bswap32(x)
#define LE64(x) __builtin_bswap64(x)
#else
#define LE16(x) (x)
#define LE32(x) (x)
#define LE64(x) (x)
#endif

static inline int64_t get_w(const unsigned char *is, uint32_t i, uint32_t w) {
  const unsigned char *p = is + IS_HDR_SIZE + (size_t)i * w;
  if (w == 2) {
    uint16_t u;
    memcpy(&u, p, 2);
    return (int16_t)LE16(u);
  }
  if (w == 4) {
    uint32_t u;
    memcpy(&u, p, 4);
    return (int32_t)LE32(u);
  }
  uint64_t u;
  memcpy(&u, p, 8);
  return (int64_t)LE64(u);
}

static inline void set_w(unsigned char *is, uint32_t i, uint32_t w, int64_t v) {
  unsigned char *p = is + IS_HDR_SIZE + (size_t)i * w;
  if (w == 2) {
    uint16_t u = LE16((uint16_t)v);
    memcpy(p, &u, 2);
  } else if (w == 4) {
    uint32_t u = LE32((uint32_t)v);
    memcpy(p, &u, 4);
  } else {
    uint64_t u = LE64((uint64_t)v);
    memcpy(p, &u, 8);
  }
}

static inline uint32_t width_of(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

/* Binary search at a constant width (inlined per width): 1 and *pos = index if found, else 0
 * and *pos = where v would go. */
static inline int search_w(const unsigned char *is, uint32_t n, uint32_t w, int64_t v,
                           uint32_t *pos) {
  uint32_t lo = 0, hi = n;
  if (n && v > get_w(is, n - 1, w)) { /* appends of ascending ids are the common case */
    *pos = n;
    return 0;
  }
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int64_t x = get_w(is, mid, w);
    if (x < v)
      lo = mid + 1;
    else if (x > v)
      hi = mid;
    else {
      *pos = mid;
      return 1;
    }
  }
  *pos = lo;
  return 0;
}

static int search(const unsigned char *is, int64_t v, uint32_t *pos) {
  uint32_t w = is_encoding(is), n = is_len(is);
  if (width_of(v) > w) { /* cannot be a member; it would go at one end */
    *pos = v < 0 ? 0 : n;
    return 0;
  }
  switch (w) {
    case 2: return search_w(is, n, 2, v, pos);
    case 4: return search_w(is, n, 4, v, pos);
    default: return search_w(is, n, 8, v, pos);
  }
}

unsigned char *is_new(sm *m, unsigned owner, uint8_t *tier) {
  unsigned char *is = sm_alloc(m, owner, TM_CAT_DATA, IS_HDR_SIZE, tier);
  if (is == NULL) return NULL;
  wr32(is, 2);
  wr32(is + 4, 0);
  return is;
}

void is_free(sm *m, unsigned owner, unsigned char *is, uint8_t tier) {
  if (is != NULL) sm_free(m, owner, TM_CAT_DATA, is, is_bytes(is), tier);
}

/* Re-encode every member at width nw, widening in place from the back (each element's new slot
 * starts at or after its old one), leaving room for a new member at the front if shift. */
static void upgrade(unsigned char *is, uint32_t n, uint32_t ow, uint32_t nw, uint32_t shift) {
  for (uint32_t i = n; i-- > 0;) set_w(is, i + shift, nw, get_w(is, i, ow));
}

unsigned char *is_add(sm *m, unsigned owner, unsigned char *is, uint8_t *tier, int64_t v,
                      int *added) {
  uint32_t w = is_encoding(is), n = is_len(is), vw = width_of(v), pos;
  *added = 0;
  if (vw <= w && search(is, v, &pos)) return is;
  if (n == UINT32_MAX) return NULL;
  uint32_t nw = vw > w ? vw : w;
  size_t old = is_bytes(is), nsz = IS_HDR_SIZE + ((size_t)n + 1) * nw;
  unsigned char *r = sm_realloc(m, owner, TM_CAT_DATA, is, old, nsz, tier);
  if (r == NULL) return NULL;
  if (nw > w) {
    /* A value wider than every member is below all of them or above all of them. */
    pos = v < 0 ? 0 : n;
    upgrade(r, n, w, nw, v < 0);
    wr32(r, nw);
  } else {
    unsigned char *at = r + IS_HDR_SIZE + (size_t)pos * w;
    memmove(at + w, at, (size_t)(n - pos) * w);
  }
  set_w(r, pos, nw, v);
  wr32(r + 4, n + 1);
  *added = 1;
  return r;
}

unsigned char *is_remove(sm *m, unsigned owner, unsigned char *is, uint8_t *tier, int64_t v,
                         int *removed) {
  uint32_t w = is_encoding(is), n = is_len(is), pos;
  *removed = 0;
  if (!search(is, v, &pos)) return is;
  size_t old = is_bytes(is), nsz = old - w;
  unsigned char *at = is + IS_HDR_SIZE + (size_t)pos * w;
  size_t tail = (size_t)(n - pos - 1) * w;
  /* sm_realloc truncates only on success: close the gap first, undo it if refused. */
  unsigned char stash[8];
  memcpy(stash, at, w);
  memmove(at, at + w, tail);
  unsigned char *r = sm_realloc(m, owner, TM_CAT_DATA, is, old, nsz, tier);
  if (r == NULL) {
    memmove(at + w, at, tail);
    memcpy(at, stash, w);
    /* A refused down-move across the threshold: stay on the current tier instead. */
    uint8_t t;
    r = sm_alloc_on(m, owner, TM_CAT_DATA, nsz, (tm_tier)*tier, &t);
    if (r == NULL) return NULL;
    size_t head = IS_HDR_SIZE + (size_t)pos * w;
    memcpy(r, is, head);
    memcpy(r + head, is + head + w, tail);
    sm_free(m, owner, TM_CAT_DATA, is, old, *tier);
    *tier = t;
  }
  wr32(r + 4, n - 1);
  *removed = 1;
  return r;
}

int is_find(const unsigned char *is, int64_t v) {
  uint32_t pos;
  return search(is, v, &pos);
}

int is_get(const unsigned char *is, uint32_t pos, int64_t *v) {
  if (pos >= is_len(is)) return 0;
  *v = get_w(is, pos, is_encoding(is));
  return 1;
}

int64_t is_random(const unsigned char *is) {
  static __thread uint64_t state = 0x9E3779B97F4A7C15ull;
  state ^= state >> 12; /* xorshift64* */
  state ^= state << 25;
  state ^= state >> 27;
  uint64_t r = state * 0x2545F4914F6CDD1Dull;
  uint32_t n = is_len(is);
  return get_w(is, (uint32_t)((r >> 32) % n), is_encoding(is));
}

int is_validate(const unsigned char *buf, size_t size) {
  if (size < IS_HDR_SIZE) return 0;
  uint32_t w = rd32(buf), n = rd32(buf + 4);
  if (w != 2 && w != 4 && w != 8) return 0;
  if (n == 0 || IS_HDR_SIZE + (uint64_t)n * w != size) return 0;
  for (uint32_t i = 1; i < n; i++)
    if (get_w(buf, i, w) <= get_w(buf, i - 1, w)) return 0;
  return 1;
}
