/* commands.c - the command table, built from the rows in commands.def, and name lookup. */
#include <stdlib.h>

#include "store.h"

/* Declarations of every command function. */
#define COMMAND(n, ...) st_cmd_fn cmd_##n;
#define CONTAINER(n, ...)
#define CONTAINER_FN(n, ...) st_cmd_fn cmd_##n;
#define SUBCOMMAND(p, n, ...) st_cmd_fn cmd_##p##_##n;
#define SUBCOMMAND_AS(p, n, name, ...) st_cmd_fn cmd_##p##_##n;
#define JS_COMMAND(n, ...)
#define JS_SUBCOMMAND(p, n, ...)
#include "commands.def"
#undef COMMAND
#undef CONTAINER
#undef CONTAINER_FN
#undef SUBCOMMAND
#undef SUBCOMMAND_AS
#undef JS_COMMAND
#undef JS_SUBCOMMAND

#define ROW(name, parent, fn, arity, flags, acl, first, last, step, group, since, summary, cx) \
  { name, parent, arity, flags, acl, first, last, step, fn, group, since, summary, cx, 0 },
#define COMMAND(n, ...) ROW(#n, NULL, cmd_##n, __VA_ARGS__)
#define CONTAINER(n, arity, flags, ...) \
  ROW(#n, NULL, NULL, arity, (flags) | CMD_CONTAINER, __VA_ARGS__)
#define CONTAINER_FN(n, arity, flags, ...) \
  ROW(#n, NULL, cmd_##n, arity, (flags) | CMD_CONTAINER, __VA_ARGS__)
#define SUBCOMMAND(p, n, ...) ROW(#p "|" #n, #p, cmd_##p##_##n, __VA_ARGS__)
#define SUBCOMMAND_AS(p, n, name, ...) ROW(#p "|" name, #p, cmd_##p##_##n, __VA_ARGS__)
#define JS_COMMAND(n, arity, flags, ...) ROW(#n, NULL, NULL, arity, (flags) | CMD_JS, __VA_ARGS__)
#define JS_SUBCOMMAND(p, n, arity, flags, ...) \
  ROW(#p "|" #n, #p, NULL, arity, (flags) | CMD_JS, __VA_ARGS__)
static st_cmd table[] = {
#include "commands.def"
};
#undef COMMAND
#undef CONTAINER
#undef CONTAINER_FN
#undef SUBCOMMAND
#undef SUBCOMMAND_AS
#undef JS_COMMAND
#undef JS_SUBCOMMAND
#undef ROW

const st_cmd *const st_commands = table;
const size_t st_command_count = sizeof table / sizeof table[0];

/* Open-addressing index of the rows by lowercase full name, built once. */
#define INDEX_SIZE 1024
static const st_cmd *index_slots[INDEX_SIZE];
static int index_built = 0;

static uint32_t name_hash(const unsigned char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}

static void build_index(void) {
  _Static_assert(sizeof table / sizeof table[0] < INDEX_SIZE / 2, "command index too small");
  for (size_t i = 0; i < st_command_count; i++) {
    table[i].index = (uint32_t)i;
    const unsigned char *nm = (const unsigned char *)table[i].name;
    uint32_t h = name_hash(nm, strlen(table[i].name)) & (INDEX_SIZE - 1);
    while (index_slots[h] != NULL) h = (h + 1) & (INDEX_SIZE - 1);
    index_slots[h] = &table[i];
  }
  index_built = 1;
}

void cmd_table_init(void) {
  if (!index_built) build_index();
}

static const st_cmd *find_lower(const unsigned char *lower, size_t len) {
  uint32_t h = name_hash(lower, len) & (INDEX_SIZE - 1);
  for (const st_cmd *c; (c = index_slots[h]) != NULL; h = (h + 1) & (INDEX_SIZE - 1))
    if (strlen(c->name) == len && memcmp(c->name, lower, len) == 0) return c;
  return NULL;
}

/* Longest full name ("client|no-evict" and the like) with room to spare. */
#define MAX_NAME 64

static size_t lower_into(unsigned char *dst, const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = s[i];
    dst[i] = (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + 32) : ch;
  }
  return n;
}

const st_cmd *cmd_lookup(const unsigned char *name, size_t len) {
  if (len == 0 || len > MAX_NAME) return NULL;
  unsigned char buf[MAX_NAME];
  lower_into(buf, name, len);
  const st_cmd *c = find_lower(buf, len);
  return (c != NULL && c->parent == NULL) ? c : NULL;
}

const st_cmd *cmd_lookup_sub(const st_cmd *container, const unsigned char *sub, size_t len) {
  size_t plen = strlen(container->name);
  if (len == 0 || plen + 1 + len > 2 * MAX_NAME) return NULL;
  unsigned char buf[2 * MAX_NAME + 1];
  memcpy(buf, container->name, plen);
  buf[plen] = '|';
  lower_into(buf + plen + 1, sub, len);
  return find_lower(buf, plen + 1 + len);
}
