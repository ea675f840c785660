// The store's memory composition, read from the C engine's counters (per owner x category x
// tier, kept on every allocation and free), so INFO, MEMORY STATS and the metrics never walk the
// keyspace.

import { CATEGORIES, TIERS, type Category, type Tier } from '../types.js';
import type { NativeStoreInfo } from '../native.js';
import { DATA_TYPES, TYPE_COUNT, type DataType } from './data/types.js';

export interface TierFigures {
  /** Live blocks holding values of this type on this tier. */
  allocations: number;
  /** Their usable bytes (what the allocator accounts). */
  bytes: number;
}

export interface TypeComposition {
  /** Live keys of this type. */
  keys: number;
  /** Value bytes (category 'data', routed by the threshold), by tier. */
  tiers: Record<Tier, TierFigures>;
  /** The keys' entry blocks: header, TTL and key bytes (category 'keys', pinned to DRAM). */
  keyBytes: number;
  /** Collection structure: nodes, member tables, field names (category 'metadata', DRAM). */
  metadataBytes: number;
}

export interface StoreComposition {
  types: Record<DataType, TypeComposition>;
  /** Totals over all types. */
  keys: number;
  keysWithExpiry: number;
  valueBytes: Record<Tier, number>;
  keyBytes: number;
  /** Metadata of the collections plus the store's own tables (keyspace buckets, expiry index). */
  metadataBytes: number;
  /** Everything the store holds, by tier and category (usable bytes and blocks). */
  byCategory: Record<Tier, Record<Category, TierFigures>>;
  /** Bytes waiting in client query buffers and reply buffers, and the client count. */
  clientBuffers: { query: number; output: number; clients: number };
  /** Key reads by the tier of the value read, values moved by the migrator, keys evicted. */
  reads: Record<Tier, number>;
  migrated: Record<Tier, { bytes: number; values: number }>;
  /** The migrator's budget (bytes/s) and the rate it moved over the last second. */
  migrateRate: { limit: number; current: number };
  evictedKeys: number;
  /** Internal failures of the engine and the control plane (never reset). */
  internalErrors: number;
}

/** The engine's memory cells as a composition. `outputBacklog` adds what sockets still hold. */
export function compose(info: NativeStoreInfo, outputBacklog: number): StoreComposition {
  const cats = CATEGORIES.length;
  const tiers = TIERS.length;
  const cell = (owner: number, cat: number, tier: number, field: 0 | 1): number =>
    info.cells[((owner * cats + cat) * tiers + tier) * 2 + field]!;
  const DATA = CATEGORIES.indexOf('data');
  const KEYS = CATEGORIES.indexOf('keys');
  const META = CATEGORIES.indexOf('metadata');
  const types = {} as Record<DataType, TypeComposition>;
  const valueBytes: Record<Tier, number> = { dram: 0, pmem: 0 };
  let keys = 0;
  let keyBytes = 0;
  let metadataBytes = 0;
  DATA_TYPES.forEach((name, t) => {
    const tc: TypeComposition = {
      keys: 0,
      tiers: { dram: { allocations: 0, bytes: 0 }, pmem: { allocations: 0, bytes: 0 } },
      keyBytes: 0,
      metadataBytes: 0,
    };
    TIERS.forEach((tier, ti) => {
      tc.keys += cell(t, KEYS, ti, 1);
      tc.keyBytes += cell(t, KEYS, ti, 0);
      tc.metadataBytes += cell(t, META, ti, 0);
      tc.tiers[tier] = { allocations: cell(t, DATA, ti, 1), bytes: cell(t, DATA, ti, 0) };
      valueBytes[tier] += cell(t, DATA, ti, 0);
    });
    keys += tc.keys;
    keyBytes += tc.keyBytes;
    metadataBytes += tc.metadataBytes;
    types[name] = tc;
  });
  const byCategory = {} as Record<Tier, Record<Category, TierFigures>>;
  TIERS.forEach((tier, ti) => {
    const row = {} as Record<Category, TierFigures>;
    CATEGORIES.forEach((cat, ci) => {
      const f: TierFigures = { allocations: 0, bytes: 0 };
      for (let o = 0; o <= TYPE_COUNT; o++) {
        f.bytes += cell(o, ci, ti, 0);
        f.allocations += cell(o, ci, ti, 1);
      }
      row[cat] = f;
    });
    byCategory[tier] = row;
  });
  TIERS.forEach((_tier, ti) => (metadataBytes += cell(TYPE_COUNT, META, ti, 0)));
  let keysWithExpiry = 0;
  for (let d = 0; d < info.databases; d++) keysWithExpiry += info.dbs[2 * d + 1]!;
  return {
    types,
    keys,
    keysWithExpiry,
    valueBytes,
    keyBytes,
    metadataBytes,
    byCategory,
    clientBuffers: { query: info.queryBytes, output: info.outputBytes + outputBacklog, clients: info.clients },
    reads: { dram: info.tiering.dramReadHits, pmem: info.tiering.pmemReadHits },
    migrated: {
      dram: { bytes: info.tiering.toDramBytes, values: info.tiering.toDramValues },
      pmem: { bytes: info.tiering.toPmemBytes, values: info.tiering.toPmemValues },
    },
    migrateRate: { limit: info.tiering.migrateRate, current: info.tiering.migratedRate },
    evictedKeys: info.evictedKeys,
    internalErrors: info.internalErrors,
  };
}
