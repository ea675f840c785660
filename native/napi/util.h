/* util.h - Node-API plumbing shared by the binding: status checks, coded errors, argument
 * parsing with clear messages. Every napi_status is checked through NAPI_CALL. */
#ifndef TM_NAPI_UTIL_H
#define TM_NAPI_UTIL_H

#include <math.h>
#include <node_api.h>
#include <stdio.h>

#include "tiermem.h"

#define E_INVALID_ARG "ERR_TIERMEM_INVALID_ARG"
#define E_INVALID_HANDLE "ERR_TIERMEM_INVALID_HANDLE"
#define E_OUT_OF_BOUNDS "ERR_TIERMEM_OUT_OF_BOUNDS"
#define E_NO_MEMORY "ERR_TIERMEM_NO_MEMORY"
#define E_BACKEND "ERR_TIERMEM_BACKEND"
#define E_CLOSED "ERR_TIERMEM_CLOSED"
#define E_INTERNAL "ERR_TIERMEM_INTERNAL"

/* Throw a coded error unless one is already pending (a failed napi call may have thrown). */
void tm_napi_throw(napi_env env, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Turn a failed napi_status into a thrown ERR_TIERMEM_INTERNAL naming the call. */
void tm_napi_fail(napi_env env, napi_status st, const char *what);

#define NAPI_CALL(env, call)           \
  do {                                 \
    napi_status st_ = (call);          \
    if (st_ != napi_ok) {              \
      tm_napi_fail((env), st_, #call); \
      return NULL;                     \
    }                                  \
  } while (0)

/* Same, for helpers returning int (0 ok, -1 thrown). */
#define NAPI_CALL_INT(env, call)       \
  do {                                 \
    napi_status st_ = (call);          \
    if (st_ != napi_ok) {              \
      tm_napi_fail((env), st_, #call); \
      return -1;                       \
    }                                  \
  } while (0)

/* A non-negative integral number <= max; `what` names it in the error. 0 ok, -1 thrown. */
int tm_arg_size(napi_env env, napi_value v, const char *what, double max, size_t *out);
/* Like tm_arg_size but undefined gives `dflt`. */
int tm_arg_size_opt(napi_env env, napi_value v, const char *what, double max, size_t dflt,
                    size_t *out);
/* A handle-shaped number (a safe non-negative integer); liveness is checked by the caller. */
int tm_arg_handle(napi_env env, napi_value v, tm_handle *out);
/* An integer enum value in [0, count); undefined gives dflt. */
int tm_arg_enum(napi_env env, napi_value v, const char *what, uint32_t count, uint32_t dflt,
                uint32_t *out);
/* Bytes of a TypedArray / Buffer / DataView: 0 ok, 1 not such a value (nothing thrown), -1 thrown. */
int tm_arg_bytes_try(napi_env env, napi_value v, uint8_t **data, size_t *len);
/* Bytes of a TypedArray / Buffer / DataView argument (throws otherwise). */
int tm_arg_bytes(napi_env env, napi_value v, const char *what, uint8_t **data, size_t *len);

napi_value tm_make_double(napi_env env, double d);
napi_value tm_undefined(napi_env env);

#endif
