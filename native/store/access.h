/* access.h - the per-value access clock: the 24 high bits of st_entry.meta, kept exactly as
 * Redis 7.0 keeps robj.lru.
 *
 * Which clock depends on maxmemory-policy, switched as Redis switches it (the bits are not
 * converted: after a switch old values read as the other clock until they are touched, which
 * is Redis's "LRU and LFU data will take some time to adjust"):
 *   LRU policies (and noeviction, random, ttl): seconds since the epoch, mod 2^24
 *     (LRU_CLOCK_RESOLUTION 1000 ms; wraps in 194 days, handled as Redis does);
 *   LFU policies: minutes mod 2^16 of the last decrement << 8 | an 8-bit logarithmic counter
 *     (new values start at LFU_INIT_VAL 5; lfu-log-factor, lfu-decay-time).
 *
 * Cost on the request path: one time read already cached in st->now_ms, a shift and a store
 * (LRU), or a few integer ops and one PRNG draw (LFU). */
#ifndef TM_STORE_ACCESS_H
#define TM_STORE_ACCESS_H

#include "store.h"

#define LFU_INIT_VAL 5
#define LRU_CLOCK_MAX ((1u << 24) - 1)

/* maxmemory-policy values (Redis's names; the LFU flag picks the clock). */
enum {
  MM_NOEVICTION = 0,
  MM_ALLKEYS_LRU = 1,
  MM_ALLKEYS_LFU = 2,
  MM_ALLKEYS_RANDOM = 3,
  MM_VOLATILE_LRU = 4,
  MM_VOLATILE_LFU = 5,
  MM_VOLATILE_RANDOM = 6,
  MM_VOLATILE_TTL = 7
};
static inline int policy_is_lfu(int64_t p) { return p == MM_ALLKEYS_LFU || p == MM_VOLATILE_LFU; }
static inline int policy_is_volatile(int64_t p) { return p >= MM_VOLATILE_LRU; }
static inline int policy_is_random(int64_t p) {
  return p == MM_ALLKEYS_RANDOM || p == MM_VOLATILE_RANDOM;
}
static inline int store_lfu(const st_store *st) { return policy_is_lfu(st->cfg.maxmemory_policy); }

/* The clock a new value starts with (Redis's createObject). */
uint32_t access_initial(const st_store *st);
/* A read or write of the value (Redis's lookupKey without LOOKUP_NOTOUCH). */
void access_touch(const st_store *st, st_entry *e);
/* LRU: milliseconds since the last access (estimateObjectIdleTime). */
uint64_t access_idle_ms(const st_store *st, const st_entry *e);
/* LFU: the counter after the decay for the minutes elapsed (LFUDecrAndReturn); no write. */
unsigned access_lfu_count(const st_store *st, const st_entry *e);

#endif
