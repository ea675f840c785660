/* heap_api.h - one open heap as seen from JS: its context and its function table. */
#ifndef TM_NAPI_HEAP_API_H
#define TM_NAPI_HEAP_API_H

#include <node_api.h>

#include "tiermem.h"

typedef struct ts_ctx ts_ctx; /* a store engine open on this heap (store_api.c) */

typedef struct tm_ctx {
  tm_heap *heap; /* NULL once closed */
  ts_ctx *store; /* the store living in this heap, closed before the heap */
  tm_handles *handles;
  double *snapshot; /* TM_S_LEN doubles, the backing store of a JS Float64Array */
  napi_ref snapshot_ref;
  int refs; /* JS objects still holding this context (freed at 0) */
} tm_ctx;

typedef struct tm_fn_def {
  const char *name;
  napi_callback fn;
} tm_fn_def;

extern const tm_fn_def tm_heap_functions[];
void tm_ctx_close(tm_ctx *ctx);
/* Drop one reference to the context (a finalizer); the last one closes the heap and frees it. */
void tm_ctx_release(napi_env env, void *data, void *hint);

#endif
