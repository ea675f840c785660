import { afterEach, describe, expect, it } from 'vitest';
import { open, liveFigures, tempDir, type TestAllocator } from './helpers.js';

let a: TestAllocator | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  a?.close();
  a = undefined;
  cleanup?.();
  cleanup = undefined;
});

const MiB = 1 << 20;

/** Fill a block with a pattern derived from its index, so any corruption shows. */
function fill(al: TestAllocator, h: number, i: number): void {
  al.write(h, Buffer.alloc(al.zmallocSize(h), i & 0xff));
}
function intact(al: TestAllocator, h: number, i: number): boolean {
  return al.read(h).every((b) => b === (i & 0xff));
}

describe('tier exhaustion on a small file-backed PMem tier (16 MiB)', () => {
  it('strict: fails with ERR_TIERMEM_NO_MEMORY, counts a failure, and leaves everything else intact', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    a = open({ pmem: `file:${t.dir}:16MiB`, policy: 'strict', threshold: 4096 });
    const blocks: number[] = [];
    let err: unknown;
    for (let i = 0; i < 64; i++) {
      try {
        const h = a.zmalloc(MiB);
        fill(a, h, i);
        blocks.push(h);
      } catch (e) {
        err = e;
        break;
      }
    }
    expect(err).toMatchObject({ code: 'ERR_TIERMEM_NO_MEMORY' });
    expect(blocks.length).toBeGreaterThan(4);
    expect(blocks.length).toBeLessThan(17);
    const s = a.stats();
    expect(s.tiers.pmem.failures).toBe(1);
    expect(s.tiers.pmem.fallbacks).toBe(0);
    expect(s.tiers.dram.liveBytes).toBe(0); // never a silent wrong tier
    const state = liveFigures(a).replace(/,1,0,\[/, ',X,0,['); // failure count may rise below
    expect(() => a!.zmalloc(MiB)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_NO_MEMORY' }));
    expect(liveFigures(a).replace(/,2,0,\[/, ',X,0,[')).toBe(state);
    blocks.forEach((h, i) => expect(intact(a!, h, i)).toBe(true));
    // A growing realloc that cannot be served keeps the old block valid.
    expect(() => a!.zrealloc(blocks[0]!, 8 * MiB)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_NO_MEMORY' }));
    expect(intact(a, blocks[0]!, 0)).toBe(true);
    // Small allocations still go to DRAM.
    expect(a.tierOf(a.zmalloc(100))).toBe('dram');
  });

  it('spill: serves from DRAM, counts fallbacks, and earlier PMem blocks stay readable', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    a = open({ pmem: `file:${t.dir}:16MiB`, policy: 'spill', threshold: 4096 });
    const blocks: number[] = [];
    for (let i = 0; i < 40; i++) {
      const h = a.zmalloc(MiB);
      fill(a, h, i);
      blocks.push(h);
    }
    const tiers = blocks.map((h) => a!.tierOf(h));
    const firstDram = tiers.indexOf('dram');
    expect(firstDram).toBeGreaterThan(4);
    expect(tiers.slice(0, firstDram).every((x) => x === 'pmem')).toBe(true);
    const s = a.stats();
    expect(s.tiers.pmem.fallbacks).toBe(tiers.filter((x) => x === 'dram').length);
    expect(s.tiers.pmem.failures).toBe(0);
    blocks.forEach((h, i) => {
      expect(a!.detectTier(h)).toBe(tiers[i]); // the record and memkind agree, also after spilling
      expect(intact(a!, h, i)).toBe(true);
    });
  });
});

describe('byte limits per tier', () => {
  it('enforces a PMem limit under both policies, changeable at run time', () => {
    a = open({ threshold: 0, limits: { pmem: 4 * MiB }, policy: 'strict' });
    const hs = [a.zmalloc(MiB), a.zmalloc(MiB), a.zmalloc(MiB), a.zmalloc(MiB)];
    hs.forEach((h, i) => fill(a!, h, i));
    expect(() => a!.zmalloc(1)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_NO_MEMORY' }));
    a.policy = 'spill';
    const spilled = a.zmalloc(MiB);
    expect(a.tierOf(spilled)).toBe('dram');
    expect(a.stats().tiers.pmem.fallbacks).toBe(1);
    a.zfree(hs[0]!);
    expect(a.tierOf(a.zmalloc(MiB))).toBe('pmem'); // room again after a free
    a.setLimit('pmem', 0); // no limit
    expect(a.tierOf(a.zmalloc(8 * MiB))).toBe('pmem');
    hs.slice(1).forEach((h, i) => expect(intact(a!, h, i + 1)).toBe(true));
  });

  it('applies a limit set after blocks are live (seeded from the exact live bytes)', () => {
    a = open({ threshold: 1 << 30 });
    const h = a.zmalloc(3 * MiB); // DRAM
    a.setLimit('dram', 4 * MiB);
    a.policy = 'strict';
    expect(() => a!.zmalloc(2 * MiB)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_NO_MEMORY' }));
    expect(() => a!.zrealloc(h, 5 * MiB)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_NO_MEMORY' }));
    expect(a.zmallocSize(h)).toBe(3 * MiB);
    a.zrealloc(h, MiB); // shrinking frees room
    a.zmalloc(2 * MiB);
    expect(a.stats().tiers.dram.liveBytes).toBe(3 * MiB);
  });
});
