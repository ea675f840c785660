// Replays a trace through a threshold policy and an allocator (the model by default, or the real
// facade), tick by tick, sampling the live split at every timer tick.

import type { ControllerStatus } from '../controller/core.js';
import type { Handle } from '../types.js';
import { CATEGORIES } from '../types.js';
import { TiermemError } from '../errors.js';
import { Op, type Trace } from './format.js';
import { ModelAllocator, type SimAllocator } from './model.js';
import type { ThresholdPolicy } from './policy.js';

export interface SimSample {
  /** Timer tick number, from 1. */
  tick: number;
  /** Live DRAM share at the tick, before the policy acted (0 when nothing is live). */
  share: number;
  target: number;
  /** Threshold after the policy acted. */
  threshold: number;
  status: ControllerStatus | undefined;
  dramBytes: number;
  pmemBytes: number;
}

export interface SimResult {
  policy: string;
  samples: SimSample[];
  /** Sample indices where a segment starts: 0, and the first tick after each target change or mark. */
  segments: number[];
  /** Every threshold change, in order, as +1 (up) or -1 (down). */
  moves: number[];
  /** Bytes the policy had migrated, per direction (the model allocator's migrator). */
  migrated: { toDram: number; toPmem: number };
}

export interface SimOptions {
  /** Initial DRAM share target (a TARGET record in the trace overrides it). */
  targetShare: number;
  /** Allocator to drive; default a fresh ModelAllocator at DEFAULT_THRESHOLD. */
  alloc?: SimAllocator;
  /** Timer period, matched against the trace's TIME records. Default 100. */
  periodMs?: number;
  /** Ticks every this many events when the trace has no TIME records. Default 2000. */
  eventsPerTick?: number;
}

export function simulate(trace: Trace, policy: ThresholdPolicy, opts: SimOptions): SimResult {
  const a = opts.alloc ?? new ModelAllocator();
  const period = opts.periodMs ?? 100;
  const perTick = opts.eventsPerTick ?? 2000;
  let hasTime = false;
  for (let i = 0; i < trace.length; i++)
    if (trace.op[i] === Op.time) {
      hasTime = true;
      break;
    }

  const handles = new Map<number, Handle>();
  const samples: SimSample[] = [];
  const segments = [0];
  const moves: number[] = [];
  let target = opts.targetShare;
  policy.setTarget(target);
  // The effective threshold: a dithered one counts its split as the fraction of a doubling.
  const position = (): number => a.threshold * 2 ** a.split;
  let lastT = position();
  const track = (): void => {
    const t = position();
    if (t !== lastT) {
      moves.push(t > lastT ? 1 : -1);
      lastT = t;
    }
  };
  // The policy may ask for a different early-tick volume after each tick (a share of the stock).
  let armed = -1;
  const arm = (): void => {
    const v = policy.volumeBytes;
    if (v === 0 && armed === 0) return;
    armed = v; // re-armed after every tick: the volume counts from the last tick, as live
    a.setVolumeHook(
      v,
      v > 0
        ? () => {
            policy.tick(a);
            track();
            arm();
          }
        : null,
    );
  };
  arm();

  const timerTick = (): void => {
    const s = a.stats();
    const d = s.tiers.dram.liveBytes;
    const p = s.tiers.pmem.liveBytes;
    policy.tick(a, period);
    track();
    arm();
    samples.push({
      tick: samples.length + 1,
      share: d + p > 0 ? d / (d + p) : 0,
      target,
      threshold: position(),
      status: policy.status?.(),
      dramBytes: d,
      pmemBytes: p,
    });
  };
  const newSegment = (): void => {
    if (segments[segments.length - 1] !== samples.length) segments.push(samples.length);
  };

  let nextMs = period;
  let events = 0;
  for (let i = 0; i < trace.length; i++) {
    const op = trace.op[i]!;
    const id = trace.id[i]!;
    if (op === Op.time) {
      const ms = trace.aux[i]!;
      while (ms >= nextMs) {
        timerTick();
        nextMs += period;
      }
      continue;
    }
    if (op === Op.target) {
      target = trace.aux[i]! / 1e6;
      policy.setTarget(target);
      newSegment();
      continue;
    }
    if (op === Op.mark) {
      newSegment();
      continue;
    }
    if (op === Op.alloc) {
      const size = trace.size[i]!;
      const cat = CATEGORIES[trace.category[i]!] ?? 'other';
      const f = trace.forced[i];
      const h = f === 1 ? a.zmallocDram(size, cat) : f === 2 ? a.zmallocPmem(size, cat) : a.zmalloc(size, cat);
      handles.set(id, h);
      if (policy.afterAlloc) {
        policy.afterAlloc(a);
        track();
      }
    } else if (op === Op.free) {
      const h = handles.get(id);
      if (h === undefined) throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `trace event ${i} frees unknown id ${id}`);
      handles.delete(id);
      a.zfree(h);
    } else if (op === Op.realloc) {
      const h = handles.get(id);
      if (h === undefined)
        throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `trace event ${i} reallocs unknown id ${id}`);
      handles.delete(id);
      handles.set(trace.aux[i]!, a.zrealloc(h, trace.size[i]!));
      if (policy.afterAlloc) {
        policy.afterAlloc(a);
        track();
      }
    }
    if (!hasTime && ++events % perTick === 0) timerTick();
  }
  a.setVolumeHook(0, null);
  const migrated =
    a instanceof ModelAllocator ? { toDram: a.migratedToDram, toPmem: a.migratedToPmem } : { toDram: 0, toPmem: 0 };
  return { policy: policy.name, samples, segments, moves, migrated };
}
