// Redis's util.c string2d, for the float values the control plane parses itself (CONFIG's
// latency-tracking-info-percentiles): glibc strtod over the whole string (decimal, hexadecimal
// with a binary exponent, inf/infinity), refused when empty, led by a blank, not wholly
// consumed, NaN, or out of range (ERANGE with an infinite or zero result; subnormals pass).
// The data plane's own parser is native/store's string2d; the differential rows in
// test/diff/floats.ts hold both to redis-server.

const DECIMAL = /^([+-]?)(\d+\.?\d*|\.\d+)(?:e([+-]?\d+))?$/i;
const HEX = /^([+-]?)0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p([+-]?\d+))?$/i;
const INF = /^([+-]?)inf(inity)?$/i;

export function string2d(s: string): number | null {
  let m = INF.exec(s);
  if (m) return m[1] === '-' ? -Infinity : Infinity;
  m = DECIMAL.exec(s);
  if (m) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // overflow: ERANGE, HUGE_VAL
    if (v === 0 && /[1-9]/.test(m[2]!)) return null; // underflow to zero: ERANGE
    return v;
  }
  m = HEX.exec(s);
  if (m) {
    const [int, frac = ''] = m[2]!.split('.');
    const v = hexValue(BigInt(`0x${int}${frac}`), clampExp(m[3]) - 4 * frac.length);
    if (v === null) return null;
    return m[1] === '-' ? -v : v;
  }
  return null;
}

/** An exponent's digits as a number that cannot overflow the arithmetic below. */
function clampExp(digits: string | undefined): number {
  if (digits === undefined) return 0;
  const e = Number(digits);
  return Math.max(-1e6, Math.min(1e6, e));
}

/** mant * 2^exp rounded to the nearest double (ties to even, subnormals included), or null when
 *  it overflows or rounds to zero from a non-zero value (strtod's ERANGE). */
function hexValue(mant: bigint, exp: number): number | null {
  if (mant === 0n) return 0;
  const bits = mant.toString(2).length;
  const top = exp + bits - 1; // the leading bit's binary exponent
  if (top > 1023) return null;
  // Bits the result can keep: 53, fewer below the normal range.
  const keep = top >= -1022 ? 53 : 53 - (-1022 - top);
  let shift = bits - keep;
  let m = mant;
  if (shift > 0) {
    const s = BigInt(shift);
    const rest = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    m >>= s;
    if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  } else shift = 0;
  if (m === 0n) return null;
  const e = exp + shift;
  // m < 2^54 and e >= -1074 here: both factors exact; the product is the rounded value.
  const v = Number(m) * 2 ** e;
  return Number.isFinite(v) ? v : null;
}
