// Incremental RESP2 request parser (multibulk and inline), one per connection, following Redis's
// processMultibulkBuffer/processInlineBuffer: same limits, same protocol error texts.
//
// A read chunk is parsed in place when nothing is pending (the common case: zero copies). Only
// an incomplete trailing command is copied into the connection's own growable buffer, which then
// takes the following chunks by append (amortised doubling), so a 100 MB value arriving in 64 KB
// pieces costs O(n) copying, and parsing resumes where it stopped instead of from the start.

import { CommandArgs } from './args.js';

/** next() results. */
export const NEED_MORE = 0;
export const COMMAND = 1;
export const PROTOCOL_ERROR = 2;

const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;
const CR = 13;
const LF = 10;

export interface ParserLimits {
  /** Largest bulk argument accepted (Redis proto-max-bulk-len). */
  maxBulkLen: number;
}

export class RequestParser {
  readonly args = new CommandArgs();
  /** Set when next() returns PROTOCOL_ERROR: the text after "-ERR ". */
  error = '';

  private buf: Buffer = EMPTY;
  private end = 0;
  private pos = 0;
  /** Where the command being parsed starts in buf. */
  private cmdStart = 0;
  /** Arguments still expected by the current multibulk (0: between commands). */
  private mbLeft = 0;
  /** Length of the bulk being waited for, -1 while its "$len" header is not yet read. */
  private bulkLen = -1;
  /** The connection's own buffer; `pending` bytes of it are valid when buf === own. */
  private own: Buffer = EMPTY;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes held between reads (counted against the query buffer limit). */
  get pendingBytes(): number {
    return this.buf === this.own ? this.end : 0;
  }

  /** Bytes the current command still needs at least (0 if unknown), to reject hopeless requests early. */
  get neededBytes(): number {
    return this.mbLeft > 0 && this.bulkLen >= 0 ? this.pos - this.cmdStart + this.bulkLen + 2 : 0;
  }

  /**
   * Start on a new read chunk: its first `len` bytes. The chunk may be a read buffer that is
   * reused for the next read: settle() copies whatever must outlive it.
   */
  feed(chunk: Buffer, len = chunk.length): void {
    if (this.buf !== this.own || this.end === 0) {
      this.buf = chunk;
      this.end = len;
      this.pos = 0;
      this.cmdStart = 0;
      return;
    }
    const need = this.end + len;
    if (need > this.own.length) this.grow(need);
    chunk.copy(this.own, this.end, 0, len);
    this.buf = this.own;
    this.end = need;
  }

  /**
   * Call after the last next() of a chunk: keep the unparsed tail (an incomplete command) in the
   * connection's own buffer, moved to its start.
   */
  settle(): void {
    const from = this.cmdStart;
    const n = this.end - from;
    if (this.mbLeft === 0 && this.pos >= this.end) {
      // Nothing pending. Give back a big buffer so idle clients hold little memory.
      if (this.own.length > 1024 * 1024) this.own = EMPTY;
      this.buf = this.own;
      this.end = this.pos = this.cmdStart = 0;
      return;
    }
    if (this.buf !== this.own) {
      if (this.own.length < n) this.own = Buffer.allocUnsafe(roundUp(n));
      this.buf.copy(this.own, 0, from, this.end);
    } else if (from > 0) {
      this.own.copy(this.own, 0, from, this.end);
    }
    const a = this.args;
    if (from > 0) {
      for (let i = 0; i < a.argc; i++) {
        a.start[i] = a.start[i]! - from;
        a.end[i] = a.end[i]! - from;
      }
    }
    this.buf = a.buf = this.own;
    this.pos -= from;
    this.cmdStart = 0;
    this.end = n;
  }

  /** Drop everything (after a protocol error the connection closes anyway). */
  reset(): void {
    this.buf = this.own = EMPTY;
    this.end = this.pos = this.cmdStart = this.mbLeft = 0;
    this.bulkLen = -1;
  }

