/* errstats.c - error replies counted by error code (errstats.h). */
#include "errstats.h"

#include <string.h>

/* Redis looks for the space in the first 32 bytes of "-CODE ...": 31 bytes of the text. */
#define WINDOW 31

static int code_cmp(const st_errstat *r, const char *code, size_t len) {
  size_t n = r->len < len ? r->len : len;
  int d = memcmp(r->code, code, n);
  if (d != 0) return d;
  return r->len < len ? -1 : r->len > len ? 1 : 0;
}

void errstats_add(st_errstats *es, const char *s, size_t len) {
  es->total++;
  const char *space = memchr(s, ' ', len < WINDOW ? len : WINDOW);
  const char *code = space != NULL ? s : "ERR";
  size_t clen = space != NULL ? (size_t)(space - s) : 3;
  /* Binary search for the row, or the place to insert it. */
  uint32_t lo = 0, hi = es->n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    int d = code_cmp(&es->row[mid], code, clen);
    if (d == 0) {
      es->row[mid].count++;
      return;
    }
    if (d < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (es->n == ERRSTATS_MAX) return;
  memmove(&es->row[lo + 1], &es->row[lo], (es->n - lo) * sizeof es->row[0]);
  es->n++;
  st_errstat *r = &es->row[lo];
  r->count = 1;
  r->len = (uint8_t)clen;
  memcpy(r->code, code, clen);
}

void errstats_reset(st_errstats *es) {
  es->total = 0;
  es->mark = 0;
  es->n = 0;
}
