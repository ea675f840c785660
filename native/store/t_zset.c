/* t_zset.c - the sorted-set value: a listpack of member,score pairs while small (ENC_LISTPACK),
 * then a zset (zsl.h: a skiplist whose nodes are also the member dict's nodes; ENC_SKIPLIST).
 * The commands come with the compatibility work; what every value needs is here. */
#include "listpack.h"
#include "store.h"
#include "zsl.h"

size_t zset_free_step(st_store *st, void *val, unsigned enc, uint8_t tier, size_t max) {
  if (enc == ENC_LISTPACK) {
    lp_free(&st->mem, ST_ZSET, val, tier);
    return 0;
  }
  zset *z = val;
  size_t left = zset_drain(z, max);
  if (left == 0) sm_free(&st->mem, ST_ZSET, TM_CAT_METADATA, z, sizeof *z, tier);
  return left;
}

size_t zset_usage(st_store *st, const st_entry *e) {
  if (entry_enc(e) == ENC_LISTPACK)
    return sm_usable(&st->mem, entry_val_tier(e), e->val, lp_bytes(e->val));
  const zset *z = e->val;
  return sm_usable(&st->mem, entry_val_tier(e), z, sizeof *z) + zset_bytes(z);
}

/* A node's requested size: zsl.c's node_size. */
static size_t zwalk_node_size(const zsl_node *n) {
  return offsetof(zsl_node, level) + n->nlevel * sizeof(zsl_level) + n->mlen;
}

void zset_walk(st_store *st, const void *val, unsigned enc, uint8_t tier, st_walk_fn *visit,
               void *arg) {
  (void)st;
  if (val == NULL) return;
  if (enc == ENC_LISTPACK) {
    visit(arg, val, lp_bytes(val), tier, ST_ZSET, TM_CAT_DATA);
    return;
  }
  const zset *z = val;
  visit(arg, z, sizeof *z, tier, ST_ZSET, TM_CAT_METADATA);
  st_walk_dict_tables(&z->members, visit, arg);
  for (const zsl_node *n = z->header; n != NULL; n = n->level[0].forward)
    visit(arg, n, zwalk_node_size(n), n->tier, ST_ZSET, TM_CAT_METADATA);
}
