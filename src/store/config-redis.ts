// Redis 7.0.15's CONFIG parameters (config.c static_configs): every name and alias, its type,
// default, range and flags, and the value checks and error texts of its CONFIG SET. The store's
// parameter table (config-params.ts) takes from here how each Redis parameter is checked, shown
// and rewritten; the parameters this store has no use for are accepted and stored as Redis would
// (config-params.ts marks them, with the reason).

import { formatMemory, quoteArg } from './conf-file.js';
import { string2d } from './strtod.js';

/** Redis's config flags that change how CONFIG SET / GET treat a parameter. */
export interface RedisFlags {
  /** IMMUTABLE_CONFIG: only a config file (or a start-up flag) sets it. */
  readonly immutable?: boolean;
  /** PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs yes (or local from loopback). */
  readonly protected?: boolean;
  /** MULTI_ARG_CONFIG: several arguments, split on spaces by CONFIG SET. */
  readonly multiArg?: boolean;
  /** HIDDEN_CONFIG: CONFIG GET with a pattern does not show it. */
  readonly hidden?: boolean;
}

type Checker = (v: string) => string | null;

/** A parameter's value type, as config.c types it. Values are kept as CONFIG GET shows them. */
export type RedisType =
  | { readonly kind: 'bool'; readonly dflt: boolean; readonly check?: (v: boolean) => string | null }
  | { readonly kind: 'string'; readonly dflt: string | null; readonly emptyIsNull: boolean; readonly check?: Checker }
  | {
      readonly kind: 'enum';
      readonly values: readonly (readonly [string, number])[];
      readonly dflt: number;
      readonly check?: (v: number) => string | null;
    }
  | {
      readonly kind: 'number';
      /** Unsigned C types (unsigned, unsigned long long, size_t) compare as unsigned. */
      readonly unsigned: boolean;
      readonly lo: bigint;
      readonly hi: bigint;
      readonly dflt: bigint;
      readonly unit: 'integer' | 'memory' | 'memory-percent' | 'octal';
      /** Applied after the value is stored (hz is clamped to 1..500, as updateHZ does). */
      readonly clamp?: (n: bigint) => bigint;
    }
  | {
      readonly kind: 'special';
      /** The value a fresh redis-server shows. */
      readonly dflt: string;
      /** CONFIG SET's arguments (already split for MULTI_ARG) -> the value GET shows, or an error. */
      readonly parse: (argv: readonly string[]) => { value: string } | { error: string };
      /** Its CONFIG REWRITE lines; null: none (and the file's lines are removed). */
      readonly rewrite: (name: string, value: string) => readonly { line: string; force: boolean }[] | null;
    };

export interface RedisParam {
  readonly name: string;
  readonly alias?: string;
  readonly flags: RedisFlags;
  readonly type: RedisType;
}

const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);
const UINT_MAX = 2n ** 32n - 1n;
const LONG_MAX = 2n ** 63n - 1n;
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = -1n; // as config.c stores it: a long long bound of -1, compared as unsigned
const SSIZE_MAX = LONG_MAX;

// ----------------------------------------------------------------------------- value parsing

/** util.c string2ll: optional '-', no '+', no blanks, no leading zeros, in long long range. */
export function string2ll(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n <= LONG_MAX ? n : null;
}

/** util.c memtoull: digits then b, k, kb, m, mb, g, gb (any case); wraps as unsigned long long. */
export function memtoull(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  const m = /^([0-9]*)(.*)$/s.exec(s)!;
  const muls: Record<string, bigint> = {
    '': 1n,
    b: 1n,
    k: 1000n,
    kb: 1024n,
    m: 1000n ** 2n,
    mb: 1024n ** 2n,
    g: 1000n ** 3n,
    gb: 1024n ** 3n,
  };
  const mul = muls[m[2]!.toLowerCase()];
  if (mul === undefined || m[1]!.length >= 128) return null;
  // strtoull: no digits is 0; an overflow saturates (ERANGE is not checked).
  let v = m[1] === '' ? 0n : BigInt(m[1]!);
  if (v > 2n ** 64n - 1n) v = 2n ** 64n - 1n;
  return BigInt.asUintN(64, v * mul);
}

