// RESP2 encoding of commands and parsing of replies, kept structural (bulk strings stay Buffers,
// integers stay their decimal text, nil bulk and nil array stay distinct) so that the comparison
// sees what went over the wire, not a client library's conversions.

export type RespValue =
  | { kind: 'simple'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'integer'; text: string }
  | { kind: 'bulk'; data: Buffer | null }
  | { kind: 'array'; items: RespValue[] | null };

export interface Parsed {
  value: RespValue;
  end: number;
}

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, CRLF);
  return Buffer.concat(parts);
}

/** One complete reply starting at `start`, or null if the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, start: number): Parsed | null {
  if (start >= buf.length) return null;
  const lineEnd = buf.indexOf(CRLF, start);
  if (lineEnd < 0) return null;
  const type = buf[start];
  // latin1 maps each byte to one char: error texts that echo binary arguments stay exact.
  const line = buf.toString('latin1', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return { value: { kind: 'simple', text: line }, end: next };
    case 0x2d: // -
      return { value: { kind: 'error', text: line }, end: next };
    case 0x3a: // :
      return { value: { kind: 'integer', text: line }, end: next };
    case 0x24: {
      // $
      const n = parseLength(line);
      if (n === -1) return { value: { kind: 'bulk', data: null }, end: next };
      if (buf.length < next + n + 2) return null;
      if (buf[next + n] !== 0x0d || buf[next + n + 1] !== 0x0a) throw new Error('RESP: bulk not followed by CRLF');
      return { value: { kind: 'bulk', data: Buffer.from(buf.subarray(next, next + n)) }, end: next + n + 2 };
    }
    case 0x2a: {
      // *
      const n = parseLength(line);
      if (n === -1) return { value: { kind: 'array', items: null }, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (item === null) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: { kind: 'array', items }, end: pos };
    }
    default:
      throw new Error(`RESP: unexpected type byte 0x${(type ?? 0).toString(16)}`);
  }
}

function parseLength(line: string): number {
  if (!/^(-1|0|[1-9][0-9]*)$/.test(line)) throw new Error(`RESP: bad length '${line}'`);
  return Number(line);
}
