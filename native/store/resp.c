/* resp.c - the request parser (Redis 7.0.15's processMultibulkBuffer/processInlineBuffer). */
#include "resp.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

enum { S_IDLE, S_COUNT, S_BULK_HDR, S_BULK_DATA, S_INLINE, S_ERROR };

#define BUF_MIN (16 * 1024) /* the buffer an active client keeps */
#define ARGV_KEEP 1024      /* a larger argv array is given back between requests */

static const char ERR_OOM_TEXT[] = "OOM command not allowed when used memory > 'maxmemory'.";

void resp_init(resp_parser *p, sm *m) {
  memset(p, 0, sizeof *p);
  p->m = m;
  p->bulk_len = -1;
  p->max_bulk = (size_t)512 << 20;
  p->max_multibulk = INT_MAX;
}

static int fail(resp_parser *p, const char *text) {
  snprintf(p->error, sizeof p->error, "%s", text);
  p->state = S_ERROR;
  return RESP_ERROR;
}

static int fail_oom(resp_parser *p) {
  p->oom = 1;
  return fail(p, ERR_OOM_TEXT);
}

/* Bytes before this index are consumed: between requests, everything parsed; inside one,
 * everything before its start (its arguments point into the rest). */
static inline size_t consumed(const resp_parser *p) {
  return p->state == S_IDLE ? p->pos : p->start;
}

size_t resp_pending(const resp_parser *p) { return p->len - consumed(p); }

size_t resp_needed(const resp_parser *p) {
  if (p->state != S_BULK_DATA) return 0;
  return p->pos - p->start + (size_t)p->bulk_len + 2;
}

/* ------------------------------------------------------------------------------ buffer */

/* Move the unconsumed bytes [from, len) to the front of a buffer of newcap bytes (newcap may
 * equal cap: then it is a memmove). Argument pointers of the request in progress follow. */
static int move_to(resp_parser *p, size_t from, size_t newcap) {
  size_t keep = p->len - from;
  int live = p->mb_left > 0 ? p->argc : 0; /* argument pointers of the request in progress */
  unsigned char *old = p->buf, *nb;
  uint8_t tier = p->buf_tier;
  if (newcap == p->cap) {
    nb = old;
    if (from > 0 && keep > 0) memmove(nb, old + from, keep);
  } else if (from == 0 && live == 0) {
    nb = sm_realloc(p->m, SM_STORE, TM_CAT_BUFFERS, old, p->cap, newcap, &tier);
    if (nb == NULL) return -1;
  } else {
    /* A fresh block, so that the old one is still there to rebase pointers from. */
    nb = sm_alloc(p->m, SM_STORE, TM_CAT_BUFFERS, newcap, &tier);
    if (nb == NULL) return -1;
    if (keep > 0) memcpy(nb, old + from, keep);
  }
  for (int i = 0; i < live; i++) p->argv[i].ptr = nb + (p->argv[i].ptr - (old + from));
  if (nb != old && !(from == 0 && live == 0))
    sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, old, p->cap, p->buf_tier);
  p->buf = nb;
  p->buf_tier = tier;
  p->cap = newcap;
  p->len = keep;
  p->pos -= from;
  p->scan = p->scan >= from ? p->scan - from : 0;
  p->start = p->start >= from ? p->start - from : 0;
  return 0;
}

int resp_feed(resp_parser *p, const void *data, size_t n) {
  if (n == 0 || p->state == S_ERROR) return 0;
  if (p->state == S_IDLE && p->pos == p->len) p->len = p->pos = p->start = p->scan = 0;
  if (p->cap - p->len < n) {
    size_t from = consumed(p), keep = p->len - from, need = keep + n;
    if (need < keep) return -1;
    if (need <= p->cap) {
      /* Slide the request in progress to the front: each byte moves at most once, since the
       * request's start stays at 0 until it completes. */
      move_to(p, from, p->cap);
    } else {
      size_t cap = p->cap * 2;
      if (cap < need) cap = need;
      if (cap < BUF_MIN) cap = BUF_MIN;
      if (p->state == S_BULK_DATA) {
        /* Do not overshoot a big payload whose end is known. */
        size_t end = p->pos + (size_t)p->bulk_len + 2 - from;
        if (need <= end && cap > end) cap = end;
      }
      if (move_to(p, from, cap) != 0) return -1;
    }
  }
  memcpy(p->buf + p->len, data, n);
  p->len += n;
  return 0;
}

