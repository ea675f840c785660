// Argument checks done in the CLI before anything is sent, so bad input exits with EXIT.USAGE
// and a one-line message, and the service never sees it.

import { checkParam, paramDescriptor, parseParam } from '../controller/params.js';
import { isTiermemError } from '../errors.js';
import { TIERS } from '../types.js';
import type { Tier } from '../types.js';
import { parseChoice, parseRatio, parseSize, ratioToShare } from '../units.js';
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
  if (/^\s*-\d/.test(text))
    throw new CliError(EXIT.USAGE, `${what} '${text}' is negative; sizes are bytes >= 0, e.g. 4096 or 4KiB`);
  return usage(() => parseSize(text, what));
}

/** 'D:P' -> DRAM share. */
export function ratioArg(text: string): number {
  return usage(() => ratioToShare(parseRatio(text)));
}

export function tierArg(text: string): Tier {
  return choiceArg(text, 'tier', TIERS);
}

/** A controller parameter, checked against its row in CONTROLLER_PARAMS; unknown names are usage errors. */
export function paramArg(name: string, text: string, what: string = name): number {
  const d = paramDescriptor(name);
  if (d === undefined) throw new CliError(EXIT.USAGE, `'${name}' is not a controller parameter`);
  if (d.kind === 'size') return usage(() => checkParam(d, sizeArg(text, what), what));
  return usage(() => parseParam(d, text, what));
}

/** A finite number in [min, max]. */
export function numberArg(text: string, what: string, min: number, max: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliError(EXIT.USAGE, `${what} '${text}' is not a number`);
  if (v < min || v > max) throw new CliError(EXIT.USAGE, `${what} must be between ${min} and ${max}, got ${text}`);
  return v;
}

export function choiceArg<T extends string>(text: string, what: string, choices: readonly T[]): T {
  return usage(() => parseChoice(choices, text, what));
}
