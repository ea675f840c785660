// The live controller on the real native allocator (PMem 'auto': KMEM-DAX if present, otherwise
// the emulated file-backed tier), driven to 1:4 under churn.
// Like every suite on the addon, it fails (with the build instructions) when the addon is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { createAllocator } from '../src/allocator.js';
import { attachController, type LiveController } from '../src/controller/index.js';
import { DEFAULT_THRESHOLD, type Allocator } from '../src/types.js';
import { ModelAllocator } from '../src/trace/model.js';
import { rng } from './helpers.js';

let a: Allocator | undefined;
let ctl: LiveController | undefined;
afterEach(() => {
  ctl?.stop();
  a?.close();
  a = undefined;
  ctl = undefined;
});

describe('live controller on the native allocator', () => {
  it('holds 1:4 under churn with lognormal sizes, from the default threshold', () => {
    a = createAllocator({ pmem: 'auto' });
    ctl = attachController(a, { targetShare: 0.2, volumeBytes: 256 * 1024 }, { timer: false });
    const rnd = rng(7);
    const size = (): number =>
      Math.max(1, Math.round(200 * Math.exp(Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()))));
    const keys: number[] = [];
    for (let i = 0; i < 20000; i++) keys.push(a.zmalloc(size()));
    const shares: number[] = [];
    for (let tick = 0; tick < 60; tick++) {
      for (let j = 0; j < 2000; j++) {
        const k = Math.floor(rnd() * keys.length);
        a.zfree(keys[k]!);
        keys[k] = a.zmalloc(size());
      }
      ctl.tick();
      shares.push(a.stats().dramShare);
    }
    const tail = shares.slice(-30);
    for (const s of tail) expect(Math.abs(s - 0.2)).toBeLessThan(0.02);
    const mae = tail.reduce((x, s) => x + Math.abs(s - 0.2), 0) / tail.length;
    expect(mae).toBeLessThan(0.006);
    expect(ctl.status).toBe('on-target');
    expect(a.threshold).toBeGreaterThan(32);
    expect(a.threshold).toBeLessThan(1024);
    for (const h of keys) a.zfree(h);
  });

  it('splits values of one size: a dithered threshold holds 1:4 where a plain one is all or nothing', () => {
    a = createAllocator({ pmem: 'auto' });
    ctl = attachController(a, { targetShare: 0.2, volumeBytes: 0 }, { timer: false });
    const keys: number[] = [];
    for (let i = 0; i < 20000; i++) keys.push(a.zmalloc(256));
    const rnd = rng(11);
    const shares: number[] = [];
    for (let tick = 0; tick < 80; tick++) {
      for (let j = 0; j < 1000; j++) {
        const k = Math.floor(rnd() * keys.length);
        a.zfree(keys[k]!);
        keys[k] = a.zmalloc(256);
      }
      ctl.tick();
      shares.push(a.stats().dramShare);
    }
    const tail = shares.slice(-30);
    for (const s of tail) expect(Math.abs(s - 0.2)).toBeLessThan(0.02);
    expect(tail.reduce((x, s) => x + Math.abs(s - 0.2), 0) / tail.length).toBeLessThan(0.006);
    // The threshold sits at the bottom of 256's bucket with a split, not somewhere inside it.
    expect(a.threshold).toBe(256);
    expect(a.split).toBeGreaterThan(0.1);
    expect(a.split).toBeLessThan(0.35);
    for (const h of keys) a.zfree(h);
  });

  it('the model routes a dithered threshold exactly as the native core does', () => {
    a = createAllocator({ pmem: 'auto' });
    const model = new ModelAllocator();
    const rnd = rng(3);
    for (const [t, split] of [
      [256, 0.3],
      [300, 0.7],
      [1024, 1 / 65536],
      [4096, 0],
    ] as const) {
      a.setRoute(t, split);
      model.setRoute(t, split);
      expect(a.split).toBe(model.split);
      for (let i = 0; i < 2000; i++) {
        const size = Math.floor(rnd() * 3 * t);
        const h = a.zmalloc(size);
        const m = model.zmalloc(size);
        expect(a.tierOf(h), `size ${size}, threshold ${t} split ${split}`).toBe(model.tierOf(m));
        a.zfree(h);
      }
    }
    a.threshold = 512; // a plain threshold turns the split off
    expect(a.split).toBe(0);
    expect(() => a!.setRoute(512, 1.5)).toThrow(/split/);
    expect(a.threshold).toBe(512);
  });

  it('counts client buffers at their rest level: a reply chunk live at one timer tick and not the next moves nothing', () => {
    const m = new ModelAllocator(4096);
    for (let i = 0; i < 800; i++) m.zmallocDram(1000, 'data');
    for (let i = 0; i < 200; i++) m.zmallocPmem(1000, 'data');
    m.zmallocDram(17 * 1024, 'buffers'); // an idle client's buffers
    const live = attachController(m, { targetShare: 0.8, volumeBytes: 64 * 1024 }, { timer: false });
    const chunk = 16 * 1024;
    const buffers = (): number => m.stats().tiers.dram.byCategory.buffers.liveBytes;
    let withChunk = 0;
    // As a reader running a command sees it (INFO: its own query buffer or reply chunk live).
    const atRest = (): number => {
      const s = m.stats();
      const dram = s.tiers.dram.liveBytes - buffers() + withChunk;
      return dram / (dram + s.tiers.pmem.liveBytes);
    };
    const shares: number[] = [];
    for (let k = 0; k < 12; k++) {
      // Timer ticks find a 16 KiB chunk live or released at random; here every other one.
      const h = k % 2 === 0 ? m.zmallocDram(chunk, 'buffers') : null;
      if (h !== null) withChunk = buffers();
      shares.push(live.tick().share);
      if (h !== null) m.zfree(h);
    }
    // One reading from the first tick that saw the chunk: 0.9 points apart otherwise.
    for (const s of shares) expect(s).toBeCloseTo(atRest(), 12);
    // A timer tick that finds a pipeline in flight (256 KiB of query buffer) does not raise the
    // rest level: far more than a reader's own chunks above the floor.
    const inFlight = m.zmallocDram(256 * 1024, 'buffers');
    live.tick();
    m.zfree(inFlight);
    expect(live.tick().share).toBeCloseTo(atRest(), 12);
    // An early tick mid-pipeline (256 KiB of query buffer live) counts the buffers at rest too.
    const pipeline = m.zmallocDram(256 * 1024, 'buffers');
    const before = live.ticks;
    for (let i = 0; i < 40 && live.ticks === before; i++) m.zmalloc(2000);
    expect(live.ticks).toBe(before + 1);
    expect(live.last!.share).toBeCloseTo(atRest(), 12);
    m.zfree(pipeline);
    live.stop();
  });

  it('runs on its timer and detaches cleanly', async () => {
    a = createAllocator({ pmem: 'auto' });
    ctl = attachController(a, { targetShare: 0.5, periodMs: 5, volumeBytes: 0 });
    for (let i = 0; i < 5000; i++) a.zmalloc(16 + (i % 2000));
    // Poll rather than sleep a fixed time: the machine is shared and timers run late under load.
    for (let i = 0; i < 200 && ctl.ticks <= 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ctl.ticks).toBeGreaterThan(2);
    // Everything went to DRAM before the first tick and nothing was allocated since: the stock
    // cannot move, but the threshold has already come down to route new blocks to PMem.
    expect(a.threshold).toBeLessThan(DEFAULT_THRESHOLD);
    expect(ctl.status).toBe('converging');
    ctl.stop();
    const t = ctl.ticks;
    await new Promise((r) => setTimeout(r, 20));
    expect(ctl.ticks).toBe(t);
  });
});
