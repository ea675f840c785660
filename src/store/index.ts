// The store engine's public entry: a Redis-protocol (RESP2) key-value server whose values live in
// tiermem. Keys, the main table and per-key metadata stay in DRAM; values go through
// zmalloc(size, 'data') and land on DRAM or PMem by the threshold.

import type { AddressInfo } from 'node:net';
import type { Allocator } from '../types.js';
import type { StoreComposition } from './composition.js';
import { StoreEngine, type StoreLimits } from './engine.js';
import { StoreNetServer } from './server.js';
import type { TieringController } from './tiering.js';

export type { StoreComposition, TypeComposition, TierFigures } from './composition.js';
export type { TieringController, TieringControllerParams } from './tiering.js';
export type { DataType } from './data/types.js';
export { DATA_TYPES } from './data/types.js';
export type { StoreStats } from './engine.js';

export interface StoreServerOptions {
  allocator: Allocator;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6379; 0 picks a free port (see `address`). */
  port?: number;
  /** The ratio controller, for CONFIG SET dram-pmem-ratio / dynamic-threshold-*; optional. */
  controller?: TieringController | null;
  /** Unparsed input per client before it is disconnected (client-query-buffer-limit). Default 1 GiB. */
  maxQueryBuffer?: number;
  /** Unsent output per client before it is disconnected; 0 = unlimited. Default 256 MiB. */
  maxOutputBuffer?: number;
  /** Largest bulk argument / string value (proto-max-bulk-len). Default 512 MiB. */
  maxBulkLen?: number;
  /** Run the active expiry cycle (default true). */
  activeExpiry?: boolean;
}

export interface StoreServer {
  readonly address: AddressInfo;
  /** Per data type x tier keys and bytes, client buffers; from counters, no scan. */
  composition(): StoreComposition;
  /** Connection and command counters (INFO stats). */
  readonly stats: Readonly<import('./engine.js').StoreStats>;
  /** Live value allocations, by walking the keyspace: for tests and debugging only. */
  valueHandles(): number[];
  /** Stop accepting, disconnect clients, free every value. The allocator stays open. */
  close(): Promise<void>;
}

export async function startStoreServer(opts: StoreServerOptions): Promise<StoreServer> {
  const limits: StoreLimits = {
    maxBulkLen: opts.maxBulkLen ?? 512 * 1024 * 1024,
    maxQueryBuffer: opts.maxQueryBuffer ?? 1024 * 1024 * 1024,
    maxOutputBuffer: opts.maxOutputBuffer ?? 256 * 1024 * 1024,
  };
  const engine = new StoreEngine(opts.allocator, limits, opts.controller ?? null);
  const net = new StoreNetServer(engine);
  const address = await net.listen(opts.port ?? 6379, opts.host ?? '127.0.0.1');
  engine.port = address.port;
  if (opts.activeExpiry !== false) engine.expiry.start();
  let closed = false;
  return {
    address,
    stats: engine.stats,
    composition: () => engine.composition(),
    valueHandles: () => [...engine.valueHandles()],
    async close() {
      if (closed) return;
      closed = true;
      await net.close();
      if (!opts.allocator.closed) engine.close();
      else engine.expiry.stop();
    },
  };
}
