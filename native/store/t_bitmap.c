/* t_bitmap.c - the bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 *
 * Bitmaps are string values (t_string.c): bit 0 is the most significant bit of byte 0. Reads
 * see an int-encoded string as its decimal bytes; writes first make the value an exclusive raw
 * block grown with zeros (str_grow_zero), the one step that can fail, so an OOM changes
 * nothing. Offsets are bounded by proto-max-bulk-len as in Redis, so every command's work is
 * bounded by the size of the strings it touches.
 *
 * Argument checks and lookups come in Redis 7.0.15's order (e.g. BITCOUNT looks the key up
 * before it parses its range, BITPOS after the bit argument). */
#include <limits.h>

#include "store.h"
#include "util.h"

#define ERR_BIT_OFFSET "ERR bit offset is not an integer or out of range"
#define ERR_BIT_VALUE "ERR bit is not an integer or out of range"
#define ERR_BITFIELD_TYPE                                                                         \
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 " \
  "is."

/* ------------------------------------------------------------------------------ bits */

static int bit_at(const unsigned char *p, uint64_t bit) {
  return (p[bit >> 3] >> (7 - (bit & 7))) & 1;
}

static void bit_put(unsigned char *p, uint64_t bit, int on) {
  unsigned char mask = (unsigned char)(1u << (7 - (bit & 7)));
  if (on)
    p[bit >> 3] |= mask;
  else
    p[bit >> 3] &= (unsigned char)~mask;
}

static uint64_t popcount(const unsigned char *p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    count += (uint64_t)__builtin_popcountll(w);
  }
  for (; i < n; i++) count += (uint64_t)__builtin_popcount(p[i]);
  return count;
}

/* Set bits within the bit range [from, to] of p. */
static uint64_t popcount_bits(const unsigned char *p, uint64_t from, uint64_t to) {
  uint64_t fb = from >> 3, tb = to >> 3;
  if (fb == tb) {
    uint64_t n = 0;
    for (uint64_t b = from; b <= to; b++) n += (uint64_t)bit_at(p, b);
    return n;
  }
  unsigned head = p[fb] & (0xffu >> (from & 7));
  unsigned tail = p[tb] & (0xffu << (7 - (to & 7))) & 0xffu;
  return (uint64_t)__builtin_popcount(head) + (uint64_t)__builtin_popcount(tail) +
         popcount(p + fb + 1, (size_t)(tb - fb - 1));
}

/* The first bit equal to `bit` within [from, to], or -1. Whole bytes that cannot match are
 * skipped a byte at a time. */
static int64_t find_bit(const unsigned char *p, uint64_t from, uint64_t to, int bit) {
  unsigned char skip = bit ? 0x00 : 0xff;
  uint64_t b = from;
  while (b <= to) {
    if ((b & 7) == 0 && b + 7 <= to && p[b >> 3] == skip) {
      b += 8;
      continue;
    }
    if (bit_at(p, b) == bit) return (int64_t)b;
    b++;
  }
  return -1;
}

/* The value of the bits [offset, offset + bits) of p, most significant first (bits <= 64). */
static uint64_t field_get(const unsigned char *p, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; i++) v = (v << 1) | (uint64_t)bit_at(p, offset + (uint64_t)i);
  return v;
}

static void field_put(unsigned char *p, uint64_t offset, int bits, uint64_t v) {
  for (int i = 0; i < bits; i++) bit_put(p, offset + (uint64_t)i, (int)((v >> (bits - 1 - i)) & 1));
}

/* The low `bits` bits of v as a signed number (two's complement). */
static int64_t sign_extend(uint64_t v, int bits) {
  if (bits == 64) return (int64_t)v;
  uint64_t high = UINT64_MAX << bits;
  return (int64_t)(((v >> (bits - 1)) & 1) ? v | high : v & ~high);
}

/* ------------------------------------------------------------------------------ arguments */

/* Redis's getBitOffsetFromArgument: a non-negative integer whose byte is below
 * proto-max-bulk-len (and within the store's 32-bit lengths); for BITFIELD (field_bits > 0)
 * "#n" means n * field_bits. */
