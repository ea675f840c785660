/* heap_api.c - the JS functions of one open heap. Each function carries the heap context as
 * its Node-API callback data, so a call costs no unwrap. Handles are checked against the
 * handle table before any memory is touched. */
#include <stdlib.h>
#include <string.h>

#include "heap_api.h"
#include "store_api.h"
#include "util.h"

#define MAX_SIZE ((double)TM_MAX_SIZE)

/* Fetch up to N args and the context; throws CLOSED on a closed heap. */
#define PROLOGUE(N)                                                              \
  size_t argc = (N);                                                             \
  napi_value argv[(N) > 0 ? (N) : 1];                                            \
  tm_ctx *ctx;                                                                   \
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&ctx)); \
  for (size_t i_ = argc; i_ + 1 <= (size_t)(N); i_++)                            \
    NAPI_CALL(env, napi_get_undefined(env, &argv[i_]));                          \
  if (ctx->heap == NULL) {                                                       \
    tm_napi_throw(env, E_CLOSED, "the allocator is closed");                     \
    return NULL;                                                                 \
  }

static tm_block *live_block(napi_env env, tm_ctx *ctx, napi_value v, tm_handle *hout) {
  tm_handle h;
  if (tm_arg_handle(env, v, &h) != 0) return NULL;
  tm_block *b = tm_handles_get(ctx->handles, h);
  if (b == NULL) {
    tm_napi_throw(env, E_INVALID_HANDLE,
                  "handle %llu is not live (freed, stale, or never allocated)",
                  (unsigned long long)h);
    return NULL;
  }
  if (hout) *hout = h;
  return b;
}

static void throw_alloc(napi_env env, int rc, size_t size, const char *what) {
  if (rc == TM_ENOMEM)
    tm_napi_throw(env, E_NO_MEMORY, "%s of %zu bytes failed: no allowed tier has room", what, size);
  else if (rc == TM_ETOOBIG)
    tm_napi_throw(env, E_INVALID_ARG, "%s of %zu bytes is larger than the maximum", what, size);
  else
    tm_napi_throw(env, E_INVALID_ARG, "%s: invalid argument", what);
}

/* Record a new block under a handle, or free it again if the table cannot grow. */
static napi_value publish(napi_env env, tm_ctx *ctx, tm_block *b) {
  tm_handle h = tm_handles_put(ctx->handles, b);
  if (h == 0) {
    tm_free(ctx->heap, b);
    tm_napi_throw(env, E_NO_MEMORY, "the handle table is full");
    return NULL;
  }
  return tm_make_double(env, (double)h);
}

static napi_value js_malloc(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  size_t size;
  uint32_t cat;
  if (tm_arg_size(env, argv[0], "size", MAX_SIZE, &size) != 0) return NULL;
  if (tm_arg_enum(env, argv[1], "category", TM_CAT_COUNT, TM_CAT_DATA, &cat) != 0) return NULL;
  tm_block b;
  int rc = tm_malloc(ctx->heap, size, (tm_category)cat, &b);
  if (rc != TM_OK) {
    throw_alloc(env, rc, size, "zmalloc");
    return NULL;
  }
  return publish(env, ctx, &b);
}

/* mallocFrom(data, category): allocate data.length bytes (routed) and copy data in, in one
 * crossing; what a store does for every value it sets. */
static napi_value js_malloc_from(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  uint8_t *data;
  size_t len;
  uint32_t cat;
  if (tm_arg_bytes(env, argv[0], "data", &data, &len) != 0) return NULL;
  if (tm_arg_enum(env, argv[1], "category", TM_CAT_COUNT, TM_CAT_DATA, &cat) != 0) return NULL;
  tm_block b;
  int rc = tm_malloc(ctx->heap, len, (tm_category)cat, &b);
  if (rc != TM_OK) {
    throw_alloc(env, rc, len, "zmallocFrom");
    return NULL;
  }
  if (len) memcpy(b.ptr, data, len);
  return publish(env, ctx, &b);
}

