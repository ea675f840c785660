/* cmd_acl.c - AUTH and the ACL container (users, rules, checks: acl.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "acl.h"
#include "store.h"

#define ERR_WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."
#define ERR_AUTH_NO_PASSWORD                                                                  \
  "ERR AUTH <password> called without any password configured for the default user. Are you " \
  "sure your configuration is correct?"

void cmd_auth(st_client *c) {
  if (c->argc > 3) {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return;
  }
  const resp_arg *pass = &c->argv[c->argc - 1];
  int ok;
  if (c->argc == 2) {
    if (acl_default_nopass(c->st)) {
      reply_error(&c->out, "%s", ERR_AUTH_NO_PASSWORD);
      return;
    }
    ok = acl_authenticate(c, "default", 7, pass->ptr, pass->len);
  } else {
    ok = acl_authenticate(c, c->argv[1].ptr, c->argv[1].len, pass->ptr, pass->len);
  }
  if (ok) {
    reply_simple(&c->out, "OK");
    return;
  }
  const resp_arg *user = c->argc == 2 ? NULL : &c->argv[1];
  acl_log_add(c, ACL_DENIED_AUTH, c->argv[0].ptr, c->argv[0].len,
              user ? (const void *)user->ptr : "default", user ? user->len : 7);
  reply_error(&c->out, "%s", ERR_WRONGPASS);
}

int acl_auth_or_reply(st_client *c, const resp_arg *user, const resp_arg *pass) {
  if (acl_authenticate(c, user->ptr, user->len, pass->ptr, pass->len)) return 0;
  acl_log_add(c, ACL_DENIED_AUTH, c->argv[0].ptr, c->argv[0].len, user->ptr, user->len);
  reply_error(&c->out, "%s", ERR_WRONGPASS);
  return -1;
}

/* ------------------------------------------------------------------------------ ACL */

static void bulk_cstr(st_client *c, const char *s) { reply_bulk(&c->out, s, strlen(s)); }

/* A bulk made from fmt with one string argument (s, or s's first n bytes when n > 0). */
static void reply_bulk_fmt(st_client *c, const char *fmt, const char *s, size_t n) {
  size_t len = (n > 0 ? n : strlen(s)) + strlen(fmt);
  char *buf = malloc(len + 1);
  if (buf == NULL) {
    reply_oom(c);
    return;
  }
  int w = n > 0 ? snprintf(buf, len + 1, fmt, (int)n, s) : snprintf(buf, len + 1, fmt, s);
  reply_bulk(&c->out, buf, w > 0 ? (size_t)w : 0);
  free(buf);
}

/* A malloc'ed description as a bulk (OOM reply when it could not be built). */
static void bulk_owned(st_client *c, char *s) {
  if (s == NULL) {
    reply_oom(c);
    return;
  }
  bulk_cstr(c, s);
  free(s);
}

/* What Redis's ACL answers to a subcommand with too many arguments (CAT, GENPASS). */
static void reply_subcommand_syntax(st_client *c) {
  reply_error(&c->out,
              "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try ACL HELP.",
              (int)c->argv[1].len, (const char *)c->argv[1].ptr);
}

void cmd_acl_cat(st_client *c) {
  if (c->argc > 3) {
    reply_subcommand_syntax(c);
    return;
  }
  if (c->argc == 2) {
    reply_array(&c->out, ACL_CATEGORY_COUNT);
    for (int i = 0; i < ACL_CATEGORY_COUNT; i++) bulk_cstr(c, acl_category_names[i]);
    return;
  }
  int bit = acl_category_bit(c->argv[2].ptr, c->argv[2].len);
  if (bit < 0) {
    reply_error(&c->out, "ERR Unknown category '%.*s'", (int)c->argv[2].len,
                (const char *)c->argv[2].ptr);
    return;
  }
  /* Every Redis 7.0 command and subcommand in it, the store's or not, as Redis lists them. */
  long n = 0;
  int slots = (int)acl_slot_count();
  for (int i = 0; i < slots; i++)
    if (acl_slot_in_redis(i) && acl_slot_in_category(i, bit)) n++;
  reply_array(&c->out, n);
  for (int i = 0; i < slots; i++)
    if (acl_slot_in_redis(i) && acl_slot_in_category(i, bit)) bulk_cstr(c, acl_slot_name(i));
}

void cmd_acl_deluser(st_client *c) {
  for (int i = 2; i < c->argc; i++)
    if (c->argv[i].len == 7 && memcmp(c->argv[i].ptr, "default", 7) == 0) {
      reply_error(&c->out, "ERR The 'default' user cannot be removed");
      return;
    }
  long long deleted = 0;
  for (int i = 2; i < c->argc; i++) {
    st_user *u = acl_find(c->st, c->argv[i].ptr, c->argv[i].len);
    if (u != NULL) deleted += acl_user_delete(c->st, u);
  }
  reply_int(&c->out, deleted);
}

/* Redis's lookupCommand over Redis 7.0's commands: a container with an argument is that
 * subcommand or nothing. The store's row where it has one; for a command it lacks, a row made in
 * *lacked from Redis's name, arity and categories (enough for the permission check). */
