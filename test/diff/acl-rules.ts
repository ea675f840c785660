// Seeded ACL SETUSER rule sequences, sent to redis-server 7.0.15 and to the store, compared reply
// by reply: the SETUSER replies (errors included), then ACL GETUSER, the user's ACL LIST line, ACL
// DRYRUN of store commands and a few real command attempts as that user.
//
// Redis 7.0 describes a user's commands from its bitmap ("+@all -@dangerous +flushdb"): the base,
// then best-fit categories (deterministic), then single commands in its command dict's order,
// which depends on a hash seed drawn at each start; so two redis-servers given the same rules
// print the single commands in different orders. canonicalRules() keeps everything else byte for
// byte and sorts only that tail.
import { type Rng } from './prng.js';
import { formatReply } from './format.js';
import type { RespValue } from './resp.js';

export const ACL_CATEGORIES: readonly string[] = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

// The store's commands, containers and subcommands, Redis's commands the store lacks, names that
// are not commands.
const COMMANDS = [
  'get',
  'set',
  'SET',
  'del',
  'incr',
  'lpush',
  'lrange',
  'hset',
  'hgetall',
  'sadd',
  'zadd',
  'zrange',
  'select',
  'flushdb',
  'flushall',
  'keys',
  'scan',
  'sort',
  'publish',
  'subscribe',
  'multi',
  'exec',
  'ping',
  'info',
  'debug',
  'auth',
  'hello',
  'config',
  'client',
  'object',
  'acl',
  'command',
  'memory',
  'xadd',
  'xrange',
  'geoadd',
  'pfadd',
  'eval',
  'fcall',
  'xinfo',
  'function',
  'cluster',
  'nosuch',
  '',
];
const SUBCOMMANDS = [
  'config|get',
  'config|set',
  'client|id',
  'client|kill',
  'object|encoding',
  'acl|whoami',
  'acl|setuser',
  'command|docs',
  'memory|usage',
  'xinfo|stream',
  'function|load',
  'config|nosuch',
  'CONFIG|GET',
];
const FIRSTARGS = [
  'select|0',
  'select|1',
  'debug|object',
  'get|k',
  'SELECT|0',
  'config|get|x',
  'get|',
  'config|',
  'nosuch|x',
];

function commandRule(rng: Rng): string {
  const sign = rng.pick(['+', '-']);
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
    case 2:
      return `${sign}@${rng.pick([...ACL_CATEGORIES, 'all', 'ALL', 'nosuch'])}`;
    case 3:
    case 4:
    case 5:
      return `${sign}${rng.pick(COMMANDS)}`;
    case 6:
    case 7:
      return `${sign}${rng.pick(SUBCOMMANDS)}`;
    case 8:
      return `+${rng.pick(FIRSTARGS)}`;
    default:
      return rng.pick(['allcommands', 'nocommands', `-${rng.pick(FIRSTARGS)}`]);
  }
}

function selectorRule(rng: Rng): string {
  if (rng.chance(0.6)) return commandRule(rng);
  return rng.pick([
    '~k*',
    '%R~r*',
    '%W~w*',
    '%RW~x',
    '~*',
    'allkeys',
    'resetkeys',
    '&ch*',
    'allchannels',
    'resetchannels',
    '&*',
    '%X~bad',
    'on',
  ]);
}

/** One SETUSER's rules. Selectors come whole ("(+get ~k*)") or spread over arguments. */
export function setuserRules(rng: Rng): string[] {
  const out: string[] = [];
  const n = rng.int(1, 8);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.7) {
      out.push(commandRule(rng));
    } else if (r < 0.8) {
      out.push(rng.pick(['on', 'nopass', '>pw', '~k*', '%R~r*', '&ch', 'allkeys', 'reset', 'resetkeys']));
    } else if (r < 0.92) {
      const inner = Array.from({ length: rng.int(0, 4) }, () => selectorRule(rng));
      if (rng.chance(0.7)) out.push(`(${inner.join(' ')})`);
      else out.push(`(${inner[0] ?? ''}`, ...inner.slice(1), ')');
    } else {
      out.push(rng.pick(['clearselectors', '(', ')', '()', '("~a b")', "('x)"]));
    }
  }
  return out;
}

/** Commands DRYRUN and real attempts check (all the store's). */
export const PROBES: readonly (readonly string[])[] = [
  ['get', 'k1'],
  ['get', 'r1'],
  ['set', 'w1', 'v'],
  ['set', 'k1', 'v'],
  ['set', 'r1', 'v', 'get'],
  ['select', '0'],
  ['select', '1'],
  ['config', 'get', 'maxmemory'],
  ['client', 'getname'],
  ['object', 'encoding', 'k1'],
  ['lpush', 'x', 'a'],
  ['sort', 'r1', 'store', 'w1'],
  ['ping'],
  ['flushdb'],
  ['publish', 'ch1', 'm'],
  ['publish', 'news', 'm'],
];

/** DRYRUN only (run for real they would put the connection in subscribed mode). */
export const DRY_PROBES: readonly (readonly string[])[] = [
  ...PROBES,
  ['subscribe', 'ch1', 'news'],
  ['psubscribe', 'ch*'],
  ['psubscribe', 'news'],
];

/** Redis 7.0's command-rule text with its single-command tail sorted (see the header). */
export function canonicalRules(rules: string): string {
  const words = rules.split(' ');
  let i = words.findIndex((w) => w === '+@all' || w === '-@all');
  if (i < 0) return rules;
  i++;
  while (i < words.length && /^[+-]@/.test(words[i]!)) i++;
  return [...words.slice(0, i), ...words.slice(i).sort()].join(' ');
}

/** An ACL LIST line with each selector's command tail sorted. */
export function canonicalLine(line: string): string {
  const parts = line.split(/ (?=\()/);
  return parts
    .map((p) => (p.startsWith('(') && p.endsWith(')') ? `(${canonicalRules(p.slice(1, -1))})` : canonicalRules(p)))
    .join(' ');
}

/** A reply with every "commands" field and ACL LIST line canonical, for comparison. */
export function canonicalReply(v: RespValue): string {
  const walk = (x: RespValue): RespValue => {
    if (x.kind === 'bulk' && x.data !== null) {
      const s = x.data.toString('latin1');
      if (/(^|\s)[+-]@all( |$)/.test(s)) return { kind: 'bulk', data: Buffer.from(canonicalLine(s), 'latin1') };
      return x;
    }
    if (x.kind === 'array' && x.items !== null) return { kind: 'array', items: x.items.map(walk) };
    return x;
  };
  return formatReply(walk(v));
}
