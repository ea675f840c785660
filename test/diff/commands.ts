// The command table: one row per command, with its family, how often to generate it, how to make
// its arguments (after the name) and how to compare its reply. To cover more of Redis's ~200 other
// commands, add rows here (and, where a reply cannot be compared exactly, a ReplyKind in
// compare.ts or an entry in differences.ts); the generator and runner need no change.
import {
  b,
  expireRelative,
  int,
  key,
  keys,
  member,
  pattern,
  repeat,
  setAbsolute,
  setRelative,
  value,
  word,
  type Family,
  type GenContext,
} from './args.js';
import { BITMAP_COMMANDS } from './bitmap.js';
import type { ReplyKind } from './compare.js';
import { ACL_COMMANDS } from './acl.js';
import { ACL_FILE_COMMANDS } from './acl-file.js';
import { COPY_COMMANDS } from './copy.js';
import { SORT_COMMANDS } from './sort.js';
import { TRANSACTION_ROWS } from './tx.js';
import { ZSET_COMMANDS } from './zset.js';
import { clientRows } from './clients.js';
import { ZBLOCK_COMMANDS } from './zblock.js';
import { FLOAT_COMMANDS } from './floats.js';
import { WIDEN_COMMANDS } from './widen.js';
import { DUMP_COMMANDS } from './dump.js';

export interface CommandRow {
  name: string;
  family: Family;
  weight: number;
  args(g: GenContext): Buffer[];
  reply?: ReplyKind;
  /** No generic arity mutation: the row makes its own malformed forms (because a shorter or
   *  longer command would have an order-dependent reply). */
  keepArity?: boolean;
  /** Commands sent right after this one (e.g. to settle a key that may already be expired). */
  followUps?(args: readonly Buffer[]): Buffer[][];
}

const pick = (g: GenContext, options: readonly (() => Buffer[])[]): Buffer[] => g.rng.pick(options)();

function setOptions(g: GenContext): Buffer[] {
  // Repeated and conflicting options on purpose: Redis accepts some (EX twice: last wins) and
  // rejects others (NX XX, KEEPTTL EX) with a syntax error.
  return repeat(g, 0, g.rng.chance(0.4) ? 0 : g.rng.pick([1, 1, 2, 3]), () =>
    pick(g, [
      () => [word(g, 'NX')],
      () => [word(g, 'XX')],
      () => [word(g, 'GET')],
      () => [word(g, 'KEEPTTL')],
      () => [word(g, 'EX'), setRelative(g, 's')],
      () => [word(g, 'PX'), setRelative(g, 'ms')],
      () => [word(g, 'EXAT'), setAbsolute(g, 's')],
      () => [word(g, 'PXAT'), setAbsolute(g, 'ms')],
      () => [word(g, g.rng.pick(['EX', 'PX', 'BOGUS', 'PERSIST']))],
    ]),
  );
}

function expireOptions(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.chance(0.7) ? 0 : 2, () =>
    word(g, g.rng.pick(['NX', 'XX', 'GT', 'LT', 'GT', 'LT', 'BOGUS'])),
  );
}

const fieldValues = (g: GenContext): Buffer[] => repeat(g, 1, 3, () => [member(g), value(g)]);
const incrAmount = (g: GenContext): Buffer => int(g, -10, 10, 0.3);
const count = (g: GenContext): Buffer =>
  b(g.rng.pick(['0', '1', '2', '3', '10', '-1', 'abc', '9223372036854775807', '1.0', '-0']));

// A past EXAT/PXAT leaves a logically expired key that DBSIZE still counts until one server's
// active expiry cycle runs; touching the key right away deletes it on both, deterministically.
const settleKey = (args: readonly Buffer[]): Buffer[][] => {
  const hasAbsolute = args.some((a) => /^(ex|px)at$/i.test(a.toString('latin1')));
  const k = args[1];
  return hasAbsolute && k ? [[b('EXISTS'), k]] : [];
};

