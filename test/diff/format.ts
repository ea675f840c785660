// Printable forms for reports: arguments quoted and escaped as redis-cli shows them.
import type { RespValue } from './resp.js';

export function escapeBytes(buf: Buffer): string {
  let out = '"';
  for (const c of buf) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out + '"';
}

export function formatCommand(args: readonly Buffer[]): string {
  return args.map((a) => truncate(escapeBytes(a))).join(' ');
}

export function formatReply(v: RespValue): string {
  switch (v.kind) {
    case 'simple':
      return `+${v.text}`;
    case 'error':
      return `(error) ${truncate(escapeBytes(Buffer.from(v.text, 'latin1')).slice(1, -1))}`;
    case 'integer':
      return `(integer) ${v.text}`;
    case 'bulk':
      return v.data === null ? '(nil)' : truncate(escapeBytes(v.data));
    case 'array':
      if (v.items === null) return '(nil array)';
      return `[${v.items.map(formatReply).join(', ')}]`;
  }
}

function truncate(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}...(${s.length} chars)`;
}
