/* keyspec.h - which arguments of a command are keys, found as Redis 7.0.15's
 * getKeysFromCommandWithSpecs finds them (COMMAND GETKEYS and GETKEYSANDFLAGS).
 *
 * The one source is the command's key specs in command_meta.c (redis-server's own COMMAND INFO
 * bytes), read when asked: begin_search by index or keyword, find_keys by range or keynum.
 * Where Redis does not trust the specs (a spec with begin_search "unknown", INCOMPLETE or
 * VARIABLE_FLAGS, or a keynum that does not parse or leaves the argument list) it falls back to
 * the command's getkeys procedure; this file has those for the commands the store has (SORT,
 * SORT_RO, SET, BITFIELD and the numkeys forms: ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD,
 * SINTERCARD, LMPOP, BLMPOP, ZMPOP, BZMPOP), with their quirks: atoi() for numkeys, the last
 * STORE of SORT, flags 0 from the numkeys procedures. */
#ifndef TM_STORE_KEYSPEC_H
#define TM_STORE_KEYSPEC_H

#include <stdint.h>

#include "resp.h"

/* Key flags, in the order Redis prints them (COMMAND INFO key specs, GETKEYSANDFLAGS). */
enum {
  KS_RO = 1 << 0,
  KS_RW = 1 << 1,
  KS_OW = 1 << 2,
  KS_RM = 1 << 3,
  KS_ACCESS = 1 << 4,
  KS_UPDATE = 1 << 5,
  KS_INSERT = 1 << 6,
  KS_DELETE = 1 << 7,
  KS_NOT_KEY = 1 << 8,
  KS_INCOMPLETE = 1 << 9,
  KS_VARIABLE_FLAGS = 1 << 10,
  KS_FLAG_COUNT = 11
};

/* The name of flag bit i (0 .. KS_FLAG_COUNT-1): "RO", "RW", ..., "variable_flags". */
const char *keyspec_flag_name(int i);

/* Commands are named by their full lowercase name as in command_meta.c ("get", "object|encoding"):
 * the specs of every Redis 7.0.15 command are there, the store's own or not (XREAD's keyword
 * specs find keys here); the procedures only of the store's commands (MIGRATE, EVAL, GEORADIUS
 * past its specs find none). */

/* 1 if the command may name keys (Redis's doesCommandHaveKeys: a getkeys procedure, or a key
 * spec that is not NOT_KEY). */
int keyspec_has_keys(const char *name);

/* Called for each key found, in Redis's order: pos indexes argv (argv[0] is the command name). */
typedef void keyspec_visit_fn(void *ctx, int pos, uint32_t flags);

/* The keys of the command line argv[0..argc) (argv[0] names the command; argc already passed its
 * arity check): their number, each passed to visit (when not NULL). 0 when there are none or the
 * arguments are malformed (Redis then says "Invalid arguments specified for command"). No
 * allocation; O(argc) per spec. */
long keyspec_keys(const char *name, const resp_arg *argv, int argc, keyspec_visit_fn *visit,
                  void *ctx);

/* 1 if the command's key spec bytes parse (keyspec_test checks every row: a change of the
 * metadata generator must not make keys silently disappear). */
int keyspec_valid(const char *name);

#endif
