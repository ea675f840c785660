/* listpack.c - Redis 7.0's listpack format over sm (see listpack.h for the layout). */
#include "listpack.h"

#include <string.h>

#define LP_EOF 0xFF
#define LP_MAX_HEAD 9 /* longest encoding + inline data: F4 + 8 bytes */

/* ------------------------------------------------------------------------------ bytes */

static inline uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void wr32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}
static inline uint32_t hdr_count(const unsigned char *lp) {
  return (uint32_t)lp[4] | (uint32_t)lp[5] << 8;
}
static inline void set_count(unsigned char *lp, uint32_t n) {
  lp[4] = (unsigned char)n;
  lp[5] = (unsigned char)(n >> 8);
}

size_t lp_bytes(const unsigned char *lp) { return rd32(lp); }

/* ------------------------------------------------------------------------------ entries */

/* Length of encoding + data of the (valid) entry at p. size_t: a 32-bit string length + 5. */
static inline size_t entry_len(const unsigned char *p) {
  unsigned b = p[0];
  if (b < 0x80) return 1;
  if (b < 0xC0) return 1 + (b & 0x3F);
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 2 + (((b & 0x0Fu) << 8) | p[1]);
  switch (b) {
    case 0xF0: return 5 + (size_t)rd32(p + 1);
    case 0xF1: return 3;
    case 0xF2: return 4;
    case 0xF3: return 5;
    default: return 9; /* 0xF4 */
  }
}

/* Redis's thresholds, '<' and not '<=' (16383 takes three bytes): byte compatibility. */
static inline unsigned backlen_size(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

static inline unsigned backlen_put(unsigned char *buf, uint64_t l) {
  unsigned n = backlen_size(l);
  for (unsigned i = n; i-- > 0; l >>= 7) buf[i] = (unsigned char)((l & 127) | (i ? 128 : 0));
  return n;
}

size_t lp_entry_bytes(const unsigned char *p) {
  size_t l = entry_len(p);
  return l + backlen_size(l);
}

/* ------------------------------------------------------------------------------ encoding */

/* An entry to write: head (encoding + inline int data or string length), the string bytes
 * (borrowed from the caller), then the backlen. */
typedef struct enc {
  unsigned char head[LP_MAX_HEAD];
  unsigned char back[5];
  unsigned hlen, blen;
  const unsigned char *s;
  uint32_t slen;
} enc;

static inline size_t enc_size(const enc *e) { return (size_t)e->hlen + e->slen + e->blen; }

static void enc_int(enc *e, int64_t v) {
  unsigned char *h = e->head;
  uint64_t u = (uint64_t)v; /* two's complement: the low bytes are the value modulo 2^width */
  if (v >= 0 && v <= 127) {
    h[0] = (unsigned char)v;
    e->hlen = 1;
  } else if (v >= -4096 && v <= 4095) {
    h[0] = (unsigned char)(0xC0 | ((u >> 8) & 0x1F));
    h[1] = (unsigned char)u;
    e->hlen = 2;
  } else {
    unsigned w = v >= -32768 && v <= 32767          ? 2
                 : v >= -8388608 && v <= 8388607    ? 3
                 : v >= INT32_MIN && v <= INT32_MAX ? 4
                                                    : 8;
    h[0] = w == 2 ? 0xF1 : w == 3 ? 0xF2 : w == 4 ? 0xF3 : 0xF4;
    for (unsigned i = 0; i < w; i++) h[1 + i] = (unsigned char)(u >> (8 * i));
    e->hlen = 1 + w;
  }
  e->s = NULL;
  e->slen = 0;
  e->blen = backlen_put(e->back, e->hlen);
}

static void enc_str(enc *e, const unsigned char *s, uint32_t len) {
  int64_t v;
  if (lp_str2ll(s, len, &v)) {
    enc_int(e, v);
    return;
  }
  unsigned char *h = e->head;
  if (len < 64) {
    h[0] = (unsigned char)(0x80 | len);
    e->hlen = 1;
  } else if (len < 4096) {
    h[0] = (unsigned char)(0xE0 | (len >> 8));
    h[1] = (unsigned char)len;
    e->hlen = 2;
  } else {
    h[0] = 0xF0;
    wr32(h + 1, len);
    e->hlen = 5;
  }
  e->s = s;
  e->slen = len;
  e->blen = backlen_put(e->back, (uint64_t)e->hlen + len);
}

static inline void enc_write(unsigned char *dst, const enc *e) {
  memcpy(dst, e->head, e->hlen);
  if (e->slen) memcpy(dst + e->hlen, e->s, e->slen);
  memcpy(dst + e->hlen + e->slen, e->back, e->blen);
}

/* ------------------------------------------------------------------------------ values */

int lp_str2ll(const unsigned char *s, size_t len, int64_t *out) {
  if (len == 0 || len > 20) return 0;
  if (len == 1 && s[0] == '0') {
    *out = 0;
    return 1;
  }
  size_t i = 0;
  int neg = s[0] == '-';
  if (neg && ++i == len) return 0;
  if (s[i] < '1' || s[i] > '9') return 0; /* no leading zero, no "-0", no '+', no space */
  uint64_t v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > (uint64_t)INT64_MAX + 1) return 0;
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  } else {
    if (v > (uint64_t)INT64_MAX) return 0;
    *out = (int64_t)v;
  }
  return 1;
}

