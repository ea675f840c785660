/* aof_disk_error_test.c - writes refused after an AOF write error (cfg.aof_write_errno, set by
 * the control plane), as Redis 7.0.15's writeCommandsDeniedByDiskError: writes and PING get
 * "MISCONF Errors writing to the AOF file: <strerror>", reads run, EXEC with a queued write is
 * aborted with that text, a failed BGSAVE's MISCONF comes first, and errno 0 lifts it.
 * test/store.aof-write-error.test.ts compares the same sequence with redis-server on a full
 * filesystem. */
#include <errno.h>

#include "aof.h"
#include "cmdtest.h"
#include "walkcheck.h"

#define OK "+OK\r\n"
#define QUEUED "+QUEUED\r\n"
#define AOF_ENOSPC "-MISCONF Errors writing to the AOF file: No space left on device\r\n"
#define EIO_TEXT "MISCONF Errors writing to the AOF file: Input/output error\r\n"
#define AOF_EIO "-" EIO_TEXT
#define RDB_MISCONF "-MISCONF Redis is configured to save RDB snapshots"

int main(void) {
  tm_heap *h = check_heap(64, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  CHECK(aof_disk_error(st) == NULL);
  CHECK_REPLY(c, OK, "SET", "k", "v");

  st->cfg.aof_write_errno = ENOSPC;
  CHECK_REPLY(c, AOF_ENOSPC, "SET", "k", "w");
  CHECK_REPLY(c, AOF_ENOSPC, "PING");
  CHECK_REPLY(c, AOF_ENOSPC, "DEL", "k");
  CHECK_REPLY(c, "$1\r\nv\r\n", "GET", "k"); /* reads run, the refused writes changed nothing */

  /* A write queued before the error: EXEC is refused as a write, the transaction discarded. */
  st->cfg.aof_write_errno = 0;
  CHECK_REPLY(c, OK, "MULTI");
  CHECK_REPLY(c, QUEUED, "SET", "k", "x");
  st->cfg.aof_write_errno = EIO;
  CHECK_REPLY(c, "-EXECABORT Transaction discarded because of: " EIO_TEXT, "EXEC");
  CHECK(!(c->flags & CL_MULTI));

  /* A failed background save's MISCONF is Redis's first reason. */
  st->cfg.misconf = 1;
  const char *r = exec(c, "SET", "k", "y", NULL);
  CHECK(strncmp(r, RDB_MISCONF, strlen(RDB_MISCONF)) == 0);
  st->cfg.misconf = 0;
  CHECK_REPLY(c, AOF_EIO, "SET", "k", "y");

  st->cfg.aof_write_errno = 0;
  CHECK(aof_disk_error(st) == NULL);
  CHECK_REPLY(c, OK, "SET", "k", "z");
  CHECK_REPLY(c, "+PONG\r\n", "PING");
  CHECK_REPLY(c, "$1\r\nz\r\n", "GET", "k");
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  CHECK(walk_matches(st));
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("aof_disk_error_test");
}
