// The issue-14 workload classes live, one fresh `tiermem serve` per class and rule
// (live-classes.ts): tiermem's controller and the two baselines (TieredMemDB's and memtier's
// rules, run by this client against the store, live-rules.ts), one after another per class on the
// same seed. Per segment the settle time, the DRAM share's steady error (mean and largest
// |share - target| over the second half, as the controller benchmark measures it) and the largest
// error after settling, side by side, and tiermem's steady error over the best baseline's.
//
//   npm run -s build:ts && npx tsc -p bench/tiering/tsconfig.json && node bench/out/bench/tiering/classes.js
//     [--rule tiermem,memtier,tieredmemdb] [--scale 1] [--seed 1] [--runs 1] [--only one-size,target-steps]
//     [--json out.json]
// --runs N repeats everything N times on the same seed (the workload is the same; the timing is
// the machine's) and adds a summary of medians and ranges.

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { CLASSES, runClass, segmentFigures, type ClassResult, type SegmentFigures } from './live-classes.js';
import { RULE_NAMES, type RuleName } from './live-rules.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const pp = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(2) : 'never');
const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'never');
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const load = (): number => loadavg()[0]!;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** tiermem's steady error over the better baseline's (NaN without tiermem or a baseline). */
function ratioToBest(by: Map<RuleName, SegmentFigures>): number {
  const ours = by.get('tiermem')?.steadyError;
  const base = [...by].filter(([k]) => k !== 'tiermem').map(([, f]) => f.steadyError);
  if (ours === undefined || base.length === 0) return NaN;
  return ours / Math.min(...base);
}

const ratioText = (x: number): string => (Number.isNaN(x) ? '-' : Number.isFinite(x) ? `${x.toFixed(2)}x` : 'inf');

interface Cell {
  class: string;
  run: number;
  segment: string;
  target: number;
  by: Map<RuleName, SegmentFigures>;
  results: Map<RuleName, ClassResult>;
}

async function main(): Promise<void> {
  const scale = Number(arg('--scale', '1'));
  const seed = Number(arg('--seed', '1'));
  const runs = Number(arg('--runs', '1'));
  const only = arg('--only', '').split(',').filter(Boolean);
  const rules = arg('--rule', RULE_NAMES.join(',')).split(',').filter(Boolean) as RuleName[];
  for (const r of rules)
    if (!RULE_NAMES.includes(r)) throw new Error(`--rule: ${r} is not one of ${RULE_NAMES.join(', ')}`);
  const started = new Date();
  const loads = [load()];
  console.error(`${started.toISOString()} load average ${loads[0]!.toFixed(1)}`);
  const json: unknown[] = [];
  const cells: Cell[] = [];
  for (let run = 0; run < runs; run++) {
    for (const c of CLASSES) {
      if (only.length && !only.includes(c.name)) continue;
      const results = new Map<RuleName, ClassResult>();
      for (const rule of rules) {
        const r = await runClass(c, { scale, seed, rule });
        results.set(rule, r);
        const figures = segmentFigures(r);
        json.push({ ...r, class: c.name, run, seed, scale, figures });
        loads.push(load());
        console.error(
          `${c.name} ${rule} run ${run + 1}: ${(r.ms / 1000).toFixed(1)} s, load ${loads.at(-1)!.toFixed(1)}`,
        );
      }
      const figs = new Map([...results].map(([k, r]) => [k, segmentFigures(r)] as const));
      const first = figs.get(rules[0]!)!;
      first.forEach((f, i) => {
        const by = new Map<RuleName, SegmentFigures>();
        for (const [k, fs] of figs) if (fs[i]) by.set(k, fs[i]);
        cells.push({ class: c.name, run: run + 1, segment: f.name, target: f.target, by, results });
      });
    }
  }

  const each = (cell: Cell, f: (x: SegmentFigures) => string): string =>
    rules.map((k) => (cell.by.get(k) ? f(cell.by.get(k)!) : '-')).join(' / ');
  const names = rules.join(' / ');
  console.log(`\nper run (${names}); steady error = mean |share - target| over the segment's second half\n`);
  printTable(
    [
      'class',
      'run',
      'segment',
      'target',
      `settle ms`,
      `settle k commands`,
      `steady err mean pp`,
      `steady err max pp`,
      `max after settle pp`,
      'tiermem / best baseline',
      'tiermem migrated to PMem / DRAM MiB',
      'run s',
    ],
    cells.map((cell) => {
      const t = cell.results.get('tiermem');
      return [
        cell.class,
        String(cell.run),
        cell.segment,
        cell.target.toFixed(2),
        each(cell, (f) => ms(f.settleMs)),
        each(cell, (f) => (Number.isFinite(f.settleOps) ? (f.settleOps / 1000).toFixed(0) : 'never')),
        each(cell, (f) => pp(f.steadyError)),
        each(cell, (f) => pp(f.steadyMax)),
        each(cell, (f) => pp(f.settledMax)),
        ratioText(ratioToBest(cell.by)),
        t ? `${mib(t.migratedToPmem)} / ${mib(t.migratedToDram)}` : '-',
        rules.map((k) => ((cell.results.get(k)?.ms ?? NaN) / 1000).toFixed(1)).join(' / '),
      ];
    }),
  );

  if (runs > 1) {
    const groups = new Map<string, Cell[]>();
    for (const cell of cells) {
      const key = `${cell.class}\u0000${cell.segment}`;
      groups.set(key, [...(groups.get(key) ?? []), cell]);
    }
    const summary = (xs: number[], f: (x: number) => string): string =>
      xs.length === 0 ? '-' : `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
    const over = (cs: Cell[], k: RuleName, f: (x: SegmentFigures) => number): number[] =>
      cs.flatMap((c) => (c.by.get(k) ? [f(c.by.get(k)!)] : []));
    console.log(`\nmedian (min-max) over ${runs} runs, seed ${seed}\n`);
    printTable(
      [
        'class',
        'segment',
        ...rules.map((k) => `${k} steady err mean pp`),
        'tiermem / best baseline',
        ...rules.map((k) => `${k} settle ms`),
        ...rules.map((k) => `${k} max after settle pp`),
      ],
      [...groups.values()].map((cs) => [
        cs[0]!.class,
        cs[0]!.segment,
        ...rules.map((k) =>
          summary(
            over(cs, k, (f) => f.steadyError),
            pp,
          ),
        ),
        summary(
          cs.map((c) => ratioToBest(c.by)).filter((x) => !Number.isNaN(x)),
          (x) => ratioText(x),
        ),
        ...rules.map((k) =>
          summary(
            over(cs, k, (f) => f.settleMs),
            ms,
          ),
        ),
        ...rules.map((k) =>
          summary(
            over(cs, k, (f) => f.settledMax),
            pp,
          ),
        ),
      ]),
    );
  }
  const ended = new Date();
  console.log(
    `\n${started.toISOString()} - ${ended.toISOString()}, 1-min load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} (median ${median(loads).toFixed(1)}, sampled at the start and after each class run)`,
  );
  const out = arg('--json', '');
  if (out) writeFileSync(out, JSON.stringify(json));
}

await main();
