/* acl_conf_api.h - the binding of acl_conf.h: a `user` directive's words from JS. */
#ifndef TM_NAPI_ACL_CONF_API_H
#define TM_NAPI_ACL_CONF_API_H

#include <node_api.h>

#include "resp.h"

/* An array of at least one Buffer/TypedArray as words (pointing into the JS values, valid during
 * the call; *words malloc'ed). 0 ok, -1 thrown. */
int tm_arg_words(napi_env env, napi_value v, resp_arg **words, int *n);

/* aclConfCheck(words) -> null when a `user` line's words (name, rules...) may be loaded, or
 * [index, reason]: Redis's reason and the index of the directive word it names ("user" = 0).
 * A module-level function: the configuration is read before any store exists. */
napi_value tm_js_acl_conf_check(napi_env env, napi_callback_info info);

#endif
