/* access.c - the access clock (see access.h): Redis's LRU clock and LFU counter. */
#include "access.h"

#include "dict.h"

static inline uint32_t lru_clock(const st_store *st) {
  return (uint32_t)(st->now_ms / 1000) & LRU_CLOCK_MAX;
}
static inline uint32_t lfu_minutes(const st_store *st) {
  return (uint32_t)(st->now_ms / 60000) & 65535u;
}

uint32_t access_initial(const st_store *st) {
  return store_lfu(st) ? (lfu_minutes(st) << 8) | LFU_INIT_VAL : lru_clock(st);
}

unsigned access_lfu_count(const st_store *st, const st_entry *e) {
  uint32_t clock = entry_clock(e);
  uint32_t ldt = clock >> 8, counter = clock & 255u, now = lfu_minutes(st);
  uint32_t elapsed = now >= ldt ? now - ldt : 65535u - ldt + now;
  int64_t decay = st->cfg.lfu_decay_time;
  uint64_t periods = decay > 0 ? elapsed / (uint64_t)decay : 0;
  if (periods == 0) return counter;
  return periods > counter ? 0 : counter - (unsigned)periods;
}

/* Redis's LFULogIncr: the higher the counter, the less likely an access raises it. */
static unsigned lfu_log_incr(const st_store *st, unsigned counter) {
  if (counter == 255) return 255;
  double r = (double)(dict_rand64() >> 11) / (double)(1ull << 53);
  double base = counter > LFU_INIT_VAL ? (double)(counter - LFU_INIT_VAL) : 0;
  double p = 1.0 / (base * (double)st->cfg.lfu_log_factor + 1);
  return r < p ? counter + 1 : counter;
}

static inline void set_clock(st_entry *e, uint32_t clock) {
  e->meta = (clock << 8) | (e->meta & 0xffu);
}

void access_touch(const st_store *st, st_entry *e) {
  if (store_lfu(st)) {
    unsigned counter = lfu_log_incr(st, access_lfu_count(st, e));
    set_clock(e, (lfu_minutes(st) << 8) | counter);
  } else {
    set_clock(e, lru_clock(st));
  }
}

uint64_t access_idle_ms(const st_store *st, const st_entry *e) {
  uint32_t now = lru_clock(st), then = entry_clock(e);
  uint64_t ticks = now >= then ? now - then : (uint64_t)now + (LRU_CLOCK_MAX - then);
  return ticks * 1000;
}
