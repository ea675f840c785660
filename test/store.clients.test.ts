// Clients acting on other clients, with real clients against redis-server 7.0.15 and the store:
// each scenario runs the same script against both and the transcripts must be equal. Blocking
// pops (FIFO, timeouts, BLMOVE chains, CLIENT UNBLOCK, pipelines held while blocked), pub/sub
// through ioredis and redis-cli, MONITOR through redis-cli, CLIENT REPLY / KILL / PAUSE, and
// client-output-buffer-limit on a subscriber that does not read. Store-only checks: a client that
// disconnects mid-wait leaves nothing behind.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sameTranscripts, settle, sleep, type Scenario } from './transcripts.js';

/** Several ioredis clients on one port, closed together. */
class Clients {
  private readonly all: Redis[] = [];
  constructor(readonly port: number) {}
  open(): Redis {
    // No CLIENT SETINFO on connect (Redis 7.0 has none; MONITOR transcripts stay comparable).
    const r = new Redis({ port: this.port, maxRetriesPerRequest: 0, disableClientInfo: true });
    this.all.push(r);
    return r;
  }
  close(): void {
    for (const r of this.all) r.disconnect();
  }
}

async function infoField(r: Redis, section: string, field: string): Promise<string> {
  const info = await r.info(section);
  const line = info.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1) ?? '';
}

const blockingFifo: Scenario = async (port) => {
  const cs = new Clients(port);
  try {
    const [a, b, p] = [cs.open(), cs.open(), cs.open()];
    await p.flushall();
    const first = a.blpop('q', 0);
    await sleep(30);
    const second = b.blpop('other', 'q', 0);
    await sleep(30);
    const blocked = await infoField(p, 'clients', 'blocked_clients');
    const pushed = await p.rpush('q', 'x', 'y', 'z');
    const left = await p.lrange('q', 0, -1);
    return [blocked, pushed, await first, await second, left, await infoField(p, 'clients', 'blocked_clients')];
  } finally {
    cs.close();
  }
};

const blockingForms: Scenario = async (port) => {
  const cs = new Clients(port);
  try {
    const [a, b, p] = [cs.open(), cs.open(), cs.open()];
    await p.flushall();
    const out: unknown[] = [];
    // Data present: answered at once.
    await p.rpush('l', '1', '2', '3');
    out.push(await a.blpop('nol', 'l', 0), await a.brpop('l', 0), await a.brpoplpush('l', 'm', 0));
    out.push(await a.call('BLMPOP', '0', '2', 'nol', 'm', 'RIGHT', 'COUNT', '5'));
    // A BLMOVE chain: one push travels through two waiting clients.
    const m1 = a.blmove('l1', 'l2', 'RIGHT', 'LEFT', 0);
    await sleep(30);
    const m2 = b.blmove('l2', 'l3', 'LEFT', 'RIGHT', 0);
    await sleep(30);
    await p.rpush('l1', 'foo');
    out.push(await m1, await m2, await p.lrange('l3', 0, -1), await p.exists('l1', 'l2'));
    // BLMPOP served with COUNT, RENAME into a waited key.
    const mp = a.call('BLMPOP', '0', '2', 'm1', 'm2', 'LEFT', 'COUNT', '2');
    await sleep(30);
    await p.rpush('m2', 'a', 'b', 'c');
    out.push(await mp);
    const rn = b.blpop('dst', 0);
    await sleep(30);
    await p.rpush('src', 'r');
    await p.rename('src', 'dst');
    out.push(await rn);
    // Timeouts: the null reply after about the timeout.
    for (const call of [() => a.blpop('none', 0.2), () => a.brpoplpush('none', 'x', 0.2)]) {
      const t0 = Date.now();
      const r = await call();
      const ms = Date.now() - t0;
      out.push(r, ms >= 150 && ms < 1000);
    }
    // Errors.
    out.push(await settle(a.blpop('k', -1)), await settle(a.call('BLPOP', 'k', 'x')));
    await p.set('s', 'v');
    out.push(await settle(a.blpop('s', 0)));
    // A pipeline behind a blocked command waits for it.
    const pipe = a.pipeline().blpop('pq', 0).ping().exec();
    await sleep(30);
    await p.lpush('pq', 'v');
    out.push(await pipe);
    // MULTI: the blocking pops answer at once.
    out.push(
      await a.multi().blpop('none', 0).brpoplpush('none', 'x', 0).call('BLMPOP', '0', '1', 'none', 'LEFT').exec(),
    );
    return out;
  } finally {
    cs.close();
  }
};

