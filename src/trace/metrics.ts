// The report figures for one simulation run, computed from its samples. All shares are
// DRAM shares of live bytes; errors are in share units (0.01 = 1 percentage point).

import type { SimResult } from './simulate.js';
import { ON_TARGET_BAND } from '../controller/core.js';

export interface SegmentMetrics {
  start: number;
  end: number;
  target: number;
  /** Ticks after the first tick that saw the change until the share is inside the band and stays (Infinity: never). */
  settle: number;
  /** First tick (same origin) the share was inside the band at all (Infinity: never). */
  enter: number;
  /**
   * Mean |share - target| over the second half of the segment: one window for every controller,
   * so rules that settle at different ticks (or never) are compared over the same ticks.
   */
  steadyError: number;
  /** Largest |share - target| after the share first reached the target (crossed it or came within 0.5 points). */
  overshoot: number;
}

export interface RunMetrics {
  segments: SegmentMetrics[];
  /** Threshold moves and the fraction that reversed the previous move's direction. */
  moves: number;
  reversals: number;
  reversalFraction: number;
}

export function segmentMetrics(r: SimResult, band = ON_TARGET_BAND): SegmentMetrics[] {
  const out: SegmentMetrics[] = [];
  for (let k = 0; k < r.segments.length; k++) {
    const start = r.segments[k]!;
    const end = r.segments[k + 1] ?? r.samples.length;
    const seg = r.samples.slice(start, end);
    if (seg.length === 0) continue;
    const target = seg[0]!.target;
    const err = seg.map((s) => s.share - target);
    let stay = err.length;
    while (stay > 0 && Math.abs(err[stay - 1]!) <= band) stay--;
    const settled = stay < err.length;
    const enterIdx = err.findIndex((e) => Math.abs(e) <= band);
    const tail = err.slice(Math.floor(err.length / 2));
    const steadyError = tail.reduce((a, e) => a + Math.abs(e), 0) / Math.max(1, tail.length);
    const sign0 = Math.sign(err[0]!);
    let reached = err.findIndex((e) => Math.abs(e) <= 0.005 || Math.sign(e) !== sign0);
    if (reached < 0) reached = err.length;
    const overshoot = err.slice(reached).reduce((m, e) => Math.max(m, Math.abs(e)), 0);
    out.push({
      start,
      end,
      target,
      settle: settled ? stay : Infinity,
      enter: enterIdx < 0 ? Infinity : enterIdx,
      steadyError,
      overshoot,
    });
  }
  return out;
}

export function runMetrics(r: SimResult, band = ON_TARGET_BAND): RunMetrics {
  let reversals = 0;
  for (let i = 1; i < r.moves.length; i++) if (r.moves[i] !== r.moves[i - 1]) reversals++;
  return {
    segments: segmentMetrics(r, band),
    moves: r.moves.length,
    reversals,
    reversalFraction: r.moves.length > 0 ? reversals / r.moves.length : 0,
  };
}