uint32_t lp_ll2str(int64_t v, char buf[LP_INTBUF]) {
  char tmp[LP_INTBUF];
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  unsigned n = 0;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  uint32_t len = 0;
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  buf[len] = '\0';
  return len;
}

/* Sign-extend the low `bits` bits of u. */
static inline int64_t sext(uint64_t u, unsigned bits) {
  uint64_t sign = (uint64_t)1 << (bits - 1);
  u &= (sign << 1) - 1;
  return u & sign ? -(int64_t)((sign << 1) - u) : (int64_t)u;
}

static inline uint64_t rdle(const unsigned char *p, unsigned n) {
  uint64_t u = 0;
  for (unsigned i = 0; i < n; i++) u |= (uint64_t)p[i] << (8 * i);
  return u;
}

void lp_get(const unsigned char *p, lp_val *v) {
  unsigned b = p[0];
  v->s = NULL;
  v->len = 0;
  v->ll = 0;
  v->is_int = 1;
  if (b < 0x80) {
    v->ll = b;
  } else if (b < 0xC0) {
    v->is_int = 0;
    v->s = p + 1;
    v->len = b & 0x3F;
  } else if (b < 0xE0) {
    v->ll = sext(((b & 0x1Fu) << 8) | p[1], 13);
  } else if (b < 0xF0) {
    v->is_int = 0;
    v->s = p + 2;
    v->len = ((b & 0x0Fu) << 8) | p[1];
  } else if (b == 0xF0) {
    v->is_int = 0;
    v->s = p + 5;
    v->len = rd32(p + 1);
  } else if (b == 0xF4) {
    uint64_t u = rdle(p + 1, 8);
    v->ll = u > (uint64_t)INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
  } else {
    unsigned w = b - 0xF1 + 2; /* F1/F2/F3: 2/3/4 bytes */
    v->ll = sext(rdle(p + 1, w), 8 * w);
  }
}

const unsigned char *lp_val_bytes(const lp_val *v, char buf[LP_INTBUF], uint32_t *len) {
  if (!v->is_int) {
    *len = v->len;
    return v->s;
  }
  *len = lp_ll2str(v->ll, buf);
  return (const unsigned char *)buf;
}

/* ------------------------------------------------------------------------------ iteration */

static inline unsigned char *eof_of(const unsigned char *lp) {
  return (unsigned char *)lp + rd32(lp) - 1;
}

