/* acl_rules.c - the ACL command universe, bitmap rules and their description (see acl_rules.h). */
#include "acl_rules.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "store.h"

static const struct {
  const char *name, *parent;
  uint32_t cats;
  int arity;
} redis_commands[] = {
#define ACL_COMMAND(name, parent, cats, arity) { name, parent, cats, arity },
#include "acl_commands.def"
#undef ACL_COMMAND
};
#define REDIS_COUNT (sizeof redis_commands / sizeof redis_commands[0])

typedef struct slot {
  const char *name;
  int parent;
  int is_container;
  int in_redis; /* store-only rows (client|setinfo) are left out of descriptions, as Redis
                 * 7.0 would never print them */
  uint32_t cats;
  int arity; /* Redis's (0 for store-only rows) */
} slot;

static slot slots[ACL_MAX_COMMANDS];
static size_t nslots;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int find_exact(const char *name, size_t len) {
  for (size_t i = 0; i < nslots; i++)
    if (strlen(slots[i].name) == len && memcmp(slots[i].name, name, len) == 0) return (int)i;
  return -1;
}

static void build(void) {
  /* The store's rows keep their index; Redis's categories win where both have the command. */
  for (size_t i = 0; i < st_command_count && nslots < ACL_MAX_COMMANDS; i++) {
    slots[nslots].name = st_commands[i].name;
    slots[nslots].cats = (uint32_t)st_commands[i].acl;
    nslots++;
  }
  for (size_t r = 0; r < REDIS_COUNT; r++) {
    int at = find_exact(redis_commands[r].name, strlen(redis_commands[r].name));
    if (at < 0 && nslots < ACL_MAX_COMMANDS) {
      at = (int)nslots++;
      slots[at].name = redis_commands[r].name;
    }
    if (at >= 0) {
      slots[at].cats = redis_commands[r].cats;
      slots[at].arity = redis_commands[r].arity;
      slots[at].in_redis = 1;
    }
  }
  for (size_t i = 0; i < nslots; i++) {
    const char *bar = strchr(slots[i].name, '|');
    slots[i].parent = bar ? find_exact(slots[i].name, (size_t)(bar - slots[i].name)) : -1;
    if (slots[i].parent >= 0) slots[slots[i].parent].is_container = 1;
  }
}

void acl_rules_init(void) { pthread_once(&once, build); }

size_t acl_slot_count(void) { return nslots; }
const char *acl_slot_name(int s) { return slots[s].name; }
int acl_slot_parent(int s) { return slots[s].parent; }
int acl_slot_is_container(int s) { return slots[s].is_container; }
int acl_slot_in_category(int s, int cat) { return (slots[s].cats >> cat) & 1u; }
int acl_slot_in_redis(int s) { return slots[s].in_redis; }
int acl_slot_arity(int s) { return slots[s].arity; }
uint32_t acl_slot_categories(int s) { return slots[s].cats; }

int acl_slot_find(const char *name, size_t len) {
  char lower[128];
  if (len >= sizeof lower) return -1;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)name[i];
    lower[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  return find_exact(lower, len);
}

static int bit(const uint64_t *bm, int s) { return (bm[s / 64] >> (s % 64)) & 1u; }

static void set_bit(uint64_t *bm, int s, int on) {
  if (on)
    bm[s / 64] |= 1ull << (s % 64);
  else
    bm[s / 64] &= ~(1ull << (s % 64));
}

static void drop_firstargs(acl_firstarg *fa, size_t *nfa, int s) {
  if (fa == NULL) return;
  size_t n = 0;
  for (size_t i = 0; i < *nfa; i++) {
    if (fa[i].slot == s)
      free(fa[i].arg);
    else
      fa[n++] = fa[i];
  }
  *nfa = n;
}

