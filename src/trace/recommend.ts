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
  /** False when no threshold within the bounds comes within the on-target band (forced bytes, bounds). */
  reachable: boolean;
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
  // Candidate thresholds: each distinct size (everything smaller goes to DRAM) and one past the largest.
  let best = { threshold: params.minThreshold, share: shareAt(0) };
  let cum = 0;
  const consider = (t: number, dramRouted: number): void => {
    if (t < params.minThreshold || t > params.maxThreshold) return;
    const s = shareAt(dramRouted);
    if (!(Math.abs(s - targetShare) >= Math.abs(best.share - targetShare))) best = { threshold: t, share: s };
  };
  for (let i = 0; i < routed.length; i++) {
    const [size, usable] = routed[i]!;
    if (i === 0 || size !== routed[i - 1]![0]) consider(size, cum);
    cum += usable;
  }
  consider(routed.length ? routed[routed.length - 1]![0] + 1 : params.minThreshold, cum);
  if (best.threshold < params.minThreshold) best.threshold = params.minThreshold;

  const sim = simulate(trace, controllerPolicy(params), { targetShare, periodMs: opts.periodMs ?? params.periodMs });
  const last = sim.samples[sim.samples.length - 1];
  return {
    threshold: best.threshold,
    predictedShare: best.share,
    targetShare,
    reachable: total > 0 && Math.abs(best.share - targetShare) <= ON_TARGET_BAND,
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
