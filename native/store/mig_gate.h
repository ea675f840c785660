/* mig_gate.h - the promotion gate: does promoting on read pay off right now?
 *
 * A promotion on read is repaid by demoting as many cold bytes (migrate.h), so it gains hits
 * only if the promoted value is read more often than the one it displaces. The read bar judges
 * a value by one inter-read interval on a one-second clock, which cannot tell a skewed load from
 * a uniform one: under uniform reads every value is equally warm, yet a third of the reads pass
 * the bar, and each promotion swaps one value for an equally warm one (pure churn). So the gate
 * measures the outcome instead: it watches a sample of the values promoted on read and of the
 * values demoted to repay them (their keys in a ring, a probe bit in the entry that any read
 * clears) and, GATE_HORIZON_MS later, counts which were read again. Promoted values read again
 * at least twice as often as the displaced ones (plus a margin against noise) mean the swaps
 * pay: the share of bar passes admitted (`admit`) goes up fourfold, up to all; otherwise it goes
 * down fourfold, down to GATE_MIN (the probes that keep measuring). Admission is a credit, not a
 * coin: `admit` per bar pass, a promotion per whole credit.
 *
 * Cost: no bytes per key (the probe is a spare entry flag bit), one flag clear per read on the
 * request path, and per second at most GATE_RING key lookups per ring in the migrator's step. */
#ifndef TM_STORE_MIG_GATE_H
#define TM_STORE_MIG_GATE_H

#include "pool.h"
#include "store.h"

#define GATE_RING 256
#define GATE_HORIZON_MS 1000
#define GATE_BATCH 64 /* promoted values' outcomes per decision (a quarter at GATE_MIN) */
#define GATE_MIN (1.0 / 256)
#define GATE_START 0.25

enum { GATE_PROMOTED = 0, GATE_DISPLACED = 1 };

typedef struct gate_probe {
  int64_t at_ms; /* when it moved */
  int db;
  uint8_t klen;
  unsigned char key[POOL_KEY_INLINE];
} gate_probe;

typedef struct gate_ring {
  gate_probe slot[GATE_RING];
  unsigned head, count;    /* oldest probe, probes pending */
  unsigned outcomes, hits; /* resolved since the last decision, and of those read again */
} gate_ring;

typedef struct mig_gate {
  gate_ring ring[2];  /* GATE_PROMOTED, GATE_DISPLACED */
  int64_t horizon_ms; /* GATE_HORIZON_MS (tests shorten it) */
  double admit;       /* share of bar passes promoted, GATE_MIN..1 */
  double credit;      /* admit per bar pass; a promotion per whole credit */
  uint64_t refused;   /* bar passes not admitted */
  uint64_t decisions; /* of which paid: */
  uint64_t paid;
} mig_gate;

void gate_init(mig_gate *g);
/* A read passed the bar: 1 if it may be promoted now. */
int gate_admit(mig_gate *g);
/* e (in db) was just promoted on read or demoted to repay one: watch whether it is read again. */
void gate_watch(st_store *st, mig_gate *g, int kind, int db, st_entry *e);
/* Resolve the probes past the horizon; decide once both rings have a batch of outcomes. */
void gate_update(st_store *st, mig_gate *g);
/* A read (lookup_read): clears e's probe bit. */
static inline void gate_note_read(st_entry *e) { e->flags &= (uint8_t)~E_MIG_PROBE; }

#endif
