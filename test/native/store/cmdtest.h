/* cmdtest.h - command-level tests of the store in C: a store over a real heap, one client, and
 * exec() that sends one command (as RESP) and returns the raw reply bytes as a C string.
 * Compare the bytes with what redis-server 7.0.15 answers to the same command. */
#ifndef TM_STORE_CMDTEST_H
#define TM_STORE_CMDTEST_H

#include <stdarg.h>
#include <string.h>

#include "check.h"
#include "store.h"

static char cmdtest_buf[1 << 20];

/* Send argv (binary-safe) as one RESP command; return the reply bytes (NUL-terminated copy). */
static inline const char *exec_argv(st_client *c, int argc, const char **argv, const size_t *lens) {
  static char req[1 << 20];
  size_t n = (size_t)snprintf(req, sizeof req, "*%d\r\n", argc);
  for (int i = 0; i < argc; i++) {
    size_t l = lens ? lens[i] : strlen(argv[i]);
    n += (size_t)snprintf(req + n, sizeof req - n, "$%zu\r\n", l);
    memcpy(req + n, argv[i], l);
    n += l;
    memcpy(req + n, "\r\n", 2);
    n += 2;
  }
  st_feed(c, req, n);
  size_t got = reply_take(&c->out, cmdtest_buf, sizeof cmdtest_buf - 1);
  cmdtest_buf[got] = '\0';
  return cmdtest_buf;
}

/* exec(c, "SET", "k", "v", NULL) */
static inline const char *exec(st_client *c, ...) {
  const char *argv[64];
  int argc = 0;
  va_list ap;
  va_start(ap, c);
  for (const char *a; argc < 64 && (a = va_arg(ap, const char *)) != NULL;) argv[argc++] = a;
  va_end(ap);
  return exec_argv(c, argc, argv, NULL);
}

#define CHECK_REPLY(c, expect, ...)                                                      \
  do {                                                                                   \
    const char *got_ = exec(c, __VA_ARGS__, NULL);                                       \
    CHECK(strcmp(got_, expect) == 0);                                                    \
    if (strcmp(got_, expect) != 0) fprintf(stderr, "  got %s  want %s\n", got_, expect); \
  } while (0)

#endif
