// Shared test helpers: an emulated allocator per test, and the exact expected accounting
// recomputed from memkind's own answers for every live block.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAllocator } from '../src/allocator.js';
import { createRng } from '../src/trace/random.js';
import { CATEGORIES, TIERS, type Allocator, type AllocatorOptions, type Category, type Tier } from '../src/types.js';

export type TestAllocator = Allocator;

/** A directory for a file-backed tier, removed by the returned cleanup. */
export function tempDir(prefix = 'tiermem-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function open(options: AllocatorOptions = {}): TestAllocator {
  return createAllocator(options);
}

/** Sum memkind_malloc_usable_size over live blocks per tier x category, using memkind's own
 *  kind detection for the tier: an oracle independent of the core's counters. */
export function expectedAccounting(
  a: TestAllocator,
  live: Iterable<number>,
): Record<Tier, Record<Category, { bytes: number; count: number }>> {
  const out = {} as Record<Tier, Record<Category, { bytes: number; count: number }>>;
  for (const t of TIERS) {
    out[t] = {} as Record<Category, { bytes: number; count: number }>;
    for (const c of CATEGORIES) out[t][c] = { bytes: 0, count: 0 };
  }
  for (const h of live) {
    const tier = a.detectTier(h);
    if (tier === null) throw new Error(`memkind does not recognise block ${h}`);
    const cell = out[tier][a.categoryOf(h)];
    cell.bytes += a.backendUsableSize(h);
    cell.count += 1;
  }
  return out;
}

/** The parts of stats() that must not change when an operation is rejected. */
export function liveFigures(a: TestAllocator): string {
  const s = a.stats();
  return JSON.stringify(
    TIERS.map((t) => [
      s.tiers[t].liveBytes,
      s.tiers[t].liveCount,
      s.tiers[t].allocs,
      s.tiers[t].frees,
      s.tiers[t].failures,
      s.tiers[t].fallbacks,
      Array.from(s.tiers[t].liveHist),
    ]).concat([[a.liveCount, s.threshold]]),
  );
}

/** Deterministic PRNG (the traces' mulberry32, src/trace/random.ts) so failures reproduce. */
export function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.next();
}
