/* resp_test.c - the request parser and the output buffer: Redis 7.0.15's protocol edge cases,
 * splits at every offset, pipelines, a bounded fuzz, linear time on byte-at-a-time input,
 * chunk chaining, deferred lengths, truncation and exact accounting.
 *
 * Every expected parse below was captured from redis-server 7.0.15 (Debian) on loopback by
 * writing the raw bytes to a socket (python3: sendall, then read until close or a 0.3 s quiet)
 * and reading the reply: "-ERR Protocol error: ..." then a close is our RESP_ERROR with that
 * text; +PONG (or an ECHO reply) shows what the command was; no reply and an open connection
 * is RESP_NEED_MORE. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "mem.h"
#include "reply.h"
#include "resp.h"

static sm M;

/* ------------------------------------------------------------------------------ event logs */

/* What a parser produced, as text: C<argc>[arg][arg]; E; X:<error>; and a final N when it
 * stopped for more input. Bytes outside printable ASCII (and [ ] \) are \xHH. */
typedef struct {
  char *s;
  size_t len, cap;
} logbuf;

static void lput(logbuf *l, const char *s, size_t n) {
  if (l->len + n + 1 > l->cap) {
    l->cap = (l->len + n + 1) * 2;
    l->s = realloc(l->s, l->cap);
  }
  memcpy(l->s + l->len, s, n);
  l->len += n;
  l->s[l->len] = '\0';
}

static void lprintf(logbuf *l, const char *fmt, ...) {
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  lput(l, tmp, (size_t)n);
}

static void lbytes(logbuf *l, const unsigned char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  lput(l, "", 0);
  if (l->len + 4 * n + 1 > l->cap) {
    l->cap = (l->len + 4 * n + 1) * 2;
    l->s = realloc(l->s, l->cap);
  }
  char *o = l->s + l->len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c >= 32 && c < 127 && c != '[' && c != ']' && c != '\\') {
      *o++ = (char)c;
    } else {
      *o++ = '\\', *o++ = 'x', *o++ = hex[c >> 4], *o++ = hex[c & 15];
    }
  }
  l->len = (size_t)(o - l->s);
  l->s[l->len] = '\0';
}

static int bad_result; /* a resp_next result outside the contract */

/* Run the parser until it wants more input or fails; 1 if it failed. */
static int drain(resp_parser *p, logbuf *l) {
  resp_cmd cmd;
  for (;;) {
    int r = resp_next(p, &cmd);
    if (r == RESP_NEED_MORE) return 0;
    if (r == RESP_EMPTY) {
      lput(l, "E;", 2);
    } else if (r == RESP_ERROR) {
      lput(l, "X:", 2);
      lbytes(l, (const unsigned char *)p->error, strlen(p->error));
      lput(l, ";", 1);
      return 1;
    } else if (r == RESP_CMD && cmd.argc >= 1) {
      lprintf(l, "C%d", cmd.argc);
      for (int i = 0; i < cmd.argc; i++) {
        const unsigned char *a = cmd.argv[i].ptr;
        if (cmd.argv[i].len > 0 && (a < p->buf || a + cmd.argv[i].len > p->buf + p->len))
          bad_result++;
        lput(l, "[", 1);
        lbytes(l, a, cmd.argv[i].len);
        lput(l, "]", 1);
      }
      lput(l, ";", 1);
    } else {
      bad_result++;
      return 1;
    }
  }
}

/* Feed `in` in pieces ending at the given cut offsets (ascending), compacting between feeds as
 * the server does; returns the log (caller frees). */
static char *run_cuts(const void *in, size_t n, const size_t *cuts, size_t ncuts, int unauth) {
  resp_parser p;
  resp_init(&p, &M);
  p.unauth = unauth;
  logbuf l = { 0 };
  lput(&l, "", 0);
  size_t at = 0;
  int failed = 0;
  for (size_t i = 0; i <= ncuts && !failed; i++) {
    size_t to = i < ncuts ? cuts[i] : n;
    if (to < at) continue;
    if (resp_feed(&p, (const char *)in + at, to - at) != 0) bad_result++;
    at = to;
    failed = drain(&p, &l);
    resp_compact(&p);
  }
  if (!failed) lput(&l, "N", 1);
  resp_free(&p);
  return l.s;
}

static char *run_whole(const void *in, size_t n, int unauth) {
  return run_cuts(in, n, NULL, 0, unauth);
}

/* The same log however the input is split: at each single offset, and a byte at a time. */
static int split_invariant(const void *in, size_t n, const char *want, int unauth) {
  int ok = 1;
  for (size_t k = 0; k <= n; k++) {
    char *got = run_cuts(in, n, &k, 1, unauth);
    if (strcmp(got, want) != 0) {
      if (ok) fprintf(stderr, "  split at %zu: %s\n  whole:       %s\n", k, got, want);
      ok = 0;
    }
    free(got);
  }
  size_t *cuts = malloc((n + 1) * sizeof *cuts);
  for (size_t k = 0; k <= n; k++) cuts[k] = k;
  char *got = run_cuts(in, n, cuts, n + 1, unauth);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "  bytewise: %s\n  whole:    %s\n", got, want);
    ok = 0;
  }
  free(got);
  free(cuts);
  return ok;
}

/* ------------------------------------------------------------------------------ captured cases */

#define S(lit) lit, sizeof(lit) - 1
#define MBL "X:ERR Protocol error: invalid multibulk length;"
#define BL "X:ERR Protocol error: invalid bulk length;"
#define UNBAL "X:ERR Protocol error: unbalanced quotes in request;"

