// CONFIG SET of several parameters is all or nothing, as in Redis 7.0: every value is checked
// before any is applied, and an apply that fails puts back the ones already applied. The replies
// to the parameters both servers have are compared with redis-server 7.0.15's, byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReply } from './diff/format.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

describe('CONFIG SET: all or nothing, with Redis 7.0.15 replies', () => {
  let redis: RedisServer;
  let store: TestStore;
  let rc: RespClient;
  let sc: RespClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    rc = await RespClient.connect(redis.port);
    sc = await RespClient.connect(store.port);
  });

  afterAll(async () => {
    rc?.close();
    sc?.close();
    await store?.close();
    await redis?.close();
  });

  it('the same replies as redis-server for the data-plane parameters, and the same values after', async () => {
    const cases: string[][] = [
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '64', 'set-max-intset-entries', '100'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '32', 'set-max-intset-entries', 'abc'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '1', 'ZSET-MAX-LISTPACK-VALUE', '2'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-6'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-3', 'bogus', '1'],
      ['CONFIG', 'SET', 'bogus', '1', 'list-max-listpack-size', 'x'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-3', 'databases', '1'],
      ['CONFIG', 'SET', 'DATABASES', '1'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1k'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '2mb', 'client-query-buffer-limit', '2gb'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '1', 'set-max-intset-entries'],
      ['CONFIG', 'GET', 'hash-max-listpack-entries'],
      ['CONFIG', 'GET', 'set-max-intset-entries'],
      ['CONFIG', 'GET', 'list-max-listpack-size'],
      ['CONFIG', 'GET', 'zset-max-listpack-value'],
      ['CONFIG', 'GET', 'proto-max-bulk-len'],
      ['CONFIG', 'GET', 'client-query-buffer-limit'],
    ];
    for (const c of cases) {
      const want = formatReply(await rc.call(...c));
      const got = formatReply(await sc.call(...c));
      expect(got, c.join(' ')).toBe(want);
    }
  });

  it('a value refused by its check leaves every other parameter of the call unset', async () => {
    const before = store.alloc.threshold;
    const r = await sc.call('CONFIG', 'SET', 'pmem-threshold', '1000', 'hash-max-listpack-entries', 'abc');
    expect(formatReply(r)).toMatch(/possibly related to argument 'hash-max-listpack-entries'/);
    expect(store.alloc.threshold).toBe(before);
  });

  it('an apply that fails puts back what the call had applied before it', async () => {
    const threshold = store.alloc.threshold;
    const policy = store.alloc.policy;
    // No controller is attached: the ratio can only fail when applied, after the other two.
    const r = await sc.call(
      'CONFIG',
      'SET',
      'pmem-threshold',
      '1000',
      'tier-policy',
      'strict',
      'dram-pmem-ratio',
      '1:4',
    );
    expect(formatReply(r)).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'dram-pmem-ratio') - no ratio controller is attached to this store",
    );
    expect(store.alloc.threshold).toBe(threshold);
    expect(store.alloc.policy).toBe(policy);
    expect(formatReply(await sc.call('CONFIG', 'SET', 'pmem-threshold', '1000', 'tier-policy', 'strict'))).toBe('+OK');
    expect(store.alloc.threshold).toBe(1000);
    expect(store.alloc.policy).toBe('strict');
  });

  it('CONFIG REWRITE without a config file is refused as Redis refuses it', async () => {
    const c = ['CONFIG', 'REWRITE'];
    expect(formatReply(await sc.call(...c))).toBe(formatReply(await rc.call(...c)));
  });
});