void resp_compact(resp_parser *p) {
  if (p->state == S_ERROR) return;
  size_t from = consumed(p), keep = p->len - from;
  if (p->mb_left == 0 && p->cap > BUF_MIN && keep <= BUF_MIN / 2) {
    if (keep == 0) {
      sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->buf, p->cap, p->buf_tier);
      p->buf = NULL;
      p->cap = p->len = p->pos = p->start = p->scan = 0;
    } else if (move_to(p, from, BUF_MIN) != 0) {
      move_to(p, from, p->cap); /* no memory to shrink: slide instead */
    }
  } else if (from > 0) {
    move_to(p, from, p->cap);
  }
  if (p->mb_left == 0 && p->argv_cap > ARGV_KEEP) {
    sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->argv, p->argv_cap * sizeof *p->argv, p->argv_tier);
    p->argv = NULL;
    p->argv_cap = 0;
    p->argc = 0;
  }
}

void resp_trim(resp_parser *p) {
  if (p->mb_left > 0 || resp_pending(p) > 0) return;
  sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->buf, p->cap, p->buf_tier);
  sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->argv, p->argv_cap * sizeof *p->argv, p->argv_tier);
  p->buf = NULL;
  p->argv = NULL;
  p->cap = p->len = p->pos = p->start = p->scan = p->argv_cap = 0;
  p->argc = 0;
}

void resp_free(resp_parser *p) {
  sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->buf, p->cap, p->buf_tier);
  sm_free(p->m, SM_STORE, TM_CAT_BUFFERS, p->argv, p->argv_cap * sizeof *p->argv, p->argv_tier);
  resp_parser keep = *p; /* the owner's limits survive: resp_free also resets */
  resp_init(p, keep.m);
  p->max_bulk = keep.max_bulk;
  p->max_multibulk = keep.max_multibulk;
  p->unauth = keep.unauth;
}

/* Append an argument; `hint` more are expected after it (-1: unknown, as in an inline line). */
static int argv_push(resp_parser *p, const unsigned char *ptr, size_t len, long long hint) {
  if ((size_t)p->argc == p->argv_cap) {
    size_t cap = p->argv_cap ? p->argv_cap * 2 : 8;
    if (hint >= 0 && cap > (size_t)p->argc + 1 + (size_t)hint)
      cap = (size_t)p->argc + 1 + (size_t)hint; /* "*3" never needs more than 3 */
    if (cap > (size_t)INT_MAX) cap = (size_t)INT_MAX;
    resp_arg *a = sm_realloc(p->m, SM_STORE, TM_CAT_BUFFERS, p->argv, p->argv_cap * sizeof *a,
                             cap * sizeof *a, &p->argv_tier);
    if (a == NULL) return -1;
    p->argv = a;
    p->argv_cap = cap;
  }
  p->argv[p->argc].ptr = ptr;
  p->argv[p->argc].len = len;
  p->argc++;
  return 0;
}

/* ------------------------------------------------------------------------------ parsing */

#define PEEK_MAX_ARGS 64

/* A decimal header number ("*3", "$256") at b[i..len) ending in CR plus one byte: its value and
 * the index after the line, or 0 when the line is incomplete or not plain digits. */
static size_t peek_number(const unsigned char *b, size_t i, size_t len, size_t *out) {
  size_t v = 0, start = i;
  while (i < len && b[i] >= '0' && b[i] <= '9' && i - start < 10)
    v = v * 10 + (size_t)(b[i++] - '0');
  if (i == start || i + 1 >= len || b[i] != '\r') return 0;
  *out = v;
  return i + 2;
}

