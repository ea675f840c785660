// Argument generators shared by the command table. They aim at the edges where implementations
// differ: int64 limits and near-integers, empty and binary strings (CR, LF, NUL, high bytes),
// values either side of the 256-byte tier threshold the store runs with, keys reused across types.
import type { Rng } from './prng.js';

export interface GenContext {
  rng: Rng;
  /** Wall clock when the command is generated: EXAT/PXAT need absolute times near "now". */
  nowMs: number;
}

export type Family = 'string' | 'keys' | 'hash' | 'list' | 'set' | 'zset' | 'connection';
type KeyFamily = 'string' | 'hash' | 'list' | 'set' | 'zset';

/** Latin-1 so that '\xff' in a literal is the byte 0xff. */
export const b = (s: string): Buffer => Buffer.from(s, 'latin1');

// 12 keys: each type has home keys, and the shared ones get every type, so WRONGTYPE is common.
const HOME_KEYS: Record<KeyFamily, readonly string[]> = {
  string: ['s1', 's2', 's3'],
  hash: ['h1', 'h2'],
  list: ['l1', 'l2'],
  set: ['t1', 't2'],
  zset: ['z1', 'z2'],
};
const SHARED_KEYS = ['x', '', 'k\r\n\x00\xff'];
export const KEY_POOL: readonly string[] = [...Object.values(HOME_KEYS).flat(), ...SHARED_KEYS];

export function key(g: GenContext, family?: KeyFamily): Buffer {
  if (family && g.rng.chance(0.8)) return b(g.rng.pick(HOME_KEYS[family]));
  if (g.rng.chance(0.3)) return b(g.rng.pick(SHARED_KEYS));
  return b(g.rng.pick(KEY_POOL));
}

export function keys(g: GenContext, min: number, max: number, family?: KeyFamily): Buffer[] {
  return repeat(g, min, max, () => key(g, family));
}

export function repeat(g: GenContext, min: number, max: number, make: () => Buffer[] | Buffer): Buffer[] {
  const out: Buffer[] = [];
  const n = g.rng.int(min, max);
  for (let i = 0; i < n; i++) {
    const made = make();
    if (Array.isArray(made)) out.push(...made);
    else out.push(made);
  }
  return out;
}

/** Upper, lower or mixed case: command and option names are case-insensitive. */
export function word(g: GenContext, name: string): Buffer {
  const r = g.rng.next();
  if (r < 0.6) return b(name.toUpperCase());
  if (r < 0.85) return b(name.toLowerCase());
  let out = '';
  for (const ch of name) out += g.rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
  return b(out);
}

// Texts that are, almost are, or overflow a signed 64-bit integer (Redis's string2ll rules:
// no sign '+', no spaces, no leading zeros, "-0" rejected).
export const INT_EDGES: readonly string[] = [
  '0',
  '-1',
  '1',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '+1',
  ' 1',
  '1 ',
  '1.0',
  '0x10',
  'abc',
  '',
  '-0',
  '00',
  '007',
  '1e3',
  '-',
  '9223372036854775806',
  '-9223372036854775807',
];

const SPECIAL_BYTES = [0x00, 0x0a, 0x0d, 0x20, 0x22, 0x5c, 0x7f, 0x80, 0xfe, 0xff];

function alnum(g: GenContext, min: number, max: number): Buffer {
  let s = '';
  const n = g.rng.int(min, max);
  for (let i = 0; i < n; i++) s += g.rng.pick(['a', 'b', 'c', 'x', '0', '1', '9']);
  return b(s);
}

function binary(g: GenContext, max: number): Buffer {
  const out = g.rng.bytes(g.rng.int(1, max));
  for (let i = 0; i < out.length; i++) if (g.rng.chance(0.3)) out[i] = g.rng.pick(SPECIAL_BYTES);
  return out;
}

/** String values: small, numeric, empty, binary, around the 256-byte threshold, large. */
export function value(g: GenContext): Buffer {
  const r = g.rng.next();
  if (r < 0.25) return alnum(g, 1, 8);
  if (r < 0.45) return b(g.rng.pick(INT_EDGES));
  if (r < 0.55) return Buffer.alloc(0);
  if (r < 0.7) return binary(g, 16);
  if (r < 0.8) return Buffer.alloc(g.rng.int(250, 262), g.rng.pick(['v', 'w']));
  if (r < 0.85) return binary(g, 3000);
  return b(g.rng.pick(['a', 'b', 'c', '1', '2', '10', '-1']));
}

