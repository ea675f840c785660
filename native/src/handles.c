/* handles.c - integer names for blocks. A slot holds a block and a generation; freeing bumps
 * the generation and puts the slot on a free list, so a freed, stale or forged handle never
 * validates and can never cause a use-after-free or a double free. Because callers hold
 * handles, not pointers, a block can move between tiers (tm_move) behind a handle. */
#include <stdlib.h>
#include <string.h>

#include "tiermem.h"

/* Generation of a retired slot: even (not live) and beyond any handle's 24 bits. */
#define RETIRED (TM_HANDLE_GEN_MASK + 1u)

typedef struct slot {
  tm_block block;
  uint32_t gen;       /* current generation; odd = live, even = free or RETIRED */
  uint32_t next_free; /* index + 1 of the next free slot, 0 = none */
} slot;

struct tm_handles {
  slot *slots;
  size_t cap, used, live;
  uint32_t free_head; /* index + 1, 0 = none */
};

tm_handles *tm_handles_create(void) { return calloc(1, sizeof(tm_handles)); }

void tm_handles_destroy(tm_handles *t) {
  if (t == NULL) return;
  free(t->slots);
  free(t);
}

static tm_handle make(size_t index, uint32_t gen) {
  return ((tm_handle)(gen & TM_HANDLE_GEN_MASK) << TM_HANDLE_INDEX_BITS) | (tm_handle)index;
}

tm_handle tm_handles_put(tm_handles *t, const tm_block *b) {
  size_t i;
  if (t->free_head != 0) {
    i = t->free_head - 1;
    t->free_head = t->slots[i].next_free;
  } else {
    if (t->used == t->cap) {
      size_t cap = t->cap ? t->cap * 2 : 1024;
      if (cap > (size_t)TM_HANDLE_MAX_INDEX + 1) cap = (size_t)TM_HANDLE_MAX_INDEX + 1;
      if (cap <= t->cap) return 0;
      slot *s = realloc(t->slots, cap * sizeof *s);
      if (s == NULL) return 0;
      memset(s + t->cap, 0, (cap - t->cap) * sizeof *s);
      t->slots = s;
      t->cap = cap;
    }
    i = t->used++;
  }
  slot *s = &t->slots[i];
  s->gen++; /* even -> odd: live; never wraps, see tm_handles_release */
  s->block = *b;
  s->next_free = 0;
  t->live++;
  return make(i, s->gen);
}

tm_block *tm_handles_get(tm_handles *t, tm_handle h) {
  size_t i = (size_t)(h & TM_HANDLE_MAX_INDEX);
  uint64_t gen = h >> TM_HANDLE_INDEX_BITS;
  if (i >= t->used || gen > TM_HANDLE_GEN_MASK) return NULL;
  slot *s = &t->slots[i];
  if (s->gen != gen || (s->gen & 1) == 0) return NULL;
  return &s->block;
}

int tm_handles_release(tm_handles *t, tm_handle h) {
  if (tm_handles_get(t, h) == NULL) return TM_EINVAL;
  size_t i = (size_t)(h & TM_HANDLE_MAX_INDEX);
  slot *s = &t->slots[i];
  memset(&s->block, 0, sizeof s->block);
  t->live--;
  if (s->gen == TM_HANDLE_GEN_MASK) {
    /* Its last generation: reusing the slot would bring back generation 1, which some stale
     * handle may still hold. Retire it (even: never validates, never on the free list). */
    s->gen = RETIRED;
    return TM_OK;
  }
  s->gen++; /* odd -> even: free */
  s->next_free = t->free_head;
  t->free_head = (uint32_t)(i + 1);
  return TM_OK;
}

size_t tm_handles_live(const tm_handles *t) { return t->live; }

void tm_handles_each(tm_handles *t, tm_handles_visit fn, void *arg) {
  for (size_t i = 0; i < t->used; i++) {
    if (t->slots[i].gen & 1) fn(&t->slots[i].block, arg);
  }
}
