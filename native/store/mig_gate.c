/* mig_gate.c - the promotion gate (see mig_gate.h). */
#include "mig_gate.h"

#include <string.h>

#include "migrate.h"

void gate_init(mig_gate *g) {
  memset(g, 0, sizeof *g);
  g->admit = GATE_START;
  g->horizon_ms = GATE_HORIZON_MS;
}

int gate_admit(mig_gate *g) {
  g->credit += g->admit;
  if (g->credit < 1) {
    g->refused++;
    return 0;
  }
  g->credit -= 1;
  return 1;
}

void gate_watch(st_store *st, mig_gate *g, int kind, int db, st_entry *e) {
  gate_ring *r = &g->ring[kind];
  size_t klen;
  const unsigned char *key = entry_key(e, &klen);
  /* Already watched (a promoted value demoted again before its horizon): one outcome only. */
  if (r->count == GATE_RING || klen > POOL_KEY_INLINE || (e->flags & E_MIG_PROBE)) return;
  gate_probe *p = &r->slot[(r->head + r->count++) % GATE_RING];
  p->at_ms = st->now_ms;
  p->db = db;
  p->klen = (uint8_t)klen;
  memcpy(p->key, key, klen);
  e->flags |= E_MIG_PROBE;
}

static void resolve(st_store *st, gate_ring *r, int kind, int64_t horizon_ms) {
  while (r->count > 0) {
    gate_probe *p = &r->slot[r->head];
    if (st->now_ms - p->at_ms < horizon_ms) break;
    r->head = (r->head + 1) % GATE_RING;
    r->count--;
    if (p->db >= st->ndb) continue;
    st_entry *e = (st_entry *)dict_find(&st->dbs[p->db].keys, p->key, p->klen);
    if (e == NULL) continue; /* deleted: no outcome */
    r->outcomes++;
    /* Read again; a promoted value only counts if DRAM still holds it (one demoted again
     * before it was read there gained nothing). */
    r->hits +=
        !(e->flags & E_MIG_PROBE) && (kind == GATE_DISPLACED || mig_value_tier(e) == TM_DRAM);
    e->flags &= (uint8_t)~E_MIG_PROBE;
  }
}

void gate_update(st_store *st, mig_gate *g) {
  gate_ring *pro = &g->ring[GATE_PROMOTED], *dis = &g->ring[GATE_DISPLACED];
  resolve(st, pro, GATE_PROMOTED, g->horizon_ms);
  resolve(st, dis, GATE_DISPLACED, g->horizon_ms);
  /* At the minimum the probes come slowly: decide on fewer, a false "pays" costs one period. */
  if (pro->outcomes < (g->admit <= GATE_MIN ? GATE_BATCH / 4 : GATE_BATCH)) return;
  /* pro.hits / pro.outcomes >= 2 dis.hits / dis.outcomes + 1/16, in integers; the displaced
   * values' rate counts once there are enough of them (when the values promoted are the only
   * ones DRAM holds, they are what the demotions take back: none to compare with). */
  int baseline = dis->outcomes >= GATE_BATCH / 4;
  uint64_t dn = baseline ? dis->outcomes : 1, dh = baseline ? dis->hits : 0;
  uint64_t lhs = 16ull * pro->hits * dn;
  uint64_t rhs = 32ull * dh * pro->outcomes + (uint64_t)pro->outcomes * dn;
  int pays = lhs >= rhs;
  g->decisions++;
  g->paid += pays;
  g->admit = pays ? g->admit * 4 : g->admit / 4;
  if (g->admit > 1) g->admit = 1;
  if (g->admit < GATE_MIN) g->admit = GATE_MIN;
  if (g->credit > 1) g->credit = 1;
  pro->outcomes = pro->hits = 0;
  if (baseline) dis->outcomes = dis->hits = 0;
}
