/* internal.h - internal failures of the engine: the command fails, the store goes on.
 *
 * Where the engine finds its own state impossible (an assertion that does not hold), it does not
 * abort the process: st_internal_error ends the command with an error reply whose code is
 * INTERNAL ("-INTERNAL internal error in 'get' (see the server log)"), so INFO errorstats counts
 * it as errorstat_INTERNAL and failed_calls as usual; st->internal_errors counts it (the
 * control plane exports it as tiermem_internal_errors_total), and a report (where, what, the
 * C stack from backtrace(3)) waits in a small ring for the control plane to take and log
 * (st_internal_take; the socket owner is told by the feed's events). When the ring is full,
 * later reports are dropped but still counted. The client's connection stays usable.
 *
 * ST_ENSURE(c, cond) is the assertion for a void command function: on failure it reports and
 * returns.
 *
 * Tests inject a failure through cfg.test_faults, which only the control plane sets, and only
 * when TIERMEM_TEST_FAULTS=1 was in the environment at start: then a command whose last
 * argument is "tiermem:test-fault:engine" fails this way instead of running. */
#ifndef TM_STORE_INTERNAL_H
#define TM_STORE_INTERNAL_H

#include "store.h"

#define ST_INTERNAL_RING 8
#define ST_TEST_FAULT_ARG "tiermem:test-fault:engine"

typedef struct st_internal_report {
  char where[96];   /* "file.c:123 (command)" */
  char what[160];   /* the failed condition or message */
  char stack[2048]; /* backtrace_symbols lines, '\n'-separated */
} st_internal_report;

typedef struct st_internal {
  st_internal_report ring[ST_INTERNAL_RING];
  unsigned head, count; /* oldest report, reports waiting */
} st_internal;

void st_internal_error_at(st_client *c, const char *file, int line, const char *what);
#define st_internal_error(c, what) st_internal_error_at((c), __FILE__, __LINE__, (what))
#define ST_ENSURE(c, cond)                                                       \
  do {                                                                           \
    if (!(cond)) {                                                               \
      st_internal_error_at((c), __FILE__, __LINE__, "assertion failed: " #cond); \
      return;                                                                    \
    }                                                                            \
  } while (0)

/* Take the oldest waiting report into *out: 1, or 0 when none waits. */
int st_internal_take(st_store *st, st_internal_report *out);
/* 1 if test faults are on and the command asks for one (see above). */
int st_test_fault_requested(const st_client *c);

#endif
