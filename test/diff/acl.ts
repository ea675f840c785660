// Differential rows for ACL user management: SETUSER with random rule lists over a small pool of
// users, GETUSER, LIST, DELUSER, WHOAMI, CAT. The harness's own connection is the default user,
// which no row names (so its permissions never change); the runner deletes the pool's users when
// a sequence starts, so every seed starts from the same users. Not generated: AUTH (it would
// switch the connection's user), selectors "(...)", ACL LOAD/SAVE/LOG and so ACL HELP (not
// implemented by the store), GENPASS (random).
import { b, repeat, value, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

export const ACL_USERS: readonly string[] = ['u1', 'u2', 'alice'];

const user = (g: GenContext): Buffer => b(g.rng.pick([...ACL_USERS, ...ACL_USERS, 'nosuchuser']));

const SHA = 'a6864eb339b0e1f6e00d75293a8840abf069a2c0fe82e6e53af6ac099793c1d5'; // sha256("pw")

function rule(g: GenContext): Buffer {
  return g.rng.pick<() => Buffer>([
    () => b(g.rng.pick(['on', 'off', 'ON', 'nopass', 'resetpass', 'reset', 'allkeys', 'resetkeys'])),
    () => b(g.rng.pick(['allchannels', 'resetchannels', 'allcommands', 'nocommands'])),
    () => b(g.rng.pick(['>pw', '>other', '<pw', '<never', `#${SHA}`, `!${SHA}`, '#abc', '!nohash'])),
    () => b(`${g.rng.pick(['~', '%R~', '%W~', '%RW~', '%X~'])}${g.rng.pick(['k*', 'x', '*', 'a?b'])}`),
    () => b(`&${g.rng.pick(['ch*', 'news', '*'])}`),
    () =>
      b(`${g.rng.pick(['+', '-'])}${g.rng.pick(['get', 'set', 'SET', 'config|get', 'client|id', 'nosuch', 'acl'])}`),
    // One category besides @all: the store lists its rules in the order they were given, where
    // Redis 7.0 re-derives best-fit categories from the command bitmap (their order, and for
    // @read, @write, @dangerous... the commands the store leaves out, differ).
    () => b(`${g.rng.pick(['+', '-'])}@${g.rng.pick(['all', 'string', 'nosuchcat'])}`),
    () => b(g.rng.pick(['bogus', '', '~', '%~x', '+', '-@'])),
  ])();
}

export const ACL_COMMANDS: readonly CommandRow[] = [
  {
    name: 'ACL',
    family: 'connection',
    weight: 2,
    args: (g) => [word(g, 'SETUSER'), user(g), ...repeat(g, 0, 4, () => rule(g))],
  },
  { name: 'ACL', family: 'connection', weight: 1, args: (g) => [word(g, 'GETUSER'), user(g)] },
  { name: 'ACL', family: 'connection', weight: 0.5, args: (g) => [word(g, 'LIST')] },
  { name: 'ACL', family: 'connection', weight: 0.5, args: (g) => [word(g, 'USERS')] },
  {
    name: 'ACL',
    family: 'connection',
    weight: 0.5,
    args: (g) => [word(g, 'DELUSER'), ...repeat(g, 1, 3, () => user(g))],
  },
  { name: 'ACL', family: 'connection', weight: 0.3, args: (g) => [word(g, 'WHOAMI')] },
  { name: 'ACL', family: 'connection', weight: 0.2, args: (g) => [word(g, 'CAT')] },
  // A category's commands come in Redis's command-table dict order (its hash seed is random).
  // Only categories whose commands the store all has: keyspace, pubsub, admin, read, write...
  // also list the families it leaves out (streams, geo, HyperLogLog, scripting, cluster).
  {
    name: 'ACL',
    family: 'connection',
    weight: 0.3,
    reply: 'multiset',
    args: (g) => [
      word(g, 'CAT'),
      b(g.rng.pick(['string', 'hash', 'list', 'set', 'sortedset', 'bitmap', 'transaction', 'STRING', 'nosuch', ''])),
    ],
  },
  { name: 'ACL', family: 'connection', weight: 0.1, args: (g) => [word(g, 'BOGUS'), value(g)] },
];
