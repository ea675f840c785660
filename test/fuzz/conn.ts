// A raw RESP connection for fuzzing: bytes go out as given, replies (RESP2 or RESP3, pushes
// included) are only counted, never interpreted, so that any frame and any protocol switch
// (HELLO 3) can be sent while still knowing when the server has answered.
import net from 'node:net';

/** End offset of the one complete reply starting at pos, or -1 if it has not all arrived. */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return -1;
  const type = String.fromCharCode(buf[pos] ?? 0);
  const next = eol + 2;
  const count = (): number => {
    const n = Number(buf.toString('latin1', pos + 1, eol));
    if (!Number.isInteger(n) || n < -1)
      throw new Error(`fuzz: bad length in reply: ${buf.toString('latin1', pos, eol)}`);
    return n;
  };
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return next;
    case '$':
    case '!':
    case '=': {
      const n = count();
      if (n < 0) return next;
      return buf.length >= next + n + 2 ? next + n + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = count();
      if (n < 0) return next;
      if (type === '%' || type === '|') n *= 2;
      let at = next;
      for (let i = 0; i < n; i++) {
        at = replyEnd(buf, at);
        if (at < 0) return -1;
      }
      // An attribute map precedes the reply it describes.
      return type === '|' ? replyEnd(buf, at) : at;
    }
    default:
      throw new Error(`fuzz: unexpected reply type byte 0x${(buf[pos] ?? 0).toString(16)}`);
  }
}

export type WaitResult = 'replied' | 'closed' | 'timeout';

export class FuzzConn {
  private buf: Buffer = Buffer.alloc(0);
  private parsed = 0; // bytes of buf holding complete replies
  private replies = 0;
  private waiter: (() => void) | null = null;
  closed = false;
  /** A reply the scanner could not read (the server sent something that is not RESP). */
  garbage: string | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {
      // ECONNRESET/EPIPE after the server closed: 'close' follows.
    });
  }

  static open(port: number): Promise<FuzzConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new FuzzConn(s));
      });
      s.once('error', reject);
    });
  }

  /** Replies counted since the last reset. */
  get count(): number {
    return this.replies;
  }

  /** The bytes received since the last reset. */
  received(): Buffer {
    return this.buf;
  }

  reset(): void {
    this.buf = this.buf.subarray(this.parsed);
    this.parsed = 0;
    this.replies = 0;
  }

  send(data: Buffer | string): void {
    if (!this.closed) this.socket.write(data);
  }

  /** Wait until `n` replies have been counted, the server closed the connection, or `ms` passed. */
  wait(n: number, ms: number): Promise<WaitResult> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (this.replies >= n) return (finish('replied'), true);
        if (this.closed) return (finish('closed'), true);
        return false;
      };
      const timer = setTimeout(() => finish('timeout'), ms);
      const finish = (r: WaitResult): void => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(r);
      };
      if (!check()) this.waiter = () => void check();
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    try {
      for (;;) {
        const end = replyEnd(this.buf, this.parsed);
        if (end < 0) break;
        this.parsed = end;
        this.replies++;
      }
    } catch (err) {
      this.garbage = String(err);
    }
    this.waiter?.();
  }
}
