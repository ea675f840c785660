// Per-command latency tracking's parameters (Redis 7.0's latency-tracking and
// latency-tracking-info-percentiles): the engine keeps and formats them (native/store/latency_hist.h).

import type { ConfigParam } from './config-params.js';
import type { StoreHost } from './host.js';
import { string2d } from './strtod.js';

const PERCENTILES = 'latency-tracking-info-percentiles';

/** The percentiles of a CONFIG SET value or config file line, or Redis's reason to refuse it. */
function parsePercentiles(value: string): number[] | string {
  const args = value.split(/\s+/).filter((a) => a.length > 0);
  const out: number[] = [];
  for (const a of args) {
    const v = string2d(a);
    if (v === null) return `Invalid ${PERCENTILES} parameters`;
    if (v > 100 || v < 0) return `${PERCENTILES} parameters should sit between [0.0,100.0]`;
    out.push(v);
  }
  return out;
}

const trackingValues = new WeakMap<StoreHost, boolean>();

export const LATENCY_TRACKING_PARAMS: readonly ConfigParam[] = [
  {
    name: 'latency-tracking',
    default: 'yes',
    get: (e) => ((trackingValues.get(e) ?? true) ? 'yes' : 'no'),
    set: (e, v) => {
      const l = v.toLowerCase();
      if (l !== 'yes' && l !== 'no') return "argument must be 'yes' or 'no'";
      e.applyLimit('latency-tracking', l === 'yes' ? 1 : 0);
      trackingValues.set(e, l === 'yes');
      return null;
    },
    validate: (_e, v) => (/^(yes|no)$/i.test(v) ? null : "argument must be 'yes' or 'no'"),
  },
  {
    name: PERCENTILES,
    multiArg: true,
    default: '50 99 99.9',
    get: (e) => e.engine.latencyPercentiles(),
    set: (e, v) => {
      const p = parsePercentiles(v);
      if (typeof p === 'string') return p;
      return e.engine.latencyPercentiles(p) ? null : 'OOM command not allowed when used memory > maxmemory';
    },
    validate: (_e, v) => {
      const p = parsePercentiles(v);
      return typeof p === 'string' ? p : null;
    },
    // Always written, "" for none (Redis: so that the defaults do not come back).
    rewrite: (e) => {
      const v = e.engine.latencyPercentiles();
      return [{ line: `${PERCENTILES} ${v === '' ? '""' : v}`, force: true }];
    },
  },
];