static int arg_bit_offset(st_client *c, int i, int field_bits, uint64_t *out) {
  const resp_arg *a = &c->argv[i];
  int hash = field_bits > 0 && a->len > 0 && a->ptr[0] == '#';
  long long v;
  if (!string2ll((const char *)a->ptr + hash, a->len - (size_t)hash, &v)) goto bad;
  if (hash) {
    if (v > LLONG_MAX / field_bits || v < LLONG_MIN / field_bits) goto bad;
    v *= field_bits;
  }
  if (v < 0 || (uint64_t)(v >> 3) >= (uint64_t)c->st->cfg.proto_max_bulk_len ||
      (uint64_t)(v >> 3) >= UINT32_MAX)
    goto bad;
  *out = (uint64_t)v;
  return 0;
bad:
  reply_error(&c->out, "%s", ERR_BIT_OFFSET);
  return -1;
}

/* "i1".."i64" or "u1".."u63". Redis reads the width as a C string: it ends at a NUL byte. */
static int arg_field_type(st_client *c, int i, int *sign, int *bits) {
  const resp_arg *a = &c->argv[i];
  long long n;
  if (a->len == 0 || (a->ptr[0] != 'i' && a->ptr[0] != 'u')) goto bad;
  *sign = a->ptr[0] == 'i';
  const char *w = (const char *)a->ptr + 1;
  const char *nul = memchr(w, 0, a->len - 1);
  size_t wlen = nul ? (size_t)(nul - w) : a->len - 1;
  if (!string2ll(w, wlen, &n) || n < 1 || n > (*sign ? 64 : 63)) goto bad;
  *bits = (int)n;
  return 0;
bad:
  reply_error(&c->out, "%s", ERR_BITFIELD_TYPE);
  return -1;
}

/* ------------------------------------------------------------------------------ writes */

/* Redis's lookupStringForBitCommand: the string at argv[1] (created if missing) with room for
 * byte `byte`. NULL after a reply (WRONGTYPE or OOM). *grew tells whether bytes were added. */
static st_entry *string_for_write(st_client *c, uint64_t byte, int *grew) {
  int wrong;
  st_entry *e = lookup_write_typed(c, &c->argv[1], ST_STRING, &wrong);
  if (wrong) return NULL;
  size_t need = (size_t)byte + 1;
  if (e == NULL) {
    str_val v;
    if (str_raw_alloc(c->st, NULL, need, &v) != 0) goto oom;
    memset(v.val, 0, need);
    e = str_set_val(c, NULL, &c->argv[1], &v, 0, -1);
    if (e == NULL) {
      str_val_free(c->st, &v);
      goto oom;
    }
    e->flags |= E_RAWSTR;
    *grew = 1;
    return e;
  }
  size_t old = str_len(e);
  if (str_grow_zero(c, e, need) != 0) goto oom;
  *grew = e->vlen > old;
  return e;
oom:
  reply_oom(c);
  return NULL;
}

void cmd_setbit(st_client *c) {
  uint64_t offset;
  long long on;
  if (arg_bit_offset(c, 2, 0, &offset) != 0) return;
  if (!string2ll((const char *)c->argv[3].ptr, c->argv[3].len, &on) || (on & ~1LL))
    return reply_error(&c->out, "%s", ERR_BIT_VALUE);
  int grew;
  st_entry *e = string_for_write(c, offset >> 3, &grew);
  if (e == NULL) return;
  int old = bit_at(e->val, offset);
  bit_put(e->val, offset, (int)on);
  /* As Redis: a bit set to the value it had, in a string that did not grow, is no change
   * (WATCH stays valid). */
  if (grew || old != on) key_modified(c, c->db, e);
  reply_int(&c->out, old);
}

/* ------------------------------------------------------------------------------ reads */

void cmd_getbit(st_client *c) {
  uint64_t offset;
  if (arg_bit_offset(c, 2, 0, &offset) != 0) return;
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_STRING, MISS_ZERO);
  if (e == NULL) return;
  char buf[STR_INTBUF];
  size_t len;
  const unsigned char *p = str_bytes(e, buf, &len);
  reply_int(&c->out, (offset >> 3) < len ? bit_at(p, offset) : 0);
}

/* A [start, end] range as GETRANGE clamps it, over n units (bytes or bits): 0 if empty. */
static int clamp_range(long long *start, long long *end, long long n) {
  if (*start < 0) *start += n;
  if (*end < 0) *end += n;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= n) *end = n - 1;
  return *start <= *end;
}

/* BIT or BYTE at argument i: 1, 0, or -1 after a syntax error. */
static int arg_unit_is_bit(st_client *c, int i) {
  if (arg_is(c, i, "bit")) return 1;
  if (arg_is(c, i, "byte")) return 0;
  reply_error(&c->out, "%s", ERR_SYNTAX);
  return -1;
}

