// The pure ratio controller: one step per tick from a stats snapshot to a threshold. No timers,
// no I/O, deterministic, so the live service, the simulator, the benchmark and `tiermem
// recommend` all run exactly this code.
//
// Placement is decided when a block is allocated, so the live split (the stock) can only be
// steered through the routed allocations that follow (the flow). Each step:
//  1. measures the tick: routed flow by size, forced bytes, and the bytes freed (by balance);
//     with no (or negligible) routed flow it holds: nothing it could do changes the stock;
//  2. keeps the estimates: a flow histogram averaged by volume (not by tick), the flow per timer
//     tick, forced and freed bytes per routed byte, and the learned bias of the size map;
//  3. out of the +/-2 point band (a start, a target change, a size shift): feed-forward plus a
//     bounded pull. The flow share that holds the split once the stock is there (frees take from
//     each tier in proportion to its stock, forced bytes counted), read off the histogram, plus
//     extra flow share that removes kp of the error by the next tick (stock/flow: what the churn
//     allows); the threshold jumps there at once;
//  4. inside the band: the trim (trim.ts), a PI law on the stock error in velocity form, moved
//     in log-threshold space through a play, on fine early ticks; it enters at the feed-forward
//     threshold plus its own proportional term, and never re-reads the map for a position, so
//     the map's sampling noise does not become moves back and forth;
//  5. clamps to [min, max] and calls the target unreachable when even the bound threshold
//     cannot produce it (the bias stops learning then: anti-windup).

import type { Tier } from '../types.js';
import { DEFAULT_CONTROLLER_PARAMS, mergeParams, type ControllerParams } from './params.js';
import { clamp } from './clamp.js';
import { shapeDistance, shareBelow, thresholdFor } from './flow.js';
import { createTrim, type TrimTuning } from './trim.js';

export type ControllerStatus = 'on-target' | 'converging' | 'unreachable' | 'paused';

export interface ControllerTick {
  /** Threshold to apply (bytes). */
  threshold: number;
  /** Live DRAM share measured at this tick (NaN when nothing is live). */
  share: number;
  targetShare: number;
  status: ControllerStatus;
  /** share - targetShare (positive: too much in DRAM); 0 when nothing is live. */
  error: number;
}

/** The part of AllocatorStats the controller reads; AllocatorStats satisfies it. */
export interface ControllerInput {
  threshold: number;
  tiers: Record<Tier, { liveBytes: number; forcedBytes: number }>;
  flowBytes: ArrayLike<number>;
  /** Routed allocations by bucket; lets the histogram wait for enough blocks (optional). */
  flowCount?: ArrayLike<number>;
}

/** |error| at or below which the status is 'on-target' (2 percentage points of DRAM share). */
export const ON_TARGET_BAND = 0.02;

/** Fixed shape of the control law; not run-time parameters, but tests and the bench may vary them. */
export interface ControllerTuning {
  /** Stock error (share) ignored by the out-of-band pull. */
  deadZone: number;
  /** Largest |pull| on the flow share: bounds how far the flow overshoots to steer the stock. */
  maxPull: number;
  /** Out of the band, the smallest move worth making: the change of the split the threshold
   *  settles at (share). */
  minShift: number;
  /** Routed flow below this fraction of the live stock is no flow: hold. */
  idleFlow: number;
  /** The flow histogram remembers about this fraction of the stock's worth of flow (volume
   *  weighting: a thin tick barely moves it), and is replaced outright on a shape change larger
   *  than histReset (total variation) in one tick, or than histShift in two ticks running. */
  histMemory: number;
  histReset: number;
  histShift: number;
  /** Blocks of flow gathered before the histogram takes them in (a thin early tick of a few
   *  huge blocks says little about the shape). */
  histItems: number;
  /** Weight of a new tick in the flow, forced and free estimates. */
  rateWeight: number;
  /** Early (volume) tick after routed flow of this fraction of the live stock, at least
   *  volumeFloor bytes, at most the volumeBytes parameter (0 there turns it off). These are the
   *  trim's steps: fine slices of turnover, so it moves in many small same-direction steps. */
  volumeShare: number;
  volumeFloor: number;
  /** The in-band law (see trim.ts). */
  trim: TrimTuning;
}

