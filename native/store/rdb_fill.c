/* rdb_fill.c - the loader's helper thread (rdb_fill.h): batches of fill jobs handed over a
 * ring, one mutex and two condition variables, a hand-over per batch rather than per value. */
#include "rdb_fill.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crc64.h"
#include "lzf.h"

typedef struct fill_job {
  unsigned char *dst;
  size_t off;
  uint32_t clen; /* 0: a plain copy */
  uint32_t ulen;
} fill_job;

enum { BATCH_JOBS = 256, RING = 16 };

typedef struct fill_batch {
  fill_job job[BATCH_JOBS];
  unsigned n;
  size_t crc_to; /* after the jobs: the CRC covers base[0..crc_to) */
} fill_batch;

struct rdb_fill {
  const unsigned char *base;
  size_t size;
  int threaded;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work; /* the thread waits for a batch */
  pthread_cond_t done; /* the loader waits for room or for the drain */
  uint64_t head;       /* batches published (the loader fills ring[head % RING]) */
  uint64_t tail;       /* batches finished */
  int stop;
  size_t crc_published; /* the loader's: the last crc_to handed over */
  /* Owned by whoever runs the jobs (the thread, or the caller when sync). */
  uint64_t crc;
  size_t crc_pos;
  size_t err_off;
  int failed;
  fill_batch ring[RING];
};

static void run_batch(rdb_fill *f, const fill_batch *b) {
  for (unsigned i = 0; i < b->n; i++) {
    const fill_job *j = &b->job[i];
    if (j->clen == 0) {
      memcpy(j->dst, f->base + j->off, j->ulen);
    } else if (lzf_decompress(f->base + j->off, j->clen, j->dst, j->ulen) != j->ulen &&
               (!f->failed || j->off < f->err_off)) {
      f->failed = 1;
      f->err_off = j->off;
    }
  }
  if (b->crc_to > f->crc_pos) {
    f->crc = crc64(f->crc, f->base + f->crc_pos, b->crc_to - f->crc_pos);
    f->crc_pos = b->crc_to;
  }
}

static void *thread_main(void *arg) {
  rdb_fill *f = arg;
  pthread_mutex_lock(&f->mu);
  for (;;) {
    while (f->tail == f->head && !f->stop) pthread_cond_wait(&f->work, &f->mu);
    if (f->tail == f->head) break; /* stop, and nothing left */
    fill_batch *b = &f->ring[f->tail % RING];
    pthread_mutex_unlock(&f->mu);
    run_batch(f, b);
    pthread_mutex_lock(&f->mu);
    f->tail++;
    pthread_cond_signal(&f->done);
  }
  pthread_mutex_unlock(&f->mu);
  return NULL;
}

rdb_fill *rdb_fill_start(const unsigned char *base, size_t size, int sync) {
  rdb_fill *f = calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  f->base = base;
  f->size = size;
  if (!sync) {
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->work, NULL);
    pthread_cond_init(&f->done, NULL);
    f->threaded = pthread_create(&f->thread, NULL, thread_main, f) == 0;
    if (!f->threaded) {
      pthread_mutex_destroy(&f->mu);
      pthread_cond_destroy(&f->work);
      pthread_cond_destroy(&f->done);
    }
  }
  return f;
}

/* The batch the loader is filling. */
static fill_batch *cur(rdb_fill *f) { return &f->ring[f->head % RING]; }

/* Hand the current batch over (or run it, without a thread) and start the next one, waiting
 * for room when the thread is RING batches behind. */
static void publish(rdb_fill *f) {
  fill_batch *b = cur(f);
  if (!f->threaded) {
    run_batch(f, b);
    b->n = 0;
    return;
  }
  pthread_mutex_lock(&f->mu);
  f->head++;
  pthread_cond_signal(&f->work);
  while (f->head - f->tail >= RING) pthread_cond_wait(&f->done, &f->mu);
  pthread_mutex_unlock(&f->mu);
  fill_batch *next = cur(f);
  next->n = 0;
  next->crc_to = f->crc_published = b->crc_to;
}

static void add(rdb_fill *f, unsigned char *dst, size_t off, uint32_t clen, uint32_t ulen) {
  fill_batch *b = cur(f);
  b->job[b->n++] = (fill_job){ .dst = dst, .off = off, .clen = clen, .ulen = ulen };
  if (b->n == BATCH_JOBS) publish(f);
}

void rdb_fill_copy(rdb_fill *f, unsigned char *dst, size_t off, uint32_t len) {
  add(f, dst, off, 0, len);
}

void rdb_fill_lzf(rdb_fill *f, unsigned char *dst, size_t off, size_t clen, uint32_t ulen) {
  add(f, dst, off, (uint32_t)clen, ulen);
}

void rdb_fill_crc_to(rdb_fill *f, size_t upto) {
  fill_batch *b = cur(f);
  if (upto > f->size) upto = f->size;
  if (upto > b->crc_to) b->crc_to = upto;
}

int rdb_fill_drain(rdb_fill *f, uint64_t *crc, size_t *err_off) {
  fill_batch *b = cur(f);
  if (!f->threaded) {
    run_batch(f, b);
    b->n = 0;
  } else {
    int more = b->n > 0 || b->crc_to > f->crc_published;
    size_t crc_to = b->crc_to;
    pthread_mutex_lock(&f->mu);
    if (more) {
      f->head++;
      pthread_cond_signal(&f->work);
    }
    while (f->tail != f->head) pthread_cond_wait(&f->done, &f->mu);
    pthread_mutex_unlock(&f->mu);
    if (more) {
      fill_batch *next = cur(f);
      next->n = 0;
      next->crc_to = f->crc_published = crc_to;
    }
  }
  *crc = f->crc;
  *err_off = f->err_off;
  return f->failed ? -1 : 0;
}

void rdb_fill_stop(rdb_fill *f) {
  if (f == NULL) return;
  if (f->threaded) {
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_signal(&f->work);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->work);
    pthread_cond_destroy(&f->done);
  }
  free(f);
}
