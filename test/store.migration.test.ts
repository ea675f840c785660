// Migration as the controller's second actuator, live against the real store: one value size
// with early ticks off (the threshold alone can only send all or nothing to DRAM), the ratio
// held at 1:4 within +/-2 points by moving values; then a skewed read load pulls the hot values
// into DRAM while the split holds.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachController, type LiveController } from '../src/controller/index.js';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer } from '../src/store/index.js';
import type { Allocator } from '../src/types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('migration holds the ratio (live store)', () => {
  let alloc: Allocator;
  let store: StoreServer | null = null;
  let ctl: LiveController;
  let r: Redis;
  beforeAll(async () => {
    alloc = createAllocator({ threshold: 4096 });
    ctl = attachController(
      alloc,
      { targetShare: 0.2, volumeBytes: 0, periodMs: 50 },
      {
        migrate: (bytes, to) => store?.migrate(bytes, to) ?? 0,
      },
    );
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

  function share(): number {
    const s = alloc.stats();
    return s.tiers.dram.liveBytes / (s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes);
  }

  async function holds(target: number): Promise<void> {
    let held = 0;
    for (let i = 0; i < 150 && held < 5; i++) {
      await sleep(100);
      held = Math.abs(share() - target) <= 0.02 ? held + 1 : 0;
    }
    expect(Math.abs(share() - target)).toBeLessThanOrEqual(0.02);
  }
  const field = async (name: string): Promise<number> =>
    Number(new RegExp(`${name}:(\\d+)`).exec(await r.info('tiering'))?.[1]);

  it('one value size, early ticks off, then target steps with no writes: held by moving values', async () => {
    const v = 'x'.repeat(1000);
    for (let b = 0; b < 20; b++) {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`k${b * 1000 + i}`, v);
      await p.exec();
    }
    await holds(0.2);
    expect(ctl.status).not.toBe('unreachable');
    // No flow at all: only the migrator can follow a new target.
    const up0 = await field('migrated_to_dram_bytes');
    ctl.set({ targetShare: 0.5 });
    await holds(0.5);
    expect((await field('migrated_to_dram_bytes')) - up0).toBeGreaterThan(4_000_000);
    const down0 = await field('migrated_to_pmem_bytes');
    ctl.set({ targetShare: 0.2 });
    await holds(0.2);
    expect((await field('migrated_to_pmem_bytes')) - down0).toBeGreaterThan(4_000_000);
  });

  it('a skewed read load moves the hot values into DRAM and keeps the split', async () => {
    const before = await r.info('tiering');
    const d0 = Number(/dram_read_hits:(\d+)/.exec(before)?.[1]);
    const p0 = Number(/pmem_read_hits:(\d+)/.exec(before)?.[1]);
    // 1000 hot keys (a tenth of the DRAM the target allows) read over and over.
    for (let round = 0; round < 30; round++) {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.get(`k${(i * 7919) % 20000}`);
      await p.exec();
      await sleep(20);
    }
    const mid = await r.info('tiering');
    const d1 = Number(/dram_read_hits:(\d+)/.exec(mid)?.[1]);
    const p1 = Number(/pmem_read_hits:(\d+)/.exec(mid)?.[1]);
    // Last rounds only: after the promotions.
    const p = r.pipeline();
    for (let i = 0; i < 1000; i++) p.get(`k${(i * 7919) % 20000}`);
    await p.exec();
    const end = await r.info('tiering');
    const d2 = Number(/dram_read_hits:(\d+)/.exec(end)?.[1]);
    const p2 = Number(/pmem_read_hits:(\d+)/.exec(end)?.[1]);
    expect(d1 + p1 - d0 - p0).toBe(30_000);
    expect((d2 - d1) / (d2 - d1 + p2 - p1)).toBeGreaterThan(0.9);
    expect(Number(/promoted_on_read:(\d+)/.exec(end)?.[1])).toBeGreaterThan(500);
    await sleep(500);
    expect(Math.abs(share() - 0.2)).toBeLessThanOrEqual(0.02);
  });
});
