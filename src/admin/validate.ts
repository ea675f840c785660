// Request-body checks. Everything is validated before anything is changed, so a rejected
// request leaves the service exactly as it was.

import { TiermemError } from '../errors.js';
import { TIERS } from '../types.js';
import type { Tier } from '../types.js';
import { parseChoice, parseSize } from '../units.js';

export type Body = Record<string, unknown>;

export function invalid(message: string): TiermemError {
  return new TiermemError('ERR_TIERMEM_INVALID_ARG', message);
}

/** The body must be a plain object with only `allowed` keys and all `required` keys. */
export function checkKeys(body: unknown, allowed: readonly string[], required: readonly string[] = []): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('request body must be a JSON object');
  }
  const b = body as Body;
  for (const k of Object.keys(b)) {
    if (!allowed.includes(k)) {
      throw invalid(
        allowed.length
          ? `unknown field '${k}'; allowed: ${allowed.join(', ')}`
          : `unknown field '${k}'; this request takes no fields`,
      );
    }
  }
  for (const k of required) {
    if (b[k] === undefined) throw invalid(`missing field '${k}'`);
  }
  return b;
}

/** A byte count: a non-negative integer, or a string with units ('4KiB'). */
export function sizeField(b: Body, key: string): number {
  const v = b[key];
  if (typeof v === 'number' || typeof v === 'string') return parseSize(v, key);
  throw invalid(`${key} must be a byte count (number or string such as '4KiB'), got ${JSON.stringify(v)}`);
}

/** A finite number within [min, max]. */
export function numberField(b: Body, key: string, min: number, max: number): number {
  const v = b[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw invalid(`${key} must be a finite number, got ${JSON.stringify(v)}`);
  if (v < min || v > max) throw invalid(`${key} must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function oneOf<T extends string>(b: Body, key: string, values: readonly T[]): T {
  return parseChoice(values, b[key], key);
}

export function tierField(b: Body, key: string): Tier {
  return oneOf(b, key, TIERS);
}
