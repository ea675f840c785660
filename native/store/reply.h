/* reply.h - a client's output buffer: replies encoded as RESP2, bytes out.
 *
 * A reply_buf is a chain of chunks, each one block through sm (owner SM_STORE, category
 * TM_CAT_BUFFERS): standard chunks are 16 KiB blocks; a payload too big for one gets a chunk of
 * its own size. Appending is a bounds check and a memcpy into the tail chunk; a new chunk is
 * allocated only when the tail is full. reply_take copies bytes out (to the socket writer) and
 * frees chunks as they drain; the last standard chunk is kept for the next replies (reply_trim
 * drops it for an idle client).
 *
 * Encodings are Redis 7.0.15's RESP2 replies, byte for byte:
 *   reply_simple     +OK\r\n                 reply_int        :123\r\n
 *   reply_bulk       $3\r\nfoo\r\n           reply_null_bulk  $-1\r\n
 *   reply_array      *2\r\n (then 2 replies) reply_null_array *-1\r\n
 *   reply_error      -ERR text\r\n: the text begins with the error code ("ERR ...",
 *                    "WRONGTYPE ..."); like addReplyErrorFormat, CR/LF at either end are
 *                    trimmed and CR/LF inside become spaces, and the text ends at a NUL.
 *   reply_double     addReplyDouble: a bulk of "%.17g" (0.1 -> "0.10000000000000001"), "inf",
 *                    "-inf" (-0.0 -> "-0", 1e300 -> "1.0000000000000001e+300")
 *   reply_bulk_ll    a bulk holding an integer's decimal text
 * Every reply_error* counts one error in r->errors (the command's "failed" stat) and, when r->es
 * is set (a client's buffer: the store's table), in INFO errorstats by its code (errstats.h).
 *
 * Deferred lengths (addReplyDeferredLen): h = reply_defer_len(r) reserves room for an array
 * header whose count is known only after the items are written; reply_set_defer_len(r, h, n)
 * fills it in. Set every handle before the reply is drained or truncated past it: reply_take
 * stops in front of an unset header (reply_pending counts its reserved room meanwhile).
 *
 * Half-written replies: reply_mark(r, &pos) before, reply_truncate(r, &pos) drops what was appended
 * since (a command that fails midway replies an error instead). No reply_take in between.
 *
 * Out of memory: a chunk that cannot be allocated sets r->oom (sticky) and the append is
 * dropped, so the stream is no longer valid: the owner must close the client without sending
 * more. Nothing crashes and nothing leaks. */
#ifndef TM_STORE_REPLY_H
#define TM_STORE_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"

struct st_errstats;

typedef struct reply_chunk {
  struct reply_chunk *next;
  size_t size;  /* capacity of data[] */
  size_t used;  /* bytes written (including an unset deferred header's room) */
  size_t defer; /* offset of the unset deferred header in this chunk, or REPLY_NO_DEFER */
  uint8_t tier;
  unsigned char data[];
} reply_chunk;

#define REPLY_CHUNK_BYTES (16 * 1024) /* a standard chunk's block, header included */
#define REPLY_NO_DEFER ((size_t)-1)

typedef struct reply_buf {
  sm *m;
  reply_chunk *head, *tail;
  size_t head_off;        /* bytes of head already taken */
  size_t pending;         /* bytes not yet taken */
  uint64_t errors;        /* error replies written */
  struct st_errstats *es; /* where errors are counted by code, or NULL (set after reply_init) */
  int oom;                /* an append failed: close the client */
} reply_buf;

typedef struct reply_pos {
  reply_chunk *chunk;
  size_t used, pending;
} reply_pos;

void reply_init(reply_buf *r, sm *m);
void reply_free(reply_buf *r);
/* Give back the kept chunk when nothing is pending (an idle client). */
void reply_trim(reply_buf *r);

/* Pre-encoded bytes. The slow path fills the tail, then starts a chunk. */
void reply_raw_slow(reply_buf *r, const void *s, size_t n);
static inline void reply_raw(reply_buf *r, const void *s, size_t n) {
  reply_chunk *t = r->tail;
  if (t != NULL && t->size - t->used >= n) {
    memcpy(t->data + t->used, s, n);
    t->used += n;
    r->pending += n;
  } else {
    reply_raw_slow(r, s, n);
  }
}

void reply_simple(reply_buf *r, const char *s);
void reply_simple_len(reply_buf *r, const char *s, size_t len);
void reply_error(reply_buf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_error_raw(reply_buf *r, const char *s, size_t len);
/* Count an error reply appended as pre-encoded bytes p[0..len) ("-CODE text\r\n", from the
 * control plane) as reply_error would; bytes that are not an error are not counted. */
void reply_count_encoded_error(reply_buf *r, const void *p, size_t len);
void reply_bulk(reply_buf *r, const void *p, size_t len);
/* NULL is a null bulk, as addReplyBulkCString. */
void reply_bulk_cstr(reply_buf *r, const char *s);
void reply_bulk_ll(reply_buf *r, long long v);
void reply_null_bulk(reply_buf *r);
void reply_null_array(reply_buf *r);
void reply_int(reply_buf *r, long long v);
void reply_array(reply_buf *r, long n);
void reply_double(reply_buf *r, double d);

/* Deferred array length. NULL (after an OOM) is accepted by reply_set_defer_len. */
void *reply_defer_len(reply_buf *r);
void reply_set_defer_len(reply_buf *r, void *handle, long n);

void reply_mark(const reply_buf *r, reply_pos *m);
void reply_truncate(reply_buf *r, const reply_pos *m);

static inline size_t reply_pending(const reply_buf *r) { return r->pending; }
/* Copy up to cap pending bytes to dst, oldest first; drained chunks are freed. Returns the
 * number copied (less than pending only when cap is reached or an unset header is next). */
size_t reply_take(reply_buf *r, void *dst, size_t cap);

#endif
