/* glob_test.c - glob_match against Redis's own recursive stringmatchlen (transliterated below
 * from Redis 7.0.15 src/util.c, BSD-3-Clause, as the reference), on random patterns and
 * strings over an alphabet rich in metacharacters, plus the pathological patterns of the
 * CVE-2022-36021 class under a time bound. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "glob.h"

/* Redis 7.0.15 stringmatchlen_impl, verbatim but for the names. It reads one byte past the
 * end of the pattern (pattern[1], *pattern), which Redis's sds terminator makes a NUL: the
 * callers below pass NUL-terminated copies. */
static int ref_impl(const char *pattern, int patternLen, const char *string, int stringLen,
                    int nocase, int *skipLongerMatches) {
  while (patternLen && stringLen) {
    switch (pattern[0]) {
      case '*':
        while (patternLen && pattern[1] == '*') {
          pattern++;
          patternLen--;
        }
        if (patternLen == 1) return 1;
        while (stringLen) {
          if (ref_impl(pattern + 1, patternLen - 1, string, stringLen, nocase, skipLongerMatches))
            return 1;
          if (*skipLongerMatches) return 0;
          string++;
          stringLen--;
        }
        *skipLongerMatches = 1;
        return 0;
      case '?':
        string++;
        stringLen--;
        break;
      case '[': {
        int not, match;
        pattern++;
        patternLen--;
        not = pattern[0] == '^';
        if (not ) {
          pattern++;
          patternLen--;
        }
        match = 0;
        while (1) {
          if (pattern[0] == '\\' && patternLen >= 2) {
            pattern++;
            patternLen--;
            if (pattern[0] == string[0]) match = 1;
          } else if (pattern[0] == ']') {
            break;
          } else if (patternLen == 0) {
            pattern--;
            patternLen++;
            break;
          } else if (patternLen >= 3 && pattern[1] == '-') {
            int start = pattern[0];
            int end = pattern[2];
            int c = string[0];
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = tolower(start);
              end = tolower(end);
              c = tolower(c);
            }
            pattern += 2;
            patternLen -= 2;
            if (c >= start && c <= end) match = 1;
          } else {
            if (!nocase) {
              if (pattern[0] == string[0]) match = 1;
            } else {
              if (tolower((int)pattern[0]) == tolower((int)string[0])) match = 1;
            }
          }
          pattern++;
          patternLen--;
        }
        if (not ) match = !match;
        if (!match) return 0;
        string++;
        stringLen--;
        break;
      }
      case '\\':
        if (patternLen >= 2) {
          pattern++;
          patternLen--;
        }
        /* fall through */
      default:
        if (!nocase) {
          if (pattern[0] != string[0]) return 0;
        } else {
          if (tolower((int)pattern[0]) != tolower((int)string[0])) return 0;
        }
        string++;
        stringLen--;
        break;
    }
    pattern++;
    patternLen--;
    if (stringLen == 0) {
      while (*pattern == '*') {
        pattern++;
        patternLen--;
      }
      break;
    }
  }
  if (patternLen == 0 && stringLen == 0) return 1;
  return 0;
}

static int ref_match(const unsigned char *p, size_t pl, const unsigned char *s, size_t sl,
                     int nocase) {
  char pb[64], sb[64];
  memcpy(pb, p, pl);
  pb[pl] = '\0';
  memcpy(sb, s, sl);
  sb[sl] = '\0';
  int skip = 0;
  return ref_impl(pb, (int)pl, sb, (int)sl, nocase, &skip);
}

