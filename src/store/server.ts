// The TCP side: accepts connections, feeds each read chunk through the connection's parser into
// the engine, and sends all replies produced by that chunk with one socket.write.
//
// Reads go into one static buffer shared by all connections (net.Socket's `onread`), not through
// the Readable stream: the stream path allocates a fresh 64 KiB ArrayBuffer per read and runs the
// push/emit machinery, ~3.5 us of CPU per unpipelined request, about a third of the store's
// total. Sharing is safe because a chunk is parsed and executed synchronously in the callback and
// the parser copies an incomplete tail into the connection's own buffer. Node offers `onread`
// only to sockets it constructs from options, so an accepted connection's handle is adopted by a
// new Socket (the `handle` option, which net and cluster use internally); where that is not
// possible the stream path is used.

import net from 'node:net';
import { Client } from './client.js';
import type { StoreEngine } from './engine.js';
import { COMMAND, NEED_MORE } from './resp/parser.js';

/** Replies beyond this within one chunk are sent early rather than buffered further. */
const FLUSH_AT = 256 * 1024;
/** Stop reading from a client whose unsent output exceeds this, until the socket drains. */
const PAUSE_AT = 4 * 1024 * 1024;
/** The shared read buffer: as large as the kernel usually hands over in one read. */
const READ_BUFFER_SIZE = 64 * 1024;

/** What adopting a handle needs of net.Socket's (undocumented but long-standing) internals. */
interface AdoptableSocket {
  _handle?: object | null;
}

export class StoreNetServer {
  readonly server: net.Server;
  private nextId = 1;

  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  /** False once adopting a handle failed: every later connection uses the stream path. */
  private adopt = true;

  constructor(private readonly engine: StoreEngine) {
    // pauseOnConnect: nothing is read before the handle is adopted.
    this.server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  /**
   * A Socket over `accepted`'s handle that reads into the shared buffer, or null. The husk
   * `accepted` is destroyed without its handle, which also settles the server's connection count.
   */
  private adoptHandle(accepted: net.Socket, onRead: (n: number, buf: Buffer) => void): net.Socket | null {
    const husk = accepted as unknown as AdoptableSocket;
    const handle = husk._handle;
    if (!this.adopt || handle === null || typeof handle !== 'object') return null;
    let socket: net.Socket;
    try {
      const options = { handle, readable: true, writable: true, onread: { buffer: this.readBuffer, callback: onRead } };
      socket = new net.Socket(options as net.SocketConstructorOpts);
    } catch {
      this.adopt = false;
      return null;
    }
    if ((socket as unknown as AdoptableSocket)._handle !== handle) {
      // A Node that ignores the option: nothing was taken over, the husk still works.
      socket.destroy();
      this.adopt = false;
      return null;
    }
    husk._handle = null;
    accepted.destroy();
    return socket;
  }

  private accept(accepted: net.Socket): void {
    const e = this.engine;
    e.stats.connections++;
    let client: Client | null = null;
    const adopted = this.adoptHandle(accepted, (n: number, buf: Buffer) => {
      if (client !== null) this.onData(client, buf, n);
    });
    const socket = adopted ?? accepted;
    socket.setNoDelay(true);
    client = new Client(this.nextId++, socket, e.limits);
    const c = client;
    e.clients.set(c.id, c);
    if (adopted === null) socket.on('data', (chunk: Buffer) => this.onData(c, chunk, chunk.length));
    socket.on('drain', () => {
      if (c.paused && !c.closed) {
        c.paused = false;
        socket.resume();
      }
    });
    socket.on('error', () => {
      /* reset by peer and the like: 'close' follows */
    });
    socket.on('close', () => {
      c.closed = true;
      c.parser.reset();
      e.clients.delete(c.id);
    });
    socket.resume();
  }

  /** The first n bytes of chunk arrived (chunk may be the shared read buffer). */
  private onData(client: Client, chunk: Buffer, n: number): void {
    if (client.closed || client.closeAfterReply) return;
    const e = this.engine;
    const out = e.out;
    const p = client.parser;
    const socket = client.socket;
    e.stats.netInput += n;
    p.feed(chunk, n);
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
      if (out.length > FLUSH_AT) this.send(client);
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
    if (out.length === 0) return;
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
