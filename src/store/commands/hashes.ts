// Hash commands. Field names are Map keys in DRAM (like the keyspace's keys); field values are
// tiermem allocations routed by size, as string values are.

import { HASH } from '../data/types.js';
import type { Entry } from '../keyspace.js';
import { addInt64, parseInt64, type Int64 } from '../numbers.js';
import type { ValueRef } from '../values.js';
import type { Ctx } from './context.js';
import { HASH_NOT_INTEGER, OVERFLOW, WRONGTYPE, wrongArity } from './errors.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

/** The hash at key for writing: undefined if absent (the caller creates it), null after WRONGTYPE. */
function hashForWrite(c: Ctx, key: string): Entry | undefined | null {
  const e = c.ks.get(key);
  if (e !== undefined && e.type !== HASH) {
    c.out.error(WRONGTYPE);
    return null;
  }
  return e;
}

/** The hash at key for reading: undefined if absent, null after a WRONGTYPE reply. */
function hashForRead(c: Ctx, key: string): Entry | undefined | null {
  const e = c.ks.read(key);
  if (e !== undefined && e.type !== HASH) {
    c.out.error(WRONGTYPE);
    return null;
  }
  return e;
}

/** Set field to `ref`, a value allocated for it; true if the field is new. */
function setField(c: Ctx, e: Entry, field: string, ref: ValueRef): boolean {
  const map = e.hash;
  const old = map.get(field);
  let delta = c.values.usable(ref);
  if (old !== undefined) delta -= c.values.release(old, HASH);
  map.set(field, ref);
  c.ks.grew(e, delta, old === undefined ? field.length : 0);
  return old === undefined;
}

function hsetGeneric(c: Ctx, name: string): number {
  const a = c.args;
  if (a.argc % 2 === 1) {
    c.out.error(wrongArity(name));
    return -1;
  }
  const key = a.str(1);
  const cur = hashForWrite(c, key);
  if (cur === null) return -1;
  // All values are allocated before anything changes: if one allocation fails (a full tier under
  // the strict policy), the ones made so far are freed and the OOM error leaves the keyspace as
  // it was, with no empty hash created.
  const refs = c.values.makeAll(a, HASH, 3, 2);
  const e = cur ?? c.ks.create(key, HASH);
  let added = 0;
  for (let i = 2, j = 0; i < a.argc; i += 2, j++) if (setField(c, e, a.str(i), refs[j]!)) added++;
  return added;
}

function hset(c: Ctx): void {
  const n = hsetGeneric(c, 'hset');
  if (n >= 0) c.out.int(n);
}

function hmset(c: Ctx): void {
  if (hsetGeneric(c, 'hmset') >= 0) c.out.ok();
}

function replyRef(c: Ctx, ref: ValueRef | undefined): void {
  if (ref === undefined) c.out.nullBulk();
  else c.out.bulkFromAlloc(c.alloc, ref.h, ref.len);
}

function hget(c: Ctx): void {
  const e = hashForRead(c, c.args.str(1));
  if (e === null) return;
  replyRef(c, e?.hash.get(c.args.str(2)));
}

function hmget(c: Ctx): void {
  const a = c.args;
  const e = hashForRead(c, a.str(1));
  if (e === null) return;
  c.out.arrayHeader(a.argc - 2);
  for (let i = 2; i < a.argc; i++) replyRef(c, e?.hash.get(a.str(i)));
}

function hdel(c: Ctx): void {
  const a = c.args;
  const e = c.ks.get(a.str(1));
  if (e === undefined) return c.out.int(0);
  if (e.type !== HASH) return c.out.error(WRONGTYPE);
  const map = e.hash;
  let n = 0;
  for (let i = 2; i < a.argc; i++) {
    const f = a.str(i);
    const ref = map.get(f);
    if (ref === undefined) continue;
    const freed = c.values.release(ref, HASH);
    map.delete(f);
    c.ks.grew(e, -freed, -f.length);
    n++;
  }
  if (map.size === 0) c.ks.remove(e);
  c.out.int(n);
}

function hgetall(c: Ctx): void {
  const e = hashForRead(c, c.args.str(1));
  if (e === null) return;
  if (e === undefined) return c.out.arrayHeader(0);
  const map = e.hash;
  c.out.arrayHeader(map.size * 2);
  for (const [f, ref] of map) {
    c.out.bulkLatin1(f);
    c.out.bulkFromAlloc(c.alloc, ref.h, ref.len);
  }
}

function hlen(c: Ctx): void {
  const e = hashForRead(c, c.args.str(1));
  if (e !== null) c.out.int(e === undefined ? 0 : e.hash.size);
}

function hexists(c: Ctx): void {
  const e = hashForRead(c, c.args.str(1));
  if (e !== null) c.out.int(e !== undefined && e.hash.has(c.args.str(2)) ? 1 : 0);
}

const intBuf = Buffer.allocUnsafe(24);

function hincrby(c: Ctx): void {
  const a = c.args;
  const incr = c.int64(3);
  if (incr === null) return;
  const key = a.str(1);
  const cur0 = c.ks.get(key);
  if (cur0 !== undefined && cur0.type !== HASH) return c.out.error(WRONGTYPE);
  const field = a.str(2);
  const ref = cur0?.hash.get(field);
  let cur: Int64 = 0;
  if (ref !== undefined) {
    const v = ref.len > 0 && ref.len <= 20 ? (c.alloc.readInto(ref.h, intBuf, 0, ref.len), parseInt64(intBuf, 0, ref.len)) : null;
    if (v === null) return c.out.error(HASH_NOT_INTEGER);
    cur = v;
  }
  const r = addInt64(cur, incr);
  if (r === null) return c.out.error(OVERFLOW);
  const n = intBuf.write(String(r), 0, 'latin1');
  const made = c.values.make(HASH, intBuf.subarray(0, n)); // before the key exists: see hsetGeneric
  setField(c, cur0 ?? c.ks.create(key, HASH), field, made);
  c.out.int(r);
}

export const hashCommands: CommandSpec[] = [
  command('hset', -4, 'write denyoom fast', ONE_KEY, hset),
  command('hmset', -4, 'write denyoom fast', ONE_KEY, hmset),
  command('hget', 3, 'readonly fast', ONE_KEY, hget),
  command('hmget', -3, 'readonly fast', ONE_KEY, hmget),
  command('hdel', -3, 'write fast', ONE_KEY, hdel),
  command('hgetall', 2, 'readonly', ONE_KEY, hgetall),
  command('hlen', 2, 'readonly fast', ONE_KEY, hlen),
  command('hexists', 3, 'readonly fast', ONE_KEY, hexists),
  command('hincrby', 4, 'write denyoom fast', ONE_KEY, hincrby),
];