static const st_cmd *dryrun_lookup(const resp_arg *argv, int argc, st_cmd *lacked) {
  const st_cmd *cmd = cmd_lookup(argv[0].ptr, argv[0].len);
  int slot = acl_slot_find((const char *)argv[0].ptr, argv[0].len);
  if (slot >= 0 && acl_slot_parent(slot) >= 0) slot = -1; /* "config|get" is no command name */
  if (slot < 0) return cmd;
  if (acl_slot_is_container(slot) && argc >= 2) {
    cmd = cmd != NULL ? cmd_lookup_sub(cmd, argv[1].ptr, argv[1].len) : NULL;
    const char *base = acl_slot_name(slot);
    size_t blen = strlen(base);
    char full[160];
    slot = -1;
    if (memchr(argv[1].ptr, '|', argv[1].len) == NULL && blen + 1 + argv[1].len < sizeof full) {
      memcpy(full, base, blen);
      full[blen] = '|';
      memcpy(full + blen + 1, argv[1].ptr, argv[1].len);
      slot = acl_slot_find(full, blen + 1 + argv[1].len);
    }
    if (cmd != NULL || slot < 0) return cmd;
  }
  if (cmd != NULL) return cmd;
  memset(lacked, 0, sizeof *lacked);
  lacked->name = acl_slot_name(slot);
  lacked->parent = acl_slot_parent(slot) >= 0 ? acl_slot_name(acl_slot_parent(slot)) : NULL;
  lacked->arity = acl_slot_arity(slot);
  lacked->acl = acl_slot_categories(slot);
  lacked->index = (uint32_t)slot;
  return lacked;
}

void cmd_acl_dryrun(st_client *c) {
  st_user *u = acl_find(c->st, c->argv[2].ptr, c->argv[2].len);
  if (u == NULL) {
    reply_error(&c->out, "ERR User '%.*s' not found", (int)c->argv[2].len,
                (const char *)c->argv[2].ptr);
    return;
  }
  int argc = c->argc - 3;
  const resp_arg *argv = c->argv + 3;
  st_cmd lacked;
  const st_cmd *cmd = dryrun_lookup(argv, argc, &lacked);
  if (cmd == NULL) {
    reply_error(&c->out, "ERR Command '%.*s' not found", (int)c->argv[3].len,
                (const char *)c->argv[3].ptr);
    return;
  }
  if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
    reply_error(&c->out, "ERR wrong number of arguments for '%s' command", cmd->name);
    return;
  }
  int bad = 0, why = acl_user_may(u, cmd, argc, argv, &bad);
  switch (why) {
    case ACL_OK: reply_simple(&c->out, "OK"); return;
    case ACL_DENIED_CMD:
      reply_bulk_fmt(c, "This user has no permissions to run the '%s' command", cmd->name, 0);
      return;
    default: {
      /* Redis prints the key as a C string: it stops at a NUL byte. */
      const resp_arg *k = &argv[bad];
      const void *nul = memchr(k->ptr, 0, k->len);
      size_t klen = nul != NULL ? (size_t)((const unsigned char *)nul - k->ptr) : k->len;
      int key = why == ACL_DENIED_KEY;
      if (klen == 0) {
        bulk_cstr(c, key ? "This user has no permissions to access the '' key"
                         : "This user has no permissions to access the '' channel");
        return;
      }
      reply_bulk_fmt(c,
                     key ? "This user has no permissions to access the '%.*s' key"
                         : "This user has no permissions to access the '%.*s' channel",
                     (const char *)k->ptr, klen);
      return;
    }
  }
}

void cmd_acl_genpass(st_client *c) {
  long long bits = 256;
  if (c->argc > 3) {
    reply_subcommand_syntax(c);
    return;
  }
  if (c->argc == 3 &&
      arg_ll_range(c, 2, 1, 4096, &bits,
                   "ERR ACL GENPASS argument must be the number of bits for the output "
                   "password, a positive number up to 4096") != 0)
    return;
  size_t chars = (size_t)(bits + 3) / 4;
  unsigned char raw[512];
  size_t need = (chars + 1) / 2, got = 0;
  while (got < need) {
    ssize_t r = getrandom(raw + got, need - got, 0);
    if (r <= 0) {
      reply_error(&c->out, "ERR could not read random bytes");
      return;
    }
    got += (size_t)r;
  }
  char hex[1025];
  for (size_t i = 0; i < chars; i++) {
    unsigned v = (i % 2 == 0) ? raw[i / 2] >> 4 : raw[i / 2] & 15u;
    hex[i] = "0123456789abcdef"[v];
  }
  reply_bulk(&c->out, hex, chars);
}