/** Hash fields and set members: mostly a small pool (collisions), integers (intset), binary. */
export function member(g: GenContext): Buffer {
  const r = g.rng.next();
  if (r < 0.6) return b(g.rng.pick(['f1', 'f2', 'f3', 'a', 'b', '1', '2', '10', '-5', '', '\x00f\r\n']));
  if (r < 0.75) return b(g.rng.pick(INT_EDGES));
  if (r < 0.9) return alnum(g, 1, 6);
  return binary(g, 300);
}

/** An integer argument: usually in [lo, hi], sometimes an edge or a near-integer. */
export function int(g: GenContext, lo: number, hi: number, edgeChance = 0.2): Buffer {
  if (g.rng.chance(edgeChance)) return b(g.rng.pick(INT_EDGES));
  return b(String(g.rng.int(lo, hi)));
}

// Expiry arguments never name a time that falls inside the run (or within the jitter between the
// two servers): either far in the future, or already past, or invalid. Timed expiry is tested
// separately with sleeps.
const FAR_S = (g: GenContext): number => g.rng.int(100_000, 100_000_000);
const FAR_MS = (g: GenContext): number => g.rng.int(100_000_000, 100_000_000_000);
const EXPIRY_EDGES = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775',
  '9223372036854776',
  '-9223372036854775',
  '9223372036854775808',
  'abc',
  '1.0',
  '+1',
  ' 1',
  '',
  '0x10',
  '-0',
  '007',
];

/** SET EX / PX: relative, strictly positive (SET rejects <= 0). */
export function setRelative(g: GenContext, unit: 's' | 'ms'): Buffer {
  const r = g.rng.next();
  if (r < 0.7) return b(String(unit === 's' ? FAR_S(g) : FAR_MS(g)));
  if (r < 0.8) return b(g.rng.pick(['0', '-1', '-100']));
  return b(g.rng.pick(EXPIRY_EDGES));
}

/** SET EXAT / PXAT: absolute; past times are valid and make the key expire at once. */
export function setAbsolute(g: GenContext, unit: 's' | 'ms'): Buffer {
  const nowS = Math.floor(g.nowMs / 1000);
  const r = g.rng.next();
  if (r < 0.6) return b(String(unit === 's' ? nowS + FAR_S(g) : g.nowMs + FAR_MS(g)));
  if (r < 0.75) return b(String(g.rng.pick([1, 1000, unit === 's' ? nowS - 100 : g.nowMs - 100_000])));
  if (r < 0.85) return b(g.rng.pick(['0', '-1']));
  return b(g.rng.pick(EXPIRY_EDGES));
}

/** EXPIRE / PEXPIRE: relative; zero and negative delete the key at once. */
export function expireRelative(g: GenContext, unit: 's' | 'ms'): Buffer {
  const r = g.rng.next();
  if (r < 0.65) return b(String(unit === 's' ? FAR_S(g) : FAR_MS(g)));
  if (r < 0.8) return b(g.rng.pick(['0', '-1', '-100000']));
  return b(g.rng.pick(EXPIRY_EDGES));
}

/** KEYS / SCAN MATCH patterns: literal keys, wildcards, classes, escapes, malformed classes. */
export function pattern(g: GenContext): Buffer {
  const r = g.rng.next();
  if (r < 0.3) return b(g.rng.pick(['*', 's*', 'h?', '?1', '[st]*', '[^s]*', '[a-h]?', '*2', 'x', '']));
  if (r < 0.45) return b(g.rng.pick(KEY_POOL));
  if (r < 0.6)
    return b(
      g.rng.pick(['[', '[a-', '\\', '\\*', '[]]*', '[\\]]', '**', '*\x00*', 'k\r*', '[!s]*', '[z-a]*', 's[1-2']),
    );
  let out = '';
  const n = g.rng.int(1, 5);
  for (let i = 0; i < n; i++) out += g.rng.pick(['*', '?', '[', ']', '^', '-', '\\', 's', 'h', '1', '2', 'x', 'k']);
  return b(out);
}