unsigned char *lp_first(const unsigned char *lp) {
  unsigned char *p = (unsigned char *)lp + LP_HDR_SIZE;
  return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_next(const unsigned char *lp, const unsigned char *p) {
  (void)lp;
  unsigned char *q = (unsigned char *)p + lp_entry_bytes(p);
  return *q == LP_EOF ? NULL : q;
}

unsigned char *lp_prev(const unsigned char *lp, const unsigned char *p) {
  if (p <= lp + LP_HDR_SIZE) return NULL;
  const unsigned char *q = p - 1; /* last backlen byte: the least significant group */
  uint64_t l = 0;
  unsigned shift = 0;
  for (;;) {
    l |= (uint64_t)(*q & 127) << shift;
    if (!(*q & 128)) break;
    shift += 7;
    q--;
  }
  return (unsigned char *)q - l;
}

unsigned char *lp_last(const unsigned char *lp) { return lp_prev(lp, eof_of(lp)); }

uint32_t lp_length(const unsigned char *lp) {
  uint32_t n = hdr_count(lp);
  if (n != LP_COUNT_UNKNOWN) return n;
  n = 0;
  for (const unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) n++;
  return n;
}

unsigned char *lp_seek(const unsigned char *lp, long index) {
  uint32_t n = hdr_count(lp);
  int forward = index >= 0;
  if (n != LP_COUNT_UNKNOWN) {
    if (index < 0) index += (long)n;
    if (index < 0 || index >= (long)n) return NULL;
    forward = index <= (long)n / 2;
    if (!forward) index -= (long)n; /* walking back wants the negative form */
  }
  unsigned char *p;
  if (forward) {
    for (p = lp_first(lp); p && index > 0; index--) p = lp_next(lp, p);
  } else {
    for (p = lp_last(lp); p && index < -1; index++) p = lp_prev(lp, p);
  }
  return p;
}

/* ------------------------------------------------------------------------------ resizing */

#define SHRINK_SAVE 1024 /* bytes a shrink may stash on the stack to stay undoable */

/* Shrink lp from old to new = dst + tail bytes, moving the tail [src, src+tail) down to dst
 * (src > dst); [0, dst) is kept. sm_realloc only truncates on success, so the move is done first
 * in an undoable way (the overwritten bytes stashed) and undone if the realloc is refused; then
 * a fresh block is tried, routed first, else on the current tier. NULL: lp untouched. */
static unsigned char *shrink(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, size_t old,
                             size_t dst, size_t src, size_t tail) {
  size_t nsz = dst + tail, gap = src - dst;
  size_t save = gap < tail ? gap : tail;
  if (save <= SHRINK_SAVE) {
    unsigned char stash[SHRINK_SAVE];
    memcpy(stash, lp + dst, save);
    memmove(lp + dst, lp + src, tail);
    unsigned char *n = sm_realloc(m, owner, TM_CAT_DATA, lp, old, nsz, tier);
    if (n != NULL) return n;
    memmove(lp + src, lp + dst, tail);
    memcpy(lp + dst, stash, save);
  }
  uint8_t t;
  unsigned char *n = sm_alloc(m, owner, TM_CAT_DATA, nsz, &t);
  if (n == NULL) n = sm_alloc_on(m, owner, TM_CAT_DATA, nsz, (tm_tier)*tier, &t);
  if (n == NULL) return NULL;
  memcpy(n, lp, dst);
  memcpy(n + dst, lp + src, tail);
  sm_free(m, owner, TM_CAT_DATA, lp, old, *tier);
  *tier = t;
  return n;
}

/* Replace the del bytes at off with the entry e (or nothing), in one resize, and adjust the
 * header by dcount entries. NULL: lp untouched. */
static unsigned char *splice(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, size_t off,
                             size_t del, const enc *e, long dcount) {
  size_t old = rd32(lp), ins = e ? enc_size(e) : 0;
  size_t nsz = old - del + ins, tail = old - off - del;
  if (nsz > UINT32_MAX) return NULL;
  if (ins > del) {
    unsigned char *n = sm_realloc(m, owner, TM_CAT_DATA, lp, old, nsz, tier);
    if (n == NULL) return NULL;
    lp = n;
    memmove(lp + off + ins, lp + off + del, tail);
  } else if (ins < del) {
    lp = shrink(m, owner, lp, tier, old, off + ins, off + del, tail);
    if (lp == NULL) return NULL;
  }
  if (e) enc_write(lp + off, e);
  wr32(lp, (uint32_t)nsz);
  uint32_t n = hdr_count(lp);
  if (n != LP_COUNT_UNKNOWN) {
    long c = (long)n + dcount;
    set_count(lp, c >= (long)LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : (uint32_t)c);
  }
  return lp;
}

/* ------------------------------------------------------------------------------ writing */

unsigned char *lp_new(sm *m, unsigned owner, uint8_t *tier) {
  unsigned char *lp = sm_alloc(m, owner, TM_CAT_DATA, LP_HDR_SIZE + 1, tier);
  if (lp == NULL) return NULL;
  wr32(lp, LP_HDR_SIZE + 1);
  set_count(lp, 0);
  lp[LP_HDR_SIZE] = LP_EOF;
  return lp;
}

void lp_free(sm *m, unsigned owner, unsigned char *lp, uint8_t tier) {
  if (lp != NULL) sm_free(m, owner, TM_CAT_DATA, lp, rd32(lp), tier);
}

static unsigned char *insert_at(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                                const enc *e, unsigned char *p, int where, unsigned char **newp) {
  size_t off = (size_t)(p - lp);
  if (where == LP_AFTER) off += lp_entry_bytes(p);
  unsigned char *n = splice(m, owner, lp, tier, off, 0, e, 1);
  if (n && newp) *newp = n + off;
  return n;
}

static unsigned char *replace_at(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                                 const enc *e, unsigned char *p, unsigned char **newp) {
  size_t off = (size_t)(p - lp);
  unsigned char *n = splice(m, owner, lp, tier, off, lp_entry_bytes(p), e, 0);
  if (n && newp) *newp = n + off;
  return n;
}

unsigned char *lp_insert(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                         const unsigned char *s, uint32_t len, unsigned char *p, int where,
                         unsigned char **newp) {
  enc e;
  enc_str(&e, s, len);
  return insert_at(m, owner, lp, tier, &e, p, where, newp);
}

unsigned char *lp_insert_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v,
                             unsigned char *p, int where, unsigned char **newp) {
  enc e;
  enc_int(&e, v);
  return insert_at(m, owner, lp, tier, &e, p, where, newp);
}

unsigned char *lp_append(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                         const unsigned char *s, uint32_t len) {
  return lp_insert(m, owner, lp, tier, s, len, eof_of(lp), LP_BEFORE, NULL);
}

