/* util.h - numbers exactly as Redis 7.0.15 parses and prints them.
 *
 * Every command that reads or writes a number goes through these, so that what a client sees
 * (which strings are integers, which are floats, how a score or an INCRBYFLOAT result is
 * printed) is Redis's, byte for byte. Each function names the Redis function it follows.
 *
 * Parsers take (bytes, length): arguments come straight from the query buffer and are not
 * NUL-terminated; an embedded NUL makes the string invalid, as it does in Redis (whose C string
 * calls stop there). They return 1 on success (and write *out), 0 otherwise (*out untouched).
 *
 * Printers write into a caller's buffer, NUL-terminate, and return the length without the NUL,
 * or 0 when the buffer is too small (then buf[0] is NUL if len > 0).
 *
 * Floating point text assumes the "C" numeric locale (decimal point '.'), as Redis does. */
#ifndef TM_STORE_UTIL_H
#define TM_STORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes, Redis's: a long long with sign and NUL; a long double in %.17Lf (INCRBYFLOAT);
 * a double in %.17g. */
#define LONG_STR_SIZE 21
#define MAX_LONG_DOUBLE_CHARS (5 * 1024)
#define MAX_D2STRING_CHARS 128

/* ------------------------------------------------------------------------------ integers */

/* string2ll: optional '-', then "0" or a digit 1-9 and more digits; no '+', no spaces, no
 * leading zeros, no "-0"; within [LLONG_MIN, LLONG_MAX]; at most 20 bytes. This is the
 * definition of "an integer" everywhere (INCR, ENC_INT strings, listpack ints, lengths). */
int string2ll(const char *s, size_t slen, long long *out);
/* string2l: string2ll within the range of long. */
int string2l(const char *s, size_t slen, long *out);
/* string2ull: string2ll if that succeeds (negative -> 0), else strtoull's rules on the whole
 * string: leading blanks, '+' or '-' (which negates modulo 2^64, as strtoull does), any leading
 * zeros; overflow rejected. */
int string2ull(const char *s, size_t slen, unsigned long long *out);

/* ll2string / ull2string: decimal text. Needs LONG_STR_SIZE bytes at most (ull: 21). */
int ll2string(char *buf, size_t len, long long v);
int ull2string(char *buf, size_t len, unsigned long long v);
/* Number of decimal digits of v (1..20). */
uint32_t digits10(uint64_t v);

/* ------------------------------------------------------------------------------ doubles */

/* string2d (getDoubleFromObject): strtod over the whole string. Rejected: empty, a leading
 * blank, trailing bytes, overflow (1e400), underflow to zero (1e-400; denormals such as
 * 1e-310 are accepted), NaN. Accepted as strtod does: "inf", "+inf", "-Infinity", "+1", ".5",
 * "5.", hex floats ("0x10"). */
int string2d(const char *s, size_t slen, double *out);
/* string2ld (getLongDoubleFromObject, INCRBYFLOAT/HINCRBYFLOAT): the same with strtold, and
 * strings of MAX_LONG_DOUBLE_CHARS bytes or more rejected. */
int string2ld(const char *s, size_t slen, long double *out);

/* double2ll: the integer an integral double in [-2^62, 2^62] is (1), else 0. Redis 7.0 stores
 * such zset scores in a listpack as integers (ZADD z 4e18 m: an int; 5e18: the text "5e+18"). */
int double2ll(double d, long long *out);
/* d2string: how Redis writes a double as text (zset scores in a listpack): "nan", "inf",
 * "-inf", "0", "-0"; double2ll values as integers; otherwise "%.17g" ("0.10000000000000001",
 * "1.0000000000000001e+300", "5e+18"). */
int d2string(char *buf, size_t len, double v);

/* ld2string modes: LD_STR_AUTO "%.17Lg"; LD_STR_HUMAN "%.17Lf" with trailing zeros and a
 * trailing '.' removed and "-0" printed "0" (INCRBYFLOAT: 0.1 + 0.2 -> "0.3", 1e20 ->
 * "100000000000000000000", 1e-20 -> "0"); LD_STR_HEX "%La". Infinities are "inf"/"-inf".
 * The result can be ~4950 bytes (1e4000): give MAX_LONG_DOUBLE_CHARS. */
typedef enum { LD_STR_AUTO, LD_STR_HUMAN, LD_STR_HEX } ld2string_mode;
int ld2string(char *buf, size_t len, long double v, ld2string_mode mode);

#endif
