/* prefetch_test.c - the pipeline prefetch (prefetch.h): resp_peek's look-ahead leaves the parser
 * as it was and finds each complete request's key; dict_slot names the chain a lookup walks,
 * stable or mid-rehash; and a pipeline run with prefetching replies byte for byte what the same
 * commands fed one at a time reply. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cmdtest.h"
#include "dict.h"
#include "prefetch.h"
#include "resp.h"
#include "store.h"

static sm M;

static int arg_is_str(const resp_arg *a, const char *s) {
  return a->ptr != NULL && a->len == strlen(s) && memcmp(a->ptr, s, a->len) == 0;
}

static void test_peek(void) {
  resp_parser p;
  resp_init(&p, &M);
  resp_arg args[8];
  const char *pipe = "*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n"
                     "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nv\r\nxy\r\n"
                     "*1\r\n$4\r\nPING\r\n"
                     "*2\r\n$3\r\nGET\r\n$2\r\nk";
  CHECK(resp_feed(&p, pipe, strlen(pipe)) == 0);
  resp_parser before = p;
  int n = resp_peek(&p, args, 8);
  CHECK(n == 3);
  CHECK(arg_is_str(&args[0], "k1"));
  CHECK(arg_is_str(&args[1], "key"));
  CHECK(args[2].ptr == NULL && args[2].len == 0); /* PING has no argument */
  CHECK(memcmp(&before, &p, sizeof p) == 0);      /* read-only */
  CHECK(resp_peek(&p, args, 2) == 2);             /* max respected */
  /* The parser then finds the same requests, and the keys point at the same bytes. */
  resp_cmd cmd;
  CHECK(resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 2 && cmd.argv[1].ptr == args[0].ptr);
  CHECK(resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 3 && cmd.argv[1].ptr == args[1].ptr);
  CHECK(resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 1);
  CHECK(resp_next(&p, &cmd) == RESP_NEED_MORE);
  CHECK(resp_peek(&p, args, 8) == 0); /* inside an incomplete request */
  CHECK(resp_feed(&p, "2\r\n", 3) == 0);
  CHECK(resp_next(&p, &cmd) == RESP_CMD && cmd.argc == 2 && arg_is_str(&cmd.argv[1], "k2"));
  resp_compact(&p);
  CHECK(resp_peek(&p, args, 8) == 0); /* nothing buffered */

  /* Stops at what it does not vouch for: inline, empty, signed or odd counts, too many args. */
  const char *stops[] = { "GET k\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                          "*0\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                          "*-1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                          "*+2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                          "*2\r\n$3\r\nGET\r\n:1\r\n",
                          "*2\r\n$3\r\nGET\r\n$-1\r\n",
                          "*2\r\n$3\r\nGET\r\n$1\r\nk\r",
                          "*2\r" };
  for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
    resp_free(&p);
    CHECK(resp_feed(&p, stops[i], strlen(stops[i])) == 0);
    CHECK(resp_peek(&p, args, 8) == 0);
  }
  /* A request after a good one is counted only when complete. */
  resp_free(&p);
  const char *two = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r";
  CHECK(resp_feed(&p, two, strlen(two)) == 0);
  CHECK(resp_peek(&p, args, 8) == 1 && arg_is_str(&args[0], "a"));
  /* 64 arguments are looked at, 65 are not. */
  char big[4096];
  for (int argc = 64; argc <= 65; argc++) {
    size_t len = (size_t)snprintf(big, sizeof big, "*%d\r\n", argc);
    for (int a = 0; a < argc; a++)
      len += (size_t)snprintf(big + len, sizeof big - len, "$1\r\nx\r\n");
    resp_free(&p);
    CHECK(resp_feed(&p, big, len) == 0);
    CHECK(resp_peek(&p, args, 8) == (argc == 64 ? 1 : 0));
  }
  resp_free(&p);
}

/* Every key of d: the chain dict_slot names holds its node, or mid-rehash (where a key added
 * since the resize began is in the new table whatever its old bucket) the new table's chain. */