unsigned char *lp_prepend(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                          const unsigned char *s, uint32_t len) {
  return lp_insert(m, owner, lp, tier, s, len, lp + LP_HDR_SIZE, LP_BEFORE, NULL);
}

unsigned char *lp_append_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v) {
  return lp_insert_int(m, owner, lp, tier, v, eof_of(lp), LP_BEFORE, NULL);
}

unsigned char *lp_prepend_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v) {
  return lp_insert_int(m, owner, lp, tier, v, lp + LP_HDR_SIZE, LP_BEFORE, NULL);
}

unsigned char *lp_replace(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, unsigned char *p,
                          const unsigned char *s, uint32_t len, unsigned char **newp) {
  enc e;
  enc_str(&e, s, len);
  return replace_at(m, owner, lp, tier, &e, p, newp);
}

unsigned char *lp_replace_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                              unsigned char *p, int64_t v, unsigned char **newp) {
  enc e;
  enc_int(&e, v);
  return replace_at(m, owner, lp, tier, &e, p, newp);
}

unsigned char *lp_delete(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, unsigned char *p,
                         unsigned char **nextp) {
  size_t off = (size_t)(p - lp);
  unsigned char *n = splice(m, owner, lp, tier, off, lp_entry_bytes(p), NULL, -1);
  if (n && nextp) *nextp = n[off] == LP_EOF ? NULL : n + off;
  return n;
}

unsigned char *lp_delete_range(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, long index,
                               long count) {
  if (count <= 0) return lp;
  unsigned char *p = lp_seek(lp, index);
  if (p == NULL) return lp;
  uint32_t n = hdr_count(lp);
  unsigned char *end = p;
  long gone = 0;
  if (n != LP_COUNT_UNKNOWN) {
    if (index < 0) index += (long)n;
    if ((long)n - index <= count) { /* through the end: no walk needed */
      end = eof_of(lp);
      gone = (long)n - index;
    }
  }
  if (end == p) {
    while (gone < count && *end != LP_EOF) {
      end += lp_entry_bytes(end);
      gone++;
    }
  }
  return splice(m, owner, lp, tier, (size_t)(p - lp), (size_t)(end - p), NULL, -gone);
}

/* ------------------------------------------------------------------------------ search */

unsigned char *lp_find(const unsigned char *lp, const unsigned char *p, const unsigned char *s,
                       uint32_t len, unsigned skip) {
  (void)lp;
  int64_t want = 0;
  int as_int = -1; /* decided on the first int entry met, as Redis does */
  unsigned left = 0;
  while (p != NULL && *p != LP_EOF) {
    size_t l = entry_len(p);
    if (left == 0) {
      unsigned b = p[0];
      int is_str = (b & 0xC0) == 0x80 || (b & 0xF0) == 0xE0 || b == 0xF0;
      if (is_str) {
        lp_val v;
        lp_get(p, &v);
        if (v.len == len && (len == 0 || memcmp(v.s, s, len) == 0)) return (unsigned char *)p;
      } else {
        if (as_int < 0) as_int = lp_str2ll(s, len, &want);
        if (as_int) {
          lp_val v;
          lp_get(p, &v);
          if (v.ll == want) return (unsigned char *)p;
        }
      }
      left = skip;
    } else {
      left--;
    }
    p += l + backlen_size(l);
  }
  return NULL;
}

/* ------------------------------------------------------------------------------ validation */

int lp_validate(const unsigned char *buf, size_t size, int deep) {
  if (size < LP_HDR_SIZE + 1 || size > UINT32_MAX) return 0;
  if (rd32(buf) != size || buf[size - 1] != LP_EOF) return 0;
  if (!deep) return 1;
  const unsigned char *p = buf + LP_HDR_SIZE, *end = buf + size - 1;
  uint32_t count = 0;
  while (p < end) {
    size_t room = (size_t)(end - p); /* bytes before the terminator */
    unsigned b = p[0];
    size_t need; /* bytes of encoding that say how long the entry is */
    if (b < 0xC0)
      need = 1;
    else if (b < 0xF0)
      need = 2;
    else if (b == 0xF0)
      need = 5;
    else if (b <= 0xF4)
      need = 1;
    else
      return 0; /* 0xF5..0xFE unused, 0xFF is the terminator */
    if (need > room) return 0;
    uint64_t l = entry_len(p);
    unsigned bl = backlen_size(l);
    if (l + bl > room) return 0;
    unsigned char back[5];
    backlen_put(back, l);
    if (memcmp(p + l, back, bl) != 0) return 0; /* canonical, so walking back lands here */
    p += l + bl;
    count++;
  }
  uint32_t n = hdr_count(buf);
  return n == LP_COUNT_UNKNOWN || n == count;
}
