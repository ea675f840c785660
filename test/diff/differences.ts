// Deliberate differences between the store and redis-server 7.0.15. Each entry either keeps a
// command out of the generated sequences ('excluded') or accepts a differing reply ('tolerated').
// Keep this list short: anything here is behaviour the differential test no longer checks.
import { repliesMatch } from './compare.js';
import type { RespValue } from './resp.js';

export interface DeliberateDifference {
  id: string;
  reason: string;
  /** The generator never sends a command for which this holds. */
  excludes?(args: readonly Buffer[]): boolean;
  /** Replies that differ are accepted for a command for which this holds. */
  tolerates?(args: readonly Buffer[], redis: RespValue, store: RespValue): boolean;
}

const nameIs = (args: readonly Buffer[], ...names: string[]): boolean =>
  names.includes(args[0]?.toString('latin1').toUpperCase() ?? '');

/** Two arrays of bulk strings equal item by item up to each item's first NUL byte (what strcoll
 *  compares): the same order, ties aside, even where LIMIT cut a run of ties differently. */
function sameCollation(a: RespValue, b: RespValue): boolean {
  if (a.kind !== 'array' || b.kind !== 'array' || !a.items || !b.items || a.items.length !== b.items.length)
    return false;
  const prefix = (v: RespValue): string | null => {
    if (v.kind !== 'bulk' || !v.data) return null;
    const nul = v.data.indexOf(0);
    return v.data.subarray(0, nul < 0 ? v.data.length : nul).toString('latin1');
  };
  return a.items.every((x, i) => {
    const p = prefix(x);
    return p !== null && p === prefix(b.items![i]!);
  });
}

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    id: 'server-introspection',
    reason:
      "INFO, CONFIG, MEMORY, HELLO, CLIENT, COMMAND report the store's own fields (tiers, version, RESP2 only); they need field-level comparison before they can be generated",
    excludes: (args) => nameIs(args, 'INFO', 'CONFIG', 'MEMORY', 'HELLO', 'CLIENT', 'COMMAND', 'DEBUG', 'OBJECT'),
  },
  {
    id: 'sort-alpha-ties',
    reason:
      "SORT ALPHA compares with strcoll, which stops at a NUL byte: elements equal up to one tie, and ties keep the order they were loaded in, a set's internal order (Redis's differs from the store's)",
    tolerates: (args, redis, store) =>
      nameIs(args, 'SORT', 'SORT_RO') &&
      args.some((a) => a.toString('latin1').toUpperCase() === 'ALPHA') &&
      (repliesMatch('multiset', redis, store) || sameCollation(redis, store)),
  },
  {
    id: 'sort-sticky-errno',
    reason:
      "Redis 7.0's SORT tests errno after strtod without clearing it, so once any call on the server left ERANGE (a SCAN cursor past 2^64, an out-of-range score) a numeric SORT fails with this error until errno changes; the store checks each score alone",
    tolerates: (args, redis, store) =>
      nameIs(args, 'SORT', 'SORT_RO') &&
      redis.kind === 'error' &&
      redis.text.includes("One or more scores can't be converted into double") &&
      store.kind !== 'error',
  },
];

export function isExcluded(args: readonly Buffer[]): boolean {
  return DELIBERATE_DIFFERENCES.some((d) => d.excludes?.(args) ?? false);
}

export function tolerated(
  args: readonly Buffer[],
  redis: RespValue,
  store: RespValue,
): DeliberateDifference | undefined {
  return DELIBERATE_DIFFERENCES.find((d) => d.tolerates?.(args, redis, store) ?? false);
}
