// The feed sends replies to the socket itself when nothing is queued there (store_api.c,
// send_direct): what the kernel does not take goes back to JS, later replies queue behind it.
// These check that every byte arrives once and in order when that hand-over happens (replies far
// larger than the socket's buffer, a reader that pauses) and for the small replies around it.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';

function resp(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function bulk(b: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);
}

/** Connect, run `send` with the socket paused for its first `pauseMs` (reading starts while it
 * may still be sending), then read until `expected` bytes came. */
async function exchange(
  port: number,
  send: (s: net.Socket) => Promise<void> | void,
  expectedBytes: number,
  pauseMs: number,
): Promise<Buffer> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= expectedBytes) resolve();
    });
    s.on('error', reject);
    s.on('close', () => reject(new Error(`closed after ${got} of ${expectedBytes} bytes`)));
  });
  s.pause();
  const resumed = new Promise<void>((r) => setTimeout(r, pauseMs)).then(() => void s.resume());
  await send(s);
  await resumed;
  await done;
  // Nothing more than expected may follow.
  await new Promise((r) => setTimeout(r, 50));
  s.destroy();
  return Buffer.concat(chunks);
}

describe('replies sent by the feed itself', () => {
  let t: TestStore;
  const values: Buffer[] = [];

  beforeAll(async () => {
    t = await startTestStore({ threshold: 2 ** 40 });
    for (let k = 0; k < 48; k++) {
      const v = Buffer.alloc(100_000 + k * 17);
      for (let i = 0; i < v.length; i++) v[i] = (i * 31 + k * 7) & 255;
      values.push(v);
      const r = await exchange(t.port, (s) => void s.write(resp('SET', `big:${k}`, v)), 5, 0);
      expect(r.toString()).toBe('+OK\r\n');
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('replies larger than the socket buffer, one read each, to a reader that pauses: all bytes, in order', async () => {
    // Separate writes to a reader that does not read yet: the feeds send their replies until the
    // socket buffer is full, the one that does not fit is sent in part, and JS queues the rest
    // and the replies of the feeds behind it; then the reader drains the socket while requests
    // still come (a feed must not send while JS has bytes queued).
    const order = [...values.keys(), ...values.keys(), ...values.keys()];
    const expected = Buffer.concat(order.map((k) => bulk(values[k]!)));
    const got = await exchange(
      t.port,
      async (s) => {
        for (const k of order) {
          s.write(resp('GET', `big:${k}`));
          await new Promise((r) => setTimeout(r, 2));
        }
      },
      expected.length,
      150,
    );
    expect(got.length).toBe(expected.length);
    expect(got.equals(expected)).toBe(true);
  });

  it('small replies behind a partly sent large one keep their order', async () => {
    const parts: Buffer[] = [];
    const expectedParts: Buffer[] = [];
    for (let k = 0; k < 8; k++) {
      parts.push(resp('GET', `big:${k}`), resp('PING'), resp('ECHO', `after-${k}`));
      expectedParts.push(bulk(values[k]!), Buffer.from('+PONG\r\n'), bulk(Buffer.from(`after-${k}`)));
    }
    const expected = Buffer.concat(expectedParts);
    const got = await exchange(
      t.port,
      async (s) => {
        for (const p of parts) {
          s.write(p);
          await new Promise((r) => setTimeout(r, 2));
        }
      },
      expected.length,
      200,
    );
    expect(got.equals(expected)).toBe(true);
  });

  it('a pipeline of small commands in one read, then another: replies in order, nothing lost', async () => {
    const n = 5000;
    const batch = (from: number): Buffer =>
      Buffer.concat(Array.from({ length: n }, (_, i) => resp('ECHO', `m${from + i}`)));
    const expected = Buffer.concat(Array.from({ length: 2 * n }, (_, i) => bulk(Buffer.from(`m${i}`))));
    const got = await exchange(
      t.port,
      async (s) => {
        s.write(batch(0));
        await new Promise((r) => setTimeout(r, 20));
        s.write(batch(n));
      },
      expected.length,
      0,
    );
    expect(got.equals(expected)).toBe(true);
  });

  it('counts what it sends in total_net_output_bytes, as the JS write did', async () => {
    const before = Number(/total_net_output_bytes:(\d+)/.exec(await t.cli('INFO', 'stats'))![1]);
    const got = await exchange(t.port, (s) => void s.write(resp('GET', 'big:3')), bulk(values[3]!).length, 0);
    expect(got.equals(bulk(values[3]!))).toBe(true);
    const after = Number(/total_net_output_bytes:(\d+)/.exec(await t.cli('INFO', 'stats'))![1]);
    // The first INFO's own reply is counted after it was produced, so it lies between the two.
    expect(after - before).toBeGreaterThanOrEqual(got.length);
    expect(after - before).toBeLessThan(got.length + 4096);
  });
});
