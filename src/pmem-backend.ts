// The `pmem` option: which memkind kind backs the PMem tier, and how that is explained to the
// operator. 'auto' prefers a real KMEM-DAX node and otherwise emulates the tier with memkind's
// file-backed kind in a private temporary directory, saying so plainly.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TiermemError } from './errors.js';
import { native } from './native.js';
import { describeTopology, numaNodes } from './numa.js';
import { formatBytes, parseSize } from './units.js';
import type { NumaNode } from './types.js';

/** tm_pmem_source in native/include/tiermem.h, in its order (a source's index is its integer). */
export const PMEM_SOURCES = ['dax-kmem', 'dax-kmem-all', 'dax-kmem-preferred', 'node', 'file'] as const;
export type PmemSource = (typeof PMEM_SOURCES)[number];

/** memkind refuses file-backed kinds smaller than this (MEMKIND_PMEM_MIN_SIZE). */
export const MIN_FILE_SIZE = 16 * 1024 * 1024;

export interface PmemChoice {
  source: PmemSource;
  /** What the user wrote ('auto' or the explicit option). */
  option: string;
  nodes?: number[];
  dir?: string;
  fileSize?: number;
  /** A directory we created and must remove at close. */
  tempDir?: string;
  emulated: boolean;
  description: string;
}

const FIX_HINT =
  'put a devdax device in system-ram mode (`daxctl reconfigure-device --mode=system-ram dax0.0`), ' +
  "name a NUMA node (pmem: 'node:1'), or use a directory (pmem: 'file:/mnt/pmem')";

function backendError(msg: string): TiermemError {
  return new TiermemError('ERR_TIERMEM_BACKEND', msg);
}

/** Parse 'file:DIR[:SIZE]'; the last ':' segment is a size only if it parses as one. */
function parseFileOption(rest: string): { dir: string; size: number } {
  let dir = rest;
  let size = 0;
  const i = rest.lastIndexOf(':');
  if (i > 0) {
    const tail = rest.slice(i + 1);
    if (/^\d/.test(tail)) {
      size = parseSize(tail, 'file-backed PMem size');
      dir = rest.slice(0, i);
    }
  }
  if (dir === '') throw backendError("pmem 'file:' needs a directory, e.g. 'file:/mnt/pmem' or 'file:/mnt/pmem:8GiB'");
  if (size !== 0 && size < MIN_FILE_SIZE) {
    throw backendError(
      `file-backed PMem size ${formatBytes(size)} is below memkind's minimum of 16 MiB (use 0 for unlimited)`,
    );
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw backendError(`pmem directory ${dir} does not exist or is not a directory`);
  }
  return { dir, size };
}

function kmemNodes(nodes: NumaNode[]): number[] {
  return nodes.filter((n) => n.cpuless && n.totalBytes > 0).map((n) => n.node);
}

/** Resolve the `pmem` option into a backend choice (creating the emulation directory for 'auto'). */
export function choosePmem(option: string = 'auto'): PmemChoice {
  if (typeof option !== 'string') throw new TiermemError('ERR_TIERMEM_INVALID_ARG', 'pmem must be a string');
  const topo = numaNodes();
  if (option === 'auto') {
    if (native().daxKmemAvailable()) {
      const nodes = kmemNodes(topo);
      return {
        source: 'dax-kmem',
        option,
        nodes,
        emulated: false,
        description: `PMem tier: real KMEM-DAX NUMA node ${nodes.join(',') || '?'} (MEMKIND_DAX_KMEM, detected automatically)`,
      };
    }
    const dir = acquireEmulationDir();
    return {
      source: 'file',
      option,
      dir,
      fileSize: 0,
      tempDir: dir,
      emulated: true,
      description: `PMem tier: EMULATED with memkind's file-backed kind in ${dir} (no KMEM-DAX node found: ${describeTopology(topo)}); set pmem to 'node:N' or 'file:DIR' to choose`,
    };
  }
  if (option === 'dax-kmem' || option === 'dax-kmem-all' || option === 'dax-kmem-preferred') {
    if (!native().daxKmemAvailable()) {
      throw backendError(
        `pmem '${option}': memkind found no KMEM-DAX NUMA node. This machine has ${describeTopology(topo)}. To fix: ${FIX_HINT}`,
      );
    }
    const nodes = kmemNodes(topo);
    return {
      source: option,
      option,
      nodes,
      emulated: false,
      description: `PMem tier: KMEM-DAX node(s) ${nodes.join(',')} (${option})`,
    };
  }
  if (option.startsWith('node:')) {
    const parts = option.slice(5).split(',');
    const nodes = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : NaN));
    if (nodes.length === 0 || nodes.some((n) => Number.isNaN(n))) {
      throw backendError(`pmem '${option}' is not of the form node:N or node:N,M`);
    }
    const missing = nodes.filter((n) => !topo.some((t) => t.node === n));
    if (topo.length > 0 && missing.length > 0) {
      throw backendError(
        `pmem '${option}': no NUMA node ${missing.join(',')}. This machine has ${describeTopology(topo)}`,
      );
    }
    const ordinary = nodes.filter((n) => topo.find((t) => t.node === n)?.cpuless === false);
    return {
      source: 'node',
      option,
      nodes,
      emulated: ordinary.length > 0,
      description:
        ordinary.length > 0
          ? `PMem tier: EMULATED on ordinary NUMA node(s) ${nodes.join(',')} (they have CPUs), bound through MEMKIND_DAX_KMEM_NODES`
          : `PMem tier: CPU-less NUMA node(s) ${nodes.join(',')}, bound through MEMKIND_DAX_KMEM_NODES`,
    };
  }
  if (option.startsWith('file:')) {
    const { dir, size } = parseFileOption(option.slice(5));
    return {
      source: 'file',
      option,
      dir,
      fileSize: size,
      emulated: true,
      description: `PMem tier: memkind file-backed kind in ${dir}${size ? ` (max ${formatBytes(size)})` : ''}; on an FS-DAX mount this is real PMem, on an ordinary filesystem an emulation`,
    };
  }
  throw backendError(
    `unknown pmem option '${option}': use auto, dax-kmem, dax-kmem-all, dax-kmem-preferred, node:N[,M] or file:DIR[:SIZE]`,
  );
}

// memkind 1.14 crashes with two file-backed kinds in use at once (see native/src/backend_memkind.c),
// so every 'auto' allocator of a process shares one emulation directory (and the C side shares its
// kind). The directory is removed when the last of them closes, or at exit.
let emulation: { dir: string; refs: number } | null = null;
let exitHookInstalled = false;

function acquireEmulationDir(): string {
  if (emulation === null) {
    emulation = { dir: mkdtempSync(join(tmpdir(), 'tiermem-pmem-')), refs: 0 };
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        if (emulation !== null) rmSync(emulation.dir, { recursive: true, force: true });
      });
    }
  }
  emulation.refs++;
  return emulation.dir;
}

/** Give back a directory from choosePmem('auto') (at close, or when opening failed). */
export function releaseEmulationDir(dir: string): void {
  if (emulation === null || emulation.dir !== dir) return;
  if (--emulation.refs === 0) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* already gone */
    }
    emulation = null;
  }
}
