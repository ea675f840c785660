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
  int owned; /* a file-backed kind: release through the registry on close */
  char name[64];
};

/* memkind 1.14 crashes (SIGSEGV inside jemalloc) when two file-backed kinds are in use at once
 * in one process: two kinds with a churn of 16 KiB blocks are enough; one kind, or a kind
 * destroyed before the next is created, is fine. So the process keeps at most one file-backed
 * kind, shared by every heap that asks for the same directory and size (accounting is per heap
 * anyway), and refuses a different one while it is in use. */
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  memkind_t kind;
  char dir[4096];
  size_t size;
  int refs;
} file_kind;

static memkind_t file_kind_acquire(const char *dir, size_t size, char *err, size_t err_len) {
  memkind_t kind = NULL;
  pthread_mutex_lock(&file_lock);
  if (file_kind.refs > 0) {
    if (strcmp(file_kind.dir, dir) == 0 && file_kind.size == size) {
      file_kind.refs++;
      kind = file_kind.kind;
    } else {
      snprintf(
          err, err_len,
          "a file-backed PMem tier on %s is already open in this process; memkind 1.14 crashes "
          "with two file-backed kinds in use at once, so close that allocator first or use the "
          "same directory and size",
          file_kind.dir);
    }
  } else {
    int rc = memkind_create_pmem(dir, size, &kind);
    if (rc != MEMKIND_SUCCESS) {
      char msg[MEMKIND_ERROR_MESSAGE_SIZE];
      memkind_error_message(rc, msg, sizeof msg);
      snprintf(err, err_len, "memkind_create_pmem(%s, %zu) failed: %s", dir, size, msg);
      kind = NULL;
    } else {
      file_kind.kind = kind;
      snprintf(file_kind.dir, sizeof file_kind.dir, "%s", dir);
      file_kind.size = size;
      file_kind.refs = 1;
    }
  }
  pthread_mutex_unlock(&file_lock);
  return kind;
}

static void file_kind_release(memkind_t kind) {
  pthread_mutex_lock(&file_lock);
  if (file_kind.refs > 0 && file_kind.kind == kind && --file_kind.refs == 0) {
    memkind_destroy_kind(kind);
    file_kind.kind = NULL;
  }
  pthread_mutex_unlock(&file_lock);
}

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

/* MEMKIND_DAX_KMEM reads MEMKIND_DAX_KMEM_NODES once, when the kind is first used (even by
 * memkind_check_available), so a process can bind it to one node set only. Remember which. */
static pthread_mutex_t nodes_lock = PTHREAD_MUTEX_INITIALIZER;
static char nodes_bound[128];

/* Called before any use of a DAX_KMEM kind: fixes what memkind will see. */
static void dax_touch(void) {
  pthread_mutex_lock(&nodes_lock);
  if (nodes_bound[0] == '\0') {
    const char *env = getenv("MEMKIND_DAX_KMEM_NODES");
    snprintf(nodes_bound, sizeof nodes_bound, "%s", env && env[0] ? env : "auto");
  }
  pthread_mutex_unlock(&nodes_lock);
}

static int bind_dax_nodes(const char *nodes, char *err, size_t err_len) {
  int rc = 0;
  pthread_mutex_lock(&nodes_lock);
  if (nodes_bound[0] == '\0') {
    snprintf(nodes_bound, sizeof nodes_bound, "%s", nodes);
    setenv("MEMKIND_DAX_KMEM_NODES", nodes, 1);
  } else if (strcmp(nodes_bound, nodes) != 0) {
    if (strcmp(nodes_bound, "auto") == 0)
      snprintf(err, err_len,
               "MEMKIND_DAX_KMEM was already initialised in this process with automatic node "
               "detection (pmem 'auto' or 'dax-kmem' came first); memkind reads "
               "MEMKIND_DAX_KMEM_NODES once, so open the 'node:%s' allocator first in the process",
               nodes);
    else
      snprintf(err, err_len,
               "MEMKIND_DAX_KMEM is already bound to node(s) %s in this process; memkind cannot "
               "rebind it to %s (use one node set per process)",
               nodes_bound, nodes);
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
    case TM_PMEM_DAX_KMEM:
      kind = MEMKIND_DAX_KMEM;
      name = "MEMKIND_DAX_KMEM";
      break;
    case TM_PMEM_DAX_KMEM_ALL:
      kind = MEMKIND_DAX_KMEM_ALL;
      name = "MEMKIND_DAX_KMEM_ALL";
      break;
    case TM_PMEM_DAX_KMEM_PREFERRED:
      kind = MEMKIND_DAX_KMEM_PREFERRED;
      name = "MEMKIND_DAX_KMEM_PREFERRED";
      break;
    case TM_PMEM_FILE: {
      if (cfg->pmem_dir == NULL) {
        snprintf(err, err_len, "no directory given for the file-backed PMem tier");
        return NULL;
      }
      kind = file_kind_acquire(cfg->pmem_dir, cfg->pmem_file_size, err, err_len);
      if (kind == NULL) return NULL;
      tm_backend_kind *k = wrap(kind, 1, "MEMKIND_PMEM (file-backed)");
      if (k == NULL) {
        file_kind_release(kind);
        snprintf(err, err_len, "out of memory");
      }
      return k;
    }
    default: snprintf(err, err_len, "unknown PMem backend %d", (int)cfg->pmem); return NULL;
  }
  dax_touch();
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
  if (k->owned) file_kind_release(k->kind);
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
void *tm_backend_memkind(const tm_backend_kind *k) { return k->kind; }

/* Exported by libmemkind 1.14 (MEMKIND_EXPORT) but declared only in its internal
 * memkind_arena.h: sets arena.<i>.dirty_decay_ms of every arena of the kind. */
int memkind_arena_update_memory_usage_policy(memkind_t kind, memkind_mem_usage_policy policy);

/* libmemkind.so does not export jemalloc's mallctl, so no arena.<i>.purge. Setting an arena's
 * dirty_decay_ms resets its decay and, at 0, purges every dirty page at once (jemalloc's
 * arena_decay_ms_set); the default (10 s) is then restored. The PMem kind's extent hooks cannot
 * purge in place, so its decayed extents go through memkind's dalloc hook, which punches them
 * out of the file (MADV_REMOVE) and unmaps them. */
static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;

int tm_backend_purge(tm_backend_kind *k) {
  if (k->kind == MEMKIND_DEFAULT) return -1;
  pthread_mutex_lock(&purge_lock); /* two purges do not interleave their two steps */
  int rc = memkind_arena_update_memory_usage_policy(k->kind, MEMKIND_MEM_USAGE_POLICY_CONSERVATIVE);
  int back = memkind_arena_update_memory_usage_policy(k->kind, MEMKIND_MEM_USAGE_POLICY_DEFAULT);
  pthread_mutex_unlock(&purge_lock);
  return rc == MEMKIND_SUCCESS && back == MEMKIND_SUCCESS ? 0 : -1;
}

int tm_backend_dax_kmem_available(void) {
  dax_touch();
  return memkind_check_available(MEMKIND_DAX_KMEM) == MEMKIND_SUCCESS;
}
int tm_backend_version(void) { return memkind_get_version(); }
