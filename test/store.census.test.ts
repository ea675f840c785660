// The store's page census (native/store/census.c): the kernel's word (move_pages) on every block
// the engine holds, per accounted tier x category. On this machine every page is on node 0 (one
// NUMA node; the PMem tier is emulated), so the census must find each block resident and wholly
// there, and count exactly the blocks the allocator counts live. The KMEM-DAX guest test uses the
// same call where the tiers are really two nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/allocator.js';
import type { NativeStore } from '../src/native.js';
import { CATEGORIES, TIERS } from '../src/types.js';
import { open, rng, type TestAllocator } from './helpers.js';
import { resp } from './store-harness.js';

const NODES = 8;
const FIELDS = 3 + NODES;

describe('store page census', () => {
  let alloc: TestAllocator;
  let engine: NativeStore;
  let slot: number;
  const out = Buffer.alloc(1 << 20);

  function run(...commands: Buffer[]): string {
    const input = Buffer.concat(commands);
    const n = engine.feed(slot, input, input.length, out, 0);
    expect(engine.status[0], 'replies left in the engine').toBe(0);
    return out.toString('latin1', 0, n);
  }

  beforeAll(() => {
    alloc = open({ threshold: 512 });
    engine = openStore(alloc, { databases: 16 });
    slot = engine.clientOpen('127.0.0.1:1', '127.0.0.1:6379', -1);
    const r = rng(11);
    const batch: Buffer[] = [];
    for (let i = 0; i < 4000; i++) {
      const v = Buffer.alloc(16 + Math.floor(r() * 4000), 97 + (i % 26));
      batch.push(resp('SET', `str:${i}`, v));
      if (i % 4 === 0) batch.push(resp('HSET', `hash:${i % 97}`, `f${i}`, v.subarray(0, 100)));
      if (i % 4 === 1) batch.push(resp('RPUSH', `list:${i % 13}`, v));
      if (i % 4 === 2) batch.push(resp('SADD', `set:${i % 7}`, `m${i}`, String(i)));
      if (i % 50 === 3) batch.push(resp('PEXPIRE', `str:${i}`, '600000'));
      if (batch.length >= 256) run(...batch.splice(0));
    }
    run(...batch);
  });
  afterAll(() => {
    engine?.close();
    alloc?.close();
  });

  it('finds every live block of the store, per tier x category, resident on the one node', () => {
    const census = engine.pageCensus();
    const stats = alloc.stats();
    expect(census.pageSize).toBeGreaterThan(0);
    // Only untouched tails of buffers may be absent (a query buffer's unread room).
    expect(census.absentPages).toBeLessThan(64);
    expect(census.nodePages[0]! + census.absentPages).toBe(census.pages);
    let blocks = 0;
    TIERS.forEach((tier, t) => {
      CATEGORIES.forEach((cat, c) => {
        const row = (t * CATEGORIES.length + c) * FIELDS;
        const cellBlocks = census.cells[row]!;
        blocks += cellBlocks;
        // The store is this allocator's only user: the census sees what the core counts live.
        expect(cellBlocks, `${tier}/${cat} blocks`).toBe(stats.tiers[tier].byCategory[cat].liveCount);
        expect(census.cells[row + 1], `${tier}/${cat} split`).toBe(0);
        expect(census.cells[row + 3]! + census.cells[row + 2]!, `${tier}/${cat} on node 0`).toBe(cellBlocks);
        if (cat !== 'buffers') expect(census.cells[row + 2], `${tier}/${cat} never touched`).toBe(0);
      });
    });
    expect(blocks).toBe(census.blocks);
    // Values exist on both tiers (threshold 512 B), keys and metadata on DRAM only.
    const cell = (tier: number, cat: string): number =>
      census.cells[(tier * CATEGORIES.length + CATEGORIES.indexOf(cat as (typeof CATEGORIES)[number])) * FIELDS]!;
    expect(cell(0, 'data')).toBeGreaterThan(0);
    expect(cell(1, 'data')).toBeGreaterThan(0);
    expect(cell(0, 'keys')).toBeGreaterThan(4000);
    expect(cell(1, 'keys')).toBe(0);
    expect(cell(1, 'metadata')).toBe(0);
  });

  it('follows the keyspace: after FLUSHALL only the empty store is left', () => {
    expect(run(resp('FLUSHALL', 'SYNC'))).toBe('+OK\r\n');
    const census = engine.pageCensus();
    const stats = alloc.stats();
    const live = stats.tiers.dram.liveCount + stats.tiers.pmem.liveCount;
    expect(census.blocks).toBe(live);
    expect(census.blocks).toBeLessThan(50);
  });
});
