// Transactions with a real client: the same ioredis scripts (MULTI/EXEC chains, pipelines,
// optimistic locking with WATCH, queue-time and runtime errors, WATCH invalidation by another
// connection, by expiry, FLUSHALL and SWAPDB) run against redis-server 7.0.15 and the store;
// every result must be the same.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { startTestStore, type TestStore } from './store-harness.js';

type Outcome = unknown;
/** A script gets two connections to one server and returns what it observed. */
type Script = (a: Redis, b: Redis) => Promise<Outcome>;

/** Errors as plain text, so that both servers' results compare with toEqual. */
const settle = async <T>(p: Promise<T>): Promise<T | string> => {
  try {
    return await p;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
};
const flat = (r: [Error | null, unknown][] | null): unknown =>
  r === null ? null : r.map(([err, v]) => (err ? `error: ${err.message}` : v));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const SCRIPTS: Record<string, Script> = {
  'multi chain': async (a) =>
    flat(await a.multi().set('k', '1').incr('k').get('k').lpush('l', 'x', 'y').lrange('l', 0, -1).exec()),
  'runtime error does not roll back': async (a) => [
    flat(await a.multi().set('k', 'v').incr('k').set('k2', 'v2').exec()),
    await a.mget('k', 'k2'),
  ],
  'queue-time error aborts': async (a) => {
    const tx = a.multi().set('k', '1').call('nosuchcommand', 'x').set('k2', '2');
    return [await settle(tx.exec()), await a.exists('k', 'k2')];
  },
  'pipeline with multi inside': async (a) =>
    flat(await a.pipeline().set('p', '1').call('MULTI').incr('p').incr('p').call('EXEC').get('p').exec()),
  'watch: untouched key commits': async (a) => {
    await a.set('w', '1');
    await a.watch('w');
    return flat(await a.multi().set('w', '2').exec());
  },
  'watch: touched by another connection aborts': async (a, b) => {
    await a.set('w', '1');
    await a.watch('w');
    await b.set('w', '3');
    return [flat(await a.multi().set('w', '2').exec()), await a.get('w')];
  },
  'watch: optimistic increment loop': async (a, b) => {
    await a.set('counter', '10');
    let attempts = 0;
    for (;;) {
      attempts++;
      await a.watch('counter');
      const v = Number(await a.get('counter'));
      if (attempts === 1) await b.incr('counter'); // a concurrent writer, once
      const r = await a
        .multi()
        .set('counter', String(v + 1))
        .exec();
      if (r !== null) break;
    }
    return [attempts, await a.get('counter')];
  },
  'watch: live key expires before EXEC': async (a) => {
    await a.set('e', '1', 'PX', 50);
    await a.watch('e');
    await sleep(120);
    return flat(await a.multi().ping().exec());
  },
  'watch: key already expired when watched, then read': async (a, b) => {
    await a.set('e', '1', 'PX', 1);
    await sleep(20);
    await a.watch('e');
    await b.get('e');
    return flat(await a.multi().ping().exec());
  },
  'watch: flushall of a missing key does not abort': async (a, b) => {
    await a.watch('nokey');
    await b.flushall();
    return flat(await a.multi().ping().exec());
  },
  'watch: flushall of an existing key aborts': async (a, b) => {
    await a.set('w', '1');
    await a.watch('w');
    await b.flushall();
    return flat(await a.multi().ping().exec());
  },
  'watch: swapdb brings the key in': async (a, b) => {
    await b.select(1);
    await b.set('w', '1');
    await a.watch('w');
    await b.swapdb(0, 1);
    await b.select(0);
    return flat(await a.multi().ping().exec());
  },
  'watch: unwatch forgets': async (a, b) => {
    await a.watch('w');
    await b.set('w', '9');
    await a.unwatch();
    return flat(await a.multi().get('w').exec());
  },
  'nesting and misuse errors': async (a) => [
    await settle(a.exec()),
    await settle(a.discard()),
    await a.multi({ pipeline: false }),
    await settle(a.multi({ pipeline: false })),
    await settle(a.watch('x')),
    await a.set('q', '1'),
    await a.exec(),
  ],
  'discard drops the queue': async (a) => {
    await a.multi({ pipeline: false });
    await a.set('d', '1');
    return [await a.discard(), await a.exists('d')];
  },
};

describe('transactions with ioredis: the store answers as redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
  });

  afterAll(async () => {
    await store?.close();
    await redis?.close();
  });

  const run = async (port: number, script: Script): Promise<Outcome> => {
    const a = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    const b = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await a.connect();
    await b.connect();
    try {
      await a.flushall();
      return await script(a, b);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  };

  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(name, async () => {
      const expected = await run(redis.port, script);
      const got = await run(store.port, script);
      expect(got).toEqual(expected);
    });
  }

  it('the reference results are what Redis documents (the scripts can fail)', async () => {
    expect(await run(redis.port, SCRIPTS['watch: touched by another connection aborts']!)).toEqual([null, '3']);
    expect(await run(redis.port, SCRIPTS['runtime error does not roll back']!)).toEqual([
      ['OK', 'error: ERR value is not an integer or out of range', 'OK'],
      ['v', 'v2'],
    ]);
  });
});
