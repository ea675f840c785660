/* copy.c - a duplicate of any value, for COPY: built whole before the destination changes, and
 * freed whole if committing it fails, so an OOM leaves both keys as they were. */
#include <stdint.h>

#include "listpack.h"
#include "store.h"
#include "zsl.h"

/* A sorted set: the listpack byte for byte, or a new skiplist filled in order. */
static int zset_dup(st_store *st, const st_entry *e, str_val *out) {
  uint8_t tier;
  if (entry_enc(e) == ENC_LISTPACK) {
    size_t n = lp_bytes(e->val);
    unsigned char *p = sm_alloc(&st->mem, ST_ZSET, TM_CAT_DATA, n, &tier);
    if (p == NULL) return -1;
    memcpy(p, e->val, n);
    *out = (str_val){ p, 0, tier, ENC_LISTPACK };
    return 0;
  }
  zset *z = sm_alloc(&st->mem, ST_ZSET, TM_CAT_METADATA, sizeof *z, &tier);
  if (z == NULL) return -1;
  if (zset_init(z, &st->mem) != 0) {
    sm_free(&st->mem, ST_ZSET, TM_CAT_METADATA, z, sizeof *z, tier);
    return -1;
  }
  for (const zsl_node *n = zset_first(e->val); n != NULL; n = zsl_next(n)) {
    size_t len;
    const unsigned char *m = zsl_member(n, &len);
    if (zset_insert(z, m, len, n->score) == NULL) {
      zset_free_step(st, z, ENC_SKIPLIST, tier, SIZE_MAX);
      return -1;
    }
  }
  *out = (str_val){ z, 0, tier, ENC_SKIPLIST };
  return 0;
}

int obj_dup(st_store *st, st_entry *e, str_val *out) {
  switch (entry_type(e)) {
    case ST_STRING: return str_dup(st, e, out);
    case ST_LIST: return list_dup(st, e, out);
    case ST_SET: return set_dup(st, e, out);
    case ST_HASH: return hash_dup(st, e, out);
    default: return zset_dup(st, e, out);
  }
}

void obj_dup_free(st_store *st, unsigned type, str_val *v) {
  switch (type) {
    case ST_STRING: str_val_free(st, v); return;
    case ST_LIST: list_free_step(st, v->val, v->enc, v->tier, SIZE_MAX); return;
    case ST_SET: set_free_step(st, v->val, v->enc, v->tier, SIZE_MAX); return;
    case ST_HASH: hash_free_step(st, v->val, v->enc, v->tier, SIZE_MAX); return;
    default: zset_free_step(st, v->val, v->enc, v->tier, SIZE_MAX); return;
  }
}
