// `tiermem recommend --trace FILE --ratio 1:4`: replay a recorded trace offline through the
// controller and print the threshold that reaches the ratio, the predicted split and the size
// histogram of the live bytes. Needs no running service.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isTiermemError } from '../../errors.js';
import { decodeTrace, recommend } from '../../trace/index.js';
import type { Recommendation } from '../../trace/index.js';
import { formatBytes, shareToRatio } from '../../units.js';
import { numberArg, ratioArg, sizeArg } from '../args.js';
import { print } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { pct, table } from '../format-status.js';

interface Flags {
  trace: string;
  ratio: string;
  min?: string;
  max?: string;
  periodMs?: string;
}

function bucketLabel(b: number): string {
  return `${formatBytes(2 ** b).replace('.00', '')}-${formatBytes(2 ** (b + 1) - 1).replace('.00', '')}`;
}

const REASONS: Record<NonNullable<Recommendation['unreachableReason']>, string> = {
  empty: 'the trace ends with no live bytes',
  forced: 'the bytes placed explicitly on one tier keep the share out of reach, whatever the threshold',
  bounds: 'the threshold bounds (--min/--max) exclude the thresholds that reach it',
  granularity: 'the share jumps over the band at one request size (too many bytes of a single size)',
};

function human(file: string, events: number, r: Recommendation): string {
  const total = r.routedBytes + r.forcedDramBytes + r.forcedPmemBytes;
  const share = (x: number): string => pct(Number.isFinite(x) ? x : null);
  const lines = [
    `trace ${file}: ${events} events; live at the end ${formatBytes(total)} (routed ${formatBytes(r.routedBytes)}, forced DRAM ${formatBytes(r.forcedDramBytes)}, forced PMem ${formatBytes(r.forcedPmemBytes)})`,
    `target DRAM:PMem ${shareToRatio(r.targetShare)} (DRAM share ${pct(r.targetShare)})`,
  ];
  if (total === 0) {
    lines.push(`no threshold to recommend: ${REASONS.empty}`);
  } else {
    const dram = r.predictedShare * total;
    lines.push(
      `recommended threshold ${formatBytes(r.threshold)} (${r.threshold} B): predicted DRAM share ${share(r.predictedShare)}` +
        ` = DRAM ${formatBytes(Math.round(dram))} / PMem ${formatBytes(Math.round(total - dram))}`,
    );
    if (r.unreachableReason !== null) {
      lines.push(`  NOT reachable within +/-2 points: ${REASONS[r.unreachableReason]}`);
    }
  }
  lines.push(
    `controller replay: ${r.controller.ticks} ticks, ends at threshold ${formatBytes(r.controller.threshold)}, DRAM share ${share(r.controller.share)}, status ${r.controller.status ?? '-'}`,
    '',
    'live routed bytes by requested size',
  );
  const max = Math.max(...r.histogram);
  const rows = [['size', 'bytes', 'share', '']];
  const tBucket = r.threshold > 0 ? Math.floor(Math.log2(r.threshold)) : -1;
  r.histogram.forEach((bytes, b) => {
    if (bytes <= 0) return;
    const bar = '█'.repeat(Math.max(1, Math.round((bytes / max) * 30)));
    rows.push([
      bucketLabel(b),
      formatBytes(bytes),
      pct(r.routedBytes ? bytes / r.routedBytes : null),
      `${bar}${b === tBucket ? '  <- threshold' : ''}`,
    ]);
  });
  if (rows.length === 1) lines.push('  (no live routed bytes at the end of the trace)');
  else lines.push(...table(rows, [3]).map((l) => `  ${l}`));
  return lines.join('\n');
}

export function addRecommendCommand(program: Command): void {
  program
    .command('recommend')
    .description(
      'replay a recorded trace offline: the threshold that reaches a ratio, the predicted split, the size histogram',
    )
    .requiredOption('--trace <file>', 'trace file written by `tiermem record`')
    .requiredOption('--ratio <dram:pmem>', 'wanted DRAM:PMem ratio, e.g. 1:4')
    .option('--min <size>', 'lowest threshold allowed')
    .option('--max <size>', 'highest threshold allowed')
    .option('--period-ms <ms>', 'controller period for the replay')
    .action((f: Flags, cmd: Command) => {
      const share = ratioArg(f.ratio);
      const params: { minThreshold?: number; maxThreshold?: number } = {};
      if (f.min !== undefined) params.minThreshold = sizeArg(f.min, '--min');
      if (f.max !== undefined) params.maxThreshold = sizeArg(f.max, '--max');
      const periodMs = f.periodMs === undefined ? undefined : numberArg(f.periodMs, '--period-ms', 1, 3_600_000);
      let buf: Buffer;
      try {
        buf = readFileSync(f.trace);
      } catch (e) {
        throw new CliError(
          EXIT.USAGE,
          `cannot read trace ${f.trace}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      let r: Recommendation;
      let events: number;
      try {
        const trace = decodeTrace(buf);
        events = trace.length;
        r = recommend(trace, share, { params, ...(periodMs === undefined ? {} : { periodMs }) });
      } catch (e) {
        if (isTiermemError(e)) throw new CliError(EXIT.USAGE, `${f.trace}: ${e.message}`);
        throw e;
      }
      print(cmd, { file: f.trace, events, ...r, histogram: Array.from(r.histogram) }, () => human(f.trace, events, r));
    });
}