/* glob_match on C strings, cross-checked with the reference on the way. */
static int gm(const char *p, const char *s) {
  const unsigned char *up = (const unsigned char *)p, *us = (const unsigned char *)s;
  int got = glob_match(up, strlen(p), us, strlen(s), 0);
  CHECK(got == ref_match(up, strlen(p), us, strlen(s), 0));
  return got;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void) {
  /* Hand-picked cases (each also checked against the reference). */
  CHECK(gm("*", "abc") && gm("a*", "a") && gm("a*c", "abbbc") && !gm("a*c", "abbb"));
  CHECK(!gm("*", "") && !gm("**", "") && gm("", "") && !gm("", "a"));
  CHECK(gm("h?llo", "hello") && !gm("h?llo", "hllo"));
  CHECK(gm("h[ae]llo", "hallo") && !gm("h[ae]llo", "hillo"));
  CHECK(gm("h[^e]llo", "hallo") && !gm("h[^e]llo", "hello"));
  CHECK(gm("h[a-b]llo", "hbllo") && gm("h[b-a]llo", "hallo") && !gm("h[a-b]llo", "hcllo"));
  CHECK(gm("\\*", "*") && !gm("\\*", "a") && gm("a\\", "a\\"));
  CHECK(gm("[abc", "a") && !gm("[abc", "ab") && gm("[^", "x") && !gm("[", "["));
  CHECK(gm("[a-]", "a") && !gm("[a-]", "b") && gm("[\\]]", "]") && !gm("[]", "]"));
  CHECK(glob_match((const unsigned char *)"HeLLo", 5, (const unsigned char *)"hello", 5, 1));
  CHECK(glob_match((const unsigned char *)"[A-C]x", 6, (const unsigned char *)"bX", 2, 1));
  CHECK(!glob_match((const unsigned char *)"[\\A]", 4, (const unsigned char *)"a", 1, 1));
  /* Binary: NUL bytes in both, high bytes in ranges (signed, as Redis). */
  CHECK(glob_match((const unsigned char *)"a\0*", 3, (const unsigned char *)"a\0zz", 4, 0));
  CHECK(!glob_match((const unsigned char *)"a\0", 2, (const unsigned char *)"a", 1, 0));
  CHECK(glob_match((const unsigned char *)"[a-\xff]", 5, (const unsigned char *)"\x10", 1, 0) ==
        ref_match((const unsigned char *)"[a-\xff]", 5, (const unsigned char *)"\x10", 1, 0));

  /* Differential: random patterns and strings, bounded sizes, both case modes. */
  static const char palpha[] = "ab*?[]^-\\A\xff\x80";
  static const char salpha[] = "abA-]\\^*\xff\x80";
  long mismatches = 0, matches = 0;
  const long rounds = 2000000;
  for (long r = 0; r < rounds; r++) {
    unsigned char p[16], s[16];
    size_t pl = next_rand() % 11, sl = next_rand() % 11;
    for (size_t i = 0; i < pl; i++) {
      uint32_t k = next_rand() % (sizeof palpha); /* the last index: a NUL byte */
      p[i] = (unsigned char)palpha[k];
    }
    for (size_t i = 0; i < sl; i++) {
      uint32_t k = next_rand() % (sizeof salpha);
      s[i] = (unsigned char)salpha[k];
    }
    int nocase = (int)(next_rand() & 1);
    int want = ref_match(p, pl, s, sl, nocase), got = glob_match(p, pl, s, sl, nocase);
    matches += want;
    if (want != got) {
      if (mismatches++ < 10) {
        fprintf(stderr, "mismatch nocase=%d want=%d pat=", nocase, want);
        for (size_t i = 0; i < pl; i++) fprintf(stderr, "%02x", p[i]);
        fprintf(stderr, " str=");
        for (size_t i = 0; i < sl; i++) fprintf(stderr, "%02x", s[i]);
        fprintf(stderr, "\n");
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(matches > rounds / 50); /* the generator produces matches, not only failures */

  /* Pathological: 20 "a*" groups then "b" against 40 'a's, and worse. */
  char pat[4096], str[4096];
  size_t n = 0;
  for (int i = 0; i < 20; i++) {
    pat[n++] = 'a';
    pat[n++] = '*';
  }
  pat[n++] = 'b';
  memset(str, 'a', 40);
  double t0 = now_us();
  int m = glob_match((unsigned char *)pat, n, (unsigned char *)str, 40, 0);
  double t1 = now_us();
  CHECK(!m);
  CHECK(t1 - t0 < 1000);
  fprintf(stderr, "glob a*x20 b vs a^40: %.1f us\n", t1 - t0);
  /* 1000 stars groups against a 4000-byte key: O(n*m) = 8e6 steps at most. */
  n = 0;
  for (int i = 0; i < 1000; i++) {
    pat[n++] = '*';
    pat[n++] = 'a';
  }
  pat[n++] = 'b';
  memset(str, 'a', 4000);
  t0 = now_us();
  m = glob_match((unsigned char *)pat, n, (unsigned char *)str, 4000, 0);
  t1 = now_us();
  CHECK(!m);
  CHECK(t1 - t0 < 200000);
  fprintf(stderr, "glob (*a)x1000 b vs a^4000: %.1f us\n", t1 - t0);
  return check_done("glob_test");
}
