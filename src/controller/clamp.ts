// The one clamp of the controller's arithmetic.

/** v limited to [lo, hi]. */
export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
