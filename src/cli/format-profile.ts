// `tiermem profile`'s table: the last BGSAVE STAT_MEMORY's profile, one row per data type x tier
// and per store-wide part that holds anything, with a bar scaled to the largest row and the
// share of the total, so that after a memory alert one sees at once what grew. Fits 80 columns.
// count: keys (clients: connected clients, expires: keys with a TTL).

import type { ProfileReport } from '../service/ports.js';
import { STORE_PARTS, TYPE_PARTS, cellBytes, type MemoryProfile, type StorePart } from '../store/memprofile.js';
import { DATA_TYPES } from '../store/data/types.js';
import { TIERS } from '../types.js';

const BAR = 13;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** Bytes in at most 7 characters: 512B, 1.5K, 12.3M, 1.05G. */
export function shortBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${n}B`;
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${units[i]}`;
}

/** A bar of `width` cells for value/max, in eighths of a cell. */
export function bar(value: number, max: number, width = BAR): string {
  if (max <= 0 || value <= 0) return ''.padEnd(width);
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return ('█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]).padEnd(width);
}

const STORE_LABELS: Record<StorePart, string> = {
  keyspace: 'keyspace',
  expires: 'expires',
  client_buffers: 'clients',
  aof_buffer: 'aof buf',
  lazyfree: 'lazyfree',
  other: 'other',
};

interface Row {
  name: string;
  tier: string;
  count: string;
  parts: [string, string, string];
  total: number;
}

function rows(p: MemoryProfile): Row[] {
  const out: Row[] = [];
  for (const type of DATA_TYPES)
    for (const tier of TIERS) {
      const c = p.types[type][tier];
      const total = cellBytes(c);
      if (c.keys === 0 && total === 0) continue;
      const parts = TYPE_PARTS.map((part) => shortBytes(c.bytes[part])) as [string, string, string];
      out.push({ name: type, tier, count: String(c.keys), parts, total });
    }
  for (const part of STORE_PARTS)
    for (const tier of TIERS) {
      const total = p.store[part][tier];
      if (total === 0) continue;
      const count = part === 'client_buffers' ? `${p.clients}c` : part === 'expires' ? String(p.keysWithExpiry) : '';
      out.push({ name: STORE_LABELS[part], tier, count, parts: ['', '', ''], total });
    }
  return out;
}

const line = (r: { name: string; tier: string; count: string; parts: string[]; total: string }, rest = ''): string =>
  `${r.name.padEnd(9)}${r.tier.padEnd(5)}${r.count.padStart(9)}` +
  r.parts.map((x) => x.padStart(9)).join('') +
  `${r.total.padStart(9)}${rest}`;

function when(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function formatProfile(r: ProfileReport): string {
  const p = r.profile;
  const running = r.running ? ' (a BGSAVE STAT_MEMORY is under way: these are the last figures)' : '';
  if (!p)
    return r.running
      ? 'no memory profile yet: a BGSAVE STAT_MEMORY is under way'
      : 'no memory profile yet: run `tiermem profile --now` (or BGSAVE STAT_MEMORY from a client)';
  const all = rows(p);
  const max = Math.max(0, ...all.map((x) => x.total));
  const out = [
    `Memory profile at ${when(p.cutMs)} (BGSAVE STAT_MEMORY, ${((p.doneMs - p.cutMs) / 1000).toFixed(1)} s)${running}`,
    `${shortBytes(p.totalBytes)} in ${p.keys} keys (${p.keysWithExpiry} with a TTL), ${p.clients} clients`,
    '',
    line(
      { name: 'type', tier: 'tier', count: 'count', parts: ['values', 'keys', 'metadata'], total: 'total' },
      '  share',
    ),
  ];
  let storeHeader = false;
  for (const x of all) {
    if (!DATA_TYPES.includes(x.name as never) && !storeHeader) {
      storeHeader = true;
      out.push('store');
    }
    const pct = p.totalBytes > 0 ? ((100 * x.total) / p.totalBytes).toFixed(1) + '%' : '';
    out.push(line({ ...x, total: shortBytes(x.total) }, ` ${bar(x.total, max)}${pct.padStart(6)}`));
  }
  return out.join('\n');
}
