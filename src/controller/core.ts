// The pure ratio controller: one step per tick from a stats snapshot to a threshold. No timers,
// no I/O, deterministic, so the live service, the simulator, the benchmark and `tiermem
// recommend` all run exactly this code.
//
// Placement is decided when a block is allocated, so the live split (the stock) can only be
// steered through the routed allocations of the next tick (the flow). Each step:
//  1. measures the tick: routed flow by size, forced bytes, and the bytes freed (by balance);
//  2. feed-forward: the flow share that holds the split where it is wanted when frees take from
//     each tier in proportion to its stock (the only thing a random delete can do on average),
//     corrected for forced bytes;
//  3. proportional pull: extra flow share that removes kp of the stock error within one tick,
//     scaled by stock/flow (how much the churn allows), bounded to [0, 1];
//  4. integral: the learned bias between the share the size map predicted for the threshold in
//     force and the share the stock actually took, which corrects the coarse power-of-two map;
//     it stops learning while the flow is saturated (anti-windup);
//  5. maps the wanted share to a threshold through the recent size distribution, clamps it to
//     [min, max], and holds it when the move is not needed (which is what keeps reversals rare);
//  6. calls the target unreachable when even the bound threshold cannot produce it.

import type { Tier } from '../types.js';
import { DEFAULT_CONTROLLER_PARAMS, mergeParams, type ControllerParams } from './params.js';
import { shapeDistance, shareBelow, thresholdFor } from './flow.js';

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
}

/** |error| at or below which the status is 'on-target' (2 percentage points of DRAM share). */
export const ON_TARGET_BAND = 0.02;

/** Fixed shape of the control law; not run-time parameters, but tests and the bench may vary them. */
export interface ControllerTuning {
  /** Stock error (share) ignored by the pull: noise, not signal. */
  deadZone: number;
  /** Largest |pull| on the flow share: bounds how far the flow overshoots to steer the stock. */
  maxPull: number;
  /** Pull gain (times kp) while on target: inside the band the stock is steered mostly by moving
   *  the steady point, which needs no move back, so noise does not turn into reversals. */
  bandPull: number;
  /** Hold the threshold while |error| (doubled for a reversal) and the error the current threshold
   *  would settle at are below these: the first is the stock's churn noise, the second a real shift. */
  holdError: number;
  holdSteady: number;
  /** Smallest threshold move, as log2 of the ratio. */
  minStep: number;
  /** Weight of a new tick in the size distribution, and the shape change that replaces it outright. */
  histWeight: number;
  histReset: number;
  /** Weight of a new tick in the flow, forced and free estimates. */
  rateWeight: number;
}

export const DEFAULT_TUNING: Readonly<ControllerTuning> = Object.freeze({
  deadZone: 0.0005,
  maxPull: 1,
  bandPull: 0.5,
  holdError: 0.004,
  holdSteady: 0.01,
  minStep: 0.02,
  histWeight: 0.1,
  histReset: 0.3,
  rateWeight: 0.5,
});

export interface ThresholdController {
  readonly params: Readonly<ControllerParams>;
  readonly ticks: number;
  readonly adjustments: { up: number; down: number };
  readonly last: ControllerTick | null;
  /** The learned bias of the size map (flow-share units); exposed for tests and metrics. */
  readonly bias: number;
  /** Validate and apply a patch all-or-nothing (throws ERR_TIERMEM_INVALID_ARG). */
  set(p: Partial<ControllerParams>): void;
  step(input: ControllerInput): ControllerTick;
}

