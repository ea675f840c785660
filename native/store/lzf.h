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

/* lzf_compress for the RDB writer, which gives up early on incompressible input: when the output
 * reaches max(LZF_PROBE_MIN, in_len / LZF_PROBE_SHARE) bytes with no repeat of 3 bytes found so
 * far (or, from a head of LZF_PROBE_NET bytes, with the output no shorter than the input read),
 * it returns 0 instead of compressing the rest only to find that it does not fit. Otherwise it
 * returns exactly what lzf_compress returns, the same bytes. A random 1 KiB value costs about
 * an eighth of the full attempt. The only difference from Redis's choice: a value whose head
 * looks incompressible but whose rest would save 4 bytes is written raw (valid, just bigger;
 * on 3000 chunks of source text of 21 B - 70 KB, with or without 40 random hex digits in front,
 * 8 were, less than 0.01% of the bytes LZF saves). DUMP payloads must equal Redis's, so DUMP
 * uses lzf_compress. */
#define LZF_PROBE_MIN 128
#define LZF_PROBE_SHARE 8
#define LZF_PROBE_NET 512
size_t lzf_compress_probed(const void *in, size_t in_len, void *out, size_t out_len);
size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_len);

#endif
