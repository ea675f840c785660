// What the simulator drives: a threshold policy. The controller is one; the benchmark's baselines
// and the bang-bang oracle are others.

import { createThresholdController, type ControllerStatus, type ControllerTuningPatch } from '../controller/core.js';
import type { ControllerParams } from '../controller/params.js';
import type { Tier } from '../types.js';
import type { SimAllocator } from './model.js';

/** An allocator whose blocks can be moved after allocation (the model's migrator). */
export interface Migrating {
  migrate(bytes: number, to: Tier): number;
}

function isMigrating(a: SimAllocator): a is SimAllocator & Migrating {
  return typeof (a as Partial<Migrating>).migrate === 'function';
}

export interface ThresholdPolicy {
  readonly name: string;
  /** Routed bytes until the next early (volume) tick; 0 = timer only. Read again after every tick. */
  readonly volumeBytes: number;
  /**
   * One timer (or volume) tick: read the allocator, set its threshold. `migrationMs` (timer
   * ticks, where the allocator can migrate): the time since the last such tick.
   */
  tick(a: SimAllocator, migrationMs?: number): void;
  /** Called after every allocation, for rules that act per allocation count. */
  afterAlloc?(a: SimAllocator): void;
  setTarget(share: number): void;
  status?(): ControllerStatus | undefined;
}

/** The ratio controller as a simulator policy (the same pure step the live service runs).
 *  With `migrate` it also carries out the controller's migration quotas on allocators that can
 *  move blocks (the model's migrator), as the store does live. */
export function controllerPolicy(
  params: Partial<ControllerParams> = {},
  tuning: ControllerTuningPatch = {},
  options: { migrate?: boolean } = {},
): ThresholdPolicy {
  const core = createThresholdController(params, tuning);
  return {
    name: options.migrate ? 'controller+migration' : 'controller',
    get volumeBytes() {
      return core.volumeTrigger;
    },
    tick(a, migrationMs) {
      const m = options.migrate && migrationMs !== undefined && isMigrating(a) ? migrationMs : undefined;
      const input = { ...a.stats(), split: a.split };
      const t = core.step(m === undefined ? input : { ...input, migrationMs: m });
      if (t.threshold !== a.threshold || t.split !== a.split) a.setRoute(t.threshold, t.split);
      if (t.migrate !== 0 && m !== undefined && isMigrating(a))
        a.migrate(Math.abs(t.migrate), t.migrate > 0 ? 'dram' : 'pmem');
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
