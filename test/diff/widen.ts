// Differential rows for the store's commands no other row generated (GETEX, GETDEL, SETEX,
// PSETEX, MSETNX, SUBSTR, LCS, EXPIREAT, PEXPIREAT, EXPIRETIME, PEXPIRETIME, RENAMENX, TOUCH,
// MOVE, SWAPDB, OBJECT ENCODING, the list, hash and set commands below) and for encoding
// conversions: bulk writes around the listpack/intset limits, and CONFIG SET of those limits to
// small values so that the pool's short collections convert too (ENCODING_LIMITS: the runner
// restores their defaults before each seed). Random replies are only generated in forms that
// are not random: SRANDMEMBER/HRANDFIELD/SPOP with a count that covers the whole collection.
import { b, int, key, keys, member, repeat, setAbsolute, setRelative, value, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const pick = (g: GenContext, options: readonly (() => Buffer[])[]): Buffer[] => g.rng.pick(options)();

/** The encoding limits these rows set, with Redis 7.0.15's defaults. */
export const ENCODING_LIMITS: Readonly<Record<string, string>> = {
  'hash-max-listpack-entries': '128',
  'hash-max-listpack-value': '64',
  'set-max-intset-entries': '512',
  'zset-max-listpack-entries': '128',
  'zset-max-listpack-value': '64',
  'list-max-listpack-size': '-2',
};

const LIMIT_VALUES: Readonly<Record<string, readonly string[]>> = {
  'hash-max-listpack-entries': ['0', '1', '2', '3', '4', '128'],
  'hash-max-listpack-value': ['0', '1', '2', '8', '64'],
  'set-max-intset-entries': ['0', '1', '2', '3', '512'],
  'zset-max-listpack-entries': ['0', '1', '2', '3', '128'],
  'zset-max-listpack-value': ['0', '1', '2', '8', '64'],
  'list-max-listpack-size': ['1', '2', '3', '-1', '-2', '-5'],
};

function getexOptions(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.chance(0.4) ? 0 : g.rng.pick([1, 1, 2]), () =>
    pick(g, [
      () => [word(g, 'PERSIST')],
      () => [word(g, 'EX'), setRelative(g, 's')],
      () => [word(g, 'PX'), setRelative(g, 'ms')],
      () => [word(g, 'EXAT'), setAbsolute(g, 's')],
      () => [word(g, 'PXAT'), setAbsolute(g, 'ms')],
      () => [word(g, g.rng.pick(['EX', 'PXAT', 'KEEPTTL', 'BOGUS']))],
    ]),
  );
}

function expireFlags(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.chance(0.6) ? 0 : g.rng.pick([1, 1, 2]), () =>
    word(g, g.rng.pick(['NX', 'XX', 'GT', 'LT', 'BOGUS'])),
  );
}

// A past absolute time deletes the key on both servers at once only when the key is touched:
// settle it right away (see settleKey in commands.ts).
const touchKey = (args: readonly Buffer[]): Buffer[][] => (args[1] ? [[b('EXISTS'), args[1]]] : []);

const db = (g: GenContext): Buffer => b(g.rng.pick(['0', '1', '1', '2', '15', '16', '-1', 'abc', '', '01']));

function lcsOptions(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.pick([0, 1, 2, 3]), () =>
    pick(g, [
      () => [word(g, 'LEN')],
      () => [word(g, 'IDX')],
      () => [word(g, 'WITHMATCHLEN')],
      () => [word(g, 'MINMATCHLEN'), int(g, 0, 4)],
      () => [word(g, 'BOGUS')],
    ]),
  );
}

const END = ['LEFT', 'RIGHT'] as const;
const end = (g: GenContext): Buffer => word(g, g.rng.chance(0.95) ? g.rng.pick(END) : 'MIDDLE');

function lposOptions(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.pick([0, 1, 2, 3]), () =>
    pick(g, [
      () => [word(g, 'RANK'), int(g, -4, 4, 0.2)],
      () => [word(g, 'COUNT'), int(g, 0, 4, 0.2)],
      () => [word(g, 'MAXLEN'), int(g, 0, 6, 0.2)],
      () => [word(g, g.rng.pick(['RANK', 'BOGUS']))],
    ]),
  );
}