export const DEFAULT_TUNING: Readonly<ControllerTuning> = Object.freeze({
  deadZone: 0.0005,
  maxPull: 1,
  minShift: 0.003,
  idleFlow: 1e-4,
  histMemory: 0.5,
  histReset: 0.5,
  histShift: 0.3,
  histItems: 256,
  rateWeight: 0.5,
  volumeShare: 0.005,
  volumeFloor: 16 * 1024,
  trim: Object.freeze({ tau: 0.02, play: 0.003, playNoise: 2, minSlope: 0.02 }),
});

/** A partial tuning, the trim's fields partial too. */
export type ControllerTuningPatch = Partial<Omit<ControllerTuning, 'trim'>> & { trim?: Partial<TrimTuning> };

export interface ThresholdController {
  readonly params: Readonly<ControllerParams>;
  readonly ticks: number;
  readonly adjustments: { up: number; down: number };
  readonly last: ControllerTick | null;
  /** The learned bias of the size map (flow-share units); exposed for tests and metrics. */
  readonly bias: number;
  /** Routed bytes after which the next early tick should run (0 = none): a share of the live
   *  stock, so a flow that is large next to the stock (a size shift, a load into a small
   *  store) is steered within the timer period. */
  readonly volumeTrigger: number;
  /** Validate and apply a patch all-or-nothing (throws ERR_TIERMEM_INVALID_ARG). */
  set(p: Partial<ControllerParams>): void;
  step(input: ControllerInput): ControllerTick;
}

interface Snapshot {
  dram: number;
  pmem: number;
  forcedDram: number;
  forcedPmem: number;
  flow: Float64Array;
  count: number;
}