static napi_value js_calloc(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  size_t count, size;
  uint32_t cat;
  if (tm_arg_size(env, argv[0], "count", MAX_SIZE, &count) != 0) return NULL;
  if (tm_arg_size(env, argv[1], "size", MAX_SIZE, &size) != 0) return NULL;
  if (tm_arg_enum(env, argv[2], "category", TM_CAT_COUNT, TM_CAT_DATA, &cat) != 0) return NULL;
  size_t total;
  if (__builtin_mul_overflow(count, size, &total) || total > TM_MAX_SIZE) {
    tm_napi_throw(env, E_INVALID_ARG, "zcalloc of %zu x %zu bytes is larger than the maximum",
                  count, size);
    return NULL;
  }
  tm_block b;
  int rc = tm_calloc(ctx->heap, count, size, (tm_category)cat, &b);
  if (rc != TM_OK) {
    throw_alloc(env, rc, total, "zcalloc");
    return NULL;
  }
  return publish(env, ctx, &b);
}

/* Explicit placement: mallocDram(size, category) / mallocPmem(size, category). */
static napi_value malloc_on(napi_env env, napi_callback_info info, tm_tier tier, const char *what) {
  PROLOGUE(2);
  size_t size;
  uint32_t cat;
  if (tm_arg_size(env, argv[0], "size", MAX_SIZE, &size) != 0) return NULL;
  if (tm_arg_enum(env, argv[1], "category", TM_CAT_COUNT, TM_CAT_DATA, &cat) != 0) return NULL;
  tm_block b;
  int rc = tm_malloc_tier(ctx->heap, size, tier, (tm_category)cat, &b);
  if (rc != TM_OK) {
    throw_alloc(env, rc, size, what);
    return NULL;
  }
  return publish(env, ctx, &b);
}

static napi_value js_malloc_dram(napi_env env, napi_callback_info info) {
  return malloc_on(env, info, TM_DRAM, "zmallocDram");
}

static napi_value js_malloc_pmem(napi_env env, napi_callback_info info) {
  return malloc_on(env, info, TM_PMEM, "zmallocPmem");
}

/* realloc keeps the handle: the block record behind it is updated in place. */
static napi_value js_realloc(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  size_t size;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_size(env, argv[1], "size", MAX_SIZE, &size) != 0) return NULL;
  int rc = tm_realloc(ctx->heap, b, size);
  if (rc != TM_OK) {
    throw_alloc(env, rc, size, "zrealloc");
    return NULL;
  }
  return argv[0];
}

static napi_value js_free(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  tm_handle h;
  tm_block *b = live_block(env, ctx, argv[0], &h);
  if (b == NULL) return NULL;
  tm_free(ctx->heap, b);
  tm_handles_release(ctx->handles, h);
  return NULL;
}

static napi_value js_move(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  uint32_t tier;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_enum(env, argv[1], "tier", TM_TIER_COUNT, 0, &tier) != 0) return NULL;
  int rc = tm_move(ctx->heap, b, (tm_tier)tier);
  if (rc != TM_OK) {
    throw_alloc(env, rc, b->usable, "move");
    return NULL;
  }
  return NULL;
}

/* What the core knows of a block: usable(h), tierOf(h), categoryOf(h) (tm_tier, tm_category).
 * And memkind's own view, slow, for checks and tests: detectTier(h) (tm_detect_tier: the tier
 * memkind_detect_kind names, -1 for neither) and backendUsable(h) (memkind_malloc_usable_size). */
#define BLOCK_GETTER(name, expr)                                  \
  static napi_value name(napi_env env, napi_callback_info info) { \
    PROLOGUE(1);                                                  \
    tm_block *b = live_block(env, ctx, argv[0], NULL);            \
    if (b == NULL) return NULL;                                   \
    return tm_make_double(env, (double)(expr));                   \
  }
BLOCK_GETTER(js_usable, b->usable)
BLOCK_GETTER(js_tier_of, b->tier)
BLOCK_GETTER(js_category_of, b->cat)
BLOCK_GETTER(js_detect_tier, tm_detect_tier(ctx->heap, b->ptr))
BLOCK_GETTER(js_backend_usable, tm_backend_usable_size(ctx->heap, b))

