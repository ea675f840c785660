// The issue-14 workload classes live: each on a fresh `tiermem serve` (store engine, ratio
// controller with the migrator attached, emulated PMem), driven through ioredis with a seeded
// workload (bench/tiering/live-classes.ts, which the benchmark bench/tiering/classes.ts runs too).
// The DRAM share is read from INFO memory after every pipelined batch of 1000 commands (the
// simulator's rate: 2000 events per 100 ms tick).
//
// Asserted per measured segment: the share enters +/-2 points and stays there to the end, and the
// steady error (mean |share - target| over the segment's second half, the controller benchmark's
// definition) is at or below the bound in BOUNDS, which says where it comes from.
// fifo-heavy-tail, target-steps, periodic-mix and appended-lists run in the benchmark (bench/tiering/classes.ts)
// only: live they do not yet hold these bounds (docs/controller.md, live classes).
import { describe, expect, it } from 'vitest';
import { CLASSES, runClass, segmentFigures, type ClassResult } from '../bench/tiering/live-classes.js';

/**
 * Steady-error bounds (share units). `baseline`: the better of TieredMemDB's and memtier's
 * steady error on the class's simulator trace (docs/controller.md, `node
 * bench/out/bench/controller/main.js`, scale 1): the issue asks for at or below both. `target`:
 * the controller benchmark's own steady-error goal (0.5 points), used where live does not yet
 * reach the baseline's figure (README, "not met").
 */
const BOUNDS: Record<string, { bound: number; from: string }> = {
  'one-size': { bound: 0.005, from: 'the steady-error goal 0.5 points (memtier 0.16 on the trace: not met live)' },
  'low-churn': { bound: 0.1491, from: 'memtier 14.91 points on low-churn (TieredMemDB 59.37)' },
  'mass-deletes': {
    bound: 0.005,
    from: 'the steady-error goal 0.5 points (no simulator trace; memtier 0.18 on churn)',
  },
};

function check(r: ClassResult): void {
  const { bound, from } = BOUNDS[r.name]!;
  const figs = segmentFigures(r);
  for (const f of figs) {
    const what = `${r.name} ${f.name}: ${JSON.stringify(f)}`;
    expect(f.settleMs, `${what}: never settled inside +/-2 points`).toBeLessThan(Infinity);
    expect(f.settledMax, what).toBeLessThanOrEqual(0.02);
  }
  // Averaged over the segments, as the controller benchmark's steady-error column.
  const steady = figs.reduce((a, f) => a + f.steadyError, 0) / figs.length;
  expect(steady, `${r.name}: steady error ${steady} above ${from}`).toBeLessThanOrEqual(bound);
}

describe('workload classes live: the DRAM share held by the controller and the migrator', () => {
  for (const name of Object.keys(BOUNDS)) {
    it(`${name}: inside +/-2 points after settling, steady error within ${BOUNDS[name]!.from}`, async () => {
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
