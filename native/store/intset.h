/* intset.h - Redis's intset, byte for byte: a sorted array of distinct integers, for small sets
 * of integers.
 *
 * Layout (little-endian): <encoding: u32 = 2, 4 or 8, bytes per element> <length: u32>
 * <length signed integers of that width, ascending>. The encoding is the narrowest width that
 * holds every member ever added: adding a wider value upgrades the whole set; removing never
 * downgrades (as in Redis, so the bytes match Redis's for the same operations).
 *
 * Memory: one sm block of owner `owner`, category TM_CAT_DATA, exactly is_bytes(is) requested
 * bytes; the caller keeps the tier (*tier is updated by every resize, which may move the block
 * across the threshold).
 *
 * Failure: is_add / is_remove return the (possibly moved) intset, or NULL when memory is refused;
 * on NULL the old intset is untouched and valid. A removal fails only if both the shrinking
 * realloc and a fresh block on the current tier are refused.
 *
 * Reading calls trust their argument (made here, or passed is_validate). Single-threaded. */
#ifndef TM_STORE_INTSET_H
#define TM_STORE_INTSET_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define IS_HDR_SIZE 8

/* An empty intset (8 bytes, 16-bit encoding). NULL on OOM. */
unsigned char *is_new(sm *m, unsigned owner, uint8_t *tier);
/* Free it (sm_free with is_bytes(is)). NULL ignored. */
void is_free(sm *m, unsigned owner, unsigned char *is, uint8_t tier);

/* Add v; *added = 1 if it was not there (0 if it was, or on NULL). One resize. */
unsigned char *is_add(sm *m, unsigned owner, unsigned char *is, uint8_t *tier, int64_t v,
                      int *added);
/* Remove v; *removed = 1 if it was there. One resize. */
unsigned char *is_remove(sm *m, unsigned owner, unsigned char *is, uint8_t *tier, int64_t v,
                         int *removed);

/* Whether v is a member (binary search). */
int is_find(const unsigned char *is, int64_t v);
/* The member at position pos (ascending order) into *v; 0 if pos is out of range. */
int is_get(const unsigned char *is, uint32_t pos, int64_t *v);
/* A uniformly chosen member, from a per-thread xorshift generator. The set must not be empty. */
int64_t is_random(const unsigned char *is);

uint32_t is_len(const unsigned char *is);
/* Bytes per element: 2, 4 or 8. */
uint32_t is_encoding(const unsigned char *is);
/* Total bytes: IS_HDR_SIZE + len * encoding, what the block was requested with. */
size_t is_bytes(const unsigned char *is);

/* Whether buf[0..size) is a valid intset (untrusted bytes: RDB, RESTORE): a known encoding, the
 * size matching the length, not empty (Redis never stores an empty one), strictly ascending.
 * Never reads outside buf. 1 if valid, 0 if not. */
int is_validate(const unsigned char *buf, size_t size);

#endif