const unblock: Scenario = async (port) => {
  const cs = new Clients(port);
  try {
    const [a, p] = [cs.open(), cs.open()];
    const id = String(await a.client('ID'));
    const w1 = a.blpop('u', 0);
    await sleep(30);
    const r1 = await p.client('UNBLOCK', id);
    const v1 = await w1;
    const w2 = settle(a.blpop('u', 0));
    await sleep(30);
    const r2 = await p.client('UNBLOCK', id, 'ERROR');
    const v2 = await w2;
    return [r1, v1, r2, v2, await p.client('UNBLOCK', id), await settle(p.call('CLIENT', 'UNBLOCK', id, 'x'))];
  } finally {
    cs.close();
  }
};

const pubsub: Scenario = async (port) => {
  const cs = new Clients(port);
  try {
    const [s1, s2, p] = [cs.open(), cs.open(), cs.open()];
    const got: unknown[] = [];
    s1.on('message', (ch: string, msg: string) => got.push(['s1', ch, msg]));
    s1.on('pmessage', (pat: string, ch: string, msg: string) => got.push(['s1p', pat, ch, msg]));
    s2.on('message', (ch: string, msg: string) => got.push(['s2', ch, msg]));
    const out: unknown[] = [await s1.subscribe('a', 'b'), await s1.psubscribe('n*'), await s2.subscribe('a')];
    out.push(await p.publish('a', 'one'), await p.publish('news', 'two'), await p.publish('zz', 'three'));
    out.push(await p.call('PUBSUB', 'NUMSUB', 'a', 'b', 'zz'), await p.call('PUBSUB', 'NUMPAT'));
    out.push(((await p.call('PUBSUB', 'CHANNELS')) as string[]).sort());
    out.push(await settle(s1.get('k')));
    out.push(await s1.unsubscribe('a'), await p.publish('a', 'four'));
    // Four deliveries are due (s1 and s2 'one', s1's pattern 'two', s2 'four'); a loaded machine
    // may take a while, and anything extra would still show after a short grace.
    for (let i = 0; i < 200 && got.length < 4; i++) await sleep(10);
    await sleep(50);
    out.push(got);
    out.push(await settle(p.call('PUBSUB', 'NUMSUB')), await settle(p.call('PUBSUB', 'FOO')));
    return out;
  } finally {
    cs.close();
  }
};

/** Run redis-cli with args, send commands on another connection meanwhile, return its stdout. */
async function cliWhile(port: number, args: string[], during: (r: Redis) => Promise<void>): Promise<string> {
  const child = spawn('redis-cli', ['-p', String(port), ...args]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  await sleep(200);
  const r = new Redis({ port, disableClientInfo: true });
  try {
    await during(r);
    await sleep(150);
  } finally {
    r.disconnect();
    child.kill('SIGTERM');
  }
  return out;
}

const cliMonitorAndSubscribe: Scenario = async (port) => {
  const monitor = await cliWhile(port, ['monitor'], async (r) => {
    await r.select(2);
    await r.set('a b', 'x"y\\z\x01\n');
    await r.call('HELLO', '2', 'AUTH', 'default', 'pw');
    await r.config('GET', 'maxmemory');
    await r.blpop('none', 0.01);
    await r.multi().set('in', 'tx').get('in').exec();
    await r.publish('c', 'm');
  });
  // Timestamps and client ports differ between the servers: keep the rest of each line.
  const lines = monitor.split('\n').map((l) => l.replace(/^\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '[$1 addr]'));
  const sub = await cliWhile(port, ['subscribe', 'ch1', 'ch2'], async (r) => {
    await r.publish('ch1', 'hello');
    await r.publish('ch2', 'world');
  });
  const psub = await cliWhile(port, ['psubscribe', 'c*'], async (r) => {
    await r.publish('chx', 'hi');
  });
  return [lines, sub, psub];
};

const clientCommands: Scenario = async (port) => {
  const cs = new Clients(port);
  try {
    const [a, p] = [cs.open(), cs.open()];
    const out: unknown[] = [];
    // CLIENT REPLY over a raw socket (ioredis would wait for the missing replies).
    out.push(
      await rawExchange(port, [
        'CLIENT REPLY OFF',
        'SET k v',
        'GET k',
        'CLIENT REPLY ON',
        'CLIENT REPLY SKIP',
        'PING skipped',
        'PING shown',
        'CLIENT REPLY foo',
      ]),
    );
    // CLIENT PAUSE WRITE: reads go on, writes wait for the end.
    await p.client('PAUSE', 300, 'WRITE');
    const t0 = Date.now();
    const read = await a.get('k');
    const readMs = Date.now() - t0;
    await a.set('k2', 'v2');
    const writeMs = Date.now() - t0;
    out.push(read, readMs < 200, writeMs >= 250);
    await p.client('PAUSE', 10000, 'WRITE');
    const held = a.set('k3', 'v3');
    await sleep(50);
    out.push(await p.get('k3'), await p.client('UNPAUSE'), await held, await p.get('k3'));
    // CLIENT KILL by type: the subscriber goes, the normal clients stay.
    const s = cs.open();
    s.options.autoResubscribe = false;
    s.options.retryStrategy = () => null;
    await s.subscribe('kc');
    out.push(await p.client('KILL', 'TYPE', 'pubsub'), await p.publish('kc', 'm'));
    out.push(await settle(p.client('KILL', 'ID', '0')), await settle(p.client('KILL', '1.2.3.4:5')));
    out.push(await settle(p.client('KILL', 'TYPE', 'bogus')), await p.call('CLIENT', 'NO-EVICT', 'on'));
    const id = String(await a.client('ID'));
    out.push(await p.client('KILL', 'ID', id, 'SKIPME', 'yes'));
    return out;
  } finally {
    cs.close();
  }
};

/** Send inline commands on one connection, return everything received within 300 ms. */
function rawExchange(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d: Buffer) => (data += d.toString('latin1')));
    sock.on('error', reject);
    sock.on('connect', () => sock.write(commands.map((c) => `${c}\r\n`).join('')));
    setTimeout(() => {
      sock.destroy();
      resolve(data);
    }, 300);
  });
}

