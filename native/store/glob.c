/* glob.c - stringmatchlen without exponential backtracking.
 *
 * Every pattern token other than '*' consumes exactly one byte, so the classic wildcard
 * algorithm applies: remember only the last star and where its match started; on a mismatch
 * let that star absorb one more byte and retry the rest. An earlier star never needs to be
 * revisited: whatever it could absorb, the later star can absorb too (Redis 7.0.9+ reaches
 * the same conclusion with its skipLongerMatches flag, but still recurses per star). */
#include "glob.h"

static inline int lower(int ch) { return (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch; }

/* glibc's tolower() on a (signed) char value, as Redis calls it in class ranges: ASCII
 * letters fold, -128..-2 map to their unsigned byte (glibc's table is indexed -128..255),
 * -1 is EOF and stays. Only the range bounds care: everywhere else both sides map alike. */
static inline int range_lower(int ch) { return (ch < -1) ? ch + 256 : lower(ch); }

/* The class starting at pat[p] == '['. Returns whether byte ch is in it and sets *next to
 * the index after the class. Follows Redis's parse step by step, quirks included: an escape
 * compares exactly even under nocase, "a-]" is a range, an unterminated class ends the
 * pattern, range bounds are signed chars. */
static int class_match(const unsigned char *pat, size_t plen, size_t p, unsigned char ch,
                       int nocase, size_t *next) {
  size_t q = p + 1;
  int not = q < plen && pat[q] == '^';
  if (not ) q++;
  int match = 0;
  for (;;) {
    if (q < plen && pat[q] == '\\' && plen - q >= 2) {
      q++;
      if (pat[q] == ch) match = 1;
    } else if (q < plen && pat[q] == ']') {
      break;
    } else if (q >= plen) {
      q--; /* Redis steps back so that the common advance below lands on the end */
      break;
    } else if (plen - q >= 3 && pat[q + 1] == '-') {
      int start = (signed char)pat[q], end = (signed char)pat[q + 2], c = (signed char)ch;
      if (start > end) {
        int t = start;
        start = end;
        end = t;
      }
      if (nocase) {
        start = range_lower(start);
        end = range_lower(end);
        c = range_lower(c);
      }
      q += 2;
      if (c >= start && c <= end) match = 1;
    } else if (nocase ? lower(pat[q]) == lower(ch) : pat[q] == ch) {
      match = 1;
    }
    q++;
  }
  *next = q + 1;
  return not ? !match : match;
}

/* Whether the single-byte token at pat[p] (not '*') matches ch; *next is the index after it. */
static int token_match(const unsigned char *pat, size_t plen, size_t p, unsigned char ch,
                       int nocase, size_t *next) {
  switch (pat[p]) {
    case '?': *next = p + 1; return 1;
    case '[': return class_match(pat, plen, p, ch, nocase, next);
    case '\\':
      if (plen - p >= 2) p++;
      /* fall through */
    default: *next = p + 1; return nocase ? lower(pat[p]) == lower(ch) : pat[p] == ch;
  }
}

int glob_match(const unsigned char *pat, size_t plen, const unsigned char *s, size_t slen,
               int nocase) {
  if (slen == 0) return plen == 0; /* Redis's loop never starts: only "" matches "" */
  size_t p = 0, i = 0;
  size_t star_p = 0, star_i = 0; /* the rest after the last star, and where it was tried */
  int have_star = 0;
  while (i < slen) {
    if (p < plen && pat[p] == '*') {
      while (p + 1 < plen && pat[p + 1] == '*') p++;
      if (p + 1 == plen) return 1; /* a trailing star takes the rest (non-empty here) */
      have_star = 1;
      star_p = ++p;
      star_i = i;
      continue;
    }
    size_t next;
    if (p < plen && token_match(pat, plen, p, s[i], nocase, &next)) {
      p = next;
      i++;
      continue;
    }
    if (!have_star) return 0;
    /* The star absorbs one more byte. Once the rest has been tried from every position the
     * loop ends (i == slen) and the rest, which starts with a non-star token, cannot match
     * the empty remainder. */
    p = star_p;
    i = ++star_i;
  }
  while (p < plen && pat[p] == '*') p++;
  return p == plen;
}
