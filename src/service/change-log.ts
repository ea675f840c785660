// One line in the service log per run-time change of a tiering setting (target ratio, threshold,
// bounds, gains and other controller parameters, tier limits, exhaustion policy, controller
// pause/resume): what changed, old -> new, and who changed it (the admin API and its client, or
// CONFIG SET and the Redis client's address). Shared by the admin API and the store's CONFIG SET.

import { CONTROLLER_PARAMS, type ControllerParams } from '../controller/params.js';
import { formatBytes, shareToRatio } from '../units.js';

export type ChangeLog = (who: string, what: string, before: string, after: string) => void;

/** A ChangeLog writing to the service log; a setting set to its current value is not a change. */
export function changeLogger(log: (line: string) => void): ChangeLog {
  return (who, what, before, after) => {
    if (before !== after) log(`change: ${what} ${before} -> ${after} (by ${who})`);
  };
}

export const noChangeLog: ChangeLog = () => {};

/** Bytes as people and scripts both read them: '4.00 KiB (4096 B)'. */
export const bytesText = (n: number): string => (n >= 1024 ? `${formatBytes(n)} (${n} B)` : `${n} B`);

/** A tier limit; 0 means none. */
export const limitText = (n: number): string => (n === 0 ? 'none' : bytesText(n));

/** A controller parameter in its unit (sizes in bytes, the target share as a ratio too). */
export function paramText(name: string, v: number): string {
  const d = CONTROLLER_PARAMS.find((p) => p.name === name);
  if (d?.kind === 'size') return bytesText(v);
  if (d?.kind === 'share') return `${shareToRatio(v)} (share ${v})`;
  return d?.unit ? `${v} ${d.unit}` : String(v);
}

/** Log every controller parameter that differs between two snapshots. */
export function logParamChanges(
  changes: ChangeLog,
  who: string,
  before: Readonly<ControllerParams>,
  after: Readonly<ControllerParams>,
): void {
  for (const d of CONTROLLER_PARAMS) {
    changes(who, `controller ${d.name}`, paramText(d.name, before[d.name]), paramText(d.name, after[d.name]));
  }
}
