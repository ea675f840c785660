// Tier accounting of the store against the allocator: after mixed workloads (including one by
// redis-benchmark) the store's per type x tier composition, the allocator's 'data' counters and
// memkind's own usable sizes of the live value blocks agree exactly; FLUSHALL and expiry give
// every byte back.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TIERS } from '../src/types.js';
import { expectedAccounting, rng, type TestAllocator } from './helpers.js';
import { startStoreServer, type TieringController } from '../src/store/index.js';
import { startTestStore, type TestStore } from './store-harness.js';

const run = promisify(execFile);

describe('store accounting', () => {
  let t: TestStore;
  let r: Redis;
  let moves: MockInstance;
  beforeAll(async () => {
    t = await startTestStore({ threshold: 256 });
    moves = vi.spyOn(t.alloc, 'move');
    r = new Redis({ port: t.port, lazyConnect: true });
    await r.connect();
  });
  afterAll(async () => {
    r?.disconnect();
    await t?.close();
  });

  /** Everything must agree: memkind's view of the live value blocks, the allocator, the store. */
  function expectExact(): void {
    const a = t.alloc as TestAllocator;
    const handles = t.server.valueHandles();
    const oracle = expectedAccounting(a, handles);
    const stats = a.stats();
    const comp = t.server.composition();
    let usableSum = 0;
    for (const h of handles) usableSum += a.zmallocSize(h);
    for (const tier of TIERS) {
      expect(stats.tiers[tier].byCategory.data.liveBytes).toBe(oracle[tier].data.bytes);
      expect(stats.tiers[tier].byCategory.data.liveCount).toBe(oracle[tier].data.count);
      expect(comp.valueBytes[tier]).toBe(oracle[tier].data.bytes);
      // The store puts nothing but values in tiermem.
      expect(stats.tiers[tier].liveBytes).toBe(oracle[tier].data.bytes);
      let typed = 0;
      let allocations = 0;
      for (const tc of Object.values(comp.types)) {
        typed += tc.tiers[tier].bytes;
        allocations += tc.tiers[tier].allocations;
      }
      expect(typed).toBe(oracle[tier].data.bytes);
      expect(allocations).toBe(oracle[tier].data.count);
    }
    expect(usableSum).toBe(comp.valueBytes.dram + comp.valueBytes.pmem);
  }

  function expectEmpty(): void {
    const s = t.alloc.stats();
    for (const tier of TIERS) {
      expect(s.tiers[tier].liveBytes).toBe(0);
      expect(s.tiers[tier].liveCount).toBe(0);
    }
    const comp = t.server.composition();
    expect(comp.keys).toBe(0);
    expect(comp.valueBytes).toEqual({ dram: 0, pmem: 0 });
    expect(comp.indexBytes).toBe(0);
    for (const tc of Object.values(comp.types)) {
      expect(tc.keys).toBe(0);
      expect(tc.tiers.dram).toEqual({ allocations: 0, bytes: 0 });
      expect(tc.tiers.pmem).toEqual({ allocations: 0, bytes: 0 });
    }
  }

  it('routes values by the threshold and counts them per type x tier', async () => {
    await r.set('s:small', 'x'.repeat(100));
    await r.set('s:large', 'x'.repeat(1000));
    await r.hset('h', 'f1', 'y'.repeat(10), 'f2', 'y'.repeat(300));
    await r.rpush('l', 'z'.repeat(255), 'z'.repeat(256));
    await r.sadd('set', 'member1', 'member22');
    const c = t.server.composition();
    expect(c.types.string.keys).toBe(2);
    expect(c.types.string.tiers.dram.allocations).toBe(1);
    expect(c.types.string.tiers.pmem.allocations).toBe(1);
    expect(c.types.hash.tiers.dram.allocations).toBe(1);
    expect(c.types.hash.tiers.pmem.allocations).toBe(1);
    expect(c.types.list.tiers.dram.allocations).toBe(1);
    expect(c.types.list.tiers.pmem.allocations).toBe(1);
    expect(c.types.set.keys).toBe(1);
    expect(c.types.set.indexBytes).toBe(3 + 7 + 8);
    expect(c.types.hash.indexBytes).toBe(1 + 2 + 2);
    expectExact();
    await r.flushall();
    expectEmpty();
  });

  it('stays exact through a random mixed workload, and FLUSHALL returns to the empty baseline', async () => {
    const rand = rng(42);
    const size = (): number => (rand() < 0.5 ? Math.floor(rand() * 256) : Math.floor(rand() * 5000));
    const val = (n: number): string => 'v'.repeat(n);
    for (let round = 0; round < 6; round++) {
      const p = r.pipeline();
      for (let i = 0; i < 300; i++) {
        const k = Math.floor(rand() * 60);
        switch (Math.floor(rand() * 16)) {
          case 0: p.set(`s${k}`, val(size())); break;
          case 1: p.append(`s${k}`, val(size())); break;
          case 2: p.setrange(`s${k}`, Math.floor(rand() * 600), val(size() % 300)); break;
          case 3: p.incrby(`n${k}`, Math.floor(rand() * 1e6)); break;
          case 4: p.hset(`h${k}`, `f${Math.floor(rand() * 20)}`, val(size())); break;
          case 5: p.hdel(`h${k}`, `f${Math.floor(rand() * 20)}`); break;
          case 6: p.hincrby(`h${k}`, 'counter', 7); break;
          case 7: p.lpush(`l${k}`, val(size()), val(size())); break;
          case 8: p.rpop(`l${k}`); break;
          case 9: p.lpop(`l${k}`, 2); break;
          case 10: p.sadd(`z${k}`, `m${Math.floor(rand() * 50)}`); break;
          case 11: p.srem(`z${k}`, `m${Math.floor(rand() * 50)}`); break;
          case 12: p.del(`s${k}`, `h${k}`); break;
          case 13: p.rename(`l${k}`, `l${(k + 1) % 60}`); break;
          case 14: p.getset(`s${k}`, val(size())); break;
          default: p.set(`h${k}`, val(size())); break; // overwrite whatever type is there
        }
      }
      await p.exec();
      expectExact();
    }
    expect(t.server.composition().keys).toBeGreaterThan(50);
    await r.flushall();
    expectEmpty();
  });

  it('expired keys give their bytes back through the active cycle, without being touched', async () => {
    const p = r.pipeline();
    for (let i = 0; i < 200; i++) p.set(`e${i}`, 'x'.repeat(i * 10), 'PX', 50);
    p.set('keep', 'x'.repeat(1000));
    await p.exec();
    expect(t.server.composition().keysWithExpiry).toBe(200);
    const deadline = Date.now() + 5000;
    while (t.server.composition().keys > 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(t.server.composition().keys).toBe(1);
    expect(t.server.composition().keysWithExpiry).toBe(0);
    expectExact();
    expect(/expired_keys:(\d+)/.exec(await r.info('stats'))![1]).toBe('200');
    await r.flushall();
    expectEmpty();
  });

  it('redis-benchmark SET, GET, LPUSH, HSET run through and leave exact accounting', async () => {
    const { stdout } = await run('redis-benchmark', [
      '-p', String(t.port), '-t', 'set,get,lpush,hset', '-n', '4000', '-r', '1000', '-c', '20', '-d', '256', '-q',
    ], { encoding: 'utf8' });
    const lines = stdout.split(/[\r\n]+/).filter((l) => /requests per second/.test(l));
    for (const test of ['SET', 'GET', 'LPUSH', 'HSET']) {
      const line = lines.find((l) => l.startsWith(`${test}:`));
      expect(line, `${test} in ${stdout}`).toBeDefined();
      expect(Number(/([\d.]+) requests per second/.exec(line!)![1])).toBeGreaterThan(0);
    }
    const c = t.server.composition();
    expect(c.types.string.keys).toBeGreaterThan(0);
    expect(c.types.list.keys).toBe(1); // redis-benchmark pushes to 'mylist'
    expect(c.types.hash.keys).toBeGreaterThan(0);
    expect(c.types.list.tiers.pmem.allocations + c.types.list.tiers.dram.allocations).toBe(4000);
    expectExact();
    await r.flushall();
    expectEmpty();
  });

  it('never moves a value block behind its handle (the composition caches each value\'s tier)', () => {
    expect(moves).not.toHaveBeenCalled(); // through all the workloads above
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
    for (const f of files(fileURLToPath(new URL('../src/store', import.meta.url)))) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/\.move\(/);
    }
  });

  it('overwrites in place while a controller moves the threshold around the value size', async () => {
    // A second store on the same allocator, with a controller: the threshold is moved by hand.
    const controller: TieringController = {
      params: { targetShare: 0.2, minThreshold: 0, maxThreshold: 1 << 30 },
      status: 'converging', set() {}, pause() {}, resume() {},
    };
    const s2 = await startStoreServer({ allocator: t.alloc, port: 0, controller });
    const r2 = new Redis({ port: s2.address.port });
    const v = (c: string): string => c.repeat(256);
    const tier = (h: number): string => t.alloc.tierOf(h);
    try {
      t.alloc.threshold = 257;
      await r2.set('k', v('a'));
      const [h] = s2.valueHandles();
      expect(tier(h!)).toBe('dram');
      for (const th of [256, 200, 300, 129, 4096]) { // flips across 256 B: no re-allocation
        t.alloc.threshold = th;
        await r2.set('k', v('b'));
        expect(s2.valueHandles()).toEqual([h]);
      }
      expect(await r2.get('k')).toBe(v('b'));
      t.alloc.threshold = 128; // decisively below: the overwrite goes to PMem
      await r2.set('k', v('c'));
      const [h2] = s2.valueHandles();
      expect(h2).not.toBe(h);
      expect(tier(h2!)).toBe('pmem');
      t.alloc.threshold = 512; // a PMem block stays while len >= threshold / 2
      await r2.set('k', v('d'));
      expect(s2.valueHandles()).toEqual([h2]);
      t.alloc.threshold = 513;
      await r2.set('k', v('e'));
      const [h3] = s2.valueHandles();
      expect(tier(h3!)).toBe('dram');
      // A static threshold (CONFIG SET pmem-threshold pauses the controller) routes exactly.
      expect(await r2.config('SET', 'pmem-threshold', '256')).toBe('OK');
      await r2.set('k', v('f'));
      const [h4] = s2.valueHandles();
      expect(tier(h4!)).toBe('pmem');
      expect(await r2.get('k')).toBe(v('f'));
      const c = s2.composition().types.string.tiers;
      expect(c).toEqual({ dram: { allocations: 0, bytes: 0 }, pmem: { allocations: 1, bytes: t.alloc.zmallocSize(h4!) } });
    } finally {
      r2.disconnect();
      await s2.close();
      t.alloc.threshold = 256;
    }
    expectEmpty();
  });
});
