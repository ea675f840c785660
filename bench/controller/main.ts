// The controller benchmark: every scenario trace through the controller, the two baselines and
// the bang-bang bound, on the model allocator. Prints a table, writes plot-ready CSVs.
//
//   npx tsc -p bench/controller/tsconfig.json && node bench/out/bench/controller/main.js [--scale 0.5] [--out bench/out]
//     [--only controller] [--trace steady] [--tuning '{"dwell":4}']   (for quick runs while tuning)
//     [--migrate-rate BYTES_PER_S]   (the controller+migration row's budget; default 1 MiB/s)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bangBangPolicy,
  controllerPolicy,
  decodeTrace,
  ModelAllocator,
  runMetrics,
  SCENARIOS,
  simulate,
  type RunMetrics,
  type Scenario,
  type SimResult,
  type ThresholdPolicy,
} from '../../src/trace/index.js';
import type { ControllerTuningPatch } from '../../src/controller/index.js';
import { memtierPolicy, tieredMemDbPolicy } from './baselines.js';

const MIN = 16;
const MAX = 64 * 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Row {
  scenario: Scenario;
  run: SimResult;
  m: RunMetrics;
  bound: number[];
}

const pp = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(2) : 'never');
const ticks = (x: number): string => (Number.isFinite(x) ? String(x) : 'never');

function reachableSegments(sc: Scenario, m: RunMetrics): RunMetrics['segments'] {
  return m.segments.filter((_, i) => !sc.unreachable.includes(i));
}

function main(): void {
  const scale = Number(arg('--scale', '1'));
  const outDir = arg('--out', 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const rows: Row[] = [];
  const only = arg('--only', '');
  const traceName = arg('--trace', '');
  const tuning = JSON.parse(arg('--tuning', '{}')) as ControllerTuningPatch;
  // The migrator's budget in the model: the traces' stocks are a few MiB, so a rate of 1 MiB/s
  // moves a few percent of the stock per 100 ms tick at most (the live default is 32 MiB/s).
  const migrateRate = Number(arg('--migrate-rate', String(1024 * 1024)));
  const tickCsv = ['scenario,controller,tick,target,share,threshold,status'];
  for (const make of SCENARIOS) {
    const sc = make(scale);
    if (traceName && sc.name !== traceName) continue;
    const trace = decodeTrace(sc.trace);
    const bb = simulate(trace, bangBangPolicy(sc.targetShare), { targetShare: sc.targetShare });
    const bound = runMetrics(bb).segments.map((s) => s.enter);
    const policies: [ThresholdPolicy, number][] = [
      [
        controllerPolicy({ ...sc.params, targetShare: sc.targetShare, minThreshold: MIN, maxThreshold: MAX }, tuning),
        4096,
      ],
      [
        controllerPolicy(
          { ...sc.params, targetShare: sc.targetShare, minThreshold: MIN, maxThreshold: MAX, migrateRate },
          tuning,
          { migrate: true },
        ),
        4096,
      ],
      [tieredMemDbPolicy(sc.targetShare, MIN, MAX), 4096],
      [memtierPolicy(sc.targetShare, MIN, MAX), 4096],
      [memtierPolicy(sc.targetShare, 512, 1535, 'memtier-default'), 1024],
    ];
    for (const [policy, t0] of policies) {
      if (only && policy.name !== only) continue;
      const run = simulate(trace, policy, { targetShare: sc.targetShare, alloc: new ModelAllocator(t0) });
      rows.push({ scenario: sc, run, m: runMetrics(run), bound });
      for (const s of run.samples) {
        tickCsv.push(
          `${sc.name},${run.policy},${s.tick},${s.target},${s.share.toFixed(5)},${s.threshold},${s.status ?? ''}`,
        );
      }
    }
  }

  const header = [
    'trace',
    'controller',
    'settle',
    'bound',
    'steady err pp',
    'overshoot pp',
    'moves',
    'reversals %',
    'reversals',
    'migrated MiB',
    'status',
  ];
  const table: string[][] = [];
  const csv = [
    'trace,controller,segment,target,unreachable,settle_ticks,bound_ticks,steady_error,overshoot,moves,reversal_fraction,final_status',
  ];
  for (const r of rows) {
    const segs = reachableSegments(r.scenario, r.m);
    const worst = (f: (s: RunMetrics['segments'][number]) => number): number =>
      segs.reduce((a, s) => Math.max(a, f(s)), 0);
    const boundWorst = r.m.segments.reduce(
      (a, s, i) => (r.scenario.unreachable.includes(i) ? a : Math.max(a, r.bound[i] ?? 0)),
      0,
    );
    const settleSlack = segs.map((s) => s.settle);
    const statuses = [
      ...new Set(
        r.m.segments.flatMap((s, i) =>
          r.scenario.unreachable.includes(i) ? [r.run.samples[s.end - 1]?.status ?? '-'] : [],
        ),
      ),
    ];
    table.push([
      r.scenario.name,
      r.run.policy,
      ticks(Math.max(0, ...settleSlack)),
      ticks(boundWorst),
      pp(segs.reduce((a, s) => a + s.steadyError, 0) / Math.max(1, segs.length)),
      pp(worst((s) => s.overshoot)),
      String(r.m.moves),
      (r.m.reversalFraction * 100).toFixed(0),
      String(r.m.reversals),
      ((r.run.migrated.toDram + r.run.migrated.toPmem) / 2 ** 20).toFixed(2),
      statuses.length
        ? `unreachable seg: ${statuses.join('/')}`
        : (r.run.samples[r.run.samples.length - 1]?.status ?? '-'),
    ]);
    r.m.segments.forEach((s, i) => {
      csv.push(
        [
          r.scenario.name,
          r.run.policy,
          i,
          s.target,
          r.scenario.unreachable.includes(i),
          s.settle,
          r.bound[i] ?? '',
          s.steadyError.toFixed(6),
          s.overshoot.toFixed(6),
          r.m.moves,
          r.m.reversalFraction.toFixed(4),
          r.run.samples[s.end - 1]?.status ?? '',
        ].join(','),
      );
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  writeFileSync(join(outDir, 'controller-summary.csv'), csv.join('\n') + '\n');
  writeFileSync(join(outDir, 'controller-ticks.csv'), tickCsv.join('\n') + '\n');
  console.log(`\nwrote ${join(outDir, 'controller-summary.csv')} and ${join(outDir, 'controller-ticks.csv')}`);
}

main();
