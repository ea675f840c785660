// The size-distribution map: which DRAM share of the routed flow a threshold produces, and the
// inverse. Works on power-of-two buckets of requested size (bucket b = [2^b, 2^(b+1)), bucket 0
// also holds size 0), as the native core counts them. Inside a bucket the bytes are taken as
// spread evenly over log2(size); the controller's integral term absorbs what that gets wrong.

/** Fraction (0-1) of the bytes in `hist` whose requested size is below `threshold`. NaN if empty. */
export function shareBelow(hist: ArrayLike<number>, threshold: number): number {
  let total = 0;
  let below = 0;
  const lt = threshold > 0 ? Math.log2(threshold) : -Infinity;
  for (let b = 0; b < hist.length; b++) {
    const w = hist[b] ?? 0;
    if (w <= 0) continue;
    total += w;
    const lo = b === 0 ? 0 : b;
    const last = b === hist.length - 1;
    if (lt >= b + 1 && !last) below += w;
    else if (lt > lo) below += w * Math.min(1, (lt - lo) / (b + 1 - lo));
  }
  return total > 0 ? below / total : NaN;
}

/**
 * The threshold (bytes, integer) that sends fraction `share` of the bytes in `hist` to DRAM.
 * share <= 0 gives the smallest threshold that sends nothing, share >= 1 the smallest that sends
 * everything. null when the histogram is empty.
 */
export function thresholdFor(hist: ArrayLike<number>, share: number): number | null {
  let total = 0;
  let first = -1;
  let last = -1;
  for (let b = 0; b < hist.length; b++) {
    const w = hist[b] ?? 0;
    if (w > 0) {
      total += w;
      if (first < 0) first = b;
      last = b;
    }
  }
  if (total <= 0) return null;
  if (share <= 0) return first === 0 ? 0 : 2 ** first;
  if (share >= 1) return 2 ** (last + 1);
  const want = share * total;
  let cum = 0;
  for (let b = first; b <= last; b++) {
    const w = hist[b] ?? 0;
    if (w <= 0) continue;
    if (cum + w >= want) {
      const x = (want - cum) / w;
      const lo = b === 0 ? 0 : b;
      // Bucket 0 is [0, 2): linear in log2 from 1 byte; sizes 0 and 1 are rare enough.
      return Math.max(1, Math.ceil(2 ** (lo + x * (b + 1 - lo))));
    }
    cum += w;
  }
  return 2 ** (last + 1);
}

/** Total variation distance between two histograms, each normalised (0 = same shape, 1 = disjoint). */
export function shapeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ta = 0;
  let tb = 0;
  for (let i = 0; i < a.length; i++) ta += a[i] ?? 0;
  for (let i = 0; i < b.length; i++) tb += b[i] ?? 0;
  if (ta <= 0 || tb <= 0) return 1;
  let d = 0;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) d += Math.abs((a[i] ?? 0) / ta - (b[i] ?? 0) / tb);
  return d / 2;
}
