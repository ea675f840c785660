/* cmd_command.c - COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS|HELP]: the command table as Redis 7.0.15
 * describes its own. A row gives name, arity, flags, keys, ACL categories, summary, since, group
 * and complexity; command_meta.c (generated from redis-server) adds what Redis says beyond that:
 * tips, key specs, and the docs' history and arguments (which redis-cli turns into hints).
 * Subcommands come from the table, so only the ones this engine has are listed. GETKEYS and
 * GETKEYSANDFLAGS find keys from the same key specs (keyspec.c). */
#include <stdio.h>

#include "command_meta.h"
#include "glob.h"
#include "keyspec.h"
#include "store.h"

static const char *const flag_names[] = {
  "write",    "readonly",      "denyoom",      "admin",
  "pubsub",   "noscript",      "blocking",     "loading",
  "stale",    "skip_monitor",  "skip_slowlog", "fast",
  "no_auth",  "may_replicate", "sentinel",     "no_async_loading",
  "no_multi", "movablekeys",   "allow_busy"
};
static const char *const acl_names[] = {
  "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
  "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
  "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"
};

static int is_sub_of(const st_cmd *row, const st_cmd *container) {
  return row->parent != NULL && strcmp(row->parent, container->name) == 0;
}

static long count_subs(const st_cmd *cmd) {
  long n = 0;
  if (cmd_is_container(cmd))
    for (size_t i = 0; i < st_command_count; i++)
      if (is_sub_of(&st_commands[i], cmd)) n++;
  return n;
}

static void reply_raw_cstr(st_client *c, const char *resp) {
  reply_raw(&c->out, resp, strlen(resp));
}

static void reply_command_info(st_client *c, const st_cmd *cmd) {
  const st_cmd_meta *meta = cmd_meta_find(cmd->name);
  reply_array(&c->out, 10);
  reply_bulk_cstr(&c->out, cmd->name);
  reply_int(&c->out, cmd->arity);
  long nflags = 0;
  for (size_t i = 0; i < sizeof flag_names / sizeof *flag_names; i++)
    if (cmd->flags & (1u << i)) nflags++;
  reply_array(&c->out, nflags);
  for (size_t i = 0; i < sizeof flag_names / sizeof *flag_names; i++)
    if (cmd->flags & (1u << i)) reply_simple(&c->out, flag_names[i]);
  reply_int(&c->out, cmd->first_key);
  reply_int(&c->out, cmd->last_key);
  reply_int(&c->out, cmd->key_step);
  long nacl = 0;
  for (size_t i = 0; i < sizeof acl_names / sizeof *acl_names; i++)
    if (cmd->acl & (1ull << i)) nacl++;
  reply_array(&c->out, nacl);
  for (size_t i = 0; i < sizeof acl_names / sizeof *acl_names; i++) {
    if (!(cmd->acl & (1ull << i))) continue;
    char name[32];
    snprintf(name, sizeof name, "@%s", acl_names[i]);
    reply_simple(&c->out, name);
  }
  reply_raw_cstr(c, meta != NULL ? meta->tips : "*0\r\n");
  reply_raw_cstr(c, meta != NULL ? meta->specs : "*0\r\n");
  long nsub = count_subs(cmd);
  reply_array(&c->out, nsub);
  for (size_t i = 0; nsub > 0 && i < st_command_count; i++)
    if (is_sub_of(&st_commands[i], cmd)) reply_command_info(c, &st_commands[i]);
}

static long top_level_count(void) {
  long n = 0;
  for (size_t i = 0; i < st_command_count; i++)
    if (st_commands[i].parent == NULL) n++;
  return n;
}

/* A command by name, as Redis's lookupCommandBySds: "config|get" names a subcommand. */
static const st_cmd *lookup_full(const resp_arg *a) {
  const unsigned char *bar = memchr(a->ptr, '|', a->len);
  if (bar == NULL) return cmd_lookup(a->ptr, a->len);
  const st_cmd *parent = cmd_lookup(a->ptr, (size_t)(bar - a->ptr));
  if (parent == NULL || !cmd_is_container(parent)) return NULL;
  return cmd_lookup_sub(parent, bar + 1, a->len - (size_t)(bar - a->ptr) - 1);
}

void cmd_command(st_client *c) {
  reply_array(&c->out, top_level_count());
  for (size_t i = 0; i < st_command_count; i++)
    if (st_commands[i].parent == NULL) reply_command_info(c, &st_commands[i]);
}

void cmd_command_count(st_client *c) { reply_int(&c->out, top_level_count()); }

void cmd_command_info(st_client *c) {
  if (c->argc == 2) {
    cmd_command(c);
    return;
  }
  reply_array(&c->out, c->argc - 2);
  for (int i = 2; i < c->argc; i++) {
    const st_cmd *cmd = lookup_full(&c->argv[i]);
    if (cmd == NULL)
      reply_null_bulk(&c->out);
    else
      reply_command_info(c, cmd);
  }
}

