/* reply.c - the output buffer: RESP2 encoders over a chain of sm chunks. */
#include "reply.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "errstats.h"
#include "util.h"

#define HDR offsetof(reply_chunk, data)
#define STD_DATA (REPLY_CHUNK_BYTES - HDR)
#define DEFER_ROOM 23 /* "*-9223372036854775808\r\n" */
#define NUM_ROOM 24   /* a type byte, up to 20 digits, CRLF */

void reply_init(reply_buf *r, sm *m) {
  memset(r, 0, sizeof *r);
  r->m = m;
}

static void chunk_free(reply_buf *r, reply_chunk *c) {
  sm_free(r->m, SM_STORE, TM_CAT_BUFFERS, c, HDR + c->size, c->tier);
}

/* A new tail with at least `n` bytes of room, or NULL (r->oom set). */
static reply_chunk *chunk_new(reply_buf *r, size_t n) {
  if (r->oom) return NULL;
  size_t size = n > STD_DATA ? n : STD_DATA;
  uint8_t tier;
  reply_chunk *c =
      size > TM_MAX_SIZE ? NULL : sm_alloc(r->m, SM_STORE, TM_CAT_BUFFERS, HDR + size, &tier);
  if (c == NULL) {
    r->oom = 1;
    return NULL;
  }
  c->next = NULL;
  c->size = size;
  c->used = 0;
  c->defer = REPLY_NO_DEFER;
  c->tier = tier;
  if (r->tail != NULL)
    r->tail->next = c;
  else
    r->head = c;
  r->tail = c;
  return c;
}

/* n contiguous bytes of room at the tail (not yet committed), or NULL. */
static inline unsigned char *room(reply_buf *r, size_t n) {
  reply_chunk *t = r->tail;
  if (t == NULL || t->size - t->used < n) {
    t = chunk_new(r, n);
    if (t == NULL) return NULL;
  }
  return t->data + t->used;
}

static inline void commit(reply_buf *r, size_t n) {
  r->tail->used += n;
  r->pending += n;
}

void reply_raw_slow(reply_buf *r, const void *s, size_t n) {
  if (r->oom || n == 0) return;
  const unsigned char *p = s;
  reply_chunk *t = r->tail;
  if (t != NULL) {
    size_t k = t->size - t->used;
    if (k > n) k = n;
    memcpy(t->data + t->used, p, k);
    commit(r, k);
    p += k;
    n -= k;
    if (n == 0) return;
  }
  /* The rest in one chunk: a big payload gets a chunk of its own size (+2 for its CRLF). */
  t = chunk_new(r, n + 2);
  if (t == NULL) return;
  memcpy(t->data, p, n);
  commit(r, n);
}

/* <type><n>\r\n */
static void prefixed(reply_buf *r, char type, long long n) {
  unsigned char *p = room(r, NUM_ROOM);
  if (p == NULL) return;
  p[0] = (unsigned char)type;
  int k = 1 + ll2string((char *)p + 1, NUM_ROOM - 1, n);
  p[k] = '\r';
  p[k + 1] = '\n';
  commit(r, (size_t)k + 2);
}

void reply_int(reply_buf *r, long long v) { prefixed(r, ':', v); }
void reply_array(reply_buf *r, long n) { prefixed(r, '*', n); }
void reply_null_bulk(reply_buf *r) { reply_raw(r, "$-1\r\n", 5); }
void reply_null_array(reply_buf *r) { reply_raw(r, "*-1\r\n", 5); }

void reply_simple_len(reply_buf *r, const char *s, size_t len) {
  unsigned char *p = room(r, len + 3);
  if (p == NULL) return;
  p[0] = '+';
  memcpy(p + 1, s, len);
  p[len + 1] = '\r';
  p[len + 2] = '\n';
  commit(r, len + 3);
}

void reply_simple(reply_buf *r, const char *s) { reply_simple_len(r, s, strlen(s)); }

