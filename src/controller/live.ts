// The controller attached to a running allocator: a timer that does not keep the process alive,
// plus the allocator's volume hook so a bulk load gets ticks between two timer ticks.

import type { Allocator, AllocatorStats, Tier } from '../types.js';
import { mergeParams, type ControllerParams } from './params.js';
import { createThresholdController, type ControllerStatus, type ControllerTick } from './core.js';

/** What the live controller needs of an allocator (the facade and the model both provide it). */
export type ControlledAllocator = Pick<Allocator, 'stats' | 'threshold' | 'setVolumeHook'> &
  Partial<Pick<Allocator, 'split' | 'setRoute'>> & {
    readonly closed?: boolean;
  };

export interface LiveController {
  readonly status: ControllerStatus;
  readonly params: Readonly<ControllerParams>;
  readonly ticks: number;
  readonly adjustments: { up: number; down: number };
  readonly last: ControllerTick | null;
  /** Validates everything first; on a bad value throws ERR_TIERMEM_INVALID_ARG and changes nothing. */
  set(p: Partial<ControllerParams>): void;
  /** Stop moving the threshold (ticks still measure); status 'paused'. */
  pause(): void;
  resume(): void;
  /** One control step now: read stats, compute, apply the threshold unless paused. */
  tick(): ControllerTick;
  /** Detach: no more timer, no volume hook. Idempotent. */
  stop(): void;
}

export interface AttachOptions {
  /** Run the timer (default true). The simulator and tests drive tick() themselves. */
  timer?: boolean;
  /**
   * The migrator (the store's): moves up to `bytes` of values to tier `to` (the coldest DRAM
   * values to PMem, the hottest PMem values to DRAM) and returns the bytes moved. With it the
   * controller asks for migration when the allocation flow cannot hold the split soon enough
   * (migrateRate bytes/s at most); without it the threshold is the only actuator.
   */
  migrate?: (bytes: number, to: Tier) => number;
}

/** Timer ticks whose buffer readings set the rest level (one second at the default period). */
const REST_TICKS = 10;
/** Two of the store's 16 KiB reply chunks: a reader's own query buffer and reply. */
const REST_SPAN = 32 * 1024;

export function attachController(
  alloc: ControlledAllocator,
  params: Partial<ControllerParams> = {},
  options: AttachOptions = {},
): LiveController {
  const core = createThresholdController(params);
  const useTimer = options.timer ?? true;
  let timer: NodeJS.Timeout | null = null;
  let paused = false;
  let stopped = false;
  let last: ControllerTick | null = null;

  let armedVolume = 0;
  let lastTickMs = Date.now();
  const migrator = options.migrate;

  // Client and I/O buffers per tier as a command sees them. An early tick comes between two
  // commands of a pipeline, with its query and reply buffers live (a megabyte of DRAM): it counts
  // the buffers as they were at rest, or the split it holds mid-pipeline is off at rest (1.6
  // points low at 1:4 on the store). At rest is itself two levels: a timer tick between two
  // feeds finds a client's 16 KiB reply chunk or query buffer live or released at random (17 or
  // 33 KiB on target-steps), while whoever reads the split (INFO, a baseline's rule) runs a
  // command and always sees it. Taking the last timer tick's reading flipped every tick's view
  // by 16 KiB (0.25 points at 1:4 on a 5 MB stock) and, under load, held INFO's split 0.1-0.2
  // points high. The rest level is the largest of the last REST_TICKS timer ticks' readings
  // within REST_SPAN of their smallest: a reading further above is a pipeline in flight (the
  // largest alone held periodic-mix's split 0.1-0.3 points low for a second at a time).
  const restSeen: Record<Tier, number>[] = [];
  const restLevel = (t: Tier): number => {
    const floor = Math.min(...restSeen.map((r) => r[t]));
    return Math.max(...restSeen.map((r) => (r[t] <= floor + REST_SPAN ? r[t] : floor)));
  };

  function measured(early: boolean): AllocatorStats {
    const s = alloc.stats();
    const buffers = (t: Tier): number => s.tiers[t].byCategory.buffers.liveBytes;
    if (!early || restSeen.length === 0) {
      restSeen.push({ dram: buffers('dram'), pmem: buffers('pmem') });
      if (restSeen.length > REST_TICKS) restSeen.shift();
    }
    const atRest = (t: Tier): AllocatorStats['tiers'][Tier] => ({
      ...s.tiers[t],
      liveBytes: Math.max(0, s.tiers[t].liveBytes - buffers(t) + restLevel(t)),
    });
    return { ...s, tiers: { dram: atRest('dram'), pmem: atRest('pmem') } };
  }

  function tick(early = false): ControllerTick {
    const now = Date.now();
    // An allocator that dithers (setRoute) gets a threshold split across its bucket.
    const dithers = alloc.setRoute !== undefined && alloc.split !== undefined;
    const stats = dithers ? { ...measured(early), split: alloc.split } : measured(early);
    const t = core.step(migrator ? { ...stats, migrationMs: Math.max(1, now - lastTickMs) } : stats);
    lastTickMs = now;
    if (!paused && !stopped) {
      if (dithers && (t.threshold !== alloc.threshold || t.split !== alloc.split))
        alloc.setRoute?.(t.threshold, t.split);
      else if (!dithers && t.threshold !== alloc.threshold) alloc.threshold = t.threshold;
    }
    if (!paused && !stopped && migrator && t.migrate !== 0)
      migrator(Math.abs(t.migrate), t.migrate > 0 ? 'dram' : 'pmem');
    last = paused ? { ...t, status: 'paused', threshold: alloc.threshold, split: alloc.split ?? 0 } : t;
    // Re-arm after every tick: the early-tick volume follows the live stock, and it counts the
    // flow since this tick (which is what the controller sized its pull for).
    if (!stopped && (core.volumeTrigger > 0 || armedVolume > 0)) armHook();
    return last;
  }

  function armHook(): void {
    armedVolume = core.volumeTrigger;
    alloc.setVolumeHook(armedVolume, armedVolume > 0 ? onVolume : null);
  }

  function onTimer(early = false): void {
    if (alloc.closed) {
      stop();
      return;
    }
    // A tick that throws (allocator closed under us) must not take the process down from a timer.
    try {
      tick(early);
    } catch {
      stop();
    }
  }

  function onVolume(): void {
    onTimer(true);
  }

  function arm(): void {
    if (timer) clearInterval(timer);
    timer = null;
    if (stopped) return;
    if (useTimer) {
      timer = setInterval(() => onTimer(false), core.params.periodMs);
      timer.unref();
    }
    armHook();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    timer = null;
    if (!alloc.closed) {
      try {
        alloc.setVolumeHook(0, null);
      } catch {
        /* closed meanwhile: nothing to detach */
      }
    }
  }

  arm();

  return {
    get status() {
      return paused ? 'paused' : (core.last?.status ?? 'converging');
    },
    get params() {
      return core.params;
    },
    get ticks() {
      return core.ticks;
    },
    get adjustments() {
      return core.adjustments;
    },
    get last() {
      return last;
    },
    set(patch) {
      const before = core.params;
      mergeParams(before, patch); // throws before anything changes
      core.set(patch);
      if (core.params.periodMs !== before.periodMs || core.params.volumeBytes !== before.volumeBytes) arm();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    tick,
    stop,
  };
}
