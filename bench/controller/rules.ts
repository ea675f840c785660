// The two prior-art threshold rules the issue compares against, implemented from its descriptions
// only. They live in the benchmark, not in the library. A rule is only its decision: when it runs
// (per timer tick, per N allocations) and what it reads from is the caller's, so the same code runs
// over the model allocator (baselines.ts) and over a live `tiermem serve` (bench/tiering/live-rules.ts).

/** What a rule reads and moves: live bytes per tier and the routing threshold. */
export interface TierGauge {
  readonly dram: number;
  readonly pmem: number;
  threshold: number;
}

export interface ThresholdRule {
  readonly name: string;
  /** When it checks: on every timer tick, or after every `allocs` allocations. */
  readonly cadence: { kind: 'tick' } | { kind: 'allocs'; allocs: number };
  /** One check: read the gauge, maybe set its threshold. */
  check(g: TierGauge): void;
  setTarget(share: number): void;
}

/**
 * TieredMemDB: every timer tick compare the live PMem/DRAM ratio r with the target ratio; dead
 * band 0.02 absolute on the ratio; multiply the threshold by (1 +/- 0.05 * r/target), or
 * (1 +/- 0.25 * r/target) when the error did not shrink since the last check; refuse (do not
 * clamp) a move outside [min, max].
 */
export function tieredMemDbRule(initialTarget: number, min: number, max: number): ThresholdRule {
  let targetRatio = ratioOf(initialTarget);
  let lastErr = Infinity;
  return {
    name: 'tieredmemdb',
    cadence: { kind: 'tick' },
    check(g) {
      const { dram, pmem } = g;
      if (dram + pmem === 0) return;
      const r = dram > 0 ? pmem / dram : 1e9;
      const err = Math.abs(r - targetRatio);
      if (err <= 0.02) {
        lastErr = err;
        return;
      }
      const gain = (err >= lastErr ? 0.25 : 0.05) * (r / Math.max(targetRatio, 1e-9));
      lastErr = err;
      const t = g.threshold;
      // Too much PMem (r above target) -> raise the threshold to route more to DRAM.
      let next = r > targetRatio ? t * (1 + gain) : t * (1 - Math.min(gain, 1));
      next = Math.round(next);
      if (next === t && t > 0) next = r > targetRatio ? t + 1 : t - 1;
      if (next < min || next > max) return;
      g.threshold = next;
    },
    setTarget(share) {
      targetRatio = ratioOf(share);
      lastErr = Infinity;
    },
  };
}

/** memkind memtier checks its ratio after every 20 allocations. */
export const MEMTIER_CHECK_ALLOCS = 20;

/**
 * memkind memtier DYNAMIC_THRESHOLD: after every 20 allocations compare the live PMem/DRAM ratio
 * with the target; act when the relative error is above 2% and did not shrink since the last
 * check; move the threshold by a fixed 15%; skip (do not clamp) a move outside [min, max].
 */
export function memtierRule(initialTarget: number, min: number, max: number, name = 'memtier'): ThresholdRule {
  let targetRatio = ratioOf(initialTarget);
  let lastErr = Infinity;
  return {
    name,
    cadence: { kind: 'allocs', allocs: MEMTIER_CHECK_ALLOCS },
    check(g) {
      const { dram, pmem } = g;
      if (dram + pmem === 0) return;
      const r = dram > 0 ? pmem / dram : 1e9;
      const err = Math.abs(r - targetRatio) / Math.max(targetRatio, 1e-9);
      const shrank = err < lastErr;
      lastErr = err;
      if (err <= 0.02 || shrank) return;
      const t = g.threshold;
      const next = Math.round(r > targetRatio ? t * 1.15 : t * 0.85);
      if (next < min || next > max || next === t) return;
      g.threshold = next;
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
