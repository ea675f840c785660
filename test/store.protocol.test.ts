// The RESP layer with raw sockets and ioredis: malformed input (exact Redis protocol errors, only
// the offending connection closed), inline commands, partial frames, pipelining, many concurrent
// clients, big and binary values, and the per-client query and output buffer limits.
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, resp, startTestStore, type TestStore } from './store-harness.js';

describe('store protocol', () => {
  let t: TestStore;
  let other: Redis;
  beforeAll(async () => {
    t = await startTestStore({}, { maxQueryBuffer: 4 * 1024 * 1024, maxOutputBuffer: 8 * 1024 * 1024 });
    other = new Redis({ port: t.port, lazyConnect: true });
    await other.connect();
  });
  afterAll(async () => {
    other?.disconnect();
    await t?.close();
  });

  const bad: [string, string, string][] = [
    [
      'invalid multibulk length after a good command',
      '*1\r\n$4\r\nPING\r\n*x\r\n',
      '+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n',
    ],
    ['bulk length beyond proto-max-bulk-len', '*1\r\n$600000000\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['negative bulk length', '*1\r\n$-1\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['wrong bulk prefix', '*1\r\n#4\r\n', "-ERR Protocol error: expected '$', got '#'\r\n"],
    ['multibulk count beyond INT_MAX', '*2000000000000\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['unbalanced quotes inline', '"unbalanced\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
    ['too big inline request', 'x'.repeat(70_000), '-ERR Protocol error: too big inline request\r\n'],
    ['too big bulk count string', '*1\r\n$' + '1'.repeat(70_000), '-ERR Protocol error: too big bulk count string\r\n'],
  ];
  for (const [name, input, reply] of bad) {
    it(`malformed input: ${name} -> error reply, connection closed, others served`, async () => {
      const r = await raw(t.port, input);
      expect(r.data).toBe(reply);
      expect(r.closed).toBe(true);
      expect(await other.ping()).toBe('PONG');
    });
  }

  it('inline commands, empty requests and skipped trailing bytes as Redis', async () => {
    const r = await raw(
      t.port,
      "PING\r\nECHO \"a b\\x41\"\r\n*-1\r\n*0\r\n   \r\n*1\r\n$4\r\nPINGxx\r\nSET k 'it\\'s'\r\nGET k\n",
    );
    expect(r.data).toBe("+PONG\r\n$4\r\na bA\r\n+PONG\r\n+OK\r\n$4\r\nit's\r\n");
    expect(r.closed).toBe(false);
  });

  it('commands split across reads at every position', async () => {
    const cmd = Buffer.concat([resp('SET', 'split', 'value-1'), resp('GET', 'split')]);
    const pieces: Buffer[] = [];
    for (let i = 0; i < cmd.length; i += 3) pieces.push(cmd.subarray(i, i + 3));
    const r = await raw(t.port, pieces);
    expect(r.data).toBe('+OK\r\n$7\r\nvalue-1\r\n');
  });

  it('wrong arity and unknown commands do not close the connection', async () => {
    const r = await raw(t.port, Buffer.concat([resp('GET'), resp('NOPE', 'x'), resp('PING')]));
    expect(r.data).toBe(
      "-ERR wrong number of arguments for 'get' command\r\n-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n+PONG\r\n",
    );
    expect(r.closed).toBe(false);
  });

  it('QUIT replies OK and closes', async () => {
    const r = await raw(t.port, Buffer.concat([resp('QUIT'), resp('PING')]));
    expect(r.data).toBe('+OK\r\n');
    expect(r.closed).toBe(true);
  });

  it('pipelining: 2000 mixed commands in one batch, replies in order', async () => {
    const p = other.pipeline();
    for (let i = 0; i < 500; i++) {
      p.set(`p:${i}`, `v${i}`);
      p.get(`p:${i}`);
      p.incr('p:counter');
      p.rpush('p:list', String(i));
    }
    const res = (await p.exec())!;
    expect(res).toHaveLength(2000);
    for (let i = 0; i < 500; i++) {
      expect(res[i * 4]).toEqual([null, 'OK']);
      expect(res[i * 4 + 1]).toEqual([null, `v${i}`]);
      expect(res[i * 4 + 2]).toEqual([null, i + 1]);
      expect(res[i * 4 + 3]).toEqual([null, i + 1]);
    }
    expect(await other.lrange('p:list', 0, 2)).toEqual(['0', '1', '2']);
  });

  it('100 concurrent connections', async () => {
    const clients = Array.from({ length: 100 }, () => new Redis({ port: t.port, lazyConnect: true }));
    await Promise.all(clients.map((c) => c.connect()));
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < 20; k++) {
          await c.incr('conc:counter');
          await c.hset(`conc:h${i}`, `f${k}`, 'x'.repeat(k * 50));
        }
        await c.set(`conc:${i}`, String(i));
      }),
    );
    expect(await other.get('conc:counter')).toBe('2000');
    const got = await Promise.all(clients.map((c, i) => c.get(`conc:${(i + 1) % 100}`)));
    expect(got).toEqual(clients.map((_, i) => String((i + 1) % 100)));
    expect(await other.hlen('conc:h7')).toBe(20);
    expect(await other.hget('conc:h7', 'f19')).toBe('x'.repeat(950));
    expect(Number(/connected_clients:(\d+)/.exec(await other.info('clients'))![1])).toBeGreaterThanOrEqual(101);
    clients.forEach((c) => c.disconnect());
  });

  it('binary-safe keys and values, large values across many reads', async () => {
    const key = Buffer.from([0, 1, 2, 255, 254, 13, 10, 32]);
    const value = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7919) & 255;
    expect(await other.set(key, value)).toBe('OK');
    expect((await other.getBuffer(key))!.equals(value)).toBe(true);
    expect(await other.append(key, Buffer.from([0, 0xff]))).toBe(value.length + 2);
    expect(await other.strlen(key)).toBe(value.length + 2);
    const keys = await other.keysBuffer('*');
    expect(keys.some((k) => k.equals(key))).toBe(true);
    expect(await other.del(key)).toBe(1);
  });

  it('query buffer limit: a client announcing more than the limit is disconnected, others unaffected', async () => {
    const before = t.server.stats.bufferLimitDisconnects;
    const r = await raw(t.port, [Buffer.from('*2\r\n$3\r\nSET\r\n$5000000\r\n'), Buffer.alloc(100_000, 97)], 1000);
    expect(r.closed).toBe(true);
    expect(r.data).toBe('');
    // Many small arguments that never complete also hit the limit.
    const many = Buffer.from('*1000000\r\n' + '$3\r\nabc\r\n'.repeat(500_000));
    const r2 = await raw(t.port, [many.subarray(0, 2_000_000), many.subarray(2_000_000)], 1000);
    expect(r2.closed).toBe(true);
    expect(t.server.stats.bufferLimitDisconnects).toBe(before + 2);
    expect(await other.ping()).toBe('PONG');
  });

  it('output buffer limit: a client that does not read is disconnected', async () => {
    await other.set('big:out', 'z'.repeat(1024 * 1024));
    const before = t.server.stats.bufferLimitDisconnects;
    const s = net.connect(t.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.pause(); // never read
    const get = resp('GET', 'big:out');
    s.write(Buffer.concat(Array.from({ length: 64 }, () => get)));
    for (let i = 0; i < 100 && t.server.stats.bufferLimitDisconnects === before; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(t.server.stats.bufferLimitDisconnects).toBe(before + 1);
    s.destroy();
    expect(await other.get('big:out')).toHaveLength(1024 * 1024);
  });
});
