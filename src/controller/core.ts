// The pure ratio controller: one step per tick from a stats snapshot to a threshold. No timers,
// no I/O, deterministic, so the live service, the simulator, the benchmark and `tiermem
// recommend` all run exactly this code.
//
// Placement is decided when a block is allocated, so the live split (the stock) can only be
// steered through the routed allocations of the next tick (the flow). Each step:
//  1. measures the tick: routed flow by size, forced bytes, and the bytes freed (by balance);
//     with no (or negligible) routed flow it holds: nothing it could do changes the stock;
//  2. feed-forward: the flow share that holds the split where it is wanted when frees take from
//     each tier in proportion to its stock (the only thing a random delete can do on average),
//     corrected for forced bytes, read off a flow histogram averaged by volume (not by tick);
//  3. proportional pull: extra flow share that removes kp of the stock error within one tick,
//     scaled by stock/flow (how much the churn allows), bounded to [0, 1];
//  4. integral: the learned bias between the share the size map predicted for the threshold in
//     force and the share the stock actually took, which corrects the coarse power-of-two map;
//     it stops learning while the flow is saturated (anti-windup);
//  5. maps the wanted share to a threshold, clamps it to [min, max], and moves only when the
//     move is needed: outside the band at once; inside it only past a dead band scaled to the
//     measured noise of the stock error or on a persistent drift (CUSUM), after a dwell for a
//     reversal, and only when the move changes the split it settles at materially; after a
//     pull the threshold walks back to the steady one in same-direction steps as the error
//     fades (the pull is recomputed from the remaining error, never grows, never overshoots the
//     steady threshold), so a correction costs one or two reversals over several moves;
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
  /** Routed allocations by bucket; lets the histogram wait for enough blocks (optional). */
  flowCount?: ArrayLike<number>;
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
  /** Inside the band, the stock error is acted on only beyond `noiseBand` times its measured
   *  standard deviation, kept within [holdMin, holdMax]. */
  noiseBand: number;
  holdMin: number;
  holdMax: number;
  /** CUSUM drift test on the per-tick settle error of the threshold in force: slack and limit,
   *  in units of its measured standard deviation. */
  cusumSlack: number;
  cusumLimit: number;
  /** Inside the band, also move when the current threshold is predicted to settle this far off. */
  holdSteady: number;
  /** Smallest move worth making: the change of the split the threshold settles at (share). */
  minShift: number;
  /** Ticks since the last move before a move the other way is allowed inside the band. */
  dwell: number;
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
   *  volumeFloor bytes, at most the volumeBytes parameter (0 there turns it off). */
  volumeShare: number;
  volumeFloor: number;
  /** After a pull, walk back to the steady threshold in same-direction steps as the error fades. */
  gradualReturn: boolean;
  /** Opt-in experiment (issue 3, reversals): inside the band, no correction of the stock at all
   *  (no pull, noise band or drift test). The threshold moves only when the split the threshold
   *  in force settles at, averaged over ticks (steadyWeight), is `steadyMove` (share) or more off
   *  target, and then in one move that takes the settled split back by that average; straight to
   *  the steady threshold when one tick's estimate is more than steadyJump off. Out of the band,
   *  and for the walk back from a pull (also from a pull parked on a bound), the law is unchanged.
   *  Measured at scale 1 it is not better: reversals 17-54% (default 21-45%), steady error
   *  0.09-0.49 points (default 0.12-0.30), forced-30 settles in 3 ticks against a bound of 2. */
  steadyBand: boolean;
  steadyMove: number;
  /** With steadyBand: weight of a tick in the average of the settle error of the threshold in
   *  force (the decision uses that average, not one tick's estimate, which is flow-sampling noise). */
  steadyWeight: number;
  /** With steadyBand: when the threshold in force is predicted to settle further off than this
   *  (one tick's estimate), it goes straight to the steady threshold. */
  steadyJump: number;
  /** With steadyBand, a move against the previous move's direction needs this many times
   *  steadyMove (hysteresis: noise in the steady estimate comes and goes, a real drift stays). */
  steadyReverse: number;
}

export const DEFAULT_TUNING: Readonly<ControllerTuning> = Object.freeze({
  deadZone: 0.0005,
  maxPull: 1,
  bandPull: 0.5,
  noiseBand: 2.5,
  holdMin: 0.004,
  holdMax: 0.01,
  cusumSlack: 0.5,
  cusumLimit: 5,
  holdSteady: 0.01,
  minShift: 0.003,
  dwell: 4,
  idleFlow: 1e-4,
  histMemory: 0.5,
  histReset: 0.5,
  histShift: 0.3,
  histItems: 256,
  rateWeight: 0.5,
  volumeShare: 0.05,
  volumeFloor: 64 * 1024,
  gradualReturn: true,
  steadyBand: false,
  steadyMove: 0.005,
  steadyWeight: 0.1,
  steadyJump: 0.02,
  steadyReverse: 1,
});

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

