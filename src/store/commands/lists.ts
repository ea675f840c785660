// List commands. A list is a ring-buffer deque of value references in DRAM; each element's bytes
// are a tiermem allocation routed by size.

import { LIST } from '../data/types.js';
import type { Entry } from '../keyspace.js';
import type { Ctx } from './context.js';
import { MUST_BE_POSITIVE, WRONGTYPE, wrongArity } from './errors.js';
import { command, ONE_KEY, type CommandSpec } from './spec.js';

function push(c: Ctx, front: boolean): void {
  const a = c.args;
  const key = a.str(1);
  let e = c.ks.get(key);
  if (e !== undefined && e.type !== LIST) return c.out.error(WRONGTYPE);
  // Allocate every element first: a failed allocation frees the others and leaves no empty list.
  const refs = c.values.makeAll(a, LIST, 2, 1);
  e ??= c.ks.create(key, LIST);
  const list = e.list;
  let added = 0;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    if (front) list.pushFront(ref);
    else list.pushBack(ref);
    added += c.values.usable(ref);
  }
  c.ks.grew(e, added, 0);
  c.out.int(list.length);
}

function lpush(c: Ctx): void {
  push(c, true);
}

function rpush(c: Ctx): void {
  push(c, false);
}

function pop(c: Ctx, front: boolean, name: string): void {
  const a = c.args;
  if (a.argc > 3) return c.out.error(wrongArity(name));
  let count = -1;
  if (a.argc === 3) {
    const n = c.int(2, MUST_BE_POSITIVE);
    if (n === null) return;
    if (n < 0) return c.out.error(MUST_BE_POSITIVE);
    count = n;
  }
  const e = c.ks.get(a.str(1));
  if (e === undefined) return count < 0 ? c.out.nullBulk() : c.out.nullArray();
  if (e.type !== LIST) return c.out.error(WRONGTYPE);
  const list = e.list;
  if (count < 0) {
    popOne(c, e, front);
  } else {
    const n = Math.min(count, list.length);
    c.out.arrayHeader(n);
    for (let i = 0; i < n; i++) popOne(c, e, front);
  }
  if (list.length === 0) c.ks.remove(e);
}

function popOne(c: Ctx, e: Entry, front: boolean): void {
  const list = e.list;
  const ref = front ? list.popFront()! : list.popBack()!;
  c.out.bulkFromAlloc(c.alloc, ref.h, ref.len);
  c.ks.grew(e, -c.values.release(ref, LIST), 0);
}

function lpop(c: Ctx): void {
  pop(c, true, 'lpop');
}

function rpop(c: Ctx): void {
  pop(c, false, 'rpop');
}

function lrange(c: Ctx): void {
  let start = c.int(2);
  if (start === null) return;
  let end = c.int(3);
  if (end === null) return;
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) return c.out.arrayHeader(0);
  if (e.type !== LIST) return c.out.error(WRONGTYPE);
  const list = e.list;
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return c.out.arrayHeader(0);
  if (end >= len) end = len - 1;
  c.out.arrayHeader(end - start + 1);
  for (let i = start; i <= end; i++) {
    const ref = list.at(i);
    c.out.bulkFromAlloc(c.alloc, ref.h, ref.len);
  }
}

function llen(c: Ctx): void {
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) c.out.int(0);
  else if (e.type !== LIST) c.out.error(WRONGTYPE);
  else c.out.int(e.list.length);
}

function lindex(c: Ctx): void {
  const e = c.ks.read(c.args.str(1));
  if (e === undefined) return c.out.nullBulk();
  if (e.type !== LIST) return c.out.error(WRONGTYPE);
  let i = c.int(2);
  if (i === null) return;
  const list = e.list;
  if (i < 0) i += list.length;
  if (i < 0 || i >= list.length) return c.out.nullBulk();
  const ref = list.at(i);
  c.out.bulkFromAlloc(c.alloc, ref.h, ref.len);
}

export const listCommands: CommandSpec[] = [
  command('lpush', -3, 'write denyoom fast', ONE_KEY, lpush),
  command('rpush', -3, 'write denyoom fast', ONE_KEY, rpush),
  command('lpop', -2, 'write fast', ONE_KEY, lpop),
  command('rpop', -2, 'write fast', ONE_KEY, rpop),
  command('lrange', 4, 'readonly', ONE_KEY, lrange),
  command('llen', 2, 'readonly fast', ONE_KEY, llen),
  command('lindex', 3, 'readonly', ONE_KEY, lindex),
];
