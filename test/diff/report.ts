// The human-readable summary printed by the test: first mismatches in full, then counts.
import { formatCommand, formatReply } from './format.js';
import type { RunResult } from './runner.js';

export function formatReport(results: readonly RunResult[], show = 20): string {
  const lines: string[] = [];
  let shown = 0;
  for (const r of results) {
    for (const m of r.mismatches) {
      if (shown++ >= show) break;
      lines.push(
        `seed ${m.seed} ${m.label}${m.cascaded ? ' (after an earlier mismatch in the same batch)' : ''}: ${formatCommand(m.command)}`,
        `    redis: ${formatReply(m.redis)}`,
        `    store: ${formatReply(m.store)}`,
      );
    }
  }
  const total = results.reduce((n, r) => n + r.total, 0);
  const primary = results.reduce((n, r) => n + r.primary, 0);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const byCommand = new Map<string, number>();
  for (const r of results) for (const [k, v] of r.byCommand) byCommand.set(k, (byCommand.get(k) ?? 0) + v);
  const per = [...byCommand]
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  lines.push(
    `seeds ${results.map((r) => r.seed).join(',')}: ${sent} commands sent to each server, ${total} mismatches ` +
      `(${primary} first-in-batch${per ? `: ${per}` : ''}), ${results.reduce((n, r) => n + r.tolerated, 0)} tolerated` +
      ` (${results.reduce((n, r) => n + r.resyncs, 0)} re-syncs)`,
  );
  return lines.join('\n');
}
