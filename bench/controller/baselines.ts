// The two prior-art rules the issue compares against, implemented from its descriptions only.
// They live in the benchmark, not in the library.

import { ModelAllocator, type SimAllocator, type ThresholdPolicy } from '../../src/trace/index.js';

function live(a: SimAllocator): { dram: number; pmem: number } {
  // The model answers without building a stats object (memtier asks every 20 allocations).
  if (a instanceof ModelAllocator) return { dram: a.liveBytes('dram'), pmem: a.liveBytes('pmem') };
  const s = a.stats();
  return { dram: s.tiers.dram.liveBytes, pmem: s.tiers.pmem.liveBytes };
}

/**
 * TieredMemDB: every timer tick compare the live PMem/DRAM ratio r with the target ratio; dead
 * band 0.02 absolute on the ratio; multiply the threshold by (1 +/- 0.05 * r/target), or
 * (1 +/- 0.25 * r/target) when the error did not shrink since the last check; refuse (do not
 * clamp) a move outside [min, max].
 */
export function tieredMemDbPolicy(initialTarget: number, min: number, max: number): ThresholdPolicy {
  let targetRatio = ratioOf(initialTarget);
  let lastErr = Infinity;
  return {
    name: 'tieredmemdb',
    volumeBytes: 0,
    tick(a) {
      const { dram, pmem } = live(a);
      if (dram + pmem === 0) return;
      const r = dram > 0 ? pmem / dram : 1e9;
      const err = Math.abs(r - targetRatio);
      if (err <= 0.02) {
        lastErr = err;
        return;
      }
      const gain = (err >= lastErr ? 0.25 : 0.05) * (r / Math.max(targetRatio, 1e-9));
      lastErr = err;
      const t = a.threshold;
      // Too much PMem (r above target) -> raise the threshold to route more to DRAM.
      let next = r > targetRatio ? t * (1 + gain) : t * (1 - Math.min(gain, 1));
      next = Math.round(next);
      if (next === t && t > 0) next = r > targetRatio ? t + 1 : t - 1;
      if (next < min || next > max) return;
      a.threshold = next;
    },
    setTarget(share) {
      targetRatio = ratioOf(share);
      lastErr = Infinity;
    },
  };
}

/**
 * memkind memtier DYNAMIC_THRESHOLD: after every 20 allocations compare the live PMem/DRAM ratio
 * with the target; act when the relative error is above 2% and did not shrink since the last
 * check; move the threshold by a fixed 15%; skip (do not clamp) a move outside [min, max].
 */
export function memtierPolicy(initialTarget: number, min: number, max: number, name = 'memtier'): ThresholdPolicy {
  let targetRatio = ratioOf(initialTarget);
  let lastErr = Infinity;
  let count = 0;
  return {
    name,
    volumeBytes: 0,
    tick() {
      /* acts per allocation only */
    },
    afterAlloc(a) {
      if (++count % 20 !== 0) return;
      const { dram, pmem } = live(a);
      if (dram + pmem === 0) return;
      const r = dram > 0 ? pmem / dram : 1e9;
      const err = Math.abs(r - targetRatio) / Math.max(targetRatio, 1e-9);
      const shrank = err < lastErr;
      lastErr = err;
      if (err <= 0.02 || shrank) return;
      const t = a.threshold;
      const next = Math.round(r > targetRatio ? t * 1.15 : t * 0.85);
      if (next < min || next > max || next === t) return;
      a.threshold = next;
    },
    setTarget(share) {
      targetRatio = ratioOf(share);
      lastErr = Infinity;
    },
  };
}

/** PMem/DRAM ratio of a DRAM share (1:4 -> 4). */
function ratioOf(share: number): number {
  return share > 0 ? (1 - share) / share : 1e9;
}
