// `tiermem watch`: a live terminal view refreshed every second, with charts of the DRAM share
// (against its target) and of the threshold over time. --json prints one status per line instead.

import type { AdminClient } from '../admin/client.js';
import { AdminClientError } from '../admin/client.js';
import type { StatusReport, StoreStatusReport } from '../admin/protocol.js';
import { formatBytes } from '../units.js';
import { renderChart } from './chart.js';
import { pct, storeLine, summaryLines, tierTable } from './format-status.js';

export interface WatchOptions {
  intervalMs: number;
  /** Stop after this many refreshes (scripts, tests, screenshots); 0 = until q or Ctrl-C. */
  count: number;
  json: boolean;
  out: NodeJS.WriteStream;
}

interface Sample {
  share: number | null;
  target: number | null;
  threshold: number;
  /** The store's counters, for the read-hit share between two refreshes. */
  store?: StoreStatusReport | null;
}

const CLEAR = '\x1b[H\x1b[2J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** Fewest rows each chart gets, and the frame's size when the terminal does not say. */
const MIN_SHARE_ROWS = 3;
const MIN_THRESHOLD_ROWS = 2;
const DEFAULT_SIZE = { columns: 100, rows: 30 };

/**
 * Wrap a status line at its `   ` field separators so that no field is cut at the terminal's edge
 * (a field wider than the terminal on its own is still clipped, never wrapped mid-word).
 */
export function fitLine(line: string, columns: number): string[] {
  if ([...line].length <= columns) return [line];
  const out: string[] = [];
  let cur = '';
  for (const field of line.split(/ {3,}/)) {
    const next = cur === '' ? field : `${cur}   ${field}`;
    if ([...next].length <= columns || cur === '') cur = next;
    else {
      out.push(cur);
      cur = `  ${field}`;
    }
  }
  out.push(cur);
  return out;
}

export function renderFrame(
  s: StatusReport,
  history: readonly Sample[],
  columns: number,
  intervalMs: number,
  note = '',
  rows = DEFAULT_SIZE.rows,
): string {
  const width = Math.max(20, Math.min(columns - 12, 200));
  const p = s.backend.pmem;
  const header = [
    `tiermem watch   every ${intervalMs / 1000}s   q to quit   ${new Date().toLocaleTimeString()}${note ? `   ${note}` : ''}`,
    `PMem tier ${p.emulated ? 'EMULATED' : 'real'}: ${p.kind}${p.dir ? ` in ${p.dir}` : ''}`,
    ...summaryLines(s),
    ...lineIf(storeLine(s, history.at(-2)?.store ?? null, `${intervalMs / 1000}s`)),
  ].flatMap((l) => fitLine(l, columns));
  const tiers = tierTable(s);
  // The charts share what the header, 3 spacers, 2 titles and the tier table leave of the
  // terminal (one row is kept for the cursor line), the share chart getting about two thirds.
  const fixed = header.length + 5 + tiers.length + 1;
  const spare = Math.max(MIN_SHARE_ROWS + MIN_THRESHOLD_ROWS, rows - fixed);
  const shareRows = Math.max(MIN_SHARE_ROWS, Math.round((spare * 2) / 3));
  const thresholdRows = Math.max(MIN_THRESHOLD_ROWS, spare - shareRows);
  const lines = [
    ...header,
    '',
    `DRAM share  (▀▄ measured, ╌ target), window ${Math.round((width * intervalMs) / 1000)} s`,
    ...shareChart(s, history, width, shareRows),
    '',
    'threshold  (log scale)',
    ...thresholdChart(s, history, width, thresholdRows),
    '',
    ...tiers,
  ];
  // Clip rather than wrap: a wrapped line would scroll the frame.
  return lines.map((l) => [...l].slice(0, columns).join('')).join('\n');
}

const lineIf = (l: string | null): string[] => (l === null ? [] : [l]);