/** strtoll(s, 8) with the whole string consumed and no overflow (leading blanks and a sign allowed). */
function octal(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/.exec(s);
  if (m === null) return null;
  const v = m[2] === '' ? 0n : BigInt(`0o${m[2]}`);
  if (v > LONG_MAX + (m[1] === '-' ? 1n : 0n)) return null;
  return m[1] === '-' ? -v : v;
}

type NumberType = Extract<RedisType, { kind: 'number' }>;

/** numericParseString + numericBoundaryCheck: the value as a long long, or the error. */
function parseNumber(t: NumberType, s: string): { n: bigint } | { error: string } {
  let n: bigint | null = null;
  if (t.unit === 'memory' || t.unit === 'memory-percent') {
    const m = memtoull(s);
    if (m !== null) n = BigInt.asIntN(64, m);
  }
  if (n === null && t.unit === 'memory-percent' && s.length > 1 && s.endsWith('%')) {
    const p = string2ll(s.slice(0, -1));
    if (p !== null && p >= 0n) n = -p;
  }
  if (n === null && t.unit === 'octal') n = octal(s);
  if (n === null && t.unit === 'integer') n = string2ll(s);
  if (n === null) {
    const why =
      t.unit === 'memory-percent'
        ? 'argument must be a memory or percent value'
        : t.unit === 'memory'
          ? 'argument must be a memory value'
          : t.unit === 'octal'
            ? "argument couldn't be parsed as an octal number"
            : "argument couldn't be parsed into an integer";
    return { error: why };
  }
  if (t.unsigned) {
    const u = BigInt.asUintN(64, n);
    const hi = BigInt.asUintN(64, t.hi);
    const lo = BigInt.asUintN(64, t.lo);
    if (u > hi || u < lo) {
      const f = (x: bigint): string => (t.unit === 'octal' ? x.toString(8) : x.toString());
      return { error: `argument must be between ${f(lo)} and ${f(hi)} inclusive` };
    }
  } else if (t.unit === 'memory-percent' && n < 0n) {
    if (n < t.lo) return { error: `percentage argument must be less or equal to ${-t.lo}` };
  } else if (n > t.hi || n < t.lo) {
    return { error: `argument must be between ${t.lo} and ${t.hi} inclusive` };
  }
  return { n: t.clamp ? t.clamp(n) : n };
}

function showNumber(t: NumberType, n: bigint): string {
  if (t.unit === 'memory-percent' && n < 0n) return `${-n}%`;
  if (t.unit === 'memory' || t.unit === 'memory-percent') return BigInt.asUintN(64, n).toString();
  if (t.unit === 'octal') return n.toString(8);
  return n.toString();
}

const enumError = (values: readonly (readonly [string, number])[]): string =>
  `argument(s) must be one of the following: ${values.map(([n]) => n).join(', ')}`;

/** configEnumGetName: the first name of the value (bit flags: the names of its bits, in order). */
function enumName(values: readonly (readonly [string, number])[], v: number, bitflags: boolean): string {
  let names: string[] = [];
  let unmatched = v;
  for (const [n, x] of values) {
    if (x === v) return n;
    if (bitflags && x !== 0 && (unmatched & x) === x) {
      names.push(n);
      unmatched &= ~x;
    }
  }
  if (names.length === 0 || unmatched !== 0) names = ['unknown'];
  return names.join(' ');
}

/** The value a fresh redis-server 7.0.15 shows for a parameter. */
export function redisDefault(p: RedisParam): string {
  const t = p.type;
  switch (t.kind) {
    case 'bool':
      return t.dflt ? 'yes' : 'no';
    case 'string':
      return t.dflt ?? '';
    case 'enum':
      return enumName(t.values, t.dflt, p.flags.multiArg === true);
    case 'number':
      return showNumber(t, t.dflt);
    case 'special':
      return t.dflt;
  }
}

