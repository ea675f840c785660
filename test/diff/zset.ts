// Sorted-set rows of the differential command table. Scores at the edges of Redis's parsing and
// printing (inf, -inf, -0, 17 significant digits, exponents, integers past 2^53, hex, junk),
// repeated and conflicting options, ranges at their edges, both encodings (members over 64 bytes
// turn a zset into a skiplist).
//
// Lex ranges are only defined on a zset whose scores are all equal (on mixed scores Redis's
// answer depends on its skiplist's random levels), so the lex commands use keys of their own,
// zl1 and zl2, which only ever get score 0. They are outside KEY_POOL, so no other row writes
// them with another score.
import { b, int, key, member, repeat, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const pick = (g: GenContext, options: readonly (() => Buffer[])[]): Buffer[] => g.rng.pick(options)();

const zkey = (g: GenContext): Buffer => key(g, 'zset');
const lexKey = (g: GenContext): Buffer => b(g.rng.pick(['zl1', 'zl2']));

const SCORES = ['0', '1', '2', '3', '-1', '10', '1.5', '-2.5', '0.1', '3.0', '1e3', '1E2', '2.5e-5'];
const ODD_SCORES = [
  'inf',
  '-inf',
  '+inf',
  'Infinity',
  '1e300',
  '-1e300',
  '1e-300',
  '5e18',
  '4e18',
  '-0',
  '9007199254740993',
  '123456789.123456789',
  '0x10',
  '1e400',
  '1e-400',
  'nan',
  'abc',
  '',
  ' 1',
  '1 ',
  '(1',
];

function score(g: GenContext): Buffer {
  return b(g.rng.chance(0.8) ? g.rng.pick(SCORES) : g.rng.pick(ODD_SCORES));
}

// zslParseRange: strtod, so '', ' 1' and '(' parse (as 0); 'nan' and junk do not.
const BOUNDS = ['-inf', '+inf', 'inf', '0', '1', '2', '-1', '1.5', '(1', '(0', '(2.5', '(-inf', '(+inf', '1e300'];
const ODD_BOUNDS = ['abc', '', 'nan', '( 1', ' 1', '(', '1x', '0x10', '-'];
const bound = (g: GenContext): Buffer => b(g.rng.chance(0.9) ? g.rng.pick(BOUNDS) : g.rng.pick(ODD_BOUNDS));

const LEX = ['-', '+', '[a', '(a', '[b', '(b', '[c', '[f1', '(f2', '[', '(', '[1', '(10'];
const ODD_LEX = ['a', '', '+x', '-x', 'b', '[\x00f\r\n', '+\x00'];
function lexBound(g: GenContext): Buffer {
  const r = g.rng.next();
  if (r < 0.75) return b(g.rng.pick(LEX));
  if (r < 0.85) return Buffer.concat([b(g.rng.pick(['[', '('])), member(g)]);
  return b(g.rng.pick(ODD_LEX));
}

const rank = (g: GenContext): Buffer => int(g, -6, 6, 0.1);
const count = (g: GenContext): Buffer =>
  b(g.rng.pick(['0', '1', '2', '3', '10', '-1', 'abc', '9223372036854775807', '1.0', '-0', '']));

function zaddOptions(g: GenContext): Buffer[] {
  return repeat(g, 0, g.rng.chance(0.5) ? 0 : g.rng.pick([1, 1, 2, 3]), () =>
    word(g, g.rng.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])),
  );
}

const pairs = (g: GenContext, max: number): Buffer[] => repeat(g, 1, max, () => [score(g), member(g)]);

function limit(g: GenContext): Buffer[] {
  return [word(g, 'LIMIT'), int(g, -1, 4, 0.1), int(g, -1, 4, 0.1)];
}

/** ZRANGE's options in any order, sometimes repeated or conflicting. */
function zrangeOptions(g: GenContext, lex: boolean): Buffer[] {
  const out: Buffer[] = [];
  if (lex) out.push(word(g, 'BYLEX'));
  const n = g.rng.int(0, 3);
  for (let i = 0; i < n; i++)
    out.push(
      ...pick(g, [
        () => [word(g, 'REV')],
        () => [word(g, 'WITHSCORES')],
        () => limit(g),
        () => [word(g, lex ? 'BYLEX' : 'BYSCORE')],
        () => [word(g, g.rng.pick(['LIMIT', 'BOGUS']))],
      ]),
    );
  // Shuffle: the options are accepted in any order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = g.rng.int(0, i);
    [out[i], out[j]] = [out[j] as Buffer, out[i] as Buffer];
  }
  return out;
}

/** ZRANGE [REV] [BYSCORE|BYLEX]: arguments of the kind the options ask for (mostly). */
function zrangeArgs(g: GenContext, dst: Buffer[]): Buffer[] {
  const r = g.rng.next();
  if (r < 0.35) return [...dst, zkey(g), rank(g), rank(g), ...zrangeOptions(g, false)];
  if (r < 0.7) {
    const opts = zrangeOptions(g, false);
    if (!opts.some((o) => /^byscore$/i.test(o.toString('latin1')))) opts.push(word(g, 'BYSCORE'));
    return [...dst, zkey(g), bound(g), bound(g), ...opts];
  }
  return [...dst, lexKey(g), lexBound(g), lexBound(g), ...zrangeOptions(g, true)];
}

