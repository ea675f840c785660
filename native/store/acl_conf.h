/* acl_conf.h - users defined in the configuration: redis.conf's `user <name> <rules...>` lines
 * (and --user flags), as Redis 7.0.15's ACLAppendUserForLoading and ACLLoadConfiguredUsers.
 *
 * A line is checked when the configuration is read (acl_conf_check: a bad rule stops start-up at
 * that line) and its user is defined once the whole configuration is read (acl_conf_define),
 * before any client connects. Unknown command or category names pass the check and fail the
 * definition, as in Redis. Both take the line's words after `user`: the user name, then its
 * rules, as sdssplitargs split them; "(...)" selectors spread over several words are joined
 * first, as ACL SETUSER joins them. */
#ifndef TM_STORE_ACL_CONF_H
#define TM_STORE_ACL_CONF_H

#include <stddef.h>

#include "resp.h"

typedef struct st_store st_store;

/* Check a user line's words (argv[0] the name, then the rules; argc >= 1). NULL when it may be
 * loaded; otherwise Redis's reason (a static string) with *bad set to the index, among the
 * directive's words counting `user` as 0, of the word Redis's error names (Redis names the word
 * at the failing rule's index among the joined rules, whatever that word is). *oom when out of
 * memory (then NULL). */
const char *acl_conf_check(int argc, const resp_arg *argv, int *bad, int *oom);

/* Define the user of a checked line in st: a new user, or the default user reset first. NULL on
 * success; otherwise Redis's log text (malloc'ed, NUL-terminated), the store possibly changed
 * (start-up stops then). *oom when out of memory (then NULL). */
char *acl_conf_define(st_store *st, int argc, const resp_arg *argv, int *oom);

#endif
