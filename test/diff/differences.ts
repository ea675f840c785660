// Deliberate differences between the store and redis-server 7.0.15. Each entry either keeps a
// command out of the generated sequences ('excluded') or accepts a differing reply ('tolerated').
// Keep this list short: anything here is behaviour the differential test no longer checks.
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

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    id: 'server-introspection',
    reason:
      "INFO, CONFIG, MEMORY, HELLO, CLIENT, COMMAND report the store's own fields (tiers, version, RESP2 only); they need field-level comparison before they can be generated",
    excludes: (args) => nameIs(args, 'INFO', 'CONFIG', 'MEMORY', 'HELLO', 'CLIENT', 'COMMAND', 'DEBUG', 'OBJECT'),
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
