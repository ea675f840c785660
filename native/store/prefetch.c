/* prefetch.c - the batch prefetch of a pipeline's keys (prefetch.h). */
#include "prefetch.h"

#include "dict.h"
#include "entry.h"

/* A value's bytes worth bringing in: a GET copies all of a short string; for anything else
 * the first line holds what the command reads first (a header, a listpack's start). */
#define VALUE_LINES 4

static inline void pf(const void *p) { __builtin_prefetch(p, 0, 3); }

static void prefetch_value(const st_entry *e) {
  if (e->val == NULL || entry_enc(e) == ENC_INT) return;
  const char *v = e->val;
  size_t lines = 1;
  if (entry_type(e) == ST_STRING) {
    lines = (e->vlen + 63) / 64;
    if (lines > VALUE_LINES) lines = VALUE_LINES;
  }
  for (size_t i = 0; i < lines; i++) pf(v + 64 * i);
}

int prefetch_ahead(st_client *c) {
  resp_arg keys[PREFETCH_BATCH];
  int n = resp_peek(&c->in, keys, PREFETCH_BATCH);
  if (n < 2) return n;
  dict *d = &c->db->keys;
  dict_node *const *slot[PREFETCH_BATCH];
  for (int i = 0; i < n; i++) {
    slot[i] = keys[i].ptr != NULL ? dict_slot(d, dict_hash(keys[i].ptr, keys[i].len)) : NULL;
    if (slot[i] != NULL) pf(slot[i]);
  }
  /* An entry is a small block that may straddle two lines: its key ends at most 30 bytes past
   * the header for a short key. */
  for (int i = 0; i < n; i++)
    if (slot[i] != NULL && *slot[i] != NULL) {
      pf(*slot[i]);
      pf((const char *)*slot[i] + 47);
    }
  for (int i = 0; i < n; i++) {
    if (slot[i] == NULL || *slot[i] == NULL) continue;
    const st_entry *e = (const st_entry *)*slot[i];
    size_t len;
    const unsigned char *k = entry_key(e, &len);
    if (len == keys[i].len && memcmp(k, keys[i].ptr, len) == 0)
      prefetch_value(e);
    else if (e->node.next != NULL)
      pf(e->node.next);
  }
  /* Prefetches are not side effects to the optimizer: without this, link-time optimization
   * sees a pure function whose result only decides whether to call it again, and deletes the
   * calls. */
  __asm__ volatile("" ::: "memory");
  return n;
}
