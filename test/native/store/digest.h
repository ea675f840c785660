/* digest.h - an order-independent digest of a store's whole dataset (every key, type, value
 * and TTL of every db, read back through commands), so that a test can record the dataset at a
 * snapshot's cut and compare a loaded file with it. */
#ifndef TM_STORE_TEST_DIGEST_H
#define TM_STORE_TEST_DIGEST_H

#include <stdlib.h>

#include "cmdtest.h"
#include "entry.h"

static inline uint64_t fnv(const void *p, size_t n, uint64_t h) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
  return h;
}

/* The bulk strings of a RESP reply (arrays flattened), hashed in order, or as a multiset. */
static inline uint64_t reply_hash(const char *r, int unordered) {
  uint64_t h = 1469598103934665603ull, acc = 0;
  const char *p = r;
  while (*p) {
    if (*p == '$') {
      long n = strtol(p + 1, (char **)&p, 10);
      p += 2;
      if (n < 0) continue;
      uint64_t x = fnv(p, (size_t)n, 1469598103934665603ull);
      if (unordered)
        acc += x * 0x9E3779B97F4A7C15ull;
      else
        h = fnv(&x, 8, h);
      p += n + 2;
    } else {
      const char *e = strstr(p, "\r\n");
      if (e == NULL) break;
      h = fnv(p, (size_t)(e - p), h);
      p = e + 2;
    }
  }
  return unordered ? acc : h;
}

typedef struct digest_ctx {
  st_client *c;
  uint64_t sum;
  size_t keys;
} digest_ctx;

static inline void digest_key(const dict_node *n, void *arg) {
  digest_ctx *d = arg;
  const st_entry *e = (const st_entry *)n;
  size_t klen;
  const unsigned char *k = entry_key(e, &klen);
  char key[512];
  memcpy(key, k, klen);
  key[klen] = '\0';
  uint64_t h = fnv(k, klen, 1469598103934665603ull);
  int64_t exp = entry_expire(e);
  h = fnv(&exp, 8, h);
  unsigned t = entry_type(e);
  h = fnv(&t, sizeof t, h);
  const char *argv[6];
  size_t lens[6];
  int argc = 2, unordered = 0;
  argv[1] = key;
  lens[1] = klen;
  switch (t) {
    case ST_STRING: argv[0] = "GET"; break;
    case ST_LIST: argv[0] = "LRANGE", argv[2] = "0", argv[3] = "-1", argc = 4; break;
    case ST_SET: argv[0] = "SMEMBERS", unordered = 1; break;
    case ST_HASH: argv[0] = "HGETALL", unordered = 2; break;
    default: argv[0] = "DUMP"; break;
  }
  for (int i = 0; i < argc; i++)
    if (i != 1) lens[i] = strlen(argv[i]);
  const char *r = exec_argv(d->c, argc, argv, lens);
  if (unordered == 2) {
    /* field/value pairs: hash each pair, sum the pair hashes */
    uint64_t acc = 0;
    const char *p = r;
    while ((p = strchr(p, '$')) != NULL) {
      long n1 = strtol(p + 1, (char **)&p, 10);
      p += 2;
      uint64_t x = fnv(p, (size_t)n1, 7);
      p += n1 + 2;
      long n2 = strtol(p + 1, (char **)&p, 10);
      p += 2;
      x = fnv(p, (size_t)n2, x);
      p += n2 + 2;
      acc += x * 0x9E3779B97F4A7C15ull;
    }
    h = fnv(&acc, 8, h);
  } else {
    uint64_t x = reply_hash(r, unordered);
    h = fnv(&x, 8, h);
  }
  d->sum += h * 0xff51afd7ed558ccdull + 1;
  d->keys++;
}

typedef struct node_list {
  const dict_node **v;
  size_t n;
} node_list;

static inline void collect_node(const dict_node *n, void *arg) {
  node_list *l = arg;
  l->v[l->n++] = n;
}

/* Calls fn on every entry of db i. The entries are listed first: the commands digest_key runs
 * may step the keyspace's incremental rehash, which moves nodes under a walk in progress. */
static inline void each_entry(st_store *st, int i, void (*fn)(const dict_node *, void *),
                              void *arg) {
  node_list l = { malloc((dict_size(&st->dbs[i].keys) + 1) * sizeof *l.v), 0 };
  st_walk_dict_nodes(&st->dbs[i].keys, collect_node, &l);
  for (size_t j = 0; j < l.n; j++) fn(l.v[j], arg);
  free(l.v);
}

/* An order-independent digest of every key, type, value and TTL of every db. */
static inline uint64_t digest(st_store *st, st_client *c, size_t *keys) {
  digest_ctx d = { c, 0, 0 };
  st_db *saved = c->db;
  for (int i = 0; i < st->ndb; i++) {
    c->db = &st->dbs[i];
    uint64_t before = d.sum;
    size_t kb = d.keys;
    each_entry(st, i, digest_key, &d);
    if (d.keys != kb) d.sum = fnv(&i, sizeof i, d.sum - before) + before;
  }
  c->db = saved;
  if (keys) *keys = d.keys;
  return d.sum;
}

#endif