static const struct {
  const char *in;
  size_t len;
  const char *want;
  int unauth;
} cases[] = {
  /* multibulk counts (string2ll; <= 0 is an empty request; the limit is INT_MAX) */
  { S("*-0\r\nPING\r\n"), MBL, 0 },
  { S("*0\r\nPING\r\n"), "E;C1[PING];N", 0 },
  { S("*-1\r\nPING\r\n"), "E;C1[PING];N", 0 },
  { S("*-5\r\nPING\r\n"), "E;C1[PING];N", 0 },
  { S("*\r\nPING\r\n"), MBL, 0 },
  { S("*+1\r\n"), MBL, 0 },
  { S("*01\r\n"), MBL, 0 },
  { S("* 1\r\n"), MBL, 0 },
  { S("*1 \r\n"), MBL, 0 },
  { S("*-\r\n"), MBL, 0 },
  { S("*1048577\r\n"), "N", 0 },
  { S("*2147483647\r\n"), "N", 0 },
  { S("*2147483648\r\n"), MBL, 0 },
  { S("*9223372036854775807\r\n"), MBL, 0 },
  { S("*-9223372036854775808\r\n"), "E;N", 0 },
  { S("*-9223372036854775809\r\n"), MBL, 0 },
  /* bulk lengths */
  { S("*1\r\n$-0\r\n"), BL, 0 },
  { S("*1\r\n$-1\r\n"), BL, 0 },
  { S("*1\r\n$04\r\nPING\r\n"), BL, 0 },
  { S("*1\r\n$\r\n"), BL, 0 },
  { S("*1\r\n$-\r\n"), BL, 0 },
  { S("*1\r\n$1x\r\n"), BL, 0 },
  { S("*1\r\n$\x01\r\n"), BL, 0 },
  { S("*1\r\n$536870912\r\n"), "N", 0 },
  { S("*1\r\n$536870913\r\n"), BL, 0 },
  { S("*1\r\n$99999999999999999999\r\n"), BL, 0 },
  /* '$' expected: the byte as Redis prints it, CR/LF as a space */
  { S("*1\r\nPING\r\n"), "X:ERR Protocol error: expected '$', got 'P';", 0 },
  { S("*1\r\n\r\n"), "X:ERR Protocol error: expected '$', got ' ';", 0 },
  { S("*1\r\n\nx\r\n"), "X:ERR Protocol error: expected '$', got ' ';", 0 },
  { S("*1\r\n*1\r\n"), "X:ERR Protocol error: expected '$', got '*';", 0 },
  { S("*1\r\n:1\r\n"), "X:ERR Protocol error: expected '$', got ':';", 0 },
  { S("*1\r\n\x01\r\n"), "X:ERR Protocol error: expected '$', got '\\x01';", 0 },
  { S("*1\r\n\xe9\r\n"), "X:ERR Protocol error: expected '$', got '\\xe9';", 0 },
  /* unchecked bytes after a CR and after a payload */
  { S("*1\r\n$4\r\nPINGxx"), "C1[PING];N", 0 },
  { S("*1\rX$4\r\nPING\r\n"), "C1[PING];N", 0 },
  { S("*1\r\n$4\r\nPING"), "N", 0 },
  { S("*1\r\n$4\r\nPING\r"), "N", 0 },
  { S("*1\r\n$4\r\nPING\r\n\r\n"), "C1[PING];E;N", 0 },
  { S("*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n"), "C2[ECHO][a\\x0d\\x0a];N", 0 },
  { S("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
    "C3[SET][k][];C2[GET][k];N", 0 },
  /* a NUL before the CR/LF hides the line (Redis's strchr): it never completes */
  { S("*1\x00\r\n$4\r\nPING\r\n"), "N", 0 },
  { S("*1\r\n$4\x00\r\nPING\r\n"), "N", 0 },
  { S("*1\r\n\x00$4\r\n"), "N", 0 },
  { S("PI\x00NG\r\n"), "N", 0 },
  { S("PING\x00\r\n"), "N", 0 },
  { S("ECHO \"a\x00"
      "b\"\r\n"),
    "N", 0 },
  { S("*1\r\n$4\r\nPI\x00G\r\n"), "C1[PI\\x00G];N", 0 }, /* inside a payload a NUL is data */
  /* inline */
  { S("\r\nPING\r\n"), "E;C1[PING];N", 0 },
  { S("\nPING\n"), "E;C1[PING];N", 0 },
  { S("   \r\n\r\nPING\r\n"), "E;E;C1[PING];N", 0 },
  { S("ECHO x\r\r\n"), "C2[ECHO][x];N", 0 },
  { S("ECHO \"abc\r\n"), UNBAL, 0 },
  { S("ECHO 'abc\r\n"), UNBAL, 0 },
  { S("ECHO \"a\"b\r\n"), UNBAL, 0 },
  { S("ECHO a\"b c\"d\r\n"), UNBAL, 0 },
  { S("ECHO \"x\\\r\n"), UNBAL, 0 },
  { S("ECHO \"\\x41\\x4g\\n\\q\"\r\n"), "C2[ECHO][Ax4g\\x0aq];N", 0 },
  { S("ECHO \"\\x4\"\r\n"), "C2[ECHO][x4];N", 0 },
  { S("ECHO \"\"\r\n"), "C2[ECHO][];N", 0 },
  { S("ECHO ''\r\n"), "C2[ECHO][];N", 0 },
  { S("ECHO \"a\"\tb\r\n"), "C3[ECHO][a][b];N", 0 },
  { S("ECHO \xff\xe9\r\n"), "C2[ECHO][\\xff\\xe9];N", 0 },
  { S("ECHO 'a\\'b\\n'\r\n"), "C2[ECHO][a'b\\x5cn];N", 0 },
  { S("ECHO 'a\\\\b'\r\n"), "C2[ECHO][a\\x5c\\x5cb];N", 0 },
  { S("ECHO \"a\\\\b\\\"c\"\r\n"), "C2[ECHO][a\\x5cb\"c];N", 0 },
  { S("ECHO \"\\xZZ\"\r\n"), "C2[ECHO][xZZ];N", 0 },
  { S("ECHO a'b c'\r\n"), "C2[ECHO][ab c];N", 0 },
  { S("ECHO \"a\" \"b\"\r\n"), "C3[ECHO][a][b];N", 0 },
  { S("ECHO \"a\"\x0c"
      "b\r\n"),
    "C3[ECHO][a][b];N", 0 },
  { S("ECHO \"\\x41\"\r\n"), "C2[ECHO][A];N", 0 },
  { S("ECHO \"\\X41\"\r\n"), "C2[ECHO][X41];N", 0 },
  { S("ECHO \"\\t\\b\\a\\r\"\r\n"), "C2[ECHO][\\x09\\x08\\x07\\x0d];N", 0 },
  { S("ECHO \\x41\r\n"), "C2[ECHO][\\x5cx41];N", 0 },
  { S("ECHO \x0c\r\n"), "C1[ECHO];N", 0 },
  { S("ECHO '\\x41'\r\n"), "C2[ECHO][\\x5cx41];N", 0 },
  { S("ECHO a\x0b"
      "b\r\n"),
    "C2[ECHO][a\\x0bb];N", 0 }, /* \v ends no word */
  { S("\x0bPING\r\n"), "C1[PING];N", 0 },
  { S("ECHO \"a\"\x0b\r\n"), "C2[ECHO][a];N", 0 },
  { S("SET \"k\\x41\" 'v w' x\"y z\"\nGET k\r\n"), "C4[SET][kA][v w][xy z];C2[GET][k];N", 0 },
  /* a client that must still AUTH (captured with requirepass set) */
  { S("*10\r\n"), "N", 1 },
  { S("*11\r\n"), "X:ERR Protocol error: unauthenticated multibulk length;", 1 },
  { S("*1\r\n$16384\r\n"), "N", 1 },
  { S("*1\r\n$16385\r\n"), "X:ERR Protocol error: unauthenticated bulk length;", 1 },
  { S("*-11\r\n*1\r\n$4\r\nPING\r\n"), "E;C1[PING];N", 1 },
  { S("*1\r\n$-1\r\n"), BL, 1 },
};

static void test_cases(void) {
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = run_whole(cases[i].in, cases[i].len, cases[i].unauth);
    int same = strcmp(got, cases[i].want) == 0;
    CHECK(same);
    if (!same) fprintf(stderr, "  case %zu: got %s want %s\n", i, got, cases[i].want);
    CHECK(split_invariant(cases[i].in, cases[i].len, cases[i].want, cases[i].unauth));
    free(got);
  }
}

