// The controller's early ticks on the store: its values are allocated in C, a pipeline per native
// call, so the allocator's volume hook is forwarded to the engine (Allocator.addVolumeSource),
// which calls it between two commands. With the timer out of the way (an hour's period) every
// tick here is an early one.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachController, type LiveController } from '../src/controller/index.js';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer } from '../src/store/index.js';
import type { Allocator } from '../src/types.js';

describe('volume hook on the store', () => {
  let alloc: Allocator;
  let store: StoreServer | null = null;
  let ctl: LiveController;
  let r: Redis;
  beforeAll(async () => {
    alloc = createAllocator({ threshold: 4096 });
    ctl = attachController(alloc, { targetShare: 0.2, periodMs: 3_600_000 });
    store = await startStoreServer({ allocator: alloc, port: 0, controller: ctl });
    r = new Redis({ port: store.address.port, lazyConnect: true });
    await r.connect();
  });
  afterAll(async () => {
    r?.disconnect();
    ctl?.stop();
    await store?.close();
    alloc?.close();
  });

  it('pipelined SETs tick the controller with no timer tick, and bring the split near its target', async () => {
    const v = 'x'.repeat(1000);
    const before = ctl.ticks;
    for (let b = 0; b < 10; b++) {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`k${b * 1000 + i}`, v);
      await p.exec();
    }
    // 10 MB of values, an early tick every 0.5% of the stock (at least 16 KiB): hundreds.
    expect(ctl.ticks - before).toBeGreaterThan(100);
    const s = alloc.stats();
    const share = s.tiers.dram.liveBytes / (s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes);
    // One value size, held by the dithered threshold on early ticks alone.
    expect(Math.abs(share - 0.2)).toBeLessThan(0.03);
  });

  it('a closed store no longer counts: the allocator re-arms without touching it', async () => {
    const ticks = ctl.ticks;
    await store?.close();
    store = null;
    expect(() => alloc.setVolumeHook(1024, () => {})).not.toThrow();
    alloc.setVolumeHook(0, null);
    expect(ctl.ticks).toBe(ticks);
  });
});
