/* command_meta.h - what COMMAND INFO and COMMAND DOCS say about a command beyond its table row
 * (commands.def): Redis 7.0.15's own bytes, generated into command_meta.c by
 * scripts/gen-command-meta.mjs. */
#ifndef TM_STORE_COMMAND_META_H
#define TM_STORE_COMMAND_META_H

#include <stddef.h>
#include <string.h>

typedef struct st_cmd_meta {
  const char *name;  /* "get", "client|kill" */
  const char *tips;  /* COMMAND INFO's tips: a RESP2 array */
  const char *specs; /* COMMAND INFO's key specs: a RESP2 array */
  int ndocs;         /* COMMAND DOCS fields after "complexity" (subcommands excluded) */
  const char *docs;  /* those fields, name and value each, as RESP2 */
} st_cmd_meta;

/* The metadata of a command by its full name, or NULL when redis-server has no such command. */
const st_cmd_meta *cmd_meta_find(const char *name);

#endif
