/* xclient.c - clients acting on other clients: the woken list the socket owner drains, the
 * queue of unblocked clients whose held input runs next, timers, and detaching a client from
 * everything that refers to it (store.h, "clients acting on other clients"). */
#include "blocking.h"
#include "monitor.h"
#include "pubsub.h"
#include "store.h"

void xclient_init(st_store *st) {
  blk_init(st);
  ps_init(st);
}

void xclient_destroy(st_store *st) {
  blk_destroy(st);
  ps_destroy(st);
}

void st_client_wake(st_client *c) {
  if (c->flags & CL_WOKEN) return;
  c->flags |= CL_WOKEN;
  c->woken_next = c->st->woken;
  c->st->woken = c;
}

st_client *st_take_woken(st_store *st) {
  st_client *list = st->woken;
  st->woken = NULL;
  for (st_client *c = list; c != NULL; c = c->woken_next) c->flags &= ~(uint32_t)CL_WOKEN;
  return list;
}

void st_queue_unblocked(st_client *c) {
  st_store *st = c->st;
  if (c->flags & CL_QUEUED) return;
  c->flags |= CL_QUEUED;
  c->queued_next = NULL;
  if (st->queued_tail != NULL)
    st->queued_tail->queued_next = c;
  else
    st->queued_head = c;
  st->queued_tail = c;
}

/* Take c off a singly linked list through the given link field. */
#define UNLINK(head, c, field)                                      \
  do {                                                              \
    for (st_client **p_ = &(head); *p_ != NULL; p_ = &(*p_)->field) \
      if (*p_ == (c)) {                                             \
        *p_ = (c)->field;                                           \
        break;                                                      \
      }                                                             \
  } while (0)

void st_client_detach(st_client *c) {
  st_store *st = c->st;
  blk_forget(c);
  ps_unsubscribe_all(c, 0);
  monitor_remove(c);
  if (c->flags & CL_WOKEN) {
    UNLINK(st->woken, c, woken_next);
    c->flags &= ~(uint32_t)CL_WOKEN;
  }
  if (c->flags & CL_QUEUED) {
    st_client *prev = NULL;
    for (st_client *q = st->queued_head; q != NULL; prev = q, q = q->queued_next)
      if (q == c) {
        if (prev != NULL)
          prev->queued_next = c->queued_next;
        else
          st->queued_head = c->queued_next;
        if (st->queued_tail == c) st->queued_tail = prev;
        break;
      }
    c->flags &= ~(uint32_t)CL_QUEUED;
  }
}

int st_client_obuf_class(const st_client *c) {
  return (c->flags & CL_PUBSUB) ? OBUF_PUBSUB : OBUF_NORMAL;
}

int st_client_idle_exempt(const st_client *c) { return (c->flags & (CL_PUBSUB | CL_BLOCKED)) != 0; }

void st_timer_hint(st_store *st, int64_t deadline_ms) {
  if (st->timer_hint_ms == 0 || deadline_ms < st->timer_hint_ms) st->timer_hint_ms = deadline_ms;
}

int64_t st_timers(st_store *st) {
  int64_t next = blk_timeouts(st);
  if (st->pause_end_ms != 0) {
    if (st->pause_end_ms <= st->now_ms) {
      st->pause_end_ms = 0;
      blk_release_postponed(st);
    } else {
      int64_t left = st->pause_end_ms - st->now_ms;
      if (next < 0 || left < next) next = left;
    }
  }
  st_run_queued(st);
  return next;
}
