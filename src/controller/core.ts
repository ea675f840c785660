// The pure ratio controller: one step per tick from a stats snapshot to a threshold. No timers,
// no I/O, deterministic, so the live service, the simulator, the benchmark and `tiermem
// recommend` all run exactly this code.
//
// Placement is decided when a block is allocated, so the live split (the stock) can only be
// steered through the routed allocations that follow (the flow). Each step runs these phases,
// one function each over one typed state (ControllerState):
//  1. measureTick: the tick's routed flow by size, forced bytes, and the bytes freed (by
//     balance); with no (or negligible) routed flow it holds: nothing it could do changes the
//     stock;
//  2. learnBias, updateHookCuts, updateHistogram, updateRates keep the estimates: a flow
//     histogram averaged by volume (not by tick), whether early ticks really cut the flow (not on
//     the store, which allocates in C), the flow per timer tick, forced and freed bytes per
//     routed byte (restarted on new sizes), and the learned bias of the size map;
//  3. pull, out of the +/-2 point band (a start, a target change, a size shift): feed-forward
//     plus a bounded pull. The flow share that holds the split once the stock is there (frees
//     take from each tier in proportion to its stock, forced bytes counted), read off the
//     histogram, plus extra flow share that removes kp of the error by the next tick
//     (stock/flow: what the churn allows); the threshold jumps there at once;
//  4. trimStep, inside the band: the trim (trim.ts), a PI law on the stock error in velocity
//     form, moved in log-threshold space through a play, on fine early ticks; it enters at the
//     feed-forward threshold plus its own proportional term, and never re-reads the map for a
//     position, so the map's sampling noise does not become moves back and forth (only a new
//     size distribution under which its threshold sends a far wrong flow share re-enters it);
//  5. decide: clamps to [min, max], runs 3 or 4, and calls the target unreachable when even the
//     bound threshold cannot produce it (the bias stops learning then: anti-windup).

import { SPLIT_STEPS, type Tier } from '../types.js';
import { DEFAULT_CONTROLLER_PARAMS, mergeParams, type ControllerParams } from './params.js';
import { clamp } from './clamp.js';
import { shapeDistance, shareBelow, thresholdFor } from './flow.js';
import { createTrim, type Trim, type TrimTuning } from './trim.js';

export type ControllerStatus = 'on-target' | 'converging' | 'unreachable' | 'paused';

export interface ControllerTick {
  /** Threshold to apply (bytes). */
  threshold: number;
  /**
   * Its split (0-1): the fraction of the routed requests in [threshold, the end of its
   * power-of-two bucket) the allocator sends to DRAM (`setRoute`). 0 unless the input gave a
   * `split` (the allocator can dither).
   */
  split: number;
  /** Live DRAM share measured at this tick (NaN when nothing is live). */
  share: number;
  targetShare: number;
  status: ControllerStatus;
  /** share - targetShare (positive: too much in DRAM); 0 when nothing is live. */
  error: number;
  /**
   * Bytes the caller's migrator should move now: > 0 from PMem to DRAM (the hottest first), < 0
   * from DRAM to PMem (the coldest first), 0 none. Only asked of callers that give migrationMs.
   */
  migrate: number;
}

