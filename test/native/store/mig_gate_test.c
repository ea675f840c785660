/* mig_gate_test.c - the promotion gate (mig_gate.h). Uniform reads over many PMem values pass
 * the read bar all the time (read again within the second), yet promote (almost) nothing once
 * the gate has seen that the values promoted are read again no more often than those demoted
 * to repay them; then a hot subset read over and over opens the gate and gets promoted. The
 * bar alone (the gate open throughout) promotes a fifth of the uniform reads.
 *
 * Time runs in rounds of ROUND_MS of real time (commands take the real clock), with the gate's
 * horizon shortened to HORIZON_ROUNDS rounds; each round reads, then runs a migrator step that
 * repays the promotions' debt and resolves the gate's probes. */
#include <stdint.h>
#include <unistd.h>

#include "access.h"
#include "check.h"
#include "cmdtest.h"
#include "migrate.h"
#include "store.h"
#include "walkcheck.h"

#define NKEYS 4000
#define NDRAM 400 /* values DRAM holds at first, to be displaced */
#define NHOT 100
#define ROUND_MS 10
#define HORIZON_ROUNDS 4

static char big[300];
static uint64_t rng = 88172645463325252ull;

static unsigned next_rand(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static st_entry *find(st_store *st, const char *key) {
  return (st_entry *)dict_find(&st->dbs[0].keys, key, strlen(key));
}

static void key_name(char *k, size_t size, unsigned i) { snprintf(k, size, "k%u", i); }

static void setup(st_store *st, st_client *c) {
  char k[32];
  exec(c, "flushall", NULL);
  for (unsigned i = 0; i < NKEYS; i++) {
    key_name(k, sizeof k, i);
    exec(c, "set", k, big, NULL);
    mig_move(st, find(st, k), i >= NKEYS - NDRAM ? TM_DRAM : TM_PMEM);
  }
  st->mig->debt = 0;
  gate_init(&st->mig->gate);
  st->mig->gate.horizon_ms = HORIZON_ROUNDS * ROUND_MS;
}

typedef struct tally {
  uint64_t reads, promoted;
} tally;

/* One round: `uniform` reads of random keys, and one read of each hot key (k0..k<hot-1>). */
static tally round_of(st_store *st, st_client *c, unsigned uniform, unsigned hot) {
  char k[32];
  uint64_t p0 = st->mig->promoted_on_read;
  for (unsigned i = 0; i < uniform; i++) {
    key_name(k, sizeof k, next_rand(NKEYS));
    exec(c, "get", k, NULL);
  }
  for (unsigned i = 0; i < hot; i++) {
    key_name(k, sizeof k, i);
    exec(c, "get", k, NULL);
  }
  st->mig->tokens = 1e9;
  mig_step(st, 1000000);
  usleep(ROUND_MS * 1000);
  return (tally){ uniform + hot, st->mig->promoted_on_read - p0 };
}

static void set_idle(st_store *st, const char *key, uint32_t seconds) {
  st_entry *e = find(st, key);
  uint32_t now = (uint32_t)(st->now_ms / 1000) & LRU_CLOCK_MAX;
  e->meta = (((now - seconds) & LRU_CLOCK_MAX) << 8) | (e->meta & 0xffu);
}

static unsigned hot_in_dram(st_store *st) {
  char k[32];
  unsigned n = 0;
  for (unsigned i = 0; i < NHOT; i++) {
    key_name(k, sizeof k, i);
    n += mig_value_tier(find(st, k)) == TM_DRAM;
  }
  return n;
}

/* The bar alone: the same uniform rounds with the gate held open. */
static void test_bar_alone(st_store *st, st_client *c) {
  setup(st, c);
  tally t = { 0, 0 };
  for (int r = 0; r < 20; r++) {
    st->mig->gate.admit = 1;
    tally x = round_of(st, c, 200, 0);
    t.reads += x.reads;
    t.promoted += x.promoted;
  }
  printf("  bar alone: %llu promoted in %llu uniform reads\n", (unsigned long long)t.promoted,
         (unsigned long long)t.reads);
  CHECK(t.promoted * 10 > t.reads); /* what the gate is for */
}

static void test_uniform_then_hot(st_store *st, st_client *c) {
  setup(st, c);
  tally first = { 0, 0 }, second = { 0, 0 };
  for (int r = 0; r < 80; r++) {
    tally x = round_of(st, c, 200, 0);
    tally *t = r < 40 ? &first : &second;
    t->reads += x.reads;
    t->promoted += x.promoted;
  }
  const mig_gate *g = &st->mig->gate;
  printf("  uniform: %llu promoted in %llu reads, then %llu in %llu; admit %.4f after %llu "
         "decisions (%llu paid), %llu bar passes refused\n",
         (unsigned long long)first.promoted, (unsigned long long)first.reads,
         (unsigned long long)second.promoted, (unsigned long long)second.reads, g->admit,
         (unsigned long long)g->decisions, (unsigned long long)g->paid,
         (unsigned long long)g->refused);
  CHECK(g->decisions >= 2);
  CHECK(g->refused > second.reads / 4);       /* the bar kept passing: the gate held them */
  CHECK(second.promoted * 50 < second.reads); /* under 2% (0.2-1% seen; the bar alone 20%) */
  CHECK((first.promoted + second.promoted) * 100 < 5 * (first.reads + second.reads));
  CHECK(g->admit <= 1.0 / 64);

  /* A hot subset, each of its values read every round among uniform reads: promoted. A minute
   * passes first (the rounds above took a second or two of the one-second clock, so every value
   * looked as warm as the hot ones will). */
  char k[32];
  for (unsigned i = 0; i < NKEYS; i++) {
    key_name(k, sizeof k, i);
    if (i < NHOT) mig_move(st, find(st, k), TM_PMEM);
    set_idle(st, k, 60);
  }
  uint64_t d0 = 0, p0 = 0;
  int rounds = 0;
  double opened = 0; /* the gate's widest opening (once the hot values are in, it may close) */
  uint64_t paid = g->paid;
  for (; rounds < 300 && hot_in_dram(st) < NHOT * 9 / 10; rounds++) {
    round_of(st, c, 20, NHOT);
    if (g->admit > opened) opened = g->admit;
  }
  d0 = st->stats.dram_read_hits;
  p0 = st->stats.pmem_read_hits;
  for (int r = 0; r < 5; r++) round_of(st, c, 0, NHOT);
  uint64_t dram = st->stats.dram_read_hits - d0, pmem = st->stats.pmem_read_hits - p0;
  printf("  hot: %u of %u in DRAM after %d rounds, admit up to %.4f, then %llu of %llu hot reads "
         "from DRAM\n",
         hot_in_dram(st), NHOT, rounds, opened, (unsigned long long)dram,
         (unsigned long long)(dram + pmem));
  CHECK(hot_in_dram(st) >= NHOT * 9 / 10);
  CHECK(g->paid > paid); /* they paid: the gate opened for them */
  CHECK(opened >= 4 * GATE_MIN);
  CHECK(dram * 10 >= (dram + pmem) * 9);
  check_exact(st, "gate");
}

int main(void) {
  memset(big, 'b', sizeof big - 1);
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  CHECK(st != NULL);
  st_client *c = st_client_new(st);
  st->cfg.migrate_auto = 1;
  st->cfg.migrate_rate = 1ll << 30;
  test_bar_alone(st, c);
  test_uniform_then_hot(st, c);
  exec(c, "flushall", NULL);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("mig_gate_test");
}
