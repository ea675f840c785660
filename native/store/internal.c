/* internal.c - internal failures of the engine (internal.h). */
#include "internal.h"

#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_FRAMES 32

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s != NULL ? s + 1 : path;
}

static void capture_stack(char *out, size_t cap) {
  void *frames[MAX_FRAMES];
  int n = backtrace(frames, MAX_FRAMES);
  char **names = backtrace_symbols(frames, n);
  size_t used = 0;
  out[0] = '\0';
  /* Frame 0 is capture_stack itself. */
  for (int i = 1; i < n && used + 1 < cap; i++) {
    int k = names != NULL ? snprintf(out + used, cap - used, "    at %s\n", names[i])
                          : snprintf(out + used, cap - used, "    at %p\n", frames[i]);
    if (k < 0) break;
    used += (size_t)k < cap - used ? (size_t)k : cap - used - 1;
  }
  free(names);
}

void st_internal_error_at(st_client *c, const char *file, int line, const char *what) {
  st_store *st = c->st;
  const char *name = c->cmd != NULL ? c->cmd->name : "?";
  st->internal_errors++;
  reply_error(&c->out, "INTERNAL internal error in '%s' (see the server log)", name);
  if (st->internal == NULL) st->internal = calloc(1, sizeof *st->internal);
  st_internal *in = st->internal;
  if (in == NULL || in->count == ST_INTERNAL_RING) return; /* counted, not reported */
  st_internal_report *r = &in->ring[(in->head + in->count) % ST_INTERNAL_RING];
  in->count++;
  snprintf(r->where, sizeof r->where, "%s:%d (%s)", base_name(file), line, name);
  snprintf(r->what, sizeof r->what, "%s", what);
  capture_stack(r->stack, sizeof r->stack);
}

int st_internal_take(st_store *st, st_internal_report *out) {
  st_internal *in = st->internal;
  if (in == NULL || in->count == 0) return 0;
  *out = in->ring[in->head];
  in->head = (in->head + 1) % ST_INTERNAL_RING;
  in->count--;
  return 1;
}

int st_test_fault_requested(const st_client *c) {
  return c->st->cfg.test_faults && c->argc > 1 && arg_is(c, c->argc - 1, ST_TEST_FAULT_ARG);
}