const withScores = (g: GenContext): Buffer[] => (g.rng.chance(0.5) ? [word(g, 'WITHSCORES')] : []);

const WEIGHTS = ['1', '2', '0', '-1', '0.5', 'inf', '-inf', '1e300', 'abc', 'nan', ''];
const weight = (g: GenContext): Buffer => b(g.rng.chance(0.6) ? '1' : g.rng.pick(WEIGHTS));

/** Inputs of ZUNION and friends: zsets, and sometimes sets (score 1) or other types. */
const algebraKey = (g: GenContext): Buffer =>
  g.rng.chance(0.75) ? zkey(g) : key(g, g.rng.chance(0.6) ? 'set' : undefined);

/** numkeys, keys, then WEIGHTS / AGGREGATE / WITHSCORES / LIMIT in any order, sometimes twice. */
function algebraArgs(g: GenContext, opts: readonly ('weights' | 'aggregate' | 'withscores' | 'limit')[]): Buffer[] {
  const keys = repeat(g, 1, 3, () => algebraKey(g));
  const r = g.rng.next();
  const numkeys = r < 0.9 ? String(keys.length) : g.rng.pick(['0', '-1', '4', 'abc', '']);
  const out = [b(numkeys), ...keys];
  const n = g.rng.int(0, 2);
  for (let i = 0; i < n; i++)
    out.push(
      ...pick(g, [
        () =>
          opts.includes('weights')
            ? [
                word(g, 'WEIGHTS'),
                ...repeat(g, keys.length - (g.rng.chance(0.1) ? 1 : 0), keys.length, () => weight(g)),
              ]
            : [word(g, 'WEIGHTS'), b('1')],
        () => [word(g, 'AGGREGATE'), word(g, g.rng.pick(['SUM', 'MIN', 'MAX', 'SUM', 'AVG']))],
        () => [word(g, 'WITHSCORES')],
        () => [word(g, 'LIMIT'), b(g.rng.pick(['0', '1', '2', '-1', 'x']))],
      ]),
    );
  return out;
}

