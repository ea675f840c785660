// String commands. A string value is one tiermem allocation of exactly its length (nothing for
// the empty string), routed by size: small values stay in DRAM, large ones go to PMem.

import { Buffer } from 'node:buffer';
import { STRING } from '../data/types.js';
import type { Entry } from '../keyspace.js';
import { addInt64, INT64_MIN, normalize, parseInt64, type Int64 } from '../numbers.js';
import { NO_HANDLE, usableOf, ValueRef, type ValueSlot } from '../values.js';
import type { Ctx } from './context.js';
import { invalidExpire, NOT_INTEGER, OVERFLOW, STRING_TOO_BIG, SYNTAX, WRONGTYPE } from './errors.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

/** A new value is allocated here first, so a failed allocation leaves the key untouched. */
const scratch = new ValueRef(NO_HANDLE, 0, 0);
const intBuf = Buffer.allocUnsafe(24);

/** Store args[valueArg] as the string value of key (whatever `e`, its current entry, holds). */
export function setString(c: Ctx, key: string, e: Entry | undefined, valueArg: number, keepTtl: boolean): Entry {
  return setBytes(c, key, e, c.args.bytes(valueArg), keepTtl);
}

export function setBytes(c: Ctx, key: string, e: Entry | undefined, data: Uint8Array, keepTtl: boolean): Entry {
  const ks = c.ks;
  if (e !== undefined && e.type === STRING && e.h !== NO_HANDLE && overwriteInPlace(c, e, data.length)) {
    c.alloc.write(e.h, data, 0);
    e.len = data.length;
    if (!keepTtl && e.expSlot >= 0) ks.persist(e);
    return e;
  }
  c.values.fill(scratch, STRING, data);
  return adopt(c, key, e, scratch, keepTtl);
}

/** Make `slot`'s fresh allocation the string value of key, freeing what `e` held; empties slot. */
function adopt(c: Ctx, key: string, e: Entry | undefined, slot: ValueSlot, keepTtl: boolean): Entry {
  const ks = c.ks;
  if (e !== undefined && e.type === STRING) {
    c.values.release(e, STRING);
    if (!keepTtl && e.expSlot >= 0) ks.persist(e);
  } else {
    let at = 0;
    if (e !== undefined) {
      at = keepTtl ? e.expireAt : 0;
      ks.remove(e);
    }
    e = ks.create(key, STRING);
    if (at !== 0) ks.setExpire(e, at);
  }
  e.h = slot.h;
  e.len = slot.len;
  e.meta = slot.meta;
  e.bytes = usableOf(slot);
  slot.h = NO_HANDLE;
  return e;
}

/**
 * An overwrite reuses the old block when the new value fits its usable size without wasting more
 * than half of it, and the block's tier is still acceptable for the new size:
 * - under a static threshold (no controller, or CONFIG SET pmem-threshold), when routing would
 *   put the new size on that tier: the result is what free + zmalloc would give (same tier, same
 *   size class), for one native call instead of four;
 * - while the ratio controller steers, the threshold is a control signal that moves with every
 *   adjustment (and flips around a size that dominates the data), so a block stays unless the
 *   threshold has moved decisively past the value: a DRAM block while len < 2 * threshold, a PMem
 *   block while len >= threshold / 2. Re-allocating on every flip would cost four native calls
 *   per overwrite and churn both tiers without changing the share; the controller steers through
 *   new placements, and a decisive move (such as threshold 0) still re-routes overwritten values.
 */
function overwriteInPlace(c: Ctx, e: Entry, len: number): boolean {
  const usable = Math.floor(e.meta / 2);
  if (len > usable || len * 2 <= usable) return false;
  const t = c.alloc.threshold;
  const dram = (e.meta & 1) === 0;
  const eng = c.engine;
  if (eng.controller === null || eng.staticThreshold) return (len < t) === dram;
  return dram ? len < t * 2 : len * 2 >= t;
}

function get(c: Ctx): void {
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) c.out.nullBulk();
  else if (e.type !== STRING) c.out.error(WRONGTYPE);
  else c.out.bulkFromAlloc(c.alloc, e.h, e.len);
}

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const EX = 16;
const PX = 32;
const EXAT = 64;
const PXAT = 128;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;
const MAX_MS = 9223372036854775807; // approximate LLONG_MAX: the limit checks only need magnitude

