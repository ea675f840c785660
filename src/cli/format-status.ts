// Human-readable rendering of the service status, shared by `status` and `watch`.

import { CATEGORIES, TIERS } from '../types.js';
import type { BackendInfo } from '../types.js';
import { formatBytes, shareToRatio } from '../units.js';
import type { StatusReport, StoreStatusReport } from '../admin/protocol.js';

export const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function backendLine(name: string, b: BackendInfo): string {
  const nodes = b.nodes.length ? `node${b.nodes.length > 1 ? 's' : ''} ${b.nodes.join(',')}` : 'nodes unknown';
  const emu = b.emulated ? 'EMULATED' : 'real';
  const where = b.dir ? ` in ${b.dir}` : '';
  return `  ${name.padEnd(5)} ${b.kind}${where} (${nodes}, ${b.tier === 'pmem' ? emu : 'DRAM'}${b.source ? `, ${b.source}` : ''})`;
}

/**
 * Pad columns of a small table to the widest cell; first column left-aligned, others right unless
 * `left` names them (bars of a histogram start at their column's left edge).
 */
export function table(rows: string[][], left: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows.map((r) =>
    r
      .map((c, i) => (i === 0 || left.includes(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** The share / threshold / controller summary (a few lines). */
export function summaryLines(s: StatusReport): string[] {
  const target =
    s.targetShare === null
      ? 'no controller'
      : `target ${pct(s.targetShare)} (DRAM:PMem ${shareToRatio(s.targetShare)})`;
  const lines = [
    `DRAM share ${pct(s.dramShare)} vs ${target}   threshold ${formatBytes(s.threshold)} (${s.threshold} B)`,
  ];
  const c = s.controller;
  if (c) {
    lines.push(
      `controller ${c.status}   ticks ${c.ticks}   adjustments up ${c.adjustments.up} down ${c.adjustments.down}   ` +
        `bounds ${formatBytes(c.params.minThreshold)}-${formatBytes(c.params.maxThreshold)}   period ${c.params.periodMs} ms`,
    );
  }
  return lines;
}

/**
 * The store's reads and migration: the DRAM read-hit share (since `prev`, an earlier report, when
 * reads happened in between; else since start), bytes migrated each way, the migrator's rate
 * against its budget, evictions. Null without a store.
 */
export function storeLine(s: StatusReport, prev: StoreStatusReport | null = null, since = ''): string | null {
  const st = s.store;
  if (!st) return null;
  const reads = (r: StoreStatusReport): number => r.reads.dram + r.reads.pmem;
  const recent = prev !== null && reads(st) > reads(prev);
  const dram = recent ? st.reads.dram - prev.reads.dram : st.reads.dram;
  const all = recent ? reads(st) - reads(prev) : reads(st);
  const share = all > 0 ? pct(dram / all) : '-';
  const rate = `${formatBytes(Math.round(st.migrateRate.current))}/s`;
  const budget = st.migrateRate.limit > 0 ? `of ${formatBytes(st.migrateRate.limit)}/s` : '(off)';
  return (
    `reads from DRAM ${share} ${recent && since ? `(last ${since})` : '(since start)'}   ` +
    `migrated to PMem ${formatBytes(st.migrated.pmem.bytes)}, to DRAM ${formatBytes(st.migrated.dram.bytes)}   ` +
    `migrating ${rate} ${budget}   evicted ${st.evictedKeys}`
  );
}

export function tierTable(s: StatusReport): string[] {
  const rows = [['tier', 'live bytes', 'allocations', 'limit', 'fallbacks', 'failures']];
  for (const t of TIERS) {
    const x = s.tiers[t];
    rows.push([
      t,
      formatBytes(x.liveBytes),
      String(x.liveCount),
      x.limit ? formatBytes(x.limit) : 'none',
      String(x.fallbacks),
      String(x.failures),
    ]);
  }
  return table(rows);
}

export function categoryTable(s: StatusReport): string[] {
  const rows = [['category', ...TIERS.map((t) => `${t} bytes`), ...TIERS.map((t) => `${t} allocs`)]];
  for (const c of CATEGORIES) {
    rows.push([
      c,
      ...TIERS.map((t) => formatBytes(s.tiers[t].byCategory[c].liveBytes)),
      ...TIERS.map((t) => String(s.tiers[t].byCategory[c].liveCount)),
    ]);
  }
  return table(rows);
}

export function formatStatus(s: StatusReport): string {
  const lines = [
    `tiermem ${s.version} (memkind ${s.memkindVersion})   up ${formatDuration(s.uptimeSeconds)}   policy ${s.policy}`,
    'backend',
    backendLine('dram', s.backend.dram),
    backendLine('pmem', s.backend.pmem),
    ...summaryLines(s),
  ];
  const store = storeLine(s);
  if (store) lines.push(store);
  lines.push('', ...tierTable(s), '', ...categoryTable(s));
  if (s.numa.length) {
    lines.push(
      '',
      ...table([
        ['numa node', 'cpus', 'total', 'free'],
        ...s.numa.map((n) => [
          String(n.node),
          n.cpuless ? 'none' : String(n.cpus.length),
          formatBytes(n.totalBytes),
          formatBytes(n.freeBytes),
        ]),
      ]),
    );
  }
  if (s.trace.recording) lines.push('', `recording a trace: ${s.trace.events} events since ${s.trace.startedAt}`);
  const ep = [
    s.endpoints.metrics && `metrics ${s.endpoints.metrics}`,
    s.endpoints.store && `store ${s.endpoints.store}`,
  ].filter(Boolean);
  if (ep.length) lines.push('', ep.join('   '));
  return lines.join('\n');
}
