// A minimal pipelining RESP2 client over node:net: write a batch of commands, resolve with exactly
// as many replies. One batch in flight at a time, which is all the runner needs.
import net from 'node:net';
import { encodeCommand, parseReply, type RespValue } from './resp.js';

interface Waiter {
  count: number;
  replies: RespValue[];
  resolve(replies: RespValue[]): void;
  reject(err: Error): void;
}

export class RespClient {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by server')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  send(commands: readonly (readonly Buffer[])[]): Promise<RespValue[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new Error('RespClient: a batch is already in flight'));
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiter = { count: commands.length, replies: [], resolve, reject };
      this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    });
  }

  async call(...args: (string | Buffer)[]): Promise<RespValue> {
    const [reply] = await this.send([args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a))]);
    if (!reply) throw new Error('RespClient: no reply');
    return reply;
  }

  close(): void {
    this.failure = new Error('client closed');
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const w = this.waiter;
    if (!w) return this.fail(new Error(`unexpected data from server: ${this.buffered.toString('latin1', 0, 80)}`));
    let pos = 0;
    try {
      while (w.replies.length < w.count) {
        const parsed = parseReply(this.buffered, pos);
        if (!parsed) break;
        w.replies.push(parsed.value);
        pos = parsed.end;
      }
    } catch (err) {
      return this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    this.buffered = this.buffered.subarray(pos);
    if (w.replies.length === w.count) {
      this.waiter = null;
      if (this.buffered.length) return this.fail(new Error('server sent more replies than commands'));
      w.resolve(w.replies);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }
}