/** CONFIG SET's split of a MULTI_ARG value (sdssplitlen on single spaces: empty parts stay). */
export const splitMultiArg = (v: string): string[] => (v === '' ? [] : v.split(' '));

/**
 * Check a value as Redis's CONFIG SET (or a config file line, `argv` as read) would; returns
 * the value CONFIG GET then shows, or Redis's error text.
 */
export function parseRedisValue(p: RedisParam, argv: readonly string[]): { value: string } | { error: string } {
  const t = p.type;
  if (t.kind === 'special') return t.parse(argv);
  if (t.kind === 'enum' && p.flags.multiArg) {
    let v = 0;
    for (const a of argv) {
      const hits = t.values.filter(([n]) => n.toLowerCase() === a.toLowerCase());
      if (hits.length === 0) return { error: enumError(t.values) };
      for (const [, x] of hits) v |= x;
    }
    if (argv.length === 0) return { error: enumError(t.values) };
    const why = t.check?.(v) ?? null;
    return why !== null ? { error: why } : { value: enumName(t.values, v, true) };
  }
  const s = argv[0] ?? '';
  switch (t.kind) {
    case 'bool': {
      const l = s.toLowerCase();
      if (l !== 'yes' && l !== 'no') return { error: "argument must be 'yes' or 'no'" };
      const why = t.check?.(l === 'yes') ?? null;
      return why !== null ? { error: why } : { value: l };
    }
    case 'string': {
      const why = t.check?.(s) ?? null;
      return why !== null ? { error: why } : { value: s };
    }
    case 'enum': {
      const hit = t.values.find(([n]) => n.toLowerCase() === s.toLowerCase());
      if (hit === undefined) return { error: enumError(t.values) };
      const why = t.check?.(hit[1]) ?? null;
      return why !== null ? { error: why } : { value: enumName(t.values, hit[1], false) };
    }
    case 'number': {
      const r = parseNumber(t, s);
      return 'error' in r ? r : { value: showNumber(t, r.n) };
    }
  }
}

/** CONFIG REWRITE's lines for a value (config.c's rewriteConfig*Option); null: no line at all. */
export function redisRewrite(
  p: RedisParam,
  value: string,
): readonly { readonly line: string; readonly force: boolean }[] | null {
  const t = p.type;
  const name = p.name;
  switch (t.kind) {
    case 'special':
      return t.rewrite(name, value);
    case 'string': {
      // A NULL string (unset) is not written at all.
      if (t.emptyIsNull && value === '') return null;
      return [{ line: `${name} ${quoteArg(value)}`, force: t.dflt === null || value !== t.dflt }];
    }
    case 'number': {
      const force = value !== redisDefault(p);
      if (t.unit === 'memory' || (t.unit === 'memory-percent' && !value.endsWith('%'))) {
        return [{ line: `${name} ${formatMemory(value)}`, force }];
      }
      return [{ line: `${name} ${value}`, force }];
    }
    default:
      return [{ line: `${name} ${value}`, force: value !== redisDefault(p) }];
  }
}

// ----------------------------------------------------------------------------- the table

const bool = (name: string, dflt: boolean, flags: RedisFlags = {}, alias?: string): RedisParam => ({
  name,
  ...(alias ? { alias } : {}),
  flags,
  type: { kind: 'bool', dflt },
});

const str = (
  name: string,
  dflt: string | null,
  flags: RedisFlags = {},
  opts: { alias?: string; check?: Checker } = {},
): RedisParam => ({
  name,
  ...(opts.alias ? { alias: opts.alias } : {}),
  flags,
  type: { kind: 'string', dflt, emptyIsNull: dflt === null, ...(opts.check ? { check: opts.check } : {}) },
});

const enm = (
  name: string,
  values: readonly (readonly [string, number])[],
  dflt: number,
  flags: RedisFlags = {},
  check?: (v: number) => string | null,
): RedisParam => ({ name, flags, type: { kind: 'enum', values, dflt, ...(check ? { check } : {}) } });

interface NumOpts {
  alias?: string;
  unsigned?: boolean;
  unit?: 'integer' | 'memory' | 'memory-percent' | 'octal';
  clamp?: (n: bigint) => bigint;
}

