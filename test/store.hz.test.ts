// hz and dynamic-hz, side by side with redis-server 7.0.15: CONFIG SET's checks and clamp, INFO's
// hz/configured_hz, the active expiry's cadence (keys that expire 100 ms apart go one by one at
// hz 50, in about one batch a second at hz 1), and dynamic-hz doubling the rate with many clients.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';

let store: TestStore;
let redis: RedisServer;
const ports = (): [string, number][] => [
  ['redis', redis.port],
  ['store', store.port],
];

beforeAll(async () => {
  [store, redis] = await Promise.all([startTestStore(), startRedisServer()]);
});
afterAll(async () => {
  await Promise.all([store?.close(), redis?.close()]);
});

const show = (r: RespValue): string =>
  r.kind === 'bulk'
    ? (r.data?.toString() ?? '(nil)')
    : r.kind === 'array'
      ? `[${(r.items ?? []).map(show).join(',')}]`
      : `${r.kind}:${r.text}`;

async function infoHz(c: RespClient): Promise<string> {
  const r = await c.call('INFO', 'server');
  return show(r)
    .split('\r\n')
    .filter((l) => /^(configured_)?hz:/.test(l))
    .join(' ');
}

describe('hz', () => {
  it('CONFIG SET hz checks, clamps to 1..500 and shows in INFO as redis-server', async () => {
    const values = ['0', '-1', '501', '100000', '2147483647', '2147483648', '7', ' 5', '5x', '', '010', '10'];
    const seen: Record<string, string[]> = {};
    for (const [name, port] of ports()) {
      const c = await RespClient.connect(port);
      const out: string[] = [];
      for (const v of values) {
        out.push(`${v}: ${show(await c.call('CONFIG', 'SET', 'hz', v))} ${show(await c.call('CONFIG', 'GET', 'hz'))}`);
        out.push(await infoHz(c));
      }
      out.push(show(await c.call('CONFIG', 'SET', 'dynamic-hz', 'maybe')));
      out.push(show(await c.call('CONFIG', 'GET', 'dynamic-hz')));
      c.close();
      seen[name] = out;
    }
    expect(seen.store).toEqual(seen.redis);
    expect(seen.redis).toContain('0: simple:OK [hz,1]');
    expect(seen.redis).toContain('100000: simple:OK [hz,500]');
  });

  // Poll DBSIZE (which touches no key) for 2.3 s after 20 keys set to expire 100 ms apart.
  async function removalEvents(port: number, hz: string): Promise<{ events: number; left: number }> {
    const c = await RespClient.connect(port);
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'hz', hz);
    // Let a period at the previous rate end, so the new one applies from the start.
    await new Promise((r) => setTimeout(r, 150));
    for (let i = 1; i <= 20; i++) await c.call('SET', `k${i}`, 'v', 'PX', String(100 * i));
    let left = 20;
    let events = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 2300) {
      const n = Number(show(await c.call('DBSIZE')).slice('integer:'.length));
      if (n < left) {
        events++;
        left = n;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await c.call('CONFIG', 'SET', 'hz', '10');
    c.close();
    return { events, left };
  }

  it('drives the active expiry cadence: one batch a second at hz 1, key by key at hz 50', async () => {
    const [r1, s1] = await Promise.all([removalEvents(redis.port, '1'), removalEvents(store.port, '1')]);
    const [r50, s50] = await Promise.all([removalEvents(redis.port, '50'), removalEvents(store.port, '50')]);
    for (const r of [r1, s1]) {
      expect(r.events).toBeGreaterThanOrEqual(1);
      expect(r.events).toBeLessThanOrEqual(3);
    }
    for (const r of [r50, s50]) {
      expect(r.events).toBeGreaterThanOrEqual(15);
      expect(r.left).toBe(0);
    }
  }, 15_000);

  it('dynamic-hz doubles the rate while there are more than 200 clients per tick', async () => {
    const seen: Record<string, string[]> = {};
    for (const [name, port] of ports()) {
      const c = await RespClient.connect(port);
      await c.call('CONFIG', 'SET', 'hz', '1');
      const socks = await Promise.all(
        Array.from(
          { length: 450 },
          () =>
            new Promise<net.Socket>((resolve, reject) => {
              const s = net.connect(port, '127.0.0.1', () => resolve(s));
              s.once('error', reject);
            }),
        ),
      );
      const out: string[] = [];
      // Two cron periods at hz 1 at most before the new rate shows.
      const until = async (want: string): Promise<string> => {
        const deadline = Date.now() + 3000;
        let got = await infoHz(c);
        while (got !== want && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          got = await infoHz(c);
        }
        return got;
      };
      out.push(await until('hz:4 configured_hz:1'));
      await c.call('CONFIG', 'SET', 'dynamic-hz', 'no');
      out.push(await until('hz:1 configured_hz:1'));
      await c.call('CONFIG', 'SET', 'dynamic-hz', 'yes');
      for (const s of socks) s.destroy();
      out.push(await until('hz:1 configured_hz:1'));
      await c.call('CONFIG', 'SET', 'hz', '10');
      c.close();
      seen[name] = out;
    }
    expect(seen.redis).toEqual(['hz:4 configured_hz:1', 'hz:1 configured_hz:1', 'hz:1 configured_hz:1']);
    expect(seen.store).toEqual(seen.redis);
  }, 20_000);
});
