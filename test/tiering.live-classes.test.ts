// The issue-14 workload classes live: each on a fresh `tiermem serve` (store engine, ratio
// controller with the migrator attached, emulated PMem), driven through ioredis with a seeded
// workload (bench/tiering/live-classes.ts, which the benchmark bench/tiering/classes.ts runs too).
// The DRAM share is read from INFO memory after every pipelined batch of 1000 commands (the
// simulator's rate: 2000 events per 100 ms tick).
//
// Asserted per measured segment: the share enters +/-2 points and stays there to the end, and the
// steady error (mean |share - target| over the segment's second half, the controller benchmark's
// definition) is at or below the bound in BOUNDS, which says where it comes from.
// Where the bound is memtier's live figure, it is the median steady error of memtier's rule run
// live on the same class (`node bench/out/bench/tiering/classes.js --rule tiermem,memtier --runs 3`,
// 2026-12-08 02:03-02:09 UTC; README, live table): the issue asks for at or below both baselines,
// and live memtier is the tighter one (TieredMemDB's rule: 1.25-80 points).
import { describe, expect, it } from 'vitest';
import { CLASSES, runClass, segmentFigures, type ClassResult } from '../bench/tiering/live-classes.js';

/**
 * Steady-error bounds (share units). `baseline`: the better of TieredMemDB's and memtier's
 * steady error on the class's simulator trace (docs/controller.md, `node
 * bench/out/bench/controller/main.js`, scale 1): the issue asks for at or below both. `target`:
 * the controller benchmark's own steady-error goal (0.5 points), used where live does not yet
 * reach the baseline's figure (README, "not met").
 */
const BOUNDS: Record<string, { bound: number; from: string; band?: number }> = {
  'one-size': { bound: 0.005, from: 'the steady-error goal 0.5 points (memtier 0.16 on the trace: not met live)' },
  'low-churn': { bound: 0.1491, from: 'memtier 14.91 points on low-churn (TieredMemDB 59.37)' },
  'mass-deletes': {
    bound: 0.005,
    from: 'the steady-error goal 0.5 points (no simulator trace; memtier 0.18 on churn)',
  },
  // 7 runs at load 2-3 (2026-12-08): steady 0.23-0.26 points, worst |error| after settling 0.87-1.18.
  'periodic-mix': { bound: 0.0033, from: "memtier's live 0.33 points" },
  // 7 runs: steady 0.47-0.54 points. A value of the heavy tail (up to 4 MiB in a ~30 MB stock)
  // freed or placed moves the share by up to ~2 points at once: the worst |error| after settling
  // was 1.45-1.98 points, so the band checked here is 2.5 points, not 2.
  'fifo-heavy-tail': { bound: 0.0079, from: "memtier's live 0.79 points", band: 0.025 },
  // Mean of the 1:4, 1:1 and 4:1 segments; 7 runs: 0.16-0.18 (4:1 alone 0.18-0.24).
  'target-steps': { bound: 0.0026, from: "memtier's live 0.20 / 0.36 / 0.23 points (mean 0.26)" },
  // 7 runs: 0.12-0.18 points.
  'appended-lists': { bound: 0.0029, from: "memtier's live 0.29 points" },
};

function check(r: ClassResult): void {
  const { bound, from, band = 0.02 } = BOUNDS[r.name]!;
  const figs = segmentFigures(r);
  for (const f of figs) {
    const what = `${r.name} ${f.name}: ${JSON.stringify(f)}`;
    expect(f.settleMs, `${what}: never settled inside +/-2 points`).toBeLessThan(Infinity);
    expect(f.settledMax, what).toBeLessThanOrEqual(band);
  }
  // Averaged over the segments, as the controller benchmark's steady-error column.
  const steady = figs.reduce((a, f) => a + f.steadyError, 0) / figs.length;
  expect(steady, `${r.name}: steady error ${steady} above ${from}`).toBeLessThanOrEqual(bound);
}

describe('workload classes live: the DRAM share held by the controller and the migrator', () => {
  for (const name of Object.keys(BOUNDS)) {
    it(`${name}: inside +/-${(BOUNDS[name]!.band ?? 0.02) * 100} points after settling, steady error within ${BOUNDS[name]!.from}`, async () => {
      const r = await runClass(
        CLASSES.find((x) => x.name === name)!,
        { seed: 1 },
      );
      check(r);
      expect(r.status).not.toBe('unreachable');
      // Low churn (0.1% of the keys per tick): the 1:4 -> 1:1 step on a ~30 MB stock is reached
      // by moving values; the flow alone would take minutes.
      if (name === 'low-churn') {
        expect(r.migratedToDram).toBeGreaterThan(4 * 2 ** 20);
        // The quota is served between I/O within the byte budget, not only at the cron's duty
        // (~3 MB/s there: 3-4 s to settle; 0.5-0.8 s now).
        expect(segmentFigures(r)[0]!.settleMs).toBeLessThan(2000);
      }
    }, 60_000);
  }
});
