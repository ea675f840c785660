// MEMORY STATS and DOCTOR (USAGE and HELP are the engine's): from the engine's counters.

import { formatBytes } from '../../units.js';
import type { JsCtx } from '../control.js';
import { DATA_TYPES } from '../data/types.js';

export function memoryStats(c: JsCtx): void {
  const host = c.host;
  const s = host.alloc.stats();
  const used = host.usedBytes();
  const comp = host.composition();
  const dataset = comp.valueBytes.dram + comp.valueBytes.pmem;
  const o = c.out;
  const pairs: [string, number | string][] = [
    ['peak.allocated', host.peakBytes],
    ['total.allocated', used],
    ['startup.allocated', host.baselineBytes],
    ['clients.normal', comp.clientBuffers.query + comp.clientBuffers.output],
    ['keys.count', comp.keys],
    ['keys.bytes-per-key', comp.keys > 0 ? Math.floor((used - host.baselineBytes) / comp.keys) : 0],
    ['dataset.bytes', dataset],
    ['dram.allocated', s.tiers.dram.liveBytes],
    ['pmem.allocated', s.tiers.pmem.liveBytes],
    ['dram.dataset.bytes', comp.valueBytes.dram],
    ['pmem.dataset.bytes', comp.valueBytes.pmem],
    ['keys.bytes', comp.keyBytes],
    ['metadata.bytes', comp.metadataBytes],
    ['pmem.threshold', host.alloc.threshold],
    ['dram.share', Number.isFinite(s.dramShare) ? s.dramShare.toFixed(4) : ''],
    ['dram.share.target', host.controller ? host.controller.params.targetShare.toFixed(4) : ''],
  ];
  o.arrayHeader(pairs.length * 2 + DATA_TYPES.length * 2);
  for (const [k, v] of pairs) {
    o.bulkText(k);
    if (typeof v === 'number') o.int(v);
    else o.bulkText(v);
  }
  for (const name of DATA_TYPES) {
    const t = comp.types[name];
    o.bulkText(`type.${name}`);
    o.arrayHeader(14);
    o.bulkText('keys');
    o.int(t.keys);
    o.bulkText('dram.bytes');
    o.int(t.tiers.dram.bytes);
    o.bulkText('pmem.bytes');
    o.int(t.tiers.pmem.bytes);
    o.bulkText('dram.values');
    o.int(t.tiers.dram.allocations);
    o.bulkText('pmem.values');
    o.int(t.tiers.pmem.allocations);
    o.bulkText('key.bytes');
    o.int(t.keyBytes);
    o.bulkText('metadata.bytes');
    o.int(t.metadataBytes);
  }
}

export function memoryDoctor(c: JsCtx): void {
  const comp = c.host.composition();
  const lines = [
    `Keys: ${comp.keys}; values: ${formatBytes(comp.valueBytes.dram)} in DRAM, ${formatBytes(comp.valueBytes.pmem)} in PMem; ` +
      `keys ${formatBytes(comp.keyBytes)}, metadata ${formatBytes(comp.metadataBytes)} (DRAM).`,
  ];
  for (const name of DATA_TYPES) {
    const t = comp.types[name];
    if (t.keys > 0)
      lines.push(
        `  ${name}: ${t.keys} keys, ${formatBytes(t.tiers.dram.bytes)} DRAM, ${formatBytes(t.tiers.pmem.bytes)} PMem`,
      );
  }
  c.out.bulkText(lines.join('\n') + '\n');
}