void acl_bits_set_command(uint64_t *bm, acl_firstarg *fa, size_t *nfa, int s, int allow) {
  set_bit(bm, s, allow);
  drop_firstargs(fa, nfa, s);
  if (!slots[s].is_container) return;
  for (size_t i = 0; i < nslots; i++)
    if (slots[i].parent == s) set_bit(bm, (int)i, allow);
}

void acl_bits_set_category(uint64_t *bm, acl_firstarg *fa, size_t *nfa, int cat, int allow) {
  for (size_t i = 0; i < nslots; i++)
    if (acl_slot_in_category((int)i, cat)) acl_bits_set_command(bm, fa, nfa, (int)i, allow);
}

/* ------------------------------------------------------------------------------ describe */

typedef struct out {
  char *p;
  size_t len, cap;
  int oom;
} out;

static void put(out *o, const char *s) {
  size_t n = strlen(s);
  if (o->oom) return;
  if (o->len + n + 1 > o->cap) {
    size_t cap = (o->len + n + 1) * 2;
    char *np = realloc(o->p, cap);
    if (np == NULL) {
      o->oom = 1;
      return;
    }
    o->p = np;
    o->cap = cap;
  }
  memcpy(o->p + o->len, s, n + 1);
  o->len += n;
}

static void counts(const uint64_t *bm, int cat, unsigned long *on, unsigned long *off) {
  *on = *off = 0;
  for (size_t i = 0; i < nslots; i++)
    if (slots[i].in_redis && acl_slot_in_category((int)i, cat)) {
      if (bit(bm, (int)i))
        (*on)++;
      else
        (*off)++;
    }
}

/* One command whose bit differs from the fake bitmap built so far: its rule, applied. */
static void single(out *o, const uint64_t *bm, uint64_t *fake, int s) {
  int userbit = bit(bm, s);
  if (!slots[s].in_redis || userbit == bit(fake, s)) return;
  put(o, userbit ? "+" : "-");
  put(o, slots[s].name);
  put(o, " ");
  acl_bits_set_command(fake, NULL, NULL, s, userbit);
}

char *acl_bits_describe(const uint64_t *bm, int future, const acl_firstarg *fa, size_t nfa) {
  out o = { 0 };
  int additive = !future;
  uint64_t fake[ACL_WORDS], temp[ACL_WORDS];
  memset(fake, additive ? 0 : 0xff, sizeof fake);
  memcpy(temp, bm, sizeof temp);
  put(&o, additive ? "-@all " : "+@all ");
  /* Redis's best fit: the category with more in common than different, fewest differences,
   * then most in common; applied to the fake bitmap, and inverted on the temporary one so that
   * later categories are counted against what is left. */
  char applied[ACL_CATEGORY_COUNT] = { 0 };
  for (;;) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (int j = 0; j < ACL_CATEGORY_COUNT; j++) {
      if (applied[j]) continue;
      unsigned long on, off;
      counts(temp, j, &on, &off);
      unsigned long diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best < 0) break;
    acl_bits_set_category(fake, NULL, NULL, best, additive);
    acl_bits_set_category(temp, NULL, NULL, best, !additive);
    put(&o, additive ? "+@" : "-@");
    put(&o, acl_category_names[best]);
    put(&o, " ");
    applied[best] = 1;
  }
  for (size_t i = 0; i < nslots; i++) {
    if (slots[i].parent >= 0) continue;
    single(&o, bm, fake, (int)i);
    if (slots[i].is_container)
      for (size_t k = 0; k < nslots; k++)
        if (slots[k].parent == (int)i) single(&o, bm, fake, (int)k);
    if (bit(bm, (int)i)) continue;
    for (size_t k = 0; k < nfa; k++)
      if (fa[k].slot == i) {
        put(&o, "+");
        put(&o, slots[i].name);
        put(&o, "|");
        put(&o, fa[k].arg);
        put(&o, " ");
      }
  }
  if (o.oom) {
    free(o.p);
    return NULL;
  }
  o.p[--o.len] = '\0'; /* the last space */
  return o.p;
}