/** The part of AllocatorStats the controller reads; AllocatorStats satisfies it. */
export interface ControllerInput {
  threshold: number;
  tiers: Record<Tier, { liveBytes: number; forcedBytes: number }>;
  flowBytes: ArrayLike<number>;
  /** Routed allocations by bucket; lets the histogram wait for enough blocks (optional). */
  flowCount?: ArrayLike<number>;
  /**
   * Milliseconds since the previous tick that gave it, given only by callers that carry out the
   * tick's `migrate` quota (the store's migrator). Without it the controller steers by the
   * threshold alone, as where nothing can move a block after its allocation.
   */
  migrationMs?: number;
  /**
   * The allocator's split in force, given only by allocators that dither (`setRoute`). With it
   * the controller realizes its threshold as a power of two plus a split of that bucket, so the
   * share it sends is the one its power-of-two size map predicts, even for values of one size.
   */
  split?: number;
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
  /** Weight of a new tick in the flow, forced and free estimates; rateReset: all of it on the
   *  tick that replaces the histogram (new sizes). */
  rateWeight: number;
  rateReset: boolean;
  /** Early (volume) tick after routed flow of this fraction of the live stock, at least
   *  volumeFloor bytes, at most the volumeBytes parameter (0 there turns it off). These are the
   *  trim's steps: fine slices of turnover, so it moves in many small same-direction steps. */
  volumeShare: number;
  volumeFloor: number;
  /** The in-band law (see trim.ts). */
  trim: TrimTuning;
  /** Migration closes what the flow cannot of an error out of the band within migrateHorizonMs
   *  (a quota at most migrateRate allows, per tick). Inside the band the trim steers, unless the
   *  flow turns over less than migrateSlowFlow of the stock in the horizon (low churn): then
   *  migration also closes in-band errors above migrateDeadZone. */
  migrateDeadZone: number;
  migrateHorizonMs: number;
  migrateSlowFlow: number;
  /** A threshold whose flow share is within this of 0 (1) while the split is above (below)
   *  target can do no more: migration closes errors above migrateDeadZone. */
  migrateSaturated: number;
  /** Realize the threshold dithered where the allocator can (input.split given). */
  dither: boolean;
  /** Inside the band, a new size distribution (the histogram replaced) under which the trim's
   *  threshold sends a flow share this far from the feed-forward one re-enters the trim there:
   *  the old position belongs to the old sizes, and stepping from it takes many ticks. */
  reanchor: number;
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
  rateReset: true,
  volumeShare: 0.005,
  volumeFloor: 16 * 1024,
  trim: Object.freeze({
    tau: 0.02,
    play: 0.003,
    playNoise: 2,
    minSlope: 0.02,
    walkFrom: 1,
    walkEdge: 0.02,
    noiseGoal: 0.0015,
    noiseSpan: 0.25,
    maxBoost: 3,
  }),
  migrateDeadZone: 0.005,
  migrateHorizonMs: 2000,
  migrateSlowFlow: 0.05,
  migrateSaturated: 0.02,
  dither: true,
  reanchor: 0.25,
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
  /** The factor the trim raised its gains by at its last step against the stock's own noise
   *  (trim.ts; 1: not raised); exposed for tests and metrics. */
  readonly trimBoost: number;
  /** Routed bytes after which the next early tick should run (0 = none): a share of the live
   *  stock, so a flow that is large next to the stock (a size shift, a load into a small
   *  store) is steered within the timer period. */
  readonly volumeTrigger: number;
  /** Validate and apply a patch all-or-nothing (throws ERR_TIERMEM_INVALID_ARG). */
  set(p: Partial<ControllerParams>): void;
  step(input: ControllerInput): ControllerTick;
}

/** What the previous tick saw: the stock, the cumulative forced bytes and routed flow. */
interface Snapshot {
  dram: number;
  pmem: number;
  forcedDram: number;
  forcedPmem: number;
  flow: Float64Array;
  count: number;
}

/** Routed flow per timer tick, and forced and freed bytes per routed byte (ratios hold across
 *  ticks of any length, which early ticks make uneven). */
interface Rates {
  routed: number;
  forcedDram: number;
  forcedPmem: number;
  freed: number;
}