void reply_bulk(reply_buf *r, const void *s, size_t len) {
  reply_chunk *t = r->tail;
  if (t != NULL && t->size - t->used >= len + NUM_ROOM + 2) {
    /* The common case: header, payload and CRLF in the tail at once. */
    unsigned char *p = t->data + t->used;
    p[0] = '$';
    size_t k = 1 + (size_t)ull2string((char *)p + 1, NUM_ROOM, len);
    p[k] = '\r';
    p[k + 1] = '\n';
    memcpy(p + k + 2, s, len);
    p[k + 2 + len] = '\r';
    p[k + 3 + len] = '\n';
    commit(r, k + 4 + len);
    return;
  }
  prefixed(r, '$', (long long)len);
  reply_raw(r, s, len);
  reply_raw(r, "\r\n", 2);
}

void reply_bulk_cstr(reply_buf *r, const char *s) {
  if (s == NULL)
    reply_null_bulk(r);
  else
    reply_bulk(r, s, strlen(s));
}

void reply_bulk_ll(reply_buf *r, long long v) {
  char buf[LONG_STR_SIZE];
  reply_bulk(r, buf, (size_t)ll2string(buf, sizeof buf, v));
}

void reply_double(reply_buf *r, double d) {
  if (isinf(d)) {
    reply_bulk(r, d > 0 ? "inf" : "-inf", d > 0 ? 3 : 4);
    return;
  }
  char buf[MAX_D2STRING_CHARS];
  int n;
  /* Redis's d2string: an integral value within +-2^52 prints as an integer, the same text "%.17g"
   * gives but several times faster (scores are often integers); -0 keeps its sign. */
  if (d == 0)
    n = snprintf(buf, sizeof buf, "%s", signbit(d) ? "-0" : "0");
  else if (d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double)(long long)d)
    n = ll2string(buf, sizeof buf, (long long)d);
  else
    n = snprintf(buf, sizeof buf, "%.17g", d);
  reply_bulk(r, buf, n > 0 ? (size_t)n : 0);
}

/* ------------------------------------------------------------------------------ errors */

/* "-" text "\r\n" with no CR/LF inside, as Redis sanitizes error texts. */
static void count_error(reply_buf *r, const char *s, size_t len) {
  r->errors++;
  if (r->es != NULL) errstats_add(r->es, s, len);
}

static void error_out(reply_buf *r, const char *s, size_t len) {
  count_error(r, s, len);
  unsigned char *p = room(r, len + 3);
  if (p == NULL) return;
  p[0] = '-';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    p[1 + i] = (c == '\r' || c == '\n') ? ' ' : c;
  }
  p[len + 1] = '\r';
  p[len + 2] = '\n';
  commit(r, len + 3);
}

void reply_error_raw(reply_buf *r, const char *s, size_t len) { error_out(r, s, len); }

void reply_count_encoded_error(reply_buf *r, const void *p, size_t len) {
  const char *s = p;
  if (len == 0 || s[0] != '-') return;
  const char *end = memchr(s, '\r', len);
  count_error(r, s + 1, (end != NULL ? (size_t)(end - s) : len) - 1);
}

