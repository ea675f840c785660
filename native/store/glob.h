/* glob.h - Redis's glob-style matching (stringmatchlen) for KEYS, SCAN MATCH, CONFIG GET. */
#ifndef TM_STORE_GLOB_H
#define TM_STORE_GLOB_H

#include <stddef.h>

/* 1 if s matches pat, with exactly Redis 7.0.15's stringmatchlen semantics:
 *   *  any run of bytes     ?  one byte     \x  x itself
 *   [abc] [^abc] [a-z] (reversed ranges swapped; bytes compared as signed chars, as Redis
 *   does; an unterminated class runs to the end of the pattern)
 * nocase folds ASCII letters (the C locale's tolower). Quirk kept: an empty string matches
 * only the empty pattern ("*" does not match ""). Time O(plen * slen) worst case, no
 * recursion: one backtrack point, at the last star seen. */
int glob_match(const unsigned char *pat, size_t plen, const unsigned char *s, size_t slen,
               int nocase);

#endif