/** Everything the controller carries from one tick to the next. */
interface ControllerState {
  params: ControllerParams;
  readonly tuning: ControllerTuning;
  readonly trim: Trim;
  prev: Snapshot | null;
  /** The flow histogram (shares per size bucket), and flow not yet taken into it. */
  hist: Float64Array | null;
  /** The last batch of flow was far from the histogram. */
  shifting: boolean;
  /** The histogram was replaced (a new size distribution) since the last decision. */
  reshaped: boolean;
  pend: Float64Array | null;
  pendBytes: number;
  pendItems: number;
  rates: Rates;
  /** The rates are the first tick's, taken over the whole past. */
  fromHistory: boolean;
  /** The early-tick volume asked for after the last tick. */
  armed: number;
  /** Whether the volume hook cuts the flow where it was armed. Not where allocations bypass it or
   *  come in calls it cannot cut: the store allocates in C, a pipeline per native call, and its
   *  controller ticks on the timer only. */
  hookCuts: boolean;
  /** The learned bias of the size map (flow-share units). */
  bias: number;
  ticks: number;
  /** Live bytes at the last tick (sizes the early ticks). */
  stock: number;
  /** Routed bytes per millisecond (from ticks that report their length), and the flow of the
   *  ticks since the last one that did. */
  flowPerMs: number;
  untimedFlow: number;
  last: ControllerTick | null;
  /** The threshold the last tick chose, before realizing it (a real number of bytes when
   *  dithering: the split carries its fraction of a bucket). */
  position: number;
  readonly adjustments: { up: number; down: number };
}

/** Phase 1's result: what the tick that just ended did. */
interface TickMeasure {
  /** The threshold in force during the tick. */
  threshold: number;
  dram: number;
  pmem: number;
  total: number;
  share: number;
  error: number;
  inBand: boolean;
  /** Cumulative routed flow by bucket (the next snapshot's) and this tick's part of it. */
  flow: Float64Array;
  dFlow: Float64Array;
  routed: number;
  /** Routed blocks, cumulative (NaN: not reported) and this tick's (Infinity: unknown). */
  count: number;
  items: number;
  forcedDram: number;
  forcedPmem: number;
  prevTotal: number;
  freed: number;
  first: boolean;
  /** No (or negligible) routed flow: nothing the threshold does changes the stock. */
  idle: boolean;
  /** The tick's length when the caller migrates (0: it does not). */
  migrationMs: number;
  /** The allocator dithers and the controller may use it. */
  dither: boolean;
  /** The split in force (0 when the allocator does not dither). */
  split: number;
}

/** Phase 1: measure the tick just ended against the previous snapshot. */
function measureTick(s: ControllerState, input: ControllerInput): TickMeasure {
  const { prev, tuning: tu } = s;
  const sd = input.tiers.dram.liveBytes;
  const sp = input.tiers.pmem.liveBytes;
  const total = sd + sp;
  const share = total > 0 ? sd / total : NaN;
  const error = total > 0 ? share - s.params.targetShare : 0;
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
  const forcedDram = Math.max(0, input.tiers.dram.forcedBytes - (prev?.forcedDram ?? 0));
  const forcedPmem = Math.max(0, input.tiers.pmem.forcedBytes - (prev?.forcedPmem ?? 0));
  const prevTotal = prev ? prev.dram + prev.pmem : 0;
  const freed = Math.max(0, prevTotal + routed + forcedDram + forcedPmem - total);
  const first = prev === null;
  return {
    threshold: input.threshold,
    dram: sd,
    pmem: sp,
    total,
    share,
    error,
    inBand: Math.abs(error) <= ON_TARGET_BAND,
    flow,
    dFlow,
    routed,
    count,
    items,
    forcedDram,
    forcedPmem,
    prevTotal,
    freed,
    first,
    idle: !first && routed <= tu.idleFlow * Math.max(total, prevTotal),
    migrationMs: input.migrationMs !== undefined && input.migrationMs > 0 ? input.migrationMs : 0,
    dither: tu.dither && input.split !== undefined,
    split: input.split ?? 0,
  };
}

/**
 * Phase 2a: the learned bias of the size map: the share the stock took from the routed flow
 * (frees taken in proportion) against the map's prediction. Learned out of the band only: inside
 * it the trim corrects the stock directly, and the map only gives it an entry point.
 */
