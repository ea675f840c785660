// `tiermem recommend`: from a recorded trace, the threshold that would have put the wanted share
// of the final live bytes in DRAM (exact, from every live block's size), and what the controller
// does when it replays the trace on the model allocator.

import { DEFAULT_CONTROLLER_PARAMS, type ControllerParams } from '../controller/params.js';
import { ON_TARGET_BAND, type ControllerStatus } from '../controller/core.js';
import { TiermemError } from '../errors.js';
import { decodeTrace, Op, type Trace } from './format.js';
import { bucketOf, HIST_BUCKETS, usableSize } from './sizeclass.js';
import { controllerPolicy } from './policy.js';
import { simulate } from './simulate.js';

export interface RecommendOptions {
  /** Controller parameters for the replay (bounds also bound the static answer). */
  params?: Partial<ControllerParams>;
  /** Timer period for the replay; default the params' periodMs. */
  periodMs?: number;
}

export interface Recommendation {
  /** Threshold (bytes) that puts the target share of the final live bytes in DRAM. */
  threshold: number;
  /** DRAM share of the final live bytes with that threshold. */
  predictedShare: number;
  targetShare: number;
  /** False when no threshold within the bounds comes within the on-target band. */
  reachable: boolean;
  /**
   * Why not, when not: 'empty' (no live bytes at the end of the trace), 'forced' (the bytes placed
   * explicitly on one tier alone keep the share out of the band, whatever the threshold),
   * 'bounds' (a threshold outside --min/--max would reach it), 'granularity' (the share jumps over
   * the band: too many bytes in a single request size). null when reachable.
   */
  unreachableReason: 'empty' | 'forced' | 'bounds' | 'granularity' | null;
  /** Final live routed bytes (usable) by requested-size bucket. */
  histogram: Float64Array;
  routedBytes: number;
  forcedDramBytes: number;
  forcedPmemBytes: number;
  /** The controller replayed over the trace on the model allocator. */
  controller: { threshold: number; share: number; status: ControllerStatus | undefined; ticks: number };
}

export function recommend(input: Trace | Uint8Array, targetShare: number, opts: RecommendOptions = {}): Recommendation {
  if (!(targetShare >= 0 && targetShare <= 1)) {
    throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `target share must be in [0, 1], got ${targetShare}`);
  }
  const trace = input instanceof Uint8Array ? decodeTrace(input) : input;
  const params = { ...DEFAULT_CONTROLLER_PARAMS, ...opts.params, targetShare };
  // Final live set: id -> [requested size, usable, forced tier code].
  const live = new Map<number, [number, number, number]>();
  for (let i = 0; i < trace.length; i++) {
    const op = trace.op[i];
    const id = trace.id[i]!;
    if (op === Op.alloc) live.set(id, [trace.size[i]!, usableSize(trace.size[i]!), trace.forced[i]!]);
    else if (op === Op.free) live.delete(id);
    else if (op === Op.realloc) {
      const old = live.get(id);
      live.delete(id);
      live.set(trace.aux[i]!, [trace.size[i]!, usableSize(trace.size[i]!), old?.[2] ?? 0]);
    }
  }
  const histogram = new Float64Array(HIST_BUCKETS);
  const routed: [number, number][] = [];
  let forcedDram = 0;
  let forcedPmem = 0;
  let routedBytes = 0;
  for (const [size, usable, forced] of live.values()) {
    if (forced === 1) forcedDram += usable;
    else if (forced === 2) forcedPmem += usable;
    else {
      routed.push([size, usable]);
      routedBytes += usable;
      histogram[bucketOf(size)]! += usable;
    }
  }
  routed.sort((a, b) => a[0] - b[0]);
  const total = routedBytes + forcedDram + forcedPmem;
  const shareAt = (dramRouted: number): number => (total > 0 ? (dramRouted + forcedDram) / total : NaN);
  // Threshold t sends every request smaller than t to DRAM, so the share only changes at the
  // distinct request sizes. Candidates: the bounds themselves, every distinct size between them,
  // and one past the largest; the closest to the target wins, the smallest on a tie.
  const distinct: number[] = []; // distinct request sizes, ascending
  const below: number[] = []; // routed usable bytes of the requests smaller than distinct[i]
  let cum = 0;
  for (const [size, usable] of routed) {
    if (distinct[distinct.length - 1] !== size) {
      distinct.push(size);
      below.push(cum);
    }
    cum += usable;
  }
  const dramBelow = (t: number): number => {
    let lo = 0;
    let hi = distinct.length; // first index with distinct[i] >= t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < distinct.length ? below[lo]! : routedBytes;
  };
  const best = (lo: number, hi: number): { threshold: number; share: number } => {
    const candidates = [lo, ...distinct.filter((x) => x > lo && x < hi), hi];
    if (distinct.length) candidates.push(distinct[distinct.length - 1]! + 1);
    let out = { threshold: lo, share: shareAt(dramBelow(lo)) };
    for (const t of candidates.filter((x) => x >= lo && x <= hi).sort((a, b) => a - b)) {
      const s = shareAt(dramBelow(t));
      if (Math.abs(s - targetShare) < Math.abs(out.share - targetShare)) out = { threshold: t, share: s };
    }
    return out;
  };
  const within = (s: number): boolean => Math.abs(s - targetShare) <= ON_TARGET_BAND;
  const chosen = best(params.minThreshold, params.maxThreshold);
  let unreachableReason: Recommendation['unreachableReason'] = null;
  if (total === 0) unreachableReason = 'empty';
  else if (!within(chosen.share)) {
    const lowest = shareAt(0); // everything routed to PMem
    const highest = shareAt(routedBytes); // everything routed to DRAM
    if (lowest > targetShare + ON_TARGET_BAND || highest < targetShare - ON_TARGET_BAND) unreachableReason = 'forced';
    else if (within(best(0, Number.MAX_SAFE_INTEGER).share)) unreachableReason = 'bounds';
    else unreachableReason = 'granularity';
  }

  const sim = simulate(trace, controllerPolicy(params), { targetShare, periodMs: opts.periodMs ?? params.periodMs });
  const last = sim.samples[sim.samples.length - 1];
  return {
    threshold: chosen.threshold,
    predictedShare: chosen.share,
    targetShare,
    reachable: unreachableReason === null,
    unreachableReason,
    histogram,
    routedBytes,
    forcedDramBytes: forcedDram,
    forcedPmemBytes: forcedPmem,
    controller: {
      threshold: last?.threshold ?? 0,
      share: last?.share ?? NaN,
      status: last?.status,
      ticks: sim.samples.length,
    },
  };
}
