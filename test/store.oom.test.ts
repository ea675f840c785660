// A full tier under the strict policy: every write command that cannot allocate its values gets
// Redis's OOM error and leaves the keyspace, the composition and the allocator as they were (no
// empty key created, no value of a multi-value command left behind). One small file-backed PMem
// tier (16 MiB), threshold 0 so that every value goes there (keys and metadata stay in DRAM).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, TIERS } from '../src/types.js';
import { tempDir } from './helpers.js';
import { raw, resp, startTestStore, type TestStore } from './store-harness.js';

const MiB = 1 << 20;
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

describe('store on a full tier (strict policy)', () => {
  let t: TestStore;
  let r: Redis;
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    const d = tempDir('tiermem-store-oom-');
    cleanup = d.cleanup;
    t = await startTestStore({ pmem: `file:${d.dir}:16MiB`, threshold: 0, policy: 'strict' });
    r = new Redis({ port: t.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
  });
  afterAll(async () => {
    r?.disconnect();
    await t?.close();
    cleanup?.();
  });

  /** Keys, composition and allocator figures: what a failed command must not change. Left out:
   *  client buffers (the query buffer that held the refused argument is the connection's) and
   *  the allocator's metadata total, which includes the keyspace's own tables: an incremental
   *  rehash may finish in between and free the old table. Per-type metadata is in `types`. */
  async function state(): Promise<string> {
    const s = t.alloc.stats();
    const comp = t.server.composition();
    const keys = (await r.keys('*')).sort();
    const cats = CATEGORIES.filter((c) => c !== 'buffers' && c !== 'metadata');
    return JSON.stringify({
      keys,
      types: comp.types,
      live: TIERS.map((tier) =>
        cats.map((c) => [s.tiers[tier].byCategory[c].liveBytes, s.tiers[tier].byCategory[c].liveCount]),
      ),
    });
  }

  /** The engine's value bytes per tier equal the allocator's data category. */
  function expectExact(): void {
    const comp = t.server.composition();
    const s = t.alloc.stats();
    for (const tier of TIERS) expect(comp.valueBytes[tier]).toBe(s.tiers[tier].byCategory.data.liveBytes);
  }

  it('replies OOM and changes nothing when a value cannot be allocated', async () => {
    await r.hset('h0', 'a', '1');
    await r.rpush('l0', 'x');
    let filled = 0;
    let err: unknown;
    for (; filled < 64; filled++) {
      try {
        await r.set(`fill:${filled}`, Buffer.alloc(MiB, 1));
      } catch (e) {
        err = e;
        break;
      }
    }
    expect((err as Error).message).toBe(OOM);
    expect(filled).toBeGreaterThan(4);
    expect(t.alloc.stats().tiers.dram.byCategory.data.liveBytes).toBe(0); // strict: no value spilled
    const before = await state();
    const big = Buffer.alloc(4 * MiB, 2);

    // A new key whose first (or only) allocation fails is not created.
    await expect(r.hset('newhash', 'f', big)).rejects.toThrow(OOM);
    await expect(r.hmset('newhash', 'f', big)).rejects.toThrow(OOM);
    await expect(r.lpush('newlist', big)).rejects.toThrow(OOM);
    await expect(r.rpush('newlist', big)).rejects.toThrow(OOM);
    await expect(r.set('newstring', big)).rejects.toThrow(OOM);
    expect(await r.exists('newhash', 'newlist', 'newstring')).toBe(0);

    // A later value failing undoes the earlier ones of the same command.
    await expect(r.rpush('newlist', 'small', big)).rejects.toThrow(OOM);
    await expect(r.lpush('l0', 'small', big)).rejects.toThrow(OOM);
    await expect(r.hset('newhash', 'a', 'small', 'b', big)).rejects.toThrow(OOM);
    await expect(r.hset('h0', 'b', 'small', 'c', big)).rejects.toThrow(OOM);
    await expect(r.mset('m1', 'small', 'm2', big)).rejects.toThrow(OOM);
    expect(await r.exists('newhash', 'newlist', 'm1', 'm2')).toBe(0);
    expect(await r.hgetall('h0')).toEqual({ a: '1' });
    expect(await r.lrange('l0', 0, -1)).toEqual(['x']);
    expect(await state()).toBe(before);
    expectExact();

    // On the wire: Redis's error line, and the connection stays usable.
    const wire = await raw(t.port, [resp('HSET', 'newhash', 'f', big), resp('EXISTS', 'newhash')]);
    expect(wire.data).toBe(`-${OOM}\r\n:0\r\n`);
    expect(await state()).toBe(before);

    // Room again: the same commands go through.
    await r.del(...Array.from({ length: filled }, (_, i) => `fill:${i}`));
    expect(await r.hset('newhash', 'f', Buffer.alloc(MiB, 3))).toBe(1);
    expect(await r.rpush('newlist', 'small', Buffer.alloc(MiB, 4))).toBe(2);
    expectExact();
    await r.flushall();
    const s = t.alloc.stats();
    for (const tier of TIERS) {
      expect(s.tiers[tier].byCategory.data.liveBytes).toBe(0);
      expect(s.tiers[tier].byCategory.keys.liveBytes).toBe(0);
    }
  });
});
