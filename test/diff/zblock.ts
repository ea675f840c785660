// Differential rows for the blocking sorted-set pops (BZPOPMIN BZPOPMAX BZMPOP) in the forms a
// single connection can compare: data present, wrong types, malformed arguments, and short
// timeouts (never 0: the harness has no second client to serve a waiter).
import { b, int, keys, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

/** A timeout that ends quickly (rounded up to whole ms) or is malformed; never 0 (forever). */
const timeout = (g: GenContext): Buffer =>
  b(g.rng.pick(['0.01', '0.01', '0.001', '0.0001', '1e-2', '0x1p-8', '-1', 'x', 'nan', 'inf', '', ' 1', '0.01 ']));

const bzpop = (name: string): CommandRow => ({
  name,
  family: 'zset',
  weight: 2,
  keepArity: true, // an extra argument in the timeout's place could be 0
  args: (g) => [...keys(g, 1, 3, 'zset'), timeout(g)],
});

export const ZBLOCK_COMMANDS: CommandRow[] = [
  bzpop('BZPOPMIN'),
  bzpop('BZPOPMAX'),
  {
    name: 'BZMPOP',
    family: 'zset',
    weight: 2,
    keepArity: true,
    args: (g) => {
      const ks = keys(g, 1, 3, 'zset');
      const n = g.rng.chance(0.9) ? String(ks.length) : g.rng.pick(['0', '-1', '9', 'x', '9223372036854775807']);
      const count = g.rng.chance(0.5) ? [word(g, 'COUNT'), int(g, -1, 4)] : [];
      const twice = g.rng.chance(0.05) ? [word(g, 'COUNT'), b('1')] : [];
      const where = word(g, g.rng.pick(['MIN', 'MAX', 'MIN', 'MAX', 'MID']));
      return [timeout(g), b(n), ...ks, where, ...count, ...twice];
    },
  },
];
