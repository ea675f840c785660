// Reply comparison: exact (type, bytes), except where Redis leaves the order unspecified
// (multisets) and where the value depends on when each server ran the command (TTLs).
import type { RespValue } from './resp.js';

export type ReplyKind =
  | 'exact'
  | 'multiset' // array in unspecified order: SMEMBERS, KEYS
  | 'pairs' // flat field/value array in unspecified order: HGETALL
  | 'scan' // [cursor, keys]: keys as a multiset
  | 'ttl' // seconds: -2 / -1 exact, positive within tolerance
  | 'pttl'; // milliseconds, same

const TOLERANCE = { ttl: 2n, pttl: 2000n };

export function repliesMatch(kind: ReplyKind, a: RespValue, b: RespValue): boolean {
  return serialize(normalize(kind, a)) === serialize(normalize(kind, b)) || timedMatch(kind, a, b);
}

function normalize(kind: ReplyKind, v: RespValue): RespValue {
  if (v.kind !== 'array' || v.items === null) return v;
  switch (kind) {
    case 'multiset':
      return { kind: 'array', items: sortValues(v.items) };
    case 'pairs': {
      const pairs: RespValue[] = [];
      for (let i = 0; i + 1 < v.items.length; i += 2) {
        pairs.push({ kind: 'array', items: v.items.slice(i, i + 2) });
      }
      if (v.items.length % 2) pairs.push(v.items[v.items.length - 1] as RespValue);
      return { kind: 'array', items: sortValues(pairs) };
    }
    case 'scan': {
      const [cursor, found] = v.items;
      if (v.items.length !== 2 || !cursor || !found || found.kind !== 'array' || !found.items) return v;
      return { kind: 'array', items: [cursor, { kind: 'array', items: sortValues(found.items) }] };
    }
    default:
      return v;
  }
}

function timedMatch(kind: ReplyKind, a: RespValue, b: RespValue): boolean {
  if ((kind !== 'ttl' && kind !== 'pttl') || a.kind !== 'integer' || b.kind !== 'integer') return false;
  const x = BigInt(a.text);
  const y = BigInt(b.text);
  if (x < 0n || y < 0n) return x === y;
  const d = x > y ? x - y : y - x;
  return d <= TOLERANCE[kind];
}

function sortValues(items: RespValue[]): RespValue[] {
  return items
    .map((item) => ({ item, key: serialize(item) }))
    .sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0))
    .map((p) => p.item);
}

/** A canonical, injective text form: type tag plus length-prefixed content. */
export function serialize(v: RespValue): string {
  switch (v.kind) {
    case 'simple':
      return `+${v.text.length}:${v.text}`;
    case 'error':
      return `-${v.text.length}:${v.text}`;
    case 'integer':
      return `:${v.text}`;
    case 'bulk':
      return v.data === null ? '$nil' : `$${v.data.length}:${v.data.toString('latin1')}`;
    case 'array':
      return v.items === null ? '*nil' : `*${v.items.length}[${v.items.map(serialize).join('')}]`;
  }
}
