// SLOWLOG, LATENCY, TIME and WAIT over the wire, side by side with redis-server 7.0.15: the
// same commands on both, replies compared after masking what must differ (times, durations,
// client ports); the config parameters go through CONFIG SET to the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import type { RespValue } from './diff/resp.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

/** Replace an entry's timestamp, duration and client port, and make ids relative to the first. */
function maskSlowlog(v: RespValue): unknown {
  if (v.kind !== 'array' || v.items === null) return v;
  const firstId = v.items.length ? Number((v.items[v.items.length - 1] as { text: string }).text ?? 0) : 0;
  return v.items.map((e) => {
    if (e.kind !== 'array' || e.items === null) return e;
    const [id, , , args, addr, name] = e.items;
    const text = (x: RespValue | undefined): string =>
      x && x.kind === 'bulk' && x.data ? x.data.toString('latin1') : JSON.stringify(x);
    return {
      id: id && id.kind === 'integer' ? Number(id.text) - firstId : id,
      args: args && args.kind === 'array' ? (args.items ?? []).map(text) : args,
      addr: text(addr).replace(/:\d+$/, ':PORT'),
      name: text(name),
    };
  });
}

describe('SLOWLOG / LATENCY / TIME / WAIT: the store answers as redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  let r: RespClient;
  let s: RespClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    r = await RespClient.connect(redis.port);
    s = await RespClient.connect(store.port);
  });

  afterAll(async () => {
    r?.close();
    s?.close();
    await store?.close();
    await redis?.close();
  });

  const both = async (...args: string[]): Promise<[RespValue, RespValue]> =>
    Promise.all([r.call(...args), s.call(...args)]);

  it('the parameters: defaults, CONFIG SET, range errors', async () => {
    for (const name of ['slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold']) {
      const [a, b] = await both('CONFIG', 'GET', name);
      expect(b).toEqual(a);
    }
    for (const [name, bad] of [
      ['slowlog-log-slower-than', '-2'],
      ['slowlog-max-len', '-1'],
      ['latency-monitor-threshold', '-1'],
    ] as const) {
      const [a, b] = await both('CONFIG', 'SET', name, bad);
      expect(a.kind).toBe('error');
      expect(b).toEqual(a);
    }
  });

  it('SLOWLOG GET after a mixed sequence (MULTI/EXEC, long and many arguments, a name)', async () => {
    const long = 'x'.repeat(300);
    const many = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await both('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await both('SLOWLOG', 'RESET');
    await both('CLIENT', 'SETNAME', 'slow');
    await both('MULTI');
    await both('SET', 'a', long);
    await both('EXEC');
    await both('DEL', ...many);
    await both('GET', 'nokey');
    const [a, b] = await both('SLOWLOG', 'GET', '-1');
    expect(maskSlowlog(b)).toEqual(maskSlowlog(a));
    expect((maskSlowlog(a) as unknown[]).length).toBe(6); // the reference has what the test expects
    expect(await s.call('SLOWLOG', 'LEN')).toEqual(await r.call('SLOWLOG', 'LEN'));
    for (const args of [['GET', 'x'], ['GET', '1', '2'], ['LEN', 'x'], ['NOPE'], ['HELP']]) {
      const [x, y] = await both('SLOWLOG', ...args);
      expect(y).toEqual(x);
    }
    await both('CONFIG', 'SET', 'slowlog-max-len', '2');
    await both('PING');
    const [c, d] = await both('SLOWLOG', 'LEN');
    expect(d).toEqual(c);
    await both('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    await both('CONFIG', 'SET', 'slowlog-max-len', '128');
    await both('CLIENT', 'SETNAME', '');
  });

  it('LATENCY: disabled report, empty series, RESET counts, errors', async () => {
    for (const args of [
      ['LATENCY', 'DOCTOR'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'RESET', 'command', 'foo'],
      ['LATENCY', 'HISTORY'],
    ]) {
      const [a, b] = await both(...args);
      expect(b, args.join(' ')).toEqual(a);
    }
    await both('CONFIG', 'SET', 'latency-monitor-threshold', '100000');
    const [a, b] = await both('LATENCY', 'DOCTOR');
    expect(b).toEqual(a); // enabled, nothing observed
    await both('CONFIG', 'SET', 'latency-monitor-threshold', '0');
  });

  it('TIME is the wall clock as [seconds, microseconds]; WAIT with no replicas is 0', async () => {
    const [a, b] = await both('TIME');
    for (const v of [a, b]) {
      expect(v.kind).toBe('array');
      const items = v.kind === 'array' && v.items ? v.items : [];
      expect(items.map((i) => i.kind)).toEqual(['bulk', 'bulk']);
    }
    const secs = (v: RespValue): number =>
      v.kind === 'array' && v.items?.[0]?.kind === 'bulk' ? Number(v.items[0].data?.toString()) : NaN;
    expect(Math.abs(secs(a) - secs(b))).toBeLessThanOrEqual(1);
    for (const args of [
      ['WAIT', '0', '0'],
      ['WAIT', '0', '-1'],
      ['WAIT', 'x', '0'],
      ['WAIT', '0', 'x'],
      ['TIME', 'x'],
    ]) {
      const [x, y] = await both(...args);
      expect(y, args.join(' ')).toEqual(x);
    }
  });
});