static int check_range(napi_env env, const tm_block *b, size_t off, size_t len) {
  if (off > b->usable || len > b->usable - off) {
    tm_napi_throw(env, E_OUT_OF_BOUNDS,
                  "range [%zu, %zu) is outside the allocation's %zu usable bytes", off, off + len,
                  b->usable);
    return -1;
  }
  return 0;
}

/* A string argument: UTF-8 straight into the block (no intermediate Buffer in JS). napi always
 * terminates what it copies with a NUL; the byte after the text belongs to the caller's data, so
 * it is saved and put back (or, at the block's end, the text goes through a scratch copy). */
static napi_value write_string(napi_env env, tm_block *b, napi_value str, size_t off) {
  size_t len;
  NAPI_CALL(env, napi_get_value_string_utf8(env, str, NULL, 0, &len));
  if (check_range(env, b, off, len) != 0) return NULL;
  if (len == 0) return tm_make_double(env, 0);
  char *dst = (char *)b->ptr + off;
  if (len < b->usable - off) {
    char after = dst[len];
    size_t wrote = 0;
    napi_status st = napi_get_value_string_utf8(env, str, dst, len + 1, &wrote);
    dst[len] = after;
    NAPI_CALL(env, st);
    len = wrote;
  } else {
    char *tmp = malloc(len + 1);
    if (tmp == NULL) {
      tm_napi_throw(env, E_NO_MEMORY, "out of memory");
      return NULL;
    }
    napi_status st = napi_get_value_string_utf8(env, str, tmp, len + 1, &len);
    if (st == napi_ok) memcpy(dst, tmp, len);
    free(tmp);
    NAPI_CALL(env, st);
  }
  return tm_make_double(env, (double)len);
}

/* write(handle, data, offset) -> bytes written. data: bytes or a string (UTF-8). */
static napi_value js_write(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  size_t off, len;
  uint8_t *data;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_size_opt(env, argv[2], "offset", MAX_SIZE, 0, &off) != 0) return NULL;
  int rc = tm_arg_bytes_try(env, argv[1], &data, &len);
  if (rc < 0) return NULL;
  if (rc > 0) {
    napi_valuetype t;
    NAPI_CALL(env, napi_typeof(env, argv[1], &t));
    if (t == napi_string) return write_string(env, b, argv[1], off);
    tm_napi_throw(env, E_INVALID_ARG, "data must be a string, Buffer, TypedArray or DataView");
    return NULL;
  }
  if (check_range(env, b, off, len) != 0) return NULL;
  if (len) memcpy((char *)b->ptr + off, data, len);
  return tm_make_double(env, (double)len);
}

/* read(handle, offset, length) -> new Buffer (a copy: JS never holds a pointer into a block). */
static napi_value js_read(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  size_t off, len;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_size_opt(env, argv[1], "offset", MAX_SIZE, 0, &off) != 0) return NULL;
  if (off > b->usable) {
    check_range(env, b, off, 0);
    return NULL;
  }
  if (tm_arg_size_opt(env, argv[2], "length", MAX_SIZE, b->usable - off, &len) != 0) return NULL;
  if (check_range(env, b, off, len) != 0) return NULL;
  napi_value buf;
  void *dst;
  NAPI_CALL(env, napi_create_buffer_copy(env, len, (char *)b->ptr + off, &dst, &buf));
  return buf;
}

