// Differential rows for ACL HELP, ACL LOAD and ACL SAVE, and ACL CAT and DRYRUN over Redis's
// commands the store lacks. The harness's servers run without an aclfile, so LOAD and SAVE answer
// Redis's "not configured to use an ACL file" (or the arity error); test/store.acl-file.test.ts
// compares them against a redis-server with --aclfile, test/store.acl-cat-dryrun.test.ts CAT and
// DRYRUN for users with rules.
import { b, repeat, value, word } from './args.js';
import type { CommandRow } from './commands.js';

export const ACL_FILE_COMMANDS: readonly CommandRow[] = [
  { name: 'ACL', family: 'connection', weight: 0.1, args: (g) => [word(g, 'HELP')] },
  {
    name: 'ACL',
    family: 'connection',
    weight: 0.2,
    args: (g) => [word(g, g.rng.pick(['LOAD', 'SAVE'])), ...repeat(g, 0, 1, () => value(g))],
  },
  { name: 'ACL', family: 'connection', weight: 0.05, args: () => [b('HELP'), b('x')] },
  // Every category, the store's commands or not (Redis's dict order is random: a multiset).
  {
    name: 'ACL',
    family: 'connection',
    weight: 0.1,
    reply: 'multiset',
    args: (g) => [
      word(g, 'CAT'),
      b(g.rng.pick(['stream', 'geo', 'hyperloglog', 'scripting', 'slow', 'fast', 'admin'])),
    ],
  },
  {
    name: 'ACL',
    family: 'connection',
    weight: 0.1,
    args: (g) => [
      word(g, 'DRYRUN'),
      b('default'),
      ...g.rng
        .pick([
          ['xadd', 's', '*', 'f', 'v'],
          ['xadd', 's'],
          ['xinfo', 'nosuch'],
          ['pfcount', 'h'],
          ['geoadd', 'g', '1', '2', 'm'],
          ['eval', 'return 1', '0'],
          ['config', 'nosuch'],
          ['nosuch'],
        ])
        .map((a) => b(a)),
    ],
  },
];
