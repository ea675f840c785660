// The machine's NUMA topology from sysfs: which nodes exist, which have CPUs, how much memory.
// Used for start-up messages, backend errors, info() and the metrics' per-node figures.

import { readFileSync, readdirSync } from 'node:fs';
import type { NumaNode } from './types.js';

const SYS = '/sys/devices/system/node';

/** '0-3,8' -> [0,1,2,3,8]. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

function meminfo(node: number): { total: number; free: number } {
  const text = readFileSync(`${SYS}/node${node}/meminfo`, 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { total: kb('MemTotal'), free: kb('MemFree') };
}

/** All NUMA nodes with memory figures; an empty list where sysfs has no node directory. */
export function numaNodes(): NumaNode[] {
  let names: string[];
  try {
    names = readdirSync(SYS).filter((n) => /^node\d+$/.test(n));
  } catch {
    return [];
  }
  return names
    .map((n) => Number(n.slice(4)))
    .sort((a, b) => a - b)
    .map((node) => {
      let cpus: number[] = [];
      try { cpus = parseCpuList(readFileSync(`${SYS}/node${node}/cpulist`, 'utf8')); } catch { /* no cpulist */ }
      let mem = { total: 0, free: 0 };
      try { mem = meminfo(node); } catch { /* no meminfo */ }
      return { node, cpus, cpuless: cpus.length === 0, totalBytes: mem.total, freeBytes: mem.free };
    });
}

/** One line describing the topology, for error messages: 'node 0 (2 CPUs, 23.4 GiB)'. */
export function describeTopology(nodes: NumaNode[] = numaNodes()): string {
  if (nodes.length === 0) return 'no NUMA information in /sys/devices/system/node';
  return nodes
    .map((n) => `node ${n.node} (${n.cpuless ? 'CPU-less' : `${n.cpus.length} CPUs`}, ${(n.totalBytes / 2 ** 30).toFixed(1)} GiB)`)
    .join(', ');
}