const strings: CommandRow[] = [
  { name: 'GET', family: 'string', weight: 6, args: (g) => [key(g, 'string')] },
  {
    name: 'SET',
    family: 'string',
    weight: 8,
    args: (g) => [key(g, 'string'), value(g), ...setOptions(g)],
    followUps: settleKey,
  },
  { name: 'MGET', family: 'string', weight: 2, args: (g) => keys(g, 1, 4, 'string') },
  { name: 'MSET', family: 'string', weight: 2, args: (g) => repeat(g, 1, 3, () => [key(g, 'string'), value(g)]) },
  { name: 'SETNX', family: 'string', weight: 2, args: (g) => [key(g, 'string'), value(g)] },
  { name: 'GETSET', family: 'string', weight: 2, args: (g) => [key(g, 'string'), value(g)] },
  { name: 'APPEND', family: 'string', weight: 3, args: (g) => [key(g, 'string'), value(g)] },
  { name: 'STRLEN', family: 'string', weight: 2, args: (g) => [key(g, 'string')] },
  { name: 'INCR', family: 'string', weight: 3, args: (g) => [key(g, 'string')] },
  { name: 'DECR', family: 'string', weight: 2, args: (g) => [key(g, 'string')] },
  { name: 'INCRBY', family: 'string', weight: 3, args: (g) => [key(g, 'string'), incrAmount(g)] },
  { name: 'DECRBY', family: 'string', weight: 2, args: (g) => [key(g, 'string'), incrAmount(g)] },
  {
    name: 'GETRANGE',
    family: 'string',
    weight: 3,
    args: (g) => [key(g, 'string'), int(g, -300, 300), int(g, -300, 300)],
  },
  {
    name: 'SETRANGE',
    family: 'string',
    weight: 3,
    // Only offsets that are small or over the 512 MB limit: a valid huge offset would allocate it.
    args: (g) => [
      key(g, 'string'),
      b(
        g.rng.chance(0.85)
          ? String(g.rng.int(0, 300))
          : g.rng.pick(['-1', '536870912', '9223372036854775807', 'abc', '+1', '1.0']),
      ),
      value(g),
    ],
  },
];

const keyCommands: CommandRow[] = [
  { name: 'DEL', family: 'keys', weight: 3, args: (g) => keys(g, 1, 3) },
  { name: 'UNLINK', family: 'keys', weight: 1, args: (g) => keys(g, 1, 3) },
  { name: 'EXISTS', family: 'keys', weight: 2, args: (g) => keys(g, 1, 4) },
  { name: 'TYPE', family: 'keys', weight: 2, args: (g) => [key(g)] },
  { name: 'EXPIRE', family: 'keys', weight: 3, args: (g) => [key(g), expireRelative(g, 's'), ...expireOptions(g)] },
  { name: 'PEXPIRE', family: 'keys', weight: 3, args: (g) => [key(g), expireRelative(g, 'ms'), ...expireOptions(g)] },
  { name: 'TTL', family: 'keys', weight: 2, args: (g) => [key(g)], reply: 'ttl' },
  { name: 'PTTL', family: 'keys', weight: 2, args: (g) => [key(g)], reply: 'pttl' },
  { name: 'PERSIST', family: 'keys', weight: 2, args: (g) => [key(g)] },
  { name: 'RENAME', family: 'keys', weight: 2, args: (g) => [key(g), key(g)] },
  { name: 'DBSIZE', family: 'keys', weight: 1, args: () => [] },
  { name: 'KEYS', family: 'keys', weight: 2, args: (g) => [pattern(g)], reply: 'multiset' },
  {
    name: 'SCAN',
    family: 'keys',
    weight: 2,
    reply: 'scan',
    // Cursor 0 and a COUNT that returns the whole (small) keyspace in one call, so the result is a
    // set. Without COUNT (or with a cursor other than 0) the reply depends on hash order.
    keepArity: true,
    args: (g) =>
      pick(g, [
        () => [],
        () => [b('0'), word(g, 'COUNT'), b('1000')],
        () => [b('0'), word(g, 'MATCH'), pattern(g), word(g, 'COUNT'), b('1000')],
        () => [
          b('0'),
          word(g, 'COUNT'),
          b('1000'),
          word(g, 'TYPE'),
          b(g.rng.pick(['string', 'hash', 'list', 'set', 'zset', 'none', 'bogus', 'STRING'])),
        ],
        // strtoul rules: leading space, trailing junk and overflow are refused; '', '-0', '+0' are cursor 0.
        () => [
          b(
            g.rng.pick([
              'abc',
              ' 0',
              '0 ',
              '1x',
              '18446744073709551616',
              '99999999999999999999',
              '0.0',
              '',
              '-0',
              '+0',
            ]),
          ),
          word(g, 'COUNT'),
          b('1000'),
        ],
        () => [b('0'), word(g, 'COUNT'), b(g.rng.pick(['0', '-1', 'abc', '']))],
        () => [b('0'), word(g, 'COUNT'), b('1000'), word(g, g.rng.pick(['MATCH', 'COUNT', 'TYPE', 'BOGUS']))],
      ]),
  },
];

