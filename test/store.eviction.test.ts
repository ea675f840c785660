// maxmemory, maxmemory-policy and the access clock, live, side by side with redis-server 7.0.15:
// the same commands to both and the same behaviour class (the byte counts differ: what
// maxmemory counts is each server's own used memory). What is deterministic is compared
// exactly: error texts, CONFIG validation, OOM under noeviction and under volatile-* with no
// volatile key, evicted_keys, OBJECT FREQ/IDLETIME under each clock.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { startTestStore, type TestStore } from './store-harness.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

async function reply(r: Redis, ...args: (string | number)[]): Promise<unknown> {
  try {
    return await r.call(String(args[0]), ...args.slice(1).map(String));
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

function infoField(text: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();
}

describe('maxmemory and eviction, against redis-server', () => {
  let t: TestStore;
  let ref: RedisServer;
  let ours: Redis;
  let theirs: Redis;
  beforeAll(async () => {
    t = await startTestStore();
    ref = await startRedisServer();
    ours = new Redis({ port: t.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    theirs = new Redis({ port: ref.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await ours.connect();
    await theirs.connect();
  });
  afterAll(async () => {
    ours?.disconnect();
    theirs?.disconnect();
    await t?.close();
    await ref?.close();
  });

  /** The same command to both; returns [ours, theirs]. */
  async function both(...args: (string | number)[]): Promise<[unknown, unknown]> {
    return [await reply(ours, ...args), await reply(theirs, ...args)];
  }
  async function same(...args: (string | number)[]): Promise<unknown> {
    const [a, b] = await both(...args);
    expect(a, args.join(' ')).toEqual(b);
    return a;
  }
  /** Set maxmemory on each server under what it uses now (each counts its own bytes), by more
   *  than the INFO reply and buffers that come and go between two commands. */
  async function squeeze(margin = 32768): Promise<void> {
    const used = Number(infoField(await ours.info('memory'), 'maxmemory_used'));
    await ours.config('SET', 'maxmemory', String(used - margin));
    const ref = Number(infoField(await theirs.info('memory'), 'used_memory'));
    await theirs.config('SET', 'maxmemory', String(ref - margin));
  }
  async function unlimited(): Promise<void> {
    await same('config', 'set', 'maxmemory', '0');
    await same('flushall');
  }

  it('validates the parameters as Redis does', async () => {
    await same('config', 'set', 'maxmemory-policy', 'bogus');
    await same('config', 'set', 'maxmemory-samples', '0');
    await same('config', 'set', 'lfu-log-factor', '-1');
    await same('config', 'set', 'lfu-decay-time', '-1');
    await same('config', 'set', 'maxmemory', 'lots');
    expect(await same('config', 'get', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await same('config', 'set', 'maxmemory-policy', 'ALLKEYS-LFU');
    await same('config', 'get', 'maxmemory-policy');
    await same('config', 'get', 'maxmemory-samples');
    const [a, b] = (await both('config', 'get', 'lfu-*')) as [string[], string[]];
    const pairs = (x: string[]): string[] => x.flatMap((v, i) => (i % 2 ? [] : [`${v}=${x[i + 1]}`])).sort();
    expect(pairs(a)).toEqual(pairs(b));
    await same('config', 'set', 'maxmemory-policy', 'noeviction');
  });

  it('noeviction: write commands get the OOM error, reads and deletes run', async () => {
    for (let i = 0; i < 20; i++) await same('set', `k${i}`, 'x'.repeat(100));
    await squeeze();
    const [a, b] = await both('set', 'new', 'v');
    expect(a).toBe(`ERR:${OOM}`);
    expect(a).toEqual(b);
    await same('rpush', 'l', 'a');
    await same('get', 'k1');
    await same('exists', 'new');
    await same('del', 'k1');
    expect(infoField(await ours.info('stats'), 'evicted_keys')).toBe('0');
    // Inside MULTI everything but EXEC/DISCARD is refused (the queue grows), and EXEC aborts.
    for (const c of [ours, theirs]) {
      const out: unknown[] = [];
      out.push(await reply(c, 'multi'), await reply(c, 'get', 'k2'), await reply(c, 'exec'));
      expect(out, c === ours ? 'ours' : 'theirs').toEqual([
        'OK',
        `ERR:${OOM}`,
        'ERR:EXECABORT Transaction discarded because of previous errors.',
      ]);
    }
    // The refusal is a rejected call, as Redis counts it.
    expect(await ours.info('commandstats')).toMatch(/cmdstat_set:.*rejected_calls=1,/);
    await unlimited();
  });

  it('volatile-* with no key that has a TTL: nothing to evict, OOM as noeviction', async () => {
    for (let i = 0; i < 20; i++) await same('set', `k${i}`, 'x'.repeat(100));
    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      await same('config', 'set', 'maxmemory-policy', policy);
      await squeeze();
      await same('set', 'new', 'v');
      await same('dbsize');
    }
    expect(infoField(await ours.info('stats'), 'evicted_keys')).toBe('0');
    await same('config', 'set', 'maxmemory-policy', 'noeviction');
    await unlimited();
  });

  it('allkeys-lru and volatile-ttl evict until the write fits, counted in evicted_keys', async () => {
    for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
      await same('config', 'set', 'maxmemory-policy', policy);
      for (let i = 0; i < 200; i++) await same('set', `k${i}`, 'x'.repeat(2000));
      await squeeze();
      // A 64 KiB write needs room: both evict and accept it.
      await same('set', 'big', 'y'.repeat(65536));
      const [ev, evRef] = [
        Number(infoField(await ours.info('stats'), 'evicted_keys')),
        Number(infoField(await theirs.info('stats'), 'evicted_keys')),
      ];
      expect(ev).toBeGreaterThan(0);
      expect(evRef).toBeGreaterThan(0);
      const used = Number(infoField(await ours.info('memory'), 'maxmemory_used'));
      expect(used).toBeLessThan(
        Number(await ours.config('GET', 'maxmemory').then((x) => (x as string[])[1])) + 65536 + 8192,
      );
      await same('config', 'resetstat');
      await unlimited();
    }
    // volatile-ttl: keys without a TTL are never chosen.
    await same('config', 'set', 'maxmemory-policy', 'volatile-ttl');
    for (let i = 0; i < 50; i++) await same('set', `p${i}`, 'x'.repeat(2000));
    for (let i = 0; i < 100; i++) await same('set', `t${i}`, 'x'.repeat(2000), 'EX', 1000 + i);
    await squeeze();
    await same('set', 'big', 'y'.repeat(20000));
    for (const r of [ours, theirs]) {
      expect(await r.exists(...Array.from({ length: 50 }, (_, i) => `p${i}`))).toBe(50);
      expect(await r.exists('t99')).toBe(1);
      // The nearer expiries go first (sampled, as Redis: not strictly in order).
      const early = await r.exists(...Array.from({ length: 20 }, (_, i) => `t${i}`));
      const late = await r.exists(...Array.from({ length: 20 }, (_, i) => `t${80 + i}`));
      expect(early).toBeLessThan(late);
    }
    await same('config', 'set', 'maxmemory-policy', 'noeviction');
    await unlimited();
  });

  it('OBJECT FREQ and IDLETIME follow the policy clock', async () => {
    await same('set', 'f', 'v');
    await same('object', 'freq', 'f');
    await same('object', 'idletime', 'f');
    await same('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
    await same('object', 'idletime', 'f');
    await same('set', 'g', 'v');
    await same('object', 'freq', 'g'); // LFU_INIT_VAL
    await same('get', 'g');
    await same('object', 'freq', 'g'); // 5 -> 6 is certain
    await same('object', 'freq', 'missing');
    await same('config', 'set', 'maxmemory-policy', 'noeviction');
    await unlimited();
  });
});
