// jemalloc's usable sizes and the power-of-two buckets, as native/src/sizeclass.h computes them,
// so the model allocator accounts bytes exactly as the real one does.

/** Histogram buckets in the native core's stats (bucket b = [2^b, 2^(b+1)), the last open-ended). */
export const HIST_BUCKETS = 48;

/** Usable size of a request: 8, multiples of 16 up to 128, then four classes per power of two. */
export function usableSize(size: number): number {
  if (size <= 8) return 8;
  if (size <= 128) return Math.ceil(size / 16) * 16;
  const lg = Math.floor(Math.log2(size - 1));
  const delta = 2 ** (lg - 2);
  return Math.ceil(size / delta) * delta;
}

/** floor(log2(size)), 0 for size <= 1, clamped to the last bucket. */
export function bucketOf(size: number): number {
  if (size <= 1) return 0;
  return Math.min(HIST_BUCKETS - 1, Math.floor(Math.log2(size)));
}