interface Snapshot { dram: number; pmem: number; forcedDram: number; forcedPmem: number; flow: Float64Array; count: number }

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export function createThresholdController(
  params: Partial<ControllerParams> = {},
  tuning: Partial<ControllerTuning> = {},
): ThresholdController {
  let p = mergeParams(DEFAULT_CONTROLLER_PARAMS, params);
  const tu: ControllerTuning = { ...DEFAULT_TUNING, ...tuning };
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
  // Noise of the stock error (level) and of the per-tick settle error, and the drift test.
  let errMean = 0;
  let errVar = 0;
  let settleVar = 0;
  let noiseTicks = 0;
  let cusumUp = 0;
  let cusumDown = 0;
  let ticks = 0;
  let lastDir = 0;
  let lastMove = -Infinity;
  // The pull in force (flow-share units): its sign, the gain it was made with, and its size.
  let ret: { sign: number; gain: number; cap: number; err0: number; stepped: boolean } | null = null;
  let stock = 0;
  let steadyAcc = 0; // steadyBand: average predicted settle error of the threshold in force
  let last: ControllerTick | null = null;
  const adjustments = { up: 0, down: 0 };

  function resetNoise(): void { cusumUp = 0; cusumDown = 0; }

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
    if (input.flowCount) { count = 0; for (let b = 0; b < input.flowCount.length; b++) count += input.flowCount[b] ?? 0; }
    const items = Number.isFinite(count) && prev && Number.isFinite(prev.count) ? count - prev.count : Number.isFinite(count) && !prev ? count : Infinity;
    const fd = Math.max(0, input.tiers.dram.forcedBytes - (prev?.forcedDram ?? 0));
    const fp = Math.max(0, input.tiers.pmem.forcedBytes - (prev?.forcedPmem ?? 0));
    const prevTotal = prev ? prev.dram + prev.pmem : 0;
    const freed = Math.max(0, prevTotal + routed + fd + fp - total);
    const first = prev === null;
    // No routed flow: the threshold cannot have moved the stock and a new one would not either;
    // the estimates keep what they knew (a thin tick would only add noise).
    const idle = !first && routed <= tu.idleFlow * Math.max(total, prevTotal);

    if (!idle) {
      // 4 (measure). The share the stock took from the routed flow, frees taken in proportion.
      let took = NaN;
      if (prev && prevTotal > 0 && routed > 0) took = (sd - prev.dram - fd + (prev.dram / prevTotal) * freed) / routed;
      if (Number.isFinite(took) && last?.status !== 'unreachable' && hist !== null) {
        const predicted = shareBelow(dFlow, cur);
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
      const settleOf = (f: number): number => (f + rate.forcedDram) / (1 + rate.forcedDram + rate.forcedPmem);
      // Drift test: the split the stock heads for with the flow of this tick, against the target.
      // Ticks are roughly independent in it (unlike the stock error, which carries its past).
      if (Number.isFinite(took) && !first && inBand && hist !== null) {
        const s = settleOf(clamp(took, 0, 1)) - target;
        settleVar = noiseTicks === 0 ? s * s : 0.9 * settleVar + 0.1 * s * s;
        const sig = Math.max(Math.sqrt(settleVar), 1e-3);
        cusumUp = Math.max(0, cusumUp + s / sig - tu.cusumSlack);
        cusumDown = Math.max(0, cusumDown - s / sig - tu.cusumSlack);
      }
      if (!first && inBand) {
        errMean = noiseTicks === 0 ? error : 0.9 * errMean + 0.1 * error;
        const dev = error - errMean;
        errVar = noiseTicks === 0 ? 0 : 0.9 * errVar + 0.1 * dev * dev;
        noiseTicks++;
      }
      fromHistory = first;
      if (routed > 0) {
        // A tick whose own flow has a wholly new shape starts the batch afresh (older pending flow
        // belongs to the old shape).
        const fresh = hist !== null && items >= tu.histItems / 4 && shapeDistance(hist, dFlow) > tu.histReset;
        if (fresh || pend === null || pend.length !== dFlow.length) { pend = new Float64Array(dFlow.length); pendBytes = 0; pendItems = 0; }
        for (let b = 0; b < dFlow.length; b++) pend[b]! += dFlow[b] ?? 0;
        pendBytes += routed;
        pendItems += items;
      }
      const norm = pend !== null && pendBytes > 0 ? pend.map((v) => v / pendBytes) : null;
      const dist = norm === null || hist === null || hist.length !== norm.length ? 1 : shapeDistance(hist, norm);
      // A batch is enough with histItems blocks, or a quarter of that showing a wholly new shape.
      if (norm !== null && (pendItems >= tu.histItems || hist === null || (pendItems >= tu.histItems / 4 && dist > tu.histReset))) {
        if (dist > tu.histReset || (dist > tu.histShift && shifting)) {
          hist = norm;
          bias = 0; // the old bias belonged to the old distribution
          shifting = false;
          resetNoise();
        } else if (hist !== null) {
          shifting = dist > tu.histShift;
          // Volume weighting: the histogram forgets in bytes of flow, not in ticks.
          const hw = total > 0 ? 1 - Math.exp(-pendBytes / (tu.histMemory * total)) : 1;
          for (let b = 0; b < hist.length; b++) hist[b] = (1 - hw) * (hist[b] ?? 0) + hw * (norm[b] ?? 0);
        }
        pend = null;
      }
    }
    prev = { dram: sd, pmem: sp, forcedDram: input.tiers.dram.forcedBytes, forcedPmem: input.tiers.pmem.forcedBytes, flow, count };

    let next = clamp(cur, p.minThreshold, p.maxThreshold);
    let status: ControllerStatus = inBand ? 'on-target' : 'converging';
    const R = rate.routed;
    const F = rate.forcedDram + rate.forcedPmem; // per routed byte
    armed = volumeTrigger();
    if (hist !== null && R > 0) {
      // Flow shares the bounds can produce, and the split each would settle at.
      const fLo = clamp(shareBelow(hist, p.minThreshold) + bias, 0, 1);
      const fHi = clamp(shareBelow(hist, p.maxThreshold) + bias, 0, 1);
      const settle = (f: number): number => (f + rate.forcedDram) / (1 + F);
      // 2. Feed-forward and 3. pull, sized for the flow until the next tick (an early tick cuts it).
      const ff = target * (1 + F) - rate.forcedDram;
      const Rn = armed > 0 ? Math.min(R, armed) : R;
      const e = Math.sign(error) * Math.max(0, Math.abs(error) - tu.deadZone);
      const remaining = Math.max(0, total - Math.min(rate.freed * Rn, total));
      // Inside the band the stock error is mostly churn noise, which fades by itself: pulling at
      // it only makes a move and a move back. Pull (gently) only past the noise band.
      const sigma = noiseTicks >= 5 ? Math.sqrt(errVar) : 0;
      const hold = clamp(tu.noiseBand * sigma, tu.holdMin, tu.holdMax);
      const gain = !inBand ? p.kp : tu.steadyBand ? 0 : Math.abs(error) > hold ? p.kp * tu.bandPull : 0;
      let pull = total > 0 ? clamp((-gain * e * remaining) / Rn, -tu.maxPull, tu.maxPull) : 0;
      // The threshold that holds the split once the stock is there (no pull).
      const thresholdOf = (w: number): number => {
        const r = thresholdFor(hist!, clamp(w - bias, 0, 1)) ?? cur;
        return w <= fLo ? p.minThreshold : w >= fHi ? p.maxThreshold : clamp(r, p.minThreshold, p.maxThreshold);
      };
      const steadyT = thresholdOf(clamp(ff, fLo, fHi));
      // Return from a pull: the pull decays with the remaining error (its own gain, recomputed each
      // tick), capped by the pull already in force, so the threshold walks back to the steady one
      // in same-direction steps and never past it. Out of the band a larger pull the same way, or
      // any pull the other way, starts afresh.
      let returning = false;
      if (ret !== null && tu.gradualReturn && !idle) {
        const s = ret.sign;
        const pe = total > 0 ? clamp((-ret.gain * e * remaining) / Rn, -tu.maxPull, tu.maxPull) : 0;
        const rd = Math.sign(steadyT - next); // direction of the way back, in threshold
        // A larger pull the same way: out of the band, or inside it past the noise band when the
        // error has grown since the pull (or no step back was taken yet, so it is no reversal).
        const regrow = Math.abs(error) > hold && (!ret.stepped || Math.abs(error) > ret.err0);
        if ((!inBand || regrow) && Math.sign(pull) === s && Math.abs(pull) > ret.cap) ret = null;
        else if (!inBand && Math.sign(pull) === -s) ret = null;
        else if (rd === s) ret = null; // the steady threshold moved past us to the pull side: a new situation
        else {
          const m = Math.sign(pe) === s ? Math.min(Math.abs(pe), ret.cap) : 0;
          pull = s * m;
          ret.cap = m;
          returning = rd !== 0;
          if (!returning) ret = null;
        }
      }
      const want = clamp(ff + pull, fLo, fHi);
      let cand = thresholdOf(want);
      if (returning) {
        // Only towards the steady threshold, and not past it.
        const rd = Math.sign(steadyT - next);
        if (Math.sign(cand - next) !== rd) cand = next;
        else if (rd > 0 ? cand > steadyT : cand < steadyT) cand = steadyT;
      }

      // 6. Unreachable: even the bound threshold settles outside the band, and the stock is out.
      const tol = ON_TARGET_BAND / 4;
      if ((target < settle(fLo) - tol && error > ON_TARGET_BAND) || (target > settle(fHi) + tol && error < -ON_TARGET_BAND)) {
        status = 'unreachable';
      }

      // 5. Move or hold.
      const fOf = (t: number): number => clamp(shareBelow(hist!, t) + bias, 0, 1);
      const fCur = fOf(next);
      const fCand = want <= fLo || want >= fHi ? want : fOf(cand);
      const shift = Math.abs(settle(fCand) - settle(fCur));
      const dir = Math.sign(cand - next);
      const outOfBounds = cur < p.minThreshold || cur > p.maxThreshold;
      let move = false;
      if (idle) move = false;
      else if (!inBand || returning) move = dir !== 0 && shift >= tu.minShift; // a step back needs no dwell
      else if (tu.steadyBand) {
        // Only the drift of the steady point itself, averaged over ticks, in one move that takes
        // the settled split back by the averaged error.
        const k = tu.steadyWeight * (R > 0 ? Math.min(1, routed / R) : 1);
        steadyAcc += k * (settle(fCur) - target - steadyAcc);
        // The threshold in force settles far off (a pull left in place, a changed size mix): to
        // the steady threshold at once.
        const far = Math.abs(settle(fCur) - target) > tu.steadyJump;
        const fNew = far ? clamp(ff, fLo, fHi) : clamp(fCur - steadyAcc * (1 + F), fLo, fHi);
        const c2 = far ? steadyT : thresholdOf(fNew);
        const d2 = Math.sign(c2 - next);
        const need = tu.steadyMove * (d2 === lastDir || lastDir === 0 ? 1 : tu.steadyReverse);
        const sh2 = Math.abs(settle(fNew <= fLo || fNew >= fHi ? fNew : fOf(c2)) - settle(fCur));
        move = d2 !== 0 && (far || Math.abs(steadyAcc) >= need) && sh2 >= tu.minShift;
        if (move) cand = c2;
      } else if (dir === 0) move = false;
      else {
        // The threshold in force settles far off (the return from a pull, a shifted size mix).
        const off = Math.abs(settle(fCur) - target) > tu.holdSteady;
        const drift = cusumUp > tu.cusumLimit ? 1 : cusumDown > tu.cusumLimit ? -1 : 0;
        // A move must work against the excursion or the drift that asks for it; one the other way
        // from the last move must also wait out a dwell: noise comes and goes, a real shift stays.
        const against = (s: number): boolean => s !== 0 && dir === -s;
        const wanted = off || (Math.abs(error) > hold && against(Math.sign(error))) || against(drift);
        const rested = dir === lastDir || ticks - lastMove >= tu.dwell;
        move = wanted && shift >= tu.minShift && (rested || off);
      }
      // steadyBand: a pull already in force that asks for no move (parked on a bound) is still one
      // to walk back from once the band is reached, not to leave in place.
      if (tu.steadyBand && !idle && ret === null && !returning && pull !== 0 && cand === next && next !== steadyT) {
        ret = { sign: Math.sign(pull), gain, cap: Math.abs(want - ff), err0: Math.abs(error), stepped: false };
      }
      if (!idle && (outOfBounds || move)) {
        if (cand !== next && !returning && pull !== 0) ret = { sign: Math.sign(pull), gain, cap: Math.abs(want - ff), err0: Math.abs(error), stepped: false };
        else if (returning && cand !== next && ret !== null) ret.stepped = true;
        if (returning && cand === steadyT) ret = null;
        next = cand;
      }
    }
    if (next !== cur || !inBand || ret !== null) steadyAcc = 0;
    if (next !== cur) {
      const dir = next > cur ? 1 : -1;
      if (dir > 0) adjustments.up++; else adjustments.down++;
      lastDir = dir;
      lastMove = ticks;
      resetNoise();
    }
    last = { threshold: next, share, targetShare: target, status, error };
    return last;
  }

  function volumeTrigger(): number {
    if (p.volumeBytes <= 0) return 0;
    return Math.max(1, Math.round(Math.min(p.volumeBytes, Math.max(tu.volumeFloor, tu.volumeShare * stock))));
  }

  return {
    get params() { return p; },
    get ticks() { return ticks; },
    get adjustments() { return { ...adjustments }; },
    get last() { return last; },
    get bias() { return bias; },
    get volumeTrigger() { return volumeTrigger(); },
    set(patch) { p = mergeParams(p, patch); },
    step,
  };
}
