// The append-only file's CONFIG parameters (Redis 7.0.15's names, defaults and errors); the state
// they drive is in aof.ts and aof-rewrite.ts.

import { parseBytes } from '../units.js';
import type { ConfigParam } from './config-params.js';
import type { StoreHost } from './host.js';

const NO_AOF = 'this store was started without persistence';
const YES_NO = "argument must be 'yes' or 'no'";
const FSYNC_MODES = 'argument(s) must be one of the following: everysec, always, no';
const INT_MAX = 2 ** 31 - 1;

/** aof-use-rdb-preamble of a store that does not persist: kept only to read back. */
const preambleWithoutAof = new WeakMap<StoreHost, boolean>();

const yesNo = (v: string): string | null => (/^(yes|no)$/i.test(v) ? null : YES_NO);

function percentage(v: string): string | null {
  if (!/^-?\d+$/.test(v.trim())) return "argument couldn't be parsed into an integer";
  const n = Number(v.trim());
  return n >= 0 && n <= INT_MAX ? null : `argument must be between 0 and ${INT_MAX} inclusive`;
}

export const AOF_PARAMS: readonly ConfigParam[] = [
  {
    // On at run time: a rewrite writes the base (aof_rewrite_in_progress 1), as Redis does.
    name: 'appendonly',
    default: 'no',
    get: (e) => (e.aof && e.aof.state !== 'off' ? 'yes' : 'no'),
    set: (e, v) => {
      const on = v.toLowerCase() === 'yes';
      const rw = e.aofRewrite;
      if (rw === null) return on ? NO_AOF : null;
      if (!on) {
        rw.disable();
        return null;
      }
      return rw.enable(e.engine.inExec());
    },
    validate: (_e, v) => yesNo(v),
  },
  {
    name: 'appendfsync',
    default: 'everysec',
    get: (e) => e.aof?.fsync ?? 'everysec',
    set: (e, v) => {
      const mode = v.toLowerCase();
      if (mode !== 'always' && mode !== 'everysec' && mode !== 'no') return FSYNC_MODES;
      if (!e.aof) return mode === 'everysec' ? null : NO_AOF;
      e.aof.fsync = mode;
      return null;
    },
    validate: (_e, v) => (/^(always|everysec|no)$/i.test(v) ? null : FSYNC_MODES),
  },
  {
    name: 'appenddirname',
    format: 'string',
    default: 'appendonlydir',
    get: (e) => (e.aof ? e.aof.dirname : 'appendonlydir'),
  },
  {
    name: 'appendfilename',
    format: 'string',
    default: 'appendonly.aof',
    get: (e) => (e.aof ? e.aof.filename : 'appendonly.aof'),
  },
  {
    name: 'aof-load-truncated',
    default: 'yes',
    get: (e) => (e.aof && !e.aof.loadTruncated ? 'no' : 'yes'),
    set: (e, v) => {
      const on = v.toLowerCase() === 'yes';
      if (!e.aof) return on ? null : NO_AOF;
      e.aof.loadTruncated = on;
      return null;
    },
    validate: (_e, v) => yesNo(v),
  },
  {
    // The next rewrite's base: an RDB (yes) or commands (no, a .base.aof).
    name: 'aof-use-rdb-preamble',
    default: 'yes',
    get: (e) => ((e.aof?.useRdbPreamble ?? preambleWithoutAof.get(e) ?? true) ? 'yes' : 'no'),
    set: (e, v) => {
      const yes = v.toLowerCase() === 'yes';
      if (e.aof) e.aof.useRdbPreamble = yes;
      else preambleWithoutAof.set(e, yes);
      return null;
    },
    validate: (_e, v) => yesNo(v),
  },
  {
    name: 'auto-aof-rewrite-percentage',
    default: '100',
    get: (e) => String(e.aofRewrite?.autoPercentage ?? 100),
    set: (e, v) => {
      const why = percentage(v);
      if (why !== null) return why;
      if (e.aofRewrite) e.aofRewrite.autoPercentage = Number(v.trim());
      return null;
    },
    validate: (_e, v) => percentage(v),
  },
  {
    name: 'auto-aof-rewrite-min-size',
    format: 'memory',
    // Exact to Redis's range (0..LLONG_MAX), also beyond 2^53: the cron compares it as a BigInt.
    exact: true,
    default: String(64 * 1024 * 1024),
    get: (e) => String(e.aofRewrite?.autoMinSize ?? 64n * 1024n * 1024n),
    set: (e, v) => {
      const n = parseBytes(v);
      if (n === null) return 'argument must be a memory value';
      if (e.aofRewrite) e.aofRewrite.autoMinSize = n;
      return null;
    },
    validate: (_e, v) => (parseBytes(v) === null ? 'argument must be a memory value' : null),
  },
];
