/* listpack.h - Redis 7.0's listpack, byte for byte: a compact list of strings and integers in
 * one block, used for small lists, hashes and sorted sets.
 *
 * Layout (all little-endian):
 *   <total bytes: u32> <count: u16, 65535 = unknown> <entry>... <0xFF>
 *   entry = <encoding [+ data]> <backlen>
 *     0xxxxxxx                    7-bit uint
 *     10xxxxxx + n bytes          string, n < 64
 *     110xxxxx yyyyyyyy           13-bit signed int
 *     1110xxxx yyyyyyyy + n bytes string, n < 4096
 *     11110000 + u32 n + n bytes  string
 *     F1/F2/F3/F4 + 2/3/4/8 bytes 16/24/32/64-bit signed int
 *   backlen = length of encoding+data, 7 bits per byte, most significant group first, every byte
 *   but the first with bit 7 set, so it is read right to left from the next entry (lp_prev).
 * A string that is a canonical int64 (lp_str2ll) is stored as an integer, exactly as Redis
 * decides, so the same inserts give the same bytes as Redis (and RDB/DUMP is a plain copy).
 *
 * Memory: a listpack is one sm block of owner `owner`, category TM_CAT_DATA, and exactly
 * lp_bytes(lp) requested bytes; the caller keeps the tier (uint8_t *tier, updated by every call
 * that resizes, since a resize may re-route the block across the threshold).
 *
 * Entry pointers (p) point into the block: any call that changes the listpack invalidates them
 * all; calls that modify hand back a fresh pointer where useful (newp, nextp).
 *
 * Failure: every call that changes the size returns the (possibly moved) listpack, or NULL when
 * memory is refused or the result would exceed UINT32_MAX bytes; on NULL the old listpack is
 * untouched and valid. Shrinking calls fail only if the shrinking sm_realloc is refused (a move
 * across the threshold onto a full strict tier) and so is a fresh block of the new size on the
 * tier the listpack is on: a refused down-move keeps the listpack where it is.
 *
 * Strings passed to writing calls must not point into the listpack being written (the block may
 * move before they are copied).
 *
 * Pointers and lengths given to reading calls are trusted (they came from this module or from a
 * buffer that passed lp_validate(deep)). Single-threaded, like the sm it allocates through. */
#ifndef TM_STORE_LISTPACK_H
#define TM_STORE_LISTPACK_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define LP_HDR_SIZE 6
#define LP_COUNT_UNKNOWN 65535u
#define LP_INTBUF 21 /* "-9223372036854775808" and a NUL */

enum { LP_BEFORE = 0, LP_AFTER = 1 };

/* An entry's value: a string (s, len) or, when is_int, the integer ll (then s == NULL, len 0).
 * s points into the listpack and is valid until it changes. */
typedef struct lp_val {
  const unsigned char *s;
  uint32_t len;
  int64_t ll;
  int is_int;
} lp_val;

/* ------------------------------------------------------------------------------ block */

/* An empty listpack (7 bytes). NULL on OOM. */
unsigned char *lp_new(sm *m, unsigned owner, uint8_t *tier);
/* Free it: the same as sm_free(m, owner, TM_CAT_DATA, lp, lp_bytes(lp), tier). NULL ignored. */
void lp_free(sm *m, unsigned owner, unsigned char *lp, uint8_t tier);
/* Total bytes, from the header: what the block was requested with. */
size_t lp_bytes(const unsigned char *lp);
/* Number of entries: the header count, or a scan when it says unknown (>= 65535 entries). */
uint32_t lp_length(const unsigned char *lp);

/* ------------------------------------------------------------------------------ iteration */

/* First / last entry, or NULL when empty. */
unsigned char *lp_first(const unsigned char *lp);
unsigned char *lp_last(const unsigned char *lp);
/* The entry after / before p, or NULL at the end / start. lp_prev also accepts the terminator
 * (lp + lp_bytes(lp) - 1) and then gives the last entry. */
unsigned char *lp_next(const unsigned char *lp, const unsigned char *p);
unsigned char *lp_prev(const unsigned char *lp, const unsigned char *p);
/* The entry at index (negative counts from the end: -1 is the last), NULL out of range. Walks
 * from the nearer end when the count is known. */
unsigned char *lp_seek(const unsigned char *lp, long index);
/* Bytes the entry at p occupies, backlen included. */
size_t lp_entry_bytes(const unsigned char *p);

/* ------------------------------------------------------------------------------ values */

/* Decode the entry at p into *v. */
void lp_get(const unsigned char *p, lp_val *v);
/* The value as bytes: v->s for a string, else the decimal rendering written into buf.
 * Sets *len. For replies and comparisons. */
const unsigned char *lp_val_bytes(const lp_val *v, char buf[LP_INTBUF], uint32_t *len);
/* Decimal rendering of v into buf (NUL-terminated); returns its length (1..20). */
uint32_t lp_ll2str(int64_t v, char buf[LP_INTBUF]);
/* Whether s[0..len) is a canonical int64 (Redis's string2ll: optional '-', no leading zeros,
 * no '+', no spaces, not "-0", in range); if so *out gets it. Such strings are stored as ints. */
int lp_str2ll(const unsigned char *s, size_t len, int64_t *out);

/* ------------------------------------------------------------------------------ writing */

/* Add s[0..len) at the tail (O(1) beyond the realloc) or the head. */
unsigned char *lp_append(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                         const unsigned char *s, uint32_t len);
unsigned char *lp_prepend(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                          const unsigned char *s, uint32_t len);
/* Insert before or after the entry p (LP_BEFORE also accepts the terminator: append). *newp
 * (if given) gets the inserted entry. */
unsigned char *lp_insert(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                         const unsigned char *s, uint32_t len, unsigned char *p, int where,
                         unsigned char **newp);
/* Replace the value of entry p; *newp (if given) gets the entry. Count unchanged. */
unsigned char *lp_replace(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, unsigned char *p,
                          const unsigned char *s, uint32_t len, unsigned char **newp);
/* Integer variants: the same bytes as the decimal string would give. */
unsigned char *lp_append_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v);
unsigned char *lp_prepend_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v);
unsigned char *lp_insert_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, int64_t v,
                             unsigned char *p, int where, unsigned char **newp);
unsigned char *lp_replace_int(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier,
                              unsigned char *p, int64_t v, unsigned char **newp);
/* Delete entry p; *nextp (if given) gets the entry that followed it, or NULL if it was last. */
unsigned char *lp_delete(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, unsigned char *p,
                         unsigned char **nextp);
/* Delete up to count entries starting at index (negative from the end), in one resize.
 * Out-of-range index or count <= 0: no change (returns lp). */
unsigned char *lp_delete_range(sm *m, unsigned owner, unsigned char *lp, uint8_t *tier, long index,
                               long count);

/* ------------------------------------------------------------------------------ search */

/* From entry p on, the first entry equal to s[0..len), comparing every (skip+1)-th entry: skip
 * 1 visits fields only (or values only) of field/value pairs. An int entry equals s when s is a
 * canonical int of the same value (Redis's lpFind). NULL if none (or p NULL). */
unsigned char *lp_find(const unsigned char *lp, const unsigned char *p, const unsigned char *s,
                       uint32_t len, unsigned skip);

/* Whether buf[0..size) is a listpack that is safe to read: header size == size, terminator at
 * the end; with deep, also every entry well-formed, in bounds, with its canonical backlen (so
 * lp_prev agrees with lp_next), no terminator inside, and the count matching (unless unknown).
 * Never reads outside buf. Returns 1 if valid, 0 if not. */
int lp_validate(const unsigned char *buf, size_t size, int deep);

#endif
