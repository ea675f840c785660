// The TCP side: accepts connections and hands every socket read to the C engine in one native
// call, which parses and executes all complete commands in it and copies the replies into an
// output slab; the slab's bytes go to the socket as one write.
//
// Reads go into one static buffer shared by all connections (net.Socket's `onread`), not through
// the Readable stream, which allocates a fresh 64 KiB ArrayBuffer per read and runs the
// push/emit machinery. Sharing is safe because a read is consumed synchronously: the engine
// copies an incomplete tail into the client's own query buffer. Node offers `onread` only to
// sockets it constructs from options, so an accepted connection's handle is adopted by a new
// Socket (the `handle` option, which net and cluster use internally); where that is not possible
// the stream path is used.
//
// Replies leave the engine into a slab: a socket keeps a view of the bytes it was given and the
// slab moves on, so nothing is copied in JS. A reply larger than the slab stays in the engine
// (accounted there as buffers) and is drained as the socket empties: a slow reader holds its
// backlog in one place, and reading from it pauses until it catches up.
//
// One client's command can give output to others (PUBLISH, a push serving a blocked client,
// MONITOR) or close them (CLIENT KILL): the feed's status says so, and woken() names them; each
// is then drained and its close request honoured like the feeding client's own. Deadlines
// (blocking timeouts, CLIENT PAUSE) arm one timer, which calls timers() when due.

import net from 'node:net';
import type { NativeStore } from '../native.js';
import type { ClientHandle, StoreHost } from './host.js';
import { clientReads } from './loop-activity.js';
import { admission, applyKeepalive, refuse } from './security.js';

/** Stop draining replies to a client (and reading from it) while its socket holds this much. */
const PAUSE_AT = 4 * 1024 * 1024;
/** The shared read buffer: as large as the kernel usually hands over in one read. */
const READ_BUFFER_SIZE = 64 * 1024;
const SLAB = 256 * 1024;
/** A new slab is started when less than this is left in the current one. */
const MIN_ROOM = 16 * 1024;

const S_PENDING = 0;
const S_CLOSE = 1;
const S_ID_LO = 2;
const S_ID_HI = 3;
const S_CLASS = 4;
const S_EVENTS = 5;
const S_TIMER = 6;
const S_IDLE_EXEMPT = 7;
const S_DIRECT = 8;
const EV_WOKEN = 1;
const EV_INTERNAL = 2;
const CLOSE_AFTER_WRITE = 1;
const CLOSE_NOW = 2;

/** What adopting a handle needs of net.Socket's (undocumented but long-standing) internals. */
interface AdoptableSocket {
  _handle?: { fd?: number } | null;
}

class Connection implements ClientHandle {
  closed = false;
  /** Reading stopped: replies are waiting in the engine for the socket to drain. */
  paused = false;
  lastActive = Date.now();
  /** When its output went over its class's soft limit (ms), 0 while under it. */
  softSince = 0;
  /** Replies waiting for the AOF group commit (views of the slab, in order). */
  held: Buffer[] = [];
  /** Blocked or subscribed, as the engine said after its last call for this client: Redis never
   *  closes those for `timeout`. */
  exemptFromTimeout = false;

  constructor(
    readonly slot: number,
    readonly id: number,
    readonly socket: net.Socket,
  ) {}

  backlog(): number {
    return this.socket.writableLength;
  }

