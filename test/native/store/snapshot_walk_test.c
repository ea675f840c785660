/* The block walker visits a running snapshot's own blocks (its state, db map, output and side
 * buffers): while a BGSAVE is under way the walk still equals the accounting exactly (the soak's
 * page census found 2 metadata blocks and 1 buffer missing). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmdtest.h"
#include "snapshot.h"
#include "walkcheck.h"

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  char v[300];
  memset(v, 'v', sizeof v - 1);
  v[sizeof v - 1] = '\0';
  for (int i = 0; i < 3000; i++) {
    char k[32];
    snprintf(k, sizeof k, "key:%d", i);
    exec(c, "SET", k, v, NULL);
    if (i % 10 == 0) exec(c, "RPUSH", "list", v, NULL);
  }
  check_exact(st, "before the snapshot");
  char path[] = "/tmp/snapshot_walk_test.XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  CHECK(snapshot_start(st, fd, 1, 1, 0) == 0);
  check_exact(st, "snapshot started");
  int r = 0, steps = 0;
  while ((r = snapshot_step(st, 1)) == 0) {
    if (steps++ % 8 == 0) {
      exec(c, "SET", "key:1", "changed", NULL); /* a pre-image into the side buffer */
      check_exact(st, "snapshot running");
    }
  }
  CHECK(r == 1);
  CHECK(steps > 1);
  check_exact(st, "snapshot done");
  close(fd);
  exec(c, "FLUSHALL", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("snapshot_walk_test");
}
