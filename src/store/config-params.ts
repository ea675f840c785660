// CONFIG GET/SET parameters: the tiering knobs (threshold, target ratio and its bounds, exhaustion
// policy, tier limits), the data plane's encoding thresholds and limits (pushed to the engine),
// plus the few standard ones clients and redis-benchmark ask for.

import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseBytes, parseMemory, parseRatio, ratioToShare, shareToRatio } from '../units.js';
import { DEFAULT_MIGRATE_RATE, MAXMEMORY_POLICIES } from './tiering.js';
import { DEFAULT_CONTROLLER_PARAMS } from '../controller/params.js';
import { formatMemory, quoteArg } from './conf-file.js';
import { formatSavePoints, parseSavePoints, type Persistence } from './persistence.js';
import { AOF_PARAMS } from './aof-config.js';
import { completeWithRedis } from './config-accepted.js';
import { memtoull } from './config-redis.js';
import { ENGINE_DEFAULTS } from './engine-defaults.js';
import { LATENCY_TRACKING_PARAMS } from './latency-config.js';
import { HZ_PARAMS } from './hz.js';
import { DEFAULT_OUTPUT_LIMITS, OUTPUT_CLASSES, type OutputClass, type StoreHost } from './host.js';

export interface ConfigParam {
  readonly name: string;
  /** Redis's older name for it (hash-max-ziplist-entries, slave-read-only): same value. */
  readonly alias?: string;
  /** Redis's PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs (dir, dbfilename). */
  readonly protected?: boolean;
  /** Redis's HIDDEN_CONFIG: CONFIG GET shows it only when asked by its exact name. */
  readonly hidden?: boolean;
  /** set/validate take values beyond 2^53 exactly (BigInt to the engine); without it a Redis
   *  number beyond 2^53 reaches them as 2^53 (config-accepted.ts). */
  readonly exact?: boolean;
  /** Accepted and stored as Redis does, but nothing here acts on it: why (config-accepted.ts). */
  readonly noEffect?: string;
  get(e: StoreHost): string;
  /** Apply a value; returns null, or the reason it was refused. Absent: immutable. */
  set?(e: StoreHost, value: string): string | null;
  /** Check a value without applying it (CONFIG SET checks every value before it applies any);
   *  returns null, or the reason. Absent: only applying can tell. Needs no store (a config file's
   *  values are checked before anything starts). */
  validate?(e: StoreHost | null, value: string): string | null;
  /** How a config file sets it at start-up where CONFIG SET may not (immutable parameters). */
  load?(e: StoreHost, value: string): string | null;
  /** A config file line may give it several arguments (joined by spaces), as Redis's MULTI_ARG. */
  readonly multiArg?: boolean;
  /** CONFIG REWRITE writes it when its value (as get shows it) is not this; absent: always. */
  readonly default?: string;
  /** How CONFIG REWRITE writes the value: as Redis writes memory values (4gb), quoted, or as is. */
  readonly format?: 'memory' | 'string';
  /** CONFIG REWRITE's lines where one `name value` line does not say it (save, per-class
   *  limits, values only meaningful in some states); null: no line, the file's are removed. */
  rewrite?(e: StoreHost): readonly RewriteLine[] | null;
}

/** A whole config line, and whether it is written even where the file has no line of it. */
export interface RewriteLine {
  readonly line: string;
  readonly force: boolean;
}

const NOT_MEMORY = 'argument must be a memory value';

function memoryParam(
  name: string,
  get: (e: StoreHost) => number,
  set: (e: StoreHost, n: number) => string | null,
  dflt?: number,
): ConfigParam {
  return {
    name,
    format: 'memory',
    ...(dflt === undefined ? {} : { default: String(dflt) }),
    get: (e) => String(get(e)),
    set: (e, v) => {
      const n = parseMemory(v);
      return n === null ? NOT_MEMORY : set(e, n);
    },
    validate: (_e, v) => (parseMemory(v) === null ? NOT_MEMORY : null),
  };
}