static size_t trim_crlf(char *s, size_t n) {
  size_t a = 0;
  while (a < n && (s[a] == '\r' || s[a] == '\n')) a++;
  while (n > a && (s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
  if (a > 0) memmove(s, s + a, n - a);
  return n - a;
}

void reply_error(reply_buf *r, const char *fmt, ...) {
  char stack[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(stack, sizeof stack, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n < sizeof stack) {
    /* Redis formats into an sds with strlen: a %c of 0 ends the text there. */
    size_t len = strnlen(stack, (size_t)n);
    error_out(r, stack, trim_crlf(stack, len));
    return;
  }
  /* A long text: format it straight into the reply chain (counted from the stack copy, whose
   * first bytes hold the code). */
  count_error(r, stack, trim_crlf(stack, strnlen(stack, sizeof stack - 1)));
  unsigned char *p = room(r, (size_t)n + 3);
  if (p == NULL) return;
  va_start(ap, fmt);
  vsnprintf((char *)p + 1, (size_t)n + 1, fmt, ap);
  va_end(ap);
  char *t = (char *)p + 1;
  size_t len = trim_crlf(t, strnlen(t, (size_t)n));
  for (size_t i = 0; i < len; i++)
    if (t[i] == '\r' || t[i] == '\n') t[i] = ' ';
  p[0] = '-';
  p[len + 1] = '\r';
  p[len + 2] = '\n';
  commit(r, len + 3);
}

/* ------------------------------------------------------------------------------ deferred */

/* The handle is the chunk: a chunk holds at most one unset header, so a second deferred
 * length starts a new chunk until the first is set. Setting it slides the bytes written
 * after it in that chunk (at most a chunk's worth) over the unused room. */
void *reply_defer_len(reply_buf *r) {
  reply_chunk *t = r->tail;
  if (t == NULL || t->defer != REPLY_NO_DEFER || t->size - t->used < DEFER_ROOM) {
    t = chunk_new(r, DEFER_ROOM);
    if (t == NULL) return NULL;
  }
  t->defer = t->used;
  commit(r, DEFER_ROOM);
  return t;
}

void reply_set_defer_len(reply_buf *r, void *handle, long n) {
  reply_chunk *c = handle;
  if (c == NULL || c->defer == REPLY_NO_DEFER) return;
  unsigned char *p = c->data + c->defer;
  char hdr[DEFER_ROOM];
  hdr[0] = '*';
  size_t k = 1 + (size_t)ll2string(hdr + 1, sizeof hdr - 1, n);
  hdr[k++] = '\r';
  hdr[k++] = '\n';
  size_t after = c->used - c->defer - DEFER_ROOM;
  memcpy(p, hdr, k);
  if (after > 0) memmove(p + k, p + DEFER_ROOM, after);
  c->used -= DEFER_ROOM - k;
  r->pending -= DEFER_ROOM - k;
  c->defer = REPLY_NO_DEFER;
}

/* ------------------------------------------------------------------------------ marks */

void reply_mark(const reply_buf *r, reply_pos *m) {
  m->chunk = r->tail;
  m->used = r->tail != NULL ? r->tail->used : 0;
  m->pending = r->pending;
}

void reply_truncate(reply_buf *r, const reply_pos *m) {
  reply_chunk *c = m->chunk;
  reply_chunk *next = c != NULL ? c->next : r->head;
  while (next != NULL) {
    reply_chunk *n = next->next;
    chunk_free(r, next);
    next = n;
  }
  if (c != NULL) {
    c->next = NULL;
    c->used = m->used;
    if (c->defer != REPLY_NO_DEFER && c->defer >= m->used) c->defer = REPLY_NO_DEFER;
    r->tail = c;
  } else {
    r->head = r->tail = NULL;
    r->head_off = 0;
  }
  r->pending = m->pending;
}

/* ------------------------------------------------------------------------------ draining */

size_t reply_take(reply_buf *r, void *dst, size_t cap) {
  unsigned char *out = dst;
  size_t got = 0;
  while (r->head != NULL) {
    reply_chunk *c = r->head;
    size_t end = c->defer != REPLY_NO_DEFER ? c->defer : c->used;
    size_t k = end - r->head_off;
    if (k > cap - got) k = cap - got;
    if (k > 0) memcpy(out + got, c->data + r->head_off, k);
    got += k;
    r->head_off += k;
    if (r->head_off < c->used) break; /* dst is full, or an unset header is next */
    if (c == r->tail && c->size == STD_DATA) {
      c->used = 0; /* keep one standard chunk for the next replies */
      r->head_off = 0;
      break;
    }
    r->head = c->next;
    if (r->head == NULL) r->tail = NULL;
    r->head_off = 0;
    chunk_free(r, c);
  }
  r->pending -= got;
  return got;
}

void reply_trim(reply_buf *r) {
  if (r->pending != 0 || r->head == NULL) return;
  chunk_free(r, r->head);
  r->head = r->tail = NULL;
  r->head_off = 0;
}

void reply_free(reply_buf *r) {
  for (reply_chunk *c = r->head, *n; c != NULL; c = n) {
    n = c->next;
    chunk_free(r, c);
  }
  sm *m = r->m;
  reply_init(r, m);
}