/* readInto(handle, target, offset, length) -> bytes copied (length defaults to what fits). */
static napi_value js_read_into(napi_env env, napi_callback_info info) {
  PROLOGUE(4);
  size_t off, len, cap;
  uint8_t *dst;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_bytes(env, argv[1], "target", &dst, &cap) != 0) return NULL;
  if (tm_arg_size_opt(env, argv[2], "offset", MAX_SIZE, 0, &off) != 0) return NULL;
  if (off > b->usable) {
    check_range(env, b, off, 0);
    return NULL;
  }
  size_t avail = b->usable - off;
  if (tm_arg_size_opt(env, argv[3], "length", MAX_SIZE, avail < cap ? avail : cap, &len) != 0)
    return NULL;
  if (check_range(env, b, off, len) != 0) return NULL;
  if (len > cap) {
    tm_napi_throw(env, E_OUT_OF_BOUNDS, "target holds %zu bytes, %zu requested", cap, len);
    return NULL;
  }
  if (len) memcpy(dst, (char *)b->ptr + off, len);
  return tm_make_double(env, (double)len);
}

/* copy(dst, dstOffset, src, srcOffset, length), memmove semantics. */
static napi_value js_copy(napi_env env, napi_callback_info info) {
  PROLOGUE(5);
  size_t doff, soff, len;
  tm_block *d = live_block(env, ctx, argv[0], NULL);
  if (d == NULL) return NULL;
  if (tm_arg_size(env, argv[1], "dstOffset", MAX_SIZE, &doff) != 0) return NULL;
  tm_block *s = live_block(env, ctx, argv[2], NULL);
  if (s == NULL) return NULL;
  if (tm_arg_size(env, argv[3], "srcOffset", MAX_SIZE, &soff) != 0) return NULL;
  if (tm_arg_size(env, argv[4], "length", MAX_SIZE, &len) != 0) return NULL;
  if (check_range(env, d, doff, len) != 0 || check_range(env, s, soff, len) != 0) return NULL;
  if (len) memmove((char *)d->ptr + doff, (char *)s->ptr + soff, len);
  return NULL;
}

/* mallocBatch(sizes: Float64Array, out: Float64Array, category). All or nothing: on a failure
 * the blocks already made are freed again and the error names the failing index. */
static napi_value js_malloc_batch(napi_env env, napi_callback_info info) {
  PROLOGUE(3);
  uint8_t *sp, *op;
  size_t sl, ol;
  uint32_t cat;
  if (tm_arg_bytes(env, argv[0], "sizes", &sp, &sl) != 0) return NULL;
  if (tm_arg_bytes(env, argv[1], "out", &op, &ol) != 0) return NULL;
  if (tm_arg_enum(env, argv[2], "category", TM_CAT_COUNT, TM_CAT_DATA, &cat) != 0) return NULL;
  size_t n = sl / sizeof(double);
  if (ol < sl) {
    tm_napi_throw(env, E_INVALID_ARG, "out is shorter than sizes");
    return NULL;
  }
  const double *sizes = (const double *)(void *)sp;
  double *out = (double *)(void *)op;
  for (size_t i = 0; i < n; i++) {
    double d = sizes[i];
    if (!isfinite(d) || d < 0 || d != floor(d) || d > MAX_SIZE) {
      tm_napi_throw(env, E_INVALID_ARG, "sizes[%zu] must be a non-negative integer <= 2^46, got %g",
                    i, d);
      return NULL;
    }
  }
  for (size_t i = 0; i < n; i++) {
    tm_block b;
    int rc = tm_malloc(ctx->heap, (size_t)sizes[i], (tm_category)cat, &b);
    tm_handle h = rc == TM_OK ? tm_handles_put(ctx->handles, &b) : 0;
    if (h == 0) {
      if (rc == TM_OK) tm_free(ctx->heap, &b);
      for (size_t j = 0; j < i; j++) {
        tm_block *old = tm_handles_get(ctx->handles, (tm_handle)out[j]);
        tm_free(ctx->heap, old);
        tm_handles_release(ctx->handles, (tm_handle)out[j]);
      }
      tm_napi_throw(
          env, E_NO_MEMORY,
          "zmallocBatch: sizes[%zu] (%.0f bytes) could not be allocated; nothing was allocated", i,
          sizes[i]);
      return NULL;
    }
    out[i] = (double)h;
  }
  return tm_make_double(env, (double)n);
}

/* freeBatch(handles: Float64Array). Validated first (live, no duplicates), then freed: a bad
 * handle anywhere leaves every allocation intact. */