/** A count that covers any pool collection (bulk writes make them up to ~1700 long): the reply
 *  of a random-pick command is then the whole collection. Also 0 and the malformed counts. */
const wholeCount = (g: GenContext): Buffer =>
  b(g.rng.pick(['100000', '100000', '0', 'abc', '-0', '9223372036854775807']));
/** A SCAN COUNT that covers any pool collection: with a smaller one, where a hashtable scan stops
 *  depends on its hash order (Redis's seed is random). */
const SCAN_ALL = '100000';

/** Bulk members around the conversion limits: integers (intset), short and long texts. */
function bulkMembers(g: GenContext, kind: 'int' | 'text', small = false): Buffer[] {
  const sizes = [1, 2, 3, 4, 63, 64, 65, 127, 128, 129, 130];
  const n = g.rng.pick(small ? sizes : [...sizes, 511, 512, 513]);
  const from = g.rng.int(0, 3) * 100;
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(b(kind === 'int' ? String(from + i) : `m${from + i}`));
  return out;
}

const longText = (g: GenContext): Buffer => Buffer.alloc(g.rng.pick([1, 2, 3, 8, 9, 63, 64, 65]), 'q');

/** Values either side of the string encodings' edges: embstr up to 44 bytes, then raw; integers
 *  (shared below 10000) and texts that look like one but do not fit a long. */
function encodingValue(g: GenContext): Buffer {
  if (g.rng.chance(0.5)) return Buffer.alloc(g.rng.pick([20, 21, 43, 44, 45, 46]), g.rng.pick(['1', 'e']));
  return b(
    g.rng.pick([
      '0',
      '9999',
      '10000',
      '-1',
      '-9223372036854775808',
      '9223372036854775808',
      '12345678901234567890',
      '1.5',
    ]),
  );
}

const strings: CommandRow[] = [
  { name: 'SET', family: 'string', weight: 1, args: (g) => [key(g, 'string'), encodingValue(g)] },
  { name: 'GETDEL', family: 'string', weight: 2, args: (g) => [key(g, 'string')] },
  {
    name: 'GETEX',
    family: 'string',
    weight: 3,
    args: (g) => [key(g, 'string'), ...getexOptions(g)],
    followUps: (args) => (args.some((a) => /^(ex|px)at$/i.test(a.toString('latin1'))) ? touchKey(args) : []),
  },
  { name: 'SETEX', family: 'string', weight: 1, args: (g) => [key(g, 'string'), setRelative(g, 's'), value(g)] },
  { name: 'PSETEX', family: 'string', weight: 1, args: (g) => [key(g, 'string'), setRelative(g, 'ms'), value(g)] },
  {
    name: 'MSETNX',
    family: 'string',
    weight: 1,
    args: (g) => repeat(g, 1, 3, () => [key(g, 'string'), value(g)]),
  },
  {
    name: 'SUBSTR',
    family: 'string',
    weight: 1,
    args: (g) => [key(g, 'string'), int(g, -300, 300), int(g, -300, 300)],
  },
  { name: 'LCS', family: 'string', weight: 2, args: (g) => [key(g, 'string'), key(g, 'string'), ...lcsOptions(g)] },
];

const keyCommands: CommandRow[] = [
  {
    name: 'EXPIREAT',
    family: 'keys',
    weight: 2,
    args: (g) => [key(g), setAbsolute(g, 's'), ...expireFlags(g)],
    followUps: touchKey,
  },
  {
    name: 'PEXPIREAT',
    family: 'keys',
    weight: 2,
    args: (g) => [key(g), setAbsolute(g, 'ms'), ...expireFlags(g)],
    followUps: touchKey,
  },
  { name: 'EXPIRETIME', family: 'keys', weight: 1, args: (g) => [key(g)], reply: 'ttl' },
  { name: 'PEXPIRETIME', family: 'keys', weight: 1, args: (g) => [key(g)], reply: 'pttl' },
  { name: 'RENAMENX', family: 'keys', weight: 1, args: (g) => [key(g), key(g)] },
  { name: 'TOUCH', family: 'keys', weight: 1, args: (g) => keys(g, 1, 3) },
  { name: 'MOVE', family: 'keys', weight: 1, args: (g) => [key(g), db(g)] },
  { name: 'SWAPDB', family: 'keys', weight: 0.3, args: (g) => [db(g), db(g)] },
  { name: 'OBJECT', family: 'keys', weight: 2, args: (g) => [word(g, 'ENCODING'), key(g)] },
];