/** Milliseconds since the epoch for an EX/PX/EXAT/PXAT argument, or -1 after an error reply. */
export function expireAt(c: Ctx, arg: number, unit: number, name: string): number {
  const v = c.int(arg);
  if (v === null) return -1;
  if (v <= 0 || ((unit === EX || unit === EXAT) && v > MAX_MS / 1000)) {
    c.out.error(invalidExpire(name));
    return -1;
  }
  let ms = unit === EX || unit === EXAT ? v * 1000 : v;
  if (unit === EX || unit === PX) {
    const now = Date.now();
    if (ms > MAX_MS - now) {
      c.out.error(invalidExpire(name));
      return -1;
    }
    ms += now;
  }
  return ms;
}

function set(c: Ctx): void {
  const a = c.args;
  let flags = 0;
  let expArg = -1;
  for (let j = 3; j < a.argc; j++) {
    const hasNext = j + 1 < a.argc;
    if (a.is(j, 'nx') && !(flags & XX)) flags |= NX;
    else if (a.is(j, 'xx') && !(flags & NX)) flags |= XX;
    else if (a.is(j, 'get')) flags |= GET;
    else if (a.is(j, 'keepttl') && !(flags & ANY_EXPIRE)) flags |= KEEPTTL;
    else if (hasNext && !(flags & (KEEPTTL | ANY_EXPIRE)) && a.len(j) <= 4) {
      const unit = a.is(j, 'ex') ? EX : a.is(j, 'px') ? PX : a.is(j, 'exat') ? EXAT : a.is(j, 'pxat') ? PXAT : 0;
      if (unit === 0) return c.out.error(SYNTAX);
      flags |= unit;
      expArg = ++j;
    } else {
      return c.out.error(SYNTAX);
    }
  }
  let at = 0;
  if (expArg > 0) {
    at = expireAt(c, expArg, flags & ANY_EXPIRE, 'set');
    if (at < 0) return;
  }
  const key = a.str(1);
  const e = c.ks.get(key);
  if (flags & GET && e !== undefined && e.type !== STRING) return c.out.error(WRONGTYPE);
  if ((flags & NX && e !== undefined) || (flags & XX && e === undefined)) {
    if (flags & GET) replyString(c, e);
    else c.out.nullBulk();
    return;
  }
  if (flags & GET) replyString(c, e);
  const n = setBytes(c, key, e, a.bytes(2), (flags & KEEPTTL) !== 0);
  if (at !== 0) c.ks.setExpire(n, at);
  if (!(flags & GET)) c.out.ok();
}

function replyString(c: Ctx, e: Entry | undefined): void {
  if (e === undefined) c.out.nullBulk();
  else c.out.bulkFromAlloc(c.alloc, e.h, e.len);
}

function mget(c: Ctx): void {
  const a = c.args;
  c.out.arrayHeader(a.argc - 1);
  for (let i = 1; i < a.argc; i++) {
    const e = c.ks.read(a.str(i));
    if (e === undefined || e.type !== STRING) c.out.nullBulk();
    else c.out.bulkFromAlloc(c.alloc, e.h, e.len);
  }
}

function mset(c: Ctx): void {
  const a = c.args;
  if (a.argc % 2 === 0) return c.out.error("ERR wrong number of arguments for 'mset' command");
  // All values first, so that a failed allocation changes no key (Redis rejects the whole MSET).
  const refs = c.values.makeAll(a, STRING, 2, 2);
  for (let i = 1, j = 0; i < a.argc; i += 2, j++) {
    const key = a.str(i);
    adopt(c, key, c.ks.get(key), refs[j]!, false);
  }
  c.out.ok();
}

function setnx(c: Ctx): void {
  const key = c.args.str(1);
  if (c.ks.get(key) !== undefined) return c.out.int(0);
  setString(c, key, undefined, 2, false);
  c.out.int(1);
}

function getset(c: Ctx): void {
  const key = c.args.str(1);
  const e = c.ks.get(key);
  if (e !== undefined && e.type !== STRING) return c.out.error(WRONGTYPE);
  replyString(c, e);
  setString(c, key, e, 2, false);
}

function append(c: Ctx): void {
  const a = c.args;
  const key = a.str(1);
  const e = c.ks.get(key);
  if (e === undefined) {
    const n = setString(c, key, undefined, 2, false);
    return c.out.int(n.len);
  }
  if (e.type !== STRING) return c.out.error(WRONGTYPE);
  const add = a.len(2);
  const total = e.len + add;
  if (total > c.engine.limits.maxBulkLen) return c.out.error(STRING_TOO_BIG);
  if (add > 0) {
    const old = e.len;
    e.bytes += c.values.resize(e, STRING, total);
    c.alloc.write(e.h, a.bytes(2), old);
  }
  c.out.int(e.len);
}

function strlen(c: Ctx): void {
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) c.out.int(0);
  else if (e.type !== STRING) c.out.error(WRONGTYPE);
  else c.out.int(e.len);
}

