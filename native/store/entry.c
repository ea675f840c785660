/* entry.c - the per-key entry: one DRAM block holding the header, the optional expire area,
 * the optional long key length and the key bytes. */
#include <stddef.h>

#include "entry.h"

#define EXPIRE_AREA 12 /* int64 expire ms + uint32 expiry-heap index */

static inline size_t key_offset(uint8_t flags) {
  return offsetof(st_entry, rest) + ((flags & E_EXPIRES) ? EXPIRE_AREA : 0) +
         ((flags & E_LONGKEY) ? 4 : 0);
}

size_t entry_key_len(const st_entry *e) {
  if (!(e->flags & E_LONGKEY)) return e->klen8;
  uint32_t n;
  memcpy(&n, e->rest + ((e->flags & E_EXPIRES) ? EXPIRE_AREA : 0), 4);
  return n;
}

const unsigned char *entry_key(const st_entry *e, size_t *len) {
  *len = entry_key_len(e);
  return (const unsigned char *)e + key_offset(e->flags);
}

size_t entry_block_size(const st_entry *e) { return key_offset(e->flags) + entry_key_len(e); }

st_entry *entry_new(sm *m, unsigned owner, const void *key, size_t klen, int with_expire) {
  uint8_t flags = (uint8_t)((with_expire ? E_EXPIRES : 0) | (klen > 255 ? E_LONGKEY : 0));
  size_t size = key_offset(flags) + klen;
  uint8_t tier;
  st_entry *e = sm_alloc(m, owner, TM_CAT_KEYS, size, &tier);
  if (e == NULL) return NULL;
  memset(e, 0, offsetof(st_entry, rest));
  e->flags = (uint8_t)(flags | (tier == TM_PMEM ? E_SELF_PMEM : 0));
  if (flags & E_LONGKEY) {
    uint32_t n = (uint32_t)klen;
    memcpy(e->rest + (with_expire ? EXPIRE_AREA : 0), &n, 4);
  } else {
    e->klen8 = (uint8_t)klen;
  }
  if (with_expire) {
    int64_t none = -1;
    uint32_t idx = UINT32_MAX;
    memcpy(e->rest, &none, 8);
    memcpy(e->rest + 8, &idx, 4);
  }
  memcpy((unsigned char *)e + key_offset(flags), key, klen);
  return e;
}

void entry_free(sm *m, unsigned owner, st_entry *e) {
  sm_free(m, owner, TM_CAT_KEYS, e, entry_block_size(e),
          (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM);
}

void entry_retag(sm *m, unsigned from, unsigned to, const st_entry *e) {
  sm_retag(m, from, to, TM_CAT_KEYS, e, entry_block_size(e),
           (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM);
}

int64_t entry_expire(const st_entry *e) {
  if (!(e->flags & E_EXPIRES)) return -1;
  int64_t t;
  memcpy(&t, e->rest, 8);
  return t;
}

void entry_set_expire_field(st_entry *e, int64_t when_ms) { memcpy(e->rest, &when_ms, 8); }

uint32_t entry_heap_index(const st_entry *e) {
  uint32_t i;
  memcpy(&i, e->rest + 8, 4);
  return i;
}

void entry_set_heap_index(st_entry *e, uint32_t i) { memcpy(e->rest + 8, &i, 4); }
