// BGSAVE STAT_MEMORY's memory profile (a tiermem extension; Redis 7.0 replies a syntax error):
// per data type x tier the keys and the exact bytes of their values, keys and metadata, and the
// store-wide parts (keyspace tables, expiry index, client buffers, AOF buffer, lazyfree, other),
// tallied by the snapshot as it writes each key (native/store/memprofile.h). One shape for INFO,
// the log, the metrics, the admin API and `tiermem profile`.

import { TIERS, type Tier } from '../types.js';
import type { NativeMemoryProfile } from '../native.js';
import { DATA_TYPES, type DataType } from './data/types.js';

/** The store-wide parts, in the engine's order (MP_KEYSPACE ... MP_OTHER). */
export const STORE_PARTS = ['keyspace', 'expires', 'client_buffers', 'aof_buffer', 'lazyfree', 'other'] as const;
export type StorePart = (typeof STORE_PARTS)[number];
/** The parts of a data type's bytes (MP_VALUES, MP_KEYS, MP_METADATA). */
export const TYPE_PARTS = ['values', 'keys', 'metadata'] as const;
export type TypePart = (typeof TYPE_PARTS)[number];

export interface ProfileCell {
  /** Keys whose value is on this tier (integer strings, which have no value block, on DRAM). */
  keys: number;
  /** Usable bytes of the blocks on this tier, by part. */
  bytes: Record<TypePart, number>;
}

export interface MemoryProfile {
  /** When the snapshot started (the cut) and when its last key was written, unix ms. */
  cutMs: number;
  doneMs: number;
  types: Record<DataType, Record<Tier, ProfileCell>>;
  store: Record<StorePart, Record<Tier, number>>;
  keys: number;
  keysWithExpiry: number;
  clients: number;
  /** Every byte above: what the store held at the cut. */
  totalBytes: number;
}

export function fromNative(n: NativeMemoryProfile): MemoryProfile {
  const per = 1 + TYPE_PARTS.length;
  let total = 0;
  let keys = 0;
  const types = {} as MemoryProfile['types'];
  DATA_TYPES.forEach((type, t) => {
    const byTier = {} as Record<Tier, ProfileCell>;
    TIERS.forEach((tier, r) => {
      const row = (t * TIERS.length + r) * per;
      const bytes = {} as Record<TypePart, number>;
      TYPE_PARTS.forEach((part, i) => {
        bytes[part] = n.types[row + 1 + i]!;
        total += bytes[part];
      });
      byTier[tier] = { keys: n.types[row]!, bytes };
      keys += n.types[row]!;
    });
    types[type] = byTier;
  });
  const store = {} as MemoryProfile['store'];
  STORE_PARTS.forEach((part, p) => {
    const byTier = {} as Record<Tier, number>;
    TIERS.forEach((tier, r) => {
      byTier[tier] = n.store[p * TIERS.length + r]!;
      total += byTier[tier];
    });
    store[part] = byTier;
  });
  return {
    cutMs: n.cutMs,
    doneMs: n.doneMs,
    types,
    store,
    keys,
    keysWithExpiry: n.keysWithExpiry,
    clients: n.clients,
    totalBytes: total,
  };
}

/** A type's bytes on a tier, all parts together. */
export const cellBytes = (c: ProfileCell): number => c.bytes.values + c.bytes.keys + c.bytes.metadata;

/** The INFO section (`INFO memoryprofile`): names follow the tiering section's (type_<name>:
 *  keys=..,key_bytes=..,metadata_bytes=..). `running`: a profiled save is under way. */
export function profileInfoLines(p: MemoryProfile | null, running: boolean): string[] {
  const status = running ? 'running' : p ? 'ok' : 'none';
  if (!p) return [`memprofile_status:${status}`];
  const lines = [
    `memprofile_status:${status}`,
    `memprofile_cut_time:${Math.floor(p.cutMs / 1000)}`,
    `memprofile_duration_ms:${p.doneMs - p.cutMs}`,
    `memprofile_bytes:${p.totalBytes}`,
    `memprofile_keys:${p.keys}`,
    `memprofile_keys_with_expiry:${p.keysWithExpiry}`,
    `memprofile_clients:${p.clients}`,
  ];
  for (const type of DATA_TYPES)
    for (const tier of TIERS) {
      const c = p.types[type][tier];
      lines.push(
        `profile_${type}_${tier}:keys=${c.keys},value_bytes=${c.bytes.values},key_bytes=${c.bytes.keys},` +
          `metadata_bytes=${c.bytes.metadata}`,
      );
    }
  for (const tier of TIERS)
    lines.push(`profile_store_${tier}:` + STORE_PARTS.map((part) => `${part}=${p.store[part][tier]}`).join(','));
  return lines;
}

/** The log lines at the end of a profiled save: one per type x tier holding anything, then the
 *  store-wide parts. */
export function profileLogLines(p: MemoryProfile): string[] {
  const lines = [
    `Memory profile (BGSAVE STAT_MEMORY): ${p.totalBytes} bytes at the cut, ${p.keys} keys ` +
      `(${p.keysWithExpiry} with a TTL), ${p.clients} clients, ${p.doneMs - p.cutMs} ms`,
  ];
  for (const type of DATA_TYPES)
    for (const tier of TIERS) {
      const c = p.types[type][tier];
      if (c.keys === 0 && cellBytes(c) === 0) continue;
      lines.push(
        `Memory profile: ${type} ${tier}: ${c.keys} keys, values ${c.bytes.values}, keys ${c.bytes.keys}, ` +
          `metadata ${c.bytes.metadata} bytes`,
      );
    }
  for (const tier of TIERS)
    lines.push(
      `Memory profile: store ${tier}: ` + STORE_PARTS.map((part) => `${part} ${p.store[part][tier]}`).join(', '),
    );
  return lines;
}
