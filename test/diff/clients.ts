// Differential rows for the commands that act on other clients, in the single-connection forms
// that compare exactly: blocking pops with data present or with short timeouts (never 0: the
// harness has no second client to serve them), PUBLISH and PUBSUB counts with no subscriber,
// CLIENT REPLY ON and its errors, CLIENT NO-EVICT, CLIENT UNBLOCK of clients that are not blocked.
import { b, int, key, keys, repeat, value, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

/** A timeout that ends quickly (rounded up to whole ms) or is malformed; never 0 (forever). */
const timeout = (g: GenContext): Buffer =>
  b(g.rng.pick(['0.01', '0.01', '0.001', '0.0001', '1e-2', '0x1p-8', '-1', 'x', 'nan', 'inf', '', ' 1', '0.01 ']));

const side = (g: GenContext): Buffer => word(g, g.rng.pick(['LEFT', 'RIGHT', 'LEFT', 'RIGHT', 'UP']));

const channel = (g: GenContext): Buffer => b(g.rng.pick(['news', 'n*', 'chan', '', 'x y']));

export const clientRows: CommandRow[] = [
  // keepArity on every blocking row: an extra argument in the timeout's place could be 0.
  { name: 'BLPOP', family: 'list', weight: 2, keepArity: true, args: (g) => [...keys(g, 1, 3, 'list'), timeout(g)] },
  { name: 'BRPOP', family: 'list', weight: 2, keepArity: true, args: (g) => [...keys(g, 1, 3, 'list'), timeout(g)] },
  {
    name: 'BLMPOP',
    family: 'list',
    weight: 1,
    keepArity: true,
    args: (g) => {
      const ks = keys(g, 1, 3, 'list');
      const n = g.rng.chance(0.9) ? String(ks.length) : g.rng.pick(['0', '-1', '9', 'x']);
      const count = g.rng.chance(0.5) ? [word(g, 'COUNT'), int(g, -1, 4)] : [];
      return [timeout(g), b(n), ...ks, side(g), ...count];
    },
  },
  {
    name: 'BLMOVE',
    family: 'list',
    weight: 1,
    keepArity: true,
    args: (g) => [key(g, 'list'), key(g, 'list'), side(g), side(g), timeout(g)],
  },
  {
    name: 'BRPOPLPUSH',
    family: 'list',
    weight: 1,
    keepArity: true,
    args: (g) => [key(g, 'list'), key(g, 'list'), timeout(g)],
  },
  { name: 'PUBLISH', family: 'connection', weight: 1, args: (g) => [channel(g), value(g)] },
  {
    name: 'PUBSUB',
    family: 'connection',
    weight: 1,
    keepArity: true,
    args: (g) =>
      g.rng.pick([
        () => [word(g, 'NUMSUB'), ...repeat(g, 0, 3, () => channel(g))],
        () => [word(g, 'NUMPAT')],
        () => [word(g, 'CHANNELS')],
        () => [word(g, 'CHANNELS'), channel(g)],
        () => [word(g, 'HELP')],
      ])(),
  },
  {
    name: 'CLIENT',
    family: 'connection',
    weight: 1,
    keepArity: true,
    args: (g) =>
      g.rng.pick([
        () => [word(g, 'REPLY'), word(g, 'ON')],
        () => [word(g, 'REPLY'), word(g, g.rng.pick(['bogus', 'ONN']))],
        () => [word(g, 'NO-EVICT'), word(g, g.rng.pick(['on', 'off', 'maybe']))],
        () => [
          word(g, 'UNBLOCK'),
          b(g.rng.pick(['999999', '0', '-1', 'x'])),
          ...(g.rng.chance(0.5) ? [word(g, g.rng.pick(['TIMEOUT', 'ERROR', 'x']))] : []),
        ],
        () => [word(g, 'KILL'), word(g, 'ID'), b(g.rng.pick(['999999', '0', 'x']))],
        () => [word(g, 'KILL'), word(g, 'TYPE'), word(g, g.rng.pick(['master', 'replica', 'bogus']))],
        () => [word(g, 'KILL'), b('10.1.2.3:4')],
      ])(),
  },
];
