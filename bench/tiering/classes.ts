// The issue-14 workload classes live, one fresh `tiermem serve` per class (live-classes.ts):
// per segment the settle time, the DRAM share's steady error (mean and largest |share - target|
// over the second half, as the controller benchmark measures it) and the bytes migrated.
//
//   npm run -s build:ts && npx tsc -p bench/tiering/tsconfig.json && node bench/out/bench/tiering/classes.js
//     [--scale 1] [--seed 1] [--runs 1] [--only one-size,target-steps] [--json out.json]

import { writeFileSync } from 'node:fs';
import { CLASSES, runClass, segmentFigures } from './live-classes.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const pp = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(2) : 'never');
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const scale = Number(arg('--scale', '1'));
  const seed = Number(arg('--seed', '1'));
  const runs = Number(arg('--runs', '1'));
  const only = arg('--only', '').split(',').filter(Boolean);
  const json: unknown[] = [];
  const header = [
    'class',
    'run',
    'segment',
    'target',
    'settle ms',
    'steady err mean pp',
    'steady err max pp',
    'max after settle pp',
    'migrated to PMem / DRAM MiB',
    'ops',
    'run s',
    'status',
  ];
  const rows: string[][] = [];
  for (const c of CLASSES) {
    if (only.length && !only.includes(c.name)) continue;
    for (let run = 0; run < runs; run++) {
      const r = await runClass(c, { scale, seed: seed + run });
      const figs = segmentFigures(r);
      json.push({
        class: c.name,
        seed: seed + run,
        scale,
        figures: figs,
        migratedToPmem: r.migratedToPmem,
        migratedToDram: r.migratedToDram,
        ms: r.ms,
        ops: r.ops,
        status: r.status,
        samples: r.samples,
        segments: r.segments,
      });
      for (const f of figs) {
        rows.push([
          c.name,
          String(seed + run),
          f.name,
          f.target.toFixed(2),
          Number.isFinite(f.settleMs) ? f.settleMs.toFixed(0) : 'never',
          pp(f.steadyError),
          pp(f.steadyMax),
          pp(f.settledMax),
          `${mib(r.migratedToPmem)} / ${mib(r.migratedToDram)}`,
          String(r.ops),
          (r.ms / 1000).toFixed(1),
          r.status,
        ]);
      }
      console.error(`${c.name} seed ${seed + run}: ${(r.ms / 1000).toFixed(1)} s`);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const out = arg('--json', '');
  if (out) writeFileSync(out, JSON.stringify(json));
}

await main();