const num = (
  name: string,
  lo: bigint,
  hi: bigint,
  dflt: bigint,
  flags: RedisFlags = {},
  o: NumOpts = {},
): RedisParam => ({
  name,
  ...(o.alias ? { alias: o.alias } : {}),
  flags,
  type: {
    kind: 'number',
    unsigned: o.unsigned === true,
    lo,
    hi,
    dflt,
    unit: o.unit ?? 'integer',
    ...(o.clamp ? { clamp: o.clamp } : {}),
  },
});

const I: RedisFlags = { immutable: true };
const U = { unsigned: true };
const MEM = { unit: 'memory' } as const;
const UMEM = { unsigned: true, unit: 'memory' } as const;

const YES_NO_LOCAL: readonly [string, number][] = [
  ['no', 0],
  ['yes', 1],
  ['local', 2],
];

const pathIsBaseName = (v: string): boolean => !v.includes('/');

/** Redis's AOF-name checks (isValidAOFfilename / isValidAOFdirname). */
export const checkAppendfilename: Checker = (v) =>
  v === ''
    ? "appendfilename can't be empty"
    : pathIsBaseName(v)
      ? null
      : "appendfilename can't be a path, just a filename";
export const checkAppenddirname: Checker = (v) =>
  v === ''
    ? "appenddirname can't be empty"
    : pathIsBaseName(v)
      ? null
      : "appenddirname can't be a path, just a dirname";
export const checkDbfilename: Checker = (v) =>
  pathIsBaseName(v) ? null : "dbfilename can't be a path, just a filename";

function checkHostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  // isValidAnnouncedHostname looks at each character (its loop reads the first one twice).
  return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** validateProcTitleTemplate: every {variable} known, and something left once expanded. */
function checkProcTitle(v: string): string | null {
  const bad = 'template format is invalid or contains unknown variables';
  // What each variable expands to with an empty title ('' for title, server-mode, unixsocket).
  const vars: Record<string, boolean> = {
    title: false,
    'listen-addr': true,
    'server-mode': false,
    'config-file': true,
    port: true,
    'tls-port': true,
    unixsocket: false,
  };
  let out = false;
  for (let p = 0; p < v.length;) {
    const sv = v.indexOf('{', p);
    if (sv < 0) {
      out ||= p < v.length;
      break;
    }
    if (sv > p) out = true;
    if (sv + 1 >= v.length) return bad;
    if (v[sv + 1] === '{') {
      out = true;
      p = sv + 2;
      continue;
    }
    const ev = v.indexOf('}', sv + 1);
    if (ev < 0) return bad;
    const expands = vars[v.slice(sv + 1, ev)];
    if (expands === undefined) return bad;
    out ||= expands;
    p = ev + 1;
  }
  return out ? null : bad;
}

/** notify-keyspace-events classes (notify.c), as flags. */
const NOTIFY: Readonly<Record<string, number>> = {
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 12,
  n: 1 << 13,
  K: 1 << 0,
  E: 1 << 1,
};
const NOTIFY_ALL = 'g$lshzxetd'.split('').reduce((a, c) => a | NOTIFY[c]!, 0);

function notifyFlagsToString(f: number): string {
  let s = '';
  if ((f & NOTIFY_ALL) === NOTIFY_ALL) s += 'A';
  else for (const c of 'g$lshzxetdn') if (f & NOTIFY[c]!) s += c;
  for (const c of 'KEm') if (f & NOTIFY[c]!) s += c;
  return s;
}

const single =
  (fn: (v: string) => { value: string } | { error: string }) =>
  (argv: readonly string[]): { value: string } | { error: string } =>
    argv.length !== 1 ? { error: 'wrong number of arguments' } : fn(argv[0]!);

/** "%f" then trimDoubleString: 99.900000 -> 99.9, 50.000000 -> 50. */
const percentileText = (x: number): string => x.toFixed(6).replace(/\.?0+$/, '');

