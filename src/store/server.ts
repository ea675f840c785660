// The TCP side: accepts connections, feeds each read chunk through the connection's parser into
// the engine, and sends all replies produced by that chunk with one socket.write.

import net from 'node:net';
import { Client } from './client.js';
import type { StoreEngine } from './engine.js';
import { COMMAND, NEED_MORE } from './resp/parser.js';

/** Replies beyond this within one chunk are sent early rather than buffered further. */
const FLUSH_AT = 256 * 1024;
/** Stop reading from a client whose unsent output exceeds this, until the socket drains. */
const PAUSE_AT = 4 * 1024 * 1024;

export class StoreNetServer {
  readonly server: net.Server;
  private nextId = 1;

  constructor(private readonly engine: StoreEngine) {
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  private accept(socket: net.Socket): void {
    const e = this.engine;
    e.stats.connections++;
    socket.setNoDelay(true);
    const client = new Client(this.nextId++, socket, e.limits);
    e.clients.set(client.id, client);
    socket.on('data', (chunk: Buffer) => this.onData(client, chunk));
    socket.on('drain', () => {
      if (client.paused && !client.closed) {
        client.paused = false;
        socket.resume();
      }
    });
    socket.on('error', () => {
      /* reset by peer and the like: 'close' follows */
    });
    socket.on('close', () => {
      client.closed = true;
      client.parser.reset();
      e.clients.delete(client.id);
    });
  }

  private onData(client: Client, chunk: Buffer): void {
    if (client.closed || client.closeAfterReply) return;
    const e = this.engine;
    const out = e.out;
    const p = client.parser;
    const socket = client.socket;
    e.stats.netInput += chunk.length;
    p.feed(chunk);
    client.lastCommandAt = Date.now();
    for (;;) {
      const r = p.next();
      if (r === NEED_MORE) break;
      if (r !== COMMAND) {
        // Protocol error: reply, then close this connection only (as Redis does).
        out.error(`ERR ${p.error}`);
        client.closeAfterReply = true;
        break;
      }
      e.execute(client, p.args);
      if (client.closeAfterReply) break;
      if (out.pos > FLUSH_AT) this.send(client);
    }
    if (client.closeAfterReply) {
      this.send(client);
      p.reset();
      socket.end();
      return;
    }
    p.settle();
    if (p.pendingBytes > e.limits.maxQueryBuffer || p.neededBytes > e.limits.maxQueryBuffer) {
      // Redis closes such a client without a reply (client-query-buffer-limit).
      out.discard();
      this.drop(client);
      return;
    }
    this.send(client);
  }

  private send(client: Client): void {
    const out = this.engine.out;
    if (out.pos === 0) return;
    const socket = client.socket;
    const b = out.take();
    this.engine.stats.netOutput += b.length;
    socket.write(b);
    const backlog = socket.writableLength;
    const limit = this.engine.limits.maxOutputBuffer;
    if (limit > 0 && backlog > limit) {
      this.drop(client);
    } else if (backlog > PAUSE_AT && !client.paused) {
      client.paused = true;
      socket.pause();
    }
  }

  /** Disconnect a client that broke a buffer limit. */
  private drop(client: Client): void {
    this.engine.stats.bufferLimitDisconnects++;
    client.closed = true;
    client.parser.reset();
    client.socket.destroy();
  }

  listen(port: number, host: string): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const c of this.engine.clients.values()) c.socket.destroy();
      this.server.close(() => resolve());
    });
  }
}