static void reply_patterns(st_client *c, const acl_pattern *p, size_t n, int all, int keys) {
  if (all) {
    bulk_cstr(c, keys ? "~*" : "&*");
    return;
  }
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += p[i].len + 4;
  char *s = malloc(len + 1);
  if (s == NULL) {
    reply_oom(c);
    return;
  }
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) s[at++] = ' ';
    const char *pre = !keys                                 ? "&"
                      : p[i].perm == (KEY_READ | KEY_WRITE) ? "~"
                      : p[i].perm == KEY_READ               ? "%R~"
                                                            : "%W~";
    memcpy(s + at, pre, strlen(pre));
    at += strlen(pre);
    memcpy(s + at, p[i].pat, p[i].len);
    at += p[i].len;
  }
  reply_bulk(&c->out, s, at);
  free(s);
}

/* Redis's aclAddReplySelectorDescription: commands, keys, channels. */
static void reply_selector(st_client *c, const acl_selector *s) {
  bulk_cstr(c, "commands");
  bulk_owned(c, acl_describe_commands(s));
  bulk_cstr(c, "keys");
  reply_patterns(c, s->keys, s->nkeys, (s->flags & SEL_ALLKEYS) != 0, 1);
  bulk_cstr(c, "channels");
  reply_patterns(c, s->channels, s->nchannels, (s->flags & SEL_ALLCHANNELS) != 0, 0);
}

void cmd_acl_getuser(st_client *c) {
  const st_user *u = acl_find(c->st, c->argv[2].ptr, c->argv[2].len);
  if (u == NULL) {
    reply_null_bulk(&c->out);
    return;
  }
  reply_array(&c->out, 12);
  bulk_cstr(c, "flags");
  const char *flags[4];
  long nf = 0;
  flags[nf++] = (u->flags & USER_ON) ? "on" : "off";
  if (u->flags & USER_NOPASS) flags[nf++] = "nopass";
  if (u->flags & USER_SKIP_SANITIZE) flags[nf++] = "skip-sanitize-payload";
  if (u->flags & USER_SANITIZE) flags[nf++] = "sanitize-payload";
  reply_array(&c->out, nf);
  for (long i = 0; i < nf; i++) bulk_cstr(c, flags[i]);
  bulk_cstr(c, "passwords");
  reply_array(&c->out, (long)u->npasswords);
  for (size_t i = 0; i < u->npasswords; i++) {
    char hex[2 * SHA256_LEN + 1];
    for (int j = 0; j < SHA256_LEN; j++) snprintf(hex + 2 * j, 3, "%02x", u->passwords[i][j]);
    bulk_cstr(c, hex);
  }
  reply_selector(c, &u->root);
  bulk_cstr(c, "selectors");
  reply_array(&c->out, (long)u->nselectors);
  for (size_t i = 0; i < u->nselectors; i++) {
    reply_array(&c->out, 6);
    reply_selector(c, &u->selectors[i]);
  }
}

void cmd_acl_list(st_client *c) {
  long n = 0;
  for (const st_user *u = c->st->acl->users; u != NULL; u = u->next) n++;
  reply_array(&c->out, n);
  for (const st_user *u = c->st->acl->users; u != NULL; u = u->next)
    bulk_owned(c, acl_describe_user(u));
}

void cmd_acl_users(st_client *c) {
  long n = 0;
  for (const st_user *u = c->st->acl->users; u != NULL; u = u->next) n++;
  reply_array(&c->out, n);
  for (const st_user *u = c->st->acl->users; u != NULL; u = u->next)
    reply_bulk(&c->out, u->name, u->name_len);
}

void cmd_acl_whoami(st_client *c) {
  if (c->user == NULL)
    reply_null_bulk(&c->out);
  else
    reply_bulk(&c->out, c->user->name, c->user->name_len);
}

/* All or nothing: the modifiers go to a copy, which replaces the user only if all applied. */
void cmd_acl_setuser(st_client *c) {
  const resp_arg *name = &c->argv[2];
  if (memchr(name->ptr, ' ', name->len) != NULL || memchr(name->ptr, '\0', name->len) != NULL) {
    reply_error(&c->out, "ERR Usernames can't contain spaces or null characters");
    return;
  }
  const st_user *old = acl_find(c->st, name->ptr, name->len);
  st_user *u = old != NULL ? acl_user_copy(old) : acl_user_new(name->ptr, name->len);
  if (u == NULL) {
    reply_oom(c);
    return;
  }
  char *err;
  if (acl_user_apply(u, c->argc - 3, c->argv + 3, &err) != 0) {
    if (err == NULL)
      reply_oom(c);
    else
      reply_error(&c->out, "ERR %s", err);
    free(err);
    acl_user_free(u);
    return;
  }
  acl_user_install(c->st, u);
  reply_simple(&c->out, "OK");
}

void cmd_acl_log(st_client *c) {
  long long count = 10;
  if (c->argc > 3) {
    reply_subcommand_syntax(c);
    return;
  }
  if (c->argc == 3) {
    if (arg_is(c, 2, "reset")) {
      acl_log_reset(c->st);
      reply_simple(&c->out, "OK");
      return;
    }
    if (arg_ll(c, 2, &count) != 0) return;
  }
  acl_log_reply(c, count < 0 ? 0 : count > LONG_MAX ? LONG_MAX : (long)count);
}

void cmd_acl_help(st_client *c) {
  static const char *const lines[] = {
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    NULL
  };
  reply_help(c, "ACL", lines);
}