  get addr(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export class StoreNetServer {
  readonly server: net.Server;
  private readonly engine: NativeStore;
  private readonly status: Int32Array;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  private slab = Buffer.allocUnsafe(SLAB);
  private slabPos = 0;
  /** False once adopting a handle failed: every later connection uses the stream path. */
  private adopt = true;
  /** The engine's next deadline: one timer, armed for the earliest. */
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  /** Clients whose replies wait for the AOF group commit; woken clients wait too. */
  private readonly held = new Set<Connection>();
  private wokenHeld = false;

  constructor(private readonly host: StoreHost) {
    this.engine = host.engine;
    this.status = host.engine.status;
    if (host.aof) host.aof.onCommit = (): void => this.releaseHeld();
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
      // `handle` and `onread` are not in SocketConstructorOpts' types (net and cluster use them).
      const options = { handle, readable: true, writable: true, onread: { buffer: this.readBuffer, callback: onRead } };
      socket = new net.Socket(options);
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
    if (this.host.closed) {
      accepted.destroy();
      return;
    }
    const refusal = admission(
      this.host.access,
      this.host.clients.size,
      this.engine.passwordless(),
      accepted.remoteAddress,
    );
    if (refusal !== null) {
      this.host.refusedConnections++;
      refuse(accepted, refusal);
      return;
    }
    let conn: Connection | null = null;
    const adopted = this.adoptHandle(accepted, (n: number, buf: Buffer) => {
      if (conn !== null) this.onData(conn, buf, n);
    });
    const socket = adopted ?? accepted;
    socket.setNoDelay(true);
    applyKeepalive(socket, this.host.access.tcpKeepalive);
    const fd = (socket as unknown as AdoptableSocket)._handle?.fd ?? -1;
    const slot = this.engine.clientOpen(
      `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`,
      fd,
    );
    const id = this.status[S_ID_LO]! + this.status[S_ID_HI]! * 2 ** 32;
    conn = new Connection(slot, id, socket);
    const c = conn;
    this.host.clients.set(slot, c);
    if (adopted === null) socket.on('data', (chunk: Buffer) => this.onData(c, chunk, chunk.length));
    socket.on('drain', () => this.onDrain(c));
    socket.on('error', () => {
      /* reset by peer and the like: 'close' follows */
    });
    socket.on('close', () => this.release(c));
    socket.resume();
  }

  /** The first n bytes of chunk arrived (chunk may be the shared read buffer). */
  private onData(c: Connection, chunk: Buffer, n: number): void {
    if (c.closed || this.host.closed) return;
    clientReads.count++;
    c.lastActive = Date.now();
    this.ensureRoom();
    // The engine may send the replies itself when nothing waits ahead of them: nothing queued on
    // the socket (or held for the AOF commit); it still returns what the kernel did not take.
    this.status[S_DIRECT] = this.mayDirect(c);
    const written = this.engine.feed(c.slot, chunk, n, this.slab, this.slabPos);
    const events = this.status[S_EVENTS]!;
    const timer = this.status[S_TIMER]!;
    if (events & EV_INTERNAL) this.host.internalErrors.fromEngine(this.engine.takeInternalErrors());
    if (this.host.aof?.collect()) {
      // Writes are waiting for this turn's AOF commit: so do the replies (reads too, which may
      // have seen those writes), as Redis replies only after beforeSleep's write and fsync.
      this.hold(c, written);
      if (events & EV_WOKEN) this.wokenHeld = true;
      if (timer >= 0) this.armTimer(timer);
      return;
    }
    this.ship(c, written);
    this.pump(c);
    if (timer >= 0) this.armTimer(timer);
    if (events & EV_WOKEN) this.serveWoken();
  }

  /** Ship to (or close) every client other clients' commands gave output to. */
  private serveWoken(): void {
    for (const slot of this.engine.woken()) {
      const c = this.host.clients.get(slot) as Connection | undefined;
      if (c === undefined || c.closed) continue;
      this.ensureRoom();
      // As for a feed: a subscriber's messages or a monitor's lines go out from the engine when
      // nothing waits ahead of them.
      this.status[S_DIRECT] = this.mayDirect(c);
      this.ship(c, this.engine.drain(c.slot, this.slab, this.slabPos));
      this.pump(c);
    }
  }

  /** 1 when the engine may send c's replies itself: nothing queued on the socket (or held for
   *  the AOF commit) that they would overtake, and reading not paused for a backlog. */
  private mayDirect(c: Connection): number {
    return c.socket.writableLength === 0 && this.held.size === 0 && !c.paused ? 1 : 0;
  }

  private armTimer(ms: number): void {
    const at = Date.now() + ms;
    if (at >= this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), ms);
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.host.closed) return;
    const next = this.engine.timers();
    const events = this.status[S_EVENTS]!;
    // A released client's held input may have set a new deadline (S_TIMER).
    const hinted = this.status[S_TIMER]!;
    if (next >= 0) this.armTimer(next);
    if (hinted >= 0) this.armTimer(hinted);
    if (events & EV_INTERNAL) this.host.internalErrors.fromEngine(this.engine.takeInternalErrors());
    // Released clients' held input may have written: their replies wait for the AOF commit.
    const commitPending = this.host.aof?.collect() ?? false;
    if (events & EV_WOKEN) {
      if (commitPending) this.wokenHeld = true;
      else this.serveWoken();
    }
  }