/** What the engine is given: a number while exact, else the BigInt. */
function engineValue(n: bigint): number | bigint {
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  return n <= safe && n >= -safe ? Number(n) : n;
}

/** A memory parameter the engine enforces, exact to Redis's range (up to 2^64-1). */
function exactMemoryParam(
  name: string,
  get: (e: StoreHost) => number | bigint,
  set: (e: StoreHost, n: bigint) => string | null,
  dflt: number,
): ConfigParam {
  return {
    name,
    format: 'memory',
    exact: true,
    default: String(dflt),
    get: (e) => String(get(e)),
    set: (e, v) => {
      const n = parseBytes(v);
      return n === null ? NOT_MEMORY : set(e, n);
    },
    validate: (_e, v) => (parseBytes(v) === null ? NOT_MEMORY : null),
  };
}

/** Run a controller/allocator setter, turning its validation error into a CONFIG SET reason. */
function attempt(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A Redis integer parameter stored in host.access. */
function accessInteger(
  name: string,
  key: 'maxClients' | 'timeout' | 'tcpKeepalive',
  min: number,
  max: number,
  dflt: number,
): ConfigParam {
  return {
    name,
    default: String(dflt),
    get: (e) => String(e.access[key]),
    set: (e, v) => {
      if (!/^-?\d+$/.test(v.trim())) return "argument couldn't be parsed into an integer";
      const n = Number(v.trim());
      if (n < min || n > max) return `argument must be between ${min} and ${max} inclusive`;
      e.access[key] = n;
      return null;
    },
  };
}

const NO_CONTROLLER = 'no ratio controller is attached to this store';

/** The engine's encoding thresholds: name, range (Redis 7's; list-compress-depth is accepted, no
 *  compression; set-max-listpack-* are Redis 7.2's, a tiermem extension). */
const LONG_MAX = 2n ** 63n - 1n;
const ENCODING_PARAMS: readonly [string, bigint, bigint][] = [
  ['hash-max-listpack-entries', 0n, LONG_MAX],
  ['hash-max-listpack-value', 0n, LONG_MAX],
  ['list-max-listpack-size', -(2n ** 31n), 2n ** 31n - 1n],
  ['set-max-intset-entries', 0n, LONG_MAX],
  ['set-max-listpack-entries', 0n, LONG_MAX],
  ['set-max-listpack-value', 0n, LONG_MAX],
  ['zset-max-listpack-entries', 0n, LONG_MAX],
  ['zset-max-listpack-value', 0n, LONG_MAX],
];

/** An integer parameter the engine owns (its start value in engine-defaults.ts), exact over its
 *  whole range (int64); the value shown is the last one set. */
function engineInteger(name: string, min: bigint, max: bigint): ConfigParam {
  const dflt = ENGINE_DEFAULTS.get(name)!;
  const values = new WeakMap<StoreHost, bigint>();
  const outOfRange = (v: string): string | null => {
    if (!/^-?\d+$/.test(v.trim())) return "argument couldn't be parsed into an integer";
    const n = BigInt(v.trim());
    return n >= min && n <= max ? null : `argument must be between ${min} and ${max} inclusive`;
  };
  return {
    name,
    exact: true,
    default: String(dflt),
    get: (e) => String(values.get(e) ?? dflt),
    set: (e, v) => {
      const why = outOfRange(v);
      if (why !== null) return why;
      const n = BigInt(v.trim());
      e.applyLimit(name, engineValue(n));
      values.set(e, n);
      return null;
    },
    validate: (_e, v) => outOfRange(v),
  };
}

const NO_PERSISTENCE = 'this store was started without persistence';

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

/** A yes/no parameter of the persistence state. */
function persistBool(
  name: string,
  get: (p: Persistence) => boolean,
  set: (p: Persistence, v: boolean) => void,
): ConfigParam {
  return {
    name,
    default: 'yes',
    get: (e) => (e.persistence ? yesNo(get(e.persistence)) : 'yes'),
    set: (e, v) => {
      const p = e.persistence;
      if (!p) return NO_PERSISTENCE;
      const l = v.toLowerCase();
      if (l !== 'yes' && l !== 'no') return "argument must be 'yes' or 'no'";
      set(p, l === 'yes');
      return null;
    },
  };
}

/** RDB persistence (Redis's names and errors); see persistence.ts. */
const PERSISTENCE_PARAMS: readonly ConfigParam[] = [
  {
    name: 'save',
    multiArg: true,
    // Every save point on a line of its own, or save "" (Redis: so the defaults do not return).
    rewrite: (e) => {
      const points = e.persistence?.savePoints ?? [];
      if (points.length === 0) return [{ line: 'save ""', force: true }];
      return formatSavePoints(points)
        .split(' ')
        .flatMap((v, i, a) => (i % 2 === 0 ? [{ line: `save ${v} ${a[i + 1]}`, force: true }] : []));
    },
    get: (e) => (e.persistence ? formatSavePoints(e.persistence.savePoints) : ''),
    set: (e, v) => {
      const points = parseSavePoints(v);
      if (points === null) return 'Invalid save parameters';
      if (!e.persistence) return points.length === 0 ? null : NO_PERSISTENCE;
      e.persistence.setSavePoints(points);
      return null;
    },
  },
  {
    name: 'dir',
    format: 'string',
    get: (e) => e.persistence?.dir ?? process.cwd(),
    set: (e, v) => {
      if (!e.persistence) return NO_PERSISTENCE;
      const r = checkDir(v);
      if (r !== null) return r;
      e.persistence.dir = resolvePath(v);
      if (e.aof) e.aof.dir = e.persistence.dir;
      return null;
    },
  },
  {
    name: 'dbfilename',
    format: 'string',
    default: 'dump.rdb',
    get: (e) => e.persistence?.dbfilename ?? 'dump.rdb',
    set: (e, v) => {
      if (!e.persistence) return NO_PERSISTENCE;
      if (v.includes('/')) return "dbfilename can't be a path, just a filename";
      e.persistence.dbfilename = v;
      return null;
    },
  },
  persistBool(
    'rdbcompression',
    (p) => p.rdbcompression,
    (p, v) => p.setCompression(v),
  ),
  persistBool(
    'rdbchecksum',
    (p) => p.rdbchecksum,
    (p, v) => p.setChecksum(v),
  ),
  persistBool(
    'stop-writes-on-bgsave-error',
    (p) => p.stopWritesOnBgsaveError,
    (p, v) => p.setStopWrites(v),
  ),
  memoryParam(
    'snapshot-buffer-size',
    (e) => e.persistence?.snapshotBufferLimit ?? 0,
    (e, n) => {
      if (!e.persistence) return NO_PERSISTENCE;
      e.persistence.snapshotBufferLimit = n;
      return null;
    },
    0,
  ),
];

const STORE_PARAMS: readonly ConfigParam[] = [
  {
    // CONFIG REWRITE writes it only while CONFIG SET holds it fixed: under the controller it is state.
    ...memoryParam(
      'pmem-threshold',
      (e) => e.alloc.threshold,
      (e, n) =>
        attempt(() => {
          // A fixed threshold means the controller must stop moving it.
          e.alloc.threshold = n;
          if (e.controller) e.controller.pause();
          e.staticThreshold = true;
        }),
    ),
    rewrite: (e) =>
      e.staticThreshold ? [{ line: `pmem-threshold ${formatMemory(e.alloc.threshold)}`, force: true }] : null,
  },
  {
    name: 'memory-alloc-policy',
    rewrite: (e) =>
      e.controller
        ? [{ line: `memory-alloc-policy ${memoryAllocPolicy(e)}`, force: memoryAllocPolicy(e) !== 'ratio' }]
        : null,
    get: (e) => memoryAllocPolicy(e),
    set: (e, v) => {
      const p = v.toLowerCase();
      if (p === 'threshold') {
        e.controller?.pause();
        e.staticThreshold = true;
        return null;
      }
      if (p === 'ratio') {
        if (!e.controller) return NO_CONTROLLER;
        e.controller.resume();
        e.staticThreshold = false;
        return null;
      }
      return 'argument(s) must be one of the following: ratio, threshold';
    },
  },
  {
    name: 'dram-pmem-ratio',
    rewrite: (e) =>
      e.controller
        ? [
            {
              line: `dram-pmem-ratio ${shareToRatio(e.controller.params.targetShare)}`,
              force: e.controller.params.targetShare !== DEFAULT_CONTROLLER_PARAMS.targetShare,
            },
          ]
        : null,
    get: (e) => (e.controller ? shareToRatio(e.controller.params.targetShare) : ''),
    set: (e, v) => {
      const c = e.controller;
      if (!c) return NO_CONTROLLER;
      return attempt(() => {
        c.set({ targetShare: ratioToShare(parseRatio(v)) });
        c.resume(); // a new target means: steer to it
        e.staticThreshold = false;
      });
    },
  },
  memoryParam(
    'dynamic-threshold-min',
    (e) => e.controller?.params.minThreshold ?? 0,
    (e, n) => {
      const c = e.controller;
      return c ? attempt(() => c.set({ minThreshold: n })) : NO_CONTROLLER;
    },
    DEFAULT_CONTROLLER_PARAMS.minThreshold,
  ),
  memoryParam(
    'dynamic-threshold-max',
    (e) => e.controller?.params.maxThreshold ?? 0,
    (e, n) => {
      const c = e.controller;
      return c ? attempt(() => c.set({ maxThreshold: n })) : NO_CONTROLLER;
    },
    DEFAULT_CONTROLLER_PARAMS.maxThreshold,
  ),
  {
    name: 'tier-policy',
    default: 'spill',
    get: (e) => e.alloc.policy,
    set: (e, v) => {
      const p = v.toLowerCase();
      if (p !== 'spill' && p !== 'strict') return 'argument(s) must be one of the following: spill, strict';
      e.alloc.policy = p;
      return null;
    },
  },
  memoryParam(
    'dram-limit',
    (e) => e.alloc.stats().tiers.dram.limit,
    (e, n) => attempt(() => e.alloc.setLimit('dram', n)),
    0,
  ),
  memoryParam(
    'pmem-limit',
    (e) => e.alloc.stats().tiers.pmem.limit,
    (e, n) => attempt(() => e.alloc.setLimit('pmem', n)),
    0,
  ),
  exactMemoryParam(
    'proto-max-bulk-len',
    (e) => e.limits.maxBulkLen,
    (e, n) => {
      if (n < 1024n * 1024n || n > LONG_MAX) return `argument must be between 1048576 and ${LONG_MAX} inclusive`;
      e.limits.maxBulkLen = engineValue(n);
      e.applyLimit('proto-max-bulk-len', engineValue(n));
      return null;
    },
    512 * 1024 * 1024,
  ),
  exactMemoryParam(
    'client-query-buffer-limit',
    (e) => e.limits.maxQueryBuffer,
    (e, n) => {
      if (n < 1024n * 1024n || n > LONG_MAX) return `argument must be between 1048576 and ${LONG_MAX} inclusive`;
      e.limits.maxQueryBuffer = engineValue(n);
      e.applyLimit('client-query-buffer-limit', engineValue(n));
      return null;
    },
    1024 * 1024 * 1024,
  ),
  ...ENCODING_PARAMS.map(([name, min, max]) => engineInteger(name, min, max)),
  engineInteger('active-expire-effort', 1n, 10n),
  ...HZ_PARAMS,
  engineInteger('slowlog-log-slower-than', -1n, LONG_MAX),
  engineInteger('slowlog-max-len', 0n, LONG_MAX),
  engineInteger('acllog-max-len', 0n, LONG_MAX),
  engineInteger('latency-monitor-threshold', 0n, LONG_MAX),
  ...LATENCY_TRACKING_PARAMS,
  {
    // Redis's format and validation; the normal and pubsub classes apply (there are no replicas).
    name: 'client-output-buffer-limit',
    multiArg: true,
    // One line per class, as Redis writes them (replica for slave), each when not the default.
    rewrite: (e) =>
      e.limits.output.map((l, i) => {
        const d = DEFAULT_OUTPUT_LIMITS[i]!;
        return {
          line: `client-output-buffer-limit ${OUTPUT_CLASSES[i]} ${formatMemory(l.hard)} ${formatMemory(l.soft)} ${l.softSeconds}`,
          force: l.hard !== d.hard || l.soft !== d.soft || l.softSeconds !== d.softSeconds,
        };
      }),
    get: (e) =>
      e.limits.output
        .map(
          (l, i) =>
            `${OUTPUT_CLASSES[i] === 'replica' ? 'slave' : OUTPUT_CLASSES[i]} ${l.hard} ${l.soft} ${l.softSeconds}`,
        )
        .join(' '),
    set: (e, v) => {
      const t = v.trim().split(/\s+/);
      if (t.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
      const next = e.limits.output.map((l) => ({ ...l }));
      for (let i = 0; i < t.length; i += 4) {
        const name = t[i]!.toLowerCase();
        const cls = OUTPUT_CLASSES.indexOf((name === 'slave' ? 'replica' : name) as OutputClass);
        if (cls < 0) return 'Invalid client class specified in buffer limit configuration.';
        // Redis's memtoull: exact up to 2^64-1 (a BigInt beyond 2^53).
        const hard = memtoull(t[i + 1]!);
        const soft = memtoull(t[i + 2]!);
        const secs = /^\d+$/.test(t[i + 3]!) ? Number(t[i + 3]) : null;
        if (hard === null || soft === null || secs === null) {
          return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
        }
        next[cls] = { hard: engineValue(hard), soft: engineValue(soft), softSeconds: secs };
      }
      // Every class given or none (CONFIG SET is all-or-nothing).
      next.forEach((l, i) => (e.limits.output[i] = l));
      return null;
    },
  },
  ...PERSISTENCE_PARAMS,
  ...AOF_PARAMS,
  // Opened with the last start-up value (startupDatabases); each line is only checked here.
  { name: 'databases', default: '16', get: (e) => String(e.info().databases), load: () => null },
  // Access (security.ts): the engine hashes requirepass; CONFIG GET shows it back, as Redis does.
  {
    name: 'requirepass',
    // Redis: no password, no line (and the file's are removed); a password is always written.
    rewrite: (e) =>
      e.access.requirepass === '' ? null : [{ line: `requirepass ${quoteArg(e.access.requirepass)}`, force: true }],
    get: (e) => e.access.requirepass,
    set: (e, v) => {
      e.setRequirepass(Buffer.from(v, 'latin1'));
      return null;
    },
  },
  {
    // Immutable as in Redis: a config file or flag names it; the users load once settings apply.
    name: 'aclfile',
    format: 'string',
    default: '',
    get: (e) => e.aclfile,
    load: (e, v) => {
      e.setAclFile(v);
      return null;
    },
  },
  {
    name: 'protected-mode',
    default: 'yes',
    get: (e) => (e.access.protectedMode ? 'yes' : 'no'),
    set: (e, v) => {
      const b = v.toLowerCase();
      if (b !== 'yes' && b !== 'no') return "argument must be 'yes' or 'no'";
      e.access.protectedMode = b === 'yes';
      return null;
    },
  },
  accessInteger('maxclients', 'maxClients', 1, 4294967295, 10000),
  accessInteger('timeout', 'timeout', 0, 2147483647, 0),
  accessInteger('tcp-keepalive', 'tcpKeepalive', 0, 2147483647, 300),
  // maxmemory counts every byte the store holds on both tiers (native/store/evict.h).
  exactMemoryParam(
    'maxmemory',
    (e) => e.info().tiering.maxmemory,
    (e, n) => {
      if (n >= 2n ** 64n) return NOT_MEMORY;
      e.applyLimit('maxmemory', engineValue(n));
      return null;
    },
    0,
  ),
  {
    name: 'maxmemory-policy',
    default: 'noeviction',
    get: (e) => MAXMEMORY_POLICIES[e.info().tiering.maxmemoryPolicy] ?? 'noeviction',
    set: (e, v) => {
      const i = (MAXMEMORY_POLICIES as readonly string[]).indexOf(v.toLowerCase());
      if (i < 0)
        return (
          'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, ' +
          'volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'
        );
      e.applyLimit('maxmemory-policy', i);
      return null;
    },
  },
  engineInteger('maxmemory-samples', 1n, 2n ** 31n - 1n),
  engineInteger('lfu-log-factor', 0n, 2n ** 31n - 1n),
  engineInteger('lfu-decay-time', 0n, 2n ** 31n - 1n),
  // The migrator's byte-rate budget (bytes/s, Redis memory units; 0 = no migration).
  memoryParam(
    'tier-migrate-rate',
    (e) => e.info().tiering.migrateRate,
    (e, n) => {
      e.applyLimit('tier-migrate-rate', n);
      return null;
    },
    DEFAULT_MIGRATE_RATE,
  ),
  {
    name: 'port',
    // The port asked for: port 0 (any free port) stays 0 rather than this run's port.
    rewrite: (e) => [{ line: `port ${e.configuredPort}`, force: e.configuredPort !== 6379 }],
    get: (e) => String(e.port),
    // Redis re-listens; this store's socket is fixed once it listens (Redis checks the value first).
    set: () => 'tiermem cannot change the port of a running store (restart it with --port)',
  },
  {
    // The address the store listens on (--host, or a config file's first bind address).
    name: 'bind',
    multiArg: true,
    rewrite: (e) => [{ line: `bind ${e.bindAddress}`, force: e.bindAddress !== '127.0.0.1' }],
    get: (e) => e.bindAddress,
    set: () => 'tiermem cannot change the address of a running store (restart it with --host)',
    load: (e, v) =>
      bindHost(v) === e.bindAddress ? null : `tiermem listens on one address, given with --host (${e.bindAddress})`,
  },
];

/** The store's parameters behind Redis's checks, then every other Redis 7.0.15 parameter. */
export const CONFIG_PARAMS: readonly ConfigParam[] = completeWithRedis(STORE_PARAMS);

/** By name and by alias (lower case). */
export const CONFIG_BY_NAME: ReadonlyMap<string, ConfigParam> = new Map(
  CONFIG_PARAMS.flatMap((p) => [[p.name, p] as const, ...(p.alias ? [[p.alias, p] as const] : [])]),
);

/** Redis's CONFIG SET dir fails with the chdir error text. */
function checkDir(v: string): string | null {
  try {
    return statSync(v).isDirectory() ? null : 'Not a directory';
  } catch {
    return 'No such file or directory';
  }
}

/** The address a bind value makes the store listen on: its first (a leading '-' means optional;
 *  '*' any IPv4 address). A store listens on one address. */
export function bindHost(v: string): string {
  const first = (v.trim().split(/\s+/)[0] ?? '').replace(/^-/, '');
  return first === '*' ? '0.0.0.0' : first;
}

function memoryAllocPolicy(e: StoreHost): string {
  return e.controller && e.controller.status !== 'paused' ? 'ratio' : 'threshold';
}
