/* util.c - Redis 7.0.15's number parsing and printing (util.c there), reimplemented. */
#include "util.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------ integers */

int string2ll(const char *s, size_t slen, long long *out) {
  if (slen == 0 || slen >= LONG_STR_SIZE) return 0;
  if (slen == 1 && s[0] == '0') {
    *out = 0;
    return 1;
  }
  size_t i = 0;
  int neg = 0;
  if (s[0] == '-') {
    neg = 1;
    if (++i == slen) return 0;
  }
  if (s[i] < '1' || s[i] > '9') return 0;
  /* At most 19 digits follow a sign here (slen <= 20), so only the last step can overflow a
   * uint64: check it there, as Redis checks every step. */
  unsigned long long v = (unsigned long long)(s[i++] - '0');
  for (; i < slen; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d > 9) return 0;
    if (v > (ULLONG_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > (unsigned long long)LLONG_MAX + 1) return 0;
    *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
  } else {
    if (v > (unsigned long long)LLONG_MAX) return 0;
    *out = (long long)v;
  }
  return 1;
}

int string2l(const char *s, size_t slen, long *out) {
  long long v;
  if (!string2ll(s, slen, &v) || v < LONG_MIN || v > LONG_MAX) return 0;
  *out = (long)v;
  return 1;
}

static inline int is_blank(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int string2ull(const char *s, size_t slen, unsigned long long *out) {
  long long ll;
  if (string2ll(s, slen, &ll)) {
    if (ll < 0) return 0;
    *out = (unsigned long long)ll;
    return 1;
  }
  /* strtoull(s, &end, 10) on the C string (which ends at the first NUL), accepted only when it
   * consumed everything and did not overflow. */
  const char *nul = memchr(s, '\0', slen);
  size_t n = nul != NULL ? (size_t)(nul - s) : slen;
  size_t i = 0;
  while (i < n && is_blank((unsigned char)s[i])) i++;
  int neg = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  size_t digits = i;
  unsigned long long v = 0;
  int overflow = 0;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (ULLONG_MAX - d) / 10)
      overflow = 1;
    else
      v = v * 10 + d;
  }
  if (i == digits || i != n || overflow) return 0; /* no digits: strtoull's end is s itself */
  *out = neg ? 0 - v : v;
  return 1;
}

uint32_t digits10(uint64_t v) {
  if (v < 10) return 1;
  if (v < 100) return 2;
  if (v < 1000) return 3;
  if (v < 1000000000000ull) {
    if (v < 100000000ull) {
      if (v < 1000000) {
        if (v < 10000) return 4;
        return 5 + (v >= 100000);
      }
      return 7 + (v >= 10000000ull);
    }
    if (v < 10000000000ull) return 9 + (v >= 1000000000ull);
    return 11 + (v >= 100000000000ull);
  }
  return 12 + digits10(v / 1000000000000ull);
}

static const char digit_pairs[201] = "0001020304050607080910111213141516171819"
                                     "2021222324252627282930313233343536373839"
                                     "4041424344454647484950515253545556575859"
                                     "6061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* Two digits at a time from the right (the classic table method Redis uses). */
int ull2string(char *buf, size_t len, unsigned long long v) {
  uint32_t n = digits10(v);
  if (n >= len) {
    if (len > 0) buf[0] = '\0';
    return 0;
  }
  buf[n] = '\0';
  uint32_t i = n - 1;
  while (v >= 100) {
    unsigned k = (unsigned)(v % 100) * 2;
    v /= 100;
    buf[i] = digit_pairs[k + 1];
    buf[i - 1] = digit_pairs[k];
    i -= 2;
  }
  if (v < 10) {
    buf[i] = (char)('0' + v);
  } else {
    buf[i] = digit_pairs[v * 2 + 1];
    buf[i - 1] = digit_pairs[v * 2];
  }
  return (int)n;
}