function learnBias(s: ControllerState, m: TickMeasure): void {
  const { prev } = s;
  if (!prev || m.prevTotal <= 0 || m.routed <= 0) return;
  const took = (m.dram - prev.dram - m.forcedDram + (prev.dram / m.prevTotal) * m.freed) / m.routed;
  if (!Number.isFinite(took) || m.inBand || s.last?.status === 'unreachable' || s.hist === null) return;
  const predicted = shareBelow(m.dFlow, m.threshold);
  // Anti-windup: nothing to learn while the flow is saturated.
  if (predicted <= 0.02 || predicted >= 0.98) return;
  const seen = clamp(took - predicted, -1, 1);
  // Weighted by the tick's volume: a thin early tick is a small sample.
  const k = s.params.ki * (s.rates.routed > 0 ? Math.min(1, m.routed / s.rates.routed) : 1);
  s.bias = clamp(s.bias + k * (seen - s.bias), -0.5, 0.5);
}

/**
 * Phase 2b: whether early ticks really come. A hook that cuts ends a tick within one block past
 * its volume; a tick carrying far more flow than that was not cut (the store: its allocations
 * never reach the hook, and live the pull sized for the hook's 0.5% of the stock, 20-100 times
 * less flow than came, swung the threshold between its bounds: periodic-mix overshot 15-37
 * points on each switch to 3 KiB values).
 */
function updateHookCuts(s: ControllerState, m: TickMeasure): void {
  if (s.armed <= 0 || m.first) return;
  let top = -1;
  for (let b = 0; b < m.dFlow.length; b++) if ((m.dFlow[b] ?? 0) > 0) top = b;
  if (m.routed - 2 ** (top + 1) > s.armed) s.hookCuts = false;
  else if (m.routed >= 0.9 * s.armed) s.hookCuts = true;
}

/** Phase 2b: the flow, forced and freed rates for the next tick. */
function updateRates(s: ControllerState, m: TickMeasure): void {
  // New sizes (the histogram replaced) bring a new flow per tick and new freed and forced bytes
  // per routed byte: the rates restart from this tick. Live (periodic-mix), the 4 KiB phase's
  // flow estimate, five times the 400 B flow that followed, sized the pull five times too weak:
  // the split stayed 2-3 points high for 6 ticks after each switch to 400 B values.
  const w = m.first || s.fromHistory || (s.reshaped && s.tuning.rateReset) ? 1 : s.tuning.rateWeight;
  // Ended by the volume hook, not the timer.
  const early = s.hookCuts && s.armed > 0 && m.routed >= 0.9 * s.armed;
  const r = Math.max(m.routed, 1e-300);
  const old = s.rates;
  s.rates = {
    // An early tick only says the timer's flow is at least this much.
    routed: early ? Math.max(old.routed, m.routed) : (1 - w) * old.routed + w * m.routed,
    forcedDram: (1 - w) * old.forcedDram + (w * m.forcedDram) / r,
    forcedPmem: (1 - w) * old.forcedPmem + (w * m.forcedPmem) / r,
    freed: (1 - w) * old.freed + (w * m.freed) / r,
  };
  s.fromHistory = m.first;
}

/** The routed flow per millisecond, from every tick that reports its length (idle ones too:
 *  a flow that stopped is what tells migration the threshold cannot do the work). */
function updateFlowPerMs(s: ControllerState, m: TickMeasure): void {
  // The first tick's flow is the allocator's whole past, not a rate.
  if (m.first) return;
  s.untimedFlow += m.routed;
  if (m.migrationMs <= 0) return;
  const perMs = s.untimedFlow / m.migrationMs;
  s.untimedFlow = 0;
  const w = s.flowPerMs === 0 ? 1 : s.tuning.rateWeight;
  s.flowPerMs = (1 - w) * s.flowPerMs + w * perMs;
}

/**
 * Phase 2c: the flow histogram, averaged by volume. Flow gathers in a pending batch; a batch is
 * taken in with histItems blocks, or a quarter of that showing a wholly new shape, which
 * replaces the histogram (and the bias that belonged to the old one).
 */
