/* lzf.h - LZF, the compression of RDB strings (rdbcompression yes) and DUMP payloads.
 *
 * The stream is a sequence of runs, each starting with a control byte c:
 *   c < 32          a literal run: the next c + 1 bytes are copied as they are;
 *   c >= 32         a back-reference: length L = c >> 5 (7 means: add the next byte), offset
 *                   O = ((c & 31) << 8 | next byte) + 1; copy L + 2 bytes starting O bytes
 *                   back in the output (the ranges may overlap).
 * So references reach at most 8192 bytes back and copy 3..264 bytes.
 *
 * lzf_compress writes at most out_len bytes and returns the length written, or 0 when the
 * result would not fit (the caller then stores the string raw). lzf_decompress returns the
 * length written, or 0 when the input is malformed or the output would exceed out_len: it
 * never reads or writes outside the given ranges (input from files and clients is untrusted). */
#ifndef TM_STORE_LZF_H
#define TM_STORE_LZF_H

#include <stddef.h>

size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_len);
size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_len);

#endif