void cmd_bitcount(st_client *c) {
  st_entry *e = lookup_read_or_reply(c, &c->argv[1], ST_STRING, MISS_ZERO);
  if (e == NULL) return;
  char buf[STR_INTBUF];
  size_t len;
  const unsigned char *p = str_bytes(e, buf, &len);
  long long start = 0, end = (long long)len - 1;
  int isbit = 0;
  if (c->argc == 4 || c->argc == 5) {
    if (arg_ll(c, 2, &start) != 0 || arg_ll(c, 3, &end) != 0) return;
    if (start < 0 && end < 0 && start > end) return reply_int(&c->out, 0);
    if (c->argc == 5 && (isbit = arg_unit_is_bit(c, 4)) < 0) return;
  } else if (c->argc != 2) {
    return reply_error(&c->out, "%s", ERR_SYNTAX);
  }
  long long units = isbit ? (long long)len * 8 : (long long)len;
  if (!clamp_range(&start, &end, units)) return reply_int(&c->out, 0);
  uint64_t n = isbit ? popcount_bits(p, (uint64_t)start, (uint64_t)end)
                     : popcount(p + start, (size_t)(end - start + 1));
  reply_int(&c->out, (long long)n);
}

void cmd_bitpos(st_client *c) {
  long long bit;
  if (arg_ll(c, 2, &bit) != 0) return;
  if (bit != 0 && bit != 1) return reply_error(&c->out, "ERR The bit argument must be 1 or 0.");
  st_entry *e = lookup_read(c, &c->argv[1]);
  /* A missing key is an endless run of zeros. */
  if (e == NULL) return reply_int(&c->out, bit ? -1 : 0);
  if (check_type(c, e, ST_STRING)) return;
  char buf[STR_INTBUF];
  size_t len;
  const unsigned char *p = str_bytes(e, buf, &len);
  long long start = 0, end = (long long)len - 1;
  int isbit = 0, end_given = 0;
  if (c->argc >= 4 && c->argc <= 6) {
    if (arg_ll(c, 3, &start) != 0) return;
    if (c->argc == 6 && (isbit = arg_unit_is_bit(c, 5)) < 0) return;
    if (c->argc >= 5) {
      if (arg_ll(c, 4, &end) != 0) return;
      end_given = 1;
    }
  } else if (c->argc != 3) {
    return reply_error(&c->out, "%s", ERR_SYNTAX);
  }
  long long units = isbit ? (long long)len * 8 : (long long)len;
  if (!clamp_range(&start, &end, units)) return reply_int(&c->out, -1);
  uint64_t from = isbit ? (uint64_t)start : (uint64_t)start * 8;
  uint64_t to = isbit ? (uint64_t)end : (uint64_t)end * 8 + 7;
  int64_t pos = find_bit(p, from, to, (int)bit);
  /* Looking for a clear bit without an explicit end: the string continues with zeros. */
  if (pos < 0 && bit == 0 && !end_given) pos = (int64_t)to + 1;
  reply_int(&c->out, pos);
}

/* ------------------------------------------------------------------------------ BITOP */

enum { OP_AND, OP_OR, OP_XOR, OP_NOT };

typedef struct bitop_src {
  const unsigned char *p;
  size_t len;
  char buf[STR_INTBUF]; /* an int source's decimal bytes */
} bitop_src;

static unsigned char bitop_byte(int op, const bitop_src *src, size_t n, size_t j) {
  unsigned char out = j < src[0].len ? src[0].p[j] : 0;
  if (op == OP_NOT) return (unsigned char)~out;
  for (size_t i = 1; i < n; i++) {
    unsigned char b = j < src[i].len ? src[i].p[j] : 0;
    if (op == OP_AND)
      out &= b;
    else if (op == OP_OR)
      out |= b;
    else
      out ^= b;
  }
  return out;
}