  /** Parse the next command from the current chunk into `args`. */
  next(): number {
    const buf = this.buf;
    const end = this.end;
    for (;;) {
      if (this.mbLeft === 0) {
        // Between commands.
        let pos = this.pos;
        if (pos >= end) return NEED_MORE;
        this.cmdStart = pos;
        if (buf[pos] !== 42 /* '*' */) {
          const r = this.inline();
          if (r === COMMAND && this.args.argc === 0) continue;
          return r;
        }
        const cr = findCR(buf, pos, end);
        if (cr < 0 || cr + 1 >= end) {
          if (end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big mbulk count string');
          return NEED_MORE;
        }
        if (cr - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big mbulk count string');
        const n = parseLen(buf, pos + 1, cr);
        if (n === BAD || n > INT_MAX) return this.fail('Protocol error: invalid multibulk length');
        pos = cr + 2;
        this.pos = pos;
        if (n <= 0) continue; // "*0" and "*-1" are empty requests: skipped.
        this.mbLeft = n;
        this.bulkLen = -1;
        this.args.buf = buf;
        this.args.argc = 0;
      }
      // Inside a multibulk: read "$len\r\n" then len bytes and two more (not checked, as Redis).
      while (this.mbLeft > 0) {
        let pos = this.pos;
        if (this.bulkLen < 0) {
          if (pos >= end) return NEED_MORE;
          const cr = findCR(buf, pos, end);
          if (cr < 0 || cr + 1 >= end) {
            if (end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big bulk count string');
            return NEED_MORE;
          }
          if (cr - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big bulk count string');
          if (buf[pos] !== 36 /* '$' */) {
            return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(buf[pos]!)}'`);
          }
          const n = parseLen(buf, pos + 1, cr);
          if (n === BAD || n < 0 || n > this.limits.maxBulkLen) return this.fail('Protocol error: invalid bulk length');
          this.bulkLen = n;
          pos = cr + 2;
          this.pos = pos;
        }
        if (end - pos < this.bulkLen + 2) return NEED_MORE;
        const a = this.args;
        a.start[a.argc] = pos;
        a.end[a.argc] = pos + this.bulkLen;
        a.argc++;
        this.pos = pos + this.bulkLen + 2;
        this.bulkLen = -1;
        this.mbLeft--;
      }
      this.args.buf = buf;
      return COMMAND;
    }
  }

  private fail(msg: string): number {
    this.error = msg;
    return PROTOCOL_ERROR;
  }

  private grow(need: number): void {
    const b = Buffer.allocUnsafe(roundUp(Math.max(need, this.own.length * 2)));
    if (this.buf === this.own) this.own.copy(b, 0, 0, this.end);
    if (this.args.buf === this.own) this.args.buf = b;
    if (this.buf === this.own) this.buf = b;
    this.own = b;
  }

  /** An inline command ("PING\r\n", as typed into telnet): split like sdssplitargs. */
  private inline(): number {
    const buf = this.buf;
    const pos = this.pos;
    const nl = buf.indexOf(LF, pos);
    if (nl < 0 || nl >= this.end) {
      if (this.end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big inline request');
      return NEED_MORE;
    }
    if (nl - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big inline request');
    let lineEnd = nl;
    if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--;
    const parts = splitArgs(buf, pos, lineEnd);
    if (parts === null) return this.fail('Protocol error: unbalanced quotes in request');
    this.pos = nl + 1;
    const a = this.args;
    a.argc = parts.length;
    if (parts.length === 0) return COMMAND;
    const joined = Buffer.concat(parts);
    a.buf = joined;
    let off = 0;
    for (let i = 0; i < parts.length; i++) {
      a.start[i] = off;
      off += parts[i]!.length;
      a.end[i] = off;
    }
    return COMMAND;
  }
}

const EMPTY = Buffer.alloc(0);
const BAD = -Infinity;

/**
 * The first CR in buf[from, end), looking no further than a header line may be long; -1 if none.
 * A JS loop: header lines ("*3", "$256") are a few bytes, where Buffer.indexOf's native call
 * costs more than the scan, and it ignores the stale bytes a reused read buffer holds past `end`.
 */
function findCR(buf: Buffer, from: number, end: number): number {
  const stop = Math.min(end, from + PROTO_INLINE_MAX_SIZE + 1);
  for (let i = from; i < stop; i++) if (buf[i] === CR) return i;
  return -1;
}

function roundUp(n: number): number {
  return n < 16384 ? 16384 : n;
}

/** A decimal length as Redis's string2ll accepts it; BAD if malformed or beyond int64. */
function parseLen(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 20) return BAD;
  let i = s;
  let neg = false;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === e) return BAD;
  }
  if (buf[i] === 48 && e - i > 1) return BAD; // no leading zeros
  let v = 0;
  for (; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return BAD;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** sdssplitargs: whitespace-separated words with "double" (C escapes, \xHH) and 'single' quotes. */
export function splitArgs(buf: Buffer, s: number, e: number): Buffer[] | null {
  const out: Buffer[] = [];
  let p = s;
  for (;;) {
    while (p < e && isSpace(buf[p]!)) p++;
    if (p >= e) return out;
    const cur: number[] = [];
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = p < e ? buf[p]! : -1;
      if (inq) {
        if (c < 0) return null;
        if (c === 92 && p + 3 < e && buf[p + 1] === 120 && hexVal(buf[p + 2]!) >= 0 && hexVal(buf[p + 3]!) >= 0) {
          cur.push(hexVal(buf[p + 2]!) * 16 + hexVal(buf[p + 3]!));
          p += 3;
        } else if (c === 92 && p + 1 < e) {
          p++;
          const d = buf[p]!;
          cur.push(d === 110 ? 10 : d === 114 ? 13 : d === 116 ? 9 : d === 98 ? 8 : d === 97 ? 7 : d);
        } else if (c === 34) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else if (insq) {
        if (c < 0) return null;
        if (c === 92 && p + 1 < e && buf[p + 1] === 39) {
          p++;
          cur.push(39);
        } else if (c === 39) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else if (c < 0 || c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inq = true;
      } else if (c === 39) {
        insq = true;
      } else {
        cur.push(c);
      }
      if (p < e) p++;
    }
    out.push(Buffer.from(cur));
  }
}
