/* acl_conf.c - users defined in the configuration, as Redis 7.0.15's ACLAppendUserForLoading
 * (the check when a `user` line is read) and ACLLoadConfiguredUsers (see acl_conf.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "acl_conf.h"
#include "store.h"

#define ERR_UNKNOWN_NAME "Unknown command or category name in ACL"
#define ERR_OOM_TEXT "Out of memory"

/* The rules with "(...)" selectors spread over several words joined by single spaces, as
 * ACLMergeSelectorArguments: *n rules into out (pointing into argv or into *buf, which the
 * caller frees). -1 with *open the index of the unclosed selector's first word; -2 on OOM. */
static int join_rules(int argc, const resp_arg *argv, resp_arg *out, int *n, char **buf,
                      int *open) {
  size_t total = 1;
  for (int i = 0; i < argc; i++) total += argv[i].len + 1;
  *buf = malloc(total);
  if (*buf == NULL) return -2;
  size_t at = 0, start = 0;
  *n = 0;
  *open = -1;
  for (int i = 0; i < argc; i++) {
    const unsigned char *op = argv[i].ptr;
    size_t len = argv[i].len;
    int closes = len > 0 && op[len - 1] == ')';
    if (len > 0 && op[0] == '(' && !closes) { /* (re)starts a selector */
      start = at;
      memcpy(*buf + at, op, len);
      at += len;
      *open = i;
      continue;
    }
    if (*open >= 0) {
      (*buf)[at++] = ' ';
      memcpy(*buf + at, op, len);
      at += len;
      if (closes) {
        *open = -1;
        out[(*n)++] = (resp_arg){ (const unsigned char *)*buf + start, at - start };
      }
      continue;
    }
    out[(*n)++] = argv[i];
  }
  return *open >= 0 ? -1 : 0;
}

const char *acl_conf_check(int argc, const resp_arg *argv, int *bad, int *oom) {
  *oom = 0;
  *bad = 0;
  acl_rules_init(); /* no store yet when the configuration is read */
  int nrules = argc - 1, n, open;
  char *buf = NULL;
  resp_arg *rules = malloc(((size_t)nrules + 1) * sizeof *rules);
  st_user *scratch = acl_user_new(argv[0].ptr, argv[0].len);
  const char *why = NULL;
  if (rules == NULL || scratch == NULL) {
    *oom = 1;
    goto done;
  }
  int rc = join_rules(nrules, argv + 1, rules, &n, &buf, &open);
  if (rc == -2) {
    *oom = 1;
  } else if (rc == -1) {
    /* Redis names argv[open] (the directive's words, `user` at 0) and gives strerror-like text
     * from whatever errno was left: ENOENT's when the line is read early in the file. */
    *bad = open;
    why = ERR_UNKNOWN_NAME;
  } else {
    for (int j = 0; j < n; j++) {
      const char *e;
      if (acl_user_set(scratch, rules[j].ptr, rules[j].len, &e) == 0) continue;
      if (strcmp(e, ERR_UNKNOWN_NAME) == 0) continue; /* reported when the user is defined */
      if (strcmp(e, ERR_OOM_TEXT) == 0) {
        *oom = 1;
        break;
      }
      *bad = j; /* Redis indexes the directive's words with the rule's index */
      why = e;
      break;
    }
  }
done:
  acl_user_free(scratch);
  free(rules);
  free(buf);
  return *oom ? NULL : why;
}

/* Redis's ACLStringHasSpaces: a blank or a NUL byte. */
static int has_spaces(const resp_arg *a) {
  for (size_t i = 0; i < a->len; i++)
    if (isspace(a->ptr[i]) || a->ptr[i] == '\0') return 1;
  return 0;
}

static char *text_dup(const char *fmt, const char *a, size_t alen, const char *b, size_t blen,
                      const char *c) {
  int n = snprintf(NULL, 0, fmt, (int)alen, a, (int)blen, b, c);
  char *s = n < 0 ? NULL : malloc((size_t)n + 1);
  if (s != NULL) snprintf(s, (size_t)n + 1, fmt, (int)alen, a, (int)blen, b, c);
  return s;
}

char *acl_conf_define(st_store *st, int argc, const resp_arg *argv, int *oom) {
  *oom = 0;
  if (has_spaces(&argv[0])) {
    char *s = strdup("Spaces not allowed in ACL usernames");
    if (s == NULL) *oom = 1;
    return s;
  }
  int nrules = argc - 1, n, open;
  char *buf = NULL, *err = NULL;
  resp_arg *rules = malloc(((size_t)nrules + 1) * sizeof *rules);
  if (rules == NULL || join_rules(nrules, argv + 1, rules, &n, &buf, &open) == -2) {
    *oom = 1;
    goto done;
  }
  if (open >= 0) { /* acl_conf_check refused this line: start-up never gets here */
    err = strdup("Unmatched parenthesis in selector definition");
    if (err == NULL) *oom = 1;
    goto done;
  }
  /* The default user exists from the start: Redis resets it (its clients keep it). */
  st_user *u = acl_find(st, argv[0].ptr, argv[0].len);
  const char *why;
  int fresh = u == NULL;
  if (fresh) {
    u = acl_user_new(argv[0].ptr, argv[0].len);
    if (u == NULL) {
      *oom = 1;
      goto done;
    }
  } else if (acl_user_set(u, "reset", 5, &why) != 0) {
    *oom = 1;
    goto done;
  }
  for (int j = 0; j < n; j++) {
    if (acl_user_set(u, rules[j].ptr, rules[j].len, &why) == 0) continue;
    if (strcmp(why, ERR_OOM_TEXT) == 0) {
      *oom = 1;
    } else {
      /* Redis formats the rule and the name with %s: each stops at a NUL byte. */
      err =
          text_dup("Error loading ACL rule '%.*s' for the user named '%.*s': %s",
                   (const char *)rules[j].ptr, strnlen((const char *)rules[j].ptr, rules[j].len),
                   (const char *)argv[0].ptr, strnlen((const char *)argv[0].ptr, argv[0].len), why);
      if (err == NULL) *oom = 1;
    }
    break;
  }
  if (fresh) acl_user_install(st, u); /* a half-defined user too: start-up stops anyway */
done:
  free(rules);
  free(buf);
  return err;
}
