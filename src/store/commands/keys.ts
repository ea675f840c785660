// Generic keyspace commands: existence, types, TTLs, iteration, renaming, flushing.

import { DATA_TYPES } from '../data/types.js';
import { globMatch } from '../glob.js';
import type { Entry } from '../keyspace.js';
import type { Ctx } from './context.js';
import { invalidExpire, NO_SUCH_KEY, SYNTAX } from './errors.js';
import { command, NO_KEYS, ONE_KEY, type CommandSpec } from './spec.js';

function del(c: Ctx): void {
  const a = c.args;
  let n = 0;
  for (let i = 1; i < a.argc; i++) {
    const e = c.ks.get(a.str(i));
    if (e !== undefined) {
      c.ks.remove(e);
      n++;
    }
  }
  c.out.int(n);
}

function exists(c: Ctx): void {
  const a = c.args;
  let n = 0;
  for (let i = 1; i < a.argc; i++) if (c.ks.read(a.str(i)) !== undefined) n++;
  c.out.int(n);
}

function type(c: Ctx): void {
  const e = c.ks.get(c.args.str(1));
  c.out.simple(e === undefined ? 'none' : DATA_TYPES[e.type]!);
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;
const LLONG_MAX = 9223372036854775807;

function expireGeneric(c: Ctx, seconds: boolean, name: string): void {
  const a = c.args;
  let flags = 0;
  for (let j = 3; j < a.argc; j++) {
    if (a.is(j, 'nx')) flags |= NX;
    else if (a.is(j, 'xx')) flags |= XX;
    else if (a.is(j, 'gt')) flags |= GT;
    else if (a.is(j, 'lt')) flags |= LT;
    else return c.out.error(`ERR Unsupported option ${a.str(j)}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    return c.out.error('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & GT && flags & LT) return c.out.error('ERR GT and LT options at the same time are not compatible');
  let when = c.int(2);
  if (when === null) return;
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < -LLONG_MAX / 1000) return c.out.error(invalidExpire(name));
    when *= 1000;
  }
  const now = Date.now();
  if (when > LLONG_MAX - now) return c.out.error(invalidExpire(name));
  when += now;
  const e = c.ks.get(a.str(1));
  if (e === undefined) return c.out.int(0);
  if (flags) {
    const cur = e.expireAt === 0 ? -1 : e.expireAt;
    if ((flags & NX && cur !== -1) || (flags & XX && cur === -1)) return c.out.int(0);
    if (flags & GT && (cur === -1 || when <= cur)) return c.out.int(0);
    if (flags & LT && cur !== -1 && when >= cur) return c.out.int(0);
  }
  if (when <= now) {
    c.ks.remove(e);
  } else {
    c.ks.setExpire(e, when);
  }
  c.out.int(1);
}

function expire(c: Ctx): void {
  expireGeneric(c, true, 'expire');
}

function pexpire(c: Ctx): void {
  expireGeneric(c, false, 'pexpire');
}

function ttlGeneric(c: Ctx, ms: boolean): void {
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) return c.out.int(-2);
  if (e.expireAt === 0) return c.out.int(-1);
  const left = Math.max(0, e.expireAt - Date.now());
  c.out.int(ms ? left : Math.floor((left + 500) / 1000));
}

function ttl(c: Ctx): void {
  ttlGeneric(c, false);
}

function pttl(c: Ctx): void {
  ttlGeneric(c, true);
}

function persist(c: Ctx): void {
  const e = c.ks.get(c.args.str(1));
  c.out.int(e !== undefined && c.ks.persist(e) ? 1 : 0);
}

function isExpired(e: Entry, now: number): boolean {
  return e.expireAt !== 0 && e.expireAt <= now;
}

function keys(c: Ctx): void {
  const pattern = c.args.str(1);
  const all = pattern === '*';
  const now = Date.now();
  const found: string[] = [];
  const expired: Entry[] = [];
  for (const e of c.ks.all()) {
    if (isExpired(e, now)) expired.push(e);
    else if (all || globMatch(pattern, e.key)) found.push(e.key);
  }
  for (const e of expired) c.ks.expire(e);
  c.out.arrayHeader(found.length);
  for (const k of found) c.out.bulkLatin1(k);
}

function scan(c: Ctx): void {
  const a = c.args;
  const cur = a.str(1);
  if (!/^\d{1,20}$/.test(cur) || Number(cur) > 18446744073709551615) return c.out.error('ERR invalid cursor');
  const cursor = Number(cur);
  let count = 10;
  let pattern: string | null = null;
  let typeName: string | null = null;
  for (let j = 2; j < a.argc; j++) {
    const more = j + 1 < a.argc;
    if (a.is(j, 'count') && more) {
      const n = c.int(++j);
      if (n === null) return;
      if (n < 1) return c.out.error(SYNTAX);
      count = n;
    } else if (a.is(j, 'match') && more) {
      pattern = a.str(++j);
      if (pattern === '*') pattern = null;
    } else if (a.is(j, 'type') && more) {
      typeName = a.lower(++j);
    } else {
      return c.out.error(SYNTAX);
    }
  }
  const now = Date.now();
  const found: string[] = [];
  const expired: Entry[] = [];
  const next = c.ks.scan(cursor, count, (e) => {
    if (isExpired(e, now)) expired.push(e);
    else if ((pattern === null || globMatch(pattern, e.key)) && (typeName === null || DATA_TYPES[e.type] === typeName)) {
      found.push(e.key);
    }
  });
  for (const e of expired) c.ks.expire(e);
  c.out.arrayHeader(2);
  c.out.bulkLatin1(String(next));
  c.out.arrayHeader(found.length);
  for (const k of found) c.out.bulkLatin1(k);
}

function rename(c: Ctx): void {
  const a = c.args;
  const from = a.str(1);
  const to = a.str(2);
  const e = c.ks.get(from);
  if (e === undefined) return c.out.error(NO_SUCH_KEY);
  if (from !== to) {
    const old = c.ks.get(to);
    if (old !== undefined) c.ks.remove(old);
    c.ks.rename(e, to);
  }
  c.out.ok();
}

function randomkey(c: Ctx): void {
  const e = c.ks.randomEntry();
  if (e === undefined) c.out.nullBulk();
  else c.out.bulkLatin1(e.key);
}

function dbsize(c: Ctx): void {
  c.out.int(c.ks.size);
}

function flush(c: Ctx): void {
  const a = c.args;
  if (a.argc > 2 || (a.argc === 2 && !a.is(1, 'async') && !a.is(1, 'sync'))) return c.out.error(SYNTAX);
  c.ks.flush();
  c.out.ok();
}

export const keyCommands: CommandSpec[] = [
  command('del', -2, 'write', [1, -1, 1], del),
  command('unlink', -2, 'write fast', [1, -1, 1], del),
  command('exists', -2, 'readonly fast', [1, -1, 1], exists),
  command('type', 2, 'readonly fast', ONE_KEY, type),
  command('expire', -3, 'write fast', ONE_KEY, expire),
  command('pexpire', -3, 'write fast', ONE_KEY, pexpire),
  command('ttl', 2, 'readonly fast', ONE_KEY, ttl),
  command('pttl', 2, 'readonly fast', ONE_KEY, pttl),
  command('persist', 2, 'write fast', ONE_KEY, persist),
  command('keys', 2, 'readonly', NO_KEYS, keys),
  command('scan', -2, 'readonly', NO_KEYS, scan),
  command('rename', 3, 'write', [1, 2, 1], rename),
  command('randomkey', 1, 'readonly', NO_KEYS, randomkey),
  command('dbsize', 1, 'readonly fast', NO_KEYS, dbsize),
  command('flushdb', -1, 'write', NO_KEYS, flush),
  command('flushall', -1, 'write', NO_KEYS, flush),
];
