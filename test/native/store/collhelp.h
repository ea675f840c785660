/* collhelp.h - what the collection tests (hash, set, list) share: an entry's encoding, live bytes
 * per tier, empty owner cells, and a flat array reply taken apart. */
#ifndef TM_STORE_COLLHELP_H
#define TM_STORE_COLLHELP_H

#include <stdlib.h>
#include <string.h>

#include "cmdtest.h"

static inline st_entry *find(st_client *c, const char *key) {
  return db_find(c, c->db, key, strlen(key));
}

static inline const char *enc(st_client *c, const char *key) {
  st_entry *e = find(c, key);
  return e ? obj_encoding_name(e) : "none";
}

static inline double tier_live(tm_heap *h, tm_tier t) {
  double s[TM_S_LEN], sum = 0;
  tm_stats_snapshot(h, s);
  for (int cat = 0; cat < TM_CAT_COUNT; cat++) sum += s[TM_S_CELL(t, cat)];
  return sum;
}

/* Every cell of an owner is zero (bytes and blocks, every category and tier). */
static inline int owner_empty(const st_store *st, unsigned owner) {
  for (int k = 0; k < TM_CAT_COUNT; k++)
    for (int t = 0; t < TM_TIER_COUNT; t++)
      if (st->mem.cell[owner][k][t].bytes != 0 || st->mem.cell[owner][k][t].count != 0) return 0;
  return 1;
}

/* ------------------------------------------------------------------------------ replies */

/* The elements of a flat array reply of bulks/ints (NULL bulks as "(nil)"), each malloc'ed;
 * returns the count, or -1 if the reply is not an array. */
typedef struct elems {
  char **v;
  size_t *len;
  long n;
} elems;

static inline long parse_array(const char *r, elems *out) {
  out->n = -1;
  out->v = NULL;
  out->len = NULL;
  if (r[0] != '*') return -1;
  long n = strtol(r + 1, NULL, 10);
  const char *p = strstr(r, "\r\n") + 2;
  out->v = calloc((size_t)(n > 0 ? n : 1), sizeof *out->v);
  out->len = calloc((size_t)(n > 0 ? n : 1), sizeof *out->len);
  for (long i = 0; i < n; i++) {
    if (*p == '$') {
      long l = strtol(p + 1, NULL, 10);
      p = strstr(p, "\r\n") + 2;
      if (l < 0) l = 0;
      out->v[i] = malloc((size_t)l + 1);
      memcpy(out->v[i], p, (size_t)l);
      out->v[i][l] = 0;
      out->len[i] = (size_t)l;
      p += l + 2;
    } else {
      const char *e = strstr(p, "\r\n");
      out->len[i] = (size_t)(e - p - 1);
      out->v[i] = strndup(p + 1, out->len[i]);
      p = e + 2;
    }
  }
  out->n = n;
  return n;
}

static inline void elems_free(elems *x) {
  for (long i = 0; i < x->n; i++) free(x->v[i]);
  free(x->v);
  free(x->len);
}

static inline int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

#endif
