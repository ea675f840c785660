// Argument checks done in the CLI before anything is sent, so bad input exits with EXIT.USAGE
// and a one-line message, and the service never sees it.

import { isTiermemError } from '../errors.js';
import { TIERS } from '../types.js';
import type { Tier } from '../types.js';
import { parseRatio, parseSize, ratioToShare } from '../units.js';
import { CliError, EXIT } from './exit-codes.js';

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isTiermemError(e)) throw new CliError(EXIT.USAGE, e.message);
    throw e;
  }
}

export function sizeArg(text: string, what: string): number {
  if (/^\s*-\d/.test(text)) throw new CliError(EXIT.USAGE, `${what} '${text}' is negative; sizes are bytes >= 0, e.g. 4096 or 4KiB`);
  return usage(() => parseSize(text, what));
}

/** 'D:P' -> DRAM share. */
export function ratioArg(text: string): number {
  return usage(() => ratioToShare(parseRatio(text)));
}

export function tierArg(text: string): Tier {
  if ((TIERS as readonly string[]).includes(text)) return text as Tier;
  throw new CliError(EXIT.USAGE, `tier '${text}' is not one of ${TIERS.join(', ')}`);
}

/** A finite number in [min, max]. */
export function numberArg(text: string, what: string, min: number, max: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliError(EXIT.USAGE, `${what} '${text}' is not a number`);
  if (v < min || v > max) throw new CliError(EXIT.USAGE, `${what} must be between ${min} and ${max}, got ${text}`);
  return v;
}

export function choiceArg<T extends string>(text: string, what: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new CliError(EXIT.USAGE, `${what} '${text}' is not one of ${choices.join(', ')}`);
}
