/* entry.h - the entry block's layout helpers (the struct itself is in store.h). */
#ifndef TM_STORE_ENTRY_H
#define TM_STORE_ENTRY_H

#include "store.h"

/* A new entry for key, counted under `owner` (the value's type), category keys, DRAM (or PMem
 * if DRAM is full under spill). With with_expire the expire area is there (no TTL yet). */
st_entry *entry_new(sm *m, unsigned owner, const void *key, size_t klen, int with_expire);
void entry_free(sm *m, unsigned owner, st_entry *e);
/* Count the entry under another type (its value changed type). */
void entry_retag(sm *m, unsigned from, unsigned to, const st_entry *e);
size_t entry_key_len(const st_entry *e);
size_t entry_block_size(const st_entry *e);
/* The expire area (E_EXPIRES entries only). -1 stored means "no TTL". */
void entry_set_expire_field(st_entry *e, int64_t when_ms);
uint32_t entry_heap_index(const st_entry *e);
void entry_set_heap_index(st_entry *e, uint32_t i);

#endif