#define MARK 0x80
static napi_value js_free_batch(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  uint8_t *hp;
  size_t hl;
  if (tm_arg_bytes(env, argv[0], "handles", &hp, &hl) != 0) return NULL;
  const double *hs = (const double *)(void *)hp;
  size_t n = hl / sizeof(double), bad = n;
  const char *why = NULL;
  for (size_t i = 0; i < n; i++) {
    double d = hs[i];
    tm_block *b = (isfinite(d) && d >= 0 && d == floor(d) && d < 4503599627370496.0)
                      ? tm_handles_get(ctx->handles, (tm_handle)d)
                      : NULL;
    if (b == NULL) {
      bad = i;
      why = "is not live";
      break;
    }
    if (b->pinned & MARK) {
      bad = i;
      why = "appears twice";
      break;
    }
    b->pinned |= MARK;
  }
  for (size_t i = 0; i < (bad < n ? bad : n); i++)
    tm_handles_get(ctx->handles, (tm_handle)hs[i])->pinned &= (uint8_t)~MARK;
  if (bad < n) {
    tm_napi_throw(env, E_INVALID_HANDLE, "zfreeBatch: handles[%zu] (%g) %s; nothing was freed", bad,
                  hs[bad], why);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    tm_block *b = tm_handles_get(ctx->handles, (tm_handle)hs[i]);
    tm_free(ctx->heap, b);
    tm_handles_release(ctx->handles, (tm_handle)hs[i]);
  }
  return NULL;
}

/* ------------------------------------------------------------------------------ knobs */

static napi_value js_get_threshold(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  return tm_make_double(env, (double)tm_threshold(ctx->heap));
}

static napi_value js_set_threshold(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  size_t t;
  if (tm_arg_size(env, argv[0], "threshold", MAX_SIZE, &t) != 0) return NULL;
  tm_set_threshold(ctx->heap, t);
  return NULL;
}

/* setRoute(threshold, split): a dithered threshold (tiermem.h), split in 1/TM_SPLIT_ONE. */
static napi_value js_set_route(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  size_t t;
  size_t split;
  if (tm_arg_size(env, argv[0], "threshold", MAX_SIZE, &t) != 0) return NULL;
  if (tm_arg_size(env, argv[1], "split", (double)TM_SPLIT_ONE, &split) != 0) return NULL;
  tm_set_route(ctx->heap, t, (uint32_t)split);
  return NULL;
}

static napi_value js_get_split(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  return tm_make_double(env, (double)tm_split(ctx->heap));
}

static napi_value js_set_limit(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  uint32_t tier;
  size_t bytes;
  if (tm_arg_enum(env, argv[0], "tier", TM_TIER_COUNT, 0, &tier) != 0) return NULL;
  if (tm_arg_size(env, argv[1], "limit", MAX_SIZE, &bytes) != 0) return NULL;
  tm_set_limit(ctx->heap, (tm_tier)tier, bytes);
  return NULL;
}

static napi_value js_policy(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[0], &t));
  if (t != napi_undefined) {
    uint32_t p;
    if (tm_arg_enum(env, argv[0], "policy", TM_POLICY_COUNT, 0, &p) != 0) return NULL;
    tm_set_policy(ctx->heap, (tm_policy)p);
  }
  return tm_make_double(env, (double)tm_get_policy(ctx->heap));
}

/* Fill the shared snapshot array (one native call; JS reads the Float64Array in place). */
static napi_value js_snapshot(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  tm_stats_snapshot(ctx->heap, ctx->snapshot);
  return NULL;
}

