// The in-band law ("trim"): once the live split is inside the +/-2 point band, the threshold
// follows a PI signal on the stock error, in velocity form, moved in log-threshold space and
// through a play (backlash), on every early tick (a fine slice of the stock's turnover).
//
// Why this shape: it keeps the threshold from reversing direction on noise. The stock error is
// smooth but its small-scale wiggles are real churn noise. A positional law recomputed from the
// size map every tick turns the map's own sampling noise into threshold moves back and forth;
// here the map only scales a step (its slope) and picks the entry point, so the direction of
// every move is the sign of the PI increment. The integral part follows the sign of the (filtered) error, which changes rarely; the
// proportional part follows its wiggles, and the play, as wide as a few standard deviations of
// those wiggles, keeps them from reversing the threshold. Time is counted in stock turnover
// (routed bytes / live bytes), not in ticks, so the gains hold for any tick length and any
// churn: with the split s and the flow share f, ds/d(turnover) = f - s.

import { clamp } from './clamp.js';

export interface TrimTuning {
  /** Low-pass of the stock error, in stock turnover (0.02: the error averaged over 2% of the
   *  stock's worth of flow). */
  tau: number;
  /** Play of the PI signal (flow share): at least `play`, and `playNoise` standard deviations of
   *  its proportional increments. */
  play: number;
  playNoise: number;
  /** Smallest slope of the size map used to scale a step (flow share per doubling). */
  minSlope: number;
  /** A linear step longer than this (doublings) from a threshold that sends less than walkEdge
   *  of the flow (more than 1 - walkEdge) up (down) into the sizes is walked along the map. */
  walkFrom: number;
  walkEdge: number;
  /** The stock's own noise sets a floor under the steady error: frees and placements of single
   *  values move the split at random, and the loop only removes that walk as fast as its gains.
   *  On fine ticks the gains are raised (at most `maxBoost` times) until the error's expected
   *  spread under that walk is `noiseGoal` (share); the walk's rate is learned over `noiseSpan`
   *  of turnover. */
  noiseGoal: number;
  noiseSpan: number;
  maxBoost: number;
}

export interface TrimStep {
  /** Stock error (share - target). */
  error: number;
  /** Routed bytes of this tick over the live bytes. */
  turnover: number;
  /** Proportional gain (flow share per unit of error) and integral gain (per unit of error and of
   *  stock turnover). */
  kp: number;
  ki: number;
  /** Slope of the size map at a log2 threshold: flow share per doubling of the threshold. */
  slopeAt(log2Threshold: number): number;
  /** The flow share the size map says a log2 threshold sends (optional): a long step stops where
   *  the map reaches the increment, if that comes before the slope's linear step ends. */
  shareAt?: (log2Threshold: number) => number;
  min: number;
  max: number;
}

export interface Trim {
  /** Whether the trim is steering (it was entered and not released since). */
  readonly engaged: boolean;
  /** Start from this threshold (the entry point the caller chose). */
  engage(threshold: number, error: number): void;
  /** Hand the threshold back (the split left the band, or the controller was reset). */
  release(): void;
  /** One step; returns the threshold (an integer in [min, max]). */
  step(s: TrimStep): number;
  /** The factor the gains were raised by at the last step (1: not raised). */
  readonly boost: number;
  /** The threshold the last step reached before rounding to a byte (NaN when not engaged): what
   *  a dithered threshold realizes. */
  readonly position: number;
}

