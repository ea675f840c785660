/* addon.c - module entry: open a heap from a configuration object, plus module-level facts
 * (the stats layout, memkind's version, KMEM-DAX availability, the size-class formula). */
#include <stdlib.h>
#include <string.h>

#include "acl_conf_api.h"
#include "heap_api.h"
#include "util.h"

/* ------------------------------------------------------------------------------ config */

static int get_prop(napi_env env, napi_value obj, const char *name, napi_value *out) {
  NAPI_CALL_INT(env, napi_get_named_property(env, obj, name, out));
  return 0;
}

static int cfg_size(napi_env env, napi_value obj, const char *name, size_t *out) {
  napi_value v;
  if (get_prop(env, obj, name, &v) != 0) return -1;
  return tm_arg_size_opt(env, v, name, (double)TM_MAX_SIZE, *out, out);
}

/* A size the facade always passes (defaults live in TypeScript, e.g. DEFAULT_THRESHOLD). */
static int cfg_size_required(napi_env env, napi_value obj, const char *name, size_t *out) {
  napi_value v;
  if (get_prop(env, obj, name, &v) != 0) return -1;
  return tm_arg_size(env, v, name, (double)TM_MAX_SIZE, out);
}

static int cfg_enum(napi_env env, napi_value obj, const char *name, uint32_t count, uint32_t *out) {
  napi_value v;
  if (get_prop(env, obj, name, &v) != 0) return -1;
  return tm_arg_enum(env, v, name, count, *out, out);
}

/* A string property copied into buf (empty if absent). */
static int cfg_string(napi_env env, napi_value obj, const char *name, char *buf, size_t len) {
  napi_value v;
  napi_valuetype t;
  buf[0] = '\0';
  if (get_prop(env, obj, name, &v) != 0) return -1;
  NAPI_CALL_INT(env, napi_typeof(env, v, &t));
  if (t == napi_undefined) return 0;
  size_t got;
  if (t != napi_string || napi_get_value_string_utf8(env, v, buf, len, &got) != napi_ok ||
      got >= len - 1) {
    tm_napi_throw(env, E_INVALID_ARG, "%s must be a string shorter than %zu bytes", name, len - 1);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ lifetime */

/* The context lives as long as any JS object that carries it (the functions and the handle
 * object); the last finalizer closes the heap if the program never did. */
void tm_ctx_release(napi_env env, void *data, void *hint) {
  (void)hint;
  tm_ctx *ctx = data;
  if (--ctx->refs > 0) return;
  tm_ctx_close(ctx);
  if (ctx->snapshot_ref != NULL) napi_delete_reference(env, ctx->snapshot_ref);
  free(ctx);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cfgv;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, &cfgv, NULL, NULL));
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, cfgv, &t));
  if (argc < 1 || t != napi_object) {
    tm_napi_throw(env, E_INVALID_ARG, "open() needs a configuration object");
    return NULL;
  }
  tm_config cfg;
  memset(&cfg, 0, sizeof cfg);
  uint32_t dram = TM_DRAM_REGULAR, pmem = TM_PMEM_FILE, policy = TM_POLICY_SPILL;
  char nodes[128], dir[4096];
  if (cfg_enum(env, cfgv, "dram", TM_DRAM_KIND_COUNT, &dram) ||
      cfg_enum(env, cfgv, "pmem", TM_PMEM_SOURCE_COUNT, &pmem) ||
      cfg_enum(env, cfgv, "policy", TM_POLICY_COUNT, &policy) ||
      cfg_string(env, cfgv, "nodes", nodes, sizeof nodes) ||
      cfg_string(env, cfgv, "dir", dir, sizeof dir) ||
      cfg_size(env, cfgv, "fileSize", &cfg.pmem_file_size) ||
      cfg_size_required(env, cfgv, "threshold", &cfg.threshold) ||
      cfg_size(env, cfgv, "limitDram", &cfg.limit[TM_DRAM]) ||
      cfg_size(env, cfgv, "limitPmem", &cfg.limit[TM_PMEM]))
    return NULL;
  cfg.dram = (tm_dram_kind)dram;
  cfg.pmem = (tm_pmem_source)pmem;
  cfg.policy = (tm_policy)policy;
  cfg.pmem_nodes = nodes[0] ? nodes : NULL;
  cfg.pmem_dir = dir[0] ? dir : NULL;

  char err[512];
  tm_heap *heap = tm_heap_create(&cfg, err, sizeof err);
  if (heap == NULL) {
    tm_napi_throw(env, E_BACKEND, "%s", err);
    return NULL;
  }
  tm_ctx *ctx = calloc(1, sizeof *ctx);
  tm_handles *handles = tm_handles_create();
  if (ctx == NULL || handles == NULL) {
    free(ctx);
    tm_handles_destroy(handles);
    tm_heap_destroy(heap);
    tm_napi_throw(env, E_NO_MEMORY, "out of memory");
    return NULL;
  }
  ctx->heap = heap;
  ctx->handles = handles;

  napi_value obj, ab, snap;
  void *snap_data;
  /* From here a failure leaves ctx to the finalizers registered so far (or frees it). */
  napi_status st = napi_create_object(env, &obj);
  if (st == napi_ok) st = napi_create_arraybuffer(env, sizeof(double) * TM_S_LEN, &snap_data, &ab);
  if (st == napi_ok) st = napi_create_typedarray(env, napi_float64_array, TM_S_LEN, ab, 0, &snap);
  if (st == napi_ok) st = napi_create_reference(env, ab, 1, &ctx->snapshot_ref);
  if (st != napi_ok) {
    tm_ctx_close(ctx);
    free(ctx);
    tm_napi_fail(env, st, "creating the heap object");
    return NULL;
  }
  ctx->snapshot = snap_data;
  ctx->refs = 1;
  st = napi_add_finalizer(env, obj, ctx, tm_ctx_release, NULL, NULL);
  if (st != napi_ok) {
    ctx->refs = 0;
    napi_delete_reference(env, ctx->snapshot_ref);
    tm_ctx_close(ctx);
    free(ctx);
    tm_napi_fail(env, st, "napi_add_finalizer");
    return NULL;
  }
  NAPI_CALL(env, napi_set_named_property(env, obj, "stats", snap));
  for (const tm_fn_def *d = tm_heap_functions; d->name != NULL; d++) {
    napi_value fn;
    NAPI_CALL(env, napi_create_function(env, d->name, NAPI_AUTO_LENGTH, d->fn, ctx, &fn));
    NAPI_CALL(env, napi_add_finalizer(env, fn, ctx, tm_ctx_release, NULL, NULL));
    ctx->refs++;
    NAPI_CALL(env, napi_set_named_property(env, obj, d->name, fn));
  }
  return obj;
}

