/* acl.h - users, passwords and permissions, as Redis 7.0's ACL (selectors and first-argument
 * rules included).
 *
 * Every store has a "default" user (on, nopass, all commands, all keys, all channels) that new
 * connections start as. A connection is authenticated when its user was on and nopass at
 * connect time, or after AUTH/HELLO AUTH. `requirepass` is the default user's password
 * (acl_set_requirepass). Passwords are kept as their SHA-256 only and compared in constant time;
 * no function here logs anything.
 *
 * A user's permissions are selectors: the root one (rules given outside parentheses) and any
 * "(...)" ones; a command may run if any selector allows it with all its keys and channels.
 * A selector's commands are a bitmap over acl_rules.h's slots (a slot per command and
 * subcommand); permissions are checked in execute() before a command runs or is queued
 * (acl_check_*): for a user without selectors or first-argument rules that is one bit test, then,
 * unless the user has all keys, each key argument (as Redis finds them, keyspec.h) against the
 * key patterns.
 *
 * ACL data is configuration, not data: it is malloc'ed like the command stats, not accounted in
 * the store's memory cells. */
#ifndef TM_STORE_ACL_H
#define TM_STORE_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "acl_rules.h"
#include "sha256.h"

typedef struct st_store st_store;
typedef struct st_client st_client;
struct st_cmd;

enum {
  USER_ON = 1 << 0,
  USER_NOPASS = 1 << 1,
  USER_SANITIZE = 1 << 5, /* sanitize-payload (shown, no effect) */
  USER_SKIP_SANITIZE = 1 << 6
};

enum {
  SEL_ALLKEYS = 1 << 0,
  SEL_ALLCHANNELS = 1 << 1,
  SEL_ALLCOMMANDS = 1 << 2 /* +@all was the base: commands added later are allowed too */
};

/* A key pattern with its permission: ~p is read and write, %R~p read, %W~p write. */
enum { KEY_READ = 1, KEY_WRITE = 2 };
typedef struct acl_pattern {
  char *pat;
  size_t len;
  uint8_t perm;
} acl_pattern;

typedef struct acl_selector {
  uint32_t flags;              /* SEL_* */
  uint64_t allowed[ACL_WORDS]; /* by slot (acl_rules.h) */
  acl_firstarg *firstargs;     /* of denied commands, in the order given */
  size_t nfirstargs;
  acl_pattern *keys;
  size_t nkeys;
  acl_pattern *channels;
  size_t nchannels;
} acl_selector;

typedef struct st_user {
  char *name;
  size_t name_len;
  uint32_t flags; /* USER_* */
  uint8_t (*passwords)[SHA256_LEN];
  size_t npasswords;
  acl_selector root;
  acl_selector *selectors; /* the "(...)" ones, in the order given */
  size_t nselectors;
  struct st_user *next;
} st_user;

typedef struct acl_log_entry acl_log_entry;

typedef struct st_acl {
  st_user *users; /* by name (byte order), as ACL LIST and ACL USERS show them */
  st_user *default_user;
  acl_log_entry *log; /* ACL LOG, newest first (acl_log.c) */
  size_t log_len;
  char *file; /* aclfile: ACL LOAD and SAVE's file (acl_file.c); NULL or "": none */
} st_acl;

/* The store's ACL with its default user. -1 on OOM. */
int acl_init(st_store *st);
void acl_free(st_store *st);

/* A new connection's user and authentication state (Redis: authenticated iff the default user
 * is on and nopass). */
void acl_client_init(st_client *c);
/* RESET: back to the default user, authenticated as a new connection would be. */
void acl_client_reset(st_client *c);

/* 1 if the user is authenticated by user name and password (the user exists, is on, and is
 * nopass or has this password): the client then runs as that user. No reply is sent. */
int acl_authenticate(st_client *c, const void *user, size_t ulen, const void *pass, size_t plen);

/* HELLO's AUTH option: acl_authenticate, or Redis's WRONGPASS reply and -1. */
struct resp_arg;
int acl_auth_or_reply(st_client *c, const struct resp_arg *user, const struct resp_arg *pass);

/* requirepass: the default user's passwords become just this one ("" means nopass). */
int acl_set_requirepass(st_store *st, const void *pass, size_t len);
/* 1 if the default user needs no password (protected mode refuses remote clients then). */
int acl_default_nopass(const st_store *st);

/* The checks before running or queueing cmd (resolved to its subcommand row, arity checked),
 * in execute()'s order: authentication (NOAUTH), then permissions (NOPERM: the command, then
 * its keys). Nothing is replied (execute() replies, or aborts an EXEC with the text):
 * acl_check_auth gives NULL to go on, else the error text; acl_check_perm gives 0 to go on,
 * else -1 with the error text in msg (ACL_DENIAL_MAX bytes hold any) and the denial logged. */
