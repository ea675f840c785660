/* acl.c - users, their rules and the permission check (see acl.h). */
#include "acl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "glob.h"
#include "keyspec.h"
#include "store.h"

const char *const acl_category_names[ACL_CATEGORY_COUNT] = {
  "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
  "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
  "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"
};

_Static_assert(ACL_SCRIPTING == 1 << (ACL_CATEGORY_COUNT - 1), "category names match ACL_*");

static int ieq(const void *a, size_t alen, const char *word) {
  size_t n = strlen(word);
  if (alen != n) return 0;
  const unsigned char *s = a;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = s[i];
    if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
    if (ch != (unsigned char)word[i]) return 0;
  }
  return 1;
}

int acl_category_bit(const void *name, size_t len) {
  for (int i = 0; i < ACL_CATEGORY_COUNT; i++)
    if (ieq(name, len, acl_category_names[i])) return i;
  return -1;
}

/* ------------------------------------------------------------------------------ selectors */

static void free_patterns(acl_pattern *p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i].pat);
  free(p);
}

static void free_firstargs(acl_firstarg *fa, size_t n) {
  for (size_t i = 0; i < n; i++) free(fa[i].arg);
  free(fa);
}

static void sel_free(acl_selector *s) {
  free_firstargs(s->firstargs, s->nfirstargs);
  free_patterns(s->keys, s->nkeys);
  free_patterns(s->channels, s->nchannels);
  memset(s, 0, sizeof *s);
}

static int copy_patterns(acl_pattern **dst, const acl_pattern *src, size_t n) {
  *dst = NULL;
  if (n == 0) return 0;
  *dst = calloc(n, sizeof **dst);
  if (*dst == NULL) return -1;
  for (size_t i = 0; i < n; i++) {
    (*dst)[i] = src[i];
    (*dst)[i].pat = malloc(src[i].len + 1);
    if ((*dst)[i].pat == NULL) {
      free_patterns(*dst, i);
      *dst = NULL;
      return -1;
    }
    memcpy((*dst)[i].pat, src[i].pat, src[i].len + 1);
  }
  return 0;
}

static int sel_copy(acl_selector *d, const acl_selector *s) {
  *d = *s;
  d->firstargs = NULL;
  d->keys = d->channels = NULL;
  d->nfirstargs = d->nkeys = d->nchannels = 0;
  if (s->nfirstargs > 0) {
    d->firstargs = calloc(s->nfirstargs, sizeof *d->firstargs);
    if (d->firstargs == NULL) return -1;
    for (size_t i = 0; i < s->nfirstargs; i++, d->nfirstargs++) {
      d->firstargs[i].slot = s->firstargs[i].slot;
      d->firstargs[i].arg = strdup(s->firstargs[i].arg);
      if (d->firstargs[i].arg == NULL) return -1;
    }
  }
  if (copy_patterns(&d->keys, s->keys, s->nkeys) != 0) return -1;
  d->nkeys = s->nkeys;
  if (copy_patterns(&d->channels, s->channels, s->nchannels) != 0) return -1;
  d->nchannels = s->nchannels;
  return 0;
}

static void clear_selectors(st_user *u) {
  for (size_t i = 0; i < u->nselectors; i++) sel_free(&u->selectors[i]);
  free(u->selectors);
  u->selectors = NULL;
  u->nselectors = 0;
}

/* ------------------------------------------------------------------------------ users */

void acl_user_free(st_user *u) {
  if (u == NULL) return;
  free(u->name);
  free(u->passwords);
  sel_free(&u->root);
  clear_selectors(u);
  free(u);
}

st_user *acl_user_new(const void *name, size_t len) {
  st_user *u = calloc(1, sizeof *u);
  if (u == NULL) return NULL;
  u->name = malloc(len + 1);
  if (u->name == NULL) {
    free(u);
    return NULL;
  }
  memcpy(u->name, name, len);
  u->name[len] = '\0';
  u->name_len = len;
  return u; /* off, no passwords, no commands, no keys, no channels (acl-pubsub-default) */
}

st_user *acl_user_copy(const st_user *u) {
  st_user *c = acl_user_new(u->name, u->name_len);
  if (c == NULL) return NULL;
  c->flags = u->flags;
  int bad = 0;
  if (u->npasswords > 0) {
    c->passwords = malloc(u->npasswords * SHA256_LEN);
    if (c->passwords != NULL) {
      memcpy(c->passwords, u->passwords, u->npasswords * SHA256_LEN);
      c->npasswords = u->npasswords;
    } else {
      bad = 1;
    }
  }
  if (sel_copy(&c->root, &u->root) != 0) bad = 1;
  if (u->nselectors > 0) {
    c->selectors = calloc(u->nselectors, sizeof *c->selectors);
    if (c->selectors == NULL) bad = 1;
    for (size_t i = 0; !bad && i < u->nselectors; i++) {
      c->nselectors++;
      if (sel_copy(&c->selectors[i], &u->selectors[i]) != 0) bad = 1;
    }
  }
  if (bad) {
    acl_user_free(c);
    return NULL;
  }
  return c;
}

