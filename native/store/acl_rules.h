/* acl_rules.h - the commands ACL rules range over, a selector's command bitmap, and how Redis 7.0
 * describes that bitmap back (ACL LIST, ACL GETUSER).
 *
 * The rules range over every command and subcommand Redis 7.0.15 has (acl_commands.def, with
 * Redis's categories), not only the store's: "+@read -@string" then allows the same set as in
 * Redis and reads back the same way. Bitmap slots 0 .. st_command_count-1 are the store's rows
 * (slot = st_cmd.index, so the permission check is one bit test); Redis's commands that the store
 * lacks follow.
 *
 * Redis 7.0 keeps no rule list: it describes the bitmap. The description starts with +@all (if
 * +@all/allcommands was the last base: future commands allowed) or -@all, then picks categories
 * greedily (fewest differences, then most in common, in Redis's category order), then adds the
 * single commands and subcommands still different, then the first-argument rules of denied
 * commands. Redis emits the single commands in its command dict's order, which depends on a random
 * hash seed per process; here they come in table order (compare them as a set). */
#ifndef TM_STORE_ACL_RULES_H
#define TM_STORE_ACL_RULES_H

#include <stddef.h>
#include <stdint.h>

#define ACL_MAX_COMMANDS 512 /* bitmap slots: the store's rows plus Redis's other commands */
#define ACL_WORDS (ACL_MAX_COMMANDS / 64)

/* A first-argument rule ("+select|0"): the denied command may run with this argv[1]. */
typedef struct acl_firstarg {
  uint16_t slot;
  char *arg; /* NUL-terminated; compared case-insensitively, as Redis does */
} acl_firstarg;

/* Build the slot table (once per process, after cmd_table_init). */
void acl_rules_init(void);
/* Number of slots. */
size_t acl_slot_count(void);
/* The slot of a full command name ("get", "config|get"; case-insensitive), or -1. Containers'
 * first arguments are not names here: "select|0" is -1. */
int acl_slot_find(const char *name, size_t len);
/* The slot's full name, its container's slot (-1 for a top-level command), 1 if it has
 * subcommands. */
const char *acl_slot_name(int slot);
int acl_slot_parent(int slot);
int acl_slot_is_container(int slot);
/* 1 if the slot belongs to category bit cat. */
int acl_slot_in_category(int slot, int cat);
/* 1 if Redis 7.0.15 has the command (store-only rows, such as client|setinfo, are 0); its arity
 * and categories there (ACL CAT lists Redis's commands; ACL DRYRUN checks those the store lacks). */
int acl_slot_in_redis(int slot);
int acl_slot_arity(int slot);
uint32_t acl_slot_categories(int slot);

/* Redis's ACLChangeSelectorPerm: the slot (and a container's subcommands) allowed or denied,
 * dropping the slot's first-argument rules. */
void acl_bits_set_command(uint64_t *bm, acl_firstarg *fa, size_t *nfa, int slot, int allow);
/* Every command in category bit cat (a container in it brings its subcommands). */
void acl_bits_set_category(uint64_t *bm, acl_firstarg *fa, size_t *nfa, int cat, int allow);

/* The command rules of a bitmap as Redis prints them ("-@all +@string -get +select|0"),
 * malloc'ed and NUL-terminated; NULL on OOM. future: +@all was the base. */
char *acl_bits_describe(const uint64_t *bm, int future, const acl_firstarg *fa, size_t nfa);

#endif