function updateHistogram(s: ControllerState, m: TickMeasure): void {
  const tu = s.tuning;
  if (m.routed > 0) {
    // A tick whose own flow has a wholly new shape starts the batch afresh (older pending flow
    // belongs to the old shape).
    const fresh = s.hist !== null && m.items >= tu.histItems / 4 && shapeDistance(s.hist, m.dFlow) > tu.histReset;
    if (fresh || s.pend === null || s.pend.length !== m.dFlow.length) {
      s.pend = new Float64Array(m.dFlow.length);
      s.pendBytes = 0;
      s.pendItems = 0;
    }
    for (let b = 0; b < m.dFlow.length; b++) s.pend[b]! += m.dFlow[b] ?? 0;
    s.pendBytes += m.routed;
    s.pendItems += m.items;
  }
  const pendBytes = s.pendBytes;
  const norm = s.pend !== null && pendBytes > 0 ? s.pend.map((v) => v / pendBytes) : null;
  const hist = s.hist;
  const dist = norm === null || hist === null || hist.length !== norm.length ? 1 : shapeDistance(hist, norm);
  if (
    norm === null ||
    !(s.pendItems >= tu.histItems || hist === null || (s.pendItems >= tu.histItems / 4 && dist > tu.histReset))
  )
    return;
  if (dist > tu.histReset || (dist > tu.histShift && s.shifting)) {
    s.hist = norm;
    s.bias = 0; // the old bias belonged to the old distribution
    s.shifting = false;
    s.reshaped = true;
  } else if (hist !== null) {
    s.shifting = dist > tu.histShift;
    // Volume weighting: the histogram forgets in bytes of flow, not in ticks.
    const hw = m.total > 0 ? 1 - Math.exp(-pendBytes / (tu.histMemory * m.total)) : 1;
    for (let b = 0; b < hist.length; b++) hist[b] = (1 - hw) * (hist[b] ?? 0) + hw * (norm[b] ?? 0);
  }
  s.pend = null;
}

/** The size map at this tick: flow shares by threshold, corrected by the learned bias. */
interface SizeMap {
  /** Flow shares the bounds can produce. */
  fLo: number;
  fHi: number;
  /** Routed DRAM flow share the threshold t sends. */
  shareOf(t: number): number;
  /** The threshold that sends flow share w to DRAM (the bounds past the reachable range). */
  thresholdOf(w: number): number;
  /** The split the stock settles at under flow share f, forced bytes counted. */
  settle(f: number): number;
}

function sizeMap(s: ControllerState, hist: Float64Array, cur: number): SizeMap {
  const { params: p, bias, rates } = s;
  const F = rates.forcedDram + rates.forcedPmem; // per routed byte
  const fLo = clamp(shareBelow(hist, p.minThreshold) + bias, 0, 1);
  const fHi = clamp(shareBelow(hist, p.maxThreshold) + bias, 0, 1);
  return {
    fLo,
    fHi,
    shareOf: (t) => clamp(shareBelow(hist, t) + bias, 0, 1),
    thresholdOf: (w) => {
      const t = thresholdFor(hist, clamp(w - bias, 0, 1)) ?? cur;
      return w <= fLo ? p.minThreshold : w >= fHi ? p.maxThreshold : clamp(t, p.minThreshold, p.maxThreshold);
    },
    settle: (f) => (f + rates.forcedDram) / (1 + F),
  };
}

/**
 * Phase 5: even the bound threshold settles outside the band, and the stock is out. Where blocks
 * can migrate, any routed block can go to either tier: only the pinned (forced) bytes bound it.
 */
function unreachable(map: SizeMap, target: number, error: number, migrating: boolean): boolean {
  const tol = ON_TARGET_BAND / 4;
  const lo = migrating ? map.settle(0) : map.settle(map.fLo);
  const hi = migrating ? map.settle(1) : map.settle(map.fHi);
  return (target < lo - tol && error > ON_TARGET_BAND) || (target > hi + tol && error < -ON_TARGET_BAND);
}