export const ZSET_COMMANDS: CommandRow[] = [
  { name: 'ZADD', family: 'zset', weight: 6, args: (g) => [zkey(g), ...zaddOptions(g), ...pairs(g, 4)] },
  {
    name: 'ZADD',
    family: 'zset',
    weight: 2,
    // keepArity: an appended argument could become a score other than 0.
    keepArity: true,
    args: (g) => [lexKey(g), ...repeat(g, 1, 4, () => [b('0'), member(g)])],
  },
  { name: 'ZINCRBY', family: 'zset', weight: 2, args: (g) => [zkey(g), score(g), member(g)] },
  { name: 'ZREM', family: 'zset', weight: 2, args: (g) => [zkey(g), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'ZREM', family: 'zset', weight: 1, args: (g) => [lexKey(g), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'ZCARD', family: 'zset', weight: 1, args: (g) => [zkey(g)] },
  { name: 'ZSCORE', family: 'zset', weight: 2, args: (g) => [zkey(g), member(g)] },
  { name: 'ZMSCORE', family: 'zset', weight: 1, args: (g) => [zkey(g), ...repeat(g, 1, 3, () => member(g))] },
  { name: 'ZRANK', family: 'zset', weight: 1, args: (g) => [zkey(g), member(g)] },
  { name: 'ZREVRANK', family: 'zset', weight: 1, args: (g) => [zkey(g), member(g)] },
  { name: 'ZCOUNT', family: 'zset', weight: 1, args: (g) => [zkey(g), bound(g), bound(g)] },
  { name: 'ZLEXCOUNT', family: 'zset', weight: 1, args: (g) => [lexKey(g), lexBound(g), lexBound(g)] },
  { name: 'ZRANGE', family: 'zset', weight: 4, args: (g) => zrangeArgs(g, []) },
  { name: 'ZRANGESTORE', family: 'zset', weight: 2, args: (g) => zrangeArgs(g, [zkey(g)]) },
  {
    name: 'ZRANGEBYSCORE',
    family: 'zset',
    weight: 1,
    args: (g) => [zkey(g), bound(g), bound(g), ...withScores(g), ...(g.rng.chance(0.4) ? limit(g) : [])],
  },
  {
    name: 'ZREVRANGEBYSCORE',
    family: 'zset',
    weight: 1,
    args: (g) => [zkey(g), bound(g), bound(g), ...withScores(g), ...(g.rng.chance(0.4) ? limit(g) : [])],
  },
  {
    name: 'ZRANGEBYLEX',
    family: 'zset',
    weight: 1,
    args: (g) => [lexKey(g), lexBound(g), lexBound(g), ...(g.rng.chance(0.4) ? limit(g) : [])],
  },
  {
    name: 'ZREVRANGEBYLEX',
    family: 'zset',
    weight: 1,
    args: (g) => [lexKey(g), lexBound(g), lexBound(g), ...(g.rng.chance(0.4) ? limit(g) : [])],
  },
  { name: 'ZREVRANGE', family: 'zset', weight: 1, args: (g) => [zkey(g), rank(g), rank(g), ...withScores(g)] },
  { name: 'ZREMRANGEBYRANK', family: 'zset', weight: 1, args: (g) => [zkey(g), rank(g), rank(g)] },
  { name: 'ZREMRANGEBYSCORE', family: 'zset', weight: 1, args: (g) => [zkey(g), bound(g), bound(g)] },
  { name: 'ZREMRANGEBYLEX', family: 'zset', weight: 1, args: (g) => [lexKey(g), lexBound(g), lexBound(g)] },
  { name: 'ZPOPMIN', family: 'zset', weight: 1, args: (g) => [zkey(g), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
  { name: 'ZPOPMAX', family: 'zset', weight: 1, args: (g) => [zkey(g), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
  {
    name: 'ZMPOP',
    family: 'zset',
    weight: 1,
    args: (g) => {
      const keys = repeat(g, 1, 3, () => zkey(g));
      const numkeys = g.rng.chance(0.9) ? b(String(keys.length)) : count(g);
      const opts = g.rng.chance(0.5) ? [] : [word(g, 'COUNT'), count(g)];
      return [numkeys, ...keys, word(g, g.rng.pick(['MIN', 'MAX', 'MIN', 'MAX', 'MID'])), ...opts];
    },
  },
  { name: 'ZUNION', family: 'zset', weight: 1, args: (g) => algebraArgs(g, ['weights', 'aggregate', 'withscores']) },
  { name: 'ZINTER', family: 'zset', weight: 1, args: (g) => algebraArgs(g, ['weights', 'aggregate', 'withscores']) },
  { name: 'ZDIFF', family: 'zset', weight: 1, args: (g) => algebraArgs(g, ['withscores']) },
  {
    name: 'ZUNIONSTORE',
    family: 'zset',
    weight: 1,
    args: (g) => [zkey(g), ...algebraArgs(g, ['weights', 'aggregate'])],
  },
  {
    name: 'ZINTERSTORE',
    family: 'zset',
    weight: 1,
    args: (g) => [zkey(g), ...algebraArgs(g, ['weights', 'aggregate'])],
  },
  { name: 'ZDIFFSTORE', family: 'zset', weight: 1, args: (g) => [zkey(g), ...algebraArgs(g, [])] },
  { name: 'ZINTERCARD', family: 'zset', weight: 1, args: (g) => algebraArgs(g, ['limit']) },
  {
    name: 'ZRANDMEMBER',
    family: 'zset',
    weight: 1,
    // Only the forms whose reply is not random: a count at least the size (the whole zset, from
    // the highest), 0, and the errors. Random picks are checked in test/native/store/zset_test.c.
    keepArity: true,
    args: (g) =>
      pick(g, [
        () => [zkey(g), b(g.rng.pick(['1000', '9223372036854775807', '0'])), ...withScores(g)],
        () => [zkey(g), b(g.rng.pick(['abc', '', '1.5', '-9223372036854775808']))],
        () => [zkey(g), b('-4611686018427387904'), word(g, 'WITHSCORES')],
        () => [zkey(g), b('1000'), word(g, g.rng.pick(['WITHSCORES', 'BOGUS'])), word(g, 'WITHSCORES')],
        () => [key(g, 'string'), b('1000')],
        () => [b('nokey'), ...(g.rng.chance(0.5) ? [b('3')] : [])],
      ]),
  },
  {
    name: 'ZSCAN',
    family: 'zset',
    weight: 1,
    reply: 'scan',
    // Cursor 0 and a COUNT that covers the whole zset: a skiplist's order is its hash table's.
    keepArity: true,
    args: (g) =>
      pick(g, [
        () => [zkey(g), b('0'), word(g, 'COUNT'), b('1000')],
        () => [
          zkey(g),
          b('0'),
          word(g, 'MATCH'),
          b(g.rng.pick(['*', 'f*', '?', '1*', '[a-f]*', 'x'])),
          word(g, 'COUNT'),
          b('1000'),
        ],
        // A cursor other than 0 (or '' and '+0', which are 0) would depend on hash order.
        () => [zkey(g), b(g.rng.pick(['abc', '', '+0', ' 0', '18446744073709551616'])), word(g, 'COUNT'), b('1000')],
        // Malformed options only: a valid MATCH without COUNT 1000 would return a partial scan.
        () => [zkey(g), b('0'), word(g, 'COUNT'), ...(g.rng.chance(0.7) ? [b(g.rng.pick(['0', '-1', 'x', '']))] : [])],
        () => [zkey(g), b('0'), word(g, g.rng.pick(['MATCH', 'BOGUS']))],
      ]),
  },
];
