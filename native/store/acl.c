/* acl.c - users, their rules and the permission check (see acl.h). */
#include "acl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
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

/* ------------------------------------------------------------------------------ users */

static void free_patterns(acl_pattern *p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i].pat);
  free(p);
}

void acl_user_free(st_user *u) {
  if (u == NULL) return;
  free(u->name);
  free(u->passwords);
  free(u->rules);
  free_patterns(u->keys, u->nkeys);
  free_patterns(u->channels, u->nchannels);
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

st_user *acl_user_copy(const st_user *u) {
  st_user *c = acl_user_new(u->name, u->name_len);
  if (c == NULL) return NULL;
  c->flags = u->flags;
  memcpy(c->allowed, u->allowed, sizeof c->allowed);
  c->npasswords = u->npasswords;
  c->nrules = u->nrules;
  c->nkeys = u->nkeys;
  c->nchannels = u->nchannels;
  if (u->npasswords > 0) {
    c->passwords = malloc(u->npasswords * SHA256_LEN);
    if (c->passwords != NULL) memcpy(c->passwords, u->passwords, u->npasswords * SHA256_LEN);
  }
  if (u->nrules > 0) {
    c->rules = malloc(u->nrules * sizeof *c->rules);
    if (c->rules != NULL) memcpy(c->rules, u->rules, u->nrules * sizeof *c->rules);
  }
  int bad = (u->npasswords > 0 && c->passwords == NULL) || (u->nrules > 0 && c->rules == NULL);
  if (copy_patterns(&c->keys, u->keys, u->nkeys) != 0) {
    c->nkeys = 0;
    bad = 1;
  }
  if (copy_patterns(&c->channels, u->channels, u->nchannels) != 0) {
    c->nchannels = 0;
    bad = 1;
  }
  if (bad) {
    if (c->passwords == NULL) c->npasswords = 0;
    if (c->rules == NULL) c->nrules = 0;
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

int acl_user_delete(st_store *st, st_user *u) {
  for (st_user **p = &st->acl->users; *p != NULL; p = &(*p)->next) {
    if (*p != u) continue;
    *p = u->next;
    for (st_client *c = st->clients; c != NULL; c = c->next) {
      if (c->user != u) continue;
      /* Redis frees such clients; this one goes at its next read or write. */
      c->user = NULL;
      c->authenticated = 0;
      c->flags |= CL_CLOSE_ASAP;
    }
    acl_user_free(u);
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ rules */

#define WORDS (ACL_MAX_COMMANDS / 64)

static void set_bit(uint64_t *bm, size_t i, int on) {
  if (on)
    bm[i / 64] |= 1ull << (i % 64);
  else
    bm[i / 64] &= ~(1ull << (i % 64));
}

/* The rows a rule covers: a category's commands, or a command and (a container) its
 * subcommands. */
static int rule_covers(const acl_rule *r, size_t row) {
  const st_cmd *cmd = &st_commands[row];
  if (r->is_category) return (cmd->acl & (1ull << r->index)) != 0;
  if (row == r->index) return 1;
  const st_cmd *target = &st_commands[r->index];
  return cmd->parent != NULL && target->parent == NULL && strcmp(cmd->parent, target->name) == 0;
}

static void replay(uint32_t flags, const acl_rule *rules, size_t n, size_t skip, uint64_t *bm) {
  memset(bm, (flags & USER_ALLCOMMANDS) ? 0xff : 0, WORDS * sizeof *bm);
  for (size_t i = 0; i < n; i++) {
    if (i == skip) continue;
    for (size_t row = 0; row < st_command_count; row++)
      if (rule_covers(&rules[i], row)) set_bit(bm, row, rules[i].allow);
  }
}

/* Add a rule: an earlier rule on the same name goes, then every rule whose removal would not
 * change the bitmap (so "+@all -get +get" reads "+@all", "-@all +@read -@read" reads "-@all").
 * This gives Redis 7.0's descriptions for the usual rules; where Redis rewrites a category
 * taken away after an overlapping one was added ("-@all +@write -@dangerous") as per-command
 * rules, this keeps the category rule (same permissions, shorter text). */
static int add_rule(st_user *u, acl_rule r) {
  size_t n = 0;
  for (size_t i = 0; i < u->nrules; i++)
    if (u->rules[i].is_category != r.is_category || u->rules[i].index != r.index)
      u->rules[n++] = u->rules[i];
  acl_rule *nr = realloc(u->rules, (n + 1) * sizeof *nr);
  if (nr == NULL) {
    u->nrules = n;
    return -1;
  }
  u->rules = nr;
  u->rules[n++] = r;
  u->nrules = n;
  uint64_t want[WORDS], got[WORDS];
  replay(u->flags, u->rules, u->nrules, (size_t)-1, want);
  for (size_t i = 0; i < u->nrules;) {
    replay(u->flags, u->rules, u->nrules, i, got);
    if (memcmp(got, want, sizeof got) == 0) {
      memmove(&u->rules[i], &u->rules[i + 1], (u->nrules - i - 1) * sizeof *u->rules);
      u->nrules--;
    } else {
      i++;
    }
  }
  memcpy(u->allowed, want, sizeof want);
  return 0;
}

static void set_all_commands(st_user *u, int on) {
  if (on)
    u->flags |= USER_ALLCOMMANDS;
  else
    u->flags &= ~(uint32_t)USER_ALLCOMMANDS;
  u->nrules = 0;
  replay(u->flags, NULL, 0, (size_t)-1, u->allowed);
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

/* Redis's ACLStringHasSpaces: a pattern with white space or a NUL byte is refused. */
static int has_spaces(const unsigned char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (isspace(s[i]) || s[i] == 0) return 1;
  return 0;
}

/* ACLSetSelector's "~" and "%" branch, in its order: "~*" is allkeys (even after allkeys); any
 * other pattern after allkeys is refused before it is parsed; "%" takes R and W once each up
 * to the "~" (which may be missing: "%R" is the empty pattern); spaces are refused. */
static int key_pattern(st_user *u, const unsigned char *s, size_t len, const char **err) {
  if (len == 2 && s[0] == '~' && s[1] == '*') {
    u->flags |= USER_ALLKEYS;
    clear_patterns(&u->keys, &u->nkeys);
    return 0;
  }
  if (u->flags & USER_ALLKEYS) {
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
  if (add_pattern(&u->keys, &u->nkeys, s + i, len - i, perm) != 0) {
    *err = ERR_OOM_TEXT;
    return -1;
  }
  return 0;
}

static int command_rule(st_user *u, const unsigned char *s, size_t len, const char **err) {
  acl_rule r = { (uint8_t)(s[0] == '+'), 0, 0 };
  if (len >= 2 && s[1] == '@') {
    if (ieq(s + 2, len - 2, "all")) {
      set_all_commands(u, r.allow);
      return 0;
    }
    int bit = acl_category_bit(s + 2, len - 2);
    if (bit < 0) {
      *err = ERR_UNKNOWN_NAME;
      return -1;
    }
    r.is_category = 1;
    r.index = (uint16_t)bit;
  } else {
    const unsigned char *bar = memchr(s + 1, '|', len - 1);
    const st_cmd *cmd = cmd_lookup(s + 1, bar ? (size_t)(bar - s - 1) : len - 1);
    if (cmd != NULL && bar != NULL)
      cmd = cmd_is_container(cmd) ? cmd_lookup_sub(cmd, bar + 1, len - (size_t)(bar - s) - 1)
                                  : NULL; /* first-argument rules ("+select|0") are not supported */
    if (cmd == NULL) {
      *err = ERR_UNKNOWN_NAME;
      return -1;
    }
    r.index = (uint16_t)cmd->index;
  }
  if (add_rule(u, r) != 0) {
    *err = ERR_OOM_TEXT;
    return -1;
  }
  return 0;
}

int acl_user_set(st_user *u, const void *op, size_t len, const char **err) {
  const unsigned char *s = op;
  *err = "Syntax error";
  if (len == 0) return 0; /* Redis: an empty rule is a no-op */
  if (ieq(s, len, "on")) {
    u->flags |= USER_ON;
  } else if (ieq(s, len, "off")) {
    u->flags &= ~(uint32_t)USER_ON;
  } else if (ieq(s, len, "nopass")) {
    u->flags |= USER_NOPASS;
    u->npasswords = 0;
  } else if (ieq(s, len, "resetpass")) {
    u->flags &= ~(uint32_t)USER_NOPASS;
    u->npasswords = 0;
  } else if (ieq(s, len, "allkeys")) {
    u->flags |= USER_ALLKEYS;
    clear_patterns(&u->keys, &u->nkeys);
  } else if (ieq(s, len, "resetkeys")) {
    u->flags &= ~(uint32_t)USER_ALLKEYS;
    clear_patterns(&u->keys, &u->nkeys);
  } else if (ieq(s, len, "allchannels")) {
    u->flags |= USER_ALLCHANNELS;
    clear_patterns(&u->channels, &u->nchannels);
  } else if (ieq(s, len, "resetchannels")) {
    u->flags &= ~(uint32_t)USER_ALLCHANNELS;
    clear_patterns(&u->channels, &u->nchannels);
  } else if (ieq(s, len, "allcommands")) {
    set_all_commands(u, 1);
  } else if (ieq(s, len, "nocommands")) {
    set_all_commands(u, 0);
  } else if (ieq(s, len, "sanitize-payload")) {
    u->flags = (u->flags & ~(uint32_t)USER_SKIP_SANITIZE) | USER_SANITIZE;
  } else if (ieq(s, len, "skip-sanitize-payload")) {
    u->flags = (u->flags & ~(uint32_t)USER_SANITIZE) | USER_SKIP_SANITIZE;
  } else if (ieq(s, len, "reset")) {
    u->flags = USER_SANITIZE;
    u->npasswords = 0;
    clear_patterns(&u->keys, &u->nkeys);
    clear_patterns(&u->channels, &u->nchannels);
    set_all_commands(u, 0);
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
  } else if (s[0] == '~' || s[0] == '%') {
    return key_pattern(u, s, len, err);
  } else if (len == 2 && s[0] == '&' && s[1] == '*') { /* allchannels, even after it */
    u->flags |= USER_ALLCHANNELS;
    clear_patterns(&u->channels, &u->nchannels);
  } else if (s[0] == '&') {
    if (u->flags & USER_ALLCHANNELS) {
      *err = ERR_CHANNELS_AFTER_ALL;
      return -1;
    }
    if (has_spaces(s + 1, len - 1)) return -1;
    if (add_pattern(&u->channels, &u->nchannels, s + 1, len - 1, KEY_READ) != 0) {
      *err = ERR_OOM_TEXT;
      return -1;
    }
  } else if (s[0] == '+' || s[0] == '-') { /* "+" alone: an unknown command */
    return command_rule(u, s, len, err);
  } else {
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ the store */

static st_user *make_default(void) {
  st_user *u = acl_user_new("default", 7);
  if (u == NULL) return NULL;
  u->flags = USER_ON | USER_NOPASS | USER_ALLKEYS | USER_ALLCHANNELS;
  set_all_commands(u, 1);
  return u;
}

int acl_init(st_store *st) {
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

/* Where the key count is for the commands whose keys move (CMD_MOVABLE_KEYS): the keys follow
 * it. A movable-keys command missing here has every argument checked as a key. */
static const struct {
  const char *name;
  int numkeys_at;
} movable[] = { { "lmpop", 1 },      { "sintercard", 1 }, { "zmpop", 1 },   { "zintercard", 1 },
                { "zunion", 1 },     { "zinter", 1 },     { "zdiff", 1 },   { "blmpop", 2 },
                { "bzmpop", 2 },     { "eval", 2 },       { "evalsha", 2 }, { "eval_ro", 2 },
                { "evalsha_ro", 2 }, { "fcall", 2 },      { "fcall_ro", 2 } };

static int key_allowed(const st_user *u, const resp_arg *k, uint8_t need) {
  for (size_t i = 0; i < u->nkeys; i++) {
    const acl_pattern *p = &u->keys[i];
    if ((p->perm & need) == need &&
        glob_match((const unsigned char *)p->pat, p->len, k->ptr, k->len, 0))
      return 1;
  }
  return 0;
}

/* 1 if every key argument is allowed; otherwise 0 with *bad = the first denied argument. */
static int keys_allowed(const st_user *u, const st_cmd *cmd, int argc, const resp_arg *argv,
                        int *bad) {
  /* Without key specs: writers need write access to their keys, the others read access. */
  uint8_t need = (cmd->flags & CMD_WRITE) ? KEY_WRITE : KEY_READ;
  if (strcmp(cmd->name, "sort") == 0 || strcmp(cmd->name, "sort_ro") == 0) {
    /* The sorted key is read; a STORE destination written (BY/GET patterns are not checked,
     * as in Redis 7.0). */
    if (argc > 1 && !key_allowed(u, &argv[1], KEY_READ)) return *bad = 1, 0;
    for (int i = 2; i + 1 < argc; i++)
      if (arg_eq(&argv[i], "store") && !key_allowed(u, &argv[i + 1], KEY_WRITE))
        return *bad = i + 1, 0;
    return 1;
  }
  if (cmd->flags & CMD_MOVABLE_KEYS) {
    for (size_t m = 0; m < sizeof movable / sizeof *movable; m++) {
      if (strcmp(movable[m].name, cmd->name) != 0) continue;
      int at = movable[m].numkeys_at;
      long long n = 0;
      if (at < argc) n = strtoll((const char *)argv[at].ptr, NULL, 10);
      for (int i = 1; i < at && cmd->first_key > 0; i++) /* a destination before the count */
        if (!key_allowed(u, &argv[i], KEY_WRITE)) return *bad = i, 0;
      for (long long i = 0; i < n && at + 1 + i < argc; i++)
        if (!key_allowed(u, &argv[at + 1 + i], need)) return *bad = (int)(at + 1 + i), 0;
      return 1;
    }
    for (int i = 1; i < argc; i++)
      if (!key_allowed(u, &argv[i], need)) return *bad = i, 0;
    return 1;
  }
  /* SSUBSCRIBE/SPUBLISH's first_key names channels (their key specs are NOT_KEY). */
  if (cmd->first_key <= 0 || (cmd->flags & CMD_PUBSUB)) return 1;
  int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
  int step = cmd->key_step > 0 ? cmd->key_step : 1;
  for (int i = cmd->first_key; i <= last && i < argc; i += step)
    if (!key_allowed(u, &argv[i], need)) return *bad = i, 0;
  return 1;
}

int acl_user_may(const st_user *u, const st_cmd *cmd, int argc, const void *argv, int *bad) {
  if (cmd->flags & CMD_NO_AUTH) return ACL_OK;
  if (cmd->index >= ACL_MAX_COMMANDS ||
      !(u->allowed[cmd->index / 64] & (1ull << (cmd->index % 64))))
    return ACL_DENIED_CMD;
  int pos = 0;
  if (!(u->flags & USER_ALLKEYS) && !keys_allowed(u, cmd, argc, argv, &pos)) {
    if (bad != NULL) *bad = pos;
    return ACL_DENIED_KEY;
  }
  return ACL_OK;
}

int acl_user_may_channel(const st_user *u, const void *ch, size_t len, int literal) {
  if (u->flags & USER_ALLCHANNELS) return 1;
  for (size_t i = 0; i < u->nchannels; i++) {
    const acl_pattern *p = &u->channels[i];
    if (literal ? (p->len == len && memcmp(p->pat, ch, len) == 0)
                : glob_match((const unsigned char *)p->pat, p->len, ch, len, 0))
      return 1;
  }
  return 0;
}

int acl_check_auth(st_client *c, const st_cmd *cmd) {
  if (c->authenticated || (cmd->flags & CMD_NO_AUTH) || user_open(c->st->acl->default_user))
    return 0;
  reply_error(&c->out, "NOAUTH Authentication required.");
  return -1;
}

int acl_check_perm(st_client *c, const st_cmd *cmd) {
  /* A deleted user's client is on its way out: it runs nothing. */
  int why = c->user == NULL ? ACL_DENIED_CMD : acl_user_may(c->user, cmd, c->argc, c->argv, NULL);
  if (why == ACL_OK) return 0;
  if (why == ACL_DENIED_CMD)
    reply_error(&c->out, "NOPERM this user has no permissions to run the '%s' command", cmd->name);
  else
    reply_error(&c->out,
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

/* The base, then the category rules, then the command rules, as Redis prints them. */
static void describe_commands(strbuf *b, const st_user *u) {
  sb_str(b, (u->flags & USER_ALLCOMMANDS) ? "+@all" : "-@all");
  for (int pass = 1; pass >= 0; pass--)
    for (size_t i = 0; i < u->nrules; i++) {
      const acl_rule *r = &u->rules[i];
      if (r->is_category != pass) continue;
      sb_str(b, r->allow ? " +" : " -");
      if (r->is_category) {
        sb_str(b, "@");
        sb_str(b, acl_category_names[r->index]);
      } else {
        sb_str(b, st_commands[r->index].name);
      }
    }
}

char *acl_describe_commands(const st_user *u) {
  strbuf b = { 0 };
  describe_commands(&b, u);
  return sb_done(&b);
}

static void describe_key(strbuf *b, const acl_pattern *p) {
  sb_str(b, p->perm == (KEY_READ | KEY_WRITE) ? "~" : p->perm == KEY_READ ? "%R~" : "%W~");
  sb_add(b, p->pat, p->len);
}

char *acl_describe_user(const st_user *u) {
  strbuf b = { 0 };
  sb_str(&b, "user ");
  sb_add(&b, u->name, u->name_len);
  sb_str(&b, (u->flags & USER_ON) ? " on" : " off");
  if (u->flags & USER_NOPASS) sb_str(&b, " nopass");
  if (u->flags & USER_SANITIZE) sb_str(&b, " sanitize-payload");
  if (u->flags & USER_SKIP_SANITIZE) sb_str(&b, " skip-sanitize-payload");
  for (size_t i = 0; i < u->npasswords; i++) {
    char hex[2 * SHA256_LEN + 1];
    for (int j = 0; j < SHA256_LEN; j++) snprintf(hex + 2 * j, 3, "%02x", u->passwords[i][j]);
    sb_str(&b, " #");
    sb_str(&b, hex);
  }
  if (u->flags & USER_ALLKEYS) sb_str(&b, " ~*");
  for (size_t i = 0; i < u->nkeys; i++) {
    sb_str(&b, " ");
    describe_key(&b, &u->keys[i]);
  }
  if (u->flags & USER_ALLCHANNELS) {
    sb_str(&b, " &*");
  } else {
    sb_str(&b, " resetchannels");
    for (size_t i = 0; i < u->nchannels; i++) {
      sb_str(&b, " &");
      sb_add(&b, u->channels[i].pat, u->channels[i].len);
    }
  }
  sb_str(&b, " ");
  describe_commands(&b, u);
  return sb_done(&b);
}
