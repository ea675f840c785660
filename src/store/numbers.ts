// Integers as Redis's string2ll reads them: optional '-', no '+', no leading zeros, no spaces,
// within int64. Results are numbers while exact (|v| < 2^53) and bigints beyond, so INCR at the
// int64 edges is exact and the common case allocates nothing.

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export type Int64 = number | bigint;

export function parseInt64(buf: Uint8Array, s: number, e: number): Int64 | null {
  if (e <= s || e - s > 20) return null;
  let i = s;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === e) return null;
  }
  const first = buf[i]!;
  if (first === 48) return e - i === 1 && !neg ? 0 : null;
  if (first < 49 || first > 57) return null;
  if (e - i <= 15) {
    let v = 0;
    for (; i < e; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  for (let k = i; k < e; k++) {
    const c = buf[k]!;
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(Buffer.from(buf.subarray(s, e)).toString('latin1'));
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return normalize(big);
}

/** A bigint that fits a safe number becomes a number. */
export function normalize(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** a + b in int64, or null on overflow. */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalize(r);
}

/** Approximate value of an int64 (exact when safe): for counts, indexes and times. */
export function toNumber(v: Int64): number {
  return typeof v === 'number' ? v : Number(v);
}