int ll2string(char *buf, size_t len, long long v) {
  if (v >= 0) return ull2string(buf, len, (unsigned long long)v);
  if (len < 2) {
    if (len > 0) buf[0] = '\0';
    return 0;
  }
  /* -(v+1)+1 avoids negating LLONG_MIN. */
  unsigned long long u = (unsigned long long)(-(v + 1)) + 1;
  int n = ull2string(buf + 1, len - 1, u);
  if (n == 0) {
    buf[0] = '\0';
    return 0;
  }
  buf[0] = '-';
  return n + 1;
}

/* ------------------------------------------------------------------------------ doubles */

/* strtod needs a C string. Short texts (all real numbers) are copied to the stack; longer
 * ones can only be valid if made of the bytes strtod consumes, so anything else is refused
 * before the (rare) heap copy. The copy is scratch freed before returning, not store memory. */
static int strtod_chars(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '.' || c == '+' ||
          c == '-' || c == '(' || c == ')' || c == '_'))
      return 0;
  }
  return 1;
}

int string2d(const char *s, size_t slen, double *out) {
  if (slen == 0 || is_blank((unsigned char)s[0])) return 0;
  char stack[256];
  char *buf = stack;
  if (slen >= sizeof stack) {
    if (!strtod_chars(s, slen) || (buf = malloc(slen + 1)) == NULL) return 0;
  }
  memcpy(buf, s, slen);
  buf[slen] = '\0';
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  int ok = (size_t)(end - buf) == slen && !isnan(v) &&
           !(errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO));
  if (buf != stack) free(buf);
  if (ok) *out = v;
  return ok;
}

int string2ld(const char *s, size_t slen, long double *out) {
  char buf[MAX_LONG_DOUBLE_CHARS];
  if (slen == 0 || slen >= sizeof buf || is_blank((unsigned char)s[0])) return 0;
  memcpy(buf, s, slen);
  buf[slen] = '\0';
  char *end;
  errno = 0;
  long double v = strtold(buf, &end);
  if ((size_t)(end - buf) != slen || isnan(v) ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)))
    return 0;
  *out = v;
  return 1;
}

static int fit(char *buf, size_t len, int n) {
  if (n < 0 || (size_t)n + 1 > len) {
    if (len > 0) buf[0] = '\0';
    return 0;
  }
  return n;
}

static int copy_str(char *buf, size_t len, const char *s) {
  size_t n = strlen(s);
  if (n + 1 > len) return fit(buf, len, -1);
  memcpy(buf, s, n + 1);
  return (int)n;
}

int double2ll(double d, long long *out) {
  /* Beyond 2^62 the cast could overflow; within it, an integral double converts exactly. */
  if (!(d >= (double)(-LLONG_MAX / 2) && d <= (double)(LLONG_MAX / 2))) return 0;
  long long ll = (long long)d;
  if ((double)ll != d) return 0;
  *out = ll;
  return 1;
}

int d2string(char *buf, size_t len, double v) {
  if (isnan(v)) return copy_str(buf, len, "nan");
  if (isinf(v)) return copy_str(buf, len, v < 0 ? "-inf" : "inf");
  if (v == 0) return copy_str(buf, len, signbit(v) ? "-0" : "0");
  long long ll;
  if (double2ll(v, &ll)) return ll2string(buf, len, ll);
  return fit(buf, len, snprintf(buf, len, "%.17g", v));
}

int ld2string(char *buf, size_t len, long double v, ld2string_mode mode) {
  if (isinf(v)) {
    if (len < 5) return fit(buf, len, -1);
    return copy_str(buf, len, v > 0 ? "inf" : "-inf");
  }
  int n;
  switch (mode) {
    case LD_STR_AUTO: return fit(buf, len, snprintf(buf, len, "%.17Lg", v));
    case LD_STR_HEX: return fit(buf, len, snprintf(buf, len, "%La", v));
    case LD_STR_HUMAN:
      /* 17 decimals, then the trailing zeros and a bare '.' go. */
      n = fit(buf, len, snprintf(buf, len, "%.17Lf", v));
      if (n == 0) return 0;
      if (memchr(buf, '.', (size_t)n) != NULL) {
        while (buf[n - 1] == '0') n--;
        if (buf[n - 1] == '.') n--;
      }
      if (n == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        n = 1;
      }
      buf[n] = '\0';
      return n;
  }
  return fit(buf, len, -1);
}
