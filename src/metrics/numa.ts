// Total and free bytes of NUMA nodes, read from sysfs at scrape time (cheap: one small file per node).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeMemory { node: number; totalBytes: number; freeBytes: number }

const SYSFS_NODES = '/sys/devices/system/node';

/** Parse a node's meminfo ("Node 0 MemTotal:  5073100 kB"). Null when the file is missing or odd. */
export function readNodeMemory(node: number, root = SYSFS_NODES): NodeMemory | null {
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