st_user *acl_find(const st_store *st, const void *name, size_t len) {
  for (st_user *u = st->acl->users; u != NULL; u = u->next)
    if (u->name_len == len && memcmp(u->name, name, len) == 0) return u;
  return NULL;
}

static int name_cmp(const st_user *a, const st_user *b) {
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int r = memcmp(a->name, b->name, n);
  return r != 0 ? r : (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

void acl_user_install(st_store *st, st_user *u) {
  st_user *old = acl_find(st, u->name, u->name_len);
  if (old == NULL) { /* by name, byte order, as Redis's radix tree lists them */
    st_user **at = &st->acl->users;
    while (*at != NULL && name_cmp(*at, u) < 0) at = &(*at)->next;
    u->next = *at;
    *at = u;
    return;
  }
  /* Swap contents so that clients pointing at `old` see the new rules. */
  st_user tmp = *old;
  *old = *u;
  old->next = tmp.next;
  *u = tmp;
  u->next = NULL;
  acl_user_free(u);
}

void acl_user_kill_clients(st_store *st, const st_user *u) {
  for (st_client *c = st->clients; c != NULL; c = c->next) {
    if (c->user != u) continue;
    /* Redis frees such clients; this one goes at its next read or write. */
    c->user = NULL;
    c->authenticated = 0;
    c->flags |= CL_CLOSE_ASAP;
  }
}

int acl_user_delete(st_store *st, st_user *u) {
  for (st_user **p = &st->acl->users; *p != NULL; p = &(*p)->next) {
    if (*p != u) continue;
    *p = u->next;
    acl_user_kill_clients(st, u);
    acl_user_free(u);
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ passwords */

static int hash_eq(const uint8_t *a, const uint8_t *b) {
  uint8_t d = 0;
  for (int i = 0; i < SHA256_LEN; i++) d |= (uint8_t)(a[i] ^ b[i]);
  return d == 0;
}

static ptrdiff_t find_hash(const st_user *u, const uint8_t *h) {
  ptrdiff_t found = -1;
  /* Every stored hash is compared, so the time does not tell which one matched. */
  for (size_t i = 0; i < u->npasswords; i++)
    if (hash_eq(u->passwords[i], h) && found < 0) found = (ptrdiff_t)i;
  return found;
}

static int add_hash(st_user *u, const uint8_t *h) {
  u->flags &= ~(uint32_t)USER_NOPASS;
  if (find_hash(u, h) >= 0) return 0;
  uint8_t(*np)[SHA256_LEN] = realloc(u->passwords, (u->npasswords + 1) * SHA256_LEN);
  if (np == NULL) return -1;
  u->passwords = np;
  memcpy(u->passwords[u->npasswords++], h, SHA256_LEN);
  return 0;
}

static int remove_hash(st_user *u, const uint8_t *h) {
  ptrdiff_t i = find_hash(u, h);
  if (i < 0) return -1;
  memmove(u->passwords[i], u->passwords[i + 1], (u->npasswords - (size_t)i - 1) * SHA256_LEN);
  u->npasswords--;
  return 0;
}

static int parse_hex_hash(const unsigned char *s, size_t len, uint8_t *out) {
  if (len != 2 * SHA256_LEN) return -1;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = s[i];
    int v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (v < 0) return -1;
    if (i % 2 == 0)
      out[i / 2] = (uint8_t)(v << 4);
    else
      out[i / 2] |= (uint8_t)v;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ patterns */

static int add_pattern(acl_pattern **list, size_t *n, const unsigned char *p, size_t len,
                       uint8_t perm) {
  for (size_t i = 0; i < *n; i++)
    if ((*list)[i].len == len && memcmp((*list)[i].pat, p, len) == 0) {
      (*list)[i].perm |= perm;
      return 0;
    }
  acl_pattern *nl = realloc(*list, (*n + 1) * sizeof *nl);
  if (nl == NULL) return -1;
  *list = nl;
  char *copy = malloc(len + 1);
  if (copy == NULL) return -1;
  memcpy(copy, p, len);
  copy[len] = '\0';
  nl[*n].pat = copy;
  nl[*n].len = len;
  nl[*n].perm = perm;
  (*n)++;
  return 0;
}

static void clear_patterns(acl_pattern **list, size_t *n) {
  free_patterns(*list, *n);
  *list = NULL;
  *n = 0;
}

#define ERR_UNKNOWN_NAME "Unknown command or category name in ACL"
#define ERR_OOM_TEXT "Out of memory"
#define ERR_KEYS_AFTER_ALL                                                                  \
  "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not " \
  "have any effect. Try 'resetkeys' to start with an empty list of patterns"
#define ERR_CHANNELS_AFTER_ALL                                                              \
  "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does " \
  "not have any effect. Try 'resetchannels' to start with an empty list of channels"
#define ERR_BAD_HASH                                                                        \
  "The password hash must be exactly 64 characters and contain only lowercase hexadecimal " \
  "characters"
#define ERR_NO_SUCH_PASSWORD "The password you are trying to remove from the user does not exist"
#define ERR_FIRSTARG_OF_SUB "Allowing first-arg of a subcommand is not supported"

/* Redis's ACLStringHasSpaces: a pattern with white space or a NUL byte is refused. */
static int has_spaces(const unsigned char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (isspace(s[i]) || s[i] == 0) return 1;
  return 0;
}

/* The "~" and "%" rules, in Redis's order: any pattern after allkeys is refused before it is
 * parsed; "%" takes R and W once each up to the "~" (which may be missing: "%R" is the empty
 * pattern); spaces are refused. ("~*" is allkeys, handled by the caller.) */
static int key_pattern(acl_selector *sel, const unsigned char *s, size_t len, const char **err) {
  if (sel->flags & SEL_ALLKEYS) {
    *err = ERR_KEYS_AFTER_ALL;
    return -1;
  }
  uint8_t perm = KEY_READ | KEY_WRITE;
  size_t i = 1;
  if (s[0] == '%') {
    perm = 0;
    for (; i < len; i++) {
      if ((s[i] == 'R' || s[i] == 'r') && !(perm & KEY_READ)) {
        perm |= KEY_READ;
      } else if ((s[i] == 'W' || s[i] == 'w') && !(perm & KEY_WRITE)) {
        perm |= KEY_WRITE;
      } else if (s[i] == '~') {
        i++;
        break;
      } else {
        *err = "Syntax error";
        return -1;
      }
    }
  }
  if (perm == 0 || has_spaces(s + i, len - i)) {
    *err = "Syntax error";
    return -1;
  }
  if (add_pattern(&sel->keys, &sel->nkeys, s + i, len - i, perm) != 0) {
    *err = ERR_OOM_TEXT;
    return -1;
  }
  return 0;
}

static int add_firstarg(acl_selector *sel, int slot, const char *arg) {
  for (size_t i = 0; i < sel->nfirstargs; i++)
    if (sel->firstargs[i].slot == slot && strcasecmp(sel->firstargs[i].arg, arg) == 0) return 0;
  acl_firstarg *nf = realloc(sel->firstargs, (sel->nfirstargs + 1) * sizeof *nf);
  if (nf == NULL) return -1;
  sel->firstargs = nf;
  char *copy = strdup(arg);
  if (copy == NULL) return -1;
  nf[sel->nfirstargs].slot = (uint16_t)slot;
  nf[sel->nfirstargs].arg = copy;
  sel->nfirstargs++;
  return 0;
}

static void set_all_commands(acl_selector *sel, int on) {
  memset(sel->allowed, on ? 0xff : 0, sizeof sel->allowed);
  if (on)
    sel->flags |= SEL_ALLCOMMANDS;
  else
    sel->flags &= ~(uint32_t)SEL_ALLCOMMANDS;
  free_firstargs(sel->firstargs, sel->nfirstargs);
  sel->firstargs = NULL;
  sel->nfirstargs = 0;
}

/* "+name", "-name", "+name|first-arg" as Redis's ACLSetSelector reads them: the op is a C string
 * (a NUL ends it) and the first-arg part follows the last '|'. */
static int command_rule(acl_selector *sel, const char *op, const char **err) {
  int allow = op[0] == '+';
  const char *name = op + 1;
  const char *bar = allow ? strrchr(name, '|') : NULL;
  int slot;
  if (bar == NULL) {
    slot = acl_slot_find(name, strlen(name));
    if (slot < 0) {
      *err = ERR_UNKNOWN_NAME;
      return -1;
    }
    acl_bits_set_command(sel->allowed, sel->firstargs, &sel->nfirstargs, slot, allow);
    return 0;
  }
  slot = acl_slot_find(name, (size_t)(bar - name));
  if (slot < 0) {
    *err = ERR_UNKNOWN_NAME;
    return -1;
  }
  if (acl_slot_parent(slot) >= 0) {
    *err = ERR_FIRSTARG_OF_SUB;
    return -1;
  }
  if (bar[1] == '\0') {
    *err = "Syntax error";
    return -1;
  }
  if (acl_slot_is_container(slot)) {
    int sub = acl_slot_find(name, strlen(name));
    if (sub < 0) {
      *err = ERR_UNKNOWN_NAME;
      return -1;
    }
    acl_bits_set_command(sel->allowed, sel->firstargs, &sel->nfirstargs, sub, 1);
    return 0;
  }
  if (add_firstarg(sel, slot, bar + 1) != 0) {
    *err = ERR_OOM_TEXT;
    return -1;
  }
  return 0;
}

/* Redis's ACLSetSelector: the rules a selector takes (keys, channels, commands). */
static int sel_set(acl_selector *sel, const unsigned char *s, size_t len, const char **err) {
  *err = "Syntax error";
  /* Redis compares the words with strcasecmp: a NUL byte ends them. */
  size_t clen = strnlen((const char *)s, len);
  if (ieq(s, clen, "allkeys") || (clen == 2 && s[0] == '~' && s[1] == '*')) {
    sel->flags |= SEL_ALLKEYS;
    clear_patterns(&sel->keys, &sel->nkeys);
  } else if (ieq(s, clen, "resetkeys")) {
    sel->flags &= ~(uint32_t)SEL_ALLKEYS;
    clear_patterns(&sel->keys, &sel->nkeys);
  } else if (ieq(s, clen, "allchannels") || (clen == 2 && s[0] == '&' && s[1] == '*')) {
    sel->flags |= SEL_ALLCHANNELS;
    clear_patterns(&sel->channels, &sel->nchannels);
  } else if (ieq(s, clen, "resetchannels")) {
    sel->flags &= ~(uint32_t)SEL_ALLCHANNELS;
    clear_patterns(&sel->channels, &sel->nchannels);
  } else if (ieq(s, clen, "allcommands") || ieq(s, clen, "+@all")) {
    set_all_commands(sel, 1);
  } else if (ieq(s, clen, "nocommands") || ieq(s, clen, "-@all")) {
    set_all_commands(sel, 0);
  } else if (s[0] == '~' || s[0] == '%') {
    return key_pattern(sel, s, len, err);
  } else if (s[0] == '&') {
    if (sel->flags & SEL_ALLCHANNELS) {
      *err = ERR_CHANNELS_AFTER_ALL;
      return -1;
    }
    if (has_spaces(s + 1, len - 1)) return -1;
    if (add_pattern(&sel->channels, &sel->nchannels, s + 1, len - 1, KEY_READ) != 0) {
      *err = ERR_OOM_TEXT;
      return -1;
    }
  } else if ((s[0] == '+' || s[0] == '-') && clen >= 1 && (clen < 2 || s[1] != '@')) {
    char *op = strndup((const char *)s, clen);
    if (op == NULL) {
      *err = ERR_OOM_TEXT;
      return -1;
    }
    int r = command_rule(sel, op, err);
    free(op);
    return r;
  } else if ((s[0] == '+' || s[0] == '-') && clen >= 2) {
    int cat = acl_category_bit(s + 2, clen - 2);
    if (cat < 0) {
      *err = ERR_UNKNOWN_NAME;
      return -1;
    }
    acl_bits_set_category(sel->allowed, sel->firstargs, &sel->nfirstargs, cat, s[0] == '+');
  } else {
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ split */

static int hexval(int c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* Redis's sdssplitargs over s[0..len): words separated by spaces, "..." with \n \r \t \b \a \\
 * \" \xHH escapes, '...' with \'. The words, NUL-separated, go to out (len + 1 bytes at least):
 * their count, or -1 for unbalanced quotes (then Redis's selector gets no rules at all). */
static int split_args(const char *s, size_t len, char *out, size_t *lens) {
  size_t i = 0, o = 0;
  int n = 0;
  for (;;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i >= len) return n;
    int inq = 0, insq = 0, done = 0;
    size_t start = o;
    while (!done) {
      if (inq) {
        if (i >= len) return -1;
        if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
            hexval(s[i + 3]) >= 0) {
          out[o++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
          i += 3;
        } else if (s[i] == '\\' && i + 1 < len) {
          char c = s[++i];
          out[o++] = c == 'n'   ? '\n'
                     : c == 'r' ? '\r'
                     : c == 't' ? '\t'
                     : c == 'b' ? '\b'
                     : c == 'a' ? '\a'
                                : c;
        } else if (s[i] == '"') {
          if (i + 1 < len && !isspace((unsigned char)s[i + 1])) return -1;
          done = 1;
        } else {
          out[o++] = s[i];
        }
      } else if (insq) {
        if (i >= len) return -1;
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\'') {
          i++;
          out[o++] = '\'';
        } else if (s[i] == '\'') {
          if (i + 1 < len && !isspace((unsigned char)s[i + 1])) return -1;
          done = 1;
        } else {
          out[o++] = s[i];
        }
      } else {
        if (i >= len) break;
        switch (s[i]) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0': done = 1; break;
          case '"': inq = 1; break;
          case '\'': insq = 1; break;
          default: out[o++] = s[i];
        }
      }
      if (i < len) i++;
    }
    lens[n++] = o - start;
    out[o++] = '\0';
  }
}

/* "(...)": a new selector from the rules inside. */
static int add_selector(st_user *u, const unsigned char *s, size_t len, const char **err) {
  acl_selector sel = { 0 };
  char *words = malloc(len + 1);
  size_t *lens = malloc((len / 2 + 2) * sizeof *lens);
  if (words == NULL || lens == NULL) {
    free(words);
    free(lens);
    *err = ERR_OOM_TEXT;
    return -1;
  }
  int n = split_args((const char *)s + 1, len - 2, words, lens);
  const char *w = words;
  for (int i = 0; i < n; i++) {
    if (lens[i] > 0 && sel_set(&sel, (const unsigned char *)w, lens[i], err) != 0) {
      free(words);
      free(lens);
      sel_free(&sel);
      return -1;
    }
    w += lens[i] + 1;
  }
  free(words);
  free(lens);
  acl_selector *ns = realloc(u->selectors, (u->nselectors + 1) * sizeof *ns);
  if (ns == NULL) {
    sel_free(&sel);
    *err = ERR_OOM_TEXT;
    return -1;
  }
  u->selectors = ns;
  ns[u->nselectors++] = sel;
  return 0;
}

int acl_user_set(st_user *u, const void *op, size_t len, const char **err) {
  const unsigned char *s = op;
  *err = "Syntax error";
  if (len == 0) return 0; /* Redis: an empty rule is a no-op */
  size_t clen = strnlen((const char *)s, len);
  if (ieq(s, clen, "on")) {
    u->flags |= USER_ON;
  } else if (ieq(s, clen, "off")) {
    u->flags &= ~(uint32_t)USER_ON;
  } else if (ieq(s, clen, "skip-sanitize-payload")) {
    u->flags = (u->flags & ~(uint32_t)USER_SANITIZE) | USER_SKIP_SANITIZE;
  } else if (ieq(s, clen, "sanitize-payload")) {
    u->flags = (u->flags & ~(uint32_t)USER_SKIP_SANITIZE) | USER_SANITIZE;
  } else if (ieq(s, clen, "nopass")) {
    u->flags |= USER_NOPASS;
    u->npasswords = 0;
  } else if (ieq(s, clen, "resetpass")) {
    u->flags &= ~(uint32_t)USER_NOPASS;
    u->npasswords = 0;
  } else if (s[0] == '>' || s[0] == '<' || s[0] == '#' || s[0] == '!') {
    uint8_t h[SHA256_LEN];
    if (s[0] == '>' || s[0] == '<') {
      sha256(s + 1, len - 1, h);
    } else if (parse_hex_hash(s + 1, len - 1, h) != 0) {
      *err = ERR_BAD_HASH;
      return -1;
    }
    if (s[0] == '>' || s[0] == '#') {
      if (add_hash(u, h) != 0) {
        *err = ERR_OOM_TEXT;
        return -1;
      }
    } else if (remove_hash(u, h) != 0) {
      *err = ERR_NO_SUCH_PASSWORD;
      return -1;
    }
  } else if (s[0] == '(' && s[len - 1] == ')') {
    return add_selector(u, s, len, err);
  } else if (ieq(s, clen, "clearselectors")) {
    clear_selectors(u);
  } else if (ieq(s, clen, "reset")) {
    u->flags = USER_SANITIZE;
    u->npasswords = 0;
    clear_patterns(&u->root.keys, &u->root.nkeys);
    clear_patterns(&u->root.channels, &u->root.nchannels);
    u->root.flags &= ~(uint32_t)(SEL_ALLKEYS | SEL_ALLCHANNELS);
    clear_selectors(u);
    set_all_commands(&u->root, 0);
  } else {
    return sel_set(&u->root, s, len, err);
  }
  return 0;
}

/* Redis's ACLMergeSelectorArguments, then ACLSetUser on each modifier. */
int acl_user_apply(st_user *u, int argc, const resp_arg *argv, char **err) {
  *err = NULL;
  size_t total = 0;
  for (int i = 0; i < argc; i++) total += argv[i].len + 1;
  char *buf = malloc(total + 1);
  resp_arg *mods = malloc(((size_t)argc + 1) * sizeof *mods);
  if (buf == NULL || mods == NULL) {
    free(buf);
    free(mods);
    return -1;
  }
  int n = 0, open = -1;
  size_t at = 0, start = 0;
  for (int i = 0; i < argc; i++) {
    const unsigned char *op = argv[i].ptr;
    size_t len = argv[i].len;
    if (len > 0 && op[0] == '(' && op[len - 1] != ')') { /* (re)starts a selector */
      start = at;
      memcpy(buf + at, op, len);
      at += len;
      open = i;
      continue;
    }
    if (open >= 0) {
      buf[at++] = ' ';
      memcpy(buf + at, op, len);
      at += len;
      if (len > 0 && op[len - 1] == ')') {
        open = -1;
        mods[n].ptr = (const unsigned char *)buf + start;
        mods[n++].len = at - start;
      }
      continue;
    }
    mods[n++] = argv[i];
  }
  int rc = 0;
  const char *why = NULL;
  if (open >= 0) {
    const resp_arg *a = &argv[open];
    size_t alen = strnlen((const char *)a->ptr, a->len), sz = alen + 80;
    *err = malloc(sz);
    if (*err != NULL)
      snprintf(*err, sz, "Unmatched parenthesis in acl selector starting at '%.*s'.", (int)alen,
               a->ptr);
    rc = -1;
  }
  for (int i = 0; rc == 0 && i < n; i++) {
    if (acl_user_set(u, mods[i].ptr, mods[i].len, &why) == 0) continue;
    /* Redis formats the modifier with %s: it stops at a NUL byte. */
    size_t blen = strnlen((const char *)mods[i].ptr, mods[i].len), sz = blen + strlen(why) + 64;
    *err = malloc(sz);
    if (*err != NULL)
      snprintf(*err, sz, "Error in ACL SETUSER modifier '%.*s': %s", (int)blen, mods[i].ptr, why);
    rc = -1;
  }
  free(buf);
  free(mods);
  return rc;
}

/* ------------------------------------------------------------------------------ the store */

static st_user *make_default(void) {
  st_user *u = acl_user_new("default", 7);
  if (u == NULL) return NULL;
  u->flags = USER_ON | USER_NOPASS;
  u->root.flags = SEL_ALLKEYS | SEL_ALLCHANNELS;
  set_all_commands(&u->root, 1);
  return u;
}

int acl_init(st_store *st) {
  acl_rules_init();
  st->acl = calloc(1, sizeof *st->acl);
  if (st->acl == NULL) return -1;
  st->acl->default_user = st->acl->users = make_default();
  if (st->acl->users == NULL) {
    free(st->acl);
    st->acl = NULL;
    return -1;
  }
  return 0;
}

void acl_free(st_store *st) {
  if (st->acl == NULL) return;
  acl_log_reset(st);
  free(st->acl->file);
  for (st_user *u = st->acl->users, *next; u != NULL; u = next) {
    next = u->next;
    acl_user_free(u);
  }
  free(st->acl);
  st->acl = NULL;
}

static int user_open(const st_user *u) { return (u->flags & USER_NOPASS) && (u->flags & USER_ON); }

void acl_client_init(st_client *c) {
  c->user = c->st->acl->default_user;
  c->authenticated = (uint8_t)user_open(c->user);
}

void acl_client_reset(st_client *c) { acl_client_init(c); }

int acl_authenticate(st_client *c, const void *user, size_t ulen, const void *pass, size_t plen) {
  uint8_t h[SHA256_LEN];
  sha256(pass, plen, h);
  st_user *u = acl_find(c->st, user, ulen);
  if (u == NULL || !(u->flags & USER_ON)) return 0;
  if (!(u->flags & USER_NOPASS) && find_hash(u, h) < 0) return 0;
  c->user = u;
  c->authenticated = 1;
  return 1;
}

int acl_set_requirepass(st_store *st, const void *pass, size_t len) {
  st_user *u = st->acl->default_user;
  uint8_t h[SHA256_LEN];
  u->npasswords = 0;
  if (len == 0) {
    u->flags |= USER_NOPASS;
    return 0;
  }
  sha256(pass, len, h);
  return add_hash(u, h);
}

int acl_default_nopass(const st_store *st) {
  return (st->acl->default_user->flags & USER_NOPASS) != 0;
}

/* ------------------------------------------------------------------------------ checks */

typedef struct key_check {
  const acl_selector *sel;
  const resp_arg *argv;
  int bad; /* the first denied key's position, or 0 */
} key_check;

static int key_allowed(const acl_selector *s, const resp_arg *k, uint8_t need) {
  for (size_t i = 0; i < s->nkeys; i++) {
    const acl_pattern *p = &s->keys[i];
    if ((p->perm & need) == need &&
        glob_match((const unsigned char *)p->pat, p->len, k->ptr, k->len, 0))
      return 1;
  }
  return 0;
}

/* Redis's ACLSelectorCheckKey: read access for ACCESS keys, write for INSERT/DELETE/UPDATE. */
static void visit_key(void *ctx, int pos, uint32_t flags) {
  key_check *kc = ctx;
  if (kc->bad != 0) return;
  uint8_t need = 0;
  if (flags & KS_ACCESS) need |= KEY_READ;
  if (flags & (KS_INSERT | KS_DELETE | KS_UPDATE)) need |= KEY_WRITE;
  if (!key_allowed(kc->sel, &kc->argv[pos], need)) kc->bad = pos;
}

static int channel_in(const acl_selector *s, const void *ch, size_t len, int literal);

/* The channel arguments Redis 7.0 checks (getChannelsFromCommand's publish and subscribe rows;
 * unsubscribing is never refused): from argument `first` to the last (or only the first). */
static const struct {
  const char *name;
  uint8_t first, all, pattern;
} channel_cmds[] = { { "publish", 1, 0, 0 },
                     { "spublish", 1, 0, 0 },
                     { "subscribe", 1, 1, 0 },
                     { "ssubscribe", 1, 1, 0 },
                     { "psubscribe", 1, 1, 1 } };

static int channels_allowed(const acl_selector *s, const st_cmd *cmd, int argc,
                            const resp_arg *argv, int *bad) {
  if (!(cmd->flags & CMD_PUBSUB)) return 1;
  for (size_t m = 0; m < sizeof channel_cmds / sizeof *channel_cmds; m++) {
    if (strcmp(channel_cmds[m].name, cmd->name) != 0) continue;
    int last = channel_cmds[m].all ? argc - 1 : channel_cmds[m].first;
    for (int i = channel_cmds[m].first; i <= last && i < argc; i++)
      if (!channel_in(s, argv[i].ptr, argv[i].len, channel_cmds[m].pattern)) return *bad = i, 0;
  }
  return 1;
}

/* Redis's ACLSelectorCheckCmd: the command bit, first arguments, keys, channels. */
static int selector_may(const acl_selector *s, const st_cmd *cmd, int argc, const resp_arg *argv,
                        int *bad) {
  uint32_t slot = cmd->index;
  if (!(cmd->flags & CMD_NO_AUTH) && !(s->allowed[slot / 64] & (1ull << (slot % 64)))) {
    if (argc < 2 || s->nfirstargs == 0) return ACL_DENIED_CMD;
    int idx = cmd->parent != NULL ? 2 : 1, found = 0;
    for (size_t i = 0; i < s->nfirstargs && !found; i++)
      if (s->firstargs[i].slot == slot && idx < argc &&
          strlen(s->firstargs[i].arg) == strnlen((const char *)argv[idx].ptr, argv[idx].len) &&
          strncasecmp(s->firstargs[i].arg, (const char *)argv[idx].ptr, argv[idx].len) == 0)
        found = 1;
    if (!found) return ACL_DENIED_CMD;
  }
  if (!(s->flags & SEL_ALLKEYS)) {
    key_check kc = { s, argv, 0 };
    keyspec_keys(cmd->name, argv, argc, visit_key, &kc);
    if (kc.bad != 0) {
      *bad = kc.bad;
      return ACL_DENIED_KEY;
    }
  }
  if (!(s->flags & SEL_ALLCHANNELS) && !channels_allowed(s, cmd, argc, argv, bad))
    return ACL_DENIED_CHANNEL;
  return ACL_OK;
}

int acl_user_may(const st_user *u, const st_cmd *cmd, int argc, const void *argv, int *bad) {
  if (cmd->index >= ACL_MAX_COMMANDS) return ACL_DENIED_CMD;
  /* Redis's ACLCheckAllUserCommandPerm: any selector may allow it; otherwise the worst reason,
   * and among equal ones the last key position. */
  int pos = 0, why = selector_may(&u->root, cmd, argc, argv, &pos);
  if (why == ACL_OK) return ACL_OK;
  int worst = why, worst_pos = pos;
  for (size_t i = 0; i < u->nselectors; i++) {
    pos = 0;
    why = selector_may(&u->selectors[i], cmd, argc, argv, &pos);
    if (why == ACL_OK) return ACL_OK;
    if (why > worst || (why == worst && pos > worst_pos)) {
      worst = why;
      worst_pos = pos;
    }
  }
  if (bad != NULL) *bad = worst_pos;
  return worst;
}

static int channel_in(const acl_selector *s, const void *ch, size_t len, int literal) {
  if (s->flags & SEL_ALLCHANNELS) return 1;
  for (size_t i = 0; i < s->nchannels; i++) {
    const acl_pattern *p = &s->channels[i];
    if (literal ? (p->len == len && memcmp(p->pat, ch, len) == 0)
                : glob_match((const unsigned char *)p->pat, p->len, ch, len, 0))
      return 1;
  }
  return 0;
}

int acl_user_may_channel(const st_user *u, const void *ch, size_t len, int literal) {
  if (channel_in(&u->root, ch, len, literal)) return 1;
  for (size_t i = 0; i < u->nselectors; i++)
    if (channel_in(&u->selectors[i], ch, len, literal)) return 1;
  return 0;
}

const char *acl_check_auth(st_client *c, const st_cmd *cmd) {
  if (c->authenticated || (cmd->flags & CMD_NO_AUTH) || user_open(c->st->acl->default_user))
    return NULL;
  return "NOAUTH Authentication required.";
}

int acl_check_perm(st_client *c, const st_cmd *cmd, char *msg, size_t cap) {
  /* A deleted user's client is on its way out: it runs nothing. */
  int bad = 0;
  int why = c->user == NULL ? ACL_DENIED_CMD : acl_user_may(c->user, cmd, c->argc, c->argv, &bad);
  if (why == ACL_OK) return 0;
  if (c->user != NULL) {
    const void *obj = cmd->name;
    size_t olen = strlen(cmd->name);
    if (why != ACL_DENIED_CMD) obj = c->argv[bad].ptr, olen = c->argv[bad].len;
    acl_log_add(c, why, obj, olen, c->user->name, c->user->name_len);
  }
  if (why == ACL_DENIED_CMD)
    snprintf(msg, cap, "NOPERM this user has no permissions to run the '%s' command", cmd->name);
  else if (why == ACL_DENIED_CHANNEL)
    snprintf(msg, cap,
             "NOPERM this user has no permissions to access one of the channels used "
             "as arguments");
  else
    snprintf(msg, cap,
             "NOPERM this user has no permissions to access one of the keys used as arguments");
  return -1;
}

/* ------------------------------------------------------------------------------ describe */

typedef struct strbuf {
  char *p;
  size_t len, cap;
  int oom;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *np = realloc(b->p, cap);
    if (np == NULL) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *sb_done(strbuf *b) {
  if (b->oom) {
    free(b->p);
    return NULL;
  }
  if (b->p == NULL) sb_add(b, "", 0);
  return b->p;
}

char *acl_describe_commands(const acl_selector *s) {
  return acl_bits_describe(s->allowed, (s->flags & SEL_ALLCOMMANDS) != 0, s->firstargs,
                           s->nfirstargs);
}

static void describe_key(strbuf *b, const acl_pattern *p) {
  sb_str(b, p->perm == (KEY_READ | KEY_WRITE) ? "~" : p->perm == KEY_READ ? "%R~" : "%W~");
  sb_add(b, p->pat, p->len);
}

/* Redis's ACLDescribeSelector: keys, channels, commands. */
static void describe_selector(strbuf *b, const acl_selector *s) {
  if (s->flags & SEL_ALLKEYS) sb_str(b, "~* ");
  for (size_t i = 0; !(s->flags & SEL_ALLKEYS) && i < s->nkeys; i++) {
    describe_key(b, &s->keys[i]);
    sb_str(b, " ");
  }
  if (s->flags & SEL_ALLCHANNELS) {
    sb_str(b, "&* ");
  } else {
    sb_str(b, "resetchannels ");
    for (size_t i = 0; i < s->nchannels; i++) {
      sb_str(b, "&");
      sb_add(b, s->channels[i].pat, s->channels[i].len);
      sb_str(b, " ");
    }
  }
  char *rules = acl_describe_commands(s);
  if (rules == NULL) {
    b->oom = 1;
    return;
  }
  sb_str(b, rules);
  free(rules);
}

char *acl_describe_user(const st_user *u) {
  strbuf b = { 0 };
  sb_str(&b, "user ");
  sb_add(&b, u->name, u->name_len);
  sb_str(&b, (u->flags & USER_ON) ? " on " : " off ");
  if (u->flags & USER_NOPASS) sb_str(&b, "nopass ");
  if (u->flags & USER_SKIP_SANITIZE) sb_str(&b, "skip-sanitize-payload ");
  if (u->flags & USER_SANITIZE) sb_str(&b, "sanitize-payload ");
  for (size_t i = 0; i < u->npasswords; i++) {
    char hex[2 * SHA256_LEN + 1];
    for (int j = 0; j < SHA256_LEN; j++) snprintf(hex + 2 * j, 3, "%02x", u->passwords[i][j]);
    sb_str(&b, "#");
    sb_str(&b, hex);
    sb_str(&b, " ");
  }
  describe_selector(&b, &u->root);
  for (size_t i = 0; i < u->nselectors; i++) {
    sb_str(&b, " (");
    describe_selector(&b, &u->selectors[i]);
    sb_str(&b, ")");
  }
  return sb_done(&b);
}
