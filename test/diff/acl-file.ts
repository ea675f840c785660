// Differential rows for ACL HELP, ACL LOAD and ACL SAVE. The harness's servers run without an
// aclfile, so LOAD and SAVE answer Redis's "not configured to use an ACL file" (or the arity
// error); test/store.acl-file.test.ts compares them against a redis-server with --aclfile.
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
];
