// CONFIG differential cases: for every Redis 7.0.15 parameter (src/store/config-redis.ts), CONFIG
// SET with a valid value, values out of range, of the wrong type and of the wrong form, through
// its alias too, and multi-parameter calls (all or nothing); then CONFIG GET of it. Sent to
// redis-server and to the store, the replies must be the same byte for byte, except where
// CONFIG_EXCEPTIONS says why not. Not in the random generator (commands.ts): a CONFIG SET changes
// what every later command does (encodings, limits, the listening socket), so the cases run in
// their own fixed sequence (test/store.config-diff.test.ts).

import { REDIS_PARAMS, redisDefault, type RedisParam } from '../../src/store/config-redis.js';
import { FLOAT_CONFIG_CASES } from './floats.js';

/**
 * Where the store's CONFIG differs from redis-server 7.0.15 on purpose: the parameter, what
 * differs and why. CONFIG GET * has every Redis name; these values or replies differ.
 */
export const CONFIG_EXCEPTIONS: Readonly<Record<string, string>> = {
  port: 'the port each server was started on; CONFIG SET port is refused (the socket is fixed once listening)',
  bind: 'one listening address (--host, or a config file’s first bind address); CONFIG SET bind is refused',
  dir: 'the directory each server was started in',
  save:
    'tiermem serve’s default is "" (no RDB snapshots unless asked for), where redis-server without a ' +
    'config file saves every "3600 1 300 100 60 10000"; a store started without persistence refuses save points',
  appendonly: 'a store started without persistence refuses appendonly yes',
  'client-output-buffer-limit':
    'the normal class’s hard limit defaults to 256mb (Redis: 0, unlimited), so a client that never reads cannot take the heap',
  replicaof: 'no replication: only "no one" is accepted (from a config file; it is immutable)',
  'cluster-enabled': 'no cluster mode: only "no" is accepted (from a config file; it is immutable)',
  'tls-port': 'no TLS listener: only 0 is accepted',
  'tls-cluster':
    'no TLS: only "no" is accepted (redis-server without certificates refuses "yes" too, with another text)',
  'tls-replication':
    'no TLS: only "no" is accepted (redis-server without certificates refuses "yes" too, with another text)',
  'notify-keyspace-events': 'no keyspace notifications: only "" is accepted',
  'aof-use-rdb-preamble': 'the AOF base is always an RDB file: "no" is refused',
};

/** tiermem's own parameters (CONFIG GET * shows them besides Redis's). */
export const TIERMEM_PARAMS: readonly string[] = [
  'pmem-threshold',
  'memory-alloc-policy',
  'dram-pmem-ratio',
  'dynamic-threshold-min',
  'dynamic-threshold-max',
  'tier-policy',
  'dram-limit',
  'pmem-limit',
  'tier-migrate-rate',
  'snapshot-buffer-size',
  // Redis 7.2's listpack sets, default 0: Redis 7.0's encoding (hashtable) for sets of strings.
  'set-max-listpack-entries',
  'set-max-listpack-value',
];

/** Values whose CONFIG SET would take a server away from the test (its socket, its client). */
const UNSAFE: Readonly<Record<string, readonly string[]>> = {
  port: ['0', '1', '65535'],
  bind: ['*'],
  requirepass: ['*'],
  masterauth: [],
  timeout: ['0', '1', '5', '2147483647'],
  maxclients: ['1'],
  'tls-port': ['*'],
};

function numberCases(p: RedisParam): string[] {
  const t = p.type;
  if (t.kind !== 'number') return [];
  const lo = t.unsigned ? BigInt.asUintN(64, t.lo) : t.lo;
  const hi = t.unsigned ? BigInt.asUintN(64, t.hi) : t.hi;
  const out = [String(lo), String(hi), String(lo - 1n), String(hi + 1n), 'abc', '1.5', ' 5', '+5', '010', '-0', ''];
  if (t.unit === 'memory' || t.unit === 'memory-percent') out.push('1k', '2kb', '3MB', '1g', '1gb', '5x', '-1', 'kb');
  if (t.unit === 'memory-percent') out.push('10%', '100%', '101%', '-5%', '%');
  if (t.unit === 'octal') out.push('777', '778', '0o7');
  out.push(String(t.dflt < 0n ? t.dflt : BigInt.asUintN(64, t.dflt)));
  return out;
}