/** The integer held by a string entry, or null if it is not one. */
function entryInt(c: Ctx, e: Entry): Int64 | null {
  if (e.len === 0 || e.len > 20) return null;
  c.alloc.readInto(e.h, intBuf, 0, e.len);
  return parseInt64(intBuf, 0, e.len);
}

function incrBy(c: Ctx, delta: Int64): void {
  const key = c.args.str(1);
  const e = c.ks.get(key);
  let cur: Int64 = 0;
  if (e !== undefined) {
    if (e.type !== STRING) return c.out.error(WRONGTYPE);
    const v = entryInt(c, e);
    if (v === null) return c.out.error(NOT_INTEGER);
    cur = v;
  }
  const r = addInt64(cur, delta);
  if (r === null) return c.out.error(OVERFLOW);
  const text = String(r);
  const n = intBuf.write(text, 0, 'latin1');
  if (e === undefined) {
    setBytes(c, key, undefined, intBuf.subarray(0, n), false);
  } else {
    // Same key, same TTL: resize in place (tiermem re-routes only if the threshold is crossed).
    e.bytes += c.values.resize(e, STRING, n);
    c.alloc.write(e.h, intBuf.subarray(0, n), 0);
  }
  c.out.int(r);
}

function incr(c: Ctx): void {
  incrBy(c, 1);
}

function decr(c: Ctx): void {
  incrBy(c, -1);
}

function incrby(c: Ctx): void {
  const d = c.int64(2);
  if (d !== null) incrBy(c, d);
}

function decrby(c: Ctx): void {
  const d = c.int64(2);
  if (d === null) return;
  if (d === INT64_MIN) return c.out.error('ERR decrement would overflow');
  incrBy(c, typeof d === 'number' ? -d : normalize(-d));
}

function getrange(c: Ctx): void {
  const a = c.args;
  let start = c.int(2);
  if (start === null) return;
  let end = c.int(3);
  if (end === null) return;
  const e = c.ks.read(a.str(1));
  if (e === undefined) return c.out.bulk(EMPTY);
  if (e.type !== STRING) return c.out.error(WRONGTYPE);
  const len = e.len;
  if (start < 0 && end < 0 && start > end) return c.out.bulk(EMPTY);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return c.out.bulk(EMPTY);
  c.out.bulkFromAlloc(c.alloc, e.h, end - start + 1, start);
}

function setrange(c: Ctx): void {
  const a = c.args;
  const offset = c.int(2);
  if (offset === null) return;
  if (offset < 0) return c.out.error('ERR offset is out of range');
  const key = a.str(1);
  const e = c.ks.get(key);
  const vlen = a.len(3);
  if (e !== undefined && e.type !== STRING) return c.out.error(WRONGTYPE);
  if (vlen === 0) return c.out.int(e === undefined ? 0 : e.len);
  if (offset + vlen > c.engine.limits.maxBulkLen) return c.out.error(STRING_TOO_BIG);
  if (e === undefined) {
    const data = Buffer.alloc(offset + vlen);
    a.bytes(3).copy(data, offset);
    const n = setBytes(c, key, undefined, data, false);
    return c.out.int(n.len);
  }
  const old = e.len;
  if (offset + vlen > old) {
    e.bytes += c.values.resize(e, STRING, offset + vlen);
    if (offset > old) c.alloc.write(e.h, Buffer.alloc(offset - old), old);
  }
  c.alloc.write(e.h, a.bytes(3), offset);
  c.out.int(e.len);
}

const EMPTY = Buffer.alloc(0);

export const stringCommands: CommandSpec[] = [
  command('get', 2, 'readonly fast', ONE_KEY, get),
  command('set', -3, 'write denyoom', ONE_KEY, set),
  command('mget', -2, 'readonly fast', [1, -1, 1], mget),
  command('mset', -3, 'write denyoom', [1, -1, 2], mset),
  command('setnx', 3, 'write denyoom fast', ONE_KEY, setnx),
  command('getset', 3, 'write denyoom fast', ONE_KEY, getset),
  command('append', 3, 'write denyoom fast', ONE_KEY, append),
  command('strlen', 2, 'readonly fast', ONE_KEY, strlen),
  command('incr', 2, 'write denyoom fast', ONE_KEY, incr),
  command('decr', 2, 'write denyoom fast', ONE_KEY, decr),
  command('incrby', 3, 'write denyoom fast', ONE_KEY, incrby),
  command('decrby', 3, 'write denyoom fast', ONE_KEY, decrby),
  command('getrange', 4, 'readonly', ONE_KEY, getrange),
  command('setrange', 4, 'write denyoom', ONE_KEY, setrange),
];
