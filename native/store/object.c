/* object.c - what is common to every value, dispatched on the entry's type. */
#include "lazyfree.h"
#include "store.h"

void obj_free(st_store *st, st_entry *e) {
  unsigned type = entry_type(e);
  if (type == ST_STRING)
    str_free(st, e);
  else if (e->val != NULL)
    lazy_free_value(st, type, entry_enc(e), e->val, entry_val_tier(e));
  e->val = NULL;
}

size_t obj_usage(st_store *st, const st_entry *e) {
  switch (entry_type(e)) {
    case ST_STRING: return str_usage(st, e);
    case ST_LIST: return list_usage(st, e);
    case ST_SET: return set_usage(st, e);
    case ST_ZSET: return zset_usage(st, e);
    case ST_HASH: return hash_usage(st, e);
    default: return 0;
  }
}

const char *obj_type_name(unsigned type) {
  static const char *const names[ST_TYPE_COUNT] = { "string", "list", "set", "zset", "hash" };
  return type < ST_TYPE_COUNT ? names[type] : "none";
}

const char *obj_encoding_name(const st_entry *e) {
  /* Redis 7.0 names every list "quicklist"; a small list kept as one listpack is ours alone. */
  if (entry_type(e) == ST_LIST) return "quicklist";
  switch (entry_enc(e)) {
    case ENC_INT: return "int";
    case ENC_RAW: return (e->flags & E_RAWSTR) || e->vlen > 44 ? "raw" : "embstr";
    case ENC_LISTPACK: return "listpack";
    case ENC_INTSET: return "intset";
    case ENC_QUICKLIST: return "quicklist";
    case ENC_HASHTABLE: return "hashtable";
    case ENC_SKIPLIST: return "skiplist";
    default: return "unknown";
  }
}
