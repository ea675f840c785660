// Set commands. A member is both the data and its own lookup key, so members are kept once, as
// binary-safe strings in a DRAM Set (the index), rather than twice (index + tiermem copy). Their
// bytes are counted in the composition's indexBytes for the set type.

import { SET } from '../data/types.js';
import type { Entry } from '../keyspace.js';
import type { Ctx } from './context.js';
import { WRONGTYPE } from './errors.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

function setForRead(c: Ctx, key: string): Entry | undefined | null {
  const e = c.ks.read(key);
  if (e !== undefined && e.type !== SET) {
    c.out.error(WRONGTYPE);
    return null;
  }
  return e;
}

function sadd(c: Ctx): void {
  const a = c.args;
  const key = a.str(1);
  let e = c.ks.get(key);
  if (e !== undefined && e.type !== SET) return c.out.error(WRONGTYPE);
  e ??= c.ks.create(key, SET);
  const set = e.set;
  let added = 0;
  let bytes = 0;
  for (let i = 2; i < a.argc; i++) {
    const m = a.str(i);
    if (set.has(m)) continue;
    set.add(m);
    added++;
    bytes += m.length;
  }
  c.ks.grew(e, 0, bytes);
  c.out.int(added);
}

function srem(c: Ctx): void {
  const a = c.args;
  const e = c.ks.get(a.str(1));
  if (e === undefined) return c.out.int(0);
  if (e.type !== SET) return c.out.error(WRONGTYPE);
  const set = e.set;
  let n = 0;
  let bytes = 0;
  for (let i = 2; i < a.argc; i++) {
    const m = a.str(i);
    if (set.delete(m)) {
      n++;
      bytes += m.length;
    }
  }
  c.ks.grew(e, 0, -bytes);
  if (set.size === 0) c.ks.remove(e);
  c.out.int(n);
}

function smembers(c: Ctx): void {
  const e = setForRead(c, c.args.str(1));
  if (e === null) return;
  if (e === undefined) return c.out.arrayHeader(0);
  c.out.arrayHeader(e.set.size);
  for (const m of e.set) c.out.bulkLatin1(m);
}

function sismember(c: Ctx): void {
  const e = setForRead(c, c.args.str(1));
  if (e !== null) c.out.int(e !== undefined && e.set.has(c.args.str(2)) ? 1 : 0);
}

function scard(c: Ctx): void {
  const e = setForRead(c, c.args.str(1));
  if (e !== null) c.out.int(e === undefined ? 0 : e.set.size);
}

export const setCommands: CommandSpec[] = [
  command('sadd', -3, 'write denyoom fast', ONE_KEY, sadd),
  command('srem', -3, 'write fast', ONE_KEY, srem),
  command('smembers', 2, 'readonly', ONE_KEY, smembers),
  command('sismember', 3, 'readonly fast', ONE_KEY, sismember),
  command('scard', 2, 'readonly fast', ONE_KEY, scard),
];
