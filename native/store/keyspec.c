/* keyspec.c - the keys of a command line, from its key specs or Redis's getkeys procedures
 * (keyspec.h). The specs are read from command_meta.c's RESP bytes on each call: COMMAND
 * GETKEYS is not on a hot path, and one source of truth beats a second table. */
#include "keyspec.h"

#include <limits.h>
#include <stdlib.h>

#include "command_meta.h"
#include "util.h"

static const char *const flag_names[KS_FLAG_COUNT] = {
  "RO",     "RW",     "OW",      "RM",         "access",        "update",
  "insert", "delete", "not_key", "incomplete", "variable_flags"
};

const char *keyspec_flag_name(int i) { return i >= 0 && i < KS_FLAG_COUNT ? flag_names[i] : ""; }

/* ------------------------------------------------------------------------------ the specs */

enum { BS_INDEX, BS_KEYWORD, BS_UNKNOWN };
enum { FK_RANGE, FK_KEYNUM, FK_UNKNOWN };

typedef struct spec {
  uint32_t flags;
  int bs, fk;
  long index;          /* BS_INDEX */
  const char *keyword; /* BS_KEYWORD: not NUL-terminated */
  size_t keyword_len;
  long startfrom;               /* BS_KEYWORD */
  long lastkey, keystep, limit; /* FK_RANGE (keystep also FK_KEYNUM) */
  long keynumidx, firstkey;     /* FK_KEYNUM */
} spec;

#define MAX_SPECS 8

/* A reader over generated RESP2 bytes; any surprise sets bad and stops the parse. */
typedef struct rd {
  const char *p;
  int bad;
} rd;

static long rd_header(rd *r, char type) {
  if (r->bad || *r->p != type) {
    r->bad = 1;
    return 0;
  }
  char *end;
  long n = strtol(r->p + 1, &end, 10);
  if (end[0] != '\r' || end[1] != '\n') {
    r->bad = 1;
    return 0;
  }
  r->p = end + 2;
  return n;
}

static const char *rd_bulk(rd *r, size_t *len) {
  long n = rd_header(r, '$');
  if (r->bad || n < 0) {
    r->bad = 1;
    return "";
  }
  const char *s = r->p;
  *len = (size_t)n;
  r->p += n + 2;
  return s;
}

static int rd_is(rd *r, const char *word) {
  size_t len;
  const char *s = rd_bulk(r, &len);
  return !r->bad && len == strlen(word) && memcmp(s, word, len) == 0;
}

static void rd_skip(rd *r) {
  if (r->bad) return;
  switch (*r->p) {
    case '$': {
      size_t len;
      rd_bulk(r, &len);
      return;
    }
    case '*': {
      long n = rd_header(r, '*');
      for (long i = 0; i < n && !r->bad; i++) rd_skip(r);
      return;
    }
    case '+':
    case ':': {
      const char *e = strstr(r->p, "\r\n");
      if (e == NULL)
        r->bad = 1;
      else
        r->p = e + 2;
      return;
    }
    default: r->bad = 1;
  }
}

static uint32_t rd_flags(rd *r) {
  uint32_t flags = 0;
  long n = rd_header(r, '*');
  for (long i = 0; i < n && !r->bad; i++) {
    if (*r->p != '+') {
      r->bad = 1;
      break;
    }
    const char *s = r->p + 1, *e = strstr(s, "\r\n");
    if (e == NULL) {
      r->bad = 1;
      break;
    }
    int found = 0;
    for (int f = 0; f < KS_FLAG_COUNT; f++)
      if ((size_t)(e - s) == strlen(flag_names[f]) &&
          memcmp(s, flag_names[f], (size_t)(e - s)) == 0) {
        flags |= 1u << f;
        found = 1;
      }
    if (!found) r->bad = 1;
    r->p = e + 2;
  }
  return flags;
}

