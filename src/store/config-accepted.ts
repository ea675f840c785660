// Completes the store's CONFIG table (config-params.ts) to Redis 7.0.15's: each parameter the store
// implements gets Redis's checks, flags and aliases (config-redis.ts) in front of its own; every
// other Redis parameter is accepted and stored as Redis would store it (CONFIG GET shows it,
// CONFIG SET checks it exactly as Redis does, CONFIG REWRITE writes it, a redis.conf line of it
// loads) but nothing here acts on it: NO_EFFECT says why, and docs/config.md lists them.

import type { ConfigParam } from './config-params.js';
import type { StoreHost } from './host.js';
import {
  REDIS_OWN_SPECIALS,
  REDIS_PARAMS,
  REDIS_PARAM_BY_NAME,
  parseRedisValue,
  redisDefault,
  redisRewrite,
  splitMultiArg,
  type RedisParam,
} from './config-redis.js';

const REPLICATION = 'no replication: this store is always a master with no replicas';
const CLUSTER = 'no cluster mode';
const TLS = 'no TLS listener (plain TCP only)';
const PROCESS = 'process management is the supervisor’s: tiermem serve runs in the foreground';
const LOGGING = 'tiermem serve logs to stdout';
const DEFRAG = 'no active defragmenter (memkind’s allocator)';
const THREADS = 'the data plane is one thread per store';
const LAZYFREE = 'DEL, FLUSHALL and eviction free big values in bounded steps regardless (lazyfree.h)';
const STREAMS = 'no stream type';

/**
 * Why each Redis parameter the store does not implement has no effect here. Values that would
 * turn on a feature the store lacks (replicaof a master, cluster-enabled yes, a tls-port, keyspace
 * events) are refused rather than stored: see REFUSED.
 */
