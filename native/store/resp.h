/* resp.h - the request parser: bytes from a client's socket in, commands out.
 *
 * One resp_parser per client (embedded in st_client). It owns the client's query buffer (a
 * DRAM block through sm: owner SM_STORE, category TM_CAT_BUFFERS) and follows Redis 7.0.15's
 * processMultibulkBuffer / processInlineBuffer (networking.c) to the byte: the same accepted
 * inputs, the same limits, the same protocol error texts. Usage, per read:
 *
 *   resp_feed(p, bytes, n);                  append (-1: out of memory)
 *   while ((r = resp_next(p, &cmd)) != RESP_NEED_MORE) {
 *     RESP_CMD:   execute cmd.argc / cmd.argv
 *     RESP_EMPTY: nothing to execute ("*0", "*-1", a blank inline line); go on
 *     RESP_ERROR: reply "-" p->error and close the connection after the reply
 *   }
 *   resp_compact(p);                         drop the consumed bytes
 *   then check resp_pending(p) / resp_needed(p) against client-query-buffer-limit.
 *
 * Multibulk ("*<n>\r\n" then n times "$<len>\r\n<len bytes>\r\n"):
 *   - n and len are read with string2ll (so "*-0", "*01", "*+1", "$-0" are errors);
 *     n <= 0 is an empty request; n > max_multibulk (INT_MAX in Redis 7.0.15, not 1M) is
 *     "ERR Protocol error: invalid multibulk length"; len < 0 or > max_bulk
 *     (proto-max-bulk-len) is "ERR Protocol error: invalid bulk length"; another byte where
 *     '$' belongs is "ERR Protocol error: expected '$', got 'X'" (X the raw byte; CR and LF
 *     shown as a space, as Redis's error sanitizer does).
 *   - A header line ends at the first CR; the byte after it is skipped unchecked, as are the
 *     two bytes after a bulk's payload ("$4\r\nPINGxx" is PING). Redis finds the CR with
 *     strchr, so a NUL before it hides the line: the request then never completes, and once
 *     more than 64 KiB are buffered without a visible CR it is "ERR Protocol error: too big
 *     mbulk count string" (or "too big bulk count string").
 * Inline (first byte not '*'): a line ends at LF (an optional CR before it is dropped), split
 * like sdssplitargs: blanks separate; "double quotes" with \n \r \t \b \a \xHH and \<any>;
 * 'single quotes' with \' only; a closing quote must be followed by a blank or the end; else
 * "ERR Protocol error: unbalanced quotes in request". No LF within 64 KiB (or a NUL before
 * it): "ERR Protocol error: too big inline request". Blank lines are RESP_EMPTY.
 * unauth (a client that must still AUTH): Redis's lower limits, count > 10 -> "ERR Protocol
 * error: unauthenticated multibulk length", len > 16384 -> "... unauthenticated bulk length".
 *
 * Cost: every byte is scanned once however the input is split (the parser keeps where a line
 * search stopped and, inside a bulk, only compares lengths), so a 10 MB value fed a byte at a
 * time is O(10 MB). The buffer grows by doubling (capped at the end of a big bulk), keeps
 * 16 KiB when idle, and gives back anything larger once empty. The argv array is reused.
 *
 * After RESP_ERROR the parser stays in error (every resp_next returns it again). */
#ifndef TM_STORE_RESP_H
#define TM_STORE_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

enum {
  RESP_NEED_MORE = 0, /* no complete command buffered */
  RESP_CMD = 1,       /* a command: cmd->argc >= 1 */
  RESP_EMPTY = 2,     /* a request with nothing to execute */
  RESP_ERROR = -1     /* protocol error (or OOM: p->oom): p->error */
};

/* Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline line searched. */
#define RESP_INLINE_MAX (64 * 1024)

/* One argument: bytes in the query buffer (not NUL-terminated). */
typedef struct resp_arg {
  const unsigned char *ptr;
  size_t len;
} resp_arg;

/* A parsed command. argv is the parser's array; it and the bytes it points to stay valid until
 * the next resp_next, resp_feed or resp_compact. */
typedef struct resp_cmd {
  int argc;
  resp_arg *argv;
} resp_cmd;

typedef struct resp_parser {
  sm *m;
  unsigned char *buf; /* query buffer: [0, len) valid */
  size_t cap, len;
  size_t start;       /* where the request being parsed starts (bytes before are consumed) */
  size_t pos;         /* parse position inside it */
  size_t scan;        /* where the search for the current line's end resumes */
  long long mb_left;  /* bulks still expected; 0 between requests */
  long long bulk_len; /* payload length once its "$" header is read, else -1 */
  resp_arg *argv;     /* argument array, reused across commands */
  size_t argv_cap;
  int argc;
  uint8_t state;  /* internal: what resp_next is in the middle of */
  uint8_t hidden; /* the current line has a NUL before its end: it never completes */
  uint8_t buf_tier, argv_tier;
  /* Limits (set by the owner; resp_init gives Redis's defaults). */
  size_t max_bulk;         /* proto-max-bulk-len: 512 MiB */
  long long max_multibulk; /* INT_MAX */
  int unauth;              /* 1: Redis's limits for clients that have not authenticated */
  int oom;                 /* set with RESP_ERROR when the buffer or argv could not grow */
  char error[64];          /* the error text, without the leading '-' */
} resp_parser;

void resp_init(resp_parser *p, sm *m);
/* Append n bytes. 0, or -1 when the buffer cannot grow (nothing appended). */
int resp_feed(resp_parser *p, const void *data, size_t n);
/* Parse the next request: RESP_CMD, RESP_EMPTY, RESP_NEED_MORE or RESP_ERROR. */
int resp_next(resp_parser *p, resp_cmd *cmd);
/* Look ahead without parsing (prefetch.c): for up to max complete multibulk requests buffered
 * from the parse position (between requests only), the argument after each one's name in
 * args[i] ({NULL, 0} when it has none). Stops early at anything else: an inline or incomplete
 * request, one with more than 64 arguments, bytes the parser would refuse. Returns how many
 * requests it covered; the parser is unchanged. O(arguments), payloads are skipped. */
int resp_peek(const resp_parser *p, resp_arg *args, int max);
/* Drop consumed bytes (moves the unparsed tail to the front: O(remaining)); shrinks a large
 * buffer that is now mostly empty. */
void resp_compact(resp_parser *p);
/* Bytes held for requests not yet complete (what client-query-buffer-limit counts). */
size_t resp_pending(const resp_parser *p);
/* Inside a bulk: the bytes the buffer must hold for the current request to get through it
 * (from the request's start), known before they arrive; 0 otherwise. A request needing more
 * than the query buffer limit can be refused at once. */
size_t resp_needed(const resp_parser *p);
/* Release the buffers when nothing is pending (an idle client); they come back on demand. */
void resp_trim(resp_parser *p);
/* Free both buffers; the parser is left empty and usable, with its limits kept. */
void resp_free(resp_parser *p);

#endif
