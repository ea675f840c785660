/* backend_memkind.c - the only file that knows memkind. It maps tiermem's tier configuration
 * onto memkind kinds and forwards allocation calls. */
#include "backend.h"

#include <errno.h>
#include <memkind.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tm_backend_kind {
  memkind_t kind;
  int owned;          /* created by us (file-backed): destroy on close */
  char name[64];
};

static tm_backend_kind *wrap(memkind_t kind, int owned, const char *name) {
  tm_backend_kind *k = calloc(1, sizeof *k);
  if (k == NULL) return NULL;
  k->kind = kind;
  k->owned = owned;
  snprintf(k->name, sizeof k->name, "%s", name);
  return k;
}

tm_backend_kind *tm_backend_open_dram(tm_dram_kind which, char *err, size_t err_len) {
  memkind_t kind = which == TM_DRAM_DEFAULT ? MEMKIND_DEFAULT : MEMKIND_REGULAR;
  const char *name = which == TM_DRAM_DEFAULT ? "MEMKIND_DEFAULT" : "MEMKIND_REGULAR";
  if (memkind_check_available(kind) != MEMKIND_SUCCESS) {
    snprintf(err, err_len, "%s is not available on this machine", name);
    return NULL;
  }
  tm_backend_kind *k = wrap(kind, 0, name);
  if (k == NULL) snprintf(err, err_len, "out of memory");
  return k;
}

/* MEMKIND_DAX_KMEM reads MEMKIND_DAX_KMEM_NODES once, when the kind first initialises, so a
 * process can bind it to one node set only. Remember which one it was. */
static pthread_mutex_t nodes_lock = PTHREAD_MUTEX_INITIALIZER;
static char nodes_bound[128];

static int bind_dax_nodes(const char *nodes, char *err, size_t err_len) {
  int rc = 0;
  pthread_mutex_lock(&nodes_lock);
  if (nodes_bound[0] == '\0') {
    snprintf(nodes_bound, sizeof nodes_bound, "%s", nodes);
    setenv("MEMKIND_DAX_KMEM_NODES", nodes, 1);
  } else if (strcmp(nodes_bound, nodes) != 0) {
    snprintf(err, err_len,
             "MEMKIND_DAX_KMEM is already bound to node(s) %s in this process; memkind cannot "
             "rebind it to %s (use one node set per process)", nodes_bound, nodes);
    rc = -1;
  }
  pthread_mutex_unlock(&nodes_lock);
  return rc;
}

tm_backend_kind *tm_backend_open_pmem(const tm_config *cfg, char *err, size_t err_len) {
  memkind_t kind = NULL;
  const char *name = NULL;
  switch (cfg->pmem) {
    case TM_PMEM_NODES:
      if (cfg->pmem_nodes == NULL || bind_dax_nodes(cfg->pmem_nodes, err, err_len) != 0) {
        if (cfg->pmem_nodes == NULL) snprintf(err, err_len, "no NUMA nodes given");
        return NULL;
      }
      /* the nodes are now what MEMKIND_DAX_KMEM binds to */
      __attribute__((fallthrough));
    case TM_PMEM_DAX_KMEM: kind = MEMKIND_DAX_KMEM; name = "MEMKIND_DAX_KMEM"; break;
    case TM_PMEM_DAX_KMEM_ALL: kind = MEMKIND_DAX_KMEM_ALL; name = "MEMKIND_DAX_KMEM_ALL"; break;
    case TM_PMEM_DAX_KMEM_PREFERRED:
      kind = MEMKIND_DAX_KMEM_PREFERRED; name = "MEMKIND_DAX_KMEM_PREFERRED"; break;
    case TM_PMEM_FILE: {
      if (cfg->pmem_dir == NULL) {
        snprintf(err, err_len, "no directory given for the file-backed PMem tier");
        return NULL;
      }
      int rc = memkind_create_pmem(cfg->pmem_dir, cfg->pmem_file_size, &kind);
      if (rc != MEMKIND_SUCCESS) {
        char msg[MEMKIND_ERROR_MESSAGE_SIZE];
        memkind_error_message(rc, msg, sizeof msg);
        snprintf(err, err_len, "memkind_create_pmem(%s, %zu) failed: %s", cfg->pmem_dir,
                 cfg->pmem_file_size, msg);
        return NULL;
      }
      tm_backend_kind *k = wrap(kind, 1, "MEMKIND_PMEM (file-backed)");
      if (k == NULL) {
        memkind_destroy_kind(kind);
        snprintf(err, err_len, "out of memory");
      }
      return k;
    }
    default:
      snprintf(err, err_len, "unknown PMem backend %d", (int)cfg->pmem);
      return NULL;
  }
  if (memkind_check_available(kind) != MEMKIND_SUCCESS) {
    snprintf(err, err_len, "%s is not available: memkind found no KMEM-DAX NUMA node%s", name,
             cfg->pmem == TM_PMEM_NODES ? " among the named nodes" : "");
    return NULL;
  }
  tm_backend_kind *k = wrap(kind, 0, name);
  if (k == NULL) snprintf(err, err_len, "out of memory");
  return k;
}

void tm_backend_close(tm_backend_kind *k) {
  if (k == NULL) return;
  if (k->owned) memkind_destroy_kind(k->kind);
  free(k);
}

void *tm_backend_malloc(tm_backend_kind *k, size_t size) { return memkind_malloc(k->kind, size); }
void *tm_backend_calloc(tm_backend_kind *k, size_t n, size_t size) {
  return memkind_calloc(k->kind, n, size);
}
void *tm_backend_realloc(tm_backend_kind *k, void *p, size_t size) {
  return memkind_realloc(k->kind, p, size);
}
/* Always with the recorded kind: memkind_free(NULL, p) detects the kind and crashes on
 * pointers memkind did not allocate. */
void tm_backend_free(tm_backend_kind *k, void *p) { memkind_free(k->kind, p); }
size_t tm_backend_usable(tm_backend_kind *k, void *p) {
  return memkind_malloc_usable_size(k->kind, p);
}
int tm_backend_owns(tm_backend_kind *k, const void *p) {
  return memkind_detect_kind((void *)p) == k->kind;
}
const char *tm_backend_name(const tm_backend_kind *k) { return k->name; }

int tm_backend_dax_kmem_available(void) {
  return memkind_check_available(MEMKIND_DAX_KMEM) == MEMKIND_SUCCESS;
}
int tm_backend_version(void) { return memkind_get_version(); }