interface Snapshot { dram: number; pmem: number; forcedDram: number; forcedPmem: number; flow: Float64Array }

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export function createThresholdController(
  params: Partial<ControllerParams> = {},
  tuning: Partial<ControllerTuning> = {},
): ThresholdController {
  let p = mergeParams(DEFAULT_CONTROLLER_PARAMS, params);
  const tu: ControllerTuning = { ...DEFAULT_TUNING, ...tuning };
  let prev: Snapshot | null = null;
  let hist: Float64Array | null = null;
  // Per-tick estimates; `fromHistory` marks the first tick's, taken over the whole past.
  let rate = { routed: 0, forcedDram: 0, forcedPmem: 0, freed: 0 };
  let fromHistory = true;
  let bias = 0;
  let ticks = 0;
  let lastDir = 0;
  let last: ControllerTick | null = null;
  const adjustments = { up: 0, down: 0 };

  function step(input: ControllerInput): ControllerTick {
    ticks++;
    const sd = input.tiers.dram.liveBytes;
    const sp = input.tiers.pmem.liveBytes;
    const total = sd + sp;
    const share = total > 0 ? sd / total : NaN;
    const target = p.targetShare;
    const error = total > 0 ? share - target : 0;
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
    const fd = Math.max(0, input.tiers.dram.forcedBytes - (prev?.forcedDram ?? 0));
    const fp = Math.max(0, input.tiers.pmem.forcedBytes - (prev?.forcedPmem ?? 0));
    const prevTotal = prev ? prev.dram + prev.pmem : 0;
    const freed = Math.max(0, prevTotal + routed + fd + fp - total);

    // 4 (measure). The share the stock took from the routed flow, frees taken in proportion.
    if (prev && prevTotal > 0 && routed > 0 && last?.status !== 'unreachable') {
      const predicted = shareBelow(dFlow, cur);
      if (predicted > 0.02 && predicted < 0.98) {
        const took = (sd - prev.dram - fd + (prev.dram / prevTotal) * freed) / routed;
        const seen = clamp(took - predicted, -1, 1);
        bias = clamp(bias + p.ki * (seen - bias), -0.5, 0.5);
      }
    }

    // Estimates for the next tick.
    const first = prev === null;
    const w = first || fromHistory ? 1 : tu.rateWeight;
    rate = {
      routed: (1 - w) * rate.routed + w * routed,
      forcedDram: (1 - w) * rate.forcedDram + w * fd,
      forcedPmem: (1 - w) * rate.forcedPmem + w * fp,
      freed: (1 - w) * rate.freed + w * freed,
    };
    fromHistory = first;
    if (routed > 0 && (routed >= 0.1 * rate.routed || hist === null)) {
      const norm = dFlow.map((v) => v / routed);
      if (hist === null || hist.length !== norm.length || shapeDistance(hist, norm) > tu.histReset) {
        hist = norm;
        bias = 0; // the old bias belonged to the old distribution
      } else {
        for (let b = 0; b < hist.length; b++) hist[b] = (1 - tu.histWeight) * (hist[b] ?? 0) + tu.histWeight * (norm[b] ?? 0);
      }
    }
    prev = { dram: sd, pmem: sp, forcedDram: input.tiers.dram.forcedBytes, forcedPmem: input.tiers.pmem.forcedBytes, flow };

    let next = clamp(cur, p.minThreshold, p.maxThreshold);
    let status: ControllerStatus = Math.abs(error) <= ON_TARGET_BAND ? 'on-target' : 'converging';
    const R = rate.routed;
    const F = rate.forcedDram + rate.forcedPmem;
    if (hist !== null && R > 0) {
      // Flow shares the bounds can produce, and the split each would settle at.
      const fLo = clamp(shareBelow(hist, p.minThreshold) + bias, 0, 1);
      const fHi = clamp(shareBelow(hist, p.maxThreshold) + bias, 0, 1);
      const settle = (f: number): number => (f * R + rate.forcedDram) / (R + F);
      // 2. Feed-forward and 3. pull.
      const ff = (target * (R + F) - rate.forcedDram) / R;
      const e = Math.sign(error) * Math.max(0, Math.abs(error) - tu.deadZone);
      const remaining = Math.max(0, total - Math.min(rate.freed, total));
      const gain = Math.abs(error) <= ON_TARGET_BAND ? p.kp * tu.bandPull : p.kp;
      const pull = total > 0 ? clamp((-gain * e * remaining) / R, -tu.maxPull, tu.maxPull) : 0;
      const want = clamp(ff + pull, fLo, fHi);
      const raw = thresholdFor(hist, clamp(want - bias, 0, 1)) ?? cur;
      // Saturated at a bound's share: the bound itself, not the map's rounding of it.
      const cand = want <= fLo ? p.minThreshold : want >= fHi ? p.maxThreshold : clamp(raw, p.minThreshold, p.maxThreshold);

      // 6. Unreachable: even the bound threshold settles outside the band, and the stock is out.
      const tol = ON_TARGET_BAND / 4;
      if ((target < settle(fLo) - tol && error > ON_TARGET_BAND) || (target > settle(fHi) + tol && error < -ON_TARGET_BAND)) {
        status = 'unreachable';
      }

      // 5. Hold when neither the stock nor the split the current threshold settles at is off.
      const dir = Math.sign(cand - cur);
      const steadyErr = settle(clamp(shareBelow(hist, cur) + bias, 0, 1)) - target;
      const widen = dir !== 0 && dir !== lastDir ? 2 : 1;
      const quiet = Math.abs(error) < tu.holdError * widen && Math.abs(steadyErr) < tu.holdSteady;
      const small = cur > 0 && cand > 0 && Math.abs(Math.log2(cand / cur)) < tu.minStep;
      const outOfBounds = cur < p.minThreshold || cur > p.maxThreshold || ((cand === p.minThreshold || cand === p.maxThreshold) && !quiet);
      if (outOfBounds || (!quiet && !small)) next = cand;
    }
    if (next !== cur) {
      const dir = next > cur ? 1 : -1;
      if (dir > 0) adjustments.up++; else adjustments.down++;
      lastDir = dir;
    }
    last = { threshold: next, share, targetShare: target, status, error };
    return last;
  }

  return {
    get params() { return p; },
    get ticks() { return ticks; },
    get adjustments() { return { ...adjustments }; },
    get last() { return last; },
    get bias() { return bias; },
    set(patch) { p = mergeParams(p, patch); },
    step,
  };
}
