// redis.conf's `user <name> [rules...]` lines (and --user flags), as Redis 7.0.15 handles them:
// each line is checked when it is read (ACLAppendUserForLoading: a bad rule or a second line for
// the same user stops start-up at that line; unknown command or category names pass), and its
// user is defined once the whole configuration is read, before clients connect
// (ACLLoadConfiguredUsers: `default` is reset first, then takes the line's rules). Users in the
// configuration and an aclfile together stop start-up. CONFIG REWRITE writes the users back
// (userRewriteLines). The rules themselves are native/store/acl_conf.c's.

import { native } from '../native.js';
import { TiermemError } from '../errors.js';
import type { StartupSetting } from './conf-file.js';
import type { StoreHost } from './host.js';
import type { RewriteLine } from './config-params.js';

export const USER_DIRECTIVE = 'user';

const CONFLICT =
  'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. ' +
  'This setup is very likely to lead to configuration errors and security holes, please define either an ' +
  'ACL file or declare users directly in your redis.conf, but not both.';
const CRITICAL = 'Critical error while loading ACLs. Exiting.';
const DUPLICATE = 'Duplicate user found. A user can only be defined once in config files';

const bytes = (words: readonly string[]): Buffer[] => words.map((w) => Buffer.from(w, 'latin1'));

/**
 * Check a `user` directive as Redis does when it reads it. `words` are the directive's words as
 * written (`user` first, at least one more); `seen` the user names of the lines before, which
 * this one joins when it is good. null, or Redis's error text for the line.
 */
export function checkUserDirective(words: readonly string[], seen: Set<string>): string | null {
  const name = words[1]!;
  // Redis's message names a word of the line by the failing rule's index (its own quirk).
  if (seen.has(name)) return `Error in user declaration '${name}': ${DUPLICATE}`;
  const bad = native().aclConfCheck(bytes(words.slice(1)));
  if (bad !== null) return `Error in user declaration '${nulCut(words[bad[0]]!)}': ${bad[1]}`;
  seen.add(name);
  return null;
}

/** Redis formats with %s: a NUL byte ends the text. */
function nulCut(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

/** The user lines among the start-up settings (file order, then the flags'). */
export function configuredUsers(settings: readonly StartupSetting[]): readonly (readonly string[])[] {
  return settings.filter((s) => s.name === USER_DIRECTIVE).map((s) => s.args ?? s.value.split(' '));
}

/**
 * Define the configuration's users (start-up, after the whole configuration, before the aclfile
 * would load): Redis's log text in the error when they cannot be, and start-up stops.
 */
export function defineConfiguredUsers(host: StoreHost, users: readonly (readonly string[])[]): void {
  if (users.length === 0) return;
  if (host.aclfile !== '') throw new TiermemError('ERR_TIERMEM_INVALID_ARG', CONFLICT);
  for (const words of users) {
    const why = host.engine.aclConfDefine(bytes(words));
    if (why !== null) throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `${why}\n${CRITICAL}`);
  }
}

/**
 * CONFIG REWRITE's `user` lines, as Redis's rewriteConfigUserOption: every user's ACL LIST line
 * (passwords as their SHA-256), written even when it is the default; none with an aclfile (the
 * file's `user` lines are removed then).
 */
export function userRewriteLines(host: StoreHost): readonly RewriteLine[] {
  if (host.aclfile !== '') return [];
  return host.engine.aclUserLines().map((line) => ({ line, force: true }));
}
