// The machine's NUMA topology from sysfs: which nodes exist, which have CPUs, how much memory.
// Used for start-up messages, backend errors, info() and the metrics' per-node figures.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NumaNode } from './types.js';

const SYS = '/sys/devices/system/node';

export interface NodeMemory {
  node: number;
  totalBytes: number;
  freeBytes: number;
}

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

/** A node's total and free bytes from its sysfs meminfo ("Node 0 MemTotal:  5073100 kB"); null
 *  when the file is missing or odd. Read at start-up and at every metrics scrape (one small file). */
export function readNodeMemory(node: number, root = SYS): NodeMemory | null {
  let text: string;
  try {
    text = readFileSync(join(root, `node${node}`, 'meminfo'), 'utf8');
  } catch {
    return null;
  }
  const field = (name: string): number | null => {
    const m = new RegExp(`^Node\\s+\\d+\\s+${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const totalBytes = field('MemTotal');
  const freeBytes = field('MemFree');
  if (totalBytes === null || freeBytes === null) return null;
  return { node, totalBytes, freeBytes };
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
      try {
        cpus = parseCpuList(readFileSync(`${SYS}/node${node}/cpulist`, 'utf8'));
      } catch {
        /* no cpulist */
      }
      const mem = readNodeMemory(node);
      return {
        node,
        cpus,
        cpuless: cpus.length === 0,
        totalBytes: mem?.totalBytes ?? 0,
        freeBytes: mem?.freeBytes ?? 0,
      };
    });
}

/** One line describing the topology, for error messages: 'node 0 (2 CPUs, 23.4 GiB)'. */
export function describeTopology(nodes: NumaNode[] = numaNodes()): string {
  if (nodes.length === 0) return 'no NUMA information in /sys/devices/system/node';
  return nodes
    .map(
      (n) =>
        `node ${n.node} (${n.cpuless ? 'CPU-less' : `${n.cpus.length} CPUs`}, ${(n.totalBytes / 2 ** 30).toFixed(1)} GiB)`,
    )
    .join(', ');
}
