// Replies for clients that other clients' commands write to (a subscriber's messages, a
// monitor's lines) go out from the engine itself when nothing is queued on their socket
// (store_api.c's drain with status[S_DIRECT], set by server.ts's serveWoken), as the feeding
// client's own replies do (store.direct-send.test.ts). These check that every byte arrives once
// and in order when the kernel's buffer fills mid-message, the rest waits in JS and later
// messages must queue behind it.
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A connection that collects what it reads, paused (not reading) until resume(). */
class Reader {
  readonly chunks: Buffer[] = [];
  got = 0;
  private closed = false;
  private waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.got += d.length;
      this.waiters = this.waiters.filter((w) => (this.got >= w.n ? (w.resolve(), false) : true));
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters) w.reject(new Error(`closed after ${this.got} of ${w.n} bytes`));
      this.waiters = [];
    });
  }
  static async open(port: number): Promise<Reader> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return new Reader(s);
  }
  /** Resolves once n bytes in all have come. */
  until(n: number): Promise<void> {
    if (this.got >= n) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`closed after ${this.got} of ${n} bytes`));
    return new Promise((resolve, reject) => this.waiters.push({ n, resolve, reject }));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Payloads of distinct bytes, most of them large (together well beyond what the kernel's socket
 *  buffers hold, so that a send stops mid-message), some tiny. */
function payloads(n: number): Buffer[] {
  return Array.from({ length: n }, (_, k) => {
    const v = Buffer.alloc(k % 3 === 2 ? 7 + k : 300_000 + k * 13);
    for (let i = 0; i < v.length; i++) v[i] = 97 + ((i * 7 + k) % 26);
    return v;
  });
}

describe('replies to woken clients sent by the engine', () => {
  let t: TestStore;

  beforeAll(async () => {
    t = await startTestStore({ threshold: 2 ** 40 });
    // The subscriber holds ~16 MB unread for a moment: no output limit for this test.
    expect(await t.cli('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 0 0')).toBe('OK');
  });
  afterAll(async () => {
    await t.close();
  });

  it('a subscriber that reads late gets every message once, in order (channel and pattern)', async () => {
    const sub = await Reader.open(t.port);
    sub.socket.write(resp('SUBSCRIBE', 'ch'));
    sub.socket.write(resp('PSUBSCRIBE', 'c*'));
    const subReplies = '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n' + '*3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n';
    await sub.until(subReplies.length);
    sub.socket.pause();
    const pub = await Reader.open(t.port);
    const msgs = payloads(40);
    const expected: Buffer[] = [Buffer.from(subReplies)];
    for (const m of msgs) {
      pub.socket.write(resp('PUBLISH', 'ch', m));
      // Both subscriptions match: the channel's message, then the pattern's.
      expected.push(resp('message', 'ch', m), resp('pmessage', 'c*', 'ch', m));
      await sleep(2);
    }
    await pub.until(msgs.length * 4);
    expect(pub.bytes().toString()).toBe(':2\r\n'.repeat(msgs.length)); // two receivers each
    const want = Buffer.concat(expected);
    sub.socket.resume();
    await sub.until(want.length);
    await sleep(50); // nothing more may follow
    const got = sub.bytes();
    expect(got.length).toBe(want.length);
    expect(got.equals(want)).toBe(true);
    sub.socket.destroy();
    pub.socket.destroy();
  });

  it('a monitor that reads late gets every command line once, in order', async () => {
    const mon = await Reader.open(t.port);
    mon.socket.write(resp('MONITOR'));
    await mon.until(5);
    expect(mon.bytes().toString()).toBe('+OK\r\n');
    mon.socket.pause();
    const cl = await Reader.open(t.port);
    const values = payloads(60);
    for (let k = 0; k < values.length; k++) {
      cl.socket.write(resp('SET', `mon:${k}`, values[k]!));
      await sleep(2);
    }
    await cl.until(values.length * 5);
    // Each line: +<time> [0 <addr>] "SET" "mon:k" "<value>"\r\n (values are plain letters).
    const tail = (k: number): string => `"SET" "mon:${k}" "${values[k]!.toString()}"\r\n`;
    mon.socket.resume();
    // Every line's prefix has one length (fixed-width time, one client address): read the first
    // to know how many bytes all of them make.
    const linePrefix = /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] /;
    await mon.until(5 + 64);
    const prefixLen = linePrefix.exec(mon.bytes().subarray(5, 69).toString())![0].length;
    const want = 5 + values.reduce((n, _, k) => n + prefixLen + tail(k).length, 0);
    await mon.until(want);
    await sleep(50); // nothing more may follow
    const text = mon.bytes().toString();
    expect(text.length).toBe(want);
    const lines = text.slice(5).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(values.length);
    for (let k = 0; k < values.length; k++) {
      expect(linePrefix.test(lines[k]!)).toBe(true);
      expect(lines[k]!.replace(linePrefix, '') + '\r\n').toBe(tail(k));
    }
    mon.socket.destroy();
    cl.socket.destroy();
  });
});
