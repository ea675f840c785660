/* backend.h - the one seam between the core and memkind (as mimalloc's prim/ hides the OS).
 * Only backend_memkind.c includes memkind.h; the core sees opaque kinds. */
#ifndef TM_BACKEND_H
#define TM_BACKEND_H

#include "tiermem.h"

typedef struct tm_backend_kind tm_backend_kind; /* opaque: a memkind_t */

/* Open the DRAM tier's kind. Returns NULL and writes err on failure. */
tm_backend_kind *tm_backend_open_dram(tm_dram_kind which, char *err, size_t err_len);
/* Open the PMem tier's kind from the configuration. */
tm_backend_kind *tm_backend_open_pmem(const tm_config *cfg, char *err, size_t err_len);
/* Release a kind (destroys file-backed kinds; static kinds are left alone). */
void tm_backend_close(tm_backend_kind *k);

void *tm_backend_malloc(tm_backend_kind *k, size_t size);
void *tm_backend_calloc(tm_backend_kind *k, size_t count, size_t size);
void *tm_backend_realloc(tm_backend_kind *k, void *p, size_t size);
void tm_backend_free(tm_backend_kind *k, void *p);
size_t tm_backend_usable(tm_backend_kind *k, void *p);
/* Whether memkind says p belongs to kind k. */
int tm_backend_owns(tm_backend_kind *k, const void *p);
const char *tm_backend_name(const tm_backend_kind *k);
/* The underlying memkind_t, for benchmarks that compare with raw memkind on the same kind. */
void *tm_backend_memkind(const tm_backend_kind *k);

/* Give the kind's freed pages back to the OS now: every dirty page of the kind's jemalloc arenas
 * is purged (file-backed PMem: its extents are hole-punched and unmapped). 0, or -1 when the
 * kind has no arenas of its own to purge (MEMKIND_DEFAULT shares jemalloc's automatic ones). */
int tm_backend_purge(tm_backend_kind *k);

int tm_backend_dax_kmem_available(void);
int tm_backend_version(void);

#endif
