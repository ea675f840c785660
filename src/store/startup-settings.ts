// A config file's (and the flags') CONFIG parameters, applied when the store starts: each as
// CONFIG SET applies it, or, for a parameter CONFIG SET may not change, by its start-up loader.
// The first refusal stops start-up with Redis's fatal config error at that directive's line.

import { CONFIG_BY_NAME } from './config-params.js';
import { ConfFileError, type StartupSetting } from './conf-file.js';
import type { StoreHost } from './host.js';
import { USER_DIRECTIVE } from './conf-users.js';

export function applyStartupSettings(host: StoreHost, settings: readonly StartupSetting[]): void {
  for (const s of settings) {
    if (s.name === USER_DIRECTIVE) continue; // checked when read, defined with the ACL users
    const p = CONFIG_BY_NAME.get(s.name);
    if (p === undefined) throw new ConfFileError(s.where, 'Bad directive or wrong number of arguments');
    let why: string | null;
    if (p.load !== undefined) why = p.load(host, s.value);
    else if (p.set !== undefined) why = p.validate?.(host, s.value) ?? p.set(host, s.value);
    else why = s.value === p.get(host) ? null : `tiermem cannot change ${p.name} (it is ${p.get(host)})`;
    if (why !== null) throw new ConfFileError(s.where, why);
  }
}

/** The database count a store opens with: the last `databases` line that Redis's check accepts
 *  (an invalid one stops start-up at its place when the settings are applied); Redis reads the
 *  whole config before it creates its databases. */
export function startupDatabases(settings: readonly StartupSetting[]): number | undefined {
  const p = CONFIG_BY_NAME.get('databases')!;
  let n: number | undefined;
  for (const s of settings) if (s.name === 'databases' && p.validate?.(null, s.value) === null) n = Number(s.value);
  return n;
}
