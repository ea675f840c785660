// Loads the compiled C addon and types its surface. Nothing here allocates or routes: the
// addon does; this file only says what it looks like to TypeScript.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Offsets into the stats snapshot, as the C core lays it out (see native/include/tiermem.h). */
export interface NativeLayout {
  length: number; threshold: number; limit: number; cell: number; cellFields: number;
  tier: number; tierFields: number; liveHist: number; flowBytes: number; flowCount: number;
  buckets: number; tiers: number; categories: number; maxSize: number;
}

/** Configuration handed to the C core (enums as integers, see tm_config). */
export interface NativeConfig {
  dram: number; pmem: number; nodes?: string; dir?: string; fileSize?: number;
  threshold: number; limitDram?: number; limitPmem?: number; policy: number;
}

/** One open heap: functions bound to it in C, plus its shared stats array. */
export interface NativeHeap {
  stats: Float64Array;
  malloc(size: number, category?: number): number;
  calloc(count: number, size: number, category?: number): number;
  mallocFrom(data: Uint8Array, category?: number): number;
  mallocTier(size: number, tier: number, category?: number): number;
  realloc(handle: number, size: number): number;
  free(handle: number): void;
  move(handle: number, tier: number): void;
  usable(handle: number): number;
  /** field 0 usable, 1 tier, 2 category, 3 memkind-detected tier (-1 none), 4 memkind usable size. */
  blockInfo(handle: number, field: number): number;
  write(handle: number, data: Uint8Array | string, offset?: number): number;
  read(handle: number, offset?: number, length?: number): Buffer;
  readInto(handle: number, target: Uint8Array, offset?: number, length?: number): number;
  copy(dst: number, dstOffset: number, src: number, srcOffset: number, length: number): void;
  mallocBatch(sizes: Float64Array, out: Float64Array, category?: number): number;
  freeBatch(handles: Float64Array): void;
  getThreshold(): number;
  setThreshold(t: number): void;
  setLimit(tier: number, bytes: number): void;
  policy(p?: number): number;
  snapshot(): void;
  /** Pages per NUMA node 0..maxNodes-1, then the count of pages not yet backed. */
  pageNodes(handle: number, maxNodes?: number): number[];
  liveHandles(): number;
  kindName(tier: number): string;
  formulaOk(): boolean;
  close(): void;
}

export interface NativeAddon {
  layout: NativeLayout;
  open(config: NativeConfig): NativeHeap;
  daxKmemAvailable(): boolean;
  sizeClass(size: number): number;
  memkindVersion: number;
  version: string;
}

function addonPath(): string {
  // src/native.ts and dist/native.js both sit one level below the package root.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const p of [join(root, 'build', 'Release', 'tiermem.node'), join(root, 'build', 'Debug', 'tiermem.node')]) {
    if (existsSync(p)) return p;
  }
  throw new Error(
    `tiermem's native addon is not built (looked in ${join(root, 'build')}). ` +
    'Run `bash scripts/setup.sh` (installs libmemkind-dev and libnuma-dev, then builds), or `npm run build:native`.');
}

let loaded: NativeAddon | undefined;

export function native(): NativeAddon {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = require(addonPath()) as NativeAddon;
  }
  return loaded;
}