void cmd_bitop(st_client *c) {
  st_store *st = c->st;
  int op;
  if (arg_is(c, 1, "and"))
    op = OP_AND;
  else if (arg_is(c, 1, "or"))
    op = OP_OR;
  else if (arg_is(c, 1, "xor"))
    op = OP_XOR;
  else if (arg_is(c, 1, "not"))
    op = OP_NOT;
  else
    return reply_error(&c->out, "%s", ERR_SYNTAX);
  size_t n = (size_t)c->argc - 3;
  if (op == OP_NOT && n != 1)
    return reply_error(&c->out, "ERR BITOP NOT must be called with a single source key.");
  uint8_t stier;
  size_t ssize = n * sizeof(bitop_src);
  bitop_src *src = coll_tmp_alloc(st, ssize, &stier);
  if (src == NULL) return reply_oom(c);
  size_t maxlen = 0;
  for (size_t i = 0; i < n; i++) {
    st_entry *e = lookup_read(c, &c->argv[3 + i]);
    src[i].p = NULL;
    src[i].len = 0;
    if (e == NULL) continue;
    if (check_type(c, e, ST_STRING)) goto done;
    src[i].p = str_bytes(e, src[i].buf, &src[i].len); /* an int's bytes: in src[i].buf */
    if (src[i].len > maxlen) maxlen = src[i].len;
  }
  const resp_arg *dest = &c->argv[2];
  if (maxlen == 0) {
    st_entry *d = lookup_overwrite(c, dest);
    if (d != NULL) db_delete_entry(c, c->db, d);
    reply_int(&c->out, 0);
    goto done;
  }
  str_val v;
  if (str_raw_alloc(st, NULL, maxlen, &v) != 0) {
    reply_oom(c);
    goto done;
  }
  for (size_t j = 0; j < maxlen; j++) ((unsigned char *)v.val)[j] = bitop_byte(op, src, n, j);
  st_entry *d = str_set_val(c, lookup_overwrite(c, dest), dest, &v, 0, -1);
  if (d == NULL) {
    str_val_free(st, &v);
    reply_oom(c);
    goto done;
  }
  d->flags |= E_RAWSTR;
  reply_int(&c->out, (long long)maxlen);
done:
  coll_tmp_free(st, src, ssize, stier);
}

/* ------------------------------------------------------------------------------ BITFIELD */

enum { BF_WRAP, BF_SAT, BF_FAIL };
enum { BF_GET, BF_SET, BF_INCRBY };

typedef struct bf_op {
  uint64_t offset;
  int64_t value; /* SET's value, INCRBY's increment */
  int opcode, overflow, bits, sign;
} bf_op;

/* The result of writing `value + incr` into a field: the stored bits, and whether it
 * overflowed (SAT clamps, WRAP keeps the low bits, FAIL does not write). */
static int bf_signed(int64_t value, int64_t incr, int bits, int overflow, int64_t *out) {
  __int128 max = bits == 64 ? INT64_MAX : ((__int128)1 << (bits - 1)) - 1;
  __int128 min = -max - 1;
  __int128 r = (__int128)value + incr;
  if (r >= min && r <= max) {
    *out = (int64_t)r;
    return 0;
  }
  if (overflow == BF_SAT)
    *out = (int64_t)(r > max ? max : min);
  else
    *out = sign_extend((uint64_t)value + (uint64_t)incr, bits);
  return 1;
}

static int bf_unsigned(uint64_t value, int64_t incr, int bits, int overflow, uint64_t *out) {
  uint64_t max = ((uint64_t)1 << bits) - 1; /* bits <= 63 */
  __int128 r = (__int128)value + incr;
  if (r >= 0 && r <= (__int128)max) {
    *out = (uint64_t)r;
    return 0;
  }
  if (overflow == BF_SAT)
    *out = r > 0 ? max : 0;
  else
    *out = (value + (uint64_t)incr) & max;
  return 1;
}

/* Parse every subcommand (Redis checks them all before it touches the key) into ops (room for
 * (argc - 2) / 3 + 1). Returns the op count, or -1 after an error reply. */
static long bf_parse(st_client *c, bf_op *ops, uint64_t *highest, int *readonly) {
  long n = 0;
  int overflow = BF_WRAP;
  *readonly = 1;
  *highest = 0;
  for (int j = 2; j < c->argc; j++) {
    int rem = c->argc - j - 1, opcode;
    if (arg_is(c, j, "get") && rem >= 2) {
      opcode = BF_GET;
    } else if (arg_is(c, j, "set") && rem >= 3) {
      opcode = BF_SET;
    } else if (arg_is(c, j, "incrby") && rem >= 3) {
      opcode = BF_INCRBY;
    } else if (arg_is(c, j, "overflow") && rem >= 1) {
      j++;
      if (arg_is(c, j, "wrap"))
        overflow = BF_WRAP;
      else if (arg_is(c, j, "sat"))
        overflow = BF_SAT;
      else if (arg_is(c, j, "fail"))
        overflow = BF_FAIL;
      else {
        reply_error(&c->out, "ERR Invalid OVERFLOW type specified");
        return -1;
      }
      continue;
    } else {
      reply_error(&c->out, "%s", ERR_SYNTAX);
      return -1;
    }
    bf_op *op = &ops[n];
    if (arg_field_type(c, j + 1, &op->sign, &op->bits) != 0) return -1;
    if (arg_bit_offset(c, j + 2, op->bits, &op->offset) != 0) return -1;
    op->value = 0;
    if (opcode != BF_GET) {
      long long v;
      *readonly = 0;
      uint64_t last = op->offset + (uint64_t)op->bits - 1;
      if (last > *highest) *highest = last;
      if (arg_ll(c, j + 3, &v) != 0) return -1;
      op->value = v;
    }
    op->opcode = opcode;
    op->overflow = overflow;
    n++;
    j += opcode == BF_GET ? 2 : 3;
  }
  return n;
}

