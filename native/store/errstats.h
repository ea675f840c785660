/* errstats.h - error replies counted by their error code, as Redis 7.0's INFO errorstats.
 *
 * Every error reply the store sends goes through reply.c, which calls errstats_add with the
 * error's text (without the leading '-'). The code is the text's first word when a space comes
 * within Redis's 32-byte window ("WRONGTYPE Operation ..." -> WRONGTYPE); otherwise "ERR", as
 * Redis's afterErrorReply decides. `total` is INFO's total_error_replies.
 *
 * The codes are the server's own fixed texts (never client bytes), so the table stays small;
 * Redis 7.0 has no cap, and the ERRSTATS_MAX here is only a bound on memory: a code past it
 * still counts in `total`, not in a row. Rows are kept sorted by code bytes, the order in which
 * Redis's rax lists them in INFO. */
#ifndef TM_STORE_ERRSTATS_H
#define TM_STORE_ERRSTATS_H

#include <stddef.h>
#include <stdint.h>

#define ERRSTATS_MAX 128
#define ERRSTATS_CODE_MAX 31 /* the longest code Redis's window can yield */

typedef struct st_errstat {
  uint64_t count;
  uint8_t len;
  char code[ERRSTATS_CODE_MAX];
} st_errstat;

typedef struct st_errstats {
  uint64_t total;
  /* `total` when the innermost running command started (Redis's prev_err_count): a command
   * failed when errors were replied since, and a nested call (EXEC's queued commands) moves it,
   * so that EXEC is not charged with its commands' errors. */
  uint64_t mark;
  uint32_t n;
  st_errstat row[ERRSTATS_MAX];
} st_errstats;

/* Count one error reply whose text (no '-', no CRLF) is s[0..len). */
void errstats_add(st_errstats *es, const char *s, size_t len);
/* CONFIG RESETSTAT. */
void errstats_reset(st_errstats *es);

#endif