static int slots_hold_keys(st_db *db, int nkeys) {
  int bad = 0;
  for (int i = 0; i < nkeys; i++) {
    char k[32];
    int len = snprintf(k, sizeof k, "key:%d", i);
    dict_node *want = dict_find(&db->keys, k, (size_t)len);
    if (want == NULL) continue;
    dict_node *const *slot = dict_slot(&db->keys, dict_hash(k, (size_t)len));
    int found = 0;
    for (dict_node *n = slot != NULL ? *slot : NULL; n != NULL; n = n->next) found |= n == want;
    const dict_table *t1 = &db->keys.t[1];
    if (!found && db->keys.state == DICT_REHASHING)
      for (dict_node *n = t1->b[dict_hash(k, (size_t)len) & (t1->size - 1)]; n; n = n->next)
        found |= n == want;
    bad += !found;
  }
  return bad;
}

/* A pipeline's replies with prefetching equal the same commands' replies one at a time. */
static void test_pipeline(tm_heap *heap) {
  st_store *a = st_create(heap, NULL), *b = st_create(heap, NULL);
  st_client *ca = st_client_new(a), *cb = st_client_new(b);
  CHECK(dict_slot(&a->dbs[0].keys, 1) == NULL); /* empty */
  static char pipe[1 << 20];
  static char got[1 << 20], want[1 << 20];
  size_t wantlen = 0;
  int rehash_seen = 0, bad_slots = 0;
  for (int round = 0; round < 40; round++) {
    size_t n = 0;
    for (int j = 0; j < 50; j++) {
      int key = (round * 37 + j * 11) % (200 + round * 20);
      char k[32], v[64];
      int kl = snprintf(k, sizeof k, "key:%d", key);
      int vl = snprintf(v, sizeof v, "value-%d-%d", round, j);
      const char *argv[4];
      size_t lens[4];
      int argc;
      switch (j % 5) {
        case 0: argc = 3, argv[0] = "SET", argv[2] = v, lens[2] = (size_t)vl; break;
        case 1: argc = 2, argv[0] = "DEL"; break;
        case 2: argc = 3, argv[0] = "APPEND", argv[2] = "+", lens[2] = 1; break;
        case 3: argc = 1, argv[0] = "DBSIZE"; break;
        default: argc = 2, argv[0] = "GET"; break;
      }
      argv[1] = k;
      lens[1] = (size_t)kl;
      lens[0] = strlen(argv[0]);
      size_t start = n;
      n += (size_t)snprintf(pipe + n, sizeof pipe - n, "*%d\r\n", argc);
      for (int i = 0; i < argc; i++) {
        n += (size_t)snprintf(pipe + n, sizeof pipe - n, "$%zu\r\n", lens[i]);
        memcpy(pipe + n, argv[i], lens[i]);
        n += lens[i];
        memcpy(pipe + n, "\r\n", 2);
        n += 2;
      }
      /* b: one command per feed (no look-ahead possible). */
      st_feed(cb, pipe + start, n - start);
      wantlen += reply_take(&cb->out, want + wantlen, sizeof want - wantlen);
    }
    /* a: the whole pipeline in one feed, and again split in two at an odd offset. */
    if (round % 2 == 0) {
      st_feed(ca, pipe, n);
    } else {
      st_feed(ca, pipe, n / 3);
      st_feed(ca, pipe + n / 3, n - n / 3);
    }
    rehash_seen |= dict_resizing(&a->dbs[0].keys);
    bad_slots += slots_hold_keys(&a->dbs[0], 1200);
  }
  size_t gotlen = reply_take(&ca->out, got, sizeof got);
  CHECK(gotlen == wantlen && memcmp(got, want, gotlen) == 0);
  CHECK(bad_slots == 0);
  CHECK(rehash_seen);
  st_destroy(a);
  st_destroy(b);
}

int main(void) {
  tm_heap *heap = check_heap(1 << 20, TM_POLICY_SPILL);
  sm_init(&M, heap);
  test_peek();
  test_pipeline(heap);
  tm_heap_destroy(heap);
  return check_done("prefetch_test");
}