/* The 64 KiB limits: more than 65536 bytes buffered past the line's start without its end. */
static char *filled(const char *head, char fill, size_t total, const char *tail, size_t *n) {
  size_t h = strlen(head), t = strlen(tail);
  char *b = malloc(total + t);
  memcpy(b, head, h);
  memset(b + h, fill, total - h);
  memcpy(b + total, tail, t);
  *n = total + t;
  return b;
}

static void test_limits(void) {
  static const struct {
    const char *head;
    char fill;
    size_t total;
    const char *tail, *want;
  } big[] = {
    { "*", '1', 65536, "", "N" },
    { "*", '1', 65537, "", "X:ERR Protocol error: too big mbulk count string;" },
    { "*1\r\n$", '1', 65540, "", "N" },
    { "*1\r\n$", '1', 65541, "", "X:ERR Protocol error: too big bulk count string;" },
    { "P", 'P', 65536, "", "N" },
    { "P", 'P', 65537, "", "X:ERR Protocol error: too big inline request;" },
    { "*1\r\n$4\r\nPING\r\n*", '1', 65550, "", "C1[PING];N" },
    { "PING\r\n*", '1', 65543, "", "C1[PING];X:ERR Protocol error: too big mbulk count string;" },
    /* found in one read past 64 KiB: parsed, as Redis does */
    { "*", '1', 70001, "\r\n", MBL },
    { "*1", '\0', 65543, "", "X:ERR Protocol error: too big mbulk count string;" },
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
    size_t n;
    char *in = filled(big[i].head, big[i].fill, big[i].total, big[i].tail, &n);
    char *got = run_whole(in, n, 0);
    CHECK(strcmp(got, big[i].want) == 0);
    if (strcmp(got, big[i].want) != 0) fprintf(stderr, "  limit %zu: %s\n", i, got);
    free(got);
    free(in);
  }
  /* A 70000-byte inline word is fine once its LF is there. */
  size_t n;
  char *in = filled("ECHO ", 'a', 70005, "\r\n", &n);
  resp_parser p;
  resp_init(&p, &M);
  resp_cmd cmd;
  CHECK(resp_feed(&p, in, n) == 0 && resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 2 &&
        cmd.argv[1].len == 70000 && cmd.argv[1].ptr[69999] == 'a');
  resp_free(&p);
  free(in);
  /* max_multibulk and max_bulk are the owner's. */
  resp_init(&p, &M);
  p.max_bulk = 10;
  p.max_multibulk = 2;
  CHECK(resp_feed(&p, S("*2\r\n$10\r\n0123456789\r\n$11\r\n")) == 0);
  CHECK(resp_next(&p, &cmd) == RESP_ERROR &&
        strcmp(p.error, "ERR Protocol error: invalid bulk length") == 0);
  CHECK(resp_next(&p, &cmd) == RESP_ERROR); /* sticky */
  resp_free(&p);
  resp_init(&p, &M);
  p.max_multibulk = 2;
  CHECK(resp_feed(&p, S("*3\r\n")) == 0 && resp_next(&p, &cmd) == RESP_ERROR &&
        strcmp(p.error, "ERR Protocol error: invalid multibulk length") == 0);
  resp_free(&p);
}