/**
 * Migration, the second actuator: the part of the error the flow at the chosen threshold will
 * not close within the horizon, within the byte budget of this tick. The flow pulls the stock
 * toward the split it settles at, at the routed rate; what is left (low churn, a target step on
 * a quiet store) is moved directly. Inside the band the threshold holds the fine steady split
 * wherever the flow can (measured: migrating there too only added error), so migration traffic
 * stays for real errors.
 */
function migrationQuota(s: ControllerState, m: TickMeasure, map: SizeMap, next: number): number {
  const { params: p, tuning: tu, rates } = s;
  if (m.migrationMs <= 0 || p.migrateRate <= 0 || m.total <= 0) return 0;
  const e = m.error;
  const budget = (p.migrateRate * m.migrationMs) / 1000;
  const slowFlow = s.flowPerMs * tu.migrateHorizonMs < tu.migrateSlowFlow * m.total;
  // With the threshold already sending (nearly) nothing the right way, the flow has no more to
  // give, and the model over-promises what it will do: frees do not take pinned keys with the
  // values they overwrite, so while a stock of 4 KiB values shrinks under 400 B ones the pinned
  // share grows (live periodic-mix: 1-3 points high for 4-10 ticks with the threshold at a few
  // bytes, inside the band and out). Demote (promote) half the error a tick. Saturated: the
  // threshold in force and the next one (not merely the next: that may be a step of its own).
  const sat = (t: number): boolean =>
    e > 0 ? map.shareOf(t) <= tu.migrateSaturated : map.shareOf(t) >= 1 - tu.migrateSaturated;
  const saturated = sat(next) && sat(m.dither ? m.threshold * 2 ** m.split : m.threshold);
  if (!m.idle && saturated && Math.abs(e) > tu.migrateDeadZone && !slowFlow) {
    const q = Math.min(budget, 0.5 * Math.abs(e) * m.total);
    return Math.round(e > 0 ? -q : q);
  }
  if (Math.abs(e) <= (slowFlow ? tu.migrateDeadZone : ON_TARGET_BAND)) return 0;
  const F = rates.forcedDram + rates.forcedPmem;
  // DRAM bytes per ms the flow moves toward the target (negative: away from it).
  const toward = -Math.sign(e) * (map.settle(map.shareOf(next)) - m.share) * s.flowPerMs * (1 + F);
  // A flow too thin to matter within the horizon (low churn, a quiet store after a target step or
  // a mass delete) leaves nothing to wait for: close the error now, as far as the budget allows.
  // Live, the horizon's exponential approach took 5-6 s to enter the band after 1:4 -> 1:1 on a
  // 30 MB stock that the 32 MiB/s budget could move in under a second.
  const horizon = slowFlow ? m.migrationMs : tu.migrateHorizonMs;
  const need = (Math.abs(e) * m.total) / horizon - Math.max(0, toward);
  if (need <= 0) return 0;
  const q = Math.min(need * m.migrationMs, budget, Math.abs(e) * m.total);
  return Math.round(e > 0 ? -q : q);
}

/**
 * Phase 3, out of the band: feed-forward plus a pull sized for the flow until the next tick (an
 * early tick cuts it); a move only when it shifts the settled split by minShift.
 */
function pull(s: ControllerState, m: TickMeasure, map: SizeMap, ff: number, next: number): number {
  const { params: p, tuning: tu, rates } = s;
  const R = rates.routed;
  // Where the hook cuts the flow, the next tick comes after the armed volume; where it does not
  // (updateHookCuts: the store), after the timer's flow, taken as the last tick's when that ran
  // past the armed volume: the store's reallocs of growing lists re-route up to twice the stock
  // in a tick, and a pull sized for the armed volume there swung the threshold 0 <-> max every
  // tick (appended-lists).
  const Rn = s.armed > 0 ? Math.min(R, s.hookCuts ? s.armed : Math.max(m.routed, s.armed)) : R;
  const e = Math.sign(m.error) * Math.max(0, Math.abs(m.error) - tu.deadZone);
  const remaining = Math.max(0, m.total - Math.min(rates.freed * Rn, m.total));
  const drive = m.total > 0 ? clamp((-p.kp * e * remaining) / Rn, -tu.maxPull, tu.maxPull) : 0;
  const want = clamp(ff + drive, map.fLo, map.fHi);
  const cand = map.thresholdOf(want);
  const fCand = want <= map.fLo || want >= map.fHi ? want : map.shareOf(cand);
  return cand !== next && Math.abs(map.settle(fCand) - map.settle(map.shareOf(next))) >= tu.minShift ? cand : next;
}