/** The special parameters this store does not implement itself (see config-params.ts). */
const SPECIALS: readonly RedisParam[] = [
  {
    name: 'oom-score-adj-values',
    flags: { multiArg: true },
    type: {
      kind: 'special',
      dflt: '0 200 800',
      parse: (argv) => {
        if (argv.length !== 3) return { error: 'wrong number of arguments' };
        for (const a of argv) {
          // strtoll with the whole string consumed: "" is 0 (nothing to consume), " " is not.
          const m = a === '' || /^[ \t\n\v\f\r]*[+-]?\d+$/.test(a) ? Number(a) : NaN;
          if (!(m >= -2000 && m <= 2000))
            return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
        }
        return { value: argv.map((a) => String(Number(a))).join(' ') };
      },
      rewrite: (name, v) => [{ line: `${name} ${v}`, force: v !== '0 200 800' }],
    },
  },
  {
    name: 'notify-keyspace-events',
    flags: {},
    type: {
      kind: 'special',
      dflt: '',
      parse: single((v) => {
        let f = 0;
        for (const c of v) {
          if (c === 'A') f |= NOTIFY_ALL;
          else if (NOTIFY[c] !== undefined) f |= NOTIFY[c];
          else return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
        }
        return { value: notifyFlagsToString(f) };
      }),
      rewrite: (name, v) => [{ line: `${name} ${quoteArg(v)}`, force: v !== '' }],
    },
  },
  {
    name: 'replicaof',
    alias: 'slaveof',
    flags: { immutable: true, multiArg: true },
    type: {
      kind: 'special',
      dflt: '',
      parse: (argv) => {
        if (argv.length !== 2) return { error: 'wrong number of arguments' };
        if (argv[0]!.toLowerCase() === 'no' && argv[1]!.toLowerCase() === 'one') return { value: '' };
        const port = /^[ \t\n\v\f\r]*[+-]?\d+$/.test(argv[1]!) ? Number(argv[1]) : NaN;
        if (!(port >= 0 && port <= 65535)) return { error: 'Invalid master port' };
        return { value: `${argv[0]} ${port}` };
      },
      rewrite: (name, v) => (v === '' ? null : [{ line: `${name} ${v}`, force: true }]),
    },
  },
  {
    name: 'latency-tracking-info-percentiles',
    flags: { multiArg: true },
    type: {
      kind: 'special',
      dflt: '50 99 99.9',
      parse: (argv) => {
        const a = argv.length === 1 && argv[0] === '' ? [] : argv;
        const out: string[] = [];
        for (const s of a) {
          const x = string2d(s);
          if (x === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
          if (x > 100 || x < 0)
            return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
          out.push(percentileText(x));
        }
        return { value: out.join(' ') };
      },
      rewrite: (name, v) => [{ line: `${name} ${v === '' ? '""' : v}`, force: true }],
    },
  },
];

const SHUTDOWN_ON_SIG: readonly [string, number][] = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
];
const checkShutdownFlags = (v: number): string | null =>
  v & 1 && v & 2 ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;

