/* coll_scan.c - the steps every collection SCAN (HSCAN, SSCAN, ZSCAN) shares: the cursor and
 * its options as Redis parses them, the key's lookup, the bounded dict walk of Redis's
 * scanGenericCommand (at most COUNT*10 buckets), and the MATCH filter. Each type keeps its
 * small-encoding branch (everything at once, cursor 0) and its reply of a node. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "glob.h"
#include "store.h"

/* Redis's parseScanCursorOrReply (SCAN, SSCAN, HSCAN): strtoul semantics (an optional sign, a
 * negative number wraps, "" is 0), no leading space, the argument up to a NUL byte. */
int coll_scan_cursor(st_client *c, int i, uint64_t *out) {
  const unsigned char *p = c->argv[i].ptr;
  size_t len = strnlen((const char *)p, c->argv[i].len), j = 0;
  uint64_t v = 0;
  int neg = 0;
  if (len > 0) {
    if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')) goto bad;
    if (p[0] == '+' || p[0] == '-') neg = p[j++] == '-';
    if (j == len) goto bad;
    for (; j < len; j++) {
      if (p[j] < '0' || p[j] > '9') goto bad;
      unsigned d = p[j] - '0';
      if (v > (UINT64_MAX - d) / 10) goto bad;
      v = v * 10 + d;
    }
  }
  *out = neg ? (uint64_t)0 - v : v;
  return 0;
bad:
  reply_error(&c->out, "ERR invalid cursor");
  return -1;
}

/* [MATCH pattern] [COUNT count] from argument `first` on (Redis's scanGenericCommand). */
int coll_scan_opts(st_client *c, int first, long long *count, const resp_arg **pat) {
  *count = 10;
  *pat = NULL;
  for (int j = first; j < c->argc; j += 2) {
    int more = c->argc - j >= 2;
    if (more && arg_is(c, j, "count")) {
      if (arg_ll(c, j + 1, count) != 0) return -1;
      if (*count < 1) goto syntax;
    } else if (more && arg_is(c, j, "match")) {
      const resp_arg *a = &c->argv[j + 1];
      *pat = (a->len == 1 && a->ptr[0] == '*') ? NULL : a;
    } else {
      goto syntax;
    }
  }
  return 0;
syntax:
  reply_error(&c->out, "%s", ERR_SYNTAX);
  return -1;
}

void coll_reply_cursor(st_client *c, uint64_t cursor) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)cursor);
  reply_array(&c->out, 2);
  reply_bulk(&c->out, buf, (size_t)n);
}

st_entry *coll_scan_begin(st_client *c, int type, uint64_t *cursor, long long *count,
                          const resp_arg **pat) {
  if (coll_scan_cursor(c, 2, cursor) != 0) return NULL;
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e != NULL && check_type(c, e, type)) return NULL;
  if (e == NULL) {
    coll_reply_cursor(c, 0);
    reply_array(&c->out, 0);
    return NULL;
  }
  if (coll_scan_opts(c, 3, count, pat) != 0) return NULL;
  return e;
}

int coll_scan_match(const resp_arg *pat, const unsigned char *s, size_t len) {
  return pat == NULL || glob_match(pat->ptr, pat->len, s, len, 0);
}

typedef struct scan_ctx {
  st_store *st;
  coll_vec *found;
} scan_ctx;

static void collect(dict_node *n, void *arg) {
  scan_ctx *x = arg;
  coll_vec_push(x->st, x->found, n);
}

int coll_scan_dict(st_client *c, dict *d, uint64_t *cursor, long long count,
                   unsigned counted_per_node, unsigned items_per_node, const resp_arg *pat,
                   coll_scan_member_fn *member, coll_vec *found) {
  scan_ctx x = { c->st, found };
  uint64_t maxiter = (uint64_t)count * 10;
  do {
    *cursor = dict_scan(d, *cursor, collect, &x);
  } while (*cursor != 0 && maxiter-- && counted_per_node * found->n < (uint64_t)count &&
           !found->oom);
  if (found->oom) {
    coll_vec_free(c->st, found);
    reply_oom(c);
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < found->n; i++) {
    size_t len;
    const unsigned char *m = member(found->v[i], &len);
    if (coll_scan_match(pat, m, len)) found->v[k++] = found->v[i];
  }
  found->n = k;
  coll_reply_cursor(c, *cursor);
  reply_array(&c->out, (long long)(items_per_node * k));
  return 0;
}