int resp_peek(const resp_parser *p, resp_arg *args, int max) {
  if (p->state != S_IDLE) return 0;
  const unsigned char *b = p->buf;
  size_t i = p->pos, len = p->len;
  int n = 0;
  while (n < max && i < len && b[i] == '*') {
    size_t argc, at = peek_number(b, i + 1, len, &argc);
    if (at == 0 || argc == 0 || argc > PEEK_MAX_ARGS) break;
    resp_arg arg = { NULL, 0 };
    for (size_t a = 0; a < argc && at != 0; a++) {
      size_t blen;
      if (at >= len || b[at] != '$' || (at = peek_number(b, at + 1, len, &blen)) == 0 ||
          len - at < blen + 2) {
        at = 0;
        break;
      }
      if (a == 1) arg = (resp_arg){ b + at, blen };
      at += blen + 2;
    }
    if (at == 0) break;
    args[n++] = arg;
    i = at;
  }
  return n;
}

/* The end of the current line: the first `ch` at or after the line's start, as strchr finds
 * it, so a NUL before it hides it for good. The search resumes where it stopped. Returns the
 * index, or -1 if not (yet) there. */
static inline long find_eol(resp_parser *p, unsigned char ch) {
  if (p->hidden) return -1;
  const unsigned char *b = p->buf;
  size_t i = p->scan, n = p->len;
  for (; i < n; i++) {
    if (b[i] == ch) {
      p->scan = i;
      return (long)i;
    }
    if (b[i] == 0) {
      p->hidden = 1;
      return -1;
    }
  }
  p->scan = n;
  return -1;
}

