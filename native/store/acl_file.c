/* acl_file.c - the ACL file (aclfile): ACL LOAD, ACL SAVE and the load at start-up, as Redis
 * 7.0.15's ACLLoadFromFile and ACLSaveToFile (see acl.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "acl.h"
#include "store.h"

#define ERR_NO_ACL_FILE                                                                          \
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users " \
  "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "      \
  "configuration file set) in order to store users in the Redis configuration."
#define ERR_SAVE_FAILED                                                                    \
  "ERR There was an error trying to save the ACLs. Please check the server logs for more " \
  "information"
#define ERR_UNKNOWN_NAME "Unknown command or category name in ACL"

int acl_set_file(st_store *st, const char *path) {
  char *copy = strdup(path);
  if (copy == NULL) return -1;
  free(st->acl->file);
  st->acl->file = copy;
  return 0;
}

/* ------------------------------------------------------------------------------ text */

typedef struct text {
  char *p;
  size_t len, cap;
  int oom;
} text;

static void text_add(text *t, const char *s, size_t n) {
  if (t->oom) return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = (t->len + n + 1) * 2;
    char *np = realloc(t->p, cap);
    if (np == NULL) {
      t->oom = 1;
      return;
    }
    t->p = np;
    t->cap = cap;
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

static void text_fmt(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  char *buf = malloc((size_t)n + 1);
  if (buf == NULL) {
    t->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  va_end(ap);
  text_add(t, buf, (size_t)n);
  free(buf);
}

/* The file as Redis reads it: fgets() pieces of up to 1023 bytes appended as C strings, so a
 * NUL byte drops the rest of its piece. NULL with errno set when it cannot be read. */
static char *read_acl_file(const char *path, int *oom) {
  FILE *fp = fopen(path, "r");
  if (fp == NULL) return NULL;
  text t = { 0 };
  char buf[1024];
  while (fgets(buf, sizeof buf, fp) != NULL) text_add(&t, buf, strlen(buf));
  fclose(fp);
  if (t.p == NULL) text_add(&t, "", 0);
  if (t.oom) {
    free(t.p);
    *oom = 1;
    errno = ENOMEM;
    return NULL;
  }
  return t.p;
}

/* ------------------------------------------------------------------------------ load */

static int in_set(const char *s, size_t n, char c) { return memchr(s, c, n) != NULL; }

/* Redis's sdstrim: the characters of `set` off both ends of [*s, *s + *len). */
static void trim(char **s, size_t *len, const char *set) {
  size_t n = strlen(set);
  while (*len > 0 && in_set(set, n, (*s)[0])) (*s)++, (*len)--;
  while (*len > 0 && in_set(set, n, (*s)[*len - 1])) (*len)--;
}

/* A user list sorted by name, as Redis's Users radix tree. */
static st_user *find_in(st_user *list, const char *name, size_t len) {
  for (st_user *u = list; u != NULL; u = u->next)
    if (u->name_len == len && memcmp(u->name, name, len) == 0) return u;
  return NULL;
}

static void insert_sorted(st_user **list, st_user *u) {
  while (*list != NULL) {
    size_t n = (*list)->name_len < u->name_len ? (*list)->name_len : u->name_len;
    int r = memcmp((*list)->name, u->name, n);
    if (r > 0 || (r == 0 && (*list)->name_len > u->name_len)) break;
    list = &(*list)->next;
  }
  u->next = *list;
  *list = u;
}

static void free_list(st_user *list) {
  for (st_user *next; list != NULL; list = next) {
    next = list->next;
    acl_user_free(list);
  }
}

/* A word of a line split at single spaces (sdssplitlen: "a  b" has an empty word). */
typedef struct word {
  char *p;
  size_t len;
} word;

/* Redis's ACLMergeSelectorArguments over words (each NUL-terminated in place): a "(" word without
 * its ")" starts a selector that takes the next words, space-joined, up to one ending in ")".
 * The merged words go to out (malloc'ed strings); -1 on an unclosed selector or OOM (*oom). */
static int merge_selectors(word *w, size_t n, char **out, size_t *nout, int *oom) {
  *nout = 0;
  text sel = { 0 };
  int open = 0;
  for (size_t i = 0; i < n; i++) {
    int ends = w[i].len > 0 && w[i].p[w[i].len - 1] == ')';
    if (w[i].len > 0 && w[i].p[0] == '(' && !ends) {
      free(sel.p);
      sel = (text){ 0 };
      text_add(&sel, w[i].p, w[i].len);
      open = 1;
      continue;
    }
    if (open) {
      text_add(&sel, " ", 1);
      text_add(&sel, w[i].p, w[i].len);
      if (ends) {
        open = 0;
        if (sel.oom) break;
        out[(*nout)++] = sel.p;
        sel = (text){ 0 };
      }
      continue;
    }
    out[*nout] = strndup(w[i].p, w[i].len);
    if (out[*nout] == NULL) {
      sel.oom = 1;
      break;
    }
    (*nout)++;
  }
  free(sel.p);
  if (sel.oom) *oom = 1;
  if (open || sel.oom) {
    for (size_t i = 0; i < *nout; i++) free(out[i]);
    *nout = 0;
    return -1;
  }
  return 0;
}

/* One line's user into *users, its problems appended to errs (Redis's texts). */
static void load_line(st_user **users, char *line, size_t len, const char *file, int linenum,
                      text *errs) {
  size_t cap = 1;
  for (size_t i = 0; i < len; i++) cap += line[i] == ' ';
  word *w = malloc(cap * sizeof *w);
  char **merged = malloc(cap * sizeof *merged);
  if (w == NULL || merged == NULL) {
    errs->oom = 1;
    goto done;
  }
  size_t n = 0;
  for (size_t i = 0, start = 0; i <= len; i++)
    if (i == len || line[i] == ' ') {
      w[n++] = (word){ line + start, i - start };
      line[i] = '\0';
      start = i + 1;
    }
  if (strcmp(w[0].p, "user") != 0 || n < 2) {
    text_fmt(errs, "%s:%d should start with user keyword followed by the username. ", file,
             linenum);
    goto done;
  }
  for (size_t i = 0; i < w[1].len; i++)
    if (isspace((unsigned char)w[1].p[i])) {
      text_fmt(errs, "'%s:%d: username '%s' contains invalid characters. ", file, linenum, w[1].p);
      goto done;
    }
  if (find_in(*users, w[1].p, w[1].len) != NULL) {
    text_fmt(errs, "WARNING: Duplicate user '%s' found on line %d. ", w[1].p, linenum);
    goto done;
  }
  st_user *u = acl_user_new(w[1].p, w[1].len);
  if (u == NULL) {
    errs->oom = 1;
    goto done;
  }
  insert_sorted(users, u);
  size_t nmerged;
  int oom = 0;
  if (merge_selectors(w + 2, n - 2, merged, &nmerged, &oom) != 0) {
    /* (Redis 7.0.15 goes on to apply the words before the selector from a freed list, which
     * crashes it when there are any; here the line just fails.) */
    if (oom) errs->oom = 1;
    text_fmt(errs, "%s:%d: Unmatched parenthesis in selector definition.", file, linenum);
    goto done;
  }
  int syntax_error = 0;
  for (size_t j = 0; j < nmerged; j++) {
    char *op = merged[j];
    size_t oplen = strlen(op);
    trim(&op, &oplen, "\t\r\n");
    op[oplen] = '\0';
    const char *why;
    if (acl_user_set(u, op, oplen, &why) == 0) continue;
    if (strcmp(why, ERR_UNKNOWN_NAME) == 0) {
      /* Redis names the operation only for unknown names (it reveals no password). */
      text_fmt(errs, "%s:%d: Error in applying operation '%s': %s. ", file, linenum, op, why);
    } else if (!syntax_error) {
      text_fmt(errs, "%s:%d: %s. ", file, linenum, why);
      syntax_error = 1;
    }
  }
  for (size_t j = 0; j < nmerged; j++) free(merged[j]);
done:
  free(w);
  free(merged);
}

/* The default user Redis creates when the file has none: on, nopass, everything. */
static st_user *new_default_user(void) {
  st_user *u = acl_user_new("default", 7);
  static const char *const rules[] = { "+@all", "~*", "&*", "on", "nopass" };
  const char *why;
  for (size_t i = 0; u != NULL && i < sizeof rules / sizeof *rules; i++)
    if (acl_user_set(u, rules[i], strlen(rules[i]), &why) != 0) {
      acl_user_free(u);
      u = NULL;
    }
  return u;
}

/* Put the loaded users in place: the default user object stays (clients and the store point at
 * it) and takes the new rules; every other old user goes, and its clients with it. */
static int install(st_store *st, st_user *users) {
  st_user *nd = find_in(users, "default", 7);
  if (nd == NULL) {
    if ((nd = new_default_user()) == NULL) return -1;
    insert_sorted(&users, nd);
  }
  st_user *kept = st->acl->default_user;
  for (st_user *u = st->acl->users, *next; u != NULL; u = next) {
    next = u->next;
    if (u == kept) continue;
    acl_user_kill_clients(st, u);
    acl_user_free(u);
  }
  for (st_user **at = &users; *at != NULL; at = &(*at)->next)
    if (*at == nd) {
      *at = kept;
      break;
    }
  st_user tmp = *kept;
  *kept = *nd; /* with nd's place in the new list */
  *nd = tmp;
  nd->next = NULL;
  acl_user_free(nd);
  st->acl->users = users;
  return 0;
}

char *acl_file_load(st_store *st, const char *path, int *oom) {
  *oom = 0;
  char *content = read_acl_file(path, oom);
  if (content == NULL) {
    if (*oom) return NULL;
    text t = { 0 };
    text_fmt(&t, "Error loading ACLs, opening file '%s': %s", path, strerror(errno));
    if (t.oom) *oom = 1;
    return t.oom ? (free(t.p), NULL) : t.p;
  }
  st_user *users = NULL;
  text errs = { 0 };
  char *p = content;
  int linenum = 0;
  for (;;) {
    char *nl = strchr(p, '\n');
    size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
    linenum++;
    char *line = p;
    trim(&line, &len, " \t\r\n");
    if (len > 0) load_line(&users, line, len, path, linenum, &errs);
    if (nl == NULL) break;
    p = nl + 1;
  }
  free(content);
  if (!errs.oom && errs.len == 0 && install(st, users) == 0) return NULL;
  free_list(users);
  if (!errs.oom && errs.len == 0) errs.oom = 1; /* install ran out of memory */
  text_add(&errs,
           "WARNING: ACL errors detected, no change to the previously active ACL rules was "
           "performed",
           strlen("WARNING: ACL errors detected, no change to the previously active ACL rules "
                  "was performed"));
  if (errs.oom) {
    free(errs.p);
    *oom = 1;
    return NULL;
  }
  return errs.p;
}

/* ------------------------------------------------------------------------------ save */

int acl_file_save(const st_store *st, const char *path) {
  text t = { 0 };
  for (const st_user *u = st->acl->users; u != NULL; u = u->next) {
    char *line = acl_describe_user(u);
    if (line == NULL) {
      t.oom = 1;
      break;
    }
    text_add(&t, line, strlen(line));
    text_add(&t, "\n", 1);
    free(line);
  }
  if (t.oom) {
    free(t.p);
    errno = ENOMEM;
    return -1;
  }
  /* A temp file renamed over the old one: a reader never sees half a file. */
  struct timeval tv;
  gettimeofday(&tv, NULL);
  long long ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  size_t tlen = strlen(path) + 64;
  char *tmp = malloc(tlen);
  if (tmp == NULL) {
    free(t.p);
    errno = ENOMEM;
    return -1;
  }
  snprintf(tmp, tlen, "%s.tmp-%d-%d", path, (int)getpid(), (int)ms);
  int rc = -1, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    size_t at = 0;
    while (at < t.len) {
      ssize_t w = write(fd, t.p + at, t.len - at);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      at += (size_t)w;
    }
    if (at == t.len && fsync(fd) == 0 && close(fd) == 0) {
      fd = -1;
      if (rename(tmp, path) == 0) rc = 0;
    }
  }
  int saved = errno;
  if (fd >= 0) close(fd);
  if (rc != 0) unlink(tmp);
  free(tmp);
  free(t.p);
  errno = saved;
  return rc;
}

/* ------------------------------------------------------------------------------ commands */

void cmd_acl_load(st_client *c) {
  const char *file = c->st->acl->file;
  if (file == NULL || file[0] == '\0') {
    reply_error(&c->out, "%s", ERR_NO_ACL_FILE);
    return;
  }
  int oom;
  char *errs = acl_file_load(c->st, file, &oom);
  if (oom) {
    reply_oom(c);
    return;
  }
  if (errs == NULL) {
    reply_simple(&c->out, "OK");
    return;
  }
  reply_error(&c->out, "ERR %s", errs);
  free(errs);
}

void cmd_acl_save(st_client *c) {
  const char *file = c->st->acl->file;
  if (file == NULL || file[0] == '\0') {
    reply_error(&c->out, "%s", ERR_NO_ACL_FILE);
    return;
  }
  if (acl_file_save(c->st, file) != 0) {
    reply_error(&c->out, "%s", ERR_SAVE_FAILED);
    return;
  }
  reply_simple(&c->out, "OK");
}
