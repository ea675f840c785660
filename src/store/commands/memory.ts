// MEMORY USAGE / STATS / DOCTOR / HELP. Usage is O(1): each key carries the usable tiermem bytes of
// its values and the bytes of its index strings; the JS object overhead is an estimate.

import { DATA_TYPES, LIST, HASH, SET } from '../data/types.js';
import type { Entry } from '../keyspace.js';
import { formatBytes } from '../../units.js';
import type { Ctx } from './context.js';
import { SYNTAX } from './errors.js';
import { replyHelp } from './help.js';
import { command, NO_KEYS, type CommandSpec, container } from './spec.js';

/** Estimated V8 bytes for a keyspace entry and for each element reference of a collection. */
const ENTRY_OVERHEAD = 96;
const ELEMENT_OVERHEAD = 48;

export function memoryUsage(e: Entry): number {
  let elements = 0;
  if (e.type === LIST) elements = e.list.length;
  else if (e.type === HASH) elements = e.hash.size;
  else if (e.type === SET) elements = e.set.size;
  return e.bytes + e.indexBytes + ENTRY_OVERHEAD + elements * ELEMENT_OVERHEAD;
}

function usage(c: Ctx): void {
  const a = c.args;
  if (a.argc === 5 && a.is(3, 'samples')) {
    if (c.int(4) === null) return;
  } else if (a.argc !== 3) {
    return c.out.error(SYNTAX);
  }
  const e = c.ks.get(a.str(2));
  if (e === undefined) c.out.nullBulk();
  else c.out.int(memoryUsage(e));
}

function stats(c: Ctx): void {
  const eng = c.engine;
  const s = eng.alloc.stats();
  const used = eng.usedBytes();
  const comp = eng.composition();
  const dataset = comp.valueBytes.dram + comp.valueBytes.pmem;
  const o = c.out;
  const pairs: [string, number | string][] = [
    ['peak.allocated', eng.peakBytes],
    ['total.allocated', used],
    ['startup.allocated', eng.baselineBytes],
    ['clients.normal', comp.clientBuffers.query + comp.clientBuffers.output],
    ['keys.count', comp.keys],
    ['keys.bytes-per-key', comp.keys > 0 ? Math.floor((used - eng.baselineBytes) / comp.keys) : 0],
    ['dataset.bytes', dataset],
    ['dram.allocated', s.tiers.dram.liveBytes],
    ['pmem.allocated', s.tiers.pmem.liveBytes],
    ['dram.dataset.bytes', comp.valueBytes.dram],
    ['pmem.dataset.bytes', comp.valueBytes.pmem],
    ['index.bytes', comp.indexBytes],
    ['pmem.threshold', eng.alloc.threshold],
    ['dram.share', Number.isFinite(s.dramShare) ? s.dramShare.toFixed(4) : ''],
    ['dram.share.target', eng.controller ? eng.controller.params.targetShare.toFixed(4) : ''],
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
    o.arrayHeader(12);
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
    o.bulkText('index.bytes');
    o.int(t.indexBytes);
  }
}

function doctor(c: Ctx): void {
  const comp = c.engine.composition();
  const lines = [`Keys: ${comp.keys}; values: ${formatBytes(comp.valueBytes.dram)} in DRAM, ${formatBytes(comp.valueBytes.pmem)} in PMem.`];
  for (const name of DATA_TYPES) {
    const t = comp.types[name];
    if (t.keys > 0) lines.push(`  ${name}: ${t.keys} keys, ${formatBytes(t.tiers.dram.bytes)} DRAM, ${formatBytes(t.tiers.pmem.bytes)} PMem`);
  }
  c.out.bulkText(lines.join('\n') + '\n');
}

function help(c: Ctx): void {
  replyHelp(c, 'MEMORY', [
    'DOCTOR', '    Return memory problems reports.',
    'STATS', '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]', '    Return memory in bytes used by <key> and its value.',
  ]);
}


export const memoryCommands: CommandSpec[] = [
  command('memory', -2, '', NO_KEYS, container, [
    command('memory|usage', -3, 'readonly', [2, 2, 1], usage),
    command('memory|stats', 2, 'readonly', NO_KEYS, stats),
    command('memory|doctor', 2, 'readonly', NO_KEYS, doctor),
    command('memory|help', 2, 'loading stale', NO_KEYS, help),
  ]),
];