static inline int blank(unsigned c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static inline int hexval(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  c |= 32;
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  return -1;
}

/* sdssplitargs over [from, end), decoding each word in place (a word never decodes longer
 * than its text) and pushing it to argv. 0, -1 unbalanced quotes, -2 out of memory. */
static int split_inline(resp_parser *p, size_t from, size_t end) {
  unsigned char *b = p->buf;
#define AT(k) ((k) < end ? (unsigned)b[k] : 0u)
  size_t i = from, w = from;
  for (;;) {
    while (i < end && blank(b[i])) i++;
    if (i >= end) return 0;
    size_t word = w;
    int inq = 0, insq = 0, done = 0;
    while (!done) {
      unsigned c = AT(i);
      if (inq) {
        if (c == '\\' && AT(i + 1) == 'x' && hexval(AT(i + 2)) >= 0 && hexval(AT(i + 3)) >= 0) {
          b[w++] = (unsigned char)(hexval(AT(i + 2)) * 16 + hexval(AT(i + 3)));
          i += 3;
        } else if (c == '\\' && AT(i + 1)) {
          i++;
          unsigned e = AT(i);
          b[w++] = (unsigned char)(e == 'n'   ? '\n'
                                   : e == 'r' ? '\r'
                                   : e == 't' ? '\t'
                                   : e == 'b' ? '\b'
                                   : e == 'a' ? '\a'
                                              : e);
        } else if (c == '"') {
          if (AT(i + 1) && !blank(AT(i + 1))) return -1; /* "a"b */
          done = 1;
        } else if (c == 0) {
          return -1;
        } else {
          b[w++] = (unsigned char)c;
        }
      } else if (insq) {
        if (c == '\\' && AT(i + 1) == '\'') {
          i++;
          b[w++] = '\'';
        } else if (c == '\'') {
          if (AT(i + 1) && !blank(AT(i + 1))) return -1;
          done = 1;
        } else if (c == 0) {
          return -1;
        } else {
          b[w++] = (unsigned char)c;
        }
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
        done = 1; /* not \v or \f: those are blanks only between words */
      } else if (c == '"') {
        inq = 1;
      } else if (c == '\'') {
        insq = 1;
      } else {
        b[w++] = (unsigned char)c;
      }
      if (AT(i)) i++;
    }
    if (argv_push(p, b + word, w - word, -1) != 0) return -2;
  }
#undef AT
}

static int parse_inline(resp_parser *p, resp_cmd *cmd) {
  long nl = find_eol(p, '\n');
  if (nl < 0) {
    if (p->len - p->pos > RESP_INLINE_MAX)
      return fail(p, "ERR Protocol error: too big inline request");
    return RESP_NEED_MORE;
  }
  size_t end = (size_t)nl;
  if (end > p->pos && p->buf[end - 1] == '\r') end--;
  p->argc = 0;
  int r = split_inline(p, p->pos, end);
  if (r == -1) return fail(p, "ERR Protocol error: unbalanced quotes in request");
  if (r == -2) return fail_oom(p);
  p->pos = (size_t)nl + 1;
  p->state = S_IDLE;
  if (p->argc == 0) return RESP_EMPTY;
  cmd->argc = p->argc;
  cmd->argv = p->argv;
  return RESP_CMD;
}

int resp_next(resp_parser *p, resp_cmd *cmd) {
  for (;;) {
    switch (p->state) {
      case S_IDLE:
        if (p->pos >= p->len) return RESP_NEED_MORE;
        p->start = p->scan = p->pos;
        p->hidden = 0;
        p->argc = 0;
        if (p->buf[p->pos] != '*') {
          p->state = S_INLINE;
          return parse_inline(p, cmd);
        }
        p->state = S_COUNT;
        /* fall through */
      case S_COUNT: {
        long cr = find_eol(p, '\r');
        if (cr < 0) {
          if (p->len - p->pos > RESP_INLINE_MAX)
            return fail(p, "ERR Protocol error: too big mbulk count string");
          return RESP_NEED_MORE;
        }
        if ((size_t)cr + 1 >= p->len) return RESP_NEED_MORE; /* the byte after CR */
        long long n;
        if (!string2ll((const char *)p->buf + p->pos + 1, (size_t)cr - p->pos - 1, &n) ||
            n > p->max_multibulk)
          return fail(p, "ERR Protocol error: invalid multibulk length");
        if (p->unauth && n > 10)
          return fail(p, "ERR Protocol error: unauthenticated multibulk length");
        p->pos = (size_t)cr + 2;
        if (n <= 0) {
          p->state = S_IDLE;
          return RESP_EMPTY;
        }
        p->mb_left = n;
        p->state = S_BULK_HDR;
        p->scan = p->pos;
        break;
      }
      case S_BULK_HDR: {
        long cr = find_eol(p, '\r');
        if (cr < 0) {
          if (p->len - p->pos > RESP_INLINE_MAX)
            return fail(p, "ERR Protocol error: too big bulk count string");
          return RESP_NEED_MORE;
        }
        if ((size_t)cr + 1 >= p->len) return RESP_NEED_MORE;
        unsigned char c = p->buf[p->pos];
        if (c != '$') {
          /* Redis's error sanitizer turns CR and LF into spaces. */
          if (c == '\r' || c == '\n') c = ' ';
          snprintf(p->error, sizeof p->error, "ERR Protocol error: expected '$', got '%c'", c);
          p->state = S_ERROR;
          return RESP_ERROR;
        }
        long long n;
        if (!string2ll((const char *)p->buf + p->pos + 1, (size_t)cr - p->pos - 1, &n) || n < 0 ||
            (unsigned long long)n > p->max_bulk)
          return fail(p, "ERR Protocol error: invalid bulk length");
        if (p->unauth && n > 16384)
          return fail(p, "ERR Protocol error: unauthenticated bulk length");
        p->pos = (size_t)cr + 2;
        p->bulk_len = n;
        p->state = S_BULK_DATA;
      }
        /* fall through */
      case S_BULK_DATA: {
        size_t n = (size_t)p->bulk_len;
        if (p->len - p->pos < n + 2) return RESP_NEED_MORE;
        /* The two bytes after the payload are skipped unchecked, as Redis does. */
        if (argv_push(p, p->buf + p->pos, n, p->mb_left - 1) != 0) return fail_oom(p);
        p->pos += n + 2;
        p->bulk_len = -1;
        if (--p->mb_left > 0) {
          p->state = S_BULK_HDR;
          p->scan = p->pos;
          break;
        }
        p->state = S_IDLE;
        cmd->argc = p->argc;
        cmd->argv = p->argv;
        return RESP_CMD;
      }
      case S_INLINE: return parse_inline(p, cmd);
      default: return RESP_ERROR;
    }
  }
}
