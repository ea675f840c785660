// Differential rows for SORT and SORT_RO over the list and set keys (and the others, for
// WRONGTYPE). Patterns reach the pool's keys: list and set elements are often "1", "2", "3", so
// "s*" names s1..s3 and "h*->f1" a hash field. Where Redis's order is unspecified the reply is
// compared as a multiset: BY a constant on a set (its internal order), and ALPHA BY (equal
// weights leave qsort's order open); LIMIT is left out of those so that the same subset is taken.
import { b, int, key, repeat, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const BY_PATTERNS = ['s*', 'h*->f1', 'h*->f2', 'l*', 'nokey*', '*', 's*->', 'x*'];
const GET_PATTERNS = ['#', 's*', 'h*->f1', 'h*->a', 't*', 'nokey*', 'const', '#x', 'h*->'];
const CONSTANT_BY = ['nosort', 'NOSORT', 'const', 'h1->f1', '#'];

function sortKey(g: GenContext): Buffer {
  return key(g, g.rng.pick(['list', 'list', 'set', 'set', 'zset', 'zset', 'string', 'hash'] as const));
}

const gets = (g: GenContext): Buffer[] =>
  repeat(g, 0, g.rng.chance(0.6) ? 0 : 2, () => [word(g, 'GET'), b(g.rng.pick(GET_PATTERNS))]);

const limit = (g: GenContext): Buffer[] =>
  g.rng.chance(0.7) ? [] : [word(g, 'LIMIT'), int(g, -2, 6, 0.15), int(g, -2, 6, 0.15)];

const order = (g: GenContext): Buffer[] =>
  repeat(g, 0, 2, () => word(g, g.rng.pick(['ASC', 'DESC', 'ALPHA', 'ALPHA', 'DESC'])));

/** Deterministic forms: sorting by the elements or by a pattern, numerically. */
function sortedArgs(g: GenContext, store: boolean): Buffer[] {
  const by = g.rng.chance(0.4) ? [word(g, 'BY'), b(g.rng.pick(BY_PATTERNS))] : [];
  const alpha = by.length === 0 && g.rng.chance(0.4) ? [word(g, 'ALPHA')] : [];
  const desc = g.rng.chance(0.3) ? [word(g, 'DESC')] : [];
  const st = store ? [word(g, 'STORE'), key(g, g.rng.pick(['list', 'string'] as const))] : [];
  const parts = [by, alpha, desc, limit(g), gets(g), st];
  // Options come in any order.
  for (let i = parts.length - 1; i > 0; i--) {
    const j = g.rng.int(0, i);
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return [sortKey(g), ...parts.flat()];
}

/** Malformed forms: bad LIMIT numbers, missing arguments, unknown words. */
function malformed(g: GenContext): Buffer[] {
  return [
    sortKey(g),
    ...g.rng.pick([
      () => [word(g, 'LIMIT'), b(g.rng.pick(['a', '1.5', '', '9223372036854775808'])), b('1')],
      () => [word(g, 'LIMIT'), b('0')],
      () => [word(g, g.rng.pick(['BY', 'GET', 'STORE', 'BOGUS', 'LIMIT']))],
      () => [...order(g), word(g, 'BOGUS')],
    ])(),
  ];
}

export const SORT_COMMANDS: readonly CommandRow[] = [
  { name: 'SORT', family: 'keys', weight: 4, args: (g) => (g.rng.chance(0.15) ? malformed(g) : sortedArgs(g, false)) },
  { name: 'SORT', family: 'keys', weight: 2, args: (g) => sortedArgs(g, true) },
  {
    name: 'SORT_RO',
    family: 'keys',
    weight: 2,
    args: (g) => (g.rng.chance(0.2) ? malformed(g) : sortedArgs(g, g.rng.chance(0.2))),
  },
  // Unspecified order: compared as multisets, without LIMIT.
  {
    name: 'SORT',
    family: 'keys',
    weight: 1,
    reply: 'multiset',
    args: (g) => [sortKey(g), word(g, 'BY'), b(g.rng.pick(CONSTANT_BY)), ...order(g), ...gets(g)],
  },
  {
    name: 'SORT',
    family: 'keys',
    weight: 1,
    reply: 'multiset',
    args: (g) => [sortKey(g), word(g, 'BY'), b(g.rng.pick(BY_PATTERNS)), word(g, 'ALPHA'), ...gets(g)],
  },
];