export function createThresholdController(
  params: Partial<ControllerParams> = {},
  tuning: ControllerTuningPatch = {},
): ThresholdController {
  let p = mergeParams(DEFAULT_CONTROLLER_PARAMS, params);
  const tu: ControllerTuning = { ...DEFAULT_TUNING, ...tuning, trim: { ...DEFAULT_TUNING.trim, ...tuning.trim } };
  const trim = createTrim(tu.trim);
  let prev: Snapshot | null = null;
  let hist: Float64Array | null = null;
  let shifting = false; // the last batch of flow was far from the histogram
  let pend: Float64Array | null = null; // flow not yet taken into the histogram
  let pendBytes = 0;
  let pendItems = 0;
  // Routed flow per timer tick, and forced and freed bytes per routed byte (ratios hold across
  // ticks of any length, which early ticks make uneven). `fromHistory`: the first tick's, taken
  // over the whole past.
  let rate = { routed: 0, forcedDram: 0, forcedPmem: 0, freed: 0 };
  let fromHistory = true;
  let armed = 0; // the early-tick volume asked for after the last tick
  let bias = 0;
  let ticks = 0;
  let stock = 0;
  let last: ControllerTick | null = null;
  const adjustments = { up: 0, down: 0 };

  function step(input: ControllerInput): ControllerTick {
    ticks++;
    const sd = input.tiers.dram.liveBytes;
    const sp = input.tiers.pmem.liveBytes;
    const total = sd + sp;
    stock = total;
    const share = total > 0 ? sd / total : NaN;
    const target = p.targetShare;
    const error = total > 0 ? share - target : 0;
    const inBand = Math.abs(error) <= ON_TARGET_BAND;
    const cur = input.threshold;

    // 1. The tick just ended.
    const flow = Float64Array.from(input.flowBytes);
    const dFlow = new Float64Array(flow.length);
    let routed = 0;
    for (let b = 0; b < flow.length; b++) {
      const d = (flow[b] ?? 0) - (prev?.flow[b] ?? 0);
      dFlow[b] = d > 0 ? d : 0;
      routed += dFlow[b] ?? 0;
    }
    let count = NaN;
    if (input.flowCount) {
      count = 0;
      for (let b = 0; b < input.flowCount.length; b++) count += input.flowCount[b] ?? 0;
    }
    const items =
      Number.isFinite(count) && prev && Number.isFinite(prev.count)
        ? count - prev.count
        : Number.isFinite(count) && !prev
          ? count
          : Infinity;
    const fd = Math.max(0, input.tiers.dram.forcedBytes - (prev?.forcedDram ?? 0));
    const fp = Math.max(0, input.tiers.pmem.forcedBytes - (prev?.forcedPmem ?? 0));
    const prevTotal = prev ? prev.dram + prev.pmem : 0;
    const freed = Math.max(0, prevTotal + routed + fd + fp - total);
    const first = prev === null;
    // No routed flow: the threshold cannot have moved the stock and a new one would not either;
    // the estimates keep what they knew (a thin tick would only add noise).
    const idle = !first && routed <= tu.idleFlow * Math.max(total, prevTotal);

    if (!idle) {
      // 2. The learned bias of the map: the share the stock took from the routed flow (frees
      // taken in proportion) against the map's prediction. Learned out of the band only: inside
      // it the trim corrects the stock directly, and the map only gives it an entry point.
      let took = NaN;
      if (prev && prevTotal > 0 && routed > 0) took = (sd - prev.dram - fd + (prev.dram / prevTotal) * freed) / routed;
      if (Number.isFinite(took) && !inBand && last?.status !== 'unreachable' && hist !== null) {
        const predicted = shareBelow(dFlow, cur);
        // Anti-windup: nothing to learn while the flow is saturated.
        if (predicted > 0.02 && predicted < 0.98) {
          const seen = clamp(took - predicted, -1, 1);
          // Weighted by the tick's volume: a thin early tick is a small sample.
          const k = p.ki * (rate.routed > 0 ? Math.min(1, routed / rate.routed) : 1);
          bias = clamp(bias + k * (seen - bias), -0.5, 0.5);
        }
      }

      // Estimates for the next tick.
      const w = first || fromHistory ? 1 : tu.rateWeight;
      const early = armed > 0 && routed >= 0.9 * armed; // ended by the volume hook, not the timer
      const r = Math.max(routed, 1e-300);
      rate = {
        // An early tick only says the timer's flow is at least this much.
        routed: early ? Math.max(rate.routed, routed) : (1 - w) * rate.routed + w * routed,
        forcedDram: (1 - w) * rate.forcedDram + (w * fd) / r,
        forcedPmem: (1 - w) * rate.forcedPmem + (w * fp) / r,
        freed: (1 - w) * rate.freed + (w * freed) / r,
      };
      fromHistory = first;
      if (routed > 0) {
        // A tick whose own flow has a wholly new shape starts the batch afresh (older pending flow
        // belongs to the old shape).
        const fresh = hist !== null && items >= tu.histItems / 4 && shapeDistance(hist, dFlow) > tu.histReset;
        if (fresh || pend === null || pend.length !== dFlow.length) {
          pend = new Float64Array(dFlow.length);
          pendBytes = 0;
          pendItems = 0;
        }
        for (let b = 0; b < dFlow.length; b++) pend[b]! += dFlow[b] ?? 0;
        pendBytes += routed;
        pendItems += items;
      }
      const norm = pend !== null && pendBytes > 0 ? pend.map((v) => v / pendBytes) : null;
      const dist = norm === null || hist === null || hist.length !== norm.length ? 1 : shapeDistance(hist, norm);
      // A batch is enough with histItems blocks, or a quarter of that showing a wholly new shape.
      if (
        norm !== null &&
        (pendItems >= tu.histItems || hist === null || (pendItems >= tu.histItems / 4 && dist > tu.histReset))
      ) {
        if (dist > tu.histReset || (dist > tu.histShift && shifting)) {
          hist = norm;
          bias = 0; // the old bias belonged to the old distribution
          shifting = false;
        } else if (hist !== null) {
          shifting = dist > tu.histShift;
          // Volume weighting: the histogram forgets in bytes of flow, not in ticks.
          const hw = total > 0 ? 1 - Math.exp(-pendBytes / (tu.histMemory * total)) : 1;
          for (let b = 0; b < hist.length; b++) hist[b] = (1 - hw) * (hist[b] ?? 0) + hw * (norm[b] ?? 0);
        }
        pend = null;
      }
    }
    prev = {
      dram: sd,
      pmem: sp,
      forcedDram: input.tiers.dram.forcedBytes,
      forcedPmem: input.tiers.pmem.forcedBytes,
      flow,
      count,
    };

    let next = clamp(cur, p.minThreshold, p.maxThreshold);
    let status: ControllerStatus = inBand ? 'on-target' : 'converging';
    const R = rate.routed;
    const F = rate.forcedDram + rate.forcedPmem; // per routed byte
    armed = volumeTrigger();
    // Out of the band, or someone else set the threshold (an operator, a paused controller): the
    // trim re-enters from the feed-forward point instead of stepping on from a stale position.
    if (!inBand || (last !== null && cur !== last.threshold)) trim.release();
    if (hist !== null && R > 0) {
      const h = hist;
      // Flow shares the bounds can produce, and the split each would settle at.
      const fLo = clamp(shareBelow(h, p.minThreshold) + bias, 0, 1);
      const fHi = clamp(shareBelow(h, p.maxThreshold) + bias, 0, 1);
      const settle = (f: number): number => (f + rate.forcedDram) / (1 + F);
      const fOf = (t: number): number => clamp(shareBelow(h, t) + bias, 0, 1);
      // The threshold that sends flow share w to DRAM.
      const thresholdOf = (w: number): number => {
        const t = thresholdFor(h, clamp(w - bias, 0, 1)) ?? cur;
        return w <= fLo ? p.minThreshold : w >= fHi ? p.maxThreshold : clamp(t, p.minThreshold, p.maxThreshold);
      };
      // 3. Feed-forward: the routed DRAM share that holds the split once the stock is there.
      const ff = target * (1 + F) - rate.forcedDram;

      // 5. Unreachable: even the bound threshold settles outside the band, and the stock is out.
      const tol = ON_TARGET_BAND / 4;
      if (
        (target < settle(fLo) - tol && error > ON_TARGET_BAND) ||
        (target > settle(fHi) + tol && error < -ON_TARGET_BAND)
      ) {
        status = 'unreachable';
      }

      if (idle) {
        // Hold: nothing the threshold does changes the stock now.
      } else if (!inBand) {
        // 3. Pull, sized for the flow until the next tick (an early tick cuts it).
        const Rn = armed > 0 ? Math.min(R, armed) : R;
        const e = Math.sign(error) * Math.max(0, Math.abs(error) - tu.deadZone);
        const remaining = Math.max(0, total - Math.min(rate.freed * Rn, total));
        const pull = total > 0 ? clamp((-p.kp * e * remaining) / Rn, -tu.maxPull, tu.maxPull) : 0;
        const want = clamp(ff + pull, fLo, fHi);
        const cand = thresholdOf(want);
        const fCand = want <= fLo || want >= fHi ? want : fOf(cand);
        if (cand !== next && Math.abs(settle(fCand) - settle(fOf(next))) >= tu.minShift) next = cand;
      } else {
        // 4. The trim. It enters at the feed-forward threshold plus its own proportional term,
        // then steers by increments only.
        if (!trim.engaged) trim.engage(thresholdOf(clamp(ff - p.trimKp * error, fLo, fHi)), error);
        next = trim.step({
          error,
          turnover: total > 0 ? routed / total : 0,
          kp: p.trimKp,
          ki: p.trimKi,
          slopeAt: (x) => (shareBelow(h, 2 ** (x + 0.25)) - shareBelow(h, 2 ** (x - 0.25))) / 0.5,
          min: p.minThreshold,
          max: p.maxThreshold,
        });
      }
    }
    if (next !== cur) {
      if (next > cur) adjustments.up++;
      else adjustments.down++;
    }
    last = { threshold: next, share, targetShare: target, status, error };
    return last;
  }

  function volumeTrigger(): number {
    if (p.volumeBytes <= 0) return 0;
    return Math.max(1, Math.round(Math.min(p.volumeBytes, Math.max(tu.volumeFloor, tu.volumeShare * stock))));
  }

  return {
    get params() {
      return p;
    },
    get ticks() {
      return ticks;
    },
    get adjustments() {
      return { ...adjustments };
    },
    get last() {
      return last;
    },
    get bias() {
      return bias;
    },
    get volumeTrigger() {
      return volumeTrigger();
    },
    set(patch) {
      const before = p;
      p = mergeParams(p, patch);
      // A new target or new bounds: the trim re-enters from the feed-forward point.
      if (
        p.targetShare !== before.targetShare ||
        p.minThreshold !== before.minThreshold ||
        p.maxThreshold !== before.maxThreshold
      )
        trim.release();
    },
    step,
  };
}
