// What the directives of a redis.conf-style file (and redis-server-style flags) mean to
// `tiermem serve`. A directive is one of:
//   - a `tiermem serve` option under its long name (`port 7000`, `pmem file:/mnt/pmem`,
//     `limit-dram 2GiB`, `trim-kp 10`; a --no-X switch is written `X yes|no`), which configures
//     the service before it starts, exactly as the flag would;
//   - a CONFIG parameter (src/store/config-params.ts: `maxmemory 4gb`, `hash-max-listpack-entries
//     64`, `pmem-threshold 4096`, ...), applied by the store as CONFIG SET would, before it loads
//     its data and accepts clients;
//   - a `user <name> [rules...]` line, as Redis's (src/store/conf-users.ts).
// Anything else stops start-up with Redis's "Bad directive" error naming the file and line.

import type { Option } from 'commander';
import { CONFIG_BY_NAME, bindHost } from '../../store/config-params.js';
import { ConfFileError, splitArgs, type Directive, type StartupSetting } from '../../store/conf-file.js';
import { USER_DIRECTIVE, checkUserDirective } from '../../store/conf-users.js';

/** The serve options a file may not set (they say where the file is). */
const NOT_DIRECTIVES = new Set(['config']);

/** Directives redis-server takes that tiermem has nothing for. */
const UNSUPPORTED = new Set(['rename-command', 'loadmodule', 'sentinel']);

export interface ConfLayer {
  /** Values of serve options, keyed as commander keys them (attributeName). */
  readonly flags: Record<string, string | boolean>;
  /** The save directives' points joined ('' after `save ""`); undefined: no save line. */
  readonly save: string | undefined;
  /** CONFIG parameters, in file order, for the store to apply. */
  readonly settings: StartupSetting[];
}

/** The serve option a directive names, and the value it gives (`controller no` -> --no-controller). */
function findOption(options: readonly Option[], name: string): Option | undefined {
  return (
    options.find((o) => !o.negate && o.long === `--${name}`) ??
    options.find((o) => o.negate && o.long === `--no-${name}`)
  );
}

function yesNo(v: string): boolean | null {
  const l = v.toLowerCase();
  return l === 'yes' ? true : l === 'no' ? false : null;
}

/**
 * Save points of one `save` line, checked as Redis checks them (pairs, seconds >= 1, changes
 * >= 0); null when invalid. One non-empty argument is split, so `save "3600 1 300 100"` works.
 */
function savePoints(args: readonly string[]): string[] | null {
  let a = args;
  if (a.length === 1 && a[0] !== '') a = a[0]!.split(' ').filter((s) => s !== '');
  if (a.length === 1 && a[0] === '') return [];
  if (a.length % 2 !== 0) return null;
  for (let j = 0; j < a.length; j++) {
    if (!/^-?\d+$/.test(a[j]!)) return null;
    const n = Number(a[j]);
    if (j % 2 === 0 ? n < 1 : n < 0) return null;
  }
  return [...a];
}

/**
 * Interpret directives. `check(flags)` validates serve-option values (throws with a reason), so
 * a bad value is reported at its line; for the directives in `asFlags` (the command line's) a
 * bad tiermem option value is reported as the flag's own one-line error instead.
 */
export function interpretDirectives(
  directives: readonly Directive[],
  options: readonly Option[],
  check: (flags: Record<string, string | boolean>) => void,
  asFlags: ReadonlySet<Directive> = new Set(),
): ConfLayer {
  const flags: Record<string, string | boolean> = {};
  const settings: StartupSetting[] = [];
  let save: string[] | undefined;
  const users = new Set<string>();
  for (const d of directives) {
    const where = { file: d.file, line: d.line, text: d.text };
    const fail = (reason: string): never => {
      throw new ConfFileError(where, reason);
    };
    if (d.name === 'save') {
      const points = savePoints(d.args);
      if (points === null || d.args.length === 0) fail('Invalid save parameters');
      // As Redis: the first save line replaces the default, later ones add, save "" clears.
      save = points!.length === 0 ? [] : [...(save ?? []), ...points!];
      continue;
    }
    if (d.name === 'bind') {
      // The store listens on one address: the first one given (docs/config.md).
      if (d.args.length === 0) fail('wrong number of arguments');
      flags['host'] = bindHost(d.args.join(' '));
      continue;
    }
    if (d.name === USER_DIRECTIVE && d.args.length >= 1) {
      const why = checkUserDirective([splitArgs(d.text)![0]!, ...d.args], users);
      if (why !== null) fail(why);
      settings.push({ name: d.name, value: d.args.join(' '), args: d.args, where });
      continue;
    }
    const opt = NOT_DIRECTIVES.has(d.name) ? undefined : findOption(options, d.name);
    if (opt !== undefined) {
      if (d.args.length !== 1) fail('wrong number of arguments');
      const v = d.args[0]!;
      let value: string | boolean = v;
      if (!opt.required && !opt.optional) {
        const b = yesNo(v);
        if (b === null) fail("argument must be 'yes' or 'no'");
        value = b!;
      }
      // Redis's check and text where the option is also a CONFIG parameter (appendfsync, ...).
      const why = CONFIG_BY_NAME.get(d.name)?.validate?.(null, v) ?? null;
      if (why !== null) fail(why);
      const one = { [opt.attributeName()]: value };
      try {
        check(one);
      } catch (e) {
        if (asFlags.has(d)) throw e;
        fail((e as Error).message);
      }
      Object.assign(flags, one);
      continue;
    }
    const p = CONFIG_BY_NAME.get(d.name);
    if (p !== undefined) {
      if (d.args.length === 0 || (d.args.length !== 1 && !p.multiArg)) fail('wrong number of arguments');
      settings.push({ name: p.name, value: d.args.join(' '), where });
      continue;
    }
    if (UNSUPPORTED.has(d.name)) fail(`tiermem does not support the ${d.name} directive`);
    fail('Bad directive or wrong number of arguments');
  }
  return { flags, save: save?.join(' '), settings };
}