/* One command's docs map: the row's four fields, the generated ones, then its subcommands. */
static void reply_command_docs(st_client *c, const st_cmd *cmd) {
  const st_cmd_meta *meta = cmd_meta_find(cmd->name);
  long nsub = count_subs(cmd);
  int extra = meta != NULL ? meta->ndocs : 0;
  /* Redis leaves out a complexity it does not have (MONITOR's); so do the rows, with "". */
  int has_complexity = cmd->complexity[0] != '\0';
  reply_array(&c->out, 6 + 2 * has_complexity + 2 * extra + (nsub > 0 ? 2 : 0));
  reply_bulk_cstr(&c->out, "summary");
  reply_bulk_cstr(&c->out, cmd->summary);
  reply_bulk_cstr(&c->out, "since");
  reply_bulk_cstr(&c->out, cmd->since);
  reply_bulk_cstr(&c->out, "group");
  reply_bulk_cstr(&c->out, cmd->group);
  if (has_complexity) {
    reply_bulk_cstr(&c->out, "complexity");
    reply_bulk_cstr(&c->out, cmd->complexity);
  }
  if (meta != NULL) reply_raw_cstr(c, meta->docs);
  if (nsub > 0) {
    reply_bulk_cstr(&c->out, "subcommands");
    reply_array(&c->out, 2 * nsub);
    for (size_t i = 0; i < st_command_count; i++)
      if (is_sub_of(&st_commands[i], cmd)) {
        reply_bulk_cstr(&c->out, st_commands[i].name);
        reply_command_docs(c, &st_commands[i]);
      }
  }
}

void cmd_command_docs(st_client *c) {
  if (c->argc == 2) {
    reply_array(&c->out, 2 * top_level_count());
    for (size_t i = 0; i < st_command_count; i++)
      if (st_commands[i].parent == NULL) {
        reply_bulk_cstr(&c->out, st_commands[i].name);
        reply_command_docs(c, &st_commands[i]);
      }
    return;
  }
  long found = 0;
  for (int i = 2; i < c->argc; i++)
    if (lookup_full(&c->argv[i]) != NULL) found++;
  reply_array(&c->out, 2 * found);
  for (int i = 2; i < c->argc; i++) {
    const st_cmd *cmd = lookup_full(&c->argv[i]);
    if (cmd == NULL) continue;
    reply_bulk_cstr(&c->out, cmd->name);
    reply_command_docs(c, cmd);
  }
}

/* COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: every command and
 * subcommand name (Redis lists both). No modules here: MODULE matches nothing. */
void cmd_command_list(st_client *c) {
  enum { ALL, MODULE, ACLCAT, PATTERN } by = ALL;
  uint64_t cat = 0;
  if (c->argc == 5 && arg_is(c, 2, "filterby")) {
    if (arg_is(c, 3, "module")) {
      by = MODULE;
    } else if (arg_is(c, 3, "aclcat")) {
      by = ACLCAT;
      for (size_t i = 0; i < sizeof acl_names / sizeof *acl_names; i++)
        if (arg_eq(&c->argv[4], acl_names[i])) cat = 1ull << i;
    } else if (arg_is(c, 3, "pattern")) {
      by = PATTERN;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  } else if (c->argc != 2) {
    reply_error(&c->out, "%s", ERR_SYNTAX);
    return;
  }
  void *len = reply_defer_len(&c->out);
  long n = 0;
  for (size_t i = 0; i < st_command_count && by != MODULE; i++) {
    const st_cmd *cmd = &st_commands[i];
    if (by == ACLCAT && !(cmd->acl & cat)) continue;
    if (by == PATTERN && !glob_match(c->argv[4].ptr, c->argv[4].len,
                                     (const unsigned char *)cmd->name, strlen(cmd->name), 1))
      continue;
    reply_bulk_cstr(&c->out, cmd->name);
    n++;
  }
  reply_set_defer_len(&c->out, len, n);
}

typedef struct getkeys_reply {
  st_client *c;
  int with_flags;
} getkeys_reply;

static void reply_key(void *ctx, int pos, uint32_t flags) {
  getkeys_reply *g = ctx;
  reply_buf *out = &g->c->out;
  const resp_arg *key = &g->c->argv[2 + pos];
  if (!g->with_flags) {
    reply_bulk(out, key->ptr, key->len);
    return;
  }
  reply_array(out, 2);
  reply_bulk(out, key->ptr, key->len);
  long n = 0;
  for (int i = 0; i < KS_FLAG_COUNT; i++)
    if (flags & (1u << i)) n++;
  reply_array(out, n);
  for (int i = 0; i < KS_FLAG_COUNT; i++)
    if (flags & (1u << i)) reply_simple(out, keyspec_flag_name(i));
}

/* Redis's getKeysSubcommandImpl: the command as lookupCommand finds it (a container with more
 * arguments names a subcommand), then whether it has keys, then its arity, then the keys. */
static void getkeys(st_client *c, int with_flags) {
  const resp_arg *argv = &c->argv[2];
  int argc = c->argc - 2;
  const st_cmd *cmd = cmd_lookup(argv[0].ptr, argv[0].len);
  if (cmd != NULL && cmd_is_container(cmd) && argc > 1)
    cmd = cmd_lookup_sub(cmd, argv[1].ptr, argv[1].len);
  if (cmd == NULL) {
    reply_error(&c->out, "ERR Invalid command specified");
    return;
  }
  if (!keyspec_has_keys(cmd->name)) {
    reply_error(&c->out, "ERR The command has no key arguments");
    return;
  }
  if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
    reply_error(&c->out, "ERR Invalid number of arguments specified for command");
    return;
  }
  long n = keyspec_keys(cmd->name, argv, argc, NULL, NULL);
  if (n <= 0) {
    reply_error(&c->out, "ERR Invalid arguments specified for command");
    return;
  }
  getkeys_reply g = { c, with_flags };
  reply_array(&c->out, n);
  keyspec_keys(cmd->name, argv, argc, reply_key, &g);
}

void cmd_command_getkeys(st_client *c) { getkeys(c, 0); }

void cmd_command_getkeysandflags(st_client *c) { getkeys(c, 1); }

void cmd_command_help(st_client *c) {
  static const char *const lines[] = {
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    NULL
  };
  reply_help(c, "COMMAND", lines);
}
