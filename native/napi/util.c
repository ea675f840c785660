/* util.c - Node-API error and argument helpers. */
#include "util.h"

#include <stdarg.h>

void tm_napi_throw(napi_env env, const char *code, const char *fmt, ...) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  napi_throw_error(env, code, msg);
}

void tm_napi_fail(napi_env env, napi_status st, const char *what) {
  const napi_extended_error_info *info = NULL;
  const char *detail = "unknown";
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL && info->error_message)
    detail = info->error_message;
  tm_napi_throw(env, E_INTERNAL, "Node-API call failed (%d: %s): %s", (int)st, detail, what);
}

static const char *type_name(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "unknown";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: return "an object";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "unknown";
}

int tm_arg_size(napi_env env, napi_value v, const char *what, double max, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    tm_napi_throw(env, E_INVALID_ARG, "%s must be a number, got %s", what, type_name(env, v));
    return -1;
  }
  if (!isfinite(d) || d < 0 || d != floor(d)) {
    tm_napi_throw(env, E_INVALID_ARG, "%s must be a non-negative integer, got %g", what, d);
    return -1;
  }
  if (d > max) {
    tm_napi_throw(env, E_INVALID_ARG, "%s %.0f is larger than the maximum %.0f", what, d, max);
    return -1;
  }
  *out = (size_t)d;
  return 0;
}

int tm_arg_size_opt(napi_env env, napi_value v, const char *what, double max, size_t dflt,
                    size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) return tm_arg_size(env, v, what, max, out);
  napi_valuetype t;
  NAPI_CALL_INT(env, napi_typeof(env, v, &t));
  if (t == napi_undefined) {
    *out = dflt;
    return 0;
  }
  return tm_arg_size(env, v, what, max, out);
}

int tm_arg_handle(napi_env env, napi_value v, tm_handle *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    tm_napi_throw(env, E_INVALID_ARG, "handle must be a number, got %s", type_name(env, v));
    return -1;
  }
  if (!isfinite(d) || d < 0 || d != floor(d) || d >= 4503599627370496.0 /* 2^52 */) {
    tm_napi_throw(env, E_INVALID_HANDLE, "%g is not a tiermem handle", d);
    return -1;
  }
  *out = (tm_handle)d;
  return 0;
}

int tm_arg_enum(napi_env env, napi_value v, const char *what, uint32_t count, uint32_t dflt,
                uint32_t *out) {
  /* Fast path: one call for the integer the facade always passes. */
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) {
    if (d >= 0 && d < count && d == floor(d)) {
      *out = (uint32_t)d;
      return 0;
    }
  } else {
    napi_valuetype t;
    NAPI_CALL_INT(env, napi_typeof(env, v, &t));
    if (t == napi_undefined) {
      *out = dflt;
      return 0;
    }
  }
  tm_napi_throw(env, E_INVALID_ARG, "unknown %s", what);
  return -1;
}

int tm_arg_bytes_try(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  /* Try the common case (a Buffer or other TypedArray) first: for anything else the call just
   * returns napi_invalid_arg without throwing, and the slower checks below decide. */
  napi_typedarray_type type;
  size_t length, offset;
  napi_value ab;
  void *p;
  /* Buffers first: napi_get_buffer_info reads the data pointer directly, while
   * napi_get_typedarray_info takes a shared_ptr to the backing store (atomics) each call. */
  bool is_buffer = false;
  NAPI_CALL_INT(env, napi_is_buffer(env, v, &is_buffer));
  if (is_buffer) {
    NAPI_CALL_INT(env, napi_get_buffer_info(env, v, &p, len));
    *data = p;
    return 0;
  }
  if (napi_get_typedarray_info(env, v, &type, &length, &p, &ab, &offset) == napi_ok) {
    size_t elem = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array: elem = 2; break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array: elem = 4; break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array: elem = 8; break;
      default: elem = 1;
    }
    *data = p;
    *len = length * elem;
    return 0;
  }
  bool is_dv = false;
  NAPI_CALL_INT(env, napi_is_dataview(env, v, &is_dv));
  if (is_dv) {
    NAPI_CALL_INT(env, napi_get_dataview_info(env, v, len, &p, &ab, &offset));
    *data = p;
    return 0;
  }
  return 1;
}

int tm_arg_bytes(napi_env env, napi_value v, const char *what, uint8_t **data, size_t *len) {
  int rc = tm_arg_bytes_try(env, v, data, len);
  if (rc > 0) {
    tm_napi_throw(env, E_INVALID_ARG, "%s must be a Buffer, TypedArray or DataView, got %s", what,
                  type_name(env, v));
    return -1;
  }
  return rc;
}

napi_value tm_make_double(napi_env env, double d) {
  napi_value r;
  NAPI_CALL(env, napi_create_double(env, d, &r));
  return r;
}

napi_value tm_undefined(napi_env env) {
  napi_value r;
  NAPI_CALL(env, napi_get_undefined(env, &r));
  return r;
}
