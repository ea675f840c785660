// Differential rows for COPY over every type: any key of the pool onto any other, in this or
// another database, with and without REPLACE, and malformed options.
import { b, key, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

function options(g: GenContext): Buffer[] {
  const out: Buffer[] = [];
  if (g.rng.chance(0.3)) out.push(word(g, 'DB'), b(g.rng.pick(['0', '0', '1', '15', '16', '-1', 'a', ''])));
  if (g.rng.chance(0.4)) out.push(word(g, 'REPLACE'));
  if (g.rng.chance(0.05)) out.push(word(g, g.rng.pick(['BOGUS', 'DB'])));
  return g.rng.chance(0.5) ? out : out.reverse();
}

export const COPY_COMMANDS: readonly CommandRow[] = [
  { name: 'COPY', family: 'keys', weight: 3, args: (g) => [key(g), key(g), ...options(g)] },
];
