/* rdb_fill.h - the loader's helper thread: it writes string values into their blocks and keeps
 * the file's CRC64, while the loading thread parses records, allocates and links the keys.
 *
 * Why: in a load of many small strings the value bytes are the bulk of the work: an LZF
 * decompress (or a copy) into a block the process touches for the first time, so page faults
 * as well. The loading thread allocates the block (accounting and placement stay on the store's
 * thread, as mem.h requires) and queues "fill dst from these file bytes"; this thread does the
 * writing, in file order, and the CRC of every byte up to the point the loader has reached.
 *
 * Nothing reads a queued block until rdb_fill_drain returns: the loader drains before it hands
 * control back (each step's end, an error, EOF), so no command, snapshot or free ever sees a
 * half-written value. An LZF stream that does not decode to its stated length is recorded with
 * its file offset; the first such offset is what drain reports.
 *
 * Without a thread (pthread_create failed, or sync requested) every call does its work at once,
 * in the caller: the same results, in the same order. */
#ifndef TM_STORE_RDB_FILL_H
#define TM_STORE_RDB_FILL_H

#include <stddef.h>
#include <stdint.h>

typedef struct rdb_fill rdb_fill;

/* A filler over the file bytes [base, base + size). sync: no thread. NULL on OOM. */
rdb_fill *rdb_fill_start(const unsigned char *base, size_t size, int sync);
/* Stop the thread (after finishing what is queued) and free the filler. NULL is ignored. */
void rdb_fill_stop(rdb_fill *f);

/* Queue: dst[0..len) = base[off..off+len). */
void rdb_fill_copy(rdb_fill *f, unsigned char *dst, size_t off, uint32_t len);
/* Queue: dst[0..ulen) = the LZF stream base[off..off+clen). */
void rdb_fill_lzf(rdb_fill *f, unsigned char *dst, size_t off, size_t clen, uint32_t ulen);
/* Extend the CRC to cover base[0..upto) (never shrinks). Queued in order with the fills. */
void rdb_fill_crc_to(rdb_fill *f, size_t upto);

/* Wait until everything queued is done. *crc: the CRC of base[0..the last crc_to). 0, or -1
 * with *err_off the offset of the first LZF stream that failed. */
int rdb_fill_drain(rdb_fill *f, uint64_t *crc, size_t *err_off);

#endif