/** A subscriber that never reads, fed more than the pubsub class's limit: disconnected. */
const slowSubscriber: Scenario = async (port) => {
  const p = new Redis({ port, disableClientInfo: true });
  const sock = net.connect(port, '127.0.0.1');
  const connected = new Promise<void>((r) => sock.on('connect', () => r()));
  try {
    await p.config('SET', 'client-output-buffer-limit', 'pubsub 1mb 256kb 60');
    // The normal class's default differs (the store limits it): compare the pubsub part.
    const limits = ((await p.config('GET', 'client-output-buffer-limit')) as string[])[1]!.replace(
      /^.* slave/,
      'slave',
    );
    await connected;
    sock.write('SUBSCRIBE flood\r\n');
    await sleep(100);
    sock.pause();
    const payload = 'x'.repeat(64 * 1024);
    let receivers = 1;
    let sent = 0;
    // Until the subscriber is gone (bounded: 64 MiB; the kernel's socket buffers take a few).
    for (; receivers > 0 && sent < 1024; sent++) receivers = await p.publish('flood', payload);
    // The soft limit: over it for longer than its seconds while output keeps coming.
    await p.config('SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1');
    const slow = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => slow.on('connect', () => r()));
    slow.write('SUBSCRIBE flood\r\n');
    await sleep(100);
    slow.pause();
    const soft: number[] = [];
    const t0 = Date.now();
    const big = payload.repeat(4);
    for (let n = 1; n > 0 && Date.now() - t0 < 5000; await sleep(100)) soft.push((n = await p.publish('flood', big)));
    slow.destroy();
    const gone = Date.now() - t0;
    await p.config('SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');
    // Still subscribed after the first second, gone within a few.
    return [limits, receivers, sent < 1024, soft.slice(0, 5), soft.at(-1), gone > 1000 && gone < 4000];
  } finally {
    sock.destroy();
    p.disconnect();
  }
};

describe('clients acting on other clients, against redis-server 7.0.15', () => {
  const servers = sameTranscripts([
    ['blocking pops: FIFO per key', blockingFifo],
    ['blocking pops: forms, chains, RENAME, timeouts, errors, pipelines, MULTI', blockingForms],
    ['CLIENT UNBLOCK', unblock],
    ['pub/sub through ioredis', pubsub],
    ['redis-cli MONITOR, SUBSCRIBE and PSUBSCRIBE output', cliMonitorAndSubscribe],
    ['CLIENT REPLY, PAUSE, KILL, NO-EVICT', clientCommands],
    ['client-output-buffer-limit disconnects a subscriber that does not read', slowSubscriber],
  ]);

  it('a client that disconnects mid-wait leaves nothing behind', async () => {
    const store = servers.store();
    const p = new Redis({ port: store.port });
    try {
      await p.ping();
      // The wait queues are metadata; the waiters' argument copies are client buffers.
      const meta = (): number => store.server.composition().metadataBytes;
      const before = meta();
      const waiters = Array.from({ length: 20 }, () => new Redis({ port: store.port }));
      await Promise.all(waiters.map((w) => w.ping()));
      for (const [i, w] of waiters.entries()) void settle(w.blpop(`gone${i}`, `shared`, 0));
      await sleep(100);
      expect(await infoField(p, 'clients', 'blocked_clients')).toBe('20');
      expect(meta()).toBeGreaterThan(before);
      for (const w of waiters) w.disconnect();
      await sleep(200);
      expect(await infoField(p, 'clients', 'blocked_clients')).toBe('0');
      expect(meta()).toBe(before);
      // The key they waited on is still servable by a new waiter.
      const late = new Redis({ port: store.port });
      const served = late.blpop('shared', 0);
      await sleep(30);
      await p.rpush('shared', 'v');
      expect(await served).toEqual(['shared', 'v']);
      late.disconnect();
    } finally {
      p.disconnect();
    }
  });
});
