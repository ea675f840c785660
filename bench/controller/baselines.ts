// The two prior-art rules (rules.ts) as simulator policies over the model allocator.

import { ModelAllocator, type SimAllocator, type ThresholdPolicy } from '../../src/trace/index.js';
import { memtierRule, tieredMemDbRule, type ThresholdRule, type TierGauge } from './rules.js';

/** The allocator as a rule's gauge; the model answers without building a stats object (memtier
 *  reads it every 20 allocations). */
function gauge(a: SimAllocator): TierGauge {
  const model = a instanceof ModelAllocator ? a : null;
  return {
    get dram() {
      return model ? model.liveBytes('dram') : a.stats().tiers.dram.liveBytes;
    },
    get pmem() {
      return model ? model.liveBytes('pmem') : a.stats().tiers.pmem.liveBytes;
    },
    get threshold() {
      return a.threshold;
    },
    set threshold(t: number) {
      a.threshold = t;
    },
  };
}

/** A rule as a simulator policy: checked on timer ticks or after every N allocations. */
export function rulePolicy(rule: ThresholdRule): ThresholdPolicy {
  const { cadence } = rule;
  let count = 0;
  let last: [SimAllocator, TierGauge] | null = null;
  const gaugeOf = (a: SimAllocator): TierGauge => (last?.[0] === a ? last[1] : (last = [a, gauge(a)])[1]);
  return {
    name: rule.name,
    volumeBytes: 0,
    tick(a) {
      if (cadence.kind === 'tick') rule.check(gaugeOf(a));
    },
    afterAlloc:
      cadence.kind === 'allocs'
        ? (a) => {
            if (++count % cadence.allocs === 0) rule.check(gaugeOf(a));
          }
        : undefined,
    setTarget: (share) => rule.setTarget(share),
  };
}

/** TieredMemDB's rule (rules.ts) per timer tick. */
export function tieredMemDbPolicy(initialTarget: number, min: number, max: number): ThresholdPolicy {
  return rulePolicy(tieredMemDbRule(initialTarget, min, max));
}

/** memtier's DYNAMIC_THRESHOLD rule (rules.ts) every 20 allocations. */
export function memtierPolicy(initialTarget: number, min: number, max: number, name = 'memtier'): ThresholdPolicy {
  return rulePolicy(memtierRule(initialTarget, min, max, name));
}