/* The "spec" map of a begin_search or find_keys: integer fields by name, the keyword as bytes. */
static void rd_fields(rd *r, spec *s) {
  long n = rd_header(r, '*');
  for (long i = 0; i < n && !r->bad; i += 2) {
    size_t len;
    const char *name = rd_bulk(r, &len);
    if (r->bad) return;
    if (len == 7 && memcmp(name, "keyword", 7) == 0) {
      s->keyword = rd_bulk(r, &s->keyword_len);
      continue;
    }
    long v = rd_header(r, ':');
#define FIELD(f)                                       \
  if (len == strlen(#f) && memcmp(name, #f, len) == 0) \
    s->f = v;                                          \
  else
    FIELD(index)
    FIELD(startfrom)
    FIELD(lastkey) FIELD(keystep) FIELD(limit) FIELD(keynumidx) FIELD(firstkey) r->bad = 1;
#undef FIELD
  }
}

/* ["type", name, "spec", fields]; returns the index of name in types (or -1 on a bad parse). */
static int rd_typed(rd *r, spec *s, const char *const types[3]) {
  if (rd_header(r, '*') != 4 || !rd_is(r, "type")) {
    r->bad = 1;
    return -1;
  }
  size_t len;
  const char *t = rd_bulk(r, &len);
  int kind = -1;
  for (int i = 0; i < 3; i++)
    if (!r->bad && len == strlen(types[i]) && memcmp(t, types[i], len) == 0) kind = i;
  if (kind < 0 || !rd_is(r, "spec")) {
    r->bad = 1;
    return -1;
  }
  rd_fields(r, s);
  return kind;
}

static int name_is(const char *s, size_t len, const char *word) {
  return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* The command's specs into out[]; their number, or -1 if the bytes do not parse (a generator
 * change: keyspec_test checks every command's). */
static int load_specs(const char *name, spec out[MAX_SPECS]) {
  static const char *const bs_types[3] = { "index", "keyword", "unknown" };
  static const char *const fk_types[3] = { "range", "keynum", "unknown" };
  const st_cmd_meta *meta = cmd_meta_find(name);
  if (meta == NULL) return 0;
  rd r = { meta->specs, 0 };
  long n = rd_header(&r, '*');
  if (n < 0 || n > MAX_SPECS) return -1;
  for (long j = 0; j < n && !r.bad; j++) {
    spec *s = &out[j];
    memset(s, 0, sizeof *s);
    s->bs = s->fk = -1;
    long fields = rd_header(&r, '*');
    for (long i = 0; i < fields && !r.bad; i += 2) {
      size_t len;
      const char *name = rd_bulk(&r, &len);
      if (r.bad) break;
      if (name_is(name, len, "flags"))
        s->flags = rd_flags(&r);
      else if (name_is(name, len, "begin_search"))
        s->bs = rd_typed(&r, s, bs_types);
      else if (name_is(name, len, "find_keys"))
        s->fk = rd_typed(&r, s, fk_types);
      else
        rd_skip(&r); /* notes */
    }
    if (s->bs < 0 || s->fk < 0) r.bad = 1;
  }
  return r.bad ? -1 : (int)n;
}

/* ------------------------------------------------------------------------------ arguments */

/* An argument as the C string Redis's strcasecmp sees (up to an embedded NUL) equals word. */
static int cstr_is(const resp_arg *a, const char *word) {
  size_t n = strlen(word), len = a->len;
  const unsigned char *nul = memchr(a->ptr, 0, len);
  if (nul != NULL) len = (size_t)(nul - a->ptr);
  if (len != n) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = a->ptr[i];
    if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
    if (ch != (unsigned char)word[i]) return 0;
  }
  return 1;
}

/* atoi() as glibc computes it (int)strtol(s, NULL, 10): blanks, a sign, digits up to the first
 * other byte, LONG_MAX/LONG_MIN on overflow, then the conversion to int keeps the low 32 bits. */
static int c_atoi(const resp_arg *a) {
  size_t i = 0, n = a->len;
  while (i < n && (a->ptr[i] == ' ' || (a->ptr[i] >= '\t' && a->ptr[i] <= '\r'))) i++;
  int neg = 0;
  if (i < n && (a->ptr[i] == '+' || a->ptr[i] == '-')) neg = a->ptr[i++] == '-';
  unsigned long long v = 0;
  int over = 0;
  for (; i < n && a->ptr[i] >= '0' && a->ptr[i] <= '9'; i++) {
    unsigned d = (unsigned)(a->ptr[i] - '0');
    if (v > (ULLONG_MAX - d) / 10)
      over = 1;
    else
      v = v * 10 + d;
  }
  long l;
  if (!neg)
    l = (over || v > (unsigned long long)LONG_MAX) ? LONG_MAX : (long)v;
  else
    l = (over || v > (unsigned long long)LONG_MAX + 1) ? LONG_MIN : (long)(0 - v);
  return (int)(uint32_t)(unsigned long)l;
}

/* int arithmetic that wraps, as Redis's `int` positions do when numkeys is absurd. */
static int wrap_int(long long v) { return (int)(uint32_t)(unsigned long long)v; }

static void visit_key(keyspec_visit_fn *visit, void *ctx, int pos, uint32_t flags) {
  if (visit != NULL) visit(ctx, pos, flags);
}

/* ------------------------------------------------------------------------------ from the specs */

/* getKeysUsingKeySpecs: the keys, or -1 when a spec cannot say (unknown, INCOMPLETE, a keynum
 * that does not parse, positions outside the arguments). NOT_KEY specs are skipped. */
static long keys_from_specs(const spec *specs, int nspecs, const resp_arg *argv, int argc,
                            keyspec_visit_fn *visit, void *ctx) {
  long found = 0;
  for (int j = 0; j < nspecs; j++) {
    const spec *s = &specs[j];
    if (s->flags & KS_NOT_KEY) continue;
    int first = 0, last, step;
    if (s->bs == BS_INDEX) {
      first = (int)s->index;
    } else if (s->bs == BS_KEYWORD) {
      int start = s->startfrom > 0 ? (int)s->startfrom : argc + (int)s->startfrom;
      int end = s->startfrom > 0 ? argc - 1 : 1;
      for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        const resp_arg *a = &argv[i];
        /* strcasecmp(argv[i], keyword): up to an embedded NUL */
        char kw[64];
        if (s->keyword_len >= sizeof kw) return -1;
        memcpy(kw, s->keyword, s->keyword_len);
        kw[s->keyword_len] = '\0';
        for (char *k = kw; *k; k++)
          if (*k >= 'A' && *k <= 'Z') *k = (char)(*k + 32);
        if (cstr_is(a, kw)) {
          first = i + 1;
          break;
        }
      }
      if (first == 0) continue; /* keyword absent: no keys from this spec */
    } else {
      return -1;
    }
    if (s->fk == FK_RANGE) {
      step = (int)s->keystep;
      if (s->lastkey >= 0)
        last = first + (int)s->lastkey;
      else if (s->limit == 0)
        last = argc + (int)s->lastkey;
      else
        last = first + ((argc - first) / (int)s->limit + (int)s->lastkey);
    } else if (s->fk == FK_KEYNUM) {
      step = (int)s->keystep;
      long long numkeys;
      if (s->keynumidx >= argc || first + s->keynumidx >= argc) return -1;
      const resp_arg *a = &argv[first + s->keynumidx];
      if (!string2ll((const char *)a->ptr, a->len, &numkeys) || numkeys < 0) return -1;
      first += (int)s->firstkey;
      last = wrap_int((long long)first + wrap_int(numkeys) - 1);
    } else {
      return -1;
    }
    if (last >= argc || last < first || first >= argc || step < 1) return -1;
    for (int i = first; i <= last; i += step) {
      visit_key(visit, ctx, i, s->flags);
      found++;
    }
    if (s->flags & KS_INCOMPLETE) return -1;
  }
  return found;
}

/* ------------------------------------------------------------------------------ procedures */

typedef enum { P_NONE, P_NUMKEYS, P_SORT, P_SORT_RO, P_SET, P_BITFIELD } proc_kind;

typedef struct proc {
  const char *name;
  proc_kind kind;
  int store, count, first; /* P_NUMKEYS: genericGetKeys's offsets (store 0: none) */
} proc;

static const proc procs[] = {
  { "sort", P_SORT, 0, 0, 0 },
  { "sort_ro", P_SORT_RO, 0, 0, 0 },
  { "set", P_SET, 0, 0, 0 },
  { "bitfield", P_BITFIELD, 0, 0, 0 },
  { "zunion", P_NUMKEYS, 0, 1, 2 },
  { "zinter", P_NUMKEYS, 0, 1, 2 },
  { "zdiff", P_NUMKEYS, 0, 1, 2 },
  { "zunionstore", P_NUMKEYS, 1, 2, 3 },
  { "zinterstore", P_NUMKEYS, 1, 2, 3 },
  { "zdiffstore", P_NUMKEYS, 1, 2, 3 },
  { "zintercard", P_NUMKEYS, 0, 1, 2 },
  { "sintercard", P_NUMKEYS, 0, 1, 2 },
  { "lmpop", P_NUMKEYS, 0, 1, 2 },
  { "zmpop", P_NUMKEYS, 0, 1, 2 },
  { "blmpop", P_NUMKEYS, 0, 2, 3 },
  { "bzmpop", P_NUMKEYS, 0, 2, 3 },
};

static const proc *find_proc(const char *name) {
  for (size_t i = 0; i < sizeof procs / sizeof *procs; i++)
    if (strcmp(procs[i].name, name) == 0) return &procs[i];
  return NULL;
}

/* genericGetKeys: numkeys by atoi; the keys, then the destination; flags 0 (Redis's
 * procedures for fully specified commands do not set them). */
static long proc_numkeys(const proc *p, const resp_arg *argv, int argc, keyspec_visit_fn *visit,
                         void *ctx) {
  int num = c_atoi(&argv[p->count]);
  if (num < 1 || num > argc - p->first) return 0;
  for (int i = 0; i < num; i++) visit_key(visit, ctx, p->first + i, 0);
  if (p->store) visit_key(visit, ctx, p->store, 0);
  return p->store ? num + 1 : num;
}

/* sortGetKeys: the sorted key, and the last STORE's key; LIMIT takes two arguments, GET and BY
 * one, anything else none. */
static long proc_sort(const resp_arg *argv, int argc, keyspec_visit_fn *visit, void *ctx) {
  int store = 0;
  for (int i = 2; i < argc; i++) {
    if (cstr_is(&argv[i], "limit"))
      i += 2;
    else if (cstr_is(&argv[i], "store") && i + 1 < argc)
      store = i + 1;
    else if (cstr_is(&argv[i], "get") || cstr_is(&argv[i], "by"))
      i += 1;
  }
  visit_key(visit, ctx, 1, KS_RO | KS_ACCESS);
  if (store) visit_key(visit, ctx, store, KS_OW | KS_UPDATE);
  return store ? 2 : 1;
}

/* setGetKeys: a GET option (from the fourth argument on) makes the key read as well. */
static long proc_set(const resp_arg *argv, int argc, keyspec_visit_fn *visit, void *ctx) {
  uint32_t flags = KS_OW | KS_UPDATE;
  for (int i = 3; i < argc; i++) {
    const resp_arg *a = &argv[i];
    /* Redis tests the bytes "get" then a NUL: the end of the argument, or an embedded one. */
    if (a->len >= 3 && (a->ptr[0] | 32) == 'g' && (a->ptr[1] | 32) == 'e' &&
        (a->ptr[2] | 32) == 't' && (a->len == 3 || a->ptr[3] == 0)) {
      flags = KS_RW | KS_ACCESS | KS_UPDATE;
      break;
    }
  }
  visit_key(visit, ctx, 1, flags);
  return 1;
}

/* bitfieldGetKeys: read-only while every operation is a complete GET or OVERFLOW. */
static long proc_bitfield(const resp_arg *argv, int argc, keyspec_visit_fn *visit, void *ctx) {
  int readonly = 1;
  for (int i = 2; i < argc; i++) {
    int remargs = argc - i - 1;
    if (cstr_is(&argv[i], "get") && remargs >= 2) {
      i += 2;
    } else if ((cstr_is(&argv[i], "set") || cstr_is(&argv[i], "incrby")) && remargs >= 3) {
      readonly = 0;
      break;
    } else if (cstr_is(&argv[i], "overflow") && remargs >= 1) {
      i += 1;
    } else {
      readonly = 0;
      break;
    }
  }
  visit_key(visit, ctx, 1, readonly ? KS_RO | KS_ACCESS : KS_RW | KS_ACCESS | KS_UPDATE);
  return 1;
}

static long keys_from_proc(const proc *p, const resp_arg *argv, int argc, keyspec_visit_fn *visit,
                           void *ctx) {
  switch (p->kind) {
    case P_NUMKEYS: return proc_numkeys(p, argv, argc, visit, ctx);
    case P_SORT: return proc_sort(argv, argc, visit, ctx);
    case P_SORT_RO: visit_key(visit, ctx, 1, KS_RO | KS_ACCESS); return 1;
    case P_SET: return proc_set(argv, argc, visit, ctx);
    case P_BITFIELD: return proc_bitfield(argv, argc, visit, ctx);
    case P_NONE: break;
  }
  return 0;
}

/* ------------------------------------------------------------------------------ the API */

int keyspec_valid(const char *name) {
  spec specs[MAX_SPECS];
  return load_specs(name, specs) >= 0;
}

int keyspec_has_keys(const char *name) {
  if (find_proc(name) != NULL) return 1;
  spec specs[MAX_SPECS];
  int n = load_specs(name, specs);
  for (int j = 0; j < n; j++)
    if (!(specs[j].flags & KS_NOT_KEY)) return 1;
  return 0;
}

long keyspec_keys(const char *name, const resp_arg *argv, int argc, keyspec_visit_fn *visit,
                  void *ctx) {
  spec specs[MAX_SPECS];
  int n = load_specs(name, specs);
  int has_keyspec = 0, has_varflags = 0;
  for (int j = 0; j < n; j++) {
    if (!(specs[j].flags & KS_NOT_KEY)) has_keyspec = 1;
    if (specs[j].flags & KS_VARIABLE_FLAGS) has_varflags = 1;
  }
  /* Redis prefers the specs when their flags are reliable; a spec that cannot say falls back
   * to the procedure. The dry run first, so that nothing is visited from a failed walk. */
  if (has_keyspec && !has_varflags) {
    long found = keys_from_specs(specs, n, argv, argc, NULL, NULL);
    if (found >= 0) {
      if (visit != NULL) keys_from_specs(specs, n, argv, argc, visit, ctx);
      return found;
    }
  }
  const proc *p = find_proc(name);
  return p != NULL ? keys_from_proc(p, argv, argc, visit, ctx) : 0;
}
