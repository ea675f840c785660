/* acl_conf_api.c - the binding of acl_conf.h (users defined in the configuration). */
#include <stdlib.h>

#include "acl_conf.h"
#include "acl_conf_api.h"
#include "util.h"

int tm_arg_words(napi_env env, napi_value v, resp_arg **words, int *n) {
  bool is_array;
  uint32_t len = 0;
  NAPI_CALL_INT(env, napi_is_array(env, v, &is_array));
  if (is_array) NAPI_CALL_INT(env, napi_get_array_length(env, v, &len));
  if (!is_array || len == 0 || len > 1u << 20) {
    tm_napi_throw(env, E_INVALID_ARG, "words: an array of 1 or more byte arrays");
    return -1;
  }
  resp_arg *w = malloc(len * sizeof *w);
  if (w == NULL) {
    tm_napi_throw(env, E_NO_MEMORY, "words: out of memory");
    return -1;
  }
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    uint8_t *p;
    napi_status s = napi_get_element(env, v, i, &e);
    if (s != napi_ok) {
      free(w);
      tm_napi_fail(env, s, "napi_get_element");
      return -1;
    }
    if (tm_arg_bytes(env, e, "word", &p, &w[i].len) != 0) {
      free(w);
      return -1;
    }
    w[i].ptr = p;
  }
  *words = w;
  *n = (int)len;
  return 0;
}

napi_value tm_js_acl_conf_check(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1) NAPI_CALL(env, napi_get_undefined(env, &arg));
  resp_arg *words;
  int n, bad, oom;
  if (tm_arg_words(env, arg, &words, &n) != 0) return NULL;
  const char *why = acl_conf_check(n, words, &bad, &oom);
  free(words);
  if (oom) {
    tm_napi_throw(env, E_NO_MEMORY, "no memory to check the user");
    return NULL;
  }
  napi_value r, idx, text;
  if (why == NULL) {
    NAPI_CALL(env, napi_get_null(env, &r));
    return r;
  }
  NAPI_CALL(env, napi_create_array_with_length(env, 2, &r));
  NAPI_CALL(env, napi_create_int32(env, bad, &idx));
  NAPI_CALL(env, napi_create_string_latin1(env, why, NAPI_AUTO_LENGTH, &text));
  NAPI_CALL(env, napi_set_element(env, r, 0, idx));
  NAPI_CALL(env, napi_set_element(env, r, 1, text));
  return r;
}
