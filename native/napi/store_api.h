/* store_api.h - the store engine's JS object, opened from a heap (heap.storeOpen). */
#ifndef TM_NAPI_STORE_API_H
#define TM_NAPI_STORE_API_H

#include <node_api.h>

#include "heap_api.h"

/* heap.storeOpen(config): the heap's function table points here. */
napi_value tm_js_store_open(napi_env env, napi_callback_info info);
/* Destroy the store (every key, value and client freed); the heap closes stores first. */
void tm_store_ctx_close(ts_ctx *ts);

#endif
