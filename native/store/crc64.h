/* crc64.h - the CRC-64 of Redis's RDB files and DUMP payloads (crc64.c in Redis): the Jones
 * polynomial 0xad93d23594c935a9, reflected input and output, initial value 0 (what Redis passes),
 * no final xor. Check value: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
 *
 * Computed 16 bytes at a time (slice-by-16 tables, 32 KiB, built when the library loads):
 * about 0.2 ns a byte, so give it whole buffers rather than many small pieces. Running use: crc = crc64(crc, next, n) over consecutive
 * pieces gives the CRC of the whole. */
#ifndef TM_STORE_CRC64_H
#define TM_STORE_CRC64_H

#include <stddef.h>
#include <stdint.h>

uint64_t crc64(uint64_t crc, const void *data, size_t len);

#endif