export function createTrim(t: TrimTuning): Trim {
  let x: number | null = null; // log2 of the threshold, kept continuous (the byte is the output)
  let filtered = 0; // low-passed stock error
  let signal = 0; // the PI signal (flow share)
  let out = 0; // the signal after the play
  let noiseVar = 0; // variance of the proportional increments (kept across entries)
  let position = NaN;
  // The stock's noise: the error's change per tick over the square root of its turnover (a
  // random walk's increments scaled to one turnover), its mean and second moment (their
  // difference leaves out the drift the loop itself makes). Kept across entries.
  let lastError = NaN;
  let walkMean = 0;
  let walkSq = 0;
  let boost = 1;

  return {
    get engaged() {
      return x !== null;
    },
    get position() {
      return x === null ? NaN : position;
    },
    get boost() {
      return boost;
    },
    engage(threshold, error) {
      x = Math.log2(Math.max(1, threshold));
      position = threshold;
      filtered = error;
      signal = 0;
      out = 0;
      lastError = error;
      // noiseVar and the walk are kept: they measure the workload, not this entry.
    },
    release() {
      x = null;
    },
    step(s) {
      if (x === null) throw new Error('trim.step before engage');
      // Live at 4:1 the PMem stock is ~1 MB of the largest values and each 0.5% of turnover
      // frees or places a few of them: the split walks 0.12 points a tick (0.05 at 1:4), and
      // with the default gains (a loop time of about a tenth of a turnover) the steady error
      // was 0.34-0.36 points, memtier's 0.23. A walk of rate D (share^2 per turnover) held by a
      // loop of rate k = 1 + kp spreads sqrt(D / 2k): raise k until that is noiseGoal. Only on
      // fine ticks: on coarse ones the increments are the loop's own moves, not noise.
      const fine = s.turnover > 0 && s.turnover <= t.tau;
      if (fine && Number.isFinite(lastError)) {
        const step = (s.error - lastError) / Math.sqrt(s.turnover);
        const w = Math.min(1, s.turnover / t.noiseSpan);
        walkMean += w * (step - walkMean);
        walkSq += w * (step * step - walkSq);
      }
      lastError = s.error;
      const walkRate = Math.max(0, walkSq - walkMean * walkMean);
      boost = fine ? clamp(walkRate / (2 * t.noiseGoal * t.noiseGoal * (1 + s.kp)), 1, t.maxBoost) : 1;
      const kp = s.kp * boost;
      const ki = s.ki * boost;
      const before = filtered;
      filtered += Math.min(1, s.turnover / t.tau) * (s.error - filtered);
      const dp = -kp * (filtered - before);
      noiseVar = 0.95 * noiseVar + 0.05 * dp * dp;
      // Per tick the stock moves a = 1 - e^-turnover of the way to the flow share, so the loop
      // gain of a tick is about a (1 + kp + ki turnover): above 2 the trim oscillates. Fine early
      // ticks keep it far below 1; a tick that cannot be cut finer (the store runs a pipeline in
      // one native call: 20-40% of the stock between ticks) is scaled down to deadbeat. Live, the
      // unscaled gains (about 16) swung the share by 5-9 points out of the band and back.
      const a = 1 - Math.exp(-s.turnover);
      const gain = Math.min(1, 1 / Math.max(1e-12, a * (1 + kp + ki * s.turnover)));
      signal += gain * (dp - ki * s.turnover * filtered);
      // A tick longer than the filter (timer ticks with early ticks off: one-size) lets real
      // movement of the stock through unfiltered, and the increments measure that, not churn
      // noise: a play sized on them held the threshold through 1-point swings (a limit cycle).
      // The play shrinks as (tau / turnover)^2 there; fine ticks keep it whole.
      const coarse = Math.min(1, t.tau / Math.max(s.turnover, 1e-12)) ** 2;
      const play = Math.max(t.play, coarse * t.playNoise * Math.sqrt(noiseVar));
      const prevOut = out;
      if (signal > out + play) out = signal - play;
      else if (signal < out - play) out = signal + play;
      const du = out - prevOut;
      const lo = Math.log2(Math.max(1, s.min));
      const hi = Math.log2(Math.max(1, s.max));
      if (du !== 0) {
        const slope = s.slopeAt(x);
        let nx = clamp(x + du / Math.max(t.minSlope, slope), lo, hi);
        if (s.shareAt && Math.abs(nx - x) > t.walkFrom && atEdge(s.shareAt(x), du, t.walkEdge))
          nx = walk(s.shareAt, x, nx, du);
        x = nx;
        // Anti-windup: parked on a bound, the signal does not run on past what the output did.
        if (x <= lo || x >= hi) signal = out;
      }
      position = clamp(2 ** x, s.min, s.max);
      return clamp(Math.round(position), s.min, s.max);
    },
  };
}

/** Below (above) nearly all the sizes, stepping into them. */
function atEdge(share: number, du: number, edge: number): boolean {
  return du > 0 ? share <= edge : share >= 1 - edge;
}

/**
 * At the edge of the sizes (below or above nearly all of them) the size map is flat or curving,
 * and the linear step du / slope flies across the sizes: live (periodic-mix, 400 B values, the
 * threshold at a few bytes) increments of a few points moved it from 26 B to 1.6 KiB and from
 * 120 B to 5.8 KiB, nearly all the values went to DRAM and the split left the band. This stops
 * at the first log2 threshold between x and the linear step's end whose flow share differs from
 * x's by du (or at the end: the step is never longer than the linear one). Short steps, and steps
 * inside the sizes (a gap between two modes: walking there cost bimodal 0.06 points in the
 * simulator), keep the slope's scale.
 */
function walk(shareAt: (x: number) => number, x: number, end: number, du: number): number {
  const from = shareAt(x);
  const reached = (y: number): boolean => (du > 0 ? shareAt(y) - from >= du : from - shareAt(y) >= -du);
  if (!reached(end)) return end;
  let near = x;
  let far = end;
  for (let i = 0; i < 30; i++) {
    const mid = (near + far) / 2;
    if (reached(mid)) far = mid;
    else near = mid;
  }
  return far;
}
