// RESP2 reply writer for the commands the control plane serves (INFO, CONFIG, MEMORY STATS): the
// engine hands them over, and what is written here goes back to it as the reply's bytes.
//
// Replies are written into a slab and take() hands the socket a view of the bytes written since
// the last take(), not a copy: bytes before `start` are never written again, and a slab with
// little room left is replaced (the old one lives on while sockets still hold views of it).

interface Latin1Fast {
  latin1Write(s: string, offset: number, length: number): number;
}

const SMALL_INTS: Buffer[] = [];
for (let i = 0; i < 64; i++) SMALL_INTS.push(Buffer.from(`:${i}\r\n`));
const BULK_HEADERS: Buffer[] = [];
for (let i = 0; i < 1024; i++) BULK_HEADERS.push(Buffer.from(`$${i}\r\n`));

const SLAB = 256 * 1024;
/** take() starts a new slab when less than this is left in the current one. */
const MIN_ROOM = 16 * 1024;
/** A slab grown beyond this for one big reply is not kept. */
const KEEP_CAPACITY = 1024 * 1024;

export class ReplyWriter {
  private buf = Buffer.allocUnsafe(SLAB);
  /** Start of the replies not yet taken. */
  private start = 0;
  pos = 0;
  /** Error replies written (INFO stats). */
  errors = 0;

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos - this.start;
  }

  /** Drop what was written after the first `len` bytes since the last take() (a half-written reply). */
  truncate(len: number): void {
    this.pos = this.start + len;
  }

  /** Make room for n more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const pending = this.pos - this.start;
    const b = Buffer.allocUnsafe(Math.max(SLAB, (pending + n) * 2));
    this.buf.copy(b, 0, this.start, this.pos);
    this.buf = b;
    this.start = 0;
    this.pos = pending;
  }

  /** The replies written since the last take(), as a Buffer the socket may keep. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    if (this.buf.length - this.pos < MIN_ROOM || this.buf.length > KEEP_CAPACITY) {
      this.buf = Buffer.allocUnsafe(SLAB);
      this.start = this.pos = 0;
    }
    return out;
  }

  /** Forget unsent replies (the client went away). */
  discard(): void {
    this.pos = this.start;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private latin1(s: string): void {
    this.pos += (this.buf as unknown as Latin1Fast).latin1Write(s, this.pos, s.length);
  }

  private crlf(): void {
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** +text (must not contain CR/LF). */
  simple(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.pos++] = 43;
    this.latin1(s);
    this.crlf();
  }

  /** -message; CR and LF become spaces as in Redis's addReplyErrorLength. */
  error(msg: string): void {
    const s = /[\r\n]/.test(msg) ? msg.replace(/[\r\n]/g, ' ') : msg;
    this.errors++;
    this.ensure(s.length + 3);
    this.buf[this.pos++] = 45;
    this.latin1(s);
    this.crlf();
  }

  /** :n for a safe integer or a bigint (int64 results). */
  int(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n < 64) {
      this.raw(SMALL_INTS[n]!);
      return;
    }
    const s = String(n);
    this.ensure(s.length + 3);
    this.buf[this.pos++] = 58;
    this.latin1(s);
    this.crlf();
  }

  private header(prefix: number, n: number): void {
    if (prefix === 36 && n < 1024) {
      this.raw(BULK_HEADERS[n]!);
      return;
    }
    const s = String(n);
    this.ensure(s.length + 3);
    this.buf[this.pos++] = prefix;
    this.latin1(s);
    this.crlf();
  }

  arrayHeader(n: number): void {
    this.header(42, n);
  }

  nullBulk(): void {
    this.raw(NULL_BULK);
  }

  nullArray(): void {
    this.raw(NULL_ARRAY);
  }

  bulk(b: Uint8Array): void {
    this.header(36, b.length);
    this.ensure(b.length + 2);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    this.crlf();
  }

  /** A binary-safe string (one char per byte), e.g. a key. */
  bulkLatin1(s: string): void {
    this.header(36, s.length);
    this.ensure(s.length + 2);
    this.latin1(s);
    this.crlf();
  }

  /** UTF-8 text such as INFO output. */
  bulkText(s: string): void {
    const n = Buffer.byteLength(s);
    this.header(36, n);
    this.ensure(n + 2);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
    this.crlf();
  }

  ok(): void {
    this.raw(OK);
  }
}

const NULL_BULK = Buffer.from('$-1\r\n');
const NULL_ARRAY = Buffer.from('*-1\r\n');
const OK = Buffer.from('+OK\r\n');
