import { afterEach, describe, expect, it } from 'vitest';
import { open, type TestAllocator } from './helpers.js';

let a: TestAllocator;
afterEach(() => a?.close());

describe('routing by size threshold', () => {
  it('sends size < threshold to DRAM and size >= threshold to PMem', () => {
    a = open({ threshold: 1024 });
    const below = a.zmalloc(1023);
    const at = a.zmalloc(1024);
    const above = a.zmalloc(1025);
    const zero = a.zmalloc(0);
    expect([a.tierOf(below), a.tierOf(at), a.tierOf(above), a.tierOf(zero)]).toEqual(['dram', 'pmem', 'pmem', 'dram']);
    // memkind agrees about where every block lives.
    for (const h of [below, at, above, zero]) expect(a.detectTier(h)).toBe(a.tierOf(h));
  });

  it('follows a threshold change at once, and counts only routed allocations in the flow', () => {
    a = open({ threshold: 100 });
    const h1 = a.zmalloc(500);
    a.threshold = 1000;
    expect(a.threshold).toBe(1000);
    const h2 = a.zmalloc(500);
    expect(a.tierOf(h1)).toBe('pmem');
    expect(a.tierOf(h2)).toBe('dram');
    a.zmallocPmem(500); // explicit: not part of the routed flow
    const s = a.stats();
    expect(s.flowCount[8]).toBe(2); // 500 is in bucket [256, 512)
    expect(s.flowBytes[8]).toBe(2 * a.zmallocSize(h1));
    expect(s.tiers.pmem.forcedBytes).toBe(a.zmallocSize(h1));
  });

  it('threshold 0 sends everything to PMem; a huge threshold everything to DRAM', () => {
    a = open({ threshold: 0 });
    expect(a.tierOf(a.zmalloc(1))).toBe('pmem');
    a.threshold = 2 ** 40;
    expect(a.tierOf(a.zmalloc(1 << 20))).toBe('dram');
  });

  it('places explicitly with zmallocDram / zmallocPmem regardless of size, and realloc keeps that tier', () => {
    a = open({ threshold: 64 });
    const meta = a.zmallocDram(1 << 20, 'metadata');
    const tiny = a.zmallocPmem(8);
    expect(a.tierOf(meta)).toBe('dram');
    expect(a.categoryOf(meta)).toBe('metadata');
    expect(a.tierOf(tiny)).toBe('pmem');
    a.zrealloc(meta, 2 << 20);
    a.zrealloc(tiny, 16);
    expect(a.tierOf(meta)).toBe('dram');
    expect(a.tierOf(tiny)).toBe('pmem');
    expect(a.detectTier(meta)).toBe('dram');
    expect(a.detectTier(tiny)).toBe('pmem');
  });

  it('zrealloc moves the block across the threshold both ways and keeps its bytes', () => {
    a = open({ threshold: 4096 });
    const h = a.zmalloc(100, 'buffers');
    const pattern = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    a.write(h, pattern);
    expect(a.zrealloc(h, 10_000)).toBe(h); // the handle survives the move
    expect(a.tierOf(h)).toBe('pmem');
    expect(a.detectTier(h)).toBe('pmem');
    expect(a.read(h, 0, 100)).toEqual(pattern);
    const big = Buffer.alloc(9000, 7);
    a.write(h, big, 100);
    a.zrealloc(h, 50);
    expect(a.tierOf(h)).toBe('dram');
    expect(a.detectTier(h)).toBe('dram');
    expect(a.read(h, 0, 50)).toEqual(pattern.subarray(0, 50));
    expect(a.categoryOf(h)).toBe('buffers');
    const s = a.stats();
    expect(s.tiers.pmem.liveBytes).toBe(0);
    expect(s.tiers.dram.byCategory.buffers.liveBytes).toBe(a.zmallocSize(h));
  });

  it('zcalloc zeroes and routes by the total size', () => {
    a = open({ threshold: 4096 });
    const h = a.zcalloc(100, 50);
    expect(a.tierOf(h)).toBe('pmem');
    expect(a.read(h, 0, 5000).every((b) => b === 0)).toBe(true);
    const d = a.zcalloc(10, 10);
    expect(a.tierOf(d)).toBe('dram');
  });

  it('move() changes the tier behind the same handle', () => {
    a = open({ threshold: 4096 });
    const h = a.zmalloc(100);
    a.write(h, 'payload');
    a.move(h, 'pmem');
    expect(a.tierOf(h)).toBe('pmem');
    expect(a.detectTier(h)).toBe('pmem');
    expect(a.read(h, 0, 7).toString()).toBe('payload');
  });
});

describe('byte access', () => {
  it('writes and reads strings and bytes, copies between allocations, and checks bounds', () => {
    a = open();
    const h = a.zmalloc(16);
    expect(a.zmallocSize(h)).toBe(16);
    expect(a.write(h, 'héllo')).toBe(6);
    expect(a.read(h, 0, 6).toString()).toBe('héllo');
    const g = a.zmalloc(10_000);
    a.copy(g, 5000, h, 0, 6);
    const out = Buffer.alloc(6);
    expect(a.readInto(g, out, 5000)).toBe(6);
    expect(out.toString()).toBe('héllo');
    expect(a.write(h, Buffer.alloc(16, 1))).toBe(16); // exactly the usable size fits
    expect(a.write(h, 'x'.repeat(16))).toBe(16);
    expect(() => a.write(h, Buffer.alloc(17))).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }));
    expect(() => a.write(h, 'x'.repeat(17))).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }));
    expect(() => a.read(h, 10, 7)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }));
    expect(() => a.read(h, 17)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }));
    expect(() => a.copy(g, a.zmallocSize(g) - 15, h, 0, 16)).toThrow(
      expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }),
    );
    expect(() => a.readInto(h, Buffer.alloc(2), 0, 4)).toThrow(
      expect.objectContaining({ code: 'ERR_TIERMEM_OUT_OF_BOUNDS' }),
    );
    expect(a.read(h).length).toBe(16);
  });
});

describe('zmallocFrom', () => {
  it('allocates by the data length and copies in one call, routed like zmalloc', () => {
    a = open({ threshold: 100 });
    const small = a.zmallocFrom(Buffer.from('abc'), 'keys');
    const big = a.zmallocFrom(Buffer.alloc(500, 9));
    expect([a.tierOf(small), a.tierOf(big), a.categoryOf(small)]).toEqual(['dram', 'pmem', 'keys']);
    expect(a.read(small, 0, 3).toString()).toBe('abc');
    expect(a.read(big, 0, 500).every((b) => b === 9)).toBe(true);
    expect(() => a.zmallocFrom('abc' as never)).toThrow(expect.objectContaining({ code: 'ERR_TIERMEM_INVALID_ARG' }));
  });
});

describe('batches', () => {
  it('allocates and frees many blocks in one call', () => {
    a = open({ threshold: 1000 });
    const hs = a.zmallocBatch([10, 2000, 30, 4000]);
    expect(Array.from(hs, (h) => a.tierOf(h))).toEqual(['dram', 'pmem', 'dram', 'pmem']);
    expect(a.liveCount).toBe(4);
    a.zfreeBatch(hs);
    expect(a.liveCount).toBe(0);
    expect(a.stats().tiers.dram.liveBytes + a.stats().tiers.pmem.liveBytes).toBe(0);
  });
});
