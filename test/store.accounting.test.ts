// Tier accounting of the store against the allocator. The engine allocates every byte it uses
// (keys, entries, tables, collection nodes, values, client buffers) through the core, and counts
// each block again per owner x category x tier. After mixed workloads (one of them by
// redis-benchmark) the two counts agree exactly, keys and metadata are on DRAM, values follow
// the threshold, and FLUSHALL and expiry give every byte back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, TIERS, type Category, type Tier } from '../src/types.js';
import { rng } from './helpers.js';
import { startTestStore, type TestStore } from './store-harness.js';

const run = promisify(execFile);

type Cells = Record<Tier, Record<Category, { bytes: number; count: number }>>;

describe('store accounting', () => {
  let t: TestStore;
  let r: Redis;
  let baseline: Cells;

  /** The allocator's live bytes and blocks per tier x category. */
  function allocatorCells(): Cells {
    const s = t.alloc.stats();
    const out = {} as Cells;
    for (const tier of TIERS) {
      out[tier] = {} as Cells[Tier];
      for (const c of CATEGORIES) {
        const cell = s.tiers[tier].byCategory[c];
        out[tier][c] = { bytes: cell.liveBytes, count: cell.liveCount };
      }
    }
    return out;
  }

  beforeAll(async () => {
    t = await startTestStore({ threshold: 256 });
    r = new Redis({ port: t.port, lazyConnect: true });
    await r.connect();
    // Per-command latency histograms (store metadata, kept until CONFIG RESETSTAT as in Redis)
    // would stay after FLUSHALL: off here, so the baseline is the keyspace's alone.
    await r.config('SET', 'latency-tracking', 'no');
    await r.config('RESETSTAT');
    baseline = allocatorCells(); // the empty store: its databases array, nothing else
  });
  afterAll(async () => {
    r?.disconnect();
    await t?.close();
  });

  /** The engine's per-owner counts equal the core's per-shard counts, cell by cell. */
  function expectExact(): void {
    const comp = t.server.composition();
    const live = allocatorCells();
    for (const tier of TIERS) {
      for (const c of CATEGORIES) {
        // Only the store allocates from this allocator after start-up.
        expect(comp.byCategory[tier][c].bytes, `${tier}/${c} bytes`).toBe(live[tier][c].bytes);
        expect(comp.byCategory[tier][c].allocations, `${tier}/${c} blocks`).toBe(live[tier][c].count);
      }
      let values = 0;
      for (const tc of Object.values(comp.types)) values += tc.tiers[tier].bytes;
      expect(values).toBe(comp.valueBytes[tier]);
      expect(comp.valueBytes[tier]).toBe(live[tier].data.bytes);
    }
    // Pinned categories never leave DRAM while DRAM has room.
    for (const c of ['keys', 'metadata', 'buffers'] as const) expect(live.pmem[c].bytes).toBe(0);
  }

  /** Back to the empty store: no key, no value, no collection metadata (client buffers aside). */
  function expectEmpty(): void {
    const live = allocatorCells();
    for (const tier of TIERS) {
      for (const c of ['data', 'keys', 'metadata', 'other'] as const) {
        expect(live[tier][c], `${tier}/${c}`).toEqual(baseline[tier][c]);
      }
    }
    const comp = t.server.composition();
    expect(comp.keys).toBe(0);
    expect(comp.valueBytes).toEqual({ dram: 0, pmem: 0 });
    expect(comp.keyBytes).toBe(0);
    for (const tc of Object.values(comp.types)) {
      expect(tc.keys).toBe(0);
      expect(tc.metadataBytes).toBe(0);
      expect(tc.tiers.dram).toEqual({ allocations: 0, bytes: 0 });
      expect(tc.tiers.pmem).toEqual({ allocations: 0, bytes: 0 });
    }
  }

  it('routes values by the threshold, pins keys and metadata to DRAM, counts per type x tier', async () => {
    await r.set('s:small', 'x'.repeat(100));
    await r.set('s:large', 'x'.repeat(1000));
    await r.set('s:int', '12345'); // integer encoding: no value block
    await r.hset('h', 'f1', 'y'.repeat(10), 'f2', 'y'.repeat(300)); // a value > 64 B: hashtable
    await r.rpush('l', 'z'.repeat(100), 'z'.repeat(200)); // one listpack of ~300 B
    await r.sadd('set', 'member1', 'member22'); // Redis 7.0: a hashtable (member nodes in DRAM)
    const c = t.server.composition();
    expect(c.types.string.keys).toBe(3);
    expect(c.types.string.tiers.dram).toEqual({ allocations: 1, bytes: 112 });
    expect(c.types.string.tiers.pmem).toEqual({ allocations: 1, bytes: 1024 });
    // The hashtable keeps its field names in DRAM nodes; the values are routed one by one.
    expect(c.types.hash.tiers.dram.allocations).toBe(1);
    expect(c.types.hash.tiers.pmem.allocations).toBe(1);
    expect(c.types.hash.metadataBytes).toBeGreaterThan(0);
    expect(c.types.list.tiers.pmem.allocations).toBe(1);
    expect(c.types.list.tiers.dram.allocations).toBe(0);
    expect(c.types.set.tiers.pmem.allocations).toBe(0);
    expect(c.types.set.metadataBytes).toBeGreaterThan(0);
    expect(c.keys).toBe(6);
    expect(await r.object('ENCODING', 's:int')).toBe('int');
    expect(await r.object('ENCODING', 'h')).toBe('hashtable');
    expect(await r.object('ENCODING', 'l')).toBe('quicklist');
    expect(await r.object('ENCODING', 'set')).toBe('hashtable');
    // MEMORY USAGE is exact: the entry block plus the value's bytes.
    expect(await r.memory('USAGE', 's:large')).toBe(1024 + 48);
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
          case 0:
            p.set(`s${k}`, val(size()));
            break;
          case 1:
            p.append(`s${k}`, val(size()));
            break;
          case 2:
            p.setrange(`s${k}`, Math.floor(rand() * 600), val(size() % 300));
            break;
          case 3:
            p.incrby(`n${k}`, Math.floor(rand() * 1e6));
            break;
          case 4:
            p.hset(`h${k}`, `f${Math.floor(rand() * 20)}`, val(size()));
            break;
          case 5:
            p.hdel(`h${k}`, `f${Math.floor(rand() * 20)}`);
            break;
          case 6:
            p.hincrby(`h${k}`, 'counter', 7);
            break;
          case 7:
            p.lpush(`l${k}`, val(size()), val(size()));
            break;
          case 8:
            p.rpop(`l${k}`);
            break;
          case 9:
            p.lpop(`l${k}`, 2);
            break;
          case 10:
            p.sadd(`z${k}`, `m${Math.floor(rand() * 50)}`);
            break;
          case 11:
            p.srem(`z${k}`, `m${Math.floor(rand() * 50)}`);
            break;
          case 12:
            p.del(`s${k}`, `h${k}`);
            break;
          case 13:
            p.rename(`l${k}`, `l${(k + 1) % 60}`);
            break;
          case 14:
            p.getset(`s${k}`, val(size()));
            break;
          default:
            p.set(`h${k}`, val(size()));
            break; // overwrite whatever type is there
        }
      }
      await p.exec();
      expectExact();
    }
    expect(t.server.composition().keys).toBeGreaterThan(50);
    expect(t.server.composition().keys).toBe(await r.dbsize());
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
    const { stdout } = await run(
      'redis-benchmark',
      ['-p', String(t.port), '-t', 'set,get,lpush,hset', '-n', '4000', '-r', '1000', '-c', '20', '-d', '256', '-q'],
      { encoding: 'utf8' },
    );
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
    expect(await r.llen('mylist')).toBe(4000);
    expect(await r.object('ENCODING', 'mylist')).toBe('quicklist');
    expectExact();
    await r.flushall();
    expectEmpty();
  });

  it('overwrites follow the threshold: a value re-routes when the threshold moves past it', async () => {
    const v = (ch: string): string => ch.repeat(256);
    const tiers = (): { dram: number; pmem: number } => {
      const s = t.server.composition().types.string.tiers;
      return { dram: s.dram.allocations, pmem: s.pmem.allocations };
    };
    try {
      t.alloc.threshold = 257;
      await r.set('k', v('a'));
      expect(tiers()).toEqual({ dram: 1, pmem: 0 });
      t.alloc.threshold = 128;
      await r.set('k', v('b'));
      expect(tiers()).toEqual({ dram: 0, pmem: 1 });
      expect(await r.get('k')).toBe(v('b'));
      t.alloc.threshold = 4096;
      await r.append('k', 'c'); // a resize re-routes too
      expect(tiers()).toEqual({ dram: 1, pmem: 0 });
      expect(await r.get('k')).toBe(`${v('b')}c`);
      expectExact();
    } finally {
      t.alloc.threshold = 256;
    }
    await r.flushall();
    expectEmpty();
  });
});