export const NO_EFFECT: Readonly<Record<string, string>> = {
  daemonize: PROCESS,
  supervised: PROCESS,
  pidfile: PROCESS,
  'set-proc-title': PROCESS,
  'proc-title-template': PROCESS,
  'always-show-logo': LOGGING,
  logfile: LOGGING,
  loglevel: LOGGING,
  'syslog-enabled': LOGGING,
  'syslog-ident': LOGGING,
  'syslog-facility': LOGGING,
  'crash-log-enabled': LOGGING,
  'crash-memcheck-enabled': LOGGING,
  'use-exit-on-panic': LOGGING,
  'ignore-warnings': LOGGING,
  'io-threads': THREADS,
  'io-threads-do-reads': THREADS,
  server_cpulist: THREADS,
  bio_cpulist: THREADS,
  aof_rewrite_cpulist: 'no forked children: the AOF rewrite runs in the server process',
  bgsave_cpulist: 'no forked children: BGSAVE runs in the server process',
  'oom-score-adj': 'no forked children whose OOM score could be adjusted',
  'oom-score-adj-values': 'no forked children whose OOM score could be adjusted',
  'disable-thp': 'memkind owns the heap’s pages',
  'jemalloc-bg-thread': 'memkind owns the heap; no jemalloc background thread is configured',
  activedefrag: DEFRAG,
  'active-defrag-cycle-min': DEFRAG,
  'active-defrag-cycle-max': DEFRAG,
  'active-defrag-threshold-lower': DEFRAG,
  'active-defrag-threshold-upper': DEFRAG,
  'active-defrag-ignore-bytes': DEFRAG,
  'active-defrag-max-scan-fields': DEFRAG,
  activerehashing: 'dicts always rehash incrementally, in bounded steps',
  'lazyfree-lazy-eviction': LAZYFREE,
  'lazyfree-lazy-expire': LAZYFREE,
  'lazyfree-lazy-server-del': LAZYFREE,
  'lazyfree-lazy-user-del': LAZYFREE,
  'lazyfree-lazy-user-flush': LAZYFREE,
  'list-compress-depth': 'list nodes are not LZF-compressed',
  'rdb-del-sync-files': REPLICATION,
  'rdb-save-incremental-fsync': 'the RDB file is fsynced once, when complete',
  'aof-rewrite-incremental-fsync': 'the AOF base is fsynced once, when complete',
  'no-appendfsync-on-rewrite': 'appendfsync applies during a rewrite too',
  'aof-timestamp-enabled': 'no timestamp annotations are written to the AOF',
  'aof-disable-auto-gc': 'the history files of the AOF manifest are deleted after each rewrite',
  'rdb-key-save-delay': 'a Redis test hook',
  'key-load-delay': 'a Redis test hook',
  'watchdog-period': 'no software watchdog',
  'loading-process-events-interval-bytes': 'loading is not interleaved with serving clients',
  'repl-disable-tcp-nodelay': REPLICATION,
  'repl-diskless-sync': REPLICATION,
  'repl-diskless-sync-delay': REPLICATION,
  'repl-diskless-sync-max-replicas': REPLICATION,
  'repl-diskless-load': REPLICATION,
  'repl-backlog-size': REPLICATION,
  'repl-backlog-ttl': REPLICATION,
  'repl-timeout': REPLICATION,
  'repl-ping-replica-period': REPLICATION,
  'replica-lazy-flush': REPLICATION,
  'replica-serve-stale-data': REPLICATION,
  'replica-read-only': REPLICATION,
  'replica-ignore-maxmemory': REPLICATION,
  'replica-ignore-disk-write-errors': REPLICATION,
  'replica-announced': REPLICATION,
  'replica-announce-ip': REPLICATION,
  'replica-announce-port': REPLICATION,
  'replica-priority': REPLICATION,
  'min-replicas-to-write': REPLICATION,
  'min-replicas-max-lag': REPLICATION,
  masterauth: REPLICATION,
  masteruser: REPLICATION,
  replicaof: REPLICATION,
  'propagation-error-behavior': REPLICATION,
  'cluster-enabled': CLUSTER,
  'cluster-config-file': CLUSTER,
  'cluster-node-timeout': CLUSTER,
  'cluster-port': CLUSTER,
  'cluster-announce-ip': CLUSTER,
  'cluster-announce-hostname': CLUSTER,
  'cluster-announce-port': CLUSTER,
  'cluster-announce-bus-port': CLUSTER,
  'cluster-announce-tls-port': CLUSTER,
  'cluster-replica-validity-factor': CLUSTER,
  'cluster-replica-no-failover': CLUSTER,
  'cluster-migration-barrier': CLUSTER,
  'cluster-require-full-coverage': CLUSTER,
  'cluster-allow-reads-when-down': CLUSTER,
  'cluster-allow-pubsubshard-when-down': CLUSTER,
  'cluster-allow-replica-migration': CLUSTER,
  'cluster-link-sendbuf-limit': CLUSTER,
  'cluster-preferred-endpoint-type': CLUSTER,
  'tls-port': TLS,
  'tls-cert-file': TLS,
  'tls-key-file': TLS,
  'tls-key-file-pass': TLS,
  'tls-client-cert-file': TLS,
  'tls-client-key-file': TLS,
  'tls-client-key-file-pass': TLS,
  'tls-dh-params-file': TLS,
  'tls-ca-cert-file': TLS,
  'tls-ca-cert-dir': TLS,
  'tls-protocols': TLS,
  'tls-ciphers': TLS,
  'tls-ciphersuites': TLS,
  'tls-prefer-server-ciphers': TLS,
  'tls-session-caching': TLS,
  'tls-session-cache-size': TLS,
  'tls-session-cache-timeout': TLS,
  'tls-cluster': TLS,
  'tls-replication': TLS,
  'tls-auth-clients': TLS,
  'busy-reply-threshold': 'no scripting (EVAL, FUNCTION): nothing runs long enough to be busy',
  'stream-node-max-entries': STREAMS,
  'stream-node-max-bytes': STREAMS,
  'hll-sparse-max-bytes': 'no HyperLogLog type',
  'tracking-table-max-keys': 'no client-side caching (CLIENT TRACKING)',
  'notify-keyspace-events': 'no keyspace notifications (only the empty value is accepted)',
  'acl-pubsub-default': 'new ACL users always start with no channels (resetchannels, the default)',
  'acllog-max-len': 'no ACL LOG',
  'enable-debug-command': 'no DEBUG command',
  'enable-module-command': 'no MODULE command (no modules)',
  'sanitize-dump-payload': 'RESTORE payloads are always checked in full',
  'maxmemory-clients': 'client buffers are not evicted as a group',
  'maxmemory-eviction-tenacity': 'eviction runs to completion within the write that needs it',
  unixsocket: 'no Unix socket listener for clients',
  unixsocketperm: 'no Unix socket listener for clients',
  'tcp-backlog': 'Node’s listen backlog is used',
  'socket-mark-id': 'sockets are not marked',
  'bind-source-addr': REPLICATION,
  'shutdown-timeout': REPLICATION,
  'shutdown-on-sigint': 'SIGINT and SIGTERM close the service as `tiermem serve` documents',
  'shutdown-on-sigterm': 'SIGINT and SIGTERM close the service as `tiermem serve` documents',
};

/** Redis parameters kept the generic way (as above) whose value the store does act on. */
const STORED_AND_USED: Readonly<Record<string, string>> = {
  'enable-protected-configs': 'CONFIG SET of dir and dbfilename (commands/config.ts)',
};

/**
 * Values refused because accepting them would pretend a feature works: the parameter, and the
 * reason a value other than the default is refused (CONFIG SET, a config file, a flag).
 */
export const REFUSED: Readonly<Record<string, { readonly ok: (v: string) => boolean; readonly why: string }>> = {
  replicaof: { ok: (v) => v === '', why: 'tiermem has no replication: replicaof must be "no one"' },
  'cluster-enabled': { ok: (v) => v === 'no', why: 'tiermem has no cluster mode' },
  'tls-port': { ok: (v) => v === '0', why: 'tiermem has no TLS listener' },
  'tls-cluster': { ok: (v) => v === 'no', why: 'tiermem has no TLS' },
  'tls-replication': { ok: (v) => v === 'no', why: 'tiermem has no TLS' },
  'notify-keyspace-events': { ok: (v) => v === '', why: 'tiermem publishes no keyspace notifications' },
};

