// What the simulator drives: a threshold policy. The controller is one; the benchmark's baselines
// and the bang-bang oracle are others.

import { createThresholdController, type ControllerStatus, type ControllerTuningPatch } from '../controller/core.js';
import type { ControllerParams } from '../controller/params.js';
import type { SimAllocator } from './model.js';

export interface ThresholdPolicy {
  readonly name: string;
  /** Routed bytes until the next early (volume) tick; 0 = timer only. Read again after every tick. */
  readonly volumeBytes: number;
  /** One timer (or volume) tick: read the allocator, set its threshold. */
  tick(a: SimAllocator): void;
  /** Called after every allocation, for rules that act per allocation count. */
  afterAlloc?(a: SimAllocator): void;
  setTarget(share: number): void;
  status?(): ControllerStatus | undefined;
}

/** The ratio controller as a simulator policy (the same pure step the live service runs). */
export function controllerPolicy(
  params: Partial<ControllerParams> = {},
  tuning: ControllerTuningPatch = {},
): ThresholdPolicy {
  const core = createThresholdController(params, tuning);
  return {
    name: 'controller',
    get volumeBytes() {
      return core.volumeTrigger;
    },
    tick(a) {
      const t = core.step(a.stats());
      if (t.threshold !== a.threshold) a.threshold = t.threshold;
    },
    setTarget(share) {
      core.set({ targetShare: share });
    },
    status: () => core.last?.status,
  };
}

/**
 * The fastest any threshold rule can enter the band: everything to DRAM while below target,
 * everything to PMem while above. It overshoots, so only its first entry is meaningful: that is
 * the time the churn allows.
 */
export function bangBangPolicy(initialTarget: number): ThresholdPolicy {
  let target = initialTarget;
  return {
    name: 'bang-bang',
    volumeBytes: 0,
    tick(a) {
      const s = a.stats();
      const total = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
      const share = total > 0 ? s.tiers.dram.liveBytes / total : 0;
      a.threshold = share < target ? 2 ** 46 : 0;
    },
    setTarget(share) {
      target = share;
    },
  };
}