/* ------------------------------------------------------------------------------ pipelines */

static void test_pipeline(void) {
  logbuf in = { 0 }, want = { 0 };
  for (int i = 0; i < 10000; i++) {
    if (i % 3 == 0) {
      lprintf(&in, "*1\r\n$4\r\nPING\r\n");
      lprintf(&want, "C1[PING];");
    } else if (i % 3 == 1) {
      char k[16], v[16];
      int kn = snprintf(k, sizeof k, "key:%d", i), vn = snprintf(v, sizeof v, "v%d", i);
      lprintf(&in, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", kn, k, vn, v);
      lprintf(&want, "C3[SET][key:%d][v%d];", i, i);
    } else {
      lprintf(&in, "GET key:%d\r\n", i);
      lprintf(&want, "C2[GET][key:%d];", i);
    }
  }
  lput(&want, "N", 1);
  char *got = run_whole(in.s, in.len, 0);
  CHECK(strcmp(got, want.s) == 0);
  free(got);
  /* Split into 1000-byte reads: the same commands. */
  size_t ncuts = in.len / 1000;
  size_t *cuts = malloc((ncuts + 1) * sizeof *cuts);
  for (size_t k = 0; k < ncuts; k++) cuts[k] = (k + 1) * 1000;
  got = run_cuts(in.s, in.len, cuts, ncuts, 0);
  CHECK(strcmp(got, want.s) == 0);
  free(got);
  free(cuts);
  free(in.s);
  free(want.s);
  /* The argv array is reused: a pipeline of 3-argument commands needs 3 slots; a wide
   * command's array is given back between requests. */
  resp_parser p;
  resp_init(&p, &M);
  resp_cmd cmd;
  for (int i = 0; i < 100; i++) {
    CHECK(resp_feed(&p, S("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")) == 0);
    CHECK(resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 3);
    resp_compact(&p);
  }
  CHECK(p.argv_cap == 3);
  logbuf wide = { 0 };
  lprintf(&wide, "*2000\r\n");
  for (int i = 0; i < 2000; i++) lprintf(&wide, "$1\r\n%c\r\n", 'a' + i % 26);
  CHECK(resp_feed(&p, wide.s, wide.len) == 0 && resp_next(&p, &cmd) == RESP_CMD &&
        cmd.argc == 2000 && cmd.argv[1999].ptr[0] == 'a' + 1999 % 26);
  CHECK(resp_next(&p, &cmd) == RESP_NEED_MORE);
  resp_compact(&p);
  CHECK(p.argv_cap == 0 && resp_pending(&p) == 0 && p.cap == 16384); /* 16 KiB kept */
  free(wide.s);
  resp_free(&p);
  CHECK(sm_total_bytes(&M) == 0);
}

/* resp_pending and resp_needed as the server's query-buffer-limit check reads them. */
static void test_pending(void) {
  resp_parser p;
  resp_init(&p, &M);
  resp_cmd cmd;
  CHECK(resp_feed(&p, S("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$100\r\nab")) == 0);
  CHECK(resp_next(&p, &cmd) == RESP_CMD);
  CHECK(resp_next(&p, &cmd) == RESP_NEED_MORE);
  CHECK(resp_needed(&p) == 19 + 100 + 2); /* from "*2" to the payload's CRLF */
  resp_compact(&p);
  CHECK(resp_pending(&p) == 21 && p.len == 21);
  CHECK(resp_needed(&p) == 19 + 100 + 2);
  char rest[100];
  memset(rest, 'x', sizeof rest);
  CHECK(resp_feed(&p, rest, 98) == 0 && resp_next(&p, &cmd) == RESP_NEED_MORE);
  CHECK(resp_feed(&p, "\r\n", 2) == 0 && resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 2 &&
        cmd.argv[1].len == 100 && memcmp(cmd.argv[1].ptr, "ab", 2) == 0 &&
        cmd.argv[1].ptr[99] == 'x');
  CHECK(resp_needed(&p) == 0);
  resp_compact(&p);
  CHECK(resp_pending(&p) == 0);
  resp_free(&p);
}

/* ------------------------------------------------------------------------------ fuzz */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* A random request appended to `in`, its expected log to `want`. */
static void random_frame(logbuf *in, logbuf *want) {
  size_t kind = below(10);
  if (kind < 6) {
    int argc = 1 + (int)below(5);
    lprintf(in, "*%d\r\n", argc);
    lprintf(want, "C%d", argc);
    for (int i = 0; i < argc; i++) {
      size_t len = below(32) == 0 ? below(3000) : below(24);
      unsigned char a[3000];
      for (size_t k = 0; k < len; k++) a[k] = (unsigned char)rnd();
      lprintf(in, "$%zu\r\n", len);
      lput(in, (const char *)a, len);
      lput(in, "\r\n", 2);
      lput(want, "[", 1);
      lbytes(want, a, len);
      lput(want, "]", 1);
    }
    lput(want, ";", 1);
  } else if (kind < 9) {
    int words = 1 + (int)below(4);
    lprintf(want, "C%d", words);
    for (int i = 0; i < words; i++) {
      char w[16];
      size_t len = 1 + below(sizeof w - 1);
      for (size_t k = 0; k < len; k++) w[k] = (char)('a' + below(26));
      if (i) lput(in, " ", 1);
      lput(in, w, len);
      lput(want, "[", 1);
      lput(want, w, len);
      lput(want, "]", 1);
    }
    if (below(2))
      lput(in, "\r\n", 2);
    else
      lput(in, "\n", 1);
    lput(want, ";", 1);
  } else {
    if (below(2))
      lput(in, "*0\r\n", 4);
    else
      lput(in, "\r\n", 2);
    lput(want, "E;", 2);
  }
}

static void random_cuts(size_t n, size_t *cuts, size_t *ncuts) {
  size_t k = 0, at = 0;
  while (k < 64) {
    at += 1 + (below(4) == 0 ? below(2000) : below(40));
    if (at >= n) break;
    cuts[k++] = at;
  }
  *ncuts = k;
}

static void test_fuzz(void) {
  size_t frames = 0, valid_ok = 0, valid_runs = 0, mutated_ok = 0, mutated_runs = 0;
  size_t cuts[64], ncuts;
  while (frames < 200000) {
    logbuf in = { 0 }, want = { 0 };
    lput(&in, "", 0);
    lput(&want, "", 0);
    int nf = 1 + (int)below(60);
    for (int i = 0; i < nf; i++) random_frame(&in, &want);
    frames += (size_t)nf;
    lput(&want, "N", 1);
    /* Valid streams: the exact commands, whatever the read sizes. */
    random_cuts(in.len, cuts, &ncuts);
    char *got = run_cuts(in.s, in.len, cuts, ncuts, 0);
    valid_runs++;
    valid_ok += strcmp(got, want.s) == 0;
    free(got);
    /* Mutated, truncated streams: some result, never UB, and split-invariant (below 64 KiB no
     * limit depends on how much is buffered). */
    int muts = 1 + (int)below(4);
    for (int m = 0; m < muts; m++) {
      size_t at = below(in.len);
      switch (below(4)) {
        case 0: in.s[at] = (char)rnd(); break;
        case 1: in.s[at] = "*$\r\n\"'\\ 0-"[below(11)]; break;
        case 2: in.len = at; break;
        default: in.s[at] ^= (char)(1 << below(8)); break;
      }
    }
    if (in.len < 60000) {
      int unauth = below(4) == 0;
      char *whole = run_whole(in.s, in.len, unauth);
      random_cuts(in.len, cuts, &ncuts);
      char *split = run_cuts(in.s, in.len, cuts, ncuts, unauth);
      mutated_runs++;
      mutated_ok += strcmp(split, whole) == 0;
      free(whole);
      free(split);
    }
    free(in.s);
    free(want.s);
  }
  CHECK(valid_ok == valid_runs);
  CHECK(mutated_ok == mutated_runs);
  CHECK(bad_result == 0);
  CHECK(sm_total_bytes(&M) == 0);
  printf("fuzz: %zu frames, %zu valid streams, %zu mutated streams\n", frames, valid_runs,
         mutated_runs);
}

/* ------------------------------------------------------------------------------ linear time */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 10 MB value fed one byte per read: O(bytes), and the buffer never more than the request. */
static void test_bytewise_big(void) {
  const size_t big = 10u << 20;
  char head[64];
  int h = snprintf(head, sizeof head, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%zu\r\n", big);
  size_t total = (size_t)h + big + 2;
  unsigned char *in = malloc(total);
  memcpy(in, head, (size_t)h);
  for (size_t i = 0; i < big; i++) in[h + i] = (unsigned char)(i * 31 + 7);
  memcpy(in + h + big, "\r\n", 2);
  resp_parser p;
  resp_init(&p, &M);
  resp_cmd cmd;
  int r = RESP_NEED_MORE, early = 0;
  size_t needed_seen = 0, maxcap = 0;
  double t0 = now_s();
  for (size_t i = 0; i < total; i++) {
    if (resp_feed(&p, in + i, 1) != 0) break;
    r = resp_next(&p, &cmd);
    if (r != RESP_NEED_MORE && i + 1 < total) early++;
    if (resp_needed(&p) > needed_seen) needed_seen = resp_needed(&p);
    if (r == RESP_CMD) break;
    resp_compact(&p);
    if (p.cap > maxcap) maxcap = p.cap;
  }
  double dt = now_s() - t0;
  CHECK(r == RESP_CMD && early == 0 && cmd.argc == 3 && cmd.argv[2].len == big);
  CHECK(r == RESP_CMD && memcmp(cmd.argv[2].ptr, in + h, big) == 0);
  CHECK(needed_seen == total);
  CHECK(maxcap <= total); /* capped at the payload's end */
  CHECK(dt < 30.0);       /* ~1 s under ASan; quadratic work would take days */
  printf("bytewise 10 MB bulk: %.2f s\n", dt);
  resp_compact(&p);
  CHECK(p.buf == NULL); /* the big buffer is given back once empty */
  resp_free(&p);
  /* A 60 KB inline line a byte at a time, and a header line that never ends: also linear. */
  resp_init(&p, &M);
  t0 = now_s();
  for (int i = 0; i < 60000; i++) {
    if (resp_feed(&p, i == 0 ? "E" : "a", 1) != 0 || resp_next(&p, &cmd) != RESP_NEED_MORE) early++;
    resp_compact(&p);
  }
  CHECK(resp_feed(&p, "\n", 1) == 0 && resp_next(&p, &cmd) == RESP_CMD && cmd.argv[0].len == 60000);
  resp_free(&p);
  resp_init(&p, &M);
  int errs = 0;
  for (int i = 0; i < 70000 && !errs; i++) {
    if (resp_feed(&p, i == 0 ? "*" : "1", 1) != 0) early++;
    int rr = resp_next(&p, &cmd);
    if (rr == RESP_ERROR) errs = i + 1;
    resp_compact(&p);
  }
  CHECK(errs == 65537 && early == 0);
  CHECK(dt < 30.0 && now_s() - t0 < 30.0);
  resp_free(&p);
  free(in);
  CHECK(sm_total_bytes(&M) == 0);
}

/* ------------------------------------------------------------------------------ replies */

/* Drain everything with takes of random sizes; returns a malloc'd copy (and its length). */
static unsigned char *take_all(reply_buf *r, size_t *n) {
  size_t cap = r->pending + 1, got = 0;
  unsigned char *out = malloc(cap);
  for (;;) {
    size_t want = 1 + below(below(2) ? 7 : 40000);
    if (want > cap - got) want = cap - got;
    size_t k = reply_take(r, out + got, want);
    got += k;
    if (k == 0 && want > 0) break;
  }
  *n = got;
  return out;
}

static int drained_is(reply_buf *r, const void *want, size_t n) {
  size_t got;
  unsigned char *out = take_all(r, &got);
  int ok = got == n && memcmp(out, want, n) == 0 && r->pending == 0;
  if (!ok) {
    logbuf l = { 0 };
    lbytes(&l, out, got);
    fprintf(stderr, "  drained %zu bytes: %.300s\n", got, l.s);
    free(l.s);
  }
  free(out);
  return ok;
}

#define DRAINED(r, lit) drained_is(r, lit, sizeof(lit) - 1)

static void test_encoders(void) {
  reply_buf r;
  reply_init(&r, &M);
  reply_simple(&r, "OK");
  reply_int(&r, 0);
  reply_int(&r, -1);
  reply_int(&r, 9223372036854775807ll);
  reply_int(&r, (-9223372036854775807ll - 1));
  reply_bulk(&r, "foo", 3);
  reply_bulk(&r, "", 0);
  reply_bulk_cstr(&r, "bar");
  reply_bulk_cstr(&r, NULL);
  reply_null_bulk(&r);
  reply_null_array(&r);
  reply_array(&r, 3);
  reply_array(&r, 0);
  reply_bulk_ll(&r, -123);
  reply_raw(&r, "+RAW\r\n", 6);
  CHECK(DRAINED(&r, "+OK\r\n:0\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n"
                    "$3\r\nfoo\r\n$0\r\n\r\n$3\r\nbar\r\n$-1\r\n$-1\r\n*-1\r\n*3\r\n*0\r\n"
                    "$4\r\n-123\r\n+RAW\r\n"));
  /* Errors: the code first; CR/LF trimmed at the ends and spaces inside (addReplyErrorFormat). */
  reply_error(&r, "ERR syntax error");
  reply_error(&r, "ERR wrong number of arguments for '%s' command", "get");
  reply_error(&r, "ERR a\r\nb\n");
  reply_error(&r, "\r\nERR x\r\n");
  reply_error(&r, "ERR Protocol error: expected '$', got '%c'", '\r');
  reply_error(&r, "ERR got '%c' here", 0); /* sdscatvprintf: the text ends at the NUL */
  reply_error_raw(&r, "WRONGTYPE a\nb", 13);
  CHECK(r.errors == 7);
  CHECK(DRAINED(&r, "-ERR syntax error\r\n-ERR wrong number of arguments for 'get' command\r\n"
                    "-ERR a  b\r\n-ERR x\r\n-ERR Protocol error: expected '$', got ' '\r\n"
                    "-ERR got '\r\n-WRONGTYPE a b\r\n"));
  /* A long error text (formatted straight into the chain). */
  char longtext[3000];
  memset(longtext, 'e', sizeof longtext - 1);
  longtext[sizeof longtext - 1] = '\0';
  longtext[1000] = '\n';
  reply_error(&r, "ERR %s\n", longtext);
  longtext[1000] = ' ';
  char want[3100];
  int wn = snprintf(want, sizeof want, "-ERR %s\r\n", longtext);
  CHECK(drained_is(&r, want, (size_t)wn) && r.errors == 8);
  /* Doubles as ZSCORE prints them (addReplyDouble, RESP2). */
  const struct {
    double d;
    const char *out;
  } dbl[] = { { 0.1, "0.10000000000000001" },
              { 1, "1" },
              { -0.0, "-0" },
              { 1e300, "1.0000000000000001e+300" },
              { 3.0e-5, "3.0000000000000001e-05" },
              { INFINITY, "inf" },
              { -INFINITY, "-inf" },
              { 1e-310, "9.9999999999999694e-311" },
              { 0.3, "0.29999999999999999" },
              { 1e17, "1e+17" },
              { 1e16, "10000000000000000" },
              { 123456789012345678.0, "1.2345678901234568e+17" },
              { 4.9e-324, "4.9406564584124654e-324" },
              { -1.5, "-1.5" },
              { 4e18, "4e+18" } };
  for (size_t i = 0; i < sizeof dbl / sizeof *dbl; i++) {
    reply_double(&r, dbl[i].d);
    char w[64];
    int n = snprintf(w, sizeof w, "$%zu\r\n%s\r\n", strlen(dbl[i].out), dbl[i].out);
    CHECK(drained_is(&r, w, (size_t)n));
  }
  /* The integer fast path prints what "%.17g" prints (Redis's addReplyDouble): around +-2^52,
   * 2^53 and 2^63, and a spread of integral and near-integral values. */
  double edges[] = { 4503599627370495.0,
                     4503599627370496.0,
                     4503599627370497.0,
                     9007199254740992.0,
                     9007199254740993.0,
                     9223372036854775808.0,
                     1.0,
                     -1.0,
                     123.0,
                     1e15,
                     -1e15,
                     2.5 };
  for (int i = 0; i < 2000; i++) {
    double d = i < 12 ? edges[i] : (i % 2 ? -1.0 : 1.0) * (double)((unsigned)i * 2654435761u);
    if (i >= 12 && i % 7 == 0) d += 0.5;
    for (int sign = 0; sign < 2; sign++, d = -d) {
      reply_double(&r, d);
      char txt[64], w[80];
      snprintf(txt, sizeof txt, "%.17g", d);
      int n = snprintf(w, sizeof w, "$%zu\r\n%s\r\n", strlen(txt), txt);
      CHECK(drained_is(&r, w, (size_t)n));
    }
  }
  reply_free(&r);
  CHECK(sm_total_bytes(&M) == 0);
}

static void test_chaining(void) {
  reply_buf r;
  reply_init(&r, &M);
  logbuf want = { 0 };
  static unsigned char blob[300000];
  for (size_t i = 0; i < sizeof blob; i++) blob[i] = (unsigned char)(i * 7);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 30000; i++) {
      if (i % 5000 == 17) {
        size_t len = 20000 + below(sizeof blob - 20000);
        reply_bulk(&r, blob, len);
        lprintf(&want, "$%zu\r\n", len);
        lput(&want, (const char *)blob, len);
        lput(&want, "\r\n", 2);
      } else if (i % 3 == 0) {
        reply_int(&r, i);
        lprintf(&want, ":%d\r\n", i);
      } else {
        reply_bulk(&r, "value", 5);
        lput(&want, "$5\r\nvalue\r\n", 11);
      }
    }
    CHECK(r.pending == want.len);
    int chunks = 0, big = 0;
    for (reply_chunk *c = r.head; c != NULL; c = c->next)
      chunks++, big += c->size > REPLY_CHUNK_BYTES;
    CHECK(chunks > 10 && big >= 1);
    CHECK(drained_is(&r, want.s, want.len));
    want.len = 0;
    /* Drained: one standard chunk kept, empty. */
    CHECK(r.head != NULL && r.head == r.tail && r.head->used == 0 && r.pending == 0);
    CHECK(M.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].count == 1);
  }
  reply_trim(&r);
  CHECK(r.head == NULL && sm_total_bytes(&M) == 0);
  reply_free(&r);
  free(want.s);
}