/* ------------------------------------------------------------------------------ module facts */

static napi_value js_dax_kmem_available(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  NAPI_CALL(env, napi_get_boolean(env, tm_dax_kmem_available(), &v));
  return v;
}

static napi_value js_size_class(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  size_t s;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1) NAPI_CALL(env, napi_get_undefined(env, &arg));
  if (tm_arg_size(env, arg, "size", (double)TM_MAX_SIZE, &s) != 0) return NULL;
  return tm_make_double(env, (double)tm_size_class(s ? s : 1));
}

static int set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_value n;
  NAPI_CALL_INT(env, napi_create_double(env, v, &n));
  NAPI_CALL_INT(env, napi_set_named_property(env, obj, name, n));
  return 0;
}

/* The snapshot's offsets and the enums' sizes, so the TypeScript side never hard-codes them. */
static napi_value make_layout(napi_env env) {
  napi_value l;
  NAPI_CALL(env, napi_create_object(env, &l));
  if (set_number(env, l, "length", TM_S_LEN) || set_number(env, l, "threshold", TM_S_THRESHOLD) ||
      set_number(env, l, "limit", TM_S_LIMIT(0)) || set_number(env, l, "cell", TM_S_CELL(0, 0)) ||
      set_number(env, l, "cellFields", TM_S_CELL_FIELDS) ||
      set_number(env, l, "tier", TM_S_TIER(0)) ||
      set_number(env, l, "tierFields", TM_S_TIER_FIELDS) ||
      set_number(env, l, "liveHist", TM_S_LIVE_HIST(0)) ||
      set_number(env, l, "flowBytes", TM_S_FLOW_BYTES) ||
      set_number(env, l, "flowCount", TM_S_FLOW_COUNT) ||
      set_number(env, l, "buckets", TM_HIST_BUCKETS) ||
      set_number(env, l, "tiers", TM_TIER_COUNT) ||
      set_number(env, l, "categories", TM_CAT_COUNT) ||
      set_number(env, l, "maxSize", (double)TM_MAX_SIZE) ||
      set_number(env, l, "policies", TM_POLICY_COUNT) ||
      set_number(env, l, "dramKinds", TM_DRAM_KIND_COUNT) ||
      set_number(env, l, "pmemSources", TM_PMEM_SOURCE_COUNT))
    return NULL;
  return l;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, v, layout = make_layout(env);
  if (layout == NULL) return NULL;
  NAPI_CALL(env, napi_set_named_property(env, exports, "layout", layout));
  NAPI_CALL(env, napi_create_function(env, "open", NAPI_AUTO_LENGTH, js_open, NULL, &fn));
  NAPI_CALL(env, napi_set_named_property(env, exports, "open", fn));
  NAPI_CALL(env, napi_create_function(env, "daxKmemAvailable", NAPI_AUTO_LENGTH,
                                      js_dax_kmem_available, NULL, &fn));
  NAPI_CALL(env, napi_set_named_property(env, exports, "daxKmemAvailable", fn));
  NAPI_CALL(env,
            napi_create_function(env, "sizeClass", NAPI_AUTO_LENGTH, js_size_class, NULL, &fn));
  NAPI_CALL(env, napi_set_named_property(env, exports, "sizeClass", fn));
  NAPI_CALL(env, napi_create_function(env, "aclConfCheck", NAPI_AUTO_LENGTH, tm_js_acl_conf_check,
                                      NULL, &fn));
  NAPI_CALL(env, napi_set_named_property(env, exports, "aclConfCheck", fn));
  NAPI_CALL(env, napi_create_double(env, tm_memkind_version(), &v));
  NAPI_CALL(env, napi_set_named_property(env, exports, "memkindVersion", v));
  NAPI_CALL(env, napi_create_string_utf8(env, TM_VERSION, NAPI_AUTO_LENGTH, &v));
  NAPI_CALL(env, napi_set_named_property(env, exports, "version", v));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