const lists: CommandRow[] = [
  {
    name: 'LINSERT',
    family: 'list',
    weight: 2,
    args: (g) => [
      key(g, 'list'),
      word(g, g.rng.pick(['BEFORE', 'AFTER', 'BEFORE', 'AFTER', 'MIDDLE'])),
      value(g),
      value(g),
    ],
  },
  { name: 'LMOVE', family: 'list', weight: 2, args: (g) => [key(g, 'list'), key(g, 'list'), end(g), end(g)] },
  { name: 'RPOPLPUSH', family: 'list', weight: 1, args: (g) => [key(g, 'list'), key(g, 'list')] },
  {
    name: 'LMPOP',
    family: 'list',
    weight: 2,
    keepArity: true,
    args: (g) => {
      const ks = keys(g, 1, 3, 'list');
      const numkeys = g.rng.chance(0.9) ? String(ks.length) : g.rng.pick(['0', '-1', 'abc', String(ks.length + 1)]);
      const countOpt = g.rng.chance(0.5) ? [word(g, 'COUNT'), int(g, 0, 4, 0.2)] : [];
      return [b(numkeys), ...ks, end(g), ...countOpt];
    },
  },
  { name: 'LPOS', family: 'list', weight: 3, args: (g) => [key(g, 'list'), value(g), ...lposOptions(g)] },
  { name: 'LPUSHX', family: 'list', weight: 1, args: (g) => [key(g, 'list'), ...repeat(g, 1, 3, () => value(g))] },
  { name: 'RPUSHX', family: 'list', weight: 1, args: (g) => [key(g, 'list'), ...repeat(g, 1, 3, () => value(g))] },
  { name: 'LREM', family: 'list', weight: 2, args: (g) => [key(g, 'list'), int(g, -3, 3, 0.1), value(g)] },
  { name: 'LSET', family: 'list', weight: 2, args: (g) => [key(g, 'list'), int(g, -6, 6, 0.1), value(g)] },
  { name: 'LTRIM', family: 'list', weight: 1, args: (g) => [key(g, 'list'), int(g, -6, 6, 0.1), int(g, -6, 6, 0.1)] },
  { name: 'RPUSH', family: 'list', weight: 1, args: (g) => [key(g, 'list'), ...bulkMembers(g, 'text')] },
];

const hashes: CommandRow[] = [
  { name: 'HSETNX', family: 'hash', weight: 2, args: (g) => [key(g, 'hash'), member(g), value(g)] },
  { name: 'HSTRLEN', family: 'hash', weight: 1, args: (g) => [key(g, 'hash'), member(g)] },
  { name: 'HKEYS', family: 'hash', weight: 1, args: (g) => [key(g, 'hash')], reply: 'multiset' },
  { name: 'HVALS', family: 'hash', weight: 1, args: (g) => [key(g, 'hash')], reply: 'multiset' },
  {
    name: 'HRANDFIELD',
    family: 'hash',
    weight: 1,
    reply: 'multiset',
    keepArity: true,
    args: (g) => [key(g, 'hash'), wholeCount(g)],
  },
  {
    name: 'HRANDFIELD',
    family: 'hash',
    weight: 1,
    reply: 'pairs',
    keepArity: true,
    args: (g) => [key(g, 'hash'), wholeCount(g), word(g, 'WITHVALUES')],
  },
  {
    name: 'HSCAN',
    family: 'hash',
    weight: 1,
    reply: 'scan',
    keepArity: true,
    args: (g) => [
      key(g, 'hash'),
      b('0'),
      ...(g.rng.chance(0.3) ? [word(g, 'MATCH'), b('f*')] : []),
      word(g, 'COUNT'),
      b(SCAN_ALL),
    ],
  },
  {
    name: 'HSET',
    family: 'hash',
    weight: 1,
    args: (g) => [key(g, 'hash'), ...bulkMembers(g, 'text').flatMap((f) => [f, g.rng.chance(0.9) ? f : longText(g)])],
  },
];

