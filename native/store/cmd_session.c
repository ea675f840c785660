/* cmd_session.c - a connection's state as a whole (client_reset, RESET) and the commands that
 * read the server's clock or replication state (TIME, WAIT). */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "acl.h"
#include "monitor.h"
#include "pubsub.h"
#include "store.h"

void client_reset(st_client *c) {
  multi_discard(c); /* leaves MULTI, unwatches */
  c->db = &c->st->dbs[0];
  c->resp = 2;
  if (c->name != NULL) {
    sm_free(&c->st->mem, SM_STORE, TM_CAT_BUFFERS, c->name, c->name_len + 1, c->name_tier);
    c->name = NULL;
    c->name_len = 0;
  }
  acl_client_reset(c); /* the default user, authenticated only if it needs no password */
  /* Each feature with per-connection state resets it here, as Redis's
   * clearClientConnectionState: every subscription
   * dropped (which leaves subscribed mode), MONITOR off, CLIENT REPLY back to ON, TRACKING off. */
  ps_unsubscribe_all(c, 0);
  monitor_remove(c);
  c->flags &= ~(uint32_t)(CL_REPLY_OFF | CL_REPLY_SKIP_NEXT);
}

void cmd_reset(st_client *c) {
  client_reset(c);
  reply_simple(&c->out, "RESET");
}

/* TIME: the wall clock now (not the cached command time), as seconds and microseconds. */
void cmd_time(st_client *c) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  reply_array(&c->out, 2);
  reply_bulk_ll(&c->out, (long long)ts.tv_sec);
  reply_bulk_ll(&c->out, (long long)(ts.tv_nsec / 1000));
}

/* WAIT numreplicas timeout: the store has no replicas, so no write is ever acknowledged: the
 * count is 0. Redis answers at once when numreplicas <= 0 (or inside MULTI) and otherwise
 * blocks until the timeout (0: forever) before answering 0; here the answer is always
 * immediate (docs/store.md lists it among the deliberate differences). */
void cmd_wait(st_client *c) {
  long long numreplicas, timeout;
  if (arg_ll(c, 1, &numreplicas) != 0) return;
  if (arg_ll_range(c, 2, LLONG_MIN, LLONG_MAX, &timeout,
                   "ERR timeout is not an integer or out of range") != 0)
    return;
  if (timeout < 0) {
    reply_error(&c->out, "ERR timeout is negative");
    return;
  }
  (void)numreplicas;
  reply_int(&c->out, 0);
}