/* pageNodes(handle, maxNodes) -> [pagesOnNode0, ..., absentPages]. */
static napi_value js_page_nodes(napi_env env, napi_callback_info info) {
  PROLOGUE(2);
  size_t max_nodes;
  tm_block *b = live_block(env, ctx, argv[0], NULL);
  if (b == NULL) return NULL;
  if (tm_arg_size_opt(env, argv[1], "maxNodes", 1024, 64, &max_nodes) != 0) return NULL;
  long *counts = calloc(max_nodes + 1, sizeof *counts);
  if (counts == NULL) {
    tm_napi_throw(env, E_NO_MEMORY, "out of memory");
    return NULL;
  }
  long absent = 0;
  long rc = tm_page_nodes(b->ptr, b->usable, counts, (int)max_nodes, &absent);
  if (rc < 0) {
    free(counts);
    tm_napi_throw(env, E_INTERNAL, "move_pages failed: %s", strerror((int)-rc));
    return NULL;
  }
  napi_value arr;
  napi_status st = napi_create_array_with_length(env, max_nodes + 1, &arr);
  for (size_t i = 0; st == napi_ok && i <= max_nodes; i++) {
    napi_value v;
    st = napi_create_double(env, (double)(i < max_nodes ? counts[i] : absent), &v);
    if (st == napi_ok) st = napi_set_element(env, arr, (uint32_t)i, v);
  }
  free(counts);
  NAPI_CALL(env, st);
  return arr;
}

static napi_value js_live_handles(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  return tm_make_double(env, (double)tm_handles_live(ctx->handles));
}

static napi_value make_string(napi_env env, const char *s) {
  napi_value v;
  NAPI_CALL(env, napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v));
  return v;
}

/* kindName(tier) */
static napi_value js_kind_name(napi_env env, napi_callback_info info) {
  PROLOGUE(1);
  uint32_t tier;
  if (tm_arg_enum(env, argv[0], "tier", TM_TIER_COUNT, 0, &tier) != 0) return NULL;
  return make_string(env, tm_heap_kind_name(ctx->heap, (tm_tier)tier));
}

static napi_value js_formula_ok(napi_env env, napi_callback_info info) {
  PROLOGUE(0);
  napi_value v;
  NAPI_CALL(env, napi_get_boolean(env, tm_heap_formula_ok(ctx->heap), &v));
  return v;
}

static void free_each(tm_block *b, void *arg) { tm_free((tm_heap *)arg, b); }

/* Free every live block and destroy the heap; later calls throw ERR_TIERMEM_CLOSED. */
void tm_ctx_close(tm_ctx *ctx) {
  if (ctx->heap == NULL) return;
  tm_store_ctx_close(ctx->store); /* its keys and values live in this heap */
  tm_handles_each(ctx->handles, free_each, ctx->heap);
  tm_handles_destroy(ctx->handles);
  tm_heap_destroy(ctx->heap);
  ctx->heap = NULL;
  ctx->handles = NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  tm_ctx *ctx;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, NULL, NULL, (void **)&ctx));
  tm_ctx_close(ctx);
  return NULL;
}

const tm_fn_def tm_heap_functions[] = {
  { "malloc", js_malloc },
  { "calloc", js_calloc },
  { "mallocFrom", js_malloc_from },
  { "mallocDram", js_malloc_dram },
  { "mallocPmem", js_malloc_pmem },
  { "realloc", js_realloc },
  { "free", js_free },
  { "move", js_move },
  { "usable", js_usable },
  { "tierOf", js_tier_of },
  { "categoryOf", js_category_of },
  { "detectTier", js_detect_tier },
  { "backendUsable", js_backend_usable },
  { "write", js_write },
  { "read", js_read },
  { "readInto", js_read_into },
  { "copy", js_copy },
  { "mallocBatch", js_malloc_batch },
  { "freeBatch", js_free_batch },
  { "getThreshold", js_get_threshold },
  { "setThreshold", js_set_threshold },
  { "setRoute", js_set_route },
  { "getSplit", js_get_split },
  { "setLimit", js_set_limit },
  { "policy", js_policy },
  { "snapshot", js_snapshot },
  { "pageNodes", js_page_nodes },
  { "liveHandles", js_live_handles },
  { "kindName", js_kind_name },
  { "formulaOk", js_formula_ok },
  { "storeOpen", tm_js_store_open },
  { "close", js_close },
  { NULL, NULL },
};
