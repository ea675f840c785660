// The blocking sorted-set pops (BZPOPMIN BZPOPMAX BZMPOP) with real clients against
// redis-server 7.0.15 and the store: each scenario runs the same script against both and the
// transcripts must be equal. FIFO per key, served after the command or EXEC that made the key
// ready, pipelines held while blocked, inside MULTI answered at once, timeouts, CLIENT UNBLOCK,
// blocked_clients, and a key of another type not serving.
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { sameTranscripts, settle, sleep, type Scenario } from './transcripts.js';

/** Four clients on one port (three waiters and a writer), closed together. */
async function withClients<T>(port: number, body: (a: Redis, b: Redis, c: Redis, p: Redis) => Promise<T>): Promise<T> {
  const open = (): Redis => new Redis({ port, maxRetriesPerRequest: 0, disableClientInfo: true });
  const cs = [open(), open(), open(), open()] as const;
  try {
    return await body(...cs);
  } finally {
    for (const c of cs) c.disconnect();
  }
}

async function blockedClients(r: Redis): Promise<string> {
  const line = (await r.info('clients')).split('\r\n').find((l) => l.startsWith('blocked_clients:'));
  return line ?? '';
}

const fifo: Scenario = (port) =>
  withClients(port, async (a, b, c, p) => {
    await p.flushall();
    const first = a.bzpopmin('z', 0);
    await sleep(30);
    const second = b.call('BZMPOP', '0', '2', 'other', 'z', 'MAX', 'COUNT', '2');
    await sleep(30);
    const third = c.bzpopmax('z', 0);
    await sleep(30);
    const blocked = await blockedClients(p);
    // One ZADD of four members: each waiter in arrival order takes its share.
    const added = await p.zadd('z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    const left = await p.zrange('z', 0, -1, 'WITHSCORES');
    return [blocked, added, await first, await second, await third, left, await blockedClients(p)];
  });

const servedAfter: Scenario = (port) =>
  withClients(port, async (a, _b, _c, p) => {
    await p.flushall();
    const out: unknown[] = [];
    // The writer's own pipeline sees the set after the waiter was served.
    const w1 = a.bzpopmax('q', 0);
    await sleep(30);
    out.push(await p.pipeline().zadd('q', 7, 'v').zcard('q').exec(), await w1);
    // EXEC that leaves the key empty serves nobody; the next EXEC serves what it leaves.
    const w2 = a.bzpopmin('t', 0);
    await sleep(30);
    out.push(await p.multi().zadd('t', 1, 'one').zrem('t', 'one').exec());
    await sleep(30);
    out.push(await blockedClients(p));
    out.push(await p.multi().zadd('t', 1, 'one', 2, 'two').zrem('t', 'one').zcard('t').exec(), await w2);
    // A pipeline behind a blocked command waits for it.
    const pipe = a.pipeline().call('BZMPOP', '0', '1', 'pq', 'MIN').ping().exec();
    await sleep(30);
    await p.zadd('pq', 1, 'x');
    out.push(await pipe);
    // A list created on the key does not serve a sorted-set waiter (nor the reverse).
    const zw = a.bzpopmin('mixed', 0);
    await sleep(30);
    await p.rpush('mixed', 'e');
    await sleep(30);
    out.push(await blockedClients(p), await p.del('mixed'), await p.zadd('mixed', 4, 'f'), await zw);
    // RENAME into a waited key serves it.
    const rn = a.call('BZMPOP', '0', '1', 'dst', 'MAX', 'COUNT', '9');
    await sleep(30);
    await p.zadd('src', 1, 'r', 2, 's');
    await p.rename('src', 'dst');
    out.push(await rn, await p.exists('dst'));
    return out;
  });

const multiTimeoutUnblock: Scenario = (port) =>
  withClients(port, async (a, _b, _c, p) => {
    await p.flushall();
    const out: unknown[] = [];
    out.push(await a.multi().bzpopmin('none', 0).bzpopmax('none', 0).call('BZMPOP', '0', '1', 'none', 'MIN').exec());
    for (const call of [() => a.bzpopmin('none', 0.2), () => a.call('BZMPOP', '0.2', '1', 'none', 'MAX')]) {
      const t0 = Date.now();
      const r = await call();
      const ms = Date.now() - t0;
      out.push(r, ms >= 150 && ms < 1000);
    }
    const id = String(await a.client('ID'));
    const w1 = a.bzpopmax('u', 0);
    await sleep(30);
    out.push(await p.client('UNBLOCK', id), await w1);
    const w2 = settle(a.call('BZMPOP', '0', '1', 'u', 'MIN'));
    await sleep(30);
    out.push(await p.client('UNBLOCK', id, 'ERROR'), await w2, await p.client('UNBLOCK', id));
    out.push(await settle(a.bzpopmin('k', -1)), await settle(a.call('BZMPOP', 'x', '0', 'k', 'MIN')));
    return out;
  });

describe('blocking sorted-set pops, against redis-server 7.0.15', () => {
  sameTranscripts([
    ['FIFO per key across BZPOPMIN, BZMPOP COUNT and BZPOPMAX', fifo],
    ['served after the command or EXEC that made the key ready; pipelines; types; RENAME', servedAfter],
    ['MULTI answers at once; timeouts; CLIENT UNBLOCK; errors', multiTimeoutUnblock],
  ]);
});
