/* acl_log.c - ACL LOG: denied commands, keys, channels and failed AUTHs (see acl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "store.h"

#define GROUPING_MS 60000 /* Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA */
#define SCAN_FOR_MATCH 10

struct acl_log_entry {
  uint64_t count;
  int reason;
  int multi; /* context: "multi" or "toplevel" */
  char *object, *username, *cinfo;
  size_t olen, ulen, clen;
  int64_t ctime_ms;
  acl_log_entry *next;
};

static void entry_free(acl_log_entry *e) {
  free(e->object);
  free(e->username);
  free(e->cinfo);
  free(e);
}

static char *dup_bytes(const void *p, size_t n) {
  char *d = malloc(n + 1);
  if (d == NULL) return NULL;
  memcpy(d, p, n);
  d[n] = '\0';
  return d;
}

/* Redis keeps the object and user as sds but compares them with sdscmp: binary-safe. */
static int same(const char *a, size_t alen, const void *b, size_t blen) {
  return alen == blen && memcmp(a, b, alen) == 0;
}

void acl_log_add(st_client *c, int reason, const void *object, size_t olen, const void *username,
                 size_t ulen) {
  st_acl *acl = c->st->acl;
  int64_t now = c->st->now_ms;
  int multi = (c->flags & CL_MULTI) != 0;
  char line[1024];
  size_t clen = client_line(c, line, sizeof line);
  if (clen >= sizeof line) clen = sizeof line - 1;
  if (clen > 0 && line[clen - 1] == '\n') clen--;
  char *cinfo = dup_bytes(line, clen);
  if (cinfo == NULL) return; /* the log is best effort: the denial itself was replied */
  acl_log_entry **at = &acl->log;
  for (int scanned = 0; *at != NULL && scanned < SCAN_FOR_MATCH; scanned++, at = &(*at)->next) {
    acl_log_entry *e = *at;
    int64_t delta = e->ctime_ms - now;
    if (e->reason != reason || e->multi != multi || delta > GROUPING_MS || -delta > GROUPING_MS ||
        !same(e->object, e->olen, object, olen) || !same(e->username, e->ulen, username, ulen))
      continue;
    *at = e->next; /* to the front, updated */
    e->next = acl->log;
    acl->log = e;
    free(e->cinfo);
    e->cinfo = cinfo;
    e->clen = clen;
    e->ctime_ms = now;
    e->count++;
    return;
  }
  acl_log_entry *e = calloc(1, sizeof *e);
  if (e == NULL || (e->object = dup_bytes(object, olen)) == NULL ||
      (e->username = dup_bytes(username, ulen)) == NULL) {
    if (e != NULL) free(e->object);
    free(e);
    free(cinfo);
    return;
  }
  e->count = 1;
  e->reason = reason;
  e->multi = multi;
  e->olen = olen;
  e->ulen = ulen;
  e->cinfo = cinfo;
  e->clen = clen;
  e->ctime_ms = now;
  e->next = acl->log;
  acl->log = e;
  acl->log_len++;
  /* Trim from the oldest end past acllog-max-len. */
  int64_t max = c->st->cfg.acllog_max_len;
  if (max < 0 || (uint64_t)acl->log_len <= (uint64_t)max) return;
  acl_log_entry **p = &acl->log;
  for (int64_t i = 0; i < max && *p != NULL; i++) p = &(*p)->next;
  while (*p != NULL) {
    acl_log_entry *gone = *p;
    *p = gone->next;
    entry_free(gone);
    acl->log_len--;
  }
}

void acl_log_reset(st_store *st) {
  for (acl_log_entry *e = st->acl->log, *next; e != NULL; e = next) {
    next = e->next;
    entry_free(e);
  }
  st->acl->log = NULL;
  st->acl->log_len = 0;
}

static void bulk_cstr(st_client *c, const char *s) { reply_bulk(&c->out, s, strlen(s)); }

void acl_log_reply(st_client *c, long count) {
  st_acl *acl = c->st->acl;
  if (count < 0) count = 0;
  if ((size_t)count > acl->log_len) count = (long)acl->log_len;
  reply_array(&c->out, count);
  int64_t now = c->st->now_ms;
  static const char *const reasons[] = { "unknown", "command", "key", "channel", "auth" };
  acl_log_entry *e = acl->log;
  for (long i = 0; i < count && e != NULL; i++, e = e->next) {
    reply_array(&c->out, 14);
    bulk_cstr(c, "count");
    reply_int(&c->out, (long long)e->count);
    bulk_cstr(c, "reason");
    bulk_cstr(c, e->reason >= 0 && e->reason <= ACL_DENIED_AUTH ? reasons[e->reason] : "unknown");
    bulk_cstr(c, "context");
    bulk_cstr(c, e->multi ? "multi" : "toplevel");
    bulk_cstr(c, "object");
    reply_bulk(&c->out, e->object, e->olen);
    bulk_cstr(c, "username");
    reply_bulk(&c->out, e->username, e->ulen);
    bulk_cstr(c, "age-seconds");
    char age[64]; /* addReplyDouble: %.17g */
    int n = snprintf(age, sizeof age, "%.17g", (double)(now - e->ctime_ms) / 1000);
    reply_bulk(&c->out, age, (size_t)n);
    bulk_cstr(c, "client-info");
    reply_bulk(&c->out, e->cinfo, e->clen);
  }
}