/** Every Redis 7.0.15 parameter (Debian's build: with TLS, without HAVE_DEFRAG), in config.c's order. */
export const REDIS_PARAMS: readonly RedisParam[] = [
  bool('rdbchecksum', true, I),
  bool('daemonize', false, I),
  bool('io-threads-do-reads', false, I),
  bool('always-show-logo', false, I),
  bool('protected-mode', true),
  bool('rdbcompression', true),
  bool('rdb-del-sync-files', false),
  bool('activerehashing', true),
  bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true, I),
  bool('dynamic-hz', true),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true),
  bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, {}, 'cluster-slave-no-failover'),
  bool('replica-lazy-flush', false, {}, 'slave-lazy-flush'),
  bool('replica-serve-stale-data', true, {}, 'slave-serve-stale-data'),
  bool('replica-read-only', true, {}, 'slave-read-only'),
  bool('replica-ignore-maxmemory', true, {}, 'slave-ignore-maxmemory'),
  bool('jemalloc-bg-thread', true),
  {
    name: 'activedefrag',
    flags: {},
    type: {
      kind: 'bool',
      dflt: false,
      // Debian's redis-server is built without HAVE_DEFRAG, and this store has no defragmenter.
      check: (v) =>
        v
          ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
          : null,
    },
  },
  bool('syslog-enabled', false, I),
  bool('cluster-enabled', false, I),
  bool('appendonly', false),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  bool('use-exit-on-panic', false, { hidden: true }),
  bool('disable-thp', true, I),
  bool('cluster-allow-replica-migration', true),
  bool('replica-announced', true),
  bool('latency-tracking', true),
  bool('aof-disable-auto-gc', false),
  bool('replica-ignore-disk-write-errors', false),

  str('aclfile', '', I),
  str('unixsocket', null, I),
  str('pidfile', null, I),
  str('replica-announce-ip', null, {}, { alias: 'slave-announce-ip' }),
  str('masteruser', null),
  str('cluster-announce-ip', null),
  str('cluster-config-file', 'nodes.conf', I),
  str('cluster-announce-hostname', null, {}, { check: checkHostname }),
  str('syslog-ident', 'redis', I),
  str('dbfilename', 'dump.rdb', { protected: true }, { check: checkDbfilename }),
  str('appendfilename', 'appendonly.aof', I, { check: checkAppendfilename }),
  str('appenddirname', 'appendonlydir', I, { check: checkAppenddirname }),
  str('server_cpulist', null, I),
  str('bio_cpulist', null, I),
  str('aof_rewrite_cpulist', null, I),
  str('bgsave_cpulist', null, I),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', {}, { check: checkProcTitle }),
  str('bind-source-addr', null),
  str('logfile', '', I),
  str('masterauth', null),
  str('requirepass', null),

  enm(
    'supervised',
    [
      ['upstart', 1],
      ['systemd', 2],
      ['auto', 3],
      ['no', 0],
    ],
    0,
    I,
  ),
  enm(
    'syslog-facility',
    [['user', 8], ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): [string, number] => [`local${i}`, 128 + 8 * i])],
    128,
    I,
  ),
  enm(
    'repl-diskless-load',
    [
      ['disabled', 0],
      ['on-empty-db', 1],
      ['swapdb', 2],
    ],
    0,
  ),
  enm(
    'loglevel',
    [
      ['debug', 0],
      ['verbose', 1],
      ['notice', 2],
      ['warning', 3],
    ],
    2,
  ),
  enm(
    'maxmemory-policy',
    [
      ['volatile-lru', 1],
      ['volatile-lfu', 2],
      ['volatile-random', 3],
      ['volatile-ttl', 4],
      ['allkeys-lru', 5],
      ['allkeys-lfu', 6],
      ['allkeys-random', 7],
      ['noeviction', 8],
    ],
    8,
  ),
  enm(
    'appendfsync',
    [
      ['everysec', 2],
      ['always', 1],
      ['no', 0],
    ],
    2,
  ),
  enm(
    'oom-score-adj',
    [
      ['no', 0],
      ['yes', 1],
      ['relative', 1],
      ['absolute', 2],
    ],
    0,
  ),
  enm(
    'acl-pubsub-default',
    [
      ['allchannels', 1],
      ['resetchannels', 0],
    ],
    0,
  ),
  enm(
    'sanitize-dump-payload',
    [
      ['no', 0],
      ['yes', 1],
      ['clients', 2],
    ],
    0,
  ),
  enm('enable-protected-configs', YES_NO_LOCAL, 0, I),
  enm('enable-debug-command', YES_NO_LOCAL, 0, I),
  enm('enable-module-command', YES_NO_LOCAL, 0, I),
  enm(
    'cluster-preferred-endpoint-type',
    [
      ['ip', 0],
      ['hostname', 1],
      ['unknown-endpoint', 2],
    ],
    0,
  ),
  enm(
    'propagation-error-behavior',
    [
      ['ignore', 0],
      ['panic', 1],
      ['panic-on-replicas', 2],
    ],
    0,
  ),
  enm('shutdown-on-sigint', SHUTDOWN_ON_SIG, 0, { multiArg: true }, checkShutdownFlags),
  enm('shutdown-on-sigterm', SHUTDOWN_ON_SIG, 0, { multiArg: true }, checkShutdownFlags),

  num('databases', 1n, INT_MAX, 16n, I),
  num('port', 0n, 65535n, 6379n),
  num('io-threads', 1n, 128n, 1n, I),
  num('auto-aof-rewrite-percentage', 0n, INT_MAX, 100n),
  num('cluster-replica-validity-factor', 0n, INT_MAX, 10n, {}, { alias: 'cluster-slave-validity-factor' }),
  num('list-max-listpack-size', INT_MIN, INT_MAX, -2n, {}, { alias: 'list-max-ziplist-size' }),
  num('tcp-keepalive', 0n, INT_MAX, 300n),
  num('cluster-migration-barrier', 0n, INT_MAX, 1n),
  num('active-defrag-cycle-min', 1n, 99n, 1n),
  num('active-defrag-cycle-max', 1n, 99n, 25n),
  num('active-defrag-threshold-lower', 0n, 1000n, 10n),
  num('active-defrag-threshold-upper', 0n, 1000n, 100n),
  num('lfu-log-factor', 0n, INT_MAX, 10n),
  num('lfu-decay-time', 0n, INT_MAX, 1n),
  num('replica-priority', 0n, INT_MAX, 100n, {}, { alias: 'slave-priority' }),
  num('repl-diskless-sync-delay', 0n, INT_MAX, 5n),
  num('maxmemory-samples', 1n, INT_MAX, 5n),
  num('maxmemory-eviction-tenacity', 0n, 100n, 10n),
  num('timeout', 0n, INT_MAX, 0n),
  num('replica-announce-port', 0n, 65535n, 0n, {}, { alias: 'slave-announce-port' }),
  num('tcp-backlog', 0n, INT_MAX, 511n, I),
  num('cluster-port', 0n, 65535n, 0n, I),
  num('cluster-announce-bus-port', 0n, 65535n, 0n),
  num('cluster-announce-port', 0n, 65535n, 0n),
  num('cluster-announce-tls-port', 0n, 65535n, 0n),
  num('repl-timeout', 1n, INT_MAX, 60n),
  num('repl-ping-replica-period', 1n, INT_MAX, 10n, {}, { alias: 'repl-ping-slave-period' }),
  num('list-compress-depth', 0n, INT_MAX, 0n),
  num('rdb-key-save-delay', INT_MIN, INT_MAX, 0n, { hidden: true }),
  num('key-load-delay', INT_MIN, INT_MAX, 0n, { hidden: true }),
  num('active-expire-effort', 1n, 10n, 1n),
  // updateHZ keeps it within 1..500 (CONFIG GET shows the clamped value).
  num('hz', 0n, INT_MAX, 10n, {}, { clamp: (n) => (n < 1n ? 1n : n > 500n ? 500n : n) }),
  num('min-replicas-to-write', 0n, INT_MAX, 0n, {}, { alias: 'min-slaves-to-write' }),
  num('min-replicas-max-lag', 0n, INT_MAX, 10n, {}, { alias: 'min-slaves-max-lag' }),
  num('watchdog-period', 0n, INT_MAX, 0n, { hidden: true }),
  num('shutdown-timeout', 0n, INT_MAX, 10n),
  num('repl-diskless-sync-max-replicas', 0n, INT_MAX, 0n),

  num('maxclients', 1n, UINT_MAX, 10000n, {}, U),
  num('unixsocketperm', 0n, 0o777n, 0n, I, { unsigned: true, unit: 'octal' }),
  num('socket-mark-id', 0n, UINT_MAX, 0n, I, U),

  num('active-defrag-max-scan-fields', 1n, LONG_MAX, 1000n),
  num('slowlog-max-len', 0n, LONG_MAX, 128n),
  num('acllog-max-len', 0n, LONG_MAX, 128n),

  num('busy-reply-threshold', 0n, LONG_MAX, 5000n, {}, { alias: 'lua-time-limit' }),
  num('cluster-node-timeout', 0n, LLONG_MAX, 15000n),
  num('slowlog-log-slower-than', -1n, LLONG_MAX, 10000n),
  num('latency-monitor-threshold', 0n, LLONG_MAX, 0n),
  num('proto-max-bulk-len', 1024n * 1024n, LONG_MAX, 512n * 1024n * 1024n, {}, MEM),
  num('stream-node-max-entries', 0n, LLONG_MAX, 100n),
  // resizeReplicationBacklog raises it to 16kb at least.
  num('repl-backlog-size', 1n, LLONG_MAX, 1024n * 1024n, {}, { ...MEM, clamp: (n) => (n < 16384n ? 16384n : n) }),

  num('maxmemory', 0n, ULLONG_MAX, 0n, {}, UMEM),
  num('cluster-link-sendbuf-limit', 0n, ULLONG_MAX, 0n, {}, UMEM),

  num('hash-max-listpack-entries', 0n, LONG_MAX, 512n, {}, { ...U, alias: 'hash-max-ziplist-entries' }),
  num('set-max-intset-entries', 0n, LONG_MAX, 512n, {}, U),
  num('zset-max-listpack-entries', 0n, LONG_MAX, 128n, {}, { ...U, alias: 'zset-max-ziplist-entries' }),
  num('active-defrag-ignore-bytes', 1n, LLONG_MAX, 100n << 20n, {}, UMEM),
  num('hash-max-listpack-value', 0n, LONG_MAX, 64n, {}, { ...UMEM, alias: 'hash-max-ziplist-value' }),
  num('stream-node-max-bytes', 0n, LONG_MAX, 4096n, {}, UMEM),
  num('zset-max-listpack-value', 0n, LONG_MAX, 64n, {}, { ...UMEM, alias: 'zset-max-ziplist-value' }),
  num('hll-sparse-max-bytes', 0n, LONG_MAX, 3000n, {}, UMEM),
  num('tracking-table-max-keys', 0n, LONG_MAX, 1000000n, {}, U),
  num('client-query-buffer-limit', 1024n * 1024n, LONG_MAX, 1024n * 1024n * 1024n, {}, UMEM),
  num('maxmemory-clients', -100n, SSIZE_MAX, 0n, {}, { unit: 'memory-percent' }),

  num('repl-backlog-ttl', 0n, LONG_MAX, 3600n),
  num('auto-aof-rewrite-min-size', 0n, LLONG_MAX, 64n * 1024n * 1024n, {}, MEM),
  num('loading-process-events-interval-bytes', 1024n, INT_MAX, 2n * 1024n * 1024n, { hidden: true }),

  num('tls-port', 0n, 65535n, 0n),
  num('tls-session-cache-size', 0n, INT_MAX, 20n * 1024n),
  num('tls-session-cache-timeout', 0n, INT_MAX, 300n),
  bool('tls-cluster', false),
  bool('tls-replication', false),
  enm(
    'tls-auth-clients',
    [
      ['no', 0],
      ['yes', 1],
      ['optional', 2],
    ],
    1,
  ),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  str('tls-cert-file', null),
  str('tls-key-file', null),
  str('tls-key-file-pass', null),
  str('tls-client-cert-file', null),
  str('tls-client-key-file', null),
  str('tls-client-key-file-pass', null),
  str('tls-dh-params-file', null),
  str('tls-ca-cert-file', null),
  str('tls-ca-cert-dir', null),
  str('tls-protocols', null),
  str('tls-ciphers', null),
  str('tls-ciphersuites', null),

  // Special: dir, save, client-output-buffer-limit and bind are the store's own (config-params.ts).
  ...SPECIALS,
];

export const REDIS_PARAM_BY_NAME: ReadonlyMap<string, RedisParam> = new Map(REDIS_PARAMS.map((p) => [p.name, p]));

/** The special parameters config-params.ts implements itself, with Redis's flags. */
export const REDIS_OWN_SPECIALS: Readonly<Record<string, RedisFlags>> = {
  dir: { protected: true },
  save: { multiArg: true },
  'client-output-buffer-limit': { multiArg: true },
  bind: { multiArg: true },
};
