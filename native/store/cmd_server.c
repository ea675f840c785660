/* cmd_server.c - server commands served in C (the CMD_JS ones run in TypeScript). */
#include "entry.h"
#include "purge.h"
#include "store.h"

void cmd_config_help(st_client *c) {
  static const char *const lines[] = {
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    NULL
  };
  reply_help(c, "CONFIG", lines);
}

/* MEMORY USAGE key [SAMPLES n]: the entry block plus the value's bytes, exact and O(1) (every
 * collection keeps its byte total), so SAMPLES is parsed and has nothing to do. */
void cmd_memory_usage(st_client *c) {
  for (int j = 3; j < c->argc; j++) {
    if (arg_is(c, j, "samples") && j + 1 < c->argc) {
      long long n;
      if (arg_ll(c, j + 1, &n) != 0) return;
      if (n < 0) {
        reply_error(&c->out, "%s", ERR_SYNTAX);
        return;
      }
      j++;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return;
    }
  }
  st_entry *e = db_find(c, c->db, c->argv[2].ptr, c->argv[2].len);
  if (e == NULL) {
    reply_null_bulk(&c->out);
    return;
  }
  size_t bytes =
      sm_usable(&c->st->mem, (e->flags & E_SELF_PMEM) ? TM_PMEM : TM_DRAM, e, entry_block_size(e)) +
      obj_usage(c->st, e);
  reply_int(&c->out, (long long)bytes);
}

/* MEMORY PURGE: OK whatever the allocator could do, as Redis 7.0 replies. */
void cmd_memory_purge(st_client *c) {
  purge_now(c->st);
  reply_simple(&c->out, "OK");
}

void cmd_memory_help(st_client *c) {
  static const char *const lines[] = {
    "DOCTOR",
    "    Return memory problems reports.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    NULL
  };
  reply_help(c, "MEMORY", lines);
}