/* One SET or INCRBY on p (grown to hold it): replies the old value (SET), the new one
 * (INCRBY), or null when FAIL refused it. Returns 1 if it counts as a change as Redis counts
 * it: written, and the string was created or grown (grew) or the field's value differs. */
static int bf_write(st_client *c, unsigned char *p, const bf_op *op, int grew) {
  uint64_t raw = field_get(p, op->offset, op->bits);
  int incr = op->opcode == BF_INCRBY;
  int over;
  uint64_t stored;
  long long reply;
  int same;
  if (op->sign) {
    int64_t old = sign_extend(raw, op->bits), res;
    over = incr ? bf_signed(old, op->value, op->bits, op->overflow, &res)
                : bf_signed(op->value, 0, op->bits, op->overflow, &res);
    stored = (uint64_t)res;
    reply = incr ? res : old;
    same = res == old;
  } else {
    uint64_t res;
    over = incr ? bf_unsigned(raw, op->value, op->bits, op->overflow, &res)
                : bf_unsigned((uint64_t)op->value, 0, op->bits, op->overflow, &res);
    stored = res;
    reply = (long long)(incr ? res : raw);
    same = res == raw;
  }
  if (over && op->overflow == BF_FAIL) {
    reply_null_bulk(&c->out);
    return 0;
  }
  field_put(p, op->offset, op->bits, stored);
  reply_int(&c->out, reply);
  return grew || !same;
}

/* GET reads past the end of the string as zeros. */
static void bf_get(st_client *c, const unsigned char *p, size_t len, const bf_op *op) {
  unsigned char window[9] = { 0 };
  uint64_t byte = op->offset >> 3;
  for (uint64_t i = 0; i < 9 && byte + i < len; i++) window[i] = p[byte + i];
  uint64_t raw = field_get(window, op->offset & 7, op->bits);
  reply_int(&c->out, op->sign ? sign_extend(raw, op->bits) : (long long)raw);
}

static void bitfield_generic(st_client *c, int ro_command) {
  st_store *st = c->st;
  /* Each op takes at least 3 arguments: room for all of them. */
  size_t cap = (size_t)(c->argc - 2) / 3 + 1, size = cap * sizeof(bf_op);
  uint8_t tier;
  bf_op *ops = coll_tmp_alloc(st, size, &tier);
  if (ops == NULL) return reply_oom(c);
  uint64_t highest;
  int readonly, grew = 0;
  long n = bf_parse(c, ops, &highest, &readonly);
  if (n < 0) goto done;
  st_entry *e;
  if (readonly) {
    e = lookup_read(c, &c->argv[1]);
    if (e != NULL && check_type(c, e, ST_STRING)) goto done;
  } else {
    if (ro_command) {
      reply_error(&c->out, "ERR BITFIELD_RO only supports the GET subcommand");
      goto done;
    }
    e = string_for_write(c, highest >> 3, &grew);
    if (e == NULL) goto done;
  }
  reply_array(&c->out, n);
  long changes = 0;
  for (long i = 0; i < n; i++) {
    if (ops[i].opcode != BF_GET) {
      changes += bf_write(c, e->val, &ops[i], grew);
    } else {
      char buf[STR_INTBUF];
      size_t len = 0;
      const unsigned char *p = e != NULL ? str_bytes(e, buf, &len) : NULL;
      bf_get(c, p, len, &ops[i]);
    }
  }
  /* Redis signals (WATCH, the dirty counter) only for changes: a SET of the value the field
   * already holds is none, unless the string was created or grown. */
  if (changes) {
    key_modified(c, c->db, e);
    store_dirty(c, (uint64_t)changes - 1);
  }
done:
  coll_tmp_free(st, ops, size, tier);
}

void cmd_bitfield(st_client *c) { bitfield_generic(c, 0); }
void cmd_bitfield_ro(st_client *c) { bitfield_generic(c, 1); }