  /** Keep the slab's newest `n` bytes for c until the AOF commit (the slab moves past them). */
  private hold(c: Connection, n: number): void {
    if (n > 0) {
      c.held.push(this.slab.subarray(this.slabPos, this.slabPos + n));
      this.slabPos += n;
    }
    this.held.add(c);
  }

  /** After the AOF commit: the held replies out, then what the engine still has for them. */
  private releaseHeld(): void {
    const clients = [...this.held];
    this.held.clear();
    for (const c of clients) {
      const views = c.held;
      c.held = [];
      if (c.closed || this.host.closed || this.host.clients.get(c.slot) !== c) continue;
      c.lastActive = Date.now();
      c.socket.cork();
      for (const v of views) c.socket.write(v);
      c.socket.uncork();
      // drain() also refreshes the status pump() reads (pending bytes, close request, class).
      this.ensureRoom();
      this.ship(c, this.engine.drain(c.slot, this.slab, this.slabPos));
      this.pump(c);
    }
    if (this.wokenHeld && !this.host.closed) {
      this.wokenHeld = false;
      this.serveWoken();
    }
  }

  private onDrain(c: Connection): void {
    if (c.closed || this.host.closed) return;
    this.pump(c);
  }

  /** Hand the slab's newest `n` bytes to the socket. */
  private ship(c: Connection, n: number): void {
    if (n === 0) return;
    c.lastActive = Date.now();
    const view = this.slab.subarray(this.slabPos, this.slabPos + n);
    this.slabPos += n;
    c.socket.write(view);
  }

  private ensureRoom(): void {
    if (this.slab.length - this.slabPos < MIN_ROOM) {
      this.slab = Buffer.allocUnsafe(SLAB);
      this.slabPos = 0;
    }
  }

  /**
   * client-output-buffer-limit for the client's class, on what it holds unsent (in the engine
   * and in the socket): over the hard limit, or over the soft one for longer than its seconds.
   */
  private overLimit(c: Connection, pending: number): boolean {
    const limit = this.host.limits.output[this.status[S_CLASS]!];
    if (limit === undefined) return false;
    const used = pending + c.socket.writableLength;
    if (limit.hard > 0 && used >= limit.hard) return true;
    if (limit.soft > 0 && used >= limit.soft) {
      const now = Date.now();
      if (c.softSince === 0) c.softSince = now;
      else if (now - c.softSince > limit.softSeconds * 1000) return true;
    } else {
      c.softSince = 0;
    }
    return false;
  }

  /**
   * After a feed or drain (the status array describes that call): enforce the output limit,
   * drain what the engine still holds while the socket keeps up, and act on a close request.
   */
  private pump(c: Connection): void {
    const st = this.status;
    c.exemptFromTimeout = st[S_IDLE_EXEMPT] === 1;
    for (;;) {
      const pending = st[S_PENDING]!;
      if (this.overLimit(c, pending)) {
        this.host.outputLimitDisconnects++;
        this.drop(c);
        return;
      }
      if (st[S_CLOSE] === CLOSE_NOW) {
        this.drop(c);
        return;
      }
      if (pending === 0) break;
      if (c.socket.writableLength >= PAUSE_AT) {
        if (!c.paused) {
          c.paused = true;
          c.socket.pause();
        }
        return;
      }
      this.ensureRoom();
      this.ship(c, this.engine.drain(c.slot, this.slab, this.slabPos));
    }
    if (st[S_CLOSE] === CLOSE_AFTER_WRITE) {
      c.closed = true;
      c.socket.end();
      return;
    }
    if (c.paused) {
      c.paused = false;
      c.socket.resume();
    }
  }

  /** Disconnect a client at once (buffer limit, or the engine asked). */
  private drop(c: Connection): void {
    c.closed = true;
    c.socket.destroy();
  }

  private release(c: Connection): void {
    c.closed = true;
    if (this.host.clients.get(c.slot) !== c) return;
    this.host.clients.delete(c.slot);
    if (!this.host.closed) this.engine.clientClose(c.slot);
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
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return new Promise((resolve) => {
      for (const c of this.host.clients.values()) (c as Connection).socket.destroy();
      this.server.close(() => resolve());
    });
  }
}