/** The share axis zooms to what was seen and the target, in 5-point steps, so small errors show. */
function shareChart(s: StatusReport, history: readonly Sample[], width: number, height: number): string[] {
  const seen = history
    .slice(-width)
    .map((h) => h.share)
    .filter((x): x is number => x !== null);
  if (s.targetShare !== null) seen.push(s.targetShare);
  const lo = seen.length ? Math.max(0, Math.floor((Math.min(...seen) - 0.025) * 20) / 20) : 0;
  const hi = seen.length ? Math.min(1, Math.ceil((Math.max(...seen) + 0.025) * 20) / 20) : 1;
  return renderChart(
    history.map((h) => h.share),
    {
      height,
      width,
      min: lo,
      max: Math.max(hi, lo + 0.05),
      reference: s.targetShare,
      label: (v) => pct(v),
    },
  );
}

function thresholdChart(s: StatusReport, history: readonly Sample[], width: number, height: number): string[] {
  const seen = history.map((h) => h.threshold).filter((t) => t > 0);
  const lo = Math.max(1, Math.min(s.controller?.params.minThreshold || Infinity, ...seen));
  const hi = Math.max(lo * 2, s.controller?.params.maxThreshold ?? 0, ...seen);
  // Keep the scale readable when the bounds are very wide: zoom to what was seen, with margin.
  const min = Math.log2(seen.length ? Math.max(lo, Math.min(...seen) / 4) : lo);
  const max = Math.log2(seen.length ? Math.min(hi, Math.max(...seen) * 4) : hi);
  return renderChart(
    history.map((h) => (h.threshold > 0 ? Math.log2(h.threshold) : null)),
    {
      height,
      width,
      min,
      max: Math.max(max, min + 1),
      label: (v) => formatBytes(Math.round(2 ** v)),
    },
  );
}

/** The terminal's size; when not a terminal, $COLUMNS and $LINES as shells export them. */
function terminalSize(out: NodeJS.WriteStream): { columns: number; rows: number } {
  const env = (name: string, dflt: number): number => {
    const v = Number(process.env[name]);
    return Number.isInteger(v) && v > 0 ? v : dflt;
  };
  return {
    columns: out.isTTY && out.columns > 0 ? out.columns : env('COLUMNS', DEFAULT_SIZE.columns),
    rows: out.isTTY && out.rows > 0 ? out.rows : env('LINES', DEFAULT_SIZE.rows),
  };
}

export async function watch(client: AdminClient, o: WatchOptions): Promise<void> {
  const history: Sample[] = [];
  const tty = o.out.isTTY === true && !o.json;
  let stop = false;
  let wake: (() => void) | null = null;
  const quit = (): void => {
    stop = true;
    wake?.();
  };

  const stdin = process.stdin;
  const onKey = (k: Buffer): void => {
    if (k[0] === 0x71 || k[0] === 0x03) quit();
  }; // 'q' or Ctrl-C
  if (tty && stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.on('data', onKey);
    stdin.resume();
  }
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  if (tty) o.out.write(HIDE_CURSOR);

  let lastGood: StatusReport | null = null;
  try {
    for (let n = 0; !stop && (o.count === 0 || n < o.count); n++) {
      let note = '';
      try {
        const s = await client.get<StatusReport>('/status');
        lastGood = s;
        history.push({ share: s.dramShare, target: s.targetShare, threshold: s.threshold, store: s.store });
        if (history.length > 500) history.shift();
      } catch (e) {
        // Before the first answer, an unreachable service is an error; afterwards keep retrying.
        if (!lastGood || !(e instanceof AdminClientError) || e.kind !== 'unreachable') throw e;
        note = 'service unreachable, retrying';
      }
      if (o.json) {
        if (!note && lastGood) o.out.write(JSON.stringify(lastGood) + '\n');
      } else if (lastGood) {
        const { columns, rows } = terminalSize(o.out);
        const frame = renderFrame(lastGood, history, columns, o.intervalMs, note, rows);
        o.out.write(tty ? CLEAR + frame + '\n' : frame + '\n\n');
      }
      if (o.count !== 0 && n + 1 >= o.count) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
    if (tty && stdin.isTTY) {
      stdin.setRawMode(false);
      stdin.off('data', onKey);
      stdin.pause();
    }
    if (tty) o.out.write(SHOW_CURSOR);
  }
}