#define ACL_DENIAL_MAX 256
const char *acl_check_auth(st_client *c, const struct st_cmd *cmd);
int acl_check_perm(st_client *c, const struct st_cmd *cmd, char *msg, size_t cap);

/* The reason u may not run argv (0 if it may): ACL_DENIED_CMD, or ACL_DENIED_KEY with *bad
 * (if not NULL) = the index of the first denied key argument. For ACL DRYRUN and acl_check. */
enum { ACL_OK = 0, ACL_DENIED_CMD = 1, ACL_DENIED_KEY = 2, ACL_DENIED_CHANNEL = 3 };
enum { ACL_DENIED_AUTH = 4 }; /* ACL LOG only */
int acl_user_may(const st_user *u, const struct st_cmd *cmd, int argc, const void *argv, int *bad);
/* 1 if u may use channel ch (PUBLISH/SUBSCRIBE; pattern subscriptions compare literally). */
int acl_user_may_channel(const st_user *u, const void *ch, size_t len, int literal);

/* ACL LOG (acl_log.c), as Redis 7.0's: a denial of reason ACL_DENIED_* by c (toplevel, or
 * "multi" inside MULTI) on object (the command's full name, the key, the channel, or AUTH's
 * argv[0]) as username (the client's user unless given). An entry of the same reason, context,
 * object and user within 60 s among the newest 10 is counted again and moves to the front;
 * otherwise a new entry goes first and the oldest past acllog-max-len go. */
void acl_log_add(st_client *c, int reason, const void *object, size_t olen, const void *username,
                 size_t ulen);
void acl_log_reset(st_store *st);
/* ACL LOG [count]: the newest count entries (10 by default). */
void acl_log_reply(st_client *c, long count);

/* A user by name, or NULL. */
st_user *acl_find(const st_store *st, const void *name, size_t len);

/* Apply one SETUSER modifier to u (a whole "(...)" selector is one modifier). 0, or -1 with
 * *err set to Redis's reason text. */
int acl_user_set(st_user *u, const void *op, size_t len, const char **err);
/* SETUSER's modifiers as Redis applies them: selector parentheses spread over several arguments
 * are joined first, then each modifier applied to u. 0, or -1 with *err a malloc'ed error text
 * without the "ERR " prefix ("Error in ACL SETUSER modifier '...': ..."; NULL on OOM). */
int acl_user_apply(st_user *u, int argc, const struct resp_arg *argv, char **err);
/* A detached user (for SETUSER's all-or-nothing: modify a copy, then swap). NULL on OOM. */
st_user *acl_user_new(const void *name, size_t len);
st_user *acl_user_copy(const st_user *u);
void acl_user_free(st_user *u);
/* Put u in place of the user of the same name (freeing it; clients follow), or append it. */
void acl_user_install(st_store *st, st_user *u);
/* Delete a user: its clients are closed. 1 if it existed. */
int acl_user_delete(st_store *st, st_user *u);
/* Close u's clients, as Redis's ACLFreeUserAndKillClients: they lose their user (c->user NULL)
 * and run nothing more; the one running the current command still gets its reply. */
void acl_user_kill_clients(st_store *st, const st_user *u);

/* The ACL file (acl_file.c), as Redis 7.0.15's `aclfile`: one "user <name> <rules>" line per
 * user, as ACL LIST prints them. acl_set_file names it (-1 on OOM). */
int acl_set_file(st_store *st, const char *path);
/* ACL LOAD, and the load at start-up: the file replaces every user, all or nothing. NULL when
 * it loaded; otherwise Redis's one-line error text (without "ERR "; malloc'ed), naming every bad
 * line as path:line. *oom (then NULL) when out of memory; nothing changed then either. On success
 * the default user keeps its identity and takes the file's rules (on nopass ~* &* +@all when the
 * file has none) and every other former user is dropped with its clients, as in Redis. */
char *acl_file_load(st_store *st, const char *path, int *oom);
/* ACL SAVE: every user's ACL LIST line into a temp file next to path, synced, then renamed over
 * it. 0, or -1 with errno set (the temp file removed). */
int acl_file_save(const st_store *st, const char *path);

/* A selector's command rules as Redis shows them ("+@all -@dangerous", "-@all +get"), and the
 * ACL LIST line; both NUL-terminated, malloc'ed (NULL on OOM). */
char *acl_describe_commands(const acl_selector *s);
char *acl_describe_user(const st_user *u);

/* Category names by ACL_* bit number (ACL CAT; COMMAND INFO). */
#define ACL_CATEGORY_COUNT 21
extern const char *const acl_category_names[ACL_CATEGORY_COUNT];
/* The bit number of a category name (case-insensitive), or -1. */
int acl_category_bit(const void *name, size_t len);

#endif