/** Phase 4, inside the band: the trim enters at the feed-forward threshold plus its own
 *  proportional term, then steers by increments only. */
function trimStep(s: ControllerState, m: TickMeasure, map: SizeMap, hist: Float64Array, ff: number): number {
  const p = s.params;
  if (!s.trim.engaged) s.trim.engage(map.thresholdOf(clamp(ff - p.trimKp * m.error, map.fLo, map.fHi)), m.error);
  return s.trim.step({
    error: m.error,
    turnover: m.total > 0 ? m.routed / m.total : 0,
    kp: p.trimKp,
    ki: p.trimKi,
    slopeAt: (x) => (shareBelow(hist, 2 ** (x + 0.25)) - shareBelow(hist, 2 ** (x - 0.25))) / 0.5,
    shareAt: (x) => shareBelow(hist, 2 ** x),
    min: p.minThreshold,
    max: p.maxThreshold,
  });
}

/** Phases 3-5: the threshold for the next tick and the status. */
function decide(s: ControllerState, m: TickMeasure): { next: number; status: ControllerStatus; migrate: number } {
  const p = s.params;
  // Dithering, the threshold in force is the realized one; the controller goes on from the
  // position it realized (unless someone else set the threshold since).
  const own = m.dither && s.last !== null && m.threshold === s.last.threshold && Number.isFinite(s.position);
  let next = clamp(own ? s.position : m.threshold, p.minThreshold, p.maxThreshold);
  let status: ControllerStatus = m.inBand ? 'on-target' : 'converging';
  s.armed = volumeTrigger(s);
  // Out of the band, or someone else set the threshold (an operator, a paused controller): the
  // trim re-enters from the feed-forward point instead of stepping on from a stale position.
  if (!m.inBand || (s.last !== null && m.threshold !== s.last.threshold)) s.trim.release();
  const hist = s.hist;
  const reshaped = s.reshaped;
  s.reshaped = false;
  if (hist === null || s.rates.routed <= 0) return { next, status, migrate: 0 };
  const map = sizeMap(s, hist, m.threshold);
  // 3. Feed-forward: the routed DRAM share that holds the split once the stock is there.
  const F = s.rates.forcedDram + s.rates.forcedPmem;
  const ff = p.targetShare * (1 + F) - s.rates.forcedDram;
  // New sizes that make the trim's threshold send a far wrong flow share: re-enter at ff.
  if (reshaped && s.trim.engaged && Math.abs(map.shareOf(next) - ff) > s.tuning.reanchor) s.trim.release();
  const migrating = m.migrationMs > 0 && p.migrateRate > 0;
  if (unreachable(map, p.targetShare, m.error, migrating)) status = 'unreachable';
  // Idle: hold, nothing the threshold does changes the stock now.
  if (!m.idle) next = m.inBand ? trimStep(s, m, map, hist, ff) : pull(s, m, map, ff, next);
  // The trim keeps its position below a byte; a dithered threshold can realize it.
  if (!m.idle && m.inBand && m.dither && Number.isFinite(s.trim.position)) next = s.trim.position;
  return { next, status, migrate: migrationQuota(s, m, map, next) };
}

/**
 * The threshold the allocator is given for a position (bytes, real). Dithering: the power of two
 * below it plus the split log2(position) - b of its bucket [2^b, 2^(b+1)), which sends exactly
 * the share of that bucket's flow the size map assumes (it spreads a bucket's bytes evenly over
 * log2 size), whatever the sizes inside it; so one value size is split like any mix. A bucket
 * not wholly inside the bounds, or no dithering: the position rounded to a byte, split 0.
 */