const setKeys = (g: GenContext): Buffer[] => keys(g, 1, 3, 'set');

const sets: CommandRow[] = [
  { name: 'SMISMEMBER', family: 'set', weight: 1, args: (g) => [key(g, 'set'), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'SMOVE', family: 'set', weight: 2, args: (g) => [key(g, 'set'), key(g, 'set'), member(g)] },
  { name: 'SDIFF', family: 'set', weight: 1, args: setKeys, reply: 'multiset' },
  { name: 'SINTER', family: 'set', weight: 1, args: setKeys, reply: 'multiset' },
  { name: 'SUNION', family: 'set', weight: 1, args: setKeys, reply: 'multiset' },
  { name: 'SDIFFSTORE', family: 'set', weight: 1, args: (g) => [key(g, 'set'), ...setKeys(g)] },
  { name: 'SINTERSTORE', family: 'set', weight: 1, args: (g) => [key(g, 'set'), ...setKeys(g)] },
  { name: 'SUNIONSTORE', family: 'set', weight: 1, args: (g) => [key(g, 'set'), ...setKeys(g)] },
  {
    name: 'SINTERCARD',
    family: 'set',
    weight: 1,
    keepArity: true,
    args: (g) => {
      const ks = setKeys(g);
      const numkeys = g.rng.chance(0.9) ? String(ks.length) : g.rng.pick(['0', '-1', 'abc', String(ks.length + 1)]);
      return [b(numkeys), ...ks, ...(g.rng.chance(0.5) ? [word(g, 'LIMIT'), int(g, 0, 3, 0.2)] : [])];
    },
  },
  {
    name: 'SRANDMEMBER',
    family: 'set',
    weight: 1,
    reply: 'multiset',
    keepArity: true,
    args: (g) => [key(g, 'set'), wholeCount(g)],
  },
  {
    name: 'SPOP',
    family: 'set',
    weight: 0.5,
    reply: 'multiset',
    keepArity: true,
    args: (g) => [key(g, 'set'), wholeCount(g)],
  },
  {
    name: 'SSCAN',
    family: 'set',
    weight: 1,
    reply: 'scan',
    keepArity: true,
    args: (g) => [
      key(g, 'set'),
      b('0'),
      ...(g.rng.chance(0.3) ? [word(g, 'MATCH'), b('1*')] : []),
      word(g, 'COUNT'),
      b(SCAN_ALL),
    ],
  },
  {
    name: 'SADD',
    family: 'set',
    weight: 1,
    args: (g) => [key(g, 'set'), ...bulkMembers(g, g.rng.chance(0.7) ? 'int' : 'text')],
  },
];

const zsets: CommandRow[] = [
  {
    name: 'ZADD',
    family: 'zset',
    weight: 1,
    args: (g) => [
      key(g, 'zset'),
      // At most ~430 members: zset.ts's ZSCAN and ZRANDMEMBER count 1000 must cover a zset.
      ...bulkMembers(g, 'text', true).flatMap((m, i) => [b(String(i % 7)), g.rng.chance(0.95) ? m : longText(g)]),
    ],
  },
];

const limits: CommandRow[] = [
  {
    name: 'CONFIG',
    family: 'connection',
    weight: 0.5,
    keepArity: true,
    args: (g) => {
      const name = g.rng.pick(Object.keys(LIMIT_VALUES));
      return [word(g, 'SET'), b(name), b(g.rng.pick(LIMIT_VALUES[name]!))];
    },
  },
];

export const WIDEN_COMMANDS: readonly CommandRow[] = [
  ...strings,
  ...keyCommands,
  ...lists,
  ...hashes,
  ...sets,
  ...zsets,
  ...limits,
];