/** Redis's check of a CONFIG SET value (multi-argument values split as Redis splits them). */
function redisCheck(spec: RedisParam, value: string): { value: string } | { error: string } {
  return parseRedisValue(spec, spec.flags.multiArg ? splitMultiArg(value) : [value]);
}

function accepted(spec: RedisParam, reason: string | null): ConfigParam {
  const values = new WeakMap<StoreHost, string>();
  const refused = REFUSED[spec.name];
  const check = (v: string): { value: string } | { error: string } => {
    const r = redisCheck(spec, v);
    if ('value' in r && refused && !refused.ok(r.value)) return { error: refused.why };
    return r;
  };
  const get = (e: StoreHost): string => values.get(e) ?? redisDefault(spec);
  const set = (e: StoreHost, v: string): string | null => {
    const r = check(v);
    if ('error' in r) return r.error;
    values.set(e, r.value);
    return null;
  };
  return {
    name: spec.name,
    ...(spec.alias ? { alias: spec.alias } : {}),
    ...(spec.flags.multiArg ? { multiArg: true } : {}),
    ...(spec.flags.hidden ? { hidden: true } : {}),
    ...(spec.flags.protected ? { protected: true } : {}),
    ...(reason === null ? {} : { noEffect: reason }),
    get,
    ...(spec.flags.immutable ? { load: set } : { set }),
    validate: (_e, v) => {
      const r = check(v);
      return 'error' in r ? r.error : null;
    },
    rewrite: (e) => redisRewrite(spec, get(e)),
  };
}

/** A parameter the store implements, behind Redis's checks, flags and alias for it. */
function checked(p: ConfigParam): ConfigParam {
  const spec = REDIS_PARAM_BY_NAME.get(p.name);
  const special = REDIS_OWN_SPECIALS[p.name];
  if (spec === undefined) return special?.protected ? { ...p, protected: true } : p;
  // eslint-disable-next-line prefer-const -- hoisted for validate, defined below
  let canonical: (v: string) => string;
  const validate = (e: StoreHost | null, v: string): string | null => {
    const r = redisCheck(spec, v);
    return 'error' in r ? r.error : (p.validate?.(e, canonical(v)) ?? null);
  };
  // The store's own setter gets the value as CONFIG GET will show it (1k -> 1000, YES -> yes);
  // unless the setter is exact (p.exact), a number beyond 2^53 (Redis's "no limit" values, up to
  // 2^64-1) reaches it as 2^53, which is as unlimited there, and CONFIG GET shows the value given.
  canonical = (v: string): string => {
    const r = redisCheck(spec, v);
    if (!('value' in r) || spec.type.kind === 'special') return v;
    if (p.exact || spec.type.kind !== 'number' || !/^-?\d+$/.test(r.value)) return r.value;
    const n = BigInt(r.value);
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    return n > max ? String(max) : n < -max ? String(-max) : r.value;
  };
  const shown = new WeakMap<StoreHost, string>();
  const own = p;
  const set = own.set === undefined ? undefined : (e: StoreHost, v: string): string | null => own.set!(e, v);
  const apply =
    set === undefined
      ? undefined
      : (e: StoreHost, v: string): string | null => {
          const why = validate(e, v);
          if (why !== null) return why;
          const c = canonical(v);
          const r = set(e, c);
          if (r !== null) return r;
          const exact = redisCheck(spec, v);
          if ('value' in exact && exact.value !== c) shown.set(e, exact.value);
          else shown.delete(e);
          return null;
        };
  const get = (e: StoreHost): string => {
    const v = p.get(e);
    const exact = shown.get(e);
    return exact !== undefined && canonical(exact) === v ? exact : v;
  };
  const out: ConfigParam = {
    ...p,
    get,
    ...(spec.alias ? { alias: spec.alias } : {}),
    ...(spec.flags.hidden ? { hidden: true } : {}),
    ...(spec.flags.protected ? { protected: true } : {}),
    validate,
  };
  if (spec.flags.immutable) {
    // Only a config file or a flag sets it; CONFIG SET answers "can't set immutable config".
    const load =
      own.load === undefined ? apply : (e: StoreHost, v: string): string | null => validate(e, v) ?? own.load!(e, v);
    const rest: ConfigParam = { ...out, set: undefined };
    return load === undefined ? rest : { ...rest, load };
  }
  return apply === undefined ? out : { ...out, set: apply };
}

/** The store's parameters behind Redis's checks, then every other Redis 7.0.15 parameter. */
export function completeWithRedis(own: readonly ConfigParam[]): ConfigParam[] {
  const names = new Set(own.map((p) => p.name));
  const rest = REDIS_PARAMS.filter((s) => !names.has(s.name)).map((s) => {
    if (STORED_AND_USED[s.name] !== undefined) return accepted(s, null);
    const why = NO_EFFECT[s.name];
    if (why === undefined) throw new Error(`Redis parameter ${s.name}: neither implemented nor given a reason`);
    return accepted(s, why);
  });
  return [...own.map(checked), ...rest];
}
