import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES, TIERS, type Category } from '../src/types.js';
import { expectedAccounting, open, rng, type TestAllocator } from './helpers.js';

let a: TestAllocator;
afterEach(() => a?.close());

function assertExact(a: TestAllocator, live: Set<number>): void {
  const want = expectedAccounting(a, live);
  const s = a.stats();
  for (const t of TIERS) {
    let bytes = 0;
    for (const c of CATEGORIES) {
      expect(s.tiers[t].byCategory[c].liveBytes, `${t}/${c} bytes`).toBe(want[t][c].bytes);
      expect(s.tiers[t].byCategory[c].liveCount, `${t}/${c} count`).toBe(want[t][c].count);
      bytes += want[t][c].bytes;
    }
    expect(s.tiers[t].liveBytes).toBe(bytes);
    // The live histogram holds exactly the live bytes, bucketed by usable size.
    expect(s.tiers[t].liveHist.reduce((x, y) => x + y, 0)).toBe(bytes);
  }
}

describe('exact accounting', () => {
  it('equals the sum of memkind usable sizes per tier x category through a random workload, and returns to zero', () => {
    a = open({ threshold: 2048 });
    const r = rng(42);
    const live = new Set<number>();
    let allocs = 0,
      frees = 0;
    for (let step = 0; step < 4000; step++) {
      const x = r();
      if (x < 0.55 || live.size === 0) {
        const size = Math.floor(Math.exp(r() * Math.log(200_000)));
        const cat = CATEGORIES[Math.floor(r() * CATEGORIES.length)] as Category;
        const kind = r();
        const h = kind < 0.8 ? a.zmalloc(size, cat) : kind < 0.9 ? a.zmallocDram(size, cat) : a.zmallocPmem(size, cat);
        live.add(h);
        allocs++;
      } else if (x < 0.85) {
        const h = [...live][Math.floor(r() * live.size)]!;
        a.zfree(h);
        live.delete(h);
        frees++;
      } else {
        const h = [...live][Math.floor(r() * live.size)]!;
        a.zrealloc(h, Math.floor(Math.exp(r() * Math.log(200_000))));
      }
      if (step % 500 === 0) assertExact(a, live);
    }
    assertExact(a, live);
    // Every block's usable size as the core computed it equals memkind's answer.
    for (const h of live) expect(a.zmallocSize(h)).toBe(a.backendUsableSize(h));
    expect(a.info().sizeClassFormula).toBe(true);
    for (const h of live) a.zfree(h);
    const s = a.stats();
    for (const t of TIERS) {
      expect(s.tiers[t].liveBytes).toBe(0);
      expect(s.tiers[t].liveCount).toBe(0);
      expect(s.tiers[t].liveHist.every((v) => v === 0)).toBe(true);
    }
    const totalAllocs = s.tiers.dram.allocs + s.tiers.pmem.allocs;
    const totalFrees = s.tiers.dram.frees + s.tiers.pmem.frees;
    expect(totalAllocs - totalFrees).toBe(0);
    expect(totalAllocs).toBeGreaterThanOrEqual(allocs);
    expect(frees).toBeGreaterThan(0);
  });

  it('keeps the shared snapshot array current with one call, without copying', () => {
    a = open({ threshold: 100 });
    const raw = a.rawStats();
    const before = raw[0];
    a.threshold = 777;
    expect(a.rawStats()).toBe(raw); // the same array, refreshed in place
    expect(raw[0]).toBe(777);
    expect(before).toBe(100);
  });

  it('counts usable sizes, not requested sizes', () => {
    a = open({ threshold: 4096 });
    const h = a.zmalloc(100); // jemalloc class 112
    expect(a.zmallocSize(h)).toBe(112);
    expect(a.stats().tiers.dram.byCategory.data.liveBytes).toBe(112);
  });
});