static void test_deferred(void) {
  reply_buf r;
  reply_init(&r, &M);
  /* Plain. */
  void *h = reply_defer_len(&r);
  reply_bulk(&r, "a", 1);
  reply_bulk(&r, "b", 1);
  reply_set_defer_len(&r, h, 2);
  CHECK(DRAINED(&r, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
  /* Nested, and two siblings set in reverse order. */
  reply_simple(&r, "X");
  void *outer = reply_defer_len(&r);
  void *in1 = reply_defer_len(&r);
  reply_int(&r, 1);
  reply_set_defer_len(&r, in1, 1);
  void *in2 = reply_defer_len(&r);
  void *in3 = reply_defer_len(&r);
  reply_int(&r, 3);
  reply_set_defer_len(&r, in3, 1);
  reply_int(&r, 2);
  reply_set_defer_len(&r, in2, 2);
  reply_set_defer_len(&r, outer, 2);
  reply_simple(&r, "Y");
  CHECK(DRAINED(&r, "+X\r\n*2\r\n*1\r\n:1\r\n*2\r\n*1\r\n:3\r\n:2\r\n+Y\r\n"));
  /* A deferred array of many items (over several chunks), and a big count. */
  h = reply_defer_len(&r);
  logbuf want = { 0 };
  for (int i = 0; i < 5000; i++) reply_bulk(&r, "0123456789", 10);
  reply_set_defer_len(&r, h, 5000);
  lprintf(&want, "*5000\r\n");
  for (int i = 0; i < 5000; i++) lput(&want, "$10\r\n0123456789\r\n", 17);
  CHECK(drained_is(&r, want.s, want.len));
  h = reply_defer_len(&r);
  reply_set_defer_len(&r, h, -9223372036854775807l - 1);
  CHECK(DRAINED(&r, "*-9223372036854775808\r\n"));
  /* take stops in front of an unset header; pending counts its room meanwhile. */
  reply_simple(&r, "A");
  h = reply_defer_len(&r);
  reply_simple(&r, "B");
  unsigned char out[64];
  CHECK(reply_take(&r, out, sizeof out) == 4 && memcmp(out, "+A\r\n", 4) == 0);
  CHECK(reply_take(&r, out, sizeof out) == 0 && r.pending == 23 + 4);
  reply_set_defer_len(&r, h, 1);
  CHECK(r.pending == 8 && DRAINED(&r, "*1\r\n+B\r\n"));
  /* A tail with less room than a header: the header starts a chunk. */
  size_t fill = r.tail->size - r.tail->used - 10;
  static char pad[REPLY_CHUNK_BYTES];
  memset(pad, 'p', sizeof pad);
  reply_raw(&r, pad, fill);
  h = reply_defer_len(&r);
  reply_int(&r, 7);
  reply_set_defer_len(&r, h, 1);
  want.len = 0;
  lput(&want, pad, fill);
  lput(&want, "*1\r\n:7\r\n", 8);
  CHECK(drained_is(&r, want.s, want.len));
  reply_set_defer_len(&r, NULL, 3); /* a handle lost to OOM is ignored */
  CHECK(r.pending == 0);
  reply_free(&r);
  free(want.s);
  CHECK(sm_total_bytes(&M) == 0);
}

static void test_truncate(void) {
  reply_buf r;
  reply_init(&r, &M);
  reply_pos mark;
  /* On an empty buffer. */
  reply_mark(&r, &mark);
  for (int i = 0; i < 10000; i++) reply_bulk(&r, "half-written", 12);
  reply_truncate(&r, &mark);
  CHECK(r.pending == 0 && r.head == NULL && sm_total_bytes(&M) == 0);
  /* After some output, across chunks, with a deferred header in between. */
  reply_simple(&r, "KEEP");
  reply_mark(&r, &mark);
  void *h = reply_defer_len(&r);
  for (int i = 0; i < 10000; i++) reply_bulk(&r, "half-written", 12);
  (void)h;
  reply_truncate(&r, &mark);
  reply_error(&r, "OOM command not allowed when used memory > 'maxmemory'.");
  CHECK(DRAINED(&r, "+KEEP\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n"));
  CHECK(M.cell[SM_STORE][TM_CAT_BUFFERS][TM_DRAM].count == 1);
  /* A mark inside a chunk whose header was reserved after it. */
  reply_simple(&r, "A");
  reply_mark(&r, &mark);
  h = reply_defer_len(&r);
  reply_int(&r, 1);
  reply_truncate(&r, &mark);
  h = reply_defer_len(&r); /* the chunk accepts a new header */
  reply_int(&r, 2);
  reply_set_defer_len(&r, h, 1);
  CHECK(DRAINED(&r, "+A\r\n*1\r\n:2\r\n"));
  reply_free(&r);
  CHECK(sm_total_bytes(&M) == 0);
}

/* Out of memory: a strict DRAM tier at its limit. */
static void test_oom(tm_heap *heap) {
  reply_buf r;
  resp_parser p;
  reply_init(&r, &M);
  resp_init(&p, &M);
  reply_simple(&r, "OK");
  CHECK(resp_feed(&p, S("*1\r\n$4\r\nPI")) == 0);
  tm_set_policy(heap, TM_POLICY_STRICT);
  tm_set_limit(heap, TM_DRAM, (size_t)sm_total_bytes(&M) + 4096);
  static char big[100000];
  memset(big, 'z', sizeof big);
  reply_bulk(&r, big, sizeof big);
  CHECK(r.oom == 1);
  reply_int(&r, 1); /* ignored or not: no crash, no leak */
  CHECK(resp_feed(&p, big, sizeof big) == -1);
  resp_cmd cmd;
  CHECK(resp_next(&p, &cmd) == RESP_NEED_MORE); /* nothing was appended */
  CHECK(resp_feed(&p, "NG\r\n", 4) == 0 && resp_next(&p, &cmd) == RESP_CMD);
  tm_set_limit(heap, TM_DRAM, 0);
  tm_set_policy(heap, TM_POLICY_SPILL);
  reply_free(&r);
  resp_free(&p);
  CHECK(sm_total_bytes(&M) == 0);
}

#define TIMED(call)                                                                        \
  do {                                                                                     \
    double t_ = now_s();                                                                   \
    call;                                                                                  \
    if (getenv("RESP_TEST_TIMES")) fprintf(stderr, "%-24s %.2f s\n", #call, now_s() - t_); \
  } while (0)

int main(void) {
  tm_heap *heap = check_heap(1 << 20, TM_POLICY_SPILL);
  sm_init(&M, heap);
  TIMED(test_cases());
  TIMED(test_limits());
  TIMED(test_pipeline());
  TIMED(test_pending());
  TIMED(test_fuzz());
  TIMED(test_bytewise_big());
  TIMED(test_encoders());
  TIMED(test_chaining());
  TIMED(test_deferred());
  TIMED(test_truncate());
  TIMED(test_oom(heap));
  for (int o = 0; o < SM_OWNERS; o++)
    for (int c = 0; c < TM_CAT_COUNT; c++)
      for (int t = 0; t < TM_TIER_COUNT; t++)
        CHECK(M.cell[o][c][t].bytes == 0 && M.cell[o][c][t].count == 0);
  tm_heap_destroy(heap);
  return check_done("resp_test");
}