function valueCases(p: RedisParam): string[] {
  const t = p.type;
  switch (t.kind) {
    case 'bool':
      return ['yes', 'no', 'YES', 'maybe', '', '1'];
    case 'enum':
      return [...t.values.map(([n]) => n), t.values[0]![0].toUpperCase(), 'bogus', ''];
    case 'number':
      return numberCases(p);
    case 'string':
      return ['x', '', 'a/b', 'a_b', 'host-1.example', '{title}', '{title} {port}', '{foo}', '{', 'x{{y'];
    case 'special':
      return [
        '',
        '1 2',
        '1 2 3',
        '0 2000 -2000',
        '1 2001 3',
        'a b c',
        'K',
        'KEA',
        'g$lshzxetd',
        'Q',
        'no one',
        'host 7000',
        'host 70000',
        '50 99.5',
        '50 100.1',
        '50 abc',
        '0 100',
        ...FLOAT_CONFIG_CASES,
      ];
  }
}

/** The CONFIG calls for one parameter: each case under its name (and alias), then its default back. */
export function configCases(p: RedisParam): string[][] {
  const unsafe = UNSAFE[p.name];
  const values = valueCases(p).filter((v) => !(unsafe?.includes('*') || unsafe?.includes(v)));
  const out: string[][] = [];
  for (const v of values) {
    out.push(['CONFIG', 'SET', p.name, v], ['CONFIG', 'GET', p.name]);
    if (p.alias) out.push(['CONFIG', 'SET', p.alias, v], ['CONFIG', 'GET', p.alias]);
  }
  if (!unsafe?.includes('*')) out.push(['CONFIG', 'SET', p.name, redisDefault(p)], ['CONFIG', 'GET', p.name]);
  return out;
}

/** Several parameters per call: all or nothing, the first problem (in argument order) reported. */
export const MULTI_CASES: readonly string[][] = [
  ['CONFIG', 'SET', 'maxmemory-samples', '7', 'hz', '20', 'lfu-log-factor', '12'],
  ['CONFIG', 'GET', 'maxmemory-samples'],
  ['CONFIG', 'SET', 'maxmemory-samples', '9', 'hz', 'x'],
  ['CONFIG', 'GET', 'maxmemory-samples'],
  ['CONFIG', 'SET', 'loglevel', 'debug', 'daemonize', 'yes'],
  ['CONFIG', 'GET', 'loglevel'],
  ['CONFIG', 'SET', 'loglevel', 'debug', 'dir', '/tmp'],
  ['CONFIG', 'SET', 'dbfilename', 'x.rdb', 'nosuch', '1'],
  ['CONFIG', 'SET', 'nosuch', '1', 'dbfilename', 'x.rdb'],
  ['CONFIG', 'SET', 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'],
  ['CONFIG', 'GET', 'hash-max-listpack-entries'],
  ['CONFIG', 'SET', 'slave-read-only', 'no', 'SLAVE-READ-ONLY', 'yes'],
  ['CONFIG', 'SET', 'repl-timeout', '0', 'repl-backlog-size', '0'],
  ['CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'maxmemory-samples', '5', 'hz', '10', 'lfu-log-factor', '10'],
  ['CONFIG', 'SET', 'loglevel', 'notice', 'slave-read-only', 'yes'],
  ['CONFIG', 'SET', 'maxmemory'],
  ['CONFIG', 'SET'],
  ['CONFIG', 'GET', 'MAXMEMORY', 'max*'],
  ['CONFIG', 'GET', 'slave*', 'replica-priority'],
  ['CONFIG', 'GET', 'use-exit-on-panic'],
  ['CONFIG', 'GET', 'use-exit*'],
  ['CONFIG', 'GET', 'nosuch'],
];

export { REDIS_PARAMS };
