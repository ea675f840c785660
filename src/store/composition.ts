// Memory composition kept incrementally: every allocation and free of a value adjusts these
// counters, so INFO memory, MEMORY STATS and the metrics read them without walking the keyspace.

import type { Tier } from '../types.js';
import { DATA_TYPES, TYPE_COUNT, type DataType } from './data/types.js';

export interface TierFigures {
  /** Live tiermem allocations holding values of this type on this tier. */
  allocations: number;
  /** Their usable bytes (what the allocator accounts). */
  bytes: number;
}

export interface TypeComposition {
  /** Live keys of this type. */
  keys: number;
  /** Value bytes in tiermem ('data' category), by tier. */
  tiers: Record<Tier, TierFigures>;
  /**
   * Bytes of keys, hash fields and set members, which stay in DRAM inside the JS index
   * structures (string lengths; V8 object overhead not included).
   */
  indexBytes: number;
}

export interface StoreComposition {
  types: Record<DataType, TypeComposition>;
  /** Totals over all types. */
  keys: number;
  keysWithExpiry: number;
  valueBytes: Record<Tier, number>;
  indexBytes: number;
  /** Bytes waiting in client query buffers and socket output buffers. */
  clientBuffers: { query: number; output: number; clients: number };
}

export class Composition {
  readonly keys = new Float64Array(TYPE_COUNT);
  /** [type * 2 + tier]: usable bytes of value allocations. */
  readonly bytes = new Float64Array(TYPE_COUNT * 2);
  /** [type * 2 + tier]: number of value allocations. */
  readonly allocations = new Float64Array(TYPE_COUNT * 2);
  readonly indexBytes = new Float64Array(TYPE_COUNT);

  reset(): void {
    this.keys.fill(0);
    this.bytes.fill(0);
    this.allocations.fill(0);
    this.indexBytes.fill(0);
  }

  tierBytes(tier: number): number {
    let s = 0;
    for (let t = 0; t < TYPE_COUNT; t++) s += this.bytes[t * 2 + tier]!;
    return s;
  }

  totalKeys(): number {
    let s = 0;
    for (let t = 0; t < TYPE_COUNT; t++) s += this.keys[t]!;
    return s;
  }

  snapshot(keysWithExpiry: number, clientBuffers: StoreComposition['clientBuffers']): StoreComposition {
    const types = {} as Record<DataType, TypeComposition>;
    let indexBytes = 0;
    DATA_TYPES.forEach((name, t) => {
      types[name] = {
        keys: this.keys[t]!,
        tiers: {
          dram: { allocations: this.allocations[t * 2]!, bytes: this.bytes[t * 2]! },
          pmem: { allocations: this.allocations[t * 2 + 1]!, bytes: this.bytes[t * 2 + 1]! },
        },
        indexBytes: this.indexBytes[t]!,
      };
      indexBytes += this.indexBytes[t]!;
    });
    return {
      types,
      keys: this.totalKeys(),
      keysWithExpiry,
      valueBytes: { dram: this.tierBytes(0), pmem: this.tierBytes(1) },
      indexBytes,
      clientBuffers,
    };
  }
}