function realize(pos: number, p: ControllerParams, dither: boolean): { threshold: number; split: number } {
  const plain = { threshold: clamp(Math.round(pos), p.minThreshold, p.maxThreshold), split: 0 };
  if (!dither || pos < 2) return plain;
  const b = Math.floor(Math.log2(pos));
  const lo = 2 ** b;
  if (lo < p.minThreshold || 2 * lo > p.maxThreshold) return plain;
  const split = Math.round((Math.log2(pos) - b) * SPLIT_STEPS) / SPLIT_STEPS;
  return split >= 1 ? { threshold: 2 * lo, split: 0 } : { threshold: lo, split };
}

function volumeTrigger(s: ControllerState): number {
  const { params: p, tuning: tu } = s;
  if (p.volumeBytes <= 0) return 0;
  return Math.max(1, Math.round(Math.min(p.volumeBytes, Math.max(tu.volumeFloor, tu.volumeShare * s.stock))));
}

export function createThresholdController(
  params: Partial<ControllerParams> = {},
  tuning: ControllerTuningPatch = {},
): ThresholdController {
  const tu: ControllerTuning = { ...DEFAULT_TUNING, ...tuning, trim: { ...DEFAULT_TUNING.trim, ...tuning.trim } };
  const s: ControllerState = {
    params: mergeParams(DEFAULT_CONTROLLER_PARAMS, params),
    tuning: tu,
    trim: createTrim(tu.trim),
    prev: null,
    hist: null,
    shifting: false,
    reshaped: false,
    pend: null,
    pendBytes: 0,
    pendItems: 0,
    rates: { routed: 0, forcedDram: 0, forcedPmem: 0, freed: 0 },
    fromHistory: true,
    armed: 0,
    hookCuts: true,
    bias: 0,
    ticks: 0,
    stock: 0,
    flowPerMs: 0,
    untimedFlow: 0,
    last: null,
    position: NaN,
    adjustments: { up: 0, down: 0 },
  };

  function step(input: ControllerInput): ControllerTick {
    s.ticks++;
    const m = measureTick(s, input);
    s.stock = m.total;
    updateFlowPerMs(s, m);
    if (!m.idle) {
      learnBias(s, m);
      updateHookCuts(s, m);
      updateHistogram(s, m);
      updateRates(s, m);
    }
    s.prev = {
      dram: m.dram,
      pmem: m.pmem,
      forcedDram: input.tiers.dram.forcedBytes,
      forcedPmem: input.tiers.pmem.forcedBytes,
      flow: m.flow,
      count: m.count,
    };
    const was = m.dither ? m.threshold * 2 ** (input.split ?? 0) : m.threshold;
    const { next, status, migrate } = decide(s, m);
    const { threshold, split } = realize(next, s.params, m.dither);
    const now = threshold * 2 ** split;
    if (now > was) s.adjustments.up++;
    else if (now < was) s.adjustments.down++;
    s.position = next;
    s.last = { threshold, split, share: m.share, targetShare: s.params.targetShare, status, error: m.error, migrate };
    return s.last;
  }

  return {
    get params() {
      return s.params;
    },
    get ticks() {
      return s.ticks;
    },
    get adjustments() {
      return { ...s.adjustments };
    },
    get last() {
      return s.last;
    },
    get bias() {
      return s.bias;
    },
    get trimBoost() {
      return s.trim.boost;
    },
    get volumeTrigger() {
      return volumeTrigger(s);
    },
    set(patch) {
      const before = s.params;
      s.params = mergeParams(before, patch);
      // A new target or new bounds: the trim re-enters from the feed-forward point.
      if (
        s.params.targetShare !== before.targetShare ||
        s.params.minThreshold !== before.minThreshold ||
        s.params.maxThreshold !== before.maxThreshold
      )
        s.trim.release();
    },
    step,
  };
}
