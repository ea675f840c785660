/* cmd_dump.c - DUMP and RESTORE, with payloads in Redis 7.0's format (rdb.h): the value as an
 * RDB record carries it, the RDB version as 2 bytes, and a CRC64 of all that. */
#include <string.h>

#include "entry.h"
#include "rdb.h"
#include "store.h"
#include "util.h"

void cmd_dump(st_client *c) {
  st_entry *e = lookup_read(c, &c->argv[1]);
  if (e == NULL) return reply_null_bulk(&c->out);
  rdb_out o;
  rdb_out_init(&o, c->st, -1, (int)c->st->cfg.rdbcompression, 1);
  if (rdb_dump_payload(&o, e) != 0) {
    rdb_out_free(&o);
    return reply_oom(c);
  }
  reply_bulk(&c->out, o.buf, o.len);
  rdb_out_free(&o);
}

/* RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]:
 * Redis's checks, in Redis's order. */
void cmd_restore(st_client *c) {
  int replace = 0, absttl = 0;
  long long idle = -1, freq = -1;
  for (int j = 4; j < c->argc; j++) {
    int more = c->argc - j - 1;
    if (arg_is(c, j, "replace")) {
      replace = 1;
    } else if (arg_is(c, j, "absttl")) {
      absttl = 1;
    } else if (arg_is(c, j, "idletime") && more >= 1 && freq == -1) {
      if (arg_ll(c, j + 1, &idle) != 0) return;
      if (idle < 0) return reply_error(&c->out, "ERR Invalid IDLETIME value, must be >= 0");
      j++;
    } else if (arg_is(c, j, "freq") && more >= 1 && idle == -1) {
      if (arg_ll(c, j + 1, &freq) != 0) return;
      if (freq < 0 || freq > 255)
        return reply_error(&c->out, "ERR Invalid FREQ value, must be >= 0 and <= 255");
      j++;
    } else {
      return reply_error(&c->out, "%s", ERR_SYNTAX);
    }
  }
  st_entry *old = lookup_overwrite(c, &c->argv[1]); /* only replaced or deleted below */
  if (!replace && old != NULL)
    return reply_error(&c->out, "BUSYKEY Target key name already exists.");
  long long ttl;
  if (arg_ll(c, 2, &ttl) != 0) return;
  if (ttl < 0) return reply_error(&c->out, "ERR Invalid TTL value, must be >= 0");
  const resp_arg *payload = &c->argv[3];
  if (rdb_verify_payload(payload->ptr, payload->len) != 0)
    return reply_error(&c->out, "ERR DUMP payload version or checksum are wrong");
  rdb_in in;
  rdb_in_init(&in, c->st, payload->ptr, payload->len - 10);
  unsigned type;
  st_entry tmp;
  int r = rdb_get_byte(&in, &type) != 0 || !rdb_type_known((int)type)
              ? -1
              : rdb_get_value(&in, (int)type, &tmp);
  /* A valid payload that does not fit (a tier limit reached) is an OOM, not bad data. */
  int oom = r != 0 && in.err != NULL && strcmp(in.err, "out of memory") == 0;
  rdb_in_free(&in);
  if (r != 0) {
    if (r == 1) obj_free(c->st, &tmp);
    if (oom) return reply_oom(c);
    return reply_error(&c->out, "ERR Bad data format");
  }
  if (ttl && !absttl) ttl += c->st->now_ms;
  if (ttl && ttl <= c->st->now_ms) {
    /* Already expired: the old key goes (REPLACE), nothing is created. */
    obj_free(c->st, &tmp);
    if (replace && old != NULL) db_delete_entry(c, c->db, old);
    reply_simple(&c->out, "OK");
    return;
  }
  /* Build the new key fully before the old one goes, so that an OOM changes nothing. */
  st_entry *e;
  if (old != NULL) {
    e = db_replace_value_ttl(c, c->db, old, entry_type(&tmp), entry_enc(&tmp), tmp.val, tmp.vlen,
                             entry_val_tier(&tmp), ttl ? ttl : DB_TTL_NONE);
    if (e == NULL) {
      obj_free(c->st, &tmp);
      return reply_oom(c);
    }
  } else {
    e = db_add(c, c->db, c->argv[1].ptr, c->argv[1].len, entry_type(&tmp), entry_enc(&tmp), tmp.val,
               tmp.vlen, entry_val_tier(&tmp));
    if (e == NULL) {
      obj_free(c->st, &tmp);
      return reply_oom(c);
    }
    if (ttl && (e = db_set_expire(c, c->db, e, ttl)) == NULL) {
      st_entry *n = (st_entry *)dict_find(&c->db->keys, c->argv[1].ptr, c->argv[1].len);
      db_delete_entry(c, c->db, n);
      return reply_oom(c);
    }
  }
  if (idle >= 0) {
    uint32_t clock = (uint32_t)((c->st->now_ms / 1000 - idle) & 0xffffff);
    e->meta = (clock << 8) | (e->meta & 0xffu);
  }
  reply_simple(&c->out, "OK");
}
