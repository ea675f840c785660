// Parsing and printing of sizes and ratios, shared by the facade, the CLI and the store engine.

import { TiermemError } from './errors.js';

/**
 * Size units, as Redis reads them everywhere (config file, CONFIG SET) and tiermem with it (CLI,
 * config file, admin API): a bare letter is decimal (4k = 4000), "b" makes it binary (4kb =
 * 4096), and the IEC names are binary too (4KiB = 4096). Case-insensitive.
 */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1000 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A number (integer, or with a fraction when allowed) and a unit of UNITS, in bytes; null if not. */
function sizeOf(text: string, fractions: boolean): number | null {
  const m = (fractions ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/ : /^\s*(\d+)([a-zA-Z]*)\s*$/).exec(text);
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

/** Redis's memory values (CONFIG SET maxmemory 4k): digits and a unit, no fraction; null if not. */
export function parseMemory(text: string): number | null {
  const n = sizeOf(text, false);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** Parse '4096', '4k' (4000), '4kb' / '4KiB' (4096), '1.5GiB' into bytes. Throws ERR_TIERMEM_INVALID_ARG. */
export function parseSize(text: string | number, what = 'size'): number {
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text) || text < 0) {
      throw new TiermemError(
        'ERR_TIERMEM_INVALID_ARG',
        `${what} must be a non-negative integer number of bytes, got ${text}`,
      );
    }
    return text;
  }
  const bytes = sizeOf(text, true);
  if (bytes === null) {
    throw new TiermemError(
      'ERR_TIERMEM_INVALID_ARG',
      `${what} '${text}' is not a size: use bytes or a unit such as 4KiB, 512mb, 8GiB (as in Redis, 4k is 4000 and 4kb 4096)`,
    );
  }
  if (!Number.isSafeInteger(bytes)) {
    throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `${what} '${text}' is too large`);
  }
  return bytes;
}

/** 1536 -> '1.5 KiB'. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  return `${bytes < 0 ? '-' : ''}${s} ${units[i]}`;
}

/** A DRAM:PMem ratio such as '1:4'. */
export interface Ratio {
  dram: number;
  pmem: number;
}

/** Parse 'D:P' (non-negative numbers, not both zero) into a ratio. */
export function parseRatio(text: string): Ratio {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) {
    throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `ratio '${text}' is not of the form DRAM:PMEM, e.g. 1:4`);
  }
  const dram = Number(m[1]);
  const pmem = Number(m[2]);
  if (dram + pmem <= 0) {
    throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `ratio '${text}' is 0:0; at least one side must be positive`);
  }
  return { dram, pmem };
}

/** DRAM share (0-1) of a ratio. */
export function ratioToShare(r: Ratio): number {
  return r.dram / (r.dram + r.pmem);
}

/** 0.2 -> '1:4' (rounded to two decimals on the PMem side). */
export function shareToRatio(share: number): string {
  if (share <= 0) return '0:1';
  if (share >= 1) return '1:0';
  const p = (1 - share) / share;
  return `1:${Number(p.toFixed(2))}`;
}

/** The error for a name that is not one of `names`: "policy 'lax' is not one of spill, strict". */
export function choiceError(names: readonly string[], value: unknown, what: string): TiermemError {
  return new TiermemError('ERR_TIERMEM_INVALID_ARG', `${what} ${shown(value)} is not one of ${names.join(', ')}`);
}

/**
 * Any value as text for an error message, without ever throwing itself (BigInts and cycles make
 * JSON.stringify throw; objects without a prototype make String throw): an error message must not
 * turn a coded error into an uncoded TypeError.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `value` when it is one of `names` (a tier, a policy, a DRAM kind...); throws ERR_TIERMEM_INVALID_ARG. */
export function parseChoice<T extends string>(names: readonly T[], value: unknown, what: string): T {
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  throw choiceError(names, value, what);
}

/** A byte count exactly, also beyond 2^53 (Redis's memory parameters reach 2^64-1): plain
 *  digits (as Redis's check leaves a value), else what parseMemory takes. */
export function parseBytes(v: string): bigint | null {
  const t = v.trim();
  if (/^\d+$/.test(t)) return BigInt(t);
  const n = parseMemory(t);
  return n === null ? null : BigInt(n);
}