const hashes: CommandRow[] = [
  { name: 'HSET', family: 'hash', weight: 5, args: (g) => [key(g, 'hash'), ...fieldValues(g)] },
  { name: 'HMSET', family: 'hash', weight: 2, args: (g) => [key(g, 'hash'), ...fieldValues(g)] },
  { name: 'HGET', family: 'hash', weight: 3, args: (g) => [key(g, 'hash'), member(g)] },
  { name: 'HMGET', family: 'hash', weight: 2, args: (g) => [key(g, 'hash'), ...repeat(g, 1, 4, () => member(g))] },
  { name: 'HDEL', family: 'hash', weight: 2, args: (g) => [key(g, 'hash'), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'HGETALL', family: 'hash', weight: 2, args: (g) => [key(g, 'hash')], reply: 'pairs' },
  { name: 'HLEN', family: 'hash', weight: 1, args: (g) => [key(g, 'hash')] },
  { name: 'HEXISTS', family: 'hash', weight: 1, args: (g) => [key(g, 'hash'), member(g)] },
  { name: 'HINCRBY', family: 'hash', weight: 3, args: (g) => [key(g, 'hash'), member(g), incrAmount(g)] },
];

const lists: CommandRow[] = [
  { name: 'LPUSH', family: 'list', weight: 4, args: (g) => [key(g, 'list'), ...repeat(g, 1, 4, () => value(g))] },
  { name: 'RPUSH', family: 'list', weight: 4, args: (g) => [key(g, 'list'), ...repeat(g, 1, 4, () => value(g))] },
  { name: 'LPOP', family: 'list', weight: 2, args: (g) => [key(g, 'list'), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
  { name: 'RPOP', family: 'list', weight: 2, args: (g) => [key(g, 'list'), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
  { name: 'LRANGE', family: 'list', weight: 3, args: (g) => [key(g, 'list'), int(g, -6, 6), int(g, -6, 6)] },
  { name: 'LLEN', family: 'list', weight: 1, args: (g) => [key(g, 'list')] },
  { name: 'LINDEX', family: 'list', weight: 2, args: (g) => [key(g, 'list'), int(g, -6, 6)] },
];

const sets: CommandRow[] = [
  { name: 'SADD', family: 'set', weight: 4, args: (g) => [key(g, 'set'), ...repeat(g, 1, 4, () => member(g))] },
  { name: 'SREM', family: 'set', weight: 2, args: (g) => [key(g, 'set'), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'SMEMBERS', family: 'set', weight: 2, args: (g) => [key(g, 'set')], reply: 'multiset' },
  { name: 'SISMEMBER', family: 'set', weight: 2, args: (g) => [key(g, 'set'), member(g)] },
  { name: 'SCARD', family: 'set', weight: 1, args: (g) => [key(g, 'set')] },
];

const connection: CommandRow[] = [
  { name: 'PING', family: 'connection', weight: 1, args: (g) => (g.rng.chance(0.5) ? [] : [value(g)]) },
  { name: 'ECHO', family: 'connection', weight: 1, args: (g) => [value(g)] },
  // Every command after a SELECT runs in that database on both servers.
  {
    name: 'SELECT',
    family: 'connection',
    weight: 1,
    args: (g) => [
      b(g.rng.pick(['0', '0', '00', '-0', '-1', '16', '1', '5', '15', 'abc', '', ' 0', '+0', '9223372036854775808'])),
    ],
  },
];

export const COMMANDS: readonly CommandRow[] = [
  ...strings,
  ...keyCommands,
  ...hashes,
  ...lists,
  ...sets,
  ...connection,
  ...BITMAP_COMMANDS,
  ...SORT_COMMANDS,
  ...COPY_COMMANDS,
  ...TRANSACTION_ROWS,
  ...ZSET_COMMANDS,
  ...clientRows,
  ...ZBLOCK_COMMANDS,
  ...ACL_COMMANDS,
  ...FLOAT_COMMANDS,
  ...ACL_FILE_COMMANDS,
  ...WIDEN_COMMANDS,
  ...DUMP_COMMANDS,
];
