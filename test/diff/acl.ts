// AUTH and ACL rows for the differential harness. Users are made and inspected under names of
// their own (the default user is never changed, so the other rows run unaffected); the
// modifiers are those whose description this store prints exactly as Redis does: a category
// taken away from a -@all base after an overlapping one was added ("+@write -@dangerous") is
// described by Redis command by command, here as the rule itself (acl.c), and Redis orders
// several categories, and single commands, in its command dict's order, which this store does
// not reproduce: one category and one command family (CONFIG) are drawn.
import { b, key, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const USERS = ['diffu1', 'diffu2'];
const MODIFIERS = [
  'on',
  'off',
  'nopass',
  'resetpass',
  '>pw1',
  '>pw2',
  '<pw1',
  '#abc',
  'allkeys',
  'resetkeys',
  '~k*',
  '%R~s*',
  '%W~h*',
  'allchannels',
  'resetchannels',
  '&ch*',
  '+@all',
  '-@all',
  '+@read',
  '+@write',
  '+get',
  '-get',
  '+config',
  '-config|set',
  '+config|get',
  '+@nosuch',
  '+nosuch',
  'bogus',
  'reset',
];

const user = (g: GenContext): Buffer => b(g.rng.pick([...USERS, 'default-not', 'nobody']));

function modifiers(g: GenContext): Buffer[] {
  const n = g.rng.pick([1, 1, 2, 3, 4]);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(b(g.rng.pick(MODIFIERS)));
  return out;
}

export const aclCommands: CommandRow[] = [
  { name: 'AUTH', family: 'connection', weight: 1, args: (g) => [b(g.rng.pick(['pw', 'default']))] },
  {
    name: 'AUTH',
    family: 'connection',
    weight: 1,
    args: (g) => [user(g), b(g.rng.pick(['pw1', 'pw2', 'x']))],
    // Back to the default user (nopass: any password), so later rows run with its permissions.
    followUps: () => [[b('AUTH'), b('default'), b('any')]],
  },
  { name: 'ACL', family: 'connection', weight: 2, args: (g) => [b('SETUSER'), b(g.rng.pick(USERS)), ...modifiers(g)] },
  { name: 'ACL', family: 'connection', weight: 2, args: (g) => [b('GETUSER'), user(g)] },
  { name: 'ACL', family: 'connection', weight: 1, args: (g) => [b('DRYRUN'), user(g), b('GET'), key(g)] },
  { name: 'ACL', family: 'connection', weight: 1, args: (g) => [b('DELUSER'), user(g)] },
  { name: 'ACL', family: 'connection', weight: 1, args: () => [b('USERS')] },
  { name: 'ACL', family: 'connection', weight: 1, args: () => [b('LIST')] },
  { name: 'ACL', family: 'connection', weight: 1, args: () => [b('WHOAMI')] },
  { name: 'ACL', family: 'connection', weight: 1, args: () => [b('CAT')] },
];
